// Queue panel: the items in each queue at the cursor, as boxes in FIFO order
// (front on the left) with their values; counts; Empty/Full events. The item
// just put fades in, the one just taken fades out, so playback reads as motion.
#include "gui/colours.hpp"
#include "gui/panels.hpp"

#include <algorithm>
#include <cmath>

namespace parviz::gui {
namespace {

constexpr std::int64_t kAnimNs = 400'000'000;   // run-time length of the put/get animation

void drawBox(ImDrawList* dl, ImVec2 p, ImVec2 size, const std::string& value, ImU32 border, float alpha, Theme th) {
    const ImU32 fill = th == Theme::Dark ? IM_COL32(45, 48, 54, static_cast<int>(255 * alpha))
                                         : IM_COL32(255, 255, 255, static_cast<int>(255 * alpha));
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), fill, 3);
    dl->AddRect(p, ImVec2(p.x + size.x, p.y + size.y), (border & 0x00FFFFFFu) | (static_cast<ImU32>(255 * alpha) << 24), 3,
                0, 2.0f);
    const ImVec2 ts = ImGui::CalcTextSize(value.c_str());
    dl->PushClipRect(p, ImVec2(p.x + size.x, p.y + size.y), true);
    const ImU32 tc = (ImGui::GetColorU32(ImGuiCol_Text) & 0x00FFFFFFu) | (static_cast<ImU32>(255 * alpha) << 24);
    dl->AddText(ImVec2(p.x + std::max(3.0f, (size.x - ts.x) / 2), p.y + (size.y - ts.y) / 2), tc, value.c_str());
    dl->PopClipRect();
}

void drawQueue(GuiApp& app, const Trace& trace, std::int32_t id) {
    const std::int64_t t = app.cursor();
    const QueueView v = buildQueueView(app.index(), trace, id, t);
    const Theme th = app.theme();
    ImGui::Text("%s", v.name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("in queue %zu   put %zu   taken %zu", v.inQueue, v.putCount, v.takenCount);
    for (const QueueViewEvent& e : v.recentEmptyFull) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(0.9f, 0.62f, 0.0f, 1.0f), "%s", e.kind == EventKind::QueueEmpty ? "Empty" : "Full");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%s at %s", procName(app.meta(), e.proc).c_str(), formatDuration(e.t - app.zero()).c_str());
    }

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const ImVec2 box(std::round(fs * 3.2f), std::round(fs * 1.7f));
    const float gap = 6;
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float maxX = start.x + ImGui::GetContentRegionAvail().x;
    ImVec2 p = start;
    // The item taken last leaves from the front: a fading ghost.
    if (v.hasLastGet && t - v.lastGet.getT < kAnimNs && v.lastGet.getProc != kNoProc) {
        const float a = 1.0f - static_cast<float>(t - v.lastGet.getT) / static_cast<float>(kAnimNs);
        const std::string val = v.lastGet.preview != kNoString ? std::string(trace.string(v.lastGet.preview)) : "";
        drawBox(dl, p, box, val, procU32(v.lastGet.getProc), 0.25f + 0.5f * a, th);
        p.x += box.x + gap;
    }
    if (v.items.empty()) {
        dl->AddText(ImVec2(p.x + 4, p.y + (box.y - fs) / 2), textMuted(th), "(empty)");
    }
    for (std::size_t i = 0; i < v.items.size(); ++i) {
        const QueueViewItem& it = v.items[i];
        if (p.x + box.x > maxX) {
            p.x = start.x;
            p.y += box.y + gap + fs * 0.6f;
        }
        const ImU32 border = it.putProc == kNoProc ? textMuted(th) : procU32(it.putProc);
        drawBox(dl, p, box, it.value, border, 1.0f, th);
        // Just put: a glow that fades, so arrivals catch the eye (the box itself stays solid).
        if (t - it.putT < kAnimNs) {
            const float a = 1.0f - static_cast<float>(t - it.putT) / static_cast<float>(kAnimNs);
            dl->AddRect(ImVec2(p.x - 2, p.y - 2), ImVec2(p.x + box.x + 2, p.y + box.y + 2),
                        (border & 0x00FFFFFFu) | (static_cast<ImU32>(200 * a) << 24), 4, 0, 2.0f);
        }
        if (ImGui::IsMouseHoveringRect(p, ImVec2(p.x + box.x, p.y + box.y)))
            ImGui::SetTooltip("%s\nput by %s at %s", it.value.c_str(), procName(app.meta(), it.putProc).c_str(),
                              formatDuration(it.putT - app.zero()).c_str());
        p.x += box.x + gap;
    }
    if (v.inQueue > v.items.size()) dl->AddText(ImVec2(p.x, p.y + (box.y - fs) / 2), textMuted(th), "...");
    ImGui::SetCursorScreenPos(ImVec2(start.x, p.y + box.y + fs * 0.7f));
    ImGui::Dummy(ImVec2(1, 1));
}

} // namespace

void drawQueuePanel(GuiApp& app, const Rect& r) {
    if (beginPanel("Queue", r)) {
        const Trace* trace = app.trace();
        const TraceMeta meta = app.meta();
        if (!trace || meta.queues.empty()) {
            ImGui::TextDisabled(trace ? "This scenario uses no queue." : "No run yet.");
        } else {
            ImGui::TextDisabled("front (next to be taken) on the left");
            for (const ObjectInfo& q : meta.queues) drawQueue(app, *trace, q.id);
        }
    }
    endPanel();
}

} // namespace parviz::gui
