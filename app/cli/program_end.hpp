#pragma once
// What `parviz trace` says in the terminal about a traced program's end, the
// same with or without the window (`parviz trace --gui`, `gui --trace-python`):
// the events its processes lost, how it ended when that was not exit 0, and
// the interrupt that ended it (defined in trace_command.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parviz::cli {

struct ProgramEnd {
    std::vector<std::string> program;   // its command line
    std::optional<int> status;          // its exit status (128+N for signal N); none: not known
    std::string how;                    // TracedProgram::describeExit(): "exit 2", "killed by SIGTERM (15)"
    std::uint64_t lost = 0;             // events its processes dropped
    std::uint64_t reentered = 0;        // of those, written by a signal handler mid-write
    int interruptedBy = 0;              // the signal that interrupted parviz (SIGINT: Ctrl-C), 0: none
    bool endedBefore = false;           // the program had ended before the interrupt (the window
                                        // stayed open after it): the interrupt ended nothing of it
};

// The lost-events line (stdout, where the summary is), or "" when none were lost.
std::string lostEventsLine(const ProgramEnd& e);

// Says how the program ended on stderr (an interrupt, or a status that is not
// 0) and returns parviz's exit status: 128 + the signal after an interrupt
// (130 after Ctrl-C), else the program's own (1 when it is not known). An
// interrupt after the program had ended (endedBefore: `trace --gui`'s window
// left open) ended nothing: said so, and the program's own status.
int sayProgramEnd(const ProgramEnd& e);

} // namespace parviz::cli
