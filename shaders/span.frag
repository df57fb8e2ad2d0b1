// Fills a span with one of a few patterns, so a state never has to be told
// apart from a worker by hue alone (worker colours are always solid):
//   0 solid      a darker one-pixel edge on spans wide enough to tell apart,
//                so two adjacent tasks of the same worker read as two tasks
//   1 stripes    diagonal stripes, rising (waiting for the queue)
//   2 backstripes diagonal stripes, falling (waiting for the lock)
//   3 bars       vertical bars, like a pause sign (stopped)
//   4 outline    a 2-px frame over a faint fill (runnable; a failed task)
//   5 checker    a checkerboard (killed)
//   6 hatch      thin crossed diagonals (other programs' time on a core)
//   7 flat       a plain fill, no edge (the dimming layer over a task bar)
//   8 rungs      horizontal lines 2 px thick every 5 px, nothing between them
//                (runnable, waiting for a free core): unlike every other
//                pattern, so it reads at a glance and without colour vision
//   9 dotted     solid, with a grid of dark 2x2 dots every 6 px (workers 8-14:
//                their colour repeats workers 1-7's)
//  10 dashed     solid, with dark dashes 3 px deep along its top and bottom
//                edges (workers 15-21)
// Patterns use window pixels (gl_FragCoord), so stripes of adjacent spans
// line up. Off-pattern pixels keep the colour at a quarter of its alpha, so
// the pattern reads on both the dark and the light theme.
in vec4 vColor;
in vec2 vLocal;
flat in vec2 vSize;
flat in uint vStyle;

out vec4 fragColor;

void main() {
    vec4 c = vColor;
    vec2 p = floor(gl_FragCoord.xy);
    bool ink = true;
    if (vStyle == 1u) {
        ink = mod(p.x + p.y, 8.0) < 4.0;
    } else if (vStyle == 2u) {
        ink = mod(p.x - p.y + 8000.0, 8.0) < 4.0;
    } else if (vStyle == 3u) {
        ink = mod(p.x, 6.0) < 3.0;
    } else if (vStyle == 4u) {
        float edge = min(min(vLocal.x, vSize.x - vLocal.x), min(vLocal.y, vSize.y - vLocal.y));
        ink = edge < 2.0 || vSize.x < 5.0;
    } else if (vStyle == 5u) {
        ink = mod(floor(p.x / 3.0) + floor(p.y / 3.0), 2.0) < 1.0;
    } else if (vStyle == 6u) {
        ink = mod(p.x + p.y, 6.0) < 1.5 || mod(p.x - p.y + 6000.0, 6.0) < 1.5;
    } else if (vStyle == 7u) {
        ink = true;
    } else if (vStyle == 8u) {
        if (mod(p.y, 5.0) >= 2.0) discard;
    } else if (vStyle == 9u) {
        if (mod(p.x, 6.0) < 2.0 && mod(p.y, 6.0) < 2.0) c.rgb *= 0.3;
    } else if (vStyle == 10u) {
        float edgeY = min(vLocal.y, vSize.y - vLocal.y);
        if (edgeY < 3.0 && mod(p.x, 8.0) < 5.0) c.rgb *= 0.3;
    } else if (vSize.x >= 4.0) {
        float edge = min(min(vLocal.x, vSize.x - vLocal.x), min(vLocal.y, vSize.y - vLocal.y));
        if (edge < 1.0) c.rgb *= 0.6;
    }
    if (!ink) c.a *= 0.25;
    fragColor = c;
}
