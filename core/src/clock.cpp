// Monotonic time and the run clock (clock.hpp).
#include "parviz/clock.hpp"

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

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

// The whole of one file's first line ("" when it cannot be read).
std::string firstLine(const char* path) {
    std::FILE* f = std::fopen(path, "re");
    if (!f) return {};
    char buf[64] = {};
    const bool ok = std::fgets(buf, sizeof buf, f) != nullptr;
    std::fclose(f);
    std::string s = ok ? buf : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// The "flags" line of /proc/cpuinfo (the first CPU's; the kernel shows the
// flags every CPU has).
std::string cpuFlags() {
    std::FILE* f = std::fopen("/proc/cpuinfo", "re");
    if (!f) return {};
    std::string line, out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, f)) {
        line += buf;
        if (line.empty() || line.back() != '\n') continue;   // a long line: keep reading it
        if (line.rfind("flags", 0) == 0) { out = line; break; }
        line.clear();
    }
    std::fclose(f);
    return out;
}

detail::TraceClockChoice decideNow() {
    const char* e = std::getenv("PARVIZ_TRACE_CLOCK");
    return detail::decideTraceClock(e ? e : "",
                                    firstLine("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
                                    cpuFlags(), [] { return tscWarpCheck(); });
}

const detail::TraceClockChoice g_choice = decideNow();

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
const bool g_traceTicksAreTsc = g_choice.tsc;
}
const char* traceClockReason() noexcept { return g_choice.reason.c_str(); }

namespace {
// Taken before main: the far end of every conversion outside the Collector,
// and of the Collector's conversion of ticks older than its kept points.
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

__extension__ typedef __int128 I128;

// The slope from (aTick, aNs) to (bTick, bNs) in ns per tick * 2^32, rounded
// down (so a segment's line never reaches its newer end's ns before that end).
std::uint64_t multBetween(std::int64_t aTick, std::int64_t aNs, std::int64_t bTick, std::int64_t bNs) noexcept {
    if (bTick <= aTick || bNs <= aNs) return 0;
    return static_cast<std::uint64_t>((static_cast<I128>(bNs - aNs) << 32) / (bTick - aTick));
}

// ns at tick x on the line through (tick, ns) with slope mult / 2^32, rounded
// down (an arithmetic shift: floor also for x before the anchor).
inline std::int64_t along(std::int64_t tick, std::int64_t ns, std::uint64_t mult, std::int64_t x) noexcept {
    return ns + static_cast<std::int64_t>((static_cast<I128>(x - tick) * static_cast<I128>(mult)) >> 32);
}
} // namespace

TickConverter::TickConverter() {
    m_identity = !traceTicksAreTsc();
    if (m_identity) return;
    const TickPoint p = pointAfter(g_programStart);
    const std::uint64_t mult = multBetween(g_programStart.tick, g_programStart.ns, p.tick, p.ns);
    m_origin = Point{g_programStart.tick, g_programStart.ns, mult};
    m_pts[0] = Point{p.tick, p.ns, mult};
    m_count = 1;
    m_last = 0;
    m_fast = m_origin;   // one point: the line from the program start through it
}

const TickConverter::Point& TickConverter::at(int age) const noexcept {
    return m_pts[(m_last - age + kPoints) % kPoints];
}

void TickConverter::calibrate() noexcept {
    if (m_identity) return;
    const TickPoint p = samplePoint();
    Point& newest = m_pts[m_last];
    // Both only move forward; a point that does not (impossible with an
    // invariant TSC) would make the map decrease: skip it. Every other point
    // is taken however close to the last one: interpolation between two
    // points is as good as the points, and a skipped one would leave the next
    // pass's events extrapolated along a slope the point after would change.
    if (p.tick <= newest.tick || p.ns < newest.ns) return;
    const std::uint64_t mult = multBetween(newest.tick, newest.ns, p.tick, p.ns);
    newest.mult = mult;   // now the slope of the segment it starts
    m_fast = newest;
    m_last = (m_last + 1) % kPoints;
    m_pts[m_last] = Point{p.tick, p.ns, mult};
    if (m_count < kPoints) {
        ++m_count;
    } else {   // the oldest was just overwritten: the line from the start reaches the new oldest
        const Point& oldest = at(m_count - 1);
        m_origin.mult = multBetween(m_origin.tick, m_origin.ns, oldest.tick, oldest.ns);
    }
}

std::int64_t TickConverter::toNs(std::int64_t x) const noexcept {
    if (m_identity) return x;
    // Nearly every event lies in the newest segment (drained, then
    // calibrated): 32.32 fixed point, no floating point, no libm call.
    if (x >= m_fast.tick) return along(m_fast.tick, m_fast.ns, m_fast.mult, x);
    // Older: the segment from at(age) to at(age - 1), newest first.
    for (int age = 2; age < m_count; ++age) {
        const Point& lo = at(age);
        if (x >= lo.tick) return along(lo.tick, lo.ns, lo.mult, x);
    }
    return along(m_origin.tick, m_origin.ns, m_origin.mult, x);
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
