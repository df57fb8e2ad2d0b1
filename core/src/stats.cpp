// Run statistics: functions of the run model up to a cursor (stats.hpp has
// the definitions). Nothing here pairs events: the model did.
//
// [SECTION] pauses and unpaused time
// [SECTION] computeStats
// [SECTION] JSON and the human summary
#include "parviz/stats.hpp"
#include "parviz/explain.hpp"
#include "text_table.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>

namespace parviz {

namespace {

// [SECTION] pauses and unpaused time -------------------------------------------

std::int64_t overlap(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
    std::int64_t lo = std::max(a0, b0), hi = std::min(a1, b1);
    return hi > lo ? hi - lo : 0;
}

// Wall time in [t0, t1] minus the model's pauses (a pause still open ends at t1).
std::int64_t unpaused(const std::vector<PauseInterval>& pauses, std::int64_t t0, std::int64_t t1) {
    if (t1 <= t0) return 0;
    std::int64_t d = t1 - t0;
    for (const auto& p : pauses) d -= overlap(t0, t1, p.t0, std::min(p.t1, t1));
    return std::max<std::int64_t>(d, 0);
}

std::string exitText(const WorkerStats& w) {
    if (!w.exited) return "running";
    if (w.terminatedByProgram)
        return std::string(signalName(static_cast<int>(-w.exitCode))) + " (" + std::to_string(-w.exitCode) +
               ") by terminate()";
    if (w.exitCode < 0) return std::string(signalName(static_cast<int>(-w.exitCode))) + " (" +
                               std::to_string(-w.exitCode) + ")";
    return std::to_string(w.exitCode);
}

bool isWorkerRole(const TraceMeta& meta, std::size_t p) {
    ProcRole role = p < meta.procs.size() ? meta.procs[p].role : ProcRole::Process;
    return p != kParentProc && role != ProcRole::Parent && role != ProcRole::ForkServer;
}

// The time a traced task spent waiting rather than working, inside [t0, t1]:
// its process's lane waiting on a Lock, a Queue or a sync object (program row),
// or runnable with no free core (os row). Done one after another by one
// worker, the task would not have waited for either, so a measured sequential
// time leaves it out (stats.hpp).
std::int64_t waitedInTask(const RunModel& m, ProcId p, std::int64_t t0, std::int64_t t1) {
    if (p >= m.procs().size() || t0 == kNever || t1 <= t0) return 0;
    const ProcLaneIndex& lane = m.procs()[p];
    std::int64_t ns = 0;
    const auto add = [&](const SpanRow& row, auto waits) {
        for (std::size_t i = row.firstEndingAfter(t0, 0); i < row.size() && row[i].t0 < t1; ++i)
            if (waits(row[i].state)) ns += std::min(row[i].t1, t1) - std::max(row[i].t0, t0);
    };
    add(lane.program, [](LaneState st) {
        return st == LaneState::WaitLock || st == LaneState::WaitQueue || st == LaneState::WaitSync;
    });
    add(lane.os, [](LaneState st) { return st == LaneState::Runnable; });
    return std::clamp<std::int64_t>(ns, 0, t1 - t0);
}

// Tasks: counts, the sequential sum of completed tasks, the makespan, each
// worker's in-task time and task counts, and the failed tasks listed apart.
void taskStats(const RunModel& m, const Trace& tr, std::int64_t cut, RunStats& s, std::vector<WorkerStats>& ws) {
    std::int64_t firstStart = kNever, lastEnd = kNever;
    bool running = false;
    for (const TaskRecord& r : m.tasks()) {
        const bool started = r.t0 != kNever && r.t0 <= cut;
        const bool ended = r.t1 <= cut;
        if (!started && !ended) continue;
        WorkerStats& w = ws[r.proc];
        if (started && r.summarised) {
            ++s.summarisedChunks;
            s.summarisedTasks += r.summarised;
        }
        if (started) {
            ++s.tasksStarted;
            firstStart = std::min(firstStart, r.t0);
            w.inTaskNs += unpaused(m.pauses(), r.t0, std::min(r.t1, cut));
        }
        if (!ended) { running = true; ++s.tasksRunning; continue; }
        if (started) lastEnd = lastEnd == kNever ? r.t1 : std::max(lastEnd, r.t1);
        switch (r.outcome) {
        case TaskOutcome::Done:
            ++s.tasksDone;
            ++w.tasksDone;
            if (s.sequentialMeasured) {
                const std::int64_t waited = waitedInTask(m, r.proc, r.t0, r.t1);
                s.sequentialNs += std::max<std::int64_t>(0, unpaused(m.pauses(), r.t0, r.t1) - waited);
                s.sequentialWaitNs += waited;
            } else {
                s.sequentialNs += r.nominalNs;
            }
            break;
        case TaskOutcome::Raised:
        case TaskOutcome::WorkerDied: {
            ++s.tasksFailed;
            if (r.outcome == TaskOutcome::WorkerDied) ++s.tasksKilled;
            if (r.t0 != kNever) ++w.tasksFailed;   // written for it by another process: counted once, above
            std::string_view n = tr.string(r.name);
            s.failedTasks.push_back({n.empty() ? "#" + std::to_string(r.index) : std::string(n), r.index,
                                     procName(tr.meta(), r.proc), toString(r.outcome), r.nominalNs,
                                     taskErrorText(tr, r)});
            break;
        }
        case TaskOutcome::EndLost: ++s.tasksEndLost; break;
        case TaskOutcome::Stopped: {
            ++s.tasksStopped;
            std::string_view n = tr.string(r.name);
            // Its worker ended by its own program's terminate(), or by the user's stop.
            const bool byProgram = r.proc < m.procs().size() && m.procs()[r.proc].terminatedByProgram();
            s.stoppedTasks.push_back({n.empty() ? "#" + std::to_string(r.index) : std::string(n), r.index,
                                      procName(tr.meta(), r.proc), byProgram ? kTerminatedOutcome : toString(r.outcome),
                                      r.nominalNs, ""});
            break;
        }
        case TaskOutcome::Running: break;
        }
    }
    // Every task known at the cut: a finished run's whole list; so far, the
    // ones seen (started, ended, or taken in a chunk by the cut).
    s.tasksTotalFinal = tr.meta().finished && m.consumed() == tr.size();
    std::vector<std::int32_t> known;
    bool allEnded = true;
    for (const TaskRecord& r : m.tasks()) {
        if (r.t1 == kOpenEnd || r.t1 > cut) allEnded = false;
        if (s.tasksTotalFinal || (r.t0 != kNever && r.t0 <= cut) || r.t1 <= cut) known.push_back(r.index);
    }
    for (const ChunkRecord& c : m.chunks())
        if (!s.tasksTotalFinal && c.t <= cut)
            for (std::uint32_t i = 0; i < c.count && i < (1u << 20); ++i)
                known.push_back(static_cast<std::int32_t>(c.begin + i));
    std::sort(known.begin(), known.end());
    s.tasksTotal = static_cast<int>(std::unique(known.begin(), known.end()) - known.begin());
    s.speedupFinal = (m.runEndT() != kNever && m.runEndT() <= cut) || (s.tasksTotalFinal && allEnded);
    if (firstStart != kNever) {
        s.hasMakespan = true;
        std::int64_t end = running ? cut : (lastEnd == kNever ? firstStart : lastEnd);
        s.makespanNs = unpaused(m.pauses(), firstStart, std::max(end, firstStart));
        s.makespanFromNs = firstStart - tr.zero();
        s.makespanToNs = std::max(end, firstStart) - tr.zero();
    }
}

// One core's CoreLoad samples over [t0, t1]: their busy time (every process
// but parviz's own threads), the time they cover, and the run's workers'
// on-CPU time inside them (its CoreProcs row). Only samples that end by t1
// count, whole (a sample is /proc/stat's ticks over its window: its busy time
// inside a part of it is not known); one that began before t0 counts the
// part from t0, pro rata.
constexpr std::int64_t kFromStart = std::numeric_limits<std::int64_t>::min();
struct CoreSampleSums {
    std::int64_t busy = 0, interval = 0, mine = 0;
};
CoreSampleSums coreSampleSums(const CoreLaneIndex& core, std::int64_t t0, std::int64_t t1) {
    CoreSampleSums sums;
    const SpanRow& load = core.load;
    const SpanRow& procs = core.procs;
    for (std::size_t i = load.firstEndingAfter(t0, 0); i < load.size() && load[i].t1 <= t1; ++i) {
        const std::int64_t w0 = std::max(load[i].t0, t0), w1 = load[i].t1;
        const std::int64_t window = load[i].t1 - load[i].t0;
        if (w1 <= w0 || window <= 0) continue;
        const std::int64_t busy = load.busyNs(i, i + 1);
        sums.busy += w0 == load[i].t0 ? busy
                                      : static_cast<std::int64_t>(static_cast<double>(busy) * static_cast<double>(w1 - w0) /
                                                                  static_cast<double>(window));
        sums.interval += w1 - w0;
        for (std::size_t k = procs.firstEndingAfter(w0, 0); k < procs.size() && procs[k].t0 < w1; ++k)
            sums.mine += overlap(procs[k].t0, std::min(procs[k].t1, t1), w0, w1);
    }
    return sums;
}

// CPU: each worker's measured on-CPU time and each core's, up to the cursor.
void cpuStats(const RunModel& m, std::int64_t cut, int nCores, RunStats& s, std::vector<WorkerStats>& ws) {
    // A traced program's MainProcess apart from its workers (parviz run's is never watched).
    std::vector<std::int64_t> coreNs(static_cast<std::size_t>(nCores), 0), mainNs = coreNs;
    for (const CpuInterval& c : m.cpu()) {
        if (c.t0 > cut) continue;
        const std::int64_t d = std::max<std::int64_t>(0, std::min(c.t1, cut) - c.t0);
        ws[c.proc].onCpuNs += d;
        if (c.core >= 0 && c.core < nCores) (c.proc == kParentProc ? mainNs : coreNs)[static_cast<std::size_t>(c.core)] += d;
    }
    for (int c = 0; c < nCores; ++c) {
        CoreStats cs;
        cs.core = c;
        cs.workersOnCpuNs = coreNs[static_cast<std::size_t>(c)];
        cs.mainOnCpuNs = mainNs[static_cast<std::size_t>(c)];
        if (s.runSpanNs > 0) {
            cs.utilisation = std::min(1.0, static_cast<double>(cs.workersOnCpuNs) / static_cast<double>(s.runSpanNs));
            cs.mainShare = std::min(1.0, static_cast<double>(cs.mainOnCpuNs) / static_cast<double>(s.runSpanNs));
        }
        s.cores.push_back(cs);
    }
    // Other processes' share: the CoreLoad windows' busy time minus what the
    // workers used inside the same windows (coreSampleSums, one definition).
    for (int c = 0; c < nCores && static_cast<std::size_t>(c) < m.cores().size(); ++c) {
        const CoreSampleSums sums = coreSampleSums(m.cores()[static_cast<std::size_t>(c)], kFromStart, cut);
        if (sums.interval > 0)
            s.cores[static_cast<std::size_t>(c)].otherShare =
                std::clamp(static_cast<double>(sums.busy - sums.mine) / static_cast<double>(sums.interval), 0.0, 1.0);
    }
}

// Other processes' share of the cores up to the cut, from the CoreLoad
// samples (what cpuStats gives each core), as one measurement: /proc/stat
// ticks, so judged once a second of samples is in (kMinJudgedSpanTicksNs).
// The machine's exact other share (its MachineLoad, over the whole run) split
// between the cores as their samples saw it: the sampled per-core shares,
// scaled so their mean is the exact share (evenly when the samples saw none).
// The samples alone charge whole 10 ms ticks to whatever ran at each tick,
// and parviz's timer-woken threads often do: over a 1 s run they read other
// processes at 10-25 % of a core where the process counters say 1 %.
void coreOthersFromCounters(RunStats& s) {
    if (!s.machine.otherShare || s.machine.fromWorkers) return;
    double sum = 0;
    int n = 0;
    for (const CoreStats& c : s.cores)
        if (c.otherShare) {
            sum += *c.otherShare;
            ++n;
        }
    // The counters cover the usable cores only (the affinity mask): with
    // others in the table, the samples stay as they are.
    if (n == 0 || (s.usableCores > 0 && s.usableCores != n)) return;
    const double exact = *s.machine.otherShare;
    for (CoreStats& c : s.cores)
        if (c.otherShare)
            c.otherShare = std::clamp(sum > 0 ? *c.otherShare * exact * n / sum : exact, 0.0, 1.0);
    s.coreOthersFromCounters = true;
}

// parviz's own threads' share of the cores' time up to the cut: the CoreLoad
// samples of flags 1 (CoreLaneIndex::own) over the time the samples cover.
std::optional<double> parvizShareAt(const RunModel& m, std::int64_t cut) {
    std::int64_t own = 0, interval = 0;
    for (const CoreLaneIndex& core : m.cores()) {
        const CoreSampleSums load = coreSampleSums(core, kFromStart, cut);
        if (load.interval <= 0) continue;
        interval += load.interval;
        own += core.own.busyNs(0, core.own.firstEndingAfter(cut, 0));   // the samples ended by the cut
    }
    if (interval <= 0) return std::nullopt;
    return std::clamp(static_cast<double>(own) / static_cast<double>(interval), 0.0, 1.0);
}

void machineAtCut(const RunModel& m, std::int64_t cut, RunStats& s) {
    const MachineLoad ml = otherLoadFromSamples(m, kFromStart, cut);
    if (ml.cores == 0) return;
    s.machine = judgeMachineLoad(ml);
    s.machineAtCut = s.machine.busy.has_value();
}

// Workers: every non-parent process seen up to the cursor, in ProcId order,
// with a killed pool worker's replacement (the next pool worker started after it died).
void workerStats(const RunModel& m, const TraceMeta& meta, std::int64_t cut, RunStats& s, std::vector<WorkerStats>& ws) {
    const auto& lanes = m.procs();
    for (std::size_t p = 0; p < lanes.size(); ++p) {
        const ProcLaneIndex& l = lanes[p];
        WorkerStats& w = ws[p];
        const bool started = l.startT != kNever && l.startT <= cut;
        if (started) w.pid = static_cast<std::int64_t>(l.pid);
        w.exited = l.exitT != kNever && l.exitT <= cut;
        if (w.exited) {
            w.exitCode = l.exitCode;
            w.terminatedByProgram = l.terminatedByProgram();
            w.killed = l.exitCode < 0 && !w.terminatedByProgram;
        }
        w.killRequested = l.killRequestT <= cut;
        if (started) w.aliveNs = unpaused(m.pauses(), l.startT, w.exited ? l.exitT : cut);
        w.idleNs = std::max<std::int64_t>(0, w.aliveNs - w.inTaskNs);
        if (!isWorkerRole(meta, p) || l.firstT > cut) continue;   // no event from it up to the cursor
        w.proc = static_cast<ProcId>(p);
        w.name = procName(meta, static_cast<ProcId>(p));
        w.role = p < meta.procs.size() ? meta.procs[p].role : ProcRole::Process;
        // A traced program's plain Process runs its own code all its life:
        // no task ran in it, and none of that life is idle.
        if (s.sequentialMeasured && w.role == ProcRole::Process && w.tasksDone + w.tasksFailed == 0 && w.inTaskNs == 0) {
            w.plain = true;
            w.idleNs = 0;
        }
        s.workers.push_back(w);
    }
    std::vector<bool> used(lanes.size(), false);
    for (auto& w : s.workers) {
        if (!w.killed || w.role != ProcRole::PoolWorker) continue;
        const std::int64_t died = lanes[w.proc].exitT;
        ProcId best = 0;
        std::int64_t bt = kNever;
        for (const auto& o : s.workers) {
            const std::int64_t st = lanes[o.proc].startT;
            if (o.role == ProcRole::PoolWorker && st != kNever && st <= cut && st >= died && !used[o.proc] && st < bt) {
                best = o.proc;
                bt = st;
            }
        }
        if (best) {
            used[best] = true;
            w.replacedBy = procName(meta, best);
        }
    }
}

} // namespace

double unpausedNs(const RunModel& model, std::int64_t t0, std::int64_t t1) {
    return static_cast<double>(unpaused(model.pauses(), t0, t1));
}

double unpausedNs(const Trace& trace, std::int64_t t0, std::int64_t t1) {
    RunModel m;
    m.update(trace);
    return unpausedNs(m, t0, t1);
}

// [SECTION] computeStats ---------------------------------------------------------

RunStats computeStats(const Trace& tr, std::optional<std::int64_t> atNs) {
    RunModel m;
    m.update(tr);
    return computeStats(m, tr, atNs);
}

MachineLoad otherLoadFromSamples(const RunModel& m, std::int64_t t0, std::int64_t t1) {
    MachineLoad ml;
    std::int64_t busy = 0, mine = 0;
    for (const CoreLaneIndex& core : m.cores()) {
        const CoreSampleSums sums = coreSampleSums(core, t0, t1);
        if (sums.interval <= 0) continue;
        busy += sums.busy;
        mine += sums.mine;
        ++ml.cores;
        ml.coreNs += sums.interval;
    }
    if (ml.cores == 0) return ml;
    ml.spanNs = ml.coreNs / ml.cores;
    ml.otherNs = std::max<std::int64_t>(0, busy - mine);
    return ml;
}

RunStats computeStats(const RunModel& m, const Trace& tr, std::optional<std::int64_t> atNs) {
    RunStats s;
    const TraceMeta meta = tr.meta();
    const std::int64_t zero = tr.zero();
    // Without a cursor: everything the model has consumed, up to its last event.
    const std::int64_t cut = atNs ? *atNs : (m.consumed() ? m.now() : zero);

    s.scenario = meta.scenario;
    s.title = meta.title;
    s.work = meta.work;
    s.finished = meta.finished && m.consumed() == tr.size() && (!atNs || *atNs >= m.now());
    s.atNs = atNs;
    s.timeScale = meta.timeScale;
    s.totalCores = meta.totalCores;
    s.usableCores = meta.usableCores;
    s.coreSource = meta.coreSource;
    s.clampedEvents = tr.clampedEvents();

    const std::int64_t runEnd = m.runEndT() != kNever && m.runEndT() <= cut ? m.runEndT() : cut;
    s.runSpanNs = unpaused(m.pauses(), zero, runEnd);
    s.pausedNs = std::max<std::int64_t>(0, (runEnd - zero) - s.runSpanNs);

    // A traced program's tasks have no nominal length: sequential is measured.
    s.sequentialMeasured = meta.work == kTracedProgramWork;
    std::vector<WorkerStats> ws(std::max<std::size_t>(m.procs().size(), 1));
    taskStats(m, tr, cut, s, ws);
    cpuStats(m, cut, std::max(meta.totalCores, static_cast<int>(m.cores().size())), s, ws);
    workerStats(m, meta, cut, s, ws);

    s.workerCount = meta.workers > 0 ? meta.workers : static_cast<int>(s.workers.size());
    if (s.sequentialMeasured)   // a traced program's helpers and task-less processes are no pool
        s.workerCount = static_cast<int>(std::count_if(s.workers.begin(), s.workers.end(), [](const WorkerStats& w) {
            return w.tasksDone + w.tasksFailed > 0 || w.inTaskNs > 0;
        }));
    if (s.sequentialMeasured && !s.hasMakespan && s.tasksStarted + s.tasksDone + s.tasksFailed == 0) {
        const auto plain = std::count_if(s.workers.begin(), s.workers.end(), [](const WorkerStats& w) { return w.plain; });
        s.plainProcesses = plain > 0;
        if (s.plainProcesses) s.workerCount = static_cast<int>(plain);
    }
    if (s.hasMakespan && s.makespanNs > 0) {
        s.speedup = static_cast<double>(s.sequentialNs) / static_cast<double>(s.makespanNs);
        if (s.workerCount > 0) s.efficiency = s.speedup / s.workerCount;
    }
    s.lostEvents = m.lostEvents(cut);
    s.lostTexts = m.lostTexts(cut);
    s.writerWaitNs = m.writerWaitNs(cut);
    s.writerWaits = m.writerWaits(cut);
    // A stop's signal can kill workers just before the RunStop itself.
    if (m.stopT() != kNever && (m.stopT() <= cut || s.tasksStopped > 0))
        s.stoppedBy = m.stopSignal() != 0 ? signalName(m.stopSignal()) : "Stop";
    for (Failure& f : describeFailures(m, tr, cut)) s.failures.push_back(std::move(f.text));
    if (const TimedEventRef ml = m.machineLoad(); ml.index != UINT32_MAX && ml.t <= cut) {
        MachineLoad load = machineLoadFromEvent(tr[ml.index]);
        if (const TimedEventRef who = m.machineOthers(); who.index != UINT32_MAX) addOthersFromEvent(load, tr[who.index], tr);
        s.machine = judgeMachineLoad(load);
        coreOthersFromCounters(s);
    } else if (m.runEndT() == kNever || m.runEndT() > cut) {
        // Cut before the run's end: the cores' samples up to the cut (cpuStats), judged as the
        // run's own measurement. A whole run without one (saved before parviz measured) stays unknown.
        machineAtCut(m, cut, s);
    }
    // Too short (or not measured) for the machine's counters: the workers'
    // own core time judges a cpu run (judgeFromWorkers), so a sweep's cpu
    // answer is never given from runs nobody judged.
    // Not across a pause: stopped workers miss the cores by the user's doing.
    if (!s.machine.busy && s.hasMakespan && s.coreSource != CoreSource::None && parseWorkKind(s.work) == WorkKind::Cpu &&
        m.pauses().empty()) {
        const int cores = s.usableCores > 0 ? s.usableCores : s.totalCores;
        std::int64_t onCpu = 0;
        for (const WorkerStats& w : s.workers) onCpu += w.onCpuNs;
        // The cores' time the workers could have had: at each instant
        // min(workers in a task, cores), integrated over the tasks' starts and
        // ends (only short unjudged cpu runs get here; O(tasks log tasks)).
        std::vector<std::pair<std::int64_t, int>> edges;
        for (const TaskRecord& r : m.tasks()) {
            if (r.t0 == kNever || r.t0 > cut) continue;
            edges.emplace_back(r.t0, +1);
            edges.emplace_back(std::min(r.t1, cut), -1);
        }
        std::sort(edges.begin(), edges.end());
        std::int64_t wanted = 0;
        int inTask = 0;
        for (std::size_t i = 0; i < edges.size(); ++i) {
            if (i > 0) wanted += static_cast<std::int64_t>(std::min(inTask, cores)) * (edges[i].first - edges[i - 1].first);
            inTask += edges[i].second;
        }
        s.machine = judgeFromWorkers(s.machine, parseWorkKind(s.work), s.workerCount, cores, s.makespanNs, wanted, onCpu);
    }
    s.machine.parvizShare = parvizShareAt(m, cut);
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
// 12500 -> "12 500"
std::string grouped(std::int64_t n) {
    const std::string d = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i && d[i - 1] != '-' && (d.size() - i) % 3 == 0) out += ' ';
        out += d[i];
    }
    return out;
}

std::string table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
    return detail::formatTable(rows, {}, indent);
}
} // namespace

std::string describeWorkersOnCores(const RunStats& s) {
    const std::string cores = std::to_string(s.usableCores) + (s.usableCores == 1 ? " core" : " cores");
    if (s.workerCount <= 0) return std::string(s.plainProcesses ? "no other processes" : "no workers") + ": MainProcess alone on " + cores;
    const std::string who = s.plainProcesses ? (s.workerCount == 1 ? "process" : "processes") : (s.workerCount == 1 ? "worker" : "workers");
    return std::to_string(s.workerCount) + " " + who + " on " + cores;
}

std::string describeNoMakespan(const RunStats& s) {
    if (s.hasMakespan) return "";
    if (s.plainProcesses)
        return "plain processes: no Pool tasks, so no makespan or speedup; per-process times (alive, on-CPU) are "
               "below";
    if (s.sequentialMeasured && s.workers.empty() && s.tasksStarted == 0)
        return "one process: the program started no other process and no Pool task, so no makespan or speedup";
    return "no task ran";
}

nlohmann::json othersToJson(const BusyVerdict& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& [name, share] : v.others) a.push_back({{"name", name}, {"share", share}});
    return a;
}

std::string statsToJson(const RunStats& s) {
    using nlohmann::json;
    json j;
    j["schema"] = "parviz-summary/2";
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
    j["no_makespan"] = s.hasMakespan ? json(nullptr) : json(describeNoMakespan(s));
    j["plain_processes"] = s.plainProcesses;
    j["sequential_s"] = sec(s.sequentialNs);
    j["sequential_measured"] = s.sequentialMeasured;
    j["sequential_waits_left_out_s"] = sec(s.sequentialWaitNs);
    j["speedup"] = s.hasMakespan ? json(s.speedup) : json(nullptr);
    j["efficiency"] = s.hasMakespan ? json(s.efficiency) : json(nullptr);
    j["worker_count"] = s.workerCount;
    j["tasks"] = {{"started", s.tasksStarted}, {"done", s.tasksDone}, {"failed", s.tasksFailed},
                  {"killed", s.tasksKilled}, {"running", s.tasksRunning}, {"end_lost", s.tasksEndLost},
                  {"summarised_chunks", s.summarisedChunks}, {"summarised_tasks", s.summarisedTasks}};
    json failedTasks = json::array();
    for (const auto& f : s.failedTasks)
        failedTasks.push_back({{"name", f.name}, {"index", f.index}, {"worker", f.worker}, {"outcome", f.outcome},
                               {"nominal_s", sec(f.nominalNs)},
                               {"error", f.error.empty() ? json(nullptr) : json(f.error)}});
    j["failed_tasks"] = failedTasks;
    j["tasks"]["stopped"] = s.tasksStopped;
    json stoppedTasks = json::array();
    for (const auto& f : s.stoppedTasks)
        stoppedTasks.push_back({{"name", f.name}, {"index", f.index}, {"worker", f.worker}, {"outcome", f.outcome},
                                {"nominal_s", sec(f.nominalNs)}});
    j["stopped_tasks"] = stoppedTasks;
    j["stopped_by"] = s.stoppedBy.empty() ? json(nullptr) : json(s.stoppedBy);
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
            {"terminated_by_program", w.terminatedByProgram},
            {"replaced_by", w.replacedBy.empty() ? json(nullptr) : json(w.replacedBy)},
            {"plain", w.plain},
        });
    }
    j["workers"] = workers;
    json cores = json::array();
    for (const auto& c : s.cores)
        cores.push_back({{"core", c.core}, {"workers_on_cpu_s", sec(c.workersOnCpuNs)}, {"utilisation", c.utilisation},
                         {"main_on_cpu_s", sec(c.mainOnCpuNs)},
                         {"other_share", c.otherShare ? json(*c.otherShare) : json(nullptr)}});
    j["cores"] = cores;
    j["machine"] = {{"other_share", s.machine.otherShare ? json(*s.machine.otherShare) : json(nullptr)},
                    {"busy", s.machine.busy ? json(*s.machine.busy) : json(nullptr)},
                    {"steal_share", s.machine.stealShare},
                    {"parviz_share", s.machine.parvizShare ? json(*s.machine.parvizShare) : json(nullptr)},
                    {"others", othersToJson(s.machine)}};
    j["lost_events"] = s.lostEvents;
    j["tracing_overhead"] = {{"writer_wait_s", static_cast<double>(s.writerWaitNs) / 1e9},
                             {"writer_waits", s.writerWaits},
                             {"lost_text", s.lostTexts}};
    j["clamped_events"] = s.clampedEvents;
    j["failures"] = s.failures;
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string formatSummary(const RunStats& s) {
    std::ostringstream o;
    o << "Summary" << (s.scenario.empty() ? "" : " of " + s.scenario)
      << (s.finished ? "" : " (so far)") << "\n";
    std::vector<std::vector<std::string>> head;
    if (s.hasMakespan) {
        head.push_back({"makespan", secs(s.makespanNs), "first task start to last task end, pauses excluded"});
        head.push_back({"sequential", secs(s.sequentialNs),
                        s.sequentialMeasured
                            ? "the completed tasks' measured in-task times, less their waits on locks, queues and for "
                              "a free core, one after another (no nominal length)"
                            : "the completed tasks' nominal durations, one after another"});
        head.push_back({kSpeedupOverSequential, fmt("%.2fx", s.speedup), "sequential / makespan"});
        head.push_back({"efficiency", pct(s.efficiency),
                        "speedup over sequential / " + std::to_string(s.workerCount) +
                            (s.sequentialMeasured ? " workers that ran tasks" : " workers")});
    } else {
        head.push_back({"makespan", "-", describeNoMakespan(s)});
    }
    if (s.plainProcesses) {
        // No task to count: the processes are the program's shape.
        head.push_back({"processes", std::to_string(s.workerCount) + " plain", "Process objects, no Pool"});
    } else {
        std::string tasks = std::to_string(s.tasksStarted) + " started, " + std::to_string(s.tasksDone) + " done, " +
                            std::to_string(s.tasksFailed) + " failed";
        if (s.tasksKilled) tasks += " (" + std::to_string(s.tasksKilled) + " with their worker)";
        if (s.tasksRunning) tasks += ", " + std::to_string(s.tasksRunning) + " running";
        if (s.tasksEndLost) tasks += ", " + std::to_string(s.tasksEndLost) + " whose end was lost";
        if (s.tasksStopped) tasks += ", " + std::to_string(s.tasksStopped) + " stopped";
        head.push_back({"tasks", tasks, s.tasksFailed ? "failed tasks are not in the sequential time" : ""});
        if (s.summarisedChunks)   // a traced program's chunks above the tracer's threshold: one bar each
            head.push_back({"summarised", std::to_string(s.summarisedChunks) + " chunks of " + grouped(s.summarisedTasks) + " tasks",
                            "each counted above as one task: a chunk of more than 1 000 tasks is traced as one bar "
                            "(count, outcome), not task by task"});
    }
    if (s.pausedNs > 0) head.push_back({"paused", secs(s.pausedNs), ""});
    if (s.timeScale != 1.0) head.push_back({"time scale", formatTimeScale(s.timeScale), "times below are real seconds"});
    o << table(head, "  ");

    if (s.plainProcesses) {
        // Plain processes have no tasks: their own times, not "idle" for their whole life.
        std::vector<std::vector<std::string>> rows = {{"process", "pid", "alive", "on-CPU", "exit"}};
        for (const auto& w : s.workers)
            rows.push_back({w.name, std::to_string(w.pid), secs(w.aliveNs), secs(w.onCpuNs), exitText(w)});
        o << "\n" << table(rows, "  ");
    } else if (!s.workers.empty()) {
        std::vector<std::vector<std::string>> rows = {{"worker", "pid", "tasks", "failed", "in-task", "on-CPU", "idle", "exit"}};
        for (const auto& w : s.workers) {
            std::string exit = exitText(w);
            if (!w.replacedBy.empty()) exit += ", replaced by " + w.replacedBy;
            // A traced program's plain process beside a pool: no tasks, and its life is not idle.
            const std::string none = "-";
            rows.push_back({w.name, std::to_string(w.pid), w.plain ? none : std::to_string(w.tasksDone),
                            w.plain ? none : std::to_string(w.tasksFailed), w.plain ? none : secs(w.inTaskNs),
                            secs(w.onCpuNs), w.plain ? none : secs(w.idleNs), exit});
        }
        o << "\n" << table(rows, "  ");
    }
    // "SIGTERM (15) by terminate()" beside an ordinary `with Pool(4) as pool:`
    // read as a crash (newcomer walk, session 28): say whose terminate() and
    // that it is the usual end. CPython's Pool.__exit__ calls terminate(),
    // which SIGTERMs the workers still alive (Lib/multiprocessing/pool.py).
    const bool poolTerminated = std::any_of(s.workers.begin(), s.workers.end(),
                                            [&](const WorkerStats& w) { return w.terminatedByProgram && !w.plain && !s.plainProcesses; });
    const bool processTerminated = std::any_of(s.workers.begin(), s.workers.end(),
                                               [&](const WorkerStats& w) { return w.terminatedByProgram && (w.plain || s.plainProcesses); });
    if (poolTerminated)
        o << "  (by terminate(): the program's pool ended its workers still alive with SIGTERM, as Pool.terminate() "
             "does and as leaving a `with Pool(...)` block does: the usual end, not a crash)\n";
    if (processTerminated)
        o << "  (by terminate(): the program itself ended that process with Process.terminate(), which sends SIGTERM)\n";
    if (!s.cores.empty()) {
        // Plain processes are no pool's workers: the program's processes' share.
        // A traced program's MainProcess is its own column: neither a worker nor another program.
        const bool main = std::any_of(s.cores.begin(), s.cores.end(), [](const CoreStats& c) { return c.mainOnCpuNs > 0; });
        std::vector<std::vector<std::string>> rows = {{"core", s.plainProcesses ? "processes" : "workers"}};
        if (main) rows[0].push_back("MainProcess");
        rows[0].push_back("other processes");
        for (const auto& c : s.cores) {
            rows.push_back({std::to_string(c.core), pct(c.utilisation)});
            if (main) rows.back().push_back(pct(c.mainShare));
            rows.back().push_back(c.otherShare ? pct(*c.otherShare) : "-");
        }
        o << "\n" << table(rows, "  ");
        // Per core, the cores' /proc/stat samples (every 100 ms, 10 ms ticks)
        // less the run's processes and parviz's own threads; over a whole run
        // with the machine's exact counters, their total split as the samples
        // saw it (coreOthersFromCounters), so the column agrees with the verdict.
        if (std::any_of(s.cores.begin(), s.cores.end(), [](const CoreStats& c) { return c.otherShare.has_value(); }))
            o << (s.coreOthersFromCounters
                      ? "  (other processes per core: the verdict's exact counters, split between the cores as /proc/stat's "
                        "samples every 100 ms saw them; parviz left out)\n"
                      : "  (other processes per core: /proc/stat samples every 100 ms less the run's processes and "
                        "parviz's own threads)\n");
    }
    o << "\n  core data: " << toString(s.coreSource);
    if (s.usableCores && s.totalCores && s.usableCores != s.totalCores)
        o << " (" << s.usableCores << " of " << s.totalCores << " cores usable)";
    o << "\n";
    if (s.finished) o << "  " << describeBusy(s.machine, parseWorkKind(s.work)) << "\n";
    if (s.finished && s.machine.parvizShare && *s.machine.parvizShare >= kParvizShareSaid)
        o << "  " << describeParvizShare(*s.machine.parvizShare) << "\n";
    if (s.lostEvents) o << "  lost events: " << s.lostEvents << "\n";
    if (!s.failures.empty()) {
        o << "\nFailures:\n";
        for (const auto& f : s.failures) o << "  " << f << "\n";
    }
    // Not failures: the user ended them (the window's Stop, Ctrl-C, SIGTERM),
    // or the program itself (Pool's terminate at a `with Pool()` block's exit).
    const auto byProgram = [](const FailedTask& t) { return t.outcome == kTerminatedOutcome; };
    if (std::any_of(s.stoppedTasks.begin(), s.stoppedTasks.end(), byProgram)) {
        o << "\nStopped by the program (not failures):\n";
        for (const auto& t : s.stoppedTasks)
            if (byProgram(t))
                o << "  task " << t.name << " stopped: the program terminated " << t.worker << " while it ran it\n";
    }
    if (!std::all_of(s.stoppedTasks.begin(), s.stoppedTasks.end(), byProgram)) {
        o << "\nStopped by the user:\n";
        for (const auto& t : s.stoppedTasks)
            if (!byProgram(t))
                o << "  task " << t.name << " stopped: " << t.worker << " was running it when the run was stopped ("
                  << s.stoppedBy << ")\n";
    }
    return o.str();
}

std::vector<StatPair> keyNumbers(const RunStats& s, const std::string& note, bool compact) {
    std::vector<StatPair> out;
    if (!s.hasMakespan) return out;
    char buf[96];
    // One unit for the view's times: the larger of makespan and sequential
    // sets it; beside an instant (the note " at 0.070 s"), seconds as it is.
    const std::int64_t unit = std::max(s.makespanNs, s.sequentialNs);
    const bool besideInstant = note.rfind(" at ", 0) == 0;
    const auto secs = [&](std::int64_t ns) {
        return besideInstant ? formatDurationAmongInstants(ns) : formatSecondsLike(ns, unit);
    };
    out.push_back({"makespan", secs(s.makespanNs) + note,
                   "The run's length: " + describeMakespanBounds(s) + ", pauses left out. Every length of a run on screen "
                   "(the caption, Session, Compare, the run picker) is this one; the other times are instants on the "
                   "time axis: when a task ended, when the program received the results, the cursor."});
    // The speedup names its base (kSpeedupOverSequential): the Plots' is over the 1-worker run.
    const std::string seqTip = std::string("Speedup S = T1 / Tp with T1 the sequential time, the tasks one after "
                                           "another (") + (s.tasksDone ? secs(s.sequentialNs) : "-") +
                               "), and Tp the makespan. The Plots' speedup over 1 worker takes the 1-worker run's makespan as T1, which "
                               "also pays the pool's start-up and passing tasks and results between processes (inter-process "
                               "communication, IPC): "
                               "so the two differ for one run.";
    // Presentation's type leaves no room for the long label beside the makespan
    // at 1280x720 (the key numbers must need no scrolling): there it is
    // "speedup" and the caption above and the tooltip name the base.
    const char* speedupLabel = compact ? "speedup" : kSpeedupOverSequential;
    if (s.tasksDone == 0) {
        out.push_back({speedupLabel, "- (no task done yet)", seqTip});
    } else if (!s.speedupFinal) {
        // The finished tasks over the time so far are no speedup: it is the run's once every task has ended.
        out.push_back({speedupLabel, "- until every task has ended",
                       seqTip + " Mid-run the tasks still running are not in it yet, so it would read too low."});
    } else {
        std::snprintf(buf, sizeof buf, "%.2fx%s", s.speedup, note.c_str());
        out.push_back({speedupLabel, buf, seqTip});
        out.push_back({"efficiency", formatPercent(s.efficiency) + note,
                       "E = S / p: the speedup over sequential per worker (" + std::to_string(s.workerCount) +
                           "); 100% means every worker was busy all the time."});
    }
    const int total = std::max({s.tasksTotal, s.tasksStarted, s.tasksDone + s.tasksFailed});
    if (s.tasksTotalFinal) std::snprintf(buf, sizeof buf, "%d/%d done", s.tasksDone, total);
    else std::snprintf(buf, sizeof buf, "%d done of %d so far", s.tasksDone, total);
    StatPair tasks{"tasks", buf,
                   s.tasksTotalFinal ? "Tasks done of all the run's tasks."
                                     : "Tasks done of those seen so far: more may come while the run goes on."};
    // A traced program's chunk of more than 1 000 tasks is one bar (summarised): say so.
    if (s.summarisedChunks) {
        tasks.value += ", " + std::to_string(s.summarisedChunks) + " summarised";
        tasks.tip += " " + std::to_string(s.summarisedChunks) + " of these are summarised chunks, " +
                     std::to_string(s.summarisedTasks) +
                     " tasks in all: the tracer draws a chunk of more than 1 000 tasks as one bar (its count and "
                     "outcome), not task by task.";
    }
    // Nothing to add up before a task has ended: "-", never "0 s" (classroom walk).
    StatPair seq{"sequential", s.tasksDone ? secs(s.sequentialNs) : "-",
                 s.tasksDone ? "The tasks' times added up: one worker, one after another."
                             : "The tasks' times added up, once a task has ended."};
    if (s.sequentialMeasured && s.tasksDone)
        seq.tip = "The tasks' measured times added up: one worker, one after another." +
                  (s.sequentialWaitNs > 0
                       ? " Left out: " + formatDuration(s.sequentialWaitNs) +
                             " the tasks spent waiting on a lock, a queue or for a free core, which a lone worker "
                             "would not have waited."
                       : std::string());
    // Mid-run it adds up the done tasks only: "makespan 3.84 s so far" beside
    // "sequential 3.00 s" read as parallel being slower (newcomer walk, session 28).
    if (s.tasksDone && !s.speedupFinal) {
        seq.value += " of done tasks";
        seq.tip += " Until every task has ended, only the tasks done by then: the running ones add theirs when they end.";
    }
    if (compact) {
        out.push_back(tasks);
        out.push_back(seq);
    } else {
        out.push_back(seq);
        out.push_back(tasks);
    }
    if (s.tasksFailed) out.push_back({"", std::to_string(s.tasksFailed) + " failed", "", true});
    return out;
}

std::string describeBusyAt(const RunStats& s, bool compact) {
    if (s.machine.busy != true) return "";
    // "… took 25 % up to here, but sleep needs no core": the cut belongs to the share, not to the clause after it.
    return compact ? describeBusyShort(s.machine, parseWorkKind(s.work), s.machineAtCut)
                   : describeBusy(s.machine, parseWorkKind(s.work), s.machineAtCut);
}

std::string describeMakespanBounds(const RunStats& s) {
    if (!s.hasMakespan) return "";
    return "from the first task's start (" + formatInstant(s.makespanFromNs) + ") to the last task's end (" +
           formatInstant(s.makespanToNs) + ")";
}

std::string cutNote(const RunStats& s, bool live, std::int64_t zeroNs) {
    if (s.finished) return "";
    if (live || !s.atNs) return " so far";
    return " at " + formatInstant(*s.atNs - zeroNs);
}

} // namespace parviz
