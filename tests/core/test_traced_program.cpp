// TracedProgram (traced_program.hpp) from a process with threads, as the
// window is: a real `python3 examples/*.py` under the tracer, reaped, its
// group ended on stop, its exit status and its ring directory gone.
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/traced_program.hpp"

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <sys/wait.h>
#include <thread>

using namespace parviz;

namespace {

const std::string kExamples = std::string(PARVIZ_SOURCE_DIR) + "/examples/";

bool groupGone(pid_t pgid) { return ::kill(-pgid, 0) != 0 && errno == ESRCH; }

// Some process of ours that is a zombie (ended, not reaped): /proc/PID/stat state Z with our pid as parent.
int zombieChildren() {
    int n = 0;
    const std::string me = std::to_string(getpid());
    for (const auto& d : std::filesystem::directory_iterator("/proc")) {
        const std::string pid = d.path().filename();
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::FILE* f = std::fopen((d.path() / "stat").c_str(), "r");
        if (!f) continue;
        char buf[512] = {};
        const std::size_t got = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        const std::string s(buf, got);
        const auto rp = s.rfind(')');
        if (rp == std::string::npos || rp + 4 >= s.size()) continue;
        const char state = s[rp + 2];
        const std::string ppid = s.substr(rp + 4, s.find(' ', rp + 4) - (rp + 4));
        if (state == 'Z' && ppid == me) ++n;
    }
    return n;
}

struct ExampleScale {
    ExampleScale() { setenv("PARVIZ_EXAMPLE_SCALE", "0.05", 1); }
    ~ExampleScale() { unsetenv("PARVIZ_EXAMPLE_SCALE"); }
};

} // namespace

TEST_CASE("a traced program runs to its end from a threaded process: status, exit code, events, nothing left",
          "[traced_program][python]") {
    ExampleScale scale;
    TracedProgram prog({"python3", kExamples + "pool.py"});
    const pid_t pgid = prog.pid();
    REQUIRE(pgid > 0);
    CHECK(prog.status() == RunStatus::Running);
    REQUIRE(prog.wait(60.0));
    CHECK(prog.status() == RunStatus::Finished);
    REQUIRE(prog.exitStatus().has_value());
    CHECK(*prog.exitStatus() == 0);
    CHECK(prog.describeExit() == "exit 0");
    CHECK(groupGone(pgid));
    CHECK(zombieChildren() == 0);
    CHECK_FALSE(std::filesystem::exists(prog.ringDirectory()));
    const Trace& trace = *prog.trace();
    CHECK(trace.meta().finished);
    CHECK_FALSE(trace.meta().incomplete);
    CHECK(trace.meta().scenario == "pool.py");
    RunModel model;
    model.update(trace);
    int done = 0;
    for (const TaskRecord& t : model.tasks()) done += t.outcome == TaskOutcome::Done;
    CHECK(done == 4);
    // parviz's own CPU while the program ran, per thread (PARVIZ_TRACE_USAGE, bench_python_trace.py).
    const auto usage = prog.usageWhileRunning();
    REQUIRE(usage.has_value());
    CHECK(usage->userNs + usage->sysNs > 0);
    CHECK(usage->childrenCpuNs > 0);
    bool collector = false;
    for (const auto& t : usage->threads) collector = collector || t.name == "pvz-collector";
    CHECK(collector);
    CHECK(formatSelfUsage(*usage).starts_with("parviz itself: "));
}

TEST_CASE("stopping a traced program that hangs ends its whole process group within a second",
          "[traced_program][python]") {
    ExampleScale scale;
    // CPython's Pool.map never returns once a worker died mid-task: only a stop ends it.
    TracedProgram prog({"python3", kExamples + "killed_worker.py"});
    const pid_t pgid = prog.pid();
    // Wait until the pool worker was killed and the replacement finished the rest.
    RunModel model;
    bool lost = false;
    for (int i = 0; i < 400 && !lost; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        model.update(*prog.trace());
        for (const TaskRecord& t : model.tasks()) lost = lost || t.outcome == TaskOutcome::WorkerDied;
    }
    REQUIRE(lost);
    CHECK_FALSE(prog.wait(0.3));   // it hangs, as CPython does
    CHECK(prog.status() == RunStatus::Running);
    const auto t0 = std::chrono::steady_clock::now();
    prog.stop();
    REQUIRE(prog.wait(5.0));
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(took < 1.0);
    CHECK(prog.status() == RunStatus::Stopped);
    CHECK(groupGone(pgid));
    CHECK(zombieChildren() == 0);
    CHECK_FALSE(std::filesystem::exists(prog.ringDirectory()));
    CHECK(prog.trace()->meta().incomplete);
    REQUIRE(prog.exitStatus().has_value());
    CHECK(*prog.exitStatus() == 128 + SIGTERM);   // the root died of the stop's SIGTERM
}

TEST_CASE("a traced program that is missing or not executable is refused before anything starts",
          "[traced_program]") {
    CHECK_THROWS_AS(TracedProgram({"/nonexistent/python3"}), ProgramError);
    CHECK_THROWS_WITH(TracedProgram({"no-such-program-parviz"}), Catch::Contains("not found on PATH"));
    CHECK_THROWS_WITH(TracedProgram({kExamples + "pool.py"}), Catch::Contains("not an executable file"));
}

TEST_CASE("a traced program's exit code and death by a signal are reported as a shell would",
          "[traced_program]") {
    TracedProgram three({"/bin/sh", "-c", "exit 3"});
    REQUIRE(three.wait(30.0));
    CHECK(three.status() == RunStatus::Failed);
    CHECK(three.exitStatus() == 3);
    CHECK(three.describeExit() == "exit 3");
    TracedProgram killed({"/bin/sh", "-c", "kill -KILL $$"});
    REQUIRE(killed.wait(30.0));
    CHECK(killed.exitStatus() == 128 + SIGKILL);
    CHECK(killed.describeExit() == "killed by SIGKILL (9)");
}

TEST_CASE("a traced program's MainProcess is on the core lanes, and not counted as another program",
          "[traced_program][python][cores]") {
    // The root spins 0.4 s of its own CPU before it starts one child: that
    // time is the program's (MainProcess on the cores, the Stats' own column),
    // never "other processes" per core, which agree with the machine verdict.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("parviz-main-cpu-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string script = (dir / "spin.py").string();
    {
        std::FILE* f = std::fopen(script.c_str(), "w");
        REQUIRE(f);
        std::fputs("import time, multiprocessing as mp\n"
                   "def child():\n    print('child ran')\n"
                   "if __name__ == '__main__':\n"
                   "    t = time.process_time()\n"
                   "    while time.process_time() - t < 0.4:\n        pass\n"
                   "    p = mp.Process(target=child)\n    p.start()\n    p.join()\n",
                   f);
        std::fclose(f);
    }
    TracedProgram prog({"python3", script});
    REQUIRE(prog.wait(60.0));
    std::filesystem::remove_all(dir);
    REQUIRE(prog.status() == RunStatus::Finished);
    const Trace& trace = *prog.trace();
    REQUIRE(trace.meta().coreSource != CoreSource::None);
    RunModel model;
    model.update(trace);
    std::int64_t mainNs = 0;
    for (const CpuInterval& c : model.cpu())
        if (c.proc == kParentProc) mainNs += c.t1 - c.t0;
    INFO("MainProcess on the cores: " << mainNs / 1e6 << " ms");
    CHECK(mainNs >= 350'000'000);    // its 0.4 s of spinning, measured by the OS
    CHECK(mainNs <= 2'000'000'000);
    const RunStats s = computeStats(model, trace);
    std::int64_t statsMain = 0;
    for (const CoreStats& c : s.cores) statsMain += c.mainOnCpuNs;
    CHECK(statsMain == mainNs);
    // Per core: the verdict's exact share split between the cores.
    REQUIRE(s.machine.otherShare.has_value());
    REQUIRE(s.coreOthersFromCounters);
    double sum = 0;
    for (const CoreStats& c : s.cores) sum += c.otherShare.value_or(0);
    CHECK(sum / static_cast<double>(s.cores.size()) == Approx(*s.machine.otherShare).margin(1e-9));
    const std::string text = formatSummary(s);
    CHECK_THAT(text, Catch::Contains("MainProcess") && Catch::Contains("split between the cores"));
}
