#pragma once
// What the window really showed, measured from ImGui's own item rectangles
// against the clip rectangle they were drawn under (not from what the code
// meant to draw), for --layout-json and the window tests: per panel its
// rectangle, its visible text lines, and whether any text was cut.
//
// A text is *visible* when its rectangle meets the clip rectangle. It is
// *clipped* when it is cut at the left or right edge (a reader cannot see
// its end), when it is cut or hidden at the top or bottom of a panel that
// has no vertical scrollbar (nothing tells the reader there is more), or
// when it is cut in half by the top or bottom edge of a panel that scrolls
// (half a line is cut text, scrollbar or not) unless the panel covers it
// (coverEdgeCuts: the panel shows "more" there instead). Text a visible
// scrollbar scrolled wholly away is neither listed nor clipped.
//
// Threading: the window's thread only; reset every frame by the app.
#include <imgui.h>
#include <imgui_internal.h>   // ImRect

#include <string>
#include <string_view>
#include <vector>

namespace parviz::gui::probe {

struct PanelRecord {
    std::string name;
    float x = 0, y = 0, w = 0, h = 0;
    std::vector<std::string> lines;      // visible texts, in drawing order
    bool clipped = false;
    // An ImGui vertical scrollbar showed in the panel or in a scrolling part
    // of it (a tab's body): its content is taller than its view.
    bool scrollbar = false;
    std::vector<std::string> clippedTexts;   // which ones (to say so in a failing test)
    // Texts laid out in the panel but wholly out of its view: a reader must
    // scroll to see them (below the fold, or scrolled away above).
    std::vector<std::string> hiddenTexts;
    // Widgets (buttons, combos, checkboxes) with their screen rects, so a test
    // can click them with real mouse events.
    struct Item { std::string text; float x, y, w, h; bool disabled = false; };   // disabled: greyed out, inert
    std::vector<Item> items;
    // Texts drawn smaller than the frame's type (setTypePx): unreadable
    // from where the rest reads, the first failing of a projector.
    std::vector<std::string> smallTexts;
    // Visible texts with a character the frame's font has no glyph for
    // (drawn as '?': "\u25BC 4 more lanes" came out "? 4 more lanes").
    std::vector<std::string> missingGlyphs;
    // "A over B": a text drawn over part of an earlier one in the panel.
    std::vector<std::string> overlappingTexts;
    // Its background's opacity as ImGui paints it (the style's alpha times
    // the window background's; 0 with NoBackground): below 1 the panels
    // under it show through (finding 17: the Tasks editor was see-through).
    float backgroundAlpha = 1.0f;
};

// A tooltip shown this frame: its window's rect and its lines (ImGui's own
// window rect, so a test sees how wide it really was and whether it left
// the window).
struct TooltipRecord {
    float x = 0, y = 0, w = 0, h = 0;
    std::vector<std::string> lines;
};
void tooltip(TooltipRecord r);
const std::vector<TooltipRecord>& tooltips() noexcept;

void beginFrame();
// The frame's type size in pixels: a text shorter than this is small.
void setTypePx(float px) noexcept;
// Called by beginPanel / endPanel (panels.hpp).
void beginPanel(const char* name, float x, float y, float w, float h);
// Texts of the current panel cut in half by its top or bottom edge under
// ImGui's scrollbar: with covered, their visible parts (the panel paints
// over them and marks "more"; they leave its lines), else they count as
// clipped. Either way forgotten after. Call before endPanel.
std::vector<ImRect> coverEdgeCuts(bool covered);
void endPanel();
// A panel drawn again later in the frame (ImGui appends to its window): its
// texts go on the record beginPanel started, not a second one.
void resumePanel(const char* name);
// The last ImGui item (Text, Button, Checkbox, ...) showed `text`; its rect is
// ImGui's item rect, its clip the current window's clip rect.
void lastItem(std::string_view text);
// As lastItem, for a widget: also kept with its rect in PanelRecord::items.
// The last item's rect among the panel's items only (no text line, no
// clipping check): an entry of an open combo's list, for a test to click.
void itemOnly(std::string_view text);
void lastWidget(std::string_view text);
// As itemOnly, for a rect drawn straight into a draw list (a legend entry's words).
void itemAt(std::string_view text, ImVec2 min, ImVec2 max);
// Text drawn straight into a draw list at [min, max] under the draw list's
// current clip rect.
void drawnText(std::string_view text, ImVec2 min, ImVec2 max, ImDrawList* dl);
// The same, under an explicit clip rectangle (a table cell's).
void clippedText(std::string_view text, ImVec2 min, ImVec2 max, const ImRect& clip);
// A text shown inside a widget's own clip (a combo's preview) that needs
// `needW` pixels where the widget gives it `roomW`: cut when it needs more.
void textInRoom(std::string_view text, float needW, float roomW);
// The current panel scrolls its content vertically with a visible scrollbar
// of its own drawing (the timeline's lanes), like ImGui's: texts wholly out
// of view are hidden, not clipped; a text its edge cuts is clipped.
void setScrollsY(bool scrolls) noexcept;
// A child window of the current panel that scrolls on its own (a tab's
// content under a tab bar that stays put): between these, its scrollbar
// decides what is hidden and which edge cuts to cover (coverEdgeCuts, called
// before leaving); leaving restores the panel's. Call enter right after
// ImGui::BeginChild, leave before ImGui::EndChild.
void enterScrollChild();
void leaveScrollChild();
const std::vector<PanelRecord>& panels() noexcept;

} // namespace parviz::gui::probe
