#pragma once
// The Collector: merges event sources into one time-sorted Trace (merge,
// watermark, append). It knows nothing of our own run (its clock, rings,
// start gate, the process-wide active recorder: the Recorder, recorder.hpp,
// sets those up and drives the passes); every event comes from an EventSource
// (event_source.hpp), drained here each pass through a SourceSink: our rings
// (ring_source.hpp, one stream per process), a traced Python program, a
// test's vector, the core monitor.
// Not thread-safe: one pass at a time (the Recorder holds its lock).
#include "parviz/event_source.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace parviz::detail {

// Collected events of one stream of a source (a ring, or a single-stream EventSource) not yet in the
// Trace, kept time-sorted from `head` on: each ring is nearly sorted already
// (a Queue put is stamped before it commits, so a State event can slip in
// front of it), so a late event is moved back by insertion, stably, a few
// places at most (sortTail bounds the work). The Collector then k-way merges
// the sources' sorted runs instead of sorting everything it staged.
struct Pending {
    std::vector<Event> ev;
    std::size_t head = 0;         // [0, head) already appended to the Trace

    bool empty() const noexcept { return head == ev.size(); }
    std::int64_t frontT() const noexcept { return ev[head].t; }
    // Restores order for the events appended from index `from` on. Stable:
    // an event moves only in front of strictly later ones. Never moves into
    // [0, head): the Trace clamps such a late event, as it always did.
    void sortTail(std::size_t from) {
        from = std::max(from, head);
        // Insertion sort from `from` on: linear for what rings hand over
        // (nearly in order: a few events a few places late). It gives up when
        // it has shifted more than a few places per new event and finishes
        // with a stable sort and merge, so a source that hands over long
        // interleaved runs (the core monitor once passed ~10^6 perf records
        // in per-worker runs, and the insertion sort never ended) costs
        // O(n log n), not O(n^2).
        std::size_t budget = 8 * (ev.size() - from) + 64;
        std::size_t i = std::max(from, head + 1);
        for (; i < ev.size(); ++i) {
            if (ev[i - 1].t <= ev[i].t) continue;
            Event e = ev[i];
            std::size_t j = i;
            while (j > head && ev[j - 1].t > e.t && budget > 0) { ev[j] = ev[j - 1]; --j; --budget; }
            ev[j] = e;
            if (budget == 0) break;
        }
        if (i >= ev.size()) return;
        // Out of budget. Every shift so far moved an event only in front of
        // strictly later ones, so a stable sort of the whole staged range
        // still gives the stable order of what came in.
        std::stable_sort(ev.begin() + static_cast<std::ptrdiff_t>(head), ev.end(),
                         [](const Event& a, const Event& b) { return a.t < b.t; });
    }
    // Drops the appended prefix, without giving back capacity.
    void compact() {
        if (head == 0) return;
        if (head == ev.size()) { ev.clear(); head = 0; return; }
        if (head < 4096 && head * 2 < ev.size()) return;   // not worth moving yet
        ev.erase(ev.begin(), ev.begin() + static_cast<std::ptrdiff_t>(head));
        head = 0;
    }
};

class Collector {
public:
    explicit Collector(std::shared_ptr<Trace> trace);
    ~Collector();
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;

    // Drained each pass, in the order added; `owned` may be null (a source
    // someone else owns, which must outlive the Collector). `last`: keep it
    // after every source added later (the core monitor). At equal times the
    // merge takes the earlier source, and within a source the lower stream:
    // our rings (added first, a stream per process in ProcId order), then the
    // sources added later, then the monitor.
    void addSource(EventSource* source, std::unique_ptr<EventSource> owned, bool last = false);
    // Drains every source into its staging (EventSource::drainStreams) and
    // restores each stream's order; returns the lowest promise (INT64_MAX when
    // there is none). A source's promise never goes back: the highest it gave holds.
    std::int64_t drainSources(SourceSink& sink, bool everything);
    // Appends to the Trace, in time order, every staged event before the
    // watermark: `wm` less a slack (the time every source is complete up to),
    // never below the last one; with `everything`, all. Returns the watermark used.
    std::int64_t merge(std::int64_t wm, bool everything);

private:
    struct Source;
    std::shared_ptr<Trace> m_trace;
    std::vector<std::unique_ptr<Source>> m_sources;
    std::size_t m_lastSources = 0;                   // how many at the end stay last
    std::vector<Pending*> m_live;                    // merge scratch: stagings with events left
    std::int64_t m_lastWatermark = INT64_MIN;
};

} // namespace parviz::detail
