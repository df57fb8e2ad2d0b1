// The trace clock (clock.hpp): writers stamp events in ticks (the raw TSC where
// the kernel keeps time with it), the Collector converts them to
// CLOCK_MONOTONIC ns. Whatever the clock, a trace time must land between two
// clock_gettime readings taken around the event.
#include "parviz/clock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"

#include <catch2/catch.hpp>

#include <charconv>
#include <fstream>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace parviz;

namespace {
// Conversion error allowed on top of the bracket: one calibration point's own
// uncertainty (its clock_gettime spans ~25 ns) plus rounding, with margin.
constexpr std::int64_t kTolNs = 2'000;

std::string_view field(std::string_view s, int i) {
    for (; i > 0; --i) s = s.substr(s.find(' ') + 1);
    return s.substr(0, s.find(' '));
}
std::int64_t toI64(std::string_view s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}
} // namespace

TEST_CASE("trace ticks convert to the CLOCK_MONOTONIC time they were read at, old ones too", "[trace][clock]") {
    INFO("ticks are " << (traceTicksAreTsc() ? "TSC counts" : "CLOCK_MONOTONIC ns"));
    TickConverter conv;
    struct Sample { std::int64_t before, tick, after; };
    std::vector<Sample> samples;
    // 40 samples over ~40 ms with a calibration after each one, as the
    // Collector does once per pass; then convert them all at the end, when
    // most of them are many calibration points old.
    for (int i = 0; i < 40; ++i) {
        Sample s;
        s.before = monoNow();
        s.tick = traceNow();
        s.after = monoNow();
        samples.push_back(s);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        conv.calibrate();
    }
    for (const Sample& s : samples) {
        const std::int64_t ns = conv.toNs(s.tick);
        CHECK(ns >= s.before - kTolNs);
        CHECK(ns <= s.after + kTolNs);
    }
    // Monotone: later ticks never convert to earlier times.
    for (std::size_t i = 1; i < samples.size(); ++i)
        CHECK(conv.toNs(samples[i].tick) >= conv.toNs(samples[i - 1].tick));
    // Outside the Collector (Lock::owner uses it).
    const std::int64_t b = monoNow(), tk = traceNow(), a = monoNow();
    const std::int64_t ns = traceTicksToMonoNow(tk);
    CHECK(ns >= b - kTolNs);
    CHECK(ns <= a + kTolNs);
}

namespace {
// Emits a Note between two clock readings and sends the readings back.
int stampWorker(std::span<const std::string> args) {
    Queue back = Queue::fromArg(args[0]);
    for (int i = 0; i < 5; ++i) {
        const std::int64_t before = monoNow();
        traceEmit(EventKind::Note, i, kNoString);
        const std::int64_t after = monoNow();
        back.put(std::to_string(i) + " " + std::to_string(before) + " " + std::to_string(after));
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    return 0;
}
} // namespace

TEST_CASE("an event a worker writes lands in the Trace at the CLOCK_MONOTONIC time it happened", "[trace][clock]") {
    RecorderOptions ro;
    ro.cores = CorePref::Off;
    Recorder rec(ro);
    Queue back(QueueOptions{"back"});
    Process p(stampWorker, {back.toArg()}, ProcessOptions{"stamper", &rec});
    // The parent too: its ring is written by several threads, same clock.
    const std::int64_t pb = monoNow();
    traceEmit(EventKind::Note, 100, kNoString);
    const std::int64_t pa = monoNow();
    p.start();
    std::vector<std::string> lines;
    for (int i = 0; i < 5; ++i) lines.push_back(back.get());
    p.join();
    REQUIRE(p.exitcode() == 0);
    rec.finish();
    const Trace& tr = rec.trace();
    int seen = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind != EventKind::Note) continue;
        if (e.proc == kParentProc) {
            REQUIRE(e.obj == 100);
            CHECK(e.t >= pb - kTolNs);
            CHECK(e.t <= pa + kTolNs);
            ++seen;
            continue;
        }
        REQUIRE(e.proc == p.proc());
        const std::string& l = lines.at(static_cast<std::size_t>(e.obj));
        REQUIRE(toI64(field(l, 0)) == e.obj);
        INFO("event " << e.obj << " at " << e.t << ", bracket " << l);
        CHECK(e.t >= toI64(field(l, 1)) - kTolNs);
        CHECK(e.t <= toI64(field(l, 2)) + kTolNs);
        ++seen;
    }
    CHECK(seen == 6);
}

namespace {
void spinFor(std::int64_t ns) {
    const std::int64_t until = monoNow() + ns;
    while (monoNow() < until) {}
}
} // namespace

// The Collector converts each event once, in the pass that drains it, and the
// merge orders events of different passes and rings by those times: a tick
// must convert to the same time whichever pass converts it (an event stamped
// before a calibration point but drained after it is converted one pass
// later than its neighbours), and later ticks never to earlier times.
TEST_CASE("a trace tick converts to the same time in every later pass", "[trace][clock]") {
    TickConverter conv;
    struct Seen { std::int64_t tick, ns; };
    std::vector<Seen> seen;
    std::vector<std::int64_t> pending;   // stamped, converted at the next calibration
    for (int pass = 0; pass < 60; ++pass) {
        for (int k = 0; k < 40; ++k) {
            pending.push_back(traceNow());
            spinFor(500);
        }
        // Passes as close together as a flush() loop or an exited() drain right
        // after a pass, and as far apart as the Collector's interval.
        spinFor(pass % 3 == 0 ? 20'000 : pass % 3 == 1 ? 120'000 : 600'000);
        conv.calibrate();
        for (std::int64_t t : pending) seen.push_back(Seen{t, conv.toNs(t)});
        pending.clear();
        // A writer's event stamped just before this pass's calibration point
        // reaches the next pass.
        pending.push_back(traceNow());
    }
    int changed = 0, backwards = 0;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        if (conv.toNs(seen[i].tick) != seen[i].ns) ++changed;
        if (i > 0 && seen[i].tick > seen[i - 1].tick && seen[i].ns < seen[i - 1].ns) ++backwards;
    }
    CHECK(changed == 0);
    CHECK(backwards == 0);
}

// An event can reach the Collector long after its stamp: a worker stopped by
// pause between its stamp and its publish, or passes squeezed together by many
// exits. Its tick is then older than every kept calibration point; it must
// still convert to about when it happened, not by extending one short segment
// over seconds.
TEST_CASE("a tick older than every kept calibration point still converts accurately", "[trace][clock]") {
    TickConverter conv;
    conv.calibrate();
    const std::int64_t before = monoNow(), tick = traceNow(), after = monoNow();
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    for (int i = 0; i < 2000; ++i) {
        spinFor(120'000);
        conv.calibrate();
    }
    // As good as two calibration points (~20 ns here); one 120 us segment
    // extended over the 1.2 s was off by 0.1 to 120 us.
    constexpr std::int64_t kOldTolNs = 500;
    const std::int64_t ns = conv.toNs(tick);
    INFO("bracket [" << before << ", " << after << "], converted " << ns << " (" << ns - before << " ns after its start)");
    CHECK(ns >= before - kOldTolNs);
    CHECK(ns <= after + kOldTolNs);
}

// --- which clock (clock.hpp, "Which clock") ---------------------------------

namespace {
int g_checks = 0;
TscWarpResult passingCheck() {
    ++g_checks;
    TscWarpResult r;
    r.ok = true;
    r.cores = 2;
    r.reads = 10'000;
    return r;
}
TscWarpResult warpingCheck() {
    ++g_checks;
    TscWarpResult r;
    r.cores = 4;
    r.reads = 20'000;
    r.maxBackward = 1234;
    r.badCore = 3;
    return r;
}
constexpr const char* kVmFlags = "flags\t\t: fpu vme tsc msr constant_tsc rep_good nopl nonstop_tsc cpuid tsc_known_freq\n";
} // namespace

TEST_CASE("the trace clock is the TSC on a tsc host and on a kvm-clock host whose TSC passes the cross-core check",
          "[trace][clock]") {
    g_checks = 0;
    auto c = detail::decideTraceClock("", "tsc", kVmFlags, passingCheck);
    CHECK(c.tsc);
    CHECK(c.reason == "TSC ticks: the kernel's clocksource is tsc");
    CHECK(g_checks == 0);   // the kernel checked it already

    c = detail::decideTraceClock("", "kvm-clock", kVmFlags, passingCheck);
    CHECK(c.tsc);
    CHECK(g_checks == 1);
    CHECK_THAT(c.reason, Catch::Contains("clocksource kvm-clock") && Catch::Contains("constant_tsc and nonstop_tsc") &&
                             Catch::Contains("cross-core check passed (2 cores, 10000 readings"));

    c = detail::decideTraceClock("auto", "kvm-clock", kVmFlags, passingCheck);
    CHECK(c.tsc);
}

TEST_CASE("the trace clock stays clock_gettime when the TSC may not be trusted, and says why", "[trace][clock]") {
    g_checks = 0;
    // A TSC that changes rate with the CPU's frequency or stops in deep idle
    // states cannot be converted between two calibrations: no check is run.
    auto c = detail::decideTraceClock("", "kvm-clock", "flags : fpu tsc constant_tsc cpuid\n", passingCheck);
    CHECK_FALSE(c.tsc);
    CHECK(c.reason == "clock_gettime(CLOCK_MONOTONIC): clocksource kvm-clock and the CPU lacks nonstop_tsc");
    c = detail::decideTraceClock("", "hpet", "flags : fpu tsc nonstop_tsc_x constant_tsc_y\n", passingCheck);
    CHECK_FALSE(c.tsc);   // whole words only
    CHECK_THAT(c.reason, Catch::EndsWith("lacks constant_tsc and nonstop_tsc"));
    CHECK(g_checks == 0);

    c = detail::decideTraceClock("", "kvm-clock", kVmFlags, warpingCheck);
    CHECK_FALSE(c.tsc);
    CHECK(c.reason == "clock_gettime(CLOCK_MONOTONIC): clocksource kvm-clock; the cross-core TSC check failed: a reading "
                      "on core 3 was 1234 TSC counts earlier than the one before it");

    c = detail::decideTraceClock("mono", "tsc", kVmFlags, passingCheck);
    CHECK_FALSE(c.tsc);
    CHECK(c.reason == "clock_gettime(CLOCK_MONOTONIC): PARVIZ_TRACE_CLOCK=mono");
    CHECK(g_checks == 1);
}

TEST_CASE("PARVIZ_TRACE_CLOCK=tsc takes the flags-and-check path even on a tsc host, and an unknown value is named and "
          "ignored",
          "[trace][clock]") {
    g_checks = 0;
    auto c = detail::decideTraceClock("tsc", "tsc", kVmFlags, warpingCheck);
    CHECK_FALSE(c.tsc);
    CHECK(g_checks == 1);
    CHECK_THAT(c.reason, Catch::EndsWith("(PARVIZ_TRACE_CLOCK=tsc)"));
    c = detail::decideTraceClock("fast", "tsc", kVmFlags, passingCheck);
    CHECK(c.tsc);
    CHECK_THAT(c.reason, Catch::EndsWith("; PARVIZ_TRACE_CLOCK=fast is not auto, tsc or mono: ignored"));
}

TEST_CASE("the cross-core TSC check runs on this machine's cores and finds no reading earlier than the one before",
          "[trace][clock]") {
    // On a host whose kernel chose the TSC (it verified it at boot) the check
    // must pass; elsewhere it must at least have compared the cores it may use.
    const TscWarpResult r = tscWarpCheck();
    INFO("detail: " << r.detail << ", cores " << r.cores << ", reads " << r.reads << ", max step back "
                    << r.maxBackward << " on core " << r.badCore);
    CHECK(r.cores >= 1);
    if (r.cores >= 2) CHECK(r.reads >= 2 * 64);   // both threads took turns
    std::ifstream cs("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string source;
    std::getline(cs, source);
    if (source == "tsc") CHECK(r.ok);
    CHECK(std::string(traceClockReason()).size() > 10);
}
