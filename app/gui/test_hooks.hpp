#pragma once
// The window's hooks for tests and captures, kept out of the product's state:
//  - --screenshot: when the frame to capture has come (the run ended, or the
//    run clock reached --screenshot-at, after a few settled frames);
//  - the hidden --test-pause-at: press Pause S seconds after the run starts
//    and Resume after --test-pause-for, recording the paused workers' pids;
//  - --layout-json / the hidden --test-dump: what was drawn where, the
//    session's runs and the Stats numbers (docs/layout-json.md).
#include "gui/options.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parviz::gui {

class GuiApp;

// What --test-pause-at did (for --layout-json).
struct TestPauseRecord {
    bool paused = false, resumed = false;
    double pausedAtS = 0, wallPausedS = 0;            // wall seconds since the run started; length of the pause
    std::vector<std::pair<std::string, std::uint64_t>> workers;   // live workers' names and pids when paused
};

class TestHooks {
public:
    explicit TestHooks(const GuiOptions& opts) : m_opts(opts) {}
    // Once per frame, after the runs were updated and before drawing.
    void beforeDraw(GuiApp& app);
    // Once per frame, after drawing: decides whether this frame is captured.
    void afterDraw(GuiApp& app);
    bool wantsScreenshotNow() const noexcept { return m_captureThisFrame; }
    const TestPauseRecord& pause() const noexcept { return m_pause; }
    // Writes the layout record of the last frame; false when it cannot.
    bool writeLayoutJson(GuiApp& app, const std::string& path);

private:
    void drivePause(GuiApp& app);

    const GuiOptions& m_opts;
    TestPauseRecord m_pause;
    int m_pauseRun = 0;                    // the run number the pause is for
    std::chrono::steady_clock::time_point m_pausedAt{};
    bool m_captureThisFrame = false;
    int m_framesAfterDone = 0;
};

} // namespace parviz::gui
