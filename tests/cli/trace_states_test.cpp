// A traced process's lane state, as parviz's engine draws its workers':
// running inside a task, sleeping in time.sleep, waiting for a queue or a
// lock, idle otherwise; a nested wait's end restores the enclosing state;
// MainProcess waiting for a Pool's results.
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

namespace {

// A traced script's run, its model, and the program's file the Code panel shows.
struct TracedSource {
    Traced t;
    std::shared_ptr<parviz::RunModel> model = std::make_shared<parviz::RunModel>();
    std::string file;
    // The 0-based line the Code panel marks process p on at t; -1: on none.
    int lineAt(parviz::ProcId p, std::int64_t at) const {
        for (const parviz::CodeMarker& mk : parviz::buildSourceCodeView(*model, *t.trace, file, at).markers)
            if (mk.proc == p) return mk.line;
        return -1;
    }
};

TracedSource traceSource(const std::string& script, const TempDir& dir, const std::string& name) {
    TracedSource s{traceScript(script, {}, dir, name)};
    INFO(describe(s.t.result));
    REQUIRE(s.t.result.exitCode == 0);
    s.model->update(*s.t.trace);
    s.file = parviz::tracedProgramFile(*s.model, *s.t.trace);
    REQUIRE(s.file == script);
    return s;
}

} // namespace

TEST_CASE("a traced worker sleeping in time.sleep is drawn sleeping on the sleep's line, as parviz's engine draws its "
          "sleep work", "[cli][trace][python]") {
    TempDir dir;
    // Line 6 (0-based 5) is the sleep the Code panel must mark, not the print before it.
    const std::string script = dir.write("sleepers.py",
        "import time\nfrom multiprocessing import Pool\n\n"
        "def work(x):\n    print('start', x, flush=True)\n    time.sleep(x)\n    print('done', x, flush=True)\n"
        "    return x\n\n"
        "if __name__ == '__main__':\n    p = Pool(2)\n    p.map(work, [0.6, 0.4], chunksize=1)\n"
        "    p.map(time.sleep, [0.3, 0.3], chunksize=1)\n    p.close()\n    p.join()\n    print('end')\n");
    const TracedSource src = traceSource(script, dir, "sleepers");
    const Traced& t = src.t;
    const parviz::Trace& tr = *t.trace;
    const parviz::RunModel& m = *src.model;
    auto stateAt = [&](parviz::ProcId p, std::int64_t at) {
        const parviz::SpanRow& row = m.procs().at(p).program;
        const std::size_t i = row.firstEndingAfter(at, 0);
        return i < row.size() && row[i].t0 <= at ? row[i].state : parviz::LaneState::None;
    };
    int ownSleeps = 0, sleepTasks = 0;
    for (const parviz::TaskRecord& task : m.tasks()) {
        const std::string name(tr.string(task.name));
        INFO(name << " in " << procName(tr, task.proc));
        REQUIRE(task.t1 != parviz::kOpenEnd);
        const std::int64_t mid = task.t0 + (task.t1 - task.t0) / 2;
        CHECK(stateAt(task.proc, mid) == parviz::LaneState::Sleeping);
        // The sleep ended before the task: the lane is back in the task (running), as the engine's.
        CHECK(stateAt(task.proc, task.t1 - 1) == parviz::LaneState::Running);
        if (name.find("0.6") != std::string::npos || name.find("0.4") != std::string::npos) {
            ++ownSleeps;
            CHECK(src.lineAt(task.proc, mid) == 5);
        } else {
            ++sleepTasks;   // map(time.sleep): the task function is the sleep itself
        }
    }
    CHECK(ownSleeps == 2);
    CHECK(sleepTasks == 2);
    // The program still does and prints what it does untraced.
    std::multiset<std::string> lines(t.programLines.begin(), t.programLines.end());
    CHECK(lines == std::multiset<std::string>{"start 0.6", "start 0.4", "done 0.6", "done 0.4", "end"});
}

// Newcomer walk, session 26: a traced pool's workers computing in their
// task's function were drawn in the Code panel on "with Pool(4) as pool:"
// (the last line they had: their start). Now, mid-task, each is on the def
// of the function the job runs (JOB_CODE), for map at chunksize 1 and 2 and
// apply_async; once its chunk has gone back, on no line until its next task.
TEST_CASE("a traced pool worker in a task is on its function's def line in the Code panel, and on none between tasks",
          "[cli][trace][python][code]") {
    TempDir dir;
    // 0-based: line 3 is "def spin(n):", line 9 "def other(n):".
    const std::string script = dir.write("spinners.py",
        "import time\nfrom multiprocessing import Pool\n\n"
        "def spin(n):\n    end = time.monotonic() + n\n    while time.monotonic() < end:\n        pass\n    return n\n\n"
        "def other(n):\n    return spin(n)\n\n"
        "if __name__ == '__main__':\n    with Pool(2) as p:\n        p.map(spin, [0.3, 0.3], chunksize=1)\n"
        "        p.map(spin, [0.15, 0.15, 0.15, 0.15], chunksize=2)\n        p.apply_async(other, (0.3,)).get()\n"
        "        time.sleep(0.4)\n");
    const TracedSource src = traceSource(script, dir, "spinners");
    const parviz::Trace& tr = *src.t.trace;
    const parviz::RunModel& m = *src.model;
    auto lineAt = [&](parviz::ProcId p, std::int64_t at) { return src.lineAt(p, at); };
    int checked = 0, onOther = 0;
    std::int64_t lastEnd = 0;
    for (const parviz::TaskRecord& task : m.tasks()) {
        INFO(tr.string(task.name) << " in " << procName(tr, task.proc));
        REQUIRE(task.t1 != parviz::kOpenEnd);
        const int line = lineAt(task.proc, task.t0 + (task.t1 - task.t0) / 2);
        CHECK((line == 3 || line == 9));
        onOther += line == 9;
        ++checked;
        lastEnd = std::max(lastEnd, task.t1);
    }
    CHECK(checked == 7);
    CHECK(onOther == 1);   // apply_async(other, ...): other's def, though it calls spin
    // MainProcess sleeps 0.4 s after the last task: the workers, idle in the pool's loop, are on no line of it.
    const std::int64_t idle = lastEnd + 200'000'000;
    int workersShown = 0;
    for (const parviz::CodeMarker& mk : parviz::buildSourceCodeView(m, tr, src.file, idle).markers)
        workersShown += mk.proc != parviz::kParentProc;
    CHECK(workersShown == 0);
    CHECK(lineAt(parviz::kParentProc, idle) == 17);   // MainProcess: time.sleep(0.4)
}

namespace {

// MainProcess's lane state and Explain's sentence for it halfway through its
// longest wait (WaitQueue or WaitSync) of a saved run.
std::pair<parviz::LaneState, std::string> mainProcessLongestWait(const parviz::Trace& tr) {
    parviz::RunModel m;
    m.update(tr);
    const parviz::Span* longest = nullptr;
    for (const parviz::ProcLaneIndex& l : m.procs()) {
        if (l.proc != parviz::kParentProc) continue;
        for (std::size_t i = 0; i < l.program.size(); ++i) {
            const parviz::Span& s = l.program[i];
            if (s.state != parviz::LaneState::WaitQueue && s.state != parviz::LaneState::WaitSync) continue;
            if (s.t1 == parviz::kOpenEnd) continue;
            if (!longest || s.t1 - s.t0 > longest->t1 - longest->t0) longest = &s;
        }
    }
    if (!longest) return {parviz::LaneState::None, ""};
    const parviz::Explanation x = parviz::buildExplain(m, tr, longest->t0 + (longest->t1 - longest->t0) / 2);
    for (const auto& p : x.procs)
        if (p.proc == parviz::kParentProc) return {longest->state, p.text};
    return {longest->state, ""};
}

} // namespace

TEST_CASE("MainProcess waiting for a Pool's results is the same lane state and the same words traced and in parviz's "
          "engine",
          "[cli][trace][python]") {
    TempDir dir;
    const Traced t = traceExample("pool.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.trace);
    const std::string saved = dir.file("engine.pvz");
    const ExeResult engine = runParviz({"run", "pool", "--time-scale", "0.05", "--save-run", saved});
    INFO(describe(engine));
    REQUIRE(engine.exitCode == 0);
    const auto traced = mainProcessLongestWait(*t.trace);
    const auto ours = mainProcessLongestWait(*parviz::loadTrace(saved));
    INFO("traced: " << traced.second << "\nengine: " << ours.second);
    CHECK(traced.first == parviz::LaneState::WaitQueue);
    CHECK(ours.first == parviz::LaneState::WaitQueue);
    const std::string words = "MainProcess waits for the pool's results since ";
    CHECK(traced.second.rfind(words, 0) == 0);
    CHECK(ours.second.rfind(words, 0) == 0);
    // Then the same account of the pool's progress in both.
    CHECK(traced.second.find(" tasks started so far ") != std::string::npos);
    CHECK(ours.second.find(" tasks started so far ") != std::string::npos);
}

TEST_CASE("a traced process's lane follows parviz's engine's states: running in a task, sleeping, waiting for a queue "
          "whose get blocks, idle in its own code, and back to the enclosing state when a nested wait ends",
          "[cli][trace][python]") {
    for (const std::string method : {"fork", "spawn"}) {
        DYNAMIC_SECTION(method) {
            TempDir dir;
            const Traced t = traceScript(kTestPrograms + "lane_states.py", {method}, dir, "states_" + method);
            INFO(describe(t.result));
            REQUIRE(t.trace);
            const parviz::Trace& tr = *t.trace;
            parviz::RunModel m;
            m.update(tr);
            // Each phase of lane_states.py is between two printed lines: the
            // lane's state halfway between them (and by the process that printed the first).
            std::map<std::string, std::pair<std::int64_t, parviz::ProcId>> printedAt;
            for (std::size_t i = 0; i < tr.size(); ++i)
                if (tr[i].kind == EventKind::Print) printedAt.emplace(tr.string(tr[i].a), std::pair{tr[i].t, tr[i].proc});
            auto between = [&](const std::string& from, const std::string& to) {
                INFO(from << " .. " << to);
                REQUIRE(printedAt.count(from));
                REQUIRE(printedAt.count(to));
                const auto [t0, p] = printedAt.at(from);
                const std::int64_t t1 = printedAt.at(to).first;
                REQUIRE(t1 > t0);
                const parviz::SpanRow& row = m.procs().at(p).program;
                const std::int64_t mid = t0 + (t1 - t0) / 2;
                const std::size_t i = row.firstEndingAfter(mid, 0);
                return i < row.size() && row[i].t0 <= mid ? row[i].state : parviz::LaneState::None;
            };
            // A Pool worker's task: CPU work is running, not idle.
            CHECK(between("cpu-begin", "cpu-end") == parviz::LaneState::Running);
            CHECK(between("sleep-begin", "sleep-end") == parviz::LaneState::Sleeping);
            // The sleep ended inside the task: running again, not idle.
            CHECK(between("after-sleep-begin", "after-sleep-end") == parviz::LaneState::Running);
            // A Process blocked in Queue.get waits for its queue; its thread's
            // sleep ending meanwhile leaves it waiting, not idle.
            CHECK(between("t-sleep-end", "putting") == parviz::LaneState::WaitQueue);
            CHECK(between("sq-get-begin", "sq-putting") == parviz::LaneState::WaitQueue);
            // Its own code outside any task or wait: idle, as the engine's worker between tasks.
            CHECK(between("idle-begin", "idle-end") == parviz::LaneState::Idle);
            CHECK(t.programLines.back() == "exit 0");
        }
    }
}

TEST_CASE("a traced Pool worker between tasks waits for the pool's task queue, in the same lane state and words as "
          "parviz's engine's workers",
          "[cli][trace][python]") {
    // Engine: a worker waiting on its empty task queue (pool-uneven at 1
    // worker... any worker that finished its share): "W waits to take from Q: ...".
    TempDir engineDir;
    const std::string saved = engineDir.file("engine.pvz");
    const ExeResult engine = runParviz({"run", "pool-uneven", "--time-scale", "0.05", "--save-run", saved});
    INFO(describe(engine));
    REQUIRE(engine.exitCode == 0);
    // The engine's sentence for a worker in WaitQueue, up to the queue's name.
    std::string engineWords;
    {
        const auto etr = parviz::loadTrace(saved);
        parviz::RunModel em;
        em.update(*etr);
        for (const parviz::ProcLaneIndex& l : em.procs()) {
            if (l.proc == parviz::kParentProc) continue;
            for (std::size_t i = 0; i < l.program.size() && engineWords.empty(); ++i) {
                const parviz::Span& s = l.program[i];
                if (s.state != parviz::LaneState::WaitQueue || s.t1 == parviz::kOpenEnd || s.t1 <= s.t0) continue;
                for (const auto& p : parviz::buildExplain(em, *etr, s.t0 + (s.t1 - s.t0) / 2).procs)
                    if (p.proc == l.proc && p.state == parviz::LaneState::WaitQueue) engineWords = p.text;
            }
        }
    }
    INFO("engine: " << engineWords);
    REQUIRE(engineWords.find(" waits to take from ") != std::string::npos);
    for (const std::string method : {"fork", "spawn"}) {
        DYNAMIC_SECTION(method) {
            TempDir dir;
            // Each worker waits for its next task three times: before its first (the
            // pool starting), while the program sleeps between its two maps, and after
            // its last until close() sends the stop signals.
            const std::string script = dir.write("between.py",
                "import sys, time\nimport multiprocessing as mp\n\n"
                "def work(x):\n    time.sleep(x)\n    return x\n\n"
                "if __name__ == '__main__':\n    mp.set_start_method(sys.argv[1])\n    p = mp.Pool(2)\n"
                "    time.sleep(0.3)\n"
                "    print(p.map(work, [0.4, 0.1], chunksize=1), flush=True)\n"
                "    time.sleep(0.4)\n"
                "    print(p.map(work, [0.1, 0.1], chunksize=1), flush=True)\n"
                "    time.sleep(0.4)\n    p.close()\n    p.join()\n    print('end', flush=True)\n");
            const Traced t = traceScript(script, {method}, dir, "between_" + method);
            INFO(describe(t.result));
            REQUIRE(t.result.exitCode == 0);
            const parviz::Trace& tr = *t.trace;
            parviz::RunModel m;
            m.update(tr);
            REQUIRE(m.tasks().size() == 4);
            // Each worker's tasks in order, and the gaps around them.
            std::map<parviz::ProcId, std::vector<std::pair<std::int64_t, std::int64_t>>> byWorker;
            for (const parviz::TaskRecord& task : m.tasks()) {
                REQUIRE(task.t1 != parviz::kOpenEnd);
                byWorker[task.proc].emplace_back(task.t0, task.t1);
            }
            REQUIRE(byWorker.size() == 2);   // (two tasks each: the pool hands them out greedily)
            int gaps = 0;
            for (auto& [proc, tasks] : byWorker) {
                std::sort(tasks.begin(), tasks.end());
                const parviz::ProcLaneIndex& lane = m.procs().at(proc);
                // Between its tasks, and from its last task to its exit (the stop signal comes 0.4 s after).
                std::vector<std::pair<std::int64_t, std::int64_t>> idle;
                for (std::size_t i = 0; i + 1 < tasks.size(); ++i) idle.emplace_back(tasks[i].second, tasks[i + 1].first);
                idle.emplace_back(tasks.back().second, tasks.back().second + 300'000'000);
                for (const auto& [a, b] : idle) {
                    INFO(procName(tr, proc) << " between " << a << " and " << b);
                    REQUIRE(b > a + 100'000'000);
                    const std::int64_t mid = a + (b - a) / 2;
                    const std::size_t i = lane.program.firstEndingAfter(mid, 0);
                    const parviz::LaneState st =
                        i < lane.program.size() && lane.program[i].t0 <= mid ? lane.program[i].state : parviz::LaneState::None;
                    CHECK(st == parviz::LaneState::WaitQueue);   // before: Idle (a blank lane)
                    std::string text;
                    for (const auto& p : parviz::buildExplain(m, tr, mid).procs)
                        if (p.proc == proc) text = p.text;
                    INFO("traced: " << text);
                    CHECK(text.rfind(procName(tr, proc) + " waits to take from pool tasks: it is empty", 0) == 0);
                    ++gaps;
                }
            }
            CHECK(gaps == 4);
            CHECK(t.programLines.back() == "end");
        }
    }
}
