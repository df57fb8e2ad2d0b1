// Controls: scenario picker, run control through the Run API, run options,
// the task table, kill worker, saved runs, classroom toggles; and under them
// the one-line caption of what just happened (at the cursor).
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

namespace parviz::gui {
namespace {

// Text typed into the path popups (UI input, not run state).
char g_openScenarioPath[512] = "";
char g_saveRunPath[512] = "parviz-run.pvz";
char g_openRunPath[512] = "parviz-run.pvz";
std::string g_killChoice;

bool pathPopup(const char* id, const char* prompt, char* buf, std::size_t size, const char* action) {
    bool accepted = false;
    if (ImGui::BeginPopup(id)) {
        ImGui::TextUnformatted(prompt);
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 24);
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        bool enter = ImGui::InputText("##path", buf, size, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        if (ImGui::Button(action) || enter) {
            accepted = true;
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
    return accepted;
}

std::vector<std::string> liveWorkers(GuiApp& app) {
    std::vector<std::string> out;
    if (!app.live()) return out;
    const TraceMeta meta = app.meta();
    const auto& procs = app.index().procs();
    for (std::size_t p = 1; p < meta.procs.size(); ++p) {
        const ProcRole role = meta.procs[p].role;
        if (role != ProcRole::PoolWorker && role != ProcRole::Process) continue;
        if (p < procs.size() && procs[p].seen && procs[p].exitT == kNever) out.push_back(meta.procs[p].name);
    }
    return out;
}

void scenarioPicker(GuiApp& app) {
    const std::string current = app.scenario().name.empty() ? app.options().scenario : app.scenario().name;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    bool openFile = false;
    if (ImGui::BeginCombo("##scenario", current.c_str())) {
        for (const std::string& n : app.scenarioNames())
            if (ImGui::Selectable(n.c_str(), n == current)) app.selectScenario(n);
        ImGui::Separator();
        if (ImGui::Selectable("Open file...")) openFile = true;
        ImGui::EndCombo();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", app.scenario().title.c_str());
    if (openFile) ImGui::OpenPopup("open-scenario");
    if (pathPopup("open-scenario", "Scenario file (JSON):", g_openScenarioPath, sizeof g_openScenarioPath, "Open"))
        app.selectScenario(g_openScenarioPath);
}

void runButtons(GuiApp& app) {
    const RunStatus s = app.status();
    const bool replay = app.replayOnly();
    ImGui::BeginDisabled(replay);
    const char* main = s == RunStatus::Running ? "Pause" : s == RunStatus::Paused ? "Resume" : "Run";
    if (ImGui::Button(main)) app.togglePause();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space. Pause sends SIGSTOP to the workers: they really stop.");
    ImGui::SameLine();
    ImGui::BeginDisabled(!app.live());
    if (ImGui::Button("Stop")) app.stopRun();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Restart")) app.startRun();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("R. A new run with the options below.");
    ImGui::EndDisabled();

    // Kill worker: pick a live worker, kill it, watch the pool recover.
    ImGui::SameLine();
    const std::vector<std::string> workers = liveWorkers(app);
    if (std::find(workers.begin(), workers.end(), g_killChoice) == workers.end())
        g_killChoice = workers.empty() ? "" : workers.front();
    ImGui::BeginDisabled(workers.empty());
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.5f);
    if (ImGui::BeginCombo("##kill", g_killChoice.empty() ? "(no live worker)" : g_killChoice.c_str())) {
        for (const std::string& w : workers)
            if (ImGui::Selectable(w.c_str(), w == g_killChoice)) g_killChoice = w;
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("Kill worker")) app.killWorker(g_killChoice);
    ImGui::EndDisabled();
}

void fileButtons(GuiApp& app) {
    if (ImGui::Button("Save run...")) ImGui::OpenPopup("save-run");
    ImGui::SameLine();
    if (ImGui::Button("Open run...")) ImGui::OpenPopup("open-run");
    if (pathPopup("save-run", "Save the run's trace to:", g_saveRunPath, sizeof g_saveRunPath, "Save"))
        app.saveRun(g_saveRunPath);
    if (pathPopup("open-run", "Replay a saved run (no process is started):", g_openRunPath, sizeof g_openRunPath,
                  "Open"))
        app.openRun(g_openRunPath);
}

void classroomToggles(GuiApp& app) {
    Window& w = app.window();
    bool dark = w.theme() == Theme::Dark;
    if (ImGui::Checkbox("Dark", &dark)) w.setTheme(dark ? Theme::Dark : Theme::Light);
    ImGui::SameLine();
    bool large = w.typeSize() == TypeSize::Large;
    // The font switch takes effect next frame (ImGui fonts are fixed per frame).
    if (ImGui::Checkbox("Presentation", &large)) w.setTypeSize(large ? TypeSize::Large : TypeSize::Normal);
}

void runOptions(GuiApp& app) {
    RunOptions& o = app.runOptions();
    const Scenario& sc = app.scenario();
    const float fw = ImGui::GetFontSize();
    int workers = o.workers.value_or(sc.workers());
    ImGui::SetNextItemWidth(fw * 6);
    if (ImGui::InputInt("workers", &workers, 1, 1)) o.workers = std::clamp(workers, 1, 64);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Pool size or process count; applies to the next Run/Restart");
    ImGui::SameLine();
    const char* kinds[] = {"as scenario", "sleep", "cpu"};
    int k = !o.work ? 0 : *o.work == WorkKind::Sleep ? 1 : 2;
    ImGui::SetNextItemWidth(fw * 7);
    if (ImGui::Combo("work", &k, kinds, 3)) {
        if (k == 0) o.work.reset();
        else o.work = k == 1 ? WorkKind::Sleep : WorkKind::Cpu;
    }
    ImGui::SameLine();
    float scale = static_cast<float>(o.timeScale.value_or(sc.timeScale));
    ImGui::SetNextItemWidth(fw * 8);
    if (ImGui::SliderFloat("time scale", &scale, 0.02f, 5.0f, "%.2fx", ImGuiSliderFlags_Logarithmic))
        o.timeScale = scale;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Below 1: faster than the scenario says; above 1: slow motion");
    ImGui::SameLine();
    if (ImGui::Button("Tasks...")) app.showTaskEditor(true);
}

void statusLine(GuiApp& app) {
    const RunStatus s = app.status();
    const double t = static_cast<double>(app.now() - app.zero()) / 1e9;
    if (app.replayOnly()) ImGui::Text("Replay  %.2f s", t);
    else ImGui::Text("%s  %.2f s", toString(s), t);
}

} // namespace

int controlsRows(float displayWidth, float fontSize) { return displayWidth / fontSize < 62 ? 4 : 3; }

void drawControlsPanel(GuiApp& app, const Rect& r) {
    if (beginPanel("Controls", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
        // Large type (presentation) does not fit three groups on one row at
        // 1280 px: the file buttons and toggles then get a row of their own.
        const bool compact = controlsRows(ImGui::GetIO().DisplaySize.x, ImGui::GetFontSize()) == 4;
        scenarioPicker(app);
        ImGui::SameLine();
        runButtons(app);
        if (!compact) {
            ImGui::SameLine();
            fileButtons(app);
            ImGui::SameLine();
            classroomToggles(app);
        }

        runOptions(app);
        if (compact) {
            fileButtons(app);
            ImGui::SameLine();
            classroomToggles(app);
        }
        ImGui::SameLine();
        ImGui::TextDisabled("|");
        ImGui::SameLine();
        statusLine(app);

        // What just happened, at the cursor (so it follows replay too).
        if (!app.message().empty() && app.messageIsError()) {
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(230, 80, 60, 255));
            ImGui::TextUnformatted(app.message().c_str());
            ImGui::PopStyleColor();
        } else if (const Trace* tr = app.trace()) {
            const Caption c = buildCaption(app.index(), *tr, app.cursor());
            if (c.valid) {
                ImGui::TextDisabled("%s", formatDuration(c.t - app.zero()).c_str());
                ImGui::SameLine();
                if (c.proc != kNoProc) ImGui::PushStyleColor(ImGuiCol_Text, procVec4(c.proc));
                std::string text = c.text;
                if (c.kind == EventKind::RunEnd) {
                    // "The run ended" alone tells a class nothing: say how it went.
                    const RunStats& st = app.statsAtCursor();
                    char buf[160];
                    std::snprintf(buf, sizeof buf, ": %d of %d tasks done", st.tasksDone, st.tasksStarted);
                    text += buf;
                    if (st.hasMakespan) {
                        std::snprintf(buf, sizeof buf, " in %s, speedup %.2fx",
                                      formatDuration(st.makespanNs).c_str(), st.speedup);
                        text += buf;
                    }
                    for (const WorkerStats& w : st.workers)
                        if (w.killed) text += "; " + w.name + " was killed and the pool carried on";
                }
                ImGui::TextUnformatted(text.c_str());
                if (c.proc != kNoProc) ImGui::PopStyleColor();
            } else if (!app.message().empty()) {
                ImGui::TextUnformatted(app.message().c_str());
            } else {
                ImGui::TextDisabled("Press Run (Space) to start.");
            }
            if (c.valid && !app.message().empty()) {
                ImGui::SameLine();
                ImGui::TextDisabled("  (%s)", app.message().c_str());
            }
        }
    }
    endPanel();
}

} // namespace parviz::gui
