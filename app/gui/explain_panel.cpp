// Explain ("Why"): at the cursor, why each process is in its state, in plain
// sentences (core buildExplain), the callouts found in the run with their
// numbers (findCallouts, also marked on the timeline), and the step buttons
// that move the cursor from one program event to the next.
#include "gui/colours.hpp"
#include "gui/panels.hpp"
#include "gui/window.hpp"
#include "parviz/line_break.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace parviz::gui {

namespace {

// Wrapped at the panel's edge: a sentence never runs off it.
void wrapped(const std::string& s) {
    ImGui::PushTextWrapPos(0.0f);
    ui::textUnformatted(s.c_str(), s.c_str() + s.size());
    ImGui::PopTextWrapPos();
}

// Presentation's short form of a sentence: up to its n-th ": " (the note's
// point), "" when it has no short form. A whole statement, never ending in
// "…" (classroom walk: Why's header read "…for 63 % of their task time …",
// as if something the class needed was cut); the whole sentence on hover.
std::string shortForm(const std::string& s, int n) {
    std::size_t cut = std::string::npos, from = 0;
    for (int i = 0; i < n; ++i) {
        cut = s.find(": ", from);
        if (cut == std::string::npos) break;
        from = cut + 2;
    }
    return cut == std::string::npos ? std::string() : s.substr(0, cut);
}

// A callout's short form: its headline (core: the point and the numbers
// that matter, in one short line) when it takes one line at wrapW, else its
// kind and brief ("oversubscription: 8 workers + other programs on 2
// cores"), else its text to the second ": ".
std::string calloutShort(const Callout& c, const std::string& mark, float wrapW) {
    const float line = ImGui::GetTextLineHeight() * 1.5f;
    if (!c.headline.empty() && c.headline.size() < c.text.size() &&
        ui::wrappedTextSize(mark + c.headline, wrapW).y < line)
        return mark + c.headline;
    if (!c.brief.empty()) return mark + toString(c.kind) + ": " + c.brief;
    return shortForm(mark + c.text, 2);
}

// The sentence, or its short form with the whole of it on hover.
void shortened(const std::string& s, const std::string& brief, bool compact) {
    if (!compact || brief.empty()) {
        wrapped(s);
        return;
    }
    wrapped(brief);
    ui::tooltipBelow(s.c_str());
}

// What of the Why tab's text is said briefly so that it fits the room it has
// (presentation). Workers in the same state are already one line (core
// groups them: "ForkPoolWorker-3 to -8 are runnable, waiting for a free
// core: 8 processes want 2 cores (oversubscription)"). Then, each only while
// the whole still does not fit: notes (last to first), callouts, each line's
// why (last to first, MainProcess's last: "ForkPoolWorker-3 to -8 are
// runnable, waiting for a free core …"), and at last the workers' lines as
// one paragraph of those first clauses ("ForkPoolWorker-1, -3 and -4 wait to
// take from pool tasks; -2 and -5 run their tasks on the cores"); each
// sentence whole on hover. Nothing is cut while there is room to say it.
struct WhyFit {
    std::vector<bool> shortCallout, shortNote, briefLine;
    bool summariseWorkers = false;
    bool summariseAll = false;   // MainProcess's first clause leads the paragraph too
    bool counts = false;         // the paragraph counts the workers by state (countsByState), no names
    LockNames lockNames = LockNames::None;   // ... but a lock's holder (and its waiters) named, as room allows
    bool calloutLabels = false;  // the one line of callouts gives each its label with its numbers
    bool calloutsOneLine = false;   // the callouts as one line of their kinds (calloutsLine)
    bool notesOneLine = false;      // the notes' first clauses as one line
    // Still too tall when all is said briefly: the sentences at the cursor
    // come first, the callouts under them (they are also marked and named on
    // the timeline and in This run). A traced Pool(2) whose tasks hold one
    // Lock: its lock convoy callout above pushed the holder's clause out of
    // the tab's two lines, and the Why tab is first of all why each process
    // is in its state at the cursor. Not once all have exited: then the
    // sentences say only that, and the callouts stay first.
    bool calloutsBelow = false;
};

// The callouts on one line, each marked on the timeline: with labels, each
// its kind and numbers ("oversubscription: 8 workers on 2 cores; load
// imbalance: ForkPoolWorker-1 idle 69 %"), else named by kind
// ("oversubscription and load imbalance (marked on the timeline)"); the
// whole of each on hover. Newcomer walk: after an 8-worker cpu run the kinds
// alone were all Why said, the numbers that triggered them gone.
std::string calloutsLine(const std::vector<Callout>& callouts, bool labels = false) {
    std::vector<std::string> kinds;
    for (const Callout& c : callouts) {
        const std::string w = labels && !c.label.empty() ? c.label : std::string(toString(c.kind));
        if (std::find(kinds.begin(), kinds.end(), w) == kinds.end()) kinds.push_back(w);
    }
    std::string out;
    for (std::size_t i = 0; i < kinds.size(); ++i)
        out += (i == 0 ? "" : labels ? "; " : i + 1 == kinds.size() ? " and " : ", ") + kinds[i];
    return labels ? out : out + " (marked on the timeline)";
}

std::string briefOf(const ExplainLine& l) { return l.brief; }
bool hasBrief(const ExplainLine& l) { return !l.brief.empty() && l.brief.size() < l.text.size(); }
bool isMain(const ExplainLine& l) { return l.procs.size() == 1 && l.procs.front() == kParentProc; }

// Up to the first ": " outside parentheses (core's firstClauseOf).
std::string firstClause(const std::string& s) { return firstClauseOf(s); }

// A line's first clause, or its brief where that says more of the same
// sentence (MainProcess waiting for a pool's results keeps the tasks' count).
std::string leadOf(const ExplainLine& l) {
    const std::string f = firstClause(l.text);
    return l.brief.size() > f.size() && l.brief.size() < l.text.size() && l.brief.rfind(f, 0) == 0 ? l.brief : f;
}

// The worker lines' first clauses in one paragraph (MainProcess keeps its
// own line, unless withMain: then its first clause leads the paragraph).
// Each clause names its worker in full: a clause that began "-2 waits to
// take from pool tasks" (the name cut to its number) read as a number to a
// newcomer. (A list of names inside one clause keeps "ForkPoolWorker-3 to -8".)
// Processes that have ended come last: what happens at the cursor is read
// first, and is what stays in view when the paragraph is cut (a traced
// program's "Producer exited …; Consumer-1 and -2 exited" pushed the lock's
// holder, or its waiter, out of the Why tab at 1280x720).
bool endedLine(const Explanation& x, const ExplainLine& l) {
    for (const ProcId p : l.procs) {
        const auto it = std::find_if(x.procs.begin(), x.procs.end(), [p](const ProcExplanation& e) { return e.proc == p; });
        if (it == x.procs.end() || (it->state != LaneState::Exited && it->state != LaneState::Killed)) return false;
    }
    return !l.procs.empty();
}

std::string workersParagraph(const Explanation& x, bool withMain = false) {
    std::string p;
    for (const bool ended : {false, true})
        for (const ExplainLine& l : x.lines) {
            if ((!withMain && isMain(l)) || endedLine(x, l) != ended) continue;
            const std::string clause = isMain(l) ? leadOf(l) : firstClause(l.text);
            p += (p.empty() ? "" : "; ") + clause;
        }
    return p;
}

// MainProcess's first clause, then the others as counts by state (a lock's
// holder and waiters named as `names` asks).
std::string countsParagraph(const Explanation& x, LockNames names = LockNames::None) {
    std::string p;
    for (const ExplainLine& l : x.lines)
        if (isMain(l)) p = leadOf(l);
    const std::string c = countsByState(x, names);
    return p.empty() ? c : c.empty() ? p : p + "; " + c;
}

// The notes' first clauses on one line.
std::string notesLine(const Explanation& x) {
    std::string out;
    for (const std::string& n : x.notes) {
        std::string b = shortForm(n, 1);
        if (b.empty()) b = n;
        // "…; the time axis is scaled by 0.5" (a capital only where a word keeps one: "ForkPoolWorker").
        if (!out.empty() && b.size() > 1 && b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'a' && b[1] <= 'z' &&
            b.find(' ') != std::string::npos && b.substr(0, b.find(' ')).find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ-", 1) == std::string::npos)
            b[0] = static_cast<char>(b[0] - 'A' + 'a');
        out += (out.empty() ? "" : "; ") + b;
    }
    return out;
}

WhyFit fitWhy(const std::vector<Callout>& callouts, const Explanation& x, float wrapW, float roomH) {
    WhyFit f;
    f.shortCallout.assign(callouts.size(), false);
    f.shortNote.assign(x.notes.size(), false);
    f.briefLine.assign(x.lines.size(), false);
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    auto h = [&](const std::string& t) { return ui::wrappedTextSize(t, wrapW).y + gap; };
    float total = callouts.empty() ? 0 : gap + 1;   // the separator
    std::vector<float> fullC, fullN, fullL;
    for (const Callout& c : callouts) total += fullC.emplace_back(h("\u2192 " + c.text));
    for (const ExplainLine& l : x.lines) total += fullL.emplace_back(h(l.text));
    for (const std::string& n : x.notes) total += fullN.emplace_back(h(n));
    for (std::size_t i = x.notes.size(); i-- > 0 && total > roomH;) {
        const std::string b = shortForm(x.notes[i], 1);
        if (b.empty()) continue;
        total -= fullN[i] - h(b);
        f.shortNote[i] = true;
    }
    for (std::size_t i = callouts.size(); i-- > 0 && total > roomH;) {
        const std::string b = calloutShort(callouts[i], "\u2192 ", wrapW);
        if (b.empty()) continue;
        total -= fullC[i] - h(b);
        f.shortCallout[i] = true;
    }
    for (bool main : {false, true})
        for (std::size_t i = x.lines.size(); i-- > 0 && total > roomH;) {
            if (isMain(x.lines[i]) != main || !hasBrief(x.lines[i])) continue;
            total -= fullL[i] - h(briefOf(x.lines[i]));
            f.briefLine[i] = true;
        }
    if (total > roomH) {
        int workerLines = 0;
        float linesH = 0;
        for (std::size_t i = 0; i < x.lines.size(); ++i)
            if (!isMain(x.lines[i])) {
                ++workerLines;
                linesH += h(f.briefLine[i] ? briefOf(x.lines[i]) : x.lines[i].text);
            }
        const float para = h(workersParagraph(x));
        f.summariseWorkers = workerLines >= 2 && para < linesH;
        if (f.summariseWorkers) total -= linesH - para;
    }
    // Still too tall (16 workers at 1280x720 leave the tab three lines):
    // MainProcess's first clause leads the one paragraph.
    if (total > roomH && x.lines.size() >= 2) {
        float linesH = f.summariseWorkers ? h(workersParagraph(x)) : 0;
        for (std::size_t i = 0; i < x.lines.size(); ++i)
            if (isMain(x.lines[i]) || !f.summariseWorkers) linesH += h(f.briefLine[i] ? briefOf(x.lines[i]) : x.lines[i].text);
        const float para = h(workersParagraph(x, true));
        if (para < linesH) {
            f.summariseAll = f.summariseWorkers = true;
            total -= linesH - para;
        }
    }
    // Then, said briefly rather than scrolled out of view: the notes' first
    // clauses on one line, the callouts by kind on one line (each is marked
    // and named on the timeline), and last the workers as counts by state.
    if (total > roomH && x.notes.size() >= 2) {
        float now = 0;
        for (std::size_t i = 0; i < x.notes.size(); ++i) now += f.shortNote[i] ? h(shortForm(x.notes[i], 1)) : fullN[i];
        const float one = h(notesLine(x));
        if (one < now) {
            f.notesOneLine = true;
            total -= now - one;
        }
    }
    if (total > roomH && callouts.size() >= 2) {
        float now = 0;
        for (std::size_t i = 0; i < callouts.size(); ++i)
            now += f.shortCallout[i] ? h(calloutShort(callouts[i], "\u2192 ", wrapW)) : fullC[i];
        // With each one's numbers where that line is no taller.
        const float labelled = h(calloutsLine(callouts, true)), one = h(calloutsLine(callouts));
        f.calloutLabels = labelled <= one;
        if (std::min(labelled, one) < now) {
            f.calloutsOneLine = true;
            total -= now - std::min(labelled, one);
        }
    }
    // Still too tall (8 cpu workers under a stage's timeline at 1280x720
    // left the tab a callout and one line, the rest scrolled out of view):
    // the workers as counts by state, no names ("MainProcess waits for the
    // pool's results; 8 workers: 5 idle, 3 running"); the names on hover.
    // Only one numbered family (a pool's workers, a scenario's Process-N):
    // a traced program's Producer and Consumer keep their names.
    if (total > roomH && x.lines.size() >= 2 && oneNumberedFamily(x)) {
        const float now = f.summariseWorkers ? h(workersParagraph(x, f.summariseAll)) : 0.0f;
        float linesH = now;
        for (std::size_t i = 0; i < x.lines.size(); ++i)
            if (!f.summariseWorkers || (!f.summariseAll && isMain(x.lines[i])))
                linesH += h(f.briefLine[i] ? briefOf(x.lines[i]) : x.lines[i].text);
        const float para = h(countsParagraph(x));
        if (para < linesH) {
            f.counts = f.summariseAll = f.summariseWorkers = true;
            total -= linesH - para;
            // A lock's holder named, and its waiters, while that still fits
            // ("…; Process-2 holds the lock, Process-3 and -4 wait for it").
            for (const LockNames n : {LockNames::HolderAndWaiters, LockNames::Holder}) {
                const float named = h(countsParagraph(x, n));
                if (named > para && total + named - para > roomH) continue;
                total += named - para;
                f.lockNames = n;
                break;
            }
        }
    }
    // Once every process but MainProcess has exited the sentences only say
    // so (and that MainProcess runs its own code): the callouts stay first.
    // Newcomer walk: after an 8-worker cpu run they went under the sentences
    // and out of the tab's view.
    const bool running = std::any_of(x.procs.begin(), x.procs.end(), [](const ProcExplanation& p) {
        return p.proc != kParentProc && p.state != LaneState::Exited && p.state != LaneState::Killed;
    });
    f.calloutsBelow = total > roomH && !callouts.empty() && running;
    return f;
}

// ‹ › and which processes they step through.
void stepControls(RunView& run) {
    TimelineView& v = run.timeline();
    const bool have = run.trace() != nullptr;
    if (!have) ImGui::BeginDisabled();
    if (ImGui::Button("\u2039 Prev")) run.step(false);
    ui::probeItem("\u2039 Prev");
    ui::tooltipBelow("The previous program event: task, queue, lock, print, process start or exit (key Left or ,; Home: the first).");
    ImGui::SameLine();
    if (ImGui::Button("Next \u203a")) run.step(true);
    ui::probeItem("Next \u203a");
    ui::tooltipBelow("The next program event (key Right or .; End: the last).");
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

// The run on screen's predictions, each beside the run's answer (core
// revealLines): where the class answered, after the run.
// On the stage (before this scenario's next run), the latest ended run of
// the scenario that was given predictions keeps its reveal here, named: a
// switch to another scenario and back loses nothing the class said.
// compact (presentation's Predict tab): one line per question, the
// question and the verdict side by side ("Which job finishes last?
// predicted: D  —  the run: D (right)"), the question in its short words
// ("last job:") when the whole does not fit the width; the whole question
// on hover. Every verdict in view without scrolling, at 1280x720 too.
void reveal(const RunView& shown, const PanelEnv& env, bool compact = false) {
    const bool fromLast = shown.isStage() && env.lastReveal;
    const RunView& run = fromLast ? *env.lastReveal : shown;
    if (!run.trace()) return;
    const std::vector<RevealLine> lines =
        revealLines(run.questions(), run.predictions(), run.asks(), run.model(), *run.trace(), &run.scenario());
    if (lines.empty()) return;
    if (fromLast) ui::textDisabled("Run %d, the last of this scenario:", run.number());
    for (const RevealLine& l : lines) {
        if (!compact) {
            wrapped(l.ask);
            ImGui::PushStyleColor(ImGuiCol_Text, predictionColour(env.theme));
            wrapped("  " + l.said);
            ImGui::PopStyleColor();
            continue;
        }
        const float room = ImGui::GetContentRegionAvail().x;
        const float gap = ImGui::GetStyle().ItemSpacing.x;
        const float saidW = ImGui::CalcTextSize(l.said.c_str()).x;
        const bool whole = ImGui::CalcTextSize(l.ask.c_str()).x + gap + saidW <= room;
        const std::string q = whole ? l.ask : l.label + ":";
        ui::textUnformatted(q.c_str(), q.c_str() + q.size());
        if (!whole) ui::tooltipBelow(l.ask.c_str());
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, predictionColour(env.theme));
        wrapped(l.said);
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
}

// A question wrapped to the width, line by line; true, with the cursor on
// its last line, when a widget `nextW` wide fits after that line's end (the
// caller's next item goes there), else the next item starts a line.
bool askThenBeside(const std::string& ask, float nextW) {
    const float room = ImGui::GetContentRegionAvail().x;
    // Broken where a reader would (line_break.hpp), never inside a number:
    // ImGui's own word wrap put "D=0." at a line's end and "6 s." on the next
    // (classroom walk, session 31).
    const std::vector<LineRange> lines = breakLines(
        ask, room, [](std::string_view t) { return ImGui::CalcTextSize(t.data(), t.data() + t.size()).x; });
    if (lines.empty()) return false;
    for (std::size_t i = 0; i + 1 < lines.size(); ++i)
        ui::textUnformatted(ask.c_str() + lines[i].begin, ask.c_str() + lines[i].end);
    const char* s = ask.c_str() + lines.back().begin;
    const char* const end = ask.c_str() + lines.back().end;
    const float lastW = ImGui::CalcTextSize(s, end).x;
    const bool fits = lastW + ImGui::GetStyle().ItemSpacing.x + nextW <= room;
    if (fits) ImGui::AlignTextToFramePadding();
    ui::textUnformatted(s, end);
    if (fits) ImGui::SameLine();
    return fits;
}

// The next run's questions, answered with a choice or a slider. compact
// (presentation's Predict tab, 1280x720): every question of a built-in
// scenario in view without scrolling (a class scrolled to the third of
// pool's three before a run): the tab's name says "Predict", so the header
// is a plain line only under a reveal, the lines sit closer, and a
// question's slider or choices go beside it when they fit the width.
void predictNext(PredictDraft& d, bool compact = false) {
    if (d.questions.empty()) return;
    if (compact) {
        ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing,
                            ImVec2(ImGui::GetStyle().ItemSpacing.x, std::min(ImGui::GetStyle().ItemSpacing.y, 1.0f)));
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                            ImVec2(ImGui::GetStyle().FramePadding.x, std::min(ImGui::GetStyle().FramePadding.y, 1.0f)));
    } else if (!ImGui::CollapsingHeader("Predict the next run", ImGuiTreeNodeFlags_DefaultOpen)) {
        return;
    } else {
        ui::probeItem("Predict the next run");
    }
    for (std::size_t i = 0; i < d.questions.size(); ++i) {
        const Question& q = d.questions[i];
        Guess& p = d.answers[i];
        ImGui::PushID(static_cast<int>(i));
        const bool number = q.kind == QuestionKind::Makespan || q.kind == QuestionKind::Cores;
        const std::vector<std::string>& opts = q.choices.empty() ? d.workerNames : q.choices;
        // What each option reads ("L4 (1 s)"); the choice kept is the option itself.
        const std::vector<std::string>& labels =
            !q.choices.empty() && i < d.choiceLabels.size() && d.choiceLabels[i].size() == opts.size() ? d.choiceLabels[i] : opts;
        const float fs = ImGui::GetFontSize();
        // The first widget: a slider of at least 8 em (and its value), or the first choice.
        const float firstW = number ? fs * 8 : ImGui::CalcTextSize(labels.empty() ? "" : labels[0].c_str()).x + ImGui::GetFrameHeight() * 1.5f;
        // compact: the first widget on the question's last line when it fits there.
        const bool beside = compact && askThenBeside(d.asks[i], firstW);
        if (!compact) wrapped(d.asks[i]);
        if (number) {
            float v = static_cast<float>(p.seconds);
            const float w = beside ? std::min(ImGui::GetContentRegionAvail().x, fs * 20)
                                   : std::max(ImGui::GetFontSize() * 8, ImGui::GetContentRegionAvail().x * 0.8f);
            const bool cores = q.kind == QuestionKind::Cores;
            if (ui::valueSlider("##v", p.given ? "prediction" : "drag to predict", &v, cores ? 1.0f : 0.0f, cores ? static_cast<float>(d.maxCores)
                                                                     : static_cast<float>(d.maxSeconds),
                                cores ? "%.0f" : "%.2f s", w)) {
                p.seconds = cores ? std::round(v) : v;
                p.given = true;
            }
            // How to give an exact number, said (newcomer walk, session 26: Ctrl+click was found by chance).
            ui::tooltipBelow(cores ? "Drag to your prediction, or Ctrl+click and type a number, then Enter."
                                   : "Drag to your prediction (seconds on this run's time scale), or Ctrl+click and type "
                                     "a number, then Enter. Before a scenario's first run you can also drag on the timeline.");
        } else {
            for (std::size_t k = 0; k < opts.size(); ++k) {
                const std::string& o = opts[k];
                const std::string& label = labels[k];
                if (k > 0) ui::sameLineIfFits(ImGui::CalcTextSize(label.c_str()).x + ImGui::GetFrameHeight() * 1.5f);
                if (ImGui::RadioButton(label.c_str(), p.given && p.choice == o)) {
                    p.choice = o;
                    p.given = true;
                }
                ui::probeItem(label.c_str());
            }
        }
        ImGui::PopID();
    }
    if (compact) ImGui::PopStyleVar(2);
}

} // namespace

namespace {
// "at 4.07 s", and at either end of the program events ", the last event"
// (newcomer: Next at the last event did nothing and said nothing).
std::string stepAtText(const RunView& run, std::int64_t cursor) {
    if (!run.trace()) return {};
    const std::string at = "at " + formatInstant(cursor - run.zero());   // as the caption and Stats write it
    const std::string& edge = run.stepEdgeNote(cursor);
    return edge.empty() ? at : at + ", " + edge;
}
} // namespace

void drawStepRow(RunView& run, std::int64_t cursor) {
    stepControls(run);
    if (run.trace()) {
        // Beside the step buttons when it fits: one line less above the sentences.
        const std::string at = stepAtText(run, cursor);
        ui::sameLineIfFits(ImGui::CalcTextSize(at.c_str()).x);
        ui::textDisabled("%s", at.c_str());
    }
}

float stepRowWidth(const RunView& run, std::int64_t cursor) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const TimelineView& v = run.timeline();
    const std::string who = v.stepOnly == kNoProc ? std::string("all processes") : procName(run.meta(), v.stepOnly);
    const std::string at = stepAtText(run, cursor);
    float w = ImGui::CalcTextSize("\u2039 Prev").x + ImGui::CalcTextSize("Next \u203a").x + 4 * st.FramePadding.x;
    w += ImGui::CalcTextSize(who.c_str()).x + ImGui::GetFrameHeight() + st.FramePadding.x * 2;
    if (!at.empty()) {
        // As wide as its widest form at this many digits ("at 8.88 s, no
        // program event"): the row is right-aligned, and a width that
        // followed the words moved ‹ Prev by 156 px under the hand stepping
        // back from "at 3.98 s, the last event" to "at 3.97 s" (classroom walk).
        // And never narrower than it has been for this run: the digits'
        // count changes as the hand steps ("at 0.0050 s" near the start,
        // "at 1.02 s" later, "at 10.3 s"), and the buttons moved sideways
        // with it (classroom walk, session 19).
        float widestW = 0;
        // The cursor's digits, the run's end's (the most before the point)
        // and its first event's (the most after it: "at 0.0042 s").
        for (const std::int64_t t : {cursor, run.now(), run.firstStepAt().value_or(cursor)}) {
            std::string widest = "at " + formatInstant(t - run.zero());
            for (char& c : widest)
                if (c >= '0' && c <= '9') c = '8';
            widest += ", no program event";
            widestW = std::max(widestW, ImGui::CalcTextSize(widest.c_str()).x);
        }
        float& reserve = run.stepAtReserve(ImGui::GetFontSize());
        reserve = std::max({reserve, ImGui::CalcTextSize(at.c_str()).x, widestW});
        w += reserve + st.ItemSpacing.x;
    }
    return w + 2 * st.ItemSpacing.x;
}

void drawExplainLines(RunView& run, std::int64_t cursor, const PanelEnv& env, bool withPredict, bool withSteps) {
    if (drawWaitingForProgram(run)) return;
    if (withSteps) drawStepRow(run, cursor);
    // Where the questions are asked (the Explain panel), their reveal too;
    // presentation's Why tab leaves both to the Predict tab.
    if (withPredict) reveal(run, env);
    // The next run's questions come last: the explanations of this run stay on top.
    // A traced program is not a scenario: the scenario's questions do not apply to it.
    const bool ask = withPredict && env.predict && !run.traced() && (run.isStage() || !run.live());
    const Trace* trace = run.trace();
    if (!trace) {
        wrapped("Press Run, then click any moment of the timeline: this panel says why each worker is in its state.");
        if (ask) predictNext(*env.predict);
        return;
    }
    // Presentation: the lines sit closer, and callouts and notes take their
    // short form (hover: all of it) only when the whole sentences would not
    // fit the room under the timeline: a sentence is never cut short while
    // the panel has the room to say it.
    const bool large = env.window.typeSize() == TypeSize::Large;
    if (large) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 2));
    const std::vector<Callout>& callouts = run.callouts();
    const Explanation x = buildExplain(run.model(), *trace, cursor);
    WhyFit fit;
    fit.shortCallout.assign(callouts.size(), false);
    fit.shortNote.assign(x.notes.size(), false);
    fit.briefLine.assign(x.lines.size(), false);
    // Planned at the width the lines are drawn at: the region left of a
    // scrollbar when one is shown (ImGui's content region excludes it), so
    // a plan that fits removes it next frame, and the plan never wraps
    // narrower than the drawing. The room: what is left under the step row
    // in the scroll body (its own padding already taken), and the last
    // line's spacing, which ImGui does not count as content (fitWhy counts
    // each line with its spacing). It was planned a scrollbar's width
    // narrower and two gaps and 4 px shorter, and said a sentence briefly
    // with a line of room empty under it (classroom walk: pool-uneven at 3.54 s).
    const float wrapW = ImGui::GetContentRegionAvail().x;
    if (large)
        fit = fitWhy(callouts, x, wrapW, ImGui::GetContentRegionAvail().y + ImGui::GetStyle().ItemSpacing.y - 1);
    auto drawCallouts = [&] {
        if (fit.calloutsOneLine) {
            wrapped(calloutsLine(callouts, fit.calloutLabels));
            std::string all;
            for (const Callout& c : callouts) all += (all.empty() ? "" : "\n") + c.text;
            ui::tooltipBelow(all.c_str());
        }
        for (std::size_t i = 0; i < callouts.size() && !fit.calloutsOneLine; ++i) {
            const Callout& c = callouts[i];
            // The callout the cursor is in stands out; the others stay readable.
            const bool here = cursor >= c.t0 && cursor <= c.t1;
            ImGui::PushStyleColor(ImGuiCol_Text, here ? warningColour(env.theme) : ImGui::GetStyle().Colors[ImGuiCol_Text]);
            const std::string mark = here ? "\u2192 " : "";
            shortened(mark + c.text,
                      fit.shortCallout[i] ? calloutShort(c, mark, wrapW)
                                          : std::string(),
                      fit.shortCallout[i]);
            ImGui::PopStyleColor();
            if (ImGui::IsItemClicked()) {
                run.setCursor(c.t0);
                run.timeline().follow = false;
            }
            if (!fit.shortCallout[i]) ui::tooltipBelow("Click: put the cursor where it starts (it is marked on the timeline).");
        }
    };
    if (!fit.calloutsBelow) {
        drawCallouts();
        if (!callouts.empty()) ImGui::Separator();
    }
    // One sentence per process, or one for several workers in the same state
    // for the same reason (core groups them: "ForkPoolWorker-3, -4 and -5 are
    // idle: ..."), each one's own sentence on hover.
    for (std::size_t i = 0; i < x.lines.size(); ++i) {
        const ExplainLine& line = x.lines[i];
        const bool one = line.procs.size() == 1;
        if ((fit.summariseWorkers && !isMain(line)) || fit.summariseAll) continue;
        ImGui::PushStyleColor(ImGuiCol_Text, one ? procTextVec4(line.procs.front(), env.theme)
                                                 : ImGui::GetStyle().Colors[ImGuiCol_Text]);
        wrapped(fit.briefLine[i] ? briefOf(line) : line.text);
        ImGui::PopStyleColor();
        if (!one || fit.briefLine[i]) {
            std::string all;
            for (const std::string& e : line.each) all += (all.empty() ? "" : "\n") + e;
            ui::tooltipBelow(all.c_str());
        }
    }
    if (fit.summariseWorkers) {
        wrapped(fit.counts ? countsParagraph(x, fit.lockNames) : workersParagraph(x, fit.summariseAll));
        std::string all;
        for (const ExplainLine& line : x.lines)
            if (fit.summariseAll || !isMain(line)) all += (all.empty() ? "" : "\n") + line.text;
        ui::tooltipBelow(all.c_str());
    }
    if (fit.calloutsBelow) {
        ImGui::Separator();
        drawCallouts();
    }
    if (fit.notesOneLine) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        wrapped(notesLine(x));
        ImGui::PopStyleColor();
        std::string all;
        for (const std::string& n : x.notes) all += (all.empty() ? "" : "\n") + n;
        ui::tooltipBelow(all.c_str());
    }
    for (std::size_t i = 0; i < x.notes.size() && !fit.notesOneLine; ++i) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        shortened(x.notes[i], shortForm(x.notes[i], 1), fit.shortNote[i]);
        ImGui::PopStyleColor();
    }
    if (large) ImGui::PopStyleVar();
    if (ask) predictNext(*env.predict);
}

void drawPredictLines(const RunView& run, const PanelEnv& env) {
    // This run's predictions first, each beside its answer once the run has
    // ended ("when it ends" until then): the class looks here, where it answered.
    // The next run's questions come first when they are not the ones the
    // shown run answered (the toolbar set to 8 workers after a 4-worker
    // run: "How long will Pool(8).map take" was under the reveal, below
    // the window's edge at 1280x720, newcomer walk, session 21); the reveal
    // follows, named by its run.
    const bool asking = !run.traced() && env.predict && !env.predict->questions.empty() && (run.isStage() || !run.live());
    const RunView& answered = run.isStage() && env.lastReveal ? *env.lastReveal : run;
    const bool nextFirst = asking && answered.trace() &&
                           std::any_of(answered.predictions().begin(), answered.predictions().end(),
                                       [](const Guess& g) { return g.given; }) &&
                           answered.asks() != env.predict->asks;
    if (nextFirst) {
        // (No "Predict the next run:" line over them: the tab's name and the
        // questions' own words, "How long will Pool(8).map take", say it.)
        predictNext(*env.predict, true);
        ImGui::Separator();
        if (!run.isStage()) ui::textDisabled("Run %d's predictions:", run.number());
        reveal(run, env, true);
        return;
    }
    const float before = ImGui::GetCursorPosY();
    if (!run.traced()) reveal(run, env, true);
    const bool revealed = ImGui::GetCursorPosY() > before;
    if (run.traced()) ui::textDisabled("A traced program is not one of parviz's scenarios: their questions do not apply to it.");
    else if (asking) {
        // Under the reveal, a line says these are the next run's (the tab's name says it before a run).
        if (revealed) ui::textDisabled("Predict the next run:");
        predictNext(*env.predict, true);
    }
    else if (env.predict && !env.predict->questions.empty()) ui::textDisabled("The next run's questions appear when this run has ended.");
    else ui::textDisabled("This scenario asks no questions.");
}

void drawExplainPanel(RunView& run, std::int64_t cursor, const Rect& r, const PanelEnv& env) {
    if (beginPanel("Explain", r)) drawExplainLines(run, cursor, env);
    endPanel();
}

} // namespace parviz::gui
