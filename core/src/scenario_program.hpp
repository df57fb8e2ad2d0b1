#pragma once
// Scenario programs: one object per scenario kind, listed in one table
// (parviz/scenario_kinds.def, expanded by kinds/table.cpp). Each knows everything about its kind:
//   - its fields and their validation (read) and how they are written back (write),
//   - its worker count, which field holds it and whether --workers overrides it
//     (one limit for all: kMaxWorkers, checked by Run and the loader),
//   - the worker names a run can have (kill orders are checked against them),
//   - its run body: the tutorial's __main__, on Run's controller thread,
//   - its Python-style listing, generated from its parameters (listing.hpp).
// Adding a kind: one file in kinds/ defining its program, one line in
// parviz/scenario_kinds.def (its ScenarioKind value and that program), and
// its section of docs/scenario-format.md. Nothing else switches on the kind: the rest of
// parviz asks its properties (KindInfo, scenario.hpp).
#include "listing_support.hpp"
#include "parviz/listing.hpp"
#include "parviz/scenario.hpp"
#include "scenario_fields.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

class Pool;
class Process;
class Recorder;

namespace detail {

// What a run body may ask of the Run that runs it (run.cpp's Run::Impl), on
// the controller thread (traced as MainProcess).
class RunContext {
public:
    virtual Recorder& recorder() = 0;                 // ProcessOptions/PoolOptions::recorder, the run clock
    virtual const Scenario& scenario() const = 0;
    virtual int workers() const = 0;                  // --workers, else the kind's own count
    virtual std::optional<WorkKind> workOverride() const = 0;   // --work
    WorkKind workOf(const TaskSpec& t) const { return workOverride().value_or(t.work); }
    // Stop, or the deadlock check ended the run: the body goes no further.
    virtual bool shouldStop() const = 0;
    // Starts them (each stopped at once if the run is paused meanwhile) and
    // joins them all; pause, stop and --kill-worker reach them meanwhile.
    virtual void runProcesses(std::vector<Process>& ps) = 0;
    // While it lives, pause, stop and --kill-worker reach the pool's workers; nullptr: it is gone.
    virtual void publishPool(Pool* pool) = 0;

protected:
    ~RunContext() = default;
};

// The worker names a run can ever have: prefix + 1..count ("" / 0: none).
// The last `replacements` of them are workers a pool starts in place of
// killed ones (one per kill order), so an error can say what they are.
struct WorkerNames {
    std::string prefix;
    int count = 0;
    int replacements = 0;
};

class ScenarioProgram {
public:
    virtual ~ScenarioProgram() = default;
    virtual ScenarioKind kind() const noexcept = 0;
    virtual const char* name() const noexcept = 0;   // the file's "kind": "job-queue"

    // ---- fields ------------------------------------------------------------
    // Its own fields, beyond kind, title, description, time_scale and code.
    virtual std::vector<std::string> fields() const = 0;
    // Reads and validates them into `s` (defaults for the missing ones);
    // throws ScenarioError naming file, field and reason.
    virtual void read(const Fields& f, Scenario& s) const = 0;
    // Writes them so that read() gives `s` back (scenarioToJson).
    virtual void write(const Scenario& s, json& j) const = 0;

    // ---- workers -------------------------------------------------------------
    // How many worker processes a run starts (0: none; the main program only).
    virtual int workers(const Scenario& s) const = 0;
    // The field that holds that count ("pool_size", "processes", "args"); nullptr: none.
    virtual const char* workersField() const noexcept { return nullptr; }
    // Whether --workers may replace it.
    virtual bool workersOverridable() const noexcept { return false; }
    // Whether its processes do work that --work may make sleep or CPU.
    virtual bool hasWork() const noexcept { return false; }
    // With `workers` processes (the override applied) and `kills` kill orders.
    virtual WorkerNames workerNames(const Scenario& s, int workers, std::size_t kills) const;
    // The tasks a run works through (what the Stats and the listing count).
    virtual std::vector<TaskSpec> tasks(const Scenario& s) const { return s.tasks; }
    // Whether the deadlock check watches it (a pool's helper threads are not parties).
    virtual bool deadlockChecked() const noexcept { return true; }

    // ---- what the rest of parviz may know of it (KindInfo, scenario.hpp) --------
    // Its tasks go through a Pool (sweeps, Compare, --chunksize, the predictor).
    virtual bool pooled() const noexcept { return false; }
    // It works through the scenario's `tasks` (the window's task editor edits them).
    virtual bool taskTable() const noexcept { return false; }
    // A run of it makes a Queue / a Lock (the window lays out before a trace exists).
    virtual bool makesQueue() const noexcept { return false; }
    virtual bool makesLock() const noexcept { return false; }
    // Its main program join()s its processes (RunContext::runProcesses):
    // MainProcess's lane shows each join as a wait ("waits to be woken").
    virtual bool joinsProcesses() const noexcept { return false; }

    // ---- run and listing -------------------------------------------------------
    // The tutorial's __main__: may throw (the run then fails with its message).
    virtual void run(RunContext& ctx) const = 0;
    virtual Lines listing(const Scenario& s, const ListingParams& p, const Style& st) const = 0;
};

// The table (kinds/table.cpp, from scenario_kinds.def), in ScenarioKind order.
std::span<const ScenarioProgram* const> scenarioPrograms() noexcept;
const ScenarioProgram& programFor(ScenarioKind k) noexcept;
const ScenarioProgram* programNamed(std::string_view name) noexcept;   // nullptr: no such kind
std::string kindNames();   // "cpu-count, process, ..." for error messages

// ---- shared by the run bodies (kinds/run_support.cpp) -------------------------
// A task travels to a worker as one byte string (runtime.hpp):
// "index \x1f name \x1f work \x1f seconds". Names are validated UTF-8 without
// control characters by the loader, so the separator cannot clash.
std::string encodeTask(std::size_t index, const TaskSpec& t);
struct DecodedTask {
    std::int32_t index = 0;
    std::string name;
    WorkKind work = WorkKind::Sleep;
    double seconds = 0;
};
DecodedTask decodeTask(std::string_view s);   // throws std::invalid_argument when malformed
std::string formatSeconds(double s);          // 5 -> "5", 0.5 -> "0.5", as Python's %s prints them
// A queue that holds all of `items` at once (the queue demos put everything first).
std::size_t queueCapacityFor(const std::vector<std::string>& items);

} // namespace detail
} // namespace parviz
