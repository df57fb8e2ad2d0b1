// The sweep's reports (sweep.hpp): terminal tables, --json, --csv.
#include "parviz/sweep.hpp"
#include "parviz/explain.hpp"
#include "parviz/stats.hpp"
#include "text_table.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace parviz {

std::string chunksizeLabel(std::optional<std::size_t> c) { return c ? std::to_string(*c) : "auto"; }

namespace {

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}
std::string secs(double s) { return fmt(s < 10 ? "%.3f s" : "%.2f s", s); }
std::string pct(double x) { return std::to_string(static_cast<int>(std::lround(x * 100))) + " %"; }
std::string times(std::optional<double> x) { return x ? fmt("%.2fx", *x) : "-"; }
// " with 1 worker", " with 8 workers": the row a share was measured in, as
// Compare's row labels name it ("" without a row).
std::string withWorkers(const SweepRow* row) {
    if (!row) return "";
    return " with " + std::to_string(row->workers) + (row->workers == 1 ? " worker" : " workers");
}

std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
    return detail::formatTable(rows, right);
}

// "1", or "2 of 2 (discarded: 34 %)" when a busy attempt was run again;
// with repeats, one entry per repeat that needed more than one attempt.
std::string attemptsText(const SweepRow& row) {
    std::string out;
    for (int rep = 1;; ++rep) {
        std::vector<const SweepAttempt*> as;
        for (const auto& a : row.attempts)
            if (a.repeat == rep) as.push_back(&a);
        if (as.empty()) break;
        if (as.size() == 1) continue;
        std::string part;
        int kept = 0;
        std::string discarded;
        for (const SweepAttempt* a : as) {
            if (a->kept) kept = a->attempt;
            else discarded += (discarded.empty() ? "" : ", ") + (a->machine.otherShare ? pct(*a->machine.otherShare) : "?");
        }
        part = (row.attempts.back().repeat > 1 ? "repeat " + std::to_string(rep) + ": " : "") + "kept " +
               std::to_string(kept) + " of " + std::to_string(as.size()) + " (discarded: " + discarded + ")";
        out += (out.empty() ? "" : "; ") + part;
    }
    return out.empty() ? "1" : out;
}

std::string busyMark(const SweepRow& row) {
    if (row.busy == true) return "BUSY";
    if (!row.busy) return "unknown";
    return "";
}

std::string workTable(const SweepResult& r, WorkKind w) {
    const bool spread = r.repeat > 1;
    std::vector<std::string> head = {"workers", "chunksize", "makespan"};
    if (spread) head.push_back("min-max");
    for (const char* h : {"predicted", "speedup vs 1", "vs sequential", "efficiency", "other procs", "busy", "attempts"})
        head.push_back(h);
    std::vector<std::vector<std::string>> rows = {head};
    for (const SweepRow& row : r.rows) {
        if (row.work != w) continue;
        std::vector<std::string> line = {std::to_string(row.workers),
                                         row.chunksize ? std::to_string(*row.chunksize)
                                                       : "auto (" + std::to_string(row.chunksizeUsed) + ")",
                                         secs(row.makespanS)};
        if (spread) line.push_back(fmt("%.3f", row.makespanMinS) + "-" + fmt("%.3f", row.makespanMaxS));
        line.push_back(secs(row.predictedS));
        line.push_back(times(row.speedupVs1));
        line.push_back(times(row.speedupVsSequential));
        line.push_back(row.efficiency ? pct(*row.efficiency) : "-");
        line.push_back(row.otherShare ? pct(*row.otherShare) : "-");
        line.push_back(busyMark(row));
        line.push_back(attemptsText(row));
        rows.push_back(line);
    }
    std::vector<bool> right = {true, false, true};
    if (spread) right.push_back(true);
    for (bool b : {true, true, true, true, true}) right.push_back(b);
    return table(rows, right);
}

std::string fitLine(const SweepResult& r, const SweepFit& f) {
    std::string out = "Amdahl fit, cpu work, chunksize " + chunksizeLabel(f.chunksize) + ": ";
    const std::string leftOut = f.busyLeftOut ? "; " + std::to_string(f.busyLeftOut) +
                                                    (f.busyLeftOut == 1 ? " busy point" : " busy points") + " left out"
                                              : "";
    if (!f.fit.serialFraction)
        return out + "none (it needs a 1-worker run and one with " + fitRangeText(r.usableCores) +
               ", not flagged busy; more workers than cores is oversubscription, not a serial fraction" +
               leftOut + ")\n";
    out += "serial fraction " + fmt("%.3f", *f.fit.serialFraction) + ", from " + std::to_string(f.fit.points) +
           (f.fit.points == 1 ? " point" : " points") + " (only runs with " + fitRangeText(r.usableCores) +
           " count: " + std::to_string(r.usableCores) + " usable cores)";
    if (f.fit.points == 1) out += "; one point fixes it exactly, it does not test the law";
    return out + leftOut + "\n";
}

} // namespace

// One paragraph for every busy row, instead of a line each: how many, the
// range of other processes' shares, and what it means for each work kind
// (sleeping workers need no core; cpu timings move with the load).
std::string busySummary(const SweepResult& r) {
    int busy = 0, busySleep = 0, busyCpu = 0;
    double lo = 1, hi = 0;
    for (const SweepRow& row : r.rows) {
        if (row.busy != true) continue;
        ++busy;
        (row.work == WorkKind::Sleep ? busySleep : busyCpu)++;
        lo = std::min(lo, row.otherShare.value_or(0));
        hi = std::max(hi, row.otherShare.value_or(0));
    }
    if (busy == 0) return "";
    std::string out;
    if (busy == 1) {
        for (const SweepRow& row : r.rows)
            if (row.busy == true)
                out = toString(row.work) + std::string(", ") + std::to_string(row.workers) +
                      (row.workers == 1 ? " worker" : " workers") + ", chunksize " + chunksizeLabel(row.chunksize) + ": " +
                      describeBusy({row.otherShare, true}) + "\n";
    } else {
        out = "machine busy on " + std::to_string(busy) + " of " + std::to_string(r.rows.size()) +
              " configurations (BUSY above): other processes took " +
              (fmt("%.0f", lo * 100) == fmt("%.0f", hi * 100) ? fmt("%.0f", hi * 100) : fmt("%.0f", lo * 100) + "-" + fmt("%.0f", hi * 100)) +
              " % of the cores; timings not comparable\n";
    }
    if (busySleep > 0 && busyCpu > 0)
        out += "  sleep rows still hold (sleeping workers need no core); cpu rows shared the cores and do not\n";
    else if (busySleep > 0 && busyCpu == 0)
        out += "  the busy rows are sleep work: sleeping workers need no core, so their timings still hold\n";
    return out;
}

std::string formatSweep(const SweepResult& r) {
    std::ostringstream o;
    o << "Sweep of " << r.scenario << " (" << r.tasks << " tasks, time scale " << formatTimeScale(r.timeScale) << ", "
      << r.usableCores << " usable cores";
    if (r.totalCores != r.usableCores) o << " of " << r.totalCores;
    o << ", " << r.repeat << (r.repeat == 1 ? " run" : " runs") << " kept per configuration)\n";
    for (WorkKind w : {WorkKind::Sleep, WorkKind::Cpu}) {
        if (std::none_of(r.rows.begin(), r.rows.end(), [&](const SweepRow& x) { return x.work == w; })) continue;
        o << "\n" << toString(w) << " work\n" << workTable(r, w);
    }
    o << "\n";
    for (const SweepFit& f : r.fits) o << fitLine(r, f);
    o << "predicted: CPython's chunking, chunks to the first free worker; cpu work at least its total CPU time / "
      << r.usableCores << " cores (docs/sweep-model.md)\n";
    o << "efficiency = speedup vs 1 worker / workers; other procs: the share of the cores other processes took\n";
    o << busySummary(r);
    if (std::any_of(r.rows.begin(), r.rows.end(), [](const SweepRow& x) { return !x.busy; }))
        o << "busy: unknown = the run was too short to tell whether other programs used the cores (under "
          << kMinJudgedSpanPreciseNs / 1'000'000 << " ms with exact idle counters, under "
          << kMinJudgedSpanTicksNs / 1'000'000 << " ms with /proc/stat; run with --time-scale 1 or more work)\n";
    o << "sweep took " << fmt("%.1f", r.wallS) << " s\n";
    const std::vector<SweepAnswer> answers = sweepAnswers(r);
    if (!answers.empty()) {
        o << "\nHow many workers?\n";
        for (const SweepAnswer& a : answers) o << "  " << a.full << "\n";
    }
    return o.str();
}

std::string sweepToJson(const SweepResult& r) {
    using nlohmann::json;
    auto opt = [](const auto& v) { return v ? json(*v) : json(nullptr); };
    json runs = json::array();
    for (const SweepRow& row : r.rows) {
        json attempts = json::array();
        for (const SweepAttempt& a : row.attempts)
            attempts.push_back({{"repeat", a.repeat}, {"attempt", a.attempt}, {"makespan_s", a.makespanS},
                                {"other_share", opt(a.machine.otherShare)}, {"busy", opt(a.machine.busy)},
                                {"steal_share", a.machine.stealShare}, {"others", othersToJson(a.machine)},
                                {"kept", a.kept}, {"saved_as", a.savedAs.empty() ? json(nullptr) : json(a.savedAs)}});
        runs.push_back({{"workers", row.workers}, {"work", toString(row.work)}, {"chunksize", opt(row.chunksize)},
                        {"chunksize_used", row.chunksizeUsed}, {"makespan_s", row.makespanS},
                        {"makespan_min_s", row.makespanMinS}, {"makespan_max_s", row.makespanMaxS},
                        {"predicted_makespan_s", row.predictedS}, {"sequential_s", row.sequentialS},
                        {"speedup_vs_1_worker", opt(row.speedupVs1)},
                        {"speedup_vs_sequential", row.speedupVsSequential}, {"efficiency", opt(row.efficiency)},
                        {"other_share", opt(row.otherShare)}, {"busy", opt(row.busy)}, {"attempts", attempts}});
    }
    json fits = json::array();
    for (const SweepFit& f : r.fits)
        fits.push_back({{"work", toString(f.work)}, {"chunksize", opt(f.chunksize)},
                        {"serial_fraction", opt(f.fit.serialFraction)}, {"points", f.fit.points},
                        {"busy_points_left_out", f.busyLeftOut}});
    json j = {{"schema", "parviz-sweep/1"}, {"scenario", r.scenario}, {"title", r.title}, {"tasks", r.tasks},
              {"time_scale", r.timeScale}, {"usable_cores", r.usableCores}, {"total_cores", r.totalCores},
              {"repeat", r.repeat}, {"retries", r.retries}, {"busy_threshold", kBusyThreshold},
              {"wall_s", r.wallS}, {"runs", runs}, {"fits", fits}};
    return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {
std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}
std::string num(double v) { return fmt("%.9g", v); }
std::string num(std::optional<double> v) { return v ? num(*v) : ""; }
} // namespace

std::string sweepToCsv(const SweepResult& r) {
    std::string out = "scenario,work,workers,chunksize,chunksize_used,makespan_s,makespan_min_s,makespan_max_s,"
                      "predicted_makespan_s,sequential_s,speedup_vs_1_worker,speedup_vs_sequential,efficiency,"
                      "other_share,busy,attempts,discarded_other_shares\n";
    for (const SweepRow& row : r.rows) {
        std::string discarded;
        for (const SweepAttempt& a : row.attempts)
            if (!a.kept) discarded += (discarded.empty() ? "" : " ") + num(a.machine.otherShare);
        out += csvField(r.scenario) + "," + toString(row.work) + "," + std::to_string(row.workers) + "," +
               chunksizeLabel(row.chunksize) + "," + std::to_string(row.chunksizeUsed) + "," + num(row.makespanS) +
               "," + num(row.makespanMinS) + "," + num(row.makespanMaxS) + "," + num(row.predictedS) + "," +
               num(row.sequentialS) + "," + num(row.speedupVs1) + "," + num(row.speedupVsSequential) + "," +
               num(row.efficiency) + "," + num(row.otherShare) + "," +
               (row.busy ? (*row.busy ? "true" : "false") : "") + "," + std::to_string(row.attempts.size()) + "," +
               discarded + "\n";
    }
    return out;
}

std::vector<SweepAnswer> sweepAnswers(const SweepResult& r) {
    std::vector<SweepAnswer> out;
    std::vector<std::pair<WorkKind, std::optional<std::size_t>>> groups;
    for (const SweepRow& row : r.rows)
        if (std::find(groups.begin(), groups.end(), std::make_pair(row.work, row.chunksize)) == groups.end())
            groups.emplace_back(row.work, row.chunksize);
    bool severalChunksizes = false;
    for (const auto& g : groups) severalChunksizes |= g.second != groups.front().second;
    for (const auto& [work, chunksize] : groups) {
        std::vector<const SweepRow*> rows;
        for (const SweepRow& row : r.rows)
            if (row.work == work && row.chunksize == chunksize && row.speedupVs1) rows.push_back(&row);
        if (rows.size() < 2) continue;
        double best = 0;
        bool busy = false;
        double worstShare = 0;
        int busyRows = 0;
        const BusyVerdict* worst = nullptr;   // the kept busy attempt whose others took the most
        const SweepRow* shareRow = nullptr;   // the busy row whose others took the most (worstShare)
        for (const SweepRow* row : rows) {
            best = std::max(best, *row->speedupVs1);
            busy |= row->busy == true;
            busyRows += row->busy == true;
            if (row->busy == true && (!shareRow || row->otherShare.value_or(0) > worstShare)) {
                worstShare = std::max(worstShare, row->otherShare.value_or(0));
                shareRow = row;
            }
            for (const SweepAttempt& at : row->attempts)
                if (at.kept && at.machine.busy == true &&
                    (!worst || at.machine.otherShare.value_or(0) > worst->otherShare.value_or(0))) {
                    worst = &at.machine;
                }
        }
        const SweepRow* enough = nullptr;   // the fewest workers within 10 % of the best
        const SweepRow* largest = rows.front();
        for (const SweepRow* row : rows) {
            if (*row->speedupVs1 >= 0.9 * best && (!enough || row->workers < enough->workers)) enough = row;
            if (row->workers > largest->workers) largest = row;
        }
        std::string what = toString(work);
        if (severalChunksizes) what += ", chunksize " + chunksizeLabel(chunksize);
        char buf[700];
        if (busy && work != WorkKind::Sleep) {
            // CPU work shares the cores with whatever else ran: a busy run's
            // speedup measures the machine, and the answer would teach the
            // wrong lesson. Say so instead of answering (sleep work still
            // holds: a sleeping worker needs no core), and who took the cores
            // as far as the measurement saw: a program still open can be
            // closed; the VM's host (steal) or programs gone by the run's end
            // cannot, and "close them" would send the teacher looking for
            // programs that are not there (session 24).
            const int pct = static_cast<int>(worstShare * 100 + 0.5);
            const std::string who = worst ? describeOthers(*worst) : std::string();
            const bool programs = worst && !worst->others.empty();
            const bool hostOnly = !programs && worst && worst->stealShare >= 0.5 * worstShare;
            std::string todo, brief;
            if (programs) {
                todo = "sweep " + std::string(toString(work)) + " again when they are closed";
                // Two lines of presentation's Plots: the largest programs by name while
                // the whole list, its "and N more" counted in, stays short (24
                // characters): "cc1plus, another parviz and 1 more" (34) wrapped the
                // brief to a third line (session 28's notes). The largest one is always named.
                const auto& all = worst->others;
                auto listOf = [&all](std::size_t named) {
                    std::vector<std::string> names;
                    for (std::size_t i = 0; i < named; ++i) names.push_back(all[i].first);
                    if (named < all.size()) names.push_back(std::to_string(all.size() - named) + " more");
                    return nameList(names);   // "firefox, cc1plus and sh", "gnome-software and 2 more"
                };
                std::size_t named = all.size();
                while (named > 1 && listOf(named).size() > 24) --named;
                const std::string who2 = listOf(named);
                // One program alone: its own share; several: the others' share in all.
                const int took = all.size() == 1 ? static_cast<int>(all.front().second * 100 + 0.5) : pct;
                brief = what + ": no answer: " + who2 + " took " + std::to_string(took) +
                        (all.size() == 1 ? " %; close it, Sweep " : " %; close them, Sweep ") + toString(work) + " again";
            } else if (hostOnly) {
                todo = "nothing on this machine can be closed for it; sweep " + std::string(toString(work)) + " again later";
                brief = what + ": no answer: the VM's host took " +
                        std::to_string(static_cast<int>(worst->stealShare * 100 + 0.5)) + " % (steal time); Sweep " +
                        toString(work) + " again later";
            } else {
                todo = "no program still open took much of it (it has exited, or many small ones did); sweep " +
                       std::string(toString(work)) + " again";
                brief = what + ": no answer: other programs took " + std::to_string(pct) + " %, none still open; Sweep " +
                        toString(work) + " again";
            }
            std::snprintf(buf, sizeof buf,
                          "%s: no answer: other programs took up to %.0f %% of the cores%s during %d of the %zu runs%s, "
                          "so their speedups measure the machine, not the pool; %s",
                          what.c_str(), worstShare * 100, withWorkers(shareRow).c_str(), busyRows, rows.size(),
                          who.empty() ? "" : (" (" + who + ")").c_str(), todo.c_str());
            // The brief is what the window shows when the room is short: it
            // says what to do, not only the tooltip (newcomer walk: "cpu: no
            // answer, machine busy (51 %)" left the teacher without a next
            // step), naming Compare's button, in two lines of presentation's Plots.
            SweepAnswer ans{std::string(buf) + ".", brief, work, chunksize, 0};
            ans.busyShare = worstShare;
            out.push_back(std::move(ans));
            continue;
        }
        // A cpu run too short to judge (no cpuidle: under 1 s of /proc/stat
        // samples) may have shared the cores with other programs as much as
        // a busy one: its number is withheld, with the way out (a 0.2x
        // speedup on a loaded machine read "more workers did not help"; then
        // "runs too short to tell if fair" still beside "2 workers are
        // enough (1.11x)", session 22). Such runs are rare: the counters judge
        // clear cases however short (ticksShareError) and cpu runs are judged
        // by their workers' core time (judgeFromWorkers).
        const SweepRow* unjudged = nullptr;
        int unjudgedRows = 0;
        if (work != WorkKind::Sleep)
            for (const SweepRow* row : rows)
                if (!row->busy) {
                    ++unjudgedRows;
                    if (!unjudged) unjudged = row;
                }
        const int n = enough->workers;
        const double eff = enough->efficiency.value_or(*enough->speedupVs1 / n);
        if (n == 1) {
            std::snprintf(buf, sizeof buf, "%s: more workers did not help (%d workers: %.2fx of 1 worker's speed)",
                          what.c_str(), largest->workers, *largest->speedupVs1);
        } else {
            std::snprintf(buf, sizeof buf, "%s: %d workers %s: %.2fx faster than 1 worker (efficiency %s)",
                          what.c_str(), n, enough == largest ? "were fastest" : "are enough", *enough->speedupVs1,
                          formatPercent(eff, true).c_str());
        }
        std::string line = buf;
        std::string brief = line.substr(0, line.find(n == 1 ? " (" : ":", what.size() + 1));
        if (n > 1) {
            std::snprintf(buf, sizeof buf, " (%.2fx)", *enough->speedupVs1);
            brief += buf;
        }
        // "sleep holds" needed a teacher (walk, session 24); "machine busy: sleep needs no core" read as a
        // contradiction (walk 27): the busy machine, and why it does not matter, joined by "but".
        const int cores = std::max(1, r.usableCores);
        if (busy) brief += ", machine busy, but sleep needs no core";
        // Why sleep scales past the cores, where the class reads the answer:
        // it was in the full line only (a tooltip in presentation's Plots),
        // so the lesson's step 3 needed the teacher to say it (newcomer walk, session 30).
        else if (work == WorkKind::Sleep && n > cores) brief += ": sleep needs no core";
        // ... and why cpu stops there: one worker per core.
        else if (work == WorkKind::Cpu && n == cores && enough != largest) brief += ": one per core";
        if (n == 1) {
            // Said above: nothing more to explain.
        } else if (enough != largest && work == WorkKind::Cpu && n <= cores) {
            std::snprintf(buf, sizeof buf, "; more than the %d usable core%s only take turns on them (%d workers: %.2fx)",
                          cores, cores == 1 ? "" : "s", largest->workers, *largest->speedupVs1);
            line += buf;
        } else if (enough != largest) {
            std::snprintf(buf, sizeof buf, "; more gained less than 10 %% (%d workers: %.2fx)", largest->workers,
                          *largest->speedupVs1);
            line += buf;
        } else if (work == WorkKind::Sleep && n > cores) {
            std::snprintf(buf, sizeof buf, "; sleeping workers need no core, so more than the %d core%s still help; "
                          "%d is the most tried", cores, cores == 1 ? "" : "s", n);
            line += buf;
        } else {
            std::snprintf(buf, sizeof buf, "; %d is the most tried", n);
            line += buf;
        }
        if (busy) line += " (the machine was busy, but sleeping workers need no core: this holds)";
        SweepAnswer answer{line + ".", brief, work, chunksize, n};
        if (unjudged) {
            // No number from runs nobody could judge: say so, and the way out.
            BusyVerdict v;
            for (const SweepAttempt& a : unjudged->attempts)
                if (a.kept && !a.machine.busy) v.neededSpanNs = std::max(v.neededSpanNs, a.machine.neededSpanNs);
            answer.unjudgedRuns = unjudgedRows;
            answer.workers = 0;
            answer.withheld = true;
            // describeUnjudged says what to run with when the runs were short.
            const std::string wayOut = v.neededSpanNs > 0 ? "then sweep " + what + " again"
                                                          : "sweep " + what + " again with core data (--cores auto)";
            answer.full = what + ": cannot tell yet: " + std::to_string(unjudgedRows) + " of the " +
                          std::to_string(rows.size()) + " runs " + (unjudgedRows == 1 ? "was " : "were ") +
                          describeUnjudged(v) + ", so their speedups may measure the machine, not the pool; " + wayOut +
                          ".";
            answer.brief = what + ": cannot tell yet: runs too short to tell if fair; " +
                           (v.neededSpanNs > 0 ? "Sweep at --time-scale 1" : "Sweep again with core data");
        }
        out.push_back(std::move(answer));
    }
    return out;
}

} // namespace parviz
