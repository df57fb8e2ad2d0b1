// The real window driven with real mouse and key events (xdotool, under the
// test's Xvfb): after using a combo, or clicking the timeline before the
// first run, Space still starts a run and the panels follow it; two quick
// clicks on "+" count twice (issue 11, findings 1 and 16). The window writes
// what it shows after every frame (hidden --test-dump, the --layout-json
// format), and the test reads where to click from there.
#include "live_window.hpp"

using namespace guitest;


TEST_CASE("after choosing in the work combo, Space still starts a run", "[gui][keys]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    REQUIRE(s["runs_started"] == 0);
    const float font = s["font_px"].get<float>();
    // Open the combo, pick "cpu" (the third entry of its list, under the combo).
    const auto r = itemRect(s, "work");
    const float rowH = font + std::round(font * 0.25f);
    // On a loaded machine the popup may take a while to appear: try twice.
    bool chosen = false;
    for (int attempt = 0; attempt < 2 && !chosen; ++attempt) {
        w.click(r[0] + font, r[1] + r[3] / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        w.click(r[0] + font, r[1] + r[3] + std::round(font * 0.25f) + 2.5f * rowH);
        chosen = w.waitFor([](const json& st) { return st["work_option"] == "cpu"; }, 3);
        if (!chosen) w.key("Escape");
    }
    REQUIRE(chosen);
    w.key("space");
    CHECK(w.waitFor([](const json& st) { return st["runs_started"].get<int>() == 1; }, 5));
}

TEST_CASE("after choosing a scenario, Space starts it", "[gui][keys]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    const float font = s["font_px"].get<float>();
    const auto r = itemRect(s, "pool");   // the scenario combo shows the scenario's name
    w.click(r[0] + font, r[1] + r[3] / 2);
    w.key("Escape");   // close it without choosing
    w.key("space");
    CHECK(w.waitFor([](const json& st) { return st["runs_started"].get<int>() == 1; }, 5));
}

TEST_CASE("a click on the timeline before Run leaves the panels following the run", "[gui][keys]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    const auto t = panelRect(w.state(), "Timeline");
    w.click(t[0] + t[2] * 0.6f, t[1] + t[3] * 0.6f);
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "finished" || st["status"] == "Finished"; }, 20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const json s = w.state();
    CHECK(s["cursor_live"].get<bool>());
    std::string out, caption;
    for (const json& p : s["panels"]) {
        for (const json& l : p["lines"]) {
            if (p["name"] == "Output") out += l.get<std::string>() + "\n";
            if (p["name"] == "Controls") caption += l.get<std::string>() + "\n";
        }
    }
    INFO("output:\n" << out << "controls:\n" << caption);
    CHECK(out.find("Process D Finished.") != std::string::npos);
    CHECK(caption.find("The run ended") != std::string::npos);
    CHECK(caption.find("Press Run") == std::string::npos);
}

TEST_CASE("two quick clicks on + add two workers", "[gui][keys]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    REQUIRE(s["workers_option"] == 2);
    const float font = s["font_px"].get<float>();
    const auto r = itemRect(s, "workers");
    // InputInt: [value][-][+] label; the field with its buttons is 5.5 em wide.
    const float frameH = font + 2 * std::round(font * 0.18f);
    w.click(r[0] + 5.5f * font - frameH / 2, r[1] + r[3] / 2, 2);
    const bool four = w.waitFor([](const json& st) { return st["workers_option"] == 4; }, 3);
    INFO("workers now " << w.state()["workers_option"]);
    CHECK(four);
}
