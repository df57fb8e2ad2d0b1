// Lock panel: who holds each lock at the cursor (since when; a Semaphore's
// several holders), who waits and for how long, total wait per process, and
// owners that died holding it. Then a traced program's Events, Conditions and
// Barriers: who waits on each since when, and what was signalled.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

void drawLock(const RunView& run, std::int64_t cursor, const PanelEnv& env, const Trace& trace, std::int32_t id,
              bool compact, bool totals) {
    const std::int64_t t = cursor;
    const LockView v = buildLockView(run.model(), trace, id, t);
    ui::text("%s", v.name.c_str());
    char acquired[64];
    std::snprintf(acquired, sizeof acquired, "acquired %zu time%s", v.acquisitions, v.acquisitions == 1 ? "" : "s");
    ui::sameLineIfFits(ImGui::CalcTextSize(acquired).x);
    ui::textDisabled("%s", acquired);
    if (v.semaphore) {   // several may hold it; a release by a non-holder is a signal
        ImGui::SameLine();
        ui::textDisabled("held %zu of %d", v.holders.size(), v.capacity);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("A Semaphore(%d): up to %d processes hold it at once (each acquire that is not\n"
                              "released by the same process); the next one waits. It has no owner: a process\n"
                              "that holds none of it may release it, which is a signal: it lets one acquire\n"
                              "through, and that acquirer holds nothing.", v.capacity, v.capacity);
        if (v.pendingSignals) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%zu signal%s not taken yet", v.pendingSignals, v.pendingSignals == 1 ? "" : "s");
            ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
            ui::textDisabled("%s", buf);
        }
    }
    // Who holds it at the cursor, right under its name: the first thing a
    // reader looks for (classroom walk: the panel showed one line and never
    // its holder). In presentation without the pid; wrapped, never cut.
    if (v.holders.empty()) ui::textDisabled("free: nobody holds it");
    for (const LockHolder& h : v.holders) {
        if (!compact) swatch(h.proc);
        char pid[48] = "";
        if (!compact) std::snprintf(pid, sizeof pid, " (pid %llu)", static_cast<unsigned long long>(h.pid));
        const std::string line = "held by " + h.name + pid + (compact ? ", " : " for ") + formatDuration(t - h.since) +
                                 (h.exited ? " (it exited holding it: never given back)" : "");
        ImGui::PushTextWrapPos(0.0f);
        ui::textUnformatted(line.c_str());
        ImGui::PopTextWrapPos();
    }
    for (const LockSignalView& sig : v.recentSignals) {
        swatch(sig.proc);
        if (sig.takenBy != kNoProc)
            ui::text("signal: %s released it at %s without holding it; %s went through on it at %s", sig.name.c_str(),
                     formatInstant(sig.t - run.zero()).c_str(), sig.takenByName.c_str(),
                     formatInstant(sig.takenT - run.zero()).c_str());
        else
            ui::text("signal: %s released it at %s without holding it; not taken yet", sig.name.c_str(),
                     formatInstant(sig.t - run.zero()).c_str());
    }
    if (!v.waiters.empty()) {
        ui::textDisabled("waiting:");
        ImGui::SameLine();
        // One unit along the line, the longest wait's ("0.40 s" beside "1.20 s", never "400 ms").
        std::int64_t longest = 0;
        for (const LockWaiter& w : v.waiters) longest = std::max(longest, w.waitedNs);
        for (const LockWaiter& w : v.waiters) {
            // Each waiter (swatch, name, time) flows as one piece and wraps whole.
            const std::string label = w.name + " " + formatSecondsLike(w.waitedNs, longest);
            if (&w != &v.waiters.front())
                ui::sameLineIfFits(ImGui::GetFontSize() * 0.7f + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(label.c_str()).x);
            else if (ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 0.7f + ImGui::GetStyle().ItemSpacing.x +
                                                           ImGui::CalcTextSize(label.c_str()).x)
                ImGui::NewLine();
            swatch(w.proc);
            ui::textUnformatted(label.c_str());
        }
    }
    // The numbers' columns as wide as their widest text, the rest the name's,
    // in its process's colour (as Stats' worker table): a 435 px column broke
    // "ForkPoolWorke" / "r-3" with proportional columns and a swatch.
    if (totals && !v.totals.empty() && ImGui::BeginTable("waits", 3, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) {
        // One unit down the column (formatSecondsLike): "0.61 s" over "1.01 s", not "606 ms".
        std::int64_t longest = 0;
        for (const LockWaitTotal& w : v.totals) longest = std::max(longest, w.totalNs);
        float waitedW = ImGui::CalcTextSize("waited").x, waitsW = ImGui::CalcTextSize("waits").x;
        for (const LockWaitTotal& w : v.totals) {
            waitedW = std::max(waitedW, ImGui::CalcTextSize(formatSecondsLike(w.totalNs, longest).c_str()).x);
            waitsW = std::max(waitsW, ImGui::CalcTextSize(std::to_string(w.waits).c_str()).x);
        }
        ImGui::TableSetupColumn("process", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("waited", ImGuiTableColumnFlags_WidthFixed, std::ceil(waitedW));
        ImGui::TableSetupColumn("waits", ImGuiTableColumnFlags_WidthFixed, std::ceil(waitsW));
        ImGui::TableHeadersRow();
        for (const LockWaitTotal& w : v.totals) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ui::textColored(procTextVec4(w.proc, env.theme), "%s", w.name.c_str());
            ImGui::TableNextColumn();
            ui::textUnformatted(formatSecondsLike(w.totalNs, longest).c_str());
            ImGui::TableNextColumn();
            ui::text("%zu", w.waits);
        }
        ImGui::EndTable();
    }
    const TraceMeta meta = run.meta();
    for (const LockOwnerDiedRecord& d : v.ownerDied) {
        ui::textColored(warningColour(env.theme), "owner died: %s held it and died; %s recovered it at %s",
                           procName(meta, d.deadOwner).c_str(), procName(meta, d.acquirer).c_str(),
                           formatInstant(d.t - run.zero()).c_str());
    }
}

// An Event, Condition or Barrier at the cursor.
void drawSync(const RunView& run, std::int64_t t, const PanelEnv& env, const Trace& trace, const ObjectInfo& o) {
    const SyncView v = buildSyncView(run.model(), trace, o.kind, o.id, t);
    ui::text("%s", v.name.c_str());
    char buf[160];
    if (o.kind == ObjectKind::Event) std::snprintf(buf, sizeof buf, "%s", v.flagSet ? "set" : "clear");
    else if (o.kind == ObjectKind::Barrier)
        std::snprintf(buf, sizeof buf, "%zu of %lld arrived", v.waiting.size(), static_cast<long long>(v.size));
    else std::snprintf(buf, sizeof buf, "%zu waiting", v.waiting.size());
    ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
    ui::textDisabled("%s", buf);
    if (v.brokenSince != kNever) {
        ui::sameLineIfFits(ImGui::CalcTextSize("broken").x);
        ui::textColored(warningColour(env.theme), "broken");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Broken at %s (abort, or a wait's timeout): every wait raises BrokenBarrierError "
                              "until reset().", formatInstant(v.brokenSince - run.zero()).c_str());
    }
    if (!v.waiting.empty()) {
        ui::text("waiting:");
        std::int64_t longest = 0;   // one unit along the line, the longest wait's
        for (const SyncWaiter& w : v.waiting) longest = std::max(longest, t - w.since);
        for (const SyncWaiter& w : v.waiting) {
            const std::string label = w.name + " " + formatSecondsLike(t - w.since, longest);
            ui::sameLineIfFits(ImGui::GetFontSize() * 0.7f + ImGui::GetStyle().ItemSpacing.x +
                               ImGui::CalcTextSize(label.c_str()).x);
            swatch(w.proc);
            ui::textUnformatted(label.c_str());
        }
    }
    std::snprintf(buf, sizeof buf, "%zu waits ended (longest %s)", v.waits, formatDuration(v.longestWaitNs).c_str());
    ui::textDisabled("%s", buf);
    if (v.timedOut || v.broken) {
        std::snprintf(buf, sizeof buf, "%zu timed out, %zu broken", v.timedOut, v.broken);
        ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
        ui::textColored(warningColour(env.theme), "%s", buf);
    }
    const TraceMeta meta = run.meta();
    for (const SyncSignalRecord& r : v.recentSignals) {
        std::snprintf(buf, sizeof buf, "%s %s at %s", procName(meta, r.proc).c_str(), toString(r.op),
                      formatInstant(r.t - run.zero()).c_str());
        ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
        ui::textDisabled("%s", buf);
    }
}

} // namespace

std::vector<ObjectInfo> lockPanelObjects(const TraceMeta& meta) {
    std::vector<ObjectInfo> out = meta.objectsOf(ObjectKind::Lock);
    for (const ObjectInfo& o : meta.objects)
        if (o.kind == ObjectKind::Event || o.kind == ObjectKind::Condition || o.kind == ObjectKind::Barrier)
            out.push_back(o);
    return out;
}

LockUse lockObjectUse(const RunView& run, std::int64_t cursor, const Trace& trace, const ObjectInfo& o) {
    if (o.kind == ObjectKind::Lock) {
        const LockView v = buildLockView(run.model(), trace, o.id, cursor);
        if (!v.holders.empty() || !v.waiters.empty()) return LockUse::InUse;
        return v.acquisitions > 0 ? LockUse::Used : LockUse::NotYet;
    }
    const SyncView v = buildSyncView(run.model(), trace, o.kind, o.id, cursor);
    if (!v.waiting.empty()) return LockUse::InUse;
    return v.waits > 0 ? LockUse::Used : LockUse::NotYet;
}

void drawLockObject(const RunView& run, std::int64_t cursor, const PanelEnv& env, const Trace& trace, const ObjectInfo& o,
                    bool compact, bool totals) {
    ImGui::PushID(o.kind == ObjectKind::Lock ? o.id : static_cast<int>(o.kind) << 20 | o.id);
    if (o.kind == ObjectKind::Lock) drawLock(run, cursor, env, trace, o.id, compact, totals);
    else drawSync(run, cursor, env, trace, o);
    ImGui::PopID();
}

void drawLockPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    // Presentation: no title bar (as the Queue panel); each lock's first line names it.
    const bool compact = env.window.typeSize() == TypeSize::Large;
    if (beginPanel("Lock", r, compact ? ImGuiWindowFlags_NoTitleBar : 0)) {
        const Trace* trace = run.trace();
        const TraceMeta meta = run.meta();
        const std::vector<ObjectInfo> objects = lockPanelObjects(meta);
        if (drawWaitingForProgram(run)) {
        } else if (!trace || objects.empty()) {
            ui::textDisabled(!trace ? "No run yet." : meta.work == kTracedProgramWork ? "This program uses no lock."
                                                                                         : "This scenario uses no lock.");
        } else {
            for (const ObjectInfo& o : objects) drawLockObject(run, cursor, env, *trace, o, compact);
        }
    }
    endPanel();
}

} // namespace parviz::gui
