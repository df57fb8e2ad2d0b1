#include "gui/colours.hpp"

#include "gui/palette.hpp"

#include <algorithm>

namespace parviz::gui {

ImU32 toU32(Rgb c, float alpha) noexcept {
    return IM_COL32(c.r, c.g, c.b, static_cast<int>(alpha * 255.0f + 0.5f));
}

ImU32 procU32(ProcId p, float alpha) noexcept { return toU32(procColour(p), alpha); }

ImVec4 procVec4(ProcId p) noexcept {
    Rgb c = procColour(p);
    return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f);
}

Paint statePaint(LaneState s, Theme theme) noexcept {
    const bool dark = theme == Theme::Dark;
    // Ink: the strongest neutral of the theme (white on dark, near-black on light).
    const ImU32 ink = dark ? IM_COL32(245, 245, 245, 255) : IM_COL32(25, 25, 25, 255);
    switch (s) {
    // The program's own state: neutral greys, brighter = more going on.
    case LaneState::Running: return {dark ? IM_COL32(200, 200, 200, 255) : IM_COL32(80, 80, 80, 255)};
    case LaneState::Sleeping: return {dark ? IM_COL32(120, 120, 120, 255) : IM_COL32(150, 150, 150, 255)};
    case LaneState::Idle: return {dark ? IM_COL32(68, 68, 68, 255) : IM_COL32(205, 205, 205, 255)};
    case LaneState::Exited: return {dark ? IM_COL32(45, 45, 45, 160) : IM_COL32(225, 225, 225, 200)};
    // Waits: patterns no worker colour ever has.
    case LaneState::WaitQueue:
        return {dark ? IM_COL32(240, 228, 66, 255) : IM_COL32(140, 120, 0, 255), SpanStyle::Stripes};
    case LaneState::WaitSync:   // an Event, Condition, Barrier, join, a pool's results: blue stripes
        return {dark ? IM_COL32(86, 180, 233, 255) : IM_COL32(0, 114, 178, 255), SpanStyle::Stripes};
    case LaneState::WaitLock: return {ink, SpanStyle::BackStripes};
    case LaneState::Stopped: return {dark ? IM_COL32(210, 210, 210, 255) : IM_COL32(60, 60, 60, 255), SpanStyle::Bars};
    case LaneState::Killed: return {ink, SpanStyle::Checker};
    // The OS row: on a core solid, runnable (wants a core, has none) hollow.
    case LaneState::OnCore: return {dark ? IM_COL32(220, 220, 220, 255) : IM_COL32(60, 60, 60, 255)};
    case LaneState::Runnable: return {ink, SpanStyle::Outline};
    case LaneState::HoldLock: return {ink};
    // A failed task keeps its worker's colour but is hollow (spanPaint); the legend shows it in ink.
    case LaneState::TaskFailed: return {ink, SpanStyle::Outline};
    case LaneState::Busy: return {toU32(kOtherLoadColour, 0.9f), SpanStyle::Hatch};
    default: return {IM_COL32(128, 128, 128, 255)};
    }
}

Paint spanPaint(RowKind row, const SpanRecord& r, Theme theme) noexcept {
    switch (row) {
    case RowKind::CoreProcs: return {procU32(r.proc)};
    case RowKind::CoreLoad: {
        // Other processes' share: the busier, the more opaque.
        float a = 0.35f + 0.65f * std::min(1.0f, std::max(0.0f, r.fraction));
        return {toU32(kOtherLoadColour, a), SpanStyle::Hatch};
    }
    case RowKind::Tasks:
        if (r.state == LaneState::TaskFailed) return {procU32(r.proc), SpanStyle::Outline};
        if (r.mergedCount > 1 && r.state > LaneState::TaskFailed) return statePaint(r.state, theme);
        return {procU32(r.proc)};
    case RowKind::Locks: return statePaint(LaneState::HoldLock, theme);
    case RowKind::Program:
    case RowKind::Os: return statePaint(r.state, theme);
    }
    return {IM_COL32(128, 128, 128, 255)};
}

ImU32 laneBackground(Theme theme, bool odd) noexcept {
    const ThemeColours& k = themeColours(theme);
    return toU32(odd ? k.laneBg1 : k.laneBg0);
}

ImU32 textMuted(Theme theme) noexcept { return toU32(themeColours(theme).textMuted); }

namespace {
ImVec4 v4(Rgb c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, 1.0f); }
} // namespace

ImVec4 procTextVec4(ProcId p, Theme theme) noexcept { return v4(procTextColour(p, theme)); }
ImU32 procTextU32(ProcId p, Theme theme) noexcept { return toU32(procTextColour(p, theme)); }
ImVec4 errorColour(Theme theme) noexcept { return v4(themeColours(theme).error); }
ImVec4 warningColour(Theme theme) noexcept { return v4(themeColours(theme).warning); }
ImU32 taskLabelU32(ProcId p) noexcept { return toU32(labelOn(procColour(p))); }

} // namespace parviz::gui
