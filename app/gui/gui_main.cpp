// The window's main: options -> window -> loop -> (screenshot) -> shutdown.
#include "gui/gui.hpp"

#include "cli/run_flags.hpp"
#include "gui/app.hpp"
#include "gui/bench.hpp"
#include "gui/options.hpp"
#include "gui/window.hpp"
#include "parviz/trace_io.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace parviz::gui {
namespace {

// Lane rectangles for tests: they look for worker colours exactly there.
bool writeLayoutJson(GuiApp& app, const std::string& path) {
    std::ofstream out(path);
    out << "{\n  \"rows\": [\n";
    const auto& rows = app.rowRects();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const RowRect& r = rows[i];
        std::string title;
        for (char c : r.title) {
            if (c == '"' || c == '\\') title += '\\';
            title += c;
        }
        out << "    {\"lane\": \"" << (r.lane == LaneKind::Core ? "core" : "proc") << "\", \"id\": " << r.id
            << ", \"title\": \"" << title << "\", \"row\": \"" << toString(r.row) << "\", \"x0\": " << r.x0
            << ", \"y0\": " << r.y0 << ", \"x1\": " << r.x1 << ", \"y1\": " << r.y1 << "}"
            << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    const Rect& q = app.queueRect();
    out << "  ],\n  \"queue\": {\"x0\": " << q.x << ", \"y0\": " << q.y << ", \"x1\": " << q.x + q.w
        << ", \"y1\": " << q.y + q.h << "},\n";
    // The numbers the Stats panel shows, so a test can compare a reopened run with the original.
    const RunStats& st = app.statsAtCursor();
    out << "  \"stats\": {\"has_makespan\": " << (st.hasMakespan ? "true" : "false")
        << ", \"makespan_ns\": " << st.makespanNs << ", \"speedup\": " << st.speedup
        << ", \"tasks_done\": " << st.tasksDone << ", \"tasks_failed\": " << st.tasksFailed
        << ", \"workers\": " << st.workerCount << ", \"killed\": [";
    bool first = true;
    for (const WorkerStats& w : st.workers) {
        if (!w.killed) continue;
        out << (first ? "" : ", ") << "\"" << w.name << "\"";
        first = false;
    }
    out << "], \"failures\": [";
    for (std::size_t i = 0; i < st.failures.size(); ++i) {
        out << (i ? ", " : "") << '"';
        for (char ch : st.failures[i]) {
            if (ch == '"' || ch == '\\') out << '\\' << ch;
            else if (static_cast<unsigned char>(ch) < 0x20) out << ' ';
            else out << ch;
        }
        out << '"';
    }
    out << "]}";
    // The hidden --test-pause-at hook: who was paused, and for how long (wall clock).
    const TestPauseRecord& tp = app.testPause();
    if (tp.paused) {
        out << ",\n  \"test_pause\": {\"paused_at_s\": " << tp.pausedAtS << ", \"wall_paused_s\": " << tp.wallPausedS
            << ", \"resumed\": " << (tp.resumed ? "true" : "false") << ", \"pids\": [";
        for (std::size_t i = 0; i < tp.workers.size(); ++i) out << (i ? ", " : "") << tp.workers[i].second;
        out << "]}";
    }
    out << "\n}\n";
    return static_cast<bool>(out);
}

int runWindow(const GuiOptions& opts, std::shared_ptr<Trace> preloaded) {
    const bool capture = !opts.screenshot.empty();
    // A screenshot or benchmark needs no visible window (Xvfb reads hidden ones back fine).
    Window window(opts.width, opts.height, !capture && opts.benchFrames == 0, "parviz");
    if (opts.benchFrames > 0) return runFrameBench(window, opts);

    GuiApp app(window, opts, std::move(preloaded));
    if (capture && app.messageIsError() && !app.trace()) {
        std::fprintf(stderr, "parviz gui: %s\n", app.message().c_str());
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
        if (app.wantsScreenshotNow()) {
            std::string err;
            if (!window.writePng(opts.screenshot, err)) {
                std::fprintf(stderr, "parviz gui: %s\n", err.c_str());
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
        std::fprintf(stderr, "%s\n", e.what());
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
        std::fprintf(stderr, "parviz gui: %s\n", e.what());
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
        std::fprintf(stderr, "parviz gui: %s\n", e.what());
        return 1;
    }
}

} // namespace parviz::gui
