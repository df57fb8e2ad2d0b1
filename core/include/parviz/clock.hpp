#pragma once
// Clocks. Trace times are CLOCK_MONOTONIC nanoseconds. The *run clock* counts
// only unpaused time since the run started: every duration in parviz (sleep
// work, CPU work, queue and lock timeouts, the makespan) is measured on it, so
// a 5 s task still takes 5 s of unpaused time when the run was paused midway.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace parviz {

std::int64_t monoNow() noexcept;          // CLOCK_MONOTONIC in ns
std::int64_t cpuTimeNow() noexcept;       // this process's CPU time in ns (CLOCK_PROCESS_CPUTIME_ID)

// The trace clock: what trace writers stamp events with, in *ticks*.
// Where the kernel itself keeps time with the TSC (clocksource "tsc", which it
// only uses when the TSC is invariant and synchronised across cores), a tick
// is one raw TSC count: reading it costs ~10 ns here against ~24 ns for
// clock_gettime (which reads the same counter, then fences and scales it).
// Elsewhere, or with PARVIZ_TRACE_CLOCK=mono in the environment, a tick is a
// CLOCK_MONOTONIC nanosecond. Ticks never reach the Trace: the Collector
// converts them to CLOCK_MONOTONIC ns as it drains the rings (TickConverter),
// so every reader, export and statistic sees nanoseconds. Decided once per
// program, before main (a static initialiser of clock.cpp: do not construct a
// Recorder or TickConverter from another static initialiser, which may run
// first); every process of the program uses the same clock.
//
// Which clock, decided by detail::decideTraceClock from PARVIZ_TRACE_CLOCK
// (auto, the default; tsc; mono), the kernel's clocksource and the CPU's flags:
//  - clocksource "tsc": the kernel verified the TSC, so ticks are TSC counts;
//  - another clocksource (kvm-clock on many virtual machines) on a CPU with
//    both constant_tsc (fixed rate) and nonstop_tsc (runs in deep idle
//    states): ticks are TSC counts if tscWarpCheck() passes, the check Linux
//    itself makes before it trusts the TSC (arch/x86/kernel/tsc_sync.c: two
//    threads on different cores take turns reading the TSC under a lock and
//    no reading may be earlier than the one before it). A clock_gettime on
//    kvm-clock reads the TSC too, then scales it through the hypervisor's page;
//  - otherwise, or if the check fails, or with PARVIZ_TRACE_CLOCK=mono:
//    CLOCK_MONOTONIC ns.
// PARVIZ_TRACE_CLOCK=tsc makes a `tsc` host take the other path (flags and
// check), so it can be tried anywhere.
namespace detail {
extern const bool g_traceTicksAreTsc;
}
inline bool traceTicksAreTsc() noexcept { return detail::g_traceTicksAreTsc; }
// One line saying which clock stamps trace events and why, e.g. "TSC ticks:
// clocksource kvm-clock; constant_tsc and nonstop_tsc; cross-core check
// passed (2 cores, ...)". Benchmarks print it with their numbers.
const char* traceClockReason() noexcept;

// The result of the cross-core TSC check (tsc_check.cpp).
struct TscWarpResult {
    bool ok = false;
    int cores = 0;                  // cores compared (the first usable core against each of the others)
    long reads = 0;                 // TSC readings taken in all
    std::int64_t maxBackward = 0;   // the largest step back seen, in TSC counts (0 when ok)
    int badCore = -1;               // the core paired with the first one when a step back was seen
    char detail[160] = {};          // why it failed, when it failed for another reason
};
// Pairs the first core this process may run on with each other one (at most
// `maxPairs`, spread over them), two threads taking turns under a spinlock for
// up to ~2 ms a pair; ok when no reading is earlier than the one before it.
// Starts and joins its own threads: call it before any fork server starts.
TscWarpResult tscWarpCheck(int maxPairs = 15) noexcept;

namespace detail {
struct TraceClockChoice {
    bool tsc = false;
    std::string reason;
};
// The decision above as a pure function (unit-tested). `cpuFlags` is the
// "flags" line of /proc/cpuinfo; `check` is called only when the decision
// needs the cross-core check.
TraceClockChoice decideTraceClock(std::string_view env, std::string_view clocksource, std::string_view cpuFlags,
                                  TscWarpResult (*check)());
} // namespace detail
// A tick reading no earlier than anything this thread did before it (rdtscp
// waits for every earlier instruction and load, as clock_gettime's own read
// does): for stamps that must follow what they observed — a QueueGet after
// the item it took, an event after the ring's writer lock was taken.
// ~19 ns here.
inline std::int64_t traceNow() noexcept {
#if defined(__x86_64__)
    if (detail::g_traceTicksAreTsc) {
        unsigned aux;
        return static_cast<std::int64_t>(__builtin_ia32_rdtscp(&aux));
    }
#endif
    return monoNow();
}
// A tick reading the CPU may take a little *early* (plain rdtsc runs out of
// order), but never after a later store becomes visible: for stamps that must
// come before what they publish — a QueuePut before its item is visible, a
// LockRelease before the unlock. ~10 ns here.
inline std::int64_t traceNowBeforePublish() noexcept {
#if defined(__x86_64__)
    if (detail::g_traceTicksAreTsc) return static_cast<std::int64_t>(__builtin_ia32_rdtsc());
#endif
    return monoNow();
}

// Converts trace ticks to CLOCK_MONOTONIC ns, piecewise linearly between
// calibration points (a tick reading and a clock_gettime taken together).
// The Collector calibrates once per pass, *after* draining the rings, so every
// event it converts lies before the newest point: interpolated, never
// extrapolated. Each segment is one fixed-point line anchored at its older
// point, so a tick converts to the same ns in every pass that converts it
// (an event published just after a drain is converted one pass later than its
// neighbours; the merge compares the two). The map is non-decreasing and
// strictly increasing across every point, so it keeps each ring's order and
// the tick order of events in different rings. Ticks older than every kept
// point lie on the line from the program's start to the oldest kept point
// (never on one short segment extended over seconds). With ticks in ns it is
// the identity.
class TickConverter {
public:
    TickConverter();              // takes the first calibration point
    void calibrate() noexcept;    // adds a point (keeps the last kPoints)
    std::int64_t toNs(std::int64_t ticks) const noexcept;

private:
    // A point, and the slope (ns per tick * 2^32) of the segment from it to
    // the next newer point (for the newest: of the segment that ends there).
    struct Point { std::int64_t tick, ns; std::uint64_t mult; };
    static constexpr int kPoints = 1024;   // 24 KiB; ~2 s of history at one pass per 2 ms
    Point m_pts[kPoints];
    int m_count = 0;              // points held (<= kPoints)
    int m_last = -1;              // index of the newest
    Point m_origin{0, 0, 0};      // program start, with the slope to the oldest kept point
    Point m_fast{0, 0, 0};        // the newest segment's start (a copy: the fast path)
    bool m_identity = true;
    const Point& at(int age) const noexcept;   // 0 = newest
};

// One trace tick reading converted to CLOCK_MONOTONIC ns outside the Collector
// (e.g. Lock::owner()): interpolates between a point taken at program start
// and one taken now. Costs two clock reads; not for hot paths.
std::int64_t traceTicksToMonoNow(std::int64_t ticks) noexcept;

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
