// A traced concurrent.futures.ProcessPoolExecutor: map chunks and submitted
// calls in input order, an unpicklable call, a killed worker
// (BrokenProcessPool), its call and result queues.
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

TEST_CASE("a traced ProcessPoolExecutor's map chunks and submitted calls are numbered in input order, bracketed on "
          "the worker that took them, and their results arrive when result() returns",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    const std::string script = dir.write("executor.py",
        "import sys, time\nimport multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\n"
        "def sq(x):\n    time.sleep(0.02)\n    return x * x\n"
        "def fail(x):\n    raise ValueError('no %d' % x)\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(2, mp_context=mp.get_context(sys.argv[1])) as ex:\n"
        "        print(list(ex.map(sq, range(5), chunksize=2)))\n"
        "        print(ex.submit(sq, 10).result())\n"
        "        try:\n            ex.submit(fail, 3).result()\n"
        "        except ValueError as e:\n            print('raised', e)\n");
    Traced t = traceScript(script, {method}, dir, "executor_" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // The tasks in input order: map's five, then the two submits.
    std::map<std::int32_t, std::string> byIndex;
    for (const parviz::TaskRecord& r : m.tasks()) byIndex[r.index] = std::string(tr.string(r.name));
    CHECK(byIndex == std::map<std::int32_t, std::string>{{0, "0"}, {1, "1"}, {2, "2"}, {3, "3"}, {4, "4"},
                                                         {5, "10"}, {6, "3"}});
    // map's three chunks, each a bracket on the worker that took it; a submit is one call, no chunk.
    std::set<std::string> labels;
    for (const parviz::ChunkBracket& b : parviz::buildChunkBrackets(m, tr, {}).items) {
        labels.insert(b.label);
        CHECK_FALSE(b.open);
        CHECK(tr.meta().procs.at(b.proc).role == parviz::ProcRole::PoolWorker);
    }
    CHECK(labels == std::set<std::string>{"chunk 0: tasks 0\u20131", "chunk 1: tasks 2\u20133", "chunk 2: task 4"});
    for (const parviz::TaskRecord& r : m.tasks()) CHECK((r.chunk >= 0) == (r.index < 5));
    // Each task's outcome: the failing submit raised.
    for (const parviz::TaskRecord& r : m.tasks())
        CHECK(r.outcome == (r.index == 6 ? parviz::TaskOutcome::Raised : parviz::TaskOutcome::Done));
    // Results: when result() returned (map's chunk by chunk, in input order), the failure as its error.
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, tr, tr[tr.size() - 1].t, 16);
    INFO(v.text);
    std::vector<std::string> names;
    for (const parviz::ResultArrival& a : v.arrived) names.push_back(a.name + (a.failed ? "!" : ""));
    CHECK(names == std::vector<std::string>{"0", "1", "2", "3", "4", "10", "3!"});
    CHECK(v.pending == 0);
    // Each task's own result, as a Pool's (before: none said, "" for each).
    std::vector<std::string> values;
    for (const parviz::ResultArrival& a : v.arrived)
        if (!a.failed) values.push_back(a.name + " -> " + a.value);
    CHECK(values == std::vector<std::string>{"0 -> 0", "1 -> 1", "2 -> 4", "3 -> 9", "4 -> 16", "10 -> 100"});
}

TEST_CASE("a traced ProcessPoolExecutor's results arrive per task as what each task returned, as a Pool's",
          "[cli][trace][python]") {
    TempDir dir;
    // map at its default chunksize (1: each task its own submit), map in chunks
    // of three (a chunk's results come back as one list), submit, and a result
    // whose repr is long (bounded).
    const std::string script = dir.write("ex_squares.py",
        "import time\nfrom concurrent.futures import ProcessPoolExecutor\n"
        "def square(x):\n    time.sleep(0.01)\n    return x * x\n"
        "if __name__ == '__main__':\n"
        "    with ProcessPoolExecutor(2) as ex:\n"
        "        print(list(ex.map(square, [5, 1, 2, 3])), flush=True)\n"
        "        print(list(ex.map(square, [6, 7, 8, 9, 10, 11], chunksize=3)), flush=True)\n"
        "        print(ex.submit(square, 12).result(), flush=True)\n"
        "        print(len(ex.submit(str, 'x' * 500).result()), flush=True)\n");
    Traced t = traceScript(script, {}, dir, "ex_squares");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.result.out.find("[25, 1, 4, 9]") != std::string::npos);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t, 40);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 12);
    std::vector<std::string> got;
    for (std::size_t i = 0; i < 11; ++i) got.push_back(v.arrived[i].name + " -> " + v.arrived[i].value);
    const std::vector<std::string> want{"5 -> 25", "1 -> 1", "2 -> 4", "3 -> 9", "6 -> 36", "7 -> 49",
                                        "8 -> 64", "9 -> 81", "10 -> 100", "11 -> 121", "12 -> 144"};
    CHECK(got == want);
    CHECK(v.list.find("5 \u2192 25 at ") != std::string::npos);
    CHECK(v.list.find("12 \u2192 144 at ") != std::string::npos);
    CHECK(v.arrived[11].value.rfind("'xxxx", 0) == 0);   // a long result: a bounded preview
    CHECK(v.arrived[11].value.size() <= 64);
    CHECK(v.pending == 0);
}

TEST_CASE("a traced ProcessPoolExecutor still fails a submitted call whose arguments cannot be pickled, as CPython "
          "does untraced",
          "[cli][trace][python]") {
    // CPython's call queue fails the future from its pending-work dict when its
    // feeder thread cannot pickle the call; a tracer that swapped that dict for
    // its own left the future waiting for ever.
    TempDir dir;
    const std::string script = dir.write("unpicklable.py",
        "import os, pickle, concurrent.futures as cf\n"
        "class Bad:\n    def __reduce__(self):\n        raise pickle.PicklingError('no')\n"
        "if __name__ == '__main__':\n"
        "    ex = cf.ProcessPoolExecutor(2)\n"
        "    try:\n        ex.submit(id, Bad()).result(timeout=10)\n"
        "    except cf.TimeoutError:\n        print('hung', flush=True)\n        os._exit(3)\n"   // shutdown would wait for ever
        "    except pickle.PicklingError as e:\n        print('raised', e)\n"
        "    ex.shutdown()\n");
    Traced t = traceScript(script, {}, dir, "unpicklable");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.result.out.find("raised no") != std::string::npos);
    CHECK(t.result.out.find("hung") == std::string::npos);
}

TEST_CASE("a traced ProcessPoolExecutor whose worker is killed is not said to hang as Pool.map does: CPython raises "
          "BrokenProcessPool",
          "[cli][trace][python]") {
    TempDir dir;
    const std::string script = dir.write("broken.py",
        "import os, signal, concurrent.futures as cf\n"
        "from concurrent.futures.process import BrokenProcessPool\n"
        "def die(x):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
        "if __name__ == '__main__':\n"
        "    with cf.ProcessPoolExecutor(1) as ex:\n"
        "        try:\n            ex.submit(die, 1).result(timeout=20)\n"
        "        except BrokenProcessPool:\n            print('broken')\n");
    ExeResult r = runParviz({"trace", "--", "/usr/bin/python3", script}, 60);
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("broken") != std::string::npos);
    CHECK(r.out.find("was killed by SIGKILL") != std::string::npos);   // still a failure, named
    CHECK(r.out.find("never runs that task again") == std::string::npos);
    CHECK(r.err.find("never runs that task again") == std::string::npos);
}

TEST_CASE("a traced ProcessPoolExecutor's call and result queues are drawn as its pool's queues, with their roles, "
          "and its workers' exit on the shutdown's None is said in the executor's own terms",
          "[cli][trace][python]") {
    for (const std::string method : {"fork", "spawn"}) {
        DYNAMIC_SECTION(method) {
            TempDir dir;
            const Traced t = traceScript(kTestPrograms + "executor_queues.py", {method}, dir, "executor_" + method);
            INFO(describe(t.result));
            REQUIRE(t.trace);
            const parviz::Trace& tr = *t.trace;
            parviz::RunModel m;
            m.update(tr);
            const parviz::QueueIndex* calls = queueNamed(m, tr, "executor calls");
            const parviz::QueueIndex* results = queueNamed(m, tr, "executor results");
            REQUIRE(calls);
            REQUIRE(results);
            CHECK(calls->poolRole == parviz::PoolQueueRole::Tasks);
            CHECK(calls->poolKind == parviz::PoolKind::Executor);
            CHECK(results->poolRole == parviz::PoolQueueRole::Results);
            CHECK(results->poolKind == parviz::PoolKind::Executor);
            // Its calls as the program wrote them: 4 items, 2 chunks of 2, a
            // submit, then a None per worker; each taken by a worker.
            std::multiset<std::string> callItems;
            for (const auto& r : calls->items) {
                callItems.emplace(tr.string(r.preview));
                CHECK(r.putProc == parviz::kParentProc);
                CHECK(r.getProc != parviz::kParentProc);
                CHECK(r.getProc != parviz::kNoProc);
            }
            CHECK(callItems == std::multiset<std::string>{"0", "1", "2", "3", "[0, 1]", "[2, 3]", "10", "None", "None"});
            CHECK(calls->stopSignals.size() == 2);
            // Each result back from a worker, taken by MainProcess's manager
            // thread; each worker's pid as it exits are the stop signals (the
            // shutting-down executor joins its workers: it may leave them unread).
            std::multiset<std::string> resultItems;
            for (const auto& r : results->items) {
                const std::string v(tr.string(r.preview));
                const bool pid = v.rfind("pid ", 0) == 0;
                resultItems.emplace(pid ? "pid" : v);
                CHECK(r.putProc != parviz::kParentProc);
                if (!pid) CHECK(r.getProc == parviz::kParentProc);
            }
            CHECK(resultItems ==
                  std::multiset<std::string>{"[0]", "[1]", "[4]", "[9]", "[0, 1]", "[4, 9]", "100", "pid", "pid"});
            CHECK(results->stopSignals.size() == 2);
            // The second map's tasks are told from the first's.
            CHECK(taskNames(m, tr) == std::multiset<std::string>{"0", "1", "2", "3", "call 2: 0", "call 2: 1",
                                                                 "call 2: 2", "call 2: 3", "10"});
            // Why, at the end: each worker exited on the executor's None, in the executor's words.
            const parviz::Explanation x = parviz::buildExplain(m, tr, tr[tr.size() - 1].t);
            int workers = 0;
            for (const auto& p : x.procs) {
                if (p.proc == parviz::kParentProc) {
                    CHECK(p.text.find("stop signal") == std::string::npos);
                    continue;
                }
                ++workers;
                INFO(p.text);
                CHECK(p.text.find("took a None from the executor's call queue") != std::string::npos);
                CHECK(p.text.find("from the task queue") == std::string::npos);
            }
            CHECK(workers == 2);
        }
    }
}

TEST_CASE("a traced ProcessPoolExecutor's result queue is drawn under CPython 3.8 too, whose manager thread reads it "
          "in a function, not a class",
          "[cli][trace][python]") {
    const auto pythons = otherPythons();
    const auto it = pythons.find("3.8");
    if (it == pythons.end()) {
        WARN("no CPython 3.8 here (~/.pyenv/versions/3.8.*): the 3.8 executor's result queue is not tested");
        return;
    }
    for (const std::string method : {"fork", "spawn"}) {
        DYNAMIC_SECTION(method) {
            TempDir dir;
            const Traced t = traceScript(kTestPrograms + "executor_queues.py", {method}, dir, "executor38_" + method,
                                         it->second);
            INFO(describe(t.result));
            REQUIRE(t.trace);
            const parviz::Trace& tr = *t.trace;
            parviz::RunModel m;
            m.update(tr);
            const parviz::QueueIndex* results = queueNamed(m, tr, "executor results");
            REQUIRE(results);
            CHECK(results->poolRole == parviz::PoolQueueRole::Results);
            CHECK(results->poolKind == parviz::PoolKind::Executor);
            // Each result put by a worker and taken by MainProcess's manager
            // thread (the workers' exit pids may be left unread).
            std::multiset<std::string> resultItems;
            for (const auto& r : results->items) {
                const std::string v(tr.string(r.preview));
                const bool pid = v.rfind("pid ", 0) == 0;
                if (pid) continue;
                resultItems.emplace(v);
                CHECK(r.putProc != parviz::kParentProc);
                CHECK(r.getProc == parviz::kParentProc);
            }
            CHECK(resultItems == std::multiset<std::string>{"[0]", "[1]", "[4]", "[9]", "[0, 1]", "[4, 9]", "100"});
        }
    }
}
