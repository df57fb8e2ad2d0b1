// Queue: a byte ring in the shared arena behind a robust process-shared mutex.
//
// [SECTION] layout      records, wrap markers, the state kept consistent
// [SECTION] locking     robust mutex with a short spin, repair after a death
// [SECTION] waiting     futex sequence words, woken only when someone sleeps
// [SECTION] Queue       the public API
#include "parviz/queue.hpp"

#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/recorder.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"
#include "worker_state.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <linux/futex.h>
#include <optional>
#include <system_error>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace parviz {

// [SECTION] layout ------------------------------------------------------------------
// The ring holds records at 8-aligned positions: [u32 len][u32 0][u64 item id]
// [len bytes, padded to 8]. A record never wraps: when one does not fit before
// the end of the buffer, a skip marker [kSkip][u32 skip bytes] jumps over the
// rest. putFront uses the same marker to jump from the start of a lap to the
// old head. `head` and `tail` are byte positions that only grow (putFront makes
// head shrink, never below tail - capacity), reduced modulo the capacity.
//
// Every mutation writes its bytes first and commits with a single store of
// head or tail, so a process killed at any instant leaves a valid ring; only
// `count` can then be off by one, and the next locker recounts it.
namespace {

constexpr std::uint32_t kSkip = 0xFFFFFFFFu;
constexpr std::uint64_t kMagic = 0x70617276697a5155ull;   // "parvizQU"
constexpr std::size_t kHeader = 16;
constexpr int kSpinLock = 2000;        // ~ a few µs of spinning before sleeping on the mutex
constexpr int kSpinWait = 4000;        // ~ 10-40 µs before sleeping on an empty/full queue

std::size_t round8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

inline void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

long futexWait(std::atomic<std::uint32_t>* w, std::uint32_t seen, std::optional<std::int64_t> monoDeadline) noexcept {
    timespec ts{};
    if (monoDeadline) ts = timespec{static_cast<time_t>(*monoDeadline / 1'000'000'000),
                                    static_cast<long>(*monoDeadline % 1'000'000'000)};
    // Not FUTEX_PRIVATE: the word is in memory shared by processes.
    return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(w), FUTEX_WAIT_BITSET, seen,
                   monoDeadline ? &ts : nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
}

void futexWake(std::atomic<std::uint32_t>* w, int n) noexcept {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(w), FUTEX_WAKE, n, nullptr, nullptr, 0);
}

} // namespace

namespace detail {

struct alignas(64) QueueState {
    // Hot: touched by every put and get (under the mutex unless noted).
    pthread_mutex_t mutex;
    std::atomic<std::uint64_t> head{0};
    std::atomic<std::uint64_t> tail{0};
    std::atomic<std::uint64_t> count{0};      // read without the lock by empty()/qsize() and spinners
    std::atomic<std::uint32_t> notEmptySeq{0};  // futex words: bumped when a waiter must look again
    std::atomic<std::uint32_t> notFullSeq{0};
    std::atomic<std::uint32_t> notEmptyWaiters{0};  // sleepers (a killed sleeper leaves it too high:
    std::atomic<std::uint32_t> notFullWaiters{0};   // that only costs wake syscalls, never a lost wake)
    std::atomic<bool> closed{false};
    // Cold.
    alignas(64) std::uint64_t magic = kMagic;
    std::uint64_t capacity = 0;
    std::uint64_t maxItems = 0;
    std::int32_t id = 0;
    // `capacity` bytes right after the struct, in the same arena block (the
    // arena has one address in every process, so a pointer is fine here).
    unsigned char* ring = nullptr;

    unsigned char* at(std::uint64_t pos) noexcept { return ring + pos % capacity; }

    // Recounts the items after a process died holding the mutex.
    void repair() noexcept {
        std::uint64_t n = 0;
        for (std::uint64_t p = head.load(std::memory_order_relaxed), t = tail.load(std::memory_order_relaxed); p < t;) {
            std::uint32_t len;
            std::memcpy(&len, at(p), 4);
            if (len == kSkip) {
                std::uint32_t skip;
                std::memcpy(&skip, at(p) + 4, 4);
                p += skip;
            } else {
                p += kHeader + round8(len);
                ++n;
            }
        }
        count.store(n, std::memory_order_relaxed);
    }
};

} // namespace detail

struct Queue::Shared : detail::QueueState {};

// [SECTION] locking -------------------------------------------------------------------
namespace {

// Holds the queue's mutex for a scope. Spins briefly first: put and get hold
// it for tens of ns, and sleeping in the kernel would make every unlock a
// wake syscall.
class QueueGuard {
public:
    explicit QueueGuard(detail::QueueState* s) : m_s(s) { lock(); }
    ~QueueGuard() { if (m_locked) pthread_mutex_unlock(&m_s->mutex); }
    QueueGuard(const QueueGuard&) = delete;
    QueueGuard& operator=(const QueueGuard&) = delete;
    void unlock() noexcept { pthread_mutex_unlock(&m_s->mutex); m_locked = false; }
    void lock() {
        int r = EBUSY;
        for (int i = 0; i < kSpinLock; ++i) {
            // Read-only spin on glibc's lock word, then one CAS attempt.
            if (__atomic_load_n(&m_s->mutex.__data.__lock, __ATOMIC_RELAXED) == 0) {
                r = pthread_mutex_trylock(&m_s->mutex);
                if (r != EBUSY) break;
            }
            cpuRelax();
        }
        if (r == EBUSY) r = pthread_mutex_lock(&m_s->mutex);
        if (r == EOWNERDEAD) {
            m_s->repair();
            pthread_mutex_consistent(&m_s->mutex);
        } else if (r != 0) {
            throw std::system_error(r, std::generic_category(), "queue mutex");
        }
        m_locked = true;
    }

private:
    detail::QueueState* m_s;
    bool m_locked = false;
};

} // namespace

// [SECTION] waiting -------------------------------------------------------------------
namespace {

using detail::QueueState;

std::optional<std::int64_t> runDeadlineOf(bool block, const Queue::Timeout& timeout) {
    if (!block || !timeout) return std::nullopt;
    if (timeout->count() < 0) throw std::invalid_argument("'timeout' must be a non-negative number");
    return runNow() + timeout->count();
}

bool expired(const std::optional<std::int64_t>& runDeadline) noexcept {
    return runDeadline && runNow() >= *runDeadline;
}

// Waits (guard released meanwhile) until `ready()` may have become true, the
// queue was closed, or the deadline passed; returns with the guard held. First
// spins without the lock, because the other side usually answers within
// microseconds and a sleeping waiter would make its every call a wake syscall;
// only then sleeps on the futex, showing WaitQueue on the lane.
template <class Ready>
void waitFor(QueueState* s, QueueGuard& g, std::atomic<std::uint32_t>& seq, std::atomic<std::uint32_t>& waiters,
             const std::optional<std::int64_t>& runDeadline, std::optional<detail::ScopedWorkerState>& st,
             Ready ready) {
    g.unlock();
    for (int i = 0; i < kSpinWait; ++i) {
        if (ready() || s->closed.load(std::memory_order_relaxed)) break;
        if ((i & 63) == 63 && expired(runDeadline)) break;
        cpuRelax();
    }
    g.lock();
    if (ready() || s->closed.load(std::memory_order_relaxed) || expired(runDeadline)) return;
    const std::uint32_t seen = seq.load(std::memory_order_relaxed);
    waiters.fetch_add(1, std::memory_order_relaxed);
    g.unlock();
    if (!st) st.emplace(WorkerState::WaitQueue);
    futexWait(&seq, seen, runDeadline ? std::optional(detail::monoDeadlineFor(*runDeadline)) : std::nullopt);
    g.lock();
    waiters.fetch_sub(1, std::memory_order_relaxed);
}

// Called with the lock held after a change the other side waits for: bumps the
// sequence only when somebody sleeps, so the common case costs no syscall.
bool markWake(std::atomic<std::uint32_t>& seq, std::atomic<std::uint32_t>& waiters) noexcept {
    if (waiters.load(std::memory_order_relaxed) == 0) return false;
    seq.fetch_add(1, std::memory_order_relaxed);
    return true;
}

// Whether a record of `rec` bytes fits now at the back (or the front), counting
// the skip marker it needs when it cannot be contiguous. Exact: waiters use it
// too, so an approximation could leave a putter asleep with room available.
bool splitAtFront(std::uint64_t head, std::uint64_t rec, std::uint64_t cap) noexcept {
    const std::uint64_t hpos = head % cap;
    return hpos != 0 && hpos < rec;
}
std::uint64_t need(const QueueState* s, std::uint64_t rec, bool front) noexcept {
    const std::uint64_t cap = s->capacity;
    if (front) {
        const std::uint64_t head = s->head.load(std::memory_order_relaxed);
        return splitAtFront(head, rec, cap) ? head % cap + rec : rec;
    }
    const std::uint64_t contiguous = cap - s->tail.load(std::memory_order_relaxed) % cap;
    return rec <= contiguous ? rec : contiguous + rec;
}
bool fits(const QueueState* s, std::uint64_t rec, bool front) noexcept {
    if (s->maxItems != 0 && s->count.load(std::memory_order_relaxed) >= s->maxItems) return false;
    const std::uint64_t used = s->tail.load(std::memory_order_relaxed) - s->head.load(std::memory_order_relaxed);
    return used + need(s, rec, front) <= s->capacity;
}

void writeU32(unsigned char* p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }
std::uint32_t readU32(const unsigned char* p) noexcept { std::uint32_t v; std::memcpy(&v, p, 4); return v; }

void emitAt(std::int64_t t, EventKind k, std::int32_t obj, std::uint64_t a, std::uint64_t b) noexcept {
    if (auto* r = currentRing()) r->emitAt(t, k, obj, a, b);
}

std::string_view preview(std::string_view v) noexcept { return v.substr(0, std::min(v.size(), kMaxPreview)); }

} // namespace

// [SECTION] Queue ---------------------------------------------------------------------
Queue::Queue(QueueOptions opts) {
    const std::uint64_t cap = std::max<std::uint64_t>(256, round8(opts.capacityBytes));
    void* mem = arena().allocate(sizeof(QueueState) + cap);
    auto* s = new (mem) Shared();
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    const int r = pthread_mutex_init(&s->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (r != 0) {
        arena().deallocate(mem);
        throw std::system_error(r, std::generic_category(), "queue mutex init");
    }
    s->capacity = cap;
    s->ring = static_cast<unsigned char*>(mem) + sizeof(QueueState);
    s->maxItems = opts.maxItems;
    s->id = detail::nextObjectId();
    // Positions start far from zero so putFront can move head backwards.
    s->head.store(cap << 20, std::memory_order_relaxed);
    s->tail.store(cap << 20, std::memory_order_relaxed);
    m_s = s;
    m_owner = true;
    if (auto* rec = Recorder::active()) rec->trace().addQueue(ObjectInfo{s->id, std::move(opts.name)});
}

Queue::~Queue() {
    if (m_owner && m_s) {
        m_s->magic = 0;
        pthread_mutex_destroy(&m_s->mutex);
        m_s->~Shared();
        arena().deallocate(m_s);
    }
}

Queue::Queue(const Queue& o) : m_s(o.m_s), m_owner(false) {}
Queue& Queue::operator=(const Queue& o) {
    if (this != &o) {
        Queue tmp(std::move(*this));
        m_s = o.m_s;
        m_owner = false;
    }
    return *this;
}
Queue::Queue(Queue&& o) noexcept : m_s(o.m_s), m_owner(o.m_owner) { o.m_s = nullptr; o.m_owner = false; }
Queue& Queue::operator=(Queue&& o) noexcept {
    if (this != &o) {
        Queue tmp(std::move(*this));
        m_s = o.m_s;
        m_owner = o.m_owner;
        o.m_s = nullptr;
        o.m_owner = false;
    }
    return *this;
}

std::size_t Queue::maxItemBytes() const noexcept { return m_s->capacity / 4; }
std::int32_t Queue::id() const noexcept { return m_s->id; }

void Queue::putImpl(std::string_view item, bool block, Timeout timeout, bool front) {
    Shared* s = m_s;
    if (item.size() > maxItemBytes())
        throw std::length_error("Queue item of " + std::to_string(item.size()) + " bytes exceeds the largest item of " +
                                std::to_string(maxItemBytes()) + " bytes (a quarter of the queue's " +
                                std::to_string(s->capacity) + "-byte capacity)");
    const auto runDeadline = runDeadlineOf(block, timeout);
    const std::uint64_t rec = kHeader + round8(item.size());
    const std::uint64_t cap = s->capacity;
    // Taken before the item becomes visible, so its QueuePut is always earlier
    // than the QueueGet of whoever takes it.
    std::int64_t t = monoNow();
    std::optional<detail::ScopedWorkerState> st;
    std::uint64_t itemId = 0;
    bool wake = false;
    {
        QueueGuard g(s);
        for (;;) {
            if (s->closed.load(std::memory_order_relaxed)) throw QueueClosed();
            if (fits(s, rec, front)) {
                std::uint64_t at;
                if (!front) {
                    at = s->tail.load(std::memory_order_relaxed);
                    const std::uint64_t contiguous = cap - at % cap;
                    if (rec > contiguous) {
                        writeU32(s->at(at), kSkip);
                        writeU32(s->at(at) + 4, static_cast<std::uint32_t>(contiguous));
                        at += contiguous;
                    }
                } else {
                    at = s->head.load(std::memory_order_relaxed);
                    if (splitAtFront(at, rec, cap)) {
                        const std::uint64_t hpos = at % cap;
                        at -= hpos;   // the start of the lap: a marker there skips to the old head
                        writeU32(s->at(at), kSkip);
                        writeU32(s->at(at) + 4, static_cast<std::uint32_t>(hpos));
                    }
                    at -= rec;
                }
                itemId = detail::nextItemId();
                unsigned char* p = s->at(at);
                writeU32(p, static_cast<std::uint32_t>(item.size()));
                writeU32(p + 4, 0);
                std::memcpy(p + 8, &itemId, 8);
                std::memcpy(p + kHeader, item.data(), item.size());
                if (!front) s->tail.store(at + rec, std::memory_order_release);   // the commit
                else s->head.store(at, std::memory_order_release);               // the commit
                break;
            }
            if (!block || expired(runDeadline)) {
                g.unlock();
                traceEmit(EventKind::QueueFull, s->id);
                throw QueueFull();
            }
            waitFor(s, g, s->notFullSeq, s->notFullWaiters, runDeadline, st,
                    [s, rec, front] { return fits(s, rec, front); });
            t = monoNow();
        }
        s->count.store(s->count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        wake = markWake(s->notEmptySeq, s->notEmptyWaiters);
    }
    if (wake) futexWake(&s->notEmptySeq, 1);
    st.reset();
    emitAt(t, EventKind::QueuePut, s->id, itemId, traceText(preview(item)));
}

void Queue::put(std::string_view item, bool block, Timeout timeout) { putImpl(item, block, timeout, false); }
void Queue::putFront(std::string_view item) { putImpl(item, true, std::nullopt, true); }

void Queue::getInto(std::string& out, bool block, Timeout timeout) {
    Shared* s = m_s;
    const auto runDeadline = runDeadlineOf(block, timeout);
    std::optional<detail::ScopedWorkerState> st;
    std::uint64_t itemId = 0;
    bool wake = false;
    {
        QueueGuard g(s);
        for (;;) {
            if (s->count.load(std::memory_order_relaxed) > 0) {
                std::uint64_t h = s->head.load(std::memory_order_relaxed);
                std::uint32_t len;
                while ((len = readU32(s->at(h))) == kSkip) h += readU32(s->at(h) + 4);
                const unsigned char* p = s->at(h);
                std::memcpy(&itemId, p + 8, 8);
                out.assign(reinterpret_cast<const char*>(p + kHeader), len);
                s->head.store(h + kHeader + round8(len), std::memory_order_release);   // the commit
                s->count.store(s->count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
                wake = markWake(s->notFullSeq, s->notFullWaiters);
                break;
            }
            if (s->closed.load(std::memory_order_relaxed)) throw QueueClosed();
            if (!block || expired(runDeadline)) {
                g.unlock();
                traceEmit(EventKind::QueueEmpty, s->id);
                throw QueueEmpty();
            }
            waitFor(s, g, s->notEmptySeq, s->notEmptyWaiters, runDeadline, st,
                    [s] { return s->count.load(std::memory_order_relaxed) > 0; });
        }
    }
    // Every sleeping putter looks again: items differ in size, so freeing room
    // for one says nothing about which of them now fits.
    if (wake) futexWake(&s->notFullSeq, INT_MAX);
    st.reset();
    traceEmit(EventKind::QueueGet, s->id, itemId, traceText(preview(out)));
}

std::string Queue::get(bool block, Timeout timeout) {
    std::string out;
    getInto(out, block, timeout);
    return out;
}

// Snapshots read the count without the lock, unless a process died holding it:
// then the count may be off by one until someone locks and repairs it, so we do.
static void repairIfOwnerDied(detail::QueueState* s) {
    if (__atomic_load_n(&s->mutex.__data.__lock, __ATOMIC_RELAXED) & FUTEX_OWNER_DIED) QueueGuard g(s);
}
bool Queue::empty() const {
    repairIfOwnerDied(m_s);
    return m_s->count.load(std::memory_order_relaxed) == 0;
}
std::size_t Queue::qsize() const {
    repairIfOwnerDied(m_s);
    return m_s->count.load(std::memory_order_relaxed);
}
bool Queue::closed() const { return m_s->closed.load(std::memory_order_relaxed); }

void Queue::close() {
    {
        QueueGuard g(m_s);
        if (m_s->closed.load(std::memory_order_relaxed)) return;
        m_s->closed.store(true, std::memory_order_relaxed);
        m_s->notEmptySeq.fetch_add(1, std::memory_order_relaxed);
        m_s->notFullSeq.fetch_add(1, std::memory_order_relaxed);
    }
    futexWake(&m_s->notEmptySeq, INT_MAX);
    futexWake(&m_s->notFullSeq, INT_MAX);
    traceEmit(EventKind::QueueClose, m_s->id);
}

std::string Queue::toArg() const {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, reinterpret_cast<std::uintptr_t>(m_s), 16);
    return "queue:" + std::string(buf, r.ptr);
}

Queue Queue::fromArg(std::string_view arg) {
    constexpr std::string_view prefix = "queue:";
    std::uintptr_t v = 0;
    if (arg.substr(0, prefix.size()) == prefix) {
        auto body = arg.substr(prefix.size());
        auto r = std::from_chars(body.data(), body.data() + body.size(), v, 16);
        if (r.ec != std::errc{} || r.ptr != body.data() + body.size()) v = 0;
    }
    auto* s = reinterpret_cast<Shared*>(v);
    if (!s || !arena().contains(s) || s->magic != kMagic)
        throw std::invalid_argument("not a live queue handle: '" + std::string(arg) + "'");
    Queue q(Adopt{}, s);
    return q;
}

} // namespace parviz
