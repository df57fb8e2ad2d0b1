// Controls: scenario picker, run control through the Run API, run options,
// the task table, kill worker, saved runs, classroom toggles; and under them
// the one-line caption of what just happened (at the cursor).
#include "gui/app.hpp"
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"
#include "parviz/chunks.hpp"
#include "parviz/explain.hpp"
#include "parviz/predict.hpp"

#include <imgui.h>
#include <imgui_internal.h>   // ButtonEx: step buttons that act on press

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <tuple>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <map>
#include <string>

namespace parviz::gui {
namespace {

// Text typed into the path popups (UI input, not run state).
char g_openScenarioPath[512] = "";
char g_saveRunPath[512] = "parviz-run.pvz";
char g_openRunPath[512] = "parviz-run.pvz";
char g_programLine[1024] = "examples/pool.py";
std::string g_killChoice;

bool pathPopup(const char* id, const char* prompt, char* buf, std::size_t size, const char* action) {
    bool accepted = false;
    if (ImGui::BeginPopup(id)) {
        ui::textUnformatted(prompt);
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

// Flow layout: the next item goes on this line when w pixels still fit, else
// on the next one, so the controls wrap at any window and type size instead
// of being cut off.
void flow(float w) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    ImGui::SameLine();
    if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
}
float buttonW(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}
// A combo, input or slider of width w with its label on the right.
float labelledW(float w, const char* label) {
    return w + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}
// A control and its label outlined as one unit, a thin rounded line in the
// gaps around them: the labels follow their controls (ImGui's way), and read
// on a projector as the next control's ("2 - + workers as scenario v work":
// newcomer walks 26 and 27). Takes no width: begun after flow() placed the
// control, ended after its label.
class LabelGroup {
public:
    explicit LabelGroup(const char* label) : m_label(label), m_min(ImGui::GetCursorScreenPos()) {}
    void end() {
        const ImGuiStyle& st = ImGui::GetStyle();
        const ImVec2 max = ImGui::GetItemRectMax();
        const ImVec2 pad(std::floor(st.ItemSpacing.x * 0.25f), std::floor(st.ItemSpacing.y * 0.4f));
        ImVec4 c = ImGui::GetStyleColorVec4(ImGuiCol_Border);
        c.w = std::max(c.w, 0.8f);
        const ImVec2 a(m_min.x - pad.x, m_min.y - pad.y), b(max.x + pad.x, max.y + pad.y);
        ImGui::GetWindowDrawList()->AddRect(a, b, ImGui::ColorConvertFloat4ToU32(c), st.FrameRounding + pad.x);
        probe::itemAt(std::string("group ") + m_label, a, b);   // for [groups]
    }

private:
    const char* m_label;
    ImVec2 m_min;
};

float checkboxW(const char* label) {
    return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

std::vector<std::string> liveWorkers(GuiApp& app) {
    std::vector<std::string> out;
    if (!app.current().live()) return out;
    const TraceMeta meta = app.current().meta();
    const auto& procs = app.current().model().procs();
    for (std::size_t p = 1; p < meta.procs.size(); ++p) {
        const ProcRole role = meta.procs[p].role;
        if (role != ProcRole::PoolWorker && role != ProcRole::Process) continue;
        if (p < procs.size() && procs[p].seen && procs[p].exitT == kNever) out.push_back(meta.procs[p].name);
    }
    return out;
}

// A traced program is on screen (live, ended or replayed from a saved run):
// the scenario controls (workers, work, time scale, chunksize, jobs, Tasks)
// do not apply to it, so the toolbar shows what does.
bool tracedOnScreen(GuiApp& app) {
    return app.currentIndex() >= 0 && (app.current().traced() || !app.current().programArgv().empty());
}

// "python3 pool.py": the program's command, its paths cut to their file names.
std::string programLabel(RunView& run) {
    if (run.programArgv().empty()) return run.meta().scenario;
    std::string out;
    for (const std::string& a : run.programArgv()) {
        const std::size_t slash = a.rfind('/');
        out += (out.empty() ? "" : " ") + (slash == std::string::npos ? a : a.substr(slash + 1));
    }
    return out.size() > 48 ? out.substr(0, 47) + "\xE2\x80\xA6" : out;
}

void scenarioPicker(GuiApp& app) {
    const std::string current = tracedOnScreen(app) ? programLabel(app.current())
                                : app.scenario().name.empty() ? app.options().scenario
                                                              : app.scenario().name;
    // One width for every built-in scenario, its widest name's ("pool-uneven"):
    // a scenario picked moves nothing to its right (classroom walk: Run at x
    // 140, 195 and 169 for pool, pool-uneven and pool-sizes). A longer name (a
    // scenario file's, a traced program's command) widens it to be read whole.
    static const std::vector<std::string> builtins = builtinScenarioNames();   // read from disk once
    float widest = 0;
    for (const std::string& n : builtins) widest = std::max(widest, ui::comboWidth(n.c_str()));
    const float w = std::max({ImGui::GetFontSize() * 5, widest, ui::comboWidth(current.c_str())});
    ImGui::SetNextItemWidth(w);
    bool openFile = false, openProgram = false;
    // The list says what each scenario shows, beside its name (newcomer
    // walk, session 24: "pool-uneven" told a teacher nothing until picked):
    // `parviz list`'s line, muted, wrapped within the window.
    const float listW = std::max(w, ImGui::GetIO().DisplaySize.x - ImGui::GetCursorScreenPos().x - ImGui::GetFontSize());
    // The list is listW wide from its first frame: its descriptions wrap at
    // the window's edge, and an auto-sized list first as narrow as the combo
    // wrapped them a word a line over each other (newcomer walk 27).
    ImGui::SetNextWindowSizeConstraints(ImVec2(listW, 0), ImVec2(listW, ImGui::GetIO().DisplaySize.y * 0.8f));
    if (ImGui::BeginCombo("##scenario", current.c_str())) {
        static std::map<std::string, std::string> described;   // name -> description, read from disk once each
        const float nameW = widest - ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.x;
        const float wrapAt = listW - ImGui::GetStyle().WindowPadding.x * 2;
        for (const std::string& n : app.scenarioNames()) {
            auto d = described.find(n);
            if (d == described.end()) {
                std::string text;
                try {
                    text = loadScenario(n).description;
                } catch (const std::exception&) {
                    // A broken asset: its name alone (selecting it says why).
                }
                d = described.emplace(n, text).first;
            }
            const std::string& desc = d->second;
            const float descH = desc.empty() ? 0.0f : ui::wrappedTextSize(desc, wrapAt - nameW).y;
            const ImVec2 at = ImGui::GetCursorPos();
            const std::string id = n + "##pick";
            if (ImGui::Selectable(id.c_str(), n == current, 0, ImVec2(0, std::max(ImGui::GetTextLineHeight(), descH))))
                app.selectScenario(n);
            probe::itemOnly("scenario " + n);   // where a test clicks to choose it
            const ImVec2 after = ImGui::GetCursorPos();
            ImGui::SetCursorPos(at);
            ui::textUnformatted(n.c_str());
            if (!desc.empty()) {
                ImGui::SetCursorPos(ImVec2(at.x + nameW, at.y));
                ImGui::PushTextWrapPos(at.x + wrapAt);
                ImGui::PushStyleColor(ImGuiCol_Text, mutedColour(app.theme()));
                ui::textUnformatted(desc.c_str());
                ImGui::PopStyleColor();
                ImGui::PopTextWrapPos();
            }
            ImGui::SetCursorPos(after);
        }
        ImGui::Separator();
        if (ImGui::Selectable("Open file...")) openFile = true;
        if (ImGui::Selectable("Open Python program...")) openProgram = true;
        ImGui::EndCombo();
    }
    ui::probeCombo(current.c_str(), current.c_str(), w);
    ui::tooltipBelow(tracedOnScreen(app) ? "The traced program on screen. Pick a scenario to run it instead, or open "
                                           "another Python program."
                                         : app.scenario().title.c_str());
    if (openFile) ImGui::OpenPopup("open-scenario");
    if (pathPopup("open-scenario", "Scenario file (JSON):", g_openScenarioPath, sizeof g_openScenarioPath, "Open"))
        app.selectScenario(g_openScenarioPath);
    if (openProgram) ImGui::OpenPopup("open-program");
    // "script.py ARGS": run as python3 script.py ARGS (split at spaces), traced live.
    if (pathPopup("open-program", "Python program to trace live (python3 SCRIPT ARGS; Stop ends it):", g_programLine,
                  sizeof g_programLine, "Trace")) {
        std::vector<std::string> argv{"python3"};
        std::string word;
        for (const char* c = g_programLine;; ++c) {
            if (*c == '\0' || std::isspace(static_cast<unsigned char>(*c))) {
                if (!word.empty()) argv.push_back(std::move(word));
                word.clear();
                if (*c == '\0') break;
            } else {
                word += *c;
            }
        }
        if (argv.size() > 1) app.traceProgram(std::move(argv));
    }
}

// A traced program: Stop (its whole process group) and Trace again; how it
// ended once it has. No Run/Pause: a traced program is not paused (its own
// timeouts would fire on resume), and a new run is Trace again.
void programButtons(GuiApp& app) {
    RunView& run = app.current();
    const bool replay = run.fromFile();
    flow(buttonW("Stop"));
    ImGui::BeginDisabled(!run.live());
    if (ImGui::Button("Stop")) app.stopRun();
    ui::probeItem("Stop");
    ImGui::EndDisabled();
    ui::tooltipBelow("Ends the program's whole process group: SIGTERM, then SIGKILL after 0.3 s.");
    flow(buttonW("Trace again"));
    ImGui::BeginDisabled(replay || run.programArgv().empty());
    if (ImGui::Button("Trace again")) app.startRun();
    ui::probeItem("Trace again");
    ImGui::EndDisabled();
    ui::tooltipBelow("Key: R. Runs the same command again, traced.");
    const std::string exit = run.live() ? "running" : replay ? "replay" : run.programExit();
    if (!exit.empty()) {
        const bool bad = !run.live() && !replay && run.programExitStatus().value_or(0) != 0;
        flow(ImGui::CalcTextSize(exit.c_str()).x);
        if (bad) ui::textColored(warningColour(app.theme()), "%s", exit.c_str());
        else ui::textDisabled("%s", exit.c_str());
        ui::tooltipBelow("How the program ended: its exit status, or the signal that ended it.");
    }
}

void runButtons(GuiApp& app) {
    if (tracedOnScreen(app)) {
        programButtons(app);
        return;
    }
    const RunStatus s = app.current().status();
    const bool replay = app.current().fromFile();
    ImGui::BeginDisabled(replay);
    const char* main = s == RunStatus::Running ? "Pause" : s == RunStatus::Paused ? "Resume" : "Run";
    // As wide as its widest label: Run turning into Pause moves nothing to its right.
    const float mainW = std::max({buttonW("Run"), buttonW("Pause"), buttonW("Resume")});
    flow(mainW);
    // A traced program is not paused: its own timeouts would fire on resume.
    ImGui::BeginDisabled(app.current().traced() && app.current().live());
    if (ImGui::Button(main, ImVec2(mainW, 0))) app.togglePause();
    ImGui::EndDisabled();
    ui::probeItem(main);
    // What this press does now, in words: Run's tooltip said "Pause really
    // stops…" next to a button labelled Run (classroom walk).
    ui::tooltipBelow(s == RunStatus::Running  ? "Key: Space. Pause really stops the worker processes (SIGSTOP)."
                     : s == RunStatus::Paused ? "Key: Space. Resume lets the stopped workers go on (SIGCONT)."
                                              : "Key: Space. Run starts the scenario with the toolbar's settings; "
                                                "while it runs, this button pauses it.");
    flow(buttonW("Stop"));
    ImGui::BeginDisabled(!app.current().live());
    if (ImGui::Button("Stop")) app.stopRun();
    ui::probeItem("Stop");
    ImGui::EndDisabled();
    flow(buttonW("Restart"));
    if (ImGui::Button("Restart")) app.startRun();
    ui::probeItem("Restart");
    ui::tooltipBelow("Key: R. A new run with the workers, work and time scale shown here.");
    ImGui::EndDisabled();
}

// Kill worker: pick a live worker, kill it, watch the pool recover.
void killButtons(GuiApp& app) {
    const std::vector<std::string> workers = liveWorkers(app);
    if (std::find(workers.begin(), workers.end(), g_killChoice) == workers.end())
        g_killChoice = workers.empty() ? "" : workers.front();
    const char* shown = g_killChoice.empty() ? "(no live worker)" : g_killChoice.c_str();
    // One width whatever it shows (no worker before a run, ForkPoolWorker-12
    // during it): a run starting or ending moves nothing to its right. Digits
    // are equally wide, so the widest name has the most digits.
    const std::string widest = "ForkPoolWorker-" + std::string(std::to_string(kMaxWorkers).size(), '8');
    const float cw = std::max({ui::comboWidth("(no live worker)"), ui::comboWidth(widest.c_str()), ui::comboWidth(shown)});
    flow(cw + ImGui::GetStyle().ItemSpacing.x + buttonW("Kill worker"));
    ImGui::BeginDisabled(workers.empty());
    ImGui::SetNextItemWidth(cw);
    if (ImGui::BeginCombo("##kill", shown)) {
        for (const std::string& w : workers)
            if (ImGui::Selectable(w.c_str(), w == g_killChoice)) g_killChoice = w;
        ImGui::EndCombo();
    }
    ui::probeCombo(shown, shown, cw);
    ImGui::SameLine();
    if (ImGui::Button("Kill worker")) app.killWorker(g_killChoice);
    ui::probeItem("Kill worker");
    ImGui::EndDisabled();
}

void fileButtons(GuiApp& app) {
    flow(buttonW("Save run...") + ImGui::GetStyle().ItemSpacing.x + buttonW("Open run..."));
    if (ImGui::Button("Save run...")) ImGui::OpenPopup("save-run");
    ui::probeItem("Save run...");
    ImGui::SameLine();
    if (ImGui::Button("Open run...")) ImGui::OpenPopup("open-run");
    ui::probeItem("Open run...");
    if (pathPopup("save-run", "Save the run's trace to:", g_saveRunPath, sizeof g_saveRunPath, "Save"))
        app.saveRun(g_saveRunPath);
    if (pathPopup("open-run", "Replay a saved run (no process is started):", g_openRunPath, sizeof g_openRunPath,
                  "Open"))
        app.openRun(g_openRunPath);
}

void classroomToggles(GuiApp& app) {
    Window& w = app.window();
    bool dark = w.theme() == Theme::Dark;
    flow(checkboxW("Dark"));
    if (ImGui::Checkbox("Dark", &dark)) w.setTheme(dark ? Theme::Dark : Theme::Light);
    ui::probeItem("Dark");
    bool large = w.typeSize() == TypeSize::Large;
    // The font switch takes effect next frame (ImGui fonts are fixed per frame).
    flow(checkboxW("Presentation"));
    if (ImGui::Checkbox("Presentation", &large)) w.setTypeSize(large ? TypeSize::Large : TypeSize::Normal);
    ui::probeItem("Presentation");
    bool compare = app.compareOn();
    flow(checkboxW("Compare"));
    if (ImGui::Checkbox("Compare", &compare)) app.setCompare(compare);
    ui::probeItem("Compare");
    ui::tooltipBelow("Key C. The pinned runs on one time axis, with plots of speedup over 1 worker and efficiency; Sweep "
                     "runs 1, 2, 4 and 8 workers.");
}

// The work a Run would label the next run with (as Run::start does): the
// toolbar's, else the tasks' own ("mixed" when they differ).
std::string nextWork(const RunOptions& o, const Scenario& sc) {
    if (o.work) return toString(*o.work);
    if (sc.tasks.empty()) return toString(WorkKind::Sleep);
    for (const TaskSpec& t : sc.tasks)
        if (t.work != sc.tasks.front().work) return "mixed";
    return toString(sc.tasks.front().work);
}

// The toolbar's values are the next run's. Where the run on screen (of the
// same scenario) was made with others — the pool size, the work combo or the
// time scale changed after it, a method or chunksize picked since — the note
// says the shown run's ("shown run: 2 workers, sleep, 0.20x"), so no control
// seems to describe the run it does not. And a value the user set that a
// change of scenario kept (the time scale; everything else is the new
// scenario's own, GuiApp::selectScenario) is said too ("time scale 0.05x kept").
// The note's two parts, each without its lead words: what the shown run was
// made with ("2 workers, cpu": "shown run: 2 workers, cpu") and the kept time
// scale ("0.05x": "time scale 0.05x kept"); either empty. The short forms
// come from the parts, never from cutting the composed words.
struct ShownRunNote {
    std::string run, kept;
    // A run of another scenario: its note's parts ("pool", "2 workers",
    // "sleep", "imap"); the short forms drop its method and chunksize (all
    // of them in the tooltip).
    std::vector<std::string> otherParts;
    std::size_t otherKeep = 0;   // of them, the ones every form keeps: its name, workers and work
    std::string runWords(const char* lead = "shown run: ") const { return run.empty() ? "" : lead + run; }
    std::string keptWords() const { return kept.empty() ? "" : "time scale " + kept + " kept"; }
    std::string whole(const char* lead = "shown run: ") const {
        const std::string r = runWords(lead), k = keptWords();
        return r + (r.empty() || k.empty() ? "" : "; ") + k;
    }
};

ShownRunNote shownRunNoteParts(GuiApp& app) {
    const RunView& shown = app.current();
    const Scenario& sc = app.scenario();
    const RunOptions& o = app.runOptions();
    std::string note;
    std::vector<std::string> otherParts;
    std::size_t otherKeep = 0;
    if (shown.trace() && !shown.traced() && shown.meta().scenario == sc.name) {
        std::vector<std::string> diffs;
        const int workers = o.workers.value_or(sc.workers());
        // The run is named by its workers and work together whenever either
        // differs: a sweep's runs read "shown run: cpu" for one and "shown
        // run: 2 workers" for another, as if they were different kinds of
        // note (session 22); now every one reads "shown run: 2 workers, cpu".
        const bool workDiffers =
            kindInfo(sc.kind).hasWork && !shown.meta().work.empty() && shown.meta().work != nextWork(o, sc);
        const bool workersDiffer = shown.meta().workers > 0 && shown.meta().workers != workers;
        if (workersDiffer || (workDiffers && shown.meta().workers > 0))
            diffs.push_back(std::to_string(shown.meta().workers) + (shown.meta().workers == 1 ? " worker" : " workers"));
        if (workDiffers || (workersDiffer && kindInfo(sc.kind).hasWork && !shown.meta().work.empty()))
            diffs.push_back(shown.meta().work);
        const double scale = o.timeScale.value_or(sc.timeScale);
        if (!shown.fromFile() && std::abs(scale - shown.meta().timeScale) > 1e-9) {
            diffs.push_back(formatTimeScale(shown.meta().timeScale));
        }
        if (kindInfo(sc.kind).pooled && shown.haveScenario()) {
            const Scenario& was = shown.scenario();
            if (was.method != sc.method) diffs.push_back(toString(was.method));
            if (was.chunksize != sc.chunksize && usesChunks(was.method))
                diffs.push_back("chunksize " + (was.chunksize ? std::to_string(*was.chunksize) : std::string("auto")));
        }
        for (std::size_t i = 0; i < diffs.size(); ++i) note += (i ? ", " : "") + diffs[i];
    } else if (shown.trace() && !shown.traced() && !shown.meta().scenario.empty()) {
        // A run of another scenario picked in the run picker: none of the
        // toolbar's values is its, so the note says what it was run with.
        // The method and chunksize only where they are not map's defaults
        // (classroom walk, session 30: "shown run: pool-sizes, 8 workers,
        // cpu, map, chunksize auto" took a toolbar row of its own and the
        // Why panel dropped to two lines).
        const TraceMeta& m = shown.meta();
        otherParts.push_back(m.scenario);
        if (m.workers > 0) otherParts.push_back(std::to_string(m.workers) + (m.workers == 1 ? " worker" : " workers"));
        if (!m.work.empty()) otherParts.push_back(m.work);
        otherKeep = otherParts.size();
        if (shown.haveScenario() && kindInfo(shown.scenario().kind).pooled) {
            const Scenario& was = shown.scenario();
            if (was.method != PoolMethod::Map) otherParts.push_back(toString(was.method));
            if (usesChunks(was.method) && was.chunksize) otherParts.push_back("chunksize " + std::to_string(*was.chunksize));
        }
        for (std::size_t i = 0; i < otherParts.size(); ++i) note += (i ? ", " : "") + otherParts[i];
    }
    std::string kept;
    if (o.timeScale && std::abs(*o.timeScale - sc.timeScale) > 1e-9 && !app.keptFrom().empty())
        kept = formatTimeScale(*o.timeScale);   // "time scale 0.05x kept": its tooltip says from where
    return {note, kept, std::move(otherParts), otherKeep};
}

// The note's forms, longest first, as the slot tries them: "shown run: …",
// "shown: …", without "; time scale 0.20x kept" (the next run's, not the
// shown run's: the tooltip keeps it), and another scenario's run without its
// method and chunksize, never without its name, workers and work ("shown:
// pool-sizes, 8 workers, cpu"). Empty when there is no note.
std::vector<std::string> noteForms(const ShownRunNote& parts) {
    if (parts.whole().empty()) return {};
    std::vector<std::string> forms = {parts.whole(), parts.whole("shown: "),
                                      parts.run.empty() ? parts.kept + " kept" : parts.runWords("shown: ")};   // "0.20x kept" alone
    for (std::size_t n = parts.otherParts.size(); n-- > parts.otherKeep;) {
        std::string f = "shown: ";
        for (std::size_t i = 0; i < n; ++i) f += (i ? ", " : "") + parts.otherParts[i];
        forms.push_back(std::move(f));
    }
    return forms;
}

// The note's place: the rest of the toolbar's last row, at least 7 em, the
// same whether it says anything or not, so a note appearing (a run picked,
// a value changed) does not wrap the toolbar onto another row while it fits
// (the run picker narrows for it, statusLine). Never cut with "…"
// (classroom walk: "shown run: chunksize …" / "shown run: 8 workers, …" at
// 1280x720): "shown: …" when that fits, else the note goes whole onto a
// row of its own; all of it, and why, in the tooltip.
void shownRunNoteSlot(GuiApp& app) {
    const float fs = ImGui::GetFontSize();
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    const ShownRunNote parts = shownRunNoteParts(app);
    const std::string note = parts.whole();
    std::string shown = note;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float roomHere = right - (ImGui::GetItemRectMax().x + spacing);
    // Shorter forms, in turn, while the note does not fit the row: "shown:
    // …", then without "; time scale 0.20x kept" (the next run's, not the
    // shown run's: the tooltip keeps it). The whole note on a row of its own
    // pushed the timeline and every panel under it down a line, and This
    // run kept one line at 4 cpu workers (newcomer walk, session 26).
    // Shorter than the last form, the note takes a row of its own, whole.
    if (!shown.empty() && ImGui::CalcTextSize(shown.c_str()).x > roomHere) {
        for (const std::string& f : noteForms(parts))
            if (ImGui::CalcTextSize(f.c_str()).x <= roomHere) {
                shown = f;
                break;
            }
    }
    flow(std::max(fs * 7, shown.empty() ? 0.0f : ImGui::CalcTextSize(shown.c_str()).x));
    // One frame's height with the note or without it (the text on the
    // controls' baseline): the note under a Dummy made the row taller by a
    // line when it appeared, and the caption and timeline dropped.
    if (!shown.empty()) {
        ImGui::AlignTextToFramePadding();
        ui::textDisabled("%s", shown.c_str());
    } else {
        ImGui::Dummy(ImVec2(1, ImGui::GetFrameHeight()));
    }
    std::string kept;
    if (!app.keptFrom().empty()) {
        const std::string buf = " (" + app.scenario().name + "'s own: " + formatTimeScale(app.scenario().timeScale) + ")";
        kept = " The time scale was kept from " + app.keptFrom() + buf + " when the scenario changed; every other "
               "control took the scenario's own value.";
    }
    if (!note.empty())
        ui::tooltipBelow((note + "." + kept + " The run on screen was made with the shown run's values; the controls hold the next "
                                 "run's (Run or Restart uses them).").c_str());
}

void runOptions(GuiApp& app) {
    RunOptions& o = app.runOptions();
    const Scenario& sc = app.scenario();
    const float fw = ImGui::GetFontSize();
    int workers = o.workers.value_or(sc.workers());
    // The field is the next run's; when the run on screen had another pool
    // size (a sweep's Pool(8) under a field of 4), the shown-run note at the
    // toolbar's end says that one's (shownRunNote), not a note beside the
    // field that would push every control to its right.
    // A kind whose worker count is not the field's to set (queue and
    // cpu-count start none, process one per argument) has it greyed out, as
    // the work box is for kinds that do no work: cpu-count's field read an
    // editable "0", and + on it made Run refuse the run (newcomer walk).
    const bool setsWorkers = workersOverridable(sc.kind);
    if (!setsWorkers) o.workers.reset();
    const float frameH = ImGui::GetFrameHeight(), inner = ImGui::GetStyle().ItemInnerSpacing.x;
    const char* const noWorkers = "no workers";
    const float fieldW = setsWorkers ? fw * 5.5f
                                     : std::max(fw * 5.5f, ImGui::CalcTextSize(noWorkers).x + ImGui::GetStyle().FramePadding.x * 2);
    flow(labelledW(fieldW, "workers"));
    LabelGroup workersGroup("workers");
    ImGui::BeginDisabled(!setsWorkers);
    ImGui::BeginGroup();
    if (!setsWorkers) {
        // The box says what there is: "no workers", or the scenario's own count.
        std::string shown = workers > 0 ? std::to_string(workers) : noWorkers;
        ImGui::SetNextItemWidth(fieldW);
        ImGui::InputText("##workers", shown.data(), shown.size() + 1, ImGuiInputTextFlags_ReadOnly);
        ui::probeItem(shown.c_str());
    } else {
        ImGui::SetNextItemWidth(fieldW - 2 * (frameH + inner));
        if (ImGui::InputInt("##workers", &workers, 0, 0)) o.workers = std::clamp(workers, 1, kMaxWorkers);
        // Our own - and +: ImGui's step buttons act on release and drop the second
        // click of a quick double click; these act on each press (and repeat when held).
        const ImGuiButtonFlags stepFlags = ImGuiButtonFlags_PressedOnClick | ImGuiButtonFlags_Repeat;
        ImGui::SameLine(0, inner);
        if (ImGui::ButtonEx("-", ImVec2(frameH, frameH), stepFlags)) o.workers = std::clamp(workers - 1, 1, kMaxWorkers);
        ImGui::SameLine(0, inner);
        if (ImGui::ButtonEx("+", ImVec2(frameH, frameH), stepFlags)) o.workers = std::clamp(workers + 1, 1, kMaxWorkers);
    }
    ImGui::SameLine(0, inner);
    ImGui::TextUnformatted("workers");
    ImGui::EndGroup();
    workersGroup.end();
    ui::probeItem("workers");
    ImGui::EndDisabled();
    if (!setsWorkers)
        ui::tooltipBelow((std::string("The ") + toString(sc.kind) +
                          (workers > 0 ? " scenario starts one process per argument (" + std::to_string(workers) +
                                             "): the scenario sets how many, not this field."
                                       : " scenario starts no worker process: MainProcess does it all.") +
                          " Pick pool, pool-cpu, job-queue or lock to choose the workers.")
                             .c_str(),
                         ImGuiHoveredFlags_AllowWhenDisabled);
    else
        ui::tooltipBelow("The pool's size, or how many processes: for the next Run or Restart (the note at the toolbar's "
                         "end says when the run on screen had another).");
    const char* kinds[] = {"as scenario", "sleep", "cpu", "no work"};
    // process, queue and cpu-count do no work: nothing for sleep or cpu to change.
    const bool hasWork = kindInfo(sc.kind).hasWork;
    int k = !hasWork ? 3 : !o.work ? 0 : *o.work == WorkKind::Sleep ? 1 : 2;
    const float workW = ui::comboWidth(kinds[0]);   // the widest of them
    flow(labelledW(workW, "work"));
    LabelGroup workGroup("work");
    ImGui::SetNextItemWidth(workW);
    ImGui::BeginDisabled(!hasWork);
    // The box shows kinds[k] itself: ImGui::Combo over the three choices
    // showed a blank box for "no work" (index 3, outside them), where the
    // README says "no work" (newcomer walk, item 10).
    if (ImGui::BeginCombo("work", kinds[k])) {
        for (int i = 0; i < 3; ++i)
            if (ImGui::Selectable(kinds[i], i == k)) {
                if (i == 0) o.work.reset();
                else o.work = i == 1 ? WorkKind::Sleep : WorkKind::Cpu;
                k = i;
            }
        ImGui::EndCombo();
    }
    workGroup.end();
    ui::probeCombo("work", kinds[k], workW);
    ImGui::EndDisabled();
    if (!hasWork)
        ui::tooltipBelow((std::string("The ") + toString(sc.kind) +
                          " scenario's processes do no work (no task sleeps or computes), so sleep or cpu would "
                          "change nothing. Pick pool, pool-cpu, job-queue or lock to choose the work.")
                             .c_str(),
                         ImGuiHoveredFlags_AllowWhenDisabled);
    else
        ui::tooltipBelow("The work every task does: sleep (waits, needs no core) or cpu (computes, needs a core); "
                         "as scenario: each task's own. For the next Run.");
    // A replay shows the scale it was recorded at (and cannot change it).
    float scale = static_cast<float>(app.current().fromFile() ? app.current().meta().timeScale : o.timeScale.value_or(sc.timeScale));
    ImGui::BeginDisabled(app.current().fromFile());
    // The track, then its value ("0.20x"): the grab never crosses the value's text.
    // A track of 2 em (40 px at least; it was 4 em): the room the scenario
    // picker's one width takes, so the toolbar keeps its rows at 1280x720
    // (lock's Tasks... on the first in presentation, pool's jobs on the
    // first in normal type).
    const float scaleW = std::max(40.0f, fw * 2) + ui::valueSliderValueW("0.00x");
    flow(labelledW(scaleW, "time scale"));
    LabelGroup scaleGroup("time scale");
    ImGui::BeginGroup();
    // A press on the track steps through these (a drag from the grab sets any value).
    static constexpr float kScaleSteps[] = {0.02f, 0.05f, 0.1f, 0.2f, 0.5f, 1.0f, 2.0f, 5.0f};
    if (ui::valueSlider("##time scale", "time scale", &scale, 0.02f, 5.0f, "%.2fx", scaleW, ImGuiSliderFlags_Logarithmic,
                        kScaleSteps))
        o.timeScale = scale;
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    ImGui::TextUnformatted("time scale");
    ImGui::EndGroup();
    scaleGroup.end();
    ImGui::EndDisabled();
    ui::tooltipBelow("Every duration times this: below 1 faster than the scenario says, above 1 slow motion. A click "
                     "beside the handle steps to the next of 0.02x, 0.05x, 0.1x, 0.2x, 0.5x, 1x, 2x, 5x; drag the "
                     "handle for any value.");
    drawPoolControls(app, true);
    flow(buttonW("Tasks..."));
    if (ImGui::Button("Tasks...")) app.showTaskEditor(true);
    ui::probeItem("Tasks...");
}

} // namespace

namespace {

// The pool's method (map, imap, imap_unordered, starmap, apply_async): how the
// main program hands out the tasks, and so the order it receives the results
// in (Stats' "the caller receives" line). For the next Run, like chunksize.
template <class Place> void drawMethodCombo(Scenario& sc, Place place) {
    const char* shown = toString(sc.method);
    // As wide as the method shown (the list opens wider): the toolbar keeps its rows at 1280x720.
    const float w = std::max(ui::comboWidth(shown), ui::comboWidth("imap"));
    place(labelledW(w, "method"));
    LabelGroup group("method");
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("method", shown)) {
        for (PoolMethod m : kPoolMethods)
            if (ImGui::Selectable(toString(m), sc.method == m)) sc.method = m;
        ImGui::EndCombo();
    }
    group.end();
    ui::probeCombo((std::string("method ") + shown).c_str(), shown, w);
    ui::tooltipBelow("How the program hands the tasks to the pool: map and starmap return every result at once when "
                     "the last task is done; imap yields them in input order, imap_unordered in the order the tasks "
                     "finish; apply_async is one call per task, its results got in input order. Stats shows the "
                     "order the results arrive in.");
}

} // namespace

// Chunksize and "N equal jobs" (pool and job-queue scenarios): what Pool.map
// cuts the tasks into, and how the work is cut into tasks. They feed the
// scenario the next Run starts with (GuiApp::runScenario). Combos, not text
// fields, so a click or two changes them and Space still starts the run.
void drawPoolControls(GuiApp& app, bool flowLayout) {
    Scenario& sc = app.editableScenario();
    const KindInfo kind = kindInfo(sc.kind);
    const bool pool = kind.pooled;   // chunksize: only a Pool cuts its tasks into chunks
    if (!kind.taskTable) return;
    auto place = [&](float w) {
        if (flowLayout) flow(w);
    };
    const std::size_t tasks = app.equalJobs() > 0 ? app.equalJobs() : sc.tasks.size();
    if (pool) drawMethodCombo(sc, place);
    if (pool) {
        ImGui::BeginDisabled(!usesChunks(sc.method));
        const int workers = app.runOptions().workers.value_or(sc.workers());
        // imap and imap_unordered default to 1, map and starmap to divmod (CPython).
        const std::size_t autoSize = defaultChunksizeFor(sc.method, tasks, workers);
        const std::string autoLabel = "auto (" + std::to_string(autoSize) + ")";
        const std::string shown = sc.chunksize ? std::to_string(*sc.chunksize) : autoLabel;
        // As wide as "auto (1000)": the auto size following the workers or jobs moves nothing.
        const float w = std::max({ui::comboWidth(shown.c_str()), ui::comboWidth(autoLabel.c_str()), ui::comboWidth("auto (1000)")});
        place(labelledW(w, "chunksize"));
        LabelGroup group("chunksize");
        ImGui::SetNextItemWidth(w);
        if (ImGui::BeginCombo("chunksize", shown.c_str(), ImGuiComboFlags_HeightLarge)) {
            if (ImGui::Selectable(autoLabel.c_str(), !sc.chunksize)) sc.chunksize.reset();
            std::vector<std::size_t> sizes = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 32, 50, 64, 100, 128, 256, 1000};
            if (sc.chunksize && std::find(sizes.begin(), sizes.end(), *sc.chunksize) == sizes.end()) {
                sizes.push_back(*sc.chunksize);
                std::sort(sizes.begin(), sizes.end());
            }
            for (std::size_t n : sizes) {
                // Past one chunk of all the tasks, larger sizes change nothing.
                if (n > std::max<std::size_t>(tasks, 1) && !(sc.chunksize && *sc.chunksize == n)) break;
                const std::string item = std::to_string(n) + "##cs" + std::to_string(n);
                if (ImGui::Selectable(item.c_str(), sc.chunksize && *sc.chunksize == n)) sc.chunksize = n;
            }
            ImGui::EndCombo();
        }
        group.end();
        ui::probeCombo(("chunksize " + shown).c_str(), shown.c_str(), w);
        ImGui::EndDisabled();
        if (usesChunks(sc.method))
            ui::tooltipBelow("How many tasks the pool hands a worker at once (one chunk). auto: CPython's default, "
                             "ceil(tasks / (4 x workers)) for map and starmap, 1 for imap and imap_unordered. The "
                             "timeline brackets each chunk on its worker's lane.");
        else
            ui::tooltipBelow("apply_async hands out one task per call, so there are no chunks to size. Pick map, "
                             "imap, imap_unordered or starmap to use chunksize.",
                             ImGuiHoveredFlags_AllowWhenDisabled);
    }
    const std::string jobsShown = app.equalJobs() > 0 ? std::to_string(app.equalJobs()) + " equal"
                                                      : std::to_string(sc.tasks.size()) + " as scenario";
    const float jw = ui::comboWidth(jobsShown.c_str());
    place(labelledW(jw, "jobs"));
    LabelGroup jobsGroup("jobs");
    ImGui::SetNextItemWidth(jw);
    if (ImGui::BeginCombo("jobs", jobsShown.c_str(), ImGuiComboFlags_HeightLarge)) {
        const std::string own = std::to_string(sc.tasks.size()) + " as scenario";
        if (ImGui::Selectable(own.c_str(), app.equalJobs() == 0)) app.setEqualJobs(0);
        static constexpr std::size_t kCounts[] = {1, 2, 4, 8, 16, 28, 32, 64, 100, 256, 1000};
        for (std::size_t n : kCounts) {
            char item[64];
            std::snprintf(item, sizeof item, "%zu equal (%s each)##eq%zu", n,
                          formatSeconds(static_cast<std::int64_t>(equalJobSeconds(sc, n) * 1e9)).c_str(), n);
            if (ImGui::Selectable(item, app.equalJobs() == n)) app.setEqualJobs(n);
        }
        ImGui::EndCombo();
    }
    jobsGroup.end();
    ui::probeCombo(("jobs " + jobsShown).c_str(), jobsShown.c_str(), jw);
    ui::tooltipBelow("N equal jobs: the scenario's work cut into N tasks of the same length (the total stays the same), "
                     "for the next Run.");
}

namespace {

// The run on screen and its state ("run 2: running 3.1 s"), which is also
// the picker of the session's runs: each keeps its own cursor and zoom, and a
// live run goes on in the background while another is shown. Before the
// first run, just "ready".
std::string runState(RunView& run) {
    const RunStatus s = run.status();
    if (run.fromFile()) return "replay";
    if (s == RunStatus::Running || s == RunStatus::Paused) {
        // An instant in the run, as the caption gives it (formatInstant): "running 0.81 s" beside the
        // caption's "0.81 s", not "811 ms" (classroom walk).
        return std::string(s == RunStatus::Running ? "running " : "paused ") + formatInstant(run.now() - run.zero());
    }
    std::string text = s == RunStatus::NotStarted ? "ready" : toString(s);
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void statusLine(GuiApp& app) {
    // One length per run on screen: the caption and Stats give the makespan
    // (pauses excluded); here only the state, and while live the time so far.
    RunView& cur = app.current();
    // One width from before the first run to the last: its words change
    // every tenth of a second while a run goes on ("running 3.1 s"), and a
    // run starting, ending or picked moves nothing (the note after it).
    const std::string ready = "new: " + app.scenario().name + ", ready";
    float w = std::max({ui::comboWidth("run 88: running 888.8 s"), ui::comboWidth(ready.c_str()),
                        ui::comboWidth("run 88: finished")});
    if (app.runCount() == 0) {
        const std::string text = runState(cur);
        flow(w);
        ImGui::BeginGroup();
        ui::textDisabled("%s", text.c_str());
        ImGui::SameLine(0, 0);
        ImGui::Dummy(ImVec2(std::max(1.0f, w - ImGui::CalcTextSize(text.c_str()).x), ImGui::GetFrameHeight()));
        ImGui::EndGroup();
        return;
    }
    std::string shown = app.currentIndex() < 0 ? ready : "run " + std::to_string(cur.number()) + ": " + runState(cur);
    // The shown-run note after it must be whole (classroom walk: "shown run:
    // chunksize …" at 1280x720): when it would not fit beside the combo's
    // usual width, a run that is not live (its words do not change) gives
    // the combo only the width its own words need.
    const std::vector<std::string> forms = tracedOnScreen(app) ? std::vector<std::string>() : noteForms(shownRunNoteParts(app));
    const std::string note = forms.empty() ? std::string() : forms.front();
    const float narrow = std::max(ui::comboWidth(shown.c_str()), ui::comboWidth("run 88: finished"));
    if (!note.empty() && !cur.live() && narrow < w) {
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;   // after the last item, as flow()
        const float noteW = ImGui::CalcTextSize(note.c_str()).x + ImGui::GetStyle().ItemSpacing.x;
        if (x + w + noteW > right) w = narrow;
        // Still too long (another scenario's run: "shown: pool-sizes, 8
        // workers, cpu"): the run's number alone, its state being the
        // caption's ("the run ended"), before the note loses a part or takes
        // a row of its own (classroom walk, session 30).
        // (Where even then it does not fit, the note takes a row of its own
        // and the picker keeps its words.)
        // Only for a run that finished: "stopped" or "failed" stays said
        // (the caption says how a run ended only at its end; review).
        const std::string bare = "run " + std::to_string(cur.number());
        const float bareW = ui::comboWidth(bare.c_str());
        const float shortestW = ImGui::CalcTextSize(forms.back().c_str()).x + ImGui::GetStyle().ItemSpacing.x;
        if (app.currentIndex() >= 0 && cur.status() == RunStatus::Finished && x + w + shortestW > right &&
            x + bareW + shortestW <= right) {
            shown = bare;
            w = bareW;
        }
    }
    flow(w);
    ImGui::SetNextItemWidth(w);
    int close = -1;
    // The list is sized in whole items (no half line at its bottom, classroom
    // walk): as many as fit under the combo, at most eight, and its scroll
    // rests on an item's top. "Close this run" is an item like the runs (a
    // separator's height is no item's), muted.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float itemH = ImGui::GetTextLineHeight() + style.ItemSpacing.y;
    const int items = static_cast<int>(app.runCount()) + (app.currentIndex() >= 0 ? 1 : 0);
    const float below = ImGui::GetMainViewport()->WorkPos.y + ImGui::GetMainViewport()->WorkSize.y -
                        (ImGui::GetCursorScreenPos().y + ImGui::GetFrameHeight()) - style.WindowPadding.y * 2 - 2;
    const int fit = std::max(1, std::min({items, 8, static_cast<int>((below + style.ItemSpacing.y) / itemH)}));
    ImGui::SetNextWindowSizeConstraints(
        ImVec2(w, 0), ImVec2(FLT_MAX, fit * itemH - style.ItemSpacing.y + style.WindowPadding.y * 2));
    if (ImGui::BeginCombo("##runs", shown.c_str())) {
        // One unit down the list: the longest makespan's (formatSecondsLike).
        std::int64_t longest = 0;
        for (std::size_t i = 0; i < app.runCount(); ++i) longest = std::max(longest, app.runAt(i).labelMakespanNs());
        for (std::size_t i = 0; i < app.runCount(); ++i) {
            RunView& r = app.runAt(i);
            const std::string item = r.label(longest) + (r.live() ? "  (live)" : "") + "##run" + std::to_string(i);
            if (ImGui::Selectable(item.c_str(), static_cast<int>(i) == app.currentIndex())) app.showRunAt(static_cast<int>(i));
            probe::itemOnly("run entry " + std::to_string(i));   // where the open list lies, for a test
        }
        if (app.currentIndex() >= 0) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            if (ImGui::Selectable("Close this run")) close = app.currentIndex();
            ImGui::PopStyleColor();
        }
        const float y = ImGui::GetScrollY(), snapped = std::min(std::round(y / itemH) * itemH, ImGui::GetScrollMaxY());
        if (items > fit && snapped != y && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) ImGui::SetScrollY(snapped);
        ImGui::EndCombo();
    }
    ui::probeCombo(shown.c_str(), shown.c_str(), w);
    ui::tooltipBelow("The runs of this session and the saved runs opened. Keys: [ and ] step through them.");
    if (close >= 0) app.closeRunAt(static_cast<std::size_t>(close));
}

// What the run-end caption adds: how it went, in the scenario's own words.
// withBounds: the makespan's bounds too ("tasks ran 0.03 s to 6.04 s"), so a
// task that ended at 6.04 s in a run "done in 6.01 s" reads as the same run.
// withSpeedup: the speedup over sequential (Stats says it too).
// procWords: a traced program's processes, 2 = named by kind ("8 processes
// (MainProcess, 4 pool workers, 3 others)"), 1 = counted ("8 processes"), 0 = not said.
// withScale: at a time scale other than 1, the makespan in the scenario's
// seconds too ("makespan 1.20 s (about 6.00 s at 1.00x)": at 0.20x the tutorial's
// 6 s was nowhere on screen, classroom walk, session 31).
std::string runEndSummary(GuiApp& app, bool withBounds, bool withSpeedup = true, int procWords = 2,
                          bool withScale = true) {
    const RunStats& st = app.current().statsAtCursor();
    std::string text;
    char buf[160];
    const TraceMeta meta = app.current().meta();   // a copy: begin() and end() must be of the same vector
    // A traced program: how many processes it had (session 22: the header
    // never said; a class compares it with the Pool(4) they wrote).
    if (procWords > 0 && meta.work == kTracedProgramWork && meta.procs.size() > 1) {
        const auto count = [&](ProcRole r) {
            return std::count_if(meta.procs.begin(), meta.procs.end(), [&](const ProcInfo& p) { return p.role == r; });
        };
        const long workers = count(ProcRole::PoolWorker), others = static_cast<long>(meta.procs.size()) - 1 - workers;
        text += ": " + std::to_string(meta.procs.size()) + " processes";
        if (procWords > 1) {
            text += " (MainProcess";
            if (workers > 0) text += ", " + std::to_string(workers) + (workers == 1 ? " pool worker" : " pool workers");
            if (others > 0) text += ", " + std::to_string(others) + (others == 1 ? " other" : " others");
            text += ")";
        }
    }
    if (st.tasksStarted > 0) {
        // Against every task of the run (a demo's are its scenario's, RunView::statsAtCursor),
        // not the ones started: a run stopped after 2 of 16 tasks is not "2 of 2 tasks done".
        // Where the whole is not known (a traced program cut short), the ones started, said so.
        const int total = std::max({st.tasksTotal, st.tasksStarted, st.tasksDone + st.tasksFailed});
        const char* sep = text.empty() ? ": " : ", ";
        if (st.tasksTotalFinal) std::snprintf(buf, sizeof buf, "%s%d of %d tasks done", sep, st.tasksDone, total);
        else std::snprintf(buf, sizeof buf, "%s%d of %d tasks started are done", sep, st.tasksDone, st.tasksStarted);
        text += buf;
        // A failed task said where the class reads (newcomer walk: failing_task.py's C was a 2 px sliver, the
        // caption "3 of 4 tasks done" and "1 failed" under This run's fold). Its error is in This run and Why.
        if (st.tasksFailed > 0) text += ", " + std::to_string(st.tasksFailed) + " failed";
        if (st.hasMakespan) {
            // Named by its base, as Stats' (the Plots' is over the 1-worker run).
            // "makespan", never "done in": the run's one length, named as
            // Stats names it (classroom walk: "done in 6.00 s" beside "task D
            // ended at 6.04 s" read as two ends of one run). In seconds, as the
            // instants on this line are (the cursor's, the tasks' first start
            // and last end): "makespan 121 ms (tasks ran 0.023 s to 0.14 s)"
            // mixed two units in one sentence (newcomer walk). The bounds in
            // words, not two more instants: "5.04 s  The run ended: …,
            // makespan 5.00 s (tasks ran 0.032 s to 5.03 s)" put three
            // times on one line for a class to tell apart (classroom walk,
            // session 19); Stats' tooltip and the timeline give the instants.
            const std::string makespan = formatDurationAmongInstants(st.makespanNs);
            text += ", makespan " + makespan;
            // One bracket after it, its parts joined: "(about 6.03 s at 1.00x; first
            // task's start to last task's end)". "about": the makespan over the
            // scale, not a run at 1.00x (fixed costs do not scale; review).
            std::string about;
            if (withScale && meta.work != kTracedProgramWork && meta.timeScale > 0 && std::abs(meta.timeScale - 1.0) > 1e-9)
                about = "about " +
                        formatDurationAmongInstants(static_cast<std::int64_t>(
                            std::llround(static_cast<double>(st.makespanNs) / meta.timeScale))) +
                        " at 1.00x";
            if (withBounds) about += std::string(about.empty() ? "" : "; ") + "first task's start to last task's end";
            if (!about.empty()) text += " (" + about + ")";
            // In Compare the speedup the Plots draw (over the 1-worker run),
            // or none: "speedup over sequential 1.83x" above a Plots point at
            // 2.2 was two speedups of one run on one screen (newcomer walk,
            // session 29), the difference explained only in a note below.
            if (!app.compareOn())
                std::snprintf(buf, sizeof buf, ", %s %.2fx", kSpeedupOverSequential, st.speedup);
            else if (const auto s = plottedSpeedupOf(app.compare().model, app.current().number()))
                std::snprintf(buf, sizeof buf, ", %s %.2fx", kSpeedupOverOneWorker, *s);
            else
                buf[0] = '\0';
            if (withSpeedup) text += buf;
        }
    }
    const bool pool = std::any_of(meta.procs.begin(), meta.procs.end(),
                                  [](const ProcInfo& p) { return p.role == ProcRole::PoolWorker; });
    for (const WorkerStats& w : st.workers)
        if (w.killed) text += "; " + w.name + (pool ? " was killed and the pool carried on" : " was killed, the others carried on");
    return text;
}

// Before anything happened: what to press. In Compare before any sweep the
// same as the Compare panel says (it said "press Sweep" under a caption
// saying "Press Run (Space) to start."): predict in Plots, then Sweep.
const char* startHint(const GuiApp& app) {
    if (app.compareOn() && app.compare().model.rows.empty() && !app.sweeping())
        return "Compare: predict in Plots (right), then press Sweep to run 1, 2, 4 and 8 workers.";
    return "Press Run (Space) to start.";
}

// "cursor at 0.70 s; last event at 5 ms, ForkPoolWorker-1 took C" (core
// captionLine): the cursor's time first, as the timeline, Stats and Why say
// it; the event it tells, when earlier, with its own: every time labelled.
std::string cursorEvent(GuiApp& app, const Caption& c) {
    const std::int64_t cursor = app.current().cursor(), zero = app.current().zero();
    return captionLine(cursor - zero, c.t - zero, c.text);
}

// While a sweep goes on the caption is ONE line, so nothing under it moves
// (classroom walk: "(sweep: 5 of 8 ...)  1.64 s  last at 1.62 s: ...
// printed ..." wrapped to two lines and back with every event, and every
// panel jumped 24 px). The progress leads (a long printed line must not push
// it out); the brief form when the whole message — why an attempt is run
// again — does not fit (the whole in the tooltip; the row says it too).
// The cursor's event follows only when the run's timeline is on screen
// (not in Compare, which shows the runs' rows) and it fits the line.
void sweepCaption(GuiApp& app) {
    const float room = ImGui::GetContentRegionAvail().x;
    auto fits = [&](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x <= room; };
    const std::string& msg = app.message();
    const std::string& brief = app.sweepBrief();
    const bool progress = msg.rfind(brief, 0) == 0;   // the message is the sweep's progress
    std::string text = "(" + (progress && fits("(" + msg + ")") ? msg : brief) + ")";
    const bool cutWhy = progress && text != "(" + msg + ")";
    if (!progress && !msg.empty() && fits(text + "  " + msg)) text += "  " + msg;   // an export's, say
    if (!app.compareOn())
        if (const Trace* tr = app.current().trace()) {
            const Caption c = buildCaption(app.current().model(), *tr, app.current().cursor());
            if (c.valid && fits(text + "  " + cursorEvent(app, c))) text += "  " + cursorEvent(app, c);
        }
    ui::textUnformatted(text.c_str());
    if (cutWhy) ui::tooltipBelow(msg.c_str());
}

// The line under the controls: what just happened at the cursor (so it
// follows replay too), or an error. Wraps rather than runs off the edge.
void captionLine(GuiApp& app) {
    if (app.sweeping() && !app.sweepBrief().empty() && !app.messageIsError()) {
        sweepCaption(app);
        return;
    }
    ImGui::PushTextWrapPos(0.0f);
    if (!app.message().empty() && app.messageIsError()) {
        ImGui::PushStyleColor(ImGuiCol_Text, errorColour(app.theme()));
        ui::textUnformatted(app.message().c_str());
        ImGui::PopStyleColor();
    } else if (const Trace* tr = app.current().trace()) {
        const Caption c = buildCaption(app.current().model(), *tr, app.current().cursor());
        if (c.valid) {
            // One line when it can be: what happened, then (at the run's end)
            // whether the machine was busy, then the run's summary, then the
            // message, each only while it fits: Stats and Session say all of
            // it, and a second caption line would cost the lanes their room.
            std::string text = cursorEvent(app, c);
            std::string busy;
            bool busyWarn = false;   // muted on sleep work: a sleeping worker needs no core
            if (c.kind == EventKind::RunEnd) {
                const RunStats& st = app.current().statsAtCursor();
                const std::string s = describeBusyShort(st.machine, parseWorkKind(st.work));
                busyWarn = busyMatters(st.machine, parseWorkKind(st.work));
                if (!s.empty()) busy = "  " + s;
            }
            const float room = ImGui::GetContentRegionAvail().x;
            auto fits = [&](const std::string& more) {
                return ImGui::CalcTextSize((text + busy + more).c_str()).x <= room;
            };
            if (c.kind == EventKind::RunEnd) {
                // The most that fits; a traced program's process count goes
                // after the speedup and before the tasks (Stats says them all).
                const std::tuple<bool, bool, bool> forms[] = {
                    {true, true, true}, {false, true, true}, {false, true, false}, {false, false, false}};
                // Busy words that do not matter (sleep work: muted) yield to
                // the summary: a busy sleep run on a host with steal time
                // lost "speedup over sequential" for "others took 65 %; sleep
                // needs no core" (This run says both). They stay when they fit after it.
                const std::string mutedBusy = busyWarn ? std::string() : busy;
                if (!mutedBusy.empty()) busy.clear();
                bool done = false;
                for (int procs = 2; procs >= 0 && !done; --procs)
                    for (const auto& [bounds, speedup, scaled] : forms)
                        if (!done && fits(runEndSummary(app, bounds, speedup, procs, scaled))) {
                            text += runEndSummary(app, bounds, speedup, procs, scaled);
                            done = true;
                        }
                if (!mutedBusy.empty() && fits(mutedBusy)) busy = mutedBusy;
            }
            if (!app.message().empty() && fits("  (" + app.message() + ")")) text += "  (" + app.message() + ")";
            // Always one line, so nothing under it moves: an event too long
            // for it (a traced pool's whole result list, a long printed line)
            // wrapped the caption to two lines and back, moving every panel
            // 24 px mid-run. Whole clauses go, the least important first
            // (core fitCaptionLine): it was cut mid-phrase with "…" ("... (not
            // yet the caller's) (the last of 2 such …"); the whole on hover.
            std::string whole;
            if (!fits("")) {
                whole = text;
                const std::int64_t zero = app.current().zero();
                text = fitCaptionLine(app.current().cursor() - zero, c.t - zero, c.text, [&](const std::string& s) {
                    return ImGui::CalcTextSize((s + busy).c_str()).x <= room;
                });
            }
            if (c.proc != kNoProc) ImGui::PushStyleColor(ImGuiCol_Text, procTextVec4(c.proc, app.theme()));
            ui::textUnformatted(text.c_str());
            if (c.proc != kNoProc) ImGui::PopStyleColor();
            if (!whole.empty()) ui::tooltipBelow(whole.c_str());
            if (!busy.empty()) {
                ImGui::SameLine(0, 0);
                ui::textColored(busyWarn ? warningColour(app.theme()) : mutedColour(app.theme()), "%s", busy.c_str());
                const RunStats& st = app.current().statsAtCursor();
                ui::tooltipBelow(describeBusy(st.machine, parseWorkKind(st.work)).c_str());
            }
        } else if (!app.message().empty()) {
            ui::textUnformatted(app.message().c_str());
        } else {
            ui::textDisabled("%s", startHint(app));
        }
    } else {
        ui::textDisabled("%s", app.message().empty() ? startHint(app) : app.message().c_str());
    }
    ImGui::PopTextWrapPos();
}

} // namespace

namespace {
// Where the caption line goes: under the controls, drawn at the frame's end.
struct CaptionPlace {
    ImVec2 pos;
    bool placed = false;
};
CaptionPlace g_caption;
} // namespace

void drawControlsPanel(GuiApp& app, const Rect& r) {
    g_caption.placed = false;
    if (beginPanel("Controls", r, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
        // Groups flow left to right and wrap (flow()), so every size of window
        // and type shows them all; the panel's height follows what they needed.
        scenarioPicker(app);
        runButtons(app);
        if (!tracedOnScreen(app)) runOptions(app);   // a traced program has no workers, work or time scale to set
        killButtons(app);
        fileButtons(app);
        classroomToggles(app);
        statusLine(app);
        if (!tracedOnScreen(app)) shownRunNoteSlot(app);
        g_caption.pos = ImGui::GetCursorScreenPos();
        g_caption.placed = true;
    }
    endPanel();
}

float drawControlsCaption(GuiApp& app, const Rect& r) {
    float needed = r.h;
    if (!g_caption.placed) return needed;
    // After the timeline, the Why tab's step buttons and the keys have moved
    // the cursor: the caption says what happened at this frame's cursor (drawn
    // first, it told the last frame's until the next event woke the window).
    if (resumePanel("Controls")) {
        ImGui::SetCursorScreenPos(g_caption.pos);
        captionLine(app);
        needed = ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y + ImGui::GetStyle().WindowPadding.y;
    }
    endPanel();
    return std::ceil(needed);
}

} // namespace parviz::gui
