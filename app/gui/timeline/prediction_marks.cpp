// Predict, then reveal, on the timeline: before a run, a drag (or a click)
// on the empty timeline answers the makespan question ("how long will it
// take?") on an axis of seconds; on a run, each makespan prediction is a
// dashed line where it said the run would end, beside the real end.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz::gui::timeline {
namespace {

int makespanQuestion(const std::vector<Question>& qs) {
    for (std::size_t i = 0; i < qs.size(); ++i)
        if (qs[i].kind == QuestionKind::Makespan) return static_cast<int>(i);
    return -1;
}

void dashedLine(ImDrawList* dl, float x, float y0, float y1, ImU32 col, float thick) {
    const float dash = std::max(4.0f, thick * 3);
    for (float y = y0; y < y1; y += dash * 2) dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(y1, y + dash)), col, thick);
}

void label(ImDrawList* dl, const std::string& text, float x, float y, float xMax, ImU32 col, ImU32 bg) {
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const ImVec2 tp(std::min(x + 4, xMax - ts.x - 2), y);
    dl->AddRectFilled(ImVec2(tp.x - 2, tp.y), ImVec2(tp.x + ts.x + 2, tp.y + ts.y), bg);
    dl->AddText(tp, col, text.c_str());
    probe::drawnText(text, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
}

} // namespace

bool drawPredictionDrag(const PanelEnv& env, const Geometry& g, float lanesTop) {
    if (!env.predict) return false;
    PredictDraft& d = *env.predict;
    const int qi = makespanQuestion(d.questions);
    if (qi < 0 || static_cast<std::size_t>(qi) >= d.answers.size() || d.maxSeconds <= 0) return false;
    Guess& guess = d.answers[static_cast<std::size_t>(qi)];
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float w = g.plotMax.x - g.plotMin.x;
    if (w <= 1) return false;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), warn = ImGui::ColorConvertFloat4ToU32(predictionColour(env.theme));   // the predictions' own colour, as in Compare and Plots
    // An axis of seconds of the run, 0 to the slider's range, ticks at whole steps.
    const double span = d.maxSeconds;
    const double step = span <= 2 ? 0.25 : span <= 5 ? 0.5 : span <= 12 ? 1 : span <= 30 ? 5 : 10;
    for (double s = 0; s <= span + 1e-9; s += step) {
        const float x = g.plotMin.x + static_cast<float>(s / span) * w;
        dl->AddLine(ImVec2(x, lanesTop), ImVec2(x, g.plotMax.y), IM_COL32(128, 128, 128, 50));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g s", s);
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        if (x + 3 + ts.x <= g.plotMax.x) {
            dl->AddText(ImVec2(x + 3, lanesTop + 2), textMuted(env.theme), buf);
            probe::drawnText(buf, ImVec2(x + 3, lanesTop + 2), ImVec2(x + 3 + ts.x, lanesTop + 2 + ts.y), dl);
        }
    }
    const float fs = ImGui::GetFontSize();
    ImGui::SetCursorScreenPos(ImVec2(g.plotMin.x, lanesTop));
    ImGui::InvisibleButton("##predict-drag", ImVec2(w, std::max(1.0f, g.plotMax.y - lanesTop)));
    if (ImGui::IsItemActive()) {
        const float x = std::clamp(ImGui::GetIO().MousePos.x - g.plotMin.x, 0.0f, w);
        guess.seconds = std::round(x / w * span * 100) / 100;   // to 10 ms, as the slider shows it
        guess.given = true;
    }
    if (ImGui::IsItemDeactivated()) {
        env.drawn.predictionDropped = true;
        env.drawn.predictionSeconds = guess.seconds;
    }
    if (ImGui::IsItemHovered())
        boundedTooltipf("Drag (or click) where you think the run will end: your prediction.");
    const std::string ask = "Predict: " + d.asks[static_cast<std::size_t>(qi)] + " Drag on the timeline.";
    dl->PushClipRect(ImVec2(g.plotMin.x, lanesTop), g.plotMax, true);
    const float askY = lanesTop + fs * 1.6f;
    ui::addWrappedText(dl, ImVec2(g.plotMin.x + 10, askY), text, ask, w - 20);
    const ImVec2 as = ui::wrappedTextSize(ask, w - 20);
    probe::drawnText(ask, ImVec2(g.plotMin.x + 10, askY), ImVec2(g.plotMin.x + 10 + as.x, askY + as.y), dl);
    if (guess.given) {
        const float x = g.plotMin.x + static_cast<float>(std::clamp(guess.seconds / span, 0.0, 1.0)) * w;
        // Broken where the question's words are: drawn through them it cut
        // "24 of 0.1 s" into "0¦1 s" (newcomer walk, session 30).
        const bool underWords = x >= g.plotMin.x + 8 && x <= g.plotMin.x + 12 + as.x;
        if (underWords) {
            dashedLine(dl, x, lanesTop, askY - 2, warn, std::max(2.0f, fs / 8));
            dashedLine(dl, x, askY + as.y + 2, g.plotMax.y, warn, std::max(2.0f, fs / 8));
        } else {
            dashedLine(dl, x, lanesTop, g.plotMax.y, warn, std::max(2.0f, fs / 8));
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "your prediction: %.2f s", guess.seconds);
        label(dl, buf, x, askY + as.y + fs * 0.5f, g.plotMax.x, warn, laneBackground(env.theme, false));
    }
    dl->PopClipRect();
    return true;
}

void drawPredictionMarks(const RunView& run, const PanelEnv& env, const Geometry& g, float lanesTop) {
    if (!run.trace()) return;
    const int qi = makespanQuestion(run.questions());
    if (qi < 0 || static_cast<std::size_t>(qi) >= run.predictions().size()) return;
    const Guess& p = run.predictions()[static_cast<std::size_t>(qi)];
    const std::optional<std::int64_t> t = run.predictedEnd();
    if (!p.given || !t) return;
    // Its line only at its true time: Fit takes it in when it is not far past the run (RunView::fitWholeRun).
    // Zoomed or panned away from it, its words alone at that edge with an
    // arrow saying which way it lies, no line at a wrong x.
    const float raw = g.plotMin.x + timeToPx(g.vp, *t);
    const bool inView = raw >= g.plotMin.x && raw <= g.plotMax.x;
    const float x = std::clamp(raw, g.plotMin.x + 1, g.plotMax.x - 1);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 warn = ImGui::ColorConvertFloat4ToU32(predictionColour(env.theme));   // the predictions' own colour, as in Compare and Plots
    dl->PushClipRect(ImVec2(g.plotMin.x, lanesTop), g.plotMax, true);
    if (inView) dashedLine(dl, x, lanesTop, g.plotMax.y, warn, std::max(2.0f, ImGui::GetFontSize() / 8));
    char buf[64];
    std::snprintf(buf, sizeof buf, raw > g.plotMax.x ? "predicted %.2f s →" : raw < g.plotMin.x ? "← predicted %.2f s"
                                                                                                   : "predicted %.2f s",
                  p.seconds);
    // Its words beside the line on a lane's tasks row, where they cover no
    // other words (a task's name, a chunk's label) and no lane's state rows
    // (it hid a worker's running/idle strip at the lanes' bottom): the lowest
    // such place in view, else the line alone (hover: the words).
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    const float lx = raw < g.plotMin.x ? g.plotMin.x + 2 : std::min(x + 4, g.plotMax.x - ts.x - 2);
    // First a row where they cover no task bar either (they hid the end of
    // the very chunk the class predicted would end last, classroom walk,
    // session 31), then any row free of words.
    const std::int64_t ta = pxToTime(g.vp, lx - 2 - g.plotMin.x), tb = pxToTime(g.vp, lx + ts.x + 2 - g.plotMin.x);
    const auto noTaskThere = [&](const RowRect& r) {
        if (r.lane != LaneKind::Proc || r.id < 0 || static_cast<std::size_t>(r.id) >= run.model().procs().size()) return true;
        const SpanRow& tasks = run.model().procs()[static_cast<std::size_t>(r.id)].tasks;
        const std::size_t i = tasks.firstEndingAfter(ta, 0);
        return i >= tasks.size() || tasks[i].t0 >= tb;
    };
    std::optional<float> y = freeOnTasksRow(env, ImVec2(lx - 2, lx + ts.x + 2), ts.y, lanesTop, g.lanesBottom, {}, noTaskThere);
    if (!y) y = freeOnTasksRow(env, ImVec2(lx - 2, lx + ts.x + 2), ts.y, lanesTop, g.lanesBottom);
    if (y) {
        const ImRect plate(ImVec2(lx - 2, *y), ImVec2(lx + ts.x + 2, *y + ts.y));
        label(dl, buf, lx - 4, *y, g.plotMax.x, warn, laneBackground(env.theme, false));
        occupyText(plate);
        env.drawn.predictionLabel = Rect{plate.Min.x, plate.Min.y, plate.GetWidth(), plate.GetHeight()};
    }
    if (inView && ImGui::IsMouseHoveringRect(ImVec2(x - 4, lanesTop), ImVec2(x + 4, g.plotMax.y))) boundedTooltipf("%s", buf);
    dl->PopClipRect();
    env.drawn.predictionX = inView ? x : -1;
}

} // namespace parviz::gui::timeline
