// Queue: ports of CPython's Lib/test/_test_multiprocessing.py _TestQueue
// (test_put, test_get, test_fork, test_qsize, test_timeout,
// test_closed_queue_put_get_exceptions) plus what shared memory adds:
// FIFO and conservation across processes, robustness to a killed process,
// putFront, and the trace a put/get pair leaves.
#include "parviz/clock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <deque>
#include <map>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using parviz::Process;
using parviz::Queue;
using parviz::QueueOptions;

namespace {

double secondsSince(std::int64_t t0) { return static_cast<double>(parviz::monoNow() - t0) / 1e9; }

// --- worker targets (args[0] is a queue handle) ---------------------------------------
// Gets `n` items and puts each back with 1000 added, to the second queue.
int getAndAnswer(std::span<const std::string> args) {
    Queue in = Queue::fromArg(args[0]);
    Queue out = Queue::fromArg(args[1]);
    const int n = std::stoi(args[2]);
    for (int i = 0; i < n; ++i) out.put(std::to_string(std::stoi(in.get()) + 1000));
    return 0;
}

int produceNumbers(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    const int first = std::stoi(args[1]), n = std::stoi(args[2]);
    for (int i = first; i < first + n; ++i) q.put(std::to_string(i));
    return 0;
}

// Forwards items to the results queue until it gets "STOP".
int consumeUntilStop(std::span<const std::string> args) {
    Queue in = Queue::fromArg(args[0]);
    Queue out = Queue::fromArg(args[1]);
    std::string item;
    for (;;) {
        in.getInto(item);
        if (item == "STOP") return 0;
        out.put(item);
    }
}

int blockInGet(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    q.get();
    return 0;
}

// Returns 3 when close() wakes it with QueueClosed.
int getUntilClosed(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    try {
        q.get();
    } catch (const parviz::QueueClosed&) {
        return 3;
    }
    return 1;
}

// Stress: `n` blocking puts (or gets) of tiny items; every blocking call has a
// 10 s timeout, so a lost wake-up shows as exit code 4 instead of a hang.
int stressPut(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    const int first = std::stoi(args[1]), n = std::stoi(args[2]);
    try {
        for (int i = first; i < first + n; ++i) q.put(std::to_string(i), true, 10s);
    } catch (const parviz::QueueFull&) {
        return 4;
    }
    return 0;
}
int stressGet(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    Queue out = Queue::fromArg(args[1]);
    const int n = std::stoi(args[2]);
    long sum = 0;
    try {
        for (int i = 0; i < n; ++i) sum += std::stol(q.get(true, 10s));
    } catch (const parviz::QueueEmpty&) {
        return 4;
    }
    out.put(std::to_string(sum));
    return 0;
}
// Waits for one item (a sentinel, as a pool worker does) with a deadline.
int getOneSentinel(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    try {
        return q.get(true, 10s) == "None" ? 0 : 5;
    } catch (const parviz::QueueEmpty&) {
        return 4;
    }
}

// Puts and gets as fast as it can, forever.
int churn(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    std::string item;
    for (std::uint64_t i = 0;; ++i) {
        q.put(std::string(1 + i % 40, 'x'));
        q.getInto(item);
    }
}

bool waitUntilBlocked(pid_t pid) {
    // State 'S' in /proc/<pid>/stat: asleep (in the futex).
    for (int i = 0; i < 200; ++i) {
        std::this_thread::sleep_for(5ms);
        FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
        if (!f) return false;
        char buf[512] = {};
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        std::string s(buf, n);
        auto p = s.rfind(')');
        if (p != std::string::npos && p + 2 < s.size() && s[p + 2] == 'S') return true;
    }
    return false;
}

} // namespace

TEST_CASE("put and get keep FIFO order and raise Full/Empty without blocking (test_put, test_get)", "[queue]") {
    Queue q(QueueOptions{"q", 1 << 16, 6});
    CHECK(q.empty());
    for (int i = 0; i < 3; ++i) q.put(std::to_string(i));
    q.put("3", false);
    q.put("4", true, 100ms);
    q.put_nowait("5");
    CHECK(q.qsize() == 6);
    CHECK_FALSE(q.empty());
    CHECK_THROWS_AS(q.put("6", false), parviz::QueueFull);
    CHECK_THROWS_AS(q.put("6", true, 10ms), parviz::QueueFull);
    CHECK_THROWS_AS(q.put_nowait("6"), parviz::QueueFull);
    CHECK(q.get() == "0");
    CHECK(q.get(false) == "1");
    CHECK(q.get(true, 100ms) == "2");
    CHECK(q.get_nowait() == "3");
    CHECK(q.get() == "4");
    CHECK(q.get() == "5");
    CHECK(q.empty());
    CHECK_THROWS_AS(q.get(false), parviz::QueueEmpty);
    CHECK_THROWS_AS(q.get(true, 10ms), parviz::QueueEmpty);
    CHECK_THROWS_AS(q.get_nowait(), parviz::QueueEmpty);
    CHECK_THROWS_AS(q.get(true, -1ms), std::invalid_argument);
    // Empty strings and binary bytes are items like any other.
    q.put("");
    q.put(std::string("a\0b", 3));
    CHECK(q.get().empty());
    CHECK(q.get() == std::string("a\0b", 3));
}

TEST_CASE("items put before a child starts are got by the child, and the child's by the parent (test_fork)", "[queue]") {
    Queue q, answers;
    for (int i = 0; i < 10; ++i) q.put(std::to_string(i));
    Process p(getAndAnswer, {q.toArg(), answers.toArg(), "10"});
    p.start();
    for (int i = 0; i < 10; ++i) CHECK(answers.get(true, 10s) == std::to_string(i + 1000));
    REQUIRE(p.join(10s));
    CHECK(p.exitcode() == 0);
    CHECK(q.empty());
}

TEST_CASE("qsize counts what was put and not yet got, across processes (test_qsize)", "[queue]") {
    Queue q;
    CHECK(q.qsize() == 0);
    Process p(produceNumbers, {q.toArg(), "0", "7"});
    p.start();
    REQUIRE(p.join(10s));
    CHECK(q.qsize() == 7);   // no feeder thread: all 7 are visible once put returned
    q.get();
    CHECK(q.qsize() == 6);
    q.get();
    CHECK(q.qsize() == 5);
}

TEST_CASE("a get with a timeout on an empty queue raises Empty after about the timeout (test_timeout)", "[queue]") {
    Queue q;
    const auto t0 = parviz::monoNow();
    CHECK_THROWS_AS(q.get(true, 200ms), parviz::QueueEmpty);
    const double took = secondsSince(t0);
    CHECK(took >= 0.195);   // CPython allows 0.1 s of slack below; we never wake early
    CHECK(took < 2.0);
}

TEST_CASE("a closed queue refuses puts, drains its items, then raises on get (test_closed_queue_put_get_exceptions)",
          "[queue]") {
    Queue q;
    q.put("a");
    q.put("b");
    CHECK_FALSE(q.closed());
    q.close();
    CHECK(q.closed());
    CHECK_THROWS_AS(q.put("c"), parviz::QueueClosed);
    CHECK(q.get() == "a");
    CHECK(q.get() == "b");
    CHECK_THROWS_AS(q.get(), parviz::QueueClosed);
    CHECK_THROWS_AS(q.get_nowait(), parviz::QueueClosed);
    q.close();   // twice is harmless
}

TEST_CASE("close wakes a process blocked in get with QueueClosed", "[queue]") {
    Queue q;
    Process p(getUntilClosed, {q.toArg()});
    p.start();
    REQUIRE(waitUntilBlocked(p.pid()));
    q.close();
    REQUIRE(p.join(10s));
    CHECK(p.exitcode() == 3);
}

TEST_CASE("items cross processes in FIFO order, through a ring that wraps and fills", "[queue]") {
    Queue q(QueueOptions{"small", 4096});
    Process p(produceNumbers, {q.toArg(), "0", "20000"});
    p.start();
    std::string item;
    bool inOrder = true;
    for (int i = 0; i < 20000; ++i) {
        q.getInto(item, true, 10s);
        if (item != std::to_string(i)) { inOrder = false; break; }
    }
    CHECK(inOrder);
    REQUIRE(p.join(10s));
    CHECK(q.empty());
}

TEST_CASE("many producers and consumers: every item is got exactly once", "[queue]") {
    const int producers = GENERATE(1, 3);
    const int consumers = 3, perProducer = 3000;
    Queue work(QueueOptions{"work", 2048});
    Queue results(QueueOptions{"results", 1 << 20});
    std::vector<Process> ps;
    for (int i = 0; i < producers; ++i)
        ps.emplace_back(produceNumbers, std::vector<std::string>{work.toArg(), std::to_string(i * perProducer),
                                                                 std::to_string(perProducer)});
    std::vector<Process> cs;
    for (int i = 0; i < consumers; ++i)
        cs.emplace_back(consumeUntilStop, std::vector<std::string>{work.toArg(), results.toArg()});
    for (auto& p : ps) p.start();
    for (auto& c : cs) c.start();
    for (auto& p : ps) REQUIRE(p.join(20s));
    for (int i = 0; i < consumers; ++i) work.put("STOP");
    for (auto& c : cs) {
        REQUIRE(c.join(20s));
        CHECK(c.exitcode() == 0);
    }
    std::map<int, int> seen;
    while (!results.empty()) ++seen[std::stoi(results.get())];
    CHECK(static_cast<int>(seen.size()) == producers * perProducer);
    int dup = 0;
    for (auto& [k, n] : seen) dup += n != 1;
    CHECK(dup == 0);
    CHECK(seen.begin()->first == 0);
    CHECK(seen.rbegin()->first == producers * perProducer - 1);
}

TEST_CASE("stress: many short blocking puts and gets through a tiny queue never lose a wake-up", "[queue][stress]") {
    // 256 bytes hold ~10 items and maxItems 2 keeps both ends blocking all the
    // time: every put and get goes through the sleep/wake handshake often.
    const std::size_t maxItems = GENERATE(0u, 2u);
    Queue q(QueueOptions{"tiny", 256, maxItems});
    Queue sums(QueueOptions{"sums"});
    constexpr int kProducers = 3, kConsumers = 3, kPerProducer = 20000;
    constexpr int kPerConsumer = kProducers * kPerProducer / kConsumers;
    std::vector<Process> ps;
    for (int i = 0; i < kProducers; ++i)
        ps.emplace_back(stressPut, std::vector<std::string>{q.toArg(), std::to_string(i * kPerProducer),
                                                            std::to_string(kPerProducer)});
    for (int i = 0; i < kConsumers; ++i)
        ps.emplace_back(stressGet, std::vector<std::string>{q.toArg(), sums.toArg(), std::to_string(kPerConsumer)});
    const std::int64_t t0 = parviz::monoNow();
    for (auto& p : ps) p.start();
    bool allDone = true;
    for (auto& p : ps) allDone = p.join(30s) && allDone;
    INFO("seconds: " << secondsSince(t0));
    REQUIRE(allDone);
    for (auto& p : ps) CHECK(p.exitcode() == 0);
    long total = 0;
    for (int i = 0; i < kConsumers; ++i) total += std::stol(sums.get(false));
    const long n = kProducers * kPerProducer;
    CHECK(total == n * (n - 1) / 2);
    CHECK(q.empty());
}

TEST_CASE("stress: sentinels put one by one reach every blocked getter (the pool's join at Queue level)",
          "[queue][stress]") {
    // Pool::join puts one sentinel per worker while the workers sleep in get.
    // Each round: N getters block, then N sentinels; all must finish.
    for (int round = 0; round < 60; ++round) {
        const int n = 2 + round % 4;
        Queue q(QueueOptions{"pool tasks", 4096});
        std::vector<Process> ps;
        for (int i = 0; i < n; ++i) ps.emplace_back(getOneSentinel, std::vector<std::string>{q.toArg()});
        for (auto& p : ps) p.start();
        if (round % 2) std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 7)));
        for (int i = 0; i < n; ++i) q.put("None");
        bool allDone = true;
        for (auto& p : ps) allDone = p.join(20s) && allDone;
        INFO("round " << round << ", getters " << n);
        REQUIRE(allDone);
        for (auto& p : ps) CHECK(p.exitcode() == 0);
        CHECK(q.empty());
    }
}

TEST_CASE("an item bigger than maxItemBytes is rejected with a length_error naming the sizes", "[queue]") {
    Queue q(QueueOptions{"q", 4096});
    CHECK(q.maxItemBytes() == 1024);
    q.put(std::string(q.maxItemBytes(), 'a'));
    CHECK(q.get().size() == 1024);
    try {
        q.put(std::string(1025, 'b'));
        FAIL("no length_error");
    } catch (const std::length_error& e) {
        CHECK_THAT(e.what(), Catch::Contains("1025") && Catch::Contains("1024"));
    }
    CHECK(q.empty());
}

TEST_CASE("a process SIGKILLed while blocked in get leaves the queue usable", "[queue]") {
    Queue q;
    Process p(blockInGet, {q.toArg()});
    p.start();
    REQUIRE(waitUntilBlocked(p.pid()));
    p.kill();
    REQUIRE(p.join(10s));
    CHECK(p.exitcode() == -SIGKILL);
    q.put("after");
    CHECK(q.get(true, 1s) == "after");
    // Another process still gets what the parent puts.
    Process p2(blockInGet, {q.toArg()});
    p2.start();
    q.put("x");
    REQUIRE(p2.join(10s));
    CHECK(p2.exitcode() == 0);
    CHECK(q.empty());
}

TEST_CASE("processes SIGKILLed in the middle of puts and gets leave a consistent queue", "[queue]") {
    Queue q(QueueOptions{"q", 1024});
    for (int round = 0; round < 10; ++round) {
        Process a(churn, {q.toArg()}), b(churn, {q.toArg()});
        a.start();
        b.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(5 + round * 3));
        a.kill();
        b.kill();
        REQUIRE(a.join(10s));
        REQUIRE(b.join(10s));
        // Whatever is left is whole items, counted right.
        const std::size_t n = q.qsize();
        std::size_t got = 0;
        bool whole = true;
        while (!q.empty()) {
            std::string s = q.get(false);
            whole = whole && !s.empty() && s.size() <= 40 && s == std::string(s.size(), 'x');
            ++got;
        }
        CHECK(whole);
        CHECK(got == n);
        CHECK(n <= 2);
        q.put("alive");
        CHECK(q.get(false) == "alive");
    }
}

TEST_CASE("putFront puts at the head and keeps deque order through wraps", "[queue]") {
    Queue q(QueueOptions{"q", 1024});
    q.put("a");
    q.put("b");
    q.putFront("z");
    CHECK(q.get() == "z");
    CHECK(q.get() == "a");
    CHECK(q.get() == "b");
    // Against a model: random puts at both ends and gets, small ring, many wraps.
    std::deque<std::string> model;
    std::mt19937 rng(7);
    std::size_t bytes = 0;
    for (int i = 0; i < 20000; ++i) {
        const int op = static_cast<int>(rng() % 3);
        std::string item(rng() % 60, static_cast<char>('a' + i % 26));
        const std::size_t rec = 16 + ((item.size() + 7) & ~std::size_t{7});
        if (op < 2 && bytes + 2 * rec + 200 < 1024) {
            if (op == 0) { q.put(item, false); model.push_back(item); }
            else { q.putFront(item); model.push_front(item); }
            bytes += rec;
        } else if (!model.empty()) {
            std::string got = q.get(false);
            REQUIRE(got == model.front());
            bytes -= 16 + ((got.size() + 7) & ~std::size_t{7});
            model.pop_front();
        }
        REQUIRE(q.qsize() == model.size());
    }
}

TEST_CASE("a handle string names a live queue; anything else is rejected", "[queue]") {
    Queue q;
    Queue h = Queue::fromArg(q.toArg());
    CHECK(h.id() == q.id());
    h.put("via handle");
    CHECK(q.get() == "via handle");
    CHECK_THROWS_AS(Queue::fromArg("queue:zz"), std::invalid_argument);
    CHECK_THROWS_AS(Queue::fromArg("queue:10"), std::invalid_argument);
    CHECK_THROWS_AS(Queue::fromArg("lock:10"), std::invalid_argument);
    Queue other;
    CHECK(other.id() != q.id());
}

namespace {
int putValues(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    for (std::size_t i = 1; i < args.size(); ++i) q.put(args[i]);
    return 0;
}
} // namespace

TEST_CASE("a traced put's value reaches the trace whole, short values carried in the event itself and longer ones "
          "through the text buffer",
          "[queue][trace]") {
    // 7 bytes and less travel inside the event's text ref (kInlineTextTag), 8
    // and more through the ring's text buffer; the boundary, the empty value,
    // UTF-8 and a NUL byte must all come out as they went in, and no wire
    // flag reaches the Trace.
    const std::vector<std::string> values{"", "7", "abcdefg", "abcdefgh", std::string("a\0b", 3), "\xc3\xa9t\xc3\xa9",
                                          std::string(64, 'x'), std::string(80, 'y')};
    parviz::Recorder rec;
    Queue q(QueueOptions{"values"});
    std::vector<std::string> args{q.toArg()};
    args.insert(args.end(), values.begin(), values.end());
    Process p(putValues, args, parviz::ProcessOptions{"", &rec});
    p.start();
    REQUIRE(p.join(10s));
    rec.finish();
    const parviz::Trace& tr = rec.trace();
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto& e = tr[i];
        if (e.kind != parviz::EventKind::QueuePut || e.obj != q.id()) continue;
        CHECK(e.flags == 0);
        seen.push_back(std::string(tr.string(e.b)));
    }
    std::vector<std::string> want(values.begin(), values.end() - 1);
    want.push_back(std::string(parviz::kMaxPreview, 'y'));   // previews keep the first 64 bytes
    CHECK(seen == want);
}

TEST_CASE("the trace pairs each put with its get by item id, put first; a blocked get shows WaitQueue", "[queue]") {
    parviz::Recorder rec;
    Queue q(QueueOptions{"traced"});
    Process p(blockInGet, {q.toArg()}, parviz::ProcessOptions{"", &rec});
    p.start();
    REQUIRE(waitUntilBlocked(p.pid()));
    q.put("hello");
    REQUIRE(p.join(10s));
    rec.finish();
    const parviz::Trace& tr = rec.trace();
    const auto meta = tr.meta();
    bool named = false;
    for (auto& o : meta.objectsOf(parviz::ObjectKind::Queue)) named = named || (o.id == q.id() && o.name == "traced");
    CHECK(named);
    std::int64_t tPut = -1, tGet = -1;
    std::uint64_t idPut = 0, idGet = 1;
    bool waited = false;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const auto& e = tr[i];
        if (e.kind == parviz::EventKind::QueuePut && e.obj == q.id()) {
            tPut = e.t; idPut = e.a;
            CHECK(tr.string(e.b) == "hello");
        }
        if (e.kind == parviz::EventKind::QueueGet && e.obj == q.id()) {
            tGet = e.t; idGet = e.a;
            CHECK(e.proc == p.proc());
            CHECK(e.b == parviz::kNoString);   // the value preview is the put's (event.hpp)
        }
        if (e.kind == parviz::EventKind::State && e.proc == p.proc() &&
            e.obj == static_cast<std::int32_t>(parviz::WorkerState::WaitQueue))
            waited = true;
    }
    CHECK(idPut == idGet);
    CHECK(tPut >= 0);
    CHECK(tPut < tGet);
    CHECK(waited);
}
