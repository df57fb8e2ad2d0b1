#include "gui/layout_probe.hpp"

#include <imgui_internal.h>

namespace parviz::gui::probe {
namespace {

std::vector<PanelRecord> g_panels;
int g_current = -1;          // index into g_panels, -1 outside any panel
bool g_panelScrollsY = false;

void record(std::string_view text, const ImRect& r, const ImRect& clip) {
    if (g_current < 0 || text.empty()) return;
    // Texts made of spaces only show nothing.
    if (text.find_first_not_of(' ') == std::string_view::npos) return;
    constexpr float kSlack = 0.5f;   // sub-pixel rounding is not a cut
    const bool meetsX = r.Max.x > clip.Min.x && r.Min.x < clip.Max.x;
    const bool meetsY = r.Max.y > clip.Min.y && r.Min.y < clip.Max.y;
    const bool cutX = r.Min.x < clip.Min.x - kSlack || r.Max.x > clip.Max.x + kSlack;
    const bool cutY = r.Min.y < clip.Min.y - kSlack || r.Max.y > clip.Max.y + kSlack;
    PanelRecord& p = g_panels[static_cast<std::size_t>(g_current)];
    if (meetsX && meetsY) p.lines.emplace_back(text);
    const bool clipped = (meetsY && cutX) || (cutY && !g_panelScrollsY);
    if (clipped) {
        p.clipped = true;
        p.clippedTexts.emplace_back(text);
    }
}

} // namespace

void beginFrame() {
    g_panels.clear();
    g_current = -1;
}

void beginPanel(const char* name, float x, float y, float w, float h) {
    PanelRecord r;
    r.name = name;
    r.x = x;
    r.y = y;
    r.w = w;
    r.h = h;
    g_panels.push_back(std::move(r));
    g_current = static_cast<int>(g_panels.size()) - 1;
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    g_panelScrollsY = win && win->ScrollbarY;
}

void endPanel() { g_current = -1; }

void lastItem(std::string_view text) {
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    if (!win) return;
    record(text, ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()), win->ClipRect);
}

void lastWidget(std::string_view text) {
    lastItem(text);
    if (g_current < 0) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    g_panels[static_cast<std::size_t>(g_current)].items.push_back({std::string(text), a.x, a.y, b.x - a.x, b.y - a.y});
}

void drawnText(std::string_view text, ImVec2 min, ImVec2 max, ImDrawList* dl) {
    record(text, ImRect(min, max), ImRect(dl->GetClipRectMin(), dl->GetClipRectMax()));
}

void textInRoom(std::string_view text, float needW, float roomW) {
    if (g_current < 0 || text.empty() || needW <= roomW + 0.5f) return;
    PanelRecord& p = g_panels[static_cast<std::size_t>(g_current)];
    p.clipped = true;
    p.clippedTexts.emplace_back(text);
}

void setScrollsY(bool scrolls) noexcept { g_panelScrollsY = scrolls; }

const std::vector<PanelRecord>& panels() noexcept { return g_panels; }

} // namespace parviz::gui::probe
