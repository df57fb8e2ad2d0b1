#pragma once
// Draws timeline spans with our own shaders (shaders/span.vert/.frag) as
// instanced quads. Panels add instances while they build their ImGui windows;
// the renderer draws them inside ImGui's pass through an ImDrawList callback,
// so spans sit in the right window, under its text, clipped to its rect.
#include "parviz/raster.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

struct ImDrawList;
struct ImDrawCmd;

namespace parviz::gui {

// Fill patterns of span.frag. Worker colours are always Solid; states that
// must never be mistaken for a worker get a pattern (see colours.cpp).
// Flat: a plain fill without Solid's darker edge (a layer over other spans).
// Rungs: horizontal lines, the pixels between them left untouched (runnable,
// waiting for a free core: over a dimmed task bar, or alone on the os row).
enum class SpanStyle : std::uint32_t {
    Solid = 0, Stripes = 1, BackStripes = 2, Bars = 3, Outline = 4, Checker = 5, Hatch = 6, Flat = 7, Rungs = 8,
    Dotted = 9, Dashed = 10   // workers 8-14 and 15-21 (palette.hpp's workerPattern): the colour solid, marked in dark
};

// One quad in window pixels (y down), a colour packed like ImU32 (ABGR in
// memory order R, G, B, A), so ImGui colours can be passed unchanged, and a
// fill pattern.
struct SpanInstance {
    float x0, x1, y0, y1;
    std::uint32_t rgba;
    SpanStyle style = SpanStyle::Solid;
};
static_assert(sizeof(SpanInstance) == 24, "the vertex layout in span.vert expects 24 bytes");

class SpanRenderer {
public:
    SpanRenderer() = default;
    ~SpanRenderer();
    SpanRenderer(const SpanRenderer&) = delete;
    SpanRenderer& operator=(const SpanRenderer&) = delete;

    // Needs a current GL 3.3 context. Returns false with error() naming the file.
    bool init(const std::string& shadersDir);
    const std::string& error() const noexcept { return m_error; }

    // Start of frame: forget last frame's batches.
    void beginFrame();
    // Queues `spans` to be drawn at this point of drawList's command stream
    // (clipped to its current clip rect). The spans are copied.
    void draw(ImDrawList* drawList, const SpanInstance* spans, std::size_t count);
    void draw(ImDrawList* drawList, const std::vector<SpanInstance>& spans) {
        draw(drawList, spans.data(), spans.size());
    }
    std::size_t instancesThisFrame() const noexcept { return m_instances.size(); }

    // A condensed strip (the Compare view's rows): `spans` coloured into one
    // row of pixels (rasterizeStrip) and drawn as ONE textured quad over
    // [x0, x0 + widthPx) x [y0, y1) at this point of drawList's command
    // stream, so it costs one quad however many spans it holds. x0 is rounded
    // to a whole pixel, so a texel is a screen pixel. The frame's strips share
    // one texture (kStripRows rows), uploaded once before the first of them is
    // drawn. Returns false, drawing nothing, when the texture is full for this
    // frame or the strip wider than it: the caller then draws the spans as
    // instances. Solid spans only: patterns need the span shader.
    bool drawStrip(ImDrawList* drawList, float x0, float y0, float y1, int widthPx, std::span<const PixelSpan> spans);
    std::size_t stripsThisFrame() const noexcept { return m_stripRows; }
    // Off: drawStrip always returns false (the frame benchmark's "before").
    void enableStrips(bool on) noexcept { m_stripsEnabled = on; }
    static constexpr int kStripRows = 1024;

private:
    struct Batch {
        SpanRenderer* self;
        std::size_t first, count;
    };
    static void callback(const ImDrawList* list, const ImDrawCmd* cmd);
    static void uploadStripsCallback(const ImDrawList* list, const ImDrawCmd* cmd);
    void render(const Batch& b);
    bool ensureStripTexture();

    unsigned m_program = 0, m_vao = 0, m_vbo = 0;
    int m_uDisplaySize = -1;
    std::string m_error;
    std::vector<SpanInstance> m_instances;   // all batches of the frame, uploaded once
    std::vector<Batch> m_batches;            // stable storage for callback data
    bool m_uploaded = false;

    unsigned m_stripTexture = 0;
    int m_stripTexWidth = 0;                     // texels; rows are kStripRows
    std::size_t m_stripRows = 0, m_stripMaxWidth = 0;   // used this frame
    std::vector<std::uint32_t> m_stripPixels;    // kStripRows x m_stripTexWidth, row-major
    const ImDrawList* m_stripList = nullptr;     // last list given the upload callback
    bool m_stripsUploaded = false;
    bool m_stripsEnabled = true;
};

} // namespace parviz::gui
