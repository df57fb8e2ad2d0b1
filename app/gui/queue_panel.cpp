// Queue panel: the items in each queue at the cursor, as boxes in FIFO order
// (front on the left) with their values; counts; Empty/Full events. Boxes are
// as wide as their value (elided with an ellipsis past a maximum), wrap to as
// many rows as the queue's share of the panel holds, and the rest is counted.
// The item just put fades in, the one just taken fades out, so playback reads
// as motion.
#include "gui/colours.hpp"
#include "gui/layout_probe.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace parviz::gui {
namespace {

constexpr std::int64_t kAnimNs = 400'000'000;   // run-time length of the put/get animation

// What a box shows of a value preview: the text before the first NUL (a pool
// task-queue item is a chunk message: the task names, a NUL, then pickled
// bytes), other control bytes as spaces.
std::string displayValue(std::string_view v) {
    std::string out(v.substr(0, std::min(v.find('\0'), v.size())));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

struct BoxMetrics {
    float pad, minW, maxW, h, gap;
};

BoxMetrics boxMetrics(float avail) {
    const float fs = ImGui::GetFontSize();
    BoxMetrics m;
    m.pad = std::round(fs * 0.45f);
    // A one-letter value still makes a box a projector shows; no box is
    // wider than the panel (a narrow one's box takes its width, not more).
    m.minW = std::min(std::round(fs * 2.6f), std::floor(avail));
    m.maxW = std::max(m.minW, std::min(std::round(fs * 15.0f), avail));
    m.h = std::round(fs * 1.7f);
    m.gap = 6;
    return m;
}

// The label a box shows and the box's width for it, at most maxW (m.maxW
// when 0) wide.
std::pair<std::string, float> fitLabel(const std::string& value, const BoxMetrics& m, float maxW = 0) {
    if (maxW <= 0) maxW = m.maxW;
    std::string label = ui::elide(value, maxW - 2 * m.pad);
    const float w = std::clamp(ImGui::CalcTextSize(label.c_str()).x + 2 * m.pad, std::min(m.minW, maxW), maxW);
    return {std::move(label), std::floor(w)};
}

void drawBox(ImDrawList* dl, ImVec2 p, ImVec2 size, const std::string& label, ImU32 border, float alpha, Theme th) {
    const ImU32 fill = th == Theme::Dark ? IM_COL32(45, 48, 54, static_cast<int>(255 * alpha))
                                         : IM_COL32(255, 255, 255, static_cast<int>(255 * alpha));
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), fill, 3);
    dl->AddRect(p, ImVec2(p.x + size.x, p.y + size.y), (border & 0x00FFFFFFu) | (static_cast<ImU32>(255 * alpha) << 24), 3,
                0, 2.0f);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->PushClipRect(p, ImVec2(p.x + size.x, p.y + size.y), true);
    const ImU32 tc = (ImGui::GetColorU32(ImGuiCol_Text) & 0x00FFFFFFu) | (static_cast<ImU32>(255 * alpha) << 24);
    const ImVec2 tp(p.x + std::max(3.0f, std::round((size.x - ts.x) / 2)), p.y + std::round((size.y - ts.y) / 2));
    dl->AddText(tp, tc, label.c_str());
    probe::drawnText(label, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
    dl->PopClipRect();
}

// A traced program's JoinableQueue (task_done calls, processes in join())
// and a pool's task queue (MainProcess waiting for the results), one line.
void drawQueueWaits(const RunView& run, std::int64_t t, const Trace& trace, std::int32_t id, Theme th) {
    if (!run.model().sync(ObjectKind::Queue, id)) return;
    const SyncView s = buildSyncView(run.model(), trace, ObjectKind::Queue, id, t);
    char buf[160];
    if (s.taskDone > 0 || std::any_of(s.waiting.begin(), s.waiting.end(), [](const SyncWaiter& w) { return !w.poolResults; })) {
        std::snprintf(buf, sizeof buf, "task_done %zu", s.taskDone);
        ui::textDisabled("%s", buf);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("JoinableQueue: join() returns once every item put has been answered by a task_done().");
    }
    bool first = true;
    std::int64_t longest = 0;   // one unit along the line, the longest wait's
    for (const SyncWaiter& w : s.waiting) longest = std::max(longest, t - w.since);
    for (const SyncWaiter& w : s.waiting) {
        std::snprintf(buf, sizeof buf, "%s %s %s", w.name.c_str(),
                      w.poolResults ? "waits for the pool's results" : "waits in join()",
                      formatSecondsLike(t - w.since, longest).c_str());
        if (!first || s.taskDone > 0) ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
        first = false;
        ui::textColored(procTextVec4(w.proc, th), "%s", buf);
    }
}

// maxHeight: pixels this queue may use (header line included); rows of boxes
// wrap up to what fits, the rest is counted ("+37 more").
// Returns the height this queue must have (its name, its counts and one
// row of boxes), for presentation's layout.
// emptyInline: an empty queue says "(empty)" on its name's line and draws no
// row of boxes (the Queue and Lock panel, where a line is worth a lock's holder).
float drawQueue(const RunView& run, std::int64_t cursor, const PanelEnv& env, const Trace& trace, std::int32_t id,
                float maxHeight, bool compact, bool emptyInline = false) {
    const std::int64_t t = cursor;
    const QueueView v = buildQueueView(run.model(), trace, id, t);
    emptyInline = emptyInline && v.items.empty();
    const Theme th = env.theme;
    const float topY = ImGui::GetCursorPosY();
    if (compact) {
        // No title bar in presentation: the line says what this is.
        ui::textDisabled("queue");
        ImGui::SameLine();
    }
    ui::text("%s", v.name.c_str());
    if (compact) ui::tooltipBelow("Its items as boxes, the front (next to be taken) on the left.");
    if (emptyInline) {
        ui::sameLineIfFits(ImGui::CalcTextSize("(empty)").x);
        ui::textDisabled("(empty)");
    }
    // The counts flow and wrap. A pool's queues end with its stop signals
    // (buildQueueView counts them apart and says why), so "put 6" for 4 tasks
    // is not a mystery.
    char buf[160];
    std::snprintf(buf, sizeof buf, "in queue %zu", v.inQueue);
    if (!emptyInline) {   // "(empty)" said it
        ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
        ui::textDisabled("%s", buf);
    }
    ui::sameLineIfFits(ImGui::CalcTextSize(v.putText.c_str()).x);
    ui::textDisabled("%s", v.putText.c_str());
    if (v.stopSignals && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", v.stopTip.c_str());
    std::snprintf(buf, sizeof buf, "taken %zu", v.takenCount - v.discardedCount);
    if (v.droppedText.empty()) {
        ui::sameLineIfFits(ImGui::CalcTextSize(buf).x);
        ui::textDisabled("%s", buf);
    } else {
        // A traced Pool's terminate: what was left in it is never read. Said
        // with the taken count, in one piece where the line allows ("taken 9
        // + 1 never taken"), then why: as an item of its own after "taken 9"
        // it was the first line to scroll out at 1280x720, and "taken 9"
        // under "put 10" read as a lost item (newcomer walk, session 29).
        const std::size_t colon = v.droppedText.find(": ");
        const std::string never = "+ " + v.droppedText.substr(0, colon);
        const std::string why = colon == std::string::npos ? std::string() : "(" + v.droppedText.substr(colon + 2) + ")";
        const std::string joined = std::string(buf) + " " + never;
        const bool one = ImGui::CalcTextSize(joined.c_str()).x <= ImGui::GetContentRegionAvail().x;
        for (const std::string& part : one ? std::vector<std::string>{joined, why} : std::vector<std::string>{buf, never, why}) {
            if (part.empty()) continue;
            ui::sameLineIfFits(ImGui::CalcTextSize(part.c_str()).x);
            ui::textDisabled("%s", part.c_str());
            if (part != buf && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", v.droppedTip.c_str());
        }
    }
    // Recent Empty / Full raised: one word each with its count ("Empty x4"),
    // not the word repeated; the tooltip says who met it and when.
    for (const EventKind kind : {EventKind::QueueEmpty, EventKind::QueueFull}) {
        std::size_t n = 0;
        std::string who;
        for (const QueueViewEvent& e : v.recentEmptyFull) {
            if (e.kind != kind) continue;
            ++n;
            who += (who.empty() ? "" : "\n") + procName(run.meta(), e.proc) + " found the queue " +
                   (kind == EventKind::QueueEmpty ? "empty" : "full") + " at " + formatInstant(e.t - run.zero());
        }
        if (n == 0) continue;
        const std::size_t total = kind == EventKind::QueueEmpty ? v.emptyCount : v.fullCount;
        const std::string what = std::string(kind == EventKind::QueueEmpty ? "Empty" : "Full") +
                                 (total > 1 ? " \u00d7" + std::to_string(total) : std::string());
        if (total > n) who += "\n(the last " + std::to_string(n) + " of " + std::to_string(total) + ")";
        ui::sameLineIfFits(ImGui::CalcTextSize(what.c_str()).x);
        ui::textColored(warningColour(th), "%s", what.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", who.c_str());
    }

    drawQueueWaits(run, t, trace, id, th);
    if (emptyInline) return ImGui::GetCursorPosY() - topY;

    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fs = ImGui::GetFontSize();
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float need = ImGui::GetCursorPosY() - topY + std::round(fs * 1.7f) + fs * 0.5f;   // boxMetrics' h: one row
    const float avail = ImGui::GetContentRegionAvail().x;
    const float maxX = start.x + avail;
    const BoxMetrics m = boxMetrics(avail);
    const float rowStep = m.h + m.gap;
    const int maxRows = std::max(1, static_cast<int>((maxHeight - ImGui::GetTextLineHeightWithSpacing() - fs * 0.5f + m.gap) / rowStep));
    ImVec2 p = start;
    int row = 0;
    // The item taken last leaves from the front: a fading ghost, only while
    // time runs (a still picture would show it as a leftover item).
    const bool moving = run.live() && run.cursorIsLive();
    if (moving && v.hasLastGet && t - v.lastGet.getT < kAnimNs && v.lastGet.getProc != kNoProc) {
        const float a = 1.0f - static_cast<float>(t - v.lastGet.getT) / static_cast<float>(kAnimNs);
        // Its words say it is leaving by the front ("← B"): a box of its own
        // beside "in queue 1" read as a second item, and beside "(empty)" as a
        // leftover (classroom walk, session 31); not "taken 3", which beside
        // the count "taken 3" read as the same thing (review).
        const std::string val =
            "\u2190 " + (v.lastGet.preview != kNoString ? displayValue(v.lastGetValue) : std::string());
        // At most a third of the row: the items and the count of the rest keep the room.
        auto [label, w] = fitLabel(val, m, std::max(m.minW, std::floor(avail / 3)));
        drawBox(dl, p, ImVec2(w, m.h), label, procU32(v.lastGet.getProc), 0.25f + 0.5f * a, th);
        if (ImGui::IsMouseHoveringRect(p, ImVec2(p.x + w, p.y + m.h)))
            ImGui::SetTooltip("just taken by %s: no longer in the queue", procName(run.meta(), v.lastGet.getProc).c_str());
        p.x += w + m.gap;
    }
    if (v.items.empty()) {
        const ImVec2 tp(p.x + 4, p.y + (m.h - fs) / 2);
        dl->AddText(tp, textMuted(th), "(empty)");
        const ImVec2 ts = ImGui::CalcTextSize("(empty)");
        probe::drawnText("(empty)", tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
    }
    // Measured, then fitted: where each box goes, and then the count of
    // the rest, which is always whole ("+2 more", never "+2 m" at the
    // panel's edge): boxes are given back from the end of the last row
    // until it fits. A box is drawn whole or not at all (its value
    // shortened with "…" inside it), never cut by the panel's edge.
    struct Placed {
        std::size_t item;
        ImVec2 at;
        float w;
        std::string label, value;
    };
    std::vector<Placed> placed;
    const auto moreText = [&](std::size_t n) { return "+" + std::to_string(n) + " more"; };
    for (std::size_t k = 0; k < v.items.size(); ++k) {
        const std::string value = displayValue(v.items[k].value);
        auto [label, w] = fitLabel(value, m);
        const std::size_t after = v.inQueue > k + 1 ? v.inQueue - k - 1 : 0;
        const float moreW = after ? m.gap + ImGui::CalcTextSize(moreText(after).c_str()).x : 0;
        if (p.x + w > maxX && p.x > start.x && row + 1 < maxRows) {
            ++row;
            p = ImVec2(start.x, p.y + rowStep);
        }
        // The last row keeps room for the count of what does not fit: a box
        // that would take it is narrowed (its value shortened further), and
        // is the row's last; narrower than a box can be, it is not drawn.
        if (row + 1 >= maxRows && p.x + w + moreW > maxX) {
            const float room = std::floor(maxX - moreW - p.x);
            if (room < m.minW) break;
            std::tie(label, w) = fitLabel(value, m, room);
            placed.push_back({k, p, w, std::move(label), value});
            p.x += w + m.gap;
            break;
        }
        placed.push_back({k, p, w, std::move(label), value});
        p.x += w + m.gap;
    }
    std::string more;
    if (v.inQueue > placed.size()) {
        // The count goes after the last box; while it does not fit there,
        // that box is narrowed for it (its value shortened further), or,
        // narrower than a box can be, gives its place to it (the count
        // grows by one).
        for (;;) {
            more = moreText(v.inQueue - placed.size());
            const float moreW = ImGui::CalcTextSize(more.c_str()).x;
            const float at = placed.empty() ? p.x : placed.back().at.x + placed.back().w + m.gap;
            if (placed.empty() || placed.back().at.y < p.y - 0.5f || at + moreW <= maxX) {
                if (!placed.empty()) p = ImVec2(at, placed.back().at.y);
                break;
            }
            Placed& last = placed.back();
            const float room = std::floor(maxX - moreW - m.gap - last.at.x);
            if (room >= m.minW) {
                std::tie(last.label, last.w) = fitLabel(last.value, m, room);
                continue;
            }
            p = last.at;
            placed.pop_back();
        }
        // Narrower than the count itself (a very narrow panel): the number alone.
        if (p.x + ImGui::CalcTextSize(more.c_str()).x > maxX) more = "+" + std::to_string(v.inQueue - placed.size());
    }
    for (const Placed& b : placed) {
        const QueueViewItem& it = v.items[b.item];
        const ImU32 border = it.putProc == kNoProc ? textMuted(th) : procU32(it.putProc);
        const ImVec2 q = b.at;
        const float w = b.w;
        drawBox(dl, q, ImVec2(w, m.h), b.label, border, 1.0f, th);
        // Just put: a glow that fades, so arrivals catch the eye (the box itself stays solid).
        if (t - it.putT < kAnimNs) {
            const float a = 1.0f - static_cast<float>(t - it.putT) / static_cast<float>(kAnimNs);
            dl->AddRect(ImVec2(q.x - 2, q.y - 2), ImVec2(q.x + w + 2, q.y + m.h + 2),
                        (border & 0x00FFFFFFu) | (static_cast<ImU32>(200 * a) << 24), 4, 0, 2.0f);
        }
        if (ImGui::IsMouseHoveringRect(q, ImVec2(q.x + w, q.y + m.h)))
            ImGui::SetTooltip("%s\nput by %s at %s", b.value.c_str(), procName(run.meta(), it.putProc).c_str(),
                              formatInstant(it.putT - run.zero()).c_str());
    }
    if (!more.empty()) {
        const ImVec2 tp(p.x, p.y + (m.h - fs) / 2);
        dl->AddText(tp, ImGui::GetColorU32(ImGuiCol_Text), more.c_str());
        const ImVec2 ts = ImGui::CalcTextSize(more.c_str());
        probe::drawnText(more, tp, ImVec2(tp.x + ts.x, tp.y + ts.y), dl);
    }
    ImGui::SetCursorScreenPos(ImVec2(start.x, p.y + m.h + fs * 0.5f));
    ImGui::Dummy(ImVec2(1, 1));
    return need;
}

} // namespace

void drawQueueLockPanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    // One panel for both (a traced program's column under the timeline is
    // about five lines at 1280x720): split in two it left the queue one line,
    // its boxes never seen (classroom walk, session 15). What is in use at the
    // cursor comes first, each object's lines as the two panels draw them.
    if (beginPanel("Queue and Lock", r, ImGuiWindowFlags_NoTitleBar)) {
        const Trace* trace = run.trace();
        const TraceMeta meta = run.meta();
        const std::vector<ObjectInfo> queues = meta.objectsOf(ObjectKind::Queue);
        const std::vector<ObjectInfo> locks = lockPanelObjects(meta);
        if (drawWaitingForProgram(run)) {
        } else if (!trace || (queues.empty() && locks.empty())) {
            ui::textDisabled(!trace ? "No run yet." : "This program uses no queue and no lock (yet).");
        } else {
            struct Obj {
                const ObjectInfo* o;
                bool queue;
                int rank;
            };
            // In use first: a lock held or waited for (its holder and
            // waiters, a few lines: a traced Pool's task queue holding a
            // chunk hid them), then a queue holding items; then the locks
            // used so far (their waits), then the empty queues, a line each,
            // then the locks not acquired yet.
            std::vector<Obj> objs;
            for (const ObjectInfo& q : queues)
                objs.push_back({&q, true, buildQueueView(run.model(), *trace, q.id, cursor).items.empty() ? 3 : 1});
            for (const ObjectInfo& l : locks) {
                const LockUse u = lockObjectUse(run, cursor, *trace, l);
                objs.push_back({&l, false, u == LockUse::InUse ? 0 : u == LockUse::Used ? 2 : 4});
            }
            std::stable_sort(objs.begin(), objs.end(), [](const Obj& a, const Obj& b) { return a.rank < b.rank; });
            // A queue holding items gets one row of boxes when a lock is
            // there too (its holder and waiters under it), else the room.
            std::size_t queuesLeft = queues.size();
            for (const Obj& o : objs) {
                if (&o != &objs.front()) ImGui::Separator();
                if (o.queue) {
                    ImGui::PushID(o.o->id);
                    const float share = locks.empty() ? ImGui::GetContentRegionAvail().y / static_cast<float>(queuesLeft) : 0.0f;
                    drawQueue(run, cursor, env, *trace, o.o->id, share, true, true);
                    ImGui::PopID();
                    --queuesLeft;
                } else {
                    ImGui::PushID(1 << 24);
                    drawLockObject(run, cursor, env, *trace, *o.o, true, o.rank != 0);
                    ImGui::PopID();
                }
            }
        }
    }
    endPanel();
}

void drawQueuePanel(const RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    // Presentation: no title bar; each queue's first line names it.
    const bool compact = env.window.typeSize() == TypeSize::Large;
    if (beginPanel("Queue", r, compact ? ImGuiWindowFlags_NoTitleBar : 0)) {
        const Trace* trace = run.trace();
        const TraceMeta meta = run.meta();
        const std::vector<ObjectInfo> queues = meta.objectsOf(ObjectKind::Queue);
        if (drawWaitingForProgram(run)) {
        } else if (!trace || queues.empty()) {
            ui::textDisabled(!trace ? "No run yet." : meta.work == kTracedProgramWork ? "This program uses no queue."
                                                                                    : "This scenario uses no queue.");
        } else {
            if (!compact) ui::textDisabled("front (next to be taken) on the left");
            float need = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
            // Share the panel's height between the queues; each wraps its boxes within its share.
            for (std::size_t i = 0; i < queues.size(); ++i) {
                const float share = ImGui::GetContentRegionAvail().y / static_cast<float>(queues.size() - i);
                need += drawQueue(run, cursor, env, *trace, queues[i].id, share, compact);
            }
            env.drawn.queueNeedH = need;
        }
    }
    endPanel();
}

} // namespace parviz::gui
