// Predicted pool makespans and the Amdahl fit (predict.hpp).
#include "parviz/predict.hpp"

#include <algorithm>
#include <numeric>

namespace parviz {

std::size_t cpythonChunksize(std::size_t tasks, int processes) noexcept {
    const std::size_t per = 4 * static_cast<std::size_t>(std::max(1, processes));
    std::size_t chunksize = tasks / per;
    if (tasks % per) ++chunksize;
    return chunksize;
}

std::size_t defaultChunksizeFor(PoolMethod method, std::size_t tasks, int processes) noexcept {
    if (tasks == 0) return 0;
    switch (method) {
    case PoolMethod::Map: case PoolMethod::Starmap: return cpythonChunksize(tasks, processes);
    case PoolMethod::Imap: case PoolMethod::ImapUnordered: case PoolMethod::ApplyAsync: break;
    }
    return 1;
}

PoolSchedule schedulePoolMap(const std::vector<double>& taskSeconds, int workers,
                             std::optional<std::size_t> chunksize, PoolMethod method) {
    PoolSchedule s;
    const int w = std::max(1, workers);
    s.chunksize = usesChunks(method) && chunksize && *chunksize > 0 ? *chunksize
                                                                  : defaultChunksizeFor(method, taskSeconds.size(), w);
    if (taskSeconds.empty()) return s;
    std::vector<double> freeAt(static_cast<std::size_t>(w), 0.0);
    for (std::size_t first = 0; first < taskSeconds.size(); first += s.chunksize) {
        PlannedChunk c;
        c.first = first;
        c.count = std::min(s.chunksize, taskSeconds.size() - first);
        // The worker free first; min_element keeps the lowest index on ties.
        auto it = std::min_element(freeAt.begin(), freeAt.end());
        c.worker = static_cast<int>(it - freeAt.begin());
        c.start = *it;
        const auto b = taskSeconds.begin() + static_cast<std::ptrdiff_t>(first);
        c.end = c.start + std::accumulate(b, b + static_cast<std::ptrdiff_t>(c.count), 0.0);
        *it = c.end;
        s.makespan = std::max(s.makespan, c.end);
        s.chunks.push_back(c);
    }
    return s;
}

Prediction predictPoolMakespan(const Scenario& sc, int workers, std::optional<WorkKind> work, int usableCores) {
    std::vector<double> secs;
    secs.reserve(sc.tasks.size());
    double cpu = 0;
    for (const TaskSpec& t : sc.tasks) {
        secs.push_back(t.seconds);
        if (work.value_or(t.work) == WorkKind::Cpu) cpu += t.seconds;
    }
    const PoolSchedule sched = schedulePoolMap(secs, workers, sc.chunksize, sc.method);
    Prediction p;
    p.chunksize = sched.chunksize;
    p.scheduleSeconds = sched.makespan;
    p.cpuBoundSeconds = cpu / std::max(1, usableCores);
    p.makespanSeconds = std::max(p.scheduleSeconds, p.cpuBoundSeconds);
    return p;
}

AmdahlFit fitAmdahl(const std::vector<SpeedupPoint>& points, int usableCores) {
    AmdahlFit f;
    double sxy = 0, sxx = 0;
    for (const SpeedupPoint& p : points) {
        if (p.workers < 2 || p.workers > usableCores || !(p.speedup > 0)) continue;
        const double n = p.workers;
        const double x = 1 - 1 / n, y = 1 / p.speedup - 1 / n;
        sxy += x * y;
        sxx += x * x;
        ++f.points;
    }
    if (f.points > 0 && sxx > 0) f.serialFraction = std::clamp(sxy / sxx, 0.0, 1.0);
    return f;
}

double amdahlSpeedup(double s, double n) noexcept {
    const double d = s + (1 - s) / std::max(1.0, n);
    return d > 0 ? 1 / d : 0;
}

std::string fitRangeText(int usableCores) {
    return usableCores <= 2 ? std::string("2 workers") : "2 to " + std::to_string(usableCores) + " workers";
}

} // namespace parviz
