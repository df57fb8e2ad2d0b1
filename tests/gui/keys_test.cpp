// The real window driven with real mouse and key events (xdotool, under the
// test's Xvfb): after using a combo, or clicking the timeline before the
// first run, Space still starts a run and the panels follow it; two quick
// clicks on "+" count twice (issue 11, findings 1 and 16). The window writes
// what it shows after every frame (hidden --test-dump, the --layout-json
// format), and the test reads where to click from there.
#include "gui_support.hpp"

#include <chrono>
#include <thread>

using namespace guitest;

namespace {

std::string run(const std::string& cmd) {
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[256];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

bool haveXdotool() { return std::system("command -v xdotool >/dev/null 2>&1") == 0; }

// The window under test: started visible, found by xdotool, stopped at the end.
struct LiveWindow {
    TempDir dir;
    pid_t pid = -1;
    std::string window;   // X window id
    std::string dump;

    explicit LiveWindow(const std::vector<std::string>& args) {
        dump = dir.file("dump.json");
        std::vector<std::string> all = {"gui"};
        all.insert(all.end(), args.begin(), args.end());
        all.push_back("--test-dump");
        all.push_back(dump);
        pid = spawnParviz(all, dir.path, 120);
        for (int i = 0; i < 300 && !fs::exists(dump); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        // pid is `timeout`; the window's _NET_WM_PID is parviz's, its child. Never waits forever.
        const std::string child = run("pgrep -P " + std::to_string(pid) + " | head -n 1");
        if (!child.empty())
            window = run("timeout 10 xdotool search --sync --onlyvisible --pid " + child + " 2>/dev/null | tail -n 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));   // a few frames with the window mapped
    }
    ~LiveWindow() {
        if (pid <= 0) return;
        // pid is `timeout`; stop the window under it, and timeout ends with it.
        const std::string child = run("pgrep -P " + std::to_string(pid) + " | head -n 1");
        if (!child.empty()) kill(static_cast<pid_t>(std::stol(child)), SIGTERM);
        (void)waitParviz(pid, dir.path);
    }
    json state() const {
        for (int i = 0; i < 50; ++i) {
            try {
                return json::parse(slurp(dump));
            } catch (const std::exception&) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        }
        FAIL("cannot read " << dump);
        return {};
    }
    // Waits up to `seconds` for pred(state()).
    template <class Pred>
    bool waitFor(Pred pred, double seconds) const {
        const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < until) {
            if (pred(state())) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    void click(float x, float y, int times = 1) const {
        // Move first and let a frame see the pointer there, as a hand would.
        run("xdotool mousemove --window " + window + " " + std::to_string(static_cast<int>(x)) + " " +
            std::to_string(static_cast<int>(y)));
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        run("xdotool click --repeat " + std::to_string(times) + " --delay 90 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    void key(const std::string& k) const {
        run("xdotool key --window " + window + " " + k);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
};

// A widget's rect [x, y, w, h] from the dump (first match in any panel).
std::array<float, 4> itemRect(const json& s, const std::string& text) {
    for (const json& p : s["panels"])
        for (const json& it : p["items"])
            if (it["text"] == text) return {it["rect"][0].get<float>(), it["rect"][1].get<float>(), it["rect"][2].get<float>(),
                                            it["rect"][3].get<float>()};
    FAIL("no item " << text);
    return {};
}

std::array<float, 4> panelRect(const json& s, const std::string& name) {
    for (const json& p : s["panels"])
        if (p["name"] == name) return {p["rect"][0].get<float>(), p["rect"][1].get<float>(), p["rect"][2].get<float>(),
                                       p["rect"][3].get<float>()};
    FAIL("no panel " << name);
    return {};
}

#define NEED_X()                                                                  \
    if (!haveDisplay() || !haveXdotool()) {                                       \
        WARN("needs a display and xdotool (scripts/test provides both)");         \
        return;                                                                   \
    }

} // namespace

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
