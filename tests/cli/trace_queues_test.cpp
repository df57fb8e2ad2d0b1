// A traced multiprocessing.Queue: the job-queue example conserves its items
// (each put taken at most once) and shows the feeder race's Empty.
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

TEST_CASE("a traced job queue conserves its items and shows the feeder race's Empty", "[cli][trace][python]") {
    TempDir dir;
    Traced t = traceExample("job_queue.py", dir);
    INFO(describe(t.result));
    REQUIRE(t.result.exitCode == 0);
    const parviz::Trace& tr = *t.trace;
    std::map<std::uint64_t, int> puts, gets;
    std::map<std::uint64_t, std::int64_t> putT;
    std::map<std::int32_t, std::vector<const Event*>> byQueue;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        const Event& e = tr[i];
        if (e.kind == EventKind::QueuePut) ++puts[e.a], putT[e.a] = e.t;
        if (e.kind == EventKind::QueueGet) {
            ++gets[e.a];
            CHECK(puts.count(e.a) == 1);   // every get is paired with a put seen before it
        }
        if (e.kind == EventKind::QueuePut || e.kind == EventKind::QueueGet || e.kind == EventKind::QueueEmpty)
            byQueue[e.obj].push_back(&e);
    }
    // The race's pings (one per attempt until Empty showed), ten jobs, ten done lines.
    CHECK(puts.size() >= 1 + 10 + 10);
    CHECK(puts.size() <= 200 + 10 + 10);   // examples/job_queue.py's ATTEMPTS
    for (const auto& [item, n] : puts) CHECK(n == 1);
    for (const auto& [item, n] : gets) CHECK(n == 1);   // each put taken at most once
    CHECK(gets.size() == puts.size());   // and here, every one taken
    // Each task was started (printed as taken) exactly once.
    std::map<std::string, int> taken;
    for (const auto& line : printed(tr))
        if (auto at = line.find(" taken by "); at != std::string::npos) ++taken[line.substr(0, at)];
    CHECK(taken.size() == 10);
    for (const auto& [task, n] : taken) CHECK(n == 1);
    // The feeder race: on the first queue, Empty is raised right after a put
    // whose item has not been taken yet; that item's get comes after.
    REQUIRE(!byQueue.empty());
    const auto& first = byQueue.begin()->second;
    REQUIRE(first.size() >= 3);
    const auto empty = std::find_if(first.begin(), first.end(), [](const Event* e) { return e->kind == EventKind::QueueEmpty; });
    REQUIRE(empty != first.end());
    REQUIRE(empty != first.begin());
    const Event* put = *(empty - 1);
    CHECK(put->kind == EventKind::QueuePut);
    REQUIRE(empty + 1 != first.end());
    CHECK((*(empty + 1))->kind == EventKind::QueueGet);
    CHECK((*(empty + 1))->a == put->a);   // the get that finally took the item put before Empty
}
