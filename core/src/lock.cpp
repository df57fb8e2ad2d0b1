// Lock: a robust, process-shared, error-checking pthread mutex in the shared
// arena plus an owner record, so the lane of whoever holds it, waits for it or
// inherits it from a dead owner is always known.
#include "parviz/lock.hpp"
#include "handle_arg.hpp"

#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/recorder.hpp"
#include "parviz/robust_mutex.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"
#include "worker_state.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <stdexcept>
#include <system_error>

namespace parviz {

namespace detail {

struct LockState {
    RobustMutex mutex;   // ErrorCheck: a second acquire from the owner is EDEADLK
    // Owner record, written right after acquiring and cleared right before
    // releasing. ownerPid != 0 means held; it is written last and cleared first.
    std::atomic<pid_t> ownerPid{0};
    std::atomic<ProcId> ownerProc{0};
    std::atomic<std::uint16_t> ownerThread{0};   // which thread of ownerPid (threadToken())
    std::atomic<std::int64_t> since{0};            // trace ticks (clock.hpp)
    // Time of the last release (trace ticks), written before the unlock: an acquirer whose
    // clock read came earlier reads the clock again, so in the trace every
    // acquire follows the release it waited for.
    std::atomic<std::int64_t> lastRelease{0};
    alignas(64) std::uint64_t magic = 0;
    std::int32_t id = 0;
};

} // namespace detail

struct Lock::Shared : detail::LockState {};

namespace {

constexpr std::uint64_t kMagic = 0x70617276697a4c4bull;   // "parvizLK"
// Critical sections are usually short: spinning a while (tens of µs) before
// sleeping keeps the releaser from paying a wake syscall for every release.
// The spinner backs off exponentially (robust_mutex.hpp): every look at the
// lock word pulls its cache line away from the owner (30-300 ns a trip here),
// so looking at it every few ns would make the owner's own acquire and release
// slow. Then it gives the core away a few times (an oversubscribed machine).
constexpr SpinPolicy kSpin{2000, 4, 128, 8};   // ~70 µs of pause instructions in all

// A number for the calling thread, distinct among the threads of one process
// (a worker has one): with the pid it names the owner thread, so release()
// knows before unlocking that the unlock will succeed.
std::uint16_t threadToken() noexcept {
    static std::atomic<std::uint16_t> next{0};
    thread_local const std::uint16_t token = static_cast<std::uint16_t>(next.fetch_add(1, std::memory_order_relaxed) + 1);
    return token;
}

void emitAt(std::int64_t t, EventKind k, std::int32_t obj, std::uint64_t a = 0, std::uint8_t flags = 0) noexcept {
    if (auto* r = currentRing()) r->emitAt(t, k, obj, a, 0, flags);
}

} // namespace

Lock::Lock(std::string name) {
    auto* s = arena().make<Shared>();
    if (const int r = s->mutex.init(RobustMutex::Type::ErrorCheck); r != 0) {
        arena().destroy(s);
        throw std::system_error(r, std::generic_category(), "lock mutex init");
    }
    s->magic = kMagic;
    s->id = detail::nextObjectId();
    m_s = s;
    m_owner = true;
    if (auto* rec = Recorder::active()) rec->trace().addObject(ObjectInfo{ObjectKind::Lock, s->id, std::move(name)});
}

Lock::~Lock() {
    if (m_owner && m_s) {
        m_s->magic = 0;
        m_s->mutex.destroy();
        arena().destroy(m_s);
    }
}

Lock::Lock(const Lock& o) : m_s(o.m_s), m_owner(false) {}
Lock::Lock(Lock&& o) noexcept : m_s(o.m_s), m_owner(o.m_owner) { o.m_s = nullptr; o.m_owner = false; }

std::int32_t Lock::id() const noexcept { return m_s->id; }

AcquireResult Lock::acquire(bool block, Timeout timeout) {
    Shared* s = m_s;
    std::optional<std::int64_t> runDeadline;
    if (block && timeout) {
        if (timeout->count() < 0) throw std::invalid_argument("'timeout' must be a non-negative number");
        runDeadline = runNow() + timeout->count();
    }
    // Read before the CAS, so a free lock costs no clock read inside the
    // critical section (re-read below if a release came after it).
    std::int64_t t = traceNowBeforePublish();
    int r = s->mutex.tryLock();
    const bool atOnce = r == 0;
    if (r == EBUSY && block) r = s->mutex.spinTryLock(kSpin);
    if (r == EBUSY && block) {
        traceEmit(EventKind::LockWait, s->id);
        detail::ScopedWorkerState st(WorkerState::WaitLock);
        if (!runDeadline) {
            r = s->mutex.lockWaiting();
        } else {
            // The monotonic deadline moves later with every pause: wake, re-check.
            for (;;) {
                const std::int64_t mono = detail::monoDeadlineFor(*runDeadline);
                const timespec ts{static_cast<time_t>(mono / 1'000'000'000), static_cast<long>(mono % 1'000'000'000)};
                r = s->mutex.lockUntil(ts);
                if (r != ETIMEDOUT || runNow() >= *runDeadline) break;
            }
        }
    }
    // This thread already holds it: CPython's Lock would block forever (or
    // until the timeout); we refuse the endless case and fail the others at once.
    if (r == EDEADLK && block && !runDeadline)
        throw std::logic_error("acquire of a lock this process already holds would deadlock");
    if (r == EBUSY || r == ETIMEDOUT || r == EDEADLK) {
        traceEmit(EventKind::LockTimeout, s->id);
        return AcquireResult::TimedOut;
    }
    AcquireResult result = AcquireResult::Acquired;
    if (r == EOWNERDEAD) {
        // The record still names the owner that died holding the lock; the
        // rest of the record is rewritten below.
        ProcId dead = 0;
        s->mutex.recover([&]() noexcept { dead = s->ownerProc.load(std::memory_order_relaxed); });
        traceEmit(EventKind::LockOwnerDied, s->id, dead);
        result = AcquireResult::OwnerDied;
    } else if (r != 0) {
        throw std::system_error(r, std::generic_category(), "lock acquire");
    }
    if (!atOnce || t <= s->lastRelease.load(std::memory_order_relaxed)) t = traceNow();
    s->since.store(t, std::memory_order_relaxed);
    s->ownerProc.store(currentProc(), std::memory_order_relaxed);
    s->ownerThread.store(threadToken(), std::memory_order_relaxed);
    s->ownerPid.store(detail::selfPid(), std::memory_order_release);
    emitAt(t, EventKind::LockAcquire, s->id, 0, result == AcquireResult::OwnerDied ? 1 : 0);
    return result;
}

void Lock::release() {
    Shared* s = m_s;
    const pid_t pid = s->ownerPid.load(std::memory_order_acquire);
    if (pid == 0) throw std::logic_error("release unlocked lock");
    if (pid != detail::selfPid()) throw std::logic_error("lock held by another process");
    if (s->ownerThread.load(std::memory_order_relaxed) != threadToken())
        throw std::logic_error("lock held by another thread");
    const std::int64_t since = s->since.load(std::memory_order_relaxed);
    // Stamped and written to the ring while still holding the lock (no wake
    // syscall or preemption point between stamp and publish), so this release
    // is earlier in the trace than the next owner's acquire and never reaches
    // the Collector late. A plain TSC read may run a little early: never
    // before this hold's own acquire.
    const std::int64_t t = std::max(traceNowBeforePublish(), since);
    s->lastRelease.store(t, std::memory_order_relaxed);
    s->ownerPid.store(0, std::memory_order_relaxed);
    emitAt(t, EventKind::LockRelease, s->id);
    const int r = s->mutex.unlock();
    if (r != 0) throw std::system_error(r, std::generic_category(), "lock release");   // not reached: we hold it
}

std::optional<LockOwner> Lock::owner() const {
    const pid_t pid = m_s->ownerPid.load(std::memory_order_acquire);
    if (pid == 0) return std::nullopt;
    return LockOwner{m_s->ownerProc.load(std::memory_order_relaxed), pid,
                     traceTicksToMonoNow(m_s->since.load(std::memory_order_relaxed))};
}

std::string Lock::toArg() const { return detail::encodeHandle("lock:", m_s); }

Lock Lock::fromArg(std::string_view arg) {
    auto* s = static_cast<Shared*>(detail::decodeHandle("lock:", arg));
    if (!s || s->magic != kMagic)
        throw std::invalid_argument("not a live lock handle: '" + std::string(arg) + "'");
    return Lock(Adopt{}, s);
}

} // namespace parviz
