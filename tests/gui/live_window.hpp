#pragma once
// The real window driven with real mouse and key events (xdotool, under the
// test's Xvfb). The window writes what it shows after every frame (hidden
// --test-dump, the --layout-json format, docs/layout-json.md), and a test
// reads where to click from there.
#include "gui_support.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

namespace guitest {

inline std::string runCommand(const std::string& cmd) {
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[256];
        while (fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

inline bool haveXdotool() { return std::system("command -v xdotool >/dev/null 2>&1") == 0; }

// The window under test: started visible, found by xdotool, stopped at the end.
struct LiveWindow {
    TempDir dir;
    pid_t pid = -1;
    std::string window;   // X window id
    std::string dump;

    // tail: arguments after the window's own (--trace-python SCRIPT ARGS... must come last).
    explicit LiveWindow(const std::vector<std::string>& args, const std::vector<std::string>& tail = {}) {
        dump = dir.file("dump.json");
        std::vector<std::string> all = {"gui"};
        all.insert(all.end(), args.begin(), args.end());
        all.push_back("--test-dump");
        all.push_back(dump);
        all.insert(all.end(), tail.begin(), tail.end());
        pid = spawnParviz(all, dir.path, 120);
        for (int i = 0; i < 300 && !fs::exists(dump); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        // pid is `timeout`; the window's _NET_WM_PID is parviz's, its child. Never waits forever.
        const std::string child = runCommand("pgrep -P " + std::to_string(pid) + " | head -n 1");
        if (!child.empty())
            window = runCommand("timeout 10 xdotool search --sync --onlyvisible --pid " + child + " 2>/dev/null | tail -n 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));   // a few frames with the window mapped
    }
    ~LiveWindow() {
        if (pid <= 0) return;
        // pid is `timeout`; stop the window under it, and timeout ends with it.
        const std::string child = runCommand("pgrep -P " + std::to_string(pid) + " | head -n 1");
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
    // Presses Run (Space) and waits up to `seconds` until the run has ended
    // and its trace is whole.
    bool runToEnd(double seconds) const {
        key("space");
        return waitFor([](const json& st) { return st["status"] == "finished" && st["trace_finished"] == true; }, seconds);
    }
    // The class's path: the stage settled, Space (pressed again if a busy
    // machine lost it), then the run to its end within `seconds`, settled.
    // False if it never started or did not end.
    bool runFromStage(double seconds) const {
        std::this_thread::sleep_for(std::chrono::milliseconds(800));   // the stage, settled
        bool started = false;
        for (int i = 0; i < 3 && !started; ++i) {
            key("space");
            started = waitFor([](const json& st) { return st["status"] != "not started"; }, 10);
        }
        if (!started || !waitFor([](const json& st) { return st["status"] == "finished" && st["trace_finished"] == true; },
                                 seconds))
            return false;
        settle(6);
        return true;
    }
    // C, as the class presses it, then the Compare view on screen within
    // `seconds`. False if it never showed.
    bool openCompare(double seconds = 10) const {
        key("c");
        return waitFor([](const json& st) { return st["compare"]["on"] == true; }, seconds);
    }
    // The window's frame counter (the dump's "frame").
    std::uint64_t frame() const {
        const json s = state();
        return s.contains("frame") ? s["frame"].get<std::uint64_t>() : 0;
    }
    // After an input: waits until the window has drawn `frames` more frames,
    // so the next state() shows the input handled however slow the machine
    // is (a queued press is handed to ImGui one per frame). Never forever.
    void settle(int frames = 4) const {
        const std::uint64_t from = frame();
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (std::chrono::steady_clock::now() < until && frame() < from + static_cast<std::uint64_t>(frames))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    void click(float x, float y, int times = 1) const {
        // Move first and let a frame see the pointer there, as a hand would.
        runCommand("xdotool mousemove --window " + window + " " + std::to_string(static_cast<int>(x)) + " " +
            std::to_string(static_cast<int>(y)));
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        settle(2);
        runCommand("xdotool click --repeat " + std::to_string(times) + " --delay 90 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        settle(2 * times + 2);
    }
    // A tap as xdotool's `key` sends it: press and release a few ms apart,
    // inside one frame of a busy window.
    void tap(const std::string& k) const {
        runCommand("xdotool key --window " + window + " " + k);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        settle();
    }
    void typeText(const std::string& text) const {
        runCommand("xdotool type --window " + window + " --delay 15 " + shellQuote(text));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        settle(static_cast<int>(2 * text.size()) + 2);
    }
    // Held for 100 ms as a hand does: ImGui 1.86 reads keys as "down" once
    // per frame, so a press and release inside one frame (xdotool's default)
    // can go unseen by a window drawing at 30 fps.
    void key(const std::string& k) const {
        runCommand("xdotool keydown --window " + window + " " + k);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        runCommand("xdotool keyup --window " + window + " " + k);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        settle();
    }
};

// A Python program written into `dir` for --trace-python: its path.
inline std::string writeScript(const TempDir& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.file(name);
    std::ofstream(path) << text;
    return path;
}

// A widget's rect [x, y, w, h] from the dump (first match in any panel); a
// Predict choice may also be named by its task alone ("D" for "D (3.00 s)").
// The first process lane's tasks row (layout-json "rows"): the plot's x
// range and the row's middle y, and the x of a moment of the view on it, so a
// test clicks the timeline at a time as a person would.
struct TasksRow {
    double x0 = 0, x1 = 0, y = 0, begin = 0, end = 0;
    float xAt(double seconds) const { return static_cast<float>(x0 + (seconds - begin) / (end - begin) * (x1 - x0)); }
};
inline TasksRow firstTasksRow(const json& s) {
    TasksRow t;
    for (const json& r : s["rows"])
        if (r["lane"] == "proc" && r["row"] == "tasks") {
            t.x0 = r["x0"].get<double>();
            t.x1 = r["x1"].get<double>();
            t.y = (r["y0"].get<double>() + r["y1"].get<double>()) / 2;
            break;
        }
    t.begin = s["view"]["begin_s"].get<double>();
    t.end = s["view"]["end_s"].get<double>();
    return t;
}

inline std::array<float, 4> itemRect(const json& s, const std::string& text) {
    for (const bool exact : {true, false})
        for (const json& p : s["panels"])
            for (const json& it : p["items"]) {
                const std::string t = it["text"];
                if (exact ? t == text : t.rfind(text + " (", 0) == 0)
                    return {it["rect"][0].get<float>(), it["rect"][1].get<float>(), it["rect"][2].get<float>(),
                            it["rect"][3].get<float>()};
            }
    FAIL("no item " << text);
    return {};
}

inline std::array<float, 4> panelRect(const json& s, const std::string& name) {
    for (const json& p : s["panels"])
        if (p["name"] == name) return {p["rect"][0].get<float>(), p["rect"][1].get<float>(), p["rect"][2].get<float>(),
                                       p["rect"][3].get<float>()};
    FAIL("no panel " << name);
    return {};
}

// The lines of the panel named `name` in a layout, each followed by `sep`
// ("" when no panel has that name).
inline std::string panelLines(const json& s, const std::string& name, const std::string& sep = "\n") {
    std::string out;
    for (const json& p : s["panels"])
        if (p["name"] == name)
            for (const json& l : p["lines"]) out += l.get<std::string>() + sep;
    return out;
}

// The box around every item whose text starts with `prefix` (an open list's
// entries), as {left, top, right, bottom}; {1e9, 1e9, -1e9, -1e9} when none.
inline std::array<float, 4> itemsBounds(const json& s, const std::string& prefix) {
    std::array<float, 4> b{1e9f, 1e9f, -1e9f, -1e9f};
    for (const json& p : s["panels"])
        for (const json& it : p["items"])
            if (it["text"].get<std::string>().rfind(prefix, 0) == 0) {
                const float x = it["rect"][0].get<float>(), y = it["rect"][1].get<float>();
                b[0] = std::min(b[0], x);
                b[1] = std::min(b[1], y);
                b[2] = std::max(b[2], x + it["rect"][2].get<float>());
                b[3] = std::max(b[3], y + it["rect"][3].get<float>());
            }
    return b;
}

// Chooses scenario `name` in the toolbar's scenario picker (the Controls
// panel's first widget) with real clicks, twice at most (a click can land
// while the popup opens), then moves the pointer off the controls. False
// when the window did not take it.
inline bool pickScenario(const LiveWindow& w, const std::string& name) {
    bool chosen = false;
    for (int attempt = 0; attempt < 2 && !chosen; ++attempt) {
        const json st = w.state();
        json r;
        for (const json& p : st["panels"])
            if (p["name"] == "Controls") r = p["items"][0]["rect"];
        REQUIRE(r.is_array());
        w.click(r[0].get<float>() + r[2].get<float>() / 2, r[1].get<float>() + r[3].get<float>() / 2);
        REQUIRE(w.waitFor([&](const json& s) {
            for (const json& p : s["panels"])
                for (const json& it : p["items"])
                    if (it["text"] == "scenario " + name) return true;
            return false;
        }, 3));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));   // the popup settles
        const auto e = itemRect(w.state(), "scenario " + name);
        w.click(e[0] + e[2] / 2, e[1] + e[3] / 2);
        chosen = w.waitFor([&](const json& s) { return s["scenario_option"] == name; }, 3);
        if (!chosen) w.key("Escape");
    }
    runCommand("xdotool mousemove --window " + w.window + " 640 700");
    return chosen;
}

#define NEED_X()                                                                  \
    if (!haveDisplay() || !haveXdotool()) {                                       \
        FAIL("needs a display and xdotool (scripts/test provides both)");         \
        return;                                                                   \
    }

} // namespace guitest
