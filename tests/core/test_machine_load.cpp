// The machine-load meter on the real OS: CPU burnt by a process that is not
// ours shows up as "other", CPU burnt by parviz itself does not, and every
// finished run carries its measurement in the trace.
#include "parviz/machine_load.hpp"
#include "parviz/recorder.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace parviz;

namespace {

std::int64_t cpuNs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t monoNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// In a stranger: spins until it has had `wantCpuNs` of CPU (or 10 s have
// passed: a loaded machine gives it less), then writes the CPU it got to `fd`.
void spinThenReport(std::int64_t wantCpuNs, int fd) {
    const std::int64_t giveUp = monoNs() + 10'000'000'000;
    const std::int64_t from = cpuNs();
    volatile std::uint64_t sink = 0;
    while (cpuNs() - from < wantCpuNs && monoNs() < giveUp)
        for (int i = 0; i < 1000; ++i) sink = sink + 1;
    const std::int64_t used = cpuNs();
    (void)!write(fd, &used, sizeof used);
}

// A stranger: a grandchild (reparented away from us once its parent exits,
// so never reaped by us) spins until it has had `cpuNs` of CPU (or 10 s have
// passed: a loaded machine gives it less) and reports the CPU it got.
std::int64_t strangerSpins(std::int64_t wantCpuNs) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        if (fork() == 0) {
            close(fds[0]);
            spinThenReport(wantCpuNs, fds[1]);
            _exit(0);
        }
        _exit(0);
    }
    close(fds[1]);
    int status = 0;
    waitpid(child, &status, 0);
    std::int64_t used = -1;
    REQUIRE(read(fds[0], &used, sizeof used) == static_cast<ssize_t>(sizeof used));
    close(fds[0]);
    return used;
}

// A stranger that stays: like strangerSpins, but named `name` (its comm) and
// still alive, blocked, when the spin is done, until release() (a program
// that ran beside the run and is still open at its end).
struct LingeringStranger {
    int release_[2] = {-1, -1};
    std::int64_t used = -1;
    LingeringStranger(const char* name, std::int64_t wantCpuNs, bool ourChild = false) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        REQUIRE(pipe(release_) == 0);
        pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            if (ourChild || fork() == 0) {
                prctl(PR_SET_NAME, name);
                close(fds[0]);
                close(release_[1]);
                spinThenReport(wantCpuNs, fds[1]);
                char c;
                (void)!read(release_[0], &c, 1);   // until released (or the test process is gone)
                _exit(0);
            }
            _exit(0);
        }
        close(fds[1]);
        close(release_[0]);
        if (!ourChild) waitpid(child, nullptr, 0);
        pid = ourChild ? child : -1;
        REQUIRE(read(fds[0], &used, sizeof used) == static_cast<ssize_t>(sizeof used));
        close(fds[0]);
    }
    void release() {
        if (release_[1] >= 0) close(release_[1]);
        release_[1] = -1;
        if (pid > 0) waitpid(pid, nullptr, 0);
        pid = -1;
    }
    ~LingeringStranger() { release(); }
    pid_t pid = -1;
};

// Another copy of this program (a process named as this test binary, not
// its descendant) whose child, named `workerName`, spins wantCpuNs: another
// parviz and its pool worker. Both linger until released.
struct AnotherCopy {
    int release_[2] = {-1, -1};
    std::int64_t used = -1;
    AnotherCopy(const char* workerName, std::int64_t wantCpuNs) {
        char me[32] = {};
        REQUIRE(prctl(PR_GET_NAME, me) == 0);
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        REQUIRE(pipe(release_) == 0);
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            if (fork() == 0) {   // the copy: no longer our descendant once `child` has exited
                prctl(PR_SET_NAME, me);
                close(fds[0]);
                close(release_[1]);
                const pid_t worker = fork();
                if (worker == 0) {
                    prctl(PR_SET_NAME, workerName);
                    spinThenReport(wantCpuNs, fds[1]);
                    char c;
                    (void)!read(release_[0], &c, 1);
                    _exit(0);
                }
                close(fds[1]);
                char c;
                (void)!read(release_[0], &c, 1);
                if (worker > 0) waitpid(worker, nullptr, 0);
                _exit(0);
            }
            _exit(0);
        }
        close(fds[1]);
        close(release_[0]);
        waitpid(child, nullptr, 0);
        REQUIRE(read(fds[0], &used, sizeof used) == static_cast<ssize_t>(sizeof used));
        close(fds[0]);
    }
    ~AnotherCopy() {
        if (release_[1] >= 0) close(release_[1]);
    }
};

int affinityCount() {
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    return CPU_COUNT(&set);
}

} // namespace

TEST_CASE("CPU time of a process that is not parviz's counts as other processes' time", "[machine]") {
    MachineLoadMeter meter;
    const std::int64_t strangerCpu = strangerSpins(200'000'000);
    auto m = meter.finish();
    REQUIRE(m);
    INFO("stranger " << strangerCpu << " ns, busy " << m->busyNs << ", own " << m->ownNs << ", other " << m->otherNs);
    CHECK(m->cores == affinityCount());
    CHECK(m->spanNs >= strangerCpu);
    CHECK(m->coreNs == m->spanNs * m->cores);
    REQUIRE(strangerCpu >= 200'000'000);
    // Everything the stranger got is other; the machine's other load can only add.
    CHECK(m->otherNs >= strangerCpu - 30'000'000);
    CHECK(m->ownNs < strangerCpu);
}

TEST_CASE("CPU time parviz itself burns is its own, not other processes'", "[machine]") {
    MachineLoadMeter meter;
    const std::int64_t before = cpuNs();
    volatile std::uint64_t sink = 0;
    while (cpuNs() - before < 200'000'000) sink = sink + 1;
    const std::int64_t spun = cpuNs() - before;
    auto m = meter.finish();
    REQUIRE(m);
    INFO("spun " << spun << " ns, busy " << m->busyNs << ", own " << m->ownNs << ", other " << m->otherNs);
    CHECK(m->ownNs >= spun);
    CHECK(m->busyNs >= spun - 30'000'000);          // the meter saw a core busy with it
    CHECK(m->otherNs <= m->busyNs - spun + 30'000'000);   // and did not call it other
}

TEST_CASE("a finished run records the machine's load in its trace and its stats judge it", "[machine]") {
    std::shared_ptr<Trace> trace;
    {
        Recorder rec;
        trace = rec.sharedTrace();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        rec.finish();
    }
    auto m = machineLoadOf(*trace);
    REQUIRE(m);
    CHECK(m->cores == affinityCount());
    CHECK(m->spanNs >= 140'000'000);
    CHECK(m->spanNs < 5'000'000'000);
    // A saved run keeps it.
    auto back = machineLoadOf(*deserializeTrace(serializeTrace(*trace), "saved"));
    REQUIRE(back);
    CHECK(back->otherNs == m->otherNs);
    CHECK(back->coreNs == m->coreNs);
    const RunStats st = computeStats(*trace);
    if (m->preciseIdle) {
        REQUIRE(st.machine.otherShare);
        CHECK(*st.machine.otherShare == Approx(static_cast<double>(m->otherNs) / static_cast<double>(m->coreNs)));
    } else {
        // 150 ms is too short for /proc/stat's ticks but in a clear case (off the threshold by more than they err).
        const double share = static_cast<double>(m->otherNs) / static_cast<double>(m->coreNs);
        CHECK(st.machine.busy.has_value() == (std::abs(share - kBusyThreshold) > ticksShareError(m->spanNs)));
    }
}

// Session 24: "cpu: no answer: other programs took 25 %; close them" left a
// teacher asking which programs. The meter names the largest ones.
TEST_CASE("a measurement names the other program that took the cores, and not parviz's own children", "[machine][others]") {
    MachineLoadMeter meter;
    LingeringStranger stranger("pvz-stranger", 300'000'000);
    LingeringStranger mine("pvz-mychild", 300'000'000, true);   // a child of ours: a worker, say
    auto m = meter.finish();
    REQUIRE(m);
    std::string names;
    for (const OtherProgram& o : m->others) names += o.name + " " + std::to_string(o.ns) + "; ";
    INFO("others: " << names << " stranger got " << stranger.used << " ns, coreNs " << m->coreNs);
    REQUIRE(stranger.used >= 300'000'000);
    const auto it = std::find_if(m->others.begin(), m->others.end(),
                                 [](const OtherProgram& o) { return o.name == "pvz-stranger"; });
    REQUIRE(it != m->others.end());
    CHECK(it->ns >= 250'000'000);          // /proc/PID/stat ticks: 10 ms each
    CHECK(it->ns <= stranger.used + 20'000'000);
    CHECK(std::none_of(m->others.begin(), m->others.end(), [](const OtherProgram& o) { return o.name == "pvz-mychild"; }));
    CHECK(m->others.size() <= kMaxOtherPrograms);
    // The verdict's words name it.
    const BusyVerdict v = judgeMachineLoad(*m);
    CHECK(describeOthers(v).find("pvz-stranger ") != std::string::npos);
}

TEST_CASE("a finished run keeps who took the cores in its trace, and a saved run too", "[machine][others]") {
    std::shared_ptr<Trace> trace;
    std::int64_t got = 0;
    {
        Recorder rec;
        trace = rec.sharedTrace();
        LingeringStranger stranger("pvz-stranger", 200'000'000);
        got = stranger.used;
        rec.finish();
    }
    auto m = machineLoadOf(*trace);
    REQUIRE(m);
    REQUIRE_FALSE(m->others.empty());
    INFO("first named: " << m->others.front().name << " " << m->others.front().ns << ", stranger got " << got);
    CHECK(std::any_of(m->others.begin(), m->others.end(), [](const OtherProgram& o) { return o.name == "pvz-stranger"; }));
    auto back = machineLoadOf(*deserializeTrace(serializeTrace(*trace), "saved"));
    REQUIRE(back);
    CHECK(back->others == m->others);
    CHECK(back->stealNs == m->stealNs);
    CHECK(back->otherNs == m->otherNs);
    // The stats (one run model) judge the same measurement, names and all.
    const RunStats st = computeStats(*trace);
    CHECK(describeOthers(st.machine) == describeOthers(judgeMachineLoad(*m)));
    CHECK(describeOthers(st.machine).find("pvz-stranger") != std::string::npos);
}

TEST_CASE("namePrograms: sums a program's processes, counts a new or reused pid whole, keeps the largest", "[machine][others]") {
    using PS = MachineLoadMeter::ProcSample;
    const std::int64_t ms = 1'000'000;
    std::map<int, PS> before{{10, {"firefox", 100 * ms, 5}}, {11, {"firefox", 50 * ms, 6}}, {12, {"Xvfb", 0, 7}},
                             {13, {"sshd", 40 * ms, 8}},     {14, {"old", 900 * ms, 9}},   {15, {"tiny", 0, 10}}};
    std::map<int, PS> after{{10, {"firefox", 160 * ms, 5}}, {11, {"firefox", 90 * ms, 6}}, {12, {"Xvfb", 30 * ms, 7}},
                            {13, {"sshd", 40 * ms, 8}},     {14, {"new", 70 * ms, 99}},    {15, {"tiny", 10 * ms, 10}},
                            {16, {"make", 50 * ms, 100}}};
    const auto r = MachineLoadMeter::namePrograms(before, after, 1000 * ms);   // 2 % = 20 ms
    REQUIRE(r.size() == 3);
    CHECK(r[0] == OtherProgram{"firefox", 100 * ms});   // 60 + 40
    CHECK(r[1] == OtherProgram{"new", 70 * ms});        // pid 14 reused: all its time
    CHECK(r[2] == OtherProgram{"make", 50 * ms});       // born in the run
    // Xvfb (30 ms) is 4th: cut by kMaxOtherPrograms; tiny (10 ms) under 2 %; sshd took nothing.
    CHECK(MachineLoadMeter::namePrograms(before, after, 0).empty());
}

TEST_CASE("namePrograms: another copy of parviz is named \"another parviz\", never plain parviz", "[machine][others]") {
    // Newcomer walk 27: "fuzz_saved_run and parviz took 49 %; close them" told a teacher to close the window
    // they were using; it was another parviz (someone's tests).
    using PS = MachineLoadMeter::ProcSample;
    const std::int64_t ms = 1'000'000;
    std::map<int, PS> before{{20, {"parviz", 0, 1}}, {21, {"parviz", 0, 2}}};
    std::map<int, PS> after{{20, {"parviz", 300 * ms, 1}}, {21, {"parviz", 100 * ms, 2}}, {22, {"cc1plus", 50 * ms, 3}}};
    const auto r = MachineLoadMeter::namePrograms(before, after, 1000 * ms, "parviz");
    REQUIRE(r.size() == 2);
    CHECK(r[0] == OtherProgram{"another parviz", 400 * ms});
    CHECK(r[1] == OtherProgram{"cc1plus", 50 * ms});
    // Its workers too (session 29: "ForkPoolWorker- and 1 more took 78 %"
    // named another parviz's pool workers as if they were a program to close).
    PS worker{"ForkPoolWorker-", 200 * ms, 4};
    worker.underOwnName = true;
    after.emplace(23, worker);
    const auto w = MachineLoadMeter::namePrograms(before, after, 1000 * ms, "parviz");
    REQUIRE(w.size() == 2);
    CHECK(w[0] == OtherProgram{"another parviz", 600 * ms});
}

// Session 29: a sweep beside another parviz read "cpu: no answer:
// ForkPoolWorker- and 1 more took 78 %": its pool workers, named as if they
// were a program to close. A process under one named as this program is it.
TEST_CASE("a measurement names another copy's workers as that copy, not by their own names", "[machine][others]") {
    MachineLoadMeter meter;
    AnotherCopy copy("pvz-itsworker", 300'000'000);
    auto m = meter.finish();
    REQUIRE(m);
    char me[32] = {};
    REQUIRE(prctl(PR_GET_NAME, me) == 0);
    std::string names;
    for (const OtherProgram& o : m->others) names += o.name + " " + std::to_string(o.ns) + "; ";
    INFO("others: " << names << " the worker got " << copy.used << " ns");
    REQUIRE(copy.used >= 300'000'000);
    CHECK(std::none_of(m->others.begin(), m->others.end(), [](const OtherProgram& o) { return o.name == "pvz-itsworker"; }));
    const auto it = std::find_if(m->others.begin(), m->others.end(),
                                 [&](const OtherProgram& o) { return o.name == "another " + std::string(me); });
    REQUIRE(it != m->others.end());
    CHECK(it->ns >= 250'000'000);
}

TEST_CASE("who took the cores in words: programs, the VM's host, and the busy verdict naming them", "[machine][others]") {
    MachineLoad m;
    m.cores = 2;
    m.spanNs = 2'000'000'000;
    m.coreNs = 4'000'000'000;
    m.preciseIdle = true;
    m.otherNs = 1'200'000'000;                       // 30 %
    m.others = {{"firefox", 800'000'000}, {"Xvfb", 200'000'000}};
    m.stealNs = 200'000'000;
    const BusyVerdict v = judgeMachineLoad(m);
    REQUIRE(v.busy == true);
    CHECK(describeOthers(v) == "firefox 20 %, Xvfb 5 %, the VM's host 5 % (steal time)");
    CHECK(describeBusy(v, WorkKind::Cpu) ==
          "machine busy: other processes took 30 % of the cores (firefox 20 %, Xvfb 5 %, the VM's host 5 % (steal time)); "
          "timings not comparable");
    m.others.clear();
    m.stealNs = 40'000'000;   // 1 %: under kMinNamedShare, not named
    CHECK(describeOthers(judgeMachineLoad(m)).empty());
    CHECK(describeBusy(judgeMachineLoad(m), WorkKind::Cpu) ==
          "machine busy: other processes took 30 % of the cores; timings not comparable");
    // The encoding survives odd names and rejects lines that do not parse.
    const std::vector<OtherProgram> odd{{"a b) c", 5}, {"x\ny", 7}};
    const auto back = decodeOtherPrograms(encodeOtherPrograms(odd));
    REQUIRE(back.size() == 2);
    CHECK(back[0] == OtherProgram{"a b) c", 5});
    CHECK(back[1] == OtherProgram{"x y", 7});
    CHECK(decodeOtherPrograms("junk\n12x name\n 3 lead\n42 ok\n").size() == 1);
    // A saved run is input: a count too long for int64 is skipped, not overflowed.
    CHECK(decodeOtherPrograms("99999999999999999999 big\n999999999999999999 ok\n").size() == 1);
}
