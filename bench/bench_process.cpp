// Process start+join through the fork server against a bare fork + _exit +
// waitpid from the same (small) process, measured in the same run.
// Target (issue 2): ratio <= 1.5.
//   Run: build/<dir>/bench/bench_process [N] [rounds]
//
// Fairness: both sides run in this one process (it is the fork server's image,
// so both clone the same address space), with the same trivial target, and
// they alternate *per iteration*, not per round: the scheduler's wake-up
// heuristics (wakee flips, last CPU) remember the last few hundred
// milliseconds, so whole rounds of one kind bias the round that follows by
// 10-15% either way. Each round gives a mean per side; the medians of the
// rounds are reported.
//
// A second part measures start+join with a Recorder (trace ring, run clock,
// core monitoring and the start gate), informational: the target covers the
// bare start path.
#include "bench_host.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

int trivial(std::span<const std::string>) { return 0; }

double nowUs() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// One start+join of a parviz Process, in microseconds.
double oneParviz(parviz::Recorder* rec) {
    double t0 = nowUs();
    parviz::Process p(trivial, {}, parviz::ProcessOptions{.recorder = rec});
    p.start();
    p.join();
    double t = nowUs() - t0;
    if (p.exitcode() != 0) std::abort();
    return t;
}

// One fork + _exit + waitpid, in microseconds.
double oneFork() {
    double t0 = nowUs();
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status = 0;
    waitpid(pid, &status, 0);
    return nowUs() - t0;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Result {
    double parviz, fork;
};

// `rounds` rounds of n alternating pairs; medians of the per-round means.
// With a recorder factory, each round runs under a fresh Recorder.
template <class MakeRec> Result measure(int n, int rounds, MakeRec makeRec) {
    std::vector<double> pv, fk;
    for (int r = 0; r < rounds; ++r) {
        auto rec = makeRec();
        double sp = 0, sf = 0;
        for (int i = 0; i < n; ++i) {
            // Alternate which side goes first, so neither always follows the other.
            if ((i ^ r) & 1) {
                sp += oneParviz(rec.get());
                sf += oneFork();
            } else {
                sf += oneFork();
                sp += oneParviz(rec.get());
            }
        }
        pv.push_back(sp / n);
        fk.push_back(sf / n);
    }
    return {median(pv), median(fk)};
}

} // namespace

int main(int argc, char** argv) {
    parviz::init();
    const int n = argc > 1 ? std::atoi(argv[1]) : 200;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
    auto noRec = [] { return std::unique_ptr<parviz::Recorder>(); };
    measure(20, 1, noRec);   // warm-up: page in both paths

    const Result bare = measure(n, rounds, noRec);
    parviz::bench::printHost();
    std::printf("process start+join (%d x %d rounds, alternating per iteration, medians)\n", n, rounds);
    std::printf("  parviz Process (fork server, CLONE_PARENT): %8.1f us\n", bare.parviz);
    std::printf("  bare fork + _exit + waitpid:                %8.1f us\n", bare.fork);
    std::printf("  ratio parviz / bare fork:                   %8.2f   (target <= 1.5)\n", bare.parviz / bare.fork);

    // With a Recorder every process gets a trace ring (2 MB at the default
    // size, zeroed), core monitoring and the start gate; smaller rounds keep
    // the arena small.
    const int nr = std::max(1, n / 4);
    auto withRec = [] { return std::make_unique<parviz::Recorder>(); };
    const Result rec = measure(nr, rounds, withRec);
    std::printf("with a Recorder (%d x %d rounds; core source: %s)\n", nr, rounds,
                [] { return parviz::toString(parviz::Recorder().coreSource()); }());
    std::printf("  parviz Process, traced:                     %8.1f us\n", rec.parviz);
    std::printf("  bare fork + _exit + waitpid:                %8.1f us\n", rec.fork);
    std::printf("  ratio (informational):                      %8.2f\n", rec.parviz / rec.fork);
    return 0;
}
