// Pool worker: the loop every ForkPoolWorker-N runs (the parent side is pool.cpp).
//
// [SECTION] results        putting a chunk's results on the result queue
// [SECTION] worker         take a chunk, run its items, record progress in the slot
#include "pool_wire.hpp"

#include "parviz/clock.hpp"
#include "parviz/pool.hpp"
#include "parviz/queue.hpp"
#include "parviz/tracer.hpp"

#include <exception>
#include <sched.h>
#include <stdexcept>

namespace parviz::detail {

namespace {

// ============================================================================
// [SECTION] results
// ============================================================================
// One item's result as a message of its own (a chunk's message too big for
// the queue falls back to this); a result too big for the queue fails its
// task instead of the worker.
void putOneResult(Queue& results, std::string& msg, std::uint64_t job, std::uint32_t index, bool ok,
                  std::string_view payload) {
    msg.clear();
    appendPreview(msg, payload);
    msg += '\0';
    appendResultRecord(msg, ok, payload);
    appendPod(msg, ResultHeader{job, index, 1u, 0});
    try {
        results.put(msg);
    } catch (const std::length_error& e) {
        std::string err = "result too large for the pool's result queue: ";
        err += e.what();
        msg.clear();
        msg += '\0';
        appendResultRecord(msg, false, err);
        appendPod(msg, ResultHeader{job, index, 1u, 0});
        results.put(msg);
    }
}

// A chunk's results, gathered while its items run: the records (pool_wire.hpp)
// and the preview of the payloads. put() sends them as one message.
struct ChunkResults {
    std::string records, preview, msg;
    std::uint32_t count = 0;
    bool heldFull = false;   // a record did not fit the slot's held copy: stop copying

    void begin(WorkerSlot* slot) {
        records.clear();
        preview.clear();
        count = 0;
        heldFull = false;
        slot->heldLen.store(0, std::memory_order_relaxed);
        slot->heldItems.store(0, std::memory_order_release);
    }
    // Adds an item's result and copies its record to the slot's held results while they fit.
    void add(WorkerSlot* slot, bool ok, std::string_view payload) {
        const std::size_t from = records.size();
        appendResultRecord(records, ok, payload);
        if (preview.size() < 48) {
            if (count) preview += ", ";
            appendPreview(preview, payload);
        }
        ++count;
        const std::size_t len = records.size() - from;
        const std::uint32_t at = slot->heldLen.load(std::memory_order_relaxed);
        if (!heldFull && slot->held && at + len <= kHeldBytes) {
            std::memcpy(slot->held + at, records.data() + from, len);
            slot->heldLen.store(at + static_cast<std::uint32_t>(len), std::memory_order_relaxed);
            slot->heldItems.store(count, std::memory_order_release);
        } else {
            heldFull = true;
        }
    }
    // One message for the chunk, as CPython's worker puts (job, i, result) once
    // per chunk; one per item if the chunk's is too big for the queue.
    void put(Queue& results, std::uint64_t job, std::uint32_t first) {
        msg.assign(preview.substr(0, 48));
        msg += '\0';   // the trace's preview of the message stops here
        msg += records;
        appendPod(msg, ResultHeader{job, first, count, 0});
        try {
            results.put(msg);
            return;
        } catch (const std::length_error&) {
        }
        std::string_view s = records;
        for (std::uint32_t k = 0; k < count; ++k) {
            std::uint32_t ok = 0;
            std::string_view payload;
            if (!readPod(s, ok) || !readBytes(s, payload)) return;
            putOneResult(results, msg, job, first + k, ok != 0, payload);
        }
    }
};

} // namespace

// ============================================================================
// [SECTION] worker
// ============================================================================
int poolWorkerMain(std::span<const std::string> args) {
    Queue tasks = Queue::fromArg(args[0]);
    Queue results = Queue::fromArg(args[1]);
    auto* slot = reinterpret_cast<WorkerSlot*>(std::stoull(args[2], nullptr, 16));
    const bool tracing = currentRing() != nullptr;
    std::string msg;        // reused: no allocation per chunk once it has grown
    ChunkResults done;      // same for results
    for (;;) {
        // While the parent is still putting chunks, a worker that finds the
        // queue empty yields its core to it for a moment instead of going to
        // sleep in get(): a sleeping worker turns every later put into a wake
        // syscall, and on a machine with as many workers as cores the
        // producer is the bottleneck. Bounded, then get() waits as usual.
        if (tasks.empty()) {
            const std::int64_t until = monoNow() + 200'000;
            while (tasks.empty() && monoNow() < until) sched_yield();
        }
        try {
            tasks.getInto(msg);
        } catch (const QueueClosed&) {
            return 0;
        }
        std::string_view s = msg;
        const auto nul = s.find('\0');
        if (nul == std::string_view::npos) return 3;   // not ours: cannot happen
        s.remove_prefix(nul + 1);
        ChunkHeader h{};
        if (!readPod(s, h)) return 3;
        if (h.type == MsgType::Sentinel) {
            slot->state.store(SlotState::Exiting, std::memory_order_release);
            return 0;
        }
        slot->job.store(h.job, std::memory_order_relaxed);
        slot->begin.store(h.begin, std::memory_order_relaxed);
        slot->end.store(h.begin + h.count, std::memory_order_relaxed);
        slot->cur.store(h.begin, std::memory_order_relaxed);
        done.begin(slot);
        slot->state.store(SlotState::Taken, std::memory_order_release);
        // apply_async's task is a call of its own, not a chunk of one: no bracket, no "chunk 0".
        if (tracing && !h.apply)
            traceEmit(EventKind::TaskChunk, static_cast<std::int32_t>(h.traceBase + h.chunk), h.traceBase + h.begin,
                      h.count);
        for (std::uint32_t k = 0; k < h.count; ++k) {
            const std::uint32_t index = h.begin + k;
            std::uint64_t nominal = 0;
            std::string_view name, item;
            if (!readPod(s, nominal) || !readBytes(s, name) || !readBytes(s, item)) return 3;
            slot->cur.store(index, std::memory_order_relaxed);
            slot->state.store(SlotState::Running, std::memory_order_release);
            std::uint64_t nameRef = kNoString;
            if (tracing) {
                nameRef = !name.empty() ? traceText(name)
                          : h.star ? traceText(defaultName(true, item)) : traceText(item.substr(0, kMaxPreview));
                traceEmit(EventKind::TaskStart, static_cast<std::int32_t>(h.traceBase + index), nameRef, nominal);
            }
            std::string out;
            bool ok = true;
            try {
                if (h.star) out = reinterpret_cast<PoolStarFn>(h.fn)(decodeArgs(item));
                else out = reinterpret_cast<PoolFn>(h.fn)(item);
            } catch (const std::exception& e) {
                ok = false;
                out = e.what();
            } catch (...) {
                ok = false;
                out = "unknown exception";
            }
            // The name again, not nameRef: the Collector may have let the
            // text buffer reuse TaskStart's copy once it read it.
            if (tracing) {
                nameRef = !name.empty() ? traceText(name)
                          : h.star ? traceText(defaultName(true, item)) : traceText(item.substr(0, kMaxPreview));
                traceEmit(EventKind::TaskEnd, static_cast<std::int32_t>(h.traceBase + index), nameRef, 0, ok ? 0 : 1);
            }
            done.add(slot, ok, out);
            slot->state.store(SlotState::Done, std::memory_order_release);
        }
        done.put(results, h.job, h.begin);
        slot->state.store(SlotState::Idle, std::memory_order_release);
    }
}

} // namespace parviz::detail
