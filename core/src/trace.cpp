#include "parviz/trace.hpp"

#include <algorithm>

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
    case EventKind::RunEnd: return "RunEnd";
    case EventKind::KillRequest: return "KillRequest";
    case EventKind::Lost: return "Lost";
    case EventKind::Note: return "Note";
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

std::uint64_t Trace::addString(std::string_view s) { return m_strings.push(std::string(s)); }

std::string_view Trace::string(std::uint64_t id) const noexcept {
    if (id == kNoString || id >= m_strings.size()) return {};
    return m_strings[static_cast<std::size_t>(id)];
}

ProcId Trace::addProcess(ProcInfo p) {
    std::lock_guard lk(m_metaMutex);
    m_meta.procs.push_back(std::move(p));
    return static_cast<ProcId>(m_meta.procs.size() - 1);
}

void Trace::addQueue(ObjectInfo q) {
    std::lock_guard lk(m_metaMutex);
    m_meta.queues.push_back(std::move(q));
}

void Trace::addLock(ObjectInfo l) {
    std::lock_guard lk(m_metaMutex);
    m_meta.locks.push_back(std::move(l));
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
