#include "parviz/raster.hpp"

#include <algorithm>
#include <cmath>

namespace parviz {
namespace {

std::uint32_t channel(std::uint32_t rgba, int i) { return (rgba >> (8 * i)) & 0xffu; }

// 60 % of the colour, alpha kept: a span's edge pixel (span.frag's darker edge).
std::uint32_t darker(std::uint32_t c) {
    std::uint32_t out = c & 0xff000000u;
    for (int i = 0; i < 3; ++i) out |= (channel(c, i) * 153u / 255u) << (8 * i);
    return out;
}

// A pixel covered `cover` (0..1) by colour c over what is there already. The
// alpha stored so far stands for the coverage so far (colours are opaque
// where they are solid), so two half pixels make one whole pixel of their
// average colour, and a lone half pixel is the colour at half alpha.
std::uint32_t addCover(std::uint32_t under, std::uint32_t c, float cover) {
    const float e = static_cast<float>(channel(under, 3)) / 255.0f;
    const float a = static_cast<float>(channel(c, 3)) / 255.0f * cover;
    const float total = e + a;
    if (total <= 0) return 0;
    std::uint32_t out = 0;
    for (int i = 0; i < 3; ++i) {
        const float v = (static_cast<float>(channel(under, i)) * e + static_cast<float>(channel(c, i)) * a) / total;
        out |= static_cast<std::uint32_t>(std::min(255.0f, v + 0.5f)) << (8 * i);
    }
    return out | static_cast<std::uint32_t>(std::min(1.0f, total) * 255.0f + 0.5f) << 24;
}

} // namespace

void rasterizeStrip(std::span<const PixelSpan> spans, std::span<std::uint32_t> out, float edgePx) {
    std::fill(out.begin(), out.end(), 0u);
    const auto width = static_cast<std::ptrdiff_t>(out.size());
    for (const PixelSpan& s : spans) {
        const float x0 = s.x0, x1 = std::max(s.x1, s.x0 + 1.0f);   // never thinner than a pixel
        const bool edges = x1 - x0 >= edgePx;
        const auto spanFirst = static_cast<std::ptrdiff_t>(std::floor(x0));
        const auto spanLast = static_cast<std::ptrdiff_t>(std::ceil(x1)) - 1;
        const std::uint32_t edgeColour = edges ? darker(s.rgba) : s.rgba;
        // The pixels inside the span are whole: one fill. Its first and last
        // pixel may be partly covered and may be the darker edge.
        const auto innerFirst = std::max<std::ptrdiff_t>(0, spanFirst + 1);
        const auto innerLast = std::min(width - 1, spanLast - 1);
        if (innerFirst <= innerLast) std::fill(out.begin() + innerFirst, out.begin() + innerLast + 1, s.rgba);
        const std::ptrdiff_t ends[2] = {spanFirst, spanLast};
        for (int k = 0; k < (spanLast > spanFirst ? 2 : 1); ++k) {   // a one-pixel span is done once
            const std::ptrdiff_t i = ends[k];
            if (i < 0 || i >= width) continue;
            const float cover = std::min(x1, static_cast<float>(i + 1)) - std::max(x0, static_cast<float>(i));
            if (cover <= 0) continue;
            std::uint32_t& px = out[static_cast<std::size_t>(i)];
            px = cover >= 0.999f ? edgeColour : addCover(px, edgeColour, cover);
        }
    }
}

} // namespace parviz
