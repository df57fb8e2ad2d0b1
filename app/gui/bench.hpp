#pragma once
// `parviz gui --bench-frames N`: frame times over a synthetic trace of
// 1 000 000 spans (zoomed out and zoomed in) against one of 1 000 spans.
namespace parviz::gui {

class Window;
struct GuiOptions;

// Prints the medians and the ratio; returns the exit code (0 when the targets
// hold, 1 when they do not, so scripts/bench can notice).
int runFrameBench(Window& window, const GuiOptions& opts);

} // namespace parviz::gui
