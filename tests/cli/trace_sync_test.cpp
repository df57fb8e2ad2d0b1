// Traced Lock, RLock, Semaphore, Value, Event, Condition, Barrier: lock holds
// never overlap, a release by a non-holder, lost updates on a shared Value,
// every primitive under fork, spawn and forkserver, the sync examples, a
// Semaphore's holders.
#include "cli_support.hpp"
#include "trace_support.hpp"

#include "parviz/chunks.hpp"
#include "parviz/explain.hpp"
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/views.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using parviz::Event;
using parviz::EventKind;
using parviz::test::describe;
using parviz::test::ExeResult;
using parviz::test::runParviz;
using parviz::test::TempDir;
using namespace parviz::test::trace;

TEST_CASE("a traced Lock is held by one process at a time", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("lock.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::map<std::int32_t, parviz::ProcId> owner;   // lock -> holder
    int holds = 0, waits = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockWait) ++waits;
        if (e.kind == EventKind::LockAcquire) {
            CHECK(owner.count(e.obj) == 0);   // nobody holds it: intervals never overlap
            owner[e.obj] = e.proc;
            ++holds;
        }
        if (e.kind == EventKind::LockRelease) {
            REQUIRE(owner.count(e.obj) == 1);
            CHECK(owner[e.obj] == e.proc);
            owner.erase(e.obj);
        }
    }
    CHECK(holds == 12);
    CHECK(waits > 0);   // four processes, one lock: someone waited
    CHECK(owner.empty());
    CHECK(tr.meta().countOf(parviz::ObjectKind::Lock) == 1);   // the Queue-less program's one Lock; no internal locks shown
}

TEST_CASE("a Lock released by a process that does not hold it is shown and said as CPython allows it",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("wrong_release.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::vector<std::string> lockOps;   // "who kind", in time order
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) lockOps.push_back(procName(tr, e.proc) + " acquire");
        if (e.kind == EventKind::LockRelease) lockOps.push_back(procName(tr, e.proc) + " release");
        if (e.kind == EventKind::Note) notes.emplace_back(tr.string(e.a));
    }
    // MainProcess's own last release raised ValueError (the lock was free): no event.
    CHECK(lockOps == std::vector<std::string>{"MainProcess acquire", "Process-1 release", "Process-2 acquire",
                                              "Process-2 release"});
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].rfind("Process-1 released Lock-1 while MainProcess held it", 0) == 0);
    CHECK(t.result.err.find("parviz trace: note: Process-1 released Lock-1 while MainProcess held it") !=
          std::string::npos);
    CHECK(t.result.out.find("MainProcess's own release failed") != std::string::npos);
    // The lock panel's account: MainProcess's hold ends at the wrong release,
    // so the holds never overlap.
    parviz::RunModel model;
    model.update(tr);
    const parviz::LockIndex* lock = model.lock(1);
    REQUIRE(lock);
    REQUIRE(lock->holds.size() == 2);
    CHECK(lock->holds[0].releaseT != parviz::kOpenEnd);
    CHECK(lock->holds[0].releaseT <= lock->holds[1].acquireT);
}

TEST_CASE("two processes incrementing a shared Value lose updates without its lock and none with it",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("shared_value.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    // What the program counted: lost updates without the lock, none with it.
    long lostUnlocked = -1, lostLocked = -1;
    for (const auto& line : printed(tr)) {
        long n = 0;
        if (std::sscanf(line.c_str(), "without the lock: 2 processes made %*d increments in %*f s, counter = %*d: %ld",
                        &n) == 1)
            lostUnlocked = n;
        if (std::sscanf(line.c_str(), "with counter.get_lock(): 2 processes x 2000 increments, counter = %*d: %ld", &n) ==
            1)
            lostLocked = n;
    }
    CHECK(lostUnlocked > 0);
    CHECK(lostLocked == 0);
    // What the trace shows: each `with counter.get_lock()` as one hold of the
    // second Value's lock, one process at a time; the Value's own reads and
    // writes are not holds of the program's.
    const parviz::TraceMeta meta = tr.meta();
    std::map<std::string, int> acquires;
    std::map<std::int32_t, parviz::ProcId> owner;
    int losses = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) {
            ++acquires[meta.objectName(parviz::ObjectKind::Lock, e.obj)];
            CHECK(owner.count(e.obj) == 0);
            owner[e.obj] = e.proc;
        }
        if (e.kind == EventKind::LockRelease) {
            REQUIRE(owner.count(e.obj) == 1);
            CHECK(owner[e.obj] == e.proc);
            owner.erase(e.obj);
        }
        if (e.kind == EventKind::Lost) ++losses;
    }
    CHECK(losses == 0);
    CHECK(acquires == std::map<std::string, int>{{"Value-2 lock", 4000}});
}

TEST_CASE("every synchronisation primitive of a traced program is recorded under fork, spawn and forkserver",
          "[cli][trace][python][sync]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "sync_all.py", {method}, dir, "sync-" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    using parviz::ObjectKind;
    auto idOf = [&](ObjectKind k, const std::string& name) {
        for (const auto& o : meta.objects)
            if (o.kind == k && o.name == name) return o.id;
        FAIL("no " << parviz::toString(k) << " named " << name);
        return -1;
    };
    const std::int32_t sem = idOf(ObjectKind::Lock, "Semaphore-1"), ev = idOf(ObjectKind::Event, "Event-1"),
                       cond = idOf(ObjectKind::Condition, "Condition-1"), bar = idOf(ObjectKind::Barrier, "Barrier-1"),
                       bar2 = idOf(ObjectKind::Barrier, "Barrier-2"), jq = idOf(ObjectKind::Queue, "JoinableQueue-1"),
                       sq = idOf(ObjectKind::Queue, "SimpleQueue-1"), pool = idOf(ObjectKind::Queue, "pool tasks");
    CHECK(meta.findObject(ObjectKind::Lock, sem)->size == 2);
    CHECK(meta.findObject(ObjectKind::Barrier, bar)->size == 3);
    // Each wait of each kind, by process; the signals with their times.
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::pair<std::string, std::int64_t>>> waits, wakes;
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::uint8_t>> wakeFlags;
    std::map<std::pair<ObjectKind, std::int32_t>, std::vector<std::pair<parviz::SyncOp, std::int64_t>>> signals;
    int holding = 0, mostHolding = 0, semWaits = 0, poolPuts = 0, poolGets = 0;
    std::set<std::string> semHolders;
    std::vector<std::string> jqPreviews;
    std::map<std::uint64_t, std::string> sqPut, sqGot;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        ObjectKind k;
        if (parviz::syncObjectKind(e, k)) {
            const auto key = std::make_pair(k, e.obj);
            if (e.kind == EventKind::SyncWait) waits[key].emplace_back(procName(tr, e.proc), e.t);
            if (e.kind == EventKind::SyncWake) wakes[key].emplace_back(procName(tr, e.proc), e.t), wakeFlags[key].push_back(e.flags);
            if (e.kind == EventKind::SyncSignal) signals[key].emplace_back(static_cast<parviz::SyncOp>(e.b & 0xFFFFFFFF), e.t);
            if (e.kind == EventKind::SyncWait && k == ObjectKind::Queue && e.obj == pool) CHECK(e.b == parviz::kSyncWaitPoolResults);
        }
        if (e.obj == sem && (e.kind == EventKind::LockAcquire || e.kind == EventKind::LockRelease || e.kind == EventKind::LockWait)) {
            if (e.kind == EventKind::LockAcquire) mostHolding = std::max(mostHolding, ++holding), semHolders.insert(procName(tr, e.proc));
            if (e.kind == EventKind::LockRelease) --holding;
            if (e.kind == EventKind::LockWait) ++semWaits;
        }
        if (e.kind == EventKind::QueuePut && e.obj == jq) jqPreviews.emplace_back(tr.string(e.b));
        if (e.kind == EventKind::QueuePut && e.obj == sq) sqPut[e.a] = procName(tr, e.proc) + " " + std::string(tr.string(e.b));
        if (e.kind == EventKind::QueueGet && e.obj == sq) sqGot[e.a] = procName(tr, e.proc);
        if (e.obj == pool && e.kind == EventKind::QueuePut) ++poolPuts;
        if (e.obj == pool && e.kind == EventKind::QueueGet) ++poolGets;
    }
    using Who = std::vector<std::pair<std::string, std::int64_t>>;
    auto names = [](const Who& w) {
        std::multiset<std::string> out;
        for (const auto& [n, at] : w) out.insert(n);
        return out;
    };
    auto latest = [](const Who& w) {
        std::int64_t m = 0;
        for (const auto& [n, at] : w) m = std::max(m, at);
        return m;
    };
    auto earliest = [](const Who& w) {
        std::int64_t m = INT64_MAX;
        for (const auto& [n, at] : w) m = std::min(m, at);
        return m;
    };
    // Semaphore(2): three holders, two at once, the third waited.
    CHECK(semHolders == std::set<std::string>{"Process-1", "Process-2", "Process-3"});
    CHECK(mostHolding == 2);
    CHECK(semWaits >= 1);
    CHECK(holding == 0);
    // Event: both waiters waited until MainProcess set it.
    const auto evKey = std::make_pair(ObjectKind::Event, ev);
    CHECK(names(waits[evKey]) == std::multiset<std::string>{"Process-4", "Process-5"});
    REQUIRE(signals[evKey].size() == 1);
    CHECK(signals[evKey][0].first == parviz::SyncOp::Set);
    CHECK(earliest(wakes[evKey]) >= signals[evKey][0].second);
    // Condition: both waited until notify_all.
    const auto condKey = std::make_pair(ObjectKind::Condition, cond);
    CHECK(names(waits[condKey]) == std::multiset<std::string>{"Process-4", "Process-5"});
    REQUIRE(!signals[condKey].empty());
    CHECK(signals[condKey].back().first == parviz::SyncOp::NotifyAll);
    CHECK(earliest(wakes[condKey]) >= signals[condKey].back().second);
    for (auto f : wakeFlags[condKey]) CHECK(f == 0);
    // Barrier(3): three arrivals, nobody left before the last one came.
    const auto barKey = std::make_pair(ObjectKind::Barrier, bar);
    CHECK(names(waits[barKey]) == std::multiset<std::string>{"MainProcess", "Process-4", "Process-5"});
    CHECK(earliest(wakes[barKey]) >= latest(waits[barKey]));
    // Barrier(2) reached by MainProcess alone: broken at its timeout.
    const auto bar2Key = std::make_pair(ObjectKind::Barrier, bar2);
    CHECK(names(waits[bar2Key]) == std::multiset<std::string>{"MainProcess"});
    CHECK(wakeFlags[bar2Key] == std::vector<std::uint8_t>{parviz::kSyncBroken});
    // JoinableQueue: put with their values, two task_done, MainProcess joined until the last one.
    CHECK(jqPreviews == std::vector<std::string>{"'a'", "'b'"});
    const auto jqKey = std::make_pair(ObjectKind::Queue, jq);
    CHECK(names(waits[jqKey]) == std::multiset<std::string>{"MainProcess"});
    REQUIRE(signals[jqKey].size() == 2);
    CHECK(latest(wakes[jqKey]) >= signals[jqKey].back().second);
    // SimpleQueue: MainProcess's put taken by Process-4, paired.
    REQUIRE(sqPut.size() == 1);
    CHECK(sqPut.begin()->second == "MainProcess 'hello'");
    CHECK(sqGot[sqPut.begin()->first] == "Process-4");
    // Pool(2).map over four: six items on its task queue (four tasks, two stop signals), all taken;
    // MainProcess waited for the results.
    CHECK(poolPuts == 6);
    CHECK(poolGets == 6);
    CHECK(names(waits[std::make_pair(ObjectKind::Queue, pool)]) == std::multiset<std::string>{"MainProcess"});
}

TEST_CASE("each synchronisation example shows its primitive at work when traced", "[cli][trace][python][sync]") {
    const std::string example = GENERATE(as<std::string>{}, "semaphore.py", "event.py", "barrier.py", "condition.py",
                                         "joinable_queue.py");
    TempDir dir;
    Traced t = traceExample(example, dir);   // at the examples' own scale (0.1): MainProcess's waits are 0.5 s
    INFO(example + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    using parviz::ObjectKind;
    std::map<parviz::SyncOp, int> ops;
    int waits = 0, timedOut = 0, holding = 0, mostHolding = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::SyncWait) ++waits;
        if (e.kind == EventKind::SyncWake && (e.flags & parviz::kSyncTimedOut)) ++timedOut;
        if (e.kind == EventKind::SyncSignal) ++ops[static_cast<parviz::SyncOp>(e.b & 0xFFFFFFFF)];
        if (e.kind == EventKind::LockAcquire) mostHolding = std::max(mostHolding, ++holding);
        if (e.kind == EventKind::LockRelease) --holding;
    }
    const parviz::TraceMeta meta = tr.meta();
    if (example == "semaphore.py") {
        REQUIRE(meta.countOf(ObjectKind::Lock) == 1);
        CHECK(meta.objects.front().size == 2);
        CHECK(mostHolding == 2);   // five downloads, two connections: two hold it at once, never three
    } else if (example == "event.py") {
        CHECK(waits == 4);
        CHECK(timedOut == 1);      // the fourth worker gave up at its timeout
        CHECK(ops[parviz::SyncOp::Set] == 1);
    } else if (example == "barrier.py") {
        CHECK(waits == 3);         // three arrivals at the Barrier(3)
        CHECK(meta.countOf(ObjectKind::Barrier) == 1);
    } else if (example == "condition.py") {
        CHECK(waits >= 2);
        CHECK(ops[parviz::SyncOp::Notify] == 4);   // one per item produced
        CHECK(meta.countOf(ObjectKind::Condition) == 1);
    } else {
        CHECK(ops[parviz::SyncOp::TaskDone] == 6);
        CHECK(waits >= 1);         // MainProcess in join()
    }
}

TEST_CASE("a traced Semaphore's holders are its acquirers minus their own releases: a Semaphore(0) released as a "
          "signal never shows a holder, a Semaphore(2) never more than two",
          "[cli][trace][python][sync]") {
    const std::string example = GENERATE(as<std::string>{}, "semaphore_signal.py", "semaphore.py");
    TempDir dir;
    Traced t = traceExample(example, dir);
    INFO(example + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    REQUIRE(meta.countOf(parviz::ObjectKind::Lock) == 1);
    const parviz::ObjectInfo& sem = meta.objects.front();
    const std::size_t places = example == "semaphore.py" ? 2 : 0;
    CHECK(sem.size == static_cast<std::int64_t>(places));   // before: a Semaphore(0) was recorded as 1
    parviz::RunModel m;
    m.update(tr);
    // At every event of the semaphore: never more holders than its value allows, none for a signal.
    std::size_t most = 0, events = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind != EventKind::LockAcquire && e.kind != EventKind::LockRelease && e.kind != EventKind::LockWait)
            continue;
        ++events;
        const parviz::LockView v = parviz::buildLockView(m, tr, sem.id, e.t);
        INFO(parviz::toString(e.kind) << " by " << procName(tr, e.proc) << ": " << v.holders.size() << " holders");
        CHECK(v.holders.size() <= places);
        most = std::max(most, v.holders.size());
    }
    CHECK(events > 0);
    CHECK(most == places);
    // At the end nobody is left holding it (before: the last worker to acquire the Semaphore(0) held it forever).
    CHECK(parviz::buildLockView(m, tr, sem.id, tr[tr.size() - 1].t).holders.empty());
    if (example == "semaphore_signal.py") {
        // A worker waiting for the go-ahead is told it waits for a release, not for a holder.
        std::size_t w = 0;
        while (w < tr.size() && tr[w].kind != EventKind::LockWait) ++w;
        REQUIRE(w < tr.size());
        const parviz::Explanation x = parviz::buildExplain(m, tr, tr[w].t);
        std::string said;
        for (const auto& p : x.procs)
            if (p.proc == tr[w].proc) said = p.text;
        INFO(said);
        CHECK(said.find("nobody holds it and its count is 0, so it goes on when another process releases it (a signal)") !=
              std::string::npos);
    }
}
