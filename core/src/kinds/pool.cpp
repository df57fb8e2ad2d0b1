// The pool kind: Pool(pool_size).map over the tasks, with CPython's chunksize.
#include "../scenario_program.hpp"

#include "parviz/pool.hpp"
#include "parviz/process.hpp"
#include "parviz/recorder.hpp"
#include "parviz/work.hpp"

#include <algorithm>

namespace parviz::detail {
namespace {

// def work_log(work_data): the pool tutorial's task. The pool itself writes
// TaskStart/TaskEnd around it (MapOptions::names), so this only prints and works.
std::string poolTask(std::string_view item) {
    DecodedTask d = decodeTask(item);
    print(" Process " + d.name + " waiting " + formatSeconds(d.seconds) + " seconds");
    doWork(d.work, d.seconds);
    print(" Process " + d.name + " Finished.");
    return d.name;
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
        std::vector<std::string> f = {"pool_size", "chunksize"};
        f.insert(f.end(), kTaskFields.begin(), kTaskFields.end());
        return f;
    }
    void read(const Fields& f, Scenario& s) const override {
        if (f.has("pool_size") && f.at("pool_size").is_string()) readPerCoreSize(f, s);
        else s.poolSize = static_cast<int>(f.integer("pool_size", 2, 1, kMaxWorkers));
        if (f.has("chunksize") && !f.at("chunksize").is_null())
            s.chunksize = static_cast<std::size_t>(f.integer("chunksize", 1, 1, static_cast<std::int64_t>(kMaxTasks)));
        readTasks(f, s, "Task ", -1);
    }
    void write(const Scenario& s, json& j) const override {
        if (s.poolSizePerCore > 0) j["pool_size"] = std::to_string(s.poolSizePerCore) + "x_cores";
        else j["pool_size"] = s.poolSize;
        j["chunksize"] = s.chunksize ? json(*s.chunksize) : json(nullptr);
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
        return {"ForkPoolWorker-", workers + static_cast<int>(kills)};
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
        // imap_unordered, not map: a task that fails is reported while the others
        // finish (map would only tell us about the first failure).
        try {
            pl.imap_unordered(&poolTask, items, [](std::size_t, std::string) { return true; }, mo);
        } catch (const TaskError&) {
            // The failed task's TaskEnd is in the trace: the run model reports it.
        }
        if (!ctx.shouldStop()) pl.close();   // whatever is still queued after a failure runs to its end
        // else: stop() already terminated it
        pl.join();
        ctx.publishPool(nullptr);
    }

    Lines listing(const Scenario& s, const ListingParams& p, const Style& st) const override;
};

Lines PoolProgram::listing(const Scenario& s, const ListingParams& p, const Style& st) const {
    Lines out;
    const WorkPlan w = planWork(s.tasks, p.work);
    const bool perCore = !p.workers && s.poolSizePerCore > 0;
    add(out, "from multiprocessing import Pool");
    if (perCore) add(out, "import os");
    add(out, "import time");
    add(out, "");
    addTaskData(out, st, "work", s.tasks, "Task ", w, p.work, false);
    add(out, "");
    if (w.anyCpu) addSpinCpu(out);
    add(out, "def work_log(work_data):", "TaskStart");
    add(out, "    print(\" Process %s waiting %s seconds\" % (work_data[0], work_data[1]))", "Print");
    addWorkCall(out, st, w, "    ", "work_data[1]", "work_data[2]");
    add(out, "    print(\" Process %s Finished.\" % work_data[0])", "TaskEnd");
    add(out, "");
    add(out, "def pool_handler():");
    std::string size = std::to_string(p.workers.value_or(s.poolSize));
    if (perCore)
        size = (s.poolSizePerCore == 1 ? std::string() : std::to_string(s.poolSizePerCore) + " * ") +
               "len(os.sched_getaffinity(0))";
    add(out, "    p = Pool(" + size + ")");
    const std::optional<std::size_t> chunk = p.chunksize ? p.chunksize : s.chunksize;
    add(out, "    p.map(work_log, work" + (chunk ? ", chunksize=" + std::to_string(*chunk) : std::string()) + ")",
        "QueueGet");
    if (st.runnable) {
        // A pool left to the interpreter's exit is terminated: a worker still
        // running then loses what it printed but had not flushed.
        add(out, "    p.close()  # the workers exit on their own, their output flushed");
        add(out, "    p.join()");
    }
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
