#pragma once
// The window's colours as data, per theme, with no ImGui in sight so a unit
// test can check them: every text/background pair the window draws must have
// a WCAG 2.x contrast ratio of at least 4.5:1 (textPairs), and the outlines a
// control is found by (a checkbox's box) at least 3:1 against the panel.
// window.cpp turns these into ImGui's style; colours.cpp uses them for lanes.
//
// Worker colours (Okabe-Ito, views.hpp) are bright: as *text* they are shifted
// towards the theme's ink until they read (readableOn), keeping their hue, so
// a worker's lines are still told apart by colour and by their name.
#include "gui/options.hpp"
#include "parviz/views.hpp"

#include <string>
#include <vector>

namespace parviz::gui {

struct ThemeColours {
    Rgb windowBg, popupBg, titleBg, titleBgActive;
    Rgb frameBg, frameBorder, button, buttonHovered, buttonActive, header, tab, tabActive, tableRowAlt, tableHeader;
    Rgb text, textDisabled, textMuted, checkMark, sliderGrab;
    Rgb laneBg0, laneBg1, queueBox;
    Rgb error, warning;
    // The class's predictions (Compare's "you: 3.00 s" and its dashed line,
    // the Plots' reveals): a colour of their own, never the warning's, which
    // in Compare means "machine busy" only (session 22: the legend's busy
    // swatch, the rows' busy times and "you: 0.67 s" were one pink).
    Rgb prediction;
};
const ThemeColours& themeColours(Theme t) noexcept;

// WCAG 2.x: (L1 + 0.05) / (L2 + 0.05) of the relative luminances
// (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), 1 to 21.
double contrastRatio(Rgb a, Rgb b) noexcept;
// c moved towards black or white (whichever bg is farther from) in small
// steps until its contrast with bg is at least minRatio.
Rgb readableOn(Rgb c, Rgb bg, double minRatio = 4.5) noexcept;
// Near-black or white, whichever reads better on bg (a task's name on its worker's colour).
Rgb labelOn(Rgb bg) noexcept;
// A process's colour as text on the theme's panels (readable on every
// background a worker's name appears on: window, table rows, lanes).
Rgb procTextColour(ProcId p, Theme t) noexcept;

// Past the palette's seven colours a worker's colour repeats (ForkPoolWorker-8
// is -1's orange): a pattern on its spans tells them apart without the
// number (session 22, issue 11: "more than seven workers stay
// distinguishable"). Workers 1-7 solid, 8-14 dotted, 15-21 dashed (dark
// dashes along the bar's edges); then round again (from 32 workers the
// summary band replaces the lanes; the numbers after the names stay).
enum class WorkerPattern : int { Solid = 0, Dotted = 1, Dashed = 2 };
WorkerPattern workerPattern(ProcId p) noexcept;
const char* toString(WorkerPattern w) noexcept;   // "solid", "dotted", "dashed"
// The legend's words for the patterns among `workers` (the worker lanes on
// screen, by id; MainProcess and solid ones say nothing): one entry per
// pattern, its workers as a range of their numbers, "workers 8-14: dotted",
// "worker 15: dashed"; in the patterns' order.
struct PatternEntry {
    WorkerPattern pattern;
    ProcId first = 0;     // a worker showing it (the swatch's colour)
    std::string words;
};
std::vector<PatternEntry> workerPatternLegend(const std::vector<ProcId>& workers);

// The Compare plots' series (work kinds, not workers): 0 sleep, 1 cpu
// (2: mixed, grey, a fallback: the plots have sleep and cpu series only).
// Neither is a worker colour (Okabe-Ito, every hue of which the rows'
// workers use) or near one: sleep is the theme's ink, cpu violet; their
// markers differ in shape too (circle, square), so they are told apart
// without colour vision.
Rgb seriesColour(int series, Theme t) noexcept;

// The colours that mean something other than a worker: the states of the
// lanes (statePaint draws with these, adding a pattern), parviz's own load,
// the warning colour (machine busy, callouts), the predictions' and the error
// colour. None may be a worker colour or near one in either theme
// (colourDistance >= kMeaningDistance): finding 6 of the classroom walk, a
// Compare row in worker 1's orange read as "machine busy". Task spans are not
// here: a task is painted in its worker's colour.
Rgb stateRgb(LaneState s, Theme t) noexcept;
struct MeaningColour {
    std::string what;     // "warning (machine busy, callouts)", "state waits for queue", ...
    Rgb colour;
    bool text = false;    // also drawn as text: must differ from the workers' text colours too
};
std::vector<MeaningColour> meaningColours(Theme t);
// CIE76 colour difference (Delta E*ab of CIELAB, D65 white) between two sRGB
// colours: 0 the same, about 2.3 just noticeable; 25 and more reads as
// another colour at a glance.
double colourDistance(Rgb a, Rgb b) noexcept;
inline constexpr double kMeaningDistance = 25.0;

// A task bar where its worker was runnable without a core (colours.cpp
// runnableLayers): the lane's colour laid over the worker's at this opacity,
// then rungs in the Runnable state's ink. The dimmed colour must be no
// worker's colour (colourDistance >= kMeaningDistance from each of the
// seven, a test checks both themes), so a waiting bar never reads as another
// worker's running one, and the rungs must stand out on it.
inline constexpr float kRunnableDim = 0.7f;
Rgb runnableBarRgb(Rgb worker, Theme t) noexcept;

struct ColourPair {
    std::string what;     // "text on button", "ForkPoolWorker-3 text on table row", ...
    Rgb fg, bg;
    double minRatio;      // 4.5 for text, 3.0 for a control's outline
};
// Every pair the window draws text (or a control's outline) with, for the
// contrast test; `workers` worker colours are included.
std::vector<ColourPair> colourPairs(Theme t, int workers = 16);

} // namespace parviz::gui
