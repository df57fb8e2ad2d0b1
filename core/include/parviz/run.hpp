#pragma once
// Run: one execution of a scenario with real processes, driven by the command
// line now and the window later. start() returns at once; the scenario's
// "main program" (what the tutorial's __main__ does: putting jobs, starting
// and joining processes, Pool.map) runs on a controller thread in the parent,
// which appears in the trace as MainProcess.
#include "parviz/recorder.hpp"
#include "parviz/scenario.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

struct KillOrder {
    std::string worker;     // "ForkPoolWorker-1", "Process-2"
    double atSeconds = 0;   // scenario seconds into the run (before the time scale, pauses excluded)
};

struct RunOptions {
    std::optional<int> workers;          // overrides pool size / process count
    std::optional<WorkKind> work;        // overrides every task's work
    std::optional<double> timeScale;     // overrides the scenario's
    std::vector<KillOrder> kills;
    CorePref cores = CorePref::Auto;
};

enum class RunStatus : std::uint8_t { NotStarted, Running, Paused, Finished, Failed, Stopped };
const char* toString(RunStatus s) noexcept;

class Run {
public:
    Run(Scenario scenario, RunOptions opts = {});   // validates options (throws ScenarioError)
    ~Run();                                          // stops and reaps everything still running
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    void start();
    void pause();           // SIGSTOP every live worker; the run clock stops
    void resume();
    // Kills every worker, ends the run (status Stopped). The trace records the
    // stop first (RunStop, with `bySignal`: the SIGINT/SIGTERM/SIGHUP that made
    // the caller stop, 0 for a Stop button), so the tasks it ends are reported
    // as stopped by the user, not as failures (run_model.hpp).
    void stop(int bySignal = 0);
    bool killWorker(const std::string& name);   // SIGKILL; false if no such live worker
    bool wait(std::optional<double> timeoutSeconds = std::nullopt);   // true when finished

    RunStatus status() const noexcept;
    std::shared_ptr<Trace> trace() const;       // readable while the run goes on
    const Scenario& scenario() const noexcept;
    // Failures the trace cannot show (the run itself broke: an exception), one
    // line each. Everything the trace shows — a task that failed, a process
    // that exited non-zero, lost events — comes from describeFailures() of the
    // run model (run_model.hpp); status() is Failed when either list is non-empty.
    std::vector<std::string> failures() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace parviz
