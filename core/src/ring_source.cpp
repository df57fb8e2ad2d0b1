// Our per-process rings as an EventSource (ring_source.hpp).
#include "ring_source.hpp"
#include "parviz/machine_load.hpp"

#include <algorithm>
#include <climits>
#include <ctime>

namespace parviz::detail {

namespace {

std::int64_t monoNs() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

void RingSource::add(ProcId p, TraceRing* ring) {
    if (!ring) return;
    if (m_streamOf.size() <= p) m_streamOf.resize(p + 1u, -1);
    m_streamOf[p] = static_cast<std::int32_t>(m_rings.size());
    Ring r;
    r.ring = ring;
    r.proc = p;
    m_rings.push_back(std::move(r));
}

TraceRing* RingSource::ring(ProcId p) const noexcept {
    if (p >= m_streamOf.size() || m_streamOf[p] < 0) return nullptr;
    return m_rings[static_cast<std::size_t>(m_streamOf[p])].ring;
}

void RingSource::stopReading() noexcept {
    for (Ring& r : m_rings) r.ring->setReader(false);
}

// Moves a ring's published events to `ev`, still in trace ticks, and returns
// where the new ones start. finishDrain() then converts them; the converter
// must be calibrated in between, so that every event drained lies before its
// newest point (see TickConverter).
std::size_t RingSource::drainRaw(std::vector<Event>& ev, Ring& r) {
    // Drain straight into the stream. TraceRing::drain reserves exactly what it
    // needs, which would reallocate on every pass: keep headroom, doubling.
    constexpr std::size_t kHeadroom = 16384;
    if (ev.capacity() < ev.size() + kHeadroom) ev.reserve(std::max(2 * ev.capacity(), ev.size() + kHeadroom));
    const std::size_t from = ev.size();
    r.ring->drain(ev);
    return from;
}

// Converts the events drained from `from` on to ns, turns their text refs into
// Trace string ids (the text lives in that ring, whoever the event is about),
// and records any loss.
void RingSource::finishDrain(std::vector<Event>& ev, Ring& r, std::size_t from, std::int64_t now) {
    std::uint64_t lostText = 0, textEnd = 0;
    for (std::size_t i = from; i < ev.size(); ++i) {
        Event& e = ev[i];
        e.t = m_ticks.toNs(e.t);
        auto toId = [&](std::uint64_t& field) {
            if (isInlineTextRef(field)) {   // the text travelled in the ref itself
                unpackInlineText(field, m_text);
                field = m_trace.addString(m_text);
                return;
            }
            if (field == kNoString) return;
            if (r.ring->readTextInto(field, m_text)) textEnd = std::max(textEnd, field + 4 + m_text.size());
            else ++lostText;
            field = m_trace.addString(m_text);
        };
        if (e.kind == EventKind::ProcExit && e.proc == r.proc) {
            r.selfExit = true;
            r.selfExitCode = static_cast<std::int64_t>(e.a);
        }
        // Which fields are texts: the ring's wire format, not the stream's meaning.
        switch (e.kind) {
        case EventKind::Print: case EventKind::TaskStart: case EventKind::TaskEnd:
        case EventKind::Note: case EventKind::PoolResult: case EventKind::ProcJoin:
            toId(e.a);
            break;
        case EventKind::QueuePut: case EventKind::QueueGet:   // a QueueGet from an old writer may still carry one
            toId(e.b);
            break;
        case EventKind::MachineLoad:   // who took the cores (machine_load.hpp)
            if (e.flags & kMachineLoadOthers) toId(e.a);
            break;
        default: break;
        }
    }
    // Read text may be reused by the writer (see TraceRing::text). A record
    // is 4 bytes of length, then the bytes.
    if (textEnd) r.ring->consumedText(textEnd);
    const std::uint64_t lost = r.ring->lost();
    if (lost > r.lostReported) {
        ev.push_back(Event{now, r.proc, EventKind::Lost, 0, static_cast<std::int32_t>(r.proc), lost - r.lostReported, 0});
        r.lostReported = lost;
    }
    if (lostText)   // flags 1: texts (printed lines, names, previews) read back as "<lost text>"
        ev.push_back(Event{now, r.proc, EventKind::Lost, 1, static_cast<std::int32_t>(r.proc), lostText, 0});
    // Writers that waited for room: the wait is tracing overhead, recorded.
    const std::uint64_t waited = r.ring->waitedNs(), waits = r.ring->waits();
    if (waits > r.waitsReported) {
        ev.push_back(Event{now, r.proc, EventKind::WriterWait, 0, static_cast<std::int32_t>(r.proc),
                           waited - r.waitedReported, waits - r.waitsReported});
        r.waitedReported = waited;
        r.waitsReported = waits;
    }
}

std::int64_t RingSource::drainStreams(StreamBatch& out, SourceSink&, bool) {
    const std::int64_t now = monoNs();   // before any writing flag is read
    std::int64_t promise = INT64_MAX;
    m_drained.clear();
    for (std::size_t i = 0; i < m_rings.size(); ++i) {
        Ring& r = m_rings[i];
        if (!r.held.empty()) {   // its exit drain: already converted
            std::vector<Event>& ev = out.stream(i);
            ev.insert(ev.end(), r.held.begin(), r.held.end());
            r.held.clear();
            r.held.shrink_to_fit();
        }
        if (r.exited) continue;
        if (!r.ring->writing()) r.idleSeenAt = now;
        m_drained.emplace_back(i, drainRaw(out.stream(i), r));
        promise = std::min(promise, r.idleSeenAt);
    }
    m_ticks.calibrate();   // after the reads: every event read lies before this point
    for (auto [i, from] : m_drained) finishDrain(out.stream(i), m_rings[i], from, now);
    return promise;
}

std::int64_t RingSource::drain(std::vector<Event>& out, SourceSink& sink, bool everything) {
    struct Concat final : StreamBatch {
        std::vector<std::vector<Event>> streams;
        std::vector<Event>& stream(std::size_t i) override {
            if (streams.size() <= i) streams.resize(i + 1);
            return streams[i];
        }
    } batch;
    batch.streams.resize(m_rings.size());   // no resize while drainStreams holds a stream
    const std::int64_t promise = drainStreams(batch, sink, everything);
    for (const auto& s : batch.streams) out.insert(out.end(), s.begin(), s.end());
    return promise;
}

RingSource::ExitDrain RingSource::drainExited(ProcId p) {
    if (p >= m_streamOf.size() || m_streamOf[p] < 0) return {};
    Ring& r = m_rings[static_cast<std::size_t>(m_streamOf[p])];
    if (r.exited) return {};
    // The process is reaped: nothing can write its ring any more.
    // Into its own small buffer (no headroom: it is read once more, now).
    const std::int64_t now = monoNs();
    const std::size_t from = r.held.size();
    r.ring->drain(r.held);
    m_ticks.calibrate();
    finishDrain(r.held, r, from, now);
    r.exited = true;
    return {true, r.selfExit, r.selfExitCode};
}

} // namespace parviz::detail
