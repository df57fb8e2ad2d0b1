// RunView without a window: its caches of what the panels show (stats,
// chunk brackets, callouts) against a Trace the Collector appends to while
// the window draws.
#include "gui/run_view.hpp"
#include "parviz/scenario.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

using namespace parviz;
using parviz::gui::RunView;

namespace {
constexpr std::int64_t kT0 = 5'000'000'000;
std::int64_t at(double s) { return kT0 + static_cast<std::int64_t>(s * 1e9); }
} // namespace

TEST_CASE("a task's end appended between a frame's model update and its draw still reaches Stats and the chunk brackets",
          "[runview]") {
    // The race the window met (1 run in ~100): the Collector appended the
    // last TaskEnd after RunView::update() had fed the model, and before the
    // Stats panel asked for its numbers. Those were computed from the model
    // as it was, and cached under the Trace's new size, which then never
    // changed again: "3 of 4 tasks done" and the last chunk drawn open for good.
    auto tr = std::make_shared<Trace>();
    tr->addProcess({"MainProcess", ProcRole::Parent});
    tr->addProcess({"ForkPoolWorker-1", ProcRole::PoolWorker});
    tr->updateMeta([](TraceMeta& m) {
        m.scenario = "no-such-scenario-file.json";
        m.workers = 1;
    });
    const std::uint64_t name = tr->addString("A");
    tr->append(Event{at(0), 0, EventKind::RunStart, 0, 0, 2, 2});
    tr->append(Event{at(0.01), 1, EventKind::ProcStart, 0, 0, 4242, 0});
    tr->append(Event{at(0.02), 1, EventKind::TaskChunk, 0, 0, 0, 1});
    tr->append(Event{at(0.02), 1, EventKind::TaskStart, 0, 0, name, 1'000'000'000});
    auto v = RunView::fromTrace(1, tr, "growing.pvz");
    CHECK(v->statsAtCursor().tasksDone == 0);
    REQUIRE(v->chunks().items.size() == 1);
    CHECK(v->chunks().items[0].open);

    // The Collector appends the end of the run ...
    tr->append(Event{at(1.02), 1, EventKind::TaskEnd, 0, 0, name, 0});
    tr->append(Event{at(1.10), 1, EventKind::ProcExit, 0, 0, 0, 0});
    tr->append(Event{at(1.20), 0, EventKind::RunEnd, 0, 0, 0, 0});
    tr->updateMeta([](TraceMeta& m) { m.finished = true; });
    // ... and this frame draws before its model has read it.
    (void)v->statsAtCursor();
    (void)v->chunks();
    (void)v->callouts();

    // The next frames: the model has read everything; the panels follow it.
    v->update();
    const RunStats& st = v->statsAtCursor();
    CHECK(st.tasksDone == 1);
    CHECK(st.hasMakespan);
    REQUIRE(v->chunks().items.size() == 1);
    CHECK_FALSE(v->chunks().items[0].open);
    CHECK(v->chunks().items[0].ended == 1);
}

TEST_CASE("a live run's view says it ended only once its Trace is complete", "[runview]") {
    // The Run says finished as soon as its processes are done, a few frames
    // before the Collector's last pass: a view that passed that on showed
    // "The run ended" (and the test state "finished") over a model still short
    // of its last events (CI saw now 0.348 s of a 0.40 s run, no callout yet).
    // Polled as a frame does: update(), then the status read a little later.
    for (int attempt = 0; attempt < 3; ++attempt) {
        RunOptions opts;
        opts.timeScale = 0.05;
        auto v = RunView::startLive(1, loadScenario("pool"), opts);
        std::size_t polls = 0;
        while (v->live()) {
            v->update();
            ++polls;
            // The rest of a frame: the panels and the test state read the view
            // after update(), a few ms later, when the Run may have ended meanwhile.
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            const RunStatus s = v->status();
            if (s == RunStatus::Running || s == RunStatus::Paused) continue;
            INFO("attempt " << attempt << ", poll " << polls << ", status " << toString(s));
            CHECK(v->meta().finished);
            REQUIRE(v->trace());
            CHECK(v->model().consumed() == v->trace()->size());
            break;
        }
        CHECK(v->status() == RunStatus::Finished);
        CHECK(v->meta().finished);
        // Every task's end is in the model the first time the view says it ended.
        std::size_t ended = 0;
        for (const TaskRecord& r : v->model().tasks()) ended += r.t1 != kNever && r.t1 != kOpenEnd;
        CHECK(ended == 4);
    }
}

TEST_CASE("Fit takes in a makespan prediction a little beyond the run's end, so its mark is drawn at its true time; one "
          "far beyond stays at the edge",
          "[runview]") {
    // Classroom walk, finding 3: "predicted 1.52 s →" stood at the right edge
    // after Fit beside a 1.02 s run: the axis did not reach the prediction.
    RunOptions opts;
    opts.timeScale = 0.05;   // pool: 6 s of tasks, about 0.3 s
    auto v = RunView::startLive(1, loadScenario("pool"), opts);
    Question q;
    q.kind = QuestionKind::Makespan;
    Guess g;
    g.given = true;
    g.seconds = 1.52;
    v->setPredictions({q}, {"How long will it take?"}, {g});
    for (int i = 0; i < 2000 && v->live(); ++i) {
        v->update();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    v->update();
    REQUIRE_FALSE(v->live());
    std::int64_t first = kNever;
    for (const TaskRecord& r : v->model().tasks())
        if (r.t0 != kNever) first = std::min(first, r.t0);
    REQUIRE(first != kNever);
    REQUIRE(v->predictedEnd());
    CHECK(*v->predictedEnd() == first + 1'520'000'000);
    REQUIRE(v->now() - v->zero() < 1'000'000'000);   // the run is shorter than the prediction
    // Far past the run (1.52 s for a 0.3 s run): left out, its words at the
    // edge; taken in, it squeezed the run into a fifth of the lanes
    // (classroom walk, session 31).
    v->fitWholeRun();
    const std::int64_t runRel = v->now() - v->zero();
    CHECK(v->timeline().end == runRel + runRel / 50);
    // Not far past it (the walk's 1.52 s beside a 1.02 s run): taken in.
    g.seconds = static_cast<double>(runRel) * 1.4e-9 - static_cast<double>(first - v->zero()) * 1e-9;
    v->setPredictions({q}, {"How long will it take?"}, {g});
    REQUIRE(v->predictedEnd());
    v->fitWholeRun();
    const std::int64_t predictedRel = *v->predictedEnd() - v->zero();
    INFO("view " << v->timeline().begin << " .. " << v->timeline().end << " ns, prediction at " << predictedRel);
    CHECK(v->timeline().begin == 0);
    CHECK(v->timeline().end > predictedRel);
    // Not much more: the run and its prediction fill the view.
    CHECK(v->timeline().end < predictedRel + predictedRel / 10);

    // A prediction inside the run changes nothing: the run's own length.
    g.seconds = 0.01;
    v->setPredictions({q}, {"How long will it take?"}, {g});
    v->fitWholeRun();
    const std::int64_t rel = v->now() - v->zero();
    CHECK(v->timeline().end == rel + rel / 50);
}

TEST_CASE("a live run's Stats keep up with the run: the makespan so far is the caption's time, not a stale one", "[runview]") {
    // Newcomer at load 17: Stats said "makespan 2.10 s so far" beside the
    // caption's 2.63 s (first task at 0.28 s): Stats were recomputed at most
    // every 250 ms. Polled as frames do, the makespan so far is now - the
    // first task's start in nearly every poll.
    RunOptions opts;
    opts.timeScale = 0.3;
    auto v = RunView::startLive(1, loadScenario("pool"), opts);
    int polls = 0, behind = 0;
    std::int64_t worst = 0;
    while (v->live()) {
        v->update();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        const parviz::RunStats& st = v->statsAtCursor();
        std::int64_t first = kNever;
        bool running = false;
        for (const TaskRecord& r : v->model().tasks()) {
            if (r.t0 != kNever) first = first == kNever ? r.t0 : std::min(first, r.t0);
            running = running || (r.t0 != kNever && r.t1 == kOpenEnd);
        }
        if (!running || first == kNever || !st.hasMakespan || v->model().pauses().size()) continue;
        ++polls;
        const std::int64_t lag = (v->now() - first) - st.makespanNs;
        worst = std::max(worst, lag);
        if (lag > 50'000'000) ++behind;
    }
    INFO(behind << " of " << polls << " polls had Stats' makespan more than 50 ms behind; the worst " << worst / 1'000'000 << " ms");
    REQUIRE(polls > 20);
    CHECK(behind * 10 <= polls);
}
