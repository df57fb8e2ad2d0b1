// Timeline: one time axis for core lanes and process lanes. Each frame asks
// the core for pixel records of the visible window (buildLanes: binary search
// + merging of narrow spans) and only draws them.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/timeline/timeline.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace parviz::gui {

using namespace timeline;

namespace {

// Swatches drawn by the span shader itself, so the legend shows exactly the
// patterns of the lanes. Entries flow left to right and wrap to a new line
// rather than hide: at 1280x720 everything stays on screen.
void legend(GuiApp& app) {
    const Theme th = app.theme();
    struct Entry { const char* label; Paint paint; const char* tip; };
    auto st = [th](LaneState s) { return statePaint(s, th); };
    const Entry entries[] = {
        {"task", Paint{procU32(1)}, "A task, in its worker's colour (the worker's name is the lane's title)."},
        {"failed task", Paint{procU32(1), SpanStyle::Outline}, "A task that did not finish (its worker died): hollow."},
        {"running", st(LaneState::Running), "Top row: the worker runs its task's code."},
        {"sleeping", st(LaneState::Sleeping), "Top row: the worker sleeps (time.sleep): no core needed."},
        {"idle", st(LaneState::Idle), "Top row: the worker has nothing to do."},
        {"wait queue", st(LaneState::WaitQueue), "Top row: blocked in Queue.get / put."},
        {"wait lock", st(LaneState::WaitLock), "Top row: blocked in Lock.acquire."},
        {"stopped", st(LaneState::Stopped), "Top row: stopped by Pause (SIGSTOP)."},
        {"killed", st(LaneState::Killed), "Top row: killed (SIGKILL)."},
        {"on core", st(LaneState::OnCore), "Thin row under it: on a CPU core (measured)."},
        {"runnable", st(LaneState::Runnable), "Thin row: ready to run, waiting for a free core."},
        {"holds lock", st(LaneState::HoldLock), "Thinnest row: holds the lock."},
    };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const float sw = std::round(fs * 1.3f), sh = std::round(fs * 0.75f);
    const float lineH = ImGui::GetTextLineHeightWithSpacing();
    const float left = ImGui::GetWindowPos().x + ImGui::GetStyle().WindowPadding.x;
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    std::vector<SpanInstance> swatches;
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float top = p.y;
    p.y += ImGui::GetStyle().FramePadding.y;   // on the baseline of the checkbox before it
    for (const Entry& e : entries) {
        const float w = sw + 4 + ImGui::CalcTextSize(e.label).x;
        if (p.x + w > right && p.x > left) {
            p.x = left;
            p.y += lineH;
        }
        const float sy = p.y + std::round((ImGui::GetTextLineHeight() - sh) / 2);
        swatches.push_back(SpanInstance{p.x, p.x + sw, sy, sy + sh, e.paint.colour, e.paint.style});
        dl->AddText(ImVec2(p.x + sw + 4, p.y), ImGui::GetColorU32(ImGuiCol_Text), e.label);
        if (ImGui::IsMouseHoveringRect(p, ImVec2(p.x + w, p.y + lineH))) ImGui::SetTooltip("%s", e.tip);
        p.x += w + std::round(fs * 0.8f);
    }
    app.spans().draw(dl, swatches);
    ImGui::SetCursorScreenPos(ImVec2(left, top));
    ImGui::Dummy(ImVec2(1, p.y + lineH - top - ImGui::GetStyle().ItemSpacing.y));
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
