#include "parviz/trace.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#include <vector>
#include <sys/mman.h>

namespace parviz {

const char* toString(EventKind k) noexcept {
    switch (k) {
    case EventKind::ProcStart: return "ProcStart";
    case EventKind::ProcExit: return "ProcExit";
    case EventKind::ProcStopped: return "ProcStopped";
    case EventKind::ProcContinued: return "ProcContinued";
    case EventKind::TaskStart: return "TaskStart";
    case EventKind::TaskEnd: return "TaskEnd";
    case EventKind::State: return "State";
    case EventKind::QueuePut: return "QueuePut";
    case EventKind::QueueGet: return "QueueGet";
    case EventKind::QueueEmpty: return "QueueEmpty";
    case EventKind::QueueFull: return "QueueFull";
    case EventKind::QueueClose: return "QueueClose";
    case EventKind::LockWait: return "LockWait";
    case EventKind::LockAcquire: return "LockAcquire";
    case EventKind::LockRelease: return "LockRelease";
    case EventKind::LockTimeout: return "LockTimeout";
    case EventKind::LockOwnerDied: return "LockOwnerDied";
    case EventKind::Print: return "Print";
    case EventKind::CoreIn: return "CoreIn";
    case EventKind::CoreOut: return "CoreOut";
    case EventKind::CoreLoad: return "CoreLoad";
    case EventKind::RunStart: return "RunStart";
    case EventKind::RunPause: return "RunPause";
    case EventKind::RunResume: return "RunResume";
    case EventKind::TaskChunk: return "TaskChunk";
    case EventKind::RunEnd: return "RunEnd";
    case EventKind::KillRequest: return "KillRequest";
    case EventKind::Lost: return "Lost";
    case EventKind::Note: return "Note";
    case EventKind::WriterWait: return "WriterWait";
    case EventKind::MachineLoad: return "MachineLoad";
    case EventKind::SourceLine: return "SourceLine";
    case EventKind::RunStop: return "RunStop";
    case EventKind::SyncWait: return "SyncWait";
    case EventKind::SyncWake: return "SyncWake";
    case EventKind::SyncSignal: return "SyncSignal";
    case EventKind::PoolResult: return "PoolResult";
    case EventKind::ProcJoin: return "ProcJoin";
    }
    return "?";
}

const char* toString(WorkerState s) noexcept {
    switch (s) {
    case WorkerState::Idle: return "idle";
    case WorkerState::Running: return "running";
    case WorkerState::Sleeping: return "sleeping";
    case WorkerState::WaitQueue: return "waiting for the queue";
    case WorkerState::WaitLock: return "waiting for the lock";
    }
    return "?";
}

const char* toString(CoreSource s) noexcept {
    switch (s) {
    case CoreSource::None: return "none";
    case CoreSource::PerfSwitch: return "perf context-switch records";
    case CoreSource::Sampling: return "/proc sampling";
    case CoreSource::Loaded: return "loaded from file";
    }
    return "?";
}

const char* toString(ProcRole r) noexcept {
    switch (r) {
    case ProcRole::Parent: return "parent";
    case ProcRole::Process: return "process";
    case ProcRole::PoolWorker: return "pool worker";
    case ProcRole::ForkServer: return "fork server";
    }
    return "?";
}

void Trace::append(const Event& e) {
    Event c = e;
    if (c.t < m_lastT) {
        c.t = m_lastT;
        m_clamped.fetch_add(1, std::memory_order_relaxed);
    }
    m_lastT = c.t;
    if (!m_hasZero.load(std::memory_order_relaxed) && c.kind == EventKind::RunStart) {
        m_zero.store(c.t, std::memory_order_relaxed);
        m_hasZero.store(true, std::memory_order_release);
    }
    m_events.push(c);
}

void Trace::commitAppend(std::size_t k) noexcept {
    if (k == 0) return;
    std::size_t room = 0;
    Event* e = m_events.freeSpace(room);   // the same slots appendSpace() gave: nothing published since
    for (std::size_t i = 0; i < k; ++i) {
        if (e[i].t < m_lastT) {
            e[i].t = m_lastT;
            m_clamped.fetch_add(1, std::memory_order_relaxed);
        }
        m_lastT = e[i].t;
        if (e[i].kind == EventKind::RunStart && !m_hasZero.load(std::memory_order_relaxed)) {
            m_zero.store(e[i].t, std::memory_order_relaxed);
            m_hasZero.store(true, std::memory_order_release);
        }
    }
    m_events.publish(k);
}

namespace detail {

namespace {
constexpr std::size_t kHuge = std::size_t{2} << 20;
}

namespace {
// Chunks a finished Trace gave back, kept for the next Trace of this process
// (the window's Restart, the session's runs, a benchmark's rounds). Memory a
// program touches for the first time costs the kernel a page clear and, on a
// VM that hands freed memory back to its host (as these do), a fault on the
// host too: measured in bench_queue, adding each put's preview string to the
// Trace (a 16-byte view and a few bytes in fresh chunks) took the traced
// queue from ~9 to ~6-8 M msgs/s. Bounded: an idle program keeps at most
// kKeepBytes.
constexpr std::size_t kKeepBytes = std::size_t{256} << 20;
// Never destroyed: a static vector's destructor would free only its own
// buffer at exit, and LeakSanitizer would then report every kept chunk as
// leaked on every run. Reachable from this pointer, they are not leaks; and a
// Trace destroyed during exit can still give its chunks back.
std::mutex g_spareMutex;
auto& g_spare = *new std::vector<std::pair<std::size_t, void*>>();   // (bytes, chunk)
std::size_t g_spareBytes = 0;

void* takeSpare(std::size_t bytes) noexcept {
    std::lock_guard lk(g_spareMutex);
    for (std::size_t i = g_spare.size(); i-- > 0;) {
        if (g_spare[i].first != bytes) continue;
        void* p = g_spare[i].second;
        g_spare[i] = g_spare.back();
        g_spare.pop_back();
        g_spareBytes -= bytes;
        return p;
    }
    return nullptr;
}

bool keepSpare(void* p, std::size_t bytes) noexcept {
    // Only the Trace's standard chunk sizes (powers of two); a big string's
    // own chunk is given back.
    if ((bytes & (bytes - 1)) != 0) return false;
    std::lock_guard lk(g_spareMutex);
    if (g_spareBytes + bytes > kKeepBytes) return false;
    try {
        g_spare.emplace_back(bytes, p);
    } catch (...) {
        return false;
    }
    g_spareBytes += bytes;
    return true;
}
} // namespace

std::size_t spareChunkBytes() noexcept {
    std::lock_guard lk(g_spareMutex);
    return g_spareBytes;
}

void* allocChunk(std::size_t bytes) {
    if (void* p = takeSpare(bytes)) return p;
    if (bytes < kHuge) return ::operator new(bytes);
    // Over-map by 2 MiB, then unmap the ends so the chunk is 2 MiB aligned.
    const std::size_t len = (bytes + kHuge - 1) & ~(kHuge - 1);
    void* m = mmap(nullptr, len + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    const auto base = reinterpret_cast<std::uintptr_t>(m);
    const std::uintptr_t aligned = (base + kHuge - 1) & ~(kHuge - 1);
    if (aligned > base) munmap(m, aligned - base);
    if (const std::uintptr_t tail = base + len + kHuge - (aligned + len); tail > 0)
        munmap(reinterpret_cast<void*>(aligned + len), tail);
    madvise(reinterpret_cast<void*>(aligned), len, MADV_HUGEPAGE);   // a hint: fine if refused
    return reinterpret_cast<void*>(aligned);
}

void freeChunk(void* p, std::size_t bytes) noexcept {
    if (keepSpare(p, bytes)) return;
    if (bytes < kHuge) { ::operator delete(p); return; }
    munmap(p, (bytes + kHuge - 1) & ~(kHuge - 1));
}

} // namespace detail

std::uint64_t Trace::addString(std::string_view s) {
    // Bytes go into 1 MiB chunks (a string never spans two); a big string gets
    // a chunk of its own. No allocation per string.
    constexpr std::size_t kTextChunk = std::size_t{1} << 20;
    const std::size_t n = s.size();
    if (n == 0) return m_strings.push(std::string_view{});
    char* dst;
    if (n > kTextChunk / 4) {
        m_textChunks.reserve(m_textChunks.size() + 1);
        m_textChunks.emplace_back(static_cast<char*>(detail::allocChunk(n)), ChunkFree{n});
        dst = m_textChunks.back().get();
    } else {
        if (n > m_textLeft) {
            m_textChunks.reserve(m_textChunks.size() + 1);
            m_textChunks.emplace_back(static_cast<char*>(detail::allocChunk(kTextChunk)), ChunkFree{kTextChunk});
            m_textPos = m_textChunks.back().get();
            m_textLeft = kTextChunk;
        }
        dst = m_textPos;
        m_textPos += n;
        m_textLeft -= n;
    }
    std::memcpy(dst, s.data(), n);
    return m_strings.push(std::string_view(dst, n));
}

std::string_view Trace::string(std::uint64_t id) const noexcept {
    if (id == kNoString || id >= m_strings.size()) return {};
    return m_strings[static_cast<std::size_t>(id)];
}

ProcId Trace::addProcess(ProcInfo p) {
    std::lock_guard lk(m_metaMutex);
    m_meta.procs.push_back(std::move(p));
    return static_cast<ProcId>(m_meta.procs.size() - 1);
}

void Trace::addObject(ObjectInfo o) {
    std::lock_guard lk(m_metaMutex);
    m_meta.objects.push_back(std::move(o));
}

const char* toString(ObjectKind k) noexcept {
    switch (k) {
    case ObjectKind::Queue: return "queue";
    case ObjectKind::Lock: return "lock";
    case ObjectKind::Event: return "event";
    case ObjectKind::Condition: return "condition";
    case ObjectKind::Barrier: return "barrier";
    }
    return "object";
}

bool syncObjectKind(const Event& e, ObjectKind& out) noexcept {
    if (e.kind != EventKind::SyncWait && e.kind != EventKind::SyncWake && e.kind != EventKind::SyncSignal) return false;
    if (e.a >= kObjectKinds) return false;
    out = static_cast<ObjectKind>(e.a);
    return true;
}

const char* toString(SyncOp op) noexcept {
    switch (op) {
    case SyncOp::Set: return "set";
    case SyncOp::Clear: return "clear";
    case SyncOp::Notify: return "notify";
    case SyncOp::NotifyAll: return "notify_all";
    case SyncOp::TaskDone: return "task_done";
    case SyncOp::Abort: return "abort";
    case SyncOp::Reset: return "reset";
    }
    return "?";
}

bool objectKindFrom(std::string_view word, ObjectKind& out) noexcept {
    for (std::size_t i = 0; i < kObjectKinds; ++i)
        if (word == toString(static_cast<ObjectKind>(i))) {
            out = static_cast<ObjectKind>(i);
            return true;
        }
    return false;
}

bool objectKindOf(EventKind e, ObjectKind& out) noexcept {
    switch (e) {
    case EventKind::QueuePut: case EventKind::QueueGet: case EventKind::QueueEmpty: case EventKind::QueueFull:
    case EventKind::QueueClose:
        out = ObjectKind::Queue;
        return true;
    case EventKind::LockWait: case EventKind::LockAcquire: case EventKind::LockRelease: case EventKind::LockTimeout:
    case EventKind::LockOwnerDied:
        out = ObjectKind::Lock;
        return true;
    default: return false;
    }
}

std::vector<ObjectInfo> TraceMeta::objectsOf(ObjectKind k) const {
    std::vector<ObjectInfo> out;
    for (const auto& o : objects)
        if (o.kind == k) out.push_back(o);
    return out;
}

std::size_t TraceMeta::countOf(ObjectKind k) const noexcept {
    return static_cast<std::size_t>(std::count_if(objects.begin(), objects.end(), [k](const ObjectInfo& o) { return o.kind == k; }));
}

const ObjectInfo* TraceMeta::findObject(ObjectKind k, std::int32_t id) const noexcept {
    for (const auto& o : objects)
        if (o.kind == k && o.id == id) return &o;
    return nullptr;
}

std::string TraceMeta::objectName(ObjectKind k, std::int32_t id) const {
    const ObjectInfo* o = findObject(k, id);
    if (o && !o->name.empty()) return o->name;
    return std::string(toString(k)) + " " + std::to_string(id);
}

void Trace::updateMeta(const std::function<void(TraceMeta&)>& f) {
    std::lock_guard lk(m_metaMutex);
    f(m_meta);
}

TraceMeta Trace::meta() const {
    std::lock_guard lk(m_metaMutex);
    return m_meta;
}

std::int64_t Trace::zero() const noexcept {
    if (m_hasZero.load(std::memory_order_acquire)) return m_zero.load(std::memory_order_relaxed);
    return size() ? (*this)[0].t : 0;
}

std::size_t Trace::lowerBound(std::int64_t t, std::size_t n) const noexcept {
    std::size_t lo = 0, hi = n;
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo) / 2;
        if ((*this)[mid].t < t) lo = mid + 1; else hi = mid;
    }
    return lo;
}

} // namespace parviz
