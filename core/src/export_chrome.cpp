// Chrome Trace Event export (export.hpp states the rules).
//
// [SECTION] collect: one pass over the trace into per-lane spans and ops
// [SECTION] nest: clip spans so each lane is a proper tree, give lone queue ops a slice
// [SECTION] write: metadata, spans, ops and flows, counters, cores, failures
#include "parviz/export.hpp"

#include "parviz/file_io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <unordered_map>
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
    // open intervals while collecting
    bool inTask = false; std::int64_t taskT = 0; std::int32_t taskIdx = 0; std::string taskName;
    std::map<std::int32_t, std::int64_t> waitingLock, holdingLock;
    std::map<std::int32_t, bool> holdOwnerDied;
};

struct CpuSpan { std::int64_t t0, t1; ProcId proc; std::int32_t core; bool preempted; };

std::string objectName(const std::vector<ObjectInfo>& v, std::int32_t id, const char* what) {
    for (const auto& o : v)
        if (o.id == id) return o.name;
    return std::string(what) + " " + std::to_string(id);
}

const char* signalName(std::int64_t sig) {
    switch (sig) {
    case 9: return "SIGKILL"; case 15: return "SIGTERM"; case 11: return "SIGSEGV"; case 6: return "SIGABRT";
    case 2: return "SIGINT";  case 7: return "SIGBUS";   case 8: return "SIGFPE";   default: return "signal";
    }
}

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
void sliceLoneOps(Lane& lane, const std::vector<ObjectInfo>& queues) {
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
                         json{{"queue", objectName(queues, op.queue, "queue")}}});
    }
    lane.spans.insert(lane.spans.end(), extra.begin(), extra.end());
    nest(lane.spans);
}

double us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

} // namespace

// [SECTION] collect + write ------------------------------------------------------

void writeChromeTrace(const Trace& tr, std::ostream& out) {
    const TraceMeta meta = tr.meta();
    const std::size_t n = tr.size();
    const std::int64_t zero = tr.zero();
    const std::int64_t last = n ? tr[n - 1].t : zero;

    std::size_t nProcs = meta.procs.size();
    for (std::size_t i = 0; i < n; ++i) nProcs = std::max<std::size_t>(nProcs, tr[i].proc + 1u);
    std::vector<Lane> lanes(std::max<std::size_t>(nProcs, 1));
    auto procName = [&](std::size_t p) {
        if (p < meta.procs.size()) return meta.procs[p].name;
        return p == kParentProc ? std::string("MainProcess") : "process " + std::to_string(p);
    };

    std::vector<CpuSpan> cpu;
    std::map<ProcId, std::pair<std::int32_t, std::int64_t>> onCore;   // proc -> (core, since)
    int maxCore = meta.totalCores - 1;
    struct Counter { std::int64_t t; std::int32_t queue; std::int64_t length; };
    std::vector<Counter> counters;
    std::map<std::int32_t, std::int64_t> qlen;
    struct Instant { std::int64_t t; ProcId proc; std::string name; json args; };
    std::vector<Instant> failures;
    std::uint64_t lost = 0;
    // A QueueGet carries no preview (event.hpp): its value is its put's. One
    // pass first, so a get recorded at the same instant as its put still finds it.
    std::unordered_map<std::uint64_t, std::uint64_t> putPreview;   // item id -> string id
    for (std::size_t i = 0; i < n; ++i)
        if (tr[i].kind == EventKind::QueuePut && tr[i].b != kNoString) putPreview.emplace(tr[i].a, tr[i].b);

    auto closeCpu = [&](ProcId p, std::int64_t t, bool preempted) {
        auto it = onCore.find(p);
        if (it == onCore.end()) return;
        if (t > it->second.second) cpu.push_back({it->second.second, t, p, it->second.first, preempted});
        onCore.erase(it);
    };
    auto closeLane = [&](Lane& l, ProcId p, std::int64_t t, bool died) {
        if (l.inTask) {
            json a{{"worker", procName(p)}};
            if (died) a["failed"] = true;
            l.spans.push_back({l.taskT, t, l.taskName, "task", a});
            l.inTask = false;
        }
        for (auto& [lock, t0] : l.waitingLock)
            l.spans.push_back({t0, t, "wait " + objectName(meta.locks, lock, "lock"), "lock", json{{"worker", procName(p)}}});
        for (auto& [lock, t0] : l.holdingLock)
            l.spans.push_back({t0, t, "hold " + objectName(meta.locks, lock, "lock"), "lock",
                               json{{"worker", procName(p)}, {"owner_died_before", l.holdOwnerDied[lock]}, {"died_holding", died}}});
        l.waitingLock.clear();
        l.holdingLock.clear();
    };

    // [SECTION] collect
    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = tr[i];
        Lane& l = lanes[e.proc];
        switch (e.kind) {
        case EventKind::ProcStart: l.pid = static_cast<std::int64_t>(e.a); l.hasPid = true; break;
        case EventKind::ProcExit: {
            closeLane(l, e.proc, e.t, static_cast<std::int64_t>(e.a) < 0);
            closeCpu(e.proc, e.t, false);
            auto code = static_cast<std::int64_t>(e.a);
            if (code < 0)
                failures.push_back({e.t, e.proc, std::string("killed by ") + signalName(-code),
                                    json{{"worker", procName(e.proc)}, {"signal", -code}}});
            break;
        }
        case EventKind::TaskStart:
            if (l.inTask) l.spans.push_back({l.taskT, e.t, l.taskName, "task", json{{"worker", procName(e.proc)}}});
            l.inTask = true; l.taskT = e.t; l.taskIdx = e.obj; l.taskName = std::string(tr.string(e.a));
            if (l.taskName.empty()) l.taskName = "task " + std::to_string(e.obj);
            break;
        case EventKind::TaskEnd:
            if (l.inTask) {
                json a{{"worker", procName(e.proc)}, {"index", l.taskIdx}};
                if (e.flags & 1) a["failed"] = true;
                l.spans.push_back({l.taskT, e.t, l.taskName, "task", a});
                l.inTask = false;
            }
            break;
        case EventKind::LockWait: l.waitingLock[e.obj] = e.t; break;
        case EventKind::LockAcquire: {
            auto w = l.waitingLock.find(e.obj);
            if (w != l.waitingLock.end()) {
                if (e.t > w->second)
                    l.spans.push_back({w->second, e.t, "wait " + objectName(meta.locks, e.obj, "lock"), "lock",
                                       json{{"worker", procName(e.proc)}}});
                l.waitingLock.erase(w);
            }
            l.holdingLock[e.obj] = e.t;
            l.holdOwnerDied[e.obj] = (e.flags & 1) != 0;
            break;
        }
        case EventKind::LockTimeout: {
            auto w = l.waitingLock.find(e.obj);
            if (w != l.waitingLock.end()) {
                l.spans.push_back({w->second, e.t, "wait " + objectName(meta.locks, e.obj, "lock"), "lock",
                                   json{{"worker", procName(e.proc)}, {"timed_out", true}}});
                l.waitingLock.erase(w);
            }
            break;
        }
        case EventKind::LockRelease: {
            auto h = l.holdingLock.find(e.obj);
            if (h != l.holdingLock.end()) {
                l.spans.push_back({h->second, e.t, "hold " + objectName(meta.locks, e.obj, "lock"), "lock",
                                   json{{"worker", procName(e.proc)}, {"owner_died_before", l.holdOwnerDied[e.obj]}}});
                l.holdingLock.erase(h);
            }
            break;
        }
        case EventKind::LockOwnerDied:
            failures.push_back({e.t, e.proc, "lock owner died: " + objectName(meta.locks, e.obj, "lock"),
                                json{{"lock", objectName(meta.locks, e.obj, "lock")},
                                     {"dead_owner", e.a <= 0xffff ? procName(static_cast<std::size_t>(e.a)) : "?"},
                                     {"recovered_by", procName(e.proc)}}});
            break;
        case EventKind::QueuePut:
        case EventKind::QueueGet: {
            bool put = e.kind == EventKind::QueuePut;
            std::uint64_t pv = e.b;
            if (!put) {
                auto it = putPreview.find(e.a);
                if (it != putPreview.end()) pv = it->second;
            }
            l.ops.push_back({e.t, put, e.obj, e.a, std::string(tr.string(pv))});
            auto& len = qlen[e.obj];
            len = std::max<std::int64_t>(0, len + (put ? 1 : -1));
            counters.push_back({e.t, e.obj, len});
            break;
        }
        case EventKind::CoreIn:
            closeCpu(e.proc, e.t, false);
            onCore[e.proc] = {e.obj, e.t};
            maxCore = std::max(maxCore, e.obj);
            break;
        case EventKind::CoreOut:
            closeCpu(e.proc, e.t, (e.flags & 1) != 0);
            maxCore = std::max(maxCore, e.obj);
            break;
        case EventKind::Lost: lost += e.a; break;
        default: break;
        }
    }
    for (std::size_t p = 0; p < lanes.size(); ++p) closeLane(lanes[p], static_cast<ProcId>(p), last, false);
    while (!onCore.empty()) closeCpu(onCore.begin()->first, last, false);

    for (std::size_t p = 0; p < lanes.size(); ++p) {
        if (!lanes[p].hasPid) lanes[p].pid = kUnknownPidBase + static_cast<std::int64_t>(p);
        nest(lanes[p].spans);
        sliceLoneOps(lanes[p], meta.queues);
    }

    // [SECTION] write: one event per line, streamed (no DOM for the whole file).
    out << "{\"traceEvents\":[\n";
    bool first = true;
    auto emit = [&](const json& j) {
        out << (first ? "" : ",\n") << j.dump(-1, ' ', false, json::error_handler_t::replace);
        first = false;
    };
    auto meta4 = [&](std::int64_t pid, std::int64_t tid, const std::string& name, int sort) {
        emit({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
        emit({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", sort}}}});
    };
    auto threadMeta = [&](std::int64_t pid, std::int64_t tid, const std::string& name, int sort) {
        emit({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}});
        emit({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", sort}}}});
    };

    for (std::size_t p = 0; p < lanes.size(); ++p) {
        const Lane& l = lanes[p];
        bool used = l.hasPid || !l.spans.empty() || !l.ops.empty() || p == kParentProc;
        if (!used) continue;
        meta4(l.pid, l.pid, procName(p), static_cast<int>(p));
        threadMeta(l.pid, l.pid, procName(p), static_cast<int>(p));
    }
    for (const auto& l : lanes)
        for (const auto& s : l.spans)
            emit({{"ph", "X"}, {"cat", s.cat}, {"name", s.name}, {"pid", l.pid}, {"tid", l.pid},
                  {"ts", us(s.t0 - zero)}, {"dur", us(s.t1 - s.t0)}, {"args", s.args}});
    for (std::size_t p = 0; p < lanes.size(); ++p) {
        const Lane& l = lanes[p];
        for (const auto& op : l.ops) {
            std::string q = objectName(meta.queues, op.queue, "queue");
            emit({{"ph", "i"}, {"s", "t"}, {"cat", "queue"}, {"name", (op.put ? "put " : "get ") + q},
                  {"pid", l.pid}, {"tid", l.pid}, {"ts", us(op.t - zero)},
                  {"args", {{"queue", q}, {"item", op.item}, {"value", op.value}, {"worker", procName(p)}}}});
            json flow{{"cat", "queue"}, {"name", "item"}, {"id", op.item}, {"pid", l.pid}, {"tid", l.pid}, {"ts", us(op.t - zero)}};
            if (op.put) flow["ph"] = "s";
            else { flow["ph"] = "f"; flow["bp"] = "e"; }
            emit(flow);
        }
    }
    const std::int64_t parentPid = lanes[kParentProc].pid;
    for (const auto& c : counters)
        emit({{"ph", "C"}, {"name", objectName(meta.queues, c.queue, "queue") + " length"}, {"pid", parentPid},
              {"tid", parentPid}, {"ts", us(c.t - zero)}, {"args", {{"length", c.length}}}});

    if (maxCore >= 0 || !cpu.empty()) {
        meta4(kCoresPid, 0, "CPU cores", static_cast<int>(lanes.size()) + 1);
        for (int c = 0; c <= maxCore; ++c) threadMeta(kCoresPid, c + 1, "core " + std::to_string(c), c);
        for (const auto& s : cpu) {
            emit({{"ph", "X"}, {"cat", "cpu"}, {"name", procName(s.proc)}, {"pid", kCoresPid},
                  {"tid", s.core + 1}, {"ts", us(s.t0 - zero)}, {"dur", us(s.t1 - s.t0)},
                  {"args", {{"worker", procName(s.proc)}, {"pid", lanes[s.proc].pid}, {"preempted", s.preempted}}}});
        }
    }
    for (const auto& f : failures) {
        const Lane& l = lanes[f.proc];
        emit({{"ph", "i"}, {"s", "t"}, {"cat", "failure"}, {"name", f.name}, {"pid", l.pid}, {"tid", l.pid},
              {"ts", us(f.t - zero)}, {"args", f.args}});
    }
    json other{{"scenario", meta.scenario}, {"title", meta.title}, {"work", meta.work}, {"time_scale", meta.timeScale},
               {"core_source", toString(meta.coreSource)}, {"total_cores", meta.totalCores},
               {"usable_cores", meta.usableCores}, {"lost_events", lost}, {"generator", "parviz " PARVIZ_VERSION}};
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
