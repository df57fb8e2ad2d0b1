#pragma once
// One function per panel, each in its own file. A panel draws inside the
// rectangle it is given, from records the core's builders make for the
// cursor's time; none keeps state the trace could give it.
#include "gui/app.hpp"

namespace parviz::gui {

// controls_panel.cpp (+ caption line); returns the height its content needed,
// which the next frame's layout gives it (the controls wrap with the window).
float drawControlsPanel(GuiApp& app, const Rect& r);
void drawTimelinePanel(GuiApp& app, const Rect& r);    // timeline/timeline_panel.cpp
void drawQueuePanel(GuiApp& app, const Rect& r);       // queue_panel.cpp
void drawLockPanel(GuiApp& app, const Rect& r);        // lock_panel.cpp
void drawOutputPanel(GuiApp& app, const Rect& r);      // output_panel.cpp
void drawCodePanel(GuiApp& app, const Rect& r);        // code_panel.cpp
// stats_panel.cpp; withOutput: Output is a tab of it (presentation layout).
void drawStatsPanel(GuiApp& app, const Rect& r, bool withOutput);
void drawOutputLines(GuiApp& app);                     // output_panel.cpp: the panel's content
void drawTaskEditor(GuiApp& app);                      // task_editor.cpp (a popup window)

// Shared by panels: a fixed, undecorated-but-titled window at r.
bool beginPanel(const char* title, const Rect& r, int extraFlags = 0);
void endPanel();
// "1.234 s" / "850 ms" for a duration in ns.
std::string formatDuration(std::int64_t ns);

// ImGui's text calls, plus a note to the layout probe (layout_probe.hpp) of
// what each showed and where, so --layout-json reports what was really on
// screen. Panels use these instead of ImGui::Text*; probeItem(label) after a
// widget does the same for buttons, checkboxes and combos.
namespace ui {
void text(const char* fmt, ...) IM_FMTARGS(1);
void textDisabled(const char* fmt, ...) IM_FMTARGS(1);
void textColored(const ImVec4& colour, const char* fmt, ...) IM_FMTARGS(2);
void textUnformatted(const char* begin, const char* end = nullptr);
void probeItem(const char* label);
// SameLine() when w more pixels fit on this line, else stay on a new line:
// text flows and wraps instead of running off the panel's edge.
void sameLineIfFits(float w);
// The hovered item's tooltip, placed under the item so it never covers the
// controls beside it.
void tooltipBelow(const char* text);
} // namespace ui

} // namespace parviz::gui
