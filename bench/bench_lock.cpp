// Contended Lock: two processes each acquire+release in a loop, with tracing
// on (LockAcquire/LockRelease per op), against CPython's multiprocessing.Lock
// measured in the same run (bench/lock_cpython.py). One op = one acquire+release.
// Same shape on both sides: both processes start, meet at a barrier, and the
// clock runs from the barrier's release to the end of both loops, so they
// contend for the whole measured time.
// Two variants, same shape on both sides: pinned (the two processes on cores
// 0 and 1, so they really run at the same instant) and unpinned (the OS places
// them, as REFERENCE.md's "2 processes contended" CPython figure was taken);
// a ratio is printed for each.
// Also prints, for reference, one process alone (traced and untraced) and the
// untraced contended rate, to show what tracing costs per op.
// usage: bench_lock [OPS_PER_PROCESS=1000000] [REPS=5] [--no-cpython]
#include "parviz/clock.hpp"
#include "parviz/lock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"
#include "parviz/tracer.hpp"

#include "cpython_runner.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
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

double parvizLock(long n, bool contended = true, bool pinned = true, bool traced = true) {
    RecorderOptions ro;
    ro.cores = CorePref::Off;
    ro.ringEvents = std::size_t{1} << 22;   // 2 events per op: the rings hold the whole run
    ro.prefaultRings = true;                // no page faults while measuring
    std::optional<Recorder> recHolder;
    if (traced) recHolder.emplace(ro);
    Recorder* rec = traced ? &*recHolder : nullptr;
    Lock l("bench");
    Queue ready(QueueOptions{"ready"}), go(QueueOptions{"go"});
    const bool pin = pinned && cpuCountUsable() >= 2;
    const std::vector<std::string> args{l.toArg(), std::to_string(n), ready.toArg(), go.toArg()};
    Process a(hammer, args, ProcessOptions{"a", rec, pin ? 0 : -1});
    std::vector<std::string> argsB = args;
    if (!contended) argsB[1] = "0";   // b only meets the barrier: a runs alone
    Process b(hammer, argsB, ProcessOptions{"b", rec, pin ? 1 : -1});
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
    if (rec) {
        rec->finish();
        if (rec->ring(a.proc())->lost() || rec->ring(b.proc())->lost()) std::fprintf(stderr, "events lost!\n");
    }
    return (contended ? 2.0 : 1.0) * static_cast<double>(n) / s;
}

double cpython(long n, int reps, bool pinned) {
    return runCpythonBench("lock_cpython.py " + std::to_string(n) + " " + std::to_string(reps) +
                               (pinned ? " pin" : " nopin"), "ops_per_s");
}

} // namespace

int main(int argc, char** argv) {
    init();
    const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    const bool withPython = !(argc > 3 && std::strcmp(argv[3], "--no-cpython") == 0);
    std::vector<double> ours, unpinned, solo, soloOff, oursOff;
    for (int r = 0; r < reps; ++r) {
        ours.push_back(parvizLock(n));
        unpinned.push_back(parvizLock(n, true, false));
        solo.push_back(parvizLock(n, false));
        soloOff.push_back(parvizLock(n, false, true, false));
        oursOff.push_back(parvizLock(n, true, true, false));
    }
    const double py = withPython ? cpython(n, 3, true) : 0;
    const double pyFree = withPython ? cpython(n, 3, false) : 0;
    const double m = median(ours), mFree = median(unpinned);
    auto runs = [](const std::vector<double>& v) {
        std::printf("   (runs:");
        for (double x : v) std::printf(" %.2fM", x / 1e6);
        std::printf(")\n");
    };
    std::printf("lock, 2 processes contended, acquire+release, tracing on (%ld ops each, median of %d)\n", n, reps);
    std::printf("  pinned (cores 0 and 1):\n");
    std::printf("    parviz Lock          %12.0f ops/s", m);
    runs(ours);
    if (withPython) {
        std::printf("    CPython mp.Lock      %12.0f ops/s\n", py);
        std::printf("    ratio                %12.1fx   (target >= 4x)\n", py > 0 ? m / py : 0.0);
    }
    std::printf("  unpinned (the OS places both processes):\n");
    std::printf("    parviz Lock          %12.0f ops/s", mFree);
    runs(unpinned);
    if (withPython) {
        std::printf("    CPython mp.Lock      %12.0f ops/s\n", pyFree);
        std::printf("    ratio                %12.1fx   (target >= 4x)\n", pyFree > 0 ? mFree / pyFree : 0.0);
    }
    std::printf("  (for reference only: one process alone, pinned: %.2fM ops/s traced, %.2fM untraced;\n"
                "   2 processes pinned, untraced: %.2fM ops/s)\n",
                median(solo) / 1e6, median(soloOff) / 1e6, median(oursOff) / 1e6);
    return 0;
}
