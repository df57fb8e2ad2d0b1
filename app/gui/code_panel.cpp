// Code panel: the scenario's Python-style listing, each worker's current line
// (at the cursor) marked in the worker's colour; for a traced Python program,
// its own source file, each process on the line of its latest traced event.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
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
// A traced program's processes whose marked line was out of the panel's view
// last frame ("MainProcess: line 17 ↓"), said on a bar at the panel's foot
// (the listing is clipped above it, so nothing is drawn under it); a click
// on one brings its line into view. The panel follows the first marked line
// in the file, so in a short panel the workers on `def count_primes(n):`
// left MainProcess's `p.map(...)` below the edge with nothing pointing to it
// (newcomer walk, session 30).
struct OutOfView {
    std::string text;
    int line = -1;
};
std::vector<OutOfView> g_outOfView;
int g_jumpTo = -1;

// Follows the marked line (a third down the panel) with a whole source line
// at the top: not the end of a wrapped statement ("_ in range(4)]") nor half
// a line cut by the edge (classroom walk: the lock demo's Code showed one
// while it followed the running line). `tops`: each source line's top,
// window-local; `marked`: the line to bring into view (-1: none, the
// scroll stays). Past the listing's end the panel keeps blank room, so the
// last lines can sit under a whole first line too.
// reserveBottom: px at the view's foot the listing is not shown in (the bar).
// Returns the scroll asked for (applied next frame), or -1 for none.
float scrollToWholeLine(const std::vector<float>& tops, float end, int marked, float reserveBottom = 0) {
    ImGuiWindow* win = ImGui::GetCurrentWindow();
    const ImGuiStyle& st = ImGui::GetStyle();
    const float clipOff = win->InnerClipRect.Min.y - win->Pos.y,
                viewH = std::max(1.0f, win->InnerClipRect.GetHeight() - reserveBottom);
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
    return target;
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
                g_outOfView.clear();         // another run's processes and lines
                g_jumpTo = -1;
            }
            const auto measure = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
            // Each source line's top (window-local, with the scroll): the
            // panel scrolls to whole lines (scrollToWholeLine).
            static std::vector<float> tops;
            tops.clear();
            bool follow = false;
            char openTriple = 0;   // inside a triple-quoted literal begun on an earlier line
            // Each marked line's screen rows and who is on it, for next frame's OutOfView.
            struct MarkedRows {
                int line;
                float y0, y1;
                std::string who;
            };
            std::vector<MarkedRows> markedRows;
            // The bar of last frame's out-of-view processes: the listing is clipped above it.
            const ImRect clip = ImGui::GetCurrentWindow()->InnerClipRect;
            const bool bar = trace && run.traced() && !g_outOfView.empty();
            const float barH = bar ? ImGui::GetTextLineHeightWithSpacing() + 2 : 0.0f;
            const float listBottom = clip.Max.y - barH;
            if (bar) ImGui::PushClipRect(clip.Min, ImVec2(clip.Max.x, listBottom), true);
            for (std::size_t i = 0; i < code.size(); ++i) {
                tops.push_back(ImGui::GetCursorPosY());
                const ImVec2 p = ImGui::GetCursorScreenPos();
                // Long lines wrap inside the panel rather than run off its
                // edge, at token boundaries (core wrapCodeLine: never inside
                // a string literal that fits), continued 4 spaces in. A pixel
                // spare, so ImGui's own wrap never cuts a piece again.
                const float wrapW = std::max(fs * 4, ImGui::GetContentRegionAvail().x - gutter) - 1;
                std::string text;
                for (const std::string& piece : wrapCodeLine(code[i].text.empty() ? " " : code[i].text, wrapW, measure, openTriple))
                    text += (text.empty() ? "" : "\n") + piece;
                openTriple = tripleQuoteAfter(code[i].text, openTriple);   // a docstring over several lines
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
                if (any) markedRows.push_back({static_cast<int>(i), p.y, p.y + lh, who});
            }
            if (bar) ImGui::PopClipRect();
            const int jump = g_jumpTo;
            g_jumpTo = -1;
            const float scrollNow = ImGui::GetScrollY();
            const float asked = scrollToWholeLine(tops, ImGui::GetCursorPosY(), jump >= 0 ? jump : follow ? firstMarked : -1, barH);
            // Where the rows will be once the scroll asked for is applied (next
            // frame): judged where they are now, a followed line read as out
            // of view for a frame and the bar flickered (review, session 30).
            const float shift = asked >= 0 ? asked - scrollNow : 0.0f;
            g_lastFirstMarked = firstMarked;
            if (bar) {
                // On the window's draw list at the view's foot, opaque, every cue
                // on one line as room allows (the rest said by count).
                ImDrawList* bdl = ImGui::GetWindowDrawList();
                bdl->AddRectFilled(ImVec2(clip.Min.x, listBottom), clip.Max, ImGui::GetColorU32(ImGuiCol_WindowBg));
                bdl->AddLine(ImVec2(clip.Min.x, listBottom + 0.5f), ImVec2(clip.Max.x, listBottom + 0.5f),
                             ImGui::GetColorU32(ImGuiCol_Separator));
                // Every cue while they fit; else the first ones and "+N more"
                // (its tooltip lists them); else only how many ("3 out of view").
                const float gap = ImGui::CalcTextSize("  ").x, room = clip.Max.x - 2 - (clip.Min.x + gutter);
                std::vector<std::string> words;
                std::size_t shownCues = 0;
                float used = 0;
                for (std::size_t k = 0; k < g_outOfView.size(); ++k) {
                    const std::size_t rest = g_outOfView.size() - k - 1;
                    const float w = ImGui::CalcTextSize(g_outOfView[k].text.c_str()).x + (k > 0 ? gap : 0.0f);
                    const float moreW = rest > 0 ? gap + ImGui::CalcTextSize(("+" + std::to_string(rest) + " more").c_str()).x : 0.0f;
                    if (used + w + moreW > room) break;
                    words.push_back(g_outOfView[k].text);
                    used += w;
                    shownCues = k + 1;
                }
                std::string hidden;
                for (std::size_t k = shownCues; k < g_outOfView.size(); ++k) hidden += (hidden.empty() ? "" : "\n") + g_outOfView[k].text;
                if (shownCues == 0) words.push_back(std::to_string(g_outOfView.size()) + " out of view");
                else if (shownCues < g_outOfView.size()) words.push_back("+" + std::to_string(g_outOfView.size() - shownCues) + " more");
                float x = clip.Min.x + gutter;
                const float y = listBottom + 2;
                for (std::size_t k = 0; k < words.size(); ++k) {
                    const ImVec2 ts = ImGui::CalcTextSize(words[k].c_str());
                    if (x + ts.x > clip.Max.x - 2 && k > 0) break;
                    bdl->AddText(ImVec2(x, y), ImGui::GetColorU32(ImGuiCol_Text), words[k].c_str());
                    probe::drawnText(words[k], ImVec2(x, y), ImVec2(x + ts.x, y + ts.y), bdl);
                    const ImRect hit(ImVec2(x, y), ImVec2(x + ts.x, y + ts.y));
                    if (ImGui::IsWindowHovered() && hit.Contains(ImGui::GetIO().MousePos)) {
                        const bool cue = k < shownCues;
                        if (cue) ImGui::SetTooltip("Click: show that line.");
                        else ImGui::SetTooltip("%s\nClick: show the first.", hidden.c_str());   // every cue not drawn
                        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) g_jumpTo = g_outOfView[cue ? k : shownCues].line;
                    }
                    x += ts.x + gap;
                }
            }
            g_outOfView.clear();
            if (trace && run.traced()) {
                for (const MarkedRows& m : markedRows) {
                    // In view when its first row is (a statement wrapped over more rows than
                    // the panel shows is still in view: its marker stands on that row).
                    const float row1 = m.y0 - shift + ImGui::GetTextLineHeight();
                    const bool above = m.y0 - shift < clip.Min.y - 1, below = row1 > listBottom + 1;
                    // Several on one line are counted, so the words stay one short line each.
                    const long n = 1 + std::count(m.who.begin(), m.who.end(), ',');
                    const std::string who = n == 1 ? m.who : std::to_string(n) + " processes";
                    if (above || below)
                        g_outOfView.push_back({who + ": line " + std::to_string(m.line + 1) + (above ? " \u2191" : " \u2193"), m.line});
                }
            }
        }
    }
    endPanel();
}

} // namespace parviz::gui
