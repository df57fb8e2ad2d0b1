// TracedProgram (traced_program.hpp): spawn a program under the Python
// tracer in its own process group, reap it, end the group, finish the trace.
//
// [SECTION] Finding the program and the tracer
// [SECTION] Starting (posix_spawn: safe in a process with threads)
// [SECTION] The watcher: reaping, lingering, ending the group
// [SECTION] TracedProgram
#include "parviz/traced_program.hpp"

#include "parviz/clock.hpp"
#include "parviz/python_trace_source.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parviz {

namespace fs = std::filesystem;

// =============================================================================
// [SECTION] Finding the program and the tracer
// =============================================================================
std::string resolveProgram(const std::string& prog) {
    auto check = [](const std::string& path) -> int {   // 0 ok, 1 missing, 2 not executable
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return 1;
        if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) return 2;
        return 0;
    };
    if (prog.empty()) throw ProgramError("the program's name is empty");
    if (prog.find('/') != std::string::npos) {
        const int c = check(prog);
        if (c == 1) throw ProgramError(prog + ": no such file");
        if (c == 2) throw ProgramError(prog + ": not an executable file");
        return prog;
    }
    const char* path = std::getenv("PATH");
    const std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    bool sawNonExec = false;
    for (std::size_t start = 0; start <= dirs.size();) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        const std::string cand = (dir.empty() ? "." : dir) + "/" + prog;
        const int c = check(cand);
        if (c == 0) return cand;
        sawNonExec = sawNonExec || c == 2;
        start = end + 1;
    }
    throw ProgramError(prog + (sawNonExec ? ": not an executable file" : ": not found on PATH"));
}

std::string pythonTracerDir() {
    auto ok = [](const fs::path& p) {
        std::error_code ec;
        return fs::is_regular_file(p / "parviz_trace" / "__init__.py", ec);
    };
    if (const char* env = std::getenv("PARVIZ_PYTHON_DIR"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    const fs::path installed = exe.parent_path().parent_path() / "share" / "parviz" / "python";
    if (!ec && ok(installed)) return installed.string();
    return std::string(PARVIZ_SOURCE_DIR) + "/python";
}

namespace {

std::string makeTraceDir() {
    for (const char* base : {static_cast<const char*>("/dev/shm"), static_cast<const char*>(std::getenv("TMPDIR")),
                             static_cast<const char*>("/tmp")}) {
        if (!base || !*base) continue;
        std::string tmpl = std::string(base) + "/parviz-trace-XXXXXX";
        if (mkdtemp(tmpl.data())) return tmpl;
    }
    throw std::runtime_error(std::string("cannot create a directory for the trace rings: ") + std::strerror(errno));
}

// =============================================================================
// [SECTION] Starting
// =============================================================================
// posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK) + exec) runs no code of
// ours in the child, so it is safe from a process with threads and a GL
// context, where fork() is not. Returns the pid; throws ProgramError.
pid_t spawnProgram(const std::string& path, const std::vector<std::string>& argv, const std::string& traceDir,
                   const std::string& tracerDir, bool stdinDevNull) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("PYTHONPATH=") && !std::string_view(*e).starts_with("PARVIZ_TRACE_DIR="))
            env.emplace_back(*e);
    const char* oldPath = std::getenv("PYTHONPATH");
    env.push_back("PYTHONPATH=" + tracerDir + (oldPath && *oldPath ? std::string(":") + oldPath : ""));
    env.push_back("PARVIZ_TRACE_DIR=" + traceDir);
    std::vector<char*> envp, args;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argStore = argv;
    for (auto& a : argStore) args.push_back(a.data());
    args.push_back(nullptr);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (stdinDevNull) posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, path.c_str(), &fa, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw ProgramError(argv.front() + ": cannot start: " + std::strerror(rc));
    return pid;
}

std::string readSmall(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    char buf[2048];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::int64_t tvNs(const timeval& tv) { return std::int64_t{tv.tv_sec} * 1'000'000'000 + std::int64_t{tv.tv_usec} * 1000; }

bool groupAlive(pid_t pgid) { return ::kill(-pgid, 0) == 0 || errno == EPERM; }

std::string signalName(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

} // namespace

SelfUsage readSelfUsage() {
    SelfUsage u;
    rusage ru {};
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        u.userNs = tvNs(ru.ru_utime);
        u.sysNs = tvNs(ru.ru_stime);
        u.wakeups = ru.ru_nvcsw;
        u.preempted = ru.ru_nivcsw;
        u.minorFaults = ru.ru_minflt;
        u.majorFaults = ru.ru_majflt;
    }
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0) u.childrenCpuNs = tvNs(ru.ru_utime) + tvNs(ru.ru_stime);
    if (DIR* d = opendir("/proc/self/task")) {
        while (const dirent* e = readdir(d)) {
            if (e->d_name[0] == '.') continue;
            const std::string t = std::string("/proc/self/task/") + e->d_name;
            SelfUsage::Thread th;
            th.name = readSmall(t + "/comm");
            while (!th.name.empty() && th.name.back() == '\n') th.name.pop_back();
            th.cpuNs = std::strtoll(readSmall(t + "/schedstat").c_str(), nullptr, 10);   // run time, ns
            const std::string st = readSmall(t + "/status");
            if (auto at = st.find("\nvoluntary_ctxt_switches:"); at != std::string::npos)
                th.wakeups = std::strtol(st.c_str() + at + 25, nullptr, 10);
            u.threads.push_back(std::move(th));
        }
        closedir(d);
    }
    return u;
}

std::string formatSelfUsage(const SelfUsage& u) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "parviz itself: %.1f ms CPU (user %.1f + sys %.1f), %ld wake-ups, %ld preempted, %ld page faults; "
                  "the program's processes: %.1f ms CPU; threads:",
                  static_cast<double>(u.userNs + u.sysNs) / 1e6, static_cast<double>(u.userNs) / 1e6,
                  static_cast<double>(u.sysNs) / 1e6, u.wakeups, u.preempted, u.minorFaults + u.majorFaults,
                  static_cast<double>(u.childrenCpuNs) / 1e6);
    std::string s = buf;
    for (const auto& t : u.threads) {
        std::snprintf(buf, sizeof buf, " %s %.1f ms %ld wake-ups,", t.name.c_str(), static_cast<double>(t.cpuNs) / 1e6,
                      t.wakeups);
        s += buf;
    }
    if (s.back() == ',') s.pop_back();
    return s;
}

// =============================================================================
// [SECTION] The watcher
// =============================================================================
struct TracedProgram::Impl {
    std::vector<std::string> argv;
    TracedProgramOptions opts;
    std::string dir;
    std::unique_ptr<Recorder> rec;
    PythonTraceSource* src = nullptr;   // owned by rec
    std::shared_ptr<Trace> trace;
    pid_t pid = -1;
    std::chrono::steady_clock::time_point startedAt;

    std::atomic<int> stopSignal{-1};    // >= 0 once stop() was called (the signal, 0 for a button)
    std::atomic<bool> rootExited{false};
    std::atomic<int> rootStatus{0};
    std::atomic<bool> done{false};
    std::optional<SelfUsage> usageAtRootExit;   // guarded by mu
    std::mutex mu;
    std::condition_variable doneCv;
    std::thread watcher;
    // The watcher sleeps on these rather than waking every 5 ms to ask:
    // the root's pidfd (readable once it exited) and stop()'s eventfd.
    int rootFd = -1;
    int stopFd = -1;
    int bellFd = -1;   // the ring directory's `bell` FIFO, held open for reading (the wire doc)

    // Sleeps until the root may have exited, stop() was called, or `ms` passed.
    void nap(int ms) {
        pollfd fds[2] = {{stopFd, POLLIN, 0}, {rootFd, POLLIN, 0}};
        if (::poll(fds, rootFd >= 0 ? 2 : 1, ms) < 0 && errno != EINTR)
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }

    // Reaps every member of the group that has ended (the root, and orphans
    // adopted by parviz as subreaper) and tells the source.
    void reapGroup() {
        for (;;) {
            siginfo_t info{};
            if (waitid(P_PGID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0) return;
            const int code = info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
            src->reaped(info.si_pid, code);
            if (info.si_pid == pid) {
                rootStatus.store(info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status);
                SelfUsage u = readSelfUsage();
                {
                    std::lock_guard lk(mu);
                    usageAtRootExit = std::move(u);
                }
                rootExited.store(true);
            }
        }
    }

    // Ends the group: SIGTERM, then SIGKILL after the grace, reaping as it goes.
    void endGroup() {
        ::kill(-pid, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kGraceMs);
        while (groupAlive(pid) && std::chrono::steady_clock::now() < deadline) {
            reapGroup();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (groupAlive(pid)) ::kill(-pid, SIGKILL);
        for (int i = 0; i < 400 && groupAlive(pid); ++i) {
            reapGroup();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        reapGroup();
    }

    // The watcher thread's body: until the root is gone (or a stop), reap;
    // then give what it left kLingerMs, end the group, finish the trace.
    void watch() {
        pthread_setname_np(pthread_self(), "pvz-watcher");
        bool ended = false;
        while (!rootExited.load()) {
            reapGroup();
            if (stopSignal.load() >= 0) {
                endGroup();
                ended = true;
                break;
            }
            // Orphans of the program (adopted by parviz) are reaped on the
            // timeout; the root's exit and stop() end the nap at once.
            if (!rootExited.load()) nap(rootFd >= 0 ? kOrphanReapMs : 5);
        }
        if (!ended) {
            const auto linger = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLingerMs);
            while (groupAlive(pid) && std::chrono::steady_clock::now() < linger && stopSignal.load() < 0) {
                reapGroup();
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            if (groupAlive(pid)) endGroup();
        }
        if (stopSignal.load() >= 0) trace->updateMeta([](TraceMeta& m) { m.incomplete = true; });
        rec->finish();
        std::error_code ec;
        fs::remove_all(dir, ec);
        {
            std::lock_guard lk(mu);
            done.store(true);
        }
        doneCv.notify_all();
    }
};

// =============================================================================
// [SECTION] TracedProgram
// =============================================================================
TracedProgram::TracedProgram(std::vector<std::string> argv, TracedProgramOptions opts) : m_impl(std::make_unique<Impl>()) {
    Impl& im = *m_impl;
    if (argv.empty()) throw ProgramError("missing the program");
    const std::string path = resolveProgram(argv.front());
    im.argv = std::move(argv);
    im.opts = std::move(opts);
    if (im.opts.tracerDir.empty()) im.opts.tracerDir = pythonTracerDir();
    im.dir = makeTraceDir();
    try {
        RecorderOptions ro;
        ro.cores = im.opts.cores;
        // Every Collector wake-up is taken from the program's cores: while
        // the trace is quiet it sleeps up to kCollectMaxMs, and a ring past
        // its fill mark (the bell FIFO) or a perf buffer past its mark wakes
        // it at once. A record reaches the Trace at most the source's 20 ms
        // slack plus one interval after it happened.
        ro.collectIntervalMs = kCollectMinMs;
        ro.collectMaxIntervalMs = kCollectMaxMs;
        im.rec = std::make_unique<Recorder>(ro);
        auto source = std::make_unique<PythonTraceSource>(im.dir);
        im.src = source.get();
        im.rec->addSource(std::move(source));
        im.trace = im.rec->sharedTrace();
        const std::string bell = im.dir + "/bell";
        if (mkfifo(bell.c_str(), 0600) == 0) {
            // O_RDWR: never an end of file or a hang-up when writers come and go.
            im.bellFd = ::open(bell.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (im.bellFd >= 0 && !im.rec->wakeOnReadable(im.bellFd, true)) {
                ::close(im.bellFd);
                im.bellFd = -1;
            }
        }
        const std::string nm = name(), cmd = commandLine();
        im.trace->updateMeta([&](TraceMeta& m) {
            m.scenario = nm;
            m.title = cmd;
            m.work = kTracedProgramWork;
        });
        // Orphans of the program come to us, exit codes included (waitid P_PGID reaps them).
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        im.pid = spawnProgram(path, im.argv, im.dir, im.opts.tracerDir, im.opts.stdinDevNull);
        im.src->setRoot(im.pid);
        im.rec->watchProgramRoot(im.pid);   // its time on the cores is the run's, from its first instruction
    } catch (...) {
        im.rec.reset();
        if (im.bellFd >= 0) ::close(im.bellFd);
        std::error_code ec;
        fs::remove_all(im.dir, ec);
        throw;
    }
    im.startedAt = std::chrono::steady_clock::now();
    im.rootFd = static_cast<int>(syscall(SYS_pidfd_open, im.pid, 0));   // -1 (an old kernel): the watcher polls
    im.stopFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    im.watcher = std::thread([&im] { im.watch(); });
}

TracedProgram::~TracedProgram() {
    Impl& im = *m_impl;
    if (!im.watcher.joinable()) return;
    if (!im.done.load()) stop();
    im.watcher.join();
    if (im.rootFd >= 0) ::close(im.rootFd);
    if (im.stopFd >= 0) ::close(im.stopFd);
    im.rec.reset();
    if (im.bellFd >= 0) ::close(im.bellFd);
}

std::shared_ptr<Trace> TracedProgram::trace() const { return m_impl->trace; }
pid_t TracedProgram::pid() const noexcept { return m_impl->pid; }

RunStatus TracedProgram::status() const noexcept {
    const Impl& im = *m_impl;
    if (!im.done.load()) return RunStatus::Running;
    if (im.stopSignal.load() >= 0) return RunStatus::Stopped;
    const int st = im.rootStatus.load();
    return im.rootExited.load() && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? RunStatus::Finished : RunStatus::Failed;
}

void TracedProgram::stop(int bySignal) {
    Impl& im = *m_impl;
    if (im.done.load()) return;
    int expected = -1;
    if (!im.stopSignal.compare_exchange_strong(expected, bySignal < 0 ? 0 : bySignal)) return;
    // Recorded first, so what the stop ends is "stopped by the user", not a failure (run_model.hpp).
    im.rec->parentRing().emit(EventKind::RunStop, 0, static_cast<std::uint64_t>(bySignal < 0 ? 0 : bySignal));
    if (im.stopFd >= 0) eventfd_write(im.stopFd, 1);   // the watcher wakes now
}

bool TracedProgram::killProcess(pid_t pid) {
    const Impl& im = *m_impl;
    if (pid <= 0 || im.done.load() || ::getpgid(pid) != im.pid) return false;
    return ::kill(pid, SIGKILL) == 0;
}

bool TracedProgram::wait(std::optional<double> timeoutSeconds) {
    Impl& im = *m_impl;
    std::unique_lock lk(im.mu);
    if (!timeoutSeconds) {
        im.doneCv.wait(lk, [&] { return im.done.load(); });
        return true;
    }
    return im.doneCv.wait_for(lk, std::chrono::duration<double>(*timeoutSeconds), [&] { return im.done.load(); });
}

std::optional<int> TracedProgram::rootWaitStatus() const {
    if (!m_impl->rootExited.load()) return std::nullopt;
    return m_impl->rootStatus.load();
}

std::optional<int> TracedProgram::exitStatus() const {
    const auto st = rootWaitStatus();
    if (!st) return std::nullopt;
    return WIFSIGNALED(*st) ? 128 + WTERMSIG(*st) : WEXITSTATUS(*st);
}

std::string TracedProgram::describeExit() const {
    const auto st = rootWaitStatus();
    if (!st) return m_impl->done.load() ? "stopped" : "running";
    if (WIFSIGNALED(*st)) {
        const int sig = WTERMSIG(*st);
        return "killed by " + signalName(sig) + " (" + std::to_string(sig) + ")";
    }
    return "exit " + std::to_string(WEXITSTATUS(*st));
}

HookStatus TracedProgram::hookStatus() const noexcept {
    const Impl& im = *m_impl;
    const auto startNs =
        std::chrono::duration_cast<std::chrono::nanoseconds>(im.startedAt.time_since_epoch()).count();
    if (const std::int64_t at = im.src->rootAnnouncedAt(); at != 0)
        return {HookStatus::Loaded, static_cast<double>(std::max<std::int64_t>(0, at - startNs)) * 1e-9};
    // done: the Recorder's last pass has looked at every ring, so the root's would have been seen.
    const double ran = std::chrono::duration<double>(std::chrono::steady_clock::now() - im.startedAt).count();
    if (im.done.load()) return {HookStatus::NeverLoaded, ran};
    return {ran > kHookTimeoutSeconds ? HookStatus::NotYet : HookStatus::Starting, ran};
}

std::uint64_t TracedProgram::lostEvents() const noexcept { return m_impl->src->lostEvents(); }
std::uint64_t TracedProgram::reenteredEvents() const noexcept { return m_impl->src->reenteredEvents(); }
const std::vector<std::string>& TracedProgram::argv() const noexcept { return m_impl->argv; }

std::optional<SelfUsage> TracedProgram::usageWhileRunning() const {
    std::lock_guard lk(m_impl->mu);
    return m_impl->usageAtRootExit;
}
const std::string& TracedProgram::ringDirectory() const noexcept { return m_impl->dir; }

std::string TracedProgram::name() const {
    const auto& a = m_impl->argv;
    std::string n = fs::path(a.front()).filename().string();
    for (const auto& s : a)
        if (s.ends_with(".py")) n = fs::path(s).filename().string();
    return n;
}

std::string TracedProgram::commandLine() const {
    std::string c;
    for (const auto& s : m_impl->argv) c += (c.empty() ? "" : " ") + s;
    return c;
}

} // namespace parviz
