#pragma once
// Helpers shared by the `parviz trace` tests (tests/cli/trace_*_test.cpp):
// running a Python program under `parviz trace --save-run` and reading back
// the saved run, and the CPythons this machine has.
#include "cli_support.hpp"

#include "parviz/run_model.hpp"
#include "parviz/trace.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace parviz::test::trace {

inline const std::string kExamples = std::string(PARVIZ_SOURCE_DIR) + "/examples/";
inline const std::string kTestPrograms = std::string(PARVIZ_SOURCE_DIR) + "/tests/cli/python/";

struct Traced {
    ExeResult result;
    std::shared_ptr<parviz::Trace> trace;
    std::vector<std::string> programLines;   // stdout up to the summary
};

// Runs `parviz trace --save-run` on python3 SCRIPT ARGS and loads the saved run.
// python: the interpreter (Debian's by default).
Traced traceScript(const std::string& script, const std::vector<std::string>& args, const TempDir& dir,
                   const std::string& savedName, const std::string& python = "/usr/bin/python3");
Traced traceExample(const std::string& example, const TempDir& dir);

std::string procName(const parviz::Trace& tr, parviz::ProcId p);
// Every printed line of the trace, in order.
std::vector<std::string> printed(const parviz::Trace& tr);
// Greedy list scheduling in input order (REFERENCE.md): each task goes to the
// worker that becomes free first. The result: each worker's tasks, in order.
std::multiset<std::vector<std::string>> greedy(const std::vector<std::pair<std::string, double>>& tasks, int workers);
std::multiset<std::string> taskNames(const parviz::RunModel& m, const parviz::Trace& tr);
const parviz::QueueIndex* queueNamed(const parviz::RunModel& m, const parviz::Trace& tr, const std::string& name);

// The program's own stderr lines: parviz's own ("parviz trace: ...") left out.
std::vector<std::string> programErrLines(const std::string& err);
// "" when equal, else the first differing line with its neighbours.
std::string firstDifference(const std::vector<std::string>& plain, const std::vector<std::string>& traced);

// CPython interpreters on this machine besides Debian's: pyenv's
// ($PYENV_ROOT or ~/.pyenv, versions/X.Y.Z/bin/python3), as "X.Y" -> path.
std::map<std::string, std::string> otherPythons();
bool atLeast38(const std::string& xy);

} // namespace parviz::test::trace
