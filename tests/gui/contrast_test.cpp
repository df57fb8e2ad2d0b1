// Both themes keep every text/background pair the window draws at a WCAG
// contrast of at least 4.5:1, and a control's outline at 3:1 (issue 11,
// finding 12: light-theme checkboxes invisible, sky-blue and orange text
// faint on white). The pairs come from palette.hpp, which window.cpp and
// colours.cpp draw with, so a new colour is tested when it is added there.
#include "gui/palette.hpp"

#include <catch2/catch.hpp>

using namespace parviz;
using namespace parviz::gui;

TEST_CASE("the WCAG contrast ratio: black on white is 21, a colour on itself 1", "[contrast]") {
    CHECK(contrastRatio({0, 0, 0}, {255, 255, 255}) == Approx(21.0));
    CHECK(contrastRatio({86, 180, 233}, {86, 180, 233}) == Approx(1.0));
    // Okabe-Ito sky blue on white: the faint text of finding 12.
    CHECK(contrastRatio({86, 180, 233}, {255, 255, 255}) < 3.0);
    // #767676 on white is the classic 4.54:1.
    CHECK(contrastRatio({0x76, 0x76, 0x76}, {255, 255, 255}) == Approx(4.54).margin(0.01));
}

TEST_CASE("every text/background pair of both themes has a contrast of at least 4.5:1", "[contrast]") {
    for (Theme t : {Theme::Dark, Theme::Light}) {
        const auto pairs = colourPairs(t, 32);
        REQUIRE(pairs.size() > 40);
        for (const ColourPair& p : pairs) {
            const double r = contrastRatio(p.fg, p.bg);
            INFO((t == Theme::Dark ? "dark: " : "light: ") << p.what << ": " << r << ":1, needs " << p.minRatio);
            CHECK(r >= p.minRatio);
        }
    }
}

TEST_CASE("no process's words read as muted: MainProcess's Why line and caption are ink, not the lane's grey",
          "[contrast][why]") {
    // Classroom walk (session 21): "Why: the MainProcess line is drawn in
    // low-contrast grey": its words took MainProcess's lane grey, next to the
    // white of the workers' group line, and read as the muted (disabled) text.
    // A grey process text must stand out from muted text at least as much as
    // the theme's ink does; every Why line meets 4.5:1 on every background.
    for (Theme t : {Theme::Dark, Theme::Light}) {
        const ThemeColours& k = themeColours(t);
        INFO((t == Theme::Dark ? "dark" : "light"));
        for (Rgb bg : {k.windowBg, k.tableRowAlt, k.laneBg0, k.laneBg1, k.popupBg}) {
            CHECK(contrastRatio(procTextColour(kParentProc, t), bg) > contrastRatio(k.textMuted, bg));
            for (ProcId p = 0; p <= 16; ++p) CHECK(contrastRatio(procTextColour(p, t), bg) >= 4.5);
            CHECK(contrastRatio(k.textMuted, bg) >= 4.5);
            CHECK(contrastRatio(k.textDisabled, bg) >= 4.5);
        }
    }
}

TEST_CASE("worker text colours keep their hue apart: no two of the seven are the same", "[contrast]") {
    for (Theme t : {Theme::Dark, Theme::Light}) {
        for (ProcId a = 1; a <= 7; ++a)
            for (ProcId b = a + 1; b <= 7; ++b) {
                const Rgb x = procTextColour(a, t), y = procTextColour(b, t);
                INFO("workers " << a << " and " << b);
                CHECK((std::abs(x.r - y.r) + std::abs(x.g - y.g) + std::abs(x.b - y.b)) > 40);
            }
    }
}

TEST_CASE("the plots' series colours are none of the worker colours, and differ from each other", "[contrast]") {
    // Newcomer finding: the speedup plot drew sleep in sky blue and cpu in
    // orange, the colours of workers 2 and 1 in the rows beside it: a series
    // (a work kind) read as a worker.
    auto distance = [](Rgb x, Rgb y) { return std::abs(x.r - y.r) + std::abs(x.g - y.g) + std::abs(x.b - y.b); };
    for (Theme t : {Theme::Dark, Theme::Light}) {
        for (int s = 0; s < 2; ++s) {   // sleep, cpu: the plots' series (mixed runs are not plotted)
            const Rgb c = seriesColour(s, t);
            for (ProcId p = 1; p <= 7; ++p) {
                INFO((t == Theme::Dark ? "dark" : "light") << ": series " << s << " against worker " << p);
                CHECK(distance(c, procColour(p)) > 100);
                CHECK(distance(c, procTextColour(p, t)) > 100);
            }
        }
        CHECK(distance(seriesColour(0, t), seriesColour(1, t)) > 150);
    }
}

TEST_CASE("CIE76 colour distance: a colour from itself 0, black from white 100", "[contrast]") {
    CHECK(colourDistance({230, 159, 0}, {230, 159, 0}) == Approx(0.0).margin(1e-9));
    CHECK(colourDistance({0, 0, 0}, {255, 255, 255}) == Approx(100.0).margin(0.1));
    // Okabe-Ito orange against the old dark theme's warning orange: the same colour at a glance.
    CHECK(colourDistance({230, 159, 0}, {240, 170, 60}) < 15);
}

TEST_CASE("no worker colour is a meaning colour (busy, killed, runnable, waits, warning) in either theme", "[contrast]") {
    // Classroom walk, finding 6: in Compare worker 1's rows were orange, the
    // colour the header names "machine busy"; the queue's wait stripes were
    // worker 7's yellow, the pool-results wait stripes worker 2's sky blue.
    // A worker colour must never be read as a meaning, nor a meaning as a worker
    // (text meanings, warning and error, also against the workers' text colours).
    for (Theme t : {Theme::Dark, Theme::Light}) {
        const auto meanings = meaningColours(t);
        REQUIRE(meanings.size() >= 15);
        for (const MeaningColour& m : meanings)
            for (ProcId p = 1; p <= static_cast<ProcId>(kProcPalette.size()); ++p)
                for (const Rgb w : {procColour(p), m.text ? procTextColour(p, t) : procColour(p)}) {
                    const double d = colourDistance(m.colour, w);
                    INFO((t == Theme::Dark ? "dark: " : "light: ") << m.what << " against worker " << p << " ("
                                                                   << int(w.r) << "," << int(w.g) << "," << int(w.b)
                                                                   << "): distance " << d);
                    CHECK(d >= kMeaningDistance);
                }
    }
}

TEST_CASE("a task bar drawn runnable (dimmed, with rungs) is no worker's colour, and its rungs stand out on it",
          "[contrast]") {
    // Issue 11 (LESSON step 4): a worker waiting for a core has its task bar
    // dimmed towards the lane with rungs in ink over it. The dimmed colour of
    // any worker must not read as another worker's (light theme: the old
    // 60 % dim made blue's waiting bar sky blue's, a CIE76 distance of 19),
    // and the rungs must show on every one (3:1, a graphic's contrast).
    for (Theme t : {Theme::Dark, Theme::Light}) {
        const Rgb ink = stateRgb(LaneState::Runnable, t);
        for (ProcId p = 1; p <= static_cast<ProcId>(kProcPalette.size()); ++p) {
            const Rgb dim = runnableBarRgb(procColour(p), t);
            for (ProcId q = 1; q <= static_cast<ProcId>(kProcPalette.size()); ++q) {
                INFO((t == Theme::Dark ? "dark" : "light") << ": worker " << p << " waiting against worker " << q);
                CHECK(colourDistance(dim, procColour(q)) >= kMeaningDistance);
            }
            INFO("rungs on worker " << p << "'s waiting bar");
            CHECK(contrastRatio(ink, dim) >= 3.0);
        }
    }
}

// Session 22: in Compare the legend's busy swatch, the rows' busy times
// ("1 worker 4.03 s") and the class's "you: 0.67 s" were one pink: the class
// could not tell a busy run from a prediction by colour. Each meaning has its
// own colour now, and no two meaning colours of a theme are near each other.
TEST_CASE("the class's predictions have a colour of their own: not the warning's (machine busy) nor any other meaning's",
          "[contrast]") {
    for (Theme t : {Theme::Dark, Theme::Light}) {
        const ThemeColours& k = themeColours(t);
        INFO((t == Theme::Dark ? "dark" : "light"));
        CHECK(colourDistance(k.prediction, k.warning) >= kMeaningDistance);
        for (const MeaningColour& m : meaningColours(t)) {
            if (m.what == "the class's predictions") continue;
            INFO(m.what << ": distance " << colourDistance(k.prediction, m.colour));
            CHECK(colourDistance(k.prediction, m.colour) >= kMeaningDistance);
        }
        for (int series = 0; series < 3; ++series) CHECK(colourDistance(k.prediction, seriesColour(series, t)) >= kMeaningDistance);
    }
}

TEST_CASE("workers past seven colours get a pattern, named by the legend in one word with their numbers",
          "[contrast][patterns]") {
    // ForkPoolWorker-8 drew exactly as -1 (session 22): same colour, no mark.
    CHECK(procColourIndex(8) == procColourIndex(1));
    CHECK(workerPattern(kParentProc) == WorkerPattern::Solid);
    for (ProcId p = 1; p <= 7; ++p) CHECK(workerPattern(p) == WorkerPattern::Solid);
    for (ProcId p = 8; p <= 14; ++p) CHECK(workerPattern(p) == WorkerPattern::Dotted);
    for (ProcId p = 15; p <= 21; ++p) CHECK(workerPattern(p) == WorkerPattern::Dashed);
    // Same colour, never the same paint: colour and pattern tell 1-21 apart.
    for (ProcId a = 1; a <= 21; ++a)
        for (ProcId b = a + 1; b <= 21; ++b)
            if (procColourIndex(a) == procColourIndex(b)) CHECK(workerPattern(a) != workerPattern(b));
    auto words = [](const std::vector<ProcId>& ws) {
        std::vector<std::string> out;
        for (const PatternEntry& e : workerPatternLegend(ws)) out.push_back(e.words);
        return out;
    };
    std::vector<ProcId> sixteen;
    for (ProcId p = 0; p <= 16; ++p) sixteen.push_back(p);
    CHECK(words(sixteen) == std::vector<std::string>{"workers 8-14: dotted", "15-16: dashed"});
    // Dashed alone names its workers.
    CHECK(words({0, 1, 15, 16}) == std::vector<std::string>{"workers 15-16: dashed"});
    CHECK(words({0, 1, 2, 3, 4, 5, 6, 7, 8}) == std::vector<std::string>{"worker 8: dotted"});
    CHECK(words({0, 1, 2, 3}).empty());
    // The lanes in view only: 9-12 folded away leaves 8 and 13-14.
    CHECK(words({0, 1, 8, 13, 14}) == std::vector<std::string>{"workers 8-14: dotted"});
    CHECK(workerPatternLegend(sixteen).front().first == 8);
}
