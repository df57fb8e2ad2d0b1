// Stats: the run's measures at the cursor (core computeStats, the same numbers
// `parviz run` prints), per-core utilisation, per-worker times, and a table of
// every run of this session so 1, 2 and 4 workers can be compared.
#include "gui/colours.hpp"
#include "gui/fitted_table.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "parviz/views.hpp"

#include <algorithm>
#include <map>
#include <cmath>
#include <cstdio>
#include <string>

namespace parviz::gui {
namespace {

// Numbers cut at the live edge are "so far"; cut at a cursor put elsewhere,
// in a live run too, they are "at 0.70 s", the cursor's time (cutNote).
// The cursor's time as the caption and the Why tab write it (formatDuration).
std::string cutNoteHere(const RunView& run, const RunStats& s) {
    std::string note = cutNote(s, run.live() && run.cursorIsLive(), run.zero());
    if (note.rfind(" at ", 0) == 0 && s.atNs) note = " at " + formatInstant(*s.atNs - run.zero());
    return note;
}

// "label value" pairs flow left to right and wrap, never cut (ui::fits).
void pair(const char* label, const std::string& value, const char* tip, bool first = false) {
    const float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().ItemSpacing.x * 2 + ImGui::CalcTextSize(value.c_str()).x;
    if (!first) ui::sameLineIfFits(w);
    ImGui::BeginGroup();
    ui::textDisabled("%s", label);
    ImGui::SameLine();
    ui::textUnformatted(value.c_str());
    ImGui::EndGroup();
    if (tip) ui::tooltipBelow(tip);
}

// Presentation: the run's most important callout (core headlineCallout) in
// its short words, in the warning colour of its mark on the timeline, where
// the class looks: the legend shows only its kind's word and the Why tab is
// one click away. One line: its headline ("oversubscription: 8 workers on 2
// cores, runnable, no free core 45 % of the time") when that fits the width,
// else its brief, which keeps the why ("8 workers, 2 cores: most wait for a
// core"); at 1280x720 the headline wrapped and its second line fell below
// the fold. The whole sentence on hover and in Why.
void headline(RunView& run, const PanelEnv& env) {
    const Callout* c = headlineCallout(run.callouts());
    if (!c || c->headline.empty()) return;
    const float room = ImGui::GetContentRegionAvail().x;
    const std::string& words =
        c->brief.empty() || ImGui::CalcTextSize(c->headline.c_str()).x <= room ? c->headline : c->brief;
    ImGui::PushTextWrapPos(0.0f);
    ImGui::PushStyleColor(ImGuiCol_Text, calloutColour(c->kind, env.theme));
    ui::textUnformatted(words.c_str(), words.c_str() + words.size());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    probe::itemOnly("headline");   // its rect, for the room tests ([headlinefit])
    ui::tooltipBelow(c->text.c_str());
}

// Whole lines of text the panel shows from its cursor down without scrolling.
int linesInView() {
    const float line = ImGui::GetTextLineHeightWithSpacing();
    return static_cast<int>((ImGui::GetContentRegionAvail().y + ImGui::GetStyle().ItemSpacing.y) / line);
}

// Whether the timings can be trusted: other programs' share of the cores.
// At a cursor before the run's end: measured up to there (core describeBusyAt).
// compact: on the line before when it fits (not after a wrapped results order: ownLine).
void busyLine(const RunView& run, const RunStats& s, const PanelEnv& env, bool compact, bool ownLine = false) {
    if (s.machine.busy == true) {
        const std::string shortWords = describeBusyAt(s, true), words = describeBusyAt(s, false);
        if (compact && !ownLine) ui::sameLineIfFits(ImGui::CalcTextSize(shortWords.c_str()).x);
        const bool warn = busyMatters(s.machine, parseWorkKind(s.work));   // muted on sleep work
        ui::textColored(warn ? warningColour(env.theme) : mutedColour(env.theme), "%s", compact ? shortWords.c_str() : words.c_str());
        if (compact) ui::tooltipBelow(words.c_str());
    } else if (run.meta().finished && !s.machine.busy && s.hasMakespan) {
        // The why on screen, in few words where the room is short (session 22: "busy: unknown" alone).
        const std::string shortWords = describeUnjudgedShort(s.machine);
        if (compact && !ownLine) ui::sameLineIfFits(ImGui::CalcTextSize(shortWords.c_str()).x);
        const std::string words = describeBusy(s.machine, parseWorkKind(s.work));   // "busy: unknown: too short to tell …"
        ui::textDisabled("%s", compact ? shortWords.c_str() : words.c_str());
        if (compact) ui::tooltipBelow(words.c_str());
    }
}

// The numbers a lesson reads off (makespan, speedup, efficiency, tasks),
// then the workers and cores, then whether the machine was busy. compact
// (presentation): the key numbers first (tasks before the sequential time,
// so the four a lesson reads come first), the busy sentence short with the
// whole of it in a tooltip.
void keyNumbers(RunView& run, const PanelEnv& env, const RunStats& s, bool compact) {
    bool saidHeadline = !compact;
    // Presentation with room for one line only (24 workers at 1280x720):
    // the headline first, the numbers after it (the caption above the
    // timeline says the makespan and speedup too). With two, the four
    // numbers a lesson reads keep both (efficiency is what a pool-size
    // lesson is about) and the callout is on its lane and in Why.
    if (!saidHeadline && s.hasMakespan && linesInView() < 2) {
        headline(run, env);
        saidHeadline = true;
    }
    if (s.hasMakespan) {
        // Cut at the cursor, the numbers say so: "so far" while the run goes
        // on, "at 3.2 s" in a replay (core cutNote); speedup and efficiency
        // only once every task has ended, tasks against the run's total (core keyNumbers).
        bool first = true;
        for (const StatPair& p : parviz::keyNumbers(s, cutNoteHere(run, s), compact)) {
            // Presentation: the headline after the four numbers a lesson reads, before the sequential time;
            // after it when the sequential time fits on the numbers' last line (a line fewer, in a
            // column widened for This run: GuiApp::drawPresentationPanels).
            if (!saidHeadline && p.label == "sequential") {
                const float w = ImGui::CalcTextSize(p.label.c_str()).x + ImGui::GetStyle().ItemSpacing.x * 2 +
                                ImGui::CalcTextSize(p.value.c_str()).x;
                const bool fitsLine = !first && ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <=
                                                    ImGui::GetContentRegionMaxAbs().x;
                if (fitsLine) {
                    pair(p.label.c_str(), p.value, p.tip.empty() ? nullptr : p.tip.c_str(), false);
                    headline(run, env);
                    saidHeadline = true;
                    first = true;
                    continue;
                }
                headline(run, env);
                saidHeadline = true;
                first = true;
            }
            if (p.warn) {
                ui::sameLineIfFits(ImGui::CalcTextSize(p.value.c_str()).x);
                ui::textColored(warningColour(env.theme), "%s", p.value.c_str());
                continue;
            }
            pair(p.label.c_str(), p.value, p.tip.empty() ? nullptr : p.tip.c_str(), first);
            first = false;
        }
    } else if (s.plainProcesses) {
        // A traced program of plain Process objects: no task to time (the
        // summary says the same, describeNoMakespan); mid-run a Pool may still come.
        const std::string note = cutNoteHere(run, s);
        ui::textDisabled("%s%s", describeNoMakespan(s).c_str(), note.empty() ? "" : (" (" + note.substr(1) + ")").c_str());
    } else if (run.status() == RunStatus::Running || run.status() == RunStatus::Paused || s.tasksStarted > 0 ||
               s.tasksTotal > 0) {
        // A finished run's cursor before its first task (Home) is no scenario
        // without tasks: it said "this scenario runs no tasks" above "4 to
        // come" (newcomer check, session 28).
        ui::textDisabled("no task has started yet");
    } else {
        // process, queue, cpu-count: nothing to time as tasks, so no makespan or speedup.
        ui::textDisabled("this scenario runs no tasks: no makespan or speedup");
    }
    if (!saidHeadline) headline(run, env);
    ui::textDisabled("%s", describeWorkersOnCores(s).c_str());
    // Whether the timings can be trusted: in presentation, after the
    // caller's results order when it does not matter (sleep work: sleeping
    // workers need no core), so a busy sleep run no longer pushes a method
    // demo's answer out of view (CI, session 25); first when it matters.
    if (!compact || busyMatters(s.machine, parseWorkKind(s.work))) busyLine(run, s, env, compact);
}

// The order the caller received the pool's results in, and when ("results
// arrive: B at 2.0 s, C at 3.0 s, A at 5.0 s, D at 6.0 s (the order the tasks finished)"):
// what map, imap, imap_unordered and apply_async differ in. Built in core
// (buildResultOrder) only when the cursor or the run moved.
bool resultsLine(const RunView& run, bool compact) {
    struct Cache {
        const Trace* trace = nullptr;
        std::size_t consumed = 0;
        std::int64_t cursor = 0;
        bool compact = false;
        std::string text;
    };
    static Cache c;
    const Trace* tr = run.trace();
    if (!tr) return false;
    if (c.trace != tr || c.consumed != run.model().consumed() || c.cursor != run.cursor() || c.compact != compact) {
        c = Cache{tr, run.model().consumed(), run.cursor(), compact,
                  buildResultOrder(run.model(), *tr, run.cursor(), compact ? 6 : 12).text};
    }
    if (!c.text.empty()) ui::textUnformatted(c.text.c_str());
    return !c.text.empty();
}

void summary(RunView& run, const PanelEnv& env, const RunStats& s, bool compact) {
    char buf[96];
    keyNumbers(run, env, s, compact);
    const bool results = resultsLine(run, compact);
    if (compact && !busyMatters(s.machine, parseWorkKind(s.work))) busyLine(run, s, env, compact, results);
    // What presentation's layout must leave the panel: everything up to here.
    if (compact) env.drawn.statsNeedH = ui::panelCursorY() + ImGui::GetStyle().WindowPadding.y;
    // Per-core utilisation as bars: workers' share, a traced MainProcess's, then other processes'.
    const float fs = ImGui::GetFontSize();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    for (const CoreStats& c : s.cores) {
        ui::text("CPU %d", c.core);
        ImGui::SameLine(fs * 3.4f);
        const char* ours = s.plainProcesses ? "processes" : "workers";   // plain processes are no pool's workers
        // A traced program's MainProcess: its own share, in its lanes' colour.
        char main[32] = "";
        if (c.mainOnCpuNs > 0) std::snprintf(main, sizeof main, ", %.0f%% MainProcess", c.mainShare * 100);
        if (c.otherShare)
            std::snprintf(buf, sizeof buf, "%.0f%% %s%s, %.0f%% other", c.utilisation * 100, ours, main, *c.otherShare * 100);
        else std::snprintf(buf, sizeof buf, "%.0f%% %s%s", c.utilisation * 100, ours, main);
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float w = std::max(fs * 2, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(buf).x - fs * 0.6f);
        const float h = std::round(fs * 0.8f), y = p.y + std::round((ImGui::GetTextLineHeight() - h) / 2);
        dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w, y + h), laneBackground(env.theme, true));
        dl->AddRect(ImVec2(p.x, y), ImVec2(p.x + w, y + h), textMuted(env.theme));
        const float uw = w * static_cast<float>(std::clamp(c.utilisation, 0.0, 1.0));
        dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + uw, y + h), stateColour(LaneState::OnCore, env.theme));
        const float mw = std::min(w - uw, w * static_cast<float>(std::clamp(c.mainShare, 0.0, 1.0)));
        if (mw > 0) dl->AddRectFilled(ImVec2(p.x + uw, y), ImVec2(p.x + uw + mw, y + h), procU32(kParentProc, 1.0f));
        if (c.otherShare) {
            const float ow = w * static_cast<float>(std::clamp(*c.otherShare, 0.0, 1.0));
            dl->AddRectFilled(ImVec2(p.x + uw + mw, y), ImVec2(std::min(p.x + w, p.x + uw + mw + ow), y + h),
                              stateColour(LaneState::Busy, env.theme));
        }
        ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        ui::textUnformatted(buf);
    }
}

// The per-worker table keeps the columns that fit the panel (right ones go
// first), so no cell is ever cut; the panel scrolls down for many workers.
// A traced program of plain processes has no tasks: each process's time
// alive instead of tasks, in-task and idle (which would be its whole life).
void workers(const PanelEnv& env, const RunStats& s) {
    struct Col { const char* name; const char* widest; };
    static const Col poolCols[] = {{"worker", "ForkPoolWorker-1024"}, {"tasks", "9 +9 failed"}, {"in task", "10.00 s"},
                                   {"idle", "10.00 s"}, {"on CPU", "10.00 s"}, {"state", "killed"}};
    static const Col plainCols[] = {{"process", "Process-1024"}, {"alive", "10.00 s"}, {"on CPU", "10.00 s"},
                                    {"state", "killed"}};
    const Col* cols = s.plainProcesses ? plainCols : poolCols;
    const int nCols = s.plainProcesses ? 4 : 6;
    const float pad = ImGui::GetStyle().CellPadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
    float avail = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
    int n = 0;
    float widths[6] = {};
    for (int i = 0; i < nCols; ++i) {
        const Col& c = cols[i];
        const float w = std::max(ImGui::CalcTextSize(c.name).x, ImGui::CalcTextSize(c.widest).x) + pad;
        if (w > avail && n >= 2) break;
        avail -= w;
        widths[n++] = w - pad + ImGui::GetStyle().ItemSpacing.x;
    }
    // The header row stays in view: a table longer than the tab's view
    // scrolls inside itself under its frozen header (it scrolled away with
    // the tab before), at most as tall as the view in whole rows, so once the
    // tab has scrolled down to it the header is at the view's top and the
    // rows scroll under it. Its scroll rests on whole rows (no half row).
    int rows = 0;
    for (const WorkerStats& w : s.workers) rows += !(w.role == ProcRole::Parent || w.role == ProcRole::ForkServer);
    const float rowH = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
    const float viewH = ImGui::GetWindowHeight() - 2 * ImGui::GetStyle().WindowPadding.y;
    const int roomRows = std::max(1, static_cast<int>(std::floor(viewH / rowH)) - 1);
    const bool scrolls = rows > roomRows;
    const ImGuiTableFlags flags = ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg |
                                  (scrolls ? ImGuiTableFlags_ScrollY : ImGuiTableFlags_None);
    if (!ImGui::BeginTable("workers", n, flags, ImVec2(0, scrolls ? (roomRows + 1) * rowH : 0))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int i = 0; i < n; ++i) ImGui::TableSetupColumn(cols[i].name, ImGuiTableColumnFlags_WidthFixed, widths[i]);
    ui::tableHeaders();
    // One unit for the table's times, the longest's: "0.59 s" under "4.07 s", never "586 ms".
    std::int64_t longest = 0;
    for (const WorkerStats& w : s.workers)
        if (!(w.role == ProcRole::Parent || w.role == ProcRole::ForkServer))
            longest = std::max({longest, w.inTaskNs, w.idleNs, w.aliveNs, w.onCpuNs});
    const auto secs = [&](std::int64_t ns) { return formatSecondsLike(ns, longest); };
    for (const WorkerStats& w : s.workers) {
        if (w.role == ProcRole::Parent || w.role == ProcRole::ForkServer) continue;
        ImGui::TableNextRow();
        for (int i = 0; i < n; ++i) {
            ImGui::TableNextColumn();
            const std::string col = cols[i].name;
            if (col == "worker" || col == "process") ui::textColored(procTextVec4(w.proc, env.theme), "%s", w.name.c_str());
            else if (w.plain && (col == "tasks" || col == "in task" || col == "idle")) ui::textDisabled("-");
            else if (col == "tasks") {
                if (w.tasksFailed) ui::text("%d +%d failed", w.tasksDone, w.tasksFailed);
                else ui::text("%d", w.tasksDone);
            } else if (col == "in task") ui::textUnformatted(secs(w.inTaskNs).c_str());
            else if (col == "idle") ui::textUnformatted(secs(w.idleNs).c_str());
            else if (col == "alive") ui::textUnformatted(secs(w.aliveNs).c_str());
            else if (col == "on CPU") ui::textUnformatted(secs(w.onCpuNs).c_str());
            else if (!w.exited) ui::textUnformatted("alive");
            else if (w.killed) {
                ui::textColored(warningColour(env.theme), "killed");
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("by signal %lld", static_cast<long long>(-w.exitCode));
            } else ui::text("exit %lld", static_cast<long long>(w.exitCode));
        }
    }
    float forward = 0;   // a wheel turn the table could not take, for the tab
    if (scrolls) {
        // ImGui gives the wheel to the table under the pointer even at its
        // first or last row: that turn scrolls the tab instead, so the rows
        // above the table (and back up to them) stay reachable by the wheel.
        static float lastScroll = -1;
        const float wheel = ImGui::GetIO().MouseWheel, y = ImGui::GetScrollY();
        if (wheel != 0 && ImGui::IsWindowHovered() && y == lastScroll &&
            ((wheel > 0 && y <= 0) || (wheel < 0 && y >= ImGui::GetScrollMaxY())))
            forward = wheel;
        // A wheel turn scrolls by several rows; the scroll then rests on a row's top.
        const float snapped = std::min(std::round(y / rowH) * rowH, ImGui::GetScrollMaxY());
        if (snapped != y) ImGui::SetScrollY(snapped);
        lastScroll = snapped;
    }
    ImGui::EndTable();
    if (forward != 0)
        ImGui::SetScrollY(std::clamp(ImGui::GetScrollY() - forward * 5 * ImGui::GetFontSize(), 0.0f, ImGui::GetScrollMaxY()));
}

// The run model's failure lines (describeFailures), the same the terminal
// summary and the Chrome export carry: each failure named once.
void failures(const PanelEnv& env, const RunStats& s) {
    for (const std::string& f : s.failures) ui::textColored(warningColour(env.theme), "%s", f.c_str());
}

// The tab a request (selectStatsTab) asked for, once.
std::string g_requestedTab;
std::string g_shownTab;   // the tab drawn last frame (statsTabShown)
ImGuiTabItemFlags tabFlags(const char* name) {
    if (g_requestedTab != name) return 0;
    g_requestedTab.clear();
    return ImGuiTabItemFlags_SetSelected;
}

void showSession(SessionTable& table, const PanelEnv& env) {
    const std::vector<SessionRun>& runs = table.rows;
    if (runs.empty()) {
        ui::textDisabled("Finished runs of this session appear here: try 1, 2 and 4 workers.");
        return;
    }
    std::int64_t longest = 0;
    for (const SessionRun& r : runs)
        if (r.hasMakespan) longest = std::max(longest, static_cast<std::int64_t>(std::llround(r.makespanS * 1e9)));
    // The speedup names its base: a table of runs compares runs, so it is over
    // the session's 1-worker run of the same scenario, work, tasks and time
    // scale (core sessionSpeedups, the Plots' speedup), and "-" where there is
    // none (newcomer walk: a 1-worker cpu run read "0.87x", over the tasks'
    // nominal seconds, which Stats' This run names). The makespans read in
    // one unit, the longest's (formatSecondsLike).
    // Each column as wide as its words (ui::beginFittedTable): proportional
    // columns split "cp / u" and "pool- / sizes" at 1280x720, and the header
    // row scrolled out of view with the runs.
    auto scenarioText = [](const SessionRun& r) {
        return r.scenario + (r.status == toString(RunStatus::Finished) ? "" : " (" + r.status + ")");
    };
    auto makespanText = [&](const SessionRun& r) {
        return r.hasMakespan ? formatSecondsLike(static_cast<std::int64_t>(std::llround(r.makespanS * 1e9)), longest)
                             : std::string("-");
    };
    auto speedupText = [](const SessionRun& r) {
        char buf[32];
        if (!r.speedupOverOne) return std::string("-");
        std::snprintf(buf, sizeof buf, "%.2fx", *r.speedupOverOne);
        return std::string(buf);
    };
    std::vector<ui::FitColumn> cols{{"#", {}, 0},       {"scenario", {}, 0},
                                    {"workers", {}, 0}, {"work", {}, 0},
                                    {"makespan", {}, 0}, {kSpeedupOverOneWorker, {}, 0},
                                    {"compare", {}, ImGui::GetFrameHeight()}};
    for (const SessionRun& r : runs) {
        cols[0].cells.push_back(std::to_string(r.number));
        cols[1].cells.push_back(scenarioText(r));
        cols[2].cells.push_back(std::to_string(r.workers));
        cols[3].cells.push_back(r.work);
        // "1.01 s busy" is one group that never breaks (non-breaking spaces
        // in the measure): narrowed to its widest word, the column put a lone
        // "busy" on a second line of the row (classroom walk, session 19).
        std::string makespanCell = makespanText(r);
        if (r.busy) {
            makespanCell += " busy";
            for (std::size_t at = makespanCell.find(' '); at != std::string::npos; at = makespanCell.find(' ', at))
                makespanCell.replace(at, 1, "\u00a0");
        }
        cols[4].cells.push_back(makespanCell);
        cols[5].cells.push_back(speedupText(r));
        cols[6].cells.push_back(r.open ? "" : "closed");
    }
    if (!ui::beginFittedTable("session", cols)) return;
    for (const SessionRun& r : runs) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ui::text("%d", r.number);
        ImGui::TableNextColumn();
        ui::textUnformatted(scenarioText(r).c_str());
        ImGui::TableNextColumn();
        ui::text("%d", r.workers);
        ImGui::TableNextColumn();
        ui::textUnformatted(r.work.c_str());
        ImGui::TableNextColumn();
        if (r.hasMakespan) ui::textUnformatted(makespanText(r).c_str());
        else ui::textDisabled("-");
        if (r.busy) {
            // A space's gap: the column is as wide as "1.01 s busy" (ItemSpacing is wider than a space).
            ui::sameLineIfFits(ImGui::CalcTextSize("busy").x, ImGui::CalcTextSize(" ").x);
            // Muted on sleep work: a sleeping worker needs no core (core busyMatters).
            ui::textColored(r.busyWarn ? warningColour(env.theme) : mutedColour(env.theme), "busy");
            ui::tooltipBelow(r.busyNote.c_str());
        }
        ImGui::TableNextColumn();
        if (r.speedupOverOne) {
            ui::textUnformatted(speedupText(r).c_str());
            const std::string tip =
                r.baseNumber == r.number
                    ? std::string("The 1-worker run itself: the base the other runs of its setup are measured against.")
                    : "Run " + std::to_string(r.baseNumber) + "'s makespan (1 worker, the same scenario, work, tasks and "
                      "time scale) over this run's.";
            ui::tooltipBelow(tip.c_str());
        } else {
            ui::textDisabled("-");
            ui::tooltipBelow(r.hasMakespan ? "No 1-worker run of the same scenario, work, tasks and time scale in this "
                                             "session to compare with: run one (workers 1). Stats' This run has the "
                                             "speedup over the tasks one after another."
                                           : "No makespan: no task ran.");
        }
        ImGui::TableNextColumn();
        // Pinned runs are the Compare view's rows (C shows it).
        if (r.open) {
            bool pinned = r.pinned;
            const std::string id = "##pin" + std::to_string(r.number);
            if (ImGui::Checkbox(id.c_str(), &pinned)) table.pinToggles.push_back(r.number);
            ui::tooltipBelow("Pin this run to the Compare view (key C).");
        } else {
            ui::textDisabled("closed");
            ui::tooltipBelow(("Run " + std::to_string(r.number) +
                              " was closed to keep the newest runs open: its numbers stay in this table; its view is "
                              "gone, so it cannot be pinned to Compare.")
                                 .c_str());
        }
    }
    // A new run's row comes into view (the table keeps its header; at
    // 1280x720 one or two rows are in view, and the class just ran the last).
    if (runs.size() > table.rowsShown) ImGui::SetScrollHereY(1.0f);
    table.rowsShown = runs.size();
    ui::endFittedTable();
}

// The step row fits at the right of the tab bar's row, beside the tabs.
bool stepsFitTabRow(const RunView& run) {
    float tabsW = 0;
    for (const char* t : {"This run", "Why", "Predict", "Output", "Session"})
        tabsW += ImGui::CalcTextSize(t).x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemInnerSpacing.x;
    return tabsW + stepRowWidth(run, run.cursor()) + ImGui::GetFontSize() < ImGui::GetContentRegionAvail().x;
}

// What This run's key lines (keyNumbers and resultsLine, compact) can take
// at most, for the scenario the panel shows, at the width w they wrap at:
// laid out as they are, with the widest values a run can give them. The
// presentation layout reserves it from the first frame (before any run), so
// Run never lifts the panels under the timeline. Independent of any run: the
// scenario's kind, method and task names only.
float keyLinesReserve(const RunView& run, float w) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float lineH = ImGui::GetTextLineHeightWithSpacing();
    float h = 0;
    float x = -1;   // the flow of "label value" pairs (pair, ui::sameLineIfFits)
    auto item = [&](const char* label, const char* value) {
        const float iw = ImGui::CalcTextSize(label).x + st.ItemSpacing.x * 2 + ImGui::CalcTextSize(value).x;
        if (x >= 0 && x + st.ItemSpacing.x + iw <= w) {
            x += st.ItemSpacing.x + iw;
            return;
        }
        h += lineH;
        x = iw;
    };
    const Scenario* sc = run.haveScenario() ? &run.scenario() : nullptr;
    const KindInfo kind = kindInfo(sc ? sc->kind : ScenarioKind::Pool);
    if (!sc || kind.taskTable) {
        const char* at = " at 10.00 s";
        item("makespan", (std::string("10.00 s") + at).c_str());
        item("speedup", (std::string("9.99x") + at).c_str());   // compact: keyNumbers' short label
        item("efficiency", (std::string("100%") + at).c_str());
        item("tasks", "1000/1000 done");
        item("sequential", "100.00 s");
    } else {
        h += lineH;   // "this scenario runs no tasks ..." or "no task has started yet"
    }
    x = -1;
    item("1024 workers on 2 cores", "");
    // The widest of the busy line's forms (sleep work's, a cpu run judged by
    // its workers' core time, others'): the shortest one was reserved, and a
    // busy sleep run's "others took 65 %, but sleep needs no core" pushed the
    // caller's results order out of view (CI, session 25).
    std::string busiest;
    for (const bool fromWorkers : {false, true})
        for (const WorkKind work : {WorkKind::Sleep, WorkKind::Cpu}) {
            BusyVerdict v{1.0, true};
            v.fromWorkers = fromWorkers;
            const std::string t = describeBusyShort(v, work);
            if (ImGui::CalcTextSize(t.c_str()).x > ImGui::CalcTextSize(busiest.c_str()).x) busiest = t;
        }
    x = -1;   // its own line: after a results order (sleep work, presentation) it never joins the line before
    item(busiest.c_str(), "");
    if (sc && kind.pooled) {
        // The longest form: each result with its time (imap, apply_async, ...).
        std::string list;
        const std::size_t n = sc->tasks.size(), named = std::min<std::size_t>(n, 6);
        for (std::size_t i = 0; i < named; ++i) list += (i ? ", " : "") + sc->tasks[i].name + " at 10.0 s";
        if (named < n) list += ", \u2026 " + std::to_string(n - named) + " more";
        const std::string text = "the program receives: " + list + " (neither input order nor the order they finished); " +
                                 std::to_string(n) + " to come";
        h += ui::wrappedTextSize(text, w).y + st.ItemSpacing.y;
    }
    return h;
}

} // namespace

void selectStatsTab(const std::string& name) { g_requestedTab = name; }

const std::string& statsTabShown() noexcept { return g_shownTab; }

void drawStatsPanel(RunView& run, SessionTable& session, const Rect& r, bool withOutput, const PanelEnv& env) {
    // Presentation: no title bar (the tabs say what this is), every line for the numbers.
    if (beginPanel("Stats", r, withOutput ? ImGuiWindowFlags_NoTitleBar : 0)) {
        const std::string lastTab = g_shownTab;
        g_shownTab.clear();
        // Tabs whose lines may scroll (Output, Session) ask for a few lines in view.
        auto askLines = [&](int n) {
            env.drawn.statsNeedH = ui::panelCursorY() + n * ImGui::GetTextLineHeightWithSpacing() +
                                   ImGui::GetStyle().WindowPadding.y;
        };
        // Presentation's Why tab: the step row at the right end of the tab
        // bar's row (the tabs take less than half of it), so the sentences
        // under it get one more line at 1280x720. The tab shown last frame
        // decides, as it decides the panel's width (GuiApp::layoutPresentation).
        const bool stepsOnTabRow = withOutput && run.trace() && run.waitingForProgram().empty() && lastTab == "Why" && stepsFitTabRow(run);
        if (stepsOnTabRow) {
            const ImVec2 start = ImGui::GetCursorPos();
            ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - stepRowWidth(run, run.cursor()));
            drawStepRow(run, run.cursor());
            ImGui::SetCursorPos(start);
        }
        // Before the first run too: its Predict tab is where the class answers.
        if (ImGui::BeginTabBar("stats-tabs")) {
            // Presentation: what This run's key lines may need, known before
            // any run (the tab bar's bottom, the body's top gap, the lines).
            if (withOutput)
                env.drawn.statsReserveH = ImGui::GetCursorPosY() + ImGui::GetStyle().ItemSpacing.y +
                                          keyLinesReserve(run, ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize) +
                                          ImGui::GetStyle().WindowPadding.y;
            // Each tab's content scrolls under the tab bar, which stays put.
            // requestable: a tab selectStatsTab may select (only presentation's tabs are).
            auto tab = [&](const char* name, bool shown, bool requestable, auto&& body) {
                if (!shown) return;
                const bool open = ImGui::BeginTabItem(name, nullptr, requestable ? tabFlags(name) : 0);
                ui::probeItem(name);   // every tab's label, shown or not
                if (!open) return;
                g_shownTab = name;
                // Another run on screen starts at the tab's top: a run opened
                // from a Compare row kept the scroll of the run shown before
                // (or its own, from long ago), its makespan out of view
                // (classroom walks, session 31).
                ui::beginScrollBody("##tab-body");
                static std::map<std::string, int> shownRun;   // per tab: the run it last showed
                if (int& was = shownRun[name]; was != run.number()) {
                    was = run.number();
                    ImGui::SetScrollY(0);
                }
                body();
                ui::endScrollBody();
                ImGui::EndTabItem();
            };
            tab("This run", true, withOutput, [&] {
                if (!run.trace()) {
                    ui::textDisabled("No run yet.");
                    return;
                }
                if (drawWaitingForProgram(run)) return;
                const RunStats& s = run.statsAtCursor();
                summary(run, env, s, withOutput);
                failures(env, s);
                workers(env, s);
            });
            tab("Why", withOutput, true, [&] {
                drawExplainLines(run, run.cursor(), env, false, !stepsOnTabRow);
                // Every sentence: the layout gives the panel what they need.
                env.drawn.statsNeedH = ui::panelCursorY() + ImGui::GetStyle().WindowPadding.y;
            });
            // A traced program has no Predict tab: the scenario's questions do not apply to it.
            tab("Predict", withOutput && !run.traced(), true, [&] {
                drawPredictLines(run, env);
                // Its questions, and the body's gap under them (beginScrollBody): a few
                // pixels short, the tab showed a scrollbar for questions all in view.
                env.drawn.statsNeedH = ui::panelCursorY() + ImGui::GetStyle().ItemSpacing.y + ImGui::GetStyle().WindowPadding.y;
            });
            tab("Output", withOutput, true, [&] {
                askLines(4);
                drawOutputLines(run, run.cursor(), env);
            });
            tab("Session", true, false, [&] {
                askLines(4);
                showSession(session, env);
            });
            ImGui::EndTabBar();
        }
    }
    endPanel();
}

} // namespace parviz::gui
