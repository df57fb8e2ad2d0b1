#pragma once
// RobustMutex: the one process-shared, robust pthread mutex of parviz. The
// arena's allocator, Queue's two ends and Lock all sit on it.
//
// It must live in memory every process maps at the same address (the shared
// arena, arena.hpp) and be init()ed once there before any process uses it.
// Robust: when a process dies holding it (SIGKILL mid-operation), the kernel
// hands it to the next taker with EOWNERDEAD. That taker owns it and must
// recover() it — repair whatever the dead owner left half-done, then mark the
// mutex consistent — before unlocking; lock() does that itself with the
// caller's repair function. A mutex unlocked without recover() after
// EOWNERDEAD becomes unusable for ever (ENOTRECOVERABLE), which is why every
// user goes through this one type.
//
// Spinning. Queue and Lock hold it for tens of ns; sleeping in the kernel
// would make every unlock a wake syscall, so takers first spin on the lock
// word read-only (each look pulls its cache line from the owner, hence the
// backoff) and only try the atomic when it looks free. SpinPolicy says how
// long; the arena takes the default (no spin: it is rarely contended).
//
// Errors are pthread's numbers: 0 taken, EBUSY held by someone else (try),
// ETIMEDOUT deadline passed, EDEADLK this thread holds it (Type::ErrorCheck
// only), EOWNERDEAD taken, its owner died (recover() it).
#include <algorithm>
#include <cerrno>
#include <ctime>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <system_error>

namespace parviz {

// How long a taker spins before it sleeps in the kernel.
struct SpinPolicy {
    int pauses = 0;         // pause instructions in all (~35 ns each on x86)
    int firstBackoff = 1;   // pauses between the first two looks at the lock word,
    int maxBackoff = 1;     //   doubling up to this
    int yields = 0;         // then this many sched_yield()s, looking after each
                            //   (an oversubscribed machine: the owner may need this core)
};

class RobustMutex {
public:
    enum class Type {
        Normal,       // relocking from the owning thread deadlocks (never done by the arena and Queue)
        ErrorCheck,   // relocking fails with EDEADLK, unlocking a mutex not held fails with EPERM
    };

    RobustMutex() noexcept = default;   // not usable until init()
    RobustMutex(const RobustMutex&) = delete;
    RobustMutex& operator=(const RobustMutex&) = delete;

    // Makes it a process-shared robust mutex, unlocked. Returns 0, or
    // pthread_mutex_init's error number (the mutex is then unusable).
    [[nodiscard]] int init(Type type = Type::Normal) noexcept {
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        if (type == Type::ErrorCheck) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
        const int r = pthread_mutex_init(&m_m, &attr);
        pthread_mutexattr_destroy(&attr);
        return r;
    }
    // Only when no process can use it any more.
    void destroy() noexcept { pthread_mutex_destroy(&m_m); }

    // ---- taking it: pthread's numbers (header) --------------------------------
    int tryLock() noexcept { return pthread_mutex_trylock(&m_m); }
    // tryLock() whenever the lock word looks free, per `spin`; EBUSY when the
    // spin is spent. Looks first: a free mutex costs one look and one atomic.
    int spinTryLock(const SpinPolicy& spin) noexcept {
        int backoff = spin.firstBackoff;
        for (int spent = 0; spent < spin.pauses; spent += backoff) {
            if (looksFree()) {
                const int r = tryLock();
                if (r != EBUSY) return r;
            }
            for (int k = 0; k < backoff; ++k) cpuRelax();
            backoff = std::min(backoff * 2, spin.maxBackoff);
        }
        for (int i = 0; i < spin.yields; ++i) {
            sched_yield();
            if (looksFree()) {
                const int r = tryLock();
                if (r != EBUSY) return r;
            }
        }
        return EBUSY;
    }
    // Sleeps until taken.
    int lockWaiting() noexcept { return pthread_mutex_lock(&m_m); }
    // Sleeps until taken or CLOCK_MONOTONIC passes `monoDeadline` (ETIMEDOUT).
    int lockUntil(const timespec& monoDeadline) noexcept {
        return pthread_mutex_clocklock(&m_m, CLOCK_MONOTONIC, &monoDeadline);
    }
    // After a take that returned EOWNERDEAD: runs `repair()` while the dead
    // owner's state is still as it left it, then marks the mutex consistent.
    template <class Repair> void recover(Repair&& repair) noexcept(noexcept(repair())) {
        repair();
        pthread_mutex_consistent(&m_m);
    }

    // Takes it: spins per `spin`, then sleeps. If its owner died holding it,
    // recovers it with `repair` and returns true. Any other failure throws
    // std::system_error whose what() starts with `what`.
    template <class Repair> bool lock(const SpinPolicy& spin, Repair&& repair, const char* what) {
        int r = spin.pauses > 0 || spin.yields > 0 ? spinTryLock(spin) : EBUSY;
        if (r == EBUSY) r = lockWaiting();
        if (r == EOWNERDEAD) {
            recover(repair);
            return true;
        }
        if (r != 0) throw std::system_error(r, std::generic_category(), what);
        return false;
    }
    // The same with no spin and nothing to repair (state a dead owner cannot
    // leave half-done).
    bool lock(const char* what) {
        return lock(SpinPolicy{}, [] {}, what);
    }

    // 0, or EPERM when an ErrorCheck mutex is not held by this thread.
    int unlock() noexcept { return pthread_mutex_unlock(&m_m); }

    // A racy hint, for spinning only: no live owner when we looked (free, or
    // its owner died: a try then gets EOWNERDEAD at once).
    bool looksFree() const noexcept { return (lockWord() & FUTEX_TID_MASK) == 0; }
    // A racy hint: its owner died holding it and nobody has taken it since
    // (the kernel marks the lock word), so the state it guards may be
    // half-updated until someone takes it and repairs it.
    bool ownerDiedUnrecovered() const noexcept { return (lockWord() & FUTEX_OWNER_DIED) != 0; }

    static void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }

private:
    // glibc's futex word: 0 free, else the owner's tid plus flag bits.
    unsigned lockWord() const noexcept {
        return static_cast<unsigned>(__atomic_load_n(&m_m.__data.__lock, __ATOMIC_RELAXED));
    }
    pthread_mutex_t m_m;
};

// Holds a RobustMutex for a scope, taken with lock(spin, repair, what);
// unlock() early and lock() again as needed.
template <class Repair> class RobustGuard {
public:
    RobustGuard(RobustMutex& m, const SpinPolicy& spin, Repair repair, const char* what)
        : m_m(m), m_spin(spin), m_repair(repair), m_what(what) {
        lock();
    }
    ~RobustGuard() { unlock(); }
    RobustGuard(const RobustGuard&) = delete;
    RobustGuard& operator=(const RobustGuard&) = delete;

    // True when the previous owner had died (and `repair` ran).
    bool lock() {
        const bool died = m_m.lock(m_spin, m_repair, m_what);
        m_locked = true;
        return died;
    }
    void unlock() noexcept {
        if (m_locked) m_m.unlock();
        m_locked = false;
    }

private:
    RobustMutex& m_m;
    SpinPolicy m_spin;
    Repair m_repair;
    const char* m_what;
    bool m_locked = false;
};

} // namespace parviz
