// Frame benchmark: a synthetic trace of 1 000 000 task spans, drawn zoomed
// out (everything merged into pixel records) and zoomed in, against a trace of
// 1 000 spans. Frame time must not grow with the trace: the builders binary-
// search and merge, the shader draws one instanced batch.
#include "gui/bench.hpp"

#include "gui/app.hpp"
#include "gui/options.hpp"
#include "gui/window.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string_view>

namespace parviz::gui {
namespace {

constexpr int kDefaultWorkers = 8;
constexpr std::int64_t kSpanNs = 1'000'000, kGapNs = 200'000;

std::shared_ptr<Trace> syntheticTrace(std::size_t spans, int workers = kDefaultWorkers) {
    auto t = std::make_shared<Trace>();
    t->addProcess(ProcInfo{"MainProcess", ProcRole::Parent});
    for (int w = 1; w <= workers; ++w) t->addProcess(ProcInfo{"ForkPoolWorker-" + std::to_string(w), ProcRole::PoolWorker});
    t->updateMeta([&](TraceMeta& m) {
        m.scenario = "bench";
        m.title = "synthetic trace: " + std::to_string(spans) + " spans";
        m.work = "sleep";
        m.workers = workers;
        m.finished = true;
    });
    std::uint64_t names[26];
    for (int i = 0; i < 26; ++i) names[i] = t->addString(std::string(1, static_cast<char>('A' + i)));
    const std::int64_t t0 = 1'000'000'000;
    t->append(Event{t0, kParentProc, EventKind::RunStart, 0, 0, 2, 2});
    for (int w = 1; w <= workers; ++w)
        t->append(Event{t0, static_cast<ProcId>(w), EventKind::ProcStart, 0, 0, 1000u + static_cast<unsigned>(w), 0});
    // Workers take turns in lock-step; each one's spans are back to back.
    const std::size_t perWorker = spans / workers;
    std::int32_t task = 0;
    for (std::size_t k = 0; k < perWorker; ++k) {
        const std::int64_t s = t0 + 1'000 + static_cast<std::int64_t>(k) * (kSpanNs + kGapNs);
        for (int w = 1; w <= workers; ++w, ++task)
            t->append(Event{s + w, static_cast<ProcId>(w), EventKind::TaskStart, 0, task, names[task % 26], 0});
        for (int w = 1; w <= workers; ++w)
            t->append(Event{s + kSpanNs + w, static_cast<ProcId>(w), EventKind::TaskEnd, 0, task - workers + w - 1,
                            names[(task - workers + w - 1) % 26], 0});
    }
    const std::int64_t end = t0 + 2'000 + static_cast<std::int64_t>(perWorker) * (kSpanNs + kGapNs);
    t->append(Event{end, kParentProc, EventKind::RunEnd, 0, 0, 0, 0});
    return t;
}

// The parent puts `items` values on one queue back to back, 1 us apart (one
// step group: stepProgramEvent's sameStep), then workers take them. The
// step row's edge note walks such a group; frame time must not grow with it.
std::shared_ptr<Trace> queueBurstTrace(std::size_t items) {
    auto t = std::make_shared<Trace>();
    t->addProcess(ProcInfo{"MainProcess", ProcRole::Parent});
    t->addProcess(ProcInfo{"Process-1", ProcRole::Process});
    t->updateMeta([&](TraceMeta& m) {
        m.scenario = "bench";
        m.title = "synthetic trace: " + std::to_string(items) + " puts in a row";
        m.work = "sleep";
        m.workers = 1;
        m.finished = true;
    });
    t->addObject({ObjectKind::Queue, 1, "jobs"});
    const std::uint64_t v = t->addString("job");
    const std::int64_t t0 = 1'000'000'000;
    t->append(Event{t0, kParentProc, EventKind::RunStart, 0, 0, 1, 1});
    t->append(Event{t0, 1, EventKind::ProcStart, 0, 0, 1001, 0});
    for (std::size_t i = 0; i < items; ++i)
        t->append(Event{t0 + 1'000 + static_cast<std::int64_t>(i) * 1'000, kParentProc, EventKind::QueuePut, 0, 1, i + 1, v});
    const std::int64_t putsEnd = t0 + 1'000 + static_cast<std::int64_t>(items) * 1'000;
    t->append(Event{putsEnd + 5'000'000, 1, EventKind::QueueGet, 0, 1, 1, 0});
    t->append(Event{putsEnd + 10'000'000, kParentProc, EventKind::RunEnd, 0, 0, 0, 0});
    return t;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// One case's medians: the whole frame, and the part before rendering (the
// panels' builders and ImGui's draw lists, on the CPU); the rest is
// rasterising (llvmpipe) and presenting. Instances: span instances drawn.
struct FrameTimes {
    double frameMs = 0, buildMs = 0;
    double cpuMs = 0;   // CPU time of all parviz's threads (llvmpipe's too): robust to a busy machine
    std::size_t instances = 0;
};

// Medians over `frames` frames after three of warm-up: build the panels,
// render, wait for the GPU (llvmpipe), present.
double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

FrameTimes frameTimes(Window& window, GuiApp& app, int frames) {
    std::vector<double> ms, build, cpu;
    for (int i = 0; i < frames + 3; ++i) {
        const double c0 = processCpuMs();
        const auto a = std::chrono::steady_clock::now();
        window.beginFrame(0);
        app.frame();
        const auto m = std::chrono::steady_clock::now();
        window.render();
        glFinish();
        window.present();
        const auto b = std::chrono::steady_clock::now();
        if (i >= 3) {   // warm-up skipped
            ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
            build.push_back(std::chrono::duration<double, std::milli>(m - a).count());
            cpu.push_back(processCpuMs() - c0);
        }
    }
    return {median(ms), median(build), median(cpu), app.env().spans.instancesThisFrame()};
}

// The timeline zoomed out over the whole trace, or in on 20 ms of it.
double measure(Window& window, GuiApp& app, int frames, bool zoomIn) {
    const std::int64_t total = app.current().now() - app.current().zero();
    TimelineView& v = app.current().timeline();
    v.follow = false;
    if (zoomIn) {
        v.begin = total / 2;
        v.end = total / 2 + 20'000'000;   // 20 ms: a dozen spans per worker, labels drawn
    } else {
        v.begin = 0;
        v.end = total;
    }
    return frameTimes(window, app, frames).frameMs;
}

// The Compare view with n pinned runs of 64 workers (6 400 task spans each),
// every row drawn whole: median ms per frame.
FrameTimes compareFrames(Window& window, const GuiOptions& o, int runs, int frames, bool stripsAsPixels = true) {
    GuiApp app(window, o, syntheticTrace(6'400, 64));
    app.env().spans.enableStrips(stripsAsPixels);
    for (int i = 1; i < runs; ++i) app.showTrace(syntheticTrace(6'400, 64), "synthetic");
    for (std::size_t i = 0; i < app.runCount(); ++i) app.runAt(i).setPinned(true);
    app.setCompare(true);
    FrameTimes t = frameTimes(window, app, frames);
    if (const char* shot = std::getenv("PARVIZ_BENCH_SHOT")) {
        std::string err;
        window.beginFrame(0);
        app.frame();
        window.render();
        window.writePng(std::string(shot) + std::to_string(runs) + ".png", err);
        window.present();
    }
    return t;
}

// The cursor on the last put of a burst of `items`, the step row drawn
// (normal mode's Explain panel): median ms per frame.
FrameTimes stepRowFrames(Window& window, const GuiOptions& o, std::size_t items, int frames) {
    auto tr = queueBurstTrace(items);
    GuiApp app(window, o, tr);
    app.current().timeline().follow = false;
    const std::int64_t lastPut = app.current().zero() + 1'000 + static_cast<std::int64_t>(items) * 1'000;
    app.current().setCursor(lastPut);
    return frameTimes(window, app, frames);
}

struct CompareTimes {
    FrameTimes one, sixteen, sixteenInstanced;
};

CompareTimes measureCompare(Window& window, const GuiOptions& o, int frames) {
    CompareTimes t;
    t.one = compareFrames(window, o, 1, frames);
    t.sixteenInstanced = compareFrames(window, o, 16, frames, false);
    t.sixteen = compareFrames(window, o, 16, frames);
    return t;
}

} // namespace

int runFrameBench(Window& window, const GuiOptions& opts) {
    const int frames = opts.benchFrames;
    GuiOptions o = opts;
    o.benchFrames = 0;
    // PARVIZ_BENCH_ONLY=step: the step-group cases alone (to profile them).
    if (const char* only = std::getenv("PARVIZ_BENCH_ONLY"); only && std::string_view(only) == "step") {
        const FrameTimes big = stepRowFrames(window, o, 1'000'000, frames);
        std::printf("cursor after 1 000 000 puts: %.2f ms (panels %.2f ms)\n", big.frameMs, big.buildMs);
        return 0;
    }

    const auto b0 = std::chrono::steady_clock::now();
    auto big = syntheticTrace(1'000'000);
    GuiApp bigApp(window, o, big);
    const auto b1 = std::chrono::steady_clock::now();
    const double outBig = measure(window, bigApp, frames, false);
    const double inBig = measure(window, bigApp, frames, true);
    const std::size_t instances = bigApp.env().spans.instancesThisFrame();
    // The builder alone, zoomed out: what the core's merge costs per frame.
    double buildMs = 0;
    LaneStats ls;
    {
        Viewport vp;
        vp.tBegin = bigApp.current().zero();
        vp.tEnd = bigApp.current().now();
        vp.widthPx = 850;
        LaneRecords recs;
        std::vector<double> ms;
        for (int i = 0; i < 10; ++i) {
            const auto a = std::chrono::steady_clock::now();
            buildLanes(bigApp.current().model(), *bigApp.current().trace(), vp, recs);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
        }
        buildMs = median(ms);
        ls = recs.stats;
    }

    GuiApp smallApp(window, o, syntheticTrace(1'000));
    const double outSmall = measure(window, smallApp, frames, false);
    const double inSmall = measure(window, smallApp, frames, true);

    const CompareTimes compare = measureCompare(window, o, frames);
    const FrameTimes stepSmall = stepRowFrames(window, o, 1'000, frames);
    const FrameTimes stepBig = stepRowFrames(window, o, 1'000'000, frames);
    const double stepRatio = stepBig.buildMs / std::max(stepSmall.buildMs, 1e-3);
    const FrameTimes &compare1 = compare.one, &compare16 = compare.sixteen;

    const double worst = std::max(outBig, inBig);
    const double ratio = worst / std::max(outSmall, 1e-3);
    std::printf("parviz gui frame benchmark: %dx%d, %d frames per case (median ms per frame)\n", window.framebufferWidth(),
                window.framebufferHeight(), frames);
    std::printf("  trace+index build (1 000 000 spans): %.0f ms (once, not per frame)\n",
                std::chrono::duration<double, std::milli>(b1 - b0).count());
    std::printf("  1 000 000 spans, zoomed out: %7.2f ms\n", outBig);
    std::printf("  1 000 000 spans, zoomed in:  %7.2f ms\n", inBig);
    std::printf("      1 000 spans, zoomed out: %7.2f ms\n", outSmall);
    std::printf("      1 000 spans, zoomed in:  %7.2f ms\n", inSmall);
    std::printf("  buildLanes alone, 1M zoomed out: %.2f ms (%llu spans visited, %llu probes, %llu records); "
                "%zu span instances drawn zoomed in\n",
                buildMs, static_cast<unsigned long long>(ls.spansVisited), static_cast<unsigned long long>(ls.searchProbes),
                static_cast<unsigned long long>(ls.records), instances);
    std::printf("  ratio (worst 1M / 1k zoomed out): %.2fx  (target <= 1.5x, and <= 16 ms)\n", ratio);
    for (const auto& [label, c] : {std::pair<const char*, const FrameTimes&>{" 1 run ", compare1},
                                   {"16 runs", compare16},
                                   {"16 runs, strips as span instances (before)", compare.sixteenInstanced}})
        std::printf("  Compare view, %s of 64 workers: %7.2f ms  (panels %.2f ms, drawing %.2f ms; CPU %.2f ms; "
                    "%zu span instances)\n",
                    label, c.frameMs, c.buildMs, c.frameMs - c.buildMs, c.cpuMs, c.instances);
    std::printf("  Compare 16 runs / 1 run: %.2fx; strips as pixels / as instances: %.2fx wall, %.2fx CPU  "
                "(target: 16 runs <= 16 ms)\n",
                compare16.frameMs / std::max(compare1.frameMs, 1e-3),
                compare16.frameMs / std::max(compare.sixteenInstanced.frameMs, 1e-3),
                compare16.cpuMs / std::max(compare.sixteenInstanced.cpuMs, 1e-3));
    std::printf("  cursor after 1 000 000 puts in a row (one step group): %7.2f ms (panels %.2f ms); after 1 000: %7.2f ms "
                "(panels %.2f ms); panels ratio %.2fx  (target <= 1.5x)\n",
                stepBig.frameMs, stepBig.buildMs, stepSmall.frameMs, stepSmall.buildMs, stepRatio);
    const bool ok = worst <= 16.0 && ratio <= 1.5 && compare16.frameMs <= 16.0 && stepRatio <= 1.5;
    std::printf("  %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}

} // namespace parviz::gui
