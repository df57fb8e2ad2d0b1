// A Python program traced live in the window (issue 10): `parviz gui
// --trace-python SCRIPT`, `parviz trace --gui -- PROGRAM`: the same panels as
// a run, the program's own source in Code with each process's line marked,
// its exit status; Stop ends its whole process group (the window driven with
// real key and mouse events under Xvfb).
#include "live_window.hpp"

#include <cerrno>
#include <fstream>
#include <csignal>
#include <map>
#include <regex>
#include <set>

using namespace guitest;

namespace {

const std::string kExamples = std::string(PARVIZ_ASSETS_DIR) + "/../examples/";

// A program of `with Pool(workers) as p: print(p.map(work, LIST))`, work
// sleeping its argument's seconds: its path in dir.
std::string sleepPoolScript(const TempDir& dir, const std::string& name, int workers, const std::string& list) {
    const std::string script = dir.file(name);
    std::ofstream(script) << "import time\nfrom multiprocessing import Pool\n"
                             "def work(t):\n    time.sleep(t)\n    return t\n"
                             "if __name__ == '__main__':\n    with Pool(" << workers << ") as p:\n"
                             "        print(p.map(work, " << list << "))\n";
    return script;
}

struct ExampleScale {
    explicit ExampleScale(const char* s) { setenv("PARVIZ_EXAMPLE_SCALE", s, 1); }
    ~ExampleScale() { unsetenv("PARVIZ_EXAMPLE_SCALE"); }
};

std::vector<std::string> fileLines(const std::string& path) {
    std::vector<std::string> out;
    std::istringstream in(slurp(path));
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

// examples/killed_worker.py traced live in the window, once its Pool.map
// hangs: C failed with its killed worker, A, B and D are done. The window's
// test dump then (the same JSON as --layout-json). It waits for that, not for
// a fixed time: `python3` may be a slow pyenv shim, and the machine busy (a
// screenshot at a fixed 3 s caught the program before it got there). Stop
// ends the program when the window closes.
json hungKilledWorker() {
    LiveWindow w({}, {"--trace-python", kExamples + "killed_worker.py"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor([](const json& st) { return st["stats"]["tasks_failed"] == 1 && st["stats"]["tasks_done"] == 3; },
                      60));
    w.settle(3);   // the frames after it: panels built from the whole state
    json s = w.state();
    REQUIRE(s["runs"].size() == 1);
    REQUIRE(s["runs"][0]["status"] == "running");   // CPython's Pool.map waits forever
    return s;
}

bool groupGone(long pgid) { return pgid > 0 && ::kill(static_cast<pid_t>(-pgid), 0) != 0 && errno == ESRCH; }

} // namespace

TEST_CASE("gui --trace-python shows the program's processes, output and own source, and its exit status",
          "[gui][trace][python]") {
    NEED_DISPLAY();
    ExampleScale scale("0.1");
    TempDir dir;
    const std::string png = dir.file("pool.png"), layout = dir.file("pool.json");
    const Result r = runParviz({"gui", "--screenshot", png, "--layout-json", layout, "--trace-python",
                                kExamples + "pool.py"}, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    REQUIRE(s["runs"].size() == 1);
    const json& run = s["runs"][0];
    CHECK(run["traced"].get<bool>());
    CHECK(run["status"] == "finished");
    CHECK(run["program_exit"] == "exit 0");
    CHECK(run["label"].get<std::string>().find("pool.py") != std::string::npos);
    CHECK(run["label"].get<std::string>().find("exit 0") != std::string::npos);
    // Its processes have lanes, as a run's workers do.
    std::set<std::string> lanes;
    for (const json& l : s["lanes"]) lanes.insert(l["title"].get<std::string>());
    CHECK(lanes.count("MainProcess") == 1);
    CHECK(lanes.count("ForkPoolWorker-1") == 1);
    CHECK(lanes.count("ForkPoolWorker-2") == 1);
    CHECK(s["stats"]["tasks_done"] == 4);
    // What it printed is in Output.
    CHECK(("\n" + panelLines(s, "Output")).find("\nresults in input order: ['A', 'B', 'C', 'D']\n") != std::string::npos);
    // Code is the program's own file, line for line.
    CHECK(s["listing"].get<std::vector<std::string>>() == fileLines(kExamples + "pool.py"));
    CHECK(s["source_file"].get<std::string>().ends_with("examples/pool.py"));
    // Its ring directory is gone with it.
    CHECK_FALSE(fs::exists(run["ring_dir"].get<std::string>()));
}

TEST_CASE("the Code panel marks each traced process on its line of the program's source", "[gui][trace][python]") {
    NEED_X();
    ExampleScale scale("0.2");
    // Once Pool.map hangs: the pool worker was killed in C, the others finished theirs.
    const json s = hungKilledWorker();
    const auto code = s["listing"].get<std::vector<std::string>>();
    REQUIRE(code == fileLines(kExamples + "killed_worker.py"));
    std::map<std::string, std::string> at;   // process -> its marked line's text
    for (const json& m : s["code_markers"]) {
        const int line = m["line"].get<int>();
        REQUIRE(line >= 0);
        REQUIRE(line < static_cast<int>(code.size()));
        at[m["process"].get<std::string>()] = code[static_cast<std::size_t>(line)];
    }
    INFO(s["code_markers"].dump());
    REQUIRE(at.count("MainProcess") == 1);
    CHECK(at["MainProcess"].find("pool.map(") != std::string::npos);   // where it waits
    // The two workers still alive have handed their chunks back and wait in
    // the pool's loop: on no line of the program (session 26: they were left
    // on their last print, as a worker between tasks was left on the line
    // that started the pool). A worker in a task is on its function's line
    // ([cli][trace][code]).
    int workersMarked = 0;
    for (const auto& [proc, text] : at) workersMarked += proc.rfind("ForkPoolWorker-", 0) == 0;
    CHECK(workersMarked == 0);
    CHECK(s["stats"]["tasks_failed"] == 1);
}

// Newcomer walk 27: at 1280x720 a traced program's Code had room for two
// lines, and following the workers' line put the whole lines above it at the
// top: a long import wrapped in three pushed `def count_primes(n):` under
// the panel's edge, so the class saw no process on any line.
TEST_CASE("in presentation the Code panel shows a traced worker's marked line whole, below a long wrapped line",
          "[gui][trace][python][codefollow]") {
    NEED_X();
    TempDir dir;
    const std::string script = writeScript(dir, "long_import.py",
        "from multiprocessing import Pool\n"
        "import time\n"
        "\n"
        "def slow(n):\n"
        "    weights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, "
        "26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50]\n"
        "    time.sleep(4)\n"
        "    return n\n"
        "\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as pool:\n"
        "        print(pool.map(slow, [1, 2]))\n");
    LiveWindow w({"--presentation", "--size", "1280x720"}, {"--trace-python", script});
    REQUIRE_FALSE(w.window.empty());
    const auto workerOnSleep = [](const json& st) {
        for (const json& m : st["code_markers"])
            if (m["process"].get<std::string>().rfind("ForkPoolWorker-", 0) == 0 && m["line"] == 5) return true;   // time.sleep(4)
        return false;
    };
    REQUIRE(w.waitFor(workerOnSleep, 30));
    w.settle(6);
    const json s = w.state();
    json code;
    for (const json& p : s["panels"])
        if (p["name"] == "Code") code = p;
    REQUIRE(code.is_object());
    INFO("Code lines: " << code["lines"].dump() << "\ncut: " << code["clipped_texts"].dump() << "\nmarkers: "
                        << s["code_markers"].dump());
    CHECK(workerOnSleep(s));
    bool seen = false;
    for (const json& l : code["lines"]) seen = seen || l.get<std::string>().find("time.sleep(4)") != std::string::npos;
    CHECK(seen);
    CHECK(code["clipped_texts"].dump().find("time.sleep") == std::string::npos);
}

TEST_CASE("parviz trace --gui exits with the traced program's exit status", "[gui][trace]") {
    NEED_DISPLAY();
    TempDir dir;
    const Result r = runParviz({"trace", "--gui", "--screenshot", dir.file("x.png"), "--", "/bin/sh", "-c", "exit 3"},
                               dir.path);
    INFO(r.err);
    CHECK(r.exitCode == 3);
    const Result bad = runParviz({"gui", "--trace-python", dir.file("missing.py")}, dir.path);
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("missing.py") != std::string::npos);
}

TEST_CASE("Stop in the window ends a hung traced program's whole process group within a second",
          "[gui][trace][python][keys]") {
    NEED_X();
    ExampleScale scale("0.1");
    LiveWindow w({}, {"--trace-python", kExamples + "killed_worker.py"});
    REQUIRE_FALSE(w.window.empty());
    // Pool.map hangs once the worker running C was killed and the others are done.
    REQUIRE(w.waitFor([](const json& st) { return st["stats"]["tasks_failed"] == 1 && st["stats"]["tasks_done"] == 3; },
                      30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    json s = w.state();
    REQUIRE(s["runs"].size() == 1);
    CHECK(s["runs"][0]["status"] == "running");   // CPython's Pool.map waits forever
    const long pgid = s["runs"][0]["program_group"].get<long>();
    const std::string ringDir = s["runs"][0]["ring_dir"].get<std::string>();
    REQUIRE(pgid > 0);
    CHECK_FALSE(groupGone(pgid));
    CHECK(fs::exists(ringDir));
    const auto stop = itemRect(s, "Stop");
    // The pointer on Stop first (a frame sees it there), then the press is timed.
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(stop[0] + stop[2] / 2)) +
               " " + std::to_string(static_cast<int>(stop[1] + stop[3] / 2)));
    w.settle(3);
    const auto t0 = std::chrono::steady_clock::now();
    runCommand("xdotool click 1");
    REQUIRE(w.waitFor([](const json& st) { return st["runs"][0]["status"] == "stopped"; }, 5));
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took < 1.2);   // within a second, and the dump's next frame and the 50 ms polling of it
    CHECK(groupGone(pgid));   // reaped: no zombie keeps the group alive
    CHECK_FALSE(fs::exists(ringDir));
    CHECK(w.state()["runs"][0]["label"].get<std::string>().find("killed by SIGTERM") != std::string::npos);
}

TEST_CASE("a traced Pool.map hung on a killed worker: MainProcess is shown waiting for the pool's results, and the "
          "Queue panel shows the pool's task queue",
          "[gui][trace][python][sync]") {
    NEED_X();
    ExampleScale scale("0.2");
    const json s = hungKilledWorker();
    const std::string queue = panelLines(s, "Queue", " "), explain = panelLines(s, "Explain", " ");
    INFO("Queue: " << queue << "\nExplain: " << explain);
    CHECK(queue.find("uses no queue") == std::string::npos);   // before: "This scenario uses no queue."
    CHECK(queue.find("pool tasks") != std::string::npos);
    CHECK(queue.find("MainProcess waits for the pool's results") != std::string::npos);
    // Before: "MainProcess runs the program's own code: it hands out the work and collects the results".
    CHECK(explain.find("MainProcess waits for the pool's results since") != std::string::npos);
    CHECK(explain.find("whose result never comes") != std::string::npos);
    CHECK(explain.find("MainProcess runs the program's own code") == std::string::npos);
    // The toolbar shows what applies to a traced program: the program, Stop, Trace again; not the
    // scenario's workers, work, time scale, chunksize or Tasks (before: "pool", workers 2, ...).
    std::set<std::string> items;
    for (const json& p : s["panels"])
        for (const json& it : p["items"]) items.insert(it["text"].get<std::string>());
    INFO(s["panels"].dump().substr(0, 2000));
    CHECK(items.count("python3 killed_worker.py") == 1);
    CHECK(items.count("Stop") == 1);
    CHECK(items.count("Trace again") == 1);
    for (const char* gone : {"workers", "time scale", "Tasks...", "Run", "Pause", "Restart"}) CHECK(items.count(gone) == 0);
}

TEST_CASE("parviz trace --gui writes --trace, --summary-json and --save-run when the program has ended",
          "[gui][trace][python]") {
    NEED_DISPLAY();
    ExampleScale scale("0.05");
    TempDir dir;
    const std::string chrome = dir.file("pool.json"), summary = dir.file("summary.json"), saved = dir.file("pool.pvz");
    const Result r = runParviz({"trace", "--gui", "--screenshot", dir.file("x.png"), "--trace", chrome,
                                "--summary-json", summary, "--save-run", saved, "--", "python3",
                                kExamples + "pool.py"}, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);   // before: exit 2, "--gui: the window saves the run itself"
    const json sum = json::parse(slurp(summary));
    CHECK(sum["tasks"]["done"] == 4);
    CHECK_FALSE(sum.contains("incomplete"));
    const json tr = json::parse(slurp(chrome));
    int tasks = 0;
    for (const json& e : tr["traceEvents"])
        if (e.value("cat", "") == "task") ++tasks;
    CHECK(tasks == 4);
    CHECK(fs::file_size(saved) > 0);
    const Result replay = runParviz({"gui", "--screenshot", dir.file("y.png"), "--layout-json", dir.file("y.json"),
                                     "--open", saved}, dir.path);
    REQUIRE(replay.exitCode == 0);
    CHECK(json::parse(slurp(dir.file("y.json")))["stats"]["tasks_done"] == 4);
    // Without a traced program the window has no program to write them for: refused, named.
    const Result bad = runParviz({"gui", "pool", "--save-run", saved}, dir.path);
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("--save-run is written for a traced program") != std::string::npos);
}

TEST_CASE("a traced program of plain processes: Stats says it has no Pool tasks and shows each process's times",
          "[gui][trace][python]") {
    NEED_DISPLAY();
    ExampleScale scale("0.1");
    TempDir dir;
    const std::string png = dir.file("jq.png"), layout = dir.file("jq.json");
    const Result r = runParviz({"gui", "--screenshot", png, "--layout-json", layout, "--trace-python",
                                kExamples + "job_queue.py"}, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    const std::string stats = panelLines(s, "Stats");
    INFO(stats);
    // Before: "this scenario runs no tasks: no makespan or speedup" and "0 workers on 2 cores".
    CHECK(stats.find("this scenario runs no tasks") == std::string::npos);
    CHECK(stats.find("plain processes: no Pool tasks") != std::string::npos);
    CHECK(stats.find("4 processes on") != std::string::npos);
    CHECK(stats.find("0 workers") == std::string::npos);
    CHECK(stats.find("% workers") == std::string::npos);   // the CPU bars: the program's processes, no pool's workers
}

TEST_CASE("a traced program is not offered the scenario's Predict questions", "[gui][trace][python]") {
    NEED_DISPLAY();
    ExampleScale scale("0.05");
    TempDir dir;
    const std::string png = dir.file("p.png"), layout = dir.file("p.json");
    const Result r = runParviz({"gui", "--screenshot", png, "--layout-json", layout, "--trace-python",
                                kExamples + "pool.py"}, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    std::set<std::string> items;
    std::string lines;
    for (const json& p : s["panels"]) {
        for (const json& it : p["items"]) items.insert(it["text"].get<std::string>());
        for (const auto& l : p["lines"]) lines += l.get<std::string>() + "\n";
    }
    INFO(lines);
    // Before: "Predict the next run" asked the pool scenario's "How long will Pool(2).map take…?" under the
    // traced program's Explain.
    CHECK(items.count("Predict the next run") == 0);
    CHECK(lines.find("How long will") == std::string::npos);
}

TEST_CASE("parviz trace --gui says in the terminal how the program ended, as parviz trace does, and Ctrl-C ends its "
          "process group with exit 130",
          "[gui][trace][python]") {
    NEED_DISPLAY();
    TempDir dir;
    // The same line about a status that is not 0, with the window and without.
    const std::vector<std::string> program{"/usr/bin/python3", "-c", "import sys; print('bye'); sys.exit(3)"};
    std::vector<std::string> withWindow{"trace", "--gui", "--screenshot", dir.file("x.png"), "--"};
    withWindow.insert(withWindow.end(), program.begin(), program.end());
    std::vector<std::string> terminal{"trace", "--"};
    terminal.insert(terminal.end(), program.begin(), program.end());
    const Result gui = runParviz(withWindow, dir.path);
    const Result cli = runParviz(terminal, dir.path);
    INFO("window: " << gui.err << "\nterminal: " << cli.err);
    CHECK(gui.exitCode == 3);
    CHECK(cli.exitCode == 3);
    const std::string said = "parviz trace: the program (/usr/bin/python3 -c import sys; print('bye'); sys.exit(3)) "
                             "ended with exit 3; parviz trace exits with the program's status: 3";
    CHECK(cli.err.find(said) != std::string::npos);
    CHECK(gui.err.find(said) != std::string::npos);

    // Ctrl-C in the terminal (SIGINT to parviz; the program runs in its own
    // process group, so only parviz gets it): the program is ended, parviz
    // says so and exits 130, as parviz trace does.
    const std::string pidFile = dir.file("pid.txt");
    const std::string script = dir.path + "/sleeper.py";
    {
        std::ofstream f(script);
        f << "import os, time\nopen(" << "'" << pidFile << "', 'w').write(str(os.getpid()))\ntime.sleep(60)\n";
    }
    const char* exe = std::getenv("PARVIZ_TEST_EXE");
    const std::string cmd = "timeout -k 10 --preserve-status -s INT 6 " + shellQuote(exe && *exe ? exe : PARVIZ_EXE) +
                            " trace --gui -- /usr/bin/python3 " + shellQuote(script) + " >" +
                            shellQuote(dir.file("out.txt")) + " 2>" + shellQuote(dir.file("err.txt"));
    const int st = std::system(cmd.c_str());
    const std::string err = slurp(dir.file("err.txt"));
    INFO("after Ctrl-C: " << err);
    REQUIRE(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 130);
    CHECK(err.find("parviz trace: interrupted by SIGINT: the program's whole process group") != std::string::npos);
    const std::string pid = slurp(pidFile);
    REQUIRE_FALSE(pid.empty());   // the program did start
    CHECK((::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH));   // and is gone
}

TEST_CASE("parviz trace --gui interrupted after its program has ended says the program had already ended, not "
          "that its group was ended, and exits with the program's status",
          "[gui][trace][python]") {
    // Classroom walk: the window left open on a finished program, then
    // `kill` of parviz said "the program's whole process group (...) was
    // ended; parviz trace exits 143" of a program that had exited 0 long before.
    NEED_DISPLAY();
    TempDir dir;
    const std::string dump = dir.file("dump.json");
    const pid_t pid = spawnParviz({"trace", "--gui", "--test-dump", dump, "--", "/usr/bin/python3", "-c",
                                   "print('bye')"},
                                  dir.path, 120);
    // Until the window shows the program's trace finished (the program has
    // ended and parviz has read all of it), however slow the machine is.
    bool ended = false;
    std::uint64_t endedAt = 0, frame = 0;
    for (int i = 0; i < 1200 && !(ended && frame >= endedAt + 3); ++i) {   // and a few frames more
        try {
            const json s = json::parse(slurp(dump));
            frame = s.value("frame", std::uint64_t{0});
            if (!ended && s.value("trace_finished", false) && s.value("status", std::string()) == "finished") {
                ended = true;
                endedAt = frame;
            }
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // pid is `timeout`; parviz is its child.
    const std::string child = runCommand("pgrep -P " + std::to_string(pid) + " | head -n 1");
    REQUIRE_FALSE(child.empty());
    if (ended) kill(static_cast<pid_t>(std::stol(child)), SIGTERM);
    else kill(pid, SIGKILL);
    const Result r = waitParviz(pid, dir.path);
    REQUIRE(ended);
    INFO(r.err);
    CHECK(r.exitCode == 0);   // the program's own status, not 143
    CHECK(r.err.find("was ended") == std::string::npos);
    CHECK(r.err.find("parviz trace: interrupted by SIGTERM after the program (/usr/bin/python3 -c print('bye')) had "
                     "already ended (exit 0): nothing was left to end; parviz trace exits with the program's status: 0") !=
          std::string::npos);
}

TEST_CASE("a traced program's long start-up is left of the first view after it ends, said in words, and still "
          "reachable",
          "[gui][trace][python]") {
    // Classroom walk, finding 10: on a loaded machine python took 4 s to
    // start, and the 0.6 s pool was a sliver at the right edge. Here the
    // program sleeps 2 s before its Pool, as a slow start-up.
    NEED_DISPLAY();
    TempDir dir;
    const std::string script = dir.file("late_pool.py");
    std::ofstream(script) << (
        "import time\nfrom multiprocessing import Pool\n"
        "def f(x):\n    return x * x\n"
        "if __name__ == '__main__':\n"
        "    time.sleep(2.0)\n"
        "    with Pool(2) as p:\n        print(p.map(f, range(8)))\n");
    const std::string layout = dir.file("l.json");
    const Result r = runParviz({"gui", "--screenshot", dir.file("x.png"), "--layout-json", layout, "--trace-python",
                                script}, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    INFO(s["view"].dump() << " " << s["lead_in"].dump());
    REQUIRE(s["lead_in"]["cut"].get<bool>());
    const double activity = s["lead_in"]["activity_s"].get<double>();
    CHECK(activity >= 2.0);
    CHECK(s["lead_in"]["text"].get<std::string>().rfind("python started ", 0) == 0);
    CHECK(s["lead_in"]["text"].get<std::string>().find(" before its first process") != std::string::npos);
    // The view frames the program's multiprocessing: from just before its first process, not from 0.
    const double begin = s["view"]["begin_s"].get<double>(), end = s["view"]["end_s"].get<double>();
    CHECK(begin > activity * 0.75);
    CHECK(begin <= activity);
    CHECK(end > activity);
    // And says so above the lanes.
    bool said = false;
    for (const json& p : s["panels"])
        for (const auto& line : p["lines"]) said = said || line.get<std::string>().find("python started ") != std::string::npos;
    CHECK(said);
    // The axis says where its seconds count from (session 22: "time in s"
    // over a first tick of 2.2 s read as "my program took 3 s").
    bool axisSays = false;
    for (const json& p : s["panels"])
        if (p["name"] == "Timeline")
            for (const auto& line : p["lines"]) axisSays = axisSays || line.get<std::string>() == "s since start";
    CHECK(axisSays);
}

// The newcomer's walk (42-myq-1..3): while python3 was still starting at load
// 8, Queue said "This program uses no queue." and Stats "0 workers on 2
// cores". Before the program's root announces itself every panel says it
// waits for it, naming it; once it does, the header says it was traced after
// all (after 3 s of "not yet"), and the panels show the program. A real
// python3 started late (a wrapper sleeping before exec'ing it) stands for
// the slow start.
TEST_CASE("before a traced program has started every panel says it waits for it, then the header says traced after all",
          "[gui][trace][python]") {
    NEED_X();
    TempDir dir;
    const std::string script = dir.file("my_queue.py");
    {
        std::ofstream f(script);
        f << "import multiprocessing as mp, time\n"
             "def produce(q):\n    q.put('item0')\n"
             "if __name__ == '__main__':\n"
             "    q = mp.Queue()\n    p = mp.Process(target=produce, args=(q,))\n    p.start()\n"
             "    print('got', q.get(), flush=True)\n    p.join()\n    time.sleep(30)\n";
    }
    LiveWindow w({}, {"--trace-exec", "/bin/sh", "-c", "sleep 4; exec python3 \"$0\"", script});
    REQUIRE_FALSE(w.window.empty());
    const std::string waiting = "Waiting for my_queue.py to start";
    auto says = [](const json& s, const std::string& panel, const std::string& words) {
        for (const json& p : s["panels"])
            if (p["name"] == panel)
                for (const json& l : p["lines"])
                    if (l.get<std::string>().find(words) != std::string::npos) return true;
        return false;
    };
    REQUIRE(w.waitFor([&](const json& s) { return says(s, "Queue", waiting); }, 30));
    const json early = w.state();
    std::set<std::string> waitingPanels;
    for (const json& p : early["panels"]) {
        const std::string name = p["name"].get<std::string>();
        INFO(name << ": " << p["lines"].dump());
        for (const json& l : p["lines"]) {
            const std::string line = l.get<std::string>();
            CHECK(line.find("uses no queue") == std::string::npos);
            CHECK(line.find("uses no lock") == std::string::npos);
            CHECK(line.find("0 workers") == std::string::npos);
            CHECK(line.find("no task has started yet") == std::string::npos);
            if (line.find(waiting) != std::string::npos) waitingPanels.insert(name);
        }
    }
    INFO(early["panels"].dump());
    CHECK(waitingPanels.count("Queue") == 1);
    CHECK(waitingPanels.count("Code") == 1);
    CHECK(waitingPanels.count("Stats") == 1);
    // After 3 s the header says "not yet" (never "untraced"); once python3 loads the tracer, "traced after all".
    auto anywhere = [&](const json& s, const std::string& words) {
        for (const json& p : s["panels"])
            if (says(s, p["name"].get<std::string>(), words)) return true;
        return false;
    };
    REQUIRE(w.waitFor([&](const json& s) { return anywhere(s, "traced after all"); }, 60));
    REQUIRE(w.waitFor([&](const json& s) { return !says(s, "Queue", waiting) && !anywhere(s, "uses no queue"); }, 60));
    const json late = w.state();
    CHECK_FALSE(anywhere(late, "untraced"));
    CHECK_FALSE(anywhere(late, waiting));
}

// Session 22, step 8 walked as a student: in failing_task.py the "load
// imbalance: ForkPoolWorker-2 idle 76 %" callout's label and outline edge
// covered the failed task C (it raised at once, and the idle tail it is
// about begins where C ended). A callout keeps clear of every failed task:
// its label's and its outline's rectangles are checked against where the
// task is drawn (from the tasks, the view and the rows of the same frame).
TEST_CASE("a callout's label and outline never cover a failed task", "[gui][trace][python][callout]") {
    NEED_DISPLAY();
    TempDir dir;
    const json s = tracedShot(dir, kExamples + "failing_task.py");
    INFO(s["callouts"].dump() << "\n" << s["tasks"].dump() << "\n" << s["view"].dump());
    REQUIRE_FALSE(s["callouts"].empty());
    // And the caption, where the class reads, says a task failed (newcomer walk: "3 of 4 tasks done" alone,
    // C a 2 px sliver, "1 failed" under This run's fold).
    const std::string controls = panelLines(s, "Controls");
    INFO(controls);
    CHECK(controls.find("3 of 4 tasks done, 1 failed") != std::string::npos);
    const double b = s["view"]["begin_s"].get<double>(), e = s["view"]["end_s"].get<double>();
    int failed = 0;
    for (const json& t : s["tasks"]) {
        if (t["name"].get<std::string>().find("'C'") == std::string::npos) continue;   // C raised ZeroDivisionError
        const json* row = nullptr;
        for (const json& rw : s["rows"])
            if (rw["row"] == "tasks" && rw["title"] == t["worker"]) row = &rw;
        REQUIRE(row);
        const float px0 = (*row)["x0"].get<float>(), px1 = (*row)["x1"].get<float>();
        auto x = [&](double ns) { return static_cast<float>(px0 + (ns / 1e9 - b) / (e - b) * (px1 - px0)); };
        // As drawn: at least a few px wide (minSpanPx), so 3 px either side.
        const float tx0 = x(t["start_ns"].get<double>()) - 3, tx1 = x(t["end_ns"].get<double>()) + 3;
        const float ty0 = (*row)["y0"].get<float>(), ty1 = (*row)["y1"].get<float>();
        ++failed;
        for (const json& c : s["callouts"]) {
            INFO(c["words"].get<std::string>() << " vs C at x " << tx0 << ".." << tx1);
            if (c["label_shown"].get<bool>()) {
                const auto& lr = c["label_rect"];
                const float lx0 = lr[0].get<float>(), ly0 = lr[1].get<float>();
                const float lx1 = lx0 + lr[2].get<float>(), ly1 = ly0 + lr[3].get<float>();
                CHECK_FALSE((lx0 < tx1 && lx1 > tx0 && ly0 < ty1 && ly1 > ty0));
            }
            // Its outline's vertical edges on C's lane: never through C.
            bool onLane = false;
            for (const json& o : c["outlined"]) onLane = onLane || o == t["worker"];
            if (!onLane) continue;
            float ox0 = c["x0"].get<float>(), ox1 = c["x1"].get<float>();
            if (c.contains("outline_x")) {
                ox0 = c["outline_x"][0].get<float>();
                ox1 = c["outline_x"][1].get<float>();
            }
            if (ox1 <= ox0) continue;   // no outline drawn
            CHECK_FALSE((ox0 + 2 > tx0 && ox0 - 2 < tx1));
            CHECK_FALSE((ox1 + 2 > tx0 && ox1 - 2 < tx1));
        }
    }
    CHECK(failed == 1);
}

// Session 22: joinable_queue.py's MainProcess in q.join() was a bare purple
// stripe ("waits to be woken", no words), where a Process.join says "join".
// Every wait on an Event, a JoinableQueue's join (and a Condition, a Barrier,
// a Pool's results) has its words on the lane.
TEST_CASE("a traced program's waits on an Event and in JoinableQueue.join have their words on the lane",
          "[gui][trace][python][words]") {
    NEED_DISPLAY();
    TempDir dir;
    const std::string script = dir.file("waits.py");
    std::ofstream(script) << (
        "import time\nimport multiprocessing as mp\n"
        "def setter(ev):\n    time.sleep(0.6)\n    ev.set()\n"
        "def worker(jq):\n    while True:\n        jq.get()\n        time.sleep(0.6)\n        jq.task_done()\n"
        "if __name__ == '__main__':\n"
        "    ev = mp.Event()\n    p = mp.Process(target=setter, args=(ev,))\n    p.start()\n    ev.wait()\n"
        "    jq = mp.JoinableQueue()\n    w = mp.Process(target=worker, args=(jq,), daemon=True)\n    w.start()\n"
        "    jq.put(1)\n    jq.join()\n    p.join()\n");
    const json s = tracedShot(dir, script);
    std::string lines;
    for (const json& p : s["panels"])
        if (p["name"] == "Timeline")
            for (const auto& l : p["lines"]) lines += l.get<std::string>() + "\n";
    INFO(lines);
    CHECK((lines.find("waits for Event-1 to be set\n") != std::string::npos || lines.find("wait()\n") != std::string::npos));
    CHECK((lines.find("waits in join() until every item of JoinableQueue-1 is task_done\n") != std::string::npos ||
           lines.find("join()\n") != std::string::npos));
    // The header's run-end line names the program's processes: MainProcess, the setter and the worker.
    bool counted = false;
    for (const json& p : s["panels"])
        if (p["name"] == "Controls")
            for (const auto& l : p["lines"])
                counted = counted || l.get<std::string>().find("the run ended: 3 processes (MainProcess, 2 others)") !=
                                         std::string::npos;
    CHECK(counted);
}

// Session 22: in joinable_queue.py the put→get arrows began in empty space
// (MainProcess's puts: a line from nowhere on its empty tasks row). Every
// arrow drawn with its line has a mark at its put end, on a drawn lane's
// tasks row; the legend's swatch is drawn by the same code (drawQueueArrow).
TEST_CASE("every queue arrow's put end is on a put mark", "[gui][trace][python][arrows]") {
    NEED_DISPLAY();
    TempDir dir;
    const json s = tracedShot(dir, kExamples + "joinable_queue.py");
    REQUIRE(s.contains("arrows"));
    REQUIRE_FALSE(s["arrows"].empty());
    int lines = 0;
    for (const json& a : s["arrows"]) {
        INFO(a.dump());
        if (!a["line"].get<bool>()) continue;
        ++lines;
        CHECK(a["put_mark"].get<bool>());
        const float y = a["put"][1].get<float>();
        bool onRow = false;
        for (const json& rw : s["rows"])
            onRow = onRow || (rw["row"] == "tasks" && y >= rw["y0"].get<float>() && y <= rw["y1"].get<float>());
        CHECK(onRow);
    }
    CHECK(lines > 0);
}

namespace {
// Whether queue arrow a (the layout json's "arrows" entry) crosses the
// rectangle [x0, x1] x [y0, y1]: its line, the dot at its put, its head.
bool arrowCrossesRect(const json& a, float x0, float y0, float x1, float y1) {
    const float px = a["put"][0].get<float>(), py = a["put"][1].get<float>();
    const float gx = a["get"][0].get<float>(), gy = a["get"][1].get<float>();
    const auto in = [&](float x, float y, float d) { return x + d > x0 && x - d < x1 && y + d > y0 && y - d < y1; };
    if (in(gx, gy, 3)) return true;
    if (!a["line"].get<bool>()) return false;
    if (in(px, py, 3)) return true;
    for (int i = 0; i <= 400; ++i) {   // the line, sampled every quarter pixel or so
        const float t = static_cast<float>(i) / 400;
        if (in(px + (gx - px) * t, py + (gy - py) * t, 1)) return true;
    }
    return false;
}
} // namespace

// Session 23, step 8 walked from the back row: joinable_queue.py's
// "waits in join() until every item of JoinableQueue-1 is task_done" began on
// MainProcess's put dot and the fan of put->get arrows ran through its words.
// A wait's words on a lane are where no arrow crosses them, or on a plate of
// the lane's colour that the arrows pass under.
TEST_CASE("a traced wait's words on a lane are never crossed by a queue arrow", "[gui][trace][python][words][lanes]") {
    NEED_DISPLAY();
    TempDir dir;
    const json s = tracedShot(dir, kExamples + "joinable_queue.py");
    REQUIRE(s.contains("lane_words"));
    INFO(s["lane_words"].dump() << "\n" << s["arrows"].dump());
    REQUIRE_FALSE(s["arrows"].empty());
    bool join = false;
    for (const json& w : s["lane_words"]) {
        const std::string text = w["text"].get<std::string>();
        join = join || text.rfind("waits in join()", 0) == 0 || text == "join()";
        if (w["plate"].get<bool>()) continue;   // the arrows pass under its plate
        const float x0 = w["rect"][0].get<float>(), y0 = w["rect"][1].get<float>();
        const float x1 = x0 + w["rect"][2].get<float>(), y1 = y0 + w["rect"][3].get<float>();
        for (const json& a : s["arrows"]) {
            INFO(text << " vs " << a.dump());
            CHECK_FALSE(arrowCrossesRect(a, x0, y0, x1, y1));
        }
    }
    CHECK(join);
}

// Session 23: event.py's Process-4 waits 0.2 s with a timeout that runs out
// (wait() returns False), and its lane said "wait()" as the three woken ones'
// did. A timed wait that ran out says so on its lane.
TEST_CASE("a traced Event.wait that timed out says so on its lane", "[gui][trace][python][words][lanes]") {
    NEED_DISPLAY();
    TempDir dir;
    const json s = tracedShot(dir, kExamples + "event.py");
    const std::string lines = panelLines(s, "Timeline");
    INFO(lines);
    CHECK((lines.find("for Event-1, timed out") != std::string::npos || lines.find("timed out\n") != std::string::npos));
    // The three that were woken still say they wait to be set.
    CHECK((lines.find("waits for Event-1 to be set") != std::string::npos || lines.find("wait()\n") != std::string::npos));
}

// Newcomer walk, session 28: LESSON.md's step 8 is `parviz trace -- python3
// my_pool.py`, and typed at a terminal it printed the summary only; the
// window needed --gui, which the lesson does not say. At a terminal on a
// desktop the window now opens by itself; a pipe (scripts, these tests'
// other runs) and --no-gui keep the terminal summary. The terminal is a real
// pseudo-terminal: util-linux's script(1) runs parviz on one.
TEST_CASE("parviz trace typed at a terminal on a desktop shows the program in the window; a pipe or --no-gui prints "
          "the summary",
          "[gui][trace][python][terminal]") {
    NEED_DISPLAY();
    ExampleScale scale("0.05");
    TempDir dir;
    const char* exe = std::getenv("PARVIZ_TEST_EXE");
    const std::string parviz = exe && *exe ? exe : PARVIZ_EXE;
    const std::string png = dir.file("t.png"), layout = dir.file("t.json"), out = dir.file("tty.txt");
    const auto atTerminal = [&](const std::string& flags) {
        const std::string inner = "timeout -k 5 120 " + shellQuote(parviz) + " trace " + flags + " -- python3 " +
                                  shellQuote(kExamples + "pool.py");
        const std::string cmd = "script -qec " + shellQuote(inner) + " /dev/null </dev/null >" + shellQuote(out) + " 2>&1";
        const int st = std::system(cmd.c_str());
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    };
    // At the terminal, the window's flags without --gui: it opened, and the run is the program's.
    const int code = atTerminal("--screenshot " + shellQuote(png) + " --layout-json " + shellQuote(layout));
    const std::string said = slurp(out);
    INFO(said);
    REQUIRE(code == 0);
    CHECK(said.find("parviz trace: showing " + kExamples + "pool.py in the window (--no-gui: the summary in the "
                    "terminal instead)") != std::string::npos);
    CHECK(said.find("Summary of") == std::string::npos);
    REQUIRE(std::ifstream(png).good());
    const json s = json::parse(slurp(layout));
    REQUIRE(s["runs"].size() == 1);
    CHECK(s["runs"][0]["traced"].get<bool>());

    // --no-gui at the same terminal: the summary, no window.
    REQUIRE(atTerminal("--no-gui") == 0);
    const std::string summary = slurp(out);
    INFO(summary);
    CHECK(summary.find("Summary of pool.py") != std::string::npos);
    CHECK(summary.find("in the window") == std::string::npos);

    // Through a pipe (stdout not a terminal): the summary, as every script had it.
    const Result piped = runParviz({"trace", "--", "python3", kExamples + "pool.py"}, dir.path);
    INFO(piped.err);
    CHECK(piped.exitCode == 0);
    CHECK(piped.out.find("Summary of pool.py") != std::string::npos);
    // ... and a window flag there still asks for --gui, naming it.
    const Result flag = runParviz({"trace", "--presentation", "--", "python3", kExamples + "pool.py"}, dir.path);
    CHECK(flag.exitCode == 2);
    CHECK(flag.err.find("--presentation: a window flag: give --gui first") != std::string::npos);
}

// Newcomer check, session 28: in a traced Pool(4)'s Why tab at 1280x720,
// short of room, MainProcess's line was cut to its first clause ("waits for
// the pool's results since 0.20 s"), dropping how many tasks are done and
// running, the one thing it is there to say. Its short form keeps the count.
TEST_CASE("a traced Pool(4)'s Why tab, short of room, keeps how many of the pool's tasks are done and running",
          "[gui][trace][python][explain]") {
    NEED_DISPLAY();
    TempDir dir;
    // Seven short tasks and one long one: at 1.0 s the long one runs, the others are done.
    const std::string script = sleepPoolScript(dir, "long_one.py", 4, "[0.2] * 3 + [1.6] + [0.2] * 4");
    const json s = tracedShot(dir, script, {"--screenshot-at", "1.0", "--test-tab", "Why"});
    const std::string why = panelLines(s, "Stats", " ");
    INFO(why);
    REQUIRE(why.find("MainProcess waits for the pool's results since ") != std::string::npos);
    CHECK((why.find(" started tasks done") != std::string::npos || why.find(" tasks started so far ") != std::string::npos));
    CHECK(why.find(" running") != std::string::npos);
}

// A `with Pool()` block's terminate leaves a stop signal on the results queue
// that nobody takes: the Queue panel said "taken 9" on one line and "1 never
// taken: the pool was shut down" on the next, the first to scroll out at
// 1280x720, so "put 10 ... taken 9" read as a lost item (newcomer walk,
// session 29). The never-taken count stands on the taken count's line.
TEST_CASE("a traced pool's items never taken are counted on the line of the taken count",
          "[gui][trace][python][queue]") {
    NEED_DISPLAY();
    TempDir dir;
    const std::string script = sleepPoolScript(dir, "with_pool.py", 2, "[0.1] * 4");
    const json s = tracedShot(dir, script);
    std::vector<std::string> lines;
    for (const json& p : s["panels"])
        if (p["name"].get<std::string>().rfind("Queue", 0) == 0)   // "Queue and Lock" in presentation
            for (const json& l : p["lines"]) lines.push_back(l.get<std::string>());
    std::string all;
    for (const std::string& l : lines) all += l + "\n";
    INFO(all);
    bool counted = false, never = false;
    for (const std::string& l : lines) {
        never = never || l.find("never taken") != std::string::npos;
        counted = counted || std::regex_search(l, std::regex("taken [0-9]+ \\+ [0-9]+ never taken"));
    }
    REQUIRE(never);   // CPython's terminate leaves one (a program where it does not tests nothing here)
    CHECK(counted);
}

// The Code panel follows the first marked line in the file: in a short
// panel the workers on their function left MainProcess's `p.map(...)` below
// the edge with nothing pointing to it (newcomer walk, session 30). A bar at
// the panel's foot names who is out of view and on which line.
TEST_CASE("a traced process whose line is out of the Code panel's view is named on the panel's foot with its line",
          "[gui][trace][python][code]") {
    NEED_DISPLAY();
    TempDir dir;
    const std::string script = dir.file("far.py");
    std::ofstream f(script);
    f << "import time\nfrom multiprocessing import Pool\n\n\ndef work(t):\n    time.sleep(t)\n    return t\n";
    for (int i = 0; i < 12; ++i) f << "\n# filler " << i << "\n";
    f << "if __name__ == '__main__':\n    with Pool(2) as p:\n        print(p.map(work, [4, 4]))\n";
    f.close();
    int mapLine = 0, n = 0;
    {
        std::ifstream in(script);
        for (std::string l; std::getline(in, l);)
            if (++n, l.find("p.map") != std::string::npos) mapLine = n;
    }
    const json s = tracedShot(dir, script, {"--screenshot-at", "2.0"});
    std::string code;
    bool clipped = true;
    for (const json& p : s["panels"])
        if (p["name"] == "Code") {
            clipped = p["clipped"].get<bool>();
            for (const json& l : p["lines"]) code += l.get<std::string>() + "\n";
        }
    INFO(code);
    REQUIRE(code.find("def work(t):") != std::string::npos);   // the workers' line in view
    CHECK(code.find("MainProcess: line " + std::to_string(mapLine) + " \u2193") != std::string::npos);
    CHECK_FALSE(clipped);
}
