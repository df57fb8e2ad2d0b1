// Scenario kinds (one program object per kind, core/src/scenario_program.hpp):
// each kind's name, fields, worker count and limit, seen through the public
// API, and a real run of every kind agreeing with Scenario::workers().
#include "parviz/explain.hpp"
#include "parviz/listing.hpp"
#include "parviz/run.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/views.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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

TEST_CASE("the built-in demos' join() is on MainProcess's lane: a span per process, Why and the caption say it",
          "[scenario][kinds][run][join]") {
    // Before: MainProcess's lane was empty while it waited in proc.join() (the
    // engine wrote no ProcJoin; only a traced program's join had one). Every
    // demo whose listing joins its processes: process, lock, job-queue.
    for (const char* name : {"process", "lock", "job-queue"}) {
        INFO(name);
        Scenario s = loadScenario(name);
        RunOptions opts;
        opts.timeScale = 0.05;
        Run run(s, opts);
        run.start();
        REQUIRE(run.wait(60.0));
        REQUIRE(run.status() == RunStatus::Finished);
        const Trace& tr = *run.trace();
        RunModel m;
        m.update(tr);
        const TraceMeta meta = tr.meta();
        std::vector<std::string> workers;
        for (const ProcInfo& p : meta.procs)
            if (p.role == ProcRole::Process) workers.push_back(p.name);
        REQUIRE(m.joins().size() == workers.size());   // one join() per process, in start order
        for (std::size_t i = 0; i < m.joins().size(); ++i) {
            const JoinRecord& j = m.joins()[i];
            INFO(workers[i]);
            CHECK(j.proc == kParentProc);
            CHECK(meta.procs[j.joined].name == workers[i]);
            CHECK(tr.string(j.words) == "waiting for " + workers[i] + " to finish (join)");
            CHECK(j.t1 != kOpenEnd);
            CHECK(j.t1 >= j.t0);
            CHECK_FALSE(j.timedOut);
            CHECK_FALSE(j.endedByExit);
            // join() returns after the process ended, never before.
            CHECK(m.procs()[j.joined].exitT <= j.t1);
        }
        // The longest wait: the lane's span is labelled, Why and the caption name whom it waits for.
        const JoinRecord& longest = *std::max_element(m.joins().begin(), m.joins().end(),
            [](const JoinRecord& a, const JoinRecord& b) { return a.t1 - a.t0 < b.t1 - b.t0; });
        REQUIRE(longest.t1 > longest.t0);
        const std::int64_t mid = longest.t0 + (longest.t1 - longest.t0) / 2;
        const std::string joined = meta.procs[longest.joined].name;
        const SpanRow& row = m.procs()[kParentProc].program;
        bool labelled = false;
        for (std::size_t i = 0; i < row.size(); ++i)
            if (row[i].t0 <= mid && mid < row[i].t1)
                labelled = row[i].state == LaneState::WaitSync &&
                           tr.string(row[i].label) == "waiting for " + joined + " to finish (join)";
        CHECK(labelled);
        std::string why;
        for (const ProcExplanation& p : buildExplain(m, tr, mid).procs)
            if (p.name == "MainProcess") why = p.text;
        CHECK(why.rfind("MainProcess is waiting for " + joined + " to finish (join)", 0) == 0);
        // (Joins in a row at one instant are said as one step: "(the last of 2 such events ...)".)
        CHECK(buildCaption(m, tr, longest.t0).text.rfind("MainProcess waits in join() for " + joined + " to finish", 0) == 0);
    }
}

TEST_CASE("every caption of real runs fits its line by whole clauses: none ends mid-phrase",
          "[scenario][run][caption][fit]") {
    // The caption builder's words, through fitCaptionLine at the widths of a
    // 1280x720 presentation line (about 90 characters) and narrower: the line
    // is the whole, or the whole up to one of its clause boundaries; "…" only
    // when the main clause alone does not fit.
    for (const char* name : {"pool-uneven", "process", "queue", "lock", "job-queue"}) {
        INFO(name);
        Scenario s = loadScenario(name);
        RunOptions opts;
        opts.timeScale = 0.05;
        Run run(s, opts);
        run.start();
        REQUIRE(run.wait(60.0));
        const Trace& tr = *run.trace();
        RunModel m;
        m.update(tr);
        std::size_t shortened = 0;
        for (const TimedEventRef& r : m.captionEvents()) {
            const Caption c = buildCaption(m, tr, r.t);
            REQUIRE(c.valid);
            const std::vector<std::size_t> ends = captionClauseEnds(c.text);
            for (std::size_t room : {60u, 90u}) {
                const std::string line =
                    fitCaptionLine(r.t, c.t, c.text, [room](const std::string& x) { return x.size() <= room; });
                INFO(c.text << " in " << room);
                bool whole = false;
                for (std::size_t end : ends) whole = whole || line == captionLine(r.t, c.t, c.text.substr(0, end));
                if (whole) {
                    CHECK(line.size() <= room);
                    if (line != captionLine(r.t, c.t, c.text)) ++shortened;
                } else {
                    // Cut at a word only when its main clause alone is too long.
                    CHECK(captionLine(r.t, c.t, c.text.substr(0, ends.back())).size() > room);
                    CHECK(line.size() <= room);
                }
            }
        }
        if (std::string(name) == "pool-uneven") CHECK(shortened > 0);   // it has long captions to shorten
    }
}
