// Test runner: starts parviz (arena + fork server) before Catch creates any
// thread, warns on test cases without assertions, and fails the run when the
// leak check (leak_check.hpp) saw anything left behind.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "leak_check.hpp"
#include "parviz/runtime.hpp"

int main(int argc, char* argv[]) {
    parviz::init();
    Catch::Session session;
    int rc = session.applyCommandLine(argc, argv);
    if (rc != 0) return rc;
    auto& cfg = session.configData();
    cfg.warnings = static_cast<Catch::WarnAbout::What>(cfg.warnings | Catch::WarnAbout::NoAssertions);
    int result = session.run();
    if (parviz::test::leaksFound() && result == 0) return 1;
    return result;
}
