#include "gui/options.hpp"

#include "cli/run_flags.hpp"
#include "cli/sweep_flags.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace parviz::gui {
namespace {

using cli::UsageError;

const std::string& value(const std::vector<std::string>& args, std::size_t& i, const std::string& flag) {
    if (i + 1 >= args.size()) throw UsageError("parviz gui: " + flag + " needs a value");
    return args[++i];
}

double parseNumber(const std::string& flag, const std::string& v, double lo, double hi) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(d >= lo && d <= hi))
        throw UsageError("parviz gui: " + flag + " '" + v + "': expected a number from " + std::to_string(lo) +
                         " to " + std::to_string(hi));
    return d;
}

int parseInt(const std::string& flag, const std::string& v, int lo, int hi) {
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < lo || n > hi)
        throw UsageError("parviz gui: " + flag + " '" + v + "': expected an integer from " + std::to_string(lo) +
                         " to " + std::to_string(hi));
    return static_cast<int>(n);
}

} // namespace

namespace {

// --trace-python SCRIPT ARGS... / --trace-exec PROGRAM ARGS...: the rest is
// the program's, untouched. Returns parviz's own arguments, --flag=value
// split in two (accepted everywhere, like the shared run flags); `program`
// gets the traced program's argv.
std::vector<std::string> ownArgs(const std::vector<std::string>& rawArgs, std::vector<std::string>& program) {
    std::vector<std::string> own = rawArgs;
    for (std::size_t i = 0; i < rawArgs.size(); ++i) {
        if (rawArgs[i] != "--trace-python" && rawArgs[i] != "--trace-exec") continue;
        if (i + 1 >= rawArgs.size())
            throw UsageError("parviz gui: " + rawArgs[i] + " needs the program: " + rawArgs[i] +
                             (rawArgs[i] == "--trace-python" ? " SCRIPT [ARGS...]" : " PROGRAM [ARGS...]"));
        if (rawArgs[i] == "--trace-python") program.push_back("python3");
        program.insert(program.end(), rawArgs.begin() + static_cast<std::ptrdiff_t>(i) + 1, rawArgs.end());
        own.assign(rawArgs.begin(), rawArgs.begin() + static_cast<std::ptrdiff_t>(i));
        break;
    }
    std::vector<std::string> args;
    for (const std::string& r : own) {
        auto eq = r.find('=');
        if (r.rfind("--", 0) == 0 && eq != std::string::npos) {
            args.push_back(r.substr(0, eq));
            args.push_back(r.substr(eq + 1));
        } else {
            args.push_back(r);
        }
    }
    return args;
}

// One of the window's own flags at args[i] (its value consumed, i moved onto
// it); false when args[i] is not one of them.
bool parseWindowFlag(const std::vector<std::string>& args, std::size_t& i, GuiOptions& o) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
        o.help = true;
    } else if (a == "--size") {
        const std::string& v = value(args, i, a);
        auto x = v.find('x');
        if (x == std::string::npos) throw UsageError("parviz gui: --size '" + v + "': expected WxH, e.g. 1280x720");
        o.width = parseInt("--size '" + v + "': width", v.substr(0, x), 320, 8192);
        o.height = parseInt("--size '" + v + "': height", v.substr(x + 1), 240, 8192);
    } else if (a == "--screenshot") {
        o.screenshot = value(args, i, a);
    } else if (a == "--screenshot-at") {
        o.screenshotAt = parseNumber(a, value(args, i, a), 0, 1e6);
    } else if (a == "--open") {
        o.openRun = value(args, i, a);
    } else if (a == "--layout-json") {
        o.layoutJson = value(args, i, a);
    } else if (a == "--trace" || a == "--summary-json" || a == "--save-run") {
        std::string& dst = a == "--trace" ? o.programTrace : a == "--summary-json" ? o.programSummary : o.programSaveRun;
        dst = value(args, i, a);
        if (dst.empty()) throw UsageError("parviz gui: " + a + ": the file name is empty");
    } else if (a == "--presentation") {
        o.presentation = true;
    } else if (a == "--chunksize") {
        const std::string& v = value(args, i, a);
        o.chunksizeSet = true;
        if (v == "auto") o.chunksize.reset();
        else o.chunksize = static_cast<std::size_t>(parseInt(a, v, 1, static_cast<int>(kMaxTasks)));
    } else if (a == "--method") {
        const std::string& v = value(args, i, a);
        o.method = parsePoolMethod(v);
        if (!o.method)
            throw UsageError("parviz gui: --method '" + v.substr(0, 64) + "': unknown method (allowed: " +
                             kPoolMethodNames + ")");
    } else if (a == "--retries") {
        o.sweepRetries = parseInt(a, value(args, i, a), 0, kMaxSweepRetries);
    } else if (a == "--jobs") {
        o.equalJobs = static_cast<std::size_t>(parseInt(a, value(args, i, a), 1, static_cast<int>(kMaxTasks)));
    } else if (a == "--theme") {
        const std::string& v = value(args, i, a);
        if (v == "dark") o.theme = Theme::Dark;
        else if (v == "light") o.theme = Theme::Light;
        else throw UsageError("parviz gui: --theme '" + v + "': expected dark or light");
    } else if (a == "--bench-frames") {
        o.benchFrames = parseInt(a, value(args, i, a), 1, 100000);
    } else if (a == "--test-pause-at") {
        o.testPauseAt = parseNumber(a, value(args, i, a), 0, 600);
    } else if (a == "--test-dump") {
        o.testDump = value(args, i, a);
    } else if (a == "--test-tab") {
        o.testTab = value(args, i, a);
    } else if (a == "--test-slow-frames") {
        o.testSlowFramesMs = parseInt(a, value(args, i, a), 0, 5000);
    } else if (a == "--test-pause-for") {
        o.testPauseFor = parseNumber(a, value(args, i, a), 0, 600);
    } else {
        return false;
    }
    return true;
}

// The combinations refused once every flag is read.
void checkCombinations(const GuiOptions& o) {
    if (o.screenshotAt && o.screenshot.empty())
        throw UsageError("parviz gui: --screenshot-at needs --screenshot FILE.png");
    if (o.testPauseAt && o.screenshot.empty())
        throw UsageError("parviz gui: --test-pause-at needs --screenshot FILE.png");
    if (!o.layoutJson.empty() && o.screenshot.empty())
        throw UsageError("parviz gui: --layout-json needs --screenshot FILE.png");
    if (o.compare && !o.openRun.empty()) throw UsageError("parviz gui: --compare and --open cannot be used together");
    // Output files whose directory is missing are refused before any run:
    // finding out after the whole scenario ran wastes the run and says exit 1.
    for (const auto& [flag, file] : {std::pair<const char*, const std::string&>{"--screenshot", o.screenshot},
                                     {"--layout-json", o.layoutJson}}) {
        const std::filesystem::path dir = std::filesystem::path(file).parent_path();
        std::error_code ec;
        if (!file.empty() && !dir.empty() && !std::filesystem::is_directory(dir, ec))
            throw UsageError(std::string("parviz gui: ") + flag + " '" + file + "': the directory '" + dir.string() +
                             "' does not exist");
    }
    // A traced program's files, written when it has ended: checked before it starts.
    for (const auto& [flag, file] : {std::pair<const char*, const std::string&>{"--trace", o.programTrace},
                                     {"--summary-json", o.programSummary}, {"--save-run", o.programSaveRun}}) {
        if (file.empty()) continue;
        if (o.traceProgram.empty())
            throw UsageError(std::string("parviz gui: ") + flag +
                             " is written for a traced program (--trace-python); a scenario's run is saved with "
                             "Save run... in the window, or with parviz run " + flag);
        try {
            cli::checkWritable(file, flag);
        } catch (const UsageError& e) {
            throw UsageError(std::string("parviz gui: ") + e.what());
        }
    }
    if (!o.traceProgram.empty() && (o.compare || !o.openRun.empty() || o.benchFrames > 0))
        throw UsageError("parviz gui: --trace-python cannot be used with --compare, --open or --bench-frames");
    if ((o.chunksizeSet || o.equalJobs > 0 || o.method) && !o.openRun.empty())
        throw UsageError("parviz gui: --chunksize, --jobs and --method change the next run; --open replays a saved one");
}

} // namespace

GuiOptions parseGuiOptions(const std::vector<std::string>& rawArgs) {
    std::vector<std::string> program;
    const std::vector<std::string> args = ownArgs(rawArgs, program);
    GuiOptions o;
    bool haveScenario = false;
    // --compare NAME|FILE: --workers and --work are lists (as parviz sweep's).
    const bool compare = std::find(args.begin(), args.end(), "--compare") != args.end();
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (compare && (args[i] == "--workers" || args[i] == "--work")) {
            const std::string flag = args[i];
            const std::string& v = value(args, i, flag);
            try {
                if (flag == "--workers") o.compareWorkers = cli::parseWorkersList(v);
                else o.compareWorks = cli::parseWorksList(v);
            } catch (const UsageError& e) {
                throw UsageError(std::string("parviz gui: ") + e.what());
            }
            continue;
        }
        if (args[i] == "--compare") {
            const std::string& v = value(args, i, "--compare");
            if (haveScenario) throw UsageError("parviz gui: more than one scenario given ('" + o.scenario + "' and '" + v + "')");
            o.scenario = v;
            o.compare = haveScenario = true;
            continue;
        }
        // parseRunFlag leaves i on the first argument it did not consume.
        if (std::size_t j = i; cli::parseRunFlag(args, j, o.run)) {
            i = j - 1;
            continue;
        }
        if (parseWindowFlag(args, i, o)) continue;
        const std::string& a = args[i];
        if (a.rfind("-", 0) == 0) throw UsageError("parviz gui: unknown option '" + a + "' (see parviz gui --help)");
        if (haveScenario)
            throw UsageError("parviz gui: more than one scenario given ('" + o.scenario + "' and '" + a + "')");
        o.scenario = a;
        haveScenario = true;
    }
    o.traceProgram = std::move(program);
    checkCombinations(o);
    return o;
}

const char* guiHelp() noexcept {
    return "usage: parviz gui [NAME|FILE] [run flags] [--size WxH] [--screenshot FILE.png]\n"
           "                  [--screenshot-at SECONDS] [--layout-json FILE] [--open RUNFILE]\n"
           "                  [--presentation] [--theme dark|light] [--bench-frames N]\n"
           "                  [--chunksize auto|K] [--jobs N] [--method M]\n"
           "       parviz gui --compare NAME|FILE [--workers 1,2,4,8] [--work sleep,cpu] [--retries N]\n"
           "                  [--method M] [--chunksize auto|K] [flags]\n"
           "       parviz gui [flags] --trace-python SCRIPT [ARGS...]\n"
           "\n"
           "Opens the window on a scenario (default: pool).\n"
           "  --size WxH             window size in pixels (default 1280x720)\n"
           "  --screenshot FILE.png  show the stage for three frames, press Run on it (as a class does), write\n"
           "                         a PNG of the window when the run has finished, exit (--open and\n"
           "                         --trace-python: no stage, shown or started at once)\n"
           "  --screenshot-at S      capture S seconds into the run (run clock) instead\n"
           "  --layout-json FILE     with --screenshot: also write what the window showed (docs/layout-json.md)\n"
           "  --open RUNFILE         replay a saved run; no process is started\n"
           "  --presentation         large type and a layout for a projector (type follows the window size)\n"
           "  --compare NAME|FILE    run a pool scenario with every --workers and --work listed (default\n"
           "                         1,2,4,8 and sleep,cpu), one after another, and show the Compare view:\n"
           "                         the runs on one time axis, speedup and efficiency plots; with\n"
           "                         --screenshot, captured when the last run has ended\n"
           "  --retries N            a Sweep's cpu run flagged busy (other programs took more than 10 % of\n"
           "                         the cores) is run again up to N times (0..10, default 2), as parviz\n"
           "                         sweep; a busy sleep run is kept (sleeping workers need no core)\n"
           "  --trace-python SCRIPT [ARGS...]\n"
           "                         trace python3 SCRIPT ARGS live (last: the rest is the program's): its\n"
           "                         processes, queues, locks, pool tasks and output in the same panels, its\n"
           "                         source in Code; Stop ends its whole process group (as parviz trace --gui)\n"
           "  --trace FILE.json, --summary-json FILE, --save-run FILE\n"
           "                         with --trace-python: written when the program has ended (stopped, or the\n"
           "                         window closed first: with what was recorded, marked incomplete)\n"
           "  --chunksize auto|K     the toolbar's chunksize to start with (pool scenarios; auto: CPython's\n"
           "                         default, ceil(tasks / (4 x workers)))\n"
           "  --method M             the toolbar's pool method to start with (pool scenarios): map, imap,\n"
           "                         imap_unordered, starmap or apply_async\n"
           "  --jobs N               the toolbar's \"N equal jobs\" to start with: the scenario's work cut\n"
           "                         into N tasks of the same length (pool and job-queue scenarios)\n"
           "  --theme dark|light     colour theme (default dark)\n"
           "  --bench-frames N       draw N frames of a synthetic 1 000 000-span trace, print frame times\n"
           "\n"
           "Run flags (below) apply to the window's runs too. With --kill-worker NAME@S and\n"
           "--screenshot, the worker is SIGKILLed S scenario seconds in, the pool carries on,\n"
           "the screenshot (taken once the run has finished) shows the killed lane and the\n"
           "failed task, and parviz gui exits 0: a killed worker is part of the demo, not an error.\n"
           "Exit codes: 0 done (screenshot written), 1 the window or the capture failed,\n"
           "2 bad usage, no display, or a file that cannot be read.\n"
           "\n"
           "No display? Run headless: xvfb-run -a parviz gui pool --screenshot out.png\n";
}

} // namespace parviz::gui
