// The timeline's words as a newcomer met them in the classroom walk (issue 11,
// scope of helper classB): a lane's tooltip is bounded and inside the window
// and says only what is true at the cursor; the legend lists only what is on
// screen and its numbered example is a word a lane shows. The real window,
// driven with real pointer events under the test's Xvfb (xdotool), read back
// from its per-frame dump (docs/layout-json.md).
#include "live_window.hpp"

using namespace guitest;

namespace {

json timelinePanel(const json& s) {
    for (const json& p : s["panels"])
        if (p["name"] == "Timeline") return p;
    return json::object();
}

std::vector<std::string> linesOf(const json& panel) {
    std::vector<std::string> out;
    if (panel.contains("lines"))
        for (const json& l : panel["lines"]) out.push_back(l.get<std::string>());
    return out;
}

} // namespace

TEST_CASE("a task bar's tooltip is at most 30 em wide, inside the window, and calls a running chunk running",
          "[gui][keys][timeline]") {
    // Finding 1: a tooltip ~1200 px wide covering the lanes, saying "done at
    // 185 ms" of a chunk still running. Hovered just before the live edge
    // (followed, it is at 95 % of the view), where the worker's chunk runs.
    NEED_X();
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running"; }, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    json s = w.state();
    const float font = s["font_px"].get<float>();
    // Over the middle of a chunk still running, on its worker's lane (the
    // lanes follow the run: read again before each try).
    bool shown = false;
    for (int attempt = 0; attempt < 10 && !shown; ++attempt) {
        const json st = w.state();
        json best;
        for (const json& c : st["chunks"])
            if (c["open"].get<bool>() && (best.is_null() || c["x1"].get<float>() - c["x0"].get<float>() >
                                                                best["x1"].get<float>() - best["x0"].get<float>()))
                best = c;
        if (best.is_null()) continue;
        const float px = (best["x0"].get<float>() + best["x1"].get<float>()) / 2;
        const float py = (best["y0"].get<float>() + best["y1"].get<float>()) / 2;
        const std::string lane = best["lane"].get<std::string>();
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(px)) + " " +
                   std::to_string(static_cast<int>(py)) + " mousemove_relative 1 0");
        shown = w.waitFor([&](const json& t) {
            return !t["tooltips"].empty() && t["tooltips"][0]["lines"][0].get<std::string>().rfind(lane, 0) == 0;
        }, 1);
    }
    s = w.state();
    INFO("tooltips " << s["tooltips"].dump());
    REQUIRE(shown);
    REQUIRE(s["status"] == "running");   // the run (4 s) is still going
    const json tip = s["tooltips"][0];
    const float x = tip["rect"][0], y = tip["rect"][1], tw = tip["rect"][2], th = tip["rect"][3];
    INFO("tooltip " << tip.dump() << "\nchunks " << s["chunks"].dump());
    CHECK(tw <= font * 30);
    CHECK(x >= 0);
    CHECK(y >= 0);
    CHECK(x + tw <= 1280);
    CHECK(y + th <= 720);
    // Its chunk's words against the chunk as the window drew it (open: a task
    // of it had not ended): a running chunk is never "done".
    bool chunkLine = false;
    for (const json& l : tip["lines"]) {
        const std::string line = l.get<std::string>();
        if (line.rfind("chunk ", 0) != 0) continue;
        for (const json& c : s["chunks"]) {
            const std::string label = c["label"].get<std::string>();
            if (line.rfind(label + ":", 0) != 0 || !c["open"].get<bool>()) continue;
            chunkLine = true;
            CHECK(line.find("done at") == std::string::npos);
            CHECK(line.find("running since then") != std::string::npos);
        }
    }
    CHECK(chunkLine);
}

TEST_CASE("before any run the legend lists no pattern: nothing is on the lanes yet", "[gui][keys][timeline]") {
    // Finding 4: before any run the legend listed all 13 patterns beside
    // empty lanes (README: "one legend covers every pattern on screen").
    NEED_X();
    LiveWindow w({"pool-uneven", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor([](const json& st) { return !timelinePanel(st).empty(); }, 5));
    const json s = w.state();
    REQUIRE(s["runs_started"] == 0);
    const std::vector<std::string> lines = linesOf(timelinePanel(s));
    INFO("timeline lines:\n" << timelinePanel(s)["lines"].dump(1));
    REQUIRE_FALSE(lines.empty());   // the panel is there (Follow, Fit, the prediction's axis)
    for (const char* entry : {"task", "failed task", "running", "sleeping", "idle", "waits for queue", "waits for lock",
                              "paused", "killed", "on a core", "runnable, no free core", "holds lock", "other programs",
                              "item taken from a queue"})
        CHECK(std::find(lines.begin(), lines.end(), entry) == lines.end());
}

TEST_CASE("with 8 workers the legend's numbered example is a word a worker lane shows", "[gui][timeline]") {
    // Finding 2: the legend read "T4 (1): task T4 on worker 1" while the lanes
    // said "chunk 3: T4" with no worker number. Its example must be a word on
    // the lanes, in the same words.
    NEED_X();
    TempDir dir;
    const std::string png = dir.file("w8.png"), layout = dir.file("w8.json");
    const Result r = runParviz({"gui", "pool-uneven", "--presentation", "--size", "1280x720", "--workers", "8",
                                "--time-scale", "0.3", "--screenshot", png, "--layout-json", layout},
                               dir.path);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    const std::vector<std::string> lines = linesOf(timelinePanel(s));
    INFO("timeline lines:\n" << timelinePanel(s)["lines"].dump(1));
    // Newcomer walk, item 7: it read "chunk 1: T2 (1): chunk 1 on worker 1"
    // (said twice, "(1)" unexplained): now the word quoted, then one plain
    // phrase naming the worker as its lane does ("\"s9 (1)\": task s9 on
    // ForkPoolWorker-1"), the chunk's word never said twice.
    std::string example;
    for (const std::string& l : lines)
        if (l.rfind("\"", 0) == 0 && l.find(")\": ") != std::string::npos) example = l;
    REQUIRE_FALSE(example.empty());
    const std::string word = example.substr(1, example.find(")\": "));   // "s9 (1)"
    INFO("legend: " << example << "; its word: " << word);
    CHECK(std::count(lines.begin(), lines.end(), word) >= 1);
    // The number it names is the worker whose lane shows the word, by the lane's name.
    const std::string n = word.substr(word.rfind('(') + 1, word.size() - word.rfind('(') - 2);
    const std::string worker = " on ForkPoolWorker-" + n;
    CHECK(example.size() >= worker.size());
    CHECK(example.compare(example.size() - worker.size(), worker.size(), worker) == 0);
    const std::string said = example.substr(example.find(")\": ") + 4);
    // Either the short form the legend uses where the long one would wrap
    // ("\"chunk 5: T6 (1)\": on ForkPoolWorker-1", session 28) or the long
    // one, "chunk 3 (task T4)", never "chunk 3" again after "chunk 3: T4".
    if (word.rfind("chunk ", 0) == 0 && said.rfind("on ", 0) != 0) {
        const std::string chunkNo = word.substr(0, word.find(':'));
        CHECK(said.rfind(chunkNo + " (", 0) == 0);
    }
    if (said.rfind("on ", 0) == 0) CHECK(said == worker.substr(1));
    // Chunk labels carry the number too: every chunk word on the lanes does.
    for (const std::string& l : lines)
        if (l.rfind("chunk ", 0) == 0) {
            INFO(l);
            CHECK(l.back() == ')');
        }
}

// Last session's review: the legends, Compare rows and plot points ask
// ui::mouseOver (nothing on top), but the axis's, the queue's, the callout
// marks' and the prediction mark's tips tested the pointer's rectangle only,
// so the time axis's tip opened through the open scenario list lying over
// it. Every boundedTooltip now asks that the window under it is hovered.
TEST_CASE("no timeline tooltip opens through the scenario picker's open list", "[gui][keys][timeline][tipthrough]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(30));
    const auto move = [&](float x, float y) {
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(x)) + " " +
                   std::to_string(static_cast<int>(y)) + " mousemove_relative 1 0");
    };
    // The axis's tip over "time in s" at a time scale other than 1.
    const auto axisTip = [](const json& st) {
        return st.value("tooltips", json::array()).dump().find("Seconds of this run") != std::string::npos;
    };
    json st = w.state();
    const float fs = st["font_px"].get<float>();
    float firstLane = 1e9f;
    for (const json& l : st["lanes"]) firstLane = std::min(firstLane, l["y0"].get<float>());
    const float ax = 24, ay = firstLane - fs * 0.6f;   // the axis row, over its label ("time in s, 0.1x")
    // The point is the axis's: with nothing open its tip shows.
    move(ax, ay);
    REQUIRE(w.waitFor(axisTip, 5));
    // The scenario list opened over it.
    json picker;
    for (const json& p : st["panels"])
        if (p["name"] == "Controls") picker = p["items"][0]["rect"];
    REQUIRE(picker.is_array());
    w.click(picker[0].get<float>() + picker[2].get<float>() / 2, picker[1].get<float>() + picker[3].get<float>() / 2);
    const auto listOpen = [](const json& s) { return s["panels"].dump().find("\"scenario pool\"") != std::string::npos; };
    REQUIRE(w.waitFor(listOpen, 5));
    w.settle(4);
    st = w.state();
    const std::array<float, 4> list = itemsBounds(st, "scenario ");
    const float left = list[0], top = list[1], right = list[2], bottom = list[3];
    INFO("list x " << left << ".." << right << " y " << top << ".." << bottom << "; axis label at " << ax << "," << ay);
    REQUIRE((ax > left && ax < right && ay > top && ay < bottom));   // under the list
    move(ax + 1, ay);
    w.settle(8);
    st = w.state();
    INFO("tooltips " << st["tooltips"].dump());
    REQUIRE(listOpen(st));
    CHECK_FALSE(axisTip(st));
}

// Session 18's cuts helper: a traced program's process with a long name had
// its lane title cut at the label column's edge ("a-consumer-with-a-long-n").
// Titles that do not fit are shortened with an ellipsis, their end kept, so
// two names differing only at the end stay told apart.
TEST_CASE("a traced program's long process names: lane titles shortened with an ellipsis, their ends kept, none cut",
          "[gui][timeline][trace][python][lanetitle]") {
    NEED_X();
    TempDir dir;
    const std::string script = writeScript(dir, "long_names.py",
        "import multiprocessing as mp, time\n"
        "def work(n):\n"
        "    time.sleep(0.3)\n"
        "if __name__ == '__main__':\n"
        "    ps = [mp.Process(target=work, args=(i,), name='a-consumer-with-a-really-long-name-%d' % i) for i in (1, 2)]\n"
        "    for p in ps: p.start()\n"
        "    for p in ps: p.join()\n");
    const std::string png = dir.file("t.png"), layout = dir.file("t.json");
    const Result r = runParviz({"trace", "--gui", "--presentation", "--size", "1280x720", "--screenshot", png,
                                "--layout-json", layout, "--", "/usr/bin/python3", script},
                               dir.path);
    REQUIRE(r.exitCode == 0);
    const json s = json::parse(slurp(layout));
    const json p = timelinePanel(s);
    INFO("timeline: " << p.dump().substr(0, 3000));
    const std::vector<std::string> lines = linesOf(p);
    int shortened = 0;
    for (const std::string& end : {std::string("\u2026-1"), std::string("\u2026-2")})
        for (const std::string& l : lines)
            if (l.rfind("a-consumer", 0) == 0 && l.size() > end.size() && l.compare(l.size() - end.size(), end.size(), end) == 0)
                ++shortened;
    CHECK(shortened == 2);
    for (const json& c : p["clipped_texts"]) CHECK(c.get<std::string>().find("a-consumer") == std::string::npos);
}

// Newcomer walk 27: the pointer on a callout's label ("one long task") asked
// for its tooltip and the lane's under it in one frame; ImGui put both in one
// window sized for one, and its scrollbar covered the words' right edge.
TEST_CASE("the pointer on a callout's label opens its tooltip alone, not the lane's under it too",
          "[gui][timeline][tooltip][onetip]") {
    NEED_X();
    LiveWindow w({"pool", "--workers", "4", "--presentation", "--size", "1280x720", "--time-scale", "0.2"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runFromStage(60));
    json label, ended;
    // The callout's label once the run's end is drawn (a busy machine's frames come late).
    w.waitFor([&](const json& s) {
        ended = s;
        for (const json& c : s["callouts"])
            if (c["kind"] == "one long task" && c["label_shown"] == true) label = c["label_rect"];
        return label.is_array();
    }, 10);
    INFO("callouts: " << ended["callouts"].dump());
    REQUIRE(label.is_array());
    const int x = static_cast<int>(label[0].get<float>() + label[2].get<float>() / 2);
    const int y = static_cast<int>(label[1].get<float>() + label[3].get<float>() / 2);
    for (int dx : {0, 2}) {   // a move, as a hand makes: the tooltip opens on the pointer's move
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(x + dx) + " " + std::to_string(y));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    const auto tipShown = [](const json& st) { return !st.value("tooltips", json::array()).empty(); };
    REQUIRE(w.waitFor(tipShown, 5));
    w.settle(4);
    const json tips = w.state()["tooltips"];
    INFO(tips.dump());
    REQUIRE(tips.size() == 1);
    CHECK(tips[0]["lines"][0].get<std::string>().rfind("one long task:", 0) == 0);
}
