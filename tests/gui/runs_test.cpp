// Runs are plural in the window (issue 8, item 5): a saved run opened while a
// live run goes on becomes a second run of the session; [ and ] switch
// between them, and each keeps its own cursor and zoom. The live run keeps
// going in the background and is still recorded whole. Real processes, the
// real window, real keys and clicks (xdotool).
#include "live_window.hpp"

using namespace guitest;

namespace {

const json* runNumbered(const json& s, int number) {
    for (const json& r : s["runs"])
        if (r["number"] == number) return &r;
    return nullptr;
}

const json& currentRun(const json& s) {
    for (const json& r : s["runs"])
        if (r["current"] == true) return r;
    FAIL("no current run in the dump");
    static json none;
    return none;
}

} // namespace

TEST_CASE("a saved run opened during a live run: switching keeps each run's cursor and zoom", "[gui][keys][runs]") {
    NEED_X();
    TempDir saved;
    const std::string file = saved.file("earlier.pvz");
    {
        // An earlier run of the same scenario, saved to a file.
        const Result r = runParviz({"run", "pool", "--time-scale", "0.05", "--save-run", file}, saved.path);
        REQUIRE(r.exitCode == 0);
    }
    // The live run lasts about 12 s (the pool demo at time scale 2).
    LiveWindow w({"pool", "--time-scale", "2"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor([](const json& s) { return s["status"] == "running"; }, 10));
    REQUIRE(w.state()["runs"].size() == 1);

    // Open the saved run while the live one goes on: Open run..., type the path, Enter.
    auto open = itemRect(w.state(), "Open run...");
    w.click(open[0] + open[2] / 2, open[1] + open[3] / 2);
    w.key("ctrl+a");
    w.typeText(file);
    w.key("Return");
    REQUIRE(w.waitFor([](const json& s) { return s["runs"].size() == 2; }, 10));
    json s = w.state();
    const json* live = runNumbered(s, 1);
    REQUIRE(live != nullptr);
    CHECK((*live)["live"] == true);
    CHECK(currentRun(s)["source"] == file);
    CHECK(s["status"] == "finished");

    // On the saved run: zoom in twice and put the cursor in the middle of the timeline.
    w.key("equal");
    w.key("equal");
    auto t = panelRect(s, "Timeline");
    w.click(t[0] + t[2] * 0.55f, t[1] + t[3] * 0.7f);
    s = w.state();
    const json savedView = currentRun(s)["view"];
    const double savedCursor = currentRun(s)["cursor_s"].get<double>();
    REQUIRE(currentRun(s)["cursor_live"] == false);
    REQUIRE(savedView["end_s"].get<double>() - savedView["begin_s"].get<double>() < 1.0);   // the saved run is ~0.3 s

    // [ shows the live run: still following, its own zoom untouched by the saved run's.
    w.key("bracketleft");
    s = w.state();
    REQUIRE(s["current_run"] == 1);
    CHECK(s["cursor_live"] == true);
    CHECK(s["view"]["follow"] == true);
    // Give the live run a cursor of its own and zoom out once.
    t = panelRect(s, "Timeline");
    w.click(t[0] + t[2] * 0.5f, t[1] + t[3] * 0.7f);
    w.key("minus");
    s = w.state();
    REQUIRE(s["cursor_live"] == false);
    const double liveCursor = s["cursor_s"].get<double>();
    const json liveView = s["view"];

    // ] back to the saved run: exactly where it was left.
    w.key("bracketright");
    s = w.state();
    REQUIRE(currentRun(s)["source"] == file);
    CHECK(s["cursor_s"].get<double>() == Approx(savedCursor).margin(1e-9));
    CHECK(s["view"]["begin_s"].get<double>() == Approx(savedView["begin_s"].get<double>()).margin(1e-9));
    CHECK(s["view"]["end_s"].get<double>() == Approx(savedView["end_s"].get<double>()).margin(1e-9));

    // And [ to the live run: its cursor and zoom too, while it kept running behind.
    w.key("bracketleft");
    s = w.state();
    REQUIRE(s["current_run"] == 1);
    CHECK(s["cursor_s"].get<double>() == Approx(liveCursor).margin(1e-9));
    CHECK(s["view"]["begin_s"].get<double>() == Approx(liveView["begin_s"].get<double>()).margin(1e-9));
    CHECK(s["view"]["end_s"].get<double>() == Approx(liveView["end_s"].get<double>()).margin(1e-9));

    // The live run ends on its own, shown or not, with all four tasks done.
    w.key("bracketright");
    REQUIRE(w.waitFor([](const json& st) { return (*runNumbered(st, 1))["status"] == "finished"; }, 30));
    w.key("bracketleft");
    REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 1; }, 5));
    const auto liveButton = itemRect(w.state(), "Live");   // the cursor back to "now": the whole run
    w.click(liveButton[0] + liveButton[2] / 2, liveButton[1] + liveButton[3] / 2);
    REQUIRE(w.waitFor([](const json& st) { return st["cursor_live"] == true; }, 5));
    s = w.state();
    CHECK(s["stats"]["tasks_done"] == 4);
    CHECK(s["stats"]["tasks_failed"] == 0);
}
