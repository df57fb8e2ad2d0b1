// The results view (views.hpp, buildResultOrder) on synthetic traces: the
// tutorial's Pool(2) (A 0-5 s on worker 1; B 0-2, C 2-3, D 3-6 on worker 2)
// with the results received as each method hands them over.
#include "parviz/views.hpp"
#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

using namespace parviz;
using parviz::test::kZero;
using parviz::test::sec;

namespace {

ResultOrderView resultsAt(const std::vector<std::pair<double, int>>& results, double atSeconds) {
    test::SyntheticOptions o;
    o.results = results;
    auto tr = test::tutorialPoolTrace(o);
    RunModel m;
    m.update(*tr);
    return buildResultOrder(m, *tr, kZero + sec(atSeconds));
}

std::string namesOf(const ResultOrderView& v) {
    std::string out;
    for (const auto& a : v.arrived) out += a.name;
    return out;
}

} // namespace

TEST_CASE("imap_unordered's results arrive in the order the tasks finished, each when it ended", "[view][results]") {
    const auto v = resultsAt({{2, 1}, {3, 2}, {5, 0}, {6, 3}}, 7);
    CHECK(namesOf(v) == "BCAD");
    CHECK(v.finishOrder);
    CHECK_FALSE(v.inputOrder);
    CHECK_FALSE(v.together);
    CHECK(v.pending == 0);
    CHECK(v.text == "the program receives: B at 2.00 s, C at 3.00 s, A at 5.00 s, D at 6.00 s (the order the tasks finished)");
    REQUIRE(v.arrived.size() == 4);
    CHECK(v.arrived[2].taskEnd == kZero + sec(5));
}

TEST_CASE("map's results arrive all at once, in input order, when the last task is done", "[view][results]") {
    const auto v = resultsAt({{6, 0}, {6, 1}, {6, 2}, {6, 3}}, 7);
    CHECK(namesOf(v) == "ABCD");
    CHECK(v.inputOrder);
    CHECK(v.together);
    CHECK(v.text == "the program receives: A, B, C, D, all at 6.00 s (input order, all at once)");
}

TEST_CASE("imap's results arrive in input order: B and C wait for A", "[view][results]") {
    const auto v = resultsAt({{5, 0}, {5, 1}, {5, 2}, {6, 3}}, 7);
    CHECK(namesOf(v) == "ABCD");
    CHECK(v.inputOrder);
    CHECK_FALSE(v.finishOrder);
    CHECK_FALSE(v.together);
    CHECK(v.text == "the program receives: A at 5.00 s, B at 5.00 s, C at 5.00 s, D at 6.00 s (input order)");
}

TEST_CASE("at a cursor, only the results received by then are listed, and the rest are still to come", "[view][results]") {
    const std::vector<std::pair<double, int>> unordered = {{2, 1}, {3, 2}, {5, 0}, {6, 3}};
    const auto before = resultsAt(unordered, 1);
    CHECK(before.arrived.empty());
    CHECK(before.pending == 4);
    CHECK(before.text == "the program receives: none yet; 4 to come");
    const auto mid = resultsAt(unordered, 3.5);
    CHECK(namesOf(mid) == "BC");
    CHECK(mid.pending == 2);
    CHECK(mid.text == "the program receives: B at 2.00 s, C at 3.00 s (input order, which is also the order they finished); 2 to come");
    // A run whose call raised at C: the rest never came.
    const auto raised = resultsAt({{2, 1}}, 6.5);
    CHECK(raised.finished);
    CHECK(raised.text == "the program receives: B at 2.00 s; 3 never received");
}

TEST_CASE("a run with no pool results has no results view, and a long list is shortened", "[view][results]") {
    CHECK(resultsAt({}, 7).text.empty());
    test::SyntheticOptions o;
    o.results = {{2, 1}, {3, 2}, {5, 0}, {6, 3}};
    auto tr = test::tutorialPoolTrace(o);
    RunModel m;
    m.update(*tr);
    const auto v = buildResultOrder(m, *tr, kZero + sec(7), 2);
    CHECK(v.arrived.size() == 4);
    CHECK(v.list == "B at 2.00 s, C at 3.00 s, \u2026 2 more");
}
