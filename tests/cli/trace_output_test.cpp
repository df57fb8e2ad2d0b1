// What a traced program prints: every line in the trace, texts of every
// length, a signal handler printing mid-write, source lines, the same
// tracebacks as untraced, every CPython from 3.8 on (and time.sleep as the
// builtin).
#include "cli_support.hpp"
#include "trace_support.hpp"

#include "parviz/chunks.hpp"
#include "parviz/explain.hpp"
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/views.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using parviz::Event;
using parviz::EventKind;
using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::runParviz;
using parviz::test::TempDir;
using namespace parviz::test::trace;

TEST_CASE("every line a traced program prints is in the trace with the process that printed it", "[cli][trace][python]") {
    TempDir dir;
    for (const std::string example : {"pool.py", "job_queue.py", "lock.py"}) {
        Traced t = traceExample(example, dir);
        INFO(example + "\n" + describe(t.result));
        REQUIRE(t.result.exitCode == 0);
        auto fromTrace = printed(*t.trace);
        auto fromProgram = t.programLines;
        std::sort(fromTrace.begin(), fromTrace.end());
        std::sort(fromProgram.begin(), fromProgram.end());
        CHECK(fromTrace == fromProgram);
        CHECK(!fromProgram.empty());
        // A line naming its process was printed by that process.
        for (std::size_t i = 0; i < t.trace->size(); ++i) {
            const Event& e = (*t.trace)[i];
            if (e.kind != EventKind::Print) continue;
            std::string line(t.trace->string(e.a));
            std::string who = procName(*t.trace, e.proc);
            if (line.rfind("Process-", 0) == 0 || line.rfind("ForkPoolWorker-", 0) == 0)
                CHECK(line.substr(0, line.find(' ')) == who);
        }
    }
}

TEST_CASE("a traced program's texts of every length reach the trace whole, the shortest carried in the event itself",
          "[cli][trace][python]") {
    // Up to 7 bytes a text travels in its slot (docs/python-trace-wire.md), longer ones through
    // the text area: printed lines and put previews on both sides of that bound, multi-byte too.
    TempDir dir;
    const std::string script = dir.write("texts.py", R"PY(
import multiprocessing as mp
words = ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "\u00e9", "\u00e9\u00e9\u00e9",
         "a\u00e9\u00e9\u00e9", "\u00e9\u00e9\u00e9\u00e9", "x" * 40]
if __name__ == "__main__":
    for w in words:
        print(w)
    q = mp.Queue()
    for v in (0, 7, 123456, 1234567, 12345678, "ab", "abcde", "abcdef"):
        q.put(v)
    for _ in range(8):
        q.get()
)PY");
    Traced t = traceScript(script, {}, dir, "texts");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    auto fromTrace = printed(*t.trace);
    std::sort(fromTrace.begin(), fromTrace.end());
    std::vector<std::string> expected{"", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh",
                                      "\u00e9", "\u00e9\u00e9\u00e9", "a\u00e9\u00e9\u00e9", "\u00e9\u00e9\u00e9\u00e9",
                                      std::string(40, 'x')};
    std::sort(expected.begin(), expected.end());
    CHECK(fromTrace == expected);
    std::vector<std::string> previews;
    for (std::size_t i = 0; i < t.trace->size(); ++i)
        if ((*t.trace)[i].kind == EventKind::QueuePut) previews.emplace_back(t.trace->string((*t.trace)[i].b));
    CHECK(previews == std::vector<std::string>{"0", "7", "123456", "1234567", "12345678", "'ab'", "'abcde'",
                                               "'abcdef'"});
}

TEST_CASE("a signal handler that prints while its thread is inside the tracer's ring write neither hangs the program "
          "nor is lost silently: its event is counted as lost and shown",
          "[cli][trace][python]") {
    // The ring's lock is taken by each event; a signal handler runs in the
    // main thread between two bytecodes, so it can come inside an emit. Before,
    // the handler's print then waited for the lock its own thread held: a hang.
    TempDir dir;
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/env", "-u", "PYTHONUNBUFFERED",
                             "/usr/bin/python3", kTestPrograms + "signal_print.py"},
                            60);
    INFO(describe(r));
    REQUIRE(!r.timedOut);
    REQUIRE(r.exitCode == 0);
    long dropped = -1, ticks = -1, tickWords = 0;
    std::istringstream out(r.out);
    std::string line;
    while (std::getline(out, line)) {
        if (line.rfind("dropped ", 0) == 0) dropped = std::stol(line.substr(8));
        if (line.rfind("ticks ", 0) == 0) ticks = std::stol(line.substr(6));
        // Counted as words: a handler can run inside another's print, between its pieces
        // ("ticktick 3" then " 2"), because the traced stdout's write is Python code.
        for (std::size_t at = line.find("tick"); at != std::string::npos; at = line.find("tick", at + 4))
            if (line.compare(at, 5, "ticks") != 0) ++tickWords;
    }
    CHECK(dropped >= 5);                 // the program ran until the tracer had dropped some
    CHECK(ticks > 0);
    CHECK(tickWords == ticks);           // every tick the handler printed reached stdout
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    CHECK(j["lost_events"].get<long>() >= dropped);
    CHECK(r.out.find("events were lost") != std::string::npos);
    CHECK(r.out.find("written by a signal handler while its own thread was mid-write") != std::string::npos);
}

TEST_CASE("a source line first asked for by a signal handler inside its thread's own ring write is found again later",
          "[cli][trace][python]") {
    // The handler's intern is refused mid-write (0: no line); the line must not
    // stay 0 for the rest of the run. The mid-write state is made by hand here
    // (the ring's lock held and `busy` set, as inside an emit), so it is certain.
    TempDir dir;
    const std::string script = dir.write("src_again.py",
        "import parviz_trace\n"
        "def say(x):\n"
        "    print(x)\n"
        "if __name__ == '__main__':\n"
        "    r = parviz_trace.ring()\n"
        "    r.lock.acquire()\n"
        "    r.busy = True\n"
        "    say('inside')\n"
        "    r.busy = False\n"
        "    r.lock.release()\n"
        "    say('after')\n");
    Traced t = traceScript(script, {}, dir, "src_again");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.programLines == std::vector<std::string>{"inside", "after"});
    REQUIRE(t.trace);
    const parviz::Trace& tr = *t.trace;
    std::string lineOfAfter;
    for (std::size_t i = 1; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::Print && tr.string(tr[i].a) == "after" && tr[i - 1].kind == EventKind::SourceLine &&
            tr[i - 1].proc == tr[i].proc)
            lineOfAfter = std::string(tr.string(tr[i - 1].a));
    CHECK(lineOfAfter == script + ":3");
    const std::vector<std::string> lines = printed(tr);
    CHECK(std::count(lines.begin(), lines.end(), "inside") == 0);   // dropped, and counted:
    CHECK(t.result.out.find("events were lost") != std::string::npos);
}

TEST_CASE("a traced program prints the same tracebacks as untraced: none of the tracer's frames, none of CPython's "
          "missing",
          "[cli][trace][python]") {
    // Pool's and ProcessPoolExecutor's remote tracebacks (formatted in the
    // worker), the caller's side of them, Queue.get's Empty, a Lock's
    // release, a Process child's and a thread's uncaught errors, and the
    // interpreter's own report of the error that ends the program.
    const std::string script = kTestPrograms + "tracebacks.py";
    const std::vector<std::string> program{"/usr/bin/env", "-u", "PYTHONUNBUFFERED", "/usr/bin/python3", script};
    const ExeResult plain = parviz::test::runProgram(program, 120);
    std::vector<std::string> argv{"trace", "--"};
    argv.insert(argv.end(), program.begin(), program.end());
    const ExeResult traced = runParviz(argv, 120);
    INFO(describe(traced));
    REQUIRE(plain.exitCode == 1);
    CHECK(traced.exitCode == 1);
    const std::vector<std::string> want = programErrLines(plain.err), got = programErrLines(traced.err);
    // The untraced run printed every traceback the program provokes.
    REQUIRE(std::count(want.begin(), want.end(), "Traceback (most recent call last):") >= 11);
    REQUIRE(std::find(want.begin(), want.end(), "== uncaught") != want.end());
    const std::string diff = firstDifference(want, got);
    INFO(diff);
    CHECK(diff.empty());
    CHECK(traced.err.find("parviz_trace") == std::string::npos);
}

TEST_CASE("every CPython from 3.8 on that this machine has traces a program that prints the same tracebacks as "
          "untraced, and an older one says it is too old and runs untraced",
          "[cli][trace][python]") {
    const auto pythons = otherPythons();
    if (pythons.empty())
        WARN("no CPython besides Debian's 3.11 here (~/.pyenv/versions): only 3.11 is traced by the other tests");
    const std::string script = kTestPrograms + "tracebacks.py";
    for (const auto& [version, exe] : pythons) {
        DYNAMIC_SECTION("CPython " << version) {
            TempDir dir;
            if (!atLeast38(version)) {
                const ExeResult r = runParviz({"trace", "--", exe, "-c", "print('still here')"});
                INFO(describe(r));
                CHECK(r.exitCode == 0);
                CHECK(r.out.rfind("still here", 0) == 0);
                CHECK(r.err.find("parviz: Python " + version + " is too old for parviz's tracer (it needs 3.8 or "
                                 "newer): the program runs untraced") != std::string::npos);
                continue;
            }
            const std::vector<std::string> program{"/usr/bin/env", "-u", "PYTHONUNBUFFERED", exe, script};
            const ExeResult plain = parviz::test::runProgram(program, 120);
            std::vector<std::string> argv{"trace", "--save-run", dir.file("run.pvz"), "--"};
            argv.insert(argv.end(), program.begin(), program.end());
            const ExeResult traced = runParviz(argv, 120);
            INFO(describe(traced));
            REQUIRE(plain.exitCode == 1);
            CHECK(traced.exitCode == 1);
            const std::string diff = firstDifference(programErrLines(plain.err), programErrLines(traced.err));
            INFO(diff);
            CHECK(diff.empty());
            // And it was traced: every Pool call's tasks ran in the workers.
            REQUIRE(traced.exitCode == 1);
            const auto tr = parviz::loadTrace(dir.file("run.pvz"));
            parviz::RunModel m;
            m.update(*tr);
            CHECK(m.tasks().size() >= 15);
            CHECK(queueNamed(m, *tr, "pool tasks") != nullptr);
        }
    }
}

TEST_CASE("under every CPython from 3.8 on a traced program's time.sleep is the builtin to the program: its own "
          "errors, repr, names, signature and pickle, and it does not bind as a method",
          "[cli][trace][python]") {
    auto pythons = otherPythons();
    pythons["Debian's"] = "/usr/bin/python3";
    const std::string probe = kTestPrograms + "sleep_probe.py";
    for (const auto& [version, exe] : pythons) {
        if (version != "Debian's" && !atLeast38(version)) continue;
        DYNAMIC_SECTION("CPython " << version) {
            TempDir dir;
            const std::vector<std::string> program{"/usr/bin/env", "-u", "PYTHONUNBUFFERED", exe, probe};
            const ExeResult plain = parviz::test::runProgram(program, 120);
            REQUIRE(plain.exitCode == 0);
            const Traced traced = traceScript(probe, {}, dir, "probe", exe);
            INFO(describe(traced.result));
            REQUIRE(traced.result.exitCode == 0);
            std::vector<std::string> plainLines;
            std::istringstream in(plain.out);
            for (std::string line; std::getline(in, line);) plainLines.push_back(line);
            REQUIRE(plainLines.size() > 30);
            const std::string diff = firstDifference(plainLines, traced.programLines);
            INFO(diff);
            CHECK(diff.empty());
        }
    }
}
