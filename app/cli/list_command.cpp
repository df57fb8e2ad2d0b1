// `parviz list`: the built-in scenarios, one line each.
#include "cli/commands.hpp"
#include "cli/terminal_out.hpp"

#include "parviz/scenario.hpp"

#include <algorithm>
#include <cstdio>

namespace parviz::cli {

int listCommand(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--help" || a == "-h") {
            std::printf("usage: parviz list\n\nLists the built-in scenarios (the tutorial's demos), one line each.\n"
                        "Run one with: parviz run NAME\n");
            return 0;
        }
        errorLine("parviz list: ", a + ": unknown argument (see parviz list --help)");
        return 2;
    }
    auto names = builtinScenarioNames();
    std::size_t width = 0;
    for (const auto& n : names) width = std::max(width, n.size());
    int status = 0;
    for (const auto& n : names) {
        try {
            Scenario s = loadScenario(n);
            std::printf("%-*s  ", static_cast<int>(width), escapeForTerminal(n).c_str());
            writeSafe(stdout, s.description + "\n");
        } catch (const ScenarioError& e) {
            // A broken asset is an installation problem: say which, keep listing.
            errorLine("parviz list: ", e.what());
            status = 2;
        }
    }
    if (names.empty()) {
        std::fprintf(stderr, "parviz list: no built-in scenarios found (is assets/scenarios installed?)\n");
        return 2;
    }
    return status;
}

} // namespace parviz::cli
