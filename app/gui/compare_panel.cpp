// Compare: the pinned runs stacked top to bottom (CompareView's order: work
// kind, then workers), each a condensed timeline — its cores as thin strips,
// then one strip per worker with its tasks — on ONE time axis measured from
// each row's first task, so a shorter run is a shorter row. Wheel zooms,
// drag pans, a click puts the cursor: all rows move together. Each row is
// labelled with its workers, work and makespan, and has a tick at its
// predicted makespan. Only loops over records the core built.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/marks.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz::gui {
namespace {

std::vector<SpanInstance> g_spans;   // scratch, reused every frame: patterned spans, drawn over the strips
std::vector<SpanRecord> g_group;     // scratch: one strip's task records
std::vector<PixelSpan> g_pixels;     // scratch: one strip's solid spans

// One strip of a row: its solid spans as one textured quad of pixels
// (SpanRenderer::drawStrip: a strip costs one quad however many tasks it
// holds), its patterned ones (a failed task's outline) as instances over it.
// Records are in pixels from x0. Returns the right end of the last span.
float emitStrip(RowKind kind, const std::vector<SpanRecord>& recs, float x0, float x1, float y0, float y1,
                ImDrawList* dl, const PanelEnv& env) {
    const float left = std::round(x0), shift = x0 - left;
    g_pixels.clear();
    float right = x0;
    for (const SpanRecord& s : recs) {
        const Paint p = spanPaint(kind, s, env.theme);
        if (p.style == SpanStyle::Solid) g_pixels.push_back(PixelSpan{s.x0 + shift, s.x1 + shift, p.colour});
        right = std::max(right, x0 + s.x1);
    }
    // Drawn as pixels: only the patterned spans become instances; else all of them.
    const bool asPixels = env.spans.drawStrip(dl, left, y0, y1, static_cast<int>(std::ceil(x1 - left)), g_pixels);
    for (const SpanRecord& s : recs) {
        const Paint p = spanPaint(kind, s, env.theme);
        if (!asPixels || p.style != SpanStyle::Solid) g_spans.push_back(SpanInstance{x0 + s.x0, x0 + s.x1, y0, y1, p.colour, p.style});
    }
    return right;
}

// One strip for a group of workers when a row has fewer pixels than workers:
// the union of their task spans (coloured by the first worker of each
// merged stretch), so a strip is lit exactly when one of its workers ran a
// task. Instances stay bounded by the row's pixels, not its workers.
void unionInto(std::vector<SpanRecord>& recs) {
    std::sort(recs.begin(), recs.end(), [](const SpanRecord& a, const SpanRecord& b) { return a.x0 < b.x0; });
    std::size_t out = 0;
    for (std::size_t i = 0; i < recs.size(); ++i) {
        if (out > 0 && recs[i].x0 <= recs[out - 1].x1 + 0.5f) {
            recs[out - 1].x1 = std::max(recs[out - 1].x1, recs[i].x1);
            if (recs[i].state == LaneState::TaskFailed) recs[out - 1].state = LaneState::TaskFailed;
        } else {
            recs[out++] = recs[i];
        }
    }
    recs.resize(out);
}

// The pen Compare draws its marks with (recorded for --layout-json).
MarkPen comparePen(const PanelEnv& env) { return MarkPen{ImGui::GetWindowDrawList(), &env.drawn, "Compare", false}; }

// A failed task's record seen in the last frame's rows (the legend, drawn
// above the rows, names it from then on).
bool g_failedSeen = false, g_failedSeenNow = false;

RunView* findRun(const std::vector<RunView*>& runs, int number) {
    for (RunView* r : runs)
        if (r->number() == number) return r;
    return nullptr;
}

bool isWorker(const TraceMeta& meta, const Lane& lane) {
    const auto id = static_cast<std::size_t>(lane.id);
    return lane.kind == LaneKind::Proc && id < meta.procs.size() &&
           (meta.procs[id].role == ProcRole::PoolWorker || meta.procs[id].role == ProcRole::Process);
}

CompareAction headerButtons(bool sweeping, CompareState& st, const PanelEnv& env) {
    CompareAction act = CompareAction::None;
    // One ID for both labels: the click that turns Sweep into Stop sweep
    // keeps its tooltip put away while the pointer rests there (with the
    // label's own ID the tip came back at once, saying Sweep, and covered
    // the legend for the whole sweep: newcomer walk, session 17).
    const char* sweep = sweeping ? "Stop sweep###sweep" : "Sweep###sweep";
    if (ImGui::Button(sweep)) act = sweeping ? CompareAction::StopSweep : CompareAction::Sweep;
    ui::probeItem(sweep);
    ui::tooltipBelow(sweeping ? "Stops the sweep: the run under way is stopped; the rows already made stay."
                              : "Runs this scenario with 1, 2, 4 and 8 workers, one after another, with the toolbar's work "
                                "(as scenario: sleep, then cpu); each row appears as its run ends.");
    // A work kind with no answer because other programs took the cores:
    // its busy rows, again, a click away, named as the answer's words say
    // ("… sweep cpu again when they are closed").
    if (!sweeping)
        for (const SweepAnswer& a : st.model.answers) {
            if (a.workers != 0 || a.withheld) continue;   // withheld: the words say how (--time-scale 1)
            const std::string again = std::string("Sweep ") + toString(a.work) + " again";
            ui::sameLineIfFits(ImGui::CalcTextSize(again.c_str()).x + 20);
            if (ImGui::Button(again.c_str())) act = CompareAction::SweepBusyAgain;
            ui::probeItem(again.c_str());
            ui::tooltipBelow((std::string("Runs the ") + toString(a.work) +
                              " rows that other programs slowed again (close those programs first): each keeps the "
                              "less busy of its runs; the quiet rows stay.")
                                 .c_str());
            break;
        }
    if (!sweeping && !st.model.rows.empty()) {
        // Before another Sweep the class predicts again (without the rows: Plots asks).
        const char* predict = st.predicting ? "Results" : "Predict";
        ui::sameLineIfFits(ImGui::CalcTextSize(predict).x + 20);
        if (ImGui::Button(predict)) st.predicting = !st.predicting;
        ui::probeItem(predict);
        ui::tooltipBelow(st.predicting ? "Back to the answer and the plots."
                                       : "Before the next Sweep: how long will it take, how many workers will be "
                                         "enough? (asked in Plots, on the right)");
    }
    ui::sameLineIfFits(ImGui::CalcTextSize("Export PNG").x + 20);
    if (ImGui::Button("Export PNG")) act = CompareAction::ExportPng;
    ui::probeItem("Export PNG");
    ui::tooltipBelow("Writes the window as parviz-compare.png in the current directory.");
    ui::sameLineIfFits(ImGui::CalcTextSize("Export CSV").x + 20);
    if (ImGui::Button("Export CSV")) act = CompareAction::ExportCsv;
    ui::probeItem("Export CSV");
    ui::tooltipBelow("Writes the numbers (parviz sweep's CSV columns) as parviz-compare.csv.");
    ui::sameLineIfFits(ImGui::CalcTextSize("Fit").x + 20);
    if (ImGui::Button("Fit")) st.fitted = false;
    ui::probeItem("Fit");
    // With the plotted runs' time scale, as the run's own axis says it
    // ("time in s, 0.20x"; classroom walks, sessions 31).
    const double scale = st.model.sweep.timeScale;
    const std::string axis = std::string("time: seconds from each run's first task") +
                             (scale > 0 && std::abs(scale - 1.0) > 1e-9 ? ", " + formatTimeScale(scale) : std::string());
    ui::sameLineIfFits(ImGui::CalcTextSize(axis.c_str()).x + 12);
    ImGui::AlignTextToFramePadding();
    ui::textDisabled("%s", axis.c_str());
    (void)env;
    return act;
}

// One legend for every mark the rows draw (marks.hpp: each swatch drawn by
// the mark's own function), for what the rows hold: tasks in their worker's
// colour, failed tasks hollow, the core strips, the predicted makespan's
// grey tick, the class's prediction, the cursor, and a row's time in the
// warning colour: machine busy. Under the header; returns the y under it.
float compareLegend(const CompareState& st, const PanelEnv& env) {
    const CompareView& m = st.model;
    if (m.rows.empty()) return ImGui::GetCursorScreenPos().y;
    const float fs = ImGui::GetFontSize();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float right = at.x + ImGui::GetContentRegionAvail().x;
    LegendFlow flow{comparePen(env).asLegend(), at.x, right, at, fs * 1.2f, fs + 2};
    const MarkPen& pen = flow.pen;
    std::vector<SpanInstance> swatches;   // the strips' swatches, by the span renderer as the rows' strips
    bool predicted = false, guess = false, busy = false;
    for (const CompareRow& row : m.rows) {
        predicted = predicted || (row.predictedS.has_value() && row.finished);
        guess = guess || row.guessS.has_value();
        busy = busy || row.busyWarn;   // a busy sleep run's note is muted: no warning to name
    }
    auto strip = [&](LaneState state, ImVec2 a, ImVec2 b) {
        SpanRecord rec;
        rec.x0 = 0;
        rec.x1 = b.x - a.x;
        rec.proc = 1;
        rec.state = state;
        const Paint p = spanPaint(RowKind::Tasks, rec, env.theme);
        swatches.push_back(SpanInstance{a.x, b.x, a.y + (b.y - a.y) * 0.2f, b.y - (b.y - a.y) * 0.2f, p.colour, p.style});
    };
    flow.entry("task", "A task, in its worker's colour (a row's strips: one per worker, in worker order).",
               [&](ImVec2 a, ImVec2 b) {
                   noteMark(pen, Mark::TaskStrip);
                   strip(LaneState::Task, a, b);
               });
    if (g_failedSeen)
        flow.entry("failed task", "A task that did not finish (its worker died): hollow.", [&](ImVec2 a, ImVec2 b) {
            noteMark(pen, Mark::FailedTask);
            strip(LaneState::TaskFailed, a, b);
        });
    flow.entry("cores (top)", "The thin strips on top of a row: which worker the OS had on each core.", [&](ImVec2 a, ImVec2 b) {
        noteMark(pen, Mark::CoreStrip);
        const float h = std::max(2.0f, fs * 0.3f);
        for (int k = 0; k < 2; ++k) {
            const Paint p = spanPaint(RowKind::CoreProcs, SpanRecord{0, 1, LaneState::OnCore, static_cast<ProcId>(k + 1)}, env.theme);
            const float y = a.y + (b.y - a.y) * 0.2f + static_cast<float>(k) * h;
            swatches.push_back(SpanInstance{a.x, b.x, y, y + h - 1, p.colour, p.style});
        }
    });
    if (predicted)
        flow.entry("model's makespan", "The model's predicted makespan for the row's workers and work (docs/sweep-model.md): "
                   "not the class's prediction.",
                   [&](ImVec2 a, ImVec2 b) { predictedTickMark(pen, (a.x + b.x) / 2, a.y, b.y, textMuted(env.theme)); });
    if (guess)
        flow.entry("your prediction", "What the class predicted for that row's workers and work, before the Sweep.",
                   [&](ImVec2 a, ImVec2 b) {
                       classGuessMark(pen, (a.x + b.x) / 2, a.y, b.y, ImGui::ColorConvertFloat4ToU32(predictionColour(env.theme)),
                                      std::max(2.0f, fs / 8));
                   });
    if (st.cursor)
        flow.entry("cursor", "The same moment (from each run's first task) on every row: click to put it.",
                   [&](ImVec2 a, ImVec2 b) { cursorMark(pen, (a.x + b.x) / 2, a.y, b.y); });
    if (busy) {
        // The swatch is a chip of the rows' warning colour, no word: a sample
        // "time" before the entry's words read "time machine busy", and a
        // "1.8 s" there was read as a measurement (session 22).
        flow.entry("machine busy",
                   "A row's time written in this colour: other programs took the cores during that run, so "
                   "its time is not comparable with the others. In Compare this colour means only that; the "
                   "class's predictions have their own.",
                   [&](ImVec2 a, ImVec2 b) { busyChipMark(pen, a, b, env.theme); });
    }
    env.spans.draw(pen.dl, swatches);
    // The legend's room is what every entry it can ever hold takes, flowed
    // as LegendFlow flows them: an entry appearing mid-sweep (a failed task,
    // the first busy row, the class's prediction) moves no row (classroom
    // walk: the busy entry wrapped to a second line and every row dropped
    // 26 px, and rose again when the busy attempt was run again).
    int lines = 1;
    float x = at.x;
    // (The entries a sweep brings by itself; a failed task and the cursor come of a hand's kill or click.)
    for (const auto& [words, sw] : std::initializer_list<std::pair<const char*, float>>{
             {"task", 0}, {"cores (top)", 0}, {"model's makespan", 0}, {"your prediction", 0},
             {"machine busy", 0}}) {
        const float w = (sw > 0 ? sw : flow.swatchW) + fs * 0.4f + ImGui::CalcTextSize(words).x;
        if (x + w > right && x > at.x) {
            x = at.x;
            ++lines;
        }
        x += w + fs * 0.8f;
    }
    const float bottom = std::max(flow.bottom(), at.y + static_cast<float>(lines) * flow.lineH);
    ImGui::SetCursorScreenPos(ImVec2(at.x, bottom));
    return bottom;
}

// The shared axis: seconds from each row's first task.
void drawAxis(ImDrawList* dl, const Viewport& vp, float x0, float y0, float x1, float h, const PanelEnv& env) {
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    (void)env;
    float lastRight = -1e9f;
    for (const AxisTick& t : buildAxis(vp, 0)) {
        const float x = x0 + t.x;
        dl->AddLine(ImVec2(x, y0 + h - 5), ImVec2(x, y0 + h), text);
        const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
        if (x + 3 + ts.x > x1 || x < lastRight) continue;
        lastRight = x + 3 + ts.x + 8;
        dl->AddText(ImVec2(x + 3, y0), text, t.label.c_str());
        probe::drawnText(t.label, ImVec2(x + 3, y0), ImVec2(x + 3 + ts.x, y0 + ts.y), dl);
    }
}

// Everything a row's label leaves out: oversubscription, the busy verdict,
// the attempts kept and discarded, the class's prediction.
void rowTooltip(const CompareRow& row) {
    std::string t = row.run + ": " + row.label;
    for (const std::string* s : {&row.oversubscribed, &row.busyNote, &row.attempts, &row.guessText})
        if (!s->empty()) t += "\n" + *s;
    // The way from a row to its run's lanes, Why and Stats (newcomer walk,
    // session 29: a click only put the cursor; the teacher went by the picker).
    t += "\nDouble-click: open this run (leaves Compare; press C to return).";
    timeline::boundedTooltipf("%s", t.c_str());
}

// The class's makespan prediction on its row: a dashed line in the warning
// colour (as on the run's timeline), "you: 3.00 s" beside it when it fits.
// Outside the view: no line, its words at the row's edge with an arrow.
// Returns its x (clamped to the row).
float drawGuess(const CompareRow& row, float raw, float x0, float x1, float top, float y1, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const float x = std::clamp(raw, x0 + 1, x1 - 1);
    const ImU32 warn = ImGui::ColorConvertFloat4ToU32(predictionColour(env.theme));   // the predictions' own colour
    const float thick = std::max(2.0f, fs / 8);
    // The line only at its true time (Fit takes the guesses in: axisEndS);
    // zoomed away from it, its words alone at the edge with an arrow.
    if (raw >= x0 && raw <= x1) classGuessMark(comparePen(env), x, top, y1, warn, thick);
    char buf[48];
    std::snprintf(buf, sizeof buf, raw > x1 ? "you: %.2f s \u2192" : raw < x0 ? "\u2190 you: %.2f s" : "you: %.2f s", *row.guessS);
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    if (y1 - top >= ts.y + 2) {
        const ImVec2 tp(x + 4 + ts.x <= x1 ? x + 4 : x - 4 - ts.x, y1 - ts.y - 1);
        dl->AddRectFilled(ImVec2(tp.x - 2, tp.y), ImVec2(tp.x + ts.x + 2, tp.y + ts.y), laneBackground(env.theme, false));
        dl->AddText(tp, warn, buf);
        probe::drawnText(buf, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
    }
    if (ui::mouseOver(ImVec2(x - 4, top), ImVec2(x + 4, y1))) timeline::boundedTooltipf("%s", row.guessText.c_str());
    return x;
}

// Rows too low for a label line (presentation type, many rows): the label in
// a column left of the lanes, "4 workers" over "1.82 s" (one line, "4
// workers 1.82 s", in a row lower than two), the work kind once in its
// group's header (groupHeader), in the warning colour when the run was on a
// busy machine — its one meaning here, named in the header — (the words,
// and oversubscription's, in the tooltip). Classroom walk: "1 worker sleep
// ..." with its work kind on every row was cut at the lanes mid-sweep.
struct GutterText {
    std::string first, second;   // second empty: one line
};
// The rows' makespans read in one unit, the longest's ("0.59 s" under "2.31 s", never "586 ms").
std::int64_t g_longestRowNs = 0;
std::string workersText(int workers) { return std::to_string(workers) + (workers == 1 ? " worker" : " workers"); }
GutterText gutterText(int workers, const std::string& time, bool two) {
    if (two) return {workersText(workers), time};
    // One line keeps the word "workers" too: one format from the sweep's first row to its last.
    return {workersText(workers) + " " + time, {}};
}
GutterText gutterText(const CompareRow& row, bool two) {
    return gutterText(row.workers, row.finished ? formatSecondsLike(static_cast<std::int64_t>(row.makespanS * 1e9), g_longestRowNs) : "...",
                      two);
}
// The gutter's width: its widest label, whole (never cut at the lanes), and
// at least the widest a label can be at the most workers shown (in any
// unit its time may take as the sweep's rows finish: "8 workers 888 ms",
// "8 workers 88.8 s"), so the column does not change as a sweep's rows finish.
float gutterWidth(const std::vector<CompareRow>& rows, bool two) {
    g_longestRowNs = 0;
    for (const CompareRow& row : rows)
        if (row.finished) g_longestRowNs = std::max(g_longestRowNs, static_cast<std::int64_t>(row.makespanS * 1e9));
    float w = ImGui::GetFontSize() * 5;
    auto widen = [&](const GutterText& t) {
        w = std::max({w, ImGui::CalcTextSize(t.first.c_str()).x + 8, ImGui::CalcTextSize(t.second.c_str()).x + 8});
    };
    int most = 8;   // a sweep's most ("8 workers"), whatever row has arrived
    for (const CompareRow& row : rows) {
        widen(gutterText(row, two));
        most = std::max(most, row.workers);
    }
    for (const char* time : {"888 ms", "8.88 s", "88.8 s", "..."}) widen(gutterText(most, time, two));
    // The run number after the last line's words ("1.82 s run 21"), as wide
    // as a three-digit one at least: the column does not widen when a sweep
    // passes run 99.
    float runW = ImGui::CalcTextSize("run 888").x;
    float lastLine = 0;
    for (const CompareRow& row : rows) {
        runW = std::max(runW, ImGui::CalcTextSize(row.run.c_str()).x);
        const GutterText t = gutterText(row, two);
        lastLine = std::max(lastLine, ImGui::CalcTextSize((two ? t.second : t.first).c_str()).x);
    }
    for (const char* time : {"888 ms", "8.88 s", "88.8 s", "..."}) {
        const GutterText t = gutterText(most, time, two);
        lastLine = std::max(lastLine, ImGui::CalcTextSize((two ? t.second : t.first).c_str()).x);
    }
    w = std::max(w, lastLine + ImGui::GetFontSize() * 0.4f + runW + 8);
    return std::round(w);
}
// A group of rows of one work kind: its header line, once ("sleep work").
std::string groupName(const CompareRow& row) { return std::string(row.work ? toString(*row.work) : "mixed") + " work"; }
void groupHeader(const std::string& name, float gx0, float x1, float y, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 ts = ImGui::CalcTextSize(name.c_str());
    const ImVec2 at(gx0 + 2, y + 1);
    dl->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), name.c_str());
    probe::drawnText(name, at, ImVec2(at.x + ts.x, at.y + ts.y), dl);
    const float ly = std::round(y + 1 + ts.y / 2);
    if (at.x + ts.x + 8 < x1) dl->AddLine(ImVec2(at.x + ts.x + 8, ly), ImVec2(x1, ly), textMuted(env.theme));
}
void gutterLabel(const CompareRow& row, float gx0, float gx1, float y0, float y1, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const ImU32 c = ImGui::GetColorU32(ImGuiCol_Text);
    const MarkPen pen = comparePen(env);
    dl->PushClipRect(ImVec2(gx0, y0), ImVec2(gx1, y1), true);
    const bool two = y1 - y0 >= 2 * fs;
    const GutterText t = gutterText(row, two);
    const std::string& first = t.first;
    const std::string& bottom = t.second;
    const ImVec2 firstSize = rowTextMark(pen, ImVec2(gx0 + 2, y0), first, row.busyWarn, c, env.theme);
    const ImVec2 lastSize = two ? rowTextMark(pen, ImVec2(gx0 + 2, y0 + fs), bottom, row.busyWarn, c, env.theme) : firstSize;
    // Its run number, muted, after the time: the number the Session tab,
    // the run picker and Plots' note ("runs 21, 22") call it by.
    rowTextMark(pen, ImVec2(gx0 + 2 + lastSize.x + fs * 0.4f, two ? y0 + fs : y0), row.run, false, textMuted(env.theme),
                env.theme);
    dl->PopClipRect();
    if (ui::mouseOver(ImVec2(gx0, y0), ImVec2(gx1, y1))) rowTooltip(row);
}

// The label line above a row: "4 workers · cpu · 1.53 s", then its notes
// while they fit (oversubscribed, busy, attempts; the full words in the
// tooltip). Returns the y where the row's strips start.
float rowLabel(const CompareRow& row, float x0, float x1, float y0, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    dl->AddText(ImVec2(x0 + 4, y0 + 1), ImGui::GetColorU32(ImGuiCol_Text), row.label.c_str());
    const ImVec2 ls = ImGui::CalcTextSize(row.label.c_str());
    probe::drawnText(row.label, ImVec2(x0 + 4, y0 + 1), ImVec2(x0 + 4 + ls.x, y0 + 1 + ls.y), dl);
    // Its run number, muted, after the label ("… · 1.53 s  run 21"): as the Session tab and Plots' note name it.
    float nx = x0 + 4 + ls.x + fs * 0.5f;
    nx += rowTextMark(comparePen(env), ImVec2(nx, y0 + 1), row.run, false, textMuted(env.theme), env.theme).x;
    // Notes after the label, while they fit (the full words are in the tooltip).
    nx += fs;
    const ImU32 warn = ImGui::ColorConvertFloat4ToU32(warningColour(env.theme));
    // Magenta is "machine busy" only, on runs whose workers need the cores:
    // oversubscription is said in words, muted, and so is a busy sleep run.
    for (const auto& [note, colour] : {std::pair<const std::string&, ImU32>{row.oversubscribed, textMuted(env.theme)},
                                       std::pair<const std::string&, ImU32>{row.busyShort,
                                                                            row.busyWarn ? warn : textMuted(env.theme)},
                                       std::pair<const std::string&, ImU32>{row.attempts, textMuted(env.theme)}}) {
        if (note.empty()) continue;
        // The attempts note where it does not fit whole: its first words
        // ("kept attempt 1 of 2"), the discarded runs in the tooltip; it was
        // left out after a long busy note, and the rows' run numbers skipped
        // a run unexplained.
        std::string said = note;
        if (&note == &row.attempts && nx + ImGui::CalcTextSize(said.c_str()).x > x1 - 4 && said.find(" (") != std::string::npos)
            said = said.substr(0, said.find(" ("));
        const ImVec2 bs = ImGui::CalcTextSize(said.c_str());
        if (nx + bs.x > x1 - 4) break;
        rowTextMark(comparePen(env), ImVec2(nx, y0 + 1), said, &note == &row.busyShort && row.busyWarn, colour, env.theme);
        nx += bs.x + fs;
    }
    if (ui::mouseOver(ImVec2(x0, y0), ImVec2(x1, y0 + fs + 2))) rowTooltip(row);
    return y0 + fs + 3;
}

// One row: label line, then core strips and one strip per worker. Returns
// its record for --layout-json.
CompareRowRect drawRow(RunView& run, const CompareRow& row, const CompareState& st, float x0, float x1, float y0,
                       float y1, bool withLabel, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    CompareRowRect rec{run.number(), row.label, x0, y0, x1, y1};
    rec.busy = row.busy == true;
    rec.busyWarn = row.busyWarn;
    rec.attempts = row.attemptCount;
    rec.attemptsNote = row.attempts;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), laneBackground(env.theme, false));
    const float top = withLabel ? rowLabel(row, x0, x1, y0, env) : y0 + 1;
    const Trace* trace = run.trace();
    if (!trace) return rec;
    Viewport vp;
    vp.tBegin = row.originNs + st.begin;
    vp.tEnd = row.originNs + std::max(st.end, st.begin + 1);
    vp.widthPx = std::max(1.0f, x1 - x0);
    vp.now = run.now();
    vp.tasksOnly = true;   // rows show cores and tasks only: build nothing else
    LaneRecords& recs = run.laneScratch();
    buildLanes(run.model(), *trace, vp, recs);
    const TraceMeta& meta = run.meta();
    int cores = 0, workers = 0;
    for (const Lane& lane : recs.lanes) {
        if (lane.kind == LaneKind::Core) ++cores;
        else if (isWorker(meta, lane)) ++workers;
    }
    const float room = std::max(2.0f, y1 - 2 - top);
    // Cores: thin strips (at most a quarter of the row); workers share the
    // rest, a strip of at least 2 px each, several workers to a strip when
    // there are more workers than that (unionInto).
    const float coreH = cores ? std::min(std::max(2.0f, fs * 0.3f), room * 0.25f / static_cast<float>(cores)) : 0;
    const float workersTop = top + coreH * static_cast<float>(cores) + (cores ? 2 : 0);
    const float workersRoom = std::max(2.0f, y1 - 2 - workersTop);
    const int strips = std::max(1, std::min(workers, static_cast<int>(workersRoom / 2)));
    const int perStrip = workers ? (workers + strips - 1) / strips : 1;
    const float stripH = workers ? workersRoom / static_cast<float>((workers + perStrip - 1) / perStrip) : 0;
    rec.workersPerStrip = perStrip;
    float cy = top;
    int worker = 0;
    g_group.clear();
    auto flush = [&](int stripIndex) {
        if (perStrip > 1) unionInto(g_group);
        const float ly0 = workersTop + stripH * static_cast<float>(stripIndex);
        const float ly1 = std::max(ly0 + 1, ly0 + stripH - (stripH > 3 ? 1 : 0));
        if (!g_group.empty()) {
            noteMark(comparePen(env), Mark::TaskStrip);
            for (const SpanRecord& sr : g_group)
                if (sr.state == LaneState::TaskFailed) {
                    noteMark(comparePen(env), Mark::FailedTask);
                    g_failedSeenNow = true;
                }
            rec.lastTaskX = std::max(rec.lastTaskX, emitStrip(RowKind::Tasks, g_group, x0, x1, ly0, ly1, dl, env));
        }
        g_group.clear();
    };
    for (const Lane& lane : recs.lanes) {
        const bool core = lane.kind == LaneKind::Core;
        if (!core && !isWorker(meta, lane)) continue;
        for (const RowRecords& rr : lane.rows) {
            if (rr.kind != (core ? RowKind::CoreProcs : RowKind::Tasks)) continue;
            if (core) {
                if (!rr.spans.empty()) {
                    noteMark(comparePen(env), Mark::CoreStrip);
                    emitStrip(rr.kind, rr.spans, x0, x1, cy, cy + std::max(1.0f, coreH - 1), dl, env);
                }
            } else {
                g_group.insert(g_group.end(), rr.spans.begin(), rr.spans.end());
            }
        }
        if (core) cy += coreH;
        else if (++worker % perStrip == 0) flush(worker / perStrip - 1);
    }
    if (!g_group.empty()) flush(worker / perStrip);
    const ImU32 muted = textMuted(env.theme);
    if (row.finished) rec.makespanX = x0 + timeToPx(vp, row.originNs + static_cast<std::int64_t>(row.makespanS * 1e9));
    // The model's makespan once the row's run has ended, beside its answer:
    // drawn on a row still running it gave the answer away before the class
    // saw it (newcomer walk, session 28; predict, then reveal).
    if (row.predictedS && row.finished) {
        // The predicted makespan: a tick through the row and a triangle on its top edge.
        const float px = x0 + timeToPx(vp, row.originNs + static_cast<std::int64_t>(*row.predictedS * 1e9));
        rec.predictedX = px;
        if (px >= x0 && px <= x1) {
            predictedTickMark(comparePen(env), px, top, y1 - 1, muted);
            if (ui::mouseOver(ImVec2(px - 4, top), ImVec2(px + 4, y1)))
                timeline::boundedTooltipf("model's makespan %.2f s (docs/sweep-model.md)", *row.predictedS);
        }
    }
    if (row.guessS) rec.guessX = drawGuess(row, x0 + timeToPx(vp, row.originNs + static_cast<std::int64_t>(*row.guessS * 1e9)),
                                           x0, x1, top, y1, env);
    // Without a label line (presentation's rows), oversubscription is said in
    // the row itself, after everything drawn on it, muted, while it fits
    // (newcomer walk, session 24: only a tooltip said it, over the Plots'
    // 2-worker point). The label line says it otherwise (rowLabel).
    if (!withLabel && !row.oversubscribed.empty() && row.finished) {
        const float after = std::max({rec.lastTaskX, rec.makespanX, rec.predictedX, rec.guessX}) + fs * 0.5f;
        const std::string words[] = {row.oversubscribed, "oversubscribed"};
        for (const std::string& w : words) {
            const ImVec2 ts = ImGui::CalcTextSize(w.c_str());
            if (after + ts.x > x1 - 4) continue;
            rowTextMark(comparePen(env), ImVec2(after, std::max(top, (y0 + y1 - ts.y) / 2)), w, false, muted, env.theme);
            break;
        }
    }
    return rec;
}

// Wheel zoom at the mouse, drag to pan, click to put the cursor: on the shared axis.
void interact(CompareState& st, float x0, float x1, float y0, float y1) {
    ImGui::SetCursorScreenPos(ImVec2(x0, y0));
    ImGui::InvisibleButton("##compare-rows", ImVec2(std::max(1.0f, x1 - x0), std::max(1.0f, y1 - y0)));
    const ImGuiIO& io = ImGui::GetIO();
    const double w = static_cast<double>(std::max<std::int64_t>(st.end - st.begin, 1));
    const double nsPerPx = w / std::max(1.0f, x1 - x0);
    if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
        const double anchor = st.begin + (io.MousePos.x - x0) * nsPerPx;
        const double f = std::pow(1.25, io.MouseWheel);
        const double nb = anchor - (anchor - st.begin) / f, ne = anchor + (st.end - anchor) / f;
        if (ne - nb >= 10'000 && ne - nb <= 1e13) {
            st.begin = static_cast<std::int64_t>(nb);
            st.end = static_cast<std::int64_t>(ne);
            st.fitted = true;   // the user's zoom stays
        }
    }
    static bool dragged = false;   // this press moved the view: its release puts no cursor
    if (ImGui::IsItemActivated()) dragged = false;
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 4)) {
        const auto d = static_cast<std::int64_t>(-io.MouseDelta.x * nsPerPx);
        st.begin += d;
        st.end += d;
        st.fitted = true;
        dragged = true;
    } else if (ImGui::IsItemDeactivated() && !dragged) {
        st.cursor = st.begin + static_cast<std::int64_t>((io.MousePos.x - x0) * nsPerPx);
    }
}

} // namespace

CompareAction drawComparePanel(const std::vector<RunView*>& runs, CompareState& st, bool sweeping, const Rect& r,
                               const PanelEnv& env) {
    CompareAction act = CompareAction::None;
    if (beginPanel("Compare", r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        act = headerButtons(sweeping, st, env);
        g_spans.clear();
        g_failedSeen = g_failedSeenNow;
        g_failedSeenNow = false;
        compareLegend(st, env);
        const CompareView& m = st.model;
        if (!st.fitted) {
            st.begin = 0;
            st.end = static_cast<std::int64_t>(m.axisEndS * 1.03e9);
        }
        const float fs = ImGui::GetFontSize();
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        const float axisH = std::round(fs + 6);
        const float rowsTop = origin.y + axisH + 2, rowsBottom = r.y + r.h - std::max(6.0f, ImGui::GetStyle().WindowPadding.y);
        // Labels above each row when a row has room for them, else in a column on the left.
        // Laid out for the rows a sweep going on will end with (CompareState::expectedRows).
        const std::size_t slots = std::max<std::size_t>({1, m.rows.size(), st.expectedRows});
        const float rowsN = static_cast<float>(slots);
        const bool labels = (rowsBottom - rowsTop) / rowsN - 3 >= fs * 2.2f;
        // Rows in the label column: each work kind's rows under one header
        // line, as many headers from a sweep's first row as it will end with.
        std::size_t groups = 0;
        if (!labels) {
            for (std::size_t i = 0; i < m.rows.size(); ++i) groups += i == 0 || groupName(m.rows[i]) != groupName(m.rows[i - 1]);
            groups = std::max(groups, st.expectedGroups);
        }
        // The first header stands in the axis line's left end (the label
        // column's, empty there); the others take a line of their own.
        const float headerH = std::round(fs + 4);
        const float rowsRoom = rowsBottom - rowsTop - headerH * static_cast<float>(groups > 0 ? groups - 1 : 0);
        const float rowGuess = rowsRoom / rowsN - 3;
        const float gutter = labels ? 0 : gutterWidth(m.rows, rowGuess >= 2 * fs);
        const float gx0 = origin.x + 2;
        const float x0 = gx0 + gutter, x1 = origin.x + ImGui::GetContentRegionAvail().x - 2;
        Viewport vp;
        vp.tBegin = st.begin;
        vp.tEnd = std::max(st.end, st.begin + 1);
        vp.widthPx = std::max(1.0f, x1 - x0);
        // 4 em apart: room for "0.25 s" with a gap, and at presentation's
        // type a 4 s sweep's axis reads 0 1 2 3 4 s, not only "0 s" and "2 s"
        // (newcomer walk, session 28, at 5.5 em).
        vp.minTickPx = fs * 4.0f;
        ImDrawList* dl = ImGui::GetWindowDrawList();
        drawAxis(dl, vp, x0, origin.y, x1, axisH, env);
        if (m.rows.empty()) {
            ImGui::SetCursorScreenPos(ImVec2(x0 + 8, rowsTop + 8));
            ImGui::PushTextWrapPos(x1);
            ui::textDisabled("No runs to compare yet. First the class predicts (in Plots, on the right), then Sweep runs "
                             "this scenario with 1, 2, 4 and 8 workers and shows each prediction beside the result. "
                             "Runs also come here ticked in Stats > Session (key C switches back to the run view).");
            ImGui::PopTextWrapPos();
        } else {
            const float n = rowsN;
            const float gap = 3;
            const float rowH = std::max(4.0f, rowsRoom / n - gap);
            // Each row's top, and each group's header's (gutter mode).
            std::vector<float> tops(m.rows.size(), 0);
            std::vector<std::pair<std::string, float>> headers;
            float y = rowsTop;
            for (std::size_t i = 0; i < m.rows.size(); ++i) {
                if (!findRun(runs, m.rows[i].id)) continue;
                if (!labels && (headers.empty() || headers.back().first != groupName(m.rows[i]))) {
                    const bool firstGroup = headers.empty();
                    headers.emplace_back(groupName(m.rows[i]), firstGroup ? origin.y : y);
                    if (!firstGroup) y += headerH;
                }
                tops[i] = y;
                y += rowH + gap;
            }
            dl->PushClipRect(ImVec2(x0, rowsTop), ImVec2(x1, rowsBottom), true);
            for (std::size_t i = 0; i < m.rows.size(); ++i) {
                const CompareRow& row = m.rows[i];
                RunView* run = findRun(runs, row.id);
                if (!run) continue;
                env.drawn.compare.push_back(drawRow(*run, row, st, x0, x1, tops[i], tops[i] + rowH, labels, env));
                if (!labels && ui::mouseOver(ImVec2(x0, tops[i]), ImVec2(x1, tops[i] + rowH))) rowTooltip(row);
            }
            env.spans.draw(dl, g_spans);
            if (st.cursor) cursorMark(comparePen(env), x0 + timeToPx(vp, *st.cursor), rowsTop, rowsBottom);
            dl->PopClipRect();
            if (!labels) {
                // The labels' column and the groups' headers, outside the lanes' clip rectangle.
                for (std::size_t k = 0; k < headers.size(); ++k)
                    groupHeader(headers[k].first, gx0, k == 0 ? x0 - 8 : x1, headers[k].second, env);
                for (std::size_t i = 0; i < m.rows.size(); ++i)
                    if (findRun(runs, m.rows[i].id)) gutterLabel(m.rows[i], gx0, x0 - 4, tops[i], tops[i] + rowH, env);
            }
            interact(st, x0, x1, rowsTop, rowsBottom);
            // A double-click on a row (its strips or its label) opens its run.
            const ImVec2 mp = ImGui::GetIO().MousePos;
            if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
                ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && mp.x >= gx0 && mp.x <= x1)
                for (std::size_t i = 0; i < m.rows.size(); ++i) {
                    const float top = labels ? tops[i] : tops[i] - 1;
                    if (findRun(runs, m.rows[i].id) && mp.y >= top && mp.y <= tops[i] + rowH + 1) {
                        st.openRun = m.rows[i].id;
                        act = CompareAction::OpenRun;
                    }
                }
        }
    }
    endPanel();
    return act;
}

} // namespace parviz::gui
