// Contended Lock: two processes each acquire+release in a loop, with tracing
// on (LockAcquire/LockRelease per op), against CPython's multiprocessing.Lock
// measured in the same run (bench/lock_cpython.py). One op = one acquire+release.
// Same shape on both sides: both processes start, meet at a barrier, and the
// clock runs from the barrier's release to the end of both loops, so they
// contend for the whole measured time.
// usage: bench_lock [OPS_PER_PROCESS=1000000] [REPS=5] [--no-cpython]
#include "parviz/clock.hpp"
#include "parviz/lock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"
#include "parviz/tracer.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace parviz;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int hammer(std::span<const std::string> args) {
    Lock l = Lock::fromArg(args[0]);
    const long n = std::atol(args[1].c_str());
    Queue ready = Queue::fromArg(args[2]), go = Queue::fromArg(args[3]);
    ready.put("ready");
    go.get();   // the barrier: both loops start together
    for (long i = 0; i < n; ++i) {
        l.acquire();
        l.release();
    }
    return 0;
}

double parvizLock(long n, bool contended = true) {
    RecorderOptions ro;
    ro.cores = CorePref::Off;
    ro.ringEvents = std::size_t{1} << 22;   // 2 events per op: the rings hold the whole run
    ro.prefaultRings = true;                // no page faults while measuring
    Recorder rec(ro);
    Lock l("bench");
    Queue ready(QueueOptions{"ready"}), go(QueueOptions{"go"});
    const bool pin = cpuCountUsable() >= 2;
    const std::vector<std::string> args{l.toArg(), std::to_string(n), ready.toArg(), go.toArg()};
    Process a(hammer, args, ProcessOptions{"a", &rec, pin ? 0 : -1});
    std::vector<std::string> argsB = args;
    if (!contended) argsB[1] = "0";   // b only meets the barrier: a runs alone
    Process b(hammer, argsB, ProcessOptions{"b", &rec, pin ? 1 : -1});
    a.start();
    b.start();
    ready.get();
    ready.get();
    const std::int64_t t0 = monoNow();
    go.put("go");
    go.put("go");
    a.join();
    b.join();
    const double s = static_cast<double>(monoNow() - t0) / 1e9;
    rec.finish();
    if (rec.ring(a.proc())->lost() || rec.ring(b.proc())->lost()) std::fprintf(stderr, "events lost!\n");
    return (contended ? 2.0 : 1.0) * static_cast<double>(n) / s;
}

double cpython(long n, int reps) {
    const std::string cmd = "/usr/bin/python3 " PARVIZ_SOURCE_DIR "/bench/lock_cpython.py " + std::to_string(n) + " " +
                            std::to_string(reps);
    FILE* f = popen(cmd.c_str(), "r");
    if (!f) return 0;
    char line[256] = {};
    double v = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "ops_per_s ", 10) == 0) v = std::atof(line + 10);
    pclose(f);
    return v;
}

} // namespace

int main(int argc, char** argv) {
    init();
    const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    const bool withPython = !(argc > 3 && std::strcmp(argv[3], "--no-cpython") == 0);
    std::vector<double> ours, solo;
    for (int r = 0; r < reps; ++r) {
        ours.push_back(parvizLock(n));
        solo.push_back(parvizLock(n, false));
    }
    const double py = withPython ? cpython(n, 3) : 0;
    const double m = median(ours);
    std::printf("lock, 2 processes contended, acquire+release, tracing on (%ld ops each, median of %d)\n", n, reps);
    std::printf("  parviz Lock            %12.0f ops/s   (runs:", m);
    for (double v : ours) std::printf(" %.2fM", v / 1e6);
    std::printf(")\n");
    std::printf("  (one process alone: %.2fM ops/s, for reference only)\n", median(solo) / 1e6);
    if (withPython) {
        std::printf("  CPython mp.Lock        %12.0f ops/s\n", py);
        std::printf("  ratio                  %12.1fx   (target >= 4x)\n", py > 0 ? m / py : 0.0);
    }
    return 0;
}
