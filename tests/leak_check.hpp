#pragma once
// Nothing is left behind: after every test case, no child process of the test
// process (other than the fork server), no extra open file descriptor and no
// new file in /dev/shm. A Catch listener (leak_check.cpp) compares against a
// snapshot taken when the test case starts, prints what leaked to stderr and
// makes the test binary exit non-zero (a listener cannot fail a test itself).
#include <string>

namespace parviz::test {

// What leaked since the current test case started, one item per line;
// empty when clean. Tests call it to prove the check can fail.
std::string leakReport();
// Takes the snapshot leakReport() compares against (the listener does it at
// every test case start).
void takeLeakSnapshot();
// True once any test case ended with a leak; main() returns 1 then.
bool leaksFound() noexcept;

} // namespace parviz::test
