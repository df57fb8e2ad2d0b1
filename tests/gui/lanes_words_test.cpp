// Lesson steps 1, 6 and 7 at the classroom's size (1280x720, presentation):
// the caption line is never cut mid-phrase, the chunks' short words keep
// their tasks' names, and workers past the seven colours carry a pattern
// the legend names (session 22). The real window under the test's Xvfb,
// read back from its per-frame dump (docs/layout-json.md).
#include "live_window.hpp"

#include <regex>

using namespace guitest;

namespace {

json panelOf(const json& s, const std::string& name) {
    for (const json& p : s["panels"])
        if (p["name"] == name) return p;
    return json::object();
}

// The caption: the Controls panel's line that tells the cursor's moment.
std::string captionOf(const json& s) {
    const json controls = panelOf(s, "Controls");   // kept: a temporary's ["lines"] would dangle in the loop
    for (const json& l : controls["lines"]) {
        const std::string t = l.get<std::string>();
        if (t.rfind("at ", 0) == 0 || t.rfind("cursor at ", 0) == 0) return t;
    }
    return "";
}

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

TEST_CASE("the caption at 1280x720 drops whole clauses: it never ends in '…' mid-phrase, and is not clipped",
          "[gui][caption][fit]") {
    NEED_X();
    // Classroom walk (session 21): after a pool-uneven run, a click at 1.57 s
    // read "…took L2 from pool results (not yet the caller's) (the last of 2 such …".
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720", "--time-scale", "1"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(40));
    w.settle(6);
    json s = w.state();
    const TasksRow row = firstTasksRow(s);
    const double x0 = row.x0, x1 = row.x1, y = row.y;
    REQUIRE(x1 > x0);
    const double b = s["view"]["begin_s"], e = s["view"]["end_s"];
    // Clicks between events ("cursor at …; last event at …, …": the longest
    // form) from 0.9 s, where the short tasks' results begin, to the end.
    std::vector<std::string> captions;
    for (int i = 0; i <= 36; ++i) {
        const double t = 0.9 + (e - 0.9) * i / 36.0;
        const double prev = w.state()["cursor_s"].get<double>();
        w.click(static_cast<float>(x0 + (t - b) / (e - b) * (x1 - x0)), static_cast<float>(y));
        (void)w.waitFor([prev](const json& st) { return std::abs(st["cursor_s"].get<double>() - prev) > 1e-6; }, 3);
        w.settle(2);
        const json st = w.state();
        captions.push_back(captionOf(st));
        INFO("cursor " << st["cursor_s"].get<double>() << " s: " << captions.back());
        CHECK_FALSE(captions.back().empty());
        CHECK_FALSE(endsWith(captions.back(), "\u2026"));
        CHECK_FALSE(panelOf(st, "Controls")["clipped"].get<bool>());
    }
    // The result handler's captions are among them, shortened by whole clauses or whole.
    bool handler = false;
    for (const std::string& c : captions) handler = handler || c.find("result-handler thread took") != std::string::npos;
    CHECK(handler);
}

TEST_CASE("chunksize auto on pool-uneven: a short chunk keeps its tasks' names ('s5–s8'), never a bare 'chunk 2'",
          "[gui][chunks][words]") {
    NEED_X();
    // Classroom walk (session 21): the short chunks read only "chunk 1" ... "chunk 6".
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720", "--time-scale", "0.5"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(40));
    REQUIRE(w.waitFor([](const json& st) {
        return st["view"]["begin_s"].get<double>() <= 0.0 && st["view"]["end_s"].get<double>() >= st["now_s"].get<double>();
    }, 10));
    w.settle(4);
    const json s = w.state();
    const std::regex bare(R"(^chunk [0-9]+( \([0-9]+\))?$)"), names("^s[0-9]+\u2013s[0-9]+( \\([0-9]+\\))?$");
    int named = 0;
    std::string all;
    const json timeline = panelOf(s, "Timeline");
    for (const json& l : timeline["lines"]) {
        const std::string t = l.get<std::string>();
        all += t + "\n";
        CHECK_FALSE(std::regex_match(t, bare));
        if (std::regex_match(t, names) || (t.rfind("chunk ", 0) == 0 && t.find(": s") != std::string::npos)) ++named;
    }
    INFO(all);
    // Six short chunks, each said with its tasks (whole, or by their names alone).
    CHECK(named >= 6);
}

TEST_CASE("workers past seven colours: their spans carry a pattern the legend names in one word with their numbers "
          "where its rows have room, never at the cost of a worker lane",
          "[gui][patterns]") {
    NEED_X();
    // ForkPoolWorker-8 drew exactly as -1 (same colour, nothing else).
    // pool at 16 workers: the legend's second row has room for the dotted
    // entry; pool-sizes at 16: its row holds the numbered example ("chunk 1:
    // T2 (1)"), which says the worker, and the patterns wait for room (a third
    // legend row left three worker lanes at 1280x720).
    const std::string scenario = GENERATE(as<std::string>{}, "pool", "pool-sizes");
    INFO(scenario);
    LiveWindow w({scenario, "--workers", "16", "--presentation", "--size", "1280x720", "--time-scale",
                  scenario == "pool" ? "0.1" : "0.5"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(40));
    w.settle(4);
    const json s = w.state();
    std::string lines;
    const json timeline = panelOf(s, "Timeline");
    for (const json& l : timeline["lines"]) lines += l.get<std::string>() + "\n";
    INFO(lines);
    if (scenario == "pool") CHECK(lines.find("\nworkers 8-14: dotted\n") != std::string::npos);
    // (Its one-task chunks are named by their tasks: "\"T2 (1)\": task T2 on ForkPoolWorker-1".)
    else CHECK(std::regex_search(lines, std::regex("\"T[0-9]+ \\([0-9]+\\)\": (task T[0-9]+ )?on ForkPoolWorker-[0-9]+\n")));
    CHECK_FALSE(panelOf(s, "Timeline")["clipped"].get<bool>());
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
}
