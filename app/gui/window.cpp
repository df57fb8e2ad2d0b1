#include "gui/window.hpp"

#include <glad/gl.h>
// glad first, then GLFW (GLFW_INCLUDE_NONE is defined by CMake).
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace parviz::gui {
namespace {

constexpr const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kNormalPx = 16.0f;
constexpr float kLargePx = 26.0f;

void glfwErrorToStderr(int code, const char* msg) {
    // Printed only when start-up fails; a working window stays quiet.
    (void)code;
    (void)msg;
}

void applyStyle(Theme t) {
    ImGuiStyle& s = ImGui::GetStyle();
    if (t == Theme::Dark) ImGui::StyleColorsDark(&s);
    else ImGui::StyleColorsLight(&s);
    s.WindowRounding = 0.0f;
    s.WindowBorderSize = 1.0f;
    s.FrameRounding = 3.0f;
    s.WindowPadding = ImVec2(6, 4);
    s.ItemSpacing = ImVec2(6, 4);
    s.ScrollbarSize = 12.0f;
    if (t == Theme::Light) {
        s.Colors[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.96f, 1.0f);
        s.Colors[ImGuiCol_ChildBg] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
    }
}

} // namespace

Window::Window(int width, int height, bool visible, const char* title) {
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((!display || !*display) && (!wayland || !*wayland)) throw NoDisplay("no display: DISPLAY is not set");
    glfwSetErrorCallback(glfwErrorToStderr);
    if (!glfwInit()) throw NoDisplay("no display: GLFW could not connect to it");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
    glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);
    m_window = glfwCreateWindow(width, height, title, nullptr, nullptr);
    if (!m_window) {
        glfwTerminate();
        throw std::runtime_error("cannot create an OpenGL 3.3 core window");
    }
    glfwMakeContextCurrent(m_window);
    // The frame cap is ours (30 fps in live runs); vsync would add its own.
    glfwSwapInterval(0);
    if (!gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress))) {
        glfwDestroyWindow(m_window);
        glfwTerminate();
        throw std::runtime_error("cannot load OpenGL 3.3 functions");
    }
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // the layout is computed from the window size
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(m_window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    m_imguiReady = true;
    loadFonts();
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

void Window::loadFonts() {
    ImGuiIO& io = ImGui::GetIO();
    // Latin-1 plus general punctuation (the ellipsis of elided queue values,
    // dashes) and arrows; static: ImGui keeps the pointer until the atlas is built.
    static const ImWchar kRanges[] = {0x0020, 0x00FF, 0x2010, 0x205E, 0x2190, 0x21FF, 0};
    if (std::filesystem::exists(kFontPath)) {
        m_fontNormal = io.Fonts->AddFontFromFileTTF(kFontPath, kNormalPx, nullptr, kRanges);
        m_fontLarge = io.Fonts->AddFontFromFileTTF(kFontPath, kLargePx, nullptr, kRanges);
    }
    if (!m_fontNormal || !m_fontLarge) {
        m_fontWarning = std::string("font ") + kFontPath +
                        " not found (install fonts-dejavu-core); using ImGui's small built-in font";
        ImFontConfig cfg;
        cfg.SizePixels = 13.0f;
        m_fontNormal = io.Fonts->AddFontDefault(&cfg);
        m_fontLarge = m_fontNormal;
    }
    io.FontDefault = m_fontNormal;
}

bool Window::shouldClose() const { return glfwWindowShouldClose(m_window); }
void Window::requestClose() { glfwSetWindowShouldClose(m_window, GLFW_TRUE); }

void Window::beginFrame(double waitSeconds) {
    if (waitSeconds > 0) glfwWaitEventsTimeout(waitSeconds);
    else glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
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

void Window::present() { glfwSwapBuffers(m_window); }

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
}

void Window::setTypeSize(TypeSize s) {
    m_typeSize = s;
    ImGui::GetIO().FontDefault = font(s);
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
