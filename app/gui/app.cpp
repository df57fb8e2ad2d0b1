#include "gui/app.hpp"

#include "gui/layout_probe.hpp"
#include "gui/test_hooks.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"
#include "gui/timeline/timeline.hpp"
#include "cli/run_flags.hpp"
#include "parviz/chunks.hpp"
#include "parviz/export.hpp"
#include "parviz/file_io.hpp"
#include "parviz/listing.hpp"
#include "parviz/predict.hpp"
#include "parviz/process.hpp"
#include "parviz/sweep.hpp"
#include "parviz/trace_io.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <thread>
#include <utility>

namespace parviz::gui {

namespace {
// The caption after "replaying FILE": a run saved after Ctrl-C says so.
std::string replayNote(const TraceMeta& meta) {
    return meta.incomplete ? " (no process started; incomplete: the run was interrupted)" : " (no process started)";
}
} // namespace

GuiApp::GuiApp(Window& window, GuiOptions opts, std::shared_ptr<Trace> preloaded)
    : m_window(window), m_opts(std::move(opts)), m_stage(std::make_unique<RunView>(Scenario{})),
      m_hooks(std::make_unique<TestHooks>(m_opts)) {
    try {
        m_scenarioNames = builtinScenarioNames();
    } catch (const std::exception&) {
        // No assets: the picker only offers Open file…
    }
    if (!m_spans.init(PARVIZ_SHADERS_DIR)) setMessage(m_spans.error(), true);
    m_window.setTheme(m_opts.theme);
    if (m_opts.presentation) m_window.setTypeSize(TypeSize::Large);
    else m_window.setTypeSize(TypeSize::Normal);
    if (!m_window.fontWarning().empty()) setMessage(m_window.fontWarning(), true);
    if (!m_opts.testTab.empty()) selectStatsTab(m_opts.testTab);
    if (preloaded) {
        showTrace(std::move(preloaded), m_opts.openRun);
        // The toolbar starts from the replayed run's scenario when it is here.
        if (current().haveScenario()) m_scenario = current().scenario();
        m_scenarioShown = true;
        setMessage("replaying " + m_opts.openRun + replayNote(current().meta()));
    } else if (!m_opts.traceProgram.empty()) {
        // The toolbar keeps its scenario for a later Run; the program is what is shown.
        try {
            m_scenario = loadScenario(m_opts.scenario);
            m_stage = std::make_unique<RunView>(m_scenario);
        } catch (const std::exception&) {
        }
        m_scenarioShown = true;
        traceProgram(m_opts.traceProgram);
        if (!m_runs.empty()) m_startupProgram = m_runs.back()->number();
    } else {
        selectScenario(m_opts.scenario);
        if (m_opts.compare) startSweep(m_opts.compareWorkers, m_opts.compareWorks);
    }
}

GuiApp::~GuiApp() = default;

Theme GuiApp::theme() const noexcept { return m_window.theme(); }

PanelEnv GuiApp::env() noexcept {
    return PanelEnv{theme(), m_window, m_spans, m_drawn, m_message, &m_predict, current().isStage() ? lastRevealed() : nullptr};
}

std::string GuiApp::predictionsKey() const { return m_scenario.name + '|' + m_scenario.source; }

const RunView* GuiApp::lastRevealed() const {
    for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it) {
        const RunView& r = **it;
        if (r.live() || !r.haveScenario() || !r.trace() || r.scenario().name != m_scenario.name ||
            r.scenario().source != m_scenario.source)
            continue;
        for (const Guess& g : r.predictions())
            if (g.given) return &r;
    }
    return nullptr;
}

// The next run's questions follow the scenario and the toolbar (workers,
// work); the answers given so far are kept until the scenario changes.
void GuiApp::refreshPredict() {
    const Scenario& sc = m_scenario;
    const int workers = m_opts.run.workers.value_or(sc.workers());
    const WorkKind work = m_opts.run.work.value_or(sc.tasks.empty() ? WorkKind::Sleep : sc.tasks.front().work);
    const std::string key = sc.name + '|' + sc.source + '|' + std::to_string(sc.questions.size());
    if (key != m_predictKey) {
        m_predictKey = key;
        m_predict.questions = sc.questions;
        m_predict.answers.assign(sc.questions.size(), Guess{});
        // Answers given earlier in this session for this scenario come back.
        if (auto it = m_predictionsBy.find(predictionsKey());
            it != m_predictionsBy.end() && it->second.draft.size() == sc.questions.size())
            m_predict.answers = it->second.draft;
    }
    m_predict.asks.clear();
    const double scale = m_opts.run.timeScale.value_or(sc.timeScale);
    m_stage->setStageScale(scale);
    // The jobs' lengths at the scale, as the next run will have them: "N
    // equal jobs" as two of their one length (askText says "each … job"),
    // never the N jobs built every frame (review: up to a million).
    Scenario equalJobs;
    if (m_equalJobs > 0 && kindInfo(sc.kind).taskTable) {
        const double secs = equalJobSeconds(sc, static_cast<std::size_t>(m_equalJobs));
        equalJobs.tasks.assign(2, TaskSpec{"", secs, work});
    }
    const Scenario& runSc = equalJobs.tasks.empty() ? sc : equalJobs;
    for (const Question& q : m_predict.questions)
        m_predict.asks.push_back(askText(q, workers, toString(work), scale, &runSc));
    m_predict.workerNames = workerNamesOf(sc, std::min(workers, 64));
    m_predict.choiceLabels.clear();
    for (const Question& q : m_predict.questions) m_predict.choiceLabels.push_back(choiceLabels(q, sc, scale));
    double total = 0;
    for (const TaskSpec& t : sc.tasks) total += t.seconds;   // N equal jobs share the same total
    m_predict.maxSeconds = std::max(1.0, std::ceil(total * scale * 1.2));
    m_predict.maxCores = 16;
}

// Presentation, before the first run of a scenario that asks questions:
// Stats opens on its Predict tab, where the class answers (lesson step 2),
// not on This run's "No run yet". Once per scenario, so a tab the teacher
// chose stays chosen.
void GuiApp::offerPredictTab() {
    // A run on screen that the stage's Run did not start (a Sweep's, seen
    // when C leaves Compare mid-sweep; a run picked with [) shows its
    // numbers too: the tab opened for the stage's question kept asking
    // "how long will it take?" over a finished 8-worker run (classroom walk,
    // session 19).
    if (m_predictTabAuto && !current().isStage() && current().trace()) {
        if (statsTabShown() == "Predict") selectStatsTab("This run");
        m_predictTabAuto = false;
    }
    if (m_window.typeSize() != TypeSize::Large || !current().isStage() || m_predict.questions.empty() ||
        m_predictTabKey == m_predictKey || !m_opts.testTab.empty())
        return;
    m_predictTabKey = m_predictKey;
    m_predictTabAuto = true;
    selectStatsTab("Predict");
}

RunView& GuiApp::current() noexcept { return m_current < 0 ? *m_stage : *m_runs[static_cast<std::size_t>(m_current)]; }
const RunView& GuiApp::current() const noexcept {
    return m_current < 0 ? *m_stage : *m_runs[static_cast<std::size_t>(m_current)];
}

bool GuiApp::anyLive() const noexcept {
    return std::any_of(m_runs.begin(), m_runs.end(), [](const auto& r) { return r->live(); });
}

void GuiApp::showRunAt(int i) {
    if (i < -1 || i >= static_cast<int>(m_runs.size())) return;
    m_current = i;
}

void GuiApp::closeRunAt(std::size_t i) {
    if (i >= m_runs.size()) return;
    RunView& r = *m_runs[i];
    r.stop();
    recordSessionRun(r);
    m_runs.erase(m_runs.begin() + static_cast<std::ptrdiff_t>(i));
    m_recorded.erase(m_recorded.begin() + static_cast<std::ptrdiff_t>(i));
    if (m_current == static_cast<int>(i)) m_current = m_runs.empty() ? -1 : std::min<int>(m_current, static_cast<int>(m_runs.size()) - 1);
    else if (m_current > static_cast<int>(i)) --m_current;
}

void GuiApp::addRun(std::unique_ptr<RunView> run) {
    if (m_runs.size() >= kMaxRuns) {
        // The oldest that is neither live nor on screen makes room; an
        // unpinned one first (a Sweep's discarded attempts before its rows).
        for (bool pinnedToo : {false, true}) {
            std::size_t i = 0;
            while (i < m_runs.size() &&
                   (m_runs[i]->live() || static_cast<int>(i) == m_current || (!pinnedToo && m_runs[i]->pinned())))
                ++i;
            if (i == m_runs.size()) continue;
            const std::string closed = m_runs[i]->label();
            closeRunAt(i);
            setMessage("closed run " + closed + " (" + std::to_string(kMaxRuns) + " runs are kept)");
            break;
        }
    }
    m_runs.push_back(std::move(run));
    m_recorded.push_back(m_runs.back()->fromFile());   // loaded runs are not this session's runs
    m_current = static_cast<int>(m_runs.size()) - 1;
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------
void GuiApp::selectScenario(const std::string& nameOrPath) {
    try {
        const std::string from = m_scenario.name;
        Scenario next = loadScenario(nameOrPath);
        // What the class predicted for the scenario on screen stays with it.
        if (!m_scenario.name.empty()) {
            ScenarioPredictions& kept = m_predictionsBy[predictionsKey()];
            kept.guesses = m_compare.guesses;
            kept.draft = m_predict.answers;
        }
        m_scenario = std::move(next);
        m_equalJobs = 0;
        // A scenario chosen in the window starts from its own values, as
        // `parviz gui NAME` would: a teacher going from pool-sizes at 8
        // workers to pool expects the tutorial's Pool(2), not 8 (method and
        // chunksize come with the scenario above). Only the time scale, how
        // fast the class watches, stays as the user set it, and the toolbar
        // says so (keptFrom).
        if (m_scenarioShown) {
            m_opts.run.workers.reset();
            m_opts.run.work.reset();
            m_keptFrom = m_opts.run.timeScale ? from : std::string();
            m_keptScale = m_opts.run.timeScale.value_or(0);
        }
        // The command line's --chunksize and --jobs set the toolbar for the
        // scenario it named, once; choosing a scenario afterwards starts afresh.
        if (!m_toolbarFlagsUsed && nameOrPath == m_opts.scenario) {
            m_toolbarFlagsUsed = true;
            const KindInfo kind = kindInfo(m_scenario.kind);
            if (m_opts.chunksizeSet && kind.pooled) m_scenario.chunksize = m_opts.chunksize;
            if (m_opts.method && kind.pooled) m_scenario.method = *m_opts.method;
            if (kind.taskTable) m_equalJobs = m_opts.equalJobs;
        }
        m_opts.scenario = nameOrPath;
        // Predictions were made for the scenario they asked about: this
        // scenario's own, if the class made some earlier in the session.
        const auto kept = m_predictionsBy.find(predictionsKey());
        m_compare.guesses = kept != m_predictionsBy.end() ? kept->second.guesses : ClassPredictions{};
        ++m_compare.guessesVersion;
        m_scenarioShown = true;
        // A new scenario shows the stage; the session's runs stay in the list.
        m_stage = std::make_unique<RunView>(m_scenario);
        m_current = -1;
        setMessage("");
        // A screenshot of a run starts it as a class does: the stage is shown
        // first (its lanes planned from the worker count) and Run is pressed
        // on it (frame()), so the capture shows the layout the class sees.
        // --compare's sweep starts its own (it ran one more, unused run
        // first, and waited for it).
        m_stageStartPending = !m_opts.screenshot.empty() && !m_opts.compare;
        m_stageFramesShown = 0;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
    }
}

std::string GuiApp::keptFrom() const {
    const auto& ts = m_opts.run.timeScale;
    return ts && *ts == m_keptScale && m_keptFrom != m_scenario.name ? m_keptFrom : std::string();
}

Scenario GuiApp::runScenario() const {
    const bool hasTasks = kindInfo(m_scenario.kind).taskTable;
    return m_equalJobs > 0 && hasTasks ? withEqualJobs(m_scenario, m_equalJobs) : m_scenario;
}

// The most workers of a pool run of the scenario on screen (with the
// toolbar's jobs, method and chunksize) that can get a chunk: its chunk
// count at most. 0 for a kind that is not a pool.
int GuiApp::poolWorkersWithWork(int workers) const {
    if (!kindInfo(m_scenario.kind).pooled) return 0;
    const Scenario sc = runScenario();
    const std::size_t tasks = sc.tasks.size();
    const std::size_t cs = std::max<std::size_t>(
        1, sc.chunksize && *sc.chunksize > 0 ? *sc.chunksize : defaultChunksizeFor(sc.method, tasks, workers));
    const std::size_t chunks = sc.method == PoolMethod::ApplyAsync ? tasks : (tasks + cs - 1) / cs;
    return static_cast<int>(std::min<std::size_t>(chunks, static_cast<std::size_t>(std::max(workers, 0))));
}

void GuiApp::traceProgram(std::vector<std::string> argv) {
    // As startRun: one live run at a time.
    for (auto& r : m_runs)
        if (r->live()) r->stop();
    for (auto& r : m_runs) r->update();
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    try {
        addRun(RunView::startTraced(m_viewCounter + 1, std::move(argv), m_opts.run.cores));
        ++m_viewCounter;
        ++m_runCounter;
        setMessage("tracing " + cmd + " (Stop ends its whole process group)");
    } catch (const std::exception& e) {
        setMessage("cannot trace " + cmd + ": " + e.what(), true);
    }
}

std::optional<cli::ProgramEnd> GuiApp::startupProgramEnd() const {
    for (const auto& r : m_runs)
        if (r->number() == m_startupProgram)
            return cli::ProgramEnd{r->programArgv(), r->programExitStatus(), r->programExit(),
                                   r->programLostEvents(), r->programReenteredEvents(), 0, !r->programRunning()};
    return std::nullopt;
}

void GuiApp::writeProgramOutputs(RunView& run) {
    if (m_outputsWritten || run.number() != m_startupProgram || run.programRunning() || !run.trace()) return;
    m_outputsWritten = true;
    const Trace& trace = *run.trace();
    const RunStats st = computeStats(run.model(), trace);
    // As parviz trace writes them; a program stopped before its end is marked so.
    const char* stoppedBy = run.status() == RunStatus::Stopped ? "Stop" : nullptr;
    auto attempt = [&](const std::string& path, const char* flag, const std::function<void(const std::string&)>& write) {
        if (path.empty()) return;
        try {
            write(path);
            std::printf("parviz: wrote %s\n", path.c_str());
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parviz: %s: %s\n", flag, e.what());
            setMessage(std::string(flag) + ": " + e.what(), true);
            m_outputsOk = false;
        }
    };
    attempt(m_opts.programSummary, "--summary-json",
            [&](const std::string& p) { writeFileAtomic(p, cli::summaryJson(st, stoppedBy)); });
    attempt(m_opts.programTrace, "--trace", [&](const std::string& p) { writeChromeTraceFile(trace, p); });
    attempt(m_opts.programSaveRun, "--save-run", [&](const std::string& p) { saveTrace(trace, p); });
    std::fflush(stdout);
}

void GuiApp::endSession() {
    for (auto& r : m_runs) r->stop();
    for (int i = 0; i < 200; ++i) {   // Stop ends the group in 0.3 s at most; reaping follows
        bool running = false;
        for (auto& r : m_runs) {
            r->update();
            running = running || r->programRunning();
        }
        if (!running) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& r : m_runs) writeProgramOutputs(*r);
}

void GuiApp::startRun() {
    if (m_current >= 0 && !current().programArgv().empty()) {
        traceProgram(current().programArgv());
        return;
    }
    // One live run at a time: runs side by side on the same cores would
    // measure each other. The one going on is stopped and stays in the list.
    for (auto& r : m_runs)
        if (r->live()) r->stop();
    for (auto& r : m_runs) r->update();   // reaps the stopped run's processes before new ones start
    try {
        // A kind whose processes do no work has no work to override (the toolbar
        // greys the work combo out for it): its run must not be labelled sleep or cpu.
        RunOptions opts = m_opts.run;
        if (!kindInfo(m_scenario.kind).hasWork) opts.work.reset();
        // Nor one whose worker count is not settable (Run refuses an override for it).
        if (!kindInfo(m_scenario.kind).workersOverridable) opts.workers.reset();
        addRun(RunView::startLive(m_viewCounter + 1, runScenario(), opts));
        ++m_viewCounter;
        ++m_runCounter;
        // What the class predicted goes with this run; the next run is asked afresh.
        refreshPredict();
        m_runs.back()->setPredictions(m_predict.questions, m_predict.asks, m_predict.answers);
        m_predict.answers.assign(m_predict.questions.size(), Guess{});
        // The Predict tab opened for the class: the run shows its numbers (its
        // answers appear on the Predict tab when it ends).
        if (m_predictTabAuto && statsTabShown() == "Predict") selectStatsTab("This run");
        m_predictTabAuto = false;
        setMessage("");
    } catch (const std::exception& e) {
        setMessage(std::string("cannot start the run: ") + e.what(), true);
    }
}

void GuiApp::togglePause() {
    RunView& r = current();
    if (r.fromFile()) return;
    if (r.live()) {
        try {
            r.togglePause();
        } catch (const std::exception& e) {
            setMessage(e.what(), true);
        }
    } else {
        startRun();
    }
}

void GuiApp::stopRun() {
    if (sweeping()) stopSweep();
    else current().stop();
}

bool GuiApp::killWorker(const std::string& name) {
    const bool ok = current().killWorker(name);
    setMessage(ok ? "killed " + name + " (SIGKILL)" : name + " is not a live worker", !ok);
    return ok;
}

bool GuiApp::saveRun(const std::string& path) {
    const Trace* trace = current().trace();
    if (!trace) {
        setMessage("nothing to save: no run yet", true);
        return false;
    }
    try {
        saveTrace(*trace, path);
        setMessage("saved the run to " + path);
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

bool GuiApp::openRun(const std::string& path) {
    try {
        showTrace(loadTrace(path), path);
        setMessage("replaying " + path + replayNote(current().meta()));
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

void GuiApp::showTrace(std::shared_ptr<Trace> trace, std::string source) {
    addRun(RunView::fromTrace(++m_viewCounter, std::move(trace), source.empty() ? std::string("(no file)") : std::move(source)));
    // Opened while comparing: a row of the comparison.
    if (m_compare.on) m_runs.back()->setPinned(true);
}

// ---------------------------------------------------------------------------
// Compare and sweeps
// ---------------------------------------------------------------------------
void GuiApp::setCompare(bool on) {
    m_compare.on = on;
    if (!on) return;
    m_compare.key.clear();   // rebuilt this frame
    // Opened with no run of the scenario on screen pinned: that scenario's
    // runs of the session are pinned too (newcomer walk, session 18: "No runs
    // to compare yet" beside three finished runs of it; session 19: pins left
    // from an earlier C of pool kept pool-sizes' new runs out, and a ticked
    // pool-uneven run became the plotted setup, the chart empty). A Sweep
    // pins its own after this.
    if (sweeping()) return;
    for (const RunView* r : pinnedRuns())
        if (r->haveScenario() && r->scenario().name == m_scenario.name) return;
    for (auto& r : m_runs)
        if (r->trace() && !r->traced() && !r->fromFile() && r->haveScenario() && r->scenario().name == m_scenario.name)
            r->setPinned(true);
}

std::vector<RunView*> GuiApp::pinnedRuns() {
    std::vector<RunView*> out;
    for (auto& r : m_runs)
        if (r->pinned() && r->trace()) out.push_back(r.get());
    return out;
}

namespace {
// "sweep: 3 of 8 (4 workers, sleep)": the caption's progress of a sweep.
std::string sweepProgress(int done, int total, int workers, WorkKind work) {
    return "sweep: " + std::to_string(done) + " of " + std::to_string(total) + " (" + std::to_string(workers) +
           (workers == 1 ? " worker, " : " workers, ") + toString(work) + ")";
}
} // namespace

void GuiApp::startSweep(const std::vector<int>& workers, const std::vector<WorkKind>& works) {
    if (!kindInfo(m_scenario.kind).pooled) {
        setMessage("Sweep compares pool sizes: choose a pool scenario (pool, pool-cpu, pool-sizes, pool-uneven)", true);
        return;
    }
    // The class's makespan prediction (the Predict questions, the drag on the
    // empty timeline, the Plots panel's slider) was asked for the toolbar's
    // workers and work: it goes with the sweep, beside that configuration's
    // row; a worker count the sweep would not run is run too.
    m_sweepAgainOf.clear();
    refreshPredict();
    const int askedWorkers = m_opts.run.workers.value_or(m_scenario.workers());
    const WorkKind askedWork =
        m_opts.run.work.value_or(m_scenario.tasks.empty() ? WorkKind::Sleep : m_scenario.tasks.front().work);
    m_sweepQuestions = m_predict.questions;
    m_sweepAsks = m_predict.asks;
    m_sweepAnswers = m_predict.answers;
    m_sweepAskedFor = {askedWorkers, askedWork};
    std::vector<MakespanGuess>& mg = m_compare.guesses.makespans;
    mg.clear();
    for (std::size_t i = 0; i < m_predict.questions.size() && i < m_predict.answers.size(); ++i)
        if (m_predict.questions[i].kind == QuestionKind::Makespan && m_predict.answers[i].given)
            mg.push_back({askedWorkers, askedWork, m_predict.answers[i].seconds});
    m_predict.answers.assign(m_predict.questions.size(), Guess{});   // asked afresh for the next run
    ++m_compare.guessesVersion;
    m_compare.predicting = false;
    m_sweepQueue.clear();
    for (WorkKind w : works) {
        std::vector<int> ns = workers;
        if (!mg.empty() && w == askedWork && std::find(ns.begin(), ns.end(), askedWorkers) == ns.end()) {
            ns.push_back(askedWorkers);
            std::sort(ns.begin(), ns.end());
        }
        for (int n : ns) m_sweepQueue.emplace_back(n, w);
    }
    m_sweepTotal = static_cast<int>(m_sweepQueue.size());
    planSweepLayout();
    m_sweepSlot.reset();
    // The caption says the sweep from this frame on: this frame draws it
    // before driveSweep starts the first run (the next frame), and it said
    // "Press Run (Space) to start." under Compare for that one frame.
    if (!m_sweepQueue.empty()) {
        m_sweepBrief = sweepProgress(1, m_sweepTotal, m_sweepQueue.front().first, m_sweepQueue.front().second) + " starting";
        setMessage(m_sweepBrief);
    }
    // The rows of this sweep alone: earlier pins step aside.
    for (auto& r : m_runs) r->setPinned(false);
    m_compare.fitted = false;
    m_compare.cursor.reset();
    setCompare(true);
}

// What the split is planned for while this sweep runs: its most workers and
// its work kinds (the legend's rows), from the configurations queued.
void GuiApp::planSweepLayout() {
    m_sweepMostWorkers = 0;
    m_sweepCpu = m_sweepSleep = false;
    for (const auto& [n, w] : m_sweepQueue) {
        m_sweepMostWorkers = std::max(m_sweepMostWorkers, n);
        (w == WorkKind::Cpu ? m_sweepCpu : m_sweepSleep) = true;
    }
}

// Compare's "Sweep cpu again": the configurations whose cpu runs were on a
// busy machine, run again (sleep work holds on a busy machine; the quiet
// rows stay), each attempt against its busy run: a retry as in a sweep,
// the least busy kept. Newcomer walk (session 20): "cpu: no answer, machine
// busy (51 %)" and only a whole new Sweep to try again.
void GuiApp::sweepBusyAgain() {
    if (sweeping()) return;
    std::set<int> leftOut(m_compare.model.leftOut.begin(), m_compare.model.leftOut.end());
    std::vector<WorkKind> noAnswer;
    for (const SweepAnswer& a : m_compare.model.answers)
        if (a.workers == 0 && !a.withheld) noAnswer.push_back(a.work);
    m_sweepQueue.clear();
    m_sweepAgainOf.clear();
    for (const CompareRow& row : m_compare.model.rows) {
        RunView* run = runByNumber(row.id);
        if (row.busy != true || !row.work || !row.finished || leftOut.count(row.id) || !run || !run->haveScenario() ||
            run->scenario().name != m_scenario.name ||
            std::find(noAnswer.begin(), noAnswer.end(), *row.work) == noAnswer.end())
            continue;
        const std::pair<int, WorkKind> config{row.workers, *row.work};
        if (m_sweepAgainOf.count(config)) continue;
        m_sweepQueue.push_back(config);
        m_sweepAgainOf[config] = row.id;
        run->setPinned(false);   // its row comes back as the attempt after it
    }
    if (m_sweepQueue.empty()) {
        setMessage("no busy cpu row of this scenario to sweep again");
        return;
    }
    m_sweepTotal = static_cast<int>(m_sweepQueue.size());
    planSweepLayout();
    m_sweepSlot.reset();
    m_sweepBrief = sweepProgress(1, m_sweepTotal, m_sweepQueue.front().first, m_sweepQueue.front().second) + " starting";
    setMessage(m_sweepBrief);
    m_compare.cursor.reset();
}

void GuiApp::stopSweep() {
    m_sweepQueue.clear();
    m_sweepAgainOf.clear();
    m_sweepTotal = 0;
    m_sweepSlot.reset();
    for (auto& r : m_runs)
        if (r->live()) r->stop();
    setMessage("sweep stopped");
}

RunView* GuiApp::runByNumber(int number) noexcept {
    for (auto& r : m_runs)
        if (r->number() == number) return r.get();
    return nullptr;
}

// One attempt of the current configuration, pinned: its row streams in.
void GuiApp::startSweepAttempt() {
    SweepSlot& slot = *m_sweepSlot;
    RunOptions o = m_opts.run;
    o.workers = slot.workers;
    o.work = slot.work;
    o.kills.clear();
    try {
        addRun(RunView::startLive(m_viewCounter + 1, runScenario(), o));
        ++m_viewCounter;
        ++m_runCounter;
    } catch (const std::exception& e) {
        m_sweepQueue.clear();
        m_sweepTotal = 0;
        m_sweepSlot.reset();
        setMessage(std::string("sweep: cannot start the run: ") + e.what(), true);
        return;
    }
    RunView& run = *m_runs.back();
    run.setPinned(true);
    if (std::make_pair(slot.workers, slot.work) == m_sweepAskedFor)
        run.setPredictions(m_sweepQuestions, m_sweepAsks, m_sweepAnswers);
    // A retry: the row says which attempt this is and what was discarded.
    std::vector<SweepAttempt> before;
    for (int number : slot.attempts)
        if (RunView* r = runByNumber(number); r && r->trace()) {
            r->setPinned(false);
            const RunStats st = computeStats(r->model(), *r->trace());
            SweepAttempt a;
            a.makespanS = static_cast<double>(st.makespanNs) / 1e9;
            a.sequentialS = static_cast<double>(st.sequentialNs) / 1e9;
            a.machine = st.machine;
            a.run = number;
            before.push_back(a);
        }
    slot.attempts.push_back(run.number());
    run.setSweepAttempts(static_cast<int>(slot.attempts.size()), before);
    const int done = m_sweepTotal - static_cast<int>(m_sweepQueue.size());
    // "run N" is the run picker's number (retries and earlier runs count
    // there), so the caption and the picker name one run alike; "3 of 8"
    // counts the sweep's configurations (newcomer: "run 6 of 8" beside "run 10").
    std::string msg = sweepProgress(done, m_sweepTotal, slot.workers, slot.work) + " is run " + std::to_string(run.number());
    // A retry after an attempt on a busy machine says so (the brief, the
    // one-line caption, only which attempt; the message also why).
    const bool retryAfterBusy = slot.attempts.size() > 1 && !before.empty() && before.back().machine.otherShare;
    if (retryAfterBusy)
        msg += ", attempt " + std::to_string(slot.attempts.size()) + " of up to " + std::to_string(1 + m_opts.sweepRetries);
    m_sweepBrief = msg;
    if (retryAfterBusy)
        msg += ": other programs took " + std::to_string(static_cast<int>(std::lround(*before.back().machine.otherShare * 100))) +
               " % of the cores during the last one";
    setMessage(msg);
}

// The configuration's attempts are over: the kept one (keptAttempt: the
// first quiet, else the least busy) is its row, marked with the others.
void GuiApp::keepSweepAttempt() {
    std::vector<RunView*> runs;
    std::vector<BusyVerdict> verdicts;
    std::vector<SweepAttempt> attempts;
    for (int number : m_sweepSlot->attempts)
        if (RunView* r = runByNumber(number); r && r->trace()) {
            const RunStats st = computeStats(r->model(), *r->trace());
            runs.push_back(r);
            verdicts.push_back(st.machine);
            SweepAttempt a;
            a.makespanS = static_cast<double>(st.makespanNs) / 1e9;
            a.sequentialS = static_cast<double>(st.sequentialNs) / 1e9;
            a.machine = st.machine;
            a.run = number;
            attempts.push_back(a);
        }
    if (runs.empty()) return;
    const std::size_t kept = keptAttempt(verdicts);
    std::vector<SweepAttempt> discarded;
    const RunView* shown = m_current >= 0 ? m_runs[static_cast<std::size_t>(m_current)].get() : nullptr;
    bool showingAnAttempt = false;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        runs[i]->setPinned(i == kept);
        runs[i]->setSweepDiscardedAttempt(i != kept);
        if (i != kept) discarded.push_back(attempts[i]);
        showingAnAttempt = showingAnAttempt || runs[i] == shown;
    }
    runs[kept]->setSweepAttempts(static_cast<int>(kept) + 1, std::move(discarded));
    // The caption and the run picker follow the kept attempt, the one its
    // Compare row shows, not a discarded retry that happened to end last.
    if (showingAnAttempt)
        for (std::size_t i = 0; i < m_runs.size(); ++i)
            if (m_runs[i].get() == runs[kept]) m_current = static_cast<int>(i);
}

// One run at a time: the next attempt or configuration starts when no run
// is live, so each has the machine to itself (as parviz sweep does).
void GuiApp::driveSweep() {
    if (m_sweepTotal == 0 || anyLive()) return;
    if (m_sweepSlot) {
        // Its latest attempt has ended: again while it was on a busy machine
        // and retries are left (a failed or stopped run is not retried).
        RunView* last = runByNumber(m_sweepSlot->attempts.back());
        // (Sleep work is not run again: a sleeping worker needs no core, so
        // its timing holds on a busy machine, as parviz sweep's.)
        const bool busy = last && last->trace() && last->status() == RunStatus::Finished &&
                          m_sweepSlot->work != WorkKind::Sleep &&
                          computeStats(last->model(), *last->trace()).machine.busy == true;
        if (busy && static_cast<int>(m_sweepSlot->attempts.size()) < 1 + m_opts.sweepRetries) {
            startSweepAttempt();
            return;
        }
        keepSweepAttempt();
        m_sweepSlot.reset();
    }
    if (m_sweepQueue.empty()) {
        setMessage("sweep done: " + std::to_string(m_sweepTotal) + (m_sweepTotal == 1 ? " configuration" : " configurations"));
        m_sweepTotal = 0;
        m_sweepAgainOf.clear();
        return;
    }
    m_sweepSlot = SweepSlot{m_sweepQueue.front().first, m_sweepQueue.front().second, {}};
    // Swept again: its busy run is the first attempt (the next is attempt 2).
    if (auto again = m_sweepAgainOf.find(m_sweepQueue.front()); again != m_sweepAgainOf.end())
        if (runByNumber(again->second)) m_sweepSlot->attempts.push_back(again->second);
    m_sweepQueue.erase(m_sweepQueue.begin());
    startSweepAttempt();
}

// The Compare model is a function of the pinned runs: rebuilt when one of
// them changed (computeStats per run is O(its records)), at most four times
// a second while one is live.
void GuiApp::rebuildCompare() {
    std::string key;
    bool live = false;
    const std::vector<RunView*> runs = pinnedRuns();
    for (RunView* r : runs) {
        // The model's progress, not the Trace's size: the Collector appends
        // to the Trace at any moment (see RunView's caches).
        key += std::to_string(r->number()) + ':' + std::to_string(r->model().consumed()) + ':' +
               std::to_string(static_cast<int>(r->status())) + ':' + std::to_string(r->sweepAttempt()) + ':' +
               std::to_string(r->sweepDiscarded().size()) + ' ';
        live = live || r->live();
    }
    key += "g" + std::to_string(m_compare.guessesVersion) + (sweeping() ? " sweeping" : "");
    const auto now = std::chrono::steady_clock::now();
    if (key == m_compare.key || (live && now - m_compareBuiltAt < std::chrono::milliseconds(250))) return;
    m_compare.key = key;
    m_compareBuiltAt = now;
    std::vector<CompareRun> cr;
    const Scenario* predictFrom = nullptr;
    int usable = 1, total = 1;
    double scale = 1;
    for (RunView* r : runs) {
        const Scenario* sc = r->haveScenario() ? &r->scenario() : nullptr;
        cr.push_back(compareRunOf(r->number(), r->model(), *r->trace(), sc));
        cr.back().attempt = r->sweepAttempt();
        cr.back().discarded = r->sweepDiscarded();
        if (sc && !predictFrom) {
            predictFrom = sc;
            scale = r->meta().timeScale;
        }
        usable = std::max(usable, r->meta().usableCores);
        total = std::max(total, r->meta().totalCores);
    }
    std::function<std::optional<double>(int, std::optional<WorkKind>)> predict;
    if (predictFrom && kindInfo(predictFrom->kind).pooled && !predictFrom->tasks.empty())
        predict = [sc = *predictFrom, usable, scale](int n, std::optional<WorkKind> w) -> std::optional<double> {
            return predictPoolMakespan(sc, n, w, usable).makespanSeconds * scale;
        };
    // A sweep still going: the class's predictions wait for its end (a later run may change the answer).
    std::vector<WorkKind> stillToRun;
    if (m_sweepSlot) stillToRun.push_back(m_sweepSlot->work);
    for (const auto& [workers, work] : m_sweepQueue) stillToRun.push_back(work);
    m_compare.model = buildCompareView(cr, usable, total, predict, m_compare.guesses, !sweeping(), stillToRun);
}

void GuiApp::exportCompareCsv() {
    const std::string path = "parviz-compare.csv";
    try {
        writeFileAtomic(path, sweepToCsv(m_compare.model.sweep));
        setMessage("wrote " + path + " (" + std::to_string(m_compare.model.sweep.rows.size()) + " configurations)");
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
    }
}

std::string GuiApp::takePendingPng() { return std::exchange(m_pendingPng, std::string()); }

void GuiApp::pngWritten(const std::string& path, const std::string& error) {
    if (error.empty()) setMessage("wrote " + path);
    else setMessage("cannot write " + path + ": " + error, true);
}

// The toolbar's work kind when one is chosen (the lesson sweeps sleep, then cpu), else both.
std::vector<WorkKind> GuiApp::sweepWorks() const {
    return m_opts.run.work ? std::vector<WorkKind>{*m_opts.run.work} : std::vector<WorkKind>{WorkKind::Sleep, WorkKind::Cpu};
}

void GuiApp::layoutCompare(float top, float bodyH, const PanelEnv& e) {
    rebuildCompare();
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    // A third of the window, and at least 21 em: presentation type (24 px
    // at 1280x720) keeps a plot wide enough to read from the back.
    const float plotsW = std::round(std::max({320.0f, ds.x * 0.34f, ImGui::GetFontSize() * 21}));
    // Every run of the sweep is pinned as it starts (a retry replaces its
    // attempt): the rows now plus the configurations still queued.
    m_compare.expectedRows = sweeping() ? pinnedRuns().size() + m_sweepQueue.size() : 0;
    // And their work kinds (the rows are in work-kind order, each kind's under one header).
    std::vector<std::optional<WorkKind>> kinds;
    for (const CompareRow& row : m_compare.model.rows) kinds.push_back(row.work);
    for (const auto& q : m_sweepQueue) kinds.emplace_back(q.second);
    if (m_sweepSlot) kinds.emplace_back(m_sweepSlot->work);
    std::sort(kinds.begin(), kinds.end());
    m_compare.expectedGroups = sweeping() ? static_cast<std::size_t>(std::unique(kinds.begin(), kinds.end()) - kinds.begin()) : 0;
    const CompareAction act =
        drawComparePanel(pinnedRuns(), m_compare, sweeping(), Rect{0, top, ds.x - plotsW, bodyH}, e);
    const std::vector<WorkKind> works = sweepWorks();
    drawPlotsPanel(m_compare, sweeping() || anyLive(), works, Rect{ds.x - plotsW, top, plotsW, bodyH}, e);
    switch (act) {
    case CompareAction::Sweep: startSweep({1, 2, 4, 8}, works); break;
    case CompareAction::SweepBusyAgain: sweepBusyAgain(); break;
    case CompareAction::StopSweep: stopSweep(); break;
    case CompareAction::ExportPng: m_pendingPng = "parviz-compare.png"; break;
    case CompareAction::ExportCsv: exportCompareCsv(); break;
    case CompareAction::OpenRun:
        for (std::size_t i = 0; i < m_runs.size(); ++i)
            if (m_runs[i]->number() == m_compare.openRun) {
                setCompare(false);
                showRunAt(static_cast<int>(i));
                break;
            }
        break;
    case CompareAction::None: break;
    }
}

namespace {
// What a generated listing depends on, cheaply (every frame): the kind's
// parameters and the tasks (all of them up to a few thousand, which is what
// the task editor edits; past that the first ones and the count).
std::string listingKey(const Scenario& s) {
    std::string k = std::string(toString(s.kind)) + '|' + std::to_string(s.poolSize) + '|' +
                    std::to_string(s.poolSizePerCore) + '|' + std::to_string(s.chunksize.value_or(0)) + '|' + toString(s.method) + '|' +
                    std::to_string(s.processes) + '|' + std::to_string(s.rounds) + '|' + std::to_string(s.holdSeconds) +
                    '|' + std::to_string(s.code.size()) + '|' + s.defaultArg + '|' + std::to_string(s.items.size());
    for (std::size_t i = 0; i < s.items.size() && i < 16; ++i) k += '|' + s.items[i];
    for (const std::string& a : s.args) k += '|' + a;
    k += '|' + std::to_string(s.tasks.size());
    const std::size_t n = s.tasks.size() <= 4000 ? s.tasks.size() : 16;
    for (std::size_t i = 0; i < n; ++i)
        k += '|' + s.tasks[i].name + ':' + std::to_string(s.tasks[i].seconds) + toString(s.tasks[i].work);
    return k;
}
} // namespace

const std::vector<Scenario::CodeLine>& GuiApp::listing() {
    // A traced program: its own source, read from its file.
    if (current().traced()) return current().sourceListing();
    const RunView& run = current();
    const Scenario staged = run.isStage() ? runScenario() : Scenario{};
    const Scenario& sc = run.isStage() ? staged : run.scenario();
    const bool have = run.isStage() || run.haveScenario();
    ListingParams p;
    if (!run.isStage()) {
        // A run shows its listing as it was recorded, not what the toolbar says now.
        const TraceMeta& meta = run.meta();
        if (meta.workers > 0 && workersOverridable(sc.kind)) p.workers = meta.workers;
        if (auto w = parseWorkKind(meta.work)) p.work = *w;
    } else {
        p.workers = m_opts.run.workers;
        p.work = m_opts.run.work;
        // Only some kinds have a worker count to override (Run refuses the others).
        if (!workersOverridable(sc.kind)) p.workers.reset();
    }
    // Regenerated only when something it depends on changed (the task editor edits m_scenario).
    std::string key = have ? listingKey(sc) : std::string();
    key += '|' + std::to_string(p.workers.value_or(0)) + '|' + (p.work ? toString(*p.work) : "-");
    if (key != m_listingKey) {
        m_listingKey = std::move(key);
        m_listing = have ? generateListing(sc, p) : std::vector<Scenario::CodeLine>{};
    }
    return m_listing;
}

bool GuiApp::saveScenario(const std::string& path) {
    try {
        std::string json = scenarioToJson(runScenario());
        parseScenario(json, path);   // refuse to write what we could not read back
        writeFileAtomic(path, json);   // never a torn file over the old one
        setMessage("saved the scenario to " + path);
        return true;
    } catch (const std::exception& e) {
        setMessage(e.what(), true);
        return false;
    }
}

// ---------------------------------------------------------------------------
// Frame
// ---------------------------------------------------------------------------
double GuiApp::frameWaitSeconds() const {
    // While CPU work runs, the window draws 5 frames a second, not 30: with
    // software GL (llvmpipe) each frame costs a core several ms, and at 30 fps
    // the window took a third of a core from the workers it measures (2 cpu
    // workers on 2 cores showed 1.44x instead of ~1.9x). Sleep work needs no
    // core, so it keeps the smooth 30 fps.
    const bool cpuLive = std::any_of(m_runs.begin(), m_runs.end(),
                                     [](const auto& r) { return r->live() && r->meta().work != "sleep"; });
    // A cursor move held for the next frame (RunView::commitCursor) is shown at once.
    if (current().cursorMoveHeld()) return 0.0;
    if (layoutSettling()) return 0.0;
    if (cpuLive || sweeping()) return 1.0 / 5.0;
    if (anyLive() || !m_opts.screenshot.empty() || m_opts.benchFrames > 0) return 1.0 / 30.0;
    return 0.25;
}

namespace {
// The caption when a step key moves nothing, at either end of the program's events.
constexpr const char* kAtFirstEvent = "At the first program event: nothing before it (Right or › Next steps on).";
constexpr const char* kAtLastEvent = "At the last program event: nothing after it (Left or ‹ Prev steps back).";
} // namespace

void GuiApp::handleKeys() {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    auto pressed = [](int glfwKey) { return ImGui::IsKeyPressed(glfwKey, false); };
    // An open list (the run picker, the scenario list, a combo): Escape
    // closes it, as everywhere else (keyboard navigation is off, so ImGui
    // does not); any other key of ours closes it before it acts, so `[`
    // does not leave the list open on the run it no longer shows (newcomer
    // walk 26).
    if (ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
        if (pressed(GLFW_KEY_ESCAPE)) {
            ImGui::ClosePopupsExceptModals();
            return;
        }
        for (int k : {GLFW_KEY_SPACE, GLFW_KEY_R, GLFW_KEY_C, GLFW_KEY_F, GLFW_KEY_LEFT_BRACKET, GLFW_KEY_RIGHT_BRACKET})
            if (pressed(k)) ImGui::ClosePopupsExceptModals();
    }
    RunView& run = current();
    if (pressed(GLFW_KEY_SPACE)) togglePause();
    if (pressed(GLFW_KEY_R) && !run.fromFile()) startRun();
    if (pressed(GLFW_KEY_C)) setCompare(!m_compare.on);
    if (pressed(GLFW_KEY_F)) {
        TimelineView& v = run.timeline();
        v.follow = !v.follow;
        if (v.follow) run.setCursor(std::nullopt);
    }
    // Left / Right (or , and .): the previous / next program event (the Explain panel's ‹ ›).
    // At either end the caption says so (the step row too): a key that moves nothing must not look ignored.
    if ((ImGui::IsKeyPressed(GLFW_KEY_LEFT) || ImGui::IsKeyPressed(GLFW_KEY_COMMA)) && !run.step(false) && run.trace())
        setMessage(kAtFirstEvent);
    if ((ImGui::IsKeyPressed(GLFW_KEY_RIGHT) || ImGui::IsKeyPressed(GLFW_KEY_PERIOD)) && !run.step(true) && run.trace())
        setMessage(kAtLastEvent);
    // Home / End: the first / last program event at once (the step row says "the first event").
    if (pressed(GLFW_KEY_HOME)) run.stepToEdge(false);
    if (pressed(GLFW_KEY_END)) run.stepToEdge(true);
    // Said while it is true only: once the cursor has left the end (a step
    // back, a click, ‹ Prev) the caption no longer claims it (classroom walk:
    // it still said "at the last program event" three steps back).
    if ((message() == kAtFirstEvent || message() == kAtLastEvent) && run.trace() &&
        run.stepEdgeNote(run.cursor()).empty())
        setMessage("");
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) run.zoom(1.5f);
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) run.zoom(1 / 1.5f);
    // [ and ]: the previous and next run of the session (each keeps its cursor and zoom).
    if (!m_runs.empty() && pressed(GLFW_KEY_LEFT_BRACKET))
        showRunAt(m_current <= 0 ? static_cast<int>(m_runs.size()) - 1 : m_current - 1);
    if (!m_runs.empty() && pressed(GLFW_KEY_RIGHT_BRACKET))
        showRunAt(m_current + 1 >= static_cast<int>(m_runs.size()) ? 0 : m_current + 1);
}

// A session run's row in the Stats panel's table, once it has ended.
void GuiApp::recordSessionRun(RunView& run) {
    auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const auto& r) { return r.get() == &run; });
    if (it == m_runs.end() || !run.trace()) return;
    const std::size_t i = static_cast<std::size_t>(it - m_runs.begin());
    if (m_recorded[i]) return;
    m_recorded[i] = true;
    if (run.traced()) {
        std::string m = run.scenario().title + ": " + run.programExit();
        // Said once more at its end, or the exit would hide that nothing of it was traced.
        if (run.hookStatus().kind == HookStatus::NeverLoaded) m += " · " + hookStatusLine(run.hookStatus(), run.scenario().name, true);
        setMessage(std::move(m), run.status() == RunStatus::Failed);
    }
    RunStats st = computeStats(run.model(), *run.trace());
    SessionRun r;
    r.number = run.number();
    r.scenario = run.meta().scenario.empty() ? run.scenario().name : run.meta().scenario;
    r.work = run.meta().work;
    // What else tells runs apart (newcomer walk, session 19: "pool 4 sleep
    // 5.00 s" and "pool 4 sleep 2.50 s" were runs at 1x and 0.5x): the time
    // scale when not 1x, the chunksize when one was asked for.
    if (std::abs(run.meta().timeScale - 1.0) > 1e-9) {
        r.work += " " + formatTimeScale(run.meta().timeScale);
    }
    if (run.haveScenario() && kindInfo(run.scenario().kind).pooled && run.scenario().chunksize)
        r.work += " chunksize " + std::to_string(*run.scenario().chunksize);
    r.workers = st.workerCount;
    r.status = toString(run.status());
    r.hasMakespan = st.hasMakespan;
    r.makespanS = static_cast<double>(st.makespanNs) / 1e9;
    r.speedup = st.speedup;
    r.efficiency = st.efficiency;
    r.busy = st.machine.busy == true;
    r.busyWarn = busyMatters(st.machine, parseWorkKind(st.work));
    if (r.busy) r.busyNote = describeBusy(st.machine, parseWorkKind(st.work));
    r.setup = runSetupKey(run.scenario(), run.meta());
    m_session.rows.push_back(std::move(r));
    // Each run's speedup over the 1-worker run of its setup, once one is in
    // (a stopped run's makespan is no run's length: it compares with nothing).
    std::vector<SessionRunTime> times;
    for (const SessionRun& sr : m_session.rows)
        times.push_back({sr.setup, sr.workers,
                         sr.hasMakespan && sr.status == toString(RunStatus::Finished) ? sr.makespanS : 0.0});
    const auto speedups = sessionSpeedups(times);
    for (std::size_t k = 0; k < m_session.rows.size(); ++k) {
        m_session.rows[k].speedupOverOne.reset();
        if (!speedups[k]) continue;
        m_session.rows[k].speedupOverOne = speedups[k]->speedup;
        m_session.rows[k].baseNumber = m_session.rows[speedups[k]->base].number;
    }
}

void GuiApp::frame() {
    ++m_framesDrawn;
    m_spans.beginFrame();
    m_drawn.clear();
    probe::beginFrame();
    ui::keyedSinceMove();   // sees every frame's key presses, hovered or not
    ui::clearScrollbarStale();
    // Every run reads its new events, not only the one on screen: a live run
    // in the background keeps its model current (O(new events) each).
    for (auto& r : m_runs) {
        r->update();
        // A traced program's tracer: "not yet" after 3 s, then "traced after all" (or, once it ended, untraced).
        if (std::string news = r->takeHookNews(); !news.empty()) setMessage(std::move(news));
        if (!r->live() && !r->fromFile()) recordSessionRun(*r);
        writeProgramOutputs(*r);
    }
    driveSweep();
    refreshPredict();
    offerPredictTab();
    handleKeys();
    // --screenshot / --layout-json: Run pressed on the stage, where a class's
    // Space acts, once the stage has been drawn a few settled frames.
    if (m_stageStartPending && m_stageFramesShown >= kStageFramesBeforeRun &&
        (layoutSettled() || m_stageFramesShown >= 4 * kStageFramesBeforeRun)) {
        m_stageStartPending = false;
        if (current().isStage()) togglePause();
    }
    m_hooks->beforeDraw(*this);
    // The frame's one cursor: moves asked for since (keys now, clicks last
    // frame) take effect before any panel reads it (RunView::commitCursor).
    for (auto& r : m_runs) r->commitCursor();
    m_stage->commitCursor();
    // Type (and with it every size in the layout) follows the window's size.
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImFont* font = m_window.fontFor(typePx(m_window.typeSize(), ds.x, ds.y));
    ImGui::PushFont(font);
    m_fontPx = font->FontSize;
    probe::setTypePx(m_fontPx);
    m_window.scaleStyle(font->FontSize);
    layoutAndDraw();
    if (m_stageStartPending) ++m_stageFramesShown;
    ImGui::PopFont();
    // A body's scrollbar judged from the last frame's content (ui::scrollbarStale):
    // the next frame at once, a few times at most (content that wraps
    // narrower beside a scrollbar could flip it back and forth).
    m_staleFrames = ui::scrollbarStale() ? m_staleFrames + 1 : 0;
    m_hooks->afterDraw(*this);
}

namespace {
// A lane's height with these rows, as the timeline lays it out (layoutLanes),
// for a split planned before the lanes exist: the stage's and a traced
// program's first frame.
float plannedLaneH(std::initializer_list<RowKind> rows, float fh) {
    float lh = 0;
    for (RowKind k : rows) lh += timeline::rowHeight(k, fh) + 1;
    return std::max(lh, fh + 2) + timeline::kLaneGap;
}
} // namespace

// Presentation: the timeline across the whole width (its lanes are the
// lesson), the panels side by side under it, Output and Why as tabs of
// Stats. The split between them is the same for the stage and every run of
// the scenario on screen (in the same window and type): a run starting or
// ending, a run picked in the run picker, a tab clicked or the cursor moved
// never move the panels, so a click aimed at a tab lands on it (the class
// clicks Predict as the teacher presses Run). It is fixed from what the
// panels can need in any state, known before the first run:
//  - the timeline: its header, axis, core lanes, MainProcess and four
//    workers (timelineMinH; more lanes, or the band of folded idle ones,
//    scroll behind the cue); above the lanes the rows a run's
//    legend wraps to and the summary band (32 workers on), from the
//    scenario and the worker count (timeline::legendExtraH); the most it
//    has needed is held;
//  - the panels under it: This run's key lines as the widest run would lay
//    them out (DrawnLayout::statsReserveH), the Predict tab's questions
//    before a run, the queue's counts and a row of boxes; held likewise.
// The timeline wins when both cannot fit (its four worker lanes). Why fits
// its sentences into the room it has (shortened, then summed up,
// drawExplainLines); Predict, Output and Session scroll in it. The Why tab
// takes the whole width (Queue and Code step aside while it is shown): its
// sentences need it; so does Predict's once a run is shown (each verdict on
// one line beside its question, every one in view). Stats is the leftmost panel, so widening it moves none
// of its tabs.
void GuiApp::layoutPresentation(RunView& run, std::int64_t cursor, float controlsH, bool hasQueue, bool hasLock,
                                const PanelEnv& e) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float fh = ImGui::GetFontSize();
    const float bodyH = ds.y - controlsH;
    const float minBottom = std::round(fh * 4.5f);   // a tab bar and two lines at least
    float timelineH = std::round(bodyH * 0.70f);     // until the panels have said what they need
    const std::string scenarioName = run.isStage() || !run.haveScenario() ? m_scenario.name : run.scenario().name;
    // The workers the split is planned for: the toolbar's, or more when the
    // run on screen has more (a Sweep's 8 from a 4-worker stage: the run view
    // after it showed 3 worker lanes, its legend's rows for 8 workers not
    // reserved — newcomer walk, session 16), or while a sweep goes on the
    // most it will run (it makes the plan while Compare is on screen, so its
    // runs move no panel). Not the session's most: after 4 -> 8 -> 4 workers
    // the 4-worker run kept the 8-worker split, This run lost "4 workers on
    // 2 cores" above a blank band (newcomer walk, session 18). A change lays
    // the split out anew.
    // Planned on Run, not as the toolbar changes: a run on screen keeps its
    // own count's split and the stage the count it was laid out for, so the
    // panels under the teacher's pointer stay put while the field is set
    // (classroom walk, session 19: + from 2 to 4 workers before Run moved the
    // bottom panels 90 px and a click aimed at Predict hit the timeline; 8
    // workers put Predict's question under the window's edge). The next run
    // (Run) shows the new count and is planned for it, while the class
    // watches the run begin.
    const int toolbarWorkers = m_opts.run.workers.value_or(m_scenario.workers());
    int plannedWorkers = toolbarWorkers;
    if (run.trace() && !run.traced() && run.haveScenario()) {
        if (run.meta().workers > 0) plannedWorkers = run.meta().workers;
        // Runs picked with [ and ] (no run started in between) keep the
        // largest split picked: a 1-, 2- and 4-worker run of a sweep picked
        // in turn after its 8-worker one moved the tab bar to y 583, 612,
        // 545 under the teacher's pointer (newcomer walk, session 20). The
        // next run started is planned for its own count again.
        if (m_browsePlan.scenario != scenarioName || m_browsePlan.runsStarted != m_runCounter)
            m_browsePlan = BrowsePlan{scenarioName, plannedWorkers, m_runCounter};
        plannedWorkers = m_browsePlan.workers = std::max(m_browsePlan.workers, plannedWorkers);
        m_stagePlan = StagePlan{scenarioName, plannedWorkers};   // the stage shown after it keeps this split
    } else if (!run.trace()) {
        if (m_stagePlan.scenario != scenarioName) m_stagePlan = StagePlan{scenarioName, toolbarWorkers};
        plannedWorkers = m_stagePlan.workers;
    }
    if (sweeping()) plannedWorkers = std::max(plannedWorkers, m_sweepMostWorkers);
    const std::string scenarioKey = scenarioName + "#" + std::to_string(plannedWorkers);
    if (m_held.scenario != scenarioKey || m_held.windowH != ds.y || m_held.fontPx != fh)
        m_held = HeldLayout{scenarioKey, ds.y, fh, 0, 0, false};
    // Laid out on the stage, the split is final for the scenario's runs: what
    // a later run's timeline draws beyond what the stage reserved (a legend
    // row for a killed worker, a lane) scrolls or thins within it. A window opened on a saved run has no stage:
    // it grows to what its run needs (all its lanes are there on its first frames).
    // A traced program has no stage (no lane count known up front): its
    // split is decided once, on its first frame, from what any such run may
    // show (noStageTimelineH): its processes appear one by one,
    // and growing the timeline with them moved every panel under it mid-run
    // (classroom walk: the bottom panels at y 482, then 558). Lanes beyond
    // MainProcess and four more scroll, said by the cue on the axis row.
    if (!run.trace()) m_held.fromStage = true;
    if (run.trace() && run.traced()) {
        if (!m_held.decided) {
            m_held.timeline = noStageTimelineH(run, ds.x);
            m_held.legendExtra = timeline::legendExtraH(tracedLegendPlan(run), ds.x);
            m_held.decided = true;
        }
        // Once the program has ended nothing more appears: the reserve for
        // what it might have shown (a lock's rows on every lane, legend rows
        // for waits it never made, the finished band) gives way to what its
        // run shows, and the panels under it move once, as the run ends. The
        // reserve left Why and Queue two lines at 1280x720 for a plain Pool(4)
        // (newcomer walk, session 28). The first frame after the end draws the
        // legend as it is (no planned rows) at the held height and measures;
        // from the next the timeline is what it measured, and only grows
        // (a band that folds in the smaller room needs one more lane).
        // Each ended run keeps what it measured (endedNeed, by run number):
        // picked again in the run picker it is drawn at its own split from
        // its first frame, not at the reserve for a frame and then shrunk.
        const bool ended = run.status() != RunStatus::Running && run.meta().finished;
        if (!ended || m_held.endedRun != run.number()) {
            m_held.endedRun = ended ? run.number() : -1;
            m_held.endedFrames = 0;
        }
        float heldTimeline = m_held.timeline;
        if (ended) {
            float& need = m_held.endedNeed[run.number()];
            if (m_held.endedFrames++ > 0 && m_needTimeline > 0) need = std::max(need, m_needTimeline);
            if (need > 0) heldTimeline = std::min(heldTimeline, std::ceil(need));
        }
        timeline::setPlannedLegendExtra(ended ? 0.0f : m_held.legendExtra);
        const float fixedH = std::round(std::max(std::min(heldTimeline, bodyH - minBottom), bodyH * 0.3f));
        drawPresentationPanels(run, cursor, controlsH, fixedH, hasQueue, hasLock, true, e);
        return;
    }
    // What the last frame measured is the stage's only when the last frame
    // drew the stage: the first stage frame after a run (a new scenario
    // picked while a run was shown) read the run's lanes and queue as the
    // stage's, added the planned lanes on top, and the held split kept that
    // for the scenario's runs (newcomer walk, session 17: This run one line).
    const bool stageMeasured = !run.trace() && m_needFromStage;
    // The plan (scenario, worker count) changed while a run is shown (the
    // toolbar's workers, an 8-worker run added to a 4-worker session): the
    // split is planned as the stage would plan it, from the stage's own
    // measure of the header (m_stageBase), not grown from what this run's
    // frames needed — that kept a lock run's 462 px timeline for every later
    // run, where a fresh window gives 424.
    const bool planOnRun = run.trace() && !run.fromFile() && !m_held.fromStage && m_held.timeline == 0 && m_stageBase.windowW == ds.x &&
                           m_stageBase.windowH == ds.y && m_stageBase.fontPx == fh;
    if (planOnRun) m_held.plannedOnRun = true;
    const bool growTimeline = stageMeasured || (!m_held.fromStage && !m_held.plannedOnRun) || planOnRun;
    const bool grow = stageMeasured || !m_held.fromStage || m_held.plannedOnRun;
    const std::string& tab = statsTabShown();
    // Before a run only Predict's questions count (the tab the class answers
    // on); once a run is shown only This run's lines do, and those are
    // reserved from the start.
    // Planned on Run, This run counts by its reserve (m_reserveStats), as
    // the stage a fresh window shows would plan it: its whole measured need
    // (the worker table under the key lines) left the 2-worker lock run after
    // an 8-worker one a 334 px timeline where a fresh window gives 400.
    const bool statsCounts = !run.trace() ? tab == "Predict" : tab == "This run" && !m_held.plannedOnRun;
    const float needStats = statsCounts ? m_needStats : 0.0f;
    // A run with a queue and a lock: the lock's three lines and a queue line under the timeline.
    const float needLock = hasQueue && hasLock ? std::round(4 * ImGui::GetTextLineHeightWithSpacing() +
                                                            4 * ImGui::GetStyle().WindowPadding.y)
                                               : 0.0f;
    // A plan the stage has laid out at this window size (lock with 4 workers,
    // then 8, then 4 again): its bottom is the stage's, not grown from this
    // run's lines — the 4-worker run after an 8-worker one kept 4 px more.
    const bool sameWindow = m_stageBase.windowW == ds.x && m_stageBase.windowH == ds.y && m_stageBase.fontPx == fh;
    const auto stageBottom = sameWindow ? m_stageBase.bottom.find(scenarioKey) : m_stageBase.bottom.end();
    if (planOnRun && stageBottom != m_stageBase.bottom.end()) m_held.bottom = stageBottom->second;
    const bool growBottom = grow && !(m_held.plannedOnRun && stageBottom != m_stageBase.bottom.end());
    if (growBottom && (m_needQueue > 0 || needStats > 0 || m_reserveStats > 0 || needLock > 0))
        m_held.bottom = std::max({m_held.bottom, m_needQueue, needStats, m_reserveStats, minBottom, needLock});
    // The stage's timeline has no lanes yet (it holds 7.5 em for the
    // prediction drag); a run's will need its core lanes, MainProcess and up
    // to four workers at the thin rows (timeline's layoutLanes): the stage
    // reserves that, so Run lifts no panel. Lanes beyond those (a fifth
    // worker's, the band of folded idle ones) scroll, said by the cue on the
    // axis row: reserving a fifth lane left the Why tab 108 px at 8 cpu
    // workers (1280x720), a callout and one line, where a run without a
    // stage left it 149.
    float needTimeline = m_needTimeline;
    float base = -1;   // the timeline's height without its lanes, as the stage measured it
    if (stageMeasured && m_needTimeline > 0) {
        base = m_needTimeline - std::round(fh * 7.5f);
        if (!sameWindow) m_stageBase = StageBase{ds.x, ds.y, fh, base, {}};
        m_stageBase.h = base;
        m_stageBase.bottom[scenarioKey] = m_held.bottom;
    } else if (planOnRun) {
        base = m_stageBase.h;
    }
    if (base >= 0) {
        const int workers = plannedWorkers;
        // Above the lanes, what the stage's header does not show yet: the
        // legend's further rows as this run will wrap them (at many workers
        // the numbers' note and the callouts' words take a row of their own)
        // and from 32 workers the summary band. Decided from the scenario
        // and the worker count, before Run, like the lanes below.
        timeline::LegendPlan plan;
        const KindInfo kind = kindInfo(m_scenario.kind);
        plan.tasks = kind.taskTable;
        plan.queue = hasQueue || kind.makesQueue;
        plan.lock = hasLock || kind.makesLock;
        plan.joins = kind.joinsProcesses;
        for (const TaskSpec& t : m_scenario.tasks) {
            const WorkKind w = m_opts.run.work.value_or(t.work);
            (w == WorkKind::Cpu ? plan.cpuWork : plan.sleepWork) = true;
        }
        if (m_scenario.tasks.empty() && kind.hasWork) {
            const WorkKind w = m_opts.run.work.value_or(WorkKind::Sleep);
            (w == WorkKind::Cpu ? plan.cpuWork : plan.sleepWork) = true;
        }
        // A sweep's runs share this split (planned for its most workers):
        // its cpu runs of a sleep scenario add "running" and the
        // oversubscription callout's words to the legend (session 23: after
        // the lesson's sweep from pool-sizes' stage, the 8-worker cpu run's
        // legend took a third row the sleep stage had not planned, and three
        // worker lanes were in view). The shown run's own work counts too.
        if (sweeping()) {
            plan.cpuWork = plan.cpuWork || m_sweepCpu;
            plan.sleepWork = plan.sleepWork || m_sweepSleep;
        }
        if (run.trace() && !run.traced()) {
            const std::string& wk = run.meta().work;
            plan.cpuWork = plan.cpuWork || wk == "cpu" || wk == "mixed";
            plan.sleepWork = plan.sleepWork || wk == "sleep" || wk == "mixed";
        }
        plan.workers = workers;
        plan.cores = std::max(1, cpuCountUsable());
        // A pool whose chunks reach fewer workers than it has: the idle
        // lanes fold into one band beyond four (foldIdleLanes), so no lane
        // carries a number and the legend needs no row for them.
        const int busy = poolWorkersWithWork(workers);
        if (busy > 0 && workers - std::max(busy, std::min(workers, 4)) >= 2) plan.shownWorkers = std::max(busy, 4);
        const float above = timeline::legendExtraH(plan, ds.x) + timeline::summaryBandH(workers, fh);
        // The lanes: the core lanes, MainProcess and up to four workers at
        // the thin rows, each with its lock row where the run takes a lock
        // (the plan had none: a lock run's fourth worker was below the fold
        // when the split was planned from it, visible_worker_lanes 3).
        timeline::setCompactRows(true);
        timeline::setLockRows(plan.lock);   // the timeline sets it again from its run as it draws
        auto laneH = [fh](std::initializer_list<RowKind> rows) { return plannedLaneH(rows, fh); };
        const float proc = laneH({RowKind::Program, RowKind::Os, RowKind::Tasks, RowKind::Locks});
        float lanes = static_cast<float>(std::max(1, cpuCountUsable())) * laneH({RowKind::CoreProcs, RowKind::CoreLoad}) +
                      proc * static_cast<float>(1 + std::min(workers, 4));
        // A pool whose chunks cannot reach more than four workers (pool's 4
        // tasks on 8 or 64): the idle ones fold into one band under the four
        // (foldIdleLanes), and that band is all that would scroll behind the
        // cue: it is reserved too, so "N idle workers" is in view as the
        // class's run ends. (More busy lanes than four scroll anyway, the
        // band with them; the Why tab keeps its room at 8+ cpu workers.)
        // What the timeline must have: the lanes above, the legend, the
        // stage's prediction drag. The band is what it may lose to the
        // panels below (then it scrolls behind the cue, or the rows thin).
        const float must = std::max(base + std::round(fh * 7.5f), base + lanes + above);
        float band = 0;
        if (busy > 0 && busy <= 4 && workers - 4 >= 2) band = laneH({RowKind::Program});
        timeline::setCompactRows(false);
        needTimeline = must + band;
        if (growTimeline) m_held.timelineMust = std::max(m_held.timelineMust, must);
    }
    if (growTimeline) m_held.timeline = std::max(m_held.timeline, needTimeline);
    // The panels below keep a tab bar and four lines (This run's four key
    // numbers and its callout, Predict's three questions) unless the
    // timeline's must (its legend, the core lanes, MainProcess and four
    // workers) needs that room: the band of folded idle workers took 29 px
    // of it at 8 workers and left This run two lines (newcomer walk,
    // session 20: 116 px, Predict's third question below the window's edge).
    const float floorBottom = std::round(ImGui::GetFrameHeight() + 4 * ImGui::GetTextLineHeightWithSpacing() +
                                         2 * ImGui::GetStyle().WindowPadding.y + ImGui::GetStyle().ItemSpacing.y);
    if (m_held.timeline > 0 && m_held.bottom > 0) {
        const float must = m_held.timelineMust > 0 ? m_held.timelineMust : m_held.timeline;
        const float roomy = std::max(m_held.timeline, bodyH - m_held.bottom);
        timelineH = std::min({roomy, std::max(bodyH - std::max(floorBottom, m_held.bottom), must), bodyH - minBottom});
    }
    timelineH = std::round(std::max(timelineH, bodyH * 0.3f));
    drawPresentationPanels(run, cursor, controlsH, timelineH, hasQueue, hasLock, false, e);
}

namespace {
// The cores a traced program's run may use: its trace's, or this machine's
// before the trace says (at least one).
int usableCoresOf(const RunView& run) {
    return std::max(1, run.trace() && run.meta().usableCores > 0 ? run.meta().usableCores : cpuCountUsable());
}
} // namespace

// MainProcess and four more processes at the thin rows (with a lock's row
// each: a traced program may take one later), the band the processes that
// ended before later ones fold into (a producer and a consumer before a
// pool of four: 3 of its 4 workers were in view), the core lanes, the axis, and
// above them the header with every legend entry a traced program's run may
// show without the user acting, after the lead-in words and Live.
float GuiApp::noStageTimelineH(const RunView& run, float width) const {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float fh = ImGui::GetFontSize();
    timeline::setCompactRows(true);
    timeline::setLockRows(true);
    auto laneH = [fh](std::initializer_list<RowKind> rows) { return plannedLaneH(rows, fh); };
    const int cores = usableCoresOf(run);
    const float lanes = static_cast<float>(cores) * laneH({RowKind::CoreProcs, RowKind::CoreLoad}) +
                        5 * laneH({RowKind::Program, RowKind::Os, RowKind::Tasks, RowKind::Locks}) +
                        laneH({RowKind::Program});   // the "N finished" band (foldFinishedLanes)
    timeline::setCompactRows(false);
    const float header = ImGui::GetFrameHeight() + timeline::legendExtraH(tracedLegendPlan(run), width) + st.ItemSpacing.y;
    const float axis = std::round(fh + 6) + 2;
    return std::ceil(2 * st.WindowPadding.y + header + axis + lanes + 2);
}

timeline::LegendPlan GuiApp::tracedLegendPlan(const RunView& run) const {
    const ImGuiStyle& st = ImGui::GetStyle();
    timeline::LegendPlan plan;
    plan.tasks = plan.queue = plan.lock = plan.cpuWork = plan.sleepWork = true;
    plan.workers = 4;
    plan.cores = usableCoresOf(run);
    plan.leadW = ImGui::CalcTextSize("(python started 10.00 s before its first process)").x + st.ItemSpacing.x +
                 ImGui::CalcTextSize("Live").x + 2 * st.FramePadding.x + st.ItemSpacing.x;
    return plan;
}

void GuiApp::drawPresentationPanels(RunView& run, std::int64_t cursor, float controlsH, float timelineH, bool hasQueue,
                                    bool hasLock, bool fixedColumns, const PanelEnv& e) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float bodyH = ds.y - controlsH;
    const std::string& tab = statsTabShown();
    const float y = controlsH + timelineH, h = bodyH - timelineH;
    // A run without a stage (a traced program) keeps the columns it may need
    // from its first frame: a lock or a queue that appears later fills its
    // panel, it moves none.
    if (fixedColumns) hasQueue = hasLock = true;
    // A run with a lock widens the Queue / Lock column (from Stats): "held by
    // ForkPoolWorker-5 for 95 ms" and "waiting: ForkPoolWorker-4 72 ms" each
    // on one line at 1280x720.
    float ws = std::round(ds.x * (hasLock ? 0.37f : 0.41f)), wq = std::round(ds.x * (hasLock ? 0.34f : 0.30f));
    // This run's key lines (makespan, speedup, efficiency, tasks, the
    // callout, sequential) take four lines in 41 % of the width: where the
    // timeline's four worker lanes leave the panel three (8 cpu workers, a
    // sweep's runs browsed with [ and ] at 1280x720: 145 px, "sequential"
    // under the edge, session 22), the column widens until the numbers take
    // two lines, the Queue and Code columns sharing the rest. Decided from
    // the split alone (held while runs are browsed), so no panel moves with
    // the run picked, nor when Run is pressed on the stage (the stage's split
    // is the run's, and the stage shows Predict where the run shows This run:
    // [layout]'s "no panel moves when a run starts", so whatever the tab).
    // Not with a lock: its column needs its width ("held by …", the waiters' table: at 282 px "Process-2" broke).
    if (!fixedColumns && !hasLock) {
        const ImGuiStyle& st = ImGui::GetStyle();
        const float body = h - 2 * st.WindowPadding.y - ImGui::GetFrameHeight() - 2 * st.ItemSpacing.y;
        const int lines = static_cast<int>((body + st.ItemSpacing.y) / ImGui::GetTextLineHeightWithSpacing());
        if (lines < 4) {
            ws = std::round(ds.x * 0.56f);
            wq = std::round((ds.x - ws) / 2);
        }
    }
    const float wc = ds.x - ws - wq;
    drawTimelinePanel(run, cursor, Rect{0, controlsH, ds.x, timelineH}, e);
    // Why and, once a run is shown, Predict (its verdicts, one line each)
    // take the whole width; so does Session, whose table of runs has seven
    // columns of whole words ("pool-sizes", "makespan", "speedup over
    // sequential"): in 41 % of 1280 px they split mid-word ("cp / u").
    // Before a run, Predict's questions take it too where the column cannot
    // show them all (the stage at 4 or more workers: the timeline's lanes
    // leave a tab bar and four lines; in 41 % of the width the first
    // question wraps to two lines and each choice row has its own: the
    // third question was under the window's edge, newcomer walk, session
    // 20). Decided from what the column needed when last drawn at this
    // width, so the choice does not flip as the whole width needs less.
    const std::string predictKey = predictionsKey() + '#' + std::to_string(ws) + '#' + std::to_string(h);
    const bool predictWhole = !run.trace() && tab == "Predict" && m_predictColumn.key == predictKey &&
                              m_predictColumn.need > h + 0.5f;
    const bool why = (run.trace() && (tab == "Why" || tab == "Predict")) || tab == "Session" || predictWhole;
    // Stats at the left: its tab bar starts at the window's left edge at either width.
    drawStatsPanel(run, m_session, Rect{0, y, why ? ds.x : ws, h}, true, e);
    if (!why) {
        if (fixedColumns) {
            // A traced program: one panel for its queues and locks, its
            // room shared by what is in use at the cursor (drawQueueLockPanel).
            m_drawn.queue = Rect{ws, y, wq, h};
            drawQueueLockPanel(run, cursor, m_drawn.queue, e);
        } else if (hasQueue && hasLock) {
            // The lock gets the room for its name, its holder and its waiters
            // at the cursor (classroom walk: half the column showed the lock's
            // name alone); the queue the rest, at least a line (it scrolls).
            const ImGuiStyle& st = ImGui::GetStyle();
            const float lockH = std::round(3 * ImGui::GetTextLineHeightWithSpacing() + 2 * st.WindowPadding.y);
            const float queueH = std::round(std::max(ImGui::GetTextLineHeightWithSpacing() + 2 * st.WindowPadding.y, h - lockH));
            m_drawn.queue = Rect{ws, y, wq, queueH};
            drawQueuePanel(run, cursor, m_drawn.queue, e);
            drawLockPanel(run, cursor, Rect{ws, y + queueH, wq, h - queueH}, e);
        } else if (hasLock) {
            drawLockPanel(run, cursor, Rect{ws, y, wq, h}, e);
        } else {
            m_drawn.queue = Rect{ws, y, wq, h};
            drawQueuePanel(run, cursor, m_drawn.queue, e);
        }
        drawCodePanel(run, cursor, listing(), Rect{ws + wq, y, wc, h}, e);
    }
    m_needTimeline = m_drawn.timelineMinH;
    m_needFromStage = !run.trace();
    m_needQueue = m_drawn.queueNeedH;
    m_needStats = m_drawn.statsNeedH;
    m_reserveStats = m_drawn.statsReserveH;
    if (!run.trace() && tab == "Predict" && !why) m_predictColumn = PredictColumn{predictKey, m_drawn.statsNeedH};
}

void GuiApp::layoutAndDraw() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float fh = ImGui::GetFontSize();
    // The controls wrap with the window; they get the height they needed last
    // frame (the first frame: an estimate of two rows and the caption).
    if (m_controlsH <= 0) m_controlsH = std::round(3 * (fh + 10) + 8);
    const float controlsH = std::min(m_controlsH, std::round(ds.y * 0.4f));
    drawControlsPanel(*this, Rect{0, 0, ds.x, controlsH});
    layoutBody(controlsH);
    // The caption's "Your prediction" follows the prediction wherever it is
    // changed (a drag on the timeline, the Predict tab's slider or typed
    // value), while the caption still shows it: one value on screen.
    auto predictionWords = [this]() -> std::string {
        for (std::size_t i = 0; i < m_predict.questions.size() && i < m_predict.answers.size(); ++i)
            if (m_predict.questions[i].kind == QuestionKind::Makespan && m_predict.answers[i].given) {
                char buf[200];
                std::snprintf(buf, sizeof buf,
                              "Your prediction: %.2f s (drag on the timeline, or use the Predict tab, to change it); "
                              "Run (Space) to see the answer.",
                              m_predict.answers[i].seconds);
                return buf;
            }
        return "";
    };
    if (m_drawn.predictionDropped) {
        m_predictionCaption = predictionWords();
        setMessage(m_predictionCaption);
    } else if (!m_predictionCaption.empty()) {
        if (message() != m_predictionCaption) {
            m_predictionCaption.clear();   // another message took the caption
        } else if (compareOn()) {
            // Compare asks its own question (in the Plots) and answers it with
            // Sweep: the run's "Run (Space) to see the answer" stood over it
            // (newcomer walk), so the caption says what Compare's panel says.
            m_predictionCaption.clear();
            setMessage("");
        } else if (const std::string now = predictionWords(); now != m_predictionCaption) {
            m_predictionCaption = now;
            setMessage(now);
        }
    }
    // Last: the caption tells the cursor the panels above may have moved this frame.
    m_controlsH = drawControlsCaption(*this, Rect{0, 0, ds.x, controlsH});
    // While a sweep goes on the controls never shrink (the caption is one
    // line then, sweepCaption; where even that wraps, the panels below move
    // once, never back and forth with every event).
    m_sweepControlsH = sweeping() ? std::max(m_sweepControlsH, m_controlsH) : 0;
    if (sweeping()) m_controlsH = m_sweepControlsH;
    // Nor do they shrink back for one scenario at one window size and type:
    // a row the shown run's note took once (a run of another scenario picked
    // with [, "shown run: pool-sizes, 8 workers, cpu") stays when the note
    // goes (] back, Run), so the panels under the pointer move once, not
    // down and up with every pick (classroom walk, session 19: 38 px each
    // way). A new scenario, window size or type lays the toolbar out anew.
    const std::string floorKey = m_scenario.name + (current().traced() ? "#traced " : " ") + std::to_string(ds.x) + "x" +
                                 std::to_string(ds.y) + "@" + std::to_string(fh);
    if (m_controlsFloor.key != floorKey) m_controlsFloor = ControlsFloor{floorKey, 0};
    m_controlsFloor.h = std::max(m_controlsFloor.h, m_controlsH);
    m_controlsH = m_controlsFloor.h;
    m_controlsSteady = std::min(m_controlsH, std::round(ds.y * 0.4f)) == controlsH;
}

void GuiApp::layoutBody(float controlsH) {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float fh = ImGui::GetFontSize();
    RunView& run = current();
    std::int64_t cursor = run.cursor();
    const PanelEnv e = env();
    timeline::setPlannedLegendExtra(0);   // presentation's layout says what it planned (layoutPresentation)
    // The Session table's Compare checkboxes reflect the runs as they are now.
    for (SessionRun& sr : m_session.rows) {
        auto it = std::find_if(m_runs.begin(), m_runs.end(), [&](const auto& v) { return v->number() == sr.number; });
        sr.open = it != m_runs.end();
        sr.pinned = sr.open && (*it)->pinned();
    }
    for (int number : m_session.pinToggles)
        for (auto& v : m_runs)
            if (v->number() == number) v->setPinned(!v->pinned());
    m_session.pinToggles.clear();
    if (m_compare.on) {
        layoutCompare(controlsH, ds.y - controlsH, e);
        drawTaskEditor(*this);
        return;
    }
    const float bodyH = ds.y - controlsH;
    // Queue and lock panels share a column; a scenario without a queue (or
    // lock) leaves that panel just its one-line note and gives the room to the other.
    const KindInfo kind = kindInfo(run.isStage() ? m_scenario.kind : run.scenario().kind);
    const bool hasQueue = run.trace() ? run.meta().countOf(ObjectKind::Queue) > 0 : kind.makesQueue;
    const bool hasLock = run.trace() ? run.meta().countOf(ObjectKind::Lock) > 0 : kind.makesLock;
    const float note = std::round(fh * 3.4f);
    auto queueAndLock = [&](float x, float y, float w, float h) {
        float queueH = std::round(h * 0.5f);
        if (hasQueue && !hasLock) queueH = h - note;
        else if (!hasQueue && hasLock) queueH = note;
        m_drawn.queue = Rect{x, y, w, queueH};
        drawQueuePanel(run, cursor, m_drawn.queue, e);
        drawLockPanel(run, cursor, Rect{x, y + queueH, w, h - queueH}, e);
    };
    if (m_window.typeSize() == TypeSize::Large) {
        layoutPresentation(run, cursor, controlsH, hasQueue, hasLock, e);
    } else {
        const float rightW = std::round(std::max(300.0f, ds.x * 0.32f));
        const float leftW = ds.x - rightW;
        const float timelineH = std::round(bodyH * 0.60f);
        const float bottomH = bodyH - timelineH;
        drawTimelinePanel(run, cursor, Rect{0, controlsH, leftW, timelineH}, e);
        cursor = run.cursor();   // as in presentation: the panels tell the moment the timeline set
        drawOutputPanel(run, cursor, Rect{0, controlsH + timelineH, std::round(leftW * 0.5f), bottomH}, e);
        drawStatsPanel(run, m_session,
                       Rect{std::round(leftW * 0.5f), controlsH + timelineH, leftW - std::round(leftW * 0.5f), bottomH},
                       false, e);
        // The right column: Queue / Lock, Explain (why, at the cursor), Code.
        const float shared = std::round(bodyH * 0.36f), explainH = std::round(bodyH * 0.34f);
        queueAndLock(leftW, controlsH, rightW, shared);
        drawExplainPanel(run, cursor, Rect{leftW, controlsH + shared, rightW, explainH}, e);
        drawCodePanel(run, cursor, listing(), Rect{leftW, controlsH + shared + explainH, rightW, bodyH - shared - explainH}, e);
    }
    drawTaskEditor(*this);
}

} // namespace parviz::gui
