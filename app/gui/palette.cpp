#include "gui/palette.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui {
namespace {

// Dark: near-black panels, light grey ink. Light: near-white panels, near-black
// ink; controls get a visible frame (ImGui's light frames vanish on white).
constexpr ThemeColours kDark = {
    /*windowBg*/ {22, 23, 26}, /*popupBg*/ {30, 32, 36}, /*titleBg*/ {34, 38, 46}, /*titleBgActive*/ {40, 48, 66},
    /*frameBg*/ {44, 50, 62}, /*frameBorder*/ {120, 128, 142}, /*button*/ {38, 70, 118}, /*buttonHovered*/ {50, 90, 150},
    /*buttonActive*/ {30, 58, 100}, /*header*/ {40, 70, 112}, /*tab*/ {36, 48, 70}, /*tabActive*/ {48, 84, 140},
    /*tableRowAlt*/ {32, 34, 38}, /*tableHeader*/ {40, 44, 52},
    /*text*/ {235, 235, 235}, /*textDisabled*/ {165, 165, 165}, /*textMuted*/ {165, 165, 165},
    /*checkMark*/ {120, 200, 255}, /*sliderGrab*/ {110, 170, 240},
    /*laneBg0*/ {26, 28, 31}, /*laneBg1*/ {32, 34, 38}, /*queueBox*/ {45, 48, 54},
    /*error*/ {255, 120, 100}, /*warning*/ {255, 100, 230}, /*prediction*/ {130, 235, 90},
};
constexpr ThemeColours kLight = {
    /*windowBg*/ {247, 247, 245}, /*popupBg*/ {255, 255, 255}, /*titleBg*/ {222, 226, 232}, /*titleBgActive*/ {200, 212, 232},
    /*frameBg*/ {255, 255, 255}, /*frameBorder*/ {110, 110, 118}, /*button*/ {205, 220, 242}, /*buttonHovered*/ {180, 204, 240},
    /*buttonActive*/ {160, 190, 235}, /*header*/ {200, 216, 240}, /*tab*/ {222, 228, 238}, /*tabActive*/ {190, 208, 238},
    /*tableRowAlt*/ {236, 236, 234}, /*tableHeader*/ {224, 226, 230},
    /*text*/ {20, 20, 20}, /*textDisabled*/ {88, 88, 88}, /*textMuted*/ {88, 88, 88},
    /*checkMark*/ {0, 90, 170}, /*sliderGrab*/ {0, 100, 190},
    /*laneBg0*/ {250, 250, 248}, /*laneBg1*/ {240, 240, 238}, /*queueBox*/ {255, 255, 255},
    /*error*/ {175, 0, 40}, /*warning*/ {160, 0, 160}, /*prediction*/ {0, 100, 0},
};

double channel(std::uint8_t v) noexcept {
    const double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double luminance(Rgb c) noexcept { return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b); }

} // namespace

const ThemeColours& themeColours(Theme t) noexcept { return t == Theme::Dark ? kDark : kLight; }

double contrastRatio(Rgb a, Rgb b) noexcept {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

Rgb readableOn(Rgb c, Rgb bg, double minRatio) noexcept {
    const bool towardsWhite = luminance(bg) < 0.18;
    for (int step = 0; step <= 20 && contrastRatio(c, bg) < minRatio; ++step) {
        auto mix = [&](std::uint8_t v) {
            const double target = towardsWhite ? 255.0 : 0.0;
            return static_cast<std::uint8_t>(std::lround(v + (target - v) * 0.1));
        };
        c = {mix(c.r), mix(c.g), mix(c.b)};
    }
    return c;
}

Rgb labelOn(Rgb bg) noexcept {
    constexpr Rgb ink = {15, 15, 15}, white = {255, 255, 255};
    return contrastRatio(ink, bg) >= contrastRatio(white, bg) ? ink : white;
}

Rgb procTextColour(ProcId p, Theme t) noexcept {
    const ThemeColours& k = themeColours(t);
    // MainProcess has no colour of its own (its lane's grey): its words in that
    // grey read as muted, disabled text (classroom walk, session 21: "Why: the
    // MainProcess line is drawn in low-contrast grey"); they are the theme's ink.
    if (procColourIndex(p) < 0) return k.text;
    // Readable on the lightest (light theme: darkest) background it sits on.
    Rgb c = procColour(p);
    for (Rgb bg : {k.windowBg, k.tableRowAlt, k.laneBg0, k.laneBg1, k.popupBg}) c = readableOn(c, bg);
    return c;
}

WorkerPattern workerPattern(ProcId p) noexcept {
    const int i = procColourIndex(p);
    if (i < 0) return WorkerPattern::Solid;
    const auto round = static_cast<int>((p - 1) / kProcPalette.size());
    return static_cast<WorkerPattern>(round % 3);
}

const char* toString(WorkerPattern w) noexcept {
    switch (w) {
    case WorkerPattern::Dotted: return "dotted";
    case WorkerPattern::Dashed: return "dashed";
    default: return "solid";
    }
}

std::vector<PatternEntry> workerPatternLegend(const std::vector<ProcId>& workers) {
    std::vector<PatternEntry> out;
    const auto seven = static_cast<ProcId>(kProcPalette.size());
    for (WorkerPattern w : {WorkerPattern::Dotted, WorkerPattern::Dashed}) {
        // Per round of seven (8-14, then 29-35, ...): the lowest and highest shown.
        std::vector<std::pair<ProcId, ProcId>> rounds;
        std::vector<ProcId> sorted(workers);
        std::sort(sorted.begin(), sorted.end());
        for (ProcId p : sorted) {
            if (p == kParentProc || p == kNoProc || workerPattern(p) != w) continue;
            if (!rounds.empty() && (rounds.back().first - 1) / seven == (p - 1) / seven) rounds.back().second = p;
            else rounds.emplace_back(p, p);
        }
        if (rounds.empty()) continue;
        std::string range;
        std::size_t count = 0;
        for (const auto& [lo, hi] : rounds) {
            range += (range.empty() ? "" : ", ") + std::to_string(lo) + (lo == hi ? "" : "-" + std::to_string(hi));
            count += hi - lo + 1;
        }
        // The second entry goes on from the first ("workers 8-14: dotted", "15-16: dashed"): at 1280x720
        // with 16 workers the legend's second row held both only so, and a third row cost a worker lane.
        const std::string who = out.empty() ? (count == 1 ? "worker " : "workers ") : "";
        out.push_back({w, rounds.front().first, who + range + ": " + toString(w)});
    }
    return out;
}

Rgb stateRgb(LaneState s, Theme t) noexcept {
    const bool dark = t == Theme::Dark;
    // Ink: the strongest neutral of the theme (white on dark, near-black on light).
    const Rgb ink = dark ? Rgb{245, 245, 245} : Rgb{25, 25, 25};
    switch (s) {
    // The program's own state: neutral greys, brighter = more going on.
    case LaneState::Running: return dark ? Rgb{200, 200, 200} : Rgb{80, 80, 80};
    case LaneState::Sleeping: return dark ? Rgb{120, 120, 120} : Rgb{150, 150, 150};
    case LaneState::Idle: return dark ? Rgb{68, 68, 68} : Rgb{205, 205, 205};
    case LaneState::Exited: return dark ? Rgb{45, 45, 45} : Rgb{225, 225, 225};
    // Waits: patterns no worker colour ever has.
    case LaneState::WaitQueue: return dark ? Rgb{255, 245, 175} : Rgb{125, 105, 0};
    case LaneState::WaitSync: return dark ? Rgb{200, 185, 255} : Rgb{70, 40, 150};
    case LaneState::WaitLock: return ink;
    case LaneState::Stopped: return dark ? Rgb{210, 210, 210} : Rgb{60, 60, 60};
    case LaneState::Killed: return ink;
    // The OS row: on a core solid, runnable (wants a core, has none) hollow.
    case LaneState::OnCore: return dark ? Rgb{220, 220, 220} : Rgb{60, 60, 60};
    case LaneState::Runnable: return ink;
    case LaneState::HoldLock: return ink;
    case LaneState::TaskFailed: return ink;
    case LaneState::Busy: return kOtherLoadColour;
    default: return {128, 128, 128};
    }
}

Rgb runnableBarRgb(Rgb worker, Theme t) noexcept {
    const Rgb bg = themeColours(t).laneBg0;
    auto mix = [](std::uint8_t w, std::uint8_t b) {
        return static_cast<std::uint8_t>(std::lround(w * (1.0 - kRunnableDim) + b * kRunnableDim));
    };
    return {mix(worker.r, bg.r), mix(worker.g, bg.g), mix(worker.b, bg.b)};
}

std::vector<MeaningColour> meaningColours(Theme t) {
    const ThemeColours& k = themeColours(t);
    std::vector<MeaningColour> out = {{"warning (machine busy, callouts)", k.warning, true},
                                      {"the class's predictions", k.prediction, true},
                                      {"error", k.error, true},
                                      {"parviz's own load", kOwnLoadColour}};
    for (int i = static_cast<int>(LaneState::Busy); i < static_cast<int>(LaneState::Count); ++i) {
        const auto s = static_cast<LaneState>(i);
        if (s == LaneState::Task) continue;   // a task is its worker's colour
        out.push_back({std::string("state ") + toString(s), stateRgb(s, t)});
    }
    return out;
}

namespace {
struct Lab {
    double l, a, b;
};
Lab toLab(Rgb c) noexcept {
    const double r = channel(c.r), g = channel(c.g), bl = channel(c.b);
    const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * bl,
                 z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
    auto f = [](double v) { return v > 0.008856 ? std::cbrt(v) : 7.787 * v + 16.0 / 116.0; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}
} // namespace

double colourDistance(Rgb a, Rgb b) noexcept {
    const Lab p = toLab(a), q = toLab(b);
    return std::sqrt((p.l - q.l) * (p.l - q.l) + (p.a - q.a) * (p.a - q.a) + (p.b - q.b) * (p.b - q.b));
}

Rgb seriesColour(int series, Theme t) noexcept {
    const bool dark = t == Theme::Dark;
    switch (series) {
    case 0: return dark ? Rgb{240, 240, 240} : Rgb{20, 20, 20};
    case 1: return dark ? Rgb{185, 150, 255} : Rgb{105, 55, 200};
    default: return dark ? Rgb{150, 150, 150} : Rgb{105, 105, 105};
    }
}

std::vector<ColourPair> colourPairs(Theme t, int workers) {
    const ThemeColours& k = themeColours(t);
    std::vector<ColourPair> out;
    const std::pair<const char*, Rgb> textBgs[] = {
        {"window", k.windowBg}, {"popup", k.popupBg}, {"title bar", k.titleBg}, {"active title bar", k.titleBgActive},
        {"input frame", k.frameBg}, {"button", k.button}, {"hovered button", k.buttonHovered},
        {"pressed button", k.buttonActive}, {"selected row", k.header}, {"tab", k.tab}, {"active tab", k.tabActive},
        {"table row", k.tableRowAlt}, {"table header", k.tableHeader}, {"lane", k.laneBg0}, {"odd lane", k.laneBg1},
        {"queue box", k.queueBox}};
    for (const auto& [name, bg] : textBgs) out.push_back({std::string("text on ") + name, k.text, bg, 4.5});
    for (const char* name : {"window", "table row", "input frame"}) {
        const Rgb bg = std::string(name) == "window" ? k.windowBg : std::string(name) == "table row" ? k.tableRowAlt : k.frameBg;
        out.push_back({std::string("disabled text on ") + name, k.textDisabled, bg, 4.5});
        out.push_back({std::string("error text on ") + name, k.error, bg, 4.5});
        out.push_back({std::string("warning text on ") + name, k.warning, bg, 4.5});
        out.push_back({std::string("prediction text on ") + name, k.prediction, bg, 4.5});
    }
    for (Rgb bg : {k.laneBg0, k.laneBg1, k.windowBg, k.tableRowAlt, k.popupBg, k.frameBg})
        out.push_back({"muted text on a lane, window, table row, popup or frame", k.textMuted, bg, 4.5});
    // Compare's "you: 3.00 s" stands on a row's lane.
    for (Rgb bg : {k.laneBg0, k.laneBg1}) out.push_back({"prediction text on a lane", k.prediction, bg, 4.5});
    for (int w = 0; w <= workers; ++w) {
        const auto p = static_cast<ProcId>(w);
        const std::string who = w == 0 ? "MainProcess" : "worker " + std::to_string(w);
        for (const auto& [name, bg] : {std::pair{"window", k.windowBg}, std::pair{"table row", k.tableRowAlt},
                                       std::pair{"lane", k.laneBg0}, std::pair{"odd lane", k.laneBg1}})
            out.push_back({who + " text on " + name, procTextColour(p, t), bg, 4.5});
        out.push_back({"task name on " + who + "'s colour", labelOn(procColour(p)), procColour(p), 4.5});
    }
    // Non-text: a control must be findable (WCAG 1.4.11, 3:1); so must a plot's points and lines.
    for (int series = 0; series < 3; ++series)
        out.push_back({std::string(series == 0 ? "sleep" : series == 1 ? "cpu" : "mixed") + " plot series on window",
                       seriesColour(series, t), k.windowBg, 3.0});
    out.push_back({"checkbox/input frame border on window", k.frameBorder, k.windowBg, 3.0});
    out.push_back({"check mark in its box", k.checkMark, k.frameBg, 3.0});
    out.push_back({"slider grab in its frame", k.sliderGrab, k.frameBg, 3.0});
    return out;
}

} // namespace parviz::gui
