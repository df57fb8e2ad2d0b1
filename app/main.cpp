// parviz: Python's multiprocessing tutorial re-enacted with real processes.
//
// main() starts the runtime first (the fork server must exist before any
// thread or window), then hands the arguments to one command:
//   parviz              -> the window
//   parviz gui ...      -> the window
//   parviz NAME|FILE|--flag ... -> the window too, as `parviz [gui] [NAME|FILE] [flags]` promises
//   parviz list         -> the built-in scenarios
//   parviz run ...      -> a headless run with the tutorial's output and a summary
//   parviz export-python ... -> the scenario as a runnable Python program
//   parviz sweep ...    -> one pool scenario over several pool sizes, compared
//   parviz trace -- PROGRAM  -> a Python program traced with python/parviz_trace
#include "cli/commands.hpp"
#include "cli/crash_report.hpp"
#include "cli/startup_timing.hpp"
#include "cli/terminal_out.hpp"

#include "parviz/runtime.hpp"
#include "parviz/scenario.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#ifdef PARVIZ_HAVE_GUI
#include "gui/gui.hpp"
#endif

namespace {

int guiCommand(const std::vector<std::string>& args) {
#ifdef PARVIZ_HAVE_GUI
    return parviz::gui::guiMain(args);
#else
    (void)args;
    std::fprintf(stderr, "parviz: this build has no window (built without PARVIZ_BUILD_GUI); "
                         "try parviz list or parviz run NAME\n");
    return 2;
#endif
}

// True when `parviz ARG ...` means the window with `gui` left out: a flag
// (other than --help/--version), a built-in scenario's name, or an existing
// file. Anything else stays "unknown command", so a mistyped command is not
// taken for a scenario.
bool opensWindowWithoutGui(const std::string& first) {
    if (first.empty()) return false;
    if (first[0] == '-') return first != "--help" && first != "-h" && first != "--version" && first != "-V";
    const auto names = parviz::builtinScenarioNames();
    if (std::find(names.begin(), names.end(), first) != names.end()) return true;
    std::error_code ec;
    return std::filesystem::is_regular_file(first, ec);
}

// Reaps the fork server on every way out of main() (parviz::shutdown()).
struct RuntimeShutdown {
    ~RuntimeShutdown() { parviz::shutdown(); }
};

} // namespace

int main(int argc, char** argv) {
    parviz::startup::mark("main() entered");
    // First, before any thread: workers are forked from the state of the program now.
    try {
        parviz::init();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parviz: cannot start the process runtime: %s\n", e.what());
        return 1;
    }
    parviz::startup::mark("process runtime (arena, fork server) started");
    RuntimeShutdown shutdownAtExit;
    // After the fork server: a crash of parviz itself says where, a worker's stays the run's business.
    parviz::cli::installCrashReport();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return guiCommand(args);

    const std::string cmd = args.front();
    // Hidden, for the test of the crash report: a real invalid access.
    if (cmd == "--test-crash") {
        volatile int* nowhere = nullptr;
        return *nowhere;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    try {
        if (cmd == "gui") return guiCommand(rest);
        if (opensWindowWithoutGui(cmd)) return guiCommand(args);
        if (cmd == "list") return parviz::cli::listCommand(rest);
        if (cmd == "run") return parviz::cli::runCommand(rest);
        if (cmd == "export-python") return parviz::cli::exportPythonCommand(rest);
        if (cmd == "sweep") return parviz::cli::sweepCommand(rest);
        if (cmd == "trace") return parviz::cli::traceCommand(rest);
        if (cmd == "--help" || cmd == "-h" || cmd == "help") {
            std::fputs(parviz::cli::mainUsage(), stdout);
            return 0;
        }
        if (cmd == "--version" || cmd == "-V") {
            std::printf("parviz %s\n", PARVIZ_VERSION);
            return 0;
        }
    } catch (const std::exception& e) {
        // Commands report their own errors; this is the last line of defence.
        parviz::cli::errorLine("parviz " + parviz::escapeForTerminal(cmd) + ": ", e.what());
        return 1;
    }
    parviz::cli::errorLine("parviz: ", cmd + ": unknown command (not a command, a built-in scenario or a file; parviz list names the scenarios)\n");
    std::fputs(parviz::cli::mainUsage(), stderr);
    return 2;
}
