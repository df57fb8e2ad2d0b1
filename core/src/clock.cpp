// Monotonic time and the run clock (clock.hpp).
#include "parviz/clock.hpp"

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// --- the trace clock ---------------------------------------------------------

namespace {

bool detectTsc() noexcept {
#if defined(__x86_64__)
    if (const char* e = std::getenv("PARVIZ_TRACE_CLOCK"); e && std::strcmp(e, "mono") == 0) return false;
    // The kernel picks "tsc" only when the TSC is invariant and in step on
    // every core; otherwise (kvm-clock, hpet, ...) stay with clock_gettime.
    std::FILE* f = std::fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    if (!f) return false;
    char buf[32] = {};
    const bool ok = std::fgets(buf, sizeof buf, f) && std::strcmp(buf, "tsc\n") == 0;
    std::fclose(f);
    return ok;
#else
    return false;
#endif
}

struct TickPoint { std::int64_t tick, ns; };

// A tick reading and a clock_gettime taken together: the tightest of three
// brackets, the tick taken as the bracket's middle.
TickPoint samplePoint() noexcept {
    TickPoint best{0, 0};
    std::int64_t bestSpan = INT64_MAX;
    for (int i = 0; i < 3; ++i) {
        const std::int64_t a = traceNow();
        const std::int64_t ns = monoNow();
        const std::int64_t b = traceNow();
        if (b - a < bestSpan) {
            bestSpan = b - a;
            best = TickPoint{a + (b - a) / 2, ns};
        }
    }
    return best;
}

} // namespace

namespace detail {
const bool g_traceTicksAreTsc = detectTsc();
}

namespace {
// Taken before main: the far end of every conversion outside the Collector.
const TickPoint g_programStart = samplePoint();

double slopeFrom(const TickPoint& a, const TickPoint& b) noexcept {
    return b.tick > a.tick ? static_cast<double>(b.ns - a.ns) / static_cast<double>(b.tick - a.tick) : 1.0;
}

// A point at least 200 µs of ticks after `from`, so a slope measured between
// them is good to a few parts in 10^5 (waits once, only right after start).
TickPoint pointAfter(const TickPoint& from) noexcept {
    TickPoint p = samplePoint();
    while (p.ns - from.ns < 200'000) p = samplePoint();
    return p;
}
} // namespace

TickConverter::TickConverter() {
    m_identity = !traceTicksAreTsc();
    if (m_identity) return;
    const TickPoint p = pointAfter(g_programStart);
    setSlope(slopeFrom(g_programStart, p));
    m_pts[0] = Point{p.tick, p.ns};
    m_newest = m_pts[0];
    m_count = 1;
    m_last = 0;
}

void TickConverter::setSlope(double nsPerTick) noexcept {
    m_nsPerTick = nsPerTick;
    m_mult = static_cast<std::uint64_t>(std::llround(nsPerTick * 4294967296.0));
}

const TickConverter::Point& TickConverter::at(int age) const noexcept {
    return m_pts[(m_last - age + kPoints) % kPoints];
}

void TickConverter::calibrate() noexcept {
    if (m_identity) return;
    const TickPoint p = samplePoint();
    const Point& newest = at(0);
    // Too close to the last point for a good slope: skip it.
    if (p.ns - newest.ns < 100'000 || p.tick <= newest.tick) return;
    setSlope(slopeFrom(TickPoint{newest.tick, newest.ns}, p));
    m_last = (m_last + 1) % kPoints;
    m_pts[m_last] = Point{p.tick, p.ns};
    m_newest = m_pts[m_last];
    if (m_count < kPoints) ++m_count;
}

std::int64_t TickConverter::toNs(std::int64_t x) const noexcept {
    if (m_identity) return x;
    // Nearly every event lies just before the newest point (drained, then
    // calibrated): interpolate back from it along the newest segment, in
    // 32.32 fixed point (no floating point, no libm call per event).
    const Point& n = m_newest;
    const Point& prev = m_count > 1 ? at(1) : n;
    if (x >= prev.tick || m_count == 1) {
        __extension__ typedef __int128 I128;
        const I128 d = static_cast<I128>(x - n.tick) * static_cast<I128>(m_mult);
        return n.ns + static_cast<std::int64_t>(d >> 32);
    }
    for (int age = 1; age < m_count; ++age) {
        const Point& lo = at(age);
        const Point& hi = at(age - 1);
        if (x >= lo.tick || age == m_count - 1) {
            const double k = static_cast<double>(hi.ns - lo.ns) / static_cast<double>(hi.tick - lo.tick);
            return lo.ns + static_cast<std::int64_t>(std::llround(static_cast<double>(x - lo.tick) * k));
        }
    }
    return n.ns;   // not reached
}

std::int64_t traceTicksToMonoNow(std::int64_t ticks) noexcept {
    if (!traceTicksAreTsc()) return ticks;
    const TickPoint now = pointAfter(g_programStart);
    return now.ns + static_cast<std::int64_t>(std::llround(static_cast<double>(ticks - now.tick) *
                                                           slopeFrom(g_programStart, now)));
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
