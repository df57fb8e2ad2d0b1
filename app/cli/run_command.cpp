// `parviz run NAME|FILE [flags]`: runs a scenario with real processes, prints
// what the processes print as they print it (read from the live trace), then
// the summary, and writes the files asked for.
#include "cli/commands.hpp"
#include "cli/run_flags.hpp"

#include "parviz/run.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"

#include "parviz/export.hpp"
#include "parviz/file_io.hpp"
#include "parviz/trace_io.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace parviz::cli {

const char* mainUsage() noexcept {
    return "usage: parviz [COMMAND] [ARGS]\n"
           "\n"
           "Python's multiprocessing tutorial, re-enacted with real processes.\n"
           "\n"
           "commands:\n"
           "  (none), gui [FILE]   open the window\n"
           "  list                 the built-in scenarios\n"
           "  run NAME|FILE        run a scenario in the terminal (parviz run --help)\n"
           "  --help, --version\n";
}

namespace {

const char* runUsage() noexcept {
    return "usage: parviz run NAME|FILE [flags]\n"
           "\n"
           "Runs a built-in scenario (parviz list) or a scenario file with real processes,\n"
           "prints what the processes print, then a summary of the run.\n"
           "\n"
           "flags:\n";
}

const char* runOutputHelp() noexcept {
    return "  --trace FILE.json        write a Chrome trace (Perfetto, chrome://tracing)\n"
           "  --summary-json FILE      write the summary as JSON (schema parviz-summary/1)\n"
           "  --save-run FILE          save the whole run, to replay in the window\n"
           "  --help                   this text\n"
           "\n"
           "exit status: 0 success, 1 the run failed (a task raised, a worker was killed),\n"
           "2 bad usage or a bad scenario file\n";
}

struct RunArgs {
    std::string scenario;
    RunOptions opts;
    std::optional<std::string> tracePath, summaryPath, savePath;
    bool help = false;
};

RunArgs parseRunArgs(const std::vector<std::string>& args) {
    RunArgs r;
    for (std::size_t i = 0; i < args.size();) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            r.help = true;
            return r;
        }
        if (parseRunFlag(args, i, r.opts)) continue;
        auto outputFlag = [&](std::string_view flag, std::optional<std::string>& dst) {
            if (a == flag) {
                if (i + 1 >= args.size()) throw UsageError(std::string(flag) + ": missing value");
                dst = args[i + 1];
                i += 2;
                return true;
            }
            if (a.starts_with(std::string(flag) + "=")) {
                dst = a.substr(flag.size() + 1);
                i += 1;
                return true;
            }
            return false;
        };
        if (outputFlag("--trace", r.tracePath) || outputFlag("--summary-json", r.summaryPath) ||
            outputFlag("--save-run", r.savePath))
            continue;
        if (a.size() > 1 && a[0] == '-') throw UsageError(a + ": unknown flag (see parviz run --help)");
        if (!r.scenario.empty())
            throw UsageError(a + ": unexpected argument; the scenario is already " + r.scenario);
        r.scenario = a;
        ++i;
    }
    if (r.help) return r;
    if (r.scenario.empty()) throw UsageError("missing the scenario: parviz run NAME|FILE (see parviz list)");
    for (const auto* p : {&r.tracePath, &r.summaryPath, &r.savePath})
        if (*p && (*p)->empty()) throw UsageError("an output file name is empty");
    return r;
}

// Checks an output path before the run starts, so a typo in a path fails in a
// second rather than after a long run. Creates nothing: the files are written
// whole at the end (file_io.hpp), so no empty file is left behind.
void checkWritable(const std::optional<std::string>& path, const char* flag) {
    if (!path) return;
    try {
        checkWritableOutput(*path);
    } catch (const FileError& e) {
        throw UsageError(std::string(flag) + ": " + e.what());
    }
}

// Prints the Print events of [from, n) and returns n: the processes' output,
// in trace order, just the lines (as Python would show them).
std::size_t printLines(const Trace& trace, std::size_t from) {
    std::size_t n = trace.size();
    for (std::size_t i = from; i < n; ++i) {
        const Event& e = trace[i];
        if (e.kind != EventKind::Print) continue;
        std::string_view line = trace.string(e.a);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fputc('\n', stdout);
    }
    if (n > from) std::fflush(stdout);
    return n;
}

bool hasKillRequest(const Trace& trace) {
    for (std::size_t i = 0, n = trace.size(); i < n; ++i)
        if (trace[i].kind == EventKind::KillRequest) return true;
    return false;
}

void printNotes(const Trace& trace) {
    for (std::size_t i = 0, n = trace.size(); i < n; ++i)
        if (trace[i].kind == EventKind::Note)
            std::fprintf(stderr, "parviz run: note: %.*s\n", static_cast<int>(trace.string(trace[i].a).size()),
                         trace.string(trace[i].a).data());
}

} // namespace

int runCommand(const std::vector<std::string>& args) {
    RunArgs ra;
    std::optional<Scenario> sc;
    try {
        ra = parseRunArgs(args);
        if (ra.help) {
            std::fputs(runUsage(), stdout);
            std::fputs(runFlagsHelp(), stdout);
            std::fputs(runOutputHelp(), stdout);
            return 0;
        }
        sc = loadScenario(ra.scenario);
        checkWritable(ra.tracePath, "--trace");
        checkWritable(ra.summaryPath, "--summary-json");
        checkWritable(ra.savePath, "--save-run");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "parviz run: %s\n", e.what());
        return 2;
    } catch (const ScenarioError& e) {
        std::fprintf(stderr, "parviz run: %s\n", e.what());
        return 2;
    }

    const bool isPool = sc->kind == ScenarioKind::Pool;
    std::optional<Run> run;
    try {
        run.emplace(std::move(*sc), ra.opts);
    } catch (const ScenarioError& e) {
        std::fprintf(stderr, "parviz run: %s\n", e.what());
        return 2;
    }
    run->start();
    auto trace = run->trace();
    std::size_t printed = 0;
    while (!run->wait(0.01)) printed = printLines(*trace, printed);
    printLines(*trace, printed);

    RunStats stats = computeStats(*trace);
    std::printf("\n%s", formatSummary(stats).c_str());
    auto failures = run->failures();
    // The summary lists failures it can see in the trace; the run's own list
    // covers the rest (a task that raised before tracing, a start that failed).
    if (!failures.empty() && stats.failures.empty()) {
        std::printf("\nfailures:\n");
        for (const auto& f : failures) std::printf("  %s\n", f.c_str());
    }
    if (isPool && hasKillRequest(*trace))
        std::printf("\nCPython's multiprocessing.Pool would have hung here: a worker killed mid-task makes "
                    "Pool.map wait forever.\n");
    std::fflush(stdout);
    printNotes(*trace);

    int code = run->status() == RunStatus::Finished ? 0 : 1;
    if (ra.summaryPath) {
        try {
            writeFileAtomic(*ra.summaryPath, statsToJson(stats));
        } catch (const FileError& e) {
            std::fprintf(stderr, "parviz run: --summary-json: %s\n", e.what());
            code = code ? code : 1;
        }
    }
    if (ra.tracePath) {
        try {
            writeChromeTraceFile(*trace, *ra.tracePath);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parviz run: --trace: %s\n", e.what());
            code = code ? code : 1;
        }
    }
    if (ra.savePath) {
        try {
            saveTrace(*trace, *ra.savePath);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parviz run: --save-run: %s\n", e.what());
            code = code ? code : 1;
        }
    }
    if (code == 1 && !failures.empty())
        std::fprintf(stderr, "parviz run: the run failed: %s\n", failures.front().c_str());
    return code;
}

} // namespace parviz::cli
