#pragma once
// A table whose columns are as wide as their words, so no cell splits a
// word across lines (the Session tab's proportional columns read "cp / u"
// and "pool- / sizes" at 1280x720): each column as wide as its widest line
// (header or cell) when the view has the room, else narrowed towards its
// widest word (core narrowestUnbroken; a header's words then go on lines of
// their own), never below it. Longer than the view, its rows scroll inside
// it under its frozen header row, which stays in view; wider than the view
// even at its narrowest, it scrolls sideways under its frozen first column.
// A wheel turn at either end of its rows scrolls what holds it.
#include <string>
#include <vector>

namespace parviz::gui::ui {

struct FitColumn {
    std::string header;
    std::vector<std::string> cells;   // what its cells show, to measure (the caller draws them)
    float widgetW = 0;                // a widget in its cells (a checkbox): its width
};

// Begins the table and draws its header row (ui::tableHeaders); the caller
// draws the rows. Pair a true return with endFittedTable.
bool beginFittedTable(const char* id, const std::vector<FitColumn>& cols);
void endFittedTable();

// Paints over the lines the current window's edges cut (as a scroll body
// does at its end), for a window of its own that scrolls: a fitted table's.
void coverScrolledCuts();

} // namespace parviz::gui::ui
