// `parviz run NAME|FILE [flags]`: runs a scenario with real processes, prints
// what the processes print as they print it (read from the live trace), then
// the summary, and writes the files asked for.
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/terminal_out.hpp"
#include "cli/run_flags.hpp"

#include "parviz/chunks.hpp"
#include "parviz/run.hpp"
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/stats.hpp"

#include "parviz/export.hpp"
#include "parviz/file_io.hpp"
#include "parviz/trace_io.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
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
           "  export-python NAME|FILE\n"
           "                       print the scenario as a runnable Python program\n"
           "  sweep NAME|FILE      run a pool scenario over several pool sizes and compare\n"
           "                       (parviz sweep --help)\n"
           "  trace [--gui] [--] PROGRAM\n"
           "                       trace a Python program: python3 script.py; --gui: live in the window\n"
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
    return "  --chunksize auto|K       the pool's chunksize (pool scenarios; auto: CPython's default,\n"
           "                           ceil(tasks / (4 x workers)))\n"
           "  --method M               how the pool hands out its tasks (pool scenarios): map, imap,\n"
           "                           imap_unordered, starmap or apply_async (CPython's semantics)\n"
           "  --jobs N                 the scenario's work cut into N equal tasks (pool and job-queue)\n"
           "  --trace FILE.json        write a Chrome trace (Perfetto, chrome://tracing)\n"
           "  --summary-json FILE      write the summary as JSON (schema parviz-summary/2)\n"
           "  --save-run FILE          save the whole run, to replay in the window\n"
           "  --help                   this text\n"
           "\n"
           "exit status: 0 success, 1 the run failed (the summary lists why: a task failed,\n"
           "a process exited non-zero, events were lost) or was stopped,\n"
           "2 bad usage or a bad scenario file; after Ctrl-C, SIGTERM or SIGHUP the run is\n"
           "stopped, the output files get what was recorded (marked incomplete) and the\n"
           "status is 128 + the signal: 130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP)\n";
}

struct RunArgs {
    std::string scenario;
    RunOptions opts;
    std::optional<std::string> tracePath, summaryPath, savePath;
    // --chunksize (the outer optional: given; the inner: K, or nullopt for auto) and --jobs (0: not given),
    // as the window's toolbar and `parviz gui --chunksize/--jobs` set them.
    std::optional<std::optional<std::size_t>> chunksize;
    std::size_t equalJobs = 0;
    std::optional<PoolMethod> method;   // --method
    bool help = false;
};

// A whole number in [1, kMaxTasks], or the flag named in a usage error.
std::size_t taskCountFlag(std::string_view flag, const std::string& v) {
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || n < 1 || n > kMaxTasks)
        throw UsageError(std::string(flag) + " '" + v.substr(0, 64) + "': expected an integer from 1 to " +
                         std::to_string(kMaxTasks));
    return n;
}

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
        if (std::optional<std::string> v; outputFlag("--chunksize", v)) {
            r.chunksize = *v == "auto" ? std::optional<std::size_t>{} : taskCountFlag("--chunksize", *v);
            continue;
        }
        if (std::optional<std::string> v; outputFlag("--method", v)) {
            r.method = parsePoolMethod(*v);
            if (!r.method)
                throw UsageError("--method '" + v->substr(0, 64) + "': unknown method (allowed: " + kPoolMethodNames + ")");
            continue;
        }
        if (std::optional<std::string> v; outputFlag("--jobs", v)) {
            r.equalJobs = taskCountFlag("--jobs", *v);
            continue;
        }
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

// Prints the lines printed since `from` (an index into model.prints()) and
// returns the new count: the processes' output, in trace order, just the
// lines (as Python would show them).
std::size_t printLines(const RunModel& model, const Trace& trace, std::size_t from) {
    const auto& prints = model.prints();
    for (std::size_t i = from; i < prints.size(); ++i) {
        std::string_view line = trace.string(trace[prints[i].index].a);
        writeSafe(stdout, line);
        std::fputc('\n', stdout);
    }
    if (prints.size() > from) std::fflush(stdout);
    return prints.size();
}

// Tracing's own cost and losses, which the numbers above do not show: the
// time writers waited for the Collector (back-pressure, tracer.hpp) and any
// text that still could not be kept.
void printTracingCost(const RunModel& model) {
    const std::uint64_t waitedNs = model.writerWaitNs(), waits = model.writerWaits(), lostText = model.lostTexts();
    if (waits)
        std::printf("  tracing overhead: writers waited %.1f ms for the Collector to make room (%llu waits)\n",
                    static_cast<double>(waitedNs) / 1e6, static_cast<unsigned long long>(waits));
    if (lostText)
        std::printf("  lost text: %llu printed lines, names or values could not be kept\n",
                    static_cast<unsigned long long>(lostText));
}

// Prints the notes from `from` on and returns how many there are: as the run
// goes (a worker stopped from outside, a deadlock), not only at its end.
std::size_t printNotes(const RunModel& model, const Trace& trace, std::size_t from) {
    const auto& notes = model.notes();
    for (std::size_t i = from; i < notes.size(); ++i) {
        std::string_view text = trace.string(trace[notes[i].index].a);
        errorLine("parviz run: note: ", text);
    }
    return notes.size();
}

// Writes the files asked for, each whole or not at all (file_io.hpp).
// Returns false when one could not be written (the reason is printed).
bool writeOutputs(const RunArgs& ra, const Trace& trace, const RunStats& stats, int interruptedBy) {
    bool ok = true;
    auto attempt = [&](const std::optional<std::string>& path, const char* flag, auto&& write) {
        if (!path) return;
        try {
            write(*path);
        } catch (const std::exception& e) {
            errorLine(std::string("parviz run: ") + flag + ": ", e.what());
            ok = false;
        }
    };
    attempt(ra.summaryPath, "--summary-json",
            [&](const std::string& p) { writeFileAtomic(p, summaryJson(stats, interruptedBy ? interruptName(interruptedBy) : nullptr)); });
    attempt(ra.tracePath, "--trace", [&](const std::string& p) { writeChromeTraceFile(trace, p); });
    attempt(ra.savePath, "--save-run", [&](const std::string& p) { saveTrace(trace, p); });
    return ok;
}

// Runs until the run ends or an interrupt arrives, printing the workers'
// output and notes as they come (noted: how many notes were printed).
// Returns the interrupting signal (0: none); after one the run is stopped and
// its trace marked incomplete.
int followRun(Run& run, RunModel& model, InterruptSignals& interrupts, std::size_t& noted) {
    auto trace = run.trace();
    std::size_t printed = 0;
    int sig = 0;
    while (!run.wait(0.01)) {
        model.update(*trace);
        printed = printLines(model, *trace, printed);
        noted = printNotes(model, *trace, noted);
        if ((sig = interrupts.take()) != 0) break;
    }
    // A terminal's Ctrl-C also kills the workers, and their deaths can end
    // the run before the loop above looked: the signal is still pending, and
    // release() would let it kill parviz before it wrote anything.
    if (sig == 0) sig = interrupts.take();
    if (sig != 0) {
        std::fflush(stdout);
        std::fprintf(stderr, "\nparviz run: interrupted by %s: stopping the run; the output files get what was "
                             "recorded, marked incomplete\n", interruptName(sig));
        run.stop(sig);
        run.wait();
        trace->updateMeta([](TraceMeta& m) { m.incomplete = true; });
    }
    interrupts.release();   // from now on a second Ctrl-C ends parviz at once
    model.update(*trace);
    printLines(model, *trace, printed);
    return sig;
}

std::optional<Scenario> loadChecked(const RunArgs& ra) {
    try {
        Scenario sc = loadScenario(ra.scenario);
        if (ra.chunksize) {
            if (!kindInfo(sc.kind).pooled)
                throw UsageError("--chunksize: " + ra.scenario + " is a " + toString(sc.kind) +
                                 " scenario, which has no pool (pool scenarios: see parviz list)");
            sc.chunksize = *ra.chunksize;
        }
        if (ra.method) {
            if (!kindInfo(sc.kind).pooled)
                throw UsageError("--method: " + ra.scenario + " is a " + toString(sc.kind) +
                                 " scenario, which has no pool (pool scenarios: see parviz list)");
            sc.method = *ra.method;
        }
        if (ra.chunksize && *ra.chunksize && !usesChunks(sc.method))
            throw UsageError(std::string("--chunksize: ") + kApplyAsyncNoChunksize);
        if (ra.equalJobs > 0) sc = withEqualJobs(sc, ra.equalJobs);   // ScenarioError: no task table
        if (ra.opts.work && !kindInfo(sc.kind).hasWork)
            throw UsageError("--work: " + ra.scenario + " is a " + toString(sc.kind) +
                             " scenario, whose processes do no work to make sleep or cpu");
        checkWritable(ra.tracePath, "--trace");
        checkWritable(ra.summaryPath, "--summary-json");
        checkWritable(ra.savePath, "--save-run");
        return sc;
    } catch (const UsageError& e) {
        errorLine("parviz run: ", e.what());
    } catch (const ScenarioError& e) {
        errorLine("parviz run: ", e.what());
    }
    return std::nullopt;
}

} // namespace

int runCommand(const std::vector<std::string>& args) {
    RunArgs ra;
    try {
        ra = parseRunArgs(args);
    } catch (const UsageError& e) {
        errorLine("parviz run: ", e.what());
        return 2;
    }
    if (ra.help) {
        std::fputs(runUsage(), stdout);
        std::fputs(runFlagsHelp(), stdout);
        std::fputs(runOutputHelp(), stdout);
        return 0;
    }
    std::optional<Scenario> sc = loadChecked(ra);
    if (!sc) return 2;

    const bool isPool = kindInfo(sc->kind).pooled;   // its tasks went through a Pool (CPython's would hang)
    InterruptSignals interrupts;   // before the Run: the threads it starts inherit the blocked mask
    std::optional<Run> run;
    try {
        run.emplace(std::move(*sc), ra.opts);
    } catch (const ScenarioError& e) {
        errorLine("parviz run: ", e.what());
        return 2;
    }
    run->start();
    auto trace = run->trace();
    // The run model follows the trace as it grows; the output, the summary,
    // the failures and the exit status are all read from it.
    RunModel model;
    std::size_t noted = 0;
    const int interruptedBy = followRun(*run, model, interrupts, noted);

    RunStats stats = computeStats(model, *trace);
    // What the trace cannot show (the run itself broke) joins the same list,
    // so every failure is printed once, in the summary.
    for (const auto& f : run->failures()) stats.failures.push_back(f);
    std::fputc('\n', stdout);
    writeSafe(stdout, formatSummary(stats));
    printTracingCost(model);
    if (interruptedBy != 0)
        std::printf("(incomplete: interrupted by %s; the numbers cover what was recorded until then)\n",
                    interruptName(interruptedBy));
    if (isPool && poolTaskLostWithWorker(model, *trace))
        std::printf("\nCPython's multiprocessing.Pool would have hung here: a worker killed mid-task makes "
                    "Pool.map wait forever.\n");
    std::fflush(stdout);
    printNotes(model, *trace, noted);

    // The exit status follows the summary: 1 when it lists a failure (or the
    // run was stopped), 0 otherwise; 128 + the signal after an interrupt.
    int code = run->status() == RunStatus::Stopped || !stats.failures.empty() ? 1 : 0;
    if (!writeOutputs(ra, *trace, stats, interruptedBy)) code = code ? code : 1;
    if (interruptedBy != 0) return 128 + interruptedBy;
    if (!stats.failures.empty())
        std::fprintf(stderr, "parviz run: the run failed (%zu failure%s, listed in the summary)\n",
                     stats.failures.size(), stats.failures.size() == 1 ? "" : "s");
    return code;
}

} // namespace parviz::cli
