#pragma once
// Pool: multiprocessing.Pool with CPython's scheduling and a better failure
// story. Chunks of items go, in input order, onto one shared task queue (a
// traced parviz::Queue, so the window can show it draining); each idle worker
// takes the next chunk and runs its items one after another. Results come back
// on a result queue, one message per chunk when its last item is done (as
// CPython's worker puts a chunk's results at once), so the caller receives a
// chunk's results together; map() returns them in input order.
//
// A worker that dies mid-task fails that task with PoolWorkerDied naming the
// worker, its pid and the signal; the rest of its chunk goes back to the front
// of the task queue; the items of the chunk it had finished keep their results
// (read from the copy it held in shared memory, up to 4 KiB of them; beyond
// that they fail as lost with the worker); the worker is replaced; the pool
// never hangs (CPython's Pool loses the chunk and hangs forever here: REFERENCE.md).
//
// Errors: map() and starmap() complete every other item, then throw the
// error of the lowest failing index (TaskError, or PoolWorkerDied when the
// worker died), so the caller sees the failure and nothing hangs. imap and
// imap_unordered throw when they reach a failed item. map_async() gives the
// partial picture through AsyncResult::outcomes().
//
// Threads: a result-handler thread in the parent collects results and watches
// every worker's pidfd; callers only wait on condition variables, so the
// parent may run a GUI meanwhile. Tasks are put on the task queue by the
// calling thread: map_async() blocks only while the task queue (4 MiB) is full.
//
// Lifetime: close() then join(), or terminate(). The destructor terminates.
// After close(), workers stay until join(), which waits for the outstanding
// results, then sends each worker a sentinel.
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

// what() is the whole message: "task 'B' (item 1) raised: boom", or for
// PoolWorkerDied "ForkPoolWorker-2 (pid 1234) was killed by signal 9 (SIGKILL)
// while running task 'B'".
struct TaskError : std::runtime_error {       // a task raised
    TaskError(std::size_t index, std::string task, std::string what);
    std::size_t index;      // the item's index in the call
    std::string task;       // the task's name (see MapOptions::names)
};
struct PoolWorkerDied : TaskError {            // the worker running the task died
    using TaskError::TaskError;
};
struct PoolTerminated : TaskError {            // terminate() ran before the item finished
    using TaskError::TaskError;
};
struct TimeoutError : std::runtime_error { using std::runtime_error::runtime_error; };

struct PoolOptions {
    Recorder* recorder = nullptr;   // trace the pool (task queue, workers) into this run
};

struct MapOptions {
    // nullopt = CPython's default: ceil(len / (4 * processes)) for map, starmap and
    // map_async; 1 for imap and imap_unordered (CPython's chunksize=1)
    std::optional<std::size_t> chunksize;
    std::vector<std::string> names;         // task names for the trace (default: item preview)
    std::vector<std::int64_t> nominalNs;    // nominal durations for speedup (default 0)
    // How each item reads in the trace's view of the task queue, e.g. the
    // tutorial's work_data ['A', 5] (default: its name). Text only; never sent to workers.
    std::vector<std::string> labels;
    // The trace numbers this call's items (TaskStart/TaskEnd) and chunks (TaskChunk)
    // from here: a caller that makes one call per task (apply_async) gives each its
    // index among them, so the trace's task indices stay unique. Results and
    // errors still name the index within the call.
    std::uint32_t traceBase = 0;
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
    // map_async: every result in input order (throws like map()). get() is for
    // one-item results (apply_async) and throws std::logic_error otherwise.
    std::vector<std::string> getAll(std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
    // The partial picture while it runs (for the Run's report).
    struct Outcome {
        enum class Status : std::uint8_t { Pending, Ok, Failed } status = Status::Pending;
        std::string value;   // the result, or the error message
    };
    std::vector<Outcome> outcomes() const;
    std::size_t size() const;        // number of items
    std::size_t completed() const;   // finished items (ok or failed)
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
    // The same with the trace's options for its one item (names, nominalNs,
    // labels: one entry each; traceBase: its task index in the trace); the
    // chunksize is ignored (one item is one task on the queue).
    AsyncResult apply_async(PoolFn fn, std::string item, MapOptions o);
    AsyncResult map_async(PoolFn fn, std::vector<std::string> items, MapOptions o = {});

    void close();       // no more tasks
    void join();        // after close() or terminate(): waits for the workers to exit
    void terminate();   // stops the workers now; pending results fail

    int processes() const noexcept;
    const Queue& taskQueue() const noexcept;
    std::vector<pid_t> workerPids() const;   // live workers
    std::vector<std::string> workerNames() const;
    // Workers started to replace dead ones so far.
    std::size_t replacements() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace parviz
