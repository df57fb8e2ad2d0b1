// buildLanes: the visible time window -> pixel records (views.hpp).
//
// Cost per row is O(records x log n): the first visible span is found by binary
// search, and a run of spans narrower than minSpanPx is skipped by another
// binary search, its worst state taken from the row's O(1) range-max table.
#include "parviz/views.hpp"

#include "parviz/explain.hpp"   // formatSeconds

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz {

float timeToPx(const Viewport& vp, std::int64_t t) noexcept {
    double span = static_cast<double>(std::max<std::int64_t>(vp.tEnd - vp.tBegin, 1));
    return static_cast<float>(static_cast<double>(t - vp.tBegin) * vp.widthPx / span);
}

std::int64_t pxToTime(const Viewport& vp, float x) noexcept {
    double span = static_cast<double>(std::max<std::int64_t>(vp.tEnd - vp.tBegin, 1));
    double w = vp.widthPx > 0 ? vp.widthPx : 1.0;
    return vp.tBegin + static_cast<std::int64_t>(std::floor(static_cast<double>(x) * span / w));
}

void buildRow(const SpanRow& row, const Viewport& vp, std::int64_t now, std::vector<SpanRecord>& out,
              LaneStats& stats) {
    const std::size_t n = row.size();
    if (n == 0 || vp.tEnd <= vp.tBegin) return;
    const float minPx = std::max(vp.minSpanPx, 0.01f);
    auto endOf = [now](const Span& s) { return s.t1 == kOpenEnd ? std::max(now, s.t0) : s.t1; };

    std::size_t i = row.firstEndingAfter(vp.tBegin, 0, &stats.searchProbes);
    float cursor = 0;   // records never overlap: each starts where the previous ended
    while (i < n && cursor < vp.widthPx) {
        const Span& s = row[i];
        ++stats.spansVisited;
        if (s.t0 >= vp.tEnd) break;
        const std::int64_t end = endOf(s);
        if (end <= vp.tBegin) { ++i; continue; }   // an open span whose "now" is left of the view
        const float x0 = std::max(timeToPx(vp, s.t0), cursor);
        float x1 = std::min(timeToPx(vp, end), vp.widthPx);

        SpanRecord r;
        r.x0 = x0;
        r.proc = s.proc;
        r.value = s.value;
        std::size_t j = i + 1;
        if (x1 - x0 >= minPx) {
            r.state = s.state;
            r.label = s.label;
            r.fraction = static_cast<float>(s.value) / 1000.0f;
        } else {
            // Merge every following span that ends within minPx of x0; a span that
            // ends later stays its own record so a long span never takes a short
            // span's state.
            const std::int64_t cut = pxToTime(vp, x0 + minPx);
            j = std::max(row.firstEndingAfter(cut, i + 1, &stats.searchProbes), i + 1);
            const Span& last = row[j - 1];
            if (j - 1 != i) ++stats.spansVisited;
            x1 = std::min(std::max(timeToPx(vp, endOf(last)), x0 + minPx), std::max(vp.widthPx, x0));
            r.state = row.worstState(i, j);
            r.mergedCount = static_cast<std::uint32_t>(j - i);
            if (j - i == 1) {
                r.label = s.label;
                r.fraction = static_cast<float>(s.value) / 1000.0f;
            } else {
                std::int64_t covered = row.coveredNs(i, j);
                r.fraction = covered > 0 ? static_cast<float>(static_cast<double>(row.busyNs(i, j)) /
                                                              static_cast<double>(covered))
                                         : 0.0f;
            }
        }
        r.x1 = x1;
        out.push_back(r);
        ++stats.records;
        cursor = x1;
        i = j;
    }
}

std::vector<AxisTick> buildAxis(const Viewport& vp, std::int64_t zero) {
    std::vector<AxisTick> ticks;
    if (vp.tEnd <= vp.tBegin || vp.widthPx <= 0) return ticks;
    const double rangeS = static_cast<double>(vp.tEnd - vp.tBegin) / 1e9;
    const double minStep = rangeS * std::max(vp.minTickPx, 1.0f) / vp.widthPx;
    double base = std::pow(10.0, std::floor(std::log10(minStep)));
    double step = base;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (base * m >= minStep) { step = base * m; break; }
    }
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    const double beginS = static_cast<double>(vp.tBegin - zero) / 1e9;
    const double endS = static_cast<double>(vp.tEnd - zero) / 1e9;
    for (double k = std::ceil(beginS / step); k * step <= endS && ticks.size() < 1000; k += 1) {
        AxisTick tk;
        tk.seconds = k * step;
        if (std::fabs(tk.seconds) < step * 1e-6) tk.seconds = 0;   // no "-0.0 s"
        tk.x = timeToPx(vp, zero + static_cast<std::int64_t>(std::llround(tk.seconds * 1e9)));
        char buf[48];
        std::snprintf(buf, sizeof buf, "%.*f s", decimals, tk.seconds);
        tk.label = buf;
        ticks.push_back(std::move(tk));
    }
    return ticks;
}

std::size_t LaneRecords::laneOf(LaneKind k, std::int32_t id) const noexcept {
    for (std::size_t i = 0; i < lanes.size(); ++i)
        if (lanes[i].kind == k && lanes[i].id == id) return i;
    return lanes.size();
}

namespace {

Lane& laneSlot(LaneRecords& out, std::size_t& used, LaneKind kind, std::int32_t id, std::string title,
               std::initializer_list<RowKind> rows) {
    if (out.lanes.size() <= used) out.lanes.emplace_back();
    Lane& l = out.lanes[used++];
    l.kind = kind;
    l.id = id;
    l.title = std::move(title);
    l.pid = 0;
    l.ownLoad.clear();
    l.runnable.clear();
    l.rows.resize(rows.size());
    std::size_t r = 0;
    for (RowKind k : rows) {
        l.rows[r].kind = k;
        l.rows[r].spans.clear();
        ++r;
    }
    return l;
}

// First element of a time-sorted range whose key >= t.
template <class V, class Key>
std::size_t lowerByTime(const V& v, std::int64_t t, Key key, std::uint64_t& probes) {
    std::size_t lo = 0, hi = v.size();
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        ++probes;
        if (key(v[mid]) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

// The share of an os-row record's time the process was runnable without a
// core: a whole record is Runnable or not; a merged one carries the share of
// its closed spans' time (SpanRow::busyNs of an os row is its runnable time).
float runnableShare(const SpanRecord& r) noexcept {
    if (r.mergedCount <= 1) return r.state == LaneState::Runnable ? 1.0f : 0.0f;
    return std::clamp(r.fraction, 0.0f, 1.0f);
}

// Lane::runnable: the os records runnable for at least half their time, cut
// to the task records (both left to right, non-overlapping), adjacent
// pieces joined. O(os records + task records).
void runnableInTasks(const std::vector<SpanRecord>& os, const std::vector<SpanRecord>& tasks, ProcId proc,
                     std::vector<SpanRecord>& out) {
    std::size_t t = 0;
    for (const SpanRecord& o : os) {
        const float share = runnableShare(o);
        if (share < 0.5f) continue;
        while (t < tasks.size() && tasks[t].x1 <= o.x0) ++t;
        for (std::size_t k = t; k < tasks.size() && tasks[k].x0 < o.x1; ++k) {
            const float x0 = std::max(o.x0, tasks[k].x0), x1 = std::min(o.x1, tasks[k].x1);
            if (x1 <= x0) continue;
            if (!out.empty() && out.back().x1 >= x0 - 0.01f) {
                // Joined: the share weighted by width.
                SpanRecord& b = out.back();
                const float wb = b.x1 - b.x0, w = x1 - x0;
                b.fraction = (b.fraction * wb + share * w) / (wb + w);
                b.x1 = std::max(b.x1, x1);
                ++b.mergedCount;
                continue;
            }
            SpanRecord r;
            r.x0 = x0;
            r.x1 = x1;
            r.state = LaneState::Runnable;
            r.proc = proc;
            r.fraction = share;
            out.push_back(r);
        }
    }
}

// Core lanes (every core the machine reports, plus any the data names), then
// process lanes, parent first; the fork server is machinery, not the tutorial.
// Returns the lane index of each ProcId (SIZE_MAX: no lane).
std::vector<std::size_t> buildLaneRows(const RunModel& index, const TraceMeta& meta, const Viewport& vp,
                                       std::int64_t now, LaneRecords& out) {
    std::size_t used = 0;
    const std::size_t cores = std::max(index.cores().size(), static_cast<std::size_t>(std::max(meta.totalCores, 0)));
    for (std::size_t c = 0; c < cores; ++c) {
        Lane& l = laneSlot(out, used, LaneKind::Core, static_cast<std::int32_t>(c), "CPU " + std::to_string(c),
                           {RowKind::CoreProcs, RowKind::CoreLoad});
        if (c < index.cores().size()) {
            buildRow(index.cores()[c].procs, vp, now, l.rows[0].spans, out.stats);
            // Other programs as Stats counts them: the samples less the run's own processes.
            buildRow(index.cores()[c].other, vp, now, l.rows[1].spans, out.stats);
            buildRow(index.cores()[c].own, vp, now, l.ownLoad, out.stats);
        }
    }
    const std::size_t procs = std::max(index.procs().size(), meta.procs.size());
    std::vector<std::size_t> laneOfProc(procs, SIZE_MAX);
    for (std::size_t p = 0; p < procs; ++p) {
        if (p < meta.procs.size() && meta.procs[p].role == ProcRole::ForkServer) continue;
        const ProcLaneIndex* pl = p < index.procs().size() ? &index.procs()[p] : nullptr;
        if (p >= meta.procs.size() && !(pl && pl->seen)) continue;
        laneOfProc[p] = used;
        Lane& l = laneSlot(out, used, LaneKind::Proc, static_cast<std::int32_t>(p),
                           procName(meta, static_cast<ProcId>(p)),
                           {RowKind::Program, RowKind::Os, RowKind::Tasks, RowKind::Locks});
        if (!pl) continue;
        l.pid = pl->pid;
        buildRow(pl->tasks, vp, now, l.rows[2].spans, out.stats);
        if (vp.tasksOnly) {
            for (std::size_t r : {0, 1, 3}) l.rows[r].spans.clear();
            continue;
        }
        buildRow(pl->program, vp, now, l.rows[0].spans, out.stats);
        buildRow(pl->os, vp, now, l.rows[1].spans, out.stats);
        buildRow(pl->locks, vp, now, l.rows[3].spans, out.stats);
        runnableInTasks(l.rows[1].spans, l.rows[2].spans, static_cast<ProcId>(p), l.runnable);
    }
    out.lanes.resize(used);
    return laneOfProc;
}

// Queue arrows: items put or taken inside the view (thinned evenly past the cap).
void buildArrows(const RunModel& index, const Viewport& vp, const std::vector<std::size_t>& laneOfProc,
                 LaneRecords& out) {
    auto laneFor = [&](ProcId p) { return p < laneOfProc.size() ? laneOfProc[p] : SIZE_MAX; };
    for (const QueueIndex& q : index.queues()) {
        auto putKey = [](const QueueItemRecord& r) { return r.putT; };
        std::size_t p0 = lowerByTime(q.items, vp.tBegin, putKey, out.stats.searchProbes);
        std::size_t p1 = lowerByTime(q.items, vp.tEnd + 1, putKey, out.stats.searchProbes);
        struct GetView {
            const QueueIndex& q;
            std::size_t size() const { return q.getsByTime.size(); }
            const QueueItemRecord& operator[](std::size_t k) const { return q.items[q.getsByTime[k]]; }
        } gets{q};
        auto getKey = [](const QueueItemRecord& r) { return r.getT; };
        std::size_t g0 = lowerByTime(gets, vp.tBegin, getKey, out.stats.searchProbes);
        std::size_t g1 = lowerByTime(gets, vp.tEnd + 1, getKey, out.stats.searchProbes);
        const std::size_t total = (p1 - p0) + (g1 - g0);
        const std::size_t cap = std::max<std::size_t>(vp.maxArrows, 1);
        const std::size_t stride = total > cap ? (total + cap - 1) / cap : 1;
        if (stride > 1) out.arrowsThinned = true;
        auto add = [&](const QueueItemRecord& r) {
            // A dropped item went to nobody: no arrow.
            if (r.getT == kNever || r.putProc == kNoProc || r.getProc == kNoProc || r.discarded) return;
            std::size_t from = laneFor(r.putProc), to = laneFor(r.getProc);
            if (from == SIZE_MAX || to == SIZE_MAX) return;
            out.arrows.push_back({timeToPx(vp, r.putT), timeToPx(vp, r.getT), from, to, q.id, r.item, r.preview});
        };
        for (std::size_t k = p0; k < p1; k += stride) add(q.items[k]);
        for (std::size_t k = g0; k < g1; k += stride)
            if (gets[k].putT < vp.tBegin) add(gets[k]);   // put inside the view: added above
    }
}

// Lock marks: acquisitions and releases inside the view.
void buildLockMarks(const RunModel& index, const Viewport& vp, const std::vector<std::size_t>& laneOfProc,
                    LaneRecords& out) {
    auto laneFor = [&](ProcId p) { return p < laneOfProc.size() ? laneOfProc[p] : SIZE_MAX; };
    for (const LockIndex& l : index.locks()) {
        auto acqKey = [](const LockHold& h) { return h.acquireT; };
        std::size_t h0 = lowerByTime(l.holds, vp.tBegin, acqKey, out.stats.searchProbes);
        if (h0 > 0) --h0;   // the hold before may be released inside the view
        std::size_t h1 = lowerByTime(l.holds, vp.tEnd + 1, acqKey, out.stats.searchProbes);
        const std::size_t total = 2 * (h1 - h0);
        const std::size_t cap = std::max<std::size_t>(vp.maxMarks, 2);
        const std::size_t stride = total > cap ? (total + cap - 1) / cap : 1;
        if (stride > 1) out.marksThinned = true;
        for (std::size_t k = h0; k < h1; k += stride) {
            const LockHold& h = l.holds[k];
            std::size_t lane = laneFor(h.proc);
            if (lane == SIZE_MAX) continue;
            if (h.acquireT >= vp.tBegin && h.acquireT <= vp.tEnd)
                out.lockMarks.push_back({timeToPx(vp, h.acquireT), lane, l.id,
                                         h.ownerDied ? LockMarkKind::OwnerDied : LockMarkKind::Acquire});
            if (h.releaseT != kOpenEnd && h.releaseT >= vp.tBegin && h.releaseT <= vp.tEnd)
                out.lockMarks.push_back({timeToPx(vp, h.releaseT), lane, l.id, LockMarkKind::Release});
        }
    }
}

// Pause shading.
void buildPauses(const RunModel& index, const Viewport& vp, std::int64_t now, LaneRecords& out) {
    const auto& pauses = index.pauses();
    auto pauseEnd = [](const PauseInterval& p) { return p.t1; };
    for (std::size_t k = lowerByTime(pauses, vp.tBegin + 1, pauseEnd, out.stats.searchProbes);
         k < pauses.size() && pauses[k].t0 < vp.tEnd; ++k) {
        std::int64_t t1 = pauses[k].t1 == kOpenEnd ? std::max(now, pauses[k].t0) : pauses[k].t1;
        float x0 = std::max(timeToPx(vp, pauses[k].t0), 0.0f), x1 = std::min(timeToPx(vp, t1), vp.widthPx);
        if (x1 > x0) out.pauses.push_back({x0, x1});
    }
}

} // namespace

void buildLanes(const RunModel& index, const Trace& trace, const Viewport& vp, LaneRecords& out) {
    const TraceMeta meta = trace.meta();
    const std::int64_t now = vp.now != 0 ? vp.now : index.now();
    out.stats = {};
    out.arrows.clear();
    out.lockMarks.clear();
    out.pauses.clear();
    out.arrowsThinned = out.marksThinned = false;
    out.coreSource = toString(meta.coreSource);
    const std::vector<std::size_t> laneOfProc = buildLaneRows(index, meta, vp, now, out);
    if (!vp.tasksOnly) {
        buildArrows(index, vp, laneOfProc, out);
        buildLockMarks(index, vp, laneOfProc, out);
    }
    buildPauses(index, vp, now, out);
    out.ticks = buildAxis(vp, trace.zero());
}

LaneRecords buildLanes(const RunModel& index, const Trace& trace, const Viewport& vp) {
    LaneRecords out;
    buildLanes(index, trace, vp, out);
    return out;
}

void buildActivity(const LaneRecords& recs, float widthPx, float binPx, std::vector<ActivityBin>& out) {
    out.clear();
    binPx = std::max(binPx, 1.0f);
    const auto bins = static_cast<std::size_t>(std::ceil(std::max(widthPx, 0.0f) / binPx));
    out.resize(bins);
    for (std::size_t b = 0; b < bins; ++b) {
        out[b].x0 = static_cast<float>(b) * binPx;
        out[b].x1 = std::min(widthPx, out[b].x0 + binPx);
    }
    if (bins == 0) return;
    // Adds weight x (the part of [x0, x1) in each bin, as a fraction of the bin) to field f.
    auto spread = [&](float x0, float x1, float weight, float ActivityBin::*f, std::vector<float>* perBin) {
        x0 = std::max(x0, 0.0f);
        x1 = std::min(x1, widthPx);
        if (x1 <= x0) return;
        const auto first = static_cast<std::size_t>(x0 / binPx), last = std::min(bins - 1, static_cast<std::size_t>(x1 / binPx));
        for (std::size_t b = first; b <= last; ++b) {
            const float w = out[b].x1 - out[b].x0;
            const float cover = (std::min(x1, out[b].x1) - std::max(x0, out[b].x0)) / std::max(w, 1e-6f);
            if (cover <= 0) continue;
            if (perBin) (*perBin)[b] += cover * weight;
            else out[b].*f += cover * weight;
        }
    };
    int cores = 0;
    std::vector<float> workers(bins), own(bins), other(bins);
    for (const Lane& lane : recs.lanes) {
        if (lane.kind != LaneKind::Core) continue;
        ++cores;
        std::fill(workers.begin(), workers.end(), 0.0f);
        std::fill(own.begin(), own.end(), 0.0f);
        std::fill(other.begin(), other.end(), 0.0f);
        for (const RowRecords& row : lane.rows)
            for (const SpanRecord& s : row.spans) {
                if (row.kind == RowKind::CoreProcs) spread(s.x0, s.x1, 1.0f, nullptr, &workers);
                else if (row.kind == RowKind::CoreLoad) spread(s.x0, s.x1, std::clamp(s.fraction, 0.0f, 1.0f), nullptr, &other);
            }
        for (const SpanRecord& s : lane.ownLoad) spread(s.x0, s.x1, std::clamp(s.fraction, 0.0f, 1.0f), nullptr, &own);
        for (std::size_t b = 0; b < bins; ++b) {
            const float w = std::min(workers[b], 1.0f);
            const float p = std::min(own[b], 1.0f - w);
            out[b].workers += w;
            out[b].parviz += p;
            out[b].other += std::min(other[b], 1.0f - w - p);
        }
    }
    for (ActivityBin& b : out) b.idle = std::max(0.0f, static_cast<float>(cores) - b.workers - b.parviz - b.other);
}

std::vector<RowWord> placeRowWords(const std::vector<RowSpanIn>& spans, const std::vector<RowChunkIn>& chunks,
                                   const std::function<float(const std::string&)>& width, float pad) {
    std::vector<RowWord> out;
    auto free = [&](float a, float b) {
        for (const RowWord& w : out)
            if (a < w.x1 + pad && b > w.x0 - pad) return false;
        return true;
    };
    // Chunks first: a label stands for the names under it.
    std::vector<std::pair<float, float>> taken;
    for (std::size_t c = 0; c < chunks.size(); ++c) {
        const RowChunkIn& ch = chunks[c];
        for (const std::string& word : ch.words) {
            const float w = width(word);
            if (word.empty() || w + 2 * pad > ch.x1 - ch.x0) continue;
            const float x0 = std::round((ch.x0 + ch.x1 - w) / 2);
            if (!free(x0, x0 + w)) continue;
            out.push_back({x0, x0 + w, word, SIZE_MAX, c});
            taken.emplace_back(ch.x0, ch.x1);
            break;
        }
    }
    // One task drawn as touching pieces with one name (a live span beside its
    // recorded part, a split at a merge bin) is named once, on the whole: the
    // classroom walk read "T8 T8" and "3 3" on one task mid-run.
    std::vector<std::size_t> order(spans.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return spans[a].x0 < spans[b].x0; });
    std::vector<std::pair<std::size_t, RowSpanIn>> named;   // first piece's index, the whole
    for (std::size_t i : order) {
        const RowSpanIn& sp = spans[i];
        if (sp.name.empty()) continue;
        if (!named.empty() && named.back().second.name == sp.name && sp.x0 <= named.back().second.x1 + 1)
            named.back().second.x1 = std::max(named.back().second.x1, sp.x1);
        else named.push_back({i, sp});
    }
    for (const auto& [i, sp] : named) {
        const float mid = (sp.x0 + sp.x1) / 2;
        bool under = false;
        for (const auto& [a, b] : taken) under = under || (mid >= a && mid <= b);
        // Nor beside its own chunk's word: a chunk of one task is labelled by
        // the task's name ("T8"), which the span must not repeat.
        for (const RowWord& w : out)
            under = under || (w.text == sp.name && w.chunk != SIZE_MAX && chunks[w.chunk].x0 < sp.x1 + 1 &&
                              chunks[w.chunk].x1 > sp.x0 - 1);
        if (under) continue;
        const float w = width(sp.name);
        if (w + 2 * pad > sp.x1 - sp.x0) continue;
        const float x0 = std::round((sp.x0 + sp.x1 - w) / 2);
        if (!free(x0, x0 + w)) continue;
        out.push_back({x0, x0 + w, sp.name, i, SIZE_MAX});
    }
    return out;
}

std::string describeTaskAt(const RunModel& m, const Trace& trace, ProcId p, std::int32_t index, std::int64_t at,
                           std::int64_t zero) {
    const TaskRecord* r = m.taskOf(p, index);
    if (!r) return "";
    const std::string name = "task " + (r->name != kNoString ? std::string(trace.string(r->name)) : "#" + std::to_string(index));
    if (r->t0 != kNever && at < r->t0) return name + ": starts at " + formatInstant(r->t0 - zero) + ", after the cursor";
    if (r->t1 == kOpenEnd || at < r->t1)
        return r->t0 == kNever ? name + ": running" : name + ": running since " + formatInstant(r->t0 - zero);
    const std::string end = formatInstant(r->t1 - zero);
    if (r->outcome == TaskOutcome::Done) return name + ": done at " + end;
    return name + ": " + describeTaskOutcome(m, trace, p, index) + " (ended at " + end + ")";
}

LeadIn programLeadIn(const RunModel& m, const Trace& trace, std::int64_t end) {
    LeadIn l;
    if (trace.meta().work != kTracedProgramWork || !trace.size()) return l;
    const std::int64_t zero = m.runStartT() != kNever ? m.runStartT() : trace[0].t;
    bool process = false;
    const std::size_t n = std::min(trace.size(), m.consumed());
    for (std::size_t i = 0; i < n; ++i) {
        const Event& e = trace[i];
        const bool child = e.proc != kParentProc && e.kind == EventKind::ProcStart;
        bool mp = false;
        switch (e.kind) {
        case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty: case EventKind::QueueFull:
        case EventKind::LockWait: case EventKind::LockAcquire: case EventKind::LockRelease: case EventKind::LockTimeout:
        case EventKind::SyncWait: case EventKind::SyncWake: case EventKind::SyncSignal: case EventKind::TaskStart:
        case EventKind::TaskEnd: case EventKind::TaskChunk: case EventKind::PoolResult: case EventKind::ProcJoin:
            mp = true;
            break;
        default: break;
        }
        if (!child && !mp) continue;
        l.activityT = e.t;
        process = child;
        break;
    }
    if (l.activityT == kNever) return l;
    l.leadNs = std::max<std::int64_t>(0, l.activityT - zero);
    l.cut = l.leadNs > kLeadInCutNs && l.leadNs > (std::max(end, l.activityT) - l.activityT) / 4;
    if (l.cut)
        l.text = "python started " + formatSeconds(l.leadNs) + " before its first " +
                 (process ? "process" : "multiprocessing event");
    return l;
}

std::string rowHoverTitle(const std::string& laneTitle, const RowRecords& row, bool spanHere) {
    switch (row.kind) {
    case RowKind::CoreProcs: return laneTitle + ": which process this core ran";
    case RowKind::CoreLoad: return laneTitle + ": other programs on this core";
    case RowKind::Program: return laneTitle + ": what it is doing";
    case RowKind::Os: return laneTitle + ": on a core, or waiting for one";
    case RowKind::Tasks:
        if (spanHere) return laneTitle + ": its tasks";
        if (row.spans.empty()) return laneTitle + ": no task in view (a task is a call a Pool's worker runs)";
        return laneTitle + ": no task at this moment";
    case RowKind::Locks: return laneTitle + ": holding the lock";
    }
    return laneTitle;
}

std::vector<ProcId> finishedBefore(const RunModel& index, const TraceMeta& meta, std::int64_t at) {
    const std::vector<ProcLaneIndex>& procs = index.procs();
    const std::size_t n = std::min(meta.procs.size(), procs.size());
    auto startOf = [&](std::size_t p) { return procs[p].startT != kNever ? procs[p].startT : procs[p].firstT; };
    // The latest start of a process (not MainProcess) by `at`.
    std::int64_t lastStart = kNever;
    for (std::size_t p = 0; p < n; ++p)
        if (meta.procs[p].role != ProcRole::Parent && startOf(p) != kNever && startOf(p) <= at)
            lastStart = lastStart == kNever ? startOf(p) : std::max(lastStart, startOf(p));
    std::vector<ProcId> out;
    if (lastStart == kNever) return out;
    for (std::size_t p = 0; p < n; ++p)
        if (meta.procs[p].role != ProcRole::Parent && procs[p].exitT != kNever && procs[p].exitT <= lastStart)
            out.push_back(static_cast<ProcId>(p));
    return out;
}

} // namespace parviz
