// The order in which the program receives a pool's results (views.hpp,
// buildResultOrder): from the PoolResult events the pool kind's main program
// writes as its method hands results over, so the panel shows what the caller
// really got and when, not what the method is supposed to do.
#include "parviz/explain.hpp"
#include "parviz/views.hpp"

#include <algorithm>
#include <unordered_map>

namespace parviz {
namespace {

// Two or more results this close together came from one call (map returning its list).
constexpr std::int64_t kTogetherNs = 1'000'000;

std::int64_t zeroOf(const RunModel& m, const Trace& trace) {
    if (m.runStartT() != kNever) return m.runStartT();
    return trace.size() ? trace[0].t : 0;
}

// When each task index ended (its last record that ended: a retried task counts by its last try).
std::unordered_map<std::int32_t, std::int64_t> taskEnds(const RunModel& m) {
    std::unordered_map<std::int32_t, std::int64_t> ends;
    for (const TaskRecord& r : m.tasks())
        if (r.outcome != TaskOutcome::Running && r.t1 != kOpenEnd) ends[r.index] = r.t1;
    return ends;
}

// Each task index's chunk (TaskRecord::chunk; absent: none), and when each
// chunk's last task ended by t (chunks whose tasks all ended by t only).
struct ChunkEnds {
    std::unordered_map<std::int32_t, std::int32_t> chunkOf;
    std::unordered_map<std::int32_t, std::int64_t> end;
};
ChunkEnds chunkEnds(const RunModel& m, std::int64_t t) {
    ChunkEnds c;
    std::unordered_map<std::int32_t, bool> open;
    for (const TaskRecord& r : m.tasks()) {
        if (r.chunk < 0) continue;
        c.chunkOf[r.index] = r.chunk;
        if (r.outcome == TaskOutcome::Running || r.t1 == kOpenEnd || r.t1 > t) open[r.chunk] = true;
        else if (auto [it, fresh] = c.end.try_emplace(r.chunk, r.t1); !fresh) it->second = std::max(it->second, r.t1);
    }
    for (const auto& [chunk, o] : open) c.end.erase(chunk);
    return c;
}


void classify(ResultOrderView& v) {
    const auto& a = v.arrived;
    v.inputOrder = std::is_sorted(a.begin(), a.end(),
                                  [](const ResultArrival& x, const ResultArrival& y) { return x.index < y.index; });
    v.finishOrder = std::all_of(a.begin(), a.end(), [](const ResultArrival& x) { return x.taskEnd != kNever; }) &&
                    std::is_sorted(a.begin(), a.end(),
                                   [](const ResultArrival& x, const ResultArrival& y) { return x.taskEnd < y.taskEnd; });
    // Chunk by chunk (a worker sends a chunk's results in one message): in
    // the order the chunks ended, where the tasks' own ends are not.
    v.chunkOrder = !v.finishOrder &&
                   std::all_of(a.begin(), a.end(), [](const ResultArrival& x) { return x.chunkEnd != kNever; }) &&
                   std::is_sorted(a.begin(), a.end(), [](const ResultArrival& x, const ResultArrival& y) {
                       return x.chunkEnd < y.chunkEnd;
                   });
    v.together = a.size() >= 2 && a.back().t - a.front().t <= kTogetherNs;
    if (a.size() < 2) return;
    if (v.together) v.order = v.inputOrder ? "input order, all at once" : "all at once";
    else if (v.inputOrder && v.finishOrder) v.order = "input order, which is also the order they finished";
    else if (v.finishOrder) v.order = "the order the tasks finished";
    else if (v.chunkOrder && v.inputOrder) v.order = "input order";
    else if (v.chunkOrder) v.order = "the order their chunks finished";
    else if (v.inputOrder) v.order = "input order";
    else v.order = "neither input order nor the order they finished";
}

std::string listOf(const ResultOrderView& v, std::int64_t zero, std::size_t maxNamed) {
    std::string out;
    const std::size_t shown = std::min(v.arrived.size(), std::max<std::size_t>(maxNamed, 1));
    for (std::size_t i = 0; i < shown; ++i) {
        const ResultArrival& r = v.arrived[i];
        out += (i ? ", " : "") + r.name + (r.failed ? " (its error)" : "");
        if (!r.failed && !r.value.empty()) out += " \u2192 " + r.value;   // what the task returned
        // "at": a name that is a number ("0 at 865 ms") never runs into its time.
        if (!v.together) out += " at " + formatInstant(r.t - zero);
    }
    if (shown < v.arrived.size()) out += ", \u2026 " + std::to_string(v.arrived.size() - shown) + " more";
    if (v.together) out += ", all at " + formatInstant(v.arrived.back().t - zero);
    return out;
}

} // namespace

ResultOrderView buildResultOrder(const RunModel& m, const Trace& trace, std::int64_t t, std::size_t maxNamed) {
    ResultOrderView v;
    if (m.results().empty()) return v;   // no pool results in this run: nothing to show
    const auto ends = taskEnds(m);
    const ChunkEnds chunks = chunkEnds(m, t);
    for (const ResultRecord& r : m.results()) {
        if (r.t > t) break;   // time order
        ResultArrival a;
        a.index = r.index;
        const std::string_view n = trace.string(r.name);
        a.name = n.empty() ? "#" + std::to_string(r.index) : std::string(n);
        if (r.value != kNoString) a.value = std::string(trace.string(r.value));
        a.t = r.t;
        if (auto it = ends.find(r.index); it != ends.end() && it->second <= t) a.taskEnd = it->second;
        if (auto c = chunks.chunkOf.find(r.index); c != chunks.chunkOf.end())
            if (auto e = chunks.end.find(c->second); e != chunks.end.end()) a.chunkEnd = e->second;
        a.failed = r.failed;
        v.arrived.push_back(std::move(a));
    }
    // Every task has one record (a task lost with its worker is not run again) and at most one result.
    const std::size_t all = std::max(m.tasks().size(), m.results().size());
    v.pending = all > v.arrived.size() ? all - v.arrived.size() : 0;
    v.finished = m.runEndT() != kNever && t >= m.runEndT();
    classify(v);
    const std::int64_t zero = zeroOf(m, trace);
    v.list = listOf(v, zero, maxNamed);
    // "the program receives", not "results arrive": the workers' results
    // reach the pool's result queue first, one message each (Why says so),
    // and the caller only when its call hands them over (map: all at once).
    v.text = "the program receives: " + (v.arrived.empty() ? std::string("none yet") : v.list);
    if (!v.order.empty()) v.text += " (" + v.order + ")";
    if (v.pending > 0) v.text += "; " + std::to_string(v.pending) + (v.finished ? " never received" : " to come");
    return v;
}

} // namespace parviz
