// Panels at time t: queue, lock, output, code, caption (views.hpp).
//
// Every builder binary-searches the run model's time-sorted arrays, so the
// cost depends on what the panel shows, not on how long the run was.
#include "parviz/explain.hpp"
#include "parviz/views.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>

namespace parviz {

namespace {

// Number of elements of a time-sorted vector whose key <= t.
template <class V, class Key>
std::size_t countUpTo(const V& v, std::int64_t t, Key key) {
    std::size_t lo = 0, hi = v.size();
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if (key(v[mid]) <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

std::string preview(const Trace& trace, std::uint64_t id, std::uint64_t item) {
    std::string s = readableValue(trace.string(id));   // wire bytes never reach the screen
    if (!s.empty()) return s;
    return "#" + std::to_string(item);
}

// What item k of q shows in its box: its preview, but a pool's stop signal
// says what it is, the program's own word beside it: "stop signal
// (sentinel)", "stop signal (None)" (newcomer walk: a box read "sentinel",
// explained only in Why).
std::string itemWords(const QueueIndex& q, const Trace& trace, std::size_t k) {
    const QueueItemRecord& r = q.items[k];
    std::string value = preview(trace, r.preview, r.item);
    if (q.poolRole == PoolQueueRole::None || !std::binary_search(q.stopSignals.begin(), q.stopSignals.end(), k))
        return value;
    const std::string word = value.substr(0, value.find('\0'));
    return word.empty() || word == "stop" || word.starts_with("pid ") ? "stop signal" : "stop signal (" + word + ")";
}

// QueueView's stop signals and its "put N (...)" line (views.hpp).
void countStopSignals(const RunModel& index, const QueueIndex& q, QueueView& v) {
    v.putText = "put " + std::to_string(v.putCount);
    v.poolRole = q.poolRole;
    v.poolKind = q.poolKind;
    v.stopSignals = static_cast<std::size_t>(std::lower_bound(q.stopSignals.begin(), q.stopSignals.end(), v.putCount) -
                                             q.stopSignals.begin());
    // A program's own None is its business (Why explains it): only a pool's are counted apart here.
    if (q.poolRole == PoolQueueRole::None) v.stopSignals = 0;
    const bool tasks = q.poolRole == PoolQueueRole::Tasks, results = q.poolRole == PoolQueueRole::Results;
    if (!v.stopSignals) return;
    // Pool.map puts chunks, not tasks: with a chunksize above 1 each item holds
    // several tasks, and each result message a whole chunk's results.
    const auto& chunks = index.chunks();
    const bool chunked = std::any_of(chunks.begin(), chunks.end(), [](const ChunkRecord& c) { return c.count > 1; });
    const bool executor = q.poolKind == PoolKind::Executor;
    const char* items = tasks ? (executor ? "calls" : chunked ? "chunks of tasks" : "tasks")
                              : (chunked ? "chunk results" : "results");
    v.putText += " (" + std::to_string(v.putCount - v.stopSignals) + " " + items + " + " +
                 std::to_string(v.stopSignals) + " stop signal" + (v.stopSignals == 1 ? ")" : "s)");
    if (executor && results)
        v.stopTip = "A ProcessPoolExecutor's worker that takes its stop signal (None) from the call queue puts its\n"
                    "pid here as it exits; the executor, shutting down, joins its workers and may leave them unread.";
    else if (executor)
        v.stopTip = "When the executor shuts down, it puts one None per worker on its call queue:\n"
                    "a worker that takes one answers with its pid on the result queue and exits.";
    else if (results)
        v.stopTip = "When every result is in, the pool puts a stop signal on its result queue:\n"
                    "MainProcess's result-handler thread takes it and stops. CPython's is a None, and it puts\n"
                    "two: its task handler's when the tasks end, and another when the pool is terminated.";
    else
        v.stopTip = "When the pool closes, it puts one stop signal per worker on its task queue:\n"
                    "a worker that takes one stops. CPython's is a None.";
}

} // namespace

// ---------------------------------------------------------------------------
QueueView buildQueueView(const RunModel& index, const Trace& trace, std::int32_t queueId, std::int64_t t,
                         std::size_t maxItems) {
    QueueView v;
    v.queueId = queueId;
    v.name = trace.meta().objectName(ObjectKind::Queue, queueId);
    const QueueIndex* q = index.queue(queueId);
    if (!q) {
        v.putText = "put 0";
        return v;
    }

    v.putCount = countUpTo(q->items, t, [](const QueueItemRecord& r) { return r.putT; });
    v.takenCount = countUpTo(q->getsByTime, t, [q](std::size_t k) { return q->items[k].getT; });
    v.inQueue = v.putCount >= v.takenCount ? v.putCount - v.takenCount : 0;
    // Drops come last (nobody reads a terminated pool's queue again): count them back from the end.
    for (std::size_t k = v.takenCount; k > 0 && q->items[q->getsByTime[k - 1]].discarded; --k) ++v.discardedCount;
    if (v.discardedCount) {
        // A student reads "dropped at terminate" as an error or a jargon word: say what happened.
        v.droppedText = std::to_string(v.discardedCount) + " never taken: the pool was shut down";
        v.droppedTip = "Still in the queue when its pool was shut down (terminate(), which the end of a\n"
                       "`with Pool() as pool:` block calls): nobody takes them any more. They are often the\n"
                       "stop signals of workers that had already ended.";
    }

    // Items leave roughly in put order, so the queue's front is near index
    // takenCount; the slack covers consumers whose gets were recorded out of order.
    constexpr std::size_t kSlack = 256;
    std::size_t k = v.takenCount > kSlack ? v.takenCount - kSlack : 0;
    for (; k < v.putCount && v.items.size() < maxItems; ++k) {
        const QueueItemRecord& r = q->items[k];
        if (r.getT <= t) continue;
        v.items.push_back({r.item, itemWords(*q, trace, k), r.putProc, r.putT});
    }

    // Recent Empty / Full: the last few of each, merged by time.
    constexpr std::size_t kRecent = 8;
    std::size_t ne = countUpTo(q->emptyT, t, [](std::int64_t x) { return x; });
    std::size_t nf = countUpTo(q->fullT, t, [](std::int64_t x) { return x; });
    v.emptyCount = ne;
    v.fullCount = nf;
    for (std::size_t i = ne > kRecent ? ne - kRecent : 0; i < ne; ++i)
        v.recentEmptyFull.push_back({q->emptyT[i], q->emptyProc[i], EventKind::QueueEmpty});
    for (std::size_t i = nf > kRecent ? nf - kRecent : 0; i < nf; ++i)
        v.recentEmptyFull.push_back({q->fullT[i], q->fullProc[i], EventKind::QueueFull});
    std::stable_sort(v.recentEmptyFull.begin(), v.recentEmptyFull.end(),
                     [](const QueueViewEvent& a, const QueueViewEvent& b) { return a.t < b.t; });
    if (v.recentEmptyFull.size() > kRecent)
        v.recentEmptyFull.erase(v.recentEmptyFull.begin(),
                                v.recentEmptyFull.end() - static_cast<std::ptrdiff_t>(kRecent));

    // What the queue looked like at t: a later get has not happened yet.
    if (v.putCount > 0) {
        v.hasLastPut = true;
        v.lastPut = q->items[v.putCount - 1];
        if (v.lastPut.getT > t) { v.lastPut.getT = kNever; v.lastPut.getProc = kNoProc; }
    }
    if (v.takenCount > 0) {
        v.hasLastGet = true;
        v.lastGet = q->items[q->getsByTime[v.takenCount - 1]];
        v.lastGetValue = itemWords(*q, trace, q->getsByTime[v.takenCount - 1]);
    }
    countStopSignals(index, *q, v);
    return v;
}

// ---------------------------------------------------------------------------
LockView buildLockView(const RunModel& index, const Trace& trace, std::int32_t lockId, std::int64_t t) {
    LockView v;
    v.lockId = lockId;
    const TraceMeta meta = trace.meta();
    v.name = meta.objectName(ObjectKind::Lock, lockId);
    const LockIndex* l = index.lock(lockId);
    if (!l) return v;

    v.capacity = l->capacity;
    v.semaphore = l->semaphore;
    v.acquisitions = countUpTo(l->holds, t, [](const LockHold& h) { return h.acquireT; });
    auto holder = [&](const LockHold& h) {
        const ProcLaneIndex* lane = h.proc < index.procs().size() ? &index.procs()[h.proc] : nullptr;
        v.holders.push_back({h.proc, procName(meta, h.proc), lane ? lane->pid : 0, h.acquireT,
                             lane && lane->exitT <= t});
    };
    if (l->semaphore) {   // every hold open at t (holds overlap), and the signals up to t
        for (std::size_t i = 0; i < v.acquisitions; ++i)
            if (l->holds[i].releaseT > t) holder(l->holds[i]);
        const std::size_t n = countUpTo(l->signals, t, [](const LockSignal& s) { return s.t; });
        constexpr std::size_t kRecent = 4;
        for (std::size_t i = 0; i < n; ++i) {
            const LockSignal& s = l->signals[i];
            const bool taken = s.takenT <= t;
            if (taken) ++v.acquisitions;
            else ++v.pendingSignals;
            if (i + kRecent < n) continue;
            v.recentSignals.push_back({s.proc, procName(meta, s.proc), s.t, taken ? s.takenBy : kNoProc,
                                       taken ? procName(meta, s.takenBy) : std::string(), taken ? s.takenT : kNever});
        }
    } else if (v.acquisitions > 0 && l->holds[v.acquisitions - 1].releaseT > t) {
        holder(l->holds[v.acquisitions - 1]);
    }
    if (!v.holders.empty()) {
        v.held = true;
        v.owner = v.holders.front().proc;
        v.ownerName = v.holders.front().name;
        v.ownerSince = v.holders.front().since;
        v.ownerPid = v.holders.front().pid;
    }

    // Each process waits at most once at a time, so its waits are sequential:
    // one binary search per process gives both "waiting now" and its total.
    for (std::size_t p = 0; p < l->waitsByProc.size(); ++p) {
        const auto& waits = l->waitsByProc[p];
        std::size_t k = countUpTo(waits, t, [](const LockWaitRecord& w) { return w.waitT; });
        if (k == 0) continue;
        const LockWaitRecord& last = waits[k - 1];
        const auto& pre = l->waitPrefixByProc[p];
        std::int64_t total = pre[std::min(k - 1, pre.size() - 1)];
        // A process that died while waiting waits no more (killed waiters).
        const std::int64_t exitT = p < index.procs().size() ? index.procs()[p].exitT : kNever;
        const std::int64_t endT = std::min(last.endT, exitT);
        std::int64_t lastNs = std::max<std::int64_t>(0, std::min(endT, t) - last.waitT);
        total += lastNs;
        auto proc = static_cast<ProcId>(p);
        if (endT > t) v.waiters.push_back({proc, procName(meta, proc), last.waitT, lastNs});
        v.totals.push_back({proc, procName(meta, proc), total, k});
    }
    std::stable_sort(v.waiters.begin(), v.waiters.end(),
                     [](const LockWaiter& a, const LockWaiter& b) { return a.since < b.since; });

    std::size_t nd = countUpTo(l->ownerDied, t, [](const LockOwnerDiedRecord& r) { return r.t; });
    v.ownerDied.assign(l->ownerDied.begin(), l->ownerDied.begin() + static_cast<std::ptrdiff_t>(nd));
    return v;
}

// ---------------------------------------------------------------------------
SyncView buildSyncView(const RunModel& index, const Trace& trace, ObjectKind kind, std::int32_t id, std::int64_t t) {
    SyncView v;
    v.kind = kind;
    v.id = id;
    const TraceMeta meta = trace.meta();
    v.name = meta.objectName(kind, id);
    if (const ObjectInfo* o = meta.findObject(kind, id)) v.size = o->size;
    const SyncIndex* x = index.sync(kind, id);
    if (!x) return v;
    const std::size_t started = countUpTo(x->waits, t, [](const SyncWaitRecord& w) { return w.t0; });
    for (std::size_t i = 0; i < started; ++i) {
        const SyncWaitRecord& w = x->waits[i];
        if (w.t1 > t) {
            v.waiting.push_back({w.proc, procName(meta, w.proc), w.t0, w.poolResults});
            continue;
        }
        ++v.waits;
        if (w.flags & kSyncTimedOut) ++v.timedOut;
        if (w.flags & kSyncBroken) {
            ++v.broken;
            if (v.brokenSince == kNever) v.brokenSince = w.t1;
        }
        v.longestWaitNs = std::max(v.longestWaitNs, w.t1 - w.t0);
    }
    v.signals = countUpTo(x->signals, t, [](const SyncSignalRecord& r) { return r.t; });
    for (std::size_t i = 0; i < v.signals; ++i) {
        const SyncSignalRecord& r = x->signals[i];
        if (r.op == SyncOp::Set) v.flagSet = true;
        else if (r.op == SyncOp::Clear) v.flagSet = false;
        else if (r.op == SyncOp::TaskDone) ++v.taskDone;
        else if (r.op == SyncOp::Abort) v.brokenSince = std::min(v.brokenSince, r.t);
        else if (r.op == SyncOp::Reset) v.brokenSince = kNever;
    }
    // A Barrier broken before its last reset is whole again.
    if (kind == ObjectKind::Barrier && v.brokenSince != kNever)
        for (std::size_t i = v.signals; i > 0; --i)
            if (x->signals[i - 1].op == SyncOp::Reset) {
                if (x->signals[i - 1].t >= v.brokenSince) v.brokenSince = kNever;
                break;
            }
    constexpr std::size_t kRecent = 6;
    v.recentSignals.assign(x->signals.begin() + static_cast<std::ptrdiff_t>(v.signals > kRecent ? v.signals - kRecent : 0),
                           x->signals.begin() + static_cast<std::ptrdiff_t>(v.signals));
    return v;
}

std::string describeSyncEvent(const RunModel& index, const TraceMeta& meta, const Event& e, const std::string& name) {
    const std::string who = procName(meta, e.proc);
    ObjectKind kind = ObjectKind::Event;
    syncObjectKind(e, kind);
    if (e.kind == EventKind::SyncSignal) {
        const auto op = static_cast<SyncOp>(e.b & 0xFFFFFFFFu);
        switch (op) {
        case SyncOp::Set: return who + " set " + name + ": its waiters wake";
        case SyncOp::Clear: return who + " cleared " + name;
        case SyncOp::Notify: return who + " notified " + name + " (n=" + std::to_string(e.b >> 32) + ")";
        case SyncOp::NotifyAll: return who + " notified all waiting on " + name;
        case SyncOp::TaskDone: return who + " called task_done() on " + name;
        case SyncOp::Abort: return who + " aborted " + name + ": its waiters get BrokenBarrierError";
        case SyncOp::Reset: return who + " reset " + name;
        }
        return who + " signalled " + name;
    }
    const SyncIndex* x = index.sync(kind, e.obj);
    const bool pool = e.kind == EventKind::SyncWait ? e.b == kSyncWaitPoolResults
                      : x && std::any_of(x->waits.begin(), x->waits.end(),
                                         [&](const SyncWaitRecord& w) { return w.proc == e.proc && w.t1 == e.t && w.poolResults; });
    if (e.kind == EventKind::SyncWait) {
        if (pool) return who + " waits for the pool's results (Pool.map and friends block here)";
        switch (kind) {
        case ObjectKind::Event: return who + " waits for " + name + " to be set";
        case ObjectKind::Condition: return who + " waits on " + name + " (released its lock) until notified";
        case ObjectKind::Barrier: return who + " arrived at " + name + " and waits for the other parties";
        case ObjectKind::Queue: return who + " waits in join() until every item of " + name + " is task_done";
        default: return who + " waits on " + name;
        }
    }
    if (e.flags & kSyncBroken) return who + " left " + name + " broken (BrokenBarrierError)";
    if (e.flags & kSyncTimedOut) return who + " stopped waiting on " + name + ": the timeout ran out";
    if (pool) return who + " has the pool's results";
    switch (kind) {
    case ObjectKind::Event: return who + " woke: " + name + " is set";
    case ObjectKind::Condition: return who + " was notified on " + name + " and has its lock again";
    case ObjectKind::Barrier: return who + " passed " + name + ": every party arrived";
    case ObjectKind::Queue: return who + "'s join() returned: every item of " + name + " is task_done";
    default: return who + " woke from " + name;
    }
}

WaitWords syncWaitWords(const RunModel& index, const TraceMeta& meta, ProcId p, std::int64_t t) {
    // A wait that ran out says so, with how long it waited: event.py's
    // Process-4 read "wait()" like the three that were woken.
    const auto timedOut = [](const std::string& name, std::int64_t ns, const char* what) {
        return WaitWords{"waited " + formatSeconds(ns) + " for " + name + ", timed out" + what, "timed out"};
    };
    for (const SyncIndex& x : index.syncs())
        for (const SyncWaitRecord& w : x.waits) {
            if (w.proc != p || t < w.t0 || t >= w.t1) continue;
            const std::string name = meta.objectName(x.kind, x.id);
            if (w.poolResults) return {"waits for the pool's results", "results"};
            if (w.t1 != kOpenEnd && (w.flags & kSyncTimedOut) && !(w.flags & kSyncBroken))
                return timedOut(name, w.t1 - w.t0, "");
            switch (x.kind) {
            case ObjectKind::Event: return {"waits for " + name + " to be set", "wait()"};
            case ObjectKind::Condition: return {"waits on " + name + " until notified", "wait()"};
            case ObjectKind::Barrier:
                if (w.flags & kSyncBroken) return {"waited at " + name + ": broken (BrokenBarrierError)", "broken"};
                return {"waits at " + name + " for the other parties", "wait()"};
            case ObjectKind::Queue: return {"waits in join() until every item of " + name + " is task_done", "join()"};
            default: return {"waits on " + name, "wait"};
            }
        }
    // Lock.acquire(timeout) and Queue.get(timeout) that ran out: only those
    // carry words (a wait that got its lock or item is told by what follows).
    for (const LockIndex& l : index.locks()) {
        if (p >= l.waitsByProc.size()) continue;
        for (const LockWaitRecord& w : l.waitsByProc[p])
            if (w.timedOut && w.endT != kOpenEnd && t >= w.waitT && t < w.endT)
                return timedOut(meta.objectName(ObjectKind::Lock, l.id), w.endT - w.waitT, "");
    }
    if (p < index.procs().size()) {
        const SpanRow& row = index.procs()[p].program;
        const std::size_t i = row.firstEndingAfter(t, 0);
        if (i < row.size() && row[i].t0 <= t && row[i].state == LaneState::WaitQueue && row[i].t1 != kOpenEnd)
            for (const QueueIndex& q : index.queues())
                for (std::size_t k = 0; k < q.emptyT.size() && k < q.emptyProc.size(); ++k)
                    if (q.emptyProc[k] == p && q.emptyT[k] >= row[i].t0 && q.emptyT[k] <= row[i].t1)
                        return timedOut(meta.objectName(ObjectKind::Queue, q.id), row[i].t1 - row[i].t0, " (Empty)");
    }
    return {};
}

// ---------------------------------------------------------------------------
OutputView buildOutputView(const RunModel& index, const Trace& trace, std::int64_t t, std::size_t maxLines) {
    OutputView v;
    const auto& prints = index.prints();
    v.total = countUpTo(prints, t, [](const TimedEventRef& r) { return r.t; });
    for (std::size_t i = v.total > maxLines ? v.total - maxLines : 0; i < v.total; ++i) {
        const Event& e = trace[prints[i].index];
        v.lines.push_back({e.t, e.proc, trace.string(e.a)});
    }
    return v;
}

// ---------------------------------------------------------------------------
namespace {

const char* stateAnchorName(std::int32_t s) {
    switch (static_cast<WorkerState>(s)) {
    case WorkerState::Idle: return "Idle";
    case WorkerState::Running: return "Running";
    case WorkerState::Sleeping: return "Sleeping";
    case WorkerState::WaitQueue: return "WaitQueue";
    case WorkerState::WaitLock: return "WaitLock";
    }
    return "?";
}

bool tokenMatches(std::string_view anchor, const Event& e) {
    if (anchor.empty()) return false;
    if (anchor == toString(e.kind)) return true;
    if (e.kind != EventKind::State) return false;
    constexpr std::string_view prefix = "State:";
    return anchor.size() > prefix.size() && anchor.substr(0, prefix.size()) == prefix &&
           anchor.substr(prefix.size()) == stateAnchorName(e.obj);
}

// A line's anchor names the events it emits, in order, comma-separated
// ("QueueGet,Print": `print(queue.get())` takes an item, then prints it).
// The position of e among them from position `from` on; -1 if none.
int anchorIndex(std::string_view anchor, const Event& e, int from = 0) {
    int pos = 0;
    for (std::size_t at = 0; at <= anchor.size(); ++pos) {
        const std::size_t comma = std::min(anchor.find(',', at), anchor.size());
        if (pos >= from && tokenMatches(anchor.substr(at, comma - at), e)) return pos;
        at = comma + 1;
    }
    return -1;
}

bool anchorMatches(const std::string& anchor, const Event& e) { return anchorIndex(anchor, e) >= 0; }

// Where a process is in the listing: a line, and which of its anchored events it emitted last.
struct LinePos {
    int line = -1, pos = -1;
};

// The line of e, given the previous event's place: the rest of that line
// first (a line that emits several events), else the first line after it
// (wrapping) that emits e first. A line's later events are only reached
// through its first: in `print(queue.get())` the Print is the get's, while
// the push loop's print is another line. Last resort (the look-back began
// mid-line): any line naming e. {-1, -1} if none does.
LinePos lineFor(const std::vector<Scenario::CodeLine>& code, const Event& e, LinePos at) {
    const int n = static_cast<int>(code.size());
    if (at.line >= 0)
        if (const int k = anchorIndex(code[static_cast<std::size_t>(at.line)].anchor, e, at.pos + 1); k >= 0)
            return {at.line, k};
    for (int pass = 0; pass < 2; ++pass)
        for (int step = 1; step <= n; ++step) {
            const int i = ((at.line < 0 ? -1 : at.line) + step) % n;
            const int k = anchorIndex(code[static_cast<std::size_t>(i)].anchor, e);
            if (k == 0 || (pass == 1 && k > 0)) return {i, k};
        }
    return {};
}

// Which events any line anchors, so the look-back below tests each event in O(1).
struct AnchorTable {
    bool kind[256] = {};
    bool state[5] = {};
    explicit AnchorTable(const std::vector<Scenario::CodeLine>& code) {
        for (int k = 0; k < 256; ++k) {
            Event e{};
            e.kind = static_cast<EventKind>(k);
            for (const auto& l : code) kind[k] = kind[k] || (k != static_cast<int>(EventKind::State) && anchorMatches(l.anchor, e));
        }
        for (int s = 0; s < 5; ++s) {
            Event e{};
            e.kind = EventKind::State;
            e.obj = s;
            for (const auto& l : code) state[s] = state[s] || anchorMatches(l.anchor, e);
        }
    }
    bool has(const Event& e) const {
        if (e.kind != EventKind::State) return kind[static_cast<std::uint8_t>(e.kind)];
        return e.obj >= 0 && e.obj < 5 && state[e.obj];
    }
};

} // namespace

CodeView buildCodeView(const RunModel& index, const Trace& trace, const std::vector<Scenario::CodeLine>& code,
                       std::int64_t t) {
    CodeView v;
    if (code.empty()) return v;
    const TraceMeta meta = trace.meta();
    const AnchorTable table(code);
    // How far back to look: for the latest event with a line, and for a few
    // earlier ones that disambiguate lines sharing an anchor.
    constexpr std::size_t kLookBack = 64, kContext = 8;
    const auto& anchors = index.anchorEvents();
    for (std::size_t p = 0; p < anchors.size(); ++p) {
        const auto& evs = anchors[p];
        std::size_t k = countUpTo(evs, t, [](const TimedEventRef& r) { return r.t; });
        if (k == 0) continue;
        // A process that exited has no current line unless the listing anchors its exit.
        if (trace[evs[k - 1].index].kind == EventKind::ProcExit && !table.has(trace[evs[k - 1].index])) continue;
        std::vector<std::size_t> matched;   // newest first
        for (std::size_t i = k, looked = 0; i > 0 && looked < kLookBack && matched.size() < kContext; --i, ++looked)
            if (table.has(trace[evs[i - 1].index])) matched.push_back(i - 1);
        if (matched.empty()) continue;
        LinePos at;
        for (auto it = matched.rbegin(); it != matched.rend(); ++it) at = lineFor(code, trace[evs[*it].index], at);
        CodeMarker m;
        m.proc = static_cast<ProcId>(p);
        m.name = procName(meta, m.proc);
        m.line = at.line;
        m.since = evs[matched.front()].t;
        v.markers.push_back(std::move(m));
    }
    return v;
}


namespace {

// The Semaphore signal a release made (taken = false) or an acquire took
// (taken = true), or nullptr: a Lock, or a holder's own acquire or release.
const LockSignal* semaphoreSignal(const RunModel& index, const Event& e, bool taken) {
    const LockIndex* l = index.lock(e.obj);
    if (!l || !l->semaphore) return nullptr;
    for (const LockSignal& s : l->signals)
        if (taken ? s.takenT == e.t && s.takenBy == e.proc : s.t == e.t && s.proc == e.proc) return &s;
    return nullptr;
}

} // namespace

std::string captionLine(std::int64_t cursorNs, std::int64_t eventNs, const std::string& text) {
    const std::string at = formatInstant(cursorNs), when = formatInstant(eventNs);
    std::string words = text;
    // "The run ended", "The run is paused": a sentence's start, now after a colon.
    if (words.rfind("The ", 0) == 0) words[0] = 't';
    if (when == at) return "at " + at + ", " + words;
    return "cursor at " + at + "; last event at " + when + ", " + words;
}

std::vector<std::size_t> captionClauseEnds(const std::string& text) {
    std::vector<std::size_t> ends{text.size()};
    int depth = 0;
    bool quoted = false;
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (ch == '"') quoted = !quoted;
        if (quoted) continue;
        if (ch == '(' && depth++ == 0 && i > 0 && text[i - 1] == ' ') starts.push_back(i - 1);
        else if (ch == ')' && depth > 0) --depth;
        else if (depth == 0 && (ch == ':' || ch == ';') && i + 1 < text.size() && text[i + 1] == ' ') starts.push_back(i);
    }
    for (auto it = starts.rbegin(); it != starts.rend(); ++it)
        if (*it > 0 && *it < ends.back()) ends.push_back(*it);
    return ends;
}

std::string fitCaptionLine(std::int64_t cursorNs, std::int64_t eventNs, const std::string& text,
                           const std::function<bool(const std::string&)>& fits) {
    const std::vector<std::size_t> ends = captionClauseEnds(text);
    std::string line;
    for (std::size_t end : ends) {
        line = captionLine(cursorNs, eventNs, text.substr(0, end));
        if (fits(line)) return line;
    }
    // The main clause alone is too long: cut it at a word, said with " …".
    while (!fits(line + " \u2026")) {
        const std::size_t sp = line.find_last_of(' ');
        if (sp == std::string::npos || sp == 0) break;
        line.resize(sp);
        while (!line.empty() && (line.back() == ' ' || line.back() == ':' || line.back() == ',')) line.pop_back();
    }
    return line + " \u2026";
}

Caption buildCaption(const RunModel& index, const Trace& trace, std::int64_t t) {
    Caption c;
    const auto& evs = index.captionEvents();
    std::size_t k = countUpTo(evs, t, [](const TimedEventRef& r) { return r.t; });
    if (k == 0) return c;
    const Event& e = trace[evs[k - 1].index];
    const TraceMeta meta = trace.meta();
    const std::string who = procName(meta, e.proc);
    // "the queue" when the run has one of that kind, its name otherwise.
    auto objectName = [&](ObjectKind kind, std::int32_t id) {
        if (meta.countOf(kind) <= 1) return std::string("the ") + toString(kind);
        return meta.objectName(kind, id);
    };
    auto queueName = [&](std::int32_t id) { return objectName(ObjectKind::Queue, id); };
    auto lockName = [&](std::int32_t id) { return objectName(ObjectKind::Lock, id); };
    auto str = [&](std::uint64_t id, const char* fallback) {
        std::string_view s = trace.string(id);
        return s.empty() ? std::string(fallback) : std::string(s);
    };
    std::string text;
    switch (e.kind) {
    case EventKind::ProcStart: text = who + " started (pid " + std::to_string(e.a) + ")"; break;
    case EventKind::ProcExit: {
        text = who + " " + describeExitCode(static_cast<std::int64_t>(e.a));
        break;
    }
    case EventKind::TaskStart: text = who + " started " + str(e.a, "a task"); break;
    case EventKind::TaskEnd:
        text = who + ((e.flags & 1) ? " failed " : " finished ") + str(e.a, "a task");
        // A traced task that raised says what (TaskEnd.b: 1 + its string id, format 10).
        if ((e.flags & 1) && !(e.flags & 2) && e.b != 0) text += ": it raised " + readableValue(trace.string(e.b - 1));
        break;
    case EventKind::QueuePut: text = who + " put " + preview(trace, e.b, e.a) + " into " + queueName(e.obj); break;
    case EventKind::QueueGet: {
        // The get carries no preview: the value is the one its put recorded.
        std::uint64_t pv = e.b;
        if (const QueueIndex* q = index.queue(e.obj)) {
            auto it = q->byItem.find(e.a);
            if (it != q->byItem.end() && q->items[it->second].preview != kNoString) pv = q->items[it->second].preview;
        }
        // A pool's results are taken by the parent's result-handler thread, not
        // the caller: the caption said "MainProcess took B from pool results"
        // beside Why's "the program has received none yet" (classroom walk).
        const QueueIndex* qi = index.queue(e.obj);
        const bool handler = qi && qi->poolRole == PoolQueueRole::Results && !(e.flags & kQueueDiscarded);
        text = who + (handler ? "'s result-handler thread took " : (e.flags & kQueueDiscarded) ? " dropped " : " took ") +
               preview(trace, pv, e.a) + " from " + queueName(e.obj) + (handler ? " (not yet handed to the program)" : "");
        if (e.flags & kQueueDiscarded) text += " unread: its pool was terminated, nobody takes it";
        break;
    }
    case EventKind::QueueEmpty: text = who + " found " + queueName(e.obj) + " empty"; break;
    case EventKind::QueueFull: text = who + " found " + queueName(e.obj) + " full"; break;
    case EventKind::LockWait: text = who + " waits for " + lockName(e.obj); break;
    case EventKind::LockAcquire:
        text = who + " acquired " + lockName(e.obj);
        if (e.flags & 1) text += " (its previous owner died holding it)";
        if (const LockSignal* s = semaphoreSignal(index, e, true))
            text += " on " + procName(meta, s->proc) + "'s release (a signal): it holds none of it";
        break;
    case EventKind::LockRelease:
        text = who + " released " + lockName(e.obj);
        if (semaphoreSignal(index, e, false)) text += " without holding it: a signal, which lets one acquire through";
        break;
    case EventKind::LockTimeout: text = who + " gave up waiting for " + lockName(e.obj); break;
    case EventKind::LockOwnerDied:
        text = who + " found that " + procName(meta, static_cast<ProcId>(e.a)) + " died holding " + lockName(e.obj);
        break;
    case EventKind::Print: text = who + " printed \"" + str(e.a, "") + "\""; break;
    case EventKind::PoolResult: {
        const std::string task = "task " + str(e.a, ("#" + std::to_string(e.obj)).c_str());
        text = (e.flags & 1) ? who + " received the error of " + task + " instead of a result: the call raised"
                             : who + " received the result of " + task;
        if (!(e.flags & 1) && e.b != 0) text += ": " + str(e.b - 1, "");   // what it returned (a traced program's)
        break;
    }
    case EventKind::RunStart: text = "The run started"; break;
    case EventKind::RunPause: text = "The run is paused (processes stopped)"; break;
    case EventKind::RunResume: text = "The run resumed"; break;
    case EventKind::RunEnd: text = "The run ended"; break;
    case EventKind::ProcStopped:   // captioned only when stopped from outside (flags 1)
        text = who + " was stopped from outside (SIGSTOP): the run waits for it";
        break;
    case EventKind::ProcContinued: text = who + " runs again (continued from outside)"; break;
    case EventKind::Note: text = str(e.a, "a note"); break;   // a deadlock, a worker stopped from outside, ...
    case EventKind::KillRequest:
        text = who + " asked to kill " + procName(meta, static_cast<ProcId>(e.obj)) + " with " +
               signalName(static_cast<int>(e.a));
        break;
    case EventKind::SyncWait: case EventKind::SyncWake: case EventKind::SyncSignal: {
        ObjectKind sk = ObjectKind::Event;
        syncObjectKind(e, sk);
        text = describeSyncEvent(index, meta, e, objectName(sk, e.obj));
        break;
    }
    case EventKind::ProcJoin: {
        const std::string joined = procName(meta, static_cast<ProcId>(std::max(e.obj, 0)));
        text = !(e.flags & kJoinEnded)      ? who + " waits in join() for " + joined + " to finish"
               : (e.flags & kJoinTimedOut) ? who + "'s join() timed out: " + joined + " still runs"
                                           : who + "'s join() returned: " + joined + " has finished";
        break;
    }
    default: text = who + " " + toString(e.kind); break;
    }
    // One step of several (stepProgramEvent's sameStep): said as one.
    if (isProgramEvent(e.kind)) {
        std::size_t first = k - 1;
        const std::int64_t instant = sameInstantNs(index);
        // Counted up to a bound: the caption is built every frame, and a
        // group can be a parent's million puts in a row (frame bench).
        constexpr std::size_t kCountUpTo = 10'000;   // said as "more than 10 000" below
        bool more = false;
        for (std::size_t j = k - 1, cur = k - 1; j-- > 0;) {
            const Event& x = trace[evs[j].index];
            if (!isProgramEvent(x.kind)) continue;
            if (!sameStep(x, trace[evs[cur].index], instant)) break;
            if (c.grouped == kCountUpTo) {
                more = true;
                break;
            }
            first = cur = j;
            ++c.grouped;
        }
        if (more) {
            text += " (the last of more than 10 000 such events in a row, each within " + formatDuration(instant) +
                    " of the one before)";
        } else if (c.grouped > 1 && e.kind == EventKind::PoolResult) {
            const Event& f = trace[evs[first].index];
            auto task = [&](const Event& x) { return str(x.a, ("#" + std::to_string(x.obj)).c_str()); };
            text = who + " received " + std::to_string(c.grouped) + " results at once: " + task(f) +
                   (c.grouped > 2 ? " \u2026 " : ", ") + task(e) + " (the call handed them over together)";
        } else if (c.grouped > 1) {
            text += " (the last of " + std::to_string(c.grouped) + " such events at the same instant)";
        }
    }
    c.valid = true;
    c.t = e.t;
    c.proc = e.proc;
    c.kind = e.kind;
    c.text = std::move(text);
    return c;
}

} // namespace parviz
