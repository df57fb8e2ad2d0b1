#pragma once
// Process: a real OS worker process, Python's multiprocessing.Process in C++.
//
// Lifetime rules (as in reproc): a Process is created, start()ed once, then
// join()ed or stopped. The destructor of a still-running process kills it
// (SIGKILL) and reaps it: no zombie is ever left behind. Move-only.
//
// The target is a plain function pointer; it runs in a new process forked by
// the fork server (runtime.hpp), receives the byte-string arguments, and its
// return value is the exit code. An exception escaping it prints
// "Process <name>: <what>" and exits with code 1 (as CPython does).
// A Process with a recorder must be joined or destroyed before that Recorder.
// Names are given at construction (as in CPython): with a recorder, the
// constructor registers the process in the recorder's trace.
#include "parviz/event.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace parviz {

class Recorder;
enum class ProcRole : std::uint8_t;

using ProcessTarget = int (*)(std::span<const std::string> args);

struct ProcessOptions {
    std::string name;              // "" = "Process-N" (per Recorder, or per program without one)
    Recorder* recorder = nullptr;  // trace this process into that run
    int pinCore = -1;              // >= 0: sched_setaffinity to that core in the child
    bool poolWorker = false;       // ProcRole::PoolWorker ("ForkPoolWorker-N" names)
};

class Process {
public:
    Process(ProcessTarget target, std::vector<std::string> args = {}, ProcessOptions opts = {});
    ~Process();
    Process(Process&& o) noexcept;
    Process& operator=(Process&& o) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    // Starts the process. Throws std::logic_error when called twice,
    // std::system_error when the OS refuses.
    void start();
    // Waits for exit. With a timeout: returns false if still running after it.
    bool join(std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
    bool isAlive();
    // None while running or not started; exit status, or -N when killed by signal N.
    std::optional<int> exitcode();
    void terminate();   // SIGTERM
    void kill();        // SIGKILL
    void stop();        // SIGSTOP (pause)
    void cont();        // SIGCONT

    pid_t pid() const noexcept;           // 0 before start
    int pidfd() const noexcept;           // pollable until reaped, -1 otherwise
    const std::string& name() const noexcept;
    ProcId proc() const noexcept;         // id in the recorder's trace (0 without recorder)

private:
    struct State;
    State* m_s = nullptr;
};

// In a worker: its name ("Process-2") and id; in the parent: "MainProcess", 0.
const std::string& currentProcessName() noexcept;

// Prints one line "as the process": a Print event in the trace when tracing,
// and straight to stdout otherwise.
void print(std::string_view line);

// sys.exit(code): in a worker ends it now with that exit code (stdio flushed,
// no atexit handlers, as every worker ends); in the parent, std::exit(code).
[[noreturn]] void exitProcess(int code);

// cpu_count(): every CPU of the system, and those this process may use.
int cpuCountTotal() noexcept;
int cpuCountUsable() noexcept;
// The core this process is running on right now (sched_getcpu), -1 if unknown.
// The trace's core lanes come from the OS, not from this: it is a snapshot.
int currentCore() noexcept;

} // namespace parviz
