// Chunk brackets and equal jobs (chunks.hpp).
#include "parviz/chunks.hpp"

#include "parviz/explain.hpp"   // formatSeconds

#include <algorithm>
#include <limits>

namespace parviz {

namespace {

std::string nameOf(const Trace& trace, const std::vector<std::string>& taskNames, std::uint32_t index,
                   std::uint64_t traced) {
    const std::string_view n = traced == kNoString ? std::string_view{} : trace.string(traced);
    if (!n.empty()) return std::string(n);
    if (index < taskNames.size() && !taskNames[index].empty()) return taskNames[index];
    return "#" + std::to_string(index);
}

} // namespace

bool readsAsNumber(const std::string& name) noexcept {
    std::size_t i = 0;
    if (i < name.size() && (name[i] == '-' || name[i] == '+')) ++i;
    if (i < name.size() && name[i] == '.') ++i;
    return i < name.size() && name[i] >= '0' && name[i] <= '9';
}

std::string chunkLabel(std::int32_t chunk, const std::string& first, const std::string& last, std::uint32_t count) {
    std::string s = "chunk " + std::to_string(chunk) + ": ";
    const bool many = count > 1 && !last.empty();
    if (readsAsNumber(first) || (many && readsAsNumber(last))) s += many ? "tasks " : "task ";
    s += first;
    if (many) s += "\u2013" + last;
    return s;
}

// "count_primes(…)" of a traced task named by its call ("count_primes(180000)"),
// "" for a name that is not a call.
std::string callShort(const std::string& tasks) {
    std::size_t i = 0;
    const auto identChar = [](char ch, bool first) {
        return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (!first && ((ch >= '0' && ch <= '9') || ch == '.'));
    };
    while (i < tasks.size() && identChar(tasks[i], i == 0)) ++i;
    // Not a call, or one without arguments ("f()": nothing to shorten).
    if (i == 0 || i + 1 >= tasks.size() || tasks[i] != '(' || tasks[i + 1] == ')') return "";
    return tasks.substr(0, i) + "(\u2026)";
}

std::vector<std::string> chunkWords(const ChunkBracket& c, const std::string& suffix) {
    std::vector<std::string> out{c.label + suffix};
    const std::size_t colon = c.label.find(": ");
    if (colon != std::string::npos) {
        const std::string tasks = c.label.substr(colon + 2);
        out.push_back(tasks + suffix);
        // A call too long for its bracket keeps its function's name before it
        // becomes "chunk 0" (newcomer walk, session 29: lanes mixed
        // "count_primes(180000)" and "chunk 0" for chunks of one kind).
        if (const std::string call = callShort(tasks); !call.empty())
            out.push_back(call + (c.count > 1 ? " \u00d7" + std::to_string(c.count) : std::string()) + suffix);
    }
    const std::string bare = "chunk " + std::to_string(c.chunk) + suffix;
    if (out.back() != bare) out.push_back(bare);
    return out;
}

std::vector<std::string> laneChunkWords(const ChunkBracket& c, bool severalTasks, const std::string& suffix) {
    const std::size_t colon = c.label.find(": ");
    if (severalTasks || colon == std::string::npos) return chunkWords(c, suffix);   // no task words to stand for it
    const std::string tasks = c.label.substr(colon + 2), call = callShort(tasks);
    std::vector<std::string> words{tasks + suffix};
    if (!call.empty()) {
        words.push_back(call + suffix);                                    // "count_primes(…)"
        words.push_back(call.substr(0, call.find('(')) + suffix);          // "count_primes"
    }
    return words;
}

ChunkBrackets buildChunkBrackets(const RunModel& model, const Trace& trace, const std::vector<std::string>& taskNames) {
    ChunkBrackets out;
    const std::vector<ChunkRecord>& chunks = model.chunks();
    out.items.reserve(chunks.size());
    // Per worker, its chunks in the order it took them: a task belongs to the
    // latest chunk its worker took before it started, if the chunk holds its index.
    std::vector<std::vector<std::size_t>> byProc;
    std::vector<std::uint64_t> firstName(chunks.size(), kNoString), lastName(chunks.size(), kNoString);
    // A traced program's summarised chunk: its one task stands for all of them, and names the bracket.
    std::vector<std::uint64_t> summarisedName(chunks.size(), kNoString);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        const ChunkRecord& c = chunks[i];
        ChunkBracket b;
        b.proc = c.proc;
        b.chunk = c.chunk;
        b.begin = c.begin;
        b.count = c.count;
        b.t0 = c.t;
        b.t1 = c.t;
        out.items.push_back(b);
        if (byProc.size() <= c.proc) byProc.resize(c.proc + 1u);
        byProc[c.proc].push_back(i);
    }
    std::vector<std::size_t> pos(byProc.size(), 0);
    for (const TaskRecord& r : model.tasks()) {
        if (r.chunk < 0 || r.t0 == kNever || r.proc >= byProc.size() || byProc[r.proc].empty()) continue;
        const std::vector<std::size_t>& mine = byProc[r.proc];
        std::size_t& k = pos[r.proc];
        while (k + 1 < mine.size() && chunks[mine[k + 1]].t <= r.t0) ++k;
        const std::size_t ci = mine[k];
        const ChunkRecord& c = chunks[ci];
        const auto idx = static_cast<std::int64_t>(r.index);
        if (c.t > r.t0 || c.chunk != r.chunk || idx < c.begin || idx >= std::int64_t{c.begin} + c.count) continue;
        ChunkBracket& b = out.items[ci];
        if (r.t1 != kOpenEnd) {
            b.ended += r.summarised ? r.summarised : 1;
            b.t1 = std::max(b.t1, r.t1);
        }
        if (r.summarised) summarisedName[ci] = r.name;
        if (idx == c.begin) firstName[ci] = r.name;
        if (idx == std::int64_t{c.begin} + c.count - 1) lastName[ci] = r.name;
    }
    const std::vector<ProcLaneIndex>& procs = model.procs();
    for (std::size_t i = 0; i < out.items.size(); ++i) {
        ChunkBracket& b = out.items[i];
        b.open = b.ended < b.count;
        if (b.open) {
            const std::int64_t exitT = b.proc < procs.size() ? procs[b.proc].exitT : kNever;
            b.t1 = std::max(b.t1, exitT != kNever ? exitT : model.now());
            b.workerEnded = exitT != kNever;
        }
        if (summarisedName[i] != kNoString) {   // "chunk 3: 2 500 tasks, summarised"
            b.label = std::string(trace.string(summarisedName[i]));
            continue;
        }
        b.label = chunkLabel(b.chunk, nameOf(trace, taskNames, b.begin, firstName[i]),
                             b.count > 1 ? nameOf(trace, taskNames, b.begin + b.count - 1, lastName[i]) : std::string(), b.count);
    }
    std::stable_sort(out.items.begin(), out.items.end(),
                     [](const ChunkBracket& a, const ChunkBracket& b) { return a.t0 < b.t0; });
    out.endSoFar.reserve(out.items.size());
    std::int64_t latest = std::numeric_limits<std::int64_t>::min();
    for (const ChunkBracket& b : out.items) {
        out.endSoFar.push_back(latest = std::max(latest, b.t1));
        out.severalTasks = out.severalTasks || b.count > 1;
    }
    return out;
}

std::vector<std::size_t> visibleChunks(const ChunkBrackets& b, std::int64_t t0, std::int64_t t1) {
    std::vector<std::size_t> out;
    // endSoFar never decreases: before its first entry past t0, every bracket ended by t0.
    auto it = std::upper_bound(b.endSoFar.begin(), b.endSoFar.end(), t0);
    for (auto i = static_cast<std::size_t>(it - b.endSoFar.begin()); i < b.items.size() && b.items[i].t0 < t1; ++i)
        if (b.items[i].t1 > t0) out.push_back(i);
    return out;
}

double equalJobSeconds(const Scenario& s, std::size_t n) noexcept {
    double total = 0;
    for (const TaskSpec& t : s.tasks) total += t.seconds;
    if (n == 0) return 0;
    return total > 0 ? total / static_cast<double>(n) : 0.25;
}

Scenario withEqualJobs(const Scenario& s, std::size_t n) {
    const std::string where = (s.source.empty() ? s.name : s.source) + ": tasks: ";
    if (!kindInfo(s.kind).taskTable)
        throw ScenarioError(where + "the " + std::string(toString(s.kind)) + " scenario has no task table to replace");
    if (n < 1 || n > kMaxTasks)
        throw ScenarioError(where + std::to_string(n) + " equal jobs: must be between 1 and " + std::to_string(kMaxTasks));
    Scenario out = s;
    const double secs = equalJobSeconds(s, n);
    const WorkKind work = s.tasks.empty() ? WorkKind::Sleep : s.tasks.front().work;
    out.tasks.clear();
    out.tasks.reserve(n);
    for (std::size_t i = 1; i <= n; ++i) out.tasks.push_back(TaskSpec{"J" + std::to_string(i), secs, work});
    return out;
}

std::string describeChunkAt(const ChunkBracket& c, const std::string& worker, std::int64_t at, std::int64_t zero) {
    std::string s = c.label + ": " + std::to_string(c.count) + (c.count == 1 ? " task" : " tasks") + " handed to " + worker +
                    " at once (Pool.map's chunksize), taken at " + formatInstant(c.t0 - zero);
    if (at < c.t0) return s + ", after the cursor";
    if (c.open && c.workerEnded && at >= c.t1)
        return s + ", not finished: its worker ended at " + formatInstant(c.t1 - zero);
    if (c.open || at < c.t1) return s + ", running since then";
    return s + ", done at " + formatInstant(c.t1 - zero);
}

} // namespace parviz
