// The Compare view (issue 9) under Xvfb with real runs: `parviz gui
// --compare` sweeps a pool scenario, stacks the runs on one time axis in
// worker order and plots their speedups. Checked from what was drawn
// (--layout-json: each row's rectangle and the right edge of its last task
// span as drawn), and from the PNG's pixels; bad lists exit 2. The Sweep
// button is pressed by a real click (xdotool).
#include "live_window.hpp"
#include "gui/palette.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <map>
#include <optional>
#include <set>
#include <regex>
#include <algorithm>
#include <csignal>

using namespace guitest;

namespace {

// Other programs taking the cores: n shell loops, killed at the end.
struct CpuHogs {
    std::vector<pid_t> pids;
    explicit CpuHogs(int n) {
        for (int i = 0; i < n; ++i) {
            const pid_t pid = fork();
            if (pid == 0) {
                execl("/bin/sh", "sh", "-c", "while :; do :; done", static_cast<char*>(nullptr));
                _exit(127);
            }
            if (pid > 0) pids.push_back(pid);
        }
    }
    ~CpuHogs() {
        for (pid_t p : pids) kill(p, SIGKILL);
        for (pid_t p : pids) waitpid(p, nullptr, 0);
    }
};

json compareShot(const std::vector<std::string>& extra, const TempDir& dir) {
    std::vector<std::string> args = {"gui", "--compare", "pool-sizes", "--screenshot", dir.file("c.png"),
                                     "--layout-json", dir.file("c.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = runParviz(args, dir.path, 180);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return json::parse(slurp(dir.file("c.json")));
}

} // namespace

TEST_CASE("compare: each row's last task ends at its makespan on the shared axis, a shorter run is a shorter row",
          "[gui][compare]") {
    NEED_DISPLAY();
    TempDir dir;
    const json l = compareShot({"--workers", "1,2,4", "--work", "sleep", "--time-scale", "0.4"}, dir);
    REQUIRE(l["compare"]["on"] == true);
    const json& rows = l["compare"]["rows"];
    REQUIRE(rows.size() == 3);
    double previous = 1e9;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const json& row = rows[i];
        INFO(row.dump());
        // In worker order: 1, 2, 4 (the label says so).
        CHECK(row["label"].get<std::string>().rfind(std::to_string(1 << i) + (i == 0 ? " worker" : " workers"), 0) == 0);
        const double last = row["last_task_x"].get<double>(), makespan = row["makespan_x"].get<double>();
        REQUIRE(last > row["rect"][0].get<double>());
        CHECK(std::abs(last - makespan) <= 3.0);
        // All rows share one axis starting at the same x; more workers end sooner here (sleep work).
        CHECK(row["rect"][0].get<double>() == rows[0]["rect"][0].get<double>());
        CHECK(last < previous);
        previous = last;
    }
    // 16 tasks of 0.25 s at time scale 0.4: 1.6 s on one worker; 2 workers take half as long, on screen too.
    const double x0 = rows[0]["rect"][0].get<double>();
    const double w1 = rows[0]["last_task_x"].get<double>() - x0, w2 = rows[1]["last_task_x"].get<double>() - x0;
    CHECK(w2 / w1 == Approx(0.5).margin(0.08));
    // The speedup plot has the three sleep points, the first at 1.
    const json& pts = l["compare"]["speedup"];
    REQUIRE(pts.size() == 3);
    CHECK(pts[0]["speedup"].get<double>() == Approx(1.0));
    CHECK(pts[2]["speedup"].get<double>() > 2.5);
    // The PNG shows worker colours inside the first row's span area.
    const Image img = loadPng(dir.file("c.png"));
    REQUIRE(img.w > 0);
    const json& r0 = rows[0];
    const int y = static_cast<int>(r0["rect"][1].get<double>() + r0["rect"][3].get<double>() * 0.75);
    int coloured = 0;
    for (int x = static_cast<int>(x0) + 2; x < static_cast<int>(r0["last_task_x"].get<double>()) - 2; ++x)
        if (isWorkerColour(img.at(x, y))) ++coloured;
    CHECK(coloured > 0.8 * (r0["last_task_x"].get<double>() - x0 - 4));
    // The Plots panel is there with its titles, and answers the question in words:
    // 4 workers were fastest for sleep work (the most tried; sleepers need no core).
    bool plots = false, answer = false;
    for (const json& p : l["panels"])
        if (p["name"] == "Plots")
            for (const json& line : p["lines"]) {
                const std::string text = line.get<std::string>();
                plots = plots || text == "speedup over 1 worker";
                answer = answer || text.rfind("sleep: 4 workers were fastest", 0) == 0;
            }
    CHECK(plots);
    CHECK(answer);
}

TEST_CASE("gui --compare refuses bad lists with exit 2 naming the flag", "[gui][compare]") {
    TempDir dir;
    for (const auto& [args, needle] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"gui", "--compare", "pool", "--workers", "0,2"}, "--workers"},
             {{"gui", "--compare", "pool", "--workers", "2,2"}, "listed twice"},
             {{"gui", "--compare", "pool", "--workers", ""}, "--workers"},
             {{"gui", "--compare", "pool", "--work", "gpu"}, "--work"},
             {{"gui", "--compare", "pool", "--retries", "11"}, "--retries '11'"},
             {{"gui", "--compare", "pool", "--open", "x.pvz"}, "--open"},
             {{"gui", "--compare", "lock"}, "needs a pool scenario"}}) {
        const Result r = runParviz(args, dir.path);
        INFO(r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(needle) != std::string::npos);
    }
}

TEST_CASE("the Sweep button runs 1, 2, 4 and 8 workers one after another and rows stream into Compare",
          "[gui][keys][compare]") {
    NEED_X();
    // Presentation at 1280x720: the caption has the least room there.
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    // Rows appear while the sweep goes on, never two runs live at once.
    bool sawPartial = false;
    int maxLive = 0;
    // While a run of the sweep is live the caption says how far the sweep
    // is, whatever the run printed (the classroom walk: a printed line
    // pushed "sweep: 3 of 8 … is run 5" out, and minutes passed with no progress).
    int liveStates = 0;
    std::vector<std::string> withoutProgress, modelOnLiveRow;
    int liveRows = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        int live = 0;
        for (const json& r : s["runs"]) live += r["live"] == true;
        maxLive = std::max(maxLive, live);
        // (A run's first frames, before its caption has an event, aside.)
        if (live == 1 && s["now_s"].get<double>() > 0.1) {
            ++liveStates;
            const std::string controls = panelLines(s, "Controls", " | ");
            // ... and names the live run by the run picker's number.
            std::string liveRun;
            for (const json& r : s["runs"])
                if (r["live"] == true) liveRun = "is run " + std::to_string(r["number"].get<int>());
            if (controls.find("sweep: ") == std::string::npos || controls.find(liveRun) == std::string::npos)
                withoutProgress.push_back(controls);
        }
        // The model's makespan tick only on a row whose run has ended: on a
        // running row it gave the answer away (newcomer walk, session 28).
        for (const json& row : s["compare"]["rows"])
            for (const json& r : s["runs"])
                if (r["number"] == row["run"] && r["live"] == true) {
                    ++liveRows;
                    if (row["predicted_x"].get<double>() >= 0) modelOnLiveRow.push_back(row.dump());
                }
        const std::size_t n = s["compare"]["rows"].size();
        if (n > 0 && n < 8) sawPartial = true;
        // Done: every row there, no run live, and the plot rebuilt after the last run ended
        // (the model is rebuilt at most four times a second while a run is live).
        if (n == 8 && live == 0 && s["compare"]["speedup"].size() == 8) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const json s = w.state();
    REQUIRE(s["compare"]["rows"].size() == 8);
    CHECK(sawPartial);
    CHECK(maxLive <= 1);
    CHECK(s["compare"]["speedup"].size() == 8);
    CHECK(liveStates > 0);
    INFO(withoutProgress.size() << " of " << liveStates << " live states; the first caption without the sweep's progress: " << (withoutProgress.empty() ? "" : withoutProgress.front()));
    CHECK(withoutProgress.empty());
    CHECK(liveRows > 0);
    INFO((modelOnLiveRow.empty() ? "" : modelOnLiveRow.front()));
    CHECK(modelOnLiveRow.empty());
    // ... and once they have ended, every row has it.
    for (const json& row : s["compare"]["rows"]) {
        INFO(row.dump());
        CHECK(row["predicted_x"].get<double>() > row["rect"][0].get<double>());
    }
    // One speedup on screen: the caption's is the Plots' (over the 1-worker
    // run), one of the plotted points, never "speedup over sequential" beside
    // them (newcomer walk, session 29: 1.83x in the caption, 2.2 on the plot).
    const std::string caption = panelLines(s, "Controls", " | ");
    INFO(caption);
    CHECK(caption.find("speedup over sequential") == std::string::npos);
    const std::size_t at = caption.find("speedup over 1 worker ");
    REQUIRE(at != std::string::npos);
    const double said = std::stod(caption.substr(at + std::string("speedup over 1 worker ").size()));
    bool plotted = false;
    for (const json& p : s["compare"]["speedup"]) plotted = plotted || std::abs(p["speedup"].get<double>() - said) < 0.006;
    CHECK(plotted);
}

// The frame that handles the Sweep click draws the caption before the
// sweep's first run starts (driveSweep, the next frame): it said "Press Run
// (Space) to start." under Compare for that frame (session 16's compare
// helper). From the click on, the caption says the sweep is starting.
TEST_CASE("from the frame Sweep is clicked in, the caption says the sweep is starting, never to press Run",
          "[gui][compare][sweepstart]") {
    NEED_X();
    // Each frame waits 250 ms before it starts, its dump written at its end:
    // polling every 20 ms reads every frame's caption.
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720", "--test-slow-frames", "250"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(10));
    const auto b = itemRect(w.state(), "Sweep");
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(b[0] + b[2] / 2)) + " " +
               std::to_string(static_cast<int>(b[1] + b[3] / 2)));
    w.settle(3);
    const std::string beforeClick = panelLines(w.state(), "Controls", " | ");
    REQUIRE(beforeClick.find("Press Run") == std::string::npos);   // Compare says what to press: Sweep
    // Held over a frame, as a hand does (a press and release inside one slow frame can go unseen).
    runCommand("xdotool mousedown 1");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const std::uint64_t before = w.frame();
    runCommand("xdotool mouseup 1");
    // Every frame's caption from the release until the sweep's first run is
    // live (a frame that had not seen the release yet still shows beforeClick).
    std::map<std::uint64_t, std::string> captions;
    bool live = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!live && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        const std::uint64_t f = s["frame"].get<std::uint64_t>();
        if (const std::string c = panelLines(s, "Controls", " | "); f > before && c != beforeClick) captions[f] = c;
        for (const json& r : s["runs"]) live = live || r["live"] == true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(live);
    REQUIRE_FALSE(captions.empty());
    std::string all;
    for (const auto& [f, c] : captions) all += std::to_string(f) + ": " + c + "\n";
    INFO(all);
    for (const auto& [f, c] : captions) {
        CHECK(c.find("Press Run") == std::string::npos);
        // The frames before the first run are the sweep's too: its first configuration named.
        CHECK(c.find("sweep: 1 of ") != std::string::npos);
    }
}

TEST_CASE("in the window too, 2 cpu workers on 2 cores nearly halve the time (the window leaves the cores to them)",
          "[gui][compare]") {
    NEED_DISPLAY();
    // The window drawing at 30 fps with software GL took a third of a core:
    // 2 cpu workers showed 1.44x. Up to three attempts. An attempt in which
    // other programs took the cores (a row flagged busy) cannot judge this:
    // it is skipped, saying so; if every attempt was busy the test fails
    // under PARVIZ_TEST_STRICT_BUSY=1 (CI) and is reported skipped otherwise.
    double best = 0;
    int judged = 0;
    for (int attempt = 1; attempt <= 3 && best <= 1.5; ++attempt) {
        TempDir dir;
        const json l = compareShot({"--workers", "1,2", "--work", "cpu", "--time-scale", "0.3"}, dir);
        const json& pts = l["compare"]["speedup"];
        REQUIRE(pts.size() == 2);
        const double s = pts[1]["speedup"].get<double>();
        bool busy = false;
        for (const json& row : l["compare"]["rows"]) busy = busy || row["busy"] == true;
        if (busy && s <= 1.5) {
            WARN("attempt " << attempt << " skipped, machine busy: speedup(2) " << s << "; rows: " << l["compare"]["rows"].dump());
            continue;
        }
        ++judged;
        best = std::max(best, s);
        if (s <= 1.5) WARN("attempt " << attempt << ": speedup(2) " << s << "; rows: " << l["compare"]["rows"].dump());
    }
    if (judged == 0) {
        const char* strict = std::getenv("PARVIZ_TEST_STRICT_BUSY");
        if (strict && std::string(strict) == "1") FAIL("every attempt was on a busy machine");
        std::printf("SKIPPED: every attempt was flagged busy (other processes took more than 10 %% of the cores); "
                    "set PARVIZ_TEST_STRICT_BUSY=1 to make this a failure\n");
        std::fflush(stdout);
        std::_Exit(77);
    }
    CHECK(best > 1.5);
}

TEST_CASE("gui refuses a screenshot into a missing directory and a too-small size before any run, exit 2", "[gui]") {
    // Newcomer finding: --screenshot /nonexistent/x.png ran the whole scenario,
    // then failed with exit 1; --size 100x100 was reported as "'100'".
    TempDir dir;
    for (const auto& [args, needle] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"gui", "pool", "--screenshot", dir.file("missing/x.png")}, "does not exist"},
             {{"gui", "pool", "--screenshot", dir.file("x.png"), "--layout-json", dir.file("nope/l.json")},
              "--layout-json"},
             {{"gui", "pool", "--size", "100x100"}, "--size '100x100': width '100'"}}) {
        const auto t0 = std::chrono::steady_clock::now();
        const Result r = runParviz(args, dir.path);
        INFO(r.err);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find(needle) != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));   // refused, not run
    }
}

TEST_CASE("mid-run, Stats say the numbers are so far and show no speedup before a task is done", "[gui]") {
    // Newcomer finding: at 0.5 s into the tutorial pool Stats read "speedup
    // 0.00x, efficiency 0%" (no task done yet), like a result.
    NEED_DISPLAY();
    TempDir dir;
    const Result r = runParviz({"gui", "pool", "--presentation", "--screenshot-at", "0.5", "--screenshot", dir.file("m.png"),
                                "--layout-json", dir.file("m.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json l = json::parse(slurp(dir.file("m.json")));
    std::string all;
    for (const json& p : l["panels"])
        if (p["name"].get<std::string>().rfind("Stats", 0) == 0)
            for (const json& line : p["lines"]) all += line.get<std::string>() + "\n";
    INFO(all);
    CHECK(all.find("- (no task done yet)") != std::string::npos);
    // The capture pins the cursor at 0.5 s while the run goes on: the numbers
    // are cut there and say its time (" so far" is the live edge's, later).
    CHECK(std::regex_search(all, std::regex(R"( at (500 ms|0\.50 s))")));
    CHECK(all.find("0.00x") == std::string::npos);
}

TEST_CASE("mid-run at 2.57 s in pool, Stats shows no speedup until every task has ended and the tasks of all four",
          "[gui][midrun]") {
    // Classroom walk, finding 12: "speedup 0.80x" and "tasks 1/3 done" (there are 4 tasks).
    NEED_DISPLAY();
    TempDir dir;
    const Result r = runParviz({"gui", "pool", "--presentation", "--screenshot-at", "2.57", "--screenshot",
                                dir.file("m.png"), "--layout-json", dir.file("m.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json l = json::parse(slurp(dir.file("m.json")));
    std::string all;
    for (const json& p : l["panels"])
        if (p["name"].get<std::string>().rfind("Stats", 0) == 0)
            for (const json& line : p["lines"]) all += line.get<std::string>() + "\n";
    INFO(all);
    CHECK(all.find("- until every task has ended") != std::string::npos);
    CHECK(all.find("1/4 done") != std::string::npos);
    CHECK(all.find("1/3 done") == std::string::npos);
    CHECK(all.find("efficiency") == std::string::npos);
}

TEST_CASE("the window's Sweep runs a busy cpu run again (--retries) and marks the attempt it kept; a busy sleep run holds",
          "[gui][compare]") {
    // `parviz sweep --retries N` re-ran runs flagged busy; the window's Sweep
    // kept whatever the first attempt gave. Three shell loops on the cores
    // make every attempt busy: with --retries 1 a cpu configuration runs
    // twice, the least busy attempt is its row, marked, and both runs are in
    // the session. Sleep work runs once: its sleeping workers need no core,
    // so its timing holds (the answer says so) and a retry only costs time.
    NEED_DISPLAY();
    TempDir dir;
    json l, sleep;
    {
        CpuHogs hogs(3);
        REQUIRE(hogs.pids.size() == 3);
        l = compareShot({"--workers", "1", "--work", "cpu", "--time-scale", "0.2", "--retries", "1"}, dir);
        // 0.35: the sleep run lasts 1.4 s, long enough to be judged from
        // /proc/stat ticks where the host has no cpuidle (kvm-clock hosts).
        sleep = compareShot({"--workers", "1", "--work", "sleep", "--time-scale", "0.35", "--retries", "1"}, dir);
    }
    const json& rows = l["compare"]["rows"];
    INFO(rows.dump());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["busy"] == true);
    CHECK(rows[0]["attempts"] == 2);
    const std::string note = rows[0]["attempts_note"];
    CHECK(note.rfind("kept attempt ", 0) == 0);
    CHECK(l["runs"].size() == 2);
    // The run list marks the attempt not kept, and the run on screen (the
    // caption, the picker) is the kept one, not whichever attempt ended last.
    int notKept = 0, notKeptNumber = 0;
    for (const json& run : l["runs"]) {
        const bool marked = run["label"].get<std::string>().find("(not kept: machine busy)") != std::string::npos;
        notKept += marked ? 1 : 0;
        if (marked) notKeptNumber = run["number"].get<int>();
        if (run["current"] == true) CHECK_FALSE(marked);
    }
    CHECK(notKept == 1);
    // The note names the discarded run by number: the rows' numbers skip it (session 28's check).
    CHECK(note.find(" of 2 (discarded run " + std::to_string(notKeptNumber) + ": others took ") != std::string::npos);
    // The note is on screen after the row's label (1280x720: labels above the rows).
    bool shown = false;
    for (const json& p : l["panels"])
        if (p["name"] == "Compare")
            for (const json& line : p["lines"])   // whole, or its first words where a long busy note leaves no room
                shown = shown || line.get<std::string>() == note || line.get<std::string>() == note.substr(0, note.find(" ("));
    CHECK(shown);
    // The warning colour, which marks the busy row, is named in the Compare
    // legend (its swatch a sample in that colour, drawn as the rows draw it):
    // one colour, one meaning.
    bool legend = false;
    for (const json& p : l["panels"])
        if (p["name"] == "Compare")
            for (std::size_t i = 0; i < p["lines"].size(); ++i) {
                INFO("Compare's lines: " << p["lines"].dump());
                const std::string t = p["lines"][i].get<std::string>();
                legend = legend || t == "machine busy";
                // Its swatch, drawn just before it, is a chip of that colour:
                // no word ("time machine busy" read as one phrase, session 22)
                // and no made-up time (a "1.8 s" there was read as a
                // measurement): the text before it is the previous entry's.
                if (t == "machine busy")
                    CHECK((i > 0 && p["lines"][i - 1] != "time" && !p["lines"][i - 1].get<std::string>().ends_with(" s")));
                // (Not a tick: the axis has one wherever a run is that long.)
                if (i + 1 < p["lines"].size() && p["lines"][i + 1] == "machine busy") CHECK(t != "1.8 s");
            }
    CHECK(legend);
    bool named = false;
    for (const json& m : l["marks"]["Compare"]["legend"]) named = named || m == "machine busy";
    CHECK(named);
    const json& srows = sleep["compare"]["rows"];
    INFO(srows.dump());
    REQUIRE(srows.size() == 1);
    CHECK(srows[0]["busy"] == true);
    CHECK(srows[0]["attempts"] == 1);
    CHECK(sleep["runs"].size() == 1);
    // Busy matters for runs whose workers need the cores (newcomer walk, session 21: sleep runs showed
    // "machine busy" as loudly as cpu runs): the cpu row in the warning colour, the sleep row's note
    // muted, no "machine busy" mark drawn nor named in its legend, its caption a plain note.
    CHECK(rows[0]["busy_warn"] == true);
    CHECK(srows[0]["busy_warn"] == false);
    INFO("sleep marks: " << sleep["marks"].dump());
    if (sleep["marks"].contains("Compare")) {
        for (const char* kind : {"drawn", "legend"})
            if (sleep["marks"]["Compare"].contains(kind))
                for (const json& m : sleep["marks"]["Compare"][kind]) CHECK(m != "machine busy");
    }
    for (const json& p : sleep["panels"])
        for (const json& line : p["lines"]) CHECK(line.get<std::string>().find("machine busy: others took") == std::string::npos);
}

// Newcomer walk (session 29): from a Compare row to its run's lanes, Why and
// Stats there was no visible way (a click only put the cursor); the teacher
// unticked Compare and searched the run picker past the retries.
TEST_CASE("a double-click on a Compare row opens that run in the run view", "[gui][keys][compare][openrow]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--work", "sleep", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    const bool done = w.waitFor(
        [](const json& s) {
            int live = 0;
            for (const json& r : s["runs"]) live += r["live"] == true;
            return s["compare"]["rows"].size() == 4 && live == 0;
        },
        90);
    REQUIRE(done);
    w.settle(4);
    json s = w.state();
    INFO(s["compare"].dump());
    // The 2-worker row, not the run shown (the sweep shows its last).
    const json* two = nullptr;
    for (const json& row : s["compare"]["rows"])
        if (row["label"].get<std::string>().rfind("2 workers", 0) == 0) two = &row;
    REQUIRE(two != nullptr);
    const int number = (*two)["run"].get<int>();
    REQUIRE(s["current_run"].get<int>() != number);
    const json& r = (*two)["rect"];
    w.click(r[0].get<float>() + r[2].get<float>() * 0.5f, r[1].get<float>() + r[3].get<float>() * 0.7f, 2);
    REQUIRE(w.waitFor([](const json& st) { return st["compare"]["on"] == false; }, 5));
    s = w.state();
    CHECK(s["current_run"].get<int>() == number);
}

TEST_CASE("the class predicts before Sweep and each prediction stands beside the measured answer", "[gui][keys][compare]") {
    // LESSON step 2-3: "with 4 workers, how long?" and "how many workers will
    // be enough?" answered by real clicks in the Compare view before the
    // Sweep; afterwards the Plots panel says each beside the result and the
    // 4-worker row carries the prediction's mark.
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--work", "sleep"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto slider = itemRect(w.state(), "compare: drag to predict");
    w.click(slider[0] + slider[2] * 0.3f, slider[1] + slider[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return s["predict_next"][0]["given"] == true; }, 5));
    const double said = w.state()["predict_next"][0]["seconds"].get<double>();
    CHECK(said > 0.1);
    const auto eight = itemRect(w.state(), "sleep enough 8");
    w.click(eight[0] + eight[2] / 2, eight[1] + eight[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["guesses"].size() == 1; }, 5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    const bool done = w.waitFor(
        [](const json& s) {
            int live = 0;
            for (const json& r : s["runs"]) live += r["live"] == true;
            const json& g = s["compare"]["guesses"];
            return s["compare"]["rows"].size() == 4 && live == 0 && g.size() == 2 && g[0]["answered"] == true &&
                   g[1]["answered"] == true;
        },
        90);
    const json s = w.state();
    INFO(s["compare"].dump());
    REQUIRE(done);
    const std::string makespan = s["compare"]["guesses"][0]["text"], enough = s["compare"]["guesses"][1]["text"];
    char start[64];
    std::snprintf(start, sizeof start, "You predicted 4 workers · sleep: %.2f s. It took ", said);
    CHECK(makespan.rfind(start, 0) == 0);
    CHECK(enough.rfind("You predicted for sleep: 8 workers are enough. The sweep: ", 0) == 0);
    // The 4-worker row has the mark, inside its rectangle; no other row has one.
    for (const json& row : s["compare"]["rows"]) {
        const bool four = row["label"].get<std::string>().rfind("4 workers", 0) == 0;
        const double gx = row["guess_x"].get<double>(), x0 = row["rect"][0].get<double>();
        if (four) {
            CHECK(gx > x0);
            CHECK(gx < x0 + row["rect"][2].get<double>());
        } else {
            CHECK(gx < 0);
        }
    }
    // The Plots panel says it, beside the answer.
    bool shown = false;
    for (const json& p : s["panels"])
        if (p["name"] == "Plots")
            for (const json& line : p["lines"]) {
                const std::string t = line.get<std::string>();
                shown = shown || t.rfind("You predicted 4 workers", 0) == 0 || t.rfind("Pool(4) sleep: you ", 0) == 0;
            }
    CHECK(shown);
}

TEST_CASE("presentation at 1280x720: the Compare plot is big enough to read from the back", "[gui][compare]") {
    // Newcomer finding: in presentation the two plots shared a narrow column
    // under the answers and the legend, each a few rows of pixels tall, with
    // 1-px lines.
    NEED_DISPLAY();
    TempDir dir;
    const json l = compareShot({"--workers", "1,2", "--work", "sleep", "--time-scale", "0.2", "--presentation"}, dir);
    CHECK(l["font_px"].get<double>() >= 24);
    const json& plots = l["compare"]["plots"];
    INFO(plots.dump());
    REQUIRE(plots.size() >= 1);
    const json& p = plots[0];
    CHECK(p["title"] == "speedup over 1 worker");
    // Before: two plots of 333 x ~75 px. Now one (a switch to the other), at
    // least 380 px wide and 6 lines of type tall even under the longest
    // answers (a busy machine's).
    CHECK(p["rect"][2].get<double>() >= 380);
    CHECK(p["rect"][3].get<double>() >= 6 * 24);
    CHECK(p["line_w"].get<double>() >= 2.4);
    CHECK(p["marker_r"].get<double>() >= 7);
    for (const json& panel : l["panels"])
        if (panel["name"] == "Plots") {
            INFO(panel["clipped_texts"].dump());
            CHECK(panel["clipped"] == false);
            // The log-log scale is said under the plot (walk 28, finding 9:
            // 1, 2, 4, 8 equally apart read as a linear axis).
            bool scale = false;
            for (const json& line : panel["lines"]) scale = scale || line == "workers (both axes: \u00d72 per step)";
            INFO(panel["lines"].dump());
            CHECK(scale);
        }
}

TEST_CASE("presentation at 1280x720: nine Compare rows keep every label whole, at the type's size, none over another",
          "[gui][compare][room]") {
    // Newcomer finding: with 9 rows a row's label ("1 sleep 404 ms") was cut at the lanes.
    NEED_DISPLAY();
    TempDir dir;
    const json l = compareShot({"--workers", "1,2,3,4,5,6,7,8,9", "--work", "sleep", "--time-scale", "0.05", "--retries",
                                "0", "--presentation"},
                               dir);
    CHECK(l["font_px"].get<double>() >= 24);
    REQUIRE(l["compare"]["rows"].size() == 9);
    for (const json& panel : l["panels"]) {
        if (panel["name"] != "Compare") continue;
        INFO(panel["lines"].dump());
        INFO("cut: " << panel["clipped_texts"].dump());
        CHECK(panel["clipped"] == false);
        REQUIRE(panel.contains("small_texts"));
        CHECK(panel["small_texts"].empty());
        CHECK(panel["overlapping_texts"].empty());
        for (const json& plots : l["panels"])
            if (plots["name"] == "Plots") {
                INFO("Plots: " << plots["overlapping_texts"].dump());   // 8 and 9 close on the log axis: thinned
                CHECK(plots["overlapping_texts"].empty());
            }
        // Each row's label is on screen: its workers and its work.
        for (int n = 1; n <= 9; ++n) {
            bool seen = false;
            for (const json& line : panel["lines"]) {
                const std::string s = line.get<std::string>();
                seen = seen || s.rfind(std::to_string(n) + " sleep", 0) == 0 || s.rfind(std::to_string(n) + " worker", 0) == 0;
            }
            INFO(n << " workers");
            CHECK(seen);
        }
    }
}

TEST_CASE("after a sleep and cpu sweep no text of the Plots panel is drawn over another, in either type size",
          "[gui][compare][room]") {
    // Newcomer finding (--layout-json, presentation at 1280x720): the
    // speedup axis's "0" under the workers axis's "1", and its top tick
    // ("4") over the plot switch "speedup over 1 worker".
    NEED_DISPLAY();
    for (bool presentation : {true, false}) {
        TempDir dir;
        std::vector<std::string> args = {"--workers", "1,2,4,8", "--work", "sleep,cpu", "--time-scale", "0.05",
                                         "--retries", "0", "--size", "1280x720"};
        if (presentation) args.push_back("--presentation");
        const json l = compareShot(args, dir);
        INFO((presentation ? "presentation" : "normal type"));
        REQUIRE(l["compare"]["rows"].size() == 8);
        REQUIRE(l["compare"]["plots"].size() >= 1);
        bool seen = false;
        for (const json& panel : l["panels"]) {
            if (panel["name"] != "Plots") continue;
            seen = true;
            INFO(panel["lines"].dump());
            CHECK(panel["overlapping_texts"].empty());
            CHECK(panel["clipped"] == false);
            // The axes keep their labels: the workers' ticks and "workers" with its scale.
            for (const char* want : {"1", "8", "workers (both axes: \u00d72 per step)", "model's speedup"}) {
                bool has = false;
                for (const json& line : panel["lines"]) has = has || line == want;
                INFO(want);
                CHECK(has);
            }
        }
        CHECK(seen);
    }
}

TEST_CASE("presentation at 1280x720: during a Sweep the plot keeps one readable height and the rows one layout",
          "[gui][keys][compare][room]") {
    // Classroom walk (issue 11): the speedup plot the class reads the
    // answer off was ~80 px tall and shrank to ~40 px as answer lines piled
    // up above it mid-sweep; the rows changed height and label format three
    // times ("1 worker" over "sleep 4.01 s", then "1 sleep 4.01 s").
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    std::vector<double> plotH, rowH, rowX;
    std::vector<std::string> labelsWithoutWorkers;
    double fontPx = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        fontPx = s["font_px"].get<double>();
        for (const json& p : s["compare"]["plots"]) plotH.push_back(p["rect"][3].get<double>());
        for (const json& r : s["compare"]["rows"]) {
            rowH.push_back(r["rect"][3].get<double>());
            rowX.push_back(r["rect"][0].get<double>());
        }
        for (const json& p : s["panels"])
            if (p["name"] == "Compare")
                for (const json& l : p["lines"]) {
                    const std::string t = l.get<std::string>();
                    // A row's label: "<n> ..." with its work.
                    if (std::regex_search(t, std::regex(R"(^[0-9]+ .*(sleep|cpu))")) && t.find(" worker") == std::string::npos)
                        labelsWithoutWorkers.push_back(t);
                }
        int live = 0;
        for (const json& r : s["runs"]) live += r["live"] == true;
        if (s["compare"]["rows"].size() == 8 && live == 0 && s["compare"]["speedup"].size() == 8) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    REQUIRE(w.state()["compare"]["rows"].size() == 8);
    REQUIRE_FALSE(plotH.empty());
    REQUIRE_FALSE(rowH.empty());
    const auto [pMin, pMax] = std::minmax_element(plotH.begin(), plotH.end());
    INFO("plot data area heights " << *pMin << " to " << *pMax << " px; type " << fontPx << " px");
    CHECK(fontPx >= 24);
    // At least a third of the bottom area's height (720 - the toolbar), and the same in every state.
    CHECK(*pMin >= 6.5 * fontPx);
    CHECK(*pMax - *pMin <= 1);
    const auto [rMin, rMax] = std::minmax_element(rowH.begin(), rowH.end());
    const auto [xMin, xMax] = std::minmax_element(rowX.begin(), rowX.end());
    INFO("row heights " << *rMin << " to " << *rMax << " px, lanes from x " << *xMin << " to " << *xMax);
    // Laid out for all 8 rows from the first (before: 1 row of ~200 px, then 2, ... 8 of ~40 px); the
    // caption's second and third lines while a sweep run is live ("(sweep: run 3 of 8 ..., attempt 2
    // of up to 3: ...)") take up to 48 px from the 8 rows: 6 px a row (seen 39.75 to 46 px).
    CHECK(*rMax - *rMin <= fontPx / 3);
    CHECK(*xMax - *xMin <= 1);   // the label column never widens
    INFO("labels without \"workers\": " << labelsWithoutWorkers.size()
                                        << (labelsWithoutWorkers.empty() ? std::string() : ", first " + labelsWithoutWorkers.front()));
    CHECK(labelsWithoutWorkers.empty());
}

namespace {
bool sweepDone(const json& s, std::size_t rows, std::size_t guesses) {
    int live = 0;
    for (const json& r : s["runs"]) live += r["live"] == true;
    if (s["compare"]["rows"].size() != rows || live != 0 || s["compare"]["guesses"].size() != guesses) return false;
    for (const json& g : s["compare"]["guesses"])
        if (g["answered"] != true) return false;
    return true;
}
// Compare on, and the class's predictions before the lesson's sweep: a
// makespan on Compare's slider, and how many workers are enough for each work kind.
void classPredicts(const LiveWindow& w) {
    REQUIRE(w.openCompare(5));
    // The class predicts (a makespan, and how many workers are enough for each work kind).
    const auto slider = itemRect(w.state(), "compare: drag to predict");
    w.click(slider[0] + slider[2] * 0.3f, slider[1] + slider[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return s["predict_next"][0]["given"] == true; }, 5));
    for (const char* e : {"sleep enough 8", "cpu enough 4"}) {
        const auto r = itemRect(w.state(), e);
        w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    }
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["guesses"].size() == 2; }, 5));
}
bool inside(const std::array<float, 4>& in, const std::array<float, 4>& box) {
    return in[1] >= box[1] - 0.5f && in[1] + in[3] <= box[1] + box[3] + 0.5f;
}
} // namespace

// Issue 11, classroom walk 2: after the lesson's sweep (sleep, then cpu)
// with the class's predictions, the Plots' answers in words wrapped to
// five lines in a box of four: the cpu answer, THE answer of the lesson,
// was cut at the box's bottom and the class had to scroll to read it. Now
// each answer takes two lines at most (the class's guess goes on a line of
// its own when it would make a third) and the box holds two lines a work
// kind, taken from the plot, which keeps a readable height.
TEST_CASE("presentation at 1280x720: after the lesson's sweep with predictions, every answer of the Plots is in view",
          "[gui][keys][compare][room][plotsfit]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    classPredicts(w);
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    const bool done = w.waitFor([](const json& s) { return sweepDone(s, 8, 3); }, 120);
    w.settle(6);
    const json s = w.state();
    INFO(s["compare"].dump());
    REQUIRE(done);
    CHECK(s["font_px"].get<double>() >= 24);
    const std::string lines = panelLines(s, "Plots");
    INFO("Plots: " << lines);
    const auto box = itemRect(s, "plots words");
    const float fs = s["font_px"].get<float>();
    const auto sleepR = itemRect(s, "answer sleep"), cpuR = itemRect(s, "answer cpu");
    // The space between two texts: between the answers, or (where the sleep
    // reveal has a line of its own between them: a busy machine's longer
    // sleep answer leaves it no room on its line) the box's top padding.
    const float gap = std::min(cpuR[1] - (sleepR[1] + sleepR[3]), sleepR[1] - box[1]);
    // Whatever the answers say on the day (a busy machine's are longer): the box holds each at two
    // lines, with the gaps between them and its padding above and below.
    INFO("box " << box[3] << " px for 2 answers of 2 lines: " << 2 * (2 * fs + gap) + 2 * gap << " px");
    CHECK(box[3] >= 2 * (2 * fs + gap) + 2 * gap);
    for (const char* a : {"answer sleep", "answer cpu"}) {
        const auto r = itemRect(s, a);
        INFO(a << " at y " << r[1] << " h " << r[3] << "; the box y " << box[1] << " h " << box[3]);
        CHECK(r[3] <= 2 * s["font_px"].get<float>() + 6);   // two lines at most
        CHECK(inside(r, box));                             // whole, without scrolling
    }
    // Session 22: every prediction's reveal is in view too, beside its answer: the sleep guess
    // ("sleep: you said 8, the sweep 8 (right)") stood under the box's edge, after the cpu
    // answer, while the cpu one rode on its answer's line.
    const json& guesses = s["compare"]["guesses"];
    std::size_t ownLines = 0;
    for (std::size_t i = 0; i < guesses.size(); ++i) {
        const std::string name = "guess " + std::to_string(i);
        bool drawn = false;
        for (const json& p : s["panels"])
            for (const json& it : p["items"]) drawn = drawn || it["text"] == name;
        if (!drawn) continue;   // it rides on its answer's line (in view with it)
        ++ownLines;
        const auto r = itemRect(s, name);
        INFO(name << " at y " << r[1] << " h " << r[3] << "; the box y " << box[1] << " h " << box[3]);
        CHECK(inside(r, box));
    }
    INFO(ownLines << " reveals on lines of their own");
    // No sentence of the words is cut by the box's edge at rest: each note is wholly in view or
    // wholly below it ("Two speedups, both time with 1 worker /" was the box's last line), and
    // when one is below, a cue in view says so.
    bool below = false;
    std::vector<std::string> notes;
    for (const json& p : s["panels"])
        for (const json& it : p["items"])
            if (it["text"].get<std::string>().rfind("note ", 0) == 0) notes.push_back(it["text"]);
    CHECK_FALSE(notes.empty());
    for (const std::string& name : notes) {
        const auto r = itemRect(s, name);
        const bool in = inside(r, box), out = r[1] >= box[1] + box[3] - 0.5f;
        INFO(name << " at y " << r[1] << " h " << r[3] << "; the box y " << box[1] << " h " << box[3]);
        CHECK((in || out));
        below = below || out;
    }
    // The cue, when the answers and reveals leave its line free (else the box's scrollbar says it), is in view.
    bool cued = false;
    for (const json& p : s["panels"])
        for (const json& it : p["items"]) cued = cued || it["text"] == "plots words more";
    if (below && cued) CHECK(inside(itemRect(s, "plots words more"), box));
    // The plot keeps a readable height (the other [room] tests: at least 6.5 lines of type).
    REQUIRE(s["compare"]["plots"].size() >= 1);
    CHECK(s["compare"]["plots"][0]["rect"][3].get<double>() >= 6.5 * s["font_px"].get<double>());
    // What tells the plots' speedup from This run's, in words on the Plots (under the answers
    // and predictions: in view or a scroll away).
    std::string all = lines;
    for (const json& p : s["panels"])
        if (p["name"] == "Plots") all += p["hidden_texts"].dump();
    CHECK(all.find("Two speedups") != std::string::npos);
}

// Newcomer walk, session 22 (finding 3): the reveal riding on Plots' answer
// line ("sleep: 8 workers were fastest (7.60x); you said 8 (right)") was
// drawn in ink, while the class's predictions are green in every view
// (ThemeColours::prediction). The window's PNG (Export PNG) at that line:
// some of its pixels are the prediction colour, and the answer's words
// before the guess are not.
TEST_CASE("presentation: a prediction's reveal on Plots' answer line is drawn in the predictions' colour",
          "[gui][compare][plots][busyreveal]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    classPredicts(w);
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return sweepDone(s, 8, 3); }, 120));
    w.settle(6);
    const json s = w.state();
    // Where each reveal stands: riding on its answer's line ("…; you said 8")
    // when both fit two lines, else on a line of its own under the answer
    // (its item "guess N": a busy machine's answer is longer, CI session 25).
    // Either way its words must be in the predictions' colour. Lines joined
    // by spaces: the wrap can fall inside "; you said" (CI session 28, with
    // "(7.10x); you" / "said 8 (right)").
    const std::string lines = panelLines(s, "Plots", " ");
    INFO("Plots: " << lines);
    std::vector<std::array<float, 4>> answers;
    for (const char* work : {"sleep", "cpu"}) {
        const std::string head = std::string(work) + ": ";
        const auto at = lines.find(head);
        const auto own = lines.find(head + "you said");
        const auto end = lines.find(head, at + 1);
        // Its reveal rides when "you said" comes after the answer and before its own line.
        const auto said = lines.find("; you said", at);
        if (at == std::string::npos || at == own || said == std::string::npos || (end != std::string::npos && said > end))
            continue;
        answers.push_back(itemRect(s, std::string("answer ") + work));
    }
    for (const json& p : s["panels"])
        if (p["name"] == "Plots")
            for (const json& it : p["items"])
                if (it["text"].get<std::string>().rfind("guess ", 0) == 0)
                    answers.push_back({it["rect"][0].get<float>(), it["rect"][1].get<float>(),
                                       it["rect"][2].get<float>(), it["rect"][3].get<float>()});
    REQUIRE_FALSE(answers.empty());   // the lesson's sweep reveals the class's guesses
    const std::string png = "parviz-compare.png";
    std::remove(png.c_str());
    const auto e = itemRect(s, "Export PNG");
    w.click(e[0] + e[2] / 2, e[1] + e[3] / 2);
    REQUIRE(w.waitFor([&](const json&) { return std::filesystem::exists(png) && std::filesystem::file_size(png) > 0; }, 10));
    w.settle(2);
    const Image img = loadPng(png);
    std::remove(png.c_str());
    REQUIRE(img.w == 1280);
    // The guess's words are the only ones in the predictions' colour (either theme's) in the answer.
    int green = 0;
    for (const auto& line : answers)
        for (int y = static_cast<int>(line[1]); y < static_cast<int>(line[1] + line[3]) && y < img.h; ++y)
            for (int x = static_cast<int>(line[0]); x < static_cast<int>(line[0] + line[2]) && x < img.w; ++x) {
                const auto c = img.at(x, y);
                bool is = false;
                for (parviz::gui::Theme t : {parviz::gui::Theme::Dark, parviz::gui::Theme::Light}) {
                    const auto& k = parviz::gui::themeColours(t).prediction;
                    is = is || near(c, k.r, k.g, k.b, 24);
                }
                green += is;
            }
    INFO("prediction-coloured pixels in the answers with a guess: " << green);
    CHECK(green >= 30);
}

// Issue 11, classroom walk 2: with the run picker's list open over the
// Compare legend, pointing at a list entry opened the legend's tooltip
// through the list (the legend, the rows and the plot's points tested the
// pointer's rectangle only; ui::mouseOver also asks that nothing is on top).
TEST_CASE("no legend tooltip (Compare, Plots) opens through the open run picker's list", "[gui][keys][compare][classroom]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.05", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return sweepDone(s, 8, 0); }, 120));
    w.settle(6);
    const json s0 = w.state();
    const auto tips = [](const json& st) { return st.value("tooltips", json::array()); };
    const auto legendTip = [&](const json& st) {   // a tooltip, the run picker's own left aside
        return !tips(st).empty() && tips(st).dump().find("The runs of this session") == std::string::npos;
    };
    auto move = [&](float x, float y) {
        runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(x)) + " " +
                   std::to_string(static_cast<int>(y)));
    };
    std::array<float, 4> picker{};
    for (const json& p : s0["panels"])
        if (p["name"] == "Controls")
            for (const json& it : p["items"]) {
                const std::string t = it["text"];
                if (t.rfind("run ", 0) == 0 && t.find(": finished") != std::string::npos)
                    picker = {it["rect"][0].get<float>(), it["rect"][1].get<float>(), it["rect"][2].get<float>(), it["rect"][3].get<float>()};
            }
    REQUIRE(picker[2] > 0);
    const auto listOpen = [](const json& st) { return st["panels"].dump().find("run entry 0") != std::string::npos; };
    // Where the list lies when open, and a legend entry (Compare's or Plots') under it.
    w.click(picker[0] + picker[2] / 2, picker[1] + picker[3] / 2);
    REQUIRE(w.waitFor(listOpen, 5));
    const json open = w.state();
    const std::array<float, 4> list = itemsBounds(open, "run entry ");
    const float left = list[0], top = list[1], right = list[2], bottom = list[3];
    std::string legend;
    float lx = 0, ly = 0;
    for (const json& p : open["panels"])
        for (const json& it : p["items"]) {
            const std::string t = it["text"];
            const float x = it["rect"][0].get<float>() + it["rect"][2].get<float>() / 2;
            const float y = it["rect"][1].get<float>() + it["rect"][3].get<float>() / 2;
            if (legend.empty() && t.rfind("legend ", 0) == 0 && x > left + 4 && x < right - 4 && y > top + 4 && y < bottom - 4) {
                legend = t;
                lx = x;
                ly = y;
            }
        }
    // Else a Compare row under the list (its tooltip: the row's words).
    for (const json& row : open["compare"]["rows"]) {
        if (!legend.empty()) break;
        const float x0 = std::max(left, row["rect"][0].get<float>()), x1 = std::min(right, row["rect"][0].get<float>() + row["rect"][2].get<float>());
        const float y0 = std::max(top, row["rect"][1].get<float>()), y1 = std::min(bottom, row["rect"][1].get<float>() + row["rect"][3].get<float>());
        if (x1 - x0 > 12 && y1 - y0 > 4) {
            legend = "row " + row["label"].get<std::string>();
            lx = (x0 + x1) / 2;
            ly = (y0 + y1) / 2;
        }
    }
    INFO("list x " << left << ".." << right << ", y " << top << ".." << bottom << "; " << legend << " at " << lx << ", " << ly);
    REQUIRE_FALSE(legend.empty());   // the list lies over a legend entry or a row
    // Closed, the entry explains itself (so the test can see its tooltip).
    w.click(picker[0] + picker[2] / 2, picker[1] + picker[3] / 2);
    REQUIRE(w.waitFor([&](const json& st) { return !listOpen(st); }, 5));
    move(lx, ly);
    REQUIRE(w.waitFor(legendTip, 5));
    const std::string tip = tips(w.state()).dump();
    // Open again, the pointer on the list right over that entry: no tooltip through the list.
    w.click(picker[0] + picker[2] / 2, picker[1] + picker[3] / 2);
    REQUIRE(w.waitFor(listOpen, 5));
    move(lx + 3, ly);
    w.settle(8);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    w.settle(4);
    const json s = w.state();
    INFO("closed: " << tip << "; with the list open: " << tips(s).dump());
    CHECK(listOpen(s));
    CHECK_FALSE(legendTip(s));
}

// Issue 11, classroom walk 2: before any sweep the caption said "Press Run
// (Space) to start." while the Compare panel said to predict, then Sweep.
TEST_CASE("in Compare before any sweep, the caption says what the Compare panel says: predict, then Sweep",
          "[gui][keys][compare][classroom]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    // A prediction dropped on the run's timeline first (newcomer walk, session 16: its caption "…; Run
    // (Space) to see the answer." stayed over Compare, whose question is in the Plots and whose answer is Sweep).
    const auto tl = panelRect(w.state(), "Timeline");
    w.click(tl[0] + tl[2] * 0.45f, tl[1] + tl[3] * 0.6f);
    REQUIRE(w.waitFor([](const json& st) {
        for (const json& p : st["panels"])
            if (p["name"] == "Controls" && p["lines"].dump().find("Your prediction") != std::string::npos) return true;
        return false;
    }, 5));
    REQUIRE(w.openCompare(5));
    w.settle(4);
    const json s = w.state();
    const std::string controls = panelLines(s, "Controls"), compare = panelLines(s, "Compare");
    INFO("Controls: " << controls << "Compare: " << compare);
    CHECK(controls.find("Press Run (Space) to start") == std::string::npos);
    CHECK(controls.find("to see the answer") == std::string::npos);
    CHECK(controls.find("Sweep") != std::string::npos);
    CHECK(compare.find("Sweep") != std::string::npos);
}

namespace {
// Every panel's rect in a dump, by name.
std::map<std::string, std::array<float, 4>> panelRects(const json& s) {
    std::map<std::string, std::array<float, 4>> out;
    for (const json& p : s["panels"])
        out[p["name"].get<std::string>()] = {p["rect"][0].get<float>(), p["rect"][1].get<float>(), p["rect"][2].get<float>(),
                                             p["rect"][3].get<float>()};
    return out;
}
} // namespace

// Session 16 (classroom walk): during the lesson's sweep the caption over
// the panels went from one line to two and back with every event ("(sweep:
// 5 of 8 (1 worker, cpu) is run 5)  1.64 s  last at 1.62 s: ForkPoolWorker-1
// printed ..."), and every panel jumped 24 px; the Compare row labels
// ("1 worker sleep ...") and the Plots' answers were cut or a scroll away
// mid-sweep. Now the caption is one line during a sweep, a row says its
// workers and time (its work kind once, in its group's header), and the
// class's answers and predictions are in view at every moment.
TEST_CASE("presentation at 1280x720: during the lesson's sweep nothing moves, and every Compare label and Plots answer "
          "is whole and in view",
          "[gui][keys][compare][room][sweepstill]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    classPredicts(w);
    // Other programs take the cores, as a classroom laptop's browser does:
    // cpu rows are flagged busy mid-sweep (the legend gains its busy entry,
    // the answers their longest words) and nothing may move for it.
    const CpuHogs hogs(2);
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    runCommand("xdotool mousemove --window " + w.window + " 5 715");   // no tooltip over the panels
    std::map<std::string, std::array<float, 4>> first;
    std::vector<std::string> moved, cut, missingLabels, outOfView;
    int states = 0, withAnswers = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(150);
    bool done = false;
    while (std::chrono::steady_clock::now() < until && !done) {
        const json s = w.state();
        done = sweepDone(s, 8, 3);
        int live = 0;
        for (const json& r : s["runs"]) live += r["live"] == true;
        if (live == 0 && !done && states == 0) {   // the sweep's first run not started yet
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        ++states;
        const std::string at = "state " + std::to_string(states) + " (" + std::to_string(s["compare"]["rows"].size()) + " rows)";
        for (const auto& [name, r] : panelRects(s)) {
            if (name != "Controls" && name != "Compare" && name != "Plots") continue;
            if (!first.count(name)) first[name] = r;
            const auto& f = first[name];
            for (int k = 0; k < 4; ++k)
                if (std::abs(r[k] - f[k]) > 0.5f) {
                    moved.push_back(at + ": " + name + " [" + std::to_string(r[1]) + ", h " + std::to_string(r[3]) + "] was [" +
                                    std::to_string(f[1]) + ", h " + std::to_string(f[3]) + "]");
                    break;
                }
        }
        // Each row keeps its place and size from its first frame (laid out for all 8 from the start).
        for (const json& row : s["compare"]["rows"]) {
            const std::string label = row["label"];   // "4 workers · cpu · 1.53 s": keyed by its workers and work
            const std::string key = "row " + label.substr(0, label.rfind(" \xC2\xB7"));
            const std::array<float, 4> r{row["rect"][0].get<float>(), row["rect"][1].get<float>(), row["rect"][2].get<float>(),
                                         row["rect"][3].get<float>()};
            if (!first.count(key)) first[key] = r;
            for (int k = 0; k < 4; ++k)
                if (std::abs(r[k] - first[key][k]) > 0.5f) {
                    moved.push_back(at + ": " + key + " x " + std::to_string(r[0]) + " y " + std::to_string(r[1]) + " h " +
                                    std::to_string(r[3]) + " was x " + std::to_string(first[key][0]) + " y " +
                                    std::to_string(first[key][1]) + " h " + std::to_string(first[key][3]));
                    break;
                }
        }
        std::string compareLines;
        for (const json& p : s["panels"]) {
            if (p["name"] != "Compare" && p["name"] != "Plots") continue;
            if (p["clipped"] == true) cut.push_back(at + ": " + p["name"].get<std::string>() + " " + p["clipped_texts"].dump());
            if (p["name"] == "Compare")
                for (const json& l : p["lines"]) compareLines += "\n" + l.get<std::string>();
        }
        // Each row's label: its workers, whole, in view.
        for (const json& row : s["compare"]["rows"]) {
            const std::string label = row["label"];
            const std::string workers = label.substr(0, label.find(" \xC2\xB7"));   // "4 workers" of "4 workers · cpu · 1.53 s"
            if (compareLines.find("\n" + workers) == std::string::npos) missingLabels.push_back(at + ": " + workers);
        }
        // The answers and the class's predictions: inside the words' box, no scroll needed.
        bool any = false;
        for (const json& p : s["panels"])
            if (p["name"] == "Plots")
                for (const json& it : p["items"]) {
                    const std::string t = it["text"];
                    if (t.rfind("answer ", 0) != 0 && t.rfind("guess ", 0) != 0) continue;
                    any = true;
                    const auto box = itemRect(s, "plots words");
                    const std::array<float, 4> r{it["rect"][0].get<float>(), it["rect"][1].get<float>(), it["rect"][2].get<float>(),
                                                 it["rect"][3].get<float>()};
                    if (!inside(r, box)) outOfView.push_back(at + ": " + t + " y " + std::to_string(r[1]) + " h " +
                                                             std::to_string(r[3]) + ", box y " + std::to_string(box[1]) +
                                                             " h " + std::to_string(box[3]) + "; Plots:\n" +
                                                             panelLines(s, "Plots"));
                }
        withAnswers += any;
        std::this_thread::sleep_for(std::chrono::milliseconds(120));
    }
    REQUIRE(done);
    INFO(states << " states, " << withAnswers << " with answers");
    CHECK(states >= 10);
    CHECK(withAnswers >= 5);
    INFO("moved: " << moved.size() << (moved.empty() ? "" : ", first " + moved.front()));
    CHECK(moved.empty());
    INFO("cut: " << cut.size() << (cut.empty() ? "" : ", first " + cut.front()));
    CHECK(cut.empty());
    INFO("row labels not in view: " << missingLabels.size() << (missingLabels.empty() ? "" : ", first " + missingLabels.front()));
    CHECK(missingLabels.empty());
    INFO("answers or predictions out of view: " << outOfView.size() << (outOfView.empty() ? "" : ", first " + outOfView.front()));
    CHECK(outOfView.empty());
    // The work kind once per group, in its header.
    const std::string lines = panelLines(w.state(), "Compare");
    INFO(lines);
    CHECK(lines.find("sleep work\n") != std::string::npos);
    CHECK(lines.find("cpu work\n") != std::string::npos);
}

// Session 16: the scenario picker was as wide as the name it showed, so
// Run sat at x 140, 195 and 169 for pool, pool-uneven and pool-sizes
// (presentation at 1280x720). Now the picker has one width for every
// built-in, and lock's Tasks... stays on the toolbar's first row.
TEST_CASE("presentation at 1280x720: Run stands at one x for every built-in scenario", "[gui][classroom][toolbar]") {
    NEED_X();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(fs::path(PARVIZ_ASSETS_DIR) / "scenarios"))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    REQUIRE(names.size() >= 9);
    std::map<std::string, float> runX;
    for (const std::string& name : names) {
        LiveWindow w({name, "--presentation", "--size", "1280x720"});
        REQUIRE_FALSE(w.window.empty());
        REQUIRE(w.waitFor([](const json& s) {
            for (const json& p : s["panels"])
                if (p["name"] == "Controls")
                    for (const json& it : p["items"])
                        if (it["text"] == "Run") return true;
            return false;
        }, 10));
        const json s = w.state();
        const auto run = itemRect(s, "Run");
        runX[name] = run[0];
        // The toolbar keeps its rows: lock's Tasks... on the first, beside Run.
        if (name == "lock") {
            const auto tasks = itemRect(s, "Tasks...");
            INFO("lock: Tasks... at y " << tasks[1] << ", Run at y " << run[1]);
            CHECK(tasks[1] == Approx(run[1]).margin(0.5));
        }
    }
    std::string all;
    for (const auto& [n, x] : runX) all += n + " " + std::to_string(x) + "; ";
    INFO(all);
    for (const auto& [n, x] : runX) CHECK(x == Approx(runX.begin()->second).margin(0.5));
}

// Newcomer walk, session 16: after the lesson's Sweep from pool-sizes' 4-worker
// stage, leaving Compare showed the 8-worker cpu run with 3 worker lanes (its
// legend's rows for 8 workers were not in the 4-worker split). The split is
// planned for the most workers a run of the scenario has in the session.
TEST_CASE("after a Sweep from a 4-worker stage, the 8-worker run's view shows four worker lanes",
          "[gui][compare][room][aftersweep]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.05", "--presentation", "--size", "1280x720", "--retries", "0"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor([](const json& st) { return st.value("stats_tab", std::string()) == "Predict"; }, 10));
    REQUIRE(w.openCompare(5));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    REQUIRE(w.waitFor([](const json& s) { return sweepDone(s, 8, 0); }, 180));
    w.key("c");
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["on"] == false; }, 5));
    w.settle(8);
    const json s = w.state();
    INFO("stats " << s["stats"].dump() << "\nlanes " << s["lanes"].dump());
    REQUIRE(s["stats"]["workers"].get<int>() == 8);   // the sweep's last run is shown
    CHECK(s["visible_worker_lanes"].get<int>() >= 4);
}

TEST_CASE("the pointer resting on Sweep after the click: no tooltip over the Compare panel while the sweep runs",
          "[gui][compare][sweeptip]") {
    // Newcomer walk (session 17): clicked, the button became "Stop sweep"
    // (another ImGui ID), so the tooltip the click had put away came back at
    // once, saying "Runs this scenario with 1, 2, 4 and 8 workers", and
    // covered the Compare legend for the whole sweep.
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.1", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.openCompare(10));
    const auto b = itemRect(w.state(), "Sweep");
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(b[0] + b[2] / 2)) + " " +
               std::to_string(static_cast<int>(b[1] + b[3] / 2)));
    const auto tip = [](const json& st) { return st.value("tooltips", json::array()).dump().find("Runs this scenario") != std::string::npos; };
    REQUIRE(w.waitFor(tip, 5));   // the pointer rests on Sweep: its tip is up
    runCommand("xdotool mousedown 1");
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    runCommand("xdotool mouseup 1");
    REQUIRE(w.waitFor([](const json& s) { return panelLines(s, "Compare", " ").find("Stop sweep") != std::string::npos; }, 10));
    // Watch a while as the sweep runs, the pointer still on the button.
    int framesWithTip = 0, frames = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    std::string seen;
    while (std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        ++frames;
        if (!s.value("tooltip_windows", json::array()).empty()) {
            ++framesWithTip;
            seen = s.value("tooltips", json::array()).dump();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(framesWithTip << " of " << frames << " reads showed a tooltip: " << seen);
    CHECK(framesWithTip == 0);
}

// Newcomer walk (session 18): the teacher ran pool-sizes a few times, then
// pressed C: "No runs to compare yet" beside those runs. Opened with nothing
// pinned, Compare's rows are the session's runs of the scenario on screen.
TEST_CASE("Compare opened after runs of the scenario, none ticked: those runs are its rows", "[gui][compare][autopin]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.05", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runFromStage(30));
    w.key("r");
    REQUIRE(w.waitFor([](const json& s) {
        return s["runs"].size() == 2 && s["status"] == "finished" && s["trace_finished"] == true;
    }, 30));
    REQUIRE(w.openCompare());
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["rows"].size() == 2; }, 5));
    const json s = w.state();
    CHECK(s["compare"]["rows"].size() == 2);
    CHECK(s.dump().find("No runs to compare yet") == std::string::npos);
}

// Newcomer re-check (session 19): pins left from an earlier C of pool kept
// the pool-sizes runs made since out of Compare. C pins the runs of the
// scenario on screen when none of them is pinned, beside the earlier pins.
TEST_CASE("Compare opened after a scenario change pins the new scenario's runs beside the earlier pins",
          "[gui][compare][autopin]") {
    NEED_X();
    LiveWindow w({"pool", "--time-scale", "0.02", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.runFromStage(30));
    REQUIRE(w.openCompare());
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["rows"].size() == 1; }, 5));
    w.key("c");
    REQUIRE(w.waitFor([](const json& s) { return s["compare"]["on"] == false; }, 5));
    REQUIRE(pickScenario(w, "pool-sizes"));
    w.key("space");
    REQUIRE(w.waitFor([](const json& s) {
        return s["runs"].size() == 2 && s["status"] == "finished" && s["trace_finished"] == true;
    }, 30));
    REQUIRE(w.openCompare());
    CHECK(w.waitFor([](const json& s) { return s["compare"]["rows"].size() == 2; }, 5));
}

// Classroom walk (session 19): C pressed during a sweep showed the sweep's
// run with the Stats tab still on Predict (opened for the stage's question),
// asking "how long will it take?" over a run the class was watching.
TEST_CASE("presentation: leaving Compare during a sweep shows the sweep's run on This run, not the stage's question",
          "[gui][compare][sweepleave]") {
    NEED_X();
    LiveWindow w({"pool-sizes", "--time-scale", "0.2", "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor([](const json& st) { return st["stats_tab"] == "Predict"; }, 5));   // the stage asks
    REQUIRE(w.openCompare(10));
    const auto b = itemRect(w.state(), "Sweep");
    w.click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    REQUIRE(w.waitFor([](const json& st) {
        for (const json& r : st["runs"])
            if (r["live"] == true) return true;
        return false;
    }, 30));
    w.key("c");
    REQUIRE(w.waitFor([](const json& st) {
        bool timeline = false;
        for (const json& p : st["panels"]) timeline = timeline || p["name"] == "Timeline";
        return st["current_run"].get<int>() > 0 && timeline;
    }, 5));
    w.settle(3);
    const json s = w.state();
    INFO("current run " << s["current_run"] << ", tab " << s["stats_tab"]);
    CHECK(s["stats_tab"] == "This run");
}

// Newcomer walk (session 20): Plots' note named runs by number ("Not in the
// plots …: runs 21, 22") and the Session tab's # column too, but no Compare
// row said its number, so the class could not match them. Each row shows
// "run N" (the run's number in the session), whole, in both type sizes and
// both label layouts (above the row; the label column of many rows).
TEST_CASE("each Compare row shows its run number, whole, as the Session tab and Plots' note name it",
          "[gui][compare][runnumber]") {
    NEED_DISPLAY();
    for (const bool presentation : {false, true}) {
        TempDir dir;
        std::vector<std::string> args = {"--workers", presentation ? "1,2,4,8" : "1,2", "--work", "sleep,cpu",
                                         "--time-scale", "0.05", "--retries", "0"};
        if (presentation) args.push_back("--presentation");
        const json l = compareShot(args, dir);
        const json& rows = l["compare"]["rows"];
        REQUIRE(rows.size() == (presentation ? 8u : 4u));
        for (const json& panel : l["panels"]) {
            if (panel["name"] != "Compare") continue;
            INFO("presentation " << presentation << ": " << panel["lines"].dump());
            INFO("cut: " << panel["clipped_texts"].dump());
            CHECK(panel["clipped"] == false);
            CHECK(panel["overlapping_texts"].empty());
            std::set<int> numbers;
            for (const json& row : rows) {
                const int run = row["run"];
                numbers.insert(run);
                bool shown = false;
                for (const json& line : panel["lines"]) shown = shown || line == "run " + std::to_string(run);
                INFO("run " << run);
                CHECK(shown);
            }
            // The rows are the session's runs, each its own number.
            std::set<int> session;
            for (const json& r : l["runs"]) session.insert(r["number"].get<int>());
            CHECK(numbers == session);
        }
    }
}

// Newcomer walk (session 20): a cpu sweep on a busy machine answered "cpu: no
// answer, machine busy (51 %)" and what to do was only in a tooltip. The
// words on screen say it ("… sweep cpu again when they are closed") and
// Compare's "Sweep cpu again" runs the busy rows again, each against its busy
// run (the less busy kept), the quiet rows and the other work kind left as
// they are.
TEST_CASE("a cpu sweep on a busy machine says on screen what to do, and Sweep cpu again runs the busy rows again",
          "[gui][compare][sweeptip][busyagain]") {
    NEED_X();
    std::optional<LiveWindow> w;
    {
        CpuHogs hogs(3);
        REQUIRE(hogs.pids.size() == 3);
        w.emplace(std::vector<std::string>{"--compare", "pool-sizes", "--workers", "1,2", "--work", "cpu",
                                           "--time-scale", "0.2", "--retries", "0", "--presentation", "--size",
                                           "1280x720"});
        REQUIRE_FALSE(w->window.empty());
        REQUIRE(w->waitFor(
            [](const json& s) {
                int live = 0;
                for (const json& r : s["runs"]) live += r["live"] == true;
                return s["runs"].size() == 2 && live == 0 && s["compare"]["rows"].size() == 2 &&
                       s["compare"]["speedup"].size() == 2;
            },
            90));
    }
    w->settle();
    json s = w->state();
    INFO(s["compare"]["rows"].dump());
    bool anyBusy = false;
    for (const json& row : s["compare"]["rows"]) anyBusy = anyBusy || row["busy"] == true;
    REQUIRE(anyBusy);   // three loops on two cores: the cpu runs shared them
    // The words in the Plots panel (whichever form fits) say what to do, not only the tooltip.
    const std::string plots = panelLines(s, "Plots", " ");
    INFO(plots);
    CHECK(plots.find("cpu: no answer: ") != std::string::npos);
    const bool full = plots.find("sweep cpu again when they are closed") != std::string::npos;
    const bool brief = plots.find("close them, Sweep cpu again") != std::string::npos ||
                       plots.find("close it, Sweep cpu again") != std::string::npos;
    CHECK((full || brief));
    // And which programs to close (session 24): the hogs are three `sh` loops, still running.
    INFO(s["compare"]["answers"].dump());
    bool named = false;
    for (const json& a : s["compare"]["answers"])
        // First of the names ("sh took", "sh and 1 more", "sh, Process-12 and 1
        // more" when another program also ran): the hogs took the most.
        for (const char* after : {" ", ","})
            named = named || (a["work"] == "cpu" &&
                              a["brief"].get<std::string>().find(std::string(": no answer: sh") + after) != std::string::npos);
    CHECK(named);
    // The one click that does it.
    const auto b = itemRect(s, "Sweep cpu again");
    REQUIRE(b[2] > 0);
    int busyRows = 0;
    for (const json& row : s["compare"]["rows"]) busyRows += row["busy"] == true;
    w->click(b[0] + b[2] / 2, b[1] + b[3] / 2);
    // Each busy row runs once more (--retries 0), one run at a time.
    int maxLive = 0;
    REQUIRE(w->waitFor(
        [&](const json& st) {
            int live = 0;
            for (const json& r : st["runs"]) live += r["live"] == true;
            maxLive = std::max(maxLive, live);
            return st["runs"].size() == 2u + static_cast<std::size_t>(busyRows) && live == 0 &&
                   st["compare"]["rows"].size() == 2 && panelLines(st, "Controls").find("sweep: ") == std::string::npos;
        },
        90));
    w->settle();
    s = w->state();
    CHECK(maxLive <= 1);
    INFO(s["compare"]["rows"].dump());
    REQUIRE(s["compare"]["rows"].size() == 2);
    int twice = 0;
    for (const json& row : s["compare"]["rows"]) twice += row["attempts"] == 2;
    CHECK(twice == busyRows);   // each busy row: its old run and the new one, the less busy kept
}

TEST_CASE("presentation's Compare rows say oversubscription in the row, not only in a tooltip", "[gui][compare][oversub]") {
    // Newcomer walk, session 24 (finding 6): with the rows' labels in the left
    // column (presentation, 4 rows and more) the 4- and 8-worker cpu rows said
    // "oversubscribed" only in a tooltip, which covered the Plots' 2-worker point.
    // Eight rows (sleep and cpu) put the labels in the left column.
    NEED_DISPLAY();
    TempDir dir;
    const json l = compareShot({"--workers", "1,2,4,8", "--work", "sleep,cpu", "--time-scale", "0.1", "--presentation",
                                "--size", "1280x720"},
                               dir);
    int said = 0;
    for (const json& p : l["panels"])
        if (p["name"] == "Compare")
            for (const json& line : p["lines"]) said += line.get<std::string>().rfind("oversubscribed", 0) == 0 ? 1 : 0;
    INFO(l["panels"].dump());
    CHECK(said == 2);   // the 4- and 8-worker rows on 2 cores; never the 1- and 2-worker ones
}
