// Window tests: run the real parviz window under Xvfb (scripts/test provides
// the display), let it write screenshots and its lane layout, and check the
// pixels where content must be.
#include "gui_support.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <stb_image.h>

#include "parviz/views.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

using namespace guitest;

namespace {

std::vector<std::string> builtins() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(fs::path(PARVIZ_ASSETS_DIR) / "scenarios"))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

TEST_CASE("every built-in scenario runs to completion in the window and its screenshot is written", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    const auto names = builtins();
    REQUIRE(!names.empty());
    for (const std::string& name : names) {
        DYNAMIC_SECTION(name) {
            TempDir dir;
            const Result r = runParviz({"gui", name, "--time-scale", "0.05", "--screenshot", dir.file("shot.png")},
                                       dir.path);
            INFO(r.err);
            REQUIRE(r.exitCode == 0);
            const Image img = loadPng(dir.file("shot.png"));
            CHECK(img.w == 1280);
            CHECK(img.h == 720);
        }
    }
}

TEST_CASE("parviz opens the window without the word gui: `parviz NAME flags` and `parviz --flag NAME`", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    const std::vector<std::vector<std::string>> forms{
        {"pool", "--time-scale", "0.05", "--presentation"},
        {"--presentation", "pool", "--time-scale", "0.05"},
    };
    for (std::size_t i = 0; i < forms.size(); ++i) {
        auto args = forms[i];
        const std::string shot = dir.file("form" + std::to_string(i) + ".png");
        const std::string layout = dir.file("form" + std::to_string(i) + ".json");
        args.insert(args.end(), {"--screenshot", shot, "--layout-json", layout});
        const Result r = runParviz(args, dir.path);
        INFO("form " << i << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        CHECK(loadPng(shot).w == 1280);
        CHECK(json::parse(slurp(layout)).at("font_px").get<double>() >= 24.0);   // --presentation was honoured
    }
    // A mistyped command is not taken for a scenario.
    const Result typo = runParviz({"lsit"}, dir.path, 30);
    CHECK(typo.exitCode == 2);
    CHECK(typo.err.find("lsit: unknown command") != std::string::npos);
}

namespace {
// Runs a scenario in the window to its end and returns the worker-coloured
// fraction of its core lanes in the screenshot.
double coreWorkerFractionOf(const std::string& scenario, const TempDir& dir) {
    const Result r = runParviz({"gui", scenario, "--time-scale", "0.2", "--screenshot", dir.file(scenario + ".png"),
                                "--layout-json", dir.file(scenario + ".json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return coreWorkerFraction(loadPng(dir.file(scenario + ".png")), json::parse(slurp(dir.file(scenario + ".json"))));
}
} // namespace

TEST_CASE("with CPU work the core lanes are mostly worker colours; with sleep work mostly empty", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    SECTION("pool-cpu") {
        const double f = coreWorkerFractionOf("pool-cpu", dir);
        INFO("worker-coloured fraction of the core lanes: " << f);
        // Other programs on the machine take their share of the cores too.
        CHECK(f > 0.4);
    }
    SECTION("pool (sleep)") {
        const double f = coreWorkerFractionOf("pool", dir);
        INFO("worker-coloured fraction of the core lanes: " << f);
        CHECK(f < 0.15);
    }
}

TEST_CASE("mid-run the queue panel shows the waiting items as boxes", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    // Pool(2) over A..D with time scale 0.2: B ends at 0.4 s, so at 0.2 s C and D wait.
    const Result r = runParviz({"gui", "pool", "--time-scale", "0.2", "--screenshot", dir.file("mid.png"),
                                "--screenshot-at", "0.2", "--layout-json", dir.file("mid.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const Image img = loadPng(dir.file("mid.png"));
    const json q = json::parse(slurp(dir.file("mid.json")))["queue"];
    long boxFill = 0;
    for (int y = static_cast<int>(q["y0"].get<double>()); y < static_cast<int>(q["y1"].get<double>()); ++y)
        for (int x = static_cast<int>(q["x0"].get<double>()); x < static_cast<int>(q["x1"].get<double>()); ++x)
            if (near(img.at(x, y), 45, 48, 54, 2)) ++boxFill;   // the dark theme's box fill
    INFO("box-fill pixels in the queue panel: " << boxFill);
    // Boxes fit their value; a one-letter one is at least 2.6 x 1.7 em (42 x 27 px,
    // about 800 fill pixels inside its border around the letter): at least two boxes.
    CHECK(boxFill > 1300);
}

TEST_CASE("a saved run reopens with the same stats, and a truncated one is refused", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    const std::string run = dir.file("pool.pvz");
    const Result saved = runParviz({"run", "pool", "--time-scale", "0.05", "--save-run", run, "--summary-json",
                                    dir.file("summary.json")},
                                   dir.path);
    INFO(saved.err);
    REQUIRE(saved.exitCode == 0);
    const json summary = json::parse(slurp(dir.file("summary.json")));

    SECTION("reopened: no process, same makespan") {
        const Result r = runParviz({"gui", "--open", run, "--screenshot", dir.file("open.png"), "--layout-json",
                                    dir.file("open.json")},
                                   dir.path);
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        const json st = json::parse(slurp(dir.file("open.json")))["stats"];
        REQUIRE(st["has_makespan"].get<bool>());
        CHECK(st["makespan_ns"].get<double>() / 1e9 == Approx(summary["makespan_s"].get<double>()).margin(1e-6));
        CHECK(st["tasks_done"].get<int>() == 4);
    }
    SECTION("truncated: a message naming the file, exit 2") {
        const std::string bytes = slurp(run);
        REQUIRE(bytes.size() > 100);
        const std::string cut = dir.file("cut.pvz");
        std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        const Result r = runParviz({"gui", "--open", cut, "--screenshot", dir.file("cut.png")}, dir.path);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("cut.pvz") != std::string::npos);
        CHECK(!fs::exists(dir.file("cut.png")));
    }
}

TEST_CASE("without a display the window says how to run headless and exits 2", "[gui]") {
    TempDir dir;
    const Result r = runParviz({"gui", "pool"}, dir.path, 30, "env -u DISPLAY -u WAYLAND_DISPLAY ");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("xvfb-run") != std::string::npos);
}


TEST_CASE("Pause from the window really stops the worker processes, and the makespan leaves the pause out", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    const std::string layout = dir.file("pause.json");
    // Pool(2) over A..D at time scale 0.2: makespan about 1.2 s unpaused. The
    // window presses Pause 0.5 s in (the same action as the button) and Resume
    // 1.5 s later; meanwhile this test reads the workers' states from /proc.
    const pid_t child = spawnParviz({"gui", "pool", "--time-scale", "0.2", "--test-pause-at", "0.5", "--test-pause-for",
                                     "1.5", "--screenshot", dir.file("pause.png"), "--layout-json", layout},
                                    dir.path);
    REQUIRE(child > 0);
    const std::string pausedFile = layout + ".paused";
    for (int i = 0; i < 600 && !fs::exists(pausedFile); ++i) usleep(20'000);
    std::vector<long> pids;
    std::string states;
    if (fs::exists(pausedFile)) {
        std::istringstream in(slurp(pausedFile));
        long pid = 0;
        std::string name;
        while (in >> pid >> name) pids.push_back(pid);
        // SIGSTOP is delivered asynchronously: give it a moment, well inside the pause.
        for (int tries = 0; tries < 25; ++tries) {
            states.clear();
            for (long p : pids) states += procState(p);
            if (!pids.empty() && states.find_first_not_of('T') == std::string::npos) break;
            usleep(20'000);
        }
    }
    const Result r = waitParviz(child, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    REQUIRE(fs::exists(pausedFile));
    INFO("worker states while paused: " << states);
    CHECK(pids.size() == 2);
    CHECK(states == std::string(pids.size(), 'T'));
    // Resumed: the workers ran on and the run finished.
    const json out = json::parse(slurp(layout));
    REQUIRE(out.contains("test_pause"));
    CHECK(out["test_pause"]["resumed"].get<bool>());
    const double paused = out["test_pause"]["wall_paused_s"].get<double>();
    CHECK(paused >= 1.5);
    const json st = out["stats"];
    REQUIRE(st["has_makespan"].get<bool>());
    CHECK(st["tasks_done"].get<int>() == 4);
    const double makespan = st["makespan_ns"].get<double>() / 1e9;
    INFO("makespan " << makespan << " s, paused " << paused << " s");
    CHECK(makespan == Approx(1.2).margin(0.25));   // would be 2.7 s with the pause counted
}

TEST_CASE("killing a worker from the command line in the window: the run finishes, the failure is shown, exit 0", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    // ForkPoolWorker-1 takes B (0-2 s) then C (2-3 s): killed 2.5 s in, inside C.
    const Result r = runParviz({"gui", "pool", "--time-scale", "0.1", "--kill-worker", "ForkPoolWorker-1@2.5",
                                "--screenshot", dir.file("kill.png"), "--layout-json", dir.file("kill.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const Image img = loadPng(dir.file("kill.png"));
    CHECK(img.w == 1280);
    const json st = json::parse(slurp(dir.file("kill.json")))["stats"];
    CHECK(st["killed"] == json::array({"ForkPoolWorker-1"}));
    CHECK(st["tasks_failed"].get<int>() >= 1);
    // The pool carries on: the other tasks still get done.
    CHECK(st["tasks_done"].get<int>() >= 3);
}

TEST_CASE("the Stats panel names a task killed with its worker once, in the summary's words", "[gui]") {
    if (!haveDisplay()) {
        WARN("no DISPLAY: run under xvfb-run (scripts/test does)");
        return;
    }
    TempDir dir;
    const Result r = runParviz({"gui", "pool", "--time-scale", "0.1", "--kill-worker", "ForkPoolWorker-1@2.5",
                                "--screenshot", dir.file("kill.png"), "--layout-json", dir.file("kill.json")},
                               dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const json st = json::parse(slurp(dir.file("kill.json")))["stats"];
    // The panel's failure lines are the run model's (describeFailures), as in `parviz run`'s summary.
    REQUIRE(st["failures"].size() == 1);
    const std::string line = st["failures"][0];
    CHECK(line.rfind("task ", 0) == 0);
    CHECK(line.find(" failed: ForkPoolWorker-1 (pid ") != std::string::npos);
    CHECK(line.find("was killed by SIGKILL (signal 9) while running it") != std::string::npos);
    CHECK(st["tasks_failed"] == 1);
}

TEST_CASE("gui help documents --kill-worker and the exit codes", "[gui]") {
    TempDir dir;
    const Result r = runParviz({"gui", "--help"}, dir.path, 30);
    CHECK(r.exitCode == 0);
    const std::string out = slurp(dir.file("stdout.txt"));
    CHECK(out.find("--kill-worker") != std::string::npos);
    CHECK(out.find("Exit codes") != std::string::npos);
    CHECK(out.find("--test-pause") == std::string::npos);   // a test hook, not for users
}
