#pragma once
// The Trace: the single source of truth of a run.
//
// Append-only and time-sorted. One writer (the Collector thread, or a loader)
// appends; any number of readers on other threads read concurrently without
// locks: appends never move existing elements (fixed-size chunks), and size()
// is published with release semantics, so a reader that takes n = size() sees
// a consistent, time-sorted prefix [0, n) that never changes afterwards.
//
// Small metadata (process names, shared objects' names, core source) changes
// rarely; it is copied out under a mutex with meta().
#include "parviz/event.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <type_traits>
#include <functional>
#include <stdexcept>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

namespace detail {
// Storage for AppendOnlyArray chunks. Chunks of 2 MiB or more are mapped 2 MiB
// aligned and asked to be backed by transparent huge pages: the Collector then
// takes one page fault per chunk instead of one per 4 KiB (~130 events).
void* allocChunk(std::size_t bytes);
void freeChunk(void* p, std::size_t bytes) noexcept;
// Bytes of given-back chunks kept for reuse (at most 256 MiB).
std::size_t spareChunkBytes() noexcept;
} // namespace detail

// A growable array whose elements never move. One writer, many readers.
template <class T, std::size_t ChunkBits = 16>
class AppendOnlyArray {
public:
    static constexpr std::size_t kChunk = std::size_t{1} << ChunkBits;
    static constexpr std::size_t kMaxChunks = 1u << 15;   // 2^31 elements at ChunkBits 16

    AppendOnlyArray() : m_chunks(new std::atomic<T*>[kMaxChunks]) {
        for (std::size_t i = 0; i < kMaxChunks; ++i) m_chunks[i].store(nullptr, std::memory_order_relaxed);
    }
    ~AppendOnlyArray() {
        for (std::size_t i = 0; i < kMaxChunks; ++i) {
            T* c = m_chunks[i].load(std::memory_order_relaxed);
            if (!c) continue;
            std::destroy_n(c, kChunk);
            detail::freeChunk(c, kChunk * sizeof(T));
        }
    }
    AppendOnlyArray(const AppendOnlyArray&) = delete;
    AppendOnlyArray& operator=(const AppendOnlyArray&) = delete;

    // Writer only. Returns the new element's index.
    std::size_t push(T v) {
        std::size_t n = m_size.load(std::memory_order_relaxed);
        std::size_t c = n >> ChunkBits;
        if (c >= kMaxChunks) throw std::length_error("parviz: trace is full");
        T* chunk = m_chunks[c].load(std::memory_order_relaxed);
        if (!chunk) {
            chunk = static_cast<T*>(detail::allocChunk(kChunk * sizeof(T)));
            std::uninitialized_default_construct_n(chunk, kChunk);   // no writes for trivial T
            m_chunks[c].store(chunk, std::memory_order_release);
        }
        chunk[n & (kChunk - 1)] = std::move(v);
        m_size.store(n + 1, std::memory_order_release);
        return n;
    }
    // Writer only: room to write elements in place, past size(): returns the
    // first free slot and sets `room` to how many follow contiguously (>= 1).
    // Nothing is visible to readers until publish(k).
    T* freeSpace(std::size_t& room) {
        const std::size_t at = m_size.load(std::memory_order_relaxed);
        const std::size_t c = at >> ChunkBits;
        if (c >= kMaxChunks) throw std::length_error("parviz: trace is full");
        T* chunk = m_chunks[c].load(std::memory_order_relaxed);
        if (!chunk) {
            chunk = static_cast<T*>(detail::allocChunk(kChunk * sizeof(T)));
            std::uninitialized_default_construct_n(chunk, kChunk);
            m_chunks[c].store(chunk, std::memory_order_release);
        }
        const std::size_t off = at & (kChunk - 1);
        room = kChunk - off;
        return chunk + off;
    }
    // Writer only: the next k elements written through freeSpace() are done.
    void publish(std::size_t k) noexcept {
        m_size.store(m_size.load(std::memory_order_relaxed) + k, std::memory_order_release);
    }
    // Any thread: elements [0, size()) are complete and immutable.
    std::size_t size() const noexcept { return m_size.load(std::memory_order_acquire); }
    const T& operator[](std::size_t i) const noexcept {
        return m_chunks[i >> ChunkBits].load(std::memory_order_acquire)[i & (kChunk - 1)];
    }

private:
    std::unique_ptr<std::atomic<T*>[]> m_chunks;
    std::atomic<std::size_t> m_size{0};
};

enum class ProcRole : std::uint8_t { Parent, Process, PoolWorker, ForkServer };
enum class CoreSource : std::uint8_t { None, PerfSwitch, Sampling, Loaded };
const char* toString(CoreSource s) noexcept;
const char* toString(ProcRole r) noexcept;

// TraceMeta::work of a traced Python program (`parviz trace`).
inline constexpr const char* kTracedProgramWork = "python";
// The queue a traced Pool's workers hand their results back on (worker put,
// MainProcess's result handler get); its stop signal (None) is the handler's own.
inline constexpr const char* kPoolResultsQueue = "pool results";
// A traced Pool's task queue; a traced ProcessPoolExecutor's call queue (its
// workers take each call and their stop signal, None, from it) and result
// queue (each result, and a worker's pid as it exits on that None).
inline constexpr const char* kPoolTasksQueue = "pool tasks";
inline constexpr const char* kExecutorCallsQueue = "executor calls";
inline constexpr const char* kExecutorResultsQueue = "executor results";

struct ProcInfo {
    std::string name;     // "MainProcess", "Process-1", "ForkPoolWorker-2"
    ProcRole role = ProcRole::Process;
};

// The kinds of shared object a run names. A new primitive adds its kind at
// the end, its word in toString(ObjectKind) and objectKindFrom() (saved runs
// store the word), and the event kinds that refer to it in
// objectKindOf(EventKind).
// Event, Condition and Barrier: saved-run format 9 (a traced program's).
enum class ObjectKind : std::uint8_t { Queue, Lock, Event, Condition, Barrier };
inline constexpr std::size_t kObjectKinds = 5;
const char* toString(ObjectKind k) noexcept;                  // "queue", "lock", "event", "condition", "barrier"
bool objectKindFrom(std::string_view word, ObjectKind& out) noexcept;   // false: not a kind's word
// Which kind of object an event's `obj` field names; false when it names none
// or when the kind is in the event itself (SyncWait, SyncWake, SyncSignal:
// syncObjectKind).
bool objectKindOf(EventKind e, ObjectKind& out) noexcept;
// The object kind a Sync* event names in its `a`; false when a is no kind.
bool syncObjectKind(const Event& e, ObjectKind& out) noexcept;

struct ObjectInfo {       // one shared object of the run: a queue, a lock, ...
    ObjectKind kind = ObjectKind::Queue;
    std::int32_t id = 0;  // unique among the objects of its kind, not across kinds; need not be dense
    std::string name;     // "tasks_to_accomplish", "pool tasks", "lock"
    std::int64_t size = 0;   // Lock: a Semaphore's initial value, how many may hold it at once
                             // (may be 0: a Semaphore(0) used for signalling); Barrier: its
                             // parties; 0 otherwise. Format 9.
    bool semaphore = false;  // Lock: it is a Semaphore (it counts and has no owner; a release
                             // by a process holding none is a signal). Format 10; format 9
                             // files: size > 0.
};

struct TraceMeta {
    std::string scenario;            // scenario name or file
    std::string title;
    std::string work;                // "sleep", "cpu" or "mixed"; kTracedProgramWork for a traced
                                     // Python program (parviz trace), whose tasks have no nominal length
    int workers = 0;                 // pool size or process count
    double timeScale = 1.0;
    int totalCores = 0;              // cpu_count()
    int usableCores = 0;             // len(sched_getaffinity(0))
    CoreSource coreSource = CoreSource::None;
    std::vector<ProcInfo> procs;     // indexed by ProcId
    std::vector<ObjectInfo> objects; // the shared objects of every kind, in creation order
    bool finished = false;           // the run ended and everything was collected
    bool loaded = false;             // read back from a saved run (trace_io.hpp), not recorded now
    bool incomplete = false;         // the run was interrupted (Ctrl-C, SIGTERM, SIGHUP): the trace
                                     // holds what was recorded until then

    // The shared objects of one kind, in creation order.
    std::vector<ObjectInfo> objectsOf(ObjectKind k) const;
    std::size_t countOf(ObjectKind k) const noexcept;
    const ObjectInfo* findObject(ObjectKind k, std::int32_t id) const noexcept;   // nullptr: unknown
    // Its name; "queue 3" when it is unknown or unnamed.
    std::string objectName(ObjectKind k, std::int32_t id) const;
};

class Trace {
public:
    Trace() = default;
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;

    // ---- writer (one thread: append and addString) ----------------------------
    // Events must come in non-decreasing t; an out-of-order event is clamped to
    // the last time and counted in clampedEvents() (misuse is data, not a crash).
    void append(const Event& e);
    // In place (the Collector's merge writes straight into the Trace): space
    // for up to `room` events in non-decreasing t, then commitAppend(k) for the
    // first k written — they get the same clamping as append() and become
    // visible together.
    Event* appendSpace(std::size_t& room) { return m_events.freeSpace(room); }
    void commitAppend(std::size_t k) noexcept;
    std::uint64_t addString(std::string_view s);     // returns a string id
    // Metadata: any thread (mutex inside).
    ProcId addProcess(ProcInfo p);
    void addObject(ObjectInfo o);     // a queue, a lock, ... (TraceMeta::objects)
    void updateMeta(const std::function<void(TraceMeta&)>& f);

    // ---- readers (any thread) -------------------------------------------------
    std::size_t size() const noexcept { return m_events.size(); }
    const Event& operator[](std::size_t i) const noexcept { return m_events[i]; }
    std::string_view string(std::uint64_t id) const noexcept;   // "" for kNoString / unknown
    TraceMeta meta() const;
    std::uint64_t clampedEvents() const noexcept { return m_clamped.load(std::memory_order_relaxed); }

    // Time of RunStart (the run's zero), or of the first event, or 0.
    std::int64_t zero() const noexcept;
    // First index in [0, n) whose t >= t (binary search).
    std::size_t lowerBound(std::int64_t t, std::size_t n) const noexcept;
    std::size_t lowerBound(std::int64_t t) const noexcept { return lowerBound(t, size()); }

private:
    AppendOnlyArray<Event> m_events;
    // Strings: their bytes are copied once into append-only byte chunks that
    // never move or change (writer-only bookkeeping below); m_strings holds a
    // view per id (dense ids 0, 1, 2, ...), published like the events.
    AppendOnlyArray<std::string_view, 12> m_strings;
    struct ChunkFree {
        std::size_t bytes;
        void operator()(char* p) const noexcept { detail::freeChunk(p, bytes); }
    };
    std::vector<std::unique_ptr<char[], ChunkFree>> m_textChunks;
    char* m_textPos = nullptr;
    std::size_t m_textLeft = 0;
    mutable std::mutex m_metaMutex;
    TraceMeta m_meta;
    std::int64_t m_lastT = INT64_MIN;
    std::atomic<std::int64_t> m_zero{0};
    std::atomic<bool> m_hasZero{false};
    std::atomic<std::uint64_t> m_clamped{0};
};

} // namespace parviz
