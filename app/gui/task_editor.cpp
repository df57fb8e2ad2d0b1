// Task editor: the scenario's task table (name, seconds, work), editable,
// runnable at once and savable as a scenario file.
#include "gui/app.hpp"
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"

#include <imgui_stdlib.h>

#include <algorithm>

namespace parviz::gui {
namespace {
std::string g_savePath = "my-scenario.json";

// A name no task of sc has: the first free letter A..Z, then T27, T28, ...
std::string freshTaskName(const Scenario& sc) {
    const auto taken = [&](const std::string& n) {
        return std::any_of(sc.tasks.begin(), sc.tasks.end(), [&](const TaskSpec& t) { return t.name == n; });
    };
    for (char c = 'A'; c <= 'Z'; ++c)
        if (!taken(std::string(1, c))) return std::string(1, c);
    for (std::size_t k = sc.tasks.size() + 1;; ++k)
        if (std::string n = "T" + std::to_string(k); !taken(n)) return n;
}
} // namespace

void drawTaskEditor(GuiApp& app) {
    if (!app.taskEditorShown()) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize(ImVec2(ds.x * 0.45f, ds.y * 0.6f), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(ds.x * 0.5f, ds.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    bool open = true;
    const bool shown = ImGui::Begin("Tasks", &open, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    // In --layout-json as a panel: its rect, its lines, whether any is cut, its background's opacity.
    probe::beginPanel("Tasks", ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                      ImGui::GetWindowSize().y);
    if (shown) {
        Scenario& sc = app.editableScenario();
        if (!kindInfo(sc.kind).taskTable) {
            ui::text("The %s scenario has no task table; pick pool, pool-cpu or job-queue.", toString(sc.kind));
        } else {
            // The same chunksize and equal-jobs controls as the toolbar's.
            drawPoolControls(app, false);
            if (app.equalJobs() > 0)
                ui::text("The next run uses %zu equal jobs instead of these tasks (jobs: choose \"as scenario\" "
                                   "to run these).", app.equalJobs());
            int remove = -1;
            if (ImGui::BeginTable("tasks", 4, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY,
                                  ImVec2(0, ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() * 2.5f))) {
                ImGui::TableSetupColumn("name");
                ImGui::TableSetupColumn("seconds");
                ImGui::TableSetupColumn("work");
                ImGui::TableSetupColumn("");
                ImGui::TableHeadersRow();
                for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
                    TaskSpec& t = sc.tasks[i];
                    ImGui::PushID(static_cast<int>(i));
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::SetNextItemWidth(-1);
                    ImGui::InputText("##name", &t.name);
                    ImGui::TableNextColumn();
                    ImGui::SetNextItemWidth(-1);
                    if (ImGui::InputDouble("##s", &t.seconds, 0.5, 1.0, "%.2f"))
                        t.seconds = std::clamp(t.seconds, 0.0, kMaxTaskSeconds);
                    ImGui::TableNextColumn();
                    int k = t.work == WorkKind::Sleep ? 0 : 1;
                    const char* kinds[] = {"sleep", "cpu"};
                    ImGui::SetNextItemWidth(-1);
                    if (ImGui::Combo("##w", &k, kinds, 2)) t.work = k == 0 ? WorkKind::Sleep : WorkKind::Cpu;
                    ImGui::TableNextColumn();
                    if (ImGui::SmallButton("remove")) remove = static_cast<int>(i);
                    ImGui::PopID();
                }
                ImGui::EndTable();
            }
            if (remove >= 0) sc.tasks.erase(sc.tasks.begin() + remove);
            const bool add = ImGui::Button("Add task");
            ui::probeItem("Add task");
            if (add) {
                TaskSpec t;
                t.name = freshTaskName(sc);
                t.seconds = 1;
                sc.tasks.push_back(t);
            }
            ImGui::SameLine();
            // A list the loader would refuse (none, or two tasks of one name)
            // cannot run: say why where the user edits it.
            const std::string problem = taskListProblem(sc);
            ImGui::BeginDisabled(!problem.empty());
            if (ImGui::Button("Run with these tasks")) app.startRun();
            ui::probeItem("Run with these tasks");
            ImGui::EndDisabled();
            if (!problem.empty()) {
                ImGui::SameLine();
                ui::textColored(warningColour(app.theme()), "%s", problem.c_str());
            }
            ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
            ImGui::InputText("##path", &g_savePath);
            ImGui::SameLine();
            if (ImGui::Button("Save as scenario")) app.saveScenario(g_savePath);
            ui::probeItem("Save as scenario");
        }
    }
    endPanel();   // the probe's record, then ImGui's window (panels.hpp)
    if (!open) app.showTaskEditor(false);
}

} // namespace parviz::gui
