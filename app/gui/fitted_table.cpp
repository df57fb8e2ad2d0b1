#include "gui/fitted_table.hpp"

#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "parviz/line_break.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>

namespace parviz::gui::ui {

namespace {
struct FittedTable {
    float rowH = 0;
    bool scrolls = false;
};
std::vector<FittedTable> g_fitted;
std::unordered_map<ImGuiID, float> g_fittedScroll;   // each scrolling table's scroll last frame
} // namespace

bool beginFittedTable(const char* id, const std::vector<FitColumn>& cols) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const int n = static_cast<int>(cols.size());
    const auto textW = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
    // One line's width (the widest line of a text with newlines) and the narrowest it may wrap to.
    const auto lineW = [&](std::string_view s) {
        float w = 0;
        for (std::size_t b = 0; b <= s.size();) {
            std::size_t e = s.find('\n', b);
            if (e == std::string_view::npos) e = s.size();
            w = std::max(w, textW(s.substr(b, e - b)));
            b = e + 1;
        }
        return w;
    };
    std::vector<float> full(cols.size()), least(cols.size()), width(cols.size());
    float sumFull = 0, sumLeast = 0;
    std::size_t rows = 0;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const FitColumn& c = cols[i];
        full[i] = std::max(lineW(c.header), c.widgetW);
        least[i] = std::max(narrowestUnbroken(c.header, textW), c.widgetW);
        for (const std::string& s : c.cells) {
            full[i] = std::max(full[i], lineW(s));
            least[i] = std::max(least[i], narrowestUnbroken(s, textW));
        }
        full[i] = std::ceil(full[i] + 1);   // a pixel's slack: a width measured to the pixel wrapped its last word
        least[i] = std::ceil(least[i] + 1);
        sumFull += full[i];
        sumLeast += least[i];
        rows = std::max(rows, c.cells.size());
    }
    // What ImGui adds to each fixed column (its cell padding and the gap
    // between columns), and room for the tab's own scrollbar.
    const float avail = ImGui::GetContentRegionAvail().x - st.ScrollbarSize - static_cast<float>(n) * (st.CellPadding.x * 2 + st.ItemSpacing.x);
    const bool sideways = sumLeast > avail;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (sumFull <= avail) width[i] = full[i];
        else if (sideways) width[i] = least[i];
        // Narrowed in proportion to what each column can give up.
        else width[i] = std::floor(least[i] + (full[i] - least[i]) * (avail - sumLeast) / (sumFull - sumLeast));
    }
    // A header wider than its column goes on as many lines as it needs, broken between words.
    std::vector<std::string> labels(cols.size());
    int headerLines = 1;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const std::vector<LineRange> lines = breakLines(cols[i].header, width[i], textW);
        for (const LineRange& r : lines)
            labels[i] += (labels[i].empty() ? "" : "\n") + cols[i].header.substr(r.begin, r.end - r.begin);
        headerLines = std::max(headerLines, static_cast<int>(lines.size()));
    }
    const float lineH = ImGui::GetTextLineHeight();
    // A row holding a widget (a checkbox) is a frame tall.
    const bool widgets = std::any_of(cols.begin(), cols.end(), [](const FitColumn& c) { return c.widgetW > 0; });
    const float rowH = (widgets ? std::max(lineH, ImGui::GetFrameHeight()) : lineH) + st.CellPadding.y * 2, headerH = headerLines * lineH + st.CellPadding.y * 2;
    // The view it is in: the window's height inside its own padding (a
    // tab's scroll body has its own, not the style's), less a pixel.
    const float viewH = ImGui::GetWindowHeight() - 2 * ImGui::GetCurrentWindow()->WindowPadding.y - 1 -
                        (sideways ? st.ScrollbarSize : 0);
    const std::size_t roomRows = static_cast<std::size_t>(std::max(1.0f, std::floor((viewH - headerH) / rowH)));
    // Taller than the view: the rows scroll under the header, the table at
    // most as tall as the view in whole rows, so once the tab has scrolled
    // down to it the header is at the view's top.
    const bool scrolls = sideways || rows > roomRows;
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg |
                                  (scrolls ? ImGuiTableFlags_ScrollY : ImGuiTableFlags_None) |
                                  (sideways ? ImGuiTableFlags_ScrollX : ImGuiTableFlags_None);
    const float outerH = scrolls ? headerH + static_cast<float>(std::min(rows, roomRows)) * rowH + (sideways ? st.ScrollbarSize : 0) : 0;
    if (!ImGui::BeginTable(id, n, flags, ImVec2(0, outerH))) return false;
    ImGui::TableSetupScrollFreeze(sideways ? 1 : 0, 1);
    for (std::size_t i = 0; i < cols.size(); ++i)
        ImGui::TableSetupColumn(labels[i].c_str(), ImGuiTableColumnFlags_WidthFixed, width[i]);
    tableHeaders();
    // Its rows scroll in a window of their own: the layout probe counts a
    // row scrolled under the header as scrolled away, not cut.
    if (scrolls) probe::enterScrollChild();
    g_fitted.push_back({rowH, scrolls});
    return true;
}

void endFittedTable() {
    const FittedTable t = g_fitted.back();
    g_fitted.pop_back();
    float forward = 0;   // a wheel turn the table could not take, for what holds it
    if (t.scrolls) {
        // ImGui gives the wheel to the table under the pointer even at its
        // first or last row: that turn scrolls the tab instead, so the rows
        // above the table (and back up to them) stay reachable by the wheel.
        float& lastScroll = g_fittedScroll.try_emplace(ImGui::GetCurrentWindow()->ID, -1.0f).first->second;
        const float wheel = ImGui::GetIO().MouseWheel, y = ImGui::GetScrollY();
        if (wheel != 0 && ImGui::IsWindowHovered() && y == lastScroll &&
            ((wheel > 0 && y <= 0) || (wheel < 0 && y >= ImGui::GetScrollMaxY())))
            forward = wheel;
        // A wheel turn scrolls by several rows; the scroll then rests on a row's top.
        const float snapped = std::min(std::round(y / t.rowH) * t.rowH, ImGui::GetScrollMaxY());
        if (snapped != y) ImGui::SetScrollY(snapped);
        lastScroll = snapped;
        coverScrolledCuts();
        probe::leaveScrollChild();
    }
    ImGui::EndTable();
    if (forward != 0)
        ImGui::SetScrollY(std::clamp(ImGui::GetScrollY() - forward * 5 * ImGui::GetFontSize(), 0.0f, ImGui::GetScrollMaxY()));
}


} // namespace parviz::gui::ui
