// The Collector (collector.hpp): merge, watermark, append.
#include "collector.hpp"

#include <algorithm>
#include <climits>

namespace parviz::detail {

namespace {
// Events closer than this to "now" wait one more pass: it absorbs the few
// nanoseconds a writer's flag store or a perf record can lag behind its clock.
constexpr std::int64_t kSlackNs = 1'000'000;
} // namespace

struct Collector::Source final : StreamBatch {
    std::unique_ptr<EventSource> owned;
    EventSource* source = nullptr;
    std::deque<Pending> streams;       // a deque: a stream's vector stays put while later ones are added
    std::vector<std::size_t> from;     // drain scratch: each stream's size before this drain
    std::int64_t promise = INT64_MIN;

    std::vector<Event>& stream(std::size_t i) override {
        while (streams.size() <= i) {
            streams.emplace_back();
            from.push_back(0);
        }
        return streams[i].ev;
    }
};

Collector::Collector(std::shared_ptr<Trace> trace) : m_trace(std::move(trace)) {}
Collector::~Collector() = default;

void Collector::addSource(EventSource* source, std::unique_ptr<EventSource> owned, bool last) {
    auto x = std::make_unique<Source>();
    x->source = source;
    x->owned = std::move(owned);
    if (last) {
        m_sources.push_back(std::move(x));
        ++m_lastSources;
    } else {
        m_sources.insert(m_sources.end() - static_cast<std::ptrdiff_t>(m_lastSources), std::move(x));
    }
}

std::int64_t Collector::drainSources(SourceSink& sink, bool everything) {
    std::int64_t wm = INT64_MAX;
    for (auto& x : m_sources) {
        for (std::size_t i = 0; i < x->streams.size(); ++i) x->from[i] = x->streams[i].ev.size();
        x->promise = std::max(x->promise, x->source->drainStreams(*x, sink, everything));
        for (std::size_t i = 0; i < x->streams.size(); ++i)
            if (x->streams[i].ev.size() > x->from[i]) x->streams[i].sortTail(x->from[i]);
        wm = std::min(wm, x->promise);
    }
    return wm;
}

std::int64_t Collector::merge(std::int64_t wm, bool everything) {
    // Saturating: before any source has promised anything the watermark is
    // INT64_MIN (since the half-full bell, a pass can come that early), and
    // INT64_MIN - kSlackNs overflowed (UBSan, the queue robustness tests).
    wm = everything ? INT64_MAX : wm < INT64_MIN + kSlackNs ? INT64_MIN : wm - kSlackNs;
    wm = std::max(wm, m_lastWatermark);
    m_lastWatermark = wm;

    // k-way merge of the sorted streams, up to the watermark. Ties go to the
    // earlier source, within it to the lower stream (our rings by ProcId, then
    // the added sources, then the monitor). k is small (the parent, the
    // workers, the monitor), so a linear scan for the two earliest fronts beats
    // a heap; the earliest stream then appends its whole run up to the second's front.
    m_live.clear();
    for (auto& x : m_sources)
        for (Pending& pd : x->streams)
            if (!pd.empty()) m_live.push_back(&pd);
    // Runs are often a single event (a put and its get alternate between two
    // rings): the merge writes straight into the Trace's free space and
    // publishes what it wrote once per pass (or per filled chunk), rather than
    // paying an append per run.
    std::size_t room = 0;
    Event* out = m_trace->appendSpace(room);
    Event* outStart = out;
    Event* outEnd = out + room;
    while (!m_live.empty()) {
        std::size_t best = 0, secondIdx = SIZE_MAX;
        std::int64_t bestT = m_live[0]->frontT(), second = INT64_MAX;
        for (std::size_t i = 1; i < m_live.size(); ++i) {
            const std::int64_t t = m_live[i]->frontT();
            if (t < bestT) { second = bestT; secondIdx = best; best = i; bestT = t; }
            else if (t < second) { second = t; secondIdx = i; }
        }
        if (!everything && bestT >= wm) break;   // nothing left behind the watermark
        Pending& pd = *m_live[best];
        const Event* ev = pd.ev.data();
        const std::size_t end = pd.ev.size();
        std::size_t i = pd.head;
        const bool winsTies = best < secondIdx;
        do {
            *out++ = ev[i++];
            if (out == outEnd) {   // this Trace chunk is full: publish it, go on in the next
                m_trace->commitAppend(static_cast<std::size_t>(out - outStart));
                outStart = out = m_trace->appendSpace(room);
                outEnd = out + room;
            }
        } while (i < end && (everything || ev[i].t < wm) && (ev[i].t < second || (ev[i].t == second && winsTies)));
        pd.head = i;
        if (pd.empty()) m_live.erase(m_live.begin() + static_cast<std::ptrdiff_t>(best));
    }
    m_trace->commitAppend(static_cast<std::size_t>(out - outStart));
    for (auto& x : m_sources)
        for (Pending& pd : x->streams) pd.compact();
    return wm;
}

} // namespace parviz::detail
