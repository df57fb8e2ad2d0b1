#include "parviz/compare.hpp"

#include "parviz/predict.hpp"
#include "parviz/questions.hpp"
#include "parviz/explain.hpp"
#include "parviz/stats.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace parviz {

namespace {

// The standard term behind the plain words of the cpu notes (the Plots' tooltip).
constexpr const char* kAmdahlTip =
    "The standard name: an Amdahl's law fit. From the cpu runs it estimates the serial fraction s, the part of "
    "the work no extra worker can share, and draws the thin curve S(p) = 1 / (s + (1 - s) / p) (p capped at the "
    "usable cores). Runs on a busy machine are left out: their times measure the machine.";

std::string workName(std::optional<WorkKind> w) { return w ? toString(*w) : "mixed"; }
int workOrder(std::optional<WorkKind> w) { return !w ? 2 : *w == WorkKind::Sleep ? 0 : 1; }

std::string seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s >= 10 ? "%.1f s" : "%.2f s", s);
    return buf;
}

std::string percent(std::optional<double> share) {
    return share ? std::to_string(static_cast<int>(std::lround(*share * 100))) + " %" : "?";
}

std::string workersText(int n) { return std::to_string(n) + (n == 1 ? " worker" : " workers"); }

// The attempts' numbers in run order: the kept one is r.attempt, the
// discarded ones take the other numbers in order.
std::vector<SweepAttempt> attemptsOf(const CompareRun& r) {
    std::vector<SweepAttempt> out;
    const int total = 1 + static_cast<int>(r.discarded.size());
    const int kept = std::clamp(r.attempt, 1, total);
    std::size_t d = 0;
    for (int k = 1; k <= total; ++k) {
        SweepAttempt a;
        if (k == kept) {
            a.makespanS = r.makespanS;
            a.sequentialS = r.sequentialS;
            a.machine = r.machine;
            a.kept = true;
            a.run = r.id;
        } else {
            a = r.discarded[d++];
            a.kept = false;
        }
        a.attempt = k;
        out.push_back(a);
    }
    return out;
}

// "kept attempt 2 of 3 (discarded runs 5, 6: others took 34 %, 41 %)" ("(discarded: others
// took ...)" for attempts without a run number); "" for a run tried once;
// "attempt 2 (discarded run 5: ...)" while the retry runs.
std::string attemptsNote(const CompareRun& r) {
    if (r.discarded.empty()) return "";
    std::string discarded;
    for (const SweepAttempt& a : r.discarded) discarded += (discarded.empty() ? "" : ", ") + percent(a.machine.otherShare);
    // The discarded runs by number: the rows' numbers skip them ("run 4",
    // "run 6"), and nothing said where run 5 went (session 28's check).
    std::string numbers;
    bool allNumbered = true;
    for (const SweepAttempt& a : r.discarded) {
        allNumbered = allNumbered && a.run > 0;
        numbers += (numbers.empty() ? "" : ", ") + std::to_string(a.run);
    }
    if (allNumbered)
        discarded = (r.discarded.size() == 1 ? " run " : " runs ") + numbers + ": others took " + discarded;
    else
        discarded = ": others took " + discarded;
    const int attempt = std::clamp(r.attempt, 1, 1 + static_cast<int>(r.discarded.size()));
    // A retry still running is not kept yet.
    if (!r.finished) return "attempt " + std::to_string(attempt) + " (discarded" + discarded + ")";
    return "kept attempt " + std::to_string(attempt) + " of " + std::to_string(1 + r.discarded.size()) +
           " (discarded" + discarded + ")";
}

CompareRow rowOf(const CompareRun& r, int usableCores) {
    CompareRow row;
    row.timeScale = r.timeScale;
    row.id = r.id;
    row.run = "run " + std::to_string(r.id);
    row.workers = r.workers;
    row.work = r.work;
    row.finished = r.finished;
    row.originNs = r.originNs;
    row.makespanS = r.makespanS;
    row.predictedS = r.predictedS;
    row.busy = r.machine.busy;
    row.busyWarn = busyMatters(r.machine, r.work);
    row.label = std::to_string(r.workers) + (r.workers == 1 ? " worker · " : " workers · ") + workName(r.work) + " · " +
                (r.finished ? seconds(r.makespanS) : "running");
    if (r.machine.busy == true) {
        row.busyNote = describeBusy(r.machine, r.work);
        row.busyShort = describeBusyShort(r.machine, r.work);
    } else if (r.finished && !r.machine.busy) {
        // Said, not only left unknown: a cpu row's timing may measure the machine (describeUnjudged).
        row.busyNote = describeBusy(r.machine, r.work);
        row.busyShort = describeUnjudgedShort(r.machine);
    }
    row.attempts = attemptsNote(r);
    row.attemptCount = 1 + static_cast<int>(r.discarded.size());
    if (r.work != WorkKind::Sleep && r.workers > usableCores)
        row.oversubscribed = "oversubscribed: " + std::to_string(r.workers) + " workers on " + std::to_string(usableCores) +
                             (usableCores == 1 ? " core" : " cores");
    return row;
}

// The finished sleep and cpu runs as a sweep: one row per (work, workers,
// chunksize), each run a repeat whose kept attempt it is, with the attempts
// its retries discarded.
SweepResult sweepOf(const std::vector<CompareRun>& runs, int usableCores, int totalCores) {
    SweepResult s;
    s.usableCores = std::max(1, usableCores);
    s.totalCores = std::max(1, totalCores);
    for (const CompareRun& r : runs) {
        if (!r.finished || !r.work || r.makespanS <= 0) continue;
        if (s.scenario.empty()) {
            s.scenario = r.scenario;
            s.timeScale = r.timeScale;   // one setup's runs: one time scale
        }
        auto it = std::find_if(s.rows.begin(), s.rows.end(), [&](const SweepRow& row) {
            return row.workers == r.workers && row.work == *r.work && row.chunksize == r.chunksize;
        });
        if (it == s.rows.end()) {
            SweepRow row;
            row.workers = r.workers;
            row.work = *r.work;
            row.chunksize = r.chunksize;
            row.chunksizeUsed = r.chunksizeUsed;
            row.predictedS = r.predictedS.value_or(0);
            s.rows.push_back(row);
            it = s.rows.end() - 1;
        }
        const int repeat = 1 + static_cast<int>(std::count_if(it->attempts.begin(), it->attempts.end(),
                                                               [](const SweepAttempt& a) { return a.kept; }));
        for (SweepAttempt a : attemptsOf(r)) {
            a.repeat = repeat;
            it->attempts.push_back(a);
        }
    }
    std::stable_sort(s.rows.begin(), s.rows.end(), [](const SweepRow& a, const SweepRow& b) {
        return std::make_pair(workOrder(a.work), a.workers) < std::make_pair(workOrder(b.work), b.workers);
    });
    deriveSweep(s);
    return s;
}

// log2 ticks at the powers of two from 1 to the largest worker count (and it).
PlotAxis workersAxis(int maxWorkers) {
    PlotAxis a;
    a.log2 = true;
    a.min = 1;
    a.max = std::max(2, maxWorkers);
    a.label = "workers";
    for (int n = 1; n <= a.max; n *= 2) a.ticks.emplace_back(n, std::to_string(n));
    if (a.ticks.back().first != a.max) a.ticks.emplace_back(a.max, std::to_string(static_cast<int>(a.max)));
    return a;
}

// A linear axis from 0 with 4–6 round ticks.
PlotAxis valueAxis(double top, const std::string& label) {
    PlotAxis a;
    a.min = 0;
    a.label = label;
    top = std::max(top, 1e-9);
    const double raw = top / 4;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) {
            step = m * mag;
            break;
        }
    a.max = std::ceil(top / step - 1e-9) * step;
    for (double v = 0; v <= a.max + step / 2; v += step) {
        char buf[32];
        std::snprintf(buf, sizeof buf, step < 1 ? "%.2g" : "%g", v);
        a.ticks.emplace_back(v, buf);
    }
    return a;
}

// A log2 axis for speedup (a log-log plot: the ideal S = N is a straight
// diagonal, and equal ratios are equal distances): powers of two from the
// one at or under the lowest value (1 at most) to the top, which reaches
// the largest worker count so the whole ideal line is in view.
PlotAxis speedupAxis(double lowest, double top, double maxWorkers) {
    PlotAxis a;
    a.log2 = true;
    a.label = "speedup";
    a.min = std::exp2(std::floor(std::log2(std::clamp(lowest, 1.0 / 64, 1.0)) + 1e-9));
    a.max = std::max(top, maxWorkers);
    for (double v = a.min; v <= a.max * (1 + 1e-9); v *= 2) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        a.ticks.emplace_back(v, buf);
    }
    return a;
}

PlotLine curve(int maxN, const std::function<std::optional<double>(int)>& f) {
    PlotLine line;
    for (int n = 1; n <= maxN; ++n)
        if (auto y = f(n)) line.emplace_back(n, *y);
    return line;
}

// Speedup and efficiency plots from the sweep's rows; efficiency = speedup / N.
void buildPlots(CompareView& v, int maxWorkers,
                const std::function<std::optional<double>(int, std::optional<WorkKind>)>& predict) {
    const SweepResult& s = v.sweep;
    Plot& sp = v.speedup;
    Plot& ef = v.efficiency;
    // Named by its base (stats.hpp): This run's speedup is over sequential.
    sp.title = kSpeedupOverOneWorker;
    ef.title = "efficiency (speedup over 1 worker / workers)";
    sp.x = ef.x = workersAxis(maxWorkers);
    if (s.usableCores >= 1 && s.usableCores <= sp.x.max) sp.coresX = ef.coresX = s.usableCores;
    // Ideal speedup N at every whole N (on the log-log axes these points are
    // on one straight diagonal; on the old linear speedup axis they made a
    // curve a learner read as "not ideal").
    sp.ideal = curve(static_cast<int>(sp.x.max), [](int n) -> std::optional<double> { return n; });
    ef.ideal = {{1, 1}, {sp.x.max, 1}};
    // Plain words ("predicted at the sizes run" puzzled a class); the legend's tooltip says the rest.
    // Named apart from the class's prediction and the Compare rows' "model's
    // makespan" (newcomer walk, session 24: three "predictions" on one screen).
    sp.predictedName = "model's speedup";
    ef.predictedName = "model's efficiency";
    double top = 1, lowest = 1;
    for (WorkKind w : {WorkKind::Sleep, WorkKind::Cpu}) {
        PlotSeries ss, es;
        ss.work = es.work = w;
        for (const SweepRow& row : s.rows) {
            if (row.work != w || !row.speedupVs1) continue;
            // Its T(1): the 1-worker row of its work and chunksize, as deriveSweep's speedupVs1.
            const SweepRow* base = nullptr;
            for (const SweepRow& b1 : s.rows)
                if (b1.work == w && b1.workers == 1 && b1.chunksize == row.chunksize) base = &b1;
            if (!base) continue;
            const double b = base->makespanS;
            // A cpu point measured against a busy 1-worker run is no fairer than
            // a busy run's own: hollow too (newcomer walk, session 29: after a busy
            // 1-worker run the quiet 8-worker point stood solid above the 2
            // cores' mark, the picture saying "8 workers are best" for cpu work).
            std::optional<bool> busy = row.busy;
            const bool baseBusy = w == WorkKind::Cpu && base->busy == true && row.busy != true;
            if (baseBusy) busy = true;
            // Its runs: the kept ones its median and min-max are of, not the
            // discarded retries ("3 runs" with min = max beside "kept attempt
            // 3 of 3": classroom walk, session 31).
            const int kept = static_cast<int>(std::count_if(row.attempts.begin(), row.attempts.end(),
                                                            [](const SweepAttempt& a) { return a.kept; }));
            PlotPoint p{static_cast<double>(row.workers), *row.speedupVs1, b / row.makespanMaxS, b / row.makespanMinS,
                        busy, std::max(1, kept), baseBusy};
            ss.measured.push_back(p);
            const double n = row.workers;
            es.measured.push_back({n, p.y / n, p.yMin / n, p.yMax / n, p.busy, p.runs, baseBusy});
            top = std::max(top, p.yMax);
            lowest = std::min(lowest, p.yMin);
        }
        if (ss.measured.empty()) continue;
        // The predicted speedup: predicted(1) / predicted(N), from the scenario.
        auto predicted = [&](int n) -> std::optional<double> {
            std::optional<double> p1, pn;
            for (const SweepRow& row : s.rows)
                if (row.work == w && row.predictedS > 0) {
                    if (row.workers == 1) p1 = row.predictedS;
                    if (row.workers == n) pn = row.predictedS;
                }
            if (predict) {
                if (!p1) p1 = predict(1, w);
                if (!pn) pn = predict(n, w);
            }
            if (!p1 || !pn || *pn <= 0) return std::nullopt;
            return *p1 / *pn;
        };
        // Only at the worker counts that were run, beside their measured
        // points: between them the model's makespan is a staircase (8 equal
        // tasks take 2 rounds on 4 to 7 workers) drawn through sizes no one ran.
        for (const PlotPoint& m : ss.measured)
            if (auto y = predicted(static_cast<int>(m.x))) ss.predicted.emplace_back(m.x, *y);
        for (const auto& [x, y] : ss.predicted) {
            es.predicted.emplace_back(x, y / x);
            top = std::max(top, y);
            lowest = std::min(lowest, y);
        }
        for (const SweepFit& f : s.fits)
            if (f.work == w && !f.fit.serialFraction) {
                // Say why there is no curve rather than leave it out silently.
                char buf[200];
                // In plain words (a student does not know "Amdahl fit"); the term in the tooltip.
                if (f.busyLeftOut > 0)
                    std::snprintf(buf, sizeof buf,
                                  "cpu: no curve of how much of the work stays serial: the %d run%s with %s %s on a busy machine",
                                  f.busyLeftOut, f.busyLeftOut == 1 ? "" : "s", fitRangeText(s.usableCores).c_str(),
                                  f.busyLeftOut == 1 ? "was" : "were");
                else
                    std::snprintf(buf, sizeof buf,
                                  "cpu: no curve of how much of the work stays serial: it needs a 1-worker run and one with %s",
                                  fitRangeText(s.usableCores).c_str());
                sp.notes.push_back(buf);
                sp.noteTips.push_back(kAmdahlTip);
            } else if (f.work == w) {
                const double sf = *f.fit.serialFraction;
                ss.serialFraction = es.serialFraction = sf;
                ss.fitPoints = es.fitPoints = f.fit.points;
                // Amdahl's law with the parallelism there is: N CPU-bound workers on
                // C usable cores run min(N, C) at a time (it rose to ~5x at 8
                // workers on 2 cores while the measured points sat near 1.9x).
                const int cores = std::max(1, s.usableCores);
                ss.amdahl = curve(static_cast<int>(sp.x.max),
                                  [&](int n) { return amdahlSpeedup(sf, w == WorkKind::Cpu ? std::min(n, cores) : n); });
                for (const auto& [x, y] : ss.amdahl) es.amdahl.emplace_back(x, y / x);
                // A sweep's scenario is a pool whose tasks have no serial part
                // (every task is work the pool shares): what stays serial is the
                // run's own cost. "About 9 % of the work stays serial" on equal
                // cpu jobs read as a property of the jobs (newcomer walk,
                // session 24, finding 5); measured here (session 25), 2 cpu
                // workers reach 1.96x in `parviz sweep` and 1.8-1.9x in the
                // window, which draws while they run.
                double drawing = 0;   // the largest share parviz's own threads took in a kept run of this work
                for (const SweepRow& row : s.rows)
                    if (row.work == w)
                        for (const SweepAttempt& a : row.attempts)
                            if (a.kept && a.machine.parvizShare) drawing = std::max(drawing, *a.machine.parvizShare);
                const std::string whose =
                    "; the tasks have no serial part, so it is the run's own cost: starting workers, handing out "
                    "tasks, parviz drawing" +
                    (drawing >= kParvizShareSaid
                         ? " (up to " + percent(drawing) + " of the cores)"
                         : std::string());
                const std::string pct = percent(sf);
                const std::string note =
                    f.fit.points == 1 ? "cpu: about " + pct + " of the time stayed serial, from the " +
                                            fitRangeText(s.usableCores) + " run alone (a rough guess)" + whose
                                      : "cpu: about " + pct + " of the time stayed serial (fitted on " +
                                            std::to_string(f.fit.points) + " points)" + whose;
                sp.notes.push_back(note);
                sp.noteTips.push_back(std::string(kAmdahlTip) + " Here s = " + std::to_string(sf).substr(0, 4) + ".");
            }
        sp.series.push_back(std::move(ss));
        ef.series.push_back(std::move(es));
    }
    sp.y = speedupAxis(lowest, top, sp.x.max);
    double etop = 1;
    for (const PlotSeries& se : ef.series)
        for (const PlotPoint& p : se.measured) etop = std::max(etop, p.yMax);
    ef.y = valueAxis(etop, "efficiency");
    if (etop <= 1.5) {
        // Efficiency is at most about 1: quarters up to the next one above the
        // data, so a point at 1.03 does not stretch the axis to 1.5.
        ef.y.max = std::ceil(etop * 4 - 1e-9) / 4;
        ef.y.ticks.clear();
        for (int q = 0; q <= static_cast<int>(std::lround(ef.y.max * 4)); ++q) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%g", q / 4.0);
            ef.y.ticks.emplace_back(q / 4.0, buf);
        }
    }
    if (sp.series.empty()) {
        sp.notes.push_back("No finished sleep or cpu runs with a 1-worker run to compare with yet.");
        sp.noteTips.emplace_back();
    }
}

// A makespan guess beside the row it is for, once the sweep has ended (as
// README says: a run still to come can change the answer, and "you: 1.05 s"
// on the row mid-sweep read as revealed): verdict as the Explain panel's.
// Mid-sweep only the row's tooltip says the prediction.
void markGuess(CompareRow& row, double guessS, bool sweepComplete) {
    if (!sweepComplete) {
        row.guessText = "you predicted " + seconds(guessS) + " (the answer when the sweep ends)";
        return;
    }
    row.guessS = guessS;
    Question q;
    q.kind = QuestionKind::Makespan;
    Guess g;
    g.given = true;
    g.seconds = guessS;
    Answer a;
    a.known = row.finished;
    a.seconds = row.makespanS;
    a.timeScale = row.timeScale;   // the Predict tab's verdict, in the same words
    row.guessText = "you predicted " + seconds(guessS) +
                    (row.finished ? ": it took " + seconds(row.makespanS) + ", " + verdict(q, g, a) : " (the answer when the run ends)");
}

GuessLine makespanLine(const MakespanGuess& g, const SweepResult& sweep, bool sweepComplete) {
    const std::string what = workersText(g.workers) + " · " + workName(g.work);
    const SweepRow* row = nullptr;
    for (const SweepRow& r : sweep.rows)
        if (g.work && r.work == *g.work && r.workers == g.workers && r.makespanS > 0) row = &r;
    GuessLine l;
    l.makespan = true;
    if (row && !sweepComplete) {
        l.full = "You predicted " + what + ": " + seconds(g.seconds) + " (the answer when the sweep ends).";
        l.brief = "Pool(" + std::to_string(g.workers) + ") " + workName(g.work) + ": you " + seconds(g.seconds);
        return l;
    }
    if (!row) {
        l.full = "You predicted " + what + ": " + seconds(g.seconds) + " (the answer when its run ends).";
        l.brief = "Pool(" + std::to_string(g.workers) + ") " + workName(g.work) + ": you " + seconds(g.seconds);
        return l;
    }
    Question q;
    q.kind = QuestionKind::Makespan;
    Guess guess;
    guess.given = true;
    guess.seconds = g.seconds;
    Answer a;
    a.known = true;
    a.seconds = row->makespanS;
    a.timeScale = sweep.timeScale;
    const std::string v = verdict(q, guess, a);
    l.answered = true;
    l.right = v.rfind("right", 0) == 0;
    l.full = "You predicted " + what + ": " + seconds(g.seconds) + ". It took " + seconds(row->makespanS) + ": " + v + ".";
    l.brief = "Pool(" + std::to_string(g.workers) + ") " + workName(g.work) + ": you " + seconds(g.seconds) + ", took " +
              seconds(row->makespanS) + (l.right ? " (right)" : "");
    return l;
}

GuessLine enoughLine(const EnoughGuess& g, const std::vector<SweepAnswer>& answers, bool sweepComplete) {
    const std::string work = toString(g.work);
    const std::string said = workersText(g.workers) + (g.workers == 1 ? " is" : " are") + " enough";
    GuessLine l;
    const SweepAnswer* a = nullptr;
    for (const SweepAnswer& x : answers)
        if (x.work == g.work && !a && sweepComplete) a = &x;
    if (!a) {
        l.full = "You predicted for " + work + ": " + said + " (the answer when the sweep ends).";
        l.brief = work + ": you said " + std::to_string(g.workers);
        return l;
    }
    l.answered = true;
    l.enoughFor = g.work;
    if (a->withheld) {
        l.full = "You predicted for " + work + ": " + said + ". The sweep cannot tell yet: its " + work +
                 " runs were too short to tell whether other programs used the cores.";
        l.brief = work + ": you said " + std::to_string(g.workers) + ", cannot tell yet";
        l.tail = "you said " + std::to_string(g.workers);
        return l;
    }
    if (a->workers == 0) {
        // Why, and what to do, in the answer's own words (who took the cores).
        const std::string why = a->brief.substr(std::min(a->brief.size(), a->brief.find(": no answer: ") + 13));
        l.full = "You predicted for " + work + ": " + said + ". The sweep gives no " + work + " answer: " +
                 (why.empty() ? "other programs used the cores" : why) + ".";
        l.brief = work + ": you said " + std::to_string(g.workers) + ", no answer (busy)";
        l.tail = "you said " + std::to_string(g.workers);
        return l;
    }
    l.right = a->workers == g.workers;
    l.full = "You predicted for " + work + ": " + said + ". The sweep: " + std::to_string(a->workers) + " (" +
             (l.right ? "right" : "not this time") + ").";
    l.brief = work + ": you said " + std::to_string(g.workers) + ", the sweep " + std::to_string(a->workers) +
              (l.right ? " (right)" : "");
    l.tail = "you said " + std::to_string(g.workers) + (l.right ? " (right)" : " (not this time)");
    return l;
}

} // namespace

CompareRun compareRunOf(int id, const RunModel& model, const Trace& trace, const Scenario* scenario) {
    const TraceMeta meta = trace.meta();
    const RunStats st = computeStats(model, trace);
    CompareRun r;
    r.id = id;
    r.scenario = meta.scenario;
    r.workers = meta.workers > 0 ? meta.workers : st.workerCount;
    r.work = parseWorkKind(meta.work);
    r.finished = meta.finished && st.hasMakespan && st.tasksFailed == 0 && !meta.incomplete;
    r.makespanS = static_cast<double>(st.makespanNs) / 1e9;
    r.sequentialS = static_cast<double>(st.sequentialNs) / 1e9;
    r.machine = st.machine;
    r.originNs = trace.zero();
    r.timeScale = meta.timeScale;
    r.setup = compareSetupKey(scenario, meta);
    std::int64_t first = kNever;
    for (const TaskRecord& t : model.tasks())
        if (t.t0 != kNever) first = std::min(first, t.t0);
    if (first != kNever) r.originNs = first;
    if (scenario && kindInfo(scenario->kind).pooled && !scenario->tasks.empty()) {
        r.chunksize = scenario->chunksize;
        const int cores = meta.usableCores > 0 ? meta.usableCores : 1;
        // The same row `parviz sweep` plans: its chunksize_used in the CSV.
        r.chunksizeUsed =
            plannedSweepRow(*scenario, r.workers, r.work.value_or(WorkKind::Sleep), r.chunksize, cores, meta.timeScale)
                .chunksizeUsed;
        r.predictedS = predictPoolMakespan(*scenario, r.workers, r.work, cores).makespanSeconds * meta.timeScale;
    }
    return r;
}

double axisFraction(const PlotAxis& a, double v) noexcept {
    if (a.log2) {
        const double lo = std::log2(std::max(a.min, 1e-12)), hi = std::log2(std::max(a.max, 1e-12));
        return hi > lo ? (std::log2(std::max(v, 1e-12)) - lo) / (hi - lo) : 0;
    }
    return a.max > a.min ? (v - a.min) / (a.max - a.min) : 0;
}

CompareView buildCompareView(const std::vector<CompareRun>& runs, int usableCores, int totalCores,
                             const std::function<std::optional<double>(int, std::optional<WorkKind>)>& predict,
                             const ClassPredictions& guesses, bool sweepComplete,
                             const std::vector<WorkKind>& stillToRun) {
    CompareView v;
    int maxWorkers = 1;
    double end = 0;
    // The plotted setup: the one with the most finished runs, the newest
    // run's (the largest id) on a tie.
    std::map<std::string, std::pair<int, int>> bySetup;   // setup -> (finished runs, newest id)
    for (const CompareRun& r : runs)
        if (r.finished) {
            auto& [n, newest] = bySetup[r.setup];
            ++n;
            newest = std::max(newest, r.id);
        }
    std::string plotted;
    std::pair<int, int> best{-1, -1};
    for (const auto& [setup, score] : bySetup)
        if (score > best) {
            best = score;
            plotted = setup;
        }
    // Rows say what differs among them: the scenario, the time scale, the method or tasks.
    std::set<std::string> scenarios, setups;
    std::set<double> scales;
    for (const CompareRun& r : runs) {
        scenarios.insert(r.scenario);
        scales.insert(r.timeScale);
        setups.insert(r.setup);
    }
    std::vector<CompareRun> plottedRuns;
    std::map<std::string, std::vector<int>> leftOutBy;   // what differs -> run ids
    for (const CompareRun& r : runs) {
        CompareRow row = rowOf(r, std::max(1, usableCores));
        std::string differs;
        if (scenarios.size() > 1) differs += r.scenario;
        if (scales.size() > 1) {
            differs += std::string(differs.empty() ? "" : " at ") + "time scale " + formatTimeScale(r.timeScale);
        }
        if (differs.empty() && setups.size() > 1 && r.setup != plotted) differs = "other tasks or method";
        if (!differs.empty()) row.label = differs + " · " + row.label;
        v.rows.push_back(std::move(row));
        end = std::max({end, r.makespanS, r.predictedS.value_or(0)});
        maxWorkers = std::max(maxWorkers, r.workers);
        if (!r.finished || r.setup == plotted) {
            plottedRuns.push_back(r);
        } else {
            v.leftOut.push_back(r.id);
            leftOutBy[differs].push_back(r.id);
        }
    }
    for (const MakespanGuess& g : guesses.makespans)
        for (CompareRow& row : v.rows)
            if (row.workers == g.workers && row.work == g.work) {
                markGuess(row, g.seconds, sweepComplete);
                end = std::max(end, g.seconds);   // its mark stays in view (the axis does not move when it shows)
            }
    v.axisEndS = end > 0 ? end : 1;
    std::stable_sort(v.rows.begin(), v.rows.end(), [](const CompareRow& a, const CompareRow& b) {
        return std::make_tuple(workOrder(a.work), a.workers, a.id) < std::make_tuple(workOrder(b.work), b.workers, b.id);
    });
    v.sweep = sweepOf(plottedRuns, usableCores, totalCores);
    buildPlots(v, maxWorkers, predict);
    if (!leftOutBy.empty()) {
        std::string note = std::string("Not in the plots (another setup than the ") +
                           (best.first == 1 ? "plotted run's" : std::to_string(best.first) + " plotted runs'") + "):";
        bool firstGroup = true;
        for (const auto& [differs, ids] : leftOutBy) {
            note += firstGroup ? " " : "; ";
            firstGroup = false;
            note += ids.size() == 1 ? "run " : "runs ";
            for (std::size_t i = 0; i < ids.size(); ++i) note += (i ? ", " : "") + std::to_string(ids[i]);
            note += " (" + differs + ")";
        }
        v.speedup.notes.insert(v.speedup.notes.begin(), note + ".");
        v.speedup.noteTips.insert(v.speedup.noteTips.begin(),
                                  "A speedup compares makespans of one setup: the same scenario, tasks, method and "
                                  "time scale, at different worker counts. Runs of another are rows of their own.");
    }
    v.answers = sweepAnswers(v.sweep);
    if (!sweepComplete)
        for (SweepAnswer& a : v.answers)
            if (stillToRun.empty() || std::find(stillToRun.begin(), stillToRun.end(), a.work) != stillToRun.end()) {
                a.full = "so far, with runs still to come: " + a.full;
                // A busy cpu kind's "close them, Sweep cpu again" waits for the
                // sweep's end (its retries may still answer; the button shows
                // then): mid-sweep its short form stays two lines beside the
                // class's guesses in presentation's Plots.
                // ("cpu: no answer, machine busy (79 %)", its words before session 20.)
                if (a.workers == 0 && a.busyShare > 0)
                    a.brief = a.brief.substr(0, a.brief.find(": no answer")) + ": no answer, machine busy (" +
                              std::to_string(static_cast<int>(a.busyShare * 100 + 0.5)) + " %)";
                if (a.withheld) a.brief = a.brief.substr(0, a.brief.find(": runs too short"));   // its way out waits for the end
                a.brief = "so far, " + a.brief;
            }
    for (const MakespanGuess& g : guesses.makespans) v.guesses.push_back(makespanLine(g, v.sweep, sweepComplete));
    for (const EnoughGuess& g : guesses.enough) v.guesses.push_back(enoughLine(g, v.answers, sweepComplete));
    return v;
}

std::string compareSetupKey(const Scenario* ran, const TraceMeta& meta) {
    std::string key = meta.scenario.empty() && ran ? ran->name : meta.scenario;
    char buf[64];
    std::snprintf(buf, sizeof buf, "|%.6g", meta.timeScale);
    key += buf;
    if (!ran) return key;
    key += "|" + std::string(toString(ran->method));
    for (const TaskSpec& t : ran->tasks) {
        std::snprintf(buf, sizeof buf, "%.9g", t.seconds);
        key += "|" + t.name + "=" + buf;
    }
    return key;
}

std::string runSetupKey(const Scenario& ran, const TraceMeta& meta) {
    std::string key = (meta.scenario.empty() ? ran.name : meta.scenario) + "|" + meta.work + "|";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", meta.timeScale);
    key += buf;
    key += "|" + std::string(toString(ran.method)) + "|" + (ran.chunksize ? std::to_string(*ran.chunksize) : "auto");
    for (const TaskSpec& t : ran.tasks) {
        std::snprintf(buf, sizeof buf, "%.9g", t.seconds);
        key += "|" + t.name + "=" + buf + toString(t.work);
    }
    return key;
}

std::optional<double> plottedSpeedupOf(const CompareView& v, int runId) {
    for (const SweepRow& row : v.sweep.rows) {
        const bool mine = std::any_of(row.attempts.begin(), row.attempts.end(),
                                      [&](const SweepAttempt& a) { return a.kept && a.run == runId; });
        if (mine) return row.speedupVs1;   // nullopt without a 1-worker run of its work and chunksize
    }
    return std::nullopt;
}

std::vector<std::optional<SpeedupOverOne>> sessionSpeedups(const std::vector<SessionRunTime>& runs) {
    std::vector<std::optional<SpeedupOverOne>> out(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i].makespanS <= 0) continue;
        for (std::size_t b = 0; b < runs.size(); ++b)
            if (runs[b].workers == 1 && runs[b].setup == runs[i].setup && runs[b].makespanS > 0) {
                out[i] = SpeedupOverOne{runs[b].makespanS / runs[i].makespanS, b};
                break;
            }
    }
    return out;
}

} // namespace parviz
