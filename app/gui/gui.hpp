#pragma once
// The window's single entry point. app/main.cpp calls parviz::init() first
// (the fork server must exist before any window or thread), then hands plain
// `parviz` and `parviz gui ...` to guiMain.
#include <string>
#include <vector>

namespace parviz::gui {

// args: everything after `gui` (empty for plain `parviz`). Returns the process
// exit code: 0 on success, 2 on bad usage, no display, or an unreadable file.
int guiMain(const std::vector<std::string>& args);

} // namespace parviz::gui
