#pragma once
// Arena internals shared by arena.cpp and runtime.cpp (not public API).
#include <cstddef>

namespace parviz {

// Creates and maps the arena; called once by init() before the fork server
// starts. Throws std::system_error.
void createArena(std::size_t bytes);
[[noreturn]] void arenaNotInitialized() noexcept;

} // namespace parviz
