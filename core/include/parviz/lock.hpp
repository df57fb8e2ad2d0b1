#pragma once
// Lock: multiprocessing.Lock with an owner. A robust process-shared mutex in
// the shared arena: the owner is known at every moment, releasing a lock you
// do not hold is an error (std::logic_error), and if the owner dies holding it
// the next acquirer gets it and is told so (AcquireResult::OwnerDied).
// Timeouts count unpaused run time.
#include "parviz/event.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <sys/types.h>

namespace parviz {

enum class AcquireResult : std::uint8_t {
    Acquired,    // got it
    OwnerDied,   // got it; the previous owner died holding it (state may be inconsistent)
    TimedOut,    // not acquired (non-blocking try failed or timeout elapsed)
};

struct LockOwner {
    ProcId proc;   // trace id of the owner (0 = parent or untraced)
    pid_t pid;
    std::int64_t since;   // monotonic ns of the acquire
};

class Lock {
public:
    using Timeout = std::optional<std::chrono::nanoseconds>;
    explicit Lock(std::string name = "lock");   // owner of the shared state
    ~Lock();
    Lock(const Lock& o);                        // non-owning handle
    Lock(Lock&& o) noexcept;
    // Copy-and-swap: assigning a copy gives a non-owning handle, assigning a
    // moved-from owner takes over the state; what this handle had is released.
    Lock& operator=(Lock o) noexcept {
        std::swap(m_s, o.m_s);
        std::swap(m_owner, o.m_owner);
        return *this;
    }

    AcquireResult acquire(bool block = true, Timeout timeout = std::nullopt);
    void release();                              // std::logic_error if this process does not hold it
    std::optional<LockOwner> owner() const;      // a snapshot

    std::int32_t id() const noexcept;
    std::string toArg() const;
    static Lock fromArg(std::string_view arg);

private:
    struct Shared;
    struct Adopt {};
    Lock(Adopt, Shared* s) noexcept : m_s(s), m_owner(false) {}
    Shared* m_s = nullptr;
    bool m_owner = false;
};

} // namespace parviz
