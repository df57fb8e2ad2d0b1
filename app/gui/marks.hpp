#pragma once
// The marks of the Compare and Plots panels, one function per mark, used
// both where the mark is drawn on the data and for its legend swatch, so a
// legend always shows exactly what is drawn (issue 11: the Plots legend's
// "machine busy" mark was not the plot's, and Compare's grey
// predicted-makespan tick was in no legend). Every call records which mark
// it drew and whether for the data or for a legend (DrawnLayout::marks,
// --layout-json "marks"): a test checks that each panel's legend names
// every mark the panel drew.
#include "gui/panel_env.hpp"

#include <imgui.h>

#include <string>
#include <vector>

namespace parviz::gui {

enum class Mark : std::uint8_t {
    // Compare's rows
    TaskStrip,      // a task, in its worker's colour
    FailedTask,     // a task that failed: hollow
    CoreStrip,      // the thin strips on top: which worker the OS had on each core
    PredictedTick,  // the model's predicted makespan: a grey tick with a triangle on top
    ClassGuess,     // the class's makespan prediction: a dashed line in the warning colour
    Cursor,         // the cursor across all rows
    BusyRow,        // a row whose run shared the machine: its label in the warning colour
    // Plots
    PointSleep,     // a measured point of sleep work: a circle
    PointCpu,       // of cpu work: a square
    PointMixed,     // of the scenario's mix: a diamond
    BusyPoint,      // a point measured on a busy machine: hollow
    Whiskers,       // min–max of a configuration's repeats
    PredictedLine,  // the model's prediction: dashed
    IdealLine,      // speedup = workers: dotted
    AmdahlLine,     // Amdahl's law for the fitted serial fraction: thin
    CoresLine,      // the usable cores: a vertical dashed line
};
const char* toString(Mark m) noexcept;

// Where a mark goes: its draw list, where it is recorded, the panel's name,
// and whether it is a legend's swatch (else: data).
struct MarkPen {
    ImDrawList* dl = nullptr;
    DrawnLayout* drawn = nullptr;
    const char* panel = "";
    bool legend = false;
    MarkPen asLegend() const noexcept {
        MarkPen p = *this;
        p.legend = true;
        return p;
    }
};
// Records that pen drew m (a mark the caller draws by other means: the
// Compare rows' strips go through the span renderer's textures).
void noteMark(const MarkPen& pen, Mark m);

// How a line is stroked (width, dash length; dash 0: solid).
struct Stroke {
    float width = 1, dash = 0;
};
// A line segment of a stroked mark (PredictedLine, IdealLine, AmdahlLine,
// CoresLine): the plots draw their polylines with it and the legend one
// segment of it.
void strokeSegment(const MarkPen& pen, Mark m, ImVec2 a, ImVec2 b, ImU32 c, Stroke s);
// A measured point: shape 0 circle (sleep), 1 square (cpu), 2 diamond
// (mixed); hollow when the machine was busy (then recorded as BusyPoint too).
void pointMark(const MarkPen& pen, ImVec2 at, float r, ImU32 c, int shape, bool hollow);
// Min–max whiskers from lo to hi, caps r wide.
// capLo / capHi: the cap at that end (none where the whisker starts at a marker's edge).
void whiskersMark(const MarkPen& pen, ImVec2 lo, ImVec2 hi, float r, ImU32 c, float width, bool capLo = true,
                  bool capHi = true);
// The predicted makespan on a Compare row: a tick from top to bottom at x and a triangle on top.
void predictedTickMark(const MarkPen& pen, float x, float top, float bottom, ImU32 c);
// The class's makespan prediction: a dashed vertical line at x.
void classGuessMark(const MarkPen& pen, float x, float top, float bottom, ImU32 c, float thick);
// The cursor: a vertical line at x.
void cursorMark(const MarkPen& pen, float x, float top, float bottom);
// A Compare row's label text at p: in the warning colour when its run shared
// the machine (recorded as BusyRow), else in `normal`. Returns its size.
ImVec2 rowTextMark(const MarkPen& pen, ImVec2 p, const std::string& text, bool busy, ImU32 normal, Theme theme);
// Compare legend's swatch for a busy row: a chip of the warning colour (no word beside the entry's).
void busyChipMark(const MarkPen& pen, ImVec2 a, ImVec2 b, Theme theme);

// A legend: entries flowing left to right and wrapping at `right`, each a
// swatch (drawn by the caller's function, given the swatch's box) and its
// words; hovering an entry shows its tip. Returns the y under the last line.
struct LegendFlow {
    MarkPen pen;
    float left = 0, right = 0;
    ImVec2 at;
    float swatchW = 0;
    float lineH = 0;
    // box: the swatch's rectangle (min, max).
    // sw: this entry's swatch width (0: swatchW).
    template <class Swatch>
    void entry(const std::string& words, const char* tip, Swatch&& swatch, float sw = 0) {
        const float sww = sw > 0 ? sw : swatchW;
        const float w = sww + ImGui::GetFontSize() * 0.4f + ImGui::CalcTextSize(words.c_str()).x;
        if (at.x + w > right && at.x > left) {
            at.x = left;
            at.y += lineH;
        }
        const float fs = ImGui::GetFontSize();
        swatch(ImVec2(at.x, at.y + fs * 0.15f), ImVec2(at.x + sww, at.y + fs * 0.95f));
        words_(words, tip, ImVec2(at.x + sww + fs * 0.4f, at.y), w);
        at.x += w + fs * 0.8f;
    }
    float bottom() const noexcept { return at.y + lineH; }

private:
    void words_(const std::string& words, const char* tip, ImVec2 p, float w);
};

} // namespace parviz::gui
