// TraceRing on its own: round trips, overflow, text, several writers.
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace parviz;

namespace {
struct RingGuard {
    TraceRing* r;
    ~RingGuard() { TraceRing::destroy(r); }
};
} // namespace

TEST_CASE("a ring returns its events in order with every field intact", "[trace]") {
    RingGuard g{TraceRing::create(7, 64)};
    for (int i = 0; i < 50; ++i) g.r->emit(EventKind::QueuePut, i, 100u + i, 200u + i, static_cast<std::uint8_t>(i & 1));
    std::vector<Event> out;
    REQUIRE(g.r->drain(out) == 50);
    REQUIRE(g.r->drain(out) == 0);
    for (int i = 0; i < 50; ++i) {
        CHECK(out[i].proc == 7);
        CHECK(out[i].kind == EventKind::QueuePut);
        CHECK(out[i].obj == i);
        CHECK(out[i].a == 100u + i);
        CHECK(out[i].b == 200u + i);
        CHECK(out[i].flags == (i & 1));
        if (i) CHECK(out[i].t >= out[i - 1].t);
    }
    CHECK(g.r->lost() == 0);
    CHECK_FALSE(g.r->writing());
}

TEST_CASE("a full ring drops new events and counts them instead of blocking", "[trace]") {
    RingGuard g{TraceRing::create(1, 8)};
    REQUIRE(g.r->capacity() == 8);
    for (int i = 0; i < 20; ++i) g.r->emit(EventKind::State, i);
    CHECK(g.r->lost() == 12);
    std::vector<Event> out;
    REQUIRE(g.r->drain(out) == 8);
    for (int i = 0; i < 8; ++i) CHECK(out[i].obj == i);   // the oldest are kept
    // Draining makes room again.
    g.r->emit(EventKind::State, 99);
    out.clear();
    REQUIRE(g.r->drain(out) == 1);
    CHECK(out[0].obj == 99);
}

TEST_CASE("text refs give back the text, truncated on a UTF-8 boundary", "[trace]") {
    RingGuard g{TraceRing::create(1, 16, 4096)};
    auto plain = g.r->text("hello");
    auto cut = g.r->text("h\xC3\xA9llo", 2);   // "é" is two bytes: keep only "h"
    auto longLine = g.r->text(std::string(3000, 'x'), kMaxPrintLine);
    CHECK(g.r->readText(plain) == "hello");
    CHECK(g.r->readText(cut) == "h");
    CHECK(g.r->readText(longLine) == std::string(kMaxPrintLine, 'x'));
    CHECK(g.r->readText(kNoString) == "<lost text>");
}

TEST_CASE("texts of seven bytes or fewer travel in the ref itself and never use or overwrite the text buffer",
          "[trace]") {
    RingGuard g{TraceRing::create(1, 16, 4096)};
    REQUIRE(g.r->textCapacity() == 4096);
    const auto first = g.r->text("first line");   // 10 bytes: through the buffer
    CHECK_FALSE(isInlineTextRef(first));
    // 2000 short texts would be ~22 KB through the buffer, five laps over "first line".
    std::vector<std::uint64_t> refs;
    for (int i = 0; i < 2000; ++i) refs.push_back(g.r->text(std::to_string(i % 10) + "abcdef"));
    for (int i = 0; i < 2000; ++i) {
        CHECK(isInlineTextRef(refs[static_cast<std::size_t>(i)]));
        CHECK(g.r->readText(refs[static_cast<std::size_t>(i)]) == std::to_string(i % 10) + "abcdef");
    }
    CHECK(g.r->readText(first) == "first line");
    // The boundaries: empty, a NUL inside, 8 bytes (buffer again), UTF-8 cut to 7.
    CHECK(g.r->readText(g.r->text("")).empty());
    CHECK(g.r->readText(g.r->text(std::string("a\0b", 3))) == std::string("a\0b", 3));
    const auto eight = g.r->text("abcdefgh");
    CHECK_FALSE(isInlineTextRef(eight));
    CHECK(g.r->readText(eight) == "abcdefgh");
    CHECK(g.r->readText(g.r->text("abcde\xC3\xA9xyz", 7)) == "abcde\xC3\xA9");
    CHECK(g.r->readText(g.r->text("abcdef\xC3\xA9", 7)) == "abcdef");   // never half a code point
    CHECK_FALSE(isInlineTextRef(kNoString));
}

TEST_CASE("a writer rings the Collector's bell once its ring is past half full, at quarter marks, for events and "
          "for text",
          "[trace]") {
    DrainBell bell;
    RingGuard g{TraceRing::create(1, 64, 4096)};
    g.r->setDrainBell(&bell);
    std::vector<std::uint32_t> ringsAfter;
    for (int i = 1; i <= 64; ++i) {
        g.r->emit(EventKind::State, i);
        if (i % 16 == 0) ringsAfter.push_back(bell.rings.load());
    }
    // At 16 and 32 events the ring is not past half; at 48 and 64 it is.
    CHECK(ringsAfter == std::vector<std::uint32_t>{0, 0, 1, 2});
    std::vector<Event> out;
    REQUIRE(g.r->drain(out) == 64);
    // Text: 104-byte records (4 of length, 100 of text) in a 4 KiB buffer
    // nobody frees: 1 KiB quarter marks are passed by records 10, 20 and 30,
    // and only at the last two is the buffer past half full (2080, 3120 bytes).
    const std::uint32_t before = bell.rings.load();
    std::vector<int> rungAt;
    for (int i = 1; i <= 30; ++i) {
        const std::uint32_t was = bell.rings.load();
        g.r->text(std::string(100, 'x'), kMaxPrintLine);
        if (bell.rings.load() != was) rungAt.push_back(i);
    }
    CHECK(rungAt == std::vector<int>{20, 30});
    CHECK(bell.rings.load() == before + 2);
}

TEST_CASE("text overwritten by later text reads as lost, never as garbage", "[trace]") {
    RingGuard g{TraceRing::create(1, 16, 4096)};
    REQUIRE(g.r->textCapacity() == 4096);
    auto first = g.r->text("first line");
    for (int i = 0; i < 10; ++i) g.r->text(std::string(1000, 'y'), kMaxPrintLine);
    CHECK(g.r->readText(first) == "<lost text>");
    auto last = g.r->text("wraps around the end");
    CHECK(g.r->readText(last) == "wraps around the end");
}

TEST_CASE("two threads writing a multi-writer ring lose nothing and keep their own order", "[trace]") {
    RingGuard g{TraceRing::create(0, 1u << 16, 1u << 16, true)};
    constexpr int kEach = 20000;
    auto writer = [&](int id) {
        for (int i = 0; i < kEach; ++i) g.r->emit(EventKind::State, id, static_cast<std::uint64_t>(i));
    };
    std::thread t1(writer, 1), t2(writer, 2);
    t1.join();
    t2.join();
    std::vector<Event> out;
    REQUIRE(g.r->drain(out) == 2 * kEach);
    CHECK(g.r->lost() == 0);
    std::uint64_t next[3] = {0, 0, 0};
    std::int64_t lastT[3] = {0, 0, 0};
    for (const Event& e : out) {
        REQUIRE((e.obj == 1 || e.obj == 2));
        CHECK(e.a == next[e.obj]);
        CHECK(e.t >= lastT[e.obj]);
        next[e.obj] = e.a + 1;
        lastT[e.obj] = e.t;
    }
    CHECK(next[1] == kEach);
    CHECK(next[2] == kEach);
    // One ring, one lock: the merged order is also the time order.
    for (std::size_t i = 1; i < out.size(); ++i) REQUIRE(out[i].t >= out[i - 1].t);
}

TEST_CASE("a reader draining while the writer emits sees every event once, in order", "[trace]") {
    RingGuard g{TraceRing::create(3, 256)};
    constexpr std::uint64_t kTotal = 200000;
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (std::uint64_t i = 0; i < kTotal; ++i) g.r->emit(EventKind::State, 0, i);
        done = true;
    });
    std::vector<Event> out;
    std::uint64_t expected = 0, mismatches = 0;
    while (true) {
        bool finished = done.load();
        out.clear();
        g.r->drain(out);
        for (const Event& e : out) {
            if (e.a < expected) ++mismatches;   // never twice, never backwards
            expected = e.a + 1;
        }
        if (finished && out.empty()) break;
    }
    writer.join();
    CHECK(mismatches == 0);
    // What the ring could not hold is counted, not silently dropped.
    CHECK(expected <= kTotal);
    CHECK(g.r->lost() <= kTotal);
    CHECK_FALSE(g.r->writing());
}

TEST_CASE("tracing is off without a current ring", "[trace]") {
    TraceRing* saved = currentRing();
    setCurrentRing(nullptr);
    traceEmit(EventKind::State, 1);    // a no-op, not a crash
    CHECK(traceText("x") == kNoString);
    CHECK(currentProc() == kParentProc);
    RingGuard g{TraceRing::create(5, 16)};
    setCurrentRing(g.r);
    traceEmit(EventKind::State, 2);
    CHECK(currentProc() == 5);
    std::vector<Event> out;
    CHECK(g.r->drain(out) == 1);
    setCurrentRing(saved);
}

TEST_CASE("events written in place into the Trace appear together at commit, clamped like append()", "[trace]") {
    Trace tr;
    tr.append(Event{100, 0, EventKind::Note, 0, 1, kNoString, 0});
    std::size_t room = 0;
    Event* w = tr.appendSpace(room);
    REQUIRE(room >= 3);
    w[0] = Event{200, 0, EventKind::RunStart, 0, 0, 2, 2};
    w[1] = Event{150, 1, EventKind::State, 0, 0, 0, 0};   // earlier than the one before: clamped to 200
    w[2] = Event{300, 1, EventKind::State, 0, 1, 0, 0};
    CHECK(tr.size() == 1);                                 // nothing visible before the commit
    tr.commitAppend(3);
    REQUIRE(tr.size() == 4);
    CHECK(tr[1].t == 200);
    CHECK(tr[2].t == 200);
    CHECK(tr[3].t == 300);
    CHECK(tr.clampedEvents() == 1);
    CHECK(tr.zero() == 200);                               // the RunStart written in place
    // Across a chunk boundary: fill the rest of the chunk, then go on.
    std::size_t total = tr.size();
    for (int round = 0; round < 3; ++round) {
        w = tr.appendSpace(room);
        for (std::size_t i = 0; i < room; ++i)
            w[i] = Event{400 + static_cast<std::int64_t>(total + i), 2, EventKind::State, 0, 0, 0, 0};
        tr.commitAppend(room);
        total += room;
        REQUIRE(tr.size() == total);
    }
    for (std::size_t i = 1; i < tr.size(); ++i) REQUIRE(tr[i].t >= tr[i - 1].t);
}

TEST_CASE("Trace chunks a finished Trace gives back are reused by the next, within a bound", "[trace]") {
    constexpr std::size_t kChunk = std::size_t{2} << 20;
    void* a = detail::allocChunk(kChunk);
    detail::freeChunk(a, kChunk);
    void* b = detail::allocChunk(kChunk);
    CHECK(b == a);                              // kept, handed out again (no fresh memory)
    static_cast<char*>(b)[kChunk - 1] = 1;      // and usable to its end
    detail::freeChunk(b, kChunk);
    const std::size_t kept = detail::spareChunkBytes();
    CHECK(kept >= kChunk);
    // A big string's odd-sized chunk is not kept.
    constexpr std::size_t kOdd = (std::size_t{1} << 20) + 12345;
    detail::freeChunk(detail::allocChunk(kOdd), kOdd);
    CHECK(detail::spareChunkBytes() == kept);
    // The bound: giving back far more than 256 MiB keeps 256 MiB.
    std::vector<void*> many;
    for (int i = 0; i < 200; ++i) many.push_back(detail::allocChunk(kChunk));
    for (void* p : many) detail::freeChunk(p, kChunk);
    // (other tests' Traces may have left chunks of other sizes in the pool)
    const std::size_t full = detail::spareChunkBytes();
    CHECK(full <= (std::size_t{256} << 20));
    CHECK(full > (std::size_t{256} << 20) - kChunk);
    std::vector<void*> again;
    for (int i = 0; i < 200; ++i) again.push_back(detail::allocChunk(kChunk));
    CHECK(full - detail::spareChunkBytes() >= 100 * kChunk);   // kept ones are handed out first
    for (void* p : again) detail::freeChunk(p, kChunk);
}

TEST_CASE("a writer waits for the reader instead of dropping when a read ring is full", "[trace]") {
    // A ring with a reader (as the Recorder makes them): 64 events and 4 KiB
    // of text, written far beyond both while a slow reader drains.
    RingGuard g{TraceRing::create(1, 64, 4096)};
    g.r->setReader(true);
    constexpr int kEvents = 5000;
    std::atomic<bool> done{false};
    std::vector<Event> out;
    std::vector<std::string> texts;
    int lostTexts = 0;
    std::thread reader([&] {
        std::string text;
        for (;;) {
            const bool last = done.load();
            const std::size_t from = out.size();
            g.r->drain(out);
            std::uint64_t end = 0;
            for (std::size_t i = from; i < out.size(); ++i) {
                if (!g.r->readTextInto(out[i].a, text)) ++lostTexts;   // Catch asserts only on this thread
                texts.push_back(text);
                end = std::max<std::uint64_t>(end, out[i].a + 4 + text.size());
            }
            if (end) g.r->consumedText(end);
            if (last) break;
            std::this_thread::sleep_for(std::chrono::microseconds(300));
        }
    });
    for (int i = 0; i < kEvents; ++i) {
        std::string line = "line " + std::to_string(i) + std::string(200, 'x');
        g.r->emit(EventKind::Print, i, g.r->text(line, kMaxPrintLine));
    }
    done = true;
    reader.join();
    CHECK(g.r->lost() == 0);
    CHECK(lostTexts == 0);
    REQUIRE(out.size() == kEvents);
    for (int i = 0; i < kEvents; ++i) {
        CHECK(out[i].obj == i);
        CHECK(texts[i] == "line " + std::to_string(i) + std::string(200, 'x'));
    }
    CHECK(g.r->waits() > 0);       // it had to wait, and the wait was counted
    CHECK(g.r->waitedNs() > 0);
}

TEST_CASE("a ring whose reader is gone drops and counts rather than waiting", "[trace]") {
    RingGuard g{TraceRing::create(1, 8)};
    g.r->setReader(true);
    g.r->setReader(false);
    for (int i = 0; i < 20; ++i) g.r->emit(EventKind::State, i);
    CHECK(g.r->lost() == 12);
    CHECK(g.r->waits() == 0);
}
