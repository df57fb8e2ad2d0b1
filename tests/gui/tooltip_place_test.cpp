// placeTooltip (app/gui/tooltip_place.hpp): a control's tooltip inside the
// window and off the control, at every edge of a 1280x720 window.
#include "gui/tooltip_place.hpp"

#include <catch2/catch.hpp>

using parviz::gui::placeTooltip;
using parviz::gui::TipBox;

namespace {
bool overlaps(const TipBox& a, float x, float y, float w, float h) {
    return x < a.x1 && a.x0 < x + w && y < a.y1 && a.y0 < y + h;
}
} // namespace

TEST_CASE("a control's tooltip stays inside the window and off the control, near every edge", "[tooltip]") {
    const float W = 1280, H = 720, w = 500, h = 90;
    // Controls at the corners and edges (the Next button at the right, the toolbar at the top, a tab at the bottom).
    const TipBox items[] = {{914, 457, 992, 489}, {1180, 10, 1270, 40}, {10, 680, 120, 712}, {1200, 690, 1278, 718},
                            {600, 300, 700, 330}, {0, 0, 80, 30}};
    for (const TipBox& it : items) {
        float x = -1, y = -1;
        placeTooltip(it, w, h, W, H, 4, 2, x, y);
        INFO("control [" << it.x0 << ", " << it.y0 << ", " << it.x1 << ", " << it.y1 << "] -> tooltip at " << x << ", " << y);
        CHECK(x >= 0);
        CHECK(y >= 0);
        CHECK(x + w <= W);
        CHECK(y + h <= H);
        CHECK_FALSE(overlaps(it, x, y, w, h));
    }
}

TEST_CASE("a tooltip goes under its control when it fits there, else above it", "[tooltip]") {
    float x = 0, y = 0;
    placeTooltip(TipBox{100, 100, 200, 130}, 300, 60, 1280, 720, 4, 2, x, y);
    CHECK(x == 100);
    CHECK(y == 134);   // under, 4 px apart
    placeTooltip(TipBox{100, 660, 200, 690}, 300, 60, 1280, 720, 4, 2, x, y);
    CHECK(y == 596);   // above: 660 - 4 - 60
}
