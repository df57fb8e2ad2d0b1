#pragma once
// TracedProgram: a program of the user's (normally `python3 script.py`)
// running under parviz's Python tracer (python/parviz_trace), recorded into a
// Trace while it runs. Shared by `parviz trace` (app/cli/trace_command.cpp)
// and the window (a RunView holds one the way it holds a Run).
//
// What it does:
//   - resolves PROGRAM (a name without '/' is looked up on PATH) and refuses a
//     missing or non-executable one (ProgramError: the caller exits 2);
//   - makes a ring directory (/dev/shm/parviz-trace-XXXXXX) and a Recorder
//     with a PythonTraceSource reading it, plus the core monitor;
//   - starts the program with posix_spawn (never fork(): the window's process
//     has threads and a GL context) in its own process group, with the tracer
//     first on PYTHONPATH and PARVIZ_TRACE_DIR naming the directory, the
//     default disposition of SIGINT/SIGTERM/SIGPIPE/SIGQUIT and an empty mask;
//   - a watcher thread reaps every member of the group as it ends (parviz is
//     the child subreaper, so orphans of the program come to it too) and
//     tells the source each exit code; once the root has exited the others
//     get kLingerMs, then the group is ended; then the Recorder finishes and
//     the ring directory is removed.
// Stopping: stop() asks the watcher to end the whole group (SIGTERM, then
// SIGKILL after kGraceMs) and marks the trace incomplete. Nothing of the
// program is left running once wait() returned true, and the destructor
// stops and waits if the program still runs.
// Thread-safety: every method may be called from any one thread (the CLI's
// main thread, the window's GUI thread); the Trace is readable while it grows
// (trace.hpp).
#include "parviz/recorder.hpp"
#include "parviz/run.hpp"
#include "parviz/trace.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace parviz {

// PROGRAM is missing, not executable, or cannot be started: the message names it.
struct ProgramError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct TracedProgramOptions {
    CorePref cores = CorePref::Auto;
    // The program's stdin: /dev/null when true (the window; the CLI when its
    // own stdin is a terminal: a background process group reading the
    // terminal would be stopped), else parviz's stdin. stdout and stderr are
    // always parviz's own.
    bool stdinDevNull = true;
    // Where the tracer lives (the directory holding sitecustomize.py and
    // parviz_trace/); "" : pythonTracerDir().
    std::string tracerDir;
};

// parviz's own use of the machine while it traces (getrusage(RUSAGE_SELF):
// every thread of parviz, none of the program's), and the program's: on the
// program's cores, whatever parviz spends is taken from the program
// (`PARVIZ_TRACE_USAGE=1 parviz trace ...` prints it; bench_python_trace.py).
struct SelfUsage {
    std::int64_t userNs = 0, sysNs = 0;
    long wakeups = 0;       // voluntary context switches: each a sleep and a wake-up
    long preempted = 0;     // involuntary context switches
    long minorFaults = 0, majorFaults = 0;
    std::int64_t childrenCpuNs = 0;   // user + sys of the reaped descendants: the program's processes
    struct Thread {
        std::string name;   // /proc/self/task/T/comm ("pvz-collector", ...)
        std::int64_t cpuNs = 0;
        long wakeups = 0;
    };
    std::vector<Thread> threads;   // the threads alive when it was read
};
SelfUsage readSelfUsage();
// "parviz itself: 41.2 ms CPU (user 20.1 + sys 21.1), 812 wake-ups, ...": one line, no newline.
std::string formatSelfUsage(const SelfUsage& u);

// Has the traced program's root loaded parviz's tracer? (TracedProgram::hookStatus)
struct HookStatus {
    enum Kind {
        Starting,      // not yet, and it has run less than kHookTimeoutSeconds
        NotYet,        // not yet after kHookTimeoutSeconds: slow to start, or it never will
        Loaded,        // it announced itself `seconds` after its start
        NeverLoaded,   // it ended (its trace is finished) without announcing itself: it ran untraced
    };
    Kind kind = Starting;
    double seconds = 0;   // Loaded: when it announced itself; otherwise how long it has run (ran)
    bool loaded() const noexcept { return kind == Loaded; }
};

// What to tell the user about the hook, in the CLI's and the window's words
// (name: the script's, TracedProgram::name()); "" when there is nothing to
// say. toldNotYet: the NotYet line was already said (a later Loaded is then
// "traced after all", as is any Loaded after kHookTimeoutSeconds, said or
// not: lateness is the load's time, not when someone looked; a Loaded on
// time says nothing).
//   NotYet:      "my_queue.py has not loaded the tracer yet after 3 s: ..."
//   Loaded late: "my_queue.py loaded the tracer after 6.7 s: traced after all"
//   NeverLoaded: "my_queue.py ended without loading the tracer, so it ran untraced: ..."
std::string hookStatusLine(const HookStatus& h, const std::string& name, bool toldNotYet);
// What every panel of a traced program's window says while its root has not
// announced itself (Starting or NotYet): "Waiting for my_queue.py to start
// (2.1 s so far): ...", or after it ended without: "my_queue.py ran untraced:
// ..."; "" once it has loaded the tracer. Panels say this instead of stating
// facts about a program whose processes parviz cannot see yet.
std::string waitingForProgramLine(const HookStatus& h, const std::string& name);

class TracedProgram {
public:
    static constexpr double kHookTimeoutSeconds = 3.0;   // the root must announce itself by then
    static constexpr int kGraceMs = 300;                 // SIGTERM, then SIGKILL after this
    static constexpr int kLingerMs = 500;                // what the root leaves running gets this long
    static constexpr int kOrphanReapMs = 20;             // while the root runs, its orphans are reaped this often
    static constexpr int kCollectMinMs = 8;              // the Collector's interval while events flow
    static constexpr int kCollectMaxMs = 32;             // ... and while the trace is quiet (RecorderOptions)

    // argv: PROGRAM ARGS... (argv[0] as the user gave it). Starts at once.
    // Throws ProgramError for a bad PROGRAM, std::runtime_error when the ring
    // directory cannot be made.
    explicit TracedProgram(std::vector<std::string> argv, TracedProgramOptions opts = {});
    ~TracedProgram();   // stop() and wait() if still running
    TracedProgram(const TracedProgram&) = delete;
    TracedProgram& operator=(const TracedProgram&) = delete;

    std::shared_ptr<Trace> trace() const;
    pid_t pid() const noexcept;                 // the root process, also its process group
    // Running until the watcher is done; then Finished (the root exited 0),
    // Failed (non-zero or killed by a signal) or Stopped (stop() was called).
    RunStatus status() const noexcept;
    // Ends the program's whole process group (without waiting). bySignal: the
    // signal that made the caller stop (SIGINT ...), 0 for a Stop button.
    void stop(int bySignal = 0);
    // SIGKILL to one process of the program (the window's Kill worker):
    // false unless pid is alive and in the program's process group.
    bool killProcess(pid_t pid);
    // True once the program and everything it started are gone, reaped, and
    // the trace is finished. timeout nullopt: wait as long as it takes.
    bool wait(std::optional<double> timeoutSeconds = std::nullopt);
    // The root's wait status (waitpid's encoding), once it was reaped.
    std::optional<int> rootWaitStatus() const;
    // As a shell reports it: the exit code, or 128+N when signal N ended it.
    std::optional<int> exitStatus() const;
    // "exit 0", "exit 3", "killed by SIGKILL (9)", "stopped", "running".
    std::string describeExit() const;
    // Whether the root has loaded the tracer (announced itself) yet:
    // Starting, then NotYet after kHookTimeoutSeconds without it, then
    // Loaded (seconds: when it announced itself) or, once the program has
    // ended and its trace is finished without it, NeverLoaded. A Python
    // starting slowly on a busy machine takes more than 3 s: NotYet is "not
    // yet", never "untraced" (hookStatusLine).
    HookStatus hookStatus() const noexcept;
    std::uint64_t lostEvents() const noexcept;   // dropped by the program's processes (PythonTraceSource)
    std::uint64_t reenteredEvents() const noexcept;   // of those, written by a signal handler mid-write
    const std::vector<std::string>& argv() const noexcept;
    // parviz's own usage read when the root process was reaped (what it spent
    // while the program ran), nullopt before that.
    std::optional<SelfUsage> usageWhileRunning() const;
    // The directory of the program's rings (removed once wait() returned true).
    const std::string& ringDirectory() const noexcept;
    // The script's file name (the last *.py argument, else PROGRAM's) and the
    // whole command line, as the trace's meta records them.
    std::string name() const;
    std::string commandLine() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// PROGRAM as a path to execute: one with '/' as given, else looked up on PATH.
// Throws ProgramError ("x: no such file", "x: not an executable file",
// "x: not found on PATH").
std::string resolveProgram(const std::string& program);

// The directory holding sitecustomize.py and parviz_trace/: $PARVIZ_PYTHON_DIR,
// else share/parviz/python beside the executable's bin/, else the source tree's python/.
std::string pythonTracerDir();

} // namespace parviz
