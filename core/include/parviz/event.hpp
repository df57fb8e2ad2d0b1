#pragma once
// The one event record every part of parviz writes and reads.
//
// Workers (and the parent) write Events into per-process shared-memory rings
// (tracer.hpp); the parent's Collector merges them into the Trace (trace.hpp).
// Every panel, statistic and export is a pure function of the Trace.
#include <cstdint>

namespace parviz {

// Index of a process inside one run: 0 is the parent, workers count from 1.
using ProcId = std::uint16_t;
inline constexpr ProcId kParentProc = 0;
// Marks "no string" in an Event field that holds a string id.
inline constexpr std::uint64_t kNoString = ~std::uint64_t{0};

// What a worker lane shows between two events (EventKind::State, field obj).
enum class WorkerState : std::int32_t {
    Idle = 0,      // alive, between tasks, in our own code
    Running,       // executing a task's CPU work or its own code
    Sleeping,      // sleep work (time.sleep in the tutorial)
    WaitQueue,     // blocked in Queue::get / put
    WaitLock,      // blocked in Lock::acquire
};

enum class EventKind : std::uint8_t {
    // --- processes (written by the parent's Process / Run code) -------------
    ProcStart = 1,  // a = OS pid. proc = the new process.
    ProcExit,       // a = exit code (>= 0) or -signal (as int64). proc = the process.
    ProcStopped,    // SIGSTOP delivered (pause or test). proc = the process.
    ProcContinued,  // SIGCONT delivered.
    // --- work -----------------------------------------------------------------
    TaskStart,      // obj = task index (in its scenario / pool call), a = string id of the task name;
                    // flags 1 (kTaskSummarised) = a traced program's summarised chunk: this one task
                    // stands for all the tasks of the TaskChunk its worker just took (README)
    TaskEnd,        // obj = task index, a = string id of the name, flags: 1 = the task failed,
                    // 2 = (with 1) because its worker died under it (written by the parent);
                    // b = 1 + string id of what a traced task raised ("ZeroDivisionError:
                    // division by zero"), 0 when not said (saved-run format 10; 0 before)
    State,          // obj = WorkerState (as int32)
    // --- queue ----------------------------------------------------------------
    QueuePut,       // obj = queue id, a = item id (unique per run), b = string id of value preview
    QueueGet,       // obj = queue id, a = item id, b = kNoString: the value preview is the one
                    // of the QueuePut with the same item id (readers look it up by a).
                    // Traces saved before this may carry a preview here; readers prefer the put's.
                    // flags kQueueDiscarded: nobody took it, proc dropped it unread (a traced
                    // Pool's terminate: the stop signals its ended workers never took).
                    // Saved-run format 10; 0 before.
    QueueEmpty,     // obj = queue id: a get_nowait / timed get found the queue empty
    QueueFull,      // obj = queue id: a put_nowait / timed put found the queue full
    QueueClose,     // obj = queue id
    // --- lock -----------------------------------------------------------------
    LockWait,       // obj = lock id: the process starts waiting
    LockAcquire,    // obj = lock id, flags = 1 when the previous owner died holding it
    LockRelease,    // obj = lock id
    LockTimeout,    // obj = lock id: a timed/non-blocking acquire gave up
    LockOwnerDied,  // obj = lock id, a = ProcId of the dead owner (written by the recovering acquirer)
    // --- output ---------------------------------------------------------------
    Print,          // a = string id of one printed line (no trailing newline)
    // --- OS core data (written by the Collector from perf records or /proc) ----
    CoreIn,         // obj = core number: proc was switched onto that core
    CoreOut,        // obj = core number: proc was switched off it; flags = 1 when still runnable (preempted)
    CoreLoad,       // proc = 0, obj = core: a = ns that core was busy in the b ns before t:
                    // flags 0 = every process but parviz's own threads (the workers and other
                    // programs), flags 1 = parviz's own threads (window, collector). Saved-run
                    // format 8; in older files one sample (flags 0) counted every process.
    // --- run control (parent) -------------------------------------------------
    RunStart,       // the run's zero; a = usable cores, b = total cores
    RunPause,
    RunResume,
    RunEnd,
    KillRequest,    // obj = ProcId to be killed, a = signal; flags = 1: the program itself asked
                    // (a traced Python program's Process.terminate() / kill(), e.g. Pool.terminate
                    // at the end of a `with Pool()` block): its death by that signal is no failure
    // --- diagnostics ------------------------------------------------------------
    Lost,           // obj = ProcId whose ring overflowed, a = number of events lost; flags = 1:
                    // a = number of texts (printed lines, names, previews) lost instead
    Note,           // a = string id of a free-form diagnostic the parent recorded
    WriterWait,     // obj = ProcId whose writers waited for ring room (back-pressure, tracer.hpp):
                    // a = ns waited, b = number of waits, since the previous WriterWait of obj
    // --- added later: new kinds go at the end (saved runs store the number) ----
    TaskChunk,      // a pool worker took a chunk of the task queue: obj = chunk number in its
                    // map call (input order, from 0; a traced program numbers its chunks across all
                    // its calls, so no two share one), a = index of its first task, b = task count.
                    // The TaskStarts that follow on that process with an index in [a, a + b) came
                    // from it. Saved-run format 3.
    MachineLoad,    // once, just before RunEnd (the Recorder, machine_load.hpp): obj = usable cores
                    // measured, a = ns of their time other processes (not parviz's own) took during
                    // the run, b = ns of their time in all (cores x span); flags bit 0 = idle
                    // measured exactly (cpuidle). Saved-run format 4.
    // --- traced programs (python_trace_source.hpp) ------------------------------
    SourceLine,     // a = string id of "file:line": where in the program the process's next
                    // event (same t, same proc, right after this one) came from; a pool
                    // worker's task start: the def line of the task's function; "" (a
                    // worker whose chunk went back): on no line of the program.
                    // Saved-run format 5.
    // --- run control, later ------------------------------------------------------
    RunStop,        // the run was stopped on request (Run::stop), written before anything is
                    // killed: a = the signal that asked (SIGINT, SIGTERM, SIGHUP: parviz run was
                    // interrupted), 0 = a Stop button or the program. A worker that dies after
                    // it, or of that same signal (a terminal's Ctrl-C reaches the workers first),
                    // was stopped, not failed (TaskOutcome::Stopped). Saved-run format 7.
    // --- synchronisation primitives of a traced program (saved-run format 9) ------
    // obj = the object's id among the objects of kind a (ObjectKind as a number:
    // an Event, Condition or Barrier; a Queue for JoinableQueue.join and for a
    // pool's results). A Semaphore is a Lock with several holders (LockWait..).
    SyncWait,       // proc starts blocking on obj: Event.wait on a clear flag, Condition.wait,
                    // Barrier.wait (it arrived), JoinableQueue.join with unfinished tasks, and
                    // b = kSyncWaitPoolResults: MainProcess waits for a Pool job's results (obj =
                    // the pool's task queue)
    SyncWake,       // its wait ended: flags 1 = timed out (the wait returned False), 2 = broken
                    // (BrokenBarrierError)
    SyncSignal,     // b = SyncOp | count << 32 (Notify: how many were asked for)
    // --- pool results (saved-run format 11) ----------------------------------------
    PoolResult,     // the caller (proc, MainProcess) received a pool task's result: obj = the task's
                    // index, a = string id of its name, b = 1 + string id of the result's preview
                    // (0: not said; a traced program's); flags 1 = it received the task's error
                    // instead (the call raised). Written by the pool kind's main program as its
                    // PoolMethod hands results over: map and starmap all at once when the call
                    // returns, imap in input order, imap_unordered in finish order, apply_async
                    // at each get(). views.hpp's buildResultOrder reads them.
    // --- a traced program's Process.join (saved-run format 12) ----------------------
    ProcJoin,       // proc waits in Process.join() for process obj (a ProcId) to end: flags 0 = the
                    // wait begins, kJoinEnded = join() returned (with kJoinTimedOut: join(timeout)
                    // gave up, obj still runs); a = string id of the lane's words for the wait
                    // ("waiting for Process-1 to finish (join)", on the begin; kNoString on the end)
};
inline constexpr std::uint8_t kJoinEnded = 1, kJoinTimedOut = 2;    // ProcJoin flags

// SyncSignal's operation (low 32 bits of b).
enum class SyncOp : std::uint32_t {
    Set = 1,     // Event.set
    Clear,       // Event.clear
    Notify,      // Condition.notify(n): count = n
    NotifyAll,   // Condition.notify_all
    TaskDone,    // JoinableQueue.task_done
    Abort,       // Barrier.abort
    Reset,       // Barrier.reset
};
inline constexpr std::uint32_t kSyncOpLast = static_cast<std::uint32_t>(SyncOp::Reset);
inline constexpr std::uint8_t kSyncTimedOut = 1, kSyncBroken = 2;   // SyncWake flags
inline constexpr std::uint64_t kSyncWaitPoolResults = 1;            // SyncWait b
inline constexpr std::uint8_t kTaskSummarised = 1;                   // TaskStart flags: a summarised chunk
inline constexpr std::uint8_t kQueueDiscarded = 1;                   // QueueGet flags: dropped unread

// Fixed-size, trivially copyable: written with no allocation, lock or formatting.
struct Event {
    std::int64_t t;        // CLOCK_MONOTONIC nanoseconds (absolute); the run's zero is RunStart's t
    ProcId proc;           // who did it (see ProcId)
    EventKind kind;
    std::uint8_t flags;
    std::int32_t obj;      // object id: task index, queue id, lock id, core, state (see EventKind)
    std::uint64_t a;       // per kind (see EventKind)
    std::uint64_t b;       // per kind (see EventKind)
};
static_assert(sizeof(Event) == 32, "Event must stay 32 bytes");

const char* toString(EventKind k) noexcept;
const char* toString(WorkerState s) noexcept;
const char* toString(SyncOp op) noexcept;   // "set", "clear", "notify", ...

} // namespace parviz
