#pragma once
// Internal (not installed): the state this process's lane currently shows.
// Queue, Lock and work change it around blocking or working and restore the
// previous one afterwards, so the lane returns to whatever the caller was in
// (Idle between pool tasks, Running inside a task's own code, ...).
#include "parviz/event.hpp"
#include "parviz/tracer.hpp"

#include <cstdint>
#include <sys/types.h>

namespace parviz::detail {

// Per thread: the parent has several threads, a worker has one.
WorkerState workerState() noexcept;
// Records the state and writes a State event (a no-op when tracing is off).
void setWorkerState(WorkerState s) noexcept;

// Enters `s` for the lifetime of the scope, then restores the previous state.
class ScopedWorkerState {
public:
    explicit ScopedWorkerState(WorkerState s) noexcept : m_prev(workerState()) { setWorkerState(s); }
    ~ScopedWorkerState() { setWorkerState(m_prev); }
    ScopedWorkerState(const ScopedWorkerState&) = delete;
    ScopedWorkerState& operator=(const ScopedWorkerState&) = delete;

private:
    WorkerState m_prev;
};

// Shared helpers for blocking on the run clock.
// Monotonic ns at which the run-clock deadline would be reached if no pause
// intervenes (identity without a run clock).
std::int64_t monoDeadlineFor(std::int64_t runDeadline) noexcept;

// Program-wide counters for object and item ids, in one page of shared
// anonymous memory mapped before main() (so before parviz::init() starts the
// fork server): every worker inherits it at the same address.
std::int32_t nextObjectId() noexcept;
std::uint64_t nextItemId() noexcept;

// The deadlock check's view of a queue a WaitRecord names (queue.cpp): its
// trace id, and whether the marked put (of `need` bytes) or get could go on
// now (room, an item, or the queue closed). valid = false: no live queue there.
struct QueueWaitView {
    bool valid = false;
    bool canProceed = false;
    std::int32_t id = 0;
};
QueueWaitView queueWaitView(const void* state, WaitRecord::Kind kind, std::uint64_t need) noexcept;
// Closes that queue, waking whoever waits on it (ending a deadlock).
void closeWaitedQueue(const void* state);

// This process's pid, cached (refreshed in fork children by pthread_atfork).
pid_t selfPid() noexcept;

} // namespace parviz::detail
