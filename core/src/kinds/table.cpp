// The table of scenario kinds (scenario_program.hpp), made from the one list
// of them, parviz/scenario_kinds.def: a new kind adds its line there, not here.
#include "../scenario_program.hpp"

#include <array>

namespace parviz::detail {

#define PARVIZ_SCENARIO_KIND(value, program) const ScenarioProgram& program() noexcept;
#include "parviz/scenario_kinds.def"
#undef PARVIZ_SCENARIO_KIND

namespace {

const auto& table() noexcept {
    static const std::array programs = {
#define PARVIZ_SCENARIO_KIND(value, program) &program(),
#include "parviz/scenario_kinds.def"
#undef PARVIZ_SCENARIO_KIND
    };
    return programs;
}

} // namespace

std::span<const ScenarioProgram* const> scenarioPrograms() noexcept { return table(); }

const ScenarioProgram& programFor(ScenarioKind k) noexcept {
    for (const ScenarioProgram* p : table())
        if (p->kind() == k) return *p;
    return *table().front();   // not reached: every ScenarioKind has its line (tests/core/test_scenario_kinds.cpp)
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
