// Queue throughput, 1 producer process -> 1 consumer process, small messages,
// with tracing on (a Recorder is live, so every put and get writes an event;
// a put also its value preview), against CPython's multiprocessing.Queue measured in the
// same run (bench/queue_cpython.py). Also one trace event's cost.
// usage: bench_queue [MESSAGES=1000000] [ROUNDS=5] [--no-cpython]
// Each round measures parviz, then CPython; the result is the median of the
// rounds' ratios (interleaved, so both sides see the same host placement).
// Also prints the untraced rate (no Recorder) for reference. Diagnostic knob:
// PARVIZ_BENCH_COLLECT_MS=N sets the Collector interval (default 2 ms), to see
// how much of the traced cost is the parent merging events on the same cores.
// It also prints the parent's CPU per trace event during a traced run (the
// parent only waits in join, so that is the Collector's cost).
#include "parviz/clock.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"
#include "parviz/tracer.hpp"

#include "bench_host.hpp"
#include "cpython_runner.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sys/resource.h>
#include <string>
#include <vector>

using namespace parviz;

namespace {

// CPU time of this process (all its threads: the traced run's parent does
// little but wait in join, so its CPU is mostly the Collector's).
double selfCpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Puts "m<number>" items: small, distinct, built in a stack buffer (no
// allocation). std::to_chars, not snprintf: the CPython side puts plain ints,
// so formatting must not be what is measured (snprintf cost ~50 ns a message).
int producer(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    const long n = std::atol(args[1].c_str());
    char buf[24] = "m";
    for (long i = 0; i < n; ++i) {
        char* end = std::to_chars(buf + 1, buf + sizeof buf, i).ptr;
        q.put(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
    return 0;
}

int consumer(std::span<const std::string> args) {
    Queue q = Queue::fromArg(args[0]);
    const long n = std::atol(args[1].c_str());
    std::string item;
    item.reserve(64);
    for (long i = 0; i < n; ++i) q.getInto(item);
    return item == "m" + std::to_string(n - 1) ? 0 : 3;
}

// Parent CPU ns per trace event of the last traced run (Collector's cost).
double g_parentNsPerEvent = 0;
Recorder::CollectorCost g_collector;   // the Collector's passes alone, same run
std::uint64_t g_writerWaits = 0, g_writerWaitedNs = 0;   // waits for ring room, last traced run

double parvizQueue(long n, bool traced = true) {
    RecorderOptions ro;
    ro.cores = CorePref::Off;                            // measure the queue, not the core monitor
    // The rings a user's run gets (RecorderOptions' defaults): the Collector
    // drains them while the run goes, a writer that finds its ring full rings
    // the Collector's bell and waits, and the waits are counted (printed
    // below). Until session 7 the rings held the whole run (2^21 events,
    // 80 MiB a process); prefaulted, each worker mapped all of it at its
    // first write, inside the timed region: ~50 ns a message of page-table
    // set-up, and a write stream through memory instead of through a ring that
    // stays in cache. 2^21 against 2^16, interleaved, 7 rounds: 8.5 against
    // 10.6 M msgs/s (TSC stamps), 7.6 against 9.7 (clock_gettime).
    ro.prefaultRings = true;                             // no page faults while measuring
    if (const char* ci = std::getenv("PARVIZ_BENCH_COLLECT_MS")) ro.collectIntervalMs = std::atoi(ci);
    std::optional<Recorder> rec;
    if (traced) rec.emplace(ro);
    Recorder* r = traced ? &*rec : nullptr;
    Queue q(QueueOptions{"bench"});
    const bool pin = cpuCountUsable() >= 2;
    Process prod(producer, {q.toArg(), std::to_string(n)}, ProcessOptions{"producer", r, pin ? 0 : -1});
    Process cons(consumer, {q.toArg(), std::to_string(n)}, ProcessOptions{"consumer", r, pin ? 1 : -1});
    const std::int64_t t0 = monoNow();
    const double cpu0 = selfCpuSeconds();
    cons.start();
    prod.start();
    prod.join();
    cons.join();
    const double s = static_cast<double>(monoNow() - t0) / 1e9;
    if (cons.exitcode() != 0) std::fprintf(stderr, "consumer failed: %d\n", cons.exitcode().value_or(-99));
    if (r) {
        r->finish();
        g_collector = r->collectorCost();
        g_parentNsPerEvent = (selfCpuSeconds() - cpu0) * 1e9 / static_cast<double>(std::max<std::size_t>(1, r->trace().size()));
        if (r->ring(prod.proc())->lost() || r->ring(cons.proc())->lost()) std::fprintf(stderr, "events lost!\n");
        g_writerWaits = r->ring(prod.proc())->waits() + r->ring(cons.proc())->waits();
        g_writerWaitedNs = r->ring(prod.proc())->waitedNs() + r->ring(cons.proc())->waitedNs();
    }
    return static_cast<double>(n) / s;
}

double traceEventNs() {
    // Prefaulted, and the ring mapped by one untimed event first: the line
    // measures an event, not this ring's first-touch page faults (which put
    // it at 48-55 ns against bench_trace_event's 27 ns).
    RecorderOptions ro{CorePref::Off};
    ro.prefaultRings = true;
    Recorder rec(ro);
    traceEmit(EventKind::QueuePut, 1, 0, kNoString);
    // Fits the parent's ring (32768 events by default): 50 000 did not, so since
    // writers wait for room instead of dropping (issue 8) this line measured
    // the Collector's 2 ms wake-ups (135-280 ns an event), not an event.
    constexpr int kN = 30'000;
    const std::int64_t t0 = monoNow();
    for (int i = 0; i < kN; ++i) traceEmit(EventKind::QueuePut, 1, static_cast<std::uint64_t>(i), kNoString);
    return static_cast<double>(monoNow() - t0) / kN;
}

double cpython(long n, int reps) {
    return runCpythonBench("queue_cpython.py " + std::to_string(n) + " " + std::to_string(reps), "msgs_per_s");
}

} // namespace

int main(int argc, char** argv) {
    init();
    const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const bool withPython = !(argc > 3 && std::strcmp(argv[3], "--no-cpython") == 0);

    // Rounds interleave parviz and CPython, so both see the same host
    // placement of the two vCPUs (a cross-core cache-line trip here moves
    // between ~30 and ~320 ns from one minute to the next); each round gives
    // a ratio, and the median ratio is the result.
    std::vector<double> ours, untraced, events, parentNs, py, ratios;
    // One untimed warm-up of each kind first: the first run in a process pays
    // one-time costs (lazy binding, the arena's first pages, the allocator).
    (void)parvizQueue(std::min(n, 200'000L));
    (void)parvizQueue(std::min(n, 200'000L), false);
    for (int r = 0; r < rounds; ++r) {
        ours.push_back(parvizQueue(n));
        parentNs.push_back(g_parentNsPerEvent);
        untraced.push_back(parvizQueue(n, false));
        events.push_back(traceEventNs());
        if (withPython) {
            py.push_back(cpython(std::min(n, 100'000L), 1));
            ratios.push_back(py.back() > 0 ? ours.back() / py.back() : 0.0);
        }
    }
    auto list = [](const std::vector<double>& v, double scale, const char* unit) {
        std::printf("   (rounds:");
        for (double x : v) std::printf(" %.2f%s", x / scale, unit);
        std::printf(")\n");
    };
    std::printf("queue 1->1, small messages, tracing on (%ld msgs, %d rounds)\n", n, rounds);
    std::printf("  parviz Queue           %12.0f msgs/s", median(ours));
    list(ours, 1e6, "M");
    std::printf("  (tracing off: %.2fM msgs/s, for reference only)\n", median(untraced) / 1e6);
    std::printf("  parent CPU per trace event (the Collector, incl. finish): %.1f ns (median)\n", median(parentNs));
    std::printf("  Collector passes alone (last traced run): %.1f ns CPU per event (%llu events merged)\n",
                g_collector.nsPerEvent(), static_cast<unsigned long long>(g_collector.events));
    std::printf("  writers waited for ring room %llu times, %.2f ms in all (last traced run; counted as tracing overhead)\n",
                static_cast<unsigned long long>(g_writerWaits), static_cast<double>(g_writerWaitedNs) / 1e6);
    bench::printHost();
    if (withPython) {
        std::printf("  CPython mp.Queue       %12.0f msgs/s", median(py));
        list(py, 1e6, "M");
        std::printf("  ratio (median of the rounds' ratios) %6.1fx   (target >= 30x)", median(ratios));
        list(ratios, 1, "x");
    }
    std::printf("one trace event (parent ring, clock read included): %.1f ns (median of %d)\n", median(events), rounds);
    return 0;
}
