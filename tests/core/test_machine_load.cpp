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
            const std::int64_t giveUp = monoNs() + 10'000'000'000;
            const std::int64_t from = cpuNs();
            volatile std::uint64_t sink = 0;
            while (cpuNs() - from < wantCpuNs && monoNs() < giveUp)
                for (int i = 0; i < 1000; ++i) sink = sink + 1;
            std::int64_t used = cpuNs();
            (void)!write(fds[1], &used, sizeof used);
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
