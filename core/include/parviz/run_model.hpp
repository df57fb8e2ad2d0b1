#pragma once
// The run model: the ONE interpreter of the event stream. It pairs what the
// stream says once (task start/end, core in/out, process start/exit, lock
// wait/acquire/release, queue put/get, pause/resume, kill requests, losses)
// and keeps the result as time-ordered records. Stats (stats.hpp), the Chrome
// export (export.hpp), the window's builders (views.hpp) and the CLI summary
// are functions of this model; none of them reads events to pair them again.
//
// [SECTION] Spans      LaneState (with its merge priority), Span, SpanRow
// [SECTION] Records    per-process lanes, tasks and their outcome, CPU
//                      intervals, queue items, lock holds and waits, pauses
// [SECTION] RunModel   incremental update from a growing Trace
// [SECTION] Failures   the one place failure and exit texts are built
//
// Cost: update() consumes only the events appended since the last call, O(1)
// amortised per event (a hash lookup for queue items), so a window that calls
// it every frame pays for the new events, never for the trace length.
//
// Time: every record keeps absolute CLOCK_MONOTONIC ns (Event::t). A reader
// that wants the run "as of t" (a time cursor) filters records by time; the
// model is built over the whole consumed prefix, and because the trace is
// time-sorted a record's fields at times <= t never depend on later events.
//
// Threading: one thread updates and reads a model; the Trace may be appended
// to meanwhile (trace.hpp explains why reading a prefix is safe).
#include "parviz/event.hpp"
#include "parviz/trace.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parviz {

// =============================================================================
// [SECTION] Spans
// =============================================================================
// What a span shows. The numeric order IS the merge priority: when spans
// narrower than the minimum width are merged, the record keeps the highest
// value, so a wait never vanishes when zoomed out.
//   WaitLock > WaitSync > WaitQueue > Stopped > Killed > TaskFailed > Runnable > HoldLock
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
    WaitSync,    // program row: SyncWait..SyncWake (an Event, Condition, Barrier, join, a pool's results)
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
    // On an os row "busy" is the Runnable spans' time (closeOpen counts it).
    std::int64_t busyNs(std::size_t i, std::size_t j) const noexcept;
    std::int64_t coveredNs(std::size_t i, std::size_t j) const noexcept;

    // Writer side (RunModel, tests). push() closes an open last span at s.t0.
    void push(const Span& s, std::int64_t busyNs = 0);
    void closeOpen(std::int64_t t) noexcept;   // no-op if nothing is open
    // Changes the last span's state (a task turns out to have failed). O(log n).
    void setLastState(LaneState s) noexcept;
    // Names the last span (a traced join's words). O(1).
    void setLastLabel(std::uint64_t label) noexcept {
        if (!m_spans.empty()) m_spans.back().label = label;
    }

private:
    std::vector<Span> m_spans;
    std::vector<std::vector<std::uint8_t>> m_max;   // m_max[k][i] = max state of [i, i + 2^(k+1))
    std::vector<std::int64_t> m_busyPrefix{0};      // load rows
    std::vector<std::int64_t> m_lenPrefix{0};       // load rows (length of closed spans)
};

// =============================================================================
// [SECTION] Records
// =============================================================================
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
inline constexpr ProcId kNoProc = std::numeric_limits<ProcId>::max();

struct CoreLaneIndex {
    std::int32_t core = 0;
    SpanRow procs;   // OnCore spans, proc = who was on the core (from CoreIn/CoreOut)
    SpanRow load;    // Busy spans from CoreLoad (flags 0): [t - b, t], value = busy permille
                     // of every process but parviz's own threads (format < 8: every process)
    SpanRow own;     // the same from CoreLoad flags 1: parviz's own threads (window, collector)
    // Other programs on the core, as Stats counts them (stats.cpp, its "other"
    // per core): each load sample less the run's processes' time on this core
    // (procs) inside its window, value = that share in permille. A sample with
    // less than 0.5 % left (Stats' "0% other") has no span: the CPU lanes hatch
    // "other programs" from this row, and hatched a whole cpu-count run beside
    // "0% other" (newcomer walk) when they drew the load row, whose busy time
    // counts the run's own processes too.
    SpanRow other;
};

// A process lane has four rows (the program layer and the OS layer kept apart,
// so "sleeping" and "on a core" can both be seen at once).
struct ProcLaneIndex {
    ProcId proc = 0;
    bool seen = false;        // any event from or about this process
    std::int64_t firstT = kNever;   // its first event (written by it or on its behalf)
    std::uint64_t pid = 0;    // OS pid from ProcStart, 0 if unknown
    std::int64_t startT = kNever, exitT = kNever;
    std::int64_t exitCode = 0;
    // Died by the very signal its own program asked for (Process.terminate(),
    // Pool's terminate): CPython's normal way to end a worker, not a kill.
    bool terminatedByProgram() const noexcept {
        return killByProgram && exitT != kNever && exitCode < 0 && -exitCode == killSignal;
    }
    std::int64_t killRequestT = kNever;   // first KillRequest naming it (--kill-worker, the window)
    std::int32_t killSignal = 0;          // the signal that request asked for
    bool killByProgram = false;           // that request came from the program itself (KillRequest flags 1)
    std::uint64_t lostEvents = 0;         // events its ring lost (Lost, obj = this process)
    std::vector<std::size_t> taskIds;     // indices into RunModel::tasks(), in start order
    std::vector<std::size_t> cpuIds;      // indices into RunModel::cpu(), in start order
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
    bool discarded = false;              // nobody took it: getProc dropped it unread at getT
                                         // (QueueGet flags kQueueDiscarded: a Pool's terminate)
};

// A queue's part in a multiprocessing.Pool or a ProcessPoolExecutor, from its
// name (the engine's and the tracer's "pool tasks" / "pool results", the
// tracer's "executor calls" / "executor results"); None for any other queue.
enum class PoolQueueRole : std::uint8_t { None, Tasks, Results };
// Whose queues they are: a Pool's, or a ProcessPoolExecutor's (whose workers
// stop on a None from its call queue and answer with their pid, and whose
// death breaks the executor instead of hanging it).
enum class PoolKind : std::uint8_t { None, Pool, Executor };

struct QueueIndex {
    std::int32_t id = 0;
    PoolQueueRole poolRole = PoolQueueRole::None;
    PoolKind poolKind = PoolKind::None;          // with poolRole: Pool or Executor
    bool roleKnown = false;                      // its object was named when the role was read
    std::vector<QueueItemRecord> items;          // in put order (FIFO order)
    // Indices into items, ascending, of the stop signals (sentinels) put on it:
    // CPython's None on any queue (a pool's, or a program's own "no more work"),
    // the engine's "sentinel" on a pool's task queue and "stop" on its result
    // queue (isStopSignal). Few per run, so views count them without a scan.
    std::vector<std::size_t> stopSignals;
    std::vector<std::size_t> getsByTime;         // indices into items, in get order
    std::unordered_map<std::uint64_t, std::size_t> byItem;
    std::vector<std::int64_t> emptyT, fullT;     // QueueEmpty / QueueFull times
    std::vector<ProcId> emptyProc, fullProc;
    // The queue's length after each put and get, in time order (never below 0:
    // a get whose put was never seen does not make it negative).
    struct LengthSample { std::int64_t t; std::int64_t length; };
    std::vector<LengthSample> lengths;
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

// A Semaphore released by a process that held none of it: a signal, which
// lets one acquire through without making that acquirer a holder.
struct LockSignal {
    std::int64_t t = 0;
    ProcId proc = 0;                  // who released it
    std::int64_t takenT = kNever;     // the acquire that went through on it (kNever: none yet)
    ProcId takenBy = kNoProc;
};

struct LockIndex {
    std::int32_t id = 0;
    // How many may hold it at once: 1 for a Lock, a Semaphore's initial value
    // (ObjectInfo::size; 0 for a Semaphore(0) used for signalling).
    std::int32_t capacity = 1;
    bool semaphore = false;   // ObjectInfo::semaphore: it counts and has no owner
    // In acquire order. A Lock's are sequential (mutual exclusion). A
    // Semaphore's holders are its acquirers minus their own releases: they
    // overlap, up to capacity; a release by a process that holds none is a
    // signal (signals), ending nobody's hold, and the next acquire goes
    // through on it without becoming a holder. So the holders at t are never
    // more than capacity, and none is left behind by a signal.
    std::vector<LockHold> holds;
    std::vector<std::size_t> openHolds;   // a Semaphore: indices into holds still held, oldest first
    std::vector<LockSignal> signals;      // a Semaphore: releases by non-holders, in time order
    std::size_t nextSignal = 0;           // the oldest signal not taken yet
    // per process: its waits on this lock, in order, and the prefix sum of closed wait ns
    std::vector<std::vector<LockWaitRecord>> waitsByProc;
    std::vector<std::vector<std::int64_t>> waitPrefixByProc;   // [k] = sum of waits [0, k)
    std::vector<LockOwnerDiedRecord> ownerDied;
};

// A wait on an Event, Condition, Barrier, JoinableQueue.join or a pool's
// results (SyncWait .. SyncWake).
struct SyncWaitRecord {
    std::int64_t t0 = 0, t1 = kOpenEnd;   // t1: its SyncWake, or the process's exit
    ProcId proc = 0;
    std::uint8_t flags = 0;               // SyncWake flags: kSyncTimedOut, kSyncBroken
    bool poolResults = false;             // MainProcess waiting for a Pool job's results
    bool endedByExit = false;             // no wake: the process exited (or died) while waiting
};
struct SyncSignalRecord { std::int64_t t = 0; ProcId proc = 0; SyncOp op = SyncOp::Set; std::uint32_t count = 0; };
struct SyncIndex {
    ObjectKind kind = ObjectKind::Event;
    std::int32_t id = 0;
    std::vector<SyncWaitRecord> waits;       // in start order
    std::vector<SyncSignalRecord> signals;   // in time order
};

// A traced program's Process.join (ProcJoin): proc waits for `joined` to end.
struct JoinRecord {
    std::int64_t t0 = 0, t1 = kOpenEnd;   // t1: join() returned, or the joining process's exit
    ProcId proc = 0, joined = 0;
    std::uint64_t words = kNoString;      // the lane's words ("waiting for Process-1 to finish (join)")
    bool timedOut = false;                // join(timeout) returned with `joined` still running
    bool endedByExit = false;             // no return seen: the joining process exited
};

struct PauseInterval { std::int64_t t0 = 0, t1 = kOpenEnd; };

// How a task ended. Only Done tasks count in the sequential time (stats.hpp).
enum class TaskOutcome : std::uint8_t {
    Running,      // no end seen yet
    Done,         // TaskEnd without the failed flag
    Raised,       // TaskEnd with flag 1 (the task's own error)
    WorkerDied,   // TaskEnd with flags 1|2, or its worker ended by a signal while in it
    EndLost,      // the worker went on (a new TaskStart) or exited cleanly with the task
                  // open: its TaskEnd was lost (a ring overflowed), so the task is
                  // neither done nor failed. A loss never invents a failure.
    Stopped,      // its worker died by the run's own stop (RunStop: the window's Stop,
                  // Ctrl-C, SIGTERM): killed after it, or by the very signal that
                  // stopped the run (a terminal's Ctrl-C reaches the workers first).
                  // Or its worker died by the signal its own program sent it
                  // (ProcLaneIndex::terminatedByProgram: Pool's terminate, a `with
                  // Pool()` block's exit). Neither done nor failed: the user, or the
                  // program itself, ended it.
};
const char* toString(TaskOutcome o) noexcept;
inline bool isFailure(TaskOutcome o) noexcept { return o == TaskOutcome::Raised || o == TaskOutcome::WorkerDied; }

struct TaskRecord {
    std::int32_t index = 0;               // task index in its scenario / pool call
    std::uint64_t name = kNoString;       // string id of the task name
    ProcId proc = 0;                      // the worker that ran it
    std::int64_t t0 = kNever;             // TaskStart; kNever when only its end was seen
    std::int64_t t1 = kOpenEnd;           // when it ended (any outcome); kOpenEnd while running
    std::int64_t nominalNs = 0;           // TaskStart.b: the task's nominal duration (run ns)
    TaskOutcome outcome = TaskOutcome::Running;
    ProcId reportedBy = kNoProc;          // a failed TaskEnd written by another process (pool parent)
    std::int32_t chunk = -1;              // the pool task-queue chunk it came from (TaskChunk), -1: none
    // What it raised (TaskOutcome::Raised): string id of "ZeroDivisionError:
    // division by zero" (a traced program's TaskEnd.b - 1); kNoString: not said.
    std::uint64_t error = kNoString;
    // A traced program's summarised chunk (TaskStart flags kTaskSummarised):
    // this one record stands for its chunk's tasks, this many; 0: one task.
    std::uint32_t summarised = 0;
};

// A chunk of a pool's task queue taken by a worker (TaskChunk).
struct ChunkRecord {
    std::int64_t t = 0;                   // when the worker took it
    ProcId proc = 0;
    std::int32_t chunk = 0;               // number in its map call, input order from 0 (traced: in the program)
    std::uint32_t begin = 0, count = 0;   // its tasks: indices [begin, begin + count)
};

// The caller received a pool task's result (PoolResult): when, and which task.
struct ResultRecord {
    std::int64_t t = 0;                   // when the caller had it
    ProcId proc = kParentProc;            // the caller (MainProcess)
    std::int32_t index = 0;               // the task's index in the pool call
    std::uint64_t name = kNoString;       // string id of the task's name
    bool failed = false;                  // it received the task's error (the call raised)
    std::uint64_t value = kNoString;      // string id of the result's preview ("25"); kNoString: not said
};

// A process on a core: CoreIn .. CoreOut (or the next CoreIn on that core, or its exit).
struct CpuInterval {
    std::int64_t t0 = 0, t1 = kOpenEnd;
    ProcId proc = 0;
    std::int32_t core = 0;
    bool preempted = false;               // CoreOut flags=1: still runnable when switched out
};

// Lost (a ring overflowed): `count` events, or with `texts` that many texts
// (printed lines, names, previews) whose events were kept.
struct LossRecord { std::int64_t t = 0; ProcId proc = 0; std::uint64_t count = 0; bool texts = false; };
// One WriterWait event: at t (when the Collector wrote it), ns waited and how
// many waits since the previous one of the same process.
struct WriterWaitRecord { std::int64_t t = 0; std::uint64_t ns = 0, waits = 0; };

// Event indices kept per purpose, so panels at t binary-search instead of scanning.
struct TimedEventRef { std::int64_t t; std::uint32_t index; };   // index into the Trace

class RunModel {
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
    // Waits and signals per synchronised object (SyncWait, SyncWake, SyncSignal), in first-mention order.
    const std::vector<SyncIndex>& syncs() const noexcept { return m_syncs; }
    const SyncIndex* sync(ObjectKind kind, std::int32_t id) const noexcept;
    // A traced program's Process.join waits (ProcJoin), in start order.
    const std::vector<JoinRecord>& joins() const noexcept { return m_joins; }

    // Per purpose, in time order: Print events; caption-worthy events; and per
    // process, events that a code-panel anchor can name.
    const std::vector<TimedEventRef>& prints() const noexcept { return m_prints; }
    const std::vector<TimedEventRef>& captionEvents() const noexcept { return m_captions; }
    const std::vector<std::vector<TimedEventRef>>& anchorEvents() const noexcept { return m_anchors; }
    const std::vector<TimedEventRef>& notes() const noexcept { return m_notes; }   // Note events
    // A traced Python program's SourceLine events ("file:line"), per process.
    const std::vector<std::vector<TimedEventRef>>& sourceLines() const noexcept { return m_sourceLines; }

    // Tasks in start order (a task whose start was never seen: at its end).
    const std::vector<TaskRecord>& tasks() const noexcept { return m_tasks; }
    // Process p's latest task with that index (a task span's value), or nullptr.
    const TaskRecord* taskOf(ProcId p, std::int32_t index) const noexcept;
    // CPU intervals in start order; at most one open per core.
    const std::vector<CpuInterval>& cpu() const noexcept { return m_cpu; }
    const std::vector<LossRecord>& losses() const noexcept { return m_losses; }
    const std::vector<ChunkRecord>& chunks() const noexcept { return m_chunks; }   // in time order
    const std::vector<ResultRecord>& results() const noexcept { return m_results; }   // in time order
    // Tracing's own cost (WriterWait events up to cut): ns writers waited for
    // ring room, and how many waits (tracer.hpp: back-pressure, never a drop).
    std::uint64_t writerWaitNs(std::int64_t cut = kOpenEnd) const noexcept;
    std::uint64_t writerWaits(std::int64_t cut = kOpenEnd) const noexcept;
    // Sums of losses() up to cut: events lost, and texts lost (their events kept).
    std::uint64_t lostEvents(std::int64_t cut = kOpenEnd) const noexcept;
    std::uint64_t lostTexts(std::int64_t cut = kOpenEnd) const noexcept;
    std::int64_t runStartT() const noexcept { return m_runStartT; }   // kNever if unseen
    std::int64_t runEndT() const noexcept { return m_runEndT; }       // kNever if unseen
    // The run was stopped on request (the first RunStop): when, and the signal
    // that asked (0: a Stop button or the program). kNever if it was not.
    std::int64_t stopT() const noexcept { return m_stopT; }
    int stopSignal() const noexcept { return m_stopSignal; }
    // True when this process was ended by the run's stop rather than by a
    // failure: killed by a signal after the stop, or by the stop's own signal.
    bool stoppedByRun(const ProcLaneIndex& lane) const noexcept;
    // The run's MachineLoad event (other processes' share of the cores,
    // machine_load.hpp), written just before RunEnd; index UINT32_MAX if unseen.
    TimedEventRef machineLoad() const noexcept { return m_machineLoad; }
    // Who took the cores: the "others" MachineLoad event written just before it.
    TimedEventRef machineOthers() const noexcept { return m_machineOthers; }

private:
    struct ProcCursor;   // per-process incremental state (defined in run_model.cpp)
    void consume(const Trace& trace, std::size_t i);
    ProcLaneIndex& procLane(ProcId p);
    CoreLaneIndex& coreLane(std::int32_t c);
    QueueIndex& queueAt(std::int32_t id);
    LockIndex& lockAt(std::int32_t id);

    void applyProgram(ProcId p, std::int64_t t);
    void consumeProc(const Event& e, ProcLaneIndex& lane, ProcCursor& cur);
    void consumeTask(const Event& e, ProcLaneIndex& lane, ProcCursor& cur);
    void consumeQueue(const Event& e);
    void noteStopSignal(QueueIndex& q, std::size_t k);
    bool isPoolWorker(ProcId p);
    void consumeLock(const Event& e, ProcLaneIndex& lane, ProcCursor& cur);
    void consumeSync(const Event& e, ProcCursor& cur);
    void endSyncWaits(ProcId p, std::int64_t t);
    void consumeJoin(const Event& e, ProcCursor& cur);
    void enterSyncState(ProcId p, ProcCursor& cur, LaneState waiting, std::int64_t t);
    void leaveSyncState(ProcId p, ProcCursor& cur, std::int64_t t);
    SyncIndex& syncAt(ObjectKind kind, std::int32_t id);
    void consumeCore(const Event& e, ProcLaneIndex& lane, ProcCursor& cur);
    void endTask(ProcCursor& cur, std::int64_t t, TaskOutcome o);
    void markStopped(ProcLaneIndex& lane);
    void cpuIn(ProcId p, std::int32_t core, std::int64_t t);
    void cpuOut(ProcId p, std::int32_t core, std::int64_t t, bool preempted);
    void closeCore(std::int32_t core, std::int64_t t, bool preempted);
    void restoreAfterLockWait(ProcId p);

    const Trace* m_trace = nullptr;
    std::int64_t m_firstT = 0;             // detects a different Trace at the same address
    std::size_t m_consumed = 0;
    std::int64_t m_now = 0;
    bool m_paused = false;
    std::vector<CoreLaneIndex> m_cores;
    std::vector<ProcLaneIndex> m_procs;
    std::vector<ProcCursor> m_cursors;                // parallel to m_procs
    std::vector<QueueIndex> m_queues;
    std::vector<std::int8_t> m_poolWorker;            // by ProcId: 1 a pool worker, 0 not, -1 not yet named
    std::vector<LockIndex> m_locks;
    std::vector<SyncIndex> m_syncs;
    std::vector<JoinRecord> m_joins;
    std::vector<PauseInterval> m_pauses;
    std::vector<TimedEventRef> m_prints, m_captions;
    std::vector<std::vector<TimedEventRef>> m_anchors;  // by ProcId
    std::vector<std::vector<TimedEventRef>> m_sourceLines;  // by ProcId
    std::vector<TimedEventRef> m_notes;
    std::vector<TaskRecord> m_tasks;
    std::unordered_map<std::int32_t, std::size_t> m_failedByIndex;   // task index -> failed record
    std::vector<CpuInterval> m_cpu;
    std::vector<std::size_t> m_coreCpu;               // by core: its open interval in m_cpu, or SIZE_MAX
    std::vector<LossRecord> m_losses;
    std::vector<ChunkRecord> m_chunks;
    std::vector<ResultRecord> m_results;
    std::vector<WriterWaitRecord> m_writerWaits;   // in time order
    std::int64_t m_runStartT = kNever, m_runEndT = kNever;
    std::int64_t m_stopT = kNever;
    int m_stopSignal = 0;
    TimedEventRef m_machineLoad{kNever, UINT32_MAX};
    TimedEventRef m_machineOthers{kNever, UINT32_MAX};

public:
    RunModel();
    ~RunModel();
    RunModel(RunModel&&) noexcept;
    RunModel& operator=(RunModel&&) noexcept;
};


// =============================================================================
// [SECTION] Failures
// =============================================================================
// What failed in a run, up to a time cursor. The summary, --summary-json, the
// Stats panel, the Chrome export, Run::status() and the CLI's exit status all
// take their failures from describeFailures(), so they name each failure once
// and always agree.
enum class FailureKind : std::uint8_t {
    TaskRaised,       // a task's own error
    TaskWorkerDied,   // a task lost with its worker (killed, crashed)
    ProcessFailed,    // a plain process (not a pool worker) exited non-zero or by a signal
    EventsLost,       // a trace ring overflowed: the record of the run is incomplete
};
struct Failure {
    FailureKind kind = FailureKind::TaskRaised;
    std::int64_t t = 0;                    // when (absolute ns)
    ProcId proc = kNoProc;                 // the worker concerned
    std::int32_t task = -1;                // index into RunModel::tasks(), -1 if none
    std::string text;                      // one line, e.g. "task A failed: it raised on ForkPoolWorker-2"
};
// Failures with t <= cut, in time order, lost events last. A pool worker that
// dies while idle is not a failure (CPython's Pool replaces it and finishes);
// a pool worker that dies in a task fails that task, named once. What the
// run's own stop ended (stoppedByRun: TaskOutcome::Stopped, a plain process
// killed by it) is not a failure: the user stopped it.
std::vector<Failure> describeFailures(const RunModel& model, const Trace& trace, std::int64_t cut = kOpenEnd);
// True when a pool task was lost with its worker up to cut: the case where
// CPython's Pool.map would have waited forever.
bool poolTaskLostWithWorker(const RunModel& model, const Trace& trace, std::int64_t cut = kOpenEnd);

// What a failed task raised, "ZeroDivisionError: division by zero"; "" when
// the trace does not say (a worker died, or an engine task).
std::string taskErrorText(const Trace& trace, const TaskRecord& r);
// How process p's task `index` ended, for a task's hover text: "raised
// ZeroDivisionError: division by zero", "failed: its worker died under it",
// "done", "running", ...; "" when p ran no such task.
std::string describeTaskOutcome(const RunModel& m, const Trace& trace, ProcId p, std::int32_t index);

// "SIGKILL" for 9; "signal" when unknown.
const char* signalName(int sig) noexcept;
// How a process ended: "exited with code 3", "was killed by SIGKILL (signal 9)".
std::string describeExitCode(std::int64_t code);
// "ForkPoolWorker-1 (pid 1001) was killed by SIGKILL (signal 9)": the one exit sentence.
std::string describeExit(const std::string& name, std::int64_t pid, std::int64_t code);
// A queue value preview as readable text: up to the first NUL (wire formats put
// readable text first, binary after it), control bytes escaped as \xNN.
std::string readableValue(std::string_view preview);
// Whether a queue item's preview is a stop signal (sentinel) on a queue of that
// role: "None" (CPython's, any queue), "sentinel" (the engine's pool task
// queue) or "stop" (the engine's pool result queue).
bool isStopSignal(std::string_view preview, PoolQueueRole role);
// Which pool worker p is, from the task queue it took its work from (the
// model's queue roles, never its name): a Pool's or a ProcessPoolExecutor's;
// None when it took nothing from either. O(task-queue items).
PoolKind workerPoolKind(const RunModel& m, ProcId p);
// Names: meta().procs[p].name, or "Process-<p>" if the trace has none.
std::string procName(const TraceMeta& meta, ProcId p);

} // namespace parviz
