// The window fits the room (issue 11): what --layout-json says the window
// really showed — panels' visible lines and whether any text was cut
// (measured from ImGui's item rects), the worker lanes in view, the type
// size, the generated listing — for the findings a teacher tripped over.
#include "gui_support.hpp"
#include "live_window.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <regex>

using namespace guitest;

namespace {


const json& panel(const json& layout, const std::string& name) {
    static const json none = json::object();
    for (const json& p : layout["panels"])
        if (p["name"] == name) return p;
    FAIL("no panel " << name);
    return none;
}

bool anyLine(const json& p, const std::string& needle) {
    for (const json& l : p["lines"])
        if (l.get<std::string>().find(needle) != std::string::npos) return true;
    return false;
}

std::string allLines(const json& layout) {
    std::string out;
    for (const json& p : layout["panels"]) {
        out += "[" + p["name"].get<std::string>() + "]";
        for (const json& l : p["lines"]) out += " | " + l.get<std::string>();
        out += "\n";
    }
    return out;
}

// Every panel: which texts were cut.
void checkNothingClipped(const json& layout) {
    for (const json& p : layout["panels"]) {
        INFO(p["name"].get<std::string>() << " cut: " << p["clipped_texts"].dump());
        CHECK_FALSE(p["clipped"].get<bool>());
        // A character the font lacks is drawn as '?': as unreadable as a cut.
        INFO("drawn without a glyph: " << p.value("missing_glyphs", json::array()).dump());
        CHECK(p.value("missing_glyphs", json::array()).empty());
    }
}


} // namespace

TEST_CASE("presentation at 1280x720: type of 24 px, four worker lanes of 1.5 x the type in view, nothing cut", "[gui][room]") {
    NEED_DISPLAY();
    const auto [scenario, workers] = GENERATE(table<std::string, std::string>(
        {{"pool", "4"}, {"pool-cpu", "8"}, {"pool", "64"}, {"lock", "4"}, {"job-queue", "6"}}));
    INFO(scenario << " with " << workers << " workers");
    TempDir dir;
    const json l = shotOf({scenario, "--workers", workers, "--time-scale", "0.05", "--presentation"}, dir);
    const double font = l["font_px"].get<double>();
    CHECK(font >= 24);
    CHECK(l["visible_worker_lanes"].get<int>() >= 4);
    for (const json& lane : l["lanes"]) {
        if (!lane["worker"].get<bool>() || !lane["visible"].get<bool>()) continue;
        INFO(lane.dump());
        CHECK(lane["y1"].get<double>() - lane["y0"].get<double>() >= 1.5 * font);
    }
    // Finding 11: the state strip and the on-core/runnable row stay thick
    // enough for a projector (stripes and an outline need room), even
    // when the rows are thinned to keep four workers in view.
    for (const json& row : l["rows"]) {
        const double h = row["y1"].get<double>() - row["y0"].get<double>();
        INFO(row.dump());
        if (row["row"] == "program") CHECK(h >= 8);
        if (row["row"] == "os") CHECK(h >= 6);
        if (row["row"] == "tasks") CHECK(h >= font);
    }
    checkNothingClipped(l);
}

TEST_CASE("at 1280x720 in normal type no text of any built-in scenario is cut", "[gui][room]") {
    NEED_DISPLAY();
    const std::string scenario = GENERATE(as<std::string>{}, "cpu-count", "process", "queue", "lock", "job-queue", "pool",
                                          "pool-cpu");
    for (const char* theme : {"dark", "light"}) {
        INFO(scenario << ", " << theme);
        TempDir dir;
        const json l = shotOf({scenario, "--time-scale", "0.05", "--theme", theme}, dir);
        CHECK(l["font_px"].get<double>() >= 16);
        checkNothingClipped(l);
    }
}

TEST_CASE("type grows with the window: 1920x1080 gets larger type than 1280x720", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json small = shotOf({"pool", "--time-scale", "0.05"}, dir, "small");
    const json big = shotOf({"pool", "--time-scale", "0.05", "--size", "1920x1080"}, dir, "big");
    CHECK(small["font_px"].get<double>() == 16);
    CHECK(big["font_px"].get<double>() == 24);
    const json bigPres = shotOf({"pool", "--time-scale", "0.05", "--size", "1920x1080", "--presentation"}, dir, "bigp");
    CHECK(bigPres["font_px"].get<double>() == 36);
}

TEST_CASE("a window resized from 1280x720 to 1920x1080 while open draws the larger type, rasterised then",
          "[gui][room][font]") {
    // The atlas holds only the sizes the window has asked for (one at start):
    // a resize must rasterise the new size between frames, not keep the old.
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720", "--time-scale", "0.05"});
    REQUIRE(w.waitFor([](const json& s) { return s.value("font_px", 0.0) == 24; }, 20));
    runCommand("xdotool windowsize " + w.window + " 1920 1080");
    CHECK(w.waitFor([](const json& s) { return s.value("font_px", 0.0) == 36; }, 20));
    const json big = w.state();
    for (const json& p : big["panels"]) {
        INFO(p["name"]);
        CHECK(p["missing_glyphs"].empty());
        CHECK(p["small_texts"].empty());
    }
    runCommand("xdotool windowsize " + w.window + " 1280 720");
    CHECK(w.waitFor([](const json& s) { return s.value("font_px", 0.0) == 24; }, 20));
}

TEST_CASE("pool with --workers 4 --work cpu gives a listing with Pool(4) and the CPU work call", "[gui][room][listing]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--workers", "4", "--work", "cpu", "--time-scale", "0.05"}, dir);
    std::string listing;
    for (const json& line : l["listing"]) listing += line.get<std::string>() + "\n";
    INFO(listing);
    CHECK(listing.find("p = Pool(4)") != std::string::npos);
    CHECK(listing.find("spin_cpu(work_data[1])") != std::string::npos);
    CHECK(listing.find("time.sleep") == std::string::npos);
    // And the Code panel shows it (the marked p.map line and the Pool above it).
    CHECK(anyLine(panel(l, "Code"), "p = Pool(4)"));
}

TEST_CASE("gui --method imap_unordered: the listing calls it, Stats lists the results in finish order, nothing cut",
          "[gui][room][listing][method]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--method", "imap_unordered", "--time-scale", "0.05", "--presentation"}, dir);
    std::string listing;
    for (const json& line : l["listing"]) listing += line.get<std::string>() + "\n";
    INFO(listing << allLines(l));
    CHECK(l["method_option"] == "imap_unordered");
    CHECK(l["run_method"] == "imap_unordered");
    CHECK(listing.find("    for name in p.imap_unordered(work_log, work):") != std::string::npos);
    CHECK(listing.find("p.map(") == std::string::npos);
    // The caller gets them as they finish: first the task that finished first
    // in this run (B at 0.1 s on a quiet machine; a loaded one may start a
    // worker late, so the run's own record says which, not a constant).
    std::string first;
    std::int64_t firstEnd = INT64_MAX;
    for (const json& t : l["tasks"])
        if (!t["end_ns"].is_null() && t["end_ns"].get<std::int64_t>() < firstEnd) {
            firstEnd = t["end_ns"].get<std::int64_t>();
            first = t["name"].get<std::string>();
        }
    REQUIRE_FALSE(first.empty());
    CHECK(anyLine(panel(l, "Stats"), "the program receives: " + first));
    CHECK(l["visible_worker_lanes"].get<int>() >= 2);
    checkNothingClipped(l);
    // The toolbar offers the method.
    bool combo = false;
    for (const json& p : l["panels"])
        for (const json& it : p.value("items", json::array()))
            combo = combo || it["text"].get<std::string>().find("method imap_unordered") != std::string::npos;
    CHECK(combo);
}

TEST_CASE("a user's scenario file gets a listing", "[gui][room][listing]") {
    NEED_DISPLAY();
    TempDir dir;
    const std::string file = dir.file("mine.json");
    std::ofstream(file) << R"({"kind": "pool", "pool_size": 3, "tasks": [{"name": "x", "seconds": 0.2},
                                {"name": "y", "seconds": 0.1}]})";
    const json l = shotOf({file, "--time-scale", "0.1"}, dir);
    std::string listing;
    for (const json& line : l["listing"]) listing += line.get<std::string>() + "\n";
    INFO(listing << allLines(l));
    CHECK(listing.find("work = ([\"x\", 0.2], [\"y\", 0.1])") != std::string::npos);
    CHECK(listing.find("p = Pool(3)") != std::string::npos);
    CHECK_FALSE(anyLine(panel(l, "Code"), "No listing"));
}

TEST_CASE("a finished queue shows no leftover box, and the pool's stop signals are counted apart", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    SECTION("queue demo: (empty), not the last value") {
        const json l = shotOf({"queue"}, dir);
        const json& q = panel(l, "Queue");
        INFO(allLines(l));
        CHECK(anyLine(q, "(empty)"));
        for (const json& line : q["lines"]) CHECK(line != "black");
    }
    SECTION("pool: put 6 is 4 tasks and 2 stop signals, and no None box is left") {
        const json l = shotOf({"pool", "--time-scale", "0.05"}, dir);
        const json& q = panel(l, "Queue");
        INFO(allLines(l));
        CHECK(anyLine(q, "put 6 (4 tasks + 2 stop signals)"));
        for (const json& line : q["lines"]) CHECK((line != "None" && line != "sentinel"));
        // The result queue's fifth item is the result handler's stop signal, said so.
        CHECK(anyLine(q, "put 5 (4 results + 1 stop signal)"));
    }
}

// Classroom walk (session 31): mid-run, the item just taken, fading at the
// front, was a box like the others: "in queue 1" over two boxes, "(empty)"
// beside a "B". It says it has left.
TEST_CASE("while a run plays, the item just taken says so beside the queue's items", "[gui][room][queue]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.5"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    std::set<std::string> seen;   // the Queue panel's lines that show an item leaving
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
        const json st = w.state();
        for (const json& p : st["panels"])
            if (p["name"] == "Queue")
                for (const json& line : p["lines"])
                    if (line.get<std::string>().rfind("\u2190", 0) == 0) seen.insert(line.get<std::string>());
        if (st["status"] == "finished" && st["trace_finished"].get<bool>()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    std::string all;
    for (const std::string& l : seen) all += l + " | ";
    INFO(all);
    // A task's value leaving by the front ("← ['C', 1]").
    CHECK(std::any_of(seen.begin(), seen.end(), [](const std::string& l) { return l.find("\u2190 [") == 0; }));
}

// Classroom walk (session 31): at 0.20x the tutorial's makespan of 6 s was
// nowhere on screen ("makespan 1.20 s"): the teacher said "that's 6 s really".
TEST_CASE("at another time scale the run-end caption gives the makespan in the scenario's seconds too", "[gui][room][axis]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--time-scale", "0.2", "--presentation", "--size", "1280x720"}, dir);
    std::string controls;
    for (const json& line : panel(l, "Controls")["lines"]) controls += line.get<std::string>() + "\n";
    INFO(controls);
    const std::regex scaled(R"(makespan 1\.[0-9]+ s \(about ([0-9.]+) s at 1\.00x\))");
    std::smatch m;
    REQUIRE(std::regex_search(controls, m, scaled));
    CHECK(std::stod(m[1].str()) == Approx(6.0).margin(0.3));
}

TEST_CASE("scenarios without tasks say so, and counts agree in number", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    SECTION("cpu-count: no '0 of 0 tasks', no 'no task has started yet'") {
        const json l = shotOf({"cpu-count"}, dir);
        INFO(allLines(l));
        CHECK_FALSE(anyLine(panel(l, "Controls"), "0 of 0 tasks"));
        CHECK_FALSE(anyLine(panel(l, "Stats"), "no task has started yet"));
        CHECK(anyLine(panel(l, "Stats"), "this scenario runs no tasks"));
    }
    SECTION("one worker is '1 worker', and the header gives one run length") {
        const json l = shotOf({"pool", "--workers", "1", "--time-scale", "0.05"}, dir);
        INFO(allLines(l));
        CHECK(anyLine(panel(l, "Stats"), "1 worker on"));
        CHECK_FALSE(anyLine(panel(l, "Stats"), "1 workers"));
        // The status says "finished"; the only length is the caption's makespan.
        const std::regex twoLengths(R"(finished\s+[0-9])");
        for (const json& line : panel(l, "Controls")["lines"]) CHECK_FALSE(std::regex_search(line.get<std::string>(), twoLengths));
    }
}

TEST_CASE("a reopened run says it is recorded and at which time scale", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const std::string run = dir.file("pool.pvz");
    REQUIRE(runParviz({"run", "pool", "--time-scale", "0.2", "--save-run", run}, dir.path).exitCode == 0);
    const json l = shotOf({"--open", run}, dir);
    INFO(allLines(l));
    // As the toolbar writes a time scale (formatTimeScale); "recorded, 0.20x" where the column is narrow.
    CHECK((anyLine(panel(l, "Timeline"), "recorded run, 0.20x") || anyLine(panel(l, "Timeline"), "recorded, 0.20x")));
    CHECK_FALSE(anyLine(panel(l, "Timeline"), "time (live)"));
}

TEST_CASE("a run that has ended is not called live on the time axis", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--time-scale", "0.05"}, dir);
    INFO(allLines(l));
    REQUIRE(l["status"] == "finished");
    CHECK_FALSE(anyLine(panel(l, "Timeline"), "time (live)"));
    CHECK(anyLine(panel(l, "Timeline"), "time in s, 0.05x"));
}

TEST_CASE("a followed run shows all of itself when it ends, however long or short", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    SECTION("pool at 0.5: 3 s, longer than the first view") {
        const json l = shotOf({"pool", "--time-scale", "0.5"}, dir);
        CHECK(l["view"]["begin_s"].get<double>() <= 0.0);
        CHECK(l["view"]["end_s"].get<double>() >= l["now_s"].get<double>());
    }
    SECTION("queue: over in well under a millisecond, and the view is that short") {
        const json l = shotOf({"queue"}, dir);
        const double now = l["now_s"].get<double>();
        INFO("run length " << now << " s, view to " << l["view"]["end_s"].get<double>() << " s");
        CHECK(l["view"]["end_s"].get<double>() >= now);
        CHECK(l["view"]["end_s"].get<double>() <= std::max(2 * now, 0.0001));
    }
}

TEST_CASE("a lock waiter killed mid-wait is not listed as waiting, and no pool is said to carry on", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"lock", "--kill-worker", "Process-2@0.15", "--time-scale", "1"}, dir);
    INFO(allLines(l));
    CHECK(l["stats"]["killed"] == json::array({"Process-2"}));
    CHECK_FALSE(anyLine(panel(l, "Controls"), "pool carried on"));
    CHECK(anyLine(panel(l, "Controls"), "Process-2 was killed"));
    CHECK_FALSE(anyLine(panel(l, "Lock"), "waiting:"));
}

TEST_CASE("a killed worker's lane says so in words that fit the span in view, never cut at the plot's edge",
          "[gui][room]") {
    NEED_DISPLAY();
    // Early: ForkPoolWorker-1 killed 2.5 s in (in C), a wide span to the run's
    // end. Late: ForkPoolWorker-2 killed 5.5 s in, idle after A; a span near
    // the plot's right edge, narrower than "killed (SIGKILL)" ("killed (SI" was cut).
    for (const char* at : {"ForkPoolWorker-1@2.5", "ForkPoolWorker-2@5.5"}) {
        TempDir dir;
        const json l = shotOf({"pool", "--time-scale", "0.1", "--kill-worker", at, "--presentation"}, dir);
        const json& t = panel(l, "Timeline");
        INFO(at << "\n" << allLines(l) << "cut: " << t["clipped_texts"].dump());
        if (std::string(at).find("@2.5") != std::string::npos) CHECK(anyLine(t, "killed (SIGKILL)"));
        CHECK_FALSE(t["clipped"].get<bool>());
    }
}

TEST_CASE("past seven workers the legend's numbered example is one of the run's own tasks", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool-sizes", "--workers", "9", "--time-scale", "0.05", "--presentation"}, dir);
    INFO(allLines(l));
    // pool-sizes' tasks are T1..T16: the example names one of them (or the
    // chunk the lanes label it with, chunksize 1: "chunk 2: T3 (1)") and its
    // worker, as a word a lane shows (classroom walk, finding 2), quoted, then
    // in one plain phrase with the worker named as its lane is: "\"chunk 2: T3
    // (1)\": chunk 2 (task T3) on ForkPoolWorker-1" (newcomer walk, item 7:
    // it read "chunk 2: T3 (1): chunk 2 on worker 1").
    const std::regex example(
        R"re(^"((T[0-9]+)|chunk ([0-9]+): (T[0-9]+)) \(([0-9]+)\)": ((task \2|chunk \3 \(task \4\)) )?on ForkPoolWorker-\5$)re");
    bool found = false;
    for (const json& line : panel(l, "Timeline")["lines"]) {
        std::smatch m;
        const std::string text = line.get<std::string>();
        if (!std::regex_match(text, m, example)) continue;
        found = true;
        const std::string word = m[1].str() + " (" + m[5].str() + ")";   // as a lane draws it, a line of its own
        bool onLane = false;
        for (const json& other : panel(l, "Timeline")["lines"]) onLane = onLane || other.get<std::string>() == word;
        INFO("legend: " << text << "; word: " << word);
        CHECK(onLane);
    }
    CHECK(found);
    CHECK_FALSE(anyLine(panel(l, "Timeline"), "task A on worker"));
}

TEST_CASE("a pool whose map puts chunks of several tasks says chunks, not tasks, in the queue's count", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool-uneven", "--time-scale", "0.1"}, dir);
    INFO(allLines(l));
    CHECK(anyLine(panel(l, "Queue"), "chunks of tasks + 2 stop signals)"));
    // A worker sends a chunk's results as one message, as CPython's: 7 chunks, 7 results (not 28).
    CHECK(anyLine(panel(l, "Queue"), "put 8 (7 chunk results + 1 stop signal)"));
}

namespace {

// Runs of screen rows with bright (text) pixels inside [x0, x1) x [y0, y1):
// their heights in pixels, top to bottom. A whole line of text makes a run
// about as tall as the type's x-height or more; half a line cut by an edge
// makes a thin one (an underscore's tail, the tops of letters).
std::vector<int> textRowRuns(const Image& img, int x0, int x1, int y0, int y1) {
    std::vector<int> runs;
    int run = 0, gap = 0;
    for (int y = std::max(0, y0); y < std::min(img.h, y1); ++y) {
        bool bright = false;
        for (int x = std::max(0, x0); x < std::min(img.w, x1) && !bright; ++x) {
            const auto c = img.at(x, y);
            bright = (c[0] * 3 + c[1] * 6 + c[2]) / 10 > 110;
        }
        if (bright) {
            run += 1 + gap;   // an underscore a few rows under its letters is the same line
            gap = 0;
        } else if (run > 0 && ++gap > 3) {
            runs.push_back(run);
            run = gap = 0;
        }
    }
    if (run > 0) runs.push_back(run);
    return runs;
}

} // namespace

TEST_CASE("presentation at 1280x720: panels that scroll show no half line at their edges", "[gui][room]") {
    NEED_DISPLAY();
    const std::string scenario = GENERATE(as<std::string>{}, "pool", "pool-uneven");
    INFO(scenario);
    TempDir dir;
    const json l = shotOf({scenario, "--time-scale", "0.1", "--presentation"}, dir);
    const Image img = loadPng(dir.file("shot.png"));
    const double font = l["font_px"].get<double>();
    for (const std::string name : {"Code", "Queue", "Stats"}) {
        const json& p = panel(l, name);
        const double x = p["rect"][0], y = p["rect"][1], w = p["rect"][2], h = p["rect"][3];
        // Right of the title's word, left of the scrollbar and the "more" marks.
        const auto runs = textRowRuns(img, static_cast<int>(x + 4 * font), static_cast<int>(x + w - 2.5 * font),
                                      static_cast<int>(y + 2), static_cast<int>(y + h));
        std::string heights;
        for (int r : runs) heights += std::to_string(r) + " ";
        INFO(name << ": rows of text " << heights);
        for (int r : runs) CHECK(r >= 0.35 * font);
        CHECK_FALSE(p["clipped"].get<bool>());
    }
}

TEST_CASE("a run shorter than a frame says so on the time axis, a longer one does not", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    // The queue demo puts and takes four colours: a few ms, under one 60 Hz
    // frame — unless a loaded machine stretches it past 16.7 ms, when the
    // axis must not say so: up to three tries for a short one.
    bool sawShort = false;
    for (int attempt = 0; attempt < 3 && !sawShort; ++attempt) {
        const json q = shotOf({"queue"}, dir, "queue" + std::to_string(attempt));
        INFO(allLines(q));
        REQUIRE(q["status"] == "finished");
        const double len = q["now_s"].get<double>();
        INFO("the run took " << len << " s");
        const bool said = anyLine(panel(q, "Timeline"), "shorter than a frame (1/60 s)");
        if (len < 0.016) {
            sawShort = true;
            CHECK(said);
            checkNothingClipped(q);
        } else if (len > 0.0175) {
            CHECK_FALSE(said);
        }
    }
    CHECK(sawShort);
    const json p = shotOf({"pool", "--time-scale", "0.05"}, dir, "pool");
    CHECK_FALSE(anyLine(panel(p, "Timeline"), "shorter than a frame"));
}

TEST_CASE("the legend names the queue arrows' heads (the triangles on MainProcess and the workers)", "[gui][room]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool", "--time-scale", "0.05", "--presentation"}, dir);
    INFO(allLines(l));
    CHECK(anyLine(panel(l, "Timeline"), "item taken from a queue"));
    checkNothingClipped(l);
}

namespace {

// The texts a reader must scroll to see in a panel (below its fold or
// scrolled away), for the failure message.
std::string hiddenOf(const json& p) { return p.contains("hidden_texts") ? p["hidden_texts"].dump() : "[]"; }

bool anyHidden(const json& p, const std::string& needle) {
    for (const json& l : p.value("hidden_texts", json::array()))
        if (l.get<std::string>().find(needle) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("presentation at 1280x720: the numbers, the queue's counts, the Why sentences and every lane label need no scrolling", "[gui][room]") {
    NEED_DISPLAY();
    const auto [scenario, workers, tab] = GENERATE(table<std::string, std::string, std::string>(
        {{"pool", "2", ""}, {"pool", "8", ""}, {"pool-sizes", "8", ""}, {"pool-cpu", "4", ""}, {"pool", "2", "Why"},
         {"pool-uneven", "2", "Why"}}));
    INFO(scenario << " with " << workers << " workers, tab '" << tab << "'");
    TempDir dir;
    std::vector<std::string> args = {scenario, "--workers", workers, "--time-scale", "0.05", "--presentation"};
    if (!tab.empty()) args.insert(args.end(), {"--test-tab", tab});
    const json l = shotOf(args, dir);
    INFO(allLines(l));
    const json& stats = panel(l, "Stats");
    INFO("Stats hidden: " << hiddenOf(stats));
    if (tab == "Why") {
        // Every sentence of the Why tab is in view: nothing below its fold.
        CHECK(anyLine(stats, "Next \u203a"));
        CHECK(anyLine(stats, "MainProcess"));
        REQUIRE(stats.contains("hidden_texts"));
        CHECK(stats["hidden_texts"].empty());
    } else {
        // (The tasks count by its value, "4/4 done": the worker table's header says "tasks" too.)
        for (const char* key : {"makespan", "speedup", "efficiency", " done"}) {
            INFO(key);
            CHECK(anyLine(stats, key));
            CHECK_FALSE(anyHidden(stats, key));
        }
    }
    // The queue's counts (the Why tab takes the whole width while it is shown).
    if (tab != "Why") {
        const json& queue = panel(l, "Queue");
        INFO("Queue hidden: " << hiddenOf(queue));
        // "put 6 (4 tasks + 2 stop signals)": the task queue's count (its
        // end, "signals)": the lines are as drawn, and it may wrap).
        CHECK(anyLine(queue, "signals)"));
        CHECK_FALSE(anyHidden(queue, "signals)"));
    }
    // Every worker: its lane whole with its label in view, or wholly behind
    // the lanes' scrollbar (never half a lane, never a cut label), or folded
    // into the "N idle workers" band, in view or named by the cue in view
    // ("↓ 4 idle workers below": the panels below keep their four lines);
    // at least four lanes in view.
    const json& timeline = panel(l, "Timeline");
    INFO("Timeline hidden: " << hiddenOf(timeline));
    int shown = 0, behind = 0, folded = 0;
    for (const json& lane : l["lanes"]) {
        INFO(lane.dump());
        const std::string title = lane["title"].get<std::string>();
        if (title.find(" idle workers") != std::string::npos) {
            CHECK((lane["visible"].get<bool>() || anyLine(timeline, "\u2193 " + title + " below")));
            folded += std::stoi(title);
        }
        if (!lane["worker"].get<bool>()) continue;
        if (lane["visible"].get<bool>()) {
            ++shown;
            CHECK(anyLine(timeline, title));
        } else {
            ++behind;
            CHECK(anyHidden(timeline, title));
        }
    }
    CHECK(shown >= std::min(4, std::stoi(workers)));
    CHECK(shown + behind + folded == std::stoi(workers));
    checkNothingClipped(l);
}

TEST_CASE("64 and 32 workers: the lanes with nothing on them fold into one band, a summary band counts who works", "[gui][room]") {
    NEED_DISPLAY();
    const auto [workers, presentation] = GENERATE(table<int, bool>({{64, false}, {64, true}, {32, false}}));
    INFO(workers << " workers" << (presentation ? ", presentation" : ""));
    TempDir dir;
    std::vector<std::string> args = {"pool", "--workers", std::to_string(workers), "--time-scale", "0.05"};
    if (presentation) args.push_back("--presentation");
    const json l = shotOf(args, dir);
    INFO(allLines(l));
    const json& timeline = panel(l, "Timeline");
    // The pool's four tasks go to at most four workers: the others show
    // nothing and fold into one band, so every lane left is in view.
    // The band in view, or (presentation: the panels below keep their four
    // lines) named by the lanes' cue in view.
    int band = 0, workerLanes = 0;
    std::string bandBehind;
    for (const json& lane : l["lanes"]) {
        INFO(lane.dump());
        const std::string title = lane["title"].get<std::string>();
        const bool isBand = title.find(" idle workers") != std::string::npos;
        if (isBand && !lane["visible"].get<bool>()) {
            CHECK(anyLine(timeline, "\u2193 " + title + " below"));
            bandBehind = title;
        } else {
            CHECK(lane["visible"].get<bool>());
        }
        if (isBand) {
            ++band;
            CHECK(std::stoi(title) >= workers - 4);
        }
        workerLanes += lane["worker"].get<bool>() ? 1 : 0;
    }
    CHECK(band == 1);
    CHECK(workerLanes >= 4);
    CHECK(workerLanes + 0 < workers);
    // From 32 workers a band says how many are in a task or waiting (its label: the worker count).
    CHECK(anyLine(timeline, std::to_string(workers) + " workers"));
    REQUIRE(timeline.contains("hidden_texts"));
    json hidden = json::array();   // what is behind the scrollbar besides the band the cue names
    for (const json& t : timeline["hidden_texts"])
        if (t.get<std::string>() != bandBehind) hidden.push_back(t);
    INFO("hidden: " << timeline["hidden_texts"].dump());
    CHECK(hidden.empty());
    checkNothingClipped(l);
}

TEST_CASE("the work combo is greyed out, saying why, for scenarios whose processes do no work", "[gui][room]") {
    NEED_DISPLAY();
    const auto [scenario, hasWork] = GENERATE(table<std::string, bool>(
        {{"process", false}, {"queue", false}, {"cpu-count", false}, {"pool", true}, {"lock", true}}));
    INFO(scenario);
    TempDir dir;
    const json l = shotOf({scenario, "--time-scale", "0.05"}, dir);
    bool found = false;
    for (const json& p : l["panels"])
        for (const json& it : p.value("items", json::array()))
            if (it["text"] == "work") {
                found = true;
                CHECK(it["disabled"].get<bool>() == !hasWork);
            }
    CHECK(found);
    checkNothingClipped(l);
}

TEST_CASE("the workers field is greyed out, saying \"no workers\", where the scenario sets no worker count", "[gui][room]") {
    // Newcomer walk: cpu-count's workers field was editable and read "0" beside the work box's "no work".
    NEED_DISPLAY();
    const auto [scenario, says] = GENERATE(table<std::string, std::string>(
        {{"cpu-count", "no workers"}, {"queue", "no workers"}, {"process", ""}, {"pool", ""}, {"lock", ""}}));
    INFO(scenario);
    const bool settable = scenario == "pool" || scenario == "lock";
    TempDir dir;
    const json l = shotOf({scenario, "--time-scale", "0.05"}, dir);
    bool found = false, saysNoWorkers = false;
    for (const json& p : l["panels"])
        for (const json& it : p.value("items", json::array())) {
            if (it["text"] == "workers") {
                found = true;
                CHECK(it["disabled"].get<bool>() == !settable);
            }
            if (it["text"] == "no workers") saysNoWorkers = true;
        }
    CHECK(found);
    CHECK(saysNoWorkers == (says == "no workers"));
    checkNothingClipped(l);
}

TEST_CASE("presentation at 1280x720: no text is under the type size or drawn over another, chunk labels included",
          "[gui][room][chunks]") {
    NEED_DISPLAY();
    const auto [scenario, workers, tab] = GENERATE(table<std::string, std::string, std::string>(
        {{"pool", "4", ""}, {"pool-uneven", "2", ""}, {"pool-cpu", "4", ""}, {"lock", "4", ""}, {"pool", "2", "Why"},
         {"pool", "4", "Predict"}}));
    INFO(scenario << " with " << workers << " workers, tab '" << tab << "'");
    TempDir dir;
    std::vector<std::string> args = {scenario, "--workers", workers, "--time-scale", "0.1", "--presentation"};
    if (!tab.empty()) args.insert(args.end(), {"--test-tab", tab});
    const json l = shotOf(args, dir);
    INFO(allLines(l));
    const double font = l["font_px"].get<double>();
    CHECK(font >= 24);
    for (const json& p : l["panels"]) {
        INFO(p["name"].get<std::string>());
        // Measured from what was drawn: each text's box against the frame's type.
        REQUIRE(p.contains("small_texts"));
        REQUIRE(p.contains("overlapping_texts"));
        INFO("small: " << p["small_texts"].dump() << "\noverlapping: " << p["overlapping_texts"].dump());
        CHECK(p["small_texts"].empty());
        CHECK(p["overlapping_texts"].empty());
    }
    // The chunks' words are on screen at that size where their brackets have room (pool: every task is long).
    // Each chunk is one task (chunksize 1): its task's name, "A", not "chunk 0: A", a word
    // step 1 of the lesson has not taught yet (newcomer walk, session 30).
    if (scenario == "pool" && tab.empty()) {
        REQUIRE(l["chunks"].size() == 4);
        for (const json& c : l["chunks"]) {
            INFO(c.dump());
            CHECK(c["label_shown"].get<bool>());
            const std::string label = c["label"].get<std::string>();
            bool named = false;   // a line of its own: "A" is in many a line
            for (const json& line : panel(l, "Timeline")["lines"]) named = named || line == label.substr(label.find(": ") + 2);
            CHECK(named);
            CHECK_FALSE(anyLine(panel(l, "Timeline"), label));
        }
    }
    checkNothingClipped(l);
}

TEST_CASE("presentation at 1280x720, an oversubscribed run: This run says why it is slower, the callout's words in view, "
          "nothing cut",
          "[gui][room][explain]") {
    // Classroom walk: on This run only the legend's word "oversubscription"
    // was on screen; the sentence that says why the run is slower (8
    // workers on 2 cores, runnable with no free core) was only in Why.
    NEED_DISPLAY();
    TempDir dir;
    const json l = shotOf({"pool-sizes", "--workers", "8", "--work", "cpu", "--time-scale", "0.2", "--presentation"}, dir);
    INFO(allLines(l));
    bool over = false;
    for (const json& c : l["callouts"]) over = over || c["kind"] == "oversubscription";
    REQUIRE(over);   // the run raised it (marked on the timeline)
    CHECK(l["stats_tab"] == "This run");
    const json& stats = panel(l, "Stats");
    INFO("Stats hidden: " << hiddenOf(stats));
    // Its headline, or where that does not fit one line its brief: both say
    // why (more workers than cores, so they wait for one) with the numbers.
    bool why = false;
    for (const json& line : stats["lines"]) {
        const std::string t = line.get<std::string>();
        // On a busy machine the brief names the other programs too: "8 workers + other programs on 2 cores".
        why = why || (t.find("8 workers") != std::string::npos && t.find("2 cores") != std::string::npos &&
                      (t.find("no free core") != std::string::npos || t.find("wait for a core") != std::string::npos ||
                       t.find("other programs") != std::string::npos));
    }
    CHECK(why);
    CHECK_FALSE(anyHidden(stats, "oversubscription"));
    CHECK_FALSE(anyHidden(stats, "wait for a core"));
    // The numbers a lesson reads stay in view beside it.
    for (const char* key : {"makespan", "speedup", "efficiency", " done"}) {
        INFO(key);
        CHECK(anyLine(stats, key));
        CHECK_FALSE(anyHidden(stats, key));
    }
    CHECK(l["visible_worker_lanes"].get<int>() >= 4);
    checkNothingClipped(l);
}

TEST_CASE("the Stats worker table keeps its header row in view when its 16 rows scroll", "[gui][room][keys]") {
    // Classroom walk: the table's header scrolled away with its rows.
    NEED_X();
    LiveWindow w({"pool-sizes", "--workers", "16", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(60));
    w.settle();
    auto stats = [&] { return panel(w.state(), "Stats"); };
    const auto r = panelRect(w.state(), "Stats");
    // The wheel over the table's lower part, until the last worker's row is in view.
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(r[0] + r[2] * 0.3)) + " " +
               std::to_string(static_cast<int>(r[1] + r[3] - 20)));
    w.settle(2);
    for (int i = 0; i < 20 && !anyLine(stats(), "ForkPoolWorker-16"); ++i) {
        runCommand("xdotool click 5");
        w.settle(2);
    }
    const json s = stats();
    INFO("Stats lines: " << s["lines"].dump() << "\nhidden: " << hiddenOf(s));
    REQUIRE(anyLine(s, "ForkPoolWorker-16"));
    bool header = false, firstHidden = false;
    for (const json& line : s["lines"]) header = header || line == "worker";
    for (const json& line : s.value("hidden_texts", json::array())) firstHidden = firstHidden || line == "ForkPoolWorker-1";
    CHECK(firstHidden);                         // the table did scroll: its first row is out of view
    CHECK(header);                              // and its header row is still there
    CHECK_FALSE(s["clipped"].get<bool>());
}

// Issue 11, classroom walk (session 13, left): before Run, presentation's
// Code panel showed the end of the listing, a half line at its top: the
// stage kept the scroll of the run shown before it, whose marked line
// (p.map, at the listing's end) the panel had scrolled to. A learner reads
// the program from its first line before predicting: a new view (another
// scenario's stage, another run) starts the listing at its top.
TEST_CASE("presentation at 1280x720: another scenario's stage after a run shows its listing from the first line",
          "[gui][room][codefit]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--workers", "8", "--time-scale", "0.05", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(60));
    w.settle();
    // The run's Code is scrolled to its marked line, near the listing's end.
    {
        const json code = panel(w.state(), "Code");
        INFO("Code after the run: " << code["lines"].dump());
        CHECK_FALSE(anyLine(code, "from multiprocessing"));
    }
    // The scenario picker (the toolbar's first control): pool, whose stage has not run.
    REQUIRE(pickScenario(w, "pool"));
    w.settle(6);
    const json s = w.state();
    INFO("current run " << s["current_run"] << ", status " << s["status"]);
    REQUIRE(s["status"] != "finished");   // the stage: pool has not run
    const json code = panel(s, "Code");
    INFO("Code lines: " << code["lines"].dump() << "\nhidden: " << hiddenOf(code));
    REQUIRE_FALSE(code["lines"].empty());
    CHECK(code["lines"][0].get<std::string>().rfind("from multiprocessing", 0) == 0);   // its first line, first
    CHECK_FALSE(anyHidden(code, "from multiprocessing"));
    CHECK_FALSE(code["clipped"].get<bool>());
}

// Issue 11, classroom walk (session 13, left): the window opened with the
// pointer resting over the empty timeline (where it was, the screen's
// middle) and at once showed the timeline's help tooltip over the "Press
// Run (Space)" hint. A tooltip answers a hand that moved onto a thing.
TEST_CASE("presentation at 1280x720: no tooltip at startup under a pointer that has not moved; one once a hand moves",
          "[gui][room][keys][tooltips]") {
    NEED_X();
    runCommand("xdotool mousemove 640 360");   // over the empty timeline of a window at the screen's corner
    LiveWindow w({"pool", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.settle(8);
    json s = w.state();
    INFO("tooltips: " << s["tooltips"].dump() << " windows " << s["tooltip_windows"].dump());
    CHECK(s["tooltip_windows"].empty());
    // A hand moves onto the timeline: its help comes.
    const auto tl = panelRect(s, "Timeline");
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(tl[0] + tl[2] * 0.5)) + " " +
               std::to_string(static_cast<int>(tl[1] + tl[3] * 0.4)));
    const bool tip = w.waitFor([](const json& st) { return !st["tooltip_windows"].empty(); }, 5);
    INFO("after the move: " << w.state()["tooltips"].dump());
    CHECK(tip);
}

// Newcomer walk (session 18): the "+" of workers showed its tooltip the
// moment the hand passed over it, over the toolbar's second row. A control's
// tip waits until the pointer has rested on it 0.4 s, as desktop toolkits'.
TEST_CASE("a control's tooltip comes once the pointer has rested on it, not as the hand passes",
          "[gui][room][keys][tooltips][tipdelay]") {
    NEED_X();
    LiveWindow w({"pool", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    runCommand("xdotool mousemove --window " + w.window + " 640 715");   // on no control
    w.settle(4);
    // While a run goes on (30 frames a second; an idle window draws every
    // 0.25 s, which hid any tip that long before).
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running"; }, 5));
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    // The workers field with its - and + (one control, one tip): its "+", a frame's height from its word's left.
    const auto r = itemRect(w.state(), "workers");
    const float wordW = r[2] - r[3] * 5;   // aim inside the group, left of its word: on the field
    const auto t0 = std::chrono::steady_clock::now();
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(r[0] + std::max(10.0f, wordW / 4))) +
               " " + std::to_string(static_cast<int>(r[1] + r[3] / 2)));
    // Read every frame for the first 0.3 s: no tip yet.
    int reads = 0, withTip = 0;
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(300)) {
        const json st = w.state();
        ++reads;
        withTip += !st.value("tooltip_windows", json::array()).empty();
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
    INFO(withTip << " of " << reads << " reads in the first 0.3 s showed a tooltip");
    CHECK(withTip == 0);
    // Resting: it comes.
    CHECK(w.waitFor([](const json& st) { return !st.value("tooltip_windows", json::array()).empty(); }, 3));
}

// Classroom walk (session 14): stepping with the arrow keys after a click on
// the timeline kept the lane's tooltip up under the resting pointer: it
// covered the lanes and the step buttons and said "pointer at 1.41 s" while
// the cursor was at 2.02 s. A key puts the lane's tooltip away until the
// pointer moves again.
TEST_CASE("presentation at 1280x720: stepping with the keys puts the lane's tooltip away until the pointer moves",
          "[gui][room][keys][tooltips]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.05", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runToEnd(60));
    w.settle();
    const auto tl = panelRect(w.state(), "Timeline");
    const int x = static_cast<int>(tl[0] + tl[2] * 0.45), y = static_cast<int>(tl[1] + tl[3] * 0.6);
    auto laneTip = [](const json& st) { return st.value("tooltips", json::array()).dump().find("pointer at") != std::string::npos; };
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(x) + " " + std::to_string(y));
    REQUIRE(w.waitFor(laneTip, 15));
    w.click(static_cast<float>(x), static_cast<float>(y));   // the cursor there, as the teacher did
    w.tap("Right");
    w.tap("Right");
    w.settle(4);
    INFO("after stepping: " << w.state()["tooltips"].dump());
    CHECK_FALSE(laneTip(w.state()));
    // The hand moves: the tooltip answers again.
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(x + 6) + " " + std::to_string(y));
    INFO("after the move: " << w.state()["tooltips"].dump());
    CHECK(w.waitFor(laneTip, 15));
}

namespace {

// The classroom walk's student program (session 14): a producer and two
// consumers on a Queue, then a Pool(2) whose tasks take one Lock: five
// processes under MainProcess, appearing one by one, a queue and a lock
// appearing after the first lanes.
const char* kStudentPool = R"(import multiprocessing as mp
import time

def producer(q, n):
    for i in range(n):
        q.put(("item", i))
        print("produced", i, flush=True)
        time.sleep(0.1)
    q.put(None)
    q.put(None)

def consumer(q, name):
    got = []
    while True:
        x = q.get()
        if x is None:
            break
        got.append(x[1])
        time.sleep(0.15)
    print(name, "consumed", got, flush=True)

lock = None
def init(l):
    global lock
    lock = l

def work(x):
    with lock:
        print("worker", mp.current_process().name, "holds lock for", x, flush=True)
        time.sleep(0.2)
    return x * x

if __name__ == "__main__":
    time.sleep(0.5)
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q, 6), name="Producer")
    c1 = mp.Process(target=consumer, args=(q, "C1"), name="Consumer-1")
    c2 = mp.Process(target=consumer, args=(q, "C2"), name="Consumer-2")
    for pr in (p, c1, c2):
        pr.start()
        time.sleep(0.2)
    for pr in (p, c1, c2): pr.join()
    l = mp.Lock()
    with mp.Pool(2, initializer=init, initargs=(l,)) as pool:
        print("results", pool.map(work, [1, 2, 3, 4]), flush=True)
)";

// The panels' rects on screen, as one comparable string.
std::string panelRects(const json& s) {
    std::string out;
    for (const json& p : s["panels"]) {
        const std::string name = p["name"];
        if (name == "Controls") continue;   // the toolbar: its own tests
        out += name + " " + p["rect"].dump() + "; ";
    }
    return out;
}

} // namespace

// Issue 11, classroom walk (session 14): a traced program has no stage (no
// lane count known up front), and the timeline grew with its lanes as its
// processes appeared: the panels under it jumped from y 482 to 558 while the
// student watched. Its split is decided on its first frame: MainProcess and
// four more lanes, the rest scroll with the lanes cue; no panel moves.
TEST_CASE("presentation at 1280x720, a traced program of five processes: no panel moves while it runs, the lanes "
          "of processes that ended before the Pool fold into a band that says so, the pool's lanes in view",
          "[gui][room][trace][python][stage]") {
    NEED_X();
    TempDir src;
    LiveWindow w({"--presentation", "--size", "1280x720"}, {"--trace-python", writeScript(src, "my_pool.py", kStudentPool)});
    REQUIRE_FALSE(w.window.empty());
    // The panels at every moment the dump shows, from the run's first frame to its end.
    std::string first;
    std::set<std::string> seen;
    std::size_t fewestLanes = SIZE_MAX, mostLanes = 0;
    float runningTimelineH = 0;
    bool ended = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        if (!s["runs"].empty()) {
            ended = s["runs"][0]["status"] != "running" && s["trace_finished"].get<bool>();
            if (ended) break;   // from here on the split may fit what the run shows (below)
            const std::string rects = panelRects(s);
            if (first.empty()) {
                first = rects;
                runningTimelineH = panelRect(s, "Timeline")[3];
            }
            seen.insert(rects);
            fewestLanes = std::min(fewestLanes, s["lanes"].size());
            mostLanes = std::max(mostLanes, s["lanes"].size());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    REQUIRE(ended);
    INFO("lanes from " << fewestLanes << " to " << mostLanes);
    CHECK(fewestLanes < mostLanes);   // it was watched as its processes appeared
    std::string all;
    for (const std::string& r : seen) all += r + "\n";
    INFO("panel layouts seen:\n" << all);
    CHECK(seen.size() == 1);
    // Once it has ended, the split moves at most once, to what the run
    // shows: the timeline never taller than its reserve (session 29: the
    // reserve for what it might have shown left the panels two lines), then stays.
    w.settle(6);
    const json endedState = w.state();
    const std::string after = panelRects(endedState);
    CHECK(panelRect(endedState, "Timeline")[3] <= runningTimelineH);
    w.settle(6);
    CHECK(panelRects(w.state()) == after);
    // At its end (session 16): the Producer and the two Consumers ended
    // before the Pool started; their lanes fold into one band "3 finished"
    // where they were, so both pool workers (the lock's holder among them)
    // are in view, not under the "more lanes below" cue; the band says on
    // hover who is in it and how to see them again.
    w.settle(3);
    const json s = w.state();
    INFO(allLines(s));
    const json* band = nullptr;
    int poolLanes = 0;
    for (const json& l : s["lanes"]) {
        INFO("lane " << l.dump());
        if (l["title"] == "3 finished") band = &l;
        if (l["title"].get<std::string>().rfind("ForkPoolWorker-", 0) == 0) {
            ++poolLanes;
            CHECK(l["visible"].get<bool>());
        }
    }
    CHECK(poolLanes == 2);
    REQUIRE(band != nullptr);
    CHECK((*band)["visible"].get<bool>());
    CHECK_FALSE(anyLine(panel(s, "Timeline"), "more lane"));
    checkNothingClipped(s);
    // Hover the band (over its lane, right of the names): the tooltip names the folded processes.
    const auto tl = panelRect(s, "Timeline");
    const float y = ((*band)["y0"].get<float>() + (*band)["y1"].get<float>()) / 2;
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(tl[0] + tl[2] * 0.6f)) + " " +
               std::to_string(static_cast<int>(y)));
    const bool tip = w.waitFor(
        [](const json& st) {
            for (const json& t : st["tooltips"])
                for (const json& l : t["lines"])
                    if (l.get<std::string>().find("Producer ended at") != std::string::npos) return true;
            return false;
        },
        10);
    CHECK(tip);
}

// A traced program run to its end in the window at 1280x720 presentation: its layout.
// Issue 11 (session 17): with a Pool of four after the producer and the
// consumers, the band took one of the five lanes the split planned, and the
// lanes kept their thick rows: 3 of the 4 pool workers were in view and the
// fourth under "1 more lane below". The split plans the band too
// (noStageTimelineH) and the lanes count it as one more (layoutLanes).
TEST_CASE("presentation at 1280x720, a traced Pool of four after processes that ended: all four pool workers in view "
          "beside the finished band",
          "[gui][room][trace][python][stage][band4]") {
    NEED_X();
    TempDir dir;
    std::string program = kStudentPool;
    const auto at = program.find("mp.Pool(2,");
    REQUIRE(at != std::string::npos);
    program.replace(at, 10, "mp.Pool(4,");
    const std::string script = dir.file("my_pool4.py");
    {
        std::ofstream(script) << program;
    }
    const json s = tracedShot(dir, script);
    INFO(allLines(s));
    int poolLanes = 0, poolInView = 0;
    bool band = false;
    for (const json& l : s["lanes"]) {
        INFO("lane " << l.dump());
        if (l["title"] == "3 finished") band = l["visible"].get<bool>();
        if (l["title"].get<std::string>().rfind("ForkPoolWorker-", 0) == 0) {
            ++poolLanes;
            if (l["visible"].get<bool>()) ++poolInView;
        }
    }
    CHECK(band);
    CHECK(poolLanes == 4);
    CHECK(poolInView == 4);
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
    CHECK_FALSE(anyLine(panel(s, "Timeline"), "more lane"));
    checkNothingClipped(s);
}

// Newcomer walk (session 28): a plain traced Pool(4) left the panels under
// the timeline two lines at 1280x720 (This run's callout and "sequential",
// the result queue's counts under the edge): the split kept the reserve for
// what any traced program may show (a lock's rows on every lane, the legend's
// rows for waits it never made, the finished band). Once the program has
// ended the timeline is what its run shows, and the panels get the rest.
TEST_CASE("presentation at 1280x720, a traced Pool(4) that has ended: four pool lanes and the panels' key lines in view",
          "[gui][room][trace][python][ended]") {
    NEED_X();
    TempDir dir;
    const std::string script = dir.file("primes.py");
    {
        std::ofstream(script) << "from multiprocessing import Pool\n"
                                 "def count_primes(n):\n"
                                 "    return sum(1 for k in range(2, n) if all(k % d for d in range(2, int(k ** 0.5) + 1)))\n"
                                 "if __name__ == '__main__':\n"
                                 "    with Pool(4) as pool:\n"
                                 "        print(pool.map(count_primes, [20000] * 8))\n";
    }
    const json s = tracedShot(dir, script);
    INFO(allLines(s));
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
    CHECK_FALSE(anyLine(panel(s, "Timeline"), "more lane"));
    CHECK(anyLine(panel(s, "Stats"), "sequential"));
    CHECK(anyLine(panel(s, "Queue and Lock"), "put 10 (8 results + 2 stop signals)"));
    checkNothingClipped(s);
}

// Issue 11 (session 16): a traced program's column under the timeline was
// split in two on its first frame, Queue over Lock, and the queue got one
// line: its items were never seen ("queue Queue-1 in queue 0 put 6"). One
// panel now holds both, what is in use at the cursor first: the queue's
// boxes while it holds items, the lock's holder while the Pool runs.
const char* kQueueThenLock = R"(import multiprocessing as mp
import time

def init(l):
    global lock
    lock = l

def work(x):
    with lock:
        time.sleep(0.15)
    return x

if __name__ == "__main__":
    q = mp.Queue()
    for i in range(4):
        q.put("box%d" % i)
    time.sleep(1.5)
    for i in range(4):
        q.get()
        time.sleep(0.3)
    l = mp.Lock()
    with mp.Pool(2, initializer=init, initargs=(l,)) as pool:
        print("results", pool.map(work, range(6)), flush=True)
)";

TEST_CASE("presentation at 1280x720, a traced program: the queue's items are seen as boxes while it holds them, then the "
          "lock's holder, and no panel moves",
          "[gui][room][trace][python][stage][queuelock]") {
    NEED_X();
    TempDir src;
    LiveWindow w({"--presentation", "--size", "1280x720"},
                 {"--trace-python", writeScript(src, "queue_then_lock.py", kQueueThenLock)});
    REQUIRE_FALSE(w.window.empty());
    // Any visible line of a panel that is not the timeline, the listing, Stats or the toolbar.
    auto shows = [](const json& s, const std::string& needle) {
        for (const json& p : s["panels"]) {
            const std::string name = p["name"];
            if (name == "Timeline" || name == "Code" || name == "Stats" || name == "Controls") continue;
            if (anyLine(p, needle)) return true;
        }
        return false;
    };
    std::set<std::string> seen;
    std::set<float> laneTops;
    bool sawBox = false, sawHolder = false, ended = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        if (!s["runs"].empty()) {
            // While it runs: once it has ended the split may fit what the run shows ([ended]).
            ended = s["runs"][0]["status"] != "running" && s["trace_finished"].get<bool>();
            if (ended) break;
            seen.insert(panelRects(s));
            // The lanes' top (under the legend and the axis) stays put as the legend gains entries.
            float top = 1e9f;
            for (const json& l : s["lanes"]) top = std::min(top, l["y0"].get<float>());
            if (!s["lanes"].empty()) laneTops.insert(top);
            sawBox = sawBox || shows(s, "box");
            sawHolder = sawHolder || shows(s, "held by ForkPoolWorker-");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    REQUIRE(ended);
    CHECK(sawBox);
    CHECK(sawHolder);
    std::string tops;
    for (float t : laneTops) tops += std::to_string(t) + " ";
    INFO("the lanes' top seen at y: " << tops);
    CHECK(laneTops.size() == 1);
    std::string all;
    for (const std::string& r : seen) all += r + "\n";
    INFO("panel layouts seen:\n" << all);
    CHECK(seen.size() == 1);
}

// The built-in pools with many workers keep their stage's split through a run
// (the stage reserved four worker lanes and the folded band), four worker
// lanes in view.
TEST_CASE("presentation at 1280x720, pool-sizes with 8 and 16 workers: no panel moves while it runs, four worker lanes "
          "in view",
          "[gui][room][stage]") {
    NEED_X();
    const std::string workers = GENERATE(as<std::string>{}, "8", "16");
    INFO(workers << " workers");
    LiveWindow w({"pool-sizes", "--workers", workers, "--time-scale", "0.2", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    // The stage, settled (the Predict tab offered to the class), then Run.
    REQUIRE(w.waitFor([](const json& st) { return st.value("stats_tab", std::string()) == "Predict"; }, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    const std::string stage = panelRects(w.state());
    bool started = false;
    for (int i = 0; i < 3 && !started; ++i) {
        w.key("space");
        started = w.waitFor([](const json& st) { return st["status"] != "not started"; }, 10);
    }
    REQUIRE(started);
    std::set<std::string> seen = {stage};
    bool ended = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        seen.insert(panelRects(s));
        ended = s["status"] == "finished" && s["trace_finished"].get<bool>();
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    REQUIRE(ended);
    std::string all;
    for (const std::string& r : seen) all += r + "\n";
    INFO("panel layouts seen:\n" << all);
    CHECK(seen.size() == 1);
    CHECK(w.state()["visible_worker_lanes"].get<int>() >= 4);
}

// Issue 11, classroom walk (session 14): the lock demo's Code panel, following
// the running line, showed the end of a wrapped statement ("_ in range(4)]")
// or half a line at its top. It scrolls to whole source lines: its first
// visible line is the start of a line of the listing, at every moment.
TEST_CASE("presentation at 1280x720: the Code panel follows the running line with a whole source line at its top",
          "[gui][room][codefit]") {
    NEED_X();
    LiveWindow w({"lock", "--time-scale", "0.5", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return st["status"] == "running"; }, 15));
    auto trim = [](std::string t) {
        t.erase(0, t.find_first_not_of(' '));
        return t;
    };
    int looked = 0;
    bool ended = false;
    std::set<std::string> tops;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        ended = s["status"] == "finished" && s["trace_finished"].get<bool>();
        const json& code = panel(s, "Code");
        if (code["lines"].empty()) continue;
        const std::string top = trim(code["lines"][0].get<std::string>());
        bool starts = false;
        for (const json& l : s["listing"]) starts = starts || trim(l.get<std::string>()).rfind(top, 0) == 0;
        INFO("Code's top line: '" << top << "'\nlines: " << code["lines"].dump());
        CHECK(starts);
        tops.insert(top);
        ++looked;
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
    }
    REQUIRE(ended);
    CHECK(looked > 5);
    INFO("top lines seen: " << tops.size());
    CHECK(tops.size() >= 2);   // it did follow the running line
}

// A caption too long for its line (a long printed line, a traced pool's
// whole result list) wrapped to a second line and back, moving every panel
// 24 px mid-run (the [stage] traced test caught it under load). The caption
// is one line, cut at a word with "…", the whole on hover.
TEST_CASE("presentation at 1280x720: a long printed line keeps the caption one line and no panel moves",
          "[gui][room][trace][python][stage][captionline]") {
    NEED_X();
    TempDir src;
    LiveWindow w({"--presentation", "--size", "1280x720"},
                 {"--trace-python", writeScript(src, "long_print.py", "import multiprocessing as mp, time\n"
                                         "def work():\n"
                                         "    time.sleep(0.5)\n"
                                         "    print('a long line ' + ' '.join('word%d' % i for i in range(60)), flush=True)\n"
                                         "    time.sleep(2.0)\n"
                                         "if __name__ == '__main__':\n"
                                         "    p = mp.Process(target=work)\n"
                                         "    p.start()\n"
                                         "    p.join()\n")});
    REQUIRE_FALSE(w.window.empty());
    std::set<std::string> seen;
    bool sawLong = false, ended = false;
    std::string caption;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        if (!s["runs"].empty()) {
            // While it runs: once it has ended the split may fit what the run shows ([ended]).
            ended = s["runs"][0]["status"] != "running" && s["trace_finished"].get<bool>();
            if (ended) break;
            seen.insert(panelRects(s));
            for (const json& p : s["panels"])
                if (p["name"] == "Controls")
                    for (const json& l : p["lines"]) {
                        const std::string line = l.get<std::string>();
                        if (line.find("printed") != std::string::npos && line.find("word") != std::string::npos) {
                            sawLong = true;
                            caption = line;
                        }
                    }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    REQUIRE(ended);
    INFO("caption: " << caption);
    CHECK(sawLong);
    CHECK(caption.find("…") != std::string::npos);   // cut at a word, said so
    std::string all;
    for (const std::string& r : seen) all += r + "\n";
    INFO("panel layouts seen:\n" << all);
    CHECK(seen.size() == 1);
}
