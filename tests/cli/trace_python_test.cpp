// `parviz trace -- python3 examples/*.py`: our example programs traced under
// CPython (fork start method), read back from the saved run: the pool's task
// shapes are CPython's greedy schedule, queue items are conserved and paired,
// lock holds never overlap, every printed line is in the trace; and the
// command's exit status, bad input and stopping.
#include "cli_support.hpp"

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

namespace {

const std::string kExamples = std::string(PARVIZ_SOURCE_DIR) + "/examples/";
const std::string kTestPrograms = std::string(PARVIZ_SOURCE_DIR) + "/tests/cli/python/";

struct Traced {
    ExeResult result;
    std::shared_ptr<parviz::Trace> trace;
    std::vector<std::string> programLines;   // stdout up to the summary
};

// Runs `parviz trace --save-run` on python3 SCRIPT ARGS and loads the saved run.
Traced traceScript(const std::string& script, const std::vector<std::string>& args, const TempDir& dir,
                   const std::string& savedName) {
    Traced t;
    const std::string saved = dir.file(savedName + ".pvz");
    // Block-buffered stdout, as a pipe normally is (the test environment may
    // set PYTHONUNBUFFERED, and then the processes' print pieces interleave).
    std::vector<std::string> argv{"trace", "--save-run", saved, "--", "/usr/bin/env", "-u", "PYTHONUNBUFFERED",
                                  "/usr/bin/python3", script};
    argv.insert(argv.end(), args.begin(), args.end());
    t.result = runParviz(argv, 120);
    if (t.result.exitCode == 0) t.trace = parviz::loadTrace(saved);
    std::istringstream in(t.result.out);
    std::string line;
    while (std::getline(in, line) && line.rfind("Summary of ", 0) != 0) t.programLines.push_back(line);
    while (!t.programLines.empty() && t.programLines.back().empty()) t.programLines.pop_back();
    return t;
}

Traced traceExample(const std::string& example, const TempDir& dir) {
    return traceScript(kExamples + example, {}, dir, example);
}

std::string procName(const parviz::Trace& tr, parviz::ProcId p) { return tr.meta().procs.at(p).name; }

std::vector<std::string> printed(const parviz::Trace& tr) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::Print) out.emplace_back(tr.string(tr[i].a));
    return out;
}

// Greedy list scheduling in input order (REFERENCE.md): each task goes to the
// worker that becomes free first. The result: each worker's tasks, in order.
std::multiset<std::vector<std::string>> greedy(const std::vector<std::pair<std::string, double>>& tasks, int workers) {
    std::vector<double> freeAt(static_cast<std::size_t>(workers), 0);
    std::vector<std::vector<std::string>> got(static_cast<std::size_t>(workers));
    for (const auto& [name, secs] : tasks) {
        auto w = static_cast<std::size_t>(std::min_element(freeAt.begin(), freeAt.end()) - freeAt.begin());
        freeAt[w] += secs;
        got[w].push_back(name);
    }
    return {got.begin(), got.end()};
}

} // namespace

TEST_CASE("a traced Pool.map gives each worker the tasks of CPython's greedy schedule", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("pool.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    std::map<parviz::ProcId, std::vector<std::string>> byWorker;
    std::map<std::int32_t, int> ends;
    for (std::size_t i = 0; i < t.trace->size(); ++i) {
        const Event& e = (*t.trace)[i];
        if (e.kind == EventKind::TaskStart) byWorker[e.proc].emplace_back(t.trace->string(e.a));
        if (e.kind == EventKind::TaskEnd && !(e.flags & 1)) ++ends[e.obj];
    }
    std::multiset<std::vector<std::string>> shapes;
    for (const auto& [proc, names] : byWorker) {
        CHECK(procName(*t.trace, proc).rfind("ForkPoolWorker-", 0) == 0);
        shapes.insert(names);
    }
    CHECK(shapes == greedy({{"('A', 5)", 5}, {"('B', 2)", 2}, {"('C', 1)", 1}, {"('D', 3)", 3}}, 2));
    CHECK(ends == std::map<std::int32_t, int>{{0, 1}, {1, 1}, {2, 1}, {3, 1}});   // indices in input order, each done once
}

TEST_CASE("a traced job queue conserves its items and shows the feeder race's Empty", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("job_queue.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::map<std::uint64_t, int> puts, gets;
    std::map<std::uint64_t, std::int64_t> putT;
    std::map<std::int32_t, std::vector<const Event*>> byQueue;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::QueuePut) ++puts[e.a], putT[e.a] = e.t;
        if (e.kind == EventKind::QueueGet) {
            ++gets[e.a];
            CHECK(puts.count(e.a) == 1);   // every get is paired with a put seen before it
        }
        if (e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet || e.kind == EventKind::QueueEmpty)
            byQueue[e.obj].push_back(&e);
    }
    // The race's pings (one per attempt until Empty showed), ten jobs, ten done lines.
    CHECK(puts.size() >= 1 + 10 + 10);
    CHECK(puts.size() <= 50 + 10 + 10);
    for (const auto& [item, n] : puts) CHECK(n == 1);
    for (const auto& [item, n] : gets) CHECK(n == 1);   // each put taken at most once
    CHECK(gets.size() == puts.size());   // and here, every one taken
    // Each task was started (printed as taken) exactly once.
    std::map<std::string, int> taken;
    for (const auto& line : printed(tr))
        if (auto at = line.find(" taken by "); at != std::string::npos) ++taken[line.substr(0, at)];
    CHECK(taken.size() == 10);
    for (const auto& [task, n] : taken) CHECK(n == 1);
    // The feeder race: on the first queue, Empty is raised right after a put
    // whose item has not been taken yet; that item's get comes after.
    REQUIRE(!byQueue.empty());
    const auto& first = byQueue.begin()->second;
    REQUIRE(first.size() >= 3);
    const auto empty = std::find_if(first.begin(), first.end(), [](const Event* e) { return e->kind == EventKind::QueueEmpty; });
    REQUIRE(empty != first.end());
    REQUIRE(empty != first.begin());
    const Event* put = *(empty - 1);
    CHECK(put->kind == EventKind::QueuePut);
    REQUIRE(empty + 1 != first.end());
    CHECK((*(empty + 1))->kind == EventKind::QueueGet);
    CHECK((*(empty + 1))->a == put->a);   // the get that finally took the item put before Empty
}

TEST_CASE("a traced Lock is held by one process at a time", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("lock.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::map<std::int32_t, parviz::ProcId> owner;   // lock -> holder
    int holds = 0, waits = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockWait) ++waits;
        if (e.kind == EventKind::LockAcquire) {
            CHECK(owner.count(e.obj) == 0);   // nobody holds it: intervals never overlap
            owner[e.obj] = e.proc;
            ++holds;
        }
        if (e.kind == EventKind::LockRelease) {
            REQUIRE(owner.count(e.obj) == 1);
            CHECK(owner[e.obj] == e.proc);
            owner.erase(e.obj);
        }
    }
    CHECK(holds == 12);
    CHECK(waits > 0);   // four processes, one lock: someone waited
    CHECK(owner.empty());
    CHECK(tr.meta().countOf(parviz::ObjectKind::Lock) == 1);   // the Queue-less program's one Lock; no internal locks shown
}

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

TEST_CASE("parviz trace exits with the program's status and names a bad program", "[cli][trace]") {
    TempDir dir;
    const std::string script =
        dir.write("exit3.py", "import os, sys\nprint('bye', os.environ['PARVIZ_TRACE_DIR'])\nsys.exit(3)\n");
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", script});
    INFO(describe(r));
    CHECK(r.exitCode == 3);
    REQUIRE(r.out.rfind("bye /", 0) == 0);
    const std::string ringDir = r.out.substr(4, r.out.find('\n') - 4);
    struct stat st {};
    CHECK(::stat(ringDir.c_str(), &st) != 0);   // parviz removed its ring directory
    const std::string killed = dir.write("killed.py", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n");
    CHECK(runParviz({"trace", "--", "/usr/bin/python3", killed}).exitCode == 128 + 9);

    ExeResult missing = runParviz({"trace", "--", dir.file("no-such-program")});
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.find("no-such-program") != std::string::npos);
    const std::string notExec = dir.write("plain.txt", "hello\n");
    ExeResult ne = runParviz({"trace", notExec});
    CHECK(ne.exitCode == 2);
    CHECK(ne.err.find("plain.txt: not an executable file") != std::string::npos);
    CHECK(runParviz({"trace", "no-such-command-anywhere-xyz"}).exitCode == 2);
    CHECK(runParviz({"trace"}).exitCode == 2);
    CHECK(runParviz({"trace", "--bogus", "python3"}).exitCode == 2);
    // A window flag without --gui names what is missing (the newcomer got only "unknown flag").
    ExeResult shot = runParviz({"trace", "--screenshot", "x.png", "--", "python3", "-c", "pass"});
    CHECK(shot.exitCode == 2);
    CHECK(shot.err.find("--screenshot: a window flag: give --gui first") != std::string::npos);
    CHECK(runParviz({"trace", "--presentation", "python3"}).err.find("give --gui first") != std::string::npos);
}

TEST_CASE("parviz trace of a script python3 cannot open says the program exited 2 and that parviz exits with it",
          "[cli][trace]") {
    TempDir dir;
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", dir.file("no-such-script.py")});
    INFO(describe(r));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("can't open file") != std::string::npos);   // python3's own words
    // parviz's: what the program's status was, and that it is parviz's too.
    CHECK(r.err.find("parviz trace: the program (/usr/bin/python3 " + dir.file("no-such-script.py") +
                     ") ended with exit 2; parviz trace exits with the program's status: 2") != std::string::npos);
    // A program that succeeds: no such line.
    const std::string ok = dir.write("ok.py", "print('fine')\n");
    ExeResult good = runParviz({"trace", "--", "/usr/bin/python3", ok});
    CHECK(good.exitCode == 0);
    CHECK(good.err.find("exits with the program's status") == std::string::npos);
}

TEST_CASE("a program that cannot load the hook runs untraced, with a message", "[cli][trace]") {
    TempDir dir;
    const std::string script = dir.write("slow.py", "import time\ntime.sleep(3.5)\nprint('still here')\n");
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", "-I", script});
    INFO(describe(r));
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("still here") != std::string::npos);
    CHECK(r.err.find("has not loaded the tracer") != std::string::npos);
}

TEST_CASE("Ctrl-C ends the traced program's whole process group and parviz exits 130", "[cli][trace]") {
    TempDir dir;
    // The program and a child both write their pids, then sleep.
    const std::string pids = dir.file("pids");
    const std::string script = dir.write("sleepers.py",
        "import os, time\nfrom multiprocessing import Process\n"
        "def child():\n    open(" + std::string("'") + pids + "', 'a').write('%d\\n' % os.getpid())\n    time.sleep(60)\n"
        "if __name__ == '__main__':\n    p = Process(target=child)\n    p.start()\n"
        "    open('" + pids + "', 'a').write('%d\\n' % os.getpid())\n    time.sleep(60)\n");
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execl(PARVIZ_EXE, PARVIZ_EXE, "trace", "--", "/usr/bin/python3", script.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    std::vector<pid_t> started;
    for (int i = 0; i < 200 && started.size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        started.clear();
        std::ifstream in(pids);
        for (pid_t p; in >> p;) started.push_back(p);
    }
    REQUIRE(started.size() == 2);
    const auto t0 = std::chrono::steady_clock::now();
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK(took < 1.5);
    for (pid_t p : started) CHECK((kill(p, 0) != 0 && errno == ESRCH));   // nothing left running
}

TEST_CASE("every process of a program is traced whichever start method it uses (fork or spawn or forkserver)",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "start_methods.py", {method}, dir, method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    const std::string poolPrefix = method == "fork" ? "ForkPoolWorker-" : method == "spawn" ? "SpawnPoolWorker-"
                                                                                            : "ForkServerPoolWorker-";
    // Processes: the two children and the two pool workers, each started and
    // exited; helpers (resource tracker, fork server) labelled as such.
    std::set<std::string> children, workers, helpers;
    for (std::size_t p = 1; p < meta.procs.size(); ++p) {
        const auto& info = meta.procs[p];
        if (info.role == parviz::ProcRole::PoolWorker) workers.insert(info.name);
        else if (info.role == parviz::ProcRole::ForkServer) helpers.insert(info.name);
        else children.insert(info.name);
    }
    CHECK(children == std::set<std::string>{"Process-1", "Process-2"});
    REQUIRE(workers.size() == 2);
    for (const auto& w : workers) CHECK(w.rfind(poolPrefix, 0) == 0);
    if (method == "fork") CHECK(helpers.empty());
    if (method == "spawn") CHECK(helpers == std::set<std::string>{"resource_tracker"});
    if (method == "forkserver") CHECK(helpers == std::set<std::string>{"forkserver", "resource_tracker"});
    // The Lock, made by the parent, acquired and released in each child; the
    // Queue's items put by the children and taken by the parent, paired.
    // (The pool's own task queue is traced too: it is checked below.)
    std::map<parviz::ProcId, int> holds;
    std::map<std::uint64_t, parviz::ProcId> putBy;
    int gets = 0, poolPuts = 0, poolGets = 0, poolResults = 0;
    std::set<std::int32_t> tasks;
    const auto queueNamed = [&](std::int32_t id) { return meta.objectName(parviz::ObjectKind::Queue, id); };
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) ++holds[e.proc];
        if ((e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet) && queueNamed(e.obj) == "pool tasks") {
            ++(e.kind == EventKind::QueuePut ? poolPuts : poolGets);
            if (e.kind == EventKind::QueueGet) CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            continue;
        }
        if ((e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet) && queueNamed(e.obj) == "pool results") {
            // Results handed back: put by a worker (or MainProcess's terminate: the result handler's stop), taken
            // by MainProcess's result handler.
            if (e.kind == EventKind::QueueGet) CHECK(e.proc == parviz::kParentProc);
            if (e.kind == EventKind::QueuePut && e.proc != parviz::kParentProc) {
                ++poolResults;
                CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            }
            continue;
        }
        if (e.kind == EventKind::QueuePut) putBy[e.a] = e.proc;
        if (e.kind == EventKind::QueueGet) {
            ++gets;
            REQUIRE(putBy.count(e.a) == 1);
            CHECK(procName(tr, putBy[e.a]).rfind("Process-", 0) == 0);
            CHECK(e.proc == parviz::kParentProc);
        }
        if (e.kind == EventKind::TaskEnd && !(e.flags & 1)) {
            CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            tasks.insert(e.obj);
        }
    }
    CHECK(holds.size() == 2);
    for (const auto& [proc, n] : holds) CHECK((procName(tr, proc).rfind("Process-", 0) == 0 && n == 1));
    CHECK(meta.countOf(parviz::ObjectKind::Lock) == 1);
    CHECK(putBy.size() == 2);
    CHECK(gets == 2);
    CHECK(tasks == std::set<std::int32_t>{0, 1, 2, 3});   // each of map's tasks once, in input order
    // Pool(2).map over four items: four chunks of one, then a stop signal per worker, each taken by a worker.
    CHECK(poolPuts == 6);
    CHECK(poolGets == 6);
    CHECK(poolResults == 4);   // each chunk's result handed back
    auto fromTrace = printed(tr);
    auto fromProgram = t.programLines;
    std::sort(fromTrace.begin(), fromTrace.end());
    std::sort(fromProgram.begin(), fromProgram.end());
    CHECK(fromTrace == fromProgram);
}

TEST_CASE("a traced with-Pool block whose exit terminates the workers is not a failure and its sequential time is "
          "the measured in-task time",
          "[cli][trace][python]") {
    TempDir dir;
    // Pool.__exit__ calls terminate(): each worker still alive gets SIGTERM
    // (whether a worker already left on its own sentinel is a race in
    // CPython); the plain Process is terminated for certain.
    const std::string script = dir.write("with_pool.py",
        "import time\nfrom multiprocessing import Pool, Process\n"
        "def nap(s):\n    time.sleep(s)\n    return s\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        print(p.map(nap, [0.05] * 4, chunksize=1))\n"
        "    sleeper = Process(target=time.sleep, args=(30,))\n"
        "    sleeper.start()\n    time.sleep(0.05)\n    sleeper.terminate()\n    sleeper.join()\n"
        "    print('sleeper exit code', sleeper.exitcode)\n");
    const std::string summary = dir.file("summary.json");
    const std::string chrome = dir.file("trace.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--trace", chrome, "--", "/usr/bin/python3", script});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("sleeper exit code -15") != std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["failures"].empty());
    double inTask = 0;
    int workers = 0;
    bool sleeperSeen = false;
    for (const auto& w : j["workers"]) {
        CHECK(w["killed"] == false);   // terminate() is CPython's normal way out, not a kill
        inTask += w["in_task_s"].get<double>();
        if (w["signal"] == 15) CHECK(w["terminated_by_program"] == true);
        if (w["role"] == "pool worker") ++workers;
        if (w["name"] == "Process-3") {
            sleeperSeen = true;
            CHECK(w["signal"] == 15);
            CHECK(w["terminated_by_program"] == true);
        }
    }
    CHECK(workers == 2);
    CHECK(sleeperSeen);
    CHECK(j["worker_count"] == 2);   // the processes that ran tasks
    CHECK(j["sequential_measured"] == true);
    CHECK(j["sequential_s"].get<double>() >= 0.2);
    CHECK(j["sequential_s"].get<double>() == Approx(inTask).epsilon(1e-6));
    CHECK(r.out.find("measured in-task times") != std::string::npos);
    CHECK(r.out.find("SIGTERM (15) by terminate()") != std::string::npos);
    CHECK(parviz::test::readFile(chrome).find("\"failure\"") == std::string::npos);
}

TEST_CASE("every Pool form and ProcessPoolExecutor run their items as traced tasks in their workers",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "pool_api.py", {method}, dir, "pool_api_" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    std::map<std::string, std::int32_t> indexOf;   // task name -> index
    std::map<std::string, std::string> ranOn;      // task name -> worker
    std::set<std::int32_t> indices;
    std::set<std::string> failed;
    int starts = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::TaskStart) {
            ++starts;
            const std::string name(tr.string(e.a));
            CHECK(indexOf.count(name) == 0);   // each item ran once
            indexOf[name] = e.obj;
            ranOn[name] = procName(tr, e.proc);
            CHECK(meta.procs.at(e.proc).role == parviz::ProcRole::PoolWorker);
            CHECK(indices.insert(e.obj).second);   // no two tasks share an index
        }
        if (e.kind == EventKind::TaskEnd && (e.flags & 1)) failed.insert(std::string(tr.string(e.a)));
    }
    std::set<std::string> names;
    for (const auto& [n, i] : indexOf) names.insert(n);
    const std::set<std::string> expected{"1", "2", "3", "4", "5", "(6, 1)", "(7, 1)", "(8, 1)", "10", "11", "12", "13",
                                         "14", "15", "16", "17", "18", "(19, 1)", "20", "30", "31", "32", "33"};
    CHECK(names == expected);
    CHECK(starts == 23);
    CHECK(failed == std::set<std::string>{"20"});   // apply(fail, ...) raised in the worker
    // Announced jobs number their items in input order, chunked or not.
    for (const auto& run : {std::vector<std::string>{"1", "2", "3"}, {"4", "5"}, {"(6, 1)", "(7, 1)"},
                            {"10", "11", "12"}, {"13", "14", "15"}, {"16", "17"}}) {
        for (std::size_t k = 1; k < run.size(); ++k) {
            INFO(run[k - 1] + " then " + run[k]);
            CHECK(indexOf[run[k]] == indexOf[run[k - 1]] + 1);
        }
    }
    const std::string poolPrefix = method == "fork" ? "ForkPoolWorker-" : method == "spawn" ? "SpawnPoolWorker-"
                                                                                            : "ForkServerPoolWorker-";
    for (const auto& [name, worker] : ranOn) {
        INFO(name);
        const bool executor = name == "30" || name == "31" || name == "32" || name == "33";
        CHECK((worker.rfind(poolPrefix, 0) == 0) == !executor);   // executor workers are its own processes
    }
}

TEST_CASE("a tracer that cannot write its ring never breaks the program it traces", "[cli][trace][python]") {
    // The ring directory is gone (as when parviz has ended while the program
    // lingers): every hook must fall back to what CPython does untraced.
    TempDir dir;
    const std::string script = dir.write("no_ring.py",
        "import multiprocessing as mp\n"
        "def sq(x):\n    return x * x\n"
        "def child(q, lock):\n    with lock:\n        q.put('from child')\n"
        "if __name__ == '__main__':\n"
        "    q, lock = mp.Queue(), mp.Lock()\n"
        "    p = mp.Process(target=child, args=(q, lock))\n    p.start()\n    print(q.get())\n    p.join()\n"
        "    with mp.Pool(2) as pool:\n        print(pool.map(sq, [1, 2, 3]))\n");
    ExeResult r = parviz::test::runProgram({"/usr/bin/env", "PYTHONPATH=" + std::string(PARVIZ_SOURCE_DIR) + "/python",
                                            "PARVIZ_TRACE_DIR=" + dir.file("no-such-dir"), "/usr/bin/python3", script});
    INFO(describe(r));
    CHECK(r.exitCode == 0);
    CHECK(r.out == "from child\n[1, 4, 9]\n");
}

TEST_CASE("a pool worker killed mid-task is shown hanging Pool.map as in CPython and Ctrl-C ends everything",
          "[cli][trace][python]") {
    TempDir dir;
    const std::string out = dir.file("out"), err = dir.file("err"), saved = dir.file("killed.pvz"),
                      summary = dir.file("summary.json");
    const std::string example = kExamples + "killed_worker.py";
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600), e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        execl(PARVIZ_EXE, PARVIZ_EXE, "trace", "--save-run", saved.c_str(), "--summary-json", summary.c_str(), "--",
              "/usr/bin/python3", example.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // CPython hangs here for ever: wait for parviz to say why (it says so live).
    bool told = false;
    for (int i = 0; i < 400 && !told; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        told = parviz::test::readFile(err).find("waits forever") != std::string::npos;
    }
    const std::string errText = parviz::test::readFile(err);
    INFO(parviz::test::readFile(out) + "\n--- stderr\n" + errText);
    REQUIRE(told);
    CHECK(errText.find("died while running ('C', 2)") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status = 0;
    REQUIRE(waitpid(pid, &status, WNOHANG) == 0);   // still hanging, as CPython does
    const auto t0 = std::chrono::steady_clock::now();
    kill(pid, SIGINT);
    waitpid(pid, &status, 0);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK(took < 1.5);

    auto tr = parviz::loadTrace(saved);
    const parviz::TraceMeta meta = tr->meta();
    CHECK(meta.incomplete);
    std::map<std::string, int> done;
    std::set<std::string> startedNames;
    std::vector<pid_t> pids;
    std::string killed;
    for (std::size_t i = 0; i < tr->size(); ++i) {
        const Event& e = (*tr)[i];
        if (e.kind == EventKind::ProcStart) pids.push_back(static_cast<pid_t>(e.a));
        if (e.kind == EventKind::ProcExit && static_cast<std::int64_t>(e.a) == -SIGKILL) killed = procName(*tr, e.proc);
        if (e.kind == EventKind::TaskStart) startedNames.insert(std::string(tr->string(e.a)));
        if (e.kind == EventKind::TaskEnd && !(e.flags & 1)) ++done[std::string(tr->string(e.a))];
    }
    CHECK(startedNames.size() == 4);
    CHECK(done == std::map<std::string, int>{{"('A', 3)", 1}, {"('B', 1)", 1}, {"('D', 1)", 1}});   // never C
    CHECK(killed.rfind("ForkPoolWorker-", 0) == 0);
    CHECK(meta.procs.size() >= 4);   // MainProcess, two workers, the replacement
    for (pid_t p : pids) CHECK((kill(p, 0) != 0 && errno == ESRCH));   // nothing left running
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    CHECK(j["incomplete"] == true);
    REQUIRE(j["failures"].size() == 1);
    CHECK(j["failures"][0].get<std::string>().find("task ('C', 2) failed: " + killed) == 0);
}

TEST_CASE("a Lock released by a process that does not hold it is shown and said as CPython allows it",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("wrong_release.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::vector<std::string> lockOps;   // "who kind", in time order
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) lockOps.push_back(procName(tr, e.proc) + " acquire");
        if (e.kind == EventKind::LockRelease) lockOps.push_back(procName(tr, e.proc) + " release");
        if (e.kind == EventKind::Note) notes.emplace_back(tr.string(e.a));
    }
    // MainProcess's own last release raised ValueError (the lock was free): no event.
    CHECK(lockOps == std::vector<std::string>{"MainProcess acquire", "Process-1 release", "Process-2 acquire",
                                              "Process-2 release"});
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].rfind("Process-1 released Lock-1 while MainProcess held it", 0) == 0);
    CHECK(t.result.err.find("parviz trace: note: Process-1 released Lock-1 while MainProcess held it") !=
          std::string::npos);
    CHECK(t.result.out.find("MainProcess's own release failed") != std::string::npos);
    // The lock panel's account: MainProcess's hold ends at the wrong release,
    // so the holds never overlap.
    parviz::RunModel model;
    model.update(tr);
    const parviz::LockIndex* lock = model.lock(1);
    REQUIRE(lock);
    REQUIRE(lock->holds.size() == 2);
    CHECK(lock->holds[0].releaseT != parviz::kOpenEnd);
    CHECK(lock->holds[0].releaseT <= lock->holds[1].acquireT);
}

TEST_CASE("two processes incrementing a shared Value lose updates without its lock and none with it",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("shared_value.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    // What the program counted: lost updates without the lock, none with it.
    long lostUnlocked = -1, lostLocked = -1;
    for (const auto& line : printed(tr)) {
        long n = 0;
        if (std::sscanf(line.c_str(), "without the lock: 2 processes x 100000 increments, counter = %*d: %ld", &n) == 1)
            lostUnlocked = n;
        if (std::sscanf(line.c_str(), "with counter.get_lock(): 2 processes x 2000 increments, counter = %*d: %ld", &n) ==
            1)
            lostLocked = n;
    }
    CHECK(lostUnlocked > 0);
    CHECK(lostLocked == 0);
    // What the trace shows: each `with counter.get_lock()` as one hold of the
    // second Value's lock, one process at a time; the Value's own reads and
    // writes are not holds of the program's.
    const parviz::TraceMeta meta = tr.meta();
    std::map<std::string, int> acquires;
    std::map<std::int32_t, parviz::ProcId> owner;
    int losses = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) {
            ++acquires[meta.objectName(parviz::ObjectKind::Lock, e.obj)];
            CHECK(owner.count(e.obj) == 0);
            owner[e.obj] = e.proc;
        }
        if (e.kind == EventKind::LockRelease) {
            REQUIRE(owner.count(e.obj) == 1);
            CHECK(owner[e.obj] == e.proc);
            owner.erase(e.obj);
        }
        if (e.kind == EventKind::Lost) ++losses;
    }
    CHECK(losses == 0);
    CHECK(acquires == std::map<std::string, int>{{"Value-2 lock", 4000}});
}

TEST_CASE("a spawn child of a program without a main guard is shown failing and the reason is said",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("no_main_guard.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);   // the program itself carries on: its child failed
    const parviz::Trace& tr = *t.trace;
    bool childRaised = false, childExit1 = false;
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.proc == parviz::kParentProc) continue;
        if (e.kind == EventKind::Print && tr.string(e.a).find("RuntimeError") != std::string_view::npos) childRaised = true;
        if (e.kind == EventKind::ProcExit && e.a == 1) childExit1 = true;
        if (e.kind == EventKind::Note) notes.emplace_back(tr.string(e.a));
        CHECK(e.kind != EventKind::TaskStart);
    }
    CHECK(childRaised);   // its traceback is its own output
    CHECK(childExit1);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].rfind("SpawnProcess-1 exited with code 1 before running its target", 0) == 0);
    CHECK(t.result.err.find("if __name__ == \"__main__\":") != std::string::npos);
    CHECK(t.result.out.find("the child's exit code: 1") != std::string::npos);
}

TEST_CASE("every synchronisation primitive of a traced program is recorded under fork, spawn and forkserver",
          "[cli][trace][python][sync]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "sync_all.py", {method}, dir, "sync-" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    using parviz::ObjectKind;
    auto idOf = [&](ObjectKind k, const std::string& name) {
        for (const auto& o : meta.objects)
            if (o.kind == k && o.name == name) return o.id;
        FAIL("no " << parviz::toString(k) << " named " << name);
        return -1;
    };
    const std::int32_t sem = idOf(ObjectKind::Lock, "Semaphore-1"), ev = idOf(ObjectKind::Event, "Event-1"),
                       cond = idOf(ObjectKind::Condition, "Condition-1"), bar = idOf(ObjectKind::Barrier, "Barrier-1"),
                       bar2 = idOf(ObjectKind::Barrier, "Barrier-2"), jq = idOf(ObjectKind::Queue, "JoinableQueue-1"),
                       sq = idOf(ObjectKind::Queue, "SimpleQueue-1"), pool = idOf(ObjectKind::Queue, "pool tasks");
    CHECK(meta.findObject(ObjectKind::Lock, sem)->size == 2);
    CHECK(meta.findObject(ObjectKind::Barrier, bar)->size == 3);
    // Each wait of each kind, by process; the signals with their times.
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::pair<std::string, std::int64_t>>> waits, wakes;
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::uint8_t>> wakeFlags;
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::pair<parviz::SyncOp, std::int64_t>>> signals;
    int holding = 0, mostHolding = 0, semWaits = 0, poolPuts = 0, poolGets = 0;
    std::set<std::string> semHolders;
    std::vector<std::string> jqPreviews;
    std::map<std::uint64_t, std::string> sqPut, sqGot;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        ObjectKind k;
        if (parviz::syncObjectKind(e, k)) {
            const auto key = std::make_pair(k, e.obj);
            if (e.kind == EventKind::SyncWait) waits[key].emplace_back(procName(tr, e.proc), e.t);
            if (e.kind == EventKind::SyncWake) wakes[key].emplace_back(procName(tr, e.proc), e.t), wakeFlags[key].push_back(e.flags);
            if (e.kind == EventKind::SyncSignal) signals[key].emplace_back(static_cast<parviz::SyncOp>(e.b & 0xFFFFFFFF), e.t);
            if (e.kind == EventKind::SyncWait && k == ObjectKind::Queue && e.obj == pool) CHECK(e.b == parviz::kSyncWaitPoolResults);
        }
        if (e.obj == sem && (e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease || e.kind == EventKind::LockWait)) {
            if (e.kind == EventKind::LockAcquire) mostHolding = std::max(mostHolding, ++holding), semHolders.insert(procName(tr, e.proc));
            if (e.kind == EventKind::LockRelease) --holding;
            if (e.kind == EventKind::LockWait) ++semWaits;
        }
        if (e.kind == EventKind::QueuePut && e.obj == jq) jqPreviews.emplace_back(tr.string(e.b));
        if (e.kind == EventKind::QueuePut && e.obj == sq) sqPut[e.a] = procName(tr, e.proc) + " " + std::string(tr.string(e.b));
        if (e.kind == EventKind::QueueGet && e.obj == sq) sqGot[e.a] = procName(tr, e.proc);
        if (e.obj == pool && e.kind == EventKind::QueuePut) ++poolPuts;
        if (e.obj == pool && e.kind == EventKind::QueueGet) ++poolGets;
    }
    using Who = std::vector<std::pair<std::string, std::int64_t>>;
    auto names = [](const Who& w) {
        std::multiset<std::string> out;
        for (const auto& [n, at] : w) out.insert(n);
        return out;
    };
    auto latest = [](const Who& w) {
        std::int64_t m = 0;
        for (const auto& [n, at] : w) m = std::max(m, at);
        return m;
    };
    auto earliest = [](const Who& w) {
        std::int64_t m = INT64_MAX;
        for (const auto& [n, at] : w) m = std::min(m, at);
        return m;
    };
    // Semaphore(2): three holders, two at once, the third waited.
    CHECK(semHolders == std::set<std::string>{"Process-1", "Process-2", "Process-3"});
    CHECK(mostHolding == 2);
    CHECK(semWaits >= 1);
    CHECK(holding == 0);
    // Event: both waiters waited until MainProcess set it.
    const auto evKey = std::make_pair(ObjectKind::Event, ev);
    CHECK(names(waits[evKey]) == std::multiset<std::string>{"Process-4", "Process-5"});
    REQUIRE(signals[evKey].size() == 1);
    CHECK(signals[evKey][0].first == parviz::SyncOp::Set);
    CHECK(earliest(wakes[evKey]) >= signals[evKey][0].second);
    // Condition: both waited until notify_all.
    const auto condKey = std::make_pair(ObjectKind::Condition, cond);
    CHECK(names(waits[condKey]) == std::multiset<std::string>{"Process-4", "Process-5"});
    REQUIRE(!signals[condKey].empty());
    CHECK(signals[condKey].back().first == parviz::SyncOp::NotifyAll);
    CHECK(earliest(wakes[condKey]) >= signals[condKey].back().second);
    for (auto f : wakeFlags[condKey]) CHECK(f == 0);
    // Barrier(3): three arrivals, nobody left before the last one came.
    const auto barKey = std::make_pair(ObjectKind::Barrier, bar);
    CHECK(names(waits[barKey]) == std::multiset<std::string>{"MainProcess", "Process-4", "Process-5"});
    CHECK(earliest(wakes[barKey]) >= latest(waits[barKey]));
    // Barrier(2) reached by MainProcess alone: broken at its timeout.
    const auto bar2Key = std::make_pair(ObjectKind::Barrier, bar2);
    CHECK(names(waits[bar2Key]) == std::multiset<std::string>{"MainProcess"});
    CHECK(wakeFlags[bar2Key] == std::vector<std::uint8_t>{parviz::kSyncBroken});
    // JoinableQueue: put with their values, two task_done, MainProcess joined until the last one.
    CHECK(jqPreviews == std::vector<std::string>{"'a'", "'b'"});
    const auto jqKey = std::make_pair(ObjectKind::Queue, jq);
    CHECK(names(waits[jqKey]) == std::multiset<std::string>{"MainProcess"});
    REQUIRE(signals[jqKey].size() == 2);
    CHECK(latest(wakes[jqKey]) >= signals[jqKey].back().second);
    // SimpleQueue: MainProcess's put taken by Process-4, paired.
    REQUIRE(sqPut.size() == 1);
    CHECK(sqPut.begin()->second == "MainProcess 'hello'");
    CHECK(sqGot[sqPut.begin()->first] == "Process-4");
    // Pool(2).map over four: six items on its task queue (four tasks, two stop signals), all taken;
    // MainProcess waited for the results.
    CHECK(poolPuts == 6);
    CHECK(poolGets == 6);
    CHECK(names(waits[std::make_pair(ObjectKind::Queue, pool)]) == std::multiset<std::string>{"MainProcess"});
}

TEST_CASE("each synchronisation example shows its primitive at work when traced", "[cli][trace][python][sync]") {
    const std::string example = GENERATE(as<std::string>{}, "semaphore.py", "event.py", "barrier.py", "condition.py",
                                         "joinable_queue.py");
    TempDir dir;
    Traced t = traceExample(example, dir);   // at the examples' own scale (0.1): MainProcess's waits are 0.5 s
    INFO(example + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    using parviz::ObjectKind;
    std::map<parviz::SyncOp, int> ops;
    int waits = 0, timedOut = 0, holding = 0, mostHolding = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::SyncWait) ++waits;
        if (e.kind == EventKind::SyncWake && (e.flags & parviz::kSyncTimedOut)) ++timedOut;
        if (e.kind == EventKind::SyncSignal) ++ops[static_cast<parviz::SyncOp>(e.b & 0xFFFFFFFF)];
        if (e.kind == EventKind::LockAcquire) mostHolding = std::max(mostHolding, ++holding);
        if (e.kind == EventKind::LockRelease) --holding;
    }
    const parviz::TraceMeta meta = tr.meta();
    if (example == "semaphore.py") {
        REQUIRE(meta.countOf(ObjectKind::Lock) == 1);
        CHECK(meta.objects.front().size == 2);
        CHECK(mostHolding == 2);   // five downloads, two connections: two hold it at once, never three
    } else if (example == "event.py") {
        CHECK(waits == 4);
        CHECK(timedOut == 1);      // the fourth worker gave up at its timeout
        CHECK(ops[parviz::SyncOp::Set] == 1);
    } else if (example == "barrier.py") {
        CHECK(waits == 3);         // three arrivals at the Barrier(3)
        CHECK(meta.countOf(ObjectKind::Barrier) == 1);
    } else if (example == "condition.py") {
        CHECK(waits >= 2);
        CHECK(ops[parviz::SyncOp::Notify] == 4);   // one per item produced
        CHECK(meta.countOf(ObjectKind::Condition) == 1);
    } else {
        CHECK(ops[parviz::SyncOp::TaskDone] == 6);
        CHECK(waits >= 1);         // MainProcess in join()
    }
}

TEST_CASE("a traced program of plain processes says it has no Pool tasks and gives per-process times, in the summary "
          "and its JSON",
          "[cli][trace][python]") {
    const std::string example = GENERATE(as<std::string>{}, "job_queue.py", "semaphore.py");
    TempDir dir;
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/python3", kExamples + example}, 120);
    INFO(example + "\n" + describe(r));
    REQUIRE(r.exitCode == 0);
    // Before: "makespan  -  no task ran", "tasks  0 started, 0 done, 0 failed", and each
    // process's whole life under "idle".
    CHECK(r.out.find("no task ran") == std::string::npos);
    CHECK(r.out.find("plain processes: no Pool tasks, so no makespan or speedup") != std::string::npos);
    CHECK(r.out.find("0 started, 0 done") == std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["plain_processes"] == true);
    CHECK(j["no_makespan"].get<std::string>().rfind("plain processes: no Pool tasks", 0) == 0);
    const int processes = example == "job_queue.py" ? 4 : 5;
    CHECK(j["worker_count"] == processes);
    int plain = 0;
    for (const auto& w : j["workers"]) {
        if (w["role"] != "process") continue;
        ++plain;
        CHECK(w["plain"] == true);
        CHECK(w["idle_s"] == 0.0);
        CHECK(w["alive_s"].get<double>() > 0);
    }
    CHECK(plain == processes);
}

TEST_CASE("daemon processes that CPython's exit handler terminates are the program's own stop, not failures",
          "[cli][trace][python]") {
    // joinable_queue.py's two consumers are daemons blocked in get(): at exit
    // multiprocessing's _exit_function sends each SIGTERM through
    // p._popen.terminate(), not Process.terminate().
    TempDir dir;
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/python3",
                             kExamples + "joinable_queue.py"}, 120);
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("Failures:") == std::string::npos);
    CHECK(r.out.find("killed by SIGTERM") == std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["failures"].empty());
}

TEST_CASE("a Pool task that raises is named with its exception and message in the summary, Explain and its hover text",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("failing_task.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);   // the program caught what Pool.map raised
    CHECK(std::find(t.programLines.begin(), t.programLines.end(),
                    "Pool.map raised ZeroDivisionError: division by zero") != t.programLines.end());
    // Before: "task ('C', 0) failed: it raised on ForkPoolWorker-1", and nothing said what it raised.
    CHECK(t.result.out.find("task ('C', 0) raised ZeroDivisionError: division by zero (in ForkPoolWorker-") !=
          std::string::npos);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    const parviz::RunStats s = parviz::computeStats(m, tr);
    REQUIRE(s.failedTasks.size() == 1);
    CHECK(s.failedTasks[0].name == "('C', 0)");
    CHECK(s.failedTasks[0].error == "ZeroDivisionError: division by zero");
    CHECK(nlohmann::json::parse(parviz::statsToJson(s))["failed_tasks"][0]["error"] ==
          "ZeroDivisionError: division by zero");
    // Explain, once it has raised: a note naming it, and MainProcess waiting in Pool.map is told what comes.
    const parviz::TaskRecord* failed = nullptr;
    for (const parviz::TaskRecord& r : m.tasks())
        if (r.outcome == parviz::TaskOutcome::Raised) failed = &r;
    REQUIRE(failed != nullptr);
    const parviz::Explanation x = parviz::buildExplain(m, tr, failed->t1);
    std::string notes, main;
    for (const auto& n : x.notes) notes += n + "\n";
    for (const auto& p : x.procs)
        if (p.name == "MainProcess") main = p.text;
    INFO(notes << main);
    CHECK(notes.find("Task ('C', 0) raised ZeroDivisionError: division by zero in ForkPoolWorker-") != std::string::npos);
    CHECK(main.find("task ('C', 0) raised ZeroDivisionError: division by zero, which Pool.map raises here") !=
          std::string::npos);
    // The failed task's hover text on its lane.
    CHECK(parviz::describeTaskOutcome(m, tr, failed->proc, failed->index) == "raised ZeroDivisionError: division by zero");
}

TEST_CASE("a traced Semaphore's holders are its acquirers minus their own releases: a Semaphore(0) released as a "
          "signal never shows a holder, a Semaphore(2) never more than two",
          "[cli][trace][python][sync]") {
    const std::string example = GENERATE(as<std::string>{}, "semaphore_signal.py", "semaphore.py");
    TempDir dir;
    Traced t = traceExample(example, dir);
    INFO(example + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    REQUIRE(meta.countOf(parviz::ObjectKind::Lock) == 1);
    const parviz::ObjectInfo& sem = meta.objects.front();
    const std::size_t places = example == "semaphore.py" ? 2 : 0;
    CHECK(sem.size == static_cast<std::int64_t>(places));   // before: a Semaphore(0) was recorded as 1
    parviz::RunModel m;
    m.update(tr);
    // At every event of the semaphore: never more holders than its value allows, none for a signal.
    std::size_t most = 0, events = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind != EventKind::LockAcquire && e.kind != EventKind::LockRelease && e.kind != EventKind::LockWait)
            continue;
        ++events;
        const parviz::LockView v = parviz::buildLockView(m, tr, sem.id, e.t);
        INFO(parviz::toString(e.kind) << " by " << procName(tr, e.proc) << ": " << v.holders.size() << " holders");
        CHECK(v.holders.size() <= places);
        most = std::max(most, v.holders.size());
    }
    CHECK(events > 0);
    CHECK(most == places);
    // At the end nobody is left holding it (before: the last worker to acquire the Semaphore(0) held it forever).
    CHECK(parviz::buildLockView(m, tr, sem.id, tr[tr.size() - 1].t).holders.empty());
    if (example == "semaphore_signal.py") {
        // A worker waiting for the go-ahead is told it waits for a release, not for a holder.
        std::size_t w = 0;
        while (w < tr.size() && tr[w].kind != EventKind::LockWait) ++w;
        REQUIRE(w < tr.size());
        const parviz::Explanation x = parviz::buildExplain(m, tr, tr[w].t);
        std::string said;
        for (const auto& p : x.procs)
            if (p.proc == tr[w].proc) said = p.text;
        INFO(said);
        CHECK(said.find("nobody holds it and its count is 0, so it goes on when another process releases it (a signal)") !=
              std::string::npos);
    }
}

TEST_CASE("a traced Pool hands each result back on its result queue: a worker's put, MainProcess's get",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn");
    TempDir dir;
    // pool.py's jobs under the chosen start method (spawn: each worker finds the queue by its name).
    const std::string script = dir.write("results.py",
        "import sys, time\nimport multiprocessing as mp\n"
        "def job(x):\n    time.sleep(0.02)\n    return x.upper()\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method(sys.argv[1])\n"
        "    with mp.Pool(2) as pool:\n        print(pool.map(job, ['a', 'b', 'c', 'd'], chunksize=1))\n");
    Traced t = traceScript(script, {method}, dir, "results-" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    std::int32_t results = -1;
    for (const auto& o : meta.objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool results") results = o.id;
    REQUIRE(results >= 0);   // before: the result queue was not traced
    parviz::RunModel m;
    m.update(tr);
    const parviz::QueueIndex* q = m.queue(results);
    REQUIRE(q != nullptr);
    std::multiset<std::string> values;
    for (const parviz::QueueItemRecord& r : q->items) {
        const std::string v(tr.string(r.preview));
        if (v == "None") continue;   // the result handler's own stop signal, from MainProcess
        values.insert(v);
        CHECK(procName(tr, r.putProc).find("PoolWorker-") != std::string::npos);
        CHECK(r.getProc == parviz::kParentProc);   // MainProcess's result handler took it
        CHECK(r.getT >= r.putT);
    }
    CHECK(values == std::multiset<std::string>{"['A']", "['B']", "['C']", "['D']"});
    // Explain, while MainProcess waits in Pool.map: the results that have come back.
    std::int64_t firstBack = parviz::kNever;
    for (const parviz::QueueItemRecord& r : q->items) firstBack = std::min(firstBack, r.getT);
    const parviz::Explanation x = parviz::buildExplain(m, tr, firstBack);
    std::string main;
    for (const auto& p : x.procs)
        if (p.proc == parviz::kParentProc) main = p.text;
    INFO(main);
    CHECK(main.find("1 result has come back to MainProcess") != std::string::npos);
}

TEST_CASE("the stop signals a terminated Pool's workers never took are shown dropped at terminate, not left in its "
          "task queue",
          "[cli][trace][python]") {
    TempDir dir;
    // The with block ends while both workers are still in their tasks: terminate() ends them
    // before they can take their stop signals (CPython drains or leaves them; nobody reads them).
    const std::string script = dir.write("terminated.py",
        "import time\nfrom multiprocessing import Pool\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        r = p.map_async(time.sleep, [2, 2])\n        time.sleep(0.3)\n"
        "    print('left the with block')\n");
    Traced t = traceScript(script, {}, dir, "terminated");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::int32_t tasks = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool tasks") tasks = o.id;
    REQUIRE(tasks >= 0);
    parviz::RunModel m;
    m.update(tr);
    const std::int64_t end = tr[tr.size() - 1].t;
    const parviz::QueueView v = parviz::buildQueueView(m, tr, tasks, end);
    INFO("put " << v.putCount << ", taken " << v.takenCount << ", in queue " << v.inQueue);
    CHECK(v.inQueue == 0);   // before: the stop signals stayed "in queue" for ever
    CHECK(v.discardedCount >= 1);
    std::size_t dropped = 0;
    for (const parviz::QueueItemRecord& r : m.queue(tasks)->items)
        if (r.discarded) {
            ++dropped;
            CHECK(std::string(tr.string(r.preview)) == "None");   // only stop signals were left
            CHECK(r.getProc == parviz::kParentProc);              // dropped by MainProcess's terminate
        }
    CHECK(dropped == v.discardedCount);
    std::string notes;
    for (const auto& n : parviz::buildExplain(m, tr, end).notes) notes += n + "\n";
    INFO(notes);
    CHECK(notes.find("dropped unread when the pool was terminated") != std::string::npos);
}

namespace {

// A pool queue as a list of items in put order: preview, who put it, who took
// it (process names without their number: which of two equal workers took a
// chunk is a race) and whether it was dropped; and its final counts.
struct PoolQueueShape {
    std::vector<std::string> items;
    std::size_t put = 0, taken = 0, discarded = 0, inQueue = 0;
};

std::string roleOf(const parviz::Trace& tr, parviz::ProcId p) {
    if (p == parviz::kNoProc) return "nobody";
    std::string n = procName(tr, p);
    while (!n.empty() && std::isdigit(static_cast<unsigned char>(n.back()))) n.pop_back();
    return n;
}

PoolQueueShape poolQueueShape(const parviz::Trace& tr, const parviz::RunModel& m, const std::string& name) {
    PoolQueueShape s;
    std::int32_t id = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == name) id = o.id;
    if (id < 0 || !m.queue(id)) return s;
    for (const parviz::QueueItemRecord& r : m.queue(id)->items)
        s.items.push_back(std::string(tr.string(r.preview)) + " put by " + roleOf(tr, r.putProc) +
                          (r.discarded ? ", dropped by " : ", taken by ") + roleOf(tr, r.getProc));
    const parviz::QueueView v = parviz::buildQueueView(m, tr, id, tr[tr.size() - 1].t);
    s.put = v.putCount;
    s.taken = v.takenCount;
    s.discarded = v.discardedCount;
    s.inQueue = v.inQueue;
    return s;
}

} // namespace

TEST_CASE("a traced Pool's queues derived from its workers' tasks show the same items, counts, takers and putters as "
          "when every get and put is its own event",
          "[cli][trace][python]") {
    TempDir dir;
    // Every Pool form, one chunk of three, a task that raises; sleeps far
    // enough apart that the greedy schedule and the order results come back
    // are the same in both runs.
    const std::string script = dir.write("forms.py",
        "import time\nfrom multiprocessing import Pool\n"
        "def job(x):\n    time.sleep(x / 25.0)\n    return x * 10\n"
        "def pair(a, b):\n    time.sleep(a / 25.0)\n    return a + b\n"
        "def bad(x):\n    time.sleep(x / 25.0)\n    if x == 3:\n        raise ZeroDivisionError('three')\n    return x\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(job, [5, 2, 1]))\n"
        "        print(p.map(job, [1, 1, 1, 5], chunksize=3))\n"
        "        print(p.starmap(pair, [(1, 2), (3, 4)]))\n"
        "        print(p.apply_async(job, (2,)).get())\n"
        "        print(list(p.imap(job, [3, 1])))\n"
        "        try:\n            p.map(bad, [1, 3, 5], chunksize=2)\n"
        "        except ZeroDivisionError as e:\n            print('raised', e)\n"
        "        p.close()\n        p.join()\n");
    std::map<std::string, PoolQueueShape> shapes[2];
    for (int explicitEvents = 0; explicitEvents < 2; ++explicitEvents) {
        const std::string saved = dir.file(explicitEvents ? "explicit.pvz" : "derived.pvz");
        const ExeResult r = runParviz({"trace", "--save-run", saved, "--", "/usr/bin/env",
                                       std::string("PARVIZ_TRACE_EXPLICIT_POOL=") + (explicitEvents ? "1" : "0"),
                                       "/usr/bin/python3", script}, 120);
        INFO(describe(r));
        REQUIRE(r.exitCode == 0);
        const auto tr = parviz::loadTrace(saved);
        parviz::RunModel m;
        m.update(*tr);
        for (const char* q : {"pool tasks", "pool results"}) shapes[explicitEvents][q] = poolQueueShape(*tr, m, q);
        // Results come back in the order the chunks end (40 ms apart here, but a loaded machine may swap two):
        // compared as a multiset. The task queue's order is the task handler's, in both runs the same.
        auto& results = shapes[explicitEvents]["pool results"].items;
        std::sort(results.begin(), results.end());
        if (!explicitEvents) {
            // The derived run's pool workers wrote no get or put of a wrapped task themselves: each task-queue
            // item a worker took is the chunk it then ran (TaskChunk on its lane), each result it put is one
            // it ran.
            std::size_t chunks = 0;
            for (std::size_t i = 0; i < tr->size(); ++i) {
                const Event& e = (*tr)[i];
                if (e.kind != EventKind::TaskChunk) continue;
                ++chunks;
                REQUIRE(i > 0);
                const Event& get = (*tr)[i - 1];
                CHECK(get.kind == EventKind::QueueGet);
                CHECK(get.proc == e.proc);
                CHECK(get.t == e.t);
            }
            CHECK(chunks == 3 + 2 + 2 + 2 + 2);   // each map's chunks, imap's two calls (the apply is no chunk)
        }
    }
    for (const char* q : {"pool tasks", "pool results"}) {
        const PoolQueueShape& d = shapes[0][q];
        const PoolQueueShape& x = shapes[1][q];
        INFO(q);
        CHECK(!d.items.empty());
        CHECK(d.items == x.items);
        CHECK(d.put == x.put);
        CHECK(d.taken == x.taken);
        CHECK(d.discarded == x.discarded);
        CHECK(d.inQueue == x.inQueue);
    }
    // The items say what CPython's queues carry: a chunk of three is one item, an error comes back as "raised".
    const std::vector<std::string>& tasks = shapes[0]["pool tasks"].items;
    CHECK(std::count(tasks.begin(), tasks.end(), "[1, 1, 1] put by MainProcess, taken by ForkPoolWorker-") == 1);
    const std::vector<std::string>& results = shapes[0]["pool results"].items;
    CHECK(std::count(results.begin(), results.end(), "raised ZeroDivisionError put by ForkPoolWorker-, taken by MainProcess") == 1);
    CHECK(std::count(results.begin(), results.end(), "[10, 10, 10] put by ForkPoolWorker-, taken by MainProcess") == 1);
}

TEST_CASE("a traced Pool shows its chunks as brackets on the workers' lanes and when the program received each "
          "result, as parviz's own pool runs do",
          "[cli][trace][python]") {
    TempDir dir;
    // map in chunks of two (one queue item each), then imap_unordered, whose
    // results arrive in the order they finish, then apply_async.
    const std::string script = dir.write("chunks.py",
        "import time\nfrom multiprocessing import Pool\n"
        "def job(x):\n    time.sleep({'a': 0.2, 'b': 0.04, 'c': 0.04, 'd': 0.04, 'e': 0.3, 'f': 0.04}[x])\n"
        "    return x.upper()\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(job, ['a', 'b', 'c', 'd'], chunksize=2))\n"
        "        print(list(p.imap_unordered(job, ['e', 'f'])))\n"
        "        print(p.apply_async(job, ('b',)).get())\n");
    Traced t = traceScript(script, {}, dir, "chunks");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // Chunks: map's two of two tasks each, imap_unordered's two calls; the apply is one call, no chunk.
    const parviz::ChunkBrackets b = parviz::buildChunkBrackets(m, tr, {});
    std::multiset<std::string> labels;
    for (const parviz::ChunkBracket& c : b.items) {
        labels.insert(c.label);
        CHECK(!c.open);
        CHECK(procName(tr, c.proc).rfind("ForkPoolWorker-", 0) == 0);
    }
    // Numbered in the program, not per call: imap_unordered's chunks follow map's.
    CHECK(labels == std::multiset<std::string>{"chunk 0: 'a'\u2013'b'", "chunk 1: 'c'\u2013'd'", "chunk 2: 'e'",
                                                "chunk 3: 'f'"});
    // Each task ran inside the chunk its worker took, but the apply's.
    REQUIRE(m.tasks().size() == 7);
    for (std::size_t i = 0; i < 7; ++i) CHECK((m.tasks()[i].chunk >= 0) == (m.tasks()[i].index != 6));
    // Results: map's four at once when map returned, in input order; imap_unordered's in the order they finished.
    const parviz::ResultOrderView all = parviz::buildResultOrder(m, tr, tr[tr.size() - 1].t);
    INFO(all.text);
    REQUIRE(all.arrived.size() == 7);
    std::vector<std::string> names;
    for (const parviz::ResultArrival& a : all.arrived) names.push_back(a.name);
    CHECK(names == std::vector<std::string>{"'a'", "'b'", "'c'", "'d'", "'f'", "'e'", "'b'"});
    CHECK(all.pending == 0);
    std::int64_t mapEnd = INT64_MIN;   // the four arrived together, after the last of them ended
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(all.arrived[i].t == all.arrived[0].t);
        CHECK(all.arrived[i].taskEnd != parviz::kNever);
        mapEnd = std::max(mapEnd, all.arrived[i].taskEnd);
    }
    CHECK(all.arrived[0].t >= mapEnd);
    CHECK(all.arrived[4].t < all.arrived[5].t);   // 'f' came back first
    CHECK(all.text.rfind("results arrive: ", 0) == 0);
}

TEST_CASE("a traced Pool.map whose task raised received that task's error", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("failing_task.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 1);   // map raises the error: no result list is handed over
    CHECK(v.arrived[0].failed);
    CHECK(v.arrived[0].name == "('C', 0)");
    CHECK(v.pending == 3);
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

// -----------------------------------------------------------------------------
// Several pool calls in one program (issue 10's findings: chunk numbers, the
// results line, the result queue's stop signals, the with-block's terminate).
// -----------------------------------------------------------------------------
namespace {

// map in chunks of two, then imap at chunksize 1, over integers, in a with block.
const char* kTwoCalls =
    "import time\nfrom multiprocessing import Pool\n"
    "def f(x):\n    time.sleep(0.02 * (x % 3))\n    return x\n"
    "if __name__ == '__main__':\n"
    "    with Pool(2) as p:\n"
    "        print(p.map(f, range(4), chunksize=2))\n"
    "        print(list(p.imap(f, range(4, 8))))\n";

} // namespace

TEST_CASE("a traced program's pool chunks are numbered uniquely across its map calls", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    // map's two chunks of two, imap's four calls: six chunks, no number twice ("chunk 0" twice on a lane before).
    REQUIRE(m.chunks().size() == 6);
    std::set<std::int32_t> numbers;
    for (const parviz::ChunkRecord& c : m.chunks()) numbers.insert(c.chunk);
    CHECK(numbers == std::set<std::int32_t>{0, 1, 2, 3, 4, 5});
    std::set<std::string> labels;
    for (const parviz::ChunkBracket& b : parviz::buildChunkBrackets(m, *t.trace, {}).items) labels.insert(b.label);
    CHECK(labels == std::set<std::string>{"chunk 0: 0\u20131", "chunk 1: 2\u20133", "chunk 2: 4", "chunk 3: 5",
                                          "chunk 4: 6", "chunk 5: 7"});
}

TEST_CASE("a traced program's results line separates integer results from their times", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t, 16);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 8);
    REQUIRE_FALSE(v.together);
    // "0 865 ms, 1 865 ms" read as numbers run together; each name is now followed by " at " and its time.
    for (const parviz::ResultArrival& a : v.arrived) {
        INFO(a.name);
        CHECK(a.value == a.name);   // f returns its argument
        CHECK(v.list.find(a.name + " \u2192 " + a.value + " at ") != std::string::npos);
    }
    CHECK(v.list.rfind("0 \u2192 0 at ", 0) == 0);
}

TEST_CASE("a traced program's results arrive as what its tasks returned, each named by its task, not as their "
          "arguments",
          "[cli][trace][python]") {
    TempDir dir;
    // map at its own chunksize (1 here), map in chunks of three (a chunk's
    // results come back as one list), imap, apply_async, and a result whose
    // repr is long (bounded).
    const std::string script = dir.write("squares.py",
        "from multiprocessing import Pool\n"
        "def square(x):\n    return x * x\n"
        "def shout(s):\n    return s.upper() + ', ok'\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(square, [5, 1, 2, 3, 4, 1]))\n"
        "        print(p.map(square, [6, 7, 8, 9, 10, 11], chunksize=3))\n"
        "        print(list(p.imap(shout, ['a', 'b'])))\n"
        "        print(p.apply_async(square, (12,)).get())\n"
        "        print(len(p.apply_async(str, ('x' * 500,)).get()))\n");
    Traced t = traceScript(script, {}, dir, "squares");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.result.out.find("[25, 1, 4, 9, 16, 1]") != std::string::npos);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t, 40);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 16);
    std::vector<std::string> got;
    for (std::size_t i = 0; i < 15; ++i) got.push_back(v.arrived[i].name + " -> " + v.arrived[i].value);
    const std::vector<std::string> want{"5 -> 25", "1 -> 1", "2 -> 4", "3 -> 9", "4 -> 16", "1 -> 1",
                                        "6 -> 36", "7 -> 49", "8 -> 64", "9 -> 81", "10 -> 100", "11 -> 121",
                                        "'a' -> 'A, ok'", "'b' -> 'B, ok'", "12 -> 144"};
    CHECK(got == want);
    CHECK(v.list.rfind("5 \u2192 25 at ", 0) == 0);   // the calls' results came at different times
    CHECK(v.list.find(", 2 \u2192 4 at ") != std::string::npos);
    CHECK(v.list.find("'b' \u2192 'B, ok' at ") != std::string::npos);
    // A long result is a bounded preview.
    CHECK(v.arrived[15].value.rfind("'xxxx", 0) == 0);
    CHECK(v.arrived[15].value.size() <= 64);
    // The caption of a received result says what it was (apply's 12, task 14);
    // map's six, handed over at once, are one step, said as one.
    int said = 0;
    for (std::size_t i = 0; i < t.trace->size(); ++i) {
        const parviz::Event& e = (*t.trace)[i];
        if (e.kind != parviz::EventKind::PoolResult || (e.obj != 14 && e.obj != 5)) continue;
        const parviz::Caption c = parviz::buildCaption(m, *t.trace, e.t);
        INFO(c.text);
        if (e.obj == 14) said += c.text == "MainProcess received the result of task 12: 144";
        else said += c.text.rfind("MainProcess received 6 results at once: 5 \u2026 1", 0) == 0;
    }
    CHECK(said == 2);
}

TEST_CASE("a traced Pool's result queue counts CPython's two None stop signals apart from the chunk results",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::int32_t results = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool results") results = o.id;
    REQUIRE(results >= 0);
    parviz::RunModel m;
    m.update(tr);
    const parviz::QueueView v = parviz::buildQueueView(m, tr, results, tr[tr.size() - 1].t);
    // The task handler's None for the result handler and _terminate_pool's: 2 chunk results of map, 4 of imap.
    CHECK(v.stopSignals == 2);
    CHECK(v.putText == "put 8 (6 chunk results + 2 stop signals)");
    CHECK(v.stopTip.find("None") != std::string::npos);
}

TEST_CASE("pool workers that a with-Pool block terminates are drawn as ended by their program, not killed",
          "[cli][trace][python]") {
    TempDir dir;
    // The with block ends while both workers are in their tasks: terminate() sends each SIGTERM.
    const std::string script = dir.write("terminated.py",
        "import time\nfrom multiprocessing import Pool\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        r = p.map_async(time.sleep, [2, 2])\n        time.sleep(0.3)\n"
        "    print('left the with block')\n");
    Traced t = traceScript(script, {}, dir, "terminated");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    int terminated = 0;
    for (const parviz::ProcLaneIndex& l : m.procs()) {
        if (!l.terminatedByProgram()) continue;
        ++terminated;
        REQUIRE(!l.program.empty());
        CHECK(l.program[l.program.size() - 1].state == parviz::LaneState::Exited);   // no "killed" checkerboard
        for (std::size_t id : l.taskIds) {
            CHECK(m.tasks()[id].outcome == parviz::TaskOutcome::Stopped);   // not "its worker died under it"
            CHECK(parviz::describeTaskOutcome(m, tr, l.proc, m.tasks()[id].index) ==
                  "stopped: its program ended its worker (terminate)");
        }
        CHECK(l.tasks[l.tasks.size() - 1].state == parviz::LaneState::Task);
    }
    CHECK(terminated == 2);
    CHECK(parviz::describeFailures(m, tr).empty());
    CHECK_FALSE(parviz::poolTaskLostWithWorker(m, tr));
}

TEST_CASE("a traced ProcessPoolExecutor's map chunks and submitted calls are numbered in input order, bracketed on "
          "the worker that took them, and their results arrive when result() returns",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    const std::string script = dir.write("executor.py",
        "import sys, time\nimport multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\n"
        "def sq(x):\n    time.sleep(0.02)\n    return x * x\n"
        "def fail(x):\n    raise ValueError('no %d' % x)\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(2, mp_context=mp.get_context(sys.argv[1])) as ex:\n"
        "        print(list(ex.map(sq, range(5), chunksize=2)))\n"
        "        print(ex.submit(sq, 10).result())\n"
        "        try:\n            ex.submit(fail, 3).result()\n"
        "        except ValueError as e:\n            print('raised', e)\n");
    Traced t = traceScript(script, {method}, dir, "executor_" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // The tasks in input order: map's five, then the two submits.
    std::map<std::int32_t, std::string> byIndex;
    for (const parviz::TaskRecord& r : m.tasks()) byIndex[r.index] = std::string(tr.string(r.name));
    CHECK(byIndex == std::map<std::int32_t, std::string>{{0, "0"}, {1, "1"}, {2, "2"}, {3, "3"}, {4, "4"},
                                                         {5, "10"}, {6, "3"}});
    // map's three chunks, each a bracket on the worker that took it; a submit is one call, no chunk.
    std::set<std::string> labels;
    for (const parviz::ChunkBracket& b : parviz::buildChunkBrackets(m, tr, {}).items) {
        labels.insert(b.label);
        CHECK_FALSE(b.open);
        CHECK(tr.meta().procs.at(b.proc).role == parviz::ProcRole::PoolWorker);
    }
    CHECK(labels == std::set<std::string>{"chunk 0: 0\u20131", "chunk 1: 2\u20133", "chunk 2: 4"});
    for (const parviz::TaskRecord& r : m.tasks()) CHECK((r.chunk >= 0) == (r.index < 5));
    // Each task's outcome: the failing submit raised.
    for (const parviz::TaskRecord& r : m.tasks())
        CHECK(r.outcome == (r.index == 6 ? parviz::TaskOutcome::Raised : parviz::TaskOutcome::Done));
    // Results: when result() returned (map's chunk by chunk, in input order), the failure as its error.
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, tr, tr[tr.size() - 1].t, 16);
    INFO(v.text);
    std::vector<std::string> names;
    for (const parviz::ResultArrival& a : v.arrived) names.push_back(a.name + (a.failed ? "!" : ""));
    CHECK(names == std::vector<std::string>{"0", "1", "2", "3", "4", "10", "3!"});
    CHECK(v.pending == 0);
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

TEST_CASE("a traced ProcessPoolExecutor still fails a submitted call whose arguments cannot be pickled, as CPython "
          "does untraced",
          "[cli][trace][python]") {
    // CPython's call queue fails the future from its pending-work dict when its
    // feeder thread cannot pickle the call; a tracer that swapped that dict for
    // its own left the future waiting for ever.
    TempDir dir;
    const std::string script = dir.write("unpicklable.py",
        "import os, pickle, concurrent.futures as cf\n"
        "class Bad:\n    def __reduce__(self):\n        raise pickle.PicklingError('no')\n"
        "if __name__ == '__main__':\n"
        "    ex = cf.ProcessPoolExecutor(2)\n"
        "    try:\n        ex.submit(id, Bad()).result(timeout=10)\n"
        "    except cf.TimeoutError:\n        print('hung', flush=True)\n        os._exit(3)\n"   // shutdown would wait for ever
        "    except pickle.PicklingError as e:\n        print('raised', e)\n"
        "    ex.shutdown()\n");
    Traced t = traceScript(script, {}, dir, "unpicklable");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.result.out.find("raised no") != std::string::npos);
    CHECK(t.result.out.find("hung") == std::string::npos);
}

TEST_CASE("a traced ProcessPoolExecutor whose worker is killed is not said to hang as Pool.map does: CPython raises "
          "BrokenProcessPool",
          "[cli][trace][python]") {
    TempDir dir;
    const std::string script = dir.write("broken.py",
        "import os, signal, concurrent.futures as cf\n"
        "from concurrent.futures.process import BrokenProcessPool\n"
        "def die(x):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if __name__ == '__main__':\n"
        "    with cf.ProcessPoolExecutor(1) as ex:\n"
        "        try:\n            ex.submit(die, 1).result(timeout=20)\n"
        "        except BrokenProcessPool:\n            print('broken')\n");
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", script}, 60);
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("broken") != std::string::npos);
    CHECK(r.out.find("was killed by SIGKILL") != std::string::npos);   // still a failure, named
    CHECK(r.out.find("never runs that task again") == std::string::npos);
    CHECK(r.err.find("never runs that task again") == std::string::npos);
}

TEST_CASE("a traced worker sleeping in time.sleep is drawn sleeping on the sleep's line, as parviz's engine draws its "
          "sleep work", "[cli][trace][python]") {
    TempDir dir;
    // Line 6 (0-based 5) is the sleep the Code panel must mark, not the print before it.
    const std::string script = dir.write("sleepers.py",
        "import time\nfrom multiprocessing import Pool\n\n"
        "def work(x):\n    print('start', x, flush=True)\n    time.sleep(x)\n    print('done', x, flush=True)\n"
        "    return x\n\n"
        "if __name__ == '__main__':\n    p = Pool(2)\n    p.map(work, [0.6, 0.4], chunksize=1)\n"
        "    p.map(time.sleep, [0.3, 0.3], chunksize=1)\n    p.close()\n    p.join()\n    print('end')\n");
    Traced t = traceScript(script, {}, dir, "sleepers");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    const std::string file = parviz::tracedProgramFile(m, tr);
    REQUIRE(file == script);
    auto stateAt = [&](parviz::ProcId p, std::int64_t at) {
        const parviz::SpanRow& row = m.procs().at(p).program;
        const std::size_t i = row.firstEndingAfter(at, 0);
        return i < row.size() && row[i].t0 <= at ? row[i].state : parviz::LaneState::None;
    };
    int ownSleeps = 0, sleepTasks = 0;
    for (const parviz::TaskRecord& task : m.tasks()) {
        const std::string name(tr.string(task.name));
        INFO(name << " in " << procName(tr, task.proc));
        REQUIRE(task.t1 != parviz::kOpenEnd);
        const std::int64_t mid = task.t0 + (task.t1 - task.t0) / 2;
        CHECK(stateAt(task.proc, mid) == parviz::LaneState::Sleeping);
        CHECK(stateAt(task.proc, task.t1 - 1) == parviz::LaneState::Idle);   // the sleep ended before the task
        if (name.find("0.6") != std::string::npos || name.find("0.4") != std::string::npos) {
            ++ownSleeps;
            int line = -1;
            for (const parviz::CodeMarker& mk : parviz::buildSourceCodeView(m, tr, file, mid).markers)
                if (mk.proc == task.proc) line = mk.line;
            CHECK(line == 5);
        } else {
            ++sleepTasks;   // map(time.sleep): the task function is the sleep itself
        }
    }
    CHECK(ownSleeps == 2);
    CHECK(sleepTasks == 2);
    // The program still does and prints what it does untraced.
    std::multiset<std::string> lines(t.programLines.begin(), t.programLines.end());
    CHECK(lines == std::multiset<std::string>{"start 0.6", "start 0.4", "done 0.6", "done 0.4", "end"});
}

namespace {

// The program's own stderr lines: parviz's own ("parviz trace: ...") left out.
std::vector<std::string> programErrLines(const std::string& err) {
    std::vector<std::string> out;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("parviz trace:", 0) != 0) out.push_back(line);
    return out;
}

// "" when equal, else the first differing line with its neighbours.
std::string firstDifference(const std::vector<std::string>& plain, const std::vector<std::string>& traced) {
    const std::size_t n = std::max(plain.size(), traced.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string a = i < plain.size() ? plain[i] : "<none>", b = i < traced.size() ? traced[i] : "<none>";
        if (a == b) continue;
        std::string ctx;
        for (std::size_t k = i > 3 ? i - 3 : 0; k < i; ++k) ctx += "  " + plain[k] + "\n";
        return "line " + std::to_string(i + 1) + " differs after\n" + ctx + "untraced: " + a + "\ntraced:   " + b;
    }
    return "";
}

} // namespace

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

namespace {

// MainProcess's lane state and Explain's sentence for it halfway through its
// longest wait (WaitQueue or WaitSync) of a saved run.
std::pair<parviz::LaneState, std::string> mainProcessLongestWait(const parviz::Trace& tr) {
    parviz::RunModel m;
    m.update(tr);
    const parviz::Span* longest = nullptr;
    for (const parviz::ProcLaneIndex& l : m.procs()) {
        if (l.proc != parviz::kParentProc) continue;
        for (std::size_t i = 0; i < l.program.size(); ++i) {
            const parviz::Span& s = l.program[i];
            if (s.state != parviz::LaneState::WaitQueue && s.state != parviz::LaneState::WaitSync) continue;
            if (s.t1 == parviz::kOpenEnd) continue;
            if (!longest || s.t1 - s.t0 > longest->t1 - longest->t0) longest = &s;
        }
    }
    if (!longest) return {parviz::LaneState::None, ""};
    const parviz::Explanation x = parviz::buildExplain(m, tr, longest->t0 + (longest->t1 - longest->t0) / 2);
    for (const auto& p : x.procs)
        if (p.proc == parviz::kParentProc) return {longest->state, p.text};
    return {longest->state, ""};
}

} // namespace

TEST_CASE("MainProcess waiting for a Pool's results is the same lane state and the same words traced and in parviz's "
          "engine",
          "[cli][trace][python]") {
    TempDir dir;
    const Traced t = traceExample("pool.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.trace);
    const std::string saved = dir.file("engine.pvz");
    const ExeResult engine = runParviz({"run", "pool", "--time-scale", "0.05", "--save-run", saved});
    INFO(describe(engine));
    REQUIRE(engine.exitCode == 0);
    const auto traced = mainProcessLongestWait(*t.trace);
    const auto ours = mainProcessLongestWait(*parviz::loadTrace(saved));
    INFO("traced: " << traced.second << "\nengine: " << ours.second);
    CHECK(traced.first == parviz::LaneState::WaitQueue);
    CHECK(ours.first == parviz::LaneState::WaitQueue);
    const std::string words = "MainProcess waits for the pool's results since ";
    CHECK(traced.second.rfind(words, 0) == 0);
    CHECK(ours.second.rfind(words, 0) == 0);
    // Then the same account of the pool's progress in both.
    CHECK(traced.second.find(" tasks started so far are done") != std::string::npos);
    CHECK(ours.second.find(" tasks started so far are done") != std::string::npos);
}

namespace {

std::multiset<std::string> taskNames(const parviz::RunModel& m, const parviz::Trace& tr) {
    std::multiset<std::string> out;
    for (const parviz::TaskRecord& r : m.tasks()) out.emplace(tr.string(r.name));
    return out;
}

const parviz::QueueIndex* queueNamed(const parviz::RunModel& m, const parviz::Trace& tr, const std::string& name) {
    const parviz::TraceMeta meta = tr.meta();
    for (const parviz::QueueIndex& q : m.queues())
        if (meta.objectName(parviz::ObjectKind::Queue, q.id) == name) return &q;
    return nullptr;
}

} // namespace

TEST_CASE("a traced program's pool calls over the same arguments name their tasks per call", "[cli][trace][python]") {
    TempDir dir;
    const Traced t = traceScript(kTestPrograms + "pool_calls.py", {}, dir, "pool_calls");
    INFO(describe(t.result));
    REQUIRE(t.trace);
    parviz::RunModel m;
    m.update(*t.trace);
    // map, map, imap (chunks of 2), apply_async: the first call's tasks keep
    // their arguments' names, later map-like calls say which call they are.
    const std::multiset<std::string> want{"0",         "1",         "2",         "call 2: 0", "call 2: 1",
                                          "call 2: 2", "call 3: 0", "call 3: 1", "call 3: 2", "7"};
    CHECK(taskNames(m, *t.trace) == want);
}

TEST_CASE("a traced ProcessPoolExecutor's call and result queues are drawn as its pool's queues, with their roles, "
          "and its workers' exit on the shutdown's None is said in the executor's own terms",
          "[cli][trace][python]") {
    for (const std::string method : {"fork", "spawn"}) {
        DYNAMIC_SECTION(method) {
            TempDir dir;
            const Traced t = traceScript(kTestPrograms + "executor_queues.py", {method}, dir, "executor_" + method);
            INFO(describe(t.result));
            REQUIRE(t.trace);
            const parviz::Trace& tr = *t.trace;
            parviz::RunModel m;
            m.update(tr);
            const parviz::QueueIndex* calls = queueNamed(m, tr, "executor calls");
            const parviz::QueueIndex* results = queueNamed(m, tr, "executor results");
            REQUIRE(calls);
            REQUIRE(results);
            CHECK(calls->poolRole == parviz::PoolQueueRole::Tasks);
            CHECK(calls->poolKind == parviz::PoolKind::Executor);
            CHECK(results->poolRole == parviz::PoolQueueRole::Results);
            CHECK(results->poolKind == parviz::PoolKind::Executor);
            // Its calls as the program wrote them: 4 items, 2 chunks of 2, a
            // submit, then a None per worker; each taken by a worker.
            std::multiset<std::string> callItems;
            for (const auto& r : calls->items) {
                callItems.emplace(tr.string(r.preview));
                CHECK(r.putProc == parviz::kParentProc);
                CHECK(r.getProc != parviz::kParentProc);
                CHECK(r.getProc != parviz::kNoProc);
            }
            CHECK(callItems == std::multiset<std::string>{"0", "1", "2", "3", "[0, 1]", "[2, 3]", "10", "None", "None"});
            CHECK(calls->stopSignals.size() == 2);
            // Each result back from a worker, taken by MainProcess's manager
            // thread; each worker's pid as it exits are the stop signals (the
            // shutting-down executor joins its workers: it may leave them unread).
            std::multiset<std::string> resultItems;
            for (const auto& r : results->items) {
                const std::string v(tr.string(r.preview));
                const bool pid = v.rfind("pid ", 0) == 0;
                resultItems.emplace(pid ? "pid" : v);
                CHECK(r.putProc != parviz::kParentProc);
                if (!pid) CHECK(r.getProc == parviz::kParentProc);
            }
            CHECK(resultItems ==
                  std::multiset<std::string>{"[0]", "[1]", "[4]", "[9]", "[0, 1]", "[4, 9]", "100", "pid", "pid"});
            CHECK(results->stopSignals.size() == 2);
            // The second map's tasks are told from the first's.
            CHECK(taskNames(m, tr) == std::multiset<std::string>{"0", "1", "2", "3", "call 2: 0", "call 2: 1",
                                                                 "call 2: 2", "call 2: 3", "10"});
            // Why, at the end: each worker exited on the executor's None, in the executor's words.
            const parviz::Explanation x = parviz::buildExplain(m, tr, tr[tr.size() - 1].t);
            int workers = 0;
            for (const auto& p : x.procs) {
                if (p.proc == parviz::kParentProc) {
                    CHECK(p.text.find("stop signal") == std::string::npos);
                    continue;
                }
                ++workers;
                INFO(p.text);
                CHECK(p.text.find("took a None from the executor's call queue") != std::string::npos);
                CHECK(p.text.find("from the task queue") == std::string::npos);
            }
            CHECK(workers == 2);
        }
    }
}

namespace {

// CPython interpreters on this machine besides Debian's: pyenv's
// ($PYENV_ROOT or ~/.pyenv, versions/X.Y.Z/bin/python3), as "X.Y" -> path.
std::map<std::string, std::string> otherPythons() {
    std::map<std::string, std::string> out;
    std::string root;
    if (const char* r = std::getenv("PYENV_ROOT"); r && *r) root = r;
    else if (const char* h = std::getenv("HOME"); h && *h) root = std::string(h) + "/.pyenv";
    if (root.empty()) return out;
    const std::string versions = root + "/versions";
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator(versions, ec)) {
        const std::string v = d.path().filename().string();
        const std::string exe = d.path().string() + (v.rfind("2.", 0) == 0 ? "/bin/python" : "/bin/python3");
        if (::access(exe.c_str(), X_OK) != 0 || v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) continue;
        const std::size_t dot2 = v.find('.', v.find('.') + 1);
        out[v.substr(0, dot2)] = exe;
    }
    return out;
}

bool atLeast38(const std::string& xy) {
    const int major = std::stoi(xy), minor = std::stoi(xy.substr(xy.find('.') + 1));
    return major > 3 || (major == 3 && minor >= 8);
}

} // namespace

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
