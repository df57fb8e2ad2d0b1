#include "gui/marks.hpp"

#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui {

const char* toString(Mark m) noexcept {
    switch (m) {
    case Mark::TaskStrip: return "task";
    case Mark::FailedTask: return "failed task";
    case Mark::CoreStrip: return "core strip";
    case Mark::PredictedTick: return "predicted makespan";
    case Mark::ClassGuess: return "class prediction";
    case Mark::Cursor: return "cursor";
    case Mark::BusyRow: return "machine busy";
    case Mark::PointSleep: return "sleep point";
    case Mark::PointCpu: return "cpu point";
    case Mark::PointMixed: return "mixed point";
    case Mark::BusyPoint: return "busy point";
    case Mark::Whiskers: return "whiskers";
    case Mark::PredictedLine: return "predicted line";
    case Mark::IdealLine: return "ideal line";
    case Mark::AmdahlLine: return "Amdahl line";
    case Mark::CoresLine: return "cores line";
    }
    return "?";
}

void noteMark(const MarkPen& pen, Mark m) {
    if (!pen.drawn) return;
    auto& v = pen.legend ? pen.drawn->legendMarks : pen.drawn->marks;
    const std::pair<std::string, std::string> e{pen.panel, toString(m)};
    if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
}

void strokeSegment(const MarkPen& pen, Mark m, ImVec2 a, ImVec2 b, ImU32 c, Stroke s) {
    noteMark(pen, m);
    if (s.dash <= 0) {
        pen.dl->AddLine(a, b, c, s.width);
        return;
    }
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    if (len < 1) return;
    const ImVec2 d((b.x - a.x) / len, (b.y - a.y) / len);
    for (float t = 0; t < len; t += 2 * s.dash) {
        const float e = std::min(len, t + s.dash);
        pen.dl->AddLine(ImVec2(a.x + d.x * t, a.y + d.y * t), ImVec2(a.x + d.x * e, a.y + d.y * e), c, s.width);
    }
}

void pointMark(const MarkPen& pen, ImVec2 at, float r, ImU32 c, int shape, bool hollow) {
    noteMark(pen, shape == 0 ? Mark::PointSleep : shape == 1 ? Mark::PointCpu : Mark::PointMixed);
    if (hollow) noteMark(pen, Mark::BusyPoint);
    ImDrawList* dl = pen.dl;
    const float t = std::max(2.0f, r / 3);
    if (shape == 0) {
        if (hollow) dl->AddCircle(at, r, c, 0, t);
        else dl->AddCircleFilled(at, r, c);
    } else if (shape == 1) {
        const float q = r * 0.9f;
        if (hollow) dl->AddRect(ImVec2(at.x - q, at.y - q), ImVec2(at.x + q, at.y + q), c, 0, 0, t);
        else dl->AddRectFilled(ImVec2(at.x - q, at.y - q), ImVec2(at.x + q, at.y + q), c);
    } else {
        const float q = r * 1.2f;
        const ImVec2 a(at.x, at.y - q), b(at.x + q, at.y), cc(at.x, at.y + q), d(at.x - q, at.y);
        if (hollow) dl->AddQuad(a, b, cc, d, c, t);
        else dl->AddQuadFilled(a, b, cc, d, c);
    }
}

void whiskersMark(const MarkPen& pen, ImVec2 lo, ImVec2 hi, float r, ImU32 c, float width, bool capLo, bool capHi) {
    noteMark(pen, Mark::Whiskers);
    pen.dl->AddLine(lo, hi, c, width);
    if (capLo) pen.dl->AddLine(ImVec2(lo.x - r, lo.y), ImVec2(lo.x + r, lo.y), c, width);
    if (capHi) pen.dl->AddLine(ImVec2(hi.x - r, hi.y), ImVec2(hi.x + r, hi.y), c, width);
}

void predictedTickMark(const MarkPen& pen, float x, float top, float bottom, ImU32 c) {
    noteMark(pen, Mark::PredictedTick);
    const float tri = std::max(5.0f, std::round(ImGui::GetFontSize() * 0.25f));
    pen.dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), c, std::max(2.0f, std::round(ImGui::GetFontSize() / 10)));
    pen.dl->AddTriangleFilled(ImVec2(x - tri, top), ImVec2(x + tri, top), ImVec2(x, top + tri * 1.2f), c);
}

void classGuessMark(const MarkPen& pen, float x, float top, float bottom, ImU32 c, float thick) {
    noteMark(pen, Mark::ClassGuess);
    const float dash = std::max(4.0f, thick * 3);
    for (float y = top; y < bottom; y += dash * 2) pen.dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(bottom, y + dash)), c, thick);
}

void cursorMark(const MarkPen& pen, float x, float top, float bottom) {
    noteMark(pen, Mark::Cursor);
    pen.dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), IM_COL32(230, 60, 60, 230), 2.0f);
}

ImVec2 rowTextMark(const MarkPen& pen, ImVec2 p, const std::string& text, bool busy, ImU32 normal, Theme theme) {
    if (busy) noteMark(pen, Mark::BusyRow);
    const ImU32 c = busy ? ImGui::ColorConvertFloat4ToU32(warningColour(theme)) : normal;
    pen.dl->AddText(p, c, text.c_str());
    const ImVec2 s = ImGui::CalcTextSize(text.c_str());
    probe::drawnText(text, p, ImVec2(p.x + s.x, p.y + s.y), pen.dl);
    return s;
}

void busyChipMark(const MarkPen& pen, ImVec2 a, ImVec2 b, Theme theme) {
    noteMark(pen, Mark::BusyRow);
    const float h = (b.y - a.y) * 0.5f, y = (a.y + b.y) / 2;
    pen.dl->AddRectFilled(ImVec2(a.x, y - h / 2), ImVec2(b.x, y + h / 2), ImGui::ColorConvertFloat4ToU32(warningColour(theme)),
                          h / 3);
}

void LegendFlow::words_(const std::string& words, const char* tip, ImVec2 p, float w) {
    pen.dl->AddText(p, ImGui::GetColorU32(ImGuiCol_Text), words.c_str());
    const ImVec2 s = ImGui::CalcTextSize(words.c_str());
    probe::drawnText(words, p, ImVec2(p.x + s.x, p.y + s.y), pen.dl);
    probe::itemAt("legend " + words, ImVec2(at.x, at.y), ImVec2(at.x + w, at.y + lineH));   // where a test points
    // Never through a popup open over it (the run picker's list): ui::mouseOver.
    if (tip && *tip && ui::mouseOver(ImVec2(at.x, at.y), ImVec2(at.x + w, at.y + lineH))) timeline::boundedTooltipf("%s", tip);
}

} // namespace parviz::gui
