// Timeline interaction: wheel zooms around the mouse (over the lanes' names,
// or with Shift, it scrolls the lanes), left-drag pans, a click
// moves the replay cursor, right-click on a worker lane offers Kill worker,
// hovering a span tells what it is.
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <string_view>

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

// States in a class's words, not the code's (rows: core rowHoverTitle).
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
    case LaneState::WaitSync: return "waiting to be woken (event, condition, barrier, join)";
    case LaneState::WaitLock: return "waiting for the lock";
    default: return "";
    }
}

// What the hovered span of a worker's lane says about its task and chunk, in
// words true at the cursor (now in a live run): never "done" of a task or
// chunk still running then.
void taskLines(RunView& run, const Lane& lane, const RowRecords& row, const SpanRecord& s, float x,
               const Geometry& g, std::vector<TipLine>& out) {
    if (s.label != kNoString && run.trace() && row.kind == RowKind::Program) {
        out.push_back({std::string(run.trace()->string(s.label))});   // a traced join's words
    } else if (s.label != kNoString && run.trace()) {
        std::string words;
        if (row.kind == RowKind::Tasks && s.mergedCount == 1 && lane.kind == LaneKind::Proc)
            words = describeTaskAt(run.model(), *run.trace(), static_cast<ProcId>(lane.id), s.value, g.cursor, run.zero());
        if (words.empty()) words = "task " + std::string(run.trace()->string(s.label));
        out.push_back({words});
    }
    if (lane.kind != LaneKind::Proc || !run.trace()) return;
    const std::int64_t t = pxToTime(g.vp, x);
    const ChunkBrackets& b = run.chunks();
    for (std::size_t i : visibleChunks(b, t, t + 1)) {
        const ChunkBracket& c = b.items[i];
        if (c.proc == static_cast<ProcId>(lane.id))
            out.push_back({describeChunkAt(c, procName(run.meta(), c.proc), g.cursor, run.zero())});
    }
}

void spanTooltip(RunView& run, const Lane& lane, float laneTop, const ImVec2& mouse, const Geometry& g, float fs) {
    if (lane.id == kFinishedLanes) {
        // The fold said, not silent: who is in it, when each ended, how to see them.
        std::vector<TipLine> lines;
        lines.push_back({lane.title + ": processes that ended before the later ones started"});
        for (ProcId p : finishedBefore(run.model(), run.meta(), g.cursor)) {
            const std::int64_t exitT = run.model().procs()[p].exitT;
            lines.push_back({procName(run.meta(), p) + " ended at " + formatInstant(exitT - run.zero())});
        }
        lines.push_back({"Their lanes are folded here so the running processes' lanes are in view; put the cursor "
                         "before the later processes started (click the axis there) to see them again.", true});
        boundedTooltip(lines, mouse, fs);
        return;
    }
    float ry = laneTop;
    const float x = mouse.x - g.plotMin.x;
    for (const RowRecords& row : lane.rows) {
        const float rh = rowHeight(row.kind, fs);
        if (mouse.y >= ry && mouse.y < ry + rh + 1) {
            auto it = std::find_if(row.spans.begin(), row.spans.end(),
                                   [&](const SpanRecord& s) { return x >= s.x0 && x < std::max(s.x1, s.x0 + 1); });
            std::vector<TipLine> lines;
            lines.push_back({rowHoverTitle(lane.title, row, it != row.spans.end())});
            if (it != row.spans.end()) {
                lines.push_back({stateWords(it->state)});
                taskLines(run, lane, row, *it, x, g, lines);
                if (row.kind == RowKind::CoreProcs) lines.push_back({procName(run.meta(), it->proc)});
                if (row.kind == RowKind::CoreLoad) {
                    char buf[64];
                    std::snprintf(buf, sizeof buf, "other programs: %.0f%% busy", it->fraction * 100);
                    lines.push_back({buf});
                }
                if (it->mergedCount > 1) lines.push_back({std::to_string(it->mergedCount) + " spans merged (zoom in)", true});
            }
            if (lane.kind == LaneKind::Core) {
                // parviz's own threads on this core (not a drawn row: the activity strip shows it).
                auto own = std::find_if(lane.ownLoad.begin(), lane.ownLoad.end(),
                                        [&](const SpanRecord& s) { return x >= s.x0 && x < std::max(s.x1, s.x0 + 1); });
                if (own != lane.ownLoad.end()) {
                    char buf[96];
                    std::snprintf(buf, sizeof buf, "parviz itself (window, collector): %.0f%% of this core", own->fraction * 100);
                    lines.push_back({buf, true});
                }
            }
            // Over the lanes only: over the names column left of the plot the
            // pointer is at no time of the run (it said "pointer at -0.28 s").
            if (x >= 0) lines.push_back({"pointer at " + formatInstant(pxToTime(g.vp, x) - run.zero()), true});
            boundedTooltip(lines, mouse, fs);
            return;
        }
        ry += rh + 1;
    }
}

} // namespace

// A lane's tooltip: wrapped at 26 em (never a line across the lanes), below
// and right of the pointer, flipped to its left or above it where it would
// leave the window (so it stays inside). Recorded for --layout-json.
void boundedTooltip(const std::vector<TipLine>& lines, const ImVec2& mouse, float fs) {
    if (!ui::pointerMoved()) return;   // the pointer where it rested at startup asked nothing
    // Stepping with the keys under a resting pointer: the tip said "pointer
    // at 1.41 s" over the lanes and the step buttons while the cursor was at
    // 2.02 s (classroom walk, session 14); back once the pointer moves.
    if (ui::keyedSinceMove()) return;
    // Nothing on top of the window asking (an open combo list, a popup): the
    // lanes', queue's and marks' tips tested the pointer's rectangle only and
    // opened through the run picker's list (ui::mouseOver, for every caller).
    if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) return;
    // One tooltip a frame, the first asked: ImGui appends a second
    // BeginTooltip to the same window, sized for one of them, so a callout
    // label's words over its lane came with the lane's under them, behind a
    // scrollbar that covered their right edge (newcomer walk 27). The label
    // is drawn, and asks, before the lane's hover is handled: it wins.
    if (const ImGuiWindow* tip = ImGui::FindWindowByName("##Tooltip_00");
        tip && tip->Active && tip->LastFrameActive == ImGui::GetFrameCount())
        return;
    const ImGuiStyle& st = ImGui::GetStyle();
    const float wrapW = std::round(ImGui::GetFontSize() * 26);
    float w = 0, h = 0;
    for (const TipLine& l : lines) {
        const ImVec2 sz = ui::wrappedTextSize(l.text, wrapW);
        w = std::max(w, sz.x);
        h += sz.y + (h > 0 ? st.ItemSpacing.y : 0);
    }
    w = std::ceil(w + st.WindowPadding.x * 2);
    h = std::ceil(h + st.WindowPadding.y * 2);
    const ImVec2 disp = ImGui::GetIO().DisplaySize;
    ImVec2 pos(mouse.x + fs * 0.5f, mouse.y + fs * 1.2f);   // below the pointer, clear of the lane under it
    // Where neither side of the pointer has room, against the window's edge
    // (still below, or above, the pointer: never over the words it points at).
    if (pos.x + w > disp.x) pos.x = mouse.x - fs * 0.5f - w >= 0 ? mouse.x - fs * 0.5f - w : std::max(0.0f, disp.x - w);
    if (pos.y + h > disp.y) pos.y = mouse.y - fs * 0.5f - h >= 0 ? mouse.y - fs * 0.5f - h : std::max(0.0f, disp.y - h);
    // Its size given, not left to ImGui's auto-fit (a frame late: the last
    // hover's size, which could reach past the window's edge).
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(ImVec2(w, h));
    ImGui::BeginTooltip();
    probe::TooltipRecord rec;
    for (const TipLine& l : lines) {
        if (l.muted) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ui::textWrappedAt(l.text, st.WindowPadding.x + wrapW, false);
        if (l.muted) ImGui::PopStyleColor();
        rec.lines.push_back(l.text);
    }
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    rec.x = wp.x;
    rec.y = wp.y;
    rec.w = ws.x;
    rec.h = ws.y;
    probe::tooltip(std::move(rec));
    ImGui::EndTooltip();
}

void boundedTooltipf(const char* fmt, ...) {
    char buf[2048];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    std::vector<TipLine> lines;
    std::string_view rest(buf);
    for (std::size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1))
        lines.push_back({std::string(rest.substr(0, nl))});
    lines.push_back({std::string(rest)});
    boundedTooltip(lines, ImGui::GetIO().MousePos, ImGui::GetFontSize());
}

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

    // The wheel zooms over the time axis's lanes; over the lanes' names (no
    // time there to zoom around) or with Shift it scrolls the lanes (the
    // cue under the last lane says so).
    if (hovered && io.MouseWheel != 0) {
        if (io.KeyShift || mx < 0) {
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
