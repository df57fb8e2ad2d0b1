#pragma once
// The pieces every kind's listing is written with (listing.cpp defines them;
// each kind's listing() in kinds/ uses them). listing.hpp says what a listing
// and an exported program are.
#include "parviz/listing.hpp"
#include "parviz/scenario.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace parviz::detail {

using Lines = std::vector<Scenario::CodeLine>;

// How the kind functions write: a listing to read, or a program to run.
struct Style {
    bool runnable = false;            // export-python's program
    std::size_t shown = 8;            // data lists longer than this are shortened (never in a program)
    std::string scale;                // "" or " * TIME_SCALE", appended to every work duration
};

// ---- formatting -----------------------------------------------------------
void add(Lines& out, std::string text, std::string anchor = "");
std::string pyStr(const std::string& s, char q = '\'');   // a Python string literal
std::string pyNum(double v);                              // as Python's %s prints 5 or 0.5
// "[a, b, c]" of formatted literals, shortened to the first st.shown plus
// Python's Ellipsis; `comment` then gets "  # N <noun> in all".
std::string pyList(const Style& st, const std::vector<std::string>& lits, const char* noun, std::string& comment);

// ---- work -------------------------------------------------------------------
struct WorkPlan {
    bool anySleep = false, anyCpu = false;
    bool mixed() const { return anySleep && anyCpu; }
};
WorkPlan planWork(const std::vector<TaskSpec>& tasks, const std::optional<WorkKind>& override);
void addSpinCpu(Lines& out);   // def spin_cpu(seconds): ...
// The work call for `seconds` (a Python expression), indented; with mixed work
// it branches on `kindExpr`.
void addWorkCall(Lines& out, const Style& st, const WorkPlan& w, const std::string& indent, const std::string& seconds,
                 const std::string& kindExpr);
WorkKind effectiveWork(const TaskSpec& t, const std::optional<WorkKind>& override);
// True when the tasks are what the loader generates from task_count.
bool generatedTasks(const std::vector<TaskSpec>& ts, const std::string& prefix);
// The tasks as Python data: `var = [...]` of [name, seconds(, work)] entries
// (or a dict with asDict), or a comprehension for generated tasks.
void addTaskData(Lines& out, const Style& st, const std::string& var, const std::vector<TaskSpec>& ts,
                 const std::string& prefix, const WorkPlan& w, const std::optional<WorkKind>& override, bool asDict);

// ---- program ----------------------------------------------------------------
void guardMain(Lines& out, std::size_t from);   // lines from `from` on go under a main guard
void addQueueClass(Lines& out);                 // a Queue with parviz's semantics (listing.cpp says why)

} // namespace parviz::detail
