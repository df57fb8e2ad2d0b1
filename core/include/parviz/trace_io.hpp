#pragma once
// Saved runs: a Trace written to a file and read back for replay.
//
// Format (version 12, all integers little-endian):
//   "PARVIZRUN" (9 bytes)  u32 version
//   u64 n, n bytes of meta JSON (TraceMeta: scenario, title, work, workers,
//       time_scale, total_cores, usable_cores, core_source, procs, objects
//       ([{"kind": "queue"|"lock"|"event"|"condition"|"barrier", "id", "name",
//       "size" (when not 0), "semaphore" (when true)}]), incomplete)
//   u64 n, then n strings, each u32 length + bytes (the events' string ids are
//       indexes into this table; only referenced strings are kept)
//   u64 n, then n events of 32 bytes: i64 t, u16 proc, u8 kind, u8 flags,
//       i32 obj, u64 a, u64 b
//   u64 FNV-1a 64 of every byte before it
// Loading checks the magic, the version, every length against the file size,
// and the checksum; then every metadata number against its limits (cores,
// processes, time scale) and every event field against the file's own
// metadata: its kind, non-decreasing times, ProcIds, string ids, core numbers
// (< the run's cores), queue and lock ids (in the file's object table), worker
// states, exit statuses, signals. Every allocation is bounded by the file's
// size. A damaged or hostile file gets a TraceFileError naming the event and
// the field, never a crash, a hang or a huge allocation.
//
// Versions (the "version" word; bump it when the format or the meaning of an
// event changes, and keep reading older ones where possible):
//   1  the first saved runs
//   2  meta gains "incomplete" (an interrupted run); format 1 files still open
//   3  the TaskChunk event kind; format 1 and 2 files still open
//   4  the MachineLoad event kind (other processes' share of the cores); 1-3 still open
//   5  SourceLine events (a traced Python program's file:line); 1-4 still open
//   6  one "objects" table with a kind per object instead of "queues" and
//      "locks" (TraceMeta::objects); 1-5 still open
//   7  the RunStop event kind (a run stopped on request, and by which signal); 1-6 still open
//   8  CoreLoad samples split: flags 0 = every process but parviz's own threads,
//      flags 1 = parviz's own threads (window, collector); before, one sample
//      counted every process; 1-7 still open
//   9  a traced program's synchronisation primitives: object kinds "event",
//      "condition", "barrier", an object's "size" (a Semaphore's value: a lock
//      several may hold; a Barrier's parties), the SyncWait, SyncWake and
//      SyncSignal event kinds; 1-8 still open
//  10  a traced program's task errors, Semaphores and dropped queue items:
//      TaskEnd's b = 1 + the string id of what a traced task raised (0: not
//      said); an object's "semaphore": true (a Semaphore, whose initial
//      value may be 0; in format 9 a lock with a size is one); QueueGet
//      flags 1 = the item was dropped unread (a traced Pool's terminate).
//      Older files read as b = 0 and flags 0; 1-9 still open
//  11  the PoolResult event kind (when the program received each pool result); 1-10 still open
//  12  the ProcJoin event kind (a traced program's Process.join: who waits for whom); 1-11 still open
//  13  a second MachineLoad event before the run's measurement, flags bit 1: who took the cores
//      (a = string id of the named programs, b = steal ns, machine_load.hpp); 1-12 still open
// A file of an older format that cannot be read any more is refused with
// "written by an older parviz (format N)"; a newer one with "written by a
// newer parviz (format N)".
#include "parviz/trace.hpp"

#include <memory>
#include <stdexcept>
#include <string>

namespace parviz {

inline constexpr std::uint32_t kTraceFileVersion = 13;
// The oldest format this parviz still reads.
inline constexpr std::uint32_t kOldestTraceFileVersion = 1;
// loadTrace reads only regular files of at most this size (1 GiB).
inline constexpr std::size_t kMaxTraceFileBytes = std::size_t{1} << 30;

struct TraceFileError : std::runtime_error {
    using std::runtime_error::runtime_error;   // message: "<file>: <reason>"
};

// Saves the events present now (a consistent prefix if the run goes on),
// atomically (file_io.hpp: a temporary file renamed over the target).
// Throws TraceFileError when the file cannot be written.
void saveTrace(const Trace& trace, const std::string& path);
// Reads only a regular file of at most kMaxTraceFileBytes (a FIFO or a device
// is refused with the reason). The loaded trace has meta.finished = true, meta.loaded = true and the core
// source that was recorded.
std::shared_ptr<Trace> loadTrace(const std::string& path);

// The same, on bytes in memory (the file functions use these; tests too).
std::string serializeTrace(const Trace& trace);
std::shared_ptr<Trace> deserializeTrace(const std::string& bytes, const std::string& sourceName);

} // namespace parviz
