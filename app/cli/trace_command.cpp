// `parviz trace [flags] [--] PROGRAM ARGS...`: runs a Python program with the
// parviz_trace hook (python/), reads its events into a Trace through a
// PythonTraceSource, then prints the same summary and writes the same files
// as `parviz run`.
//
// [SECTION] Arguments
// [SECTION] Starting the program (own process group, the hook on PYTHONPATH)
// [SECTION] Waiting: reaping the group, Ctrl-C / SIGTERM, the hook's absence
// [SECTION] The command
//
// The program's own output goes straight to parviz's stdout and stderr (it is
// not printed again); its stdin is /dev/null when parviz's is a terminal (the
// program runs in a background process group, where reading the terminal
// would stop it).
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/run_flags.hpp"

#include "parviz/export.hpp"
#include "parviz/file_io.hpp"
#include "parviz/python_trace_source.hpp"
#include "parviz/recorder.hpp"
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace parviz::cli {
namespace {

namespace fs = std::filesystem;

constexpr double kHookTimeoutSeconds = 3.0;    // the root must announce itself by then
constexpr int kGraceMs = 300;                  // SIGTERM, then SIGKILL after this
constexpr int kLingerMs = 500;                 // processes left after the root exits get this long

// =============================================================================
// [SECTION] Arguments
// =============================================================================
const char* traceUsage() noexcept {
    return "usage: parviz trace [flags] [--] PROGRAM [ARGS...]\n"
           "\n"
           "Runs PROGRAM (normally python3 script.py) with parviz's Python tracer and records\n"
           "what its processes do: starts and exits, Queue puts and gets, Lock waits and\n"
           "holds, Pool.map tasks and printed lines, under the fork, spawn and forkserver\n"
           "start methods. Then prints the summary `parviz run` prints and writes the same\n"
           "files.\n"
           "\n"
           "flags:\n"
           "  --trace FILE.json        write a Chrome trace (Perfetto, chrome://tracing)\n"
           "  --summary-json FILE      write the summary as JSON\n"
           "  --save-run FILE          save the whole run, to replay in the window\n"
           "  --cores auto|perf|sampling|off\n"
           "                           where per-core data comes from\n"
           "  --help                   this text\n"
           "\n"
           "The program runs in its own process group; Ctrl-C or SIGTERM end the whole group\n"
           "(SIGTERM, then SIGKILL after 0.3 s). A program that does not load the tracer\n"
           "(python3 -I, -E or -S, a cleared environment) runs untraced, with a message.\n"
           "\n"
           "exit status: the program's (128+N when a signal N ended it, 130 after Ctrl-C),\n"
           "2 bad usage or a missing or non-executable PROGRAM\n";
}

struct TraceArgs {
    std::vector<std::string> program;   // PROGRAM ARGS...
    std::optional<std::string> tracePath, summaryPath, savePath;
    RunOptions opts;                    // only --cores
    bool help = false;
};

TraceArgs parseTraceArgs(const std::vector<std::string>& args) {
    TraceArgs r;
    std::size_t i = 0;
    while (i < args.size()) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "--help" || a == "-h") {
            r.help = true;
            return r;
        }
        if (a.empty() || a[0] != '-') break;   // the program
        bool matched = false;
        for (auto [flag, dst] : {std::pair{"--trace", &r.tracePath}, std::pair{"--summary-json", &r.summaryPath},
                                 std::pair{"--save-run", &r.savePath}}) {
            const std::string f = flag;
            if (a == f) {
                if (i + 1 >= args.size()) throw UsageError(f + ": missing value");
                *dst = args[i + 1];
                i += 2;
                matched = true;
            } else if (a.starts_with(f + "=")) {
                *dst = a.substr(f.size() + 1);
                i += 1;
                matched = true;
            }
            if (matched) break;
        }
        if (matched) continue;
        if (a.starts_with("--cores") && parseRunFlag(args, i, r.opts)) continue;
        throw UsageError(a + ": unknown flag (see parviz trace --help)");
    }
    r.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (r.program.empty()) throw UsageError("missing the program: parviz trace [flags] [--] PROGRAM [ARGS...]");
    for (const auto* p : {&r.tracePath, &r.summaryPath, &r.savePath})
        if (*p && (*p)->empty()) throw UsageError("an output file name is empty");
    return r;
}

// PROGRAM as a path to execute: a name without '/' is looked up on PATH.
// Throws UsageError naming it when it is missing or not executable.
std::string resolveProgram(const std::string& prog) {
    auto check = [](const std::string& path) -> int {   // 0 ok, 1 missing, 2 not executable
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return 1;
        if (!S_ISREG(st.st_mode) || ::access(path.c_str(), X_OK) != 0) return 2;
        return 0;
    };
    if (prog.find('/') != std::string::npos) {
        int c = check(prog);
        if (c == 1) throw UsageError(prog + ": no such file");
        if (c == 2) throw UsageError(prog + ": not an executable file");
        return prog;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    bool sawNonExec = false;
    for (std::size_t start = 0; start <= dirs.size();) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        std::string cand = (dir.empty() ? "." : dir) + "/" + prog;
        int c = check(cand);
        if (c == 0) return cand;
        sawNonExec = sawNonExec || c == 2;
        start = end + 1;
    }
    throw UsageError(prog + (sawNonExec ? ": not an executable file" : ": not found on PATH"));
}

// The directory holding sitecustomize.py and parviz_trace/.
std::string pythonDir() {
    auto ok = [](const fs::path& p) {
        std::error_code ec;
        return fs::is_regular_file(p / "parviz_trace" / "__init__.py", ec);
    };
    if (const char* env = std::getenv("PARVIZ_PYTHON_DIR"); env && *env) return env;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec && ok(exe.parent_path().parent_path() / "share" / "parviz" / "python"))
        return (exe.parent_path().parent_path() / "share" / "parviz" / "python").string();
    return PARVIZ_PYTHON_DIR;
}

// =============================================================================
// [SECTION] Starting the program
// =============================================================================
std::atomic<int> g_signal{0};

void onSignal(int sig) { g_signal.store(sig, std::memory_order_relaxed); }

struct Child {
    pid_t pid = -1;       // also its process group
    bool exited = false;
    int status = 0;       // wait status of the root
};

Child spawnProgram(const std::string& path, const std::vector<std::string>& argv, const std::string& traceDir) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (!std::string_view(*e).starts_with("PYTHONPATH=") && !std::string_view(*e).starts_with("PARVIZ_TRACE_DIR="))
            env.emplace_back(*e);
    const char* oldPath = std::getenv("PYTHONPATH");
    env.push_back("PYTHONPATH=" + pythonDir() + (oldPath && *oldPath ? std::string(":") + oldPath : ""));
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
    for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGQUIT}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (isatty(STDIN_FILENO)) posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    Child c;
    int rc = posix_spawn(&c.pid, path.c_str(), &fa, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw UsageError(argv.front() + ": cannot start: " + std::strerror(rc));
    return c;
}

// =============================================================================
// [SECTION] Waiting
// =============================================================================
// Reaps every member of the program's group that has ended (the root, and
// orphans adopted by parviz as subreaper) and tells the source.
void reapGroup(Child& c, PythonTraceSource& src) {
    for (;;) {
        siginfo_t info{};
        if (waitid(P_PGID, static_cast<id_t>(c.pid), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0) return;
        const int code = info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
        src.reaped(info.si_pid, code);
        if (info.si_pid == c.pid) {
            c.exited = true;
            c.status = info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status;
        }
    }
}

bool groupAlive(pid_t pgid) { return ::kill(-pgid, 0) == 0 || errno == EPERM; }

// Ends the group: SIGTERM, then SIGKILL after the grace, reaping as it goes.
void endGroup(Child& c, PythonTraceSource& src) {
    ::kill(-c.pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kGraceMs);
    while (groupAlive(c.pid) && std::chrono::steady_clock::now() < deadline) {
        reapGroup(c, src);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (groupAlive(c.pid)) ::kill(-c.pid, SIGKILL);
    for (int i = 0; i < 400 && groupAlive(c.pid); ++i) {
        reapGroup(c, src);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    reapGroup(c, src);
}

// "ForkPoolWorker-1 died while running ('C', 2)": the first pool task lost
// with its worker, or "" when none was. CPython's Pool never runs such a task
// again nor reports it, so its map() waits forever: that is shown, not fixed.
std::string lostPoolTask(const RunModel& model, const Trace& trace) {
    const TraceMeta meta = trace.meta();
    for (const TaskRecord& r : model.tasks()) {
        if (r.outcome != TaskOutcome::WorkerDied || r.proc >= meta.procs.size() ||
            meta.procs[r.proc].role != ProcRole::PoolWorker)
            continue;
        return meta.procs[r.proc].name + " died while running " + std::string(trace.string(r.name));
    }
    return {};
}

constexpr const char* kPoolHangs =
    ": CPython's Pool never runs that task again nor reports it lost, so Pool.map (or the result's get()) "
    "waits forever. That is CPython's behaviour, shown as it happens (ProcessPoolExecutor would raise "
    "BrokenProcessPool instead).";

// Prints the trace's notes from index `from` on stderr (a Lock released by a
// process that did not hold it, ...); returns how many there are.
std::size_t printNotes(const RunModel& model, const Trace& trace, std::size_t from) {
    const auto& notes = model.notes();
    for (std::size_t i = from; i < notes.size(); ++i)
        std::fprintf(stderr, "parviz trace: note: %s\n", std::string(trace.string(trace[notes[i].index].a)).c_str());
    return notes.size();
}

// Waits for the root; returns the signal that interrupted parviz (0: none).
// tick() runs every pass (about every 5 ms) while the program runs.
int waitProgram(Child& c, PythonTraceSource& src, const std::string& name, const std::function<void()>& tick) {
    const auto start = std::chrono::steady_clock::now();
    bool warned = false;
    while (!c.exited) {
        reapGroup(c, src);
        tick();
        if (int sig = g_signal.load(std::memory_order_relaxed)) {
            endGroup(c, src);
            return sig;
        }
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!warned && !c.exited && elapsed > kHookTimeoutSeconds && !src.rootAnnounced()) {
            warned = true;
            std::fprintf(stderr,
                         "parviz trace: %s has not loaded the tracer after %.0f s, so it runs untraced: python3 -I, "
                         "-E or -S, a cleared environment or a program that is not Python cannot load it (the "
                         "summary will show no processes of the program)\n",
                         name.c_str(), kHookTimeoutSeconds);
        }
        if (!c.exited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // The root is gone; what it left running gets a moment, then the group ends.
    const auto linger = std::chrono::steady_clock::now() + std::chrono::milliseconds(kLingerMs);
    while (groupAlive(c.pid) && std::chrono::steady_clock::now() < linger && !g_signal.load()) {
        reapGroup(c, src);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (groupAlive(c.pid)) endGroup(c, src);
    return g_signal.load();
}

// =============================================================================
// [SECTION] The command
// =============================================================================
std::string makeTraceDir() {
    for (const char* base : {static_cast<const char*>("/dev/shm"), static_cast<const char*>(std::getenv("TMPDIR")),
                             static_cast<const char*>("/tmp")}) {
        if (!base || !*base) continue;
        std::string tmpl = std::string(base) + "/parviz-trace-XXXXXX";
        if (mkdtemp(tmpl.data())) return tmpl;
    }
    throw std::runtime_error(std::string("cannot create a directory for the trace rings: ") + std::strerror(errno));
}

int writeOutputs(const TraceArgs& ta, const Trace& trace, const RunStats& stats, int interruptedBy) {
    int code = 0;
    auto attempt = [&](const std::optional<std::string>& path, const char* flag, auto&& write) {
        if (!path) return;
        try {
            write(*path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "parviz trace: %s: %s\n", flag, e.what());
            code = 1;
        }
    };
    attempt(ta.summaryPath, "--summary-json",
            [&](const std::string& p) { writeFileAtomic(p, summaryJson(stats, interruptedBy ? interruptName(interruptedBy) : nullptr)); });
    attempt(ta.tracePath, "--trace", [&](const std::string& p) { writeChromeTraceFile(trace, p); });
    attempt(ta.savePath, "--save-run", [&](const std::string& p) { saveTrace(trace, p); });
    return code;
}

int traceAndSummarise(const TraceArgs& ta, const std::string& path) {
    const std::string dir = makeTraceDir();
    RecorderOptions ro;
    ro.cores = ta.opts.cores;
    Recorder rec(ro);
    auto source = std::make_unique<PythonTraceSource>(dir);
    PythonTraceSource& src = *source;
    rec.addSource(std::move(source));
    std::string cmdline;
    for (const auto& a : ta.program) cmdline += (cmdline.empty() ? "" : " ") + a;
    std::string name = fs::path(ta.program.front()).filename().string();
    for (const auto& a : ta.program)
        if (a.ends_with(".py")) name = fs::path(a).filename().string();
    rec.trace().updateMeta([&](TraceMeta& m) {
        m.scenario = name;
        m.title = cmdline;
        m.work = kTracedProgramWork;
    });

    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    struct sigaction oldInt {}, oldTerm {};
    sigaction(SIGINT, &sa, &oldInt);
    sigaction(SIGTERM, &sa, &oldTerm);
    prctl(PR_SET_CHILD_SUBREAPER, 1);   // orphans of the program come to us, exit codes included
    Child child;
    int sig = 0;
    std::size_t notesShown = 0;
    try {
        child = spawnProgram(path, ta.program, dir);
        src.setRoot(child.pid);
        // Live: say at once when a pool worker died mid-task (the program
        // then hangs in CPython, and the user should know why).
        RunModel live;
        bool toldHang = false;
        auto lastLook = std::chrono::steady_clock::now();
        sig = waitProgram(child, src, name, [&] {
            const auto now = std::chrono::steady_clock::now();
            if (now - lastLook < std::chrono::milliseconds(100)) return;
            lastLook = now;
            live.update(rec.trace());
            notesShown = printNotes(live, rec.trace(), notesShown);
            if (toldHang) return;
            if (std::string lost = lostPoolTask(live, rec.trace()); !lost.empty()) {
                toldHang = true;
                std::fprintf(stderr, "parviz trace: %s%s Ctrl-C stops the program.\n", lost.c_str(), kPoolHangs);
            }
        });
    } catch (...) {
        sigaction(SIGINT, &oldInt, nullptr);
        sigaction(SIGTERM, &oldTerm, nullptr);
        std::error_code ec;
        fs::remove_all(dir, ec);
        throw;
    }
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
    if (sig != 0) rec.trace().updateMeta([](TraceMeta& m) { m.incomplete = true; });
    rec.finish();
    std::error_code ec;
    fs::remove_all(dir, ec);

    const Trace& trace = rec.trace();
    RunModel model;
    model.update(trace);
    RunStats stats = computeStats(model, trace);
    printNotes(model, trace, notesShown);
    std::fflush(stdout);
    std::printf("\n%s", formatSummary(stats).c_str());
    if (std::string lost = lostPoolTask(model, trace); !lost.empty()) std::printf("\n%s%s\n", lost.c_str(), kPoolHangs);
    if (src.lostEvents() > 0)
        std::printf("\nthe program's processes dropped %llu events (their rings were full)\n",
                    static_cast<unsigned long long>(src.lostEvents()));
    if (sig != 0)
        std::printf("(incomplete: interrupted by %s; the numbers cover what was recorded until then)\n",
                    interruptName(sig));
    std::fflush(stdout);
    const int outputs = writeOutputs(ta, trace, stats, sig);
    if (sig == SIGINT) return 130;
    if (sig != 0) return 128 + sig;
    if (!child.exited) return outputs ? outputs : 1;
    return WIFSIGNALED(child.status) ? 128 + WTERMSIG(child.status) : WEXITSTATUS(child.status);
}

} // namespace

int traceCommand(const std::vector<std::string>& args) {
    TraceArgs ta;
    std::string path;
    try {
        ta = parseTraceArgs(args);
        if (ta.help) {
            std::fputs(traceUsage(), stdout);
            return 0;
        }
        path = resolveProgram(ta.program.front());
        for (const auto& [p, flag] : {std::pair{&ta.tracePath, "--trace"}, std::pair{&ta.summaryPath, "--summary-json"},
                                      std::pair{&ta.savePath, "--save-run"}})
            if (*p) {
                try {
                    checkWritableOutput(**p);
                } catch (const FileError& e) {
                    throw UsageError(std::string(flag) + ": " + e.what());
                }
            }
        return traceAndSummarise(ta, path);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "parviz trace: %s\n", e.what());
        return 2;
    }
}

} // namespace parviz::cli
