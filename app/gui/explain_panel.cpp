// Explain ("Why"): at the cursor, why each process is in its state, in plain
// sentences (core buildExplain), the callouts found in the run with their
// numbers (findCallouts, also marked on the timeline), and the step buttons
// that move the cursor from one program event to the next.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

#include <string>

namespace parviz::gui {

namespace {

// Wrapped at the panel's edge: a sentence never runs off it.
void wrapped(const std::string& s) {
    ImGui::PushTextWrapPos(0.0f);
    ui::textUnformatted(s.c_str(), s.c_str() + s.size());
    ImGui::PopTextWrapPos();
}

// ‹ › and which processes they step through.
void stepControls(RunView& run) {
    TimelineView& v = run.timeline();
    const bool have = run.trace() != nullptr;
    if (!have) ImGui::BeginDisabled();
    if (ImGui::Button("\u2039 Prev")) run.step(false);
    ui::probeItem("\u2039 Prev");
    ui::tooltipBelow("The previous program event: task, queue, lock, print, process start or exit (key Left or ,).");
    ImGui::SameLine();
    if (ImGui::Button("Next \u203a")) run.step(true);
    ui::probeItem("Next \u203a");
    ui::tooltipBelow("The next program event (key Right or .).");
    const std::string who = v.stepOnly == kNoProc ? std::string("all processes") : procName(run.meta(), v.stepOnly);
    const float w = ImGui::CalcTextSize(who.c_str()).x + ImGui::GetFrameHeight() + ImGui::GetStyle().FramePadding.x * 2;
    ui::sameLineIfFits(w);
    ImGui::SetNextItemWidth(w);
    if (ImGui::BeginCombo("##step-who", who.c_str())) {
        if (ImGui::Selectable("all processes", v.stepOnly == kNoProc)) v.stepOnly = kNoProc;
        const TraceMeta& meta = run.meta();
        for (std::size_t p = 0; p < meta.procs.size(); ++p) {
            if (meta.procs[p].role == ProcRole::ForkServer) continue;
            const auto id = static_cast<ProcId>(p);
            if (ImGui::Selectable(meta.procs[p].name.c_str(), v.stepOnly == id)) v.stepOnly = id;
        }
        ImGui::EndCombo();
    }
    ui::probeItem(who.c_str());
    if (!have) ImGui::EndDisabled();
}

} // namespace

void drawExplainLines(RunView& run, std::int64_t cursor, const PanelEnv& env) {
    stepControls(run);
    const Trace* trace = run.trace();
    if (!trace) {
        wrapped("Press Run, then click any moment of the timeline: this panel says why each worker is in its state.");
        return;
    }
    ui::textDisabled("at %s", formatSeconds(cursor - run.zero()).c_str());
    const std::vector<Callout>& callouts = run.callouts();
    for (const Callout& c : callouts) {
        // The callout the cursor is in stands out; the others stay readable.
        const bool here = cursor >= c.t0 && cursor <= c.t1;
        ImGui::PushStyleColor(ImGuiCol_Text, here ? warningColour(env.theme) : ImGui::GetStyle().Colors[ImGuiCol_Text]);
        wrapped((here ? "\u2192 " : "") + c.text);
        ImGui::PopStyleColor();
        if (ImGui::IsItemClicked()) {
            run.setCursor(c.t0);
            run.timeline().follow = false;
        }
        ui::tooltipBelow("Click: put the cursor where it starts (it is marked on the timeline).");
    }
    if (!callouts.empty()) ImGui::Separator();
    const Explanation x = buildExplain(run.model(), *trace, cursor);
    for (const ProcExplanation& p : x.procs) {
        ImGui::PushStyleColor(ImGuiCol_Text, procTextVec4(p.proc, env.theme));
        wrapped(p.text);
        ImGui::PopStyleColor();
    }
    for (const std::string& n : x.notes) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        wrapped(n);
        ImGui::PopStyleColor();
    }
}

void drawExplainPanel(RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    if (beginPanel("Explain", r)) drawExplainLines(run, cursor, env);
    endPanel();
}

} // namespace parviz::gui
