// Run statistics on synthetic traces whose answers are known by hand.
#include "parviz/stats.hpp"
#include "parviz/explain.hpp"

#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <memory>

using namespace parviz;
using parviz::test::kZero;
using parviz::test::sec;

TEST_CASE("the tutorial's Pool(2).map schedule has makespan 6 s, sequential 11 s and speedup 11/6", "[stats]") {
    auto tr = test::tutorialPoolTrace();
    RunStats s = computeStats(*tr);
    CHECK(s.finished);
    CHECK(s.hasMakespan);
    CHECK(s.makespanNs == sec(6));
    CHECK(s.sequentialNs == sec(11));
    CHECK(s.speedup == Approx(11.0 / 6.0));
    CHECK(s.workerCount == 2);
    CHECK(s.efficiency == Approx(11.0 / 12.0));
    CHECK(s.tasksStarted == 4);
    CHECK(s.tasksDone == 4);
    CHECK(s.tasksFailed == 0);
    CHECK(s.failures.empty());
    CHECK(s.runSpanNs == sec(6.2));

    REQUIRE(s.workers.size() == 2);
    const auto& w1 = s.workers[0];
    const auto& w2 = s.workers[1];
    CHECK(w1.name == "ForkPoolWorker-1");
    CHECK(w1.pid == 1001);
    CHECK(w1.tasksDone == 1);
    CHECK(w1.inTaskNs == sec(5));
    CHECK(w1.aliveNs == sec(6.1));
    CHECK(w1.idleNs == sec(1.1));
    CHECK(w1.onCpuNs == sec(1));
    CHECK(w1.exited);
    CHECK(w1.exitCode == 0);
    CHECK_FALSE(w1.killed);
    CHECK(w2.name == "ForkPoolWorker-2");
    CHECK(w2.tasksDone == 3);
    CHECK(w2.inTaskNs == sec(6));
    CHECK(w2.idleNs == sec(0.1));
    CHECK(w2.onCpuNs == sec(2));
}

TEST_CASE("core utilisation counts the workers' on-CPU time, and other processes get what CoreLoad shows beyond it", "[stats]") {
    auto tr = test::tutorialPoolTrace();
    RunStats s = computeStats(*tr);
    REQUIRE(s.cores.size() == 2);
    CHECK(s.cores[0].workersOnCpuNs == sec(1));
    CHECK(s.cores[0].utilisation == Approx(1.0 / 6.2));
    REQUIRE(s.cores[0].otherShare.has_value());
    // the window [0, 2 s] was 1.5 s busy, 1 s of it ForkPoolWorker-1
    CHECK(*s.cores[0].otherShare == Approx(0.25));
    CHECK(s.cores[1].utilisation == Approx(2.0 / 6.2));
    CHECK_FALSE(s.cores[1].otherShare.has_value());
    CHECK(s.coreSource == CoreSource::PerfSwitch);
}

TEST_CASE("paused time counts neither in the makespan nor in a task's time", "[stats]") {
    auto tr = test::tutorialPoolTrace({.pauseFrom = 1.0, .pauseTo = 2.0});
    RunStats s = computeStats(*tr);
    CHECK(s.makespanNs == sec(5));
    CHECK(s.pausedNs == sec(1));
    CHECK(s.workers[0].inTaskNs == sec(4));
    CHECK(unpausedNs(*tr, kZero, kZero + sec(3)) == Approx(static_cast<double>(sec(2))));
    CHECK(unpausedNs(*tr, kZero + sec(3), kZero + sec(4)) == Approx(static_cast<double>(sec(1))));
    CHECK(unpausedNs(*tr, kZero + sec(4), kZero + sec(3)) == 0);
    CHECK(s.speedup == Approx(11.0 / 5.0));
}

TEST_CASE("stats at a time cursor see only the prefix and count open tasks up to it", "[stats]") {
    auto tr = test::tutorialPoolTrace();
    RunStats s = computeStats(*tr, kZero + sec(2.5));
    CHECK_FALSE(s.finished);
    CHECK(s.tasksStarted == 3);     // A, B, C
    CHECK(s.tasksDone == 1);        // B
    CHECK(s.makespanNs == sec(2.5));
    CHECK(s.workers[0].inTaskNs == sec(2.5));
    CHECK(s.workers[1].inTaskNs == sec(2.5));
    CHECK(s.workers[1].tasksDone == 1);
    CHECK_FALSE(s.workers[0].exited);
    // parviz-summary/2: mid-run, sequential counts only the tasks finished by
    // the cursor (B, 2 s); the elapsed parts of A and C count nothing yet.
    CHECK(s.tasksRunning == 2);
    CHECK(s.sequentialNs == sec(2.0));
    CHECK(s.speedup == 2.0 / 2.5);
    CHECK(s.efficiency == 2.0 / 2.5 / 2);

    RunStats before = computeStats(*tr, kZero - 1);
    CHECK_FALSE(before.hasMakespan);
    CHECK(before.workers.empty());
    CHECK(before.speedup == 0);
}

TEST_CASE("numbers cut at a cursor say what they stand for: so far while live, at the cursor's time in a replay, nothing when whole",
          "[stats]") {
    auto tr = test::tutorialPoolTrace();
    const RunStats cut = computeStats(*tr, kZero + sec(3.2));
    CHECK(cutNote(cut, true, tr->zero()) == " so far");        // a live run, the cursor at its edge
    CHECK(cutNote(cut, false, tr->zero()) == " at 3.20 s");     // a finished run replayed at 3.2 s: not "so far"
    const RunStats whole = computeStats(*tr);
    REQUIRE(whole.finished);
    CHECK(cutNote(whole, false, tr->zero()).empty());
}

TEST_CASE("a killed pool worker fails its task once, is reported with its signal and its replacement", "[stats]") {
    auto tr = test::tutorialPoolTrace({.killWorker1At = 2.5});
    RunStats s = computeStats(*tr);
    REQUIRE(s.workers.size() == 3);
    const auto& w1 = s.workers[0];
    CHECK(w1.killed);
    CHECK(w1.exitCode == -9);
    CHECK(w1.killRequested);
    CHECK(w1.tasksFailed == 1);
    CHECK(w1.tasksDone == 0);
    CHECK(w1.inTaskNs == sec(2.5));
    CHECK(w1.replacedBy == "ForkPoolWorker-3");
    CHECK(s.tasksFailed == 1);      // the parent's TaskEnd for A is not counted again
    CHECK(s.tasksDone == 3);
    bool taskLine = false, killLine = false;
    for (const auto& f : s.failures) {
        if (f.find("task A") != std::string::npos && f.find("ForkPoolWorker-1") != std::string::npos) taskLine = true;
        if (f.find("SIGKILL") != std::string::npos && f.find("pid 1001") != std::string::npos) killLine = true;
    }
    CHECK(taskLine);
    CHECK(killLine);
}

TEST_CASE("lost events are counted and reported as a failure line", "[stats]") {
    auto tr = test::tutorialPoolTrace({.lost = 17});
    RunStats s = computeStats(*tr);
    CHECK(s.lostEvents == 17);
    REQUIRE_FALSE(s.failures.empty());
    CHECK(s.failures.back().find("17 events were lost") != std::string::npos);
}

TEST_CASE("the summary JSON holds the documented fields with the same numbers", "[stats]") {
    auto tr = test::tutorialPoolTrace({.killWorker1At = 2.5});
    RunStats s = computeStats(*tr);
    auto j = nlohmann::json::parse(statsToJson(s));
    CHECK(j["schema"] == "parviz-summary/2");
    CHECK(j["scenario"] == "pool");
    CHECK(j["makespan_s"].get<double>() == Approx(6.0));
    // parviz-summary/2: the killed task A (5 s nominal) is not in sequential: B + C + D.
    CHECK(j["sequential_s"].get<double>() == 6.0);
    CHECK(j["speedup"].get<double>() == 1.0);
    CHECK(j["efficiency"].get<double>() == 0.5);
    CHECK(j["tasks"]["failed"] == 1);
    CHECK(j["tasks"]["killed"] == 1);
    REQUIRE(j["failed_tasks"].size() == 1);
    CHECK(j["failed_tasks"][0]["name"] == "A");
    CHECK(j["failed_tasks"][0]["worker"] == "ForkPoolWorker-1");
    CHECK(j["failed_tasks"][0]["outcome"] == "worker died");
    CHECK(j["failed_tasks"][0]["nominal_s"].get<double>() == 5.0);
    CHECK(j["core_source"] == "perf context-switch records");
    REQUIRE(j["workers"].size() == 3);
    CHECK(j["workers"][0]["name"] == "ForkPoolWorker-1");
    CHECK(j["workers"][0]["signal"] == 9);
    CHECK(j["workers"][0]["exit_code"].is_null());
    CHECK(j["workers"][0]["replaced_by"] == "ForkPoolWorker-3");
    CHECK(j["workers"][1]["exit_code"] == 0);
    CHECK(j["workers"][1]["in_task_s"].get<double>() == Approx(6.0));
    REQUIRE(j["cores"].size() == 2);
    CHECK(j["cores"][0]["other_share"].get<double>() == Approx(0.25));
    CHECK(j["cores"][1]["other_share"].is_null());
    // The killed task is named once: one line says the task, the worker and the signal.
    REQUIRE(j["failures"].size() == 1);
    CHECK(j["failures"][0] == "task A failed: ForkPoolWorker-1 (pid 1001) was killed by SIGKILL (signal 9) while running it");
}

TEST_CASE("the human summary shows makespan, speedup, every worker and every core in aligned columns", "[stats]") {
    auto tr = test::tutorialPoolTrace();
    std::string out = formatSummary(computeStats(*tr));
    CHECK(out.find("makespan") != std::string::npos);
    CHECK(out.find("6.000 s") != std::string::npos);
    CHECK(out.find("11.000 s") != std::string::npos);
    CHECK(out.find("1.83x") != std::string::npos);
    CHECK(out.find("ForkPoolWorker-1") != std::string::npos);
    CHECK(out.find("ForkPoolWorker-2") != std::string::npos);
    CHECK(out.find("core data: perf context-switch records") != std::string::npos);
    CHECK(out.find("25.0%") != std::string::npos);   // core 0's other processes
    // aligned: the "pid" column starts at the same offset on the header and worker rows
    auto lineWith = [&](const std::string& key) {
        auto p = out.find(key);
        auto b = out.rfind('\n', p) + 1;
        return out.substr(b, out.find('\n', p) - b);
    };
    std::string head = lineWith("worker  "), row1 = lineWith("ForkPoolWorker-1"), row2 = lineWith("ForkPoolWorker-2");
    CHECK(head.find("pid") == row1.find("1001"));
    CHECK(row1.find("1001") == row2.find("1002"));
}

namespace {
// ForkPoolWorker-1 runs T0 (done) then T1, whose TaskEnd is lost with 40 other
// events (its ring overflowed); then it exits with `exitCode`.
std::shared_ptr<Trace> lostEndTrace(std::int64_t exitCode) {
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->updateMeta([](TraceMeta& m) { m.workers = 1; m.finished = true; });
    const std::uint64_t t0 = tr->addString("T0"), t1 = tr->addString("T1");
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                  std::uint8_t flags = 0) { tr->append(Event{kZero + sec(s), p, k, flags, obj, a, b}); };
    at(0, 0, EventKind::RunStart, 0, 2, 2);
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(0, 1, EventKind::TaskStart, 0, t0, static_cast<std::uint64_t>(sec(1)));
    at(1, 1, EventKind::TaskEnd, 0, t0);
    at(1, 1, EventKind::TaskStart, 1, t1, static_cast<std::uint64_t>(sec(1)));
    at(2, 0, EventKind::Lost, 1, 40);
    at(2.5, 1, EventKind::ProcExit, 0, static_cast<std::uint64_t>(exitCode));
    at(2.6, 0, EventKind::RunEnd);
    return tr;
}
} // namespace

TEST_CASE("a loss of events never invents a failure: a task whose end was lost on a worker that exited 0 is not failed",
          "[stats]") {
    RunStats s = computeStats(*lostEndTrace(0));
    CHECK(s.tasksDone == 1);
    CHECK(s.tasksFailed == 0);
    CHECK(s.tasksEndLost == 1);
    CHECK(s.sequentialNs == sec(1));
    CHECK(s.lostEvents == 40);
    // The loss itself is reported; no "died while running it" for a worker that exited 0.
    REQUIRE(s.failures.size() == 1);
    CHECK(s.failures[0] ==
          "40 events were lost (a trace ring overflowed, or a traced program's signal handler wrote one mid-write)");
}

TEST_CASE("a real kill during a loss is still reported as the task's failure", "[stats]") {
    RunStats s = computeStats(*lostEndTrace(-9));
    CHECK(s.tasksFailed == 1);
    CHECK(s.tasksKilled == 1);
    CHECK(s.tasksEndLost == 0);
    REQUIRE(s.failures.size() == 2);
    CHECK(s.failures[0] == "task T1 failed: ForkPoolWorker-1 (pid 1001) was killed by SIGKILL (signal 9) while running it");
    CHECK(s.failures[1] ==
          "40 events were lost (a trace ring overflowed, or a traced program's signal handler wrote one mid-write)");
}

TEST_CASE("a pool worker killed while idle is not a failure; a plain process killed is", "[stats]") {
    auto tr = test::tutorialPoolTrace();
    // ForkPoolWorker-3 starts, takes nothing, and is killed: CPython's Pool replaces it and finishes.
    tr->addProcess({"ForkPoolWorker-3", ProcRole::PoolWorker});
    tr->addProcess({"Process-4", ProcRole::Process});
    tr->append(Event{kZero + sec(6.2), 3, EventKind::ProcStart, 0, 0, 1003, 0});
    tr->append(Event{kZero + sec(6.2), 4, EventKind::ProcStart, 0, 0, 1004, 0});
    tr->append(Event{kZero + sec(6.3), 0, EventKind::KillRequest, 0, 3, 9, 0});
    tr->append(Event{kZero + sec(6.3), 3, EventKind::ProcExit, 0, 0, static_cast<std::uint64_t>(std::int64_t{-9}), 0});
    tr->append(Event{kZero + sec(6.4), 4, EventKind::ProcExit, 0, 0, static_cast<std::uint64_t>(std::int64_t{-9}), 0});
    RunStats s = computeStats(*tr);
    CHECK(s.tasksFailed == 0);
    REQUIRE(s.failures.size() == 1);
    CHECK(s.failures[0] == "Process-4 (pid 1004) was killed by SIGKILL (signal 9)");
}

TEST_CASE("lost texts (Lost with flags 1) are counted apart from lost events and do not pose as lost events",
          "[stats]") {
    auto tr = test::tutorialPoolTrace();
    tr->append(Event{kZero + sec(6.3), 0, EventKind::Lost, 1, 2, 5, 0});   // 5 texts of ForkPoolWorker-2
    RunModel m;
    m.update(*tr);
    CHECK(m.lostTexts() == 5);
    CHECK(m.lostEvents() == 0);
    RunStats s = computeStats(m, *tr);
    CHECK(s.lostEvents == 0);
    CHECK(s.failures.empty());
}

namespace {

// Pool(2) running A (5 s, ForkPoolWorker-1) and B (2 s, ForkPoolWorker-2),
// stopped 1 s in. stopSignal 0 is the window's Stop (or SIGTERM to parviz
// alone): RunStop, then the pool's terminate() SIGKILLs both workers, whose
// tasks get no TaskEnd. workersFirst: a terminal's Ctrl-C reached the
// workers too, so they died of it before parviz stopped the run; the pool
// wrote their failed TaskEnds for them (flags 1|2). killFirst: --kill-worker
// killed ForkPoolWorker-1 at 0.5 s, before the stop. withStop false: no
// RunStop at all (someone killed the workers from outside).
struct StopOptions {
    int stopSignal = 0;
    bool workersFirst = false;
    bool killFirst = false;
    bool withStop = true;
};

std::shared_ptr<Trace> stoppedPoolTrace(StopOptions o) {
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});
    tr->updateMeta([](TraceMeta& m) {
        m.scenario = "pool";
        m.workers = 2;
        m.totalCores = 2;
        m.usableCores = 2;
        m.finished = true;
    });
    const std::uint64_t a = tr->addString("A"), b = tr->addString("B");
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::int64_t x = 0, std::uint64_t y = 0,
                  std::uint8_t flags = 0) {
        tr->append(Event{kZero + sec(s), p, k, flags, obj, static_cast<std::uint64_t>(x), y});
    };
    at(0, 0, EventKind::RunStart, 0, 2, 2);
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(0, 2, EventKind::ProcStart, 0, 1002);
    at(0, 1, EventKind::TaskStart, 0, static_cast<std::int64_t>(a), static_cast<std::uint64_t>(sec(5)));
    at(0, 2, EventKind::TaskStart, 1, static_cast<std::int64_t>(b), static_cast<std::uint64_t>(sec(2)));
    if (o.killFirst) {
        at(0.5, 0, EventKind::KillRequest, 1, 9);
        at(0.501, 1, EventKind::TaskEnd, 0, static_cast<std::int64_t>(a), 0, 1 | 2);
        at(0.501, 1, EventKind::ProcExit, 0, -9);
    }
    const int sig = o.stopSignal;
    if (o.workersFirst) {
        for (ProcId p = o.killFirst ? 2 : 1; p <= 2; ++p) {
            at(0.998, p, EventKind::TaskEnd, p - 1, static_cast<std::int64_t>(p == 1 ? a : b), 0, 1 | 2);
            at(0.998, p, EventKind::ProcExit, 0, -sig);
        }
    }
    if (o.withStop) at(1.0, 0, EventKind::RunStop, 0, sig);
    if (!o.workersFirst)
        for (ProcId p = o.killFirst ? 2 : 1; p <= 2; ++p) at(1.01, p, EventKind::ProcExit, 0, -9);
    at(1.02, 0, EventKind::RunEnd);
    return tr;
}

} // namespace

TEST_CASE("tasks ended by the run's own stop are stopped by the user, not failed: no failure, no CPython hang",
          "[stats][stop]") {
    struct Case {
        const char* what;
        StopOptions o;
        const char* stoppedBy;
    };
    const Case cases[] = {
        {"the window's Stop: the workers are killed after it", {0, false}, "Stop"},
        {"SIGTERM to parviz alone: the same, by a signal", {SIGTERM, false}, "SIGTERM"},
        {"a terminal's Ctrl-C: the workers die of SIGINT just before parviz stops the run", {SIGINT, true}, "SIGINT"},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            auto tr = stoppedPoolTrace(c.o);
            RunModel model;
            model.update(*tr);
            for (const TaskRecord& r : model.tasks()) CHECK(r.outcome == TaskOutcome::Stopped);
            CHECK(describeFailures(model, *tr).empty());
            CHECK_FALSE(poolTaskLostWithWorker(model, *tr));

            RunStats s = computeStats(model, *tr);
            CHECK(s.failures.empty());
            CHECK(s.tasksFailed == 0);
            CHECK(s.tasksKilled == 0);
            CHECK(s.failedTasks.empty());
            CHECK(s.tasksStopped == 2);
            REQUIRE(s.stoppedTasks.size() == 2);
            CHECK(s.stoppedTasks[0].name == "A");
            CHECK(s.stoppedTasks[0].outcome == "stopped");
            CHECK(s.stoppedBy == c.stoppedBy);
            for (const WorkerStats& w : s.workers) CHECK(w.tasksFailed == 0);

            auto j = nlohmann::json::parse(statsToJson(s));
            CHECK(j["tasks"]["failed"] == 0);
            CHECK(j["tasks"]["stopped"] == 2);
            CHECK(j["stopped_tasks"].size() == 2);
            CHECK(j["stopped_tasks"][1]["name"] == "B");
            CHECK(j["stopped_by"] == c.stoppedBy);
            CHECK(j["failures"].empty());

            const std::string text = formatSummary(s);
            CHECK_THAT(text, Catch::Contains("2 stopped"));
            CHECK_THAT(text, !Catch::Contains("Failures"));
            CHECK_THAT(text, Catch::Contains("task A stopped: ForkPoolWorker-1 was running it when the run was stopped (" +
                                             std::string(c.stoppedBy) + ")"));
        }
    }
}

TEST_CASE("a stop does not excuse what failed before it, nor a death by another hand", "[stats][stop]") {
    SECTION("a worker killed by --kill-worker before the stop still fails its task") {
        auto tr = stoppedPoolTrace({SIGINT, true, true});
        RunStats s = computeStats(*tr);
        CHECK(s.tasksFailed == 1);
        CHECK(s.tasksStopped == 1);
        REQUIRE(s.failures.size() == 1);
        CHECK_THAT(s.failures[0], Catch::StartsWith("task A failed: ForkPoolWorker-1 (pid 1001) was killed by SIGKILL"));
        RunModel model;
        model.update(*tr);
        CHECK(poolTaskLostWithWorker(model, *tr));
    }
    SECTION("workers killed by SIGINT in a run that was never stopped failed") {
        auto tr = stoppedPoolTrace({SIGINT, true, false, false});
        RunStats s = computeStats(*tr);
        CHECK(s.tasksFailed == 2);
        CHECK(s.tasksStopped == 0);
        CHECK(s.stoppedBy.empty());
        CHECK(s.failures.size() == 2);
        CHECK(nlohmann::json::parse(statsToJson(s))["stopped_by"].is_null());
    }
    SECTION("a plain process killed by the stop is not a failure; one that exited 1 before it is") {
        auto tr = std::make_shared<Trace>();
        tr->addProcess({"MainProcess", ProcRole::Parent});
        tr->addProcess({"Process-1", ProcRole::Process});
        tr->addProcess({"Process-2", ProcRole::Process});
        tr->append(Event{kZero, 0, EventKind::RunStart, 0, 0, 2, 2});
        tr->append(Event{kZero, 1, EventKind::ProcStart, 0, 0, 1001, 0});
        tr->append(Event{kZero, 2, EventKind::ProcStart, 0, 0, 1002, 0});
        tr->append(Event{kZero + sec(0.5), 2, EventKind::ProcExit, 0, 0, 1, 0});
        tr->append(Event{kZero + sec(1), 0, EventKind::RunStop, 0, 0, 0, 0});
        tr->append(Event{kZero + sec(1.01), 1, EventKind::ProcExit, 0, 0, static_cast<std::uint64_t>(std::int64_t{-9}), 0});
        tr->append(Event{kZero + sec(1.02), 0, EventKind::RunEnd, 0, 0, 0, 0});
        RunStats s = computeStats(*tr);
        REQUIRE(s.failures.size() == 1);
        CHECK(s.failures[0] == "Process-2 (pid 1002) exited with code 1");
        CHECK(s.stoppedBy == "Stop");
    }
}

TEST_CASE("over a whole run the per-core other share is the verdict's exact total split as the samples saw it",
          "[stats][machine]") {
    // Newcomer findings (sessions 12 and 24): "core 1 ... other processes
    // 22.6 %" two lines above "machine quiet: other processes took 1 % of
    // the cores". The samples charge whole 10 ms ticks to whatever ran at
    // each one; the counters are exact. Over the whole run the column is the
    // counters' total, split between the cores as the samples saw it; cut
    // before the run's end (live, a replay's cursor) it is the samples'.
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->append(Event{kZero, 0, EventKind::RunStart, 0, 0, 2, 2});
    for (int i = 1; i <= 10; ++i) {   // 100 ms samples: core 0 13 % busy, core 1 39 %
        const std::int64_t t = kZero + sec(0.1 * i);
        tr->append(Event{t, 0, EventKind::CoreLoad, 0, 0, static_cast<std::uint64_t>(sec(0.013)), static_cast<std::uint64_t>(sec(0.1))});
        tr->append(Event{t, 0, EventKind::CoreLoad, 0, 1, static_cast<std::uint64_t>(sec(0.039)), static_cast<std::uint64_t>(sec(0.1))});
    }
    MachineLoad exact;   // the counters: 2 % of two cores over the second
    exact.cores = 2;
    exact.spanNs = sec(1);
    exact.coreNs = sec(2);
    exact.otherNs = sec(0.04);
    tr->append(machineLoadEvent(kZero + sec(1.0), exact));
    tr->append(Event{kZero + sec(1.0), 0, EventKind::RunEnd, 0, 0, 0, 0});
    tr->updateMeta([](TraceMeta& m) {
        m.finished = true;
        m.totalCores = m.usableCores = 2;
    });

    const RunStats whole = computeStats(*tr);
    REQUIRE(whole.cores.size() == 2);
    REQUIRE(whole.machine.otherShare.has_value());
    CHECK(*whole.machine.otherShare == Approx(0.02));
    CHECK(whole.coreOthersFromCounters);
    CHECK(whole.cores[0].otherShare.value_or(-1) == Approx(0.01));   // mean 2 %, in the samples' 1 : 3
    CHECK(whole.cores[1].otherShare.value_or(-1) == Approx(0.03));
    const std::string text = formatSummary(whole);
    CHECK_THAT(text, Catch::Contains("1.0%") && Catch::Contains("3.0%"));
    CHECK_THAT(text, Catch::Contains("machine quiet: other processes took 2 %"));
    CHECK_THAT(text, Catch::Contains("split between the cores as /proc/stat's samples"));
    CHECK_THAT(text, !Catch::Contains("13.0%"));

    // Cut before the run's end: the samples alone, and the summary says so.
    const RunStats live = computeStats(*tr, kZero + sec(0.5));
    CHECK_FALSE(live.coreOthersFromCounters);
    CHECK(live.cores[0].otherShare.value_or(-1) == Approx(0.13));
    CHECK(live.cores[1].otherShare.value_or(-1) == Approx(0.39));

    // Unusable cores in the table (an affinity mask): the counters cover only
    // the usable ones, so the samples stay as they are.
    tr->updateMeta([](TraceMeta& m) { m.usableCores = 1; });
    const RunStats masked = computeStats(*tr);
    CHECK_FALSE(masked.coreOthersFromCounters);
    CHECK(masked.cores[1].otherShare.value_or(-1) == Approx(0.39));
    CHECK_THAT(formatSummary(masked), Catch::Contains("less the run's processes and parviz's own threads"));
}

TEST_CASE("parviz's own threads' share of the cores is measured and said apart from other programs", "[stats][machine]") {
    // Session 25: 2 cpu workers gave 1.96x in `parviz sweep` and 1.8x in the
    // window, whose drawing took 8 % of the cores: counted as nobody's, the
    // Plots read it as "11 % of the work stays serial".
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->append(Event{kZero, 0, EventKind::RunStart, 0, 0, 2, 2});
    for (int i = 1; i <= 10; ++i) {   // 100 ms samples; parviz's threads: 12 ms on core 0, 4 ms on core 1
        const std::int64_t t = kZero + sec(0.1 * i);
        for (std::int32_t core = 0; core < 2; ++core) {
            tr->append(Event{t, 0, EventKind::CoreLoad, 0, core, 0, static_cast<std::uint64_t>(sec(0.1))});
            tr->append(Event{t, 0, EventKind::CoreLoad, 1, core, static_cast<std::uint64_t>(sec(core == 0 ? 0.012 : 0.004)),
                             static_cast<std::uint64_t>(sec(0.1))});
        }
    }
    tr->append(Event{kZero + sec(1.0), 0, EventKind::RunEnd, 0, 0, 0, 0});
    tr->updateMeta([](TraceMeta& m) {
        m.finished = true;
        m.totalCores = m.usableCores = 2;
    });
    const RunStats s = computeStats(*tr);
    REQUIRE(s.machine.parvizShare.has_value());
    CHECK(*s.machine.parvizShare == Approx(0.08));   // 160 ms of 2 cores x 1 s
    CHECK(s.machine.otherShare.value_or(0) < 0.01);   // never counted as another program's
    CHECK_THAT(formatSummary(s), Catch::Contains("parviz's own threads took 8 % of the cores"));
    CHECK(nlohmann::json::parse(statsToJson(s))["machine"]["parviz_share"].get<double>() == Approx(0.08));
    // Half-way, the samples up to the cut.
    const RunStats half = computeStats(*tr, kZero + sec(0.5));
    REQUIRE(half.machine.parvizShare.has_value());
    CHECK(*half.machine.parvizShare == Approx(0.08));
}

TEST_CASE("a traced program of plain processes says it has no Pool tasks and gives each process's own times, not "
          "'no task ran' and a whole life of idle",
          "[stats][trace]") {
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"Process-1", ProcRole::Process});
    tr->addProcess({"Process-2", ProcRole::Process});
    tr->addProcess({"resource_tracker", ProcRole::ForkServer});
    tr->updateMeta([](TraceMeta& m) {
        m.scenario = "python3 job_queue.py";
        m.work = kTracedProgramWork;
        m.totalCores = 2;
        m.usableCores = 2;
        m.finished = true;
    });
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0) {
        tr->append(Event{kZero + sec(s), p, k, 0, obj, a, 0});
    };
    at(0, 0, EventKind::RunStart);
    at(0.1, 1, EventKind::ProcStart, 0, 1001);
    at(0.1, 2, EventKind::ProcStart, 0, 1002);
    at(0.1, 3, EventKind::ProcStart, 0, 1003);
    at(0.2, 1, EventKind::CoreIn, 0);
    at(0.5, 1, EventKind::CoreOut, 0);
    at(1.1, 1, EventKind::ProcExit, 0, 0);
    at(0.6, 2, EventKind::ProcExit, 0, 0);
    at(1.2, 0, EventKind::RunEnd);
    const RunStats s = computeStats(*tr);
    CHECK_FALSE(s.hasMakespan);
    CHECK(s.plainProcesses);
    CHECK(s.workerCount == 2);   // the two processes, not the helper
    REQUIRE(s.workers.size() == 2);
    for (const WorkerStats& w : s.workers) {
        CHECK(w.plain);
        CHECK(w.idleNs == 0);    // its life is its own code, not idle
    }
    CHECK(s.workers[0].aliveNs == sec(1.0));
    CHECK(s.workers[0].onCpuNs == sec(0.3));
    const std::string text = formatSummary(s);
    INFO(text);
    CHECK(text.find("no task ran") == std::string::npos);
    CHECK(text.find("plain processes: no Pool tasks, so no makespan or speedup") != std::string::npos);
    CHECK(text.find("2 plain") != std::string::npos);
    CHECK(text.find("\n  process ") != std::string::npos);   // the table of processes: alive, on-CPU
    CHECK(text.find(" alive ") != std::string::npos);
    CHECK(text.find("\n  core  processes  other processes") != std::string::npos);   // not "workers" of no pool
    CHECK(text.find("0 started") == std::string::npos);   // no task count of nothing
    CHECK(text.find("in-task") == std::string::npos);     // nor a tasks / in-task / idle column
    const auto j = nlohmann::json::parse(statsToJson(s));
    CHECK(j["plain_processes"] == true);
    CHECK(j["no_makespan"].get<std::string>().rfind("plain processes: no Pool tasks", 0) == 0);
    CHECK(j["worker_count"] == 2);
    CHECK(j["workers"][0]["idle_s"] == 0.0);
    CHECK(j["workers"][0]["plain"] == true);
    // A pool program keeps its tasks and says nothing of plain processes.
    const RunStats pool = computeStats(*test::tutorialPoolTrace());
    CHECK_FALSE(pool.plainProcesses);
    CHECK(nlohmann::json::parse(statsToJson(pool))["no_makespan"].is_null());
}

TEST_CASE("mid-run Stats never read as wrong: no speedup until every task has ended, tasks against the run's total, "
          "busy measured up to the cursor",
          "[stats][midrun]") {
    // The classroom walk's finding 12: at 2.57 s in pool, "speedup 0.80x" and
    // "tasks 1/3 done" (there are 4 tasks), and "busy: unknown" at a replay
    // cursor though the run's end says busy.
    auto values = [](const std::vector<StatPair>& ps) {
        std::vector<std::string> out;
        for (const StatPair& p : ps) out.push_back(p.label + " " + p.value);
        return out;
    };
    auto tr = test::tutorialPoolTrace();
    const RunStats mid = computeStats(*tr, kZero + sec(2.57));
    CHECK_FALSE(mid.speedupFinal);
    CHECK(mid.tasksTotal == 4);
    CHECK(mid.tasksTotalFinal);
    const auto midPairs = values(keyNumbers(mid, " at 2.57 s", true));
    INFO(midPairs.size());
    CHECK(midPairs == std::vector<std::string>{"makespan 2.57 s at 2.57 s", "speedup - until every task has ended",
                                               "tasks 1/4 done", "sequential 2.00 s of done tasks"});
    // Once every task has ended (6 s, before the run's end at 6.2 s): the run's speedup, 11/6.
    const RunStats ended = computeStats(*tr, kZero + sec(6.0));
    CHECK(ended.speedupFinal);
    CHECK(values(keyNumbers(ended, " at 6.00 s", false)) ==
          std::vector<std::string>{"makespan 6.00 s at 6.00 s", "speedup over sequential 1.83x at 6.00 s", "efficiency 92% at 6.00 s",
                                   "sequential 11.0 s", "tasks 4/4 done"});
    // Live (the run not finished): the tasks seen so far, never a total that is not one.
    auto live = test::tutorialPoolTrace();
    live->updateMeta([](TraceMeta& m) { m.finished = false; });
    const RunStats soFar = computeStats(*live, kZero + sec(2.57));
    CHECK_FALSE(soFar.tasksTotalFinal);
    CHECK_FALSE(soFar.speedupFinal);
    CHECK(values(keyNumbers(soFar, " so far", true))[2] == "tasks 1 done of 3 so far");
    // Busy: core 0's samples up to 2 s say others took 25 % (1.5 s busy, 1 s of it worker 1's).
    CHECK(mid.machineAtCut);
    REQUIRE(mid.machine.busy.has_value());
    CHECK(*mid.machine.busy);
    // Sleep work: a plain note, the cut on the share (session 21).
    CHECK(describeBusyAt(mid, true) == "others took 25 % up to here, but sleep needs no core");
    RunStats cpuMid = mid;
    cpuMid.work = "cpu";
    CHECK(describeBusyAt(cpuMid, true) == "machine busy: others took 25 % up to here");
    CHECK(describeBusyAt(cpuMid, false) ==
          "machine busy: other processes took 25 % of the cores up to here; timings not comparable");
    // Before a second of samples is in: unknown, as a run too short to judge.
    const RunStats early = computeStats(*tr, kZero + sec(1.0));
    CHECK_FALSE(early.machine.busy.has_value());
    CHECK(describeBusyAt(early, true).empty());
}

TEST_CASE("every speedup names its base, Stats' times read in one unit, and sequential waits for a task to end",
          "[stats][polish]") {
    // Newcomer (session 13), findings 1, 3 and 4: This run's "speedup 1.78x"
    // (over the tasks one after another) beside the Plots' "speedup" (over
    // the 1-worker run) read as one number that disagrees with itself;
    // "586 ms" among times in seconds; "sequential 0 us" before a task ended.
    auto tr = test::tutorialPoolTrace();
    const RunStats ended = computeStats(*tr);
    std::vector<std::string> labels;
    for (const StatPair& p : keyNumbers(ended, "", false)) labels.push_back(p.label);
    CHECK(std::find(labels.begin(), labels.end(), "speedup") == labels.end());
    CHECK(std::find(labels.begin(), labels.end(), std::string(kSpeedupOverSequential)) != labels.end());
    CHECK(std::string(kSpeedupOverSequential) != kSpeedupOverOneWorker);
    for (const StatPair& p : keyNumbers(ended, "", false))
        if (p.label == kSpeedupOverSequential) {
            CHECK(p.tip.find("T1 / Tp") != std::string::npos);
            CHECK(p.tip.find("1-worker") != std::string::npos);
        }
    CHECK(formatSummary(ended).find("speedup over sequential") != std::string::npos);
    // One unit per view.
    CHECK(formatSecondsLike(586'000'000, 4'070'000'000) == "0.59 s");
    CHECK(formatSecondsLike(4'070'000'000, 4'070'000'000) == "4.07 s");
    CHECK(formatSecondsLike(11'000'000'000, 11'000'000'000) == "11.0 s");
    CHECK(formatSecondsLike(6'000'000'000, 11'000'000'000) == "6.00 s");
    CHECK(formatSecondsLike(0, 4'070'000'000) == "0.00 s");
    CHECK(formatSecondsLike(40'000, 2'000'000) == "0.0 ms");
    CHECK(formatSecondsLike(5'500'000, 586'000'000) == "5.5 ms");
    CHECK(formatSecondsLike(586'000'000, 0) == formatSeconds(586'000'000));
    {
        const RunStats cut = computeStats(*tr, kZero + sec(2.57));   // 1 task done: 2 s sequential, 2.57 s makespan
        for (const StatPair& p : keyNumbers(cut, "", true))
            if (p.label == "makespan" || p.label == "sequential") CHECK(p.value.find(" ms") == std::string::npos);
        // Mid-run the sequential time adds up the done tasks only, and says so
        // (newcomer walk, session 28: "makespan 2.57 s so far" beside
        // "sequential 2.00 s" read as parallel being slower); at the end it does not.
        bool saidMid = false, saidEnd = false;
        for (const StatPair& p : keyNumbers(cut, " so far", true))
            if (p.label == "sequential") saidMid = p.value == "2.00 s of done tasks";
        for (const StatPair& p : keyNumbers(ended, "", true))
            if (p.label == "sequential") saidEnd = p.value.find("done tasks") == std::string::npos;
        CHECK(saidMid);
        CHECK(saidEnd);
    }
    // Before any task has ended: no "0 s" of sequential, a dash.
    const RunStats early = computeStats(*tr, kZero + sec(0.5));
    REQUIRE(early.hasMakespan);
    REQUIRE(early.tasksDone == 0);
    for (const StatPair& p : keyNumbers(early, " at 0.50 s", true)) {
        INFO(p.label << " " << p.value);
        if (p.label == "sequential") CHECK(p.value == "-");
        CHECK(p.value.rfind("0 s", 0) != 0);
        // (The makespan's tip names the instant its first task started, "(0 s)" on the axis.)
        if (p.label != "makespan") CHECK(p.tip.find("(0 s)") == std::string::npos);
    }
}

TEST_CASE("Stats says who ran on how many cores, and a run with no worker says so in words, not 0 workers", "[stats]") {
    // Newcomer walk, item 10: cpu-count's Stats read "0 workers on 2 cores".
    RunStats s;
    s.usableCores = 2;
    CHECK(describeWorkersOnCores(s) == "no workers: MainProcess alone on 2 cores");
    s.plainProcesses = true;   // a traced program before its first Process starts
    CHECK(describeWorkersOnCores(s) == "no other processes: MainProcess alone on 2 cores");
    s.plainProcesses = false;
    s.workerCount = 4;
    CHECK(describeWorkersOnCores(s) == "4 workers on 2 cores");
    s.workerCount = 1;
    s.usableCores = 1;
    s.plainProcesses = true;
    CHECK(describeWorkersOnCores(s) == "1 process on 1 core");
    s.workerCount = 3;
    CHECK(describeWorkersOnCores(s) == "3 processes on 1 core");
}

TEST_CASE("Stats' key numbers beside an instant say their durations in seconds, as the instant is", "[stats][units]") {
    // Newcomer walk: "makespan 121 ms (tasks ran 0.023 s to 0.14 s)", two units in one line.
    RunStats s;
    s.hasMakespan = true;
    s.makespanNs = 121'000'000;
    s.sequentialNs = 200'000'000;
    s.tasksDone = s.tasksTotal = 4;
    s.tasksTotalFinal = true;
    s.speedupFinal = true;
    s.speedup = 200.0 / 121.0;
    s.workerCount = 2;
    s.efficiency = s.speedup / 2;
    auto valueOf = [](const std::vector<StatPair>& ps, const std::string& label) {
        for (const StatPair& p : ps)
            if (p.label == label) return p.value;
        return std::string("(none)");
    };
    const auto at = keyNumbers(s, " at 0.14 s", true);
    CHECK(valueOf(at, "makespan") == "0.12 s at 0.14 s");
    CHECK(valueOf(at, "sequential") == "0.20 s");
    // With no instant on the line: one unit, the larger's (formatSecondsLike).
    const auto whole = keyNumbers(s, "", true);
    CHECK(valueOf(whole, "makespan") == "121 ms");
    CHECK(valueOf(whole, "sequential") == "200 ms");
    CHECK(formatDurationAmongInstants(121'000'000) == "0.12 s");
    CHECK(formatDurationAmongInstants(6'010'000'000) == "6.01 s");
}

TEST_CASE("names with broken UTF-8 (a traced program's, another program's) come out of the summary JSON replaced, "
          "never as an exception",
          "[stats][utf8]") {
    // CI stop 33: the saved-run fuzzer gave a worker name ending in a lone 0xC3;
    // statsToJson threw json type_error 316 and `parviz run --json` would have died.
    auto tr = test::tutorialPoolTrace();
    tr->updateMeta([](TraceMeta& m) { m.scenario = "pool\xC3"; });
    RunStats s = computeStats(*tr);
    s.workers.at(0).name = "ForkPoolWorker-\xC3";
    std::string text;
    REQUIRE_NOTHROW(text = statsToJson(s));
    const auto j = nlohmann::json::parse(text);
    CHECK(j["scenario"] == "pool\xEF\xBF\xBD");   // U+FFFD, the replacement character
    CHECK(j["workers"][0]["name"] == "ForkPoolWorker-\xEF\xBF\xBD");
}
