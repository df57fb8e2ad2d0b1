#pragma once
// Export a run as Chrome Trace Event JSON, which Perfetto (ui.perfetto.dev)
// and chrome://tracing open. A pure function of the run model (run_model.hpp).
//
// What the file holds (tests/core/test_export.cpp checks each rule):
// - one lane per process: pid = tid = the OS pid (ProcStart.a), named by
//   process_name / thread_name metadata ("ForkPoolWorker-1") and ordered by
//   sort indexes (ProcId order). The parent is "MainProcess";
// - each task execution: "ph":"X", "cat":"task", "name" = task name,
//   "ts"/"dur" in microseconds from the run's zero, "args":{"worker":...,
//   "index":..., and for a pool task "chunk": the task-queue chunk it came from};
// - lock waits and holds: X spans with "cat":"lock" on the worker's lane.
//   X spans on one lane always nest (a span that would straddle its parent's
//   end is clipped there and marked "clipped": true);
// - queue puts and gets: instant events ("ph":"i", "s":"t", "cat":"queue")
//   joined by flow events ("ph":"s" at the put, "ph":"f", "bp":"e" at the get,
//   "id" = the item id) that bind to the enclosing slice; a put or get outside
//   any slice gets its own short X slice ("queue.put"/"queue.get", at most
//   1 µs) so the arrow has something to bind to;
// - each queue's length as a counter ("ph":"C", name "<queue> length") on
//   the parent's lane;
// - a synthetic process "CPU cores" (pid kCoresPid), one thread per core
//   (tid = core + 1), holding each worker's measured on-CPU spans, named by worker;
// - instant events for a lock whose owner died and for a worker that ended by
//   a signal ("cat":"failure");
// - queue values as readable text (readableValue(): the pool's task names,
//   results and "sentinel", never wire bytes);
// - otherData.failures: the same lines as the summary's failures
//   (describeFailures()), each failure once.
#include "parviz/run_model.hpp"
#include "parviz/trace.hpp"

#include <cstdint>
#include <ostream>
#include <string>

namespace parviz {

// Chosen above Linux's pid_max (4194304) so it can never be a real pid.
inline constexpr std::int64_t kCoresPid = 0x7ffffff0;
// Used for a process whose ProcStart (and so its OS pid) is not in the trace.
inline constexpr std::int64_t kUnknownPidBase = 0x7fff0000;

void writeChromeTrace(const RunModel& model, const Trace& trace, std::ostream& out);
// Convenience: builds a model over the whole trace first.
void writeChromeTrace(const Trace& trace, std::ostream& out);
// Writes to a file atomically (file_io.hpp: a temporary file renamed over the
// target); throws std::runtime_error (FileError) naming the file when it cannot.
void writeChromeTraceFile(const Trace& trace, const std::string& path);

} // namespace parviz
