#pragma once
// Program start-up. Call parviz::init() first thing in main(), before any
// thread, window or GL context exists: it creates the shared arena and starts
// the fork server, a small single-threaded child that forks every worker on
// request. Workers are created with CLONE_PARENT, so they are children of the
// main process (waitid/pidfd/perf work on them directly) although the GUI
// process itself never forks once it has threads.
//
// Consequences every author of a worker function must know:
// - a worker's private memory is a copy of the program *as it was at init()*,
//   plus the shared arena. Globals set later in the parent are not visible:
//   pass everything a worker needs as byte-string arguments or in the arena;
// - the same goes for file descriptors, the working directory and the
//   environment: a worker has the fork server's (those of init() time, minus
//   the arena's memfd), never the descriptors the parent opened later. Its
//   stdout is the program's stdout at init(); redirect inside the worker;
// - a worker ends with _exit(): no atexit handler, no static destructor runs
//   (stdio buffers are flushed);
// - workers are raw clones; each still gets its own glibc thread id and
//   robust-mutex list, so robust mutexes it holds are recovered if it dies.
//   Do not use pthread_atfork handlers: they do not run.
#include <cstddef>
#include <sys/types.h>

namespace parviz {

struct InitOptions {
    // Virtual size of the shared arena. Sparse: only touched pages cost memory;
    // 8 GiB leaves room for 1024 traced workers' rings and large queues.
    std::size_t arenaBytes = std::size_t{8} << 30;
};

// Idempotent; call it from the main thread (the fork server dies with the
// thread that started it). Throws std::system_error when the arena or the fork server
// cannot be created. Once the fork server exists it raises this process's soft
// RLIMIT_NOFILE towards 65536 (never above the hard limit): the parent holds a
// pidfd and a perf descriptor per worker. Workers keep the original limit.
void init(const InitOptions& opts = {});
bool initialized() noexcept;

// Ends the fork server and reaps it, so the program leaves no zombie behind
// (a terminal's Ctrl-C kills the server with the workers; nobody else reaps
// it). Call it at the end of main(), once every Process has been joined or
// destroyed; starting a Process afterwards throws std::logic_error. Waits at
// most about a second (then kills the server). Idempotent; a no-op before
// init() and in workers.
void shutdown() noexcept;

// True in a worker process (false in the parent and the fork server).
bool inWorker() noexcept;

// Pid of the fork server, a child of the main process for its whole life
// (0 before init()); the tests' leak check does not count it.
pid_t forkServerPid() noexcept;

} // namespace parviz
