// `parviz sweep NAME|FILE [flags]`: runs a pool scenario for every pool size,
// work kind and chunksize asked for, one run after another, with a progress
// line on stderr, then prints the comparison tables and writes the files.
#include "cli/run_flags.hpp"
#include "cli/commands.hpp"
#include "cli/sweep_flags.hpp"

#include "parviz/file_io.hpp"
#include "parviz/scenario.hpp"
#include "parviz/sweep.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace parviz::cli {
namespace {

// Creates the directory when missing (one level), so a typo fails at once.
void prepareDir(const std::string& dir) {
    if (dir.empty()) return;
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
        throw UsageError("--save-runs: " + dir + ": " + std::strerror(errno));
    struct stat st{};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw UsageError("--save-runs: " + dir + ": not a directory");
    if (access(dir.c_str(), W_OK) != 0) throw UsageError("--save-runs: " + dir + ": not writable");
}

// Atomically (temp file + rename): a failed write leaves the old file whole.
bool writeText(const char* flag, const std::string& path, const std::string& text) {
    try {
        writeFileAtomic(path, text);
        return true;
    } catch (const FileError& e) {
        std::fprintf(stderr, "parviz sweep: %s: %s\n", flag, e.what());
        return false;
    }
}

std::string describe(const SweepProgress& p) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "[%d/%d] %s work, %d worker%s, chunksize %s", p.index, p.total,
                  toString(p.row->work), p.row->workers, p.row->workers == 1 ? "" : "s",
                  chunksizeLabel(p.row->chunksize).c_str());
    std::string s = buf;
    if (p.repeat > 1 || p.attempt > 1)
        s += ", repeat " + std::to_string(p.repeat) + " attempt " + std::to_string(p.attempt);
    return s;
}

// On a terminal one line rewritten in place; otherwise one line per finished run.
void progressLine(const SweepProgress& p, bool tty) {
    if (!p.done) {
        if (tty) std::fprintf(stderr, "\r\033[K%s ...", describe(p).c_str());
        return;
    }
    const SweepAttempt& a = *p.result;
    const std::string machine = a.machine.otherShare
                                    ? "other processes " + std::to_string(static_cast<int>(*a.machine.otherShare * 100 + 0.5)) + " %"
                                    : describeUnjudgedShort(a.machine);
    std::fprintf(stderr, "%s%s: %.3f s, %s%s%s", tty ? "\r\033[K" : "", describe(p).c_str(), a.makespanS,
                 machine.c_str(), a.machine.busy == true ? " (busy)" : "", tty && a.machine.busy != true ? "" : "\n");
    std::fflush(stderr);
}

} // namespace

int sweepCommand(const std::vector<std::string>& args) {
    SweepArgs sa;
    Scenario sc;
    try {
        sa = parseSweepArgs(args);
        if (sa.help) {
            std::fputs(sweepUsage(), stdout);
            return 0;
        }
        sc = loadScenario(sa.scenario);
        if (sa.method) {
            if (!kindInfo(sc.kind).pooled)
                throw UsageError("--method: " + sa.scenario + " is a " + toString(sc.kind) +
                                 " scenario, which has no pool (pool scenarios: see parviz list)");
            sc.method = *sa.method;
        }
        if (!usesChunks(sc.method) &&
            std::any_of(sa.plan.chunksizes.begin(), sa.plan.chunksizes.end(), [](const auto& c) { return c.has_value(); }))
            throw UsageError(std::string("--chunksize: ") + kApplyAsyncNoChunksize);
        validateSweep(sc, sa.plan);
        checkWritable(sa.csvPath, "--csv");
        checkWritable(sa.jsonPath, "--json");
        prepareDir(sa.plan.saveRunsDir);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "parviz sweep: %s\n", e.what());
        return 2;
    } catch (const ScenarioError& e) {
        std::fprintf(stderr, "parviz sweep: %s\n", e.what());
        return 2;
    }

    const bool tty = isatty(STDERR_FILENO) != 0;
    SweepResult result;
    try {
        result = runSweep(sc, sa.plan, [tty](const SweepProgress& p) { progressLine(p, tty); });
    } catch (const SweepError& e) {
        std::fprintf(stderr, "%sparviz sweep: %s\n", tty ? "\n" : "", e.what());
        return 1;
    } catch (const ScenarioError& e) {
        std::fprintf(stderr, "%sparviz sweep: %s\n", tty ? "\n" : "", e.what());
        return 2;
    }
    if (tty) std::fputs("\r\033[K", stderr);
    std::fputs(formatSweep(result).c_str(), stdout);
    std::fflush(stdout);

    int code = 0;
    if (sa.jsonPath && !writeText("--json", *sa.jsonPath, sweepToJson(result))) code = 1;
    if (sa.csvPath && !writeText("--csv", *sa.csvPath, sweepToCsv(result))) code = 1;
    return code;
}

} // namespace parviz::cli
