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
