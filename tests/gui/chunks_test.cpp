// LESSON step 6 in the window, driven with real clicks and keys (xdotool,
// under the test's Xvfb): on pool-uneven, the toolbar's chunksize shows
// CPython's default as "auto (4)"; a run shows Pool.map's chunks as brackets
// on the worker lanes and a load-imbalance callout; chunksize 1 closes the
// tail; "16 equal jobs" runs 16 tasks (issue 11, "Pool methods and chunks").
#include "live_window.hpp"

using namespace guitest;

namespace {

// Picks the entry `row` (0 = first) of the combo whose probe text is `label`:
// its list opens under it, one row of type + spacing each. Twice at most, for
// a loaded machine on which the popup takes a while.
bool choose(const LiveWindow& w, const std::string& label, int row, const std::function<bool(const json&)>& done) {
    const json s = w.state();
    const float font = s["font_px"].get<float>();
    const auto r = itemRect(s, label);
    const float rowH = font + std::round(font * 0.25f);
    for (int attempt = 0; attempt < 2; ++attempt) {
        w.click(r[0] + font, r[1] + r[3] / 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        w.click(r[0] + font, r[1] + r[3] + std::round(font * 0.25f) + (static_cast<float>(row) + 0.5f) * rowH);
        if (w.waitFor(done, 3)) return true;
        w.key("Escape");
    }
    return false;
}

// The run's processes are done and its Trace is complete: a state taken when
// only the first holds can show the model of a few hundred ms before the end
// (seen in CI: now_s 0.348 of a 0.40 s run, no load-imbalance callout yet).
bool runEnded(const json& st, int runs) {
    return st["runs_started"].get<int>() == runs && st["status"] == "finished" && st["trace_finished"] == true;
}

// The brackets drawn are those in view: a followed run fits itself to its
// whole length in the frame after it ends (RunView::update), so a state taken
// the moment the run is seen ending may still show the follow window's few.
// Waits (up to 10 s) for the whole run to be in view, then returns the state.
json wholeRunState(const LiveWindow& w) {
    (void)w.waitFor([](const json& st) {
        return st["view"]["begin_s"].get<double>() <= 0.0 && st["view"]["end_s"].get<double>() >= st["now_s"].get<double>();
    }, 10);
    return w.state();
}

std::string chunkLabels(const json& st) {
    std::string out = "view " + st["view"].dump() + " now_s " + st["now_s"].dump() + " cursor_live " +
                      st["cursor_live"].dump() + "\n";
    for (const json& c : st["chunks"]) out += c["lane"].get<std::string>() + ": " + c["label"].get<std::string>() + "\n";
    return out;
}

bool hasCallout(const json& st, const std::string& kind) {
    for (const json& c : st["callouts"])
        if (c["kind"] == kind) return true;
    return false;
}

} // namespace

TEST_CASE("chunksize in the toolbar: brackets show Pool.map's chunks, and chunksize 1 closes the tail", "[gui][keys][chunks]") {
    NEED_X();
    LiveWindow w({"pool-uneven", "--time-scale", "0.1"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    // 28 tasks on Pool(2): CPython's default is ceil(28 / 8) = 4, shown as such.
    CHECK(s["chunksize_option"].is_null());
    (void)itemRect(s, "chunksize auto (4)");
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return runEnded(st, 1); }, 30));
    s = wholeRunState(w);
    INFO(chunkLabels(s));
    // Seven chunks of four, each bracketed on the lane of the worker that took it.
    CHECK(s["chunks"].size() == 7);
    bool longOnes = false;
    for (const json& c : s["chunks"]) {
        CHECK(c["lane"].get<std::string>().rfind("ForkPoolWorker-", 0) == 0);
        CHECK(c["x1"].get<double>() > c["x0"].get<double>());
        CHECK(c["thick"].get<double>() > 0);   // a band under its four tasks
        longOnes = longOnes || c["label"] == "chunk 0: L1\u2013L4";
    }
    CHECK(longOnes);
    CHECK(hasCallout(s, "load imbalance"));

    // chunksize 1 (the second entry), then Space: a second run of 28 one-task chunks, no tail.
    REQUIRE(choose(w, "chunksize auto (4)", 1, [](const json& st) { return st["chunksize_option"] == 1; }));
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return runEnded(st, 2); }, 30));
    s = wholeRunState(w);
    INFO(chunkLabels(s));
    CHECK(s["run_chunksize"] == 1);
    CHECK(s["chunks"].size() == 28);
    // A chunk of one task is its task's bar, said by its words: no band under
    // it (newcomer walks 24 and 28 read the band as "on a core").
    for (const json& c : s["chunks"]) CHECK(c["thick"].get<double>() == 0);
    CHECK_FALSE(hasCallout(s, "load imbalance"));

    // 16 equal jobs (entry 5: as scenario, 1, 2, 4, 8, 16): the next run has 16 tasks.
    REQUIRE(choose(w, "jobs 28 as scenario", 5, [](const json& st) { return st["equal_jobs_option"] == 16; }));
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return runEnded(st, 3); }, 30));
    s = wholeRunState(w);
    CHECK(s["run_tasks"] == 16);
    CHECK(s["chunks"].size() == 16);
}

TEST_CASE("with imap the toolbar's auto chunksize is CPython's 1, and a run hands out one task per chunk",
          "[gui][chunks]") {
    NEED_X();
    // CPython's imap(func, iterable, chunksize=1): not map's ceil(28 / 8) = 4.
    LiveWindow w({"pool-uneven", "--method", "imap", "--time-scale", "0.05"});
    REQUIRE_FALSE(w.window.empty());
    json s = w.state();
    CHECK(s["chunksize_option"].is_null());
    (void)itemRect(s, "chunksize auto (1)");
    w.key("space");
    REQUIRE(w.waitFor([](const json& st) { return runEnded(st, 1); }, 30));
    s = wholeRunState(w);
    INFO(chunkLabels(s));
    CHECK(s["chunks"].size() == 28);
}

// Newcomer walk, session 24: the pool demo's chunk brackets (a light band
// under each task, caps at its ends) had no legend entry, and the only light
// line the legend showed was "on a core": a class read a sleeping worker as on
// a core for all of task A's 5 s. The legend names the bracket, with a
// swatch of its shape, once brackets are drawn; not on the stage (none yet).
// Walk 28 read it so again where the legend had no room for the entry: a
// chunk of one task (the pool demo's chunksize 1) now draws no band at all,
// so neither the band nor its entry is there.
TEST_CASE("the legend names the chunk brackets once a run draws them, not before", "[gui][chunks][legend]") {
    NEED_X();
    {
        TempDir dir;
        const Result r = runParviz({"gui", "pool", "--time-scale", "0.1", "--presentation", "--size", "1280x720",
                                    "--screenshot", dir.file("p.png"), "--layout-json", dir.file("p.json")},
                                   dir.path);
        REQUIRE(r.exitCode == 0);
        const json p = json::parse(slurp(dir.file("p.json")));
        REQUIRE(p["chunks"].size() == 4);   // chunk 0: A ... chunk 3: D, each said by its words
        for (const json& c : p["chunks"]) {
            INFO(c.dump());
            CHECK(c["thick"].get<double>() == 0);
            CHECK(c["label_shown"].get<bool>());
        }
        CHECK(panelLines(p, "Timeline").find("tasks sent as one chunk") == std::string::npos);
    }
    LiveWindow w({"pool-uneven", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    const auto timelineLines = [](const json& s) {
        std::string lines = "|";
        for (const json& p : s["panels"])
            if (p["name"] == "Timeline")
                for (const json& l : p["lines"]) lines += l.get<std::string>() + "|";
        return lines;
    };
    w.settle(3);
    const std::string stage = timelineLines(w.state());
    INFO("stage: " << stage);
    CHECK(stage.find("tasks sent as one chunk") == std::string::npos);   // no bracket drawn yet
    REQUIRE(w.runFromStage(30));
    REQUIRE(w.waitFor([](const json& st) { return runEnded(st, 1); }, 30));
    const json s = wholeRunState(w);
    const std::string ran = timelineLines(s);
    INFO("run: " << ran);
    REQUIRE_FALSE(s["chunks"].empty());   // the run drew its brackets
    CHECK(ran.find("|tasks sent as one chunk|") != std::string::npos);
}
