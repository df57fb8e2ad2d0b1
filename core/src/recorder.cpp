// Recorder: our own run's tracing set-up (run clock, one TraceRing per
// process, the core monitor, the process-wide active recorder) and the thread
// that drives the Collector (collector.hpp: merge, watermark, append) over
// our rings and every EventSource while the run goes on.
//
// [SECTION] Our rings: draining and converting them
// [SECTION] The Collector pass
// [SECTION] Recorder API
//
// Single-writer rule: only a Collector pass appends to the Trace, and every pass
// runs under Impl::mutex (the Collector thread, flush(), exited() and finish()
// all take it), so there is one writer at a time.
#include "parviz/recorder.hpp"

#include "collector.hpp"
#include "parviz/arena.hpp"
#include "parviz/core_monitor.hpp"
#include "parviz/machine_load.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <sched.h>
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
// [SECTION] Our rings: draining and converting them
// =============================================================================

struct Source {
    TraceRing* ring = nullptr;    // nullptr: a process another EventSource reports (no ring of ours)
    ProcId proc = 0;
    pid_t pid = 0;
    bool started = false;
    bool exited = false;          // reaped: its final drain happened, it no longer holds the watermark
    bool selfExit = false;        // the worker wrote its own ProcExit (a normal exit) before it ended
    std::int64_t selfExitCode = 0;
    std::int64_t idleSeenAt = INT64_MIN;  // last pass time at which the ring was not writing
    std::uint64_t lostReported = 0;
    std::uint64_t waitedReported = 0;     // ns of writer waits already written as WriterWait
    std::uint64_t waitsReported = 0;
};

struct Recorder::Impl {
    RecorderOptions opts;
    std::shared_ptr<Trace> trace = std::make_shared<Trace>();
    RunClock* clock = nullptr;
    TraceRing* parentRing = nullptr;

    std::mutex mutex;                       // guards everything below
    std::vector<Source> sources;            // indexed by ProcId
    std::unique_ptr<CoreMonitor> monitor;
    // Other processes' share of the cores over the run (RunStart -> RunEnd).
    std::optional<MachineLoadMeter> machine;
    std::string text;                       // drain scratch: one ring text at a time
    TickConverter ticks;                    // ring times (trace ticks) -> CLOCK_MONOTONIC ns
    std::vector<std::pair<ProcId, std::size_t>> drained;   // pass scratch: (source, first new event)
    // Merges our rings' drained events and every EventSource into the Trace:
    // those given to addSource(), then the core monitor (owned as `monitor`),
    // kept last, so that ties go to a ring, then an added source, then the monitor.
    detail::Collector merger{trace};
    struct Sink;
    int processCount = 0;
    int poolWorkerCount = 0;
    std::atomic<CoreSource> coreSource{CoreSource::None};
    bool finished = false;

    std::condition_variable wake;
    bool stop = false;
    std::thread collector;
    std::atomic<std::uint64_t> passCpuNs{0};   // collectorCost()

    std::size_t drainRaw(Source& s);
    void finishDrain(Source& s, std::size_t from, std::int64_t now);
    void drainSource(Source& s, std::int64_t now) {
        const std::size_t from = drainRaw(s);
        ticks.calibrate();
        finishDrain(s, from, now);
    }
    std::int64_t passLocked(bool everything);   // passBody, its CPU time counted
    std::int64_t passBody(bool everything);
    std::int64_t drainExternalsLocked(bool everything);
    ProcId addSourceLocked(std::string name, ProcRole role, TraceRing* ring);
    void noteCoreSourceLocked();
    void run();
};

// Moves a ring's published events to its Pending, still in trace ticks, and
// returns where the new ones start. finishDrain() then converts them; the
// converter must be calibrated in between, so that every event drained lies
// before its newest point (see TickConverter).
std::size_t Recorder::Impl::drainRaw(Source& s) {
    detail::Pending& pd = merger.ring(s.proc);
    // Drain straight into the pending run. drain() reserves exactly what it
    // needs, which would reallocate on every pass: keep headroom, doubling.
    constexpr std::size_t kHeadroom = 16384;
    if (pd.ev.capacity() < pd.ev.size() + kHeadroom) pd.ev.reserve(std::max(2 * pd.ev.capacity(), pd.ev.size() + kHeadroom));
    const std::size_t from = pd.ev.size();
    s.ring->drain(pd.ev);
    return from;
}

// Converts the events drained from `from` on to ns, turns their text refs into
// Trace string ids (the text lives in that ring, whoever the event is about),
// and records any loss.
void Recorder::Impl::finishDrain(Source& s, std::size_t from, std::int64_t now) {
    detail::Pending& pd = merger.ring(s.proc);
    std::uint64_t lostText = 0, textEnd = 0;
    for (std::size_t i = from; i < pd.ev.size(); ++i) {
        Event& e = pd.ev[i];
        e.t = ticks.toNs(e.t);
        auto toId = [&](std::uint64_t& field) {
            if (field == kNoString) return;
            if (s.ring->readTextInto(field, text)) textEnd = std::max(textEnd, field + 4 + text.size());
            else ++lostText;
            field = trace->addString(text);
        };
        if (e.kind == EventKind::ProcExit && e.proc == s.proc) {
            s.selfExit = true;
            s.selfExitCode = static_cast<std::int64_t>(e.a);
        }
        switch (e.kind) {
        case EventKind::Print: case EventKind::TaskStart: case EventKind::TaskEnd:
        case EventKind::Note:
            toId(e.a);
            break;
        case EventKind::QueuePut: case EventKind::QueueGet:   // a QueueGet from an old writer may still carry one
            toId(e.b);
            break;
        default: break;
        }
    }
    // Read text may be reused by the writer (see TraceRing::text). A record
    // is 4 bytes of length, then the bytes.
    if (textEnd) s.ring->consumedText(textEnd);
    std::uint64_t lost = s.ring->lost();
    if (lost > s.lostReported) {
        pd.ev.push_back(Event{now, s.proc, EventKind::Lost, 0, static_cast<std::int32_t>(s.proc),
                              lost - s.lostReported, 0});
        s.lostReported = lost;
    }
    if (lostText)   // flags 1: texts (printed lines, names, previews) read back as "<lost text>"
        pd.ev.push_back(Event{now, s.proc, EventKind::Lost, 1, static_cast<std::int32_t>(s.proc), lostText, 0});
    // Writers that waited for room: the wait is tracing overhead, recorded.
    const std::uint64_t waited = s.ring->waitedNs(), waits = s.ring->waits();
    if (waits > s.waitsReported) {
        pd.ev.push_back(Event{now, s.proc, EventKind::WriterWait, 0, static_cast<std::int32_t>(s.proc),
                              waited - s.waitedReported, waits - s.waitsReported});
        s.waitedReported = waited;
        s.waitsReported = waits;
    }
    pd.sortTail(from);
}

// =============================================================================
// [SECTION] The Collector pass
// =============================================================================

// One pass: drain every live ring, then every EventSource (the core monitor
// last), then let the Collector append to the Trace the staged events no
// source can precede any more. Returns the watermark.
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

std::int64_t Recorder::Impl::passBody(bool everything) {
    std::int64_t now = monoNs();
    std::int64_t wm = INT64_MAX;
    drained.clear();
    for (Source& s : sources) {
        if (s.exited || !s.ring) continue;
        // Clock first, flag second (see tracer.cpp): an idle ring can only
        // publish events timed after `now`.
        if (!s.ring->writing()) s.idleSeenAt = now;
        drained.emplace_back(s.proc, drainRaw(s));
        wm = std::min(wm, s.idleSeenAt);
    }
    ticks.calibrate();   // after the drains: every drained event lies before this point
    for (auto [proc, from] : drained) finishDrain(sources[proc], from, now);
    wm = std::min(wm, drainExternalsLocked(everything));   // the added sources, then the core monitor
    return merger.merge(wm, everything);
}

// The Collector's side of SourceSink: called only from a source's drain(),
// inside a pass, so the Impl's lock is held.
struct Recorder::Impl::Sink final : SourceSink {
    Impl& im;
    explicit Sink(Impl& i) : im(i) {}
    std::uint64_t addString(std::string_view s) override { return im.trace->addString(s); }
    ProcId addProcess(std::string name, ProcRole role, pid_t pid) override {
        ProcId id = im.addSourceLocked(std::move(name), role, nullptr);
        Source& s = im.sources[id];
        s.pid = pid;
        s.started = true;
        if (im.monitor && pid > 0) {
            im.monitor->watch(id, pid);
            im.noteCoreSourceLocked();
        }
        return id;
    }
    void processEnded(ProcId p) override {
        if (p >= im.sources.size() || p == kParentProc || im.sources[p].ring) return;
        Source& s = im.sources[p];
        if (s.exited) return;
        if (im.monitor && s.pid > 0) im.monitor->unwatch(p);
        s.exited = true;
    }
    void addObject(ObjectInfo o) override { im.trace->addObject(std::move(o)); }
};

std::int64_t Recorder::Impl::drainExternalsLocked(bool everything) {
    Sink sink(*this);
    return merger.drainSources(sink, everything);
}

void Recorder::Impl::noteCoreSourceLocked() {
    CoreSource src = monitor ? monitor->source() : CoreSource::None;
    if (src != coreSource.load(std::memory_order_relaxed)) {
        coreSource.store(src, std::memory_order_relaxed);
        trace->updateMeta([src](TraceMeta& m) { m.coreSource = src; });
    }
}

void Recorder::Impl::run() {
    std::unique_lock lk(mutex);
    auto interval = std::chrono::milliseconds(std::max(1, opts.collectIntervalMs));
    while (!stop) {
        wake.wait_for(lk, interval);
        if (stop) break;
        passLocked(false);
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
    im.parentRing = TraceRing::create(kParentProc, opts.ringEvents, opts.ringTextBytes, true, opts.prefaultRings);
    im.parentRing->setReader(true);
    im.trace->addProcess(ProcInfo{"MainProcess", ProcRole::Parent});
    Source parent;
    parent.ring = im.parentRing;
    parent.proc = kParentProc;
    parent.pid = getpid();
    parent.started = true;
    im.sources.push_back(parent);
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
    im.collector = std::thread([&im] { im.run(); });
}

Recorder::~Recorder() {
    finish();
    Impl& im = *m_impl;
    Recorder* self = this;
    g_active.compare_exchange_strong(self, nullptr);
    if (currentRing() == im.parentRing) setCurrentRing(nullptr);
    if (currentClock() == im.clock) setCurrentClock(nullptr);
    // A ring or clock still used by a live worker is left in the arena rather
    // than freed under its feet.
    bool anyAlive = false;
    for (Source& s : im.sources) {
        if (s.proc != kParentProc && s.ring && s.started && !s.exited) { anyAlive = true; continue; }
        if (s.ring) TraceRing::destroy(s.ring);
        s.ring = nullptr;
    }
    if (!anyAlive) arena().destroy(im.clock);
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
    ProcId id = static_cast<ProcId>(im.sources.size());
    return im.addSourceLocked(std::move(name), role,
                              TraceRing::create(id, im.opts.ringEvents, im.opts.ringTextBytes, false,
                                                im.opts.prefaultRings));
}

ProcId Recorder::Impl::addSourceLocked(std::string name, ProcRole role, TraceRing* ring) {
    ProcId id = static_cast<ProcId>(sources.size());
    Source s;
    s.ring = ring;
    if (s.ring) s.ring->setReader(true);
    s.proc = id;
    ProcId got = trace->addProcess(ProcInfo{std::move(name), role});
    (void)got;   // the Trace's process table is only filled here, so got == id
    sources.push_back(s);
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
    return p < m_impl->sources.size() ? m_impl->sources[p].ring : nullptr;
}

std::string Recorder::processName(ProcId p) const {
    TraceMeta m = m_impl->trace->meta();
    return p < m.procs.size() ? m.procs[p].name : std::string();
}

void Recorder::started(ProcId p, pid_t pid) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (p >= im.sources.size() || p == kParentProc) return;
    im.sources[p].pid = pid;
    im.sources[p].started = true;
    NoWriterWait noWait;   // the Collector needs im.mutex to make room
    im.parentRing->emitAs(p, EventKind::ProcStart, 0, static_cast<std::uint64_t>(pid));
    if (im.monitor) {
        im.monitor->watch(p, pid);
        im.noteCoreSourceLocked();
    }
}

void Recorder::exited(ProcId p, int codeOrNegSignal) {
    Impl& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (p >= im.sources.size() || p == kParentProc) return;
    Source& s = im.sources[p];
    if (s.exited || !s.ring) return;
    if (im.monitor && s.started) im.monitor->unwatch(p);
    // The process is reaped: nothing can write its ring any more.
    im.drainSource(s, monoNs());
    s.exited = true;
    // A normal exit was recorded by the worker itself when it happened; write
    // the reaped status only when the worker could not (a signal, a crash) or
    // when it differs from what the worker said.
    NoWriterWait noWait;   // the Collector needs im.mutex to make room
    if (!s.selfExit || s.selfExitCode != codeOrNegSignal)
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
    im.wake.notify_all();
    if (im.collector.joinable()) im.collector.join();
    std::lock_guard lk(im.mutex);
    im.passLocked(false);   // make room: RunEnd must not be the event a full ring drops
    {
        NoWriterWait noWait;   // no Collector runs any more: a pass is the only way to make room
        // The run's processes are reaped by now (Run joins them first), so their
        // CPU time is in the meter's own-time reading.
        if (auto load = im.machine ? im.machine->finish() : std::nullopt) {
            const Event e = machineLoadEvent(0, *load);
            im.parentRing->emit(e.kind, e.obj, e.a, e.b, e.flags);
        }
        im.parentRing->emit(EventKind::RunEnd);
    }
    if (im.monitor)
        for (Source& s : im.sources)
            if (s.proc != kParentProc && s.started && !s.exited) im.monitor->unwatch(s.proc);
    im.passLocked(true);
    // Nobody drains the rings any more: a writer still running (a worker that
    // outlives the run) drops and counts instead of waiting.
    for (Source& s : im.sources)
        if (s.ring) s.ring->setReader(false);
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
