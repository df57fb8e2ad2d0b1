// rasterizeStrip: the Compare view's condensed strips coloured as pixels.
// Each case says which pixel must hold what, as the span shader would draw it.
#include "parviz/raster.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace parviz;

namespace {

constexpr std::uint32_t kRed = 0xff0000ffu, kBlue = 0xffff0000u;

std::uint32_t alphaOf(std::uint32_t p) { return p >> 24; }
std::uint32_t redOf(std::uint32_t p) { return p & 0xffu; }
std::uint32_t blueOf(std::uint32_t p) { return (p >> 16) & 0xffu; }

std::vector<std::uint32_t> raster(std::vector<PixelSpan> spans, std::size_t width) {
    std::vector<std::uint32_t> out(width, 0xdeadbeefu);   // garbage: every pixel must be written
    rasterizeStrip(spans, out);
    return out;
}

} // namespace

TEST_CASE("a strip is transparent where no span is and opaque in a span's inner pixels", "[raster]") {
    const auto px = raster({{2.0f, 8.0f, kRed}}, 10);
    for (std::size_t i : {0u, 1u, 8u, 9u}) CHECK(px[i] == 0u);
    for (std::size_t i = 3; i <= 6; ++i) CHECK(px[i] == kRed);
}

TEST_CASE("a span four pixels or wider has darker first and last pixels, a narrower one does not", "[raster]") {
    const auto wide = raster({{2.0f, 8.0f, kRed}}, 10);
    CHECK(redOf(wide[2]) == 153u);   // 255 * 0.6
    CHECK(redOf(wide[7]) == 153u);
    CHECK(alphaOf(wide[2]) == 255u);
    const auto narrow = raster({{2.0f, 5.0f, kRed}}, 10);
    CHECK(narrow[2] == kRed);
    CHECK(narrow[4] == kRed);
}

TEST_CASE("a span clipped by the strip's edge keeps its colour at the clipped pixel", "[raster]") {
    const auto px = raster({{-5.0f, 3.0f, kRed}, {7.0f, 30.0f, kBlue}}, 10);
    CHECK(px[0] == kRed);        // not the span's first pixel: not darkened
    CHECK(px[9] == kBlue);
}

TEST_CASE("a span thinner than a pixel still colours one whole pixel", "[raster]") {
    const auto px = raster({{4.2f, 4.3f, kRed}}, 10);
    // Widened to [4.2, 5.2): 0.8 of pixel 4, 0.2 of pixel 5, as span.vert widens it.
    CHECK(redOf(px[4]) == 255u);
    CHECK(alphaOf(px[4]) == Approx(0.8 * 255).margin(1));
    CHECK(alphaOf(px[5]) == Approx(0.2 * 255).margin(1));
    CHECK(px[3] == 0u);
    CHECK(px[6] == 0u);
}

TEST_CASE("a pixel shared by two spans gets their colours weighted by coverage", "[raster]") {
    const auto px = raster({{0.0f, 2.5f, kRed}, {2.5f, 4.0f, kBlue}}, 5);
    CHECK(px[1] == kRed);
    CHECK(redOf(px[2]) == Approx(127.5).margin(1));
    CHECK(blueOf(px[2]) == Approx(127.5).margin(1));
    CHECK(alphaOf(px[2]) == 255u);
    CHECK(px[3] == kBlue);
    CHECK(px[4] == 0u);
}

TEST_CASE("rasterizing costs nothing outside the strip: far-off spans leave it empty", "[raster]") {
    const auto px = raster({{-1e6f, -10.0f, kRed}, {50.0f, 1e6f, kBlue}}, 8);
    for (std::uint32_t p : px) CHECK(p == 0u);
}
