#pragma once
// Colours of the window, per theme. Worker colours come from the core's
// Okabe-Ito palette (views.hpp) so tests and the window agree; states use a
// fixed colour-blind-safe set shown in the timeline's legend.
#include "gui/options.hpp"
#include "parviz/views.hpp"

#include <imgui.h>

namespace parviz::gui {

ImU32 toU32(Rgb c, float alpha = 1.0f) noexcept;
ImU32 procU32(ProcId p, float alpha = 1.0f) noexcept;
ImVec4 procVec4(ProcId p) noexcept;
// Colour of a span record of a given row kind (theme-dependent for greys).
ImU32 spanColour(RowKind row, const SpanRecord& r, Theme theme) noexcept;
// The state palette alone (legend, lock panel).
ImU32 stateColour(LaneState s, Theme theme) noexcept;
ImU32 laneBackground(Theme theme, bool odd) noexcept;
ImU32 textMuted(Theme theme) noexcept;

} // namespace parviz::gui
