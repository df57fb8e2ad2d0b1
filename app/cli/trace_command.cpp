// `parviz trace [flags] [--] PROGRAM ARGS...`: runs a Python program with the
// parviz_trace hook (python/), reads its events into a Trace through a
// PythonTraceSource, then prints the same summary and writes the same files
// as `parviz run`.
//
// [SECTION] Arguments
// [SECTION] What to say while it runs (a lost pool task, notes)
// [SECTION] The command (the program itself is a TracedProgram, traced_program.hpp)
//
// The program's own output goes straight to parviz's stdout and stderr (it is
// not printed again); its stdin is /dev/null when parviz's is a terminal (the
// program runs in a background process group, where reading the terminal
// would stop it).
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/program_end.hpp"
#include "cli/run_flags.hpp"
#ifdef PARVIZ_HAVE_GUI
#include "gui/gui.hpp"
#endif

#include "parviz/export.hpp"
#include "parviz/file_io.hpp"
#include "parviz/run_model.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"
#include "parviz/traced_program.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>

namespace parviz::cli {
namespace {

// =============================================================================
// [SECTION] Arguments
// =============================================================================
const char* traceUsage() noexcept {
    return "usage: parviz trace [--gui|--no-gui] [flags] [--] PROGRAM [ARGS...]\n"
           "\n"
           "Runs PROGRAM (normally python3 script.py) with parviz's Python tracer and records\n"
           "what its processes do: starts and exits, Queue puts and gets, Lock waits and\n"
           "holds, Pool.map tasks and printed lines, under the fork, spawn and forkserver\n"
           "start methods. Typed at a terminal on a desktop (stdin and stdout a terminal,\n"
           "DISPLAY or WAYLAND_DISPLAY set) it shows the program live in the window, as\n"
           "--gui does; otherwise (a pipe, a script, ssh without X) it prints the summary\n"
           "`parviz run` prints and writes the same files.\n"
           "\n"
           "flags:\n"
           "  --gui                    watch it live in the window (the same panels as a\n"
           "                           run; Code shows its source; Stop ends its process group);\n"
           "                           after it: the window's --size, --theme, --presentation,\n"
           "                           --screenshot FILE.png (when the program has ended),\n"
           "                           --screenshot-at S, --layout-json FILE; --trace, --summary-json\n"
           "                           and --save-run are written when the program has ended (or was\n"
           "                           stopped, or the window closed first: marked incomplete)\n"
           "  --no-gui                 the summary in the terminal, even at a terminal on a desktop\n"
           "  --trace FILE.json        write a Chrome trace (Perfetto, chrome://tracing)\n"
           "  --summary-json FILE      write the summary as JSON\n"
           "  --save-run FILE          save the whole run, to replay in the window\n"
           "  --cores auto|perf|sampling|off\n"
           "                           where per-core data comes from\n"
           "  --help                   this text\n"
           "\n"
           "The program runs in its own process group; Ctrl-C or SIGTERM end the whole group\n"
           "(SIGTERM, then SIGKILL after 0.3 s). A program that has not loaded the tracer after\n"
           "3 s is said to be not traced yet (a Python starting on a busy machine can take\n"
           "that long), and later either traced after all or, once it has ended, untraced\n"
           "(python3 -I, -E or -S, a cleared environment).\n"
           "\n"
           "exit status: the program's (128+N when a signal N ended it, 130 after Ctrl-C),\n"
           "said on stderr when it is not 0 (python3's 2 for a script it cannot open is the\n"
           "program's, not parviz's); 2 bad usage or a missing or non-executable PROGRAM.\n"
           "With --gui, Ctrl-C or SIGTERM after the program has ended only close the window:\n"
           "the exit status is then the program's own.\n";
}

struct TraceArgs {
    std::vector<std::string> program;   // PROGRAM ARGS...
    std::optional<std::string> tracePath, summaryPath, savePath;
    RunOptions opts;                    // only --cores
    bool help = false;
    bool gui = false;                   // --gui (or a terminal on a desktop): watch it live in the window
    bool guiByDefault = false;          // gui came from windowByDefault(), not --gui
    std::vector<std::string> windowArgs;   // flags handed on to the window (--cores)
};

// Whether `parviz trace` opens the window without --gui: a person typed it at
// a terminal on a desktop (stdin and stdout are terminals, a display is set).
// LESSON.md's step 8 and README's first trace command are `parviz trace --
// python3 my_pool.py`, which printed only the summary (newcomer walk, session
// 28). A pipe, a script or ssh without X keeps the terminal summary, so every
// scripted use (the tests, bench/) is as before.
bool windowByDefault() {
#ifdef PARVIZ_HAVE_GUI
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) return false;
    const char* d = std::getenv("DISPLAY");
    const char* w = std::getenv("WAYLAND_DISPLAY");
    return (d && *d) || (w && *w);
#else
    return false;
#endif
}

TraceArgs parseTraceArgs(const std::vector<std::string>& args, bool guiByDefault) {
    TraceArgs r;
    // --no-gui anywhere before the program wins over the default.
    bool noGui = false;
    for (const std::string& a : args) {
        if (a == "--" || a.empty() || (a[0] != '-')) break;
        noGui = noGui || a == "--no-gui";
    }
    r.gui = r.guiByDefault = guiByDefault && !noGui;
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
        if (a == "--gui") {
            if (noGui) throw UsageError("--gui and --no-gui: give one of them");
            r.gui = true;
            r.guiByDefault = false;
            ++i;
            continue;
        }
        if (a == "--no-gui") {
            ++i;
            continue;
        }
        // The window's own flags, handed on with --gui (--screenshot: captured when the program has ended).
        if (r.gui && (a == "--screenshot" || a == "--screenshot-at" || a == "--layout-json" || a == "--size" ||
                      a == "--theme" || a == "--test-dump")) {
            if (i + 1 >= args.size()) throw UsageError(a + ": missing value");
            r.windowArgs.insert(r.windowArgs.end(), {a, args[i + 1]});
            i += 2;
            continue;
        }
        if (r.gui && a == "--presentation") {
            r.windowArgs.push_back(a);
            ++i;
            continue;
        }
        // A window flag before --gui (or without it): say which flag is missing,
        // not just "unknown flag".
        for (const char* w : {"--screenshot", "--screenshot-at", "--layout-json", "--size", "--theme", "--test-dump",
                              "--presentation"})
            if (!r.gui && a == w)
                throw UsageError(a + ": a window flag: give --gui first (parviz trace --gui " + w +
                                 (std::string_view(w) == "--presentation" ? "" : " ...") + " -- PROGRAM ...)" +
                                 (noGui ? ", not --no-gui"
                                        : "; without --gui the window opens only when parviz trace is typed at a "
                                          "terminal on a desktop (stdin and stdout a terminal, DISPLAY set)"));
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
        if (const std::size_t at = i; a.starts_with("--cores") && parseRunFlag(args, i, r.opts)) {
            r.windowArgs.insert(r.windowArgs.end(), args.begin() + static_cast<std::ptrdiff_t>(at),
                                args.begin() + static_cast<std::ptrdiff_t>(i));
            continue;
        }
        throw UsageError(a + ": unknown flag (see parviz trace --help)");
    }
    r.program.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    if (r.program.empty()) throw UsageError("missing the program: parviz trace [flags] [--] PROGRAM [ARGS...]");
    for (const auto* p : {&r.tracePath, &r.summaryPath, &r.savePath})
        if (*p && (*p)->empty()) throw UsageError("an output file name is empty");
    // With --gui the window writes them when the program has ended.
    for (const auto& [p, flag] : {std::pair{&r.tracePath, "--trace"}, std::pair{&r.summaryPath, "--summary-json"},
                                  std::pair{&r.savePath, "--save-run"}})
        if (r.gui && *p) r.windowArgs.insert(r.windowArgs.end(), {flag, **p});
    return r;
}

// =============================================================================
// [SECTION] What to say while it runs
// =============================================================================
// "ForkPoolWorker-1 died while running ('C', 2)": the first Pool task lost
// with its worker, or "" when none was. CPython's Pool never runs such a task
// again nor reports it, so its map() waits forever: that is shown, not fixed.
// Only a Pool's workers (by the queue they take their work from, the run
// model's roles, never their names): a ProcessPoolExecutor's worker's death
// makes it raise BrokenProcessPool instead, so its program does not hang.
std::string lostPoolTask(const RunModel& model, const Trace& trace) {
    const TraceMeta meta = trace.meta();
    for (const TaskRecord& r : model.tasks()) {
        if (r.outcome != TaskOutcome::WorkerDied || r.proc >= meta.procs.size() ||
            meta.procs[r.proc].role != ProcRole::PoolWorker || workerPoolKind(model, r.proc) == PoolKind::Executor)
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

// =============================================================================
// [SECTION] The command
// =============================================================================
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

std::atomic<int> g_signal{0};

void onSignal(int sig) { g_signal.store(sig, std::memory_order_relaxed); }

// True once events [from, trace.size()) hold what the live model is needed
// for: a note, or a process killed by a signal (a pool task lost with its
// worker). `from` advances to where the scan stopped.
bool liveModelNeeded(const Trace& trace, std::size_t& from) {
    for (const std::size_t n = trace.size(); from < n; ++from) {
        const Event& e = trace[from];
        if (e.kind == EventKind::Note || (e.kind == EventKind::ProcExit && static_cast<std::int64_t>(e.a) < 0))
            return true;
    }
    return false;
}

// What was said about the tracer hook (hookStatusLine): "not yet" after 3 s
// without it, then "traced after all" once it loads, or "ran untraced" once
// the program has ended without it. A slow Python start on a busy machine
// (2.9 s at load 8) is not an untraced program: nothing false is said early.
struct HookTold {
    bool notYet = false;    // the "not yet" line was said
    bool settled = false;   // nothing more to say
};

void tellHook(const TracedProgram& prog, HookTold& told) {
    const HookStatus h = prog.hookStatus();
    if (h.kind == HookStatus::Starting || (h.kind == HookStatus::NotYet && told.notYet)) return;
    if (const std::string line = hookStatusLine(h, prog.name(), told.notYet); !line.empty())
        std::fprintf(stderr, "parviz trace: %s\n", line.c_str());
    told.notYet = told.notYet || h.kind == HookStatus::NotYet;
    told.settled = h.kind == HookStatus::Loaded || h.kind == HookStatus::NeverLoaded;
}

// Runs the program to its end (or Ctrl-C), saying live what the user should
// know at once: notes, a pool task lost with its worker (CPython then hangs),
// a program that did not load the tracer. Returns the signal that stopped it (0: none).
// The live RunModel is built only once the trace holds a note or a process
// killed by a signal (liveModelNeeded), and then kept up to date: building it
// for every event cost about 40 % of parviz's CPU during a traced Pool.map
// (perf, session 10), taken from the traced program's own cores.
int superviseProgram(TracedProgram& prog, std::size_t& notesShown) {
    RunModel live;
    bool liveNeeded = false;
    std::size_t scanned = 0;
    bool toldHang = false;
    HookTold hook;
    auto lastLook = std::chrono::steady_clock::now();
    // 50 ms: Ctrl-C and the hook check need no more; every wake-up is taken
    // from the program's cores.
    while (!prog.wait(0.05)) {
        if (int sig = g_signal.load(std::memory_order_relaxed)) {
            prog.stop(sig);
            prog.wait();
            return sig;
        }
        if (!hook.settled) tellHook(prog, hook);
        const auto now = std::chrono::steady_clock::now();
        if (now - lastLook < std::chrono::milliseconds(100)) continue;
        lastLook = now;
        const Trace& trace = *prog.trace();
        if (!liveNeeded && !(liveNeeded = liveModelNeeded(trace, scanned))) continue;
        live.update(trace);
        notesShown = printNotes(live, trace, notesShown);
        if (toldHang) continue;
        if (std::string lost = lostPoolTask(live, trace); !lost.empty()) {
            toldHang = true;
            std::fprintf(stderr, "parviz trace: %s%s Ctrl-C stops the program.\n", lost.c_str(), kPoolHangs);
        }
    }
    // The end came between two looks: "traced after all", or "ran untraced", said now.
    if (!hook.settled) tellHook(prog, hook);
    return g_signal.load();
}

int traceAndSummarise(const TraceArgs& ta) {
    TracedProgramOptions po;
    po.cores = ta.opts.cores;
    po.stdinDevNull = isatty(STDIN_FILENO) != 0;
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    struct sigaction oldInt {}, oldTerm {};
    sigaction(SIGINT, &sa, &oldInt);
    sigaction(SIGTERM, &sa, &oldTerm);
    struct RestoreSignals {
        struct sigaction &i, &t;
        ~RestoreSignals() {
            sigaction(SIGINT, &i, nullptr);
            sigaction(SIGTERM, &t, nullptr);
        }
    } restore{oldInt, oldTerm};
    TracedProgram prog(ta.program, po);
    std::size_t notesShown = 0;
    const int sig = superviseProgram(prog, notesShown);
    // The benchmark's view of parviz's own cost (bench/bench_python_trace.py):
    // what parviz spent while the program ran, read when its root was reaped.
    if (const char* u = std::getenv("PARVIZ_TRACE_USAGE"); u && *u && std::string_view(u) != "0")
        if (const auto usage = prog.usageWhileRunning()) std::fprintf(stderr, "%s\n", formatSelfUsage(*usage).c_str());

    const Trace& trace = *prog.trace();
    RunModel model;
    model.update(trace);
    RunStats stats = computeStats(model, trace);
    printNotes(model, trace, notesShown);
    std::fflush(stdout);
    std::printf("\n%s", formatSummary(stats).c_str());
    if (std::string lost = lostPoolTask(model, trace); !lost.empty()) std::printf("\n%s%s\n", lost.c_str(), kPoolHangs);
    ProgramEnd end{ta.program, prog.exitStatus(), prog.describeExit(), prog.lostEvents(), prog.reenteredEvents(), sig};
    if (const std::string lost = lostEventsLine(end); !lost.empty()) std::printf("\n%s", lost.c_str());
    if (sig != 0)
        std::printf("(incomplete: interrupted by %s; the numbers cover what was recorded until then)\n",
                    interruptName(sig));
    std::fflush(stdout);
    const int outputs = writeOutputs(ta, trace, stats, sig);
    if (sig == 0 && !end.status) return outputs ? outputs : 1;
    return sayProgramEnd(end);
}

} // namespace

std::string lostEventsLine(const ProgramEnd& e) {
    if (e.lost == 0) return "";
    char buf[320];
    std::string line;
    std::snprintf(buf, sizeof buf, "the program's processes dropped %llu events", static_cast<unsigned long long>(e.lost));
    line += buf;
    if (e.lost > e.reentered) {
        std::snprintf(buf, sizeof buf, " (%llu: their rings were full)", static_cast<unsigned long long>(e.lost - e.reentered));
        line += buf;
    }
    if (e.reentered) {
        std::snprintf(buf, sizeof buf,
                      " (%llu: written by a signal handler while its own thread was mid-write; waiting would deadlock)",
                      static_cast<unsigned long long>(e.reentered));
        line += buf;
    }
    return line + "\n";
}

int sayProgramEnd(const ProgramEnd& e) {
    std::string cmd;
    for (const std::string& a : e.program) cmd += (cmd.empty() ? "" : " ") + a;
    if (e.interruptedBy != 0 && e.endedBefore && e.status) {
        // The window outlived the program: the interrupt only closed the window.
        std::fprintf(stderr, "parviz trace: interrupted by %s after the program (%s) had already ended (%s): "
                     "nothing was left to end; parviz trace exits with the program's status: %d\n",
                     interruptName(e.interruptedBy), cmd.c_str(), e.how.c_str(), *e.status);
        return *e.status;
    }
    if (e.interruptedBy != 0) {
        const int code = 128 + e.interruptedBy;
        std::fprintf(stderr, "parviz trace: interrupted by %s: the program's whole process group (%s) was ended; parviz "
                     "trace exits %d\n", interruptName(e.interruptedBy), cmd.c_str(), code);
        return code;
    }
    if (!e.status) return 1;
    // parviz's status is the program's: a 2 here is python3's "can't open
    // file", not bad usage of parviz — say whose it is and why.
    if (*e.status != 0)
        std::fprintf(stderr, "parviz trace: the program (%s) ended with %s; parviz trace exits with the program's status: %d\n",
                     cmd.c_str(), e.how.c_str(), *e.status);
    return *e.status;
}

int traceCommand(const std::vector<std::string>& args) {
    TraceArgs ta;
    try {
        ta = parseTraceArgs(args, windowByDefault());
        if (ta.help) {
            std::fputs(traceUsage(), stdout);
            return 0;
        }
        resolveProgram(ta.program.front());   // a bad PROGRAM is refused before anything starts
        if (ta.gui) {
#ifdef PARVIZ_HAVE_GUI
            if (ta.guiByDefault)
                std::fprintf(stderr, "parviz trace: showing %s in the window (--no-gui: the summary in the terminal "
                                     "instead)\n", ta.program.size() > 1 ? ta.program[1].c_str() : ta.program[0].c_str());
            std::vector<std::string> g = ta.windowArgs;
            g.push_back("--trace-exec");
            g.insert(g.end(), ta.program.begin(), ta.program.end());
            return gui::guiMain(g);
#else
            throw UsageError("--gui: this build has no window (built without PARVIZ_BUILD_GUI)");
#endif
        }
        for (const auto& [p, flag] : {std::pair{&ta.tracePath, "--trace"}, std::pair{&ta.summaryPath, "--summary-json"},
                                      std::pair{&ta.savePath, "--save-run"}})
            if (*p) {
                try {
                    checkWritableOutput(**p);
                } catch (const FileError& e) {
                    throw UsageError(std::string(flag) + ": " + e.what());
                }
            }
        return traceAndSummarise(ta);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "parviz trace: %s\n", e.what());
        return 2;
    } catch (const ProgramError& e) {
        std::fprintf(stderr, "parviz trace: %s\n", e.what());
        return 2;
    }
}

} // namespace parviz::cli
