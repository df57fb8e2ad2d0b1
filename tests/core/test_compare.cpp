// The Compare view's model without a window: rows in worker order on one
// shared axis, speedup and efficiency points with whiskers from repeats, the
// ideal line, the cores mark, the predicted and Amdahl curves, the axes'
// ticks; and compareRunOf on a real pool run.
#include "parviz/compare.hpp"
#include "parviz/chunks.hpp"
#include "parviz/predict.hpp"
#include "parviz/run.hpp"
#include "parviz/sweep.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace parviz;

namespace {

CompareRun runOf(int id, int workers, WorkKind work, double makespanS, std::optional<double> predictedS = {},
                 std::optional<bool> busy = false) {
    CompareRun r;
    r.id = id;
    r.scenario = "synthetic";
    r.workers = workers;
    r.work = work;
    r.finished = true;
    r.makespanS = makespanS;
    r.sequentialS = 4;
    r.predictedS = predictedS;
    r.machine.busy = busy;
    r.machine.otherShare = busy == true ? std::optional<double>(0.4) : std::optional<double>(0.01);
    return r;
}

const PlotSeries& seriesOf(const Plot& p, WorkKind w) {
    for (const PlotSeries& s : p.series)
        if (s.work == w) return s;
    FAIL("no series for " << toString(w));
    return p.series.front();
}

} // namespace

TEST_CASE("compare rows go by work kind then worker count, labelled, on an axis as long as the longest run",
          "[compare]") {
    const std::vector<CompareRun> runs = {runOf(7, 4, WorkKind::Cpu, 1.53, 1.0), runOf(3, 1, WorkKind::Cpu, 4.0, 4.0),
                                          runOf(5, 2, WorkKind::Sleep, 2.1, 2.0), runOf(9, 1, WorkKind::Sleep, 4.2, 4.5)};
    const CompareView v = buildCompareView(runs, 2, 2);
    REQUIRE(v.rows.size() == 4);
    CHECK(v.rows[0].id == 9);   // sleep 1
    CHECK(v.rows[1].id == 5);   // sleep 2
    CHECK(v.rows[2].id == 3);   // cpu 1
    CHECK(v.rows[3].id == 7);   // cpu 4
    CHECK(v.rows[3].label == "4 workers · cpu · 1.53 s");
    CHECK(v.rows[0].label == "1 worker · sleep · 4.20 s");
    CHECK(v.rows[0].predictedS == Approx(4.5));
    // cpu work on more workers than cores says so; sleep work needs no core.
    CHECK(v.rows[3].oversubscribed == "oversubscribed: 4 workers on 2 cores");
    CHECK(v.rows[2].oversubscribed.empty());
    CHECK(v.rows[1].oversubscribed.empty());
    // The longest of makespans and predictions: a shorter run is a shorter row.
    CHECK(v.axisEndS == Approx(4.5));
}

TEST_CASE("speedup and efficiency points come from the 1-worker run, with the ideal line and the cores mark",
          "[compare]") {
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0),
                                          runOf(3, 4, WorkKind::Sleep, 1.25), runOf(4, 8, WorkKind::Sleep, 0.8)};
    const CompareView v = buildCompareView(runs, 2, 2);
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Sleep);
    REQUIRE(s.measured.size() == 4);
    CHECK(s.measured[0].x == 1);
    CHECK(s.measured[0].y == Approx(1));
    CHECK(s.measured[2].x == 4);
    CHECK(s.measured[2].y == Approx(3.2));
    CHECK(s.measured[3].y == Approx(5.0));
    const PlotSeries& e = seriesOf(v.efficiency, WorkKind::Sleep);
    CHECK(e.measured[2].y == Approx(0.8));
    CHECK(e.measured[3].y == Approx(5.0 / 8));
    // Ideal: S = N at every whole N from 1 to the largest worker count; efficiency 1.
    REQUIRE(v.speedup.ideal.size() == 8);
    for (const auto& [x, y] : v.speedup.ideal) CHECK(y == Approx(x));
    CHECK(v.speedup.ideal.back().first == 8);
    CHECK(v.efficiency.ideal.back().second == 1);
    REQUIRE(v.speedup.coresX);
    CHECK(*v.speedup.coresX == 2);
    // log2 workers axis: 1, 2, 4, 8 equally spaced.
    REQUIRE(v.speedup.x.ticks.size() == 4);
    CHECK(v.speedup.x.ticks[3].second == "8");
    CHECK(axisFraction(v.speedup.x, 2) == Approx(1.0 / 3));
    CHECK(axisFraction(v.speedup.x, 8) == Approx(1));
    // The speedup axis is log2 too (log-log), from 1 up to the largest
    // worker count, ticks at the powers of two.
    CHECK(v.speedup.y.log2);
    CHECK(v.speedup.y.min == 1);
    CHECK(v.speedup.y.max >= 8);
    REQUIRE(v.speedup.y.ticks.size() == 4);
    CHECK(v.speedup.y.ticks.front().second == "1");
    CHECK(v.speedup.y.ticks.back().second == "8");
}

// Where a data point lands in a w x h frame, in screen pixels (y down), as
// the Plots panel maps it.
std::pair<double, double> onScreen(const Plot& p, double x, double y, double w = 400, double h = 250) {
    return {axisFraction(p.x, x) * w, h - axisFraction(p.y, y) * h};
}

// How far the middle point is from the straight line through the other two, in px.
double offLine(std::pair<double, double> a, std::pair<double, double> m, std::pair<double, double> b) {
    const double dx = b.first - a.first, dy = b.second - a.second;
    return std::abs(dx * (m.second - a.second) - dy * (m.first - a.first)) / std::hypot(dx, dy);
}

TEST_CASE("the ideal lines are drawn straight: speedup's a diagonal (log-log), efficiency's level at 1", "[compare]") {
    // Newcomer finding: on the log workers axis with a linear speedup axis
    // the ideal S = N bent into a curve, which a class reads as "not ideal".
    for (int maxN : {8, 9, 64}) {
        std::vector<CompareRun> runs;
        for (int n = 1, id = 1; n <= maxN; n = n * 2 > maxN && n < maxN ? maxN : n * 2, ++id)
            runs.push_back(runOf(id, n, WorkKind::Sleep, 4.0 / std::min(n, 5)));
        const CompareView v = buildCompareView(runs, 2, 2);
        INFO(maxN << " workers");
        const PlotLine& ideal = v.speedup.ideal;
        REQUIRE(ideal.size() >= 3);
        const auto a = onScreen(v.speedup, ideal.front().first, ideal.front().second);
        const auto b = onScreen(v.speedup, ideal.back().first, ideal.back().second);
        for (const auto& [x, y] : ideal) CHECK(offLine(a, onScreen(v.speedup, x, y), b) < 0.5);
        // Its whole length inside the frame: from (1, 1) to the largest count.
        CHECK(axisFraction(v.speedup.y, ideal.back().second) <= 1 + 1e-9);
        CHECK(axisFraction(v.speedup.y, ideal.front().second) >= -1e-9);
        // Efficiency's ideal: one height (100 %) across the plot.
        const PlotLine& e = v.efficiency.ideal;
        REQUIRE(e.size() >= 2);
        CHECK(e.front().first == 1);
        CHECK(e.back().first == maxN);
        for (const auto& [x, y] : e) CHECK(onScreen(v.efficiency, x, y).second == Approx(onScreen(v.efficiency, 1, 1).second));
        CHECK_FALSE(v.efficiency.y.log2);
    }
}

TEST_CASE("a speedup under 1 stretches the log axis down to the power of two under it", "[compare]") {
    // 4 cpu workers on a busy machine: 0.63x, whisker down to 0.4x.
    std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, 4.0), runOf(2, 4, WorkKind::Cpu, 6.4),
                                    runOf(3, 4, WorkKind::Cpu, 10.0), runOf(4, 4, WorkKind::Cpu, 6.0)};
    const CompareView v = buildCompareView(runs, 2, 2);
    CHECK(v.speedup.y.min == 0.25);
    REQUIRE_FALSE(v.speedup.y.ticks.empty());
    CHECK(v.speedup.y.ticks.front().second == "0.25");
    for (const PlotPoint& p : seriesOf(v.speedup, WorkKind::Cpu).measured) {
        CHECK(axisFraction(v.speedup.y, p.yMin) >= 0);
        CHECK(axisFraction(v.speedup.y, p.yMax) <= 1);
    }
}

TEST_CASE("repeated runs of one configuration give a median point with min–max whiskers", "[compare]") {
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, 4.0), runOf(2, 2, WorkKind::Cpu, 2.0),
                                          runOf(3, 2, WorkKind::Cpu, 2.5), runOf(4, 2, WorkKind::Cpu, 2.2)};
    const CompareView v = buildCompareView(runs, 2, 2);
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Cpu);
    REQUIRE(s.measured.size() == 2);
    CHECK(s.measured[1].runs == 3);
    CHECK(s.measured[1].y == Approx(4.0 / 2.2));
    CHECK(s.measured[1].yMin == Approx(4.0 / 2.5));
    CHECK(s.measured[1].yMax == Approx(4.0 / 2.0));
    // The CSV has one line per configuration.
    const std::string csv = sweepToCsv(v.sweep);
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
}

TEST_CASE("cpu runs get the Amdahl curve of the fitted serial fraction; the predicted curve is predicted(1)/predicted(N)",
          "[compare]") {
    // Exact Amdahl points for s = 0.1 on 4 usable cores; an oversubscribed 8 left out of the fit.
    auto t = [](double n) { return 10.0 * (0.1 + 0.9 / n); };
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, t(1), 10.0), runOf(2, 2, WorkKind::Cpu, t(2), 5.0),
                                          runOf(3, 4, WorkKind::Cpu, t(4), 2.5), runOf(4, 8, WorkKind::Cpu, 9.0, 2.5)};
    const CompareView v = buildCompareView(runs, 4, 4);
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Cpu);
    REQUIRE(s.serialFraction);
    CHECK(*s.serialFraction == Approx(0.1).margin(0.01));
    CHECK(s.fitPoints == 2);
    REQUIRE(s.amdahl.size() == 8);
    CHECK(s.amdahl[3].second == Approx(1 / (0.1 + 0.9 / 4)).margin(0.05));
    // Beyond the 4 usable cores CPU work gains nothing: the curve stays at its
    // 4-core value (Amdahl's law with min(N, cores) processors).
    CHECK(s.amdahl[7].second == Approx(s.amdahl[3].second));
    // Predicted at the measured worker counts: 1 at N = 1, 10/5 = 2 at N = 2, 10/2.5 = 4 at N = 4 and 8.
    REQUIRE(s.predicted.size() == 4);
    CHECK(s.predicted[0].second == Approx(1));
    CHECK(s.predicted[1].second == Approx(2));
    CHECK(s.predicted[2].first == 4);
    CHECK(s.predicted[2].second == Approx(4));
    REQUIRE_FALSE(v.speedup.notes.empty());
    // In plain words, the standard term and the fraction in its tooltip (issue 11).
    CHECK(v.speedup.notes.front().find("about 10 % of the time stayed serial") != std::string::npos);
    // Whose time it is: a pool scenario's tasks have no serial part (newcomer walk, session 24).
    CHECK(v.speedup.notes.front().find("the tasks have no serial part, so it is the run's own cost") != std::string::npos);
    CHECK(v.speedup.notes.front().find("% of the cores)") == std::string::npos);   // parviz's own share unmeasured here
    SECTION("parviz's own threads' share of a kept cpu run is said with the serial part") {
        std::vector<CompareRun> drawn = runs;
        drawn[1].machine.parvizShare = 0.07;   // the window drew while the 2 workers ran
        drawn[2].machine.parvizShare = 0.01;
        const CompareView d = buildCompareView(drawn, 4, 4);
        REQUIRE_FALSE(d.speedup.notes.empty());
        CHECK(d.speedup.notes.front().find("parviz drawing (up to 7 % of the cores)") != std::string::npos);
    }
    REQUIRE(v.speedup.noteTips.size() == v.speedup.notes.size());
    CHECK(v.speedup.noteTips.front().find("Amdahl's law") != std::string::npos);
    CHECK(v.speedup.noteTips.front().find("s = 0.1") != std::string::npos);
}

TEST_CASE("the predicted line has a point at each worker count that was run, none between, and is named so",
          "[compare]") {
    // Newcomer finding: the predicted sleep curve was a staircase through 5,
    // 6 and 7 workers, sizes no one ran (8 equal tasks take 2 rounds on 4 to
    // 7 workers). A predictor fills a run that carries no prediction (the 2).
    auto rounds = [](int n) { return std::ceil(8.0 / n) * 0.5; };
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.1, rounds(1)), runOf(2, 2, WorkKind::Sleep, 2.1),
                                          runOf(3, 4, WorkKind::Sleep, 1.1, rounds(4)),
                                          runOf(4, 8, WorkKind::Sleep, 0.6, rounds(8))};
    int asked = 0;
    const CompareView v = buildCompareView(runs, 2, 2, [&](int n, std::optional<WorkKind>) {
        ++asked;
        return std::optional<double>(rounds(n));
    });
    CHECK(asked > 0);
    for (const Plot* p : {&v.speedup, &v.efficiency}) {
        const PlotSeries& s = seriesOf(*p, WorkKind::Sleep);
        INFO(p->title);
        REQUIRE(s.predicted.size() == s.measured.size());
        for (std::size_t i = 0; i < s.predicted.size(); ++i) CHECK(s.predicted[i].first == s.measured[i].x);
        // Plain words (issue 11: was "predicted at the sizes run"), named apart from
        // the class's prediction and the rows' "model's makespan" (session 24's walk).
        CHECK(p->predictedName == (p == &v.speedup ? "model's speedup" : "model's efficiency"));
    }
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Sleep);
    CHECK(s.predicted[1].second == Approx(2));   // the predictor's, for the run without one
    CHECK(s.predicted[2].second == Approx(4));
    CHECK(s.predicted[3].second == Approx(8));
}

TEST_CASE("busy, unknown and unfinished runs say so in their rows and stay out of the plots", "[compare]") {
    CompareRun running = runOf(4, 2, WorkKind::Sleep, 0.5);
    running.finished = false;
    CompareRun unknown = runOf(5, 4, WorkKind::Sleep, 1.0, {}, std::nullopt);
    unknown.machine.otherShare.reset();
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0, {}, true), running, unknown};
    const CompareView v = buildCompareView(runs, 2, 2);
    REQUIRE(v.rows.size() == 3);
    CHECK(v.rows[0].busyNote.find("busy") != std::string::npos);
    CHECK(v.rows[0].busyNote.find("40 %") != std::string::npos);
    // A sleep run: the busy note is plain, no warning (session 21: sleeping workers need no core).
    CHECK(v.rows[0].busyShort == "others took 40 %, but sleep needs no core");
    CHECK_FALSE(v.rows[0].busyWarn);
    CHECK(v.rows[0].busy == true);
    const CompareView cpu = buildCompareView({runOf(1, 1, WorkKind::Cpu, 4.0, {}, true)}, 2, 2);
    CHECK(cpu.rows[0].busyShort == "machine busy: others took 40 %");
    CHECK(cpu.rows[0].busyWarn);
    CHECK(v.rows[1].label == "2 workers · sleep · running");
    // Why, on the row itself (session 22: "busy: unknown" alone, the why in a tooltip).
    CHECK(v.rows[2].busyShort == "busy: unknown (not measured)");
    CHECK(v.rows[2].busyNote.starts_with("busy: unknown: "));   // and why, in its tooltip (describeUnjudged)
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Sleep);
    CHECK(s.measured.size() == 2);   // 1 and 4 workers; the running one is not a point
    CHECK(s.measured[0].busy == true);
}

// Newcomer walk, session 29: the busy 1-worker cpu run made every cpu
// speedup a measure of the machine, yet the quiet 8-worker point was solid.
TEST_CASE("cpu points measured against a busy 1-worker run are drawn as busy; sleep points are not", "[compare]") {
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, 4.0, {}, true), runOf(2, 8, WorkKind::Cpu, 2.0),
                                          runOf(3, 1, WorkKind::Sleep, 4.0, {}, true), runOf(4, 8, WorkKind::Sleep, 0.5)};
    const CompareView v = buildCompareView(runs, 2, 2);
    const PlotSeries& cpu = seriesOf(v.speedup, WorkKind::Cpu);
    REQUIRE(cpu.measured.size() == 2);
    CHECK(cpu.measured[1].busy == true);   // quiet itself, its speedup is over the busy run
    CHECK(cpu.measured[1].baseBusy);
    CHECK_FALSE(cpu.measured[0].baseBusy);   // the busy 1-worker run is busy itself
    const PlotSeries& eff = seriesOf(v.efficiency, WorkKind::Cpu);
    REQUIRE(eff.measured.size() == 2);
    CHECK(eff.measured[1].busy == true);
    const PlotSeries& sleep = seriesOf(v.speedup, WorkKind::Sleep);
    REQUIRE(sleep.measured.size() == 2);
    CHECK(sleep.measured[1].busy == false);   // sleeping workers need no core: their timing holds
    const CompareView quiet = buildCompareView({runOf(1, 1, WorkKind::Cpu, 4.0), runOf(2, 8, WorkKind::Cpu, 2.0)}, 2, 2);
    CHECK(seriesOf(quiet.speedup, WorkKind::Cpu).measured[1].busy == false);
    // Its base is the 1-worker run of its own chunksize (as its speedup's), not another's.
    CompareRun busy1 = runOf(1, 1, WorkKind::Cpu, 4.0, {}, true), quiet1 = runOf(2, 1, WorkKind::Cpu, 4.0),
               eight = runOf(3, 8, WorkKind::Cpu, 2.0);
    busy1.chunksize = 1;
    quiet1.chunksize = eight.chunksize = 4;
    const CompareView chunks = buildCompareView({quiet1, eight, busy1}, 2, 2);
    bool sawEight = false;
    for (const PlotPoint& p : seriesOf(chunks.speedup, WorkKind::Cpu).measured)
        if (p.x == 8) {
            sawEight = true;
            CHECK(p.busy == false);
            CHECK(p.y == Approx(2.0));
        }
    CHECK(sawEight);
}

TEST_CASE("cpu runs on a busy machine get no Amdahl curve, and a note says why", "[compare]") {
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, 4.0), runOf(2, 2, WorkKind::Cpu, 2.5, {}, true)};
    const CompareView v = buildCompareView(runs, 2, 2);
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Cpu);
    CHECK(s.amdahl.empty());
    REQUIRE(v.speedup.notes.size() == 1);
    // Plain words (issue 11: a student does not know "no Amdahl fit"), the standard term in the note's tooltip.
    CHECK(v.speedup.notes[0] == "cpu: no curve of how much of the work stays serial: the 1 run with 2 workers was on a busy machine");
    REQUIRE(v.speedup.noteTips.size() == v.speedup.notes.size());
    CHECK_THAT(v.speedup.noteTips[0], Catch::Contains("Amdahl's law"));
    for (const std::string& n : v.speedup.notes) CHECK(n.find("Amdahl") == std::string::npos);
}

TEST_CASE("compareRunOf reads a real pool run: workers, work, makespan, prediction", "[compare]") {
    Scenario sc = loadScenario("pool");
    RunOptions o;
    o.workers = 2;
    o.work = WorkKind::Sleep;
    o.timeScale = 0.05;
    Run run(sc, o);
    run.start();
    REQUIRE(run.wait(60));
    RunModel m;
    m.update(*run.trace());
    const CompareRun r = compareRunOf(11, m, *run.trace(), &sc);
    CHECK(r.id == 11);
    CHECK(r.workers == 2);
    REQUIRE(r.work);
    CHECK(*r.work == WorkKind::Sleep);
    CHECK(r.finished);
    // Pool(2).map over A=5, B=2, C=1, D=3: 6 s predicted, times 0.05.
    REQUIRE(r.predictedS);
    CHECK(*r.predictedS == Approx(0.3));
    CHECK(r.makespanS >= 0.29);
    CHECK(r.makespanS < 1.0);
    // The row starts at the first task, where the makespan starts: the last task ends makespan later.
    std::int64_t lastEnd = 0;
    for (const TaskRecord& t : m.tasks()) lastEnd = std::max(lastEnd, t.t1);
    CHECK(static_cast<double>(lastEnd - r.originNs) / 1e9 == Approx(r.makespanS).margin(1e-6));
    CHECK(r.originNs > run.trace()->zero());
}

TEST_CASE("the Compare view's CSV says the chunksize the pool used, as parviz sweep's does", "[compare][sweep]") {
    // The window's Export CSV wrote chunksize_used 0 on every row while
    // `parviz sweep --csv` said 4: both now take it from plannedSweepRow.
    Scenario sc = loadScenario("pool-uneven");
    const PoolMethod method = GENERATE(PoolMethod::Map, PoolMethod::Imap);
    CAPTURE(toString(method));
    sc.method = method;
    RunOptions o;
    o.workers = 2;
    o.work = WorkKind::Sleep;
    o.timeScale = 0.02;
    Run run(sc, o);
    run.start();
    REQUIRE(run.wait(60));
    RunModel m;
    m.update(*run.trace());
    const CompareRun r = compareRunOf(1, m, *run.trace(), &sc);
    REQUIRE(r.finished);
    const CompareView v = buildCompareView({r}, 2, 2);
    REQUIRE(v.sweep.rows.size() == 1);
    const SweepRow planned = plannedSweepRow(sc, 2, WorkKind::Sleep, std::nullopt, 2, 0.02);
    // 28 tasks on 2 workers: map's ceil(28 / 8) = 4; imap's CPython default 1.
    CHECK(planned.chunksizeUsed == (method == PoolMethod::Map ? 4u : 1u));
    CHECK(v.sweep.rows[0].chunksizeUsed == planned.chunksizeUsed);
    // The measured chunks agree: every chunk the run's workers took has that many tasks (the last may be short).
    for (const ChunkRecord& c : m.chunks()) CHECK(c.count <= planned.chunksizeUsed);
    const std::string csv = sweepToCsv(v.sweep);
    CHECK_THAT(csv, Catch::Contains(",2,auto," + std::to_string(planned.chunksizeUsed) + ","));
}

TEST_CASE("the class's predictions stand beside the measured answers: on their row and in words", "[compare]") {
    // LESSON step 2-3: "with 4 workers, how long?" and "how many workers are
    // enough?" asked before the sweep, revealed beside the result.
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0),
                                          runOf(3, 4, WorkKind::Sleep, 1.0), runOf(4, 1, WorkKind::Cpu, 4.0),
                                          runOf(5, 2, WorkKind::Cpu, 2.05)};
    ClassPredictions guesses;
    guesses.makespans.push_back({4, WorkKind::Sleep, 6.0});    // longer than any run: the axis stretches to it
    guesses.makespans.push_back({8, WorkKind::Sleep, 0.5});    // no run of 8 workers (yet)
    guesses.enough.push_back({WorkKind::Sleep, 2});
    guesses.enough.push_back({WorkKind::Cpu, 2});
    const CompareView v = buildCompareView(runs, 2, 2, {}, guesses);
    REQUIRE(v.rows.size() == 5);
    const CompareRow& four = v.rows[2];
    REQUIRE(four.workers == 4);
    REQUIRE(four.guessS);
    CHECK(*four.guessS == Approx(6.0));
    CHECK(four.guessText == "you predicted 6.00 s: it took 1.00 s, off by 5.00 s, 500 % too long");
    for (const CompareRow& r : v.rows)
        if (r.id != 3) CHECK_FALSE(r.guessS);
    CHECK(v.axisEndS == Approx(6.0));
    REQUIRE(v.guesses.size() == 4);
    CHECK(v.guesses[0].full == "You predicted 4 workers · sleep: 6.00 s. It took 1.00 s: off by 5.00 s, 500 % too long.");
    CHECK(v.guesses[0].answered);
    CHECK_FALSE(v.guesses[0].right);
    CHECK(v.guesses[1].full == "You predicted 8 workers · sleep: 0.50 s (the answer when its run ends).");
    CHECK_FALSE(v.guesses[1].answered);
    // Sleep: 4 workers were fastest (4x), so "2 are enough" was not it; cpu: 2 are enough (1.95x), right.
    CHECK(v.guesses[2].full == "You predicted for sleep: 2 workers are enough. The sweep: 4 (not this time).");
    CHECK(v.guesses[3].full == "You predicted for cpu: 2 workers are enough. The sweep: 2 (right).");
    CHECK(v.guesses[3].right);
    CHECK(v.guesses[3].brief == "cpu: you said 2, the sweep 2 (right)");
    // A small panel puts an "enough" guess on its answer's line, the makespan on a short line of its own.
    CHECK(v.guesses[3].enoughFor == WorkKind::Cpu);
    CHECK(v.guesses[3].tail == "you said 2 (right)");
    CHECK(v.guesses[2].tail == "you said 2 (not this time)");
    CHECK(v.guesses[0].brief == "Pool(4) sleep: you 6.00 s, took 1.00 s");
    CHECK_FALSE(v.guesses[0].enoughFor);
}

TEST_CASE("while the sweep still has runs to do, no prediction gets a verdict, only when it has ended", "[compare]") {
    // Mid-sweep the 1, 2 and 4-worker runs are in: "8 are enough" would read
    // "not this time" though the 8-worker run, still to come, may be fastest.
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0),
                                          runOf(3, 4, WorkKind::Sleep, 1.0)};
    ClassPredictions guesses;
    guesses.makespans.push_back({4, WorkKind::Sleep, 3.0});
    guesses.enough.push_back({WorkKind::Sleep, 8});
    const CompareView mid = buildCompareView(runs, 2, 2, {}, guesses, false);
    REQUIRE(mid.guesses.size() == 2);
    for (const GuessLine& g : mid.guesses) {
        INFO(g.full << " | " << g.brief << " | " << g.tail);
        CHECK_FALSE(g.answered);
        CHECK_FALSE(g.right);
        CHECK(g.tail.empty());
        CHECK(g.full.find("not this time") == std::string::npos);
        CHECK(g.full.find("off by") == std::string::npos);
        CHECK(g.full.find("(the answer when the sweep ends).") != std::string::npos);
    }
    REQUIRE(mid.rows.size() == 3);
    CHECK(mid.rows[2].guessText == "you predicted 3.00 s (the answer when the sweep ends)");
    // Issue 11 (classroom): "you: 3.00 s" stood on the 4-worker row mid-sweep, though README says
    // a prediction shows when the sweep has ended: no row carries its mark until then (its words
    // stay in the row's tooltip); the axis takes it in from the start, so the reveal moves nothing.
    for (const CompareRow& r : mid.rows) CHECK_FALSE(r.guessS);
    // The sweep over: each beside its answer.
    const CompareView done = buildCompareView(runs, 2, 2, {}, guesses, true);
    REQUIRE(done.rows.size() == 3);
    REQUIRE(done.rows[2].guessS);
    CHECK(*done.rows[2].guessS == Approx(3.0));
    CHECK(done.axisEndS == Approx(mid.axisEndS));
    CHECK(done.guesses[0].answered);
    CHECK(done.guesses[1].answered);
    CHECK(done.guesses[1].tail == "you said 8 (not this time)");
    // Nor does the sweep's own answer read as final while its kind has runs to come (newcomer walk:
    // "sleep: 4 workers were fastest (3.97x)" during the 8-worker run, then "8 workers were fastest").
    REQUIRE(mid.answers.size() == 1);
    CHECK(mid.answers[0].brief.rfind("so far, sleep: 4 workers", 0) == 0);
    CHECK(mid.answers[0].full.rfind("so far, with runs still to come: sleep:", 0) == 0);
    REQUIRE(done.answers.size() == 1);
    CHECK(done.answers[0].brief.rfind("sleep: 4 workers", 0) == 0);
    // A kind whose runs are all in is answered while the sweep goes on with another.
    const CompareView cpuNext = buildCompareView(runs, 2, 2, {}, guesses, false, {WorkKind::Cpu});
    REQUIRE(cpuNext.answers.size() == 1);
    CHECK(cpuNext.answers[0].brief.rfind("sleep: 4 workers", 0) == 0);
}

TEST_CASE("a busy cpu sweep answers no prediction, and says why", "[compare]") {
    const std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Cpu, 4.0), runOf(2, 2, WorkKind::Cpu, 2.5, {}, true)};
    ClassPredictions guesses;
    guesses.enough.push_back({WorkKind::Cpu, 1});
    const CompareView v = buildCompareView(runs, 2, 2, {}, guesses);
    REQUIRE(v.guesses.size() == 1);
    CHECK(v.guesses[0].full == "You predicted for cpu: 1 worker is enough. The sweep gives no cpu answer: other "
                               "programs took 40 %, none still open; Sweep cpu again.");
    CHECK(v.guesses[0].answered);
    CHECK_FALSE(v.guesses[0].right);
    // Its short answer says what to do once the sweep has ended (Compare's button then shows);
    // mid-sweep, only that it is busy so far (two lines in presentation's Plots beside the guesses).
    REQUIRE(v.answers.size() == 1);
    // (No program was named in this synthetic run: nothing to close.)
    CHECK(v.answers[0].brief == "cpu: no answer: other programs took 40 %, none still open; Sweep cpu again");
    const CompareView mid = buildCompareView(runs, 2, 2, {}, guesses, false, {WorkKind::Cpu});
    REQUIRE(mid.answers.size() == 1);
    CHECK(mid.answers[0].brief == "so far, cpu: no answer, machine busy (40 %)");
}

TEST_CASE("a retried run keeps its discarded attempts: its row says which was kept, the sweep counts them all",
          "[compare]") {
    CompareRun kept = runOf(2, 2, WorkKind::Cpu, 2.0);
    kept.attempt = 3;
    SweepAttempt a1, a2;
    a1.makespanS = 3.1;
    a1.machine.busy = true;
    a1.machine.otherShare = 0.34;
    a2.makespanS = 2.9;
    a2.machine.busy = true;
    a2.machine.otherShare = 0.41;
    kept.discarded = {a1, a2};
    const CompareView v = buildCompareView({runOf(1, 1, WorkKind::Cpu, 4.0), kept}, 2, 2);
    REQUIRE(v.rows.size() == 2);
    CHECK(v.rows[0].attempts.empty());
    CHECK(v.rows[0].attemptCount == 1);
    CHECK(v.rows[1].attempts == "kept attempt 3 of 3 (discarded: others took 34 %, 41 %)");
    CHECK(v.rows[1].attemptCount == 3);
    // The sweep (CSV, plots) has three attempts for the row, the third kept: its makespan is the row's.
    REQUIRE(v.sweep.rows.size() == 2);
    const SweepRow& row = v.sweep.rows[1];
    REQUIRE(row.attempts.size() == 3);
    CHECK_FALSE(row.attempts[0].kept);
    CHECK_FALSE(row.attempts[1].kept);
    CHECK(row.attempts[2].kept);
    CHECK(row.attempts[2].attempt == 3);
    CHECK(row.makespanS == Approx(2.0));
    CHECK(row.busy == false);
    CHECK(*row.speedupVs1 == Approx(2.0));
    CHECK(sweepToCsv(v.sweep).find(",3,0.34 0.41\n") != std::string::npos);
    // The plotted point is of the kept run alone: "1 run", not the 3 attempts (session 31).
    REQUIRE(v.speedup.series.size() >= 1);
    for (const PlotSeries& se : v.speedup.series)
        for (const PlotPoint& pt : se.measured)
            if (pt.x == 2) CHECK(pt.runs == 1);
    // In the window the discarded attempts are runs of the session: the rows'
    // numbers skip them ("run 4", "run 7"), so the note names them (session 28's check).
    kept.discarded[0].run = 5;
    kept.discarded[1].run = 6;
    const CompareView numbered = buildCompareView({runOf(1, 1, WorkKind::Cpu, 4.0), kept}, 2, 2);
    CHECK(numbered.rows[1].attempts == "kept attempt 3 of 3 (discarded runs 5, 6: others took 34 %, 41 %)");
    kept.discarded.pop_back();
    kept.attempt = 2;
    CHECK(buildCompareView({kept}, 2, 2).rows[0].attempts == "kept attempt 2 of 2 (discarded run 5: others took 34 %)");
}

TEST_CASE("the attempt kept is the first on a quiet machine, else the least busy", "[compare][sweep]") {
    BusyVerdict quiet{0.02, false}, busy34{0.34, true}, busy20{0.20, true}, unknown{std::nullopt, std::nullopt};
    CHECK(keptAttempt({quiet}) == 0);
    CHECK(keptAttempt({busy34, quiet, busy20}) == 1);
    CHECK(keptAttempt({busy34, busy20}) == 1);
    CHECK(keptAttempt({busy34, unknown}) == 1);
    CHECK(keptAttempt({}) == 0);
}

TEST_CASE("Session's speedup is over the 1-worker run of the same setup, 1.00x for that run, none without one",
          "[compare][session]") {
    // Newcomer walk: Session showed 0.87x for a 1-worker run (its cpu work's
    // wall time against the tasks' nominal seconds, named "over sequential").
    Scenario sc = loadScenario("pool");
    TraceMeta cpu;
    cpu.scenario = "pool";
    cpu.work = "cpu";
    cpu.timeScale = 0.2;
    TraceMeta sleep = cpu;
    sleep.work = "sleep";
    const std::string cpuKey = runSetupKey(sc, cpu), sleepKey = runSetupKey(sc, sleep);
    CHECK(cpuKey != sleepKey);
    TraceMeta faster = cpu;
    faster.timeScale = 0.1;
    CHECK(runSetupKey(sc, faster) != cpuKey);
    Scenario equal = withEqualJobs(sc, 16);   // "16 equal": the same total, other tasks
    CHECK(runSetupKey(equal, cpu) != cpuKey);
    const auto s = sessionSpeedups({{cpuKey, 1, 1.40}, {cpuKey, 2, 0.70}, {sleepKey, 2, 0.60}, {cpuKey, 4, 0},
                                    {cpuKey, 1, 1.20}});
    REQUIRE(s.size() == 5);
    REQUIRE(s[0]);
    CHECK(s[0]->speedup == Approx(1.0));   // the 1-worker run against itself
    CHECK(s[0]->base == 0);
    REQUIRE(s[1]);
    CHECK(s[1]->speedup == Approx(2.0));
    CHECK(s[1]->base == 0);
    CHECK_FALSE(s[2]);                      // no 1-worker sleep run: no number
    CHECK_FALSE(s[3]);                      // no makespan
    REQUIRE(s[4]);
    CHECK(s[4]->base == 0);                 // a second 1-worker run compares with the first
    CHECK(s[4]->speedup == Approx(1.40 / 1.20));
}

// Newcomer walk (session 19): two pool-uneven runs ticked among pool-sizes'
// were rows "2 workers 2.00 s" with nothing naming them, and the sleep
// speedup at 2 workers fell from 1.99x to 1.33x: a speedup over another
// scenario's runs. One setup is plotted; the others are rows of their own.
TEST_CASE("runs of another setup are rows labelled with what differs, left out of the plots and said so",
          "[compare][setup]") {
    std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0),
                                    runOf(3, 4, WorkKind::Sleep, 1.0), runOf(21, 2, WorkKind::Sleep, 3.0),
                                    runOf(22, 2, WorkKind::Sleep, 2.9)};
    for (CompareRun& r : runs) r.setup = "pool-sizes|1";
    runs[3].scenario = runs[4].scenario = "pool-uneven";
    runs[3].setup = runs[4].setup = "pool-uneven|1";
    runs[0].scenario = runs[1].scenario = runs[2].scenario = "pool-sizes";
    const CompareView v = buildCompareView(runs, 2, 2);
    REQUIRE(v.rows.size() == 5);
    for (const CompareRow& row : v.rows) {
        INFO(row.label);
        CHECK(row.label.rfind(row.id >= 21 ? "pool-uneven · " : "pool-sizes · ", 0) == 0);
    }
    CHECK(v.leftOut == std::vector<int>{21, 22});
    // Each row carries the number the note names it by (newcomer walk, session 20: the note
    // said "runs 21, 22" and no row said which it was).
    for (const CompareRow& row : v.rows) CHECK(row.run == "run " + std::to_string(row.id));
    const PlotSeries& s = seriesOf(v.speedup, WorkKind::Sleep);
    REQUIRE(s.measured.size() == 3);
    CHECK(s.measured[1].x == 2);
    CHECK(s.measured[1].y == Approx(2.0));   // 4.0 / 2.0: pool-sizes' own run, not 4.0 / 2.95
    REQUIRE_FALSE(v.speedup.notes.empty());
    CHECK(v.speedup.notes.front() == "Not in the plots (another setup than the 3 plotted runs'): runs 21, 22 (pool-uneven).");
    CHECK(v.speedup.notes.size() == v.speedup.noteTips.size());
}

TEST_CASE("runs at another time scale say it on their rows and are not plotted with the others", "[compare][setup]") {
    std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 4, WorkKind::Sleep, 1.0),
                                    runOf(3, 4, WorkKind::Sleep, 0.5)};
    runs[0].setup = runs[1].setup = "pool|1";
    runs[2].setup = "pool|0.5";
    runs[2].timeScale = 0.5;
    const CompareView v = buildCompareView(runs, 2, 2);
    for (const CompareRow& row : v.rows) {
        INFO(row.label);
        CHECK(row.label.rfind(row.id == 3 ? "time scale 0.50x · " : "time scale 1.00x · ", 0) == 0);
    }
    CHECK(v.leftOut == std::vector<int>{3});
    CHECK(seriesOf(v.speedup, WorkKind::Sleep).measured.size() == 2);
    CHECK(v.speedup.notes.front().find("run 3 (time scale 0.50x)") != std::string::npos);
}

TEST_CASE("runs of one setup: labels as before, nothing left out", "[compare][setup]") {
    std::vector<CompareRun> runs = {runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0)};
    for (CompareRun& r : runs) r.setup = "pool|1";
    const CompareView v = buildCompareView(runs, 2, 2);
    CHECK(v.rows[0].label == "1 worker · sleep · 4.00 s");
    CHECK(v.leftOut.empty());
    for (const std::string& n : v.speedup.notes) CHECK(n.find("Not in the plots") == std::string::npos);
}

TEST_CASE("one plotted run against one of another setup: the note says run, not runs", "[compare][setup]") {
    std::vector<CompareRun> runs = {runOf(1, 2, WorkKind::Sleep, 0.6), runOf(2, 2, WorkKind::Sleep, 1.2)};
    runs[0].setup = "pool|0.1";
    runs[0].timeScale = 0.1;
    runs[1].setup = "pool|0.2";
    runs[1].timeScale = 0.2;
    const CompareView v = buildCompareView(runs, 2, 2);
    CHECK(v.leftOut == std::vector<int>{1});   // a tie: the newest run's setup is plotted
    CHECK(v.speedup.notes.front() == "Not in the plots (another setup than the plotted run's): run 1 (time scale 0.10x).");
}

TEST_CASE("a run's plotted speedup is its point's: the 1-worker point's makespan over its row's; none off the plots",
          "[compare]") {
    CompareRun retried = runOf(6, 4, WorkKind::Cpu, 2.2);
    retried.attempt = 2;
    SweepAttempt busy;
    busy.makespanS = 3.0;
    busy.machine.busy = true;
    busy.machine.otherShare = 0.4;
    busy.run = 5;
    retried.discarded = {busy};
    const CompareView v = buildCompareView({runOf(1, 1, WorkKind::Sleep, 4.0), runOf(2, 2, WorkKind::Sleep, 2.0),
                                            runOf(3, 1, WorkKind::Cpu, 4.2), runOf(4, 2, WorkKind::Cpu, 2.3), retried},
                                           2, 2);
    const auto two = plottedSpeedupOf(v, 2);
    REQUIRE(two);
    CHECK(*two == Approx(2.0));
    const auto cpu2 = plottedSpeedupOf(v, 4);
    REQUIRE(cpu2);
    CHECK(*cpu2 == Approx(4.2 / 2.3));
    // The same number as the Plots' point.
    CHECK(*cpu2 == Approx(seriesOf(v.speedup, WorkKind::Cpu).measured[1].y));
    REQUIRE(plottedSpeedupOf(v, 3));
    CHECK(*plottedSpeedupOf(v, 3) == Approx(1.0));
    // The kept attempt has one; the discarded attempt (run 5) and a run not shown have none.
    REQUIRE(plottedSpeedupOf(v, 6));
    CHECK(*plottedSpeedupOf(v, 6) == Approx(4.2 / 2.2));
    CHECK_FALSE(plottedSpeedupOf(v, 5));
    CHECK_FALSE(plottedSpeedupOf(v, 42));
    // No 1-worker run of its work: no number.
    CHECK_FALSE(plottedSpeedupOf(buildCompareView({runOf(4, 2, WorkKind::Cpu, 2.3)}, 2, 2), 4));
    // Repeats: each run of a configuration says its point's (medians), as the Plots draw it.
    const CompareView twice = buildCompareView({runOf(1, 1, WorkKind::Sleep, 4.0), runOf(7, 1, WorkKind::Sleep, 4.4),
                                                runOf(2, 2, WorkKind::Sleep, 2.0), runOf(8, 2, WorkKind::Sleep, 2.4)},
                                               2, 2);
    REQUIRE(plottedSpeedupOf(twice, 2));
    REQUIRE(plottedSpeedupOf(twice, 8));
    CHECK(*plottedSpeedupOf(twice, 2) == Approx(4.2 / 2.2));
    CHECK(*plottedSpeedupOf(twice, 8) == Approx(4.2 / 2.2));
    CHECK(*plottedSpeedupOf(twice, 8) == Approx(seriesOf(twice.speedup, WorkKind::Sleep).measured[1].y));
}
