// Scenario kinds (one program object per kind, core/src/scenario_program.hpp):
// each kind's name, fields, worker count and limit, seen through the public
// API, and a real run of every kind agreeing with Scenario::workers().
#include "parviz/listing.hpp"
#include "parviz/run.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace parviz;

namespace {

// The smallest file of each kind: whatever it must have, nothing else.
std::string minimalFile(ScenarioKind k) {
    const std::string kind = std::string("\"kind\": \"") + toString(k) + "\"";
    if (k == ScenarioKind::Pool) return "{" + kind + ", \"task_count\": 2, \"task_seconds\": 0.01}";
    if (k == ScenarioKind::JobQueue) return "{" + kind + ", \"processes\": 2, \"task_count\": 2, \"task_seconds\": 0.01}";
    if (k == ScenarioKind::Lock) return "{" + kind + ", \"processes\": 2, \"rounds\": 1, \"hold_seconds\": 0.01}";
    return "{" + kind + "}";
}

constexpr ScenarioKind kAllKinds[] = {ScenarioKind::CpuCount, ScenarioKind::Process, ScenarioKind::Queue,
                                      ScenarioKind::Lock,     ScenarioKind::JobQueue, ScenarioKind::Pool};

} // namespace

TEST_CASE("every scenario kind is named by its program and a file of that name loads as that kind", "[scenario][kinds]") {
    for (ScenarioKind k : kAllKinds) {
        INFO(toString(k));
        const Scenario s = parseScenario(minimalFile(k), "k.json");
        CHECK(s.kind == k);
        CHECK(std::string(toString(k)) != "?");
        // Its listing is generated from its parameters: never empty, a file's or not.
        CHECK(generateListing(s).size() >= 3);
        // And the file it writes reads back as the same kind with the same workers.
        const Scenario back = parseScenario(scenarioToJson(s), "back.json");
        CHECK(back.kind == k);
        CHECK(back.workers() == s.workers());
    }
    CHECK_THROWS_WITH(parseScenario(R"({"kind": "barrier"})", "b.json"),
                      "b.json: kind: unknown kind \"barrier\" (allowed: cpu-count, process, queue, lock, job-queue, pool)");
}

TEST_CASE("the worker count a kind states is the one its run records", "[scenario][kinds][run]") {
    // Before: Scenario::workers() said 1 for queue and cpu-count while the
    // run's trace said 0 (they start no worker process).
    for (ScenarioKind k : kAllKinds) {
        INFO(toString(k));
        const Scenario s = parseScenario(minimalFile(k), "k.json");
        const int expected = k == ScenarioKind::Queue || k == ScenarioKind::CpuCount ? 0
                             : k == ScenarioKind::Process                            ? 4
                                                                                     : 2;
        CHECK(s.workers() == expected);
        RunOptions opts;
        opts.timeScale = 0.1;
        Run run(s, opts);
        run.start();
        REQUIRE(run.wait(60.0));
        CHECK(run.status() == RunStatus::Finished);
        CHECK(run.trace()->meta().workers == s.workers());
        // What the kind says of itself (KindInfo: the window's layout before a
        // trace, the task editor, sweeps and --chunksize ask it) is what its run did.
        const TraceMeta meta = run.trace()->meta();
        const KindInfo info = kindInfo(k);
        CHECK(std::string(info.name) == toString(k));
        CHECK(info.makesQueue == (meta.countOf(ObjectKind::Queue) > 0));
        CHECK(info.makesLock == (meta.countOf(ObjectKind::Lock) > 0));
        std::vector<std::string> workerNames;
        bool poolWorkers = false;
        for (const ProcInfo& p : meta.procs) {
            if (p.role == ProcRole::PoolWorker) poolWorkers = true;
            if (p.role == ProcRole::PoolWorker || p.role == ProcRole::Process) workerNames.push_back(p.name);
        }
        CHECK(info.pooled == poolWorkers);
        CHECK(workerNamesOf(s, s.workers()) == workerNames);
        RunModel model;
        model.update(*run.trace());
        // A task table: the run works through the file's tasks, one task each
        // (the lock kind's rounds are tasks too, but not a table of them).
        CHECK(info.taskTable == !s.tasks.empty());
        if (info.taskTable) CHECK(model.tasks().size() == s.tasks.size());
    }
}

TEST_CASE("one worker limit for every kind: files, a scenario built in code and --workers", "[scenario][kinds]") {
    const std::string limit = std::to_string(kMaxWorkers);
    SECTION("files") {
        CHECK_NOTHROW(parseScenario(R"({"kind": "pool", "pool_size": )" + limit + R"(, "task_count": 1})", "p.json"));
        CHECK_THROWS_WITH(parseScenario(R"({"kind": "pool", "pool_size": 1025, "task_count": 1})", "p.json"),
                          "p.json: pool_size: must be between 1 and " + limit + ", got 1025");
        CHECK_THROWS_WITH(parseScenario(R"({"kind": "lock", "processes": 1025})", "l.json"),
                          "l.json: processes: must be between 1 and " + limit + ", got 1025");
        std::string args = "[\"a\"";
        for (int i = 1; i <= kMaxWorkers; ++i) args += ", \"a\"";
        CHECK_THROWS_WITH(parseScenario(R"({"kind": "process", "args": )" + args + "]}", "a.json"),
                          "a.json: args: must hold 1 to " + limit + " entries (one process each), got 1025");
    }
    SECTION("a scenario built in code reaches Run with an absurd count") {
        Scenario pool = parseScenario(minimalFile(ScenarioKind::Pool), "p.json");
        pool.poolSize = kMaxWorkers + 1;
        CHECK_THROWS_WITH(Run(pool), "p.json: pool_size: 1025 is not between 1 and " + limit);
        Scenario proc = parseScenario(minimalFile(ScenarioKind::Process), "pr.json");
        proc.args.assign(static_cast<std::size_t>(kMaxWorkers) + 1, "x");
        CHECK_THROWS_WITH(Run(proc), "pr.json: args: 1025 is not between 1 and " + limit);
        Scenario job = parseScenario(minimalFile(ScenarioKind::JobQueue), "j.json");
        job.processes = 0;
        CHECK_THROWS_WITH(Run(job), "j.json: processes: 0 is not between 1 and " + limit);
    }
    SECTION("--workers: the same limit, and only where the kind has a count to override") {
        for (ScenarioKind k : kAllKinds) {
            INFO(toString(k));
            const Scenario s = parseScenario(minimalFile(k), "k.json");
            RunOptions over;
            over.workers = kMaxWorkers + 1;
            CHECK_THROWS_WITH(Run(s, over), "k.json: workers: 1025 is not between 1 and " + limit);
            over.workers = 3;
            const bool overridable = k == ScenarioKind::Pool || k == ScenarioKind::JobQueue || k == ScenarioKind::Lock;
            CHECK(workersOverridable(k) == overridable);
            if (overridable) CHECK_NOTHROW(Run(s, over));
            else
                CHECK_THROWS_WITH(Run(s, over), "k.json: workers: the " + std::string(toString(k)) +
                                                    " scenario has no pool size or process count to override");
        }
    }
}
