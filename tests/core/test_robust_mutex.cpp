// RobustMutex (robust_mutex.hpp): the one process-shared robust mutex under the
// arena, Queue and Lock. Real worker processes take it and die holding it.
#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/process.hpp"
#include "parviz/robust_mutex.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <string>
#include <system_error>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using parviz::Process;
using parviz::RobustMutex;
using parviz::SpinPolicy;

namespace {

// What the tests share with their workers, in the arena (same address everywhere).
struct Shared {
    RobustMutex mutex;
    std::atomic<int> held{0};       // the worker says it holds the mutex
    std::atomic<int> value{0};      // "state" the mutex guards
    std::atomic<int> halfDone{0};   // an update the worker started and never finished
};

std::string toArg(const void* p) { return std::to_string(reinterpret_cast<std::uintptr_t>(p)); }
Shared* fromArg(const std::string& s) { return reinterpret_cast<Shared*>(static_cast<std::uintptr_t>(std::stoull(s))); }

// Takes the mutex, starts an update it never finishes, says so, and waits to be killed.
int lockAndHang(std::span<const std::string> args) {
    Shared* s = fromArg(args[0]);
    if (s->mutex.lock("worker") /* owner died? */) return 3;
    s->halfDone.store(1);
    s->held.store(1);
    for (;;) pause();
}

// Takes the mutex and exits without unlocking it (a worker that returns mid-operation).
int lockAndExit(std::span<const std::string> args) {
    Shared* s = fromArg(args[0]);
    if (s->mutex.lock("worker")) return 3;
    s->halfDone.store(1);
    return 0;
}

// Adds 1 to the value under the mutex n times.
int increment(std::span<const std::string> args) {
    Shared* s = fromArg(args[0]);
    const int n = std::stoi(args[1]);
    for (int i = 0; i < n; ++i) {
        s->mutex.lock(SpinPolicy{2000, 1, 1, 0}, [] {}, "worker");
        s->value.store(s->value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        s->mutex.unlock();
    }
    return 0;
}

struct SharedInArena {
    Shared* s = parviz::arena().make<Shared>();
    explicit SharedInArena(RobustMutex::Type type = RobustMutex::Type::Normal) {
        REQUIRE(s->mutex.init(type) == 0);
    }
    ~SharedInArena() {
        s->mutex.destroy();
        parviz::arena().destroy(s);
    }
};

void waitHeld(Shared* s, Process& p) {
    for (int i = 0; i < 5000 && s->held.load() == 0 && p.isAlive(); ++i) std::this_thread::sleep_for(1ms);
    REQUIRE(s->held.load() == 1);
}

} // namespace

TEST_CASE("a robust mutex held by a killed worker is handed to the next taker, who repairs the state first",
          "[robust_mutex][process]") {
    // Workers are raw clones: this also proves they carry their own tid and
    // robust list, which the kernel walks when they die.
    SharedInArena sh;
    Shared* s = sh.s;
    Process p(lockAndHang, {toArg(s)});
    p.start();
    waitHeld(s, p);
    CHECK(s->mutex.tryLock() == EBUSY);
    CHECK_FALSE(s->mutex.ownerDiedUnrecovered());
    p.kill();
    REQUIRE(p.join(10s));
    CHECK(s->mutex.ownerDiedUnrecovered());

    int repairs = 0;
    int seenHalfDone = -1;
    const bool died = s->mutex.lock(SpinPolicy{}, [&] {
        ++repairs;
        seenHalfDone = s->halfDone.load();
        s->halfDone.store(0);   // undo the dead owner's half-done update
    }, "test");
    CHECK(died);
    CHECK(repairs == 1);
    CHECK(seenHalfDone == 1);
    CHECK_FALSE(s->mutex.ownerDiedUnrecovered());
    CHECK(s->mutex.unlock() == 0);
    // Recovered: it works as a plain mutex again, and nobody died this time.
    CHECK_FALSE(s->mutex.lock(SpinPolicy{}, [&] { ++repairs; }, "test"));
    CHECK(repairs == 1);
    CHECK(s->mutex.unlock() == 0);
}

TEST_CASE("a worker that exits holding the robust mutex hands it over like a killed one", "[robust_mutex][process]") {
    SharedInArena sh;
    Shared* s = sh.s;
    Process p(lockAndExit, {toArg(s)});
    p.start();
    REQUIRE(p.join(10s));
    REQUIRE(p.exitcode() == 0);
    // Timed, so a broken robust list fails the test instead of hanging it.
    timespec deadline{};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 5;
    const int r = s->mutex.lockUntil(deadline);
    REQUIRE(r == EOWNERDEAD);
    bool repaired = false;
    s->mutex.recover([&] { repaired = s->halfDone.load() == 1; });
    CHECK(repaired);
    CHECK(s->mutex.unlock() == 0);
    CHECK(s->mutex.tryLock() == 0);
    CHECK(s->mutex.unlock() == 0);
}

TEST_CASE("spinning takers from several processes never lose an update", "[robust_mutex][process]") {
    SharedInArena sh;
    Shared* s = sh.s;
    constexpr int kPerWorker = 20000;
    Process a(increment, {toArg(s), std::to_string(kPerWorker)});
    Process b(increment, {toArg(s), std::to_string(kPerWorker)});
    a.start();
    b.start();
    for (int i = 0; i < kPerWorker; ++i) {
        s->mutex.lock(SpinPolicy{2000, 4, 128, 8}, [] {}, "test");
        s->value.store(s->value.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        s->mutex.unlock();
    }
    REQUIRE(a.join(30s));
    REQUIRE(b.join(30s));
    CHECK(a.exitcode() == 0);
    CHECK(b.exitcode() == 0);
    CHECK(s->value.load() == 3 * kPerWorker);
}

TEST_CASE("a held robust mutex makes a spin give up with EBUSY and a deadline pass with ETIMEDOUT",
          "[robust_mutex][process]") {
    SharedInArena sh;
    Shared* s = sh.s;
    Process p(lockAndHang, {toArg(s)});
    p.start();
    waitHeld(s, p);
    CHECK_FALSE(s->mutex.looksFree());
    CHECK(s->mutex.spinTryLock(SpinPolicy{200, 1, 16, 2}) == EBUSY);
    timespec deadline{};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += 20'000'000;
    if (deadline.tv_nsec >= 1'000'000'000) {
        deadline.tv_nsec -= 1'000'000'000;
        ++deadline.tv_sec;
    }
    const std::int64_t before = parviz::monoNow();
    CHECK(s->mutex.lockUntil(deadline) == ETIMEDOUT);
    CHECK(parviz::monoNow() - before >= 19'000'000);
    p.kill();
    REQUIRE(p.join(10s));
    CHECK(s->mutex.spinTryLock(SpinPolicy{200, 1, 16, 2}) == EOWNERDEAD);
    s->mutex.recover([] {});
    CHECK(s->mutex.unlock() == 0);
}

TEST_CASE("an error-checking robust mutex refuses a relock by its owner and an unlock by anyone else",
          "[robust_mutex]") {
    SharedInArena sh(RobustMutex::Type::ErrorCheck);
    Shared* s = sh.s;
    CHECK(s->mutex.unlock() == EPERM);
    REQUIRE_FALSE(s->mutex.lock("test lock"));
    CHECK(s->mutex.tryLock() == EDEADLK);
    try {
        s->mutex.lock("test lock");
        FAIL("relocking an error-checking mutex did not throw");
    } catch (const std::system_error& e) {
        CHECK(e.code().value() == EDEADLK);
        CHECK(std::string(e.what()).rfind("test lock", 0) == 0);
    }
    CHECK(s->mutex.unlock() == 0);
    CHECK(s->mutex.unlock() == EPERM);
}
