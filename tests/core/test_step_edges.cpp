// The step row's cue at the ends of a run's program events (session 13's
// newcomer: Next at the last event gave no sign it was the last).
#include "parviz/explain.hpp"
#include "parviz/run_model.hpp"

#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

using namespace parviz;
using parviz::test::kZero;
using parviz::test::sec;

TEST_CASE("the step row says when the cursor is at the first or the last program event", "[explain][step][polish]") {
    auto tr = test::tutorialPoolTrace();
    RunModel m;
    m.update(*tr);
    auto note = [&](double at, ProcId only = kNoProc) { return stepEdgeNote(m, *tr, kZero + sec(at), only); };
    // The tutorial pool's program events run from 0 s to 6.1 s (steps in test_explain).
    CHECK(note(0) == "the first event");
    CHECK(note(3) == "");
    CHECK(note(6.1) == "the last event");
    CHECK(note(6.2) == "the last event");   // RunEnd is no program event: nothing later
    // One process: ForkPoolWorker-1's last is its exit at 6.1 s; at 5.5 s one is still to come.
    CHECK(note(5.5, 1) == "");
    CHECK(note(6.1, 1) == "the last event");
}
