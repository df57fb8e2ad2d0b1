// Queue: a byte ring in the shared arena with two robust process-shared
// mutexes, one for the putting end and one for the getting end (a two-lock
// queue): producers serialise among themselves and consumers among
// themselves, but a put and a get never wait for each other, and with one
// producer and one consumer neither lock ever leaves its core.
//
// [SECTION] layout      records, wrap markers, who owns which cache line
// [SECTION] locking     robust mutexes (robust_mutex.hpp) with a short spin, repair after a death
// [SECTION] waiting     futex sequence words, woken only when someone sleeps
// [SECTION] Queue       the public API
#include "parviz/queue.hpp"
#include "handle_arg.hpp"

#include "parviz/arena.hpp"
#include "parviz/clock.hpp"
#include "parviz/recorder.hpp"
#include "parviz/robust_mutex.hpp"
#include "parviz/trace.hpp"
#include "parviz/tracer.hpp"
#include "worker_state.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <ctime>
#include <linux/futex.h>
#include <optional>
#include <sched.h>
#include <system_error>
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
// Ownership. Puts hold putMutex and move `tail`; gets hold getMutex and move
// `head`; putFront and close hold both (put first, then get: the only order
// anybody takes two). Each end keeps a cached copy of the other end's position
// and only reloads it when the ring looks full (producer) or empty (consumer),
// so with items flowing a put and a get share nothing but the item bytes and
// one published word each.
//
// Invariant: head <= consumer's cached tail <= tail, and after every get the
// head is moved past skip markers, so head == tail exactly when no record is
// left. The item count is nPut - nGot (mod 2^64; putFront counts as -1 got).
//
// Death. Every mutation writes its bytes first and commits with a single store
// of tail (put) or head (get, putFront). The counter that goes with it is
// stored right after, with a two-word redo log written before the commit, so a
// process killed at any instant leaves a valid ring, and the next locker (who
// gets EOWNERDEAD) finishes or forgets the half-done update from the log.
namespace {

constexpr std::uint32_t kSkip = 0xFFFFFFFFu;
constexpr std::uint64_t kMagic = 0x70617276697a5155ull;   // "parvizQU"
constexpr std::size_t kHeader = 16;
// A few µs of spinning before sleeping on a mutex, looking at the lock word
// after every pause: put and get hold it for tens of ns.
constexpr SpinPolicy kSpinLock{2000, 1, 1, 0};
constexpr int kSpinWait = 2000;        // pause-spins (with backoff) before yielding on an empty/full queue
constexpr int kYieldWait = 20;         // sched_yield rounds before sleeping (an oversubscribed machine)
// A sleeper re-checks at least this often: a waiter SIGKILLed right after a
// wake-up was meant for it cannot strand an item behind another sleeper
// (a microseconds' window; nobody else can tell: a parent may be joining the
// stranded one). Each re-check is a real moment on a core, drawn on the
// waiter's lane: at 100 ms an idle worker's "waits for queue" band carried a
// row of on-core ticks (ten a second) that CPython's worker, blocked in a
// pipe read, never shows (newcomer walk, session 29). One a second keeps the
// net and leaves the lane quiet.
constexpr std::int64_t kMaxSleepNs = 1'000'000'000;

std::size_t round8(std::size_t n) noexcept { return (n + 7) & ~std::size_t{7}; }

long futexWait(std::atomic<std::uint32_t>* w, std::uint32_t seen, std::int64_t monoDeadline) noexcept {
    const timespec ts{static_cast<time_t>(monoDeadline / 1'000'000'000),
                      static_cast<long>(monoDeadline % 1'000'000'000)};
    // Not FUTEX_PRIVATE: the word is in memory shared by processes.
    return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(w), FUTEX_WAIT_BITSET, seen, &ts, nullptr,
                   FUTEX_BITSET_MATCH_ANY);
}

void futexWake(std::atomic<std::uint32_t>* w, int n) noexcept {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(w), FUTEX_WAKE, n, nullptr, nullptr, 0);
}

void writeU32(unsigned char* p, std::uint32_t v) noexcept { std::memcpy(p, &v, 4); }

// One item record: [u32 length][u32 0][u64 item id][bytes].
void writeRecord(unsigned char* p, std::string_view item, std::uint64_t itemId) noexcept {
    writeU32(p, static_cast<std::uint32_t>(item.size()));
    writeU32(p + 4, 0);
    std::memcpy(p + 8, &itemId, 8);
    std::memcpy(p + kHeader, item.data(), item.size());
}
std::uint32_t readU32(const unsigned char* p) noexcept { std::uint32_t v; std::memcpy(&v, p, 4); return v; }

} // namespace

namespace detail {

struct QueueState {
    // --- producers' line(s): only touched under putMutex ------------------------
    alignas(64) RobustMutex putMutex;
    std::uint64_t pHead = 0;       // a copy of head, never above the real one
    std::uint64_t pGot = 0;        // a copy of nGot (for maxItems)
    std::uint64_t pLogTail = 0;    // redo log: != 0 while a put commits
    std::uint64_t pLogPut = 0;
    // --- published by producers ---------------------------------------------------
    alignas(64) std::atomic<std::uint64_t> tail{0};
    std::atomic<std::uint64_t> nPut{0};
    // --- consumers' line: only touched under getMutex ----------------------------
    alignas(64) RobustMutex getMutex;
    std::uint64_t cTail = 0;       // a copy of tail, never above the real one
    std::uint64_t cLogHead = 0;    // redo log: != 0 while a get or putFront commits
    std::uint64_t cLogGot = 0;
    // --- published by consumers ---------------------------------------------------
    alignas(64) std::atomic<std::uint64_t> head{0};
    std::atomic<std::uint64_t> nGot{0};
    // --- waiting: read on every operation, written only around a sleep -----------
    alignas(64) std::atomic<std::uint32_t> notEmptySeq{0};   // futex words: bumped when a sleeper must look again
    std::atomic<std::uint32_t> notFullSeq{0};
    std::atomic<std::uint32_t> notEmptyWaiters{0};   // sleepers (a killed sleeper leaves it too high:
    std::atomic<std::uint32_t> notFullWaiters{0};    // that only costs wake syscalls, never a lost wake)
    std::atomic<bool> closed{false};
    // --- cold -------------------------------------------------------------------
    alignas(64) std::uint64_t magic = kMagic;
    std::uint64_t capacity = 0;
    std::uint64_t maxItems = 0;
    std::int32_t id = 0;
    // `capacity` bytes right after the struct, in the same arena block (the
    // arena has one address in every process, so a pointer is fine here).
    unsigned char* ring = nullptr;

    unsigned char* at(std::uint64_t pos) noexcept { return ring + pos % capacity; }
    const unsigned char* at(std::uint64_t pos) const noexcept { return ring + pos % capacity; }

    std::uint64_t count() const noexcept {
        const std::uint64_t got = nGot.load(std::memory_order_seq_cst);
        const std::uint64_t put = nPut.load(std::memory_order_seq_cst);
        const auto n = static_cast<std::int64_t>(put - got);
        return n > 0 ? static_cast<std::uint64_t>(n) : 0;
    }

    // A producer locked putMutex from a process that died holding it.
    void repairPut() noexcept {
        if (pLogTail != 0 && tail.load(std::memory_order_relaxed) == pLogTail)
            nPut.store(pLogPut, std::memory_order_release);   // committed: finish
        pLogTail = 0;                                          // not committed: forget
        pHead = head.load(std::memory_order_acquire);          // putFront may have died before fixing it
        pGot = nGot.load(std::memory_order_acquire);
    }
    // Same for getMutex (a get or a putFront died).
    void repairGet() noexcept {
        if (cLogHead != 0 && head.load(std::memory_order_relaxed) == cLogHead)
            nGot.store(cLogGot, std::memory_order_release);
        cLogHead = 0;
        cTail = tail.load(std::memory_order_acquire);
    }
};

} // namespace detail

struct Queue::Shared : detail::QueueState {};

// [SECTION] locking -------------------------------------------------------------------
namespace {

using detail::QueueState;

// Repairs an end whose last owner died mid-operation (the redo log, above).
struct Repair {
    QueueState* s;
    bool putEnd;
    void operator()() const noexcept {
        if (putEnd) s->repairPut();
        else s->repairGet();
    }
};

// Holds one of the queue's mutexes for a scope. Spins briefly first: put and
// get hold it for tens of ns, and sleeping in the kernel would make every
// unlock a wake syscall.
class Guard : public RobustGuard<Repair> {
public:
    Guard(QueueState* s, RobustMutex* m)
        : RobustGuard<Repair>(*m, kSpinLock, Repair{s, m == &s->putMutex}, "queue mutex") {}
};

} // namespace

// [SECTION] waiting -------------------------------------------------------------------
namespace {

std::optional<std::int64_t> runDeadlineOf(bool block, const Queue::Timeout& timeout) {
    if (!block || !timeout) return std::nullopt;
    if (timeout->count() < 0) throw std::invalid_argument("'timeout' must be a non-negative number");
    return runNow() + timeout->count();
}

bool expired(const std::optional<std::int64_t>& runDeadline) noexcept {
    return runDeadline && runNow() >= *runDeadline;
}

// Waits, holding no lock, until `ready()` may have become true, the queue was
// closed, or the deadline passed. `ready` is a lock-free hint; the caller
// re-checks under its lock. First spins (the other side usually answers
// within microseconds, and a sleeper would make its every call a wake
// syscall), then yields the core a few times (on an oversubscribed machine the
// other side may need this very core), then sleeps on the futex, showing
// WaitQueue on the lane.
//
// The sleep is the waiter half of a Dekker handshake, seq_cst on both sides:
// the waiter registers (waiters++), reads the sequence, re-checks ready() and
// sleeps on the value it read; the waker commits, then reads waiters and, if
// anyone is registered, bumps the sequence and wakes. Either the waker sees
// the registration, or the re-check sees the commit. Every store a ready()
// reads (tail, head, nPut, nGot) is seq_cst for that reason: with a release
// store of nGot, the waker's read of the waiter count could pass it, and a
// putter waiting on maxItems could sleep through the get that made room
// (until the re-check, kMaxSleepNs).
// The deadlock check's view (WaitRecord, tracer.hpp): an untimed blocking
// put or get is marked when it first sleeps, and unmarked inside the queue's
// lock right before it commits (or when it leaves by an exception), so a
// marked process has not changed the queue since it was marked.
struct WaitMark {
    WaitRecord::Kind kind;
    std::uint64_t need = 0;     // a put's record bytes
    bool marked = false;
    void mark(const QueueState* s) noexcept {
        if (marked) return;
        if (auto* w = currentWaitRecord()) {
            w->mark(kind, s, need);
            marked = true;
        }
    }
    void clear() noexcept {
        if (!marked) return;
        if (auto* w = currentWaitRecord()) w->clear();
        marked = false;
    }
    ~WaitMark() { clear(); }
};

template <class Ready>
void waitFor(QueueState* s, std::atomic<std::uint32_t>& seq, std::atomic<std::uint32_t>& waiters,
             const std::optional<std::int64_t>& runDeadline, std::optional<detail::ScopedWorkerState>& st,
             WaitMark& wm, Ready ready) {
    auto done = [&] { return ready() || s->closed.load(std::memory_order_acquire); };
    // Spin and yield only before the first sleep of this wait (`st` is set
    // then): a waiter whose re-check (kMaxSleepNs) found nothing goes straight
    // back to sleep. 1000 idle pool workers re-spinning and yielding 20 times
    // every re-check (then 100 ms) made hundreds of thousands of context switches a second.
    if (!st) {
        int backoff = 16;
        for (int i = 0; i < kSpinWait; i += backoff) {
            if (done()) return;
            if ((i & 255) < backoff && expired(runDeadline)) return;
            for (int k = 0; k < backoff; ++k) RobustMutex::cpuRelax();
            backoff = std::min(backoff * 2, 64);
        }
        for (int i = 0; i < kYieldWait; ++i) {
            if (done() || expired(runDeadline)) return;
            sched_yield();
        }
    }
    waiters.fetch_add(1, std::memory_order_seq_cst);
    const std::uint32_t seen = seq.load(std::memory_order_seq_cst);
    if (!done() && !expired(runDeadline)) {
        if (!st) st.emplace(WorkerState::WaitQueue);
        if (!runDeadline) wm.mark(s);   // untimed: only a deadlock could keep it here for ever
        std::int64_t mono = monoNow() + kMaxSleepNs;
        if (runDeadline) mono = std::min(mono, detail::monoDeadlineFor(*runDeadline));
        futexWait(&seq, seen, mono);
    }
    waiters.fetch_sub(1, std::memory_order_seq_cst);
}

// After a commit (a seq_cst store): wakes sleepers on `seq` if any registered.
void wakeIfWaiting(std::atomic<std::uint32_t>& seq, std::atomic<std::uint32_t>& waiters, int n) noexcept {
    if (waiters.load(std::memory_order_seq_cst) == 0) return;
    seq.fetch_add(1, std::memory_order_seq_cst);
    futexWake(&seq, n);
}

// Bytes a record of `rec` bytes takes when put at the back with the tail at
// `tail`, counting the skip marker it needs when it cannot be contiguous; or
// at the front with the head at `head`. Exact: waiters use it too, so an
// approximation could leave a putter asleep with room available.
bool splitAtFront(std::uint64_t head, std::uint64_t rec, std::uint64_t cap) noexcept {
    const std::uint64_t hpos = head % cap;
    return hpos != 0 && hpos < rec;
}
std::uint64_t needBack(std::uint64_t tail, std::uint64_t rec, std::uint64_t cap) noexcept {
    const std::uint64_t contiguous = cap - tail % cap;
    return rec <= contiguous ? rec : contiguous + rec;
}
std::uint64_t needFront(std::uint64_t head, std::uint64_t rec, std::uint64_t cap) noexcept {
    return splitAtFront(head, rec, cap) ? head % cap + rec : rec;
}

// Lock-free hint for a sleeping putter: would the record fit now?
bool mayFit(const QueueState* s, std::uint64_t rec, bool front) noexcept {
    if (s->maxItems != 0 && s->count() >= s->maxItems) return false;
    const std::uint64_t head = s->head.load(std::memory_order_seq_cst);
    const std::uint64_t tail = s->tail.load(std::memory_order_seq_cst);
    const std::uint64_t need = front ? needFront(head, rec, s->capacity) : needBack(tail, rec, s->capacity);
    return tail - head + need <= s->capacity;
}

// Lock-free hint for a sleeping getter.
bool mayHaveItem(const QueueState* s) noexcept {
    return s->tail.load(std::memory_order_seq_cst) != s->head.load(std::memory_order_seq_cst);
}

// Under getMutex: moves `h` past skip markers up to the tail; false when it
// reaches the tail (nothing to get).
bool findRecord(QueueState* s, std::uint64_t& h) noexcept {
    for (;;) {
        if (h == s->cTail) {
            s->cTail = s->tail.load(std::memory_order_acquire);
            if (h == s->cTail) return false;
        }
        if (readU32(s->at(h)) != kSkip) return true;
        h += readU32(s->at(h) + 4);
    }
}

// A QueuePut with its value's preview (a short one travels inside the text
// ref: see kInlineTextTag).
void emitPut(std::int64_t t, std::int32_t queue, std::uint64_t itemId, std::string_view value) noexcept {
    if (auto* r = currentRing()) r->emitAt(t, EventKind::QueuePut, queue, itemId, r->text(value));
}


} // namespace

// [SECTION] Queue ---------------------------------------------------------------------
Queue::Queue(QueueOptions opts) {
    const std::uint64_t cap = std::max<std::uint64_t>(256, round8(opts.capacityBytes));
    void* mem = arena().allocate(sizeof(QueueState) + cap);
    auto* s = new (mem) Shared();
    int r = s->putMutex.init();
    if (r == 0) {
        r = s->getMutex.init();
        if (r != 0) s->putMutex.destroy();
    }
    if (r != 0) {
        arena().deallocate(mem);
        throw std::system_error(r, std::generic_category(), "queue mutex init");
    }
    s->capacity = cap;
    s->ring = static_cast<unsigned char*>(mem) + sizeof(QueueState);
    s->maxItems = opts.maxItems;
    s->id = detail::nextObjectId();
    // Positions start far from zero so putFront can move head backwards.
    const std::uint64_t start = cap << 20;
    s->head.store(start, std::memory_order_relaxed);
    s->tail.store(start, std::memory_order_relaxed);
    s->pHead = start;
    s->cTail = start;
    m_s = s;
    m_owner = true;
    if (auto* rec = Recorder::active()) rec->trace().addObject(ObjectInfo{ObjectKind::Queue, s->id, std::move(opts.name)});
}

Queue::~Queue() {
    if (m_owner && m_s) {
        m_s->magic = 0;
        m_s->putMutex.destroy();
        m_s->getMutex.destroy();
        m_s->~Shared();
        arena().deallocate(m_s);
    }
}

Queue::Queue(const Queue& o) : m_s(o.m_s), m_owner(false) {}
Queue::Queue(Queue&& o) noexcept : m_s(o.m_s), m_owner(o.m_owner) { o.m_s = nullptr; o.m_owner = false; }

std::size_t Queue::maxItemBytes() const noexcept { return m_s->capacity / 4; }
std::int32_t Queue::id() const noexcept { return m_s->id; }

// The same GCC 12 false positive as getInto's below (std::optional<ScopedWorkerState>).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void Queue::putImpl(std::string_view item, bool block, Timeout timeout, bool front) {
    Shared* s = m_s;
    if (item.size() > maxItemBytes())
        throw std::length_error("Queue item of " + std::to_string(item.size()) + " bytes exceeds the largest item of " +
                                std::to_string(maxItemBytes()) + " bytes (a quarter of the queue's " +
                                std::to_string(s->capacity) + "-byte capacity)");
    const auto runDeadline = runDeadlineOf(block, timeout);
    const std::uint64_t rec = kHeader + round8(item.size());
    const std::uint64_t cap = s->capacity;
    // Stamped once the item fits, inside the put lock, right before the item
    // becomes visible, and written to the ring before the commit too (no
    // wait, wake syscall or lock between stamp and publish), so its QueuePut
    // is always earlier than the QueueGet of whoever takes it, and never
    // reaches the Collector late. One clock read per put, however often the
    // put found the queue full and waited (a read before each attempt cost a
    // second one per message whenever the consumer lagged). The preview text
    // is written right before its event, never before a wait: the Collector
    // frees text space in the order it reads events.
    // Untraced, a put reads no clock (the stamp is the event's only use): with
    // clock_gettime stamps that read was a third of an untraced put's cost.
    const bool traced = currentRing() != nullptr;
    std::optional<detail::ScopedWorkerState> st;
    WaitMark wm{WaitRecord::QueuePut, rec};
    std::uint64_t itemId = 0;
    for (;;) {
        Guard gp(s, &s->putMutex);
        std::optional<Guard> gg;
        if (front) gg.emplace(s, &s->getMutex);   // putFront moves the consumers' end
        if (s->closed.load(std::memory_order_relaxed)) throw QueueClosed();
        bool fits;
        if (!front) {
            const std::uint64_t tail = s->tail.load(std::memory_order_relaxed);
            const std::uint64_t need = needBack(tail, rec, cap);
            auto roomy = [&] {
                return (s->maxItems == 0 || s->nPut.load(std::memory_order_relaxed) - s->pGot < s->maxItems) &&
                       tail - s->pHead + need <= cap;
            };
            fits = roomy();
            if (!fits) {   // the cached consumer end looks full: look at the real one
                s->pHead = s->head.load(std::memory_order_acquire);
                s->pGot = s->nGot.load(std::memory_order_acquire);
                fits = roomy();
            }
            if (fits) {
                wm.clear();   // before the commit (see WaitMark)
                std::uint64_t at = tail;
                const std::uint64_t contiguous = cap - at % cap;
                if (rec > contiguous) {
                    writeU32(s->at(at), kSkip);
                    writeU32(s->at(at) + 4, static_cast<std::uint32_t>(contiguous));
                    at += contiguous;
                }
                const std::int64_t t = traced ? traceNowBeforePublish() : 0;
                itemId = detail::nextItemId();
                writeRecord(s->at(at), item, itemId);
                const std::uint64_t n = s->nPut.load(std::memory_order_relaxed) + 1;
                s->pLogPut = n;
                s->pLogTail = at + rec;
                // After the redo log (a death from here on still lands the item), before the commit.
                emitPut(t, s->id, itemId, item);
                s->tail.store(at + rec, std::memory_order_seq_cst);   // the commit
                s->nPut.store(n, std::memory_order_seq_cst);
                s->pLogTail = 0;
            }
        } else {
            std::uint64_t head = s->head.load(std::memory_order_relaxed);
            const std::uint64_t tail = s->tail.load(std::memory_order_relaxed);
            fits = (s->maxItems == 0 || s->count() < s->maxItems) && tail - head + needFront(head, rec, cap) <= cap;
            if (fits) {
                wm.clear();
                std::uint64_t at = head;
                if (splitAtFront(at, rec, cap)) {
                    const std::uint64_t hpos = at % cap;
                    at -= hpos;   // the start of the lap: a marker there skips to the old head
                    writeU32(s->at(at), kSkip);
                    writeU32(s->at(at) + 4, static_cast<std::uint32_t>(hpos));
                }
                at -= rec;
                const std::int64_t t = traced ? traceNowBeforePublish() : 0;
                itemId = detail::nextItemId();
                writeRecord(s->at(at), item, itemId);
                const std::uint64_t n = s->nGot.load(std::memory_order_relaxed) - 1;
                s->cLogGot = n;
                s->cLogHead = at;
                emitPut(t, s->id, itemId, item);
                s->head.store(at, std::memory_order_seq_cst);   // the commit
                s->nGot.store(n, std::memory_order_seq_cst);   // seq_cst: sleeping putters' maxItems check reads it
                s->cLogHead = 0;
                s->pHead = at;   // the producers' copies must never be above the real ones
                s->pGot = n;
            }
        }
        if (fits) break;
        gg.reset();
        gp.unlock();
        if (!block || expired(runDeadline)) {
            traceEmit(EventKind::QueueFull, s->id);
            throw QueueFull();
        }
        waitFor(s, s->notFullSeq, s->notFullWaiters, runDeadline, st, wm,
                [s, rec, front] { return mayFit(s, rec, front); });
    }
    wakeIfWaiting(s->notEmptySeq, s->notEmptyWaiters, 1);
    st.reset();
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

void Queue::put(std::string_view item, bool block, Timeout timeout) { putImpl(item, block, timeout, false); }
void Queue::putFront(std::string_view item) { putImpl(item, true, std::nullopt, true); }

// GCC 12 reports the optional<ScopedWorkerState>'s member as maybe used
// uninitialized on an exception path here (a known false positive of
// std::optional under inlining: the destructor only runs when engaged).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void Queue::getInto(std::string& out, bool block, Timeout timeout) {
    Shared* s = m_s;
    const auto runDeadline = runDeadlineOf(block, timeout);
    std::optional<detail::ScopedWorkerState> st;
    WaitMark wm{WaitRecord::QueueGet};
    std::uint64_t itemId = 0;
    for (;;) {
        {
            Guard g(s, &s->getMutex);
            std::uint64_t h = s->head.load(std::memory_order_relaxed);
            bool have = findRecord(s, h);
            // Closed and empty: look once more, since the close may have
            // come right after a put this process has not seen yet.
            if (!have && s->closed.load(std::memory_order_acquire)) {
                have = findRecord(s, h);   // h == cTail here: reloads the tail
                if (!have) throw QueueClosed();
            }
            if (have) {
                wm.clear();   // before the commit (see WaitMark)
                const unsigned char* p = s->at(h);
                const std::uint32_t len = readU32(p);
                std::memcpy(&itemId, p + 8, 8);
                out.assign(reinterpret_cast<const char*>(p + kHeader), len);
                std::uint64_t nh = h + kHeader + round8(len);
                findRecord(s, nh);   // past any markers, so head == tail means empty
                const std::uint64_t n = s->nGot.load(std::memory_order_relaxed) + 1;
                s->cLogGot = n;
                s->cLogHead = nh;
                s->head.store(nh, std::memory_order_seq_cst);   // the commit
                s->nGot.store(n, std::memory_order_seq_cst);   // seq_cst: sleeping putters' maxItems check reads it
                s->cLogHead = 0;
                break;
            }
        }
        if (!block || expired(runDeadline)) {
            traceEmit(EventKind::QueueEmpty, s->id);
            throw QueueEmpty();
        }
        waitFor(s, s->notEmptySeq, s->notEmptyWaiters, runDeadline, st, wm, [s] { return mayHaveItem(s); });
    }
    // Every sleeping putter looks again: items differ in size, so freeing room
    // for one says nothing about which of them now fits.
    wakeIfWaiting(s->notFullSeq, s->notFullWaiters, INT_MAX);
    st.reset();
    // No preview: the item's QueuePut (same item id) already carries it.
    traceEmit(EventKind::QueueGet, s->id, itemId, kNoString);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

std::string Queue::get(bool block, Timeout timeout) {
    std::string out;
    getInto(out, block, timeout);
    return out;
}

// Snapshots read the counters without a lock, unless a process died holding
// one: then a counter may be off by one until someone locks and repairs it, so
// we do.
static void repairIfOwnerDied(detail::QueueState* s) {
    if (s->putMutex.ownerDiedUnrecovered()) Guard g(s, &s->putMutex);
    if (s->getMutex.ownerDiedUnrecovered()) Guard g(s, &s->getMutex);
}
bool Queue::empty() const {
    repairIfOwnerDied(m_s);
    return m_s->count() == 0;
}
std::size_t Queue::qsize() const {
    repairIfOwnerDied(m_s);
    return m_s->count();
}
bool Queue::closed() const { return m_s->closed.load(std::memory_order_acquire); }

void Queue::close() {
    {
        Guard gp(m_s, &m_s->putMutex);
        Guard gg(m_s, &m_s->getMutex);
        if (m_s->closed.load(std::memory_order_relaxed)) return;
        m_s->closed.store(true, std::memory_order_seq_cst);
        m_s->notEmptySeq.fetch_add(1, std::memory_order_seq_cst);
        m_s->notFullSeq.fetch_add(1, std::memory_order_seq_cst);
    }
    futexWake(&m_s->notEmptySeq, INT_MAX);
    futexWake(&m_s->notFullSeq, INT_MAX);
    traceEmit(EventKind::QueueClose, m_s->id);
}

namespace detail {

QueueWaitView queueWaitView(const void* state, WaitRecord::Kind kind, std::uint64_t need) noexcept {
    const auto* s = static_cast<const QueueState*>(state);
    QueueWaitView v;
    if (!s || s->magic != kMagic) return v;   // gone: not a wait anybody is stuck in
    v.id = s->id;
    v.valid = true;
    if (s->closed.load(std::memory_order_acquire)) v.canProceed = true;
    else if (kind == WaitRecord::QueuePut) v.canProceed = mayFit(s, need, false);
    else if (kind == WaitRecord::QueueGet) v.canProceed = mayHaveItem(s);
    return v;
}

void closeWaitedQueue(const void* state) {
    auto* s = static_cast<QueueState*>(const_cast<void*>(state));
    if (!s || s->magic != kMagic) return;
    Queue::fromArg(encodeHandle("queue:", s)).close();
}

} // namespace detail

std::string Queue::toArg() const { return detail::encodeHandle("queue:", m_s); }

Queue Queue::fromArg(std::string_view arg) {
    auto* s = static_cast<Shared*>(detail::decodeHandle("queue:", arg));
    if (!s || s->magic != kMagic)
        throw std::invalid_argument("not a live queue handle: '" + std::string(arg) + "'");
    return Queue(Adopt{}, s);
}

} // namespace parviz
