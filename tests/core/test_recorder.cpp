// The Recorder with real worker processes: names, conservation, live reading,
// the watermark, losses.
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/stats.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace parviz;
using namespace std::chrono_literals;

namespace {

// args: task count, ms of sleep per task. Emits TaskStart/TaskEnd with names
// and a printed line per task, as the work module does.
int taskWorker(std::span<const std::string> args) {
    int n = std::stoi(args[0]);
    int ms = std::stoi(args[1]);
    for (int i = 0; i < n; ++i) {
        std::string name = "task-" + std::to_string(i);
        traceEmit(EventKind::TaskStart, i, traceText(name));
        if (ms > 0) usleep(static_cast<useconds_t>(ms) * 1000);
        traceEmit(EventKind::Print, 0, traceText("done " + name, kMaxPrintLine));
        traceEmit(EventKind::TaskEnd, i, traceText(name));
    }
    return 0;
}

std::vector<Event> eventsOf(const Trace& tr, std::size_t n) {
    std::vector<Event> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(tr[i]);
    return v;
}

} // namespace

TEST_CASE("a recorder names processes per role, counting from 1", "[trace]") {
    Recorder rec;
    CHECK(rec.processName(0) == "MainProcess");
    ProcId a = rec.addProcess("", ProcRole::Process);
    ProcId b = rec.addProcess("", ProcRole::PoolWorker);
    ProcId c = rec.addProcess("", ProcRole::Process);
    ProcId d = rec.addProcess("custom", ProcRole::Process);
    CHECK(rec.processName(a) == "Process-1");
    CHECK(rec.processName(b) == "ForkPoolWorker-1");
    CHECK(rec.processName(c) == "Process-2");
    CHECK(rec.processName(d) == "custom");
    CHECK(rec.ring(a) != nullptr);
    CHECK(rec.ring(a)->proc() == a);
    CHECK(Recorder::active() == &rec);
    CHECK(currentRing() == &rec.parentRing());
    rec.finish();
    TraceMeta m = rec.trace().meta();
    REQUIRE(m.procs.size() == 5);
    CHECK(m.finished);
    CHECK(m.usableCores >= 1);
    CHECK(m.totalCores >= m.usableCores);
}

TEST_CASE("a run's trace starts with RunStart, ends with RunEnd, and the recorder uninstalls itself", "[trace]") {
    {
        Recorder rec;
        traceEmit(EventKind::Note, 0, traceText("from the parent"));
        rec.finish();
        const Trace& tr = rec.trace();
        REQUIRE(tr.size() >= 3);
        CHECK(tr[0].kind == EventKind::RunStart);
        CHECK(tr[0].a == static_cast<std::uint64_t>(tr.meta().usableCores));
        CHECK(tr.zero() == tr[0].t);
        CHECK(tr[tr.size() - 1].kind == EventKind::RunEnd);
        bool sawNote = false;
        for (std::size_t i = 0; i < tr.size(); ++i)
            if (tr[i].kind == EventKind::Note) sawNote = tr.string(tr[i].a) == "from the parent";
        CHECK(sawNote);
    }
    CHECK(Recorder::active() == nullptr);
    CHECK(currentRing() == nullptr);
}

TEST_CASE("events are conserved: every task starts and ends once, each process's times never go back", "[trace]") {
    Recorder rec;
    std::vector<Process> ps;
    for (int i = 0; i < 2; ++i) {
        ProcessOptions o;
        o.recorder = &rec;
        ps.emplace_back(taskWorker, std::vector<std::string>{"40", "1"}, o);
    }
    for (auto& p : ps) p.start();
    for (auto& p : ps) p.join();
    rec.finish();
    const Trace& tr = rec.trace();
    auto ev = eventsOf(tr, tr.size());
    CHECK(tr.clampedEvents() == 0);
    std::map<ProcId, std::int64_t> lastT;
    std::map<std::pair<ProcId, int>, int> starts, ends;
    std::map<ProcId, int> prints, procStarts, procExits;
    for (const Event& e : ev) {
        if (lastT.count(e.proc)) CHECK(e.t >= lastT[e.proc]);
        lastT[e.proc] = e.t;
        if (e.kind == EventKind::TaskStart) {
            ++starts[{e.proc, e.obj}];
            CHECK(tr.string(e.a) == "task-" + std::to_string(e.obj));
        }
        if (e.kind == EventKind::TaskEnd) {
            CHECK(starts[{e.proc, e.obj}] == 1);   // the end comes after its start
            ++ends[{e.proc, e.obj}];
        }
        if (e.kind == EventKind::Print) {
            ++prints[e.proc];
            CHECK(tr.string(e.a).substr(0, 5) == "done ");
        }
        if (e.kind == EventKind::ProcStart) ++procStarts[e.proc];
        if (e.kind == EventKind::ProcExit) {
            ++procExits[e.proc];
            CHECK(e.a == 0);
        }
    }
    for (auto& p : ps) {
        ProcId id = p.proc();
        CHECK(procStarts[id] == 1);
        CHECK(procExits[id] == 1);
        CHECK(prints[id] == 40);
        for (int i = 0; i < 40; ++i) {
            CHECK(starts[{id, i}] == 1);
            CHECK(ends[{id, i}] == 1);
        }
    }
}

TEST_CASE("a reader sees a running task's start in the trace within 50 ms, without flushing", "[trace]") {
    Recorder rec;
    ProcessOptions o;
    o.recorder = &rec;
    Process p(taskWorker, {"1", "400"}, o);
    p.start();
    const Trace& tr = rec.trace();
    std::int64_t seenLag = -1;
    auto deadline = std::chrono::steady_clock::now() + 2s;
    std::size_t scanned = 0;
    while (seenLag < 0 && std::chrono::steady_clock::now() < deadline) {
        std::size_t n = tr.size();
        for (; scanned < n; ++scanned) {
            const Event& e = tr[scanned];
            if (e.kind == EventKind::TaskStart && e.proc == p.proc()) {
                timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                seenLag = std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec - e.t;
            }
        }
        std::this_thread::sleep_for(200us);
    }
    CHECK(p.isAlive());   // the task (400 ms) was still running when we saw it
    REQUIRE(seenLag >= 0);
    CHECK(seenLag < 50'000'000);
    p.join();
}

TEST_CASE("a reader thread only ever sees a time-sorted prefix while the collector appends", "[trace]") {
    Recorder rec;
    const Trace& tr = rec.trace();
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> backwards{0}, reads{0};
    std::thread reader([&] {
        std::size_t seen = 0;
        std::int64_t last = INT64_MIN;
        for (bool ended = false; !ended;) {
            ended = stop.load();   // one more read after the run ended
            std::size_t n = tr.size();
            for (; seen < n; ++seen) {
                if (tr[seen].t < last) ++backwards;
                last = tr[seen].t;
                ++reads;
            }
        }
    });
    struct JoinAtExit {
        std::atomic<bool>& stop;
        std::thread& t;
        ~JoinAtExit() { stop = true; t.join(); }
    };
    {
        JoinAtExit guard{stop, reader};
        std::vector<Process> ps;
        for (int i = 0; i < 3; ++i) {
            ProcessOptions o;
            o.recorder = &rec;
            ps.emplace_back(taskWorker, std::vector<std::string>{"200", "0"}, o);
        }
        for (auto& p : ps) p.start();
        // The parent writes too, from this thread, while the workers do.
        for (int i = 0; i < 2000; ++i) traceEmit(EventKind::State, 1);
        for (auto& p : ps) p.join();
        rec.finish();
    }
    CHECK(backwards == 0);
    CHECK(reads == tr.size());
    // The Trace clamps out-of-order appends; the watermark must have made none.
    CHECK(tr.clampedEvents() == 0);
}

TEST_CASE("flush makes everything published so far visible", "[trace]") {
    Recorder rec;
    traceEmit(EventKind::Note, 0, traceText("before flush"));
    rec.flush();
    const Trace& tr = rec.trace();
    bool found = false;
    for (std::size_t i = 0; i < tr.size(); ++i) found = found || tr[i].kind == EventKind::Note;
    CHECK(found);
}

TEST_CASE("a writer of a full ring waits for the Collector, loses nothing and the wait is recorded", "[trace]") {
    RecorderOptions opts;
    opts.ringEvents = 16;
    opts.collectIntervalMs = 5;
    Recorder rec(opts);
    constexpr int kEmitted = 5000;
    for (int i = 0; i < kEmitted; ++i) traceEmit(EventKind::State, 3);
    rec.finish();
    const Trace& tr = rec.trace();
    std::uint64_t kept = 0, lost = 0, waits = 0, waitedNs = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (tr[i].kind == EventKind::State && tr[i].obj == 3) ++kept;
        if (tr[i].kind == EventKind::Lost) lost += tr[i].a;
        if (tr[i].kind == EventKind::WriterWait && tr[i].obj == kParentProc) {
            waitedNs += tr[i].a;
            waits += tr[i].b;
        }
    }
    CHECK(lost == 0);
    CHECK(kept == kEmitted);
    CHECK(waits > 0);
    CHECK(waitedNs > 0);
}

TEST_CASE("a worker whose ring is full wakes the Collector at once instead of waiting for its next timed pass", "[trace]") {
    // A Collector that passes only once a second, and a worker process that
    // writes 40 tasks (120 events) into a ring of 16: it fills the ring about
    // seven times. Woken only by its timer, the Collector would make the
    // worker wait about a second each time (7 s in all); the worker rings its
    // bell (a futex in the shared arena), so every wait ends within a pass.
    RecorderOptions opts;
    opts.ringEvents = 16;
    opts.collectIntervalMs = 1000;
    Recorder rec(opts);
    ProcessOptions o;
    o.recorder = &rec;
    Process worker(taskWorker, std::vector<std::string>{"40", "0"}, o);
    const auto t0 = std::chrono::steady_clock::now();
    worker.start();
    worker.join();
    const double joinedAfterS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rec.finish();
    const Trace& tr = rec.trace();
    std::uint64_t waits = 0, waitedNs = 0, ends = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (tr[i].kind == EventKind::WriterWait && tr[i].obj != kParentProc) {
            waitedNs += tr[i].a;
            waits += tr[i].b;
        }
        if (tr[i].kind == EventKind::TaskEnd) ++ends;
    }
    INFO(waits << " waits, " << static_cast<double>(waitedNs) / 1e6 << " ms waited, joined after " << joinedAfterS << " s");
    CHECK(ends == 40);         // nothing lost
    // Since session 7 a writer also rings once its ring is past half full, so
    // the Collector often drains before the ring fills and the worker waits
    // less often (the test required 3 waits and failed now and then). What
    // must hold is that no wait lasts a timed pass (1 s here): without the
    // bells this worker waited ~1 s seven times, and until the waiting writer
    // rang again every ~1 ms its first wait still took the whole second about
    // one run in two (a pass the first ring started had not yet added its
    // ring): 1 004 ms waited in all, joined after 1.005 s; 25-42 ms now.
    CHECK(static_cast<double>(waitedNs) / 1e9 < 0.5);
    CHECK(joinedAfterS < 0.5);
}

TEST_CASE("a Collector that sleeps while the trace is quiet drains at once when a descriptor it was given is readable",
          "[trace]") {
    // Timers of a minute and more: only the pipe can wake this Collector
    // within the test. (parviz trace gives it its ring directory's bell FIFO
    // and the perf buffers, which become readable past their fill marks.)
    RecorderOptions opts;
    opts.collectIntervalMs = 60'000;
    opts.collectMaxIntervalMs = 120'000;
    Recorder rec(opts);
    int p[2];
    REQUIRE(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
    REQUIRE(rec.wakeOnReadable(p[0], true));
    for (int round = 0; round < 2; ++round) {   // edge-triggered: the pipe was emptied, so a second write wakes it again
        rec.parentRing().emit(EventKind::Note, round);
        std::this_thread::sleep_for(20ms);   // past the Collector's slack (not a timing check)
        REQUIRE(write(p[1], "!", 1) == 1);
        bool seen = false;
        for (int i = 0; i < 1000 && !seen; ++i) {
            const Trace& tr = rec.trace();
            int notes = 0;
            for (std::size_t k = 0; k < tr.size(); ++k) notes += tr[k].kind == EventKind::Note;
            seen = notes == round + 1;
            if (!seen) std::this_thread::sleep_for(10ms);
        }
        CHECK(seen);
        char c;
        CHECK(read(p[0], &c, 1) == -1);   // the waker emptied it
    }
    rec.finish();
    close(p[0]);
    close(p[1]);
}

TEST_CASE("the time writers of full rings waited is in the summary JSON as tracing overhead", "[trace]") {
    // Rings of 16 events and a slow Collector: two worker processes and the
    // parent each write far more than a ring holds, so every writer waits.
    RecorderOptions opts;
    opts.ringEvents = 16;
    opts.collectIntervalMs = 5;
    Recorder rec(opts);
    std::vector<Process> ps;
    for (int i = 0; i < 2; ++i) {
        ProcessOptions o;
        o.recorder = &rec;
        ps.emplace_back(taskWorker, std::vector<std::string>{"300", "0"}, o);
    }
    for (auto& p : ps) p.start();
    for (int i = 0; i < 2000; ++i) traceEmit(EventKind::State, 3);
    for (auto& p : ps) p.join();
    rec.finish();
    const Trace& tr = rec.trace();
    std::uint64_t waits = 0, waitedNs = 0;
    std::set<ProcId> waiters;
    std::int64_t firstWaitT = INT64_MAX;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::WriterWait) {
            waitedNs += tr[i].a;
            waits += tr[i].b;
            waiters.insert(static_cast<ProcId>(tr[i].obj));
            firstWaitT = std::min(firstWaitT, tr[i].t);
        }
    REQUIRE(waits > 0);
    CHECK(waiters.size() == 3);   // the parent and both workers waited
    const RunStats s = computeStats(tr);
    CHECK(s.writerWaitNs == waitedNs);
    CHECK(s.writerWaits == waits);
    CHECK(s.lostEvents == 0);
    CHECK(s.lostTexts == 0);
    const auto j = nlohmann::json::parse(statsToJson(s));
    REQUIRE(j.contains("tracing_overhead"));
    CHECK(j["tracing_overhead"]["writer_waits"].get<std::uint64_t>() == waits);
    CHECK(j["tracing_overhead"]["writer_wait_s"].get<double>() == Approx(static_cast<double>(waitedNs) / 1e9));
    CHECK(j["tracing_overhead"]["lost_text"].get<std::uint64_t>() == 0);
    // Stats at a cursor before the first wait was written count none of it.
    const RunStats early = computeStats(tr, firstWaitT - 1);
    CHECK(early.writerWaits == 0);
    CHECK(early.writerWaitNs == 0);
}

TEST_CASE("an overflowing ring that may not wait is reported as a Lost event with the number dropped", "[trace]") {
    RecorderOptions opts;
    opts.ringEvents = 16;
    opts.collectIntervalMs = 50;
    Recorder rec(opts);
    constexpr int kEmitted = 5000;
    {
        NoWriterWait noWait;
        for (int i = 0; i < kEmitted; ++i) traceEmit(EventKind::State, 3);
    }
    rec.finish();
    const Trace& tr = rec.trace();
    std::uint64_t kept = 0, lost = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (tr[i].kind == EventKind::State && tr[i].obj == 3) ++kept;
        if (tr[i].kind == EventKind::Lost && tr[i].obj == kParentProc) lost += tr[i].a;
    }
    CHECK(lost > 0);
    CHECK(kept + lost == kEmitted);
}

TEST_CASE("pause and resume are recorded and stop the run clock", "[trace]") {
    Recorder rec;
    rec.pause();
    CHECK(rec.clock().paused());
    std::int64_t a = rec.clock().now();
    std::this_thread::sleep_for(20ms);
    CHECK(rec.clock().now() == a);
    rec.resume();
    rec.finish();
    const Trace& tr = rec.trace();
    std::vector<EventKind> kinds;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind != EventKind::CoreLoad) kinds.push_back(tr[i].kind);
    // The machine's load over the run is measured last, just before RunEnd: who took the cores, then the share.
    CHECK(kinds == std::vector<EventKind>{EventKind::RunStart, EventKind::RunPause, EventKind::RunResume,
                                          EventKind::MachineLoad, EventKind::MachineLoad, EventKind::RunEnd});
}

TEST_CASE("a process's exit is recorded when it exits, not when the parent gets round to joining it", "[trace]") {
    Recorder rec(RecorderOptions{CorePref::Off});
    Process slow(taskWorker, {"1", "300"}, ProcessOptions{.recorder = &rec});
    Process quick(taskWorker, {"1", "0"}, ProcessOptions{.recorder = &rec});
    slow.start();
    quick.start();
    slow.join();    // the tutorial's join order: quick has long exited by now
    quick.join();
    rec.finish();
    const Trace& tr = rec.trace();
    std::int64_t slowExit = 0, quickExit = 0;
    int quickExits = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (tr[i].kind != EventKind::ProcExit) continue;
        if (tr[i].proc == slow.proc()) slowExit = tr[i].t;
        if (tr[i].proc == quick.proc()) { quickExit = tr[i].t; ++quickExits; }
        CHECK(tr[i].a == 0);
    }
    CHECK(quickExits == 1);   // once: the worker's own record, no second one at reap time
    REQUIRE(slowExit > 0);
    REQUIRE(quickExit > 0);
    CHECK(slowExit - quickExit > 200'000'000);   // ~300 ms apart, not both at join time
}

TEST_CASE("a process killed by a signal gets its exit recorded by the parent with the signal", "[trace]") {
    Recorder rec(RecorderOptions{CorePref::Off});
    Process p(taskWorker, {"1", "5000"}, ProcessOptions{.recorder = &rec});
    p.start();
    p.kill();
    p.join();
    rec.finish();
    const Trace& tr = rec.trace();
    int exits = 0;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::ProcExit && tr[i].proc == p.proc()) {
            ++exits;
            CHECK(static_cast<std::int64_t>(tr[i].a) == -SIGKILL);
        }
    CHECK(exits == 1);
}

namespace {

// args: how many numbered Note events to write as fast as it can (obj = 0, 1, ...).
int burstWorker(std::span<const std::string> args) {
    const int n = std::stoi(args[0]);
    for (int i = 0; i < n; ++i) traceEmit(EventKind::Note, i, kNoString);
    return 0;
}

} // namespace

TEST_CASE("our rings as a source: every event of every ring arrives once and in its ring's order, through rings that fill",
          "[trace][sources]") {
    // Rings of 1024 events against 3 x 20000 events written flat out: the
    // writers wait for the Collector many times; none may be lost or reordered.
    RecorderOptions ro;
    ro.ringEvents = 1024;
    Recorder rec(ro);
    constexpr int kPerWorker = 20000;
    std::vector<Process> ps;
    for (int i = 0; i < 3; ++i) {
        ProcessOptions o;
        o.recorder = &rec;
        ps.emplace_back(burstWorker, std::vector<std::string>{std::to_string(kPerWorker)}, o);
    }
    for (auto& p : ps) p.start();
    for (auto& p : ps) p.join();
    rec.finish();
    const Trace& tr = rec.trace();
    CHECK(tr.clampedEvents() == 0);
    std::map<ProcId, int> next;   // the number each worker's next Note must carry
    int lost = 0, outOfOrder = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (i > 0 && tr[i - 1].t > e.t) ++outOfOrder;
        if (e.kind == EventKind::Lost) ++lost;
        if (e.kind != EventKind::Note || e.a != kNoString) continue;
        if (e.obj != next[e.proc]) ++outOfOrder;
        next[e.proc] = e.obj + 1;
    }
    CHECK(lost == 0);
    CHECK(outOfOrder == 0);
    for (auto& p : ps) CHECK(next[p.proc()] == kPerWorker);
}

TEST_CASE("our rings as a source: equal times go to the lower process, whatever order the rings were written in",
          "[trace][sources]") {
    Recorder rec(RecorderOptions{.cores = CorePref::Off});
    const ProcId a = rec.addProcess("a", ProcRole::Process);
    const ProcId b = rec.addProcess("b", ProcRole::Process);
    // Nobody runs as a or b: the test writes their rings itself (one writer
    // each), in ticks a little ahead of now, b first, then a, then the parent.
    // Steps of 10000 ticks (microseconds): ticks closer than a nanosecond
    // would convert to the same ns and tie. Equal ticks convert to equal ns.
    constexpr std::int64_t kStep = 10000;
    const std::int64_t base = traceNow() + kStep;
    auto at = [&](int k) { return base + k * kStep; };
    TraceRing& rb = *rec.ring(b);
    TraceRing& ra = *rec.ring(a);
    rb.emitAt(at(3), EventKind::Print, 32, rb.text("b3"));
    rb.emitAt(at(4), EventKind::Print, 4, rb.text("b4"));
    ra.emitAt(at(1), EventKind::Print, 1, ra.text("a1"));
    ra.emitAt(at(3), EventKind::Print, 31, ra.text("a3"));
    ra.emitAt(at(5), EventKind::Print, 5, ra.text("a5"));
    rec.parentRing().emitAt(at(2), EventKind::Print, 2, rec.parentRing().text("p2"));
    rec.parentRing().emitAt(at(3), EventKind::Print, 30, rec.parentRing().text("p3"));
    rec.flush();
    rec.finish();
    const Trace& tr = rec.trace();
    std::vector<std::string> printed;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::Print) printed.emplace_back(tr.string(tr[i].a));
    CHECK(printed == std::vector<std::string>{"a1", "p2", "p3", "a3", "b3", "b4", "a5"});
    CHECK(tr.clampedEvents() == 0);
}
