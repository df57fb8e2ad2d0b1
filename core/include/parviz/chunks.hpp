#pragma once
// Pool.map's chunks as the timeline draws them (brackets on the worker
// lanes, "chunk 2: E–H"), and the toolbar's "N equal jobs" applied to a
// scenario. Pure functions of the run model or the scenario: no GL, no ImGui.
//
// CPython's Pool.map cuts its tasks into chunks (chunksize, or its default
// ceil(n / (4 * processes)), predict.hpp) and a worker takes a whole chunk
// from the task queue, then runs its tasks one after another; each take is a
// TaskChunk event (run_model.hpp: ChunkRecord).
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace parviz {

struct ChunkBracket {
    ProcId proc = 0;                     // the worker that took it
    std::int32_t chunk = 0;              // its number in the map call, input order from 0 (traced: in the program)
    std::uint32_t begin = 0, count = 0;  // its tasks: indices [begin, begin + count)
    std::int64_t t0 = 0;                 // absolute ns: when the worker took it (TaskChunk)
    std::int64_t t1 = 0;                 // when its last task ended; open: the worker's exit, or the model's now
    std::uint32_t ended = 0;             // its tasks that ended (any outcome)
    bool open = false;                   // not every task of it ended (running, or its worker died)
    bool workerEnded = false;            // open and its worker exited: t1 is that exit
    std::string label;                   // "chunk 2: E–H"; one task: "chunk 2: E"
};

// A chunk's label: "chunk 0: L1–L4", "chunk 2: E". A traced program's task
// is named by its argument's text, and a number there read as a ratio or a
// count ("chunk 1: 2", newcomer walk, session 21): a name that reads as a
// number gets its noun, "chunk 1: task 2", "chunk 1: tasks 2–5".
std::string chunkLabel(std::int32_t chunk, const std::string& first, const std::string& last, std::uint32_t count);
// Whether a task's name reads as a number ("2", "-1", "0.5"): said with "task" before it.
bool readsAsNumber(const std::string& name) noexcept;
// A chunk's words on its bracket, longest first, as room allows: its label
// ("chunk 2: E–H"), then its tasks alone ("E–H"; a chunk of one task: "E"),
// then, for a traced task named by its call, the function alone
// ("count_primes(…)", "count_primes(…) ×4" for a chunk of four), then
// "chunk 2". The task names come before the word "chunk": with chunksize
// auto on pool-uneven the short chunks read "chunk 1" ... "chunk 6" and said
// no task (classroom walk, session 21). `suffix` ends each (" (3)": the
// worker's number past seven colours). The hover says all (describeChunkAt).
std::vector<std::string> chunkWords(const ChunkBracket& c, const std::string& suffix = "");
// The words a worker lane offers for a chunk, longest first. severalTasks
// (ChunkBrackets::severalTasks): some chunk of the run holds more than one
// task, and every chunk says chunkWords. Otherwise every chunk is one task
// (chunksize 1: the tutorial's pool, a traced map over 8 numbers) and the
// chunk's number adds nothing to its task's name but a word lesson step 1 has
// not taught ("chunk 0: A"; newcomer walk, session 30): its task's name, a
// call's short forms ("count_primes(…)", then "count_primes"), never
// "chunk 7" (a traced map's lanes read "count_primes(300000)" beside "chunk 6").
std::vector<std::string> laneChunkWords(const ChunkBracket& c, bool severalTasks, const std::string& suffix = "");

struct ChunkBrackets {
    std::vector<ChunkBracket> items;     // by t0 (the order the chunks were taken)
    std::vector<std::int64_t> endSoFar;  // endSoFar[i] = the latest t1 of items[0..i] (for visibleChunks)
    bool severalTasks = false;           // some chunk holds more than one task (only those get a bracket drawn)
};

// Every chunk the model saw, with its tasks' times. Labels name tasks as the
// trace does; a task not started yet by taskNames[i] (the scenario's task
// names, when given), else "#i". O(chunks + tasks).
ChunkBrackets buildChunkBrackets(const RunModel& model, const Trace& trace,
                                 const std::vector<std::string>& taskNames = {});

// Indices into b.items of the brackets overlapping [t0, t1) (absolute ns), in
// item order. O(log n + the brackets returned + those that end before t0
// among them), by binary search over endSoFar.
std::vector<std::size_t> visibleChunks(const ChunkBrackets& b, std::int64_t t0, std::int64_t t1);

// A chunk in words that are true at `at` (absolute ns: the cursor, or now in
// a live run), for a hover: "chunk 2: E–H: 4 tasks handed to W at once
// (Pool.map's chunksize), " then "taken at 0.20 s, after the cursor" before
// t0, "taken at 0.20 s, running since then" while a task of it runs at `at`
// (open, or t1 > at), "taken at 0.20 s, done at 0.45 s" once all ended by
// `at`; "…, not finished: its worker ended at 3.0 s" once an open chunk's
// worker is gone. Times from `zero` (the run's start). Never "done" of a chunk still
// running at `at` (classroom walk, finding 1).
std::string describeChunkAt(const ChunkBracket& c, const std::string& worker, std::int64_t at, std::int64_t zero);

// The toolbar's "N equal jobs": s with its tasks replaced by n tasks J1..Jn
// sharing the scenario's total work equally (total / n seconds each; 0.25 s
// each when the tasks add up to nothing), of the first task's work kind. So
// changing n changes how the work is cut, never how much there is.
// Throws ScenarioError "<source>: tasks: <reason>" for a kind without a task
// table (only pool and job-queue have one) or n outside 1..kMaxTasks.
Scenario withEqualJobs(const Scenario& s, std::size_t n);

// Seconds each of withEqualJobs(s, n)'s jobs takes (before the time scale).
double equalJobSeconds(const Scenario& s, std::size_t n) noexcept;

} // namespace parviz
