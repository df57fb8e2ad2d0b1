// `parviz trace`'s exit status, bad input and stopping: the program's status,
// a bad or unreadable program, a program that cannot load the hook, Ctrl-C
// ending the whole process group, a tracer that cannot write its ring, a
// killed pool worker hanging Pool.map until Ctrl-C.
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

TEST_CASE("a program that cannot load the hook runs untraced: 'not yet' after 3 s, 'ran untraced' once it ended",
          "[cli][trace]") {
    TempDir dir;
    const std::string script = dir.write("slow.py", "import time\ntime.sleep(3.5)\nprint('still here')\n");
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", "-I", script});
    INFO(describe(r));
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("still here") != std::string::npos);
    const std::size_t notYet = r.err.find("slow.py has not loaded the tracer yet after 3.");
    const std::size_t ran = r.err.find("slow.py ended without loading the tracer, so it ran untraced");
    CHECK(notYet != std::string::npos);
    CHECK(ran != std::string::npos);
    CHECK(notYet < ran);
    CHECK(r.err.find("traced after all") == std::string::npos);
}

TEST_CASE("a Python slow to start (a busy machine) is 'not yet' traced, then 'traced after all', never called untraced",
          "[cli][trace][python]") {
    // The newcomer's walk at load 8: python3 took 2.9 s to load the tracer and
    // parviz said "runs untraced ... the summary will show no processes"
    // over a complete trace. A real python3 started late (a wrapper that
    // sleeps before exec'ing it, so the root's pid is python3's) stands for it.
    TempDir dir;
    const std::string script = dir.write("my_queue.py",
        "import multiprocessing as mp\n"
        "def produce(q):\n    q.put('item0')\n"
        "if __name__ == '__main__':\n"
        "    q = mp.Queue()\n    p = mp.Process(target=produce, args=(q,))\n    p.start()\n"
        "    print('got', q.get(), flush=True)\n    p.join()\n");
    const std::string saved = dir.file("run.pvz");
    ExeResult r = runParviz({"trace", "--save-run", saved, "--", "/bin/sh", "-c", "sleep 4; exec /usr/bin/python3 \"$0\"",
                             script});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("got item0") != std::string::npos);
    const std::size_t notYet = r.err.find("parviz trace: my_queue.py has not loaded the tracer yet after ");
    const std::size_t after = r.err.find("parviz trace: my_queue.py loaded the tracer after ");
    CHECK(notYet != std::string::npos);
    CHECK(after != std::string::npos);
    CHECK(notYet < after);
    CHECK(r.err.find(": traced after all") != std::string::npos);
    // Nothing false: no "runs untraced", no "ran untraced", no "will show no processes".
    CHECK(r.err.find("untraced") == std::string::npos);
    CHECK(r.err.find("no processes") == std::string::npos);
    // And it was traced: its child and its queue are in the run.
    const auto tr = parviz::loadTrace(saved);
    const parviz::TraceMeta meta = tr->meta();
    bool child = false;
    for (std::size_t p = 1; p < meta.procs.size(); ++p) child = child || meta.procs[p].name == "Process-1";
    CHECK(child);
    CHECK(meta.countOf(parviz::ObjectKind::Queue) == 1);
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
