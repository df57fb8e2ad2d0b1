// Saved runs: round trips keep every measure; damaged files are refused with
// a clear message, never a crash.
#include "parviz/trace_io.hpp"
#include "parviz/stats.hpp"

#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
#include <random>
#include <unistd.h>

using namespace parviz;

namespace {

std::uint64_t fnv1a(const std::string& d, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < n; ++i) { h ^= static_cast<unsigned char>(d[i]); h *= 0x100000001b3ull; }
    return h;
}
// Rewrites the trailing checksum so a deliberately wrong field is what the loader sees.
void reseal(std::string& d) {
    std::uint64_t h = fnv1a(d, d.size() - 8);
    for (int i = 0; i < 8; ++i) d[d.size() - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xff);
}
std::string loadError(const std::string& bytes) {
    try {
        deserializeTrace(bytes, "run.pvz");
    } catch (const TraceFileError& e) {
        return e.what();
    }
    return "(no error)";
}
// Offset of event i's byte `field` (0 t, 8 proc, 10 kind, 11 flags, 12 obj, 16 a, 24 b).
std::size_t eventOffset(const std::string& d, std::size_t nEvents, std::size_t i, std::size_t field) {
    return d.size() - 8 - nEvents * 32 + i * 32 + field;
}

} // namespace

namespace {

// The same file with its metadata JSON edited (the length and checksum fixed).
std::string withMeta(const std::string& d, const std::function<void(std::string&)>& edit) {
    std::uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len |= static_cast<std::uint64_t>(static_cast<unsigned char>(d[13 + i])) << (8 * i);
    std::string meta = d.substr(21, len);
    edit(meta);
    std::string out = d.substr(0, 13);
    for (int i = 0; i < 8; ++i) out += static_cast<char>((meta.size() >> (8 * i)) & 0xff);
    out += meta + d.substr(21 + len);
    reseal(out);
    return out;
}

void replaceOnce(std::string& s, const std::string& from, const std::string& to) {
    auto p = s.find(from);
    REQUIRE(p != std::string::npos);
    s.replace(p, from.size(), to);
}

// The same run as format 5 wrote it: "queues" and "locks" tables, no "objects".
std::string asFormat5(const std::string& d) {
    std::string out = withMeta(d, [](std::string& text) {
        nlohmann::json j = nlohmann::json::parse(text);
        nlohmann::json queues = nlohmann::json::array(), locks = nlohmann::json::array();
        for (const auto& o : j.at("objects"))
            (o.at("kind") == "queue" ? queues : locks).push_back({{"id", o.at("id")}, {"name", o.at("name")}});
        j.erase("objects");
        j["queues"] = queues;
        j["locks"] = locks;
        text = j.dump();
    });
    out[9] = 5;
    reseal(out);
    return out;
}

std::size_t firstOf(const Trace& tr, EventKind k) {
    std::size_t i = 0;
    while (tr[i].kind != k) ++i;
    return i;
}

void put32(std::string& d, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) d[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

} // namespace

TEST_CASE("saving then loading a run gives identical stats, strings and metadata", "[traceio]") {
    for (auto opts : {test::SyntheticOptions{}, test::SyntheticOptions{.killWorker1At = 2.5, .withLock = true},
                      test::SyntheticOptions{.pauseFrom = 1, .pauseTo = 2, .lost = 3}}) {
        auto tr = test::tutorialPoolTrace(opts);
        std::string path = "/tmp/parviz_test_run_" + std::to_string(::getpid()) + ".pvz";
        saveTrace(*tr, path);
        auto back = loadTrace(path);
        std::remove(path.c_str());

        REQUIRE(back->size() == tr->size());
        for (std::size_t i = 0; i < tr->size(); ++i) {
            CHECK((*back)[i].t == (*tr)[i].t);
            CHECK((*back)[i].kind == (*tr)[i].kind);
            CHECK((*back)[i].proc == (*tr)[i].proc);
        }
        CHECK(back->zero() == tr->zero());
        CHECK(statsToJson(computeStats(*back)) == statsToJson(computeStats(*tr)));
        CHECK(statsToJson(computeStats(*back, test::kZero + test::sec(2.7))) ==
              statsToJson(computeStats(*tr, test::kZero + test::sec(2.7))));
        TraceMeta m = back->meta();
        CHECK(m.loaded);
        CHECK(m.finished);
        CHECK(m.coreSource == CoreSource::PerfSwitch);   // what was recorded, not "loaded"
        CHECK(m.scenario == "pool");
        CHECK(m.procs.size() == tr->meta().procs.size());
        CHECK(m.procs[1].name == "ForkPoolWorker-1");
        CHECK(m.procs[1].role == ProcRole::PoolWorker);
        CHECK(m.objectsOf(ObjectKind::Queue).at(0).name == "pool tasks");
        // task names come back through the string table
        for (std::size_t i = 0; i < back->size(); ++i)
            if ((*back)[i].kind == EventKind::TaskStart) CHECK_FALSE(back->string((*back)[i].a).empty());
    }
}

TEST_CASE("a saved run truncated at any offset is refused with a clear message", "[traceio]") {
    std::string full = serializeTrace(*test::tutorialPoolTrace());
    REQUIRE_NOTHROW(deserializeTrace(full, "run.pvz"));
    for (std::size_t len = 0; len < full.size(); ++len) {
        INFO("truncated to " << len << " of " << full.size());
        std::string msg = loadError(full.substr(0, len));
        CHECK(msg.rfind("run.pvz: ", 0) == 0);
    }
    CHECK(loadError(full.substr(0, full.size() - 40)).find("truncated") != std::string::npos);
    CHECK(loadError("").find("not a parviz saved run") != std::string::npos);
}

TEST_CASE("random byte flips are always detected", "[traceio]") {
    std::string full = serializeTrace(*test::tutorialPoolTrace({.withLock = true}));
    std::mt19937 rng(12345);
    std::uniform_int_distribution<std::size_t> pos(0, full.size() - 1);
    std::uniform_int_distribution<int> bit(0, 7);
    for (int i = 0; i < 2000; ++i) {
        std::string d = full;
        std::size_t p = pos(rng);
        d[p] = static_cast<char>(d[p] ^ (1 << bit(rng)));
        INFO("flip at " << p);
        CHECK(loadError(d).rfind("run.pvz: ", 0) == 0);
    }
    std::string d = full;
    d[full.size() - 100] ^= 1;
    CHECK(loadError(d) == "run.pvz: checksum mismatch: the file is damaged");
}

TEST_CASE("a well-sealed file with impossible contents is refused field by field", "[traceio]") {
    auto tr = test::tutorialPoolTrace();
    const std::string full = serializeTrace(*tr);
    const std::size_t n = tr->size();
    SECTION("a newer or an older format") {
        std::string d = full;
        // Format 13 added MachineLoad's "others" event: the next one is the newer format.
        static_assert(kTraceFileVersion == 13);
        d[9] = 14;
        reseal(d);
        CHECK(loadError(d) == "run.pvz: written by a newer parviz (format 14); this parviz reads formats 1 to 13");
        d[9] = 0;
        reseal(d);
        CHECK(loadError(d) == "run.pvz: written by an older parviz (format 0); this parviz reads formats 1 to 13");
    }
    SECTION("an event kind newer than the file's format") {
        std::string d = asFormat5(full);
        d[9] = 2;   // format 2 knew the kinds up to WriterWait
        d[eventOffset(d, n, 3, 10)] = static_cast<char>(EventKind::TaskChunk);
        reseal(d);
        CHECK(loadError(d) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::TaskChunk)));
        d[9] = 4;   // format 4 knew the kinds up to MachineLoad
        d[eventOffset(d, n, 3, 10)] = static_cast<char>(EventKind::SourceLine);
        reseal(d);
        CHECK(loadError(d) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::SourceLine)));
        std::string e = full;   // format 6's metadata is today's
        e[9] = 6;               // formats 5 and 6 knew the kinds up to SourceLine
        e[eventOffset(e, n, 3, 10)] = static_cast<char>(EventKind::RunStop);
        reseal(e);
        CHECK(loadError(e) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::RunStop)));
        std::string g = full;   // formats 7 and 8 knew the kinds up to RunStop
        g[9] = 8;
        g[eventOffset(g, n, 3, 10)] = static_cast<char>(EventKind::SyncWait);
        reseal(g);
        CHECK(loadError(g) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::SyncWait)));
        std::string r = full;   // formats 9 and 10 knew the kinds up to SyncSignal
        r[9] = 10;
        r[eventOffset(r, n, 3, 10)] = static_cast<char>(EventKind::PoolResult);
        reseal(r);
        CHECK(loadError(r) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::PoolResult)));
        std::string j = full;   // format 11 knew the kinds up to PoolResult
        j[9] = 11;
        j[eventOffset(j, n, 3, 10)] = static_cast<char>(EventKind::ProcJoin);
        reseal(j);
        CHECK(loadError(j) == "run.pvz: event 3: unknown event kind " +
                                  std::to_string(static_cast<int>(EventKind::ProcJoin)));
    }
    SECTION("a traced Process.join naming no process, itself, or unknown flags") {
        // Event 3 made a ProcJoin of MainProcess (proc 0) waiting for process obj.
        auto joinAt = [&](std::int32_t obj, std::uint8_t flags) {
            std::string d = full;
            d[eventOffset(d, n, 3, 8)] = 0;
            d[eventOffset(d, n, 3, 9)] = 0;
            d[eventOffset(d, n, 3, 10)] = static_cast<char>(EventKind::ProcJoin);
            d[eventOffset(d, n, 3, 11)] = static_cast<char>(flags);
            for (int k = 0; k < 4; ++k) d[eventOffset(d, n, 3, 12 + static_cast<std::size_t>(k))] = static_cast<char>((obj >> (8 * k)) & 0xff);
            for (int k = 0; k < 8; ++k) d[eventOffset(d, n, 3, 16 + static_cast<std::size_t>(k))] = static_cast<char>(0xff);   // a = kNoString
            reseal(d);
            return loadError(d);
        };
        CHECK(joinAt(1, 0) == "(no error)");
        CHECK(joinAt(1, kJoinEnded | kJoinTimedOut) == "(no error)");
        CHECK(joinAt(99, 0) == "run.pvz: event 3: joined process 99 is not in the process table");
        CHECK(joinAt(0, 0) == "run.pvz: event 3: joined process 0 is the joining process itself");
        CHECK(joinAt(1, kJoinTimedOut) == "run.pvz: event 3: join flags 2 unknown");
        CHECK(joinAt(1, 4) == "run.pvz: event 3: join flags 4 unknown");
    }
    SECTION("an unknown event kind") {
        std::string d = full;
        d[eventOffset(d, n, 3, 10)] = static_cast<char>(200);
        reseal(d);
        CHECK(loadError(d) == "run.pvz: event 3: unknown event kind 200");
    }
    SECTION("time going backwards") {
        std::string d = full;
        d[eventOffset(d, n, 5, 4)] = 0;   // clears bits 32-39 of t: earlier than event 4
        reseal(d);
        CHECK(loadError(d).find("event 5: time goes backwards") != std::string::npos);
    }
    SECTION("a process outside the process table") {
        std::string d = full;
        d[eventOffset(d, n, 4, 8)] = 77;
        reseal(d);
        CHECK(loadError(d).find("process 77 is not in the process table") != std::string::npos);
    }
    SECTION("a string id outside the string table") {
        std::size_t i = 0;
        while ((*tr)[i].kind != EventKind::TaskStart) ++i;
        std::string d = full;
        d[eventOffset(d, n, i, 16)] = 99;
        reseal(d);
        CHECK(loadError(d).find("string id 99 out of range") != std::string::npos);
    }
    SECTION("an event count that does not match the bytes") {
        std::string d = full;
        d[d.size() - 8 - n * 32 - 8] = static_cast<char>(n + 1);
        reseal(d);
        CHECK(loadError(d).find("events declared") != std::string::npos);
    }
    SECTION("metadata length larger than the file") {
        std::string d = full;
        d[13 + 7] = 0x7f;
        reseal(d);
        CHECK(loadError(d).find("metadata claims") != std::string::npos);
    }
}


TEST_CASE("every event field is checked against the file's own metadata", "[traceio]") {
    auto tr = test::tutorialPoolTrace({.withLock = true});
    const std::string full = serializeTrace(*tr);
    const std::size_t n = tr->size();
    auto withObj = [&](EventKind k, std::uint32_t obj) {
        std::string d = full;
        put32(d, eventOffset(d, n, firstOf(*tr, k), 12), obj);
        reseal(d);
        return d;
    };
    const std::string at = "run.pvz: event " + std::to_string(firstOf(*tr, EventKind::CoreIn)) + ": ";
    // Before: 5 308 416 made computeStats spin through GBs, 0x7fffffff ended in std::bad_alloc.
    CHECK(loadError(withObj(EventKind::CoreIn, 5308416)) == at + "core 5308416 out of range: the run had 2 cores");
    CHECK(loadError(withObj(EventKind::CoreIn, 0x7fffffff)) == at + "core 2147483647 out of range: the run had 2 cores");
    CHECK(loadError(withObj(EventKind::CoreIn, 0xffffffff)).find("core -1 out of range") != std::string::npos);
    CHECK(loadError(withObj(EventKind::CoreOut, 2)).find("core 2 out of range") != std::string::npos);
    CHECK(loadError(withObj(EventKind::QueuePut, 9)).find("queue 9 is not in the queue table") != std::string::npos);
    CHECK(loadError(withObj(EventKind::LockAcquire, 77)).find("lock 77 is not in the lock table") != std::string::npos);
    CHECK(loadError(withObj(EventKind::TaskStart, 0x80000000)).find("task index -2147483648 is negative") !=
          std::string::npos);
    auto meta = [&](const std::string& from, const std::string& to) {
        return loadError(withMeta(full, [&](std::string& m) { replaceOnce(m, from, to); }));
    };
    CHECK(meta("\"total_cores\":2", "\"total_cores\":2000000000") ==
          "run.pvz: corrupt metadata: total_cores is 2000000000, must be between 1 and 8192");
    CHECK(meta("\"time_scale\":1.0", "\"time_scale\":-1.0").find("time_scale is -") != std::string::npos);
    CHECK(meta("\"workers\":2", "\"workers\":-5").find("workers is -5") != std::string::npos);
    CHECK(meta("\"objects\":[", "\"objects\":[{\"id\":1,\"kind\":\"lock\",\"name\":\"x\"},").find("two locks with id 1") !=
          std::string::npos);
    CHECK(meta("\"kind\":\"lock\"", "\"kind\":\"semaphore\"") == "run.pvz: corrupt metadata: unknown object kind 'semaphore'");
}

TEST_CASE("a format 5 file (separate queue and lock tables) opens with the same shared objects", "[traceio]") {
    auto tr = test::tutorialPoolTrace({.withLock = true});
    const std::string v5 = asFormat5(serializeTrace(*tr));
    REQUIRE(v5.find("\"queues\":[{") != std::string::npos);
    REQUIRE(v5.find("\"objects\"") == std::string::npos);
    auto back = deserializeTrace(v5, "old.pvz");
    CHECK(back->size() == tr->size());
    const TraceMeta m = back->meta();
    REQUIRE(m.objects.size() == 2);
    CHECK(m.objectName(ObjectKind::Queue, 1) == "pool tasks");
    CHECK(m.objectName(ObjectKind::Lock, 1) == "lock");
    CHECK(m.countOf(ObjectKind::Queue) == 1);
    CHECK(m.countOf(ObjectKind::Lock) == 1);
    // Its events are still checked against its own tables.
    const std::string noLocks = withMeta(v5, [](std::string& s) { replaceOnce(s, "\"locks\":[{\"id\":1,\"name\":\"lock\"}]", "\"locks\":[]"); });
    CHECK(loadError(noLocks).find("lock 1 is not in the lock table") != std::string::npos);
}

TEST_CASE("a format 1 file (no incomplete flag) still opens; an interrupted run comes back marked", "[traceio]") {
    auto tr = test::tutorialPoolTrace();
    const std::string v2 = asFormat5(serializeTrace(*tr));
    std::string v1 = withMeta(v2, [](std::string& m) { replaceOnce(m, ",\"incomplete\":false", ""); });
    v1[9] = 1;
    reseal(v1);
    auto back = deserializeTrace(v1, "old.pvz");
    CHECK(back->size() == tr->size());
    CHECK_FALSE(back->meta().incomplete);
    tr->updateMeta([](TraceMeta& m) { m.incomplete = true; });
    CHECK(deserializeTrace(serializeTrace(*tr), "cut.pvz")->meta().incomplete);
}

TEST_CASE("missing and unwritable files are TraceFileErrors naming the file", "[traceio]") {
    try {
        loadTrace("/nonexistent/run.pvz");
        FAIL("loaded a missing file");
    } catch (const TraceFileError& e) {
        CHECK(std::string(e.what()).rfind("/nonexistent/run.pvz: ", 0) == 0);
    }
    auto tr = test::tutorialPoolTrace();
    CHECK_THROWS_AS(saveTrace(*tr, "/nonexistent/dir/run.pvz"), TraceFileError);
}

TEST_CASE("what a traced task raised, a Semaphore(0) and a dropped queue item survive a saved run (format 10); an "
          "older file's TaskEnd b and QueueGet flags mean nothing",
          "[traceio]") {
    using test::kZero;
    using test::sec;
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->updateMeta([](TraceMeta& m) {
        m.work = kTracedProgramWork;
        m.totalCores = 2;
        m.usableCores = 2;
    });
    const std::uint64_t name = tr->addString("('C', 0)");
    tr->addString("a string no event names (not saved: ids are renumbered)");
    const std::uint64_t error = tr->addString("ZeroDivisionError: division by zero");
    tr->append(Event{kZero, 0, EventKind::RunStart, 0, 0, 2, 2});
    tr->append(Event{kZero + sec(0.1), 1, EventKind::ProcStart, 0, 0, 1001, 0});
    tr->append(Event{kZero + sec(0.2), 1, EventKind::TaskStart, 0, 0, name, 0});
    tr->append(Event{kZero + sec(0.3), 1, EventKind::TaskEnd, 1, 0, name, error + 1});
    ObjectInfo go{ObjectKind::Lock, 1, "Semaphore-1"};
    go.semaphore = true;   // a Semaphore(0): size 0
    tr->addObject(go);
    tr->addObject({ObjectKind::Queue, 1, "pool tasks"});
    const std::uint64_t none = tr->addString("None");
    tr->append(Event{kZero + sec(0.4), 0, EventKind::QueuePut, 0, 1, 7, none});
    tr->append(Event{kZero + sec(0.5), 0, EventKind::QueueGet, kQueueDiscarded, 1, 7, kNoString});
    const std::string full = serializeTrace(*tr);
    {
        const auto back = deserializeTrace(full, "raised.pvz");
        CHECK(back->meta().findObject(ObjectKind::Lock, 1)->semaphore);
        CHECK((*back)[5].flags == kQueueDiscarded);
    }
    const RunStats s = computeStats(*deserializeTrace(full, "raised.pvz"));
    REQUIRE(s.failedTasks.size() == 1);
    CHECK(s.failedTasks[0].error == "ZeroDivisionError: division by zero");
    CHECK(s.failures == std::vector<std::string>{
                            "task ('C', 0) raised ZeroDivisionError: division by zero (in ForkPoolWorker-1)"});
    // Format 9 wrote nothing there: whatever b holds is not read as a string.
    std::string old = full;
    old[9] = 9;
    reseal(old);
    const auto oldTrace = deserializeTrace(old, "old.pvz");
    CHECK_FALSE(oldTrace->meta().findObject(ObjectKind::Lock, 1)->semaphore);   // format 9: a size made one
    CHECK((*oldTrace)[5].flags == 0);
    const RunStats o = computeStats(*oldTrace);
    REQUIRE(o.failedTasks.size() == 1);
    CHECK(o.failedTasks[0].error.empty());
    CHECK(o.failures == std::vector<std::string>{"task ('C', 0) failed: it raised on ForkPoolWorker-1"});
    // A string id past the file's table is refused, named.
    std::string bad = full;
    for (int i = 0; i < 8; ++i) bad[eventOffset(bad, 6, 3, 24) + i] = static_cast<char>(i == 0 ? 99 : 0);
    reseal(bad);
    CHECK(loadError(bad) == "run.pvz: event 3: task error string id 98 out of range");
}
