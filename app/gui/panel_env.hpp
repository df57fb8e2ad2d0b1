#pragma once
// What a panel draws with besides its run: the theme, the window (type
// size), the span renderer, where it reports what it drew (--layout-json),
// and the message line. Never the app: a panel is a function of a RunView, a
// cursor, a rectangle and this.
#include "gui/options.hpp"
#include "gui/span_renderer.hpp"
#include "parviz/views.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parviz::gui {

class Window;

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
};

// One lane row's rectangle in window pixels (tests look there, --layout-json).
struct RowRect {
    LaneKind lane;
    std::int32_t id;
    std::string title;
    RowKind row;
    float x0, y0, x1, y1;
};

// One lane's rectangle and whether all of it was in view (--layout-json).
struct LaneRect {
    std::string title;
    bool worker = false;      // a worker process (pool worker or Process-N), not MainProcess or a core
    float y0 = 0, y1 = 0;
    bool visible = false;     // entirely inside the timeline's visible lane area
};

// Where the panels drew this frame; cleared at the start of every frame.
struct DrawnLayout {
    std::vector<RowRect> rows;
    std::vector<LaneRect> lanes;
    Rect queue;
    void clear() {
        rows.clear();
        lanes.clear();
        queue = Rect{};
    }
};

// The one-line message under the controls (an error in the error colour).
class MessageLine {
public:
    void set(std::string text, bool error = false) {
        m_text = std::move(text);
        m_error = error;
    }
    const std::string& text() const noexcept { return m_text; }
    bool isError() const noexcept { return m_error; }

private:
    std::string m_text;
    bool m_error = false;
};

// A finished (or stopped) run of this session, for the comparison table.
struct SessionRun {
    int number = 0;
    std::string scenario, work, status;
    int workers = 0;
    double makespanS = 0, speedup = 0, efficiency = 0;
    bool hasMakespan = false;
};

struct PanelEnv {
    Theme theme;
    Window& window;
    SpanRenderer& spans;
    DrawnLayout& drawn;
    MessageLine& message;
};

} // namespace parviz::gui
