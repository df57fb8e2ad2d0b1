#pragma once
// The Compare view's model: several runs of one scenario (different pool
// sizes, work kinds) as rows on one time axis, and the speedup and
// efficiency plots beside them. Everything here is built from the runs'
// models and the scenario, without a window, and unit-tested; the window's
// draw code only maps these numbers to pixels.
//
// Rows: one per run, sorted by work kind (sleep, cpu, mixed) then worker
// count, each labelled "4 workers · cpu · 1.53 s" with its predicted
// makespan (predict.hpp) and its busy note (machine_load.hpp). The shared
// axis runs from 0 to the longest makespan or prediction, each row measured
// from its own first task's start (where its makespan starts: pool start-up
// is left out), so a shorter run is visibly shorter and each row's last task
// ends at its makespan.
//
// Plots: the runs grouped into a SweepResult (runs of one configuration are
// its repeats), from which deriveSweep gives speedup over the 1-worker run,
// efficiency and the Amdahl fit exactly as `parviz sweep` does. Speedup
// against workers: measured points (median, with min–max whiskers), the
// ideal line S = N, a mark at the usable cores, the predicted curve, and the
// Amdahl curve 1/(s + (1 − s)/N) where there is a fit. Efficiency against
// workers: the same points divided by N. The x axis is log2 (1, 2, 4, 8 …
// equally spaced); speedup's y axis is log2 too (log-log, as scaling
// studies draw speedup: the ideal S = N is a straight diagonal), and
// efficiency's linear from 0 (its ideal a horizontal line at 1). The
// predicted line has a point at each worker count that was run, only.
#include "parviz/machine_load.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/sweep.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parviz {

// One run as the Compare view sees it.
struct CompareRun {
    int id = 0;                             // the caller's handle (the window's run number)
    std::string scenario;
    int workers = 0;
    std::optional<WorkKind> work;           // nullopt: mixed (the scenario's own mix)
    std::optional<std::size_t> chunksize;   // as the scenario asked (nullopt: CPython's default)
    std::size_t chunksizeUsed = 0;          // what the pool used (plannedSweepRow); 0 without a pool scenario
    bool finished = false;                  // the run ended and its makespan is final
    std::int64_t originNs = 0;              // absolute ns its row starts at: the first task's start
                                            // (where the makespan starts), else the trace's zero
    double makespanS = 0;                   // real seconds (after the time scale), pauses excluded
    double sequentialS = 0;                 // the completed tasks' nominal seconds, real
    std::optional<double> predictedS;       // real seconds; nullopt without a pool scenario
    BusyVerdict machine;
    // A sweep's retries (the window's Sweep, as `parviz sweep --retries`):
    // this run is attempt `attempt` (1-based) of its configuration, kept; the
    // attempts run before or after it and discarded (flagged busy) are here
    // with their makespan and verdict, in run order. Empty: the only attempt.
    int attempt = 1;
    std::vector<SweepAttempt> discarded;
    // What makes its makespan comparable with another's beside the worker
    // count, the work and the chunksize (the sweep's dimensions): the
    // scenario, its tasks' names and lengths, method and time scale
    // (compareSetupKey). buildCompareView plots one setup's runs.
    std::string setup;
    double timeScale = 1;
};

// CompareRun::setup of a run of `ran` (nullptr: its trace's scenario name
// alone) recorded with meta.
std::string compareSetupKey(const Scenario* ran, const TraceMeta& meta);

// What the Compare view needs of a run: its model and trace, and its
// scenario when it is known (nullptr: a saved run whose scenario is not
// here; no prediction then). Stats come from computeStats of the model.
CompareRun compareRunOf(int id, const RunModel& model, const Trace& trace, const Scenario* scenario);

struct CompareRow {
    int id = 0;
    std::string label;                      // "4 workers · cpu · 1.53 s"
    // "run 21": the run's number as the Session tab (#), the run picker and
    // Plots' note ("Not in the plots …: runs 21, 22") name it.
    std::string run;
    double timeScale = 1;                   // its run's (a guess's verdict judges in its seconds)
    int workers = 0;
    std::optional<WorkKind> work;
    bool finished = false;
    std::int64_t originNs = 0;              // as CompareRun::originNs
    double makespanS = 0;
    std::optional<double> predictedS;
    std::optional<bool> busy;               // nullopt: unknown
    bool busyWarn = false;                  // busy and its workers need the cores (busyMatters): the warning colour;
                                            // a busy sleep run's note is muted
    std::string busyNote;                   // "" when not busy; else describeBusy's words
    std::string busyShort;                  // "machine busy: others took 34 %" / "busy: unknown" / ""
    // cpu (or mixed) work on more workers than usable cores:
    // "oversubscribed: 4 workers on 2 cores"; "" otherwise.
    std::string oversubscribed;
    // Retried because the machine was busy: "kept attempt 2 of 3 (discarded runs 5, 6: others took 34 %, 41 %)"; "" otherwise.
    std::string attempts;
    int attemptCount = 1;                   // attempts run of this configuration, the kept one included
    // What the class predicted for this configuration (ClassPredictions), real
    // seconds, and how it compares once the run has ended ("you predicted
    // 3.00 s: off by 2.74 s (...)", questions.hpp's verdict); "" before.
    std::optional<double> guessS;
    std::string guessText;
};

struct PlotAxis {
    double min = 0, max = 1;                // data units (workers; speedup)
    bool log2 = false;
    std::vector<std::pair<double, std::string>> ticks;   // value, label
    std::string label;
};

struct PlotPoint {
    double x = 0, y = 0, yMin = 0, yMax = 0;   // data units; whiskers from the repeats
    std::optional<bool> busy;
    int runs = 0;                              // runs behind the point
    bool baseBusy = false;                     // busy only because its 1-worker run (the speedup's T(1)) was
};

using PlotLine = std::vector<std::pair<double, double>>;   // (x, y) in data units, in x order

struct PlotSeries {
    std::optional<WorkKind> work;           // the colour and the legend ("sleep", "cpu", "mixed")
    std::vector<PlotPoint> measured;
    PlotLine predicted;                     // at the measured points' worker counts; empty without a prediction
    PlotLine amdahl;                        // empty without a fit
    std::optional<double> serialFraction;   // the fit's s
    int fitPoints = 0;                      // the points the fit rests on
};

struct Plot {
    std::string title;
    PlotAxis x, y;
    PlotLine ideal;                         // speedup: S = N; efficiency: 1
    std::string predictedName = "predicted";   // the predicted line's legend entry
    std::optional<double> coresX;           // the usable cores, when inside the x range
    std::vector<PlotSeries> series;
    std::vector<std::string> notes;         // plain words: "cpu: no curve of how much of the work stays serial: ..."
    std::vector<std::string> noteTips;      // each note's standard terms (Amdahl's law), "" for none; as long as notes
};

// Where a data value falls along an axis, 0 (min) .. 1 (max); log2 axes by log2.
double axisFraction(const PlotAxis& a, double v) noexcept;

// What the class predicted before the runs (LESSON.md step 2): the
// makespan of some configurations ("with 4 workers, how long?", entered or
// dragged before the sweep) and, per work kind, how many workers will be
// enough. The Compare view shows each beside the measured answer.
struct MakespanGuess {
    int workers = 1;
    std::optional<WorkKind> work;           // nullopt: mixed
    double seconds = 0;                     // real seconds, first task's start to the last task's end
};
struct EnoughGuess {
    WorkKind work = WorkKind::Sleep;
    int workers = 1;                        // "this many workers will be enough"
};
struct ClassPredictions {
    std::vector<MakespanGuess> makespans;
    std::vector<EnoughGuess> enough;
    bool empty() const noexcept { return makespans.empty() && enough.empty(); }
};

// One prediction beside its answer, in words, for the Plots panel: full
// ("You predicted 4 workers · sleep: 3.00 s. It took 0.26 s: off by 2.74 s
// (1054 % too long).") and brief for a small panel ("Pool(4) sleep: you
// 3.00 s, took 0.26 s"). `right`: the prediction was right (within 10 % for
// a makespan).
struct GuessLine {
    std::string full, brief;
    bool answered = false;                  // the run (or sweep) it waits for has ended
    bool right = false;
    // An "enough" guess with its answer there: the work kind and a tail to
    // go after that answer's brief form, so a small panel says both in one
    // line ("sleep: 8 workers were fastest (7.97x); you said 8 (right)").
    std::optional<WorkKind> enoughFor;
    std::string tail;
    bool makespan = false;                  // a prediction of one run's makespan (its Compare row shows it too)
};

struct CompareView {
    std::vector<CompareRow> rows;           // by work kind, then workers, then id
    double axisEndS = 1;                    // the shared time axis: 0 .. this (real seconds)
    SweepResult sweep;                      // the finished runs as a sweep: CSV, numbers
    Plot speedup, efficiency;
    std::vector<SweepAnswer> answers;       // sweepAnswers(sweep): "how many workers?" in words
    std::vector<GuessLine> guesses;         // the class's predictions beside the answers, in the order given
    // Pinned finished runs of another setup than the plotted one (the setup
    // of the most runs, the newest's on a tie): rows of their own, labelled
    // with what differs, but not in the plots, the sweep or the answers — a
    // pool-uneven run among pool-sizes' bent the speedup curve (newcomer
    // walk, session 19). Their run ids; speedup.notes says which and why.
    std::vector<int> leftOut;
};

// predict(workers, work): the predicted makespan in real seconds for a
// configuration whose run carries none (the predicted line has a point at
// each worker count that was run, and none between); may be empty. usableCores >= 1. guesses: the
// class's predictions; each makespan guess goes to the rows of its
// configuration (and stretches the axis so its mark is in view).
// sweepComplete: false while a Sweep still has runs to do (or attempts to
// retry): no prediction gets its verdict then — a later run can still
// change the answer ("4 are enough" mid-sweep is not the sweep's answer),
// each says "(the answer when the sweep ends)". stillToRun: the work kinds
// the sweep has runs of still to come (the one running included; empty with
// !sweepComplete: every kind): their answers say "so far" (newcomer walk:
// "sleep: 4 workers were fastest (3.97x)" while the 8-worker sleep run went
// on, then "8 workers were fastest").
CompareView buildCompareView(const std::vector<CompareRun>& runs, int usableCores, int totalCores,
                             const std::function<std::optional<double>(int, std::optional<WorkKind>)>& predict = {},
                             const ClassPredictions& guesses = {}, bool sweepComplete = true,
                             const std::vector<WorkKind>& stillToRun = {});

// A run's speedup as the Plots draw it: its point's, the 1-worker
// configuration of its work and chunksize over its own (T1 / Tp, medians of
// their kept runs: with repeats, the point's, not this run's alone). nullopt
// when runId is not a kept, plotted run of v (a discarded attempt, another
// setup's run, one still running) or its configuration has no 1-worker run.
// The window's caption says it in Compare, so one speedup is on screen, not
// two (newcomer walk, session 29: "speedup over sequential 1.83x" above a
// Plots point at 2.2).
std::optional<double> plottedSpeedupOf(const CompareView& v, int runId);

// [SECTION] The Session table's speedup --------------------------------------
// What a run did, in words that tell apart runs whose makespans compare: the
// scenario, its work (each task's, after the toolbar's), its tasks (names and
// lengths: "16 equal" jobs differ from the scenario's own), chunksize, method
// and time scale. Not the worker count: that is what the comparison varies.
std::string runSetupKey(const Scenario& ran, const TraceMeta& meta);

// One finished run of a session, for sessionSpeedups.
struct SessionRunTime {
    std::string setup;      // runSetupKey
    int workers = 0;
    double makespanS = 0;   // 0: no makespan (no task ran)
};
// A run's speedup over 1 worker: the makespan of the session's first 1-worker
// run of the same setup over this run's (both measured, T1 / Tp), the same
// speedup the Plots draw; base: that run's index in the session. The 1-worker
// run itself is 1.00x against itself. nullopt where the session has no
// 1-worker run of that setup: no number, rather than one over another
// scenario's, work's or the nominal sequential time (newcomer walk: a
// 1-worker run read "0.87x" in Session, its cpu work's wall time against
// the tasks' nominal seconds).
struct SpeedupOverOne {
    double speedup = 0;
    std::size_t base = 0;
};
std::vector<std::optional<SpeedupOverOne>> sessionSpeedups(const std::vector<SessionRunTime>& runs);

} // namespace parviz
