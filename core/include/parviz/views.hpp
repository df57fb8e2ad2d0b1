#pragma once
// View-model builders: pure functions of a Trace that turn "what happened" into
// compact records the window only has to draw (ARCHITECTURE.md, "pure functions
// of the Trace"). Nothing here draws, and core never includes GL or ImGui.
//
// [SECTION] Colours       per-process palette (Okabe-Ito), shared by window and tests
// [SECTION] Spans         LaneState (with its merge priority), Span, SpanRow
// [SECTION] TimelineIndex incremental per-lane span arrays, queue items, lock intervals
// [SECTION] Lanes         buildLanes(): spans -> pixel records, arrows, marks, axis
// [SECTION] Panels at t   queue, lock, output, code, caption (replay: t is a parameter)
//
// Frame cost: the window owns one TimelineIndex and calls update(trace) once per
// frame; update() consumes only the events appended since the last call.
// Every builder below then works by binary search over the index, so its cost
// depends on the pixels / items shown, never on the trace length.
//
// Threading: TimelineIndex and the builders run on one thread (the window's);
// the Trace may be appended to by the collector meanwhile (trace.hpp explains
// why reading a prefix is safe).
#include "parviz/event.hpp"
#include "parviz/scenario.hpp"
#include "parviz/trace.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace parviz {

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

// -1 for the parent (use kParentColour), else an index into kProcPalette.
int procColourIndex(ProcId p) noexcept;
Rgb procColour(ProcId p) noexcept;

// =============================================================================
// [SECTION] Spans
// =============================================================================
// What a span shows. The numeric order IS the merge priority: when spans
// narrower than the minimum width are merged, the record keeps the highest
// value, so a wait never vanishes when zoomed out.
//   WaitLock > WaitQueue > Stopped > Killed > TaskFailed > Runnable > HoldLock
//   > OnCore > Task > Running > Sleeping > Idle > Exited > Busy > None
enum class LaneState : std::uint8_t {
    None = 0,
    Busy,        // core load row: other processes' busy time (see SpanRecord::fraction)
    Exited,      // program row: after a clean exit (open to "now")
    Idle,        // program row: WorkerState::Idle
    Sleeping,    // program row: WorkerState::Sleeping
    Running,     // program row: WorkerState::Running
    Task,        // task row: a task (label = its name)
    OnCore,      // os row: on a core (CoreIn..CoreOut); core proc row: proc was on this core
    HoldLock,    // lock row: LockAcquire..LockRelease (value = lock id)
    Runnable,    // os row: preempted (CoreOut flags=1) until the next CoreIn
    TaskFailed,  // task row: a task that failed (TaskEnd flags=1)
    Killed,      // program row: after ProcExit with a negative code (open to "now")
    Stopped,     // program row: ProcStopped..ProcContinued, and RunPause..RunResume
    WaitQueue,   // program row: WorkerState::WaitQueue
    WaitLock,    // program row: WorkerState::WaitLock, or LockWait..LockAcquire
    Count
};
const char* toString(LaneState s) noexcept;

// A span's end while it is still open; builders draw it up to "now".
inline constexpr std::int64_t kOpenEnd = std::numeric_limits<std::int64_t>::max();

struct Span {
    std::int64_t t0 = 0, t1 = kOpenEnd;  // absolute monotonic ns, t0 <= t1
    std::uint64_t label = kNoString;     // string id (task name), or kNoString
    std::int32_t value = 0;              // task row: task index; lock row: lock id;
                                         // core load row: busy permille (0..1000)
    ProcId proc = kParentProc;           // who (core rows: the process on the core)
    LaneState state = LaneState::None;
    std::uint8_t flags = 0;              // reserved
};

// An append-only row of spans in time order, never overlapping (t1 of one <=
// t0 of the next), at most the last one open. Keeps a sparse table of the
// maximum state so "worst state in [i, j)" is O(1), and prefix sums for load.
class SpanRow {
public:
    std::size_t size() const noexcept { return m_spans.size(); }
    bool empty() const noexcept { return m_spans.empty(); }
    const Span& operator[](std::size_t i) const noexcept { return m_spans[i]; }
    bool hasOpen() const noexcept { return !m_spans.empty() && m_spans.back().t1 == kOpenEnd; }

    // First index in [from, size()) whose t1 > t (t1 is non-decreasing). Counts probes.
    std::size_t firstEndingAfter(std::int64_t t, std::size_t from, std::uint64_t* probes = nullptr) const noexcept;
    // Highest LaneState among spans [i, j), i < j <= size(). O(1).
    LaneState worstState(std::size_t i, std::size_t j) const noexcept;
    // Load rows: busy ns and covered ns over spans [i, j) (closed spans only). O(1).
    std::int64_t busyNs(std::size_t i, std::size_t j) const noexcept;
    std::int64_t coveredNs(std::size_t i, std::size_t j) const noexcept;

    // Writer side (TimelineIndex, tests). push() closes an open last span at s.t0.
    void push(const Span& s, std::int64_t busyNs = 0);
    void closeOpen(std::int64_t t) noexcept;   // no-op if nothing is open
    // Changes the last span's state (a task turns out to have failed). O(log n).
    void setLastState(LaneState s) noexcept;

private:
    std::vector<Span> m_spans;
    std::vector<std::vector<std::uint8_t>> m_max;   // m_max[k][i] = max state of [i, i + 2^(k+1))
    std::vector<std::int64_t> m_busyPrefix{0};      // load rows
    std::vector<std::int64_t> m_lenPrefix{0};       // load rows (length of closed spans)
};

// =============================================================================
// [SECTION] TimelineIndex
// =============================================================================
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
inline constexpr ProcId kNoProc = std::numeric_limits<ProcId>::max();

struct CoreLaneIndex {
    std::int32_t core = 0;
    SpanRow procs;   // OnCore spans, proc = who was on the core (from CoreIn/CoreOut)
    SpanRow load;    // Busy spans from CoreLoad: [t - b, t], value = busy permille
};

// A process lane has four rows (the program layer and the OS layer kept apart,
// so "sleeping" and "on a core" can both be seen at once).
struct ProcLaneIndex {
    ProcId proc = 0;
    bool seen = false;        // any event from or about this process
    std::uint64_t pid = 0;    // OS pid from ProcStart, 0 if unknown
    std::int64_t startT = kNever, exitT = kNever;
    std::int64_t exitCode = 0;
    SpanRow program;          // Idle/Running/Sleeping/WaitQueue/WaitLock/Stopped/Exited/Killed
    SpanRow os;               // OnCore / Runnable (gaps = off core, not runnable)
    SpanRow tasks;            // Task / TaskFailed, label = task name, value = task index
    SpanRow locks;            // HoldLock, value = innermost lock held
};

struct QueueItemRecord {
    std::uint64_t item = 0;
    std::uint64_t preview = kNoString;   // string id of the value preview
    std::int64_t putT = kNever;          // kNever: the put was never seen
    std::int64_t getT = kNever;          // kNever: not taken (yet)
    ProcId putProc = kNoProc, getProc = kNoProc;
};

struct QueueIndex {
    std::int32_t id = 0;
    std::vector<QueueItemRecord> items;          // in put order (FIFO order)
    std::vector<std::size_t> getsByTime;         // indices into items, in get order
    std::unordered_map<std::uint64_t, std::size_t> byItem;
    std::vector<std::int64_t> emptyT, fullT;     // QueueEmpty / QueueFull times
    std::vector<ProcId> emptyProc, fullProc;
};

struct LockHold {
    std::int64_t acquireT = 0, releaseT = kOpenEnd;
    ProcId proc = 0;
    bool ownerDied = false;   // LockAcquire flags=1: the previous owner died holding it
};
struct LockWaitRecord {
    std::int64_t waitT = 0, endT = kOpenEnd;   // endT: acquire or timeout
    bool timedOut = false;
};
struct LockOwnerDiedRecord { std::int64_t t = 0; ProcId acquirer = 0; ProcId deadOwner = 0; };

struct LockIndex {
    std::int32_t id = 0;
    std::vector<LockHold> holds;   // in acquire order; mutual exclusion keeps them sequential
    // per process: its waits on this lock, in order, and the prefix sum of closed wait ns
    std::vector<std::vector<LockWaitRecord>> waitsByProc;
    std::vector<std::vector<std::int64_t>> waitPrefixByProc;   // [k] = sum of waits [0, k)
    std::vector<LockOwnerDiedRecord> ownerDied;
};

struct PauseInterval { std::int64_t t0 = 0, t1 = kOpenEnd; };

// Event indices kept per purpose, so panels at t binary-search instead of scanning.
struct TimedEventRef { std::int64_t t; std::uint32_t index; };   // index into the Trace

class TimelineIndex {
public:
    // Consumes events [consumed(), trace.size()), at most maxEvents of them (a
    // window opening a long saved run can spread the work over frames). A
    // different Trace (or a shorter one) resets the index first; a new Trace at
    // the same address needs reset(). O(new events). Returns true when caught up.
    bool update(const Trace& trace, std::size_t maxEvents = SIZE_MAX);
    void reset();

    std::size_t consumed() const noexcept { return m_consumed; }
    // Time of the last consumed event ("now" for open spans); 0 before any event.
    std::int64_t now() const noexcept { return m_now; }

    const std::vector<CoreLaneIndex>& cores() const noexcept { return m_cores; }   // by core number
    const std::vector<ProcLaneIndex>& procs() const noexcept { return m_procs; }   // by ProcId
    const std::vector<QueueIndex>& queues() const noexcept { return m_queues; }
    const std::vector<LockIndex>& locks() const noexcept { return m_locks; }
    const std::vector<PauseInterval>& pauses() const noexcept { return m_pauses; }
    const QueueIndex* queue(std::int32_t id) const noexcept;
    const LockIndex* lock(std::int32_t id) const noexcept;

    // Per purpose, in time order: Print events; caption-worthy events; and per
    // process, events that a code-panel anchor can name.
    const std::vector<TimedEventRef>& prints() const noexcept { return m_prints; }
    const std::vector<TimedEventRef>& captionEvents() const noexcept { return m_captions; }
    const std::vector<std::vector<TimedEventRef>>& anchorEvents() const noexcept { return m_anchors; }

private:
    struct ProcCursor;   // per-process incremental state (defined in timeline_index.cpp)
    void consume(const Trace& trace, std::size_t i);
    ProcLaneIndex& procLane(ProcId p);
    CoreLaneIndex& coreLane(std::int32_t c);
    QueueIndex& queueAt(std::int32_t id);
    LockIndex& lockAt(std::int32_t id);

    void applyProgram(ProcId p, std::int64_t t);
    void restoreAfterLockWait(ProcId p);

    const Trace* m_trace = nullptr;
    std::int64_t m_firstT = 0;             // detects a different Trace at the same address
    std::size_t m_consumed = 0;
    std::int64_t m_now = 0;
    bool m_paused = false;
    std::vector<CoreLaneIndex> m_cores;
    std::vector<ProcLaneIndex> m_procs;
    std::vector<ProcCursor> m_cursors;                // parallel to m_procs
    std::vector<ProcId> m_coreOwner;                  // by core: who is on it, kNoProc if none
    std::vector<QueueIndex> m_queues;
    std::vector<LockIndex> m_locks;
    std::vector<PauseInterval> m_pauses;
    std::vector<TimedEventRef> m_prints, m_captions;
    std::vector<std::vector<TimedEventRef>> m_anchors;  // by ProcId

public:
    TimelineIndex();
    ~TimelineIndex();
    TimelineIndex(TimelineIndex&&) noexcept;
    TimelineIndex& operator=(TimelineIndex&&) noexcept;
};

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

enum class LaneKind : std::uint8_t { Core, Proc };

struct Lane {
    LaneKind kind = LaneKind::Core;
    std::int32_t id = 0;                 // core number or ProcId
    std::string title;                   // "CPU 0", "MainProcess", "ForkPoolWorker-1"
    std::uint64_t pid = 0;               // Proc lanes: OS pid if known
    std::vector<RowRecords> rows;        // Core: CoreProcs, CoreLoad; Proc: Program, Os, Tasks, Locks
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

// Pixel mapping used by every builder (exposed so the window's mouse code agrees).
float timeToPx(const Viewport& vp, std::int64_t t) noexcept;
std::int64_t pxToTime(const Viewport& vp, float x) noexcept;

// Fills `out` (reusing its capacity). Work: O(visible records x log n).
void buildLanes(const TimelineIndex& index, const Trace& trace, const Viewport& vp, LaneRecords& out);
LaneRecords buildLanes(const TimelineIndex& index, const Trace& trace, const Viewport& vp);
// One row alone (what buildLanes does per row); exposed for tests and custom lanes.
void buildRow(const SpanRow& row, const Viewport& vp, std::int64_t now, std::vector<SpanRecord>& out,
              LaneStats& stats);
// Axis ticks for [vp.tBegin, vp.tEnd], labelled in seconds since `zero`.
std::vector<AxisTick> buildAxis(const Viewport& vp, std::int64_t zero);

// =============================================================================
// [SECTION] Panels at time t (replay: t is just a parameter)
// =============================================================================
// Names: meta().procs[p].name, or "Process-<p>" if the trace has none.
std::string procName(const TraceMeta& meta, ProcId p);

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
    std::size_t putCount = 0, takenCount = 0;   // up to t
    std::vector<QueueViewEvent> recentEmptyFull;  // QueueEmpty / QueueFull, latest last, at most 8
    bool hasLastPut = false, hasLastGet = false;
    QueueItemRecord lastPut, lastGet;    // the latest put / get at or before t (for animation)
};
QueueView buildQueueView(const TimelineIndex& index, const Trace& trace, std::int32_t queueId, std::int64_t t,
                         std::size_t maxItems = 64);

struct LockWaiter { ProcId proc = 0; std::string name; std::int64_t since = 0; std::int64_t waitedNs = 0; };
struct LockWaitTotal { ProcId proc = 0; std::string name; std::int64_t totalNs = 0; std::size_t waits = 0; };
struct LockView {
    std::int32_t lockId = 0;
    std::string name;
    bool held = false;
    ProcId owner = kNoProc;
    std::string ownerName;
    std::uint64_t ownerPid = 0;
    std::int64_t ownerSince = 0;
    std::vector<LockWaiter> waiters;     // waiting at t, longest-waiting first
    std::vector<LockWaitTotal> totals;   // per process that ever waited up to t (running waits included)
    std::vector<LockOwnerDiedRecord> ownerDied;   // up to t
    std::size_t acquisitions = 0;        // up to t
};
LockView buildLockView(const TimelineIndex& index, const Trace& trace, std::int32_t lockId, std::int64_t t);

struct OutputLine { std::int64_t t = 0; ProcId proc = 0; std::string_view text; };   // text: into the Trace
struct OutputView {
    std::size_t total = 0;               // lines printed up to t
    std::vector<OutputLine> lines;       // the last maxLines of them, oldest first
};
OutputView buildOutputView(const TimelineIndex& index, const Trace& trace, std::int64_t t,
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
CodeView buildCodeView(const TimelineIndex& index, const Trace& trace,
                       const std::vector<Scenario::CodeLine>& code, std::int64_t t);

struct Caption {
    bool valid = false;
    std::int64_t t = 0;
    ProcId proc = kNoProc;
    EventKind kind = EventKind::Note;
    std::string text;                    // "ForkPoolWorker-2 took C from the queue"
};
Caption buildCaption(const TimelineIndex& index, const Trace& trace, std::int64_t t);

} // namespace parviz
