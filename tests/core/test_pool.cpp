// Pool tests: ports of CPython's Lib/test/_test_multiprocessing.py
// (_TestPool) plus the scheduling and failure properties a shortcut cannot
// pass. Real worker processes throughout; timings only bound orders and shapes.
#include "parviz/pool.hpp"

#include "parviz/recorder.hpp"
#include "parviz/run_model.hpp"
#include "parviz/work.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace parviz;
using namespace std::chrono_literals;

namespace {

// ---- task functions (plain functions: the same address in every worker) ----
std::string sqr(std::string_view item) {
    // "x" or "x:seconds": optionally sleep first (CPython's sqr(x, wait=0.0)).
    const auto colon = item.find(':');
    const long x = std::stol(std::string(item.substr(0, colon)));
    if (colon != std::string_view::npos) doWork(WorkKind::Sleep, std::stod(std::string(item.substr(colon + 1))));
    return std::to_string(x * x);
}

std::string raiseOnOdd(std::string_view item) {
    const long x = std::stol(std::string(item));
    if (x % 2) throw std::runtime_error("odd item " + std::to_string(x));
    return std::to_string(x);
}

// Sleeps the item's seconds (scaled by the run clock) and returns the item.
std::string sleepFor(std::string_view item) {
    doWork(WorkKind::Sleep, std::stod(std::string(item)));
    return std::string(item);
}

std::string add(std::span<const std::string> args) {
    long s = 0;
    for (const auto& a : args) s += std::stol(a);
    return std::to_string(s);
}

std::vector<std::string> numbers(int n) {
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) v.push_back(std::to_string(i));
    return v;
}
std::vector<std::string> squares(int n) {
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) v.push_back(std::to_string(i * i));
    return v;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct TaskRun {
    ProcId proc;
    std::int32_t index;
    std::string name;
};

// TaskStart events of the recorder's trace so far, in time order.
std::vector<TaskRun> taskStarts(Recorder& rec) {
    rec.flush();
    const Trace& tr = rec.trace();
    std::vector<TaskRun> out;
    for (std::size_t i = 0, n = tr.size(); i < n; ++i)
        if (tr[i].kind == EventKind::TaskStart) out.push_back({tr[i].proc, tr[i].obj, std::string(tr.string(tr[i].a))});
    return out;
}

pid_t pidOf(Recorder& rec, ProcId proc) {
    const Trace& tr = rec.trace();
    for (std::size_t i = 0, n = tr.size(); i < n; ++i)
        if (tr[i].kind == EventKind::ProcStart && tr[i].proc == proc) return static_cast<pid_t>(tr[i].a);
    return 0;
}

// Polls the trace until task `name` has started; returns that start.
TaskRun waitForStart(Recorder& rec, const std::string& name) {
    const auto t0 = std::chrono::steady_clock::now();
    while (secondsSince(t0) < 10) {
        for (const auto& s : taskStarts(rec))
            if (s.name == name) return s;
        std::this_thread::sleep_for(1ms);
    }
    FAIL("task " << name << " never started");
    return {};
}

// Kills its own worker on item "x".
std::string dieOnX(std::string_view item) {
    if (item == "x") ::kill(::getpid(), SIGKILL);
    return std::string(item);
}

// Makes pidfd_open fail with EMFILE, as it does when the descriptor table is
// full, in the calling thread and the threads it starts from now on (a
// seccomp filter: per thread, inherited, never lifted; so call it in a thread
// of its own). Returns errno of a pidfd_open tried afterwards (EMFILE).
int refusePidfdOpenInThisThread() {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EMFILE & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog prog{static_cast<unsigned short>(std::size(filter)), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) return errno;
    errno = 0;
    const long fd = ::syscall(SYS_pidfd_open, ::getpid(), 0);
    if (fd >= 0) ::close(static_cast<int>(fd));
    return fd >= 0 ? 0 : errno;
}

const std::vector<std::string> kTutorialNames{"A", "B", "C", "D"};
const std::vector<std::string> kTutorialSeconds{"5", "2", "1", "3"};

} // namespace

TEST_CASE("apply_async returns the task's result (CPython test_apply)", "[pool]") {
    Pool pool(2);
    CHECK(pool.apply_async(sqr, "5").get() == "25");
    CHECK(pool.apply_async(sqr, "11").get() == "121");
}

TEST_CASE("map returns every result in input order (CPython test_map)", "[pool]") {
    Pool pool(2);
    CHECK(pool.map(sqr, numbers(10)) == squares(10));
    CHECK(pool.map(sqr, numbers(100)) == squares(100));
    MapOptions o;
    o.chunksize = 20;
    CHECK(pool.map(sqr, numbers(100), o) == squares(100));
}

TEST_CASE("starmap passes several arguments to each task (CPython test_starmap)", "[pool]") {
    Pool pool(2);
    CHECK(pool.starmap(add, {{"1", "2"}, {"3", "4", "5"}, {}}) == std::vector<std::string>{"3", "12", "0"});
}

TEST_CASE("map with any chunksize gives the same results and never stalls (CPython test_map_chunksize)", "[pool]") {
    Pool pool(3);
    auto empty = pool.map_async(sqr, {}, MapOptions{1, {}, {}});
    CHECK_NOTHROW(empty.getAll(5s));
    CHECK(empty.ready());
    for (std::size_t cs : {1u, 2u, 7u, 33u, 1000u}) {
        MapOptions o;
        o.chunksize = cs;
        CHECK(pool.map(sqr, numbers(33), o) == squares(33));
    }
}

TEST_CASE("CPython's default chunksize: divmod(len, 4 * processes), plus one if extra", "[pool]") {
    CHECK(defaultChunksize(4, 2) == 1);
    CHECK(defaultChunksize(40, 2) == 5);
    CHECK(defaultChunksize(41, 2) == 6);
    CHECK(defaultChunksize(7, 4) == 1);
    CHECK(defaultChunksize(0, 2) == 1);
}

TEST_CASE("apply_async's result is ready only after the task ran (CPython test_async)", "[pool]") {
    Pool pool(2);
    const auto t0 = std::chrono::steady_clock::now();
    AsyncResult r = pool.apply_async(sqr, "7:0.2");
    CHECK_FALSE(r.ready());
    CHECK_THROWS_AS(r.successful(), std::logic_error);
    CHECK(r.get() == "49");
    CHECK(secondsSince(t0) >= 0.19);
    CHECK(r.ready());
    CHECK(r.successful());
}

TEST_CASE("get with a timeout throws TimeoutError while the task runs (CPython test_async_timeout)", "[pool]") {
    Pool pool(2);
    AsyncResult r = pool.apply_async(sqr, "6:0.4");
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(r.get(50ms), TimeoutError);
    CHECK(secondsSince(t0) >= 0.045);
    CHECK(secondsSince(t0) < 0.35);
    CHECK_FALSE(r.ready());
    CHECK(r.get(10s) == "36");
}

TEST_CASE("imap yields results in input order as they become ready (CPython test_imap)", "[pool]") {
    Pool pool(2);
    std::vector<std::size_t> order;
    std::vector<std::string> got;
    pool.imap(sqr, numbers(30), [&](std::size_t i, std::string v) {
        order.push_back(i);
        got.push_back(std::move(v));
        return true;
    });
    std::vector<std::size_t> expected(30);
    for (std::size_t i = 0; i < 30; ++i) expected[i] = i;
    CHECK(order == expected);
    CHECK(got == squares(30));

    SECTION("returning false stops early") {
        int calls = 0;
        pool.imap(sqr, numbers(30), [&](std::size_t, std::string) { return ++calls < 3; });
        CHECK(calls == 3);
        CHECK(pool.map(sqr, numbers(5)) == squares(5));   // the pool is still usable
    }
}

TEST_CASE("imap_unordered yields in finish order, every item once (CPython test_imap_unordered)", "[pool]") {
    Pool pool(2);
    // Item 0 is slow, so it cannot be the first to finish.
    std::vector<std::string> items{"0.3", "0", "0", "0", "0", "0"};
    std::vector<std::size_t> order;
    pool.imap_unordered(sleepFor, items, [&](std::size_t i, std::string v) {
        CHECK(v == items[i]);
        order.push_back(i);
        return true;
    }, MapOptions{1, {}, {}});
    REQUIRE(order.size() == items.size());
    CHECK(order.front() != 0);
    CHECK(order.back() == 0);
    std::sort(order.begin(), order.end());
    CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("Pool(0) and Pool(-1) are rejected (CPython test_make_pool)", "[pool]") {
    CHECK_THROWS_AS(Pool(0), std::invalid_argument);
    CHECK_THROWS_AS(Pool(-1), std::invalid_argument);
    Pool pool(3);
    CHECK(pool.processes() == 3);
    CHECK(pool.workerPids().size() == 3);
    pool.close();
    pool.join();
}

TEST_CASE("terminate returns promptly with 10 000 slow tasks queued (CPython test_terminate)", "[pool]") {
    Pool pool(2);
    AsyncResult r = pool.map_async(sleepFor, std::vector<std::string>(10000, "0.1"), MapOptions{1, {}, {}});
    std::this_thread::sleep_for(50ms);
    const auto t0 = std::chrono::steady_clock::now();
    pool.terminate();
    pool.join();
    CHECK(secondsSince(t0) < 2.0);
    CHECK(pool.workerPids().empty());
    REQUIRE(r.ready());
    CHECK_FALSE(r.successful());
    CHECK_THROWS_AS(r.getAll(), PoolTerminated);
    CHECK_THROWS_AS(pool.map(sqr, numbers(3)), std::logic_error);   // not running any more
}

TEST_CASE("close then join runs every queued task, then the workers exit (CPython test_close)", "[pool]") {
    Pool pool(2);
    AsyncResult r = pool.map_async(sqr, numbers(20));
    CHECK_THROWS_AS(pool.join(), std::logic_error);   // still running
    pool.close();
    CHECK_THROWS_AS(pool.map(sqr, numbers(3)), std::logic_error);
    pool.join();
    CHECK(r.ready());
    CHECK(r.getAll() == squares(20));
    CHECK(pool.workerPids().empty());
}

TEST_CASE("an empty iterable gives empty results at once (CPython test_empty_iterable)", "[pool]") {
    Pool pool(2);
    CHECK(pool.map(sqr, {}).empty());
    CHECK(pool.starmap(add, {}).empty());
    int calls = 0;
    pool.imap(sqr, {}, [&](std::size_t, std::string) { return ++calls, true; });
    pool.imap_unordered(sqr, {}, [&](std::size_t, std::string) { return ++calls, true; });
    CHECK(calls == 0);
    AsyncResult r = pool.map_async(sqr, {});
    CHECK(r.ready());
    CHECK(r.getAll().empty());
}

TEST_CASE("an exception in a task comes back with the task's identity (CPython test_traceback)", "[pool]") {
    Pool pool(2);
    SECTION("apply_async") {
        AsyncResult r = pool.apply_async(raiseOnOdd, "3", "odd-three");
        try {
            r.get();
            FAIL("no exception");
        } catch (const TaskError& e) {
            CHECK(e.index == 0);
            CHECK(e.task == "odd-three");
            CHECK_THAT(e.what(), Catch::Contains("odd item 3") && Catch::Contains("odd-three"));
        }
        CHECK_FALSE(r.successful());
    }
    SECTION("map finishes every other item, then throws the lowest failing index") {
        MapOptions o;
        o.names = {"t0", "t1", "t2", "t3", "t4", "t5"};
        const std::vector<std::string> items{"0", "2", "4", "7", "8", "9"};
        try {
            pool.map(raiseOnOdd, items, o);
            FAIL("no exception");
        } catch (const TaskError& e) {
            CHECK(e.index == 3);
            CHECK(e.task == "t3");
            CHECK_THAT(e.what(), Catch::Contains("odd item 7"));
        }
        AsyncResult r = pool.map_async(raiseOnOdd, items, o);
        r.wait();
        const auto out = r.outcomes();
        REQUIRE(out.size() == 6);
        using S = AsyncResult::Outcome::Status;
        CHECK((out[0].status == S::Ok && out[0].value == "0"));
        CHECK((out[4].status == S::Ok && out[4].value == "8"));
        CHECK(out[3].status == S::Failed);
        CHECK(out[5].status == S::Failed);
    }
    SECTION("imap throws when it reaches the failed item, after the ones before it") {
        std::vector<std::size_t> seen;
        CHECK_THROWS_AS(pool.imap(raiseOnOdd, {"0", "2", "5", "6"},
                                  [&](std::size_t i, std::string) { seen.push_back(i); return true; }),
                        TaskError);
        CHECK(seen == std::vector<std::size_t>{0, 1});
    }
}

TEST_CASE("40 equal tasks on 2 workers run in chunks of 5 consecutive items", "[pool]") {
    Recorder rec(RecorderOptions{CorePref::Off, 1.0, 2, 1u << 16});
    std::vector<TaskRun> starts;
    {
        Pool pool(2, PoolOptions{&rec});
        CHECK(pool.map(sleepFor, std::vector<std::string>(40, "0.002")).size() == 40);
        starts = taskStarts(rec);
    }
    REQUIRE(starts.size() == 40);
    std::map<ProcId, std::vector<std::int32_t>> perWorker;
    for (const auto& s : starts) perWorker[s.proc].push_back(s.index);
    CHECK(perWorker.count(kParentProc) == 0);
    std::vector<int> seen(40, 0);
    for (auto& [proc, idx] : perWorker) {
        // A worker's starts split into runs of 5 consecutive indices, each run a chunk.
        REQUIRE(idx.size() % 5 == 0);
        for (std::size_t k = 0; k < idx.size(); k += 5) {
            CHECK(idx[k] % 5 == 0);
            for (std::size_t m = 1; m < 5; ++m) CHECK(idx[k + m] == idx[k] + static_cast<std::int32_t>(m));
        }
        for (auto i : idx) ++seen[static_cast<std::size_t>(i)];
    }
    CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
}

TEST_CASE("imap and imap_unordered hand out one task per chunk by default, as CPython's chunksize=1 does", "[pool]") {
    // map's default for 40 items on 2 workers would be 5 (the test above);
    // CPython's imap and imap_unordered default to chunksize=1 instead.
    const bool unordered = GENERATE(false, true);
    CAPTURE(unordered);
    Recorder rec(RecorderOptions{CorePref::Off, 1.0, 2, 1u << 16});
    std::size_t got = 0;
    {
        Pool pool(2, PoolOptions{&rec});
        const auto each = [&](std::size_t, std::string) { ++got; return true; };
        const std::vector<std::string> items(40, "0.001");
        if (unordered) pool.imap_unordered(sleepFor, items, each);
        else pool.imap(sleepFor, items, each);
    }
    CHECK(got == 40);
    rec.flush();
    const Trace& tr = rec.trace();
    std::size_t chunks = 0, biggest = 0;
    for (std::size_t i = 0, n = tr.size(); i < n; ++i)
        if (tr[i].kind == EventKind::TaskChunk) ++chunks, biggest = std::max<std::size_t>(biggest, tr[i].b);
    CHECK(chunks == 40);
    CHECK(biggest == 1);
}

TEST_CASE("a worker puts a chunk's results on the result queue as one message, as CPython's worker does", "[pool]") {
    // CPython's worker runs a whole chunk (mapstar) and puts (job, i, result)
    // once per chunk: 40 items in chunks of 5 are 8 results, not 40.
    Recorder rec(RecorderOptions{CorePref::Off, 1.0, 2, 1u << 16});
    {
        Pool pool(2, PoolOptions{&rec});
        CHECK(pool.map(sqr, numbers(40), MapOptions{5, {}, {}}) == squares(40));
        pool.close();
        pool.join();
    }
    rec.flush();
    const Trace& tr = rec.trace();
    const TraceMeta meta = tr.meta();
    std::size_t results = 0;
    std::vector<std::string> previews;
    for (std::size_t i = 0, n = tr.size(); i < n; ++i) {
        if (tr[i].kind != EventKind::QueuePut || meta.objectName(ObjectKind::Queue, tr[i].obj) != kPoolResultsQueue)
            continue;
        const std::string v = readableValue(tr.string(tr[i].b));   // up to the NUL before the records
        if (v == "stop") continue;   // the result handler's own stop note
        ++results;
        previews.push_back(v);
    }
    CHECK(results == 8);
    // Each message previews its chunk's results: chunk 0 holds 0, 1, 4, 9, 16.
    CHECK(std::find(previews.begin(), previews.end(), "0, 1, 4, 9, 16") != previews.end());
}

TEST_CASE("imap_unordered receives a chunk's results together, when the chunk's last task is done", "[pool]") {
    // Chunks of 2 on Pool(2): [0 s, 0.3 s] on one worker, [0 s, 0 s] on the
    // other. Item 0 finishes at once, but its result travels with item 1's,
    // at 0.3 s (CPython's order: 2, 3, then 0, 1); one result per task would
    // have given 0 first.
    Pool pool(2);
    const std::vector<std::string> items{"0", "0.3", "0", "0"};
    std::vector<std::size_t> order;
    std::vector<double> at;
    const auto t0 = std::chrono::steady_clock::now();
    pool.imap_unordered(sleepFor, items, [&](std::size_t i, std::string v) {
        CHECK(v == items[i]);
        order.push_back(i);
        at.push_back(secondsSince(t0));
        return true;
    }, MapOptions{2, {}, {}});
    REQUIRE(order.size() == 4);
    CHECK(order == std::vector<std::size_t>{2, 3, 0, 1});
    CHECK(at[2] >= 0.25);
    CHECK(at[3] - at[2] < 0.05);   // 0 and 1 together
}

TEST_CASE("the schedule is not computed ahead: when B's worker is stopped, the other worker takes C", "[pool]") {
    // The tutorial: Pool(2).map over A=5, B=2, C=1, D=3 (time scale 0.05).
    // Undisturbed, B's worker takes C at t=2 while A runs until 5.
    const bool stopB = GENERATE(false, true);
    CAPTURE(stopB);
    RecorderOptions ro;
    ro.cores = CorePref::Off;
    ro.timeScale = 0.05;
    Recorder rec(ro);
    std::vector<TaskRun> starts;
    {
        Pool pool(2, PoolOptions{&rec});
        MapOptions o;
        o.names = kTutorialNames;
        AsyncResult r = pool.map_async(sleepFor, kTutorialSeconds, o);
        if (stopB) {
            const TaskRun b = waitForStart(rec, "B");
            const pid_t pid = pidOf(rec, b.proc);
            REQUIRE(pid > 0);
            ::kill(pid, SIGSTOP);
            std::this_thread::sleep_for(350ms);   // longer than A (0.25 s)
            ::kill(pid, SIGCONT);
        }
        CHECK(r.getAll(10s) == kTutorialSeconds);
        starts = taskStarts(rec);
    }
    std::map<std::string, ProcId> on;
    for (const auto& s : starts) on[s.name] = s.proc;
    REQUIRE(on.size() == 4);
    CHECK(on["A"] != on["B"]);
    if (stopB) {
        CHECK(on["C"] == on["A"]);
        CHECK(on["D"] == on["A"]);
    } else {
        CHECK(on["C"] == on["B"]);
        CHECK(on["D"] == on["B"]);
    }
}

TEST_CASE("a killed pool worker fails its task and the pool finishes the rest", "[pool]") {
    RecorderOptions ro;
    ro.cores = CorePref::Off;
    ro.timeScale = 0.05;
    Recorder rec(ro);
    Pool pool(2, PoolOptions{&rec});
    MapOptions o;
    o.names = {"A", "B", "C", "D", "E", "F"};
    const std::vector<std::string> items{"5", "2", "1", "3", "1", "1"};
    // With chunksize 3, B runs after A in the chunk [A, B, C]: C, the rest of
    // the dead worker's chunk, must go back to the queue and still run.
    o.chunksize = GENERATE(std::size_t{1}, std::size_t{3});
    CAPTURE(*o.chunksize);
    AsyncResult r = pool.map_async(sleepFor, items, o);
    const TaskRun b = waitForStart(rec, "B");
    const pid_t pid = pidOf(rec, b.proc);
    REQUIRE(pid > 0);
    ::kill(pid, SIGKILL);
    try {
        r.getAll(20s);
        FAIL("no exception");
    } catch (const PoolWorkerDied& e) {
        CHECK(e.index == 1);
        CHECK(e.task == "B");
        const std::string what = e.what();
        CHECK_THAT(what, Catch::StartsWith("ForkPoolWorker-"));
        CHECK_THAT(what, Catch::Contains("(pid " + std::to_string(pid) + ")"));
        CHECK_THAT(what, Catch::Contains("was killed by signal 9 (SIGKILL) while running task 'B'"));
    }
    const auto out = r.outcomes();
    for (std::size_t i = 0; i < items.size(); ++i) {
        CAPTURE(i);
        if (i == 1) continue;
        CHECK(out[i].status == AsyncResult::Outcome::Status::Ok);
        CHECK(out[i].value == items[i]);
    }
    CHECK(pool.replacements() == 1);
    const auto pids = pool.workerPids();
    CHECK(pids.size() == 2);
    CHECK(std::find(pids.begin(), pids.end(), pid) == pids.end());
    const auto names = pool.workerNames();
    CHECK(std::find(names.begin(), names.end(), "ForkPoolWorker-3") != names.end());
    // The replacement works.
    CHECK(pool.map(sqr, numbers(8)) == squares(8));
    // The trace stays conserved: B's start has a failed end, written for the dead worker.
    rec.flush();
    const Trace& tr = rec.trace();
    int bEnds = 0, failedEnds = 0;
    for (std::size_t i = 0, n = tr.size(); i < n; ++i) {
        if (tr[i].kind != EventKind::TaskEnd || tr[i].obj != 1 || tr.string(tr[i].a) != "B") continue;
        ++bEnds;
        if ((tr[i].flags & 1) && (tr[i].flags & 2) && tr[i].proc == b.proc) ++failedEnds;
    }
    CHECK(bEnds == 1);
    CHECK(failedEnds == 1);
}

TEST_CASE("a worker that dies is noticed even when no pidfd could be opened for it", "[pool]") {
    // Near RLIMIT_NOFILE (a 1024-worker traced pool holds a perf descriptor
    // per worker) pidfd_open fails. The watcher used to skip such a worker:
    // its death never reached the handler and map waited for its task forever.
    // pidfd_open is refused (EMFILE, as with a full table) in the thread that
    // builds the pool and in the threads it starts (its handler starts the
    // replacement), rather than by filling the descriptor table: with the
    // table full, UBSan's vptr check has no pipe to read a vtable through and
    // calls std::thread's state "invalid vptr" (a false report; a 20-line
    // program with no parviz code does the same), and UBSan cannot even open
    // a suppressions file then (it reads it at its first report).
    std::optional<Pool> pool;
    int refusedErrno = 0;
    std::thread([&] {
        refusedErrno = refusePidfdOpenInThisThread();
        pool.emplace(2);
    }).join();
    REQUIRE(refusedErrno == EMFILE);   // no pidfd for any worker now
    AsyncResult r = pool->map_async(dieOnX, {"a", "x", "b", "c", "d"}, MapOptions{1, {}, {}});
    r.wait(20s);
    REQUIRE(r.ready());
    const auto out = r.outcomes();
    for (std::size_t i = 0; i < out.size(); ++i) {
        CAPTURE(i);
        CHECK(out[i].status == (i == 1 ? AsyncResult::Outcome::Status::Failed : AsyncResult::Outcome::Status::Ok));
    }
    CHECK_THAT(out[1].value, Catch::Contains("was killed by signal 9 (SIGKILL) while running task 'x'"));
    // The handler fails the task first, then starts the replacement.
    const auto t0 = std::chrono::steady_clock::now();
    while (pool->replacements() < 1 && secondsSince(t0) < 5) std::this_thread::sleep_for(1ms);
    CHECK(pool->replacements() == 1);
    CHECK(pool->map(sqr, numbers(6)) == squares(6));   // the replacement works
    pool->close();
    pool->join();
}

TEST_CASE("a pool worker killed while idle is replaced and no task is lost", "[pool]") {
    Pool pool(2);
    CHECK(pool.map(sqr, numbers(4)) == squares(4));   // both workers now wait on the empty queue
    const pid_t victim = pool.workerPids().at(0);
    ::kill(victim, SIGKILL);
    const auto t0 = std::chrono::steady_clock::now();
    while (pool.replacements() < 1 && secondsSince(t0) < 5) std::this_thread::sleep_for(1ms);
    REQUIRE(pool.replacements() == 1);
    const auto pids = pool.workerPids();
    CHECK(std::find(pids.begin(), pids.end(), victim) == pids.end());
    // Slow enough to span the handler's checks for a lost chunk: none may fire.
    CHECK(pool.map(sleepFor, std::vector<std::string>(8, "0.06"), MapOptions{1, {}, {}}) ==
          std::vector<std::string>(8, "0.06"));
}

TEST_CASE("close then join returns for every worker, round after round (no sentinel goes missing)", "[pool]") {
    // Regression: join used to check each worker's liveness between sentinel
    // puts, so a worker that took an early sentinel and exited made join skip
    // a live worker, which then waited in get forever.
    for (int round = 0; round < 40; ++round) {
        auto joined = std::make_shared<std::atomic<bool>>(false);
        Recorder rec;   // traced, as the scenarios run
        Pool pool(4, PoolOptions{&rec});
        CHECK(pool.map(sqr, numbers(8)) == squares(8));
        pool.close();
        std::thread guard([joined, pids = pool.workerPids()] {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!*joined && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            if (!*joined)   // unblock the test instead of hanging it: fail loudly below
                for (pid_t p : pids) ::kill(p, SIGKILL);
        });
        const auto t0 = std::chrono::steady_clock::now();
        pool.join();
        *joined = true;
        guard.join();
        INFO("round " << round);
        REQUIRE(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
    }
}

namespace {

// Runs join() on one thread and terminate() on another (Run::stop terminates
// the pool while its controller joins it). True when both returned within the
// limit; what either threw goes to `errors`. On a hang the pool is leaked and
// the threads are detached, so the test fails instead of hanging.
bool joinAndTerminateAtOnce(Pool* pool, std::chrono::microseconds terminateAfter, std::string& errors) {
    struct Shared {
        std::atomic<int> done{0};
        std::mutex m;
        std::string errors;
    };
    auto sh = std::make_shared<Shared>();
    auto call = [sh, pool](bool join) {
        try {
            if (join) pool->join();
            else pool->terminate();
        } catch (const std::exception& e) {
            std::lock_guard lk(sh->m);
            sh->errors += std::string(join ? "join: " : "terminate: ") + e.what() + "\n";
        }
        ++sh->done;
    };
    std::thread joiner(call, true);
    std::this_thread::sleep_for(terminateAfter);
    std::thread terminator(call, false);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (sh->done < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
    const bool returned = sh->done == 2;
    if (returned) {
        joiner.join();
        terminator.join();
    } else {
        joiner.detach();
        terminator.detach();
    }
    std::lock_guard lk(sh->m);
    errors = sh->errors;
    return returned;
}

} // namespace

TEST_CASE("join and terminate called at once from two threads both return, round after round", "[pool]") {
    // Regression: both stopped the helper threads, so one thread was joined
    // twice at once (pthread_join then waits forever or fails with EINVAL):
    // a terminal's Ctrl-C hung `parviz run pool` about 3 times in 10.
    for (int round = 0; round < 30; ++round) {
        auto* pool = new Pool(2);
        AsyncResult r = pool->map_async(sleepFor, std::vector<std::string>(4, "0.02"), MapOptions{1, {}, {}});
        pool->close();
        std::string errors;
        const bool returned = joinAndTerminateAtOnce(pool, std::chrono::microseconds(round * 1500), errors);
        INFO("round " << round);
        REQUIRE(returned);   // else the pool is leaked: its threads are stuck
        CHECK(errors.empty());
        CHECK(r.ready());
        CHECK(pool->workerPids().empty());
        delete pool;
    }
}

TEST_CASE("terminate ends a join that waits for stopped workers (Stop while paused)", "[pool]") {
    // join() used to wait for each worker holding the workers' lock, so with
    // the workers stopped (a paused run) terminate() could never take it to
    // kill them: the window's Stop froze.
    auto* pool = new Pool(2);
    CHECK(pool->map(sqr, numbers(4)) == squares(4));
    const auto pids = pool->workerPids();
    REQUIRE(pids.size() == 2);
    for (pid_t p : pids) ::kill(p, SIGSTOP);
    pool->close();
    std::string errors;
    const auto t0 = std::chrono::steady_clock::now();
    const bool returned = joinAndTerminateAtOnce(pool, 100ms, errors);
    REQUIRE(returned);   // else the pool is leaked: its threads are stuck
    CHECK(secondsSince(t0) < 5.0);
    CHECK(errors.empty());
    CHECK(pool->workerPids().empty());
    delete pool;
}
