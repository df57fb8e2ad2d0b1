#pragma once
// One function per panel, each in its own file. A panel draws one run (a
// RunView) at a cursor (absolute ns) inside the rectangle it is given, from
// records the core's builders make for the cursor's time, with the drawing
// resources of PanelEnv; none keeps state the trace could give it, and none
// sees the app. Only the controls and the task editor, which act on the
// session (start a run, open a file, edit the scenario), take GuiApp.
#include "gui/panel_env.hpp"
#include "gui/run_view.hpp"
#include "parviz/explain.hpp"

#include <imgui.h>

#include <span>
#include <string_view>

namespace parviz::gui {

// controls_panel.cpp (+ caption line); returns the height its content needed,
// which the next frame's layout gives it (the controls wrap with the window).
class GuiApp;

// The caption line under the controls is drawn last (drawControlsCaption,
// after every panel that can move the cursor), so it tells the cursor of the
// frame it is drawn in; it returns the height the controls and caption needed.
void drawControlsPanel(GuiApp& app, const Rect& r);
float drawControlsCaption(GuiApp& app, const Rect& r);
// timeline/timeline_panel.cpp; moves the run's cursor and zoom (its own view state).
void drawTimelinePanel(RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);
void drawQueuePanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);   // queue_panel.cpp
void drawLockPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);    // lock_panel.cpp
// A traced program in presentation: its queues and locks in one panel of a
// fixed rect (the split between them follows what the program uses at the
// cursor, so no panel moves): the objects in use at the cursor first (a
// lock held or waited for, its holder and waiters; a queue holding items,
// with its boxes), then the
// other locks used so far, then the empty queues on one line each, then the
// locks not acquired yet (a saved run knows them from its start); it scrolls.
// queue_panel.cpp.
void drawQueueLockPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);
// The Lock panel's objects (locks, then Events, Conditions, Barriers), whether
// one is in use at the cursor (held or waited for), and one drawn. lock_panel.cpp.
std::vector<ObjectInfo> lockPanelObjects(const TraceMeta& meta);
enum class LockUse { InUse, Used, NotYet };   // held or waited for; acquired before; never yet
LockUse lockObjectUse(const RunView& run, std::int64_t cursor, const Trace& trace, const ObjectInfo& o);
// totals: a lock's table of waits per process (left out while it is in use
// in the Queue and Lock panel: its holder and waiters come first there).
void drawLockObject(const RunView& run, std::int64_t cursor, const PanelEnv& env, const Trace& trace, const ObjectInfo& o,
                    bool compact, bool totals = true);
void drawOutputPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);  // output_panel.cpp
// code_panel.cpp: listing is the run's generated listing (GuiApp::listing);
// its colours are the workers' own (env is for panels' uniformity).
void drawCodePanel(const RunView& run, std::int64_t cursor, const std::vector<Scenario::CodeLine>& listing,
                   const Rect& r, const PanelEnv& env);
// stats_panel.cpp: the run's stats at its cursor; session: this session's
// ended runs (the comparison table); withOutput: Output is a tab of it
// (presentation layout).
// withOutput also gives Explain a tab ("Why").
void drawStatsPanel(RunView& run, SessionTable& session, const Rect& r, bool withOutput, const PanelEnv& env);
// Selects a Stats tab ("Why", "Output") at its next drawing (the hidden --test-tab).
void selectStatsTab(const std::string& name);
// The Stats tab drawn last ("This run", "Why", "Predict", "Output", "Session"):
// presentation's layout widens the panel for the Why tab (to the right: its
// tabs stay where they are).
const std::string& statsTabShown() noexcept;
// explain_panel.cpp: why each process is in its state at the cursor, the
// run's callouts, the step buttons (the panel "Explain"; drawExplainLines is
// its content, a tab of Stats in presentation).
void drawExplainPanel(RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env);
// withPredict: the next run's questions under the explanations (presentation
// gives them a tab of their own, drawPredictLines, so the Why tab is the why).
// withSteps: the ‹ Prev / Next › row on top (presentation's Why tab draws it
// on the tab bar's row instead, drawStepRow, so the sentences get that row).
void drawExplainLines(RunView& run, std::int64_t cursor, const PanelEnv& env, bool withPredict = true,
                      bool withSteps = true);
// The step buttons, which processes they step through, and the cursor's time, on one row.
void drawStepRow(RunView& run, std::int64_t cursor);
// Its width in pixels (to place it at the right end of a row).
float stepRowWidth(const RunView& run, std::int64_t cursor);
void drawPredictLines(const RunView& run, const PanelEnv& env);
// output_panel.cpp: the panel's content.
void drawOutputLines(const RunView& run, std::int64_t cursor, const PanelEnv& env);
void drawTaskEditor(GuiApp& app);
// The chunksize and "N equal jobs" combos (pool / job-queue scenarios only;
// controls_panel.cpp): flowLayout wraps them like the toolbar's controls.
void drawPoolControls(GuiApp& app, bool flowLayout);                      // task_editor.cpp (a popup window)
// compare_panel.cpp: the pinned runs stacked on one time axis (rows are
// st.model's, each drawn from the RunView of its number in runs); zoom, pan
// and cursor act on st, shared by every row. sweeping: a sweep is going on
// (its button says Stop). Returns what the header's buttons asked for.
CompareAction drawComparePanel(const std::vector<RunView*>& runs, CompareState& st, bool sweeping, const Rect& r,
                               const PanelEnv& env);
// plots_panel.cpp: the answer in words, the class's predictions beside it,
// speedup and efficiency against workers, and the notes. Before a sweep
// (not `sweeping`, no rows yet) it asks the class to predict: the makespan
// question of env.predict and, for each of `works`, how many workers will be
// enough (into st.guesses).
void drawPlotsPanel(CompareState& st, bool sweeping, const std::vector<WorkKind>& works, const Rect& r,
                    const PanelEnv& env);

// A traced program whose root has not announced itself yet (or ended
// without): the panel says so (RunView::waitingForProgram: "Waiting for
// my_queue.py to start ...") instead of stating facts about a program parviz
// cannot see yet ("This program uses no queue.", "0 workers"); true when it did,
// and the panel then draws nothing else.
bool drawWaitingForProgram(const RunView& run);

// Shared by panels: a fixed, undecorated-but-titled window at r.
bool beginPanel(const char* title, const Rect& r, int extraFlags = 0);
// The same panel again later in the frame: ImGui appends to its window.
bool resumePanel(const char* title);
void endPanel();
// "1.23 s" / "850 ms" for a duration in ns (core, explain.hpp: the run
// list's labels use it too, with no ImGui).
using parviz::formatDuration;
using parviz::formatInstant;

// ImGui's text calls, plus a note to the layout probe (layout_probe.hpp) of
// what each showed and where, so --layout-json reports what was really on
// screen. Panels use these instead of ImGui::Text*; probeItem(label) after a
// widget does the same for buttons, checkboxes and combos.
namespace ui {
void text(const char* fmt, ...) IM_FMTARGS(1);
void textDisabled(const char* fmt, ...) IM_FMTARGS(1);
void textColored(const ImVec4& colour, const char* fmt, ...) IM_FMTARGS(2);
// Every text wraps at the panel's (or table cell's) right edge, broken only
// where a reader would (parviz/line_break.hpp: at spaces, never inside a
// number or between a number and its unit), each line reported to the
// layout probe as drawn.
void textUnformatted(const char* begin, const char* end = nullptr);
// The same wrapping at wrapPosX (window-local, as ImGui::PushTextWrapPos;
// 0: the content region's right edge), for text outside a panel's probe
// (probeLines false: a tooltip reports its own record).
void textWrappedAt(std::string_view text, float wrapPosX, bool probeLines = true);
// The same wrapping, the text from byte `from` on in `colour` (its lines
// broken where textUnformatted breaks them, each reported to the probe
// whole): an answer with the class's guess riding on its line, the guess in
// the predictions' colour as everywhere else (newcomer walk, session 22: the
// reveal on Plots' answer line was ink).
void textTwoColours(std::string_view text, std::size_t from, const ImVec4& colour);
// How big text is when wrapped at wrapW pixels as the calls above wrap it
// (for layouts that plan heights before drawing): never ImGui::CalcTextSize
// with a wrap width, which breaks elsewhere.
ImVec2 wrappedTextSize(std::string_view text, float wrapW);
// Wrapped text straight into a draw list at pos, wrapW wide; returns its height.
float addWrappedText(ImDrawList* dl, ImVec2 pos, ImU32 colour, std::string_view text, float wrapW);
void probeItem(const char* label);
// ImGui::TableHeadersRow with each header reported to the layout probe.
void tableHeaders();
// Width of a combo's frame that shows `preview` whole (text, padding, arrow).
float comboWidth(const char* preview);
// After a combo of frame width frameW: tells the probe whether its preview
// text was cut inside the frame (ImGui clips it there, out of the item rect's
// sight), under the combo's probe text `label`.
void probeCombo(const char* label, const char* preview, float frameW);
// SameLine() when w more pixels fit on this line, else stay on a new line:
// text flows and wraps instead of running off the panel's edge.
// s cut (on a UTF-8 boundary) so that it and an ellipsis fit maxW pixels.
std::string elide(const std::string& s, float maxW);
// The same, keeping the end from the last '-', '_', ' ' or '.' when short
// ("consumer-of-the-j…-2"): names that differ only there stay told apart.
std::string elideKeepingEnd(const std::string& s, float maxW);
// spacing: the gap before the item (ImGui's ItemSpacing.x when < 0). The
// room is the current cell's in a table (a window's content region
// outside): measured against the window, "busy" after a Session row's
// makespan wrapped in its cell as "bus / y" (newcomer walk, session 18).
void sameLineIfFits(float w, float spacing = -1.0f);
// The hovered item's tooltip, placed under the item (above it when there is
// no room below), inside the window and off the item it explains
// (placeTooltip, tooltip_place.hpp). Every tooltip of a control goes through here.
// Whether the pointer has moved since the window opened (checked by each
// tooltip): a hover before that is where the pointer happened to rest when
// the window appeared, not a question, and its tooltip covered the Run hint.
bool pointerMoved() noexcept;
// True from a key press until the pointer next moves: the person is at the
// keyboard (stepping with the arrows), so a hover tooltip under the resting
// pointer would cover the lanes and name the pointer's time, not the
// cursor's. Call it every frame a hover tooltip may show.
bool keyedSinceMove() noexcept;
// The pointer over [a, b] of what the current window draws, and nothing
// over it there: no popup or combo list open over it, no other window on
// top. ImGui::IsMouseHoveringRect alone says yes through an open combo's
// list, and a tooltip opened through it (the Compare legend's).
bool mouseOver(ImVec2 a, ImVec2 b);
void tooltipBelow(const char* text, int hoveredFlags = 0);   // ImGuiHoveredFlags_AllowWhenDisabled for a disabled item
// A slider of total width w whose value is written beside its track, not
// on it: a grab that crosses the value's text reads as a text caret in a
// focused field (a thin grab) or as a highlighted character (a wide one).
// The value, formatted with fmt, follows the track; returns true when the
// user changed *v. id is ImGui's ("##name": no label); probeName, what the
// layout probe calls the slider's track (its items, for a test to click).
// steps (ascending, within [min, max]): a press on the track off the grab
// moves the value one step toward the pointer (the next step below or above
// it), as a desktop slider's page step does, and holds it there until the
// release; without steps the press moves the value to the pointer (a
// prediction's drag). A press on the grab never moves it; a drag from the
// grab moves it from where it was.
bool valueSlider(const char* id, const char* probeName, float* v, float min, float max, const char* fmt, float w,
                 int flags = 0, std::span<const float> steps = {});
// The width valueSlider needs for a value as wide as `widest` ("0.00x").
float valueSliderValueW(const char* widest);
// A tab's content under its tab bar: the rest of the panel, scrolling on its
// own, so the tab bar above stays put however far the content is scrolled;
// half lines at its edges are covered as a panel's are. Always pair with
// endScrollBody (also when the content is empty).
void beginScrollBody(const char* id, float height = 0);   // height 0: the rest of the panel
void endScrollBody();
// ImGui decides a body's scrollbar from the previous frame's content: in
// the frame after the content changed height or width (a tab just shown at
// a new width, a cursor moved), the scrollbar can be stale, showing with
// content that fits or missing with content that does not. endScrollBody
// notes it; the app draws the next frame at once, and a screenshot waits
// for a frame without one (a stale scrollbar is not what a person sees).
// Cleared by the caller at the start of each frame.
bool scrollbarStale() noexcept;
void clearScrollbarStale() noexcept;
// The cursor's y below the top of the panel (inside a scroll body too, its
// scroll included): the height the panel needs for what was drawn so far.
float panelCursorY();
} // namespace ui

} // namespace parviz::gui
