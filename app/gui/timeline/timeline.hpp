#pragma once
// The timeline panel's parts: geometry shared by all of them, the axis (with
// the replay cursor), the lanes (spans through our shaders, labels, arrows,
// marks) and the interaction (zoom, pan, scrub, context menus).
#include "gui/panel_env.hpp"
#include "gui/run_view.hpp"

#include <imgui.h>
#include <imgui_internal.h>   // ImRect

#include <functional>
#include <optional>
#include <string_view>

namespace parviz::gui::timeline {

// Row heights in pixels for the current font; the order of rows in a lane is
// the order buildLanes gives.
float rowHeight(RowKind k, float fontSize) noexcept;
// Lock rows take room only in runs that have a lock (set once per frame).
void setLockRows(bool shown) noexcept;
// Thinner CPU lanes and state strips (never under 6 px), when the full ones
// would leave fewer than four worker lanes in view.
void setCompactRows(bool compact) noexcept;
bool compactRows() noexcept;
float laneHeight(const Lane& lane, float fontSize) noexcept;
inline constexpr float kLaneGap = 3.0f;

struct Geometry {
    ImVec2 plotMin, plotMax;      // the lanes' drawing area (right of the labels)
    float labelX = 0;             // left edge of the label column
    Viewport vp;                  // time <-> pixel (x relative to plotMin.x)
    float rowFont = 16;           // row heights scale with this (>= the font: lanes grow to fill the panel)
    std::int64_t cursor = 0;      // absolute ns the cursor line marks
    float scroll = 0;             // px of lanes scrolled above the view (whole lanes)
    float lanesBottom = 0;        // screen y under the last lane in view
    // Lanes below the view, and whether their cue goes on the axis row (no
    // line's room under the last whole lane): it is never left out.
    std::size_t hiddenBelow = 0;
    bool cueOnAxis = false;
};
// The cue's words for the last `hidden` lanes of `recs` below the view ("↓ 2
// more lanes below"; the band of folded idle workers alone by its words, "↓ 4
// idle workers below": "1 more lane" said nothing of the efficiency the class
// read), and what a click on it does: the lanes scroll one lane down.
std::string moreLanesShort(std::size_t hidden, const LaneRecords& recs);
// Its shortest form ("↓ 2 more", "↓ 4 idle").
std::string moreLanesShortest(std::size_t hidden, const LaneRecords& recs);
void scrollOneLane(RunView& run, const LaneRecords& recs, float rowFont);

// Axis strip with ticks, pause shading and the cursor handle; dragging in it
// moves the replay cursor.
void drawAxis(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float height);
// Every lane; fills env.drawn. y0: top of the first lane (screen px).
// Returns the total height used.
float drawLanes(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float y0);
// Texts on the lanes this frame (task names, chunk labels, callout and
// prediction labels), so a later label finds a place over none of them
// (reset by the timeline panel each frame).
void clearOccupied() noexcept;
void occupyText(const ImRect& r);
bool textFree(const ImRect& r) noexcept;
// The top y for words h tall spanning xs (min x, max x) on a lane's tasks row
// (of the lane titled `lane`, any lane when empty), free of the words drawn so
// far, inside [top, bottom]: the lowest such row, nullopt when none. Words on
// a tasks row cover no state row (running, idle, runnable).
// One queue item's mark, the lanes' and the legend's alike (session 22: a
// put end was bare, the line began in empty space): a dot at the put (p0), a
// line to the get (p1) unless `line` is false (crowded: heads only), the head
// at the get. `fs`: the type size the lanes are drawn at.
void drawQueueArrow(ImDrawList* dl, ImVec2 p0, ImVec2 p1, Theme theme, float fs, bool line);
// `accept`, where given, passes over rows it refuses (the prediction's words
// look first for a row where they cover no task bar).
std::optional<float> freeOnTasksRow(const PanelEnv& env, ImVec2 xs, float h, float top, float bottom,
                                    std::string_view lane = {},
                                    const std::function<bool(const RowRect&)>& accept = nullptr);
// Past seven workers the lanes' words carry their worker's number ("s9 (1)",
// "chunk 4 (1)"). The first such words drawn on a worker lane in view, a
// task's and a chunk's, as the last drawLanes of `trace` drew them (empty
// before, or for another trace): the legend's example is one of them, so it
// says exactly what a lane shows.
struct NumberedWord {
    std::string word;      // as drawn: "s9 (1)", "chunk 4: s13–s16 (1)"
    std::string number;    // "1"
    std::string subject;   // "task s9", "chunk 1 (task T2)", "chunk 4 (4 tasks)"
    std::string worker;    // its worker's name, as its lane says it: "ForkPoolWorker-1"
};
struct NumberedExample {
    NumberedWord task, chunk;
    bool numbered = false;   // the lanes carried their workers' numbers (seven colours repeated among the lanes drawn)
};
NumberedExample lastNumberedWords(const Trace* trace);
// Whether the lanes of `trace` carried numbers when last drawn (after idle
// lanes folded); `before` when they have not been drawn yet.
bool lanesNumbered(const Trace* trace, bool before);
// Pool.map's chunks as brackets on the worker lanes (after drawLanes, inside
// its clip rect); fills env.drawn.chunks.
void drawChunkBrackets(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs);
// Before a run: the makespan question answered by a drag (or click) on the
// empty timeline, on an axis of seconds 0..PredictDraft::maxSeconds. False
// (nothing drawn) when the scenario asks no makespan question.
bool drawPredictionDrag(const PanelEnv& env, const Geometry& g, float lanesTop);
// On a run: the makespan prediction it was started with, a dashed line from
// its first task's start; fills env.drawn.predictionX.
void drawPredictionMarks(const RunView& run, const PanelEnv& env, const Geometry& g, float lanesTop);
// The run's callouts: a bar under the axis (axisBottom), an outline and a
// label on the lane each names (callout_marks.cpp); fills env.drawn.callouts.
void drawCalloutMarks(RunView& run, const PanelEnv& env, const Geometry& g, float axisBottom, float lanesTop);
// A callout kind's words in the legend: the kind ("load imbalance"), or for
// the one oversubscription callout its label with the numbers that
// triggered it ("oversubscription: 8 workers on 2 cores"; legendExtraH plans
// its width from the pool size and the cores). Points into c or is static.
const char* legendWords(const std::vector<Callout>& callouts, const Callout& c);
// Many workers (fold.cpp). Worker lanes with nothing on them in view (no
// task, no state but idle) fold into one band "N idle workers" (Lane::id
// kFoldedLanes) under the other lanes; idle lanes stay (the first ones)
// while fewer than keepWorkers worker lanes would be left; arrows and lock
// marks of folded lanes go. Returns how many folded (0: none; one alone is
// never folded).
inline constexpr std::int32_t kFoldedLanes = -2;
// A traced program's processes that ended before others began (core's
// finishedBefore at the cursor: a producer/consumer pair before a Pool):
// their lanes fold into one thin band "N finished" (Lane::id
// kFinishedLanes) where the first of them was, so the live ones are in
// view; the band's hover names them. Moving the cursor back before the
// later process's start unfolds them. Returns how many folded (0: none;
// one alone is never folded).
inline constexpr std::int32_t kFinishedLanes = -3;
// Whether the process lanes drawn repeat the palette's seven colours among
// the workers (MainProcess aside, the folded bands not counted: they have no
// colour): their spans then carry their worker's number, the legend a row saying so.
bool repeatsColours(const LaneRecords& recs);
std::size_t foldFinishedLanes(LaneRecords& recs, const std::vector<ProcId>& finished, float widthPx);
int countWorkerLanes(const LaneRecords& recs, const TraceMeta& meta);
std::size_t foldIdleLanes(LaneRecords& recs, const TraceMeta& meta, float widthPx, std::size_t keepWorkers);
// Per bin of binPx pixels: how many workers were in a task and how many
// waited for a queue or lock (fractions of a bin count), from the lanes.
struct WorkerBin {
    float x0 = 0, x1 = 0;         // pixels from the plot's left edge
    float inTask = 0, waiting = 0;
};
void workerSummary(const LaneRecords& recs, const TraceMeta& meta, float widthPx, float binPx, std::vector<WorkerBin>& out);
// The summary band (from 32 workers, instead of the arrows): in a task
// (solid) and waiting (stripes) stacked, a worker per 1/workers of h.
void drawWorkerSummary(const PanelEnv& env, const Geometry& g, const std::vector<WorkerBin>& bins, int workers, float y0,
                       float h);
inline constexpr int kSummaryWorkers = 32;
// What a run of the scenario on the stage can show in the timeline's legend,
// known before it starts (from the scenario and the worker count): the
// presentation layout reserves the legend's lines and the summary band from
// the stage on, so a run's longer legend neither lifts the panels under the
// timeline nor pushes its last lanes (the folded idle band) out of view.
struct LegendPlan {
    bool tasks = false;       // a task table (pool): task bars, idle workers, a callout on them
    bool queue = false;       // a queue (or a pool's): waits for queue, put->get arrows
    bool lock = false;        // waits for lock, holds lock, the lock convoy callout
    bool joins = false;       // MainProcess join()s its processes: waits to be woken
    bool cpuWork = false, sleepWork = false;
    int workers = 0, cores = 1;
    // The worker lanes drawn, idle ones folded into one band (foldIdleLanes):
    // past seven the spans carry numbers and the legend a row saying so;
    // -1: all `workers`.
    int shownWorkers = -1;
    float leadW = 0;          // words and buttons before the entries on the first row (a lead-in, Live)
};
// The height the legend of such a run adds under the header's first row
// (Follow, Fit and the entries flowing after them, wrapped at `width` as
// legend() wraps them): its further rows; and the summary band's height
// (0 under kSummaryWorkers workers).
// The legend rows the layout planned beyond the first (legendExtraH, px):
// the legend holds that height from the first frame, so the axis and lanes
// under it stay put while entries appear (a traced run's legend grew 1 -> 2
// -> 3 rows and moved the axis 171 -> 197 -> 227 px: newcomer walk,
// session 16). 0: no plan (the legend holds what it has shown).
void setPlannedLegendExtra(float h) noexcept;
float legendExtraH(const LegendPlan& plan, float width);
float summaryBandH(int workers, float fontSize) noexcept;
// The timeline's (and Compare's) tooltips: wrapped at 26 em, never a line
// across the lanes, sized and placed inside the window beside the pointer
// (flipped to its left or above it where it would leave the window), and
// recorded for --layout-json (probe::tooltip). Muted lines are footnotes.
// boundedTooltipf: printf-style, a line per '\n', at the mouse.
struct TipLine {
    std::string text;
    bool muted = false;
};
void boundedTooltip(const std::vector<TipLine>& lines, const ImVec2& mouse, float fs);
void boundedTooltipf(const char* fmt, ...) IM_FMTARGS(1);
// Wheel zoom, drag pan, click-to-cursor, lane context menu (Kill worker).
void handleInteraction(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float lanesTop);

} // namespace parviz::gui::timeline
