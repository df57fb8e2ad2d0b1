// Traced programs' processes: every start method (fork, spawn, forkserver)
// traces every process, a spawn child without a main guard, a program of plain
// processes in the summary, daemons CPython's exit handler terminates.
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

TEST_CASE("every process of a program is traced whichever start method it uses (fork or spawn or forkserver)",
          "[cli][trace][python]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn", "forkserver");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "start_methods.py", {method}, dir, method);
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    const parviz::TraceMeta meta = tr.meta();
    const std::string poolPrefix = method == "fork" ? "ForkPoolWorker-" : method == "spawn" ? "SpawnPoolWorker-"
                                                                                            : "ForkServerPoolWorker-";
    // Processes: the two children and the two pool workers, each started and
    // exited; helpers (resource tracker, fork server) labelled as such.
    std::set<std::string> children, workers, helpers;
    for (std::size_t p = 1; p < meta.procs.size(); ++p) {
        const auto& info = meta.procs[p];
        if (info.role == parviz::ProcRole::PoolWorker) workers.insert(info.name);
        else if (info.role == parviz::ProcRole::ForkServer) helpers.insert(info.name);
        else children.insert(info.name);
    }
    CHECK(children == std::set<std::string>{"Process-1", "Process-2"});
    REQUIRE(workers.size() == 2);
    for (const auto& w : workers) CHECK(w.rfind(poolPrefix, 0) == 0);
    if (method == "fork") CHECK(helpers.empty());
    if (method == "spawn") CHECK(helpers == std::set<std::string>{"resource_tracker"});
    if (method == "forkserver") CHECK(helpers == std::set<std::string>{"forkserver", "resource_tracker"});
    // The Lock, made by the parent, acquired and released in each child; the
    // Queue's items put by the children and taken by the parent, paired.
    // (The pool's own task queue is traced too: it is checked below.)
    std::map<parviz::ProcId, int> holds;
    std::map<std::uint64_t, parviz::ProcId> putBy;
    int gets = 0, poolPuts = 0, poolGets = 0, poolResults = 0;
    std::set<std::int32_t> tasks;
    const auto queueNamed = [&](std::int32_t id) { return meta.objectName(parviz::ObjectKind::Queue, id); };
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::LockAcquire) ++holds[e.proc];
        if ((e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet) && queueNamed(e.obj) == "pool tasks") {
            ++(e.kind == EventKind::QueuePut ? poolPuts : poolGets);
            if (e.kind == EventKind::QueueGet) CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            continue;
        }
        if ((e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet) && queueNamed(e.obj) == "pool results") {
            // Results handed back: put by a worker (or MainProcess's terminate: the result handler's stop), taken
            // by MainProcess's result handler.
            if (e.kind == EventKind::QueueGet) CHECK(e.proc == parviz::kParentProc);
            if (e.kind == EventKind::QueuePut && e.proc != parviz::kParentProc) {
                ++poolResults;
                CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            }
            continue;
        }
        if (e.kind == EventKind::QueuePut) putBy[e.a] = e.proc;
        if (e.kind == EventKind::QueueGet) {
            ++gets;
            REQUIRE(putBy.count(e.a) == 1);
            CHECK(procName(tr, putBy[e.a]).rfind("Process-", 0) == 0);
            CHECK(e.proc == parviz::kParentProc);
        }
        if (e.kind == EventKind::TaskEnd && !(e.flags & 1)) {
            CHECK(procName(tr, e.proc).rfind(poolPrefix, 0) == 0);
            tasks.insert(e.obj);
        }
    }
    CHECK(holds.size() == 2);
    for (const auto& [proc, n] : holds) CHECK((procName(tr, proc).rfind("Process-", 0) == 0 && n == 1));
    CHECK(meta.countOf(parviz::ObjectKind::Lock) == 1);
    CHECK(putBy.size() == 2);
    CHECK(gets == 2);
    CHECK(tasks == std::set<std::int32_t>{0, 1, 2, 3});   // each of map's tasks once, in input order
    // Pool(2).map over four items: four chunks of one, then a stop signal per worker, each taken by a worker.
    CHECK(poolPuts == 6);
    CHECK(poolGets == 6);
    CHECK(poolResults == 4);   // each chunk's result handed back
    auto fromTrace = printed(tr);
    auto fromProgram = t.programLines;
    std::sort(fromTrace.begin(), fromTrace.end());
    std::sort(fromProgram.begin(), fromProgram.end());
    CHECK(fromTrace == fromProgram);
}

TEST_CASE("a spawn child of a program without a main guard is shown failing and the reason is said",
          "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("no_main_guard.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);   // the program itself carries on: its child failed
    const parviz::Trace& tr = *t.trace;
    bool childRaised = false, childExit1 = false;
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.proc == parviz::kParentProc) continue;
        if (e.kind == EventKind::Print && tr.string(e.a).find("RuntimeError") != std::string_view::npos) childRaised = true;
        if (e.kind == EventKind::ProcExit && e.a == 1) childExit1 = true;
        if (e.kind == EventKind::Note) notes.emplace_back(tr.string(e.a));
        CHECK(e.kind != EventKind::TaskStart);
    }
    CHECK(childRaised);   // its traceback is its own output
    CHECK(childExit1);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].rfind("SpawnProcess-1 exited with code 1 before running its target", 0) == 0);
    CHECK(t.result.err.find("if __name__ == \"__main__\":") != std::string::npos);
    CHECK(t.result.out.find("the child's exit code: 1") != std::string::npos);
}

TEST_CASE("a traced program of plain processes says it has no Pool tasks and gives per-process times, in the summary "
          "and its JSON",
          "[cli][trace][python]") {
    const std::string example = GENERATE(as<std::string>{}, "job_queue.py", "semaphore.py");
    TempDir dir;
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/python3", kExamples + example}, 120);
    INFO(example + "\n" + describe(r));
    REQUIRE(r.exitCode == 0);
    // Before: "makespan  -  no task ran", "tasks  0 started, 0 done, 0 failed", and each
    // process's whole life under "idle".
    CHECK(r.out.find("no task ran") == std::string::npos);
    CHECK(r.out.find("plain processes: no Pool tasks, so no makespan or speedup") != std::string::npos);
    CHECK(r.out.find("0 started, 0 done") == std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["plain_processes"] == true);
    CHECK(j["no_makespan"].get<std::string>().rfind("plain processes: no Pool tasks", 0) == 0);
    const int processes = example == "job_queue.py" ? 4 : 5;
    CHECK(j["worker_count"] == processes);
    int plain = 0;
    for (const auto& w : j["workers"]) {
        if (w["role"] != "process") continue;
        ++plain;
        CHECK(w["plain"] == true);
        CHECK(w["idle_s"] == 0.0);
        CHECK(w["alive_s"].get<double>() > 0);
    }
    CHECK(plain == processes);
}

TEST_CASE("daemon processes that CPython's exit handler terminates are the program's own stop, not failures",
          "[cli][trace][python]") {
    // joinable_queue.py's two consumers are daemons blocked in get(): at exit
    // multiprocessing's _exit_function sends each SIGTERM through
    // p._popen.terminate(), not Process.terminate().
    TempDir dir;
    const std::string summary = dir.file("summary.json");
    ExeResult r = runParviz({"trace", "--summary-json", summary, "--", "/usr/bin/python3",
                             kExamples + "joinable_queue.py"}, 120);
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("Failures:") == std::string::npos);
    CHECK(r.out.find("killed by SIGTERM") == std::string::npos);
    const auto j = nlohmann::json::parse(parviz::test::readFile(summary));
    INFO(j.dump(2));
    CHECK(j["failures"].empty());
}

TEST_CASE("a program's Process.join is traced: the parent's lane waits for the child by name until it has ended, a "
          "join of an ended process or a Pool's own joins are not waits, and join(timeout) gives up",
          "[cli][trace][python][join]") {
    const std::string method = GENERATE(as<std::string>{}, "fork", "spawn");
    TempDir dir;
    Traced t = traceScript(kTestPrograms + "joins.py", {method}, dir, "joins.pvz");
    INFO(method + "\n" + describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    REQUIRE(t.trace);
    const parviz::Trace& tr = *t.trace;
    parviz::RunModel m;
    m.update(tr);
    // MainProcess joins Process-1 (running), not Process-2 (ended: join returns
    // at once), Process-3 twice (a timeout, then to its end), no pool worker.
    std::vector<std::string> joined;
    for (const parviz::JoinRecord& j : m.joins()) {
        CHECK(j.proc == parviz::kParentProc);
        joined.push_back(procName(tr, j.joined) + (j.timedOut ? " (timed out)" : ""));
    }
    // A context's processes are named by it (CPython: ForkProcess-1, SpawnProcess-1).
    const std::string name = method == "fork" ? "ForkProcess-" : "SpawnProcess-";
    CHECK(joined == std::vector<std::string>{name + "1", name + "3 (timed out)", name + "3"});
    REQUIRE(m.joins().size() == 3);
    const parviz::JoinRecord& j1 = m.joins()[0];
    const parviz::JoinRecord& timed = m.joins()[1];
    const parviz::JoinRecord& j3 = m.joins()[2];
    // A join ends after the child has exited, and not long after (the poll that reaps it).
    const parviz::ProcLaneIndex& p1 = m.procs()[j1.joined];
    CHECK(p1.exitT <= j1.t1);
    CHECK(j1.t1 - j1.t0 > 200'000'000);   // Process-1 runs 0.3 s
    CHECK(m.procs()[j3.joined].exitT <= j3.t1);
    // join(timeout=0.1) gave up after its 0.1 s, Process-3 still running.
    CHECK(timed.t1 - timed.t0 >= 90'000'000);
    CHECK(timed.t1 < m.procs()[timed.joined].exitT);
    // The lane says whom it waits for, and so does Why.
    const std::int64_t mid = (j1.t0 + p1.exitT) / 2;
    const parviz::SpanRow& row = m.procs()[parviz::kParentProc].program;
    const parviz::Span* at = nullptr;
    for (std::size_t i = 0; i < row.size(); ++i)
        if (row[i].t0 <= mid && mid < row[i].t1) at = &row[i];
    REQUIRE(at);
    CHECK(at->state == parviz::LaneState::WaitSync);
    CHECK(tr.string(at->label) == "waiting for " + name + "1 to finish (join)");
    const parviz::Explanation x = parviz::buildExplain(m, tr, mid);
    std::string why;
    for (const parviz::ProcExplanation& p : x.procs)
        if (p.proc == parviz::kParentProc) why = p.text;
    CHECK(why.rfind("MainProcess is waiting for " + name + "1 to finish (join) since ", 0) == 0);
}
