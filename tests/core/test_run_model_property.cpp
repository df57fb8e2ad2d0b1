// Property test of the run model: random synthetic event streams — kills,
// pauses, losses (dropped TaskEnds and CoreOuts, with Lost events), late core
// records, failed tasks, failures reported by the parent — go through the
// model; the stats (at random cursors) and the Chrome export must agree with
// the plain reference in reference_model.hpp, which includes only event.hpp.
#include "parviz/export.hpp"
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"

#include "reference_model.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <sstream>
#include <cstdio>
#include <unistd.h>

using namespace parviz;

namespace {

constexpr std::int64_t kZero = 5'000'000'000;
constexpr std::int64_t kMs = 1'000'000;

struct Stream {
    std::shared_ptr<Trace> trace;
    std::vector<Event> events;          // as appended (time-sorted)
    std::vector<bool> plainProcess;     // by ProcId
};

// One random run: 1-4 workers (pool workers or plain processes), each doing a
// few tasks with core switches; the parent pauses and kills now and then.
Stream randomStream(std::uint32_t seed) {
    std::mt19937 rng(seed);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    auto between = [&](std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(hi - lo + 1)); };

    Stream s;
    s.trace = std::make_shared<Trace>();
    const bool pool = chance(50);
    const int workers = static_cast<int>(between(1, 4));
    s.trace->addProcess({"MainProcess", ProcRole::Parent});
    s.plainProcess.push_back(false);
    for (int w = 1; w <= workers; ++w) {
        s.trace->addProcess({(pool ? "ForkPoolWorker-" : "Process-") + std::to_string(w),
                             pool ? ProcRole::PoolWorker : ProcRole::Process});
        s.plainProcess.push_back(!pool);
    }
    s.trace->updateMeta([&](TraceMeta& m) {
        m.workers = workers;
        m.totalCores = 2;
        m.usableCores = 2;
        m.finished = true;
    });
    std::vector<Event> ev;
    auto at = [&](std::int64_t t, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0,
                  std::uint64_t b = 0, std::uint8_t flags = 0) { ev.push_back(Event{kZero + t, p, k, flags, obj, a, b}); };
    at(0, 0, EventKind::RunStart, 0, 2, 2);
    std::int32_t nextTask = 0;
    std::int64_t runEnd = 0;
    for (int w = 1; w <= workers; ++w) {
        const auto p = static_cast<ProcId>(w);
        std::int64_t t = between(0, 5) * kMs;
        at(t, p, EventKind::ProcStart, 0, 1000u + static_cast<unsigned>(w));
        const int tasks = static_cast<int>(between(0, 5));
        bool killed = false;
        std::uint64_t lostHere = 0;
        for (int k = 0; k < tasks && !killed; ++k) {
            t += between(0, 3) * kMs;
            const std::int32_t idx = nextTask++;
            const std::uint64_t name = s.trace->addString("T" + std::to_string(idx));
            const std::int64_t nominal = between(1, 20) * kMs;
            at(t, p, EventKind::TaskStart, idx, name, static_cast<std::uint64_t>(nominal));
            // Core switches inside the task; some CoreOuts lost, some on the other core.
            const std::int64_t len = between(0, 25) * kMs;
            for (std::int64_t c = t; c < t + len; c += between(1, 6) * kMs) {
                const auto core = static_cast<std::int32_t>(rng() % 2);
                at(c, p, EventKind::CoreIn, core);
                if (!chance(20)) at(c + between(0, 3) * kMs, p, EventKind::CoreOut, core, 0, 0, chance(30) ? 1 : 0);
            }
            if (chance(10)) {   // killed mid-task, the parent asked for it
                at(t + len, 0, EventKind::KillRequest, w, 9);
                if (pool && chance(50)) at(t + len, p, EventKind::TaskEnd, idx, name, 0, 1 | 2);   // the pool's report
                at(t + len, p, EventKind::ProcExit, 0, static_cast<std::uint64_t>(std::int64_t{-9}));
                if (chance(50)) at(t + len + kMs, 0, EventKind::TaskEnd, idx, name, 0, 1);   // reported again: once
                killed = true;
                t += len;
                break;
            }
            t += len;
            if (chance(15)) { lostHere += 1 + rng() % 50; continue; }   // its TaskEnd was lost
            at(t, p, EventKind::TaskEnd, idx, name, 0, chance(15) ? 1 : 0);
        }
        if (lostHere) at(t, 0, EventKind::Lost, w, lostHere);
        if (!killed) {
            t += between(0, 3) * kMs;
            const std::int64_t code = !pool && chance(15) ? 3 : 0;
            at(t, p, EventKind::ProcExit, 0, static_cast<std::uint64_t>(code));
        }
        if (chance(20)) {   // late core records: the OS's switch-out arrives after the exit
            at(t + kMs, p, EventKind::CoreIn, 1);
            at(t + 2 * kMs, p, EventKind::CoreOut, 1);
        }
        runEnd = std::max(runEnd, t + 3 * kMs);
    }
    for (int k = static_cast<int>(between(0, 2)); k > 0; --k) {
        const std::int64_t p0 = between(0, runEnd / kMs) * kMs;
        at(p0, 0, EventKind::RunPause);
        at(p0 + between(0, 10) * kMs, 0, EventKind::RunResume);
    }
    at(runEnd, 0, EventKind::RunEnd);
    std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    for (const auto& e : ev) s.trace->append(e);
    s.events = ev;
    return s;
}

void checkStats(const Stream& s, std::int64_t cut) {
    const test::RefStats ref = test::referenceStats(s.events, s.plainProcess, cut);
    const RunStats st = computeStats(*s.trace, cut);
    CHECK(st.tasksStarted == ref.started);
    CHECK(st.tasksDone == ref.done);
    CHECK(st.tasksFailed == ref.failed);
    CHECK(st.tasksKilled == ref.killed);
    CHECK(st.tasksRunning == ref.running);
    CHECK(st.tasksEndLost == ref.endLost);
    CHECK(st.sequentialNs == ref.sequentialNs);
    CHECK(st.hasMakespan == ref.hasMakespan);
    CHECK(st.makespanNs == ref.makespanNs);
    CHECK(st.lostEvents == ref.lost);
    CHECK(st.failedTasks.size() == static_cast<std::size_t>(ref.failed));
    // Each failure named once: failed tasks, failed plain processes, one loss line.
    CHECK(st.failures.size() == static_cast<std::size_t>(ref.failed + ref.processFailures + (ref.lost ? 1 : 0)));
    for (const auto& w : st.workers) {
        INFO(w.name);
        CHECK(w.onCpuNs == (ref.onCpuByProc.count(w.proc) ? ref.onCpuByProc.at(w.proc) : 0));
        CHECK(w.inTaskNs == (ref.inTaskByProc.count(w.proc) ? ref.inTaskByProc.at(w.proc) : 0));
        CHECK(w.tasksDone == (ref.doneByProc.count(w.proc) ? ref.doneByProc.at(w.proc) : 0));
    }
    for (const auto& c : st.cores) {
        INFO("core " << c.core);
        CHECK(c.workersOnCpuNs == (ref.onCpuByCore.count(c.core) ? ref.onCpuByCore.at(c.core) : 0));
    }
    if (st.hasMakespan && st.makespanNs > 0) {
        CHECK(st.speedup == static_cast<double>(ref.sequentialNs) / static_cast<double>(ref.makespanNs));
    }
}

void checkExport(const Stream& s) {
    const std::int64_t last = s.events.back().t;
    const test::RefStats ref = test::referenceStats(s.events, s.plainProcess, last);
    std::ostringstream out;
    writeChromeTrace(*s.trace, out);
    const auto doc = nlohmann::json::parse(out.str());
    int tasks = 0, failed = 0, cpu = 0;
    std::map<std::string, double> cpuUs;
    for (const auto& e : doc["traceEvents"]) {
        if (e["ph"] != "X") continue;
        if (e["cat"] == "task") {
            ++tasks;
            if (e["args"].contains("failed")) ++failed;
        }
        if (e["cat"] == "cpu") {
            ++cpu;
            cpuUs[e["name"].get<std::string>()] += e["dur"].get<double>();
        }
    }
    CHECK(tasks == ref.taskSlices);
    CHECK(failed == ref.failedSlices);
    CHECK(cpu == ref.cpuSlices);
    const TraceMeta meta = s.trace->meta();
    for (const auto& [p, ns] : ref.onCpuByProc) {
        INFO("process " << p);
        CHECK(cpuUs[meta.procs[static_cast<std::size_t>(p)].name] == Approx(static_cast<double>(ns) / 1000.0));
    }
    CHECK(doc["otherData"]["lost_events"] == ref.lost);
    // The export's failure lines are the summary's, each once.
    const RunStats st = computeStats(*s.trace);
    CHECK(doc["otherData"]["failures"] == nlohmann::json(st.failures));
}

} // namespace

TEST_CASE("random event streams: stats at any cursor and the export agree with a plain reference", "[model][property]") {
    for (std::uint32_t seed = 1; seed <= 300; ++seed) {
        INFO("seed " << seed);
        const Stream s = randomStream(seed);
        const std::int64_t last = s.events.back().t;
        checkStats(s, last);
        std::mt19937 rng(seed * 7919u);
        for (int k = 0; k < 4; ++k) {
            const std::int64_t cut = kZero + static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(last - kZero + 1));
            INFO("cut " << cut - kZero);
            checkStats(s, cut);
        }
        checkExport(s);
    }
}

TEST_CASE("the model built incrementally, a few events at a time, equals the model built at once", "[model][property]") {
    for (std::uint32_t seed = 1; seed <= 50; ++seed) {
        INFO("seed " << seed);
        const Stream s = randomStream(seed);
        RunModel once, inc;
        once.update(*s.trace);
        while (!inc.update(*s.trace, 3)) {}
        CHECK(statsToJson(computeStats(inc, *s.trace)) == statsToJson(computeStats(once, *s.trace)));
        std::ostringstream a, b;
        writeChromeTrace(once, *s.trace, a);
        writeChromeTrace(inc, *s.trace, b);
        CHECK(a.str() == b.str());
    }
}

TEST_CASE("a TaskChunk gives the tasks that follow on its worker their chunk, and survives a saved run",
          "[model][chunk]") {
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->updateMeta([](TraceMeta& m) { m.workers = 1; m.totalCores = 1; });
    auto at = [&](std::int64_t ms, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0) {
        tr->append(Event{kZero + ms * kMs, p, k, 0, obj, a, b});
    };
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(1, 1, EventKind::TaskChunk, 1, 2, 2);   // chunk 1: tasks 2 and 3
    at(1, 1, EventKind::TaskStart, 2);
    at(2, 1, EventKind::TaskEnd, 2);
    at(2, 1, EventKind::TaskStart, 3);
    at(3, 1, EventKind::TaskEnd, 3);
    at(3, 1, EventKind::TaskStart, 7);          // not in the chunk: no chunk
    at(4, 1, EventKind::TaskEnd, 7);
    at(5, 1, EventKind::ProcExit, 0, 0);
    auto check = [](const Trace& t) {
        RunModel m;
        m.update(t);
        REQUIRE(m.chunks().size() == 1);
        CHECK(m.chunks()[0].chunk == 1);
        CHECK(m.chunks()[0].begin == 2);
        CHECK(m.chunks()[0].count == 2);
        REQUIRE(m.tasks().size() == 3);
        CHECK(m.tasks()[0].chunk == 1);
        CHECK(m.tasks()[1].chunk == 1);
        CHECK(m.tasks()[2].chunk == -1);
    };
    check(*tr);
    const std::string path = "/tmp/parviz-chunk-test-" + std::to_string(::getpid()) + ".pvz";
    saveTrace(*tr, path);
    auto back = loadTrace(path);
    std::remove(path.c_str());
    check(*back);
}
