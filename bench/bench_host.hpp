#pragma once
// What every benchmark prints with its numbers: the kernel's clocksource and
// how parviz stamps trace events (both move every traced number: issue 12
// measured the Collector at 17-25 ns of parent CPU per event on a `tsc` host
// and 88-180 ns on `kvm-clock`; PARVIZ_TRACE_CLOCK=mono reproduces the latter's
// clock side anywhere), and the Collector's CPU per event of a traced run.
#include "parviz/clock.hpp"
#include "parviz/recorder.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace parviz::bench {

inline std::string clocksource() {
    std::ifstream f("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string s;
    std::getline(f, s);
    return s.empty() ? "unknown" : s;
}

// One line: "host: clocksource tsc; trace stamps: TSC ticks: the kernel's
// clocksource is tsc" (traceClockReason(): which clock stamps events and why).
inline void printHost() {
    std::printf("host: clocksource %s; trace stamps: %s\n", clocksource().c_str(), traceClockReason());
}

// "  Collector: 21.3 ns CPU per event (1234567 events)" for a finished Recorder.
inline void printCollectorCost(const Recorder& rec, const char* indent = "  ") {
    const auto c = rec.collectorCost();
    std::printf("%sCollector: %.1f ns CPU per event (%llu events merged)\n", indent, c.nsPerEvent(),
                static_cast<unsigned long long>(c.events));
}

} // namespace parviz::bench
