// The lock kind: several processes take turns in one critical section.
#include "../scenario_program.hpp"

#include "parviz/lock.hpp"
#include "parviz/process.hpp"
#include "parviz/work.hpp"

namespace parviz::detail {
namespace {

// args: [lock, rounds, hold seconds, work, first task index]
int lockTarget(std::span<const std::string> args) {
    Lock lock = Lock::fromArg(args[0]);
    int rounds = std::stoi(args[1]);
    double hold = std::stod(args[2]);
    WorkKind work = parseWorkKind(args[3]).value_or(WorkKind::Sleep);
    int base = std::stoi(args[4]);
    const std::string& me = currentProcessName();
    for (int r = 0; r < rounds; ++r) {
        lock.acquire();
        // print(current_process().name, 'holds the lock, round', i), as the listing says
        print(me + " holds the lock, round " + std::to_string(r));
        runTask(base + r, "round " + std::to_string(r), work, hold);   // the lane names the process
        lock.release();
    }
    return 0;
}

class LockProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::Lock; }
    const char* name() const noexcept override { return "lock"; }

    std::vector<std::string> fields() const override { return {"processes", "rounds", "hold_seconds"}; }
    void read(const Fields& f, Scenario& s) const override {
        s.processes = static_cast<int>(f.integer("processes", 4, 1, kMaxWorkers));
        s.rounds = static_cast<int>(f.integer("rounds", 3, 1, kMaxRounds));
        s.holdSeconds = f.number("hold_seconds", 0.2, 0, kMaxTaskSeconds);
    }
    void write(const Scenario& s, json& j) const override {
        j["processes"] = s.processes;
        j["rounds"] = s.rounds;
        j["hold_seconds"] = s.holdSeconds;
    }

    int workers(const Scenario& s) const override { return s.processes; }
    const char* workersField() const noexcept override { return "processes"; }
    bool workersOverridable() const noexcept override { return true; }
    bool hasWork() const noexcept override { return true; }
    bool makesLock() const noexcept override { return true; }
    bool joinsProcesses() const noexcept override { return true; }

    void run(RunContext& ctx) const override {
        const Scenario& sc = ctx.scenario();
        Lock lock("lock");
        const int n = ctx.workers();
        const WorkKind w = ctx.workOverride().value_or(WorkKind::Sleep);
        std::vector<Process> ps;
        ps.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            ps.emplace_back(&lockTarget,
                            std::vector<std::string>{lock.toArg(), std::to_string(sc.rounds), formatSeconds(sc.holdSeconds),
                                                     toString(w), std::to_string(i * sc.rounds)},
                            ProcessOptions{.recorder = &ctx.recorder()});
        ctx.runProcesses(ps);
    }

    Lines listing(const Scenario& s, const ListingParams& p, const Style& st) const override {
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
        addWorkCall(out, st, w, "            ", "hold", "");
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
};

} // namespace

const ScenarioProgram& lockProgram() noexcept {
    static const LockProgram p;
    return p;
}

} // namespace parviz::detail
