#pragma once
// Writer side of the trace: one TraceRing per process, in the shared arena.
//
// The owning process writes Events with emit(): one clock read, a few stores,
// no allocation, lock (except the parent's multi-writer flag), or formatting.
// A full ring drops the event and counts it (lost()); it never blocks.
// Text (printed lines, item previews) goes into the ring's text side buffer and
// is referenced from the Event by a text ref; the Collector turns refs into
// Trace string ids.
#include "parviz/event.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parviz {

inline constexpr std::size_t kMaxPreview = 64;      // bytes of an item value kept in the trace
inline constexpr std::size_t kMaxPrintLine = 1024;  // bytes of a printed line kept in the trace

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
    // Copies up to `limit` bytes of s into the text buffer; returns a text ref
    // to store in an Event field the kind documents as "string id".
    std::uint64_t text(std::string_view s, std::size_t limit = kMaxPreview) noexcept;

    // --- reader (the Collector, in the parent) ----------------------------
    // Appends every event published so far to out and returns how many.
    std::size_t drain(std::vector<Event>& out) noexcept;
    // The text behind a ref, or "<lost text>" when it was overwritten.
    std::string readText(std::uint64_t ref) const;
    // Same into `out` (reusing its capacity: no allocation once it is big enough).
    void readTextInto(std::uint64_t ref, std::string& out) const;
    std::uint64_t lost() const noexcept;     // events dropped because the ring was full
    // True while the writer is between its clock read and publishing the event;
    // the Collector must not move its watermark past this ring then.
    bool writing() const noexcept;

    std::size_t capacity() const noexcept { return m_mask + 1; }
    std::size_t textCapacity() const noexcept { return m_textMask + 1; }

private:
    TraceRing() = default;
    void lockWriter() noexcept;
    void unlockWriter() noexcept;
    void mapHere() noexcept;   // first write of a prefaulted ring, in the writing process


    // Read-mostly, set once by create(). The pointers are arena addresses,
    // valid in every process of the program.
    ProcId m_proc = 0;
    bool m_multiWriter = false;
    bool m_mapOnFirstWrite = false;   // prefaulted: the writer maps every page at its first write
    std::uint64_t m_mask = 0;
    std::uint64_t m_textMask = 0;
    Event* m_events = nullptr;
    char* m_text = nullptr;
    // Writer's cache line: the reader only loads from it.
    alignas(64) std::atomic<std::uint64_t> m_head{0};
    std::atomic<std::uint32_t> m_writing{0};
    std::atomic<std::uint32_t> m_spin{0};
    std::atomic<std::uint64_t> m_lost{0};
    std::atomic<std::uint64_t> m_textHead{0};
    std::uint64_t m_cachedTail = 0;            // writer's last view of m_tail
    // Reader's cache line.
    alignas(64) std::atomic<std::uint64_t> m_tail{0};
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
