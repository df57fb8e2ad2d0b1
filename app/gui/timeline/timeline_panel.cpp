// Timeline: one time axis for core lanes and process lanes. Each frame asks
// the core for pixel records of the visible window (buildLanes: binary search
// + merging of narrow spans) and only draws them.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace parviz::gui {

using namespace timeline;

namespace {

void legend(GuiApp& app) {
    const Theme th = app.theme();
    struct Entry { LaneState state; const char* label; };
    const Entry states[] = {{LaneState::Running, "running"},      {LaneState::Sleeping, "sleeping"},
                            {LaneState::Idle, "idle"},            {LaneState::WaitQueue, "wait queue"},
                            {LaneState::WaitLock, "wait lock"},   {LaneState::Runnable, "runnable"},
                            {LaneState::Stopped, "stopped"},      {LaneState::Killed, "killed"}};
    const float s = ImGui::GetFontSize() * 0.7f;
    bool cut = false;
    for (const Entry& e : states) {
        const LaneState st = e.state;
        // Stop before an entry would overflow; the rest go into a tooltip.
        if (ImGui::GetContentRegionAvail().x < s + 3 + ImGui::CalcTextSize(e.label).x + ImGui::GetFontSize() * 1.5f) {
            cut = true;
            break;
        }
        ImVec2 p = ImGui::GetCursorScreenPos();
        p.y += (ImGui::GetTextLineHeight() - s) / 2;
        ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + s, p.y + s), stateColour(st, th));
        ImGui::Dummy(ImVec2(s, s));
        ImGui::SameLine(0, 3);
        ImGui::TextUnformatted(e.label);
        ImGui::SameLine(0, 10);
    }
    if (cut) {
        ImGui::TextDisabled("...");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            for (const Entry& e : states) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(stateColour(e.state, th)), "%s", e.label);
            ImGui::EndTooltip();
        }
        ImGui::SameLine();
    }
}

} // namespace

void drawTimelinePanel(GuiApp& app, const Rect& r) {
    if (beginPanel("Timeline", r, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        const Trace* trace = app.trace();
        TimelineView& view = app.timelineView();
        // Header: follow, fit, legend.
        if (ImGui::Checkbox("Follow (F)", &view.follow) && view.follow) app.setCursor(std::nullopt);
        ImGui::SameLine();
        if (ImGui::SmallButton("Fit")) {
            view.follow = false;
            app.fitWholeRun();
        }
        ImGui::SameLine();
        if (!app.cursorIsLive()) {
            if (ImGui::SmallButton("Live")) app.setCursor(std::nullopt);
            ImGui::SameLine();
        }
        legend(app);
        ImGui::NewLine();

        const float fs = ImGui::GetFontSize();
        const ImVec2 avail = ImGui::GetContentRegionAvail();
        const ImVec2 origin = ImGui::GetCursorScreenPos();
        Geometry g;
        g.labelX = origin.x;
        const float labelW = std::round(fs * 8.5f);
        g.plotMin = ImVec2(origin.x + labelW, origin.y);
        g.plotMax = ImVec2(origin.x + avail.x - 4, origin.y + avail.y);
        g.vp.tBegin = app.zero() + view.begin;
        g.vp.tEnd = app.zero() + std::max(view.end, view.begin + 1);
        g.vp.widthPx = std::max(1.0f, g.plotMax.x - g.plotMin.x);
        g.vp.now = app.now();

        LaneRecords& recs = app.laneScratch();
        if (trace) {
            buildLanes(app.index(), *trace, g.vp, recs);
        } else {
            recs = LaneRecords{};
        }
        const float axisH = std::round(fs + 8);
        // Few lanes: make them taller (up to 1.8x) so a projector shows them well.
        float total = 0;
        for (const Lane& lane : recs.lanes) total += laneHeight(lane, fs) + kLaneGap;
        const float room = g.plotMax.y - (origin.y + axisH + 2);
        g.rowFont = fs;
        if (total > 0 && total < room) g.rowFont = std::floor(fs * std::min(1.8f, room / total * 0.95f));
        drawAxis(app, g, recs, axisH);
        const float lanesTop = origin.y + axisH + 2;
        ImGui::PushClipRect(ImVec2(origin.x, lanesTop), g.plotMax, true);
        drawLanes(app, g, recs, lanesTop - app.timelineView().scrollY);
        ImGui::PopClipRect();
        handleInteraction(app, g, recs, lanesTop);
        if (!trace) {
            ImGui::SetCursorScreenPos(ImVec2(g.plotMin.x + 10, lanesTop + 10));
            ImGui::TextDisabled("Press Run (Space) to start %s with real processes.", app.scenario().name.c_str());
        }
        // Where the core data comes from (perf records or sampling): it is measured, say how.
        if (!recs.coreSource.empty()) {
            const std::string src = "cores: " + recs.coreSource;
            const ImVec2 ts = ImGui::CalcTextSize(src.c_str());
            // In the title bar, which the content clip rect excludes.
            ImDrawList* dl = ImGui::GetWindowDrawList();
            dl->PushClipRect(ImVec2(r.x, r.y), ImVec2(r.x + r.w, r.y + r.h), false);
            dl->AddText(ImVec2(r.x + r.w - ts.x - 8, r.y + 2), textMuted(app.theme()), src.c_str());
            dl->PopClipRect();
        }
    }
    endPanel();
}

} // namespace parviz::gui
