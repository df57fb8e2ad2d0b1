#include "cli/run_flags.hpp"

#include "parviz/file_io.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <string_view>

namespace parviz::cli {
namespace {

// Parses a whole string as a finite double; std::stod would accept "1x" and "nan".
bool parseDouble(std::string_view s, double& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size() && std::isfinite(out);
}

bool parseInt(std::string_view s, long long& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// Printable excerpt of a user value for an error message (values can be huge).
std::string quote(std::string_view v) {
    std::string out = "'";
    out += v.size() > 64 ? std::string(v.substr(0, 64)) + "..." : std::string(v);
    out += "'";
    return out;
}

} // namespace

KillOrder parseKillOrder(const std::string& value) {
    auto at = value.rfind('@');
    if (at == std::string::npos || at == 0)
        throw UsageError("--kill-worker: " + quote(value) +
                         ": expected NAME@SECONDS, for example ForkPoolWorker-1@2.5");
    KillOrder k;
    k.worker = value.substr(0, at);
    if (!parseDouble(std::string_view(value).substr(at + 1), k.atSeconds))
        throw UsageError("--kill-worker: " + quote(value) + ": SECONDS must be a number");
    if (k.atSeconds < 0)
        throw UsageError("--kill-worker: " + quote(value) + ": SECONDS must be >= 0");
    if (k.worker.size() > kMaxNameBytes)
        throw UsageError("--kill-worker: the worker name is longer than 256 bytes");
    return k;
}

bool parseRunFlag(const std::vector<std::string>& args, std::size_t& i, RunOptions& opts) {
    const std::string& arg = args[i];
    static constexpr std::string_view kFlags[] = {"--workers", "--work", "--time-scale", "--kill-worker",
                                                  "--cores"};
    std::string_view flag = arg;
    std::optional<std::string> inlineValue;
    if (auto eq = arg.find('='); eq != std::string::npos && arg.starts_with("--")) {
        flag = std::string_view(arg).substr(0, eq);
        inlineValue = arg.substr(eq + 1);
    }
    bool known = false;
    for (auto f : kFlags) known = known || f == flag;
    if (!known) return false;

    std::string value;
    std::size_t consumed = 1;
    if (inlineValue) {
        value = *inlineValue;
    } else {
        if (i + 1 >= args.size()) throw UsageError(std::string(flag) + ": missing value");
        value = args[i + 1];
        consumed = 2;
    }
    const std::string f(flag);
    if (flag == "--workers") {
        long long n = 0;
        if (!parseInt(value, n)) throw UsageError(f + ": " + quote(value) + ": must be an integer");
        if (n < 1 || n > kMaxWorkers)
            throw UsageError(f + ": " + quote(value) + ": must be between 1 and " + std::to_string(kMaxWorkers));
        opts.workers = static_cast<int>(n);
    } else if (flag == "--work") {
        auto w = parseWorkKind(value);
        if (!w) throw UsageError(f + ": " + quote(value) + ": must be sleep or cpu");
        opts.work = *w;
    } else if (flag == "--time-scale") {
        double x = 0;
        if (!parseDouble(value, x)) throw UsageError(f + ": " + quote(value) + ": must be a number");
        if (x < kMinTimeScale || x > kMaxTimeScale)
            throw UsageError(f + ": " + quote(value) + ": must be between 0.001 and 100");
        opts.timeScale = x;
    } else if (flag == "--kill-worker") {
        opts.kills.push_back(parseKillOrder(value));
    } else if (flag == "--cores") {
        if (value == "auto") opts.cores = CorePref::Auto;
        else if (value == "perf") opts.cores = CorePref::Perf;
        else if (value == "sampling") opts.cores = CorePref::Sampling;
        else if (value == "off") opts.cores = CorePref::Off;
        else throw UsageError(f + ": " + quote(value) + ": must be auto, perf, sampling or off");
    }
    i += consumed;
    return true;
}

const char* runFlagsHelp() noexcept {
    return "  --workers N              pool size or process count (1..1024)\n"
           "  --work sleep|cpu         override every task's work\n"
           "  --time-scale X           0.1 runs ten times faster (0.001..100)\n"
           "  --kill-worker NAME@S     SIGKILL worker NAME S scenario seconds into the run\n"
           "                           (before the time scale, pauses excluded); repeatable\n"
           "  --cores auto|perf|sampling|off\n"
           "                           where per-core data comes from (auto: perf, else /proc)\n";
}

void checkWritable(const std::optional<std::string>& path, const char* flag) {
    if (!path) return;
    try {
        checkWritableOutput(*path);
    } catch (const FileError& e) {
        throw UsageError(std::string(flag) + ": " + e.what());
    }
}

std::string summaryJson(const RunStats& stats, const char* interruptedBy) {
    std::string text = statsToJson(stats);
    if (!interruptedBy) return text;
    auto j = nlohmann::json::parse(text);
    j["incomplete"] = true;
    j["interrupted_by"] = interruptedBy;
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace parviz::cli
