// What parviz says about a traced program's tracer hook (traced_program.hpp):
// the CLI's stderr lines and the window's header and panels use these words,
// so a busy machine's slow Python start is "not yet", never "untraced".
#include "parviz/traced_program.hpp"

#include <cstdio>

namespace parviz {
namespace {

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

// Why a program may never load it (python3 -I ...): said with "not yet" and "ran untraced".
constexpr const char* kCannotLoad =
    "python3 -I, -E or -S, a cleared environment, a Python older than 3.8 or a program that is not Python "
    "cannot load it";

} // namespace

std::string hookStatusLine(const HookStatus& h, const std::string& name, bool toldNotYet) {
    switch (h.kind) {
    case HookStatus::Starting:
        return "";
    case HookStatus::NotYet:
        return name + " has not loaded the tracer yet after " + seconds(h.seconds) +
               ": a Python starting on a busy machine can take that long; parviz keeps waiting and says "
               "when it does (" + kCannotLoad + ")";
    case HookStatus::Loaded:
        // Late by its own time, not by whether anyone looked between 3 s and then: a window drawing
        // 5 frames a second on a loaded machine can miss the "not yet" moment (CI, session 27).
        return toldNotYet || h.seconds > TracedProgram::kHookTimeoutSeconds
                   ? name + " loaded the tracer after " + seconds(h.seconds) + ": traced after all"
                   : "";
    case HookStatus::NeverLoaded:
        return name + " ended without loading the tracer, so it ran untraced: " + kCannotLoad +
               " (the summary shows no processes of the program)";
    }
    return "";
}

std::string waitingForProgramLine(const HookStatus& h, const std::string& name) {
    switch (h.kind) {
    case HookStatus::Starting:
        return "Waiting for " + name + " to start (" + seconds(h.seconds) +
               " so far): nothing of it is known until its Python has loaded parviz's tracer.";
    case HookStatus::NotYet:
        return "Waiting for " + name + " to start (" + seconds(h.seconds) +
               " so far): its Python has not loaded parviz's tracer yet (slow on a busy machine, or it cannot: "
               "python3 -I, -E or -S, a cleared environment).";
    case HookStatus::Loaded:
        return "";
    case HookStatus::NeverLoaded:
        return name + " ended without loading parviz's tracer: it ran untraced, so nothing of it was recorded.";
    }
    return "";
}

} // namespace parviz
