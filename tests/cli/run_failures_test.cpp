// Failures and honest numbers through the real `parviz run`: a pool worker
// killed mid-task (exact sequential, speedup and efficiency; the failed task
// named once, the same in the summary, its JSON and the Chrome export), a pool
// worker killed while idle (no failure, exit 0), and readable queue values in
// the export.
#include "cli_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

using nlohmann::json;
using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::readFile;
using parviz::test::runParviz;
using parviz::test::TempDir;

namespace {

std::size_t countLines(const std::string& text, const std::string& a, const std::string& b) {
    std::size_t n = 0, from = 0;
    while (from < text.size()) {
        std::size_t end = text.find('\n', from);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(from, end - from);
        if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) ++n;
        from = end + 1;
    }
    return n;
}

// The workers that ran a task, from the export's task slices.
std::map<std::string, std::string> taskWorkers(const json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& e : doc["traceEvents"])
        if (e["ph"] == "X" && e.value("cat", "") == "task") out[e["name"]] = e["args"]["worker"];
    return out;
}

} // namespace

TEST_CASE("a pool worker killed mid-task: sequential counts the three completed tasks exactly, the failed task is "
          "named once and the same in summary, JSON and export",
          "[cli][run][failures]") {
    TempDir dir;
    const auto r = runParviz({"run", "pool", "--time-scale", "0.1", "--kill-worker", "ForkPoolWorker-1@2.5",
                              "--summary-json", dir.file("s.json"), "--trace", dir.file("t.json")});
    INFO(describe(r));
    REQUIRE(!r.timedOut);
    CHECK(r.exitCode == 1);
    const json s = json::parse(readFile(dir.file("s.json")));
    const json t = json::parse(readFile(dir.file("t.json")));
    CHECK(s["schema"] == "parviz-summary/2");
    REQUIRE(s["failed_tasks"].size() == 1);
    const std::string killed = s["failed_tasks"][0]["name"];
    INFO("killed task " << killed);
    CHECK(s["failed_tasks"][0]["worker"] == "ForkPoolWorker-1");
    CHECK(s["failed_tasks"][0]["outcome"] == "worker died");
    // Sequential: the nominal times (scaled by 0.1, in whole ns) of the three
    // tasks that completed; the killed one adds nothing.
    const std::map<std::string, double> nominal = {{"A", 5}, {"B", 2}, {"C", 1}, {"D", 3}};
    std::int64_t seqNs = 0;
    for (const auto& [name, secs] : nominal)
        if (name != killed) seqNs += std::llround(secs * 0.1 * 1e9);
    const double sequential = static_cast<double>(seqNs) / 1e9;
    CHECK(s["sequential_s"].get<double>() == sequential);
    const double makespan = s["makespan_s"].get<double>();
    CHECK(s["speedup"].get<double>() == Approx(sequential / makespan).epsilon(1e-12));
    CHECK(s["efficiency"].get<double>() == Approx(sequential / makespan / 2).epsilon(1e-12));
    CHECK(s["efficiency"].get<double>() < 1.0);
    CHECK(s["tasks"]["done"] == 3);
    CHECK(s["tasks"]["failed"] == 1);
    CHECK(s["tasks"]["killed"] == 1);
    // Named once: one failure line, the same in the summary's JSON and the export.
    REQUIRE(s["failures"].size() == 1);
    const std::string line = s["failures"][0];
    CHECK(line.find("task " + killed + " failed: ForkPoolWorker-1 (pid ") == 0);
    CHECK(line.find("was killed by SIGKILL (signal 9) while running it") != std::string::npos);
    CHECK(t["otherData"]["failures"] == s["failures"]);
    // ... and printed once in all the terminal shows (stdout and stderr together).
    CHECK(countLines(r.out + r.err, "task " + killed, "ForkPoolWorker-1") == 1);
    CHECK(countLines(r.out + r.err, "'" + killed + "'", "ForkPoolWorker-1") == 0);
    CHECK(r.out.find("CPython's multiprocessing.Pool would have hung here") != std::string::npos);
}

TEST_CASE("a pool worker killed while idle is no failure: the pool replaces it, finishes and exits 0, with no "
          "CPython-would-hang claim",
          "[cli][run][failures]") {
    TempDir dir;
    const std::string file = dir.write("one.json", R"({"kind":"pool","pool_size":2,"tasks":[{"name":"A","seconds":1}]})");
    // Which worker takes the one task is a race: the runs alternate the victim,
    // so killing the other one (idle) must show up within a few runs.
    bool sawIdle = false;
    for (int attempt = 0; attempt < 6 && !sawIdle; ++attempt) {
        const std::string victim = "ForkPoolWorker-" + std::to_string(1 + attempt % 2);
        const auto r = runParviz({"run", file, "--time-scale", "0.2", "--kill-worker", victim + "@0.5",
                                  "--summary-json", dir.file("s.json"), "--trace", dir.file("t.json")});
        INFO(describe(r));
        REQUIRE(!r.timedOut);
        const json s = json::parse(readFile(dir.file("s.json")));
        const auto workers = taskWorkers(json::parse(readFile(dir.file("t.json"))));
        REQUIRE(workers.count("A"));
        bool killed = false;
        for (const auto& w : s["workers"]) killed = killed || (w["name"] == victim && w["killed"] == true);
        REQUIRE(killed);
        if (workers.at("A") == victim) {   // it was busy: a real failure
            CHECK(r.exitCode == 1);
            CHECK(r.out.find("CPython's multiprocessing.Pool would have hung here") != std::string::npos);
            continue;
        }
        sawIdle = true;
        CHECK(r.exitCode == 0);
        CHECK(s["failures"].empty());
        CHECK(s["tasks"]["done"] == 1);
        CHECK(r.out.find("Failures:") == std::string::npos);
        CHECK(r.out.find("CPython's multiprocessing.Pool would have hung here") == std::string::npos);
    }
    CHECK(sawIdle);
}

TEST_CASE("the pool's queue values in the Chrome export are readable: task arguments, results and sentinel",
          "[cli][run][export]") {
    TempDir dir;
    const auto r = runParviz({"run", "pool", "--time-scale", "0.05", "--trace", dir.file("t.json")});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    const json t = json::parse(readFile(dir.file("t.json")));
    std::map<std::string, int> values;   // "queue: value" -> count
    for (const auto& e : t["traceEvents"])
        if (e["ph"] == "i" && e.value("cat", "") == "queue") {
            const std::string v = e["args"]["value"];
            INFO(e.dump());
            for (unsigned char c : v) CHECK(c >= 0x20);
            CHECK(v.find("\\x") == std::string::npos);
            ++values[e["args"]["queue"].get<std::string>() + ": " + v];
        }
    CHECK(values["pool tasks: ['A', 5]"] == 2);   // put and get
    CHECK(values["pool tasks: ['D', 3]"] == 2);
    CHECK(values["pool tasks: sentinel"] == 4);   // one per worker, put and get
    CHECK(values["pool results: A"] == 2);
    CHECK(values["pool results: D"] == 2);
}
