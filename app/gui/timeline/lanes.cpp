// Lanes: backgrounds and labels by ImGui, spans by our shaders (one instanced
// batch per frame), then task names, queue arrows, lock marks and the cursor
// on top. Only loops over the records buildLanes made.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui::timeline {

float rowHeight(RowKind k, float fs) noexcept {
    switch (k) {
    case RowKind::CoreProcs: return std::round(fs * 1.0f);
    case RowKind::CoreLoad: return 4;
    case RowKind::Tasks: return std::round(fs + 4);
    case RowKind::Program: return std::round(fs * 0.6f);   // tall enough for its stripes to read
    case RowKind::Os: return 6;                              // a runnable outline must still look hollow
    case RowKind::Locks: return 5;
    }
    return 4;
}

float laneHeight(const Lane& lane, float fs) noexcept {
    float h = 0;
    for (const RowRecords& row : lane.rows) h += rowHeight(row.kind, fs) + 1;
    return std::max(h, fs + 2);
}

namespace {

std::vector<SpanInstance> g_instances;   // scratch, reused every frame

// Top y of each lane and of its tasks row (for arrows), screen px.
struct LaneY {
    float top, tasksMid, locksMid, height;
};
std::vector<LaneY> g_laneY;

} // namespace

float drawLanes(GuiApp& app, const Geometry& g, const LaneRecords& recs, float y0) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Theme th = app.theme();
    const float fs = g.rowFont;
    const float px0 = g.plotMin.x;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 muted = textMuted(th);
    const TraceMeta meta = app.meta();
    g_instances.clear();
    g_laneY.clear();

    // 1. backgrounds, labels, span instances; remember the rows' rects.
    float y = y0;
    for (std::size_t li = 0; li < recs.lanes.size(); ++li) {
        const Lane& lane = recs.lanes[li];
        const float h = laneHeight(lane, fs);
        LaneY ly{y, y + h / 2, y + h / 2, h};
        dl->AddRectFilled(ImVec2(g.labelX, y), ImVec2(g.plotMax.x, y + h), laneBackground(th, li % 2 == 1));
        // Label: worker colour swatch + name (+ pid), clipped to the column.
        ImU32 swatch = lane.kind == LaneKind::Proc ? procU32(static_cast<ProcId>(lane.id)) : muted;
        dl->AddRectFilled(ImVec2(g.labelX + 1, y + 1), ImVec2(g.labelX + 5, y + h - 1), swatch);
        dl->PushClipRect(ImVec2(g.labelX, y), ImVec2(px0 - 4, y + h), true);
        dl->AddText(ImVec2(g.labelX + 8, y + std::max(0.0f, (std::min(h, fs * 1.2f) - fs) / 2)),
                    lane.kind == LaneKind::Core ? muted : text, lane.title.c_str());
        dl->PopClipRect();

        float ry = y;
        for (const RowRecords& row : lane.rows) {
            const float rh = rowHeight(row.kind, fs);
            app.rowRects().push_back(RowRect{lane.kind, lane.id, lane.title, row.kind, px0, ry, g.plotMax.x, ry + rh});
            if (row.kind == RowKind::Tasks) ly.tasksMid = ry + rh / 2;
            if (row.kind == RowKind::Locks) ly.locksMid = ry + rh / 2;
            for (const SpanRecord& s : row.spans) {
                const Paint paint = spanPaint(row.kind, s, th);
                g_instances.push_back(SpanInstance{px0 + s.x0, px0 + s.x1, ry, ry + rh, paint.colour, paint.style});
            }
            ry += rh + 1;
        }
        g_laneY.push_back(ly);
        y += h + kLaneGap;
    }

    // 2. spans: our shader pass, inside this window's draw list and clip rect.
    dl->PushClipRect(ImVec2(px0, y0), g.plotMax, true);
    app.spans().draw(dl, g_instances);

    // 3. on top: task names where they fit, arrows, lock marks, the cursor.
    for (std::size_t li = 0; li < recs.lanes.size(); ++li) {
        const Lane& lane = recs.lanes[li];
        float ry = g_laneY[li].top;
        for (const RowRecords& row : lane.rows) {
            const float rh = rowHeight(row.kind, fs);
            if (row.kind == RowKind::Tasks && app.trace()) {
                for (const SpanRecord& s : row.spans) {
                    if (s.label == kNoString || s.x1 - s.x0 < fs) continue;
                    const std::string_view name = app.trace()->string(s.label);
                    const ImVec2 ts = ImGui::CalcTextSize(name.data(), name.data() + name.size());
                    if (ts.x + 4 > s.x1 - s.x0) continue;
                    // Centred, dark on the bright worker colours in both themes.
                    const float cx = px0 + std::max(s.x0, 0.0f) + (std::min(s.x1, g.vp.widthPx) - std::max(s.x0, 0.0f) - ts.x) / 2;
                    // A failed task is hollow: its name in the worker's colour instead.
                    const ImU32 tc = s.state == LaneState::TaskFailed ? procU32(s.proc) : IM_COL32(15, 15, 15, 255);
                    dl->AddText(ImVec2(cx, ry + (rh - ts.y) / 2), tc, name.data(), name.data() + name.size());
                }
            }
            // Killed: say so in words where the task row is empty from then on.
            if (row.kind == RowKind::Program) {
                for (const SpanRecord& s : row.spans) {
                    if (s.state != LaneState::Killed || s.x1 - s.x0 < fs * 3) continue;
                    const float x = px0 + std::max(s.x0, 0.0f) + 4;
                    dl->AddText(ImVec2(x, g_laneY[li].tasksMid - ImGui::GetFontSize() / 2), text, "killed (SIGKILL)");
                }
            }
            ry += rh + 1;
        }
    }
    // Queue items: put -> get arrows between lanes.
    const ImU32 arrowCol = th == Theme::Dark ? IM_COL32(255, 255, 255, 140) : IM_COL32(0, 0, 0, 140);
    for (const QueueArrow& a : recs.arrows) {
        if (a.fromLane >= g_laneY.size() || a.toLane >= g_laneY.size()) continue;
        const ImVec2 p0(px0 + a.x0, g_laneY[a.fromLane].tasksMid);
        const ImVec2 p1(px0 + a.x1, g_laneY[a.toLane].tasksMid);
        dl->AddLine(p0, p1, arrowCol, 1.2f);
        const float dir = p1.y >= p0.y ? 1.0f : -1.0f;
        dl->AddTriangleFilled(p1, ImVec2(p1.x - 4, p1.y - 6 * dir), ImVec2(p1.x + 4, p1.y - 6 * dir), arrowCol);
    }
    // Lock marks: acquire ▼, release ▲, owner died ✕ on the lane's lock row.
    for (const LockMark& m : recs.lockMarks) {
        if (m.lane >= g_laneY.size()) continue;
        const float x = px0 + m.x, my = g_laneY[m.lane].locksMid;
        const ImU32 c = text;
        switch (m.kind) {
        case LockMarkKind::Acquire: dl->AddTriangleFilled(ImVec2(x - 4, my - 6), ImVec2(x + 4, my - 6), ImVec2(x, my), c); break;
        case LockMarkKind::Release: dl->AddTriangle(ImVec2(x - 4, my + 6), ImVec2(x + 4, my + 6), ImVec2(x, my), c); break;
        case LockMarkKind::OwnerDied:
            dl->AddLine(ImVec2(x - 5, my - 5), ImVec2(x + 5, my + 5), c, 2);
            dl->AddLine(ImVec2(x - 5, my + 5), ImVec2(x + 5, my - 5), c, 2);
            break;
        }
    }
    // The cursor: what every other panel shows.
    if (app.trace()) {
        const float cx = px0 + timeToPx(g.vp, app.cursor());
        const ImU32 cc = app.cursorIsLive() ? IM_COL32(0, 158, 115, 200) : IM_COL32(230, 60, 60, 230);
        dl->AddLine(ImVec2(cx, g.plotMin.y), ImVec2(cx, g.plotMax.y), cc, 2);
    }
    dl->PopClipRect();
    return y - y0;
}

} // namespace parviz::gui::timeline
