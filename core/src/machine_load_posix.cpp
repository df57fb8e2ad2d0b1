// MachineLoadMeter on Linux: /proc/stat, cpuidle counters, and the
// scheduler's CPU times of parviz's own processes (see machine_load.hpp).
#include "parviz/machine_load.hpp"
#include "parviz/runtime.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <ctime>
#include <fcntl.h>
#include <map>
#include <set>
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

struct CoreTicks {
    std::int64_t idleNs = 0;    // idle + iowait
    std::int64_t stealNs = 0;   // given by the hypervisor to other machines
};

// Idle + iowait and steal per core from /proc/stat, in ns (USER_HZ ticks).
std::map<int, CoreTicks> statIdle() {
    std::map<int, CoreTicks> r;
    FILE* f = std::fopen("/proc/stat", "re");
    if (!f) return r;
    const long hz = sysconf(_SC_CLK_TCK);
    const std::int64_t nsPerTick = hz > 0 ? 1'000'000'000 / hz : 10'000'000;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        int core = 0;
        unsigned long long v[8] = {};
        // user nice system idle iowait irq softirq steal (steal since Linux 2.6.11)
        const int got = std::sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &core, &v[0], &v[1], &v[2],
                                    &v[3], &v[4], &v[5], &v[6], &v[7]);
        if (got < 6) continue;
        r[core] = {static_cast<std::int64_t>(v[3] + v[4]) * nsPerTick,
                   got >= 9 ? static_cast<std::int64_t>(v[7]) * nsPerTick : 0};
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

// This program's name as /proc/PID/stat names it (its comm): "parviz".
const std::string& ownComm() {
    static const std::string name = [] {
        std::string n = readSmall("/proc/self/comm");
        while (!n.empty() && (n.back() == '\n' || n.back() == ' ')) n.pop_back();
        return n;
    }();
    return name;
}

// Every process's CPU time but parviz's own (this process, the fork server
// and their descendants: the workers, a traced program and its children),
// from /proc/PID/stat: utime + stime (ticks), start time, name; each marked
// when an ancestor bears this program's name (another parviz's workers).
std::map<int, MachineLoadMeter::ProcSample> otherProcesses() {
    std::map<int, MachineLoadMeter::ProcSample> all;
    std::map<int, int> parent;
    DIR* d = opendir("/proc");
    if (!d) return all;
    const long hz = sysconf(_SC_CLK_TCK);
    const std::int64_t nsPerTick = hz > 0 ? 1'000'000'000 / hz : 10'000'000;
    while (dirent* de = readdir(d)) {
        if (de->d_name[0] < '0' || de->d_name[0] > '9') continue;
        const int pid = std::atoi(de->d_name);
        const std::string text = readSmall(std::string("/proc/") + de->d_name + "/stat");
        // pid (comm) state ppid ... field 14 utime, 15 stime, 22 starttime; comm may hold spaces and ')'.
        const auto open = text.find('('), close = text.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close < open) continue;
        std::string name = text.substr(open + 1, close - open - 1);
        // Kernel threads of one kind are one program ("kworker/0:1" and "kworker/u4:2": kworker).
        if (const auto slash = name.find('/'); slash != std::string::npos && slash > 0) name.resize(slash);
        char state = 0;
        int ppid = 0;
        unsigned long long f[20] = {};
        // After ')': state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
        // cutime cstime priority nice num_threads itrealvalue starttime
        if (std::sscanf(text.c_str() + close + 1,
                        " %c %d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                        &state, &ppid, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10],
                        &f[11], &f[12], &f[13], &f[14], &f[15], &f[16], &f[17]) < 20)
            continue;
        MachineLoadMeter::ProcSample ps;
        ps.name = std::move(name);
        ps.cpuNs = static_cast<std::int64_t>(f[9] + f[10]) * nsPerTick;
        ps.startTicks = f[17];
        all.emplace(pid, std::move(ps));
        parent[pid] = ppid;
    }
    closedir(d);
    std::set<int> ours{static_cast<int>(getpid())};
    if (pid_t fs = forkServerPid(); fs > 0) ours.insert(static_cast<int>(fs));
    for (auto it = all.begin(); it != all.end();) {
        bool own = false;
        for (int p = it->first, depth = 0; p > 1 && depth < 64; ++depth) {
            if (ours.count(p)) { own = true; break; }
            auto pp = parent.find(p);
            if (pp == parent.end()) break;
            p = pp->second;
        }
        it = own ? all.erase(it) : std::next(it);
    }
    const std::string& me = ownComm();
    for (auto& [pid, ps] : all) {
        if (me.empty()) break;
        for (int p = parent.count(pid) ? parent[pid] : 0, depth = 0; p > 1 && depth < 64; ++depth) {
            const auto a = all.find(p);
            if (a != all.end() && a->second.name == me) {
                ps.underOwnName = true;
                break;
            }
            const auto pp = parent.find(p);
            if (pp == parent.end()) break;
            p = pp->second;
        }
    }
    return all;
}

} // namespace

std::vector<OtherProgram> MachineLoadMeter::namePrograms(const std::map<int, ProcSample>& before,
                                                         const std::map<int, ProcSample>& after,
                                                         std::int64_t coreNs, const std::string& ownName) {
    std::map<std::string, std::int64_t> byName;
    for (const auto& [pid, a] : after) {
        auto b = before.find(pid);
        // A process started between the readings (or a reused pid) took all its time in the run.
        const std::int64_t was = b != before.end() && b->second.startTicks == a.startTicks ? b->second.cpuNs : 0;
        const bool another = !ownName.empty() && (a.name == ownName || a.underOwnName);
        if (a.cpuNs > was) byName[another ? "another " + ownName : a.name] += a.cpuNs - was;
    }
    std::vector<OtherProgram> r;
    for (auto& [name, ns] : byName)
        if (coreNs > 0 && static_cast<double>(ns) >= kMinNamedShare * static_cast<double>(coreNs)) r.push_back({name, ns});
    std::sort(r.begin(), r.end(), [](const OtherProgram& x, const OtherProgram& y) {
        return x.ns != y.ns ? x.ns > y.ns : x.name < y.name;
    });
    if (r.size() > kMaxOtherPrograms) r.resize(kMaxOtherPrograms);
    return r;
}

MachineLoadMeter::Reading MachineLoadMeter::read(const std::vector<int>& cores) {
    Reading r;
    auto idle = statIdle();
    std::int64_t cpuidle = 0;
    for (int c : cores) {
        auto it = idle.find(c);
        if (it == idle.end()) return r;   // not ok: a core without a /proc/stat line
        r.statIdleNs += it->second.idleNs;
        r.stealNs += it->second.stealNs;
        std::int64_t ci = cpuidle >= 0 ? cpuidleNs(c) : -1;
        cpuidle = ci < 0 ? -1 : cpuidle + ci;
    }
    r.cpuidleNs = cpuidle;
    r.ownNs = ownCpuNs();
    r.t = clockNs(CLOCK_MONOTONIC);
    r.others = otherProcesses();
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
    m.stealNs = std::clamp<std::int64_t>(end.stealNs - m_start.stealNs, 0, m.otherNs);
    m.others = namePrograms(m_start.others, end.others, m.coreNs, ownComm());
    return m;
}

} // namespace parviz
