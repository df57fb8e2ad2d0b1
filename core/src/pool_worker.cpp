// Pool worker: the loop every ForkPoolWorker-N runs (the parent side is pool.cpp).
//
// [SECTION] results        putting a task's result on the result queue
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
void putResult(Queue& results, std::string& msg, std::uint64_t job, std::uint32_t index, bool ok,
               std::string_view payload) {
    msg.assign(payload);
    msg += '\0';   // the trace's preview of the result stops here (pool_wire.hpp)
    appendPod(msg, ResultHeader{job, index, ok ? 1u : 0u, 0});
    try {
        results.put(msg);
    } catch (const std::length_error& e) {
        // A result too big for the queue fails its task instead of the worker.
        std::string err = "result too large for the pool's result queue: ";
        err += e.what();
        err += '\0';
        appendPod(err, ResultHeader{job, index, 0u, 0});
        results.put(err);
    }
}

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
    std::string resultMsg;  // same for results
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
            putResult(results, resultMsg, h.job, index, ok, out);
            slot->state.store(SlotState::Done, std::memory_order_release);
        }
        slot->state.store(SlotState::Idle, std::memory_order_release);
    }
}

} // namespace parviz::detail
