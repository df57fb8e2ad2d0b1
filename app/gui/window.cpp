#include "gui/window.hpp"

#include "cli/startup_timing.hpp"
#include "gui/palette.hpp"

#include <glad/gl.h>
// glad first, then GLFW (GLFW_INCLUDE_NONE is defined by CMake).
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace parviz::gui {
namespace {

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
// The ladder of rasterised sizes (typePx picks from it).
constexpr float kFontPx[] = {13, 14, 16, 18, 20, 22, 24, 26, 28, 32, 36, 40, 48};

void glfwErrorToStderr(int code, const char* msg) {
    // Printed only when start-up fails; a working window stays quiet.
    (void)code;
    (void)msg;
}

ImVec4 v4(Rgb c, float a = 1.0f) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, a); }

// The X window's own background pixel, which the X server paints the moment
// it maps the window, before any GL frame reaches it. GLFW leaves it None, so
// a window showed black (or whatever was under it) until its first swap after
// the map landed: with Mesa's llvmpipe under Xvfb that swap took 0.4 s at
// load 5 (0.5-0.9 s of a black window for `parviz gui` and `parviz trace
// --gui` alike, bench/first_frame.py). With it the window is the theme's
// background from its first pixel. Looked up at run time: libX11 is already
// loaded by an X11 GLFW, and no X11 headers are needed to build; under
// Wayland (or a GLFW without X11) the symbols are absent and nothing changes.
void setNativeBackground(GLFWwindow* w, Rgb c) {
    using GetDisplay = void* (*)();
    using GetWindow = unsigned long (*)(GLFWwindow*);
    using SetBackground = int (*)(void*, unsigned long, unsigned long);
    using Flush = int (*)(void*);
    auto getDisplay = reinterpret_cast<GetDisplay>(dlsym(RTLD_DEFAULT, "glfwGetX11Display"));
    auto getWindow = reinterpret_cast<GetWindow>(dlsym(RTLD_DEFAULT, "glfwGetX11Window"));
    auto setBackground = reinterpret_cast<SetBackground>(dlsym(RTLD_DEFAULT, "XSetWindowBackground"));
    auto flush = reinterpret_cast<Flush>(dlsym(RTLD_DEFAULT, "XFlush"));
    if (!getDisplay || !getWindow || !setBackground || !flush) return;
    void* display = getDisplay();
    const unsigned long window = getWindow(w);
    if (!display || !window) return;   // not an X11 window (GLFW on Wayland)
    // GLFW's GL visuals are TrueColor, 24 or 32 bits: 0xRRGGBB.
    setBackground(display, window, static_cast<unsigned long>(c.r) << 16 | static_cast<unsigned long>(c.g) << 8 | c.b);
    flush(display);
}

// ImGui's own themes, with every colour text sits on (and the text itself)
// replaced by palette.hpp's, which a unit test holds to WCAG contrast.
void applyStyle(Theme t) {
    ImGuiStyle& s = ImGui::GetStyle();
    if (t == Theme::Dark) ImGui::StyleColorsDark(&s);
    else ImGui::StyleColorsLight(&s);
    const ThemeColours& k = themeColours(t);
    s.WindowRounding = 0.0f;
    s.WindowBorderSize = 1.0f;
    s.FrameBorderSize = 1.0f;   // light theme: white boxes on a white panel need their outline
    s.PopupBorderSize = 1.0f;
    ImVec4* c = s.Colors;
    c[ImGuiCol_Text] = v4(k.text);
    c[ImGuiCol_TextDisabled] = v4(k.textDisabled);
    c[ImGuiCol_WindowBg] = v4(k.windowBg);
    c[ImGuiCol_ChildBg] = v4(k.windowBg);
    c[ImGuiCol_PopupBg] = v4(k.popupBg);   // opaque: a tooltip or the Tasks window is never see-through
    c[ImGuiCol_Border] = v4(k.frameBorder, 0.6f);
    c[ImGuiCol_FrameBg] = v4(k.frameBg);
    c[ImGuiCol_FrameBgHovered] = v4(k.frameBg);
    c[ImGuiCol_FrameBgActive] = v4(k.frameBg);
    c[ImGuiCol_TitleBg] = v4(k.titleBg);
    c[ImGuiCol_TitleBgActive] = v4(k.titleBgActive);
    c[ImGuiCol_TitleBgCollapsed] = v4(k.titleBg);
    c[ImGuiCol_MenuBarBg] = v4(k.titleBg);
    c[ImGuiCol_CheckMark] = v4(k.checkMark);
    c[ImGuiCol_SliderGrab] = v4(k.sliderGrab);
    c[ImGuiCol_SliderGrabActive] = v4(k.sliderGrab);
    c[ImGuiCol_Button] = v4(k.button);
    c[ImGuiCol_ButtonHovered] = v4(k.buttonHovered);
    c[ImGuiCol_ButtonActive] = v4(k.buttonActive);
    c[ImGuiCol_Header] = v4(k.header);
    c[ImGuiCol_HeaderHovered] = v4(k.buttonHovered);
    c[ImGuiCol_HeaderActive] = v4(k.buttonActive);
    c[ImGuiCol_Tab] = v4(k.tab);
    c[ImGuiCol_TabHovered] = v4(k.buttonHovered);
    c[ImGuiCol_TabActive] = v4(k.tabActive);
    c[ImGuiCol_TabUnfocused] = v4(k.tab);
    c[ImGuiCol_TabUnfocusedActive] = v4(k.tabActive);
    c[ImGuiCol_TableHeaderBg] = v4(k.tableHeader);
    c[ImGuiCol_TableRowBg] = v4(k.windowBg, 0.0f);
    c[ImGuiCol_TableRowBgAlt] = v4(k.tableRowAlt);
    c[ImGuiCol_ScrollbarBg] = v4(k.windowBg);
    c[ImGuiCol_ScrollbarGrab] = v4(k.frameBorder);
    c[ImGuiCol_ScrollbarGrabHovered] = v4(k.textDisabled);
    c[ImGuiCol_ScrollbarGrabActive] = v4(k.text);
}

} // namespace

Window::Window(int width, int height, bool visible, const char* title) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland)) throw NoDisplay("no display: DISPLAY is not set");
    glfwSetErrorCallback(glfwErrorToStderr);
    if (!glfwInit()) throw NoDisplay("no display: GLFW could not connect to it");
    startup::mark("GLFW init (display connected)");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    // Always created hidden: a window mapped before its first frame shows black
    // (or whatever was under it) until start-up is done, which looks like a
    // crash in front of a class. present() shows it with its first frame.
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    m_showWithFrame = visible;
    glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);
    m_window = glfwCreateWindow(width, height, title, nullptr, nullptr);
    if (!m_window) {
        glfwTerminate();
        throw std::runtime_error("cannot create an OpenGL 3.3 core window");
    }
    startup::mark("window created (hidden)");
    glfwMakeContextCurrent(m_window);
    // The frame cap is ours (30 fps in live runs); vsync would add its own.
    glfwSwapInterval(0);
    if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress))) {
        glfwDestroyWindow(m_window);
        glfwTerminate();
        throw std::runtime_error("cannot load OpenGL 3.3 functions");
    }
    startup::mark("GL context + glad");
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // the layout is computed from the window size
    // No keyboard navigation: the window's keys are the app's (Space runs,
    // R restarts, F follows). With ImGui's navigation on, Space activated
    // whichever widget last had focus — the combo just used, or the timeline
    // clicked before the run (which then moved the cursor to the click).
    io.ConfigFlags &= ~ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(m_window, true);
    // Ours in front of the backend's: presses are queued (see m_presses).
    glfwSetWindowUserPointer(m_window, this);
    glfwSetMouseButtonCallback(m_window, &Window::onMouseButton);
    glfwSetKeyCallback(m_window, &Window::onKey);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    m_imguiReady = true;
    startup::mark("ImGui + backends");
    // The font is rasterised at the first frame, at the one size the window's
    // type needs (ensureFont); only whether the file is there is known now.
    if (!std::filesystem::exists(kFontPath))
        m_fontWarning = std::string("font ") + kFontPath +
                        " not found (install fonts-dejavu-core); using ImGui's small built-in font";
    setTheme(Theme::Dark);
}

Window::~Window() {
    if (m_imguiReady) {
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    if (m_window) glfwDestroyWindow(m_window);
    glfwTerminate();
}

float Window::fontStep(float px) noexcept {
    float step = kFontPx[0];
    for (float f : kFontPx)
        if (f <= px + 0.01f) step = f;
    return step;
}

void Window::ensureFont(float px) {
    const float want = m_fontWarning.empty() ? fontStep(px) : 13.0f;
    for (const auto& [size, f] : m_fonts)
        if (size == want) return;
    ImGuiIO& io = ImGui::GetIO();
    // Latin-1 (with U+00B5, the micro sign of "116 µs") plus general punctuation (the ellipsis of elided queue values,
    // dashes) and arrows; static: ImGui keeps the pointer until the atlas is built.
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x205E, 0x2190, 0x21FF, 0};
    ImFont* f = nullptr;
    if (m_fontWarning.empty()) f = io.Fonts->AddFontFromFileTTF(kFontPath, want, nullptr, kRanges);
    if (!f) {
        if (m_fontWarning.empty()) m_fontWarning = std::string("font ") + kFontPath + " could not be read; using ImGui's small built-in font";
        if (!m_fonts.empty()) return;   // the built-in font is there already
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f;
        f = io.Fonts->AddFontDefault(&cfg);
    }
    m_fonts.emplace_back(m_fontWarning.empty() ? want : 13.0f, f);
    std::sort(m_fonts.begin(), m_fonts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    io.FontDefault = m_fonts.front().second;
    io.Fonts->Build();
    if (startup::timingOn()) {
        char what[96];
        std::snprintf(what, sizeof what, "font atlas rasterised (%zu sizes, %dx%d)", m_fonts.size(), io.Fonts->TexWidth,
                      io.Fonts->TexHeight);
        startup::mark(what);
    }
    // The first time with the shaders (so the timing says which costs what);
    // after a resize to another size, the texture only.
    if (!m_deviceReady) {
        ImGui_ImplOpenGL3_CreateDeviceObjects();
        m_deviceReady = true;
        startup::mark("GL shaders + font texture upload");
    } else {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
}

bool Window::shouldClose() const { return glfwWindowShouldClose(m_window); }
void Window::requestClose() { glfwSetWindowShouldClose(m_window, GLFW_TRUE); }

void Window::onMouseButton(GLFWwindow* w, int button, int action, int mods) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
    double x = 0, y = 0;
    glfwGetCursorPos(w, &x, &y);   // GLFW has read the motion before this button
    if (self && action == GLFW_PRESS) {
        self->m_presses.push_back({button, mods, x, y});
        return;
    }
    if (self && action == GLFW_RELEASE) {   // the release of the latest press not yet released
        auto open = std::find_if(self->m_presses.rbegin(), self->m_presses.rend(),
                                 [button](const Press& p) { return p.button == button && !p.released; });
        if (open != self->m_presses.rend()) {
            open->released = true;
            open->rx = x;
            open->ry = y;
        } else {
            self->m_released = true;
            self->m_releaseAt = {x, y};
            if (button >= 0 && button < kButtons) self->m_down[button] = false;
        }
    }
    ImGui_ImplGlfw_MouseButtonCallback(w, button, action, mods);
}

void Window::onKey(GLFWwindow* w, int key, int scancode, int action, int mods) {
    auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
    if (!self) {
        ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
        return;
    }
    self->m_keys.push_back({key, scancode, action, mods});
}

void Window::deliverKeys() {
    // A key repeat is no change of state: it goes with the press before it.
    std::vector<int> changed;
    while (!m_keys.empty()) {
        const KeyEvent k = m_keys.front();
        const bool change = k.action != GLFW_REPEAT;
        if (change && std::find(changed.begin(), changed.end(), k.key) != changed.end()) break;
        m_keys.pop_front();
        ImGui_ImplGlfw_KeyCallback(m_window, k.key, k.scancode, k.action, k.mods);
        if (change) changed.push_back(k.key);
    }
}

std::optional<std::pair<double, double>> Window::deliverOnePress() {
    m_pressNow = -1;
    if (m_gapFrame) {   // the frame after a press: the button reads up (unless still held)
        m_gapFrame = false;
        // Released already: the release happened where it did (a held button
        // follows the live pointer: a drag).
        if (m_released) return m_releaseAt;
        return std::nullopt;
    }
    if (m_presses.empty()) return std::nullopt;
    const Press p = m_presses.front();
    const std::pair<double, double> at{static_cast<float>(p.x), static_cast<float>(p.y)};
    if (at != m_lastPointer) return at;   // first the pointer reaches the place, then the press
    m_presses.pop_front();
    m_released = p.released;
    m_releaseAt = {p.rx, p.ry};
    if (p.button >= 0 && p.button < kButtons) {
        m_pressNow = p.button;
        m_down[p.button] = !p.released;
    }
    m_gapFrame = true;
    return at;
}

void Window::beginFrame(double waitSeconds) {
    // Presses still queued: no waiting, they are due in the next frames.
    if (waitSeconds > 0 && m_presses.empty() && !m_gapFrame && m_keys.empty()) glfwWaitEventsTimeout(waitSeconds);
    else glfwPollEvents();
    const auto pointer = deliverOnePress();
    deliverKeys();
    ImGui_ImplGlfw_NewFrame();   // the display size, which the type follows
    ImGuiIO& io = ImGui::GetIO();
    if (pointer) io.MousePos = ImVec2(static_cast<float>(pointer->first), static_cast<float>(pointer->second));
    for (int b = 0; b < kButtons; ++b) io.MouseDown[b] = m_down[b] || b == m_pressNow;
    m_lastPointer = {io.MousePos.x, io.MousePos.y};
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ensureFont(typePx(m_typeSize, ds.x, ds.y));
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
}

void Window::render() {
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    glViewport(0, 0, w, h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::present(bool showNow) {
    // Shown between the frame's rendering and its swap: the first thing the
    // window shows is this frame. (GLFW's show waits for the map, up to 0.1 s.)
    if (showNow && m_showWithFrame && !m_shown) {
        glfwShowWindow(m_window);
        m_shown = true;
        // The swap that follows can be lost (seen with Mesa's llvmpipe under
        // Xvfb: the window stayed black until a later frame), so the next
        // frames are drawn at once too, not after the idle wait.
        m_framesAfterShow = 0;
        if (startup::timingOn()) {
            char what[64];
            std::snprintf(what, sizeof what, "window shown (with frame %d)", m_framesPresented + 1);
            startup::mark(what);
        }
    }
    glfwSwapBuffers(m_window);
    if (m_shown && m_framesAfterShow < kFramesAtOnceAfterShow) ++m_framesAfterShow;
    if (++m_framesPresented == 1) startup::mark("first frame presented");
    else if (m_framesPresented <= 8 && startup::timingOn()) {
        char what[48];
        std::snprintf(what, sizeof what, "frame %d presented", m_framesPresented);
        startup::mark(what);
    }
}

bool Window::writePng(const std::string& path, std::string& error) const {
    const int w = framebufferWidth(), h = framebufferHeight();
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    // GL's rows go bottom-up; PNG's top-down.
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    std::vector<unsigned char> flipped(px.size());
    for (int y = 0; y < h; ++y)
        std::copy_n(px.data() + static_cast<std::size_t>(h - 1 - y) * row, row,
                    flipped.data() + static_cast<std::size_t>(y) * row);
    // Opaque: the alpha channel of the framebuffer is not meaningful.
    for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
    if (!stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(row))) {
        error = "cannot write " + path;
        return false;
    }
    return true;
}

void Window::setTheme(Theme t) {
    m_theme = t;
    applyStyle(t);
    setNativeBackground(m_window, themeColours(t).windowBg);
}

void Window::setTypeSize(TypeSize s) { m_typeSize = s; }

void Window::scaleStyle(float fs) {
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowPadding = ImVec2(std::round(fs * 0.4f), std::round(fs * 0.25f));
    s.FramePadding = ImVec2(std::round(fs * 0.3f), std::round(fs * 0.18f));
    s.ItemSpacing = ImVec2(std::round(fs * 0.4f), std::round(fs * 0.25f));
    s.ItemInnerSpacing = ImVec2(std::round(fs * 0.25f), std::round(fs * 0.25f));
    s.CellPadding = ImVec2(std::round(fs * 0.25f), std::round(fs * 0.12f));
    // A scrollbar a projector shows, and a grab a hand can take.
    s.ScrollbarSize = std::round(fs * 0.8f);
    s.GrabMinSize = std::round(fs * 0.8f);
    s.FrameRounding = std::round(fs * 0.18f);
}

ImFont* Window::fontFor(float px) const noexcept {
    ImFont* best = m_fonts.front().second;
    for (const auto& [size, f] : m_fonts)
        if (size <= px + 0.01f) best = f;
    return best;
}

float typePx(TypeSize s, float w, float h) noexcept {
    // Normal: 16 px per 1280x720 (80 columns of em across, 45 rows down);
    // presentation: 24 px per 1280x720, so the back row of a classroom reads it.
    const float px = s == TypeSize::Large ? std::min(w / 52.0f, h / 30.0f) : std::min(w / 80.0f, h / 45.0f);
    return std::clamp(std::round(px), 13.0f, 48.0f);
}

int Window::framebufferWidth() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    return w;
}

int Window::framebufferHeight() const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(m_window, &w, &h);
    return h;
}

} // namespace parviz::gui
