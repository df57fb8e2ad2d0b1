#pragma once
// Event sources: whatever hands events to the Collector (core/src/collector.hpp):
// our own per-process rings (core/src/ring_source.hpp), the core monitor
// (core_monitor.hpp), a traced Python program (python_trace_source.hpp), a test
// source fed from a vector (tests/core/test_event_sources.cpp); a file would be
// the same shape.
//
// Contract (the Collector's watermark rule, recorder.hpp): each pass the
// Collector calls drain() on its own thread, under its lock; the source
// appends what it has and promises a time before which it will deliver
// nothing more. The Collector appends an event to the Trace only once every
// source's promise has passed it, so the Trace stays time-sorted. An event a
// source still delivers earlier than it promised is clamped to the Trace's
// last time and counted (Trace::clampedEvents()): misuse is data, not a crash.
#include "parviz/event.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace parviz {

// What a source may ask of the Collector while it drains: only from inside
// EventSource::drain (the Collector's thread, its lock held).
class SourceSink {
public:
    // A Trace string id for Event fields documented as "string id".
    virtual std::uint64_t addString(std::string_view s) = 0;
    // A process of the run the Collector did not start: its ProcId (its lane
    // and name in the Trace). With pid > 0 the core monitor watches it.
    virtual ProcId addProcess(std::string name, ProcRole role, pid_t pid) = 0;
    // The process ended: the core monitor reads what is left and forgets it
    // (kParentProc too: a traced program's root, Recorder::watchProgramRoot).
    virtual void processEnded(ProcId p) = 0;
    // A shared object (queue, lock, ...) and its name (TraceMeta::objects).
    virtual void addObject(ObjectInfo o) = 0;

protected:
    ~SourceSink() = default;
};

// Where a source of several streams puts each one's events (drainStreams).
class StreamBatch {
public:
    // The events of stream i (0, 1, ...) go here, appended.
    virtual std::vector<Event>& stream(std::size_t i) = 0;

protected:
    ~StreamBatch() = default;
};

class EventSource {
public:
    virtual ~EventSource() = default;
    // Appends the events available now to `out`: t in CLOCK_MONOTONIC ns,
    // string fields already Trace string ids (sink.addString), in any order
    // (nearly time-sorted is cheapest: the Collector sorts what comes late by
    // insertion). Returns the promise: every event appended by a later drain()
    // has t >= the returned time (INT64_MAX: nothing more will come). With
    // `everything` the run is over: hand over all that is held back.
    virtual std::int64_t drain(std::vector<Event>& out, SourceSink& sink, bool everything) = 0;

    // What the Collector calls. A source made of several streams, each nearly
    // time-sorted on its own but interleaved with the others (our rings: one a
    // process), hands each to its own stream, so that the Collector merges
    // sorted runs instead of sorting their interleaving; at equal times the
    // lower stream goes first. The promise covers every stream. Default: one
    // stream, drain().
    virtual std::int64_t drainStreams(StreamBatch& out, SourceSink& sink, bool everything) {
        return drain(out.stream(0), sink, everything);
    }
};

} // namespace parviz
