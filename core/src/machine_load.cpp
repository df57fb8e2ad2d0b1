// The pure half of machine_load.hpp: judging a measurement, its words, and
// its encoding as a trace event. The OS readings are in machine_load_posix.cpp.
#include "parviz/machine_load.hpp"
#include "parviz/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace parviz {

double ticksShareError(std::int64_t spanNs) noexcept {
    // Each core's idle counter is read twice, each reading up to a tick
    // (10 ms) off: 2 ticks a core, over the core's span.
    return spanNs > 0 ? 2.0 * 10'000'000.0 / static_cast<double>(spanNs) : 1.0;
}

BusyVerdict judgeMachineLoad(const MachineLoad& m) {
    BusyVerdict v;
    if (m.cores <= 0 || m.coreNs <= 0) return v;
    const double coreNs = static_cast<double>(m.coreNs);
    v.stealShare = std::clamp(static_cast<double>(m.stealNs) / coreNs, 0.0, 1.0);
    for (const OtherProgram& o : m.others) v.others.emplace_back(o.name, std::clamp(static_cast<double>(o.ns) / coreNs, 0.0, 1.0));
    const std::int64_t minSpan = m.preciseIdle ? kMinJudgedSpanPreciseNs : kMinJudgedSpanTicksNs;
    const double share = std::clamp(static_cast<double>(m.otherNs) / static_cast<double>(m.coreNs), 0.0, 1.0);
    if (m.spanNs < minSpan) {
        // Too short for the threshold's precision in general, but a clear
        // case is clear (session 23: a run of 0.8 s with others taking half
        // the cores was "busy: unknown"): the ticks' rounding moves the share
        // by at most ticksShareError; a share further than that from the
        // threshold is judged, as it would be with exact counters.
        const double err = m.preciseIdle ? 0.0 : ticksShareError(m.spanNs);
        if (m.preciseIdle || m.spanNs <= 0 || std::abs(share - kBusyThreshold) <= err) {
            v.neededSpanNs = minSpan;
            return v;
        }
    }
    v.otherShare = share;
    v.busy = share > kBusyThreshold;
    return v;
}

BusyVerdict judgeFromWorkers(BusyVerdict v, std::optional<WorkKind> work, int workers, int cores,
                             std::int64_t makespanNs, std::int64_t workersWantedNs, std::int64_t workersOnCpuNs) noexcept {
    if (v.busy || work != WorkKind::Cpu || workers <= 0 || cores <= 0 || makespanNs <= 0 || workersWantedNs <= 0 ||
        workersOnCpuNs <= 0)
        return v;
    const double coresTime = static_cast<double>(cores) * static_cast<double>(makespanNs);
    const double couldHave = std::min(static_cast<double>(workersWantedNs), coresTime);
    const double missed = std::max(0.0, couldHave - static_cast<double>(workersOnCpuNs));
    const double share = std::clamp(missed / coresTime, 0.0, 1.0);
    v.otherShare = share;
    v.busy = share > kBusyFromWorkersThreshold;
    v.fromWorkers = true;
    v.workers = workers;
    v.cores = cores;
    return v;
}

namespace {
// "2 workers on 2 cores"
std::string workersOnCores(const BusyVerdict& v) {
    return std::to_string(v.workers) + (v.workers == 1 ? " worker on " : " workers on ") + std::to_string(v.cores) +
           (v.cores == 1 ? " core" : " cores");
}
} // namespace

std::string describeParvizShare(double share) {
    return "parviz's own threads took " + std::to_string(static_cast<int>(std::lround(share * 100))) +
           " % of the cores (recording the run; drawing it, in the window): the run's processes had that much less";
}

std::string describeOthers(const BusyVerdict& v) {
    std::string r;
    for (const auto& [name, share] : v.others) {
        if (!r.empty()) r += ", ";
        r += name + " " + std::to_string(static_cast<int>(std::lround(share * 100))) + " %";
    }
    // Steal is named when it is a real part of the others' share, not ticks' noise.
    if (v.stealShare >= kMinNamedShare) {
        if (!r.empty()) r += ", ";
        r += "the VM's host " + std::to_string(static_cast<int>(std::lround(v.stealShare * 100))) + " % (steal time)";
    }
    return r;
}

namespace {
// " (firefox 20 %, Xvfb 5 %)" or "".
std::string othersInParens(const BusyVerdict& v) {
    const std::string who = describeOthers(v);
    return who.empty() ? std::string() : " (" + who + ")";
}
} // namespace

std::string describeBusy(const BusyVerdict& v, std::optional<WorkKind> work, bool upToHere) {
    const char* cut = upToHere ? " up to here" : "";
    if (!v.busy || !v.otherShare) return "busy: unknown: " + describeUnjudged(v);
    char buf[320];
    const int pct = static_cast<int>(std::lround(*v.otherShare * 100));
    if (v.fromWorkers) {
        // Said as what was seen: the workers' own core time, and why the
        // machine's counters did not judge it.
        const std::string why = v.neededSpanNs > 0 ? "the run was too short for the machine's counters, so judged by "
                                                   : "judged by ";
        if (*v.busy)
            std::snprintf(buf, sizeof buf,
                          "machine busy: the workers went without a core for %d %% of the cores' time, more than %s "
                          "explain, so other programs took them (%sthe workers' own core time)%s; timings not comparable",
                          pct, workersOnCores(v).c_str(), why.c_str(), cut);
        else
            std::snprintf(buf, sizeof buf,
                          "machine quiet enough: the workers had the cores they wanted (%d %% of the cores' time "
                          "missing, %s; %sthe workers' own core time)",
                          pct, workersOnCores(v).c_str(), why.c_str());
        return buf;
    }
    const std::string who = othersInParens(v);
    if (*v.busy && work == WorkKind::Sleep)
        std::snprintf(buf, sizeof buf,
                      "machine busy: other processes took %d %% of the cores%s%s; sleep work needs no core, so its timings hold",
                      pct, who.c_str(), cut);
    else if (*v.busy)
        std::snprintf(buf, sizeof buf, "machine busy: other processes took %d %% of the cores%s%s; timings not comparable",
                      pct, who.c_str(), cut);
    else
        std::snprintf(buf, sizeof buf, "machine quiet: other processes took %d %% of the cores%s", pct, who.c_str());
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

std::string describeUnjudgedShort(const BusyVerdict& v) {
    return v.neededSpanNs > 0 ? "busy: unknown (run too short)" : "busy: unknown (not measured)";
}

std::string describeBusyShort(const BusyVerdict& v, std::optional<WorkKind> work, bool upToHere) {
    if (v.busy != true) return "";
    char buf[96];
    std::snprintf(buf, sizeof buf, work == WorkKind::Sleep ? "others took %d %%%s, but sleep needs no core"
                                   : v.fromWorkers ? "machine busy: workers lacked %d %% of cores%s"
                                                   : "machine busy: others took %d %%%s",
                  static_cast<int>(std::lround(v.otherShare.value_or(0) * 100)), upToHere ? " up to here" : "");
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

std::string encodeOtherPrograms(const std::vector<OtherProgram>& others) {
    std::string r;
    for (const OtherProgram& o : others) {
        std::string name = o.name;
        std::replace(name.begin(), name.end(), '\n', ' ');
        r += std::to_string(std::max<std::int64_t>(0, o.ns)) + " " + name + "\n";
    }
    return r;
}

std::vector<OtherProgram> decodeOtherPrograms(std::string_view text) {
    std::vector<OtherProgram> r;
    while (!text.empty() && r.size() < kMaxOtherPrograms) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        const auto sp = line.find(' ');
        if (sp == 0 || sp == std::string_view::npos || sp + 1 >= line.size() || sp > 18) continue;   // 18 digits: no int64 overflow
        std::int64_t ns = 0;
        bool digits = true;
        for (char c : line.substr(0, sp)) digits = digits && c >= '0' && c <= '9';
        if (!digits) continue;
        for (char c : line.substr(0, sp)) ns = ns * 10 + (c - '0');
        r.push_back({std::string(line.substr(sp + 1, 64)), ns});
    }
    return r;
}

void addOthersFromEvent(MachineLoad& m, const Event& others, const Trace& trace) {
    if (others.kind != EventKind::MachineLoad || !(others.flags & kMachineLoadOthers)) return;
    m.stealNs = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min<std::uint64_t>(others.b, INT64_MAX)), 0,
                                         m.otherNs);
    m.others = decodeOtherPrograms(trace.string(others.a));
}

std::optional<MachineLoad> machineLoadOf(const Trace& trace) {
    // It is written just before RunEnd, its "others" event just before it: search from the end.
    for (std::size_t i = trace.size(); i-- > 0;) {
        if (trace[i].kind != EventKind::MachineLoad || (trace[i].flags & kMachineLoadOthers)) continue;
        MachineLoad m = machineLoadFromEvent(trace[i]);
        for (std::size_t j = i; j-- > 0 && i - j <= 64;)
            if (trace[j].kind == EventKind::MachineLoad) {
                addOthersFromEvent(m, trace[j], trace);
                break;
            }
        return m;
    }
    return std::nullopt;
}

} // namespace parviz
