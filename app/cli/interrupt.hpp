#pragma once
// Ctrl-C (SIGINT), SIGTERM (also what `timeout` sends) and SIGHUP during
// `parviz run`: the run is stopped, what was recorded is written to the output
// files marked incomplete, and parviz exits 128 + the signal (130 after
// Ctrl-C, 143 after SIGTERM, 129 after SIGHUP), as shells expect.
//
// How: the three signals are blocked in the calling thread from construction,
// so every thread the run starts afterwards inherits the mask (no handler runs
// on a random thread, no system call of the engine is interrupted), and the
// command polls for them with take(). Workers are not affected: the fork
// server that clones them was started before, with default dispositions, so a
// terminal's Ctrl-C reaches them as it reaches CPython's workers.
namespace parviz::cli {

class InterruptSignals {
public:
    InterruptSignals();    // blocks SIGINT, SIGTERM, SIGHUP in the calling thread
    ~InterruptSignals();   // restores the previous mask
    InterruptSignals(const InterruptSignals&) = delete;
    InterruptSignals& operator=(const InterruptSignals&) = delete;

    // The first of the signals received so far, or 0; never blocks.
    int take() noexcept;
    // Restores the previous mask early: once the run is stopped, a second
    // Ctrl-C ends parviz at once (output files are renamed into place whole,
    // so it can leave a temporary file but never a torn one). Also ignores
    // SIGPIPE from then on, so that a closed terminal (SIGHUP) cannot kill
    // parviz while it writes the files.
    void release() noexcept;

private:
    int m_got = 0;
    bool m_released = false;
    unsigned char m_old[128];   // the previous sigset_t (opaque here: no <signal.h> in the header)
};

// "SIGINT", "SIGTERM", "SIGHUP".
const char* interruptName(int sig) noexcept;

} // namespace parviz::cli
