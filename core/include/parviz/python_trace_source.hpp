#pragma once
// PythonTraceSource: the events of a Python program traced by parviz_trace
// (python/parviz_trace), read from the shared-memory rings its processes
// write in a directory (docs/python-trace-wire.md), as an EventSource for
// the Recorder's Collector (event_source.hpp).
//
// Each process of the program creates one ring file in the directory; every
// pass the source maps new ones, drains them, holds records back until no
// ring can still precede them (the same idle-flag rule as TraceRing), then
// turns them into parviz Events in time order:
//   processes  root -> ProcId 0 (MainProcess); others get a ProcId when their
//              parent asks to start them or when they first speak
//   Queue      a get is paired with the item written into the pipe before it
//              (pipe order: writes are stamped inside CPython's write lock,
//              gets inside its read lock)
//   Pool.map   task index = the job's first index + chunk * chunksize + k
//   each event that came from the program's code is preceded by a SourceLine.
// Thread-safety: drain() runs on the Collector's thread; setRoot(), reaped(),
// rootAnnounced() and counters may be called from any other thread.
#include "parviz/event_source.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace parviz {

class PythonTraceSource final : public EventSource {
public:
    explicit PythonTraceSource(std::string directory);
    ~PythonTraceSource() override;
    PythonTraceSource(const PythonTraceSource&) = delete;
    PythonTraceSource& operator=(const PythonTraceSource&) = delete;

    // The program's first process (its records go to ProcId 0, MainProcess).
    void setRoot(pid_t pid) noexcept;
    // parviz reaped this process (the root, or an orphan it adopted as the
    // program's subreaper): code >= 0 or -signal, stamped now. A process
    // whose exit was already recorded is left alone.
    void reaped(pid_t pid, int codeOrNegSignal);
    // True once the root process's ring appeared (the hook loaded).
    bool rootAnnounced() const noexcept;
    // When the source first saw the root's ring (steady_clock ns since its
    // epoch, CLOCK_MONOTONIC on Linux; at most one Collector pass late), 0 before.
    std::int64_t rootAnnouncedAt() const noexcept;
    // Events the program's processes dropped: their ring was full, or a signal
    // handler's event came inside its own thread's ring write (reentered).
    std::uint64_t lostEvents() const noexcept;
    // Of lostEvents(), those a signal handler wrote inside its thread's own write.
    std::uint64_t reenteredEvents() const noexcept;
    // Ring files that were not valid rings (wrong magic, version or size).
    std::uint64_t badRings() const noexcept;

    std::int64_t drain(std::vector<Event>& out, SourceSink& sink, bool everything) override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// "[25, 'a, b', (1, 2), ...]" -> {"25", "'a, b'", "(1, 2)"}: the items of a
// Python list's repr preview (a map chunk's results, as its worker's
// TASK_RETURNED says them), up to the first it elides ("...") or cuts; {}
// when the text is not one list.
std::vector<std::string> splitListPreview(std::string_view text);

} // namespace parviz
