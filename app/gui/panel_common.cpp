#include "gui/panels.hpp"

#include <cstdio>
#include <cstdlib>

namespace parviz::gui {

bool beginPanel(const char* title, const Rect& r, int extraFlags) {
    ImGui::SetNextWindowPos(ImVec2(r.x, r.y));
    ImGui::SetNextWindowSize(ImVec2(r.w, r.h));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoBringToFrontOnFocus |
                                   ImGuiWindowFlags_NoFocusOnAppearing | extraFlags;
    return ImGui::Begin(title, nullptr, flags);
}

void endPanel() { ImGui::End(); }

std::string formatDuration(std::int64_t ns) {
    char buf[64];
    const double s = static_cast<double>(ns) / 1e9;
    if (std::llabs(ns) >= 10'000'000'000LL) std::snprintf(buf, sizeof buf, "%.1f s", s);
    else if (std::llabs(ns) >= 1'000'000'000LL) std::snprintf(buf, sizeof buf, "%.2f s", s);
    else if (std::llabs(ns) >= 1'000'000LL) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1e3);
    else std::snprintf(buf, sizeof buf, "%.0f us", s * 1e6);
    return buf;
}

} // namespace parviz::gui
