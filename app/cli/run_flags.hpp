#pragma once
#include <optional>
#include <string>
// The run flags shared by `parviz run` and `parviz gui`: --workers, --work,
// --time-scale, --kill-worker (repeatable) and --cores. Both commands parse
// them with parseRunFlag() so that their spelling, limits and error messages
// can never drift apart.
#include "parviz/run.hpp"
#include "parviz/stats.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace parviz::cli {

// Bad usage: the message names the flag, the value and the reason. Commands
// print it and exit with code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Looks at args[i]. When it is one of the shared run flags (as "--flag VALUE"
// or "--flag=VALUE"), stores the value in opts, advances i past everything it
// consumed and returns true. Returns false, leaving i alone, for any other
// argument so the caller can handle its own flags. Throws UsageError for a
// missing or invalid value:
//   --workers N             integer 1..1024 (kMaxWorkers)
//   --work sleep|cpu
//   --time-scale X          number 0.001..100
//   --kill-worker NAME@S    S >= 0 scenario seconds; repeatable
//   --cores auto|perf|sampling|off
bool parseRunFlag(const std::vector<std::string>& args, std::size_t& i, RunOptions& opts);

// The help text lines describing the flags above (for --help of both commands).
const char* runFlagsHelp() noexcept;

// Splits "NAME@SECONDS" (throws UsageError naming the flag and the reason).
KillOrder parseKillOrder(const std::string& value);

// Checks an output path given with `flag` before a run starts, so a typo in a
// path fails in a second rather than after a long run. Creates nothing (the
// files are written whole at the end, file_io.hpp). Throws UsageError naming
// the flag and the reason; does nothing for nullopt.
void checkWritable(const std::optional<std::string>& path, const char* flag);

// The summary as JSON (statsToJson); an interrupted run's says so
// ("incomplete": true, "interrupted_by": "SIGINT"), see docs/summary-json.md.
// interruptedBy: the signal's name (interruptName), nullptr when not
// interrupted. For `parviz run` and `parviz trace`.
std::string summaryJson(const RunStats& stats, const char* interruptedBy);

} // namespace parviz::cli
