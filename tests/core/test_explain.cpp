// The classroom's "why" (explain.hpp): sentences at a cursor, callouts with
// their numbers, and stepping between program events — on synthetic traces
// whose answers are known by hand, and each callout once on a real run.
#include "parviz/explain.hpp"
#include "parviz/run.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"
#include "parviz/views.hpp"
#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

#include <climits>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>

using namespace parviz;
using parviz::test::kZero;
using parviz::test::sec;

namespace {

RunModel modelOf(const Trace& tr) {
    RunModel m;
    m.update(tr);
    return m;
}

std::string textOf(const Explanation& x, const std::string& name) {
    for (const ProcExplanation& p : x.procs)
        if (p.name == name) return p.text;
    return "(no sentence for " + name + ")";
}

const Callout* calloutOf(const std::vector<Callout>& cs, CalloutKind k) {
    for (const Callout& c : cs)
        if (c.kind == k) return &c;
    return nullptr;
}

std::string allTexts(const std::vector<Callout>& cs) {
    std::string s;
    for (const Callout& c : cs) s += c.text + "\n";
    return s;
}

// A trace built event by event: processes named, events sorted at the end.
struct Builder {
    std::shared_ptr<Trace> tr = std::make_shared<Trace>();
    std::vector<Event> ev;
    explicit Builder(int workers, const char* prefix = "ForkPoolWorker-", ProcRole role = ProcRole::PoolWorker) {
        tr->addProcess({"MainProcess", ProcRole::Parent});
        for (int i = 1; i <= workers; ++i) tr->addProcess({prefix + std::to_string(i), role});
        tr->updateMeta([&](TraceMeta& m) {
            m.workers = workers;
            m.totalCores = 2;
            m.usableCores = 2;
            m.coreSource = CoreSource::PerfSwitch;
        });
        at(0, 0, EventKind::RunStart, 0, 2, 2);
        for (int i = 1; i <= workers; ++i) at(0, static_cast<ProcId>(i), EventKind::ProcStart, 0, 1000 + i);
    }
    void at(double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
            std::uint8_t flags = 0) {
        ev.push_back(Event{kZero + sec(s), p, k, flags, obj, a, b});
    }
    // Process p on `core` over [from, to] (CoreIn, CoreOut).
    void onCore(ProcId p, std::int32_t core, double from, double to) {
        at(from, p, EventKind::CoreIn, core);
        at(to, p, EventKind::CoreOut, core);
    }
    void task(ProcId p, int index, const std::string& name, double from, double to) {
        const std::uint64_t id = tr->addString(name);
        at(from, p, EventKind::TaskStart, index, id, static_cast<std::uint64_t>(sec(to - from)));
        at(to, p, EventKind::TaskEnd, index, id);
    }
    std::shared_ptr<Trace> done(double end) {
        at(end, 0, EventKind::RunEnd);
        std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
        for (const Event& e : ev) tr->append(e);
        return tr;
    }
};

// The first clause (before ": ") of the one note Why has at `at` s.
std::string firstClauseOfOnlyNote(const RunModel& m, const Trace& tr, double at) {
    const Explanation x = buildExplain(m, tr, kZero + sec(at));
    REQUIRE(x.notes.size() == 1);
    return x.notes[0].substr(0, x.notes[0].find(": "));
}

} // namespace

TEST_CASE("explain says which task each worker runs, on which core, and why an idle worker idles", "[explain]") {
    auto tr = test::tutorialPoolTrace();
    const RunModel m = modelOf(*tr);
    const Explanation early = buildExplain(m, *tr, kZero + sec(0.5));
    CHECK(textOf(early, "ForkPoolWorker-1") == "ForkPoolWorker-1 is in task A since 0 s, on CPU 0 now");
    CHECK(textOf(early, "ForkPoolWorker-2") == "ForkPoolWorker-2 is in task B since 0 s, on CPU 1 now");
    const Explanation late = buildExplain(m, *tr, kZero + sec(5.5));
    CHECK(textOf(late, "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 is idle: its last task (task A) ended at 5.00 s while ForkPoolWorker-2 still runs task D");
    const Explanation after = buildExplain(m, *tr, kZero + sec(6.15));
    CHECK(textOf(after, "ForkPoolWorker-2") == "ForkPoolWorker-2 exited normally (exit code 0) at 6.10 s");
    CHECK(after.procs.size() == 2);   // the parent has no state of its own in this trace
}

TEST_CASE("a cursor stepped onto a task's end is explained as what follows, not as idle", "[explain][step]") {
    // Newcomer walk, session 24: stepping landed on ForkPoolWorker-1's TaskEnd
    // at 5.00 s; Why said "is idle" while the lane from 5.00 s is drawn "waits
    // for queue" (the worker's next get begins 0.02 ms later).
    Builder b(2);
    b.tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    for (ProcId p = 1; p <= 2; ++p) b.at(0, p, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
    b.task(1, 0, "A", 0, 5);
    b.task(2, 1, "D", 0, 6);
    b.at(5, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
    b.at(5.00002, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    b.at(6.00002, 2, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    auto tr = b.done(6.5);
    const RunModel m = modelOf(*tr);
    const std::string onEnd = textOf(buildExplain(m, *tr, kZero + sec(5)), "ForkPoolWorker-1");
    const std::string later = textOf(buildExplain(m, *tr, kZero + sec(5.5)), "ForkPoolWorker-1");
    INFO("at 5.00 s: " << onEnd << "\nat 5.50 s: " << later);
    CHECK(onEnd.find("is idle") == std::string::npos);
    // Said as the caption says it (the step landed on "finished A"), then what follows.
    CHECK(onEnd.rfind("ForkPoolWorker-1 has just finished task A; microseconds later it waits", 0) == 0);
    CHECK(later.rfind("ForkPoolWorker-1 waits", 0) == 0);
    SECTION("the next task of its chunk, microseconds later, is not said as the task it is in") {
        // Walk 27, finding 4: stepped onto "ForkPoolWorker-2 finished s1", Why said
        // "ForkPoolWorker-1 and -2 are in their tasks (L1 and s2)", s2 starting 21 us later.
        Builder b3(2);
        b3.task(1, 0, "L1", 0, 1);
        b3.task(2, 1, "s1", 0, 0.1);
        b3.task(2, 2, "s2", 0.10002, 0.2);
        const auto sleeping = static_cast<std::int32_t>(WorkerState::Sleeping);
        b3.at(0, 1, EventKind::State, sleeping);
        b3.at(0, 2, EventKind::State, sleeping);
        b3.at(0.1, 2, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
        b3.at(0.10002, 2, EventKind::State, sleeping);
        b3.at(0.2, 2, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
        auto tr3 = b3.done(1.5);
        const RunModel m3 = modelOf(*tr3);
        const Explanation x = buildExplain(m3, *tr3, kZero + sec(0.1));
        const std::string w2 = textOf(x, "ForkPoolWorker-2");
        INFO(w2);
        CHECK(w2.rfind("ForkPoolWorker-2 has just finished task s1; microseconds later it", 0) == 0);
        CHECK(w2.find("task s2") != std::string::npos);
        CHECK(w2.find(" since ") == std::string::npos);   // s2's start is after the cursor
        for (const ExplainLine& line : x.lines) {
            INFO(line.text);
            CHECK(line.text.find("(L1 and s2)") == std::string::npos);
        }
    }
    SECTION("a worker that really stays idle after its task is still idle there") {
        Builder b2(2);
        b2.task(1, 0, "A", 0, 5);
        b2.task(2, 1, "D", 0, 6);
        b2.at(5.5, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
        auto tr2 = b2.done(6.5);
        const RunModel m2 = modelOf(*tr2);
        CHECK(textOf(buildExplain(m2, *tr2, kZero + sec(5)), "ForkPoolWorker-1").rfind("ForkPoolWorker-1 is idle", 0) == 0);
    }
}

// CI, session 22: a real pool run under load had all its results in before
// map() waited, so MainProcess's lane had no state span, only its measured
// time on a core; Why named the workers alone ("ForkPoolWorker-1 to -8
// exited") while the timeline drew MainProcess's lane.
TEST_CASE("MainProcess measured on a core is explained even without a state span of its own", "[explain][main]") {
    Builder b(2);
    b.onCore(0, 0, 0, 0.1);
    b.task(1, 0, "A", 0, 1);
    b.task(2, 1, "B", 0, 1);
    b.at(1.1, 1, EventKind::ProcExit, 0, 0);
    b.at(1.1, 2, EventKind::ProcExit, 0, 0);
    auto tr = b.done(1.2);
    const RunModel m = modelOf(*tr);
    const Explanation mid = buildExplain(m, *tr, kZero + sec(0.5));
    CHECK(textOf(mid, "MainProcess") ==
          "MainProcess runs the program's own code: it hands out the work and collects the results");
    CHECK(mid.procs.size() == 3);
    const Explanation end = buildExplain(m, *tr, kZero + sec(1.15));
    CHECK(textOf(end, "MainProcess").rfind("MainProcess runs the program's own code", 0) == 0);
}

// Session 23: a quiet machine's 0.2x cpu sweep in the window read "busy" for
// its 8-worker run: the workers' summed task time (8 lanes) was set against
// the 2 cores' time, so the tail's idle core (one task left) counted as taken
// by other programs. Four cpu workers on two cores, all in tasks for 1 s and
// on the cores all that time, then one alone for 1 s on one core: they had
// every core they could use.
TEST_CASE("a short cpu run's workers judge it by the cores they could use at each instant, not their summed task time",
          "[machine][busyfromworkers][stats]") {
    Builder b(4);
    b.tr->updateMeta([](TraceMeta& m) { m.work = "cpu"; });
    b.task(1, 0, "A", 0, 2);
    b.task(2, 1, "B", 0, 1);
    b.task(3, 2, "C", 0, 1);
    b.task(4, 3, "D", 0, 1);
    // Two on the cores at a time for the first second, then A's worker alone.
    b.onCore(1, 0, 0, 0.5);
    b.onCore(2, 1, 0, 0.5);
    b.onCore(3, 0, 0.5, 1);
    b.onCore(4, 1, 0.5, 1);
    b.onCore(1, 0, 1, 2);
    auto tr = b.done(2.05);
    const RunModel m = modelOf(*tr);
    const RunStats quiet = computeStats(m, *tr);
    INFO(describeBusy(quiet.machine, WorkKind::Cpu));
    REQUIRE(quiet.machine.busy);
    CHECK(quiet.machine.fromWorkers);
    CHECK_FALSE(*quiet.machine.busy);
    CHECK(*quiet.machine.otherShare < 0.02);
}

TEST_CASE("explain names the lock's owner and since when a waiter waits", "[explain]") {
    test::SyntheticOptions o;
    o.withLock = true;
    auto tr = test::tutorialPoolTrace(o);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(4.0));
    CHECK(textOf(x, "ForkPoolWorker-2") ==
          "ForkPoolWorker-2 waits for the lock since 3.50 s, held by ForkPoolWorker-1 since 0.70 s");
}

TEST_CASE("the holder of a lock says it holds it, and both it and its waiter name each other in their first clause",
          "[explain]") {
    // Classroom walk: at 11.5 s Why said "ForkPoolWorker-4 waits for the lock
    // since 11.4 s; ForkPoolWorker-5 is in task 2 since 11.2 s, sleeping" and
    // never that ForkPoolWorker-5 held it (the short form keeps the first clause).
    test::SyntheticOptions o;
    o.withLock = true;
    auto tr = test::tutorialPoolTrace(o);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(4.0));
    const std::string holder = textOf(x, "ForkPoolWorker-1"), waiter = textOf(x, "ForkPoolWorker-2");
    INFO(holder << "\n" << waiter);
    CHECK(holder.rfind("ForkPoolWorker-1 holds the lock (since 0.70 s) and ", 0) == 0);
    CHECK(holder.find(": ForkPoolWorker-2 waits for it") != std::string::npos);
    const std::string first = waiter.substr(0, waiter.find(": "));
    CHECK(first.find("held by ForkPoolWorker-1") != std::string::npos);
    // In the one paragraph of first clauses too (each line's brief).
    for (const ExplainLine& l : x.lines)
        if (l.procs.size() == 1 && l.procs[0] == 1) CHECK(l.brief.find("holds the lock") != std::string::npos);
}

TEST_CASE("explain tells a runnable worker which workers hold the cores", "[explain]") {
    Builder b(3);
    b.task(1, 0, "A", 0, 2);
    b.task(2, 1, "B", 0, 2);
    b.task(3, 2, "C", 0, 2);
    b.at(0, 1, EventKind::CoreIn, 0);
    b.at(0, 2, EventKind::CoreIn, 1);
    b.at(0, 3, EventKind::CoreIn, 0);   // takes core 0 from worker 1 at once...
    b.at(0.5, 1, EventKind::CoreOut, 0, 0, 0, 1);   // ...which stays runnable from 0.5 s
    auto tr = b.done(3);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(1.0));
    const std::string s = textOf(x, "ForkPoolWorker-1");
    INFO(s);
    CHECK(s.rfind("ForkPoolWorker-1 is runnable, waiting for a free core: task A wants to run, but the cores are busy with", 0) == 0);
    CHECK(s.find("ForkPoolWorker-2") != std::string::npos);
    CHECK(s.find("(runnable since 0.50 s)") != std::string::npos);
}

TEST_CASE("explain says what the stop signals on a pool's task queue are, and why a worker exited", "[explain]") {
    Builder b(2);
    const std::uint64_t a = b.tr->addString("['A', 1]"), s = b.tr->addString("sentinel");
    b.tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    b.at(0, 0, EventKind::QueuePut, 1, 1, a);
    b.at(0.1, 1, EventKind::QueueGet, 1, 1);
    b.task(1, 0, "A", 0.1, 1.1);
    b.at(1.2, 0, EventKind::QueuePut, 1, 2, s);
    b.at(1.25, 0, EventKind::QueuePut, 1, 3, s);
    b.at(1.3, 1, EventKind::QueueGet, 1, 2);
    b.at(1.4, 1, EventKind::ProcExit, 0, 0);
    auto tr = b.done(2);
    const RunModel m = modelOf(*tr);
    const Explanation before = buildExplain(m, *tr, kZero + sec(1.0));
    CHECK(before.notes.empty());
    // One put so far: said in the singular ("One item … is stop signals" read wrong).
    const Explanation one = buildExplain(m, *tr, kZero + sec(1.22));
    REQUIRE(one.notes.size() == 1);
    CHECK(one.notes[0].find("A stop signal (sentinel) was put on the queue, not taken yet: it is not a task: ") == 0);
    // The Queue panel's box says it too, the program's word glossed (newcomer walk: a box read "sentinel").
    const QueueView box = buildQueueView(m, *tr, 1, kZero + sec(1.22));
    REQUIRE(box.items.size() == 1);
    CHECK(box.items[0].value == "stop signal (sentinel)");
    CHECK(buildQueueView(m, *tr, 1, kZero + sec(1.5)).lastGetValue == "stop signal (sentinel)");   // as it leaves
    CHECK(buildQueueView(m, *tr, 1, kZero + sec(0.5)).lastGetValue == "['A', 1]");
    const Explanation x = buildExplain(m, *tr, kZero + sec(1.5));
    REQUIRE(x.notes.size() == 1);
    CHECK(x.notes[0].find("2 stop signals (sentinels) were put on the queue, 1 taken, 1 still in it: they are not tasks") == 0);
    CHECK(textOf(x, "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 exited normally (exit code 0) at 1.40 s: it took a stop signal (sentinel) from the task queue, so "
          "its work was done");
}

TEST_CASE("a pool's result queue counts MainProcess's None as a stop signal, not a worker's None result", "[explain][queue]") {
    // apply_async(f) where f returns None: the worker's result message is "None"
    // too. Only the Nones MainProcess puts (CPython's task handler, and
    // _terminate_pool's) are stop signals.
    Builder b(1);
    const std::uint64_t none = b.tr->addString("None"), r = b.tr->addString("[4]");
    b.tr->addObject({ObjectKind::Queue, 2, kPoolResultsQueue});
    b.at(0.1, 1, EventKind::QueuePut, 2, 1, none);   // a task's None result
    b.at(0.2, 0, EventKind::QueueGet, 2, 1);
    b.at(0.3, 1, EventKind::QueuePut, 2, 2, r);
    b.at(0.4, 0, EventKind::QueueGet, 2, 2);
    b.at(0.5, 0, EventKind::QueuePut, 2, 3, none);   // the task handler's stop signal
    b.at(0.6, 0, EventKind::QueueGet, 2, 3);
    b.at(0.7, 0, EventKind::QueuePut, 2, 4, none);   // _terminate_pool's
    auto tr = b.done(1);
    const RunModel m = modelOf(*tr);
    const QueueView early = buildQueueView(m, *tr, 2, kZero + sec(0.45));
    CHECK(early.poolRole == PoolQueueRole::Results);
    CHECK(early.putCount == 2);
    CHECK(early.stopSignals == 0);
    const QueueView v = buildQueueView(m, *tr, 2, kZero + sec(0.9));
    CHECK(v.putCount == 4);
    CHECK(v.stopSignals == 2);
    CHECK(v.putText == "put 4 (2 results + 2 stop signals)");
    REQUIRE(v.items.size() == 1);
    CHECK(v.items[0].value == "stop signal (None)");
    CHECK(early.items.empty());
    const QueueView result = buildQueueView(m, *tr, 2, kZero + sec(0.15));
    REQUIRE(result.items.size() == 1);
    CHECK(result.items[0].value == "None");   // a task's None result is a result, not a stop signal
    CHECK(v.stopTip.find("another when the pool is terminated") != std::string::npos);
}

TEST_CASE("items left in a pool's queue when it was shut down are counted in plain words, not 'dropped at terminate'",
          "[explain][queue]") {
    // A `with Pool()` block's terminate: two workers' stop signals were never taken.
    Builder b(2);
    const std::uint64_t task = b.tr->addString("('f', 1)"), none = b.tr->addString("None");
    b.tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    b.at(0.1, 0, EventKind::QueuePut, 1, 1, task);
    b.at(0.2, 1, EventKind::QueueGet, 1, 1);
    b.at(0.3, 0, EventKind::QueuePut, 1, 2, none);
    b.at(0.3, 0, EventKind::QueuePut, 1, 3, none);
    b.at(0.5, 0, EventKind::QueueGet, 1, 2, 0, kQueueDiscarded);
    b.at(0.5, 0, EventKind::QueueGet, 1, 3, 0, kQueueDiscarded);
    auto tr = b.done(1);
    const RunModel m = modelOf(*tr);
    const QueueView before = buildQueueView(m, *tr, 1, kZero + sec(0.4));
    CHECK(before.discardedCount == 0);
    CHECK(before.droppedText.empty());
    const QueueView v = buildQueueView(m, *tr, 1, kZero + sec(0.9));
    CHECK(v.discardedCount == 2);
    CHECK(v.droppedText == "2 never taken: the pool was shut down");
    CHECK(v.droppedTip.find("with Pool() as pool:") != std::string::npos);
    CHECK(v.droppedText.find("terminate") == std::string::npos);
}

TEST_CASE("a program's own None on its queue is explained as its stop signal, not a pool's", "[explain][queue]") {
    Builder b(1, "Process-", ProcRole::Process);
    const std::uint64_t job = b.tr->addString("'job 1'"), none = b.tr->addString("None");
    b.tr->addObject({ObjectKind::Queue, 1, "tasks_to_accomplish"});
    b.at(0.1, 0, EventKind::QueuePut, 1, 1, job);
    b.at(0.2, 0, EventKind::QueuePut, 1, 2, none);
    b.at(0.3, 1, EventKind::QueueGet, 1, 1);
    auto tr = b.done(1);
    const RunModel m = modelOf(*tr);
    const QueueView v = buildQueueView(m, *tr, 1, kZero + sec(0.5));
    CHECK(v.poolRole == PoolQueueRole::None);
    CHECK(v.stopSignals == 0);   // the queue panel counts only a pool's apart
    CHECK(v.putText == "put 2");
    const Explanation x = buildExplain(m, *tr, kZero + sec(0.5));
    REQUIRE(x.notes.size() == 1);
    CHECK(x.notes[0] == "A None was put on the queue, not taken yet: a stop signal (sentinel) the program put to tell "
                        "the process that takes it there is no more work.");
    CHECK(x.notes[0].find("the closing pool") == std::string::npos);
}

TEST_CASE("a stop signal still in the queue says how many items wait ahead of it, in its first clause",
          "[explain][queue]") {
    // Newcomer walk (a traced producer/consumer): the Why tab said "A None
    // was put on the queue, not taken yet" while the Queue panel held 7,
    // six numbers ahead of the None: the producer was faster than the consumer.
    Builder b(2, "Process-", ProcRole::Process);
    b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
    const std::uint64_t none = b.tr->addString("None");
    b.tr->addObject({ObjectKind::Queue, 1, "Queue-1"});
    for (int i = 0; i < 7; ++i) b.at(0.1 + 0.01 * i, 1, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), b.tr->addString(std::to_string(i)));
    b.at(0.2, 1, EventKind::QueuePut, 1, 8, none);
    b.at(0.3, 2, EventKind::QueueGet, 1, 1);
    for (int i = 2; i <= 7; ++i) b.at(0.3 + 0.1 * i, 2, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i));
    b.at(1.5, 2, EventKind::QueueGet, 1, 8);
    auto tr = b.done(2);
    const RunModel m = modelOf(*tr);
    auto note = [&](double at) { return firstClauseOfOnlyNote(m, *tr, at); };
    CHECK(note(0.25) == "A None was put on the queue, not taken yet, and 7 items wait ahead of it");
    CHECK(note(0.35) == "A None was put on the queue, not taken yet, and 6 items wait ahead of it");
    CHECK(note(0.95) == "A None was put on the queue, not taken yet, and 1 item waits ahead of it");
    CHECK(note(1.2) == "A None was put on the queue, not taken yet");   // nothing ahead of it now
    CHECK(note(1.6) == "A None was put on the queue and taken");
}

TEST_CASE("once every stop signal was taken, the note's first clause says so, not that the queue holds them",
          "[explain][queue]") {
    // Classroom walk: at a cursor where Queue-1 was empty the Why tab said
    // "2 items on Queue-1 are None …" (its short form, the first clause).
    Builder b(2, "Consumer-", ProcRole::Process);
    const std::uint64_t job = b.tr->addString("('item', 0)"), none = b.tr->addString("None");
    b.tr->addObject({ObjectKind::Queue, 1, "Queue-1"});
    b.tr->addObject({ObjectKind::Queue, 2, "Queue-2"});
    b.at(0.1, 0, EventKind::QueuePut, 1, 1, job);
    b.at(0.2, 0, EventKind::QueuePut, 1, 2, none);
    b.at(0.25, 0, EventKind::QueuePut, 1, 3, none);
    b.at(0.3, 1, EventKind::QueueGet, 1, 1);
    b.at(0.4, 2, EventKind::QueueGet, 1, 2);
    b.at(0.5, 1, EventKind::QueueGet, 1, 3);
    auto tr = b.done(2);
    const RunModel m = modelOf(*tr);
    auto note = [&](double at) { return firstClauseOfOnlyNote(m, *tr, at); };
    CHECK(note(0.3) == "2 Nones were put on Queue-1, none taken yet");
    CHECK(note(0.45) == "2 Nones were put on Queue-1, 1 taken, 1 still in it");
    const std::string empty = note(0.6);
    CHECK(empty == "2 Nones were put on Queue-1 and both taken");
    CHECK(empty.find(" are ") == std::string::npos);
}

TEST_CASE("a load-imbalance callout names the idle worker, its tail and the makespan", "[explain][callout]") {
    SECTION("the tutorial pool's 1 s tail in 6 s (17 %) is no imbalance") {
        auto tr = test::tutorialPoolTrace();
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        INFO(allTexts(cs));
        CHECK(calloutOf(cs, CalloutKind::LoadImbalance) == nullptr);
    }
    SECTION("a worker idle for the last 1.6 s of 4 s (40 %)") {
        Builder b(2);
        b.task(1, 0, "L1", 0, 2);
        b.task(1, 1, "L2", 2, 4);
        b.task(2, 2, "s1", 0, 1.2);
        b.task(2, 3, "s2", 1.2, 2.4);
        auto tr = b.done(4.2);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
        REQUIRE(c);
        CHECK(c->proc == 2);
        CHECK(c->measure == Approx(0.4));
        CHECK(c->t0 == kZero + sec(2.4));
        CHECK(c->t1 == kZero + sec(4));
        CHECK(c->text ==
              "load imbalance: ForkPoolWorker-2 was idle for the last 1.60 s of the 4.00 s makespan (40 %): its last "
              "task ended at 2.40 s while ForkPoolWorker-1 still ran L2");
        CHECK(c->headline == "load imbalance: ForkPoolWorker-2 idle for the last 1.60 s (40 %)");
        CHECK(c->brief == "ForkPoolWorker-2 had no work the last 40 %");
        CHECK(c->label == "load imbalance: ForkPoolWorker-2 idle 40 %");
        // While a task still runs, the tail is not known: no callout yet.
        CHECK(calloutOf(findCallouts(m, *tr, kZero + sec(3)), CalloutKind::LoadImbalance) == nullptr);
    }
    SECTION("several idle workers are counted and each named with its tail, not only the first") {
        // Newcomer walk (session 20): Pool(4) on the tutorial's A=5 s, B, C, D=1 s named one idle
        // worker while three idled at the end. Here A is taken late (after a), so the order makes the tail.
        Builder b(4);
        b.task(1, 4, "a", 0, 1);
        b.task(1, 0, "A", 1, 5);
        b.task(2, 1, "B", 0, 1);
        b.task(3, 2, "C", 0, 1.2);
        b.task(4, 3, "D", 0, 1);
        auto tr = b.done(5.2);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
        REQUIRE(c);
        CHECK(c->proc == 2);   // the longest idle: its lane is outlined
        CHECK(c->measure == Approx(0.8));
        CHECK(c->text ==
              "load imbalance: 3 workers were idle at the end of the 5.00 s makespan: ForkPoolWorker-2 for the last "
              "4.00 s (80 %), ForkPoolWorker-4 for the last 4.00 s (80 %) and ForkPoolWorker-3 for the last 3.80 s "
              "(76 %), while ForkPoolWorker-1 still ran A");
        CHECK(c->headline == "load imbalance: 3 workers idle for the last 3.80 s to 4.00 s (76 % to 80 %)");
        CHECK(c->brief == "3 workers had no work the last 76 % to 80 %");
    }
    SECTION("a worker idle for less than the threshold is not counted among them") {
        Builder b(3);
        b.task(1, 3, "a", 0, 1);
        b.task(1, 0, "A", 1, 5);
        b.task(2, 1, "B", 0, 1);
        b.task(3, 2, "C", 0, 4.5);   // idle the last 0.5 s of 5 s: 10 %
        auto tr = b.done(5.2);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
        REQUIRE(c);
        CHECK(c->headline == "load imbalance: ForkPoolWorker-2 idle for the last 4.00 s (80 %)");
    }
    SECTION("a sub-second run's sentence says its durations in seconds, as its instant") {
        // Newcomer walk: one sentence read "160 ms of the 400 ms makespan" beside "ended at 0.24 s".
        Builder b(2);
        b.task(1, 0, "L1", 0, 0.2);
        b.task(1, 1, "L2", 0.2, 0.4);
        b.task(2, 2, "s1", 0, 0.12);
        b.task(2, 3, "s2", 0.12, 0.24);
        auto tr = b.done(0.42);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
        REQUIRE(c);
        CHECK(c->text ==
              "load imbalance: ForkPoolWorker-2 was idle for the last 0.16 s of the 0.40 s makespan (40 %): its last "
              "task ended at 0.24 s while ForkPoolWorker-1 still ran L2");
    }
}

TEST_CASE("an idle tail that is one long task taken at the start is no load imbalance: no split can shorten it",
          "[explain][callout][longtask]") {
    // Newcomer walk (session 21): `parviz gui pool --workers 4` (A=5 s, B=2, C=1, D=3) showed a pink "load
    // imbalance" for 3 idle workers, read as a fault of the pool size or the chunking; the longest task
    // bounds the makespan (the critical path).
    Builder b(4);
    b.task(1, 0, "A", 0, 5);
    b.task(2, 1, "B", 0, 2);
    b.task(3, 2, "C", 0, 1);
    b.task(4, 3, "D", 0, 3);
    auto tr = b.done(5.2);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    CHECK(calloutOf(cs, CalloutKind::LoadImbalance) == nullptr);
    const Callout* c = calloutOf(cs, CalloutKind::LongTask);
    REQUIRE(c);
    CHECK(std::string(toString(c->kind)) == "one long task");
    CHECK(c->headline == "one long task: the last 2.00 s are task A alone (5.00 s): no split can shorten it");
    CHECK(c->label == "one long task: A, 5.00 s");
    CHECK(c->text.find("no pool size or chunksize can shorten it") != std::string::npos);
    CHECK(c->text.find("critical path") != std::string::npos);
    CHECK(c->text.find("3 workers were idle") != std::string::npos);
    CHECK(c->text.find("load imbalance") == std::string::npos);
    CHECK(headlineCallout(cs) == c);
    // Its span on the axis is the stretch its words give: A alone, 3 s to 5 s (session 31).
    CHECK(c->t0 == kZero + sec(3));
    CHECK(c->t1 == kZero + sec(5));
    // Each idle worker's tail is marked, the longest first, not only the longest-idle lane's.
    REQUIRE(c->lanes.size() == 3);
    CHECK(c->lanes[0].proc == 3);   // C, idle from 1 s
    CHECK(c->lanes[0].t0 == kZero + sec(1));
    CHECK(c->lanes[1].proc == 2);   // B, from 2 s
    CHECK(c->lanes[2].proc == 4);   // D, from 3 s
    CHECK(c->lanes[2].t0 == kZero + sec(3));
    // Its words name A: the timeline writes them on A's worker's lane, not on
    // the idle C's it is outlined on (session 23).
    CHECK(c->proc == 3);
    CHECK(c->labelLane() == 1);
    // Every other callout's words are about the lane it is on.
    for (const Callout& o : cs)
        if (o.kind != CalloutKind::LongTask) CHECK(o.labelLane() == o.proc);
    // Where the same tail comes of a large chunk, it stays a load imbalance that names the chunksize.
    SECTION("a chunk of several tasks is a split that can change") {
        Builder k(2);
        k.at(0, 1, EventKind::TaskChunk, 0, 0, 2);
        k.task(1, 0, "A", 0, 2);
        k.task(1, 1, "B", 2, 4);
        k.at(0, 2, EventKind::TaskChunk, 1, 2, 1);
        k.task(2, 2, "C", 0, 1);
        auto t2 = k.done(4.2);
        const RunModel m2 = modelOf(*t2);
        const auto c2 = findCallouts(m2, *t2);
        INFO(allTexts(c2));
        CHECK(calloutOf(c2, CalloutKind::LongTask) == nullptr);
        CHECK(calloutOf(c2, CalloutKind::LoadImbalance) != nullptr);
    }
}

TEST_CASE("an oversubscription callout says how many workers on how many cores and the runnable share", "[explain][callout]") {
    // Four workers on two cores, each task 2 s of CPU: each worker is on a core
    // half the time and runnable the other half.
    Builder b(4);
    for (ProcId p = 1; p <= 4; ++p) b.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    for (int slice = 0; slice < 4; ++slice) {
        const double t = slice * 0.5;
        const ProcId on0 = slice % 2 ? 3 : 1, on1 = slice % 2 ? 4 : 2;
        const ProcId off0 = slice % 2 ? 1 : 3, off1 = slice % 2 ? 2 : 4;
        if (slice > 0) {
            b.at(t, off0, EventKind::CoreOut, 0, 0, 0, 1);
            b.at(t, off1, EventKind::CoreOut, 1, 0, 0, 1);
        }
        b.at(t, on0, EventKind::CoreIn, 0);
        b.at(t, on1, EventKind::CoreIn, 1);
    }
    auto tr = b.done(2.1);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::Oversubscription);
    REQUIRE(c);
    CHECK(c->text.rfind("oversubscription (more workers than cores, so they take turns): 4 workers on 2 cores, runnable "
                        "without a free core for ", 0) == 0);
    CHECK(c->text.find(" of their task time: on average 4.0 of them wanted a core at once (") != std::string::npos);
    CHECK(c->measure > 0.3);
    CHECK(c->measure < 0.6);
    // Its headline (presentation's This run tab): why the run is slower, in the legend's words, one short line.
    // The share before the legend's words (session 29: "..., runnable, no free core 38 % of the time" read as garbled).
    CHECK(c->headline.rfind("oversubscription: 4 workers on 2 cores, ", 0) == 0);
    CHECK(c->headline.find(" % of the time runnable, no free core") != std::string::npos);
    CHECK(c->headline.size() < 80);
    // Its brief (presentation's This run at 1280x720, one line of ~40
    // characters): still why, in plain words. The headline wrapped there
    // and its second line fell below the fold.
    CHECK(c->brief == "4 workers, 2 cores: many wait for a core");
    // Its label (the timeline's legend, Why's one line of callouts): the kind and the pool on the cores.
    CHECK(c->label == "oversubscription: 4 workers on 2 cores");
}

// Classroom walk (session 14): Why blamed oversubscription alone while the
// CPU lanes were hatched "other programs" (two busy loops beside pool-sizes).
// Four workers in CPU tasks on two cores; in every half second two of them
// run 0.3 s and are preempted for 0.2 s by another program (the cores' load
// samples say 100 % busy), the other two stay runnable: the workers hold 60 %
// of the cores, other programs 40 %.
TEST_CASE("oversubscription while other programs also hold the cores says both, with the core monitor's share",
          "[explain][callout][otherload]") {
    Builder b(4);
    for (ProcId p = 1; p <= 4; ++p) b.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    for (int slice = 0; slice < 4; ++slice) {
        const double t = slice * 0.5;
        const ProcId on0 = slice % 2 ? 3 : 1, on1 = slice % 2 ? 4 : 2;
        b.at(t, on0, EventKind::CoreIn, 0);
        b.at(t + 0.3, on0, EventKind::CoreOut, 0, 0, 0, 1);
        b.at(t, on1, EventKind::CoreIn, 1);
        b.at(t + 0.3, on1, EventKind::CoreOut, 1, 0, 0, 1);
    }
    for (int k = 1; k <= 21; ++k)
        for (int core = 0; core < 2; ++core)
            b.at(k * 0.1, 0, EventKind::CoreLoad, core, static_cast<std::uint64_t>(sec(0.1)),
                 static_cast<std::uint64_t>(sec(0.1)));
    auto tr = b.done(2.1);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::Oversubscription);
    REQUIRE(c);
    // One definition: the callout's share is otherLoadFromSamples' over its stretch.
    const MachineLoad ol = otherLoadFromSamples(m, c->t0, c->t1);
    REQUIRE(ol.coreNs > 0);
    char want[64];
    std::snprintf(want, sizeof want, "other programs used %.0f %% of the cores",
                  100.0 * static_cast<double>(ol.otherNs) / static_cast<double>(ol.coreNs));
    // From the first runnable moment (0.3 s) to the end: 40 to 50 %.
    CHECK(static_cast<double>(ol.otherNs) / static_cast<double>(ol.coreNs) == Approx(0.45).margin(0.06));
    CHECK(c->text.find(std::string(", and ") + want + ": on average ") != std::string::npos);
    CHECK(c->headline.find(std::string(", and ") + want) != std::string::npos);
    CHECK(c->brief == "4 workers + other programs on 2 cores");
    // Why at 1.4 s (all four runnable, other programs on both cores): the
    // pool's own cause and the other programs' share around then.
    const Explanation x = buildExplain(m, *tr, kZero + sec(1.4));
    CHECK(textOf(x, "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 is runnable, waiting for a free core: task A wants to run, but 4 of this run's processes "
          "want 2 cores — oversubscription (other programs have them just now), and other programs used 40 % of the "
          "cores around then (runnable since 1.30 s)");
    REQUIRE(!x.lines.empty());
    CHECK(x.lines.back().text == "ForkPoolWorker-1, -2, -3 and -4 are runnable, waiting for a free core: 4 processes "
                                 "want 2 cores (oversubscription), and other programs used 40 % of the cores around "
                                 "then");
    // The busy flag at a cut measures the same samples the same way.
    const RunStats st = computeStats(m, *tr, kZero + sec(2.0));
    const MachineLoad all = otherLoadFromSamples(m, std::numeric_limits<std::int64_t>::min(), kZero + sec(2.0));
    REQUIRE(st.machine.otherShare);
    CHECK(*st.machine.otherShare == Approx(static_cast<double>(all.otherNs) / static_cast<double>(all.coreNs)));
}

// Session 22's newcomer walk (finding 4): This run said "8 workers + other programs on 2 cores"
// while the same run's Compare row and the sweep's answer called it not busy: two judgements.
// Now the run's busy verdict decides whether the callout names other programs: the same trace
// as above, with a measurement that judged the run quiet, names none.
TEST_CASE("the oversubscription callout names other programs only when the run's own busy verdict is not quiet",
          "[explain][callout][otherload][busyverdict]") {
    Builder b(4);
    for (ProcId p = 1; p <= 4; ++p) b.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    for (int slice = 0; slice < 4; ++slice) {
        const double t = slice * 0.5;
        const ProcId on0 = slice % 2 ? 3 : 1, on1 = slice % 2 ? 4 : 2;
        b.at(t, on0, EventKind::CoreIn, 0);
        b.at(t + 0.3, on0, EventKind::CoreOut, 0, 0, 0, 1);
        b.at(t, on1, EventKind::CoreIn, 1);
        b.at(t + 0.3, on1, EventKind::CoreOut, 1, 0, 0, 1);
    }
    for (int k = 1; k <= 21; ++k)
        for (int core = 0; core < 2; ++core)
            b.at(k * 0.1, 0, EventKind::CoreLoad, core, static_cast<std::uint64_t>(sec(0.1)),
                 static_cast<std::uint64_t>(sec(0.1)));
    // The run's own measurement (the Recorder's MachineLoad): 2 cores, 2.1 s, others 1 % of them.
    MachineLoad ml;
    ml.cores = 2;
    ml.coreNs = 2 * sec(2.1);
    ml.otherNs = sec(0.042);
    ml.preciseIdle = true;
    const Event e = machineLoadEvent(0, ml);
    b.at(2.1, 0, EventKind::MachineLoad, e.obj, e.a, e.b, e.flags);
    auto tr = b.done(2.1);
    const RunModel m = modelOf(*tr);
    REQUIRE(computeStats(m, *tr).machine.busy == false);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::Oversubscription);
    REQUIRE(c);
    CHECK(c->text.find("other programs") == std::string::npos);
    CHECK(c->brief == "4 workers, 2 cores: most wait for a core");   // not "4 workers + other programs on 2 cores"
}

TEST_CASE("a percentage is whole but never rounded onto 100 % or 0 % it is not", "[explain][percent]") {
    CHECK(formatPercent(0.87) == "87%");
    CHECK(formatPercent(1.0) == "100%");
    CHECK(formatPercent(0.0) == "0%");
    CHECK(formatPercent(0.995) == "99.5%");   // speedup 1.99x on 2 workers
    CHECK(formatPercent(0.9996) == "99.96%");
    CHECK(formatPercent(0.004) == "0.4%");
    CHECK(formatPercent(1.02) == "102%");
    CHECK(formatPercent(0.5, true) == "50 %");
}

TEST_CASE("an instant is written in seconds, as the time axis labels it, never as a duration in ms", "[explain][instant]") {
    CHECK(formatInstant(0) == "0 s");
    CHECK(formatInstant(22'000'000) == "0.022 s");
    CHECK(formatInstant(700'000'000) == "0.70 s");
    CHECK(formatInstant(5'000'000) == "0.0050 s");
    CHECK(formatInstant(50'000) == "0.000050 s");
    CHECK(formatInstant(3'020'000'000) == "3.02 s");
    CHECK(formatInstant(12'300'000'000) == "12.3 s");
    // In Why: "since 22 ms" read as "for 22 ms" (classroom walk).
    Builder b(1);
    b.task(1, 0, "A", 0.022, 2);
    b.at(0.022, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::Sleeping));
    auto tr = b.done(2.1);
    const RunModel m = modelOf(*tr);
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(1)), "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 is in task A since 0.022 s, sleeping: sleep work needs no core");
}

// Classroom walk: "done in 6.00 s" beside "task D ended at 6.04 s" read as two
// ends of one run. The makespan is the run's one length, and it says which
// instants bound it.
TEST_CASE("the makespan names the instants that bound it: the first task's start and the last task's end",
          "[stats][makespan]") {
    Builder b(2);
    b.task(1, 0, "A", 0.03, 5.03);
    b.task(2, 1, "B", 0.04, 6.04);
    auto tr = b.done(6.06);
    const RunModel m = modelOf(*tr);
    const RunStats st = computeStats(m, *tr);
    CHECK(st.makespanNs == sec(6.04) - sec(0.03));
    CHECK(st.makespanFromNs == sec(0.03));
    CHECK(st.makespanToNs == sec(6.04));
    CHECK(describeMakespanBounds(st) == "from the first task's start (0.030 s) to the last task's end (6.04 s)");
    const auto keys = keyNumbers(st, "", true);
    REQUIRE(!keys.empty());
    CHECK(keys.front().label == "makespan");
    CHECK(keys.front().tip.find("The run's length: from the first task's start (0.030 s) to the last task's end "
                                "(6.04 s)") == 0);
}

TEST_CASE("a lock convoy callout counts the waiters at once and compares waiting with holding", "[explain][callout]") {
    Builder b(4, "Process-", ProcRole::Process);
    b.tr->addObject({ObjectKind::Lock, 1, "lock"});
    for (ProcId p = 1; p <= 4; ++p) b.at(0, p, EventKind::LockWait, 1);
    for (ProcId p = 1; p <= 4; ++p) {
        b.at(p - 1, p, EventKind::LockAcquire, 1);
        b.at(p, p, EventKind::LockRelease, 1);
    }
    auto tr = b.done(4.5);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    const Callout* c = calloutOf(cs, CalloutKind::LockConvoy);
    REQUIRE(c);
    CHECK(c->text ==
          "lock convoy (processes queued at one lock, taking it in turn) on the lock: up to 3 processes waited for it at once; 3 processes waited 6.00 s in all against "
          "4.00 s of holding it (1.5x as long): the work inside the lock runs one process at a time");
    // Newcomer walk: "lock convoy: 4 processes waited 1.7x as long as lock
    // was held" was hard to parse (total wait against total hold?) and
    // missed its article: the totals said as what they are.
    CHECK(c->headline == "lock convoy: 3 processes spent 1.5x as long waiting for the lock as holding it");
    CHECK(c->brief == "3 processes queue for the lock");
    CHECK(c->label == "lock convoy: 3 processes queue for the lock");
    CHECK(c->t0 == kZero);
    CHECK(c->t1 == kZero + sec(2));
}

TEST_CASE("a Lock held most of the makespan while the workers wait for it in turn is a lock convoy, one waiter at a time",
          "[explain][callout]") {
    // Newcomer walk: a traced Pool(2) whose six tasks each hold Lock-1 0.2 s
    // and then sleep 0.1 s got speedup 1.38x, and its Why never said the lock
    // was why: with two workers only one waits at a time, so the convoy's
    // "two or more waiting at once" never triggered. The lock was held 1.20 s
    // of the 1.30 s makespan: the run can be no shorter, however many workers.
    for (const double hold : {0.2, 0.02}) {
        INFO("each task holds the lock " << hold << " s");
        Builder b(2);
        b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
        double ready[3] = {0, 0, 0}, lockFree = 0;
        for (int i = 0; i < 6; ++i) {
            const ProcId p = ready[1] <= ready[2] ? 1 : 2;
            const double start = ready[p], a = std::max(start, lockFree);
            if (a > start) b.at(start, p, EventKind::LockWait, 1);
            b.at(a, p, EventKind::LockAcquire, 1);
            b.at(a + hold, p, EventKind::LockRelease, 1);
            b.task(p, i, "t" + std::to_string(i), start, a + hold + 0.1);
            lockFree = a + hold;
            ready[p] = a + hold + 0.1;
        }
        auto tr = b.done(std::max(ready[1], ready[2]) + 0.1);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        INFO(allTexts(cs));
        const Callout* c = calloutOf(cs, CalloutKind::LockConvoy);
        if (hold < 0.1) {   // held a fifth of the makespan: the lock is no bottleneck
            CHECK_FALSE(c);
            continue;
        }
        REQUIRE(c);
        CHECK(c->headline == "lock convoy: Lock-1 held 92 % of the makespan (1.20 s of 1.30 s), one process at a time");
        CHECK(c->text == "lock convoy (processes taking one lock in turn) on Lock-1: it was held 1.20 s of the 1.30 s "
                         "makespan (92 %), and 2 processes waited 0.60 s in all for it: the work inside the lock runs "
                         "one process at a time, so more workers cannot make the run shorter than 1.20 s");
        CHECK(c->brief.size() <= 42);
        CHECK(c->label == "lock convoy: Lock-1 held 92 %");
        CHECK(c->t0 == kZero);
        CHECK(c->t1 == kZero + sec(1.2));
        REQUIRE(headlineCallout(cs));
        CHECK(headlineCallout(cs)->kind == CalloutKind::LockConvoy);
    }
}

TEST_CASE("a lock-bound pool's idle tail names the lock, and a lock convoy headlines above load imbalance",
          "[explain][callout]") {
    // Classroom walk: Pool(2).map whose tasks take one Lock headlined "load
    // imbalance: ForkPoolWorker-4 idle for the last 216 ms (25 %)" while the
    // workers spent a third of their task time waiting for Lock-1.
    Builder b(2);
    b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
    b.task(1, 0, "A", 0, 1);
    b.task(2, 1, "B", 0, 2);
    b.at(0, 1, EventKind::LockAcquire, 1);
    b.at(0.01, 2, EventKind::LockWait, 1);
    b.at(1, 1, EventKind::LockRelease, 1);
    b.at(1, 2, EventKind::LockAcquire, 1);
    b.at(2, 2, EventKind::LockRelease, 1);
    auto tr = b.done(2.5);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
    REQUIRE(c);
    INFO(c->text << "\n" << c->headline);
    CHECK(c->headline.rfind("load imbalance from Lock-1: workers waited for it 33 % of their task time", 0) == 0);
    CHECK(c->text.find("But the workers waited for Lock-1 33 % of their task time") != std::string::npos);

    // With a convoy in the run too, the convoy is the headline.
    Callout tail, convoy;
    tail.kind = CalloutKind::LoadImbalance;
    tail.measure = 0.5;
    convoy.kind = CalloutKind::LockConvoy;
    convoy.measure = 2;
    const std::vector<Callout> both{tail, convoy};
    REQUIRE(headlineCallout(both));
    CHECK(headlineCallout(both)->kind == CalloutKind::LockConvoy);
}

TEST_CASE("a worker idle on the empty task queue while the others queue at a lock: the lock's doing, not load imbalance",
          "[explain]") {
    // Newcomer walk (session 17): a student's lock-bound Pool read
    // "ForkPoolWorker-3 still runs task 6 — load imbalance" while its own
    // sentence said it waited for Lock-1.
    Builder b(3);
    b.tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
    for (ProcId p = 1; p <= 3; ++p) {
        b.at(0, 0, EventKind::QueuePut, 1, p, b.tr->addString("task"));
        b.at(0, p, EventKind::QueueGet, 1, p);
    }
    b.task(1, 0, "A", 0, 0.5);
    b.at(0.6, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    b.task(2, 1, "B", 0, 2);
    b.task(3, 2, "C", 0, 3);
    b.at(0, 2, EventKind::LockAcquire, 1);
    b.at(0.1, 3, EventKind::LockWait, 1);
    b.at(2, 2, EventKind::LockRelease, 1);
    b.at(2, 3, EventKind::LockAcquire, 1);
    b.at(3, 3, EventKind::LockRelease, 1);
    auto tr = b.done(3.5);
    const RunModel m = modelOf(*tr);
    // At 1 s worker 3 waits for Lock-1 inside task C, worker 2 holds it.
    const std::string idle = textOf(buildExplain(m, *tr, kZero + sec(1)), "ForkPoolWorker-1");
    INFO(idle);
    CHECK(idle.find("queue at Lock-1") != std::string::npos);
    CHECK(idle.find("lock convoy") != std::string::npos);
    CHECK(idle.find("load imbalance") == std::string::npos);
    // At 2.5 s nobody waits for the lock: worker 3 runs the last task alone, its first, taken at the
    // start: one long task, no split can shorten it (session 21).
    const std::string tailEnd = textOf(buildExplain(m, *tr, kZero + sec(2.5)), "ForkPoolWorker-1");
    INFO(tailEnd);
    CHECK(tailEnd.find("taken at the start \u2014 one long task: no split can shorten it") != std::string::npos);
    CHECK(tailEnd.find("lock convoy") == std::string::npos);
}

TEST_CASE("processes each given their own work raise no load imbalance; workers sharing a job queue do",
          "[explain][callout]") {
    // Newcomer walk, item 10: the lock program (Process objects, each its own
    // rounds, no pool or job queue) showed a "load imbalance" callout: an idle
    // process there had no shared work it could have taken.
    auto shape = [](bool sharedQueue) {
        Builder b(2, "Process-", ProcRole::Process);
        b.tr->addObject({ObjectKind::Queue, 1, "jobs"});
        const std::uint64_t job = b.tr->addString("job");
        if (sharedQueue) {
            for (int i = 0; i < 3; ++i) b.at(0, 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), job);
            b.at(0, 1, EventKind::QueueGet, 1, 1);
            b.at(0, 2, EventKind::QueueGet, 1, 2);
            b.at(2, 1, EventKind::QueueGet, 1, 3);
        }
        b.task(1, 0, "a", 0, 2);
        b.task(1, 1, "b", 2, 4);
        b.task(2, 2, "c", 0, 1);   // idle for the last 3 s of 4 s, alive to the end
        return b.done(4.2);
    };
    {
        auto tr = shape(false);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        INFO(allTexts(cs));
        CHECK(calloutOf(cs, CalloutKind::LoadImbalance) == nullptr);
    }
    {
        auto tr = shape(true);
        const RunModel m = modelOf(*tr);
        const auto cs = findCallouts(m, *tr);
        INFO(allTexts(cs));
        const Callout* c = calloutOf(cs, CalloutKind::LoadImbalance);
        REQUIRE(c);
        CHECK(c->proc == 2);
    }
}

TEST_CASE("a parent that feeds a queue one item at a time while workers wait is a serial bottleneck", "[explain][callout]") {
    Builder b(2, "Process-", ProcRole::Process);
    b.tr->addObject({ObjectKind::Queue, 1, "jobs"});
    const std::uint64_t v = b.tr->addString("job");
    for (ProcId p = 1; p <= 2; ++p) b.at(0, p, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    for (int i = 0; i < 5; ++i) {
        const ProcId p = static_cast<ProcId>(1 + i % 2);
        b.at(i, 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), v);
        b.at(i, p, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i + 1));
        b.at(i, p, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
        b.task(p, i, "job" + std::to_string(i), i, i + 0.1);
        b.at(i + 0.1, p, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    }
    auto tr = b.done(5);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::SerialParent);
    REQUIRE(c);
    CHECK(c->text ==
          "serial bottleneck in the parent: MainProcess alone put the 5 items on jobs, one every 1.00 s over 4.00 s; the "
          "2 workers spent 95 % of that time waiting for it");
    CHECK(c->headline == "serial bottleneck: the workers waited 95 % of the time for MainProcess's puts");
    CHECK(c->brief == "workers wait 95 % for MainProcess's puts");
    CHECK(c->label == "serial bottleneck: workers wait 95 %");
    CHECK(calloutOf(cs, CalloutKind::QueueBacklog) == nullptr);
}

TEST_CASE("a queue that grows while its consumer takes items raises a backlog callout", "[explain][callout]") {
    Builder b(1, "Process-", ProcRole::Process);
    b.tr->addObject({ObjectKind::Queue, 1, "jobs"});
    const std::uint64_t v = b.tr->addString("job");
    for (int i = 0; i < 10; ++i) b.at(0.1 * i, 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), v);
    for (int i = 0; i < 4; ++i) b.at(0.05 + 0.3 * i, 1, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i + 1));
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::QueueBacklog);
    REQUIRE(c);
    CHECK(c->text.rfind("growing queue backlog: jobs grew from ", 0) == 0);
    CHECK(c->headline.rfind("growing queue backlog: jobs grew from ", 0) == 0);
    CHECK(c->brief.rfind("jobs grew ", 0) == 0);
    CHECK(c->brief.find(": takers too slow") != std::string::npos);
    CHECK(c->measure >= kBacklogGrowth);
    SECTION("the same items all put at once and drained is no backlog") {
        Builder b2(1, "Process-", ProcRole::Process);
        b2.tr->addObject({ObjectKind::Queue, 1, "jobs"});
        for (int i = 0; i < 10; ++i) b2.at(0, 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), v);
        for (int i = 0; i < 10; ++i) b2.at(0.1 * i + 0.05, 1, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i + 1));
        auto tr2 = b2.done(1.0);
        const RunModel m2 = modelOf(*tr2);
        const auto cs2 = findCallouts(m2, *tr2);
        INFO("drained: " << allTexts(cs2));
        CHECK(cs2.empty());
    }
}

TEST_CASE("a backlog callout starts where the queue starts to grow, not at the run's start", "[explain][callout]") {
    // A traced producer/consumer (my_queue.py): python starts at 0.0 s, the
    // producer 0.4 s later puts an item every 0.1 s, the consumer takes one
    // every 0.3 s. The callout's bar began at 0.0 s, before any process of
    // the program existed, and its rates counted the empty 0.4 s.
    Builder b(2, "Process-", ProcRole::Process);
    b.tr->addObject({ObjectKind::Queue, 1, "jobs"});
    const std::uint64_t v = b.tr->addString("['T9', 0.25]");
    for (int i = 0; i < 16; ++i) b.at(0.4 + 0.1 * i, 1, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), v);
    for (int i = 0; i < 5; ++i) b.at(0.45 + 0.3 * i, 2, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i + 1));
    auto tr = b.done(2.0);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::QueueBacklog);
    REQUIRE(c);
    // The consumer takes the first item at 0.45 s: the queue last stands
    // empty there and grows from the put at 0.5 s on.
    CHECK(c->t0 == kZero + sec(0.5));
    CHECK(c->text.find("grew from 0 to ") != std::string::npos);
    CHECK(c->text.find(" between 0.50 s and ") != std::string::npos);
    // Its rates counted from there: the puts up to its end over its own span.
    const double secs = static_cast<double>(c->t1 - c->t0) / 1e9;
    std::size_t puts = 0;
    for (int i = 0; i < 16; ++i) puts += kZero + sec(0.4 + 0.1 * i) >= c->t0 && kZero + sec(0.4 + 0.1 * i) <= c->t1;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%zu put (%.1f per s)", puts, static_cast<double>(puts) / secs);
    CHECK(c->text.find(rate) != std::string::npos);
}

TEST_CASE("Pool.map putting all its chunks at once after the pool starts is no queue backlog", "[explain][callout]") {
    // Pool.map puts every chunk in one burst once the pool is up (here 0.15 s
    // into the run, after the workers started), then the workers drain them:
    // the queue is longest right after the burst, which is no backlog.
    Builder b(2);
    b.tr->addObject({ObjectKind::Queue, 1, "task queue"});
    const std::uint64_t v = b.tr->addString("chunk");
    for (int i = 0; i < 8; ++i) b.at(0.15 + 0.0001 * i, 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), v);
    for (int i = 0; i < 8; ++i) {
        const ProcId p = static_cast<ProcId>(1 + i % 2);
        const double t = 0.15 + 0.2 * (i / 2);
        b.at(t + 0.001, p, EventKind::QueueGet, 1, static_cast<std::uint64_t>(i + 1));
        b.task(p, i, "c" + std::to_string(i), t + 0.002, t + 0.2);
    }
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    CHECK(calloutOf(cs, CalloutKind::QueueBacklog) == nullptr);
}

TEST_CASE("stepping moves from one program event to the next, skipping core switches, for all or one process", "[explain][step]") {
    auto tr = test::tutorialPoolTrace();
    const RunModel m = modelOf(*tr);
    auto next = [&](double from, ProcId only = kNoProc) {
        auto s = stepProgramEvent(m, *tr, kZero + sec(from), true, only);
        return s ? static_cast<double>(s->t - kZero) / 1e9 : -1.0;
    };
    auto prev = [&](double from, ProcId only = kNoProc) {
        auto s = stepProgramEvent(m, *tr, kZero + sec(from), false, only);
        return s ? static_cast<double>(s->t - kZero) / 1e9 : -1.0;
    };
    // Events at 1 s are a core switch only: skipped.
    CHECK(next(0) == Approx(2.0));
    CHECK(next(2) == Approx(3.0));
    CHECK(next(3) == Approx(5.0));
    CHECK(next(5) == Approx(6.0));
    CHECK(next(6) == Approx(6.1));
    CHECK(next(6.1) == -1.0);   // RunEnd is no program event
    CHECK(prev(6.1) == Approx(6.0));
    CHECK(prev(2) == Approx(0.0));
    CHECK(prev(0) == -1.0);
    // One process: ForkPoolWorker-1 only ends A at 5 s and exits at 6.1 s.
    CHECK(next(0, 1) == Approx(5.0));
    CHECK(next(5, 1) == Approx(6.1));
    CHECK(prev(5, 1) == Approx(0.0));
    CHECK(isProgramEvent(EventKind::QueuePut));
    CHECK_FALSE(isProgramEvent(EventKind::CoreIn));
    CHECK_FALSE(isProgramEvent(EventKind::State));
}

TEST_CASE("results the caller received at the same instant are one step, and the caption says them as one",
          "[explain][step]") {
    // map hands MainProcess all 28 results at once: the demo's loop writes
    // them a few microseconds apart. Before: 28 presses of Next, one result each.
    Builder b(2);
    b.task(1, 0, "L1", 0.1, 0.5);
    b.task(2, 1, "s2", 0.1, 0.3);
    std::vector<std::string> names{"L1"};
    for (int i = 1; i < 27; ++i) names.push_back("s" + std::to_string(i + 1));
    names.push_back("s24");
    for (int i = 0; i < 28; ++i)
        b.at(0.6 + 0.000003 * i, 0, EventKind::PoolResult, i, b.tr->addString(names[static_cast<std::size_t>(i)]));
    b.at(0.7, 0, EventKind::Print, 0, b.tr->addString("done"));
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    const auto s = stepProgramEvent(m, *tr, kZero + sec(0.55), true);
    REQUIRE(s);
    CHECK(s->count == 28);
    CHECK(s->t == kZero + sec(0.6 + 0.000003 * 27));
    const Caption c = buildCaption(m, *tr, s->t);
    CHECK(c.grouped == 28);
    CHECK(c.text == "MainProcess received 28 results at once: L1 \u2026 s24 (the call handed them over together)");
    // The next press goes past the group: the print.
    const auto after = stepProgramEvent(m, *tr, s->t, true);
    REQUIRE(after);
    CHECK(after->t == kZero + sec(0.7));
    // Back from the print: the whole group again, then the task that ended before it.
    const auto back = stepProgramEvent(m, *tr, after->t, false);
    REQUIRE(back);
    CHECK(back->t == s->t);
    CHECK(back->count == 28);
    const auto before = stepProgramEvent(m, *tr, back->t, false);
    REQUIRE(before);
    CHECK(before->t == kZero + sec(0.5));
    CHECK(before->count == 1);
    // A cursor inside the group (clicked there) steps back past all of it too.
    const auto inside = stepProgramEvent(m, *tr, kZero + sec(0.6 + 0.000003 * 10), false);
    REQUIRE(inside);
    CHECK(inside->t == kZero + sec(0.5));
    // Events of different processes, or more than an instant apart, stay their own steps.
    CHECK(stepProgramEvent(m, *tr, kZero + sec(0.05), true)->count == 1);

    // The queue demo's whole run is ~50 us: an instant is a thousandth of it,
    // so its puts 5 us apart are still walked one by one.
    Builder q(1);
    q.tr->addObject({ObjectKind::Queue, 1, "queue"});
    for (int i = 0; i < 5; ++i)
        q.at(0.000005 * (i + 1), 0, EventKind::QueuePut, 1, static_cast<std::uint64_t>(i + 1), q.tr->addString("x"));
    auto qt = q.done(0.00005);
    const RunModel qm = modelOf(*qt);
    const auto first = stepProgramEvent(qm, *qt, kZero, true);
    REQUIRE(first);
    CHECK(first->count == 1);
    CHECK(first->t == kZero + sec(0.000005));
}

namespace {
struct RealRun {
    std::shared_ptr<Trace> trace;
    RunModel model;
    std::vector<Callout> callouts;
};

RealRun realRun(const Scenario& sc, std::function<void(RunOptions&)> tweak) {
    RunOptions o;
    tweak(o);
    Run run(sc, o);
    run.start();
    REQUIRE(run.wait(120));
    RealRun r;
    r.trace = run.trace();
    r.model.update(*r.trace);
    r.callouts = findCallouts(r.model, *r.trace);
    return r;
}

std::vector<Callout> calloutsOfRealRun(const std::string& scenario, std::function<void(RunOptions&)> tweak) {
    return realRun(loadScenario(scenario), std::move(tweak)).callouts;
}

// What a real run really did, measured from its own task records (not from
// what its scenario meant it to do: a busy machine stretches short sleeps
// and starts workers late): the worker whose last task ended first, its idle
// tail against the makespan (first task start to last task end), and the
// task that ended last.
struct MeasuredTail {
    int workers = 0;               // workers that ran a task
    ProcId idle = kNoProc, busy = kNoProc;
    double share = 0;              // idle tail / makespan
    int idleWorkers = 0;           // workers idle at least kImbalanceTailShare of the makespan at the end
    std::string lastTask;
    std::int32_t lastChunk = -1;
    bool lastFirst = false;        // the task that ended last was its worker's first (taken at the start)
    std::string says;              // the numbers, for INFO
};

MeasuredTail measuredTail(const RunModel& m, const Trace& tr) {
    MeasuredTail out;
    std::map<ProcId, std::int64_t> lastEnd;
    std::int64_t first = INT64_MAX, end = INT64_MIN;
    for (const TaskRecord& r : m.tasks()) {
        first = std::min(first, r.t0);
        lastEnd[r.proc] = std::max(lastEnd.count(r.proc) ? lastEnd[r.proc] : INT64_MIN, r.t1);
        if (r.t1 > end) {
            end = r.t1;
            out.busy = r.proc;
            out.lastTask = std::string(tr.string(r.name));
            out.lastChunk = r.chunk;
        }
    }
    out.workers = static_cast<int>(lastEnd.size());
    for (const TaskRecord& r : m.tasks())
        if (r.t1 == end && r.proc == out.busy) {
            out.lastFirst = std::none_of(m.tasks().begin(), m.tasks().end(),
                                         [&](const TaskRecord& o) { return o.proc == r.proc && o.t0 < r.t0; });
            out.lastFirst = out.lastFirst && r.summarised == 0;
        }
    std::int64_t idleEnd = INT64_MAX;
    for (const auto& [p, e] : lastEnd)
        if (e < idleEnd) {
            idleEnd = e;
            out.idle = p;
        }
    if (out.workers >= 2) out.share = static_cast<double>(end - idleEnd) / static_cast<double>(end - first);
    for (const auto& [p, e] : lastEnd)
        out.idleWorkers += out.workers >= 2 && static_cast<double>(end - e) / static_cast<double>(end - first) >= kImbalanceTailShare;
    for (const auto& [p, e] : lastEnd)
        out.says += procName(tr.meta(), p) + " last task ended at " + std::to_string((e - first) / 1000000) + " ms; ";
    out.says += "makespan " + std::to_string((end - first) / 1000000) + " ms, tail share " + std::to_string(out.share);
    return out;
}

// The load-imbalance callout agrees with what the run did: raised exactly
// when the measured tail reaches kImbalanceTailShare, then naming the idle
// worker, its share, the worker still running and the task (and chunk) it ran.
void checkImbalanceAgrees(const RealRun& r) {
    const MeasuredTail t = measuredTail(r.model, *r.trace);
    INFO("measured: " << t.says);
    INFO("callouts: " << allTexts(r.callouts));
    const Callout* c = calloutOf(r.callouts, CalloutKind::LoadImbalance);
    const Callout* longOne = calloutOf(r.callouts, CalloutKind::LongTask);
    if (t.workers < 2 || t.share < kImbalanceTailShare) {
        CHECK(c == nullptr);
        CHECK(longOne == nullptr);
        return;
    }
    // The task that ended last was taken at the start, alone: one long task
    // that no split can shorten, not a load imbalance.
    if (t.lastFirst) {
        CHECK(c == nullptr);
        REQUIRE(longOne);
        CHECK(longOne->proc == t.idle);
        CHECK(longOne->text.rfind("one long task: the last ", 0) == 0);
        CHECK(longOne->text.find("task " + t.lastTask + " alone") != std::string::npos);
        CHECK(longOne->text.find("no pool size or chunksize can shorten it") != std::string::npos);
        return;
    }
    CHECK(longOne == nullptr);
    REQUIRE(c);
    CHECK(c->proc == t.idle);
    CHECK(c->measure == Approx(t.share).epsilon(1e-9));
    if (t.idleWorkers == 1)
        CHECK(c->text.rfind("load imbalance: " + procName(r.trace->meta(), t.idle) + " was idle for the last ", 0) == 0);
    else
        CHECK(c->text.rfind("load imbalance: " + std::to_string(t.idleWorkers) + " workers were idle at the end", 0) == 0);
    CHECK(c->text.find("while " + procName(r.trace->meta(), t.busy) + " still ran " + t.lastTask) != std::string::npos);
    bool bigChunk = false;
    for (const ChunkRecord& ch : r.model.chunks())
        bigChunk = bigChunk || (ch.proc == t.busy && ch.chunk == t.lastChunk && ch.count > 1);
    CHECK((c->text.find("Smaller chunks (chunksize)") != std::string::npos) == bigChunk);
    if (bigChunk) CHECK(c->text.find("(chunk " + std::to_string(t.lastChunk) + ": ") != std::string::npos);
}
} // namespace

TEST_CASE("a real pool-uneven run raises the load-imbalance callout", "[explain][callout][real]") {
    // 4 jobs of 1 s then 24 of 0.1 s on Pool(2): CPython's default chunksize
    // (4) hands all the long ones to one worker, which ends 1.6 s after the
    // other on a quiet machine. On a busy one the short sleeps stretch and a
    // worker may start late, so the callout is judged against the run's own
    // task times: raised exactly when its measured tail says so.
    SECTION("pool-uneven at 0.2x, judged by its own task times") {
        checkImbalanceAgrees(realRun(loadScenario("pool-uneven"), [](RunOptions& o) { o.timeScale = 0.2; }));
    }
    SECTION("one 0.6 s task beside two of 0.03 s: a tail no busy machine closes") {
        // Chunksize 1 on two workers: one takes the long task, the other the
        // two short ones and is done ~0.5 s early — unless a worker starts
        // more than 0.5 s late, the tail is over 20 % whatever the load.
        const Scenario sc = parseScenario(R"({"kind": "pool", "pool_size": 2, "chunksize": 1, "tasks": [
            {"name": "long", "seconds": 0.6}, {"name": "s1", "seconds": 0.03}, {"name": "s2", "seconds": 0.03}]})",
                                          "uneven.json");
        const RealRun r = realRun(sc, [](RunOptions& o) { o.timeScale = 1.0; });
        checkImbalanceAgrees(r);
        const MeasuredTail t = measuredTail(r.model, *r.trace);
        INFO(t.says);
        CHECK(t.share >= kImbalanceTailShare);   // the shape the file sets up, with a margin of 3x
        // The long task is taken first, alone: no split shortens the run (session 21).
        CHECK(calloutOf(r.callouts, (t.lastFirst ? CalloutKind::LongTask : CalloutKind::LoadImbalance)) != nullptr);
    }
    SECTION("the tutorial's pool on 4 workers: A (5 s) alone at the end is one long task") {
        // Newcomer walk (session 21): `parviz gui pool --workers 4` read "load imbalance" for the three
        // workers idle while A ran; no pool size or chunksize shortens A.
        const RealRun r = realRun(loadScenario("pool"), [](RunOptions& o) {
            o.timeScale = 0.2;
            o.workers = 4;
        });
        checkImbalanceAgrees(r);
        const MeasuredTail t = measuredTail(r.model, *r.trace);
        INFO(t.says);
        if (t.lastFirst && t.share >= kImbalanceTailShare) CHECK(calloutOf(r.callouts, CalloutKind::LoadImbalance) == nullptr);
    }
}

TEST_CASE("real Pool.map runs (all their chunks put at once) raise no queue backlog", "[explain][callout][real]") {
    // pool on 32 workers: close() puts 32 stop signals at once after the four
    // tasks, which read as a backlog before stop signals were left out.
    const auto [scenario, workers] = GENERATE(
        table<std::string, int>({{"pool-uneven", 2}, {"pool-sizes", 2}, {"pool-sizes", 1}, {"pool", 1}, {"pool", 32}}));
    INFO(scenario << " on " << workers << " workers");
    const auto cs = calloutsOfRealRun(scenario, [w = workers](RunOptions& o) {
        o.timeScale = 0.2;
        o.workers = w;
    });
    INFO(allTexts(cs));
    CHECK(calloutOf(cs, CalloutKind::QueueBacklog) == nullptr);
}

TEST_CASE("a real pool-cpu run (CPU work on twice the cores) raises the oversubscription callout", "[explain][callout][real]") {
    const auto cs = calloutsOfRealRun("pool-cpu", [](RunOptions& o) { o.timeScale = 0.1; });
    INFO(allTexts(cs));
    const Callout* c = calloutOf(cs, CalloutKind::Oversubscription);
    REQUIRE(c);
    CHECK(c->text.find(std::to_string(loadScenario("pool-cpu").poolSize) + " workers on ") != std::string::npos);
    CHECK(c->measure > kRunnableShare);
}

TEST_CASE("workers preempted by other programs while they mostly wait are no oversubscription", "[explain][callout]") {
    // Three workers, two cores, tasks of 2 s: each is on a core 0.1 s and
    // runnable 0.5 s (another program had the core), and waits for a lock the
    // rest of the time: on average 0.9 of them wanted a core, fewer than the cores.
    Builder b(3);
    for (ProcId p = 1; p <= 3; ++p) b.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    for (ProcId p = 1; p <= 3; ++p) {
        const double t = (p - 1) * 0.6;
        b.at(t, p, EventKind::CoreIn, 0);
        b.at(t + 0.1, p, EventKind::CoreOut, 0, 0, 0, 1);
        b.at(t + 0.6, p, EventKind::CoreIn, 1);
        b.at(t + 0.6, p, EventKind::CoreOut, 1);
    }
    auto tr = b.done(2.1);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    CHECK(calloutOf(cs, CalloutKind::Oversubscription) == nullptr);
    // And the runnable worker's sentence says other programs have the cores.
    const std::string s = textOf(buildExplain(m, *tr, kZero + sec(0.3)), "ForkPoolWorker-1");
    CHECK(s == "ForkPoolWorker-1 is runnable, waiting for a free core: task A wants to run, but other programs have "
               "the cores (runnable since 0.10 s)");
}

TEST_CASE("a traced program's plain process is said to run its own code, not to idle for want of a task", "[explain]") {
    Builder b(2, "Process-", ProcRole::Process);
    b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
    b.at(0.1, 1, EventKind::CoreIn, 0);
    b.at(0.5, 1, EventKind::CoreOut, 0);
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(0.3));
    CHECK(textOf(x, "Process-1") == "Process-1 runs its own code (a plain Process: no Pool tasks), on CPU 0 now");
    // Plain words (a newcomer's walk): no "off the cores", no "calls parviz traces".
    CHECK(textOf(x, "Process-2") == "Process-2 runs its own code (a plain Process: no Pool tasks), not on a CPU now: "
                                    "it sleeps or waits for something (a pipe, a file, time.sleep) parviz does not draw");
}

TEST_CASE("a traced program's MainProcess off the CPUs waits for something, it does not 'run the program's code'",
          "[explain]") {
    // Newcomer walk: MainProcess blocked in p.join() read "MainProcess runs
    // the program's own code" for the whole run of its Processes.
    Builder b(1, "Process-", ProcRole::Process);
    b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
    b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
    b.at(0.0, kParentProc, EventKind::CoreIn, 0);
    b.at(0.2, kParentProc, EventKind::CoreOut, 0);
    b.at(0.2, 1, EventKind::CoreIn, 1);
    b.at(0.9, 1, EventKind::CoreOut, 1);
    b.at(0.9, kParentProc, EventKind::CoreIn, 0);
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(0.1)), "MainProcess") == "MainProcess runs the program's own code");
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(0.5)), "MainProcess") ==
          "MainProcess is in the program's own code, not on a CPU now: it waits for something parviz does not draw "
          "(a pipe, a socket, a thread's join())");
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(0.95)), "MainProcess") == "MainProcess runs the program's own code");
}

TEST_CASE("a traced Process.join: the parent's lane waits for the child, labelled, and Why says whom it waits for",
          "[explain][traced][join]") {
    // MainProcess joins Process-1 at 0.2 s; Process-1 exits at 0.8 s, the join
    // returns at 0.81 s. Then a join(timeout) of Process-2 gives up at 0.95 s.
    Builder b(2, "Process-", ProcRole::Process);
    b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
    const std::uint64_t words1 = b.tr->addString("waiting for Process-1 to finish (join)");
    const std::uint64_t words2 = b.tr->addString("waiting for Process-2 to finish (join)");
    b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
    b.at(0.2, kParentProc, EventKind::ProcJoin, 1, words1);
    b.at(0.8, 1, EventKind::ProcExit, 0, 0);
    b.at(0.81, kParentProc, EventKind::ProcJoin, 1, kNoString, 0, kJoinEnded);
    b.at(0.9, kParentProc, EventKind::ProcJoin, 2, words2);
    b.at(0.95, kParentProc, EventKind::ProcJoin, 2, kNoString, 0, kJoinEnded | kJoinTimedOut);
    auto tr = b.done(1.0);
    const RunModel m = modelOf(*tr);
    const SpanRow& row = m.procs()[kParentProc].program;
    auto spanAtT = [&](double s) -> const Span* {
        for (std::size_t i = 0; i < row.size(); ++i)
            if (row[i].t0 <= kZero + sec(s) && kZero + sec(s) < row[i].t1) return &row[i];
        return nullptr;
    };
    REQUIRE(spanAtT(0.5));
    CHECK(spanAtT(0.5)->state == LaneState::WaitSync);
    CHECK(spanAtT(0.5)->label == words1);
    CHECK(tr->string(spanAtT(0.5)->label) == "waiting for Process-1 to finish (join)");
    REQUIRE(spanAtT(0.85));
    CHECK(spanAtT(0.85)->state == LaneState::Idle);   // back to what it showed before the join
    CHECK(spanAtT(0.92)->label == words2);
    CHECK(spanAtT(0.97)->state == LaneState::Idle);
    REQUIRE(m.joins().size() == 2);
    CHECK_FALSE(m.joins()[0].timedOut);
    CHECK(m.joins()[1].timedOut);
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(0.5)), "MainProcess") ==
          "MainProcess is waiting for Process-1 to finish (join) since 0.20 s: Process-1 is still running, and "
          "join() returns only when it has ended");
    CHECK(textOf(buildExplain(m, *tr, kZero + sec(0.805)), "MainProcess").find("Process-1 has ended") !=
          std::string::npos);
    // The caption steps through it as the program's events.
    CHECK(buildCaption(m, *tr, kZero + sec(0.3)).text == "MainProcess waits in join() for Process-1 to finish");
    CHECK(buildCaption(m, *tr, kZero + sec(0.85)).text == "MainProcess's join() returned: Process-1 has finished");
    CHECK(buildCaption(m, *tr, kZero + sec(0.96)).text == "MainProcess's join() timed out: Process-2 still runs");
}

TEST_CASE("workers in the same state for the same reason share one sentence naming them all", "[explain][group]") {
    // Eight workers on two cores: 1 and 2 run A and B on the cores (0-4 s);
    // 3-6 did a short task each and wait on the empty task queue; 7 and 8 are
    // in tasks G and H, runnable without a core.
    Builder b(8);
    b.tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    for (ProcId p = 1; p <= 8; ++p) {
        b.at(0, 0, EventKind::QueuePut, 1, p, b.tr->addString("task"));
        b.at(0, p, EventKind::QueueGet, 1, p);
    }
    b.task(1, 0, "A", 0, 4);
    b.task(2, 1, "B", 0, 4);
    for (ProcId p = 3; p <= 6; ++p) {
        b.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 0.5 + 0.1 * p);
        b.at(1.2, p, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
    }
    b.task(7, 6, "G", 0, 4);
    b.task(8, 7, "H", 0, 4);
    b.at(0, 1, EventKind::CoreIn, 0);
    b.at(0, 2, EventKind::CoreIn, 1);
    for (ProcId p = 7; p <= 8; ++p) {
        b.at(0, p, EventKind::CoreIn, p == 7 ? 0 : 1);
        b.at(0.5, p, EventKind::CoreOut, p == 7 ? 0 : 1, 0, 0, 1);
    }
    b.at(0.5, 1, EventKind::CoreIn, 0);
    b.at(0.5, 2, EventKind::CoreIn, 1);
    auto tr = b.done(5);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(2));
    std::string all;
    for (const ExplainLine& l : x.lines) all += l.text + "\n";
    INFO(all);
    REQUIRE(x.procs.size() == 8);
    // 1 and 2 on the cores in one sentence; 3-6 in one; 7 and 8 in one.
    REQUIRE(x.lines.size() == 3);
    CHECK(x.lines[0].text == "ForkPoolWorker-1 and -2 run their tasks (A and B) on the cores");
    CHECK(x.lines[0].each[0] == "ForkPoolWorker-1 is in task A since 0 s, on CPU 0 now");
    CHECK(x.lines[1].procs == std::vector<ProcId>{3, 4, 5, 6});
    // A, its worker's first task, taken at the start: one long task, no load imbalance (session 21).
    CHECK(x.lines[1].text == "ForkPoolWorker-3, -4, -5 and -6 wait to take from the queue: it is empty while "
                             "ForkPoolWorker-1 still runs task A, taken at the start — one long task: no split can "
                             "shorten it");
    CHECK(x.lines[1].each.size() == 4);
    CHECK(x.lines[1].each[0] == textOf(x, "ForkPoolWorker-3"));
    CHECK(x.lines[2].text == "ForkPoolWorker-7 and -8 are runnable, waiting for a free core: 4 processes want 2 cores "
                             "(oversubscription)");
    CHECK(x.lines[2].brief == "ForkPoolWorker-7 and -8 are runnable, waiting for a free core");
    // Alone, a worker keeps its whole sentence.
    CHECK(textOf(x, "ForkPoolWorker-7").rfind("ForkPoolWorker-7 is runnable, waiting for a free core: task G wants to "
                                              "run, but the cores are busy with ForkPoolWorker-1 and ForkPoolWorker-2",
                                              0) == 0);
}

TEST_CASE("runnable workers that outnumber the cores are told it is oversubscription, even when other programs "
          "hold the cores at that moment", "[explain][group]") {
    // Eight workers in CPU tasks on two cores (lesson step 7): each had a
    // turn on a core and was preempted; at 1 s all eight are runnable and
    // neither core holds one of them (another program has both just then).
    // The cause to name is the run's own eight on two cores, not "other programs".
    Builder b(8);
    for (ProcId p = 1; p <= 8; ++p) {
        b.task(p, p - 1, "T" + std::to_string(p), 0, 4);
        const double t = 0.1 * ((p - 1) / 2);
        b.at(t, p, EventKind::CoreIn, p % 2);
        b.at(t + 0.1, p, EventKind::CoreOut, p % 2, 0, 0, 1);
    }
    auto tr = b.done(5);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(1.0));
    std::string all;
    for (const ExplainLine& l : x.lines) all += l.text + "\n";
    INFO(all);
    REQUIRE(x.lines.size() == 1);
    CHECK(x.lines[0].text == "ForkPoolWorker-1 to -8 are runnable, waiting for a free core: 8 processes want 2 cores "
                             "(oversubscription)");
    CHECK(textOf(x, "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 is runnable, waiting for a free core: task T1 wants to run, but 8 of this run's processes "
          "want 2 cores — oversubscription (other programs have them just now) (runnable since 0.10 s)");
    // Workers on both cores and more wanting them: the holders named (in core order), and why.
    Builder b2(3);
    for (ProcId p = 1; p <= 3; ++p) b2.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    b2.at(0, 1, EventKind::CoreIn, 0);
    b2.at(0, 2, EventKind::CoreIn, 1);
    b2.at(0.5, 1, EventKind::CoreOut, 0, 0, 0, 1);
    b2.at(0.5, 3, EventKind::CoreIn, 0);
    auto tr2 = b2.done(3);
    const RunModel m2 = modelOf(*tr2);
    CHECK(textOf(buildExplain(m2, *tr2, kZero + sec(1.0)), "ForkPoolWorker-1") ==
          "ForkPoolWorker-1 is runnable, waiting for a free core: task A wants to run, but the cores are busy with "
          "ForkPoolWorker-3 and ForkPoolWorker-2: 3 of this run's processes want 2 cores — oversubscription "
          "(runnable since 0.50 s)");
    // One of them on a core, the other core held by no process of the run:
    // the group says what has it (newcomer walk, session 29: "4 processes
    // want 2 cores" beside one worker on a core left the other unexplained).
    // Other programs only where the load samples show them (review, session 30).
    for (const bool loaded : {false, true}) {
        INFO((loaded ? "with" : "without") << " other programs' load");
        Builder b3(3);
        for (ProcId p = 1; p <= 3; ++p) b3.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
        b3.at(0, 1, EventKind::CoreIn, 0);
        b3.at(0, 2, EventKind::CoreIn, 1);
        b3.at(0.5, 1, EventKind::CoreOut, 0, 0, 0, 1);
        b3.at(0.5, 3, EventKind::CoreIn, 0);
        b3.at(0.6, 2, EventKind::CoreOut, 1, 0, 0, 1);
        if (loaded)   // core 1 busy all along, the run's share of it aside: others took it
            for (int k = 1; k <= 20; ++k)
                b3.at(k * 0.1, 0, EventKind::CoreLoad, 1, static_cast<std::uint64_t>(sec(0.1)),
                      static_cast<std::uint64_t>(sec(0.1)));
        auto tr3 = b3.done(3);
        const RunModel m3 = modelOf(*tr3);
        const Explanation x3 = buildExplain(m3, *tr3, kZero + sec(1.0));
        std::string all3;
        for (const ExplainLine& l : x3.lines) all3 += l.text + "\n";
        INFO(all3);
        const std::string group = "ForkPoolWorker-1 and -2 are runnable, waiting for a free core: 3 processes want 2 cores "
                                  "(oversubscription); ForkPoolWorker-3 has one";
        CHECK(all3.find(group + (loaded ? ", other programs the other" : "; the other runs none of this run's processes just then")) !=
              std::string::npos);
        CHECK(textOf(x3, "ForkPoolWorker-2").rfind(
                  "ForkPoolWorker-2 is runnable, waiting for a free core: task B wants to run, but the cores are busy with "
                  "ForkPoolWorker-3" + std::string(loaded ? " and other programs" : "") + ": 3 of this run's processes want 2 cores — oversubscription", 0) == 0);
    }
}

// Lesson step 4 at 1280x720 (issue 11, Why with 8 cpu workers scrolled):
// 8 and 16 workers in CPU tasks on two cores, two of them on the cores and
// the rest runnable. One line per state, the runnable ones in one sentence
// whoever holds which core, short enough for one line of the Why tab, and
// each with a brief (its state without the why) for a panel still short of room.
TEST_CASE("8 and 16 cpu workers on two cores: one line for those on the cores, one for the runnable, each with a brief",
          "[explain][group]") {
    const int n = GENERATE(8, 16);
    INFO(n << " workers");
    Builder b(n);
    for (ProcId p = 1; p <= static_cast<ProcId>(n); ++p) {
        b.task(p, p - 1, "T" + std::to_string(p), 0, 4);
        // Each had a turn on a core, in pairs, and was preempted ...
        const double t = 0.05 * ((p - 1) / 2);
        b.at(t, p, EventKind::CoreIn, p % 2);
        b.at(t + 0.05, p, EventKind::CoreOut, p % 2, 0, 0, 1);
    }
    // ... and at 1 s workers 3 and 6 hold the cores.
    b.at(0.9, 3, EventKind::CoreIn, 1);
    b.at(0.9, 6, EventKind::CoreIn, 0);
    auto tr = b.done(5);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(1.0));
    std::string all;
    for (const ExplainLine& l : x.lines) all += l.text + "\n";
    INFO(all);
    REQUIRE(x.lines.size() == 2);
    const std::string names = n == 8 ? "ForkPoolWorker-1, -2, -4, -5, -7 and -8" : "ForkPoolWorker-1, -2, -4, -5 and -7 to -16";
    CHECK(x.lines[0].text == names + " are runnable, waiting for a free core: " + std::to_string(n) +
                                 " processes want 2 cores (oversubscription)");
    CHECK(x.lines[0].procs.size() == static_cast<std::size_t>(n - 2));
    CHECK(x.lines[0].each.size() == static_cast<std::size_t>(n - 2));
    CHECK(x.lines[0].brief == names + " are runnable, waiting for a free core");
    CHECK(x.lines[1].text == "ForkPoolWorker-3 and -6 run their tasks (T3 and T6) on the cores");
    CHECK(x.lines[1].brief == x.lines[1].text);   // no why to leave out
    // One line of the Why tab at 1280x720 holds about 100 characters of its
    // type: the brief of the runnable ones fits one, whatever their number.
    CHECK(x.lines[0].brief.size() <= 100);
}

TEST_CASE("a list of worker names says the prefix once and long runs as a range", "[explain][group]") {
    CHECK(nameList({"ForkPoolWorker-3"}) == "ForkPoolWorker-3");
    CHECK(nameList({"ForkPoolWorker-3", "ForkPoolWorker-4"}) == "ForkPoolWorker-3 and -4");
    CHECK(nameList({"ForkPoolWorker-3", "ForkPoolWorker-4", "ForkPoolWorker-5", "ForkPoolWorker-6"}) ==
          "ForkPoolWorker-3, -4, -5 and -6");
    std::vector<std::string> many;
    for (int i = 3; i <= 60; ++i) many.push_back("ForkPoolWorker-" + std::to_string(i));
    many.push_back("ForkPoolWorker-62");
    CHECK(nameList(many) == "ForkPoolWorker-3 to -60 and -62");
    CHECK(nameList({"Process-1", "ForkPoolWorker-2"}) == "Process-1 and ForkPoolWorker-2");
}

TEST_CASE("sleeping workers that yield their core between tasks on a busy machine are no oversubscription",
          "[explain][callout]") {
    // Eight workers, two cores, sleep work: each sleeps through two tasks
    // (0-0.25 s and 0.5-0.75 s), on a core only for a few ms around them.
    // Between the tasks each finds the task queue empty and yields its core
    // (sched_yield): the kernel switches it out still runnable, and on a busy
    // machine it stays so for 0.23 s. That is 46 % of its task time and 8
    // "wanting" a core on 2: the old callout fired. Runnable time outside a
    // worker's own tasks is no demand for cores.
    Builder b(8);
    for (ProcId p = 1; p <= 8; ++p) {
        const std::int32_t core = p % 2;
        b.task(p, 2 * (p - 1), "s" + std::to_string(2 * (p - 1)), 0, 0.25);
        b.task(p, 2 * (p - 1) + 1, "s" + std::to_string(2 * (p - 1) + 1), 0.5, 0.75);
        b.at(0, p, EventKind::CoreIn, core);
        b.at(0.005, p, EventKind::CoreOut, core);
        b.at(0.25, p, EventKind::CoreIn, core);
        b.at(0.26, p, EventKind::CoreOut, core, 0, 0, 1);   // yielded: still runnable
        b.at(0.49, p, EventKind::CoreIn, core);
        b.at(0.505, p, EventKind::CoreOut, core);
        b.at(0.75, p, EventKind::CoreIn, core);
        b.at(0.76, p, EventKind::CoreOut, core);
    }
    auto tr = b.done(0.8);
    const RunModel m = modelOf(*tr);
    const auto cs = findCallouts(m, *tr);
    INFO(allTexts(cs));
    CHECK(calloutOf(cs, CalloutKind::Oversubscription) == nullptr);

    // The same workers with CPU work, queuing for the cores inside their tasks, still raise it.
    Builder cpu(4);
    for (ProcId p = 1; p <= 4; ++p) cpu.task(p, p - 1, std::string(1, static_cast<char>('A' + p - 1)), 0, 2);
    for (int slice = 0; slice < 4; ++slice) {
        const double t = slice * 0.5;
        const ProcId on0 = slice % 2 ? 3 : 1, on1 = slice % 2 ? 4 : 2;
        const ProcId off0 = slice % 2 ? 1 : 3, off1 = slice % 2 ? 2 : 4;
        if (slice > 0) {
            cpu.at(t, off0, EventKind::CoreOut, 0, 0, 0, 1);
            cpu.at(t, off1, EventKind::CoreOut, 1, 0, 0, 1);
        }
        cpu.at(t, on0, EventKind::CoreIn, 0);
        cpu.at(t, on1, EventKind::CoreIn, 1);
    }
    auto trCpu = cpu.done(2.1);
    const RunModel mCpu = modelOf(*trCpu);
    CHECK(calloutOf(findCallouts(mCpu, *trCpu), CalloutKind::Oversubscription) != nullptr);
}

TEST_CASE("one view, one precision: Why's sentences, callouts, Stats' cut and the cursor's time agree", "[explain][format]") {
    // Classroom walk: Why said "ended at 4.1 s" beside a cursor of 4.07 s
    // (formatSeconds one decimal, formatDuration two): a viewer cannot tell
    // whether the task ended before or after the cursor.
    Builder b(2);
    b.task(1, 0, "A", 0, 4.07);
    b.task(2, 2, "b", 0, 0.5);   // B taken after b: a load imbalance (taken first, alone, it is one long task)
    b.task(2, 1, "B", 0.5, 6.0);
    auto tr = b.done(6.2);
    const RunModel m = modelOf(*tr);
    const std::int64_t cursor = kZero + sec(4.07);
    const std::string at = formatDuration(cursor - kZero);   // the step row's and the caption's time
    CHECK(at == "4.07 s");
    const Explanation x = buildExplain(m, *tr, cursor + sec(0.001));
    INFO(textOf(x, "ForkPoolWorker-1"));
    CHECK(textOf(x, "ForkPoolWorker-1").find("ended at " + at) != std::string::npos);
    // Stats cut at the cursor says the same time (cutNote), its makespan too.
    const RunStats cut = computeStats(m, *tr, cursor);
    CHECK(cutNote(cut, false, kZero) == " at " + at);
    // The callouts' numbers: the idle tail of 1.93 s of 6.00 s, at two decimals as the cursor.
    const std::vector<Callout> cs = findCallouts(m, *tr);
    const Callout* tail = calloutOf(cs, CalloutKind::LoadImbalance);
    REQUIRE(tail);
    INFO(tail->text);
    CHECK(tail->text.find("ended at " + at) != std::string::npos);
    // One format for every time: the two names give the same words at every scale.
    for (std::int64_t ns : {std::int64_t{0}, std::int64_t{999}, std::int64_t{42'000}, std::int64_t{2'500'000},
                            std::int64_t{850'000'000}, std::int64_t{1'234'000'000}, std::int64_t{4'070'000'000},
                            std::int64_t{12'340'000'000}, std::int64_t{-4'070'000'000}}) {
        INFO(ns);
        CHECK(formatSeconds(ns) == formatDuration(ns));
    }
    CHECK(formatSeconds(4'070'000'000) == "4.07 s");
    CHECK(formatSeconds(12'340'000'000) == "12.3 s");
    CHECK(formatSeconds(2'500'000) == "2.5 ms");
    // Microseconds with the micro sign (U+00B5, in the window's font ranges), as the field writes them, not "us".
    CHECK(formatSeconds(116'000) == "116 \u00b5s");
    CHECK(formatSecondsLike(116'000, 500'000) == "116 \u00b5s");
}

TEST_CASE("the headline callout is the one that explains most of the run, and every callout has a short headline",
          "[explain][callout]") {
    Callout tail, over, backlog, bigTail;
    tail.kind = CalloutKind::LoadImbalance;
    tail.measure = 0.3;
    bigTail.kind = CalloutKind::LoadImbalance;
    bigTail.measure = 0.5;
    over.kind = CalloutKind::Oversubscription;
    over.measure = 0.25;
    backlog.kind = CalloutKind::QueueBacklog;
    backlog.measure = 9;
    CHECK(headlineCallout({}) == nullptr);
    const std::vector<Callout> all{backlog, tail, over, bigTail};
    REQUIRE(headlineCallout(all));
    CHECK(headlineCallout(all)->kind == CalloutKind::Oversubscription);   // in time order it is third
    const std::vector<Callout> tails{backlog, tail, bigTail};
    CHECK(headlineCallout(tails) == &tails[2]);                            // of one kind, the larger measure
    // Each callout of the synthetic runs above has a headline that starts with its kind's word.
    auto tr = test::tutorialPoolTrace();
    const RunModel m = modelOf(*tr);
    for (const Callout& c : findCallouts(m, *tr)) {
        INFO(c.text);
        CHECK(c.headline.rfind(toString(c.kind), 0) == 0);
        CHECK(c.headline.size() < c.text.size());
        CHECK_FALSE(c.brief.empty());
        CHECK(c.brief.size() <= 42);   // one line of This run at 1280x720 presentation
        // Its label: its kind and numbers in a few words (the legend, Why's one line of callouts).
        CHECK(c.label.rfind(toString(c.kind), 0) == 0);
        CHECK(c.label.size() > std::string(toString(c.kind)).size());
        CHECK(c.label.size() <= 48);
    }
}

// Why's last fallback for a panel short of room (presentation, many workers):
// the workers as counts by state, not a list of names the room cannot hold.
TEST_CASE("the workers can be said as counts by state, no names", "[explain][counts]") {
    Explanation x;
    auto add = [&](ProcId id, const std::string& name, LaneState s) {
        ProcExplanation p;
        p.proc = id;
        p.name = name;
        p.state = s;
        x.procs.push_back(p);
    };
    CHECK(countsByState(x).empty());
    add(kParentProc, "MainProcess", LaneState::WaitSync);
    CHECK(countsByState(x).empty());
    for (int i = 1; i <= 8; ++i)
        add(static_cast<ProcId>(i), "ForkPoolWorker-" + std::to_string(i),
            i <= 5 ? LaneState::Idle : i <= 7 ? LaneState::Running : LaneState::Runnable);
    CHECK(countsByState(x) == "8 workers: 5 idle, 2 running, 1 runnable (no free core)");
    Explanation done;
    for (int i = 1; i <= 16; ++i) {
        ProcExplanation p;
        p.proc = static_cast<ProcId>(i);
        p.name = "ForkPoolWorker-" + std::to_string(i);
        p.state = LaneState::Exited;
        done.procs.push_back(p);
    }
    CHECK(countsByState(done) == "16 workers exited");
    Explanation traced;
    for (const char* n : {"Producer", "Consumer"}) {
        ProcExplanation p;
        p.proc = static_cast<ProcId>(traced.procs.size() + 1);
        p.name = n;
        p.state = LaneState::WaitQueue;
        traced.procs.push_back(p);
    }
    CHECK(countsByState(traced) == "2 processes waiting for a queue");
}

TEST_CASE("the counts call a program's own Processes processes and a pool's workers workers", "[explain][counts]") {
    // Newcomer walk: a traced producer/consumer of two plain mp.Process was
    // counted "2 workers: 1 exited, 1 sleeping"; This run said "plain
    // processes: no Pool tasks" beside it.
    for (const bool traced : {true, false}) {
        Builder b(2, "Process-", ProcRole::Process);
        if (traced) b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.at(0.1, 1, EventKind::State, static_cast<std::int32_t>(WorkerState::Sleeping));
        b.at(0.1, 2, EventKind::State, static_cast<std::int32_t>(WorkerState::Sleeping));
        b.at(0.5, 1, EventKind::ProcExit, 0, 0);
        auto tr = b.done(1);
        const RunModel m = modelOf(*tr);
        const Explanation x = buildExplain(m, *tr, kZero + sec(0.7));
        INFO(traced << ": " << countsByState(x));
        CHECK(countsByState(x).rfind("2 processes: 1 exited, 1 ", 0) == 0);
    }
    Builder pool(2);
    pool.task(1, 0, "A", 0.1, 0.9);
    pool.task(2, 1, "B", 0.1, 0.9);
    auto tr = pool.done(1);
    const RunModel m = modelOf(*tr);
    CHECK(countsByState(buildExplain(m, *tr, kZero + sec(0.5))).rfind("2 workers ", 0) == 0);
}

TEST_CASE("the counts say a lock's holder holds it, its sleep inside the lock, not just 'sleeping'", "[explain][counts]") {
    // Newcomer walk (the lock demo, Why mid-run): "4 workers: 3 waiting for
    // a lock, 1 sleeping" while the one sleeping held the lock the three
    // waited for, asleep inside the critical section.
    for (const char* name : {"lock", "Lock-1"}) {
        Builder b(4, "Process-", ProcRole::Process);
        b.tr->addObject({ObjectKind::Lock, 1, name});
        b.at(0.1, 3, EventKind::LockAcquire, 1);
        b.at(0.1, 3, EventKind::State, static_cast<std::int32_t>(WorkerState::Sleeping));
        for (ProcId p : {1, 2, 4}) b.at(0.2, p, EventKind::LockWait, 1);
        b.at(0.8, 3, EventKind::LockRelease, 1);
        auto tr = b.done(1);
        const RunModel m = modelOf(*tr);
        const Explanation x = buildExplain(m, *tr, kZero + sec(0.5));
        const std::string lock = std::string(name) == "lock" ? "the lock" : name;
        CHECK(countsByState(x) == "4 processes: 3 waiting for a lock, 1 holding " + lock + " (sleeping inside it)");
        // Its own sentence said so already; the counts agree with it.
        CHECK(textOf(x, "Process-3").rfind("Process-3 holds " + lock + " (since 0.10 s) and sleeps", 0) == 0);
    }
}

TEST_CASE("short of room, the counts still name a lock's holder, and its waiters when asked", "[explain][counts]") {
    // Newcomer walk (the lock demo at 0.49 s, Why short of room): "4
    // processes: 1 exited, 2 waiting for a lock, 1 holding the lock" named
    // neither the holder nor the waiters.
    Builder b(4, "Process-", ProcRole::Process);
    b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
    b.at(0.05, 1, EventKind::LockAcquire, 1);
    b.at(0.08, 1, EventKind::LockRelease, 1);
    b.at(0.09, 1, EventKind::ProcExit, 0, 0);
    b.at(0.1, 2, EventKind::LockAcquire, 1);
    b.at(0.1, 2, EventKind::State, static_cast<std::int32_t>(WorkerState::Sleeping));
    for (ProcId p : {3, 4}) b.at(0.2, p, EventKind::LockWait, 1);
    b.at(0.8, 2, EventKind::LockRelease, 1);
    auto tr = b.done(1);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(0.5));
    const std::string counts = countsByState(x);
    INFO(counts);
    CHECK(counts == "4 processes: 1 exited, 1 holding Lock-1 (sleeping inside it), 2 waiting for a lock");
    CHECK(counts.find("Process-") == std::string::npos);   // the plain counts, as before
    CHECK(countsByState(x, LockNames::Holder) == counts + "; Process-2 holds Lock-1");
    CHECK(countsByState(x, LockNames::HolderAndWaiters) == counts + "; Process-2 holds Lock-1, Process-3 and -4 wait for it");
}

TEST_CASE("a time scale is written one way: the note at the cursor says 0.50x as the toolbar does", "[explain][scale]") {
    CHECK(formatTimeScale(0.5) == "0.50x");
    CHECK(formatTimeScale(1) == "1.00x");
    CHECK(formatTimeScale(0.02) == "0.02x");
    Builder b(1);
    b.tr->updateMeta([](TraceMeta& m) { m.timeScale = 0.5; });
    b.task(1, 0, "A", 0.1, 0.4);
    auto tr = b.done(0.5);
    const RunModel m = modelOf(*tr);
    const Explanation x = buildExplain(m, *tr, kZero + sec(0.2));
    std::string notes;
    for (const std::string& n : x.notes) notes += n + "\n";
    INFO(notes);
    // It said "The time axis is scaled by 0.5" beside the toolbar's "0.50x".
    CHECK(notes.find("The time axis is scaled by 0.50x: ") != std::string::npos);
    CHECK(notes.find("scaled by 0.5:") == std::string::npos);
}

TEST_CASE("every callout has a label: its kind and the numbers that triggered it, in a few words", "[explain][callout]") {
    CHECK(oversubscriptionLabel(8, 2) == "oversubscription: 8 workers on 2 cores");
    CHECK(oversubscriptionLabel(2, 1) == "oversubscription: 2 workers on 1 core");
}

TEST_CASE("a sentence's first clause ends at its first colon outside parentheses", "[explain][paren]") {
    // The Why tab's summed-up paragraph read "Process-1 runs its own code (a
    // plain Process; Process-2 …": the clause was cut inside the parenthesis.
    CHECK(firstClauseOf("Process-1 runs its own code (a plain Process: no Pool tasks), not on a CPU now: it sleeps") ==
          "Process-1 runs its own code (a plain Process: no Pool tasks), not on a CPU now");
    CHECK(firstClauseOf("ForkPoolWorker-2 is idle: the task queue is empty") == "ForkPoolWorker-2 is idle");
    CHECK(firstClauseOf("MainProcess runs the program's own code") == "MainProcess runs the program's own code");
    CHECK(firstClauseOf("a (b: c") == "a (b: c");
}

// Session 22, step 8 walked as a student: joinable_queue.py's MainProcess in
// q.join() was a bare purple stripe (Process.join's had words). Every wait a
// traced program's lane draws as "waits to be woken" has words for the lane
// (syncWaitWords), and every event kind the tracer writes that the caption
// steps through has a sentence of its own, never the kind's bare name.
TEST_CASE("every traced wait has lane words and every traced event kind a caption sentence", "[explain][traced][words]") {
    struct Wait { ObjectKind kind; const char* name; std::uint64_t b; const char* words; };
    const Wait waits[] = {
        {ObjectKind::Event, "Event-1", 0, "waits for Event-1 to be set"},
        {ObjectKind::Condition, "Condition-1", 0, "waits on Condition-1 until notified"},
        {ObjectKind::Barrier, "Barrier-1", 0, "waits at Barrier-1 for the other parties"},
        {ObjectKind::Queue, "JoinableQueue-1", 0, "waits in join() until every item of JoinableQueue-1 is task_done"},
        {ObjectKind::Queue, "pool tasks", kSyncWaitPoolResults, "waits for the pool's results"},
    };
    for (const Wait& w : waits) {
        INFO(w.words);
        Builder b(1, "Process-", ProcRole::Process);
        b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.tr->addObject({w.kind, 1, w.name});
        b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
        b.at(0.2, kParentProc, EventKind::SyncWait, 1, static_cast<std::uint64_t>(w.kind), w.b);
        b.at(0.6, kParentProc, EventKind::SyncWake, 1, static_cast<std::uint64_t>(w.kind));
        auto tr = b.done(1.0);
        const RunModel m = modelOf(*tr);
        const WaitWords ww = syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.4));
        CHECK(ww.words == w.words);
        CHECK_FALSE(ww.shortWords.empty());
        CHECK(syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.7)).words.empty());   // the wait has ended
        CHECK(syncWaitWords(m, tr->meta(), 1, kZero + sec(0.4)).words.empty());             // another process
    }
    // Every program event kind (the kinds the tracer writes that the caption
    // steps through): a sentence, not "MainProcess SyncSignal".
    for (int k = 1; k <= static_cast<int>(EventKind::ProcJoin); ++k) {
        const auto kind = static_cast<EventKind>(k);
        if (!isProgramEvent(kind)) continue;
        Builder b(1, "Process-", ProcRole::Process);
        b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.tr->addObject({ObjectKind::Queue, 1, "JoinableQueue-1"});
        b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
        const std::uint64_t s = b.tr->addString("x");
        std::uint64_t a = s, bb = s;
        std::int32_t obj = 1;
        if (kind == EventKind::SyncWait || kind == EventKind::SyncWake) a = static_cast<std::uint64_t>(ObjectKind::Queue), bb = 0;
        if (kind == EventKind::SyncSignal) a = static_cast<std::uint64_t>(ObjectKind::Queue),
                                           bb = static_cast<std::uint64_t>(SyncOp::TaskDone);
        if (kind == EventKind::ProcStart || kind == EventKind::ProcExit) a = 0, bb = 0;
        if (kind == EventKind::LockOwnerDied) a = 1;
        b.at(0.5, kParentProc, kind, obj, a, bb);
        auto tr = b.done(1.0);
        const RunModel m = modelOf(*tr);
        const Caption c = buildCaption(m, *tr, kZero + sec(0.5));
        INFO(toString(kind) << ": " << c.text);
        REQUIRE(c.valid);
        CHECK(c.text.find(toString(kind)) == std::string::npos);
        CHECK(c.text.size() > std::string("MainProcess ").size() + 6);
    }
}

// Session 23: event.py's Process-4 waited 0.2 s on an Event with a timeout
// that ran out, and its lane said "wait()" as the three woken ones did. A
// timed wait that ran out says so, how long it waited and on what: an
// Event's or a Condition's wait(timeout), a Lock.acquire(timeout), a
// Queue.get(timeout) that raised Empty.
TEST_CASE("a traced wait that timed out says so on its lane, with how long and on what", "[explain][traced][words]") {
    for (const ObjectKind kind : {ObjectKind::Event, ObjectKind::Condition}) {
        const std::string name = kind == ObjectKind::Event ? "Event-1" : "Condition-1";
        Builder b(1, "Process-", ProcRole::Process);
        b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.tr->addObject({kind, 1, name});
        b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Idle));
        b.at(0.2, kParentProc, EventKind::SyncWait, 1, static_cast<std::uint64_t>(kind));
        b.at(0.7, kParentProc, EventKind::SyncWake, 1, static_cast<std::uint64_t>(kind), 0, kSyncTimedOut);
        auto tr = b.done(1.0);
        const RunModel m = modelOf(*tr);
        const WaitWords ww = syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.4));
        CHECK(ww.words == "waited 500 ms for " + name + ", timed out");
        CHECK(ww.shortWords == "timed out");
    }
    {   // Lock.acquire(timeout=0.3) that gave up
        Builder b(1, "Process-", ProcRole::Process);
        b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.tr->addObject({ObjectKind::Lock, 1, "Lock-1"});
        b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
        b.at(0.1, 1, EventKind::LockAcquire, 1);
        b.at(0.2, kParentProc, EventKind::LockWait, 1);
        b.at(0.5, kParentProc, EventKind::LockTimeout, 1);
        b.at(0.6, kParentProc, EventKind::LockWait, 1);
        b.at(0.8, 1, EventKind::LockRelease, 1);
        b.at(0.8, kParentProc, EventKind::LockAcquire, 1);
        auto tr = b.done(1.0);
        const RunModel m = modelOf(*tr);
        const WaitWords ww = syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.3));
        CHECK(ww.words == "waited 300 ms for Lock-1, timed out");
        CHECK(ww.shortWords == "timed out");
        CHECK(syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.7)).words.empty());   // it got the lock
    }
    {   // Queue.get(timeout=0.4) that raised Empty, then a get that got an item
        Builder b(1, "Process-", ProcRole::Process);
        b.tr->updateMeta([](TraceMeta& m) { m.work = kTracedProgramWork; });
        b.tr->addObject({ObjectKind::Queue, 1, "Queue-1"});
        b.at(0.0, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
        b.at(0.1, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
        b.at(0.5, kParentProc, EventKind::QueueEmpty, 1);
        b.at(0.5, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
        b.at(0.6, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::WaitQueue));
        b.at(0.7, 1, EventKind::QueuePut, 1, 5);
        b.at(0.8, kParentProc, EventKind::QueueGet, 1, 5);
        b.at(0.8, kParentProc, EventKind::State, static_cast<std::int32_t>(WorkerState::Running));
        auto tr = b.done(1.0);
        const RunModel m = modelOf(*tr);
        const WaitWords ww = syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.3));
        CHECK(ww.words == "waited 400 ms for Queue-1, timed out (Empty)");
        CHECK(ww.shortWords == "timed out");
        CHECK(syncWaitWords(m, tr->meta(), kParentProc, kZero + sec(0.7)).words.empty());   // it got its item
    }
}
