#include "cli/interrupt.hpp"

#include <csignal>
#include <cstring>
#include <ctime>
#include <pthread.h>

namespace parviz::cli {

namespace {

sigset_t interruptSet() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

} // namespace

static_assert(sizeof(sigset_t) <= 128, "InterruptSignals::m_old must hold a sigset_t");

InterruptSignals::InterruptSignals() {
    sigset_t set = interruptSet(), old;
    pthread_sigmask(SIG_BLOCK, &set, &old);
    std::memcpy(m_old, &old, sizeof old);
}

InterruptSignals::~InterruptSignals() { release(); }

int InterruptSignals::take() noexcept {
    if (m_got != 0 || m_released) return m_got;
    sigset_t set = interruptSet();
    const timespec zero{0, 0};
    int s = sigtimedwait(&set, nullptr, &zero);
    if (s > 0) m_got = s;
    return m_got;
}

void InterruptSignals::release() noexcept {
    if (m_released) return;
    m_released = true;
    if (m_got != 0) std::signal(SIGPIPE, SIG_IGN);
    sigset_t old;
    std::memcpy(&old, m_old, sizeof old);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

const char* interruptName(int sig) noexcept {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

} // namespace parviz::cli
