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
    // The colours are data (palette.cpp: stateRgb, tested against the worker
    // colours); the patterns tell the states apart without colour vision.
    const Rgb c = stateRgb(s, theme);
    const bool dark = theme == Theme::Dark;
    switch (s) {
    case LaneState::Exited: return {toU32(c, dark ? 160 / 255.0f : 200 / 255.0f)};
    case LaneState::WaitQueue:
    case LaneState::WaitSync:   // an Event, Condition, Barrier, join, a pool's results
        return {toU32(c), SpanStyle::Stripes};
    case LaneState::WaitLock: return {toU32(c), SpanStyle::BackStripes};
    case LaneState::Stopped: return {toU32(c), SpanStyle::Bars};
    case LaneState::Killed: return {toU32(c), SpanStyle::Checker};
    // Runnable, waiting for a free core: rungs (horizontal lines) in ink,
    // as on a task bar (runnableLayers), so the os row and the task bar say
    // it the same way; no other state has lines across.
    case LaneState::Runnable: return {toU32(c), SpanStyle::Rungs};
    // A failed task keeps its worker's colour but is hollow (spanPaint); the legend shows it in ink.
    case LaneState::TaskFailed: return {toU32(c), SpanStyle::Outline};
    case LaneState::Busy: return {toU32(c, 0.9f), SpanStyle::Hatch};
    default: return {toU32(c)};
    }
}

// A worker's own paint: its colour, and past seven workers its pattern (palette.hpp).
Paint workerPaint(ProcId p) noexcept {
    switch (workerPattern(p)) {
    case WorkerPattern::Dotted: return {procU32(p), SpanStyle::Dotted};
    case WorkerPattern::Dashed: return {procU32(p), SpanStyle::Dashed};
    default: return {procU32(p)};
    }
}

Paint spanPaint(RowKind row, const SpanRecord& r, Theme theme) noexcept {
    switch (row) {
    case RowKind::CoreProcs: return workerPaint(r.proc);
    case RowKind::CoreLoad: {
        // Other processes' share: the busier, the more opaque.
        float a = 0.35f + 0.65f * std::min(1.0f, std::max(0.0f, r.fraction));
        return {toU32(kOtherLoadColour, a), SpanStyle::Hatch};
    }
    case RowKind::Tasks:
        if (r.state == LaneState::TaskFailed) return {procU32(r.proc), SpanStyle::Outline};
        if (r.mergedCount > 1 && r.state > LaneState::TaskFailed) return statePaint(r.state, theme);
        return workerPaint(r.proc);
    case RowKind::Locks: return statePaint(LaneState::HoldLock, theme);
    case RowKind::Program:
    case RowKind::Os: return statePaint(r.state, theme);
    }
    return {IM_COL32(128, 128, 128, 255)};
}

void runnableLayers(float x0, float x1, float y0, float y1, Theme theme, std::vector<SpanInstance>& out) {
    // The task bar dimmed towards the lane (a worker's colour at 30 %, palette's
    // runnableBarRgb:
    // "not running" from the back of the room), then the rungs in ink over it.
    const ThemeColours& k = themeColours(theme);
    out.push_back(SpanInstance{x0, x1, y0, y1, toU32(k.laneBg0, kRunnableDim), SpanStyle::Flat});
    const Paint rungs = statePaint(LaneState::Runnable, theme);
    out.push_back(SpanInstance{x0, x1, y0, y1, rungs.colour, rungs.style});
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
ImVec4 predictionColour(Theme theme) noexcept { return v4(themeColours(theme).prediction); }
ImVec4 mutedColour(Theme theme) noexcept { return v4(themeColours(theme).textMuted); }
ImVec4 calloutColour(CalloutKind k, Theme theme) noexcept {
    return k == CalloutKind::LongTask ? mutedColour(theme) : warningColour(theme);
}
ImU32 taskLabelU32(ProcId p) noexcept { return toU32(labelOn(procColour(p))); }

} // namespace parviz::gui
