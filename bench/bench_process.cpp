// Process start+join through the fork server against a bare fork + _exit +
// waitpid from the same (small) process, measured in the same run.
// Target (issue 2): ratio <= 1.5.   Run: build/<dir>/bench/bench_process [N] [rounds]
#include "parviz/process.hpp"
#include "parviz/runtime.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

int trivial(std::span<const std::string>) { return 0; }

double nowUs() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Microseconds per start+join of one parviz Process.
double roundParviz(int n) {
    double t0 = nowUs();
    for (int i = 0; i < n; ++i) {
        parviz::Process p(trivial);
        p.start();
        p.join();
        if (p.exitcode() != 0) std::abort();
    }
    return (nowUs() - t0) / n;
}

// Microseconds per fork + _exit + waitpid.
double roundFork(int n) {
    double t0 = nowUs();
    for (int i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        int status = 0;
        waitpid(pid, &status, 0);
    }
    return (nowUs() - t0) / n;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    parviz::init();
    const int n = argc > 1 ? std::atoi(argv[1]) : 200;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 9;
    roundParviz(20);   // warm-up: page in both paths
    roundFork(20);
    std::vector<double> pv, fk;
    // Interleaved rounds so host noise hits both sides alike.
    for (int r = 0; r < rounds; ++r) {
        pv.push_back(roundParviz(n));
        fk.push_back(roundFork(n));
    }
    const double p = median(pv), f = median(fk);
    std::printf("process start+join (%d x %d rounds, medians)\n", n, rounds);
    std::printf("  parviz Process (fork server, CLONE_PARENT): %8.1f us\n", p);
    std::printf("  bare fork + _exit + waitpid:                %8.1f us\n", f);
    std::printf("  ratio parviz / bare fork:                   %8.2f   (target <= 1.5)\n", p / f);
    return 0;
}
