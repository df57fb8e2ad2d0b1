#pragma once
// Work: what a task does. `sleep` sleeps for the task's seconds of unpaused
// run time; `cpu` spins until this process's own CPU time has grown by that
// much, so on an oversubscribed machine CPU work stretches in wall time while
// sleep work does not. The run clock's time scale applies to both.
#include <cstdint>
#include <optional>
#include <string_view>

namespace parviz {

enum class WorkKind : std::uint8_t { Sleep, Cpu };
const char* toString(WorkKind k) noexcept;
std::optional<WorkKind> parseWorkKind(std::string_view s) noexcept;

// Does `seconds` of scenario time of work (scaled by currentClock()'s time
// scale), writing State events (Sleeping / Running) around it.
void doWork(WorkKind kind, double seconds);

// A named task: TaskStart ... work ... TaskEnd in the trace. `index` is the
// task's index in its scenario.
void runTask(std::int32_t index, std::string_view name, WorkKind kind, double seconds);

} // namespace parviz
