// Process: ports of CPython's Lib/test/_test_multiprocessing.py _TestProcess
// (test_process, test_args_argument, test_terminate, test_kill,
// test_many_processes, test_sys_exit) plus what the fork server adds.
#include "../leak_check.hpp"
#include "parviz/arena.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"
#include "parviz/runtime.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sched.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using parviz::Process;
using parviz::ProcessOptions;

namespace {

int returnZero(std::span<const std::string>) { return 0; }

// Returns the code given as first argument.
int returnCode(std::span<const std::string> args) { return std::atoi(args[0].c_str()); }

int exitViaExitProcess(std::span<const std::string> args) {
    parviz::exitProcess(std::atoi(args[0].c_str()));
}

int sleepMs(std::span<const std::string> args) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(args[0].c_str())));
    return 0;
}

int hangForever(std::span<const std::string>) {
    for (;;) pause();
}

// Exit 0 only if the arguments arrived byte for byte.
int checkArgs(std::span<const std::string> args) {
    if (args.size() != 4) return 10;
    if (args[0] != "alpha") return 11;
    if (!args[1].empty()) return 12;
    if (args[2] != std::string("nul\0inside", 10)) return 13;
    if (args[3].size() != 100'000) return 14;
    for (std::size_t i = 0; i < args[3].size(); ++i)
        if (args[3][i] != static_cast<char>('a' + i % 26)) return 15;
    return 0;
}

int checkOwnName(std::span<const std::string> args) {
    if (!parviz::inWorker()) return 2;
    return parviz::currentProcessName() == args[0] ? 0 : 1;
}

int g_global = 1;
int g_setAfterInit = 0;

int changeGlobal(std::span<const std::string>) {
    g_global = 2;
    return g_global;
}

int reportSetAfterInit(std::span<const std::string>) { return g_setAfterInit; }

// Redirects stdout to the file in args[0], then acts per args[1].
int printToFile(std::span<const std::string> args) {
    int fd = open(args[0].c_str(), O_WRONLY | O_TRUNC);
    if (fd < 0 || dup2(fd, 1) < 0) return 3;
    close(fd);
    if (args[1] == "throw") throw std::runtime_error("boom in the worker");
    parviz::print("hello from " + parviz::currentProcessName());
    return 0;
}

int printAndReturn3(std::span<const std::string>) {
    parviz::print("traced line from " + parviz::currentProcessName());
    return 3;
}

int execHelper(std::span<const std::string> args) {
    execl(args[0].c_str(), args[0].c_str(), static_cast<char*>(nullptr));
    return 99;
}

int checkPinned(std::span<const std::string> args) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 2;
    int core = std::atoi(args[0].c_str());
    if (CPU_COUNT(&set) != 1 || !CPU_ISSET(core, &set)) return 1;
    return parviz::currentCore() == core ? 0 : 3;   // a worker knows its core
}

std::string helper(const char* name) { return std::string(PARVIZ_HELPERS_DIR) + "/helper_" + name; }

struct TempFile {
    std::string path;
    TempFile() {
        char tmpl[] = "/tmp/parviz-test-XXXXXX";
        int fd = mkstemp(tmpl);
        REQUIRE(fd >= 0);
        close(fd);
        path = tmpl;
    }
    ~TempFile() { unlink(path.c_str()); }
    std::string read() const {
        std::ifstream f(path);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
};

bool reaped(pid_t pid) {
    siginfo_t si{};
    return waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG) < 0 && errno == ECHILD;
}

} // namespace

TEST_CASE("a process is not alive before start, alive while running, and exits 0 after join (test_process)",
          "[process]") {
    Process p(sleepMs, {"100"});
    CHECK_FALSE(p.isAlive());
    CHECK_FALSE(p.exitcode().has_value());
    CHECK(p.pid() == 0);
    CHECK(p.pidfd() == -1);

    p.start();
    CHECK(p.pid() > 0);
    CHECK(p.pid() != getpid());
    CHECK(p.pidfd() >= 0);
    CHECK(p.isAlive());
    CHECK_FALSE(p.exitcode().has_value());

    CHECK(p.join());
    CHECK_FALSE(p.isAlive());
    REQUIRE(p.exitcode().has_value());
    CHECK(*p.exitcode() == 0);
    CHECK(p.pidfd() == -1);
    CHECK(p.join());   // joining again is harmless
    CHECK_THROWS_AS(p.start(), std::logic_error);
}

TEST_CASE("processes are named Process-N in creation order unless named (test_process)", "[process]") {
    Process a(returnZero), b(returnZero), c(returnZero, {}, ProcessOptions{.name = "Custom"});
    auto number = [](const std::string& n) {
        REQUIRE(n.rfind("Process-", 0) == 0);
        return std::stoi(n.substr(8));
    };
    CHECK(number(b.name()) == number(a.name()) + 1);
    CHECK(c.name() == "Custom");
    Process pool(returnZero, {}, ProcessOptions{.poolWorker = true});
    CHECK(pool.name().rfind("ForkPoolWorker-", 0) == 0);
    CHECK(parviz::currentProcessName() == "MainProcess");
    CHECK_FALSE(parviz::inWorker());

    Process named(checkOwnName, {"Custom-2"}, ProcessOptions{.name = "Custom-2"});
    named.start();
    named.join();
    CHECK(named.exitcode() == 0);
}

TEST_CASE("the target receives its byte-string arguments exactly, small and large (test_args_argument)",
          "[process]") {
    std::string big(100'000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    const std::size_t arenaBefore = parviz::arena().used();
    Process p(checkArgs, {"alpha", "", std::string("nul\0inside", 10), big});
    p.start();
    p.join();
    CHECK(p.exitcode() == 0);
    // The big payload went through the arena and came back.
    CHECK(parviz::arena().used() == arenaBefore);
}

TEST_CASE("exit codes come from the target's return or exitProcess, exceptions give 1 (test_sys_exit)",
          "[process]") {
    for (int code : {0, 1, 42}) {
        Process ret(returnCode, {std::to_string(code)});
        Process ex(exitViaExitProcess, {std::to_string(code)});
        ret.start();
        ex.start();
        ret.join();
        ex.join();
        CHECK(ret.exitcode() == code);
        CHECK(ex.exitcode() == code);
    }

    TempFile out;
    Process thrower(printToFile, {out.path, "throw"}, ProcessOptions{.name = "Thrower"});
    thrower.start();
    thrower.join();
    CHECK(thrower.exitcode() == 1);
    CHECK(out.read() == "Process Thrower: boom in the worker\n");
}

TEST_CASE("a worker that execs a program reports that program's exit status or signal", "[process]") {
    Process ok(execHelper, {helper("exit42")});
    Process crash(execHelper, {helper("crash")});
    ok.start();
    crash.start();
    ok.join();
    crash.join();
    CHECK(ok.exitcode() == 42);
    CHECK(crash.exitcode() == -SIGSEGV);
}

TEST_CASE("terminate gives exit code -SIGTERM and join with a timeout returns false promptly (test_terminate)",
          "[process]") {
    Process p(hangForever);
    p.start();
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(p.join(100ms));
    auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited >= 100ms);
    CHECK(waited < 2s);
    CHECK(p.isAlive());
    CHECK_FALSE(p.exitcode().has_value());

    p.terminate();
    CHECK(p.join(5s));
    CHECK(p.exitcode() == -SIGTERM);
    CHECK_FALSE(p.isAlive());
}

TEST_CASE("join with a timeout works when no pidfd can be opened (descriptor table full)", "[process]") {
    // Regression: join(timeout) threw "pidfd_open: Too many open files", and
    // a run of 1024 processes under a hard limit of 1024 descriptors failed.
    Process slow(sleepMs, {"150"});
    Process stuck(hangForever);
    slow.start();
    stuck.start();
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit low = saved;
    low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 4096);
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    std::vector<int> hog;
    for (int fd; (fd = ::fcntl(2, F_DUPFD_CLOEXEC, 0)) >= 0;) hog.push_back(fd);
    bool slowJoined = false, stuckJoined = true;
    std::chrono::steady_clock::duration waited{};
    try {
        slowJoined = slow.join(10s);
        const auto t0 = std::chrono::steady_clock::now();
        stuckJoined = stuck.join(100ms);
        waited = std::chrono::steady_clock::now() - t0;
    } catch (...) {
        for (int fd : hog) ::close(fd);
        setrlimit(RLIMIT_NOFILE, &saved);
        throw;
    }
    for (int fd : hog) ::close(fd);
    setrlimit(RLIMIT_NOFILE, &saved);
    CHECK(slowJoined);
    CHECK(slow.exitcode() == 0);
    CHECK_FALSE(stuckJoined);
    CHECK(waited >= 100ms);
    CHECK(waited < 2s);
    stuck.kill();
    CHECK(stuck.join(5s));
}

TEST_CASE("kill gives exit code -SIGKILL (test_kill)", "[process]") {
    Process p(hangForever);
    p.start();
    p.kill();
    p.join();
    CHECK(p.exitcode() == -SIGKILL);
}

TEST_CASE("a stopped process is alive and runs on after cont", "[process]") {
    Process p(sleepMs, {"50"});
    p.start();
    p.stop();
    CHECK_FALSE(p.join(200ms));   // stopped: its 50 ms never elapse
    CHECK(p.isAlive());
    p.cont();
    CHECK(p.join(5s));
    CHECK(p.exitcode() == 0);
}

TEST_CASE("100 processes start, some are killed, each reports its own exit code (test_many_processes)",
          "[process]") {
    constexpr int n = 100;
    std::vector<Process> procs;
    procs.reserve(n);
    for (int i = 0; i < n; ++i) {
        if (i % 3 == 0) procs.emplace_back(hangForever);
        else procs.emplace_back(returnCode, std::vector<std::string>{std::to_string(i)});
    }
    for (auto& p : procs) p.start();
    for (int i = 0; i < n; i += 3) (i % 2 ? procs[i].terminate() : procs[i].kill());
    for (auto& p : procs) CHECK(p.join(10s));
    for (int i = 0; i < n; ++i) {
        INFO("process " << i);
        if (i % 3 == 0) CHECK(procs[i].exitcode() == (i % 2 ? -SIGTERM : -SIGKILL));
        else CHECK(procs[i].exitcode() == i);
    }
}

TEST_CASE("destroying a running process kills and reaps it: no zombie", "[process]") {
    pid_t pid = 0;
    {
        Process p(hangForever);
        p.start();
        pid = p.pid();
        REQUIRE(kill(pid, 0) == 0);
    }
    CHECK(reaped(pid));
    CHECK(parviz::test::leakReport().empty());
}

TEST_CASE("a moved process keeps its child; the moved-from one is inert", "[process]") {
    Process a(sleepMs, {"20"});
    a.start();
    pid_t pid = a.pid();
    Process b(std::move(a));
    CHECK(b.pid() == pid);
    CHECK(a.pid() == 0);     // NOLINT(bugprone-use-after-move): documented inert state
    CHECK_FALSE(a.isAlive());
    Process c(returnZero);
    c = std::move(b);
    CHECK(c.join());
    CHECK(c.exitcode() == 0);
}

TEST_CASE("a worker's memory is its own copy of the program as it was at init", "[process]") {
    Process p(changeGlobal);
    p.start();
    p.join();
    CHECK(p.exitcode() == 2);
    CHECK(g_global == 1);

    // Set in the parent after init(): the worker, forked by the fork server,
    // does not see it (runtime.hpp).
    g_setAfterInit = 7;
    Process q(reportSetAfterInit);
    q.start();
    q.join();
    CHECK(q.exitcode() == 0);
    g_setAfterInit = 0;
}

TEST_CASE("print without a recorder writes the line to the worker's stdout", "[process]") {
    TempFile out;
    Process p(printToFile, {out.path, "print"}, ProcessOptions{.name = "Printer"});
    p.start();
    p.join();
    CHECK(p.exitcode() == 0);
    CHECK(out.read() == "hello from Printer\n");
}

TEST_CASE("a process pinned to a core may run only there", "[process]") {
    const int core = parviz::cpuCountUsable() > 1 ? 1 : 0;
    Process p(checkPinned, {std::to_string(core)}, ProcessOptions{.pinCore = core});
    p.start();
    p.join();
    CHECK(p.exitcode() == 0);
}

TEST_CASE("cpu counts: usable cores are at least one and at most the total", "[process]") {
    CHECK(parviz::cpuCountUsable() >= 1);
    CHECK(parviz::cpuCountUsable() <= parviz::cpuCountTotal());
    CHECK(parviz::cpuCountTotal() == static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST_CASE("processes started from several threads at once all start and exit correctly", "[process]") {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&ok, t] {
            for (int i = 0; i < 10; ++i) {
                Process p(returnCode, {std::to_string(t * 10 + i)});
                p.start();
                p.join();
                if (p.exitcode() == t * 10 + i) ++ok;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(ok == 40);
}

TEST_CASE("the leak check names a leaked child, descriptor and /dev/shm file, and is clean after cleanup",
          "[leakcheck]") {
    REQUIRE(parviz::test::leakReport().empty());

    pid_t child = 0;
    std::string path = helper("hang");
    char* argv[] = {path.data(), nullptr};
    REQUIRE(posix_spawn(&child, path.c_str(), nullptr, nullptr, argv, environ) == 0);
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const std::string shmName = "/parviz-leak-check-" + std::to_string(getpid());
    int shm = shm_open(shmName.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    REQUIRE(shm >= 0);

    std::string report = parviz::test::leakReport();
    CHECK_THAT(report, Catch::Contains("child process " + std::to_string(child)));
    CHECK_THAT(report, Catch::Contains("helper_hang"));
    CHECK_THAT(report, Catch::Contains("file descriptor " + std::to_string(fd) + " -> /dev/null"));
    CHECK_THAT(report, Catch::Contains("/dev/shm" + shmName));

    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    close(fd);
    close(shm);
    shm_unlink(shmName.c_str());
    CHECK(parviz::test::leakReport().empty());
}

TEST_CASE("a traced process is named by its recorder and its start, print, stop, continue and exit are in the trace",
          "[process][trace]") {
    parviz::Recorder rec(parviz::RecorderOptions{.cores = parviz::CorePref::Off});
    Process a(printAndReturn3, {}, ProcessOptions{.recorder = &rec});
    Process b(sleepMs, {"100"}, ProcessOptions{.recorder = &rec});
    CHECK(a.name() == "Process-1");   // numbering is per recorder
    CHECK(b.name() == "Process-2");
    CHECK(a.proc() != b.proc());
    a.start();
    b.start();
    b.stop();
    b.cont();
    a.join();
    b.join();
    CHECK(a.exitcode() == 3);
    CHECK(b.exitcode() == 0);
    rec.finish();

    const parviz::Trace& t = rec.trace();
    std::vector<parviz::EventKind> ofA, ofB;
    bool printed = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const parviz::Event& e = t[i];
        if (e.proc == a.proc()) {
            ofA.push_back(e.kind);
            if (e.kind == parviz::EventKind::ProcStart) CHECK(e.a == static_cast<std::uint64_t>(a.pid()));
            if (e.kind == parviz::EventKind::ProcExit) CHECK(static_cast<std::int64_t>(e.a) == 3);
            if (e.kind == parviz::EventKind::Print) printed = t.string(e.a) == "traced line from Process-1";
        }
        if (e.proc == b.proc()) ofB.push_back(e.kind);
    }
    using K = parviz::EventKind;
    // The start gate: the worker's own events come after its ProcStart.
    CHECK(ofA == std::vector<K>{K::ProcStart, K::Print, K::ProcExit});
    CHECK(printed);
    CHECK(ofB == std::vector<K>{K::ProcStart, K::ProcStopped, K::ProcContinued, K::ProcExit});
}

// Hidden: run it alone to see the listener fail the run (exit code 1) and
// print what leaked: parviz_core_tests "[.leakdemo]"
TEST_CASE("a test that leaks a descriptor and a child makes the test binary fail", "[.leakdemo]") {
    Process* leaked = new Process(hangForever);   // never destroyed: its child stays
    leaked->start();
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
}
