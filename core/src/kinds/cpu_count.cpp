// The cpu-count kind: multiprocessing.cpu_count() and the cores this process
// may use. No fields, no worker process.
#include "../scenario_program.hpp"

#include "parviz/process.hpp"

namespace parviz::detail {
namespace {

class CpuCountProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::CpuCount; }
    const char* name() const noexcept override { return "cpu-count"; }

    std::vector<std::string> fields() const override { return {}; }
    void read(const Fields&, Scenario&) const override {}
    void write(const Scenario&, json&) const override {}

    int workers(const Scenario&) const override { return 0; }

    void run(RunContext&) const override {
        int total = cpuCountTotal(), usable = cpuCountUsable();
        print("Number of cpu :  " + std::to_string(total));
        if (usable != total) print("Number of usable cpu :  " + std::to_string(usable));
    }

    Lines listing(const Scenario&, const ListingParams&, const Style& st) const override {
        Lines out;
        add(out, "import multiprocessing");
        add(out, "import os");
        add(out, "");
        const std::size_t body = out.size();
        add(out, "n = multiprocessing.cpu_count()");
        add(out, "print(\"Number of cpu : \", n)", "Print");
        add(out, "usable = len(os.sched_getaffinity(0))  # the cores this process may use");
        add(out, "if usable != n:");
        add(out, "    print(\"Number of usable cpu : \", usable)", "Print");
        if (st.runnable) guardMain(out, body);
        return out;

    }
};

} // namespace

const ScenarioProgram& cpuCountProgram() noexcept {
    static const CpuCountProgram p;
    return p;
}

} // namespace parviz::detail
