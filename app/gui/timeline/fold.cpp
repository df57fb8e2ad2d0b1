// Many workers: lanes that show nothing fold into one band, and from 32
// workers a summary band (how many are in a task, how many wait) stands in
// for the put→get arrows, which at that count are a blob.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui::timeline {

namespace {

// Arrows and lock marks follow their lanes to their new places (newIndex:
// old lane -> new, SIZE_MAX for a folded one); those of folded lanes go with them.
void followLanes(LaneRecords& recs, const std::vector<std::size_t>& newIndex) {
    std::vector<QueueArrow> arrows;
    for (QueueArrow a : recs.arrows) {
        if (newIndex[a.fromLane] == SIZE_MAX || newIndex[a.toLane] == SIZE_MAX) continue;
        a.fromLane = newIndex[a.fromLane];
        a.toLane = newIndex[a.toLane];
        arrows.push_back(a);
    }
    recs.arrows = std::move(arrows);
    std::vector<LockMark> marks;
    for (LockMark m : recs.lockMarks) {
        if (newIndex[m.lane] == SIZE_MAX) continue;
        m.lane = newIndex[m.lane];
        marks.push_back(m);
    }
    recs.lockMarks = std::move(marks);
}

bool isWorkerLane(const Lane& lane, const TraceMeta& meta) {
    if (lane.kind != LaneKind::Proc || lane.id < 0) return false;
    const auto p = static_cast<std::size_t>(lane.id);
    return p < meta.procs.size() && (meta.procs[p].role == ProcRole::PoolWorker || meta.procs[p].role == ProcRole::Process);
}

// A worker lane with no task in view that only idles or waits for a queue
// (a pool worker blocked on the empty task queue) or has exited: it does no
// work there. Running, sleeping, a lock, a pause or a kill are worth a lane.
bool showsNothing(const Lane& lane) {
    for (const RowRecords& row : lane.rows) {
        if (row.kind == RowKind::Tasks && !row.spans.empty()) return false;
        if (row.kind == RowKind::Locks && !row.spans.empty()) return false;
        if (row.kind == RowKind::Program)
            for (const SpanRecord& s : row.spans)
                if (s.state != LaneState::Idle && s.state != LaneState::None && s.state != LaneState::Exited &&
                    s.state != LaneState::WaitQueue)
                    return false;
    }
    return true;
}

} // namespace

int countWorkerLanes(const LaneRecords& recs, const TraceMeta& meta) {
    return static_cast<int>(std::count_if(recs.lanes.begin(), recs.lanes.end(),
                                          [&](const Lane& l) { return isWorkerLane(l, meta); }));
}

std::size_t foldIdleLanes(LaneRecords& recs, const TraceMeta& meta, float widthPx, std::size_t keepWorkers) {
    // Lanes with something on them stay; idle ones stay (the first) only
    // until keepWorkers worker lanes are in view.
    std::size_t busy = 0;
    for (const Lane& lane : recs.lanes) busy += isWorkerLane(lane, meta) && !showsNothing(lane);
    std::vector<bool> fold(recs.lanes.size(), false);
    std::size_t keptIdle = 0, folded = 0;
    for (std::size_t i = 0; i < recs.lanes.size(); ++i) {
        if (!isWorkerLane(recs.lanes[i], meta) || !showsNothing(recs.lanes[i])) continue;
        if (busy + keptIdle < keepWorkers) {
            ++keptIdle;
            continue;
        }
        fold[i] = true;
        ++folded;
    }
    if (folded < 2) return 0;   // one lane folded saves nothing
    std::vector<Lane> lanes;
    std::vector<std::size_t> newIndex(recs.lanes.size(), SIZE_MAX);
    for (std::size_t i = 0; i < recs.lanes.size(); ++i) {
        if (fold[i]) continue;
        newIndex[i] = lanes.size();
        lanes.push_back(std::move(recs.lanes[i]));
    }
    // The band, under the lanes that show something: one idle strip, named by how many.
    Lane band;
    band.kind = LaneKind::Proc;
    band.id = kFoldedLanes;
    band.title = std::to_string(folded) + " idle workers";   // no task: idle or waiting for one
    band.rows.push_back(RowRecords{RowKind::Program, {SpanRecord{0, widthPx, LaneState::Idle}}});
    lanes.push_back(std::move(band));
    recs.lanes = std::move(lanes);
    followLanes(recs, newIndex);
    return folded;
}

std::size_t foldFinishedLanes(LaneRecords& recs, const std::vector<ProcId>& finished, float widthPx) {
    auto isFinished = [&](const Lane& l) {
        return l.kind == LaneKind::Proc && l.id >= 0 &&
               std::find(finished.begin(), finished.end(), static_cast<ProcId>(l.id)) != finished.end();
    };
    const auto n = static_cast<std::size_t>(std::count_if(recs.lanes.begin(), recs.lanes.end(), isFinished));
    if (n < 2) return 0;   // one lane folded saves nothing
    std::vector<Lane> lanes;
    std::vector<std::size_t> newIndex(recs.lanes.size(), SIZE_MAX);
    std::string names;
    bool placed = false;
    for (std::size_t i = 0; i < recs.lanes.size(); ++i) {
        if (!isFinished(recs.lanes[i])) {
            newIndex[i] = lanes.size();
            lanes.push_back(std::move(recs.lanes[i]));
            continue;
        }
        if (!placed) {   // the band where the first of them was: the lanes keep their order in time
            Lane band;
            band.kind = LaneKind::Proc;
            band.id = kFinishedLanes;
            band.title = std::to_string(n) + " finished";
            band.rows.push_back(RowRecords{RowKind::Program, {SpanRecord{0, widthPx, LaneState::Exited}}});
            lanes.push_back(std::move(band));
            placed = true;
        }
    }
    recs.lanes = std::move(lanes);
    followLanes(recs, newIndex);
    return n;
}

void workerSummary(const LaneRecords& recs, const TraceMeta& meta, float widthPx, float binPx, std::vector<WorkerBin>& out) {
    const auto n = static_cast<std::size_t>(std::max(1.0f, std::ceil(widthPx / binPx)));
    out.assign(n, WorkerBin{});
    for (std::size_t i = 0; i < n; ++i) {
        out[i].x0 = static_cast<float>(i) * binPx;
        out[i].x1 = std::min(widthPx, out[i].x0 + binPx);
    }
    // Each span adds the share of each bin it covers.
    auto add = [&](const SpanRecord& s, float WorkerBin::*field) {
        const float a = std::max(0.0f, s.x0), b = std::min(widthPx, s.x1);
        for (auto i = static_cast<std::size_t>(a / binPx); i < n && out[i].x0 < b; ++i) {
            const float cover = std::min(b, out[i].x1) - std::max(a, out[i].x0);
            if (cover > 0) out[i].*field += cover / (out[i].x1 - out[i].x0);
        }
    };
    for (const Lane& lane : recs.lanes) {
        if (!isWorkerLane(lane, meta)) continue;
        for (const RowRecords& row : lane.rows) {
            if (row.kind == RowKind::Tasks)
                for (const SpanRecord& s : row.spans) add(s, &WorkerBin::inTask);
            if (row.kind == RowKind::Program)
                for (const SpanRecord& s : row.spans)
                    if (s.state == LaneState::WaitQueue || s.state == LaneState::WaitSync || s.state == LaneState::WaitLock)
                        add(s, &WorkerBin::waiting);
        }
    }
}

void drawWorkerSummary(const PanelEnv& env, const Geometry& g, const std::vector<WorkerBin>& bins, int workers, float y0,
                       float h) {
    if (workers <= 0) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(g.labelX, y0), ImVec2(g.plotMax.x, y0 + h), laneBackground(env.theme, false));
    const std::string label = std::to_string(workers) + " workers";
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    const ImVec2 tp(g.labelX + 8, y0 + std::max(0.0f, (h - ls.y) / 2));
    dl->AddText(tp, ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    probe::drawnText(label, tp, ImVec2(tp.x + ls.x, tp.y + ls.y), dl);
    static std::vector<SpanInstance> inst;
    inst.clear();
    const float per = h / static_cast<float>(workers), y1 = y0 + h;
    const Paint task{procU32(1), SpanStyle::Solid}, wait = statePaint(LaneState::WaitQueue, env.theme);
    for (const WorkerBin& b : bins) {
        const float ty = y1 - std::min(h, b.inTask * per), wy = ty - std::min(ty - y0, b.waiting * per);
        const float bx0 = g.plotMin.x + b.x0, bx1 = g.plotMin.x + b.x1;
        if (b.inTask > 0.01f) inst.push_back(SpanInstance{bx0, bx1, ty, y1, task.colour, task.style});
        if (b.waiting > 0.01f) inst.push_back(SpanInstance{bx0, bx1, wy, ty, wait.colour, wait.style});
    }
    dl->PushClipRect(ImVec2(g.plotMin.x, y0), ImVec2(g.plotMax.x, y1), true);
    env.spans.draw(dl, inst);
    dl->PopClipRect();
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (m.y >= y0 && m.y < y1 && m.x >= g.plotMin.x && m.x < g.plotMax.x && !bins.empty()) {
        const float binPx = bins.front().x1 - bins.front().x0;
        const auto i = static_cast<std::size_t>((m.x - g.plotMin.x) / std::max(1.0f, binPx));
        if (i < bins.size())
            boundedTooltipf("Of %d workers here: %.0f in a task (solid), %.0f waiting for a queue or lock "
                              "(stripes), the rest idle or starting.\nWith this many workers the put\u2192get arrows "
                              "are left out: this band says how many work.",
                              workers, bins[i].inTask, bins[i].waiting);
    }
}

} // namespace parviz::gui::timeline
