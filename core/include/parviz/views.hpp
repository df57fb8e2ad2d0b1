#pragma once
// View-model builders: pure functions of a Trace that turn "what happened" into
// compact records the window only has to draw (ARCHITECTURE.md, "pure functions
// of the Trace"). Nothing here draws, and core never includes GL or ImGui.
//
// [SECTION] Colours       per-process palette (Okabe-Ito), shared by window and tests
// [SECTION] Lanes         buildLanes(): spans -> pixel records, arrows, marks, axis
// [SECTION] Panels at t   queue, lock, output, code, caption (replay: t is a parameter)
//
// The builders read the run model (run_model.hpp), never the raw events'
// pairing. Frame cost: the window owns one RunModel and calls update(trace)
// once per frame; update() consumes only the events appended since the last
// call. Every builder below then works by binary search over the model, so
// its cost depends on the pixels / items shown, never on the trace length.
//
// Threading: the model and the builders run on one thread (the window's);
// the Trace may be appended to by the collector meanwhile (trace.hpp explains
// why reading a prefix is safe).
#include "parviz/event.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/trace.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <string_view>
#include <vector>

namespace parviz {

// The builders below were written against the index the run model grew from.
using TimelineIndex = RunModel;

// =============================================================================
// [SECTION] Colours
// =============================================================================
struct Rgb { std::uint8_t r, g, b; };

// Okabe-Ito, in the order workers get them (black left out: it vanishes on the
// dark theme). Worker k (ProcId k >= 1) gets kProcPalette[(k - 1) % size].
inline constexpr std::array<Rgb, 7> kProcPalette = {{
    {230, 159, 0},    // orange
    {86, 180, 233},   // sky blue
    {0, 158, 115},    // bluish green
    {213, 94, 0},     // vermillion
    {0, 114, 178},    // blue
    {204, 121, 167},  // reddish purple
    {240, 228, 66},   // yellow (last: weakest contrast on the light theme)
}};
inline constexpr Rgb kParentColour = {153, 153, 153};     // MainProcess: neutral grey
inline constexpr Rgb kOtherLoadColour = {110, 110, 110};  // other processes on a core
inline constexpr Rgb kOwnLoadColour = {140, 140, 155};    // parviz's own threads (window, collector): no worker's blue

// -1 for the parent (use kParentColour), else an index into kProcPalette.
int procColourIndex(ProcId p) noexcept;
Rgb procColour(ProcId p) noexcept;

// =============================================================================
// [SECTION] Lanes
// =============================================================================
struct Viewport {
    std::int64_t tBegin = 0, tEnd = 1;   // absolute monotonic ns, tBegin < tEnd
    float widthPx = 1280;
    float minSpanPx = 2;                 // narrower spans merge until this wide
    std::int64_t now = 0;                // where open spans end; 0 = index.now()
    std::size_t maxArrows = 512;         // queue arrows beyond this are thinned
    std::size_t maxMarks = 2048;         // lock marks beyond this are thinned
    float minTickPx = 90;                // axis ticks at least this far apart
    // Condensed lanes (the Compare view's rows): only the core rows and each
    // process's Tasks row get records; no arrows or lock marks.
    bool tasksOnly = false;
};

enum class RowKind : std::uint8_t {
    CoreProcs,   // which process was on the core
    CoreLoad,    // other processes' load (grey)
    Program,     // the worker's own state (State events, stop, exit)
    Os,          // on a core / runnable
    Tasks,       // task spans with names
    Locks,       // lock holding
};
const char* toString(RowKind k) noexcept;

struct SpanRecord {
    float x0 = 0, x1 = 0;                // pixels from the viewport's left edge, x1 - x0 >= minSpanPx
    LaneState state = LaneState::None;   // merged records: the worst state of those merged
    ProcId proc = kParentProc;           // for colour (merged: the first span's)
    std::uint32_t mergedCount = 1;       // > 1: several spans merged into this record
    std::uint64_t label = kNoString;     // string id (trace.string), kNoString if none or merged
    std::int32_t value = 0;              // as Span::value (merged: the first span's)
    float fraction = 0;                  // CoreLoad rows: busy fraction 0..1 (merged: averaged)
};

struct RowRecords {
    RowKind kind = RowKind::Program;
    std::vector<SpanRecord> spans;       // left to right, non-overlapping
};

// The first line of a lane row's hover text, in a class's words:
// "ForkPoolWorker-1: its tasks" over a task; over a tasks row with no task
// under the pointer "MainProcess: no task at this moment", and "MainProcess:
// no task in view (...)" when the row has none in view (never "its tasks"
// over nothing). spanHere: a span lies under the pointer.
std::string rowHoverTitle(const std::string& laneTitle, const RowRecords& row, bool spanHere);

enum class LaneKind : std::uint8_t { Core, Proc };

struct Lane {
    LaneKind kind = LaneKind::Core;
    std::int32_t id = 0;                 // core number or ProcId
    std::string title;                   // "CPU 0", "MainProcess", "ForkPoolWorker-1"
    std::uint64_t pid = 0;               // Proc lanes: OS pid if known
    std::vector<RowRecords> rows;        // Core: CoreProcs, CoreLoad; Proc: Program, Os, Tasks, Locks
    // Core lanes: parviz's own threads' load on the core (CoreLoad flags 1;
    // fraction = their share of the sample), records like the CoreLoad row's.
    // Not a drawn row: the activity strip and the CPU lanes' hover text use it.
    std::vector<SpanRecord> ownLoad;
    // Proc lanes: where the Tasks row's task bar is drawn as "runnable,
    // waiting for a free core" (state Runnable, proc the lane's, fraction the
    // share of the stretch the process spent runnable without a core): the
    // parts of its task spans in which the os row says it was runnable for at
    // least half the time. By majority rather than the os row's worst state,
    // so at Fit zoom a worker that mostly ran still reads as running and one
    // that mostly waited for a core reads as waiting. Not a row of its own: the
    // window draws it over the task bar. Empty in tasksOnly viewports.
    std::vector<SpanRecord> runnable;
};

struct QueueArrow {
    float x0 = 0, x1 = 0;                // put x, get x (may lie outside [0, width])
    std::size_t fromLane = 0, toLane = 0;  // indices into LaneRecords::lanes
    std::int32_t queue = 0;
    std::uint64_t item = 0, preview = kNoString;
};

enum class LockMarkKind : std::uint8_t { Acquire, Release, OwnerDied };
struct LockMark {
    float x = 0;
    std::size_t lane = 0;                // index into LaneRecords::lanes
    std::int32_t lock = 0;
    LockMarkKind kind = LockMarkKind::Acquire;
};

struct PauseRect { float x0 = 0, x1 = 0; };

struct AxisTick {
    float x = 0;
    double seconds = 0;                  // relative to trace.zero()
    std::string label;                   // "1.5 s"
};

struct LaneStats {
    std::uint64_t spansVisited = 0;      // span records read by the merge loops
    std::uint64_t searchProbes = 0;      // binary-search probes (O(log n) per record)
    std::uint64_t records = 0;           // span records emitted
};

struct LaneRecords {
    std::vector<Lane> lanes;             // core lanes (by core), then process lanes (by ProcId)
    std::vector<QueueArrow> arrows;
    bool arrowsThinned = false;
    std::vector<LockMark> lockMarks;
    bool marksThinned = false;
    std::vector<PauseRect> pauses;
    std::vector<AxisTick> ticks;
    std::string coreSource;              // "perf context-switch records", "/proc sampling", ...
    LaneStats stats;
    std::size_t laneOf(LaneKind k, std::int32_t id) const noexcept;   // lanes.size() if absent
};

// The words on one lane's Tasks row, none over another, all at the
// window's type size (width(text) measures a text at it; pad: the gap each
// side a word needs inside its span). Each chunk's label is centred on its
// bracket with the first of its words that fits ("chunk 2: E–H", then
// "chunk 2") and stands for the names of the tasks under it; every other
// task's name is centred on its span where it fits. Pixels from the view's
// left edge, as SpanRecord's; spans and chunks need not be sorted.
struct RowSpanIn {
    float x0 = 0, x1 = 0;
    std::string name;                    // "" : no name
};
struct RowChunkIn {
    float x0 = 0, x1 = 0;
    std::vector<std::string> words;      // longest first
};
struct RowWord {
    float x0 = 0, x1 = 0;                // where the text goes (its width, centred)
    std::string text;
    std::size_t span = SIZE_MAX;         // the task span it names, or
    std::size_t chunk = SIZE_MAX;        // the chunk it labels
};
std::vector<RowWord> placeRowWords(const std::vector<RowSpanIn>& spans, const std::vector<RowChunkIn>& chunks,
                                   const std::function<float(const std::string&)>& width, float pad);

// The activity profile (as ThreadScope's): over time, how many of the cores
// ran one of the run's workers, parviz itself (its window, collector and
// other threads), other programs, or nothing, in cores (fractions: a bin
// half covered counts 0.5), per bin of binPx pixels from the left edge. From
// the core lanes' records: workers from the CoreProcs rows (exact, perf
// context switches or /proc samples), parviz from Lane::ownLoad (its threads'
// scheduler time, sampled every 100 ms), other programs from the CoreLoad
// rows (/proc/stat, the same samples; in runs saved before format 8 parviz's
// own threads are counted there and parviz is 0). In every bin
// workers + parviz + other + idle = cores: each gets at most what the cores
// had left after the ones before it, in that order.
struct ActivityBin {
    float x0 = 0, x1 = 0;        // pixels from the viewport's left edge
    float workers = 0, parviz = 0, other = 0, idle = 0;   // cores
};
void buildActivity(const LaneRecords& recs, float widthPx, float binPx, std::vector<ActivityBin>& out);

// Pixel mapping used by every builder (exposed so the window's mouse code agrees).
float timeToPx(const Viewport& vp, std::int64_t t) noexcept;
std::int64_t pxToTime(const Viewport& vp, float x) noexcept;

// Fills `out` (reusing its capacity). Work: O(visible records x log n).
void buildLanes(const RunModel& index, const Trace& trace, const Viewport& vp, LaneRecords& out);
LaneRecords buildLanes(const RunModel& index, const Trace& trace, const Viewport& vp);
// One row alone (what buildLanes does per row); exposed for tests and custom lanes.
void buildRow(const SpanRow& row, const Viewport& vp, std::int64_t now, std::vector<SpanRecord>& out,
              LaneStats& stats);
// Axis ticks for [vp.tBegin, vp.tEnd], labelled in seconds since `zero`.
std::vector<AxisTick> buildAxis(const Viewport& vp, std::int64_t zero);

// A traced program's processes (MainProcess aside) that ended before others
// began (a producer/consumer pair before a Pool), at `at` (the cursor): those
// whose exit is no later than the latest start of a process by `at`. A
// process still alive, or one that outlived every later start, is not among
// them; before the later starts (the cursor moved back) the earlier processes
// are not "finished before" anything. A process's start is its ProcStart, or
// its first event when that was not seen. By ProcId, ascending. The timeline
// folds their lanes into one "N finished" band (app/gui/timeline/fold.cpp).
std::vector<ProcId> finishedBefore(const RunModel& index, const TraceMeta& meta, std::int64_t at);

// =============================================================================
// [SECTION] Panels at time t (replay: t is just a parameter)
// =============================================================================

struct QueueViewItem {
    std::uint64_t item = 0;
    std::string value;                   // the preview, or "#<item id>" when none
    ProcId putProc = kNoProc;
    std::int64_t putT = 0;
};
struct QueueViewEvent { std::int64_t t = 0; ProcId proc = kNoProc; EventKind kind = EventKind::QueuePut; };
struct QueueView {
    std::int32_t queueId = 0;
    std::string name;
    std::vector<QueueViewItem> items;    // in the queue at t, FIFO (front first), at most maxItems
    std::size_t inQueue = 0;             // puts - gets at t (items may hold fewer: capped)
    std::size_t putCount = 0, takenCount = 0;   // up to t (taken: gets and drops)
    std::size_t discardedCount = 0;     // of takenCount: dropped unread (a traced Pool's terminate)
    PoolQueueRole poolRole = PoolQueueRole::None;   // a Pool's task or result queue
    PoolKind poolKind = PoolKind::None;             // whose: a Pool's or a ProcessPoolExecutor's
    std::vector<QueueViewEvent> recentEmptyFull;  // QueueEmpty / QueueFull, latest last, at most 8
    std::size_t emptyCount = 0, fullCount = 0;    // every Empty / Full raised up to t
    bool hasLastPut = false, hasLastGet = false;
    QueueItemRecord lastPut, lastGet;    // the latest put / get at or before t (for animation)
    std::string lastGetValue;            // lastGet's box words, as items' (a stop signal said so)
    // Of putCount: the stop signals put by t (the run model's index,
    // QueueIndex::stopSignals): on a pool's task queue one per worker (parviz's
    // "sentinel", CPython's None); on its result queue the result handler's
    // ("stop"; CPython puts two Nones: its task handler's and _terminate_pool's;
    // a worker's None result is not one); on a program's own queue its None.
    std::size_t stopSignals = 0;
    // "put 9 (7 chunk results + 2 stop signals)", "put 6 (4 tasks + 2 stop
    // signals)", or "put 6" when no item is a stop signal.
    std::string putText;
    std::string stopTip;                 // why the stop signals are there ("" when none)
    // "1 never taken: the pool was shut down" when items were left in it
    // (discardedCount > 0), "" otherwise; droppedTip says what that means.
    std::string droppedText, droppedTip;
};
QueueView buildQueueView(const RunModel& index, const Trace& trace, std::int32_t queueId, std::int64_t t,
                         std::size_t maxItems = 64);

struct LockWaiter { ProcId proc = 0; std::string name; std::int64_t since = 0; std::int64_t waitedNs = 0; };
struct LockWaitTotal { ProcId proc = 0; std::string name; std::int64_t totalNs = 0; std::size_t waits = 0; };
struct LockHolder {
    ProcId proc = 0;
    std::string name;
    std::uint64_t pid = 0;
    std::int64_t since = 0;
    bool exited = false;                 // it exited (or died) holding it at t: CPython never gives it back
};
// A Semaphore's release by a process that held none of it, as of t.
struct LockSignalView {
    ProcId proc = 0;
    std::string name;                    // who released it
    std::int64_t t = 0;
    ProcId takenBy = kNoProc;            // whose acquire went through on it by t (kNoProc: nobody's yet)
    std::string takenByName;
    std::int64_t takenT = kNever;
};
struct LockView {
    std::int32_t lockId = 0;
    std::string name;
    bool semaphore = false;              // a Semaphore: counts, no owner
    std::int32_t capacity = 1;           // 1: a Lock; a Semaphore's initial value (may be 0)
    std::vector<LockHolder> holders;     // holding at t, longest first (a Lock: at most one; a
                                         // Semaphore: at most capacity, acquirers minus their releases)
    std::size_t pendingSignals = 0;      // a Semaphore: releases by non-holders no acquire has taken by t
    std::vector<LockSignalView> recentSignals;   // a Semaphore: the last few signals up to t, oldest first
    bool held = false;                   // holders is not empty; owner* name the longest holder
    ProcId owner = kNoProc;
    std::string ownerName;
    std::uint64_t ownerPid = 0;
    std::int64_t ownerSince = 0;
    std::vector<LockWaiter> waiters;     // waiting at t, longest-waiting first
    std::vector<LockWaitTotal> totals;   // per process that ever waited up to t (running waits included)
    std::vector<LockOwnerDiedRecord> ownerDied;   // up to t
    std::size_t acquisitions = 0;        // up to t (a Semaphore's: also those that took a signal)
};
LockView buildLockView(const RunModel& index, const Trace& trace, std::int32_t lockId, std::int64_t t);

// An Event, Condition or Barrier at t, or a queue's JoinableQueue.join and
// task_done and its pool-results waits (kind Queue): who waits since when,
// what was signalled, how the finished waits ended.
struct SyncWaiter { ProcId proc = 0; std::string name; std::int64_t since = 0; bool poolResults = false; };
struct SyncView {
    ObjectKind kind = ObjectKind::Event;
    std::int32_t id = 0;
    std::string name;
    std::int64_t size = 0;               // a Barrier's parties
    std::vector<SyncWaiter> waiting;     // waiting at t, longest first (a Barrier: arrived this round)
    std::size_t waits = 0;               // waits ended up to t
    std::size_t timedOut = 0, broken = 0;
    std::int64_t longestWaitNs = 0;      // of the waits ended up to t
    bool flagSet = false;                // Event: set at t (its last set / clear)
    std::int64_t brokenSince = kNever;   // Barrier: broken at t (abort, a timeout) since then; kNever: not
    std::size_t signals = 0;             // up to t
    std::vector<SyncSignalRecord> recentSignals;   // the last few up to t, oldest first
    std::size_t taskDone = 0;            // Queue: task_done() calls up to t
};
SyncView buildSyncView(const RunModel& index, const Trace& trace, ObjectKind kind, std::int32_t id, std::int64_t t);
// One sentence for a sync event: "Process-1 waits for Event-1 to be set".
// `name` is the object's label as the caption gives it.
std::string describeSyncEvent(const RunModel& index, const TraceMeta& meta, const Event& e, const std::string& name);
// The words a lane writes on a wait span that carries none (a traced
// program's Event.wait, Condition.wait, Barrier.wait, JoinableQueue.join, a
// Pool call waiting for its results): proc p's wait open at t. `words`: "waits
// in join() until every item of JoinableQueue-1 is task_done"; `shortWords`:
// "join()" where the sentence does not fit. Both empty: p waits on no such
// object at t. A wait that timed out says so, how long it waited, and on what:
// "waited 200 ms for Event-1, timed out" ("timed out"); so do a lock wait
// (Lock.acquire(timeout)) and a Queue.get(timeout) that ran out ("..., timed
// out (Empty)"), the only lock and queue waits with words. (Process.join's
// span carries its own words: JoinRecord::words.)
struct WaitWords { std::string words, shortWords; };
WaitWords syncWaitWords(const RunModel& index, const TraceMeta& meta, ProcId p, std::int64_t t);

struct OutputLine { std::int64_t t = 0; ProcId proc = 0; std::string_view text; };   // text: into the Trace
struct OutputView {
    std::size_t total = 0;               // lines printed up to t
    std::vector<OutputLine> lines;       // the last maxLines of them, oldest first
};
OutputView buildOutputView(const RunModel& index, const Trace& trace, std::int64_t t,
                           std::size_t maxLines = 500);

struct CodeMarker {
    ProcId proc = 0;
    std::string name;
    int line = -1;                       // index into the scenario's code, -1: none yet
    std::int64_t since = 0;              // the event that put the worker on this line
};
struct CodeView { std::vector<CodeMarker> markers; };   // one per process that has a line
// Anchor vocabulary: an EventKind name ("QueueGet", "TaskStart", "LockAcquire",
// "Print", ...) or "State:<WorkerState>" with Idle, Running, Sleeping, WaitQueue,
// WaitLock. A process is on the line whose anchor names its latest anchorable
// event at or before t; when several lines share that anchor, the first one
// after the process's previous line (wrapping) wins.
CodeView buildCodeView(const RunModel& index, const Trace& trace,
                       const std::vector<Scenario::CodeLine>& code, std::int64_t t);

// A traced Python program's own source (source_view.cpp), from its SourceLine
// events ("file:line", the program's code behind each traced event).
// The file the Code panel shows: the file of MainProcess's first SourceLine,
// else of the first process that has one; "" when the trace has none.
std::string tracedProgramFile(const RunModel& index, const Trace& trace);
// Each process alive at t on its line of `file`: the line of its latest
// traced event at or before t (a print, a queue or lock call, a task, a
// process start); CodeMarker::line is 0-based. A process whose latest line
// is in another file is listed in `elsewhere` ("Process-1 at util.py:12").
struct SourceCodeView {
    std::vector<CodeMarker> markers;
    std::vector<std::string> elsewhere;
};
SourceCodeView buildSourceCodeView(const RunModel& index, const Trace& trace, const std::string& file, std::int64_t t);
// "path/x.py:12" -> {"path/x.py", 12}; a string without ":N" -> {s, 0}.
std::pair<std::string, int> splitSourceLine(std::string_view fileLine);

// One line of Python cut into pieces no wider than `width` (measure: a
// piece's width in the caller's unit, px or columns), at token boundaries —
// after a space, a comma or an opening bracket outside string literals —
// never inside a string literal unless the literal alone is wider than
// `width`: then at one of its spaces, the piece closing the literal and the
// next reopening it with the same prefix and quote (adjacent literals are
// one in Python, so the pieces read as the same program); a literal with
// no space that fits is cut at the last character that fits, so nothing
// is cut off.
// Pieces after the first are indented 4 spaces past the line's own indent
// (Python continues a line inside brackets). A line that fits is one piece.
// A triple-quoted literal (a docstring) breaks at its spaces with no quote
// added (it may run over lines as it is). openTriple: the quote character
// of a triple-quoted literal the line starts inside of (a multi-line
// docstring's middle or last line; tripleQuoteAfter of the lines before), 0 for none.
std::vector<std::string> wrapCodeLine(std::string_view line, float width,
                                      const std::function<float(std::string_view)>& measure, char openTriple = 0);
// The quote character of a triple-quoted literal still open at the end of
// `line` (started there, or before it: openTriple), 0 for none.
char tripleQuoteAfter(std::string_view line, char openTriple = 0);

// ---------------------------------------------------------------------------
// The order in which the caller receives a pool's results (PoolResult events,
// RunModel::results()), up to t: what map, imap, imap_unordered, starmap and
// apply_async differ in (scenario.hpp, PoolMethod). view_results.cpp.
struct ResultArrival {
    std::int32_t index = 0;              // the task's index in the call (input order)
    std::string name;                    // "B", or "#3" when the trace has no name
    std::string value;                   // the result's preview ("25"); "" when not said (a demo's: its name)
    std::int64_t t = 0;                  // absolute ns: when the caller had it
    std::int64_t taskEnd = kNever;       // when the task itself ended; kNever: not seen
    // When the last task of its chunk ended (its worker sends a chunk's results
    // in one message, as CPython's); kNever: not seen, or the task had no chunk.
    std::int64_t chunkEnd = kNever;
    bool failed = false;                 // the caller received the task's error instead
};
struct ResultOrderView {
    std::vector<ResultArrival> arrived;  // received by t, in the order received
    std::size_t pending = 0;             // tasks of the run (all seen so far) not received by t
    bool finished = false;               // the run has ended by t: the pending ones never came
    bool inputOrder = false;             // arrived in input order (indices rising)
    bool finishOrder = false;            // arrived in the order the tasks ended
    bool chunkOrder = false;             // arrived chunk by chunk, in the order the chunks ended (not finishOrder)
    bool together = false;               // two or more, all within 1 ms: one call returned them all
    // "B at 2.0 s, C at 3.0 s, A at 5.0 s, D at 6.0 s" (at most maxNamed, then "… 24 more"), or
    // "A, B, C, D, all at 6.0 s"; times in seconds of the run (explain.hpp's formatSeconds). A
    // result whose preview is known is its task's name, then what it returned: "5 \u2192 25".
    std::string list;
    // "the order the tasks finished", "the order their chunks finished", "input order", "input order, all at once"
    std::string order;
    std::string text;                    // "the program receives: " + list + " (" + order + ")" + what is still to come
};
ResultOrderView buildResultOrder(const RunModel& index, const Trace& trace, std::int64_t t, std::size_t maxNamed = 8);

struct Caption {
    bool valid = false;
    std::int64_t t = 0;
    ProcId proc = kNoProc;
    EventKind kind = EventKind::Note;
    std::string text;                    // "ForkPoolWorker-2 took C from the queue"
    // Program events of its step (explain.hpp's sameStep) up to t, this one
    // included: "MainProcess received 28 results at once: L1 … s24".
    std::size_t grouped = 1;
};
Caption buildCaption(const RunModel& index, const Trace& trace, std::int64_t t);
// The caption's line: every time on it named, so none reads as another
// (newcomer walk, session 21: "6.02 s  The run ended: …, makespan 6.01 s"
// put an unlabelled cursor time 0.01 s from the makespan). At the cursor's
// event: "at 2.00 s, ForkPoolWorker-2 took C from the queue", "at 6.02 s,
// the run ended"; else the last event before the cursor with its own time:
// "cursor at 0.70 s; last event at 0.005 s, ForkPoolWorker-1 printed …". Times
// from the run's zero; a caption that begins a sentence goes on in lower case.
std::string captionLine(std::int64_t cursorNs, std::int64_t eventNs, const std::string& text);
// The caption's clauses: a caption's words are built main clause first, then
// what adds to it in order of importance (" (not yet handed to the program)", " (the
// last of 2 such events at the same instant)", ": it raised ..."), each clause
// starting at a " (", ": " or "; " outside quotes and parentheses. The ends of
// its shorter whole sentences: text.size() first, then each boundary from the
// last back to the first (the main clause alone).
std::vector<std::size_t> captionClauseEnds(const std::string& text);
// captionLine shortened to what `fits` accepts by dropping whole clauses from
// the end (the least important first; Why says all of them), never cut
// mid-phrase (session 22: "... (not yet the caller's) (the last of 2 such …"
// at 1280x720). Only a main clause too long alone (a long printed line) is
// cut at a word, with " …" (the whole on hover).
std::string fitCaptionLine(std::int64_t cursorNs, std::int64_t eventNs, const std::string& text,
                           const std::function<bool(const std::string&)>& fits);

// A task in words that are true at `at` (absolute ns: the cursor, or now in a
// live run), for a hover: "task s3: running since 0.20 s" while t0 <= at and
// it has not ended by `at`; "task s3: done at 0.45 s" (or its failure:
// "task s3: raised ZeroDivisionError: … at 0.45 s") once it ended by `at`;
// "task s3: starts at 0.20 s, after the cursor" before t0. Times from `zero`.
// "" when the model has no such task. Never "done" of a task still running at
// `at` (classroom walk, finding 1).
std::string describeTaskAt(const RunModel& m, const Trace& trace, ProcId p, std::int32_t index, std::int64_t at,
                           std::int64_t zero);

// A traced program's start-up before its multiprocessing (classroom walk,
// finding 10): on a loaded machine python may take 4 s to start, and a view
// from the run's zero leaves the 0.6 s pool a sliver at the right edge. The
// activity starts at the program's first traced event of multiprocessing: a
// process other than MainProcess, or a queue, lock, synchronisation object,
// task or pool result of anyone's. Fit frames from there when the start-up
// before it is long (cut), still reachable by zooming out or scrolling left.
inline constexpr std::int64_t kLeadInCutNs = 500'000'000;   // shorter start-ups stay in view
struct LeadIn {
    std::int64_t activityT = kNever;     // absolute ns of the first such event; kNever: none yet
    std::int64_t leadNs = 0;             // from the run's zero to it
    // Fit leaves the start-up out: a traced program, leadNs > kLeadInCutNs
    // and more than a quarter of the run from its activity to `end`.
    bool cut = false;
    // "python started 4.0 s before its first process" ("... its first
    // multiprocessing event" when no process came first); "" when not cut.
    std::string text;
};
// end: absolute ns the view must reach (now, or the run's end).
LeadIn programLeadIn(const RunModel& m, const Trace& trace, std::int64_t end);

} // namespace parviz
