// Output panel: every process's printed lines up to the cursor, in order,
// each in its process's colour.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

namespace parviz::gui {

void drawOutputPanel(GuiApp& app, const Rect& r) {
    if (beginPanel("Output", r)) drawOutputLines(app);
    endPanel();
}

void drawOutputLines(GuiApp& app) {
    {
        const Trace* trace = app.trace();
        if (!trace) {
            ui::textDisabled("No run yet.");
        } else {
            const OutputView v = buildOutputView(app.index(), *trace, app.cursor());
            const TraceMeta meta = app.meta();
            if (v.total > v.lines.size()) ui::textDisabled("(%zu earlier lines)", v.total - v.lines.size());
            for (const OutputLine& l : v.lines) {
                ImGui::PushStyleColor(ImGuiCol_Text, procTextVec4(l.proc, app.theme()));
                ui::textUnformatted(l.text.data(), l.text.data() + l.text.size());
                ImGui::PopStyleColor();
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s at %s", procName(meta, l.proc).c_str(), formatDuration(l.t - app.zero()).c_str());
            }
            // Keep the newest line in view while following the run or replaying.
            ImGui::SetScrollHereY(1.0f);
        }
    }
}

} // namespace parviz::gui
