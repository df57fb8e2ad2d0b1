#include "gui/gui.hpp"

#include <cstdio>

namespace parviz::gui {

int guiMain(const std::vector<std::string>& args) {
    (void)args;
    std::fprintf(stderr, "parviz gui: the window is not built yet\n");
    return 2;
}

} // namespace parviz::gui
