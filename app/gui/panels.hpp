#pragma once
// One function per panel, each in its own file. A panel draws inside the
// rectangle it is given, from records the core's builders make for the
// cursor's time; none keeps state the trace could give it.
#include "gui/app.hpp"

namespace parviz::gui {

void drawControlsPanel(GuiApp& app, const Rect& r);    // controls_panel.cpp (+ caption line)
int controlsRows(float displayWidth, float fontSize);   // rows the controls need (caption included)
void drawTimelinePanel(GuiApp& app, const Rect& r);    // timeline/timeline_panel.cpp
void drawQueuePanel(GuiApp& app, const Rect& r);       // queue_panel.cpp
void drawLockPanel(GuiApp& app, const Rect& r);        // lock_panel.cpp
void drawOutputPanel(GuiApp& app, const Rect& r);      // output_panel.cpp
void drawCodePanel(GuiApp& app, const Rect& r);        // code_panel.cpp
void drawStatsPanel(GuiApp& app, const Rect& r);       // stats_panel.cpp
void drawTaskEditor(GuiApp& app);                      // task_editor.cpp (a popup window)

// Shared by panels: a fixed, undecorated-but-titled window at r.
bool beginPanel(const char* title, const Rect& r, int extraFlags = 0);
void endPanel();
// "1.234 s" / "850 ms" for a duration in ns.
std::string formatDuration(std::int64_t ns);

} // namespace parviz::gui
