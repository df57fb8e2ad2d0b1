#pragma once
// Writer side of the trace: one TraceRing per process, in the shared arena.
//
// The owning process writes Events with emit(): one clock read, a few stores,
// no allocation, lock (except the parent's multi-writer flag), or formatting.
// Text (printed lines, item previews) goes into the ring's text side buffer and
// is referenced from the Event by a text ref; the Collector turns refs into
// Trace string ids.
//
// Back-pressure policy: a writer never drops silently. When the event ring or
// the text buffer is full, the writer waits for the Collector to drain it
// (yielding, then sleeping in short steps), and the time it waited is counted
// as tracing overhead (waitedNs(), waits()), which the Collector records in
// the Trace (EventKind::WriterWait) and the summary shows. Only when no
// Collector reads the ring (setReader(false): before a Recorder adopts it,
// after it finished), the thread may not wait (the Recorder's own locked
// emits: NoWriterWait), or a wait passes kMaxWriterWaitNs, the
// event is dropped and counted (lost()) or the text overwritten, which the
// Collector sees and counts as lost text: every loss is counted and reported.
#include "parviz/event.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

inline constexpr std::size_t kMaxPreview = 64;      // bytes of an item value kept in the trace
// Ring wire format only (the Collector turns every text ref into a Trace
// string id): a text of up to kMaxInlineText bytes travels inside the text
// ref itself instead of through the ring's text buffer. Its top byte is
// kInlineTextTag | length, the bytes below it the text, first byte lowest.
// No buffer ref reaches that range (a buffer ref is a byte offset, far below
// 2^63) and kNoString's top byte is 0xff, so the three never collide. A short
// value, line or name (an int, a word) then costs no text-buffer write, no
// room check and no read-back: in bench_queue (items "m0".."m999999") the
// buffer filled every ~2 ms and the producer waited 5-40 times a run.
inline constexpr std::uint64_t kInlineTextTag = 0x80;
inline constexpr std::size_t kMaxInlineText = 7;
// True when `ref` carries its text itself (see kInlineTextTag).
inline constexpr bool isInlineTextRef(std::uint64_t ref) noexcept { return (ref >> 59) == (kInlineTextTag >> 3); }
// Packs s (at most kMaxInlineText bytes; longer is cut) as an inline text ref.
inline std::uint64_t packInlineText(std::string_view s) noexcept {
    const std::size_t n = std::min(s.size(), kMaxInlineText);
    std::uint64_t v = (kInlineTextTag | n) << 56;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{static_cast<unsigned char>(s[i])} << (8 * i);
    return v;
}
// The text packed by packInlineText, written into `out`.
inline void unpackInlineText(std::uint64_t v, std::string& out) {
    const std::size_t n = std::min<std::size_t>((v >> 56) & 0x7, kMaxInlineText);
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline constexpr std::size_t kMaxPrintLine = 1024;  // bytes of a printed line kept in the trace
// The longest a writer waits for room before it drops (a Collector that
// stalls this long is itself the fault; the loss is then counted).
inline constexpr std::int64_t kMaxWriterWaitNs = 10'000'000'000;

// The word the Collector sleeps on between passes. A writer that finds its
// ring (events or text) full rings it, so the drain that makes room starts at
// once instead of at the next timed pass (up to RecorderOptions::
// collectIntervalMs later: Pool(2).map over trivial tasks spent ~40 % of its
// traced time waiting so). A futex word in the shared arena: any process of
// the program may ring it; only the Collector waits on it.
struct DrainBell {
    std::atomic<std::uint32_t> rings{0};
    void ring() noexcept;   // bumps the word and wakes the Collector (one FUTEX_WAKE)
    // Sleeps until the word differs from `seen` (a ring since it was read) or
    // `timeoutNs` passed; returns at once if it already differs.
    void waitFor(std::uint32_t seen, std::int64_t timeoutNs) noexcept;
};

// What a process's traced thread is blocked on, for the Run's deadlock check
// (run.cpp). Lives in the process's TraceRing (shared memory), written only by
// that thread: Queue marks an untimed blocking put/get when it first sleeps and
// clears the mark inside its lock before it commits, the Run marks its joins.
// `seq` changes at every mark and clear, so a reader that sees the same seq
// twice knows the process did not complete the operation in between.
struct WaitRecord {
    enum Kind : std::uint32_t { None = 0, QueuePut, QueueGet, Join };
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::uint32_t> kind{None};
    std::atomic<std::int32_t> target{0};        // Join: the index of the joined process (Run's own)
    std::atomic<const void*> object{nullptr};   // QueuePut/QueueGet: the queue's shared state
    std::atomic<std::uint64_t> bytes{0};        // QueuePut: bytes the record needs

    void mark(Kind k, const void* obj, std::uint64_t need, std::int32_t tgt = 0) noexcept {
        object.store(obj, std::memory_order_relaxed);
        bytes.store(need, std::memory_order_relaxed);
        target.store(tgt, std::memory_order_relaxed);
        kind.store(k, std::memory_order_relaxed);
        seq.fetch_add(1, std::memory_order_seq_cst);
    }
    void clear() noexcept {
        if (kind.load(std::memory_order_relaxed) == None) return;
        kind.store(None, std::memory_order_relaxed);
        seq.fetch_add(1, std::memory_order_seq_cst);
    }
};

// The WaitRecord this thread reports into (nullptr: none). A worker's main
// thread reports into its ring's; in the parent only the Run's controller
// (MainProcess) does, not the pool's helper threads.
WaitRecord* currentWaitRecord() noexcept;
void setCurrentWaitRecord(WaitRecord* w) noexcept;

class TraceRing {
public:
    // Allocates a ring in the arena. `multiWriter` makes emit() take a tiny
    // spinlock: only the parent, which has several threads, needs it.
    // `prefault` gives every page its memory now and has the writing process
    // map them all into its own page tables at its first write (a worker's
    // page tables start empty), so the writer never faults on its hot path
    // (benchmarks); it costs ~1 ms per MiB at creation.
    static TraceRing* create(ProcId proc, std::size_t eventCapacity = 1u << 15,
                             std::size_t textBytes = 1u << 18, bool multiWriter = false,
                             bool prefault = false);
    static void destroy(TraceRing* r) noexcept;

    ProcId proc() const noexcept;

    // --- writer (the owning process) -------------------------------------
    void emit(EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
              std::uint8_t flags = 0) noexcept;
    // Same, recorded as done by process `who` (the parent writing ProcStart,
    // ProcExit, ProcStopped about a worker).
    void emitAs(ProcId who, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0,
                std::uint64_t b = 0, std::uint8_t flags = 0) noexcept;
    // Same with a caller-supplied time (e.g. the parent recording OS data).
    void emitAt(std::int64_t t, EventKind k, std::int32_t obj = 0, std::uint64_t a = 0,
                std::uint64_t b = 0, std::uint8_t flags = 0) noexcept;
    // Copies up to `limit` bytes of s (cut on a UTF-8 boundary) into the text
    // buffer, or into the ref itself when they are kMaxInlineText or fewer;
    // returns the text ref to store in an Event field the kind documents as
    // "string id" (readText gives the text back either way).
    std::uint64_t text(std::string_view s, std::size_t limit = kMaxPreview) noexcept;

    // --- reader (the Collector, in the parent) ----------------------------
    // Appends every event published so far to out and returns how many.
    std::size_t drain(std::vector<Event>& out) noexcept;
    // The text behind a ref, or "<lost text>" when it was overwritten.
    std::string readText(std::uint64_t ref) const;
    // Same into `out` (reusing its capacity: no allocation once it is big
    // enough); false when the text was lost (out is then "<lost text>").
    bool readTextInto(std::uint64_t ref, std::string& out) const;
    std::uint64_t lost() const noexcept;     // events dropped because the ring stayed full
    // The reader has consumed every text record that ends at or before `end`:
    // writers may reuse that space (the Collector calls it after a drain).
    void consumedText(std::uint64_t end) noexcept;
    // Whether a Collector drains this ring (set by the Recorder; false for a
    // new ring): only then do writers wait for room instead of dropping.
    void setReader(bool present) noexcept;
    bool hasReader() const noexcept;
    // The Collector's bell, rung by a writer about to wait for room (nullptr:
    // none; the writer then waits for the next timed pass). An arena address;
    // set before the ring's writer starts, and outlives it (Recorder).
    void setDrainBell(DrainBell* bell) noexcept { m_bell = bell; }
    std::uint64_t waitedNs() const noexcept;  // total time writers waited for room
    std::uint64_t waits() const noexcept;     // how many times a writer waited
    // True while the writer is between its clock read and publishing the event;
    // the Collector must not move its watermark past this ring then.
    bool writing() const noexcept;

    WaitRecord& waitRecord() noexcept { return m_wait; }

    std::size_t capacity() const noexcept { return m_mask + 1; }
    std::size_t textCapacity() const noexcept { return m_textMask + 1; }

private:
    TraceRing() = default;
    void lockWriter() noexcept;
    void unlockWriter() noexcept;
    void mapHere() noexcept;   // first write of a prefaulted ring, in the writing process
    // Waits (holding no lock) until `room()` or the wait must end; counts the wait.
    template <class Room>
    void waitForRoom(Room room) noexcept;
    bool roomForEvent() noexcept;
    // The high-water bell, for events and text alike (tracer.cpp).
    void ringIfPastHalf(std::uint64_t before, std::uint64_t after, const std::atomic<std::uint64_t>& tail,
                        std::uint64_t capacity) noexcept;


    // Read-mostly, set once by create(). The pointers are arena addresses,
    // valid in every process of the program.
    ProcId m_proc = 0;
    bool m_multiWriter = false;
    bool m_mapOnFirstWrite = false;   // prefaulted: the writer maps every page at its first write
    std::uint64_t m_mask = 0;
    std::uint64_t m_textMask = 0;
    Event* m_events = nullptr;
    char* m_text = nullptr;
    DrainBell* m_bell = nullptr;
    // Writer's cache line: the reader only loads from it.
    alignas(64) std::atomic<std::uint64_t> m_head{0};
    std::atomic<std::uint32_t> m_writing{0};
    std::atomic<std::uint32_t> m_spin{0};
    std::atomic<std::uint64_t> m_lost{0};
    std::atomic<std::uint64_t> m_textHead{0};
    std::uint64_t m_cachedTail = 0;            // writer's last view of m_tail
    // Reader's cache line.
    alignas(64) std::atomic<std::uint64_t> m_tail{0};
    std::atomic<std::uint64_t> m_textTail{0};  // text before it is consumed (writers may reuse it)
    std::atomic<bool> m_hasReader{false};
    // Back-pressure accounting (written only when a writer waits).
    alignas(64) std::atomic<std::uint64_t> m_waitedNs{0};
    std::atomic<std::uint64_t> m_waits{0};
    alignas(64) WaitRecord m_wait;
};

// While alive, this thread's emits never wait for the Collector (a full ring
// drops and counts instead): for code that holds a lock the Collector needs.
class NoWriterWait {
public:
    NoWriterWait() noexcept;
    ~NoWriterWait();
    NoWriterWait(const NoWriterWait&) = delete;
    NoWriterWait& operator=(const NoWriterWait&) = delete;

private:
    bool m_prev;
};

// The ring this process writes to (nullptr: tracing off, emit is a no-op).
TraceRing* currentRing() noexcept;
void setCurrentRing(TraceRing* r) noexcept;
inline ProcId currentProc() noexcept { auto* r = currentRing(); return r ? r->proc() : kParentProc; }

// Convenience used by Queue, Lock, work and tasks: write to currentRing() if any.
inline void traceEmit(EventKind k, std::int32_t obj = 0, std::uint64_t a = 0, std::uint64_t b = 0,
                      std::uint8_t flags = 0) noexcept {
    if (auto* r = currentRing()) r->emit(k, obj, a, b, flags);
}
inline std::uint64_t traceText(std::string_view s, std::size_t limit = kMaxPreview) noexcept {
    auto* r = currentRing();
    return r ? r->text(s, limit) : kNoString;
}
inline void traceState(WorkerState s) noexcept { traceEmit(EventKind::State, static_cast<std::int32_t>(s)); }

} // namespace parviz
