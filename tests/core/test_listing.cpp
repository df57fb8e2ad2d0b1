// The Code panel's listing is generated from the scenario and the run's
// parameters (listing.hpp): it follows --workers, --work and chunksize, every
// kind gets one, and its anchors are ones the loader accepts.
#include "parviz/listing.hpp"
#include "parviz/scenario.hpp"
#include "parviz/views.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace parviz;

namespace {

std::string text(const std::vector<Scenario::CodeLine>& code) {
    std::string out;
    for (const auto& l : code) out += l.text + "\n";
    return out;
}

bool has(const std::vector<Scenario::CodeLine>& code, const std::string& s) {
    return text(code).find(s) != std::string::npos;
}

// The anchor of the first line holding `s` ("" if none, "?" if no such line).
std::string anchorOf(const std::vector<Scenario::CodeLine>& code, const std::string& s) {
    for (const auto& l : code)
        if (l.text.find(s) != std::string::npos) return l.anchor;
    return "?";
}

} // namespace

TEST_CASE("pool with --workers 4 --work cpu lists Pool(4) and the CPU work call", "[listing]") {
    const Scenario s = loadScenario("pool");
    ListingParams p;
    p.workers = 4;
    p.work = WorkKind::Cpu;
    const auto code = generateListing(s, p);
    INFO(text(code));
    CHECK(has(code, "p = Pool(4)"));
    CHECK_FALSE(has(code, "Pool(2)"));
    CHECK(has(code, "def spin_cpu(seconds):"));
    CHECK(anchorOf(code, "    spin_cpu(work_data[1])") == "State:Running");
    CHECK_FALSE(has(code, "time.sleep("));
    // What it prints follows the work: CPU work computes, it does not wait.
    CHECK(has(code, "    print(\" Process %s computing for %s seconds\" % (work_data[0], work_data[1]))"));
    CHECK_FALSE(has(code, "waiting"));
}

TEST_CASE("the pool's listing says what the scenario says: pool size, tasks, sleep, chunksize", "[listing]") {
    Scenario s = loadScenario("pool");
    SECTION("as the tutorial") {
        const auto code = generateListing(s);
        INFO(text(code));
        CHECK(has(code, "work = ([\"A\", 5], [\"B\", 2], [\"C\", 1], [\"D\", 3])"));
        CHECK(has(code, "p = Pool(2)"));
        CHECK(anchorOf(code, "time.sleep(work_data[1])") == "State:Sleeping");
        CHECK(anchorOf(code, "p.map(work_log, work)") == "QueueGet,PoolResult");
        CHECK_FALSE(has(code, "spin_cpu"));
        // The run closes and joins its pool (close()'s stop signals are drawn
        // on the task queue), and so do the listing and the exported program.
        CHECK(has(code, "p.join()"));
        CHECK(generatePythonProgram(s).find("    p.close()") != std::string::npos);
    }
    SECTION("a chunksize from the file or the parameters") {
        s.chunksize = 3;
        CHECK(has(generateListing(s), "p.map(work_log, work, chunksize=3)"));
        ListingParams p;
        p.chunksize = 2;
        CHECK(has(generateListing(s, p), "p.map(work_log, work, chunksize=2)"));
    }
    SECTION("mixed work branches on each task's kind") {
        s.tasks[1].work = WorkKind::Cpu;
        const auto code = generateListing(s);
        INFO(text(code));
        CHECK(has(code, "[\"B\", 2, \"cpu\"]"));
        CHECK(anchorOf(code, "spin_cpu(work_data[1])") == "State:Running");
        CHECK(anchorOf(code, "time.sleep(work_data[1])") == "State:Sleeping");
        CHECK(has(code, "    print(\" Process %s %s %s seconds\" % (work_data[0], \"computing for\" if work_data[2] == "
                        "\"cpu\" else \"waiting\", work_data[1]))"));
        // --work cpu makes every task CPU work: no branch any more.
        ListingParams p;
        p.work = WorkKind::Cpu;
        CHECK_FALSE(has(generateListing(s, p), "time.sleep("));
    }
}

TEST_CASE("pool-cpu's listing sizes the pool from the cores unless --workers says otherwise", "[listing]") {
    const Scenario s = loadScenario("pool-cpu");
    CHECK(has(generateListing(s), "p = Pool(2 * len(os.sched_getaffinity(0)))"));
    CHECK(has(generateListing(s), "import os"));
    ListingParams p;
    p.workers = 3;
    CHECK(has(generateListing(s, p), "p = Pool(3)"));
}

TEST_CASE("every built-in kind gets a listing whose anchors the loader accepts", "[listing]") {
    for (const std::string& name : builtinScenarioNames()) {
        INFO(name);
        Scenario s = loadScenario(name);
        CHECK(s.code.empty());   // the built-ins carry no hand-written listing any more
        s.code = generateListing(s);
        REQUIRE(s.code.size() >= 5);
        CHECK(std::any_of(s.code.begin(), s.code.end(), [](const auto& l) { return !l.anchor.empty(); }));
        // The loader checks every anchor against the vocabulary.
        CHECK_NOTHROW(parseScenario(scenarioToJson(s), name + ".json"));
    }
}

TEST_CASE("cpu-count's listing prints the usable cores only when they differ, as the run does", "[listing]") {
    const auto code = generateListing(loadScenario("cpu-count"));
    INFO(text(code));
    CHECK(has(code, "if usable != n:"));
    CHECK(anchorOf(code, "print(\"Number of usable cpu : \", usable)") == "Print");
    CHECK(anchorOf(code, "print(\"Number of cpu : \", n)") == "Print");
}

TEST_CASE("lock and job-queue listings follow --workers and --work", "[listing]") {
    ListingParams p;
    p.workers = 6;
    p.work = WorkKind::Cpu;
    SECTION("lock") {
        const auto code = generateListing(loadScenario("lock"), p);
        INFO(text(code));
        CHECK(has(code, "args=(lock, 3, 0.2)) for _ in range(6)]"));
        CHECK(anchorOf(code, "spin_cpu(hold)") == "State:Running");
        CHECK(has(generateListing(loadScenario("lock")), "for _ in range(4)]"));
    }
    SECTION("job-queue") {
        const auto tutorial = generateListing(loadScenario("job-queue"));
        INFO(text(tutorial));
        CHECK(has(tutorial, "number_of_task = 10"));
        CHECK(has(tutorial, "number_of_processes = 4"));
        CHECK(anchorOf(tutorial, "time.sleep(0.5)") == "State:Sleeping");
        const auto code = generateListing(loadScenario("job-queue"), p);
        CHECK(has(code, "number_of_processes = 6"));
        CHECK(anchorOf(code, "spin_cpu(0.5)") == "State:Running");
    }
}

TEST_CASE("a user's scenario file gets a listing; one with its own code keeps it", "[listing]") {
    SECTION("no code: generated from its fields") {
        const Scenario s = parseScenario(R"js({"kind": "pool", "pool_size": 3, "chunksize": 2, "work": "cpu",
            "tasks": [{"name": "x", "seconds": 1}, {"name": "y", "seconds": 2.5}]})js",
                                         "mine.json");
        const auto code = generateListing(s);
        INFO(text(code));
        CHECK(has(code, "work = ([\"x\", 1], [\"y\", 2.5])"));
        CHECK(has(code, "p = Pool(3)"));
        CHECK(has(code, "chunksize=2"));
        CHECK(has(code, "spin_cpu(work_data[1])"));
    }
    SECTION("process and queue files") {
        const Scenario pr = parseScenario(R"js({"kind": "process", "args": ["Oceania", "", "Antarctica"]})js", "p.json");
        const auto pc = generateListing(pr);
        INFO(text(pc));
        CHECK(has(pc, "names = [None, 'Oceania', 'Antarctica']") == false);
        CHECK(has(pc, "names = ['Oceania', None, 'Antarctica']"));
        const Scenario q = parseScenario(R"js({"kind": "queue", "items": ["it's", "b"]})js", "q.json");
        CHECK(has(generateListing(q), "colors = ['it\\'s', 'b']"));
    }
    SECTION("its own code, as written") {
        const Scenario s = parseScenario(R"js({"kind": "pool", "tasks": [{"name": "a", "seconds": 1}],
            "code": ["print(1)", {"text": "go()", "anchor": "TaskStart"}]})js",
                                         "own.json");
        ListingParams p;
        p.workers = 9;
        const auto code = generateListing(s, p);
        REQUIRE(code.size() == 2);
        CHECK(code[1].anchor == "TaskStart");
    }
}

TEST_CASE("a million generated tasks give a listing of a few dozen lines", "[listing]") {
    const Scenario s = parseScenario(R"js({"kind": "pool", "task_count": 1000000, "task_seconds": 0.001})js", "big.json");
    const auto code = generateListing(s);
    INFO(text(code));
    CHECK(code.size() < 40);
    CHECK(has(code, "for i in range(1000000)"));
    // Many named tasks: the first few, then a count.
    Scenario named = loadScenario("pool");
    named.tasks.clear();
    for (int i = 0; i < 50; ++i) named.tasks.push_back({"job" + std::to_string(i), 1.0 + i, WorkKind::Sleep});
    const auto nc = generateListing(named);
    INFO(text(nc));
    CHECK(nc.size() < 40);
    CHECK(has(nc, "42 more, 50 tasks in all"));
}

namespace {
std::string withoutSpaces(std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
}
} // namespace

TEST_CASE("a wrapped statement outside brackets ends with Python's continuation; a wrapped comment stays a comment",
          "[listing][wrap]") {
    // Newcomer walk, session 24: the Code panel at 1280x720 showed
    // "from multiprocessing" / "import Pool" (two statements to a reader) and
    // a wrapped comment whose second line had no "#" (read as code).
    const auto cols = [](std::string_view s) { return static_cast<float>(s.size()); };
    CHECK(wrapCodeLine("from multiprocessing import Pool", 24, cols) ==
          std::vector<std::string>{"from multiprocessing \\", "    import Pool"});
    const std::vector<std::string> c = wrapCodeLine("    # each worker takes the next task when it is free", 30, cols);
    REQUIRE(c.size() >= 2);
    for (std::size_t i = 0; i < c.size(); ++i) {
        INFO(i << ": [" << c[i] << "]");
        CHECK(c[i].size() <= 30);
        CHECK(c[i].find_first_not_of(' ') != std::string::npos);
        CHECK(c[i][c[i].find_first_not_of(' ')] == '#');   // every piece a comment
        CHECK(c[i].find('\\') == std::string::npos);      // no continuation inside a comment
    }
    // Code then a comment: the code's break is joined, the comment's pieces keep "#".
    const std::vector<std::string> t = wrapCodeLine("x = compute(a) + other  # add the two parts together now", 26, cols);
    INFO(t[0]);
    REQUIRE(t.size() >= 3);
    CHECK(t.back().find("# ") != std::string::npos);
}

TEST_CASE("a long code line wraps at token boundaries, never inside a string literal that fits", "[listing][wrap]") {
    // Columns as the measure: the Code panel passes ImGui's text width.
    const auto cols = [](std::string_view s) { return static_cast<float>(s.size()); };
    const std::string line = R"(        print("Process %s\tWaiting %s seconds" % (work_data[0], work_data[1])))";
    const std::vector<std::string> pieces = wrapCodeLine(line, 44, cols);
    REQUIRE(pieces.size() >= 2);
    std::string all;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const std::string& p = pieces[i];
        INFO(i << ": [" << p << "]");
        CHECK(p.size() <= 44);
        CHECK(std::count(p.begin(), p.end(), '"') % 2 == 0);   // the literal whole on one piece
        if (i > 0) CHECK(p.rfind("            ", 0) == 0);      // continued 4 past the line's indent
        all += p;
    }
    CHECK(withoutSpaces(all) == withoutSpaces(line));   // nothing lost
    CHECK(pieces[0] == R"(        print()");
    CHECK(pieces[1] == R"(            "Process %s\tWaiting %s seconds")");
    // A line that fits is itself.
    CHECK(wrapCodeLine("p = Pool(4)", 44, cols) == std::vector<std::string>{"p = Pool(4)"});
    // A literal wider than the panel: cut at the last character that fits, nothing lost.
    const std::string wide = R"(x = "abcdefghijklmnopqrstuvwxyz0123456789")";
    const std::vector<std::string> w = wrapCodeLine(wide, 16, cols);
    std::string wAll;
    for (const std::string& p : w) {
        CHECK(p.size() <= 16);
        wAll += p.ends_with(" \\") ? p.substr(0, p.size() - 2) : p;   // Python's line continuation is no text
    }
    CHECK(withoutSpaces(wAll) == withoutSpaces(wide));
    // A literal wider than the panel's continuation line but with spaces:
    // split at a space inside it, closed and reopened, so each piece is
    // valid Python and reads as the same string (not a quote left dangling).
    const std::string finished = R"(    print(" Process %s Finished." % work_data[0]))";
    const std::vector<std::string> f = wrapCodeLine(finished, 26, cols);
    CHECK(f == std::vector<std::string>{R"(    print()", R"(        " Process %s ")", R"(        "Finished." %)",
                                        R"(        work_data[0]))"});
    // The literal's prefix (f, r, b) is repeated where it reopens.
    const std::vector<std::string> fr = wrapCodeLine(R"(x = f"{a} and {b} and {c}")", 16, cols);
    REQUIRE(fr.size() >= 3);
    CHECK(fr[1] == R"(    f"{a} and ")");
    CHECK(fr[2].rfind(R"(    f"{b} )", 0) == 0);
    for (const std::string& p : fr) CHECK(p.size() <= 16);
    // A long dotted name is cut after a dot, never inside a name (a traced
    // program's `while not tasks_that_are_done.empty():` read ".e" / "mpty()").
    const std::vector<std::string> d = wrapCodeLine("        while not tasks_that_are_done.empty():", 40, cols);
    CHECK(d == std::vector<std::string>{"        while not tasks_that_are_done. \\", "            empty():"});
    // A space between statements beats an attribute's dot: the Code panel
    // read "p.start(); c.start(); p." / "join(); c.join()" and "res = p." / "map(work,".
    CHECK(wrapCodeLine("    p.start(); c.start(); p.join(); c.join()", 32, cols) ==
          std::vector<std::string>{"    p.start(); c.start(); \\", "        p.join(); c.join()"});
    CHECK(wrapCodeLine("        res = p.map(work, data)", 30, cols) ==
          std::vector<std::string>{"        res = \\", "            p.map(work, data)"});
    // Nor after a module's dot when a comma inside the call will do ("c = mp." / "Process(...").
    const std::vector<std::string> mp = wrapCodeLine(R"(    c = mp.Process(target=consumer, args=(q,), name="Consumer"))", 44, cols);
    INFO(mp[0]);
    CHECK(mp[0] == "    c = mp.Process(target=consumer,");
    const std::vector<std::string> narrow = wrapCodeLine(R"(    c = mp.Process(target=consumer, args=(q,), name="Consumer"))", 22, cols);
    INFO(narrow[0]);
    CHECK(narrow[0] == "    c = mp.Process(");
    CHECK(wrapCodeLine("x = 3.14159265358979", 10, cols).size() >= 2);   // a number has no dot boundary: cut, nothing lost
    // A list of pairs breaks between the pairs, not after a pair's own `[`.
    const std::vector<std::string> l = wrapCodeLine(R"(work = [["A", 5], ["B", 2], ["C", 1], ["D", 3]])", 36, cols);
    INFO(l[0]);
    CHECK(l[0] == R"(work = [["A", 5], ["B", 2],)");
    for (const std::string& p : l) CHECK((p.empty() || p.back() != '['));
    // In a comment an apostrophe is a word, not a literal: it wraps at its spaces.
    const std::vector<std::string> c = wrapCodeLine("# the worker's line, marked in its colour", 20, cols);
    REQUIRE(c.size() >= 2);
    CHECK(c[0] == "# the worker's line,");
}

TEST_CASE("a wrapped docstring keeps the student's quotes: a triple-quoted literal runs on, none added", "[listing][wrap]") {
    // Newcomer walk, session 30: """Count the primes below n, the slow way."""
    // was shown as """Count the primes " / "below n, the slow " / "way.""" —
    // read as "" then a one-quote literal, closed and reopened at each break.
    const auto cols = [](std::string_view s) { return static_cast<float>(s.size()); };
    const std::string line = R"(    """Count the primes below n, the slow way.""")";
    const std::vector<std::string> pieces = wrapCodeLine(line, 24, cols);
    REQUIRE(pieces.size() >= 2);
    std::string all;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        INFO(i << ": [" << pieces[i] << "]");
        CHECK(pieces[i].size() <= 24);
        all += pieces[i];
    }
    CHECK(std::count(all.begin(), all.end(), '"') == 6);   // the student's six, no more
    CHECK(withoutSpaces(all) == withoutSpaces(line));
    // After it, a one-quote literal is still closed and reopened as before.
    const std::vector<std::string> after = wrapCodeLine(R"(x = """a""" + "one two three four five")", 22, cols);
    std::string joined;
    for (const std::string& p : after) joined += p;
    INFO(joined);
    CHECK(std::count(joined.begin(), joined.end(), '"') > 8);   // the line's 8, and a close and reopen
    // A docstring over several lines: its middle and last lines are still in
    // it (no continuation "\\", no quote or "# " added), and code after it is code again.
    const std::vector<std::string> doc = {"    \"\"\"Count the primes below n.", "    It is slow: # not a comment, 'not a quote",
                                          "    either.\"\"\"", "    return count_all_of_them(n) + another_long_name"};
    char open = 0;
    std::vector<std::vector<std::string>> wrapped;
    for (const std::string& l : doc) {
        wrapped.push_back(wrapCodeLine(l, 22, cols, open));
        open = tripleQuoteAfter(l, open);
    }
    CHECK(open == 0);
    CHECK(tripleQuoteAfter(doc[0]) == '"');
    for (std::size_t i = 0; i < 3; ++i) {
        std::string piece;
        for (const std::string& p : wrapped[i]) {
            INFO(i << ": [" << p << "]");
            CHECK(p.size() <= 22);
            CHECK(p.find('\\') == std::string::npos);
            piece += p;
        }
        CHECK(withoutSpaces(piece) == withoutSpaces(doc[i]));   // nothing added, nothing lost
    }
    CHECK(wrapped[3].size() >= 2);
    CHECK(wrapped[3][0].back() == '\\');   // code again: continued as Python continues it
}
