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

ImU32 stateColour(LaneState s, Theme theme) noexcept {
    const bool dark = theme == Theme::Dark;
    switch (s) {
    case LaneState::Running: return IM_COL32(0, 158, 115, 255);     // bluish green
    case LaneState::Sleeping: return IM_COL32(86, 180, 233, 150);   // sky blue, softer: nothing runs
    case LaneState::Idle: return dark ? IM_COL32(90, 90, 90, 160) : IM_COL32(190, 190, 190, 200);
    case LaneState::WaitQueue: return IM_COL32(230, 159, 0, 255);   // orange
    case LaneState::WaitLock: return IM_COL32(213, 94, 0, 255);     // vermillion
    case LaneState::Stopped: return IM_COL32(204, 121, 167, 255);   // reddish purple
    case LaneState::Killed: return dark ? IM_COL32(255, 255, 255, 230) : IM_COL32(0, 0, 0, 230);
    case LaneState::Exited: return dark ? IM_COL32(60, 60, 60, 140) : IM_COL32(215, 215, 215, 200);
    case LaneState::OnCore: return dark ? IM_COL32(235, 235, 235, 255) : IM_COL32(40, 40, 40, 255);
    case LaneState::Runnable: return IM_COL32(240, 228, 66, 255);   // yellow: wants a core, has none
    case LaneState::HoldLock: return IM_COL32(213, 94, 0, 200);
    case LaneState::TaskFailed: return IM_COL32(213, 94, 0, 255);
    case LaneState::Busy: return toU32(kOtherLoadColour, 0.8f);
    default: return dark ? IM_COL32(128, 128, 128, 255) : IM_COL32(128, 128, 128, 255);
    }
}

ImU32 spanColour(RowKind row, const SpanRecord& r, Theme theme) noexcept {
    switch (row) {
    case RowKind::CoreProcs: return procU32(r.proc);
    case RowKind::CoreLoad: {
        // Other processes' share: the busier, the more opaque.
        float a = 0.25f + 0.75f * std::min(1.0f, std::max(0.0f, r.fraction));
        return toU32(kOtherLoadColour, a);
    }
    case RowKind::Tasks:
        if (r.state == LaneState::TaskFailed) return stateColour(LaneState::TaskFailed, theme);
        if (r.mergedCount > 1 && r.state > LaneState::TaskFailed) return stateColour(r.state, theme);
        return procU32(r.proc);
    case RowKind::Locks: return stateColour(LaneState::HoldLock, theme);
    case RowKind::Program:
    case RowKind::Os: return stateColour(r.state, theme);
    }
    return IM_COL32(128, 128, 128, 255);
}

ImU32 laneBackground(Theme theme, bool odd) noexcept {
    if (theme == Theme::Dark) return odd ? IM_COL32(32, 34, 38, 255) : IM_COL32(26, 28, 31, 255);
    return odd ? IM_COL32(240, 240, 238, 255) : IM_COL32(250, 250, 248, 255);
}

ImU32 textMuted(Theme theme) noexcept {
    return theme == Theme::Dark ? IM_COL32(160, 160, 160, 255) : IM_COL32(100, 100, 100, 255);
}

} // namespace parviz::gui
