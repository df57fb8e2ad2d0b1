// Stats: the run's measures at the cursor (core computeStats, the same numbers
// `parviz run` prints), per-core utilisation, per-worker times, and a table of
// every run of this session so 1, 2 and 4 workers can be compared.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace parviz::gui {
namespace {

void summary(GuiApp& app, const RunStats& s) {
    // Makespan, speedup and efficiency side by side in three columns, so all
    // three stay readable at 1280 px; the sequential time goes on the line below.
    if (s.hasMakespan) {
        if (ImGui::BeginTable("summary", 3, ImGuiTableFlags_SizingStretchSame)) {
            ImGui::TableNextRow();
            auto cell = [](const char* label, const std::string& value, const char* tip) {
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", label);
                ImGui::SameLine();
                ImGui::TextUnformatted(value.c_str());
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s", tip);
            };
            char buf[32];
            cell("makespan", formatDuration(s.makespanNs), "first task start to last task end, pauses excluded");
            std::snprintf(buf, sizeof buf, "%.2fx", s.speedup);
            cell("speedup", buf, "sequential time (sum of task times) / makespan");
            std::snprintf(buf, sizeof buf, "%.0f%%", s.efficiency * 100);
            cell("efficiency", buf, "speedup / workers: 100% = every worker busy all the time");
            ImGui::EndTable();
        }
    } else {
        ImGui::TextDisabled("no task has started yet");
    }
    ImGui::Text("tasks %d/%d done", s.tasksDone, s.tasksStarted);
    if (s.tasksFailed) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%d failed", s.tasksFailed);
    }
    if (s.hasMakespan) {
        ImGui::SameLine();
        ImGui::TextDisabled(" sequential %s ", formatDuration(s.sequentialNs).c_str());
    }
    char cores[64];
    std::snprintf(cores, sizeof cores, " %d workers on %d cores", s.workerCount, s.usableCores);
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(cores).x) ImGui::NewLine();   // wrap, never cut
    ImGui::TextDisabled("%s", cores);
    // Per-core utilisation as bars: workers' share, then other processes'.
    const float fs = ImGui::GetFontSize();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (const CoreStats& c : s.cores) {
        ImGui::Text("CPU %d", c.core);
        ImGui::SameLine(fs * 3.2f);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = std::max(40.0f, ImGui::GetContentRegionAvail().x - fs * 11), h = fs * 0.8f;
        dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), laneBackground(app.theme(), true));
        const float uw = w * static_cast<float>(std::clamp(c.utilisation, 0.0, 1.0));
        dl->AddRectFilled(p, ImVec2(p.x + uw, p.y + h), stateColour(LaneState::OnCore, app.theme()));
        if (c.otherShare) {
            const float ow = w * static_cast<float>(std::clamp(*c.otherShare, 0.0, 1.0));
            dl->AddRectFilled(ImVec2(p.x + uw, p.y), ImVec2(std::min(p.x + w, p.x + uw + ow), p.y + h),
                              stateColour(LaneState::Busy, app.theme()));
        }
        ImGui::Dummy(ImVec2(w, h));
        ImGui::SameLine();
        if (c.otherShare) ImGui::Text("%.0f%% workers %.0f%% other", c.utilisation * 100, *c.otherShare * 100);
        else ImGui::Text("%.0f%% workers", c.utilisation * 100);
    }
}

void workers(const RunStats& s) {
    if (!ImGui::BeginTable("workers", 6, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg))
        return;
    for (const char* h : {"worker", "tasks", "in task", "on CPU", "idle", "state"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const WorkerStats& w : s.workers) {
        if (w.role == ProcRole::Parent || w.role == ProcRole::ForkServer) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(procVec4(w.proc), "%s", w.name.c_str());
        ImGui::TableNextColumn();
        if (w.tasksFailed) ImGui::Text("%d +%d failed", w.tasksDone, w.tasksFailed);
        else ImGui::Text("%d", w.tasksDone);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatDuration(w.inTaskNs).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatDuration(w.onCpuNs).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(formatDuration(w.idleNs).c_str());
        ImGui::TableNextColumn();
        if (!w.exited) ImGui::TextUnformatted("alive");
        else if (w.killed) {
            ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "killed");
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("by signal %lld", static_cast<long long>(-w.exitCode));
        }
        else ImGui::Text("exit %lld", static_cast<long long>(w.exitCode));
    }
    ImGui::EndTable();
}

// The run model's failure lines (describeFailures), the same the terminal
// summary and the Chrome export carry: each failure named once.
void failures(const RunStats& s) {
    for (const std::string& f : s.failures) ImGui::TextColored(ImVec4(0.84f, 0.37f, 0.0f, 1.0f), "%s", f.c_str());
}

void session(GuiApp& app) {
    const auto& runs = app.sessionRuns();
    if (runs.empty()) {
        ImGui::TextDisabled("Finished runs of this session appear here: try 1, 2 and 4 workers.");
        return;
    }
    if (!ImGui::BeginTable("session", 6, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) return;
    for (const char* h : {"#", "scenario", "workers", "work", "makespan", "speedup"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const SessionRun& r : runs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%d", r.number);
        ImGui::TableNextColumn();
        ImGui::Text("%s%s", r.scenario.c_str(), r.status == "Finished" ? "" : (" (" + r.status + ")").c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", r.workers);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.work.c_str());
        ImGui::TableNextColumn();
        if (r.hasMakespan) ImGui::Text("%.2f s", r.makespanS);
        else ImGui::TextDisabled("-");
        ImGui::TableNextColumn();
        if (r.hasMakespan) ImGui::Text("%.2fx", r.speedup);
        else ImGui::TextDisabled("-");
    }
    ImGui::EndTable();
}

} // namespace

void drawStatsPanel(GuiApp& app, const Rect& r) {
    if (beginPanel("Stats", r)) {
        if (!app.trace()) {
            ImGui::TextDisabled("No run yet.");
        } else if (ImGui::BeginTabBar("stats-tabs")) {
            if (ImGui::BeginTabItem("This run")) {
                const RunStats& s = app.statsAtCursor();
                summary(app, s);
                failures(s);
                workers(s);
                ImGui::EndTabItem();
            }
            if (ImGui::BeginTabItem("Session")) {
                session(app);
                ImGui::EndTabItem();
            }
            ImGui::EndTabBar();
        }
    }
    endPanel();
}

} // namespace parviz::gui
