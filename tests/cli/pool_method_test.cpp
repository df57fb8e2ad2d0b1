// The pool scenario's `method` through the real `parviz run`: when the main
// program receives each result (PoolResult events, read back from the saved
// run) follows CPython's semantics for map, imap, imap_unordered, starmap and
// apply_async. The tutorial's tasks A=5, B=2, C=1, D=3 s at time scale 0.2:
// A ends at 1.0 s on one worker; B 0.4, C 0.6, D 1.2 s on the other, so the
// finish order B, C, A, D differs from the input order A, B, C, D by 200 ms
// steps, far more than scheduling noise on a loaded machine (at 0.05 the
// 50 ms steps were not: the order flipped under load).
#include "cli_support.hpp"

#include "parviz/run_model.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/views.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using parviz::test::describe;
using parviz::test::runParviz;
using parviz::test::TempDir;

namespace {

struct Received {
    std::string names;                        // in the order received
    std::vector<std::int64_t> at;             // when
    std::map<std::string, std::int64_t> end;  // each task's end
    std::string finishOrder;                  // the tasks by their end
    std::string text;                         // the results view's sentence
    std::string out;                          // what parviz run printed
};

Received runWith(const std::string& method) {
    TempDir dir;
    const auto r = runParviz({"run", "pool", "--method", method, "--time-scale", "0.2", "--save-run", dir.file("r.pvz")});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    auto tr = parviz::loadTrace(dir.file("r.pvz"));
    parviz::RunModel m;
    m.update(*tr);
    Received got;
    got.out = r.out;
    for (const auto& x : m.results()) {
        CHECK_FALSE(x.failed);
        CHECK(x.proc == parviz::kParentProc);
        got.names += std::string(tr->string(x.name));
        got.at.push_back(x.t);
    }
    std::vector<std::pair<std::int64_t, std::string>> ends;
    for (const auto& t : m.tasks()) {
        got.end[std::string(tr->string(t.name))] = t.t1;
        ends.emplace_back(t.t1, std::string(tr->string(t.name)));
    }
    std::sort(ends.begin(), ends.end());
    for (const auto& [t, n] : ends) got.finishOrder += n;
    got.text = parviz::buildResultOrder(m, *tr, parviz::kOpenEnd - 1).text;
    return got;
}

} // namespace

TEST_CASE("imap_unordered hands the caller each result as its task finishes, in finish order", "[cli][run][method]") {
    const Received r = runWith("imap_unordered");
    INFO(r.text << "\n" << r.out);
    CHECK(r.finishOrder == "BCAD");
    CHECK(r.names == "BCAD");
    REQUIRE(r.at.size() == 4);
    // Each arrives after its own task ended, and before the next task in finish order ends.
    CHECK(r.at[0] >= r.end.at("B"));
    CHECK(r.at[0] < r.end.at("C"));
    CHECK(r.at[2] >= r.end.at("A"));
    CHECK(r.at[2] < r.end.at("D"));
    CHECK(r.text.find("(the order the tasks finished)") != std::string::npos);
    // The program prints what it receives, in that order.
    const auto b = r.out.find("Result of B received"), c = r.out.find("Result of C received"),
               a = r.out.find("Result of A received"), d = r.out.find("Result of D received");
    REQUIRE(b != std::string::npos);
    CHECK(b < c);
    CHECK(c < a);
    CHECK(a < d);
}

TEST_CASE("map and starmap hand the caller every result at once, in input order, after the last task", "[cli][run][method]") {
    for (const char* method : {"map", "starmap"}) {
        INFO(method);
        const Received r = runWith(method);
        INFO(r.text << "\n" << r.out);
        CHECK(r.finishOrder == "BCAD");
        CHECK(r.names == "ABCD");
        REQUIRE(r.at.size() == 4);
        CHECK(r.at.front() >= r.end.at("D"));
        // All at once: the caller takes the whole list in one go, long before
        // any other task could end (200 ms apart); a busy machine may stretch
        // the handing over by a few ms, never to the next task's end.
        CHECK(r.at.back() - r.at.front() < 50'000'000);
        CHECK(r.text.find("(input order, all at once)") != std::string::npos);
        CHECK(r.out.find("Result of") == std::string::npos);   // map's caller prints nothing of its own
    }
}

TEST_CASE("imap and apply_async hand the caller results in input order, each when it and those before it are done",
          "[cli][run][method]") {
    for (const char* method : {"imap", "apply_async"}) {
        INFO(method);
        const Received r = runWith(method);
        INFO(r.text << "\n" << r.out);
        CHECK(r.names == "ABCD");
        REQUIRE(r.at.size() == 4);
        // B and C are done long before A, but come after it; D comes when D is done.
        CHECK(r.at[0] >= r.end.at("A"));
        CHECK(r.at[1] >= r.end.at("A"));
        CHECK(r.at[2] < r.end.at("D"));
        CHECK(r.at[3] >= r.end.at("D"));
        CHECK(r.text.find("(input order)") != std::string::npos);
    }
}

TEST_CASE("a bad --method or scenario method is refused with exit 2, naming the flag or field and why", "[cli][run][method]") {
    const auto bad = runParviz({"run", "pool", "--method", "mapp"});
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("--method 'mapp': unknown method (allowed: map, imap, imap_unordered, starmap, apply_async)") !=
          std::string::npos);
    const auto noPool = runParviz({"run", "queue", "--method", "imap"});
    CHECK(noPool.exitCode == 2);
    CHECK(noPool.err.find("--method: queue is a queue scenario, which has no pool") != std::string::npos);
    TempDir dir;
    const std::string file =
        dir.write("m.json", R"({"kind": "pool", "method": "imap_sorted", "tasks": [{"name": "A", "seconds": 0}]})");
    const auto badFile = runParviz({"run", file});
    CHECK(badFile.exitCode == 2);
    CHECK(badFile.err.find(file + ": method: unknown method \"imap_sorted\" (allowed: map, imap, imap_unordered, "
                                  "starmap, apply_async)") != std::string::npos);
}

TEST_CASE("a chunksize with apply_async is refused with exit 2, naming the option and why", "[cli][run][method]") {
    // apply_async is one task per call: a chunksize would be silently ignored.
    const char* reason = "apply_async hands the pool one task per call, so there are no chunks to size";
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"run", "pool", "--method", "apply_async", "--chunksize", "2"},
          std::vector<std::string>{"export-python", "pool", "--method", "apply_async", "--chunksize", "2"},
          std::vector<std::string>{"sweep", "pool", "--method", "apply_async", "--chunksize", "auto,2"}}) {
        const auto r = runParviz(args);
        INFO(describe(r));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(std::string("--chunksize: ") + reason) != std::string::npos);
    }
    TempDir dir;
    const std::string file = dir.write(
        "a.json", R"({"kind": "pool", "method": "apply_async", "chunksize": 2, "tasks": [{"name": "A", "seconds": 0}]})");
    const auto badFile = runParviz({"run", file});
    CHECK(badFile.exitCode == 2);
    CHECK(badFile.err.find(file + ": chunksize: " + reason) != std::string::npos);
    // "auto" is no chunksize: accepted.
    const auto fine = runParviz({"run", "pool", "--method", "apply_async", "--chunksize", "auto", "--time-scale", "0.01"});
    INFO(describe(fine));
    CHECK(fine.exitCode == 0);
}

TEST_CASE("parviz sweep takes --method as run and gui do, and refuses an unknown one", "[cli][sweep][method]") {
    TempDir dir;
    const auto r = runParviz({"sweep", "pool-uneven", "--method", "imap", "--workers", "2", "--work", "sleep",
                              "--time-scale", "0.01", "--retries", "0", "--cores", "off", "--csv", dir.file("s.csv")});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    // imap's CPython default chunksize is 1 (map's would be 4 for 28 tasks on 2 workers).
    const std::string csv = parviz::test::readFile(dir.file("s.csv"));
    CHECK(csv.find("pool-uneven,sleep,2,auto,1,") != std::string::npos);
    const auto bad = runParviz({"sweep", "pool", "--method", "mapp"});
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find("--method 'mapp': unknown method (allowed: map, imap, imap_unordered, starmap, apply_async)") !=
          std::string::npos);
}

TEST_CASE("with chunks, imap's caller receives a chunk's results when its last task is done, one message each",
          "[cli][run][method]") {
    // pool-uneven: 28 tasks in chunks of 4; chunk 0 is L1..L4 (1 s each). As
    // CPython's worker puts one result per chunk, L1 reaches the caller only
    // after L4 has finished, and the result queue holds 7 results + 1 stop.
    TempDir dir;
    const auto r = runParviz({"run", "pool-uneven", "--method", "imap", "--chunksize", "4", "--time-scale", "0.05",
                              "--save-run", dir.file("r.pvz")});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    const auto l4 = r.out.find(" Process L4 Finished.");
    const auto l1 = r.out.find(" Result of L1 received");
    REQUIRE(l4 != std::string::npos);
    REQUIRE(l1 != std::string::npos);
    CHECK(l4 < l1);
    auto tr = parviz::loadTrace(dir.file("r.pvz"));
    parviz::RunModel m;
    m.update(*tr);
    std::int64_t l4End = 0, l1Got = 0;
    for (const auto& t : m.tasks())
        if (tr->string(t.name) == "L4") l4End = t.t1;
    for (const auto& x : m.results())
        if (tr->string(x.name) == "L1") l1Got = x.t;
    CHECK(l4End > 0);
    CHECK(l1Got >= l4End);
    const parviz::TraceMeta meta = tr->meta();
    std::size_t puts = 0;
    for (const auto& q : m.queues())
        if (meta.objectName(parviz::ObjectKind::Queue, q.id) == parviz::kPoolResultsQueue) puts += q.items.size();
    CHECK(puts == 8);

    // imap_unordered: chunks 1-6 (the short jobs, on the other worker) come
    // back before chunk 0, though L1 ended before most of them: the order
    // their chunks finished, not the tasks'. At time scale 0.25 chunk 0 takes
    // 1 s and the 24 short jobs 0.6 s: a busy machine's few ms per task (seen:
    // the short jobs outlasting chunk 0 at 0.05) cannot turn the order round.
    const auto u = runParviz({"run", "pool-uneven", "--method", "imap_unordered", "--chunksize", "4", "--time-scale",
                              "0.25", "--save-run", dir.file("u.pvz")});
    INFO(describe(u));
    REQUIRE(u.exitCode == 0);
    auto tu = parviz::loadTrace(dir.file("u.pvz"));
    parviz::RunModel mu;
    mu.update(*tu);
    const auto v = parviz::buildResultOrder(mu, *tu, parviz::kOpenEnd - 1, 40);
    INFO(v.text);
    CHECK(v.chunkOrder);
    CHECK(v.text.find("(the order their chunks finished)") != std::string::npos);
    REQUIRE(v.arrived.size() == 28);
    CHECK(v.arrived.back().name == "L4");
}

TEST_CASE("the listing shows the chosen method, and export-python runs it", "[cli][method][export-python]") {
    const auto r = runParviz({"export-python", "pool", "--method", "imap_unordered", "--chunksize", "1"});
    INFO(describe(r));
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("    for name in p.imap_unordered(work_log, work, chunksize=1):") != std::string::npos);
    CHECK(r.out.find("        print(\" Result of %s received\" % name)") != std::string::npos);
    const auto a = runParviz({"export-python", "pool", "--method", "apply_async"});
    CHECK(a.out.find("    results = [p.apply_async(work_log, (w,)) for w in work]") != std::string::npos);
    const auto s = runParviz({"export-python", "pool", "--method", "starmap"});
    CHECK(s.out.find("def work_log(name, seconds):") != std::string::npos);
    CHECK(s.out.find("    p.starmap(work_log, work)") != std::string::npos);
}
