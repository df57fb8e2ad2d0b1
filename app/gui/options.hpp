#pragma once
// `parviz gui` command line. The run flags (--workers, --work, --time-scale,
// --kill-worker, --cores) are parsed by cli::parseRunFlag, shared with
// `parviz run`, so both commands spell and limit them the same way.
#include "parviz/run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace parviz::gui {

enum class Theme : std::uint8_t { Dark, Light };

struct GuiOptions {
    std::string scenario = "pool";          // built-in name or scenario file
    RunOptions run;
    int width = 1280, height = 720;
    std::string screenshot;                 // write a PNG and exit
    std::optional<double> screenshotAt;     // run-clock seconds; default: when the run has finished
    std::string openRun;                    // --open: replay a saved run, start no process
    std::string layoutJson;                 // write the lane rectangles (for tests) with the screenshot
    bool presentation = false;
    // The toolbar's chunksize and "N equal jobs" to start with (pool
    // scenarios; jobs also job-queue): chunksizeSet with chunksize nullopt is
    // "auto" (CPython's default); equalJobs 0 = the scenario's own tasks.
    bool chunksizeSet = false;
    std::optional<std::size_t> chunksize;
    std::size_t equalJobs = 0;
    std::optional<PoolMethod> method;       // --method: the toolbar's pool method to start with
    // --compare: sweep the scenario over these worker counts and work kinds
    // at start and show the Compare view (--workers and --work take lists).
    bool compare = false;
    std::vector<int> compareWorkers = {1, 2, 4, 8};
    std::vector<WorkKind> compareWorks = {WorkKind::Sleep, WorkKind::Cpu};
    // --retries N: a sweep's run flagged busy (other programs took the
    // cores) is run again up to N times, as `parviz sweep --retries`; the
    // attempt kept is the first quiet one, else the least busy (keptAttempt).
    int sweepRetries = 2;
    // --trace-python SCRIPT ARGS... (python3 SCRIPT ARGS...) or, from
    // `parviz trace --gui`, the hidden --trace-exec PROGRAM ARGS...: a
    // program traced live in the window instead of a scenario run.
    std::vector<std::string> traceProgram;
    // With a traced program only: the files `parviz trace` writes (--trace,
    // --summary-json, --save-run), written when the program has ended (or
    // was stopped, or the window closed: then marked incomplete). "": none.
    std::string programTrace, programSummary, programSaveRun;
    Theme theme = Theme::Dark;
    int benchFrames = 0;                    // > 0: frame benchmark instead of the window's normal life
    // Hidden test hooks (not in --help): press Pause S seconds (wall clock) after
    // the run starts and Resume after another S; the worker pids and the pause
    // go to the --layout-json output, and to FILE.paused while paused.
    std::optional<double> testPauseAt;
    // Hidden: write the --layout-json content to FILE after every frame
    // (renamed into place whole), for tests that drive the window with real
    // mouse and key events (xdotool) and watch what it shows.
    std::string testDump;
    std::string testTab;                 // hidden --test-tab NAME: select that Stats tab (presentation)
    double testPauseFor = 1.0;
    // Hidden --test-slow-frames MS: each frame sleeps MS before it reads input,
    // as on a busy machine, so a test can show that a short key tap or click
    // that falls inside one frame is still seen.
    int testSlowFramesMs = 0;
    bool help = false;
};

// Throws cli::UsageError naming the flag and the reason.
GuiOptions parseGuiOptions(const std::vector<std::string>& args);
const char* guiHelp() noexcept;

} // namespace parviz::gui
