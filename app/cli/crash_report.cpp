#include "cli/crash_report.hpp"

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <execinfo.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define PARVIZ_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARVIZ_UNDER_ASAN 1
#endif
#endif

namespace parviz::cli {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

void say(const char* s) {
    std::size_t n = std::strlen(s);
    while (n > 0) {
        const ssize_t w = ::write(STDERR_FILENO, s, n);
        if (w <= 0) return;
        s += w;
        n -= static_cast<std::size_t>(w);
    }
}

// 0x + hex digits of v into out (at least 19 bytes).
void hex(std::uintptr_t v, char* out) {
    char digits[17];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v != 0 && n < 16);
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < n; ++i) out[2 + i] = digits[n - 1 - i];
    out[2 + n] = '\0';
}

const char* nameOf(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bad memory access)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (aborted)";
    default: return "a signal";
    }
}

void onCrash(int sig, siginfo_t* info, void*) {
    say("\nparviz crashed: ");
    say(nameOf(sig));
    if (sig != SIGABRT && info != nullptr) {
        char a[24];
        hex(reinterpret_cast<std::uintptr_t>(info->si_addr), a);
        say(" at address ");
        say(a);
    }
    say(".\nThis is a bug in parviz, not in your program or scenario. Please report it with the command line and "
        "the call stack below\n(addr2line -Cfe PATH/TO/parviz OFFSET names each +OFFSET's function and line):\n");
    void* frames[64];
    const int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
    // Die of the same signal: the exit status stays the truth.
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);
    _exit(128 + sig);
}

} // namespace

void installCrashReport() {
#ifndef PARVIZ_UNDER_ASAN
    // Its first call loads libgcc's unwinder (malloc, dlopen): done here, not in the handler.
    void* warm[2];
    (void)backtrace(warm, 2);
    static char altStack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = altStack;
    ss.ss_size = sizeof altStack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_sigaction = onCrash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    for (const int sig : kSignals) sigaction(sig, &sa, nullptr);
#endif
}

} // namespace parviz::cli
