// `parviz sweep`: bad lists and flags exit 2 naming the flag; a real sweep
// writes the table, JSON and CSV it documents; and on this machine the lesson
// holds: 2 CPU workers halve the time, 4 do not; 8 sleeping workers beat 4.
// The lesson's tests refuse to judge a sweep in which other processes took
// the cores (flagged busy): they try again, up to three times, printing each
// skipped attempt's share; if every attempt was busy they fail with
// PARVIZ_TEST_STRICT_BUSY=1 (CI) and otherwise tell ctest they were skipped.
#include "cli_support.hpp"

#include "parviz/machine_load.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;
using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::readFile;
using parviz::test::runParviz;
using parviz::test::TempDir;

namespace {

// workers -> speedup over the 1-worker run, for one work kind.
std::map<int, double> speedups(const json& j, const std::string& work) {
    std::map<int, double> s;
    for (const auto& r : j["runs"])
        if (r["work"] == work && r["speedup_vs_1_worker"].is_number())
            s[r["workers"].get<int>()] = r["speedup_vs_1_worker"].get<double>();
    return s;
}

// Waits (at most maxSeconds) for half a second in which other processes take
// under 5 % of the cores, so that an attempt is not wasted on a burst of
// someone else's work; returns the seconds waited.
double waitForQuietMachine(double maxSeconds) {
    const auto t0 = std::chrono::steady_clock::now();
    auto waited = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    while (waited() < maxSeconds) {
        parviz::MachineLoadMeter meter;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        auto m = meter.finish();
        if (!m || m->coreNs <= 0) break;
        if (static_cast<double>(m->otherNs) / static_cast<double>(m->coreNs) < 0.05) break;
    }
    return waited();
}

// Runs the sweep up to three times until no run of it is flagged busy and
// returns its JSON; prints every skipped attempt's shares; fails if all were busy.
json quietSweep(const std::vector<std::string>& flags) {
    for (int attempt = 1; attempt <= 3; ++attempt) {
        const double waited = waitForQuietMachine(5);
        if (waited > 1) std::printf("sweep attempt %d: waited %.1f s for a quiet machine\n", attempt, waited);
        TempDir dir;
        std::vector<std::string> args = {"sweep", "pool-sizes", "--retries", "0", "--json", dir.file("s.json")};
        args.insert(args.end(), flags.begin(), flags.end());
        const ExeResult r = runParviz(args, 120);
        INFO(describe(r));
        REQUIRE(r.exitCode == 0);
        json j = json::parse(readFile(dir.file("s.json")));
        std::string busy;
        for (const auto& run : j["runs"])
            if (run["busy"] == true)
                busy += " " + run["work"].get<std::string>() + "/" + std::to_string(run["workers"].get<int>()) +
                        " workers: " + std::to_string(static_cast<int>(run["other_share"].get<double>() * 100)) + " %";
        if (busy.empty()) return j;
        std::printf("sweep attempt %d skipped: machine busy, other processes took the cores in%s\n", attempt,
                    busy.c_str());
        std::fflush(stdout);
    }
    // Inconclusive: the lesson cannot be checked on a machine that is never
    // ours. Strict (CI, a quiet machine): that is a failure. Otherwise the
    // test reports itself skipped to ctest (exit 77, SKIP_RETURN_CODE in
    // tests/CMakeLists.txt), visibly, so developers sharing a loaded machine
    // are not blocked by other people's builds.
    const char* strict = std::getenv("PARVIZ_TEST_STRICT_BUSY");
    if (strict && std::string(strict) == "1")
        FAIL("every attempt of the sweep was flagged busy: other processes took more than 10 % of the cores");
    std::printf("SKIPPED: every attempt of the sweep was flagged busy (other processes took more than 10 %% of the "
                "cores); set PARVIZ_TEST_STRICT_BUSY=1 to make this a failure\n");
    std::fflush(stdout);
    std::_Exit(77);
}

} // namespace

TEST_CASE("bad sweep lists and flags exit 2 with a message naming the flag", "[cli][sweep]") {
    struct Bad {
        std::vector<std::string> args;
        std::string mentions;
    };
    const std::vector<Bad> cases{
        {{"--workers", ""}, "--workers: the list is empty"},
        {{"--workers", "0"}, "--workers: '0': must be between 1 and 1024"},
        {{"--workers", "1,2000"}, "--workers: '2000': must be between 1 and 1024"},
        {{"--workers", "1,2,2"}, "--workers: '1,2,2': 2 is listed twice"},
        {{"--workers", "1,02,2"}, "--workers: '1,02,2': 2 is listed twice"},
        {{"--workers", "1,two"}, "--workers: 'two': not a whole number"},
        {{"--workers", "1,,2"}, "--workers: '1,,2': item 2 is empty"},
        {{"--workers", "-1"}, "--workers: '-1': must be between 1 and 1024"},
        {{"--workers"}, "--workers: missing value"},
        {{"--work", "sleep,gpu"}, "--work: 'gpu': must be sleep or cpu"},
        {{"--work", "cpu,cpu"}, "--work: 'cpu,cpu': cpu is listed twice"},
        {{"--chunksize", "0"}, "--chunksize: '0': must be between 1 and 1000000"},
        {{"--chunksize", "auto,x"}, "--chunksize: 'x': not a whole number"},
        {{"--repeat", "0"}, "--repeat: '0': must be between 1 and 100"},
        {{"--retries", "11"}, "--retries: '11': must be between 0 and 10"},
        {{"--time-scale", "0"}, "--time-scale: '0': must be between 0.001 and 100"},
        {{"--kill-worker", "ForkPoolWorker-1@1"}, "--kill-worker: not available in a sweep"},
        {{"--frobnicate"}, "--frobnicate: unknown flag"},
        {{"--json", ""}, "an output file name is empty"},
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"sweep", "pool-sizes"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        const ExeResult r = runParviz(args, 30);
        INFO(c.mentions << "\n" << describe(r));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(c.mentions) != std::string::npos);
        CHECK(r.out.empty());   // nothing ran
    }
    SECTION("a scenario that is not a pool, or none at all") {
        ExeResult r = runParviz({"sweep", "lock", "--workers", "1,2"}, 30);
        INFO(describe(r));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("kind: a sweep needs a pool scenario, this one is lock") != std::string::npos);
        r = runParviz({"sweep", "--workers", "1,2"}, 30);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("missing the scenario") != std::string::npos);
    }
}

TEST_CASE("parviz sweep --help lists every flag and parviz --help lists sweep", "[cli][sweep]") {
    ExeResult r = runParviz({"sweep", "--help"});
    REQUIRE(r.exitCode == 0);
    for (const char* f : {"--workers", "--work", "--chunksize", "--repeat", "--retries", "--time-scale", "--csv",
                          "--json", "--save-runs"})
        CHECK(r.out.find(f) != std::string::npos);
    r = runParviz({"--help"});
    CHECK(r.out.find("sweep NAME|FILE") != std::string::npos);
}

TEST_CASE("a sweep of pool-uneven writes its table, JSON, CSV and runs, with measured next to predicted",
          "[cli][sweep]") {
    TempDir dir;
    const ExeResult r = runParviz({"sweep", "pool-uneven", "--workers", "1,2", "--work", "sleep", "--chunksize",
                                   "auto,1", "--time-scale", "0.1", "--retries", "0", "--json", dir.file("s.json"),
                                   "--csv", dir.file("s.csv"), "--save-runs", dir.file("runs")},
                                  120);
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("sleep work") != std::string::npos);
    CHECK(r.out.find("predicted") != std::string::npos);
    CHECK(r.out.find("\ncpu work\n") == std::string::npos);
    CHECK(r.err.find("[4/4]") != std::string::npos);   // the progress lines

    const json j = json::parse(readFile(dir.file("s.json")));
    CHECK(j["schema"] == "parviz-sweep/1");
    CHECK(j["usable_cores"].get<int>() >= 1);
    REQUIRE(j["runs"].size() == 4);
    // Plan order: chunksize auto for 1 and 2 workers, then chunksize 1.
    // Predicted (scenario seconds x 0.1): 1 worker 6.4 s; 2 workers with
    // CPython's chunksize 4: the four 1 s jobs in one chunk, 4 s; chunksize 1: 3.2 s.
    const double predicted[] = {0.64, 0.4, 0.64, 0.32};
    for (std::size_t i = 0; i < 4; ++i) {
        const json& run = j["runs"][i];
        INFO("run " << i << ": " << run.dump());
        CHECK(run["predicted_makespan_s"].get<double>() == Approx(predicted[i]));
        CHECK(run["chunksize"].is_null() == (i < 2));
        // Sleep work needs no core: measured within 15 % of the model.
        CHECK(run["makespan_s"].get<double>() == Approx(predicted[i]).epsilon(0.15));
        CHECK(run["efficiency"].get<double>() ==
              Approx(run["speedup_vs_1_worker"].get<double>() / run["workers"].get<int>()));
        REQUIRE(run["attempts"].size() == 1);
        CHECK(run["attempts"][0]["kept"] == true);
        CHECK(std::filesystem::exists(run["attempts"][0]["saved_as"].get<std::string>()));
        CHECK((run["busy"].is_boolean() || run["busy"].is_null()));
    }
    // Chunksize 1 beats CPython's default on this scenario.
    CHECK(j["runs"][3]["makespan_s"].get<double>() < j["runs"][1]["makespan_s"].get<double>());
    CHECK(j["fits"].empty());   // sleep work gets no Amdahl fit

    const std::string csv = readFile(dir.file("s.csv"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 5);
    CHECK(csv.starts_with("scenario,work,workers,chunksize,"));
    CHECK(csv.find("\npool-uneven,sleep,2,1,1,") != std::string::npos);
}

TEST_CASE("pool-sizes on this machine: 2 CPU workers nearly halve the time, 4 do no better than the 2 cores allow",
          "[cli][sweep]") {
    const json j = quietSweep({"--work", "cpu", "--workers", "1,2,4", "--time-scale", "0.25"});
    auto s = speedups(j, "cpu");
    INFO(j.dump(1));
    REQUIRE(s.count(2));
    REQUIRE(s.count(4));
    const int cores = j["usable_cores"].get<int>();
    CHECK(s[2] > 1.5);
    // No more than the cores allow (5 % for timing): not "no more than the
    // 2-worker run", which another program slowing that one run (its busy
    // share under the 10 % threshold) made fail at 1.92x against 1.63x.
    if (cores == 2) CHECK(s[4] <= 1.05 * cores);
    else WARN("not a 2-core machine (" << cores << " usable cores): 4 workers are not oversubscribed here");
    // The fit rests on the points within the cores only (N = 1 is the reference).
    REQUIRE(j["fits"].size() == 1);
    CHECK(j["fits"][0]["points"].get<int>() == (cores >= 2) + (cores >= 4));
}

TEST_CASE("pool-sizes on this machine: 8 sleeping workers are clearly faster than 4", "[cli][sweep]") {
    const json j = quietSweep({"--work", "sleep", "--workers", "1,4,8", "--time-scale", "0.25"});
    auto s = speedups(j, "sleep");
    INFO(j.dump(1));
    REQUIRE(s.count(4));
    REQUIRE(s.count(8));
    CHECK(s[8] > 1.6 * s[4]);
}

TEST_CASE("parviz sweep runs a busy cpu configuration again but not a busy sleep one, whose timing holds", "[cli][sweep]") {
    // Three shell loops take the cores: every run is flagged busy.
    std::vector<pid_t> hogs;
    for (int i = 0; i < 3; ++i) {
        const pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/sh", "sh", "-c", "while :; do :; done", static_cast<char*>(nullptr));
            _exit(127);
        }
        if (pid > 0) hogs.push_back(pid);
    }
    TempDir dir;
    // Time scale 0.35: the 1-worker sleep run lasts 1.4 s, long enough to be
    // judged where idle time comes only from /proc/stat ticks (no cpuidle, as
    // on kvm-clock hosts: a run under 1 s is "busy: unknown" there).
    const ExeResult r = runParviz({"sweep", "pool-sizes", "--workers", "1", "--time-scale", "0.35", "--retries", "1",
                                   "--json", dir.file("s.json")});
    for (pid_t p : hogs) kill(p, SIGKILL);
    for (pid_t p : hogs) waitpid(p, nullptr, 0);
    INFO(describe(r));
    REQUIRE(hogs.size() == 3);
    REQUIRE(r.exitCode == 0);
    const json j = json::parse(readFile(dir.file("s.json")));
    std::map<std::string, int> attempts;
    std::map<std::string, bool> busy;
    for (const json& run : j["runs"]) {
        const std::string w = run["work"].get<std::string>();
        for (const json& a : run["attempts"]) {
            ++attempts[w];
            busy[w] = busy[w] || a["busy"] == true;
        }
    }
    INFO(j["runs"].dump());
    REQUIRE(busy["sleep"]);
    CHECK(attempts["sleep"] == 1);                    // busy, and kept: sleeping workers need no core
    if (busy["cpu"]) CHECK(attempts["cpu"] == 2);     // busy: tried once more (--retries 1)
}
