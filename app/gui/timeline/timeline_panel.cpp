// Timeline: one time axis for core lanes and process lanes. Each frame asks
// the core for pixel records of the visible window (buildLanes: binary search
// + merging of narrow spans) and only draws them.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/palette.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"
#include "gui/window.hpp"

#include <imgui.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <vector>

namespace parviz::gui {

using namespace timeline;

namespace {

// Which legend entries the lanes show now: states seen in the records, and
// whether workers beyond the palette's seven share colours.
struct Present {
    bool state[static_cast<int>(LaneState::Count)] = {};
    bool task = false, failed = false, otherLoad = false, repeatsColours = false;
    std::vector<ProcId> workers;   // the worker lanes drawn (folded bands aside), by id
};

Present presentIn(const LaneRecords& recs) {
    Present p;
    for (const Lane& lane : recs.lanes) {
        if (lane.kind == LaneKind::Proc && lane.id > 0) p.workers.push_back(static_cast<ProcId>(lane.id));
        if (!lane.runnable.empty()) p.state[static_cast<int>(LaneState::Runnable)] = true;
        for (const RowRecords& row : lane.rows)
            for (const SpanRecord& s : row.spans) {
                if (row.kind == RowKind::Tasks) (s.state == LaneState::TaskFailed ? p.failed : p.task) = true;
                else if (row.kind == RowKind::CoreLoad) p.otherLoad = true;
                else if (row.kind == RowKind::Locks) p.state[static_cast<int>(LaneState::HoldLock)] = true;
                else if (row.kind != RowKind::CoreProcs) p.state[static_cast<int>(s.state)] = true;
            }
    }
    // As the lanes number their spans (lanes.cpp): the folded bands have no colour.
    p.repeatsColours = repeatsColours(recs);
    return p;
}

// The legend's example of a numbered word: one a worker lane in view shows,
// quoted, then what it says in one plain phrase, its worker named as its lane
// names it ("\"s9 (1)\": task s9 on ForkPoolWorker-1", "\"chunk 1: T2 (1)\":
// chunk 1 (task T2) on ForkPoolWorker-1"; the newcomer walk read "chunk 1:
// T2 (1): chunk 1 on worker 1", said twice), a task's name before a chunk's
// label; "" when no lane shows one.
std::string numberedExample(const RunView& run, bool brief = false) {
    const NumberedExample ex = lastNumberedWords(run.trace());
    const NumberedWord& w = !ex.task.word.empty() ? ex.task : ex.chunk;
    if (w.word.empty()) return "";
    const std::string worker = w.worker.empty() ? "worker " + w.number : w.worker;
    return "\"" + w.word + "\": " + (brief ? "on " + worker : w.subject + " on " + worker);
}

// One legend entry's words after its swatch (sw px wide), with its tooltip;
// moves p past it.
void entryWords(ImDrawList* dl, ImVec2& p, float sw, const char* label, ImU32 colour, const char* tip, float lineH) {
    const float w = sw + 4 + ImGui::CalcTextSize(label).x;
    const ImVec2 tp(p.x + sw + 4, p.y);
    dl->AddText(tp, colour, label);
    probe::drawnText(label, tp, ImVec2(tp.x + w - sw - 4, tp.y + ImGui::GetTextLineHeight()), dl);
    if (ImGui::IsMouseHoveringRect(p, ImVec2(p.x + w, p.y + lineH))) boundedTooltipf("%s", tip);
    p.x += w + std::round(ImGui::GetFontSize() * 0.8f);
}

// Said when seven colours repeat and no lane shows an example of the number.
constexpr const char* kNumberedNote = "(n) after a name: worker n";

// The callouts' bars under the axis, each kind found in words (hover: its
// sentence): the words of a callout about the whole run have a place here
// even when no activity strip is shown to carry them.
void legendCallouts(RunView& run, Theme th, ImDrawList* dl, ImVec2& p, float sw, float lineH,
                    const std::function<void(float)>& place) {
    if (!run.trace()) return;
    std::vector<CalloutKind> kinds;
    const float bar = std::max(4.0f, std::round(ImGui::GetFontSize() * 0.25f));
    for (const Callout& c : run.callouts()) {
        if (std::find(kinds.begin(), kinds.end(), c.kind) != kinds.end()) continue;
        kinds.push_back(c.kind);
        const ImU32 warn = ImGui::ColorConvertFloat4ToU32(calloutColour(c.kind, th));
        const char* label = legendWords(run.callouts(), c);
        place(sw + 4 + ImGui::CalcTextSize(label).x);
        const float by = p.y + std::round((ImGui::GetTextLineHeight() - bar) / 2);
        dl->AddRectFilled(ImVec2(p.x, by), ImVec2(p.x + sw, by + bar), warn);
        entryWords(dl, p, sw, label, warn, c.text.c_str(), lineH);
    }
}

// One legend for every pattern on screen, drawn by the span shader itself so
// the swatches are exactly the lanes' patterns. Only what the lanes show now
// (nothing before the first run); entries flow and wrap, never hide.
float g_plannedLegendExtra = 0;

void legend(RunView& run, const PanelEnv& env, const LaneRecords& recs) {
    const Theme th = env.theme;
    struct Entry { const char* label; Paint paint; const char* tip; bool shown; };
    auto st = [th](LaneState s) { return statePaint(s, th); };
    const Present pr = presentIn(recs);
    // Only what is on screen: before a run nothing is (finding 4 of the
    // classroom walk: a full legend of 13 patterns beside empty lanes).
    auto has = [&](LaneState s) { return pr.state[static_cast<int>(s)]; };
    const Entry entries[] = {
        {"task", Paint{procU32(1)}, "A task, in its worker's colour.", pr.task},
        {"failed task", Paint{procU32(1), SpanStyle::Outline}, "A task that did not finish (its worker died): hollow.",
         pr.failed},
        {"running", st(LaneState::Running), "The worker runs its own code.", has(LaneState::Running)},
        {"sleeping", st(LaneState::Sleeping), "The worker sleeps (time.sleep): it needs no core.", has(LaneState::Sleeping)},
        {"idle", st(LaneState::Idle), "The worker has nothing to do.", has(LaneState::Idle)},
        {"waits for queue", st(LaneState::WaitQueue), "Blocked in Queue.get or Queue.put, or waiting for a Pool's results (on its result queue).", has(LaneState::WaitQueue)},
        {"waits for lock", st(LaneState::WaitLock), "Blocked in Lock.acquire.", has(LaneState::WaitLock)},
        {"waits to be woken", st(LaneState::WaitSync),
         "Blocked in Event.wait, Condition.wait, Barrier.wait or JoinableQueue.join.",
         has(LaneState::WaitSync)},
        {"paused", st(LaneState::Stopped), "Stopped by Pause (SIGSTOP).", has(LaneState::Stopped)},
        {"killed", st(LaneState::Killed), "Killed by a signal (SIGKILL, a crash): not its program's own terminate(), which ends "
         "a lane like an exit.", has(LaneState::Killed)},
        {"on a core", st(LaneState::OnCore), "Thin row: on a CPU core (measured from the OS). A thin tick under a "
         "waiting or sleeping worker: it was on a core for a moment (woken, then waiting again).", has(LaneState::OnCore)},
        {"runnable, no free core", st(LaneState::Runnable),
         "Ready to run, waiting for a free core (measured from the OS): the task bar is dimmed and crossed by "
         "lines while its worker wanted a core and had none for most of that stretch, and the thin row under "
         "the state shows the lines alone. More workers than cores take turns: oversubscription.",
         has(LaneState::Runnable)},
        {"holds lock", st(LaneState::HoldLock), "Thinnest row: holds the lock.", has(LaneState::HoldLock)},
        {"other programs", statePaint(LaneState::Busy, th), "CPU lanes, hatched: the share of the core other programs took (the busier, the denser), "
         "over the whole lane where no worker ran and in the thin row under it. parviz's own window and collector "
         "are not in it (the activity strip shows them apart; hover a CPU lane for its share).",
         pr.otherLoad},
    };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const float sw = std::round(fs * 1.3f), sh = std::round(fs * 0.75f);
    const float lineH = ImGui::GetTextLineHeightWithSpacing();
    const float left = ImGui::GetWindowPos().x + ImGui::GetStyle().WindowPadding.x;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    std::vector<SpanInstance> swatches;
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float top = p.y;
    p.y += ImGui::GetStyle().FramePadding.y;   // on the baseline of the checkbox before it
    auto place = [&](float w) {
        if (p.x + w > right && p.x > left) {
            p.x = left;
            p.y += lineH;
        }
    };
    for (const Entry& e : entries) {
        if (!e.shown) continue;
        place(sw + 4 + ImGui::CalcTextSize(e.label).x);
        const float sy = p.y + std::round((ImGui::GetTextLineHeight() - sh) / 2);
        // The thin OS row under a lane, as the lanes draw it (spanPaint, the
        // row's height, on the lane's background): a runnable stretch there is
        // a ladder of rungs, an on-core one a thin bar. Session 22: the legend
        // showed a tall box and a task bar, and the ladders under the lanes
        // read as "white rulers" nobody could find in it.
        auto osRow = [&](float x0, float x1, LaneState s) {
            const float oh = rowHeight(RowKind::Os, fs), oy = p.y + std::round((ImGui::GetTextLineHeight() - oh) / 2);
            dl->AddRectFilled(ImVec2(x0 - 2, oy - 3), ImVec2(x1 + 2, oy + oh + 3), laneBackground(th, false));
            SpanRecord r;
            r.state = s;
            const Paint os = spanPaint(RowKind::Os, r, th);
            swatches.push_back(SpanInstance{x0, x1, oy, oy + oh, os.colour, os.style});
        };
        if (e.paint.style == SpanStyle::Rungs) {
            // As the lanes draw it: a task bar (worker 1's colour) under
            // runnableLayers, and beside it the thin OS row's rungs.
            const float ty = p.y + std::round((ImGui::GetTextLineHeight() - fs) / 2);
            const float half = std::round(sw * 0.55f);
            swatches.push_back(SpanInstance{p.x, p.x + half, ty, ty + fs, procU32(1), SpanStyle::Solid});
            runnableLayers(p.x, p.x + half, ty, ty + fs, th, swatches);
            osRow(p.x + half + 4, p.x + sw, LaneState::Runnable);
        } else if (std::string_view(e.label) == "on a core") {
            osRow(p.x, p.x + sw, LaneState::OnCore);
        } else {
            swatches.push_back(SpanInstance{p.x, p.x + sw, sy, sy + sh, e.paint.colour, e.paint.style});
        }
        entryWords(dl, p, sw, e.label, ImGui::GetColorU32(ImGuiCol_Text), e.tip, lineH);
    }
    // Queue items: a line from each put to the get that took the item, the
    // head at the get (with many items only the heads: the triangles on
    // MainProcess and the workers). Drawn as the lanes draw them.
    if (!recs.arrows.empty()) {
        const char* label = "item taken from a queue";
        place(sw + 4 + ImGui::CalcTextSize(label).x);
        // The lanes' own code: the dot at the put, the line, the head at the get.
        const float my = p.y + ImGui::GetTextLineHeight() / 2, ah = std::max(6.0f, fs * 0.35f);
        drawQueueArrow(dl, ImVec2(p.x + 3, my - sh / 2 + 2), ImVec2(p.x + sw - ah * 0.6f, my + sh / 2), th, fs, true);
        entryWords(dl, p, sw, label, ImGui::GetColorU32(ImGuiCol_Text),
                   "A queue item: a dot at the put, a line from it to the get that took it, the triangle at the get "
                   "(with many items only the triangles). The pool's parent (MainProcess) takes its results this "
                   "way; the workers take their tasks. An item put before the view begins comes in from its left "
                   "edge.",
                   lineH);
    }
    legendCallouts(run, th, dl, p, sw, lineH, place);
    // As the lanes were drawn (idle ones folded: pool's 4 tasks on 8 workers
    // show 4 lanes and a band, no number; the note had a row of its own
    // there explaining nothing on screen), not as the records stand before
    // the fold.
    if (lanesNumbered(run.trace(), pr.repeatsColours)) {
        // Seven colours, more workers: the number on each span tells them
        // apart, said with a word a lane shows ("\"T9 (4)\": task T9 on ForkPoolWorker-4"),
        // or in general where no lane shows one.
        // The run's own example (classroom walk: a word a lane shows), else
        // the general note. (It may take a row legendExtraH planned for the
        // general note only: the lanes then thin or scroll; the example is
        // what makes the numbers readable.)
        std::string note = numberedExample(run);
        const float general = ImGui::CalcTextSize(kNumberedNote).x;
        if (note.empty()) note = kNumberedNote;
        float w = ImGui::CalcTextSize(note.c_str()).x;
        // Where the run's example would wrap to a row the general note would
        // not need (a row more than legendExtraH planned costs a worker lane
        // at 1280x720: CI, session 27), its short form, the word and its
        // worker ('"chunk 5: T6 (1)": on ForkPoolWorker-1'); then the general note.
        if (p.x + w > right && p.x > left && p.x + general <= right) {
            const std::string brief = numberedExample(run, true);
            const float bw = ImGui::CalcTextSize(brief.c_str()).x;
            note = !brief.empty() && p.x + bw <= right ? brief : std::string(kNumberedNote);
            w = ImGui::CalcTextSize(note.c_str()).x;
        }
        // Placed at the general note's width at least, as legendExtraH plans it.
        place(std::max(w, general));
        dl->AddText(p, textMuted(th), note.c_str());
        probe::drawnText(note, p, ImVec2(p.x + w, p.y + ImGui::GetTextLineHeight()), dl);
        p.x += w + std::round(fs * 0.8f);
    }
    // Past seven workers the colours repeat: the patterns that tell them
    // apart, each in one word with its workers ("workers 8-14: dotted"),
    // its swatch the first such worker's span as the lanes draw it.
    // They never add a row: at 1280x720 a third legend row cost a worker
    // lane (pool-cpu 8: three in view, the floor is four). Where the rows in
    // use are full they are left out (the number after a task's name, "A (8)",
    // still says its worker, and the lanes in view have room to say it).
    if (pr.repeatsColours)
        for (const PatternEntry& e : workerPatternLegend(pr.workers)) {
            const float ew = sw + 4 + ImGui::CalcTextSize(e.words.c_str()).x;
            if (p.x + ew > right && p.x > left) break;
            place(ew);
            const float sy = p.y + std::round((ImGui::GetTextLineHeight() - fs) / 2);
            const Paint paint = workerPaint(e.first);
            swatches.push_back(SpanInstance{p.x, p.x + sw, sy, sy + fs, paint.colour, paint.style});
            const std::string tip = "Seven colours, more workers: worker 8 has worker 1's colour, 15 too. The pattern "
                                    "tells them apart: workers 1-7 solid, 8-14 dotted, 15-21 dashed (dark dashes on the "
                                    "bar's edges); the number after a task's name says the worker.";
            entryWords(dl, p, sw, e.words.c_str(), ImGui::GetColorU32(ImGuiCol_Text), tip.c_str(), lineH);
        }
    // The chunk brackets (drawChunkBrackets): a light band under the tasks a
    // worker took at once, caps up at its ends. Without an entry a class read
    // the band under a sleeping worker's task as "on a core" (the legend's
    // only light line) for all of A's 5 s (newcomer walk, session 24). Like
    // the patterns it never adds a row: where the rows in use are full it is
    // left out (hovering a bracket still says what it is).
    if (pr.task && run.chunks().severalTasks) {
        const char* label = "tasks sent as one chunk";
        const float ew = sw + 4 + ImGui::CalcTextSize(label).x;
        if (!(p.x + ew > right && p.x > left)) {
            const float thick = rowHeight(RowKind::Os, fs), cap = std::max(2.0f, std::round(thick / 2));
            const float by = p.y + std::round((ImGui::GetTextLineHeight() + sh) / 2), capTop = by - sh;
            const ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
            dl->AddRectFilled(ImVec2(p.x, by - thick), ImVec2(p.x + sw, by), col);
            dl->AddRectFilled(ImVec2(p.x, capTop), ImVec2(p.x + cap, by), col);
            dl->AddRectFilled(ImVec2(p.x + sw - cap, capTop), ImVec2(p.x + sw, by), col);
            entryWords(dl, p, sw, label, ImGui::GetColorU32(ImGuiCol_Text),
                       "A bracket under the tasks a worker took from the task queue at once: one chunk (Pool.map's "
                       "chunksize). Its words say which (\"chunk 2: C\"). Not a core: the thin row under the state "
                       "says when the worker was on a core.",
                       lineH);
        }
    }
    env.spans.draw(dl, swatches);
    ImGui::SetCursorScreenPos(ImVec2(left, top));
    TimelineView& view = run.timeline();
    // At the live edge the legend is what the run shows now; a cursor moved
    // back keeps that height (entries known only later drop out), until the
    // cursor is live again or the width wraps it anew.
    if (view.legendHeldForW != right - left || run.cursorIsLive()) {
        view.legendHeldForW = right - left;
        view.legendHeldH = 0;
    }
    view.legendHeldH = std::max(view.legendHeldH, p.y + lineH - top - ImGui::GetStyle().ItemSpacing.y);
    // As the rows are placed above: from the checkbox's baseline (FramePadding.y), a line each.
    const float planned = g_plannedLegendExtra > 0 ? ImGui::GetStyle().FramePadding.y + lineH - ImGui::GetStyle().ItemSpacing.y +
                                                         g_plannedLegendExtra
                                                   : 0.0f;
    ImGui::Dummy(ImVec2(1, std::max(view.legendHeldH, planned)));
}

// A vertical scrollbar for the lanes when they do not all fit: a track and a
// grab a projector shows; dragging the grab scrolls. ImGui's own needs a
// child window, which would clip the span shader's pass.
void lanesScrollbar(RunView& run, float x0, float y0, float x1, float y1, float total) {
    TimelineView& view = run.timeline();
    const float room = y1 - y0;
    if (total <= room || room <= 0) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImGuiStyle& st = ImGui::GetStyle();
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), ImGui::GetColorU32(ImGuiCol_ScrollbarBg));
    const float grabH = std::max(st.GrabMinSize, room * room / total);
    const float maxScroll = total - room;
    const float gy = y0 + (room - grabH) * std::clamp(view.scrollY / maxScroll, 0.0f, 1.0f);
    ImGui::SetCursorScreenPos(ImVec2(x0, y0));
    ImGui::InvisibleButton("##lanes-scroll", ImVec2(x1 - x0, room));
    if (ImGui::IsItemActive()) {
        const float mouse = ImGui::GetIO().MousePos.y - y0 - grabH / 2;
        view.scrollY = std::clamp(mouse / std::max(1.0f, room - grabH) * maxScroll, 0.0f, maxScroll);
    }
    const ImU32 grab = ImGui::GetColorU32(ImGui::IsItemActive()    ? ImGuiCol_ScrollbarGrabActive
                                          : ImGui::IsItemHovered() ? ImGuiCol_ScrollbarGrabHovered
                                                                   : ImGuiCol_ScrollbarGrab);
    dl->AddRectFilled(ImVec2(x0 + 2, gy), ImVec2(x1 - 2, gy + grabH), grab, st.ScrollbarRounding);
}

// The lanes in view: whole lanes only. The view starts at the top of the
// lane the scroll position is nearest to and ends under the last lane that
// fits whole, so a lane (and its label) is never cut in half at either edge;
// the rest are behind the scrollbar, counted below the view.
struct LaneWindow {
    float scroll = 0;            // the top of the first lane in view, px from the first lane's top
    float height = 0;            // the whole lanes in view, px
    float total = 0;             // every lane, px
    std::size_t hiddenBelow = 0; // lanes under the view
};

LaneWindow laneWindow(const LaneRecords& recs, float rowFont, float room, float scrollY) {
    LaneWindow w;
    std::vector<float> tops;
    for (const Lane& lane : recs.lanes) {
        tops.push_back(w.total);
        w.total += laneHeight(lane, rowFont) + kLaneGap;
    }
    if (w.total <= room || tops.empty()) {
        w.height = room;
        return w;
    }
    const float maxScroll = w.total - room;
    std::size_t first = 0;
    if (scrollY >= maxScroll - 0.5f) {
        // Scrolled to the end: the last lane in view, whole.
        while (first + 1 < tops.size() && w.total - tops[first] > room + kLaneGap) ++first;
    } else {
        for (std::size_t i = 0; i < tops.size(); ++i)
            if (std::abs(tops[i] - scrollY) < std::abs(tops[first] - scrollY)) first = i;
    }
    w.scroll = tops[first];
    std::size_t end = first;
    while (end < tops.size()) {
        const float bottom = (end + 1 < tops.size() ? tops[end + 1] : w.total) - kLaneGap;
        if (bottom - w.scroll > room && end > first) break;
        ++end;
    }
    const float endTop = end < tops.size() ? tops[end] : w.total;
    w.height = std::min(room, endTop - w.scroll);
    w.hiddenBelow = tops.size() - end;
    return w;
}

// The words of the cue under the last whole lane (moreLanesNote).
std::string moreLanesWords(std::size_t hidden, const LaneRecords& recs) {
    return moreLanesShort(hidden, recs) + ": wheel over the names, Shift+wheel, or click here";
}

// Under the last whole lane: how many more lanes the scrollbar holds, and
// how to reach them (classroom walk: a worker's lane was below the fold with
// no word of it). Where no line is free there, the axis row says it
// (drawAxis, Geometry::cueOnAxis). A click on it scrolls one lane down.
void moreLanesNote(RunView& run, const Geometry& g, const LaneRecords& recs, std::size_t hidden) {
    if (g.cueOnAxis) return;
    std::string note = moreLanesWords(hidden, recs);
    const float room = g.plotMax.x - g.labelX - 16;
    if (ImGui::CalcTextSize(note.c_str()).x > room) note = moreLanesShort(hidden, recs) + " (Shift+wheel)";
    const ImVec2 ts = ImGui::CalcTextSize(note.c_str());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 tp(g.labelX + 8, g.lanesBottom + 1);
    dl->AddText(tp, ImGui::GetColorU32(ImGuiCol_Text), note.c_str());
    probe::drawnText(note, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
    ImGui::SetCursorScreenPos(tp);
    ImGui::InvisibleButton("##more-lanes", ts);
    if (ImGui::IsItemClicked()) scrollOneLane(run, recs, g.rowFont);
}

// How many cores ran workers (solid), parviz itself (grey stripes),
// other programs (hatched) or nothing, over time: buildActivity's bins drawn
// as a stacked strip, a core per 1/cores of its height.
void activityStrip(const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float y0, float h) {
    static std::vector<ActivityBin> bins;
    static std::vector<SpanInstance> inst;
    const float binPx = 3;
    buildActivity(recs, g.plotMax.x - g.plotMin.x, binPx, bins);
    int cores = 0;
    for (const Lane& lane : recs.lanes) cores += lane.kind == LaneKind::Core;
    if (cores == 0) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(ImVec2(g.labelX, y0), ImVec2(g.plotMax.x, y0 + h), laneBackground(env.theme, true));
    const char* label = "activity";
    dl->AddText(ImVec2(g.labelX + 8, y0 + (h - ImGui::GetFontSize()) / 2), textMuted(env.theme), label);
    const ImVec2 ls = ImGui::CalcTextSize(label);
    probe::drawnText(label, ImVec2(g.labelX + 8, y0), ImVec2(g.labelX + 8 + ls.x, y0 + ls.y), dl);
    inst.clear();
    const float perCore = h / static_cast<float>(cores);
    const Paint workers = statePaint(LaneState::OnCore, env.theme), other = statePaint(LaneState::Busy, env.theme);
    const Paint own{toU32(kOwnLoadColour, 0.95f), SpanStyle::Stripes};
    const float y1 = y0 + h;
    for (const ActivityBin& b : bins) {
        const float wy = y1 - b.workers * perCore, py = wy - b.parviz * perCore, oy = py - b.other * perCore;
        const float bx0 = g.plotMin.x + b.x0, bx1 = g.plotMin.x + b.x1;
        if (b.workers > 0.01f) inst.push_back(SpanInstance{bx0, bx1, wy, y1, workers.colour, workers.style});
        if (b.parviz > 0.01f) inst.push_back(SpanInstance{bx0, bx1, py, wy, own.colour, own.style});
        if (b.other > 0.01f) inst.push_back(SpanInstance{bx0, bx1, oy, py, other.colour, other.style});
    }
    dl->PushClipRect(ImVec2(g.plotMin.x, y0), ImVec2(g.plotMax.x, y1), true);
    env.spans.draw(dl, inst);
    dl->PopClipRect();
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (m.y >= y0 && m.y < y1 && m.x >= g.plotMin.x && m.x < g.plotMax.x) {
        const auto i = static_cast<std::size_t>((m.x - g.plotMin.x) / binPx);
        if (i < bins.size())
            boundedTooltipf("Cores, of %d: %.1f ran workers (solid), %.1f parviz itself (stripes: its window and "
                              "collector), %.1f other programs (hatched), %.1f idle.\n"
                              "Workers: exact (context switches). parviz and other programs: samples every 100 ms "
                              "(parviz's threads' scheduler time; /proc/stat for the rest).\n"
                              "Only other programs make a run \"busy\": parviz's own drawing is part of every run.",
                              cores, bins[i].workers, bins[i].parviz, bins[i].other, bins[i].idle);
    }
}

// Header: follow, fit, live, the legend; where the core data comes from.
void header(RunView& run, const PanelEnv& env, const LaneRecords& recs, const Rect& r, bool large) {
    TimelineView& view = run.timeline();
    const float fs = ImGui::GetFontSize();
    const float left = ImGui::GetCursorScreenPos().x;
    if (ImGui::Checkbox("Follow (F)", &view.follow) && view.follow) run.setCursor(std::nullopt);
    ui::probeItem("Follow (F)");
    ImGui::SameLine();
    if (ImGui::SmallButton("Fit")) {
        view.follow = false;
        run.fitWholeRun();
    }
    ui::probeItem("Fit");
    ImGui::SameLine();
    // A traced program's start-up left of the view (Fit leaves a long one out): said, not hidden.
    if (const LeadIn l = run.leadIn(); l.cut && view.begin > 0 && view.begin >= l.leadNs / 2) {
        const std::string words = "(" + l.text + ")";
        ui::textDisabled("%s", words.c_str());
        ui::tooltipBelow("Its start-up is left of the view: zoom out or scroll left to see it.");
        ImGui::SameLine();
    }
    if (!run.cursorIsLive()) {
        if (ImGui::SmallButton("Live")) run.setCursor(std::nullopt);
        ui::probeItem("Live");
        ImGui::SameLine();
    }
    legend(run, env, recs);
    if (!recs.coreSource.empty()) {
        // It is measured: say how. Right-aligned in the title bar, or in presentation on the axis row.
        const std::string src = "cores: " + recs.coreSource;
        const ImVec2 ts = ImGui::CalcTextSize(src.c_str());
        ImDrawList* dl = ImGui::GetWindowDrawList();
        dl->PushClipRect(ImVec2(r.x, r.y), ImVec2(r.x + r.w, r.y + r.h), false);
        const ImVec2 tp = large ? ImVec2(left + 2, ImGui::GetCursorScreenPos().y + fs + 6)
                                : ImVec2(r.x + r.w - ts.x - 8, r.y + 2);
        if (!large) {
            dl->AddText(tp, textMuted(env.theme), src.c_str());
            probe::drawnText(src, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
        }
        dl->PopClipRect();
    }
}

// The label column: as wide as the longest process name needs (after the
// swatch), so "ForkPoolWorker-14" is never cut; at least 8.5 em, at most 12.
float labelWidth(const RunView& run, float fs) {
    float w = 0;
    for (const ProcInfo& p : run.meta().procs) w = std::max(w, ImGui::CalcTextSize(p.name.c_str()).x);
    return std::round(std::clamp(w + 16, fs * 8.5f, fs * 12.0f));
}

// Where the axis, the activity strip and the lanes go under the header, and
// how tall the lanes' rows are: the core lanes, MainProcess and four workers
// must be in view (at thinner rows if need be); lanes with nothing on them
// fold when the lanes do not all fit; few lanes grow (up to 1.8x) for a
// projector. Also says what the layout must leave this panel next frame.
struct LanesLayout {
    ImVec2 origin;                 // the top left under the header
    float axisH = 0, stripH = 0, lanesTop = 0, room = 0;
    bool strip = false;            // the activity strip is shown
};

LanesLayout layoutLanes(RunView& run, const PanelEnv& env, Geometry& g, LaneRecords& recs, const Rect& r, float bandH,
                        float labelW, float scrollW) {
    LanesLayout ll;
    const float fs = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ll.origin = origin;
    g.plotMin = ImVec2(origin.x + labelW, origin.y);
    g.plotMax = ImVec2(origin.x + avail.x - scrollW - 4, origin.y + avail.y);
    ll.axisH = std::round(fs + 6);
    const float underAxis = origin.y + ll.axisH + 2 + bandH;
    auto lanesHeight = [&](std::size_t maxProcLanes) {
        float h = 0;
        std::size_t procs = 0;
        for (const Lane& lane : recs.lanes) {
            if (lane.kind == LaneKind::Proc && ++procs > maxProcLanes) break;
            h += laneHeight(lane, fs) + kLaneGap;
        }
        return h;
    };
    setCompactRows(true);
    std::size_t folded = 0, finished = 0;
    // A traced program's processes that ended before the later ones began
    // fold first (a producer/consumer pair before a Pool: the pool's lock
    // holder was the lane under the cue), into a band where they were.
    if (run.trace() && run.traced() && lanesHeight(SIZE_MAX) > g.plotMax.y - underAxis)
        finished = foldFinishedLanes(recs, finishedBefore(run.model(), run.meta(), g.cursor), g.vp.widthPx);
    if (run.trace() && lanesHeight(SIZE_MAX) > g.plotMax.y - underAxis)
        folded = foldIdleLanes(recs, run.meta(), g.vp.widthPx, 4);
    // What the layout must leave this panel (read next frame): its header,
    // the axis, the core lanes, MainProcess and four workers (and the folded
    // band, and the finished processes' band: one more lane each, or the
    // band took a worker's place and rows stayed thick) at the thin rows.
    const std::size_t mustShow = 5 + (folded ? 1 : 0) + (finished ? 1 : 0);
    // Before the first run the empty timeline takes the class's prediction:
    // its axis of seconds, the question (two lines), the prediction's label
    // and "Press Run" under them, none over another (drawPredictionDrag).
    const float lanesNeed = run.trace() ? lanesHeight(mustShow) : std::round(fs * 7.5f);
    env.drawn.timelineMinH = underAxis - r.y + lanesNeed + ImGui::GetStyle().WindowPadding.y;
    setCompactRows(false);
    // The activity strip, when it costs no worker lane its room.
    const bool hasCores = !recs.lanes.empty() && recs.lanes.front().kind == LaneKind::Core;
    ll.stripH = std::round(fs * 1.2f);
    ll.strip = hasCores && lanesHeight(mustShow) + ll.stripH + 2 <= g.plotMax.y - underAxis;
    ll.lanesTop = underAxis + (ll.strip ? ll.stripH + 2 : 0);
    ll.room = g.plotMax.y - ll.lanesTop;
    if (lanesHeight(mustShow) > ll.room) setCompactRows(true);
    const float total = lanesHeight(SIZE_MAX);
    g.rowFont = fs;
    if (total > 0 && total < ll.room) g.rowFont = std::max(fs, std::floor(fs * std::min(1.8f, ll.room / total * 0.95f)));
    return ll;
}

} // namespace

void drawTimelinePanel(RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    // Presentation: no title bar (the header row says what this is); every pixel goes to lanes.
    const bool large = env.window.typeSize() == TypeSize::Large;
    const int flags = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse |
                      (large ? ImGuiWindowFlags_NoTitleBar : 0);
    if (beginPanel("Timeline", r, flags)) {
        const Trace* trace = run.trace();
        TimelineView& view = run.timeline();
        const float fs = ImGui::GetFontSize();
        const float labelW = labelWidth(run, fs);
        const float scrollW = ImGui::GetStyle().ScrollbarSize;
        const float left = ImGui::GetCursorScreenPos().x;
        const float right = left + ImGui::GetContentRegionAvail().x;
        Geometry g;
        g.labelX = left;
        g.vp.tBegin = run.zero() + view.begin;
        g.vp.tEnd = run.zero() + std::max(view.end, view.begin + 1);
        g.vp.widthPx = std::max(1.0f, right - scrollW - 4 - (left + labelW));
        g.vp.now = run.now();
        g.vp.minTickPx = fs * 5.5f;   // labels like "0.25 s" never touch
        LaneRecords& recs = run.laneScratch();
        if (trace) buildLanes(run.model(), *trace, g.vp, recs);
        else recs = LaneRecords{};
        setLockRows(trace && run.meta().countOf(ObjectKind::Lock) > 0);

        // Many workers: from 32 a summary band (how many work, how many
        // wait) replaces the put->get arrows; lanes with nothing on them
        // fold into one band when the lanes do not all fit.
        const TraceMeta meta = run.meta();
        const int workerLanes = countWorkerLanes(recs, meta);
        const bool summary = trace && workerLanes >= kSummaryWorkers;
        const float bandH = summary ? timeline::summaryBandH(workerLanes, fs) : 0;
        static std::vector<WorkerBin> bins;
        if (summary) {
            workerSummary(recs, meta, g.vp.widthPx, 3, bins);
            recs.arrows.clear();
        }
        header(run, env, recs, r, large);

        g.cursor = cursor;
        const LanesLayout ll = layoutLanes(run, env, g, recs, r, bandH, labelW, scrollW);
        const ImVec2 origin = ll.origin;
        const float axisH = ll.axisH, lanesTop = ll.lanesTop, room = ll.room, stripH = ll.stripH;
        const bool strip = ll.strip;
        const LaneWindow lw = laneWindow(recs, g.rowFont, room, run.timeline().scrollY);
        g.scroll = lw.scroll;
        g.lanesBottom = lanesTop + lw.height;
        g.hiddenBelow = lw.hiddenBelow;
        g.cueOnAxis = lw.hiddenBelow > 0 && g.plotMax.y - g.lanesBottom < ImGui::GetTextLineHeight();
        drawAxis(run, env, g, recs, axisH);
        if (strip) activityStrip(env, g, recs, origin.y + axisH + 2, stripH);
        if (summary) drawWorkerSummary(env, g, bins, workerLanes, lanesTop - bandH, bandH - 2);
        // Lanes scrolled out of view are behind a visible scrollbar, not cut:
        // the view holds whole lanes only (laneWindow), so no label is halved.
        probe::setScrollsY(lw.total > room);
        ImGui::PushClipRect(ImVec2(origin.x, lanesTop), ImVec2(g.plotMax.x, g.lanesBottom), true);
        clearOccupied();
        drawLanes(run, env, g, recs, lanesTop - g.scroll);
        ImGui::PushClipRect(ImVec2(g.plotMin.x, lanesTop), ImVec2(g.plotMax.x, g.lanesBottom), true);
        drawChunkBrackets(run, env, g, recs);
        ImGui::PopClipRect();
        ImGui::PopClipRect();
        if (lw.hiddenBelow > 0) moreLanesNote(run, g, recs, lw.hiddenBelow);
        drawCalloutMarks(run, env, g, origin.y + axisH, lanesTop);
        drawPredictionMarks(run, env, g, lanesTop);
        // Before the first run, the empty timeline takes the class's makespan prediction.
        const bool predicting = !trace && drawPredictionDrag(env, g, lanesTop);
        if (!predicting) handleInteraction(run, env, g, recs, lanesTop);
        lanesScrollbar(run, g.plotMax.x + 4, lanesTop, g.plotMax.x + 4 + scrollW, g.plotMax.y, lw.total);
        if (!trace) {
            ImGui::SetCursorScreenPos(ImVec2(g.plotMin.x + 10, lanesTop + (predicting ? fs * 0.2f : 10)));
            if (predicting) ImGui::SetCursorScreenPos(ImVec2(g.plotMin.x + 10, g.plotMax.y - fs * 1.6f));
            ui::textDisabled("Press Run (Space) to start %s with real processes.", run.scenario().name.c_str());
        }
    }
    endPanel();
}

namespace {
// The folded idle workers' band when it is all the hidden lanes are.
const Lane* hiddenBandAlone(std::size_t hidden, const LaneRecords& recs) {
    return hidden == 1 && !recs.lanes.empty() && recs.lanes.back().id == kFoldedLanes ? &recs.lanes.back() : nullptr;
}
} // namespace

std::string timeline::moreLanesShort(std::size_t hidden, const LaneRecords& recs) {
    if (const Lane* band = hiddenBandAlone(hidden, recs)) return "\u2193 " + band->title + " below";
    return "\u2193 " + std::to_string(hidden) + (hidden == 1 ? " more lane" : " more lanes") + " below";
}

std::string timeline::moreLanesShortest(std::size_t hidden, const LaneRecords& recs) {
    if (const Lane* band = hiddenBandAlone(hidden, recs))
        return "\u2193 " + band->title.substr(0, band->title.find(" workers"));
    return "\u2193 " + std::to_string(hidden) + " more";
}

void timeline::scrollOneLane(RunView& run, const LaneRecords& recs, float rowFont) {
    // The next lane's height: one lane further down.
    float step = 0;
    for (const Lane& lane : recs.lanes) step = std::max(step, laneHeight(lane, rowFont) + kLaneGap);
    run.timeline().scrollY += step;
}

float timeline::summaryBandH(int workers, float fontSize) noexcept {
    return workers >= kSummaryWorkers ? std::round(fontSize * 1.6f) + 2 : 0.0f;
}

// The entries legend() would show for a run the plan describes, with what any
// run of it may show without the user acting (the machine being busy, more
// workers than cores taking turns, a callout on its tasks), laid out as
// legend() lays them out after Follow and Fit. A killed or paused worker
// (the user's doing) may still add a row: the lanes then thin or scroll.
void timeline::setPlannedLegendExtra(float h) noexcept { g_plannedLegendExtra = h; }

float timeline::legendExtraH(const LegendPlan& plan, float width) {
    std::vector<const char*> labels;
    if (plan.tasks) labels.push_back("task");
    if (plan.cpuWork) labels.push_back("running");
    if (plan.sleepWork) labels.push_back("sleeping");
    if (plan.tasks) labels.push_back("idle");
    if (plan.queue || plan.tasks) labels.push_back("waits for queue");
    if (plan.lock) labels.push_back("waits for lock");
    if (plan.joins) labels.push_back("waits to be woken");
    labels.push_back("on a core");
    if (plan.workers + 1 > plan.cores) labels.push_back("runnable, no free core");
    if (plan.lock) labels.push_back("holds lock");
    labels.push_back("other programs");
    if ((plan.queue || plan.tasks) && plan.workers < kSummaryWorkers) labels.push_back("item taken from a queue");
    if (plan.tasks) labels.push_back(toString(CalloutKind::LoadImbalance));
    // In the words legendWords gives it, with the pool size and the cores.
    const std::string over = oversubscriptionLabel(plan.workers, plan.cores);
    if (plan.tasks && plan.cpuWork && plan.workers > plan.cores) labels.push_back(over.c_str());
    if (plan.lock) labels.push_back(toString(CalloutKind::LockConvoy));
    const ImGuiStyle& st = ImGui::GetStyle();
    const float fs = ImGui::GetFontSize();
    const float sw = std::round(fs * 1.3f), gap = std::round(fs * 0.8f);
    const float left = st.WindowPadding.x, right = width - st.WindowPadding.x;
    // Follow (F) and Fit, as header() draws them.
    float x = left + ImGui::GetFrameHeight() + st.ItemInnerSpacing.x + ImGui::CalcTextSize("Follow (F)").x + st.ItemSpacing.x +
              ImGui::CalcTextSize("Fit").x + st.FramePadding.x * 2 + st.ItemSpacing.x + plan.leadW;
    int rows = 1;
    auto place = [&](float w, float advance) {
        if (x + w > right && x > left) {
            x = left;
            ++rows;
        }
        x += advance;
    };
    for (const char* l : labels) {
        const float w = sw + 4 + ImGui::CalcTextSize(l).x;
        place(w, w + gap);
    }
    const int shown = plan.shownWorkers < 0 ? plan.workers : plan.shownWorkers;
    if (shown > static_cast<int>(kProcPalette.size())) {
        const float w = ImGui::CalcTextSize(kNumberedNote).x;
        place(w, w + gap);
        // The patterns' entries (legend()) take no row of their own: they go
        // where the rows planned here have room, or are left out.
    }
    return static_cast<float>(rows - 1) * ImGui::GetTextLineHeightWithSpacing();
}

} // namespace parviz::gui
