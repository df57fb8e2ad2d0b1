// Plots: speedup and efficiency against workers, drawn by parviz itself from
// the Plot records compare.hpp builds (axes, ticks, points, curves): measured
// points with min–max whiskers (hollow when the machine was busy), the ideal
// line, a mark at the usable cores, the predicted curve (dashed) and the
// Amdahl curve (thin) per work kind, and the notes under them.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz::gui {
namespace {

ImU32 seriesColour(const PlotSeries& s, Theme th) {
    // Okabe-Ito, as text colours that read on the theme: sleep sky blue, cpu orange.
    return procTextU32(!s.work ? 3 : *s.work == WorkKind::Sleep ? 2 : 1, th);
}

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

void dashed(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float thickness, float dash) {
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    if (len < 1) return;
    const ImVec2 d((b.x - a.x) / len, (b.y - a.y) / len);
    for (float t = 0; t < len; t += 2 * dash) {
        const float e = std::min(len, t + dash);
        dl->AddLine(ImVec2(a.x + d.x * t, a.y + d.y * t), ImVec2(a.x + d.x * e, a.y + d.y * e), c, thickness);
    }
}

void polyline(ImDrawList* dl, const Frame& f, const PlotLine& line, ImU32 c, float thickness, float dash) {
    for (std::size_t i = 1; i < line.size(); ++i) {
        const ImVec2 a = f.at(line[i - 1].first, line[i - 1].second), b = f.at(line[i].first, line[i].second);
        if (dash > 0) dashed(dl, a, b, c, thickness, dash);
        else dl->AddLine(a, b, c, thickness);
    }
}

void axes(ImDrawList* dl, const Frame& f, const PanelEnv& env) {
    const Plot& p = *f.plot;
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), muted = textMuted(env.theme);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
    float lastLabelY = 1e9f;   // ticks go up from the axis: skip a label that would touch the one under it
    for (const auto& [v, name] : p.y.ticks) {
        const float y = f.at(p.x.min, v).y;
        dl->AddLine(ImVec2(f.x0, y), ImVec2(f.x1, y), grid);
        const ImVec2 s = ImGui::CalcTextSize(name.c_str());
        if (lastLabelY - y < s.y) continue;
        label(dl, ImVec2(f.x0 - s.x - 4, y - s.y / 2), text, name);
        lastLabelY = y;
    }
    for (const auto& [v, name] : p.x.ticks) {
        const float x = f.at(v, p.y.min).x;
        dl->AddLine(ImVec2(x, f.y1), ImVec2(x, f.y1 + 4), text);
        const ImVec2 s = ImGui::CalcTextSize(name.c_str());
        label(dl, ImVec2(x - s.x / 2, f.y1 + 4), text, name);
    }
    dl->AddRect(ImVec2(f.x0, f.y0), ImVec2(f.x1, f.y1), muted);
    const ImVec2 xs = ImGui::CalcTextSize(p.x.label.c_str());
    label(dl, ImVec2(f.x1 - xs.x, f.y1 + 4 + ImGui::GetFontSize()), muted, p.x.label);
    if (p.coresX) {
        const float x = f.at(*p.coresX, p.y.min).x;
        dashed(dl, ImVec2(x, f.y0), ImVec2(x, f.y1), muted, 1.5f, 3);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g core%s", *p.coresX, *p.coresX == 1 ? "" : "s");
        // At the top of the mark, or at its bottom when a point on it is up there.
        bool pointHigh = false;
        for (const PlotSeries& se : p.series)
            for (const PlotPoint& pt : se.measured)
                pointHigh = pointHigh || (pt.x == *p.coresX && axisFraction(p.y, pt.yMax) > 0.6);
        const float fs = ImGui::GetFontSize();
        label(dl, ImVec2(x + 3, pointHigh ? f.y1 - fs - 2 : f.y0 + 2), muted, buf);
    }
}

void series(ImDrawList* dl, const Frame& f, const PlotSeries& s, const PanelEnv& env) {
    const ImU32 c = seriesColour(s, env.theme);
    polyline(dl, f, s.predicted, c, 1.5f, 5);
    polyline(dl, f, s.amdahl, (c & 0x00FFFFFFu) | 0x99000000u, 1.0f, 0);
    const float r = std::max(3.0f, ImGui::GetFontSize() * 0.25f);
    for (const PlotPoint& p : s.measured) {
        const ImVec2 at = f.at(p.x, p.y), lo = f.at(p.x, p.yMin), hi = f.at(p.x, p.yMax);
        if (p.runs > 1) {
            dl->AddLine(lo, hi, c, 1.5f);
            dl->AddLine(ImVec2(lo.x - r, lo.y), ImVec2(lo.x + r, lo.y), c, 1.5f);
            dl->AddLine(ImVec2(hi.x - r, hi.y), ImVec2(hi.x + r, hi.y), c, 1.5f);
        }
        if (p.busy == true) dl->AddCircle(at, r, c, 0, 2.0f);   // hollow: other programs took the cores
        else dl->AddCircleFilled(at, r, c);
        if (ImGui::IsMouseHoveringRect(ImVec2(at.x - r - 2, at.y - r - 2), ImVec2(at.x + r + 2, at.y + r + 2)))
            ImGui::SetTooltip("%s, %g workers: %.2f (min %.2f, max %.2f; %d run%s)%s", s.work ? toString(*s.work) : "mixed",
                              p.x, p.y, p.yMin, p.yMax, p.runs, p.runs == 1 ? "" : "s",
                              p.busy == true ? "\nthe machine was busy: not comparable" : "");
    }
}

// Entries flow and wrap at `right`; returns the y under the last line.
float legend(ImDrawList* dl, const Plot& p, ImVec2 at, float right, const PanelEnv& env) {
    const float fs = ImGui::GetFontSize();
    const ImU32 muted = textMuted(env.theme);
    const float left = at.x;
    auto entry = [&](const std::string& text, ImU32 c, int kind) {
        const float w = fs * 1.6f + ImGui::CalcTextSize(text.c_str()).x + fs * 0.8f;
        if (at.x + w > right && at.x > left) {
            at.x = left;
            at.y += fs + 2;
        }
        const ImVec2 m(at.x, at.y + fs * 0.55f);
        if (kind == 0) dl->AddCircleFilled(ImVec2(m.x + fs * 0.6f, m.y), fs * 0.25f, c);
        else if (kind == 3) dl->AddCircle(ImVec2(m.x + fs * 0.6f, m.y), fs * 0.25f, c, 0, 2.0f);
        else if (kind == 1) dashed(dl, ImVec2(m.x, m.y), ImVec2(m.x + fs * 1.2f, m.y), c, 1.5f, 4);
        else dl->AddLine(ImVec2(m.x, m.y), ImVec2(m.x + fs * 1.2f, m.y), c, 1.5f);
        label(dl, ImVec2(at.x + fs * 1.6f, at.y), ImGui::GetColorU32(ImGuiCol_Text), text);
        at.x += w;
    };
    for (const PlotSeries& s : p.series) entry(s.work ? toString(*s.work) : "mixed", seriesColour(s, env.theme), 0);
    entry("predicted", muted, 1);
    entry("ideal", muted, 2);
    bool amdahl = false;
    for (const PlotSeries& s : p.series) amdahl = amdahl || !s.amdahl.empty();
    if (amdahl) entry("Amdahl", (muted & 0x00FFFFFFu) | 0x99000000u, 2);
    bool busy = false;
    for (const PlotSeries& s : p.series)
        for (const PlotPoint& pt : s.measured) busy = busy || pt.busy == true;
    if (busy) entry("hollow: machine busy", muted, 3);
    return at.y + fs + 2;
}

// One plot under its title (the two plots share one legend, drawn above them).
void drawPlot(const Plot& p, float x, float y, float w, float h, const PanelEnv& env) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    label(dl, ImVec2(x, y), ImGui::GetColorU32(ImGuiCol_Text), p.title);
    const float top = y + fs + 2;
    const Frame f{x + fs * 2.6f, top + 6, x + w - fs * 0.8f, y + h - 2 * fs - 8, &p};
    if (f.x1 - f.x0 < 20 || f.y1 - f.y0 < 20) return;
    axes(dl, f, env);
    dl->PushClipRect(ImVec2(f.x0, f.y0), ImVec2(f.x1, f.y1), true);
    polyline(dl, f, p.ideal, textMuted(env.theme), 1.0f, 2);
    for (const PlotSeries& s : p.series) series(dl, f, s, env);
    dl->PopClipRect();
}

} // namespace

void drawPlotsPanel(const CompareView& model, const Rect& r, const PanelEnv& env) {
    if (beginPanel("Plots", r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        const ImVec2 o = ImGui::GetCursorScreenPos();
        const float w = ImGui::GetContentRegionAvail().x;
        const std::vector<std::string>& notes = model.speedup.notes;
        auto wrappedH = [&](const std::vector<std::string>& lines) {
            float h = 0;   // each as tall as its wrapped lines
            for (const std::string& n : lines)
                h += ImGui::CalcTextSize(n.c_str(), nullptr, false, w).y + ImGui::GetStyle().ItemSpacing.y;
            return h;
        };
        // The answer first, in words ("2 workers are enough: ..."), then the
        // plots, then their notes. The full sentences when the plots keep
        // room enough to read (title, legend, axes), else the brief ones
        // (the full ones in their tooltip).
        const float minPlotH = ImGui::GetFontSize() * 7;   // title, axes, a few ticks (the legend is shared)
        const float notesH = 4 + wrappedH(notes);
        const float room = r.y + r.h - o.y - notesH - 6;
        std::vector<std::string> full, brief;
        for (const SweepAnswer& a : model.answers) {
            full.push_back(a.full);
            brief.push_back(a.brief);
        }
        const bool useFull = room - (wrappedH(full) + 4) >= 2 * minPlotH;
        const std::vector<std::string>& answers = useFull ? full : brief;
        const float answersH = answers.empty() ? 0 : wrappedH(answers) + 4;
        ImGui::PushTextWrapPos(o.x + w);
        for (std::size_t i = 0; i < answers.size(); ++i) {
            ui::textUnformatted(answers[i].c_str());
            if (!useFull && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", full[i].c_str());
        }
        ImGui::PopTextWrapPos();
        const float top = legend(ImGui::GetWindowDrawList(), model.speedup, ImVec2(o.x, o.y + answersH), o.x + w, env) + 2;
        const float h = std::max(40.0f, (r.y + r.h - top - notesH - 6) / 2);
        drawPlot(model.speedup, o.x, top, w, h, env);
        drawPlot(model.efficiency, o.x, top + h, w, h, env);
        ImGui::SetCursorScreenPos(ImVec2(o.x, top + 2 * h + 4));
        ImGui::PushTextWrapPos(o.x + w);
        for (const std::string& n : notes) ui::textDisabled("%s", n.c_str());
        ImGui::PopTextWrapPos();
    }
    endPanel();
}

} // namespace parviz::gui
