// The pool kind: Pool(pool_size) over the tasks with the scenario's method
// (map, imap, imap_unordered, starmap or apply_async) and CPython's chunksize.
#include "../scenario_program.hpp"

#include "parviz/pool.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/tracer.hpp"
#include "parviz/work.hpp"

#include <algorithm>

namespace parviz::detail {
namespace {

// What work_log prints before its work: the tutorial's "waiting" for sleep
// work; CPU work is no wait, and a class reading "waiting 5 seconds" for a
// worker that computes was told the wrong thing.
const char* workVerb(WorkKind k) noexcept { return k == WorkKind::Cpu ? "computing for" : "waiting"; }

// def work_log(work_data): the pool tutorial's task. The pool itself writes
// TaskStart/TaskEnd around it (MapOptions::names), so this only prints and works.
std::string poolTask(std::string_view item) {
    DecodedTask d = decodeTask(item);
    print(" Process " + d.name + " " + workVerb(d.work) + " " + formatSeconds(d.seconds) + " seconds");
    doWork(d.work, d.seconds);
    print(" Process " + d.name + " Finished.");
    return d.name;
}

// starmap's task: work_log(name, seconds) with the task's fields as separate
// arguments (encodeTask's fields, in its order).
std::string poolStarTask(std::span<const std::string> args) {
    std::string joined;
    for (std::size_t i = 0; i < args.size(); ++i) joined += (i ? "\x1f" : "") + args[i];
    return poolTask(joined);
}

std::vector<std::string> starArgs(const std::string& encoded) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (std::size_t p; (p = encoded.find('\x1f', from)) != std::string::npos; from = p + 1)
        out.push_back(encoded.substr(from, p - from));
    out.push_back(encoded.substr(from));
    return out;
}

// What the caller's program does with a result it received (the listing's
// loop body for imap, imap_unordered and apply_async), and the PoolResult
// event the results view reads. map and starmap hand their list back whole.
void received(const std::vector<TaskSpec>& ts, std::size_t i, bool failed, bool printIt) {
    const std::string& name = ts[i].name;
    traceEmit(EventKind::PoolResult, static_cast<std::int32_t>(i), traceText(name, 256), 0, failed ? 1 : 0);
    if (printIt && !failed) print(" Result of " + name + " received");
}

// The scenario's method on `pl`, recording each result as the caller gets it.
// A task's error ends the call as in CPython (map after every task, imap at
// that item, apply_async at its get()); Stop ends it with PoolTerminated,
// which is no result the program received.
void callPool(Pool& pl, PoolMethod method, const std::vector<TaskSpec>& ts, const std::vector<std::string>& items,
              MapOptions& mo, const RunContext& ctx) {
    const auto each = [&](std::size_t i, std::string) {
        received(ts, i, false, true);
        return true;
    };
    std::size_t at = 0;   // apply_async: the result being waited for
    try {
        switch (method) {
        case PoolMethod::Map:
        case PoolMethod::Starmap: {
            std::vector<std::vector<std::string>> args;
            if (method == PoolMethod::Starmap)
                for (const std::string& it : items) args.push_back(starArgs(it));
            if (method == PoolMethod::Map) pl.map(&poolTask, items, mo);
            else pl.starmap(&poolStarTask, args, mo);
            for (std::size_t i = 0; i < items.size(); ++i) received(ts, i, false, false);
            return;
        }
        case PoolMethod::Imap: pl.imap(&poolTask, items, each, mo); return;
        case PoolMethod::ImapUnordered: pl.imap_unordered(&poolTask, items, each, mo); return;
        case PoolMethod::ApplyAsync: {
            std::vector<AsyncResult> rs;
            for (std::size_t i = 0; i < items.size(); ++i) {
                MapOptions one;
                one.names = {mo.names[i]};
                one.nominalNs = {mo.nominalNs[i]};
                one.labels = {mo.labels[i]};
                one.traceBase = static_cast<std::uint32_t>(i);
                rs.push_back(pl.apply_async(&poolTask, items[i], std::move(one)));
            }
            for (at = 0; at < rs.size(); ++at) {
                rs[at].get();
                received(ts, at, false, true);
            }
            return;
        }
        }
    } catch (const PoolTerminated&) {
        // Stop: nothing was received.
    } catch (const TaskError& e) {
        // The failed task's TaskEnd is in the trace: the run model reports it.
        if (!ctx.shouldStop()) received(ts, method == PoolMethod::ApplyAsync ? at : e.index, true, false);
    }
}

// "<N>x_cores": N times the usable cores, resolved now so that every consumer
// can read poolSize; the factor is kept for round trips.
void readPerCoreSize(const Fields& f, Scenario& s) {
    std::string v = f.at("pool_size").get<std::string>();
    int factor = 0;
    std::size_t pos = v.find("x_cores");
    bool ok = pos != std::string::npos && pos > 0 && pos <= 2 && pos + 7 == v.size() &&
              std::all_of(v.begin(), v.begin() + static_cast<long>(pos), [](char c) { return c >= '0' && c <= '9'; });
    if (ok) factor = std::stoi(v.substr(0, pos));
    if (!ok || factor < 1 || factor > kMaxPerCoreFactor)
        fail(f.file(), "pool_size", "must be an integer or \"<N>x_cores\" with N from 1 to " +
                                        std::to_string(kMaxPerCoreFactor) + ", got " + shortDump(f.at("pool_size")));
    s.poolSizePerCore = factor;
    s.poolSize = std::min(kMaxWorkers, factor * usableCores());
}

class PoolProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::Pool; }
    const char* name() const noexcept override { return "pool"; }

    std::vector<std::string> fields() const override {
        std::vector<std::string> f = {"pool_size", "chunksize", "method"};
        f.insert(f.end(), kTaskFields.begin(), kTaskFields.end());
        return f;
    }
    void read(const Fields& f, Scenario& s) const override {
        if (f.has("pool_size") && f.at("pool_size").is_string()) readPerCoreSize(f, s);
        else s.poolSize = static_cast<int>(f.integer("pool_size", 2, 1, kMaxWorkers));
        if (f.has("chunksize") && !f.at("chunksize").is_null())
            s.chunksize = static_cast<std::size_t>(f.integer("chunksize", 1, 1, static_cast<std::int64_t>(kMaxTasks)));
        if (f.has("method")) {
            const std::string m = Fields::checkedString(f.file(), f.field("method"), f.at("method"), 64);
            const auto pm = parsePoolMethod(m);
            if (!pm) fail(f.file(), f.field("method"), "unknown method \"" + m + "\" (allowed: " + kPoolMethodNames + ")");
            s.method = *pm;
        }
        if (s.chunksize && !usesChunks(s.method)) fail(f.file(), "chunksize", kApplyAsyncNoChunksize);
        readTasks(f, s, "Task ", -1);
    }
    void write(const Scenario& s, json& j) const override {
        if (s.poolSizePerCore > 0) j["pool_size"] = std::to_string(s.poolSizePerCore) + "x_cores";
        else j["pool_size"] = s.poolSize;
        // apply_async has no chunks: a chunksize the toolbar kept (greyed out) is not saved.
        j["chunksize"] = s.chunksize && usesChunks(s.method) ? json(*s.chunksize) : json(nullptr);
        j["method"] = toString(s.method);
        j["tasks"] = tasksToJson(s);
        j["task_seconds"] = s.jobSeconds;
    }

    int workers(const Scenario& s) const override { return s.poolSize; }
    const char* workersField() const noexcept override { return "pool_size"; }
    bool workersOverridable() const noexcept override { return true; }
    bool hasWork() const noexcept override { return true; }
    // ForkPoolWorker-1..N, plus one replacement per kill order (a pool replaces
    // a killed worker, and the next kill order may name the replacement).
    WorkerNames workerNames(const Scenario&, int workers, std::size_t kills) const override {
        return {"ForkPoolWorker-", workers + static_cast<int>(kills), static_cast<int>(kills)};
    }
    bool deadlockChecked() const noexcept override { return false; }
    bool pooled() const noexcept override { return true; }
    bool taskTable() const noexcept override { return true; }
    bool makesQueue() const noexcept override { return true; }   // the pool's task queue

    void run(RunContext& ctx) const override {
        const auto ts = tasks(ctx.scenario());
        std::vector<std::string> items;
        MapOptions mo;
        mo.chunksize = ctx.scenario().chunksize;
        for (std::size_t i = 0; i < ts.size(); ++i) {
            TaskSpec t = ts[i];
            t.work = ctx.workOf(t);
            items.push_back(encodeTask(i, t));
            mo.names.push_back(t.name);
            mo.nominalNs.push_back(ctx.recorder().clock().scaled(t.seconds));
            // The tutorial's work_data, as the task queue shows it: ['A', 5].
            mo.labels.push_back("['" + t.name + "', " + formatSeconds(t.seconds) + "]");
        }
        Pool pl(ctx.workers(), PoolOptions{.recorder = &ctx.recorder()});
        ctx.publishPool(&pl);
        callPool(pl, ctx.scenario().method, ts, items, mo, ctx);
        // After a task's error every other task still runs to its end, so the
        // run reports each failure (CPython's caller would have its exception).
        if (!ctx.shouldStop()) pl.close();   // whatever is still queued after a failure runs to its end
        // else: stop() already terminated it
        pl.join();
        ctx.publishPool(nullptr);
    }

    Lines listing(const Scenario& s, const ListingParams& p, const Style& st) const override;
};

// The caller's lines for the scenario's method: `p.map(work_log, work)` as the
// tutorial has it, or a loop over what imap / imap_unordered yield, or one
// apply_async per task and a get() of each.
void addPoolCall(Lines& out, PoolMethod method, const std::string& chunkArg) {
    switch (method) {
    case PoolMethod::Map: add(out, "    p.map(work_log, work" + chunkArg + ")", "QueueGet,PoolResult"); return;
    case PoolMethod::Starmap: add(out, "    p.starmap(work_log, work" + chunkArg + ")", "QueueGet,PoolResult"); return;
    case PoolMethod::Imap: case PoolMethod::ImapUnordered:
        add(out, std::string("    for name in p.") + toString(method) + "(work_log, work" + chunkArg + "):", "QueueGet,PoolResult");
        add(out, "        print(\" Result of %s received\" % name)", "Print");
        return;
    case PoolMethod::ApplyAsync:
        add(out, "    results = [p.apply_async(work_log, (w,)) for w in work]", "QueueGet");
        add(out, "    for r in results:");
        add(out, "        print(\" Result of %s received\" % r.get())", "PoolResult,Print");
        return;
    }
}

Lines PoolProgram::listing(const Scenario& s, const ListingParams& p, const Style& st) const {
    Lines out;
    const WorkPlan w = planWork(s.tasks, p.work);
    const bool perCore = !p.workers && s.poolSizePerCore > 0;
    const bool star = s.method == PoolMethod::Starmap;
    add(out, "from multiprocessing import Pool");
    if (perCore) add(out, "import os");
    add(out, "import time");
    add(out, "");
    addTaskData(out, st, "work", s.tasks, "Task ", w, p.work, false);
    add(out, "");
    if (w.anyCpu) addSpinCpu(out);
    // starmap unpacks each task into arguments; the others pass it whole.
    const std::string name = star ? "name" : "work_data[0]", secs = star ? "seconds" : "work_data[1]",
                      kind = star ? "work" : "work_data[2]";
    add(out, star ? (w.mixed() ? "def work_log(name, seconds, work):" : "def work_log(name, seconds):")
                  : "def work_log(work_data):",
        "TaskStart");
    // The verb follows the work: "waiting" for sleep, "computing for" for CPU work.
    if (w.mixed())
        add(out, "    print(\" Process %s %s %s seconds\" % (" + name + ", \"computing for\" if " + kind +
                     " == \"cpu\" else \"waiting\", " + secs + "))",
            "Print");
    else
        add(out, "    print(\" Process %s " + std::string(workVerb(w.anyCpu ? WorkKind::Cpu : WorkKind::Sleep)) +
                     " %s seconds\" % (" + name + ", " + secs + "))",
            "Print");
    addWorkCall(out, st, w, "    ", secs, kind);
    add(out, "    print(\" Process %s Finished.\" % " + name + ")", "TaskEnd");
    // The tutorial's work_log returns nothing; the methods whose caller prints what it receives need its name.
    if (s.method != PoolMethod::Map && s.method != PoolMethod::Starmap) add(out, "    return " + name);
    add(out, "");
    add(out, "def pool_handler():");
    std::string size = std::to_string(p.workers.value_or(s.poolSize));
    if (perCore)
        size = (s.poolSizePerCore == 1 ? std::string() : std::to_string(s.poolSizePerCore) + " * ") +
               "len(os.sched_getaffinity(0))";
    add(out, "    p = Pool(" + size + ")");
    const std::optional<std::size_t> chunk = p.chunksize ? p.chunksize : s.chunksize;
    addPoolCall(out, s.method, chunk ? ", chunksize=" + std::to_string(*chunk) : std::string());
    // Both the listing and the program: the engine's pool does this too (its
    // stop signals are close()'s, one per worker, drawn on the task queue).
    // A pool left to the interpreter's exit is terminated instead: a worker
    // still running then loses what it printed but had not flushed.
    add(out, "    p.close()  # the workers exit on their own, their output flushed");
    add(out, "    p.join()");
    add(out, "");
    add(out, "if __name__ == '__main__':");
    add(out, "    pool_handler()");
    return out;
}

} // namespace

const ScenarioProgram& poolProgram() noexcept {
    static const PoolProgram p;
    return p;
}

} // namespace parviz::detail
