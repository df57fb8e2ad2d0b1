// Scenario loading: strict validation of user-written JSON.
//
// [SECTION] helpers: errors, limits, type checks (scenario_fields.hpp)
// [SECTION] pre-scan: size, emptiness, nesting depth (before nlohmann recurses)
// [SECTION] fields: the common ones and the tasks; each kind reads its own (kinds/)
// [SECTION] public API: parse, load, built-ins, back to JSON
//
// Every error names the file, the field (JSON-path-like: tasks[2].seconds) and
// the reason, so the CLI can print it verbatim and exit 2. The format is
// documented field by field in docs/scenario-format.md; keep the two in step.
#include "parviz/scenario.hpp"

#include "parviz/explain.hpp"
#include "parviz/file_io.hpp"
#include "parviz/questions.hpp"
#include "scenario_fields.hpp"
#include "scenario_program.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sched.h>
#include <set>
#include <sstream>
#include <unistd.h>

namespace parviz {

namespace {
constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxTextBytes = 4096;       // title, description, one code line
constexpr std::size_t kMaxCodeLines = 1000;
const char* kTop = "(top level)";
} // namespace

// [SECTION] helpers ------------------------------------------------------------
namespace detail {

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& why) {
    throw ScenarioError(file + ": " + field + ": " + why);
}

std::string typeName(const json& v) {
    if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
    if (v.is_number_float()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_null()) return "null";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "an object";
    return "something else";
}

std::string shortDump(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
}

namespace {
std::string fmtNum(double d) {
    std::ostringstream o;
    o << d;
    return o.str();
}
} // namespace

Fields::Fields(const std::string& file, std::string path, const json& obj, std::vector<std::string> allowed)
    : m_file(file), m_path(std::move(path)), m_obj(obj), m_allowed(std::move(allowed)) {
    for (auto it = m_obj.begin(); it != m_obj.end(); ++it) {
        if (std::find(m_allowed.begin(), m_allowed.end(), it.key()) == m_allowed.end()) {
            std::string list;
            for (const auto& a : m_allowed) list += (list.empty() ? "" : ", ") + a;
            fail(m_file, field(it.key()), "unknown field (allowed here: " + list + ")");
        }
    }
}

std::string Fields::str(const std::string& k, std::string def, std::size_t maxBytes) const {
    if (!has(k)) return def;
    return checkedString(m_file, field(k), at(k), maxBytes);
}
std::int64_t Fields::integer(const std::string& k, std::int64_t def, std::int64_t lo, std::int64_t hi) const {
    if (!has(k)) return def;
    return checkedInt(m_file, field(k), at(k), lo, hi);
}
double Fields::number(const std::string& k, double def, double lo, double hi) const {
    if (!has(k)) return def;
    return checkedNumber(m_file, field(k), at(k), lo, hi);
}

std::vector<std::string> Fields::strings(const std::string& k, std::size_t maxCount, std::size_t maxBytes,
                                         const char* noun) const {
    const json& arr = at(k);
    const std::string f = field(k);
    if (!arr.is_array()) fail(m_file, f, "must be a list of strings, got " + typeName(arr));
    if (arr.size() > maxCount)
        fail(m_file, f, std::string("too many ") + noun + ": " + std::to_string(arr.size()) + ", at most " +
                            std::to_string(maxCount));
    std::vector<std::string> out;
    out.reserve(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i)
        out.push_back(checkedString(m_file, f + "[" + std::to_string(i) + "]", arr[i], maxBytes));
    return out;
}

std::string Fields::checkedString(const std::string& file, const std::string& f, const json& v, std::size_t maxBytes) {
        if (!v.is_string()) fail(file, f, "must be a string, got " + typeName(v));
        const auto& s = v.get_ref<const std::string&>();
        if (s.size() > maxBytes)
            fail(file, f, "too long: " + std::to_string(s.size()) + " bytes, at most " + std::to_string(maxBytes));
        return s;
}
std::int64_t Fields::checkedInt(const std::string& file, const std::string& f, const json& v, std::int64_t lo, std::int64_t hi) {
        auto range = "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
        if (v.is_number_unsigned()) {
            auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(hi) || static_cast<std::int64_t>(u) < lo)
                fail(file, f, range + ", got " + shortDump(v));
            return static_cast<std::int64_t>(u);
        }
        if (v.is_number_integer()) {
            auto i = v.get<std::int64_t>();
            if (i < lo || i > hi) fail(file, f, range + ", got " + shortDump(v));
            return i;
        }
        if (v.is_number_float()) fail(file, f, "must be a whole number, got " + shortDump(v));
        fail(file, f, "must be an integer, got " + typeName(v));
}
double Fields::checkedNumber(const std::string& file, const std::string& f, const json& v, double lo, double hi) {
        if (!v.is_number()) fail(file, f, "must be a number, got " + typeName(v));
        double d = v.get<double>();
        if (!std::isfinite(d) || d < lo || d > hi)
            fail(file, f, "must be between " + fmtNum(lo) + " and " + fmtNum(hi) + ", got " + shortDump(v));
        return d;
}

namespace {
std::optional<WorkKind> workFromString(std::string_view s) {
    // Parsed here rather than with parseWorkKind so that loading a scenario
    // does not depend on the work runtime.
    if (s == "sleep") return WorkKind::Sleep;
    if (s == "cpu") return WorkKind::Cpu;
    return std::nullopt;
}
} // namespace
const char* workName(WorkKind k) noexcept { return k == WorkKind::Cpu ? "cpu" : "sleep"; }

WorkKind checkedWork(const std::string& file, const std::string& f, const json& v) {
    auto s = Fields::checkedString(file, f, v, 16);
    auto w = workFromString(s);
    if (!w) fail(file, f, "unknown work \"" + s + "\" (allowed: sleep, cpu)");
    return *w;
}

int usableCores() noexcept {
    // len(os.sched_getaffinity(0)): what this process may actually use.
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

void readTasks(const Fields& f, Scenario& s, const char* generatedPrefix, std::int64_t defaultCount) {
    const std::string& file = f.file();
    std::optional<WorkKind> work;
    if (f.has("work")) work = checkedWork(file, f.field("work"), f.at("work"));
    WorkKind defWork = work.value_or(WorkKind::Sleep);
    bool hasSeconds = f.has("task_seconds");
    s.jobSeconds = f.number("task_seconds", 0.5, 0, kMaxTaskSeconds);

    if (f.has("tasks") && f.has("task_count"))
        fail(file, f.field("task_count"), "give either tasks or task_count, not both");
    if (f.has("tasks")) {
        const json& arr = f.at("tasks");
        if (!arr.is_array()) fail(file, f.field("tasks"), "must be a list of tasks, got " + typeName(arr));
        if (arr.size() > kMaxTasks)
            fail(file, f.field("tasks"), "too many tasks: " + std::to_string(arr.size()) + ", at most " +
                                             std::to_string(kMaxTasks));
        // Pool.map([]) is legal Python, but a run with nothing to do has nothing
        // to show, and every view, question and statistic needs a task.
        if (arr.empty()) fail(file, f.field("tasks"), "empty: give at least one task");
        s.tasks.reserve(arr.size());
        std::map<std::string, std::size_t> seen;   // name -> its index
        for (std::size_t i = 0; i < arr.size(); ++i) {
            std::string path = f.field("tasks") + "[" + std::to_string(i) + "]";
            const json& t = arr[i];
            if (!t.is_object()) fail(file, path, "must be an object {\"name\", \"seconds\", \"work\"}, got " + typeName(t));
            Fields tf(file, path, t, {"name", "seconds", "work"});
            TaskSpec spec;
            if (!tf.has("name")) fail(file, tf.field("name"), "missing (every task needs a name)");
            spec.name = tf.str("name", "", kMaxNameBytes);
            // The views, the questions ("which task finishes last?") and the
            // chunk labels tell tasks apart by name.
            if (auto [at, fresh] = seen.emplace(spec.name, i); !fresh)
                fail(file, tf.field("name"), "duplicate task name \"" + spec.name + "\" (also " + f.field("tasks") + "[" +
                                                 std::to_string(at->second) + "]): each task needs its own name");
            if (!tf.has("seconds") && !hasSeconds)
                fail(file, tf.field("seconds"), "missing (give it here or task_seconds for all tasks)");
            spec.seconds = tf.number("seconds", s.jobSeconds, 0, kMaxTaskSeconds);
            spec.work = tf.has("work") ? checkedWork(file, tf.field("work"), tf.at("work")) : defWork;
            s.tasks.push_back(std::move(spec));
        }
    } else {
        auto n = f.integer("task_count", defaultCount, f.has("task_count") ? 1 : 0, static_cast<std::int64_t>(kMaxTasks));
        if (n < 0) fail(file, f.field("tasks"), "missing (give tasks, or task_count and task_seconds)");
        s.tasks.reserve(static_cast<std::size_t>(n));
        for (std::int64_t i = 0; i < n; ++i)
            s.tasks.push_back({generatedPrefix + std::to_string(i), s.jobSeconds, defWork});
    }
}

json tasksToJson(const Scenario& s) {
    json arr = json::array();
    for (const auto& t : s.tasks) arr.push_back({{"name", t.name}, {"seconds", t.seconds}, {"work", workName(t.work)}});
    return arr;
}

} // namespace detail

std::string taskListProblem(const Scenario& s) {
    if (!kindInfo(s.kind).taskTable) return "";
    if (s.tasks.empty()) return "tasks: empty: give at least one task";
    std::map<std::string_view, std::size_t> seen;
    for (std::size_t i = 0; i < s.tasks.size(); ++i)
        if (auto [at, fresh] = seen.emplace(s.tasks[i].name, i); !fresh)
            return "tasks[" + std::to_string(i) + "].name: duplicate task name \"" + s.tasks[i].name + "\" (also tasks[" +
                   std::to_string(at->second) + "]): each task needs its own name";
    return "";
}

namespace {

using namespace detail;
namespace fs = std::filesystem;

// The code panel's anchors: an event kind, or a worker state. Small on purpose
// (docs/scenario-format.md lists them with what each marks).
const std::set<std::string>& anchorVocabulary() {
    static const std::set<std::string> v = {
        "ProcStart", "ProcExit", "TaskStart", "TaskEnd", "QueuePut", "QueueGet", "QueueEmpty",
        "LockWait", "LockAcquire", "LockRelease", "Print", "PoolResult",
        "State:Idle", "State:Running", "State:Sleeping", "State:WaitQueue", "State:WaitLock",
    };
    return v;
}

// [SECTION] pre-scan -----------------------------------------------------------

// nlohmann's parser recurses once per nesting level: reject deep input before
// it can exhaust the stack. Brackets inside strings do not count.
void prescan(const std::string& text, const std::string& file) {
    if (text.size() > kMaxFileBytes)
        fail(file, kTop, "file too large: " + std::to_string(text.size()) + " bytes, at most " +
                             std::to_string(kMaxFileBytes));
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        fail(file, kTop, "not JSON: the file is empty (byte 0)");
    int depth = 0;
    bool inString = false, escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        // JSON allows no control character but white space, in strings or out:
        // one here is a binary file (a PNG, a saved run), which the bracket
        // count below would otherwise report as "nested too deeply".
        if (static_cast<unsigned char>(c) < 0x20 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            fail(file, kTop, "not JSON: binary data (control byte " + std::string(hex) + " at byte " +
                                 std::to_string(i + 1) + "); a scenario is a JSON text file");
        }
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth)
                fail(file, kTop, "nested too deeply at byte " + std::to_string(i + 1) + " (at most " +
                                     std::to_string(kMaxDepth) + " levels)");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

// JSON allows an object to repeat a key and nlohmann keeps the last one, so
// {"kind":"pool","kind":"lock"} would silently run the lock demo. This parser
// callback sees every key as it is read and refuses a repeat, naming its path
// (tasks[1].name). It tracks where the parser is: one frame per open object
// or list, with the keys seen so far or the index of the current element.
class DuplicateKeyGuard {
public:
    explicit DuplicateKeyGuard(const std::string& file) : m_file(file) {}

    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        using E = json::parse_event_t;
        switch (event) {
        case E::object_start: m_frames.push_back({true, {}, {}, 0}); break;
        case E::array_start: m_frames.push_back({false, {}, {}, 0}); break;
        case E::key: {
            Frame& f = m_frames.back();
            f.key = parsed.get<std::string>();
            if (!f.keys.insert(f.key).second)
                fail(m_file, path(), "duplicate key: given twice in the same object (JSON would keep only the last)");
            break;
        }
        case E::object_end:
        case E::array_end:
            m_frames.pop_back();
            nextElement();
            break;
        case E::value: nextElement(); break;
        }
        return true;
    }

private:
    struct Frame {
        bool object;
        std::set<std::string> keys;
        std::string key;      // object: the key being read
        std::size_t index;    // list: the element being read
    };
    void nextElement() {
        if (!m_frames.empty() && !m_frames.back().object) ++m_frames.back().index;
    }
    std::string path() const {
        std::string p;
        for (const Frame& f : m_frames) {
            if (f.object) p += (p.empty() ? "" : ".") + f.key;
            else p += "[" + std::to_string(f.index) + "]";
        }
        return p;
    }
    const std::string& m_file;
    std::vector<Frame> m_frames;
};

// [SECTION] fields ---------------------------------------------------------------

// The code listing a file writes itself ("code"): lines, or {text, anchor}.
void readCode(const std::string& file, const Fields& f, Scenario& s) {
    if (!f.has("code")) return;
    const json& arr = f.at("code");
    if (!arr.is_array()) fail(file, "code", "must be a list of lines, got " + typeName(arr));
    if (arr.size() > kMaxCodeLines)
        fail(file, "code", "too many lines: " + std::to_string(arr.size()) + ", at most " + std::to_string(kMaxCodeLines));
    for (std::size_t i = 0; i < arr.size(); ++i) {
        std::string path = "code[" + std::to_string(i) + "]";
        Scenario::CodeLine line;
        if (arr[i].is_string()) {
            line.text = Fields::checkedString(file, path, arr[i], kMaxTextBytes);
        } else if (arr[i].is_object()) {
            Fields lf(file, path, arr[i], {"text", "anchor"});
            if (!lf.has("text")) fail(file, lf.field("text"), "missing");
            line.text = lf.str("text", "", kMaxTextBytes);
            line.anchor = lf.str("anchor", "", 64);
            // One event kind, or the kinds the line emits in order, comma-separated ("QueueGet,Print").
            for (std::size_t at = 0; !line.anchor.empty() && at <= line.anchor.size();) {
                const std::size_t comma = std::min(line.anchor.find(',', at), line.anchor.size());
                const std::string token = line.anchor.substr(at, comma - at);
                if (!anchorVocabulary().count(token)) {
                    std::string list;
                    for (const auto& a : anchorVocabulary()) list += (list.empty() ? "" : ", ") + a;
                    fail(file, lf.field("anchor"), "unknown anchor \"" + token + "\" (allowed: " + list +
                                                       ", or several in order, comma-separated)");
                }
                at = comma + 1;
            }
        } else {
            fail(file, path, "must be a string or {\"text\", \"anchor\"}, got " + typeName(arr[i]));
        }
        s.code.push_back(std::move(line));
    }
}

// The fields every kind has, then the kind's own (its program reads them).
void readFields(const std::string& file, const json& root, Scenario& s) {
    const detail::ScenarioProgram& program = programFor(s.kind);
    std::vector<std::string> allowed = {"kind", "title", "description", "time_scale", "code", "questions"};
    for (const auto& k : program.fields()) allowed.push_back(k);
    Fields f(file, "", root, allowed);
    s.title = f.str("title", s.name, kMaxTextBytes);
    s.description = f.str("description", "", kMaxTextBytes);
    s.timeScale = f.number("time_scale", 1.0, kMinTimeScale, kMaxTimeScale);
    readCode(file, f, s);
    if (f.has("questions")) s.questions = readQuestions(file, f.at("questions"));
    program.read(f, s);
}

std::string stemOf(const std::string& path) {
    return fs::path(path).stem().string();
}

std::vector<fs::path> assetDirs() {
    std::vector<fs::path> dirs;
    for (const char* var : {"PARVIZ_ASSETS", "PARVIZ_ASSETS_DIR"})
        if (const char* e = std::getenv(var); e && *e) dirs.emplace_back(e);
#ifdef PARVIZ_SOURCE_DIR
    dirs.emplace_back(fs::path(PARVIZ_SOURCE_DIR) / "assets");
#endif
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path() / ".." / "share" / "parviz" / "assets");
    return dirs;
}

bool looksLikePath(const std::string& s) {
    return s.find('/') != std::string::npos || (s.size() >= 5 && s.compare(s.size() - 5, 5, ".json") == 0);
}

} // namespace

// [SECTION] public API ---------------------------------------------------------

const char* toString(ScenarioKind k) noexcept { return programFor(k).name(); }

const char* toString(PoolMethod m) noexcept {
    switch (m) {
    case PoolMethod::Map: return "map";
    case PoolMethod::Imap: return "imap";
    case PoolMethod::ImapUnordered: return "imap_unordered";
    case PoolMethod::Starmap: return "starmap";
    case PoolMethod::ApplyAsync: return "apply_async";
    }
    return "map";
}

std::optional<PoolMethod> parsePoolMethod(std::string_view s) noexcept {
    for (PoolMethod m : kPoolMethods)
        if (s == toString(m)) return m;
    return std::nullopt;
}

bool workersOverridable(ScenarioKind k) noexcept { return programFor(k).workersOverridable(); }

KindInfo kindInfo(ScenarioKind k) noexcept {
    const detail::ScenarioProgram& p = programFor(k);
    return KindInfo{.name = p.name(),
                    .workersOverridable = p.workersOverridable(),
                    .hasWork = p.hasWork(),
                    .pooled = p.pooled(),
                    .taskTable = p.taskTable(),
                    .makesQueue = p.makesQueue(),
                    .makesLock = p.makesLock(),
                    .joinsProcesses = p.joinsProcesses()};
}

std::vector<std::string> workerNamesOf(const Scenario& s, int workers) {
    const detail::WorkerNames wn = programFor(s.kind).workerNames(s, workers, 0);
    std::vector<std::string> out;
    for (int i = 1; i <= wn.count; ++i) out.push_back(wn.prefix + std::to_string(i));
    return out;
}

std::vector<std::string> choiceLabels(const Question& q, const Scenario& s, double timeScale) {
    std::vector<std::string> out;
    auto taskOf = [&s](const std::string& c) {
        return std::find_if(s.tasks.begin(), s.tasks.end(), [&](const TaskSpec& x) { return x.name == c; });
    };
    // Choices that are every task (the tutorial's A-D, whose lengths the
    // stage's question lists: "A=5, B=2, C=1, D=3 s") stay as they are: the
    // lengths pushed two of four onto a second row, below the fold.
    const auto naming = std::count_if(q.choices.begin(), q.choices.end(),
                                      [&](const std::string& c) { return taskOf(c) != s.tasks.end(); });
    const bool sayLength = static_cast<std::size_t>(naming) < s.tasks.size();
    for (const std::string& c : q.choices) {
        const auto t = taskOf(c);
        if (!sayLength || t == s.tasks.end()) {
            out.push_back(c);
            continue;
        }
        // As short as it reads and in seconds, as the question writes lengths
        // ("5 s", "0.1 s", "1.5 s"; "s24 (20 ms)" stood under "a 0.1 s job
        // takes 0.02 s", classroom walk, session 31): four of the tutorial's
        // options share one row of the Predict tab.
        const double scale = timeScale > 0 ? timeScale : 1.0;
        const std::string len = formatPlainSeconds(t->seconds * scale) + " s";
        // Its length only: "long"/"short" against the midpoint called pool's
        // D (3 s of 1-5 s) short.
        out.push_back(c + " (" + len + ")");
    }
    return out;
}

int Scenario::workers() const noexcept { return programFor(kind).workers(*this); }

Scenario parseScenario(const std::string& jsonText, const std::string& sourceName) {
    const std::string& file = sourceName;
    prescan(jsonText, file);
    json root;
    try {
        root = json::parse(jsonText, DuplicateKeyGuard(file));
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        // nlohmann reports bad UTF-8 as a parse error; say it plainly.
        if (what.find("UTF-8") != std::string::npos || what.find("utf-8") != std::string::npos)
            fail(file, kTop, "invalid UTF-8 at byte " + std::to_string(e.byte));
        auto p = what.find("parse error");
        fail(file, kTop, "not JSON: " + (p == std::string::npos ? what : what.substr(p)));
    } catch (const json::exception& e) {
        // e.g. out_of_range 406: a number too large for a double (1e999)
        std::string what = e.what();
        auto p = what.find("] ");
        fail(file, kTop, "not usable JSON: " + (p == std::string::npos ? what : what.substr(p + 2)));
    }
    if (!root.is_object()) fail(file, kTop, "must be an object {\"kind\": ...}, got " + typeName(root));
    if (!root.contains("kind")) fail(file, "kind", "missing (one of: " + kindNames() + ")");
    std::string kind = Fields::checkedString(file, "kind", root["kind"], 64);

    Scenario s;
    s.source = sourceName;
    s.name = stemOf(sourceName);
    const detail::ScenarioProgram* program = programNamed(kind);
    if (!program) fail(file, "kind", "unknown kind \"" + kind + "\" (allowed: " + kindNames() + ")");
    s.kind = program->kind();
    s.args.clear();
    s.items.clear();
    readFields(file, root, s);
    return s;
}

Scenario loadScenarioFile(const std::string& path) {
    std::string text;
    try {
        // Only a regular file, and at most kMaxFileBytes of it: a FIFO would
        // block for ever, /dev/zero would never end.
        text = readRegularFile(path, kMaxFileBytes);
    } catch (const FileError& e) {
        fail(path, kTop, e.reason());
    }
    Scenario s = parseScenario(text, path);
    s.source = path;
    return s;
}

std::vector<std::string> builtinScenarioNames() {
    std::set<std::string> names;
    for (const auto& dir : assetDirs()) {
        std::error_code ec;
        fs::directory_iterator it(dir / "scenarios", ec), end;
        if (ec) continue;
        for (; it != end; it.increment(ec)) {
            if (ec) break;
            if (it->path().extension() == ".json") names.insert(it->path().stem().string());
        }
        if (!names.empty()) break;   // the first directory that has scenarios wins
    }
    return {names.begin(), names.end()};
}

Scenario loadScenario(const std::string& nameOrPath) {
    if (looksLikePath(nameOrPath)) return loadScenarioFile(nameOrPath);
    for (const auto& dir : assetDirs()) {
        auto p = dir / "scenarios" / (nameOrPath + ".json");
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) {
            Scenario s = loadScenarioFile(p.lexically_normal().string());
            s.name = nameOrPath;
            return s;
        }
    }
    std::string list;
    for (const auto& n : builtinScenarioNames()) list += (list.empty() ? "" : ", ") + n;
    fail(nameOrPath, "name", "no built-in scenario of that name (built-ins: " + (list.empty() ? "none found" : list) +
                                 "; a file path must contain '/' or end in .json)");
}

std::string scenarioToJson(const Scenario& s) {
    json j = json::object();
    j["kind"] = toString(s.kind);
    j["title"] = s.title;
    j["description"] = s.description;
    j["time_scale"] = s.timeScale;
    programFor(s.kind).write(s, j);
    json code = json::array();
    for (const auto& l : s.code) code.push_back({{"text", l.text}, {"anchor", l.anchor}});
    j["code"] = code;
    if (!s.questions.empty()) j["questions"] = questionsToJson(s.questions);
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

} // namespace parviz
