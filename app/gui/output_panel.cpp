// Output panel: every process's printed lines up to the cursor, in order,
// each in its process's colour.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

namespace parviz::gui {

void drawOutputPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    if (beginPanel("Output", r)) drawOutputLines(run, cursor, env);
    endPanel();
}

void drawOutputLines(const RunView& run, std::int64_t cursor, const PanelEnv& env) {
    {
        const Trace* trace = run.trace();
        if (!trace) {
            ui::textDisabled("No run yet.");
        } else if (drawWaitingForProgram(run)) {
        } else {
            const OutputView v = buildOutputView(run.model(), *trace, cursor);
            const TraceMeta meta = run.meta();
            if (v.total > v.lines.size()) ui::textDisabled("(%zu earlier lines)", v.total - v.lines.size());
            for (const OutputLine& l : v.lines) {
                ImGui::PushStyleColor(ImGuiCol_Text, procTextVec4(l.proc, env.theme));
                ui::textUnformatted(l.text.data(), l.text.data() + l.text.size());
                ImGui::PopStyleColor();
                if (ImGui::IsItemHovered())
                    ImGui::SetTooltip("%s at %s", procName(meta, l.proc).c_str(), formatInstant(l.t - run.zero()).c_str());
            }
            // Keep the newest line in view while following the run or replaying.
            ImGui::SetScrollHereY(1.0f);
        }
    }
}

} // namespace parviz::gui
