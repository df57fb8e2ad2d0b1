// Scenario files: every built-in loads as the tutorial describes it, a file
// survives scenarioToJson -> parseScenario, and every bad input ends in a
// ScenarioError naming the file, the field and the reason.
#include "parviz/listing.hpp"
#include "parviz/run.hpp"
#include "parviz/scenario.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sched.h>
#include <unistd.h>
#include <string>
#include <vector>

using namespace parviz;

namespace {

std::string errorOf(const std::string& text, const std::string& file = "bad.json") {
    try {
        parseScenario(text, file);
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "(no error)";
}

int usableCoresHere() {
    cpu_set_t set;
    CPU_ZERO(&set);
    REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
    return CPU_COUNT(&set);
}

bool sameScenario(const Scenario& a, const Scenario& b) {
    if (a.kind != b.kind || a.title != b.title || a.description != b.description || a.timeScale != b.timeScale ||
        a.args != b.args || a.defaultArg != b.defaultArg || a.items != b.items || a.processes != b.processes ||
        a.rounds != b.rounds || a.holdSeconds != b.holdSeconds || a.poolSize != b.poolSize ||
        a.poolSizePerCore != b.poolSizePerCore || a.chunksize != b.chunksize || a.jobSeconds != b.jobSeconds ||
        a.tasks.size() != b.tasks.size() || a.code.size() != b.code.size())
        return false;
    for (std::size_t i = 0; i < a.tasks.size(); ++i)
        if (a.tasks[i].name != b.tasks[i].name || a.tasks[i].seconds != b.tasks[i].seconds || a.tasks[i].work != b.tasks[i].work)
            return false;
    for (std::size_t i = 0; i < a.code.size(); ++i)
        if (a.code[i].text != b.code[i].text || a.code[i].anchor != b.code[i].anchor) return false;
    return true;
}

} // namespace

TEST_CASE("the nine built-in scenarios are found and each loads with a title, a description and a listing", "[scenario]") {
    auto names = builtinScenarioNames();
    std::vector<std::string> expected = {"cpu-count", "job-queue", "lock", "pool", "pool-cpu", "pool-sizes", "pool-uneven", "process", "queue"};
    for (const auto& e : expected) CHECK(std::find(names.begin(), names.end(), e) != names.end());
    for (const auto& n : names) {
        INFO(n);
        Scenario s = loadScenario(n);
        CHECK(s.name == n);
        CHECK_FALSE(s.title.empty());
        CHECK_FALSE(s.description.empty());
        CHECK(s.description.find('\n') == std::string::npos);
        const auto code = generateListing(s);
        CHECK(code.size() >= 3);
        bool anchored = std::any_of(code.begin(), code.end(), [](const auto& l) { return !l.anchor.empty(); });
        CHECK(anchored);
    }
}

TEST_CASE("the built-in scenarios carry the tutorial's parameters", "[scenario]") {
    SECTION("pool: Pool(2).map over A=5, B=2, C=1, D=3 seconds of sleep with CPython's chunksize") {
        Scenario s = loadScenario("pool");
        CHECK(s.kind == ScenarioKind::Pool);
        CHECK(s.poolSize == 2);
        CHECK(s.workers() == 2);
        CHECK_FALSE(s.chunksize.has_value());
        REQUIRE(s.tasks.size() == 4);
        const char* names[] = {"A", "B", "C", "D"};
        double secs[] = {5, 2, 1, 3};
        for (int i = 0; i < 4; ++i) {
            CHECK(s.tasks[i].name == names[i]);
            CHECK(s.tasks[i].seconds == secs[i]);
            CHECK(s.tasks[i].work == WorkKind::Sleep);
        }
    }
    SECTION("pool-cpu: the same tasks as cpu work on twice the usable cores") {
        Scenario s = loadScenario("pool-cpu");
        CHECK(s.poolSizePerCore == 2);
        CHECK(s.poolSize == 2 * usableCoresHere());
        REQUIRE(s.tasks.size() == 4);
        for (const auto& t : s.tasks) CHECK(t.work == WorkKind::Cpu);
        CHECK(s.tasks[0].seconds == 5);
    }
    SECTION("process: one process without an argument (Asia) and America, Europe, Africa") {
        Scenario s = loadScenario("process");
        CHECK(s.kind == ScenarioKind::Process);
        CHECK(s.args == std::vector<std::string>{"", "America", "Europe", "Africa"});
        CHECK(s.defaultArg == "Asia");
        CHECK(s.workers() == 4);
    }
    SECTION("queue: red, green, blue, black") {
        Scenario s = loadScenario("queue");
        CHECK(s.items == std::vector<std::string>{"red", "green", "blue", "black"});
    }
    SECTION("job-queue: ten tasks 'Task no N' of 0.5 s on four processes") {
        Scenario s = loadScenario("job-queue");
        CHECK(s.kind == ScenarioKind::JobQueue);
        CHECK(s.processes == 4);
        REQUIRE(s.tasks.size() == 10);
        CHECK(s.tasks[0].name == "Task no 0");
        CHECK(s.tasks[9].name == "Task no 9");
        CHECK(s.tasks[3].seconds == 0.5);
    }
    SECTION("lock and cpu-count") {
        Scenario l = loadScenario("lock");
        CHECK(l.kind == ScenarioKind::Lock);
        CHECK(l.processes == 4);
        CHECK(l.rounds >= 2);
        CHECK(loadScenario("cpu-count").kind == ScenarioKind::CpuCount);
    }
}

TEST_CASE("every built-in scenario survives scenarioToJson and parseScenario unchanged", "[scenario]") {
    for (const auto& n : builtinScenarioNames()) {
        INFO(n);
        Scenario s = loadScenario(n);
        Scenario back = parseScenario(scenarioToJson(s), n + ".json");
        CHECK(sameScenario(s, back));
    }
}

TEST_CASE("a task's own work wins over the scenario's, and defaults fill what a file leaves out", "[scenario]") {
    Scenario s = parseScenario(R"({"kind": "pool", "title": "Four jobs", "pool_size": 3, "chunksize": null, "work": "sleep",
        "tasks": [ {"name": "A", "seconds": 5}, {"name": "B", "seconds": 2, "work": "cpu"} ] })", "four.json");
    CHECK(s.name == "four");
    CHECK(s.poolSize == 3);
    CHECK(s.tasks[0].work == WorkKind::Sleep);
    CHECK(s.tasks[1].work == WorkKind::Cpu);
    CHECK(s.timeScale == 1.0);

    Scenario g = parseScenario(R"({"kind": "pool", "task_count": 40, "task_seconds": 0.1, "chunksize": 5})", "forty.json");
    CHECK(g.tasks.size() == 40);
    CHECK(g.chunksize == std::optional<std::size_t>(5));
    CHECK(g.tasks[39].seconds == 0.1);
    CHECK(g.title == "forty");

    Scenario c = parseScenario(R"j({"kind": "cpu-count", "code": ["print(1)", {"text": "x"}]})j", "c.json");
    REQUIRE(c.code.size() == 2);
    CHECK(c.code[0].text == "print(1)");
    CHECK(c.code[1].anchor.empty());
}

TEST_CASE("bad scenario files are rejected with the file, the field and the reason", "[scenario]") {
    struct Bad { const char* text; const char* field; const char* reason; };
    const Bad cases[] = {
        {"", "(top level)", "empty"},
        {"   \n\t ", "(top level)", "empty"},
        {"{\"kind\": \"pool\"", "(top level)", "not JSON"},
        {"kind: pool", "(top level)", "not JSON"},
        {"[1, 2]", "(top level)", "must be an object"},
        {"42", "(top level)", "must be an object"},
        {"{}", "kind", "missing"},
        {R"({"kind": 3})", "kind", "must be a string"},
        {R"({"kind": "threads"})", "kind", "unknown kind"},
        {R"({"kind": "pool", "tasks": []  , "colour": 1})", "colour", "unknown field"},
        {R"({"kind": "queue", "args": ["x"]})", "args", "unknown field"},
        {R"({"kind": "pool", "pool_size": 0, "tasks": []})", "pool_size", "between 1 and 1024"},
        {R"({"kind": "pool", "pool_size": 100000, "tasks": []})", "pool_size", "between 1 and 1024"},
        {R"({"kind": "pool", "pool_size": -3, "tasks": []})", "pool_size", "between 1 and 1024"},
        {R"({"kind": "pool", "pool_size": 2.5, "tasks": []})", "pool_size", "whole number"},
        {R"({"kind": "pool", "pool_size": "two", "tasks": []})", "pool_size", "x_cores"},
        {R"({"kind": "pool", "pool_size": "0x_cores", "tasks": []})", "pool_size", "x_cores"},
        {R"({"kind": "pool", "pool_size": true, "tasks": []})", "pool_size", "must be an integer"},
        {R"({"kind": "pool", "chunksize": 0, "tasks": []})", "chunksize", "between 1"},
        {R"({"kind": "pool", "chunksize": "auto", "tasks": []})", "chunksize", "must be an integer"},
        {R"({"kind": "pool", "method": "mapp", "tasks": []})", "method",
         "unknown method \"mapp\" (allowed: map, imap, imap_unordered, starmap, apply_async)"},
        {R"({"kind": "pool", "method": 3, "tasks": []})", "method", "must be a string"},
        {R"({"kind": "job-queue", "method": "imap"})", "method", "unknown field"},
        {R"({"kind": "pool"})", "tasks", "missing"},
        {R"({"kind": "pool", "tasks": {"name": "A"}})", "tasks", "must be a list"},
        {R"({"kind": "pool", "tasks": [5]})", "tasks[0]", "must be an object"},
        {R"({"kind": "pool", "tasks": [{"seconds": 1}]})", "tasks[0].name", "missing"},
        {R"({"kind": "pool", "tasks": [{"name": "A"}]})", "tasks[0].seconds", "missing"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}, {"name": "B", "seconds": 1}, {"name": "C", "seconds": -1}]})",
         "tasks[2].seconds", "must be between 0 and 3600, got -1"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 3601}]})", "tasks[0].seconds", "between 0 and 3600"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1e999}]})", "(top level)", "number overflow"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": "5"}]})", "tasks[0].seconds", "must be a number"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1, "work": "gpu"}]})", "tasks[0].work", "unknown work"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1, "prio": 1}]})", "tasks[0].prio", "unknown field"},
        {R"({"kind": "pool", "tasks": [{"name": 7, "seconds": 1}]})", "tasks[0].name", "must be a string"},
        {R"({"kind": "pool", "work": "io", "tasks": []})", "work", "unknown work"},
        {R"({"kind": "pool", "task_count": 1000001})", "task_count", "between 1 and 1000000"},
        {R"({"kind": "pool", "task_count": 0})", "task_count", "between 1 and 1000000"},
        {R"({"kind": "pool", "tasks": []})", "tasks", "empty: give at least one task"},
        {R"({"kind": "job-queue", "tasks": []})", "tasks", "empty: give at least one task"},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}, {"name": "B", "seconds": 2}, {"name": "A", "seconds": 3}]})",
         "tasks[2].name", "duplicate task name \"A\" (also tasks[0]): each task needs its own name"},
        {R"({"kind": "pool", "task_count": 3, "tasks": []})", "task_count", "not both"},
        {R"({"kind": "job-queue", "processes": 0})", "processes", "between 1 and 1024"},
        {R"({"kind": "job-queue", "task_seconds": -0.5})", "task_seconds", "between 0 and 3600"},
        {R"({"kind": "job-queue", "pool_size": 2})", "pool_size", "unknown field"},
        {R"({"kind": "lock", "rounds": 0})", "rounds", "between 1"},
        {R"({"kind": "lock", "hold_seconds": 99999})", "hold_seconds", "between 0 and 3600"},
        {R"({"kind": "lock", "processes": "4"})", "processes", "must be an integer"},
        {R"({"kind": "process", "args": "Asia"})", "args", "list of strings"},
        {R"({"kind": "process", "args": []})", "args", "1 to 1024"},
        {R"({"kind": "process", "args": ["Asia", 3]})", "args[1]", "must be a string"},
        {R"({"kind": "queue", "items": [null]})", "items[0]", "must be a string"},
        {R"({"kind": "cpu-count", "time_scale": 0})", "time_scale", "between 0.001 and 100"},
        {R"({"kind": "cpu-count", "time_scale": 1000})", "time_scale", "between 0.001 and 100"},
        {R"({"kind": "cpu-count", "title": 5})", "title", "must be a string"},
        {R"j({"kind": "cpu-count", "code": "print()"})j", "code", "must be a list"},
        {R"({"kind": "cpu-count", "code": [{"anchor": "Print"}]})", "code[0].text", "missing"},
        {R"({"kind": "cpu-count", "code": [{"text": "x", "anchor": "Teleport"}]})", "code[0].anchor", "unknown anchor"},
        {R"({"kind": "cpu-count", "code": [3]})", "code[0]", "must be a string or"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        std::string msg = errorOf(c.text);
        INFO(msg);
        CHECK(msg.rfind(std::string("bad.json: ") + c.field + ": ", 0) == 0);
        CHECK(msg.find(c.reason) != std::string::npos);
    }
}

TEST_CASE("hostile inputs end in a ScenarioError, not a crash: deep nesting, huge strings, bad UTF-8", "[scenario]") {
    SECTION("a hundred thousand nested arrays are refused before parsing") {
        std::string deep = "{\"kind\": \"pool\", \"tasks\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
        std::string msg = errorOf(deep);
        CHECK(msg.find("nested too deeply") != std::string::npos);
    }
    SECTION("a binary file (a PNG given by mistake) is named as binary, not as deep nesting") {
        std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '[') + std::string("\0\0", 2);
        std::string msg = errorOf(png);
        CHECK(msg.rfind("bad.json: (top level): not JSON: binary data (control byte 0x1a at byte 7)", 0) == 0);
        CHECK(msg.find("nested") == std::string::npos);
    }
    SECTION("brackets inside strings do not count as nesting") {
        std::string title(200, '[');
        CHECK_NOTHROW(parseScenario(R"({"kind": "cpu-count", "title": ")" + title + "\"}", "ok.json"));
    }
    SECTION("a task name over 256 bytes") {
        std::string name(257, 'x');
        std::string msg = errorOf(R"({"kind": "pool", "tasks": [{"name": ")" + name + R"(", "seconds": 1}]})");
        CHECK(msg.find("tasks[0].name: too long: 257 bytes") != std::string::npos);
    }
    SECTION("a ten-megabyte title") {
        std::string msg = errorOf(R"({"kind": "cpu-count", "title": ")" + std::string(10 << 20, 'a') + "\"}");
        CHECK(msg.find("title: too long") != std::string::npos);
    }
    SECTION("invalid UTF-8 in a name") {
        std::string msg = errorOf("{\"kind\": \"pool\", \"tasks\": [{\"name\": \"A\xff\xfe\", \"seconds\": 1}]}");
        CHECK(msg.find("bad.json: (top level): invalid UTF-8 at byte") == 0);
    }
    SECTION("a file over 64 MiB") {
        std::string big = "{\"kind\": \"cpu-count\", \"title\": \"" + std::string((64 << 20) + 10, ' ') + "\"}";
        CHECK(errorOf(big).find("file too large") != std::string::npos);
    }
}

TEST_CASE("loading by name or path: unknown names and unreadable files are ScenarioErrors", "[scenario]") {
    CHECK_THROWS_AS(loadScenario("no-such-demo"), ScenarioError);
    try {
        loadScenario("no-such-demo");
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()).find("pool") != std::string::npos);   // lists the built-ins
    }
    CHECK_THROWS_AS(loadScenario("/nonexistent/dir/x.json"), ScenarioError);
    CHECK_THROWS_AS(loadScenario("/tmp"), ScenarioError);

    std::string path = "/tmp/parviz_test_scenario_" + std::to_string(::getpid()) + ".json";
    {
        std::ofstream f(path);
        f << R"({"kind": "queue", "items": ["a", "b"]})";
    }
    Scenario s = loadScenario(path);
    CHECK(s.items == std::vector<std::string>{"a", "b"});
    CHECK(s.source == path);
    {
        std::ofstream f(path, std::ios::trunc);
    }
    try {
        loadScenario(path);
        FAIL("an empty file loaded");
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()).rfind(path + ": (top level): not JSON: the file is empty", 0) == 0);
    }
    std::remove(path.c_str());
}

TEST_CASE("a key given twice in one object is refused with its path, at any depth", "[scenario]") {
    struct Case {
        std::string text, message;
    };
    const std::string dup = ": duplicate key: given twice in the same object (JSON would keep only the last)";
    const std::vector<Case> cases{
        // Before: the last "kind" won and the lock demo ran.
        {R"({"kind": "pool", "kind": "lock"})", "bad.json: kind" + dup},
        {R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}, {"name": "B", "name": "C", "seconds": 1}]})",
         "bad.json: tasks[1].name" + dup},
        {R"({"kind": "pool", "pool_size": 2, "tasks": [{"name": "A", "seconds": 1}], "pool_size": 3})",
         "bad.json: pool_size" + dup},
        {R"({"kind": "pool", "code": [["x"], {"text": "a", "text": "b"}], "tasks": []})", "bad.json: code[1].text" + dup},
    };
    for (const auto& c : cases) CHECK(errorOf(c.text) == c.message);
    // The same key in two different objects is fine.
    CHECK_NOTHROW(parseScenario(
        R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}, {"name": "B", "seconds": 2}]})", "ok.json"));
}

TEST_CASE("a pool scenario's method is read, defaults to map and survives a round trip", "[scenario]") {
    CHECK(loadScenario("pool").method == PoolMethod::Map);
    for (PoolMethod m : kPoolMethods) {
        INFO(toString(m));
        const Scenario s = parseScenario(std::string(R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}], "method": ")") +
                                             toString(m) + "\"}",
                                         "m.json");
        CHECK(s.method == m);
        CHECK(parseScenario(scenarioToJson(s), "again.json").method == m);
        CHECK(parsePoolMethod(toString(m)) == m);
    }
    CHECK_FALSE(parsePoolMethod("Map"));
    CHECK_FALSE(parsePoolMethod(""));
}

TEST_CASE("a task list built in code (the window's editor) with no task or a repeated name cannot run, and says why",
          "[scenario]") {
    Scenario s = loadScenario("pool");
    CHECK(taskListProblem(s).empty());
    Scenario twice = s;
    twice.tasks[2].name = twice.tasks[0].name;
    CHECK(taskListProblem(twice) == "tasks[2].name: duplicate task name \"" + s.tasks[0].name +
                                        "\" (also tasks[0]): each task needs its own name");
    try {
        Run run(twice);
        FAIL("a Run with two tasks of one name was accepted");
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()).find("duplicate task name") != std::string::npos);
    }
    Scenario none = s;
    none.tasks.clear();
    CHECK(taskListProblem(none) == "tasks: empty: give at least one task");
    CHECK_THROWS_AS(Run(none), ScenarioError);
    // Kinds without a task table have no list to check.
    CHECK(taskListProblem(loadScenario("queue")).empty());
}
