// Whether the TSC may stamp trace events on a host whose kernel keeps time
// with another clocksource (clock.hpp: "Which clock"). The decision is a pure
// function; the cross-core check runs real threads on real cores.
#include "parviz/clock.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <vector>

namespace parviz {
namespace {

// Whether the flags line holds `flag` as a whole word.
bool hasFlag(std::string_view flags, std::string_view flag) {
    for (std::size_t at = flags.find(flag); at != std::string_view::npos; at = flags.find(flag, at + 1)) {
        const bool startOk = at == 0 || flags[at - 1] == ' ' || flags[at - 1] == '\t' || flags[at - 1] == ':';
        const std::size_t end = at + flag.size();
        const bool endOk = end == flags.size() || flags[end] == ' ' || flags[end] == '\n' || flags[end] == '\t';
        if (startOk && endOk) return true;
    }
    return false;
}

#if defined(__x86_64__)
// lfence, then rdtsc: the reading is taken after every earlier instruction,
// so it cannot be taken before the lock that orders it was acquired.
inline std::uint64_t orderedTsc() noexcept {
    __builtin_ia32_lfence();
    return __builtin_ia32_rdtsc();
}

struct PairState {
    std::atomic<int> lock{0};
    std::atomic<int> arrived{0};
    std::uint64_t last = 0;        // under lock
    std::int64_t maxBackward = 0;  // under lock
    long reads = 0;                // under lock
    std::atomic<int> pinFailed{0};
};

constexpr int kReadsPerThread = 5000;
constexpr std::int64_t kPairBudgetNs = 2'000'000;

void pairThread(PairState& st, int cpu) noexcept {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) st.pinFailed.store(1);
    // Both threads start together, or the check would compare one core with itself.
    st.arrived.fetch_add(1);
    const std::int64_t give_up = monoNow() + kPairBudgetNs;
    while (st.arrived.load() < 2 && monoNow() < give_up) __builtin_ia32_pause();
    const std::int64_t end = monoNow() + kPairBudgetNs;
    for (int i = 0; i < kReadsPerThread; ++i) {
        while (st.lock.exchange(1, std::memory_order_acquire) != 0) __builtin_ia32_pause();
        const std::uint64_t t = orderedTsc();
        if (t < st.last) st.maxBackward = std::max<std::int64_t>(st.maxBackward, static_cast<std::int64_t>(st.last - t));
        st.last = std::max(st.last, t);
        ++st.reads;
        st.lock.store(0, std::memory_order_release);
        if ((i & 63) == 63 && monoNow() > end) break;
    }
}
#endif

} // namespace

TscWarpResult tscWarpCheck(int maxPairs) noexcept {
    TscWarpResult r;
#if defined(__x86_64__)
    try {
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof set, &set) != 0) {
            std::snprintf(r.detail, sizeof r.detail, "sched_getaffinity failed");
            return r;
        }
        std::vector<int> cpus;
        for (int c = 0; c < CPU_SETSIZE; ++c)
            if (CPU_ISSET(c, &set)) cpus.push_back(c);
        r.cores = static_cast<int>(std::min<std::size_t>(cpus.size(), static_cast<std::size_t>(maxPairs) + 1));
        if (cpus.size() < 2) {   // one core: every reading comes from the same counter
            r.ok = !cpus.empty();
            return r;
        }
        const std::size_t others = cpus.size() - 1;
        const std::size_t pairs = std::min<std::size_t>(others, static_cast<std::size_t>(std::max(1, maxPairs)));
        for (std::size_t k = 0; k < pairs; ++k) {
            const int other = cpus[1 + k * others / pairs];   // spread over the others
            PairState st;
            std::thread a(pairThread, std::ref(st), cpus[0]);
            std::thread b(pairThread, std::ref(st), other);
            a.join();
            b.join();
            r.reads += st.reads;
            if (st.pinFailed.load()) {
                std::snprintf(r.detail, sizeof r.detail, "could not pin a thread to core %d", other);
                return r;
            }
            if (st.maxBackward > r.maxBackward) {
                r.maxBackward = st.maxBackward;
                r.badCore = other;
            }
        }
        r.ok = r.maxBackward == 0;
    } catch (const std::exception& e) {
        std::snprintf(r.detail, sizeof r.detail, "could not start its threads: %s", e.what());
        r.ok = false;
    }
#else
    std::snprintf(r.detail, sizeof r.detail, "not an x86-64 CPU");
#endif
    return r;
}

namespace detail {

TraceClockChoice decideTraceClock(std::string_view env, std::string_view clocksource, std::string_view cpuFlags,
                                  TscWarpResult (*check)()) {
    const std::string cs = clocksource.empty() ? std::string("unknown") : std::string(clocksource);
    std::string note;
    if (!env.empty() && env != "auto" && env != "tsc" && env != "mono")
        note = "; PARVIZ_TRACE_CLOCK=" + std::string(env) + " is not auto, tsc or mono: ignored";
#if !defined(__x86_64__)
    (void)cpuFlags;
    (void)check;
    return {false, "clock_gettime(CLOCK_MONOTONIC): not an x86-64 CPU" + note};
#else
    if (env == "mono") return {false, "clock_gettime(CLOCK_MONOTONIC): PARVIZ_TRACE_CLOCK=mono"};
    if (cs == "tsc" && env != "tsc") return {true, "TSC ticks: the kernel's clocksource is tsc" + note};
    const std::string asked = env == "tsc" ? " (PARVIZ_TRACE_CLOCK=tsc)" : "";
    const bool constant = hasFlag(cpuFlags, "constant_tsc"), nonstop = hasFlag(cpuFlags, "nonstop_tsc");
    if (!constant || !nonstop) {
        std::string lacks = !constant && !nonstop ? "constant_tsc and nonstop_tsc" : !constant ? "constant_tsc" : "nonstop_tsc";
        return {false, "clock_gettime(CLOCK_MONOTONIC): clocksource " + cs + " and the CPU lacks " + lacks + asked + note};
    }
    const TscWarpResult w = check();
    char buf[256];
    if (w.ok) {
        std::snprintf(buf, sizeof buf, "cross-core check passed (%d cores, %ld readings, none earlier than the one before)",
                      w.cores, w.reads);
        return {true, "TSC ticks: clocksource " + cs + "; constant_tsc and nonstop_tsc; " + buf + asked + note};
    }
    if (w.maxBackward > 0)
        std::snprintf(buf, sizeof buf, "a reading on core %d was %lld TSC counts earlier than the one before it",
                      w.badCore, static_cast<long long>(w.maxBackward));
    else
        std::snprintf(buf, sizeof buf, "%s", w.detail[0] ? w.detail : "it did not run");
    return {false, "clock_gettime(CLOCK_MONOTONIC): clocksource " + cs + "; the cross-core TSC check failed: " + buf +
                       asked + note};
#endif
}

} // namespace detail
} // namespace parviz
