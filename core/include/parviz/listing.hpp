#pragma once
// The Code panel's Python-style listing, generated from a scenario and the
// parameters a run uses (pool size, work kind, chunksize, tasks), so the
// listing never disagrees with what runs: `--workers 4 --work cpu` on `pool`
// shows `Pool(4)` and the CPU work call.
//
// A pure function of its arguments (no I/O, no global state), so it can move
// into per-kind scenario objects later without changing what it produces.
// Every kind gets a listing, a user's file too; a file that writes its own
// `code` gets that, as written (it then does not follow the parameters).
//
// Anchors are the vocabulary of docs/scenario-format.md ("The code listing"):
// buildCodeView (views.hpp) marks each process on the line whose anchor names
// its latest event, so the anchors here follow what the run body in run.cpp
// really emits.
#include "parviz/scenario.hpp"
#include "parviz/work.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace parviz {

// Overrides a run applies on top of the scenario (nullopt: the scenario's own).
struct ListingParams {
    std::optional<int> workers;              // --workers: pool size / process count
    std::optional<WorkKind> work;            // --work: every task's work
    std::optional<std::size_t> chunksize;    // the pool's chunksize
};

// The listing, one CodeLine per line. Long data (more than a few tasks or
// items) is shortened with "..." and a comment giving the full count, so a
// million-task file still gives a listing of a few dozen lines.
std::vector<Scenario::CodeLine> generateListing(const Scenario& s, const ListingParams& p = {});

} // namespace parviz
