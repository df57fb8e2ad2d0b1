#pragma once
// Queue: a FIFO of byte strings shared by processes, Python's
// multiprocessing.Queue with C++ shapes. Its state lives in the shared arena
// behind a robust process-shared mutex, so:
// - a put() is visible to every consumer as soon as it returns (no feeder
//   thread, unlike CPython: see REFERENCE.md);
// - a process killed inside put()/get() never corrupts it or leaves it locked.
//
// Capacity is in bytes of item storage (default 1 MiB): put blocks while the
// item does not fit. Each item takes its size rounded up to 8 plus 16 bytes.
// The largest item is a quarter of the capacity (maxItemBytes(), 256 KiB by
// default); a bigger one is rejected with std::length_error naming the sizes.
// Timeouts count unpaused run time; a negative one is std::invalid_argument.
//
// Handles are cheap copies; the state lives until the creating Queue (owner)
// is destroyed. Pass a queue to a worker as a string with toArg()/fromArg().
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace parviz {

struct QueueEmpty : std::runtime_error { QueueEmpty() : std::runtime_error("queue.Empty") {} };
struct QueueFull : std::runtime_error { QueueFull() : std::runtime_error("queue.Full") {} };
struct QueueClosed : std::runtime_error { QueueClosed() : std::runtime_error("Queue is closed") {} };

struct QueueOptions {
    std::string name = "queue";                        // shown in the trace and the window
    std::size_t capacityBytes = std::size_t{1} << 20;  // item storage
    std::size_t maxItems = 0;                          // 0 = bounded by bytes only (Python maxsize)
};

// Bytes of capacity one item of `itemBytes` takes (its size rounded up to 8,
// plus a 16-byte header).
constexpr std::size_t queueRecordBytes(std::size_t itemBytes) noexcept { return 16 + ((itemBytes + 7) & ~std::size_t{7}); }

class Queue {
public:
    using Timeout = std::optional<std::chrono::nanoseconds>;
    explicit Queue(QueueOptions opts = {});   // creates the shared state (owner); registers with the active Recorder
    ~Queue();                                 // owner frees the state
    Queue(const Queue& o);                    // non-owning handle to the same queue
    Queue(Queue&& o) noexcept;
    // Copy-and-swap: assigning a copy gives a non-owning handle, assigning a
    // moved-from owner takes over the state; what this handle had is released.
    Queue& operator=(Queue o) noexcept {
        std::swap(m_s, o.m_s);
        std::swap(m_owner, o.m_owner);
        return *this;
    }

    void put(std::string_view item, bool block = true, Timeout timeout = std::nullopt);
    std::string get(bool block = true, Timeout timeout = std::nullopt);
    // get() into the caller's string, reusing its capacity (no allocation on a hot loop).
    void getInto(std::string& out, bool block = true, Timeout timeout = std::nullopt);
    void put_nowait(std::string_view item) { put(item, false); }
    std::string get_nowait() { return get(false); }
    // Puts at the head (used by Pool to requeue the rest of a dead worker's chunk).
    void putFront(std::string_view item);

    bool empty() const;                 // a snapshot
    std::size_t qsize() const;          // a snapshot
    void close();                       // no more puts; gets drain, then throw QueueClosed
    bool closed() const;

    std::int32_t id() const noexcept;   // the queue id used in trace events
    std::size_t maxItemBytes() const noexcept;

    std::string toArg() const;          // a handle that fromArg() turns back into a Queue in a worker
    static Queue fromArg(std::string_view arg);

private:
    struct Shared;
    struct Adopt {};
    Queue(Adopt, Shared* s) noexcept : m_s(s), m_owner(false) {}
    void putImpl(std::string_view item, bool block, Timeout timeout, bool front);
    Shared* m_s = nullptr;
    bool m_owner = false;
};

} // namespace parviz
