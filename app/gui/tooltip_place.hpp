#pragma once
// Where a control's tooltip goes (pure geometry, no ImGui, so it is tested
// on its own): inside the window and off the control it explains. Under the
// control when it fits there, else above it; moved left when it would pass
// the window's right edge. Only a tooltip taller than the room above and
// below the control may cover it (then it takes the larger side, clamped).
// All in window pixels; margin: kept between the tooltip and the edges.
#include <algorithm>

namespace parviz::gui {

struct TipBox {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// The tooltip's top-left corner for a tooltip of w x h explaining the
// control `item`, in a window of displayW x displayH; gap: between the
// control and the tooltip.
inline void placeTooltip(const TipBox& item, float w, float h, float displayW, float displayH, float gap, float margin,
                         float& outX, float& outY) {
    const float maxX = std::max(margin, displayW - margin - w);
    outX = std::clamp(item.x0, margin, maxX);
    const float below = item.y1 + gap, above = item.y0 - gap - h;
    if (below + h <= displayH - margin) outY = below;
    else if (above >= margin) outY = above;
    else outY = std::clamp(displayH - margin - (item.y1 + gap) >= item.y0 - gap - margin ? below : above, margin,
                           std::max(margin, displayH - margin - h));
}

} // namespace parviz::gui
