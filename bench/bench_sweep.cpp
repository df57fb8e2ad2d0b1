// What a sweep adds to its runs: the wall time of `runSweep` against the sum
// of its runs' own makespans (first task start to last task end), per run.
// Target (issue 9): at most 50 ms per run.
//   Run: build/<dir>/bench/bench_sweep [time-scale] [rounds]
//
// The overhead is everything that is not the pool working: building the
// Recorder (trace rings, perf watches), starting and joining the pool's
// workers, collecting, the statistics and the machine-load readings. Busy
// retries are off (--retries 0) so that every run counts once; the busy flag
// does not matter for what is measured here.
#include "parviz/runtime.hpp"
#include "parviz/scenario.hpp"
#include "parviz/sweep.hpp"

#include "bench_host.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    parviz::init();
    parviz::bench::printHost();   // as every benchmark: the clocksource and how events are stamped
    const double scale = argc > 1 ? std::atof(argv[1]) : 0.1;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    const parviz::Scenario sc = parviz::loadScenario("pool-sizes");
    parviz::SweepPlan plan;
    plan.workers = {1, 2, 4, 8, 16};
    plan.works = {parviz::WorkKind::Sleep, parviz::WorkKind::Cpu};
    plan.retries = 0;
    plan.timeScale = scale;

    std::vector<double> perRun;
    for (int round = 0; round < rounds; ++round) {
        const auto t0 = std::chrono::steady_clock::now();
        const parviz::SweepResult r = parviz::runSweep(sc, plan);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double makespans = 0;
        int runs = 0;
        for (const auto& row : r.rows)
            for (const auto& a : row.attempts) {
                makespans += a.makespanS;
                ++runs;
            }
        const double over = (wall - makespans) / runs * 1e3;
        perRun.push_back(over);
        std::printf("round %d: %d runs, wall %.3f s, sum of makespans %.3f s, ratio %.3f, overhead %.1f ms per run\n",
                    round + 1, runs, wall, makespans, wall / makespans, over);
    }
    std::sort(perRun.begin(), perRun.end());
    const double median = perRun[perRun.size() / 2];
    std::printf("sweep overhead: median %.1f ms per run (min %.1f, max %.1f) over %d rounds; target <= 50 ms: %s\n",
                median, perRun.front(), perRun.back(), rounds, median <= 50 ? "met" : "MISSED");
    return 0;
}
