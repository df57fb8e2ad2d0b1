#pragma once
// The Code panel's Python-style listing, generated from a scenario and the
// parameters a run uses (pool size, work kind, chunksize, tasks), so the
// listing never disagrees with what runs: `--workers 4 --work cpu` on `pool`
// shows `Pool(4)` and the CPU work call.
//
// A pure function of its arguments (no I/O, no global state). Each kind's
// lines come from its scenario program (core/src/kinds/<kind>.cpp).
// Every kind gets a listing, a user's file too; a file that writes its own
// `code` gets that, as written (it then does not follow the parameters).
//
// Anchors are the vocabulary of docs/scenario-format.md ("The code listing"):
// buildCodeView (views.hpp) marks each process on the line whose anchor names
// its latest event, so the anchors follow what the kind's run body (in the
// same file as its listing) really emits.
#include "parviz/scenario.hpp"
#include "parviz/work.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace parviz {

// Overrides a run applies on top of the scenario (nullopt: the scenario's own).
struct ListingParams {
    std::optional<int> workers;              // --workers: pool size / process count
    std::optional<WorkKind> work;            // --work: every task's work
    std::optional<std::size_t> chunksize;    // the pool's chunksize
    // Work durations are multiplied by TIME_SCALE = this. The listing shows it
    // only when set (and not 1); the program uses it, else the scenario's own.
    std::optional<double> timeScale;
};

// The listing, one CodeLine per line. Long data (more than a few tasks or
// items) is shortened with "..." and a comment giving the full count, so a
// million-task file still gives a listing of a few dozen lines.
std::vector<Scenario::CodeLine> generateListing(const Scenario& s, const ListingParams& p = {});

// `parviz export-python`: the same listing as a complete, runnable Python 3
// program (standard library only), one string ending in a newline. The same
// kind functions write it, so it cannot diverge from the listing; it differs
// in what running needs: a header naming the scenario, TIME_SCALE when the
// scale is not 1 (each work call multiplies by it; sleep keeps fractions, CPU
// work spins until time.process_time() has advanced that much), every task and
// item written out (never shortened), module-level code under a main guard,
// and for queue kinds a Queue class with parviz's semantics (see listing.cpp,
// addQueueClass) instead of CPython's racy feeder thread. A file's own `code`
// is ignored: it is text to show, not a program. Pure, like generateListing.
std::string generatePythonProgram(const Scenario& s, const ListingParams& p = {});

} // namespace parviz
