#include "gui/run_view.hpp"

#include "parviz/explain.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>

namespace parviz::gui {

RunView::RunView(Scenario scenario) : m_scenario(std::move(scenario)) {}

RunView::~RunView() = default;

std::unique_ptr<RunView> RunView::startLive(int number, const Scenario& scenario, const RunOptions& opts) {
    std::unique_ptr<RunView> v(new RunView());
    v->m_number = number;
    v->m_scenario = scenario;
    v->m_run = std::make_unique<Run>(scenario, opts);
    v->m_run->start();
    v->m_startedAt = std::chrono::steady_clock::now();
    v->m_trace = v->m_run->trace();
    v->m_meta = v->m_trace->meta();
    return v;
}

std::unique_ptr<RunView> RunView::fromTrace(int number, std::shared_ptr<Trace> trace, std::string source) {
    std::unique_ptr<RunView> v(new RunView());
    v->m_number = number;
    v->m_source = std::move(source);
    v->m_trace = std::move(trace);
    v->m_endStatus = RunStatus::Finished;
    v->m_meta = v->m_trace->meta();
    // The listing lives with the scenario: found when it is a built-in or its file is still here.
    try {
        v->m_scenario = loadScenario(v->m_meta.scenario);
    } catch (const std::exception&) {
        v->m_scenario = Scenario{};
        v->m_scenario.name = v->m_meta.scenario;
        v->m_haveScenario = false;
    }
    v->m_view.follow = false;
    v->update();
    v->fitWholeRun();
    return v;
}

std::unique_ptr<RunView> RunView::startTraced(int number, std::vector<std::string> argv, CorePref cores) {
    std::unique_ptr<RunView> v(new RunView());
    v->m_number = number;
    TracedProgramOptions po;
    po.cores = cores;
    po.stdinDevNull = true;   // the window has no terminal to give it
    v->m_argv = argv;
    v->m_program = std::make_unique<TracedProgram>(std::move(argv), po);
    v->m_programGroup = v->m_program->pid();
    v->m_ringDir = v->m_program->ringDirectory();
    v->m_startedAt = std::chrono::steady_clock::now();
    v->m_trace = v->m_program->trace();
    v->m_meta = v->m_trace->meta();
    v->m_scenario.name = v->m_program->name();
    v->m_scenario.title = v->m_program->commandLine();
    v->m_haveScenario = false;
    return v;
}

std::string RunView::waitingForProgram() const {
    if (!traced() || (!m_program && m_argv.empty())) return "";   // a loaded trace: nothing to wait for
    return waitingForProgramLine(hookStatus(), m_scenario.name);
}

std::string RunView::takeHookNews() {
    if (m_hookSettled || m_argv.empty()) return "";
    const HookStatus h = hookStatus();
    if (h.kind == HookStatus::Starting || (h.kind == HookStatus::NotYet && m_hookToldNotYet)) return "";
    std::string line = hookStatusLine(h, m_scenario.name, m_hookToldNotYet);
    m_hookToldNotYet = m_hookToldNotYet || h.kind == HookStatus::NotYet;
    m_hookSettled = h.kind == HookStatus::Loaded || h.kind == HookStatus::NeverLoaded;
    return line;
}

std::string RunView::programExit() const {
    if (m_program) return m_program->describeExit();
    return m_exitText;
}

const std::vector<Scenario::CodeLine>& RunView::sourceListing() {
    if (!traced() || !m_trace || !m_sourceCode.empty() || !m_sourceError.empty()) return m_sourceCode;
    m_sourceFile = tracedProgramFile(m_model, *m_trace);
    if (m_sourceFile.empty()) return m_sourceCode;   // no traced line yet
    std::ifstream in(m_sourceFile);
    if (!in) {
        m_sourceError = m_sourceFile + ": cannot read it (moved, or another machine's path)";
        return m_sourceCode;
    }
    constexpr std::size_t kMaxLines = 20000;
    std::string line;
    while (m_sourceCode.size() < kMaxLines && std::getline(in, line)) {
        for (char& c : line)
            if (c == '\t') c = ' ';
        m_sourceCode.push_back(Scenario::CodeLine{line, ""});
    }
    if (m_sourceCode.empty()) m_sourceError = m_sourceFile + ": empty";
    return m_sourceCode;
}

std::string RunView::label() const { return label(0); }

std::int64_t RunView::labelMakespanNs() const {
    if (live() || !trace()) return 0;
    if (!m_labelMakespanNs) m_labelMakespanNs = computeStats(model(), *trace()).makespanNs;
    return *m_labelMakespanNs;
}

std::string RunView::label(std::int64_t unitRefNs) const {
    if (isStage()) return m_scenario.name;
    std::string s = std::to_string(m_number) + " · " + (m_meta.scenario.empty() ? m_scenario.name : m_meta.scenario);
    if (m_meta.workers > 0) s += " · " + std::to_string(m_meta.workers) + (m_meta.workers == 1 ? " worker" : " workers");
    if (!m_meta.work.empty()) s += " · " + m_meta.work;
    if (!live() && trace()) {
        // The makespan, in the Compare row's and Stats' words and format.
        s += " · " + formatSecondsLike(labelMakespanNs(), unitRefNs);
    }
    if (traced() && !live() && !programExit().empty()) s += " · " + programExit();
    if (m_sweepDiscardedAttempt) s += " (not kept: machine busy)";
    if (fromFile()) s += " (file)";
    else if (status() == RunStatus::Stopped) s += " (stopped)";
    else if (status() == RunStatus::Failed) s += " (failed)";
    return s;
}

// A Run (or traced program) says finished, failed or stopped as soon as its
// processes are done, a few frames before its Collector's last pass has put
// the last events in the Trace; update() lets go of it only once wait(0) says
// everything is collected. Until then the view is still Running, so the
// header, Stats, the session table and the test state never report an ended
// run over a model short of its last events.
RunStatus RunView::status() const noexcept {
    const auto collecting = [](RunStatus s) {
        return s == RunStatus::Finished || s == RunStatus::Failed || s == RunStatus::Stopped ? RunStatus::Running : s;
    };
    if (m_run) return collecting(m_run->status());
    if (m_program) return collecting(m_program->status());
    return m_trace ? m_endStatus : RunStatus::NotStarted;
}

bool RunView::live() const noexcept {
    const RunStatus s = status();
    return (m_run || m_program) && (s == RunStatus::Running || s == RunStatus::Paused);
}

std::int64_t RunView::zero() const noexcept { return m_trace ? m_trace->zero() : 0; }
std::int64_t RunView::now() const noexcept { return m_trace && m_model.now() ? m_model.now() : zero(); }
std::int64_t RunView::cursor() const noexcept { return m_cursor ? *m_cursor : now(); }

void RunView::setCursor(std::optional<std::int64_t> absNs) { m_cursorRequest = absNs; }

void RunView::commitCursor() {
    if (!m_cursorRequest) return;
    std::optional<std::int64_t> absNs = *m_cursorRequest;
    m_cursorRequest.reset();
    if (absNs) absNs = std::clamp(*absNs, zero(), std::max(zero(), now()));
    m_cursor = absNs;
}

void RunView::update() {
    if (!m_trace) return;
    m_model.update(*m_trace);
    m_meta = m_trace->meta();
    if (m_run && m_run->wait(0.0)) {
        // Ended: its processes are reaped; the trace is all that is kept.
        m_endStatus = m_run->status();
        m_run.reset();
        m_model.update(*m_trace);
        m_meta = m_trace->meta();
    }
    if (m_program && m_program->wait(0.0)) {
        // Ended and reaped, its group gone: keep the trace and how it ended.
        m_endStatus = m_program->status();
        m_exitText = m_program->describeExit();
        m_exitStatus = m_program->exitStatus();
        m_lostEvents = m_program->lostEvents();
        m_reenteredEvents = m_program->reenteredEvents();
        m_hookStatus = m_program->hookStatus();
        m_program.reset();
        m_model.update(*m_trace);
        m_meta = m_trace->meta();
    }
    const bool over = m_meta.finished && !live();
    if (over && m_view.follow && !m_cursor && !m_fittedAtEnd) {
        // A followed run that has ended: show all of it, its start included.
        fitWholeRun();
        m_fittedAtEnd = true;
    }
    if (m_view.follow && !m_cursor && !over) {
        const std::int64_t rel = now() - zero();
        const std::int64_t width = std::max<std::int64_t>(m_view.end - m_view.begin, 1'000'000);
        // A view from the run's start keeps its start while the run is short
        // of a minute: it widens by half when the live edge nears its end, so
        // the class sees the first puts and gets beside the latest (newcomer
        // walk, session 29: at 2.93 s of the pool demo the axis began at
        // 1.2 s). Past a minute, or panned away from the start, it scrolls.
        constexpr std::int64_t kGrowWhileUnder = 60'000'000'000;
        if (m_view.begin <= 0 && rel > m_view.end - width / 20 && rel < kGrowWhileUnder) {
            m_view.begin = 0;
            m_view.end = std::max(m_view.end, rel + rel / 2);
        } else if (rel > m_view.end - width / 20) {
            m_view.end = rel + width / 20;
            m_view.begin = m_view.end - width;
        }
        if (m_view.begin < 0) {
            m_view.end -= m_view.begin;
            m_view.begin = 0;
        }
    }
}

void RunView::fitWholeRun() {
    // The run's real length, however short (the queue demo takes ~50 us):
    // zoom() stops at 10 us, so does this.
    std::int64_t rel = std::max<std::int64_t>(now() - zero(), 10'000);
    // A prediction not far past the end is taken in; one far past it (5 s
    // for a 1 s run) stays at the edge, "predicted 5.00 s →": taken in, it
    // squeezed the whole run into a fifth of the lanes (classroom walk,
    // session 31).
    if (const auto p = predictedEnd(); p && *p - zero() <= rel + rel / 2) rel = std::max(rel, *p - zero());
    m_view.begin = 0;
    m_view.end = rel + rel / 50;
    // A traced program's long start-up before its multiprocessing is left of
    // the view (still there zooming out or scrolling left; the timeline says so).
    if (const LeadIn l = leadIn(); l.cut) {
        const std::int64_t span = std::max<std::int64_t>(rel - l.leadNs, 10'000);
        m_view.begin = std::max<std::int64_t>(0, l.leadNs - span / 50);
        m_view.end = rel + span / 50;
    }
}

LeadIn RunView::leadIn() const {
    if (!m_trace) return {};
    // Once its activity is found only `cut` can change (the run grows); until then each new event may be it.
    if (m_leadInAt != m_model.consumed() || m_leadIn.activityT == kNever || m_leadInNow != now()) {
        m_leadIn = programLeadIn(m_model, *m_trace, now());
        m_leadInAt = m_model.consumed();
        m_leadInNow = now();
    }
    return m_leadIn;
}

std::optional<std::int64_t> RunView::predictedEnd() const {
    // The makespan runs from the first task's start, as the question's answer does.
    for (std::size_t i = 0; i < m_questions.size() && i < m_predictions.size(); ++i) {
        if (m_questions[i].kind != QuestionKind::Makespan || !m_predictions[i].given) continue;
        std::int64_t first = kNever;
        for (const TaskRecord& r : m_model.tasks())
            if (r.t0 != kNever) first = std::min(first, r.t0);
        if (first == kNever) return std::nullopt;
        return first + static_cast<std::int64_t>(m_predictions[i].seconds * 1e9);
    }
    return std::nullopt;
}

void RunView::zoom(float factor, std::optional<std::int64_t> anchorRel) {
    const double b = static_cast<double>(m_view.begin), e = static_cast<double>(m_view.end);
    const double a = anchorRel ? static_cast<double>(*anchorRel) : (b + e) / 2;
    const double nb = a - (a - b) / factor, ne = a + (e - a) / factor;
    if (ne - nb < 10'000) return;              // 10 µs is as close as anyone needs
    if (ne - nb > 1e13) return;
    m_view.begin = static_cast<std::int64_t>(nb);
    m_view.end = static_cast<std::int64_t>(ne);
}

const RunStats& RunView::statsAtCursor() {
    // computeStats reads the run model's records (O(records), not O(events)):
    // recompute when the cursor moves, and during a live run once its last
    // cost has been paid back twenty times over (at most every 250 ms): a
    // demo's few tasks every frame, so Stats' "makespan so far" keeps up with
    // the caption (newcomer at load 17: 2.10 s beside the caption's 2.63 s),
    // a 60 000-task run's a few times a second.
    const std::size_t n = m_model.consumed();
    const std::int64_t c = m_cursor ? *m_cursor : -1;
    const auto t = std::chrono::steady_clock::now();
    const bool stale = n != m_statsModelAt || c != m_statsCursor;
    const auto wait = std::min<std::chrono::steady_clock::duration>(20 * m_statsCost, std::chrono::milliseconds(250));
    if (m_trace && stale && (c != m_statsCursor || t - m_statsAt >= wait || !live())) {
        m_stats = computeStats(m_model, *m_trace, m_cursor);
        m_statsCost = std::chrono::steady_clock::now() - t;
        // A demo's tasks are its scenario's from the start: "1/4 done" mid-run, not "1 done of 3 so far";
        // and a run stopped mid-way is "1/4 done", not "1/3" of the tasks it had started (the run's
        // trace alone knows only those). A reopened file is left as its trace says (its jobs may differ).
        if (m_haveScenario && !traced() && !fromFile() &&
            m_scenario.tasks.size() >= static_cast<std::size_t>(m_stats.tasksTotal) && !m_scenario.tasks.empty()) {
            m_stats.tasksTotal = static_cast<int>(m_scenario.tasks.size());
            m_stats.tasksTotalFinal = true;
        }
        m_statsModelAt = n;
        m_statsCursor = c;
        m_statsAt = t;
    }
    return m_stats;
}

void RunView::setPredictions(std::vector<Question> qs, std::vector<std::string> asks, std::vector<Guess> ps) {
    m_questions = std::move(qs);
    m_asks = std::move(asks);
    m_predictions = std::move(ps);
}

const std::string& RunView::stepEdgeNote(std::int64_t cursor) const {
    static const std::string none;
    if (!m_trace) return none;
    EdgeNote& c = m_edgeNote;
    // now(): a live run's same-instant width (sameInstantNs) follows it.
    if (c.modelAt != m_model.consumed() || c.cursor != cursor || c.only != m_view.stepOnly || c.now != m_model.now()) {
        c.note = parviz::stepEdgeNote(m_model, *m_trace, cursor, m_view.stepOnly);
        c.modelAt = m_model.consumed();
        c.cursor = cursor;
        c.only = m_view.stepOnly;
        c.now = m_model.now();
    }
    return c.note;
}

bool RunView::step(bool forward) {
    if (!m_trace) return false;
    // From a move already asked for this frame (two steps in one frame go two events).
    const std::int64_t from = m_cursorRequest ? m_cursorRequest->value_or(now()) : cursor();
    const auto s = stepProgramEvent(m_model, *m_trace, from, forward, m_view.stepOnly);
    if (s) cursorToStep(s->t);
    return s.has_value();
}

void RunView::cursorToStep(std::int64_t t) {
    m_view.follow = false;
    setCursor(t);
    const std::int64_t rel = t - zero(), span = std::max<std::int64_t>(1, m_view.end - m_view.begin);
    if (rel < m_view.begin || rel > m_view.end) {
        m_view.begin = std::max<std::int64_t>(0, rel - span / 2);
        m_view.end = m_view.begin + span;
    }
}

bool RunView::stepToEdge(bool last) {
    if (!m_trace) return false;
    // From beyond either end, one step inward: the first event after the
    // earliest instant, the last before the latest.
    const std::int64_t from = last ? std::numeric_limits<std::int64_t>::max() / 4 : std::numeric_limits<std::int64_t>::min() / 4;
    const auto s = stepProgramEvent(m_model, *m_trace, from, !last, m_view.stepOnly);
    if (s) cursorToStep(s->t);
    return s.has_value();
}

std::optional<std::int64_t> RunView::firstStepAt() const {
    if (!m_firstStep && m_trace)
        if (const auto s = stepProgramEvent(m_model, *m_trace, std::numeric_limits<std::int64_t>::min() / 4, true, kNoProc))
            m_firstStep = s->t;   // it stays the first: later events come after it
    return m_firstStep;
}

const std::vector<Callout>& RunView::callouts() {
    const std::size_t n = m_model.consumed();
    const auto t = std::chrono::steady_clock::now();
    bool changed = false;
    if (m_trace && n != m_calloutsModelAt && (!live() || t - m_calloutsAt > std::chrono::milliseconds(250))) {
        m_callouts = findCallouts(m_model, *m_trace);
        m_calloutsModelAt = n;
        m_calloutsAt = t;
        changed = true;
    }
    // Up to the cursor: a callout whose stretch begins after it is not shown,
    // so stepping back before a tail hides it (the live cursor: all so far).
    const std::int64_t cut = cursorIsLive() ? kOpenEnd : cursor();
    if (changed || cut != m_calloutsCut) {
        m_calloutsShown.clear();
        for (const Callout& c : m_callouts)
            if (c.t0 <= cut) m_calloutsShown.push_back(c);
        m_calloutsCut = cut;
    }
    return m_calloutsShown;
}

const ChunkBrackets& RunView::chunks() {
    const std::size_t n = m_model.consumed();
    const auto t = std::chrono::steady_clock::now();
    if (m_trace && n != m_chunksModelAt && (!live() || t - m_chunksAt > std::chrono::milliseconds(250))) {
        std::vector<std::string> names;
        if (m_haveScenario)
            for (const TaskSpec& ts : m_scenario.tasks) names.push_back(ts.name);
        m_chunks = buildChunkBrackets(m_model, *m_trace, names);
        m_chunksModelAt = n;
        m_chunksAt = t;
    }
    return m_chunks;
}

void RunView::togglePause() {
    if (!m_run) return;   // a traced program is not paused (its threads' timeouts would fire)
    if (m_run->status() == RunStatus::Running) m_run->pause();
    else if (m_run->status() == RunStatus::Paused) m_run->resume();
}

void RunView::stop() {
    if (!live()) return;
    if (m_run) m_run->stop();
    else m_program->stop();
}

bool RunView::killWorker(const std::string& name) {
    if (!live()) return false;
    if (m_run) return m_run->killWorker(name);
    // A traced program's process, by the name the trace gave it.
    const auto& procs = m_model.procs();
    for (std::size_t p = 1; p < m_meta.procs.size() && p < procs.size(); ++p)
        if (m_meta.procs[p].name == name && procs[p].exitT == kNever && procs[p].pid > 0)
            return m_program->killProcess(static_cast<pid_t>(procs[p].pid));
    return false;
}

} // namespace parviz::gui
