#pragma once
// The OS window: GLFW + an OpenGL 3.3 core context + Dear ImGui with its GLFW
// and OpenGL3 backends, fonts for every offered type size, themes, and a
// read-back of the back buffer for screenshots.
//
// Lifetime: construct (throws NoDisplay or std::runtime_error), call
// beginFrame()/endFrame() in a loop while !shouldClose(), destroy.
#include "gui/options.hpp"

#include <stdexcept>
#include <string>

struct GLFWwindow;
struct ImFont;

namespace parviz::gui {

// No X display: the caller prints how to run headless and exits 2.
struct NoDisplay : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Type sizes offered; each is rasterised at start-up (imgui 1.86 cannot
// resize a font on the fly).
enum class TypeSize : std::uint8_t { Normal, Large };

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
    void present();
    // Writes the back buffer (just rendered) as PNG. Returns false with a message.
    bool writePng(const std::string& path, std::string& error) const;

    void setTheme(Theme t);
    Theme theme() const noexcept { return m_theme; }
    void setTypeSize(TypeSize s);
    TypeSize typeSize() const noexcept { return m_typeSize; }
    ImFont* font(TypeSize s) const noexcept { return s == TypeSize::Large ? m_fontLarge : m_fontNormal; }
    const std::string& fontWarning() const noexcept { return m_fontWarning; }

    GLFWwindow* handle() const noexcept { return m_window; }
    int framebufferWidth() const;
    int framebufferHeight() const;

private:
    void loadFonts();

    GLFWwindow* m_window = nullptr;
    bool m_imguiReady = false;
    Theme m_theme = Theme::Dark;
    TypeSize m_typeSize = TypeSize::Normal;
    ImFont* m_fontNormal = nullptr;
    ImFont* m_fontLarge = nullptr;
    std::string m_fontWarning;
};

} // namespace parviz::gui
