// The Run API's controls, driven the way the window drives them: pause stops
// the workers for real (the OS shows state T) and the run clock with them.
#include <catch2/catch.hpp>

#include "parviz/run.hpp"
#include "parviz/stats.hpp"

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

namespace {

// Field 3 of /proc/<pid>/stat: R, S, D, T (stopped), Z ...
char procState(long long pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto p = all.rfind(')');
    return p == std::string::npos || p + 2 >= all.size() ? '?' : all[p + 2];
}

std::set<long long> livePids(const parviz::Trace& t) {
    std::set<long long> pids;
    for (std::size_t i = 0, n = t.size(); i < n; ++i) {
        if (t[i].kind == parviz::EventKind::ProcStart) pids.insert(static_cast<long long>(t[i].a));
        if (t[i].kind == parviz::EventKind::ProcExit) {
            for (std::size_t j = 0; j < i; ++j)
                if (t[j].kind == parviz::EventKind::ProcStart && t[j].proc == t[i].proc)
                    pids.erase(static_cast<long long>(t[j].a));
        }
    }
    return pids;
}

} // namespace

TEST_CASE("a paused run stops its workers for real and the pause does not count in the makespan", "[run]") {
    auto sc = parviz::parseScenario(
        R"({"kind": "pool", "title": "two", "pool_size": 2, "work": "sleep",
            "tasks": [{"name": "A", "seconds": 3}, {"name": "B", "seconds": 3}]})",
        "pause-test.json");
    parviz::RunOptions opts;
    opts.timeScale = 0.1;   // 0.3 s per task
    parviz::Run run(sc, opts);
    run.start();
    auto trace = run.trace();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    run.pause();
    CHECK(run.status() == parviz::RunStatus::Paused);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto pids = livePids(*trace);
    REQUIRE(pids.size() == 2);
    for (auto pid : pids) {
        INFO("pid " << pid);
        CHECK(procState(pid) == 'T');
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK_FALSE(run.wait(0.0));   // still paused: 0.3 s tasks have not finished in 0.57 s
    run.resume();
    for (auto pid : pids) CHECK(procState(pid) != 'T');
    REQUIRE(run.wait(20.0));
    CHECK(run.status() == parviz::RunStatus::Finished);
    auto stats = parviz::computeStats(*trace);
    CHECK(stats.tasksDone == 2);
    // 0.3 s of unpaused work; the 0.45 s pause is excluded (loose upper bound).
    CHECK(stats.makespanNs > 250'000'000);
    CHECK(stats.makespanNs < 600'000'000);
}

TEST_CASE("stopping a run kills its workers and ends it as Stopped", "[run]") {
    auto sc = parviz::parseScenario(
        R"({"kind": "job-queue", "title": "stop", "processes": 2, "task_count": 4, "task_seconds": 5})",
        "stop-test.json");
    parviz::RunOptions opts;
    opts.timeScale = 1.0;
    parviz::Run run(sc, opts);
    run.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto t0 = std::chrono::steady_clock::now();
    run.stop();
    REQUIRE(run.wait(10.0));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
    CHECK(run.status() == parviz::RunStatus::Stopped);
}
