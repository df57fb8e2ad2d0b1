// Python-style listings generated from a scenario's parameters (listing.hpp).
//
// [SECTION] Formatting   Python literals: strings, numbers, shortened lists
// [SECTION] Work         the work call (time.sleep / spin_cpu) and its anchor
// [SECTION] Kinds        one function per scenario kind, mirroring run.cpp's run bodies
#include "parviz/listing.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace parviz {
namespace {

using Lines = std::vector<Scenario::CodeLine>;

// =============================================================================
// [SECTION] Formatting
// =============================================================================
constexpr std::size_t kShownItems = 8;   // data lists longer than this are shortened

void add(Lines& out, std::string text, std::string anchor = "") {
    out.push_back({std::move(text), std::move(anchor)});
}

// A Python string literal with the given quote.
std::string pyStr(const std::string& s, char q = '\'') {
    std::string out(1, q);
    for (char c : s) {
        if (c == '\\' || c == q) out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + q;
}

// As Python's %s prints a number given as 5 or 0.5 (run.cpp's formatSeconds).
std::string pyNum(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// "[a, b, c]" of already-formatted literals, shortened to the first few plus
// Python's Ellipsis and a comment with the full count.
std::string pyList(const std::vector<std::string>& lits, const char* noun, std::string& comment) {
    std::string out = "[";
    const std::size_t shown = std::min(lits.size(), kShownItems);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + lits[i];
    if (shown < lits.size()) {
        out += ", ...";
        comment = "  # " + std::to_string(lits.size()) + " " + noun + " in all";
    }
    return out + "]";
}

// =============================================================================
// [SECTION] Work
// =============================================================================
struct WorkPlan {
    bool anySleep = false, anyCpu = false;
    bool mixed() const { return anySleep && anyCpu; }
};

WorkPlan planWork(const std::vector<TaskSpec>& tasks, const std::optional<WorkKind>& override) {
    WorkPlan w;
    if (override) {
        (*override == WorkKind::Cpu ? w.anyCpu : w.anySleep) = true;
        return w;
    }
    for (const TaskSpec& t : tasks) (t.work == WorkKind::Cpu ? w.anyCpu : w.anySleep) = true;
    if (!w.anyCpu) w.anySleep = true;
    return w;
}

// CPU work in parviz spins until the worker's own CPU time has grown by that
// much (work.cpp): written out so a student sees why it needs a core.
void addSpinCpu(Lines& out) {
    add(out, "def spin_cpu(seconds):");
    add(out, "    # CPU work: burn this process's own CPU time (it needs a core)");
    add(out, "    end = time.process_time() + seconds");
    add(out, "    while time.process_time() < end:");
    add(out, "        pass");
    add(out, "");
}

// The work call for `seconds` (a Python expression), indented; with mixed
// work it branches on `kindExpr`.
void addWorkCall(Lines& out, const WorkPlan& w, const std::string& indent, const std::string& seconds,
                 const std::string& kindExpr) {
    const std::string sleep = "time.sleep(" + seconds + ")", spin = "spin_cpu(" + seconds + ")";
    if (!w.mixed()) {
        if (w.anyCpu) add(out, indent + spin + "  # CPU-bound", "State:Running");
        else add(out, indent + sleep, "State:Sleeping");
        return;
    }
    add(out, indent + "if " + kindExpr + " == \"cpu\":");
    add(out, indent + "    " + spin, "State:Running");
    add(out, indent + "else:");
    add(out, indent + "    " + sleep, "State:Sleeping");
}

WorkKind effectiveWork(const TaskSpec& t, const std::optional<WorkKind>& override) {
    return override.value_or(t.work);
}

// True when the tasks are what the loader generates from task_count: named
// prefix + index, all the same length and work.
bool generatedTasks(const std::vector<TaskSpec>& ts, const std::string& prefix) {
    if (ts.empty()) return false;
    for (std::size_t i = 0; i < ts.size(); ++i)
        if (ts[i].name != prefix + std::to_string(i) || ts[i].seconds != ts[0].seconds || ts[i].work != ts[0].work)
            return false;
    return true;
}

// =============================================================================
// [SECTION] Kinds
// =============================================================================
Lines cpuCountListing() {
    Lines out;
    add(out, "import multiprocessing");
    add(out, "import os");
    add(out, "");
    add(out, "n = multiprocessing.cpu_count()");
    add(out, "print(\"Number of cpu : \", n)", "Print");
    add(out, "usable = len(os.sched_getaffinity(0))  # the cores this process may use");
    add(out, "if usable != n:");
    add(out, "    print(\"Number of usable cpu : \", usable)", "Print");
    return out;
}

Lines processListing(const Scenario& s) {
    Lines out;
    add(out, "from multiprocessing import Process");
    add(out, "");
    add(out, "def print_func(continent=" + pyStr(s.defaultArg) + "):", "ProcStart");
    add(out, "    print('The name of continent is : ', continent)", "Print");
    add(out, "");
    add(out, "if __name__ == \"__main__\":");
    // The tutorial's shape when the processes without an argument come first.
    std::size_t bare = 0;
    while (bare < s.args.size() && s.args[bare].empty()) ++bare;
    const bool tidy = std::none_of(s.args.begin() + static_cast<long>(bare), s.args.end(),
                                   [](const std::string& a) { return a.empty(); });
    std::vector<std::string> lits;
    std::string comment;
    if (tidy) {
        for (std::size_t i = bare; i < s.args.size(); ++i) lits.push_back(pyStr(s.args[i]));
        add(out, "    names = " + pyList(lits, "names", comment) + comment);
        add(out, "    procs = []");
        if (bare > 0) {
            const std::string ind = bare == 1 ? "    " : "        ";
            if (bare > 1) add(out, "    for _ in range(" + std::to_string(bare) + "):");
            add(out, ind + "proc = Process(target=print_func)  # instantiating without any argument");
            add(out, ind + "procs.append(proc)");
            add(out, ind + "proc.start()");
        }
        add(out, "    for name in names:");
        add(out, "        proc = Process(target=print_func, args=(name,))");
    } else {
        for (const std::string& a : s.args) lits.push_back(a.empty() ? "None" : pyStr(a));
        add(out, "    names = " + pyList(lits, "processes", comment) + comment);
        add(out, "    procs = []");
        add(out, "    for name in names:");
        add(out, "        proc = Process(target=print_func, args=() if name is None else (name,))");
    }
    add(out, "        procs.append(proc)");
    add(out, "        proc.start()");
    add(out, "    for proc in procs:");
    add(out, "        proc.join()", "ProcExit");
    return out;
}

Lines queueListing(const Scenario& s) {
    Lines out;
    std::vector<std::string> lits;
    for (const std::string& i : s.items) lits.push_back(pyStr(i));
    std::string comment;
    const std::string list = pyList(lits, "items", comment);
    add(out, "from multiprocessing import Queue");
    add(out, "");
    add(out, "colors = " + list + comment);
    add(out, "cnt = 1");
    add(out, "queue = Queue()");
    add(out, "print('pushing items to queue:')");
    add(out, "for color in colors:");
    add(out, "    print('item no: ', cnt, ' ', color)", "Print");
    add(out, "    queue.put(color)", "QueuePut");
    add(out, "    cnt += 1");
    add(out, "");
    add(out, "print('\\npopping items from queue:')");
    add(out, "cnt = 0");
    add(out, "while not queue.empty():");
    add(out, "    print('item no: ', cnt, ' ', queue.get())", "QueueGet");
    add(out, "    cnt += 1");
    return out;
}

Lines lockListing(const Scenario& s, const ListingParams& p) {
    Lines out;
    const WorkPlan w = planWork({}, p.work);   // the lock's hold is sleep unless --work cpu
    add(out, "from multiprocessing import Lock, Process, current_process");
    add(out, "import time");
    add(out, "");
    if (w.anyCpu) addSpinCpu(out);
    add(out, "def worker(lock, rounds, hold):");
    add(out, "    for i in range(rounds):");
    add(out, "        lock.acquire()", "LockWait");
    add(out, "        try:", "LockAcquire");
    add(out, "            print(current_process().name, 'holds the lock, round', i)", "Print");
    addWorkCall(out, w, "            ", "hold", "");
    add(out, "        finally:");
    add(out, "            lock.release()", "LockRelease");
    add(out, "");
    add(out, "if __name__ == '__main__':");
    add(out, "    lock = Lock()");
    add(out, "    procs = [Process(target=worker, args=(lock, " + std::to_string(s.rounds) + ", " +
                 pyNum(s.holdSeconds) + ")) for _ in range(" + std::to_string(p.workers.value_or(s.processes)) + ")]");
    add(out, "    for p in procs:");
    add(out, "        p.start()");
    add(out, "    for p in procs:");
    add(out, "        p.join()", "ProcExit");
    return out;
}

// The tasks as Python data: `name = [...]` of [name, seconds(, work)] entries,
// or a comprehension for generated tasks. Returns the lines (no anchors).
void addTaskData(Lines& out, const std::string& var, const std::vector<TaskSpec>& ts, const std::string& prefix,
                 const WorkPlan& w, const std::optional<WorkKind>& override, bool asDict) {
    auto entry = [&](const TaskSpec& t) {
        std::string e = asDict ? pyStr(t.name, '"') + ": " : "[" + pyStr(t.name, '"') + ", ";
        std::string v = pyNum(t.seconds);
        if (w.mixed()) v = asDict ? "(" + v + ", \"" + toString(effectiveWork(t, override)) + "\")"
                                  : v + ", \"" + toString(effectiveWork(t, override)) + "\"";
        return e + v + (asDict ? "" : "]");
    };
    const char open = asDict ? '{' : '(', close = asDict ? '}' : ')';
    if (generatedTasks(ts, prefix) && ts.size() > 4 && !w.mixed()) {
        const std::string name = pyStr(prefix + "%d", '"') + " % i";
        if (asDict) add(out, var + " = {" + name + ": " + pyNum(ts[0].seconds) + " for i in range(" + std::to_string(ts.size()) + ")}");
        else add(out, var + " = [[" + name + ", " + pyNum(ts[0].seconds) + "] for i in range(" + std::to_string(ts.size()) + ")]");
        return;
    }
    std::string one = var + " = " + open;
    for (std::size_t i = 0; i < ts.size(); ++i) one += (i ? ", " : "") + entry(ts[i]);
    one += close;
    if (ts.size() <= kShownItems && one.size() <= 72) {
        add(out, one);
        return;
    }
    add(out, var + " = " + open);
    const std::size_t shown = std::min(ts.size(), kShownItems);
    for (std::size_t i = 0; i < shown; ++i) add(out, "    " + entry(ts[i]) + ",");
    if (shown < ts.size()) add(out, "    # ... " + std::to_string(ts.size() - shown) + " more, " + std::to_string(ts.size()) + " tasks in all");
    add(out, std::string(1, close));
}

Lines jobQueueListing(const Scenario& s, const ListingParams& p) {
    Lines out;
    const std::vector<TaskSpec>& ts = s.tasks;
    const WorkPlan w = planWork(ts, p.work);
    // The tutorial's own shape: "Task no i", all as long as each other.
    const bool tutorial = generatedTasks(ts, "Task no ") && !w.mixed();
    add(out, "from multiprocessing import Process, Queue, current_process");
    add(out, "import time");
    add(out, "import queue  # imported for using queue.Empty exception");
    add(out, "");
    if (!tutorial) {
        addTaskData(out, "jobs", ts, "Task no ", w, p.work, true);
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
    if (tutorial) addWorkCall(out, w, "            ", pyNum(ts.front().seconds), "");
    else if (w.mixed()) {
        add(out, "            seconds, work = jobs[task]");
        addWorkCall(out, w, "            ", "seconds", "work");
    } else addWorkCall(out, w, "            ", "jobs[task]", "");
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

Lines poolListing(const Scenario& s, const ListingParams& p) {
    Lines out;
    const WorkPlan w = planWork(s.tasks, p.work);
    const bool perCore = !p.workers && s.poolSizePerCore > 0;
    add(out, "from multiprocessing import Pool");
    if (perCore) add(out, "import os");
    add(out, "import time");
    add(out, "");
    addTaskData(out, "work", s.tasks, "Task ", w, p.work, false);
    add(out, "");
    if (w.anyCpu) addSpinCpu(out);
    add(out, "def work_log(work_data):", "TaskStart");
    add(out, "    print(\" Process %s waiting %s seconds\" % (work_data[0], work_data[1]))", "Print");
    addWorkCall(out, w, "    ", "work_data[1]", "work_data[2]");
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
    add(out, "");
    add(out, "if __name__ == '__main__':");
    add(out, "    pool_handler()");
    return out;
}

} // namespace

std::vector<Scenario::CodeLine> generateListing(const Scenario& s, const ListingParams& p) {
    if (!s.code.empty()) return s.code;   // the file wrote its own listing
    switch (s.kind) {
    case ScenarioKind::CpuCount: return cpuCountListing();
    case ScenarioKind::Process: return processListing(s);
    case ScenarioKind::Queue: return queueListing(s);
    case ScenarioKind::Lock: return lockListing(s, p);
    case ScenarioKind::JobQueue: return jobQueueListing(s, p);
    case ScenarioKind::Pool: return poolListing(s, p);
    }
    return {};
}

} // namespace parviz
