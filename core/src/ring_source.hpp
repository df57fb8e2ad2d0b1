#pragma once
// Our own run's per-process trace rings as one EventSource (event_source.hpp):
// a stream per ring, in the order the rings were added (ProcId order), so the
// Collector merges each ring's nearly sorted run on its own and equal times
// go to the lower ProcId, as they always did.
//
// Each drain: every ring not yet reaped is read (the pass reads its clock
// first and a ring's writing flag second, so a ring seen idle can only
// publish events timed after the pass: see tracer.cpp), the tick converter is calibrated once, after all
// the reads, so every event read lies before its newest point (TickConverter),
// then the events are converted to CLOCK_MONOTONIC ns, their texts become Trace
// string ids, and a ring's new losses and writer waits are added as Lost and
// WriterWait events at the pass's time. The promise is the earliest time a
// live ring was last seen idle.
//
// Not thread-safe: the Recorder calls it under its lock (passes, exits, adds).
#include "parviz/clock.hpp"
#include "parviz/event_source.hpp"
#include "parviz/tracer.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parviz::detail {

class RingSource final : public EventSource {
public:
    // Texts go straight into `trace`'s string table (the Trace the Collector
    // appends to): a text per put, print and task, so not through SourceSink's
    // virtual call.
    explicit RingSource(Trace& trace) : m_trace(trace) {}

    // Ring `ring` carries process p's events from the next drain on; rings are
    // added in ProcId order (a process without a ring of ours has none).
    void add(ProcId p, TraceRing* ring);
    TraceRing* ring(ProcId p) const noexcept;   // nullptr: none of ours

    // What a reaped process's ring held: its last events are read now (they
    // reach the Collector at the next drain) and the ring no longer holds the
    // promise back. `selfExit`: the process wrote its own ProcExit, with `code`.
    struct ExitDrain {
        bool drained = false;   // false: not one of ours, or already reaped
        bool selfExit = false;
        std::int64_t code = 0;
    };
    ExitDrain drainExited(ProcId p);

    // Nobody will drain the rings any more: a writer still running drops and
    // counts instead of waiting for room.
    void stopReading() noexcept;

    std::int64_t drainStreams(StreamBatch& out, SourceSink& sink, bool everything) override;
    // One stream's worth for a caller without streams: the rings' events
    // concatenated (the Collector sorts them; it calls drainStreams).
    std::int64_t drain(std::vector<Event>& out, SourceSink& sink, bool everything) override;

private:
    struct Ring {
        TraceRing* ring = nullptr;
        ProcId proc = 0;
        bool exited = false;                  // reaped: its last drain happened
        bool selfExit = false;                // it wrote its own ProcExit (a normal exit)
        std::int64_t selfExitCode = 0;
        std::int64_t idleSeenAt = INT64_MIN;  // last pass time at which it was not writing
        std::uint64_t lostReported = 0;
        std::uint64_t waitedReported = 0;     // ns of writer waits already written as WriterWait
        std::uint64_t waitsReported = 0;
        std::vector<Event> held;              // drained at its exit, handed over at the next drain
    };
    std::size_t drainRaw(std::vector<Event>& ev, Ring& r);
    void finishDrain(std::vector<Event>& ev, Ring& r, std::size_t from, std::int64_t now);

    Trace& m_trace;
    std::vector<Ring> m_rings;                 // stream i = m_rings[i]
    std::vector<std::int32_t> m_streamOf;      // ProcId -> stream, -1: none of ours
    TickConverter m_ticks;                     // ring times (trace ticks) -> CLOCK_MONOTONIC ns
    std::string m_text;                        // one ring text at a time
    std::vector<std::pair<std::size_t, std::size_t>> m_drained;   // pass scratch: (stream, first new event)
};

} // namespace parviz::detail
