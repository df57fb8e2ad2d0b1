// The leak-check listener (leak_check.hpp).
#include "leak_check.hpp"

#include "parviz/runtime.hpp"

// Listener base classes are only declared with external interfaces on.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace parviz::test {
namespace {

struct Snapshot {
    std::set<int> fds;
    std::set<pid_t> children;
    std::set<std::string> shm;
};

Snapshot g_base;
bool g_leaked = false;

std::string fdTarget(int fd) {
    char buf[512];
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
    if (n < 0) return "?";
    return std::string(buf, static_cast<std::size_t>(n));
}

std::set<int> openFds() {
    std::set<int> out;
    DIR* d = opendir("/proc/self/fd");
    if (!d) return out;
    const int self = dirfd(d);  // the listing's own descriptor is not a leak
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        int fd = std::atoi(e->d_name);
        if (fd != self) out.insert(fd);
    }
    closedir(d);
    return out;
}

// Children of every thread: workers are children of the thread that forked
// the fork server, helpers of whichever thread started them.
std::set<pid_t> childPids() {
    std::set<pid_t> out;
    DIR* d = opendir("/proc/self/task");
    if (!d) return out;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        std::ifstream f(std::string("/proc/self/task/") + e->d_name + "/children");
        pid_t p;
        while (f >> p)
            if (p != forkServerPid()) out.insert(p);
    }
    closedir(d);
    return out;
}

// /dev/shm is the machine's: `parviz trace` ring directories (parviz-trace-*)
// and CPython's named semaphores (sem.mp-*) appear there whenever anyone on
// the machine traces a Python program, e.g. another checkout's test suite.
// They are not this process's to leak; the trace_*_test files check that parviz
// trace removes its own directory.
bool someoneElses(const std::string& n) { return n.rfind("parviz-trace-", 0) == 0 || n.rfind("sem.mp-", 0) == 0; }

std::set<std::string> shmFiles() {
    std::set<std::string> out;
    DIR* d = opendir("/dev/shm");
    if (!d) return out;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != ".." && !someoneElses(n)) out.insert(n);
    }
    closedir(d);
    return out;
}

std::string processLine(pid_t p) {
    std::ifstream f("/proc/" + std::to_string(p) + "/stat");
    std::string line;
    std::getline(f, line);
    // "pid (comm) state ..." -> "comm, state"
    auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) return "?";
    return line.substr(open + 1, close - open - 1) + ", state " + line.substr(close + 2, 1);
}

Snapshot now() { return {openFds(), childPids(), shmFiles()}; }

} // namespace

void takeLeakSnapshot() { g_base = now(); }
bool leaksFound() noexcept { return g_leaked; }

std::string leakReport() {
    Snapshot s = now();
    std::ostringstream out;
    for (pid_t p : s.children)
        if (!g_base.children.count(p)) out << "child process " << p << " (" << processLine(p) << ") still exists\n";
    for (int fd : s.fds)
        if (!g_base.fds.count(fd)) out << "file descriptor " << fd << " -> " << fdTarget(fd) << " still open\n";
    for (const auto& n : s.shm)
        if (!g_base.shm.count(n)) out << "/dev/shm/" << n << " created\n";
    return out.str();
}

namespace {

struct LeakListener : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;

    void testCaseStarting(const Catch::TestCaseInfo& info) override {
        TestEventListenerBase::testCaseStarting(info);
        takeLeakSnapshot();
    }

    void testCaseEnded(const Catch::TestCaseStats& stats) override {
        std::string report = leakReport();
        if (!report.empty()) {
            g_leaked = true;
            std::fprintf(stderr, "\nLEAK CHECK FAILED in test case \"%s\":\n%s\n", stats.testInfo.name.c_str(),
                         report.c_str());
        }
        TestEventListenerBase::testCaseEnded(stats);
    }
};

} // namespace
} // namespace parviz::test

// The macro pastes the name into an identifier: it needs an unqualified one.
using ParvizLeakListener = parviz::test::LeakListener;
CATCH_REGISTER_LISTENER(ParvizLeakListener)
