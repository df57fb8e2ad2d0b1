// The table of scenario kinds (scenario_program.hpp): one line per kind, in
// ScenarioKind order. A new kind adds its line here.
#include "../scenario_program.hpp"

#include <array>

namespace parviz::detail {

const ScenarioProgram& cpuCountProgram() noexcept;   // kinds/cpu_count.cpp
const ScenarioProgram& processProgram() noexcept;    // kinds/process.cpp
const ScenarioProgram& queueProgram() noexcept;      // kinds/queue.cpp
const ScenarioProgram& lockProgram() noexcept;       // kinds/lock.cpp
const ScenarioProgram& jobQueueProgram() noexcept;   // kinds/job_queue.cpp
const ScenarioProgram& poolProgram() noexcept;       // kinds/pool.cpp

namespace {

const auto& table() noexcept {
    static const std::array<const ScenarioProgram*, 6> programs = {
        &cpuCountProgram(), &processProgram(), &queueProgram(), &lockProgram(), &jobQueueProgram(), &poolProgram(),
    };
    return programs;
}

} // namespace

std::span<const ScenarioProgram* const> scenarioPrograms() noexcept { return table(); }

const ScenarioProgram& programFor(ScenarioKind k) noexcept {
    for (const ScenarioProgram* p : table())
        if (p->kind() == k) return *p;
    return poolProgram();   // not reached: every ScenarioKind has its line (tests/core/test_scenario_kinds.cpp)
}

const ScenarioProgram* programNamed(std::string_view name) noexcept {
    for (const ScenarioProgram* p : table())
        if (name == p->name()) return p;
    return nullptr;
}

std::string kindNames() {
    std::string list;
    for (const ScenarioProgram* p : table()) list += (list.empty() ? "" : ", ") + std::string(p->name());
    return list;
}

WorkerNames ScenarioProgram::workerNames(const Scenario&, int workers, std::size_t) const {
    if (workers <= 0) return {};
    return {"Process-", workers};
}

} // namespace parviz::detail
