#pragma once
// The fork server's request path, shared by runtime.cpp (which owns the server)
// and process.cpp (which asks it for workers). Not public API.
#include "parviz/clock.hpp"
#include "parviz/event.hpp"
#include "parviz/process.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace parviz {

class TraceRing;

struct SpawnRequest {
    ProcessTarget target = nullptr;
    const std::vector<std::string>* args = nullptr;
    std::string_view name;
    ProcId proc = 0;
    TraceRing* ring = nullptr;              // arena pointer or null
    RunClock* clock = nullptr;              // arena pointer or null
    int pinCore = -1;
    std::atomic<std::uint32_t>* gate = nullptr;  // arena word; null = run at once
};

// Asks the fork server for a worker; returns its pid (a child of this process).
// Thread-safe. Throws std::system_error (std::logic_error before init()).
pid_t spawnWorker(const SpawnRequest& req);

// Lets a worker waiting on `gate` run its target.
void openGate(std::atomic<std::uint32_t>* gate) noexcept;

// The worker's own name, set before its target runs (process.cpp keeps it).
void setCurrentProcessName(std::string name);

} // namespace parviz
