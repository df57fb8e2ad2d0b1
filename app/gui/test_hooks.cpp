#include "gui/test_hooks.hpp"

#include "gui/app.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace parviz::gui {

void TestHooks::beforeDraw(GuiApp& app) { drivePause(app); }

// --test-pause-at: the same togglePause() the button and Space call, at a set
// time, so a test can look at the processes from outside while they are
// paused. It acts on the first live run it sees on screen.
void TestHooks::drivePause(GuiApp& app) {
    if (!m_opts.testPauseAt || m_pause.resumed) return;
    RunView& run = app.current();
    if (!run.run() && !m_pause.paused) return;
    if (m_pauseRun != 0 && m_pauseRun != run.number()) return;
    using Clock = std::chrono::steady_clock;
    const auto t = Clock::now();
    const double sinceStart = std::chrono::duration<double>(t - run.startedAt()).count();
    if (!m_pause.paused) {
        if (run.status() != RunStatus::Running || sinceStart < *m_opts.testPauseAt) return;
        app.togglePause();
        if (run.status() != RunStatus::Paused) return;
        m_pauseRun = run.number();
        m_pause.paused = true;
        m_pause.pausedAtS = sinceStart;
        m_pausedAt = t;
        run.update();
        const TraceMeta& meta = run.meta();
        const auto& procs = run.model().procs();
        for (std::size_t p = 1; p < meta.procs.size() && p < procs.size(); ++p) {
            const ProcRole role = meta.procs[p].role;
            if (role != ProcRole::PoolWorker && role != ProcRole::Process) continue;
            if (procs[p].seen && procs[p].exitT == kNever && procs[p].pid)
                m_pause.workers.emplace_back(meta.procs[p].name, procs[p].pid);
        }
        if (!m_opts.layoutJson.empty()) {
            // Written while paused (renamed into place whole): the test polls for it.
            const std::string path = m_opts.layoutJson + ".paused", tmp = path + ".tmp";
            {
                std::ofstream out(tmp);
                for (const auto& [name, pid] : m_pause.workers) out << pid << ' ' << name << '\n';
            }
            std::rename(tmp.c_str(), path.c_str());
        }
    } else if (std::chrono::duration<double>(t - m_pausedAt).count() >= m_opts.testPauseFor) {
        app.togglePause();
        m_pause.resumed = true;
        m_pause.wallPausedS = std::chrono::duration<double>(t - m_pausedAt).count();
    }
}

void TestHooks::afterDraw(GuiApp& app) {
    m_captureThisFrame = false;
    if (m_opts.screenshot.empty()) return;
    // The stage before Run is pressed on it: nothing to capture yet.
    if (app.stageStartPending()) return;
    RunView& run = app.current();
    const bool hasTrace = run.trace() != nullptr;
    bool ready = false;
    if (m_opts.screenshotAt) {
        const auto at = static_cast<std::int64_t>(*m_opts.screenshotAt * 1e9);
        const bool reached = hasTrace && run.now() - run.zero() >= at;
        const bool over = !run.live() && hasTrace && (run.meta().finished || run.fromFile());
        if (reached || over) {
            if (run.cursorIsLive()) {
                run.setCursor(run.zero() + at);
                TimelineView& v = run.timeline();
                v.follow = false;
                v.begin = 0;
                v.end = std::max<std::int64_t>(at + at / 10, 500'000'000);
            }
            ready = true;
        }
    } else if (app.compareOn()) {
        // --compare: once the sweep has run every configuration.
        ready = !app.sweeping() && !app.anyLive() && !app.compare().key.empty();
    } else {
        // The whole run is in view by then: a followed run fits itself when
        // it ends (RunView::update), which is what a person sees too.
        const bool over = !run.live() && (!hasTrace || run.meta().finished || run.fromFile());
        if (over) ready = true;
    }
    // A couple of settled frames first: ImGui sizes some widgets one frame late.
    // A frame with a stale scrollbar is not settled: its next frame is drawn at once.
    if (ready && !app.layoutSettling() && ++m_framesAfterDone >= 3) m_captureThisFrame = true;
}

namespace {

// The session's runs, each with its own cursor and zoom (switching keeps them).
nlohmann::json runsJson(GuiApp& app) {
    using nlohmann::json;
    json runs = json::array();
    for (std::size_t i = 0; i < app.runCount(); ++i) {
        RunView& r = app.runAt(i);
        runs.push_back({{"number", r.number()},
                        {"label", r.label()},
                        {"source", r.source()},
                        {"status", toString(r.status())},
                        {"live", r.live()},
                        {"current", static_cast<int>(i) == app.currentIndex()},
                        {"cursor_live", r.cursorIsLive()},
                        {"traced", r.traced()},
                        {"program_group", r.programGroup()},
                        {"ring_dir", r.ringDirectory()},
                        {"program_exit", r.programExit()},
                        {"cursor_s", static_cast<double>(r.cursor() - r.zero()) / 1e9},
                        {"view", {{"begin_s", static_cast<double>(r.timeline().begin) / 1e9},
                                  {"end_s", static_cast<double>(r.timeline().end) / 1e9},
                                  {"follow", r.timeline().follow}}}});
    }
    return runs;
}

// The Compare view: each row's rectangle and, from the draw-time spans,
// where its last task ended; where its makespan and prediction fall.
nlohmann::json compareJson(GuiApp& app, const DrawnLayout& drawn) {
    using nlohmann::json;
    json compare = json::array();
    for (const CompareRowRect& c : drawn.compare)
        compare.push_back({{"run", c.run},
                           {"label", c.label},
                           {"rect", {c.x0, c.y0, c.x1 - c.x0, c.y1 - c.y0}},
                           {"last_task_x", c.lastTaskX},
                           {"makespan_x", c.makespanX},
                           {"predicted_x", c.predictedX},
                           {"busy", c.busy},
                           {"busy_warn", c.busyWarn},
                           {"guess_x", c.guessX},
                           {"attempts", c.attempts},
                           {"attempts_note", c.attemptsNote},
                           {"workers_per_strip", c.workersPerStrip}});
    json j = {{"on", app.compareOn()}, {"rows", compare}};
    const CompareView& m = app.compare().model;
    json points = json::array();
    for (const PlotSeries& s : m.speedup.series)
        for (const PlotPoint& p : s.measured)
            points.push_back({{"work", s.work ? toString(*s.work) : "mixed"}, {"workers", p.x}, {"speedup", p.y}});
    j["speedup"] = points;
    j["notes"] = m.speedup.notes;
    // The class's predictions beside the answers, and each plot drawn.
    json guesses = json::array();
    for (const GuessLine& g : m.guesses)
        guesses.push_back({{"text", g.full}, {"brief", g.brief}, {"answered", g.answered}, {"right", g.right}});
    j["guesses"] = guesses;
    json answers = json::array();   // the sweep's answers, whole and short (the Plots show whichever fits)
    for (const SweepAnswer& a : m.answers)
        answers.push_back({{"work", toString(a.work)}, {"full", a.full}, {"brief", a.brief}, {"workers", a.workers}});
    j["answers"] = answers;
    json plots = json::array();
    for (const PlotRect& p : drawn.plots)
        plots.push_back({{"title", p.title}, {"rect", {p.x0, p.y0, p.x1 - p.x0, p.y1 - p.y0}}, {"line_w", p.lineW},
                         {"marker_r", p.markerR}});
    j["plots"] = plots;
    return j;
}

// Every task as it ran (ns since the run's zero; end null while it runs), so a
// test can judge a callout by what the run really did. The first 10 000.
nlohmann::json tasksJson(RunView& run) {
    using nlohmann::json;
    json tasks = json::array();
    if (!run.trace()) return tasks;
    const TraceMeta meta = run.meta();
    for (const TaskRecord& t : run.model().tasks()) {
        if (tasks.size() >= 10000) break;
        tasks.push_back({{"name", std::string(run.trace()->string(t.name))},
                         {"worker", procName(meta, t.proc)},
                         {"start_ns", t.t0 == kNever ? json(nullptr) : json(t.t0 - run.zero())},
                         {"end_ns", t.t1 == kOpenEnd ? json(nullptr) : json(t.t1 - run.zero())},
                         {"chunk", t.chunk}});
    }
    return tasks;
}

// The Stats panel's numbers, so a test can compare a reopened run with the original.
nlohmann::json statsJson(RunView& run) {
    const RunStats& st = run.statsAtCursor();
    nlohmann::json killed = nlohmann::json::array();
    for (const WorkerStats& w : st.workers)
        if (w.killed) killed.push_back(w.name);
    return {{"has_makespan", st.hasMakespan}, {"makespan_ns", st.makespanNs}, {"speedup", st.speedup},
            {"tasks_done", st.tasksDone},     {"tasks_failed", st.tasksFailed}, {"workers", st.workerCount},
            {"killed", killed},               {"failures", st.failures}};
}

} // namespace

namespace {
// Predict, then reveal: the run on screen's predictions beside its answers,
// and the next run's answers so far (the Explain panel's, or a drag on the
// empty timeline), as j["predictions"] and j["predict_next"].
void predictionsJson(GuiApp& app, nlohmann::json& j) {
    using nlohmann::json;
    RunView& run = app.current();
    json preds = json::array();
    for (std::size_t i = 0; i < run.questions().size() && i < run.predictions().size(); ++i) {
        const Guess& p = run.predictions()[i];
        const Answer a = run.trace() ? answerOf(run.questions()[i], run.model(), *run.trace()) : Answer{};
        preds.push_back({{"ask", run.asks()[i]}, {"given", p.given}, {"seconds", p.seconds}, {"choice", p.choice},
                         {"known", a.known}, {"answer", a.text}, {"verdict", verdict(run.questions()[i], p, a)}});
    }
    j["predictions"] = preds;
    json next = json::array();
    const PredictDraft& draft = app.predictDraft();
    for (std::size_t i = 0; i < draft.questions.size() && i < draft.answers.size(); ++i)
        next.push_back({{"ask", i < draft.asks.size() ? draft.asks[i] : ""}, {"given", draft.answers[i].given},
                        {"seconds", draft.answers[i].seconds}, {"choice", draft.answers[i].choice}});
    j["predict_next"] = next;
}
} // namespace

// Where things are, for tests (documented in docs/layout-json.md): the lane
// rows (tests look for worker colours exactly there), the panels with their
// visible text lines and whether any text was cut (layout_probe.hpp), the
// worker lanes fully visible, the session's runs, and the Stats numbers.
bool TestHooks::writeLayoutJson(GuiApp& app, const std::string& path) {
    using nlohmann::json;
    RunView& run = app.current();
    const DrawnLayout& drawn = app.drawn();
    json j;
    j["font_px"] = app.fontPx();
    j["rows"] = json::array();
    for (const RowRect& r : drawn.rows)
        j["rows"].push_back({{"lane", r.lane == LaneKind::Core ? "core" : "proc"}, {"id", r.id}, {"title", r.title},
                             {"row", toString(r.row)}, {"x0", r.x0}, {"y0", r.y0}, {"x1", r.x1}, {"y1", r.y1}});
    int visibleWorkers = 0;
    json lanes = json::array();
    for (const LaneRect& l : drawn.lanes) {
        lanes.push_back({{"title", l.title}, {"worker", l.worker}, {"y0", l.y0}, {"y1", l.y1}, {"visible", l.visible}});
        if (l.worker && l.visible) ++visibleWorkers;
    }
    j["lanes"] = lanes;
    j["visible_worker_lanes"] = visibleWorkers;
    const Rect& q = drawn.queue;
    j["queue"] = {{"x0", q.x}, {"y0", q.y}, {"x1", q.x + q.w}, {"y1", q.y + q.h}};
    j["panels"] = json::array();
    for (const probe::PanelRecord& p : probe::panels()) {
        json items = json::array();
        for (const auto& it : p.items)
            items.push_back({{"text", it.text}, {"rect", {it.x, it.y, it.w, it.h}}, {"disabled", it.disabled}});
        j["panels"].push_back({{"name", p.name}, {"rect", {p.x, p.y, p.w, p.h}}, {"lines", p.lines},
                               {"clipped", p.clipped}, {"scrollbar", p.scrollbar}, {"clipped_texts", p.clippedTexts}, {"hidden_texts", p.hiddenTexts},
                               {"small_texts", p.smallTexts}, {"missing_glyphs", p.missingGlyphs}, {"overlapping_texts", p.overlappingTexts},
                               {"background_alpha", p.backgroundAlpha}, {"items", items}});
    }
    json tips = json::array();
    for (const probe::TooltipRecord& t : probe::tooltips())
        tips.push_back({{"rect", {t.x, t.y, t.w, t.h}}, {"lines", t.lines}});
    j["tooltips"] = tips;
    // The Code panel's whole listing (the panel shows part of it at a time).
    json listing = json::array();
    for (const Scenario::CodeLine& l : app.listing()) listing.push_back(l.text);
    j["listing"] = listing;
    // Each process's marked line in it at the cursor (0-based), as the Code panel draws them.
    json marks = json::array();
    if (run.trace()) {
        CodeView cv;
        if (run.traced()) cv.markers = buildSourceCodeView(run.model(), *run.trace(), run.sourceFile(), run.cursor()).markers;
        else cv = buildCodeView(run.model(), *run.trace(), app.listing(), run.cursor());
        for (const CodeMarker& m : cv.markers) marks.push_back({{"process", m.name}, {"line", m.line}});
    }
    j["code_markers"] = marks;
    j["source_file"] = run.sourceFile();
    j["status"] = toString(run.status());
    // The Run's status says finished as soon as its processes are done; the
    // Trace (and every panel drawn from it) is complete only once the
    // Collector's last pass is in: tests wait for both.
    j["trace_finished"] = run.trace() != nullptr && run.meta().finished;
    j["cursor_s"] = static_cast<double>(run.cursor() - run.zero()) / 1e9;
    j["cursor_live"] = run.cursorIsLive();
    j["now_s"] = static_cast<double>(run.now() - run.zero()) / 1e9;
    j["view"] = {{"begin_s", static_cast<double>(run.timeline().begin) / 1e9},
                 {"end_s", static_cast<double>(run.timeline().end) / 1e9},
                 {"follow", run.timeline().follow}};
    {
        const LeadIn l = run.leadIn();   // a traced program's start-up, left out of Fit's view when cut
        j["lead_in"] = {{"activity_s", l.activityT == kNever ? 0.0 : static_cast<double>(l.activityT - run.zero()) / 1e9},
                        {"cut", l.cut},
                        {"text", l.text}};
    }
    j["scenario"] = app.scenario().name;
    j["scenario_option"] = app.scenario().name;
    j["workers_option"] = app.runOptions().workers.value_or(app.scenario().workers());
    j["work_option"] = app.runOptions().work ? toString(*app.runOptions().work) : "as scenario";
    j["runs_started"] = app.runsStarted();
    j["frame"] = app.framesDrawn();
    j["runs"] = runsJson(app);
    j["compare"] = compareJson(app, drawn);
    // The Compare and Plots panels' marks (marks.hpp): per panel, those drawn
    // on the data and those drawn as a legend's swatch.
    json panelMarks = json::object();
    for (const auto& [panel, mark] : drawn.marks) panelMarks[panel]["drawn"].push_back(mark);
    for (const auto& [panel, mark] : drawn.legendMarks) panelMarks[panel]["legend"].push_back(mark);
    j["marks"] = panelMarks;
    json callouts = json::array();
    for (const CalloutMark& c : drawn.callouts)
        callouts.push_back({{"kind", c.kind}, {"x0", c.x0}, {"x1", c.x1}, {"y0", c.y0}, {"y1", c.y1},
                            {"label_shown", c.labelShown}, {"label_rect", {c.lx0, c.ly0, c.lx1 - c.lx0, c.ly1 - c.ly0}},
                            {"words", c.words}, {"in_legend", c.inLegend},
                            {"outlined", c.outlined}, {"outline_x", {c.ox0, c.ox1}},
                            {"label_lane", c.labelLane}});
    j["callouts"] = callouts;
    json keep = json::array();
    for (const Rect& r : drawn.keepClear) keep.push_back({r.x, r.y, r.w, r.h});
    j["keep_clear"] = keep;   // failed tasks, error marks: nothing drawn over them
    json arrows = json::array();
    for (const DrawnLayout::Arrow& a : drawn.arrows)
        arrows.push_back({{"put", {a.x0, a.y0}}, {"get", {a.x1, a.y1}}, {"line", a.line}, {"put_mark", a.putMark}});
    j["arrows"] = arrows;
    json laneWords = json::array();
    for (const DrawnLayout::LaneWords& w : drawn.laneWords)
        laneWords.push_back({{"text", w.text}, {"rect", {w.rect.x, w.rect.y, w.rect.w, w.rect.h}}, {"plate", w.plate}});
    j["lane_words"] = laneWords;   // a traced program's wait words on the lanes
    json chunks = json::array();
    for (const ChunkMark& c : drawn.chunks)
        chunks.push_back({{"label", c.label}, {"lane", c.lane}, {"x0", c.x0}, {"x1", c.x1}, {"y0", c.y0}, {"y1", c.y1},
                          {"open", c.open}, {"label_shown", c.labelShown}, {"thick", c.thick}});
    j["chunks"] = chunks;
    // The toolbar's pool controls: chunksize (null: auto, CPython's default) and equal jobs (0: as scenario).
    j["chunksize_option"] = app.scenario().chunksize ? json(*app.scenario().chunksize) : json(nullptr);
    j["equal_jobs_option"] = app.equalJobs();
    j["method_option"] = toString(app.scenario().method);
    j["run_method"] = run.haveScenario() ? toString(run.scenario().method) : "";
    j["run_tasks"] = run.haveScenario() ? run.scenario().tasks.size() : 0;
    j["run_chunksize"] = run.haveScenario() && run.scenario().chunksize ? json(*run.scenario().chunksize) : json(nullptr);
    predictionsJson(app, j);
    j["prediction_x"] = drawn.predictionX;
    j["prediction_label_rect"] = {drawn.predictionLabel.x, drawn.predictionLabel.y, drawn.predictionLabel.w, drawn.predictionLabel.h};
    j["tasks"] = tasksJson(run);
    j["current_run"] = run.number();
    // The Stats tab drawn this frame (presentation's This run, Why, Predict, ...).
    j["stats_tab"] = statsTabShown();
    // Every tooltip on screen this frame, wherever it came from (ImGui's own
    // tooltip windows, shown and laid out: a new one is hidden its first frame).
    json tipWindows = json::array();
    for (ImGuiWindow* win : ImGui::GetCurrentContext()->Windows)
        if ((win->Flags & ImGuiWindowFlags_Tooltip) && win->Active && !win->Hidden)
            tipWindows.push_back({{"rect", {win->Pos.x, win->Pos.y, win->Size.x, win->Size.y}}});
    j["tooltip_windows"] = tipWindows;
    j["stats"] = statsJson(run);
    // The hidden --test-pause-at hook: who was paused, and for how long (wall clock).
    if (m_pause.paused) {
        json pids = json::array();
        for (const auto& w : m_pause.workers) pids.push_back(w.second);
        j["test_pause"] = {{"paused_at_s", m_pause.pausedAtS}, {"wall_paused_s", m_pause.wallPausedS},
                           {"resumed", m_pause.resumed}, {"pids", pids}};
    }
    std::ofstream out(path);
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return static_cast<bool>(out);
}

} // namespace parviz::gui
