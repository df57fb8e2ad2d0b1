#pragma once
// The classroom's "why": plain sentences about a run, built from the run
// model (run_model.hpp) so the window, a test and a script say the same.
//
// [SECTION] Explain at t   why each process is in its state at a cursor
// [SECTION] Callouts       patterns found in the whole run, with the numbers
//                          that triggered them (load imbalance, oversubscription,
//                          lock convoy, serial parent, growing queue backlog)
// [SECTION] Step           the previous / next program event from a time
//
// Times in the sentences are seconds since the run's zero (RunStart, or the
// trace's first event), formatted like the timeline's axis ("3.0 s", "850 ms").
// Nothing here draws; core never includes GL or ImGui.
#include "parviz/run_model.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

// =============================================================================
// [SECTION] Explain at t
// =============================================================================
struct ProcExplanation {
    ProcId proc = 0;
    std::string name;                    // "ForkPoolWorker-2"
    LaneState state = LaneState::None;   // what its lane shows at t (program row, or Runnable/OnCore)
    std::string text;                    // "ForkPoolWorker-2 is idle: the task queue is empty and ..."
};

struct Explanation {
    std::vector<ProcExplanation> procs;  // MainProcess first, then the workers by ProcId; only those seen by t
    std::vector<std::string> notes;      // the run as a whole at t: stop signals in the queue, the time scale
};

// Why each process is in its state at t (absolute ns). O(processes x log n)
// plus one pass over the queues' items up to t for the stop-signal note.
Explanation buildExplain(const RunModel& model, const Trace& trace, std::int64_t t);

// =============================================================================
// [SECTION] Callouts
// =============================================================================
enum class CalloutKind : std::uint8_t {
    LoadImbalance,     // a worker idles at the end while another still runs tasks
    Oversubscription,  // more workers wanting a core than cores: runnable > 20 % of their task time
    LockConvoy,        // several processes queue on one lock at once, waiting at least half as long as it is held
    SerialParent,      // workers wait for a queue that MainProcess alone fills, one item at a time
    QueueBacklog,      // a queue grows: items are put faster than they are taken
};
const char* toString(CalloutKind k) noexcept;   // "load imbalance", "oversubscription", ...

struct Callout {
    CalloutKind kind = CalloutKind::LoadImbalance;
    std::int64_t t0 = 0, t1 = 0;         // absolute ns: the stretch the timeline marks
    ProcId proc = kNoProc;               // the lane it is about, kNoProc: the run as a whole
    double measure = 0;                  // the triggering fraction (0..1) or count, as the text says
    std::string text;                    // "load imbalance: ForkPoolWorker-2 idle for the last 1.6 s of 4.0 s (40 %) ..."
};

// Thresholds, stated once (the README's Explain section repeats them).
inline constexpr double kImbalanceTailShare = 0.20;   // idle tail / makespan
inline constexpr double kRunnableShare = 0.20;        // runnable / in-task time, all workers together (and
                                                      // more workers wanting a core on average than cores)
inline constexpr int kConvoyWaiters = 2;              // waiting at the same time
inline constexpr double kConvoyWaitShare = 0.5;       // total wait / total hold
inline constexpr double kSerialWaitShare = 0.50;      // workers' queue wait / their time while the parent fills
inline constexpr std::int64_t kBacklogGrowth = 4;     // items the queue grew by

// Callouts in the run up to cut (kOpenEnd: all of it), in time order. O(model records).
std::vector<Callout> findCallouts(const RunModel& model, const Trace& trace, std::int64_t cut = kOpenEnd);

// =============================================================================
// [SECTION] Step
// =============================================================================
// A program event: a task start or end, a queue put / get / empty / full, a
// lock wait / acquire / release / timeout / owner died, a print, a process
// start or exit, the caller receiving a pool result. Never a context switch, a state change or a core sample.
bool isProgramEvent(EventKind k) noexcept;

struct StepTarget {
    std::int64_t t = 0;                  // absolute ns of the event
    std::uint32_t index = 0;             // into the Trace
};
// The first program event strictly after t (forward) or the last strictly
// before t (backward), of process `only` (kNoProc: any). nullopt: none.
// O(log n) plus the non-program events skipped.
std::optional<StepTarget> stepProgramEvent(const RunModel& model, const Trace& trace, std::int64_t t, bool forward,
                                           ProcId only = kNoProc);

// "3.0 s", "850 ms", "42 µs": a time or duration in ns for a sentence.
std::string formatSeconds(std::int64_t ns);

} // namespace parviz
