// Why each process is in its state at t, in plain sentences (explain.hpp),
// and the step from one program event to the next.
//
// [SECTION] Helpers    spans at t, names, the queue and lock a process waits on
// [SECTION] Explain    one sentence per process, notes about the run
// [SECTION] Step       previous / next program event
#include "parviz/explain.hpp"
#include "parviz/stats.hpp"
#include "parviz/views.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

namespace parviz {

// =============================================================================
// [SECTION] Helpers
// =============================================================================
// One format for every time and duration the window and the terminal's
// sentences show (Why, callouts, the caption, Stats, the step row): a
// cursor at 4.07 s beside a task that "ended at 4.07 s", never "4.1 s"
// (classroom walk: two precisions in one view cannot be compared).
std::string formatSeconds(std::int64_t ns) {
    char buf[64];
    const double s = static_cast<double>(ns) / 1e9;
    const long long a = std::llabs(static_cast<long long>(ns));
    if (ns == 0) return "0 s";
    if (a >= 10'000'000'000LL) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (a >= 1'000'000'000LL) std::snprintf(buf, sizeof buf, "%.2f s", s);
    else if (a >= 10'000'000LL) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1e3);
    else if (a >= 1'000'000LL) std::snprintf(buf, sizeof buf, "%.1f ms", s * 1e3);
    else if (a >= 1'000LL) std::snprintf(buf, sizeof buf, "%.0f \u00b5s", s * 1e6);
    else std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
    return buf;
}

std::string formatDuration(std::int64_t ns) { return formatSeconds(ns); }

std::string formatInstant(std::int64_t ns) {
    const long long a = std::llabs(static_cast<long long>(ns));
    if (ns == 0 || a >= 1'000'000'000LL) return formatSeconds(ns);
    const double s = static_cast<double>(ns) / 1e9;
    // Two significant digits: 0.7 -> 2 decimals, 0.042 -> 3, 0.005 -> 4.
    int decimals = 2;
    for (long long lim = 100'000'000LL; a < lim && decimals < 9; lim /= 10) ++decimals;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f s", decimals, s);
    return buf;
}

std::string formatPercent(double fraction, bool space) {
    const double pct = fraction * 100;
    int decimals = 0;
    // More decimals only while the rounding would say a bound the value is not.
    while (decimals < 3) {
        const double scale = std::pow(10.0, decimals);
        const double r = std::round(pct * scale) / scale;
        if (!((r == 100 && pct < 100) || (r == 0 && pct > 0))) break;
        ++decimals;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f%s%%", decimals, pct, space ? " " : "");
    return buf;
}

// A column or view of times reads in one unit: the one formatSeconds gives
// the largest of them (ref), so a 586 ms row under 4.07 s ones reads
// "0.59 s" (classroom walk: "586 ms" among seconds). Each value keeps the
// precision its own size asks within that unit ("11.0 s" beside "6.00 s").
std::string formatSecondsLike(std::int64_t ns, std::int64_t ref) {
    char buf[64];
    const long long v = std::llabs(static_cast<long long>(ns));
    const long long a = std::max(std::llabs(static_cast<long long>(ref)), v);
    const double s = static_cast<double>(ns) / 1e9;
    if (a == 0) return "0 s";
    if (a >= 1'000'000'000LL) std::snprintf(buf, sizeof buf, v >= 10'000'000'000LL ? "%.1f s" : "%.2f s", s);
    else if (a >= 1'000'000LL) std::snprintf(buf, sizeof buf, v >= 10'000'000LL ? "%.0f ms" : "%.1f ms", s * 1e3);
    else if (a >= 1'000LL) std::snprintf(buf, sizeof buf, "%.0f \u00b5s", s * 1e6);
    else std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
    return buf;
}

std::string formatDurationAmongInstants(std::int64_t ns) { return formatInstant(ns); }

std::string formatPlainSeconds(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, seconds >= 100 ? "%.0f" : "%.3g", seconds);
    return buf;
}

std::string formatTimeScale(double scale) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fx", scale);
    return buf;
}

namespace {

std::int64_t runZero(const RunModel& m, const Trace& trace) {
    if (m.runStartT() != kNever) return m.runStartT();
    return trace.size() ? trace[0].t : 0;
}

// The span of row covering t (t0 <= t < t1), or nullptr.
const Span* spanAt(const SpanRow& row, std::int64_t t) {
    const std::size_t i = row.firstEndingAfter(t, 0);
    if (i >= row.size() || row[i].t0 > t) return nullptr;
    return &row[i];
}

// The last span of row that ended at or before t, or nullptr.
const Span* spanBefore(const SpanRow& row, std::int64_t t) {
    const std::size_t i = row.firstEndingAfter(t, 0);
    return i == 0 ? nullptr : &row[i - 1];
}

bool isWorkerRole(const TraceMeta& meta, ProcId p) {
    if (p == kParentProc) return false;
    return p >= meta.procs.size() || meta.procs[p].role != ProcRole::ForkServer;
}

// Queue length at t from the model's length samples.
std::int64_t queueLengthAt(const QueueIndex& q, std::int64_t t) {
    auto it = std::upper_bound(q.lengths.begin(), q.lengths.end(), t,
                               [](std::int64_t x, const QueueIndex::LengthSample& s) { return x < s.t; });
    return it == q.lengths.begin() ? 0 : std::prev(it)->length;
}

// The queue a process waits on at t: the one its next get (after t) comes
// from, else its last get's, else the run's only queue.
const QueueIndex* waitedQueue(const RunModel& m, const Trace& trace, ProcId p, std::int64_t t) {
    const QueueIndex* last = nullptr;
    if (p < m.anchorEvents().size()) {
        for (const TimedEventRef& r : m.anchorEvents()[p]) {
            const Event& e = trace[r.index];
            if (e.kind != EventKind::QueueGet) continue;
            last = m.queue(e.obj);
            if (r.t > t) break;
        }
    }
    if (!last && !m.queues().empty()) last = &m.queues().front();
    return last;
}

std::string objectLabel(const TraceMeta& meta, ObjectKind kind, std::int32_t id) {
    if (meta.countOf(kind) <= 1) return std::string("the ") + toString(kind);
    return meta.objectName(kind, id);
}

std::string taskName(const Trace& trace, const Span& s) {
    std::string_view n = trace.string(s.label);
    return n.empty() ? "task #" + std::to_string(s.value) : "task " + std::string(n);
}

// " (task A) ended at 5.0 s", or for a traced task that raised " (task
// ('C', 0)) raised ZeroDivisionError: division by zero at 0.3 s".
std::string lastTaskEnd(const RunModel& m, const Trace& trace, ProcId p, const Span& s, const std::string& at) {
    const TaskRecord* r = m.taskOf(p, s.value);
    const std::string error = r ? taskErrorText(trace, *r) : "";
    return " (" + taskName(trace, s) + ") " + (error.empty() ? "ended" : "raised " + error) + " at " + at;
}

// Who is on each core at t, in core order.
std::vector<std::string> coreHolderNames(const RunModel& m, const TraceMeta& meta, std::int64_t t, ProcId except) {
    std::vector<std::string> who;
    for (const CoreLaneIndex& c : m.cores()) {
        const Span* s = spanAt(c.procs, t);
        if (s && s->proc != except) who.push_back(procName(meta, s->proc));
    }
    return who;
}

// "ForkPoolWorker-1 and ForkPoolWorker-3".
std::string coreHolders(const RunModel& m, const TraceMeta& meta, std::int64_t t, ProcId except) {
    const std::vector<std::string> who = coreHolderNames(m, meta, t, except);
    std::string out;
    for (std::size_t i = 0; i < who.size(); ++i)
        out += (i == 0 ? "" : i + 1 == who.size() ? " and " : ", ") + who[i];
    return out;
}

// The longest gap between a task's end and its worker's next traced call
// that is the pool's own loop (sending the result, asking for the next task),
// not idleness: measured 0.01-0.1 ms (parviz run pool, session 25).
constexpr std::int64_t kBetweenTasksNs = 1'000'000;

struct Ctx {
    const RunModel& m;
    const Trace& trace;
    const TraceMeta meta;
    std::int64_t t, zero;
    std::string at(std::int64_t abs) const { return formatInstant(abs - zero); }
};

// A worker still in a task at t, other than p: "ForkPoolWorker-1 (running task L4)".
// *firstTask: that task is its worker's first, alone (no chunk of several):
// taken at the start, so the tail it leaves is one long task, not a split
// that chunksize or the pool size could change.
std::string someoneStillWorking(const Ctx& c, ProcId p, bool* firstTask = nullptr) {
    for (const ProcLaneIndex& l : c.m.procs()) {
        if (l.proc == p || !isWorkerRole(c.meta, l.proc)) continue;
        const Span* s = spanAt(l.tasks, c.t);
        if (!s) continue;
        if (firstTask) {
            *firstTask = s == &l.tasks[0];
            for (const TaskRecord& r : c.m.tasks())
                if (r.proc == l.proc && r.index == s->value && r.t0 == s->t0) {
                    if (r.summarised > 1) *firstTask = false;
                    for (const ChunkRecord& ch : c.m.chunks())
                        if (r.chunk >= 0 && ch.proc == r.proc && ch.chunk == r.chunk && ch.count > 1) *firstTask = false;
                }
        }
        return procName(c.meta, l.proc) + " still runs " + taskName(c.trace, *s);
    }
    return "";
}

// A Lock a worker waits for at t ("Lock-1", "the lock"), or "": while
// workers queue at a lock, a worker idle at the end is the lock's doing (it
// lets one in at a time), not the split of the work (newcomer walk, session
// 17: a student's lock-bound Pool read "ForkPoolWorker-3 still runs task 6 —
// load imbalance" beside "ForkPoolWorker-3 waits for Lock-1").
std::string lockQueuedAt(const Ctx& c) {
    for (const LockIndex& li : c.m.locks())
        for (std::size_t p = 0; p < li.waitsByProc.size(); ++p) {
            if (!isWorkerRole(c.meta, static_cast<ProcId>(p))) continue;
            for (const LockWaitRecord& w : li.waitsByProc[p])
                if (w.waitT <= c.t && c.t < w.endT) {
                    const std::string name = c.meta.objectName(ObjectKind::Lock, li.id);
                    return name == "lock" ? "the lock" : name;
                }
        }
    return "";
}

// Workers in the same state for the same reason share a sentence (ProcExplanation::group).
void groupAs(ProcExplanation& out, std::string key, std::string words) {
    out.group = std::move(key);
    out.groupWords = std::move(words);
}

std::string explainExited(const Ctx& c, const ProcLaneIndex& l, const std::string& who, ProcExplanation& out) {
    std::string text = who + " " + describeExitCode(l.exitCode) + " at " + c.at(l.exitT);
    if (l.exitCode < 0 && !l.terminatedByProgram()) return text + ": it ran no more after that signal";
    if (l.terminatedByProgram()) {
        groupAs(out, "exit:terminate", "were ended by their own program (terminate), as Python's Pool does");
        return text + ": its own program ended it (terminate), as Python's Pool does";
    }
    if (l.exitCode == 0) groupAs(out, "exit:0", "exited normally (exit code 0)");
    // A worker ends when it takes a stop signal from the queue it takes its
    // work from, said by that queue's role: a Pool's task queue, a
    // ProcessPoolExecutor's call queue, or a queue of the program's own. (A
    // result queue's stop signal is MainProcess's result handler's, which
    // does not end MainProcess.)
    for (const QueueIndex& q : c.m.queues()) {
        if (q.poolRole == PoolQueueRole::Results) continue;
        for (std::size_t k = q.items.size(); k > 0; --k)
            if (q.items[k - 1].getProc == l.proc && q.items[k - 1].getT <= l.exitT) {
                if (!std::binary_search(q.stopSignals.begin(), q.stopSignals.end(), k - 1)) break;
                if (q.poolKind == PoolKind::Executor) {
                    groupAs(out, "exit:executor-none",
                            "exited: each took a None from the executor's call queue (its shutdown sends one per "
                            "worker), put its pid on the result queue and exited, as Python's executor workers do");
                    return text + ": it took a None from the executor's call queue (the executor's shutdown sends "
                                  "one per worker), put its pid on the result queue and exited, as Python's "
                                  "executor workers do";
                }
                if (q.poolKind == PoolKind::Pool) {
                    groupAs(out, "exit:sentinel",
                            "exited: each took a stop signal (sentinel) from the task queue, so its work was done");
                    return text + ": it took a stop signal (sentinel) from the task queue, so its work was done";
                }
                const std::string name = objectLabel(c.meta, ObjectKind::Queue, q.id);
                groupAs(out, "exit:none:" + name,
                        "exited: each took a stop signal (None) its program put on " + name + ", so its work was done");
                return text + ": it took a stop signal (None) its program put on " + name + ", so its work was done";
            }
    }
    return text;
}

// A Lock by its name ("Lock-1", a traced program's), or "the lock" for one
// named just "lock" (the built-in scenarios' own).
std::string lockWords(const std::string& name) { return name == "lock" ? "the lock" : name; }

std::string explainWaitLock(const Ctx& c, ProcId p, const std::string& who) {
    for (const LockIndex& li : c.m.locks()) {
        const LockView v = buildLockView(c.m, c.trace, li.id, c.t);
        auto w = std::find_if(v.waiters.begin(), v.waiters.end(), [&](const LockWaiter& x) { return x.proc == p; });
        if (w == v.waiters.end()) continue;
        // A Lock by its name, as the Lock panel and the timeline's tooltips
        // name it ("Lock-1"), and its holder in the first clause: the Why
        // tab's short form keeps only that clause (classroom walk: "waits for
        // the lock since 11.4 s" never said who held it).
        const std::string lock = v.semaphore ? objectLabel(c.meta, ObjectKind::Lock, li.id) : lockWords(v.name);
        std::string text = who + " waits for " + lock + " since " + c.at(w->since);
        if (!v.semaphore && v.held) text += ", held by " + v.ownerName + " since " + c.at(v.ownerSince);
        if (v.semaphore) {   // it counts: who holds how many of its places, or it waits for a signal
            std::string names;
            for (std::size_t i = 0; i < v.holders.size(); ++i)
                names += (i == 0 ? "" : i + 1 == v.holders.size() ? " and " : ", ") + v.holders[i].name;
            text += v.holders.empty() ? ": nobody holds it and its count is 0, so it goes on when another process "
                                        "releases it (a signal)"
                                      : ": " + names + (v.holders.size() == 1 ? " holds" : " hold") + " it (" +
                                            std::to_string(v.holders.size()) + " of " + std::to_string(v.capacity) + ")";
        }
        const auto ahead = static_cast<std::size_t>(w - v.waiters.begin());
        const std::string sep = v.semaphore ? "; " : ": ";
        if (ahead == 1) text += sep + "1 process waits longer";
        else if (ahead > 1) text += sep + std::to_string(ahead) + " processes wait longer";
        return text;
    }
    return who + " waits for a lock";
}

std::string poolProgress(const Ctx& c);
std::string poolProgressBrief(const Ctx& c);

// When p started waiting for a pool's results, if it waits for them at t: a
// traced program's wait (a SyncWait for the pool's results), or parviz's
// engine's MainProcess blocked on the pool's result queue. Both lanes show
// WaitQueue and Explain says the same words for both.
std::optional<std::int64_t> poolResultsWaitSince(const Ctx& c, const ProcLaneIndex& l, const QueueIndex* q) {
    for (const SyncIndex& x : c.m.syncs())
        for (const SyncWaitRecord& w : x.waits)
            if (w.proc == l.proc && w.poolResults && w.t0 <= c.t && w.t1 > c.t) return w.t0;
    if (!q || q->poolRole != PoolQueueRole::Results) return std::nullopt;
    const Span* s = spanAt(l.program, c.t);
    return s ? s->t0 : c.t;
}

std::string explainWaitQueue(const Ctx& c, const ProcLaneIndex& l, const std::string& who, ProcExplanation& out) {
    const QueueIndex* q = waitedQueue(c.m, c.trace, l.proc, c.t);
    if (const auto since = poolResultsWaitSince(c, l, q)) {
        const std::string head = who + " waits for the pool's results since " + c.at(*since) + ": ";
        // A Why panel short of room keeps the count, not the first clause alone
        // (newcomer check, session 28: at 4 workers the count was cut).
        out.brief = head + poolProgressBrief(c);
        return head + poolProgress(c);
    }
    if (!q) return who + " waits for a queue";
    const std::string name = objectLabel(c.meta, ObjectKind::Queue, q->id);
    std::string text = who + " waits to take from " + name;
    if (queueLengthAt(*q, c.t) > 0) {
        groupAs(out, "waitqueue:coming:" + name, "wait to take from " + name + ": items are on their way to it");
        return text + ": an item is on its way to it";
    }
    text += ": it is empty";
    const Span* last = spanBefore(l.tasks, c.t);
    if (!last) {
        groupAs(out, "waitqueue:empty-new:" + name, "wait to take from " + name + ": it is empty");
        return text;
    }
    // Load imbalance: it has done its share while another still works.
    // ... or one long task taken at the start that no split can shorten
    // (the critical path; newcomer walk, session 21: Pool(4) on A=5 s, B, C,
    // D read "load imbalance" while A alone ran).
    bool longOne = false;
    const std::string other = someoneStillWorking(c, l.proc, &longOne);
    const std::string lock = other.empty() ? "" : lockQueuedAt(c);
    const std::string tail = other.empty() ? ""
                             : !lock.empty() ? " while " + other + " — workers queue at " + lock + " (lock convoy)"
                             : longOne ? " while " + other + ", taken at the start — one long task: no split can shorten it"
                                       : " while " + other + " — load imbalance";
    groupAs(out, "waitqueue:empty:" + name + ":" + other, "wait to take from " + name + ": it is empty" + tail);
    return text + " and its last task" + lastTaskEnd(c.m, c.trace, l.proc, *last, c.at(last->t1)) + tail;
}

// Results put on the pool's result queue and not yet taken from it.
std::string onTheWayText(std::size_t n) {
    return n == 0 ? "" : n == 1 ? " (1 more waits in it)" : " (" + std::to_string(n) + " more wait in it)";
}

// The pool's tasks seen up to t: started (or known, never started), done, running.
struct TaskCounts {
    std::size_t done = 0, all = 0, running = 0;
};
TaskCounts taskCounts(const Ctx& c) {
    TaskCounts n;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.t0 != kNever && r.t0 > c.t) continue;
        ++n.all;
        if (r.outcome == TaskOutcome::Done && r.t1 <= c.t) ++n.done;
        if (r.t0 != kNever && (r.t1 == kNever || r.t1 > c.t)) ++n.running;
    }
    return n;
}

// "7 of 8 started tasks done, 1 running": poolProgress's count in a Why line's brief.
std::string poolProgressBrief(const Ctx& c) {
    const TaskCounts n = taskCounts(c);
    std::string text = std::to_string(n.done) + " of " + std::to_string(n.all) + " started tasks done";
    if (n.running > 0) text += ", " + std::to_string(n.running) + " running";
    return text;
}

// The pool's tasks seen up to t: "2 of 4 tasks done", and the one a dead
// worker took with it (CPython's Pool waits for its result forever).
std::string poolProgress(const Ctx& c) {
    const TaskCounts counts = taskCounts(c);
    const std::size_t done = counts.done, all = counts.all, running = counts.running;
    const TaskRecord *lost = nullptr, *raised = nullptr;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.t0 != kNever && r.t0 > c.t) continue;
        if (r.outcome == TaskOutcome::WorkerDied && r.t1 <= c.t && !lost) lost = &r;
        if (r.outcome == TaskOutcome::Raised && r.t1 <= c.t && !raised && !taskErrorText(c.trace, r).empty()) raised = &r;
    }
    // With the ones still running said (newcomer walk, session 28: "7 of the 8
    // tasks started so far are done" beside two workers in tasks read as a
    // contradiction; the eighth's worker and a worker between chunks were).
    std::string text = std::to_string(done) + " of the " + std::to_string(all) + " tasks started so far " +
                       (done == 1 ? "is done" : "are done");
    if (running > 0) text += ", " + std::to_string(running) + (running == 1 ? " is running" : " are running");
    // A traced pool's results coming back (the workers' puts on "pool results", MainProcess's gets).
    std::size_t back = 0, onTheWay = 0;
    bool results = false;
    std::string handler = "MainProcess";   // whose result-handler thread takes them: the pool's parent's
    for (const QueueIndex& q : c.m.queues()) {
        if (q.poolRole != PoolQueueRole::Results) continue;
        results = true;
        // Counted without a scan: puts and gets up to t by binary search, less
        // the (few) stop signals among them.
        const auto upTo = [&](auto first, auto last, auto key) {
            return static_cast<std::size_t>(std::partition_point(first, last, [&](const auto& x) { return key(x) <= c.t; }) - first);
        };
        const std::size_t put = upTo(q.items.begin(), q.items.end(), [](const QueueItemRecord& r) { return r.putT; });
        const std::size_t got = upTo(q.getsByTime.begin(), q.getsByTime.end(), [&](std::size_t k) { return q.items[k].getT; });
        std::size_t stopPut = 0, stopGot = 0;
        for (std::size_t k : q.stopSignals) {
            stopPut += q.items[k].putT <= c.t;
            stopGot += q.items[k].getT <= c.t;
        }
        const std::size_t resultsPut = put - std::min(put, stopPut), resultsGot = got - std::min(got, stopGot);
        back += resultsGot;
        if (got > 0 && q.items[q.getsByTime.front()].getProc != kNoProc)
            handler = procName(c.meta, q.items[q.getsByTime.front()].getProc);
        onTheWay += resultsPut - std::min(resultsPut, resultsGot);
    }
    // A worker sends a chunk's results as one message (CPython's, and parviz's engine):
    // with chunks of several tasks, the messages count chunks, not tasks.
    const bool chunked = std::any_of(c.m.chunks().begin(), c.m.chunks().end(),
                                     [](const ChunkRecord& ch) { return ch.count > 1; });
    // Two places a result reaches, said apart (classroom walk: "1 result has
    // come back to MainProcess" at 3.02 s beside This run's "all at 6.02 s"):
    // the pool's result queue, which MainProcess's result handler empties as
    // each worker's message comes, and the caller, whose call (map, imap, a
    // future) hands results over when its method does (the results line).
    std::size_t handed = 0;
    for (const ResultRecord& r : c.m.results()) {
        if (r.t > c.t) break;
        ++handed;
    }
    const std::string caller = handed == 0 ? "; the program has received none yet"
                                           : "; the program has received " + std::to_string(handed);
    // "back" counts the results MainProcess's result-handler thread has
    // taken off the queue: "back in the pool's result queue" beside a Queue
    // panel saying "pool results (empty)" read as a contradiction (newcomer
    // walk, session 30). Where each is, said as the Queue panel says it.
    if (results && chunked)
        text += "; " + handler + "'s result-handler thread has taken the results of " + std::to_string(back) +
                (back == 1 ? " chunk" : " chunks") + " off the queue pool results" + onTheWayText(onTheWay) + caller;
    else if (results)
        text += "; " + handler + "'s result-handler thread has taken " + std::to_string(back) + " of the " +
                std::to_string(std::max(all, c.m.tasks().size())) + " results off the queue pool results" +
                onTheWayText(onTheWay) + caller;
    if (raised) {
        std::string_view n = c.trace.string(raised->name);
        text += "; task " + (n.empty() ? "#" + std::to_string(raised->index) : std::string(n)) + " raised " +
                taskErrorText(c.trace, *raised) + ", which Pool.map raises here once the other tasks are done";
    }
    if (lost) {
        std::string_view n = c.trace.string(lost->name);
        // By the queue it took its work from: a Pool's worker's lost task hangs the
        // Pool; a ProcessPoolExecutor's worker's death breaks the executor.
        const std::string who = procName(c.meta, lost->proc);
        text += "; " + who + " died at " + c.at(lost->t1) + " in task " +
                (n.empty() ? "#" + std::to_string(lost->index) : std::string(n)) +
                (workerPoolKind(c.m, lost->proc) == PoolKind::Executor
                     ? ": Python's ProcessPoolExecutor then fails every pending call with BrokenProcessPool"
                     : ", whose result never comes: Python's Pool.map waits for it forever (Stop ends it)");
    }
    return text;
}

// A process in SyncWait at t: on what, since when, and what it waits for.
std::string explainWaitSync(const Ctx& c, ProcId p, const std::string& who) {
    // Process.join: waiting for a child to end.
    for (const JoinRecord& j : c.m.joins()) {
        if (j.proc != p || j.t0 > c.t || j.t1 <= c.t) continue;
        const std::string joined = procName(c.meta, j.joined);
        const ProcLaneIndex* jl = j.joined < c.m.procs().size() ? &c.m.procs()[j.joined] : nullptr;
        const bool ended = jl && jl->exitT <= c.t;
        return who + " is waiting for " + joined + " to finish (join) since " + c.at(j.t0) + ": " +
               (ended ? joined + " has ended; join() returns as soon as " + who + " gets a core"
                      : joined + " is still running, and join() returns only when it has ended");
    }
    for (const SyncIndex& x : c.m.syncs())
        for (const SyncWaitRecord& w : x.waits) {
            if (w.proc != p || w.t0 > c.t || w.t1 <= c.t) continue;
            const SyncView v = buildSyncView(c.m, c.trace, x.kind, x.id, c.t);
            const std::string name = objectLabel(c.meta, x.kind, x.id), since = " since " + c.at(w.t0);
            switch (x.kind) {
            case ObjectKind::Event:
                return who + " waits for " + name + " to be set" + since + ": nobody has set it yet";
            case ObjectKind::Condition:
                return who + " waits on " + name + since + " until another process calls notify(); its lock is "
                       "free meanwhile";
            case ObjectKind::Barrier:
                return who + " waits at " + name + since + ": " + std::to_string(v.waiting.size()) + " of " +
                       std::to_string(v.size) + " parties have arrived; it opens when all have";
            case ObjectKind::Queue:
                return who + " waits in join() on " + name + since + ": items were put that no task_done() has "
                       "answered yet (" + std::to_string(v.taskDone) + " task_done so far)";
            default: return who + " waits on " + name + since;
            }
        }
    return who + " waits to be woken";
}

// How many of the run's processes want a core at t (on one, or runnable
// without one), against its usable cores: more wanting than cores is
// oversubscription, whoever holds the cores at that very moment.
struct CoreDemand {
    int wanting = 0, cores = 0;
    bool oversubscribed() const noexcept { return cores > 0 && wanting > cores; }
};

CoreDemand coreDemandAt(const Ctx& c) {
    CoreDemand d;
    d.cores = c.meta.usableCores > 0 ? c.meta.usableCores : static_cast<int>(c.m.cores().size());
    for (const ProcLaneIndex& l : c.m.procs())
        if (const Span* s = spanAt(l.os, c.t); s && (s->state == LaneState::Runnable || s->state == LaneState::OnCore))
            ++d.wanting;
    return d;
}

// "other programs used 40 % of the cores around then": the CoreLoad samples
// within half a second of t (otherLoadFromSamples: what the CPU lanes hatch
// and Compare's busy flag measures), said from kBusyThreshold; "" else.
std::string othersAround(const Ctx& c) {
    constexpr std::int64_t kHalf = 500'000'000;
    const MachineLoad ol = otherLoadFromSamples(c.m, c.t - kHalf, c.t + kHalf);
    if (ol.cores == 0 || ol.coreNs <= 0) return "";
    const double share = std::min(1.0, static_cast<double>(ol.otherNs) / static_cast<double>(ol.coreNs));
    if (share < kBusyThreshold) return "";
    char buf[96];
    std::snprintf(buf, sizeof buf, "other programs used %.0f %% of the cores around then", share * 100);
    return buf;
}

// A runnable process's reason, from the measured core lanes: the run's own
// processes outnumbering the cores (oversubscription), or other programs
// holding cores the run does not fill (the machine is busy).
std::string explainRunnable(const Ctx& c, const ProcLaneIndex& l, const Span& os, const std::string& name,
                            const std::string& who, ProcExplanation& out) {
    const std::string holders = coreHolders(c.m, c.meta, c.t, l.proc);
    const std::vector<std::string> names = coreHolderNames(c.m, c.meta, c.t, l.proc);
    const CoreDemand d = coreDemandAt(c);
    const std::string since = " (runnable since " + c.at(os.t0) + ")";
    std::string start = who + " is runnable, waiting for a free core: " + name + " wants to run, but ";
    if (d.oversubscribed()) {
        const std::string want = std::to_string(d.wanting) + " of this run's processes want " +
                                 std::to_string(d.cores) + " core" + (d.cores == 1 ? "" : "s");
        // Other programs on the cores around t, as the CPU lanes hatch them
        // (otherLoadFromSamples): said beside the pool's own cause, never
        // left out (classroom walk: "oversubscription" alone under a CPU
        // lane hatched "other programs").
        const std::string others = othersAround(c);
        // Fewer of the run's processes on the cores than cores: something
        // else has the rest just then (another program, parviz itself, the
        // kernel). Said, or "4 processes want 2 cores" beside one worker on a
        // core left the other core unexplained (newcomer walk, session 29).
        const int free = d.cores - static_cast<int>(names.size());
        // Other programs named only where the load samples show them
        // (othersAround); else what the core lanes show: none of the run's
        // processes on it just then (a switch, parviz itself, a kernel thread).
        const std::string held = names.size() == 1 ? names.front() + " has one" : nameList(names) + " have " + std::to_string(names.size());
        const std::string other = free == 1 ? "the other" : "the other " + std::to_string(free);
        const std::string rest = free == d.cores || free <= 0 ? ""   // all free: each one's own sentence says it; the group stays short
                                 : !others.empty()            ? held + ", other programs " + other
                                                              : held + "; " + other + (free == 1 ? " runs" : " run") + " none of this run's processes just then";
        const std::string busy = holders.empty() ? want + " — oversubscription (other programs have them just now)"
                                 : free > 0 && !others.empty()
                                     ? "the cores are busy with " + holders + " and other programs: " + want + " — oversubscription"
                                     : "the cores are busy with " + holders + ": " + want + " — oversubscription";
        // Said for several, it must stay short: sixteen of them share one
        // line at 1280x720 ("ForkPoolWorker-3 to -16 are runnable, waiting for
        // a free core: 17 processes want 2 cores (oversubscription)"). Who has
        // the cores is said by their own line, each one's whole sentence on hover.
        groupAs(out, "runnable:over:" + std::to_string(d.wanting) + ":" + std::to_string(d.cores) + ":" + rest,
                "are runnable, waiting for a free core: " + std::to_string(d.wanting) + " processes want " +
                    std::to_string(d.cores) + (d.cores == 1 ? " core" : " cores") + " (oversubscription)" +
                    (rest.empty() ? "" : "; " + rest) + (others.empty() ? "" : ", and " + others));
        return start + busy + (others.empty() ? "" : ", and " + others) + since;
    }
    const std::string busy = holders.empty() ? "other programs have the cores" : "the cores are busy with " + holders;
    groupAs(out, "runnable:" + holders,
            "are runnable, waiting for a free core: " +
                (names.empty()       ? std::string("other programs have the cores")
                 : names.size() == 1 ? names.front() + " has one, other programs the rest"
                                     : nameList(names) + " have them"));
    return start + busy + since;
}

std::string explainInTask(const Ctx& c, const ProcLaneIndex& l, const Span& task, const Span* prog,
                          const Span* os, const std::string& who, ProcExplanation& out) {
    const std::string name = taskName(c.trace, task);
    const std::string since = " since " + c.at(task.t0);
    if (os && os->state == LaneState::Runnable) return explainRunnable(c, l, *os, name, who, out);
    if (prog && prog->state == LaneState::Sleeping) {
        groupAs(out, "sleeping-in-task", "are in their tasks{details}, sleeping: sleep work needs no core");
        out.groupDetail = name.substr(5);   // "task L2" -> "L2"
        return who + " is in " + name + since + ", sleeping: sleep work needs no core";
    }
    if (os && os->state == LaneState::OnCore) {
        for (const CoreLaneIndex& core : c.m.cores())
            if (const Span* s = spanAt(core.procs, c.t); s && s->proc == l.proc) {
                groupAs(out, "on-core", "run their tasks{details} on the cores");
                out.groupDetail = name.substr(5);
                // "since" is the task's start, "now" the core's: a sleep task's
                // worker on a core for a moment (printing) read "runs task C on
                // CPU 0 since 2.02 s" at 3.02 s, as if it had computed all along.
                return who + " is in " + name + since + ", on CPU " + std::to_string(core.core) + " now";
            }
    }
    return who + " runs " + name + since;
}

std::string explainIdle(const Ctx& c, const ProcLaneIndex& l, const std::string& who, ProcExplanation& out) {
    std::string text = who + " is idle";
    const Span* last = spanBefore(l.tasks, c.t);
    if (!last) {
        groupAs(out, "idle:new", "are idle: they have not had a task yet");
        return text + ": it has not had a task yet";
    }
    text += ": its last task" + lastTaskEnd(c.m, c.trace, l.proc, *last, c.at(last->t1));
    const std::string other = someoneStillWorking(c, l.proc);
    groupAs(out, "idle:" + other, other.empty() ? "are idle: their tasks have ended" : "are idle while " + other);
    if (!other.empty()) text += " while " + other;
    return text;
}

// A traced program's plain Process (no Pool task ever): it runs its own
// code, which parviz does not see line by line; "idle" would be wrong.
bool isPlainProcess(const Ctx& c, const ProcLaneIndex& l) {
    return c.meta.work == kTracedProgramWork && l.proc != kParentProc && l.tasks.empty() &&
           (l.proc >= c.meta.procs.size() || c.meta.procs[l.proc].role == ProcRole::Process);
}

std::string explainPlain(const Ctx& c, const ProcLaneIndex& l, const Span* os, const std::string& who) {
    std::string text = who + " runs its own code (a plain Process: no Pool tasks)";
    if (os && os->state == LaneState::OnCore) {
        for (const CoreLaneIndex& core : c.m.cores())
            if (const Span* s = spanAt(core.procs, c.t); s && s->proc == l.proc)
                return text + ", on CPU " + std::to_string(core.core) + " now";
    }
    if (!c.m.cores().empty())
        text += ", not on a CPU now: it sleeps or waits for something (a pipe, a file, time.sleep) parviz does not "
                "draw";
    return text;
}

// A process that holds a Lock at t says so first, with who waits for it:
// "ForkPoolWorker-5 holds Lock-1 (since 11.2 s) and sleeps in task 2:
// ForkPoolWorker-4 waits for it" (classroom walk: the Why tab said the
// holder "is in task 2, sleeping" and never that it held the lock the other
// waited for). Its own sentence: a holder is never one of a group.
void sayLocksHeld(const Ctx& c, const ProcLaneIndex& l, const Span* task, const Span* prog, const Span* os,
                  ProcExplanation& out) {
    std::vector<std::string> held, waiters;
    for (const LockIndex& li : c.m.locks()) {
        if (li.semaphore) continue;
        const LockView v = buildLockView(c.m, c.trace, li.id, c.t);
        if (!v.held || v.owner != l.proc) continue;
        held.push_back(lockWords(v.name) + " (since " + c.at(v.ownerSince) + ")");
        out.holds.push_back(lockWords(v.name));
        for (const LockWaiter& w : v.waiters) waiters.push_back(w.name);
    }
    if (held.empty()) return;
    out.holdWaiters = nameList(waiters);
    out.holdWaiterCount = static_cast<int>(waiters.size());
    std::string names;
    for (std::size_t i = 0; i < held.size(); ++i) names += (i == 0 ? "" : i + 1 == held.size() ? " and " : ", ") + held[i];
    const std::string& who = out.name;
    std::string doing;
    if (task) {
        const std::string name = taskName(c.trace, *task);
        if (os && os->state == LaneState::Runnable) doing = " and is runnable in " + name + ", waiting for a free core";
        else if (prog && prog->state == LaneState::Sleeping) doing = " and sleeps in " + name;
        else doing = " and runs " + name;
    } else if (prog && prog->state == LaneState::Sleeping) {
        doing = " and sleeps";
    }
    // The rest of its own sentence (after its first clause) stays as the why
    // when nobody waits for the lock.
    const std::size_t colon = out.text.find(": ");
    const std::string why = !waiters.empty() ? nameList(waiters) + (waiters.size() == 1 ? " waits" : " wait") + " for it"
                            : !doing.empty() && colon != std::string::npos ? out.text.substr(colon + 2)
                            : doing.empty() ? out.text : std::string();
    out.text = who + " holds " + names + doing + (why.empty() ? "" : ": " + why);
    out.group.clear();
    out.groupWords.clear();
}

ProcExplanation explainProc(const Ctx& c, const ProcLaneIndex& l) {
    ProcExplanation out;
    out.proc = l.proc;
    out.name = procName(c.meta, l.proc);
    out.plainProcess = l.proc != kParentProc && l.proc < c.meta.procs.size() && c.meta.procs[l.proc].role == ProcRole::Process;
    const std::string& who = out.name;
    if (l.exitT <= c.t) {
        out.state = l.exitCode < 0 && !l.terminatedByProgram() ? LaneState::Killed : LaneState::Exited;
        out.text = explainExited(c, l, who, out);
        if (l.proc == kParentProc) out.group.clear();
        return out;
    }
    const Span* prog = spanAt(l.program, c.t);
    const Span* os = spanAt(l.os, c.t);
    const Span* task = spanAt(l.tasks, c.t);
    // Between a task's end and the worker's next call (its result put, its
    // next get, the next task of its chunk) lie some microseconds of the
    // pool's own loop, drawn as part of what follows at any zoom a class
    // uses. A cursor stepped onto a TaskEnd sits in that gap: Why says the
    // task has just ended, then what follows ("ForkPoolWorker-2 has just
    // finished task s1; microseconds later it is in task s2"). Said as idle
    // it contradicted a lane drawn "waits for queue" (newcomer walk, session
    // 24, finding 8); said as what follows alone ("are in their tasks (s1
    // and s2)") it contradicted the caption "finished s1" (walk 27, finding 4).
    if (!task && (!prog || prog->state == LaneState::Idle || prog->state == LaneState::Running) && l.proc != kParentProc) {
        const std::size_t i = l.program.firstEndingAfter(c.t, 0);
        const std::size_t n = i < l.program.size() && l.program[i].t0 <= c.t ? i + 1 : i;
        const Span* ended = spanBefore(l.tasks, c.t);
        if (n < l.program.size() && l.program[n].state != LaneState::Idle && l.program[n].state != LaneState::Running && ended &&
            c.t - ended->t1 < kBetweenTasksNs && l.program[n].t0 - c.t < kBetweenTasksNs && l.exitT > l.program[n].t0) {
            const Ctx next{c.m, c.trace, c.meta, l.program[n].t0, c.zero};
            ProcExplanation then = explainProc(next, l);
            // What follows in the words of its own sentence, up to its why and
            // without its "since" (it begins after the cursor).
            std::string follows = firstClauseOf(then.text);
            if (follows.rfind(who, 0) == 0) follows.erase(0, who.size());
            if (const std::size_t since = follows.find(" since "); since != std::string::npos) {
                const std::size_t comma = follows.find(',', since);
                follows.erase(since, comma == std::string::npos ? std::string::npos : comma - since);
            }
            const TaskRecord* r = c.m.taskOf(l.proc, ended->value);
            const std::string error = r ? taskErrorText(c.trace, *r) : "";
            then.text = who + (error.empty() ? " has just finished " + taskName(c.trace, *ended)
                                             : "'s " + taskName(c.trace, *ended) + " has just raised " + error) +
                        "; microseconds later it" + follows;
            // Its own sentence: grouped, the group's words would say only what follows.
            then.group.clear();
            then.groupWords.clear();
            then.groupDetail.clear();
            return then;
        }
    }
    out.state = prog ? prog->state : LaneState::None;
    if (os && os->state == LaneState::Runnable) out.state = LaneState::Runnable;
    if (prog && prog->state == LaneState::Stopped) {
        out.text = who + " is stopped (SIGSTOP) since " + c.at(prog->t0) + ": the run is paused";
        groupAs(out, "stopped", "are stopped (SIGSTOP): the run is paused");
    } else if (prog && prog->state == LaneState::WaitLock) {
        out.text = explainWaitLock(c, l.proc, who);
    } else if (prog && prog->state == LaneState::WaitQueue) {
        out.text = explainWaitQueue(c, l, who, out);
    } else if (prog && prog->state == LaneState::WaitSync) {
        out.text = explainWaitSync(c, l.proc, who);
    } else if (task) {
        out.text = explainInTask(c, l, *task, prog, os, who, out);
    } else if (isPlainProcess(c, l)) {
        out.text = explainPlain(c, l, os, who);
    } else if (l.proc == kParentProc) {
        // A traced program without a Pool: nothing is handed out, it is just the program.
        const bool traced = c.meta.work == kTracedProgramWork;
        out.text = c.m.tasks().empty()
                       ? who + " runs the program's own code"
                       : who + " runs the program's own code: it hands out the work and collects the results";
        // A traced program's MainProcess off the CPUs is blocked in a call
        // the tracer does not follow: a Process's join() above all (newcomer
        // walk: "MainProcess runs the program's own code" while it waited in
        // join() for the workers). The OS rows say so; the words name it.
        if (traced && !c.m.cores().empty() && !(os && (os->state == LaneState::OnCore || os->state == LaneState::Runnable)))
            out.text = who + " is in the program's own code, not on a CPU now: it waits for something parviz does not "
                             "draw (a pipe, a socket, a thread's join())";
    } else if (!prog || prog->state == LaneState::Idle) {
        out.text = explainIdle(c, l, who, out);
    } else if (prog->state == LaneState::Sleeping) {
        out.text = who + " is sleeping: it needs no core";
        groupAs(out, "sleeping", "are sleeping: they need no core");
    } else {
        out.text = who + " runs its own code (between tasks)";
        groupAs(out, "own-code", "run their own code (between tasks)");
    }
    if (!(prog && prog->state == LaneState::WaitLock)) sayLocksHeld(c, l, task, prog, os, out);
    // MainProcess is never one of a group of workers.
    if (l.proc == kParentProc) out.group.clear();
    return out;
}

// The stop signals on a queue up to t, explained once they appear: a pool's
// task queue (the closing pool's, one per worker) or a program's own queue (its
// "no more work" None). A pool's result queue's stop is its result handler's own.
// O(stop signals): the model indexes them (QueueIndex::stopSignals), plus one
// pass over the items ahead of the oldest one still in the queue.
void noteSentinels(const Ctx& c, Explanation& out) {
    for (const QueueIndex& q : c.m.queues()) {
        if (q.poolRole == PoolQueueRole::Results) continue;
        std::size_t put = 0, taken = 0, dropped = 0;
        std::size_t firstLeft = q.items.size();   // the oldest stop signal still in the queue at t
        for (std::size_t k : q.stopSignals) {
            const QueueItemRecord& r = q.items[k];
            if (r.putT > c.t) break;
            ++put;
            if (r.getT <= c.t) ++(r.discarded ? dropped : taken);
            else firstLeft = std::min(firstLeft, k);
        }
        if (put == 0) continue;
        // The items still in the queue ahead of it (FIFO: put before it, not
        // taken by t), other stop signals aside: a producer faster than its
        // consumer leaves them there (newcomer walk: "A None was put on the
        // queue, not taken yet" while the Queue panel held 7, six numbers ahead of it).
        std::size_t ahead = 0;
        for (std::size_t i = 0, s = 0; i < firstLeft && i < q.items.size(); ++i) {
            while (s < q.stopSignals.size() && q.stopSignals[s] < i) ++s;
            if (s < q.stopSignals.size() && q.stopSignals[s] == i) continue;
            const QueueItemRecord& r = q.items[i];
            if (r.putT != kNever && r.putT <= c.t && (r.getT == kNever || r.getT > c.t)) ++ahead;
        }
        // Its first clause (all presentation's Why tab may show of it) says
        // what is true at t: how many were put and where they are now
        // (classroom walk: "2 items on Queue-1 are None …" on an empty queue).
        const std::string name = objectLabel(c.meta, ObjectKind::Queue, q.id);
        const bool pool = q.poolRole == PoolQueueRole::Tasks && q.poolKind == PoolKind::Pool;
        const bool executor = q.poolRole == PoolQueueRole::Tasks && q.poolKind == PoolKind::Executor;
        const std::string what = pool ? (put == 1 ? "stop signal (sentinel)" : "stop signals (sentinels)")
                                      : (put == 1 ? "None" : "Nones");
        const std::size_t left = put - taken - dropped;
        std::string head;
        if (put == 1) head = "A " + what + " was put on " + name;
        else head = std::to_string(put) + " " + what + " were put on " + name;
        if (left == 0 && dropped == 0) head += put == 1 ? " and taken" : put == 2 ? " and both taken" : " and all taken";
        else if (left == put) head += put == 1 ? ", not taken yet" : ", none taken yet";
        else head += ", " + std::to_string(taken) + " taken" + (left ? ", " + std::to_string(left) + " still in it" : "");
        if (left && ahead)
            head += ", and " + std::to_string(ahead) + (ahead == 1 ? " item waits" : " items wait") + " ahead of " +
                    (left == 1 ? "it" : "them");
        if (dropped) head += ", " + std::to_string(dropped) + " dropped unread when the pool was terminated (its workers were ended first)";
        const std::string why =
            executor ? "stop signals, not calls: the executor's shutdown puts one per worker, and a worker that takes one "
                       "puts its pid on the result queue and exits."
            : pool   ? std::string(put == 1 ? "it is not a task" : "they are not tasks") +
                         ": the pool, closing, puts one per worker, and a worker that takes one exits (each is the "
                         "value None)."
            : put == 1 ? "a stop signal (sentinel) the program put to tell the process that takes it there is no more "
                         "work."
                       : "stop signals (sentinels) the program put to tell the process that takes one there is no more "
                         "work.";
        out.notes.push_back(head + ": " + why);
    }
}

// A traced task that raised, named with its exception once it has (the
// first three; CPython hands the exception back to the caller).
void noteRaised(const Ctx& c, Explanation& out) {
    std::size_t n = 0;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.outcome != TaskOutcome::Raised || r.t1 > c.t) continue;
        const std::string error = taskErrorText(c.trace, r);
        if (error.empty()) continue;
        if (++n > 3) continue;
        std::string_view name = c.trace.string(r.name);
        out.notes.push_back("Task " + (name.empty() ? "#" + std::to_string(r.index) : std::string(name)) +
                            " raised " + error + " in " + procName(c.meta, r.proc) + " at " + c.at(r.t1) +
                            ": Python sends the exception back, and the call that waits for the result (Pool.map, "
                            "get(), a future's result()) raises it in the program.");
    }
    if (n > 3) out.notes.push_back(std::to_string(n - 3) + " more tasks raised (Stats lists every failure).");
}

} // namespace

// =============================================================================
// [SECTION] Explain
// =============================================================================
Explanation buildExplain(const RunModel& model, const Trace& trace, std::int64_t t) {
    Explanation out;
    const Ctx c{model, trace, trace.meta(), t, runZero(model, trace)};
    for (const ProcLaneIndex& l : model.procs()) {
        if (!l.seen || l.firstT > t) continue;
        if (l.proc != kParentProc && !isWorkerRole(c.meta, l.proc)) continue;
        // Nothing of its own to explain: no state, no task, never measured on
        // a core. A real run's MainProcess is on the cores (its OS rows): under
        // load a pool's results were all in before map() waited, its lane had
        // no state span, and Why named only the workers (CI, session 22).
        if (l.proc == kParentProc && l.tasks.empty() && l.program.empty() && l.os.empty()) continue;
        out.procs.push_back(explainProc(c, l));
    }
    out.lines = groupExplanations(out.procs);
    noteSentinels(c, out);
    noteRaised(c, out);
    if (c.meta.timeScale != 1.0) {
        // In the toolbar's words ("0.50x"), not "%g" ("scaled by 0.5" beside "0.50x").
        const std::string scale = formatTimeScale(c.meta.timeScale);
        out.notes.push_back("The time axis is scaled by " + scale + ": every duration of the scenario was multiplied by " +
                            scale + " (the time scale), and the axis is in seconds of this run.");
    }
    return out;
}

namespace {

// "ForkPoolWorker-12" -> {"ForkPoolWorker-", "12"}; {name, ""} when it does not end in -<digits>.
std::pair<std::string, std::string> splitNumbered(const std::string& n) {
    const std::size_t k = n.find_last_of('-');
    if (k == std::string::npos || k + 1 == n.size() || n.size() - k > 8) return {n, ""};
    for (std::size_t i = k + 1; i < n.size(); ++i)
        if (n[i] < '0' || n[i] > '9') return {n, ""};
    return {n.substr(0, k + 1), n.substr(k + 1)};
}

std::string joinAnd(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return out;
}

} // namespace

std::string nameList(const std::vector<std::string>& names) {
    if (names.empty()) return "";
    const auto first = splitNumbered(names.front());
    bool numbered = !first.second.empty();
    for (const std::string& n : names) {
        const auto s = splitNumbered(n);
        numbered = numbered && !s.second.empty() && s.first == first.first;
    }
    if (!numbered) return joinAnd(names);
    // The prefix once, then "-N"; a run of five or more consecutive numbers as "-A to -B".
    std::vector<long> nums;
    for (const std::string& n : names) nums.push_back(std::stol(splitNumbered(n).second));
    std::vector<std::string> items;
    for (std::size_t i = 0; i < nums.size();) {
        std::size_t j = i;
        while (j + 1 < nums.size() && nums[j + 1] == nums[j] + 1) ++j;
        const std::string head = (items.empty() ? first.first : std::string("-")) + std::to_string(nums[i]);
        if (j - i + 1 >= 5) {
            items.push_back(head + " to -" + std::to_string(nums[j]));
        } else {
            items.push_back(head);
            for (std::size_t k = i + 1; k <= j; ++k) items.push_back("-" + std::to_string(nums[k]));
        }
        i = j + 1;
    }
    return joinAnd(items);
}

namespace {
// A state as the counts say it ("5 idle").
const char* countWord(LaneState s) {
    switch (s) {
    case LaneState::Exited: return "exited";
    case LaneState::Killed: return "killed";
    case LaneState::Idle: return "idle";
    case LaneState::Sleeping: return "sleeping";
    case LaneState::Running: return "running";
    case LaneState::Runnable: return "runnable (no free core)";
    case LaneState::Stopped: return "stopped";
    case LaneState::WaitQueue: return "waiting for a queue";
    case LaneState::WaitSync: return "waiting to be woken";
    case LaneState::WaitLock: return "waiting for a lock";
    default: return "starting";
    }
}
} // namespace

namespace {
// "1 holding Lock-1 (sleeping inside it)": a lock's holder counted as one,
// its state said as inside the lock (lock demo: "3 waiting for a lock, 1
// sleeping" while the one sleeping held the lock the three waited for).
std::string holdingWord(const ProcExplanation& p) {
    std::string locks;
    for (std::size_t i = 0; i < p.holds.size(); ++i)
        locks += (i == 0 ? "" : i + 1 == p.holds.size() ? " and " : ", ") + p.holds[i];
    const std::string inside = p.holds.size() == 1 ? " inside it)" : " inside them)";
    switch (p.state) {
    case LaneState::Sleeping: return "holding " + locks + " (sleeping" + inside;
    case LaneState::Running: return "holding " + locks + " (running" + inside;
    case LaneState::Runnable: return "holding " + locks + " (runnable" + inside.substr(0, inside.size() - 1) + ", no free core)";
    default: return "holding " + locks;
    }
}
} // namespace

bool oneNumberedFamily(const Explanation& x) {
    int n = 0;
    std::string prefix;
    for (const ProcExplanation& p : x.procs) {
        if (p.proc == kParentProc) continue;
        const auto split = splitNumbered(p.name);
        if (n++ == 0) prefix = split.first;
        if (split.second.empty() || split.first != prefix) return false;
    }
    return n > 0;
}

std::string countsByState(const Explanation& x, LockNames names) {
    std::vector<std::pair<std::string, int>> counts;   // in the order first seen
    int n = 0;
    bool plain = false;
    for (const ProcExplanation& p : x.procs) {
        if (p.proc == kParentProc) continue;
        ++n;
        plain = plain || p.plainProcess;
        const std::string word = p.holds.empty() ? std::string(countWord(p.state)) : holdingWord(p);
        auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == word; });
        if (it == counts.end()) counts.emplace_back(word, 1);
        else ++it->second;
    }
    if (n == 0) return "";
    // Workers are a pool's (one numbered family of them); a program's own
    // Processes are processes (newcomer walk: two plain Processes were "2 workers").
    const bool workers = !plain && oneNumberedFamily(x);
    const std::string who = std::to_string(n) + " " +
                            (workers ? (n == 1 ? "worker" : "workers") : (n == 1 ? "process" : "processes"));
    std::string out = who + (counts.size() == 1 ? " " + counts.front().first : ": ");
    for (std::size_t i = 0; i < counts.size() && counts.size() > 1; ++i)
        out += (i ? ", " : "") + std::to_string(counts[i].second) + " " + counts[i].first;
    // Who holds, and who waits: the counts alone named nobody, and a lock's
    // holder is what the class looks for ("Process-2 holds the lock").
    if (names == LockNames::None) return out;
    for (const ProcExplanation& p : x.procs) {
        if (p.holds.empty()) continue;
        std::string locks;
        for (std::size_t i = 0; i < p.holds.size(); ++i)
            locks += (i == 0 ? "" : i + 1 == p.holds.size() ? " and " : ", ") + p.holds[i];
        out += "; " + p.name + " holds " + locks;
        if (names == LockNames::HolderAndWaiters && p.holdWaiterCount > 0)
            out += ", " + p.holdWaiters + (p.holdWaiterCount == 1 ? " waits" : " wait") + (p.holds.size() == 1 ? " for it" : " for them");
    }
    return out;
}

std::vector<ExplainLine> groupExplanations(const std::vector<ProcExplanation>& procs) {
    std::vector<ExplainLine> out;
    std::vector<bool> done(procs.size(), false);
    for (std::size_t i = 0; i < procs.size(); ++i) {
        if (done[i]) continue;
        std::vector<std::size_t> members{i};
        if (!procs[i].group.empty())
            for (std::size_t k = i + 1; k < procs.size(); ++k)
                if (!done[k] && procs[k].group == procs[i].group) members.push_back(k);
        ExplainLine line;
        std::vector<std::string> names;
        for (std::size_t k : members) {
            done[k] = true;
            line.procs.push_back(procs[k].proc);
            line.each.push_back(procs[k].text);
            names.push_back(procs[k].name);
        }
        if (members.size() == 1) {
            line.text = procs[i].text;
        } else {
            // "{details}": the members' own details, when few enough to read.
            std::vector<std::string> details;
            for (std::size_t k : members)
                if (!procs[k].groupDetail.empty()) details.push_back(procs[k].groupDetail);
            std::string words = procs[i].groupWords;
            const std::string said = details.size() == members.size() && members.size() <= 4
                                         ? " (" + joinAnd(details) + ")" : std::string();
            if (const std::size_t at = words.find("{details}"); at != std::string::npos) words.replace(at, 9, said);
            line.text = nameList(names) + " " + words;
        }
        // The first clause, for a panel short of room ("ForkPoolWorker-3 to -8
        // are runnable, waiting for a free core"): what state, not why.
        const std::size_t colon = line.text.find(": ");
        line.brief = colon == std::string::npos ? line.text : line.text.substr(0, colon);
        if (members.size() == 1 && !procs[i].brief.empty()) line.brief = procs[i].brief;
        out.push_back(std::move(line));
    }
    return out;
}

// =============================================================================
// [SECTION] Step
// =============================================================================
bool isProgramEvent(EventKind k) noexcept {
    switch (k) {
    case EventKind::ProcStart: case EventKind::ProcExit: case EventKind::TaskStart: case EventKind::TaskEnd:
    case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty: case EventKind::QueueFull:
    case EventKind::LockWait: case EventKind::LockAcquire: case EventKind::LockRelease:
    case EventKind::LockTimeout: case EventKind::LockOwnerDied: case EventKind::Print: case EventKind::SyncWait:
    case EventKind::SyncWake: case EventKind::SyncSignal: case EventKind::PoolResult: case EventKind::ProcJoin:
        return true;
    default: return false;
    }
}

std::int64_t sameInstantNs(const RunModel& model) noexcept {
    if (model.runStartT() == kNever) return 0;
    const std::int64_t end = model.runEndT() != kNever ? model.runEndT() : model.now();
    return std::clamp<std::int64_t>((end - model.runStartT()) / 1000, 0, kSameInstantNs);
}

bool sameStep(const Event& a, const Event& b, std::int64_t instant) noexcept {
    return a.proc == b.proc && a.kind == b.kind && b.t >= a.t && b.t - a.t <= instant;
}

namespace {
// stepProgramEvent; with counted false a backward step's group is not walked
// for its count and first event (stepEdgeNote needs only whether it exists).
std::optional<StepTarget> stepImpl(const RunModel& model, const Trace& trace, std::int64_t t, bool forward, ProcId only,
                                   bool counted) {
    // All processes: the caption events hold every program event; one: its anchor events do.
    const std::vector<TimedEventRef>* evs = &model.captionEvents();
    if (only != kNoProc) {
        if (only >= model.anchorEvents().size()) return std::nullopt;
        evs = &model.anchorEvents()[only];
    }
    const std::vector<TimedEventRef>& v = *evs;
    const std::int64_t instant = sameInstantNs(model);
    const std::ptrdiff_t n = static_cast<std::ptrdiff_t>(v.size());
    auto ok = [&](std::ptrdiff_t i) {
        const Event& e = trace[v[static_cast<std::size_t>(i)].index];
        return isProgramEvent(e.kind) && (only == kNoProc || e.proc == only);
    };
    auto ev = [&](std::ptrdiff_t i) -> const Event& { return trace[v[static_cast<std::size_t>(i)].index]; };
    auto nextOk = [&](std::ptrdiff_t i) {   // n: none
        for (++i; i < n; ++i)
            if (ok(i)) return i;
        return n;
    };
    auto prevOk = [&](std::ptrdiff_t i) {   // -1: none
        for (--i; i >= 0; --i)
            if (ok(i)) return i;
        return std::ptrdiff_t{-1};
    };
    // The step ending at program event `last`: back to its group's first.
    auto groupEndingAt = [&](std::ptrdiff_t last) {
        StepTarget s{v[static_cast<std::size_t>(last)].t, v[static_cast<std::size_t>(last)].index, 1,
                     v[static_cast<std::size_t>(last)].index};
        for (std::ptrdiff_t cur = last, p = prevOk(last); p >= 0 && sameStep(ev(p), ev(cur), instant); cur = p, p = prevOk(p)) {
            ++s.count;
            s.first = v[static_cast<std::size_t>(p)].index;
        }
        return s;
    };
    if (forward) {
        const auto it = std::upper_bound(v.begin(), v.end(), t, [](std::int64_t x, const TimedEventRef& r) { return x < r.t; });
        std::ptrdiff_t i = it - v.begin();
        if (i < n && !ok(i)) i = nextOk(i);
        if (i >= n) return std::nullopt;
        if (!counted) return StepTarget{v[static_cast<std::size_t>(i)].t, v[static_cast<std::size_t>(i)].index, 1,
                                        v[static_cast<std::size_t>(i)].index};
        std::uint32_t count = 1;
        const std::uint32_t first = v[static_cast<std::size_t>(i)].index;
        for (std::ptrdiff_t k = nextOk(i); k < n && sameStep(ev(i), ev(k), instant); k = nextOk(k)) {
            i = k;
            ++count;
        }
        return StepTarget{v[static_cast<std::size_t>(i)].t, v[static_cast<std::size_t>(i)].index, count, first};
    }
    const auto it = std::lower_bound(v.begin(), v.end(), t, [](const TimedEventRef& r, std::int64_t x) { return r.t < x; });
    std::ptrdiff_t i = prevOk(it - v.begin());
    if (i < 0) return std::nullopt;
    // The cursor inside (or at the end of) a group: step to the group before it.
    if (const std::ptrdiff_t k = nextOk(i); k < n && sameStep(ev(i), ev(k), instant)) {
        while (true) {
            const std::ptrdiff_t p = prevOk(i);
            if (p < 0) return std::nullopt;
            if (!sameStep(ev(p), ev(i), instant)) {
                i = p;
                break;
            }
            i = p;
        }
    }
    if (!counted) return StepTarget{v[static_cast<std::size_t>(i)].t, v[static_cast<std::size_t>(i)].index, 1,
                                    v[static_cast<std::size_t>(i)].index};
    return groupEndingAt(i);
}
} // namespace

std::optional<StepTarget> stepProgramEvent(const RunModel& model, const Trace& trace, std::int64_t t, bool forward,
                                           ProcId only) {
    return stepImpl(model, trace, t, forward, only, true);
}

std::string stepEdgeNote(const RunModel& model, const Trace& trace, std::int64_t t, ProcId only) {
    // Whether a step exists needs no walk over its group (O(group): a
    // parent's puts in a row); backward, a cursor inside a group still walks
    // back to the group's start (RunView caches the note per cursor).
    const bool later = stepImpl(model, trace, t, true, only, false).has_value();
    const bool earlier = stepImpl(model, trace, t, false, only, false).has_value();
    if (!later && !earlier) return "no program event";
    if (!later) return "the last event";
    if (!earlier) return "the first event";
    return "";
}

std::string firstClauseOf(const std::string& s) {
    int depth = 0;
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] == '(') ++depth;
        else if (s[i] == ')' && depth > 0) --depth;
        else if (depth == 0 && s[i] == ':' && s[i + 1] == ' ') return s.substr(0, i);
    }
    return s;
}

} // namespace parviz
