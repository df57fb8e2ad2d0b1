#pragma once
// The classroom's "why": plain sentences about a run, built from the run
// model (run_model.hpp) so the window, a test and a script say the same.
//
// [SECTION] Explain at t   why each process is in its state at a cursor
// [SECTION] Callouts       patterns found in the whole run, with the numbers
//                          that triggered them (load imbalance, oversubscription,
//                          lock convoy, serial parent, growing queue backlog)
// [SECTION] Step           the previous / next program event from a time
//
// Times in the sentences are seconds since the run's zero (RunStart, or the
// trace's first event), formatted like the timeline's axis ("3.0 s", "850 ms").
// Nothing here draws; core never includes GL or ImGui.
#include "parviz/run_model.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

// =============================================================================
// [SECTION] Explain at t
// =============================================================================
struct ProcExplanation {
    ProcId proc = 0;
    std::string name;                    // "ForkPoolWorker-2"
    LaneState state = LaneState::None;   // what its lane shows at t (program row, or Runnable/OnCore)
    std::string text;                    // "ForkPoolWorker-2 is idle: the task queue is empty and ..."
    // Workers with the same non-empty group are in the same state for the same
    // reason: one sentence says it for all of them, their names then groupWords
    // ("are runnable, waiting for a free core: ..."). Empty: always its own sentence.
    // groupWords may hold "{details}": replaced by " (L2 and s3)", each member's
    // groupDetail in order, for a group of at most four that all have one; else by "".
    std::string group;
    std::string groupWords;
    std::string groupDetail;             // e.g. its task's name
    // A Process the program started itself (ProcRole::Process: multiprocessing.Process,
    // the built-in scenarios' Process-N), not a pool's worker: the counts call
    // it a "process", never a "worker" (newcomer walk: two plain Processes were "2 workers").
    bool plainProcess = false;
    // The Locks it holds at t, as its sentence names them ("Lock-1", "the
    // lock"): the counts say "1 holding Lock-1", not its state alone (a holder
    // sleeping inside the lock was counted "1 sleeping").
    std::vector<std::string> holds;
    // Who waits for the Locks it holds at t, as one name list ("Process-3 and
    // -4"): named in the short form of the counts (LockNames). Empty: nobody.
    std::string holdWaiters;
    int holdWaiterCount = 0;
    // Its line's brief when the first clause alone would drop what matters
    // most: MainProcess waiting for a pool's results keeps the tasks' count
    // ("... since 0.24 s: 7 of 8 started tasks done, 1 running"); empty: the first clause.
    std::string brief;
};

// One sentence of the Why panel: about one process, or about several in the
// same state for the same reason ("ForkPoolWorker-3, -4, -5 and -6 wait to
// take from the task queue: it is empty ...").
struct ExplainLine {
    std::vector<ProcId> procs;           // who it is about, in ProcId order
    std::string text;
    std::vector<std::string> each;       // each one's own sentence (for a tooltip); one entry when alone
    std::string brief;                   // text up to its first ": " (the state without the why); text if none;
                                         // a lone process's own brief when it has one (ProcExplanation::brief)
};

struct Explanation {
    std::vector<ProcExplanation> procs;  // MainProcess first, then the workers by ProcId; only those seen by t
    // procs said as sentences: a group of two or more workers sharing a group
    // takes the place of its first member, in procs' order.
    std::vector<ExplainLine> lines;
    std::vector<std::string> notes;      // the run as a whole at t: stop signals in the queue, the time scale
};

// A sentence up to its first ": " outside parentheses, the state without
// its why ("Process-1 runs its own code (a plain Process: no Pool tasks), on
// CPU 0 now" whole: its colon is inside the parenthesis); the whole sentence
// when it has none. The Why tab's summed-up paragraph joins these.
std::string firstClauseOf(const std::string& sentence);

// "ForkPoolWorker-3, -4, -5 and -6": names sharing a "<prefix>-<number>" form
// say the prefix once; five or more consecutive numbers become a range
// ("ForkPoolWorker-3 to -60"). Other names are listed whole.
std::string nameList(const std::vector<std::string>& names);
// The lines of an explanation (what buildExplain puts in Explanation::lines).
std::vector<ExplainLine> groupExplanations(const std::vector<ProcExplanation>& procs);

// The processes other than MainProcess said as counts by state, for a panel
// with no room for their names: "8 workers: 5 idle, 2 running, 1 runnable
// (no free core)"; "16 workers exited". "workers" only for a pool's workers:
// "processes" when their names are not one numbered family (a traced
// program's Producer and Consumer) or any is a plain Process ("4 processes:
// 3 waiting for a lock, 1 holding the lock (sleeping inside it)": a lock's
// holder is counted as one, with its state inside the lock). "" if none.
// Short of room, who holds a Lock and who waits for it stay named after the
// counts, as far as `names` asks: Holder "…; Process-2 holds the lock",
// HolderAndWaiters "…; Process-2 holds the lock, Process-3 and -4 wait for
// it" (newcomer walk: "1 holding the lock" named nobody).
enum class LockNames : std::uint8_t { None, Holder, HolderAndWaiters };
std::string countsByState(const Explanation& x, LockNames names = LockNames::None);
// "oversubscription: 8 workers on 2 cores": the label of an oversubscription
// callout (Callout::label), also what a legend planned before the run reserves.
std::string oversubscriptionLabel(int workers, int cores);
// Whether the processes other than MainProcess are one numbered family
// ("ForkPoolWorker-1" .. "-8", "Process-1" .. "-4"), so that counts by state
// can stand for their names (a traced program's Producer and Consumer keep them).
bool oneNumberedFamily(const Explanation& x);

// Why each process is in its state at t (absolute ns). O(processes x log n)
// plus one pass over the queues' items up to t for the stop-signal note.
Explanation buildExplain(const RunModel& model, const Trace& trace, std::int64_t t);

// =============================================================================
// [SECTION] Callouts
// =============================================================================
enum class CalloutKind : std::uint8_t {
    LoadImbalance,     // a worker idles at the end while another still runs tasks
    Oversubscription,  // more workers wanting a core than cores: runnable > 20 % of their task time
    LockConvoy,        // several processes queue on one lock at once, waiting at least half as long as it is held;
                       // or a Lock held half the makespan or more while two or more processes wait for it in turn
    SerialParent,      // workers wait for a queue that MainProcess alone fills, one item at a time
    QueueBacklog,      // a queue grows: items are put faster than they are taken
    LongTask,          // the idle tail is one task alone, taken at the start and longer than the rest could
                       // fill: the longest task bounds the makespan (the critical path), no split can help
};
const char* toString(CalloutKind k) noexcept;   // "load imbalance", "oversubscription", "one long task", ...

struct Callout {
    CalloutKind kind = CalloutKind::LoadImbalance;
    std::int64_t t0 = 0, t1 = 0;         // absolute ns: the stretch the timeline marks
    ProcId proc = kNoProc;               // the lane it is about, kNoProc: the run as a whole
    // Each lane it is about with the stretch there (an idle tail: from that
    // worker's last task's end to t1), the longest first; proc's is the
    // first. Empty: proc's lane over [t0, t1). A load imbalance of three idle
    // workers outlined only the longest-idle one (newcomer walk, session 21).
    struct LaneStretch {
        ProcId proc = kNoProc;
        std::int64_t t0 = 0;
    };
    std::vector<LaneStretch> lanes;
    // The lane its label's words are about, where the timeline writes them:
    // kLabelOnProc: proc's; another worker's (one long task: the task's
    // worker, not the idle one it is outlined on); kNoProc: no one lane's
    // (over the strip between the axis and the lanes). "one long task: A,
    // 0.50 s" on an idle worker's lane read as that worker's (session 23).
    static constexpr ProcId kLabelOnProc = kNoProc - 1;
    ProcId labelProc = kLabelOnProc;
    ProcId labelLane() const noexcept { return labelProc == kLabelOnProc ? proc : labelProc; }
    double measure = 0;                  // the triggering fraction (0..1) or count, as the text says
    std::string text;                    // "load imbalance: ForkPoolWorker-2 idle for the last 1.60 s of 4.00 s (40 %) ..."
    std::string headline;                // its point in one short line, the numbers that matter: "oversubscription:
                                         // 8 workers on 2 cores, runnable, no free core 45 % of the time"
    std::string brief;                   // shorter still, its why kept, for a line of ~40 characters (presentation's
                                         // This run at 1280x720): "8 workers, 2 cores: most wait for a core"
    std::string label;                   // its kind and the numbers that triggered it, in a few words, for the
                                         // timeline (its mark and legend) and a line that names all the callouts:
                                         // "oversubscription: 8 workers on 2 cores"
};

// Thresholds, stated once (the README's Explain section repeats them).
inline constexpr double kImbalanceTailShare = 0.20;   // idle tail / makespan
inline constexpr double kRunnableShare = 0.20;        // runnable / in-task time, all workers together (and
                                                      // more workers wanting a core on average than cores)
inline constexpr int kConvoyWaiters = 2;              // waiting at the same time
inline constexpr double kConvoyWaitShare = 0.5;       // total wait / total hold
inline constexpr double kLockBoundShare = 0.25;       // workers' lock wait / their in-task time: a load
                                                      // imbalance callout then names the lock as its cause;
                                                      // and total wait / total hold for a lock held most of the run
inline constexpr double kLockHeldShare = 0.5;         // a Lock held / the tasks' makespan, two or more processes
                                                      // waiting for it: a lock convoy even with one waiter at a time
inline constexpr double kSerialWaitShare = 0.50;      // workers' queue wait / their time while the parent fills
inline constexpr std::int64_t kBacklogGrowth = 4;     // items the queue grew by

// Callouts in the run up to cut (kOpenEnd: all of it), in time order. O(model records).
std::vector<Callout> findCallouts(const RunModel& model, const Trace& trace, std::int64_t cut = kOpenEnd);

// The callout that explains most of the run, for where the class looks
// (presentation's This run tab): oversubscription, then lock convoy, load
// imbalance, serial parent, queue backlog; of one kind the larger measure.
// nullptr when there is none.
const Callout* headlineCallout(const std::vector<Callout>& callouts) noexcept;

// =============================================================================
// [SECTION] Step
// =============================================================================
// A program event: a task start or end, a queue put / get / empty / full, a
// lock wait / acquire / release / timeout / owner died, a print, a process
// start or exit, the caller receiving a pool result. Never a context switch, a state change or a core sample.
bool isProgramEvent(EventKind k) noexcept;

// Program events of one kind by one process, each within an instant of the
// one before (no other program event between), are one step: map handing
// the caller 28 results "at once" (classroom walk, finding 6). An instant is
// a thousandth of the run (what the timeline can tell apart across its
// width), at most kSameInstantNs: the queue demo's 50 us are still walked
// put by put.
inline constexpr std::int64_t kSameInstantNs = 1'000'000;
std::int64_t sameInstantNs(const RunModel& model) noexcept;
// True when b (after a) is of a's step group: the same process and kind, within `instant`.
bool sameStep(const Event& a, const Event& b, std::int64_t instant) noexcept;

struct StepTarget {
    std::int64_t t = 0;                  // absolute ns of the event (a group's last)
    std::uint32_t index = 0;             // into the Trace (a group's last)
    std::uint32_t count = 1;             // program events in the step (sameStep): 1 or more
    std::uint32_t first = 0;             // into the Trace: the group's first (index when count is 1)
};
// The first step strictly after t (forward) or the last wholly before t
// (backward), of process `only` (kNoProc: any): a program event, or a group
// of them (sameStep), whose last event the step lands on. nullopt: none.
// O(log n) plus the events skipped.
std::optional<StepTarget> stepProgramEvent(const RunModel& model, const Trace& trace, std::int64_t t, bool forward,
                                           ProcId only = kNoProc);
// The step row's cue at t (newcomer: Next at the last event did nothing and
// said nothing): "the last event" when no step is after t, "the first
// event" when none is before it, "no program event" when neither, else "".
std::string stepEdgeNote(const RunModel& model, const Trace& trace, std::int64_t t, ProcId only = kNoProc);

// "12.3 s", "4.07 s", "850 ms", "2.5 ms", "42 µs" (U+00B5, in the
// window's font ranges): a time or duration in ns,
// in the one format every view uses (sentences, the caption, Stats, the step
// row, Compare rows, run labels), so two times on screen compare: two
// decimals from 1 s to 10 s, so runs a few ms apart read apart.
std::string formatSeconds(std::int64_t ns);
// The same as formatSeconds (kept for the callers that time a measure).
std::string formatDuration(std::int64_t ns);
// An instant: ns since the run's zero, always in seconds as the time axis
// labels it ("time in s"), never in ms: "since 22 ms" read as a duration to a
// newcomer (classroom walk), "since 0.022 s" reads as a time on the axis.
// From 1 s as formatSeconds ("3.02 s"); below, two significant digits and at
// least two decimals ("0.70 s", "0.042 s", "0.0050 s", "0.000050 s").
std::string formatInstant(std::int64_t ns);
// A fraction as a percentage, whole ("87%"), but never rounded onto 100% or
// 0% when it is not: 0.995 -> "99.5%", 0.9996 -> "99.96%", 0.004 -> "0.4%",
// so "speedup 1.99x" does not stand beside "efficiency 100%" (classroom walk).
// `space` puts a space before the sign ("87 %"), as the Plots write it.
std::string formatPercent(double fraction, bool space = false);
// ns in the unit and precision formatSeconds gives ref (a column's or a
// view's largest time), or ns's own when ns is larger: one unit per column
// and per view ("0.59 s" beside "4.07 s", never "586 ms").
std::string formatSecondsLike(std::int64_t ns, std::int64_t ref);
// One line, one unit. A duration in a line that also names an instant (a
// time on the axis, formatInstant): in seconds, as the instant is ("makespan
// 0.12 s (tasks ran 0.023 s to 0.14 s)", never "makespan 121 ms (tasks ran
// 0.023 s to 0.14 s)": newcomer walk). The durations of a line without an
// instant share the unit of the line's largest (formatSecondsLike).
std::string formatDurationAmongInstants(std::int64_t ns);
// A time scale as every view writes it: "0.50x", "1.00x", "0.02x" (the
// toolbar's slider, Session's work cell, Compare's rows, Predict's sentence,
// Why's note): Why said "scaled by 0.5" beside the toolbar's "0.50x".
std::string formatTimeScale(double scale);
// A job's length as a question writes it, in seconds with up to three
// significant digits and no trailing zeros: "1", "0.4", "0.125", "250" (never
// "1e+03"); the caller adds " s".
std::string formatPlainSeconds(double seconds);

} // namespace parviz
