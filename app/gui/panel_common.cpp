#include "gui/panels.hpp"

#include "gui/fitted_table.hpp"

#include "gui/layout_probe.hpp"
#include "gui/tooltip_place.hpp"
#include "parviz/line_break.hpp"

#include <imgui_internal.h>

#include <cmath>
#include <cstdarg>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>

namespace parviz::gui {

bool beginPanel(const char* title, const Rect& r, int extraFlags) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus |
                                   ImGuiWindowFlags_NoFocusOnAppearing | extraFlags;
    const bool open = ImGui::Begin(title, nullptr, flags);
    probe::beginPanel(title, r.x, r.y, r.w, r.h);
    return open;
}

bool drawWaitingForProgram(const RunView& run) {
    const std::string line = run.waitingForProgram();
    if (line.empty()) return false;
    ui::textDisabled("%s", line.c_str());
    return true;
}

bool resumePanel(const char* title) {
    // A second Begin in a frame appends to the window with its first Begin's flags and rect.
    const bool open = ImGui::Begin(title);
    probe::resumePanel(title);
    return open;
}

namespace {

// A panel that scrolls shows no half lines: the part of a line its top or
// bottom edge cuts is painted over with the panel's background and marked
// with a small triangle (more above / below), beside the scrollbar that
// says the same. Measured by the layout probe from the texts drawn, in the
// current window (the panel, or a tab's scrolling body).
void coverCuts() {
    const std::vector<ImRect> cuts = probe::coverEdgeCuts(true);
    if (cuts.empty()) return;
    ImGuiWindow* win = ImGui::GetCurrentWindow();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImRect clip = win->ClipRect;
    const ImU32 bg = ImGui::GetColorU32(ImGuiCol_WindowBg), mark = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->PushClipRect(clip.Min, clip.Max, false);
    for (const ImRect& c : cuts) {
        dl->AddRectFilled(ImVec2(clip.Min.x, c.Min.y), ImVec2(clip.Max.x, c.Max.y), bg);
        const bool top = c.Min.y <= clip.Min.y + 0.5f;
        const float h = std::min(c.Max.y - c.Min.y, ImGui::GetFontSize() * 0.5f), cx = clip.Max.x - h * 1.5f;
        if (h < 4) continue;
        const float ya = top ? c.Min.y + h : c.Max.y - h, yb = top ? c.Min.y : c.Max.y;
        dl->AddTriangleFilled(ImVec2(cx - h * 0.7f, ya), ImVec2(cx + h * 0.7f, ya), ImVec2(cx, yb), mark);
    }
    dl->PopClipRect();
}

float g_bodyTop = 0;   // the scroll body's top below its panel's (0 outside one)

} // namespace

void ui::coverScrolledCuts() { coverCuts(); }

void endPanel() {
    coverCuts();
    probe::endPanel();
    ImGui::End();
}

namespace ui {
namespace {
// Formats into a per-thread buffer (ImGui does the same for Text()).
const char* vformat(const char* fmt, va_list args, const char** end) {
    static thread_local char buf[4096];
    int n = std::vsnprintf(buf, sizeof buf, fmt, args);
    if (n < 0) n = 0;
    *end = buf + std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1);
    return buf;
}
} // namespace

void text(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char* end = nullptr;
    const char* s = vformat(fmt, args, &end);
    va_end(args);
    textUnformatted(s, end);
}

void textDisabled(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char* end = nullptr;
    const char* s = vformat(fmt, args, &end);
    va_end(args);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    textUnformatted(s, end);
    ImGui::PopStyleColor();
}

void textColored(const ImVec4& colour, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char* end = nullptr;
    const char* s = vformat(fmt, args, &end);
    va_end(args);
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    textUnformatted(s, end);
    ImGui::PopStyleColor();
}

namespace {
float drawnWidth(std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; }

// Draws text broken into lines by breakLines (never inside a number, never
// between a number and its unit: ImGui's own wrap broke "3.64 s" after
// "3."), each line an ImGui::TextUnformatted, one type size apart as
// ImGui's wrapped text (no item spacing between them), the lines of a
// text after SameLine starting under its first. More than one line is a
// group, so the text is one item for SameLine, IsItemHovered and the like.
// Each line drawn goes to the layout probe (probeLines): --layout-json
// lists the lines as the reader sees them.
void drawWrapped(std::string_view s, float wrapW, bool probeLines) {
    const std::vector<LineRange> lines = breakLines(s, wrapW, drawnWidth);
    auto one = [&](std::string_view l) {
        ImGui::TextUnformatted(l.empty() ? "" : l.data(), l.empty() ? nullptr : l.data() + l.size());
        if (probeLines) probe::lastItem(l);
    };
    if (lines.size() <= 1) {
        one(lines.empty() ? std::string_view() : s.substr(lines[0].begin, lines[0].end - lines[0].begin));
        return;
    }
    ImGui::BeginGroup();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    for (const LineRange& r : lines) one(s.substr(r.begin, r.end - r.begin));
    ImGui::PopStyleVar();
    ImGui::EndGroup();
}
} // namespace

void textUnformatted(const char* begin, const char* end) {
    if (!begin) begin = end = "";   // an empty string_view's data() may be null
    // Wrap at the panel's (or table cell's) right edge: text is never cut there.
    const std::string_view s = end ? std::string_view(begin, static_cast<std::size_t>(end - begin)) : std::string_view(begin);
    drawWrapped(s, ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), 0.0f), true);
}

void textTwoColours(std::string_view s, std::size_t from, const ImVec4& colour) {
    const std::vector<LineRange> lines = breakLines(s, ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), 0.0f), drawnWidth);
    ImGui::BeginGroup();
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    for (const LineRange& r : lines) {
        const std::string_view l = s.substr(r.begin, r.end - r.begin);
        const std::size_t cut = std::clamp(from, r.begin, r.end) - r.begin;   // the line's own split
        ImGui::BeginGroup();
        if (cut > 0 || l.empty()) ImGui::TextUnformatted(l.data(), l.data() + cut);
        if (cut < l.size()) {
            if (cut > 0) ImGui::SameLine(0, 0);
            ImGui::PushStyleColor(ImGuiCol_Text, colour);
            ImGui::TextUnformatted(l.data() + cut, l.data() + l.size());
            ImGui::PopStyleColor();
        }
        ImGui::EndGroup();
        probe::lastItem(l);
    }
    ImGui::PopStyleVar();
    ImGui::EndGroup();
}

void textWrappedAt(std::string_view text, float wrapPosX, bool probeLines) {
    drawWrapped(text, ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), wrapPosX), probeLines);
}

ImVec2 wrappedTextSize(std::string_view text, float wrapW) {
    float w = 0;
    const std::vector<LineRange> lines = breakLines(text, wrapW, drawnWidth);
    for (const LineRange& r : lines) w = std::max(w, drawnWidth(text.substr(r.begin, r.end - r.begin)));
    return ImVec2(w, ImGui::GetFontSize() * static_cast<float>(std::max<std::size_t>(1, lines.size())));
}

float addWrappedText(ImDrawList* dl, ImVec2 pos, ImU32 colour, std::string_view text, float wrapW) {
    const float fs = ImGui::GetFontSize();
    float y = pos.y;
    for (const LineRange& r : breakLines(text, wrapW, drawnWidth)) {
        if (r.end > r.begin) dl->AddText(ImVec2(pos.x, y), colour, text.data() + r.begin, text.data() + r.end);
        y += fs;
    }
    return y - pos.y;
}

// s cut (on a UTF-8 boundary) so that it plus an ellipsis fits maxW pixels.
std::string elide(const std::string& s, float maxW) {
    if (ImGui::CalcTextSize(s.c_str()).x <= maxW) return s;
    static const char* kEllipsis = "\xE2\x80\xA6";   // U+2026
    std::size_t lo = 0, hi = s.size();
    while (lo < hi) {   // the longest prefix that fits
        std::size_t mid = (lo + hi + 1) / 2;
        while (mid > 0 && mid < s.size() && (static_cast<unsigned char>(s[mid]) & 0xC0) == 0x80) --mid;
        if (mid <= lo) break;
        if (ImGui::CalcTextSize((s.substr(0, mid) + kEllipsis).c_str()).x <= maxW) lo = mid;
        else hi = mid - 1;
    }
    while (lo > 0 && lo < s.size() && (static_cast<unsigned char>(s[lo]) & 0xC0) == 0x80) --lo;
    return s.substr(0, lo) + kEllipsis;
}

std::string elideKeepingEnd(const std::string& s, float maxW) {
    if (ImGui::CalcTextSize(s.c_str()).x <= maxW) return s;
    // The end kept: from the last '-', '_', ' ' or '.' (a number, a role), at most 8 bytes.
    std::size_t cut = s.find_last_of("-_ .");
    if (cut == std::string::npos || cut == 0 || s.size() - cut > 8) return elide(s, maxW);
    const std::string end = s.substr(cut);
    const float endW = ImGui::CalcTextSize(end.c_str()).x;
    if (endW >= maxW / 2) return elide(s, maxW);
    const std::string head = elide(s.substr(0, cut), maxW - endW);
    return head + end;
}

void sameLineIfFits(float w, float spacing) {
    const float right = ImGui::GetContentRegionMaxAbs().x;   // a table's cell's right edge inside a table
    ImGui::SameLine(0, spacing);
    if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
}

bool pointerMoved() noexcept {
    static bool moved = false;
    const ImVec2 d = ImGui::GetIO().MouseDelta;
    moved = moved || d.x != 0 || d.y != 0;
    return moved;
}

bool keyedSinceMove() noexcept {
    static bool keyed = false;
    static int frame = -1;
    if (frame == ImGui::GetFrameCount()) return keyed;
    frame = ImGui::GetFrameCount();
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) keyed = false;
    for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown) && !keyed; ++k) keyed = io.KeysDownDuration[k] == 0.0f;
    return keyed;
}

bool mouseOver(ImVec2 a, ImVec2 b) {
    return ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
           ImGui::IsMouseHoveringRect(a, b);
}

constexpr double kTooltipDelayS = 0.4, kTooltipReshowS = 0.3;

void tooltipBelow(const char* text, int hoveredFlags) {
    // A click on the control puts its tooltip away until the pointer leaves
    // it, as desktop toolkits do: the pointer resting on Run after a press
    // must not cover the toolbar for the whole run. Until it leaves the place
    // clicked, not the ImGui item: a click that relabels its button (Run ->
    // Pause, Sweep -> Stop sweep) makes another item there, whose tip came up
    // at once ("Key: Space. Pause really stops the worker processes
    // (SIGSTOP)" over the toolbar's second row for the whole run, newcomer
    // walk, session 24).
    static ImVec2 clickedMin, clickedMax;
    static bool clickedHere = false;
    if (clickedHere && !ImGui::IsMouseHoveringRect(clickedMin, clickedMax, false)) clickedHere = false;
    if (!ImGui::IsItemHovered(hoveredFlags) || !pointerMoved()) return;
    static ImGuiID hoveredId = 0;
    static int lastFrame = -10;
    static bool dismissed = false;
    const ImGuiID id = ImGui::GetItemID();
    const int frame = ImGui::GetFrameCount();
    const bool newHover = id != hoveredId || lastFrame < frame - 1;
    if (newHover) {
        hoveredId = id;
        dismissed = clickedHere;
    }
    lastFrame = frame;
    // (Before the delay below: a click made at once, the pointer just come, counts too.)
    if (ImGui::IsItemActive() || ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
        dismissed = clickedHere = true;
        clickedMin = ImGui::GetItemRectMin();
        clickedMax = ImGui::GetItemRectMax();
    }
    // Shown once the pointer has rested on the control 0.4 s (desktop
    // toolkits' delay; ImGui 1.86 has none), at once when a tip was up a
    // moment ago (the hand moving along the toolbar, reading). Without it a
    // hand on its way to a control dropped tips over the ones it passed
    // (newcomer walk, session 18: "+"'s over the toolbar's second row).
    static double hoverStart = 0, lastShown = -10;
    const double now = ImGui::GetTime();
    if (newHover) hoverStart = now;
    if (now - hoverStart < kTooltipDelayS && now - lastShown > kTooltipReshowS) return;
    // A key pressed while the pointer rests here (Space to run, arrows to
    // step) is the person at work: the tip goes too, until the pointer leaves.
    const ImGuiIO& io = ImGui::GetIO();
    for (int k = 0; k < IM_ARRAYSIZE(io.KeysDown) && !dismissed; ++k) dismissed = io.KeysDownDuration[k] == 0.0f;
    if (dismissed) return;
    // Its size before it is drawn (the text wraps at 30 em, the window adds
    // its padding), so it can be placed inside the window and off the
    // control (placeTooltip): at the item's left it passed the right edge.
    // The size ImGui gave it when it was last shown counts too (the
    // estimate can miss the window's own decoration by a few pixels), and
    // an em of slack keeps even the first frames inside.
    struct Seen {
        std::string text;
        ImVec2 size;
    };
    static Seen seen;
    const float fs = ImGui::GetFontSize(), wrapAt = fs * 30;
    const ImVec2 pad = ImGui::GetStyle().WindowPadding;
    const ImVec2 ts = wrappedTextSize(text, wrapAt - pad.x);
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax(), ds = ImGui::GetIO().DisplaySize;
    float w = std::ceil(ts.x) + 2 * pad.x + fs, h = std::ceil(ts.y) + 2 * pad.y + fs * 0.5f;
    if (seen.text == text) {
        w = std::max(w, seen.size.x);
        h = std::max(h, seen.size.y);
    }
    float x = 0, y = 0;
    placeTooltip(TipBox{a.x, a.y, b.x, b.y}, w, h, ds.x, ds.y, 4, 2, x, y);
    ImGui::SetNextWindowPos(ImVec2(x, y));
    ImGui::BeginTooltip();
    seen = Seen{text, ImGui::GetWindowSize()};
    textWrappedAt(text, wrapAt, false);
    // For --layout-json / the test dump: what the tip says, where.
    const ImVec2 tp = ImGui::GetWindowPos(), tsz = ImGui::GetWindowSize();
    probe::tooltip(probe::TooltipRecord{tp.x, tp.y, tsz.x, tsz.y, {text}});
    ImGui::EndTooltip();
    lastShown = now;
}

float comboWidth(const char* preview) {
    return ImGui::CalcTextSize(preview, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetFrameHeight();
}

void probeCombo(const char* label, const char* preview, float frameW) {
    probeItem(label);
    const float room = frameW - ImGui::GetFrameHeight() - ImGui::GetStyle().FramePadding.x * 2;
    probe::textInRoom(preview, ImGui::CalcTextSize(preview, nullptr, true).x, room);
}

void tableHeaders() {
    // ImGui::TableHeadersRow, each header reported to the layout probe, so a
    // header row cut by a scrolled panel's edge is covered like any line.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int i = 0; i < ImGui::TableGetColumnCount(); ++i) {
        if (!ImGui::TableSetColumnIndex(i)) continue;
        const char* name = ImGui::TableGetColumnName(i);
        ImGui::PushID(i);
        ImGui::TableHeader(name);
        ImGui::PopID();
        // The header's words (its item spans the whole cell), under the cell's
        // clip; the columns are as wide as their words (the widths are chosen
        // so), so only the top and bottom edges can cut them.
        // A scrolling table's header row is frozen: its rows scroll under it,
        // and only the tab's own edges can cut it (its scroll body's clip).
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImGuiTable* table = ImGui::GetCurrentTable();
        const ImGuiWindow* win = ImGui::GetCurrentWindow();
        const ImRect clip = table && (table->Flags & ImGuiTableFlags_ScrollY) && win->ParentWindow
                                ? win->ParentWindow->ClipRect
                                : ImRect(dl->GetClipRectMin(), dl->GetClipRectMax());
        const ImVec2 a = ImGui::GetItemRectMin();
        const float x0 = std::max(a.x, clip.Min.x), lineH = ImGui::GetFontSize();
        std::string_view rest(name);
        for (float y = a.y; !rest.empty(); y += lineH) {   // each line of the header as drawn
            const std::size_t nl = rest.find('\n');
            const std::string_view line = rest.substr(0, nl);
            const ImVec2 ts = ImGui::CalcTextSize(line.data(), line.data() + line.size());
            probe::clippedText(line, ImVec2(x0, y), ImVec2(std::min(x0 + ts.x, clip.Max.x), y + ts.y), clip);
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        }
    }
}

float valueSliderValueW(const char* widest) {
    return ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(widest).x;
}

bool valueSlider(const char* id, const char* probeName, float* v, float min, float max, const char* fmt, float w,
                 int flags, std::span<const float> steps) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, static_cast<double>(*v));
    const float valueW = valueSliderValueW(buf);
    ImGui::SetNextItemWidth(std::max(ImGui::GetFontSize() * 2, w - valueW));
    const float before = *v;
    bool changed = ImGui::SliderFloat(id, v, min, max, "", flags);
    // A press on the grab drags it from where it is, as desktop sliders do;
    // a press on the track still jumps there. ImGui 1.86 moves the value to
    // the pointer on the press even on the grab, so on the 2 em time-scale
    // track a small drag that began on the grab's left half jumped from
    // 1.00x to 0.02x (newcomer walk). The geometry is ImGui's own
    // (SliderBehaviorT: 2 px of padding, a grab of GrabMinSize).
    {
        struct Grab {
            ImGuiID id = 0;
            float startT = 0, startX = 0, startV = 0;
            bool stepped = false;   // a press on the track with steps: the value stays at startV
        };
        static Grab grab;
        const bool logScale = (flags & ImGuiSliderFlags_Logarithmic) != 0 && min > 0 && max > min;
        auto tOf = [&](float x) {
            const float c = std::clamp(x, min, max);
            return logScale ? std::log(c / min) / std::log(max / min) : (max > min ? (c - min) / (max - min) : 0.0f);
        };
        auto valueOf = [&](float t) {
            t = std::clamp(t, 0.0f, 1.0f);
            return logScale ? min * std::pow(max / min, t) : min + t * (max - min);
        };
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        const float grabSz = std::min(ImGui::GetStyle().GrabMinSize, b.x - a.x - 4);
        const float usable = std::max(1.0f, b.x - a.x - 4 - grabSz), left = a.x + 2 + grabSz / 2;
        const float mx = ImGui::GetIO().MousePos.x;
        if (ImGui::IsItemActivated()) {
            const float t0 = tOf(before);
            const float grabX = left + t0 * usable;
            if (std::abs(mx - grabX) <= grabSz / 2 + 2) {
                grab = Grab{ImGui::GetItemID(), t0, mx, before};
            } else if (!steps.empty()) {
                // One step toward the pointer (the time scale's 0.5x from
                // 1x, not 0.02x: its 2 em track jumped to the ends).
                float to = mx < grabX ? min : max;
                if (mx < grabX) {
                    for (const float s : steps)
                        if (s < before * (1 - 1e-4f)) to = s;
                } else {
                    for (auto it = steps.rbegin(); it != steps.rend(); ++it)
                        if (*it > before * (1 + 1e-4f)) to = *it;
                }
                grab = Grab{ImGui::GetItemID(), t0, mx, std::clamp(to, min, max), true};
            } else {
                grab = Grab{};
            }
        }
        if (grab.id != 0 && grab.id == ImGui::GetItemID()) {
            if (ImGui::IsItemActive()) {
                *v = mx == grab.startX || grab.stepped ? grab.startV : valueOf(grab.startT + (mx - grab.startX) / usable);
                changed = *v != before;
            } else {
                grab = Grab{};
            }
        }
    }
    probe::lastWidget(probeName);
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    std::snprintf(buf, sizeof buf, fmt, static_cast<double>(*v));
    ImGui::TextUnformatted(buf);
    probe::lastItem(buf);
    return changed;
}

void beginScrollBody(const char* id, float height) {
    const ImGuiWindow* panel = ImGui::GetCurrentWindow();
    const float top = ImGui::GetCursorScreenPos().y - panel->Pos.y;
    // The panel's own background shows through (no child background), and
    // the panel itself never scrolls: the body takes the rest of it. A gap
    // of a line's spacing above and below, so glyphs that reach past their
    // line's box (accents, an underscore) are not cut by the body's edges.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, ImGui::GetStyle().ItemSpacing.y));
    ImGui::BeginChild(id, ImVec2(0, height), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PopStyleVar();
    g_bodyTop = top;
    probe::enterScrollChild();
}

namespace {
bool g_scrollbarStale = false;
}
bool scrollbarStale() noexcept { return g_scrollbarStale; }
void clearScrollbarStale() noexcept { g_scrollbarStale = false; }

void endScrollBody() {
    {
        // This frame's content against the view, as ImGui will judge it next frame.
        const ImGuiWindow* w = ImGui::GetCurrentWindow();
        // (ImGui's Begin: ContentSize + 2 x padding against the window's
        // height; a body has no title bar and no horizontal scrollbar.)
        const float content = std::ceil(w->DC.CursorMaxPos.y - w->DC.CursorStartPos.y) + 2 * w->WindowPadding.y;
        const bool needs = content > w->Size.y;
        if (needs != w->ScrollbarY) g_scrollbarStale = true;
    }
    coverCuts();
    probe::leaveScrollChild();
    g_bodyTop = 0;
    ImGui::EndChild();
}

float panelCursorY() { return g_bodyTop + ImGui::GetCursorPosY(); }

void probeItem(const char* label) {
    // "Run##id": only what is shown.
    std::string_view s(label);
    if (auto k = s.find("##"); k != std::string_view::npos) s = s.substr(0, k);
    probe::lastWidget(s);
}
} // namespace ui


} // namespace parviz::gui
