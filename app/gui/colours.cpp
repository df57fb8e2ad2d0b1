#include "gui/colours.hpp"

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
    case LaneState::WaitLock: return {ink, SpanStyle::BackStripes};
    case LaneState::Stopped: return {dark ? IM_COL32(210, 210, 210, 255) : IM_COL32(60, 60, 60, 255), SpanStyle::Bars};
    case LaneState::Killed: return {ink, SpanStyle::Checker};
    // The OS row: on a core solid, runnable (wants a core, has none) hollow.
    case LaneState::OnCore: return {dark ? IM_COL32(220, 220, 220, 255) : IM_COL32(60, 60, 60, 255)};
    case LaneState::Runnable: return {ink, SpanStyle::Outline};
    case LaneState::HoldLock: return {ink};
    // A failed task keeps its worker's colour but is hollow (spanPaint); the legend shows it in ink.
    case LaneState::TaskFailed: return {ink, SpanStyle::Outline};
    case LaneState::Busy: return {toU32(kOtherLoadColour, 0.8f)};
    default: return {IM_COL32(128, 128, 128, 255)};
    }
}

Paint spanPaint(RowKind row, const SpanRecord& r, Theme theme) noexcept {
    switch (row) {
    case RowKind::CoreProcs: return {procU32(r.proc)};
    case RowKind::CoreLoad: {
        // Other processes' share: the busier, the more opaque.
        float a = 0.25f + 0.75f * std::min(1.0f, std::max(0.0f, r.fraction));
        return {toU32(kOtherLoadColour, a)};
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
    if (theme == Theme::Dark) return odd ? IM_COL32(32, 34, 38, 255) : IM_COL32(26, 28, 31, 255);
    return odd ? IM_COL32(240, 240, 238, 255) : IM_COL32(250, 250, 248, 255);
}

ImU32 textMuted(Theme theme) noexcept {
    return theme == Theme::Dark ? IM_COL32(160, 160, 160, 255) : IM_COL32(100, 100, 100, 255);
}

} // namespace parviz::gui
