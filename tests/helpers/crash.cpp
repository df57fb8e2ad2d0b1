// Helper: dies of SIGSEGV (the exit code must read -11).
// The default action first: a sanitizer runtime (ASan, the ci-sanitize build)
// installs its own SIGSEGV handler, which would report and exit 1 instead of
// letting the process die of the signal this helper exists to show.
#include <csignal>
int main() {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
    return 0;
}
