// Work (sleep / cpu) and the small per-process helpers Queue and Lock share
// with it (worker_state.hpp).
#include "parviz/work.hpp"

#include "parviz/clock.hpp"
#include "parviz/tracer.hpp"
#include "worker_state.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <ctime>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

namespace parviz {

// [SECTION] per-process helpers -------------------------------------------------
namespace detail {
namespace {

thread_local WorkerState t_state = WorkerState::Idle;

// Item ids are taken on every put, object ids rarely: separate cache lines.
struct IdCounters {
    alignas(64) std::atomic<std::uint64_t> nextItem{1};
    alignas(64) std::atomic<std::int32_t> nextObject{1};
};

// Cached by the first selfPid() call in a process. The fork server is made by
// fork(), whose atfork handler below clears it; workers are raw clones of the
// server (no atfork handlers), so this relies on the server never calling
// selfPid() itself: it holds no Lock, and must not, or its clones would
// inherit its pid.
pid_t g_pid = 0;

// Mapped during static initialisation, i.e. before main() and so before
// parviz::init() forks the fork server: every worker shares these counters.
// Why a static and not an arena block: the arena only exists after init(),
// while this mapping exists before any parviz code runs, and it is just as
// shared (every process of the program descends from the one that ran the
// static initialisers, and the server forks/clones after it). Ids cannot be
// asked for before init() anyway: Queue and Lock allocate in the arena
// first, which aborts before init(). One page, no descriptor, nothing in
// /dev/shm.
IdCounters* mapCounters() {
    void* p = mmap(nullptr, sizeof(IdCounters), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        std::perror("parviz: mmap of the id counters");
        std::abort();
    }
    pthread_atfork(nullptr, nullptr, [] { g_pid = 0; });
    return new (p) IdCounters();
}
IdCounters* const g_counters = mapCounters();

} // namespace

WorkerState workerState() noexcept { return t_state; }

void setWorkerState(WorkerState s) noexcept {
    t_state = s;
    traceState(s);
}

std::int64_t monoDeadlineFor(std::int64_t runDeadline) noexcept {
    auto* c = currentClock();
    return c ? c->monoDeadline(runDeadline) : runDeadline;
}

std::int32_t nextObjectId() noexcept { return g_counters->nextObject.fetch_add(1, std::memory_order_relaxed); }
std::uint64_t nextItemId() noexcept { return g_counters->nextItem.fetch_add(1, std::memory_order_relaxed); }

pid_t selfPid() noexcept {
    if (g_pid == 0) g_pid = getpid();
    return g_pid;
}

} // namespace detail

// [SECTION] work kinds ------------------------------------------------------------
const char* toString(WorkKind k) noexcept {
    switch (k) {
    case WorkKind::Sleep: return "sleep";
    case WorkKind::Cpu: return "cpu";
    }
    return "?";
}

std::optional<WorkKind> parseWorkKind(std::string_view s) noexcept {
    if (s == "sleep") return WorkKind::Sleep;
    if (s == "cpu") return WorkKind::Cpu;
    return std::nullopt;
}

namespace {

timespec toTimespec(std::int64_t ns) noexcept {
    return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

// Sleeps until `ns` of unpaused run time have passed. The monotonic deadline
// is recomputed after every wake-up because a pause (SIGSTOP) in between
// pushes it later.
void sleepRunTime(std::int64_t ns) noexcept {
    const std::int64_t deadline = runNow() + ns;
    for (;;) {
        const std::int64_t now = runNow();
        if (now >= deadline) return;
        const timespec ts = toTimespec(detail::monoDeadlineFor(deadline));
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);   // EINTR: loop re-checks
    }
}

// Spins until this process has consumed `ns` more CPU time. A stopped process
// accrues none, so pauses are excluded without looking at the run clock.
void spinCpuTime(std::int64_t ns) noexcept {
    const std::int64_t start = cpuTimeNow();
    volatile std::uint64_t sink = 0;
    while (cpuTimeNow() - start < ns) {
        // Real work between the (syscall-priced) CPU clock reads.
        for (int i = 0; i < 2000; ++i) sink = sink + static_cast<std::uint64_t>(i) * 2654435761u;
    }
}

std::int64_t scaledNs(double seconds) noexcept {
    if (auto* c = currentClock()) return c->scaled(seconds);
    return static_cast<std::int64_t>(seconds * 1e9);
}

} // namespace

void doWork(WorkKind kind, double seconds) {
    const std::int64_t ns = scaledNs(seconds);
    if (kind == WorkKind::Sleep) {
        detail::ScopedWorkerState st(WorkerState::Sleeping);
        sleepRunTime(ns);
    } else {
        detail::ScopedWorkerState st(WorkerState::Running);
        spinCpuTime(ns);
    }
}

void runTask(std::int32_t index, std::string_view name, WorkKind kind, double seconds) {
    const std::uint64_t nameRef = traceText(name, 256);
    traceEmit(EventKind::TaskStart, index, nameRef, static_cast<std::uint64_t>(scaledNs(seconds)));
    doWork(kind, seconds);
    traceEmit(EventKind::TaskEnd, index, traceText(name, 256));
}

} // namespace parviz
