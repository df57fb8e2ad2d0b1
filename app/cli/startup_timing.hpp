#pragma once
// PARVIZ_TIMING=1: how long the window takes to show its first frame, phase
// by phase, on stderr ("parviz timing:   412.3 ms  fonts rasterised  (+96.0)").
// Times are from the process's start (exec, read from /proc/self/stat, to
// 10 ms), each line with the time since the line before. Unset, mark() is a
// test of one bool: start-up pays nothing for it.
//
// The lines a caller can rely on (tests/gui/first_frame_test.cpp and bench/first_frame.py read them):
//   "first frame presented"  the first swap of a drawn frame
//   "window shown"           the window mapped, with a drawn frame (frame 2-4)
namespace parviz::startup {

// Whether PARVIZ_TIMING is set to something other than "" or "0" (read once).
bool timingOn() noexcept;
// The time since the process started, in ms (also when timing is off).
double sinceStartMs() noexcept;
// Prints "parviz timing: <ms since start> ms  <phase>  (+<ms since the last mark>)" when timing is on.
void mark(const char* phase) noexcept;

} // namespace parviz::startup
