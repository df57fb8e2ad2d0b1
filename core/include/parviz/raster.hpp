#pragma once
// Condensed strips as pixels: the Compare view draws each run's cores and
// workers as strips a few pixels high. Drawn span by span, 16 runs of 64
// workers are ~20 000 quads a frame, and a software rasteriser (llvmpipe, the
// classroom's usual driver) spends its frame setting up their triangles.
// Coloured here instead, a strip is one row of pixels, drawn as one textured
// quad however many spans it holds: the frame's cost follows the window's
// pixels, not the trace (the way Tracy and ImPlot's heatmaps stay flat).
#include <cstdint>
#include <span>
#include <vector>

namespace parviz {

// One span of a strip, in pixels from the strip's left edge (x0 <= x1), and
// its colour packed 0xAABBGGRR (bytes R, G, B, A in memory on little-endian;
// the layout of an ImU32 and of GL_RGBA/GL_UNSIGNED_BYTE).
struct PixelSpan {
    float x0 = 0, x1 = 0;
    std::uint32_t rgba = 0;
};

// Colours `out.size()` pixels from `spans` (left to right; a later span paints
// over an earlier one where both cover a whole pixel, and shares the pixel,
// weighted by coverage, where they cover parts of it).
// As the span shader does (shaders/span.vert, span.frag): a span is never
// thinner than one pixel, so a merged record stays visible; a span at least
// `edgePx` wide (4) has its first and last pixel darkened to 60 %, so two
// adjacent tasks read as two. A pixel a span covers partly gets the span's
// colour with alpha scaled by the covered fraction (antialiased edges); a
// pixel no span touches is 0 (transparent: the lane background shows).
// Cost: O(spans + pixels covered). Spans outside [0, out.size()) are clipped.
void rasterizeStrip(std::span<const PixelSpan> spans, std::span<std::uint32_t> out, float edgePx = 4.0f);

} // namespace parviz
