#include "cli/sweep_flags.hpp"

#include <charconv>
#include <set>
#include <string_view>

namespace parviz::cli {
namespace {

std::string quote(std::string_view v) {
    return "'" + (v.size() > 64 ? std::string(v.substr(0, 64)) + "..." : std::string(v)) + "'";
}

bool parseWhole(std::string_view s, long long& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// Splits "a,b,c"; an empty list or an empty item is an error naming the flag.
std::vector<std::string> splitList(const std::string& flag, const std::string& value) {
    if (value.empty()) throw UsageError(flag + ": the list is empty (for example " + flag + " 1,2,4)");
    std::vector<std::string> items;
    std::size_t from = 0;
    for (;;) {
        const std::size_t comma = value.find(',', from);
        std::string item = value.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        if (item.empty())
            throw UsageError(flag + ": " + quote(value) + ": item " + std::to_string(items.size() + 1) + " is empty");
        items.push_back(item);
        if (comma == std::string::npos) break;
        from = comma + 1;
    }
    std::set<std::string> seen;
    for (const auto& i : items)
        if (!seen.insert(i).second) throw UsageError(flag + ": " + quote(value) + ": " + i + " is listed twice");
    return items;
}

long long integerIn(const std::string& flag, const std::string& item, long long lo, long long hi) {
    long long n = 0;
    if (!parseWhole(item, n)) throw UsageError(flag + ": " + quote(item) + ": not a whole number");
    if (n < lo || n > hi)
        throw UsageError(flag + ": " + quote(item) + ": must be between " + std::to_string(lo) + " and " +
                         std::to_string(hi));
    return n;
}

void setWorkers(SweepPlan& p, const std::string& v) {
    p.workers.clear();
    std::set<long long> seen;
    for (const auto& item : splitList("--workers", v)) {
        const long long n = integerIn("--workers", item, 1, kMaxWorkers);
        if (!seen.insert(n).second) throw UsageError("--workers: " + quote(v) + ": " + std::to_string(n) + " is listed twice");
        p.workers.push_back(static_cast<int>(n));
    }
}

void setWorks(SweepPlan& p, const std::string& v) {
    p.works.clear();
    for (const auto& item : splitList("--work", v)) {
        auto w = parseWorkKind(item);
        if (!w) throw UsageError("--work: " + quote(item) + ": must be sleep or cpu");
        p.works.push_back(*w);
    }
}

void setChunksizes(SweepPlan& p, const std::string& v) {
    p.chunksizes.clear();
    std::set<long long> seen;
    for (const auto& item : splitList("--chunksize", v)) {
        if (item == "auto") {
            p.chunksizes.push_back(std::nullopt);
            continue;
        }
        const long long n = integerIn("--chunksize", item, 1, static_cast<long long>(kMaxTasks));
        if (!seen.insert(n).second)
            throw UsageError("--chunksize: " + quote(v) + ": " + std::to_string(n) + " is listed twice");
        p.chunksizes.push_back(static_cast<std::size_t>(n));
    }
}

// "--flag VALUE" or "--flag=VALUE" for one of our own flags; false otherwise.
bool takeValue(const std::vector<std::string>& args, std::size_t& i, std::string_view flag, std::string& value) {
    const std::string& a = args[i];
    if (a == flag) {
        if (i + 1 >= args.size()) throw UsageError(std::string(flag) + ": missing value");
        value = args[i + 1];
        i += 2;
        return true;
    }
    if (a.size() > flag.size() && a.starts_with(flag) && a[flag.size()] == '=') {
        value = a.substr(flag.size() + 1);
        i += 1;
        return true;
    }
    return false;
}

// Our own flags; false for anything else.
bool sweepFlag(const std::vector<std::string>& args, std::size_t& i, SweepArgs& r) {
    std::string v;
    if (takeValue(args, i, "--workers", v)) setWorkers(r.plan, v);
    else if (takeValue(args, i, "--work", v)) setWorks(r.plan, v);
    else if (takeValue(args, i, "--chunksize", v)) setChunksizes(r.plan, v);
    else if (takeValue(args, i, "--method", v)) {
        r.method = parsePoolMethod(v);
        if (!r.method) throw UsageError("--method " + quote(v) + ": unknown method (allowed: " + kPoolMethodNames + ")");
    }
    else if (takeValue(args, i, "--repeat", v)) r.plan.repeat = static_cast<int>(integerIn("--repeat", v, 1, kMaxSweepRepeat));
    else if (takeValue(args, i, "--retries", v)) r.plan.retries = static_cast<int>(integerIn("--retries", v, 0, kMaxSweepRetries));
    else if (takeValue(args, i, "--csv", v)) r.csvPath = v;
    else if (takeValue(args, i, "--json", v)) r.jsonPath = v;
    else if (takeValue(args, i, "--save-runs", v)) r.plan.saveRunsDir = v;
    else return false;
    return true;
}

} // namespace

SweepArgs parseSweepArgs(const std::vector<std::string>& args) {
    SweepArgs r;
    for (std::size_t i = 0; i < args.size();) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            r.help = true;
            return r;
        }
        if (sweepFlag(args, i, r)) continue;
        if (a == "--kill-worker" || a.starts_with("--kill-worker="))
            throw UsageError("--kill-worker: not available in a sweep (every run must finish on its own)");
        RunOptions shared;
        if (parseRunFlag(args, i, shared)) {   // --time-scale, --cores
            if (shared.timeScale) r.plan.timeScale = shared.timeScale;
            r.plan.cores = shared.cores;
            continue;
        }
        if (a.size() > 1 && a[0] == '-') throw UsageError(a + ": unknown flag (see parviz sweep --help)");
        if (!r.scenario.empty()) throw UsageError(a + ": unexpected argument; the scenario is already " + r.scenario);
        r.scenario = a;
        ++i;
    }
    if (r.scenario.empty())
        throw UsageError("missing the scenario: parviz sweep NAME|FILE (try pool-sizes or pool-uneven)");
    for (const auto* p : {&r.csvPath, &r.jsonPath})
        if (*p && (*p)->empty()) throw UsageError("an output file name is empty");
    return r;
}

const char* sweepUsage() noexcept {
    return "usage: parviz sweep NAME|FILE [flags]\n"
           "\n"
           "Runs a pool scenario for real once per combination of the lists below, one run\n"
           "after another, and prints one table per work kind: makespan, predicted makespan,\n"
           "speedup over the 1-worker run and over the sequential sum, efficiency, and the\n"
           "share of the cores other processes took (runs above 10 % are flagged busy and\n"
           "run again). Try: parviz sweep pool-sizes, parviz sweep pool-uneven --chunksize auto,1,4\n"
           "\n"
           "flags:\n"
           "  --workers LIST           pool sizes, e.g. 1,2,4,8 (default; each 1..1024)\n"
           "  --work LIST              sleep,cpu (default) or one of them\n"
           "  --chunksize LIST         auto (CPython's default, the default) and/or numbers\n"
           "  --method M               how the pool hands out its tasks: map (the default), imap,\n"
           "                           imap_unordered, starmap or apply_async (no chunksize: one task\n"
           "                           per call)\n"
           "  --repeat N               runs kept per combination, the table shows the median\n"
           "                           and min-max (1..100, default 1)\n"
           "  --retries N              re-runs of a cpu run flagged busy (0..10, default 2); a busy\n"
           "                           sleep run is kept: sleeping workers need no core\n"
           "  --time-scale X           0.1 runs ten times faster (0.001..100)\n"
           "  --cores auto|perf|sampling|off\n"
           "                           where per-core data comes from\n"
           "  --csv FILE               write the table as CSV\n"
           "  --json FILE              write the results as JSON (schema parviz-sweep/1,\n"
           "                           docs/sweep-json.md)\n"
           "  --save-runs DIR          save every run, to reopen in the window\n"
           "  --help                   this text\n"
           "\n"
           "exit status: 0 success, 1 a run failed, 2 bad usage or a bad scenario file\n";
}

std::vector<int> parseWorkersList(const std::string& value) {
    SweepPlan p;
    setWorkers(p, value);
    return p.workers;
}

std::vector<WorkKind> parseWorksList(const std::string& value) {
    SweepPlan p;
    setWorks(p, value);
    return p.works;
}

} // namespace parviz::cli
