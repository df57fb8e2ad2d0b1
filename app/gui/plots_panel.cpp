// Plots: the answer in words and the class's predictions beside it, then
// speedup (log-log) and efficiency against workers, drawn by parviz itself
// from the Plot records compare.hpp builds (axes, ticks, points, curves):
// measured points with min–max whiskers (hollow when the machine was busy),
// the ideal line, a mark at the usable cores, the predicted line at the run
// sizes (dashed) and the
// Amdahl curve (thin) per work kind, and the notes under them. Series are
// work kinds, not workers: their colours and marker shapes are none of the
// workers' (palette.hpp seriesColour). Lines, markers and type grow with the
// type size (presentation); when the panel is too low for two readable
// plots it shows one, with a switch. Before a sweep it asks for predictions.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/marks.hpp"
#include "gui/palette.hpp"
#include "gui/panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz::gui {
namespace {

// What the plots' speedup is in plain words first, the field's terms beside them
// (S(p), IPC: newcomer walk, item 7), and why This run's differs (the same run reads 1.44x there, 1.79x here).
constexpr const char* kTwoSpeedups =
    "Two speedups, both time with 1 worker / time with p workers (S(p) = T(1) / T(p), a time being the makespan): "
    "here T(1) is the 1-worker run's, which also pays the pool's start-up and passing tasks and results between "
    "processes (inter-process communication, IPC); This run's \"speedup over sequential\" takes T(1) as the sum of "
    "its task times, so the two differ. Efficiency: speedup / workers, S(p) / p.";

int seriesIndex(const PlotSeries& s) { return !s.work ? 2 : *s.work == WorkKind::Sleep ? 0 : 1; }
ImU32 seriesU32(const PlotSeries& s, Theme th) { return toU32(seriesColour(seriesIndex(s), th)); }

// Lines as thick as the type asks: 1.5 px at the normal size, more on a projector.
float lineW() { return std::max(1.5f, ImGui::GetFontSize() / 10); }
float markerR() { return std::max(3.5f, ImGui::GetFontSize() * 0.3f); }

// How each line of a plot is stroked (marks.hpp strokeSegment draws them,
// for the plot and its legend alike): the ideal dotted, the prediction
// dashed, Amdahl thin and solid.
Stroke idealStroke() { return {std::max(1.0f, lineW() * 0.7f), std::max(2.0f, ImGui::GetFontSize() / 8)}; }
Stroke predictedStroke() { return {lineW(), ImGui::GetFontSize() / 3}; }
Stroke amdahlStroke() { return {std::max(1.0f, lineW() * 0.6f), 0}; }
ImU32 amdahlColour(ImU32 c) { return (c & 0x00FFFFFFu) | 0x99000000u; }


struct Frame {
    float x0, y0, x1, y1;   // the data area in screen px
    const Plot* plot;
    ImVec2 at(double x, double y) const {
        const double fx = axisFraction(plot->x, x), fy = axisFraction(plot->y, y);
        return ImVec2(x0 + static_cast<float>(fx) * (x1 - x0), y1 - static_cast<float>(std::clamp(fy, -0.05, 1.05)) * (y1 - y0));
    }
};

void label(ImDrawList* dl, ImVec2 p, ImU32 c, const std::string& text) {
    dl->AddText(p, c, text.c_str());
    const ImVec2 s = ImGui::CalcTextSize(text.c_str());
    probe::drawnText(text, p, ImVec2(p.x + s.x, p.y + s.y), dl);
}

// The pen the plots draw their marks with (recorded for --layout-json).
MarkPen plotPen(ImDrawList* dl, const PanelEnv& env) { return MarkPen{dl, &env.drawn, "Plots", false}; }

void polyline(const MarkPen& pen, Mark m, const Frame& f, const PlotLine& line, ImU32 c, Stroke stroke) {
    for (std::size_t i = 1; i < line.size(); ++i)
        strokeSegment(pen, m, f.at(line[i - 1].first, line[i - 1].second), f.at(line[i].first, line[i].second), c, stroke);
}

// The usable cores' mark: a vertical dashed line (the plot and the legend).
Stroke coresStroke() { return {lineW(), ImGui::GetFontSize() / 4}; }

// The axes' labels drawn so far: a tick label that would touch one of them
// is left out (thinned), so no text is drawn over another.
struct Placed {
    std::vector<ImVec4> rects;   // x0, y0, x1, y1
    bool put(ImDrawList* dl, ImVec2 at, ImU32 c, const std::string& text) {
        const ImVec2 s = ImGui::CalcTextSize(text.c_str());
        const ImVec4 r(at.x - 2, at.y, at.x + s.x + 2, at.y + s.y);
        for (const ImVec4& o : rects)
            if (r.x < o.z && o.x < r.z && r.y < o.w && o.y < r.w) return false;
        rects.push_back(r);
        label(dl, at, c, text);
        return true;
    }
};

// The workers axis's title with its scale in plain words: "workers (both
// axes: ×2 per step)" on the log-log speedup plot, "workers (×2 per step)" on
// efficiency's; the title alone on a linear axis.
std::string axisLabel(const Plot& p) {
    if (!p.x.log2) return p.x.label;
    return p.x.label + (p.y.log2 ? " (both axes: \u00d72 per step)" : " (\u00d72 per step)");
}

void axes(ImDrawList* dl, const Frame& f, const PanelEnv& env) {
    const Plot& p = *f.plot;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), muted = textMuted(env.theme);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
    Placed placed;
    // The values first, each centred on its gridline and clear of the
    // markers on the frame's left edge (1 worker); a value whose label would
    // touch another's is left out with its gridline, so every gridline
    // drawn is labelled. Then the workers (each tick is a run's size).
    const float clear = markerR() + lineW() + 3;
    for (const auto& [v, name] : p.y.ticks) {
        const float y = f.at(p.x.min, v).y;
        const ImVec2 s = ImGui::CalcTextSize(name.c_str());
        if (placed.put(dl, ImVec2(f.x0 - clear - s.x, y - s.y / 2), text, name)) dl->AddLine(ImVec2(f.x0, y), ImVec2(f.x1, y), grid);
    }
    // Under the frame, clear of the markers on its bottom edge (speedup 1 at 1 worker).
    const float below = std::max(4.0f, markerR() + 2);
    for (const auto& [v, name] : p.x.ticks) {
        const float x = f.at(v, p.y.min).x;
        dl->AddLine(ImVec2(x, f.y1), ImVec2(x, f.y1 + 4), text, lineW());
        const ImVec2 s = ImGui::CalcTextSize(name.c_str());
        placed.put(dl, ImVec2(x - s.x / 2, f.y1 + below), text, name);
    }
    dl->AddRect(ImVec2(f.x0, f.y0), ImVec2(f.x1, f.y1), muted);
    // The scale said where it is read: 1, 2, 4, 8 equally apart read as 1, 2,
    // 3, 4 (newcomer walk, session 28, finding 9: "log axes unsaid").
    const std::string xLabel = axisLabel(p);
    const ImVec2 xs = ImGui::CalcTextSize(xLabel.c_str());
    placed.put(dl, ImVec2(f.x1 - xs.x, f.y1 + below + ImGui::GetFontSize()), muted, xLabel);
    if (p.coresX) {
        const float x = f.at(*p.coresX, p.y.min).x;
        strokeSegment(plotPen(dl, env), Mark::CoresLine, ImVec2(x, f.y0), ImVec2(x, f.y1), muted, coresStroke());
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g core%s", *p.coresX, *p.coresX == 1 ? "" : "s");
        // At the top of the mark, or at its bottom when a point on it is up there.
        bool pointHigh = false;
        for (const PlotSeries& se : p.series)
            for (const PlotPoint& pt : se.measured)
                pointHigh = pointHigh || (pt.x == *p.coresX && axisFraction(p.y, pt.yMax) > 0.6);
        const float fs = ImGui::GetFontSize();
        // Left of the mark when it is the axis's last value: the panel's edge is right of it.
        const float tw = ImGui::CalcTextSize(buf).x;
        const float lx = x + 3 + tw <= f.x1 ? x + 3 : x - 3 - tw;
        label(dl, ImVec2(lx, pointHigh ? f.y1 - fs - 2 : f.y0 + 2), muted, buf);
    }
}

void series(ImDrawList* dl, const Frame& f, const PlotSeries& s, const PanelEnv& env) {
    const ImU32 c = seriesU32(s, env.theme);
    const float lw = lineW();
    const MarkPen pen = plotPen(dl, env);
    polyline(pen, Mark::PredictedLine, f, s.predicted, c, predictedStroke());
    polyline(pen, Mark::AmdahlLine, f, s.amdahl, amdahlColour(c), amdahlStroke());
    const float r = markerR();
    for (const PlotPoint& p : s.measured) {
        const ImVec2 at = f.at(p.x, p.y), lo = f.at(p.x, p.yMin), hi = f.at(p.x, p.yMax);
        // Each half of the whiskers only where it reaches out of the marker,
        // from its edge: repeats that agree drew caps through it, read as
        // "⊟" (classroom walk, session 31).
        const bool loOut = lo.y - at.y > r * 1.5f, hiOut = at.y - hi.y > r * 1.5f;
        if (p.runs > 1 && (loOut || hiOut))
            whiskersMark(pen, loOut ? lo : ImVec2(at.x, at.y + r), hiOut ? hi : ImVec2(at.x, at.y - r), r, c, lw, loOut, hiOut);
        // Hollow: other programs took the cores of a run whose workers need
        // them; a sleep point stays solid (its sleeping workers need none).
        const bool warn = busyMatters(BusyVerdict{std::nullopt, p.busy}, s.work);
        pointMark(pen, at, r, c, seriesIndex(s), warn);
        if (ui::mouseOver(ImVec2(at.x - r - 2, at.y - r - 2), ImVec2(at.x + r + 2, at.y + r + 2)))
            ImGui::SetTooltip("%s, %g workers: %.2f (min %.2f, max %.2f; %d run%s)%s", s.work ? toString(*s.work) : "mixed",
                              p.x, p.y, p.yMin, p.yMax, p.runs, p.runs == 1 ? "" : "s",
                              warn && p.baseBusy ? "\nits 1-worker run (the speedup's base) was on a busy machine: not comparable"
                              : warn            ? "\nthe machine was busy: not comparable"
                              : p.busy == true ? "\nthe machine was busy; sleep work needs no core, so it holds"
                                               : "");
    }
}

// Every mark the plots draw (marks.hpp: the swatch is drawn by the mark's
// own function), for what the panel's plots hold: the series, hollow
// points when a run was busy (in each busy series' own shape and colour),
// whiskers when a configuration ran more than once, the prediction, the
// ideal, Amdahl and the usable cores. Entries flow and wrap at `right`;
// returns the y under the last line. compact (a small panel): shorter words.
float legend(ImDrawList* dl, const Plot& p, ImVec2 at, float right, const PanelEnv& env, bool compact) {
    const float fs = ImGui::GetFontSize();
    const ImU32 muted = textMuted(env.theme);
    LegendFlow flow{plotPen(dl, env).asLegend(), at.x, right, at, fs * 1.2f, fs + 2};
    const MarkPen& pen = flow.pen;
    const float r = markerR();
    auto mid = [](ImVec2 a, ImVec2 b) { return ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2); };
    auto across = [&](Mark m, ImU32 c, Stroke st) {
        return [&, m, c, st](ImVec2 a, ImVec2 b) { strokeSegment(pen, m, ImVec2(a.x, mid(a, b).y), ImVec2(b.x, mid(a, b).y), c, st); };
    };
    for (const PlotSeries& s : p.series)
        flow.entry(s.work ? toString(*s.work) : "mixed", "A measured point: the median of the configuration's runs.",
                   [&](ImVec2 a, ImVec2 b) { pointMark(pen, mid(a, b), r, seriesU32(s, env.theme), seriesIndex(s), false); });
    std::vector<const PlotSeries*> busy;
    bool whiskers = false, amdahl = false, predicted = false;
    for (const PlotSeries& s : p.series) {
        amdahl = amdahl || !s.amdahl.empty();
        predicted = predicted || s.predicted.size() > 1;
        bool b = false;
        for (const PlotPoint& pt : s.measured) {
            b = b || busyMatters(BusyVerdict{std::nullopt, pt.busy}, s.work);
            whiskers = whiskers || (pt.runs > 1 && pt.yMax > pt.yMin);   // repeats that differ (whether they reach out of the marker is the frame's)
        }
        if (b) busy.push_back(&s);
    }
    if (!busy.empty())
        flow.entry(compact ? "busy" : "hollow: machine busy",
                   "Hollow: other programs took the cores during that run, or during the 1-worker run its speedup is "
                   "measured against; its timing is not comparable (hover a point: which).",
                   [&](ImVec2 a, ImVec2 b) {
                       // Each busy series' own hollow marker, side by side.
                       const float step = (b.x - a.x) / static_cast<float>(busy.size());
                       for (std::size_t i = 0; i < busy.size(); ++i)
                           pointMark(pen, ImVec2(a.x + step * (static_cast<float>(i) + 0.5f), mid(a, b).y),
                                     std::min(r, step * 0.45f), seriesU32(*busy[i], env.theme), seriesIndex(*busy[i]), true);
                   });
    if (whiskers)
        flow.entry(compact ? "min–max" : "min–max of repeats", "The fastest and slowest run of a configuration run more than once.",
                   [&](ImVec2 a, ImVec2 b) { whiskersMark(pen, ImVec2(mid(a, b).x, b.y), ImVec2(mid(a, b).x, a.y), r * 0.7f, muted, lineW()); });
    if (predicted)
        flow.entry(p.predictedName,
                   "The model's prediction at each worker count that was run (docs/sweep-model.md), dashed in the series' "
                   "colour. Not the class's: that is on the Compare rows.",
                   across(Mark::PredictedLine, muted, predictedStroke()));
    flow.entry("ideal", "Ideal: speedup equal to the workers (efficiency 1).", across(Mark::IdealLine, muted, idealStroke()));
    if (amdahl)
        flow.entry("Amdahl fit", "Amdahl's law for the fitted serial fraction, thin in the series' colour.",
                   across(Mark::AmdahlLine, amdahlColour(muted), amdahlStroke()));
    if (p.coresX)
        flow.entry(compact ? "cores" : "usable cores", "The cores this machine lets the run use: more workers than that take turns.",
                   [&](ImVec2 a, ImVec2 b) { strokeSegment(pen, Mark::CoresLine, ImVec2(mid(a, b).x, a.y), ImVec2(mid(a, b).x, b.y), muted, coresStroke()); });
    return flow.bottom();
}

// How many lines the legend takes at width w when it holds every entry it
// can ever hold (both work kinds, busy, min–max, the prediction, ideal,
// Amdahl, the cores), flowed as LegendFlow flows them: the legend's room is
// that, whatever the plots hold now, so an entry appearing mid-sweep moves nothing.
int legendLines(const Plot& p, float w, bool compact) {
    const float fs = ImGui::GetFontSize(), swatchW = fs * 1.2f;
    const std::string words[] = {"sleep", "cpu", compact ? "busy" : "hollow: machine busy",
                                 compact ? "min–max" : "min–max of repeats", p.predictedName, "ideal", "Amdahl fit",
                                 compact ? "cores" : "usable cores"};
    int lines = 1;
    float x = 0;
    for (const std::string& t : words) {
        const float ew = swatchW + fs * 0.4f + ImGui::CalcTextSize(t.c_str()).x;
        if (x + ew > w && x > 0) {
            x = 0;
            ++lines;
        }
        x += ew + fs * 0.8f;
    }
    return lines;
}

// One plot under its title (the two plots share one legend, drawn above
// them); withTitle false: the caller drew the title line (the plot switch).
void drawPlot(const Plot& p, float x, float y, float w, float h, const PanelEnv& env, bool withTitle = true) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    if (withTitle) label(dl, ImVec2(x, y), ImGui::GetColorU32(ImGuiCol_Text), p.title);
    const float top = y + fs + 2;
    // The top tick's label (centred on it) stays under the title.
    // Left of the frame: the widest value's label, clear of the markers on the frame's edge.
    float labelW = 0;
    for (const auto& t : p.y.ticks) labelW = std::max(labelW, ImGui::CalcTextSize(t.second.c_str()).x);
    const float left = std::max(fs * 1.5f, labelW + markerR() + lineW() + 3 + 4);
    const Frame f{x + left, top + std::max(6.0f, fs / 2 + 2), x + w - fs * 0.8f, y + h - 2 * fs - std::max(4.0f, markerR() + 2) - 4, &p};
    if (f.x1 - f.x0 < 20 || f.y1 - f.y0 < 20) return;
    env.drawn.plots.push_back(PlotRect{p.title, f.x0, f.y0, f.x1, f.y1, lineW(), markerR()});
    axes(dl, f, env);
    // Markers on the frame's edges (1 worker, the most workers) are drawn whole.
    const float m = markerR() + lineW();
    dl->PushClipRect(ImVec2(f.x0 - m, f.y0 - m), ImVec2(f.x1 + m, f.y1 + m), true);
    polyline(plotPen(dl, env), Mark::IdealLine, f, p.ideal, textMuted(env.theme), idealStroke());
    for (const PlotSeries& s : p.series) series(dl, f, s, env);
    dl->PopClipRect();
}

// Before a sweep: the class predicts. The makespan question (the same
// draft the Explain panel and the empty timeline answer) and, for each work
// kind the Sweep will run, how many workers will be enough.
void predictBeforeSweep(CompareState& st, const std::vector<WorkKind>& works, const PanelEnv& env) {
    ui::textUnformatted("Predict before you Sweep:");
    if (PredictDraft* d = env.predict) {
        for (std::size_t i = 0; i < d->questions.size() && i < d->answers.size() && i < d->asks.size(); ++i) {
            if (d->questions[i].kind != QuestionKind::Makespan) continue;
            Guess& g = d->answers[i];
            ui::textUnformatted(d->asks[i].c_str());
            float v = static_cast<float>(g.seconds);
            if (ui::valueSlider("##compare-makespan", g.given ? "compare prediction" : "compare: drag to predict", &v, 0.0f, static_cast<float>(d->maxSeconds), "%.2f s",
                                ImGui::GetContentRegionAvail().x)) {
                g.seconds = v;
                g.given = true;
            }
            ui::tooltipBelow("Drag to your prediction (seconds on the sweep's time scale), or Ctrl+click and type a "
                             "number, then Enter.");
        }
    }
    // "Enough" as the answer will judge it (sweepAnswers: the fewest within
    // 10 % of the best), said where it is asked (newcomer walk, session 30).
    ImGui::PushTextWrapPos(0.0f);
    ui::textUnformatted("How many workers will be enough (more workers would gain less than 10 %)?");
    ImGui::PopTextWrapPos();
    for (WorkKind w : works) {
        const char* work = toString(w);
        ImGui::AlignTextToFramePadding();
        ui::textUnformatted((std::string(work) + ":").c_str());
        std::optional<int> chosen;
        for (const EnoughGuess& e : st.guesses.enough)
            if (e.work == w) chosen = e.workers;
        for (int n : {1, 2, 4, 8}) {
            const std::string id = std::to_string(n) + "##enough-" + work;
            ui::sameLineIfFits(ImGui::GetFrameHeight() * 2.2f);
            if (ImGui::RadioButton(id.c_str(), chosen == n)) {
                auto& v = st.guesses.enough;
                v.erase(std::remove_if(v.begin(), v.end(), [&](const EnoughGuess& e) { return e.work == w; }), v.end());
                v.push_back({w, n});
                ++st.guessesVersion;
            }
            probe::lastWidget(std::string(work) + " enough " + std::to_string(n));
        }
    }
}

} // namespace

void drawPlotsPanel(CompareState& st, bool sweeping, const std::vector<WorkKind>& works, const Rect& r,
                    const PanelEnv& env) {
    const CompareView& model = st.model;
    if (beginPanel("Plots", r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        if (!sweeping && (model.rows.empty() || st.predicting)) {
            // Nothing measured yet (or Predict pressed): the panel asks for the class's predictions.
            predictBeforeSweep(st, works, env);
            endPanel();
            return;
        }
        const ImVec2 o = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x;
        const float fs = ImGui::GetFontSize();
        const float bottom = r.y + r.h - ImGui::GetStyle().WindowPadding.y;
        // The plots' notes, and what tells their speedup from This run's
        // (a student saw 1.44x there and 1.79x here for one run).
        std::vector<std::string> notes = model.speedup.notes;
        if (!model.rows.empty()) notes.push_back(kTwoSpeedups);
        // The plot's room is fixed by the window alone (the answer is read
        // off it): 44 % of the window's height, at least 10 lines of type,
        // at the panel's foot. Neither the answers piling up during a sweep
        // nor the caption growing a line moves or shrinks it. Above it the
        // legend's room, as many lines as every entry it can ever have
        // takes (so an entry appearing moves nothing), and above that the
        // answers in words, the class's predictions and the plot's notes,
        // in a box of their own that scrolls when they are long.
        float plotBlockH = std::min(std::round(std::max(fs * 10, ImGui::GetIO().DisplaySize.y * 0.44f)),
                                    std::max(fs * 6, bottom - o.y - fs * 3));
        const float legendLineH = fs + 2;
        // The shorter words when the full ones would take more than three lines.
        bool compactLegend = legendLines(model.speedup, w, false) > 3;
        float legendH = static_cast<float>(legendLines(model.speedup, w, compactLegend)) * legendLineH + 4;
        // The answers (one a work kind the sweep runs) are THE answer of the
        // lesson: the class must read them without scrolling (a busy
        // machine's sleep answer with the class's guess wrapped to three
        // lines and pushed the cpu answer under the box's edge). Each takes
        // two lines at most (below), and the box has two lines of type more
        // than it had, taken from the plot while it keeps 11.5 lines (its
        // data area 6.5): by the window alone, so nothing moves during a
        // sweep (the caption's extra lines then only move the panel's top).
        plotBlockH = std::min(plotBlockH, std::max(fs * 11.5f, plotBlockH - 2 * fs));
        const float textW = w - ImGui::GetStyle().ScrollbarSize;
        float legendTop = bottom - plotBlockH - legendH;
        float wordsH = std::max(0.0f, legendTop - o.y - 2);
        auto twoLinesAtMost = [&](const std::string& t) { return ui::wrappedTextSize(t, textW).y <= 2 * fs + 1; };
        // The words in the order the class reads them: each answer, then the
        // reveal of the class's guess for it (on the answer's line when both
        // fit two lines, else on the line under it), then the other
        // predictions' reveals, then the notes. A reveal never waits behind
        // the other answers: the sleep guess stood last, under the box's
        // edge, while the cpu one was in view (session 22).
        struct Entry {
            std::string full, brief, briefTip;
            enum Kind { Answer, Guess, Note } kind;
            std::string probe;
            std::string noteTip;
            std::size_t guessAt = std::string::npos;   // in brief: where the class's guess riding on the answer begins
        };
        std::vector<Entry> entries;
        std::vector<const GuessLine*> placed;
        for (std::size_t ai = 0; ai < model.answers.size(); ++ai) {
            const SweepAnswer& a = model.answers[ai];
            std::string b = a.brief, tip = a.full;
            std::vector<const GuessLine*> under;
            std::size_t guessAt = std::string::npos;
            for (const GuessLine& g : model.guesses) {
                if (g.enoughFor != a.work || g.tail.empty() ||
                    std::find(placed.begin(), placed.end(), &g) != placed.end())
                    continue;
                placed.push_back(&g);
                if (twoLinesAtMost(b + "; " + g.tail)) {
                    b += "; ";
                    if (guessAt == std::string::npos) guessAt = b.size();
                    b += g.tail;
                    tip += "\n" + g.full;
                } else {
                    under.push_back(&g);
                }
            }
            entries.push_back({a.full, b, tip, Entry::Answer, std::string("answer ") + toString(a.work), "", guessAt});
            for (const GuessLine* g : under)
                entries.push_back({g->full, g->brief, g->full, Entry::Guess, "", ""});
        }
        // "How many workers are enough?" reveals not placed under an answer (the sweep has not answered yet).
        for (const GuessLine& g : model.guesses)
            if (std::find(placed.begin(), placed.end(), &g) == placed.end() && !g.makespan)
                entries.push_back({g.full, g.brief, g.full, Entry::Guess, "", ""});
        int guessNo = 0;
        for (Entry& e : entries)
            if (e.kind == Entry::Guess) e.probe = "guess " + std::to_string(guessNo++);
        const std::size_t nMust = entries.size();   // the answers and their reveals: in view, always
        // A makespan prediction's reveal ("Pool(4) sleep: you 0.20 s, took
        // 0.20 s") is its Compare row's too: "you: 0.20 s" drawn on the row
        // at its time, the verdict on hover. Here it comes after the answers,
        // in view when there is room, else a scroll away with the notes: on a
        // busy machine the answers' longer words and their reveals took the
        // whole box and pushed a reveal of the plots' own question out of
        // view (CI, session 25; newcomer walk 26: the cpu answer two scrolls down).
        int makespanNo = 0;
        for (const GuessLine& g : model.guesses)
            if (g.makespan)
                entries.push_back({g.full, g.brief, g.full, Entry::Guess, "makespan guess " + std::to_string(makespanNo++), ""});
        for (std::size_t i = 0; i < notes.size(); ++i)
            entries.push_back({notes[i], notes[i], "", Entry::Note, "note " + std::to_string(i),
                               i < model.speedup.noteTips.size() ? model.speedup.noteTips[i] : std::string()});
        // Half the usual gap between the entries: a line more for the reveals in presentation's box.
        const float gapY = std::round(ImGui::GetStyle().ItemSpacing.y * 0.5f);
        auto heightOf = [&](const std::string& t) { return ui::wrappedTextSize(t, textW).y + gapY; };
        auto mustH = [&](bool full) {
            float h = ImGui::GetStyle().ItemSpacing.y;   // the body's padding above (beginScrollBody)
            for (std::size_t i = 0; i < nMust; ++i) h += heightOf(full ? entries[i].full : entries[i].brief);
            return h;
        };
        // The full sentences when they and the plot's notes fit the box, else the brief ones (the full ones in their tooltip).
        float allFullH = mustH(true);
        for (std::size_t i = nMust; i < entries.size(); ++i) allFullH += heightOf(entries[i].full);
        const bool useFull = allFullH <= wordsH;
        // The answers and reveals must be in view: when even their brief
        // forms pass the box, the box takes the room from the plot's (down
        // to its 11.5 lines: a data area of 6.5 lines of type, what
        // [plotsfit] asks) and then from the legend's (its compact words).
        // (With the line of the cue that says more notes wait below, when some do.)
        const float cueLineH = entries.size() > nMust ? ImGui::GetTextLineHeightWithSpacing() : 0.0f;
        if (!useFull && mustH(false) + cueLineH > wordsH && wordsH >= fs) {
            const float want = mustH(false) + cueLineH - wordsH;
            const float fromPlot = std::clamp(plotBlockH - fs * 11.5f, 0.0f, want);
            plotBlockH -= fromPlot;
            legendTop += fromPlot;
            wordsH += fromPlot;
            if (mustH(false) + cueLineH > wordsH && !compactLegend) {
                const float legendCompactH = static_cast<float>(legendLines(model.speedup, w, true)) * legendLineH + 4;
                wordsH += legendH - legendCompactH;
                legendTop += legendH - legendCompactH;
                legendH = legendCompactH;
                compactLegend = true;
            }
        }
        const float plotTop = bottom - plotBlockH;
        if (wordsH >= fs) {
            ui::beginScrollBody("##plots-words", wordsH);
            // Back to the top (the answers) when the runs change: the box kept
            // a reader's scroll, so the next sweep's answers opened scrolled
            // out of view (newcomer walk, session 30).
            // Not on each row of a sweep going on: a reader may scroll then.
            static std::size_t rowsSeen = 0;
            static bool sweepSeen = false;
            if (sweeping != sweepSeen || (!sweeping && model.rows.size() != rowsSeen)) {
                rowsSeen = model.rows.size();
                sweepSeen = sweeping;
                ImGui::SetScrollY(0);
            }
            ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, gapY));
            ImGui::PushTextWrapPos(0.0f);
            // What does not fit at rest is a scroll away, said by a cue, never
            // cut mid-sentence at the box's edge ("Two speedups, both time
            // with 1 worker /" stood as the box's last line): the first entry
            // that would pass the edge (with the cue's line) goes below it.
            const float cueH = ImGui::GetTextLineHeightWithSpacing();
            float used = ImGui::GetStyle().ItemSpacing.y;
            bool cued = false;
            std::size_t below = 0;
            for (std::size_t i = 0; i < entries.size(); ++i) {
                const Entry& e = entries[i];
                const std::string& text = useFull ? e.full : e.brief;
                const float h = heightOf(text);
                if (!cued && i >= nMust) {
                    float restH = 0;
                    for (std::size_t k = i; k < entries.size(); ++k) restH += heightOf(useFull ? entries[k].full : entries[k].brief);
                    if (used + restH > wordsH + 0.5f) {
                        // From here on the entries wait below the box: the cue says so, on its last line in view.
                        const bool fitsHere = used + h + cueH <= wordsH + 0.5f;
                        if (!fitsHere) {
                            below = entries.size() - i;
                            char cue[96];
                            std::snprintf(cue, sizeof cue, "more below (%zu note%s): scroll the words", below, below == 1 ? "" : "s");
                            // The cue when its line is free; else the box's scrollbar alone says it.
                            if (used + cueH <= wordsH + 0.5f) {
                                ImGui::PushStyleColor(ImGuiCol_Text, mutedColour(env.theme));
                                ui::textUnformatted(cue);
                                ImGui::PopStyleColor();
                                probe::itemOnly("plots words more");
                                used += cueH;
                            }
                            // The rest starts at the box's bottom edge, wholly out of view until scrolled.
                            ImGui::Dummy(ImVec2(1, std::max(0.0f, wordsH - used - gapY)));
                            cued = true;
                        }
                    }
                }
                if (e.kind == Entry::Note) {
                    ui::textDisabled("%s", text.c_str());
                    probe::itemOnly(e.probe);
                    if (!e.noteTip.empty()) ui::tooltipBelow(e.noteTip.c_str());
                } else {
                    // The class's predictions in their own colour, as Compare's rows show them (palette.hpp).
                    // A guess riding on its answer's line too: the answer in ink, the guess green.
                    if (e.kind == Entry::Guess) ImGui::PushStyleColor(ImGuiCol_Text, predictionColour(env.theme));
                    if (e.kind == Entry::Answer && !useFull && e.guessAt < text.size())
                        ui::textTwoColours(text, e.guessAt, predictionColour(env.theme));
                    else
                        ui::textUnformatted(text.c_str());
                    if (e.kind == Entry::Guess) ImGui::PopStyleColor();
                    probe::itemOnly(e.probe);   // for [plotsfit]
                    if (!useFull) ui::tooltipBelow((e.kind == Entry::Answer ? e.briefTip : e.full).c_str());
                }
                used += h;
            }
            ImGui::PopTextWrapPos();
            ImGui::PopStyleVar();
        }
        if (wordsH >= fs) {
            ui::endScrollBody();
            probe::itemOnly("plots words");   // the box's rect, for [plotsfit]
        }
        legend(ImGui::GetWindowDrawList(), model.speedup, ImVec2(o.x, legendTop), o.x + w, env, compactLegend);
        // One plot, the other a click away; the switch is its title ("speedup over 1 worker").
        ImGui::SetCursorScreenPos(ImVec2(o.x, plotTop));
        for (int k = 0; k < 2; ++k) {
            const char* name = k == 0 ? kSpeedupOverOneWorker : "efficiency";
            if (k > 0) ImGui::SameLine();
            if (ImGui::RadioButton(name, st.plotShown == k)) st.plotShown = k;
            ui::probeItem(name);
            ui::tooltipBelow(k == 0 ? kTwoSpeedups : "Efficiency E(p) = S(p) / p: the speedup over 1 worker per worker; 1 is ideal.");
        }
        const float switchH = ImGui::GetFrameHeight() + 2 - (fs + 2);   // the title line's place
        drawPlot(st.plotShown == 0 ? model.speedup : model.efficiency, o.x, plotTop + switchH, w, plotBlockH - switchH, env, false);
        ImGui::SetCursorScreenPos(ImVec2(o.x, bottom));
    }
    endPanel();
}

} // namespace parviz::gui
