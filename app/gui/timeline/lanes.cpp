// Lanes: backgrounds and labels by ImGui, spans by our shaders (one instanced
// batch per frame), then task names, queue arrows, lock marks and the cursor
// on top. Only loops over the records buildLanes made.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <optional>

namespace parviz::gui::timeline {

namespace {
bool g_lockRows = true;
bool g_compact = false;
}

void setLockRows(bool shown) noexcept { g_lockRows = shown; }

namespace {
std::vector<ImRect> g_occupied;   // texts on the lanes this frame
}
void clearOccupied() noexcept { g_occupied.clear(); }
void occupyText(const ImRect& r) { g_occupied.push_back(r); }
bool textFree(const ImRect& r) noexcept {
    for (const ImRect& o : g_occupied)
        if (r.Min.x < o.Max.x && r.Max.x > o.Min.x && r.Min.y < o.Max.y && r.Max.y > o.Min.y) return false;
    return true;
}
std::optional<float> freeOnTasksRow(const PanelEnv& env, ImVec2 xs, float h, float top, float bottom, std::string_view lane,
                                    const std::function<bool(const RowRect&)>& accept) {
    for (auto it = env.drawn.rows.rbegin(); it != env.drawn.rows.rend(); ++it) {
        const RowRect& r = *it;
        if (r.row != RowKind::Tasks || (!lane.empty() && r.title != lane) || r.y1 - r.y0 < h - 0.5f) continue;
        if (accept && !accept(r)) continue;
        const float y = std::round(r.y0 + (r.y1 - r.y0 - h) / 2);
        if (y < top - 0.5f || y + h > bottom + 0.5f) continue;
        if (textFree(ImRect(ImVec2(xs.x, y), ImVec2(xs.y, y + h)))) return y;
    }
    return std::nullopt;
}
void setCompactRows(bool compact) noexcept { g_compact = compact; }
void drawQueueArrow(ImDrawList* dl, ImVec2 p0, ImVec2 p1, Theme theme, float fs, bool line) {
    const ImU32 arrowCol = theme == Theme::Dark ? IM_COL32(255, 255, 255, 170) : IM_COL32(0, 0, 0, 170);
    const float aw = std::max(1.5f, fs / 10), ah = std::max(6.0f, fs * 0.35f);
    const float dir = p1.y >= p0.y ? 1.0f : -1.0f;
    if (line) {
        dl->AddLine(p0, p1, arrowCol, aw);
        dl->AddCircleFilled(p0, std::max(2.5f, ah * 0.3f), arrowCol);   // the put: where the item went in
    }
    dl->AddTriangleFilled(p1, ImVec2(p1.x - ah * 0.6f, p1.y - ah * dir), ImVec2(p1.x + ah * 0.6f, p1.y - ah * dir), arrowCol);
}

bool compactRows() noexcept { return g_compact; }

// Every row grows with the type, so what reads on a laptop reads on a
// projector: the state strip and the on-core row stay thick enough for their
// stripes and the runnable outline to show (never under 6 px).
float rowHeight(RowKind k, float fs) noexcept {
    switch (k) {
    case RowKind::CoreProcs: return std::round(fs * (g_compact ? 0.6f : 0.8f));
    case RowKind::CoreLoad: return std::max(4.0f, std::round(fs * 0.2f));
    case RowKind::Tasks: return std::round(g_compact ? fs : fs + 2);
    case RowKind::Program: return std::max(8.0f, std::round(fs * (g_compact ? 0.35f : 0.5f)));
    case RowKind::Os: return std::max(6.0f, std::round(fs * (g_compact ? 0.25f : 0.3f)));
    case RowKind::Locks: return g_lockRows ? std::max(5.0f, std::round(fs * (g_compact ? 0.2f : 0.25f))) : 0.0f;
    }
    return 4;
}

float laneHeight(const Lane& lane, float fs) noexcept {
    float h = 0;
    for (const RowRecords& row : lane.rows) h += rowHeight(row.kind, fs) + 1;
    return std::max(h, fs + 2);
}

namespace {

std::vector<SpanInstance> g_instances;   // scratch, reused every frame

// Top y of each lane and of its tasks row (for arrows), screen px.
struct LaneY {
    float top, tasksMid, locksMid, height;
};
std::vector<LaneY> g_laneY;

} // namespace

namespace {

// 1. Backgrounds, labels and span instances of every lane; remembers each
// lane's rows (g_laneY) and reports the rectangles (env.drawn). Returns the
// y under the last lane.
float laneBodies(const TraceMeta& meta, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float y0) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Theme th = env.theme;
    const float fs = g.rowFont;
    const float px0 = g.plotMin.x;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 muted = textMuted(th);
    const ImVec2 clipMin = dl->GetClipRectMin(), clipMax = dl->GetClipRectMax();
    float y = y0;
    for (std::size_t li = 0; li < recs.lanes.size(); ++li) {
        const Lane& lane = recs.lanes[li];
        const float h = laneHeight(lane, fs);
        LaneY ly{y, y + h / 2, y + h / 2, h};
        dl->AddRectFilled(ImVec2(g.labelX, y), ImVec2(g.plotMax.x, y + h), laneBackground(th, li % 2 == 1));
        // Label: worker colour swatch + name (+ pid), clipped to the column.
        ImU32 swatch = lane.kind == LaneKind::Proc && lane.id >= 0 ? procU32(static_cast<ProcId>(lane.id)) : muted;
        dl->AddRectFilled(ImVec2(g.labelX + 1, y + 1), ImVec2(g.labelX + 5, y + h - 1), swatch);
        dl->PushClipRect(ImVec2(g.labelX, y), ImVec2(px0 - 4, y + h), true);
        const ImVec2 tp(g.labelX + 8, y + std::max(0.0f, (std::min(h, fs * 1.2f) - fs) / 2));
        // A name longer than the column (at most 12 em) is shortened with an
        // ellipsis, its end kept; the lane's tooltip has it whole.
        const std::string title = ui::elideKeepingEnd(lane.title, px0 - 4 - tp.x);
        dl->AddText(tp, lane.kind == LaneKind::Core ? muted : text, title.c_str());
        const ImVec2 tsz = ImGui::CalcTextSize(title.c_str());
        probe::drawnText(title, tp, ImVec2(tp.x + tsz.x, tp.y + tsz.y), dl);
        dl->PopClipRect();
        const auto lid = static_cast<std::size_t>(lane.id);
        const bool worker = lane.kind == LaneKind::Proc && lid < meta.procs.size() &&
                            (meta.procs[lid].role == ProcRole::PoolWorker || meta.procs[lid].role == ProcRole::Process);
        env.drawn.lanes.push_back(
            LaneRect{lane.title, worker, y, y + h, y >= clipMin.y - 0.5f && y + h <= clipMax.y + 0.5f});

        float ry = y;
        if (lane.kind == LaneKind::Core) {
            // Other programs' share of the core, hatched under the workers'
            // spans over the whole on-core row: visible, and never mistaken
            // for a worker (worker colours are always solid).
            for (const RowRecords& row : lane.rows)
                if (row.kind == RowKind::CoreLoad)
                    for (const SpanRecord& s : row.spans) {
                        const Paint paint = spanPaint(row.kind, s, th);
                        g_instances.push_back(SpanInstance{px0 + s.x0, px0 + s.x1, ry, ry + rowHeight(RowKind::CoreProcs, fs),
                                                           paint.colour, paint.style});
                    }
        }
        for (const RowRecords& row : lane.rows) {
            const float rh = rowHeight(row.kind, fs);
            env.drawn.rows.push_back(RowRect{lane.kind, lane.id, lane.title, row.kind, px0, ry, g.plotMax.x, ry + rh});
            if (row.kind == RowKind::Tasks) ly.tasksMid = ry + rh / 2;
            if (row.kind == RowKind::Locks) ly.locksMid = ry + rh / 2;
            for (const SpanRecord& s : row.spans) {
                const Paint paint = spanPaint(row.kind, s, th);
                g_instances.push_back(SpanInstance{px0 + s.x0, px0 + s.x1, ry, ry + rh, paint.colour, paint.style});
                // A failed task is news: nothing is drawn over it (callouts keep clear).
                if (row.kind == RowKind::Tasks && s.state == LaneState::TaskFailed)
                    env.drawn.keepClear.push_back(Rect{px0 + s.x0, ry, s.x1 - s.x0, rh});
            }
            // The task bar itself says "runnable, waiting for a free core"
            // where its worker mostly wanted a core and had none (buildLanes).
            if (row.kind == RowKind::Tasks)
                for (const SpanRecord& s : lane.runnable) runnableLayers(px0 + s.x0, px0 + s.x1, ry, ry + rh, th, g_instances);
            ry += rh + 1;
        }
        g_laneY.push_back(ly);
        y += h + kLaneGap;
    }
    return y;
}

// Pixels of a chunk's bracket on its lane (from the plot's left edge).
struct ChunkPx {
    float x0, x1;
};
ChunkPx chunkPx(const Geometry& g, const ChunkBracket& c) {
    return {std::max(-4.0f, timeToPx(g.vp, c.t0)) + 1, std::min(g.vp.widthPx + 4, timeToPx(g.vp, c.t1)) - 1};
}

// The first numbered words drawn on a worker lane in view this frame (a
// task's name, a chunk's label), for the legend's example next frame.
NumberedExample g_numbered;
NumberedExample g_lastNumbered;
const void* g_numberedTrace = nullptr;   // the trace g_lastNumbered was drawn from

// What the chunk brackets' words became this frame (index into the run's
// chunks: the word shown, "" none), for drawChunkBrackets.
std::vector<std::string> g_chunkWords;

// The words of one lane's Tasks row (core placeRowWords): a chunk's label
// on its bracket standing for its tasks' names where it fits, else the
// names; all at the type's size, on a plate of the lane's background (a
// name tag: the bar around it keeps its state) so the arrows drawn before
// them pass under, never through, the words.
void taskRowWords(RunView& run, const TraceMeta& meta, const PanelEnv& env, const Geometry& g, const LaneRecords& recs,
                  std::size_t li, const RowRecords& row, float ry, float rh, bool numbered,
                  const std::function<std::string(ProcId)>& number) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float px0 = g.plotMin.x;
    std::vector<RowSpanIn> spans;
    for (const SpanRecord& s : row.spans) {
        RowSpanIn in{std::max(s.x0, 0.0f), std::min(s.x1, g.vp.widthPx), {}};
        if (s.label != kNoString && s.x1 - s.x0 >= g.rowFont) {
            in.name = std::string(run.trace()->string(s.label));
            if (numbered) in.name += " (" + number(s.proc) + ")";
        }
        spans.push_back(std::move(in));
    }
    std::vector<RowChunkIn> chunks;
    std::vector<std::size_t> chunkIds;
    const ChunkBrackets& b = run.chunks();
    for (std::size_t i : visibleChunks(b, g.vp.tBegin, g.vp.tEnd)) {
        const ChunkBracket& c = b.items[i];
        if (recs.laneOf(LaneKind::Proc, static_cast<std::int32_t>(c.proc)) != li) continue;
        const ChunkPx x = chunkPx(g, c);
        if (x.x1 - x.x0 < 3) continue;
        // Numbered past seven workers, as the task names are: a chunk's words
        // are all some lanes show of their tasks.
        const std::string n = numbered ? " (" + number(c.proc) + ")" : "";
        // Where "chunk 2: E–H" does not fit its tasks' names do ("E–H": they
        // tell more than "chunk 2"), then "chunk 2" (core chunkWords).
        // One-task chunks (chunksize 1) by their tasks' names (core laneChunkWords).
        std::vector<std::string> words = laneChunkWords(c, b.severalTasks, n);
        chunks.push_back({std::max(x.x0, 0.0f), std::min(x.x1, g.vp.widthPx), std::move(words)});
        chunkIds.push_back(i);
    }
    const float pad = std::max(2.0f, std::round(ImGui::GetFontSize() / 10)) + 2;
    const auto width = [](const std::string& t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; };
    const float th = ImGui::GetTextLineHeight();
    for (const RowWord& w : placeRowWords(spans, chunks, width, pad)) {
        const SpanRecord* span = w.span < row.spans.size() ? &row.spans[w.span] : nullptr;
        ProcId proc = span ? span->proc : b.items[chunkIds[w.chunk]].proc;
        if (!span) g_chunkWords[chunkIds[w.chunk]] = w.text;
        const ImVec2 tp(std::round(px0 + w.x0), std::round(ry + (rh - th) / 2));
        const ImVec2 te(tp.x + (w.x1 - w.x0), tp.y + th);
        // Its name on a plate of the lane's own background, in the worker's
        // colour: a plate in the worker's full colour read as "running" over
        // the bar's dim "runnable, waiting for a free core" stretch while Why
        // said the worker waited (newcomer walk, session 29). The bar around
        // the words keeps the state; the words are a name tag. (A failed
        // task's bar is hollow, its name alike.)
        dl->AddRectFilled(ImVec2(tp.x - 2, std::max(ry, tp.y)), ImVec2(te.x + 2, std::min(ry + rh, te.y)),
                          laneBackground(env.theme, li % 2 == 1));
        dl->AddText(tp, procTextU32(proc, env.theme), w.text.c_str());
        probe::drawnText(w.text, tp, te, dl);
        occupyText(ImRect(tp, te));
        // The legend's example of a numbered word is one of these (in view).
        NumberedWord& example = span ? g_numbered.task : g_numbered.chunk;
        const ImVec2 clipMin = dl->GetClipRectMin(), clipMax = dl->GetClipRectMax();
        const bool inView = tp.y >= clipMin.y && te.y <= clipMax.y && tp.x >= clipMin.x && te.x <= clipMax.x;
        if (numbered && inView && example.word.empty() && proc != kParentProc) {
            example.word = w.text;
            example.number = number(proc);
            const ChunkBracket* c = span ? nullptr : &b.items[chunkIds[w.chunk]];
            const std::size_t colon = c ? c->label.find(": ") : std::string::npos;
            example.worker = procName(meta, proc);
            // What the word names, in plain words: "task s9", "chunk 1 (task T2)", "chunk 4 (4 tasks)".
            const std::string chunkNo = c ? "chunk " + std::to_string(c->chunk) : std::string();
            // Its task, once named ("chunk 1: task 2" names it already: never "task task 2").
            const std::string after = c && colon != std::string::npos ? c->label.substr(colon + 2) : std::string();
            const std::string task = after.rfind("task ", 0) == 0 ? after : "task " + after;
            example.subject = span ? "task " + std::string(run.trace()->string(span->label))
                              : c->count == 1 && colon != std::string::npos && w.text.rfind("chunk ", 0) != 0
                                  ? task
                              : c->count == 1 && colon != std::string::npos ? chunkNo + " (" + task + ")"
                              // Its tasks' names alone ("E–H (9)"): the tasks, then the chunk.
                              : colon != std::string::npos && w.text.rfind("chunk ", 0) != 0
                                  ? (after.rfind("task", 0) == 0 ? after : "tasks " + after) + " (" + chunkNo + ")"
                                  : chunkNo + " (" + std::to_string(c->count) + " tasks)";
        }
    }
}

// Whether any queue arrow drawn this frame (its line, the dot at its put,
// its head at the get) crosses r (window px).
bool arrowCrosses(const PanelEnv& env, const ImRect& r, float fs) {
    const float aw = std::max(1.5f, fs / 10), ah = std::max(6.0f, fs * 0.35f);
    const ImRect rr(ImVec2(r.Min.x - aw, r.Min.y - aw), ImVec2(r.Max.x + aw, r.Max.y + aw));
    const auto meets = [&](float x0, float y0, float x1, float y1) {
        return x0 < rr.Max.x && x1 > rr.Min.x && y0 < rr.Max.y && y1 > rr.Min.y;
    };
    for (const DrawnLayout::Arrow& a : env.drawn.arrows) {
        // The head at the get, the dot at the put.
        if (meets(a.x1 - ah * 0.6f, std::min(a.y1, a.y1 - ah), a.x1 + ah * 0.6f, std::max(a.y1, a.y1 + ah))) return true;
        if (!a.line) continue;
        const float d = std::max(2.5f, ah * 0.3f);
        if (meets(a.x0 - d, a.y0 - d, a.x0 + d, a.y0 + d)) return true;
        // The line (Liang-Barsky: does the segment enter the rectangle?).
        float t0 = 0, t1 = 1;
        const float dx = a.x1 - a.x0, dy = a.y1 - a.y0;
        const float pq[4][2] = {{-dx, a.x0 - rr.Min.x}, {dx, rr.Max.x - a.x0}, {-dy, a.y0 - rr.Min.y}, {dy, rr.Max.y - a.y0}};
        bool out = false;
        for (const auto& [pp, q] : pq) {
            if (pp == 0) {
                out = out || q < 0;
                continue;
            }
            const float t = q / pp;
            if (pp < 0) t0 = std::max(t0, t);
            else t1 = std::min(t1, t);
        }
        if (!out && t0 <= t1) return true;
    }
    return false;
}

// A traced program's wait words on the Tasks row where no task is: a
// Process.join's ("waiting for Process-1 to finish (join)", the program row's
// span label; the program row is too thin for type, and a plain process's
// Tasks row is empty), an Event's, a Condition's, a JoinableQueue.join's, and
// a Lock.acquire / Queue.get that timed out (core syncWaitWords). "join",
// "timed out" where the sentence does not fit. Where no queue arrow crosses
// them in the span (joinable_queue.py: MainProcess's puts fan out right where
// its join() begins, and the arrows ran through "waits in join() ..."); where
// every place is crossed, on a plate of the lane's colour the arrows pass
// under.
void programRowWords(RunView& run, const PanelEnv& env, const Geometry& g, const Lane& lane, std::size_t li,
                     const RowRecords& tasks, float ry, float rh, ImU32 colour) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (const RowRecords& pr : lane.rows) {
        if (pr.kind != RowKind::Program) continue;
        for (const SpanRecord& s : pr.spans) {
            if (s.mergedCount > 1) continue;
            const float x0 = std::max(s.x0, 0.0f), x1 = std::min(s.x1, g.vp.widthPx);
            // A wait on an Event, Condition, Barrier, JoinableQueue.join or a
            // pool's results carries no words of its own: the model says which
            // (joinable_queue.py's q.join() was a bare purple stripe).
            WaitWords ww;
            const bool waits = s.state == LaneState::WaitSync || s.state == LaneState::WaitLock || s.state == LaneState::WaitQueue;
            if (s.label != kNoString) ww = {std::string(run.trace()->string(s.label)), "join"};
            else if (waits && lane.kind == LaneKind::Proc && lane.id >= 0 && x1 > x0)
                ww = syncWaitWords(run.model(), run.meta(), static_cast<ProcId>(lane.id), pxToTime(g.vp, (x0 + x1) / 2));
            if (ww.words.empty()) continue;
            const bool underTask = std::any_of(tasks.spans.begin(), tasks.spans.end(),
                                               [&](const SpanRecord& t) { return t.x0 < x1 && t.x1 > x0; });
            if (underTask) continue;
            // The first place from the span's start, in steps of a few px, for
            // the sentence then the short words, clear of arrows and other words.
            struct Place {
                std::string words;
                ImVec2 tp, ts;
            };
            std::optional<Place> clear, plated;
            const float step = std::max(3.0f, g.rowFont / 4);
            for (const std::string& w : {ww.words, ww.shortWords}) {
                const ImVec2 ts = ImGui::CalcTextSize(w.c_str());
                if (ts.x + 6 > x1 - x0) continue;
                for (float x = x0 + 3; x + ts.x + 3 <= x1 && !clear; x += step) {
                    const ImVec2 tp(std::round(g.plotMin.x + x), std::round(ry + (rh - ts.y) / 2));
                    const ImRect r(tp, ImVec2(tp.x + ts.x, tp.y + ts.y));
                    if (!textFree(r)) continue;
                    if (!plated) plated = Place{w, tp, ts};
                    if (!arrowCrosses(env, r, g.rowFont)) clear = Place{w, tp, ts};
                }
                if (clear) break;
            }
            const bool plate = !clear;
            const std::optional<Place>& at = clear ? clear : plated;
            if (!at) continue;
            const ImVec2 te(at->tp.x + at->ts.x, at->tp.y + at->ts.y);
            if (plate)
                dl->AddRectFilled(ImVec2(at->tp.x - 3, std::max(ry, at->tp.y)), ImVec2(te.x + 3, std::min(ry + rh, te.y)),
                                  laneBackground(env.theme, li % 2 == 1));
            dl->AddText(at->tp, colour, at->words.c_str());
            probe::drawnText(at->words, at->tp, te, dl);
            occupyText(ImRect(at->tp, te));
            env.drawn.laneWords.push_back({at->words, Rect{at->tp.x, at->tp.y, at->ts.x, at->ts.y}, plate});
        }
    }
}

// 3b. Text on the spans, drawn after the arrows: task names and chunk labels
// where they fit (numbered past seven workers, on the CPU lanes too), and
// "killed" where a lane was killed.
void laneTexts(RunView& run, const TraceMeta& meta, const PanelEnv& env, const Geometry& g, const LaneRecords& recs) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = g.rowFont;
    const float px0 = g.plotMin.x;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    // Past seven workers the palette repeats: spans then carry their worker's number.
    const bool numbered = repeatsColours(recs);
    const std::function<std::string(ProcId)> number = [&](ProcId p) {
        const std::string n = procName(meta, p);
        const std::size_t k = n.find_last_not_of("0123456789");
        return k == std::string::npos || k + 1 >= n.size() ? std::string() : n.substr(k + 1);
    };
    g_chunkWords.assign(run.trace() ? run.chunks().items.size() : 0, std::string());
    g_numbered = NumberedExample{};
    g_numbered.numbered = numbered;
    for (std::size_t li = 0; li < recs.lanes.size(); ++li) {
        const Lane& lane = recs.lanes[li];
        float ry = g_laneY[li].top;
        for (const RowRecords& row : lane.rows) {
            const float rh = rowHeight(row.kind, fs);
            if (row.kind == RowKind::Tasks && run.trace()) {
                taskRowWords(run, meta, env, g, recs, li, row, ry, rh, numbered, number);
                programRowWords(run, env, g, lane, li, row, ry, rh, text);
            }
            // Numbered workers on the CPU lanes too, where a span is wide enough.
            if (row.kind == RowKind::CoreProcs && numbered) {
                for (const SpanRecord& s : row.spans) {
                    if (s.mergedCount > 1 || s.proc == kParentProc) continue;
                    const std::string n = number(s.proc);
                    const ImVec2 ts = ImGui::CalcTextSize(n.c_str());
                    if (n.empty() || ts.x + 4 > s.x1 - s.x0 || ts.y > rh + 2) continue;
                    const float cx = std::round(px0 + (s.x0 + s.x1 - ts.x) / 2);
                    dl->AddText(ImVec2(cx, ry + (rh - ts.y) / 2), taskLabelU32(s.proc), n.c_str());
                }
            }
            // Killed, or ended by its own program's terminate() (drawn as an
            // exit, not a failure): say which, with the signal, where the task
            // row is empty from then on.
            const ProcLaneIndex* pl = lane.kind == LaneKind::Proc && static_cast<std::size_t>(lane.id) < run.model().procs().size()
                                          ? &run.model().procs()[static_cast<std::size_t>(lane.id)] : nullptr;
            if (row.kind == RowKind::Program && pl && pl->exitCode < 0) {
                const std::string words = std::string(pl->terminatedByProgram() ? "ended by its program's terminate() ("
                                                                                 : "killed (") +
                                          signalName(static_cast<int>(-pl->exitCode)) + ")";
                for (const SpanRecord& s : row.spans) {
                    const bool ours = s.state == LaneState::Killed || (s.state == LaneState::Exited && pl->terminatedByProgram());
                    if (!ours) continue;
                    // Whole words that fit the part of the span in view (never
                    // cut at the plot's right edge, no "killed (SI…"): all of
                    // them, else the short form, else none (the legend's
                    // pattern says it); and only where no other words are.
                    const float x0 = std::max(s.x0, 0.0f) + 4, x1 = std::min(s.x1, g.vp.widthPx) - 4;
                    const std::string shortWords = pl->terminatedByProgram() ? "terminate()" : "killed";
                    for (const std::string& wds : {words, shortWords}) {
                        const ImVec2 ts = ImGui::CalcTextSize(wds.c_str());
                        const ImVec2 tp(px0 + x0, g_laneY[li].tasksMid - ImGui::GetFontSize() / 2);
                        const ImRect plate(tp, ImVec2(tp.x + ts.x, tp.y + ts.y));
                        if (x0 + ts.x > x1 || !textFree(plate)) continue;
                        dl->AddText(tp, text, wds.c_str());
                        probe::drawnText(wds, plate.Min, plate.Max, dl);
                        occupyText(plate);
                        break;
                    }
                }
            }
            ry += rh + 1;
        }
    }
    g_lastNumbered = g_numbered;
    g_numberedTrace = run.trace();
}

// 3a. Queue arrows and lock marks between and on the lanes (under the words).
void laneArrowsAndMarks(const PanelEnv& env, const Geometry& g, const LaneRecords& recs) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Theme th = env.theme;
    const float fs = g.rowFont;
    const float px0 = g.plotMin.x;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    // Queue items: put -> get arrows between lanes, as thick as the type asks.
    // Crowded (more than one arrow per ~1.5 em of width): only the heads at
    // the gets, so many workers do not turn the arrows into a blob.
    const bool crowded = static_cast<float>(recs.arrows.size()) * fs * 1.5f > g.vp.widthPx;
    for (const QueueArrow& a : recs.arrows) {
        if (a.fromLane >= g_laneY.size() || a.toLane >= g_laneY.size()) continue;
        const ImVec2 p0(px0 + a.x0, g_laneY[a.fromLane].tasksMid);
        const ImVec2 p1(px0 + a.x1, g_laneY[a.toLane].tasksMid);
        drawQueueArrow(dl, p0, p1, th, fs, !crowded);
        env.drawn.arrows.push_back({p0.x, p0.y, p1.x, p1.y, !crowded, !crowded});
    }
    // Lock marks: acquire ▼, release ▲, owner died ✕ on the lane's lock row.
    for (const LockMark& m : recs.lockMarks) {
        if (m.lane >= g_laneY.size()) continue;
        const float x = px0 + m.x, my = g_laneY[m.lane].locksMid;
        const ImU32 c = text;
        switch (m.kind) {
        case LockMarkKind::Acquire: dl->AddTriangleFilled(ImVec2(x - 4, my - 6), ImVec2(x + 4, my - 6), ImVec2(x, my), c); break;
        case LockMarkKind::Release: dl->AddTriangle(ImVec2(x - 4, my + 6), ImVec2(x + 4, my + 6), ImVec2(x, my), c); break;
        case LockMarkKind::OwnerDied:
            env.drawn.keepClear.push_back(Rect{x - 5, my - 5, 10, 10});
            dl->AddLine(ImVec2(x - 5, my - 5), ImVec2(x + 5, my + 5), c, 2);
            dl->AddLine(ImVec2(x - 5, my + 5), ImVec2(x + 5, my - 5), c, 2);
            break;
        }
    }
}

// The rows of lane li's Tasks row: its top and height (top < 0: none).
struct TasksRowY {
    float top = -1, h = 0;
};
TasksRowY tasksRowY(const LaneRecords& recs, std::size_t li, float fs) {
    TasksRowY t;
    float ry = g_laneY[li].top;
    for (const RowRecords& row : recs.lanes[li].rows) {
        const float rh = rowHeight(row.kind, fs);
        if (row.kind == RowKind::Tasks) t = {ry, rh};
        ry += rh + 1;
    }
    return t;
}

// The brackets' strokes: as thick as a state strip (rowHeight(Os), which
// grows with the type), never the 1-2 px a projector loses (classroom
// walk). The band runs along the Tasks row's bottom into the lane gap;
// caps up the row at each end. Drawn before the words, whose plates sit
// on the band as a bracket's label does. A chunk narrower than the band is
// drawn that wide, so at Fit zoom a lane of many small chunks still shows
// its band (their caps only where there is room for them).
float chunkStroke(float fs) noexcept { return rowHeight(RowKind::Os, fs); }
void paintChunkBrackets(RunView& run, const Geometry& g, const LaneRecords& recs) {
    const ChunkBrackets& b = run.chunks();
    if (b.items.empty()) return;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = g.rowFont, px0 = g.plotMin.x;
    const ImU32 col = ImGui::GetColorU32(ImGuiCol_Text);
    const float thick = chunkStroke(fs), cap = std::max(2.0f, std::round(thick / 2));
    for (std::size_t i : visibleChunks(b, g.vp.tBegin, g.vp.tEnd)) {
        const ChunkBracket& c = b.items[i];
        // A chunk of one task is that task's bar: its words say its chunk
        // ("chunk 2: C"), and a band under every task (chunksize 1, the
        // tutorial's Pool(2).map) was read as "on a core" (newcomer walks,
        // sessions 24 and 28). Brackets group several tasks only.
        if (c.count <= 1) continue;
        const std::size_t li = recs.laneOf(LaneKind::Proc, static_cast<std::int32_t>(c.proc));
        if (li >= g_laneY.size()) continue;
        const TasksRowY t = tasksRowY(recs, li, fs);
        if (t.top < 0) continue;
        const ChunkPx cx = chunkPx(g, c);
        float x0 = px0 + cx.x0, x1 = px0 + cx.x1;
        const bool caps = x1 - x0 >= 3 * thick;
        if (x1 - x0 < thick) {
            const float mid = (x0 + x1) / 2;
            x0 = std::round(mid - thick / 2);
            x1 = x0 + thick;
        }
        const float bottom = t.top + t.h + kLaneGap - 1, top = bottom - thick;
        dl->AddRectFilled(ImVec2(x0, top), ImVec2(x1, bottom), col);
        if (!caps) continue;
        const float capTop = t.top + t.h * 0.35f;
        dl->AddRectFilled(ImVec2(x0, capTop), ImVec2(x0 + cap, bottom), col);
        if (!c.open) dl->AddRectFilled(ImVec2(x1 - cap, capTop), ImVec2(x1, bottom), col);
    }
}

} // namespace

// Pool.map's chunks: a bracket under each chunk's tasks on its worker's
// lane (a line along the bottom of the Tasks row, end caps up its height),
// so which tasks went out together shows; its words ("chunk 2: E–H") are
// on the Tasks row at the type's size where they fit (laneTexts), and on hover.
void drawChunkBrackets(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs) {
    if (!run.trace()) return;
    const ChunkBrackets& b = run.chunks();
    if (b.items.empty()) return;
    const TraceMeta& meta = run.meta();
    const float fs = g.rowFont, px0 = g.plotMin.x;
    // Painted before the words (paintChunkBrackets); here what was drawn, for --layout-json.
    for (std::size_t i : visibleChunks(b, g.vp.tBegin, g.vp.tEnd)) {
        const ChunkBracket& c = b.items[i];
        const std::size_t li = recs.laneOf(LaneKind::Proc, static_cast<std::int32_t>(c.proc));
        if (li >= g_laneY.size()) continue;
        const ChunkPx cx = chunkPx(g, c);
        const float x0 = px0 + cx.x0, x1 = px0 + cx.x1;
        if (x1 - x0 < 3) continue;
        // Rows of this lane: the state band above the Tasks row, the Tasks row.
        float ry = g_laneY[li].top, tasksTop = -1, tasksH = 0;
        for (const RowRecords& row : recs.lanes[li].rows) {
            const float rh = rowHeight(row.kind, fs);
            if (row.kind == RowKind::Tasks) {
                tasksTop = ry;
                tasksH = rh;
            }
            ry += rh + 1;
        }
        if (tasksTop < 0) continue;
        const float yb = tasksTop + tasksH;   // the bracket's band ends here (and into the lane gap)
        // Its words, if any, went on the Tasks row with the task names (laneTexts).
        const bool shown = i < g_chunkWords.size() && !g_chunkWords[i].empty();
        ChunkMark mark{c.label, procName(meta, c.proc), x0, x1, g_laneY[li].top, yb, c.open, shown,
                       c.count > 1 ? chunkStroke(fs) : 0.0f};   // 0: no band (a chunk of one task, paintChunkBrackets)
        // Hover: the lane's tooltip says what the chunk is, in words true at the cursor (interaction.cpp).
        env.drawn.chunks.push_back(std::move(mark));
    }
}

bool repeatsColours(const LaneRecords& recs) {
    int procLanes = 0;
    for (const Lane& lane : recs.lanes)
        procLanes += lane.kind == LaneKind::Proc && lane.id != kFoldedLanes && lane.id != kFinishedLanes;
    return procLanes - 1 > static_cast<int>(kProcPalette.size());
}

bool lanesNumbered(const Trace* trace, bool before) {
    return trace && trace == g_numberedTrace ? g_lastNumbered.numbered : before;
}

NumberedExample lastNumberedWords(const Trace* trace) {
    return trace && trace == g_numberedTrace ? g_lastNumbered : NumberedExample{};
}

float drawLanes(RunView& run, const PanelEnv& env, const Geometry& g, const LaneRecords& recs, float y0) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const TraceMeta meta = run.meta();
    g_instances.clear();
    g_laneY.clear();
    // 1. backgrounds, labels, span instances; remember the rows' rects.
    const float y = laneBodies(meta, env, g, recs, y0);
    // 2. spans: our shader pass, inside this window's draw list and clip rect.
    dl->PushClipRect(ImVec2(g.plotMin.x, y0), g.plotMax, true);
    env.spans.draw(dl, g_instances);
    // 3. on top: task names where they fit, arrows, lock marks, the cursor.
    laneArrowsAndMarks(env, g, recs);
    if (run.trace()) paintChunkBrackets(run, g, recs);
    laneTexts(run, meta, env, g, recs);
    // The cursor: what every other panel shows.
    if (run.trace()) {
        const float cx = g.plotMin.x + timeToPx(g.vp, g.cursor);
        const ImU32 cc = run.cursorIsLive() ? IM_COL32(0, 158, 115, 200) : IM_COL32(230, 60, 60, 230);
        dl->AddLine(ImVec2(cx, g.plotMin.y), ImVec2(cx, g.plotMax.y), cc, 2);
    }
    dl->PopClipRect();
    return y - y0;
}

} // namespace parviz::gui::timeline
