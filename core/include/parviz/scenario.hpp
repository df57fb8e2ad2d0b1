#pragma once
// Scenarios: what a run re-enacts. Built-ins live in assets/scenarios/*.json;
// users write their own in the same format (README documents every field).
// Loading validates everything and throws ScenarioError naming the file, the
// field and the reason (the CLI turns it into exit code 2).
#include "parviz/work.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

// Each kind is one program object (core/src/scenario_program.hpp, one file
// per kind in core/src/kinds/): its fields, worker count, run body and listing.
// The kinds are listed once, in scenario_kinds.def.
enum class ScenarioKind : std::uint8_t {
#define PARVIZ_SCENARIO_KIND(value, program) value,
#include "parviz/scenario_kinds.def"
#undef PARVIZ_SCENARIO_KIND
};
const char* toString(ScenarioKind k) noexcept;   // "cpu-count", "job-queue", ...: the file's "kind"
// Whether --workers (RunOptions::workers) may replace the kind's worker count
// (pool size or process count); Run refuses it for the other kinds.
bool workersOverridable(ScenarioKind k) noexcept;

// What code outside the kinds may know of a kind: properties its program
// states (core/src/kinds/, listed in scenario_kinds.def), so that the window,
// the command line, sweeps and Compare ask the kind instead of switching on it.
struct KindInfo {
    const char* name = "";           // toString(k)
    bool workersOverridable = false; // --workers may replace its worker count
    bool hasWork = false;            // its processes work (sleep or CPU): --work applies
    bool pooled = false;             // its tasks go through a Pool: pool sizes can be swept and compared,
                                     // --chunksize applies, the pool makespan predictor models it
    bool taskTable = false;          // it works through the scenario's `tasks` (the window's task editor)
    bool makesQueue = false;         // a run of it makes a Queue (the window's layout before a trace exists)
    bool makesLock = false;          // a run of it makes a Lock
    bool joinsProcesses = false;     // its main program join()s its processes (a wait on MainProcess's lane)
};
KindInfo kindInfo(ScenarioKind k) noexcept;

// How the pool kind's main program hands its tasks to the Pool (the scenario's
// "method", `parviz run --method`, the window's toolbar), with CPython's
// semantics for when the caller receives the results (REFERENCE.md):
//   map, starmap     every result at once, in input order, when the last task is done
//   imap             in input order, each as soon as it and every earlier one are done
//   imap_unordered   in the order the tasks finish
//   apply_async      one call per task (no chunks: chunksize does not apply); the
//                    caller then get()s the results in input order, each as it is done
enum class PoolMethod : std::uint8_t { Map, Imap, ImapUnordered, Starmap, ApplyAsync };
inline constexpr PoolMethod kPoolMethods[] = {PoolMethod::Map, PoolMethod::Imap, PoolMethod::ImapUnordered,
                                              PoolMethod::Starmap, PoolMethod::ApplyAsync};
const char* toString(PoolMethod m) noexcept;   // "map", "imap", "imap_unordered", "starmap", "apply_async"
std::optional<PoolMethod> parsePoolMethod(std::string_view s) noexcept;   // nullopt: not one of them
inline constexpr const char* kPoolMethodNames = "map, imap, imap_unordered, starmap, apply_async";
// Whether the method cuts the tasks into chunks (every one but apply_async).
inline bool usesChunks(PoolMethod m) noexcept { return m != PoolMethod::ApplyAsync; }
// Why a chunksize is refused with apply_async: the scenario loader's reason
// for "chunksize" and the command line's for --chunksize (exit 2).
inline constexpr const char* kApplyAsyncNoChunksize =
    "apply_async hands the pool one task per call, so there are no chunks to size "
    "(chunksize applies to map, imap, imap_unordered and starmap)";

struct TaskSpec {
    std::string name;
    double seconds = 0;     // scenario seconds (before the time scale)
    WorkKind work = WorkKind::Sleep;
};

// Predict, then reveal: a question the window asks before a run (questions.hpp
// reads them and gives the run's answer; docs/scenario-format.md).
enum class QuestionKind : std::uint8_t {
    Makespan,      // "how long will it take?": seconds of the run (first task start to last end), a slider
    LastWorker,    // "which worker finishes last?": the worker whose task ends last, chosen among the workers
    FinishOrder,   // "in what order do the tasks finish?": task names by their end, one of `choices`
    QueueOrder,    // "in what order do the items come out?": the values taken from the first queue, one of `choices`
    FirstExit,     // "which process finishes first?": the worker that exits first, chosen among the workers
    Cores,         // "how many cores?": the cores the run could use, a slider
    LastTask,      // "which job finishes last?": the task that ends last, one of `choices` (task names)
};
struct Question {
    QuestionKind kind = QuestionKind::Makespan;
    std::string ask;                     // as the class reads it; "{workers}" and "{work}" are filled in
    std::vector<std::string> choices;    // finish_order, queue_order, last_task: 2 to 8 to choose from; others: none
};
inline constexpr std::size_t kMaxQuestions = 3;

struct Scenario;
// The names a run of `s` with `workers` processes gives them ("ForkPoolWorker-1",
// "Process-1", ...), in order; none for a kind without workers.
std::vector<std::string> workerNamesOf(const Scenario& s, int workers);
// What a learner reads for each of q's choices (the Predict tab's options):
// when the choices naming tasks are fewer than `s`'s tasks, a choice naming
// one says how long that task is ("L4 (1 s)",
// "s24 (0.1 s)": newcomer walk, the options read "L4 / s24", names
// only a reader of the file knows); any other choice as it is. Parallel to
// q.choices; the answer compares the choice itself, not its label. Lengths are
// the run's, at `timeScale` ("L4 (0.2 s)" at 0.20x), as the question says them
// (askText) and the timeline draws them.
std::vector<std::string> choiceLabels(const Question& q, const Scenario& s, double timeScale = 1.0);

struct Scenario {
    std::string name;            // "pool" or the file's stem
    std::string source;          // the file it came from
    ScenarioKind kind = ScenarioKind::Pool;
    std::string title;
    std::string description;     // one line for `parviz list`
    double timeScale = 1.0;
    // process
    std::vector<std::string> args;          // one process per entry; "" = no argument (target default)
    std::string defaultArg = "Asia";
    // queue
    std::vector<std::string> items;
    // lock
    int processes = 4;                      // lock and job-queue
    int rounds = 3;
    double holdSeconds = 0.2;
    // job-queue and pool
    int poolSize = 2;
    // > 0: the file asked for "<N>x_cores" (pool-cpu); poolSize was resolved at
    // load time to N x usable cores and scenarioToJson writes the string back.
    int poolSizePerCore = 0;
    std::optional<std::size_t> chunksize;   // nullopt = CPython's default
    PoolMethod method = PoolMethod::Map;    // pool: how the tasks go to the Pool ("method")
    std::vector<TaskSpec> tasks;
    double jobSeconds = 0.5;                // job-queue: work per task when tasks are generated
    // the code panel: a Python-style listing with per-line anchors
    // anchor: "", an event kind name ("QueuePut", "State:Sleeping"), or the kinds the line emits in
    // order, comma-separated ("QueueGet,Print": print(queue.get()))
    struct CodeLine { std::string text; std::string anchor; };
    std::vector<CodeLine> code;
    std::vector<Question> questions;        // "questions": asked before a run, answered after it

    // The worker processes a run starts: the pool size, the process count or
    // the number of args; 0 for a kind that starts none (queue, cpu-count).
    // The run's TraceMeta::workers is this, or the --workers override.
    int workers() const noexcept;
};

struct ScenarioError : std::runtime_error {
    using std::runtime_error::runtime_error;   // message: "<file>: <field>: <reason>"
};

// What is wrong with a scenario's task list, as "tasks: ..." or "tasks[3].name: ..."
// (empty: nothing): for a kind with a task table, at least one task and every
// name its own (the views, the questions and the chunk labels tell tasks apart
// by name). The loader refuses the same; Run and the window's task editor use
// this for a Scenario built in code.
std::string taskListProblem(const Scenario& s);
Scenario loadScenarioFile(const std::string& path);                       // throws ScenarioError
Scenario parseScenario(const std::string& jsonText, const std::string& sourceName);  // throws ScenarioError
std::string scenarioToJson(const Scenario& s);                            // round-trips through parseScenario
// Built-ins: NAME -> assets/scenarios/NAME.json (searched in PARVIZ_ASSETS_DIR,
// then next to the executable's ../share/parviz/assets).
std::vector<std::string> builtinScenarioNames();
Scenario loadScenario(const std::string& nameOrPath);                     // built-in name or file path

// Limits, enforced by the loader and the command line.
inline constexpr int kMaxWorkers = 1024;   // the one worker limit: files, --workers, sweeps, the window
inline constexpr std::size_t kMaxTasks = 1'000'000;
inline constexpr double kMaxTaskSeconds = 3600;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr double kMinTimeScale = 0.001, kMaxTimeScale = 100;

} // namespace parviz
