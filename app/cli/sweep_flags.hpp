#pragma once
// The flags of `parviz sweep`: comma-separated lists (--workers, --work,
// --chunksize), counts (--repeat, --retries), output files, and the shared
// --time-scale and --cores of run_flags.hpp. Every bad value throws a
// UsageError naming the flag, the value and the reason (exit 2).
#include "cli/run_flags.hpp"

#include "parviz/sweep.hpp"

#include <optional>
#include <string>
#include <vector>

namespace parviz::cli {

struct SweepArgs {
    std::string scenario;
    SweepPlan plan;
    std::optional<std::string> csvPath, jsonPath;
    std::optional<PoolMethod> method;   // --method: overrides the scenario's, as for run and gui
    bool help = false;
};

// Parses the arguments after "sweep". Lists: not empty, no empty item, no
// duplicate; workers 1..1024, work sleep|cpu, chunksize auto|1..1000000.
SweepArgs parseSweepArgs(const std::vector<std::string>& args);

// The --workers and --work lists alone (parviz gui --compare uses them too);
// throw UsageError as parseSweepArgs does.
std::vector<int> parseWorkersList(const std::string& value);
std::vector<WorkKind> parseWorksList(const std::string& value);

// `parviz sweep --help`.
const char* sweepUsage() noexcept;

} // namespace parviz::cli
