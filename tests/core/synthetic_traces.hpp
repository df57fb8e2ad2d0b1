#pragma once
// Synthetic traces with answers known by hand, for the tests of pure functions
// of the Trace (stats, export, saved runs). No process runs.
//
// tutorialPoolTrace(): the tutorial's Pool(2).map over A=5, B=2, C=1, D=3 s —
// ForkPoolWorker-1 (pid 1001) runs A over 0-5 s; ForkPoolWorker-2 (pid 1002)
// runs B 0-2, C 2-3, D 3-6. The parent puts the four items on "pool tasks"
// at 0; each worker gets its item when it starts the task. Worker 1 is on
// core 0 over 0-1 s, worker 2 on core 1 over 0-2 s; core 0 reports 1.5 s busy
// in the 2 s before t = 2 s. Both exit (code 0) at 6.1 s; RunEnd at 6.2 s.
#include "parviz/trace.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parviz::test {

inline constexpr std::int64_t kZero = 1'000'000'000'000;   // an arbitrary CLOCK_MONOTONIC origin
inline constexpr std::int64_t sec(double s) { return static_cast<std::int64_t>(std::llround(s * 1e9)); }

struct SyntheticOptions {
    std::optional<double> pauseFrom, pauseTo;   // RunPause / RunResume (seconds)
    std::optional<double> killWorker1At;        // SIGKILL ForkPoolWorker-1 mid-A; ForkPoolWorker-3 replaces it
    std::uint64_t lost = 0;                     // a Lost event with that count
    bool withLock = false;                      // lock waits/holds; worker 1's hold straddles A's end
    // PoolResult events: MainProcess received task `second` (0 = A .. 3 = D) at `first` seconds.
    std::vector<std::pair<double, int>> results;
};

inline std::shared_ptr<Trace> tutorialPoolTrace(SyntheticOptions o = {}) {
    auto tr = std::make_shared<Trace>();
    std::vector<Event> ev;
    auto at = [&](double s, ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                  std::uint8_t flags = 0) { ev.push_back(Event{kZero + sec(s), p, k, flags, obj, a, b}); };

    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->addProcess({"ForkPoolWorker-2", ProcRole::PoolWorker});
    if (o.killWorker1At) tr->addProcess({"ForkPoolWorker-3", ProcRole::PoolWorker});
    tr->addObject({parviz::ObjectKind::Queue, 1, "pool tasks"});
    if (o.withLock) tr->addObject({parviz::ObjectKind::Lock, 1, "lock"});
    tr->updateMeta([&](TraceMeta& m) {
        m.scenario = "pool";
        m.title = "Pool(2).map over four jobs";
        m.work = "sleep";
        m.workers = 2;
        m.totalCores = 2;
        m.usableCores = 2;
        m.coreSource = CoreSource::PerfSwitch;
        m.finished = true;
    });

    const char* names[] = {"A", "B", "C", "D"};
    const double secs[] = {5, 2, 1, 3};
    std::uint64_t nameId[4];
    for (int i = 0; i < 4; ++i) nameId[i] = tr->addString(names[i]);

    at(0, 0, EventKind::RunStart, 0, 2, 2);
    at(0, 1, EventKind::ProcStart, 0, 1001);
    at(0, 2, EventKind::ProcStart, 0, 1002);
    for (int i = 0; i < 4; ++i) at(0, 0, EventKind::QueuePut, 1, 100 + i, nameId[i]);
    struct Run { int task; ProcId proc; double from, to; };
    const Run runs[] = {{0, 1, 0, 5}, {1, 2, 0, 2}, {2, 2, 2, 3}, {3, 2, 3, 6}};
    for (const auto& r : runs) {
        at(r.from, r.proc, EventKind::QueueGet, 1, 100 + r.task, nameId[r.task]);
        at(r.from, r.proc, EventKind::TaskStart, r.task, nameId[r.task], static_cast<std::uint64_t>(sec(secs[r.task])));
        bool killed = o.killWorker1At && r.proc == 1 && *o.killWorker1At < r.to;
        if (!killed) at(r.to, r.proc, EventKind::TaskEnd, r.task, nameId[r.task]);
    }
    at(0, 1, EventKind::CoreIn, 0);
    at(1, 1, EventKind::CoreOut, 0);
    at(0, 2, EventKind::CoreIn, 1);
    at(2, 2, EventKind::CoreOut, 1);
    at(2, 0, EventKind::CoreLoad, 0, static_cast<std::uint64_t>(sec(1.5)), static_cast<std::uint64_t>(sec(2)));

    if (o.killWorker1At) {
        double k = *o.killWorker1At;
        at(k, 0, EventKind::KillRequest, 1, 9);
        at(k, 1, EventKind::ProcExit, 0, static_cast<std::uint64_t>(std::int64_t{-9}));
        at(k + 0.01, 0, EventKind::TaskEnd, 0, nameId[0], 0, 1);   // the pool fails A on the dead worker's behalf
        at(k + 0.1, 3, EventKind::ProcStart, 0, 1003);
        at(6.1, 3, EventKind::ProcExit, 0, 0);
    } else {
        at(6.1, 1, EventKind::ProcExit, 0, 0);
    }
    at(6.1, 2, EventKind::ProcExit, 0, 0);
    if (o.withLock) {
        at(0.5, 1, EventKind::LockWait, 1);
        at(0.7, 1, EventKind::LockAcquire, 1);
        at(5.5, 1, EventKind::LockRelease, 1);
        at(3.5, 2, EventKind::LockWait, 1);
        at(5.5, 2, EventKind::LockAcquire, 1);
        at(5.8, 2, EventKind::LockRelease, 1);
    }
    if (o.pauseFrom) {
        at(*o.pauseFrom, 0, EventKind::RunPause);
        at(*o.pauseTo, 0, EventKind::RunResume);
    }
    for (const auto& [t, task] : o.results) at(t, 0, EventKind::PoolResult, task, nameId[task]);
    if (o.lost) at(6.0, 0, EventKind::Lost, 2, o.lost);
    at(6.2, 0, EventKind::RunEnd);

    std::stable_sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
    for (const auto& e : ev) tr->append(e);
    return tr;
}

} // namespace parviz::test
