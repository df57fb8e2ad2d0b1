// What parviz says about a traced program's tracer hook (traced_program.hpp):
// a slow start is "not yet", never "untraced", until the program has ended.
#include "parviz/traced_program.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace parviz;

TEST_CASE("the hook lines say 'not yet' while waiting and 'untraced' only once the program ended without it",
          "[trace][hook][words]") {
    const std::string n = "my_queue.py";
    CHECK(hookStatusLine({HookStatus::Starting, 1.0}, n, false).empty());
    const std::string notYet = hookStatusLine({HookStatus::NotYet, 3.05}, n, false);
    CHECK(notYet.find("my_queue.py has not loaded the tracer yet after 3.0 s") == 0);
    CHECK(notYet.find("untraced") == std::string::npos);   // not a claim while it may still come
    CHECK(notYet.find("will show no processes") == std::string::npos);
    // Loaded on time: nothing to say; loaded after "not yet": traced after all.
    CHECK(hookStatusLine({HookStatus::Loaded, 0.4}, n, false).empty());
    CHECK(hookStatusLine({HookStatus::Loaded, 6.71}, n, true) == "my_queue.py loaded the tracer after 6.7 s: traced after all");
    // Late by its own time even when nobody looked between 3 s and its load (a stalled frame, a busy CI):
    // the panels said "Waiting for ...", so the header must say it came.
    CHECK(hookStatusLine({HookStatus::Loaded, 4.3}, n, false) == "my_queue.py loaded the tracer after 4.3 s: traced after all");
    const std::string never = hookStatusLine({HookStatus::NeverLoaded, 3.6}, n, true);
    CHECK(never.find("my_queue.py ended without loading the tracer, so it ran untraced") == 0);
}

TEST_CASE("before a traced program's root announces itself every panel says it waits for it, naming it",
          "[trace][hook][words]") {
    const std::string n = "my_queue.py";
    const std::string starting = waitingForProgramLine({HookStatus::Starting, 0.8}, n);
    CHECK(starting.find("Waiting for my_queue.py to start (0.8 s so far)") == 0);
    const std::string late = waitingForProgramLine({HookStatus::NotYet, 4.2}, n);
    CHECK(late.find("Waiting for my_queue.py to start (4.2 s so far)") == 0);
    CHECK(late.find("not loaded parviz's tracer yet") != std::string::npos);
    CHECK(waitingForProgramLine({HookStatus::Loaded, 2.9}, n).empty());   // then the panels show the program
    CHECK(waitingForProgramLine({HookStatus::NeverLoaded, 5}, n).find("my_queue.py ended without loading") == 0);
}
