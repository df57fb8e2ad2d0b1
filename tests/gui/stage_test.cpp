// Issue 11, "Fit the room": the screenshot is what the class sees. A class
// opens the window on a scenario (the stage: lanes planned from the worker
// count before the run), then presses Run (Space). `--screenshot` (and so
// `--layout-json`, every README picture and every test that reads one)
// started the run in the first frame, without a stage, and its panels were
// split apart from the class's (a pixel off at 8 cpu workers, more where the
// no-stage split held what a run needed on some frame). Now --screenshot
// shows the stage for three settled frames and presses Run on it.
#include "live_window.hpp"

#include <map>

using namespace guitest;

namespace {

// Each panel's rectangle by name.
using PanelRects = std::map<std::string, std::array<float, 4>>;

PanelRects panelRects(const json& s) {
    std::map<std::string, std::array<float, 4>> out;
    for (const json& p : s["panels"])
        out[p["name"].get<std::string>()] = {p["rect"][0].get<float>(), p["rect"][1].get<float>(),
                                             p["rect"][2].get<float>(), p["rect"][3].get<float>()};
    return out;
}

std::string describe(const PanelRects& rects) {
    std::string out;
    for (const auto& [name, r] : rects)
        out += name + " [" + std::to_string(int(r[0])) + " " + std::to_string(int(r[1])) + " " +
               std::to_string(int(r[2])) + " " + std::to_string(int(r[3])) + "] ";
    return out;
}

} // namespace

TEST_CASE("a screenshot's layout is the class's: run from the stage with a real Space, the same panels at the same "
          "rectangles",
          "[gui][room][stage][stagefirst]") {
    NEED_X();
    const std::vector<std::string> args =
        GENERATE(as<std::vector<std::string>>{},
                 std::vector<std::string>{"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.2"},
                 std::vector<std::string>{"pool", "--time-scale", "0.1"});
    std::string what;
    for (const std::string& a : args) what += a + " ";
    INFO(what);
    std::vector<std::string> all = args;
    for (const char* a : {"--presentation", "--size", "1280x720"}) all.push_back(a);

    // The capture: its run ended, as --screenshot waits for.
    TempDir dir;
    const json shot = shotOf(all, dir);
    REQUIRE(shot["status"] == "finished");

    // The class: the window on the stage, Space, the run to its end.
    LiveWindow w(all);
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.state()["runs_started"] == 0);
    REQUIRE(w.runFromStage(120));
    const json live = w.state();

    const auto a = panelRects(shot), b = panelRects(live);
    for (const auto& [name, r] : b) {
        INFO(name);
        REQUIRE(a.count(name) == 1);
        for (int i = 0; i < 4; ++i) CHECK(a.at(name)[i] == Approx(r[i]).margin(0.5));
    }
    CHECK(a.size() == b.size());
    CHECK(shot["visible_worker_lanes"] == live["visible_worker_lanes"]);
}

namespace {

// The workers field set to n with real keys: a double click selects the
// number, typed over, Return; then the pointer leaves the controls.
void setWorkers(const LiveWindow& w, int n) {
    const auto r = itemRect(w.state(), "workers");
    w.click(r[0] + 10, r[1] + r[3] / 2, 2);
    w.key("ctrl+a");
    w.typeText(std::to_string(n));
    w.key("Return");
    runCommand("xdotool mousemove --window " + w.window + " 640 700");
    w.settle(4);
}

} // namespace

TEST_CASE("a session's split is its plan's: after a bigger run and back, the panels are where a fresh window puts "
          "them, four worker lanes in view",
          "[gui][stage][held]") {
    // Newcomer walk (session 17): in a long lock session This run showed one
    // line: the timeline held 460 px where a fresh window holds 424. When the
    // plan changed while a run was shown (the toolbar's workers), the split
    // grew to what that run's frames needed and never came back.
    NEED_X();
    // A fresh window's split for a run of n workers.
    std::map<int, std::map<std::string, std::array<float, 4>>> fresh;
    // 8 then 2 (lock's 4 and 8 have one split now: the lock rows' lanes
    // leave the panels below less than their floor either way).
    for (const int n : {8, 2}) {
        LiveWindow w({"lock", "--workers", std::to_string(n), "--time-scale", "0.2", "--presentation", "--size",
                      "1280x720"});
        REQUIRE_FALSE(w.window.empty());
        REQUIRE(w.runFromStage(30));
        fresh[n] = panelRects(w.state());
    }
    // Planned for the toolbar's workers, not the session's most (newcomer
    // walk, session 18: after 4 -> 8 -> 4 the 4-worker run kept the
    // 8-worker split, a blank band under its fourth lane).
    CHECK(fresh[8] != fresh[2]);
    LiveWindow w({"lock", "--time-scale", "0.2", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runFromStage(30));
    for (const int n : {8, 2}) {
        setWorkers(w, n);
        REQUIRE(w.waitFor([n](const json& s) { return s["workers_option"] == n; }, 5));
        w.key("r");
        REQUIRE(w.waitFor([n](const json& s) {
            return s["stats"]["workers"] == n && s["status"] == "finished" && s["trace_finished"] == true;
        }, 30));
        w.settle(6);
        const json s = w.state();
        INFO("after a run of " << n << ": " << describe(panelRects(s)) << "; a fresh window: " << describe(fresh[n]));
        CHECK(panelRects(s) == fresh[n]);
        CHECK(s["visible_worker_lanes"].get<int>() >= std::min(n, 4));
        const std::string stats = panelLines(s, "Stats", " ");
        CHECK(stats.find("makespan") != std::string::npos);
        CHECK(stats.find("efficiency") != std::string::npos);
    }
}

TEST_CASE("the split is planned on Run: setting the workers field moves no panel; the run of the new count gets a "
          "fresh window's split",
          "[gui][stage][planonrun]") {
    // Classroom walk (session 19): + from 2 to 4 workers before Run moved
    // the bottom panels 90 px (the plan followed the toolbar), and a click
    // aimed at the Predict tab hit the timeline; at 8 workers Predict's
    // question went under the window's edge.
    NEED_X();
    PanelRects fresh8;
    {
        LiveWindow w({"pool", "--workers", "8", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
        REQUIRE_FALSE(w.window.empty());
        REQUIRE(w.runFromStage(30));
        fresh8 = panelRects(w.state());
    }
    LiveWindow w({"pool", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.settle(4);
    const PanelRects stage = panelRects(w.state());
    CHECK(stage != fresh8);   // 2 workers' split is not 8's: a test that can fail
    for (const int n : {4, 8}) {
        setWorkers(w, n);
        REQUIRE(w.waitFor([n](const json& s) { return s["workers_option"] == n; }, 5));
        const json s = w.state();
        INFO("the stage with the field at " << n << ": " << describe(panelRects(s)) << "; before: " << describe(stage));
        CHECK(panelRects(s) == stage);
    }
    // Run: the 8-worker run is planned for 8, as a fresh window's.
    w.key("space");
    REQUIRE(w.waitFor([](const json& s) { return s["status"] == "finished" && s["trace_finished"] == true; }, 30));
    w.settle(6);
    const PanelRects ran = panelRects(w.state());
    INFO("the 8-worker run: " << describe(ran) << "; a fresh window's: " << describe(fresh8));
    CHECK(ran == fresh8);
    // The field set back while that run is shown: nothing moves until the next Run.
    setWorkers(w, 2);
    REQUIRE(w.waitFor([](const json& s) { return s["workers_option"] == 2; }, 5));
    CHECK(panelRects(w.state()) == ran);
    w.key("space");
    REQUIRE(w.waitFor([](const json& s) {
        return s["stats"]["workers"] == 2 && s["status"] == "finished" && s["trace_finished"] == true;
    }, 30));
    w.settle(6);
    INFO("the 2-worker run: " << describe(panelRects(w.state())) << "; the stage's: " << describe(stage));
    CHECK(panelRects(w.state()) == stage);
}

TEST_CASE("at 8 workers the panels below keep a tab bar and four lines: Predict's three questions before the run, "
          "This run's numbers and its callout after it; the folded idle band scrolls, the legend explains no "
          "number no lane shows",
          "[gui][stage][room][bottomfloor]") {
    // Newcomer walk (session 20): pool at 8 workers, 1280x720 presentation:
    // the bottom panels 116 px (a tab bar and two lines): Predict's third
    // question under the window's edge, This run's "sequential" and more
    // hidden; the timeline kept a legend row "(n) after a task's or chunk's
    // name" though the idle workers were folded and no lane carried a number.
    NEED_X();
    LiveWindow w({"pool", "--workers", "8", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.settle(4);
    const auto bottomOf = [](const json& s) {
        for (const json& p : s["panels"])
            if (p["name"] == "Stats") return p["rect"][3].get<float>();
        return 0.0f;
    };
    const json stage = w.state();
    REQUIRE(stage["stats_tab"] == "Predict");
    const std::string questions = panelLines(stage, "Stats", " | ");
    INFO("the stage's Predict tab: " << questions << " (" << bottomOf(stage) << " px)");
    for (const char* q : {"How long will Pool(8).map take", "Which job finishes last?", "In what order do the tasks finish?"})
        CHECK(questions.find(q) != std::string::npos);
    REQUIRE(w.runFromStage(30));
    w.settle(6);
    const json s = w.state();
    const std::string stats = panelLines(s, "Stats", " | ");
    const std::string timeline = panelLines(s, "Timeline", " | ");
    INFO("This run: " << stats << " (" << bottomOf(s) << " px); the timeline: " << timeline);
    // (Its callout: one long task, A, alone at the end.)
    for (const char* line : {"makespan", "efficiency", "alone: no split can help", "sequential"})
        CHECK(stats.find(line) != std::string::npos);
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
    // Four tasks on 8 workers: 4 lanes and the band of idle ones, no number on a span, none explained.
    CHECK(timeline.find(" (1)") == std::string::npos);
    CHECK(timeline.find("(n) after") == std::string::npos);
    for (const json& p : s["panels"]) CHECK_FALSE(p["clipped"].get<bool>());
}

TEST_CASE("runs picked with [ and ] keep the largest split picked since the last Run: the tab bar moves once, not "
          "at every pick",
          "[gui][stage][keys][browsesplit]") {
    // Newcomer walk (session 20): after a sweep, [ through its 1-, 2-, 4-
    // and 8-worker runs put the bottom panels' tab bar at y 583, 612, 545
    // as each run's own split was laid out, under the teacher's pointer.
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.05", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    const auto runWith = [&](int n, int number) {
        setWorkers(w, n);
        REQUIRE(w.waitFor([n](const json& s) { return s["workers_option"] == n; }, 5));
        w.key("space");
        REQUIRE(w.waitFor([number](const json& s) {
            return s["current_run"] == number && s["status"] == "finished" && s["trace_finished"] == true;
        }, 60));
        w.settle(6);
    };
    runWith(8, 1);
    const PanelRects eight = panelRects(w.state());
    runWith(1, 2);
    const PanelRects one = panelRects(w.state());
    INFO("8 workers: " << describe(eight) << "; 1 worker: " << describe(one));
    REQUIRE(one != eight);   // their own splits differ (else this test shows nothing)
    const auto pick = [&](const char* key, int number) {
        w.key(key);
        REQUIRE(w.waitFor([number](const json& s) { return s["current_run"] == number; }, 5));
        w.settle(6);
        return panelRects(w.state());
    };
    CHECK(pick("bracketleft", 1) == eight);    // the bigger run: its split
    CHECK(pick("bracketright", 2) == eight);   // back to the 1-worker run: kept
    CHECK(pick("bracketleft", 1) == eight);
    // The next Run is planned for its own count again.
    w.key("space");
    REQUIRE(w.waitFor([](const json& s) {
        return s["current_run"] == 3 && s["status"] == "finished" && s["trace_finished"] == true;
    }, 60));
    w.settle(6);
    CHECK(panelRects(w.state()) == one);
}

// Session 22: after a Sweep (or pool-sizes --workers 8 --work cpu), the
// timeline's four worker lanes left This run 145 px, three lines: its last
// visible one the callout ("8 workers + other programs on 2 cores"), the
// sequential time under the edge. Now This run shows its key numbers, the
// callout and the sequential time without scrolling for every run browsed.
namespace {
void checkKeyLinesInView(const json& s, const std::string& what, bool calloutExpected) {
    const std::string stats = panelLines(s, "Stats", " | ");
    const auto panel = panelRect(s, "Stats");
    INFO(what << ": This run " << stats << " (" << panel[3] << " px)");
    REQUIRE(s["stats_tab"] == "This run");
    for (const char* line : {"makespan", "speedup", "efficiency", "tasks", "sequential"})
        CHECK(stats.find(line) != std::string::npos);
    // The callout (a run that has one), whole, inside the panel.
    bool drawn = false;
    for (const json& p : s["panels"])
        for (const json& it : p["items"]) drawn = drawn || it["text"] == "headline";
    if (calloutExpected) REQUIRE(drawn);
    for (const json& p : s["panels"])
        if (p["name"] == "Stats") CHECK_FALSE(p.value("clipped", false));
    if (calloutExpected) CHECK(s["visible_worker_lanes"].get<int>() >= 4);   // the 8-worker run: four lanes kept
    if (!drawn) return;
    const auto h = itemRect(s, "headline");
    CHECK(h[1] >= panel[1]);
    CHECK(h[1] + h[3] <= panel[1] + panel[3] + 0.5f);
}
} // namespace

TEST_CASE("presentation at 1280x720: This run shows makespan, speedup, efficiency, tasks, the callout and sequential "
          "without scrolling, at 8 cpu workers and for each run of a sweep browsed with [ and ]",
          "[gui][stage][room][thisrunroom]") {
    NEED_X();
    {
        LiveWindow w({"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.2", "--presentation", "--size",
                      "1280x720"});
        REQUIRE_FALSE(w.window.empty());
        w.settle(4);
        REQUIRE(w.runFromStage(60));
        w.settle(6);
        checkKeyLinesInView(w.state(), "8 cpu workers", true);
    }
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    REQUIRE(w.waitFor([](const json& s) {
        int live = 0;
        for (const json& r : s["runs"]) live += r["live"] == true;
        return s["compare"]["rows"].size() == 8 && live == 0;
    }, 180));
    w.settle(6);
    w.key("c");   // back to the run: This run
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["on"] == false; }, 5));
    w.settle(6);
    int current = w.state()["current_run"].get<int>();
    for (int pick = 0; pick < 8; ++pick) {
        const json s = w.state();
        checkKeyLinesInView(s, "run " + std::to_string(current), false);
        if (current <= 1) break;
        w.key("bracketleft");
        const int want = current - 1;
        REQUIRE(w.waitFor([want](const json& st) { return st["current_run"] == want; }, 5));
        w.settle(6);
        current = want;
    }
}
