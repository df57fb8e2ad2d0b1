// Timeline spans as instanced quads: one instance per draw record
// {x0, x1, y0, y1} in window pixels (y down, like ImGui), a packed RGBA8
// colour and a fill pattern (span.frag lists them). Four vertices per
// instance, drawn as a triangle strip; the corner comes from gl_VertexID so
// no per-vertex buffer is needed.
// The #version line is added at load time.
layout(location = 0) in vec4 aRect;    // x0, x1, y0, y1
layout(location = 1) in vec4 aColor;   // normalised from RGBA8
layout(location = 2) in uint aStyle;   // SpanStyle

uniform vec2 uDisplaySize;             // logical pixels of the window

out vec4 vColor;
out vec2 vLocal;                       // pixels from the quad's top-left corner
flat out vec2 vSize;                   // quad size in pixels
flat out uint vStyle;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    // Never thinner than one pixel: a merged record must stay visible.
    float x0 = aRect.x;
    float x1 = max(aRect.y, aRect.x + 1.0);
    vec2 p = vec2(mix(x0, x1, corner.x), mix(aRect.z, aRect.w, corner.y));
    vColor = aColor;
    vStyle = aStyle;
    vSize = vec2(x1 - x0, aRect.w - aRect.z);
    vLocal = corner * vSize;
    vec2 ndc = vec2(p.x / uDisplaySize.x * 2.0 - 1.0, 1.0 - p.y / uDisplaySize.y * 2.0);
    gl_Position = vec4(ndc, 0.0, 1.0);
}
