// Wrapped text breaks where a reader would (issue 11, "The classroom"):
// Dear ImGui 1.86's word wrap broke after '.' and ',' and at any space, so
// the caption and the This run / Why texts read "3." at a line's end and
// "64 s" on the next, "196" / "ms". The layout probe reports the lines as
// drawn (a text ImGui wrapped is split where ImGui broke it), so these
// checks read what the class reads.
#include "gui_support.hpp"

#include <regex>

using namespace guitest;

namespace {


// Where a panel's consecutive drawn lines split what a reader keeps
// together: a number ("3." / "64 s", "1," / "024"), a number and its unit
// ("196" / "ms", "8" / "workers", "83" / "%"), or a line ended by an
// opening bracket or a dash with nothing after it. "" when none.
std::string badBreak(const std::string& prev, const std::string& next, bool code = false) {
    static const std::regex numberCut(R"(\d[.,]$)"), startsDigit(R"(^\d)");
    static const std::regex endsNumber(R"((^|[\s(~])[0-9][0-9.,]*$)");
    static const std::regex startsUnit("^(s|ms|\u00b5s|us|ns|%|\u00d7|x|workers?|cores?|tasks?)([\\s,.;:)]|$)");
    static const std::regex opener("(\\(|\u2014|\u2013)$");
    if (std::regex_search(prev, numberCut) && std::regex_search(next, startsDigit)) return "a number cut";
    if (std::regex_search(prev, endsNumber) && std::regex_search(next, startsUnit)) return "a unit cut from its number";
    if (!code && std::regex_search(prev, opener)) return "an opening bracket or dash ends the line";
    return "";
}

// Every pair of consecutive lines in every panel (the timeline's lane
// words are not sentences: left out; a Python line may end with "(").
void checkBreaks(const json& layout, const std::string& what) {
    for (const json& p : layout["panels"]) {
        if (p["name"] == "Timeline") continue;
        const json& lines = p["lines"];
        for (std::size_t i = 1; i < lines.size(); ++i) {
            const std::string prev = lines[i - 1].get<std::string>(), next = lines[i].get<std::string>();
            const std::string bad = badBreak(prev, next, p["name"] == "Code");
            INFO(what << ", " << p["name"].get<std::string>() << ": '" << prev << "' / '" << next << "'");
            CHECK(bad == "");
        }
    }
}

} // namespace

TEST_CASE("the rule reads a bad break as one", "[wrap]") {
    CHECK(badBreak("The pool took 3.", "64 s in all") == "a number cut");
    CHECK(badBreak("ran 1,", "024 tasks") == "a number cut");
    CHECK(badBreak("the run took 196", "ms") == "a unit cut from its number");
    CHECK(badBreak("with 8", "workers on 2 cores") == "a unit cut from its number");
    CHECK(badBreak("efficiency 83", "% here") == "a unit cut from its number");
    CHECK(badBreak("speedup 1.19", "\u00d7 over one") == "a unit cut from its number");
    CHECK(badBreak("idle \u2014", "load imbalance") == "an opening bracket or dash ends the line");
    CHECK(badBreak("the run took 3.64 s,", "then ended") == "");
    CHECK(badBreak("ForkPoolWorker-2", "sleeping") == "");   // a name ends with a digit
    CHECK(badBreak("tasks", "16/16 done") == "");
}

// Presentation at 1280x720 (the classroom's projector) and normal type at
// the same size, after a run, with the texts that wrap most: This run
// (its numbers and callout headline), Why (the callouts' sentences), the
// caption under the controls.
TEST_CASE("wrapped text never breaks inside a number or between a number and its unit", "[gui][wrap][room]") {
    NEED_DISPLAY();
    struct Case {
        std::string name;
        std::vector<std::string> args;
    };
    const std::vector<Case> cases = {
        {"pool, This run", {"pool", "--presentation", "--time-scale", "0.3"}},
        {"pool, Why", {"pool", "--presentation", "--time-scale", "0.3", "--test-tab", "Why"}},
        {"pool-uneven, Why", {"pool-uneven", "--presentation", "--time-scale", "0.3", "--test-tab", "Why"}},
        {"8 cpu workers, This run", {"pool-sizes", "--workers", "8", "--work", "cpu", "--presentation", "--time-scale", "0.3"}},
        {"8 cpu workers, Why",
         {"pool-sizes", "--workers", "8", "--work", "cpu", "--presentation", "--time-scale", "0.3", "--test-tab", "Why"}},
        {"8 cpu workers, Why, normal type",
         {"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.3", "--test-tab", "Why"}},
    };
    TempDir dir;
    int n = 0;
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--size", "1280x720"});
        const json l = shotOf(args, dir, "shot" + std::to_string(n++));
        checkBreaks(l, c.name);
    }
}
