// Chrome Trace Event export (export.hpp states the rules).
//
// [SECTION] nest: clip spans so each lane is a proper tree, give lone queue ops a slice
// [SECTION] collect: the run model's records become per-lane spans and ops
// [SECTION] write: metadata, spans, ops and flows, counters, cores, failures
//
// Nothing here pairs events: tasks, CPU intervals, lock waits and holds, queue
// items, kills and failures all come from the run model (run_model.hpp).
#include "parviz/export.hpp"

#include "parviz/file_io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace parviz {

namespace {

using nlohmann::json;

struct Span {
    std::int64_t t0, t1;
    std::string name;
    const char* cat;
    json args;
};

struct QueueOp {
    std::int64_t t;
    bool put;
    std::int32_t queue;
    std::uint64_t item;
    std::string value;
};

struct Lane {
    std::int64_t pid = 0;
    bool hasPid = false;
    std::vector<Span> spans;
    std::vector<QueueOp> ops;
};

// [SECTION] nest ---------------------------------------------------------------

// Sort parents before children and clip any span that would end after its
// parent: Perfetto drops or misdraws partially overlapping X events.
void nest(std::vector<Span>& spans) {
    std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        return a.t0 != b.t0 ? a.t0 < b.t0 : a.t1 > b.t1;
    });
    std::vector<std::int64_t> stack;   // ends of open ancestors
    for (auto& s : spans) {
        while (!stack.empty() && stack.back() <= s.t0) stack.pop_back();
        if (!stack.empty() && s.t1 > stack.back()) {
            s.t1 = stack.back();
            s.args["clipped"] = true;
        }
        stack.push_back(s.t1);
    }
}

// Queue ops outside every slice get a short slice of their own, ending before
// the lane's next slice or op so the tree stays proper.
void sliceLoneOps(Lane& lane, const TraceMeta& meta) {
    const auto& spans = lane.spans;   // sorted by nest()
    std::vector<Span> extra;
    std::vector<std::int64_t> stack;
    std::size_t next = 0;
    for (std::size_t i = 0; i < lane.ops.size(); ++i) {
        const auto& op = lane.ops[i];
        while (next < spans.size() && spans[next].t0 <= op.t) {
            while (!stack.empty() && stack.back() < spans[next].t0) stack.pop_back();
            stack.push_back(spans[next].t1);
            ++next;
        }
        while (!stack.empty() && stack.back() < op.t) stack.pop_back();
        if (!stack.empty()) continue;
        if (!extra.empty() && extra.back().t1 >= op.t) continue;   // shares the previous op's slice
        std::int64_t limit = op.t + 1000;
        if (next < spans.size()) limit = std::min(limit, spans[next].t0 - 1);
        for (std::size_t j = i + 1; j < lane.ops.size(); ++j)
            if (lane.ops[j].t > op.t) { limit = std::min(limit, lane.ops[j].t - 1); break; }
        limit = std::max(limit, op.t);
        extra.push_back({op.t, limit, op.put ? "queue.put" : "queue.get", "queue",
                         json{{"queue", meta.objectName(ObjectKind::Queue, op.queue)}}});
    }
    lane.spans.insert(lane.spans.end(), extra.begin(), extra.end());
    nest(lane.spans);
}

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

} // namespace

// [SECTION] collect: records of the run model become spans and ops ----------

namespace {

struct Collected {
    std::vector<Lane> lanes;
    struct Instant {
        std::int64_t t;
        ProcId proc;
        std::string name;
        json args;
        bool stopped = false;
        const char* cat = nullptr;   // nullptr: "failure" (or "stop")
    };
    std::vector<Instant> instants;   // failures, stops, sync signals, pool results received
};

// When a process's intervals must end at the latest: its exit, or the trace's end.
std::int64_t endFor(const RunModel& m, ProcId p, std::int64_t last) {
    if (p < m.procs().size() && m.procs()[p].exitT != kNever) return m.procs()[p].exitT;
    return last;
}

void collectTasks(const RunModel& m, const Trace& tr, const TraceMeta& meta, std::int64_t last, Collected& c) {
    for (const TaskRecord& r : m.tasks()) {
        if (r.t0 == kNever) continue;   // only its (failed) end was seen: no slice to draw
        std::string name(tr.string(r.name));
        if (name.empty()) name = "task " + std::to_string(r.index);
        json a{{"worker", procName(meta, r.proc)}, {"index", r.index}};
        if (isFailure(r.outcome)) a["failed"] = true;
        if (r.outcome != TaskOutcome::Done) a["outcome"] = toString(r.outcome);
        if (r.chunk >= 0) a["chunk"] = r.chunk;
        c.lanes[r.proc].spans.push_back({r.t0, r.t1 == kOpenEnd ? std::max(last, r.t0) : r.t1, name, "task", a});
    }
}

void collectLocks(const RunModel& m, const TraceMeta& meta, std::int64_t last, Collected& c) {
    for (const LockIndex& l : m.locks()) {
        const std::string lockName = meta.objectName(ObjectKind::Lock, l.id);
        for (std::size_t p = 0; p < l.waitsByProc.size(); ++p) {
            const auto proc = static_cast<ProcId>(p);
            const std::int64_t end = endFor(m, proc, last);
            for (const LockWaitRecord& w : l.waitsByProc[p]) {
                const std::int64_t t1 = std::min(w.endT, std::max(end, w.waitT));
                if (t1 <= w.waitT && !w.timedOut) continue;   // acquired at once: no wait to show
                json a{{"worker", procName(meta, proc)}};
                if (w.timedOut) a["timed_out"] = true;
                c.lanes[p].spans.push_back({w.waitT, t1, "wait " + lockName, "lock", a});
            }
        }
        for (const LockHold& h : l.holds) {
            const std::int64_t exitT = endFor(m, h.proc, last);
            const bool cutByExit = h.releaseT == kOpenEnd || exitT < h.releaseT;
            json a{{"worker", procName(meta, h.proc)}, {"owner_died_before", h.ownerDied}};
            if (cutByExit) {
                const auto& lane = m.procs()[h.proc];
                a["died_holding"] = lane.exitT != kNever && lane.exitCode < 0;
            }
            const std::int64_t t1 = cutByExit ? std::max(exitT, h.acquireT) : h.releaseT;
            c.lanes[h.proc].spans.push_back({h.acquireT, t1, "hold " + lockName, "lock", a});
        }
        for (const LockOwnerDiedRecord& d : l.ownerDied)
            c.instants.push_back({d.t, d.acquirer, "lock owner died: " + lockName,
                                  json{{"lock", lockName}, {"dead_owner", procName(meta, d.deadOwner)},
                                       {"recovered_by", procName(meta, d.acquirer)}}});
    }
}

// Waits on an Event, Condition, Barrier, join or a pool's results become
// slices ("wait Event-1"); set, clear, notify, task_done, abort and reset
// instants on the signalling process.
void collectSyncs(const RunModel& m, const TraceMeta& meta, std::int64_t last, Collected& c) {
    for (const SyncIndex& x : m.syncs()) {
        const std::string name = meta.objectName(x.kind, x.id);
        for (const SyncWaitRecord& w : x.waits) {
            json a{{"worker", procName(meta, w.proc)}, {"object", toString(x.kind)}};
            if (w.flags & kSyncTimedOut) a["timed_out"] = true;
            if (w.flags & kSyncBroken) a["broken"] = true;
            if (w.endedByExit) a["ended_by_exit"] = true;
            const std::int64_t t1 = w.t1 == kOpenEnd ? std::max(last, w.t0) : w.t1;
            c.lanes[w.proc].spans.push_back({w.t0, t1, w.poolResults ? "wait for pool results" : "wait " + name, "sync", a});
        }
        for (const SyncSignalRecord& r : x.signals)
            c.instants.push_back({r.t, r.proc, std::string(toString(r.op)) + " " + name,
                                  json{{"object", name}, {"count", r.count}}, false, "sync"});
    }
}

void collectQueueOps(const RunModel& m, const Trace& tr, Collected& c) {
    for (const QueueIndex& q : m.queues())
        for (const QueueItemRecord& r : q.items) {
            const std::string value = readableValue(tr.string(r.preview));
            if (r.putProc != kNoProc) c.lanes[r.putProc].ops.push_back({r.putT, true, q.id, r.item, value});
            if (r.getT != kNever && r.getProc != kNoProc && !r.discarded)   // dropped unread: no get, no flow
                c.lanes[r.getProc].ops.push_back({r.getT, false, q.id, r.item, value});
        }
    for (Lane& l : c.lanes)
        std::stable_sort(l.ops.begin(), l.ops.end(), [](const QueueOp& a, const QueueOp& b) { return a.t < b.t; });
}

Collected collect(const RunModel& m, const Trace& tr, const TraceMeta& meta, std::int64_t last) {
    Collected c;
    c.lanes.resize(std::max<std::size_t>({meta.procs.size(), m.procs().size(), 1}));
    for (std::size_t p = 0; p < m.procs().size(); ++p) {
        const ProcLaneIndex& l = m.procs()[p];
        c.lanes[p].hasPid = l.startT != kNever;
        c.lanes[p].pid = static_cast<std::int64_t>(l.pid);
        if (l.exitT != kNever && l.exitCode < 0 && !l.terminatedByProgram()) {
            // A worker the run's own stop ended is marked as stopped, not as a failure.
            const bool stopped = m.stoppedByRun(l);
            c.instants.push_back({l.exitT, l.proc,
                                  std::string(stopped ? "stopped: killed by " : "killed by ") +
                                      signalName(static_cast<int>(-l.exitCode)),
                                  json{{"worker", procName(meta, l.proc)}, {"signal", -l.exitCode}}, stopped});
        }
    }
    collectTasks(m, tr, meta, last, c);
    collectLocks(m, meta, last, c);
    collectSyncs(m, meta, last, c);
    // When the caller received each pool result (PoolResult): the order map, imap,
    // imap_unordered and apply_async differ in.
    for (const ResultRecord& r : m.results()) {
        const std::string task(tr.string(r.name));
        c.instants.push_back({r.t, r.proc, (r.failed ? "error of " : "result of ") + task,
                              json{{"task", task}, {"index", r.index}, {"failed", r.failed}}, false, "result"});
    }
    collectQueueOps(m, tr, c);
    std::stable_sort(c.instants.begin(), c.instants.end(),
                     [](const Collected::Instant& a, const Collected::Instant& b) { return a.t < b.t; });
    for (std::size_t p = 0; p < c.lanes.size(); ++p) {
        if (!c.lanes[p].hasPid) c.lanes[p].pid = kUnknownPidBase + static_cast<std::int64_t>(p);
        nest(c.lanes[p].spans);
        sliceLoneOps(c.lanes[p], meta);
    }
    return c;
}

} // namespace

// [SECTION] write ------------------------------------------------------------------

void writeChromeTrace(const Trace& tr, std::ostream& out) {
    RunModel m;
    m.update(tr);
    writeChromeTrace(m, tr, out);
}

void writeChromeTrace(const RunModel& m, const Trace& tr, std::ostream& out) {
    const TraceMeta meta = tr.meta();
    const std::int64_t zero = tr.zero();
    const std::int64_t last = m.consumed() ? m.now() : zero;
    Collected c = collect(m, tr, meta, last);
    const auto& lanes = c.lanes;
    auto name = [&](std::size_t p) { return procName(meta, static_cast<ProcId>(p)); };

    // One event per line, streamed (no DOM for the whole file).
    out << "{\"traceEvents\":[\n";
    bool first = true;
    auto emit = [&](const json& j) {
        out << (first ? "" : ",\n") << j.dump(-1, ' ', false, json::error_handler_t::replace);
        first = false;
    };
    auto meta4 = [&](std::int64_t pid, std::int64_t tid, const std::string& n, int sort) {
        emit({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", n}}}});
        emit({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", sort}}}});
    };
    auto threadMeta = [&](std::int64_t pid, std::int64_t tid, const std::string& n, int sort) {
        emit({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", n}}}});
        emit({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", sort}}}});
    };

    for (std::size_t p = 0; p < lanes.size(); ++p) {
        const Lane& l = lanes[p];
        bool used = l.hasPid || !l.spans.empty() || !l.ops.empty() || p == kParentProc;
        if (!used) continue;
        meta4(l.pid, l.pid, name(p), static_cast<int>(p));
        threadMeta(l.pid, l.pid, name(p), static_cast<int>(p));
    }
    for (const auto& l : lanes)
        for (const auto& s : l.spans)
            emit({{"ph", "X"}, {"cat", s.cat}, {"name", s.name}, {"pid", l.pid}, {"tid", l.pid},
                  {"ts", us(s.t0 - zero)}, {"dur", us(s.t1 - s.t0)}, {"args", s.args}});
    for (std::size_t p = 0; p < lanes.size(); ++p) {
        const Lane& l = lanes[p];
        for (const auto& op : l.ops) {
            std::string q = meta.objectName(ObjectKind::Queue, op.queue);
            emit({{"ph", "i"}, {"s", "t"}, {"cat", "queue"}, {"name", (op.put ? "put " : "get ") + q},
                  {"pid", l.pid}, {"tid", l.pid}, {"ts", us(op.t - zero)},
                  {"args", {{"queue", q}, {"item", op.item}, {"value", op.value}, {"worker", name(p)}}}});
            json flow{{"cat", "queue"}, {"name", "item"}, {"id", op.item}, {"pid", l.pid}, {"tid", l.pid}, {"ts", us(op.t - zero)}};
            if (op.put) flow["ph"] = "s";
            else { flow["ph"] = "f"; flow["bp"] = "e"; }
            emit(flow);
        }
    }
    const std::int64_t parentPid = lanes[kParentProc].pid;
    for (const QueueIndex& q : m.queues())
        for (const auto& sample : q.lengths)
            emit({{"ph", "C"}, {"name", meta.objectName(ObjectKind::Queue, q.id) + " length"}, {"pid", parentPid},
                  {"tid", parentPid}, {"ts", us(sample.t - zero)}, {"args", {{"length", sample.length}}}});

    const int nCores = std::max(meta.totalCores, static_cast<int>(m.cores().size()));
    if (nCores > 0 || !m.cpu().empty()) {
        meta4(kCoresPid, 0, "CPU cores", static_cast<int>(lanes.size()) + 1);
        for (int k = 0; k < nCores; ++k) threadMeta(kCoresPid, k + 1, "core " + std::to_string(k), k);
        for (const CpuInterval& s : m.cpu()) {
            const std::int64_t t1 = s.t1 == kOpenEnd ? last : s.t1;
            if (t1 <= s.t0) continue;
            emit({{"ph", "X"}, {"cat", "cpu"}, {"name", name(s.proc)}, {"pid", kCoresPid},
                  {"tid", s.core + 1}, {"ts", us(s.t0 - zero)}, {"dur", us(t1 - s.t0)},
                  {"args", {{"worker", name(s.proc)}, {"pid", lanes[s.proc].pid}, {"preempted", s.preempted}}}});
        }
    }
    for (const auto& f : c.instants) {
        const Lane& l = lanes[f.proc];
        emit({{"ph", "i"}, {"s", "t"}, {"cat", f.cat ? f.cat : f.stopped ? "stop" : "failure"}, {"name", f.name}, {"pid", l.pid}, {"tid", l.pid},
              {"ts", us(f.t - zero)}, {"args", f.args}});
    }
    const std::uint64_t lost = m.lostEvents();
    json failures = json::array();
    for (const Failure& f : describeFailures(m, tr)) failures.push_back(f.text);
    json other{{"scenario", meta.scenario}, {"title", meta.title}, {"work", meta.work}, {"time_scale", meta.timeScale},
               {"core_source", toString(meta.coreSource)}, {"total_cores", meta.totalCores},
               {"usable_cores", meta.usableCores}, {"lost_events", lost}, {"failures", failures},
               {"incomplete", meta.incomplete}, {"generator", "parviz " PARVIZ_VERSION},
               {"stopped_by", m.stopT() == kNever ? json(nullptr)
                              : m.stopSignal() != 0 ? json(signalName(m.stopSignal())) : json("Stop")}};
    out << "\n],\"displayTimeUnit\":\"ms\",\"otherData\":"
        << other.dump(-1, ' ', false, json::error_handler_t::replace) << "}\n";
}

void writeChromeTraceFile(const Trace& trace, const std::string& path) {
    // Written to a temporary file and renamed: the target is never torn.
    AtomicFile f(path);
    writeChromeTrace(trace, f.stream());
    f.commit();
}

} // namespace parviz
