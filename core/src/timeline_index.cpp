// TimelineIndex: turns the event stream into per-lane span rows, once per
// event, so that per-frame builders only binary-search (views.hpp).
//
// [SECTION] Colours and names
// [SECTION] SpanRow
// [SECTION] TimelineIndex
#include "parviz/views.hpp"

#include <algorithm>
#include <bit>

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
// [SECTION] TimelineIndex
// =============================================================================
struct TimelineIndex::ProcCursor {
    bool alive = false;                 // seen and not exited
    bool stoppedBySignal = false;       // ProcStopped..ProcContinued
    LaneState programState = LaneState::None;   // from State events (None: never told)
    bool lockImplied = false;           // WaitLock came from LockWait, not from a State event
    LaneState beforeLockWait = LaneState::None;
    std::int32_t core = -1;             // the core it is on, -1 if none
    std::vector<std::int32_t> heldLocks;  // innermost last
};

TimelineIndex::TimelineIndex() = default;
TimelineIndex::~TimelineIndex() = default;
TimelineIndex::TimelineIndex(TimelineIndex&&) noexcept = default;
TimelineIndex& TimelineIndex::operator=(TimelineIndex&&) noexcept = default;

void TimelineIndex::reset() {
    *this = TimelineIndex{};
}

bool TimelineIndex::update(const Trace& trace, std::size_t maxEvents) {
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

const QueueIndex* TimelineIndex::queue(std::int32_t id) const noexcept {
    for (const auto& q : m_queues)
        if (q.id == id) return &q;
    return nullptr;
}

const LockIndex* TimelineIndex::lock(std::int32_t id) const noexcept {
    for (const auto& l : m_locks)
        if (l.id == id) return &l;
    return nullptr;
}

ProcLaneIndex& TimelineIndex::procLane(ProcId p) {
    if (p >= m_procs.size()) {
        std::size_t old = m_procs.size();
        m_procs.resize(std::size_t{p} + 1);
        m_cursors.resize(std::size_t{p} + 1);
        m_anchors.resize(std::size_t{p} + 1);
        for (std::size_t i = old; i < m_procs.size(); ++i) m_procs[i].proc = static_cast<ProcId>(i);
    }
    return m_procs[p];
}

CoreLaneIndex& TimelineIndex::coreLane(std::int32_t c) {
    auto i = static_cast<std::size_t>(std::max(c, 0));
    if (i >= m_cores.size()) {
        std::size_t old = m_cores.size();
        m_cores.resize(i + 1);
        m_coreOwner.resize(i + 1, kNoProc);
        for (std::size_t k = old; k < m_cores.size(); ++k) m_cores[k].core = static_cast<std::int32_t>(k);
    }
    return m_cores[i];
}

QueueIndex& TimelineIndex::queueAt(std::int32_t id) {
    for (auto& q : m_queues)
        if (q.id == id) return q;
    m_queues.emplace_back();
    m_queues.back().id = id;
    return m_queues.back();
}

LockIndex& TimelineIndex::lockAt(std::int32_t id) {
    for (auto& l : m_locks)
        if (l.id == id) return l;
    m_locks.emplace_back();
    m_locks.back().id = id;
    return m_locks.back();
}

// The program row shows Stopped over whatever the program said, while stopped.
void TimelineIndex::applyProgram(ProcId p, std::int64_t t) {
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

void TimelineIndex::restoreAfterLockWait(ProcId p) {
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
    case EventKind::LockRelease: case EventKind::LockTimeout: case EventKind::Print:
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
    case EventKind::KillRequest:
        return true;
    default: return false;
    }
}

void TimelineIndex::consume(const Trace& trace, std::size_t idx) {
    const Event& e = trace[idx];
    m_now = e.t;
    const ProcId p = e.proc;
    ProcLaneIndex& lane = procLane(p);
    ProcCursor& cur = m_cursors[p];
    const bool exited = lane.exitT != kNever;
    if (!lane.seen) {
        lane.seen = true;
        cur.alive = true;
    }
    const TimedEventRef ref{e.t, static_cast<std::uint32_t>(idx)};
    if (isAnchorable(e.kind)) m_anchors[p].push_back(ref);
    if (isCaptionWorthy(e.kind)) m_captions.push_back(ref);

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
        if (cur.core >= 0 && m_coreOwner[static_cast<std::size_t>(cur.core)] == p) {
            m_cores[static_cast<std::size_t>(cur.core)].procs.closeOpen(e.t);
            m_coreOwner[static_cast<std::size_t>(cur.core)] = kNoProc;
        }
        cur.core = -1;
        lane.os.closeOpen(e.t);
        lane.tasks.closeOpen(e.t);
        lane.locks.closeOpen(e.t);
        cur.heldLocks.clear();
        lane.program.push(openSpan(e.t, p, lane.exitCode < 0 ? LaneState::Killed : LaneState::Exited));
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
    case EventKind::TaskStart: {
        lane.tasks.push(openSpan(e.t, p, LaneState::Task, e.obj, e.a));
        break;
    }
    case EventKind::TaskEnd:
        if (lane.tasks.hasOpen()) {
            if (e.flags & 1) lane.tasks.setLastState(LaneState::TaskFailed);
            lane.tasks.closeOpen(e.t);
        }
        break;
    case EventKind::State:
        if (exited) break;
        cur.programState = fromWorkerState(e.obj);
        cur.lockImplied = false;
        applyProgram(p, e.t);
        break;
    case EventKind::QueuePut: {
        QueueIndex& q = queueAt(e.obj);
        auto it = q.byItem.find(e.a);
        if (it != q.byItem.end()) {   // its get came first (equal times): fill in the put
            QueueItemRecord& r = q.items[it->second];
            r.putProc = p;
            if (r.preview == kNoString) r.preview = e.b;
            break;
        }
        QueueItemRecord r;
        r.item = e.a;
        r.preview = e.b;
        r.putT = e.t;
        r.putProc = p;
        q.byItem.emplace(e.a, q.items.size());
        q.items.push_back(r);
        break;
    }
    case EventKind::QueueGet: {
        QueueIndex& q = queueAt(e.obj);
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
        if (r.preview == kNoString) r.preview = e.b;
        q.getsByTime.push_back(k);
        break;
    }
    case EventKind::QueueEmpty:
    case EventKind::QueueFull: {
        QueueIndex& q = queueAt(e.obj);
        bool empty = e.kind == EventKind::QueueEmpty;
        (empty ? q.emptyT : q.fullT).push_back(e.t);
        (empty ? q.emptyProc : q.fullProc).push_back(p);
        break;
    }
    case EventKind::LockWait: {
        LockIndex& l = lockAt(e.obj);
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
        LockIndex& l = lockAt(e.obj);
        bool acquired = e.kind == EventKind::LockAcquire;
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
        if (!l.holds.empty() && l.holds.back().releaseT == kOpenEnd) l.holds.back().releaseT = e.t;
        l.holds.push_back({e.t, kOpenEnd, p, (e.flags & 1) != 0});
        cur.heldLocks.push_back(e.obj);
        lane.locks.push(openSpan(e.t, p, LaneState::HoldLock, e.obj));
        break;
    }
    case EventKind::LockRelease: {
        LockIndex& l = lockAt(e.obj);
        if (!l.holds.empty() && l.holds.back().releaseT == kOpenEnd && l.holds.back().proc == p)
            l.holds.back().releaseT = e.t;
        auto it = std::find(cur.heldLocks.rbegin(), cur.heldLocks.rend(), e.obj);
        if (it == cur.heldLocks.rend()) break;
        cur.heldLocks.erase(std::next(it).base());
        lane.locks.closeOpen(e.t);
        if (!cur.heldLocks.empty()) {   // still holding an outer lock
            lane.locks.push(openSpan(e.t, p, LaneState::HoldLock, cur.heldLocks.back()));
        }
        break;
    }
    case EventKind::LockOwnerDied:
        lockAt(e.obj).ownerDied.push_back({e.t, p, static_cast<ProcId>(e.a)});
        break;
    case EventKind::Print:
        m_prints.push_back(ref);
        break;
    case EventKind::CoreIn: {
        CoreLaneIndex& c = coreLane(e.obj);
        auto ci = static_cast<std::size_t>(c.core);
        if (cur.core >= 0 && cur.core != c.core && m_coreOwner[static_cast<std::size_t>(cur.core)] == p) {
            // Its CoreOut from the previous core was lost.
            m_cores[static_cast<std::size_t>(cur.core)].procs.closeOpen(e.t);
            m_coreOwner[static_cast<std::size_t>(cur.core)] = kNoProc;
        }
        const Span s = openSpan(e.t, p, LaneState::OnCore, c.core);
        c.procs.push(s);   // closes whoever was there (its CoreOut was lost)
        m_coreOwner[ci] = p;
        cur.core = c.core;
        if (!exited) lane.os.push(s);
        break;
    }
    case EventKind::CoreOut: {
        CoreLaneIndex& c = coreLane(e.obj);
        auto ci = static_cast<std::size_t>(c.core);
        if (m_coreOwner[ci] == p) {
            c.procs.closeOpen(e.t);
            m_coreOwner[ci] = kNoProc;
        }
        if (cur.core == c.core) cur.core = -1;
        lane.os.closeOpen(e.t);
        if ((e.flags & 1) && !exited) {
            lane.os.push(openSpan(e.t, p, LaneState::Runnable, c.core));
        }
        break;
    }
    case EventKind::CoreLoad: {
        CoreLaneIndex& c = coreLane(e.obj);
        auto window = static_cast<std::int64_t>(e.b);
        auto busy = static_cast<std::int64_t>(e.a);
        if (window <= 0) break;
        busy = std::clamp<std::int64_t>(busy, 0, window);
        Span s;
        s.t0 = e.t - window;
        s.t1 = e.t;
        s.state = LaneState::Busy;
        s.value = static_cast<std::int32_t>(busy * 1000 / window);
        c.load.push(s, busy);
        break;
    }
    default:
        break;
    }
}

} // namespace parviz
