// The Explain panel and the step keys in the real window (issue 11): what
// --layout-json / --test-dump say the window showed, and real key presses
// and clicks sent with xdotool.
#include "gui_support.hpp"
#include "live_window.hpp"
#include "parviz/explain.hpp"

#include <chrono>
#include <climits>
#include <map>
#include <regex>
#include <set>
#include <thread>

using namespace guitest;

namespace {


const json& panelOf(const json& layout, const std::string& name) {
    static const json none = json::object();
    for (const json& p : layout["panels"])
        if (p["name"] == name) return p;
    FAIL("no panel " << name);
    return none;
}

// The panel's lines as one text, joined by spaces: --layout-json lists the
// lines as drawn, so a sentence wrapped in two is two entries, and a phrase
// searched for may cross the break.
std::string linesOf(const json& p) {
    std::string out;
    for (const json& l : p["lines"]) out += l.get<std::string>() + " ";
    return out;
}

// The lane rows other than a tasks row (a worker's state strips, a core's
// rows) that the rect [x, y, w, h] covers more than a sliver of: words drawn
// there hide the state they sit on.
std::string stateRowsUnder(const json& layout, const json& rect) {
    const double x0 = rect[0].get<double>(), y0 = rect[1].get<double>();
    const double x1 = x0 + rect[2].get<double>(), y1 = y0 + rect[3].get<double>();
    std::string under;
    if (rect[2].get<double>() <= 0) return under;
    for (const json& r : layout["rows"]) {
        if (r["row"] == "tasks") continue;
        const double w = std::min(x1, r["x1"].get<double>()) - std::max(x0, r["x0"].get<double>());
        const double h = std::min(y1, r["y1"].get<double>()) - std::max(y0, r["y0"].get<double>());
        if (w > 2 && h > 1) under += r["title"].get<std::string>() + " " + r["row"].get<std::string>() + "; ";
    }
    return under;
}

bool hasCallout(const json& layout, const std::string& kind) {
    for (const json& c : layout["callouts"])
        if (c["kind"] == kind) return true;
    return false;
}

// The run's own idle tail, from the task times the window reports: the
// worker whose last task ended first, its tail against the makespan (first
// start to last end). What the load-imbalance callout must agree with.
double measuredTailShare(const json& layout, std::string& says) {
    std::map<std::string, std::int64_t> lastEnd;
    std::int64_t first = INT64_MAX, end = INT64_MIN;
    for (const json& t : layout["tasks"]) {
        if (t["start_ns"].is_null() || t["end_ns"].is_null()) continue;
        first = std::min(first, t["start_ns"].get<std::int64_t>());
        const std::int64_t e = t["end_ns"].get<std::int64_t>();
        end = std::max(end, e);
        const std::string w = t["worker"].get<std::string>();
        lastEnd[w] = std::max(lastEnd.count(w) ? lastEnd[w] : INT64_MIN, e);
    }
    if (lastEnd.size() < 2) return 0;
    std::int64_t idleEnd = INT64_MAX;
    for (const auto& [w, e] : lastEnd) {
        idleEnd = std::min(idleEnd, e);
        says += w + " last task ended at " + std::to_string((e - first) / 1000000) + " ms; ";
    }
    const double share = static_cast<double>(end - idleEnd) / static_cast<double>(end - first);
    says += "makespan " + std::to_string((end - first) / 1000000) + " ms, tail share " + std::to_string(share);
    return share;
}

void nothingClipped(const json& layout) {
    for (const json& p : layout["panels"]) {
        INFO(p["name"].get<std::string>() << " cut: " << p["clipped_texts"].dump());
        CHECK_FALSE(p["clipped"].get<bool>());
    }
}

} // namespace

TEST_CASE("pool-uneven: the Explain panel names the load imbalance and the timeline marks it, nothing cut", "[gui][explain]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool-uneven", "--time-scale", "0.2"}, dir);
    const std::string lines = linesOf(panelOf(l, "Explain"));
    INFO(lines);
    // Judged by the run's own task times (a busy machine can close the tail):
    // the callout is there exactly when the measured tail reaches 20 %, and
    // names the chunk of the task that ended last (chunk 0, L1–L4, on a quiet machine).
    std::string says;
    const double share = measuredTailShare(l, says);
    INFO("measured: " << says);
    const bool tail = share >= parviz::kImbalanceTailShare;
    CHECK((lines.find("load imbalance: ForkPoolWorker-") != std::string::npos) == tail);
    CHECK(hasCallout(l, "load imbalance") == tail);
    if (tail) {
        std::int64_t lastEnd = INT64_MIN;
        int lastChunk = -1;
        for (const json& t : l["tasks"])
            if (!t["end_ns"].is_null() && t["end_ns"].get<std::int64_t>() > lastEnd) {
                lastEnd = t["end_ns"].get<std::int64_t>();
                lastChunk = t["chunk"].get<int>();
            }
        CHECK(lines.find("(chunk " + std::to_string(lastChunk) + ": ") != std::string::npos);
    }
    for (const json& c : l["callouts"]) {
        INFO(c.dump());
        CHECK(c["x1"].get<double>() > c["x0"].get<double>());
        CHECK(c["y1"].get<double>() > c["y0"].get<double>());   // the idle worker's lane is outlined
    }
    nothingClipped(l);
}

TEST_CASE("a callout about the whole run labels the strip under the axis, never a CPU lane", "[gui][explain]") {
    NEED_DISPLAY();
    TempDir dir;
    // CPU work on 4 workers x the cores: oversubscription, a callout of the whole run.
    // (Where no activity strip has room, as in presentation with 8 lanes, only
    // the bar under the axis marks it: its words are in the Explain panel.)
    const json l = shotOf({"pool-cpu", "--time-scale", "0.1"}, dir);
    bool runWide = false;
    for (const json& c : l["callouts"]) {
        if (c["y1"].get<double>() > c["y0"].get<double>() || !c["label_shown"].get<bool>()) continue;
        runWide = true;
        const double ly0 = c["label_rect"][1].get<double>(), ly1 = ly0 + c["label_rect"][3].get<double>();
        for (const json& row : l["rows"]) {
            if (row["lane"] != "core") continue;
            INFO(c.dump() << " over " << row.dump());
            CHECK((ly1 <= row["y0"].get<double>() || ly0 >= row["y1"].get<double>()));
        }
    }
    INFO(l["callouts"].dump());
    CHECK(hasCallout(l, "oversubscription"));
    CHECK(runWide);
}

TEST_CASE("mid-run, the Explain panel says what each worker does and why", "[gui][explain]") {
    NEED_DISPLAY();
    TempDir dir;
    // 0.3 s of the run clock at 0.2x: one worker is in the long jobs, the other in the short ones.
    const json l = shotOf({"pool-uneven", "--time-scale", "0.2", "--screenshot-at", "0.3"}, dir);
    const std::string lines = linesOf(panelOf(l, "Explain"));
    INFO(lines);
    // Each worker's task is named: alone ("… is in task L2 since …") or in the
    // sentence the two share ("… are in their tasks (L2 and s5), sleeping: …").
    const bool shared = lines.find("are in their tasks (") != std::string::npos &&
                        (lines.find("(L") != std::string::npos || lines.find("and L") != std::string::npos);
    CHECK((lines.find("is in task L") != std::string::npos || shared));
    CHECK(lines.find("sleeping: sleep work needs no core") != std::string::npos);
    CHECK(lines.find("load imbalance") == std::string::npos);   // not known while tasks still run
    nothingClipped(l);
}

TEST_CASE("presentation at 1280x720 with the Why tab: the explanation in view, four lanes, nothing cut", "[gui][explain][room]") {
    NEED_DISPLAY();
    const std::string scenario = GENERATE(as<std::string>{}, "pool-uneven", "pool-cpu", "lock");
    INFO(scenario);
    TempDir dir;
    // The lock's holds at 0.5x (0.1 s) stay long next to the processes' start-up on a busy machine.
    const json l = shotOf({scenario, "--time-scale", scenario == "lock" ? "0.5" : "0.1", "--presentation", "--test-tab", "Why"}, dir);
    CHECK(l["font_px"].get<double>() >= 24);
    int workerLanes = 0;
    for (const json& lane : l["lanes"]) workerLanes += lane["worker"].get<bool>() ? 1 : 0;
    CHECK(l["visible_worker_lanes"].get<int>() >= std::min(4, workerLanes));
    const std::string lines = linesOf(panelOf(l, "Stats"));
    INFO(lines);
    CHECK(lines.find("Next \u203a") != std::string::npos);   // the Why tab is the one shown
    if (scenario == "pool-uneven") {
        // Judged by the run's own task times: a busy machine stretches the
        // short sleeps and may close the tail, and then there is no callout.
        std::string says;
        const double share = measuredTailShare(l, says);
        INFO("measured: " << says);
        CHECK((lines.find("load imbalance: ") != std::string::npos) == (share >= parviz::kImbalanceTailShare));
        CHECK(hasCallout(l, "load imbalance") == (share >= parviz::kImbalanceTailShare));
    }
    // Whole, or short of room its headline ("lock convoy: 3 processes spent 1.8x as long waiting for the lock as holding it").
    if (scenario == "lock")
        CHECK((lines.find("lock convoy (processes queued at one lock") != std::string::npos ||
               lines.find("lock convoy: ") != std::string::npos));
    // Whole, its headline, or short of room named by kind with the other callouts (calloutsLine).
    if (scenario == "pool-cpu") CHECK(lines.find("oversubscription") != std::string::npos);
    nothingClipped(l);
}

TEST_CASE("Right and Left step the cursor from one program event to the next and back", "[gui][explain][keys]") {
    NEED_X();
    LiveWindow w({"queue"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto caption = [](const json& st) {
        return panelLines(st, "Controls");
    };
    // From the end, Left goes back to the last program event (the run's end is none).
    w.key("Left");
    REQUIRE(w.waitFor([](const json& st) { return !st["cursor_live"].get<bool>(); }, 5));
    const json a = w.state();
    const double ta = a["cursor_s"].get<double>();
    CHECK(ta < a["now_s"].get<double>());
    w.key("Left");
    w.key("Left");
    const json b = w.state();
    const double tb = b["cursor_s"].get<double>();
    CHECK(tb < ta);
    w.key("Right");
    const json c = w.state();
    const double tc = c["cursor_s"].get<double>();
    CHECK(tc > tb);
    CHECK(tc < ta);
    // The queue demo's events are puts and gets: the caption names one at each step.
    INFO(caption(c));
    const std::string cap = caption(c);
    CHECK((cap.find(" put ") != std::string::npos || cap.find(" took ") != std::string::npos ||
           cap.find(" printed ") != std::string::npos || cap.find(" started") != std::string::npos ||
           cap.find(" exited") != std::string::npos));
    // The Next button does what Right does.
    const auto r = itemRect(c, "Next \u203a");
    w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    const json d = w.state();
    CHECK(d["cursor_s"].get<double>() > tc);
}

// Newcomer walk, session 28: stepping a run's events to its end took about a
// hundred presses. Home and End go to the first and the last program event,
// the same events Left and Right step through.
TEST_CASE("Home and End put the cursor on the first and the last program event", "[gui][explain][keys]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.1"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    w.key("Home");
    REQUIRE(w.waitFor([](const json& st) { return !st["cursor_live"].get<bool>(); }, 5));
    const json first = w.state();
    const double t0 = first["cursor_s"].get<double>();
    // Before the first task of a run of four: not a scenario without tasks.
    const std::string stats = panelLines(first, "Stats");
    INFO(stats);
    CHECK(stats.find("no task has started yet") != std::string::npos);
    CHECK(stats.find("runs no tasks") == std::string::npos);
    // Nothing before it: Left stays and the caption says so.
    w.key("Left");
    const json still = w.state();
    CHECK(still["cursor_s"].get<double>() == Approx(t0).margin(1e-9));
    CHECK(panelLines(still, "Controls").find("At the first program event") != std::string::npos);
    w.key("End");
    REQUIRE(w.waitFor([&](const json& st) { return st["cursor_s"].get<double>() > t0 + 0.1; }, 5));
    const json last = w.state();
    const double t1 = last["cursor_s"].get<double>();
    CHECK(t1 <= last["now_s"].get<double>());
    // Nothing after it: Right stays and says so; Left goes back one event.
    w.key("Right");
    const json end = w.state();
    CHECK(end["cursor_s"].get<double>() == Approx(t1).margin(1e-9));
    CHECK(panelLines(end, "Controls").find("At the last program event") != std::string::npos);
    w.key("Left");
    CHECK(w.state()["cursor_s"].get<double>() < t1);
}

// Classroom walk (session 15): stepping back from the last event, "at 3.98 s,
// the last event" became "at 3.97 s" and the right-aligned step row moved
// ‹ Prev 156 px from under the hand, so the next click missed; the caption
// kept saying "At the last program event" three steps back.
TEST_CASE("presentation, the Why tab: stepping back from the last event leaves \u2039 Prev where the hand is",
          "[gui][explain][keys][steprow]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.1", "--test-tab", "Why"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto lines = [](const json& st, const std::string& panel) {
        return panelLines(st, panel);
    };
    // Left from the run's end: the last program event, said in the step row.
    w.key("Left");
    REQUIRE(w.waitFor([&](const json& st) { return lines(st, "Stats").find("the last event") != std::string::npos; }, 5));
    w.settle(3);
    const json atEnd = w.state();
    const auto prev = itemRect(atEnd, "\u2039 Prev");
    // Steps back with the button, clicking where the hand is, until the
    // cursor has left the last event.
    json back;
    bool left = false;
    for (int i = 0; i < 4 && !left; ++i) {
        const double t0 = w.state()["cursor_s"].get<double>();
        w.click(prev[0] + prev[2] / 2, prev[1] + prev[3] / 2);
        REQUIRE(w.waitFor([&](const json& st) { return st["cursor_s"].get<double>() < t0; }, 5));
        w.settle(3);
        back = w.state();
        left = lines(back, "Stats").find("the last event") == std::string::npos;
    }
    REQUIRE(left);
    INFO(lines(atEnd, "Stats") << "-> " << lines(back, "Stats"));
    const auto prev2 = itemRect(back, "\u2039 Prev");
    CHECK(prev2[0] == prev[0]);
    CHECK(prev2[1] == prev[1]);
}

// Classroom walk (session 19): stepping through a whole run, ‹ Prev and
// Next › still moved sideways where the cursor's time changed its count of
// digits ("at 0.0050 s" near the start, "at 0.45 s" later): the row is
// right-aligned and was as wide as the words at the cursor.
TEST_CASE("presentation, the Why tab: stepping from the run's last event back to its first moves no step button",
          "[gui][explain][keys][steprow][stepsteady]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.1", "--test-tab", "Why"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(30));
    w.settle(3);
    std::set<float> xs;
    std::set<std::string> ats;   // the step row's words seen: the digits did change
    bool first = false;
    for (int i = 0; i < 200 && !first; ++i) {
        const double t0 = w.state()["cursor_s"].get<double>();
        w.key("Left");
        REQUIRE(w.waitFor([&](const json& st) { return st["cursor_s"].get<double>() < t0; }, 5));
        w.settle(2);
        const json s = w.state();
        xs.insert(itemRect(s, "\u2039 Prev")[0]);
        const std::string stats = panelLines(s, "Stats");
        first = stats.find("the first event") != std::string::npos;
        const auto at = stats.find("at 0.");
        if (at != std::string::npos) ats.insert(stats.substr(at, stats.find(" s", at) - at).size() > 7 ? "long" : "short");
    }
    REQUIRE(first);
    CHECK(ats.size() == 2);   // times of three and of four or more decimals were both stepped through
    INFO("\u2039 Prev's x positions: " << xs.size());
    CHECK(xs.size() == 1);
}

TEST_CASE("a prediction chosen before Run goes with the run and is shown beside its answer after it", "[gui][explain][predict]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    // The choices may be below the Explain panel's fold: scrolled to, as a hand would.
    const auto panel = panelRect(s, "Explain");
    for (int i = 0; i < 5 && itemRect(s, "D")[1] + itemRect(s, "D")[3] > panel[1] + panel[3]; ++i) {
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(panel[0] + panel[2] / 2)) +
                   " " + std::to_string(static_cast<int>(panel[1] + panel[3] / 2)));
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        runCommand("xdotool click 5");
        w.settle(4);
        s = w.state();
    }
    const auto r = itemRect(s, "D");   // "Which job finishes last?"
    w.click(r[0] + r[3] / 2, r[1] + r[3] / 2);
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][1]["given"].get<bool>(); }, 5));
    REQUIRE(w.runToEnd(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const json e = w.state();
    INFO(e["predictions"].dump());
    REQUIRE(e["predictions"].size() == 3);
    const json& p = e["predictions"][1];
    CHECK(p["ask"] == "Which job finishes last?");
    CHECK(p["given"].get<bool>());
    CHECK(p["choice"] == "D");
    CHECK(p["known"].get<bool>());
    // Not a race: D runs after B and C on one worker and ends at 6 s, A at 5 s.
    CHECK(p["answer"] == "D");
    CHECK(p["verdict"] == "right");
    CHECK_FALSE(e["predictions"][0]["given"].get<bool>());   // the others were not answered
    // The Explain panel shows it: the question, then what was predicted beside the run's answer.
    const std::string lines = panelLines(e, "Explain");
    INFO(lines);
    CHECK(lines.find("predicted: D") != std::string::npos);
}

TEST_CASE("the caption's prediction follows the Predict slider after a drop on the timeline: one value on screen",
          "[gui][explain][predict]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.2"});
    REQUIRE_FALSE(w.window.empty());
    auto caption = [](const json& st) {
        return panelLines(st, "Controls");
    };
    auto said = [](double seconds) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "Your prediction: %.2f s", seconds);
        return std::string(buf);
    };
    const auto tl = panelRect(w.state(), "Timeline");
    w.click(tl[0] + tl[2] * 0.45f, tl[1] + tl[3] * 0.6f);
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][0]["given"].get<bool>(); }, 5));
    const double dropped = w.state()["predict_next"][0]["seconds"].get<double>();
    REQUIRE(w.waitFor([&](const json& st) { return caption(st).find(said(dropped)) != std::string::npos; }, 5));
    // Now the slider, near its right end: a different value, and the caption says it.
    const auto sl = itemRect(w.state(), "prediction");
    w.click(sl[0] + sl[2] * 0.9f, sl[1] + sl[3] / 2);
    REQUIRE(w.waitFor([dropped](const json& st) {
        return std::abs(st["predict_next"][0]["seconds"].get<double>() - dropped) > 0.05;
    }, 5));
    const json s = w.state();
    const double now = s["predict_next"][0]["seconds"].get<double>();
    INFO(caption(s));
    CHECK(caption(s).find(said(now)) != std::string::npos);
    CHECK(caption(s).find(said(dropped)) == std::string::npos);
}

TEST_CASE("before a run, a click on the empty timeline predicts the makespan, and the run shows it beside its end", "[gui][explain][keys]") {
    NEED_X();
    // Normal type, and presentation at 1280x720 (where its words sat on the
    // last worker's state strip at the lanes' bottom).
    const bool presentation = GENERATE(false, true);
    INFO("presentation " << presentation);
    std::vector<std::string> args{"pool", "--time-scale", "0.2"};
    if (presentation) args.insert(args.end(), {"--presentation", "--size", "1280x720"});
    LiveWindow w(args);
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    REQUIRE(s["predict_next"].size() >= 1);
    CHECK_FALSE(s["predict_next"][0]["given"].get<bool>());
    // The empty timeline's axis: 0 s at the plot's left edge, the slider's range at its right.
    const auto tl = panelRect(s, "Timeline");
    double plotX0 = 0, plotX1 = 0, laneY = 0;
    for (const json& r : s["rows"])
        if (r["lane"] == "proc") {
            plotX0 = r["x0"].get<double>();
            plotX1 = r["x1"].get<double>();
            laneY = r["y0"].get<double>();
            break;
        }
    if (plotX1 <= plotX0) {   // the stage has no lanes yet: the plot spans the panel right of the labels
        plotX0 = tl[0] + s["font_px"].get<double>() * 8.5;
        plotX1 = tl[0] + tl[2] - 30;
        laneY = tl[1] + tl[3] * 0.6;
    }
    // A quarter of the way: inside the run (its B, C, D alone take 6 s x 0.2).
    w.click(static_cast<float>(plotX0 + (plotX1 - plotX0) * 0.25), static_cast<float>(laneY));
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][0]["given"].get<bool>(); }, 3));
    s = w.state();
    const double guess = s["predict_next"][0]["seconds"].get<double>();
    CHECK(guess > 0);
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["runs_started"] == 1 && st["status"] == "finished"; }, 30));
    s = w.state();
    REQUIRE(s["predictions"].size() >= 1);
    CHECK(s["predictions"][0]["given"].get<bool>());
    CHECK(s["predictions"][0]["seconds"].get<double>() == Approx(guess));
    CHECK(s["prediction_x"].get<double>() > plotX0);   // the dashed line on the run's timeline
    CHECK(s["prediction_x"].get<double>() < plotX1 - 2);
    // Its words ("predicted 1.20 s") cover no task's name or other words on the lanes.
    for (const json& pn : s["panels"])
        if (pn["name"] == "Timeline") {
            INFO(pn["lines"].dump());
            REQUIRE(pn.contains("overlapping_texts"));
            CHECK(pn["overlapping_texts"].empty());
        }
    // Nor a lane's state rows: its words sit on a tasks row.
    INFO("words at " << s["prediction_label_rect"].dump());
    CHECK(s["prediction_label_rect"][2].get<double>() > 0);   // drawn
    CHECK(stateRowsUnder(s, s["prediction_label_rect"]) == "");
    // Nor a task's bar, where a tasks row in view is free there (session 31:
    // they hid the end of the chunk the class predicted would end last).
    {
        const json& r = s["prediction_label_rect"];
        const double lx0 = r[0].get<double>(), lx1 = lx0 + r[2].get<double>(), ly = r[1].get<double>() + r[3].get<double>() / 2;
        const double b = s["view"]["begin_s"].get<double>(), e = s["view"]["end_s"].get<double>();
        double px0 = 0, px1 = 0;
        std::string lane;
        for (const json& row : s["rows"])
            if (row["row"] == "tasks") {
                px0 = row["x0"].get<double>();
                px1 = row["x1"].get<double>();
                if (row["y0"].get<double>() <= ly && ly <= row["y1"].get<double>()) lane = row["title"];
            }
        REQUIRE(px1 > px0);
        const double t0 = b + (lx0 - px0) / (px1 - px0) * (e - b), t1 = b + (lx1 - px0) / (px1 - px0) * (e - b);
        std::string under;
        for (const json& t : s["tasks"])
            if (t["worker"] == lane && !t["start_ns"].is_null() && !t["end_ns"].is_null() &&
                t["start_ns"].get<double>() / 1e9 < t1 && t["end_ns"].get<double>() / 1e9 > t0)
                under += t["name"].get<std::string>() + " ";
        INFO("on " << lane << ", " << t0 << " s to " << t1 << " s");
        CHECK(under == "");
    }
    // A callout's words on the lane it names likewise (pool: load imbalance on ForkPoolWorker-2).
    for (const json& c : s["callouts"])
        if (c["label_shown"].get<bool>()) {
            INFO(c["kind"] << " at " << c["label_rect"].dump());
            CHECK(stateRowsUnder(s, c["label_rect"]) == "");
        }
}

TEST_CASE("the words of a callout about the whole run are on screen even where no activity strip carries them", "[gui][explain][room]") {
    NEED_DISPLAY();
    TempDir dir;
    // Presentation with 8 CPU workers: no room for the activity strip.
    const json l = shotOf({"pool-cpu", "--workers", "8", "--time-scale", "0.1", "--presentation"}, dir);
    const json& timeline = panelOf(l, "Timeline");
    INFO(linesOf(timeline));
    INFO(l["callouts"].dump());
    REQUIRE(hasCallout(l, "oversubscription"));
    CHECK(linesOf(timeline).find("oversubscription") != std::string::npos);
    nothingClipped(l);
}

// Newcomer walk (session 20): at 8 cpu workers in presentation the
// timeline said "oversubscription" with no numbers (its label hidden: no
// activity strip), and after the run the Why tab named the callouts by kind
// alone, under the sentences. The class reads "oversubscription: 8 workers
// on 2 cores" on both after the run, at 4 workers too; and the axis writes
// the time scale as the toolbar does ("0.20x", not "0.2x").
TEST_CASE("presentation at 1280x720, 4 and 8 cpu workers after the run: the timeline and Why say oversubscription with its "
          "numbers",
          "[gui][explain][marks][whyfit]") {
    NEED_DISPLAY();
    const std::string workers = GENERATE(as<std::string>{}, "4", "8");
    INFO(workers << " workers");
    TempDir dir;
    const json l = shotOf({"pool-sizes", "--workers", workers, "--work", "cpu", "--time-scale", "0.2", "--presentation",
                           "--size", "1280x720", "--test-tab", "Why"},
                          dir);
    INFO(l["callouts"].dump());
    REQUIRE(hasCallout(l, "oversubscription"));
    const std::string said = "oversubscription: " + workers + " workers";
    const std::string timeline = linesOf(panelOf(l, "Timeline"));
    INFO("Timeline: " << timeline);
    CHECK(timeline.find(said + " on ") != std::string::npos);
    for (const json& c : l["callouts"])
        if (c["kind"] == "oversubscription") CHECK((c["in_legend"].get<bool>() || c["label_shown"].get<bool>()));
    CHECK(timeline.find(", 0.20x") != std::string::npos);   // the axis label, as the toolbar writes it
    CHECK(timeline.find(", 0.2x") == std::string::npos);
    const json& why = panelOf(l, "Stats");
    INFO("Why: " << linesOf(why) << " hidden: " << why["hidden_texts"].dump());
    CHECK(l["stats_tab"] == "Why");
    CHECK(linesOf(why).find(said) != std::string::npos);
    for (const json& h : why["hidden_texts"]) CHECK(h.dump().find("oversubscription") == std::string::npos);
    nothingClipped(l);
}

// Newcomer walk (session 20): the lock demo at 0.49 s, Why short of room:
// "4 processes: 1 exited, 2 waiting for a lock, 1 holding the lock" named
// neither the holder nor the waiters. The holder is named at least.
TEST_CASE("presentation at 1280x720, the lock demo mid-run: Why names the lock's holder", "[gui][explain][lock][whyfit]") {
    NEED_DISPLAY();
    const std::string at = GENERATE(as<std::string>{}, "0.49", "0.3");
    INFO("cursor at " << at);
    TempDir dir;
    const json l = shotOf({"lock", "--presentation", "--size", "1280x720", "--test-tab", "Why", "--screenshot-at", at}, dir);
    const json& why = panelOf(l, "Stats");
    const std::string lines = linesOf(why);
    INFO(lines << " hidden: " << why["hidden_texts"].dump());
    // Held at the cursor: its holder by name ("Process-2 holds the lock"), in a
    // sentence of its own or after the counts.
    if (lines.find("holding") != std::string::npos || lines.find(" holds ") != std::string::npos) {
        CHECK(lines.find("Process-") != std::string::npos);
        CHECK(std::regex_search(lines, std::regex("Process-[0-9]+ holds ")));
    }
    nothingClipped(l);
}

TEST_CASE("a replayed run shows only the callouts that begin before the cursor", "[gui][explain]") {
    NEED_DISPLAY();
    TempDir dir;
    // One long task beside two short ones on two workers: the short ones'
    // worker idles at the end on any machine (the long one taken first, alone:
    // a "one long task" callout, session 21).
    const std::string file = dir.file("uneven.json");
    std::ofstream(file) << R"({"kind": "pool", "pool_size": 2, "chunksize": 1, "tasks": [
        {"name": "long", "seconds": 0.6}, {"name": "s1", "seconds": 0.03}, {"name": "s2", "seconds": 0.03}]})";
    const std::string saved = dir.file("uneven.pvz");
    REQUIRE(runParviz({"run", file, "--save-run", saved}, dir.path).exitCode == 0);
    // At the end: the callout, marked and in the Explain panel.
    const json end = shotOf({"--open", saved}, dir, "end");
    std::string says;
    const double share = measuredTailShare(end, says);
    INFO("measured: " << says);
    REQUIRE(share >= parviz::kImbalanceTailShare);
    CHECK(hasCallout(end, "one long task"));
    CHECK(linesOf(panelOf(end, "Explain")).find("one long task: ") != std::string::npos);
    // At 10 ms, before any task ended: neither marked nor said.
    const json early = shotOf({"--open", saved, "--screenshot-at", "0.01"}, dir, "early");
    INFO(linesOf(panelOf(early, "Explain")));
    CHECK(early["cursor_s"].get<double>() == Approx(0.01));
    CHECK_FALSE(hasCallout(early, "one long task"));
    CHECK(linesOf(panelOf(early, "Explain")).find("one long task") == std::string::npos);
}

TEST_CASE("pool on 4 workers: the tail is task A alone, said as one long task no split shortens, each idle lane outlined",
          "[gui][explain][longtask]") {
    // Newcomer walk (session 21): `parviz gui pool --presentation --workers 4` (A=5 s, B=2, C=1, D=3)
    // showed a pink "load imbalance" for the 3 idle workers, read as a fault of the pool size or the
    // chunking, and outlined only the longest-idle lane.
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--presentation", "--workers", "4", "--time-scale", "0.2"}, dir);
    std::string says;
    const double share = measuredTailShare(l, says);
    INFO("measured: " << says);
    INFO("callouts: " << l["callouts"].dump());
    REQUIRE(share >= parviz::kImbalanceTailShare);
    CHECK_FALSE(hasCallout(l, "load imbalance"));
    REQUIRE(hasCallout(l, "one long task"));
    for (const json& c : l["callouts"])
        if (c["kind"] == "one long task") {
            // Every worker idle 20 % of the makespan or more at the end is outlined (B, C, D: 40-80 %).
            std::set<std::string> idle;
            for (const json& t : l["tasks"])
                if (t["name"] != "A") idle.insert(t["worker"].get<std::string>());
            std::set<std::string> outlined;
            for (const json& o : c["outlined"]) outlined.insert(o.get<std::string>());
            CHECK(outlined == idle);
            // Its words name A: they are on A's worker's lane (session 23: "one
            // long task: A, 0.50 s" was on an idle worker's lane, read as its).
            std::string worker;
            for (const json& t : l["tasks"])
                if (t["name"] == "A") worker = t["worker"].get<std::string>();
            CHECK(c["label_lane"] == worker);
            REQUIRE(c["label_shown"].get<bool>());
            const float ly = c["label_rect"][1].get<float>() + c["label_rect"][3].get<float>() / 2;
            std::string on;
            for (const json& rw : l["rows"])
                if (rw["row"] == "tasks" && ly >= rw["y0"].get<float>() && ly <= rw["y1"].get<float>())
                    on = rw["title"].get<std::string>();
            CHECK(on == worker);
        }
    const std::string stats = linesOf(panelOf(l, "Stats"));
    INFO(stats);
    CHECK(stats.find("load imbalance") == std::string::npos);
}

TEST_CASE("presentation at 1280x720, 8 busy workers, the Why tab: workers in the same state share a sentence, all in view, nothing cut",
          "[gui][explain][room][group]") {
    NEED_DISPLAY();
    // pool-sizes: 16 tasks of 0.25 s, at --time-scale 3 of 0.75 s; with 8
    // workers every one is in a task 0.5 s into the run, sleeping (sleep work)
    // or queuing for the 2 cores (cpu), even when a loaded machine started
    // them 0.2 s late (at 0.1 s of the unscaled run, some were not yet).
    const std::string work = GENERATE(as<std::string>{}, "sleep", "cpu");
    INFO(work);
    TempDir dir;
    const json l = shotOf({"pool-sizes", "--workers", "8", "--work", work, "--time-scale", "3", "--presentation",
                           "--test-tab", "Why", "--screenshot-at", "0.5"},
                          dir);
    const json& stats = panelOf(l, "Stats");
    const std::string lines = linesOf(stats);
    INFO(lines << "hidden: " << stats["hidden_texts"].dump());
    CHECK(l["font_px"].get<double>() >= 24);
    CHECK(lines.find("Next \u203a") != std::string::npos);   // the Why tab is the one shown
    // Several workers named in one sentence ("ForkPoolWorker-1 to -8 are in
    // their tasks, sleeping: ..."; "ForkPoolWorker-3, -4 ... are runnable, ...").
    // Short of room, the workers as counts by state ("8 workers: 7 runnable
    // (no free core), 1 running"): the old names paragraph took two lines
    // and scrolled the time-scale note out of view.
    CHECK((lines.find(work == "sleep" ? "are in their tasks, sleeping" : "are runnable, waiting for a free core") !=
               std::string::npos ||
           lines.find(work == "sleep" ? "workers sleeping" : "runnable (no free core)") != std::string::npos));
    // Every sentence in view: nothing below the fold, nothing cut.
    REQUIRE(stats.contains("hidden_texts"));
    CHECK(stats["hidden_texts"].empty());
    CHECK(l["visible_worker_lanes"].get<int>() >= 4);
    nothingClipped(l);
}

// Issue 11, D: `parviz gui pool-sizes --workers 8 --work cpu --presentation
// --size 1280x720`, the cursor mid-run, the Why tab: its text needed a
// scrollbar. Workers in the same state are one line ("ForkPoolWorker-1 to
// -8 are runnable, waiting for a free core"), and what still does not fit
// says its state without its why (drawExplainLines' plan): no scrollbar,
// nothing cut, at 8 and at 16 workers, whatever the cores were doing then.
// What kept it failing (sessions 11 and 12): ImGui shows a body's scrollbar
// from the previous frame's content, and the Why tab's first frame is laid
// out at the narrow width of the tab shown before it (the split follows the
// tab shown last frame), so its sentences wrapped tall and the next frame
// showed a scrollbar for content that fitted. A frame with a stale scrollbar
// now draws the next one at once (ui::scrollbarStale), and a screenshot
// waits for a frame without one.
TEST_CASE("presentation at 1280x720, 8 and 16 cpu workers mid-run: the Why tab fits without a scrollbar, nothing cut",
          "[gui][explain][room][whyfit]") {
    NEED_DISPLAY();
    const std::string workers = GENERATE(as<std::string>{}, "8", "16");
    const std::string at = GENERATE(as<std::string>{}, "0.6", "1.2");
    INFO(workers << " workers, cursor at " << at << " s");
    TempDir dir;
    const json l = shotOf({"pool-sizes", "--workers", workers, "--work", "cpu", "--presentation", "--size", "1280x720",
                           "--test-tab", "Why", "--screenshot-at", at},
                          dir);
    const json& stats = panelOf(l, "Stats");
    INFO(linesOf(stats) << "hidden: " << stats["hidden_texts"].dump());
    CHECK(l["stats_tab"] == "Why");
    CHECK(linesOf(stats).find("MainProcess") != std::string::npos);
    // By name, or short of room as counts by state ("16 workers: 15 runnable (no free core), 1 running").
    CHECK((linesOf(stats).find("ForkPoolWorker-") != std::string::npos ||
           linesOf(stats).find("workers: ") != std::string::npos));
    REQUIRE(stats.contains("scrollbar"));
    // 16 workers too: a --screenshot run had no stage, so its timeline held
    // the most it needed on any frame, which varied by 15 px between runs (at
    // 134 px instead of 149 the Why tab's padding overflowed into a
    // scrollbar). It starts from the stage now, whose split is planned from
    // the worker count before the run (session 17).
    CHECK_FALSE(stats["scrollbar"].get<bool>());
    CHECK(stats["hidden_texts"].empty());
    nothingClipped(l);
    // What is said briefly is a whole statement, never one ending in "…"
    // (classroom walk: Why's header "…for 63 % of their task time …").
    for (const json& line : stats["lines"]) {
        const std::string t = line.get<std::string>();
        INFO(t);
        CHECK_FALSE((t.size() >= 3 && t.compare(t.size() - 3, 3, "\u2026") == 0));
    }
}

// Issue 11, the class path (session 15 note): the window opens on the stage,
// the class presses Run. The stage reserved a fifth worker lane at 8+
// workers, so at 8 cpu workers the Why tab had 108 px (a callout and one
// line, the rest scrolled away) where a run without a stage left 149. The
// stage's split leaves the Why tab the room a run without one does, four
// worker lanes still in view, and whatever does not fit is said briefly
// (at last the workers as counts), never hidden behind a scrollbar.
// (64 workers: the summary band takes 40 px more, the Why tab has 110 px,
// two lines; left, session 16.)
TEST_CASE("presentation at 1280x720, 8 and 16 cpu workers run from the stage: the Why tab keeps its room, every "
          "sentence in view",
          "[gui][explain][room][whyfit][stage]") {
    NEED_X();
    const std::string workers = GENERATE(as<std::string>{}, "8", "16");
    INFO(workers << " workers");
    LiveWindow w({"pool-sizes", "--workers", workers, "--work", "cpu", "--time-scale", "0.2", "--presentation", "--size",
                  "1280x720", "--test-tab", "Why"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runFromStage(120));
    const json s = w.state();
    const json& stats = panelOf(s, "Stats");
    INFO(linesOf(stats) << "hidden: " << stats["hidden_texts"].dump());
    CHECK(s["stats_tab"] == "Why");
    CHECK(stats["rect"][3].get<float>() >= 134);
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
    CHECK(linesOf(stats).find("MainProcess") != std::string::npos);
    CHECK(stats["hidden_texts"].empty());
    nothingClipped(s);
}

TEST_CASE("presentation: the Predict tab, where the class answered, shows each prediction beside the run's answer once the run has ended",
          "[gui][explain][predict][room]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05", "--presentation", "--test-tab", "Predict"});
    REQUIRE_FALSE(w.window.empty());
    // The panels' heights settle over the first frames (each says what it needs).
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    const json s = w.state();
    const auto r = itemRect(s, "D");   // "Which job finishes last?", in the Predict tab
    w.click(r[0] + r[3] / 2, r[1] + r[3] / 2);
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][1]["given"].get<bool>(); }, 3));
    REQUIRE(w.runToEnd(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const json e = w.state();
    const std::string lines = panelLines(e, "Stats");
    INFO(lines);
    // Still the Predict tab, and in it the question, the prediction and the run's answer with a verdict.
    CHECK(lines.find("Predict the next run") != std::string::npos);
    CHECK(lines.find("predicted: D") != std::string::npos);
    CHECK(lines.find("(right)") != std::string::npos);
    nothingClipped(e);
}

// Issue 11: after a run, the Predict tab's verdicts (each prediction beside
// the run's answer) needed scrolling at 1280x720 presentation: each took two
// lines (the question, then the verdict) in the narrow Stats panel. Now one
// line per question (the question in its short words when the whole does
// not fit), in the whole width once a run is shown, every one in view.
TEST_CASE("presentation at 1280x720: after a run, every question's verdict is in view on one line, no scrolling",
          "[gui][explain][predict][room][predictfit]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05", "--presentation", "--size", "1280x720", "--test-tab", "Predict"});
    REQUIRE_FALSE(w.window.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    json s = w.state();
    REQUIRE(s["predict_next"].size() == 3);   // pool asks three: how long, the last job, the finish order
    // How long: a click on the empty timeline, a quarter of the way.
    const auto tl = panelRect(s, "Timeline");
    const double plotX0 = tl[0] + s["font_px"].get<double>() * 8.5, plotX1 = tl[0] + tl[2] - 30;
    w.click(static_cast<float>(plotX0 + (plotX1 - plotX0) * 0.25), static_cast<float>(tl[1] + tl[3] * 0.6));
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][0]["given"].get<bool>(); }, 3));
    int q = 1;
    // All three: the finish-order choices lay below the fold of the narrow
    // tab before a run (the class scrolled to them); now they are in view.
    for (const std::string choice : {"D", "B C A D"}) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));   // the caption's new words settle the layout
        INFO("choice " << choice);
        const auto r = itemRect(w.state(), choice);
        w.click(r[0] + r[3] / 2, r[1] + r[3] / 2);
        REQUIRE(w.waitFor([q](const json& st) { return st["predict_next"][q]["given"].get<bool>(); }, 5));
        ++q;
    }
    REQUIRE(w.runToEnd(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const json e = w.state();
    json stats;
    for (const json& pn : e["panels"])
        if (pn["name"] == "Stats") stats = pn;
    REQUIRE(stats.is_object());
    std::string lines;
    int verdicts = 0;
    for (const json& l : stats["lines"]) {
        const std::string t = l.get<std::string>();
        lines += t + "\n";
        if (t.find("predicted: ") != std::string::npos && t.find("the run: ") != std::string::npos) {
            ++verdicts;
            CHECK(t.find(" ms") == std::string::npos);   // "predicted: 0.08 s — the run: 0.30 s", one unit (session 31)
        }
    }
    INFO(lines << "hidden: " << stats["hidden_texts"].dump());
    CHECK(e["stats_tab"] == "Predict");
    CHECK(e["font_px"].get<double>() >= 24);
    CHECK(verdicts == 3);   // each given prediction's verdict, whole, in view
    for (const json& h : stats["hidden_texts"]) CHECK(h.get<std::string>().find("predicted") == std::string::npos);
    nothingClipped(e);
}

// Issue 11, classroom walk 2: before a run, the narrow Predict tab (525 px
// at 1280x720) showed two of pool's three questions; the third ("In what
// order do the tasks finish?") and its choices were below the fold, and the
// class had to scroll. Now the lines sit closer, the tab's name stands for
// the header, and a question's choices go beside it when they fit.
TEST_CASE("presentation at 1280x720: before a run, every question of each built-in with questions is in the Predict tab, no scrolling",
          "[gui][explain][predict][room][predictfit]") {
    NEED_X();
    const std::string scenario = GENERATE(as<std::string>{}, "pool", "pool-cpu", "pool-uneven", "job-queue", "queue");
    INFO(scenario);
    LiveWindow w({scenario, "--presentation", "--size", "1280x720", "--test-tab", "Predict"});
    REQUIRE_FALSE(w.window.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));   // the panels' heights settle over the first frames
    w.settle(4);
    const json s = w.state();
    if (scenario == "pool") REQUIRE(s["predict_next"].size() == 3);
    const json& stats = panelOf(s, "Stats");
    INFO(linesOf(stats) << "hidden: " << stats["hidden_texts"].dump() << " cut: " << stats["clipped_texts"].dump());
    CHECK(s["stats_tab"] == "Predict");
    CHECK(s["font_px"].get<double>() >= 24);
    CHECK(stats["hidden_texts"].empty());
    CHECK_FALSE(stats["scrollbar"].get<bool>());
    CHECK(stats["clipped"] == false);
    // Each question's words are on screen (the last words of its ask, wrapped or not).
    for (const json& q : s["predict_next"]) {
        const std::string ask = q["ask"];
        const std::string tail = ask.substr(ask.rfind(' ') + 1);
        INFO(ask);
        CHECK(linesOf(stats).find(tail) != std::string::npos);
    }
    if (scenario == "pool") {
        const double bottom = stats["rect"][1].get<double>() + stats["rect"][3].get<double>();
        for (const char* choice : {"A", "D", "A B C D", "C B D A"}) {
            const auto r = itemRect(s, choice);
            INFO(choice);
            CHECK(r[1] + r[3] <= bottom - 2);
        }
    }
}

// Issue 11: a run with a callout: presentation's This run tab showed the
// most important one's headline after the key numbers, wrapped to two
// lines, the second below the fold at 1280x720 (at 24 workers all of it:
// the tab shows one line there). Session 14: one line, the headline where
// it fits the width, else the callout's brief, which keeps the why ("8
// workers, 2 cores: most wait for a core", core Callout::brief); first when
// the tab has room for fewer than three lines (the caption says the
// makespan and speedup). room_test's "an oversubscribed run" keeps the why
// and the numbers in view beside it.
TEST_CASE("presentation at 1280x720: This run's headline callout is one line, in view, at any worker count up to the summary bands",
          "[gui][explain][room][headlinefit]") {
    NEED_DISPLAY();
    const std::vector<std::string> args = GENERATE(as<std::vector<std::string>>{},
                                                   std::vector<std::string>{"pool-sizes", "--workers", "8", "--work", "cpu"},
                                                   std::vector<std::string>{"pool-sizes", "--workers", "24", "--work", "cpu"},
                                                   std::vector<std::string>{"pool-uneven"});
    INFO(args[0] << " " << (args.size() > 2 ? args[2] : ""));
    TempDir dir;
    std::vector<std::string> all = args;
    for (const char* a : {"--time-scale", "0.2", "--presentation", "--size", "1280x720"}) all.push_back(a);
    const json l = shotOf(all, dir);
    REQUIRE_FALSE(l["callouts"].empty());
    const json& stats = panelOf(l, "Stats");
    INFO(linesOf(stats) << "hidden: " << stats["hidden_texts"].dump());
    CHECK(l["stats_tab"] == "This run");
    const double fontPx = l["font_px"].get<double>();
    CHECK(fontPx >= 24);
    bool found = false;
    for (const json& item : stats["items"])
        if (item["text"] == "headline") {
            found = true;
            const auto r = item["rect"];
            const double top = r[1].get<double>(), h = r[3].get<double>();
            const double bottom = stats["rect"][1].get<double>() + stats["rect"][3].get<double>();
            CHECK(h < fontPx * 1.5);              // one line
            CHECK(top + h <= bottom - 4);          // all of it above the panel's bottom edge
        }
    CHECK(found);
    nothingClipped(l);
}

TEST_CASE("the caption tells the moment the Next button stepped to, in the frame that stepped", "[gui][explain][keys]") {
    // The caption was drawn before the panels that move the cursor, so after
    // a click on Next it told the previous moment until the next event woke
    // the window (up to a quarter of a second idle, longer on a busy machine).
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.2"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    json s = w.state();
    double plotX0 = 0, plotX1 = 0, laneY = 0;
    for (const json& r : s["rows"])
        if (r["lane"] == "proc" && r["row"] == "tasks") {
            plotX0 = r["x0"].get<double>();
            plotX1 = r["x1"].get<double>();
            laneY = (r["y0"].get<double>() + r["y1"].get<double>()) / 2;
            break;
        }
    REQUIRE(plotX1 > plotX0);
    w.click(static_cast<float>(plotX0 + (plotX1 - plotX0) * 0.45), static_cast<float>(laneY));
    REQUIRE(w.waitFor([](const json& st) { return !st["cursor_live"].get<bool>(); }, 5));
    const auto next = itemRect(w.state(), "Next \u203a");
    const std::regex lead(R"(^(?:cursor )?at ([0-9.]+) (s|ms|us)[,;] )");   // the cursor's time, named
    for (int i = 0; i < 3; ++i) {
        const double before = w.state()["cursor_s"].get<double>();
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(next[0] + next[2] / 2)) +
                   " " + std::to_string(static_cast<int>(next[1] + next[3] / 2)));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        runCommand("xdotool click 1");
        // The first frame whose cursor moved: read before the idle window
        // would draw again on its own (0.25 s later), so polled closely.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        do {
            s = w.state();
            if (s["cursor_s"].get<double>() > before) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        } while (std::chrono::steady_clock::now() < until);
        const double cursor = s["cursor_s"].get<double>();
        std::string caption;
        for (const json& p : s["panels"])
            if (p["name"] == "Controls")
                for (const json& l : p["lines"]) {
                    std::smatch m;
                    const std::string line = l.get<std::string>();
                    if (std::regex_search(line, m, lead)) caption = line;
                }
        INFO("step " << i << ": cursor " << before << " -> " << cursor << " s, caption: " << caption);
        REQUIRE(cursor > before);
        std::smatch m;
        REQUIRE(std::regex_search(caption, m, lead));
        const double unit = m[2] == "s" ? 1 : m[2] == "ms" ? 1e-3 : 1e-6;
        const double shown = std::stod(m[1]) * unit;
        // formatDuration's rounding: 10 ms in "1.23 s", 1 ms in "850 ms".
        CHECK(std::abs(shown - cursor) <= (m[2] == "s" ? 0.006 : 0.0006));
    }
}

TEST_CASE("presentation at 1280x720, a traced Pool(2).map whose tasks take one Lock: the Lock panel and Why name "
          "its holder and its waiter at the cursor; a lane below the fold is announced",
          "[gui][explain][lock][room]") {
    // Classroom walk (issue 11): the student's program. The Lock panel was one
    // line tall ("Lock-1 acquired 2 times"); Why said "ForkPoolWorker-4 waits
    // for the lock since 11.4 s; ForkPoolWorker-5 is in task 2 … sleeping" and
    // never who held it; ForkPoolWorker-5's lane was below the fold, unsaid.
    NEED_DISPLAY();
    TempDir dir;
    const std::string script = dir.file("my_pool.py");
    std::ofstream(script) << R"(import multiprocessing as mp
import time

def producer(q, n):
    for i in range(n):
        q.put(("item", i))
        time.sleep(0.02)
    q.put(None)
    q.put(None)

def consumer(q):
    while q.get() is not None:
        pass

lock = None
def init(l):
    global lock
    lock = l

def work(x):
    with lock:
        time.sleep(0.3)
    return x * x

if __name__ == "__main__":
    q = mp.Queue()
    ps = [mp.Process(target=producer, args=(q, 3), name="Producer"),
          mp.Process(target=consumer, args=(q,), name="Consumer-1"),
          mp.Process(target=consumer, args=(q,), name="Consumer-2")]
    for p in ps: p.start()
    for p in ps: p.join()
    with mp.Pool(2, initializer=init, initargs=(mp.Lock(),)) as pool:
        print(pool.map(work, [1, 2, 3, 4], chunksize=1))
)";
    const std::string saved = dir.file("my.pvz");
    const Result traced = runParviz({"trace", "--save-run", saved, "--", "python3", script}, dir.path);
    INFO(traced.err);
    REQUIRE(traced.exitCode == 0);
    // The moment: the middle of the second task (its worker waited for the
    // first one's lock, then holds it; the first worker's next task waits).
    const json end = shotOf({"--open", saved, "--presentation", "--size", "1280x720"}, dir, "end");
    std::vector<std::pair<std::int64_t, std::int64_t>> spans;
    for (const json& t : end["tasks"])
        if (!t["start_ns"].is_null() && !t["end_ns"].is_null())
            spans.emplace_back(t["start_ns"].get<std::int64_t>(), t["end_ns"].get<std::int64_t>());
    REQUIRE(spans.size() == 4);
    std::sort(spans.begin(), spans.end());
    // Task 3 started (its worker waits) and task 2 has not ended: a holder and a waiter.
    const std::int64_t at = std::max(spans[2].first, spans[1].first) + (spans[1].second - std::max(spans[2].first, spans[1].first)) / 2;
    REQUIRE(at < spans[1].second);
    {
        // At the end, Why says the lock is why two workers were no faster
        // (newcomer walk: a traced Pool(2) + Lock got speedup 1.38x and its
        // Why said only that the processes exited): its tasks held Lock-1
        // most of the makespan, one at a time.
        const json l = shotOf({"--open", saved, "--presentation", "--size", "1280x720", "--test-tab", "Why"}, dir, "endWhy");
        const std::string why = linesOf(panelOf(l, "Stats"));
        INFO(why);
        // Whole, its headline ("lock convoy: Lock-1 held 92 % of the
        // makespan …"), or short of room named by kind with the others.
        CHECK(why.find("lock convoy") != std::string::npos);
        nothingClipped(l);
    }
    char sec[32];
    std::snprintf(sec, sizeof sec, "%.4f", static_cast<double>(at) / 1e9);
    for (const std::string tab : {"", "Why"}) {
        std::vector<std::string> args{"--open", saved, "--presentation", "--size", "1280x720", "--screenshot-at", sec};
        if (!tab.empty()) args.insert(args.end(), {"--test-tab", tab});
        const json l = shotOf(args, dir, "mid" + tab);
        std::string all;
        for (const json& p : l["panels"]) all += p["name"].get<std::string>() + ": " + linesOf(p);
        INFO(all);
        if (tab.empty()) {
            const json& lock = panelOf(l, "Queue and Lock");   // a traced run: queues and locks in one panel
            const std::string lines = linesOf(lock);
            CHECK(lines.find("held by ForkPoolWorker-") != std::string::npos);
            CHECK(lines.find("waiting:") != std::string::npos);
            CHECK_FALSE(lock["clipped"].get<bool>());
        } else {
            const std::string why = linesOf(panelOf(l, "Stats"));
            CHECK(std::regex_search(why, std::regex("ForkPoolWorker-[0-9]+ holds Lock-1 \\(since [0-9.]+ m?s\\)")));
            CHECK(std::regex_search(why, std::regex("waits for Lock-1 since [0-9.]+ m?s, held by ForkPoolWorker-[0-9]+")));
        }
        nothingClipped(l);
    }
}

// Newcomer walk (session 21): a prediction, a run at 4 workers, the workers
// field set to 8, the Predict tab: the run's verdicts filled the tab and
// "How long will Pool(8).map take" started under the window's edge (y 721
// at 1280x720). The next run's questions come first when they are not the
// ones the shown run answered; the verdicts follow, named by their run.
TEST_CASE("presentation at 1280x720: after a run and a new worker count, the Predict tab shows the next run's "
          "questions first, in view",
          "[gui][explain][predict][room][predictnext]") {
    NEED_X();
    // At the real time scale: at 0.05x the first question says so in a
    // sentence of its own ("At 0.05x, 1 s takes 0.05 s.") and takes two lines.
    LiveWindow w({"pool", "--workers", "4", "--presentation", "--size", "1280x720", "--test-tab", "Predict"});
    REQUIRE_FALSE(w.window.empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    const auto d = itemRect(w.state(), "D");   // "Which job finishes last?"
    w.click(d[0] + d[3] / 2, d[1] + d[3] / 2);
    REQUIRE(w.waitFor([](const json& st) { return st["predict_next"][1]["given"].get<bool>(); }, 3));
    REQUIRE(w.runToEnd(30));
    w.settle(4);
    // The workers field to 8 with real keys, the pointer off the controls.
    const auto f = itemRect(w.state(), "workers");
    w.click(f[0] + 10, f[1] + f[3] / 2, 2);
    w.key("ctrl+a");
    w.typeText("8");
    w.key("Return");
    runCommand("xdotool mousemove --window " + w.window + " 640 700");
    REQUIRE(w.waitFor([](const json& s) { return s["workers_option"] == 8; }, 5));
    w.settle(4);
    const json s = w.state();
    REQUIRE(s["stats_tab"] == "Predict");
    const std::string lines = panelLines(s, "Stats", " | ");
    INFO(lines);
    for (const char* q : {"How long will Pool(8).map take", "Which job finishes last?", "In what order do the tasks finish?"})
        CHECK(lines.find(q) != std::string::npos);
    // The run's verdicts follow, named by their run (in view, or behind the
    // tab's visible scrollbar); the run's prediction and answer are kept.
    json stats;
    for (const json& p : s["panels"])
        if (p["name"] == "Stats") stats = p;
    CHECK(lines.find("Run 1's predictions:") != std::string::npos);
    CHECK((lines.find("predicted: D") != std::string::npos || stats["scrollbar"].get<bool>()));
    REQUIRE(s["predictions"].size() == 3);
    CHECK(s["predictions"][1]["choice"] == "D");
    CHECK(s["predictions"][1]["known"] == true);
    nothingClipped(s);
}

// The stage asks its question in the scenario's seconds "At 0.20x, 1 s takes
// 0.20 s" over an axis of the run's seconds: the axis said only "time in s"
// (newcomer walk, session 30), as the run's own axis says "time in s, 0.20x".
TEST_CASE("the stage's axis says the time scale its run will have", "[gui][predict][stage][axis]") {
    NEED_X();
    LiveWindow w({"pool-uneven", "--time-scale", "0.2", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor([](const json& s) { return linesOf(panelOf(s, "Timeline")).find("Drag on the timeline") != std::string::npos; },
                      20));
    const std::string timeline = linesOf(panelOf(w.state(), "Timeline"));
    INFO(timeline);
    CHECK(timeline.find("time in s, 0.20x") != std::string::npos);
}
