#include "cli/startup_timing.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <unistd.h>

namespace parviz::startup {
namespace {

using Clock = std::chrono::steady_clock;

// The process's age when first asked: now (CLOCK_BOOTTIME) minus the start
// time /proc/self/stat gives in clock ticks since boot. 0 when unreadable.
double ageAtFirstCallMs() noexcept {
    std::ifstream in("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count after its ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    const char* p = stat.c_str() + close + 1;
    unsigned long long start = 0;
    for (int field = 3; field <= 22 && *p; ++field) {
        while (*p == ' ') ++p;
        if (field == 22) start = std::strtoull(p, nullptr, 10);
        while (*p && *p != ' ') ++p;
    }
    const long hz = sysconf(_SC_CLK_TCK);
    timespec now{};
    if (start == 0 || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &now) != 0) return 0;
    const double ms = (static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9 -
                       static_cast<double>(start) / static_cast<double>(hz)) * 1e3;
    return ms > 0 ? ms : 0;
}

struct Origin {
    Clock::time_point at = Clock::now();
    double ageMs = ageAtFirstCallMs();
    double lastMs = -1;
};

Origin& origin() noexcept {
    static Origin o;
    return o;
}

} // namespace

bool timingOn() noexcept {
    static const bool on = [] {
        const char* v = std::getenv("PARVIZ_TIMING");
        return v && *v && std::string(v) != "0";
    }();
    return on;
}

double sinceStartMs() noexcept {
    const Origin& o = origin();
    return o.ageMs + std::chrono::duration<double, std::milli>(Clock::now() - o.at).count();
}

void mark(const char* phase) noexcept {
    if (!timingOn()) return;
    const double ms = sinceStartMs();
    Origin& o = origin();
    const double step = o.lastMs < 0 ? ms : ms - o.lastMs;
    o.lastMs = ms;
    std::fprintf(stderr, "parviz timing: %8.1f ms  %s  (+%.1f)\n", ms, phase, step);
}

} // namespace parviz::startup
