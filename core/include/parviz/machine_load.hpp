#pragma once
// Other processes' share of the cores during a run: was the machine ours?
//
// A timing only teaches something if the run had the cores to itself. The
// MachineLoadMeter takes two readings, one when a run starts and one when it
// ends, and measures how much of the usable cores' time went to processes that
// are not parviz's own:
//
//   busy  = sum over the usable cores of (wall span - idle time of the core)
//   own   = CPU time of this process (every thread: controller, Collector,
//           window) + CPU time of the children reaped in the window (the
//           workers) + CPU time of the fork server
//   other = max(0, busy - own);  other share = other / (cores x span)
//
// Idle time comes from the kernel's cpuidle counters (microseconds, per core)
// when they exist and agree with /proc/stat, else from /proc/stat's idle +
// iowait (USER_HZ ticks, 10 ms). Own time comes from CLOCK_PROCESS_CPUTIME_ID,
// getrusage(RUSAGE_CHILDREN) and /proc/<fork server>/schedstat, all in
// nanoseconds of the scheduler's own accounting: exact, unlike the /proc
// sampling of the core lanes. Time the hypervisor stole from our virtual
// cores counts as "other" (another tenant took it): it slows a run as much.
//
// The Recorder writes the result into the trace as one MachineLoad event just
// before RunEnd (event.hpp), so saved runs keep it and every reader (summary,
// sweep, window) judges it the same way with judgeMachineLoad().
#include "parviz/event.hpp"
#include "parviz/work.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

class Trace;

struct MachineLoad {
    int cores = 0;                 // usable cores measured (this process's affinity)
    std::int64_t spanNs = 0;       // wall time between the two readings
    std::int64_t coreNs = 0;       // cores x spanNs: the cores' time available
    std::int64_t busyNs = 0;       // the cores' non-idle time, any process (0 when only read back)
    std::int64_t ownNs = 0;        // parviz's own CPU time in the window (0 when only read back)
    std::int64_t otherNs = 0;      // max(0, busyNs - ownNs)
    bool preciseIdle = false;      // idle from cpuidle (us), not /proc/stat ticks (10 ms)
};

// Above this share of the cores' time taken by other processes, a run's
// timings are not comparable (issue 9: 10 %).
inline constexpr double kBusyThreshold = 0.10;
// Shortest run span that can be judged: the two readings must be fine enough
// that their rounding stays well under the threshold (cpuidle: microseconds;
// /proc/stat: 10 ms ticks per core and reading, so 1 s keeps it under 2 %).
inline constexpr std::int64_t kMinJudgedSpanPreciseNs = 100'000'000;
inline constexpr std::int64_t kMinJudgedSpanTicksNs = 1'000'000'000;

struct BusyVerdict {
    std::optional<double> otherShare;   // 0..1; nullopt: not measured or too short to judge
    std::optional<bool> busy;           // nullopt: unknown
    // When the run was measured but too short to judge: the span it needed
    // (kMinJudgedSpanTicksNs or kMinJudgedSpanPreciseNs); 0 otherwise.
    std::int64_t neededSpanNs = 0;
    // Judged from the run's own workers, not the machine's counters (the run
    // was too short for them, or not measured): cpu work's workers wanted a
    // core all their task time, so the cores' time they did not get beyond
    // what their count explains (more workers than cores take turns) was
    // taken by other programs (judgeFromWorkers). otherShare is that share
    // of the cores' time; busy is judged by kBusyFromWorkersThreshold.
    bool fromWorkers = false;
    int workers = 0, cores = 0;   // what the judgement counted with (fromWorkers only)
};

// How far /proc/stat's 10 ms ticks can move a run's other share, for a span
// (two readings of each core's idle counter, each up to a tick off): 0.2 / s.
double ticksShareError(std::int64_t spanNs) noexcept;
// Pure: the verdict for one measurement (unknown when cores or span are 0, or
// the span is shorter than the minimum for its idle source and, with ticks,
// the share is within ticksShareError of kBusyThreshold: a run of 0.5 s
// whose others took 40 % of the cores is busy however the ticks fell).
BusyVerdict judgeMachineLoad(const MachineLoad& m) noexcept;
// The run's own evidence when the counters cannot judge (session 22's newcomer
// walk: on a VM without cpuidle every run under 1 s was "busy: unknown", and a
// cpu sweep on a loaded machine still answered "2 workers are enough (1.11x)").
// A cpu worker in a task wants a core all the time: at each instant the
// workers can be on min(workers in a task, C) of the C cores, and over the
// run that is `workersWantedNs` (the integral; at most C x makespan); what
// they got less than that, as a share of the cores' time (C x makespan), is
// the share other programs took. (The integral, not min(total task time,
// C x makespan): 8 workers on 2 cores with a one-task tail summed 8 lanes of
// task time against the 2 cores and called the tail's idle core "taken by
// other programs": a quiet machine's 0.2x sweep read busy, session 23.) Judged busy above kBusyFromWorkersThreshold —
// higher than kBusyThreshold because parviz's own threads (the window, the
// Collector) also take core time the workers miss. Returns `v` unchanged
// unless v is unknown and the work is cpu with core data (workersOnCpuNs > 0).
inline constexpr double kBusyFromWorkersThreshold = 0.20;
BusyVerdict judgeFromWorkers(BusyVerdict v, std::optional<WorkKind> work, int workers, int cores,
                             std::int64_t makespanNs, std::int64_t workersWantedNs, std::int64_t workersOnCpuNs) noexcept;
// "machine busy: other processes took 34 % of the cores; timings not comparable",
// "busy: unknown: too short to tell whether other programs used the cores (…)" (describeUnjudged)
// or "machine quiet: other processes took 2 % of the cores".
// For a run of sleep work (work == Sleep) a busy machine changes little — a
// sleeping worker needs no core — and the words say so instead:
// "machine busy: other processes took 34 % of the cores; sleep work needs no core, so its timings hold".
std::string describeBusy(const BusyVerdict& v, std::optional<WorkKind> work = std::nullopt);
// Why an unknown verdict is unknown, in plain words, with what to do: "too
// short to tell whether other programs used the cores (needs 1 s of samples;
// run with --time-scale 1 or more work)" (0.1 s with exact idle counters);
// "not measured whether other programs used the cores" for a run without a
// measurement. A cpu run's timing then cannot be trusted or distrusted: the
// Plots, Compare's rows, This run and `parviz sweep` say so (a 0.2x speedup
// on a loaded machine was answered as if fair, session 22).
std::string describeUnjudged(const BusyVerdict& v);
// The same in a few words, where a line has little room (This run's line in
// presentation, Compare's rows, `parviz sweep`'s progress): "busy: unknown
// (run too short)" or "busy: unknown (not measured)"; the whole of
// describeUnjudged in the tooltip. Session 22: "busy: unknown" alone left the
// class without the why.
std::string describeUnjudgedShort(const BusyVerdict& v);
// The same for a busy run in few words, where a line has little room
// ("machine busy: others took 34 %"; sleep work: "others took 34 %; sleep
// needs no core"); "" when the run is not flagged busy.
std::string describeBusyShort(const BusyVerdict& v, std::optional<WorkKind> work = std::nullopt);
// Whether a busy machine is worth a warning for this run: it was flagged busy
// and its workers need the cores. Sleep work needs none, so other programs'
// load does not change its lesson: its busy note is said mutedly, a plain
// note, never in the warning colour (newcomer walk, session 21: pool and
// pool-sizes on sleep work showed "machine busy" as loudly as cpu runs).
// Unknown work (a traced program) needs the cores as far as anyone knows.
bool busyMatters(const BusyVerdict& v, std::optional<WorkKind> work) noexcept;

// Event encoding (EventKind::MachineLoad): obj = cores, a = otherNs, b = coreNs,
// flags bit 0 = preciseIdle. spanNs is coreNs / cores.
Event machineLoadEvent(std::int64_t t, const MachineLoad& m) noexcept;
MachineLoad machineLoadFromEvent(const Event& e) noexcept;
// The run's measurement: its last MachineLoad event, nullopt when it has none
// (an unfinished run, or one saved before parviz measured it).
std::optional<MachineLoad> machineLoadOf(const Trace& trace);

// Two readings of the OS counters. Not thread-safe; construct it on the
// thread that will call finish() or anywhere, the readings are process-wide.
class MachineLoadMeter {
public:
    MachineLoadMeter();                 // the first reading, now
    // The second reading: the load over [construction, now]. nullopt when the
    // counters cannot be read (no /proc/stat). Can be called more than once.
    std::optional<MachineLoad> finish() const;

private:
    struct Reading {
        std::int64_t t = 0;
        std::int64_t ownNs = 0;
        std::int64_t statIdleNs = 0;      // summed over the measured cores
        std::int64_t cpuidleNs = -1;      // -1: not available on every measured core
        bool ok = false;
    };
    static Reading read(const std::vector<int>& cores);
    std::vector<int> m_cores;             // the usable cores at construction
    Reading m_start;
};

} // namespace parviz
