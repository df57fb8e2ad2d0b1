// View-model builders against synthetic traces: no processes, no window.
#include "parviz/views.hpp"
#include "parviz/stats.hpp"
#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace parviz;

namespace {

constexpr std::int64_t kBase = 1'000'000'000'000;   // an arbitrary monotonic origin
constexpr std::int64_t ms(double x) { return kBase + static_cast<std::int64_t>(x * 1e6); }

// Builds a trace in time order with readable calls.
struct TraceBuilder {
    Trace trace;
    TraceBuilder& ev(double tMs, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0,
                     std::uint64_t b = 0, std::uint8_t flags = 0) {
        Event e{};
        e.t = ms(tMs);
        e.proc = p;
        e.kind = k;
        e.flags = flags;
        e.obj = obj;
        e.a = a;
        e.b = b;
        trace.append(e);
        return *this;
    }
    std::uint64_t str(const char* s) { return trace.addString(s); }
    TraceBuilder& state(double tMs, ProcId p, WorkerState s) {
        return ev(tMs, p, EventKind::State, static_cast<std::int32_t>(s));
    }
};

} // namespace

TEST_CASE("a narrow wait merged into a zoomed-out row keeps the worst state", "[view]") {
    SpanRow row;
    // 1000 idle spans of 1 ms, with one 0.1 ms lock wait hidden in the middle.
    std::int64_t t = ms(0);
    for (int i = 0; i < 1000; ++i) {
        Span s;
        s.t0 = t;
        s.t1 = t + (i == 500 ? 100'000 : 1'000'000);
        s.state = i == 500 ? LaneState::WaitLock : LaneState::Idle;
        row.push(s);
        t = s.t1;
    }
    Viewport vp{ms(0), t, 100};
    std::vector<SpanRecord> out;
    LaneStats stats;
    buildRow(row, vp, t, out, stats);

    REQUIRE(!out.empty());
    std::size_t waits = std::count_if(out.begin(), out.end(), [](const SpanRecord& r) { return r.state == LaneState::WaitLock; });
    CHECK(waits == 1);
    std::uint64_t covered = 0;
    for (const auto& r : out) {
        covered += r.mergedCount;
        CHECK(r.x1 - r.x0 >= vp.minSpanPx - 1e-3f);
    }
    CHECK(covered == 1000);
    for (std::size_t i = 1; i < out.size(); ++i) CHECK(out[i].x0 >= out[i - 1].x1 - 1e-3f);

    SECTION("a long span next to a short wait does not take the wait's state") {
        SpanRow r2;
        Span a; a.t0 = ms(0); a.t1 = ms(1000); a.state = LaneState::Sleeping; r2.push(a);
        Span w; w.t0 = ms(1000); w.t1 = ms(1000.01); w.state = LaneState::WaitLock; r2.push(w);
        Span c; c.t0 = ms(1000.01); c.t1 = ms(2000); c.state = LaneState::Sleeping; r2.push(c);
        std::vector<SpanRecord> o2;
        buildRow(r2, Viewport{ms(0), ms(2000), 200}, ms(2000), o2, stats);
        float waitWidth = 0;
        for (const auto& r : o2)
            if (r.state == LaneState::WaitLock) waitWidth += r.x1 - r.x0;
        CHECK(waitWidth > 0);
        CHECK(waitWidth <= 2.5f);
    }
}

TEST_CASE("worst state over any range comes from the range-max table", "[view]") {
    SpanRow row;
    const LaneState pattern[] = {LaneState::Idle, LaneState::Sleeping, LaneState::OnCore, LaneState::WaitQueue,
                                 LaneState::Idle, LaneState::Runnable, LaneState::Idle};
    for (int i = 0; i < 300; ++i) {
        Span s;
        s.t0 = i;
        s.t1 = i + 1;
        s.state = pattern[(i * 7 + i / 5) % 7];
        row.push(s);
    }
    for (std::size_t i = 0; i < 300; i += 7)
        for (std::size_t j = i + 1; j <= 300; j += 13) {
            LaneState want = LaneState::None;
            for (std::size_t k = i; k < j; ++k) want = std::max(want, row[k].state);
            REQUIRE(row.worstState(i, j) == want);
        }
}

TEST_CASE("zoomed out over a million spans, the lane builder visits only a few thousand", "[view]") {
    SpanRow row;
    const std::size_t n = 1'000'000;
    for (std::size_t i = 0; i < n; ++i) {
        Span s;
        s.t0 = static_cast<std::int64_t>(i) * 1000;
        s.t1 = s.t0 + 900;
        s.state = i % 3 == 0 ? LaneState::OnCore : LaneState::Runnable;
        row.push(s);
    }
    std::vector<SpanRecord> out;
    LaneStats stats;
    buildRow(row, Viewport{0, static_cast<std::int64_t>(n) * 1000, 1280}, 0, out, stats);
    CHECK(out.size() <= 1280 / 2 + 2);
    CHECK(stats.spansVisited <= 3000);
    CHECK(stats.searchProbes <= out.size() * 2 * 21);
    std::uint64_t covered = 0;
    for (const auto& r : out) covered += r.mergedCount;
    CHECK(covered == n);
    // Every record merges a Runnable span: none may be drawn as merely on a core.
    CHECK(std::all_of(out.begin(), out.end(), [](const SpanRecord& r) { return r.state == LaneState::Runnable; }));

    SECTION("zoomed in, only the visible spans become records") {
        out.clear();
        stats = {};
        buildRow(row, Viewport{500'000'000, 500'010'000, 1280}, 0, out, stats);
        CHECK(out.size() == 10);
        CHECK(stats.spansVisited <= 12);
        CHECK(out.front().mergedCount == 1);
    }
}

namespace {

// The pool demo, events appended in time order.
void poolDemo(TraceBuilder& b) {
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    b.trace.addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});
    b.trace.addObject({parviz::ObjectKind::Queue, 0, "pool tasks"});
    const char* names[] = {"A", "B", "C", "D"};
    std::uint64_t id[4];
    for (int i = 0; i < 4; ++i) id[i] = b.str(names[i]);
    b.ev(0, 0, EventKind::RunStart, 0, 2, 2);
    b.ev(0, 1, EventKind::ProcStart, 0, 101).ev(0, 2, EventKind::ProcStart, 0, 102);
    for (int i = 0; i < 4; ++i) b.ev(0, 0, EventKind::QueuePut, 0, static_cast<std::uint64_t>(i), id[i]);
    auto start = [&](ProcId w, int i, double t) {
        b.ev(t, w, EventKind::QueueGet, 0, static_cast<std::uint64_t>(i), kNoString);   // the put carries the value
        b.ev(t, w, EventKind::TaskStart, i, id[i]);
        b.ev(t, w, EventKind::Print, 0, b.str((std::string(" Process ") + names[i] + " waiting").c_str()));
        b.state(t, w, WorkerState::Sleeping);
    };
    auto end = [&](ProcId w, int i, double t) {
        b.ev(t, w, EventKind::Print, 0, b.str((std::string(" Process ") + names[i] + " Finished.").c_str()));
        b.ev(t, w, EventKind::TaskEnd, i, id[i]);
        b.state(t, w, WorkerState::Idle);
    };
    start(1, 0, 1);       // A 1 .. 5001
    start(2, 1, 2);       // B 2 .. 2002
    end(2, 1, 2002);
    start(2, 2, 2003);    // C 2003 .. 3003
    end(2, 2, 3003);
    start(2, 3, 3004);    // D 3004 .. 6004
    end(1, 0, 5001);
    end(2, 3, 6004);
    b.ev(6010, 1, EventKind::ProcExit, 0, 0).ev(6010, 2, EventKind::ProcExit, 0, 0);
    b.ev(6020, 0, EventKind::RunEnd);
}

std::vector<std::string> labels(const Trace& trace, const RowRecords& row) {
    std::vector<std::string> out;
    for (const auto& r : row.spans)
        if (r.label != kNoString) out.emplace_back(trace.string(r.label));
    return out;
}

const std::vector<Scenario::CodeLine> kPoolCode = {
    {"from multiprocessing import Pool", ""},
    {"def work_log(work_data):", "TaskStart"},
    {"    print(\" Process %s waiting %s seconds\")", "Print"},
    {"    time.sleep(int(work_data[1]))", "State:Sleeping"},
    {"    print(\" Process %s Finished.\")", "TaskEnd"},
    {"def pool_handler():", ""},
    {"    p.map(work_log, work)", "QueueGet"},
};

} // namespace

TEST_CASE("lanes of the pool demo show A on worker 1 and B, C, D on worker 2", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    TimelineIndex index;
    index.update(b.trace);
    Viewport vp{ms(0), ms(7000), 700};
    LaneRecords lanes = buildLanes(index, b.trace, vp);

    std::size_t w1 = lanes.laneOf(LaneKind::Proc, 1), w2 = lanes.laneOf(LaneKind::Proc, 2);
    REQUIRE(w1 < lanes.lanes.size());
    REQUIRE(w2 < lanes.lanes.size());
    CHECK(lanes.lanes[w1].title == "ForkPoolWorker-1");
    CHECK(lanes.lanes[w1].pid == 101);
    const RowRecords& tasks1 = lanes.lanes[w1].rows[2];
    const RowRecords& tasks2 = lanes.lanes[w2].rows[2];
    REQUIRE(tasks1.kind == RowKind::Tasks);
    CHECK(labels(b.trace, tasks1) == std::vector<std::string>{"A"});
    CHECK(labels(b.trace, tasks2) == std::vector<std::string>{"B", "C", "D"});
    // A spans 1 .. 5001 ms: 0.1 .. 500.1 px at 0.1 px per ms.
    CHECK(tasks1.spans[0].x0 == Approx(0.1f).margin(0.01));
    CHECK(tasks1.spans[0].x1 == Approx(500.1f).margin(0.01));
    CHECK(tasks2.spans[2].x0 == Approx(300.4f).margin(0.01));

    // The program row says sleeping during the task, idle after it, exited at the end.
    const RowRecords& prog1 = lanes.lanes[w1].rows[0];
    REQUIRE(!prog1.spans.empty());
    CHECK(prog1.spans.front().state == LaneState::Idle);
    CHECK(std::any_of(prog1.spans.begin(), prog1.spans.end(), [](const SpanRecord& r) {
        return r.state == LaneState::Sleeping && r.x1 - r.x0 > 490;
    }));
    CHECK(prog1.spans.back().state == LaneState::Exited);

    // Four put -> get arrows, all from the parent's lane.
    std::size_t parent = lanes.laneOf(LaneKind::Proc, 0);
    REQUIRE(lanes.arrows.size() == 4);
    for (const auto& a : lanes.arrows) CHECK(a.fromLane == parent);
    CHECK(std::count_if(lanes.arrows.begin(), lanes.arrows.end(), [&](const QueueArrow& a) { return a.toLane == w2; }) == 3);

    // The axis is in seconds of the run.
    REQUIRE(!lanes.ticks.empty());
    CHECK(lanes.ticks.front().label == "0 s");
    CHECK(lanes.ticks.front().x == Approx(0.0f));
}

TEST_CASE("condensed lanes (tasksOnly) keep the same task records and build no state rows, arrows or marks", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    TimelineIndex index;
    index.update(b.trace);
    Viewport vp{ms(0), ms(7000), 700};
    const LaneRecords full = buildLanes(index, b.trace, vp);
    vp.tasksOnly = true;
    const LaneRecords condensed = buildLanes(index, b.trace, vp);
    REQUIRE(condensed.lanes.size() == full.lanes.size());
    const std::size_t w2 = condensed.laneOf(LaneKind::Proc, 2);
    CHECK(labels(b.trace, condensed.lanes[w2].rows[2]) == std::vector<std::string>{"B", "C", "D"});
    CHECK(condensed.lanes[w2].rows[2].spans.size() == full.lanes[w2].rows[2].spans.size());
    CHECK(condensed.lanes[w2].rows[0].spans.empty());
    CHECK(condensed.arrows.empty());
    CHECK_FALSE(full.arrows.empty());
}

TEST_CASE("updating the index event by event gives the same lanes as one update", "[view]") {
    TraceBuilder full;
    poolDemo(full);
    TimelineIndex once;
    once.update(full.trace);

    TraceBuilder live;
    poolDemo(live);   // same strings and metadata; events replayed into a fresh trace below
    Trace growing;
    for (const auto& p : live.trace.meta().procs) growing.addProcess(p);
    for (const auto& o : live.trace.meta().objects) growing.addObject(o);
    TimelineIndex inc;
    for (std::size_t i = 0; i < live.trace.size(); ++i) {
        growing.append(live.trace[i]);
        if (i % 3 == 0) inc.update(growing, 2);   // a per-frame budget smaller than what arrived
    }
    int frames = 0;
    while (!inc.update(growing, 5)) ++frames;
    CHECK(frames > 0);
    REQUIRE(inc.consumed() == full.trace.size());

    Viewport vp{ms(0), ms(7000), 700};
    LaneRecords a = buildLanes(once, full.trace, vp), c = buildLanes(inc, growing, vp);
    REQUIRE(a.lanes.size() == c.lanes.size());
    for (std::size_t l = 0; l < a.lanes.size(); ++l)
        for (std::size_t r = 0; r < a.lanes[l].rows.size(); ++r) {
            const auto& x = a.lanes[l].rows[r].spans;
            const auto& y = c.lanes[l].rows[r].spans;
            REQUIRE(x.size() == y.size());
            for (std::size_t k = 0; k < x.size(); ++k) {
                CHECK(x[k].state == y[k].state);
                CHECK(x[k].x0 == y[k].x0);
                CHECK(x[k].x1 == y[k].x1);
            }
        }
}

TEST_CASE("the queue at time t holds the items not yet taken, in FIFO order", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    TimelineIndex index;
    index.update(b.trace);

    QueueView before = buildQueueView(index, b.trace, 0, ms(0.5));
    CHECK(before.name == "pool tasks");
    CHECK(before.putCount == 4);
    CHECK(before.takenCount == 0);
    REQUIRE(before.items.size() == 4);
    CHECK(before.items[0].value == "A");
    CHECK(before.items[3].value == "D");
    CHECK(before.items[0].putProc == 0);

    QueueView mid = buildQueueView(index, b.trace, 0, ms(2500));
    CHECK(mid.takenCount == 3);
    CHECK(mid.inQueue == 1);
    REQUIRE(mid.items.size() == 1);
    CHECK(mid.items[0].value == "D");
    REQUIRE(mid.hasLastGet);
    CHECK(mid.lastGet.getProc == 2);
    CHECK(b.trace.string(mid.lastGet.preview) == "C");

    QueueView after = buildQueueView(index, b.trace, 0, ms(7000));
    CHECK(after.items.empty());
    CHECK(after.takenCount == 4);
}

TEST_CASE("a queue's Empty raised many times is counted, all of them, with the last few kept for their times", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    // Twelve get_nowait()s on the empty queue, 10 ms apart (after the run, as a test can).
    for (int i = 0; i < 12; ++i) b.ev(6030 + 10 * i, 1, EventKind::QueueEmpty, 0);
    TimelineIndex index;
    index.update(b.trace);
    const QueueView v = buildQueueView(index, b.trace, 0, ms(8000));
    CHECK(v.emptyCount == 12);
    CHECK(v.fullCount == 0);
    CHECK(v.recentEmptyFull.size() == 8);   // the panel's tooltip: "(the last 8 of 12)"
    CHECK(buildQueueView(index, b.trace, 0, ms(6065)).emptyCount == 4);
}

TEST_CASE("the lock at time t has its owner and its waiters in order with running wait times", "[view]") {
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    for (int i = 1; i <= 3; ++i) b.trace.addProcess({"Process-" + std::to_string(i), ProcRole::Process});
    b.trace.addObject({parviz::ObjectKind::Lock, 0, "lock"});
    b.ev(0, 0, EventKind::RunStart);
    b.ev(0, 1, EventKind::ProcStart, 0, 201).ev(0, 2, EventKind::ProcStart, 0, 202).ev(0, 3, EventKind::ProcStart, 0, 203);
    b.ev(0, 1, EventKind::LockWait, 0).ev(0, 1, EventKind::LockAcquire, 0);
    b.ev(10, 2, EventKind::LockWait, 0);
    b.ev(20, 3, EventKind::LockWait, 0);
    b.ev(100, 1, EventKind::LockRelease, 0).ev(100, 2, EventKind::LockAcquire, 0);
    b.ev(200, 2, EventKind::ProcExit, 0, static_cast<std::uint64_t>(-9));   // killed holding it
    b.ev(250, 3, EventKind::LockAcquire, 0, 0, 0, 1).ev(250, 3, EventKind::LockOwnerDied, 0, 2);
    TimelineIndex index;
    index.update(b.trace);

    LockView at50 = buildLockView(index, b.trace, 0, ms(50));
    CHECK(at50.held);
    CHECK(at50.ownerName == "Process-1");
    CHECK(at50.ownerPid == 201);
    CHECK(at50.ownerSince == ms(0));
    REQUIRE(at50.waiters.size() == 2);
    CHECK(at50.waiters[0].name == "Process-2");
    CHECK(at50.waiters[0].waitedNs == 40'000'000);
    CHECK(at50.waiters[1].name == "Process-3");
    CHECK(at50.waiters[1].waitedNs == 30'000'000);

    LockView at150 = buildLockView(index, b.trace, 0, ms(150));
    CHECK(at150.owner == 2);
    REQUIRE(at150.waiters.size() == 1);
    CHECK(at150.waiters[0].proc == 3);
    CHECK(at150.waiters[0].waitedNs == 130'000'000);
    auto total = [&](const LockView& v, ProcId p) {
        for (const auto& t : v.totals)
            if (t.proc == p) return t.totalNs;
        return std::int64_t{-1};
    };
    CHECK(total(at150, 2) == 90'000'000);
    CHECK(at150.ownerDied.empty());

    LockView at300 = buildLockView(index, b.trace, 0, ms(300));
    CHECK(at300.owner == 3);
    CHECK(at300.waiters.empty());
    CHECK(total(at300, 3) == 230'000'000);
    REQUIRE(at300.ownerDied.size() == 1);
    CHECK(at300.ownerDied[0].deadOwner == 2);
    CHECK(at300.acquisitions == 3);

    // The lane of the killed owner ends Killed; the waiters' program rows show the wait.
    LaneRecords lanes = buildLanes(index, b.trace, Viewport{ms(0), ms(300), 300});
    const Lane& p2 = lanes.lanes[lanes.laneOf(LaneKind::Proc, 2)];
    CHECK(p2.rows[0].spans.back().state == LaneState::Killed);
    CHECK(std::any_of(p2.rows[0].spans.begin(), p2.rows[0].spans.end(),
                      [](const SpanRecord& r) { return r.state == LaneState::WaitLock; }));
    CHECK(std::any_of(p2.rows[3].spans.begin(), p2.rows[3].spans.end(),
                      [](const SpanRecord& r) { return r.state == LaneState::HoldLock; }));
    CHECK(std::count_if(lanes.lockMarks.begin(), lanes.lockMarks.end(),
                        [](const LockMark& m) { return m.kind == LockMarkKind::OwnerDied; }) == 1);

    Caption c = buildCaption(index, b.trace, ms(100));
    CHECK(c.text == "Process-2 acquired the lock");
}

TEST_CASE("each worker's code line at time t follows its latest anchored event", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    TimelineIndex index;
    index.update(b.trace);
    auto lineOf = [&](std::int64_t t, ProcId p) {
        for (const auto& m : buildCodeView(index, b.trace, kPoolCode, t).markers)
            if (m.proc == p) return m.line;
        return -2;
    };
    CHECK(lineOf(ms(1000), 1) == 3);   // sleeping in A
    CHECK(lineOf(ms(1000), 2) == 3);   // sleeping in B
    CHECK(lineOf(ms(2002), 2) == 4);   // B finished (its Idle state has no line)
    CHECK(lineOf(ms(2003), 2) == 3);   // took C, started it, printed, sleeping
    CHECK(lineOf(ms(0.5), 1) == -2);   // nothing anchored yet
    CHECK(lineOf(ms(7000), 1) == -2);  // exited: no line (the listing does not anchor ProcExit)
}

TEST_CASE("the caption tells the latest meaningful event at time t", "[view]") {
    TraceBuilder b;
    poolDemo(b);
    TimelineIndex index;
    index.update(b.trace);
    CHECK(!buildCaption(index, b.trace, ms(-1)).valid);
    Caption c = buildCaption(index, b.trace, ms(2002.5));
    CHECK(c.text == "ForkPoolWorker-2 finished B");
    CHECK(c.proc == 2);
    // At 2003 ms the last event is the print; the take comes first.
    CHECK(buildCaption(index, b.trace, ms(2003)).text == "ForkPoolWorker-2 printed \" Process C waiting\"");
    // The four puts at the same instant are one step (explain.hpp's sameStep), said as one.
    CHECK(buildCaption(index, b.trace, ms(0)).text ==
          "MainProcess put D into the queue (the last of 4 such events at the same instant)");

    // A get carries no preview: the caption names the value its put recorded.
    TraceBuilder q;
    q.trace.addProcess({"MainProcess", ProcRole::Parent});
    q.trace.addProcess({"Process-1", ProcRole::Process});
    q.trace.addObject({parviz::ObjectKind::Queue, 0, "tasks"});
    q.ev(0, 0, EventKind::QueuePut, 0, 7, q.str("hello"));
    q.ev(5, 1, EventKind::QueueGet, 0, 7, kNoString);
    q.ev(6, 1, EventKind::QueueGet, 0, 8, kNoString);   // a get whose put was never seen
    TimelineIndex qi;
    qi.update(q.trace);
    CHECK(buildCaption(qi, q.trace, ms(5)).text == "Process-1 took hello from the queue");
    CHECK(buildCaption(qi, q.trace, ms(6)).text == "Process-1 took #8 from the queue");

    OutputView out = buildOutputView(index, b.trace, ms(2002.5));
    CHECK(out.total == 3);
    REQUIRE(out.lines.size() == 3);
    CHECK(out.lines[2].text == " Process B Finished.");
    CHECK(out.lines[2].proc == 2);
}

TEST_CASE("the caption counts a long run of puts up to a bound, so building it does not grow with the run", "[view]") {
    // A parent's puts 1 us apart are one step group (sameStep); the caption is
    // built every frame, so it counts at most 10 000 of them and says so.
    auto captionAfter = [](int puts) {
        TraceBuilder q;
        q.trace.addProcess({"MainProcess", ProcRole::Parent});
        q.trace.addObject({parviz::ObjectKind::Queue, 0, "jobs"});
        q.ev(0, 0, EventKind::RunStart);
        const std::uint64_t v = q.str("job");
        for (int i = 0; i < puts; ++i) q.ev(0.001 * i, 0, EventKind::QueuePut, 0, static_cast<std::uint64_t>(i + 1), v);
        q.ev(2000, 0, EventKind::RunEnd);
        TimelineIndex qi;
        qi.update(q.trace);
        return buildCaption(qi, q.trace, ms(0.001 * (puts - 1)));
    };
    const Caption exact = captionAfter(10'000);
    CHECK(exact.grouped == 10'000);
    CHECK(exact.text == "MainProcess put job into the queue (the last of 10000 such events at the same instant)");
    const Caption bounded = captionAfter(25'000);
    CHECK(bounded.grouped == 10'000);
    CHECK(bounded.text.rfind("MainProcess put job into the queue (the last of more than 10 000 such events in a row, each "
                             "within ", 0) == 0);
}

TEST_CASE("open spans extend to now", "[view]") {
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"Process-1", ProcRole::Process});
    b.ev(0, 0, EventKind::RunStart);
    b.state(100, 1, WorkerState::Running);
    b.ev(100, 1, EventKind::CoreIn, 0);
    b.ev(500, 0, EventKind::Print, 0, b.str("tick"));
    TimelineIndex index;
    index.update(b.trace);
    CHECK(index.now() == ms(500));

    LaneRecords lanes = buildLanes(index, b.trace, Viewport{ms(0), ms(1000), 1000});
    const Lane& p1 = lanes.lanes[lanes.laneOf(LaneKind::Proc, 1)];
    REQUIRE(p1.rows[0].spans.size() == 1);
    CHECK(p1.rows[0].spans[0].state == LaneState::Running);
    CHECK(p1.rows[0].spans[0].x0 == Approx(100));
    CHECK(p1.rows[0].spans[0].x1 == Approx(500));
    const Lane& cpu0 = lanes.lanes[lanes.laneOf(LaneKind::Core, 0)];
    REQUIRE(cpu0.rows[0].spans.size() == 1);
    CHECK(cpu0.rows[0].spans[0].proc == 1);
    CHECK(cpu0.rows[0].spans[0].x1 == Approx(500));

    SECTION("a later 'now' from the window stretches them further") {
        Viewport vp{ms(0), ms(1000), 1000};
        vp.now = ms(800);
        LaneRecords l2 = buildLanes(index, b.trace, vp);
        CHECK(l2.lanes[l2.laneOf(LaneKind::Proc, 1)].rows[1].spans[0].x1 == Approx(800));
    }
}

TEST_CASE("preempted processes are runnable until their next core, and pauses show as stopped", "[view]") {
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"Process-1", ProcRole::Process});
    b.ev(0, 0, EventKind::RunStart);
    b.state(0, 1, WorkerState::Running);
    b.ev(0, 1, EventKind::CoreIn, 1);
    b.ev(100, 1, EventKind::CoreOut, 1, 0, 0, 1);   // preempted
    b.ev(150, 0, EventKind::CoreLoad, 1, 50'000'000, 100'000'000);
    b.ev(200, 1, EventKind::CoreIn, 0);
    b.ev(300, 0, EventKind::RunPause);
    b.ev(300, 1, EventKind::CoreOut, 0);
    b.ev(600, 0, EventKind::RunResume);
    b.ev(1000, 0, EventKind::RunEnd);
    TimelineIndex index;
    index.update(b.trace);
    LaneRecords lanes = buildLanes(index, b.trace, Viewport{ms(0), ms(1000), 1000});

    const Lane& p1 = lanes.lanes[lanes.laneOf(LaneKind::Proc, 1)];
    const auto& os = p1.rows[1].spans;
    REQUIRE(os.size() == 3);
    CHECK(os[0].state == LaneState::OnCore);
    CHECK(os[1].state == LaneState::Runnable);
    CHECK(os[1].x0 == Approx(100));
    CHECK(os[1].x1 == Approx(200));
    CHECK(os[2].state == LaneState::OnCore);

    const auto& prog = p1.rows[0].spans;
    REQUIRE(prog.size() == 3);
    CHECK(prog[1].state == LaneState::Stopped);
    CHECK(prog[1].x0 == Approx(300));
    CHECK(prog[1].x1 == Approx(600));
    CHECK(prog[2].state == LaneState::Running);

    REQUIRE(lanes.pauses.size() == 1);
    CHECK(lanes.pauses[0].x0 == Approx(300));
    CHECK(lanes.pauses[0].x1 == Approx(600));

    // The core's 50 ms busy in [50, 150] ms is Process-1's own (on core 1 to
    // 100 ms): the run's, so no other program is hatched there.
    const Lane& cpu1 = lanes.lanes[lanes.laneOf(LaneKind::Core, 1)];
    CHECK(cpu1.rows[1].spans.empty());
}

TEST_CASE("the CPU lanes hatch other programs as Stats counts them: the samples less the run's own processes",
          "[view][cores]") {
    // Newcomer walk (cpu-count): the CPU lanes were hatched "other programs"
    // beside Stats' "0% other": the hatch drew the samples' busy time, the
    // run's own processes in it, and a sample at 0 % at all.
    auto tr = test::tutorialPoolTrace();   // core 0: 1.5 s busy in [0, 2] s, 1 s of it ForkPoolWorker-1's
    TimelineIndex index;
    index.update(*tr);
    const RunStats st = computeStats(index, *tr);
    REQUIRE(st.cores.size() >= 1);
    REQUIRE(st.cores[0].otherShare);
    CHECK(*st.cores[0].otherShare == Approx(0.25));
    LaneRecords lanes = buildLanes(index, *tr, Viewport{test::kZero, test::kZero + test::sec(6.2), 620});
    const Lane& cpu0 = lanes.lanes[lanes.laneOf(LaneKind::Core, 0)];
    REQUIRE(cpu0.rows[1].kind == RowKind::CoreLoad);
    REQUIRE(cpu0.rows[1].spans.size() == 1);
    CHECK(cpu0.rows[1].spans[0].fraction == Approx(0.25f));   // 0.75 before: the worker's own second counted
    // A sample whose busy time is all the run's (or under 0.5 %): no hatch at all.
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"Process-1", ProcRole::Process});
    b.ev(0, 0, EventKind::RunStart);
    b.ev(0, 1, EventKind::CoreIn, 0);
    b.ev(100, 1, EventKind::CoreOut, 0);
    b.ev(100, 0, EventKind::CoreLoad, 0, 100'000'000, 100'000'000);   // [0, 100] ms: all Process-1's
    b.ev(100, 0, EventKind::CoreLoad, 1, 400'000, 100'000'000);       // [0, 100] ms: 0.4 %, Stats' "0%"
    b.ev(100, 0, EventKind::RunEnd);
    TimelineIndex small;
    small.update(b.trace);
    const LaneRecords two = buildLanes(small, b.trace, Viewport{ms(0), ms(100), 100});
    CHECK(two.lanes[two.laneOf(LaneKind::Core, 0)].rows[1].spans.empty());
    CHECK(two.lanes[two.laneOf(LaneKind::Core, 1)].rows[1].spans.empty());
}

TEST_CASE("worker colours follow the Okabe-Ito order and the parent is grey", "[view]") {
    CHECK(procColourIndex(kParentProc) == -1);
    CHECK(procColour(1).r == 230);   // orange
    CHECK(procColour(2).b == 233);   // sky blue
    CHECK(procColour(8).r == procColour(1).r);
}

TEST_CASE("lines sharing an anchor are taken in listing order, and an exit marks the join line", "[view]") {
    const std::vector<Scenario::CodeLine> code = {
        {"def worker():", "ProcStart"},
        {"    print('start')", "Print"},
        {"    time.sleep(1)", "State:Sleeping"},
        {"    print('end')", "Print"},
        {"p.join()", "ProcExit"},
    };
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"Process-1", ProcRole::Process});
    b.ev(0, 1, EventKind::ProcStart, 0, 7);
    b.ev(1, 1, EventKind::Print, 0, b.str("start"));
    b.state(2, 1, WorkerState::Sleeping);
    b.ev(3, 1, EventKind::Print, 0, b.str("end"));
    b.ev(4, 1, EventKind::ProcExit, 0, 0);
    TimelineIndex index;
    index.update(b.trace);
    auto line = [&](double t) {
        CodeView v = buildCodeView(index, b.trace, code, ms(t));
        return v.markers.empty() ? -1 : v.markers[0].line;
    };
    CHECK(line(0) == 0);
    CHECK(line(1) == 1);
    CHECK(line(2) == 2);
    CHECK(line(3) == 3);
    CHECK(line(4) == 4);
}

TEST_CASE("a waiter killed while it waits for the lock stops waiting: not listed, not drawn waiting", "[view]") {
    // issue 11 finding 5: parviz gui lock --kill-worker Process-2@0.15
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    for (int i = 1; i <= 2; ++i) b.trace.addProcess({"Process-" + std::to_string(i), ProcRole::Process});
    b.trace.addObject({parviz::ObjectKind::Lock, 0, "lock"});
    b.ev(0, 0, EventKind::RunStart);
    b.ev(0, 1, EventKind::ProcStart, 0, 201).ev(0, 2, EventKind::ProcStart, 0, 202);
    b.ev(0, 1, EventKind::LockWait, 0).ev(0, 1, EventKind::LockAcquire, 0);
    b.ev(10, 2, EventKind::LockWait, 0).state(10, 2, WorkerState::WaitLock);
    b.ev(50, 2, EventKind::ProcExit, 0, static_cast<std::uint64_t>(-9));   // killed while waiting
    b.ev(100, 1, EventKind::LockRelease, 0);
    b.ev(120, 1, EventKind::ProcExit, 0, 0);
    b.ev(130, 0, EventKind::RunEnd);
    TimelineIndex index;
    index.update(b.trace);

    const LockView at30 = buildLockView(index, b.trace, 0, ms(30));
    REQUIRE(at30.waiters.size() == 1);
    CHECK(at30.waiters[0].waitedNs == 20'000'000);
    const LockView at110 = buildLockView(index, b.trace, 0, ms(110));
    CHECK(at110.waiters.empty());
    // Its total wait ends when it died.
    const auto p2total = std::find_if(at110.totals.begin(), at110.totals.end(), [](const LockWaitTotal& w) { return w.proc == 2; });
    REQUIRE(p2total != at110.totals.end());
    CHECK(p2total->totalNs == 40'000'000);

    LaneRecords lanes = buildLanes(index, b.trace, Viewport{ms(0), ms(130), 130});
    const Lane& p2 = lanes.lanes[lanes.laneOf(LaneKind::Proc, 2)];
    const SpanRecord& last = p2.rows[0].spans.back();
    CHECK(last.state == LaneState::Killed);
    for (const SpanRecord& r : p2.rows[0].spans)
        if (r.state == LaneState::WaitLock) CHECK(r.x1 <= 51);   // the wait ends at 50 ms (1 px per ms)
}

TEST_CASE("a caption names a value by its text, without the bytes after it", "[view]") {
    // issue 11 finding 6: "MainProcess took C?" — a pool result's preview is
    // the task's name, a NUL, then pickled bytes.
    TraceBuilder q;
    q.trace.addProcess({"MainProcess", ProcRole::Parent});
    q.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    q.trace.addObject({parviz::ObjectKind::Queue, 0, "pool results"});
    const std::string preview("C\0\x80\x04\x95", 5);
    q.ev(0, 1, EventKind::QueuePut, 0, 7, q.trace.addString(preview));
    q.ev(5, 0, EventKind::QueueGet, 0, 7, kNoString);
    TimelineIndex qi;
    qi.update(q.trace);
    CHECK(buildCaption(qi, q.trace, ms(0)).text == "ForkPoolWorker-1 put C into the queue");
    // The pool's result queue is emptied by the parent's result handler, not
    // the caller (Why says what the program has received): said apart.
    CHECK(buildCaption(qi, q.trace, ms(5)).text == "MainProcess's result-handler thread took C from the queue (not yet handed to the program)");
}

TEST_CASE("the caption says when a worker was stopped from outside, and shows the run's notes", "[view]") {
    Trace tr;
    tr.addProcess({"MainProcess", ProcRole::Parent});
    tr.addProcess({"Process-1", ProcRole::Process});
    const std::int64_t z = 1'000'000'000'000;
    const auto note = tr.addString("Process-1 (pid 42) was stopped from outside (SIGSTOP): the run waits for it.");
    tr.append(Event{z, 0, EventKind::RunStart, 0, 0, 2, 2});
    tr.append(Event{z + 10, 1, EventKind::ProcStart, 0, 0, 42, 0});
    tr.append(Event{z + 20, 1, EventKind::ProcStopped, 0, 0, 0, 0});   // a pause's: no caption
    tr.append(Event{z + 30, 1, EventKind::ProcStopped, 1, 0, 0, 0});   // from outside
    tr.append(Event{z + 40, 0, EventKind::Note, 0, 0, note, 0});
    tr.append(Event{z + 50, 1, EventKind::ProcContinued, 1, 0, 0, 0});
    TimelineIndex index;
    index.update(tr);
    CHECK(buildCaption(index, tr, z + 25).text == "Process-1 started (pid 42)");
    CHECK(buildCaption(index, tr, z + 35).text == "Process-1 was stopped from outside (SIGSTOP): the run waits for it");
    CHECK(buildCaption(index, tr, z + 45).text == "Process-1 (pid 42) was stopped from outside (SIGSTOP): the run waits for it.");
    CHECK(buildCaption(index, tr, z + 55).text == "Process-1 runs again (continued from outside)");
}

TEST_CASE("the activity profile counts cores running workers, other programs and idle, per bin", "[view]") {
    // Two cores over 100 px: core 0 runs a worker over [0, 50) and another over
    // [75, 100); core 1 has other programs at 40 % over [0, 100) and a worker over [50, 100).
    LaneRecords recs;
    Lane c0{LaneKind::Core, 0, "CPU 0", 0, {}};
    c0.rows.push_back({RowKind::CoreProcs, {SpanRecord{0, 50, LaneState::OnCore, 1}, SpanRecord{75, 100, LaneState::OnCore, 2}}});
    c0.rows.push_back({RowKind::CoreLoad, {}});
    Lane c1{LaneKind::Core, 1, "CPU 1", 0, {}};
    c1.rows.push_back({RowKind::CoreProcs, {SpanRecord{50, 100, LaneState::OnCore, 2}}});
    SpanRecord load{0, 100, LaneState::Busy, 0};
    load.fraction = 0.4f;
    c1.rows.push_back({RowKind::CoreLoad, {load}});
    recs.lanes = {c0, c1, Lane{LaneKind::Proc, 1, "ForkPoolWorker-1", 0, {}}};
    std::vector<ActivityBin> bins;
    buildActivity(recs, 100, 25, bins);
    REQUIRE(bins.size() == 4);
    // [0, 25): core 0 worker; core 1 other 0.4, idle 0.6.
    CHECK(bins[0].workers == Approx(1));
    CHECK(bins[0].other == Approx(0.4));
    CHECK(bins[0].idle == Approx(0.6));
    // [50, 75): core 0 idle; core 1 worker, and other programs only what the worker left (none).
    CHECK(bins[2].workers == Approx(1));
    CHECK(bins[2].other == Approx(0));
    CHECK(bins[2].idle == Approx(1));
    // [75, 100): both cores run workers.
    CHECK(bins[3].workers == Approx(2));
    CHECK(bins[3].idle == Approx(0));
    // A bin half covered counts half a core.
    buildActivity(recs, 100, 100, bins);
    REQUIRE(bins.size() == 1);
    CHECK(bins[0].workers == Approx(0.75 + 0.5));
    for (const ActivityBin& b : bins) CHECK(b.workers + b.other + b.idle == Approx(2));
}

TEST_CASE("the activity profile shows parviz's own threads apart from other programs, and never more than the cores", "[view]") {
    // One core over 100 px: a worker over [0, 50); parviz's own threads 30 % over
    // [0, 100); other programs 50 % over [0, 100).
    LaneRecords recs;
    Lane c0{LaneKind::Core, 0, "CPU 0", 0, {}};
    c0.rows.push_back({RowKind::CoreProcs, {SpanRecord{0, 50, LaneState::OnCore, 1}}});
    SpanRecord other{0, 100, LaneState::Busy, 0};
    other.fraction = 0.5f;
    c0.rows.push_back({RowKind::CoreLoad, {other}});
    SpanRecord own{0, 100, LaneState::Busy, 0};
    own.fraction = 0.3f;
    c0.ownLoad = {own};
    recs.lanes = {c0};
    std::vector<ActivityBin> bins;
    buildActivity(recs, 100, 50, bins);
    REQUIRE(bins.size() == 2);
    // [0, 50): the worker has the core; nothing is left for anyone else.
    CHECK(bins[0].workers == Approx(1));
    CHECK(bins[0].parviz == Approx(0));
    CHECK(bins[0].other == Approx(0));
    // [50, 100): parviz 0.3, other programs 0.5, idle 0.2.
    CHECK(bins[1].workers == Approx(0));
    CHECK(bins[1].parviz == Approx(0.3));
    CHECK(bins[1].other == Approx(0.5));
    CHECK(bins[1].idle == Approx(0.2));
    // Samples that add up to more than the core (sampling noise): capped, in order.
    recs.lanes[0].ownLoad[0].fraction = 0.8f;
    buildActivity(recs, 100, 50, bins);
    CHECK(bins[1].parviz == Approx(0.8));
    CHECK(bins[1].other == Approx(0.2));
    CHECK(bins[1].idle == Approx(0));
}

TEST_CASE("a line that gets and then prints keeps the marker after its print, not another line that prints", "[view]") {
    // The queue demo's pop loop, print(queue.get()): after its last print the
    // marker stayed on the push loop's print line (a newcomer's finding).
    const std::vector<Scenario::CodeLine> code = {
        {"for color in colors:", ""},
        {"    print('item no: ', cnt, ' ', color)", "Print"},
        {"    queue.put(color)", "QueuePut"},
        {"while not queue.empty():", ""},
        {"    print('item no: ', cnt, ' ', queue.get())", "QueueGet,Print"},
    };
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    double t = 0;
    for (int i = 0; i < 3; ++i) {
        b.ev(t += 1, 0, EventKind::Print, 0, b.str(("item no: " + std::to_string(i)).c_str()));
        b.ev(t += 1, 0, EventKind::QueuePut, 0, static_cast<std::uint64_t>(i + 1));
    }
    const double pushed = t;
    for (int i = 0; i < 3; ++i) {
        b.ev(t += 1, 0, EventKind::QueueGet, 0, static_cast<std::uint64_t>(i + 1));
        b.ev(t += 1, 0, EventKind::Print, 0, b.str(("item no: " + std::to_string(i)).c_str()));
    }
    TimelineIndex index;
    index.update(b.trace);
    auto line = [&](double at) {
        CodeView v = buildCodeView(index, b.trace, code, ms(at));
        return v.markers.empty() ? -1 : v.markers[0].line;
    };
    CHECK(line(1) == 1);            // the push loop's print
    CHECK(line(2) == 2);            // its put
    CHECK(line(pushed - 1) == 1);   // the push loop's print again, the third time
    CHECK(line(pushed + 1) == 4);   // the first get
    CHECK(line(pushed + 2) == 4);   // its print: the same line
    CHECK(line(t) == 4);            // the end: still the pop loop
}

TEST_CASE("a Tasks row's words: a chunk's label stands for its tasks' names where it fits, names elsewhere, none over another",
          "[views][chunks]") {
    // 10 px a character, 2 px of pad each side.
    const auto width = [](const std::string& t) { return 10.0f * static_cast<float>(t.size()); };
    // Chunk 0 (A, B) is wide enough for "chunk 0: A-B" (120 px); chunk 1 (C, D) only for "chunk 1".
    const std::vector<RowSpanIn> spans = {{0, 80, "A"}, {80, 160, "B"}, {160, 200, "C"}, {200, 240, "D"}, {240, 250, "E"}};
    const std::vector<RowChunkIn> chunks = {{0, 160, {"chunk 0: A-B", "chunk 0"}}, {160, 240, {"chunk 1: C-D", "chunk 1"}}};
    const std::vector<RowWord> w = placeRowWords(spans, chunks, width, 2);
    REQUIRE(w.size() == 2);
    CHECK(w[0].text == "chunk 0: A-B");
    CHECK(w[0].chunk == 0);
    CHECK(w[0].x0 == 20);
    CHECK(w[0].x1 == 140);
    CHECK(w[1].text == "chunk 1");
    CHECK(w[1].chunk == 1);
    // A, B, C, D are under their chunks' labels; E (10 px) has no room for its name.
    for (const RowWord& x : w) CHECK(x.span == SIZE_MAX);
    // Without chunks every name that fits is centred on its span.
    const std::vector<RowWord> names = placeRowWords(spans, {}, width, 2);
    REQUIRE(names.size() == 4);
    CHECK(names[0].text == "A");
    CHECK(names[0].x0 == 35);
    CHECK(names[3].text == "D");
    // A chunk too narrow for any of its words leaves its tasks' names.
    const std::vector<RowWord> narrow = placeRowWords(spans, {{160, 240, {"chunk 1: C-D", "chunk 1 of 9"}}}, width, 2);
    bool c = false, d = false;
    for (const RowWord& x : narrow) {
        c = c || x.text == "C";
        d = d || x.text == "D";
        CHECK(x.chunk == SIZE_MAX);
    }
    CHECK(c);
    CHECK(d);
    // No two words overlap.
    for (std::size_t i = 0; i < w.size(); ++i)
        for (std::size_t j = i + 1; j < w.size(); ++j) CHECK((w[i].x1 <= w[j].x0 || w[j].x1 <= w[i].x0));
    // One task in touching pieces is named once, centred on the whole ("T8 T8" mid-run).
    const std::vector<RowWord> pieces = placeRowWords({{0, 60, "T8"}, {60, 140, "T8"}, {140, 200, "T9"}}, {}, width, 2);
    REQUIRE(pieces.size() == 2);
    CHECK(pieces[0].text == "T8");
    CHECK(pieces[0].x0 == 60);   // (0 + 140 - 20) / 2
    CHECK(pieces[1].text == "T9");
    // A chunk of one task labelled by the task's name: the span does not say it again.
    const std::vector<RowWord> one = placeRowWords({{0, 30, "T8"}, {30, 100, "T8"}}, {{20, 100, {"chunk 8: T8", "T8"}}}, width, 2);
    REQUIRE(one.size() == 1);
    CHECK(one[0].text == "T8");
    CHECK(one[0].chunk == 0);
}

TEST_CASE("a task bar carries the runnable style where its worker waited for a core, by majority at any zoom", "[view]") {
    // Issue 11 (LESSON step 4): 8 CPU workers on 2 cores spend most of their
    // tasks runnable without a core; the lane's own task bar must say so,
    // also at Fit zoom where every context switch is narrower than a pixel.
    TraceBuilder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    const std::uint64_t name = b.str("A");
    b.ev(0, 0, EventKind::RunStart);
    b.ev(0, 1, EventKind::TaskStart, 0, name);
    // 0-100 ms on a core, 100-400 ms runnable (preempted), 400-500 on a core.
    b.ev(0, 1, EventKind::CoreIn, 0);
    b.ev(100, 1, EventKind::CoreOut, 0, 0, 0, 1);
    b.ev(400, 1, EventKind::CoreIn, 1);
    // 500-900 ms: 1 ms on a core, 3 ms runnable, over and over (the real
    // scheduler's slices), then on a core to the end.
    b.ev(500, 1, EventKind::CoreOut, 1, 0, 0, 1);
    for (int k = 0; k < 100; ++k) {
        b.ev(503 + 4 * k, 1, EventKind::CoreIn, k % 2);
        b.ev(504 + 4 * k, 1, EventKind::CoreOut, k % 2, 0, 0, 1);
    }
    b.ev(900, 1, EventKind::CoreIn, 0);
    b.ev(1000, 1, EventKind::TaskEnd, 0, name);
    b.ev(1000, 1, EventKind::CoreOut, 0);
    b.ev(1000, 0, EventKind::RunEnd);
    TimelineIndex index;
    index.update(b.trace);

    SECTION("zoomed in, every runnable stretch inside the task is a runnable record") {
        LaneRecords lanes = buildLanes(index, b.trace, Viewport{ms(0), ms(1000), 100000});
        const Lane& w = lanes.lanes[lanes.laneOf(LaneKind::Proc, 1)];
        REQUIRE(w.runnable.size() >= 2);
        CHECK(w.runnable[0].state == LaneState::Runnable);
        CHECK(w.runnable[0].proc == 1);
        CHECK(w.runnable[0].x0 == Approx(10000));
        CHECK(w.runnable[0].x1 == Approx(40000));
        CHECK(w.runnable[0].fraction == Approx(1.0f));
        // Nothing runnable is drawn where the worker was on a core.
        for (const SpanRecord& r : w.runnable) {
            CHECK_FALSE((r.x0 < 10000 - 1));
            CHECK_FALSE((r.x0 >= 40000 && r.x1 <= 50000));
        }
    }
    SECTION("at Fit zoom (a pixel is 1 ms: every slice merges), the 3-of-4 runnable stretch still reads runnable") {
        Viewport vp{ms(0), ms(1000), 1000};
        vp.minSpanPx = 8;   // 8 ms per merged record: two slices and more
        LaneRecords lanes = buildLanes(index, b.trace, vp);
        const Lane& w = lanes.lanes[lanes.laneOf(LaneKind::Proc, 1)];
        float runnablePx = 0, inSlices = 0;
        for (const SpanRecord& r : w.runnable) {
            CHECK(r.state == LaneState::Runnable);
            CHECK(r.fraction >= 0.5f);
            runnablePx += r.x1 - r.x0;
            inSlices += std::max(0.0f, std::min(r.x1, 900.0f) - std::max(r.x0, 500.0f));
        }
        // 100-400 (300 px) and most of 500-900 (400 px): far more than the
        // on-core stretches, and never the last 100 ms on a core.
        CHECK(inSlices >= 350);
        CHECK(runnablePx >= 600);
        for (const SpanRecord& r : w.runnable) CHECK(r.x1 <= 905);
    }
    SECTION("condensed lanes (Compare rows) build none") {
        Viewport vp{ms(0), ms(1000), 1000};
        vp.tasksOnly = true;
        LaneRecords lanes = buildLanes(index, b.trace, vp);
        CHECK(lanes.lanes[lanes.laneOf(LaneKind::Proc, 1)].runnable.empty());
    }
}

TEST_CASE("a lane row's hover title never says 'its tasks' over a row with no task", "[view][words]") {
    // The newcomer's walk: "MainProcess: its tasks" over MainProcess's empty row.
    RowRecords tasks;
    tasks.kind = RowKind::Tasks;
    CHECK(rowHoverTitle("MainProcess", tasks, false) == "MainProcess: no task in view (a task is a call a Pool's worker runs)");
    tasks.spans.push_back(SpanRecord{});
    CHECK(rowHoverTitle("MainProcess", tasks, false) == "MainProcess: no task at this moment");
    CHECK(rowHoverTitle("ForkPoolWorker-1", tasks, true) == "ForkPoolWorker-1: its tasks");
    RowRecords program;
    program.kind = RowKind::Program;
    CHECK(rowHoverTitle("MainProcess", program, false) == "MainProcess: what it is doing");   // not "the worker"
}

namespace {

// A traced program as my_pool.py runs it: a producer and a consumer
// (Processes) that end, then two pool workers. The second worker's ProcStart
// is not seen: it starts at its first event. ms(t) times; ms(-1): no exit.
void producerConsumerThenPool(TraceBuilder& b, bool secondWorkerExits) {
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"producer", ProcRole::Process});        // 1: 0 .. 100
    b.trace.addProcess({"consumer", ProcRole::Process});        // 2: 0 .. 120
    b.trace.addProcess({"logger", ProcRole::Process});          // 3: 0 .. 250, overlaps the pool
    b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});   // 4: 200 .. 400
    b.trace.addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});   // 5: 210 (first event) ..
    b.ev(0, 0, EventKind::RunStart, 0, 1, 2);
    b.ev(0, 1, EventKind::ProcStart, 0, 101).ev(0, 2, EventKind::ProcStart, 0, 102).ev(0, 3, EventKind::ProcStart, 0, 103);
    b.ev(100, 1, EventKind::ProcExit, 0, 0);
    b.ev(120, 2, EventKind::ProcExit, 0, 0);
    b.ev(200, 4, EventKind::ProcStart, 0, 104);
    b.state(210, 5, WorkerState::Running);
    b.ev(250, 3, EventKind::ProcExit, 0, 0);
    b.ev(400, 4, EventKind::ProcExit, 0, 0);
    if (secondWorkerExits) b.ev(450, 5, EventKind::ProcExit, 0, 0);
}

std::vector<ProcId> finishedAt(const TraceBuilder& b, double tMs) {
    TimelineIndex index;
    index.update(b.trace);
    return finishedBefore(index, b.trace.meta(), ms(tMs));
}

} // namespace

TEST_CASE("processes that ended before a later one started are the finished ones, at the cursor", "[view][finished]") {
    TraceBuilder b;
    producerConsumerThenPool(b, false);
    using Procs = std::vector<ProcId>;

    SECTION("once the pool has started, the producer and consumer are finished; the logger still ran then") {
        CHECK(finishedAt(b, 300) == Procs{1, 2});
        // The first pool worker's start alone is enough.
        CHECK(finishedAt(b, 205) == Procs{1, 2});
    }
    SECTION("the cursor before the later starts unfolds them") {
        CHECK(finishedAt(b, 150).empty());   // ended, but nothing started after them yet
        CHECK(finishedAt(b, 199).empty());
        CHECK(finishedAt(b, 50).empty());    // still running
    }
    SECTION("a process still running, or one that outlived every later start, is not finished") {
        // At the end worker 1 has exited (400) after worker 2 started (210); worker 2 never exits.
        CHECK(finishedAt(b, 1000) == Procs{1, 2});
    }
}

TEST_CASE("a process that ended is finished only before a later start, and one process never is", "[view][finished]") {
    using Procs = std::vector<ProcId>;
    SECTION("one process: nothing started after it") {
        TraceBuilder b;
        b.trace.addProcess({"MainProcess", ProcRole::Parent});
        b.trace.addProcess({"worker", ProcRole::Process});
        b.ev(0, 0, EventKind::RunStart, 0, 1, 2);
        b.ev(10, 1, EventKind::ProcStart, 0, 101);
        b.ev(100, 1, EventKind::ProcExit, 0, 0);
        b.ev(500, 0, EventKind::RunEnd);
        CHECK(finishedAt(b, 50).empty());
        CHECK(finishedAt(b, 1000).empty());
    }
    SECTION("a start known only from a process's first event counts") {
        // The pool worker's ProcStart was not seen: it started at its first event (200).
        TraceBuilder b;
        b.trace.addProcess({"MainProcess", ProcRole::Parent});
        b.trace.addProcess({"producer", ProcRole::Process});
        b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
        b.ev(0, 0, EventKind::RunStart, 0, 1, 2);
        b.ev(0, 1, EventKind::ProcStart, 0, 101);
        b.ev(100, 1, EventKind::ProcExit, 0, 0);
        b.state(200, 2, WorkerState::Running);
        CHECK(finishedAt(b, 300) == Procs{1});
        CHECK(finishedAt(b, 150).empty());
    }
    SECTION("every process ended: the ones that ended by the last start") {
        TraceBuilder b;
        producerConsumerThenPool(b, true);
        CHECK(finishedAt(b, 1000) == Procs{1, 2});
    }
}

TEST_CASE("the caption labels every time on its line: the cursor's and the event's", "[views][caption]") {
    // Newcomer walk (session 21): "6.02 s  The run ended: …, makespan 6.01 s": the first number, the
    // cursor's, was unlabelled and 0.01 s from the makespan.
    CHECK(captionLine(6'020'000'000, 6'020'000'000, "The run ended") == "at 6.02 s, the run ended");
    CHECK(captionLine(2'000'000'000, 2'000'000'000, "ForkPoolWorker-2 took C from the queue") ==
          "at 2.00 s, ForkPoolWorker-2 took C from the queue");
    CHECK(captionLine(700'000'000, 5'000'000, "ForkPoolWorker-1 printed \"hi\"") ==
          "cursor at 0.70 s; last event at 0.0050 s, ForkPoolWorker-1 printed \"hi\"");
}

TEST_CASE("a caption too long for its line drops whole clauses from the end, never cut mid-phrase",
          "[views][caption][fit]") {
    // Session 22, pool-uneven at 1280x720 presentation, cursor 1.57 s: the line read "... took L2 from
    // pool results (not yet the caller's) (the last of 2 such …" (words since renamed).
    const std::string text = "ForkPoolWorker-2's result-handler thread took L2 from pool results (not yet handed to the program) "
                             "(the last of 2 such events at the same instant)";
    const std::int64_t t = 1'570'000'000;
    auto upTo = [](std::size_t n) { return [n](const std::string& s) { return s.size() <= n; }; };
    const std::string whole = captionLine(t, t, text);
    CHECK(fitCaptionLine(t, t, text, upTo(whole.size())) == whole);
    CHECK(fitCaptionLine(t, t, text, upTo(whole.size() - 1)) ==
          "at 1.57 s, ForkPoolWorker-2's result-handler thread took L2 from pool results (not yet handed to the program)");
    CHECK(fitCaptionLine(t, t, text, upTo(90)) ==
          "at 1.57 s, ForkPoolWorker-2's result-handler thread took L2 from pool results");
    // The main clause alone too long: only then a word cut, said with "…".
    CHECK(fitCaptionLine(t, t, text, upTo(48)) == "at 1.57 s, ForkPoolWorker-2's result-handler \u2026");
    // Clause boundaries: " (", ": ", "; " outside quotes and parentheses; a printed line is one clause.
    CHECK(captionClauseEnds("Process-1 printed \"a: b (c)\"") == std::vector<std::size_t>{28});
    const std::string raised = "ForkPoolWorker-1 failed C: it raised ValueError: bad (x)";
    CHECK(captionClauseEnds(raised) == std::vector<std::size_t>{raised.size(), 52, 47, 25});
}
