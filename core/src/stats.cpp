// Run statistics: one pass over a prefix of the Trace (stats.hpp has the
// definitions).
//
// [SECTION] pauses and unpaused time
// [SECTION] computeStats
// [SECTION] JSON and the human summary
#include "parviz/stats.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace parviz {

namespace {

using Interval = std::pair<std::int64_t, std::int64_t>;

// [SECTION] pauses and unpaused time -------------------------------------------

// Paused intervals among events [0, n); a pause still open ends at `cut`.
std::vector<Interval> pauseIntervals(const Trace& tr, std::size_t n, std::int64_t cut) {
    std::vector<Interval> out;
    bool paused = false;
    std::int64_t from = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::RunPause && !paused) { paused = true; from = e.t; }
        else if (e.kind == EventKind::RunResume && paused) { paused = false; out.emplace_back(from, e.t); }
    }
    if (paused && cut > from) out.emplace_back(from, cut);
    return out;
}

std::int64_t overlap(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
    std::int64_t lo = std::max(a0, b0), hi = std::min(a1, b1);
    return hi > lo ? hi - lo : 0;
}

std::int64_t unpaused(const std::vector<Interval>& pauses, std::int64_t t0, std::int64_t t1) {
    if (t1 <= t0) return 0;
    std::int64_t d = t1 - t0;
    for (const auto& [p0, p1] : pauses) d -= overlap(t0, t1, p0, p1);
    return std::max<std::int64_t>(d, 0);
}

const char* signalName(int sig) {
    switch (sig) {
    case 1: return "SIGHUP";   case 2: return "SIGINT";  case 3: return "SIGQUIT"; case 4: return "SIGILL";
    case 6: return "SIGABRT";  case 7: return "SIGBUS";  case 8: return "SIGFPE";  case 9: return "SIGKILL";
    case 11: return "SIGSEGV"; case 13: return "SIGPIPE"; case 14: return "SIGALRM"; case 15: return "SIGTERM";
    default: return "signal";
    }
}

std::string exitText(const WorkerStats& w) {
    if (!w.exited) return "running";
    if (w.exitCode < 0) return std::string(signalName(static_cast<int>(-w.exitCode))) + " (" +
                               std::to_string(-w.exitCode) + ")";
    return std::to_string(w.exitCode);
}

struct ProcState {
    bool seen = false, started = false, exited = false;
    std::int64_t startT = 0, exitT = 0;
    bool inTask = false;
    std::int64_t taskT = 0;
    std::int32_t taskIdx = 0;
    std::uint64_t taskName = kNoString;
    std::int64_t taskNominal = 0;
    bool onCpu = false;
    std::int32_t cpuCore = 0;
    std::int64_t cpuT = 0;
};

} // namespace

double unpausedNs(const Trace& trace, std::int64_t t0, std::int64_t t1) {
    if (t1 <= t0) return 0;
    std::size_t n = trace.lowerBound(t1 == INT64_MAX ? t1 : t1 + 1);
    return static_cast<double>(unpaused(pauseIntervals(trace, n, t1), t0, t1));
}

// [SECTION] computeStats ---------------------------------------------------------

RunStats computeStats(const Trace& tr, std::optional<std::int64_t> atNs) {
    RunStats s;
    const TraceMeta meta = tr.meta();
    const std::size_t total = tr.size();
    const std::size_t n = atNs ? tr.lowerBound(*atNs == INT64_MAX ? *atNs : *atNs + 1, total) : total;
    const std::int64_t zero = tr.zero();
    const std::int64_t cut = atNs ? *atNs : (n ? tr[n - 1].t : zero);

    s.scenario = meta.scenario;
    s.title = meta.title;
    s.work = meta.work;
    s.finished = meta.finished && n == total;
    s.atNs = atNs;
    s.timeScale = meta.timeScale;
    s.totalCores = meta.totalCores;
    s.usableCores = meta.usableCores;
    s.coreSource = meta.coreSource;
    s.clampedEvents = tr.clampedEvents();

    const auto pauses = pauseIntervals(tr, n, cut);
    // Sized up front so references into them stay valid during the pass.
    std::size_t nProcs = meta.procs.size();
    for (std::size_t i = 0; i < n; ++i) {
        nProcs = std::max<std::size_t>(nProcs, tr[i].proc + 1u);
        if (tr[i].kind == EventKind::KillRequest && tr[i].obj >= 0 && tr[i].obj <= 0xffff)
            nProcs = std::max<std::size_t>(nProcs, static_cast<std::size_t>(tr[i].obj) + 1u);
    }
    std::vector<ProcState> ps(nProcs);
    std::vector<WorkerStats> ws(nProcs);
    auto proc = [&](ProcId p) -> std::pair<ProcState&, WorkerStats&> { return {ps[p], ws[p]}; };
    auto procName = [&](ProcId p) {
        return p < meta.procs.size() ? meta.procs[p].name : "process " + std::to_string(p);
    };

    std::map<int, std::vector<Interval>> coreSpans;                       // worker on-CPU spans per core
    struct Load { std::int64_t t0, t1, busy; };
    std::map<int, std::vector<Load>> coreLoads;
    std::set<std::int32_t> failedTasks;
    std::int64_t runEnd = cut;
    bool haveStart = false;
    std::int64_t firstStart = 0, lastEnd = 0;
    int maxCore = -1;

    auto closeCpu = [&](ProcState& st, WorkerStats& w, std::int64_t t) {
        if (!st.onCpu) return;
        st.onCpu = false;
        if (t > st.cpuT) {
            w.onCpuNs += t - st.cpuT;
            coreSpans[st.cpuCore].emplace_back(st.cpuT, t);
        }
    };
    auto failTask = [&](std::int32_t idx, std::uint64_t nameId, const std::string& why) {
        if (!failedTasks.insert(idx).second) return false;
        ++s.tasksFailed;
        std::string name(tr.string(nameId));
        s.failures.push_back("task " + (name.empty() ? "#" + std::to_string(idx) : name) + " failed: " + why);
        return true;
    };

    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = tr[i];
        auto [st, w] = proc(e.proc);
        st.seen = true;
        switch (e.kind) {
        case EventKind::ProcStart:
            st.started = true;
            st.startT = e.t;
            w.pid = static_cast<std::int64_t>(e.a);
            break;
        case EventKind::ProcExit:
            st.exited = true;
            st.exitT = e.t;
            w.exited = true;
            w.exitCode = static_cast<std::int64_t>(e.a);
            w.killed = w.exitCode < 0;
            if (st.inTask) {   // died mid-task: the task failed with it
                st.inTask = false;
                s.sequentialNs += st.taskNominal;
                w.inTaskNs += unpaused(pauses, st.taskT, e.t);
                ++w.tasksFailed;
                failTask(st.taskIdx, st.taskName, procName(e.proc) + " died while running it");
            }
            closeCpu(st, w, e.t);
            if (w.killed)
                s.failures.push_back(procName(e.proc) + " (pid " + std::to_string(w.pid) + ") was killed by " +
                                     signalName(static_cast<int>(-w.exitCode)) + " (signal " +
                                     std::to_string(-w.exitCode) + ")");
            break;
        case EventKind::TaskStart:
            st.inTask = true;
            st.taskT = e.t;
            st.taskIdx = e.obj;
            st.taskName = e.a;
            ++s.tasksStarted;
            st.taskNominal = static_cast<std::int64_t>(e.b);
            if (!haveStart) { haveStart = true; firstStart = e.t; }
            break;
        case EventKind::TaskEnd:
            if (st.inTask) {
                st.inTask = false;
                s.sequentialNs += st.taskNominal;
                w.inTaskNs += unpaused(pauses, st.taskT, e.t);
                lastEnd = std::max(lastEnd, e.t);
                if (e.flags & 1) {
                    ++w.tasksFailed;
                    failTask(e.obj, e.a, (e.flags & 2) ? procName(e.proc) + " died while running it"
                                                     : "it raised on " + procName(e.proc));
                } else {
                    ++w.tasksDone;
                    ++s.tasksDone;
                }
            } else if (e.flags & 1) {
                // Written on behalf of a worker that already died: count the task once.
                failTask(e.obj, e.a, "reported by " + procName(e.proc));
            }
            break;
        case EventKind::CoreIn:
            closeCpu(st, w, e.t);
            st.onCpu = true;
            st.cpuCore = e.obj;
            st.cpuT = e.t;
            maxCore = std::max(maxCore, e.obj);
            break;
        case EventKind::CoreOut:
            if (st.onCpu) closeCpu(st, w, e.t);
            maxCore = std::max(maxCore, e.obj);
            break;
        case EventKind::CoreLoad:
            coreLoads[e.obj].push_back({e.t - static_cast<std::int64_t>(e.b), e.t, static_cast<std::int64_t>(e.a)});
            maxCore = std::max(maxCore, e.obj);
            break;
        case EventKind::RunEnd: runEnd = e.t; break;
        case EventKind::KillRequest: {
            if (e.obj >= 0 && e.obj <= 0xffff) proc(static_cast<ProcId>(e.obj)).second.killRequested = true;
            break;
        }
        case EventKind::Lost: s.lostEvents += e.a; break;
        default: break;
        }
    }

    // Close what is still open at the cursor.
    bool openTask = false;
    for (std::size_t p = 0; p < ps.size(); ++p) {
        auto& st = ps[p];
        auto& w = ws[p];
        if (st.inTask) {
            // A task still running at the cursor counts for the part of its
            // nominal duration already elapsed, so a mid-run speedup is honest.
            const std::int64_t elapsed = unpaused(pauses, st.taskT, cut);
            w.inTaskNs += elapsed;
            s.sequentialNs += std::min(st.taskNominal, elapsed);
            openTask = true;
        }
        closeCpu(st, w, cut);
        if (st.started) w.aliveNs = unpaused(pauses, st.startT, st.exited ? st.exitT : cut);
        w.idleNs = std::max<std::int64_t>(0, w.aliveNs - w.inTaskNs);
    }

    s.runSpanNs = unpaused(pauses, zero, runEnd);
    s.pausedNs = std::max<std::int64_t>(0, (runEnd - zero) - s.runSpanNs);
    if (haveStart) {
        s.hasMakespan = true;
        std::int64_t end = openTask ? std::max(lastEnd, cut) : lastEnd;
        s.makespanNs = unpaused(pauses, firstStart, std::max(end, firstStart));
    }

    // Workers: every non-parent process the prefix mentions, in ProcId order.
    for (std::size_t p = 0; p < ws.size(); ++p) {
        ProcRole role = p < meta.procs.size() ? meta.procs[p].role : ProcRole::Process;
        if (role == ProcRole::Parent || role == ProcRole::ForkServer || p == kParentProc || !ps[p].seen) continue;
        ws[p].proc = static_cast<ProcId>(p);
        ws[p].name = procName(static_cast<ProcId>(p));
        ws[p].role = role;
        s.workers.push_back(ws[p]);
    }
    // A killed pool worker's replacement: the next pool worker started after it died.
    std::set<ProcId> used;
    for (auto& w : s.workers) {
        if (!w.killed || w.role != ProcRole::PoolWorker) continue;
        const ProcId best = [&] {
            ProcId b = 0;
            std::int64_t bt = INT64_MAX;
            for (const auto& o : s.workers) {
                const auto& os = ps[o.proc];
                if (o.role == ProcRole::PoolWorker && os.started && os.startT >= ps[w.proc].exitT && !used.count(o.proc) &&
                    os.startT < bt) { b = o.proc; bt = os.startT; }
            }
            return b;
        }();
        if (best) { used.insert(best); w.replacedBy = procName(best); }
    }

    s.workerCount = meta.workers > 0 ? meta.workers : static_cast<int>(s.workers.size());
    if (s.hasMakespan && s.makespanNs > 0) {
        s.speedup = static_cast<double>(s.sequentialNs) / static_cast<double>(s.makespanNs);
        if (s.workerCount > 0) s.efficiency = s.speedup / s.workerCount;
    }

    // Cores.
    int nCores = std::max(meta.totalCores, maxCore + 1);
    for (int c = 0; c < nCores; ++c) {
        CoreStats cs;
        cs.core = c;
        auto& spans = coreSpans[c];
        std::sort(spans.begin(), spans.end());
        for (const auto& [a, b] : spans) cs.workersOnCpuNs += b - a;
        if (s.runSpanNs > 0) cs.utilisation = std::min(1.0, static_cast<double>(cs.workersOnCpuNs) / static_cast<double>(s.runSpanNs));
        auto it = coreLoads.find(c);
        if (it != coreLoads.end()) {
            std::int64_t busy = 0, interval = 0, mine = 0;
            for (const auto& l : it->second) {
                busy += l.busy;
                interval += l.t1 - l.t0;
                // spans are sorted and do not overlap on one core: start at the
                // first span that could reach into the window.
                auto first = std::lower_bound(spans.begin(), spans.end(), Interval{l.t0, INT64_MIN},
                                              [](const Interval& x, const Interval& y) { return x.first < y.first; });
                if (first != spans.begin()) --first;
                for (auto sp = first; sp != spans.end() && sp->first < l.t1; ++sp) mine += overlap(sp->first, sp->second, l.t0, l.t1);
            }
            if (interval > 0)
                cs.otherShare = std::clamp(static_cast<double>(busy - mine) / static_cast<double>(interval), 0.0, 1.0);
        }
        s.cores.push_back(cs);
    }
    if (s.lostEvents)
        s.failures.push_back(std::to_string(s.lostEvents) + " events were lost (a trace ring overflowed)");
    return s;
}

// [SECTION] JSON and the human summary --------------------------------------------

namespace {
double sec(std::int64_t ns) { return static_cast<double>(ns) / 1e9; }

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
std::string secs(std::int64_t ns) { return fmt("%.3f s", sec(ns)); }
std::string pct(double v) { return fmt("%.1f%%", v * 100); }

// Left-aligned columns, widths from the content.
std::string table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t c = 0; c < r.size(); ++c) {
            if (width.size() <= c) width.push_back(0);
            width[c] = std::max(width[c], r[c].size());
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line = indent;
        for (std::size_t c = 0; c < r.size(); ++c) {
            line += r[c];
            if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}
} // namespace

std::string statsToJson(const RunStats& s) {
    using nlohmann::json;
    json j;
    j["schema"] = "parviz-summary/1";
    j["scenario"] = s.scenario;
    j["title"] = s.title;
    j["work"] = s.work;
    j["finished"] = s.finished;
    j["at_s"] = s.atNs ? json(sec(*s.atNs)) : json(nullptr);
    j["time_scale"] = s.timeScale;
    j["total_cores"] = s.totalCores;
    j["usable_cores"] = s.usableCores;
    j["core_source"] = toString(s.coreSource);
    j["run_span_s"] = sec(s.runSpanNs);
    j["paused_s"] = sec(s.pausedNs);
    j["makespan_s"] = s.hasMakespan ? json(sec(s.makespanNs)) : json(nullptr);
    j["sequential_s"] = sec(s.sequentialNs);
    j["speedup"] = s.hasMakespan ? json(s.speedup) : json(nullptr);
    j["efficiency"] = s.hasMakespan ? json(s.efficiency) : json(nullptr);
    j["worker_count"] = s.workerCount;
    j["tasks"] = {{"started", s.tasksStarted}, {"done", s.tasksDone}, {"failed", s.tasksFailed}};
    json workers = json::array();
    for (const auto& w : s.workers) {
        workers.push_back({
            {"name", w.name}, {"proc", w.proc}, {"role", toString(w.role)}, {"pid", w.pid},
            {"tasks_done", w.tasksDone}, {"tasks_failed", w.tasksFailed},
            {"in_task_s", sec(w.inTaskNs)}, {"on_cpu_s", sec(w.onCpuNs)}, {"idle_s", sec(w.idleNs)},
            {"alive_s", sec(w.aliveNs)},
            {"exit_code", w.exited && w.exitCode >= 0 ? json(w.exitCode) : json(nullptr)},
            {"signal", w.exited && w.exitCode < 0 ? json(-w.exitCode) : json(nullptr)},
            {"killed", w.killed}, {"kill_requested", w.killRequested},
            {"replaced_by", w.replacedBy.empty() ? json(nullptr) : json(w.replacedBy)},
        });
    }
    j["workers"] = workers;
    json cores = json::array();
    for (const auto& c : s.cores)
        cores.push_back({{"core", c.core}, {"workers_on_cpu_s", sec(c.workersOnCpuNs)}, {"utilisation", c.utilisation},
                         {"other_share", c.otherShare ? json(*c.otherShare) : json(nullptr)}});
    j["cores"] = cores;
    j["lost_events"] = s.lostEvents;
    j["clamped_events"] = s.clampedEvents;
    j["failures"] = s.failures;
    return j.dump(2) + "\n";
}

std::string formatSummary(const RunStats& s) {
    std::ostringstream o;
    o << "Summary" << (s.scenario.empty() ? "" : " of " + s.scenario)
      << (s.finished ? "" : " (so far)") << "\n";
    std::vector<std::vector<std::string>> head;
    if (s.hasMakespan) {
        head.push_back({"makespan", secs(s.makespanNs), "first task start to last task end, pauses excluded"});
        head.push_back({"sequential", secs(s.sequentialNs), "the tasks' nominal durations, one after another"});
        head.push_back({"speedup", fmt("%.2fx", s.speedup), "sequential / makespan"});
        head.push_back({"efficiency", pct(s.efficiency), "speedup / " + std::to_string(s.workerCount) + " workers"});
    } else {
        head.push_back({"makespan", "-", "no task ran"});
    }
    head.push_back({"tasks", std::to_string(s.tasksStarted) + " started, " + std::to_string(s.tasksDone) + " done, " +
                                 std::to_string(s.tasksFailed) + " failed", ""});
    if (s.pausedNs > 0) head.push_back({"paused", secs(s.pausedNs), ""});
    if (s.timeScale != 1.0) head.push_back({"time scale", fmt("%g", s.timeScale), "times below are real seconds"});
    o << table(head, "  ");

    if (!s.workers.empty()) {
        std::vector<std::vector<std::string>> rows = {{"worker", "pid", "tasks", "failed", "in-task", "on-CPU", "idle", "exit"}};
        for (const auto& w : s.workers) {
            std::string exit = exitText(w);
            if (!w.replacedBy.empty()) exit += ", replaced by " + w.replacedBy;
            rows.push_back({w.name, std::to_string(w.pid), std::to_string(w.tasksDone), std::to_string(w.tasksFailed),
                            secs(w.inTaskNs), secs(w.onCpuNs), secs(w.idleNs), exit});
        }
        o << "\n" << table(rows, "  ");
    }
    if (!s.cores.empty()) {
        std::vector<std::vector<std::string>> rows = {{"core", "workers", "other processes"}};
        for (const auto& c : s.cores)
            rows.push_back({std::to_string(c.core), pct(c.utilisation), c.otherShare ? pct(*c.otherShare) : "-"});
        o << "\n" << table(rows, "  ");
    }
    o << "\n  core data: " << toString(s.coreSource);
    if (s.usableCores && s.totalCores && s.usableCores != s.totalCores)
        o << " (" << s.usableCores << " of " << s.totalCores << " cores usable)";
    o << "\n";
    if (s.lostEvents) o << "  lost events: " << s.lostEvents << "\n";
    if (!s.failures.empty()) {
        o << "\nFailures:\n";
        for (const auto& f : s.failures) o << "  " << f << "\n";
    }
    return o.str();
}

} // namespace parviz
