// What a newcomer walking the lesson at 1280x720 presentation tripped over
// (issue 11, "The classroom", second round), each as a kind: a click on a
// tab moves no tab or control; every tooltip stays inside the window and off
// the control it explains; one cursor time per frame, the same in every
// panel; a control whose value differs from the run on screen says so; a
// click on Predict right after Run is not lost. The real window, driven with
// real clicks and keys (xdotool), read back from its per-frame dump.
#include "live_window.hpp"

#include <map>
#include <optional>
#include <regex>

using namespace guitest;

namespace {

json panelOf(const json& s, const std::string& name) {
    for (const json& p : s["panels"])
        if (p["name"] == name) return p;
    return json::object();
}

std::string linesOf(const json& s, const std::string& name) {
    std::string out;
    const json p = panelOf(s, name);
    for (const json& l : p.value("lines", json::array())) out += l.get<std::string>() + "\n";
    return out;
}

// Every item of the Stats panel that is a tab or a step control, by its text.
std::map<std::string, std::array<float, 4>> tabRects(const json& s) {
    std::map<std::string, std::array<float, 4>> out;
    const json p = panelOf(s, "Stats");
    for (const json& it : p.value("items", json::array())) {
        const std::string t = it["text"].get<std::string>();
        if (t == "This run" || t == "Why" || t == "Predict" || t == "Output" || t == "Session")
            out[t] = {it["rect"][0].get<float>(), it["rect"][1].get<float>(), it["rect"][2].get<float>(),
                      it["rect"][3].get<float>()};
    }
    return out;
}

std::string dumpRects(const std::map<std::string, std::array<float, 4>>& m) {
    std::string s;
    for (const auto& [k, r] : m)
        s += k + " [" + std::to_string(int(r[0])) + "," + std::to_string(int(r[1])) + "," + std::to_string(int(r[2])) +
             "," + std::to_string(int(r[3])) + "] ";
    return s;
}

// A time as the panels write it ("1.74 s", "850 ms", "4 ms", "120 us") in seconds.
std::optional<double> parseTime(const std::string& number, const std::string& unit) {
    const double v = std::stod(number);
    if (unit == "s") return v;
    if (unit == "ms") return v * 1e-3;
    if (unit == "us" || unit == "\u00b5s") return v * 1e-6;
    return std::nullopt;
}

// formatDuration / formatSeconds round to 10 ms in "1.74 s", 1 ms in "850 ms".
bool sameTime(double shown, double cursor) { return std::abs(shown - cursor) <= 0.0051 + 1e-9; }

bool finished(const json& st) { return st["status"] == "finished" && st["trace_finished"].get<bool>(); }

} // namespace

TEST_CASE("presentation after a run: clicking each tab in turn moves no tab (the next click lands where the hand aims)",
          "[gui][keys][classroom]") {
    NEED_X();
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));   // the layout has measured what the panels need
    const auto before = tabRects(w.state());
    REQUIRE(before.size() == 5);
    for (const char* tab : {"Why", "Predict", "Why", "Output", "Session", "This run", "Why", "This run"}) {
        const auto r = before.at(tab);
        w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        const json s = w.state();
        const auto now = tabRects(s);
        INFO("after clicking " << tab << ":\n before " << dumpRects(before) << "\n after  " << dumpRects(now)
                               << "\nStats: " << linesOf(s, "Stats"));
        CHECK(now == before);
    }
}

TEST_CASE("every tooltip stays inside the window and off the control it explains, the Next button's at the right edge too",
          "[gui][keys][classroom]") {
    NEED_X();
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720", "--time-scale", "0.05", "--test-tab", "Why"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 30));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const json s0 = w.state();
    const float W = 1280, H = 720;
    // The step buttons and the rightmost controls of the toolbar: the ones nearest an edge.
    std::vector<std::string> targets = {"Next \u203a", "\u2039 Prev", "Compare", "work", "Restart", "time scale"};
    // Between hovers the pointer rests where nothing has a tooltip: the
    // toolbar's third row right of the run picker (a Why line, shortened to
    // its brief, has the whole sentence as its tooltip, and a stale one
    // would be taken for the control's).
    const std::string rest = " 1200 " + std::to_string(static_cast<int>(itemRect(s0, "Compare")[1] + itemRect(s0, "Compare")[3] / 2));
    for (const std::string& t : targets) {
        runCommand("xdotool mousemove --window " + w.window + rest);
        REQUIRE(w.waitFor([](const json& st) { return st.value("tooltip_windows", json::array()).empty(); }, 3));
        const auto r = itemRect(s0, t);
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(r[0] + r[2] / 2)) + " " +
                   std::to_string(static_cast<int>(r[1] + r[3] / 2)));
        const bool shown = w.waitFor([](const json& st) { return !st.value("tooltip_windows", json::array()).empty(); }, 3);
        const json s = w.state();
        INFO(t << ": tooltips " << s.value("tooltip_windows", json::array()).dump());
        REQUIRE(shown);
        for (const json& tip : s["tooltip_windows"]) {
            const float x = tip["rect"][0], y = tip["rect"][1], tw = tip["rect"][2], th = tip["rect"][3];
            CHECK(x >= 0);
            CHECK(y >= 0);
            CHECK(x + tw <= W);
            CHECK(y + th <= H);
            // Off the control it explains.
            const bool overlaps = x < r[0] + r[2] && r[0] < x + tw && y < r[1] + r[3] && r[1] < y + th;
            CHECK_FALSE(overlaps);
        }
    }
}

TEST_CASE("Run's tooltip says what a press does now, and Space with the pointer resting on Run puts it away",
          "[gui][keys][classroom]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.5"});
    REQUIRE_FALSE(w.window.empty());
    const auto r = itemRect(w.state(), "Run");
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(r[0] + r[2] / 2)) + " " +
               std::to_string(static_cast<int>(r[1] + r[3] / 2)));
    const auto runTip = [](const json& st) { return st.value("tooltips", json::array()).dump().find("Key: Space") != std::string::npos; };
    REQUIRE(w.waitFor(runTip, 3));
    const std::string before = w.state()["tooltips"].dump();
    INFO("before the run: " << before);
    CHECK(before.find("Run starts") != std::string::npos);
    CHECK(before.find("Pause really stops") == std::string::npos);
    // The classroom walk: Space pressed with the pointer on Run left "Pause
    // really stops..." over the toolbar for the whole run.
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running"; }, 10));
    w.settle(10);
    const json s = w.state();
    INFO("running: " << s.value("tooltips", json::array()).dump());
    CHECK_FALSE(runTip(s));
    CHECK(s.value("tooltip_windows", json::array()).empty());
}

TEST_CASE("one cursor time per frame: after a click on the timeline during a live run, caption, Stats and Why say the cursor's",
          "[gui][keys][classroom]") {
    NEED_X();
    // Normal type: Stats and the Explain panel side by side, both in view with the caption.
    LiveWindow w({"pool", "--time-scale", "1"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running" && st["now_s"].get<double>() > 1.2; }, 10));
    json s = w.state();
    const TasksRow row = firstTasksRow(s);
    const double plotX0 = row.x0, plotX1 = row.x1, laneY = row.y;
    REQUIRE(plotX1 > plotX0);
    const double b = s["view"]["begin_s"], e = s["view"]["end_s"];
    // At 0.7 s of the run: between the workers' prints (~0 s) and the first task's end (2 s).
    const double x = plotX0 + (0.7 - b) / (e - b) * (plotX1 - plotX0);
    w.click(static_cast<float>(x), static_cast<float>(laneY));
    REQUIRE(w.waitFor([](const json& st) { return !st["cursor_live"].get<bool>(); }, 5));
    auto check = [&](const json& st, const char* when) {
        const double cursor = st["cursor_s"].get<double>();
        const std::string caption = linesOf(st, "Controls"), stats = linesOf(st, "Stats"),
                          why = linesOf(st, "Explain");
        INFO(when << ": cursor " << cursor << " s\ncaption:\n" << caption << "\nStats:\n" << stats << "\nExplain:\n" << why);
        std::smatch m;
        // The caption leads with the cursor's time, named ("at 0.61 s, …", "cursor at 0.61 s; last event …").
        const std::regex lead(R"((^|\n)(?:cursor )?at ([0-9.]+) (s|ms|us)[,;] )");
        REQUIRE(std::regex_search(caption, m, lead));
        CHECK(sameTime(*parseTime(m[2], m[3]), cursor));
        // Stats' numbers are cut at the cursor and say so with its time, not "so far" (the live edge's).
        const std::regex at(R"(makespan\n[0-9.]+ (s|ms|us) at ([0-9.]+) (s|ms|us))");
        REQUIRE(std::regex_search(stats, m, at));
        CHECK(sameTime(*parseTime(m[2], m[3]), cursor));
        CHECK(stats.find("so far") == std::string::npos);
        // The Why panel's step row says the same moment.
        const std::regex whyAt(R"((^|\n)at ([0-9.]+) (s|ms|us)\n)");
        REQUIRE(std::regex_search(why, m, whyAt));
        CHECK(sameTime(*parseTime(m[2], m[3]), cursor));
    };
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    check(w.state(), "after the click");
    // Next: the first frame whose cursor moved tells the new moment everywhere.
    const auto next = itemRect(w.state(), "Next \u203a");
    const double before = w.state()["cursor_s"].get<double>();
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(next[0] + next[2] / 2)) + " " +
               std::to_string(static_cast<int>(next[1] + next[3] / 2)));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    runCommand("xdotool click 1");
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
        s = w.state();
        if (s["cursor_s"].get<double>() != before) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
    } while (std::chrono::steady_clock::now() < until);
    REQUIRE(s["cursor_s"].get<double>() != before);
    check(s, "the frame Next stepped in");
}

// Classroom walk (session 14): at 1280x720 in presentation the note read
// "shown run: chunksize …" / "shown run: 8 workers, …". It is whole now: the
// run picker narrows for it, or it takes a row of its own. Session 30: the
// whole of it ("shown run: pool-sizes, 8 workers, cpu, map, chunksize auto")
// took a row of its own and the Why panel under it lost a line: another
// scenario's run is named by its name, workers and work, on the toolbar's rows.
TEST_CASE("presentation at 1280x720: the shown run's note in the toolbar is whole, never cut with an ellipsis",
          "[gui][keys][classroom][toolbarnote]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.05", "--presentation", "--size",
                  "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 30));
    w.settle(4);
    const float plain = panelOf(w.state(), "Controls")["rect"][3].get<float>();   // pool-sizes' own run: no note
    REQUIRE(pickScenario(w, "pool"));
    if (w.state()["current_run"] != 1) w.key("bracketleft");
    REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 1; }, 5));
    const bool said = w.waitFor([](const json& st) {
        return linesOf(st, "Controls").find("pool-sizes, 8 workers, cpu") != std::string::npos;
    }, 3);
    w.settle(4);
    const json s = w.state();
    INFO(linesOf(s, "Controls"));
    CHECK(said);
    CHECK(linesOf(s, "Controls").find("\u2026") == std::string::npos);
    CHECK_FALSE(panelOf(s, "Controls").value("clipped", false));
    CHECK(panelOf(s, "Controls")["rect"][3].get<float>() == plain);   // no row of its own
}

// Classroom walk (session 19): picking another scenario's run with [ gave
// the note a row of its own (38 px), and picking back took it away: every
// panel moved down and up under the teacher's pointer with each pick.
TEST_CASE("presentation at 1280x720: the room the shown run's note took stays when the note goes; picking runs back "
          "and forth moves no panel",
          "[gui][keys][classroom][toolbarnote][controlsfloor]") {
    NEED_X();
    // A scenario whose name is too long for the row's room: its note is the longest there is.
    const TempDir dir;
    const std::string file = dir.file("the-class-own-sixteen-equal-jobs-of-a-quarter-second-each.json");
    fs::copy_file(fs::path(PARVIZ_ASSETS_DIR) / "scenarios" / "pool-sizes.json", file);
    // (At the scenarios' own time scale: a kept one is a note of its own on pool's run.)
    LiveWindow w({file, "--workers", "8", "--work", "cpu", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 30));
    REQUIRE(pickScenario(w, "pool"));
    w.key("space");   // a run of pool: the toolbar's values, no note
    REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 2 && finished(st); }, 30));
    w.settle(4);
    w.key("bracketleft");   // pool-sizes' run: its note
    REQUIRE(w.waitFor([](const json& st) {
        return st["current_run"] == 1 && linesOf(st, "Controls").find("the-class-own-sixteen-equal-jobs") != std::string::npos;
    }, 5));
    w.settle(4);
    const json noted = w.state();
    const float withNote = panelOf(noted, "Controls")["rect"][3].get<float>();
    INFO(linesOf(noted, "Controls"));
    // (Whether it took a row here depends on how the toolbar wraps around the
    // long name; the panels must not move either way.)
    for (int pick = 0; pick < 2; ++pick) {
        w.key("bracketright");
        REQUIRE(w.waitFor([](const json& st) {
            return st["current_run"] == 2 && linesOf(st, "Controls").find("the-class-own") == std::string::npos;
        }, 5));
        w.settle(4);
        CHECK(panelOf(w.state(), "Controls")["rect"][3].get<float>() == withNote);
        w.key("bracketleft");
        REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 1; }, 5));
        w.settle(4);
        CHECK(panelOf(w.state(), "Controls")["rect"][3].get<float>() == withNote);
    }
}

TEST_CASE("a toolbar value that differs from the run on screen says the shown run's value", "[gui][keys][classroom]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 20));
    json s = w.state();
    CHECK(linesOf(s, "Controls").find("shown run:") == std::string::npos);   // all the same: nothing to say
    const float font = s["font_px"].get<float>();
    const auto r = itemRect(s, "work");
    const float rowH = font + std::round(font * 0.25f);
    bool chosen = false;
    for (int attempt = 0; attempt < 2 && !chosen; ++attempt) {
        w.click(r[0] + font, r[1] + r[3] / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        w.click(r[0] + font, r[1] + r[3] + std::round(font * 0.25f) + 2.5f * rowH);   // "cpu"
        chosen = w.waitFor([](const json& st) { return st["work_option"] == "cpu"; }, 3);
        if (!chosen) w.key("Escape");
    }
    REQUIRE(chosen);
    const bool said = w.waitFor([](const json& st) { return linesOf(st, "Controls").find("shown run: 2 workers, sleep") != std::string::npos; }, 3);
    INFO(linesOf(w.state(), "Controls"));
    CHECK(said);
    // The note appearing moves nothing (the walk: the caption and the
    // timeline dropped 34 px when "shown run: chunksize 4" appeared).
    const json noted = w.state();
    for (const json& p : s["panels"])
        for (const json& q : noted["panels"])
            if (q["name"] == p["name"]) {
                INFO(p["name"].get<std::string>() << " was " << p["rect"].dump() << ", with the note " << q["rect"].dump());
                CHECK(q["rect"] == p["rect"]);
            }
    // The time scale: a click at the left end of its track sets 0.02x; the shown run's 0.05x is said.
    s = w.state();
    const auto ts = itemRect(s, "time scale");
    w.click(ts[0] + 2, ts[1] + ts[3] / 2);
    const bool scaleSaid = w.waitFor([](const json& st) { return linesOf(st, "Controls").find("0.05x") != std::string::npos &&
                                                                 linesOf(st, "Controls").find("shown run:") != std::string::npos; }, 3);
    INFO(linesOf(w.state(), "Controls"));
    CHECK(scaleSaid);
}

// The lost click (issue 11): the panels' split is fixed from the stage on
// (layoutPresentation), so a click on Predict as soon as This run shows, and
// one aimed where Predict was while the run went, land on Predict.
TEST_CASE("presentation: a click on Predict right after Run, and right after the run ends, opens Predict",
          "[gui][keys][classroom][lostclick]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.1"});
    REQUIRE_FALSE(w.window.empty());
    auto shownTab = [](const json& st) { return st.value("stats_tab", std::string()); };
    REQUIRE(w.waitFor([&](const json& st) { return shownTab(st) == "Predict"; }, 3));   // before the first run
    w.key("space");
    // Right after Run: Stats turns to This run; the class clicks Predict at once.
    REQUIRE(w.waitFor([&](const json& st) { return shownTab(st) == "This run"; }, 3));
    auto r = itemRect(w.state(), "Predict");
    w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    CHECK(w.waitFor([&](const json& st) { return shownTab(st) == "Predict"; }, 2));
    // Right after the run ends, aimed where Predict was while it ran.
    const auto t = itemRect(w.state(), "This run");
    w.click(t[0] + t[2] / 2, t[1] + t[3] / 2);
    r = itemRect(w.state(), "Predict");
    REQUIRE(w.waitFor(finished, 20));
    w.click(r[0] + r[2] / 2, r[1] + r[3] * 0.85f);
    const bool opened = w.waitFor([&](const json& st) { return shownTab(st) == "Predict"; }, 2);
    INFO(linesOf(w.state(), "Stats"));
    CHECK(opened);
}

// The lost click (issue 11): Run used to lift the panels under the timeline
// when the run's This run tab needed more than the stage's Predict tab had
// (pool at 1280x720: 252 -> 269 px, the tabs from y 474 to 457), so a click
// on the lower part of where Predict was before Run fell under the tab bar.
// The panels' heights are now fixed before the first run (layoutPresentation).
TEST_CASE("presentation: a click on the lower part of the Predict tab, aimed before Run, still opens it after Run",
          "[gui][keys][classroom][lostclick]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.1"});
    REQUIRE_FALSE(w.window.empty());
    auto shownTab = [](const json& st) { return st.value("stats_tab", std::string()); };
    REQUIRE(w.waitFor([&](const json& st) { return shownTab(st) == "Predict"; }, 3));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto r = itemRect(w.state(), "Predict");
    w.key("space");
    REQUIRE(w.waitFor([&](const json& st) { return shownTab(st) == "This run"; }, 3));
    w.click(r[0] + r[2] / 2, r[1] + r[3] * 0.85f);
    const bool opened = w.waitFor([&](const json& st) { return shownTab(st) == "Predict"; }, 2);
    INFO("Predict was at y " << r[1] << ".." << r[1] + r[3] << ", now " << itemRect(w.state(), "Predict")[1]);
    CHECK(opened);
}

TEST_CASE("a run stopped mid-way: the caption counts its tasks done against all the run's tasks, not those started",
          "[gui][keys][classroom]") {
    // Classroom walk: "N of M tasks done" counted M as the tasks started, so a
    // run stopped after 3 of its 16 tasks had started read "2 of 3 tasks done".
    NEED_X();
    // pool-sizes on one worker: 16 tasks of 0.25 s one after another (4 s).
    LiveWindow w({"pool-sizes", "--workers", "1", "--time-scale", "1"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running" && st["now_s"].get<double>() > 0.8; }, 20));
    const auto stop = itemRect(w.state(), "Stop");
    w.click(stop[0] + stop[2] / 2, stop[1] + stop[3] / 2);
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "stopped" && st["trace_finished"].get<bool>(); }, 20));
    w.settle();
    const json s = w.state();
    const std::string caption = linesOf(s, "Controls");
    INFO(caption);
    std::smatch m;
    REQUIRE(std::regex_search(caption, m, std::regex(R"(: ([0-9]+) of ([0-9]+) tasks done)")));
    CHECK(m[2] == "16");
    CHECK(std::stoi(m[1]) < 16);
}

namespace {

// Where the things a hand aims at are: every Stats tab, every toolbar
// control (the ones whose words change by what they are: Run / Pause /
// Resume, the kill combo, the run picker) and the panels' rectangles.
std::map<std::string, std::array<float, 4>> aimRects(const json& s) {
    std::map<std::string, std::array<float, 4>> out;
    auto rectOf = [](const json& r) {
        return std::array<float, 4>{r[0].get<float>(), r[1].get<float>(), r[2].get<float>(), r[3].get<float>()};
    };
    for (const json& p : s["panels"]) {
        const std::string panel = p["name"].get<std::string>();
        if (panel != "Controls" && panel != "Stats" && panel != "Timeline" && panel != "Queue" && panel != "Code") continue;
        out["panel " + panel] = rectOf(p["rect"]);
        if (panel == "Controls") out["panel Controls"][3] = 0;   // its height is checked below, not its rect
        for (const json& it : p.value("items", json::array())) {
            std::string t = it["text"].get<std::string>();
            if (panel == "Timeline") continue;   // its toolbar (Follow, Fit, Live) is checked by y only
            if (t == "Run" || t == "Pause" || t == "Resume") t = "[run button]";
            else if (t == "(no live worker)" || t.rfind("ForkPoolWorker-", 0) == 0 || t.rfind("Process-", 0) == 0)
                t = "[kill combo]";
            else if (t.rfind("run ", 0) == 0 || t.rfind("new: ", 0) == 0) t = "[run picker]";
            else if (t.rfind("scenario ", 0) == 0) continue;   // the picker's list, when open
            else if (t == "headline") continue;   // This run's callout: words that follow the run, nothing to aim at
            out[panel + ": " + t] = rectOf(it["rect"]);
        }
    }
    out["controls height"] = {0, 0, 0, panelRect(s, "Controls")[3]};
    return out;
}

// Everything aimed at in both frames is where it was.
void sameAim(const json& before, const json& after, const std::string& when) {
    const auto a = aimRects(before), b = aimRects(after);
    int compared = 0;
    for (const auto& [k, r] : a) {
        auto it = b.find(k);
        if (it == b.end()) continue;
        ++compared;
        INFO(when << ": " << k << " was [" << r[0] << "," << r[1] << "," << r[2] << "," << r[3] << "], now ["
                  << it->second[0] << "," << it->second[1] << "," << it->second[2] << "," << it->second[3] << "]");
        CHECK(it->second == r);
    }
    CHECK(compared >= 20);
}

} // namespace

// Issue 11 (the lost click, the toolbar jumps) as a kind: the layout is a
// function of the window, the type and the scenario, never of the run's
// state. Every tab, toolbar control and panel before Run, as the run goes,
// at its end, and with another run picked (the run picker's key, "[").
TEST_CASE("presentation: no tab, toolbar control or panel moves when a run starts, ends, or another run is picked",
          "[gui][keys][classroom][layout]") {
    NEED_X();
    // The tutorial's pool, and 8 cpu workers (their idle lanes may fold into a band).
    const bool many = GENERATE(false, true);
    std::vector<std::string> args = {many ? "pool-sizes" : "pool", "--presentation", "--size", "1280x720"};
    if (many) args.insert(args.end(), {"--workers", "8", "--work", "cpu", "--time-scale", "0.5"});
    else args.insert(args.end(), {"--time-scale", "0.3"});
    INFO(args[0]);
    LiveWindow w(args);
    REQUIRE_FALSE(w.window.empty());
    // The stage, settled (the Predict tab offered to the class).
    REQUIRE(w.waitFor([](const json& st) { return st.value("stats_tab", std::string()) == "Predict"; }, 5));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    const json stage = w.state();
    REQUIRE(stage["status"] == "not started");
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running" && st["now_s"].get<double>() > 0.2; }, 10));
    sameAim(stage, w.state(), "the run going");
    REQUIRE(w.waitFor(finished, 60));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const json end1 = w.state();
    sameAim(stage, end1, "the run ended");
    // A second run (R), to its end, then the first picked again.
    w.key("r");
    REQUIRE(w.waitFor([](const json& st) { return st["runs"].size() == 2; }, 10));
    json s = w.state();
    sameAim(stage, s, "the second run going");
    sameAim(end1, s, "the second run going (against the first's end)");   // the run picker too
    REQUIRE(w.waitFor(finished, 60));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    s = w.state();
    sameAim(stage, s, "the second run ended");
    sameAim(end1, s, "the second run ended (against the first's end)");
    w.key("bracketleft");
    REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 1; }, 5));
    s = w.state();
    sameAim(stage, s, "run 1 picked");
    sameAim(end1, s, "run 1 picked (against its end)");
}

// Issue 11, C: a scenario chosen in the window starts from its own values, as
// `parviz gui NAME` would; what the window keeps (the time scale the user
// set) the toolbar says in words; the Code panel's listing follows.
TEST_CASE("choosing another scenario in the picker loads its own workers, work, method and chunksize, and says what it kept",
          "[gui][keys][classroom][scenario]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--workers", "8", "--work", "cpu", "--method", "imap", "--chunksize", "3", "--time-scale",
                  "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    REQUIRE(s["workers_option"] == 8);
    REQUIRE(s["work_option"] == "cpu");
    REQUIRE(s["method_option"] == "imap");
    REQUIRE(s["chunksize_option"] == 3);
    // The scenario picker: the toolbar's first control.
    auto picker = [](const json& st) {
        for (const json& p : st["panels"])
            if (p["name"] == "Controls" && !p["items"].empty()) {
                const json& r = p["items"][0]["rect"];
                return std::array<float, 4>{r[0].get<float>(), r[1].get<float>(), r[2].get<float>(), r[3].get<float>()};
            }
        FAIL("no toolbar");
        return std::array<float, 4>{};
    };
    auto choose = [&](const std::string& from, const std::string& to) {
        bool chosen = false;
        for (int attempt = 0; attempt < 2 && !chosen; ++attempt) {
            REQUIRE(w.state()["scenario_option"] == from);
            const auto r = picker(w.state());
            w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
            const std::string entry = "scenario " + to;
            REQUIRE(w.waitFor([&](const json& st) {
                for (const json& p : st["panels"])
                    for (const json& it : p["items"])
                        if (it["text"] == entry) return true;
                return false;
            }, 3));
            // The popup's first frames measure and place it: aim once it has settled.
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            const auto e = itemRect(w.state(), entry);
            w.click(e[0] + e[2] / 2, e[1] + e[3] / 2);
            chosen = w.waitFor([&](const json& st) { return st["scenario_option"] == to; }, 3);
            if (!chosen) w.key("Escape");
        }
        REQUIRE(chosen);
        // The pointer rests where the list was: nothing else is chosen after.
        runCommand("xdotool mousemove --window " + w.window + " 640 700");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        REQUIRE(w.state()["scenario_option"] == to);
    };
    choose("pool-sizes", "pool");
    s = w.state();
    const std::string controls = linesOf(s, "Controls");
    std::string listing;
    for (const json& l : s["listing"]) listing += l.get<std::string>() + "\n";
    INFO(controls << "\nlisting:\n" << listing);
    // The tutorial's Pool(2) over its sleeping tasks, map with CPython's chunksize.
    CHECK(s["workers_option"] == 2);
    CHECK(s["work_option"] == "as scenario");
    CHECK(s["method_option"] == "map");
    CHECK(s["chunksize_option"].is_null());
    CHECK(s["equal_jobs_option"] == 0);
    CHECK(listing.find("Pool(2)") != std::string::npos);
    CHECK(listing.find("Pool(8)") == std::string::npos);
    CHECK(listing.find("time.sleep") != std::string::npos);
    CHECK(listing.find("imap") == std::string::npos);
    // The time scale the user set stays, and the toolbar says so.
    CHECK(controls.find("time scale 0.05x kept") != std::string::npos);
    // Back to pool-sizes: its own 4 workers, not the command line's 8.
    choose("pool", "pool-sizes");
    s = w.state();
    CHECK(s["workers_option"] == 4);
    CHECK(s["work_option"] == "as scenario");
    CHECK(s["method_option"] == "map");
    std::string listing2;
    for (const json& l : s["listing"]) listing2 += l.get<std::string>() + "\n";
    INFO(listing2);
    CHECK(listing2.find("Pool(4)") != std::string::npos);
}

// Classroom walk (issue 11): a run of another scenario picked in the run
// picker showed its lanes under the toolbar of the scenario chosen now
// (pool, 2 workers, sleep) with no word that it was run otherwise.
TEST_CASE("a run of another scenario picked in the run picker: the toolbar says what that run was run with",
          "[gui][keys][classroom][scenario]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor(finished, 30));
    CHECK(linesOf(w.state(), "Controls").find("shown run:") == std::string::npos);
    // Another scenario in the picker (the toolbar's first control), then the pool-sizes run picked again ("[").
    REQUIRE(pickScenario(w, "pool"));
    if (w.state()["current_run"] != 1) w.key("bracketleft");
    REQUIRE(w.waitFor([](const json& st) { return st["current_run"] == 1; }, 5));
    const bool said = w.waitFor([](const json& st) {
        return linesOf(st, "Controls").find("pool-sizes, 8 workers, cpu") != std::string::npos;
    }, 3);
    INFO(linesOf(w.state(), "Controls"));
    CHECK(said);
}
