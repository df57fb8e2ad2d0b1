#pragma once
// A plain reference for the run model's property test: the documented
// definitions (docs/summary-json.md, parviz-summary/2) computed straight from
// a vector of events, written without the model, the stats or the export.
// It includes only event.hpp, so it cannot borrow their logic.
//
// Pairing rules it states (the same the model documents):
// - tasks: a TaskStart opens a task on its process; a TaskEnd on that process
//   ends it (flag 1: failed; flags 1|2: lost with its worker); a new TaskStart
//   or a clean exit (code >= 0) while open means its end was lost (neither
//   done nor failed); an exit by a signal while open fails it with the worker.
//   A failed TaskEnd with no open task counts one failure per task index.
// - cores: CoreIn(p, c) ends p's interval on any other core and whoever is on
//   c; CoreOut(p, c) ends p's interval on c; ProcExit ends p's interval.
// - pauses: RunPause..RunResume (a second pause while paused is ignored).
#include "parviz/event.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <vector>

namespace parviz::test {

struct RefStats {
    int started = 0, done = 0, failed = 0, killed = 0, running = 0, endLost = 0;
    std::int64_t sequentialNs = 0;
    bool hasMakespan = false;
    std::int64_t makespanNs = 0;
    std::map<int, std::int64_t> onCpuByProc, onCpuByCore, inTaskByProc;
    std::map<int, int> doneByProc;
    int processFailures = 0;     // plain processes (not pool workers) that exited non-zero
    std::uint64_t lost = 0;
    int taskSlices = 0;          // tasks whose start was seen: one export slice each
    int failedSlices = 0;        // of those, failed
    int cpuSlices = 0;           // CPU intervals of positive length (closed by the cut)
};

// events: time-sorted; plainProcess[p]: process p is a plain process (not the
// parent, not a pool worker), whose non-zero exit is a failure; cut: only
// events with t <= cut count, and open things end at cut.
inline RefStats referenceStats(const std::vector<Event>& events, const std::vector<bool>& plainProcess,
                               std::int64_t cut) {
    RefStats r;
    constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
    std::vector<std::pair<std::int64_t, std::int64_t>> pauses;
    bool paused = false;
    for (const Event& e : events) {
        if (e.t > cut) break;
        if (e.kind == EventKind::RunPause && !paused) { paused = true; pauses.push_back({e.t, cut}); }
        if (e.kind == EventKind::RunResume && paused) { paused = false; pauses.back().second = e.t; }
    }
    auto unpaused = [&](std::int64_t a, std::int64_t b) {
        if (b <= a) return std::int64_t{0};
        std::int64_t d = b - a;
        for (auto [p0, p1] : pauses) d -= std::max<std::int64_t>(0, std::min(b, p1) - std::max(a, p0));
        return std::max<std::int64_t>(d, 0);
    };

    struct Open { bool open = false; std::int64_t t0 = 0, nominal = 0; std::int32_t index = 0; };
    std::map<int, Open> task;
    std::set<std::int32_t> failedIdx;
    std::int64_t firstStart = kNone, lastEnd = kNone;
    auto end = [&](int p, std::int64_t t, int outcome) {   // 0 done, 1 failed, 2 killed, 3 end lost
        Open& o = task[p];
        o.open = false;
        r.inTaskByProc[p] += unpaused(o.t0, t);
        lastEnd = lastEnd == kNone ? t : std::max(lastEnd, t);
        if (outcome == 0) { ++r.done; ++r.doneByProc[p]; r.sequentialNs += o.nominal; }
        if (outcome == 1 || outcome == 2) { ++r.failed; ++r.failedSlices; failedIdx.insert(o.index); }
        if (outcome == 2) ++r.killed;
        if (outcome == 3) ++r.endLost;
    };

    std::map<int, std::pair<int, std::int64_t>> coreOf;   // core -> (proc, since)
    std::map<int, int> procCore;                          // proc -> core
    auto closeCore = [&](int c, std::int64_t t) {
        auto it = coreOf.find(c);
        if (it == coreOf.end()) return;
        const std::int64_t d = std::max<std::int64_t>(0, t - it->second.second);
        r.onCpuByProc[it->second.first] += d;
        r.onCpuByCore[c] += d;
        if (d > 0) ++r.cpuSlices;
        procCore.erase(it->second.first);
        coreOf.erase(it);
    };

    std::set<int> exited;
    for (const Event& e : events) {
        if (e.t > cut) break;
        const int p = e.proc;
        switch (e.kind) {
        case EventKind::TaskStart:
            if (task[p].open) end(p, e.t, 3);
            task[p] = {true, e.t, static_cast<std::int64_t>(e.b), e.obj};
            ++r.started;
            ++r.taskSlices;
            if (firstStart == kNone) firstStart = e.t;
            break;
        case EventKind::TaskEnd:
            if (task[p].open) {
                end(p, e.t, !(e.flags & 1) ? 0 : (e.flags & 2) ? 2 : 1);
            } else if ((e.flags & 1) && failedIdx.insert(e.obj).second) {
                ++r.failed;
                if (e.flags & 2) ++r.killed;
            }
            break;
        case EventKind::ProcExit: {
            if (!exited.insert(p).second) break;
            const auto code = static_cast<std::int64_t>(e.a);
            if (task[p].open) end(p, e.t, code < 0 ? 2 : 3);
            if (procCore.count(p)) closeCore(procCore[p], e.t);
            if (code != 0 && p < static_cast<int>(plainProcess.size()) && plainProcess[static_cast<std::size_t>(p)])
                ++r.processFailures;
            break;
        }
        case EventKind::CoreIn:
            if (procCore.count(p)) closeCore(procCore[p], e.t);
            closeCore(e.obj, e.t);
            coreOf[e.obj] = {p, e.t};
            procCore[p] = e.obj;
            break;
        case EventKind::CoreOut:
            if (coreOf.count(e.obj) && coreOf[e.obj].first == p) closeCore(e.obj, e.t);
            break;
        case EventKind::Lost: r.lost += e.a; break;
        default: break;
        }
    }
    bool anyRunning = false;
    for (auto& [p, o] : task)
        if (o.open) {
            anyRunning = true;
            ++r.running;
            r.inTaskByProc[p] += unpaused(o.t0, cut);
        }
    while (!coreOf.empty()) {   // open intervals count up to the cut, as slices only when closed
        auto it = coreOf.begin();
        const std::int64_t d = std::max<std::int64_t>(0, cut - it->second.second);
        r.onCpuByProc[it->second.first] += d;
        r.onCpuByCore[it->first] += d;
        if (d > 0) ++r.cpuSlices;
        coreOf.erase(it);
    }
    if (firstStart != kNone) {
        r.hasMakespan = true;
        const std::int64_t e = anyRunning ? cut : (lastEnd == kNone ? firstStart : lastEnd);
        r.makespanNs = unpaused(firstStart, std::max(e, firstStart));
    }
    return r;
}

} // namespace parviz::test
