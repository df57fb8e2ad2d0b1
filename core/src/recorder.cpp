// Recorder: our own run's tracing set-up (run clock, one TraceRing per
// process, the core monitor, the process-wide active recorder) and the thread
// that drives the Collector (collector.hpp: merge, watermark, append) over
// every EventSource while the run goes on: our rings (ring_source.hpp), the
// sources given to addSource(), the core monitor.
//
// [SECTION] The run's processes and the Collector pass
// [SECTION] Recorder API
//
// Single-writer rule: only a Collector pass appends to the Trace, and every pass
// runs under Impl::mutex (the Collector thread, flush(), exited() and finish()
// all take it), so there is one writer at a time.
#include "parviz/recorder.hpp"

#include "collector.hpp"
#include "ring_source.hpp"
#include "parviz/arena.hpp"
#include "parviz/core_monitor.hpp"
#include "parviz/machine_load.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <thread>
#include <unistd.h>

namespace parviz {

namespace {

std::atomic<Recorder*> g_active{nullptr};


std::int64_t monoNs() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int usableCores() noexcept {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return CPU_COUNT(&set);
}

int totalCores() noexcept {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

} // namespace

// =============================================================================
// [SECTION] The run's processes and the Collector pass
// =============================================================================

// What the Recorder knows of each process of the run (its rings are the
// RingSource's, its events every source's).
struct ProcState {
    pid_t pid = 0;
    bool ours = false;      // a ring of ours (else a process another EventSource reports)
    bool started = false;
    bool exited = false;    // reaped (ours) or reported ended: the core monitor no longer watches it
};

struct Recorder::Impl {
    RecorderOptions opts;
    std::shared_ptr<Trace> trace = std::make_shared<Trace>();
    RunClock* clock = nullptr;
    // The Collector sleeps on it between passes; a writer whose ring is full
    // rings it (in the arena: workers ring it too). Freed with the clock.
    DrainBell* bell = nullptr;
    TraceRing* parentRing = nullptr;

    std::mutex mutex;                       // guards everything below
    std::vector<ProcState> procs;           // indexed by ProcId
    detail::RingSource rings{*trace};       // our rings: the first source, a stream per process
    std::unique_ptr<CoreMonitor> monitor;
    // Other processes' share of the cores over the run (RunStart -> RunEnd).
    std::optional<MachineLoadMeter> machine;
    // Merges every EventSource into the Trace: our rings, those given to
    // addSource(), then the core monitor (owned as `monitor`), kept last, so
    // that ties go to a ring (lower ProcId first), then an added source, then the monitor.
    detail::Collector merger{trace};
    struct Sink;
    int processCount = 0;
    int poolWorkerCount = 0;
    std::atomic<CoreSource> coreSource{CoreSource::None};
    bool finished = false;

    bool stop = false;   // finish() sets it, then rings the bell
    std::thread collector;
    // With collectMaxIntervalMs: descriptors that end the Collector's wait
    // (wakeOnReadable), epolled by the waker thread; wakerStop ends it.
    int wakerEpoll = -1;
    int wakerStop = -1;
    std::thread waker;
    void wake();
    std::atomic<std::uint64_t> passCpuNs{0};   // collectorCost()

    std::int64_t passLocked(bool everything);   // passBody, its CPU time counted
    std::int64_t passBody(bool everything);
    ProcId addProcLocked(std::string name, ProcRole role, TraceRing* ring);
    void noteCoreSourceLocked();
    bool rootWatched = false;   // watchProgramRoot(): the monitor watches kParentProc
    void unwatchRootLocked() {
        if (!rootWatched) return;
        rootWatched = false;
        if (monitor) monitor->unwatch(kParentProc);
    }
    void run();
};

// One pass: drain every source (our rings first, the core monitor last), then
// let the Collector append to the Trace the staged events no source can
// precede any more. Returns the watermark.
namespace {
std::int64_t threadCpuNs() noexcept {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
} // namespace

std::int64_t Recorder::Impl::passLocked(bool everything) {
    const std::int64_t cpu0 = threadCpuNs();
    const std::int64_t wm = passBody(everything);
    passCpuNs.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, threadCpuNs() - cpu0)),
                        std::memory_order_relaxed);
    return wm;
}

// The Collector's side of SourceSink: called only from a source's drain(),
// inside a pass, so the Impl's lock is held.
struct Recorder::Impl::Sink final : SourceSink {
    Impl& im;
    explicit Sink(Impl& i) : im(i) {}
    std::uint64_t addString(std::string_view s) override { return im.trace->addString(s); }
    ProcId addProcess(std::string name, ProcRole role, pid_t pid) override {
        ProcId id = im.addProcLocked(std::move(name), role, nullptr);
        ProcState& s = im.procs[id];
        s.pid = pid;
        s.started = true;
        if (im.monitor && pid > 0) {
            im.monitor->watch(id, pid);
            im.noteCoreSourceLocked();
        }
        return id;
    }
    void processEnded(ProcId p) override {
        if (p == kParentProc) {
            im.unwatchRootLocked();
            return;
        }
        if (p >= im.procs.size() || im.procs[p].ours) return;
        ProcState& s = im.procs[p];
        if (s.exited) return;
        if (im.monitor && s.pid > 0) im.monitor->unwatch(p);
        s.exited = true;
    }
    void addObject(ObjectInfo o) override { im.trace->addObject(std::move(o)); }
};

std::int64_t Recorder::Impl::passBody(bool everything) {
    Sink sink(*this);
    return merger.merge(merger.drainSources(sink, everything), everything);
}

void Recorder::Impl::noteCoreSourceLocked() {
    CoreSource src = monitor ? monitor->source() : CoreSource::None;
    if (src != coreSource.load(std::memory_order_relaxed)) {
        coreSource.store(src, std::memory_order_relaxed);
        trace->updateMeta([src](TraceMeta& m) { m.coreSource = src; });
    }
}

void Recorder::Impl::run() {
    pthread_setname_np(pthread_self(), "pvz-collector");   // parviz's own CPU, per thread (bench_python_trace.py)
    std::unique_lock lk(mutex);
    const std::int64_t minInterval = std::int64_t{std::max(1, opts.collectIntervalMs)} * 1'000'000;
    const std::int64_t maxInterval = std::max(minInterval, std::int64_t{opts.collectMaxIntervalMs} * 1'000'000);
    std::int64_t interval = minInterval;
    // Read before each pass: a ring during the pass (a writer that filled
    // its ring again meanwhile) ends the next wait at once.
    std::uint32_t seen = bell->rings.load(std::memory_order_acquire);
    while (!stop) {
        lk.unlock();
        bell->waitFor(seen, interval);
        lk.lock();
        if (stop) break;
        const std::uint32_t now = bell->rings.load(std::memory_order_acquire);
        const bool rung = now != seen;
        seen = now;
        const std::size_t before = trace->size();
        passLocked(false);
        // Quiet: wake half as often (every wake-up is taken from the traced
        // program's cores); busy or rung: as often as allowed.
        const bool quiet = !rung && trace->size() - before < kQuietPassEvents;
        interval = quiet ? std::min(maxInterval, interval * 2) : minInterval;
    }
}

void Recorder::Impl::wake() {
    pthread_setname_np(pthread_self(), "pvz-waker");
    epoll_event evs[16];
    for (;;) {
        const int n = epoll_wait(wakerEpoll, evs, 16, -1);
        bool any = false;
        for (int i = 0; i < n; ++i) {
            const int fd = static_cast<int>(evs[i].data.u64 & 0xffffffffu);
            if (fd == wakerStop) return;
            if (evs[i].data.u64 >> 32) {   // a FIFO: empty it (edge-triggered: the next write is a new edge)
                char buf[256];
                while (::read(fd, buf, sizeof buf) > 0) {
                }
            }
            any = true;
        }
        if (any) bell->ring();
    }
}

// =============================================================================
// [SECTION] Recorder API
// =============================================================================

Recorder::Recorder(RecorderOptions opts) : m_impl(std::make_unique<Impl>()) {
    Impl& im = *m_impl;
    im.opts = opts;
    im.clock = arena().make<RunClock>();
    im.clock->begin(opts.timeScale);
    im.bell = arena().make<DrainBell>();
    im.parentRing = TraceRing::create(kParentProc, opts.ringEvents, opts.ringTextBytes, true, opts.prefaultRings);
    im.merger.addSource(&im.rings, nullptr);   // first: ties go to a ring
    im.addProcLocked("MainProcess", ProcRole::Parent, im.parentRing);   // ProcId 0 == kParentProc
    im.procs[kParentProc].pid = getpid();
    im.procs[kParentProc].started = true;
    im.monitor = CoreMonitor::create(opts.cores);
    if (im.monitor) im.merger.addSource(im.monitor.get(), nullptr, true);

    int usable = usableCores(), total = totalCores();
    im.trace->updateMeta([&](TraceMeta& m) {
        m.timeScale = opts.timeScale;
        m.usableCores = usable;
        m.totalCores = total;
    });
    im.noteCoreSourceLocked();

    im.machine.emplace();
    im.parentRing->emitAt(traceNow(), EventKind::RunStart, 0,
                          static_cast<std::uint64_t>(usable), static_cast<std::uint64_t>(total));
    setCurrentRing(im.parentRing);
    setCurrentClock(im.clock);
    g_active.store(this, std::memory_order_release);
    if (opts.collectMaxIntervalMs > opts.collectIntervalMs) {
        im.wakerEpoll = epoll_create1(EPOLL_CLOEXEC);
        im.wakerStop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (im.wakerEpoll >= 0 && im.wakerStop >= 0) {
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.u64 = static_cast<std::uint32_t>(im.wakerStop);
            epoll_ctl(im.wakerEpoll, EPOLL_CTL_ADD, im.wakerStop, &ev);
            im.waker = std::thread([&im] { im.wake(); });
            if (im.monitor) im.monitor->setWaker(this);
        } else {
            // No waker: the Collector keeps to collectIntervalMs.
            if (im.wakerEpoll >= 0) ::close(im.wakerEpoll);
            if (im.wakerStop >= 0) ::close(im.wakerStop);
            im.wakerEpoll = im.wakerStop = -1;
            im.opts.collectMaxIntervalMs = 0;
        }
    }
    im.collector = std::thread([&im] { im.run(); });
}

bool Recorder::wakeOnReadable(int fd, bool drainBytes) {
    Impl& im = *m_impl;
    if (im.wakerEpoll < 0 || fd < 0) return false;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = static_cast<std::uint32_t>(fd) | (drainBytes ? std::uint64_t{1} << 32 : 0);
    return epoll_ctl(im.wakerEpoll, EPOLL_CTL_ADD, fd, &ev) == 0;
}

Recorder::~Recorder() {
    finish();
    Impl& im = *m_impl;
    if (im.wakerEpoll >= 0) ::close(im.wakerEpoll);
    if (im.wakerStop >= 0) ::close(im.wakerStop);
    Recorder* self = this;
    g_active.compare_exchange_strong(self, nullptr);
    if (currentRing() == im.parentRing) setCurrentRing(nullptr);
    if (currentClock() == im.clock) setCurrentClock(nullptr);
    // A ring or clock still used by a live worker is left in the arena rather
    // than freed under its feet.
    bool anyAlive = false;
    for (ProcId p = 0; p < im.procs.size(); ++p) {
        const ProcState& s = im.procs[p];
        if (!s.ours) continue;
        if (p != kParentProc && s.started && !s.exited) { anyAlive = true; continue; }
        TraceRing::destroy(im.rings.ring(p));
    }
    if (!anyAlive) {
        arena().destroy(im.clock);
        arena().destroy(im.bell);
    }
}

Trace& Recorder::trace() noexcept { return *m_impl->trace; }
std::shared_ptr<Trace> Recorder::sharedTrace() const noexcept { return m_impl->trace; }
RunClock& Recorder::clock() noexcept { return *m_impl->clock; }
TraceRing& Recorder::parentRing() noexcept { return *m_impl->parentRing; }

ProcId Recorder::addProcess(std::string name, ProcRole role) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (name.empty()) {
        switch (role) {
        case ProcRole::PoolWorker: name = "ForkPoolWorker-" + std::to_string(++im.poolWorkerCount); break;
        case ProcRole::ForkServer: name = "ForkServer"; break;
        case ProcRole::Parent: name = "MainProcess"; break;
        case ProcRole::Process: name = "Process-" + std::to_string(++im.processCount); break;
        }
    }
    ProcId id = static_cast<ProcId>(im.procs.size());
    return im.addProcLocked(std::move(name), role,
                            TraceRing::create(id, im.opts.ringEvents, im.opts.ringTextBytes, false,
                                              im.opts.prefaultRings));
}

// `ring`: ours, drained by the RingSource from the next pass on; nullptr: a
// process another EventSource reports.
ProcId Recorder::Impl::addProcLocked(std::string name, ProcRole role, TraceRing* ring) {
    ProcId id = static_cast<ProcId>(procs.size());
    ProcState s;
    s.ours = ring != nullptr;
    if (ring) {
        ring->setDrainBell(bell);
        ring->setReader(true);
        rings.add(id, ring);
    }
    ProcId got = trace->addProcess(ProcInfo{std::move(name), role});
    (void)got;   // the Trace's process table is only filled here, so got == id
    procs.push_back(s);
    return id;
}

void Recorder::addSource(std::unique_ptr<EventSource> source) {
    if (!source) return;
    std::lock_guard lk(m_impl->mutex);
    EventSource* raw = source.get();
    m_impl->merger.addSource(raw, std::move(source));   // before the core monitor, which stays last
}

TraceRing* Recorder::ring(ProcId p) noexcept {
    std::lock_guard lk(m_impl->mutex);
    return m_impl->rings.ring(p);
}

std::string Recorder::processName(ProcId p) const {
    TraceMeta m = m_impl->trace->meta();
    return p < m.procs.size() ? m.procs[p].name : std::string();
}

void Recorder::started(ProcId p, pid_t pid) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (p >= im.procs.size() || p == kParentProc) return;
    im.procs[p].pid = pid;
    im.procs[p].started = true;
    NoWriterWait noWait;   // the Collector needs im.mutex to make room
    im.parentRing->emitAs(p, EventKind::ProcStart, 0, static_cast<std::uint64_t>(pid));
    if (im.monitor) {
        im.monitor->watch(p, pid);
        im.noteCoreSourceLocked();
    }
}

void Recorder::watchProgramRoot(pid_t pid) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (!im.monitor || pid <= 0 || im.rootWatched) return;
    im.monitor->watch(kParentProc, pid);
    im.rootWatched = true;
    im.noteCoreSourceLocked();
}

void Recorder::exited(ProcId p, int codeOrNegSignal) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (p >= im.procs.size() || p == kParentProc) return;
    ProcState& s = im.procs[p];
    if (s.exited || !s.ours) return;
    if (im.monitor && s.started) im.monitor->unwatch(p);
    // The process is reaped: nothing can write its ring any more.
    const detail::RingSource::ExitDrain last = im.rings.drainExited(p);
    s.exited = true;
    // A normal exit was recorded by the worker itself when it happened; write
    // the reaped status only when the worker could not (a signal, a crash) or
    // when it differs from what the worker said.
    NoWriterWait noWait;   // the Collector needs im.mutex to make room
    if (!last.selfExit || last.code != codeOrNegSignal)
        im.parentRing->emitAs(p, EventKind::ProcExit, 0,
                              static_cast<std::uint64_t>(static_cast<std::int64_t>(codeOrNegSignal)));
}

void Recorder::pause() {
    m_impl->clock->pause();
    m_impl->parentRing->emit(EventKind::RunPause);
}

void Recorder::resume() {
    m_impl->clock->resume();
    m_impl->parentRing->emit(EventKind::RunResume);
}

void Recorder::emitFor(ProcId p, EventKind k, std::int32_t obj, std::uint64_t a, std::uint64_t b,
                       std::uint8_t flags) noexcept {
    m_impl->parentRing->emitAs(p, k, obj, a, b, flags);
}

void Recorder::finish() {
    Impl& im = *m_impl;
    {
        std::lock_guard lk(im.mutex);
        if (im.finished) return;
        im.finished = true;
        im.stop = true;
    }
    im.bell->ring();
    if (im.collector.joinable()) im.collector.join();
    if (im.waker.joinable()) {
        eventfd_write(im.wakerStop, 1);
        im.waker.join();
    }
    if (im.monitor) im.monitor->setWaker(nullptr);
    std::lock_guard lk(im.mutex);
    im.passLocked(false);   // make room: RunEnd must not be the event a full ring drops
    {
        NoWriterWait noWait;   // no Collector runs any more: a pass is the only way to make room
        // The run's processes are reaped by now (Run joins them first), so their
        // CPU time is in the meter's own-time reading.
        // The cores' load samples reach the run's end (the last one stood up
        // to 100 ms before it: the hatch of other programs stopped short).
        if (im.monitor) im.monitor->finalLoadSample();
        if (auto load = im.machine ? im.machine->finish() : std::nullopt) {
            // Who took the cores first, so the measurement itself stays the run's last MachineLoad.
            im.parentRing->emit(EventKind::MachineLoad, load->cores,
                                im.parentRing->text(encodeOtherPrograms(load->others), kMaxPrintLine),
                                static_cast<std::uint64_t>(std::max<std::int64_t>(0, load->stealNs)), kMachineLoadOthers);
            const Event e = machineLoadEvent(0, *load);
            im.parentRing->emit(e.kind, e.obj, e.a, e.b, e.flags);
        }
        im.parentRing->emit(EventKind::RunEnd);
    }
    im.unwatchRootLocked();
    if (im.monitor)
        for (ProcId p = 1; p < im.procs.size(); ++p)
            if (im.procs[p].started && !im.procs[p].exited) im.monitor->unwatch(p);
    im.passLocked(true);
    // Nobody drains the rings any more: a writer still running (a worker that
    // outlives the run) drops and counts instead of waiting.
    im.rings.stopReading();
    im.trace->updateMeta([](TraceMeta& m) { m.finished = true; });
}

void Recorder::flush() {
    Impl& im = *m_impl;
    // Everything published before this call must be in the Trace when it
    // returns, and in time order: pass until the watermark passes our start.
    std::int64_t start = monoNs();
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard lk(im.mutex);
            if (im.finished) return;
            if (im.passLocked(false) > start) return;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
}

Recorder::CollectorCost Recorder::collectorCost() const noexcept {
    return {m_impl->passCpuNs.load(std::memory_order_relaxed), m_impl->trace->size()};
}

CoreSource Recorder::coreSource() const noexcept {
    return m_impl->coreSource.load(std::memory_order_relaxed);
}

Recorder* Recorder::active() noexcept { return g_active.load(std::memory_order_acquire); }

} // namespace parviz
