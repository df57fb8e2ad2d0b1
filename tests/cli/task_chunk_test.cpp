// TaskChunk through the real `parviz run`: each pool task says which chunk of
// the pool's task queue it came from (CPython's chunksize rule, input order).
#include "cli_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

using nlohmann::json;
using parviz::test::readFile;
using parviz::test::runParviz;
using parviz::test::TempDir;

TEST_CASE("every pool task in the export names the task-queue chunk it came from", "[cli][run][chunk]") {
    TempDir dir;
    std::string tasks;
    for (int i = 0; i < 10; ++i) tasks += std::string(i ? "," : "") + R"({"name":"T)" + std::to_string(i) + R"(","seconds":0.01})";
    const std::string file =
        dir.write("chunks.json", R"({"kind":"pool","pool_size":2,"chunksize":3,"tasks":[)" + tasks + "]}");
    const auto r = runParviz({"run", file, "--trace", dir.file("t.json")});
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const json t = json::parse(readFile(dir.file("t.json")));
    std::map<std::string, int> chunkOf;
    std::map<int, std::string> workerOfChunk;
    for (const auto& e : t["traceEvents"]) {
        if (e["ph"] != "X" || e.value("cat", "") != "task") continue;
        INFO(e.dump());
        REQUIRE(e["args"].contains("chunk"));
        const int index = e["args"]["index"];
        const int chunk = e["args"]["chunk"];
        CHECK(chunk == index / 3);   // chunks of 3 in input order: 0-2, 3-5, 6-8, 9
        chunkOf[e["name"]] = chunk;
        // A chunk is run by one worker from start to end.
        auto [it, fresh] = workerOfChunk.emplace(chunk, e["args"]["worker"]);
        if (!fresh) CHECK(it->second == e["args"]["worker"]);
    }
    CHECK(chunkOf.size() == 10);
    CHECK(workerOfChunk.size() == 4);
}

TEST_CASE("parviz run --jobs N --chunksize K runs N equal tasks in chunks of K, as the window's toolbar does", "[cli][run][chunk]") {
    TempDir dir;
    // pool's four jobs (11 s of work) cut into 10 equal tasks, in chunks of 4: 0-3, 4-7, 8-9.
    const auto r = runParviz({"run", "pool", "--jobs", "10", "--chunksize", "4", "--time-scale", "0.01", "--trace",
                              dir.file("t.json")});
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    const json t = json::parse(readFile(dir.file("t.json")));
    std::map<int, int> chunkOfIndex;
    for (const auto& e : t["traceEvents"])
        if (e["ph"] == "X" && e.value("cat", "") == "task") chunkOfIndex[e["args"]["index"]] = e["args"]["chunk"];
    REQUIRE(chunkOfIndex.size() == 10);
    for (const auto& [index, chunk] : chunkOfIndex) CHECK(chunk == index / 4);
    // Without the flags: the scenario's own four jobs.
    const auto plain = runParviz({"run", "pool", "--time-scale", "0.01", "--trace", dir.file("p.json")});
    REQUIRE(plain.exitCode == 0);
    int tasks = 0;
    const json p = json::parse(readFile(dir.file("p.json")));
    for (const auto& e : p["traceEvents"])
        if (e["ph"] == "X" && e.value("cat", "") == "task") ++tasks;
    CHECK(tasks == 4);
}
