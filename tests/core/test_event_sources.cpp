// Event sources (event_source.hpp) through the real Collector: a test source
// fed from a vector hands synthetic events to a live Recorder, the way a
// traced Python program or the core monitor does.
#include "parviz/clock.hpp"
#include "parviz/event_source.hpp"
#include "parviz/python_trace_source.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <string>
#include <vector>

using namespace parviz;

namespace {

// One drain() per step: the step's events (proc 0 of a step stands for the
// process this source registers; text becomes a string id in `a`) and the
// promise that drain() returns. Once the steps run out it promises INT64_MAX.
// While `gate` is false it hands nothing and promises nothing (INT64_MIN), so
// a test can add several sources before the Collector merges any.
struct Step {
    struct Ev {
        std::int64_t t;
        EventKind kind;
        std::string text;   // "" : none
    };
    std::vector<Ev> events;
    std::int64_t promise;
};

class VectorSource final : public EventSource {
public:
    VectorSource(std::string procName, std::deque<Step> steps, const std::atomic<bool>* gate = nullptr)
        : m_name(std::move(procName)), m_steps(std::move(steps)), m_gate(gate) {}
    std::int64_t drain(std::vector<Event>& out, SourceSink& sink, bool everything) override {
        if (m_gate && !m_gate->load() && !everything) return INT64_MIN;
        if (!m_registered) {
            m_proc = sink.addProcess(m_name, ProcRole::Process, 0);
            m_registered = true;
        }
        do {
            if (m_steps.empty()) return INT64_MAX;
            for (const auto& e : m_steps.front().events)
                out.push_back(Event{e.t, m_proc, e.kind, 0, 0, e.text.empty() ? kNoString : sink.addString(e.text), 0});
            m_last = m_steps.front().promise;
            m_steps.pop_front();
        } while (everything);
        return m_last;
    }

private:
    std::string m_name;
    std::deque<Step> m_steps;
    const std::atomic<bool>* m_gate;
    ProcId m_proc = 0;
    bool m_registered = false;
    std::int64_t m_last = INT64_MIN;
};

constexpr std::int64_t kMs = 1'000'000;

// The events of the process named `name`, in Trace order.
std::vector<Event> eventsOf(const Trace& tr, const std::string& name) {
    const TraceMeta meta = tr.meta();
    std::vector<Event> out;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].proc < meta.procs.size() && meta.procs[tr[i].proc].name == name) out.push_back(tr[i]);
    return out;
}

} // namespace

TEST_CASE("two vector-fed sources are merged by the Collector into one time-sorted trace, ties to the first added",
          "[recorder][sources]") {
    Recorder rec(RecorderOptions{.cores = CorePref::Off});
    const std::int64_t t0 = monoNow() - 1000 * kMs;   // before RunStart: the merge puts them first
    std::atomic<bool> gate{false};
    rec.addSource(std::make_unique<VectorSource>(
        "left",
        std::deque<Step>{{{{t0 + 1 * kMs, EventKind::Print, "l1"}, {t0 + 3 * kMs, EventKind::Print, "l3"},
                           {t0 + 5 * kMs, EventKind::Print, "l5"}},
                          INT64_MAX}},
        &gate));
    rec.addSource(std::make_unique<VectorSource>(
        "right",
        std::deque<Step>{{{{t0 + 2 * kMs, EventKind::Print, "r2"}, {t0 + 3 * kMs, EventKind::Print, "r3"},
                           {t0 + 4 * kMs, EventKind::Print, "r4"}},
                          INT64_MAX}},
        &gate));
    gate = true;
    rec.flush();   // the Collector's own passes merge them
    rec.finish();
    const Trace& tr = rec.trace();
    std::vector<std::string> printed;
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (i > 0) CHECK(tr[i - 1].t <= tr[i].t);
        if (tr[i].kind == EventKind::Print) printed.emplace_back(tr.string(tr[i].a));
    }
    CHECK(printed == std::vector<std::string>{"l1", "r2", "l3", "r3", "r4", "l5"});
    CHECK(tr.clampedEvents() == 0);
    CHECK(eventsOf(tr, "left").size() == 3);
    CHECK(eventsOf(tr, "right").size() == 3);
}

TEST_CASE("an event a source delivers earlier than it promised is clamped to the trace's last time and counted",
          "[recorder][sources]") {
    Recorder rec(RecorderOptions{.cores = CorePref::Off});
    const std::int64_t t0 = monoNow() - 1000 * kMs;
    // First drain: two events, and the promise that nothing earlier than
    // t0 + 20 ms will follow. Second drain: an event at t0 + 5 ms anyway.
    rec.addSource(std::make_unique<VectorSource>(
        "liar", std::deque<Step>{{{{t0 + 10 * kMs, EventKind::Print, "a"}, {t0 + 12 * kMs, EventKind::Print, "b"}},
                                  t0 + 20 * kMs},
                                 {{{t0 + 5 * kMs, EventKind::Print, "late"}}, INT64_MAX}}));
    rec.finish();
    const Trace& tr = rec.trace();
    const std::vector<Event> ev = eventsOf(tr, "liar");
    REQUIRE(ev.size() == 3);
    CHECK(tr.string(ev[0].a) == "a");
    CHECK(tr.string(ev[1].a) == "b");
    CHECK(tr.string(ev[2].a) == "late");
    CHECK(ev[0].t == t0 + 10 * kMs);
    CHECK(ev[1].t == t0 + 12 * kMs);
    CHECK(ev[2].t == t0 + 12 * kMs);   // clamped to the last time the trace had
    CHECK(tr.clampedEvents() == 1);
    for (std::size_t i = 1; i < tr.size(); ++i) CHECK(tr[i - 1].t <= tr[i].t);
}

namespace {

// A source of several streams (event_source.hpp's drainStreams), as our rings
// are: each step hands stream i its events; ids in `obj` say which event it is.
class StreamsSource final : public EventSource {
public:
    struct StreamStep {
        std::vector<std::vector<std::int64_t>> streams;   // per stream: event times, each stream in order
        std::int64_t promise;
    };
    // Times are offsets from t0.
    StreamsSource(std::int64_t t0, std::deque<StreamStep> steps, const std::atomic<bool>* gate)
        : m_t0(t0), m_steps(std::move(steps)), m_gate(gate) {}
    std::int64_t drain(std::vector<Event>&, SourceSink&, bool) override { return INT64_MIN; }   // never called
    std::int64_t drainStreams(StreamBatch& out, SourceSink& sink, bool everything) override {
        if (!m_gate->load() && !everything) return INT64_MIN;
        if (!m_registered) {
            m_proc = sink.addProcess("streams", ProcRole::Process, 0);
            m_registered = true;
        }
        do {
            if (m_steps.empty()) return INT64_MAX;
            const StreamStep& st = m_steps.front();
            for (std::size_t i = 0; i < st.streams.size(); ++i)
                for (std::int64_t t : st.streams[i])
                    out.stream(i).push_back(Event{m_t0 + t, m_proc, EventKind::Note, 0, m_next++, kNoString, i});
            m_last = st.promise == INT64_MAX ? INT64_MAX : m_t0 + st.promise;
            m_steps.pop_front();
        } while (everything);
        return m_last;
    }

private:
    std::int64_t m_t0;
    std::deque<StreamStep> m_steps;
    const std::atomic<bool>* m_gate;
    ProcId m_proc = 0;
    bool m_registered = false;
    std::int32_t m_next = 0;
    std::int64_t m_last = INT64_MIN;
};

} // namespace

TEST_CASE("a source of several streams is merged stream by stream: nothing lost, ties to the lower stream, then the next source",
          "[recorder][sources]") {
    Recorder rec(RecorderOptions{.cores = CorePref::Off});
    const std::int64_t t0 = monoNow() - 1000 * kMs;
    std::atomic<bool> gate{false};
    // Two drains. Streams 1 and 2 hand events at 3.5 and 4 ms in the second
    // drain, after stream 0's 5 ms and 6 ms were staged: the promise (3.5 ms)
    // held those back, so the later-handed ones still go first. Times 2 ms and
    // 6 ms are ties between streams and with the next source.
    rec.addSource(std::make_unique<StreamsSource>(
        t0,
        std::deque<StreamsSource::StreamStep>{
            {{{1 * kMs, 2 * kMs, 5 * kMs, 6 * kMs}, {2 * kMs, 3 * kMs}, {}}, 3 * kMs + kMs / 2},
            {{{7 * kMs}, {4 * kMs, 6 * kMs}, {3 * kMs + kMs / 2}}, INT64_MAX}},
        &gate));
    rec.addSource(std::make_unique<VectorSource>(
        "after", std::deque<Step>{{{{t0 + 2 * kMs, EventKind::Print, "v2"}, {t0 + 6 * kMs, EventKind::Print, "v6"}}, INT64_MAX}},
        &gate));
    gate = true;
    rec.flush();
    rec.finish();
    const Trace& tr = rec.trace();
    std::vector<std::string> order;   // "stream:id" for the streams' events, the text for the vector's
    for (std::size_t i = 0; i < tr.size(); ++i) {
        if (i > 0) CHECK(tr[i - 1].t <= tr[i].t);
        if (tr[i].kind == EventKind::Note && tr[i].a == kNoString)
            order.push_back(std::to_string(tr[i].b) + ":" + std::to_string(tr[i].obj));
        if (tr[i].kind == EventKind::Print) order.emplace_back(tr.string(tr[i].a));
    }
    // ids in hand-over order: stream 0: 0..3 (1,2,5,6 ms), stream 1: 4,5 (2,3 ms);
    // second drain: stream 0: 6 (7 ms), stream 1: 7,8 (4,6 ms), stream 2: 9 (3.5 ms).
    CHECK(order == std::vector<std::string>{"0:0", "0:1", "1:4", "v2", "1:5", "2:9", "1:7", "0:2", "0:3", "1:8",
                                            "v6", "0:6"});
    CHECK(tr.clampedEvents() == 0);
}

TEST_CASE("a traced map chunk's result preview splits into its tasks' results, up to what it elides or cuts",
          "[trace][python]") {
    using V = std::vector<std::string>;
    CHECK(parviz::splitListPreview("[25]") == V{"25"});
    CHECK(parviz::splitListPreview("[1, 4, 9]") == V{"1", "4", "9"});
    CHECK(parviz::splitListPreview("['a, b', (1, 2), [3, [4]], {'k': 'v]'}, \"q'\"]") ==
          V{"'a, b'", "(1, 2)", "[3, [4]]", "{'k': 'v]'}", "\"q'\""});
    CHECK(parviz::splitListPreview("[1, 2, 3, 4, 5, 6, ...]") == V{"1", "2", "3", "4", "5", "6"});   // reprlib
    CHECK(parviz::splitListPreview("['aaaa', 'bbbbbbb") == V{"'aaaa'"});   // cut at the ring's text limit
    CHECK(parviz::splitListPreview("[]").empty());
    CHECK(parviz::splitListPreview("25").empty());
    CHECK(parviz::splitListPreview("[1], [2]").empty());   // not one list
    CHECK(parviz::splitListPreview("['it\\'s', 2]") == V{"'it\\'s'", "2"});
}
