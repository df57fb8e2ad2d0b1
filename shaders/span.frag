// Fills a span; spans wide enough to tell apart get a darker one-pixel edge so
// two adjacent tasks of the same worker read as two tasks, not one.
in vec4 vColor;
in vec2 vLocal;
flat in vec2 vSize;

out vec4 fragColor;

void main() {
    vec4 c = vColor;
    if (vSize.x >= 4.0) {
        float edge = min(min(vLocal.x, vSize.x - vLocal.x), min(vLocal.y, vSize.y - vLocal.y));
        if (edge < 1.0) c.rgb *= 0.6;
    }
    fragColor = c;
}
