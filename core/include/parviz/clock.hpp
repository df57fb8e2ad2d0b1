#pragma once
// Clocks. Trace times are CLOCK_MONOTONIC nanoseconds. The *run clock* counts
// only unpaused time since the run started: every duration in parviz (sleep
// work, CPU work, queue and lock timeouts, the makespan) is measured on it, so
// a 5 s task still takes 5 s of unpaused time when the run was paused midway.
#include <atomic>
#include <cstdint>

namespace parviz {

std::int64_t monoNow() noexcept;          // CLOCK_MONOTONIC in ns
std::int64_t cpuTimeNow() noexcept;       // this process's CPU time in ns (CLOCK_PROCESS_CPUTIME_ID)

// Lives in the shared arena; one per run. All members are lock-free atomics so
// a process stopped by SIGSTOP at any point leaves it consistent.
struct RunClock {
    std::atomic<std::int64_t> start{0};        // monotonic ns at the run's zero
    std::atomic<std::int64_t> pausedTotal{0};  // ns of completed pauses
    std::atomic<std::int64_t> pauseStart{0};   // monotonic ns when the current pause began, 0 = running
    double timeScale{1.0};                     // 0.1 runs ten times faster; set before workers start
    // Odd while the parent is between the stores of pause()/resume(): readers
    // retry, so they never combine an old pausedTotal with a new pauseStart.
    std::atomic<std::uint32_t> seq{0};

    void begin(double scale) noexcept;         // start = monoNow(), no pause
    // Unpaused ns since start. While paused it stands still.
    std::int64_t now() const noexcept;
    // Converts an unpaused-time deadline to the monotonic time it would be
    // reached if no further pause happens (for futex / condvar / nanosleep waits:
    // re-check now() after waking).
    std::int64_t monoDeadline(std::int64_t runDeadline) const noexcept;
    void pause() noexcept;                     // parent only
    void resume() noexcept;                    // parent only
    bool paused() const noexcept;
    // Seconds of scenario time -> ns of run time, with the time scale applied.
    std::int64_t scaled(double seconds) const noexcept;
};

// The run clock this process measures against: set in workers started for a
// Run (and in the parent while a Run is active); nullptr otherwise, in which
// case helpers fall back to plain monotonic time.
RunClock* currentClock() noexcept;
void setCurrentClock(RunClock* c) noexcept;

// Unpaused "now" for timeouts: currentClock()->now() or monoNow().
std::int64_t runNow() noexcept;

} // namespace parviz
