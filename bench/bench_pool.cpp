// bench_pool: per-task overhead of Pool(2).map over N trivial tasks at
// chunksize 1, against CPython's Pool(2).map over the same, measured in the
// same run (bench/pool_cpython.py). Medians of several repetitions; prints
// both and the ratio. Target (issue 2): parviz >= 20x faster per task.
//
// usage: bench_pool [N=50000] [REPS=7] [--no-cpython]
#include "parviz/pool.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"

#include "bench_host.hpp"
#include "cpython_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

std::string identity(std::string_view item) { return std::string(item); }

double medianOf(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Median ns per task of pool.map over `items` at chunksize 1.
double measure(parviz::Pool& pool, const std::vector<std::string>& items, int reps) {
    parviz::MapOptions o;
    o.chunksize = 1;
    std::vector<std::string> warm(items.begin(), items.begin() + std::min<std::size_t>(items.size(), 1000));
    pool.map(identity, warm, o);
    std::vector<double> perTask;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        auto out = pool.map(identity, items, o);
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        if (out != items) { std::fprintf(stderr, "bench_pool: wrong results\n"); std::exit(1); }
        perTask.push_back(ns / static_cast<double>(items.size()));
    }
    return medianOf(perTask);
}

double cpython(int n, int reps) {
    return runCpythonBench("pool_cpython.py " + std::to_string(n) + " " + std::to_string(reps), "");
}

} // namespace

int main(int argc, char** argv) {
    parviz::init();
    const int n = argc > 1 ? std::atoi(argv[1]) : 50000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 7;
    std::vector<std::string> items;
    for (int i = 0; i < n; ++i) items.push_back(std::to_string(i));

    double plain, traced;
    parviz::Recorder::CollectorCost collector;
    std::uint64_t waits = 0, waitedNs = 0, lost = 0;   // writers that waited for ring room; events or texts lost
    {
        parviz::Pool pool(2);
        plain = measure(pool, items, reps);
    }
    {
        parviz::RecorderOptions ro;
        ro.cores = parviz::CorePref::Off;
        // Rings that hold what a pass has to drain (as bench_queue's): with the
        // default 256 KiB of text, 50 000 tasks' names and previews fill the
        // text ring every ~2 ms and the workers wait for the Collector (~100
        // waits, 120-300 ms of a ~350 ms traced run here), so the benchmark
        // would measure the ring's size, not the cost of tracing a task.
        ro.ringEvents = 1u << 18;
        ro.ringTextBytes = std::size_t{1} << 22;
        parviz::Recorder rec(ro);
        {
            parviz::Pool pool(2, parviz::PoolOptions{&rec});
            traced = measure(pool, items, reps);
        }
        rec.finish();
        collector = rec.collectorCost();
        const parviz::Trace& tr = rec.trace();
        for (std::size_t i = 0; i < tr.size(); ++i) {
            if (tr[i].kind == parviz::EventKind::WriterWait) { waits += tr[i].b; waitedNs += tr[i].a; }
            if (tr[i].kind == parviz::EventKind::Lost) lost += tr[i].a;
        }
    }
    const bool skipPy = argc > 3 && std::string(argv[3]) == "--no-cpython";
    const double py = skipPy ? -1 : cpython(n, 5);

    parviz::bench::printHost();
    std::printf("Pool(2).map, %d trivial tasks, chunksize 1, median of %d\n", n, reps);
    std::printf("  Collector (traced runs): %.1f ns CPU per event (%llu events merged)\n", collector.nsPerEvent(),
                static_cast<unsigned long long>(collector.events));
    std::printf("  traced runs: %llu writer waits for ring room, %.1f ms in all; %llu events or texts lost\n",
                static_cast<unsigned long long>(waits), static_cast<double>(waitedNs) / 1e6,
                static_cast<unsigned long long>(lost));
    std::printf("  parviz           %8.0f ns/task\n", plain);
    std::printf("  parviz (traced)  %8.0f ns/task\n", traced);
    if (py > 0) {
        std::printf("  CPython 3        %8.0f ns/task\n", py);
        std::printf("  ratio            %8.1fx (traced %.1fx; target >= 20x)\n", py / plain, py / traced);
    } else {
        std::printf("  CPython: could not run /usr/bin/python3 bench/pool_cpython.py\n");
    }
    return 0;
}
