// The job-queue kind: workers loop on get_nowait until the queue is empty,
// report each task done on a second queue, which the main program prints.
#include "../scenario_program.hpp"

#include "parviz/process.hpp"
#include "parviz/queue.hpp"
#include "parviz/work.hpp"

#include <unordered_map>

namespace parviz::detail {
namespace {

// The tutorial's do_job: get_nowait until Empty; print, report, work.
// args: [tasks queue, done queue, task spec...]
int jobTarget(std::span<const std::string> args) {
    Queue tasks = Queue::fromArg(args[0]);
    Queue done = Queue::fromArg(args[1]);
    std::unordered_map<std::string, DecodedTask> specs;
    for (std::size_t i = 2; i < args.size(); ++i) {
        DecodedTask d = decodeTask(args[i]);
        specs.emplace(d.name, std::move(d));
    }
    for (;;) {
        std::string task;
        try {
            task = tasks.get_nowait();
        } catch (const QueueEmpty&) {
            break;
        }
        // As in the tutorial's listing: print, report done, then the work
        // (the task span still covers the work, so the timeline reads right).
        print(task);
        try {
            done.put(task + " is done by " + currentProcessName());
        } catch (const QueueClosed&) {
            return 0;   // parviz's deadlock check closed it: the run's failure says why
        }
        if (auto it = specs.find(task); it != specs.end())
            runTask(it->second.index, it->second.name, it->second.work, it->second.seconds);
    }
    return 0;
}

class JobQueueProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::JobQueue; }
    const char* name() const noexcept override { return "job-queue"; }

    std::vector<std::string> fields() const override {
        std::vector<std::string> f = {"processes"};
        f.insert(f.end(), kTaskFields.begin(), kTaskFields.end());
        return f;
    }
    void read(const Fields& f, Scenario& s) const override {
        s.processes = static_cast<int>(f.integer("processes", 4, 1, kMaxWorkers));
        readTasks(f, s, "Task no ", 10);
    }
    void write(const Scenario& s, json& j) const override {
        j["processes"] = s.processes;
        j["tasks"] = tasksToJson(s);
        j["task_seconds"] = s.jobSeconds;
    }

    int workers(const Scenario& s) const override { return s.processes; }
    const char* workersField() const noexcept override { return "processes"; }
    bool workersOverridable() const noexcept override { return true; }
    bool hasWork() const noexcept override { return true; }
    bool taskTable() const noexcept override { return true; }
    bool makesQueue() const noexcept override { return true; }
    bool joinsProcesses() const noexcept override { return true; }
    std::vector<TaskSpec> tasks(const Scenario& s) const override {
        if (!s.tasks.empty()) return s.tasks;
        // Built in code without a task list: the tutorial's ten tasks.
        std::vector<TaskSpec> ts;
        for (int i = 0; i < 10; ++i) ts.push_back({"Task no " + std::to_string(i), s.jobSeconds, WorkKind::Sleep});
        return ts;
    }

    void run(RunContext& ctx) const override {
        const auto ts = tasks(ctx.scenario());
        std::vector<std::string> names;
        names.reserve(ts.size());
        for (const auto& t : ts) names.push_back(t.name);
        Queue toDo(QueueOptions{.name = "tasks_to_accomplish", .capacityBytes = queueCapacityFor(names)});
        // The done queue keeps the default capacity: the workers put on it while
        // the parent waits in join(), which deadlocks in CPython when it fills
        // (REFERENCE.md); parviz's wait-graph check names it and ends the run.
        Queue doneQ(QueueOptions{.name = "tasks_that_are_done"});
        std::vector<std::string> args{toDo.toArg(), doneQ.toArg()};
        for (std::size_t i = 0; i < ts.size(); ++i) {
            TaskSpec t = ts[i];
            t.work = ctx.workOf(t);
            args.push_back(encodeTask(i, t));
        }
        for (const auto& name : names) {
            if (ctx.shouldStop()) return;
            toDo.put(name);
        }
        const int n = ctx.workers();
        std::vector<Process> ps;
        ps.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) ps.emplace_back(&jobTarget, args, ProcessOptions{.recorder = &ctx.recorder()});
        ctx.runProcesses(ps);
        if (ctx.shouldStop()) return;
        for (;;) {
            try {
                print(doneQ.get_nowait());
            } catch (const QueueEmpty&) {
                break;
            }
        }
    }

    Lines listing(const Scenario& s, const ListingParams& p, const Style& st) const override;
};

Lines JobQueueProgram::listing(const Scenario& s, const ListingParams& p, const Style& st) const {
    Lines out;
    const std::vector<TaskSpec>& ts = s.tasks;
    const WorkPlan w = planWork(ts, p.work);
    // The tutorial's own shape: "Task no i", all as long as each other.
    const bool tutorial = generatedTasks(ts, "Task no ") && !w.mixed();
    add(out, st.runnable ? "from multiprocessing import Process, current_process"
                         : "from multiprocessing import Process, Queue, current_process");
    add(out, "import time");
    add(out, "import queue  # imported for using queue.Empty exception");
    if (st.runnable) addQueueClass(out);
    else add(out, "");
    if (!tutorial) {
        addTaskData(out, st, "jobs", ts, "Task no ", w, p.work, true);
        add(out, "");
    }
    if (w.anyCpu) addSpinCpu(out);
    add(out, "def do_job(tasks_to_accomplish, tasks_that_are_done):");
    add(out, "    while True:");
    add(out, "        try:");
    add(out, "            task = tasks_to_accomplish.get_nowait()", "QueueGet");
    add(out, "        except queue.Empty:", "QueueEmpty");
    add(out, "            break");
    add(out, "        else:");
    add(out, "            print(task)", "TaskStart");
    add(out, "            tasks_that_are_done.put(task + ' is done by ' + current_process().name)", "QueuePut");
    if (tutorial) addWorkCall(out, st, w, "            ", pyNum(ts.front().seconds), "");
    else if (w.mixed()) {
        add(out, "            seconds, work = jobs[task]");
        addWorkCall(out, st, w, "            ", "seconds", "work");
    } else addWorkCall(out, st, w, "            ", "jobs[task]", "");
    add(out, "    return True");
    add(out, "");
    add(out, "def main():");
    if (tutorial) add(out, "    number_of_task = " + std::to_string(ts.size()));
    add(out, "    number_of_processes = " + std::to_string(p.workers.value_or(s.processes)));
    add(out, "    tasks_to_accomplish = Queue()");
    add(out, "    tasks_that_are_done = Queue()");
    add(out, "    processes = []");
    if (tutorial) {
        add(out, "    for i in range(number_of_task):");
        add(out, "        tasks_to_accomplish.put(\"Task no \" + str(i))");
    } else {
        add(out, "    for task in jobs:");
        add(out, "        tasks_to_accomplish.put(task)");
    }
    add(out, "    for w in range(number_of_processes):");
    add(out, "        p = Process(target=do_job, args=(tasks_to_accomplish, tasks_that_are_done))");
    add(out, "        processes.append(p)");
    add(out, "        p.start()");
    add(out, "    for p in processes:");
    add(out, "        p.join()", "ProcExit");
    add(out, "    while not tasks_that_are_done.empty():");
    add(out, "        print(tasks_that_are_done.get())", "Print");
    add(out, "    return True");
    add(out, "");
    add(out, "if __name__ == '__main__':");
    add(out, "    main()");
    return out;
}

} // namespace

const ScenarioProgram& jobQueueProgram() noexcept {
    static const JobQueueProgram p;
    return p;
}

} // namespace parviz::detail
