// The time axis: ticks in seconds of the run, paused stretches shaded, and the
// replay cursor; dragging anywhere on the axis moves the cursor.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <cstdio>
#include <string>

namespace parviz::gui::timeline {

namespace {
constexpr std::int64_t kFrameNs = 16'666'667;   // one frame of a 60 Hz screen
}

void drawAxis(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float height) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Theme th = env.theme;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 muted = textMuted(th);
    const float y0 = g.plotMin.y, y1 = g.plotMin.y + height;
    dl->AddRectFilled(ImVec2(g.plotMin.x, y0), ImVec2(g.plotMax.x, y1), laneBackground(th, true));
    // What the axis shows: a saved run reopened, the cursor moved back, or
    // the live edge; and that its seconds are scaled when they are.
    // The unit too ("time in s"): the ticks are seconds of this run. The
    // longest wording that fits the label column, never a cut one.
    const std::string state = run.fromFile()        ? "recorded run"
                              : !run.cursorIsLive() ? "time (replay)"
                              : run.live()          ? "time (live)"
                                                    : "time in s";
    // The stage's seconds are the ones its Run will have: scaled alike, said
    // alike (newcomer walk, session 30: "time in s" above a drag for a
    // question asked in the scenario's seconds "At 0.20x, ...").
    const double scale = run.trace() ? run.meta().timeScale : run.stageScale();
    std::string label = state;
    if (scale != 1.0) {
        // As the toolbar writes it ("0.20x", formatTimeScale); where that
        // does not fit the column, the state in one word ("live, 0.20x").
        label += ", " + formatTimeScale(scale);
        if (ImGui::CalcTextSize(label.c_str()).x > g.plotMin.x - 4 - g.labelX - 2) {
            const std::string word = run.fromFile() ? "recorded" : !run.cursorIsLive() ? "replay" : run.live() ? "live" : "time";
            label = word + ", " + formatTimeScale(scale);
        }
    } else if (state == "time in s" && run.leadIn().cut) {
        // A traced program's ticks count from python3's start, its start-up
        // left of the view (the header names it: "python started 2.2 s before
        // its first process"): a student read "my program took 3.2 s" off an
        // axis whose first tick was 2.2 s. The axis says where it counts from.
        label = "s since start";
    } else if (state != "time in s") {
        const std::string withUnit = state == "recorded run" ? "recorded run, s" : "time in s " + state.substr(5);
        label = ImGui::CalcTextSize(withUnit.c_str()).x <= g.plotMin.x - 4 - g.labelX - 2 ? withUnit : state;
    }
    const ImVec2 lp(g.labelX + 2, y0 + 3);
    dl->PushClipRect(ImVec2(g.labelX, y0), ImVec2(g.plotMin.x - 2, y1), true);
    dl->AddText(lp, muted, label.c_str());
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    probe::drawnText(label, lp, ImVec2(lp.x + ls.x, lp.y + ls.y), dl);
    dl->PopClipRect();
    if (ImGui::IsMouseHoveringRect(ImVec2(g.labelX, y0), ImVec2(g.plotMin.x, y1)) && scale != 1.0)
        boundedTooltipf("Seconds of this run: the scenario's durations times %g.", scale);
    else if (ImGui::IsMouseHoveringRect(ImVec2(g.labelX, y0), ImVec2(g.plotMin.x, y1)) && label == "s since start")
        boundedTooltipf("Seconds since python3 started. %s: zoom out or scroll left to see it. Makespan (This run) "
                        "counts from the program's first task, not from python3's start.",
                        run.leadIn().text.c_str());
    dl->PushClipRect(ImVec2(g.plotMin.x, y0), g.plotMax, true);
    // A run shorter than a frame of the screen (1/60 s) was over before the
    // window could show it move: the axis says so, right-aligned, and the
    // tick labels leave it room.
    float noteLeft = g.plotMax.x;
    if (run.trace() && !run.live()) {
        const std::int64_t end = run.model().runEndT() != kNever ? run.model().runEndT() : run.now();
        const std::int64_t len = end - run.zero();
        if (len > 0 && len < kFrameNs) {
            const std::string words[] = {"whole run " + formatSeconds(len) + ": shorter than a frame (1/60 s)",
                                         formatSeconds(len) + " < 1 frame"};
            for (const std::string& note : words) {
                const ImVec2 ns = ImGui::CalcTextSize(note.c_str());
                if (ns.x > (g.plotMax.x - g.plotMin.x) * 0.6f) continue;
                const ImVec2 np(g.plotMax.x - ns.x - 4, y0 + 2);
                dl->AddText(np, ImGui::ColorConvertFloat4ToU32(warningColour(th)), note.c_str());
                probe::drawnText(note, np, ImVec2(np.x + ns.x, np.y + ns.y), dl);
                noteLeft = np.x - ImGui::GetFontSize() * 0.5f;
                if (ImGui::IsMouseHoveringRect(np, ImVec2(np.x + ns.x, np.y + ns.y)))
                    boundedTooltipf("The whole run took %s: a screen shows a frame every 16.7 ms, so it was over "
                                      "before it could be watched live. Step through it event by event (Right / Left).",
                                      formatSeconds(len).c_str());
                break;
            }
        }
    }
    // Lanes below the view with no line free under them: the axis row says
    // so, right-aligned above the lanes' scrollbar, and a click there
    // scrolls one lane down (classroom walk: a traced program's fifth
    // process was below the fold with no word of it).
    if (g.cueOnAxis) {
        std::string cue = moreLanesShort(g.hiddenBelow, recs);
        if (ImGui::CalcTextSize(cue.c_str()).x > (noteLeft - g.plotMin.x) * 0.45f) cue = moreLanesShortest(g.hiddenBelow, recs);
        const ImVec2 cs = ImGui::CalcTextSize(cue.c_str());
        const ImVec2 cp(noteLeft - cs.x - 4, y0 + 2);
        dl->AddRectFilled(ImVec2(cp.x - 4, y0), ImVec2(noteLeft, y1), laneBackground(th, true));
        dl->AddText(cp, text, cue.c_str());
        probe::drawnText(cue, cp, ImVec2(cp.x + cs.x, cp.y + cs.y), dl);
        noteLeft = cp.x - ImGui::GetFontSize() * 0.5f;
        ImGui::SetCursorScreenPos(cp);
        ImGui::InvisibleButton("##more-lanes-axis", cs);
        if (ImGui::IsItemClicked()) scrollOneLane(run, recs, g.rowFont);
        if (ImGui::IsItemHovered())
            boundedTooltipf("%zu %s below the view: wheel over the names, Shift+wheel, or click here to scroll one lane "
                            "down.",
                            g.hiddenBelow, g.hiddenBelow == 1 ? "lane is" : "lanes are");
    }
    float lastRight = -1e9f;
    for (const AxisTick& t : recs.ticks) {
        const float x = g.plotMin.x + t.x;
        dl->AddLine(ImVec2(x, y1 - 5), ImVec2(x, y1), text);
        dl->AddLine(ImVec2(x, y1), ImVec2(x, g.plotMax.y), IM_COL32(128, 128, 128, 40));
        // A label that would run past the right edge is left out, not cut.
        const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
        if (x + 3 + ts.x > noteLeft || x < g.plotMin.x || x < lastRight) continue;
        lastRight = x + 3 + ts.x + ImGui::GetFontSize() * 0.5f;   // and never over the one before
        dl->AddText(ImVec2(x + 3, y0 + 2), text, t.label.c_str());
        probe::drawnText(t.label, ImVec2(x + 3, y0 + 2), ImVec2(x + 3 + ts.x, y0 + 2 + ts.y), dl);
    }
    // Paused stretches over the whole height: the run clock stood still there.
    for (const PauseRect& p : recs.pauses) {
        dl->AddRectFilled(ImVec2(g.plotMin.x + p.x0, y0), ImVec2(g.plotMin.x + std::max(p.x1, p.x0 + 1), g.plotMax.y),
                          stateColour(LaneState::Stopped, th) & 0x40FFFFFFu);
    }
    dl->PopClipRect();

    // Scrub: press and drag on the axis to move the cursor (replay).
    ImGui::SetCursorScreenPos(ImVec2(g.plotMin.x, y0));
    ImGui::InvisibleButton("##axis", ImVec2(std::max(1.0f, g.plotMax.x - g.plotMin.x), height));
    if (ImGui::IsItemActive() && run.trace()) {
        const float x = ImGui::GetIO().MousePos.x - g.plotMin.x;
        run.setCursor(pxToTime(g.vp, x));
        run.timeline().follow = false;
    }
    if (ImGui::IsItemHovered()) boundedTooltipf("Drag to replay: every panel shows the state at the cursor");
}

} // namespace parviz::gui::timeline
