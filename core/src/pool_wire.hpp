#pragma once
// Pool internals shared by the parent (pool.cpp) and the worker loop
// (pool_worker.cpp); not installed.
//
// [SECTION] wire format    chunk, sentinel and result messages
// [SECTION] worker slot    what a worker publishes in the arena for the parent
// [SECTION] worker entry   the function every ForkPoolWorker-N runs
#include "parviz/tracer.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace parviz::detail {

// ============================================================================
// [SECTION] wire format
// ============================================================================
// Every message starts with readable text up to a NUL, so the trace's preview
// (readableValue() stops at the NUL) shows what the message means — task
// names and arguments, the result, "sentinel" — not binary. Then a fixed header.
//   chunk:    labels\0 ChunkHeader { per item: u64 nominal, u32 nameLen, name, u32 len, item }
//   sentinel: "sentinel"\0 ChunkHeader{type = Sentinel}
//   result:   preview\0 { per item: u32 ok, u32 len, payload } ResultHeader
//             one message per chunk, as CPython's worker puts (job, i, result)
//             once for a whole chunk (mapstar); the preview is the items'
//             payloads joined by ", " (at most 48 bytes, no NUL), the header a
//             trailer: {job, index = the chunk's first item, n = its items}
//   note:     "worker died"|"stop"\0 ResultHeader{job = 0}   (for the result handler)
enum class MsgType : std::uint8_t { Chunk = 1, Sentinel = 2 };

struct ChunkHeader {
    MsgType type;
    std::uint8_t star;     // items are encoded argument lists (starmap)
    std::uint8_t apply;    // apply_async's one task: no chunk of a call, so no TaskChunk in the trace
    std::uint8_t pad;
    std::uint32_t count;
    std::uint32_t begin;   // index of the first item in the call
    std::uint32_t chunk;   // chunk number in the call (a requeued tail keeps its chunk's number)
    std::uint32_t traceBase;   // added to item indices and the chunk number in the trace (MapOptions::traceBase)
    std::uint64_t fn;      // PoolFn or PoolStarFn: the same address in every process
    std::uint64_t job;
};

enum class Note : std::uint32_t { Stop = 1, WorkerDied = 2 };
struct ResultHeader {
    std::uint64_t job;     // 0: a note (index = Note, n = slot, aux = generation)
    std::uint32_t index;   // a result: the first item's index in the call
    std::uint32_t n;       // a result: how many items' records it holds
    std::uint64_t aux;
};


template <class T> void appendPod(std::string& s, const T& v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <class T> bool readPod(std::string_view& s, T& v) {
    if (s.size() < sizeof(T)) return false;
    std::memcpy(&v, s.data(), sizeof(T));
    s.remove_prefix(sizeof(T));
    return true;
}
inline bool readBytes(std::string_view& s, std::string_view& out) {
    std::uint32_t n = 0;
    if (!readPod(s, n) || s.size() < n) return false;
    out = s.substr(0, n);
    s.remove_prefix(n);
    return true;
}

// One item's record in a result message (and in a slot's held results).
inline void appendResultRecord(std::string& s, bool ok, std::string_view payload) {
    appendPod(s, static_cast<std::uint32_t>(ok ? 1 : 0));
    appendPod(s, static_cast<std::uint32_t>(payload.size()));
    s += payload;
}

// starmap's item: u32 count, then u32 length + bytes per argument.
inline std::string encodeArgs(const std::vector<std::string>& args) {
    std::string s;
    appendPod(s, static_cast<std::uint32_t>(args.size()));
    for (const auto& a : args) {
        appendPod(s, static_cast<std::uint32_t>(a.size()));
        s += a;
    }
    return s;
}
inline std::vector<std::string> decodeArgs(std::string_view s) {
    std::vector<std::string> out;
    std::uint32_t n = 0;
    if (!readPod(s, n)) return out;
    out.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        std::string_view a;
        if (!readBytes(s, a)) break;
        out.emplace_back(a);
    }
    return out;
}

// The name of an item when the caller gave none: its preview (CPython shows
// the repr of the item); starmap's arguments joined by ", ".
inline std::string defaultName(bool star, std::string_view item) {
    std::string n;
    if (!star) {
        n.assign(item.substr(0, kMaxPreview));
    } else {
        for (const auto& a : decodeArgs(item)) {
            if (!n.empty()) n += ", ";
            n += a;
            if (n.size() >= kMaxPreview) break;
        }
        n = "(" + n.substr(0, kMaxPreview) + ")";
    }
    return n;
}

// Readable prefix up to the first NUL (the prefix itself never holds one).
inline void appendPreview(std::string& s, std::string_view text) {
    constexpr std::size_t kMax = 48;
    for (char c : text.substr(0, kMax)) {
        if (c == '\0') break;
        s += c;
    }
}

// ============================================================================
// [SECTION] worker slot
// ============================================================================
// Each worker owns one slot in the arena; the parent reads it when the worker
// dies, to know which item failed and which items of the chunk to requeue.
enum class SlotState : std::uint32_t {
    Idle = 0,      // no chunk: waiting for one, or taking one off the queue
    Taken,         // chunk taken, items [cur, end) not started
    Running,       // item cur runs; [begin, cur) done, their results held; [cur + 1, end) not started
    Done,          // items [begin, cur] done, their results held; [cur + 1, end) not started
    Exiting,       // took a sentinel
};
// A chunk's results go back in one message when its last item is done (as
// CPython's). Until then the worker also copies each finished item's record
// into `held` (a prefix of them, as many as fit in heldCap bytes), so a
// worker killed mid-chunk does not take its finished items' results with it:
// the parent reads them from here (CPython's Pool loses them, and hangs).
inline constexpr std::uint32_t kHeldBytes = 4096;
struct alignas(64) WorkerSlot {
    std::atomic<std::uint64_t> job{0};
    std::atomic<std::uint32_t> begin{0};
    std::atomic<std::uint32_t> end{0};
    std::atomic<std::uint32_t> cur{0};
    std::atomic<SlotState> state{SlotState::Idle};
    std::atomic<std::uint32_t> heldLen{0};   // bytes of records in held, published after each item
    std::atomic<std::uint32_t> heldItems{0}; // records in held: items begin .. begin + heldItems - 1
    char* held = nullptr;                    // kHeldBytes in the arena, set by the parent
};

// ============================================================================
// [SECTION] worker entry
// ============================================================================
// args: the task queue, the result queue (Queue::toArg()) and the hex address
// of the worker's WorkerSlot. Defined in pool_worker.cpp.
int poolWorkerMain(std::span<const std::string> args);

} // namespace parviz::detail
