// Monotonic time and the run clock (clock.hpp).
#include "parviz/clock.hpp"

#include <cmath>
#include <ctime>

namespace parviz {
namespace {

std::atomic<RunClock*> g_current{nullptr};

inline std::int64_t toNs(const timespec& ts) noexcept {
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

std::int64_t monoNow() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return toNs(ts);
}

std::int64_t cpuTimeNow() noexcept {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return toNs(ts);
}

void RunClock::begin(double scale) noexcept {
    seq.fetch_add(1, std::memory_order_acq_rel);
    timeScale = scale;
    pausedTotal.store(0, std::memory_order_relaxed);
    pauseStart.store(0, std::memory_order_relaxed);
    start.store(monoNow(), std::memory_order_relaxed);
    seq.fetch_add(1, std::memory_order_acq_rel);
}

std::int64_t RunClock::now() const noexcept {
    for (;;) {
        std::uint32_t s1 = seq.load(std::memory_order_acquire);
        std::int64_t ps = pauseStart.load(std::memory_order_relaxed);
        std::int64_t pt = pausedTotal.load(std::memory_order_relaxed);
        std::int64_t st = start.load(std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_acquire);
        if ((s1 & 1u) || seq.load(std::memory_order_relaxed) != s1) continue;
        std::int64_t t = ps != 0 ? ps : monoNow();
        return t - st - pt;
    }
}

std::int64_t RunClock::monoDeadline(std::int64_t runDeadline) const noexcept {
    // Unpaused: now() = mono - start - pausedTotal, so the deadline is reached at
    // runDeadline + start + pausedTotal. Paused: as if resumed right now.
    std::int64_t mono = monoNow();
    return mono + (runDeadline - now());
}

void RunClock::pause() noexcept {
    if (pauseStart.load(std::memory_order_relaxed) != 0) return;
    seq.fetch_add(1, std::memory_order_acq_rel);
    pauseStart.store(monoNow(), std::memory_order_relaxed);
    seq.fetch_add(1, std::memory_order_acq_rel);
}

void RunClock::resume() noexcept {
    std::int64_t ps = pauseStart.load(std::memory_order_relaxed);
    if (ps == 0) return;
    seq.fetch_add(1, std::memory_order_acq_rel);
    pausedTotal.store(pausedTotal.load(std::memory_order_relaxed) + (monoNow() - ps),
                      std::memory_order_relaxed);
    pauseStart.store(0, std::memory_order_relaxed);
    seq.fetch_add(1, std::memory_order_acq_rel);
}

bool RunClock::paused() const noexcept { return pauseStart.load(std::memory_order_acquire) != 0; }

std::int64_t RunClock::scaled(double seconds) const noexcept {
    return std::llround(seconds * timeScale * 1e9);
}

RunClock* currentClock() noexcept { return g_current.load(std::memory_order_acquire); }
void setCurrentClock(RunClock* c) noexcept { g_current.store(c, std::memory_order_release); }

std::int64_t runNow() noexcept {
    RunClock* c = currentClock();
    return c ? c->now() : monoNow();
}

} // namespace parviz
