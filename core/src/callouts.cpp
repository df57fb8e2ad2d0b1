// Callouts: patterns in a run that a teacher would point at, each with the
// numbers that triggered it (explain.hpp). One function per pattern; each is
// a pass over the model's records up to the cut.
#include "parviz/chunks.hpp"
#include "parviz/explain.hpp"
#include "parviz/stats.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace parviz {

const char* toString(CalloutKind k) noexcept {
    switch (k) {
    case CalloutKind::LoadImbalance: return "load imbalance";
    case CalloutKind::Oversubscription: return "oversubscription";
    case CalloutKind::LockConvoy: return "lock convoy";
    case CalloutKind::SerialParent: return "serial bottleneck in the parent";
    case CalloutKind::QueueBacklog: return "growing queue backlog";
    case CalloutKind::LongTask: return "one long task";
    }
    return "?";
}

std::string oversubscriptionLabel(int workers, int cores) {
    return "oversubscription: " + std::to_string(workers) + " workers on " + std::to_string(cores) + " core" +
           (cores == 1 ? "" : "s");
}

const Callout* headlineCallout(const std::vector<Callout>& callouts) noexcept {
    // Most to least of the run it explains: cores shared by too many workers
    // slow every task; an idle tail, the end; a parent that cannot keep up,
    // its stretch; a lock, the work inside it; a backlog is a symptom.
    auto rank = [](CalloutKind k) {
        switch (k) {
        case CalloutKind::Oversubscription: return 0;
        // A convoy ranks above the idle tail: workers queued on a lock run
        // their locked work one at a time, and the tail it leaves is its
        // symptom (classroom walk: a lock-bound pool headlined "load imbalance").
        case CalloutKind::LockConvoy: return 1;
        case CalloutKind::LoadImbalance:
        case CalloutKind::LongTask: return 2;
        case CalloutKind::SerialParent: return 3;
        case CalloutKind::QueueBacklog: return 4;
        }
        return 5;
    };
    const Callout* best = nullptr;
    for (const Callout& c : callouts)
        if (!best || rank(c.kind) < rank(best->kind) || (rank(c.kind) == rank(best->kind) && c.measure > best->measure))
            best = &c;
    return best;
}

namespace {

struct Ctx {
    const RunModel& m;
    const Trace& trace;
    const TraceMeta meta;
    std::int64_t cut, zero;
    std::string at(std::int64_t abs) const { return formatInstant(abs - zero); }
};

bool isWorker(const TraceMeta& meta, ProcId p) {
    if (p == kParentProc) return false;
    return p >= meta.procs.size() || meta.procs[p].role != ProcRole::ForkServer;
}

std::string pct(double f) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f %%", f * 100);
    return buf;
}

std::int64_t clipEnd(std::int64_t t1, std::int64_t cut) { return std::min(t1, cut); }

// The stretch of the run: RunStart (or first event) to RunEnd or the cut.
std::int64_t runSpan(const Ctx& c) {
    const std::int64_t end = c.m.runEndT() != kNever ? std::min(c.m.runEndT(), c.cut) : std::min(c.m.now(), c.cut);
    return std::max<std::int64_t>(1, end - c.zero);
}

std::string taskLabel(const Trace& trace, const TaskRecord& r) {
    std::string_view n = trace.string(r.name);
    return n.empty() ? "#" + std::to_string(r.index) : std::string(n);
}

// "chunk 0: L1–L4" for the chunk a task came from, "" when it came from none.
std::string chunkLabel(const Ctx& c, const TaskRecord& r) {
    if (r.chunk < 0) return "";
    for (const ChunkRecord& ch : c.m.chunks()) {
        if (ch.chunk != r.chunk || ch.proc != r.proc) continue;
        std::string first, last;
        for (const TaskRecord& x : c.m.tasks()) {
            if (x.index == static_cast<std::int32_t>(ch.begin)) first = taskLabel(c.trace, x);
            if (x.index == static_cast<std::int32_t>(ch.begin + ch.count - 1)) last = taskLabel(c.trace, x);
        }
        if (first.empty()) return "chunk " + std::to_string(ch.chunk);
        return parviz::chunkLabel(ch.chunk, first, ch.count > 1 ? last : std::string(), ch.count);
    }
    return "";
}

// The workers' waits for a Lock inside [b, e), against their in-task time
// there: the lock they waited for most, named as the Lock panel names it.
struct LockBound {
    double share = 0;
    std::int64_t waitNs = 0, taskNs = 0;
    std::string lock;
};
LockBound lockBound(const Ctx& c, std::int64_t b, std::int64_t e) {
    LockBound lb;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.t0 == kNever || !isWorker(c.meta, r.proc)) continue;
        const std::int64_t t1 = r.t1 == kOpenEnd ? std::min(c.cut, c.m.now()) : r.t1;
        lb.taskNs += std::max<std::int64_t>(0, std::min(t1, e) - std::max(r.t0, b));
    }
    std::int64_t most = 0;
    for (const LockIndex& l : c.m.locks()) {
        std::int64_t wait = 0;
        for (std::size_t p = 0; p < l.waitsByProc.size(); ++p) {
            if (!isWorker(c.meta, static_cast<ProcId>(p))) continue;
            for (const LockWaitRecord& w : l.waitsByProc[p]) {
                const std::int64_t we = std::min({w.endT, c.cut, c.m.now()});
                wait += std::max<std::int64_t>(0, std::min(we, e) - std::max(w.waitT, b));
            }
        }
        lb.waitNs += wait;
        if (wait > most) {
            most = wait;
            lb.lock = c.meta.objectName(ObjectKind::Lock, l.id);
        }
    }
    if (lb.lock == "lock") lb.lock = "the lock";
    lb.share = lb.taskNs > 0 ? static_cast<double>(lb.waitNs) / static_cast<double>(lb.taskNs) : 0;
    return lb;
}

// Whether the workers' tasks came from shared work an idle one could have
// taken: some of them are a pool's workers, or two or more of them took
// items from one queue (a job queue).
bool sharesWork(const Ctx& c, const std::map<ProcId, const TaskRecord*>& workers) {
    for (const auto& [p, r] : workers)
        if (p < c.meta.procs.size() && c.meta.procs[p].role == ProcRole::PoolWorker) return true;
    for (const QueueIndex& q : c.m.queues()) {
        std::set<ProcId> takers;
        for (const QueueItemRecord& it : q.items)
            if (it.getProc != kNoProc && !it.discarded && workers.count(it.getProc)) {
                takers.insert(it.getProc);
                if (takers.size() >= 2) return true;
            }
    }
    return false;
}

// A worker idles at the end while another still runs: the tail after each
// worker's last task, against the makespan (first start to last end).
void loadImbalance(const Ctx& c, std::vector<Callout>& out) {
    std::map<ProcId, const TaskRecord*> lastOf;
    std::int64_t first = kNever, end = 0;
    const TaskRecord* lastTask = nullptr;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.t0 == kNever || r.t0 > c.cut || !isWorker(c.meta, r.proc)) continue;
        if (r.t1 == kOpenEnd || r.t1 > c.cut) return;   // tasks still running: the tail is not known yet
        first = std::min(first, r.t0);
        const TaskRecord*& l = lastOf[r.proc];
        if (!l || r.t1 > l->t1) l = &r;
        if (r.t1 > end) { end = r.t1; lastTask = &r; }
    }
    if (lastOf.size() < 2 || !lastTask) return;
    // Load imbalance is about a split of shared work: a pool's tasks, or jobs
    // that workers take from one queue. Processes each given their own fixed
    // work (the lock demo, a program's Process objects) have nothing an idle
    // one could have taken: their idle tail is no imbalance to fix by
    // splitting (newcomer walk, item 10: "load imbalance" in the lock program,
    // whose waits are the lock's).
    if (!sharesWork(c, lastOf)) return;
    const std::int64_t makespan = end - first;
    if (makespan <= 0) return;
    // Every worker idle for at least kImbalanceTailShare of the makespan at
    // the end, the longest idle first: Pool(4) on A=5 s, B, C, D=1 s has
    // three, and naming only the first read as if one worker idled
    // (newcomer walk, session 20).
    std::vector<const TaskRecord*> idle;
    for (const auto& [p, r] : lastOf) {
        const ProcLaneIndex& lane = c.m.procs()[p];
        if (lane.exitT < end) continue;   // gone before the end (killed): not idle, absent
        if (static_cast<double>(end - r->t1) / static_cast<double>(makespan) >= kImbalanceTailShare) idle.push_back(r);
    }
    if (idle.empty()) return;
    std::stable_sort(idle.begin(), idle.end(), [](const TaskRecord* a, const TaskRecord* b) { return a->t1 < b->t1; });
    auto shareOf = [&](const TaskRecord* r) { return static_cast<double>(end - r->t1) / static_cast<double>(makespan); };
    const TaskRecord* longest = idle.front();
    const TaskRecord* shortest = idle.back();
    const double share = shareOf(longest);
    Callout co;
    co.kind = CalloutKind::LoadImbalance;
    co.t0 = longest->t1;
    co.t1 = end;
    co.proc = longest->proc;
    co.measure = share;
    for (const TaskRecord* r : idle) co.lanes.push_back({r->proc, r->t1});
    const std::string busy = procName(c.meta, lastTask->proc);
    const std::string chunk = chunkLabel(c, *lastTask);
    const std::string ran = " still ran " + taskLabel(c.trace, *lastTask) + (chunk.empty() ? "" : " (" + chunk + ")");
    const std::string many = std::to_string(idle.size()) + " workers";
    // The idle tails of several workers as one span: "4.00 s (80 %)", or
    // "3.80 s to 4.00 s (76 % to 80 %)" when they differ as shown.
    auto range = [](const std::string& lo, const std::string& hi) { return lo == hi ? hi : lo + " to " + hi; };
    const std::string tails = range(formatSeconds(end - shortest->t1), formatSeconds(end - longest->t1));
    const std::string shares = range(pct(shareOf(shortest)), pct(share));
    if (idle.size() == 1) {
        co.text = "load imbalance: " + procName(c.meta, longest->proc) + " was idle for the last " +
                  formatDurationAmongInstants(end - longest->t1) + " of the " + formatDurationAmongInstants(makespan) +
                  " makespan (" + pct(share) + "): its last task ended at " + c.at(longest->t1) + " while " + busy + ran;
    } else {
        co.text = "load imbalance: " + many + " were idle at the end of the " + formatDurationAmongInstants(makespan) +
                  " makespan: ";
        for (std::size_t i = 0; i < idle.size(); ++i)
            co.text += std::string(i == 0 ? "" : i + 1 == idle.size() ? " and " : ", ") + procName(c.meta, idle[i]->proc) +
                       " for the last " + formatDurationAmongInstants(end - idle[i]->t1) + " (" + pct(shareOf(idle[i])) + ")";
        co.text += ", while " + busy + ran;
    }
    const bool bigChunk = lastTask->chunk >= 0 && std::any_of(c.m.chunks().begin(), c.m.chunks().end(), [&](const ChunkRecord& ch) {
        return ch.proc == lastTask->proc && ch.chunk == lastTask->chunk && ch.count > 1;
    });
    // A lock-bound pool: its workers waited for a lock a large share of
    // their task time, so the tasks ran one at a time and the tail is the
    // lock's doing, not the split of the work: said first, the lock named.
    const LockBound lb = lockBound(c, first, end);
    // One long task: the task that ended last is its worker's first, alone
    // (no chunk of several), so it was taken at the start and ran longer
    // than the other workers could fill: the longest task bounds the
    // makespan (the critical path) and no pool size or chunksize can shorten
    // it. Newcomer walk, session 21: Pool(4) on A=5 s, B=2, C=1, D=3 read a
    // pink "load imbalance" as a fault of the pool size or the chunking.
    // Load imbalance stays for what the split or the order causes: a long
    // task started late, or a large chunk.
    const bool firstOfItsWorker = std::none_of(c.m.tasks().begin(), c.m.tasks().end(), [&](const TaskRecord& r) {
        return r.proc == lastTask->proc && &r != lastTask && r.t0 != kNever && r.t0 < lastTask->t0;
    });
    if (lb.share < kLockBoundShare && firstOfItsWorker && !bigChunk && lastTask->summarised == 0 && lastTask->t0 != kNever) {
        // The stretch it ran alone: from the last other worker's last end.
        std::int64_t othersEnd = first;
        for (const auto& [p, r] : lastOf)
            if (p != lastTask->proc) othersEnd = std::max(othersEnd, r->t1);
        const std::string task = taskLabel(c.trace, *lastTask);
        const std::string dur = formatDurationAmongInstants(end - lastTask->t0);
        const std::string alone = formatDurationAmongInstants(end - othersEnd);
        const std::string who = idle.size() == 1 ? procName(c.meta, longest->proc) + " was" : many + " were";
        co.kind = CalloutKind::LongTask;
        // Its span on the axis is the stretch its words give, task A alone,
        // not the longest idle tail (classroom walk, session 31: the bar ran
        // 0.2 s to 1.0 s beside "the last 0.40 s are task A alone"); each
        // idle worker's own tail stays marked on its lane (co.lanes).
        co.t0 = othersEnd;
        co.text = "one long task: the last " + alone + " are task " + task + " alone (" + dur + ", on " + busy +
                  "), while " + who + " idle with nothing left to take. It was taken at the start and is longer "
                  "than the other tasks could fill: no pool size or chunksize can shorten it; the longest task "
                  "bounds the makespan (the critical path)";
        co.headline = "one long task: the last " + alone + " are task " + task + " alone (" + dur +
                      "): no split can shorten it";
        co.brief = "task " + task + " (" + dur + ") alone: no split can help";
        co.label = "one long task: " + task + ", " + dur;
        co.labelProc = lastTask->proc;   // its words name the task: on its worker's lane
        out.push_back(std::move(co));
        return;
    }
    if (lb.share >= kLockBoundShare) {
        co.text += ". But the workers waited for " + lb.lock + " " + pct(lb.share) + " of their task time (" +
                   formatDurationAmongInstants(lb.waitNs) + " of " + formatDurationAmongInstants(lb.taskNs) +
                   "): the work inside the lock runs "
                   "one worker at a time, so the lock, more than the split of the work, sets the makespan";
        co.headline = "load imbalance from " + lb.lock + ": workers waited for it " + pct(lb.share) + " of their task time";
        co.brief = "workers waited " + pct(lb.share) + " for " + lb.lock;
        co.label = "load imbalance from " + lb.lock + ": " + pct(lb.share) + " waiting";
        co.labelProc = kNoProc;   // about every worker's waits: on no one lane
    } else {
        if (bigChunk) co.text += ". Smaller chunks (chunksize) would share the long tasks out";
        const std::string who = idle.size() == 1 ? procName(c.meta, longest->proc) : many;
        co.headline = "load imbalance: " + who + " idle for the last " + tails + " (" + shares + ")";
        co.brief = who + " had no work the last " + shares;
        co.label = "load imbalance: " + who + " idle " + shares;
    }
    out.push_back(std::move(co));
}

// ns of [b, e) that `l` spent inside its own tasks (its tasks row; an open
// task up to `now`).
std::int64_t inOwnTasks(const ProcLaneIndex& l, std::int64_t b, std::int64_t e, std::int64_t now) {
    std::int64_t sum = 0;
    for (std::size_t i = l.tasks.firstEndingAfter(b, 0); i < l.tasks.size() && l.tasks[i].t0 < e; ++i) {
        const std::int64_t t1 = l.tasks[i].t1 == kOpenEnd ? now : l.tasks[i].t1;
        sum += std::max<std::int64_t>(0, std::min(t1, e) - std::max(l.tasks[i].t0, b));
    }
    return sum;
}

// "other programs used 40 % of the cores" over [t0, t1] when they took at
// least kBusyThreshold of them (the share that flags a run busy), "" else
// or without samples there.
// One judgement with Compare's row and the sweep's answer (session 22's
// newcomer walk: This run said "8 workers + other programs on 2 cores" in
// the warning colour while the same run's Compare row was not flagged busy):
// the run's busy verdict (computeStats' machine) decides whether other
// programs are named; the stretch's samples only give their share there. A
// run judged quiet names none; judged busy by its workers' core time alone
// (judgeFromWorkers: no samples say it), the verdict's share is said.
std::string othersWords(const Ctx& c, std::int64_t t0, std::int64_t t1) {
    const BusyVerdict v = computeStats(c.m, c.trace, c.cut).machine;
    if (v.busy == false) return "";
    const MachineLoad ol = otherLoadFromSamples(c.m, t0, t1);
    const double share = ol.cores > 0 && ol.coreNs > 0 ? static_cast<double>(ol.otherNs) / static_cast<double>(ol.coreNs) : 0;
    if (share >= kBusyThreshold) return "other programs used " + pct(std::min(share, 1.0)) + " of the cores";
    if (v.busy == true && v.otherShare) return "other programs used " + pct(*v.otherShare) + " of the cores";
    return "";
}

// More workers wanting a core than there are cores: runnable without a free
// core for more than kRunnableShare of their task time, while on average more
// of them wanted a core (on one, or runnable) than the run had cores. The
// demand test keeps a busy machine out: workers that mostly sleep or wait
// for a lock are preempted by other programs, not by each other.
// Only time inside a worker's own tasks counts, as runnable or as wanting a
// core: between tasks a pool worker that finds the task queue empty yields
// its core (sched_yield) before it sleeps, and the kernel reports a yielding
// process switched out still runnable. On a busy machine those yields add up
// to a large "runnable" share for sleep work, whose workers never wanted a
// core for their tasks at all.
void oversubscription(const Ctx& c, std::vector<Callout>& out) {
    const int cores = c.meta.usableCores > 0 ? c.meta.usableCores : static_cast<int>(c.m.cores().size());
    if (cores <= 0) return;
    std::map<ProcId, std::int64_t> inTask;
    std::int64_t first = kNever, last = 0;
    for (const TaskRecord& r : c.m.tasks())
        if (r.t0 != kNever && r.t0 < c.cut && isWorker(c.meta, r.proc)) {
            inTask[r.proc] += clipEnd(r.t1, std::min(c.cut, c.m.now())) - r.t0;
            first = std::min(first, r.t0);
            last = std::max(last, clipEnd(r.t1, std::min(c.cut, c.m.now())));
        }
    std::int64_t runnable = 0, onCore = 0, taskNs = 0, t0 = kNever, t1 = 0;
    int over = 0, workers = 0;
    for (const ProcLaneIndex& l : c.m.procs()) {
        if (!l.seen || !isWorker(c.meta, l.proc) || l.firstT > c.cut) continue;
        ++workers;
        std::int64_t mine = 0;
        const std::int64_t now = std::min(c.cut, c.m.now());
        for (std::size_t i = 0; i < l.os.size() && l.os[i].t0 < c.cut; ++i) {
            const std::int64_t b0 = std::max(l.os[i].t0, first), e = std::min(clipEnd(l.os[i].t1, now), last);
            if (e <= b0) continue;
            if (l.os[i].state == LaneState::OnCore) onCore += e - b0;
            if (l.os[i].state != LaneState::Runnable) continue;
            const std::int64_t inTaskNs = inOwnTasks(l, b0, e, now);
            if (inTaskNs <= 0) continue;
            mine += inTaskNs;
            t0 = std::min(t0, b0);
            t1 = std::max(t1, e);
        }
        const std::int64_t denom = inTask.count(l.proc) ? inTask[l.proc] : 0;
        if (denom <= 0) continue;
        runnable += mine;
        taskNs += denom;
        if (static_cast<double>(mine) > kRunnableShare * static_cast<double>(denom)) ++over;
    }
    if (taskNs <= 0 || workers <= cores || t1 <= t0) return;
    const double share = static_cast<double>(runnable) / static_cast<double>(taskNs);
    // The demand over the stretch in which workers queued for cores (a long
    // last task alone afterwards does not dilute it).
    std::int64_t wanted = 0;
    for (const ProcLaneIndex& l : c.m.procs()) {
        if (!l.seen || !isWorker(c.meta, l.proc)) continue;
        for (std::size_t i = l.os.firstEndingAfter(t0, 0); i < l.os.size() && l.os[i].t0 < t1; ++i)
            if (l.os[i].state == LaneState::OnCore || l.os[i].state == LaneState::Runnable)
                wanted += inOwnTasks(l, std::max(l.os[i].t0, t0), std::min(clipEnd(l.os[i].t1, c.m.now()), t1), c.m.now());
    }
    (void)onCore;
    const double demand = static_cast<double>(wanted) / static_cast<double>(t1 - t0);
    if (share <= kRunnableShare || demand <= cores) return;
    Callout co;
    co.kind = CalloutKind::Oversubscription;
    co.t0 = t0;
    co.t1 = t1;
    co.measure = share;
    char avg[32];
    std::snprintf(avg, sizeof avg, "%.1f", demand);
    // Other programs on the cores over the same stretch (the CPU lanes'
    // hatch, measured as Compare's busy flag measures it: otherLoadFromSamples,
    // kBusyThreshold): the workers then waited for them too, and the
    // callout says so (classroom walk: it blamed the pool size alone while
    // CPU 0 was hatched "other programs").
    const std::string others = othersWords(c, t0, t1);
    const std::string coreWord = std::to_string(cores) + " core" + (cores == 1 ? "" : "s");
    // The field's term with its plain meaning on first use (newcomer walk, item 7).
    co.text = "oversubscription (more workers than cores, so they take turns): " + std::to_string(workers) + " workers on " + coreWord +
              ", runnable without a free core for " + pct(share) + " of their task time" +
              (others.empty() ? "" : ", and " + others) + ": on average " + avg +
              " of them wanted a core at once (" + formatSecondsLike(runnable, taskNs) + " of " + formatSeconds(taskNs) +
              " runnable; " + std::to_string(over) + " of them over " + pct(kRunnableShare) +
              "), so more workers than cores buys nothing" +
              (others.empty() ? "" : "; the other programs' share of the cores was lost to the run as well");
    // The legend's words for the lanes' pattern, so the class finds it there.
    // The number first: "..., runnable, no free core 45 % of the time" read
    // as garbled (newcomer walk, session 29).
    co.headline = "oversubscription: " + std::to_string(workers) + " workers on " + coreWord + ", " + pct(share) +
                  " of the time runnable, no free core" + (others.empty() ? "" : ", and " + others);
    // The why in plain words: more workers than cores, so they queue for one
    // (and with other programs, they all share the cores).
    co.brief = others.empty() ? std::to_string(workers) + " workers, " + coreWord +
                                    (share >= 0.5 ? ": most wait for a core" : ": many wait for a core")
                              : std::to_string(workers) + " workers + other programs on " + coreWord;
    co.label = oversubscriptionLabel(workers, cores);
    out.push_back(std::move(co));
}

// The tasks' makespan up to the cut (first start to last end), 0 without tasks.
std::pair<std::int64_t, std::int64_t> tasksStretch(const Ctx& c) {
    std::int64_t first = kNever, last = 0;
    for (const TaskRecord& r : c.m.tasks()) {
        if (r.t0 == kNever || r.t0 >= c.cut || !isWorker(c.meta, r.proc)) continue;
        first = std::min(first, r.t0);
        last = std::max(last, r.t1 == kOpenEnd ? std::min(c.cut, c.m.now()) : std::min(r.t1, c.cut));
    }
    return first == kNever ? std::pair<std::int64_t, std::int64_t>{0, 0} : std::pair{first, last};
}

// Several processes queued on one lock at once, waiting longer in all than
// it was held; or a Lock held for most of the tasks' makespan while two or
// more processes waited for it (kLockHeldShare): its work ran one process at
// a time, so the run can be no shorter than its time held, however many
// workers (newcomer walk: a traced Pool(2) whose tasks each held Lock-1
// 0.2 s got speedup 1.38x and no callout: one worker waits at a time, never
// two, so the convoy's count never triggered).
void lockConvoy(const Ctx& c, std::vector<Callout>& out) {
    const auto [tasksFrom, tasksTo] = tasksStretch(c);
    for (const LockIndex& l : c.m.locks()) {
        std::vector<std::pair<std::int64_t, int>> edges;   // (t, +1 wait starts / -1 ends)
        std::int64_t waitNs = 0, holdNs = 0;
        std::set<ProcId> waiters;
        for (std::size_t p = 0; p < l.waitsByProc.size(); ++p) {
            const std::int64_t exitT = p < c.m.procs().size() ? c.m.procs()[p].exitT : kNever;
            for (const LockWaitRecord& w : l.waitsByProc[p]) {
                if (w.waitT >= c.cut) break;
                const std::int64_t e = std::min({w.endT, exitT, c.cut, c.m.now()});
                if (e <= w.waitT) continue;
                edges.push_back({w.waitT, +1});
                edges.push_back({e, -1});
                waitNs += e - w.waitT;
                waiters.insert(static_cast<ProcId>(p));
            }
        }
        for (const LockHold& h : l.holds)
            if (h.acquireT < c.cut) holdNs += std::min({h.releaseT, c.cut, c.m.now()}) - h.acquireT;
        std::sort(edges.begin(), edges.end());   // ends (-1) before starts at the same t
        int n = 0, most = 0;
        std::int64_t from = kNever, to = 0;
        for (const auto& [t, d] : edges) {
            n += d;
            most = std::max(most, n);
            if (n >= kConvoyWaiters && from == kNever) from = t;
            if (d < 0 && n + 1 >= kConvoyWaiters) to = t;
        }
        if (holdNs <= 0) continue;
        const std::string name = c.meta.objectName(ObjectKind::Lock, l.id);
        const std::string lock = name == "lock" ? "the lock" : name;   // the built-in scenarios' Lock is "lock"
        const bool convoy = most >= kConvoyWaiters && static_cast<double>(waitNs) >= kConvoyWaitShare * static_cast<double>(holdNs);
        if (!convoy) {
            // Held for most of the makespan, others waiting for it in turn.
            const std::int64_t span = tasksTo - tasksFrom;
            if (l.semaphore || span <= 0 || waiters.size() < static_cast<std::size_t>(kConvoyWaiters) || l.holds.empty())
                continue;
            std::int64_t heldIn = 0;   // held within the makespan
            for (const LockHold& h : l.holds)
                heldIn += std::max<std::int64_t>(0, std::min({h.releaseT, c.cut, c.m.now(), tasksTo}) - std::max(h.acquireT, tasksFrom));
            const double share = static_cast<double>(heldIn) / static_cast<double>(span);
            if (share < kLockHeldShare || static_cast<double>(waitNs) < kLockBoundShare * static_cast<double>(holdNs)) continue;
            Callout co;
            co.kind = CalloutKind::LockConvoy;
            co.t0 = l.holds.front().acquireT;
            co.t1 = std::max(co.t0, std::min({l.holds.back().releaseT, c.cut, c.m.now()}));
            co.measure = static_cast<double>(waiters.size());
            const std::string held = formatSecondsLike(heldIn, span), of = formatSeconds(span);
            co.text = "lock convoy (processes taking one lock in turn) on " + lock + ": it was held " + held + " of the " +
                      of + " makespan (" + pct(share) + "), and " + std::to_string(waiters.size()) + " processes waited " +
                      formatSecondsLike(waitNs, std::max(waitNs, holdNs)) +
                      " in all for it: the work inside the lock runs one process at a time, so more workers cannot "
                      "make the run shorter than " + held;
            co.headline = "lock convoy: " + lock + " held " + pct(share) + " of the makespan (" + held + " of " + of +
                          "), one process at a time";
            co.brief = lock + " held " + pct(share) + ", one process at a time";
            co.label = "lock convoy: " + lock + " held " + pct(share);
            out.push_back(std::move(co));
            continue;
        }
        Callout co;
        co.kind = CalloutKind::LockConvoy;
        co.t0 = from;
        co.t1 = std::max(to, from);
        co.measure = most;
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.1fx", static_cast<double>(waitNs) / static_cast<double>(holdNs));
        // The field's term with its plain meaning on first use (newcomer walk, item 7).
        co.text = "lock convoy (processes queued at one lock, taking it in turn) on " + lock + ": up to " + std::to_string(most) +
                  " processes waited for it at once; " + std::to_string(waiters.size()) + " processes waited " +
                  formatSecondsLike(waitNs, std::max(waitNs, holdNs)) + " in all against " +
                  formatSecondsLike(holdNs, std::max(waitNs, holdNs)) + " of holding it (" + ratio +
                  " as long): the work inside the lock runs one process at a time";
        // Totals over the run, said as such: the waiters' time waiting for
        // the lock against its time held (newcomer walk: "4 processes waited
        // 1.7x as long as lock was held" was hard to parse, its article missing).
        co.headline = "lock convoy: " + std::to_string(waiters.size()) + " processes spent " + ratio +
                      " as long waiting for " + lock + " as holding it";
        co.brief = std::to_string(waiters.size()) + " processes queue for " + lock;
        co.label = "lock convoy: " + co.brief;
        out.push_back(std::move(co));
    }
}

} // namespace

namespace {

// MainProcess alone fills a queue, item by item, while the workers wait for it.
void serialParent(const Ctx& c, const QueueIndex& q, std::vector<Callout>& out) {
    std::int64_t first = kNever, last = 0;
    std::size_t puts = 0;
    for (const QueueItemRecord& r : q.items) {
        if (r.putT == kNever || r.putT > c.cut) continue;
        const std::string v = readableValue(c.trace.string(r.preview));
        if (v == "sentinel" || v == "None") continue;
        if (r.putProc != kParentProc) return;   // another producer: not the parent's bottleneck
        first = std::min(first, r.putT);
        last = std::max(last, r.putT);
        ++puts;
    }
    if (puts < 3 || last - first < runSpan(c) / 5) return;   // all put at once: no bottleneck
    std::int64_t waited = 0, alive = 0;
    int workers = 0;
    for (const ProcLaneIndex& l : c.m.procs()) {
        if (!l.seen || !isWorker(c.meta, l.proc)) continue;
        const std::int64_t a0 = std::max(first, l.firstT), a1 = std::min(last, l.exitT);
        if (a1 <= a0) continue;
        ++workers;
        alive += a1 - a0;
        for (std::size_t i = l.program.firstEndingAfter(first, 0); i < l.program.size() && l.program[i].t0 < last; ++i)
            if (l.program[i].state == LaneState::WaitQueue)
                waited += std::max<std::int64_t>(0, std::min(clipEnd(l.program[i].t1, c.m.now()), last) -
                                                        std::max(l.program[i].t0, first));
    }
    if (alive <= 0 || workers == 0) return;
    const double share = static_cast<double>(waited) / static_cast<double>(alive);
    if (share <= kSerialWaitShare) return;
    Callout co;
    co.kind = CalloutKind::SerialParent;
    co.t0 = first;
    co.t1 = last;
    co.proc = kParentProc;
    co.measure = share;
    co.text = "serial bottleneck in the parent: MainProcess alone put the " + std::to_string(puts) + " items on " +
              c.meta.objectName(ObjectKind::Queue, q.id) + ", one every " +
              formatSecondsLike((last - first) / static_cast<std::int64_t>(puts - 1), last - first) + " over " +
              formatSeconds(last - first) + "; the " + std::to_string(workers) + " workers spent " + pct(share) +
              " of that time waiting for it";
    co.headline = "serial bottleneck: the workers waited " + pct(share) + " of the time for MainProcess's puts";
    co.brief = "workers wait " + pct(share) + " for MainProcess's puts";
    co.label = "serial bottleneck: workers wait " + pct(share);
    out.push_back(std::move(co));
}

// A queue that grows: its length at the ends of ten equal stretches of the
// run, and the largest rise over consecutive stretches in which it never
// fell (at least two of them), while items were also taken and still put
// over at least half of that stretch, taken at under two thirds of the rate
// they were put. A burst put at once (Pool.map's chunks) and then drained is
// no backlog, wherever in the run it comes.
std::int64_t lengthAt(const QueueIndex& q, std::int64_t t) {
    auto it = std::upper_bound(q.lengths.begin(), q.lengths.end(), t,
                               [](std::int64_t x, const QueueIndex::LengthSample& s) { return x < s.t; });
    return it == q.lengths.begin() ? 0 : std::prev(it)->length;
}

void queueBacklog(const Ctx& c, const QueueIndex& q, std::vector<Callout>& out) {
    constexpr int kStretches = 10;
    const std::int64_t span = runSpan(c);
    std::int64_t ts[kStretches + 1], len[kStretches + 1];
    for (int i = 0; i <= kStretches; ++i) {
        ts[i] = c.zero + span * i / kStretches;
        len[i] = lengthAt(q, ts[i]);
    }
    int from = 0, bestLo = 0, bestHi = 0;
    std::int64_t bestRise = 0;
    for (int i = 1; i <= kStretches; ++i) {
        if (len[i] < len[i - 1]) from = i;
        if (i - from >= 2 && len[i] - len[from] > bestRise) {
            bestRise = len[i] - len[from];
            bestLo = from;
            bestHi = i;
        }
    }
    if (bestRise < kBacklogGrowth) return;
    std::int64_t t0 = ts[bestLo];
    const std::int64_t t1 = ts[bestHi];
    std::size_t puts = 0, gets = 0;
    std::int64_t firstPut = kNever, lastPut = 0;
    // Stop signals (sentinels) are no work waiting: a closing pool puts one
    // per worker at once (64 at 64 workers), which read as a backlog.
    for (std::size_t k = 0; k < q.items.size(); ++k) {
        if (std::binary_search(q.stopSignals.begin(), q.stopSignals.end(), k)) continue;
        const QueueItemRecord& r = q.items[k];
        if (r.putT > t0 && r.putT <= t1) {
            ++puts;
            firstPut = std::min(firstPut, r.putT);
            lastPut = std::max(lastPut, r.putT);
        }
        if (r.getT > t0 && r.getT <= t1) ++gets;
    }
    if (gets == 0) return;   // nobody took anything yet: a burst being handed out, not a backlog
    // Put in one burst (Pool.map puts all its chunks at once, whenever the
    // pool is up): the queue is longest right after it, and only drains.
    // A backlog is items still arriving, over at least half the stretch.
    if (puts == 0 || lastPut - firstPut < (t1 - t0) / 2) return;
    // Consumers that take two thirds or more of what arrives keep up; a few
    // results waiting for a parent a busy machine delays are no backlog.
    if (gets * 3 >= puts * 2) return;
    // The backlog begins where the queue last stood at its lowest in the
    // stretch and rose from there, not at the stretch's start: a stretch
    // that starts the run (0.0 s) put the bar before the program's
    // processes existed (a producer started 0.4 s after python). Its
    // numbers are counted from there.
    std::int64_t low = len[bestLo], start = kNever;
    for (auto it = std::upper_bound(q.lengths.begin(), q.lengths.end(), t0,
                                    [](std::int64_t x, const QueueIndex::LengthSample& s) { return x < s.t; });
         it != q.lengths.end() && it->t <= lastPut; ++it) {
        if (it->length <= low) {
            low = it->length;
            start = kNever;
        } else if (start == kNever) {
            start = it->t;
        }
    }
    std::int64_t lowest = len[bestLo];
    if (start != kNever && start > t0) {
        t0 = start;
        lowest = low;
        puts = gets = 0;
        for (std::size_t k = 0; k < q.items.size(); ++k) {
            if (std::binary_search(q.stopSignals.begin(), q.stopSignals.end(), k)) continue;
            const QueueItemRecord& r = q.items[k];
            puts += r.putT >= t0 && r.putT <= t1;
            gets += r.getT >= t0 && r.getT <= t1;
        }
    }
    const std::int64_t rise = len[bestHi] - lowest;
    const double secs = static_cast<double>(t1 - t0) / 1e9;
    char rates[96];
    std::snprintf(rates, sizeof rates, "%zu put (%.1f per s), %zu taken (%.1f per s)", puts,
                  static_cast<double>(puts) / secs, gets, static_cast<double>(gets) / secs);
    Callout co;
    co.kind = CalloutKind::QueueBacklog;
    co.t0 = t0;
    co.t1 = t1;
    co.measure = static_cast<double>(rise);
    co.text = "growing queue backlog: " + c.meta.objectName(ObjectKind::Queue, q.id) + " grew from " +
              std::to_string(lowest) + " to " + std::to_string(len[bestHi]) +
              " items between " + c.at(t0) + " and " + c.at(t1) + ": " + rates +
              "; the consumers cannot keep up";
    co.headline = "growing queue backlog: " + c.meta.objectName(ObjectKind::Queue, q.id) + " grew from " +
                  std::to_string(lowest) + " to " + std::to_string(len[bestHi]) + " items";
    co.brief = c.meta.objectName(ObjectKind::Queue, q.id) + " grew " + std::to_string(lowest) + " to " +
               std::to_string(len[bestHi]) + ": takers too slow";
    co.label = "growing queue backlog: " + c.meta.objectName(ObjectKind::Queue, q.id) + " grew " + std::to_string(lowest) +
               " to " + std::to_string(len[bestHi]);
    out.push_back(std::move(co));
}

} // namespace

std::vector<Callout> findCallouts(const RunModel& model, const Trace& trace, std::int64_t cut) {
    std::vector<Callout> out;
    const std::int64_t zero = model.runStartT() != kNever ? model.runStartT() : (trace.size() ? trace[0].t : 0);
    const Ctx c{model, trace, trace.meta(), cut, zero};
    loadImbalance(c, out);
    oversubscription(c, out);
    lockConvoy(c, out);
    for (const QueueIndex& q : model.queues()) {
        serialParent(c, q, out);
        queueBacklog(c, q, out);
    }
    std::stable_sort(out.begin(), out.end(), [](const Callout& a, const Callout& b) { return a.t0 < b.t0; });
    return out;
}

} // namespace parviz
