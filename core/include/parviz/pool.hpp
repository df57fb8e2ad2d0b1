#pragma once
// Pool: multiprocessing.Pool with CPython's scheduling and a better failure
// story. Chunks of items go, in input order, onto one shared task queue (a
// traced parviz::Queue, so the window can show it draining); each idle worker
// takes the next chunk and runs its items one after another. Results come back
// on a result queue; map() returns them in input order.
//
// A worker that dies mid-task fails that task with PoolWorkerDied naming the
// worker, its pid and the signal; the rest of its chunk goes back to the front
// of the task queue; the worker is replaced; the pool never hangs (CPython's
// Pool hangs forever here: REFERENCE.md).
//
// Lifetime: close() then join(), or terminate(). The destructor terminates.
#include "parviz/process.hpp"
#include "parviz/queue.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

class Recorder;

// A task function runs in a worker: item bytes in, result bytes out. It may
// throw; the exception's what() comes back to the caller as TaskError.
using PoolFn = std::string (*)(std::string_view item);
// starmap's function: several byte-string arguments.
using PoolStarFn = std::string (*)(std::span<const std::string> args);

struct TaskError : std::runtime_error {       // a task raised
    TaskError(std::size_t index, std::string task, std::string what);
    std::size_t index;      // the item's index in the call
    std::string task;       // the task's name (see MapOptions::names)
};
struct PoolWorkerDied : TaskError {            // the worker running the task died
    using TaskError::TaskError;
};
struct TimeoutError : std::runtime_error { using std::runtime_error::runtime_error; };

struct PoolOptions {
    Recorder* recorder = nullptr;   // trace the pool (task queue, workers) into this run
};

struct MapOptions {
    std::optional<std::size_t> chunksize;   // nullopt = CPython's default: ceil(len / (4 * processes))
    std::vector<std::string> names;         // task names for the trace (default: item preview)
    std::vector<std::int64_t> nominalNs;    // nominal durations for speedup (default 0)
};

// chunksize, extra = divmod(n, 4 * processes); if extra: chunksize += 1 (at least 1)
std::size_t defaultChunksize(std::size_t items, int processes) noexcept;

class AsyncResult {
public:
    // Waits up to timeout (unpaused run time); throws TimeoutError, or the task's error.
    std::string get(std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
    void wait(std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
    bool ready() const;
    bool successful() const;   // std::logic_error if not ready (as CPython's ValueError)
    struct State;
    explicit AsyncResult(std::shared_ptr<State> s) : m_s(std::move(s)) {}
private:
    std::shared_ptr<State> m_s;
};

class Pool {
public:
    // processes < 1 -> std::invalid_argument ("Number of processes must be at least 1").
    explicit Pool(int processes, PoolOptions opts = {});
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    std::vector<std::string> map(PoolFn fn, const std::vector<std::string>& items, MapOptions o = {});
    std::vector<std::string> starmap(PoolStarFn fn, const std::vector<std::vector<std::string>>& items,
                                     MapOptions o = {});
    // imap: results in input order as they become ready; imap_unordered: in finish order.
    // The callback is called on the caller's thread; return false to stop early.
    void imap(PoolFn fn, const std::vector<std::string>& items,
              const std::function<bool(std::size_t index, std::string result)>& onResult, MapOptions o = {});
    void imap_unordered(PoolFn fn, const std::vector<std::string>& items,
                        const std::function<bool(std::size_t index, std::string result)>& onResult,
                        MapOptions o = {});
    AsyncResult apply_async(PoolFn fn, std::string item, std::string name = {});
    AsyncResult map_async(PoolFn fn, std::vector<std::string> items, MapOptions o = {});

    void close();       // no more tasks
    void join();        // after close() or terminate(): waits for the workers to exit
    void terminate();   // stops the workers now; pending results fail

    int processes() const noexcept;
    const Queue& taskQueue() const noexcept;
    std::vector<pid_t> workerPids() const;   // live workers
    std::vector<std::string> workerNames() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace parviz
