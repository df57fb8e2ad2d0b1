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
                g_shown = shown;
            }
            const auto measure = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
            for (std::size_t i = 0; i < code.size(); ++i) {
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
                    if (firstMarked != g_lastFirstMarked) ImGui::SetScrollHereY(0.3f);
                }
                if (any && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", who.c_str());
            }
            g_lastFirstMarked = firstMarked;
        }
    }
    endPanel();
}

} // namespace parviz::gui
