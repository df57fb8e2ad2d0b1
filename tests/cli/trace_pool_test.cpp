// A traced multiprocessing.Pool: CPython's greedy schedule, every Pool form,
// the with-block's terminate, raising tasks, the result and task queues
// (derived from the workers' tasks), chunks, several calls in one program.
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
#include <regex>
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

TEST_CASE("a traced Pool.map gives each worker the tasks of CPython's greedy schedule", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("pool.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    std::map<parviz::ProcId, std::vector<std::string>> byWorker;
    std::map<std::int32_t, int> ends;
    for (std::size_t i = 0; i < t.trace->size(); ++i) {
        const Event& e = (*t.trace)[i];
        if (e.kind == EventKind::TaskStart) byWorker[e.proc].emplace_back(t.trace->string(e.a));
        if (e.kind == EventKind::TaskEnd && !(e.flags & 1)) ++ends[e.obj];
    }
    std::multiset<std::vector<std::string>> shapes;
    for (const auto& [proc, names] : byWorker) {
        CHECK(procName(*t.trace, proc).rfind("ForkPoolWorker-", 0) == 0);
        shapes.insert(names);
    }
    CHECK(shapes == greedy({{"('A', 5)", 5}, {"('B', 2)", 2}, {"('C', 1)", 1}, {"('D', 3)", 3}}, 2));
    CHECK(ends == std::map<std::int32_t, int>{{0, 1}, {1, 1}, {2, 1}, {3, 1}});   // indices in input order, each done once
}

TEST_CASE("a traced with-Pool block whose exit terminates the workers is not a failure and its sequential time is "
          "the measured in-task time",
          "[cli][trace][python]") {
    TempDir dir;
    // Pool.__exit__ calls terminate(): each worker still alive gets SIGTERM
    // (whether a worker already left on its own sentinel is a race in
    // CPython); the plain Process is terminated for certain.
    const std::string script = dir.write("with_pool.py",
        "import time\nfrom multiprocessing import Pool, Process\n"
        "def nap(s):\n    time.sleep(s)\n    return s\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        print(p.map(nap, [0.05] * 4, chunksize=1))\n"
        "    sleeper = Process(target=time.sleep, args=(30,))\n"
        "    sleeper.start()\n    time.sleep(0.05)\n    sleeper.terminate()\n    sleeper.join()\n"
        "    print('sleeper exit code', sleeper.exitcode)\n");
    const std::string summary = dir.file("summary.json");
    const std::string chrome = dir.file("trace.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--trace", chrome, "--", "/usr/bin/python3", script});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("sleeper exit code -15") != std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["failures"].empty());
    double inTask = 0;
    int workers = 0;
    bool sleeperSeen = false;
    for (const auto& w : j["workers"]) {
        CHECK(w["killed"] == false);   // terminate() is CPython's normal way out, not a kill
        inTask += w["in_task_s"].get<double>();
        if (w["signal"] == 15) CHECK(w["terminated_by_program"] == true);
        if (w["role"] == "pool worker") ++workers;
        if (w["name"] == "Process-3") {
            sleeperSeen = true;
            CHECK(w["signal"] == 15);
            CHECK(w["terminated_by_program"] == true);
        }
    }
    CHECK(workers == 2);
    CHECK(sleeperSeen);
    CHECK(j["worker_count"] == 2);   // the processes that ran tasks
    CHECK(j["sequential_measured"] == true);
    CHECK(j["sequential_s"].get<double>() >= 0.2);
    // In-task time is sequential plus the waits left out of it (for a free core, on a loaded machine).
    CHECK(j["sequential_s"].get<double>() + j["sequential_waits_left_out_s"].get<double>() ==
          Approx(inTask).epsilon(1e-6));
    CHECK(r.out.find("measured in-task times") != std::string::npos);
    CHECK(r.out.find("SIGTERM (15) by terminate()") != std::string::npos);
    // Said under the table as the usual end, not a crash (newcomer walk, session
    // 28): the plain Process's for certain, the pool's when a worker got it.
    CHECK(r.out.find("(by terminate(): the program itself ended that process with Process.terminate(), which sends "
                     "SIGTERM)") != std::string::npos);
    bool poolWorkerTerminated = false;
    for (const auto& w : j["workers"])
        poolWorkerTerminated = poolWorkerTerminated || (w["role"] == "pool worker" && w["signal"] == 15);
    CHECK((r.out.find("leaving a `with Pool(...)` block does: the usual end, not a crash") != std::string::npos) ==
          poolWorkerTerminated);
    CHECK(parviz::test::readFile(chrome).find("\"failure\"") == std::string::npos);
}

TEST_CASE("a traced Pool whose tasks queue for one Lock is not called parallel: waits are left out of sequential",
          "[cli][trace][python]") {
    TempDir dir;
    // Six tasks on three workers, each holding one Lock for 0.3 s: the work is
    // 1.8 s and the Lock makes it serial, so the speedup is about 1. Counting
    // the in-task time spent queueing for the Lock (up to 0.6 s a task) would
    // make sequential ~3.3 s and the speedup ~1.8x.
    const std::string script = dir.write("convoy.py",
        "import time\nfrom multiprocessing import Pool, Lock\n"
        "def init(l):\n    global lock\n    lock = l\n"
        "def work(i):\n    with lock:\n        time.sleep(0.3)\n    return i\n"
        "if __name__ == '__main__':\n"
        "    l = Lock()\n"
        "    with Pool(3, initializer=init, initargs=(l,)) as p:\n        print(p.map(work, range(6), chunksize=1))\n");
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/python3", script});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    REQUIRE(j["tasks"]["done"] == 6);
    double inTask = 0;
    for (const auto& w : j["workers"]) inTask += w["in_task_s"].get<double>();
    const double sequential = j["sequential_s"].get<double>(), waits = j["sequential_waits_left_out_s"].get<double>();
    CHECK(inTask > 2.4);                          // the tasks' wall time includes their queueing (>= 0.3 + 0.6 s)
    CHECK(sequential >= 1.8 - 0.01);              // each task slept 0.3 s holding the Lock
    CHECK(sequential < 2.4);                      // ... and its queueing for the Lock is not work
    CHECK(waits > 0.5);
    CHECK(sequential + waits == Approx(inTask).epsilon(1e-6));
    CHECK(j["speedup"].get<double>() < 1.35);
}

TEST_CASE("every Pool form and ProcessPoolExecutor run their items as traced tasks in their workers",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "pool_api.py", {method}, dir, "pool_api_" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    std::map<std::string, std::int32_t> indexOf;   // task name -> index
    std::map<std::string, std::string> ranOn;      // task name -> worker
    std::set<std::int32_t> indices;
    std::set<std::string> failed;
    int starts = 0;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::TaskStart) {
            ++starts;
            const std::string name(tr.string(e.a));
            CHECK(indexOf.count(name) == 0);   // each item ran once
            indexOf[name] = e.obj;
            ranOn[name] = procName(tr, e.proc);
            CHECK(meta.procs.at(e.proc).role == parviz::ProcRole::PoolWorker);
            CHECK(indices.insert(e.obj).second);   // no two tasks share an index
        }
        if (e.kind == EventKind::TaskEnd && (e.flags & 1)) failed.insert(std::string(tr.string(e.a)));
    }
    std::set<std::string> names;
    for (const auto& [n, i] : indexOf) names.insert(n);
    // A Pool's task whose argument is a number is named by its call
    // ("square(1)": "task 1" read as a count, session 28); a tuple's preview
    // stays as it is, and the executor's calls (no Pool job) keep their argument.
    auto sq = [](int n) { return "square(" + std::to_string(n) + ")"; };
    const std::set<std::string> expected{sq(1),  sq(2),  sq(3),  sq(4),  sq(5),  "(6, 1)", "(7, 1)", "(8, 1)",
                                         sq(10), sq(11), sq(12), sq(13), sq(14), sq(15),   sq(16),   sq(17),
                                         sq(18), "(19, 1)", "fail(20)", "30", "31", "32", "33"};
    CHECK(names == expected);
    CHECK(starts == 23);
    CHECK(failed == std::set<std::string>{"fail(20)"});   // apply(fail, ...) raised in the worker
    // Announced jobs number their items in input order, chunked or not.
    for (const auto& run : {std::vector<std::string>{sq(1), sq(2), sq(3)}, {sq(4), sq(5)}, {"(6, 1)", "(7, 1)"},
                            {sq(10), sq(11), sq(12)}, {sq(13), sq(14), sq(15)}, {sq(16), sq(17)}}) {
        for (std::size_t k = 1; k < run.size(); ++k) {
            INFO(run[k - 1] + " then " + run[k]);
            CHECK(indexOf[run[k]] == indexOf[run[k - 1]] + 1);
        }
    }
    const std::string poolPrefix = method == "fork" ? "ForkPoolWorker-" : method == "spawn" ? "SpawnPoolWorker-"
                                                                                            : "ForkServerPoolWorker-";
    for (const auto& [name, worker] : ranOn) {
        INFO(name);
        const bool executor = name == "30" || name == "31" || name == "32" || name == "33";
        CHECK((worker.rfind(poolPrefix, 0) == 0) == !executor);   // executor workers are its own processes
    }
}

TEST_CASE("a Pool task that raises is named with its exception and message in the summary, Explain and its hover text",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("failing_task.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);   // the program caught what Pool.map raised
    CHECK(std::find(t.programLines.begin(), t.programLines.end(),
                    "Pool.map raised ZeroDivisionError: division by zero") != t.programLines.end());
    // Before: "task ('C', 0) failed: it raised on ForkPoolWorker-1", and nothing said what it raised.
    CHECK(t.result.out.find("task ('C', 0) raised ZeroDivisionError: division by zero (in ForkPoolWorker-") !=
          std::string::npos);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    const parviz::RunStats s = parviz::computeStats(m, tr);
    REQUIRE(s.failedTasks.size() == 1);
    CHECK(s.failedTasks[0].name == "('C', 0)");
    CHECK(s.failedTasks[0].error == "ZeroDivisionError: division by zero");
    CHECK(nlohmann::json::parse(parviz::statsToJson(s))["failed_tasks"][0]["error"] ==
          "ZeroDivisionError: division by zero");
    // Explain, once it has raised: a note naming it, and MainProcess waiting in Pool.map is told what comes.
    const parviz::TaskRecord* failed = nullptr;
    for (const parviz::TaskRecord& r : m.tasks())
        if (r.outcome == parviz::TaskOutcome::Raised) failed = &r;
    REQUIRE(failed != nullptr);
    const parviz::Explanation x = parviz::buildExplain(m, tr, failed->t1);
    std::string notes, main;
    for (const auto& n : x.notes) notes += n + "\n";
    for (const auto& p : x.procs)
        if (p.name == "MainProcess") main = p.text;
    INFO(notes << main);
    CHECK(notes.find("Task ('C', 0) raised ZeroDivisionError: division by zero in ForkPoolWorker-") != std::string::npos);
    CHECK(main.find("task ('C', 0) raised ZeroDivisionError: division by zero, which Pool.map raises here") !=
          std::string::npos);
    // The failed task's hover text on its lane.
    CHECK(parviz::describeTaskOutcome(m, tr, failed->proc, failed->index) == "raised ZeroDivisionError: division by zero");
}

TEST_CASE("a traced Pool hands each result back on its result queue: a worker's put, MainProcess's get",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn");
    TempDir dir;
    // pool.py's jobs under the chosen start method (spawn: each worker finds the queue by its name).
    const std::string script = dir.write("results.py",
        "import sys, time\nimport multiprocessing as mp\n"
        "def job(x):\n    time.sleep(0.02)\n    return x.upper()\n"
        "if __name__ == '__main__':\n"
        "    mp.set_start_method(sys.argv[1])\n"
        "    with mp.Pool(2) as pool:\n        print(pool.map(job, ['a', 'b', 'c', 'd'], chunksize=1))\n");
    Traced t = traceScript(script, {method}, dir, "results-" + method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    std::int32_t results = -1;
    for (const auto& o : meta.objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool results") results = o.id;
    REQUIRE(results >= 0);   // before: the result queue was not traced
    parviz::RunModel m;
    m.update(tr);
    const parviz::QueueIndex* q = m.queue(results);
    REQUIRE(q != nullptr);
    std::multiset<std::string> values;
    for (const parviz::QueueItemRecord& r : q->items) {
        const std::string v(tr.string(r.preview));
        if (v == "None") continue;   // the result handler's own stop signal, from MainProcess
        values.insert(v);
        CHECK(procName(tr, r.putProc).find("PoolWorker-") != std::string::npos);
        CHECK(r.getProc == parviz::kParentProc);   // MainProcess's result handler took it
        CHECK(r.getT >= r.putT);
    }
    CHECK(values == std::multiset<std::string>{"['A']", "['B']", "['C']", "['D']"});
    // Explain, while MainProcess waits in Pool.map: the results that have come back.
    std::int64_t firstBack = parviz::kNever;
    for (const parviz::QueueItemRecord& r : q->items) firstBack = std::min(firstBack, r.getT);
    const parviz::Explanation x = parviz::buildExplain(m, tr, firstBack);
    std::string main;
    for (const auto& p : x.procs)
        if (p.proc == parviz::kParentProc) main = p.text;
    INFO(main);
    // Said as where it is (taken off pool results by the result-handler
    // thread, as the Queue panel shows it) and apart from what the caller has
    // (classroom walk: "1 result has come back to MainProcess" at 3.02 s
    // beside This run's "all at 6.02 s" read as a contradiction; newcomer walk,
    // session 30: "back in the pool's result queue" beside "pool results (empty)").
    CHECK(main.find("MainProcess's result-handler thread has taken 1 of the 4 results off the queue pool results") != std::string::npos);
    CHECK(main.find("; the program has received none yet") != std::string::npos);
}

TEST_CASE("the stop signals a terminated Pool's workers never took are shown dropped at terminate, not left in its "
          "task queue",
          "[cli][trace][python]") {
    TempDir dir;
    // The with block ends while both workers are still in their tasks: terminate() ends them
    // before they can take their stop signals (CPython drains or leaves them; nobody reads them).
    const std::string script = dir.write("terminated.py",
        "import time\nfrom multiprocessing import Pool\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        r = p.map_async(time.sleep, [2, 2])\n        time.sleep(0.3)\n"
        "    print('left the with block')\n");
    Traced t = traceScript(script, {}, dir, "terminated");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::int32_t tasks = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool tasks") tasks = o.id;
    REQUIRE(tasks >= 0);
    parviz::RunModel m;
    m.update(tr);
    const std::int64_t end = tr[tr.size() - 1].t;
    const parviz::QueueView v = parviz::buildQueueView(m, tr, tasks, end);
    INFO("put " << v.putCount << ", taken " << v.takenCount << ", in queue " << v.inQueue);
    CHECK(v.inQueue == 0);   // before: the stop signals stayed "in queue" for ever
    CHECK(v.discardedCount >= 1);
    std::size_t dropped = 0;
    for (const parviz::QueueItemRecord& r : m.queue(tasks)->items)
        if (r.discarded) {
            ++dropped;
            CHECK(std::string(tr.string(r.preview)) == "None");   // only stop signals were left
            CHECK(r.getProc == parviz::kParentProc);              // dropped by MainProcess's terminate
        }
    CHECK(dropped == v.discardedCount);
    std::string notes;
    for (const auto& n : parviz::buildExplain(m, tr, end).notes) notes += n + "\n";
    INFO(notes);
    CHECK(notes.find("dropped unread when the pool was terminated") != std::string::npos);
}

namespace {

// A pool queue as a list of items in put order: preview, who put it, who took
// it (process names without their number: which of two equal workers took a
// chunk is a race) and whether it was dropped; and its final counts.
struct PoolQueueShape {
    std::vector<std::string> items;
    std::size_t put = 0, taken = 0, discarded = 0, inQueue = 0;
};

std::string roleOf(const parviz::Trace& tr, parviz::ProcId p) {
    if (p == parviz::kNoProc) return "nobody";
    std::string n = procName(tr, p);
    while (!n.empty() && std::isdigit(static_cast<unsigned char>(n.back()))) n.pop_back();
    return n;
}

PoolQueueShape poolQueueShape(const parviz::Trace& tr, const parviz::RunModel& m, const std::string& name) {
    PoolQueueShape s;
    std::int32_t id = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == name) id = o.id;
    if (id < 0 || !m.queue(id)) return s;
    for (const parviz::QueueItemRecord& r : m.queue(id)->items)
        s.items.push_back(std::string(tr.string(r.preview)) + " put by " + roleOf(tr, r.putProc) +
                          (r.discarded ? ", dropped by " : ", taken by ") + roleOf(tr, r.getProc));
    const parviz::QueueView v = parviz::buildQueueView(m, tr, id, tr[tr.size() - 1].t);
    s.put = v.putCount;
    s.taken = v.takenCount;
    s.discarded = v.discardedCount;
    s.inQueue = v.inQueue;
    return s;
}

} // namespace

TEST_CASE("a traced Pool's queues derived from its workers' tasks show the same items, counts, takers and putters as "
          "when every get and put is its own event",
          "[cli][trace][python]") {
    TempDir dir;
    // Every Pool form, one chunk of three, a task that raises; sleeps far
    // enough apart that the greedy schedule and the order results come back
    // are the same in both runs.
    const std::string script = dir.write("forms.py",
        "import time\nfrom multiprocessing import Pool\n"
        "def job(x):\n    time.sleep(x / 25.0)\n    return x * 10\n"
        "def pair(a, b):\n    time.sleep(a / 25.0)\n    return a + b\n"
        "def bad(x):\n    time.sleep(x / 25.0)\n    if x == 3:\n        raise ZeroDivisionError('three')\n    return x\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(job, [5, 2, 1]))\n"
        "        print(p.map(job, [1, 1, 1, 5], chunksize=3))\n"
        "        print(p.starmap(pair, [(1, 2), (3, 4)]))\n"
        "        print(p.apply_async(job, (2,)).get())\n"
        "        print(list(p.imap(job, [3, 1])))\n"
        "        try:\n            p.map(bad, [1, 3, 5], chunksize=2)\n"
        "        except ZeroDivisionError as e:\n            print('raised', e)\n"
        "        p.close()\n        p.join()\n");
    std::map<std::string, PoolQueueShape> shapes[2];
    for (int explicitEvents = 0; explicitEvents < 2; ++explicitEvents) {
        const std::string saved = dir.file(explicitEvents ? "explicit.pvz" : "derived.pvz");
        const ExeResult r = runParviz({"trace", "--save-run", saved, "--", "/usr/bin/env",
                                       std::string("PARVIZ_TRACE_EXPLICIT_POOL=") + (explicitEvents ? "1" : "0"),
                                       "/usr/bin/python3", script}, 120);
        INFO(describe(r));
        REQUIRE(r.exitCode == 0);
        const auto tr = parviz::loadTrace(saved);
        parviz::RunModel m;
        m.update(*tr);
        for (const char* q : {"pool tasks", "pool results"}) shapes[explicitEvents][q] = poolQueueShape(*tr, m, q);
        // Results come back in the order the chunks end (40 ms apart here, but a loaded machine may swap two):
        // compared as a multiset. The task queue's order is the task handler's, in both runs the same.
        auto& results = shapes[explicitEvents]["pool results"].items;
        std::sort(results.begin(), results.end());
        if (!explicitEvents) {
            // The derived run's pool workers wrote no get or put of a wrapped task themselves: each task-queue
            // item a worker took is the chunk it then ran (TaskChunk on its lane), each result it put is one
            // it ran.
            std::size_t chunks = 0;
            for (std::size_t i = 0; i < tr->size(); ++i) {
                const Event& e = (*tr)[i];
                if (e.kind != EventKind::TaskChunk) continue;
                ++chunks;
                REQUIRE(i > 0);
                const Event& get = (*tr)[i - 1];
                CHECK(get.kind == EventKind::QueueGet);
                CHECK(get.proc == e.proc);
                CHECK(get.t == e.t);
            }
            CHECK(chunks == 3 + 2 + 2 + 2 + 2);   // each map's chunks, imap's two calls (the apply is no chunk)
        }
    }
    for (const char* q : {"pool tasks", "pool results"}) {
        const PoolQueueShape& d = shapes[0][q];
        const PoolQueueShape& x = shapes[1][q];
        INFO(q);
        CHECK(!d.items.empty());
        CHECK(d.items == x.items);
        CHECK(d.put == x.put);
        CHECK(d.taken == x.taken);
        CHECK(d.discarded == x.discarded);
        CHECK(d.inQueue == x.inQueue);
    }
    // The items say what CPython's queues carry: a chunk of three is one item, an error comes back as "raised".
    const std::vector<std::string>& tasks = shapes[0]["pool tasks"].items;
    CHECK(std::count(tasks.begin(), tasks.end(), "[1, 1, 1] put by MainProcess, taken by ForkPoolWorker-") == 1);
    const std::vector<std::string>& results = shapes[0]["pool results"].items;
    CHECK(std::count(results.begin(), results.end(), "raised ZeroDivisionError put by ForkPoolWorker-, taken by MainProcess") == 1);
    CHECK(std::count(results.begin(), results.end(), "[10, 10, 10] put by ForkPoolWorker-, taken by MainProcess") == 1);
}

TEST_CASE("a traced Pool shows its chunks as brackets on the workers' lanes and when the program received each "
          "result, as parviz's own pool runs do",
          "[cli][trace][python]") {
    TempDir dir;
    // map in chunks of two (one queue item each), then imap_unordered, whose
    // results arrive in the order they finish, then apply_async.
    const std::string script = dir.write("chunks.py",
        "import time\nfrom multiprocessing import Pool\n"
        "def job(x):\n    time.sleep({'a': 0.2, 'b': 0.04, 'c': 0.04, 'd': 0.04, 'e': 0.3, 'f': 0.04}[x])\n"
        "    return x.upper()\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(job, ['a', 'b', 'c', 'd'], chunksize=2))\n"
        "        print(list(p.imap_unordered(job, ['e', 'f'])))\n"
        "        print(p.apply_async(job, ('b',)).get())\n");
    Traced t = traceScript(script, {}, dir, "chunks");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // Chunks: map's two of two tasks each, imap_unordered's two calls; the apply is one call, no chunk.
    const parviz::ChunkBrackets b = parviz::buildChunkBrackets(m, tr, {});
    std::multiset<std::string> labels;
    for (const parviz::ChunkBracket& c : b.items) {
        labels.insert(c.label);
        CHECK(!c.open);
        CHECK(procName(tr, c.proc).rfind("ForkPoolWorker-", 0) == 0);
    }
    // Numbered in the program, not per call: imap_unordered's chunks follow map's.
    CHECK(labels == std::multiset<std::string>{"chunk 0: 'a'\u2013'b'", "chunk 1: 'c'\u2013'd'", "chunk 2: 'e'",
                                                "chunk 3: 'f'"});
    // Each task ran inside the chunk its worker took, but the apply's.
    REQUIRE(m.tasks().size() == 7);
    for (std::size_t i = 0; i < 7; ++i) CHECK((m.tasks()[i].chunk >= 0) == (m.tasks()[i].index != 6));
    // Results: map's four at once when map returned, in input order; imap_unordered's in the order they finished.
    const parviz::ResultOrderView all = parviz::buildResultOrder(m, tr, tr[tr.size() - 1].t);
    INFO(all.text);
    REQUIRE(all.arrived.size() == 7);
    std::vector<std::string> names;
    for (const parviz::ResultArrival& a : all.arrived) names.push_back(a.name);
    CHECK(names == std::vector<std::string>{"'a'", "'b'", "'c'", "'d'", "'f'", "'e'", "'b'"});
    CHECK(all.pending == 0);
    std::int64_t mapEnd = INT64_MIN;   // the four arrived together, after the last of them ended
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(all.arrived[i].t == all.arrived[0].t);
        CHECK(all.arrived[i].taskEnd != parviz::kNever);
        mapEnd = std::max(mapEnd, all.arrived[i].taskEnd);
    }
    CHECK(all.arrived[0].t >= mapEnd);
    CHECK(all.arrived[4].t < all.arrived[5].t);   // 'f' came back first
    CHECK(all.text.rfind("the program receives: ", 0) == 0);
}

TEST_CASE("a traced Pool.map whose task raised received that task's error", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("failing_task.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 1);   // map raises the error: no result list is handed over
    CHECK(v.arrived[0].failed);
    CHECK(v.arrived[0].name == "('C', 0)");
    CHECK(v.pending == 3);
}

// -----------------------------------------------------------------------------
// Several pool calls in one program (issue 10's findings: chunk numbers, the
// results line, the result queue's stop signals, the with-block's terminate).
// -----------------------------------------------------------------------------
namespace {

// map in chunks of two, then imap at chunksize 1, over integers, in a with block.
const char* kTwoCalls =
    "import time\nfrom multiprocessing import Pool\n"
    "def f(x):\n    time.sleep(0.02 * (x % 3))\n    return x\n"
    "if __name__ == '__main__':\n"
    "    with Pool(2) as p:\n"
    "        print(p.map(f, range(4), chunksize=2))\n"
    "        print(list(p.imap(f, range(4, 8))))\n";

} // namespace

TEST_CASE("a traced program's pool chunks are numbered uniquely across its map calls", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    // map's two chunks of two, imap's four calls: six chunks, no number twice ("chunk 0" twice on a lane before).
    REQUIRE(m.chunks().size() == 6);
    std::set<std::int32_t> numbers;
    for (const parviz::ChunkRecord& c : m.chunks()) numbers.insert(c.chunk);
    CHECK(numbers == std::set<std::int32_t>{0, 1, 2, 3, 4, 5});
    std::set<std::string> labels;
    for (const parviz::ChunkBracket& b : parviz::buildChunkBrackets(m, *t.trace, {}).items) labels.insert(b.label);
    // Tasks over numbers are named by their call (session 21: "chunk 1: 2" read as a
    // ratio; session 28: "chunk 0: task 300000" on eight lanes read as a count).
    CHECK(labels == std::set<std::string>{"chunk 0: f(0)\u2013f(1)", "chunk 1: f(2)\u2013f(3)", "chunk 2: f(4)",
                                          "chunk 3: f(5)", "chunk 4: f(6)", "chunk 5: f(7)"});
}

TEST_CASE("a traced program's results line separates integer results from their times", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t, 16);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 8);
    REQUIRE_FALSE(v.together);
    // "0 865 ms, 1 865 ms" read as numbers run together; each name is now followed by " at " and its time.
    for (const parviz::ResultArrival& a : v.arrived) {
        INFO(a.name);
        CHECK(a.name == "f(" + a.value + ")");   // f returns its argument
        CHECK(v.list.find(a.name + " \u2192 " + a.value + " at ") != std::string::npos);
    }
    CHECK(v.list.rfind("f(0) \u2192 0 at ", 0) == 0);
}

TEST_CASE("a traced program's results arrive as what its tasks returned, each named by its task, not as their "
          "arguments",
          "[cli][trace][python]") {
    TempDir dir;
    // map at its own chunksize (1 here), map in chunks of three (a chunk's
    // results come back as one list), imap, apply_async, and a result whose
    // repr is long (bounded).
    const std::string script = dir.write("squares.py",
        "from multiprocessing import Pool\n"
        "def square(x):\n    return x * x\n"
        "def shout(s):\n    return s.upper() + ', ok'\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n"
        "        print(p.map(square, [5, 1, 2, 3, 4, 1]))\n"
        "        print(p.map(square, [6, 7, 8, 9, 10, 11], chunksize=3))\n"
        "        print(list(p.imap(shout, ['a', 'b'])))\n"
        "        print(p.apply_async(square, (12,)).get())\n"
        "        print(len(p.apply_async(str, ('x' * 500,)).get()))\n");
    Traced t = traceScript(script, {}, dir, "squares");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.result.out.find("[25, 1, 4, 9, 16, 1]") != std::string::npos);
    parviz::RunModel m;
    m.update(*t.trace);
    const parviz::ResultOrderView v = parviz::buildResultOrder(m, *t.trace, (*t.trace)[t.trace->size() - 1].t, 40);
    INFO(v.text);
    REQUIRE(v.arrived.size() == 16);
    std::vector<std::string> got;
    for (std::size_t i = 0; i < 15; ++i) got.push_back(v.arrived[i].name + " -> " + v.arrived[i].value);
    const std::vector<std::string> want{"square(5) -> 25", "square(1) -> 1",    "square(2) -> 4",
                                        "square(3) -> 9",  "square(4) -> 16",   "square(1) -> 1",
                                        "square(6) -> 36", "square(7) -> 49",   "square(8) -> 64",
                                        "square(9) -> 81", "square(10) -> 100", "square(11) -> 121",
                                        "'a' -> 'A, ok'",  "'b' -> 'B, ok'",    "square(12) -> 144"};
    CHECK(got == want);
    CHECK(v.list.rfind("square(5) \u2192 25 at ", 0) == 0);   // the calls' results came at different times
    CHECK(v.list.find(", square(2) \u2192 4 at ") != std::string::npos);
    CHECK(v.list.find("'b' \u2192 'B, ok' at ") != std::string::npos);
    // A long result is a bounded preview.
    CHECK(v.arrived[15].value.rfind("'xxxx", 0) == 0);
    CHECK(v.arrived[15].value.size() <= 64);
    // The caption of a received result says what it was (apply's 12, task 14);
    // map's six, handed over at once, are one step, said as one.
    int said = 0;
    for (std::size_t i = 0; i < t.trace->size(); ++i) {
        const parviz::Event& e = (*t.trace)[i];
        if (e.kind != parviz::EventKind::PoolResult || (e.obj != 14 && e.obj != 5)) continue;
        const parviz::Caption c = parviz::buildCaption(m, *t.trace, e.t);
        INFO(c.text);
        if (e.obj == 14) said += c.text == "MainProcess received the result of task square(12): 144";
        else said += c.text.rfind("MainProcess received 6 results at once: square(5) \u2026 square(1)", 0) == 0;
    }
    CHECK(said == 2);
}

TEST_CASE("a traced Pool's result queue counts CPython's two None stop signals apart from the chunk results",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(dir.write("two_calls.py", kTwoCalls), {}, dir, "two_calls");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::int32_t results = -1;
    for (const auto& o : tr.meta().objects)
        if (o.kind == parviz::ObjectKind::Queue && o.name == "pool results") results = o.id;
    REQUIRE(results >= 0);
    parviz::RunModel m;
    m.update(tr);
    const parviz::QueueView v = parviz::buildQueueView(m, tr, results, tr[tr.size() - 1].t);
    // The task handler's None for the result handler and _terminate_pool's: 2 chunk results of map, 4 of imap.
    CHECK(v.stopSignals == 2);
    CHECK(v.putText == "put 8 (6 chunk results + 2 stop signals)");
    CHECK(v.stopTip.find("None") != std::string::npos);
}

TEST_CASE("pool workers that a with-Pool block terminates are drawn as ended by their program, not killed",
          "[cli][trace][python]") {
    TempDir dir;
    // The with block ends while both workers are in their tasks: terminate() sends each SIGTERM.
    const std::string script = dir.write("terminated.py",
        "import time\nfrom multiprocessing import Pool\n"
        "if __name__ == '__main__':\n"
        "    with Pool(2) as p:\n        r = p.map_async(time.sleep, [2, 2])\n        time.sleep(0.3)\n"
        "    print('left the with block')\n");
    Traced t = traceScript(script, {}, dir, "terminated");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    int terminated = 0;
    for (const parviz::ProcLaneIndex& l : m.procs()) {
        if (!l.terminatedByProgram()) continue;
        ++terminated;
        REQUIRE(!l.program.empty());
        CHECK(l.program[l.program.size() - 1].state == parviz::LaneState::Exited);   // no "killed" checkerboard
        for (std::size_t id : l.taskIds) {
            CHECK(m.tasks()[id].outcome == parviz::TaskOutcome::Stopped);   // not "its worker died under it"
            CHECK(parviz::describeTaskOutcome(m, tr, l.proc, m.tasks()[id].index) ==
                  "stopped: its program ended its worker (terminate)");
        }
        CHECK(l.tasks[l.tasks.size() - 1].state == parviz::LaneState::Task);
    }
    CHECK(terminated == 2);
    CHECK(parviz::describeFailures(m, tr).empty());
    CHECK_FALSE(parviz::poolTaskLostWithWorker(m, tr));
}

TEST_CASE("a traced program's pool calls over the same arguments name their tasks per call", "[cli][trace][python]") {
    TempDir dir;
    const Traced t = traceScript(kTestPrograms + "pool_calls.py", {}, dir, "pool_calls");
    INFO(describe(t.result));
    REQUIRE(t.trace);
    parviz::RunModel m;
    m.update(*t.trace);
    // map, map, imap (chunks of 2), apply_async: the first call's tasks keep
    // their arguments' names, later map-like calls say which call they are.
    const std::multiset<std::string> want{"same(0)",         "same(1)",         "same(2)",         "call 2: same(0)",
                                          "call 2: same(1)", "call 2: same(2)", "call 3: same(0)", "call 3: same(1)",
                                          "call 3: same(2)", "same(7)"};
    CHECK(taskNames(m, *t.trace) == want);
}

TEST_CASE("a traced Pool's chunks of more than 1 000 tasks are one summarised bar each, said so in words, and a task "
          "that raised inside one is still shown",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "summarised.py", {}, dir, "summarised");
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    CHECK(t.programLines == std::vector<std::string>{"sum 199990000", "raised division by zero", "small 300"});
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // 8 + 8 summarised chunks of 2 500 (the second map's chunks after the one
    // that raised may not all run), then 300 tasks one by one.
    int summarised = 0, plain = 0;
    std::int64_t summarisedTasks = 0;
    for (const parviz::TaskRecord& r : m.tasks()) {
        const std::string name(tr.string(r.name));
        if (r.summarised) {
            ++summarised;
            summarisedTasks += r.summarised;
            CHECK(r.summarised == 2500);
            CHECK_THAT(name, Catch::Matches("chunk [0-9]+: 2 500 tasks, summarised"));
        } else {
            ++plain;
            CHECK(name.find("summarised") == std::string::npos);
        }
    }
    CHECK(summarised >= 9);
    CHECK(summarised <= 16);
    CHECK(plain == 300);
    // Each summarised chunk's bracket is named by it and closed (its one task stands for all of its tasks).
    const parviz::ChunkBrackets brackets = parviz::buildChunkBrackets(m, tr, {});
    int summarisedBrackets = 0;
    for (const parviz::ChunkBracket& b : brackets.items) {
        if (b.label.find("summarised") == std::string::npos) continue;
        ++summarisedBrackets;
        CHECK(b.label == "chunk " + std::to_string(b.chunk) + ": 2 500 tasks, summarised");
        CHECK_FALSE(b.open);
    }
    CHECK(summarisedBrackets == summarised);
    // The task that raised: its bar failed with the error, a note names it.
    const parviz::RunStats s = parviz::computeStats(m, tr);
    CHECK(s.tasksFailed == 1);
    CHECK(s.summarisedChunks == summarised);
    CHECK(s.summarisedTasks == summarisedTasks);
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::Note) notes.emplace_back(tr.string(tr[i].a));
    // x = 27321: the second map's item 7 321 (task index 27 321), the 2 322nd of its chunk of items 5 000-7 499.
    const std::string expected = ": 2 500 tasks, summarised: task #27321 raised ZeroDivisionError: division by zero "
                                 "after 2 321 done; 178 not run";
    CHECK(std::count_if(notes.begin(), notes.end(),
                        [&](const std::string& n) { return n.find(expected) != std::string::npos; }) == 1);
    // The summary says it in words.
    // (The label column is as wide as its longest label: any run of spaces.)
    CHECK(std::regex_search(t.result.out, std::regex("summarised +" + std::to_string(summarised) + " chunks of ")));
    CHECK(t.result.out.find("2 500 tasks, summarised raised ZeroDivisionError: division by zero") != std::string::npos);
}
