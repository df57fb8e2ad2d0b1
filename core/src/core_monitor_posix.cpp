// CoreMonitor on Linux: perf context-switch records, or /proc sampling.
//
// [SECTION] Helpers
// [SECTION] Perf: one dummy software event per watched process
// [SECTION] Sampling: /proc/<pid>/stat + /proc/<pid>/schedstat
// [SECTION] Core load from /proc/stat
// [SECTION] The monitor
#include "parviz/core_monitor.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <map>
#include <string>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace parviz {

namespace {

// =============================================================================
// [SECTION] Helpers
// =============================================================================

std::int64_t monoNs() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Reads a small /proc file through a kept-open descriptor; "" on failure
// (a reaped process's files fail with ESRCH).
std::string preadAll(int fd) {
    char buf[1024];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) return {};
    return std::string(buf, static_cast<std::size_t>(n));
}

Event coreEvent(std::int64_t t, ProcId p, EventKind k, int core, std::uint8_t flags = 0) {
    return Event{t, p, k, flags, core, 0, 0};
}

bool earlier(const Event& a, const Event& b) noexcept { return a.t < b.t; }

// =============================================================================
// [SECTION] Perf: one dummy software event per watched process
// =============================================================================

constexpr std::size_t kPerfDataPages = 16;   // 64 KiB: thousands of switches per Collector pass

struct PerfWatch {
    int fd = -1;
    void* base = nullptr;
    std::size_t mapBytes = 0;
    int onCore = -1;   // core of the last CoreIn without its CoreOut
    bool seenAny = false;
    // When records began to reach the buffer (after the mmap): a switch-in
    // before it is lost, so a first record that is a switch-out means the
    // process went on its core no later than this.
    std::int64_t attachedAt = 0;
};

perf_event_attr switchAttr() {
    perf_event_attr a;
    std::memset(&a, 0, sizeof(a));
    a.size = sizeof(a);
    a.type = PERF_TYPE_SOFTWARE;
    a.config = PERF_COUNT_SW_DUMMY;
    a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
    a.sample_id_all = 1;
    a.context_switch = 1;
    a.task = 1;              // PERF_RECORD_EXIT: a dying task's last switch-out is not recorded
    a.exclude_kernel = 1;
    a.use_clockid = 1;
    a.clockid = CLOCK_MONOTONIC;
    a.inherit = 0;
    // Readable (poll, epoll) once a quarter of the buffer is written: the
    // Collector, which may sleep up to collectMaxIntervalMs while the trace
    // is quiet, is woken then (Recorder::wakeOnReadable), with three
    // quarters left. Nobody polling: no cost.
    a.watermark = 1;
    a.wakeup_watermark = static_cast<std::uint32_t>(kPerfDataPages * 4096 / 4);
    return a;
}

int perfOpen(pid_t pid) {
    perf_event_attr a = switchAttr();
    return static_cast<int>(syscall(SYS_perf_event_open, &a, pid, -1, -1, PERF_FLAG_FD_CLOEXEC));
}

bool perfAllowed() {
    int fd = perfOpen(0);
    if (fd < 0) return false;
    close(fd);
    return true;
}

bool perfAttach(PerfWatch& w, pid_t pid) {
    w.fd = perfOpen(pid);
    if (w.fd < 0) return false;
    std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    w.mapBytes = (1 + kPerfDataPages) * page;
    w.base = mmap(nullptr, w.mapBytes, PROT_READ | PROT_WRITE, MAP_SHARED, w.fd, 0);
    if (w.base == MAP_FAILED) {
        close(w.fd);
        w.fd = -1;
        w.base = nullptr;
        return false;
    }
    // Stamped after the mmap, not before the open: the kernel writes no
    // record until the buffer is mapped, so a switch-in during the open or
    // the mmap is never seen. Stamped before them, the CoreIn guessed for
    // such a process began while the process it replaced on that core was
    // still there (an overlap of ~2 us, seen under ASan's slower mmap).
    w.attachedAt = monoNs();
    return true;
}

void perfDetach(PerfWatch& w) {
    if (w.base) munmap(w.base, w.mapBytes);
    if (w.fd >= 0) close(w.fd);
    w.base = nullptr;
    w.fd = -1;
}

// The sample_id trailer for TID|TIME|CPU, at the end of every record.
struct SampleId {
    std::uint32_t pid, tid;
    std::uint64_t time;
    std::uint32_t cpu, res;
};

// Reads every record published so far (data_head/data_tail protocol).
// `promised`: the time up to which poll() already told the Collector its data
// was complete; nothing read now may be stamped earlier.
void perfRead(PerfWatch& w, ProcId proc, std::vector<Event>& out, std::uint64_t& lostRecords,
              std::int64_t promised) {
    if (!w.base) return;
    auto* meta = static_cast<perf_event_mmap_page*>(w.base);
    const char* data = static_cast<const char*>(w.base) + meta->data_offset;
    std::uint64_t size = meta->data_size;
    std::uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    std::uint64_t tail = meta->data_tail;
    char rec[512];
    while (tail + sizeof(perf_event_header) <= head) {
        perf_event_header hdr;
        auto copy = [&](std::uint64_t at, char* dst, std::size_t len) {
            std::uint64_t off = at % size;
            std::size_t first = static_cast<std::size_t>(std::min<std::uint64_t>(len, size - off));
            std::memcpy(dst, data + off, first);
            if (first < len) std::memcpy(dst + first, data, len - first);
        };
        copy(tail, reinterpret_cast<char*>(&hdr), sizeof(hdr));
        if (hdr.size < sizeof(hdr) || tail + hdr.size > head) break;
        std::size_t len = std::min<std::size_t>(hdr.size, sizeof(rec));
        copy(tail, rec, len);
        tail += hdr.size;
        if (len < sizeof(hdr) + sizeof(SampleId)) continue;
        SampleId sid;
        std::memcpy(&sid, rec + len - sizeof(SampleId), sizeof(sid));
        auto t = static_cast<std::int64_t>(sid.time);
        int core = static_cast<int>(sid.cpu);
        switch (hdr.type) {
        case PERF_RECORD_SWITCH:
            if (!w.seenAny && (hdr.misc & PERF_RECORD_MISC_SWITCH_OUT)) {
                // It was already on that core when the watch began (its
                // switch-in, if any, came before records could; see
                // PerfWatch::attachedAt), so at attachedAt at the latest. Its first
                // record may come long after the watch, once poll() has promised
                // completeness past attachedAt: stamp it no earlier than that
                // promise (and no later than this switch-out) so the trace stays
                // sorted instead of taking a back-dated event.
                const std::int64_t in = std::min(t, std::max(w.attachedAt, promised));
                out.push_back(coreEvent(in, proc, EventKind::CoreIn, core));
            }
            w.seenAny = true;
            if (hdr.misc & PERF_RECORD_MISC_SWITCH_OUT) {
                std::uint8_t preempted = (hdr.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT) ? 1 : 0;
                out.push_back(coreEvent(t, proc, EventKind::CoreOut, core, preempted));
                w.onCore = -1;
            } else {
                out.push_back(coreEvent(t, proc, EventKind::CoreIn, core));
                w.onCore = core;
            }
            break;
        case PERF_RECORD_EXIT:
            if (w.onCore >= 0) out.push_back(coreEvent(t, proc, EventKind::CoreOut, w.onCore));
            w.onCore = -1;
            break;
        case PERF_RECORD_LOST: {
            std::uint64_t body[2] = {0, 0};
            std::memcpy(body, rec + sizeof(hdr), std::min<std::size_t>(sizeof(body), len - sizeof(hdr)));
            lostRecords += body[1];
            break;
        }
        default: break;
        }
    }
    __atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
}

// =============================================================================
// [SECTION] Sampling: /proc/<pid>/stat + /proc/<pid>/schedstat
// =============================================================================

struct SampleWatch {
    int statFd = -1;
    int schedFd = -1;
    std::int64_t lastRunNs = -1;   // schedstat field 1 at the previous sample
    int lastCore = -1;
};

bool sampleAttach(SampleWatch& w, pid_t pid) {
    std::string dir = "/proc/" + std::to_string(pid) + "/";
    w.statFd = open((dir + "stat").c_str(), O_RDONLY | O_CLOEXEC);
    w.schedFd = open((dir + "schedstat").c_str(), O_RDONLY | O_CLOEXEC);
    return w.statFd >= 0 && w.schedFd >= 0;
}

void sampleDetach(SampleWatch& w) {
    if (w.statFd >= 0) close(w.statFd);
    if (w.schedFd >= 0) close(w.schedFd);
    w.statFd = w.schedFd = -1;
}

// Field 39 of /proc/<pid>/stat (the core it last ran on), or -1.
int lastCoreOf(const std::string& stat) {
    std::size_t p = stat.rfind(')');
    if (p == std::string::npos) return -1;
    const char* s = stat.c_str() + p + 1;
    // After ')' come fields 3, 4, ...: field 39 is the 37th.
    for (int field = 3; field < 39; ++field) {
        while (*s == ' ') ++s;
        while (*s && *s != ' ') ++s;
        if (!*s) return -1;
    }
    return static_cast<int>(std::strtol(s, nullptr, 10));
}

// =============================================================================
// [SECTION] Core load from /proc/stat
// =============================================================================

constexpr std::int64_t kLoadPeriodNs = 100'000'000;

struct CpuTimes { std::uint64_t busy = 0; };

std::map<int, CpuTimes> readProcStat() {
    std::map<int, CpuTimes> r;
    FILE* f = std::fopen("/proc/stat", "re");
    if (!f) return r;
    char line[512];
    while (std::fgets(line, sizeof(line), f)) {
        int core;
        unsigned long long v[8] = {};
        if (std::strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;
        if (std::sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &core, &v[0], &v[1],
                        &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 8)
            continue;
        // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        r[core].busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    }
    std::fclose(f);
    return r;
}

// parviz's own threads (window, collector, llvmpipe's, controller) per core
// since the previous call: each thread's run time from
// /proc/self/task/<tid>/schedstat (ns, the scheduler's own accounting), put
// on the core it last ran on (field 39 of its stat; a thread that moved
// between the samples is counted where it ended: an approximation at the
// sample period, like the sampled core lanes). A thread first seen counts
// its whole run time (it started since the previous sample, or this is the
// first sample, whose time falls before the window and is clamped off).
std::map<int, std::int64_t> readOwnThreads(std::map<long, std::int64_t>& lastRun) {
    std::map<int, std::int64_t> perCore;
    DIR* d = opendir("/proc/self/task");
    if (!d) return perCore;
    std::map<long, std::int64_t> seen;
    while (const dirent* ent = readdir(d)) {
        if (ent->d_name[0] < '0' || ent->d_name[0] > '9') continue;
        const long tid = std::strtol(ent->d_name, nullptr, 10);
        const std::string base = std::string("/proc/self/task/") + ent->d_name;
        const int sfd = ::open((base + "/schedstat").c_str(), O_RDONLY | O_CLOEXEC);
        const int tfd = ::open((base + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
        const std::string sched = sfd >= 0 ? preadAll(sfd) : std::string();
        const std::string stat = tfd >= 0 ? preadAll(tfd) : std::string();
        if (sfd >= 0) ::close(sfd);
        if (tfd >= 0) ::close(tfd);
        if (sched.empty()) continue;
        const auto run = static_cast<std::int64_t>(std::strtoll(sched.c_str(), nullptr, 10));
        const auto it = lastRun.find(tid);
        const std::int64_t delta = run - (it == lastRun.end() ? 0 : it->second);
        seen[tid] = run;
        const int core = lastCoreOf(stat);
        if (core >= 0 && delta > 0) perCore[core] += delta;
    }
    closedir(d);
    lastRun = std::move(seen);   // threads that ended are forgotten
    return perCore;
}

// =============================================================================
// [SECTION] The monitor
// =============================================================================

class NullMonitor final : public CoreMonitor {
public:
    CoreSource source() const noexcept override { return CoreSource::None; }
    void watch(ProcId, pid_t) override {}
    void unwatch(ProcId) override {}
    std::int64_t poll(std::vector<Event>&) override { return monoNs(); }
};

class OsMonitor final : public CoreMonitor {
public:
    explicit OsMonitor(bool tryPerf) : m_tryPerf(tryPerf && perfAllowed()) {
        m_source = m_tryPerf ? CoreSource::PerfSwitch : CoreSource::Sampling;
        long hz = sysconf(_SC_CLK_TCK);
        m_nsPerTick = hz > 0 ? 1'000'000'000 / hz : 10'000'000;
        m_loadAt = monoNs();
        m_load = readProcStat();
        readOwnThreads(m_ownRun);
        m_lastSampleAt = m_loadAt;
    }
    ~OsMonitor() override {
        for (auto& [p, w] : m_watches) {
            perfDetach(w.perf);
            sampleDetach(w.sample);
        }
    }

    CoreSource source() const noexcept override { return m_source; }

    void watch(ProcId proc, pid_t pid) override {
        Watch w;
        if (m_tryPerf && perfAttach(w.perf, pid)) {
            w.usePerf = true;
            if (m_waker) m_waker->wakeOnReadable(w.perf.fd, false);
        } else {
            // Refused (paranoid level, seccomp, ...): this process is sampled,
            // and the trace says the picture is only sampled.
            if (m_tryPerf) m_tryPerf = false;
            m_source = CoreSource::Sampling;
            sampleAttach(w.sample, pid);
        }
        m_watches[proc] = w;
    }

    void unwatch(ProcId proc) override {
        auto it = m_watches.find(proc);
        if (it == m_watches.end()) return;
        Watch& w = it->second;
        if (w.usePerf) {
            perfRead(w.perf, proc, m_pending, m_perfLost, m_promised);
            // No EXIT record (e.g. the watch was dropped early): close the span now.
            if (w.perf.onCore >= 0) m_pending.push_back(coreEvent(monoNs(), proc, EventKind::CoreOut, w.perf.onCore));
            perfDetach(w.perf);
        } else {
            sampleOne(proc, w.sample, monoNs(), m_lastSampleAt, m_pending);
            sampleDetach(w.sample);
        }
        m_watches.erase(it);
    }

    void setWaker(Recorder* r) override { m_waker = r; }

    void finalLoadSample() override {
        const std::int64_t now = monoNs();
        if (now > m_loadAt) pollLoad(now, m_pending);
    }

    std::int64_t poll(std::vector<Event>& out) override {
        // Time first: whatever the reads below miss happened after it.
        std::int64_t now = monoNs();
        const std::size_t from = out.size();
        out.insert(out.end(), m_pending.begin(), m_pending.end());
        m_pending.clear();
        for (auto& [proc, w] : m_watches)
            if (w.usePerf) perfRead(w.perf, proc, out, m_perfLost, m_promised);
        bool anySampled = false;
        for (auto& [proc, w] : m_watches)
            if (!w.usePerf) anySampled = true;
        if (anySampled) sampleAll(now, out);
        m_lastSampleAt = now;
        if (now - m_loadAt >= kLoadPeriodNs) pollLoad(now, out);
        // Each watch's records are in time order, but the watches come one
        // after another: hand them over merged. The Collector keeps its
        // staged events sorted by insertion, which costs one step per event
        // only if what it gets is nearly sorted; the concatenation of a
        // thousand workers' switch records made it quadratic (~10^5 records
        // per pass with 1024 workers yielding), the pass outgrew the interval,
        // every perf buffer filled meanwhile, and the next pass was larger
        // still. It held the recorder's lock throughout, so the pool's next
        // Process::start() (Recorder::started) never got it: a hung run.
        // Stable: a watch's own same-time records keep their order.
        if (!std::is_sorted(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), earlier))
            std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(from), out.end(), earlier);
        m_promised = now;
        return now;
    }

private:
    std::int64_t m_promised = 0;   // what the last poll() returned
    struct Watch {
        bool usePerf = false;
        PerfWatch perf;
        SampleWatch sample;
    };

    // One interval [since, now]: the on-CPU delta becomes a span ending at `now`
    // on the last core. Spans of several processes on one core are packed back
    // to back (the real order inside the interval is unknown; overlap would be
    // a lie). Returns false when the process is gone.
    bool sampleOne(ProcId proc, SampleWatch& w, std::int64_t now, std::int64_t since,
                   std::vector<Event>& out) {
        std::string sched = preadAll(w.schedFd);
        std::string stat = preadAll(w.statFd);
        if (sched.empty() || stat.empty()) return false;
        std::int64_t run = std::strtoll(sched.c_str(), nullptr, 10);
        int core = lastCoreOf(stat);
        if (core < 0) return false;
        if (w.lastRunNs < 0) {   // first look: the baseline (the process has not run yet)
            w.lastRunNs = 0;
        }
        std::int64_t delta = run - w.lastRunNs;
        w.lastRunNs = run;
        w.lastCore = core;
        if (delta <= 0) return true;
        std::int64_t& busyUntil = m_coreBusyUntil[core];
        std::int64_t start = std::max({now - delta, since, busyUntil});
        std::int64_t end = std::max(start, std::min(now, start + delta));
        busyUntil = end;
        out.push_back(coreEvent(start, proc, EventKind::CoreIn, core));
        out.push_back(coreEvent(end, proc, EventKind::CoreOut, core));
        return true;
    }

    void sampleAll(std::int64_t now, std::vector<Event>& out) {
        // Pack each core's spans so they end at `now`: first measure, then place.
        struct Reading { ProcId proc; int core; std::int64_t delta; };
        std::vector<Reading> rs;
        for (auto& [proc, w] : m_watches) {
            if (w.usePerf) continue;
            std::string sched = preadAll(w.sample.schedFd);
            std::string stat = preadAll(w.sample.statFd);
            if (sched.empty() || stat.empty()) continue;
            std::int64_t run = std::strtoll(sched.c_str(), nullptr, 10);
            int core = lastCoreOf(stat);
            if (core < 0) continue;
            std::int64_t base = w.sample.lastRunNs < 0 ? 0 : w.sample.lastRunNs;
            w.sample.lastRunNs = run;
            w.sample.lastCore = core;
            if (run > base) rs.push_back({proc, core, run - base});
        }
        std::map<int, std::int64_t> total;
        for (const Reading& r : rs) total[r.core] += r.delta;
        std::map<int, std::int64_t> cursor;
        for (const Reading& r : rs) {
            auto [it, fresh] = cursor.try_emplace(r.core, now - total[r.core]);
            std::int64_t floor = std::max(m_lastSampleAt, m_coreBusyUntil[r.core]);
            std::int64_t start = std::max(it->second, floor);
            std::int64_t end = std::min(now, std::max(start, it->second + r.delta));
            it->second = it->second + r.delta;
            if (end <= start) continue;
            m_coreBusyUntil[r.core] = end;
            out.push_back(coreEvent(start, r.proc, EventKind::CoreIn, r.core));
            out.push_back(coreEvent(end, r.proc, EventKind::CoreOut, r.core));
        }
    }

    // Per core and sample: the busy time of every process but parviz's own
    // threads (flags 0), and parviz's own threads' time (flags 1). Saved-run
    // format 8; before it, one sample per core counted every process.
    void pollLoad(std::int64_t now, std::vector<Event>& out) {
        auto cur = readProcStat();
        const std::map<int, std::int64_t> own = readOwnThreads(m_ownRun);
        std::int64_t span = now - m_loadAt;
        for (auto& [core, c] : cur) {
            auto it = m_load.find(core);
            if (it == m_load.end()) continue;
            std::int64_t busy = static_cast<std::int64_t>(c.busy - it->second.busy) * m_nsPerTick;
            busy = std::clamp<std::int64_t>(busy, 0, span);
            const auto o = own.find(core);
            const std::int64_t mine = std::clamp<std::int64_t>(o == own.end() ? 0 : o->second, 0, busy);
            out.push_back(Event{now, kParentProc, EventKind::CoreLoad, 0, core,
                                static_cast<std::uint64_t>(busy - mine), static_cast<std::uint64_t>(span)});
            out.push_back(Event{now, kParentProc, EventKind::CoreLoad, 1, core,
                                static_cast<std::uint64_t>(mine), static_cast<std::uint64_t>(span)});
        }
        m_load = std::move(cur);
        m_loadAt = now;
    }

    bool m_tryPerf;
    Recorder* m_waker = nullptr;   // setWaker(): perf buffers past their mark wake its Collector
    CoreSource m_source;
    std::map<ProcId, Watch> m_watches;
    std::vector<Event> m_pending;          // read by unwatch(), handed out by the next poll()
    std::map<int, std::int64_t> m_coreBusyUntil;
    std::int64_t m_lastSampleAt = 0;
    std::uint64_t m_perfLost = 0;
    std::int64_t m_nsPerTick;
    std::int64_t m_loadAt;
    std::map<int, CpuTimes> m_load;
    std::map<long, std::int64_t> m_ownRun;   // parviz's own threads' run time at the last sample
};

} // namespace

std::unique_ptr<CoreMonitor> CoreMonitor::create(CorePref pref) {
    switch (pref) {
    case CorePref::Off: return std::make_unique<NullMonitor>();
    case CorePref::Sampling: return std::make_unique<OsMonitor>(false);
    case CorePref::Auto:
    case CorePref::Perf: return std::make_unique<OsMonitor>(true);
    }
    return std::make_unique<NullMonitor>();
}

} // namespace parviz
