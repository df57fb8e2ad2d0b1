#pragma once
// Which core each watched process is on, and when: measured from the OS, never
// inferred. Used by the Recorder's Collector thread; public so tests can use it
// on their own.
//
// Two sources:
// - PerfSwitch (exact): perf_event_open context-switch records per watched
//   process, timed on CLOCK_MONOTONIC. Allowed for one's own children when
//   /proc/sys/kernel/perf_event_paranoid <= 2.
// - Sampling (works everywhere): each poll() reads /proc/<pid>/stat (last core)
//   and /proc/<pid>/schedstat (on-CPU ns) and turns the on-CPU delta of the
//   interval into a CoreIn/CoreOut span ending at the sample time. State R is
//   never used: it means running *or* runnable.
//
// Not thread-safe: one thread (the Collector) calls everything.
//
// It is an EventSource (event_source.hpp): the Collector drains it like any
// other source; its promise is poll()'s "complete up to".
#include "parviz/event.hpp"
#include "parviz/event_source.hpp"
#include "parviz/recorder.hpp"

#include <cstdint>
#include <memory>
#include <sys/types.h>
#include <vector>

namespace parviz {

class CoreMonitor : public EventSource {
public:
    // Auto tries perf on the first watch() and falls back to sampling if the
    // kernel refuses; Perf fails over the same way (source() tells). Off: none.
    static std::unique_ptr<CoreMonitor> create(CorePref pref);
    virtual ~CoreMonitor() = default;

    virtual CoreSource source() const noexcept = 0;
    // Starts watching a process that has not run yet (or just started).
    virtual void watch(ProcId proc, pid_t pid) = 0;
    // Reads what is left for that process (the next poll() returns it), then
    // forgets it. Call it after the process was reaped.
    virtual void unwatch(ProcId proc) = 0;
    // Appends CoreIn/CoreOut for watched processes and periodic CoreLoad (proc 0,
    // obj = core, a = busy ns over the b ns before t, from /proc/stat), in
    // time order (stable). Returns the monotonic time up to which its data is complete: no
    // later poll() will append an event earlier than that.
    virtual std::int64_t poll(std::vector<Event>& out) = 0;
    // The run ends now: takes the last CoreLoad sample of every core, over
    // the time since the previous one (however short: /proc/stat counts in
    // 10 ms ticks, so a short last window is coarse, not made up), so the
    // samples cover the run to its end instead of stopping up to a period
    // (100 ms) before it. The next poll() hands them out. Call it once, just
    // before RunEnd, on the thread that polls (the Collector has stopped).
    virtual void finalLoadSample() {}
    // Each perf buffer opened from now on wakes the Collector once it is a
    // quarter full (Recorder::wakeOnReadable); nullptr: none.
    virtual void setWaker(Recorder* r) { (void)r; }

    // EventSource: poll(). Its events carry no strings and name processes the
    // Recorder already registered, so the sink is not needed.
    std::int64_t drain(std::vector<Event>& out, SourceSink&, bool) override { return poll(out); }
};

} // namespace parviz
