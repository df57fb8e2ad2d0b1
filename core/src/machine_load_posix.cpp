// MachineLoadMeter on Linux: /proc/stat, cpuidle counters, and the
// scheduler's CPU times of parviz's own processes (see machine_load.hpp).
#include "parviz/machine_load.hpp"
#include "parviz/runtime.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <sched.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace parviz {
namespace {

std::int64_t clockNs(clockid_t id) noexcept {
    timespec ts{};
    if (clock_gettime(id, &ts) != 0) return 0;
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t tvNs(const timeval& tv) noexcept {
    return std::int64_t{tv.tv_sec} * 1'000'000'000 + std::int64_t{tv.tv_usec} * 1000;
}

// Reads a small text file whole; "" when it cannot.
std::string readSmall(const std::string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string{};
}

std::vector<int> affinityCores() {
    std::vector<int> cores;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return cores;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) cores.push_back(c);
    return cores;
}

// Idle + iowait per core from /proc/stat, in ns (USER_HZ ticks).
std::map<int, std::int64_t> statIdle() {
    std::map<int, std::int64_t> r;
    FILE* f = std::fopen("/proc/stat", "re");
    if (!f) return r;
    const long hz = sysconf(_SC_CLK_TCK);
    const std::int64_t nsPerTick = hz > 0 ? 1'000'000'000 / hz : 10'000'000;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        int core = 0;
        unsigned long long v[5] = {};
        if (std::sscanf(line, "cpu%d %llu %llu %llu %llu %llu", &core, &v[0], &v[1], &v[2], &v[3], &v[4]) < 6)
            continue;
        r[core] = static_cast<std::int64_t>(v[3] + v[4]) * nsPerTick;
    }
    std::fclose(f);
    return r;
}

// Time in every cpuidle state of one core, ns; -1 without cpuidle.
std::int64_t cpuidleNs(int core) {
    std::int64_t total = 0;
    bool any = false;
    for (int s = 0; s < 16; ++s) {
        std::string text = readSmall("/sys/devices/system/cpu/cpu" + std::to_string(core) + "/cpuidle/state" +
                                     std::to_string(s) + "/time");
        if (text.empty()) break;
        total += std::strtoll(text.c_str(), nullptr, 10) * 1000;   // microseconds
        any = true;
    }
    return any ? total : -1;
}

// parviz's own CPU time so far: this process's threads, its reaped children
// (the workers; they are cloned with CLONE_PARENT, so they are ours to reap),
// and the fork server (alive for the program's life, so never reaped).
std::int64_t ownCpuNs() {
    std::int64_t own = clockNs(CLOCK_PROCESS_CPUTIME_ID);
    rusage ru{};
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0) own += tvNs(ru.ru_utime) + tvNs(ru.ru_stime);
    if (pid_t fs = forkServerPid(); fs > 0) {
        std::string text = readSmall("/proc/" + std::to_string(fs) + "/schedstat");
        if (!text.empty()) own += std::strtoll(text.c_str(), nullptr, 10);
    }
    return own;
}

} // namespace

MachineLoadMeter::Reading MachineLoadMeter::read(const std::vector<int>& cores) {
    Reading r;
    auto idle = statIdle();
    std::int64_t cpuidle = 0;
    for (int c : cores) {
        auto it = idle.find(c);
        if (it == idle.end()) return r;   // not ok: a core without a /proc/stat line
        r.statIdleNs += it->second;
        std::int64_t ci = cpuidle >= 0 ? cpuidleNs(c) : -1;
        cpuidle = ci < 0 ? -1 : cpuidle + ci;
    }
    r.cpuidleNs = cpuidle;
    r.ownNs = ownCpuNs();
    r.t = clockNs(CLOCK_MONOTONIC);
    r.ok = !cores.empty();
    return r;
}

MachineLoadMeter::MachineLoadMeter() : m_cores(affinityCores()), m_start(read(m_cores)) {}

std::optional<MachineLoad> MachineLoadMeter::finish() const {
    if (!m_start.ok) return std::nullopt;
    const Reading end = read(m_cores);
    if (!end.ok) return std::nullopt;
    MachineLoad m;
    m.cores = static_cast<int>(m_cores.size());
    m.spanNs = std::max<std::int64_t>(0, end.t - m_start.t);
    m.coreNs = m.spanNs * m.cores;
    const std::int64_t statIdle = end.statIdleNs - m_start.statIdleNs;
    std::int64_t idle = statIdle;
    if (m_start.cpuidleNs >= 0 && end.cpuidleNs >= 0) {
        // The cpuidle counters are exact but only cover idle spent in a
        // cpuidle state; trust them when they agree with /proc/stat within its
        // rounding (two readings of 10 ms ticks per core) plus 5 %.
        const std::int64_t ci = end.cpuidleNs - m_start.cpuidleNs;
        const std::int64_t tolerance = 20'000'000LL * m.cores + m.coreNs / 20;
        if (ci >= 0 && std::llabs(ci - statIdle) <= tolerance) {
            idle = ci;
            m.preciseIdle = true;
        }
    }
    m.busyNs = std::clamp<std::int64_t>(m.coreNs - idle, 0, m.coreNs);
    m.ownNs = std::max<std::int64_t>(0, end.ownNs - m_start.ownNs);
    m.otherNs = std::max<std::int64_t>(0, m.busyNs - m.ownNs);
    return m;
}

} // namespace parviz
