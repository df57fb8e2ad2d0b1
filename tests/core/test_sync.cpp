// A traced program's synchronisation primitives through the model's seams,
// on synthetic traces with answers known by hand: a Semaphore held by several
// processes at once, Event / Condition / Barrier waits and signals, a
// JoinableQueue's join and task_done, MainProcess waiting for a pool's
// results; the lanes, the panels' builders, the caption, Explain, the Chrome
// export and a saved run (format 9) all read the same records.
#include "parviz/explain.hpp"
#include "parviz/export.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/views.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <string>

using namespace parviz;

namespace {

constexpr std::int64_t kBase = 1'000'000'000'000;
constexpr std::int64_t ms(double x) { return kBase + static_cast<std::int64_t>(x * 1e6); }

struct Builder {
    Trace trace;
    Builder& ev(double tMs, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                std::uint8_t flags = 0) {
        trace.append(Event{ms(tMs), p, k, flags, obj, a, b});
        return *this;
    }
    Builder& wait(double tMs, ProcId p, ObjectKind k, std::int32_t id, std::uint64_t what = 0) {
        return ev(tMs, p, EventKind::SyncWait, id, static_cast<std::uint64_t>(k), what);
    }
    Builder& wake(double tMs, ProcId p, ObjectKind k, std::int32_t id, std::uint8_t flags = 0) {
        return ev(tMs, p, EventKind::SyncWake, id, static_cast<std::uint64_t>(k), 0, flags);
    }
    Builder& signal(double tMs, ProcId p, ObjectKind k, std::int32_t id, SyncOp op, std::uint64_t count = 0) {
        return ev(tMs, p, EventKind::SyncSignal, id, static_cast<std::uint64_t>(k),
                  static_cast<std::uint64_t>(op) | count << 32);
    }
};

// MainProcess and Process-1..3, all started at 0; a Semaphore(2), an Event, a
// Condition, a Barrier(3), a JoinableQueue.
void program(Builder& b) {
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    for (int i = 1; i <= 3; ++i) b.trace.addProcess({"Process-" + std::to_string(i), ProcRole::Process});
    ObjectInfo sem{ObjectKind::Lock, 1, "Semaphore-1"};
    sem.size = 2;
    sem.semaphore = true;
    b.trace.addObject(sem);
    b.trace.addObject({ObjectKind::Event, 1, "Event-1"});
    b.trace.addObject({ObjectKind::Condition, 1, "Condition-1"});
    ObjectInfo bar{ObjectKind::Barrier, 1, "Barrier-1"};
    bar.size = 3;
    b.trace.addObject(bar);
    b.trace.addObject({ObjectKind::Queue, 1, "JoinableQueue-1"});
    b.trace.updateMeta([](TraceMeta& m) {
        m.work = kTracedProgramWork;
        m.totalCores = m.usableCores = 2;
    });
    b.ev(0, 0, EventKind::RunStart);
    for (ProcId p = 0; p <= 3; ++p) b.ev(0, p, EventKind::ProcStart, 0, 100 + p);
}

std::string textOfProc(const Explanation& x, const std::string& name) {
    for (const ProcExplanation& p : x.procs)
        if (p.name == name) return p.text;
    return "(no sentence for " + name + ")";
}

bool hasState(const LaneRecords& lanes, ProcId p, LaneState s) {
    const Lane& l = lanes.lanes[lanes.laneOf(LaneKind::Proc, p)];
    return std::any_of(l.rows[0].spans.begin(), l.rows[0].spans.end(), [&](const SpanRecord& r) { return r.state == s; });
}

} // namespace

TEST_CASE("a Semaphore(2) is held by two processes at once and the third waits for a release", "[sync]") {
    Builder b;
    program(b);
    b.ev(10, 1, EventKind::LockAcquire, 1);
    b.ev(20, 2, EventKind::LockAcquire, 1);
    b.ev(30, 3, EventKind::LockWait, 1);
    b.ev(50, 1, EventKind::LockRelease, 1).ev(50, 3, EventKind::LockAcquire, 1);
    b.ev(70, 0, EventKind::LockRelease, 1);   // a release by one who holds none: a signal, nobody's hold ends
    RunModel m;
    m.update(b.trace);

    const LockView at40 = buildLockView(m, b.trace, 1, ms(40));
    CHECK(at40.capacity == 2);
    REQUIRE(at40.holders.size() == 2);
    CHECK(at40.holders[0].name == "Process-1");
    CHECK(at40.holders[1].name == "Process-2");
    CHECK(at40.holders[1].pid == 102);
    REQUIRE(at40.waiters.size() == 1);
    CHECK(at40.waiters[0].name == "Process-3");

    const LockView at60 = buildLockView(m, b.trace, 1, ms(60));
    REQUIRE(at60.holders.size() == 2);
    CHECK(at60.holders[0].name == "Process-2");   // Process-1's hold ended, the other one did not
    CHECK(at60.holders[1].name == "Process-3");
    CHECK(at60.waiters.empty());

    const LockView at80 = buildLockView(m, b.trace, 1, ms(80));
    REQUIRE(at80.holders.size() == 2);   // before: MainProcess's release ended Process-2's hold
    CHECK(at80.holders[0].name == "Process-2");
    CHECK(at80.holders[1].name == "Process-3");
    CHECK(at80.acquisitions == 3);
    CHECK(at80.pendingSignals == 1);
    REQUIRE(at80.recentSignals.size() == 1);
    CHECK(at80.recentSignals[0].name == "MainProcess");
    CHECK(at80.recentSignals[0].takenBy == kNoProc);
    CHECK(buildCaption(m, b.trace, ms(70)).text ==
          "MainProcess released the lock without holding it: a signal, which lets one acquire through");
}

TEST_CASE("a Semaphore(0) released as a signal lets its waiter through without making it a holder", "[sync]") {
    Builder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"Process-1", ProcRole::Process});
    b.trace.addProcess({"Process-2", ProcRole::Process});
    ObjectInfo go{ObjectKind::Lock, 1, "Semaphore-1"};
    go.semaphore = true;   // size 0
    b.trace.addObject(go);
    b.trace.updateMeta([](TraceMeta& m) {
        m.work = kTracedProgramWork;
        m.totalCores = m.usableCores = 2;
    });
    b.ev(0, 0, EventKind::RunStart);
    for (ProcId p = 0; p <= 2; ++p) b.ev(0, p, EventKind::ProcStart, 0, 100 + p);
    b.ev(10, 1, EventKind::LockWait, 1).ev(12, 2, EventKind::LockWait, 1);
    b.ev(50, 0, EventKind::LockRelease, 1).ev(51, 1, EventKind::LockAcquire, 1);
    b.ev(60, 0, EventKind::LockRelease, 1).ev(61, 2, EventKind::LockAcquire, 1);
    b.ev(70, 1, EventKind::ProcExit).ev(80, 2, EventKind::ProcExit);
    RunModel m;
    m.update(b.trace);
    const LockView at30 = buildLockView(m, b.trace, 1, ms(30));
    CHECK(at30.semaphore);
    CHECK(at30.capacity == 0);
    CHECK(at30.holders.empty());
    CHECK(at30.waiters.size() == 2);
    CHECK(textOfProc(buildExplain(m, b.trace, ms(30)), "Process-1") ==
          "Process-1 waits for the lock since 0.010 s: nobody holds it and its count is 0, so it goes on when another "
          "process releases it (a signal)");
    for (double at : {50.0, 51.0, 55.0, 61.0, 90.0}) {
        INFO("at " << at << " ms");
        const LockView v = buildLockView(m, b.trace, 1, ms(at));
        CHECK(v.holders.empty());   // before: Process-1, then Process-2, held it for ever (a phantom holder)
    }
    const LockView end = buildLockView(m, b.trace, 1, ms(90));
    CHECK(end.acquisitions == 2);
    CHECK(end.pendingSignals == 0);
    REQUIRE(end.recentSignals.size() == 2);
    CHECK(end.recentSignals[0].takenByName == "Process-1");
    CHECK(end.recentSignals[1].takenByName == "Process-2");
    CHECK(buildCaption(m, b.trace, ms(51)).text ==
          "Process-1 acquired the lock on MainProcess's release (a signal): it holds none of it");
    // The lanes show no hold either.
    for (ProcId p = 1; p <= 2; ++p) CHECK(m.procs()[p].locks.empty());
}

TEST_CASE("Event, Condition and Barrier waits show who waited, how long and how each wait ended", "[sync]") {
    Builder b;
    program(b);
    b.wait(10, 1, ObjectKind::Event, 1).wait(20, 2, ObjectKind::Event, 1);
    b.signal(100, 0, ObjectKind::Event, 1, SyncOp::Set);
    b.wake(101, 1, ObjectKind::Event, 1).wake(102, 2, ObjectKind::Event, 1);
    b.wait(110, 3, ObjectKind::Condition, 1).wake(160, 3, ObjectKind::Condition, 1, kSyncTimedOut);
    b.wait(200, 1, ObjectKind::Barrier, 1).wait(230, 2, ObjectKind::Barrier, 1);
    b.signal(260, 0, ObjectKind::Barrier, 1, SyncOp::Abort);
    b.wake(261, 1, ObjectKind::Barrier, 1, kSyncBroken).wake(262, 2, ObjectKind::Barrier, 1, kSyncBroken);
    RunModel m;
    m.update(b.trace);

    const SyncView ev50 = buildSyncView(m, b.trace, ObjectKind::Event, 1, ms(50));
    CHECK_FALSE(ev50.flagSet);
    REQUIRE(ev50.waiting.size() == 2);
    CHECK(ev50.waiting[0].name == "Process-1");
    CHECK(ev50.waiting[0].since == ms(10));
    const SyncView ev150 = buildSyncView(m, b.trace, ObjectKind::Event, 1, ms(150));
    CHECK(ev150.flagSet);
    CHECK(ev150.waiting.empty());
    CHECK(ev150.waits == 2);
    CHECK(ev150.longestWaitNs == ms(101) - ms(10));

    const SyncView cond = buildSyncView(m, b.trace, ObjectKind::Condition, 1, ms(170));
    CHECK(cond.timedOut == 1);

    const SyncView bar240 = buildSyncView(m, b.trace, ObjectKind::Barrier, 1, ms(240));
    CHECK(bar240.size == 3);
    CHECK(bar240.waiting.size() == 2);   // 2 of 3 arrived
    CHECK(bar240.brokenSince == kNever);
    const SyncView bar300 = buildSyncView(m, b.trace, ObjectKind::Barrier, 1, ms(300));
    CHECK(bar300.broken == 2);
    CHECK(bar300.brokenSince == ms(260));

    // The program rows show the waits; Explain and the caption say them in words.
    LaneRecords lanes = buildLanes(m, b.trace, Viewport{ms(0), ms(300), 300});
    CHECK(hasState(lanes, 1, LaneState::WaitSync));
    CHECK(hasState(lanes, 3, LaneState::WaitSync));
    CHECK_FALSE(hasState(lanes, 0, LaneState::WaitSync));
    const Explanation x = buildExplain(m, b.trace, ms(240));
    auto said = [&](ProcId p) {
        for (const ProcExplanation& e : x.procs)
            if (e.proc == p) return e.text;
        return std::string();
    };
    CHECK(said(2) == "Process-2 waits at the barrier since 0.23 s: 2 of 3 parties have arrived; it opens when all have");
    CHECK(buildCaption(m, b.trace, ms(100)).text == "MainProcess set the event: its waiters wake");
    CHECK(buildCaption(m, b.trace, ms(261)).text == "Process-1 left the barrier broken (BrokenBarrierError)");
    CHECK(buildCaption(m, b.trace, ms(160)).text == "Process-3 stopped waiting on the condition: the timeout ran out");
}

// Newcomer walk, session 28: "7 of the 8 tasks started so far are done" beside
// workers still in tasks read as a contradiction: the running ones are said.
TEST_CASE("MainProcess waiting in Pool.map says how many of the started tasks still run", "[sync][explain]") {
    Builder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    b.trace.addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});
    b.trace.addObject({ObjectKind::Queue, 1, "pool tasks"});
    const std::uint64_t a = b.trace.addString("A"), c = b.trace.addString("B"), d = b.trace.addString("C");
    b.ev(0, 0, EventKind::RunStart).ev(0, 0, EventKind::ProcStart, 0, 100).ev(0, 1, EventKind::ProcStart, 0, 101);
    b.ev(0, 2, EventKind::ProcStart, 0, 102);
    b.wait(5, 0, ObjectKind::Queue, 1, kSyncWaitPoolResults);
    b.ev(10, 1, EventKind::TaskStart, 0, a).ev(10, 2, EventKind::TaskStart, 1, c);
    b.ev(100, 2, EventKind::TaskEnd, 1, c).ev(101, 2, EventKind::TaskStart, 2, d);
    RunModel m;
    m.update(b.trace);
    const auto mainSays = [&](double tMs) {
        const Explanation x = buildExplain(m, b.trace, ms(tMs));
        for (const ProcExplanation& e : x.procs)
            if (e.proc == kParentProc) return e.text;
        return std::string();
    };
    INFO(mainSays(50) << "\n" << mainSays(150));
    CHECK(mainSays(50).find(": 0 of the 2 tasks started so far are done, 2 are running") != std::string::npos);
    CHECK(mainSays(150).find(": 1 of the 3 tasks started so far is done, 2 are running") != std::string::npos);
    // A Why panel short of room says MainProcess's line by its brief: the
    // count stays in it (newcomer check, session 28: at 4 workers it was cut
    // to "MainProcess waits for the pool's results since 0.24 s").
    const Explanation x = buildExplain(m, b.trace, ms(150));
    std::string brief;
    for (const ExplainLine& l : x.lines)
        if (l.procs == std::vector<ProcId>{kParentProc}) brief = l.brief;
    CHECK(brief == "MainProcess waits for the pool's results since 0.0050 s: 1 of 3 started tasks done, 2 running");
}

TEST_CASE("MainProcess waiting in Pool.map is shown waiting, with the task its dead worker took", "[sync]") {
    Builder b;
    b.trace.addProcess({"MainProcess", ProcRole::Parent});
    b.trace.addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    b.trace.addObject({ObjectKind::Queue, 1, "pool tasks"});
    const std::uint64_t a = b.trace.addString("('A', 5)");
    b.ev(0, 0, EventKind::RunStart).ev(0, 0, EventKind::ProcStart, 0, 100).ev(0, 1, EventKind::ProcStart, 0, 101);
    b.wait(5, 0, ObjectKind::Queue, 1, kSyncWaitPoolResults);
    b.ev(10, 1, EventKind::TaskStart, 0, a);
    b.ev(300, 1, EventKind::ProcExit, 0, static_cast<std::uint64_t>(-9));
    RunModel m;
    m.update(b.trace);
    const Explanation x = buildExplain(m, b.trace, ms(400));
    REQUIRE(!x.procs.empty());
    CHECK(x.procs[0].proc == kParentProc);
    CHECK(x.procs[0].state == LaneState::WaitQueue);   // as the engine's MainProcess on its result queue
    CHECK(x.procs[0].text ==
          "MainProcess waits for the pool's results since 0.0050 s: 0 of the 1 tasks started so far are done; "
          "ForkPoolWorker-1 died at 0.30 s in task ('A', 5), whose result never comes: Python's Pool.map waits for "
          "it forever (Stop ends it)");
    const SyncView q = buildSyncView(m, b.trace, ObjectKind::Queue, 1, ms(400));
    REQUIRE(q.waiting.size() == 1);
    CHECK(q.waiting[0].poolResults);
}

TEST_CASE("a JoinableQueue's join waits until task_done, and a process that exits while waiting waits no more",
          "[sync]") {
    Builder b;
    program(b);
    b.wait(10, 0, ObjectKind::Queue, 1);
    b.signal(40, 1, ObjectKind::Queue, 1, SyncOp::TaskDone).signal(50, 2, ObjectKind::Queue, 1, SyncOp::TaskDone);
    b.wake(51, 0, ObjectKind::Queue, 1);
    b.wait(60, 3, ObjectKind::Event, 1).ev(90, 3, EventKind::ProcExit, 0, static_cast<std::uint64_t>(-15));
    RunModel m;
    m.update(b.trace);
    const SyncView at45 = buildSyncView(m, b.trace, ObjectKind::Queue, 1, ms(45));
    CHECK(at45.taskDone == 1);
    REQUIRE(at45.waiting.size() == 1);
    CHECK(at45.waiting[0].proc == kParentProc);
    CHECK_FALSE(at45.waiting[0].poolResults);
    CHECK(buildSyncView(m, b.trace, ObjectKind::Queue, 1, ms(60)).waiting.empty());
    const SyncView ev = buildSyncView(m, b.trace, ObjectKind::Event, 1, ms(100));
    CHECK(ev.waiting.empty());
    REQUIRE(m.sync(ObjectKind::Event, 1));
    CHECK(m.sync(ObjectKind::Event, 1)->waits[0].endedByExit);
}

TEST_CASE("sync waits and signals survive a saved run (format 9) and reach the Chrome export", "[sync][traceio]") {
    Builder b;
    program(b);
    b.ev(10, 1, EventKind::LockAcquire, 1).ev(11, 2, EventKind::LockAcquire, 1);
    b.wait(20, 1, ObjectKind::Event, 1).signal(30, 0, ObjectKind::Event, 1, SyncOp::Set).wake(31, 1, ObjectKind::Event, 1);
    b.signal(40, 0, ObjectKind::Condition, 1, SyncOp::Notify, 2);
    const std::string bytes = serializeTrace(b.trace);
    auto back = deserializeTrace(bytes, "run.pvz");
    const TraceMeta meta = back->meta();
    REQUIRE(meta.findObject(ObjectKind::Lock, 1));
    CHECK(meta.findObject(ObjectKind::Lock, 1)->size == 2);
    REQUIRE(meta.findObject(ObjectKind::Barrier, 1));
    CHECK(meta.findObject(ObjectKind::Barrier, 1)->size == 3);
    RunModel m;
    m.update(*back);
    CHECK(buildLockView(m, *back, 1, ms(15)).holders.size() == 2);
    CHECK(buildSyncView(m, *back, ObjectKind::Event, 1, ms(35)).flagSet);
    REQUIRE(m.sync(ObjectKind::Condition, 1));
    CHECK(m.sync(ObjectKind::Condition, 1)->signals.at(0).count == 2);

    std::ostringstream out;
    writeChromeTrace(*back, out);
    const auto j = nlohmann::json::parse(out.str());
    bool waitSlice = false, setInstant = false;
    for (const auto& e : j.at("traceEvents")) {
        if (e.value("cat", "") != "sync") continue;
        if (e.at("ph") == "X" && e.at("name") == "wait Event-1") waitSlice = e.at("dur").get<double>() == 11000.0;
        if (e.at("ph") == "i" && e.at("name") == "set Event-1") setInstant = true;
    }
    CHECK(waitSlice);
    CHECK(setInstant);
}

TEST_CASE("a saved run's sync event naming an unknown object kind, object or operation is refused", "[sync][traceio]") {
    Builder b;
    program(b);
    b.wait(20, 1, ObjectKind::Event, 1);
    const std::string good = serializeTrace(b.trace);
    auto fail = [&](std::size_t field, std::uint64_t value, std::size_t bytes) {
        std::string d = good;
        const std::size_t at = d.size() - 8 - 32 + field;   // the last event
        for (std::size_t i = 0; i < bytes; ++i) d[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
        std::uint64_t h = 0xcbf29ce484222325ull;
        for (std::size_t i = 0; i + 8 < d.size(); ++i) { h ^= static_cast<unsigned char>(d[i]); h *= 0x100000001b3ull; }
        for (int i = 0; i < 8; ++i) d[d.size() - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xff);
        try {
            deserializeTrace(d, "run.pvz");
        } catch (const TraceFileError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    const std::string at = "run.pvz: event " + std::to_string(b.trace.size() - 1) + ": ";
    CHECK(fail(16, 9, 8) == at + "object kind 9 unknown");
    CHECK(fail(12, 7, 4) == at + "event 7 is not in the event table");
    CHECK(fail(16, static_cast<std::uint64_t>(ObjectKind::Barrier), 8) == "(no error)");   // Barrier-1 exists
    CHECK(fail(12, 1, 4) == "(no error)");                                                  // the file as written
    CHECK(fail(10, static_cast<std::uint64_t>(EventKind::SyncSignal), 1) == at + "synchronisation operation 0 unknown");
}

TEST_CASE("whether a dead worker's task hangs its pool is told by the queue it took it from, not by its name",
          "[sync][explain]") {
    // Names chosen to mislead a name test: an executor's worker called
    // "...PoolWorker", a Pool's worker that is not.
    for (const bool executor : {true, false}) {
        Builder b;
        b.trace.addProcess({"MainProcess", ProcRole::Parent});
        b.trace.addProcess({executor ? "ForkPoolWorker-9" : "Cruncher-1", ProcRole::PoolWorker});
        b.trace.addObject({ObjectKind::Queue, 1, executor ? "executor calls" : "pool tasks"});
        const std::uint64_t a = b.trace.addString("('A', 5)");
        b.ev(0, 0, EventKind::RunStart).ev(0, 0, EventKind::ProcStart, 0, 100).ev(0, 1, EventKind::ProcStart, 0, 101);
        b.ev(1, 0, EventKind::QueuePut, 1, 1, a).ev(2, 1, EventKind::QueueGet, 1, 1);
        b.wait(5, 0, ObjectKind::Queue, 1, kSyncWaitPoolResults);
        b.ev(10, 1, EventKind::TaskStart, 0, a);
        b.ev(300, 1, EventKind::ProcExit, 0, static_cast<std::uint64_t>(-9));
        RunModel m;
        m.update(b.trace);
        CHECK(workerPoolKind(m, 1) == (executor ? PoolKind::Executor : PoolKind::Pool));
        const Explanation x = buildExplain(m, b.trace, ms(400));
        REQUIRE(!x.procs.empty());
        INFO(x.procs[0].text);
        CHECK((x.procs[0].text.find("BrokenProcessPool") != std::string::npos) == executor);
        CHECK((x.procs[0].text.find("waits for it forever") != std::string::npos) == !executor);
    }
}
