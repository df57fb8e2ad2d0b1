#pragma once
// The command line's commands. Each takes the arguments after its own name and
// returns the process exit code: 0 success, 1 the run itself failed, 2 bad
// usage or bad input (the message names the file or flag, the field and why).
#include <string>
#include <vector>

namespace parviz::cli {

int listCommand(const std::vector<std::string>& args);
int runCommand(const std::vector<std::string>& args);
int exportPythonCommand(const std::vector<std::string>& args);   // export_python_command.cpp
int sweepCommand(const std::vector<std::string>& args);
int traceCommand(const std::vector<std::string>& args);          // trace_command.cpp

// The top-level usage text (`parviz --help`).
const char* mainUsage() noexcept;

} // namespace parviz::cli
