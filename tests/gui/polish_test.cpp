// Session 13's newcomer findings, checked from what the window drew
// (--layout-json): every speedup names its base, one unit per view, no
// "0 s" before it means something, chunk brackets as thick as a state strip.
#include "live_window.hpp"

#include <regex>

using namespace guitest;

namespace {
std::string panelText(const json& l, const std::string& prefix) {
    std::string all;
    for (const json& p : l["panels"])
        if (p["name"].get<std::string>().rfind(prefix, 0) == 0)
            for (const json& line : p["lines"]) all += line.get<std::string>() + "\n";
    return all;
}
} // namespace

TEST_CASE("presentation pool at 0.1x: the speedup names its base, Stats reads in one unit, brackets are thick",
          "[gui][polish]") {
    NEED_DISPLAY();
    TempDir dir;
    // At 0.1x the makespan is about 0.6 s and the tasks add up to 1.1 s: the
    // old Stats read "makespan 605 ms" over "sequential 1.10 s".
    const Result r = runParviz({"gui", "pool", "--presentation", "--time-scale", "0.1", "--screenshot", dir.file("p.png"),
                                "--layout-json", dir.file("p.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json l = json::parse(slurp(dir.file("p.json")));
    const std::string stats = panelText(l, "Stats");
    INFO(stats);
    // The caption names the speedup's base; presentation's Stats, short of room
    // beside the makespan at 1280x720, says "speedup" (its tooltip names the base).
    CHECK(panelText(l, "Controls").find("speedup over sequential") != std::string::npos);
    CHECK(stats.find("\nspeedup\n") != std::string::npos);
    // The key numbers' times, each the line after its label: one unit, the longest's (seconds).
    CHECK(std::regex_search(stats, std::regex(R"(\nmakespan\n\d+\.\d\d s\n)")));
    CHECK(std::regex_search(stats, std::regex(R"(\nsequential\n\d+\.\d\d s\n)")));
    // pool's chunks are one task each: no band (their words say the chunk).
    REQUIRE(l["chunks"].size() == 4);
    for (const json& c : l["chunks"]) CHECK(c["thick"].get<float>() == 0);
    // Brackets of several tasks (pool-uneven's chunks of 4): as thick as the
    // lane's state strip ("os" row), which grows with the type.
    const Result u = runParviz({"gui", "pool-uneven", "--presentation", "--time-scale", "0.1", "--screenshot",
                                dir.file("u.png"), "--layout-json", dir.file("u.json")},
                               dir.path);
    REQUIRE(u.exitCode == 0);
    const json ul = json::parse(slurp(dir.file("u.json")));
    REQUIRE(ul["chunks"].size() == 7);
    float strip = 0;
    for (const json& row : ul["rows"])
        if (row["row"] == "os" && row["lane"] == "proc") strip = std::max(strip, row["y1"].get<float>() - row["y0"].get<float>());
    REQUIRE(strip >= 4);
    for (const json& c : ul["chunks"]) {
        INFO(c.dump());
        REQUIRE(c.contains("thick"));
        CHECK(c["thick"].get<float>() >= strip);
    }
}

TEST_CASE("before any task has ended Stats shows no sequential time of 0", "[gui][polish]") {
    NEED_DISPLAY();
    TempDir dir;
    const Result r = runParviz({"gui", "pool", "--presentation", "--screenshot-at", "0.5", "--screenshot", dir.file("m.png"),
                                "--layout-json", dir.file("m.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const std::string stats = panelText(json::parse(slurp(dir.file("m.json"))), "Stats");
    INFO(stats);
    CHECK(stats.find("no task done yet") != std::string::npos);
    CHECK_FALSE(std::regex_search(stats, std::regex(R"(\nsequential\n0 )")));
    CHECK(std::regex_search(stats, std::regex(R"(\nsequential\n-\n)")));
}
