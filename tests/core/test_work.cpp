// Work: sleep work waits on the run clock, CPU work burns this process's own
// CPU time, so oversubscribing the cores stretches only the latter.
// Mirrors the tutorial's Pool(4) contrast with plain processes.
#include "parviz/clock.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"
#include "parviz/work.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using parviz::Process;
using parviz::WorkKind;

namespace {

int work(std::span<const std::string> args) {
    parviz::doWork(*parviz::parseWorkKind(args[0]), std::stod(args[1]));
    return 0;
}

double runMany(int n, const char* kind, double seconds) {
    std::vector<Process> ps;
    for (int i = 0; i < n; ++i) ps.emplace_back(work, std::vector<std::string>{kind, std::to_string(seconds)});
    const auto t0 = parviz::monoNow();
    for (auto& p : ps) p.start();
    for (auto& p : ps) p.join();
    return static_cast<double>(parviz::monoNow() - t0) / 1e9;
}

} // namespace

TEST_CASE("work kinds print and parse as sleep and cpu", "[work]") {
    CHECK(std::string(parviz::toString(WorkKind::Sleep)) == "sleep");
    CHECK(std::string(parviz::toString(WorkKind::Cpu)) == "cpu");
    CHECK(parviz::parseWorkKind("sleep") == WorkKind::Sleep);
    CHECK(parviz::parseWorkKind("cpu") == WorkKind::Cpu);
    CHECK_FALSE(parviz::parseWorkKind("io"));
}

TEST_CASE("Pool(4)-like: 4 x 0.2 s of cpu work on 2 cores take >= 0.35 s, 4 x 0.2 s of sleep work < 0.3 s", "[work]") {
    // Twice as many processes as usable cores (4 on this 2-core machine), so
    // CPU work must share cores while sleep work overlaps freely.
    const int n = 2 * parviz::cpuCountUsable();
    CHECK(runMany(n, "cpu", 0.2) >= 0.35);
    CHECK(runMany(n, "sleep", 0.2) < 0.3);
}

TEST_CASE("0.2 s of cpu work consumes about 0.2 s of this process's CPU time", "[work]") {
    const auto c0 = parviz::cpuTimeNow();
    parviz::doWork(WorkKind::Cpu, 0.2);
    const double used = static_cast<double>(parviz::cpuTimeNow() - c0) / 1e9;
    CHECK(used >= 0.2);
    CHECK(used < 0.3);
}

TEST_CASE("sleep work lasts its run time and uses almost no CPU", "[work]") {
    const auto t0 = parviz::monoNow();
    const auto c0 = parviz::cpuTimeNow();
    parviz::doWork(WorkKind::Sleep, 0.1);
    CHECK(static_cast<double>(parviz::monoNow() - t0) / 1e9 >= 0.1);
    CHECK(static_cast<double>(parviz::cpuTimeNow() - c0) / 1e9 < 0.05);
}

TEST_CASE("the time scale applies to work: 1 s of sleep at scale 0.1 takes about 0.1 s", "[work]") {
    parviz::Recorder rec(parviz::RecorderOptions{parviz::CorePref::Off, 0.1});
    const auto t0 = parviz::monoNow();
    parviz::runTask(3, "A", WorkKind::Sleep, 1.0);
    const double took = static_cast<double>(parviz::monoNow() - t0) / 1e9;
    CHECK(took >= 0.1);
    CHECK(took < 0.5);
    rec.finish();
    const auto& tr = rec.trace();
    int starts = 0, ends = 0;
    bool sleeping = false;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto& e = tr[i];
        if (e.kind == parviz::EventKind::TaskStart && e.obj == 3) {
            ++starts;
            CHECK(tr.string(e.a) == "A");
            CHECK(e.b == 100'000'000u);
        }
        if (e.kind == parviz::EventKind::TaskEnd && e.obj == 3) ++ends;
        if (e.kind == parviz::EventKind::State && e.obj == static_cast<std::int32_t>(parviz::WorkerState::Sleeping))
            sleeping = true;
    }
    CHECK(starts == 1);
    CHECK(ends == 1);
    CHECK(sleeping);
}
