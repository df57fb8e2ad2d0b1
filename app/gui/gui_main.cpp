// The window's main: options -> window -> loop -> (screenshot) -> shutdown.
#include "gui/gui.hpp"

#include "cli/run_flags.hpp"
#include "cli/terminal_out.hpp"
#include "gui/app.hpp"
#include "gui/bench.hpp"
#include "gui/layout_probe.hpp"
#include "gui/options.hpp"
#include "gui/window.hpp"
#include "parviz/trace_io.hpp"

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace parviz::gui {
namespace {

// Where things are, for tests (documented in docs/layout-json.md): the lane
// rows (tests look for worker colours exactly there), the panels with their
// visible text lines and whether any text was cut (layout_probe.hpp), the
// worker lanes fully visible, and the Stats panel's numbers.
bool writeLayoutJson(GuiApp& app, const std::string& path) {
    using nlohmann::json;
    json j;
    j["font_px"] = app.fontPx();
    j["rows"] = json::array();
    for (const RowRect& r : app.rowRects())
        j["rows"].push_back({{"lane", r.lane == LaneKind::Core ? "core" : "proc"}, {"id", r.id}, {"title", r.title},
                             {"row", toString(r.row)}, {"x0", r.x0}, {"y0", r.y0}, {"x1", r.x1}, {"y1", r.y1}});
    int visibleWorkers = 0;
    json lanes = json::array();
    for (const LaneRect& l : app.laneRects()) {
        lanes.push_back({{"title", l.title}, {"worker", l.worker}, {"y0", l.y0}, {"y1", l.y1}, {"visible", l.visible}});
        if (l.worker && l.visible) ++visibleWorkers;
    }
    j["lanes"] = lanes;
    j["visible_worker_lanes"] = visibleWorkers;
    const Rect& q = app.queueRect();
    j["queue"] = {{"x0", q.x}, {"y0", q.y}, {"x1", q.x + q.w}, {"y1", q.y + q.h}};
    j["panels"] = json::array();
    for (const probe::PanelRecord& p : probe::panels()) {
        json items = json::array();
        for (const auto& it : p.items) items.push_back({{"text", it.text}, {"rect", {it.x, it.y, it.w, it.h}}});
        j["panels"].push_back({{"name", p.name}, {"rect", {p.x, p.y, p.w, p.h}}, {"lines", p.lines},
                               {"clipped", p.clipped}, {"clipped_texts", p.clippedTexts}, {"items", items}});
    }
    // The Code panel's whole listing (the panel shows part of it at a time).
    json listing = json::array();
    for (const Scenario::CodeLine& l : app.listing()) listing.push_back(l.text);
    j["listing"] = listing;
    j["status"] = toString(app.status());
    j["cursor_s"] = static_cast<double>(app.cursor() - app.zero()) / 1e9;
    j["cursor_live"] = app.cursorIsLive();
    j["now_s"] = static_cast<double>(app.now() - app.zero()) / 1e9;
    j["view"] = {{"begin_s", static_cast<double>(app.timelineView().begin) / 1e9},
                 {"end_s", static_cast<double>(app.timelineView().end) / 1e9},
                 {"follow", app.timelineView().follow}};
    j["workers_option"] = app.runOptions().workers.value_or(app.scenario().workers());
    j["work_option"] = app.runOptions().work ? toString(*app.runOptions().work) : "as scenario";
    j["runs_started"] = app.runsStarted();
    // The numbers the Stats panel shows, so a test can compare a reopened run with the original.
    const RunStats& st = app.statsAtCursor();
    json killed = json::array();
    for (const WorkerStats& w : st.workers)
        if (w.killed) killed.push_back(w.name);
    j["stats"] = {{"has_makespan", st.hasMakespan}, {"makespan_ns", st.makespanNs}, {"speedup", st.speedup},
                  {"tasks_done", st.tasksDone},     {"tasks_failed", st.tasksFailed}, {"workers", st.workerCount},
                  {"killed", killed}, {"failures", st.failures}};
    // The hidden --test-pause-at hook: who was paused, and for how long (wall clock).
    const TestPauseRecord& tp = app.testPause();
    if (tp.paused) {
        json pids = json::array();
        for (const auto& w : tp.workers) pids.push_back(w.second);
        j["test_pause"] = {{"paused_at_s", tp.pausedAtS}, {"wall_paused_s", tp.wallPausedS}, {"resumed", tp.resumed},
                           {"pids", pids}};
    }
    std::ofstream out(path);
    out << j.dump(2) << "\n";
    return static_cast<bool>(out);
}

int runWindow(const GuiOptions& opts, std::shared_ptr<Trace> preloaded) {
    const bool capture = !opts.screenshot.empty();
    // A screenshot or benchmark needs no visible window (Xvfb reads hidden ones back fine).
    Window window(opts.width, opts.height, !capture && opts.benchFrames == 0, "parviz");
    if (opts.benchFrames > 0) return runFrameBench(window, opts);

    GuiApp app(window, opts, std::move(preloaded));
    if (capture && app.messageIsError() && !app.trace()) {
        cli::errorLine("parviz gui: ", app.message());
        return 2;
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto lastFrame = Clock::now();
    while (!window.shouldClose()) {
        const double wait = app.frameWaitSeconds();
        // Live runs: poll, then sleep to the frame cap, so input stays
        // responsive and the workers keep the cores. Idle: block on events.
        if (app.live() || capture) {
            window.beginFrame(0);
        } else {
            window.beginFrame(wait);
        }
        app.frame();
        window.render();
        if (!opts.testDump.empty()) {
            const std::string tmp = opts.testDump + ".tmp";
            if (writeLayoutJson(app, tmp)) std::rename(tmp.c_str(), opts.testDump.c_str());
        }
        if (app.wantsScreenshotNow()) {
            std::string err;
            if (!window.writePng(opts.screenshot, err)) {
                cli::errorLine("parviz gui: ", err);
                return 1;
            }
            if (!opts.layoutJson.empty() && !writeLayoutJson(app, opts.layoutJson)) {
                std::fprintf(stderr, "parviz gui: cannot write %s\n", opts.layoutJson.c_str());
                return 1;
            }
            std::printf("parviz gui: wrote %s\n", opts.screenshot.c_str());
            return app.messageIsError() && !app.trace() ? 2 : 0;
        }
        window.present();
        if (capture && Clock::now() - started > std::chrono::minutes(5)) {
            std::fprintf(stderr, "parviz gui: the run did not finish within 5 minutes; no screenshot\n");
            return 1;
        }
        if (app.live() || capture) {
            const auto next = lastFrame + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
            std::this_thread::sleep_until(next);
        }
        lastFrame = Clock::now();
    }
    return 0;
}

} // namespace

int guiMain(const std::vector<std::string>& args) {
    GuiOptions opts;
    try {
        opts = parseGuiOptions(args);
    } catch (const cli::UsageError& e) {
        cli::errorLine("", e.what());
        return 2;
    }
    if (opts.help) {
        std::fputs(guiHelp(), stdout);
        std::fputs(cli::runFlagsHelp(), stdout);
        return 0;
    }
    // A saved run that cannot be read, or a scenario that does not load, is
    // refused before any window opens: the message goes to the terminal.
    std::shared_ptr<Trace> preloaded;
    try {
        if (!opts.openRun.empty()) preloaded = loadTrace(opts.openRun);
        else if (opts.benchFrames == 0) (void)loadScenario(opts.scenario);
    } catch (const std::exception& e) {
        cli::errorLine("parviz gui: ", e.what());
        return 2;
    }
    try {
        return runWindow(opts, std::move(preloaded));
    } catch (const NoDisplay& e) {
        std::fprintf(stderr,
                     "parviz gui: %s.\n"
                     "The window needs an X display. To run headless, use Xvfb, e.g.:\n"
                     "  xvfb-run -a parviz gui pool --screenshot out.png\n"
                     "or use the terminal: parviz run pool\n",
                     e.what());
        return 2;
    } catch (const std::exception& e) {
        cli::errorLine("parviz gui: ", e.what());
        return 1;
    }
}

} // namespace parviz::gui
