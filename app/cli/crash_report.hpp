#pragma once

namespace parviz::cli {

// A crash of parviz itself says where: on SIGSEGV, SIGBUS, SIGFPE, SIGILL or
// SIGABRT the handler writes "parviz crashed: SIGSEGV (address 0x…)", the
// bug-report hint and the raw call stack (glibc backtrace_symbols_fd: one
// "parviz(+0xOFFSET)" line a frame, which `addr2line -Cfe parviz OFFSET`
// turns into a function and line) to stderr, then dies of the same signal,
// so the exit status (128 + signal in a shell) is still the truth.
// Installed in the parviz process only, after the fork server has started:
// workers and the fork server keep the default actions (a worker that
// crashes on purpose, --crash-worker, is the run's business, not a bug).
// Not installed under AddressSanitizer, whose own report is better.
// Async-signal-safe apart from backtrace() itself, which is called once at
// install time so that its first call (which loads libgcc) is not in the
// handler. Runs on its own stack, so a stack overflow is reported too.
void installCrashReport();

} // namespace parviz::cli
