// The run clock (clock.hpp): unpaused time, shared with workers.
#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMs = 1'000'000;

// Exit 0 when the clock (passed by address) stands still for 30 ms.
int clockStandsStill(std::span<const std::string> args) {
    auto* c = reinterpret_cast<parviz::RunClock*>(static_cast<std::uintptr_t>(std::stoull(args[0])));
    std::int64_t a = c->now();
    std::this_thread::sleep_for(30ms);
    return c->now() == a && c->paused() ? 0 : 1;
}

} // namespace

TEST_CASE("the run clock advances with monotonic time and starts near zero", "[clock]") {
    parviz::RunClock c;
    c.begin(1.0);
    std::int64_t t0 = c.now();
    CHECK(t0 >= 0);
    CHECK(t0 < 50 * kMs);
    std::this_thread::sleep_for(20ms);
    CHECK(c.now() - t0 >= 20 * kMs);
    CHECK(c.start.load() <= parviz::monoNow());
}

TEST_CASE("pausing stops the run clock and resuming excludes the paused time", "[clock]") {
    parviz::RunClock c;
    c.begin(1.0);
    const std::int64_t mono0 = parviz::monoNow();
    std::this_thread::sleep_for(10ms);
    c.pause();
    CHECK(c.paused());
    std::int64_t atPause = c.now();
    std::this_thread::sleep_for(50ms);
    CHECK(c.now() == atPause);
    c.pause();   // pausing twice changes nothing
    CHECK(c.now() == atPause);
    c.resume();
    CHECK_FALSE(c.paused());
    std::this_thread::sleep_for(10ms);
    const std::int64_t wall = parviz::monoNow() - mono0;
    const std::int64_t run = c.now();
    CHECK(run >= 20 * kMs);
    CHECK(wall - run >= 50 * kMs);   // the pause is not counted
    CHECK(c.pausedTotal.load() >= 50 * kMs);
}

TEST_CASE("monoDeadline maps a run-time deadline to monotonic time, shifted by pauses", "[clock]") {
    parviz::RunClock c;
    c.begin(1.0);
    std::int64_t d = c.monoDeadline(c.now() + 100 * kMs) - parviz::monoNow();
    CHECK(d > 90 * kMs);
    CHECK(d <= 100 * kMs);
    c.pause();
    std::this_thread::sleep_for(30ms);
    c.resume();
    // The same run deadline is now 30 ms further away in monotonic time.
    std::int64_t deadline = 200 * kMs;
    std::int64_t mono = c.monoDeadline(deadline);
    CHECK(mono - (c.start.load() + deadline) >= 30 * kMs);
}

TEST_CASE("scaled applies the run's time scale", "[clock]") {
    parviz::RunClock c;
    c.begin(0.1);
    CHECK(c.scaled(5.0) == 500 * kMs);
    c.begin(1.0);
    CHECK(c.scaled(0.25) == 250 * kMs);
}

TEST_CASE("runNow follows the current clock, or monotonic time without one", "[clock]") {
    REQUIRE(parviz::currentClock() == nullptr);
    std::int64_t m = parviz::monoNow();
    CHECK(parviz::runNow() >= m);
    parviz::RunClock c;
    c.begin(1.0);
    c.pause();
    parviz::setCurrentClock(&c);
    CHECK(parviz::runNow() == c.now());
    parviz::setCurrentClock(nullptr);
    CHECK(parviz::cpuTimeNow() > 0);
}

TEST_CASE("a worker sees the parent's pause on a run clock in the arena", "[clock][process]") {
    auto* c = parviz::arena().make<parviz::RunClock>();
    c->begin(1.0);
    c->pause();
    parviz::Process p(clockStandsStill, {std::to_string(reinterpret_cast<std::uintptr_t>(c))});
    p.start();
    p.join();
    CHECK(p.exitcode() == 0);
    parviz::arena().destroy(c);
}
