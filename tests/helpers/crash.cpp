// Helper: dies of SIGSEGV (the exit code must read -11).
#include <csignal>
int main() {
    std::raise(SIGSEGV);
    return 0;
}
