#pragma once
// Run statistics: the measures of a run, defined once and used by the CLI
// summary, --summary-json, the Stats panel and the sweep table. Every function
// here is a pure function of the run model (run_model.hpp) and an optional
// time cursor, so the terminal, the window and a saved run can never disagree.
//
// Definitions (docs/summary-json.md repeats them for users, schema
// parviz-summary/2):
// - unpaused time: wall time minus the RunPause -> RunResume intervals;
// - makespan: first task start to the last task end (any outcome), unpaused;
//   while a task is still running at the cursor, to the cursor;
// - sequential: the sum of the nominal durations (TaskStart.b, run ns) of the
//   tasks that COMPLETED by the cursor; for a traced program (meta.work
//   "python": a Python task has no nominal length) the sum of their measured
//   in-task times instead (sequentialMeasured), less the time each spent
//   waiting on a Lock, a Queue or a sync object, or runnable with no free core
//   (sequentialWaitNs: one worker running them one after another would not
//   have waited; counting it would overstate speedup, e.g. a Pool whose tasks
//   queue for one Lock). Failed and killed tasks are counted
//   and listed apart (failedTasks) and add nothing; a running task adds
//   nothing until it completes. No clamping anywhere;
// - speedup = sequential / makespan; efficiency = speedup / workers (for a
//   traced program: the workers that ran a task);
// - a worker's in-task time: TaskStart -> TaskEnd, unpaused; its on-CPU time:
//   the sum of its CoreIn -> CoreOut spans (measured by the OS); its idle time:
//   alive (ProcStart -> ProcExit, unpaused) but not in a task;
// - a core's utilisation: the workers' on-CPU time on it / the run span
//   (RunStart to RunEnd or the cursor, unpaused); its other-process share: the
//   busy fraction from CoreLoad samples minus what the workers used in the
//   same windows.
#include "parviz/machine_load.hpp"
#include "parviz/run_model.hpp"
#include "parviz/trace.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

struct WorkerStats {
    ProcId proc = 0;
    std::string name;                 // "ForkPoolWorker-1"
    ProcRole role = ProcRole::Process;
    std::int64_t pid = 0;             // 0 when its ProcStart is not in the prefix
    int tasksDone = 0;                // TaskEnd without the failed flag
    int tasksFailed = 0;              // TaskEnd with it, or a task open when the worker died
    std::int64_t inTaskNs = 0;        // unpaused
    std::int64_t onCpuNs = 0;         // measured (CoreIn -> CoreOut); 0 without core data
    std::int64_t idleNs = 0;          // alive and not in a task, unpaused
    std::int64_t aliveNs = 0;         // ProcStart -> ProcExit (or the cursor), unpaused
    bool exited = false;
    std::int64_t exitCode = 0;        // valid when exited: >= 0 exit status, < 0 -signal
    bool killed = false;              // exited by a signal its own program did not ask for
    bool terminatedByProgram = false; // exited by the signal its program asked for (terminate())
    bool killRequested = false;       // a KillRequest (--kill-worker, window) named it
    std::string replacedBy;           // pool worker started to replace it ("" when none)
    // A traced program's plain Process (not a pool worker) that ran no task:
    // its whole life is its own code, so it has no in-task or idle time
    // (idleNs is 0) and the summaries show "-" there, not its life as "idle".
    bool plain = false;
};

struct CoreStats {
    int core = 0;
    std::int64_t workersOnCpuNs = 0;
    double utilisation = 0;                  // workersOnCpuNs / run span, 0..1
    // A traced program's MainProcess on this core (ns, and / run span): its
    // own process, neither a worker nor another program (0 for `parviz run`,
    // whose MainProcess is parviz).
    std::int64_t mainOnCpuNs = 0;
    double mainShare = 0;
    // 0..1; nullopt without CoreLoad samples. Over a whole run with the
    // machine's exact counters (RunStats::machine from its MachineLoad), it is
    // their total split between the cores as the samples saw it
    // (RunStats::coreOthersFromCounters), so per core and verdict agree.
    std::optional<double> otherShare;
};

// FailedTask::outcome of a task whose worker its own program terminated (a stop, not a failure).
inline constexpr const char* kTerminatedOutcome = "terminated by its program";

// A task that failed, listed apart from the sequential sum.
struct FailedTask {
    std::string name;                 // task name, "#<index>" when it has none
    std::int32_t index = 0;
    std::string worker;               // the worker it ran on
    std::string outcome;              // "raised", "worker died" or "stopped" (toString(TaskOutcome)),
                                      // or kTerminatedOutcome (stopped by its own program's terminate)
    std::int64_t nominalNs = 0;       // its nominal duration, not counted in sequential
    std::string error;                // what it raised ("ZeroDivisionError: division by zero"); "" unknown
};

struct RunStats {
    std::string scenario, title, work;
    bool finished = false;            // the trace is complete and no cursor cut it
    std::optional<std::int64_t> atNs; // the cursor (absolute, the Event::t clock) when given
    double timeScale = 1.0;
    int totalCores = 0, usableCores = 0;
    CoreSource coreSource = CoreSource::None;

    std::int64_t runSpanNs = 0;       // RunStart -> RunEnd or the cursor, unpaused
    std::int64_t pausedNs = 0;        // paused time inside the run span
    bool hasMakespan = false;         // at least one task started
    std::int64_t makespanNs = 0;      // unpaused; open tasks count up to the cursor
    // The instants that bound it, ns since the run's zero (the time axis):
    // the first task's start and the last task's end (or the cursor). The
    // makespan is the one "length of the run" every view names; these say
    // why a task can end at 6.04 s in a run "done in 6.01 s".
    std::int64_t makespanFromNs = 0, makespanToNs = 0;
    std::int64_t sequentialNs = 0;    // sum of the COMPLETED tasks' nominal durations
    bool sequentialMeasured = false;  // ... their measured in-task times (a traced program)
    std::int64_t sequentialWaitNs = 0; // measured: the waits left out of those times (see above)
    // A traced program whose processes are plain Process objects and ran no
    // Pool task (up to the cursor): there is no task to time, so no makespan
    // or speedup; each process's alive and on-CPU times are the measure, and
    // workerCount counts those processes. describeNoMakespan() says so.
    bool plainProcesses = false;
    double speedup = 0;               // 0 without makespan
    double efficiency = 0;            // speedup / workers
    int workerCount = 0;              // meta.workers, or the workers seen
    int tasksStarted = 0, tasksDone = 0, tasksFailed = 0;
    int tasksKilled = 0;              // of tasksFailed: lost with their worker
    int tasksRunning = 0;             // started, not ended at the cursor
    int tasksEndLost = 0;             // ended by a lost TaskEnd (neither done nor failed)
    // A traced program's summarised chunks (TaskRecord::summarised): of the
    // tasks counted above, that many are each one bar for that many tasks.
    int summarisedChunks = 0;
    std::int64_t summarisedTasks = 0;
    // Every task of the run known at the cut (classroom walk, finding 12): a
    // finished run's whole list (a replay's cursor cuts what happened, not
    // what there is: "1/4 done", never "1/3"); while the run goes on, the
    // tasks seen so far (started, ended, taken in a chunk), which only grows.
    int tasksTotal = 0;
    bool tasksTotalFinal = false;     // tasksTotal is the run's (a finished run), not "so far"
    // The speedup and efficiency are the run's: every task of the run has
    // ended by the cut (or the run ended). Mid-run, the completed tasks over
    // the makespan so far understate them (0.80x at 2.57 s in pool, 1.96x at
    // the end): Stats shows none until then (keyNumbers).
    bool speedupFinal = false;
    std::vector<FailedTask> failedTasks;   // each failed task once, in start order
    // Tasks the run's own stop ended (TaskOutcome::Stopped): neither done nor
    // failed, and no failure line; listed apart, like the failed ones.
    int tasksStopped = 0;
    std::vector<FailedTask> stoppedTasks;
    // Who stopped the run: "Stop" (a Stop button, the program) or the signal
    // ("SIGINT", "SIGTERM", "SIGHUP"); empty when it was not stopped.
    std::string stoppedBy;

    std::vector<WorkerStats> workers;   // in ProcId order
    std::vector<CoreStats> cores;       // one per core, 0..n-1
    std::uint64_t lostEvents = 0;       // sum of Lost events
    // Tracing's own cost: when a ring is full its writer waits for the
    // Collector instead of dropping (tracer.hpp); the time waited (ns, all
    // writers together) and how many waits. lostTexts: printed lines, names or
    // values that still could not be kept (their events were).
    std::uint64_t writerWaitNs = 0, writerWaits = 0, lostTexts = 0;
    std::uint64_t clampedEvents = 0;    // out-of-order events the trace clamped
    std::vector<std::string> failures;  // describeFailures(): one line per failure, losses last
    // Other processes' share of the usable cores over the whole run and the
    // busy flag (machine_load.hpp). Cut before the run's MachineLoad event
    // (a replay's cursor, a live run): measured from the cores' CoreLoad
    // samples up to the cut instead (machineAtCut), judged by the same
    // threshold once a second of them is in (their 10 ms ticks).
    BusyVerdict machine;
    bool machineAtCut = false;
    // CoreStats::otherShare is machine.otherShare split between the cores by
    // the CoreLoad samples (which alone count 10 ms ticks, steal and interrupts
    // as they fall, and over a short run read several times the exact figure).
    bool coreOthersFromCounters = false;
};

// Every speedup on screen names its base, the T1 of S = T1 / Tp (and
// efficiency E = S / p): a run's own (Stats, the caption, Session, the
// terminal summary) divides the "sequential" time, its tasks one after
// another; the Plots' and a sweep's divide the 1-worker run's makespan.
// Two numbers both called "speedup" read as one that disagrees with itself.
inline constexpr const char* kSpeedupOverSequential = "speedup over sequential";
inline constexpr const char* kSpeedupOverOneWorker = "speedup over 1 worker";

// One number of Stats' key line: "speedup" "1.96x" and its tooltip.
struct StatPair {
    std::string label, value, tip;
    bool warn = false;                  // drawn in the warning colour (failed tasks)
};
// The numbers a lesson reads off, in the order Stats shows them: makespan,
// speedup, efficiency, tasks, sequential (compact, presentation: tasks
// before sequential); note: cutNote's words ("", " so far", " at 2.57 s").
// Empty when the run has no makespan. Speedup and efficiency only once
// speedupFinal ("- until every task has ended" before); tasks "1/4 done"
// against the run's total, "1 done of 3 so far" while the total may grow.
std::vector<StatPair> keyNumbers(const RunStats& s, const std::string& note, bool compact);
// The busy words for the key line: describeBusyShort (compact) or
// describeBusy, " so far" / " up to the cursor" when measured at the cut;
// "" when there is nothing to say (quiet, or unknown before the run ended).
std::string describeBusyAt(const RunStats& s, bool compact);

// Other programs' share of the cores over [t0, t1] (absolute), from the core
// monitor's CoreLoad samples — what the CPU lanes hatch as "other programs":
// the samples' busy time minus the run's workers' on-CPU time in the same
// windows, over the time the samples cover (cores x span). Samples ending by
// t1 count (one begun before t0 from t0, pro rata). One definition for the
// busy flag at a cut (RunStats::machineAtCut, judged by judgeMachineLoad),
// each core's otherShare, and the oversubscription callout's "other programs
// used 40 % of the cores". cores == 0: no sample there.
MachineLoad otherLoadFromSamples(const RunModel& model, std::int64_t t0, std::int64_t t1);

// Wall time in [t0, t1] (absolute, the Event::t clock) minus the paused
// intervals the model records up to t1. 0 when t1 <= t0.
double unpausedNs(const RunModel& model, std::int64_t t0, std::int64_t t1);
double unpausedNs(const Trace& trace, std::int64_t t0, std::int64_t t1);   // builds a model: O(trace)

// Stats over what happened at times <= atNs (absolute); everything the model
// has consumed without atNs. O(records), never a pass over the events.
RunStats computeStats(const RunModel& model, const Trace& trace, std::optional<std::int64_t> atNs = {});
// Convenience: builds a model over the whole trace first.
RunStats computeStats(const Trace& trace, std::optional<std::int64_t> atNs = {});

// Why a run has no makespan, in one line for the summaries ("" when it has
// one): a traced program of plain processes ("plain processes: no Pool
// tasks, …"), a traced program that started no other process, or "no task ran".
std::string describeNoMakespan(const RunStats& s);
// Who ran on how many cores, for Stats: "4 workers on 2 cores", "1 process
// on 1 core"; a run with no worker (cpu-count) "no workers: MainProcess alone
// on 2 cores", never "0 workers" (newcomer walk, item 10).
std::string describeWorkersOnCores(const RunStats& s);

// The makespan's bounds in words: "from the first task's start (0.03 s) to
// the last task's end (6.04 s)"; "" without a makespan.
std::string describeMakespanBounds(const RunStats& s);

// What numbers cut at a cursor stand for, after them: "" for the whole
// finished run, " so far" while the run is live (the cursor at its edge),
// " at 3.2 s" for a finished run replayed at a cursor before its end (its
// numbers are those of that moment, not a run still going). zeroNs: the
// run's zero (Trace::zero), to say the cursor in seconds of the run.
std::string cutNote(const RunStats& s, bool live, std::int64_t zeroNs);

// The --summary-json document (schema "parviz-summary/2", docs/summary-json.md).
std::string statsToJson(const RunStats& s);
// Who took the cores, for the summary and sweep JSON: [{"name": "firefox",
// "share": 0.2}, …] (BusyVerdict::others: share of the cores' time, 0..1).
nlohmann::json othersToJson(const BusyVerdict& v);
// The summary `parviz run` prints: an aligned table, several lines, ending in '\n'.
std::string formatSummary(const RunStats& s);

} // namespace parviz
