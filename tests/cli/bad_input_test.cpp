// Bad scenario files and bad flags: every one ends with exit 2 and a message
// naming the problem; never a crash, a hang or a silently different run.
#include "cli_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <sys/stat.h>

using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::runParviz;
using parviz::test::TempDir;

namespace {

const std::string kTasks = R"("tasks": [{"name": "A", "seconds": 0.1}])";

struct BadFile {
    const char* what;
    std::string content;
    std::string mentions;   // the field (or "" when the file name is enough)
};

} // namespace

TEST_CASE("a bad scenario file exits 2 with a message naming the file and the problem", "[cli][run]") {
    const std::string hugeName(10 * 1024 * 1024, 'x');
    std::string nested(100000, '[');
    const std::vector<BadFile> cases{
        {"missing kind", R"({"title": "no kind", )" + kTasks + "}", "kind"},
        {"pool without tasks", R"({"kind": "pool", "pool_size": 2})", "tasks"},
        {"wrong type", R"({"kind": "pool", "pool_size": "two", )" + kTasks + "}", "pool_size"},
        {"negative duration", R"({"kind": "pool", "tasks": [{"name": "A", "seconds": -1}]})", "seconds"},
        {"absurd duration", R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1e9}]})", "seconds"},
        {"NaN-like duration", R"({"kind": "pool", "tasks": [{"name": "A", "seconds": "5"}]})", "seconds"},
        {"0 workers", R"({"kind": "pool", "pool_size": 0, )" + kTasks + "}", "pool_size"},
        {"100000 workers", R"({"kind": "pool", "pool_size": 100000, )" + kTasks + "}", "pool_size"},
        {"100000 processes", R"({"kind": "job-queue", "processes": 100000})", "processes"},
        {"unknown kind", R"({"kind": "banana"})", "kind"},
        {"unknown work", R"({"kind": "pool", "work": "dance", )" + kTasks + "}", "work"},
        {"unknown task work", R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1, "work": "dance"}]})",
         "work"},
        {"not JSON", "this is not json", ""},
        {"empty file", "", ""},
        {"deeply nested arrays", nested, ""},
        {"huge string", R"({"kind": "pool", "tasks": [{"name": ")" + hugeName + R"(", "seconds": 1}]})", "name"},
        {"bad UTF-8", "{\"kind\": \"pool\", \"title\": \"\xff\xfe\", " + kTasks + "}", ""},
        {"a top-level array", "[1, 2, 3]", ""},
        {"a key given twice", R"({"kind": "pool", "kind": "lock", )" + kTasks + "}", "kind: duplicate key"},
        {"a task's name given twice", R"({"kind": "pool", "tasks": [{"name": "A", "name": "B", "seconds": 0.1}]})",
         "tasks[0].name: duplicate key"},
        {"time scale out of range", R"({"kind": "pool", "time_scale": 0, )" + kTasks + "}", "time_scale"},
    };
    TempDir dir;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& c = cases[i];
        DYNAMIC_SECTION(c.what) {
            auto file = dir.write("bad" + std::to_string(i) + ".json", c.content);
            auto r = runParviz({"run", file, "--time-scale", "0.05"}, 30);
            INFO(describe(r));
            REQUIRE(!r.timedOut);
            REQUIRE(!r.signaled);
            CHECK(r.exitCode == 2);
            CHECK(r.err.find("bad" + std::to_string(i) + ".json") != std::string::npos);
            if (!c.mentions.empty()) CHECK(r.err.find(c.mentions) != std::string::npos);
            CHECK(r.err.size() < 4096);   // names the problem, does not echo a 10 MB value
            CHECK(r.out.find("Process") == std::string::npos);   // nothing ran
        }
    }
}

TEST_CASE("a missing scenario file or unknown scenario name exits 2 naming it", "[cli][run]") {
    for (std::string name : {"no-such-scenario", "/nonexistent/dir/x.json"}) {
        auto r = runParviz({"run", name}, 30);
        INFO(describe(r));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(name) != std::string::npos);
    }
}

TEST_CASE("bad flags exit 2 with a message naming the flag", "[cli][run]") {
    struct BadFlags {
        std::vector<std::string> args;
        std::string mentions;
    };
    const std::vector<BadFlags> cases{
        {{"run", "pool", "--workers", "0"}, "--workers"},
        {{"run", "pool", "--workers", "100000"}, "--workers"},
        {{"run", "pool", "--workers", "two"}, "--workers"},
        {{"run", "pool", "--workers", "1.5"}, "--workers"},
        {{"run", "pool", "--workers"}, "--workers"},
        {{"run", "pool", "--time-scale", "0"}, "--time-scale"},
        {{"run", "pool", "--time-scale", "1000"}, "--time-scale"},
        {{"run", "pool", "--time-scale", "nan"}, "--time-scale"},
        {{"run", "pool", "--time-scale", "-1"}, "--time-scale"},
        {{"run", "pool", "--work", "dance"}, "--work"},
        {{"run", "pool", "--work"}, "--work"},
        {{"run", "pool", "--kill-worker", "ForkPoolWorker-1"}, "--kill-worker"},
        {{"run", "pool", "--kill-worker", "ForkPoolWorker-1@-1"}, "--kill-worker"},
        {{"run", "pool", "--kill-worker", "@2"}, "--kill-worker"},
        {{"run", "pool", "--kill-worker", "ForkPoolWorker-1@soon"}, "--kill-worker"},
        {{"run", "pool", "--cores", "many"}, "--cores"},
        {{"run", "pool", "--bogus"}, "--bogus"},
        {{"run", "pool", "--trace"}, "--trace"},
        {{"run", "pool", "--summary-json"}, "--summary-json"},
        {{"run", "pool", "--trace", "/nonexistent/dir/t.json"}, "/nonexistent/dir/t.json"},
        {{"run"}, "scenario"},
        {{"run", "pool", "queue"}, "queue"},
        {{"run", "queue", "--workers", "3"}, "workers"},
        {{"list", "--bogus"}, "--bogus"},
        {{"frobnicate"}, "frobnicate"},
    };
    for (const auto& c : cases) {
        std::string label;
        for (const auto& a : c.args) label += a + " ";
        DYNAMIC_SECTION(label) {
            auto r = runParviz(c.args, 30);
            INFO(describe(r));
            REQUIRE(!r.timedOut);
            REQUIRE(!r.signaled);
            CHECK(r.exitCode == 2);
            CHECK(r.err.find(c.mentions) != std::string::npos);
        }
    }
}

namespace {

struct SpecialFileCase {
    std::vector<std::string> args;
    std::string mentions;
};

// Each case must exit 2 within 5 s, its message naming what the file is.
void checkRefusedAtOnce(const std::vector<SpecialFileCase>& cases) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const SpecialFileCase& c = cases[i];
        // The temporary directory differs on every pass: name sections by index.
        DYNAMIC_SECTION("case " << i) {
            auto t0 = std::chrono::steady_clock::now();
            auto r = runParviz(c.args, 20);
            INFO(describe(r));
            REQUIRE(!r.timedOut);
            CHECK(r.exitCode == 2);
            CHECK_THAT(r.err, Catch::Contains(c.mentions));
            CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
        }
    }
}

} // namespace

// No writer ever opens the FIFO: before the fix each of these blocked for
// ever or (on /dev/zero) read gigabytes; "run /dev/zero" said "empty".
TEST_CASE("a FIFO or a device as the scenario exits 2 at once naming what it is", "[cli][run]") {
    TempDir dir;
    const std::string fifo = dir.file("scenario.json");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    checkRefusedAtOnce({
        {{"run", fifo}, fifo + ": (top level): is a FIFO (named pipe), not a regular file"},
        {{"run", "/dev/zero"}, "/dev/zero: (top level): is a character device, not a regular file"},
    });
}

// The window's --open exists only in a build with the window (PARVIZ_BUILD_GUI,
// the default); a build without it (the sanitizer stage's) checks instead that
// `parviz gui` says so, and exits 2 without opening anything.
TEST_CASE("parviz run's --chunksize and --jobs refuse a scenario they cannot change, exit 2, running nothing", "[cli]") {
    checkRefusedAtOnce({
        {{"run", "lock", "--chunksize", "2"}, "--chunksize: lock is a lock scenario, which has no pool"},
        {{"run", "queue", "--jobs", "4"}, "tasks: the queue scenario has no task table to replace"},
        {{"run", "pool", "--jobs", "0"}, "--jobs '0': expected an integer from 1 to 1000000"},
        {{"run", "pool", "--chunksize", "big"}, "--chunksize 'big': expected an integer from 1 to 1000000"},
        {{"run", "pool", "--chunksize"}, "--chunksize: missing value"},
        {{"run", "process", "--work", "cpu"}, "--work: process is a process scenario, whose processes do no work"},
        {{"run", "cpu-count", "--work", "sleep"}, "--work: cpu-count is a cpu-count scenario, whose processes do no work"},
    });
}

#ifdef PARVIZ_TEST_HAVE_GUI
TEST_CASE("a FIFO or a device as the saved run to --open exits 2 at once naming what it is", "[cli][gui-open]") {
    TempDir dir;
    const std::string fifo = dir.file("run.pvz");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    checkRefusedAtOnce({
        {{"gui", "--open", fifo}, fifo + ": is a FIFO (named pipe), not a regular file"},
        {{"gui", "--open", "/dev/zero"}, "/dev/zero: is a character device, not a regular file"},
        {{"gui", "--open", dir.path()}, "is a directory, not a regular file"},
    });
}

TEST_CASE("the window's --chunksize and --jobs refuse a scenario they cannot change, exit 2, opening nothing", "[cli][gui-open]") {
    checkRefusedAtOnce({
        {{"gui", "lock", "--chunksize", "2"}, "--chunksize: lock is a lock scenario, which has no pool"},
        {{"gui", "queue", "--jobs", "4"}, "tasks: the queue scenario has no task table to replace"},
        {{"gui", "pool", "--jobs", "0"}, "--jobs '0': expected an integer from 1 to 1000000"},
        {{"gui", "pool", "--chunksize", "big"}, "--chunksize 'big': expected an integer from 1 to 1000000"},
    });
}
#else
TEST_CASE("a build without the window says so for parviz gui and exits 2, opening nothing", "[cli][gui-open]") {
    TempDir dir;
    const std::string fifo = dir.file("run.pvz");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    checkRefusedAtOnce({
        {{"gui", "--open", fifo}, "this build has no window"},
        {{"gui", "pool"}, "this build has no window"},
    });
}
#endif

TEST_CASE("an output path is checked before the run without leaving an empty file", "[cli][run]") {
    TempDir dir;
    // The scenario is bad, so the run never starts: the checked outputs must not exist.
    auto bad = dir.write("bad.json", R"({"kind": "pool"})");
    auto r = runParviz({"run", bad, "--trace", dir.file("t.json"), "--summary-json", dir.file("s.json"),
                        "--save-run", dir.file("r.pvz")},
                       20);
    INFO(describe(r));
    CHECK(r.exitCode == 2);
    auto r2 = runParviz({"run", "pool", "--trace", dir.path()}, 20);
    INFO(describe(r2));
    CHECK(r2.exitCode == 2);
    CHECK_THAT(r2.err, Catch::Contains("is a directory"));
    CHECK_FALSE(std::filesystem::exists(dir.file("t.json")));
    CHECK_FALSE(std::filesystem::exists(dir.file("s.json")));
    CHECK_FALSE(std::filesystem::exists(dir.file("r.pvz")));
}

TEST_CASE("escape sequences, BEL and NUL in task names reach the terminal escaped", "[cli][run]") {
    TempDir dir;
    // Before: written raw (the ESC recoloured the terminal, NUL cut the summary line short).
    auto file = dir.write("evil.json", R"({"kind": "pool", "pool_size": 2, "tasks": [)"
                                       R"({"name": "A\u001b[31mRED\u0007\u0000Z", "seconds": 1},)"
                                       R"({"name": "B\u009b2J", "seconds": 1}]})");
    // Both workers are killed mid-task, so both names are in the summary's failures.
    auto r = runParviz({"run", file, "--time-scale", "0.2", "--kill-worker", "ForkPoolWorker-1@0.5", "--kill-worker",
                        "ForkPoolWorker-2@0.5"},
                       60);
    INFO(describe(r));
    CHECK(r.exitCode == 1);   // the killed task is a failure
    for (const std::string* text : {&r.out, &r.err}) {
        for (char ch : *text) {
            auto c = static_cast<unsigned char>(ch);
            CHECK_FALSE(((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f));
        }
        CHECK(text->find("\xc2\x9b") == std::string::npos);
    }
    CHECK_THAT(r.out, Catch::Contains("Process A\\x1b[31mRED\\x07\\x00Z waiting"));   // the worker's print
    CHECK_THAT(r.out, Catch::Contains("task A\\x1b[31mRED\\x07\\x00Z failed"));        // the summary
    CHECK_THAT(r.out, Catch::Contains("task B\\xc2\\x9b2J failed"));
    auto bad = dir.write("kind.json", R"({"kind": "\u001b]0;owned\u0007"})");
    auto r2 = runParviz({"run", bad}, 30);
    INFO(describe(r2));
    CHECK(r2.exitCode == 2);
    CHECK_THAT(r2.err, Catch::Contains("unknown kind \"\\x1b]0;owned\\x07\""));
}
