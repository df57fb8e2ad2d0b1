// The process kind: one Process per argument, each printing its continent
// (the tutorial's print_func).
#include "../scenario_program.hpp"

#include "parviz/process.hpp"

#include <algorithm>

namespace parviz::detail {
namespace {

// def print_func(continent='Asia'): print('The name of continent is : ', continent)
// args: [continent or "" for the default, the default]
int continentTarget(std::span<const std::string> args) {
    std::string continent = !args.empty() && !args[0].empty() ? args[0] : (args.size() > 1 ? args[1] : "Asia");
    print("The name of continent is :  " + continent);
    return 0;
}

class ProcessProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::Process; }
    const char* name() const noexcept override { return "process"; }

    std::vector<std::string> fields() const override { return {"args", "default_arg"}; }
    void read(const Fields& f, Scenario& s) const override {
        s.defaultArg = f.str("default_arg", "Asia", kMaxNameBytes);
        if (f.has("args")) {
            const json& arr = f.at("args");
            if (!arr.is_array()) fail(f.file(), "args", "must be a list of strings, got " + typeName(arr));
            if (arr.empty() || arr.size() > static_cast<std::size_t>(kMaxWorkers))
                fail(f.file(), "args", "must hold 1 to " + std::to_string(kMaxWorkers) +
                                           " entries (one process each), got " + std::to_string(arr.size()));
            s.args = f.strings("args", static_cast<std::size_t>(kMaxWorkers), kMaxNameBytes, "entries");
        } else {
            s.args = {"", "America", "Europe", "Africa"};
        }
        s.processes = static_cast<int>(s.args.size());
    }
    void write(const Scenario& s, json& j) const override {
        j["args"] = s.args;
        j["default_arg"] = s.defaultArg;
    }

    int workers(const Scenario& s) const override { return static_cast<int>(s.args.size()); }
    const char* workersField() const noexcept override { return "args"; }
    bool joinsProcesses() const noexcept override { return true; }

    void run(RunContext& ctx) const override {
        const Scenario& sc = ctx.scenario();
        std::vector<Process> ps;
        ps.reserve(sc.args.size());
        for (const auto& a : sc.args)
            ps.emplace_back(&continentTarget, std::vector<std::string>{a, sc.defaultArg},
                            ProcessOptions{.recorder = &ctx.recorder()});
        ctx.runProcesses(ps);
    }

    Lines listing(const Scenario& s, const ListingParams&, const Style& st) const override {
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
            add(out, "    names = " + pyList(st, lits, "names", comment) + comment);
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
            add(out, "    names = " + pyList(st, lits, "processes", comment) + comment);
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
};

} // namespace

const ScenarioProgram& processProgram() noexcept {
    static const ProcessProgram p;
    return p;
}

} // namespace parviz::detail
