// RunModel: the one interpreter of the event stream (run_model.hpp). Each
// event is consumed once; per-frame builders, stats and the export read the
// records it keeps.
//
// [SECTION] Colours and names
// [SECTION] SpanRow
// [SECTION] RunModel: update and lookups
// [SECTION] RunModel: processes, pauses, tasks
// [SECTION] RunModel: queues and locks
// [SECTION] RunModel: cores
// [SECTION] Failures and exit texts
#include "parviz/machine_load.hpp"
#include "parviz/run_model.hpp"
#include "parviz/views.hpp"

#include <algorithm>
#include <bit>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace parviz {

namespace {
// An open span (t1 = kOpenEnd) starting at t: the shape every row push takes.
Span openSpan(std::int64_t t, ProcId p, LaneState state, std::int32_t value = 0,
              std::uint64_t label = kNoString) {
    Span s;
    s.t0 = t;
    s.proc = p;
    s.state = state;
    s.value = value;
    s.label = label;
    return s;
}
} // namespace

// =============================================================================
// [SECTION] Colours and names
// =============================================================================
int procColourIndex(ProcId p) noexcept {
    if (p == kParentProc || p == kNoProc) return -1;
    return static_cast<int>((p - 1) % kProcPalette.size());
}

Rgb procColour(ProcId p) noexcept {
    int i = procColourIndex(p);
    return i < 0 ? kParentColour : kProcPalette[static_cast<std::size_t>(i)];
}

const char* toString(LaneState s) noexcept {
    switch (s) {
    case LaneState::None: return "none";
    case LaneState::Busy: return "other processes";
    case LaneState::Exited: return "exited";
    case LaneState::Idle: return "idle";
    case LaneState::Sleeping: return "sleeping";
    case LaneState::Running: return "running";
    case LaneState::Task: return "task";
    case LaneState::OnCore: return "on a core";
    case LaneState::HoldLock: return "holding the lock";
    case LaneState::Runnable: return "runnable, waiting for a core";
    case LaneState::TaskFailed: return "task failed";
    case LaneState::Killed: return "killed";
    case LaneState::Stopped: return "stopped";
    case LaneState::WaitQueue: return "waiting for the queue";
    case LaneState::WaitSync: return "waiting to be woken (event, condition, barrier, join)";
    case LaneState::WaitLock: return "waiting for the lock";
    case LaneState::Count: break;
    }
    return "?";
}

const char* toString(RowKind k) noexcept {
    switch (k) {
    case RowKind::CoreProcs: return "processes";
    case RowKind::CoreLoad: return "other load";
    case RowKind::Program: return "program";
    case RowKind::Os: return "os";
    case RowKind::Tasks: return "tasks";
    case RowKind::Locks: return "locks";
    }
    return "?";
}

// =============================================================================
// [SECTION] SpanRow
// =============================================================================
std::size_t SpanRow::firstEndingAfter(std::int64_t t, std::size_t from, std::uint64_t* probes) const noexcept {
    std::size_t lo = std::min(from, m_spans.size()), hi = m_spans.size();
    std::uint64_t n = 0;
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        ++n;
        if (m_spans[mid].t1 > t) hi = mid;
        else lo = mid + 1;
    }
    if (probes) *probes += n;
    return lo;
}

LaneState SpanRow::worstState(std::size_t i, std::size_t j) const noexcept {
    if (i >= j || j > m_spans.size()) return LaneState::None;
    std::size_t len = j - i;
    if (len == 1) return m_spans[i].state;
    // Level k-1 of m_max covers windows of 2^k spans; two overlapping windows cover [i, j).
    int k = std::bit_width(len) - 1;
    const auto& lvl = m_max[static_cast<std::size_t>(k - 1)];
    return static_cast<LaneState>(std::max(lvl[i], lvl[j - (std::size_t{1} << k)]));
}

std::int64_t SpanRow::busyNs(std::size_t i, std::size_t j) const noexcept {
    if (i >= j || j >= m_busyPrefix.size()) return 0;
    return m_busyPrefix[j] - m_busyPrefix[i];
}

std::int64_t SpanRow::coveredNs(std::size_t i, std::size_t j) const noexcept {
    if (i >= j || j >= m_lenPrefix.size()) return 0;
    return m_lenPrefix[j] - m_lenPrefix[i];
}

void SpanRow::push(const Span& in, std::int64_t busy) {
    Span s = in;
    if (hasOpen()) closeOpen(s.t0);
    // Keep the row sorted and non-overlapping even if the events were not.
    if (!m_spans.empty()) s.t0 = std::max(s.t0, m_spans.back().t1);
    if (s.t1 < s.t0) s.t1 = s.t0;
    m_spans.push_back(s);
    m_busyPrefix.push_back(m_busyPrefix.back() + busy);
    m_lenPrefix.push_back(m_lenPrefix.back() + (s.t1 == kOpenEnd ? 0 : s.t1 - s.t0));
    // Sparse table: element n completes exactly one new window per level.
    std::size_t n = m_spans.size() - 1;
    for (std::size_t k = 0;; ++k) {
        std::size_t w = std::size_t{2} << k;   // window 2^(k+1)
        if (n + 1 < w) break;
        std::size_t i = n + 1 - w;
        if (m_max.size() <= k) m_max.emplace_back();
        std::uint8_t a, b;
        if (k == 0) {
            a = static_cast<std::uint8_t>(m_spans[i].state);
            b = static_cast<std::uint8_t>(m_spans[i + 1].state);
        } else {
            a = m_max[k - 1][i];
            b = m_max[k - 1][i + (w >> 1)];
        }
        m_max[k].push_back(std::max(a, b));
    }
}

void SpanRow::closeOpen(std::int64_t t) noexcept {
    if (!hasOpen()) return;
    Span& s = m_spans.back();
    s.t1 = std::max(t, s.t0);
    m_lenPrefix.back() += s.t1 - s.t0;
    // The os row's runnable time is its "busy" time: a merged record of it
    // (a stretch narrower than a pixel or two) then knows how much of it the
    // process spent wanting a core it did not have (buildLanes' Lane::runnable).
    if (s.state == LaneState::Runnable) m_busyPrefix.back() += s.t1 - s.t0;
}

void SpanRow::setLastState(LaneState st) noexcept {
    if (m_spans.empty()) return;
    m_spans.back().state = st;
    std::size_t n = m_spans.size() - 1;
    for (std::size_t k = 0; k < m_max.size(); ++k) {
        std::size_t w = std::size_t{2} << k;
        if (n + 1 < w) break;
        std::size_t i = n + 1 - w;
        std::uint8_t a = k == 0 ? static_cast<std::uint8_t>(m_spans[i].state) : m_max[k - 1][i];
        std::uint8_t b = k == 0 ? static_cast<std::uint8_t>(m_spans[i + 1].state) : m_max[k - 1][i + (w >> 1)];
        m_max[k][i] = std::max(a, b);
    }
}

// =============================================================================
// [SECTION] RunModel: update and lookups
// =============================================================================
struct RunModel::ProcCursor {
    bool alive = false;                 // seen and not exited
    bool stoppedBySignal = false;       // ProcStopped..ProcContinued
    LaneState programState = LaneState::None;   // from State events (None: never told)
    bool lockImplied = false;           // WaitLock came from LockWait, not from a State event
    LaneState beforeLockWait = LaneState::None;
    std::int32_t core = -1;             // the core it is on, -1 if none
    std::vector<std::int32_t> heldLocks;  // innermost last
    std::size_t openTask = SIZE_MAX;    // index into m_tasks of its running task
    std::size_t chunk = SIZE_MAX;       // index into m_chunks of the chunk it took last
    // Its open SyncWaits (threads of one process may wait at once): (index
    // into m_syncs, index into its waits); the program row shows WaitSync (WaitQueue for a pool's results)
    // while any is open, then what it showed before.
    std::vector<std::pair<std::size_t, std::size_t>> openSyncs;
    std::vector<std::size_t> openJoins;   // its open Process.join waits (index into m_joins): WaitSync too
    LaneState beforeSync = LaneState::None;
    LaneState syncState = LaneState::None;   // what the first open wait made the row show
};

RunModel::RunModel() = default;
RunModel::~RunModel() = default;
RunModel::RunModel(RunModel&&) noexcept = default;
RunModel& RunModel::operator=(RunModel&&) noexcept = default;

void RunModel::reset() {
    *this = RunModel{};
}

std::uint64_t RunModel::lostEvents(std::int64_t cut) const noexcept {
    std::uint64_t n = 0;
    for (const LossRecord& l : m_losses)
        if (l.t <= cut && !l.texts) n += l.count;
    return n;
}

std::uint64_t RunModel::lostTexts(std::int64_t cut) const noexcept {
    std::uint64_t n = 0;
    for (const LossRecord& l : m_losses)
        if (l.t <= cut && l.texts) n += l.count;
    return n;
}

std::uint64_t RunModel::writerWaitNs(std::int64_t cut) const noexcept {
    std::uint64_t n = 0;
    for (const WriterWaitRecord& w : m_writerWaits)
        if (w.t <= cut) n += w.ns;
    return n;
}

std::uint64_t RunModel::writerWaits(std::int64_t cut) const noexcept {
    std::uint64_t n = 0;
    for (const WriterWaitRecord& w : m_writerWaits)
        if (w.t <= cut) n += w.waits;
    return n;
}

bool RunModel::update(const Trace& trace, std::size_t maxEvents) {
    const std::size_t size = trace.size();
    std::size_t n = size;
    if (m_trace != &trace || n < m_consumed || (m_consumed > 0 && trace[0].t != m_firstT)) {
        reset();
        m_trace = &trace;
    }
    if (m_consumed == 0 && n > 0) m_firstT = trace[0].t;
    if (n - m_consumed > maxEvents) n = m_consumed + maxEvents;
    for (std::size_t i = m_consumed; i < n; ++i) consume(trace, i);
    m_consumed = n;
    return n == size;
}

const QueueIndex* RunModel::queue(std::int32_t id) const noexcept {
    for (const auto& q : m_queues)
        if (q.id == id) return &q;
    return nullptr;
}

const LockIndex* RunModel::lock(std::int32_t id) const noexcept {
    for (const auto& l : m_locks)
        if (l.id == id) return &l;
    return nullptr;
}

ProcLaneIndex& RunModel::procLane(ProcId p) {
    if (p >= m_procs.size()) {
        std::size_t old = m_procs.size();
        m_procs.resize(std::size_t{p} + 1);
        m_cursors.resize(std::size_t{p} + 1);
        m_anchors.resize(std::size_t{p} + 1);
        m_sourceLines.resize(std::size_t{p} + 1);
        for (std::size_t i = old; i < m_procs.size(); ++i) m_procs[i].proc = static_cast<ProcId>(i);
    }
    return m_procs[p];
}

CoreLaneIndex& RunModel::coreLane(std::int32_t c) {
    auto i = static_cast<std::size_t>(std::max(c, 0));
    if (i >= m_cores.size()) {
        std::size_t old = m_cores.size();
        m_cores.resize(i + 1);
        m_coreCpu.resize(i + 1, SIZE_MAX);
        for (std::size_t k = old; k < m_cores.size(); ++k) m_cores[k].core = static_cast<std::int32_t>(k);
    }
    return m_cores[i];
}

QueueIndex& RunModel::queueAt(std::int32_t id) {
    QueueIndex* found = nullptr;
    for (auto& q : m_queues)
        if (q.id == id) { found = &q; break; }
    if (!found) {
        m_queues.emplace_back();
        found = &m_queues.back();
        found->id = id;
    }
    // Its pool role, from its name: read until the object is named (a traced
    // program names a queue before its first put, but a source may lag).
    if (!found->roleKnown && m_trace) {
        const TraceMeta meta = m_trace->meta();   // a copy: once per queue
        if (const ObjectInfo* o = meta.findObject(ObjectKind::Queue, id)) {
            found->roleKnown = true;
            const bool executor = o->name == kExecutorCallsQueue || o->name == kExecutorResultsQueue;
            found->poolRole = o->name == kPoolTasksQueue || o->name == kExecutorCallsQueue ? PoolQueueRole::Tasks
                              : o->name == kPoolResultsQueue || o->name == kExecutorResultsQueue
                                  ? PoolQueueRole::Results
                                  : PoolQueueRole::None;
            found->poolKind = found->poolRole == PoolQueueRole::None ? PoolKind::None
                              : executor                             ? PoolKind::Executor
                                                                     : PoolKind::Pool;
        }
    }
    return *found;
}

// Records item k of q as a stop signal when its preview says so (kept ascending:
// a preview first seen on a get can come after later items were indexed). On a
// pool's result queue a None is a stop signal only when no pool worker put it:
// a task that returns None (apply_async) hands back a None result.
void RunModel::noteStopSignal(QueueIndex& q, std::size_t k) {
    const QueueItemRecord& r = q.items[k];
    if (!m_trace || r.preview == kNoString) return;
    std::string_view v = m_trace->string(r.preview);
    v = v.substr(0, std::min(v.find('\0'), v.size()));
    if (q.poolKind == PoolKind::Executor && q.poolRole == PoolQueueRole::Results) {
        // An executor's worker answers its stop signal with its pid as it exits
        // ("pid N: exiting", the tracer's words): the result queue's stop signals.
        if (!(v.starts_with("pid ") && v.ends_with(": exiting"))) return;
    } else {
        if (!isStopSignal(v, q.poolRole)) return;
        if (q.poolRole == PoolQueueRole::Results && (r.putProc == kNoProc || isPoolWorker(r.putProc))) return;
    }
    auto at = std::lower_bound(q.stopSignals.begin(), q.stopSignals.end(), k);
    if (at == q.stopSignals.end() || *at != k) q.stopSignals.insert(at, k);
}

// Whether process p is a pool worker (its role in the metadata), cached: the
// metadata is read (a copy) only for a process not seen named before.
bool RunModel::isPoolWorker(ProcId p) {
    if (p >= m_poolWorker.size()) m_poolWorker.resize(std::size_t{p} + 1, -1);
    if (m_poolWorker[p] < 0 && m_trace) {
        const TraceMeta meta = m_trace->meta();
        if (p < meta.procs.size()) m_poolWorker[p] = meta.procs[p].role == ProcRole::PoolWorker ? 1 : 0;
    }
    return m_poolWorker[p] == 1;
}

LockIndex& RunModel::lockAt(std::int32_t id) {
    for (auto& l : m_locks)
        if (l.id == id) return l;
    m_locks.emplace_back();
    m_locks.back().id = id;
    // A Semaphore: its value from the metadata, named before its first event.
    // (meta() is a copy: keep it while its object is read.)
    if (m_trace) {
        const TraceMeta meta = m_trace->meta();
        if (const ObjectInfo* o = meta.findObject(ObjectKind::Lock, id); o && o->semaphore) {
            m_locks.back().semaphore = true;
            m_locks.back().capacity = static_cast<std::int32_t>(std::clamp<std::int64_t>(o->size, 0, INT32_MAX));
        }
    }
    return m_locks.back();
}

const SyncIndex* RunModel::sync(ObjectKind kind, std::int32_t id) const noexcept {
    for (const auto& x : m_syncs)
        if (x.kind == kind && x.id == id) return &x;
    return nullptr;
}

SyncIndex& RunModel::syncAt(ObjectKind kind, std::int32_t id) {
    for (auto& x : m_syncs)
        if (x.kind == kind && x.id == id) return x;
    m_syncs.emplace_back();
    m_syncs.back().kind = kind;
    m_syncs.back().id = id;
    return m_syncs.back();
}

// The program row shows Stopped over whatever the program said, while stopped.
void RunModel::applyProgram(ProcId p, std::int64_t t) {
    ProcCursor& c = m_cursors[p];
    if (!c.alive) return;
    bool stopped = c.stoppedBySignal || (m_paused && p != kParentProc);
    LaneState want = stopped ? LaneState::Stopped : c.programState;
    SpanRow& row = m_procs[p].program;
    LaneState have = row.hasOpen() ? row[row.size() - 1].state : LaneState::None;
    if (want == have) return;
    if (want == LaneState::None) { row.closeOpen(t); return; }
    row.push(openSpan(t, p, want));
}

void RunModel::restoreAfterLockWait(ProcId p) {
    ProcCursor& c = m_cursors[p];
    if (c.lockImplied && c.programState == LaneState::WaitLock) c.programState = c.beforeLockWait;
    c.lockImplied = false;
}

static LaneState fromWorkerState(std::int32_t s) {
    switch (static_cast<WorkerState>(s)) {
    case WorkerState::Idle: return LaneState::Idle;
    case WorkerState::Running: return LaneState::Running;
    case WorkerState::Sleeping: return LaneState::Sleeping;
    case WorkerState::WaitQueue: return LaneState::WaitQueue;
    case WorkerState::WaitLock: return LaneState::WaitLock;
    }
    return LaneState::Idle;   // an unknown state is data, not a crash
}

static bool isAnchorable(EventKind k) {
    switch (k) {
    case EventKind::ProcStart: case EventKind::ProcExit: case EventKind::TaskStart: case EventKind::TaskEnd:
    case EventKind::State: case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty:
    case EventKind::QueueFull: case EventKind::QueueClose: case EventKind::LockWait: case EventKind::LockAcquire:
    case EventKind::LockRelease: case EventKind::LockTimeout: case EventKind::Print: case EventKind::SyncWait:
    case EventKind::SyncWake: case EventKind::SyncSignal: case EventKind::PoolResult: case EventKind::ProcJoin:
        return true;
    default: return false;
    }
}

static bool isCaptionWorthy(EventKind k) {
    switch (k) {
    case EventKind::ProcStart: case EventKind::ProcExit: case EventKind::TaskStart: case EventKind::TaskEnd:
    case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty: case EventKind::QueueFull:
    case EventKind::LockWait: case EventKind::LockAcquire: case EventKind::LockRelease:
    case EventKind::LockTimeout: case EventKind::LockOwnerDied: case EventKind::Print:
    case EventKind::RunStart: case EventKind::RunPause: case EventKind::RunResume: case EventKind::RunEnd:
    case EventKind::KillRequest: case EventKind::Note: case EventKind::RunStop: case EventKind::SyncWait:
    case EventKind::SyncWake: case EventKind::SyncSignal: case EventKind::PoolResult: case EventKind::ProcJoin:
        return true;
    default: return false;
    }
}

// The one switch that gives each event kind its meaning; each family's
// pairing lives in its own consume* function below.
void RunModel::consume(const Trace& trace, std::size_t idx) {
    const Event& e = trace[idx];
    m_now = e.t;
    const ProcId p = e.proc;
    ProcLaneIndex& lane = procLane(p);
    ProcCursor& cur = m_cursors[p];
    if (!lane.seen) {
        lane.seen = true;
        lane.firstT = e.t;
        cur.alive = true;
    }
    const TimedEventRef ref{e.t, static_cast<std::uint32_t>(idx)};
    if (isAnchorable(e.kind)) m_anchors[p].push_back(ref);
    // A process stopped or continued from outside (flags 1) is news; a pause's
    // own ProcStopped events are not (RunPause says it once).
    const bool outside = (e.kind == EventKind::ProcStopped || e.kind == EventKind::ProcContinued) && (e.flags & 1);
    if (isCaptionWorthy(e.kind) || outside) m_captions.push_back(ref);

    switch (e.kind) {
    case EventKind::ProcStart: case EventKind::ProcExit: case EventKind::ProcStopped: case EventKind::ProcContinued:
    case EventKind::RunPause: case EventKind::RunResume: case EventKind::State: case EventKind::KillRequest:
        consumeProc(e, lane, cur);
        break;
    case EventKind::TaskStart: case EventKind::TaskEnd: case EventKind::TaskChunk:
        consumeTask(e, lane, cur);
        break;
    case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty: case EventKind::QueueFull:
        consumeQueue(e);
        break;
    case EventKind::LockWait: case EventKind::LockAcquire: case EventKind::LockTimeout: case EventKind::LockRelease:
    case EventKind::LockOwnerDied:
        consumeLock(e, lane, cur);
        break;
    case EventKind::CoreIn: case EventKind::CoreOut: case EventKind::CoreLoad:
        consumeCore(e, lane, cur);
        break;
    case EventKind::SyncWait: case EventKind::SyncWake: case EventKind::SyncSignal:
        consumeSync(e, cur);
        break;
    case EventKind::ProcJoin:
        consumeJoin(e, cur);
        break;
    case EventKind::Print: m_prints.push_back(ref); break;
    case EventKind::Note: m_notes.push_back(ref); break;
    case EventKind::RunStart: if (m_runStartT == kNever) m_runStartT = e.t; break;
    case EventKind::RunEnd: m_runEndT = e.t; break;
    case EventKind::RunStop:
        if (m_stopT != kNever) break;
        m_stopT = e.t;
        m_stopSignal = static_cast<int>(std::min<std::uint64_t>(e.a, 64));
        // Workers the stop's signal reached before parviz stopped the run.
        for (ProcLaneIndex& l : m_procs)
            if (stoppedByRun(l)) markStopped(l);
        break;
    case EventKind::MachineLoad:
        if (e.flags & kMachineLoadOthers) m_machineOthers = ref;
        else m_machineLoad = ref;
        break;
    case EventKind::PoolResult:
        m_results.push_back({e.t, p, std::max(e.obj, 0), e.a, (e.flags & 1) != 0, e.b ? e.b - 1 : kNoString});
        break;
    case EventKind::Lost:
        m_losses.push_back({e.t, static_cast<ProcId>(std::clamp<std::int32_t>(e.obj, 0, kNoProc - 1)), e.a,
                            e.flags == 1});
        if (e.flags != 1 && e.obj >= 0 && e.obj < kNoProc) procLane(static_cast<ProcId>(e.obj)).lostEvents += e.a;
        break;
    case EventKind::QueueClose: break;   // nothing to pair: kept for captions and anchors
    case EventKind::WriterWait:
        m_writerWaits.push_back({e.t, e.a, e.b});
        break;   // tracing overhead (tracer.hpp): the summary sums it
    case EventKind::SourceLine:   // where a traced program's next event came from (the Code panel)
        procLane(e.proc);
        m_sourceLines[e.proc].push_back(ref);
        break;
    }
}

// =============================================================================
// [SECTION] RunModel: processes, pauses, tasks
// =============================================================================
void RunModel::consumeProc(const Event& e, ProcLaneIndex& lane, ProcCursor& cur) {
    const ProcId p = e.proc;
    const bool exited = lane.exitT != kNever;
    switch (e.kind) {
    case EventKind::ProcStart:
        lane.pid = e.a;
        lane.startT = e.t;
        if (cur.programState == LaneState::None) cur.programState = LaneState::Idle;
        applyProgram(p, e.t);
        break;
    case EventKind::ProcExit: {
        if (exited) break;
        lane.exitT = e.t;
        lane.exitCode = static_cast<std::int64_t>(e.a);
        // A task still open at a clean exit lost its end; at a death it died with the worker.
        if (cur.openTask != SIZE_MAX) endTask(cur, e.t, lane.exitCode < 0 ? TaskOutcome::WorkerDied : TaskOutcome::EndLost);
        // Its own program ended it (Pool's terminate, a `with Pool()` block's
        // exit, Process.terminate()): a stop, as the user's is, not a death.
        const bool terminated = lane.terminatedByProgram();
        if (stoppedByRun(lane) || terminated) markStopped(lane);
        if (cur.core >= 0) cpuOut(p, cur.core, e.t, false);
        cur.core = -1;
        lane.os.closeOpen(e.t);
        lane.tasks.closeOpen(e.t);
        lane.locks.closeOpen(e.t);
        cur.heldLocks.clear();
        endSyncWaits(p, e.t);
        lane.program.push(openSpan(e.t, p, lane.exitCode < 0 && !terminated ? LaneState::Killed : LaneState::Exited));
        cur.alive = false;
        break;
    }
    case EventKind::ProcStopped:
    case EventKind::ProcContinued:
        cur.stoppedBySignal = e.kind == EventKind::ProcStopped;
        applyProgram(p, e.t);
        break;
    case EventKind::RunPause:
    case EventKind::RunResume: {
        bool pause = e.kind == EventKind::RunPause;
        if (pause == m_paused) break;
        m_paused = pause;
        if (pause) m_pauses.push_back({e.t, kOpenEnd});
        else if (!m_pauses.empty()) m_pauses.back().t1 = e.t;
        for (std::size_t q = 1; q < m_procs.size(); ++q) applyProgram(static_cast<ProcId>(q), e.t);
        break;
    }
    case EventKind::State:
        if (exited) break;
        cur.programState = fromWorkerState(e.obj);
        cur.lockImplied = false;
        applyProgram(p, e.t);
        break;
    case EventKind::KillRequest: {
        if (e.obj < 0 || e.obj >= kNoProc) break;
        ProcLaneIndex& target = procLane(static_cast<ProcId>(e.obj));
        if (target.killRequestT == kNever) {
            target.killRequestT = e.t;
            target.killSignal = static_cast<std::int32_t>(e.a);
            target.killByProgram = (e.flags & 1) != 0;
        }
        break;
    }
    default: break;
    }
}

void RunModel::endTask(ProcCursor& cur, std::int64_t t, TaskOutcome o) {
    TaskRecord& r = m_tasks[cur.openTask];
    r.t1 = std::max(t, r.t0);
    r.outcome = o;
    if (isFailure(o)) m_failedByIndex.emplace(r.index, cur.openTask);
    cur.openTask = SIZE_MAX;
}

bool RunModel::stoppedByRun(const ProcLaneIndex& lane) const noexcept {
    if (m_stopT == kNever || lane.exitT == kNever || lane.exitCode >= 0) return false;
    // A kill the user asked for before the stop (--kill-worker) stays a failure.
    if (lane.killRequestT != kNever && lane.killRequestT < m_stopT) return false;
    return lane.exitT >= m_stopT || (m_stopSignal != 0 && -lane.exitCode == m_stopSignal);
}

// The task a worker died in was stopped, not failed. Its span stops looking
// failed too.
void RunModel::markStopped(ProcLaneIndex& lane) {
    for (std::size_t id : lane.taskIds) {
        TaskRecord& r = m_tasks[id];
        if (r.outcome != TaskOutcome::WorkerDied) continue;
        r.outcome = TaskOutcome::Stopped;
        if (auto it = m_failedByIndex.find(r.index); it != m_failedByIndex.end() && it->second == id)
            m_failedByIndex.erase(it);
        if (!lane.tasks.empty() && lane.tasks[lane.tasks.size() - 1].value == r.index &&
            lane.tasks[lane.tasks.size() - 1].state == LaneState::TaskFailed)
            lane.tasks.setLastState(LaneState::Task);
    }
}

void RunModel::consumeTask(const Event& e, ProcLaneIndex& lane, ProcCursor& cur) {
    const ProcId p = e.proc;
    if (e.kind == EventKind::TaskChunk) {
        cur.chunk = m_chunks.size();
        m_chunks.push_back({e.t, p, e.obj, static_cast<std::uint32_t>(e.a), static_cast<std::uint32_t>(e.b)});
        return;
    }
    if (e.kind == EventKind::TaskStart) {
        // A start while a task is open: the open one's TaskEnd was lost.
        if (cur.openTask != SIZE_MAX) endTask(cur, e.t, TaskOutcome::EndLost);
        TaskRecord r;
        r.index = e.obj;
        r.name = e.a;
        r.proc = p;
        r.t0 = e.t;
        r.nominalNs = static_cast<std::int64_t>(e.b);
        if (cur.chunk != SIZE_MAX) {
            const ChunkRecord& c = m_chunks[cur.chunk];
            const auto i = static_cast<std::uint64_t>(std::max(e.obj, 0));
            if (e.obj >= 0 && i >= c.begin && i < std::uint64_t{c.begin} + c.count) r.chunk = c.chunk;
            if ((e.flags & kTaskSummarised) && r.chunk >= 0) r.summarised = c.count;
        }
        cur.openTask = m_tasks.size();
        lane.taskIds.push_back(m_tasks.size());
        m_tasks.push_back(r);
        lane.tasks.push(openSpan(e.t, p, LaneState::Task, e.obj, e.a));
        return;
    }
    // TaskEnd (b: 1 + string id of what a traced task raised, 0: not said; format 10)
    const bool failed = (e.flags & 1) != 0;
    const std::uint64_t error = failed && !(e.flags & 2) && e.b != 0 ? e.b - 1 : kNoString;
    if (cur.openTask != SIZE_MAX) {
        m_tasks[cur.openTask].error = error;
        endTask(cur, e.t, !failed ? TaskOutcome::Done : (e.flags & 2) ? TaskOutcome::WorkerDied : TaskOutcome::Raised);
        if (lane.tasks.hasOpen()) {
            if (failed) lane.tasks.setLastState(LaneState::TaskFailed);
            lane.tasks.closeOpen(e.t);
        }
        return;
    }
    // No open task: a failure written on behalf of a worker that already died
    // (or whose start was lost). Count it once per task index.
    if (!failed || m_failedByIndex.count(e.obj)) return;
    TaskRecord r;
    r.index = e.obj;
    r.name = e.a;
    r.proc = p;
    r.t1 = e.t;
    r.outcome = (e.flags & 2) ? TaskOutcome::WorkerDied : TaskOutcome::Raised;
    r.error = error;
    r.reportedBy = p;
    m_failedByIndex.emplace(r.index, m_tasks.size());
    lane.taskIds.push_back(m_tasks.size());
    m_tasks.push_back(r);
}

// =============================================================================
// [SECTION] RunModel: queues and locks
// =============================================================================
void RunModel::consumeQueue(const Event& e) {
    const ProcId p = e.proc;
    QueueIndex& q = queueAt(e.obj);
    auto sample = [&](int delta) {
        std::int64_t len = q.lengths.empty() ? 0 : q.lengths.back().length;
        q.lengths.push_back({e.t, std::max<std::int64_t>(0, len + delta)});
    };
    switch (e.kind) {
    case EventKind::QueuePut: {
        auto it = q.byItem.find(e.a);
        if (it != q.byItem.end()) {   // its get came first (equal times): fill in the put
            QueueItemRecord& r = q.items[it->second];
            r.putProc = p;
            if (r.preview == kNoString) r.preview = e.b;
            noteStopSignal(q, it->second);
            sample(+1);
            break;
        }
        QueueItemRecord r;
        r.item = e.a;
        r.preview = e.b;
        r.putT = e.t;
        r.putProc = p;
        q.byItem.emplace(e.a, q.items.size());
        q.items.push_back(r);
        noteStopSignal(q, q.items.size() - 1);
        sample(+1);
        break;
    }
    case EventKind::QueueGet: {
        auto it = q.byItem.find(e.a);
        std::size_t k;
        if (it == q.byItem.end()) {   // a get with no put seen: pretend it was put now
            QueueItemRecord r;
            r.item = e.a;
            r.preview = e.b;
            r.putT = e.t;
            k = q.items.size();
            q.byItem.emplace(e.a, k);
            q.items.push_back(r);
        } else {
            k = it->second;
        }
        QueueItemRecord& r = q.items[k];
        if (r.getT != kNever) break;   // a duplicate get is ignored
        r.getT = e.t;
        r.getProc = p;
        r.discarded = (e.flags & kQueueDiscarded) != 0;
        if (r.preview == kNoString) r.preview = e.b;
        noteStopSignal(q, k);
        q.getsByTime.push_back(k);
        sample(-1);
        break;
    }
    default: {   // QueueEmpty / QueueFull
        bool empty = e.kind == EventKind::QueueEmpty;
        (empty ? q.emptyT : q.fullT).push_back(e.t);
        (empty ? q.emptyProc : q.fullProc).push_back(p);
        break;
    }
    }
}

void RunModel::consumeLock(const Event& e, ProcLaneIndex& lane, ProcCursor& cur) {
    const ProcId p = e.proc;
    LockIndex& l = lockAt(e.obj);
    switch (e.kind) {
    case EventKind::LockWait: {
        if (l.waitsByProc.size() <= p) {
            l.waitsByProc.resize(std::size_t{p} + 1);
            l.waitPrefixByProc.resize(std::size_t{p} + 1);
        }
        auto& w = l.waitsByProc[p];
        if (!w.empty() && w.back().endT == kOpenEnd) break;   // already waiting
        w.push_back({e.t, kOpenEnd, false});
        auto& pre = l.waitPrefixByProc[p];
        if (pre.empty()) pre.push_back(0);
        if (cur.programState != LaneState::WaitLock) {
            cur.beforeLockWait = cur.programState;
            cur.programState = LaneState::WaitLock;
            cur.lockImplied = true;
            applyProgram(p, e.t);
        }
        break;
    }
    case EventKind::LockAcquire:
    case EventKind::LockTimeout: {
        const bool acquired = e.kind == EventKind::LockAcquire;
        if (p < l.waitsByProc.size() && !l.waitsByProc[p].empty() && l.waitsByProc[p].back().endT == kOpenEnd) {
            auto& w = l.waitsByProc[p].back();
            w.endT = std::max(e.t, w.waitT);
            w.timedOut = !acquired;
            auto& pre = l.waitPrefixByProc[p];
            pre.push_back(pre.back() + (w.endT - w.waitT));
        }
        restoreAfterLockWait(p);
        applyProgram(p, e.t);
        if (!acquired) break;
        if (l.semaphore && l.nextSignal < l.signals.size()) {
            // It went through on another process's release (a signal): no hold of its own.
            LockSignal& sig = l.signals[l.nextSignal++];
            sig.takenT = e.t;
            sig.takenBy = p;
            break;
        }
        if (l.semaphore) l.openHolds.push_back(l.holds.size());   // the other holders keep theirs
        else if (!l.holds.empty() && l.holds.back().releaseT == kOpenEnd) l.holds.back().releaseT = e.t;
        l.holds.push_back({e.t, kOpenEnd, p, (e.flags & 1) != 0});
        cur.heldLocks.push_back(e.obj);
        lane.locks.push(openSpan(e.t, p, LaneState::HoldLock, e.obj));
        break;
    }
    case EventKind::LockRelease: {
        // Whoever releases it, a Lock is free from now: a traced CPython Lock
        // may be released by a process that does not hold it (no owner). A
        // Semaphore ends the releaser's own latest hold; a release by a
        // process that holds none is a signal and ends nobody's.
        if (l.semaphore) {
            auto own = std::find_if(l.openHolds.rbegin(), l.openHolds.rend(),
                                    [&](std::size_t h) { return l.holds[h].proc == p; });
            if (own == l.openHolds.rend()) {
                l.signals.push_back({e.t, p, kNever, kNoProc});
                break;
            }
            l.holds[*own].releaseT = e.t;
            l.openHolds.erase(std::next(own).base());
        } else if (!l.holds.empty() && l.holds.back().releaseT == kOpenEnd) {
            l.holds.back().releaseT = e.t;
        }
        auto it = std::find(cur.heldLocks.rbegin(), cur.heldLocks.rend(), e.obj);
        if (it == cur.heldLocks.rend()) break;
        cur.heldLocks.erase(std::next(it).base());
        lane.locks.closeOpen(e.t);
        if (!cur.heldLocks.empty()) {   // still holding an outer lock
            lane.locks.push(openSpan(e.t, p, LaneState::HoldLock, cur.heldLocks.back()));
        }
        break;
    }
    default:   // LockOwnerDied
        l.ownerDied.push_back({e.t, p, static_cast<ProcId>(e.a)});
        break;
    }
}

// Event, Condition, Barrier, JoinableQueue.join / task_done, a pool's results.
void RunModel::consumeSync(const Event& e, ProcCursor& cur) {
    const ProcId p = e.proc;
    ObjectKind kind;
    if (!syncObjectKind(e, kind)) return;   // a kind this model does not know: data, not a crash
    const std::size_t si = static_cast<std::size_t>(&syncAt(kind, e.obj) - m_syncs.data());
    SyncIndex& x = m_syncs[si];
    switch (e.kind) {
    case EventKind::SyncWait: {
        // Waiting for a pool's results is waiting on its result queue: the row
        // shows WaitQueue, as parviz's engine shows its MainProcess blocked on
        // "pool results" (the same situation, the same words); any other wait WaitSync.
        const LaneState waiting = e.b == kSyncWaitPoolResults ? LaneState::WaitQueue : LaneState::WaitSync;
        enterSyncState(p, cur, waiting, e.t);
        cur.openSyncs.emplace_back(si, x.waits.size());
        SyncWaitRecord w;
        w.t0 = e.t;
        w.proc = p;
        w.poolResults = e.b == kSyncWaitPoolResults;
        x.waits.push_back(w);
        break;
    }
    case EventKind::SyncWake: {
        // The latest open wait of this process on this object.
        auto it = std::find_if(cur.openSyncs.rbegin(), cur.openSyncs.rend(),
                               [&](const auto& o) { return o.first == si; });
        if (it == cur.openSyncs.rend()) break;   // its wait was lost: nothing to end
        SyncWaitRecord& w = x.waits[it->second];
        w.t1 = std::max(e.t, w.t0);
        w.flags = e.flags;
        cur.openSyncs.erase(std::next(it).base());
        leaveSyncState(p, cur, e.t);
        break;
    }
    default: {   // SyncSignal
        const auto op = static_cast<std::uint32_t>(e.b & 0xFFFFFFFFu);
        if (op == 0 || op > kSyncOpLast) break;
        x.signals.push_back({e.t, p, static_cast<SyncOp>(op), static_cast<std::uint32_t>(e.b >> 32)});
        break;
    }
    }
}

// The first open wait (a sync object's or a join) shows `waiting` on the
// program row; the last one to end puts back what it showed before.
void RunModel::enterSyncState(ProcId p, ProcCursor& cur, LaneState waiting, std::int64_t t) {
    if (!cur.openSyncs.empty() || !cur.openJoins.empty()) return;
    cur.beforeSync = cur.programState;
    cur.syncState = waiting;
    if (cur.programState != waiting) {
        cur.programState = waiting;
        applyProgram(p, t);
    }
}

void RunModel::leaveSyncState(ProcId p, ProcCursor& cur, std::int64_t t) {
    if (cur.openSyncs.empty() && cur.openJoins.empty() && cur.programState == cur.syncState) {
        cur.programState = cur.beforeSync;
        applyProgram(p, t);
    }
}

// Process.join: proc waits (WaitSync, the span labelled with the words the
// event carries) until join() returns; a join whose start was lost is nothing.
void RunModel::consumeJoin(const Event& e, ProcCursor& cur) {
    const ProcId p = e.proc;
    if (e.obj < 0 || e.obj >= kNoProc) return;   // data, not a crash
    const auto joined = static_cast<ProcId>(e.obj);
    if (!(e.flags & kJoinEnded)) {
        enterSyncState(p, cur, LaneState::WaitSync, e.t);
        cur.openJoins.push_back(m_joins.size());
        JoinRecord j;
        j.t0 = e.t;
        j.proc = p;
        j.joined = joined;
        j.words = e.a;
        m_joins.push_back(j);
        // The lane says what it waits for (a span opened now, or the wait's own if it began now).
        SpanRow& row = m_procs[p].program;
        if (row.hasOpen() && row[row.size() - 1].state == LaneState::WaitSync && row[row.size() - 1].t0 == e.t)
            row.setLastLabel(e.a);
        return;
    }
    auto it = std::find_if(cur.openJoins.rbegin(), cur.openJoins.rend(),
                           [&](std::size_t k) { return m_joins[k].joined == joined; });
    if (it == cur.openJoins.rend()) return;   // its start was lost: nothing to end
    JoinRecord& j = m_joins[*it];
    j.t1 = std::max(e.t, j.t0);
    j.timedOut = (e.flags & kJoinTimedOut) != 0;
    cur.openJoins.erase(std::next(it).base());
    leaveSyncState(p, cur, e.t);
}

// A process that exits while waiting waits no more.
void RunModel::endSyncWaits(ProcId p, std::int64_t t) {
    ProcCursor& cur = m_cursors[p];
    for (const auto& [si, wi] : cur.openSyncs) {
        SyncWaitRecord& w = m_syncs[si].waits[wi];
        w.t1 = std::max(t, w.t0);
        w.endedByExit = true;
    }
    cur.openSyncs.clear();
    for (std::size_t k : cur.openJoins) {
        m_joins[k].t1 = std::max(t, m_joins[k].t0);
        m_joins[k].endedByExit = true;
    }
    cur.openJoins.clear();
}

// =============================================================================
// [SECTION] RunModel: cores
// =============================================================================
// Ends whatever interval is open on `core` at t (its CoreOut may have been lost).
void RunModel::closeCore(std::int32_t core, std::int64_t t, bool preempted) {
    auto ci = static_cast<std::size_t>(core);
    if (ci >= m_coreCpu.size() || m_coreCpu[ci] == SIZE_MAX) return;
    CpuInterval& iv = m_cpu[m_coreCpu[ci]];
    iv.t1 = std::max(t, iv.t0);
    iv.preempted = preempted;
    m_cores[ci].procs.closeOpen(t);
    if (iv.proc < m_cursors.size() && m_cursors[iv.proc].core == core) m_cursors[iv.proc].core = -1;
    m_coreCpu[ci] = SIZE_MAX;
}

void RunModel::cpuIn(ProcId p, std::int32_t core, std::int64_t t) {
    CoreLaneIndex& c = coreLane(core);
    ProcCursor& cur = m_cursors[p];
    if (cur.core >= 0) closeCore(cur.core, t, false);   // its CoreOut from the previous core was lost
    closeCore(c.core, t, false);                        // whoever was there: its CoreOut was lost
    m_coreCpu[static_cast<std::size_t>(c.core)] = m_cpu.size();
    m_procs[p].cpuIds.push_back(m_cpu.size());
    m_cpu.push_back({t, kOpenEnd, p, c.core, false});
    c.procs.push(openSpan(t, p, LaneState::OnCore, c.core));
    cur.core = c.core;
}

void RunModel::cpuOut(ProcId p, std::int32_t core, std::int64_t t, bool preempted) {
    coreLane(core);
    auto ci = static_cast<std::size_t>(std::max(core, 0));
    if (m_coreCpu[ci] != SIZE_MAX && m_cpu[m_coreCpu[ci]].proc == p) closeCore(core, t, preempted);
    if (m_cursors[p].core == core) m_cursors[p].core = -1;
}

void RunModel::consumeCore(const Event& e, ProcLaneIndex& lane, ProcCursor& cur) {
    const ProcId p = e.proc;
    const bool exited = lane.exitT != kNever;
    switch (e.kind) {
    case EventKind::CoreIn:
        cpuIn(p, std::max(e.obj, 0), e.t);
        if (!exited) lane.os.push(openSpan(e.t, p, LaneState::OnCore, cur.core));
        break;
    case EventKind::CoreOut:
        cpuOut(p, std::max(e.obj, 0), e.t, (e.flags & 1) != 0);
        lane.os.closeOpen(e.t);
        if ((e.flags & 1) && !exited) lane.os.push(openSpan(e.t, p, LaneState::Runnable, std::max(e.obj, 0)));
        break;
    default: {   // CoreLoad
        CoreLaneIndex& c = coreLane(std::max(e.obj, 0));
        auto window = static_cast<std::int64_t>(e.b);
        auto busy = static_cast<std::int64_t>(e.a);
        if (window <= 0) break;
        busy = std::clamp<std::int64_t>(busy, 0, window);
        Span s;
        s.t0 = e.t - window;
        s.t1 = e.t;
        s.state = LaneState::Busy;
        s.value = static_cast<std::int32_t>(busy * 1000 / window);
        ((e.flags & 1) ? c.own : c.load).push(s, busy);
        if (!(e.flags & 1)) {
            // The run's processes' time on this core inside the window (an open span: up to e.t).
            std::int64_t mine = 0;
            for (std::size_t k = c.procs.firstEndingAfter(s.t0, 0); k < c.procs.size() && c.procs[k].t0 < s.t1; ++k)
                mine += std::max<std::int64_t>(0, std::min(c.procs[k].t1, s.t1) - std::max(c.procs[k].t0, s.t0));
            const std::int64_t other = std::clamp<std::int64_t>(busy - mine, 0, window);
            const auto permille = static_cast<std::int32_t>(other * 1000 / window);
            if (permille >= 5) {
                Span o = s;
                o.value = permille;
                c.other.push(o, other);
            }
        }
        break;
    }
    }
}

// =============================================================================
// [SECTION] Failures and exit texts
// =============================================================================
const char* toString(TaskOutcome o) noexcept {
    switch (o) {
    case TaskOutcome::Running: return "running";
    case TaskOutcome::Done: return "done";
    case TaskOutcome::Raised: return "raised";
    case TaskOutcome::WorkerDied: return "worker died";
    case TaskOutcome::EndLost: return "end lost";
    case TaskOutcome::Stopped: return "stopped";
    }
    return "?";
}

std::string procName(const TraceMeta& meta, ProcId p) {
    if (p < meta.procs.size() && !meta.procs[p].name.empty()) return meta.procs[p].name;
    if (p == kParentProc) return "MainProcess";
    if (p == kNoProc) return "?";
    return "Process-" + std::to_string(p);
}

const char* signalName(int sig) noexcept {
    switch (sig) {
    case SIGHUP: return "SIGHUP";   case SIGINT: return "SIGINT";   case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";   case SIGABRT: return "SIGABRT"; case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";   case SIGKILL: return "SIGKILL"; case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE"; case SIGALRM: return "SIGALRM"; case SIGTERM: return "SIGTERM";
    case SIGSTOP: return "SIGSTOP"; case SIGCONT: return "SIGCONT";
    default: return "signal";
    }
}

std::string describeExitCode(std::int64_t code) {
    if (code < 0)
        return std::string("was killed by ") + signalName(static_cast<int>(-code)) + " (signal " +
               std::to_string(-code) + ")";
    // 0 in plain words first, the term after (classroom walk: "exited with
    // code 0" was one more thing to explain out loud).
    if (code == 0) return "exited normally (exit code 0)";
    return "exited with code " + std::to_string(code);
}

std::string describeExit(const std::string& name, std::int64_t pid, std::int64_t code) {
    return name + " (pid " + std::to_string(pid) + ") " + describeExitCode(code);
}

PoolKind workerPoolKind(const RunModel& m, ProcId p) {
    for (const QueueIndex& q : m.queues()) {
        if (q.poolRole != PoolQueueRole::Tasks) continue;
        for (const QueueItemRecord& r : q.items)
            if (r.getProc == p && !r.discarded) return q.poolKind;
    }
    return PoolKind::None;
}

bool isStopSignal(std::string_view preview, PoolQueueRole role) {
    const std::string_view v = preview.substr(0, std::min(preview.find('\0'), preview.size()));
    if (v == "None") return true;
    if (role == PoolQueueRole::Tasks) return v == "sentinel";
    if (role == PoolQueueRole::Results) return v == "stop";
    return false;
}

std::string readableValue(std::string_view preview) {
    std::string out;
    out.reserve(preview.size());
    for (char ch : preview) {
        const auto u = static_cast<unsigned char>(ch);
        if (u == 0) break;
        if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

namespace {

std::string taskLabel(const Trace& trace, const TaskRecord& r) {
    std::string_view n = trace.string(r.name);
    return n.empty() ? "#" + std::to_string(r.index) : std::string(n);
}

std::string taskFailureText(const RunModel& m, const Trace& trace, const TraceMeta& meta, const TaskRecord& r,
                            std::int64_t cut) {
    const std::string who = procName(meta, r.proc);
    std::string why;
    if (const std::string error = taskErrorText(trace, r); !error.empty())   // a traced program says what it raised
        return "task " + taskLabel(trace, r) + " raised " + error + " (in " + who + ")";
    if (r.outcome == TaskOutcome::Raised) {
        why = r.reportedBy != kNoProc && r.t0 == kNever ? "reported by " + who : "it raised on " + who;
    } else {
        const ProcLaneIndex* lane = r.proc < m.procs().size() ? &m.procs()[r.proc] : nullptr;
        if (lane && lane->exitT != kNever && lane->exitT <= cut && lane->exitCode != 0)
            why = describeExit(who, static_cast<std::int64_t>(lane->pid), lane->exitCode) + " while running it";
        else
            why = who + " died while running it";
    }
    return "task " + taskLabel(trace, r) + " failed: " + why;
}

} // namespace

std::string taskErrorText(const Trace& trace, const TaskRecord& r) {
    if (r.outcome != TaskOutcome::Raised || r.error == kNoString) return "";
    return readableValue(trace.string(r.error));
}

std::string describeTaskOutcome(const RunModel& m, const Trace& trace, ProcId p, std::int32_t index) {
    const TaskRecord* r = m.taskOf(p, index);
    if (!r) return "";
    switch (r->outcome) {
    case TaskOutcome::Raised: {
        const std::string error = taskErrorText(trace, *r);
        return error.empty() ? "failed: it raised" : "raised " + error;
    }
    case TaskOutcome::WorkerDied: return "failed: its worker died under it";
    case TaskOutcome::Done: return "done";
    case TaskOutcome::Running: return "running";
    case TaskOutcome::EndLost: return "its end was lost (a ring overflowed)";
    case TaskOutcome::Stopped:
        return p < m.procs().size() && m.procs()[p].terminatedByProgram()
                   ? "stopped: its program ended its worker (terminate)"
                   : "stopped by the user";
    }
    return "";
}

const TaskRecord* RunModel::taskOf(ProcId p, std::int32_t index) const noexcept {
    if (p >= m_procs.size()) return nullptr;
    const auto& ids = m_procs[p].taskIds;
    for (auto it = ids.rbegin(); it != ids.rend(); ++it)
        if (m_tasks[*it].index == index) return &m_tasks[*it];
    return nullptr;
}

namespace {

ProcRole roleOf(const TraceMeta& meta, ProcId p) {
    if (p == kParentProc) return ProcRole::Parent;
    return p < meta.procs.size() ? meta.procs[p].role : ProcRole::Process;
}

} // namespace

std::vector<Failure> describeFailures(const RunModel& m, const Trace& trace, std::int64_t cut) {
    const TraceMeta meta = trace.meta();
    std::vector<Failure> out;
    const auto& tasks = m.tasks();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const TaskRecord& r = tasks[i];
        if (!isFailure(r.outcome) || r.t1 > cut) continue;
        out.push_back({r.outcome == TaskOutcome::Raised ? FailureKind::TaskRaised : FailureKind::TaskWorkerDied, r.t1,
                       r.proc, static_cast<std::int32_t>(i), taskFailureText(m, trace, meta, r, cut)});
    }
    // Plain processes that failed. A pool worker's death is a failure only
    // through the task it took with it (CPython replaces an idle dead worker).
    for (const ProcLaneIndex& lane : m.procs()) {
        const ProcRole role = roleOf(meta, lane.proc);
        if (role != ProcRole::Process || lane.exitT == kNever || lane.exitT > cut || lane.exitCode == 0) continue;
        if (lane.terminatedByProgram()) continue;   // its program ended it on purpose
        if (m.stoppedByRun(lane)) continue;   // the user's stop ended it: not a failure
        out.push_back({FailureKind::ProcessFailed, lane.exitT, lane.proc, -1,
                       describeExit(procName(meta, lane.proc), static_cast<std::int64_t>(lane.pid), lane.exitCode)});
    }
    std::stable_sort(out.begin(), out.end(), [](const Failure& a, const Failure& b) { return a.t < b.t; });
    std::uint64_t lost = 0;
    std::int64_t lastLoss = 0;
    for (const LossRecord& l : m.losses())
        if (l.t <= cut && !l.texts) { lost += l.count; lastLoss = l.t; }
    if (lost)
        out.push_back({FailureKind::EventsLost, lastLoss, kNoProc, -1,
                       std::to_string(lost) + " events were lost (a trace ring overflowed, or a traced "
                       "program's signal handler wrote one mid-write)"});
    return out;
}

bool poolTaskLostWithWorker(const RunModel& m, const Trace& trace, std::int64_t cut) {
    const TraceMeta meta = trace.meta();
    for (const TaskRecord& r : m.tasks())
        if (r.outcome == TaskOutcome::WorkerDied && r.t1 <= cut && roleOf(meta, r.proc) == ProcRole::PoolWorker)
            return true;
    return false;
}

} // namespace parviz
