// The window's main: options -> window -> loop -> (screenshot) -> shutdown.
#include "gui/gui.hpp"

#include "cli/program_end.hpp"
#include "cli/run_flags.hpp"
#include "cli/startup_timing.hpp"
#include "cli/terminal_out.hpp"
#include "gui/app.hpp"
#include "gui/bench.hpp"
#include "gui/test_hooks.hpp"
#include "gui/options.hpp"
#include "parviz/chunks.hpp"
#include "gui/window.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/traced_program.hpp"

#include <imgui.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

namespace parviz::gui {
namespace {

// `parviz trace --gui` / --trace-python: Ctrl-C or SIGTERM in the terminal end
// the program's whole process group, as parviz trace's do (the program runs in
// its own group, so the terminal's Ctrl-C reaches only parviz).
std::atomic<int> g_interrupt{0};

void onInterrupt(int sig) { g_interrupt.store(sig, std::memory_order_relaxed); }

struct InterruptHandlers {
    struct sigaction oldInt {}, oldTerm {};
    InterruptHandlers() {
        struct sigaction sa {};
        sa.sa_handler = onInterrupt;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &oldInt);
        sigaction(SIGTERM, &sa, &oldTerm);
    }
    ~InterruptHandlers() {
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
    }
    InterruptHandlers(const InterruptHandlers&) = delete;
    InterruptHandlers& operator=(const InterruptHandlers&) = delete;
};

// The startup program's end: stopped if it still runs, its files written,
// then said in the terminal exactly as parviz trace says it (lost events, how
// it ended, an interrupt). Returns parviz's exit status: the program's (as
// Stop or closing the window ended it: 143 for its SIGTERM), 128 + the signal
// after an interrupt (130 after Ctrl-C).
int endTracedProgram(GuiApp& app, int interruptedBy) {
    // Whether the program had ended before parviz was interrupted: then the
    // interrupt ended nothing of it, and the terminal must not say it did.
    const std::optional<cli::ProgramEnd> before = app.startupProgramEnd();
    app.endSession();
    std::optional<cli::ProgramEnd> end = app.startupProgramEnd();
    if (!end) return interruptedBy ? 128 + interruptedBy : 1;
    end->interruptedBy = interruptedBy;
    end->endedBefore = before && before->endedBefore;
    if (const std::string lost = cli::lostEventsLine(*end); !lost.empty()) std::printf("%s", lost.c_str());
    std::fflush(stdout);
    return cli::sayProgramEnd(*end);
}

// The most frames drawn before the window is shown, settled or not.
constexpr std::uint64_t kMaxFramesHidden = 4;

int runWindow(const GuiOptions& opts, std::shared_ptr<Trace> preloaded) {
    const bool capture = !opts.screenshot.empty();
    // A screenshot or benchmark needs no visible window (Xvfb reads hidden ones back fine).
    Window window(opts.width, opts.height, !capture && opts.benchFrames == 0, "parviz");
    if (opts.benchFrames > 0) return runFrameBench(window, opts);

    GuiApp app(window, opts, std::move(preloaded));
    startup::mark("app ready (span shaders, scenario, runs)");
    if (capture && app.messageIsError() && !app.current().trace()) {
        cli::errorLine("parviz gui: ", app.message());
        return 2;
    }
    std::optional<InterruptHandlers> interrupts;
    if (!opts.traceProgram.empty()) interrupts.emplace();
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto lastFrame = Clock::now();
    while (!window.shouldClose() && g_interrupt.load(std::memory_order_relaxed) == 0) {
        const double wait = app.frameWaitSeconds();
        if (opts.testSlowFramesMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(opts.testSlowFramesMs));
        // Live runs: poll, then sleep to the frame cap, so input stays
        // responsive and the workers keep the cores. Idle: block on events.
        // Not yet shown: no waiting (a hidden window gets no events).
        if (app.anyLive() || capture || window.awaitingShow()) {
            window.beginFrame(0);
        } else {
            window.beginFrame(wait);
        }
        const bool first = app.framesDrawn() == 0;
        if (first) startup::mark("first frame: events polled, ImGui frame begun");
        app.frame();
        if (first) startup::mark("first frame: panels laid out");
        window.render();
        if (first) startup::mark("first frame: rendered (GL)");
        if (const std::string png = app.takePendingPng(); !png.empty()) {
            std::string err;
            window.writePng(png, err);
            app.pngWritten(png, err);
        }
        if (!opts.testDump.empty()) {
            const std::string tmp = opts.testDump + ".tmp";
            if (app.testHooks().writeLayoutJson(app, tmp)) std::rename(tmp.c_str(), opts.testDump.c_str());
        }
        if (app.testHooks().wantsScreenshotNow()) {
            std::string err;
            if (!window.writePng(opts.screenshot, err)) {
                cli::errorLine("parviz gui: ", err);
                return 1;
            }
            if (!opts.layoutJson.empty() && !app.testHooks().writeLayoutJson(app, opts.layoutJson)) {
                std::fprintf(stderr, "parviz gui: cannot write %s\n", opts.layoutJson.c_str());
                return 1;
            }
            std::printf("parviz gui: wrote %s\n", opts.screenshot.c_str());
            // A traced program captured once it has ended: its exit status, as parviz trace
            // (its --trace / --summary-json / --save-run written first).
            if (!opts.traceProgram.empty()) {
                const int code = endTracedProgram(app, 0);
                if (!opts.screenshotAt) return code;
            }
            return app.messageIsError() && !app.current().trace() ? 2 : 0;
        }
        // Shown with its first settled frame: the first frame lays the panels
        // out from estimates (the toolbar's height) and ImGui sizes some
        // widgets a frame late, so a settled one follows at once (no waiting
        // while hidden); at most a few frames in, it is shown whatever.
        const bool showNow = app.framesDrawn() >= kMaxFramesHidden || app.layoutSettled();
        window.present(showNow);
        if (capture && Clock::now() - started > std::chrono::minutes(5)) {
            std::fprintf(stderr, "parviz gui: the run did not finish within 5 minutes; no screenshot\n");
            return 1;
        }
        if ((app.anyLive() || capture) && !window.awaitingShow()) {
            const auto next = lastFrame + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
            std::this_thread::sleep_until(next);
        }
        lastFrame = Clock::now();
    }
    // `parviz trace --gui` / --trace-python: the program's exit status (as Stop
    // or the window's closing ended it, if they did), 130 after Ctrl-C.
    if (!opts.traceProgram.empty()) return endTracedProgram(app, g_interrupt.load(std::memory_order_relaxed));
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
        if (!opts.traceProgram.empty()) {
            // A program that cannot start is refused before any window opens.
            resolveProgram(opts.traceProgram.front());
            const auto& a = opts.traceProgram;
            if (a.size() > 1 && a[1].ends_with(".py") && !std::ifstream(a[1]))
                throw ProgramError(a[1] + ": no such file (or it cannot be read)");
        }
        if (!opts.openRun.empty()) preloaded = loadTrace(opts.openRun);
        else if (opts.benchFrames == 0) {
            const Scenario sc = loadScenario(opts.scenario);
            // --compare sweeps pool sizes: as parviz sweep, a scenario without a pool is refused (exit 2).
            if (opts.compare && !kindInfo(sc.kind).pooled) {
                cli::errorLine("parviz gui: ", "--compare " + opts.scenario + ": " + toString(sc.kind) +
                                                   " has no pool to size; --compare needs a pool scenario "
                                                   "(pool, pool-cpu, pool-sizes, pool-uneven)");
                return 2;
            }
            // The toolbar's pool controls, from the command line: refused, as a
            // bad flag, for a scenario they cannot change.
            if (opts.run.work && !kindInfo(sc.kind).hasWork) {
                cli::errorLine("parviz gui: ", "--work: " + opts.scenario + " is a " + std::string(toString(sc.kind)) +
                                                   " scenario, whose processes do no work to make sleep or cpu");
                return 2;
            }
            if (opts.chunksizeSet && !kindInfo(sc.kind).pooled) {
                cli::errorLine("parviz gui: ", "--chunksize: " + opts.scenario + " is a " +
                                                   std::string(toString(sc.kind)) +
                                                   " scenario, which has no pool (pool scenarios: see parviz list)");
                return 2;
            }
            if (opts.method && !kindInfo(sc.kind).pooled) {
                cli::errorLine("parviz gui: ", "--method: " + opts.scenario + " is a " +
                                                   std::string(toString(sc.kind)) +
                                                   " scenario, which has no pool (pool scenarios: see parviz list)");
                return 2;
            }
            if (opts.chunksizeSet && opts.chunksize && !usesChunks(opts.method.value_or(sc.method))) {
                cli::errorLine("parviz gui: ", std::string("--chunksize: ") + kApplyAsyncNoChunksize);
                return 2;
            }
            if (opts.equalJobs > 0) (void)withEqualJobs(sc, opts.equalJobs);   // throws ScenarioError for no task table
        }
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
