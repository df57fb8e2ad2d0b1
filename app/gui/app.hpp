#pragma once
// GuiApp: the window's session state and its per-frame step. It owns the
// current Run (or a trace loaded from a file), the TimelineIndex fed from that
// trace once per frame, the time cursor and the timeline's zoom; panels read
// it and draw records built by the core's view-model builders (views.hpp).
// No panel keeps state the trace could give it: the cursor is just a `t`.
#include "gui/options.hpp"
#include "gui/span_renderer.hpp"
#include "parviz/run.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"
#include "parviz/views.hpp"

#include <imgui.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parviz::gui {

class Window;

// A finished (or stopped) run of this session, for the comparison table.
struct SessionRun {
    int number = 0;
    std::string scenario, work, status;
    int workers = 0;
    double makespanS = 0, speedup = 0, efficiency = 0;
    bool hasMakespan = false;
};

// Where the timeline looks, in ns relative to the trace's zero.
struct TimelineView {
    std::int64_t begin = 0, end = 2'000'000'000;
    bool follow = true;          // keep "now" in view while the run goes on
    float scrollY = 0;
};

// One lane row's rectangle in window pixels (tests look there, --layout-json).
struct RowRect {
    LaneKind lane;
    std::int32_t id;
    std::string title;
    RowKind row;
    float x0, y0, x1, y1;
};

// One lane's rectangle and whether all of it was in view (--layout-json).
struct LaneRect {
    std::string title;
    bool worker = false;      // a worker process (pool worker or Process-N), not MainProcess or a core
    float y0 = 0, y1 = 0;
    bool visible = false;     // entirely inside the timeline's visible lane area
};

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

// What the hidden --test-pause-at hook did (for --layout-json).
struct TestPauseRecord {
    bool paused = false, resumed = false;
    double pausedAtS = 0, wallPausedS = 0;            // wall seconds since the run started; length of the pause
    std::vector<std::pair<std::string, std::uint64_t>> workers;   // live workers' names and pids when paused
};

class GuiApp {
public:
    // preloaded: the trace of --open, already validated (nullptr: run opts.scenario).
    GuiApp(Window& window, GuiOptions opts, std::shared_ptr<Trace> preloaded = nullptr);
    ~GuiApp();

    // One frame's content (between Window::beginFrame and Window::render).
    void frame();
    // Seconds to wait for events before the next frame: small while a run is
    // live (about 30 fps, leaving the cores to the workers), longer when idle.
    double frameWaitSeconds() const;

    // ---- what panels read ----------------------------------------------------
    Window& window() noexcept { return m_window; }
    Theme theme() const noexcept;
    const GuiOptions& options() const noexcept { return m_opts; }
    float fontPx() const noexcept { return m_fontPx; }   // the type size of the last frame
    SpanRenderer& spans() noexcept { return m_spans; }
    const Trace* trace() const noexcept { return m_trace.get(); }
    TraceMeta meta() const { return m_meta; }
    const TimelineIndex& index() const noexcept { return m_index; }
    Run* run() noexcept { return m_run.get(); }
    RunStatus status() const noexcept;
    bool live() const noexcept;          // a run is going on (running or paused)
    bool replayOnly() const noexcept { return m_loadedFromFile; }
    const Scenario& scenario() const noexcept { return m_scenario; }
    // The Code panel's listing, generated from the scenario and the parameters
    // the run uses (a replay: the recorded ones; otherwise the toolbar's, live
    // as they change). Empty when a replayed run's scenario cannot be found.
    const std::vector<Scenario::CodeLine>& listing();
    Scenario& editableScenario() noexcept { return m_scenario; }
    RunOptions& runOptions() noexcept { return m_opts.run; }

    std::int64_t zero() const noexcept;          // absolute ns of the run's zero
    std::int64_t now() const noexcept;           // absolute ns of the latest event
    std::int64_t cursor() const noexcept;        // absolute ns every panel shows
    bool cursorIsLive() const noexcept { return !m_cursor.has_value(); }
    void setCursor(std::optional<std::int64_t> absNs);   // nullopt: follow "now"

    TimelineView& timelineView() noexcept { return m_view; }
    void zoom(float factor, std::optional<std::int64_t> anchorRel = std::nullopt);
    void fitWholeRun();

    const RunStats& statsAtCursor();            // cached per cursor / trace length
    const std::vector<SessionRun>& sessionRuns() const noexcept { return m_session; }
    int runsStarted() const noexcept { return m_runCounter; }
    const std::vector<std::string>& scenarioNames() const noexcept { return m_scenarioNames; }

    // Row rectangles the timeline drew this frame (for --layout-json).
    std::vector<RowRect>& rowRects() noexcept { return m_rowRects; }
    std::vector<LaneRect>& laneRects() noexcept { return m_laneRects; }
    Rect& queueRect() noexcept { return m_queueRect; }
    LaneRecords& laneScratch() noexcept { return m_lanes; }   // reused every frame (no allocation)

    // ---- actions (buttons, keys, context menus) --------------------------------
    void selectScenario(const std::string& nameOrPath);
    void startRun();          // a new Run of the current scenario with the current options
    void togglePause();
    void stopRun();
    bool killWorker(const std::string& name);
    bool saveRun(const std::string& path);
    bool openRun(const std::string& path);
    // Shows a trace with no process behind it (a loaded run, the benchmark's synthetic trace).
    void showTrace(std::shared_ptr<Trace> trace);
    bool saveScenario(const std::string& path);
    void setMessage(std::string m, bool error = false);
    void showTaskEditor(bool show) noexcept { m_showTaskEditor = show; }
    bool taskEditorShown() const noexcept { return m_showTaskEditor; }
    const std::string& message() const noexcept { return m_message; }
    bool messageIsError() const noexcept { return m_messageIsError; }

    const TestPauseRecord& testPause() const noexcept { return m_testPause; }

    // Screenshot driver: true once the frame just built is the one to capture.
    bool wantsScreenshotNow() const noexcept { return m_captureThisFrame; }

private:
    void handleKeys();
    void loadListingFor(const std::string& scenario);
    void updateFromTrace();
    void recordSessionRunIfDone();
    void layoutAndDraw();
    void updateScreenshotState();
    void driveTestPause();

    Window& m_window;
    GuiOptions m_opts;
    SpanRenderer m_spans;
    Scenario m_scenario;
    bool m_haveScenario = false;                 // m_scenario is the real one (not a replay's stand-in)
    std::vector<Scenario::CodeLine> m_listing;
    std::string m_listingKey;                    // what m_listing was generated for
    std::vector<std::string> m_scenarioNames;
    std::unique_ptr<Run> m_run;
    std::shared_ptr<Trace> m_trace;
    TraceMeta m_meta;
    bool m_loadedFromFile = false;
    TimelineIndex m_index;
    TimelineView m_view;
    std::optional<std::int64_t> m_cursor;
    std::vector<SessionRun> m_session;
    bool m_sessionRecorded = true;
    int m_runCounter = 0;
    std::string m_message;
    bool m_messageIsError = false;
    std::vector<RowRect> m_rowRects;
    std::vector<LaneRect> m_laneRects;
    Rect m_queueRect;
    LaneRecords m_lanes;

    RunStats m_stats;
    std::size_t m_statsTraceSize = ~std::size_t{0};
    std::int64_t m_statsCursor = -1;
    std::chrono::steady_clock::time_point m_statsAt{};

    float m_controlsH = 0;
    bool m_fittedAtEnd = false;                  // the ended run was fitted once (follow mode)
    float m_fontPx = 0;                       // what the controls needed last frame
    bool m_showTaskEditor = false;
    bool m_captureThisFrame = false;
    int m_framesAfterDone = 0;
    std::chrono::steady_clock::time_point m_runStartedAt{}, m_testPausedAt{};
    TestPauseRecord m_testPause;
};

} // namespace parviz::gui
