// Chunk brackets (chunks.hpp) on a synthetic Pool.map whose chunks are known
// by hand, and on one real pool-uneven run; and the toolbar's equal jobs.
#include "parviz/chunks.hpp"
#include "parviz/run.hpp"
#include "parviz/views.hpp"
#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

using namespace parviz;
using parviz::test::kZero;
using parviz::test::sec;

namespace {

// Pool(2).map over A..H (1 s each) with chunksize 2: worker 1 takes chunk 0
// (A, B) at 0 and chunk 2 (E, F) at 2; worker 2 takes chunk 1 (C, D) at 0
// and chunk 3 (G, H) at 2 but is killed at 3 s, in G.
std::shared_ptr<Trace> chunkedMap() {
    auto tr = std::make_shared<Trace>();
    std::vector<Event> ev;
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                  std::uint8_t flags = 0) { ev.push_back(Event{kZero + sec(s), p, k, flags, obj, a, b}); };
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});
    std::uint64_t name[8];
    for (int i = 0; i < 8; ++i) name[i] = tr->addString(std::string(1, static_cast<char>('A' + i)));
    at(0, 0, EventKind::RunStart, 0, 2, 2);
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(0, 2, EventKind::ProcStart, 0, 1002);
    auto task = [&](ProcId p, int i, double from, double to) {
        at(from, p, EventKind::TaskStart, i, name[i], static_cast<std::uint64_t>(sec(to - from)));
        at(to, p, EventKind::TaskEnd, i, name[i]);
    };
    at(0, 1, EventKind::TaskChunk, 0, 0, 2);
    task(1, 0, 0, 1);
    task(1, 1, 1, 2);
    at(0, 2, EventKind::TaskChunk, 1, 2, 2);
    task(2, 2, 0, 1);
    task(2, 3, 1, 2);
    at(2, 1, EventKind::TaskChunk, 2, 4, 2);
    task(1, 4, 2, 3);
    task(1, 5, 3, 4);
    at(2, 2, EventKind::TaskChunk, 3, 6, 2);
    at(2, 2, EventKind::TaskStart, 6, name[6], static_cast<std::uint64_t>(sec(1)));
    at(3, 2, EventKind::ProcExit, 0, static_cast<std::uint64_t>(std::int64_t{-9}));
    at(4.5, 0, EventKind::RunEnd);
    std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    for (const Event& e : ev) tr->append(e);
    return tr;
}

} // namespace

TEST_CASE("chunk brackets span each chunk from its take to its last task's end, labelled with its tasks", "[chunks]") {
    auto tr = chunkedMap();
    RunModel m;
    m.update(*tr);
    const ChunkBrackets b = buildChunkBrackets(m, *tr);
    REQUIRE(b.items.size() == 4);
    auto find = [&](int chunk) -> const ChunkBracket& {
        for (const ChunkBracket& x : b.items)
            if (x.chunk == chunk) return x;
        FAIL("no chunk " << chunk);
        return b.items.front();
    };
    const ChunkBracket& c0 = find(0);
    CHECK(c0.proc == 1);
    CHECK(c0.t0 == kZero);
    CHECK(c0.t1 == kZero + sec(2));
    CHECK(c0.ended == 2);
    CHECK_FALSE(c0.open);
    CHECK(c0.label == "chunk 0: A\u2013B");
    CHECK(find(1).label == "chunk 1: C\u2013D");
    CHECK(find(1).proc == 2);
    CHECK(find(2).t0 == kZero + sec(2));
    CHECK(find(2).t1 == kZero + sec(4));
    // Killed in G (G ends there, failed): open, ending at the worker's death;
    // H never started, so its name comes from the scenario's task names when
    // given, else its index.
    const ChunkBracket& c3 = find(3);
    CHECK(c3.open);
    CHECK(c3.ended == 1);
    CHECK(c3.t1 == kZero + sec(3));
    CHECK(c3.label == "chunk 3: G\u2013#7");
    const std::vector<std::string> names = {"A", "B", "C", "D", "E", "F", "G", "H"};
    CHECK(find(3).label != buildChunkBrackets(m, *tr, names).items[3].label);
    bool sawH = false;
    for (const ChunkBracket& x : buildChunkBrackets(m, *tr, names).items) sawH |= x.label == "chunk 3: G\u2013H";
    CHECK(sawH);
    // Time order by take, and the running latest end.
    for (std::size_t i = 1; i < b.items.size(); ++i) CHECK(b.items[i - 1].t0 <= b.items[i].t0);
    CHECK(b.endSoFar.back() == kZero + sec(4));
}

TEST_CASE("the visible chunk brackets are those overlapping the view, found by binary search", "[chunks]") {
    auto tr = chunkedMap();
    RunModel m;
    m.update(*tr);
    const ChunkBrackets b = buildChunkBrackets(m, *tr);
    auto chunksIn = [&](double from, double to) {
        std::vector<int> out;
        for (std::size_t i : visibleChunks(b, kZero + sec(from), kZero + sec(to))) out.push_back(b.items[i].chunk);
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(chunksIn(0, 1) == std::vector<int>{0, 1});
    CHECK(chunksIn(2.5, 2.6) == std::vector<int>{2, 3});
    CHECK(chunksIn(3.5, 10) == std::vector<int>{2});
    CHECK(chunksIn(5, 10).empty());
    CHECK(chunksIn(-2, -1).empty());
}

TEST_CASE("a real pool-uneven run shows CPython's default chunks: 7 of 4 tasks, the long ones in chunk 0", "[chunks][real]") {
    Scenario sc = loadScenario("pool-uneven");
    RunOptions o;
    o.timeScale = 0.05;
    Run run(sc, o);
    run.start();
    REQUIRE(run.wait(120));
    RunModel m;
    m.update(*run.trace());
    std::vector<std::string> names;
    for (const TaskSpec& t : sc.tasks) names.push_back(t.name);
    const ChunkBrackets b = buildChunkBrackets(m, *run.trace(), names);
    REQUIRE(b.items.size() == 7);
    std::size_t tasks = 0;
    for (const ChunkBracket& x : b.items) {
        CHECK(x.count == 4);
        CHECK_FALSE(x.open);
        CHECK(x.ended == 4);
        CHECK(x.t1 > x.t0);
        tasks += x.count;
        if (x.chunk == 0) CHECK(x.label == "chunk 0: L1\u2013L4");
    }
    CHECK(tasks == 28);
    SECTION("with chunksize 1 every task is its own chunk") {
        sc.chunksize = 1;
        Run one(sc, o);
        one.start();
        REQUIRE(one.wait(120));
        RunModel m1;
        m1.update(*one.trace());
        const ChunkBrackets b1 = buildChunkBrackets(m1, *one.trace(), names);
        CHECK(b1.items.size() == 28);
    }
}

TEST_CASE("apply_async's tasks are calls, not chunks: a real run has no chunk brackets", "[chunks][real]") {
    // Each apply_async call is one task; "chunk 0: A" on its lane said otherwise.
    Scenario sc = loadScenario("pool");
    sc.method = PoolMethod::ApplyAsync;
    RunOptions o;
    o.timeScale = 0.02;
    Run run(sc, o);
    run.start();
    REQUIRE(run.wait(120));
    RunModel m;
    m.update(*run.trace());
    CHECK(m.tasks().size() == 4);
    CHECK(m.chunks().empty());
    for (const TaskRecord& t : m.tasks()) CHECK(t.chunk < 0);
    CHECK(buildChunkBrackets(m, *run.trace(), {"A", "B", "C", "D"}).items.empty());
}

TEST_CASE("N equal jobs share the scenario's total work equally and keep its work kind", "[chunks]") {
    Scenario sc = loadScenario("pool-uneven");   // 4 x 1 s + 24 x 0.1 s = 6.4 s
    const Scenario eq = withEqualJobs(sc, 16);
    REQUIRE(eq.tasks.size() == 16);
    CHECK(eq.tasks.front().name == "J1");
    CHECK(eq.tasks.back().name == "J16");
    double total = 0;
    for (const TaskSpec& t : eq.tasks) {
        CHECK(t.seconds == Approx(0.4));
        CHECK(t.work == WorkKind::Sleep);
        total += t.seconds;
    }
    CHECK(total == Approx(6.4));
    CHECK(equalJobSeconds(sc, 16) == Approx(0.4));
    CHECK(eq.chunksize == sc.chunksize);
    CHECK(eq.poolSize == sc.poolSize);
    Scenario cpu = loadScenario("pool-cpu");
    CHECK(withEqualJobs(cpu, 3).tasks.front().work == WorkKind::Cpu);
    CHECK_THROWS_WITH(withEqualJobs(sc, 0), Catch::Contains("tasks: 0 equal jobs: must be between 1 and"));
    CHECK_THROWS_WITH(withEqualJobs(loadScenario("lock"), 4), Catch::Contains("tasks: the lock scenario has no task table"));
}

TEST_CASE("a chunk's hover words are true at the cursor: running since its take until its last task ends", "[chunks]") {
    // Classroom walk, finding 1: hovering a running chunk said "done at 185 ms".
    auto tr = chunkedMap();
    RunModel m;
    m.update(*tr);
    const ChunkBrackets b = buildChunkBrackets(m, *tr);
    const ChunkBracket* c2 = nullptr;
    const ChunkBracket* c3 = nullptr;
    for (const ChunkBracket& x : b.items) {
        if (x.chunk == 2) c2 = &x;
        if (x.chunk == 3) c3 = &x;
    }
    REQUIRE(c2);
    REQUIRE(c3);
    const std::string before = describeChunkAt(*c2, "ForkPoolWorker-1", kZero + sec(1), kZero);
    const std::string during = describeChunkAt(*c2, "ForkPoolWorker-1", kZero + sec(3), kZero);
    const std::string after = describeChunkAt(*c2, "ForkPoolWorker-1", kZero + sec(4.2), kZero);
    INFO(before << "\n" << during << "\n" << after);
    CHECK(before.find("chunk 2: E\u2013F: 2 tasks handed to ForkPoolWorker-1") == 0);
    CHECK(before.find("after the cursor") != std::string::npos);
    CHECK(during.find("running since then") != std::string::npos);
    CHECK(during.find("done") == std::string::npos);
    CHECK(after.find("done at 4.00 s") != std::string::npos);
    // Killed in G at 3 s: running until then, never done, its worker's end said after.
    CHECK(describeChunkAt(*c3, "ForkPoolWorker-2", kZero + sec(2.5), kZero).find("running since then") != std::string::npos);
    const std::string dead = describeChunkAt(*c3, "ForkPoolWorker-2", kZero + sec(4), kZero);
    INFO(dead);
    CHECK(dead.find("not finished: its worker ended at 3.00 s") != std::string::npos);
    CHECK(dead.find("done") == std::string::npos);
}

TEST_CASE("a task's hover words are true at the cursor: starts, running since, then done or how it failed", "[chunks][view]") {
    auto tr = chunkedMap();
    RunModel m;
    m.update(*tr);
    // E (index 4) on worker 1, 2 s to 3 s.
    CHECK(describeTaskAt(m, *tr, 1, 4, kZero + sec(1), kZero) == "task E: starts at 2.00 s, after the cursor");
    CHECK(describeTaskAt(m, *tr, 1, 4, kZero + sec(2.5), kZero) == "task E: running since 2.00 s");
    CHECK(describeTaskAt(m, *tr, 1, 4, kZero + sec(3), kZero) == "task E: done at 3.00 s");
    // G (index 6) on worker 2, killed at 3 s in it.
    CHECK(describeTaskAt(m, *tr, 2, 6, kZero + sec(2.5), kZero) == "task G: running since 2.00 s");
    const std::string g = describeTaskAt(m, *tr, 2, 6, kZero + sec(4), kZero);
    INFO(g);
    CHECK(g.find("task G: failed") == 0);
    CHECK(g.find("(ended at 3.00 s)") != std::string::npos);
    CHECK(describeTaskAt(m, *tr, 2, 99, kZero + sec(4), kZero).empty());
}

TEST_CASE("a traced chunk whose tasks are named by numbers says \"task\": never \"chunk 1: 2\", read as a ratio",
          "[chunks][chunkwords]") {
    // Newcomer walk (session 21): `parviz trace --gui -- python3 examples/…` labelled its brackets
    // "chunk 1: 2" (task 2, named by its argument's text); built-in chunks read "chunk 0: L1–L4".
    auto tr = std::make_shared<Trace>();
    std::vector<Event> ev;
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0) {
        ev.push_back(Event{kZero + sec(s), p, k, 0, obj, a, b});
    };
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    const std::uint64_t n1 = tr->addString("1"), n2 = tr->addString("2"), n3 = tr->addString("3");
    at(0, 0, EventKind::RunStart, 0, 2, 2);
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(0, 1, EventKind::TaskChunk, 0, 0, 1);
    at(0, 1, EventKind::TaskStart, 0, n1, static_cast<std::uint64_t>(sec(1)));
    at(1, 1, EventKind::TaskEnd, 0, n1);
    at(1, 1, EventKind::TaskChunk, 1, 1, 2);
    at(1, 1, EventKind::TaskStart, 1, n2, static_cast<std::uint64_t>(sec(1)));
    at(2, 1, EventKind::TaskEnd, 1, n2);
    at(2, 1, EventKind::TaskStart, 2, n3, static_cast<std::uint64_t>(sec(1)));
    at(3, 1, EventKind::TaskEnd, 2, n3);
    at(3.5, 0, EventKind::RunEnd);
    for (const Event& e : ev) tr->append(e);
    RunModel m;
    m.update(*tr);
    const ChunkBrackets b = buildChunkBrackets(m, *tr);
    REQUIRE(b.items.size() == 2);
    CHECK(b.items[0].label == "chunk 0: task 1");
    CHECK(b.items[1].label == "chunk 1: tasks 2\u20133");
    // Names that are words keep the built-in scenarios' form.
    CHECK(chunkLabel(0, "L1", "L4", 4) == "chunk 0: L1\u2013L4");
    CHECK(chunkLabel(2, "E", "", 1) == "chunk 2: E");
    CHECK(chunkLabel(1, "'c'", "'d'", 2) == "chunk 1: 'c'\u2013'd'");
    CHECK(chunkLabel(3, "-0.5", "", 1) == "chunk 3: task -0.5");
}

TEST_CASE("a chunk's words where its label does not fit: its tasks' names before the bare 'chunk 2'",
          "[chunks][words]") {
    // Classroom walk (session 21): chunksize auto (4) on pool-uneven labelled
    // its short chunks "chunk 1" ... "chunk 6", naming no task.
    ChunkBracket c;
    c.chunk = 2;
    c.count = 4;
    c.label = chunkLabel(2, "E", "H", 4);
    CHECK(chunkWords(c) == std::vector<std::string>{"chunk 2: E\u2013H", "E\u2013H", "chunk 2"});
    CHECK(chunkWords(c, " (9)") == std::vector<std::string>{"chunk 2: E\u2013H (9)", "E\u2013H (9)", "chunk 2 (9)"});
    c.count = 1;
    c.label = chunkLabel(2, "E", "E", 1);
    CHECK(chunkWords(c) == std::vector<std::string>{"chunk 2: E", "E", "chunk 2"});
    // Tasks named by numbers keep their noun: "tasks 2–5", never a bare "2–5".
    c.count = 4;
    c.label = chunkLabel(1, "2", "5", 4);
    CHECK(chunkWords(c)[1] == "tasks 2\u20135");
    CHECK(chunkWords(c).size() == 3);   // not a call: no short form
    ChunkBracket k;
    // A traced task named by its call keeps its function's name in the short
    // form, before "chunk N" (lanes read "count_primes(180000)" beside "chunk 0").
    k.count = 1;
    k.label = chunkLabel(0, "count_primes(180000)", "count_primes(180000)", 1);
    CHECK(chunkWords(k) == std::vector<std::string>{"chunk 0: count_primes(180000)", "count_primes(180000)",
                                                    "count_primes(\u2026)", "chunk 0"});
    k.count = 4;
    k.label = chunkLabel(3, "m.work(1)", "m.work(4)", 4);
    CHECK(chunkWords(k, " (9)")[2] == "m.work(\u2026) \u00d74 (9)");
    k.label = chunkLabel(3, "(1, 2)", "(3, 4)", 2);
    CHECK(chunkWords(k).size() == 3);   // a tuple is no call
    k.count = 1;
    k.label = chunkLabel(3, "f()", "f()", 1);
    CHECK(chunkWords(k).size() == 3);   // no arguments: nothing to shorten
    // On a lane where every chunk is one task: the task's name, the call's
    // short forms, never "chunk N"; where some chunk has several, chunkWords.
    k.count = 1;
    k.chunk = 6;
    k.label = chunkLabel(6, "count_primes(300000)", "count_primes(300000)", 1);
    CHECK(laneChunkWords(k, false, " (2)") ==
          std::vector<std::string>{"count_primes(300000) (2)", "count_primes(\u2026) (2)", "count_primes (2)"});
    CHECK(laneChunkWords(k, true) == chunkWords(k));
    k.label = chunkLabel(0, "A", "A", 1);
    CHECK(laneChunkWords(k, false) == std::vector<std::string>{"A"});
    // On a row: where the label does not fit, the names do, and the row says them.
    std::vector<RowChunkIn> chunks{{0, 60, chunkWords(c)}};
    const auto width = [](const std::string& t) { return static_cast<float>(t.size()) * 4.0f; };
    const std::vector<RowWord> words = placeRowWords({}, chunks, width, 2);
    REQUIRE(words.size() == 1);
    CHECK(words[0].text == "tasks 2\u20135");
}
