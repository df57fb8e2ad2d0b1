// `parviz export-python NAME|FILE [flags]`: prints the scenario as a runnable
// Python 3 program (listing.hpp, generatePythonProgram), so the same scenario
// can be run under CPython: `parviz export-python pool > pool.py && python3 pool.py`.
#include "cli/commands.hpp"
#include "cli/run_flags.hpp"
#include "cli/terminal_out.hpp"

#include "parviz/listing.hpp"
#include "parviz/scenario.hpp"

#include <charconv>
#include <cstdio>
#include <string>

namespace parviz::cli {
namespace {

const char* exportUsage() noexcept {
    return "usage: parviz export-python NAME|FILE [flags]\n"
           "\n"
           "Prints a built-in scenario (parviz list) or a scenario file as a runnable Python 3\n"
           "program (standard library only) that does what `parviz run` does, with CPython's\n"
           "multiprocessing: parviz export-python pool > pool.py && python3 pool.py\n"
           "\n"
           "flags:\n"
           "  --workers N              pool size or process count (1..1024)\n"
           "  --work sleep|cpu         override every task's work (cpu: a busy loop on\n"
           "                           time.process_time())\n"
           "  --chunksize K            the pool's chunksize (pool scenarios; 1..1000000)\n"
           "  --method M               the pool's method: map, imap, imap_unordered, starmap, apply_async\n"
           "  --time-scale X           multiply every task's seconds by X (0.001..100)\n"
           "  --help                   this text\n"
           "\n"
           "exit status: 0 success, 2 bad usage or a bad scenario file\n";
}

struct ExportArgs {
    std::string scenario;
    RunOptions opts;                       // only workers, work and timeScale are accepted
    std::optional<std::size_t> chunksize;
    std::optional<PoolMethod> method;
    bool help = false;
};

std::size_t parseChunksize(const std::string& v) {
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc{} || p != v.data() + v.size() || n < 1 || n > kMaxTasks)
        throw UsageError("--chunksize: '" + v.substr(0, 64) + "': must be an integer between 1 and " +
                         std::to_string(kMaxTasks));
    return n;
}

ExportArgs parseExportArgs(const std::vector<std::string>& args) {
    ExportArgs r;
    for (std::size_t i = 0; i < args.size();) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            r.help = true;
            return r;
        }
        if (a.starts_with("--kill-worker") || a.starts_with("--cores"))
            throw UsageError(a.substr(0, a.find('=')) + ": not a flag of export-python (it applies to a run)");
        if (parseRunFlag(args, i, r.opts)) continue;
        if (a == "--chunksize" || a.starts_with("--chunksize=")) {
            const bool inlined = a != "--chunksize";
            if (!inlined && i + 1 >= args.size()) throw UsageError("--chunksize: missing value");
            r.chunksize = parseChunksize(inlined ? a.substr(12) : args[i + 1]);
            i += inlined ? 1 : 2;
            continue;
        }
        if (a == "--method" || a.starts_with("--method=")) {
            const bool inlined = a != "--method";
            if (!inlined && i + 1 >= args.size()) throw UsageError("--method: missing value");
            const std::string v = inlined ? a.substr(9) : args[i + 1];
            r.method = parsePoolMethod(v);
            if (!r.method) throw UsageError("--method '" + v.substr(0, 64) + "': unknown method (allowed: " + kPoolMethodNames + ")");
            i += inlined ? 1 : 2;
            continue;
        }
        if (a.size() > 1 && a[0] == '-') throw UsageError(a + ": unknown flag (see parviz export-python --help)");
        if (!r.scenario.empty())
            throw UsageError(a + ": unexpected argument; the scenario is already " + r.scenario);
        r.scenario = a;
        ++i;
    }
    if (!r.help && r.scenario.empty())
        throw UsageError("missing the scenario: parviz export-python NAME|FILE (see parviz list)");
    return r;
}

// The flags that only make sense for some kinds, checked against the scenario.
void checkApplies(const ExportArgs& ea, const Scenario& sc) {
    const std::string src = sc.source.empty() ? sc.name : sc.source;
    if (ea.opts.workers && !workersOverridable(sc.kind))
        throw UsageError("--workers: the " + std::string(toString(sc.kind)) + " scenario " + src +
                         " has no pool size or process count to override");
    if (ea.method && !kindInfo(sc.kind).pooled)
        throw UsageError("--method: " + src + " is a " + std::string(toString(sc.kind)) +
                         " scenario, which has no pool (pool scenarios: see parviz list)");
    if (ea.chunksize && !kindInfo(sc.kind).pooled)
        throw UsageError("--chunksize: " + src + " is a " + std::string(toString(sc.kind)) +
                         " scenario, which has no pool (pool scenarios: see parviz list)");
    if (ea.chunksize && !usesChunks(ea.method.value_or(sc.method))) throw UsageError(std::string("--chunksize: ") + kApplyAsyncNoChunksize);
}

} // namespace

int exportPythonCommand(const std::vector<std::string>& args) {
    try {
        ExportArgs ea = parseExportArgs(args);
        if (ea.help) {
            std::fputs(exportUsage(), stdout);
            return 0;
        }
        Scenario sc = loadScenario(ea.scenario);
        checkApplies(ea, sc);
        if (ea.method) sc.method = *ea.method;
        ListingParams p;
        p.workers = ea.opts.workers;
        p.work = ea.opts.work;
        p.chunksize = ea.chunksize;
        p.timeScale = ea.opts.timeScale;
        const std::string program = generatePythonProgram(sc, p);
        if (std::fwrite(program.data(), 1, program.size(), stdout) != program.size() || std::fflush(stdout) != 0) {
            std::fprintf(stderr, "parviz export-python: writing to standard output failed\n");
            return 1;
        }
        return 0;
    } catch (const UsageError& e) {
        errorLine("parviz export-python: ", e.what());
        return 2;
    } catch (const ScenarioError& e) {
        errorLine("parviz export-python: ", e.what());
        return 2;
    }
}

} // namespace parviz::cli
