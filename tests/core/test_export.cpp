// Chrome Trace Event export, checked event by event (Perfetto is not reachable
// from the test machines, so the rules of export.hpp are tested directly).
#include "parviz/export.hpp"

#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>

using namespace parviz;
using nlohmann::json;

namespace {

json exportJson(const Trace& tr) {
    std::ostringstream out;
    writeChromeTrace(tr, out);
    return json::parse(out.str());   // throws (fails the test) when not valid JSON
}

std::vector<json> select(const json& doc, const std::string& ph, const std::string& cat = "") {
    std::vector<json> out;
    for (const auto& e : doc["traceEvents"])
        if (e["ph"] == ph && (cat.empty() || (e.contains("cat") && e["cat"] == cat))) out.push_back(e);
    return out;
}

std::string metaName(const json& doc, const char* kind, std::int64_t pid, std::int64_t tid) {
    for (const auto& e : doc["traceEvents"])
        if (e["ph"] == "M" && e["name"] == kind && e["pid"] == pid && (tid < 0 || e["tid"] == tid))
            return e["args"]["name"];
    return "";
}

} // namespace

TEST_CASE("the export is a JSON object with traceEvents, displayTimeUnit and otherData", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    REQUIRE(doc.is_object());
    CHECK(doc["traceEvents"].is_array());
    CHECK(doc["displayTimeUnit"] == "ms");
    CHECK(doc["otherData"]["scenario"] == "pool");
    CHECK(doc["otherData"]["core_source"] == "perf context-switch records");
    for (const auto& e : doc["traceEvents"]) {
        CHECK(e.contains("ph"));
        CHECK(e.contains("pid"));
    }
}

TEST_CASE("each task execution is one complete event on its worker's pid, in microseconds from the run's zero", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    auto tasks = select(doc, "X", "task");
    REQUIRE(tasks.size() == 4);
    std::map<std::string, json> byName;
    for (const auto& t : tasks) byName[t["name"]] = t;
    struct Want { const char* name; std::int64_t pid; double ts, dur; const char* worker; };
    const Want want[] = {{"A", 1001, 0, 5e6, "ForkPoolWorker-1"}, {"B", 1002, 0, 2e6, "ForkPoolWorker-2"},
                         {"C", 1002, 2e6, 1e6, "ForkPoolWorker-2"}, {"D", 1002, 3e6, 3e6, "ForkPoolWorker-2"}};
    for (const auto& w : want) {
        INFO(w.name);
        REQUIRE(byName.count(w.name));
        const json& e = byName[w.name];
        CHECK(e["pid"] == w.pid);
        CHECK(e["tid"] == w.pid);
        CHECK(e["ts"].get<double>() == Approx(w.ts));
        CHECK(e["dur"].get<double>() == Approx(w.dur));
        CHECK(e["args"]["worker"] == w.worker);
    }
    // C starts exactly when B ends, D when C ends: hand-offs survive the export
    CHECK(byName["C"]["ts"].get<double>() == Approx(byName["B"]["ts"].get<double>() + byName["B"]["dur"].get<double>()));
}

TEST_CASE("metadata names every lane after its process and orders the lanes", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    CHECK(metaName(doc, "process_name", 1001, 1001) == "ForkPoolWorker-1");
    CHECK(metaName(doc, "thread_name", 1001, 1001) == "ForkPoolWorker-1");
    CHECK(metaName(doc, "process_name", 1002, -1) == "ForkPoolWorker-2");
    std::map<std::int64_t, int> sortIndex;
    for (const auto& e : doc["traceEvents"])
        if (e["ph"] == "M" && e["name"] == "process_sort_index") sortIndex[e["pid"]] = e["args"]["sort_index"];
    REQUIRE(sortIndex.count(1001));
    REQUIRE(sortIndex.count(1002));
    CHECK(sortIndex[1001] < sortIndex[1002]);
    bool threadSort = false;
    for (const auto& e : doc["traceEvents"])
        if (e["ph"] == "M" && e["name"] == "thread_sort_index" && e["pid"] == 1001) threadSort = true;
    CHECK(threadSort);
}

TEST_CASE("a synthetic CPU cores process holds each worker's measured on-CPU spans, one thread per core", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    CHECK(metaName(doc, "process_name", kCoresPid, -1) == "CPU cores");
    CHECK(metaName(doc, "thread_name", kCoresPid, 1) == "core 0");
    CHECK(metaName(doc, "thread_name", kCoresPid, 2) == "core 1");
    auto cpu = select(doc, "X", "cpu");
    REQUIRE(cpu.size() == 2);
    for (const auto& c : cpu) {
        CHECK(c["pid"] == kCoresPid);
        if (c["name"] == "ForkPoolWorker-1") {
            CHECK(c["tid"] == 1);
            CHECK(c["dur"].get<double>() == Approx(1e6));
        } else {
            CHECK(c["name"] == "ForkPoolWorker-2");
            CHECK(c["tid"] == 2);
            CHECK(c["dur"].get<double>() == Approx(2e6));
        }
    }
}

TEST_CASE("queue puts and gets are instants joined by flows that start at the put and end at the get", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    auto instants = select(doc, "i", "queue");
    CHECK(instants.size() == 8);
    for (const auto& i : instants) CHECK(i["s"] == "t");
    auto starts = select(doc, "s"), finishes = select(doc, "f");
    REQUIRE(starts.size() == 4);
    REQUIRE(finishes.size() == 4);
    std::map<std::uint64_t, json> startById;
    for (const auto& s : starts) startById[s["id"].get<std::uint64_t>()] = s;
    for (const auto& f : finishes) {
        CHECK(f["bp"] == "e");
        auto id = f["id"].get<std::uint64_t>();
        REQUIRE(startById.count(id));
        CHECK(startById[id]["ts"].get<double>() <= f["ts"].get<double>());
        CHECK(startById[id]["cat"] == f["cat"]);
        CHECK(startById[id]["name"] == f["name"]);
    }
    // item 102 (C) was put by the parent and taken by ForkPoolWorker-2 at 2 s
    auto& f102 = *std::find_if(finishes.begin(), finishes.end(), [](const json& f) { return f["id"] == 102; });
    CHECK(f102["pid"] == 1002);
    CHECK(f102["ts"].get<double>() == Approx(2e6));
}

TEST_CASE("a get's instant shows the value its put recorded, since the get event carries no preview", "[export]") {
    Trace tr;
    tr.addProcess({"MainProcess", ProcRole::Parent});
    tr.addProcess({"Process-1", ProcRole::Process});
    tr.addObject({parviz::ObjectKind::Queue, 3, "tasks"});
    const std::int64_t t0 = 1'000'000'000;
    tr.append(Event{t0, 0, EventKind::RunStart, 0, 0, 2, 2});
    tr.append(Event{t0 + 10, 0, EventKind::QueuePut, 0, 3, 42, tr.addString("hello")});
    tr.append(Event{t0 + 20, 1, EventKind::QueueGet, 0, 3, 42, kNoString});
    tr.append(Event{t0 + 30, 0, EventKind::RunEnd, 0, 0, 0, 0});
    auto instants = select(exportJson(tr), "i", "queue");
    REQUIRE(instants.size() == 2);
    for (const auto& i : instants) {
        CHECK(i["args"]["item"] == 42);
        CHECK(i["args"]["value"] == "hello");
    }
}

TEST_CASE("every flow point lies inside a slice on its own lane, so it binds to the enclosing slice", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    auto slices = select(doc, "X");
    for (const auto& ph : {"s", "f"}) {
        for (const auto& fl : select(doc, ph)) {
            double ts = fl["ts"];
            bool enclosed = false;
            for (const auto& x : slices)
                if (x["pid"] == fl["pid"] && x["tid"] == fl["tid"] && x["ts"].get<double>() <= ts &&
                    ts <= x["ts"].get<double>() + x["dur"].get<double>())
                    enclosed = true;
            INFO(fl.dump());
            CHECK(enclosed);
        }
    }
}

TEST_CASE("the queue length is a counter that rises with puts and falls with gets", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace());
    auto counters = select(doc, "C");
    std::vector<int> lengths;
    for (const auto& c : counters) {
        CHECK(c["name"] == "pool tasks length");
        lengths.push_back(c["args"]["length"]);
    }
    CHECK(lengths == std::vector<int>{1, 2, 3, 4, 3, 2, 1, 0});
}

TEST_CASE("lock waits and holds are spans on the worker's lane and X events on a lane always nest", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace({.withLock = true}));
    auto locks = select(doc, "X", "lock");
    std::map<std::string, int> names;
    for (const auto& l : locks) names[l["name"].get<std::string>() + "@" + std::to_string(l["pid"].get<int>())]++;
    CHECK(names["wait lock@1001"] == 1);
    CHECK(names["hold lock@1001"] == 1);
    CHECK(names["wait lock@1002"] == 1);
    CHECK(names["hold lock@1002"] == 1);
    // worker 1 held the lock from 0.7 s to 5.5 s, past A's end at 5 s: clipped to A
    for (const auto& l : locks)
        if (l["name"] == "hold lock" && l["pid"] == 1001) {
            CHECK(l["args"]["clipped"] == true);
            CHECK(l["ts"].get<double>() + l["dur"].get<double>() == Approx(5e6));
        }

    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::pair<double, double>>> lanes;
    for (const auto& x : select(doc, "X")) {
        double ts = x["ts"];
        lanes[{x["pid"], x["tid"]}].emplace_back(ts, ts + x["dur"].get<double>());
    }
    for (auto& [lane, spans] : lanes)
        for (const auto& a : spans)
            for (const auto& b : spans) {
                bool disjoint = a.second <= b.first || b.second <= a.first;
                bool aInB = b.first <= a.first && a.second <= b.second;
                bool bInA = a.first <= b.first && b.second <= a.second;
                INFO("lane " << lane.first << " [" << a.first << ", " << a.second << "] vs [" << b.first << ", " << b.second << "]");
                CHECK((disjoint || aInB || bInA));
            }
}

TEST_CASE("a worker killed by a signal appears as a failure instant on its lane", "[export]") {
    auto doc = exportJson(*test::tutorialPoolTrace({.killWorker1At = 2.5}));
    auto fails = select(doc, "i", "failure");
    REQUIRE(fails.size() == 1);
    CHECK(fails[0]["name"] == "killed by SIGKILL");
    CHECK(fails[0]["pid"] == 1001);
    CHECK(fails[0]["ts"].get<double>() == Approx(2.5e6));
    CHECK(fails[0]["args"]["signal"] == 9);
    // the killed task still shows, ending at the death and marked failed
    for (const auto& t : select(doc, "X", "task"))
        if (t["name"] == "A") {
            CHECK(t["dur"].get<double>() == Approx(2.5e6));
            CHECK(t["args"]["failed"] == true);
        }
    CHECK(metaName(doc, "process_name", 1003, -1) == "ForkPoolWorker-3");
}

TEST_CASE("a lock recovered from a dead owner appears as a failure instant naming the dead owner", "[export]") {
    auto tr = test::tutorialPoolTrace({.killWorker1At = 2.5});
    tr->addObject({parviz::ObjectKind::Lock, 1, "lock"});
    tr->append(Event{test::kZero + test::sec(6.15), 2, EventKind::LockOwnerDied, 0, 1, 1, 0});
    auto doc = exportJson(*tr);
    auto fails = select(doc, "i", "failure");
    REQUIRE(fails.size() == 2);
    CHECK(fails[1]["name"] == "lock owner died: lock");
    CHECK(fails[1]["args"]["dead_owner"] == "ForkPoolWorker-1");
    CHECK(fails[1]["pid"] == 1002);
}

TEST_CASE("an empty trace exports as valid JSON with no events but the parent's lane", "[export]") {
    Trace tr;
    auto doc = exportJson(tr);
    CHECK(doc["traceEvents"].is_array());
    CHECK(select(doc, "X").empty());
}
