#pragma once
// Colours of the window, per theme. Worker colours come from the core's
// Okabe-Ito palette (views.hpp) so tests and the window agree, and they are
// only ever used SOLID: task spans, core lanes, swatches. States never reuse a
// worker hue on its own: idle / sleeping / running are neutral greys, waits
// are patterned (stripes rising for the queue, falling for the lock), runnable
// is rungs (horizontal lines; over a dimmed task bar too), stopped is a pause-sign of bars, killed a checkerboard
// (span.frag draws the patterns).
// So "ForkPoolWorker-1's task" and "waiting for the queue" cannot be confused,
// with or without colour vision.
#include "gui/options.hpp"
#include "gui/span_renderer.hpp"
#include "parviz/explain.hpp"
#include "parviz/views.hpp"

#include <imgui.h>

#include <vector>

namespace parviz::gui {

ImU32 toU32(Rgb c, float alpha = 1.0f) noexcept;
ImU32 procU32(ProcId p, float alpha = 1.0f) noexcept;
ImVec4 procVec4(ProcId p) noexcept;

// How a state is painted: a colour and a fill pattern.
struct Paint {
    ImU32 colour;
    SpanStyle style = SpanStyle::Solid;
};
// A span record of a given row kind (theme-dependent).
Paint spanPaint(RowKind row, const SpanRecord& r, Theme theme) noexcept;
// A worker's colour with its pattern past seven workers (palette.hpp's workerPattern).
Paint workerPaint(ProcId p) noexcept;
// The state palette alone (legend, lock panel, pause shading).
Paint statePaint(LaneState s, Theme theme) noexcept;
inline ImU32 stateColour(LaneState s, Theme theme) noexcept { return statePaint(s, theme).colour; }
// A task bar's stretch in which its worker was runnable without a core
// (Lane::runnable): the layers drawn over the bar. The lanes and the
// legend's swatch both draw it with this, so the legend shows what is drawn.
void runnableLayers(float x0, float x1, float y0, float y1, Theme theme, std::vector<SpanInstance>& out);
ImU32 laneBackground(Theme theme, bool odd) noexcept;
ImU32 textMuted(Theme theme) noexcept;
// A process's colour as text (palette.hpp: shifted until it reads on the theme).
ImVec4 procTextVec4(ProcId p, Theme theme) noexcept;
ImU32 procTextU32(ProcId p, Theme theme) noexcept;
// Error and warning text (messages, "killed", "failed").
ImVec4 errorColour(Theme theme) noexcept;
ImVec4 warningColour(Theme theme) noexcept;
// The class's predictions (palette.hpp ThemeColours::prediction): Compare's and the Plots'.
ImVec4 predictionColour(Theme theme) noexcept;
// A note that is no fault (a busy machine on sleep work): the muted text colour.
ImVec4 mutedColour(Theme theme) noexcept;
// A callout's mark, legend swatch and words: the warning colour for what a
// change could fix (load imbalance, oversubscription, ...), muted for one
// long task, which no pool size or chunksize shortens (session 21: a pink
// "load imbalance" read as a fault where no split could help).
ImVec4 calloutColour(CalloutKind k, Theme theme) noexcept;
// A task's name on its worker's colour: black or white, whichever reads.
ImU32 taskLabelU32(ProcId p) noexcept;

} // namespace parviz::gui
