// Pool: CPython's multiprocessing.Pool on parviz processes and queues.
// This file is the parent side; the wire format and the worker slot are in
// pool_wire.hpp, the loop the workers run in pool_worker.cpp.
//
// [SECTION] jobs           AsyncResult::State: one map/apply call's results
// [SECTION] pool           start, result handler, worker watcher, death recovery
// [SECTION] calls          map, imap, apply_async, ...
// [SECTION] lifetime       close, join, terminate
//
// Threads in the parent: the caller puts chunks; the result handler takes
// results (and "worker died" notes) off the result queue in FIFO order; the
// watcher blocks in poll() on the workers' pidfds and posts a death note onto
// the result queue. Because the note is put after the worker died, it comes
// after every result that worker put: the handler never fails an item whose
// result is already on its way.
#include "parviz/pool.hpp"

#include "pool_wire.hpp"

#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/recorder.hpp"
#include "parviz/tracer.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <unordered_map>

namespace parviz {

TaskError::TaskError(std::size_t i, std::string t, std::string what)
    : std::runtime_error(std::move(what)), index(i), task(std::move(t)) {}

std::size_t defaultChunksize(std::size_t items, int processes) noexcept {
    const std::size_t div = 4 * static_cast<std::size_t>(std::max(processes, 1));
    std::size_t c = items / div;
    if (items % div) ++c;
    return std::max<std::size_t>(c, 1);
}

using detail::appendPod;
using detail::appendPreview;
using detail::ChunkHeader;
using detail::defaultName;
using detail::encodeArgs;
using detail::MsgType;
using detail::Note;
using detail::poolWorkerMain;
using detail::ResultHeader;
using detail::SlotState;
using detail::WorkerSlot;

namespace {

std::string signalName(int sig) {
    if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(sig);
}

} // namespace

// ============================================================================
// [SECTION] jobs
// ============================================================================
enum class ItemStatus : std::uint8_t { Pending, Ok, Failed };
enum class ErrorKind : std::uint8_t { Task, Died, Terminated };

struct AsyncResult::State {
    std::uint64_t id = 0;
    bool star = false;
    bool perItem = false;          // imap/imap_unordered: notify on every batch
    bool apply = false;            // apply_async: one task per call, not a chunk of one
    std::atomic<bool> submitted{false};   // every chunk is on the task queue
    std::uintptr_t fn = 0;
    std::size_t chunksize = 1;
    std::vector<std::string> items;   // kept to requeue the rest of a dead worker's chunk
    std::vector<std::string> names;   // empty: defaultName()
    std::vector<std::int64_t> nominal;
    std::vector<std::string> labels;  // readable queue values (MapOptions::labels); empty: names
    std::uint32_t traceBase = 0;      // MapOptions::traceBase

    mutable std::mutex m;
    std::condition_variable cv;
    std::vector<std::string> values;  // result, or the error message
    std::vector<ItemStatus> status;
    std::vector<ErrorKind> errKind;
    std::size_t remaining = 0;
    std::deque<std::size_t> finished; // finish order (perItem only)

    std::string name(std::size_t i) const {
        if (i < names.size() && !names[i].empty()) return names[i];
        return defaultName(star, items[i]);
    }
    // Records an item's outcome once; later reports of the same item are
    // ignored (a result racing with its worker's death). Caller holds m.
    bool finish(std::size_t i, ItemStatus st, std::string value, ErrorKind k = ErrorKind::Task) {
        if (i >= status.size() || status[i] != ItemStatus::Pending) return false;
        status[i] = st;
        values[i] = std::move(value);
        errKind[i] = k;
        --remaining;
        if (perItem) finished.push_back(i);
        return true;
    }
    [[noreturn]] void raise(std::size_t i) const {
        switch (errKind[i]) {
        case ErrorKind::Died: throw PoolWorkerDied(i, name(i), values[i]);
        case ErrorKind::Terminated: throw PoolTerminated(i, name(i), values[i]);
        case ErrorKind::Task: break;
        }
        throw TaskError(i, name(i), values[i]);
    }
    void raiseFirstError() const {
        for (std::size_t i = 0; i < status.size(); ++i)
            if (status[i] == ItemStatus::Failed) raise(i);
    }
    // Waits until pred() holds or the timeout (unpaused run time) passes.
    template <class Pred> bool waitFor(std::unique_lock<std::mutex>& lk, std::optional<std::chrono::nanoseconds> timeout, Pred pred) {
        if (!timeout) { cv.wait(lk, pred); return true; }
        const std::int64_t deadline = runNow() + timeout->count();
        while (!pred()) {
            const std::int64_t left = deadline - runNow();
            if (left <= 0) return false;
            // Capped so a paused run clock (which stands still) is re-read.
            cv.wait_for(lk, std::chrono::nanoseconds(std::min<std::int64_t>(left, 20'000'000)));
        }
        return true;
    }
};

void AsyncResult::wait(std::optional<std::chrono::nanoseconds> timeout) {
    std::unique_lock lk(m_s->m);
    m_s->waitFor(lk, timeout, [&] { return m_s->remaining == 0; });
}

std::string AsyncResult::get(std::optional<std::chrono::nanoseconds> timeout) {
    if (m_s->status.size() != 1) throw std::logic_error("AsyncResult::get: this result has several items; use getAll()");
    std::unique_lock lk(m_s->m);
    if (!m_s->waitFor(lk, timeout, [&] { return m_s->remaining == 0; })) throw TimeoutError("AsyncResult::get timed out");
    if (m_s->status[0] == ItemStatus::Failed) m_s->raise(0);
    return m_s->values[0];
}

std::vector<std::string> AsyncResult::getAll(std::optional<std::chrono::nanoseconds> timeout) {
    std::unique_lock lk(m_s->m);
    if (!m_s->waitFor(lk, timeout, [&] { return m_s->remaining == 0; })) throw TimeoutError("AsyncResult::getAll timed out");
    m_s->raiseFirstError();
    return m_s->values;
}

bool AsyncResult::ready() const {
    std::lock_guard lk(m_s->m);
    return m_s->remaining == 0;
}

bool AsyncResult::successful() const {
    std::lock_guard lk(m_s->m);
    if (m_s->remaining != 0) throw std::logic_error("AsyncResult::successful: result is not ready");
    return std::none_of(m_s->status.begin(), m_s->status.end(), [](ItemStatus s) { return s == ItemStatus::Failed; });
}

std::vector<AsyncResult::Outcome> AsyncResult::outcomes() const {
    std::lock_guard lk(m_s->m);
    std::vector<Outcome> out(m_s->status.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].status = static_cast<Outcome::Status>(m_s->status[i]);
        out[i].value = m_s->values[i];
    }
    return out;
}

std::size_t AsyncResult::size() const { return m_s->status.size(); }

std::size_t AsyncResult::completed() const {
    std::lock_guard lk(m_s->m);
    return m_s->status.size() - m_s->remaining;
}

// ============================================================================
// [SECTION] pool
// ============================================================================
namespace {
using JobPtr = std::shared_ptr<AsyncResult::State>;
enum class PoolState { Run, Close, Terminate, Joined };

std::string hexAddress(const void* p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(p)));
    return buf;
}
} // namespace

struct Pool::Impl {
    int n = 0;
    PoolOptions opts;
    Queue tasks;
    Queue results;
    WorkerSlot* slots = nullptr;          // n slots in the arena
    char* held = nullptr;                 // n x kHeldBytes in the arena: each slot's held results

    mutable std::mutex workersMutex;      // workers, generation
    std::vector<Process> workers;         // slot i's current worker
    std::vector<std::uint64_t> generation;
    std::size_t replaced = 0;

    std::mutex stateMutex;                // state, jobs
    std::condition_variable jobsCv;       // a job completed (join waits)
    PoolState state = PoolState::Run;
    std::unordered_map<std::uint64_t, JobPtr> jobs;
    std::uint64_t nextJob = 1;

    // join() and terminate() may run at once on different threads (Run::stop
    // terminates the pool while its controller joins it): each holds this
    // while it stops the helper threads or ends the workers, so a thread is
    // never joined twice (undefined behaviour; in practice a join that never
    // returns) and a join finds the pool either untouched or wholly ended.
    // join() does not hold it while it waits for the workers to exit, so a
    // terminate() meanwhile (Stop while paused workers take their sentinels)
    // is never stuck behind it.
    std::mutex lifetimeMutex;
    std::thread handler;
    std::thread watcher;
    int wakeFd = -1;                      // eventfd: the watcher re-reads the workers
    std::atomic<bool> stopWatcher{false};

    // A worker killed between taking a chunk off the queue and recording it in
    // its slot (a window of a few instructions) takes the chunk with it. After
    // a death in the Idle state the handler watches for the one sign of that:
    // nothing queued, no worker busy, yet items still pending.
    bool suspectLoss = false;
    int quietChecks = 0;
    std::string lossWho;           // "ForkPoolWorker-2 (pid 1234) was killed by signal 9 (SIGKILL)"

    Impl(int processes, PoolOptions o)
        : n(processes), opts(o),
          tasks(QueueOptions{"pool tasks", std::size_t{4} << 20, 0}),
          results(QueueOptions{"pool results", std::size_t{4} << 20, 0}) {
        slots = static_cast<WorkerSlot*>(arena().allocate(sizeof(WorkerSlot) * static_cast<std::size_t>(n)));
        for (int i = 0; i < n; ++i) new (&slots[i]) WorkerSlot{};
        held = static_cast<char*>(arena().allocate(std::size_t{detail::kHeldBytes} * static_cast<std::size_t>(n)));
        wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) throw std::system_error(errno, std::generic_category(), "Pool: eventfd");
        workers.reserve(static_cast<std::size_t>(n));
        generation.assign(static_cast<std::size_t>(n), 0);
    }
    ~Impl() {
        if (wakeFd >= 0) ::close(wakeFd);
        for (int i = 0; i < n; ++i) slots[i].~WorkerSlot();
        arena().deallocate(slots);
        arena().deallocate(held);
    }

    Process makeWorker(int i) {
        new (&slots[i]) WorkerSlot{};
        slots[i].held = held + std::size_t{detail::kHeldBytes} * static_cast<std::size_t>(i);
        ProcessOptions po;
        po.recorder = opts.recorder;
        po.poolWorker = true;
        Process p(poolWorkerMain, {tasks.toArg(), results.toArg(), hexAddress(&slots[i])}, po);
        p.start();
        return p;
    }
    void wakeWatcher() {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto r = ::write(wakeFd, &one, sizeof one);
    }

    // ---- chunks --------------------------------------------------------------
    std::string chunkMessage(const AsyncResult::State& j, std::size_t b, std::size_t e) const {
        std::string s;
        chunkMessageInto(s, j, b, e);
        return s;
    }
    void chunkMessageInto(std::string& s, const AsyncResult::State& j, std::size_t b, std::size_t e) const {
        s.clear();
        std::size_t bytes = 64 + sizeof(ChunkHeader);
        for (std::size_t i = b; i < e; ++i) bytes += 16 + j.items[i].size() + (i < j.names.size() ? j.names[i].size() : 0);
        s.reserve(bytes);
        for (std::size_t i = b; i < e && s.size() < 48; ++i) {
            if (i > b) s += ", ";
            appendPreview(s, i < j.labels.size() && !j.labels[i].empty() ? std::string_view(j.labels[i])
                             : i < j.names.size() && !j.names[i].empty() ? std::string_view(j.names[i])
                             : j.star ? std::string_view("(args)") : std::string_view(j.items[i]));
        }
        s += '\0';
        ChunkHeader h{};
        h.type = MsgType::Chunk;
        h.star = j.star;
        h.apply = j.apply;
        h.count = static_cast<std::uint32_t>(e - b);
        h.begin = static_cast<std::uint32_t>(b);
        h.chunk = static_cast<std::uint32_t>(b / std::max<std::size_t>(j.chunksize, 1));
        h.traceBase = j.traceBase;
        h.fn = j.fn;
        h.job = j.id;
        appendPod(s, h);
        for (std::size_t i = b; i < e; ++i) {
            const std::uint64_t nominal = i < j.nominal.size() ? static_cast<std::uint64_t>(j.nominal[i]) : 0;
            appendPod(s, nominal);
            const std::string_view name = i < j.names.size() ? std::string_view(j.names[i]) : std::string_view();
            appendPod(s, static_cast<std::uint32_t>(name.size()));
            s += name;
            appendPod(s, static_cast<std::uint32_t>(j.items[i].size()));
            s += j.items[i];
        }
    }

    // Registers a job and puts its chunks, in input order, on the task queue.
    JobPtr submit(std::uintptr_t fn, bool star, std::vector<std::string> items, MapOptions o, bool perItem,
                  bool apply = false) {
        auto j = std::make_shared<AsyncResult::State>();
        j->star = star;
        j->apply = apply;
        j->perItem = perItem;
        j->fn = fn;
        j->items = std::move(items);
        j->names = std::move(o.names);
        j->nominal = std::move(o.nominalNs);
        j->labels = std::move(o.labels);
        j->traceBase = o.traceBase;
        const std::size_t count = j->items.size();
        j->chunksize = o.chunksize ? std::max<std::size_t>(*o.chunksize, 1) : defaultChunksize(count, n);
        j->values.resize(count);
        j->status.assign(count, ItemStatus::Pending);
        j->errKind.assign(count, ErrorKind::Task);
        j->remaining = count;
        if (count > 0xffffffffu) throw std::length_error("Pool: too many items in one call");
        {
            std::lock_guard lk(stateMutex);
            if (state != PoolState::Run) throw std::logic_error("Pool not running");
            j->id = nextJob++;
            if (count) jobs.emplace(j->id, j);
        }
        // Every chunk is encoded first, then put in a tight loop: the faster
        // the producer, the less often a worker drains the queue and sleeps,
        // which would make each following put a wake syscall.
        std::string all, msg;
        std::vector<std::size_t> ends;
        ends.reserve(count / j->chunksize + 1);
        for (std::size_t b = 0; b < count; b += j->chunksize) {
            chunkMessageInto(msg, *j, b, std::min(count, b + j->chunksize));
            all += msg;
            ends.push_back(all.size());
        }
        std::size_t from = 0;
        for (std::size_t e : ends) {
            try {
                tasks.put(std::string_view(all).substr(from, e - from));
            } catch (const QueueClosed&) {
                break;   // terminate() ran meanwhile; it fails the job's pending items
            }
            from = e;
        }
        j->submitted.store(true);
        return j;
    }

    // ---- result handler ------------------------------------------------------
    void complete(std::uint64_t jobId, std::size_t index, ItemStatus st, std::string value, ErrorKind k,
                  JobPtr& cache) {
        if (!cache || cache->id != jobId) {
            std::lock_guard lk(stateMutex);
            auto it = jobs.find(jobId);
            if (it == jobs.end()) return;   // finished (e.g. already failed by a death note)
            cache = it->second;
        }
        bool done = false;
        {
            std::lock_guard lk(cache->m);
            if (st == ItemStatus::Failed && k == ErrorKind::Task)
                value = "task '" + cache->name(index) + "' (item " + std::to_string(index) + ") raised: " + value;
            if (!cache->finish(index, st, std::move(value), k)) return;
            done = cache->remaining == 0;
        }
        if (done) {
            cache->cv.notify_all();
            std::lock_guard lk(stateMutex);
            jobs.erase(jobId);
            jobsCv.notify_all();
            cache.reset();
        } else if (cache->perItem) {
            cache->cv.notify_all();
        }
    }

    // A chunk's results (count records from item `first` on, pool_wire.hpp):
    // every item finished under one lock, then one wake-up, so the caller
    // receives the chunk's results together, as CPython's caller does.
    // Returns how many records were read.
    std::uint32_t completeRecords(std::uint64_t jobId, std::size_t first, std::uint32_t count, std::string_view s,
                                  JobPtr& cache) {
        if (!cache || cache->id != jobId) {
            std::lock_guard lk(stateMutex);
            auto it = jobs.find(jobId);
            if (it == jobs.end()) return 0;   // finished (e.g. already failed by a death note)
            cache = it->second;
        }
        std::uint32_t k = 0;
        bool done = false;
        {
            std::lock_guard lk(cache->m);
            for (; k < count; ++k) {
                std::uint32_t ok = 0;
                std::string_view payload;
                if (!detail::readPod(s, ok) || !detail::readBytes(s, payload)) break;
                const std::size_t index = first + k;
                std::string value(payload);
                if (!ok) value = "task '" + cache->name(index) + "' (item " + std::to_string(index) + ") raised: " + value;
                cache->finish(index, ok ? ItemStatus::Ok : ItemStatus::Failed, std::move(value), ErrorKind::Task);
            }
            done = cache->remaining == 0;
        }
        cache->cv.notify_all();
        if (done) {
            std::lock_guard lk(stateMutex);
            jobs.erase(jobId);
            jobsCv.notify_all();
            cache.reset();
        }
        return k;
    }

    void handlerLoop() {
        JobPtr cache;
        std::int64_t lastResult = 0;
        int backoff = 0;
        std::string msg;   // reused across results
        for (;;) {
            if (!results.empty()) {
                results.getInto(msg);
            } else if (monoNow() - lastResult < 2'000'000) {
                // Results are flowing: poll with short sleeps instead of
                // blocking, so workers' puts find no sleeper to wake (no
                // syscall per task) and results are taken in batches.
                timespec ts{0, std::min(20'000L << std::min(backoff, 5), 500'000L)};
                ++backoff;
                nanosleep(&ts, nullptr);
                continue;
            } else if (suspectLoss) {
                try {
                    results.getInto(msg, true, std::chrono::milliseconds(100));
                } catch (const QueueEmpty&) {
                    checkLost();
                    continue;
                }
            } else {
                results.getInto(msg);   // quiet: block until the next result or note
            }
            quietChecks = 0;
            backoff = 0;
            ResultHeader h{};
            if (msg.size() < sizeof h + 1) continue;   // preview, NUL, records, header (pool_wire.hpp)
            std::memcpy(&h, msg.data() + msg.size() - sizeof h, sizeof h);
            if (h.job == 0) {
                if (static_cast<Note>(h.index) == Note::Stop) return;
                if (static_cast<Note>(h.index) == Note::WorkerDied) workerDied(static_cast<int>(h.n), h.aux);
                continue;
            }
            lastResult = monoNow();
            std::string_view records(msg.data(), msg.size() - sizeof h);
            const auto nul = records.find('\0');   // the preview holds none
            if (nul == std::string_view::npos) continue;
            records.remove_prefix(nul + 1);
            completeRecords(h.job, h.index, h.n, records, cache);
        }
    }

    // The worker in slot i (generation gen) is dead and every result it put
    // has been handled: fail its task, requeue the rest of its chunk, replace it.
    void workerDied(int i, std::uint64_t gen) {
        // The worker is dead (its pidfd said so): its slot no longer changes.
        WorkerSlot& sl = slots[i];
        const SlotState st = sl.state.load(std::memory_order_acquire);
        const std::uint64_t jobId = sl.job.load(std::memory_order_relaxed);
        const std::size_t cur = sl.cur.load(std::memory_order_relaxed);
        const std::size_t end = sl.end.load(std::memory_order_relaxed);
        JobPtr j;
        if (st == SlotState::Taken || st == SlotState::Running || st == SlotState::Done) {
            std::lock_guard lk(stateMutex);
            auto it = jobs.find(jobId);
            if (it != jobs.end()) j = it->second;
        }
        std::string who;
        pid_t pid = 0;
        std::optional<int> code;
        {
            std::lock_guard lk(workersMutex);
            if (generation[static_cast<std::size_t>(i)] != gen) return;
            Process& p = workers[static_cast<std::size_t>(i)];
            // The task the worker could not end: its TaskEnd (failed), written
            // for it before join() records its exit, keeps the trace's
            // one-start-one-end rule.
            if (j && st == SlotState::Running && opts.recorder && p.proc() != 0) {
                TraceRing& r = opts.recorder->parentRing();
                r.emitAs(p.proc(), EventKind::TaskEnd, static_cast<std::int32_t>(j->traceBase + cur), r.text(j->name(cur)), 0,
                         1 | 2);
            }
            p.join();
            code = p.exitcode();
            who = p.name();
            pid = p.pid();
        }
        if (j) {
            recoverHeld(sl, st, j, who + " (pid " + std::to_string(pid) + ") " + howDied(code));
            std::size_t from = st == SlotState::Taken ? cur : cur + 1;
            if (st == SlotState::Running) {
                // The trace already says it (the failed TaskEnd above, then the
                // ProcExit): the run model turns that into the one failure line.
                const std::string msg = who + " (pid " + std::to_string(pid) + ") " + howDied(code) +
                                        " while running task '" + j->name(cur) + "'";
                JobPtr cache = j;
                complete(jobId, cur, ItemStatus::Failed, msg, ErrorKind::Died, cache);
            }
            if (from < end) {
                // Back to the front: CPython's order is kept for what is left.
                try {
                    tasks.putFront(chunkMessage(*j, from, end));
                } catch (const QueueClosed&) {
                    // terminate() is running: it fails these items.
                }
            }
        }
        if (st == SlotState::Idle) {
            suspectLoss = true;
            quietChecks = 0;
            lossWho = who + " (pid " + std::to_string(pid) + ") " + howDied(code);
        }
        bool replace;
        {
            std::lock_guard lk(stateMutex);
            replace = (state == PoolState::Run || state == PoolState::Close) && st != SlotState::Exiting;
        }
        if (!replace) return;
        try {
            Process fresh = makeWorker(i);
            std::lock_guard lk(workersMutex);
            workers[static_cast<std::size_t>(i)] = std::move(fresh);
            ++generation[static_cast<std::size_t>(i)];
            ++replaced;
        } catch (const std::exception&) {
            // The pool goes on with fewer workers; nothing else to do here.
            return;
        }
        wakeWatcher();
    }

    // A worker died in the middle of a chunk: the items it had finished are
    // [begin, cur) while it ran item cur, [begin, cur] once cur was done, and
    // their results were held for the chunk's one message. They come from
    // the slot's held copy; one that did not fit there is failed as lost
    // with the worker (CPython's Pool loses them all, and waits forever).
    void recoverHeld(const WorkerSlot& sl, SlotState st, const JobPtr& j, const std::string& whoDied) {
        const std::uint64_t jobId = sl.job.load(std::memory_order_relaxed);
        const std::size_t begin = sl.begin.load(std::memory_order_relaxed);
        const std::size_t cur = sl.cur.load(std::memory_order_relaxed);
        const std::size_t finishedEnd = st == SlotState::Running ? cur : st == SlotState::Done ? cur + 1 : begin;
        if (finishedEnd <= begin) return;
        const std::uint32_t items = sl.heldItems.load(std::memory_order_acquire);
        const std::uint32_t len = std::min(sl.heldLen.load(std::memory_order_relaxed), detail::kHeldBytes);
        JobPtr cache = j;
        const std::uint32_t want = static_cast<std::uint32_t>(std::min<std::size_t>(items, finishedEnd - begin));
        const std::uint32_t got =
            sl.held ? completeRecords(jobId, begin, want, std::string_view(sl.held, len), cache) : 0;
        for (std::size_t i = begin + got; i < finishedEnd; ++i) {
            JobPtr c = j;
            complete(jobId, i, ItemStatus::Failed,
                     whoDied + " in the middle of its chunk: task '" + j->name(i) +
                         "' had finished, but its result, held for the chunk's one message, was lost with it",
                     ErrorKind::Died, c);
        }
    }

    static std::string howDied(const std::optional<int>& code) {
        return code && *code < 0
            ? "was killed by signal " + std::to_string(-*code) + " (" + signalName(-*code) + ")"
            : "exited with code " + std::to_string(code.value_or(-1));
    }

    // See suspectLoss. Two quiet checks 100 ms apart, so a worker merely
    // passing through the window is not mistaken for a lost chunk.
    void checkLost() {
        if (!tasks.empty()) { quietChecks = 0; return; }
        for (int i = 0; i < n; ++i) {
            const SlotState st = slots[i].state.load(std::memory_order_acquire);
            if (st == SlotState::Taken || st == SlotState::Running || st == SlotState::Done) { quietChecks = 0; return; }
        }
        if (++quietChecks < 2) return;
        std::vector<JobPtr> pending;
        {
            std::lock_guard lk(stateMutex);
            for (auto& [id, j] : jobs)
                if (j->submitted.load()) pending.push_back(j);
        }
        for (auto& j : pending) {
            std::vector<std::size_t> lost;
            {
                std::lock_guard lk(j->m);
                for (std::size_t i = 0; i < j->status.size(); ++i)
                    if (j->status[i] == ItemStatus::Pending) lost.push_back(i);
            }
            JobPtr cache = j;
            for (std::size_t i : lost)
                complete(j->id, i, ItemStatus::Failed,
                         lossWho + " while taking a chunk off the task queue; task '" + j->name(i) + "' was lost with it",
                         ErrorKind::Died, cache);
        }
        suspectLoss = false;
    }

    // ---- watcher -------------------------------------------------------------
    // Every worker's death must reach the handler, or the items it held are
    // waited for forever. A pidfd says so at once; a worker that got none
    // (pidfd_open failed: EMFILE near RLIMIT_NOFILE with ~1000 workers, each
    // also holding a perf descriptor) is checked by waitid(WNOWAIT), which
    // sees an exit without reaping it, every kBlindCheckMs.
    static constexpr int kBlindCheckMs = 50;

    // The worker has exited (unreaped: its pid is still its own). Caller holds workersMutex.
    static bool exitedNoReap(pid_t pid) {
        siginfo_t si{};
        int rc;
        while ((rc = waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT)) < 0 && errno == EINTR) {}
        return rc < 0 ? errno == ECHILD : si.si_pid != 0;
    }

    void watcherLoop() {
        std::vector<std::uint64_t> reported(static_cast<std::size_t>(n), ~std::uint64_t{0});
        std::vector<std::pair<int, std::uint64_t>> dead;
        while (!stopWatcher.load()) {
            std::vector<pollfd> fds{{wakeFd, POLLIN, 0}};
            std::vector<std::pair<int, std::uint64_t>> who;
            bool blind = false;
            dead.clear();
            {
                std::lock_guard lk(workersMutex);
                for (int i = 0; i < n; ++i) {
                    auto& p = workers[static_cast<std::size_t>(i)];
                    const auto gen = generation[static_cast<std::size_t>(i)];
                    if (p.pid() == 0 || reported[static_cast<std::size_t>(i)] == gen) continue;
                    if (const int fd = p.pidfd(); fd >= 0) {
                        fds.push_back({fd, POLLIN, 0});
                        who.emplace_back(i, gen);
                    } else if (exitedNoReap(p.pid())) {
                        dead.emplace_back(i, gen);
                    } else {
                        blind = true;
                    }
                }
            }
            if (dead.empty()) {
                const int r = ::poll(fds.data(), fds.size(), blind ? kBlindCheckMs : -1);
                if (r < 0) {
                    if (errno != EINTR) ::poll(nullptr, 0, kBlindCheckMs);   // no busy loop on a persistent error
                    continue;
                }
                if (fds[0].revents) {
                    std::uint64_t v;
                    [[maybe_unused]] auto rr = ::read(wakeFd, &v, sizeof v);
                }
                for (std::size_t k = 1; k < fds.size(); ++k)
                    if (fds[k].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) dead.push_back(who[k - 1]);
            }
            if (stopWatcher.load()) return;
            for (const auto& [i, gen] : dead) {
                reported[static_cast<std::size_t>(i)] = gen;
                std::string note("worker died", 12);   // the text, its NUL, the header
                appendPod(note, ResultHeader{0, static_cast<std::uint32_t>(Note::WorkerDied),
                                             static_cast<std::uint32_t>(i), gen});
                try { results.put(note); } catch (const std::exception&) { return; }
            }
        }
    }

    void stopThreads() {
        if (watcher.joinable()) {
            stopWatcher = true;
            wakeWatcher();
            watcher.join();
        }
        if (handler.joinable()) {
            std::string note("stop", 5);   // the text, its NUL, the header
            appendPod(note, ResultHeader{0, static_cast<std::uint32_t>(Note::Stop), 0, 0});
            results.put(note);
            handler.join();
        }
    }

    // join(), once every result is in: stops the helper threads and puts one
    // sentinel per live worker. False when terminate() got there first (it
    // ends the workers itself).
    bool sendSentinels() {
        std::lock_guard life(lifetimeMutex);
        {
            std::lock_guard lk(stateMutex);
            if (state != PoolState::Close) return false;
        }
        stopThreads();
        std::lock_guard lk(workersMutex);
        // Count the live workers *before* putting any sentinel: a worker that takes
        // an early sentinel exits, and checking liveness inside the loop would then
        // skip it and leave another worker without one, blocked in get forever.
        std::size_t live = 0;
        for (auto& p : workers)
            if (p.pid() != 0 && p.isAlive()) ++live;
        // CPython puts None; the trace shows it as what it means.
        std::string sentinel = "sentinel";
        sentinel += '\0';
        ChunkHeader h{};
        h.type = MsgType::Sentinel;
        appendPod(sentinel, h);
        for (std::size_t i = 0; i < live; ++i) {
            try { tasks.put(sentinel); } catch (const QueueClosed&) { break; }
        }
        return true;
    }

    // join(): waits for every worker to exit, holding no lock while it waits
    // (on the pidfd, 20 ms at a time), so pause, Stop and terminate() can
    // reach workers that are slow to take their sentinel or stopped.
    void awaitWorkers() {
        for (std::size_t i = 0;; ) {
            int fd = -1;
            {
                std::lock_guard lk(workersMutex);
                while (i < workers.size() && (workers[i].pid() == 0 || workers[i].join(std::chrono::nanoseconds(0)))) ++i;
                if (i == workers.size()) return;
                fd = workers[i].pidfd();
            }
            // The fd may be closed (a terminate() reaped the worker) by the
            // time we poll it: at worst the poll returns early or times out.
            pollfd pfd{fd, POLLIN, 0};
            ::poll(&pfd, fd >= 0 ? 1 : 0, 20);
        }
    }

    // Fails every item still pending (terminate()).
    void failPending() {
        std::unordered_map<std::uint64_t, JobPtr> left;
        {
            std::lock_guard lk(stateMutex);
            left.swap(jobs);
        }
        for (auto& [id, j] : left) {
            {
                std::lock_guard lk(j->m);
                for (std::size_t i = 0; i < j->status.size(); ++i)
                    if (j->status[i] == ItemStatus::Pending)
                        j->finish(i, ItemStatus::Failed,
                                  "the pool was terminated before task '" + j->name(i) + "' finished",
                                  ErrorKind::Terminated);
            }
            j->cv.notify_all();
        }
        jobsCv.notify_all();
    }
};

Pool::Pool(int processes, PoolOptions opts) {
    if (processes < 1) throw std::invalid_argument("Number of processes must be at least 1");
    m_impl = std::make_unique<Impl>(processes, opts);
    try {
        for (int i = 0; i < processes; ++i) m_impl->workers.push_back(m_impl->makeWorker(i));
        m_impl->handler = std::thread([this] { m_impl->handlerLoop(); });
        m_impl->watcher = std::thread([this] { m_impl->watcherLoop(); });
    } catch (...) {
        terminate();
        throw;
    }
}

Pool::~Pool() {
    try {
        terminate();
    } catch (...) {
        // A destructor must not throw; the workers' destructors still kill and reap them.
    }
}

// ============================================================================
// [SECTION] calls
// ============================================================================
std::vector<std::string> Pool::map(PoolFn fn, const std::vector<std::string>& items, MapOptions o) {
    if (items.empty()) return {};
    auto j = m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), false, items, std::move(o), false);
    std::unique_lock lk(j->m);
    j->cv.wait(lk, [&] { return j->remaining == 0; });
    j->raiseFirstError();
    return std::move(j->values);
}

std::vector<std::string> Pool::starmap(PoolStarFn fn, const std::vector<std::vector<std::string>>& items,
                                       MapOptions o) {
    if (items.empty()) return {};
    std::vector<std::string> enc;
    enc.reserve(items.size());
    for (const auto& a : items) enc.push_back(encodeArgs(a));
    auto j = m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), true, std::move(enc), std::move(o), false);
    std::unique_lock lk(j->m);
    j->cv.wait(lk, [&] { return j->remaining == 0; });
    j->raiseFirstError();
    return std::move(j->values);
}

void Pool::imap(PoolFn fn, const std::vector<std::string>& items,
                const std::function<bool(std::size_t, std::string)>& onResult, MapOptions o) {
    if (items.empty()) return;
    if (!o.chunksize) o.chunksize = 1;   // CPython: imap(func, iterable, chunksize=1)
    auto j = m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), false, items, std::move(o), true);
    std::vector<std::pair<std::size_t, std::string>> batch;
    for (std::size_t next = 0; next < items.size();) {
        {
            std::unique_lock lk(j->m);
            j->cv.wait(lk, [&] { return j->status[next] != ItemStatus::Pending; });
            // Everything ready in input order, up to the first failure.
            while (next < items.size() && j->status[next] == ItemStatus::Ok)
                batch.emplace_back(next, std::move(j->values[next])), ++next;
            if (batch.empty() && next < items.size() && j->status[next] == ItemStatus::Failed) j->raise(next);
        }
        for (auto& [i, v] : batch)
            if (!onResult(i, std::move(v))) return;
        batch.clear();
    }
}

void Pool::imap_unordered(PoolFn fn, const std::vector<std::string>& items,
                          const std::function<bool(std::size_t, std::string)>& onResult, MapOptions o) {
    if (items.empty()) return;
    if (!o.chunksize) o.chunksize = 1;   // CPython: imap_unordered(func, iterable, chunksize=1)
    auto j = m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), false, items, std::move(o), true);
    std::vector<std::size_t> batch;
    for (std::size_t got = 0; got < items.size();) {
        {
            std::unique_lock lk(j->m);
            j->cv.wait(lk, [&] { return !j->finished.empty(); });
            batch.assign(j->finished.begin(), j->finished.end());
            j->finished.clear();
        }
        for (std::size_t i : batch) {
            ++got;
            std::string v;
            {
                std::lock_guard lk(j->m);
                if (j->status[i] == ItemStatus::Failed) j->raise(i);
                v = std::move(j->values[i]);
            }
            if (!onResult(i, std::move(v))) return;
        }
    }
}

AsyncResult Pool::apply_async(PoolFn fn, std::string item, std::string name) {
    MapOptions o;
    if (!name.empty()) o.names.push_back(std::move(name));
    return apply_async(fn, std::move(item), std::move(o));
}

AsyncResult Pool::apply_async(PoolFn fn, std::string item, MapOptions o) {
    o.chunksize = 1;
    std::vector<std::string> items;
    items.push_back(std::move(item));
    return AsyncResult(
        m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), false, std::move(items), std::move(o), false, true));
}

AsyncResult Pool::map_async(PoolFn fn, std::vector<std::string> items, MapOptions o) {
    return AsyncResult(m_impl->submit(reinterpret_cast<std::uintptr_t>(fn), false, std::move(items), std::move(o), false));
}

// ============================================================================
// [SECTION] lifetime
// ============================================================================
void Pool::close() {
    std::lock_guard lk(m_impl->stateMutex);
    if (m_impl->state == PoolState::Run) m_impl->state = PoolState::Close;
}

void Pool::join() {
    Impl& im = *m_impl;
    {
        std::unique_lock lk(im.stateMutex);
        if (im.state == PoolState::Run) throw std::logic_error("Pool is still running (call close() or terminate() first)");
        if (im.state == PoolState::Joined) return;
        // Every outstanding result first; dead workers are still replaced meanwhile.
        im.jobsCv.wait(lk, [&] { return im.jobs.empty() || im.state != PoolState::Close; });
    }
    if (im.sendSentinels()) im.awaitWorkers();
    // A terminate() on another thread may still be ending the workers: it
    // holds lifetimeMutex until they are reaped and the state is Joined.
    std::lock_guard life(im.lifetimeMutex);
    std::lock_guard lk(im.stateMutex);
    im.state = PoolState::Joined;
}

void Pool::terminate() {
    Impl& im = *m_impl;
    std::lock_guard life(im.lifetimeMutex);
    {
        std::lock_guard lk(im.stateMutex);
        if (im.state == PoolState::Joined && !im.handler.joinable()) return;
        im.state = PoolState::Terminate;
    }
    im.jobsCv.notify_all();
    im.tasks.close();   // a caller blocked putting chunks gives up
    im.stopThreads();
    {
        std::lock_guard lk(im.workersMutex);
        for (auto& p : im.workers)
            if (p.pid() != 0 && p.isAlive()) p.kill();
        for (auto& p : im.workers)
            if (p.pid() != 0) p.join();
    }
    im.failPending();
    std::lock_guard lk(im.stateMutex);
    im.state = PoolState::Joined;
}

int Pool::processes() const noexcept { return m_impl->n; }
const Queue& Pool::taskQueue() const noexcept { return m_impl->tasks; }

std::vector<pid_t> Pool::workerPids() const {
    std::lock_guard lk(m_impl->workersMutex);
    std::vector<pid_t> out;
    // Unreaped ones only (a reaped pid may be someone else's by now); a
    // worker that got no pidfd (descriptors exhausted) is still listed.
    for (auto& p : m_impl->workers)
        if (p.pid() != 0 && (p.pidfd() >= 0 || !Impl::exitedNoReap(p.pid()))) out.push_back(p.pid());
    return out;
}

std::vector<std::string> Pool::workerNames() const {
    std::lock_guard lk(m_impl->workersMutex);
    std::vector<std::string> out;
    for (auto& p : m_impl->workers) out.push_back(p.name());
    return out;
}

std::size_t Pool::replacements() const {
    std::lock_guard lk(m_impl->workersMutex);
    return m_impl->replaced;
}

} // namespace parviz
