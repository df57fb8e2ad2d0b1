// init(): the shared arena and the fork server (runtime.hpp).
//
// [SECTION] wire format   one SEQPACKET message per request, one per reply
// [SECTION] worker        what a freshly cloned worker does before its target
// [SECTION] server        the single-threaded loop forking workers
// [SECTION] parent side   init(), spawnWorker()
#include "arena_internal.hpp"
#include "fork_server.hpp"
#include "parviz/arena.hpp"
#include "parviz/runtime.hpp"
#include "parviz/tracer.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <exception>
#include <linux/futex.h>
#include <linux/sched.h>
#include <mutex>
#include <sched.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace parviz {
namespace {

// ---------------------------------------------------------------------------
// [SECTION] wire format
// ---------------------------------------------------------------------------
constexpr std::uint64_t kWireMagic = 0x70617276697a5251ull;  // "parvizRQ"
// Payloads up to this size travel inside the message; bigger ones through an
// arena block the server copies before it clones (so the parent may free it
// as soon as the reply arrives).
constexpr std::size_t kInlinePayload = 16 * 1024;

struct WireHeader {
    std::uint64_t magic;
    ProcessTarget target;
    TraceRing* ring;
    RunClock* clock;
    std::atomic<std::uint32_t>* gate;
    const char* arenaPayload;   // null: payload follows the header
    std::uint64_t payloadBytes;
    std::uint32_t nameBytes;
    std::uint32_t argCount;
    std::int32_t pinCore;
    ProcId proc;
};

struct WireReply {
    std::int64_t pidOrNegErrno;
};

// Payload: name bytes, then per argument a u64 length and its bytes.
std::size_t payloadSize(const SpawnRequest& r) {
    std::size_t n = r.name.size();
    if (r.args)
        for (const auto& a : *r.args) n += sizeof(std::uint64_t) + a.size();
    return n;
}

void writePayload(const SpawnRequest& r, char* out) {
    std::memcpy(out, r.name.data(), r.name.size());
    out += r.name.size();
    if (!r.args) return;
    for (const auto& a : *r.args) {
        std::uint64_t len = a.size();
        std::memcpy(out, &len, sizeof len);
        out += sizeof len;
        std::memcpy(out, a.data(), a.size());
        out += a.size();
    }
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------
bool g_initialized = false;
bool g_shutDown = false;  // shutdown() ran: no more workers
bool g_inWorker = false;
pid_t g_mainPid = 0;
pid_t g_serverPid = 0;
int g_sock = -1;          // parent: its end; server and workers: the server's end
std::mutex g_requestMutex;

// glibc keeps the thread's tid and robust-mutex list head inside its private
// struct pthread. fork() refreshes both in the child; our raw clone does not,
// so the server finds them once (get_robust_list gives the head; the tid sits
// 16 bytes before it in glibc's layout, verified against gettid()) and every
// worker is cloned with CLONE_CHILD_SETTID on that tid and re-registers the
// head. Without this a worker's robust mutexes would carry the server's tid
// and a worker dying with a lock held would never be seen as its owner.
void* g_robustHead = nullptr;
std::size_t g_robustLen = 0;
pid_t* g_tidSlot = nullptr;

// ---------------------------------------------------------------------------
// [SECTION] worker
// ---------------------------------------------------------------------------
// A worker's private memory is the server's, copy-on-write; every page it
// writes and every lazily bound symbol it calls is a page fault (1-2 us each
// here), and a bare fork's child pays none of them. So the server prepares
// everything the worker needs in its own memory before it clones (name, args,
// ring, clock, inWorker), and the worker only reads it: between clone and the
// target it makes a few syscalls and writes nothing but its stack.
struct WorkerStart {
    std::vector<std::string> args;
    char comm[16] = {};             // PR_SET_NAME: the name cut to 15 bytes
    std::atomic<std::uint32_t>* gate = nullptr;
    ProcessTarget target = nullptr;
    int pinCore = -1;
};
WorkerStart g_start;   // server: the request being served; worker: its own

[[noreturn]] void workerExit(int code) {
    std::fflush(nullptr);
    // _exit() would be bound lazily in every worker; syscall() is bound in the server.
    for (;;) syscall(SYS_exit_group, code);
}

// Waits until the parent opens the gate. Not against a deadline: a parent that
// is only slow (a loaded machine, a 1024-worker pool starting) must not turn
// into a worker that exits 127 before its target ran, which a run reports as
// a failed process and a pool as a dead worker to replace. The ways out are
// the parent's: it opens the gate right after Recorder::started(), kills us
// if that throws (Process's destructor), or dies (PDEATHSIG, armed before we
// got here; the parent check below covers a death we could have missed).
void waitGate(std::atomic<std::uint32_t>* gate) {
    while (gate->load(std::memory_order_acquire) == 0) {
        if (getppid() != g_mainPid) workerExit(127);
        timespec ts{1, 0};
        // Not FUTEX_PRIVATE: the word is shared with the parent through the arena.
        syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(gate), FUTEX_WAIT, 0u, &ts, nullptr, 0);
    }
}

[[noreturn]] void runWorker() {
    const WorkerStart& w = g_start;
    if (g_robustHead) syscall(SYS_set_robust_list, g_robustHead, g_robustLen);
    // Die with the main process; if it already died before the prctl, our
    // parent is no longer it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != g_mainPid) syscall(SYS_exit_group, 127);
    close(g_sock);   // the server's end: only the server may hold it
    prctl(PR_SET_NAME, w.comm);
    if (w.pinCore >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w.pinCore, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0)
            std::fprintf(stderr, "parviz: %s: cannot pin to core %d: %s\n", currentProcessName().c_str(),
                         w.pinCore, std::strerror(errno));
    }
    if (w.gate) waitGate(w.gate);

    int code = 1;
    try {
        code = w.target(std::span<const std::string>(w.args));
    } catch (const std::exception& e) {
        print("Process " + currentProcessName() + ": " + e.what());
    } catch (...) {
        print("Process " + currentProcessName() + ": unknown exception");
    }
    // The worker records its own exit at the moment it happens: the parent
    // may reap it much later (join order), and the lanes must not show a
    // finished process as alive until then. Deaths by signal are recorded by
    // the parent when it reaps (Recorder::exited).
    traceEmit(EventKind::ProcExit, 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(code)));
    workerExit(code);
}

// Server side: turns a request into g_start and the per-process globals the
// worker will inherit. Reuses the strings' capacity from request to request.
void stageWorker(const WireHeader& h, const char* payload) {
    WorkerStart& w = g_start;
    w.target = h.target;
    w.gate = h.gate;
    w.pinCore = h.pinCore;
    std::string_view name(payload, h.nameBytes);
    const std::size_t comm = name.size() < sizeof w.comm ? name.size() : sizeof w.comm - 1;
    std::memcpy(w.comm, name.data(), comm);
    w.comm[comm] = '\0';
    w.args.resize(h.argCount);
    const char* p = payload + h.nameBytes;
    for (std::uint32_t i = 0; i < h.argCount; ++i) {
        std::uint64_t len;
        std::memcpy(&len, p, sizeof len);
        p += sizeof len;
        w.args[i].assign(p, len);
        p += len;
    }
    // Huge arguments should not stay resident in the server.
    for (auto& a : w.args)
        if (a.capacity() > (std::size_t{1} << 20)) std::string().swap(a);
    setCurrentProcessName(std::string(name));
    setCurrentRing(h.ring);
    setCurrentWaitRecord(h.ring ? &h.ring->waitRecord() : nullptr);
    setCurrentClock(h.clock);
}

// Binds, in the server, the symbols the worker path calls, so that no worker
// resolves them again (lazy binding writes the GOT: a fault per worker).
void bindWorkerSymbols() {
    std::fflush(nullptr);
    (void)monoNow();
    (void)currentProcessName();
    close(-1);
    errno = 0;
}

// ---------------------------------------------------------------------------
// [SECTION] server
// ---------------------------------------------------------------------------
void resetSignals() {
    struct sigaction sa{};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

void findGlibcThreadSlots() {
    void* head = nullptr;
    std::size_t len = 0;
    if (syscall(SYS_get_robust_list, 0, &head, &len) != 0 || !head) return;
    g_robustHead = head;
    g_robustLen = len;
    auto* tid = reinterpret_cast<pid_t*>(static_cast<char*>(head) - 16);
    if (*tid == static_cast<pid_t>(syscall(SYS_gettid))) g_tidSlot = tid;
}

// Clones a worker as a child of the main process (CLONE_PARENT).
long cloneWorker() {
    std::uint64_t flags = CLONE_PARENT | (g_tidSlot ? CLONE_CHILD_SETTID : 0);
#ifdef SYS_clone3
    clone_args ca{};
    ca.flags = flags;
    // clone3 rejects an exit signal with CLONE_PARENT: the child inherits ours
    // (the server's, SIGCHLD, set by fork()), so the main process gets SIGCHLD.
    ca.exit_signal = 0;
    ca.child_tid = reinterpret_cast<std::uint64_t>(g_tidSlot);
    long r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r >= 0 || errno != ENOSYS) return r;
#endif
#if defined(__x86_64__)
    return syscall(SYS_clone, flags | SIGCHLD, 0, nullptr, g_tidSlot, 0);
#else
    return syscall(SYS_clone, (flags & ~std::uint64_t{CLONE_CHILD_SETTID}) | SIGCHLD, 0, nullptr, nullptr, 0);
#endif
}

[[noreturn]] void serverMain() {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != g_mainPid) _exit(0);
    prctl(PR_SET_NAME, "parviz-forksrv");
    resetSignals();   // workers inherit clean dispositions from us
    findGlibcThreadSlots();

    bindWorkerSymbols();
    // Only workers read it; nobody can ask the server, which runs no user code.
    g_inWorker = true;

    static char buf[sizeof(WireHeader) + kInlinePayload];
    for (;;) {
        ssize_t n = recv(g_sock, buf, sizeof buf, 0);
        if (n == 0) _exit(0);  // the parent closed its end or died
        if (n < 0) {
            if (errno == EINTR) continue;
            _exit(1);
        }
        WireReply reply{};
        WireHeader h;
        if (static_cast<std::size_t>(n) < sizeof h) {
            reply.pidOrNegErrno = -EPROTO;
        } else {
            std::memcpy(&h, buf, sizeof h);
            const char* payload = buf + sizeof h;
            if (h.magic != kWireMagic) {
                reply.pidOrNegErrno = -EPROTO;
            } else {
                // The parent frees an arena payload once it has our reply:
                // stageWorker copies it into our memory first.
                if (h.arenaPayload) payload = h.arenaPayload;
                stageWorker(h, payload);
                long pid = cloneWorker();
                if (pid == 0) runWorker();
                reply.pidOrNegErrno = pid > 0 ? pid : -errno;
            }
        }
        while (send(g_sock, &reply, sizeof reply, MSG_NOSIGNAL) < 0) {
            if (errno != EINTR) _exit(1);
        }
    }
}

// fork() copies only the calling thread: a lock held by another thread at that
// moment stays locked forever in the server. Tell the author loudly.
void warnIfThreaded() {
    int tasks = 0;
    if (DIR* d = opendir("/proc/self/task")) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') ++tasks;
        closedir(d);
    }
    if (tasks > 1)
        std::fprintf(stderr, "parviz: warning: parviz::init() called with %d threads running; "
                             "call it first thing in main()\n", tasks);
}

// The parent holds a pidfd and a perf event descriptor per live worker: 1024
// workers need over 2048 descriptors, beyond the common soft limit of 1024
// (the hard limit is usually far higher). Only the parent's limit is raised,
// after the fork server exists: workers keep the limit the program was given.
void raiseDescriptorLimit() {
    constexpr rlim_t kWant = 1u << 16;
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= kWant || rl.rlim_cur >= rl.rlim_max) return;
    rl.rlim_cur = std::min<rlim_t>(kWant, rl.rlim_max);
    setrlimit(RLIMIT_NOFILE, &rl);   // best effort: short of descriptors the monitor samples, the pool uses waitid
}

} // namespace

// ---------------------------------------------------------------------------
// [SECTION] parent side
// ---------------------------------------------------------------------------
void init(const InitOptions& opts) {
    if (g_initialized) return;
    g_mainPid = getpid();
    warnIfThreaded();
    createArena(opts.arenaBytes);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw std::system_error(errno, std::generic_category(), "socketpair(fork server)");
    // Unflushed stdio buffers would otherwise be written again by every worker.
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        throw std::system_error(e, std::generic_category(), "fork(fork server)");
    }
    if (pid == 0) {
        close(sv[0]);
        g_sock = sv[1];
        serverMain();
    }
    close(sv[1]);
    g_sock = sv[0];
    g_serverPid = pid;
    raiseDescriptorLimit();
    g_initialized = true;
}

void shutdown() noexcept {
    if (!g_initialized || g_inWorker || g_shutDown) return;
    std::lock_guard<std::mutex> lock(g_requestMutex);
    g_shutDown = true;
    close(g_sock);   // the server reads end-of-file and exits
    g_sock = -1;
    // Dead already (a terminal's Ctrl-C reaches it too) or exiting now; a
    // server that does not exit within a second is killed: never a hang.
    for (int i = 0; i < 100; ++i) {
        if (waitpid(g_serverPid, nullptr, WNOHANG) != 0) return;   // reaped, or not ours to reap (ECHILD)
        const timespec nap{0, 10'000'000};
        nanosleep(&nap, nullptr);
    }
    kill(g_serverPid, SIGKILL);
    while (waitpid(g_serverPid, nullptr, 0) < 0 && errno == EINTR) {}
}

bool initialized() noexcept { return g_initialized; }
bool inWorker() noexcept { return g_inWorker; }
pid_t forkServerPid() noexcept { return g_serverPid; }

pid_t spawnWorker(const SpawnRequest& req) {
    if (!g_initialized) throw std::logic_error("parviz: Process::start() before parviz::init()");
    if (g_inWorker) throw std::logic_error("parviz: a worker cannot start processes");
    if (g_shutDown) throw std::logic_error("parviz: Process::start() after parviz::shutdown()");
    const std::size_t payload = payloadSize(req);
    WireHeader h{};
    h.magic = kWireMagic;
    h.target = req.target;
    h.ring = req.ring;
    h.clock = req.clock;
    h.gate = req.gate;
    h.payloadBytes = payload;
    h.nameBytes = static_cast<std::uint32_t>(req.name.size());
    h.argCount = req.args ? static_cast<std::uint32_t>(req.args->size()) : 0;
    h.pinCore = req.pinCore;
    h.proc = req.proc;

    char inlineBuf[sizeof(WireHeader) + 1024];
    std::vector<char> heapBuf;
    char* msg = inlineBuf;
    std::size_t msgBytes = sizeof h;
    char* arenaBlock = nullptr;
    if (payload > kInlinePayload) {
        arenaBlock = static_cast<char*>(arena().allocate(payload));
        writePayload(req, arenaBlock);
        h.arenaPayload = arenaBlock;
    } else {
        msgBytes += payload;
        if (msgBytes > sizeof inlineBuf) {
            heapBuf.resize(msgBytes);
            msg = heapBuf.data();
        }
        writePayload(req, msg + sizeof h);
    }
    std::memcpy(msg, &h, sizeof h);

    WireReply reply{};
    int err = 0;
    {
        std::lock_guard<std::mutex> lock(g_requestMutex);
        ssize_t n;
        while ((n = send(g_sock, msg, msgBytes, MSG_NOSIGNAL)) < 0 && errno == EINTR) {}
        if (n < 0) err = errno;
        if (!err) {
            while ((n = recv(g_sock, &reply, sizeof reply, 0)) < 0 && errno == EINTR) {}
            if (n < 0) err = errno;
            else if (n != static_cast<ssize_t>(sizeof reply)) err = EPIPE;  // server gone
        }
    }
    arena().deallocate(arenaBlock);
    if (err) throw std::system_error(err, std::generic_category(), "parviz: fork server request");
    if (reply.pidOrNegErrno < 0)
        throw std::system_error(static_cast<int>(-reply.pidOrNegErrno), std::generic_category(),
                                "parviz: fork server could not start a worker");
    return static_cast<pid_t>(reply.pidOrNegErrno);
}

void openGate(std::atomic<std::uint32_t>* gate) noexcept {
    if (!gate) return;
    gate->store(1, std::memory_order_release);
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(gate), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

} // namespace parviz
