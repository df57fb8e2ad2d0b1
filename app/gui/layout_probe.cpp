#include "gui/layout_probe.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace parviz::gui::probe {
namespace {

std::vector<PanelRecord> g_panels;
int g_current = -1;          // index into g_panels, -1 outside any panel
bool g_panelScrollsY = false;
bool g_imguiScrollsY = false;   // the scrollbar is ImGui's own (the panel window's)

// Texts of the current panel cut by its top or bottom edge while ImGui's
// scrollbar shows: the band of the cut line, and the text's index in the
// panel's lines (SIZE_MAX: whole lines of it stay visible, it stays listed).
struct EdgeCut { ImRect visible; std::size_t line; std::string text; };
std::vector<EdgeCut> g_edgeCuts;
// The panel's scroll state while a child of it that scrolls on its own is drawn.
struct Saved { bool panelScrollsY, imguiScrollsY; std::vector<EdgeCut> edgeCuts; };
std::vector<Saved> g_saved;
float g_typePx = 0;
// The visible texts of the current panel so far (for overlaps), screen rects.
std::vector<std::pair<ImRect, std::string>> g_texts;

// A text over part of an earlier one (more than a sliver each way: glyph
// boxes of neighbours touch).
void checkOverlap(PanelRecord& p, std::string_view text, const ImRect& r) {
    constexpr float kSliver = 2.0f;
    for (const auto& [o, other] : g_texts) {
        const float w = std::min(r.Max.x, o.Max.x) - std::max(r.Min.x, o.Min.x);
        const float h = std::min(r.Max.y, o.Max.y) - std::max(r.Min.y, o.Min.y);
        if (w > kSliver && h > kSliver) p.overlappingTexts.push_back(std::string(text) + " over " + other);
    }
    g_texts.emplace_back(r, std::string(text));
}

// oneLine: a widget (a button, a radio button with its words): one line
// however tall its frame, so an edge that cuts it covers all of it that
// shows — never the bottom of its frame under half its words.
void record(std::string_view text, const ImRect& r, const ImRect& clip, bool oneLine = false) {
    if (g_current < 0 || text.empty()) return;
    // Texts made of spaces only show nothing.
    if (text.find_first_not_of(' ') == std::string_view::npos) return;
    constexpr float kSlack = 0.5f;   // sub-pixel rounding is not a cut
    const bool meetsX = r.Max.x > clip.Min.x && r.Min.x < clip.Max.x;
    const bool meetsY = r.Max.y > clip.Min.y && r.Min.y < clip.Max.y;
    const bool cutX = r.Min.x < clip.Min.x - kSlack || r.Max.x > clip.Max.x + kSlack;
    const bool cutY = r.Min.y < clip.Min.y - kSlack || r.Max.y > clip.Max.y + kSlack;
    PanelRecord& p = g_panels[static_cast<std::size_t>(g_current)];
    if (meetsX && meetsY) {
        p.lines.emplace_back(text);
        // A line's box is the type's height (more for wrapped lines, frames).
        if (g_typePx > 0 && r.GetHeight() < g_typePx - 0.5f) p.smallTexts.emplace_back(text);
        if (ImFont* font = ImGui::GetFont()) {
            const char* c = text.data();
            const char* const end = text.data() + text.size();
            while (c < end) {
                unsigned int ch = 0;
                const int n = ImTextCharFromUtf8(&ch, c, end);
                if (n <= 0) break;
                c += n;
                if (ch >= 0x20 && !font->FindGlyphNoFallback(static_cast<ImWchar>(ch))) {
                    p.missingGlyphs.emplace_back(text);
                    break;
                }
            }
        }
        ImRect seen = r;
        seen.ClipWith(clip);
        checkOverlap(p, text, seen);
    }
    // Wholly above or below the view (a scrolled panel's text): only a scroll shows it.
    if (meetsX && !meetsY) p.hiddenTexts.emplace_back(text);
    // Half a line at the edge of a scrolled panel is cut text all the same:
    // kept aside, and covered by the panel at its end (coverEdgeCuts) or
    // clipped. Glyphs reach past their line's box (an underscore's tail, an
    // accent): a line just outside the edge still shows them, so the test
    // widens the box by up to the gap between lines each way (never into
    // the next line's box, which the cover must leave alone).
    const float over = std::min(ImGui::GetFontSize() * 0.2f, ImGui::GetStyle().ItemSpacing.y);
    const ImRect wide(r.Min.x, r.Min.y - over, r.Max.x, r.Max.y + over);
    const bool tailsShow = wide.Max.y > clip.Min.y && wide.Min.y < clip.Max.y;
    const bool wideCut = wide.Min.y < clip.Min.y - kSlack || wide.Max.y > clip.Max.y + kSlack;
    if (meetsX && tailsShow && wideCut && g_imguiScrollsY) {
        // Only the line of a wrapped text that the edge cuts is covered; its
        // whole lines stay (ImGui wraps a text's lines one type size apart).
        const float fs = oneLine ? std::max(1.0f, r.GetHeight() + 2 * over) : std::max(1.0f, ImGui::GetFontSize());
        bool whole = false;   // some line of it shows whole
        ImRect bands[2];
        int nBands = 0;
        if (wide.Max.y > clip.Max.y + kSlack) {   // cut at the bottom: from the cut line's top down
            const float k = std::floor(std::max(0.0f, clip.Max.y - r.Min.y) / fs);
            whole = whole || k >= 1;
            const float top = k >= 1 ? r.Min.y + k * fs : r.Min.y - over;
            bands[nBands++] = ImRect(clip.Min.x, std::clamp(top, clip.Min.y, clip.Max.y), clip.Max.x, clip.Max.y);
        }
        if (wide.Min.y < clip.Min.y - kSlack) {   // cut at the top: down to the cut line's bottom
            const float k = std::floor(std::max(0.0f, clip.Min.y - r.Min.y) / fs);
            const float lineBottom = r.Min.y + (k + 1) * fs;
            const bool last = lineBottom >= r.Max.y - kSlack;
            whole = whole || !last;
            const float bottom = last ? r.Max.y + over : lineBottom;
            bands[nBands++] = ImRect(clip.Min.x, clip.Min.y, clip.Max.x, std::clamp(bottom, clip.Min.y, clip.Max.y));
        }
        if (!meetsY) p.lines.emplace_back(text);   // only its tails show: listed until covered
        const std::size_t line = whole ? SIZE_MAX : p.lines.size() - 1;
        for (int i = 0; i < nBands; ++i) g_edgeCuts.push_back({bands[i], line, std::string(text)});
        if (meetsY && cutX) {
            p.clipped = true;
            p.clippedTexts.emplace_back(text);
        }
        return;
    }
    // Cut at the top or bottom: clipped, unless a scrollbar of the panel's
    // own drawing (the timeline's lanes) scrolled it wholly out of view —
    // half a lane label is cut text, scrollbar or not.
    const bool clipped = (meetsY && cutX) || (cutY && (meetsY || !g_panelScrollsY));
    if (clipped) {
        p.clipped = true;
        p.clippedTexts.emplace_back(text);
    }
}

} // namespace

void setTypePx(float px) noexcept { g_typePx = px; }

namespace {
std::vector<TooltipRecord> g_tooltips;
}
void tooltip(TooltipRecord r) { g_tooltips.push_back(std::move(r)); }
const std::vector<TooltipRecord>& tooltips() noexcept { return g_tooltips; }

void beginFrame() {
    g_tooltips.clear();
    g_panels.clear();
    g_texts.clear();
    g_saved.clear();
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
    g_texts.clear();
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    g_panelScrollsY = win && win->ScrollbarY;
    g_panels.back().scrollbar = g_panelScrollsY;
    g_panels.back().backgroundAlpha =
        win && (win->Flags & ImGuiWindowFlags_NoBackground) ? 0.0f
                                                             : ImGui::GetStyle().Alpha * ImGui::GetStyleColorVec4(ImGuiCol_WindowBg).w;
    g_imguiScrollsY = g_panelScrollsY;
    g_edgeCuts.clear();
}

std::vector<ImRect> coverEdgeCuts(bool covered) {
    std::vector<ImRect> out;
    if (g_current < 0) return out;
    PanelRecord& p = g_panels[static_cast<std::size_t>(g_current)];
    std::vector<bool> drop(p.lines.size(), false);
    for (const EdgeCut& c : g_edgeCuts) {
        if (covered) {
            out.push_back(c.visible);
            if (c.line != SIZE_MAX && c.line < drop.size()) drop[c.line] = true;
        } else {
            p.clipped = true;
            p.clippedTexts.push_back(c.text);
        }
    }
    if (covered) {
        // Covered texts are not visible: they leave the panel's lines.
        std::vector<std::string> kept;
        for (std::size_t i = 0; i < p.lines.size(); ++i)
            if (!drop[i]) kept.push_back(std::move(p.lines[i]));
        p.lines = std::move(kept);
    }
    g_edgeCuts.clear();
    return out;
}

void resumePanel(const char* name) {
    g_current = -1;
    for (std::size_t i = g_panels.size(); i > 0; --i)
        if (g_panels[i - 1].name == name) {
            g_current = static_cast<int>(i - 1);
            break;
        }
    g_texts.clear();
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    g_panelScrollsY = win && win->ScrollbarY;
    g_imguiScrollsY = g_panelScrollsY;
    g_edgeCuts.clear();
}

void endPanel() {
    (void)coverEdgeCuts(false);   // a panel that did not cover them: they were cut
    g_current = -1;
}

namespace {
// The lines ImGui drew a wrapped text item in (ImGui::TextWrapped, or
// TextUnformatted under PushTextWrapPos): its own word wrap
// (ImFont::CalcWordWrapPositionA, as ImFont::RenderText steps through the
// text) at the item's width. Greedy wrapping at the widest line's width
// gives the lines it gave at the wrap width: each line fits, and the word
// after each did not fit the wider width either.
std::vector<std::string_view> imguiWrappedLines(std::string_view text, float width) {
    std::vector<std::string_view> out;
    ImFont* font = ImGui::GetFont();
    const float scale = ImGui::GetFontSize() / font->FontSize;
    const char* s = text.data();
    const char* const end = text.data() + text.size();
    while (s < end) {
        const char* eol = font->CalcWordWrapPositionA(scale, s, end, width + 0.5f);
        if (eol == s) ++eol;   // as ImGui: at least one character a line
        const char* nl = static_cast<const char*>(std::memchr(s, '\n', static_cast<std::size_t>(eol - s)));
        const char* lineEnd = nl ? nl : eol;
        const char* trimmed = lineEnd;
        while (trimmed > s && (trimmed[-1] == ' ' || trimmed[-1] == '\t')) --trimmed;
        out.emplace_back(s, static_cast<std::size_t>(trimmed - s));
        s = nl ? nl + 1 : eol;
        if (!nl)   // wrapping skips the blanks that follow, and one newline
            while (s < end && (*s == ' ' || *s == '\t')) ++s;
        if (!nl && s < end && *s == '\n') ++s;
    }
    return out;
}
} // namespace

void lastItem(std::string_view text) {
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    if (!win) return;
    const ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    // A text ImGui wrapped (or one with newlines) is reported as the lines a
    // reader sees, each with its own box one type size tall: what the tests
    // read off the lines is what is on screen (parviz's own wrapping,
    // ui::textUnformatted, draws one item a line already).
    const float fs = ImGui::GetFontSize();
    if (r.GetHeight() >= fs * 1.5f && !text.empty()) {
        const std::vector<std::string_view> lines = imguiWrappedLines(text, r.GetWidth());
        if (lines.size() > 1) {
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const float y = r.Min.y + fs * static_cast<float>(i);
                const float w = ImGui::CalcTextSize(lines[i].data(), lines[i].data() + lines[i].size()).x;
                record(lines[i], ImRect(r.Min.x, y, r.Min.x + w, y + fs), win->ClipRect);
            }
            return;
        }
    }
    record(text, r, win->ClipRect);
}

void lastWidget(std::string_view text) {
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    if (!win) return;
    record(text, ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()), win->ClipRect, true);
    if (g_current < 0) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    const bool disabled = (GImGui->LastItemData.InFlags & ImGuiItemFlags_Disabled) != 0;
    g_panels[static_cast<std::size_t>(g_current)].items.push_back(
        {std::string(text), a.x, a.y, b.x - a.x, b.y - a.y, disabled});
}

void itemOnly(std::string_view text) {
    if (g_current < 0) return;
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    g_panels[static_cast<std::size_t>(g_current)].items.push_back({std::string(text), a.x, a.y, b.x - a.x, b.y - a.y, false});
}

void itemAt(std::string_view text, ImVec2 a, ImVec2 b) {
    if (g_current < 0) return;
    g_panels[static_cast<std::size_t>(g_current)].items.push_back({std::string(text), a.x, a.y, b.x - a.x, b.y - a.y, false});
}

void drawnText(std::string_view text, ImVec2 min, ImVec2 max, ImDrawList* dl) {
    record(text, ImRect(min, max), ImRect(dl->GetClipRectMin(), dl->GetClipRectMax()));
}

void clippedText(std::string_view text, ImVec2 min, ImVec2 max, const ImRect& clip) { record(text, ImRect(min, max), clip); }

void textInRoom(std::string_view text, float needW, float roomW) {
    if (g_current < 0 || text.empty() || needW <= roomW + 0.5f) return;
    PanelRecord& p = g_panels[static_cast<std::size_t>(g_current)];
    p.clipped = true;
    p.clippedTexts.emplace_back(text);
}

void enterScrollChild() {
    g_saved.push_back(Saved{g_panelScrollsY, g_imguiScrollsY, std::move(g_edgeCuts)});
    g_edgeCuts.clear();
    const ImGuiWindow* win = ImGui::GetCurrentWindow();
    g_panelScrollsY = g_imguiScrollsY = win && win->ScrollbarY;
    if (g_current >= 0 && g_panelScrollsY) g_panels[static_cast<std::size_t>(g_current)].scrollbar = true;
}

void leaveScrollChild() {
    if (g_saved.empty()) return;
    g_panelScrollsY = g_saved.back().panelScrollsY;
    g_imguiScrollsY = g_saved.back().imguiScrollsY;
    g_edgeCuts = std::move(g_saved.back().edgeCuts);
    g_saved.pop_back();
}

void setScrollsY(bool scrolls) noexcept {
    g_panelScrollsY = scrolls;
    g_imguiScrollsY = false;
    // A scrollbar the panel draws itself (the timeline's lanes) is one a reader sees, as ImGui's is.
    if (g_current >= 0 && scrolls) g_panels[static_cast<std::size_t>(g_current)].scrollbar = true;
}

const std::vector<PanelRecord>& panels() noexcept { return g_panels; }

} // namespace parviz::gui::probe
