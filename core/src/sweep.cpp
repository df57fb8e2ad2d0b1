// Sweeps (sweep.hpp): validating a plan, running it for real, and deriving
// the comparison from the attempts.
//
// [SECTION] Validation
// [SECTION] Running
// [SECTION] Deriving the table
#include "parviz/sweep.hpp"

#include "parviz/run.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <sched.h>
#include <set>
#include <unistd.h>

namespace parviz {

// =============================================================================
// [SECTION] Validation
// =============================================================================

void validateSweep(const Scenario& s, const SweepPlan& plan) {
    const std::string src = s.source.empty() ? s.name : s.source;
    if (!kindInfo(s.kind).pooled)
        throw ScenarioError(src + ": kind: a sweep needs a pool scenario, this one is " + toString(s.kind));
    if (s.tasks.empty()) throw ScenarioError(src + ": tasks: a sweep needs at least one task");
    auto bad = [](const std::string& field, const std::string& why) { throw ScenarioError("sweep: " + field + ": " + why); };
    if (plan.workers.empty()) bad("workers", "the list is empty");
    if (plan.works.empty()) bad("work", "the list is empty");
    if (plan.chunksizes.empty()) bad("chunksize", "the list is empty");
    std::set<int> seen;
    for (int w : plan.workers) {
        if (w < 1 || w > kMaxWorkers) bad("workers", std::to_string(w) + " is not between 1 and " + std::to_string(kMaxWorkers));
        if (!seen.insert(w).second) bad("workers", std::to_string(w) + " is listed twice");
    }
    if (plan.repeat < 1 || plan.repeat > kMaxSweepRepeat) bad("repeat", "must be between 1 and 100");
    if (plan.retries < 0 || plan.retries > kMaxSweepRetries) bad("retries", "must be between 0 and 10");
    for (const auto& c : plan.chunksizes)
        if (c && (*c < 1 || *c > kMaxTasks)) bad("chunksize", "must be auto or between 1 and 1000000");
    if (plan.timeScale && (*plan.timeScale < kMinTimeScale || *plan.timeScale > kMaxTimeScale))
        bad("time_scale", "must be between 0.001 and 100");
}

SweepRow plannedSweepRow(const Scenario& sc, int workers, WorkKind work, std::optional<std::size_t> chunksize,
                         int usableCores, double timeScale) {
    SweepRow row;
    row.workers = workers;
    row.work = work;
    row.chunksize = chunksize;
    Scenario s = sc;
    s.chunksize = chunksize;
    const Prediction p = predictPoolMakespan(s, workers, work, usableCores);
    row.chunksizeUsed = p.chunksize;
    row.predictedS = p.makespanSeconds * timeScale;
    return row;
}

// =============================================================================
// [SECTION] Running
// =============================================================================

namespace {

// len(os.sched_getaffinity(0)), as the Recorder counts them.
int usableCores() noexcept {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return std::max(1, CPU_COUNT(&set));
}

std::string savedRunName(const Scenario& s, const SweepRow& row, int repeat, int attempt) {
    return s.name + "-" + toString(row.work) + "-w" + std::to_string(row.workers) + "-c" +
           chunksizeLabel(row.chunksize) + "-r" + std::to_string(repeat) + "-a" + std::to_string(attempt) +
           ".parviz-run";
}

// One real run of a configuration; throws SweepError when it fails.
SweepAttempt runOnce(const Scenario& sc, const SweepPlan& plan, const SweepRow& row, int repeat, int attempt) {
    Scenario s = sc;
    s.chunksize = row.chunksize;
    RunOptions opts;
    opts.workers = row.workers;
    opts.work = row.work;
    opts.timeScale = plan.timeScale;
    opts.cores = plan.cores;
    Run run(std::move(s), opts);
    run.start();
    run.wait();
    auto trace = run.trace();
    const std::string what = std::to_string(row.workers) + (row.workers == 1 ? " worker, " : " workers, ") + toString(row.work) + " work, chunksize " +
                             chunksizeLabel(row.chunksize);
    if (run.status() != RunStatus::Finished) {
        auto f = run.failures();
        throw SweepError("the run with " + what + " failed: " + (f.empty() ? toString(run.status()) : f.front()));
    }
    const RunStats st = computeStats(*trace);
    SweepAttempt a;
    a.repeat = repeat;
    a.attempt = attempt;
    a.makespanS = static_cast<double>(st.makespanNs) / 1e9;
    a.sequentialS = static_cast<double>(st.sequentialNs) / 1e9;
    a.machine = st.machine;
    if (!plan.saveRunsDir.empty()) {
        a.savedAs = plan.saveRunsDir + "/" + savedRunName(sc, row, repeat, attempt);
        try {
            saveTrace(*trace, a.savedAs);
        } catch (const std::exception& e) {
            throw SweepError(std::string("--save-runs: ") + e.what());
        }
    }
    return a;
}

} // namespace

std::size_t keptAttempt(const std::vector<BusyVerdict>& as) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < as.size(); ++i) {
        if (as[i].busy != true) return i;
        if (as[i].otherShare.value_or(1) < as[best].otherShare.value_or(1)) best = i;
    }
    return best;
}

SweepResult runSweep(const Scenario& sc, const SweepPlan& plan, const std::function<void(const SweepProgress&)>& progress) {
    validateSweep(sc, plan);
    const auto t0 = std::chrono::steady_clock::now();
    SweepResult r;
    r.scenario = sc.name;
    r.title = sc.title;
    r.tasks = sc.tasks.size();
    r.timeScale = plan.timeScale.value_or(sc.timeScale);
    r.repeat = plan.repeat;
    r.retries = plan.retries;
    r.totalCores = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
    r.usableCores = usableCores();
    for (WorkKind w : plan.works)
        for (const auto& c : plan.chunksizes)
            for (int n : plan.workers) {
                r.rows.push_back(plannedSweepRow(sc, n, w, c, r.usableCores, r.timeScale));
            }
    const int total = static_cast<int>(r.rows.size());
    for (int i = 0; i < total; ++i) {
        SweepRow& row = r.rows[static_cast<std::size_t>(i)];
        for (int rep = 1; rep <= plan.repeat; ++rep) {
            const std::size_t from = row.attempts.size();
            for (int att = 1; att <= 1 + plan.retries; ++att) {
                if (progress) progress({i + 1, total, &row, rep, att, false, nullptr});
                row.attempts.push_back(runOnce(sc, plan, row, rep, att));
                if (progress) progress({i + 1, total, &row, rep, att, true, &row.attempts.back()});
                // Again only while the cores were taken from it and it needs
                // them: a sleeping worker needs no core, so a busy sleep run's
                // timing holds (the report says so) and another run of it
                // would only make the sweep longer.
                if (row.attempts.back().machine.busy != true || row.work == WorkKind::Sleep) break;
            }
            std::vector<BusyVerdict> verdicts;
            for (std::size_t k = from; k < row.attempts.size(); ++k) verdicts.push_back(row.attempts[k].machine);
            row.attempts[from + keptAttempt(verdicts)].kept = true;
        }
    }
    deriveSweep(r);
    r.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

// =============================================================================
// [SECTION] Deriving the table
// =============================================================================

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

void deriveRow(SweepRow& row) {
    std::vector<double> kept;
    bool anyBusy = false, anyUnknown = false;
    row.otherShare.reset();
    for (const SweepAttempt& a : row.attempts) {
        if (!a.kept) continue;
        kept.push_back(a.makespanS);
        row.sequentialS = a.sequentialS;
        if (a.machine.busy == true) anyBusy = true;
        if (!a.machine.busy) anyUnknown = true;
        if (a.machine.otherShare) row.otherShare = std::max(row.otherShare.value_or(0), *a.machine.otherShare);
    }
    row.busy = anyBusy ? std::optional<bool>(true) : anyUnknown || kept.empty() ? std::nullopt : std::optional<bool>(false);
    row.makespanS = median(kept);
    row.makespanMinS = kept.empty() ? 0 : *std::min_element(kept.begin(), kept.end());
    row.makespanMaxS = kept.empty() ? 0 : *std::max_element(kept.begin(), kept.end());
    row.speedupVsSequential = row.makespanS > 0 ? row.sequentialS / row.makespanS : 0;
}

} // namespace

void deriveSweep(SweepResult& r) {
    for (SweepRow& row : r.rows) deriveRow(row);
    // Speedup over the 1-worker row of the same work and chunksize.
    for (SweepRow& row : r.rows) {
        row.speedupVs1.reset();
        row.efficiency.reset();
        for (const SweepRow& base : r.rows)
            if (base.workers == 1 && base.work == row.work && base.chunksize == row.chunksize && base.makespanS > 0 &&
                row.makespanS > 0) {
                row.speedupVs1 = base.makespanS / row.makespanS;
                row.efficiency = *row.speedupVs1 / row.workers;
            }
    }
    // The Amdahl fit, for cpu work only: sleeping workers have no serial part
    // to speak of; they get the predicted curve instead.
    r.fits.clear();
    std::map<std::optional<std::size_t>, std::vector<SpeedupPoint>> cpu;
    std::vector<std::optional<std::size_t>> order;
    // Timings flagged busy (the point's or its 1-worker reference's) are not
    // comparable: they stay out of the fit, and the fit says how many.
    std::map<std::optional<std::size_t>, int> busyLeftOut;
    for (const SweepRow& row : r.rows) {
        if (row.work != WorkKind::Cpu) continue;
        if (!cpu.count(row.chunksize)) order.push_back(row.chunksize);
        auto& pts = cpu[row.chunksize];
        if (!row.speedupVs1) continue;
        const bool baseBusy = std::any_of(r.rows.begin(), r.rows.end(), [&](const SweepRow& b) {
            return b.workers == 1 && b.work == row.work && b.chunksize == row.chunksize && b.busy == true;
        });
        if (row.busy == true || baseBusy) {
            if (row.workers >= 2 && row.workers <= r.usableCores) ++busyLeftOut[row.chunksize];
            continue;
        }
        pts.push_back({row.workers, *row.speedupVs1});
    }
    for (const auto& c : order) r.fits.push_back({WorkKind::Cpu, c, fitAmdahl(cpu[c], r.usableCores), busyLeftOut[c]});
}

} // namespace parviz
