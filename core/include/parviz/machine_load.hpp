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
// cores counts as "other" (another tenant took it): it slows a run as much;
// it is also measured apart (/proc/stat steal), and the largest other
// programs are named (/proc/PID/stat at both readings), so the words can say
// who took the cores and whether there is anything to close.
//
// The Recorder writes the result into the trace as one MachineLoad event just
// before RunEnd (event.hpp), so saved runs keep it and every reader (summary,
// sweep, window) judges it the same way with judgeMachineLoad().
#include "parviz/event.hpp"
#include "parviz/work.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parviz {

class Trace;

// A program other than parviz that took core time during a run: its name
// (/proc/PID/comm, at most 15 characters) and the CPU time its processes got
// between the meter's two readings (/proc/PID/stat utime + stime, USER_HZ
// ticks: 10 ms). Only processes alive at the second reading are seen: one
// that started and ended within the run is in otherNs but not named.
struct OtherProgram {
    std::string name;
    std::int64_t ns = 0;
    friend bool operator==(const OtherProgram&, const OtherProgram&) = default;
};

struct MachineLoad {
    int cores = 0;                 // usable cores measured (this process's affinity)
    std::int64_t spanNs = 0;       // wall time between the two readings
    std::int64_t coreNs = 0;       // cores x spanNs: the cores' time available
    std::int64_t busyNs = 0;       // the cores' non-idle time, any process (0 when only read back)
    std::int64_t ownNs = 0;        // parviz's own CPU time in the window (0 when only read back)
    std::int64_t otherNs = 0;      // max(0, busyNs - ownNs)
    bool preciseIdle = false;      // idle from cpuidle (us), not /proc/stat ticks (10 ms)
    // Who took otherNs, as far as the OS tells (session 24: a teacher told
    // "close them, Sweep cpu again" could not know what to close):
    std::int64_t stealNs = 0;            // part of otherNs the hypervisor gave other machines
                                         // (/proc/stat steal, the measured cores; 0 off a VM)
    std::vector<OtherProgram> others;    // the largest other programs, largest first (kMaxOtherPrograms)
};

// How many other programs a measurement names, and the least share of the
// cores' time (coreNs) one must have taken to be named.
inline constexpr std::size_t kMaxOtherPrograms = 3;
inline constexpr double kMinNamedShare = 0.02;

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
    // From the measurement (judgeMachineLoad): the hypervisor's share of the
    // cores' time (steal) and the other programs it named, with their shares.
    double stealShare = 0;
    std::vector<std::pair<std::string, double>> others;
    // parviz's own threads' share of the cores' time over the run (the
    // window drawing, the collector; not the workers), from the cores'
    // CoreLoad samples (flags 1, each thread's schedstat: exact ns, placed on
    // the core it last ran on). Never in otherShare: it is the observer's
    // cost, said apart (computeStats; nullopt without samples). Session 25:
    // with software OpenGL on 2 cores the window's 5 frames a second took
    // 5-10 % of the cores from 2 cpu workers (1.8x where `parviz sweep` gave 1.96x).
    std::optional<double> parvizShare;
};

// From this share of the cores' time up, parviz's own cost is said beside a
// run's timings (the summary, the Plots' serial-fraction note).
inline constexpr double kParvizShareSaid = 0.02;

// How far /proc/stat's 10 ms ticks can move a run's other share, for a span
// (two readings of each core's idle counter, each up to a tick off): 0.2 / s.
double ticksShareError(std::int64_t spanNs) noexcept;
// Pure: the verdict for one measurement (unknown when cores or span are 0, or
// the span is shorter than the minimum for its idle source and, with ticks,
// the share is within ticksShareError of kBusyThreshold: a run of 0.5 s
// whose others took 40 % of the cores is busy however the ticks fell).
BusyVerdict judgeMachineLoad(const MachineLoad& m);
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
// Who took the cores, in a few words, from a judged verdict: "Xvfb 12 %,
// firefox 8 %", "the VM's host 20 % (steal time)", both, or "" when the
// measurement named nobody (every other program was small or has exited).
std::string describeOthers(const BusyVerdict& v);
// "parviz's own threads took 6 % of the cores (recording the run; drawing it,
// in the window): the run's processes had that much less" (share 0..1,
// BusyVerdict::parvizShare).
std::string describeParvizShare(double share);
// "machine busy: other processes took 34 % of the cores (firefox 20 %); timings not comparable",
// "busy: unknown: too short to tell whether other programs used the cores (…)" (describeUnjudged)
// or "machine quiet: other processes took 2 % of the cores".
// For a run of sleep work (work == Sleep) a busy machine changes little — a
// sleeping worker needs no core — and the words say so instead:
// "machine busy: other processes took 34 % of the cores; sleep work needs no core, so its timings hold".
// upToHere: the verdict is of the run up to the cursor, said after the share
// ("took 34 % of the cores up to here; ..."), not after the clause that follows.
std::string describeBusy(const BusyVerdict& v, std::optional<WorkKind> work = std::nullopt, bool upToHere = false);
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
std::string describeBusyShort(const BusyVerdict& v, std::optional<WorkKind> work = std::nullopt, bool upToHere = false);
// Whether a busy machine is worth a warning for this run: it was flagged busy
// and its workers need the cores. Sleep work needs none, so other programs'
// load does not change its lesson: its busy note is said mutedly, a plain
// note, never in the warning colour (newcomer walk, session 21: pool and
// pool-sizes on sleep work showed "machine busy" as loudly as cpu runs).
// Unknown work (a traced program) needs the cores as far as anyone knows.
bool busyMatters(const BusyVerdict& v, std::optional<WorkKind> work) noexcept;

// Event encoding (EventKind::MachineLoad): obj = cores, a = otherNs, b = coreNs,
// flags bit 0 = preciseIdle. spanNs is coreNs / cores.
// Who took the cores goes in a second MachineLoad event written just before
// it, flags = kMachineLoadOthers: obj = cores, a = string id of
// encodeOtherPrograms(m.others), b = stealNs (saved-run format 13).
inline constexpr std::uint8_t kMachineLoadOthers = 2;
Event machineLoadEvent(std::int64_t t, const MachineLoad& m) noexcept;
MachineLoad machineLoadFromEvent(const Event& e) noexcept;
// "12000000 Xvfb\n8000000 firefox\n": one line per program, ns then name.
std::string encodeOtherPrograms(const std::vector<OtherProgram>& others);
// The inverse; lines that do not parse are skipped (a saved run is input).
std::vector<OtherProgram> decodeOtherPrograms(std::string_view text);
// Adds an "others" event's steal and names to m.
void addOthersFromEvent(MachineLoad& m, const Event& others, const Trace& trace);
// The run's measurement: its last MachineLoad event with the "others" event
// before it, nullopt when it has none (an unfinished run, or one saved before
// parviz measured it).
std::optional<MachineLoad> machineLoadOf(const Trace& trace);

// Two readings of the OS counters. Not thread-safe; construct it on the
// thread that will call finish() or anywhere, the readings are process-wide.
class MachineLoadMeter {
public:
    MachineLoadMeter();                 // the first reading, now
    // The second reading: the load over [construction, now]. nullopt when the
    // counters cannot be read (no /proc/stat). Can be called more than once.
    std::optional<MachineLoad> finish() const;

    // One process's CPU time at a reading (/proc/PID/stat).
    struct ProcSample {
        std::string name;
        std::int64_t cpuNs = 0;                 // utime + stime
        unsigned long long startTicks = 0;      // tells a reused pid apart
        bool underOwnName = false;              // a descendant of a process named as this program (ownName)
    };
    // Pure: the programs (by name, their processes summed) that took at least
    // kMinNamedShare of coreNs between two readings keyed by pid, largest
    // first, at most kMaxOtherPrograms. A pid only in `after`, or with
    // another start time, counts all its time. ownName: this program's own
    // name (/proc/self/comm, "parviz"): another copy of it, not parviz's own
    // processes (those are not in the readings), is named "another parviz",
    // so "close them" never reads as "close the window you are using"; so
    // are its descendants (underOwnName: its pool workers, whose names
    // "ForkPoolWorker-" read as the program being measured, a program it traces).
    static std::vector<OtherProgram> namePrograms(const std::map<int, ProcSample>& before,
                                                  const std::map<int, ProcSample>& after, std::int64_t coreNs,
                                                  const std::string& ownName = "");

private:
    struct Reading {
        std::int64_t t = 0;
        std::int64_t ownNs = 0;
        std::int64_t statIdleNs = 0;      // summed over the measured cores
        std::int64_t stealNs = 0;         // summed over the measured cores
        std::int64_t cpuidleNs = -1;      // -1: not available on every measured core
        std::map<int, ProcSample> others; // every process but parviz's own, by pid
        bool ok = false;
    };
    static Reading read(const std::vector<int>& cores);
    std::vector<int> m_cores;             // the usable cores at construction
    Reading m_start;
};

} // namespace parviz
