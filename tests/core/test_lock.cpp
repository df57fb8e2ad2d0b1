// Lock: ports of CPython's Lib/test/_test_multiprocessing.py _TestLock
// (test_lock, test_lock_locked_2processes) plus what an owned, robust lock adds:
// the owner is known, a dead owner's lock is recovered, timeouts.
#include "parviz/clock.hpp"
#include "parviz/lock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using parviz::AcquireResult;
using parviz::Lock;
using parviz::Process;
using parviz::Queue;

namespace {

// Exit 0 when a non-blocking acquire fails because the parent holds it.
int tryWhileParentHolds(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    if (l.acquire(false) != AcquireResult::TimedOut) return 1;
    auto o = l.owner();
    if (!o || o->pid != getppid()) return 2;
    return 0;
}

// Takes the lock, says so, then waits to be killed.
int holdForever(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    Queue q = Queue::fromArg(args[1]);
    l.acquire();
    q.put("held");
    for (;;) pause();
}

// Blocks on the lock, then reports how it got it.
int acquireAndReport(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    Queue q = Queue::fromArg(args[1]);
    const AcquireResult r = l.acquire();
    q.put(r == AcquireResult::Acquired ? "acquired" : r == AcquireResult::OwnerDied ? "ownerdied" : "timedout");
    l.release();
    return 0;
}

int hammer(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    Queue q = Queue::fromArg(args[1]);
    const int n = std::stoi(args[2]);
    // A shared counter protected by the lock: lost updates would show a race.
    for (int i = 0; i < n; ++i) {
        l.acquire();
        std::string v = q.get(false);
        q.put(std::to_string(std::stoi(v) + 1));
        l.release();
    }
    return 0;
}

} // namespace

TEST_CASE("acquire, release, a non-blocking acquire fails while held, and releasing an unheld lock raises (test_lock)",
          "[lock]") {
    Lock l;
    CHECK_FALSE(l.owner());
    CHECK(l.acquire() == AcquireResult::Acquired);
    CHECK(l.acquire(false) == AcquireResult::TimedOut);
    l.release();
    CHECK(l.acquire(false) == AcquireResult::Acquired);
    l.release();
    CHECK_THROWS_WITH(l.release(), "release unlocked lock");
}

TEST_CASE("a child sees the lock held by the parent and cannot take it (test_lock_locked_2processes)", "[lock]") {
    Lock l;
    l.acquire();
    Process p(tryWhileParentHolds, {l.toArg()});
    p.start();
    REQUIRE(p.join(10s));
    CHECK(p.exitcode() == 0);
    l.release();
}

TEST_CASE("owner() names the holder; releasing another process's lock is an error", "[lock]") {
    Lock l;
    Queue q;
    Process p(holdForever, {l.toArg(), q.toArg()});
    p.start();
    REQUIRE(q.get(true, 10s) == "held");
    auto o = l.owner();
    REQUIRE(o);
    CHECK(o->pid == p.pid());
    CHECK(o->since <= parviz::monoNow());
    CHECK_THROWS_WITH(l.release(), "lock held by another process");
    p.kill();
    REQUIRE(p.join(10s));
}

TEST_CASE("a lock whose owner was killed is recovered by the next acquirer with OwnerDied", "[lock]") {
    parviz::Recorder rec;
    Lock l("contested");
    Queue q;
    Process holder(holdForever, {l.toArg(), q.toArg()}, parviz::ProcessOptions{"", &rec});
    holder.start();
    REQUIRE(q.get(true, 10s) == "held");
    Process waiter(acquireAndReport, {l.toArg(), q.toArg()}, parviz::ProcessOptions{"", &rec});
    waiter.start();
    std::this_thread::sleep_for(50ms);
    CHECK(q.empty());   // still waiting
    holder.kill();
    REQUIRE(holder.join(10s));
    CHECK(q.get(true, 10s) == "ownerdied");
    REQUIRE(waiter.join(10s));
    // Usable again, and healthy: the next acquire is an ordinary one.
    CHECK(l.acquire() == AcquireResult::Acquired);
    l.release();
    rec.finish();
    const auto& tr = rec.trace();
    bool died = false, flagged = false, waited = false;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto& e = tr[i];
        if (e.obj != l.id()) continue;
        if (e.kind == parviz::EventKind::LockOwnerDied && e.proc == waiter.proc()) died = e.a == holder.proc();
        if (e.kind == parviz::EventKind::LockAcquire && e.proc == waiter.proc()) flagged = e.flags == 1;
        if (e.kind == parviz::EventKind::LockWait && e.proc == waiter.proc()) waited = true;
    }
    CHECK(died);
    CHECK(flagged);
    CHECK(waited);
}

TEST_CASE("a timed acquire of a held lock gives up after about the timeout", "[lock]") {
    Lock l;
    Queue q;
    Process p(holdForever, {l.toArg(), q.toArg()});
    p.start();
    REQUIRE(q.get(true, 10s) == "held");
    const auto t0 = parviz::monoNow();
    CHECK(l.acquire(true, 150ms) == AcquireResult::TimedOut);
    const double took = static_cast<double>(parviz::monoNow() - t0) / 1e9;
    CHECK(took >= 0.145);
    CHECK(took < 2.0);
    p.kill();
    REQUIRE(p.join(10s));
}

TEST_CASE("two processes incrementing under the lock lose no update", "[lock]") {
    Lock l;
    Queue counter;
    counter.put("0");
    Process a(hammer, {l.toArg(), counter.toArg(), "5000"}), b(hammer, {l.toArg(), counter.toArg(), "5000"});
    a.start();
    b.start();
    REQUIRE(a.join(20s));
    REQUIRE(b.join(20s));
    CHECK(a.exitcode() == 0);
    CHECK(b.exitcode() == 0);
    CHECK(counter.get(false) == "10000");
}

namespace {
int hammerBare(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    const int n = std::stoi(args[1]);
    for (int i = 0; i < n; ++i) {
        l.acquire();
        l.release();
    }
    return 0;
}
} // namespace

TEST_CASE("in the trace of a contended lock, holds never overlap: each acquire comes after the previous release",
          "[lock]") {
    // The acquire's clock is read before the CAS when the lock is free at
    // once; this checks it is re-read whenever a release came in between.
    parviz::RecorderOptions ro;
    ro.cores = parviz::CorePref::Off;
    ro.ringEvents = std::size_t{1} << 18;
    parviz::Recorder rec(ro);
    Lock l("hammered");
    constexpr int kOps = 20000;
    Process a(hammerBare, {l.toArg(), std::to_string(kOps)}, parviz::ProcessOptions{"", &rec});
    Process b(hammerBare, {l.toArg(), std::to_string(kOps)}, parviz::ProcessOptions{"", &rec});
    a.start();
    b.start();
    REQUIRE(a.join(30s));
    REQUIRE(b.join(30s));
    rec.finish();
    REQUIRE(rec.ring(a.proc())->lost() == 0);
    REQUIRE(rec.ring(b.proc())->lost() == 0);
    const auto& tr = rec.trace();
    parviz::ProcId holder = 0;
    int acquires = 0, overlaps = 0, strayReleases = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto& e = tr[i];
        if (e.obj != l.id()) continue;
        if (e.kind == parviz::EventKind::LockAcquire) {
            ++acquires;
            if (holder != 0) ++overlaps;
            holder = e.proc;
        } else if (e.kind == parviz::EventKind::LockRelease) {
            if (holder != e.proc) ++strayReleases;
            holder = 0;
        }
    }
    CHECK(acquires == 2 * kOps);
    CHECK(overlaps == 0);
    CHECK(strayReleases == 0);
}

TEST_CASE("releasing a lock another thread of this process holds is an error and leaves it held", "[lock]") {
    parviz::Lock l("threads");
    REQUIRE(l.acquire() == parviz::AcquireResult::Acquired);
    bool threw = false;
    std::thread other([&] {
        try {
            l.release();
        } catch (const std::logic_error&) {
            threw = true;
        }
    });
    other.join();
    CHECK(threw);
    auto o = l.owner();
    REQUIRE(o.has_value());
    CHECK(o->pid == getpid());
    CHECK(l.acquire(false) == parviz::AcquireResult::TimedOut);   // still held (by this thread)
    l.release();
    CHECK_FALSE(l.owner().has_value());
    // The other thread can now take and release it itself.
    std::thread again([&] {
        REQUIRE(l.acquire() == parviz::AcquireResult::Acquired);
        l.release();
    });
    again.join();
    CHECK_FALSE(l.owner().has_value());
}
