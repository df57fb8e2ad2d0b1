// TraceRing: a single-producer single-consumer ring of Events in the shared
// arena, plus a byte ring for text. See tracer.hpp for the contract.
//
// Watermark protocol (why m_writing exists): the Collector reads its clock,
// *then* checks writing(). If the flag is clear, any event this ring publishes
// later reads its clock after the Collector did, so its time is not earlier
// than the Collector's reading. The flag is set with a sequentially consistent
// store (one locked instruction on x86) so it cannot sit in the store buffer
// while the writer reads the clock.
#include "parviz/tracer.hpp"

#include "parviz/arena.hpp"
#include "parviz/clock.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <new>
#include <climits>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23   // Linux >= 5.14
#endif

namespace parviz {

namespace {

TraceRing* g_currentRing = nullptr;
thread_local bool t_noWriterWait = false;
thread_local WaitRecord* t_waitRecord = nullptr;

std::uint64_t roundUpPow2(std::uint64_t v) noexcept {
    std::uint64_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

// Each text record: a 4-byte length, then the bytes (no terminator).
constexpr std::uint64_t kTextHeader = 4;

// Gives [p, p + n) its memory now, so the writer does not take a first-touch
// page fault (page allocation and zeroing) on its hot path for every 4 KiB it
// fills. The arena is one shared memfd: pages populated here are shared with
// every process; a worker then only maps an existing page on first touch.
// MADV_POPULATE_WRITE (Linux >= 5.14) does it in one call without changing any
// byte; older kernels get a write of a zero into each page of the new,
// still unused block.
void prefault(void* p, std::size_t n) noexcept {
    if (n == 0) return;
    static const std::uintptr_t page = [] {
        long v = sysconf(_SC_PAGESIZE);
        return v > 0 ? static_cast<std::uintptr_t>(v) : std::uintptr_t{4096};
    }();
    const auto begin = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t lo = begin & ~(page - 1), hi = (begin + n + page - 1) & ~(page - 1);
    if (madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_POPULATE_WRITE) == 0) return;
    auto* c = static_cast<volatile char*>(p);
    for (std::uintptr_t a = begin; a < begin + n; a = (a & ~(page - 1)) + page) c[a - begin] = 0;
}

} // namespace

NoWriterWait::NoWriterWait() noexcept : m_prev(t_noWriterWait) { t_noWriterWait = true; }
NoWriterWait::~NoWriterWait() { t_noWriterWait = m_prev; }

WaitRecord* currentWaitRecord() noexcept { return t_waitRecord; }
void setCurrentWaitRecord(WaitRecord* w) noexcept { t_waitRecord = w; }

TraceRing* currentRing() noexcept { return g_currentRing; }
void setCurrentRing(TraceRing* r) noexcept { g_currentRing = r; }

TraceRing* TraceRing::create(ProcId proc, std::size_t eventCapacity, std::size_t textBytes,
                             bool multiWriter, bool prefaultPages) {
    Arena& ar = arena();
    std::uint64_t cap = roundUpPow2(std::max<std::size_t>(eventCapacity, 2));
    std::uint64_t textCap = roundUpPow2(std::max<std::size_t>(textBytes, 2 * (kMaxPrintLine + kTextHeader)));
    void* mem = ar.allocate(sizeof(TraceRing));
    auto* r = new (mem) TraceRing();
    try {
        r->m_events = static_cast<Event*>(ar.allocate(cap * sizeof(Event)));
        r->m_text = static_cast<char*>(ar.allocate(textCap));
    } catch (...) {
        destroy(r);
        throw;
    }
    if (prefaultPages) {
        prefault(r->m_events, cap * sizeof(Event));
        prefault(r->m_text, textCap);
    }
    r->m_proc = proc;
    r->m_multiWriter = multiWriter;
    r->m_mapOnFirstWrite = prefaultPages;
    r->m_mask = cap - 1;
    r->m_textMask = textCap - 1;
    return r;
}

void TraceRing::destroy(TraceRing* r) noexcept {
    if (!r) return;
    if (g_currentRing == r) g_currentRing = nullptr;
    Arena& ar = arena();
    ar.deallocate(r->m_events);
    ar.deallocate(r->m_text);
    r->~TraceRing();
    ar.deallocate(r);
}

ProcId TraceRing::proc() const noexcept { return m_proc; }

void TraceRing::lockWriter() noexcept {
    // Tiny spinlock: the parent's threads emit rarely and briefly.
    while (m_spin.exchange(1, std::memory_order_acquire) != 0) {
        while (m_spin.load(std::memory_order_relaxed) != 0) __builtin_ia32_pause();
    }
}

void TraceRing::unlockWriter() noexcept { m_spin.store(0, std::memory_order_release); }

void DrainBell::ring() noexcept {
    rings.fetch_add(1, std::memory_order_seq_cst);
    // Shared (not FUTEX_PRIVATE): the waiter is in another process.
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&rings), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

void DrainBell::waitFor(std::uint32_t seen, std::int64_t timeoutNs) noexcept {
    if (rings.load(std::memory_order_acquire) != seen) return;
    timespec ts{static_cast<time_t>(timeoutNs / 1'000'000'000), static_cast<long>(timeoutNs % 1'000'000'000)};
    // EINTR, EAGAIN (rung meanwhile) and ETIMEDOUT all mean: pass now.
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&rings), FUTEX_WAIT, seen, &ts, nullptr, 0);
}

// The pages exist (create() populated them) but a worker's page tables do not
// have them yet: without this every 4 KiB of events (~128) would cost the
// writer a fault. Only the ring's writer ever writes it, so the flag needs no
// atomics; with several writer threads (the parent) it runs under the writer lock.
void TraceRing::mapHere() noexcept {
    m_mapOnFirstWrite = false;
    prefault(m_events, static_cast<std::size_t>(m_mask + 1) * sizeof(Event));
    prefault(m_text, static_cast<std::size_t>(m_textMask + 1));
}

// The high-water bell: a writer whose ring (events or text) is more than half
// full once it passes a quarter mark rings the Collector's bell, so the drain
// starts while half the ring is still free and the writer rarely has to wait
// at all. With only the full-ring bell, a 1->1 queue at ~9 M msgs/s filled the
// default 32 Ki-event ring every ~3.6 ms, just past the Collector's 2 ms pass,
// and its writers waited ~40 times a run (each wait ~1 ms: the woken Collector
// must first get a core from the two busy writers); 11-byte previews filled
// the 256 KiB text ring every ~2 ms. `before`..`after` is what this write
// added, in the ring's units; capacities are powers of two, so a quarter mark
// is crossed exactly when the bits above the quarter differ. One branch per
// write; the load of the reader's tail and the wake syscall only at a mark.
void TraceRing::ringIfPastHalf(std::uint64_t before, std::uint64_t after, const std::atomic<std::uint64_t>& tail,
                               std::uint64_t capacity) noexcept {
    const std::uint64_t quarter = capacity / 4;
    if (!m_bell || quarter == 0 || (before ^ after) < quarter) [[likely]]
        return;
    if (after - tail.load(std::memory_order_acquire) > 2 * quarter) m_bell->ring();
}

void TraceRing::emit(EventKind k, std::int32_t obj, std::uint64_t a, std::uint64_t b,
                     std::uint8_t flags) noexcept {
    emitAs(m_proc, k, obj, a, b, flags);
}

// Back-pressure (see tracer.hpp): rings the Collector's bell, so it drains
// now rather than at its next timed pass, then yields a few times (the
// Collector may be on this very core) and sleeps in 100 µs steps. The
// writer holds no lock here, and m_writing is clear unless the caller
// stamped an event already (emitAt after traceNowBeforePublish): then the
// watermark waits with it, but the drain that makes room does not. The wait
// is timed to its end, the bell included: a drain the bell started at once
// still counts as a (short) wait, never as a wait of 0 ns.
template <class Room>
void TraceRing::waitForRoom(Room room) noexcept {
    const std::int64_t start = monoNow();
    std::int64_t now = start;
    if (m_bell) m_bell->ring();   // the drain that makes room starts now, not at the next timed pass
    for (int i = 0; !room() && m_hasReader.load(std::memory_order_acquire); ++i) {
        if (i < 8) {
            sched_yield();
        } else {
            timespec ts{0, 100'000};
            nanosleep(&ts, nullptr);
            // Ring again every ~1 ms: a pass the first ring started may have
            // come before the Collector read this ring (a process it had not
            // added yet), and one ring was then a wait of a whole timed pass
            // (1 s at a 1 s interval, seen in the bell's own test).
            if (m_bell && i % 10 == 9) m_bell->ring();
        }
        now = monoNow();
        if (now - start > kMaxWriterWaitNs) break;
    }
    now = std::max(monoNow(), start + 1);
    m_waits.fetch_add(1, std::memory_order_relaxed);
    m_waitedNs.fetch_add(static_cast<std::uint64_t>(now - start), std::memory_order_relaxed);
}

// Makes room for one event: waits for the Collector when the ring is full and
// waiting is allowed. Called with the writer lock held (multi-writer); it is
// released while waiting. Returns false when the ring is still full (drop).
bool TraceRing::roomForEvent() noexcept {
    std::uint64_t h = m_head.load(std::memory_order_relaxed);
    if (h - m_cachedTail <= m_mask) return true;
    m_cachedTail = m_tail.load(std::memory_order_acquire);
    if (h - m_cachedTail <= m_mask) return true;
    if (t_noWriterWait || !m_hasReader.load(std::memory_order_acquire)) return false;
    if (m_multiWriter) unlockWriter();
    waitForRoom([this] {
        return m_head.load(std::memory_order_acquire) - m_tail.load(std::memory_order_acquire) <= m_mask;
    });
    if (m_multiWriter) lockWriter();
    h = m_head.load(std::memory_order_relaxed);
    m_cachedTail = m_tail.load(std::memory_order_acquire);
    return h - m_cachedTail <= m_mask;
}

void TraceRing::emitAs(ProcId who, EventKind k, std::int32_t obj, std::uint64_t a,
                       std::uint64_t b, std::uint8_t flags) noexcept {
    if (m_multiWriter) lockWriter();
    if (m_mapOnFirstWrite) [[unlikely]] mapHere();
    // Room first, flag second: the flag covers only the clock read to publish.
    if (!roomForEvent()) [[unlikely]] {
        m_lost.fetch_add(1, std::memory_order_relaxed);
    } else {
        m_writing.store(1, std::memory_order_seq_cst);
        const std::uint64_t h = m_head.load(std::memory_order_relaxed);
        Event& e = m_events[h & m_mask];
        e.t = traceNow();   // ticks: the Collector converts them to ns
        e.proc = who;
        e.kind = k;
        e.flags = flags;
        e.obj = obj;
        e.a = a;
        e.b = b;
        m_head.store(h + 1, std::memory_order_release);
        m_writing.store(0, std::memory_order_release);
        ringIfPastHalf(h, h + 1, m_tail, m_mask + 1);
    }
    if (m_multiWriter) unlockWriter();
}

void TraceRing::emitAt(std::int64_t t, EventKind k, std::int32_t obj, std::uint64_t a,
                       std::uint64_t b, std::uint8_t flags) noexcept {
    // The caller chose the time, so no watermark hold is needed: callers that
    // pass a past time (the Collector itself) are already behind the watermark.
    if (m_multiWriter) lockWriter();
    if (m_mapOnFirstWrite) [[unlikely]] mapHere();
    if (!roomForEvent()) [[unlikely]] {
        m_lost.fetch_add(1, std::memory_order_relaxed);
    } else {
        const std::uint64_t h = m_head.load(std::memory_order_relaxed);
        m_events[h & m_mask] = Event{t, m_proc, k, flags, obj, a, b};
        m_head.store(h + 1, std::memory_order_release);
        ringIfPastHalf(h, h + 1, m_tail, m_mask + 1);
    }
    if (m_multiWriter) unlockWriter();
}

std::uint64_t TraceRing::text(std::string_view s, std::size_t limit) noexcept {
    std::size_t n = std::min({s.size(), limit, static_cast<std::size_t>(m_textMask / 2)});
    // Cut on a UTF-8 boundary: never keep half a code point.
    if (n < s.size())
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    if (n <= kMaxInlineText) return packInlineText(s.substr(0, n));   // no buffer, no lock, no room
    if (m_multiWriter) lockWriter();
    if (m_mapOnFirstWrite) [[unlikely]] mapHere();
    // Room: the text must not overwrite what the Collector has not read yet.
    const std::uint64_t need = kTextHeader + n;
    auto textRoom = [this, need] {
        return m_textHead.load(std::memory_order_relaxed) + need - m_textTail.load(std::memory_order_acquire) <=
               m_textMask + 1;
    };
    if (!textRoom() && !t_noWriterWait && m_hasReader.load(std::memory_order_acquire)) [[unlikely]] {
        if (m_multiWriter) unlockWriter();
        waitForRoom(textRoom);
        if (m_multiWriter) lockWriter();
        // Still full after the longest wait: overwrite; the Collector finds
        // the overwritten text and counts it as lost.
    }
    std::uint64_t pos = m_textHead.load(std::memory_order_relaxed);
    auto put = [this](std::uint64_t at, const char* src, std::size_t len) {
        std::uint64_t off = at & m_textMask;
        std::size_t first = std::min<std::size_t>(len, m_textMask + 1 - off);
        std::memcpy(m_text + off, src, first);
        if (first < len) std::memcpy(m_text, src + first, len - first);
    };
    std::uint32_t len32 = static_cast<std::uint32_t>(n);
    put(pos, reinterpret_cast<const char*>(&len32), kTextHeader);
    put(pos + kTextHeader, s.data(), n);
    m_textHead.store(pos + kTextHeader + n, std::memory_order_release);
    ringIfPastHalf(pos, pos + kTextHeader + n, m_textTail, m_textMask + 1);
    if (m_multiWriter) unlockWriter();
    return pos;
}

std::size_t TraceRing::drain(std::vector<Event>& out) noexcept {
    std::uint64_t t = m_tail.load(std::memory_order_relaxed);
    std::uint64_t h = m_head.load(std::memory_order_acquire);
    std::size_t n = static_cast<std::size_t>(h - t);
    if (n == 0) return 0;
    try {
        out.reserve(out.size() + n);
    } catch (...) {
        return 0;   // leave them in the ring; the next pass tries again
    }
    // At most two contiguous pieces: up to the ring's end, then from its start.
    const std::uint64_t at = t & m_mask;
    const std::size_t first = std::min<std::size_t>(n, static_cast<std::size_t>(m_mask + 1 - at));
    out.insert(out.end(), m_events + at, m_events + at + first);
    out.insert(out.end(), m_events, m_events + (n - first));
    m_tail.store(h, std::memory_order_release);
    return n;
}

std::string TraceRing::readText(std::uint64_t ref) const {
    std::string s;
    readTextInto(ref, s);
    return s;
}

bool TraceRing::readTextInto(std::uint64_t ref, std::string& out) const {
    static constexpr const char* kLost = "<lost text>";
    if (isInlineTextRef(ref)) {
        unpackInlineText(ref, out);
        return true;
    }
    std::uint64_t cap = m_textMask + 1;
    std::uint64_t head = m_textHead.load(std::memory_order_acquire);
    if (ref == kNoString || ref + kTextHeader > head || head - ref > cap) { out = kLost; return false; }
    auto get = [this](std::uint64_t at, char* dst, std::size_t len) {
        std::uint64_t off = at & m_textMask;
        std::size_t first = std::min<std::size_t>(len, m_textMask + 1 - off);
        std::memcpy(dst, m_text + off, first);
        if (first < len) std::memcpy(dst + first, m_text, len - first);
    };
    std::uint32_t len = 0;
    get(ref, reinterpret_cast<char*>(&len), kTextHeader);
    if (len > cap / 2 || ref + kTextHeader + len > head) { out = kLost; return false; }
    out.resize(len);
    get(ref + kTextHeader, out.data(), len);
    // The writer may have lapped us while we copied: check after the copy.
    std::atomic_thread_fence(std::memory_order_acquire);
    std::uint64_t after = m_textHead.load(std::memory_order_acquire);
    if (after - ref > cap) { out = kLost; return false; }
    return true;
}

void TraceRing::consumedText(std::uint64_t end) noexcept {
    std::uint64_t cur = m_textTail.load(std::memory_order_relaxed);
    // Only the Collector stores it (under its mutex): a plain max will do.
    if (end > cur) m_textTail.store(end, std::memory_order_release);
}

void TraceRing::setReader(bool present) noexcept { m_hasReader.store(present, std::memory_order_release); }
bool TraceRing::hasReader() const noexcept { return m_hasReader.load(std::memory_order_acquire); }
std::uint64_t TraceRing::waitedNs() const noexcept { return m_waitedNs.load(std::memory_order_relaxed); }
std::uint64_t TraceRing::waits() const noexcept { return m_waits.load(std::memory_order_relaxed); }

std::uint64_t TraceRing::lost() const noexcept { return m_lost.load(std::memory_order_relaxed); }

bool TraceRing::writing() const noexcept {
    return m_writing.load(std::memory_order_seq_cst) != 0 ||
           (m_multiWriter && m_spin.load(std::memory_order_seq_cst) != 0);
}

} // namespace parviz
