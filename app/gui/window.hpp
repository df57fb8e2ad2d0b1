#pragma once
// The OS window: GLFW + an OpenGL 3.3 core context + Dear ImGui with its GLFW
// and OpenGL3 backends, fonts for every offered type size, themes, and a
// read-back of the back buffer for screenshots.
//
// Lifetime: construct (throws NoDisplay or std::runtime_error), call
// beginFrame()/endFrame() in a loop while !shouldClose(), destroy.
#include "gui/options.hpp"

#include <stdexcept>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct GLFWwindow;
struct ImFont;

namespace parviz::gui {

// No X display: the caller prints how to run headless and exits 2.
struct NoDisplay : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Normal type, or presentation (large type for a projector). Either way the
// pixel size follows the window's size (typePx); imgui 1.86 cannot resize a
// font on the fly, so a ladder of sizes is rasterised at start-up.
enum class TypeSize : std::uint8_t { Normal, Large };

// The type size in pixels for a window of w x h: normal type is 16 px at
// 1280x720 and grows with the window (24 px at 1920x1080); presentation type
// is 24 px at 1280x720 (36 px at 1920x1080). Never below 13 px.
float typePx(TypeSize s, float w, float h) noexcept;

class Window {
public:
    Window(int width, int height, bool visible, const char* title);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    bool shouldClose() const;
    void requestClose();
    // Polls events (waiting up to waitSeconds when > 0) and starts an ImGui frame.
    void beginFrame(double waitSeconds);
    // Renders ImGui's draw data into the back buffer; call readPixels() (if
    // needed) and then present().
    void render();
    // Swaps the frame to the screen. The window is created hidden; a window
    // constructed visible is shown by the first present(true), with that
    // frame: pass true once a frame is worth showing (laid out, not a first
    // guess), so it never shows black or half-laid-out content.
    void present(bool showNow = true);
    // Whether the window is to be shown but is not yet: the loop draws
    // without waiting for events until it is (a hidden window gets none).
    // And for a couple of frames after it is shown (see present()).
    bool awaitingShow() const noexcept {
        return m_showWithFrame && (!m_shown || m_framesAfterShow < kFramesAtOnceAfterShow);
    }
    bool shown() const noexcept { return m_shown; }
    // Writes the back buffer (just rendered) as PNG. Returns false with a message.
    bool writePng(const std::string& path, std::string& error) const;

    void setTheme(Theme t);
    Theme theme() const noexcept { return m_theme; }
    void setTypeSize(TypeSize s);
    TypeSize typeSize() const noexcept { return m_typeSize; }
    // Paddings, spacings and the scrollbar in proportion to the type (fs px),
    // so the layout scales with the window as the type does. Once per frame.
    void scaleStyle(float fs);
    // The largest rasterised font not above px (the smallest if none is).
    // beginFrame has rasterised the one typePx asks for at this window size.
    ImFont* fontFor(float px) const noexcept;
    // The ladder step (13–48 px) a type of px is drawn at.
    static float fontStep(float px) noexcept;
    const std::string& fontWarning() const noexcept { return m_fontWarning; }

    GLFWwindow* handle() const noexcept { return m_window; }
    int framebufferWidth() const;
    int framebufferHeight() const;

private:
    // Rasterises the ladder step for px into the atlas unless it is there
    // (between frames only: the atlas is locked inside one). Sizes are added
    // as the window asks for them: all 13 at start cost 0.3–0.5 s and a 16 MB
    // texture, one costs a few ms.
    void ensureFont(float px);
    static void onMouseButton(GLFWwindow* w, int button, int action, int mods);
    static void onKey(GLFWwindow* w, int key, int scancode, int action, int mods);
    // Hands ImGui at most one queued press this frame; returns where the
    // pointer must read this frame (the press's or the release's place), or
    // nothing for the live pointer. Sets m_down / m_pressNow.
    std::optional<std::pair<double, double>> deliverOnePress();
    void deliverKeys();

    GLFWwindow* m_window = nullptr;
    bool m_imguiReady = false;
    bool m_showWithFrame = false;   // constructed visible: shown by present()
    bool m_shown = false;
    int m_framesPresented = 0;
    static constexpr int kFramesAtOnceAfterShow = 3;
    int m_framesAfterShow = 0;
    Theme m_theme = Theme::Dark;
    TypeSize m_typeSize = TypeSize::Normal;
    std::vector<std::pair<float, ImFont*>> m_fonts;   // ascending size
    bool m_deviceReady = false;   // shaders + font texture created
    std::string m_fontWarning;
    // Mouse presses waiting for ImGui: imgui 1.86 sees the buttons once per
    // frame, so two presses within one frame (a quick double click on "+"
    // while the machine is busy) would count once. They are handed over one
    // per frame with a frame between them in which the button is up.
    // Each press keeps where the pointer was when it happened: on a slow
    // frame the pointer may have moved on since (a click that ends on a new
    // place), or reached the press's place in the same frame — and a tab (an
    // item that allows overlap) takes no click in the first frame the pointer
    // is over it. So a press is handed over where it happened, one frame after
    // the pointer has read that place; the frame after it reads the release's place.
    struct Press {
        int button, mods;
        double x, y;
        bool released = false;   // its release has happened, at (rx, ry)
        double rx = 0, ry = 0;
    };
    std::deque<Press> m_presses;
    bool m_gapFrame = false;
    bool m_released = false;   // the press handed over last has been released, at m_releaseAt
    std::pair<double, double> m_releaseAt{0, 0};
    // The buttons as ImGui reads them, which this window owns (the backend's
    // glfwGetMouseButton is the live button: down in the frame that only
    // moves the pointer to a queued press's place, it made that the press).
    static constexpr int kButtons = 5;
    bool m_down[kButtons] = {};    // a handed-over press not yet released
    int m_pressNow = -1;           // the button pressed in this frame
    std::pair<double, double> m_lastPointer{-1e30, -1e30};   // where the pointer read last frame
    // Key presses and releases waiting for ImGui, for the same reason: 1.86
    // keeps only whether a key is down, so a tap whose press and release fall
    // in one frame (xdotool's `key`, a quick finger on a busy laptop) was
    // never seen. Each frame hands over events in order and stops before a
    // second change of the same key: a tap is down for one whole frame.
    struct KeyEvent { int key, scancode, action, mods; };
    std::deque<KeyEvent> m_keys;
};

} // namespace parviz::gui
