// Lock panel: who holds each lock at the cursor (since when), who waits and
// for how long, total wait per process, and owners that died holding it.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

#include <string>

namespace parviz::gui {
namespace {

void swatch(ProcId p) {
    const float s = ImGui::GetFontSize() * 0.7f;
    ImVec2 c = ImGui::GetCursorScreenPos();
    c.y += (ImGui::GetTextLineHeight() - s) / 2;
    ImGui::GetWindowDrawList()->AddRectFilled(c, ImVec2(c.x + s, c.y + s), procU32(p));
    ImGui::Dummy(ImVec2(s, s));
    ImGui::SameLine();
}

void drawLock(const RunView& run, std::int64_t cursor, const PanelEnv& env, const Trace& trace, std::int32_t id) {
    const std::int64_t t = cursor;
    const LockView v = buildLockView(run.model(), trace, id, t);
    ui::text("%s", v.name.c_str());
    ImGui::SameLine();
    ui::textDisabled("acquired %zu times", v.acquisitions);
    if (v.held) {
        swatch(v.owner);
        ui::text("held by %s (pid %llu) for %s", v.ownerName.c_str(), static_cast<unsigned long long>(v.ownerPid),
                    formatDuration(t - v.ownerSince).c_str());
    } else {
        ui::textDisabled("free");
    }
    if (!v.waiters.empty()) {
        ui::text("waiting:");
        for (const LockWaiter& w : v.waiters) {
            // Each waiter (swatch, name, time) flows as one piece and wraps whole.
            const std::string label = w.name + " " + formatDuration(w.waitedNs);
            ui::sameLineIfFits(ImGui::GetFontSize() * 0.7f + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(label.c_str()).x);
            swatch(w.proc);
            ui::textUnformatted(label.c_str());
        }
    }
    if (!v.totals.empty() && ImGui::BeginTable("waits", 3, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("process");
        ImGui::TableSetupColumn("total wait");
        ImGui::TableSetupColumn("waits");
        ImGui::TableHeadersRow();
        for (const LockWaitTotal& w : v.totals) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            swatch(w.proc);
            ui::textUnformatted(w.name.c_str());
            ImGui::TableNextColumn();
            ui::textUnformatted(formatDuration(w.totalNs).c_str());
            ImGui::TableNextColumn();
            ui::text("%zu", w.waits);
        }
        ImGui::EndTable();
    }
    const TraceMeta meta = run.meta();
    for (const LockOwnerDiedRecord& d : v.ownerDied) {
        ui::textColored(warningColour(env.theme), "owner died: %s held it and died; %s recovered it at %s",
                           procName(meta, d.deadOwner).c_str(), procName(meta, d.acquirer).c_str(),
                           formatDuration(d.t - run.zero()).c_str());
    }
}

} // namespace

void drawLockPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    if (beginPanel("Lock", r)) {
        const Trace* trace = run.trace();
        const TraceMeta meta = run.meta();
        const std::vector<ObjectInfo> locks = meta.objectsOf(ObjectKind::Lock);
        if (!trace || locks.empty()) ui::textDisabled(trace ? "This scenario uses no lock." : "No run yet.");
        else
            for (const ObjectInfo& l : locks) {
                ImGui::PushID(l.id);
                drawLock(run, cursor, env, *trace, l.id);
                ImGui::PopID();
            }
    }
    endPanel();
}

} // namespace parviz::gui
