// The run's callouts (explain.hpp) marked on the timeline: a bar on the axis
// over the stretch each one is about, an outline on the lane it names, and a
// short label where it fits; hovering one shows its whole sentence. The
// Explain panel lists the same callouts with their numbers.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui::timeline {

// Newcomer walk: with no activity strip
// (presentation, 8 cpu workers) the legend's bare "oversubscription" was
// the only word of it on the timeline, its numbers only in the tooltip.
const char* legendWords(const std::vector<Callout>& callouts, const Callout& c) {
    if (c.kind != CalloutKind::Oversubscription || c.label.empty()) return toString(c.kind);
    const auto n = std::count_if(callouts.begin(), callouts.end(), [&](const Callout& o) { return o.kind == c.kind; });
    return n == 1 ? c.label.c_str() : toString(c.kind);
}

namespace {

bool overlaps(const Rect& r, float x0, float y0, float x1, float y1) {
    return r.x < x1 && r.x + r.w > x0 && r.y < y1 && r.y + r.h > y0;
}

// An outline [x0, x1] on a lane [y0, y1] that would cross a mark nothing may
// cover (failing_task.py: the imbalance outline's edge and label hid the
// failed task C, which ended where the idle tail began): pulled back off it,
// from the side nearer to it.
void outlineClear(const std::vector<Rect>& keep, float& x0, float& x1, float y0, float y1) {
    for (bool moved = true; moved && x1 > x0;) {
        moved = false;
        for (const Rect& r : keep) {
            if (!overlaps(r, x0 - 6, y0, x1 + 6, y1)) continue;   // a clear gap either side, not a touching edge
            if (r.x + r.w / 2 <= (x0 + x1) / 2) x0 = r.x + r.w + 6;
            else x1 = r.x - 6;
            moved = true;
        }
    }
}

} // namespace

void drawCalloutMarks(RunView& run, const PanelEnv& env, const Geometry& g, float axisBottom, float lanesTop) {
    if (!run.trace()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const float bar = std::max(4.0f, std::round(fs * 0.25f));
    const TraceMeta& meta = run.meta();
    dl->PushClipRect(ImVec2(g.plotMin.x, g.plotMin.y), g.plotMax, true);
    for (const Callout& c : run.callouts()) {
        const ImU32 col = ImGui::ColorConvertFloat4ToU32(calloutColour(c.kind, env.theme));
        const float x0 = g.plotMin.x + std::max(-10.0f, timeToPx(g.vp, c.t0));
        const float x1 = std::max(x0 + 3, g.plotMin.x + std::min(g.vp.widthPx + 10, timeToPx(g.vp, c.t1)));
        // In view while any of it is: its lanes' stretches may begin before
        // its axis bar (one long task: the idle tails before the task alone).
        float firstX = x0;
        for (const Callout::LaneStretch& s : c.lanes)
            firstX = std::min(firstX, g.plotMin.x + std::max(-10.0f, timeToPx(g.vp, s.t0)));
        if (x1 < g.plotMin.x || firstX > g.plotMax.x) continue;
        if (x0 <= g.plotMax.x) dl->AddRectFilled(ImVec2(x0, axisBottom - bar), ImVec2(x1, axisBottom), col);
        float ly0 = lanesTop, ly1 = lanesTop;
        const std::string lane = c.proc == kNoProc ? std::string() : procName(meta, c.proc);
        std::vector<std::string> outlined;
        // Its outline: off every mark nothing may cover, from where its lane's
        // own stretch begins (one long task: the axis bar is the task alone,
        // the idle worker's tail began before it).
        float ox0 = x0, ox1 = x1;
        for (const Callout::LaneStretch& s : c.lanes)
            if (s.proc == c.proc) ox0 = std::min(ox0, g.plotMin.x + std::max(-10.0f, timeToPx(g.vp, s.t0)));
        for (const LaneRect& l : env.drawn.lanes)
            if (!lane.empty() && l.title == lane && l.visible) {   // a lane behind the scrollbar: the bar says it
                ly0 = l.y0;
                ly1 = l.y1;
                outlineClear(env.drawn.keepClear, ox0, ox1, l.y0, l.y1);
                if (ox1 > ox0 + 3) dl->AddRect(ImVec2(ox0, l.y0 + 1), ImVec2(ox1, l.y1 - 1), col, 0, 0, std::max(2.0f, bar / 2));
                outlined.push_back(lane);
            }
        // Every other lane it is about, each over its own stretch (each idle
        // worker's tail: three idle workers, three outlines).
        for (const Callout::LaneStretch& s : c.lanes) {
            if (s.proc == c.proc) continue;
            const std::string other = procName(meta, s.proc);
            const float sx0 = g.plotMin.x + std::max(-10.0f, timeToPx(g.vp, s.t0));
            for (const LaneRect& l : env.drawn.lanes)
                if (l.title == other && l.visible) {
                    float a = sx0, b = std::max(sx0 + 3, x1);
                    outlineClear(env.drawn.keepClear, a, b, l.y0, l.y1);
                    if (b > a + 3) dl->AddRect(ImVec2(a, l.y0 + 1), ImVec2(b, l.y1 - 1), col, 0, 0, std::max(2.0f, bar / 2));
                    outlined.push_back(other);
                }
        }
        // The label on the lane it names; a callout about the whole run
        // (oversubscription, a queue) over the activity strip between the
        // axis and the lanes, never on a lane it is not about (it hid CPU 0).
        // Only where it fits whole; the bar and the Explain panel say the rest.
        // On its lane, on the tasks row (free in an idle tail), never over the
        // lane's state rows: it hid the idle strip it was about.
        // Its label with the numbers ("load imbalance: ForkPoolWorker-2 idle
        // 40 %") where that fits, else its kind alone.
        // The lane its words are about (Callout::labelLane): "one long task:
        // A, 0.50 s" is outlined on the idle workers but names A, so it goes
        // on A's worker's lane, from where the first idle stretch begins: from
        // where its axis bar begins it hid the very stretch of A's bar it is
        // about (classroom walk, session 31).
        const ProcId wordsProc = c.labelLane();
        const std::string labelLane = wordsProc == kNoProc ? std::string() : procName(meta, wordsProc);
        float lly0 = 0, lly1 = 0, lx0 = ox0;
        if (labelLane == lane) lly0 = ly0, lly1 = ly1;
        else
            for (const LaneRect& l : env.drawn.lanes)
                if (!labelLane.empty() && l.title == labelLane && l.visible) {
                    lly0 = l.y0;
                    lly1 = l.y1;
                    lx0 = std::max(firstX, g.plotMin.x);
                }
        const bool onLane = lly1 > lly0;
        float tx = std::max(lx0 + 3, g.plotMin.x + 2);
        const float yMin = onLane ? lanesTop : axisBottom, yMax = onLane ? g.lanesBottom : lanesTop - 1;
        CalloutMark mark{toString(c.kind), x0, x1, ly0, ly1};
        mark.labelLane = labelLane;
        const char* word = toString(c.kind);
        ImVec2 ts, tp;
        bool fits = false;
        for (const char* w : {c.label.empty() ? word : c.label.c_str(), word}) {
            ts = ImGui::CalcTextSize(w);
            float ty = onLane ? lly0 + 2 : axisBottom + 2;
            if (onLane) {
                const auto y = freeOnTasksRow(env, ImVec2(tx - 2, tx + ts.x + 2), ts.y, std::max(lly0, lanesTop), lly1, labelLane);
                ty = y ? *y : -1e9f;   // no free place on its tasks row: the outline and the bar say it
            }
            tp = ImVec2(tx, ty);
            // Never over a failed task or an error mark: past it, to the right.
            for (bool moved = true; moved;) {
                moved = false;
                for (const Rect& r : env.drawn.keepClear)
                    if (overlaps(r, tp.x - 6, tp.y, tp.x + ts.x + 6, tp.y + ts.y)) {
                        tp.x = r.x + r.w + 6;
                        moved = true;
                    }
            }
            const ImRect plate(ImVec2(tp.x - 2, tp.y), ImVec2(tp.x + ts.x + 2, tp.y + ts.y));
            // Never over a task's name or a chunk's label (the words on the lanes).
            fits = tp.x + ts.x <= g.plotMax.x - 2 && tp.y + ts.y <= yMax && tp.y >= yMin && textFree(plate);
            if (fits) {
                word = w;
                break;
            }
        }
        if (fits) {
            const ImRect plate(ImVec2(tp.x - 2, tp.y), ImVec2(tp.x + ts.x + 2, tp.y + ts.y));
            occupyText(plate);
            dl->AddRectFilled(ImVec2(tp.x - 2, tp.y), ImVec2(tp.x + ts.x + 2, tp.y + ts.y), laneBackground(env.theme, false));
            dl->AddText(tp, col, word);
            probe::drawnText(word, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
            mark.labelShown = true;
            mark.words = word;
            mark.lx0 = tp.x - 2;
            mark.ly0 = tp.y;
            mark.lx1 = tp.x + ts.x + 2;
            mark.ly1 = tp.y + ts.y;
        }
        // The legend's entry says its label (legendWords): its words with the numbers are on screen there.
        mark.inLegend = legendWords(run.callouts(), c) == c.label.c_str();
        mark.outlined = std::move(outlined);
        if (ly1 > ly0) {
            mark.ox0 = ox0;
            mark.ox1 = ox1;
        }
        env.drawn.callouts.push_back(mark);
        if (ImGui::IsMouseHoveringRect(ImVec2(x0, axisBottom - bar - 2), ImVec2(x1, axisBottom + 2)) ||
            (ly1 > ly0 && ImGui::IsMouseHoveringRect(ImVec2(x0, ly0), ImVec2(x1, ly0 + ts.y + 4))) ||
            (mark.labelShown && ImGui::IsMouseHoveringRect(ImVec2(mark.lx0, mark.ly0), ImVec2(mark.lx1, mark.ly1))))
            boundedTooltipf("%s", c.text.c_str());
    }
    dl->PopClipRect();
}

} // namespace parviz::gui::timeline
