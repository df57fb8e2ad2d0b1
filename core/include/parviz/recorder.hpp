#pragma once
// The parent's side of tracing for one run: owns the Trace, the run clock, one
// TraceRing per process, the OS core monitor and the thread that drives the
// Collector (core/src/collector.hpp), which merges every event source (our
// rings as one, core/src/ring_source.hpp; the core monitor; addSource()'s)
// into the Trace while the run goes on.
//
// Watermark rule: the Collector appends an event only once no source can still
// produce an earlier one (every ring seen idle, OS data read up to that time,
// minus a small slack), so readers always see a time-sorted prefix.
#include "parviz/clock.hpp"
#include "parviz/event_source.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"

#include <memory>
#include <string>
#include <sys/types.h>

namespace parviz {

enum class CorePref : std::uint8_t { Auto, Perf, Sampling, Off };

struct RecorderOptions {
    CorePref cores = CorePref::Auto;    // Auto: perf switch records, else /proc sampling
    double timeScale = 1.0;             // applied by the run clock to all work
    int collectIntervalMs = 2;          // how often the Collector wakes
    // Above collectIntervalMs: while passes find the trace quiet (fewer than
    // kQuietPassEvents new events) the interval doubles up to this, and the
    // first busy pass brings it back; descriptors given to wakeOnReadable()
    // (a perf buffer past its fill mark, a traced program's ring bell) end a
    // wait at once. 0: always collectIntervalMs.
    int collectMaxIntervalMs = 0;
    // Per-process ring capacity (events) and text buffer. The defaults (1 MiB
    // + 256 KiB a process) let 1024 workers fit the arena; the Collector
    // drains every few ms, and an overflow is counted, never silent.
    std::size_t ringEvents = 1u << 15;
    std::size_t ringTextBytes = 1u << 18;
    bool prefaultRings = false;         // touch ring pages at creation (benchmarks: no faults while measuring)
};

class Recorder {
public:
    // Starts the run clock, writes RunStart, installs the parent's ring and
    // clock as currentRing()/currentClock() of this process, starts the Collector.
    explicit Recorder(RecorderOptions opts = {});
    // finish() if not done; uninstalls the parent's ring and clock.
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    Trace& trace() noexcept;
    std::shared_ptr<Trace> sharedTrace() const noexcept;   // outlives the Recorder
    RunClock& clock() noexcept;                            // lives in the arena
    TraceRing& parentRing() noexcept;
    // With collectMaxIntervalMs: a readable `fd` wakes the Collector at once
    // (a waker thread epolls them, edge-triggered); `drainBytes`: read and
    // discard what is in it first (a FIFO). Closing fd forgets it. False
    // without a waker.
    bool wakeOnReadable(int fd, bool drainBytes);
    static constexpr std::size_t kQuietPassEvents = 64;

    // Registers a process about to be started: makes its ring, adds it to the
    // trace's process table. Name "" picks the next "Process-N" /
    // "ForkPoolWorker-N" for the role (numbering is per Recorder, from 1).
    ProcId addProcess(std::string name, ProcRole role);
    TraceRing* ring(ProcId p) noexcept;
    std::string processName(ProcId p) const;

    // The process now exists: writes ProcStart and starts watching its cores.
    void started(ProcId p, pid_t pid);
    // The run's MainProcess is another program's process (a traced program's
    // root, started by the caller): the core monitor watches it as
    // MainProcess from now until a source reports it ended or finish(). Its
    // time on the cores is then the run's, not other processes' (per-core
    // shares, the core lanes), as the machine-load verdict already counts it.
    void watchProgramRoot(pid_t pid);
    // The process was reaped: reads its last core data, drains its ring,
    // writes ProcExit (code >= 0, or -signal).
    void exited(ProcId p, int codeOrNegSignal);

    // Run control bookkeeping (the caller sends the signals): clock + events.
    void pause();
    void resume();
    // Writes an event about process p from the parent (ProcStopped,
    // ProcContinued, ...): it goes through the parent's ring with proc = p, so a
    // stopped or dead worker's own ring is never touched.
    void emitFor(ProcId p, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0,
                 std::uint64_t b = 0, std::uint8_t flags = 0) noexcept;

    // Merges another source's events from the next pass on (event_source.hpp);
    // the Recorder owns it and drains it for the last time in finish().
    void addSource(std::unique_ptr<EventSource> source);

    // Writes RunEnd, collects everything, marks the trace finished, stops the Collector.
    void finish();
    // Collects everything published so far, now (tests use it to avoid sleeping).
    void flush();

    CoreSource coreSource() const noexcept;

    // What collecting cost so far: the CPU time of the Collector's passes
    // (CLOCK_THREAD_CPUTIME_ID around each pass, whichever thread ran it) and
    // the events they appended. Benchmarks print cpuNs / events.
    struct CollectorCost {
        std::uint64_t cpuNs = 0;
        std::uint64_t events = 0;
        double nsPerEvent() const noexcept { return events ? static_cast<double>(cpuNs) / static_cast<double>(events) : 0; }
    };
    CollectorCost collectorCost() const noexcept;

    // The Recorder currently installed in this process (nullptr when none):
    // Queue and Lock register their names with it.
    static Recorder* active() noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace parviz
