#pragma once
// GuiApp: the window's session and its per-frame step. It keeps the
// session's runs (RunView: live runs of this session and saved runs opened
// from files, each with its own model, cursor and zoom), which of them is on
// screen, the scenario and options the next Run uses, and the layout. Panels
// get one RunView, a cursor and a rectangle (panels.hpp), never the app; only
// the controls and the task editor, which act on the session, take the app.
#include "cli/program_end.hpp"
#include "gui/options.hpp"
#include "gui/panel_env.hpp"
#include "gui/run_view.hpp"
#include "gui/span_renderer.hpp"
#include "parviz/run.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"
#include "parviz/views.hpp"

#include <imgui.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parviz::gui {

class Window;

class TestHooks;

namespace timeline {
struct LegendPlan;
}

class GuiApp {
public:
    // The most runs kept at once: opening or starting one more closes the
    // oldest that is neither live nor on screen (and the message says so).
    static constexpr std::size_t kMaxRuns = 16;

    // preloaded: the trace of --open, already validated (nullptr: run opts.scenario).
    GuiApp(Window& window, GuiOptions opts, std::shared_ptr<Trace> preloaded = nullptr);
    ~GuiApp();

    // One frame's content (between Window::beginFrame and Window::render).
    void frame();
    // Seconds to wait for events before the next frame: small while a run is
    // live (about 30 fps, leaving the cores to the workers), longer when idle.
    double frameWaitSeconds() const;

    // ---- the session's runs -------------------------------------------------------
    // The run on screen (the stage, with no trace, before any run or after
    // choosing another scenario).
    RunView& current() noexcept;
    const RunView& current() const noexcept;
    std::size_t runCount() const noexcept { return m_runs.size(); }
    RunView& runAt(std::size_t i) noexcept { return *m_runs[i]; }
    // Index into the runs of the one on screen, or -1 for the stage.
    int currentIndex() const noexcept { return m_current; }
    void showRunAt(int i);               // -1: the stage; out of range: ignored
    void closeRunAt(std::size_t i);      // stops it first if live
    bool anyLive() const noexcept;       // some run of the session is running or paused

    // ---- what the controls read ------------------------------------------------------
    Window& window() noexcept { return m_window; }
    Theme theme() const noexcept;
    PanelEnv env() noexcept;
    const GuiOptions& options() const noexcept { return m_opts; }
    float fontPx() const noexcept { return m_fontPx; }   // the type size of the last frame
    // The Code panel's listing for the run on screen, generated from its
    // scenario and parameters (a run: the recorded ones; the stage: the
    // toolbar's, live as they change). Empty when a replayed run's scenario
    // cannot be found.
    const std::vector<Scenario::CodeLine>& listing();
    // The scenario the toolbar and the task editor edit (its chunksize too).
    const Scenario& scenario() const noexcept { return m_scenario; }
    Scenario& editableScenario() noexcept { return m_scenario; }
    // The toolbar's "N equal jobs" (0: the scenario's own tasks); reset when
    // another scenario is chosen.
    std::size_t equalJobs() const noexcept { return m_equalJobs; }
    void setEqualJobs(std::size_t n) noexcept { m_equalJobs = n; }
    // The scenario the next Run (and a sweep) starts with: scenario() with
    // the equal jobs applied (chunks.hpp: withEqualJobs).
    Scenario runScenario() const;
    RunOptions& runOptions() noexcept { return m_opts.run; }
    const std::vector<SessionRun>& sessionRuns() const noexcept { return m_session.rows; }
    // ---- the Compare view ------------------------------------------------------------
    bool compareOn() const noexcept { return m_compare.on; }
    void setCompare(bool on);
    const CompareState& compare() const noexcept { return m_compare; }
    // Runs every (workers, work) of the current scenario one after another,
    // each pinned to the Compare view as it starts; the toolbar's time scale.
    void startSweep(const std::vector<int>& workers, const std::vector<WorkKind>& works);
    void stopSweep();
    void sweepBusyAgain();
    bool sweeping() const noexcept { return m_sweepTotal > 0; }
    // The sweep's progress without why an attempt is repeated ("sweep: 7 of
    // 8 (4 workers, cpu) is run 12, attempt 2 of up to 3"): the caption's
    // one-line form when the message (which says why) does not fit a line.
    const std::string& sweepBrief() const noexcept { return m_sweepBrief; }
    // A PNG of the window the app wants written after this frame ("": none);
    // gui_main writes it and reports back with pngWritten.
    std::string takePendingPng();
    void pngWritten(const std::string& path, const std::string& error);
    int runsStarted() const noexcept { return m_runCounter; }
    // Frames drawn so far (the test dump's "frame": a test waits for frames
    // after an input instead of sleeping a fixed time).
    std::uint64_t framesDrawn() const noexcept { return m_framesDrawn; }
    // The last frame showed a stale scrollbar (ui::scrollbarStale), and not
    // for long: the next frame is drawn at once, a screenshot waits for it.
    bool layoutSettling() const noexcept { return m_staleFrames > 0 && m_staleFrames <= 3; }
    // The frame just drawn is laid out as the next would be: not the first
    // (ImGui sizes some widgets a frame late), the toolbar at the height it
    // was given, no stale scrollbar. The window is shown with such a frame.
    bool layoutSettled() const noexcept { return m_framesDrawn >= 2 && m_controlsSteady && m_staleFrames == 0; }
    // --screenshot / --layout-json: the stage is on screen and Run is still
    // to be pressed on it (a capture waits for the run).
    bool stageStartPending() const noexcept { return m_stageStartPending; }
    const std::vector<std::string>& scenarioNames() const noexcept { return m_scenarioNames; }
    DrawnLayout& drawn() noexcept { return m_drawn; }
    MessageLine& messageLine() noexcept { return m_message; }
    const std::string& message() const noexcept { return m_message.text(); }
    bool messageIsError() const noexcept { return m_message.isError(); }
    TestHooks& testHooks() noexcept { return *m_hooks; }
    const PredictDraft& predictDraft() const noexcept { return m_predict; }

    // ---- actions (buttons, keys, context menus) --------------------------------
    // Loads the scenario with its own values for every control (workers, work,
    // method, chunksize, jobs), as opening it from the command line would; the
    // time scale the user set is kept, and keptFrom() says so.
    void selectScenario(const std::string& nameOrPath);
    // The scenario the toolbar's time scale was kept from when the scenario
    // changed, while it still holds that value ("" otherwise).
    std::string keptFrom() const;
    void startRun();          // a new Run of the current scenario with the current options
                              // (on a traced program's run: that program again)
    // A program traced live (argv: PROGRAM ARGS..., normally python3 script.py),
    // shown in the same panels as a run; the live run going on is stopped first.
    void traceProgram(std::vector<std::string> argv);
    // The first program traced at start (--trace-python, trace --gui): how it
    // ended (its status once reaped, whether it ended by itself, by Stop or as
    // the window closed), for the terminal to say as parviz trace does; nullopt
    // when there is none. Its endedBefore: the program has ended by now.
    std::optional<cli::ProgramEnd> startupProgramEnd() const;
    // Before the window goes: stops what still runs, waits (up to 2 s) for the
    // startup program to be reaped, and writes its files (writeProgramOutputs).
    void endSession();
    // False when one of those files could not be written (said on stderr and in the message line).
    bool programOutputsOk() const noexcept { return m_outputsOk; }
    void togglePause();       // the run on screen; starts one on the stage
    void stopRun();
    bool killWorker(const std::string& name);
    bool saveRun(const std::string& path);
    bool openRun(const std::string& path);
    // Shows a trace with no process behind it (a loaded run, the benchmark's
    // synthetic trace) as a new run of the session; source: where it came from.
    void showTrace(std::shared_ptr<Trace> trace, std::string source);
    bool saveScenario(const std::string& path);
    void setMessage(std::string m, bool error = false) { m_message.set(std::move(m), error); }
    void showTaskEditor(bool show) noexcept { m_showTaskEditor = show; }
    bool taskEditorShown() const noexcept { return m_showTaskEditor; }

private:
    void handleKeys();
    void refreshPredict();
    void addRun(std::unique_ptr<RunView> run);
    void recordSessionRun(RunView& run);
    // --trace / --summary-json / --save-run of the startup program, once, when
    // its trace is complete (the program reaped).
    void writeProgramOutputs(RunView& run);
    void layoutAndDraw();
    void offerPredictTab();
    void layoutBody(float controlsH);   // every panel under the controls
    void layoutCompare(float top, float bodyH, const PanelEnv& e);
    void driveSweep();
    void startSweepAttempt();
    std::vector<WorkKind> sweepWorks() const;
    void keepSweepAttempt();
    RunView* runByNumber(int number) noexcept;
    void rebuildCompare();
    void exportCompareCsv();
    std::vector<RunView*> pinnedRuns();

    Window& m_window;
    GuiOptions m_opts;
    SpanRenderer m_spans;
    Scenario m_scenario;
    std::size_t m_equalJobs = 0;
    bool m_toolbarFlagsUsed = false;             // --chunksize / --jobs applied (to the first scenario)
    bool m_scenarioShown = false;                // a scenario was shown: the next one chosen starts afresh
    std::string m_keptFrom;                      // keptFrom(): the scenario switched from
    double m_keptScale = 0;                      // and the time scale kept then
    std::vector<Scenario::CodeLine> m_listing;
    std::string m_listingKey;                    // what m_listing was generated for
    std::vector<std::string> m_scenarioNames;
    std::unique_ptr<RunView> m_stage;            // no run yet: the scenario the next Run uses
    std::vector<std::unique_ptr<RunView>> m_runs;
    std::vector<bool> m_recorded;                // m_runs[i] is in the session table
    int m_current = -1;
    SessionTable m_session;
    CompareState m_compare;
    std::vector<std::pair<int, WorkKind>> m_sweepQueue;   // configurations still to run, in order
    // Sweep cpu again (sweepBusyAgain): a configuration's busy run, the first
    // of its attempts, so the kept one is the least busy of old and new.
    std::map<std::pair<int, WorkKind>, int> m_sweepAgainOf;
    int m_sweepTotal = 0;                                 // > 0 while a sweep goes on
    void planSweepLayout();   // m_sweepMostWorkers, m_sweepCpu, m_sweepSleep from m_sweepQueue
    bool m_sweepCpu = false, m_sweepSleep = false;       // this sweep's configurations' work kinds (the legend's plan)
    int m_sweepMostWorkers = 0;                           // the most workers of this sweep's configurations
    std::string m_sweepBrief;                             // sweepBrief()
    float m_sweepControlsH = 0;                           // the controls' tallest height during this sweep
    // The configuration being run: its attempts' run numbers so far (a run
    // flagged busy is tried again, up to 1 + m_opts.sweepRetries times).
    struct SweepSlot {
        int workers = 1;
        WorkKind work = WorkKind::Sleep;
        std::vector<int> attempts;
    };
    std::optional<SweepSlot> m_sweepSlot;
    // The Predict questions as answered when the Sweep started: the run of
    // the configuration they were asked for takes them (and shows them).
    std::vector<Question> m_sweepQuestions;
    std::vector<std::string> m_sweepAsks;
    std::vector<Guess> m_sweepAnswers;
    std::pair<int, WorkKind> m_sweepAskedFor{0, WorkKind::Sleep};
    std::chrono::steady_clock::time_point m_compareBuiltAt{};
    std::string m_pendingPng;
    int m_startupProgram = 0;                    // run number of the program traced at start, 0: none
    bool m_outputsWritten = false, m_outputsOk = true;   // writeProgramOutputs
    int m_runCounter = 0;                        // live runs started
    std::uint64_t m_framesDrawn = 0;
    int m_staleFrames = 0;
    // --screenshot: frames of the stage drawn before Run is pressed on it.
    static constexpr int kStageFramesBeforeRun = 3;
    bool m_stageStartPending = false;
    int m_stageFramesShown = 0;
    int m_viewCounter = 0;                       // runs shown (started or opened): their numbers
    MessageLine m_message;
    std::string m_predictionCaption;   // the caption's "Your prediction: …" while it shows one
    DrawnLayout m_drawn;
    PredictDraft m_predict;                      // the next run's questions and the class's answers
    std::string m_predictKey;                    // the scenario the answers were given for
    // Predict, then reveal, per scenario for the window's session: the next
    // run's answers given so far and the Compare view's predictions (with
    // their reveal beside the sweep's result) stay with their scenario when
    // another is chosen, and come back when it is chosen again.
    struct ScenarioPredictions {
        std::vector<Guess> draft;                // PredictDraft::answers
        ClassPredictions guesses;                // CompareState::guesses
    };
    std::map<std::string, ScenarioPredictions> m_predictionsBy;   // by predictionsKey()
    std::string predictionsKey() const;
    // The stage's reveal: the latest ended run of the scenario on screen
    // that was given predictions (nullptr: none).
    const RunView* lastRevealed() const;
    std::unique_ptr<TestHooks> m_hooks;

    float m_controlsH = 0;
    // The controls' tallest height for this scenario at this window size and
    // type: they never shrink back while it lasts (GuiApp::layoutAndDraw).
    struct ControlsFloor {
        std::string key;
        float h = 0;
    } m_controlsFloor;
    bool m_controlsSteady = false;   // the last frame's toolbar needed the height it was given
    // Presentation's layout from what the panels needed last frame
    // (DrawnLayout::timelineMinH, queueNeedH, statsNeedH; 0: not known yet).
    float m_needTimeline = 0, m_needQueue = 0, m_needStats = 0, m_reserveStats = 0;
    // What Predict's questions needed in Stats' column on the stage (the
    // scenario's questions, the column's width, the panel's height):
    // more than the panel has, they take the whole width (drawPresentationPanels).
    struct PredictColumn {
        std::string key;
        float need = 0;
    } m_predictColumn;
    // The panels under the timeline keep the largest height they needed while
    // the same scenario (its stage and its runs) is on screen in the same
    // window: a tab switch, a cursor move or Run never moves them (0: not yet).
    struct HeldLayout {
        std::string scenario;
        float windowH = 0, fontPx = 0;
        float bottom = 0;
        float timeline = 0;   // the most the timeline needed (or will: see layoutPresentation)
        bool fromStage = false;   // laid out on the stage: final for the runs
        bool decided = false;     // a run without a stage: its split was decided on its first frame
        float legendExtra = 0;    // the legend rows planned beyond the first (timeline::setPlannedLegendExtra)
        bool plannedOnRun = false; // planned while a run was shown (the plan changed): the bottom grows, the timeline does not
        float timelineMust = 0;   // of it, what it keeps when the panels below are short: all but the folded band
        // A traced program's run once it has ended: its number (-1: none), the
        // frames drawn since it was shown ended, and by run number the most
        // each ended run's timeline has needed (layoutPresentation).
        int endedRun = -1;
        int endedFrames = 0;
        std::map<int, float> endedNeed;
    } m_held;
    // The worker count the split is planned for while the stage is shown:
    // the count of the run shown last (or the toolbar's when the scenario's
    // stage is first laid out), not the toolbar's as it changes (layoutPresentation).
    struct StagePlan {
        std::string scenario;
        int workers = 0;
    } m_stagePlan;
    // The most workers among the runs shown since the last run started (of
    // one scenario): the split while runs are picked with [ and ].
    struct BrowsePlan {
        std::string scenario;
        int workers = 0;
        int runsStarted = -1;   // m_runCounter when it began
    } m_browsePlan;
    bool m_needFromStage = false;  // the m_need* values were measured on a stage frame
    // The stage's timeline without its lanes (header, axis, padding) at this
    // window size and type: a plan made while a run is shown starts from it.
    struct StageBase {
        float windowW = 0, windowH = 0, fontPx = 0, h = 0;
        // The bottom panels' height the stage laid out for each plan
        // (HeldLayout::scenario: scenario and workers) at this window size:
        // a plan made again while a run is shown takes it, as a fresh window would.
        std::map<std::string, float> bottom;
    } m_stageBase;
    std::string m_predictTabKey;   // the scenario whose stage opened on the Predict tab
    bool m_predictTabAuto = false; // the Predict tab was opened for the class, not by a click
    void layoutPresentation(RunView& run, std::int64_t cursor, float controlsH, bool hasQueue, bool hasLock,
                            const PanelEnv& e);
    float noStageTimelineH(const RunView& run, float width) const;
    int poolWorkersWithWork(int workers) const;
    // What a traced program's legend may show without the user acting (noStageTimelineH's plan).
    timeline::LegendPlan tracedLegendPlan(const RunView& run) const;
    void drawPresentationPanels(RunView& run, std::int64_t cursor, float controlsH, float timelineH, bool hasQueue,
                                bool hasLock, bool fixedColumns, const PanelEnv& e);
    float m_fontPx = 0;                       // what the controls needed last frame
    bool m_showTaskEditor = false;
};

} // namespace parviz::gui
