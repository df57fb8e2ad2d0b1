// The pure half of machine_load.hpp: judging a measurement, its words, and
// its encoding as a trace event. The OS readings are in machine_load_posix.cpp.
#include "parviz/machine_load.hpp"
#include "parviz/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz {

BusyVerdict judgeMachineLoad(const MachineLoad& m) noexcept {
    BusyVerdict v;
    if (m.cores <= 0 || m.coreNs <= 0) return v;
    const std::int64_t minSpan = m.preciseIdle ? kMinJudgedSpanPreciseNs : kMinJudgedSpanTicksNs;
    if (m.spanNs < minSpan) {
        v.neededSpanNs = minSpan;
        return v;
    }
    const double share = std::clamp(static_cast<double>(m.otherNs) / static_cast<double>(m.coreNs), 0.0, 1.0);
    v.otherShare = share;
    v.busy = share > kBusyThreshold;
    return v;
}

std::string describeBusy(const BusyVerdict& v, std::optional<WorkKind> work) {
    if (!v.busy || !v.otherShare) return "busy: unknown: " + describeUnjudged(v);
    char buf[160];
    const int pct = static_cast<int>(std::lround(*v.otherShare * 100));
    if (*v.busy && work == WorkKind::Sleep)
        std::snprintf(buf, sizeof buf,
                      "machine busy: other processes took %d %% of the cores; sleep work needs no core, so its timings hold",
                      pct);
    else if (*v.busy)
        std::snprintf(buf, sizeof buf,
                      "machine busy: other processes took %d %% of the cores; timings not comparable", pct);
    else
        std::snprintf(buf, sizeof buf, "machine quiet: other processes took %d %% of the cores", pct);
    return buf;
}

std::string describeUnjudged(const BusyVerdict& v) {
    if (v.neededSpanNs <= 0) return "not measured whether other programs used the cores";
    char buf[64];
    if (v.neededSpanNs >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(v.neededSpanNs) / 1e9);
    else std::snprintf(buf, sizeof buf, "%g ms", static_cast<double>(v.neededSpanNs) / 1e6);
    return std::string("too short to tell whether other programs used the cores (needs ") + buf +
           " of samples; run with --time-scale 1 or more work)";
}

std::string describeBusyShort(const BusyVerdict& v, std::optional<WorkKind> work) {
    if (v.busy != true) return "";
    char buf[80];
    std::snprintf(buf, sizeof buf, work == WorkKind::Sleep ? "others took %d %%; sleep needs no core"
                                                           : "machine busy: others took %d %%",
                  static_cast<int>(std::lround(v.otherShare.value_or(0) * 100)));
    return buf;
}

bool busyMatters(const BusyVerdict& v, std::optional<WorkKind> work) noexcept {
    return v.busy == true && work != WorkKind::Sleep;
}

Event machineLoadEvent(std::int64_t t, const MachineLoad& m) noexcept {
    return Event{t,
                 kParentProc,
                 EventKind::MachineLoad,
                 static_cast<std::uint8_t>(m.preciseIdle ? 1 : 0),
                 m.cores,
                 static_cast<std::uint64_t>(std::max<std::int64_t>(0, m.otherNs)),
                 static_cast<std::uint64_t>(std::max<std::int64_t>(0, m.coreNs))};
}

MachineLoad machineLoadFromEvent(const Event& e) noexcept {
    MachineLoad m;
    m.cores = std::max(0, e.obj);
    m.otherNs = static_cast<std::int64_t>(std::min<std::uint64_t>(e.a, INT64_MAX));
    m.coreNs = static_cast<std::int64_t>(std::min<std::uint64_t>(e.b, INT64_MAX));
    m.spanNs = m.cores > 0 ? m.coreNs / m.cores : 0;
    m.preciseIdle = (e.flags & 1) != 0;
    return m;
}

std::optional<MachineLoad> machineLoadOf(const Trace& trace) {
    // It is written just before RunEnd: search from the end.
    for (std::size_t i = trace.size(); i-- > 0;)
        if (trace[i].kind == EventKind::MachineLoad) return machineLoadFromEvent(trace[i]);
    return std::nullopt;
}

} // namespace parviz
