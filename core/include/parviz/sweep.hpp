#pragma once
// Sweeps: one pool scenario run for real over several pool sizes, work kinds
// and chunksizes, one run after another (each has the machine to itself), and
// the table that compares them: measured against predicted makespan, speedup
// over the 1-worker run and over the sequential sum, efficiency, the Amdahl
// fit, and other processes' share of the cores with the busy flag.
//
// Used by `parviz sweep` (docs/sweep-json.md for the JSON, docs/sweep-model.md
// for the model). The derived numbers are a pure function of the attempts
// (deriveSweep), so they are tested without running anything.
#include "parviz/machine_load.hpp"
#include "parviz/predict.hpp"
#include "parviz/recorder.hpp"
#include "parviz/scenario.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace parviz {

struct SweepPlan {
    std::vector<int> workers = {1, 2, 4, 8};               // each 1..kMaxWorkers, no duplicates
    std::vector<WorkKind> works = {WorkKind::Sleep, WorkKind::Cpu};
    std::vector<std::optional<std::size_t>> chunksizes = {std::nullopt};   // nullopt: CPython's default
    int repeat = 1;                                        // runs kept per configuration, 1..kMaxSweepRepeat
    int retries = 2;                                       // extra attempts of a busy run, 0..kMaxSweepRetries
    std::optional<double> timeScale;                       // overrides the scenario's
    CorePref cores = CorePref::Auto;
    std::string saveRunsDir;                               // "" = do not save the runs
};

inline constexpr int kMaxSweepRepeat = 100;
inline constexpr int kMaxSweepRetries = 10;

// One real run of one configuration.
struct SweepAttempt {
    int repeat = 1;                 // 1-based
    int attempt = 1;                // 1-based, within its repeat
    double makespanS = 0;           // real seconds
    double sequentialS = 0;         // the tasks' nominal durations, real seconds
    BusyVerdict machine;
    bool kept = false;              // its makespan is one of the row's
    std::string savedAs;            // the saved run's path, "" when not saved
    int run = 0;                    // its number in the window's session ("run 5"), 0 when it has none
};

// One configuration: workers x work x chunksize.
struct SweepRow {
    int workers = 1;
    WorkKind work = WorkKind::Sleep;
    std::optional<std::size_t> chunksize;   // as asked (nullopt: CPython's default)
    std::size_t chunksizeUsed = 0;          // the chunksize the pool really used
    std::vector<SweepAttempt> attempts;     // in run order
    // Derived (deriveSweep): over the kept attempts.
    double makespanS = 0, makespanMinS = 0, makespanMaxS = 0;   // median, min, max
    double predictedS = 0;                  // predictPoolMakespan x time scale
    double sequentialS = 0;
    std::optional<double> speedupVs1;       // the 1-worker row's median / this median
    double speedupVsSequential = 0;         // sequential / median
    std::optional<double> efficiency;       // speedupVs1 / workers
    std::optional<double> otherShare;       // the largest among the kept attempts'
    std::optional<bool> busy;               // true if a kept attempt is busy; null if one is unknown
};

struct SweepFit {
    WorkKind work = WorkKind::Cpu;
    std::optional<std::size_t> chunksize;
    AmdahlFit fit;             // over the points not flagged busy
    int busyLeftOut = 0;       // points within the cores left out because they (or the 1-worker run) were busy
};

struct SweepResult {
    std::string scenario, title;
    std::size_t tasks = 0;
    double timeScale = 1;
    int usableCores = 1, totalCores = 1;
    int repeat = 1, retries = 2;
    std::vector<SweepRow> rows;        // work, then chunksize, then workers, in the plan's order
    std::vector<SweepFit> fits;        // one per cpu (work, chunksize)
    double wallS = 0;                  // the whole sweep, real seconds
};

struct SweepError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws ScenarioError (exit 2) when the scenario is not a pool or the plan
// is out of its limits (the message names the field).
void validateSweep(const Scenario& s, const SweepPlan& plan);

// One configuration's row before it runs: workers, work, chunksize as asked,
// the chunksize the pool will use (CPython's default for the scenario's
// method when `chunksize` is nullopt: predictPoolMakespan) and the predicted
// makespan in real seconds (x timeScale). `parviz sweep` plans its rows with
// it and the window's Compare view (compareRunOf) takes its chunksize_used
// from it, so their CSVs cannot disagree.
SweepRow plannedSweepRow(const Scenario& s, int workers, WorkKind work, std::optional<std::size_t> chunksize,
                         int usableCores, double timeScale);

// What the progress callback is told: before each attempt (done = false) and
// after it (done = true, with its verdict).
struct SweepProgress {
    int index = 0, total = 0;   // 1-based configuration number, configurations in all
    const SweepRow* row = nullptr;
    int repeat = 1, attempt = 1;
    bool done = false;
    const SweepAttempt* result = nullptr;   // when done
};

// Runs every configuration for real, one after another. Each repeat is tried
// up to 1 + retries times while the machine is busy (judgeMachineLoad): the
// first attempt that is not flagged busy is kept, else the least busy one.
// Throws SweepError when a run fails (a task raised, a worker died) or a run
// cannot be saved; ScenarioError for a bad scenario or plan.
SweepResult runSweep(const Scenario& s, const SweepPlan& plan,
                     const std::function<void(const SweepProgress&)>& progress = {});

// Which of one configuration's attempts (in run order) to keep: the first
// not flagged busy, else the least busy (an unknown share counts as not
// busy: nothing says it was). The same rule for `parviz sweep --retries` and
// the window's Sweep. 0 for an empty list.
std::size_t keptAttempt(const std::vector<BusyVerdict>& attempts);

// Fills every row's derived fields and the fits from the rows' attempts and
// predictions. Pure; runSweep calls it.
void deriveSweep(SweepResult& r);

// ---- reports (sweep_report.cpp) -------------------------------------------------
// The terminal tables: one per work kind, then the fits and the busy notes.
std::string formatSweep(const SweepResult& r);
// The --json document, schema "parviz-sweep/1" (docs/sweep-json.md).
std::string sweepToJson(const SweepResult& r);
// The --csv file: a header line, then one line per row.
std::string sweepToCsv(const SweepResult& r);
// "auto" or the number.
std::string chunksizeLabel(std::optional<std::size_t> c);
// The answer to "how many workers?", one sentence per work kind (and
// chunksize) with a 1-worker row and another: the fewest workers within 10 %
// of the best median speedup, that speedup and its efficiency, and why more
// did not help or still did — for cpu work, more workers than the usable
// cores only take turns on them; sleeping workers need no core. Says when
// the best is the largest count tried. Cpu work with a run flagged busy gets
// no answer but the reason ("cpu: no answer: other programs took up to 37 %
// of the cores during 1 of the 4 runs, …; sweep cpu again when they are
// closed"): its speedups measure the machine;
// sleep work keeps its answer and says the busy machine does not change it.
// E.g. "cpu: 2 workers are enough: 1.96x faster than 1 worker (efficiency
// 98 %); more than the 2 usable cores only take turns on them (8 workers:
// 1.90x)." Empty when no work kind has two such rows. `brief` is the same
// answer in a few words for a small panel ("cpu: 2 workers are enough
// (1.96x)", "cpu: no answer: other programs took 37 %; close them, Sweep cpu
// again": what to do, naming Compare's button, in the words the window shows).
struct SweepAnswer {
    std::string full, brief;
    WorkKind work = WorkKind::Sleep;        // whose answer this is
    std::optional<std::size_t> chunksize;
    int workers = 0;                        // the fewest workers within 10 % of the best; 0: no answer (busy cpu, or withheld)
    // Cpu runs of the answer too short to judge whether other programs took
    // the cores (busy unknown): the answer says so ("but 3 of the 4 runs were
    // too short to tell whether other programs used the cores (needs 1 s of
    // samples; …), so this may measure the machine, not the pool."; brief:
    // "…; runs too short to tell if fair", two lines in presentation's Plots). 0: all judged.
    // A cpu answer with unjudged runs is withheld (workers 0, withheld true):
    // "cpu: cannot tell yet: 3 of the 4 runs were too short to tell …; run at
    // --time-scale 1 (or with more work) and sweep cpu again." — a number from
    // runs that may have shared the cores taught "2 workers are enough
    // (1.11x)" on a loaded machine (newcomer walk, session 22). Short cpu
    // runs are judged by their workers' core time first (judgeFromWorkers):
    // only runs without core data stay unjudged.
    int unjudgedRuns = 0;
    bool withheld = false;
    // No answer because other programs took the cores: the largest share
    // they took in a run of it (0..1; 0 otherwise). Its words name who took
    // them, as the measurement saw (describeOthers): "other programs took
    // 25 % (firefox 20 %); close them, Sweep cpu again"; when only the VM's
    // host took them, or nobody still open can be named, there is nothing
    // to close and the words say so (session 24).
    double busyShare = 0;
};
std::vector<SweepAnswer> sweepAnswers(const SweepResult& r);

} // namespace parviz
