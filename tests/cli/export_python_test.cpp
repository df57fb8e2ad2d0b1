// `parviz export-python`: every scenario becomes a Python program that CPython
// runs, printing per process what `parviz run` prints for the same scenario.
//
// Both sides really run. The program runs under /usr/bin/python3 through
// tests/cli/python/tag_output.py, which tags each printed line with the name of
// the process that printed it; parviz's side is read from its saved run (each
// Print event's process). Process names in the lines (Process-3,
// ForkPoolWorker-1) are normalised, since which worker gets which number is
// not the point; no line holds a pid or a time.
#include "cli_support.hpp"

#include "parviz/trace_io.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::runParviz;
using parviz::test::runProgram;
using parviz::test::TempDir;

namespace {

std::string normaliseNames(const std::string& line) {
    static const std::regex names("(Process|ForkPoolWorker|SpawnPoolWorker)-[0-9]+");
    return std::regex_replace(line, names, "<proc>");
}

// What each process printed: process name -> its lines, sorted (a multiset).
using Printed = std::map<std::string, std::vector<std::string>>;

void sortAll(Printed& p) {
    for (auto& [name, lines] : p) std::sort(lines.begin(), lines.end());
}

Printed fromTaggedOutput(const std::string& out) {
    Printed p;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;   // checked below: every line is tagged
        p[line.substr(0, tab)].push_back(normaliseNames(line.substr(tab + 1)));
    }
    sortAll(p);
    return p;
}

Printed fromSavedRun(const std::string& path) {
    auto trace = parviz::loadTrace(path);
    const auto meta = trace->meta();
    Printed p;
    for (std::size_t i = 0; i < trace->size(); ++i) {
        const parviz::Event& e = (*trace)[i];
        if (e.kind != parviz::EventKind::Print) continue;
        p[meta.procs.at(e.proc).name].push_back(normaliseNames(std::string(trace->string(e.a))));
    }
    sortAll(p);
    return p;
}

// The workers' multisets, as a sorted list (which worker is which is not the point).
std::vector<std::vector<std::string>> perWorker(const Printed& p) {
    std::vector<std::vector<std::string>> out;
    for (const auto& [name, lines] : p)
        if (name != "MainProcess") out.push_back(lines);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> allWorkers(const Printed& p) {
    std::vector<std::string> out;
    for (const auto& [name, lines] : p)
        if (name != "MainProcess") out.insert(out.end(), lines.begin(), lines.end());
    std::sort(out.begin(), out.end());
    return out;
}

std::string show(const Printed& p) {
    std::string s;
    for (const auto& [name, lines] : p) {
        s += name + ":\n";
        for (const auto& l : lines) s += "    '" + l + "'\n";
    }
    return s;
}

// Runs the scenario both ways with the same flags and compares. With
// `sameSchedule`, each worker's lines must match one worker's of the other
// side (the schedule is deterministic: pool, lock, process); otherwise only
// the workers' lines together (job-queue: who takes which task is a race).
void compareBothWays(const std::string& scenario, const std::vector<std::string>& flags, bool sameSchedule) {
    TempDir dir;
    std::vector<std::string> exportArgs{"export-python", scenario};
    exportArgs.insert(exportArgs.end(), flags.begin(), flags.end());
    const ExeResult ex = runParviz(exportArgs);
    INFO(describe(ex));
    REQUIRE(ex.exitCode == 0);
    const std::string program = dir.write("program.py", ex.out);
    const ExeResult py = runProgram(
        {"/usr/bin/python3", std::string(PARVIZ_SOURCE_DIR) + "/tests/cli/python/tag_output.py", program}, 120);
    INFO("python: " + describe(py));
    REQUIRE(py.exitCode == 0);
    CHECK(py.err.empty());
    CHECK(std::count(py.out.begin(), py.out.end(), '\n') == std::count(py.out.begin(), py.out.end(), '\t'));

    std::vector<std::string> runArgs{"run", scenario, "--save-run", dir.file("run.pvz")};
    runArgs.insert(runArgs.end(), flags.begin(), flags.end());
    const ExeResult run = runParviz(runArgs, 120);
    INFO("parviz run: " + describe(run));
    REQUIRE(run.exitCode == 0);

    const Printed cpython = fromTaggedOutput(py.out), parviz = fromSavedRun(dir.file("run.pvz"));
    INFO("CPython printed:\n" + show(cpython) + "parviz printed:\n" + show(parviz));
    REQUIRE(!parviz.empty());
    CHECK(cpython.count("MainProcess") == parviz.count("MainProcess"));
    if (parviz.count("MainProcess") && cpython.count("MainProcess"))
        CHECK(cpython.at("MainProcess") == parviz.at("MainProcess"));
    if (sameSchedule) CHECK(perWorker(cpython) == perWorker(parviz));
    else CHECK(allWorkers(cpython) == allWorkers(parviz));
}

} // namespace

TEST_CASE("every built-in scenario exported to Python prints, per process, what parviz run prints",
          "[cli][export-python]") {
    const std::vector<std::string> flags{"--time-scale", "0.1"};
    SECTION("cpu-count") { compareBothWays("cpu-count", flags, true); }
    SECTION("process") { compareBothWays("process", flags, true); }
    SECTION("queue") { compareBothWays("queue", flags, true); }
    SECTION("lock") { compareBothWays("lock", flags, true); }
    SECTION("job-queue") { compareBothWays("job-queue", flags, false); }
    SECTION("pool") { compareBothWays("pool", flags, true); }
    SECTION("pool-cpu") { compareBothWays("pool-cpu", flags, true); }
    // Equal (pool-sizes) and repeated (pool-uneven) durations: which worker
    // takes which chunk at a tie is a race, so compare all workers' lines.
    SECTION("pool-sizes") { compareBothWays("pool-sizes", flags, false); }
    SECTION("pool-uneven") { compareBothWays("pool-uneven", flags, false); }
}

TEST_CASE("the list of built-ins the export test covers is parviz list's", "[cli][export-python]") {
    const ExeResult r = runParviz({"list"});
    REQUIRE(r.exitCode == 0);
    std::vector<std::string> names;
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) names.push_back(line.substr(0, line.find(' ')));
    CHECK(names == std::vector<std::string>{"cpu-count", "job-queue", "lock", "pool", "pool-cpu", "pool-sizes",
                                            "pool-uneven", "process", "queue"});
}

TEST_CASE("a user's scenario files and the run flags export to programs that print what parviz run prints",
          "[cli][export-python]") {
    TempDir files;
    SECTION("a pool with mixed work, --workers and --chunksize") {
        const std::string f = files.write("mixed.json", R"js({"kind": "pool", "pool_size": 3, "chunksize": 2,
            "tasks": [{"name": "quick", "seconds": 0.5}, {"name": "spin", "seconds": 1, "work": "cpu"},
                      {"name": "nap", "seconds": 2}, {"name": "x'y \"z\"", "seconds": 0.25}]})js");
        compareBothWays(f, {"--time-scale", "0.1"}, true);
        // CPU work on 3 workers and 2 cores: whether B or C ends first (and so
        // who takes D) depends on the machine's load, so only the lines together.
        compareBothWays("pool", {"--workers", "3", "--work", "cpu", "--time-scale", "0.05"}, false);
    }
    SECTION("every pool method, and starmap over mixed work") {
        for (const char* m : {"imap", "imap_unordered", "starmap", "apply_async"}) {
            INFO(m);
            compareBothWays("pool", {"--method", m, "--time-scale", "0.1"}, true);
        }
        const std::string f = files.write("star.json", R"js({"kind": "pool", "method": "starmap",
            "tasks": [{"name": "quick", "seconds": 0.5}, {"name": "spin", "seconds": 0.5, "work": "cpu"}]})js");
        compareBothWays(f, {"--time-scale", "0.1"}, true);
    }
    SECTION("processes with the bare argument in the middle") {
        const std::string f = files.write("procs.json", R"js({"kind": "process", "args": ["Oceania", "", "Antarctica"],
            "default_arg": "Atlantis"})js");
        compareBothWays(f, {}, true);
    }
    SECTION("a job queue with named tasks of both kinds and a queue of many items") {
        const std::string jq = files.write("jobs.json", R"js({"kind": "job-queue", "processes": 3,
            "tasks": [{"name": "wash", "seconds": 0.2}, {"name": "dry", "seconds": 0.3, "work": "cpu"},
                      {"name": "fold", "seconds": 0.1}]})js");
        compareBothWays(jq, {}, false);
        std::string items;
        for (int i = 0; i < 40; ++i) items += (i ? ", \"" : "\"") + std::string("item ") + std::to_string(i) + "\"";
        compareBothWays(files.write("q.json", "{\"kind\": \"queue\", \"items\": [" + items + "]}"), {}, true);
    }
}

TEST_CASE("export-python's bad usage exits 2 naming the flag or the file", "[cli][export-python]") {
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    for (const Case& c : std::vector<Case>{
             {{"export-python"}, "missing the scenario"},
             {{"export-python", "pool", "--chunksize", "0"}, "--chunksize"},
             {{"export-python", "pool", "--chunksize=x"}, "--chunksize"},
             {{"export-python", "queue", "--workers", "3"}, "--workers"},
             {{"export-python", "lock", "--chunksize", "2"}, "--chunksize"},
             {{"export-python", "pool", "--kill-worker", "ForkPoolWorker-1@1"}, "--kill-worker"},
             {{"export-python", "pool", "--time-scale", "0"}, "--time-scale"},
             {{"export-python", "no-such-scenario.json"}, "no-such-scenario.json"},
         }) {
        const ExeResult r = runParviz(c.args);
        INFO(describe(r));
        CHECK(r.exitCode == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(c.says) != std::string::npos);
    }
    const ExeResult help = runParviz({"export-python", "--help"});
    CHECK(help.exitCode == 0);
    CHECK(help.out.find("--chunksize K") != std::string::npos);
    CHECK(runParviz({"--help"}).out.find("export-python") != std::string::npos);
}
