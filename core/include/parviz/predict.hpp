#pragma once
// What a pool run should take, from the scenario alone, and what measured
// speedups say about the serial part of the work. Pure functions: no process,
// no clock. docs/sweep-model.md explains the model for users.
//
// Predicted makespan (seconds of the scenario, before the time scale):
// - the tasks are cut into chunks as CPython's Pool.map does (REFERENCE.md):
//   chunksize, extra = divmod(n, 4 * processes); chunksize += 1 if extra;
// - chunks go, in input order, to the worker that is free first (greedy list
//   scheduling: each idle worker takes the next chunk from the shared queue
//   and runs its tasks one after another). When several workers are free at
//   the same time the lowest-numbered one takes it; the workers are alike, so
//   this choice never changes the makespan;
// - the schedule assumes each worker has a core whenever it needs one. CPU
//   work cannot finish before its total CPU time / usable cores, so for it
//   the prediction is the larger of the two. Sleep work needs no core.
// Pool start-up and per-task overhead are not modelled: the gap between
// measured and predicted is overhead, or oversubscription.
#include "parviz/scenario.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

// CPython's default chunksize for n tasks on `processes` workers (0 when n is
// 0, as CPython). processes < 1 counts as 1.
std::size_t cpythonChunksize(std::size_t tasks, int processes) noexcept;
// The chunksize CPython's Pool uses when the caller gives none, per method:
// map and starmap (and map_async) cpythonChunksize; imap and imap_unordered 1
// (their signature's `chunksize=1`); apply_async 1 (one task per call, no
// chunks). 0 when tasks is 0. The engine (Pool), the predictor, the sweep's
// chunksize_used and the toolbar's "auto (N)" all take it from here.
std::size_t defaultChunksizeFor(PoolMethod method, std::size_t tasks, int processes) noexcept;

struct PlannedChunk {
    std::size_t first = 0;   // index of its first task
    std::size_t count = 0;   // tasks in it
    int worker = 0;          // 0-based worker that runs it
    double start = 0, end = 0;   // scenario seconds from the first task start
};

struct PoolSchedule {
    std::size_t chunksize = 0;          // the chunksize used (explicit or CPython's)
    std::vector<PlannedChunk> chunks;   // in input order
    double makespan = 0;                // latest chunk end, seconds
};

// Greedy list schedule of Pool.map(tasks, chunksize) on `workers` workers
// (or another method: its chunks are scheduled the same way).
// taskSeconds are the tasks' durations (>= 0); chunksize nullopt or 0 means
// CPython's default for the method (defaultChunksizeFor); apply_async always
// 1. workers < 1 counts as 1.
PoolSchedule schedulePoolMap(const std::vector<double>& taskSeconds, int workers,
                             std::optional<std::size_t> chunksize, PoolMethod method = PoolMethod::Map);

struct Prediction {
    double scheduleSeconds = 0;   // the greedy schedule's makespan
    double cpuBoundSeconds = 0;   // CPU tasks' total seconds / usable cores (0 without CPU work)
    double makespanSeconds = 0;   // the larger of the two
    std::size_t chunksize = 0;    // the chunksize the schedule used
};

// Predicted makespan of a pool scenario (its tasks, chunksize and method) run with
// `workers` workers, every task's work replaced by `work` when given, on
// `usableCores` cores (< 1 counts as 1), in scenario seconds (multiply by the
// time scale for real ones).
Prediction predictPoolMakespan(const Scenario& s, int workers, std::optional<WorkKind> work, int usableCores);

// ---- Amdahl's law ------------------------------------------------------------

struct SpeedupPoint {
    int workers = 0;
    double speedup = 0;   // over the 1-worker run
};

struct AmdahlFit {
    std::optional<double> serialFraction;   // in [0, 1]; nullopt when no point qualifies
    int points = 0;                         // the points the fit rests on
};

// Fits s in 1/S = s + (1 - s)/N by least squares over the points with
// 2 <= N <= usableCores and S > 0: N = 1 carries no information (1/S = 1 for
// every s) and N beyond the cores is oversubscription, not a serial fraction.
// With x = 1 - 1/N and y = 1/S - 1/N the model is y = s x, so s = sum(xy)/sum(x^2),
// clamped to [0, 1] (a superlinear point would make it negative).
AmdahlFit fitAmdahl(const std::vector<SpeedupPoint>& points, int usableCores);

// The worker counts a fit may use, in words: "2 workers" on 2 cores (or
// fewer), "2 to 8 workers" on 8.
std::string fitRangeText(int usableCores);

// Amdahl's speedup 1 / (s + (1 - s)/n) for n >= 1.
double amdahlSpeedup(double serialFraction, double n) noexcept;

} // namespace parviz
