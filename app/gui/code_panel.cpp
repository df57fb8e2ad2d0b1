// Code panel: the scenario's Python-style listing, each worker's current line
// (at the cursor) marked in the worker's colour; for a traced Python program,
// its own source file, each process on the line of its latest traced event.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui_internal.h>

namespace parviz::gui {
namespace {
int g_lastFirstMarked = -2;   // scroll only when the marked line changes, so the reader can scroll too

// What the panel showed last frame: another run, the stage, or a listing
// that changed (the toolbar's workers, work, method) starts at its first
// line. The stage kept the scroll of the run before it, whose last marked
// line was near the end ("p.join()"): before Run the class saw the end of
// the listing, a half line at the top.
struct Shown {
    int number = -1;
    bool stage = false;
    std::size_t listing = 0;
    bool operator==(const Shown&) const = default;
};
Shown g_shown;
float g_followedTo = 0;   // the scroll the panel last followed the marked line to

// Follows the marked line (a third down the panel) with a whole source line
// at the top: not the end of a wrapped statement ("_ in range(4)]") nor half
// a line cut by the edge (classroom walk: the lock demo's Code showed one
// while it followed the running line). `tops`: each source line's top,
// window-local; `marked`: the line to bring into view (-1: none, the
// scroll stays). Past the listing's end the panel keeps blank room, so the
// last lines can sit under a whole first line too.
void scrollToWholeLine(const std::vector<float>& tops, float end, int marked) {
    ImGuiWindow* win = ImGui::GetCurrentWindow();
    const ImGuiStyle& st = ImGui::GetStyle();
    const float clipOff = win->InnerClipRect.Min.y - win->Pos.y, viewH = win->InnerClipRect.GetHeight();
    // A line's glyphs reach a little past its box (descenders, accents): the
    // line above the top one is out of view by that much, the top one whole.
    const float over = std::min(ImGui::GetFontSize() * 0.2f, st.ItemSpacing.y);
    float target = -1;
    if (marked >= 0 && static_cast<std::size_t>(marked) < tops.size()) {
        const float want = tops[static_cast<std::size_t>(marked)] - clipOff - viewH * 0.3f;
        target = 0;
        for (std::size_t i = 1; i < tops.size(); ++i) {
            const float s = std::floor(tops[i] - clipOff - over);
            if (s > want) break;
            target = s;
        }
        // The marked line itself whole in view: in a short panel (a traced
        // program's Code at 1280x720, four lines) the whole lines above it,
        // wrapped in two, pushed it under the edge (newcomer walk 27: the
        // workers on `def count_primes(n):` below "from multiprocessing \").
        const std::size_t m = static_cast<std::size_t>(marked);
        const float bottom = (m + 1 < tops.size() ? tops[m + 1] : end) - st.ItemSpacing.y;
        if (bottom - clipOff - target > viewH) {
            target = std::floor(tops[m] - clipOff - over);   // at the top, when nothing whole above it fits
            for (std::size_t i = 1; i <= m; ++i) {
                const float s = std::floor(tops[i] - clipOff - over);
                if (bottom - clipOff - s <= viewH) {
                    target = s;
                    break;
                }
            }
        }
        ImGui::SetScrollY(target);
    }
    // Room under the listing for the scroll the panel followed to: ImGui
    // clamps a scroll to its content. The reader's own wheel stops at the
    // listing's end (or there).
    if (target >= 0) g_followedTo = target;
    const float keep = g_followedTo;
    const float extra = keep + win->InnerRect.GetHeight() - st.WindowPadding.y - ImGui::GetCursorPosY() + 2;
    if (keep > 0 && extra > 0) ImGui::Dummy(ImVec2(1, extra));
}

std::size_t listingHash(const std::vector<Scenario::CodeLine>& code) {
    std::size_t h = code.size();
    for (const Scenario::CodeLine& l : code) h = h * 1000003u ^ std::hash<std::string>{}(l.text);
    return h;
}
}

void drawCodePanel(const RunView& run, std::int64_t cursor, const std::vector<Scenario::CodeLine>& listing,
                   const Rect& r, const PanelEnv& env) {
    // Presentation: no title bar (the listing says what it is), every line for code.
    const bool large = env.window.typeSize() == TypeSize::Large;
    if (beginPanel("Code", r, large ? ImGuiWindowFlags_NoTitleBar : 0)) {
        const std::vector<Scenario::CodeLine>& code = listing;
        const Trace* trace = run.trace();
        if (drawWaitingForProgram(run)) {
        } else if (code.empty() && run.traced()) {
            // A traced program: its source appears with its first traced line.
            if (!run.sourceError().empty()) ui::textDisabled("%s", run.sourceError().c_str());
            else ui::textDisabled("The program's source appears here once it has traced a line.");
        } else if (code.empty()) {
            ui::textDisabled("No listing: the run's scenario file %s is not here.", run.scenario().name.c_str());
        } else {
            CodeView cv;
            if (trace && run.traced()) {
                // Each process on the line of its latest traced event in the program's own file.
                SourceCodeView sv = buildSourceCodeView(run.model(), *trace, run.sourceFile(), cursor);
                cv.markers = std::move(sv.markers);
                ui::textDisabled("%s", run.sourceFile().c_str());
                for (const std::string& e : sv.elsewhere) ui::textDisabled("%s", e.c_str());
            } else if (trace) {
                cv = buildCodeView(run.model(), *trace, code, cursor);
            }
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const float fs = ImGui::GetFontSize();
            const float gutter = fs * 1.6f;
            const float mark = std::max(4.0f, fs * 0.3f);
            int firstMarked = -1;
            const Shown shown{run.number(), run.isStage(), listingHash(code)};
            if (!(shown == g_shown)) {
                ImGui::SetScrollY(0);        // applied from the next frame, unless a marked line asks for its own
                g_lastFirstMarked = -2;      // a marked line in the new view scrolls to itself
                g_followedTo = 0;
                g_shown = shown;
            }
            const auto measure = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
            // Each source line's top (window-local, with the scroll): the
            // panel scrolls to whole lines (scrollToWholeLine).
            static std::vector<float> tops;
            tops.clear();
            bool follow = false;
            for (std::size_t i = 0; i < code.size(); ++i) {
                tops.push_back(ImGui::GetCursorPosY());
                const ImVec2 p = ImGui::GetCursorScreenPos();
                // Long lines wrap inside the panel rather than run off its
                // edge, at token boundaries (core wrapCodeLine: never inside
                // a string literal that fits), continued 4 spaces in. A pixel
                // spare, so ImGui's own wrap never cuts a piece again.
                const float wrapW = std::max(fs * 4, ImGui::GetContentRegionAvail().x - gutter) - 1;
                std::string text;
                for (const std::string& piece : wrapCodeLine(code[i].text.empty() ? " " : code[i].text, wrapW, measure))
                    text += (text.empty() ? "" : "\n") + piece;
                const char* line = text.c_str();
                const float lh = ImGui::CalcTextSize(line).y;
                // Markers of every process on this line, side by side in the gutter.
                float mx = p.x;
                bool any = false;
                ProcId first = 0;
                std::string who;
                for (const CodeMarker& m : cv.markers) {
                    if (m.line != static_cast<int>(i)) continue;
                    if (!any) first = m.proc;
                    any = true;
                    if (mx + mark <= p.x + gutter - 2)
                        dl->AddRectFilled(ImVec2(mx, p.y + 1), ImVec2(mx + mark, p.y + lh - 1), procU32(m.proc));
                    mx += mark + 1;
                    who += (who.empty() ? "" : ", ") + m.name;
                }
                if (any)
                    dl->AddRectFilled(ImVec2(p.x + gutter - 2, p.y), ImVec2(p.x + gutter + wrapW, p.y + lh),
                                      procU32(first, 0.22f));
                ImGui::SetCursorScreenPos(ImVec2(p.x + gutter, p.y));
                ui::textUnformatted(line);   // wraps at the panel's edge
                if (any && (firstMarked < 0)) {
                    firstMarked = static_cast<int>(i);
                    follow = firstMarked != g_lastFirstMarked;
                }
                if (any && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", who.c_str());
            }
            scrollToWholeLine(tops, ImGui::GetCursorPosY(), follow ? firstMarked : -1);
            g_lastFirstMarked = firstMarked;
        }
    }
    endPanel();
}

} // namespace parviz::gui
