#pragma once
// Reading a scenario file's fields strictly (scenario.cpp and every kind's
// read() in kinds/): each error names the file, the field (JSON-path-like:
// tasks[2].seconds) and the reason, so the CLI can print it verbatim and exit 2.
#include "parviz/scenario.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace parviz::detail {

using nlohmann::json;

// Limits of the fields more than one kind has (scenario.hpp has the public ones).
inline constexpr std::size_t kMaxItems = 100'000;   // queue items
inline constexpr int kMaxRounds = 100'000;
inline constexpr int kMaxPerCoreFactor = 64;

// Throws ScenarioError "<file>: <field>: <why>".
[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& why);
std::string typeName(const json& v);     // "an integer", "a list", ...
std::string shortDump(const json& v);    // the value as JSON, at most 40 characters

// Reads the fields of one JSON object, refusing any not in `allowed` (naming
// the allowed ones). A missing field gives the default; a present one must
// have the right type and lie within [lo, hi].
class Fields {
public:
    Fields(const std::string& file, std::string path, const json& obj, std::vector<std::string> allowed);

    const std::string& file() const noexcept { return m_file; }
    std::string field(const std::string& k) const { return m_path.empty() ? k : m_path + "." + k; }
    bool has(const std::string& k) const { return m_obj.contains(k); }
    const json& at(const std::string& k) const { return m_obj.at(k); }

    std::string str(const std::string& k, std::string def, std::size_t maxBytes) const;
    std::int64_t integer(const std::string& k, std::int64_t def, std::int64_t lo, std::int64_t hi) const;
    double number(const std::string& k, double def, double lo, double hi) const;
    // A list of strings, each at most maxBytes, at most maxCount of them.
    std::vector<std::string> strings(const std::string& k, std::size_t maxCount, std::size_t maxBytes,
                                     const char* noun) const;

    static std::string checkedString(const std::string& file, const std::string& f, const json& v, std::size_t maxBytes);
    static std::int64_t checkedInt(const std::string& file, const std::string& f, const json& v, std::int64_t lo,
                                   std::int64_t hi);
    static double checkedNumber(const std::string& file, const std::string& f, const json& v, double lo, double hi);

private:
    const std::string& m_file;
    std::string m_path;
    const json& m_obj;
    std::vector<std::string> m_allowed;
};

// "sleep" or "cpu" at field f.
WorkKind checkedWork(const std::string& file, const std::string& f, const json& v);
const char* workName(WorkKind k) noexcept;

// The task fields (job-queue and pool): tasks, or task_count generated tasks
// named prefix + index (defaultCount when task_count is missing; < 0: one of
// the two is required), task_seconds and work. Fills s.tasks and s.jobSeconds.
inline const std::vector<std::string> kTaskFields = {"tasks", "task_count", "task_seconds", "work"};
void readTasks(const Fields& f, Scenario& s, const char* generatedPrefix, std::int64_t defaultCount);
json tasksToJson(const Scenario& s);   // the "tasks" list, as readTasks reads it

// len(os.sched_getaffinity(0)): the cores this process may use.
int usableCores() noexcept;

} // namespace parviz::detail
