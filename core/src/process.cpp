// Process: start through the fork server, reap with waitid (process.hpp).
//
// The pid of an unreaped child cannot be reused: until we reap it, the pid is
// exactly this process, so join, signals and exitcode work on the pid and the
// pidfd is opened only when someone asks for it (pidfd(), join with a timeout).
// That keeps start+join at the fork server round trip plus one waitid.
#include "fork_server.hpp"
#include "parviz/arena.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/runtime.hpp"
#include "parviz/tracer.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <sched.h>
#include <stdexcept>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <time.h>
#include <unistd.h>

namespace parviz {
namespace {

std::string& processNameStorage() {
    static std::string name = "MainProcess";
    return name;
}

// Program-wide numbering when there is no Recorder, per role as in CPython.
std::atomic<int> g_processCounter{0};
std::atomic<int> g_poolCounter{0};

int pidfdOpen(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

int decodeStatus(const siginfo_t& si) {
    return si.si_code == CLD_EXITED ? si.si_status : -si.si_status;
}

} // namespace

struct Process::State {
    ProcessTarget target = nullptr;
    std::vector<std::string> args;
    ProcessOptions opts;
    std::string name;
    ProcId proc = 0;
    pid_t pid = 0;
    int pidfd = -1;
    bool started = false;
    bool reaped = false;
    int code = 0;
    std::atomic<std::uint32_t>* gate = nullptr;

    // Records an exit status once, closing the pidfd and telling the recorder.
    void reapedWith(const siginfo_t& si) {
        reaped = true;
        code = decodeStatus(si);
        if (pidfd >= 0) close(pidfd);
        pidfd = -1;
        if (gate) arena().destroy(gate);
        gate = nullptr;
        if (opts.recorder) opts.recorder->exited(proc, code);
    }

    // The pidfd, opened on first use while the child is unreaped; -1 otherwise
    // (or when the kernel refuses: errno tells why).
    int fd() noexcept {
        if (pidfd < 0 && started && !reaped) pidfd = pidfdOpen(pid);
        return pidfd;
    }

    // Sends a signal while the child is unreaped (its pid is still its own).
    bool signal(int sig) noexcept { return running() && ::kill(pid, sig) == 0; }

    // waitid on the pid; false when nothing to reap (WNOHANG) or not ours.
    bool wait(int flags) {
        siginfo_t si{};
        int rc;
        while ((rc = waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | flags)) < 0 && errno == EINTR) {}
        if (rc < 0) throw std::system_error(errno, std::generic_category(), "parviz: waitid(" + name + ")");
        if (si.si_pid == 0) return false;
        reapedWith(si);
        return true;
    }

    bool running() const noexcept { return started && !reaped; }
};

Process::Process(ProcessTarget target, std::vector<std::string> args, ProcessOptions opts) : m_s(new State) {
    if (!target) throw std::invalid_argument("parviz: Process needs a target");
    m_s->target = target;
    m_s->args = std::move(args);
    m_s->opts = std::move(opts);
    const ProcRole role = m_s->opts.poolWorker ? ProcRole::PoolWorker : ProcRole::Process;
    // Named at construction as in CPython; with a recorder it numbers its own run.
    if (m_s->opts.recorder) {
        m_s->proc = m_s->opts.recorder->addProcess(m_s->opts.name, role);
        m_s->name = m_s->opts.recorder->processName(m_s->proc);
    } else if (!m_s->opts.name.empty()) {
        m_s->name = m_s->opts.name;
    } else if (m_s->opts.poolWorker) {
        m_s->name = "ForkPoolWorker-" + std::to_string(++g_poolCounter);
    } else {
        m_s->name = "Process-" + std::to_string(++g_processCounter);
    }
}

Process::~Process() {
    if (!m_s) return;
    if (m_s->running()) {
        try {
            kill();
            m_s->wait(0);
        } catch (...) {
            // Nothing sensible to do in a destructor; waitid only fails if the
            // child is not ours any more.
        }
    }
    if (m_s->pidfd >= 0) close(m_s->pidfd);
    if (m_s->gate) arena().destroy(m_s->gate);
    delete m_s;
}

Process::Process(Process&& o) noexcept : m_s(o.m_s) { o.m_s = nullptr; }

Process& Process::operator=(Process&& o) noexcept {
    if (this != &o) {
        Process dead(std::move(*this));  // kills and reaps what we held
        m_s = o.m_s;
        o.m_s = nullptr;
    }
    return *this;
}

void Process::start() {
    if (!m_s) throw std::logic_error("parviz: start() on a moved-from Process");
    if (m_s->started) throw std::logic_error("parviz: Process " + m_s->name + " started twice");
    Recorder* rec = m_s->opts.recorder;
    SpawnRequest req;
    req.target = m_s->target;
    req.args = &m_s->args;
    req.name = m_s->name;
    req.proc = m_s->proc;
    req.pinCore = m_s->opts.pinCore;
    if (rec) {
        req.ring = rec->ring(m_s->proc);
        req.clock = &rec->clock();
        // The worker waits until the recorder watches it, so its first
        // instructions already show up in the core data.
        m_s->gate = arena().make<std::atomic<std::uint32_t>>(0u);
        req.gate = m_s->gate;
    }
    pid_t pid;
    try {
        pid = spawnWorker(req);
    } catch (...) {
        if (m_s->gate) arena().destroy(m_s->gate);
        m_s->gate = nullptr;
        throw;
    }
    m_s->pid = pid;
    m_s->started = true;
    if (rec) {
        rec->started(m_s->proc, pid);
        openGate(m_s->gate);
    }
}

bool Process::join(std::optional<std::chrono::nanoseconds> timeout) {
    if (!m_s || !m_s->started) throw std::logic_error("parviz: join() on a process that was not started");
    if (m_s->reaped) return true;
    if (!timeout) return m_s->wait(0);
    const auto deadline = std::chrono::steady_clock::now() + *timeout;
    for (;;) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left < std::chrono::nanoseconds::zero()) left = std::chrono::nanoseconds::zero();
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
        const int fd = m_s->fd();
        if (fd < 0) {
            // No pidfd (EMFILE: a parent with ~1000 workers may be at its
            // descriptor limit): look with waitid every millisecond or so.
            if (m_s->wait(WNOHANG)) return true;
            if (ns == 0) return false;
            const timespec nap{0, static_cast<long>(std::min<std::int64_t>(ns, 1'000'000))};
            nanosleep(&nap, nullptr);
            continue;
        }
        pollfd pfd{fd, POLLIN, 0};
        int rc = ppoll(&pfd, 1, &ts, nullptr);
        if (rc < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "parviz: ppoll(pidfd)");
        if (rc > 0) return m_s->wait(0);
        if (rc == 0) return m_s->wait(WNOHANG);  // one last look, then give up
    }
}

bool Process::isAlive() { return m_s && m_s->started && !exitcode().has_value(); }

std::optional<int> Process::exitcode() {
    if (!m_s || !m_s->started) return std::nullopt;
    if (!m_s->reaped && !m_s->wait(WNOHANG)) return std::nullopt;
    return m_s->code;
}

void Process::terminate() {
    if (m_s) m_s->signal(SIGTERM);
}
void Process::kill() {
    if (m_s) m_s->signal(SIGKILL);
}
void Process::stop() {
    if (m_s && m_s->signal(SIGSTOP) && m_s->opts.recorder)
        m_s->opts.recorder->emitFor(m_s->proc, EventKind::ProcStopped);
}
void Process::cont() {
    if (m_s && m_s->signal(SIGCONT) && m_s->opts.recorder)
        m_s->opts.recorder->emitFor(m_s->proc, EventKind::ProcContinued);
}

pid_t Process::pid() const noexcept { return m_s ? m_s->pid : 0; }
int Process::pidfd() const noexcept { return m_s ? m_s->fd() : -1; }
const std::string& Process::name() const noexcept {
    static const std::string empty;
    return m_s ? m_s->name : empty;
}
ProcId Process::proc() const noexcept { return m_s ? m_s->proc : 0; }

void setCurrentProcessName(std::string name) { processNameStorage() = std::move(name); }

const std::string& currentProcessName() noexcept { return processNameStorage(); }

void print(std::string_view line) {
    if (TraceRing* r = currentRing()) {
        r->emit(EventKind::Print, 0, r->text(line, kMaxPrintLine));
        return;
    }
    // One write per line, so lines of concurrent workers never interleave.
    std::string buf;
    buf.reserve(line.size() + 1);
    buf.append(line);
    buf.push_back('\n');
    const char* p = buf.data();
    std::size_t left = buf.size();
    while (left > 0) {
        ssize_t n = ::write(1, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

[[noreturn]] void exitProcess(int code) {
    if (inWorker()) {
        std::fflush(nullptr);
        traceEmit(EventKind::ProcExit, 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(code)));
        _exit(code);
    }
    std::exit(code);
}

int cpuCountTotal() noexcept {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

int currentCore() noexcept { return sched_getcpu(); }

int cpuCountUsable() noexcept {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return cpuCountTotal();
    return CPU_COUNT(&set);
}

} // namespace parviz
