// Run: re-enacts one scenario of the tutorial with real processes.
//
// [SECTION] Impl: live workers, control, failures
// [SECTION] The controller: the kind's main program (kinds/, scenario_program.hpp)
// [SECTION] Deadlock check (from the wait graph, not a timeout)
// [SECTION] Run API
//
// Threads in the parent: the caller's (start/pause/resume/stop/wait), the
// controller (the tutorial's __main__, traced as MainProcess) and the kill
// watcher. Impl::mutex guards the live-worker registry; the controller never
// holds it while blocking (it waits on pidfds unlocked), so pause and resume
// can never be stuck behind a join of a stopped worker.
#include "parviz/run.hpp"

#include "parviz/clock.hpp"
#include "parviz/lock.hpp"
#include "parviz/pool.hpp"
#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/run_model.hpp"
#include "parviz/work.hpp"
#include "scenario_program.hpp"
#include "worker_state.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <thread>
#include <unordered_map>

namespace parviz {

const char* toString(RunStatus s) noexcept {
    switch (s) {
    case RunStatus::NotStarted: return "not started";
    case RunStatus::Running: return "running";
    case RunStatus::Paused: return "paused";
    case RunStatus::Finished: return "finished";
    case RunStatus::Failed: return "failed";
    case RunStatus::Stopped: return "stopped";
    }
    return "?";
}

using detail::formatSeconds;
using detail::programFor;

// =============================================================================
// [SECTION] Impl: live workers, control, failures
// =============================================================================

struct Run::Impl final : detail::RunContext {
    Scenario sc;
    const detail::ScenarioProgram* program = nullptr;   // sc's kind
    RunOptions opts;
    double timeScale = 1.0;
    std::unique_ptr<Recorder> rec;
    std::shared_ptr<Trace> trace;

    std::thread controller;
    std::thread watcher;

    mutable std::mutex mutex;              // guards everything below
    std::condition_variable doneCv;
    RunStatus status = RunStatus::NotStarted;
    bool done = false;
    bool stopping = false;
    bool controllerEnding = false;         // the watcher's cue to leave
    bool deadlocked = false;               // the deadlock check ended the run
    std::vector<Process>* procs = nullptr; // the controller's processes while they live
    Pool* pool = nullptr;                  // the controller's pool while it lives
    // What went wrong that the trace cannot show (an exception of the run
    // itself). A process's exit, a task's failure and a loss are in the trace:
    // the run model describes them (describeFailures), so they are not kept here.
    std::vector<std::string> failures;

    // The failures the complete trace shows (the same list the summary prints).
    std::vector<Failure> traceFailures() const {
        RunModel model;
        model.update(*trace);
        return describeFailures(model, *trace);
    }

    void fail(std::string line) {
        std::lock_guard lk(mutex);
        failures.push_back(std::move(line));
    }
    // Stopped, or ended by the deadlock check: the main program goes no further.
    bool isStopping() const {
        std::lock_guard lk(mutex);
        return stopping || deadlocked;
    }
    ProcId procIdOf(const std::string& name) const {
        auto meta = trace->meta();
        for (std::size_t i = 0; i < meta.procs.size(); ++i)
            if (meta.procs[i].name == name) return static_cast<ProcId>(i);
        return kParentProc;
    }

    // Signals every live worker. Caller holds mutex.
    void signalAllLocked(int sig) {
        if (procs)
            for (auto& p : *procs) {
                if (p.pid() <= 0 || !p.isAlive()) continue;
                if (sig == SIGSTOP) p.stop();
                else if (sig == SIGCONT) p.cont();
                else p.kill();
            }
        if (pool)
            for (pid_t pid : pool->workerPids()) ::kill(pid, sig);
    }

    // Killing pool workers one by one would only make the pool replace them:
    // the pool is terminated instead. Caller holds mutex.
    void killAllLocked() {
        if (procs)
            for (auto& p : *procs)
                if (p.pid() > 0 && p.isAlive()) p.kill();
        if (pool) pool->terminate();
    }

    bool killWorkerLocked(const std::string& name) {
        if (procs) {
            for (auto& p : *procs) {
                if (p.name() != name || p.pid() <= 0 || !p.isAlive()) continue;
                rec->parentRing().emit(EventKind::KillRequest, p.proc(), SIGKILL);
                p.kill();
                return true;
            }
        }
        if (pool) {
            // The pool's lists are not aligned by index (workerNames() includes
            // dead workers): take the pid from the trace's ProcStart and check
            // that it is still one of the pool's live workers.
            ProcId id = procIdOf(name);
            if (id == kParentProc) return false;
            pid_t pid = 0;
            for (std::size_t i = 0, n = trace->size(); i < n; ++i) {
                const Event& e = (*trace)[i];
                if (e.proc == id && e.kind == EventKind::ProcStart) pid = static_cast<pid_t>(e.a);
            }
            auto live = pool->workerPids();
            if (pid <= 0 || std::find(live.begin(), live.end(), pid) == live.end()) return false;
            rec->parentRing().emit(EventKind::KillRequest, id, SIGKILL);
            ::kill(pid, SIGKILL);
            return true;
        }
        return false;
    }

    // Joins every process without holding the mutex while blocked: waits on
    // the pidfd (readable at exit, never while merely stopped), then reaps.
    void joinAll(std::vector<Process>& ps) {
        WaitRecord* w = currentWaitRecord();   // the controller's: join() is a wait the deadlock check sees
        for (std::size_t i = 0; i < ps.size(); ++i) {
            Process& p = ps[i];
            if (w) w->mark(WaitRecord::Join, nullptr, 0, static_cast<std::int32_t>(i));
            // MainProcess's lane shows the wait as a traced program's does (ProcJoin,
            // python_trace_source.cpp): a begin as join() is called, an end as it
            // returns, for every process, one already gone too (as Python's join).
            const bool traced = p.proc() != 0 && p.pid() > 0;   // a stop before its start: no join
            if (traced) {
                TraceRing& ring = rec->parentRing();
                const std::string words = "waiting for " + rec->processName(p.proc()) + " to finish (join)";
                ring.emit(EventKind::ProcJoin, static_cast<std::int32_t>(p.proc()), ring.text(words));
            }
            for (;;) {
                int fd;
                {
                    std::lock_guard lk(mutex);
                    if (p.join(std::chrono::nanoseconds(0))) break;
                    fd = p.pidfd();
                }
                if (fd >= 0) {
                    pollfd pfd{fd, POLLIN, 0};
                    ::poll(&pfd, 1, 50);
                } else {
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            }
            if (traced)
                rec->parentRing().emit(EventKind::ProcJoin, static_cast<std::int32_t>(p.proc()), kNoString, 0, kJoinEnded);
            // Its exit is in the trace (ProcExit): the run model reports a non-zero one.
        }
        if (w) w->clear();
    }

    // Registers the controller's processes so pause/stop/kill reach them.
    // A stop() that came before they started kills them right away.
    void publish(std::vector<Process>* ps, Pool* pl) {
        std::lock_guard lk(mutex);
        procs = ps;
        pool = pl;
        if (stopping) killAllLocked();
    }

    void startAll(std::vector<Process>& ps) {
        for (auto& p : ps) {
            std::lock_guard lk(mutex);
            if (stopping) break;
            p.start();
            if (status == RunStatus::Paused) p.stop();   // a pause that came mid-start covers it too
        }
    }

    int workerCount() const { return opts.workers.value_or(program->workers(sc)); }

    // ---- RunContext: what the kind's main program asks of the run -------------
    Recorder& recorder() override { return *rec; }
    const Scenario& scenario() const override { return sc; }
    int workers() const override { return workerCount(); }
    std::optional<WorkKind> workOverride() const override { return opts.work; }
    bool shouldStop() const override { return isStopping(); }
    void runProcesses(std::vector<Process>& ps) override {
        publish(&ps, nullptr);
        startAll(ps);
        joinAll(ps);
        publish(nullptr, nullptr);
    }
    void publishPool(Pool* pl) override { publish(nullptr, pl); }

    void controllerMain();
    void watcherMain();
    std::optional<std::string> findDeadlockLocked();
    void endDeadlockLocked(const std::string& why);
    void killLeftoversLocked();
    void watchStoppedLocked();

    // Workers stopped from outside (kill -STOP), by pid: seen in state T on
    // one check (1) or two in a row (2: reported as stopped).
    struct OutsideStop { int seen = 0; ProcId proc = 0; };
    std::unordered_map<pid_t, OutsideStop> outsideStop;
    std::int64_t resumedAt = 0;            // monotonic ns of the last resume (SIGCONT takes a moment)
    std::unordered_map<pid_t, ProcId> poolPidToProc;   // from the trace's ProcStart events
    std::size_t poolPidScan = 0;
};

// =============================================================================
// [SECTION] The controller: the kind's main program (kinds/, scenario_program.hpp)
// =============================================================================

void Run::Impl::controllerMain() {
    // The controller is MainProcess for the deadlock check; the pool's helper
    // threads in this process are not (and pool runs are not checked).
    setCurrentWaitRecord(&rec->parentRing().waitRecord());
    try {
        program->run(*this);
    } catch (const std::exception& e) {
        publish(nullptr, nullptr);
        if (!isStopping()) fail(std::string("the run failed: ") + e.what());
    }
    rec->parentRing().waitRecord().clear();
    setCurrentWaitRecord(nullptr);
    {
        std::lock_guard lk(mutex);
        controllerEnding = true;
        doneCv.notify_all();
    }
    if (watcher.joinable()) watcher.join();   // its notes must be in the trace before finish()
    rec->finish();
    std::lock_guard lk(mutex);
    if (stopping) status = RunStatus::Stopped;
    else status = failures.empty() && traceFailures().empty() ? RunStatus::Finished : RunStatus::Failed;
    done = true;
    doneCv.notify_all();
}

// Kill orders fire on the run clock (unpaused, scaled), so "2.5 s into the
// run" means the same moment of the schedule at any time scale.
// It also looks for a deadlock every 20 ms (findDeadlockLocked).
void Run::Impl::watcherMain() {
    std::vector<KillOrder> pending = opts.kills;
    std::unique_lock lk(mutex);
    std::optional<unsigned> deadlockedAt;
    for (unsigned tick = 0; !controllerEnding; ++tick) {
        std::int64_t now = rec->clock().now();
        for (auto it = pending.begin(); it != pending.end();) {
            if (now >= rec->clock().scaled(it->atSeconds) && !stopping && killWorkerLocked(it->worker))
                it = pending.erase(it);
            else
                ++it;
        }
        if (tick % 10 == 9) {
            if (deadlockedAt && tick - *deadlockedAt >= 100) {   // ~200 ms after: what the close did not end
                killLeftoversLocked();
                deadlockedAt = tick;
            }
            if (auto why = findDeadlockLocked()) {
                endDeadlockLocked(*why);
                deadlockedAt = tick;
            }
            watchStoppedLocked();
        }
        doneCv.wait_for(lk, std::chrono::milliseconds(2));
    }
    // Misuse is data: an order that never found its worker is noted in the trace.
    for (const auto& k : pending) {
        std::string note = "kill order " + k.worker + "@" + formatSeconds(k.atSeconds) +
                           ": no live worker of that name at that time";
        auto& ring = rec->parentRing();
        ring.emit(EventKind::Note, 0, ring.text(note, kMaxPrintLine));
    }
}

// =============================================================================
// [SECTION] Deadlock check (from the wait graph, not a timeout)
// =============================================================================
// Every process that can still act is a party: MainProcess (the controller)
// and each live worker. Each reports what it is blocked on in its WaitRecord
// (an untimed queue put or get, a join). The run is deadlocked when every party
// is marked, no marked wait can go on now (the queue is still full / empty,
// the joined process still lives), and no record changed while we looked: a
// process clears its mark before it changes anything, so nobody changed a
// queue or exited in between, and nobody ever will. Lock waits and timed waits
// are not marked: a run with one in it is never called deadlocked.
namespace {

struct Party {
    std::string name;
    WaitRecord* w = nullptr;
    std::uint64_t seq = 0;
    WaitRecord::Kind kind = WaitRecord::None;
    const void* object = nullptr;
    std::uint64_t need = 0;
    std::int32_t target = 0;
    std::int32_t queueId = 0;
};

// Reads a record: seq first, so a mark that lands in between changes it.
Party readParty(std::string name, WaitRecord& w) {
    Party p;
    p.name = std::move(name);
    p.w = &w;
    p.seq = w.seq.load(std::memory_order_seq_cst);
    p.kind = static_cast<WaitRecord::Kind>(w.kind.load(std::memory_order_acquire));
    p.object = w.object.load(std::memory_order_acquire);
    p.need = w.bytes.load(std::memory_order_acquire);
    p.target = w.target.load(std::memory_order_acquire);
    return p;
}

std::string queueName(const TraceMeta& meta, std::int32_t id) { return meta.objectName(ObjectKind::Queue, id); }

// "Process-2 waits to put on tasks_that_are_done, which is full; MainProcess
// waits in join() for Process-2: joining a process that still has queued data".
std::string describeDeadlock(const std::vector<Party>& parties, const std::vector<std::string>& procNames,
                             const TraceMeta& meta) {
    auto line = [&](const Party& p) {
        switch (p.kind) {
        case WaitRecord::QueuePut: return p.name + " waits to put on " + queueName(meta, p.queueId) + ", which is full";
        case WaitRecord::QueueGet:
            return p.name + " waits to get from " + queueName(meta, p.queueId) + ", which is empty";
        case WaitRecord::Join: {
            const std::string& t = procNames[static_cast<std::size_t>(p.target)];
            std::string s = p.name + " waits in join() for " + t;
            for (const Party& q : parties)
                if (q.name == t && q.kind == WaitRecord::QueuePut) s += ": joining a process that still has queued data";
            return s;
        }
        case WaitRecord::None: break;
        }
        return p.name + " waits";
    };
    std::vector<const Party*> order;
    const Party& main = parties.front();
    if (main.kind == WaitRecord::Join)   // the joined process first, then who joins it
        for (const Party& q : parties)
            if (q.name == procNames[static_cast<std::size_t>(main.target)]) order.push_back(&q);
    order.push_back(&main);
    for (const Party& q : parties)
        if (std::find(order.begin(), order.end(), &q) == order.end()) order.push_back(&q);
    std::string out = "deadlock: ";
    for (std::size_t i = 0; i < order.size(); ++i) out += (i ? "; " : "") + line(*order[i]);
    return out + ". Nobody can go on, so parviz ended the run (CPython would wait here for ever).";
}

} // namespace

std::optional<std::string> Run::Impl::findDeadlockLocked() {
    if (!program->deadlockChecked() || stopping || deadlocked || status != RunStatus::Running) return std::nullopt;
    std::vector<Party> parties;
    parties.push_back(readParty("MainProcess", rec->parentRing().waitRecord()));
    if (parties.back().kind == WaitRecord::None) return std::nullopt;
    std::vector<std::string> names;
    if (procs) {
        for (auto& p : *procs) {
            names.push_back(p.name());
            if (p.pid() <= 0) return std::nullopt;   // not started yet: the main program is still going
            if (!p.isAlive()) continue;
            TraceRing* r = rec->ring(p.proc());
            if (!r) return std::nullopt;
            parties.push_back(readParty(p.name(), r->waitRecord()));
            if (parties.back().kind == WaitRecord::None) return std::nullopt;
        }
    }
    for (Party& p : parties) {
        if (p.kind == WaitRecord::Join) {
            if (!procs || p.target < 0 || static_cast<std::size_t>(p.target) >= procs->size() ||
                !(*procs)[static_cast<std::size_t>(p.target)].isAlive())
                return std::nullopt;
            continue;
        }
        auto v = detail::queueWaitView(p.object, p.kind, p.need);
        if (!v.valid || v.canProceed) return std::nullopt;
        p.queueId = v.id;
    }
    for (const Party& p : parties)
        if (p.w->seq.load(std::memory_order_seq_cst) != p.seq) return std::nullopt;
    return describeDeadlock(parties, names, trace->meta());
}

// Ends a deadlocked run: says why (a failure, and a Note in the trace for the
// window) and closes the queues waited on, so every blocked put and get throws
// QueueClosed: the workers end (the job-queue's catch it and exit 0) and so
// does the main program. Workers that still live when the watcher looks again
// are killed (killLeftoversLocked).
void Run::Impl::endDeadlockLocked(const std::string& why) {
    deadlocked = true;
    failures.push_back(why);
    auto& ring = rec->parentRing();
    ring.emit(EventKind::Note, 0, ring.text(why, kMaxPrintLine));
    std::vector<const void*> queues;
    auto collect = [&](WaitRecord& w) {
        const auto k = w.kind.load(std::memory_order_acquire);
        if (k == WaitRecord::QueuePut || k == WaitRecord::QueueGet) queues.push_back(w.object.load());
    };
    collect(ring.waitRecord());
    if (procs)
        for (auto& p : *procs)
            if (p.pid() > 0 && p.isAlive())
                if (TraceRing* r = rec->ring(p.proc())) collect(r->waitRecord());
    for (const void* q : queues) detail::closeWaitedQueue(q);
}

void Run::Impl::killLeftoversLocked() {
    if (!procs) return;
    for (auto& p : *procs) {
        if (p.pid() <= 0 || !p.isAlive()) continue;
        rec->parentRing().emit(EventKind::KillRequest, p.proc(), SIGKILL);
        p.kill();
    }
}

// =============================================================================
// [SECTION] Workers stopped from outside
// =============================================================================
// A worker stopped with kill -STOP (or a debugger) makes the run wait without
// a word: the watcher reads each live worker's state from /proc, and one seen
// stopped twice in a row (20 ms apart) while the run is not paused is written
// to the trace as ProcStopped with flags 1 (its lane shows it stopped) plus a
// Note saying what to do; ProcContinued (flags 1) when it runs again. Stop
// kills it like any other worker (SIGKILL ends a stopped process too).
namespace {

// Field 3 of /proc/<pid>/stat: 'T' stopped, 't' stopped by a tracer, ...
char procStateOf(pid_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    std::FILE* f = std::fopen(path, "re");
    if (!f) return '?';
    char buf[512];
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = 0;
    const char* close = std::strrchr(buf, ')');   // the name may hold spaces and parentheses
    return close && close[1] == ' ' ? close[2] : '?';
}

} // namespace

void Run::Impl::watchStoppedLocked() {
    if (status != RunStatus::Running || stopping || done) return;
    if (monoNow() - resumedAt < 200'000'000) return;   // our own SIGCONT may not have landed yet
    struct Live { ProcId proc; pid_t pid; };
    std::vector<Live> live;
    if (procs)
        for (auto& p : *procs)
            if (p.pid() > 0 && p.isAlive()) live.push_back({p.proc(), p.pid()});
    if (pool) {
        for (std::size_t n = trace->size(); poolPidScan < n; ++poolPidScan) {
            const Event& e = (*trace)[poolPidScan];
            if (e.kind == EventKind::ProcStart) poolPidToProc[static_cast<pid_t>(e.a)] = e.proc;
        }
        for (pid_t pid : pool->workerPids())
            if (auto it = poolPidToProc.find(pid); it != poolPidToProc.end()) live.push_back({it->second, pid});
    }
    const auto meta = trace->meta();
    auto& ring = rec->parentRing();
    for (const Live& w : live) {
        const char st = procStateOf(w.pid);
        OutsideStop& os = outsideStop[w.pid];
        os.proc = w.proc;
        int& seen = os.seen;
        const std::string name = w.proc < meta.procs.size() ? meta.procs[w.proc].name : "a worker";
        const std::string pid = std::to_string(w.pid);
        if (st == 'T' || st == 't') {
            if (++seen != 2) continue;
            rec->emitFor(w.proc, EventKind::ProcStopped, 0, 0, 0, 1);
            const std::string note = name + " (pid " + pid + ") was stopped from outside (SIGSTOP): the run waits for it. `kill -CONT " + pid +
                                     "` lets it go on; Stop (or Ctrl-C) ends the run.";
            ring.emit(EventKind::Note, 0, ring.text(note, kMaxPrintLine));
        } else if (seen > 0) {
            if (seen >= 2) {
                rec->emitFor(w.proc, EventKind::ProcContinued, 0, 0, 0, 1);
                const std::string note = name + " (pid " + pid + ") runs again (continued from outside)";
                ring.emit(EventKind::Note, 0, ring.text(note, kMaxPrintLine));
            }
            seen = 0;
        }
    }
}

namespace {

// A kill order naming a worker the scenario never has would run the whole
// scenario for nothing: refuse it before anything starts, naming the valid names.
void checkKillTarget(const Scenario& sc, int workers, std::size_t kills, const std::string& name,
                     const std::string& src) {
    const detail::WorkerNames wn = programFor(sc.kind).workerNames(sc, workers, kills);
    if (wn.count > 0 && name.starts_with(wn.prefix)) {
        std::string_view digits = std::string_view(name).substr(wn.prefix.size());
        int n = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc{} && p == digits.data() + digits.size() && !digits.empty() && digits[0] != '0' &&
            n >= 1 && n <= wn.count)
            return;
    }
    std::string msg = src + ": --kill-worker: " + name + ": the " + toString(sc.kind) + " scenario never has a worker of that name";
    if (wn.count == 0) throw ScenarioError(msg + " (it starts no worker process)");
    // "A, B" or "A to N" for the numbers from..to.
    auto range = [&](int from, int to) {
        std::string r = wn.prefix + std::to_string(from);
        if (to == from + 1) r += ", " + wn.prefix + std::to_string(to);
        else if (to > from + 1) r += " to " + wn.prefix + std::to_string(to);
        return r;
    };
    const int own = wn.count - wn.replacements;
    std::string valid = range(1, own);
    // A pool's replacements are valid names too, but not workers it starts
    // with: say what they are, or the list names a worker the user never saw.
    if (wn.replacements == 1)
        valid += "; and " + range(own + 1, wn.count) + ", the worker the pool starts to replace one a " +
                 "--kill-worker killed";
    else if (wn.replacements > 1)
        valid += "; and " + range(own + 1, wn.count) + ", the workers the pool starts to replace those the " +
                 std::to_string(wn.replacements) + " --kill-worker orders kill";
    throw ScenarioError(msg + " (valid: " + valid + ")");
}

} // namespace

// =============================================================================
// [SECTION] Run API
// =============================================================================

Run::Run(Scenario scenario, RunOptions opts) : m_impl(std::make_unique<Impl>()) {
    auto& im = *m_impl;
    im.sc = std::move(scenario);
    im.opts = std::move(opts);
    im.program = &programFor(im.sc.kind);
    const std::string& src = im.sc.source.empty() ? im.sc.name : im.sc.source;
    const std::string limit = " is not between 1 and " + std::to_string(kMaxWorkers);
    if (im.opts.workers) {
        int w = *im.opts.workers;
        if (w < 1 || w > kMaxWorkers) throw ScenarioError(src + ": workers: " + std::to_string(w) + limit);
        if (!im.program->workersOverridable())
            throw ScenarioError(src + ": workers: the " + std::string(toString(im.sc.kind)) +
                                " scenario has no pool size or process count to override");
    }
    // The loader validates too; a Scenario built in code (the window's editor)
    // must not reach the OS with an absurd worker count either.
    if (const char* field = im.program->workersField()) {
        const int w = im.program->workers(im.sc);
        if (w < 1 || w > kMaxWorkers) throw ScenarioError(src + ": " + field + ": " + std::to_string(w) + limit);
    }
    if (std::string why = taskListProblem(im.sc); !why.empty()) throw ScenarioError(src + ": " + why);
    im.timeScale = im.opts.timeScale.value_or(im.sc.timeScale);
    if (!(im.timeScale >= kMinTimeScale && im.timeScale <= kMaxTimeScale))
        throw ScenarioError(src + ": time scale: must be between 0.001 and 100");
    for (const auto& k : im.opts.kills) {
        if (k.worker.empty()) throw ScenarioError(src + ": --kill-worker: the worker name is empty");
        if (!(k.atSeconds >= 0) || !std::isfinite(k.atSeconds))
            throw ScenarioError(src + ": --kill-worker: " + k.worker + ": the time must be >= 0 seconds");
        checkKillTarget(im.sc, im.workerCount(), im.opts.kills.size(), k.worker, src);
    }
}

Run::~Run() {
    if (!m_impl) return;
    stop();
    if (m_impl->controller.joinable()) m_impl->controller.join();
    if (m_impl->watcher.joinable()) m_impl->watcher.join();
    m_impl->rec.reset();
}

void Run::start() {
    auto& im = *m_impl;
    {
        std::lock_guard lk(im.mutex);
        if (im.status != RunStatus::NotStarted) throw std::logic_error("parviz: Run::start() called twice");
        RecorderOptions ro;
        ro.cores = im.opts.cores;
        ro.timeScale = im.timeScale;
        im.rec = std::make_unique<Recorder>(ro);
        im.trace = im.rec->sharedTrace();
        bool mixed = false;
        auto ts = im.program->tasks(im.sc);
        for (const auto& t : ts) mixed = mixed || im.workOf(t) != im.workOf(ts.front());
        std::string work = ts.empty() ? toString(im.opts.work.value_or(WorkKind::Sleep))
                                      : (mixed ? "mixed" : toString(im.workOf(ts.front())));
        im.trace->updateMeta([&](TraceMeta& m) {
            m.scenario = im.sc.name;
            m.title = im.sc.title;
            m.work = work;
            m.workers = im.workerCount();   // 0: the kind starts no worker process
            m.timeScale = im.timeScale;
        });
        im.status = RunStatus::Running;
    }
    // The watcher first: the controller joins it when it ends.
    im.watcher = std::thread([&im] { im.watcherMain(); });
    im.controller = std::thread([&im] { im.controllerMain(); });
}

void Run::pause() {
    auto& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (im.status != RunStatus::Running || im.done) return;
    im.signalAllLocked(SIGSTOP);
    im.rec->pause();
    im.status = RunStatus::Paused;
}

void Run::resume() {
    auto& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (im.status != RunStatus::Paused) return;
    im.rec->resume();
    im.signalAllLocked(SIGCONT);
    im.resumedAt = monoNow();
    // Our SIGCONT continued every worker, stopped from outside or not.
    for (const auto& [pid, os] : im.outsideStop)
        if (os.seen >= 2) im.rec->emitFor(os.proc, EventKind::ProcContinued, 0, 0, 0, 1);
    im.outsideStop.clear();
    im.status = im.done ? im.status : RunStatus::Running;
}

void Run::stop(int bySignal) {
    auto& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (im.status == RunStatus::NotStarted) return;
    if (im.done) {
        // A terminal's Ctrl-C reaches the workers too, and their deaths can end
        // the run before the caller saw the signal: the trace (complete, the
        // Collector is gone) still learns that the run was stopped and by what,
        // so those deaths read as stopped, not failed.
        if (bySignal != 0 && !im.stopping && im.trace)
            im.trace->append(Event{monoNow(), kParentProc, EventKind::RunStop, 0, 0,
                                   static_cast<std::uint64_t>(bySignal), 0});
        im.stopping = true;
        return;
    }
    if (!im.stopping && im.rec) im.rec->parentRing().emit(EventKind::RunStop, 0, static_cast<std::uint64_t>(bySignal));
    im.stopping = true;
    if (im.status == RunStatus::Paused) {
        im.rec->resume();
        im.signalAllLocked(SIGCONT);
        im.status = RunStatus::Running;
    }
    im.killAllLocked();
    im.doneCv.notify_all();
}

bool Run::killWorker(const std::string& name) {
    auto& im = *m_impl;
    std::lock_guard lk(im.mutex);
    if (im.done || !im.rec) return false;
    return im.killWorkerLocked(name);
}

bool Run::wait(std::optional<double> timeoutSeconds) {
    auto& im = *m_impl;
    std::unique_lock lk(im.mutex);
    if (im.status == RunStatus::NotStarted) return false;
    if (timeoutSeconds)
        im.doneCv.wait_for(lk, std::chrono::duration<double>(std::max(0.0, *timeoutSeconds)), [&] { return im.done; });
    else
        im.doneCv.wait(lk, [&] { return im.done; });
    bool finished = im.done;
    lk.unlock();
    if (finished && im.controller.joinable() && im.controller.get_id() != std::this_thread::get_id())
        im.controller.join();
    return finished;
}

RunStatus Run::status() const noexcept {
    std::lock_guard lk(m_impl->mutex);
    return m_impl->status;
}

std::shared_ptr<Trace> Run::trace() const {
    std::lock_guard lk(m_impl->mutex);
    return m_impl->trace;
}

const Scenario& Run::scenario() const noexcept { return m_impl->sc; }

std::vector<std::string> Run::failures() const {
    std::lock_guard lk(m_impl->mutex);
    return m_impl->failures;
}

} // namespace parviz
