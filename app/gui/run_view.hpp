#pragma once
// RunView: one run as the window shows it — a live run of this session or a
// saved run opened from a file — with its run model and its own view state
// (time cursor, zoom, scroll, stats cache). The window keeps a list of them
// (GuiApp), and every panel is drawn from one RunView, a cursor and a
// rectangle, never from the whole app. Switching runs therefore keeps each
// run's cursor and zoom exactly where its user left them.
//
// Life of a live view: created with a Run that is started at once; update()
// (once per frame) reads the new events into the model and, once the run has
// ended, releases its processes (the Run object) and keeps the trace, so an
// ended run costs only its trace. A loaded view never has a Run. A traced
// Python program (startTraced) lives the same way, with a TracedProgram
// (core/include/parviz/traced_program.hpp) in place of the Run: Stop ends
// its whole process group, and once it has ended its exit status stays.
//
// Threading: the GUI thread only (the Run's own threads write the Trace,
// which the model reads as trace.hpp allows).
#include "parviz/chunks.hpp"
#include "parviz/explain.hpp"
#include "parviz/questions.hpp"
#include "parviz/run.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"
#include "parviz/sweep.hpp"
#include "parviz/traced_program.hpp"
#include "parviz/views.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parviz::gui {

// Where the timeline looks, in ns relative to the run's zero.
struct TimelineView {
    std::int64_t begin = 0, end = 2'000'000'000;
    bool follow = true;          // keep "now" in view while the run goes on
    float scrollY = 0;
    ProcId stepOnly = kNoProc;   // whose events the step keys and buttons go through (kNoProc: all)
    // The legend's height while the cursor is back from the live edge, held
    // at the tallest it has been since (and for this window width): a cursor
    // moved before a callout's time drops its entry, and a legend a line
    // shorter moved the panels below under the hand.
    float legendHeldH = 0;
    float legendHeldForW = 0;
};

class RunView {
public:
    // The stage: no run yet, only the scenario a Run would use.
    explicit RunView(Scenario scenario);
    // A new live run, started at once. number: this session's run number.
    // Throws what Run's constructor and start() throw (ScenarioError, ...).
    static std::unique_ptr<RunView> startLive(int number, const Scenario& scenario, const RunOptions& opts);
    // A saved run (no process is started). source: the file it was read
    // from. Its scenario is looked up by the recorded name (built-in or file)
    // for the Code panel; when it cannot be found, haveScenario() is false.
    static std::unique_ptr<RunView> fromTrace(int number, std::shared_ptr<Trace> trace, std::string source);
    // A program (argv: PROGRAM ARGS..., normally python3 script.py) traced
    // live, started at once. Throws ProgramError for a missing or
    // non-executable PROGRAM, std::runtime_error when tracing cannot start.
    static std::unique_ptr<RunView> startTraced(int number, std::vector<std::string> argv, CorePref cores);
    ~RunView();
    RunView(const RunView&) = delete;
    RunView& operator=(const RunView&) = delete;

    // ---- identity ------------------------------------------------------------
    int number() const noexcept { return m_number; }        // 0 for the stage
    bool isStage() const noexcept { return !m_trace; }
    bool fromFile() const noexcept { return !m_source.empty(); }
    const std::string& source() const noexcept { return m_source; }   // the file, for a loaded run
    // "3 · pool · 4 workers · cpu · 1.53 s" (length once ended; "(file)" for a loaded run).
    std::string label() const;
    // The same with its makespan in the unit of unitRefNs (the run list's
    // longest makespan, labelMakespanNs): one unit down the list.
    std::string label(std::int64_t unitRefNs) const;
    // The makespan the label shows; 0 while live or before a trace.
    std::int64_t labelMakespanNs() const;
    const Scenario& scenario() const noexcept { return m_scenario; }
    bool haveScenario() const noexcept { return m_haveScenario; }
    // A traced Python program (live, or a saved trace of one).
    bool traced() const noexcept { return m_meta.work == kTracedProgramWork; }
    // What a traced program was started with (empty for a loaded trace): Restart runs it again.
    const std::vector<std::string>& programArgv() const noexcept { return m_argv; }
    // A traced program still running or not yet reaped (its trace still growing).
    bool programRunning() const noexcept { return m_program != nullptr; }
    // The traced program's end as a shell reports it ("exit 0", "exit 1",
    // "killed by SIGTERM (15)", "stopped"); "running" while it runs; "" when
    // not known (a loaded trace, a scenario run).
    std::string programExit() const;
    std::optional<int> programExitStatus() const { return m_program ? m_program->exitStatus() : m_exitStatus; }
    // Events the program's processes dropped, and of those written by a signal handler mid-write.
    std::uint64_t programLostEvents() const noexcept { return m_program ? m_program->lostEvents() : m_lostEvents; }
    std::uint64_t programReenteredEvents() const noexcept {
        return m_program ? m_program->reenteredEvents() : m_reenteredEvents;
    }
    // Whether the traced program's root has loaded the tracer (TracedProgram::hookStatus);
    // kept once it has ended; Loaded for every other run (nothing to wait for).
    HookStatus hookStatus() const noexcept { return m_program ? m_program->hookStatus() : m_hookStatus; }
    // What every panel says instead of its content while a traced program's
    // root has not announced itself ("Waiting for my_queue.py to start
    // (2.1 s so far): ..."; "my_queue.py ended without loading ..."); "" once it has.
    std::string waitingForProgram() const;
    // The header's news about the hook, once each (hookStatusLine): "not yet"
    // after 3 s, then "traced after all" or "ended without loading ..."; "" when nothing new.
    std::string takeHookNews();
    // The live traced program's process group and ring directory (0 and ""
    // otherwise; for tests: both are gone once it has ended).
    pid_t programGroup() const noexcept { return m_programGroup; }
    const std::string& ringDirectory() const noexcept { return m_ringDir; }
    // A traced program's Code panel: its own source file (the file of its
    // first traced line, tracedProgramFile) read from disk, one CodeLine a
    // line; empty until a line was traced or when the file cannot be read
    // (sourceError() says why).
    const std::vector<Scenario::CodeLine>& sourceListing();
    const std::string& sourceFile() const noexcept { return m_sourceFile; }
    const std::string& sourceError() const noexcept { return m_sourceError; }

    // ---- what panels read ----------------------------------------------------
    const Trace* trace() const noexcept { return m_trace.get(); }
    const std::shared_ptr<Trace>& sharedTrace() const noexcept { return m_trace; }
    const TraceMeta& meta() const noexcept { return m_meta; }
    // The stage's time scale: the one a Run would use (the toolbar's, else
    // the scenario's), so its axis says it before any run (its question does).
    double stageScale() const noexcept { return m_stageScale; }
    void setStageScale(double s) noexcept { m_stageScale = s; }
    const RunModel& model() const noexcept { return m_model; }
    RunStatus status() const noexcept;
    bool live() const noexcept;                   // running or paused
    std::int64_t zero() const noexcept;           // absolute ns of the run's zero
    std::int64_t now() const noexcept;            // absolute ns of the latest event
    // One cursor per frame: every panel of a frame (timeline, caption, Stats,
    // Why, Queue, Code) reads the same cursor(). A move asked for while the
    // frame draws (a click on the timeline, Next, a callout) is held and
    // takes effect at the next frame's start (commitCursor), so no panel
    // drawn before the click tells another moment than one drawn after it.
    std::int64_t cursor() const noexcept;         // absolute ns the panels show
    bool cursorIsLive() const noexcept { return !m_cursor.has_value(); }
    void setCursor(std::optional<std::int64_t> absNs);   // nullopt: follow "now"; clamped to the run; held
    // Applies the move setCursor held (once a frame, before anything is drawn).
    void commitCursor();
    // A move is held: the window must draw the next frame at once.
    bool cursorMoveHeld() const noexcept { return m_cursorRequest.has_value(); }
    TimelineView& timeline() noexcept { return m_view; }
    const TimelineView& timeline() const noexcept { return m_view; }
    void zoom(float factor, std::optional<std::int64_t> anchorRel = std::nullopt);
    // Moves the cursor to the next (previous) program event of timeline().stepOnly
    // (stepProgramEvent), stops following and pans the timeline to keep it in
    // view; false when there is none.
    bool step(bool forward);
    // Home / End: the first (last) program event of timeline().stepOnly, as
    // step() moves there (a run's hundred events need no hundred presses:
    // newcomer walk, session 28); false when there is none.
    bool stepToEdge(bool last);
    // stepEdgeNote at `cursor` for timeline().stepOnly ("the last event", ...),
    // kept while the cursor, the process stepped and the model stay put: it
    // walks a whole same-instant step group (O(group): a parent's 10 000 puts
    // in a row), and the step row asks for it up to three times a frame.
    const std::string& stepEdgeNote(std::int64_t cursor) const;
    // The widest "at …" the step row has needed for this run at type size
    // fontPx (px; 0 after a change of type): the row keeps its place while
    // the cursor's digits and words change (stepRowWidth).
    // Absolute ns of the run's first program event (a step's target), once
    // there is one: the earliest instant the step row can say.
    std::optional<std::int64_t> firstStepAt() const;
    float& stepAtReserve(float fontPx) const {
        if (m_stepAt.fontPx != fontPx) m_stepAt = StepAtReserve{fontPx, 0.0f};
        return m_stepAt.w;
    }
    // The whole run in view, and the makespan prediction too when it lies
    // beyond the run's end (finding 3 of the classroom walk: "predicted
    // 1.52 s →" pinned at the right edge beside a 1.02 s run), so its mark
    // is drawn at its true time on an axis that covers it.
    void fitWholeRun();
    // A traced program's start-up before its multiprocessing (core programLeadIn): Fit leaves it out when cut.
    LeadIn leadIn() const;
    // Absolute ns where the makespan prediction this run was started with
    // says it ends (its first task's start + the guess), nullopt when there
    // is none, it was not given, or no task has started.
    std::optional<std::int64_t> predictedEnd() const;
    // Stats at the cursor, recomputed when the cursor moves and, while live,
    // at most four times a second (computeStats is O(model records)).
    const RunStats& statsAtCursor();
    LaneRecords& laneScratch() noexcept { return m_lanes; }   // reused every frame (no allocation)
    // The callouts found in the run so far (explain.hpp) whose stretch
    // begins at or before the cursor (the live cursor: all of them): found
    // again when the trace grew, at most four times a second while live
    // (findCallouts is O(model records)); filtered when the cursor moved.
    const std::vector<Callout>& callouts();
    // Pool.map's chunks as brackets (chunks.hpp), named with the scenario's
    // task names; recomputed like callouts(). Empty for runs without chunks.
    const ChunkBrackets& chunks();

    // ---- per frame and actions -------------------------------------------------
    // Reads the new events into the model (O(new events)), keeps "now" in
    // view while following, fits the whole run once when it ends, and
    // releases the processes of an ended run.
    void update();
    void togglePause();                           // a live run only
    void stop();                                  // kill every worker; status Stopped
    bool killWorker(const std::string& name);     // SIGKILL; false if no such live worker
    Run* run() noexcept { return m_run.get(); }   // nullptr once ended or for a loaded run
    // Predict, then reveal: what the class predicted before this run (asks:
    // the questions as they were asked), answered from the run once it ends.
    void setPredictions(std::vector<Question> qs, std::vector<std::string> asks, std::vector<Guess> ps);
    const std::vector<Question>& questions() const noexcept { return m_questions; }
    const std::vector<std::string>& asks() const noexcept { return m_asks; }
    const std::vector<Guess>& predictions() const noexcept { return m_predictions; }
    // Pinned runs are the Compare view's rows.
    bool pinned() const noexcept { return m_pinned; }
    void setPinned(bool p) noexcept { m_pinned = p; }
    // A Sweep's retries: this run is attempt `attempt` (1-based) of its
    // configuration; `discarded` holds the other attempts, flagged busy
    // (makespan and verdict), in run order. The Compare row says so.
    void setSweepAttempts(int attempt, std::vector<SweepAttempt> discarded) {
        m_sweepAttempt = attempt;
        m_sweepDiscarded = std::move(discarded);
    }
    int sweepAttempt() const noexcept { return m_sweepAttempt; }
    // An attempt the Sweep ran again and did not keep (machine busy): the
    // run list says so, and it is not the run a finished Sweep leaves on screen.
    void setSweepDiscardedAttempt(bool d) noexcept { m_sweepDiscardedAttempt = d; }
    bool sweepDiscardedAttempt() const noexcept { return m_sweepDiscardedAttempt; }
    const std::vector<SweepAttempt>& sweepDiscarded() const noexcept { return m_sweepDiscarded; }
    // When the live run was started (steady clock); the epoch for a loaded run.
    std::chrono::steady_clock::time_point startedAt() const noexcept { return m_startedAt; }

private:
    // The cursor on a stepped-to event at t (absolute ns): follow off, the timeline panned to keep it in view.
    void cursorToStep(std::int64_t t);
    RunView() = default;

    int m_number = 0;
    std::string m_source;
    Scenario m_scenario;
    bool m_haveScenario = true;
    bool m_pinned = false;
    int m_sweepAttempt = 1;
    std::vector<SweepAttempt> m_sweepDiscarded;
    bool m_sweepDiscardedAttempt = false;
    // The ended run's makespan for its label, computed once (the run list
    // draws every label every frame; computeStats is O(model records)).
    mutable std::optional<std::int64_t> m_labelMakespanNs;
    std::unique_ptr<Run> m_run;
    std::unique_ptr<TracedProgram> m_program;
    std::vector<std::string> m_argv;
    pid_t m_programGroup = 0;
    std::string m_ringDir;
    std::string m_exitText;
    std::optional<int> m_exitStatus;
    std::uint64_t m_lostEvents = 0, m_reenteredEvents = 0;   // kept when the program has ended
    HookStatus m_hookStatus{HookStatus::Loaded, 0};   // kept when the program has ended
    bool m_hookToldNotYet = false, m_hookSettled = false;   // takeHookNews's
    std::string m_sourceFile, m_sourceError;
    std::vector<Scenario::CodeLine> m_sourceCode;
    std::chrono::steady_clock::time_point m_startedAt{};
    RunStatus m_endStatus = RunStatus::NotStarted;   // status once m_run is released
    std::shared_ptr<Trace> m_trace;
    TraceMeta m_meta;
    double m_stageScale = 1.0;
    RunModel m_model;
    TimelineView m_view;
    std::optional<std::int64_t> m_cursor;
    std::optional<std::optional<std::int64_t>> m_cursorRequest;   // setCursor's, until commitCursor
    bool m_fittedAtEnd = false;
    LaneRecords m_lanes;

    std::vector<Question> m_questions;
    std::vector<std::string> m_asks;
    std::vector<Guess> m_predictions;
    // Callouts, chunks and stats are functions of the run model: each cache is
    // keyed by how many events the model had interpreted when it was built
    // (RunModel::consumed()), never by the Trace's size — the Collector
    // appends to the Trace at any moment, so its size can run ahead of the
    // model, and a cache keyed by it kept a run's last task undone for good.
    std::vector<Callout> m_callouts;
    std::size_t m_calloutsModelAt = ~std::size_t{0};
    std::vector<Callout> m_calloutsShown;   // those up to the cursor
    std::int64_t m_calloutsCut = -1;        // the cursor they were filtered at
    std::chrono::steady_clock::time_point m_calloutsAt{};
    ChunkBrackets m_chunks;
    struct EdgeNote {
        std::int64_t cursor = 0;
        ProcId only = kNoProc;
        std::size_t modelAt = ~std::size_t{0};
        std::int64_t now = 0;
        std::string note;
    };
    mutable EdgeNote m_edgeNote;
    struct StepAtReserve {
        float fontPx = 0, w = 0;
    };
    mutable StepAtReserve m_stepAt;
    mutable std::optional<std::int64_t> m_firstStep;
    std::size_t m_chunksModelAt = ~std::size_t{0};
    std::chrono::steady_clock::time_point m_chunksAt{};

    RunStats m_stats;
    std::size_t m_statsModelAt = ~std::size_t{0};
    std::int64_t m_statsCursor = -1;
    std::chrono::steady_clock::time_point m_statsAt{};
    std::chrono::steady_clock::duration m_statsCost{};   // the last computeStats's wall time
    mutable LeadIn m_leadIn;                 // leadIn()'s cache
    mutable std::size_t m_leadInAt = SIZE_MAX;
    mutable std::int64_t m_leadInNow = 0;
};

} // namespace parviz::gui
