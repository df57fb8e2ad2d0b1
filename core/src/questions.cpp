// Predict, then reveal (questions.hpp): reading a scenario's questions
// strictly, the answer a run gives, and the verdict on a prediction.
#include "parviz/questions.hpp"

#include "parviz/explain.hpp"
#include "parviz/stats.hpp"
#include "scenario_fields.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz {

using detail::Fields;
using detail::fail;
using detail::typeName;

const char* toString(QuestionKind k) noexcept {
    switch (k) {
    case QuestionKind::Makespan: return "makespan";
    case QuestionKind::LastWorker: return "last_worker";
    case QuestionKind::FinishOrder: return "finish_order";
    case QuestionKind::QueueOrder: return "queue_order";
    case QuestionKind::FirstExit: return "first_exit";
    case QuestionKind::Cores: return "cores";
    case QuestionKind::LastTask: return "last_task";
    }
    return "?";
}

const char* shortAsk(QuestionKind k) noexcept {
    switch (k) {
    case QuestionKind::Makespan: return "how long";
    case QuestionKind::LastWorker: return "last worker";
    case QuestionKind::FinishOrder: return "finish order";
    case QuestionKind::QueueOrder: return "queue order";
    case QuestionKind::FirstExit: return "first to finish";
    case QuestionKind::Cores: return "cores";
    case QuestionKind::LastTask: return "last job";
    }
    return "?";
}

bool isNumberQuestion(QuestionKind k) noexcept { return k == QuestionKind::Makespan || k == QuestionKind::Cores; }

std::vector<Question> readQuestions(const std::string& file, const nlohmann::json& value) {
    if (!value.is_array()) fail(file, "questions", "must be a list of questions, got " + typeName(value));
    if (value.size() > kMaxQuestions)
        fail(file, "questions", "too many questions: " + std::to_string(value.size()) + ", at most " +
                                    std::to_string(kMaxQuestions));
    std::vector<Question> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string path = "questions[" + std::to_string(i) + "]";
        if (!value[i].is_object())
            fail(file, path, "must be an object {\"ask\", \"kind\", \"choices\"}, got " + typeName(value[i]));
        Fields f(file, path, value[i], {"ask", "kind", "choices"});
        Question q;
        if (!f.has("ask")) fail(file, f.field("ask"), "missing (the question as the class reads it)");
        q.ask = f.str("ask", "", 512);
        if (q.ask.empty()) fail(file, f.field("ask"), "must not be empty");
        constexpr const char* kKinds = "makespan, last_worker, last_task, finish_order, queue_order, first_exit, cores";
        if (!f.has("kind")) fail(file, f.field("kind"), std::string("missing (") + kKinds + ")");
        const std::string kind = f.str("kind", "", 64);
        bool found = false;
        for (auto k : {QuestionKind::Makespan, QuestionKind::LastWorker, QuestionKind::LastTask, QuestionKind::FinishOrder,
                       QuestionKind::QueueOrder, QuestionKind::FirstExit, QuestionKind::Cores})
            if (kind == toString(k)) {
                q.kind = k;
                found = true;
            }
        if (!found) fail(file, f.field("kind"), "unknown kind \"" + kind + "\" (allowed: " + kKinds + ")");
        const bool takesChoices =
            q.kind == QuestionKind::FinishOrder || q.kind == QuestionKind::QueueOrder || q.kind == QuestionKind::LastTask;
        if (f.has("choices")) {
            if (!takesChoices)
                fail(file, f.field("choices"), "only finish_order, queue_order and last_task questions have choices (" + kind +
                                                   " is answered " +
                                                   (isNumberQuestion(q.kind) ? "on a slider)" : "with a worker)"));
            q.choices = f.strings("choices", 8, 256, "choices");
        }
        if (takesChoices && q.choices.size() < 2)
            fail(file, f.field("choices"), "a " + kind + " question needs 2 to 8 choices, got " +
                                               std::to_string(q.choices.size()));
        out.push_back(std::move(q));
    }
    return out;
}

nlohmann::json questionsToJson(const std::vector<Question>& qs) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Question& q : qs) {
        nlohmann::json j = {{"ask", q.ask}, {"kind", toString(q.kind)}};
        if (!q.choices.empty()) j["choices"] = q.choices;
        arr.push_back(std::move(j));
    }
    return arr;
}

namespace {

// A makespan as the caption writes it (an instant's seconds: "0.81 s",
// "0.0050 s"): the reveal's prediction, its answer and the verdict.
std::string secondsText(double s) {
    return formatDurationAmongInstants(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

// The jobs' lengths at the time scale, so the class answers in the seconds the
// run will take without multiplying (classroom walk, session 30: "A=5 … s. At
// 0.20x, 1 s takes 0.20 s." over a timeline in run seconds).
std::string scaledLengths(const Scenario& sc, double timeScale) {
    const std::string at = "At " + formatTimeScale(timeScale);
    std::vector<double> distinct;
    // Up to seven: every form below needs six at most (asked every frame, so
    // a file of many lengths costs no more).
    for (const TaskSpec& t : sc.tasks) {
        if (std::none_of(distinct.begin(), distinct.end(), [&](double d) { return std::abs(d - t.seconds) < 1e-9; }))
            distinct.push_back(t.seconds);
        if (distinct.size() > 6) break;
    }
    const bool allNamed = std::all_of(sc.tasks.begin(), sc.tasks.end(), [](const TaskSpec& t) { return !t.name.empty(); });
    if (allNamed && !sc.tasks.empty() && sc.tasks.size() <= 6 && sc.tasks.size() == distinct.size()) {
        std::string s = at + ": ";
        for (std::size_t i = 0; i < sc.tasks.size(); ++i)
            s += (i ? ", " : "") + sc.tasks[i].name + "=" + formatPlainSeconds(sc.tasks[i].seconds * timeScale);
        return s + " s.";
    }
    if (distinct.size() == 1)
        return at + " each " + formatPlainSeconds(distinct[0]) + " s job takes " + formatPlainSeconds(distinct[0] * timeScale) +
               " s.";
    if (distinct.size() >= 2 && distinct.size() <= 3) {
        std::string s = at;
        for (std::size_t i = 0; i < distinct.size(); ++i)
            s += std::string(i ? ", a " : " a ") + formatPlainSeconds(distinct[i]) + " s job takes " +
                 formatPlainSeconds(distinct[i] * timeScale) + " s";
        return s + ".";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, ", 1 s takes %.2f s.", timeScale);
    return at + buf;
}

} // namespace

std::string askText(const Question& q, int workers, const std::string& work, double timeScale, const Scenario* sc) {
    std::string s = q.ask;
    auto fill = [&s](const std::string& key, const std::string& v) {
        for (std::size_t at = s.find(key); at != std::string::npos; at = s.find(key, at + v.size()))
            s.replace(at, key.size(), v);
    };
    fill("{workers}", std::to_string(workers));
    fill("{work}", work);
    if (q.kind == QuestionKind::Makespan && timeScale > 0 && std::abs(timeScale - 1.0) > 1e-9) {
        // The time scale as the toolbar says it, and what it makes of the jobs.
        Scenario none;
        s += " " + scaledLengths(sc ? *sc : none, timeScale);
    }
    return s;
}

namespace {

bool runOver(const RunModel& model, const Trace& trace) {
    return model.runEndT() != kNever || trace.meta().finished;
}

// Makespan, last worker, finish order: from the tasks, once none runs.
Answer taskAnswer(const Question& q, const RunModel& model, const Trace& trace) {
    Answer a;
    std::vector<const TaskRecord*> done;
    for (const TaskRecord& r : model.tasks()) {
        if (r.t1 == kOpenEnd) return a;   // still running: not known yet
        if (r.t0 != kNever) done.push_back(&r);
    }
    if (done.empty() || !runOver(model, trace)) return a;
    std::stable_sort(done.begin(), done.end(), [](const TaskRecord* x, const TaskRecord* y) { return x->t1 < y->t1; });
    a.known = true;
    if (q.kind == QuestionKind::Makespan) {
        // The run's one length, Stats' makespan (pauses left out): the
        // reveal, Stats, the caption and Compare name one number (classroom
        // walk: four run lengths 6.00 to 6.03 s); the reveal writes it as the
        // caption does, in seconds (revealLines).
        const RunStats st = computeStats(model, trace);
        a.seconds = static_cast<double>(st.makespanNs) / 1e9;
        a.text = formatSeconds(st.makespanNs);
        a.timeScale = trace.meta().timeScale > 0 ? trace.meta().timeScale : 1.0;
    } else if (q.kind == QuestionKind::LastWorker) {
        a.text = procName(trace.meta(), done.back()->proc);
    } else if (q.kind == QuestionKind::LastTask) {
        const std::string_view n = trace.string(done.back()->name);
        a.text = n.empty() ? "#" + std::to_string(done.back()->index) : std::string(n);
    } else {
        for (const TaskRecord* r : done) {
            std::string_view n = trace.string(r->name);
            a.text += (a.text.empty() ? "" : " ") + (n.empty() ? "#" + std::to_string(r->index) : std::string(n));
        }
    }
    return a;
}

} // namespace

Answer answerOf(const Question& q, const RunModel& model, const Trace& trace) {
    Answer a;
    switch (q.kind) {
    case QuestionKind::Makespan: case QuestionKind::LastWorker: case QuestionKind::FinishOrder:
    case QuestionKind::LastTask:
        return taskAnswer(q, model, trace);
    case QuestionKind::QueueOrder: {
        if (model.queues().empty() || !runOver(model, trace)) return a;
        const QueueIndex& qi = model.queues().front();
        for (std::size_t k : qi.getsByTime)
            a.text += (a.text.empty() ? "" : " ") + readableValue(trace.string(qi.items[k].preview));
        a.known = !qi.getsByTime.empty();
        return a;
    }
    case QuestionKind::FirstExit: {
        ProcId first = kNoProc;
        std::int64_t at = kNever;
        for (const ProcLaneIndex& l : model.procs())
            if (l.proc != kParentProc && l.exitT < at) {
                at = l.exitT;
                first = l.proc;
            }
        if (first == kNoProc) return a;
        a.known = true;
        a.text = procName(trace.meta(), first);
        return a;
    }
    case QuestionKind::Cores:
        if (trace.meta().usableCores <= 0) return a;
        a.known = true;
        a.seconds = trace.meta().usableCores;
        a.text = std::to_string(trace.meta().usableCores);
        return a;
    }
    return a;
}

std::string verdict(const Question& q, const Guess& p, const Answer& a) {
    if (!p.given || !a.known) return "";
    if (q.kind == QuestionKind::Cores) return std::lround(p.seconds) == std::lround(a.seconds) ? "right" : "not this time";
    if (q.kind != QuestionKind::Makespan) return p.choice == a.text ? "right" : "not this time";
    const double off = p.seconds - a.seconds;
    // Within a tenth (or 50 ms, for short runs): right; the screen cannot measure closer.
    // No brackets of its own: the reveal puts the verdict in one pair
    // ("the run: 6.00 s (right, within 10 %)"; the walk read "(right (within 10 %))").
    if (std::fabs(off) <= std::max(0.05, a.seconds * 0.1)) return "right, within 10 %";
    char buf[160];
    if (std::abs(a.timeScale - 1.0) > 1e-9) {
        const double atOne = a.seconds / a.timeScale;   // the makespan in the scenario's seconds
        if (std::fabs(p.seconds - atOne) <= std::max(0.05, atOne * 0.1)) {
            // Short: the reveal's one line at 1280x720 (review).
            return "right at 1.00x: " + secondsText(p.seconds) + " is " + secondsText(p.seconds * a.timeScale) + " at " +
                   formatTimeScale(a.timeScale);
        }
    }
    std::snprintf(buf, sizeof buf, "off by %.2f s, %.0f %% too %s", std::fabs(off),
                  a.seconds > 0 ? std::fabs(off) / a.seconds * 100 : 0.0, off > 0 ? "long" : "short");
    return buf;
}

std::vector<RevealLine> revealLines(const std::vector<Question>& qs, const std::vector<Guess>& guesses,
                                    const std::vector<std::string>& asks, const RunModel& model, const Trace& trace,
                                    const Scenario* scenario) {
    std::vector<RevealLine> out;
    for (std::size_t i = 0; i < qs.size() && i < guesses.size(); ++i) {
        const Guess& g = guesses[i];
        if (!g.given) continue;
        const Answer a = answerOf(qs[i], model, trace);
        // A choice in the words its option had (the verdict compares the choices themselves).
        const std::vector<std::string> labels = scenario ? choiceLabels(qs[i], *scenario, trace.meta().timeScale) : qs[i].choices;
        const auto labelOf = [&](const std::string& choice) {
            for (std::size_t k = 0; k < qs[i].choices.size() && k < labels.size(); ++k)
                if (qs[i].choices[k] == choice) return labels[k];
            return choice;
        };
        // A makespan and its prediction in one format, the caption's (an
        // instant's seconds: "0.81 s", "0.0050 s"): "802 ms" stood beside
        // "0.81 s" (classroom walk, session 31), and "%.2f s" read a 4 ms
        // run as "0.00 s" (review).
        char number[64];
        std::snprintf(number, sizeof number, "%.0f", g.seconds);
        const bool makespan = qs[i].kind == QuestionKind::Makespan;
        const std::string said = makespan                       ? secondsText(g.seconds)
                                 : isNumberQuestion(qs[i].kind) ? std::string(number)
                                                                : labelOf(g.choice);
        RevealLine l;
        l.ask = i < asks.size() ? asks[i] : qs[i].ask;
        l.label = shortAsk(qs[i].kind);
        l.known = a.known;
        const std::string answer = makespan ? secondsText(a.seconds) : labelOf(a.text);
        l.said = std::string("predicted: ") + said + "  \u2014  the run: " +
                 (a.known ? answer + " (" + verdict(qs[i], g, a) + ")" : std::string("when it ends"));
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace parviz
