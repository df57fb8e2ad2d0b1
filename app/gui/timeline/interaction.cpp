// Timeline interaction: wheel zooms around the mouse, left-drag pans, a click
// moves the replay cursor, right-click on a worker lane offers Kill worker,
// hovering a span tells what it is.
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui::timeline {
namespace {

std::string g_menuWorker;   // the lane the context menu was opened on

const Lane* laneAt(const LaneRecords& recs, float lanesTop, float scrollY, float mouseY, float fs, float& laneTop) {
    float y = lanesTop - scrollY;
    for (const Lane& lane : recs.lanes) {
        const float h = laneHeight(lane, fs);
        if (mouseY >= y && mouseY < y + h) {
            laneTop = y;
            return &lane;
        }
        y += h + kLaneGap;
    }
    return nullptr;
}

// Rows and states in a class's words, not the code's.
const char* rowWords(RowKind k) {
    switch (k) {
    case RowKind::CoreProcs: return "which worker this core ran";
    case RowKind::CoreLoad: return "other programs on this core";
    case RowKind::Program: return "what the worker is doing";
    case RowKind::Os: return "on a core, or waiting for one";
    case RowKind::Tasks: return "its tasks";
    case RowKind::Locks: return "holding the lock";
    }
    return "";
}

const char* stateWords(LaneState s) {
    switch (s) {
    case LaneState::Busy: return "busy with other programs";
    case LaneState::Exited: return "exited";
    case LaneState::Idle: return "idle: nothing to do";
    case LaneState::Sleeping: return "sleeping (needs no core)";
    case LaneState::Running: return "running its code";
    case LaneState::Task: return "a task";
    case LaneState::OnCore: return "on a core";
    case LaneState::HoldLock: return "holds the lock";
    case LaneState::Runnable: return "runnable: waiting for a free core";
    case LaneState::TaskFailed: return "a task that failed";
    case LaneState::Killed: return "killed";
    case LaneState::Stopped: return "paused (stopped)";
    case LaneState::WaitQueue: return "waiting for the queue";
    case LaneState::WaitSync: return "waiting to be woken (event, condition, barrier, join, pool results)";
    case LaneState::WaitLock: return "waiting for the lock";
    default: return "";
    }
}

void spanTooltip(const RunView& run, const Lane& lane, float laneTop, const ImVec2& mouse, const Geometry& g, float fs) {
    float ry = laneTop;
    const float x = mouse.x - g.plotMin.x;
    for (const RowRecords& row : lane.rows) {
        const float rh = rowHeight(row.kind, fs);
        if (mouse.y >= ry && mouse.y < ry + rh + 1) {
            auto it = std::find_if(row.spans.begin(), row.spans.end(),
                                   [&](const SpanRecord& s) { return x >= s.x0 && x < std::max(s.x1, s.x0 + 1); });
            // Below the pointer, clear of the lane under it.
            ImGui::SetNextWindowPos(ImVec2(mouse.x + fs * 0.5f, mouse.y + fs * 1.2f));
            ImGui::BeginTooltip();
            ImGui::Text("%s: %s", lane.title.c_str(), rowWords(row.kind));
            if (it != row.spans.end()) {
                ImGui::Text("%s", stateWords(it->state));
                if (it->label != kNoString && run.trace()) {
                    const std::string_view name = run.trace()->string(it->label);
                    ImGui::Text("task %.*s", static_cast<int>(name.size()), name.data());
                    // How it ended: a traced task that raised names its exception.
                    if (row.kind == RowKind::Tasks && it->mergedCount == 1 && lane.kind == LaneKind::Proc) {
                        const std::string how = describeTaskOutcome(run.model(), *run.trace(),
                                                                    static_cast<ProcId>(lane.id), it->value);
                        if (!how.empty()) ImGui::Text("%s", how.c_str());
                    }
                }
                if (row.kind == RowKind::CoreProcs) ImGui::Text("%s", procName(run.meta(), it->proc).c_str());
                if (row.kind == RowKind::CoreLoad) ImGui::Text("other programs: %.0f%% busy", it->fraction * 100);
                if (it->mergedCount > 1) ImGui::TextDisabled("%u spans merged (zoom in)", it->mergedCount);
            }
            if (lane.kind == LaneKind::Core) {
                // parviz's own threads on this core (not a drawn row: the activity strip shows it).
                auto own = std::find_if(lane.ownLoad.begin(), lane.ownLoad.end(),
                                        [&](const SpanRecord& s) { return x >= s.x0 && x < std::max(s.x1, s.x0 + 1); });
                if (own != lane.ownLoad.end())
                    ImGui::TextDisabled("parviz itself (window, collector): %.0f%% of this core", own->fraction * 100);
            }
            const std::int64_t t = pxToTime(g.vp, x) - run.zero();
            ImGui::TextDisabled("at %s", formatDuration(t).c_str());
            ImGui::EndTooltip();
            return;
        }
        ry += rh + 1;
    }
}

} // namespace

void handleInteraction(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float lanesTop) {
    const float fs = g.rowFont;
    TimelineView& view = run.timeline();
    const ImVec2 size(std::max(1.0f, g.plotMax.x - g.labelX), std::max(1.0f, g.plotMax.y - lanesTop));
    ImGui::SetCursorScreenPos(ImVec2(g.labelX, lanesTop));
    ImGui::InvisibleButton("##lanes", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();
    const float mx = io.MousePos.x - g.plotMin.x;

    // Total lane height, for vertical scrolling when lanes do not fit.
    float total = 0;
    for (const Lane& lane : recs.lanes) total += laneHeight(lane, fs) + kLaneGap;
    const float maxScroll = std::max(0.0f, total - size.y);

    if (hovered && io.MouseWheel != 0) {
        if (io.KeyShift) {
            view.scrollY = std::clamp(view.scrollY - io.MouseWheel * fs * 3, 0.0f, maxScroll);
        } else {
            const std::int64_t anchor = pxToTime(g.vp, mx) - run.zero();
            run.zoom(std::pow(1.25f, io.MouseWheel), anchor);
            view.follow = false;
        }
    }
    view.scrollY = std::clamp(view.scrollY, 0.0f, maxScroll);
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
        // Pan: the time under the mouse stays under the mouse.
        const double nsPerPx = static_cast<double>(view.end - view.begin) / g.vp.widthPx;
        const auto dt = static_cast<std::int64_t>(io.MouseDelta.x * nsPerPx);
        view.begin -= dt;
        view.end -= dt;
        view.scrollY = std::clamp(view.scrollY - io.MouseDelta.y, 0.0f, maxScroll);
        view.follow = false;
    } else if (ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < 4.0f &&
               mx >= 0 && run.trace()) {
        // A click (no drag) puts the replay cursor there.
        run.setCursor(pxToTime(g.vp, mx));
        view.follow = false;
    }

    float laneTop = 0;
    const bool inLanes = io.MousePos.y < g.lanesBottom;   // not the strip under the last whole lane
    const Lane* lane = hovered && inLanes ? laneAt(recs, lanesTop, g.scroll, io.MousePos.y, fs, laneTop) : nullptr;
    if (lane && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) spanTooltip(run, *lane, laneTop, io.MousePos, g, fs);
    if (lane && lane->kind == LaneKind::Proc && lane->id > 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        g_menuWorker = lane->title;
        ImGui::OpenPopup("lane-menu");
    }
    if (ImGui::BeginPopup("lane-menu")) {
        ImGui::TextDisabled("%s", g_menuWorker.c_str());
        ImGui::BeginDisabled(!run.live());
        if (ImGui::MenuItem("Kill worker (SIGKILL)")) {
            const bool ok = run.killWorker(g_menuWorker);
            env.message.set(ok ? "killed " + g_menuWorker + " (SIGKILL)" : g_menuWorker + " is not a live worker", !ok);
        }
        ImGui::EndDisabled();
        ImGui::EndPopup();
    }
}

} // namespace parviz::gui::timeline
