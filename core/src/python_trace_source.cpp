// PythonTraceSource (python_trace_source.hpp): reads parviz_trace's rings.
//
// [SECTION] Wire format   the constants of docs/python-trace-wire.md
// [SECTION] Ring files    finding, mapping and draining one process's ring
// [SECTION] Interpreter   wire records -> parviz Events, in time order
// [SECTION] API
#include "parviz/python_trace_source.hpp"

#include "parviz/chunks.hpp"   // readsAsNumber

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <tuple>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace parviz {

namespace {

// =============================================================================
// [SECTION] Wire format
// =============================================================================
constexpr char kMagic[8] = {'P', 'V', 'Z', 'R', 'I', 'N', 'G', '1'};
// Version 2 adds TASK_RUN and the open task (kOffOpenTask); a version 1 ring
// (all zero there, no TASK_RUN) reads as before.
constexpr std::uint32_t kVersionMin = 1, kVersion = 2;
constexpr std::size_t kHeader = 256, kSlot = 48, kSlotSeq = 40;
constexpr std::size_t kOffWriting = 56, kOffLost = 64, kOffTextHead = 72, kOffReentered = 80, kOffTail = 128;
// The pool task the writer's main thread runs now (its TASK_RUN comes when it
// ends): gen, start time, a, gen again (a seqlock: written in address order).
constexpr std::size_t kOffOpenTask = 88;
constexpr std::uint64_t kTaskGenMask = 0x7FFFFFFF;   // TASK_RUN's obj: the open task's gen, masked
// A Python emit reads the clock and publishes its slot in one locked call
// (microseconds); only a thread descheduled right there publishes later.
// Records are held this long before the source promises their time away; a
// later one is clamped and counted by the Trace (Trace::clampedEvents).
constexpr std::int64_t kWriteSlackNs = 20'000'000;
constexpr unsigned kTextLenBits = 12;
// A text of at most 7 bytes travels in its ref itself (the writer skips the
// text area): bit 63 set, its length in bits 56-58, its bytes from bit 0 on.
constexpr std::uint64_t kInlineText = std::uint64_t{1} << 63;
constexpr std::uint8_t kTaskRaised = 1, kTaskAdHoc = 2;   // TASK_START / TASK_END flags
// A pool worker's derived queue ends (POOL_WORKER said its queues): TASK_START
// flags kTaskTaken = it took this chunk from its task queue (src = the chunk's
// task count), kTaskNameFromPut = no text, the name is the put's preview;
// TASK_END flags kTaskReturned = the chunk's result goes back now (b = its preview).
constexpr std::uint8_t kTaskTaken = 4, kTaskNameFromPut = 8, kTaskReturned = 4;
// TASK_START / TASK_END flags: a summarised chunk (more than the writer's
// SUMMARY_ABOVE tasks): START src = its task count, no text; END obj = the
// tasks that ran (the last one raised, with kTaskRaised). One bar for the chunk.
constexpr std::uint8_t kTaskSummary = 16;
// POOL_JOB flags: 1 = an apply's one call; 2 = the next chunk of the same
// executor.map call as the job before it (one call, submitted chunk by chunk);
// 4 = imap at chunksize 1: each task one call, its result's preview no list.
constexpr std::uint8_t kJobApply = 1, kJobSameCall = 2, kJobCalls = 4;
constexpr std::uint8_t kPutWritten = 1;                   // QUEUE_PUT flags: in the pipe at once (SimpleQueue)
constexpr std::uint8_t kLockSemaphore = 1;                // LOCK_NEW flags: a Semaphore (obj: its value, may be 0)
constexpr std::uint8_t kStateLeave = 1;                   // STATE flags: the wait in obj (key a) ended
constexpr std::int64_t kOpenJobTasks = 1 << 20;           // indices reserved for a job of unknown length

enum Wire : std::uint8_t {
    String = 1, ProcName, ProcStartReq, ProcExitSelf, ProcReaped, PrintLine, QueueNew, QueuePutW,
    QueueWrite, QueueGetW, QueueEmptyW, QueueFullW, LockNew, LockWaitW, LockAcquireW, LockReleaseW,
    LockTimeoutW, PoolJob, TaskStartW, TaskEndW, StateW, ProcKill, SyncWaitW, SyncWakeW, SyncSignalW, SyncNewW,
    QueueDiscardW, PoolWorkerW, PoolPutW, PoolGetW, PoolResultsW, TaskRunW, ProcJoinW, JobCodeW,
    ReapedByParviz = 200,   // not on the wire: reaped() notes
};
static_assert(ProcJoinW == 33 && JobCodeW == 34, "wire kinds: python/parviz_trace/_ring.py");
enum Role : std::int32_t { RoleMain = 0, RoleProcess, RolePoolWorker, RoleHelper };

// 12500 -> "12 500" (as the summary writes counts).
std::string grouped(std::int64_t n) {
    std::string d = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i && (d.size() - i) % 3 == 0) out += ' ';
        out += d[i];
    }
    return n < 0 ? "-" + out : out;
}

// A summarised chunk's name (its one bar): "chunk 3: 12 500 tasks, summarised".
std::string summaryName(std::int32_t chunkNo, std::int64_t count) {
    return "chunk " + std::to_string(chunkNo) + ": " + grouped(count) + " tasks, summarised";
}

std::int64_t monoNs() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::uint64_t load64(const char* base, std::size_t off) noexcept {
    return __atomic_load_n(reinterpret_cast<const std::uint64_t*>(base + off), __ATOMIC_ACQUIRE);
}

// A wire record, with its text copied out of the ring when it has one (the
// ring may overwrite it before the record is interpreted).
struct Record {
    std::int64_t t = 0;
    std::uint8_t kind = 0, flags = 0;
    std::int32_t obj = 0;
    std::uint64_t a = 0, b = 0, src = 0;
    std::uint32_t ring = 0;      // index into Impl::rings (ReapedByParviz: unused)
    std::uint64_t seq = 0;       // drain order, to keep equal times stable
    std::string text;
};

bool hasText(std::uint8_t kind, std::uint8_t flags) {
    return kind == String || kind == PrintLine || kind == QueuePutW || kind == PoolPutW || kind == TaskRunW ||
           (kind == TaskStartW && !(flags & (kTaskNameFromPut | kTaskSummary))) ||
           (kind == TaskEndW && (flags & (kTaskRaised | kTaskReturned)));   // what it raised, or its result
}

// =============================================================================
// [SECTION] Ring files
// =============================================================================
struct RingFile {
    std::string name;
    char* base = nullptr;
    std::size_t size = 0;
    std::uint64_t slots = 0, textBytes = 0, tail = 0, lostReported = 0, reenteredReported = 0;
    pid_t pid = 0, ppid = 0;
    std::int64_t idleSeenAt = INT64_MIN;
    // TASK_RUN gens (masked): open tasks whose start this reader drew from the
    // header and whose TASK_RUN it has not drained yet (the header may show
    // the next task before that record is drained: a set, not the last one),
    // the last header gen seen, and the last TASK_RUN drained (its task is closed).
    std::set<std::uint64_t> startedGens;
    std::uint64_t headerGen = 0, ranGen = 0;
    std::unordered_map<std::uint64_t, std::uint64_t> strings;   // interned id -> Trace string id
    std::unordered_map<std::uint64_t, std::string> texts;       // interned id -> its text

    ~RingFile() {
        if (base) munmap(base, size);
    }

    // The text behind a ref, or "<lost text>" when the writer has gone round since.
    std::string text(std::uint64_t ref) const {
        if (ref & kInlineText) {
            std::string s((ref >> 56) & 7, '\0');
            for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>((ref >> (8 * i)) & 0xFF);
            return s;
        }
        const std::uint64_t off = ref >> kTextLenBits, n = ref & ((1u << kTextLenBits) - 1);
        const char* area = base + kHeader + slots * kSlot;
        auto overwritten = [&] { return load64(base, kOffTextHead) - off > textBytes; };
        if (n > textBytes || overwritten()) return "<lost text>";
        std::string s(area + (off % textBytes), n);
        if (overwritten()) return "<lost text>";
        return s;
    }
};

// Maps `path` if it is a complete ring; nullptr (and counts) otherwise.
std::unique_ptr<RingFile> openRing(const std::string& path, const std::string& name) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return nullptr;
    struct stat st {};
    std::unique_ptr<RingFile> r;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) >= kHeader) {
        void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
            r = std::make_unique<RingFile>();
            r->name = name;
            r->base = static_cast<char*>(p);
            r->size = static_cast<std::size_t>(st.st_size);
        }
    }
    ::close(fd);
    if (!r) return nullptr;
    std::uint32_t version = 0, header = 0;
    std::uint64_t slots = 0, slotSize = 0, text = 0;
    std::int32_t pid = 0, ppid = 0;
    std::memcpy(&version, r->base + 8, 4);
    std::memcpy(&header, r->base + 12, 4);
    std::memcpy(&slots, r->base + 16, 8);
    std::memcpy(&slotSize, r->base + 24, 8);
    std::memcpy(&text, r->base + 32, 8);
    std::memcpy(&pid, r->base + 40, 4);
    std::memcpy(&ppid, r->base + 44, 4);
    const bool pow2 = slots && !(slots & (slots - 1)) && text && !(text & (text - 1));
    if (std::memcmp(r->base, kMagic, 8) != 0 || version < kVersionMin || version > kVersion || header != kHeader || slotSize != kSlot ||
        !pow2 || slots > (1u << 24) || text > (1u << 28) || kHeader + slots * kSlot + text > r->size)
        return nullptr;
    r->slots = slots;
    r->textBytes = text;
    r->pid = pid;
    r->ppid = ppid;
    return r;
}

} // namespace

// "[25, 'a, b', (1, 2), ...]" -> {"25", "'a, b'", "(1, 2)"}: the items of a
// Python list's repr preview, in order, up to the first one it elides ("...",
// reprlib) or cuts (the text ends inside it). {} when the text is no list.
std::vector<std::string> splitListPreview(std::string_view text) {
    std::vector<std::string> items;
    if (text.size() < 2 || text.front() != '[') return items;
    int depth = 0;
    char quote = 0;
    std::size_t start = 1;
    auto item = [&](std::size_t end) {
        std::string_view s = text.substr(start, end - start);
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        if (s.empty() || s == "...") return false;
        items.emplace_back(s);
        return true;
    };
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == '\\') ++i;
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"') quote = c;
        else if (c == '(' || c == '[' || c == '{') ++depth;
        else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                if (c != ']' || i + 1 != text.size()) return {};   // not one list
                item(i);
                return items;
            }
            --depth;
        } else if (c == ',' && depth == 0) {
            if (!item(i)) return items;
            start = i + 1;
        }
    }
    return items;   // cut: its last item is incomplete
}

// A task index -> T. A program's tasks take the indices 0, 1, 2, ... (in
// input order; ad hoc ones after them), so the first kDense are a vector, not
// a node per task (three such tables, filled once a task, were a tenth of the
// Collector's time on a traced Pool.map of 10 000 tasks); any others a hash
// map. `none`: what an index never set reads as.
template <class T>
class ByIndex {
public:
    static constexpr std::int32_t kDense = std::int32_t{1} << 22;
    explicit ByIndex(T none) : m_none(none) {}
    T get(std::int32_t i) const {
        if (i >= 0 && i < kDense) return static_cast<std::size_t>(i) < m_dense.size() ? m_dense[static_cast<std::size_t>(i)] : m_none;
        const auto it = m_sparse.find(i);
        return it == m_sparse.end() ? m_none : it->second;
    }
    void set(std::int32_t i, T v) {
        if (i >= 0 && i < kDense) {
            const auto k = static_cast<std::size_t>(i);
            if (k >= m_dense.size()) m_dense.resize(std::max<std::size_t>(k + 1, m_dense.size() * 2), m_none);
            m_count += m_dense[k] == m_none && v != m_none;
            m_dense[k] = v;
            return;
        }
        auto [it, fresh] = m_sparse.try_emplace(i, v);
        if (!fresh) it->second = v;
        m_count += fresh;
    }
    std::size_t size() const noexcept { return m_count; }   // indices set (to other than none)

private:
    T m_none;
    std::vector<T> m_dense;
    std::unordered_map<std::int32_t, T> m_sparse;
    std::size_t m_count = 0;
};

// A 64-bit key -> int32, open addressing over one array (linear probing,
// power-of-two size, at most half full): no node and no division per insert.
// One such insert a task was the Collector's largest single cost on a traced
// Pool.map (std::unordered_map: a node each, chains walked on rehash).
class FlatMap64 {
public:
    // Inserts key -> value unless key is there: (its value, true when inserted).
    std::pair<std::int32_t, bool> tryEmplace(std::uint64_t key, std::int32_t value) {
        if (key == 0) key = 1;   // 0 marks a free slot
        if ((m_size + 1) * 2 > m_slots.size()) grow();
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = mix(key) & mask;; i = (i + 1) & mask) {
            Slot& s = m_slots[i];
            if (s.key == key) return {s.value, false};
            if (s.key == 0) {
                s = {key, value};
                ++m_size;
                return {value, true};
            }
        }
    }
    std::size_t size() const noexcept { return m_size; }
    // Room for n keys in all without growing (a job's tasks, when it is announced).
    void reserve(std::size_t n) {
        while (n * 2 > m_slots.size()) grow();
    }

private:
    struct Slot { std::uint64_t key = 0; std::int32_t value = 0; };
    static std::size_t mix(std::uint64_t k) noexcept { return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> 17); }
    void grow() {
        std::vector<Slot> old(std::max<std::size_t>(64, m_slots.size() * 2));
        old.swap(m_slots);
        m_size = 0;
        for (const Slot& s : old)
            if (s.key != 0) tryEmplace(s.key, s.value);
    }
    std::vector<Slot> m_slots;
    std::size_t m_size = 0;
};

// (queue id, a task's identity) as one hash key.
struct QueueIdentHash {
    std::size_t operator()(const std::pair<std::int32_t, std::uint64_t>& k) const noexcept {
        return std::hash<std::uint64_t>{}(k.second * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(k.first));
    }
};

// =============================================================================
// [SECTION] Interpreter
// =============================================================================
struct PythonTraceSource::Impl {
    std::string dir;
    std::atomic<pid_t> root{0};
    std::atomic<bool> rootSeen{false};
    std::atomic<std::int64_t> rootSeenAt{0};   // steady_clock ns when rootSeen was set
    std::atomic<std::uint64_t> lost{0}, reentered{0}, bad{0};

    std::mutex notesMutex;                  // guards notes (reaped() from other threads)
    std::vector<Record> notes;

    // Collector thread only:
    std::vector<std::unique_ptr<RingFile>> rings;
    std::set<std::string> seenFiles;
    std::vector<Record> held;               // drained, not yet interpreted (t >= the safe time)
    std::size_t heldSorted = 0;             // held[0, heldSorted) is in (t, seq) order (a previous pass)
    std::vector<Record> merged;             // drain's merge buffer, kept between passes (no allocation a pass)
    std::uint64_t seq = 0;
    std::int64_t lastScan = INT64_MIN;

    // starter: the pid whose Process.start() asked for it (0: unknown). Under
    // forkserver a process's parent is the fork server, not its starter.
    // announced: its own ring said PROC_NAME from _bootstrap (it got as far as running its target).
    struct Proc { ProcId id = 0; bool started = false, exited = false, announced = false; pid_t starter = 0; };
    std::unordered_map<pid_t, Proc> procs;
    // A queue or lock. owner: a lock's holder by the hook's own account (CPython's
    // Lock keeps none), -1 when free; names for the notes.
    // semaphore: a Lock object that is a Semaphore (a release by a process holding none is a
    // signal, which the run model shows as such: no note).
    // written: items in the pipe, in pipe order; a pool queue's item carries its
    // identity (job << 32 | index, `tagged`), by which its derived get finds it.
    struct Written { std::uint64_t item = 0, ident = 0; bool tagged = false; };
    struct Object {
        std::int32_t id = 0;
        std::deque<Written> written;
        std::int32_t owner = -1;
        std::string name;
        bool semaphore = false;
    };
    std::unordered_map<ProcId, std::string> procNames;
    std::unordered_map<std::uint64_t, Object> objects[kObjectKinds];   // by ObjectKind, then key
    std::map<std::pair<pid_t, std::int32_t>, std::uint64_t> putItems;   // (pid, put number) -> item
    std::uint64_t nextItem = 1;
    // apply: an apply / apply_async call (POOL_JOB flags 1), one task and no chunk, as parviz's own pool runs.
    // chunkBase: the number of the job's chunk 0 among the program's chunks
    // (-1: a job of unknown length, whose chunks are numbered as they are taken).
    // call: the program's map-like call this job belongs to (map, starmap,
    // imap, imap_unordered, their async forms, executor.map), counted from 1;
    // 0 for an apply's one call. A task is named by its argument; one whose
    // argument a task of another call already had is named "call N:
    // <argument>", so two calls over the same arguments are told apart on the
    // lanes, in the legend and in Stats (chunk numbers are unique in the
    // program already), and a program whose calls differ keeps plain names.
    struct Job {
        std::int32_t base = 0;
        std::uint64_t chunksize = 1;
        std::int32_t length = -1;
        bool apply = false;
        std::int32_t chunkBase = -1;
        bool calls = false;   // kJobCalls: a task's result is its own preview, not a list's
        std::int32_t call = 0;
        std::uint64_t code = kNoString;   // JOB_CODE: "file:line" of the def of the function its tasks run
        std::string func;                 // JOB_CODE b: that function's name ("" unknown)
    };
    // Each process's source line as last said (a SourceLine event), so a
    // worker's task start says its function's line only when it moved.
    std::unordered_map<ProcId, std::uint64_t> lineSaid;
    // The string of a SourceLine that puts a process on no line of the program ("").
    std::uint64_t noLineId = kNoString;
    std::uint64_t noLine(SourceSink& sink) {
        if (noLineId == kNoString) noLineId = sink.addString("");
        return noLineId;
    }
    std::int32_t mapCalls = 0;
    // A task name -> the call whose task had it first (at most kNamesTracked:
    // past that, later calls' repeats keep plain names).
    static constexpr std::size_t kNamesTracked = std::size_t{1} << 20;
    // Keyed by the name's 64-bit hash, not a copy of it (one chance in 10^7
    // that two of a million names collide: then one is prefixed needlessly).
    FlatMap64 nameCalls;
    // A task's name (a string id): its argument's preview `text`, prefixed
    // with its call when a task of another call had that name first. `plain`:
    // the id of `text` when the caller has added it already.
    // A number is named by its call, "count_primes(300000)": "chunk 0: task
    // 300000" on eight lanes read as a count (newcomer walk, session 28); a
    // name ("A", 'A') reads as a task's and stays as it is.
    std::uint64_t taskName(const Job* job, std::string_view text, SourceSink& sink, std::uint64_t plain = kNoString) {
        if (job && !job->func.empty() && readsAsNumber(std::string(text))) {
            const std::string call = job->func + "(" + std::string(text) + ")";
            return taskNameOf(job, call, sink, kNoString);
        }
        return taskNameOf(job, text, sink, plain);
    }
    std::uint64_t taskNameOf(const Job* job, std::string_view text, SourceSink& sink, std::uint64_t plain) {
        if (job && job->call > 0 && nameCalls.size() < kNamesTracked) {
            const auto [call, fresh] = nameCalls.tryEmplace(std::hash<std::string_view>{}(text), job->call);
            if (!fresh && call != job->call)
                return sink.addString("call " + std::to_string(job->call) + ": " + std::string(text));
        }
        return plain != kNoString ? plain : sink.addString(text);
    }
    std::map<std::pair<pid_t, std::uint64_t>, Job> jobs;                 // (pool owner pid, job) -> ...
    std::int32_t nextTaskBase = 0;
    // Chunk numbers are unique in the program (TaskChunk obj), so two map
    // calls' chunks never both read "chunk 0": a job's chunks take the next
    // numbers when it is announced, in input order; a chunk of a job of
    // unknown length or never announced takes the next one when it is taken.
    std::int32_t nextChunk = 0;
    std::map<std::pair<pid_t, std::uint64_t>, std::int32_t> lateChunks;   // (worker pid, job << 32 | chunk) -> number
    using AdHocKey = std::tuple<pid_t, std::uint64_t, std::int32_t>;   // (worker pid, a, obj) of a TASK_START
    std::map<AdHocKey, std::int32_t> adHocTasks;                       // its index, until its TASK_END
    std::map<std::pair<ProcId, std::int32_t>, std::uint64_t> taskNames; // open task -> name id
    struct PoolQueues { std::uint64_t tasks = 0, results = 0; };
    std::unordered_map<pid_t, PoolQueues> poolWorkers;                  // a pool worker's queue keys (POOL_WORKER)
    std::unordered_map<std::pair<std::int32_t, std::uint64_t>, std::uint64_t, QueueIdentHash> putNames;   // (queue id, identity) -> preview id
    ByIndex<std::uint64_t> nameOfIndex{kNoString};                      // a started task's index -> its name id
    ByIndex<std::uint64_t> resultOfIndex{kNoString};                    // a returned task's index -> its result's preview id
    std::map<std::int32_t, std::int64_t> raisedAt;                      // a task that raised -> when
    ByIndex<std::uint8_t> receivedIndices{0};                            // 1: the program received its result
    // A traced process's lane state, kept as parviz's engine keeps its
    // workers' (worker_state.hpp): Running inside a task, else Idle; a wait
    // (a sleep, a queue get or a lock acquire that blocks) shows while it
    // lasts, and when it ends the lane goes back to what it was entered
    // from: the latest wait still open, else the task, else Idle. The lane is
    // per process and several of its threads may wait at once: each wait is
    // ended by its own leave, (state, key), wherever it is in the list.
    // syncs: Event / Condition / Barrier / pool-results waits open, which the
    // run model draws and restores after itself (WaitSync, or WaitQueue for
    // a pool's results): no State is said while one is open, and the lane's
    // state, if it changed meanwhile, once the last one ends.
    struct Lane {
        bool inTask = false;
        std::vector<std::pair<WorkerState, std::uint64_t>> waits;
        std::int32_t syncs = 0;
        std::vector<ProcId> joins;   // the processes its open Process.join calls wait for
        WorkerState shown = WorkerState::Idle;
    };
    std::unordered_map<ProcId, Lane> lanes;
    void enterWait(ProcId p, WorkerState s, std::uint64_t key, std::int64_t t, std::vector<Event>& out);
    void leaveWait(ProcId p, WorkerState s, std::uint64_t key, std::int64_t t, std::vector<Event>& out);
    void showLane(ProcId p, Lane& lane, std::int64_t t, std::vector<Event>& out);
    void enterTaskWait(ProcId p, std::uint64_t key, std::int64_t t, std::vector<Event>& out);
    struct Summarised { std::int32_t count = 0; std::string name; };
    std::map<std::int32_t, Summarised> summarised;                      // a summarised chunk's first index -> ...

    void scan();
    std::int64_t drainRings(std::int64_t now);
    void drainRing(std::uint32_t index, RingFile& r, std::int64_t now);
    // TASK_RUN's start: a TASK_START flagged TAKEN | NAME_FROM_PUT of a one-task chunk at t0.
    Record taskRunStart(std::int64_t t0, std::uint64_t a, std::uint32_t ring) {
        Record s;
        s.t = t0;
        s.kind = TaskStartW;
        s.flags = kTaskTaken | kTaskNameFromPut;
        s.a = a;
        s.src = 1;
        s.ring = ring;
        s.seq = seq++;
        return s;
    }
    void interpret(Record& r, std::vector<Event>& out, SourceSink& sink);
    Proc& procFor(pid_t pid, SourceSink& sink, const std::string& name = {}, std::int32_t role = RoleProcess);
    std::uint64_t stringFor(const Record& r, std::uint64_t id, SourceSink& sink);
    Object& object(ObjectKind kind, std::uint64_t key, SourceSink& sink, const std::string& name = {},
                   std::int64_t size = 0, bool semaphore = false);
    void interpretProcess(Record& r, RingFile* ring, std::vector<Event>& out, SourceSink& sink);
    void interpretQueue(Record& r, RingFile& ring, ProcId p, std::vector<Event>& out, SourceSink& sink);
    void interpretTask(Record& r, RingFile& ring, ProcId p, std::vector<Event>& out, SourceSink& sink);
    std::uint64_t take(Object& q, bool tagged, std::uint64_t ident);
    void taken(const Record& r, RingFile& ring, ProcId p, std::int32_t index, std::int32_t chunkNo, std::uint64_t& name,
               std::vector<Event>& out, SourceSink& sink);
    std::int32_t chunkNumber(const Job* job, pid_t worker, std::uint64_t ident);
    void returned(const Record& r, RingFile& ring, ProcId p, std::vector<Event>& out, SourceSink& sink);
    void resultsOf(const Job* job, std::int32_t last, std::int32_t k, const std::string& text, SourceSink& sink);
    void received(const Record& r, RingFile& ring, ProcId p, std::vector<Event>& out, SourceSink& sink);
    void interpretLock(Record& r, ProcId p, std::vector<Event>& out, SourceSink& sink);
    void interpretSync(Record& r, ProcId p, std::vector<Event>& out, SourceSink& sink);
};

void PythonTraceSource::Impl::scan() {
    DIR* d = opendir(dir.c_str());
    if (!d) return;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.size() < 6 || name.compare(name.size() - 5, 5, ".ring") != 0 || seenFiles.count(name)) continue;
        seenFiles.insert(name);
        auto r = openRing(dir + "/" + name, name);
        if (!r) {
            bad.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (r->pid == root.load(std::memory_order_acquire) && !rootSeen.load(std::memory_order_relaxed)) {
            rootSeenAt.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count(),
                             std::memory_order_relaxed);
            rootSeen.store(true, std::memory_order_release);
        }
        rings.push_back(std::move(r));
    }
    closedir(d);
}

void PythonTraceSource::Impl::drainRing(std::uint32_t index, RingFile& r, std::int64_t now) {
    // No open begin() (a time stamped before a fork, published after it):
    // every later record is stamped after `now`, up to the write slack.
    if (load64(r.base, kOffWriting) == 0) r.idleSeenAt = now;
    // A pool task running in the writer's main thread (TASK_RUN's start, said
    // in the header until its one record comes): its TaskStart now, so a long
    // task is drawn running as it runs. Read before the slots: a task whose
    // TASK_RUN is published by then has either its header here or its record
    // below. (A seqlock: the second gen first, the first last.)
    {
        const std::uint64_t g2 = load64(r.base, kOffOpenTask + 24);
        const auto t0 = static_cast<std::int64_t>(load64(r.base, kOffOpenTask + 8));
        const std::uint64_t a = load64(r.base, kOffOpenTask + 16);
        const std::uint64_t g1 = load64(r.base, kOffOpenTask);
        const std::uint64_t gen = g1 & kTaskGenMask;
        if (g1 == g2 && gen != 0 && gen != r.headerGen && gen != r.ranGen) {
            r.headerGen = gen;
            r.startedGens.insert(gen);
            held.push_back(taskRunStart(t0, a, index));
        }
    }
    for (;; ++r.tail) {
        const char* s = r.base + kHeader + (r.tail & (r.slots - 1)) * kSlot;
        // The sequence number is the slot's last field: once it reads tail + 1
        // the whole slot is there (x86-64 store order; see the wire doc).
        if (load64(s, kSlotSeq) != r.tail + 1) break;
        Record rec;
        std::memcpy(&rec.t, s, 8);
        rec.kind = static_cast<std::uint8_t>(s[8]);
        rec.flags = static_cast<std::uint8_t>(s[9]);
        std::memcpy(&rec.obj, s + 12, 4);
        std::memcpy(&rec.a, s + 16, 8);
        std::memcpy(&rec.b, s + 24, 8);
        std::memcpy(&rec.src, s + 32, 8);
        rec.ring = index;
        rec.seq = seq++;
        if (hasText(rec.kind, rec.flags)) rec.text = r.text(rec.b);
        if (rec.kind == TaskRunW) {   // TASK_START (unless drawn from the header) + TASK_END
            const std::uint64_t gen = static_cast<std::uint64_t>(rec.obj) & kTaskGenMask;
            if (gen == 0 || r.startedGens.erase(gen) == 0)
                held.push_back(taskRunStart(static_cast<std::int64_t>(rec.src), rec.a, index));
            r.ranGen = gen;
            rec.kind = TaskEndW;
            rec.obj = 0;
            rec.src = 0;
            rec.seq = seq++;
        }
        held.push_back(std::move(rec));
    }
    __atomic_store_n(reinterpret_cast<std::uint64_t*>(r.base + kOffTail), r.tail, __ATOMIC_RELEASE);
    // Both ways a writer drops an event: its ring was full, or a signal handler
    // came inside its thread's own write (_ring.py); both are shown as losses.
    const std::uint64_t reenteredNow = load64(r.base, kOffReentered);
    const std::uint64_t lostNow = load64(r.base, kOffLost) + reenteredNow;
    if (reenteredNow > r.reenteredReported) {
        reentered.fetch_add(reenteredNow - r.reenteredReported, std::memory_order_relaxed);
        r.reenteredReported = reenteredNow;
    }
    if (lostNow > r.lostReported) {
        lost.fetch_add(lostNow - r.lostReported, std::memory_order_relaxed);
        Record rec;
        rec.t = now;
        rec.kind = 255;   // a loss, reported below as EventKind::Lost
        rec.a = lostNow - r.lostReported;
        rec.ring = index;
        rec.seq = seq++;
        held.push_back(std::move(rec));
        r.lostReported = lostNow;
    }
}

std::int64_t PythonTraceSource::Impl::drainRings(std::int64_t now) {
    std::int64_t safe = now;
    scan();
    for (std::uint32_t i = 0; i < rings.size(); ++i) {
        drainRing(i, *rings[i], now);
        safe = std::min(safe, std::min(rings[i]->idleSeenAt, now - kWriteSlackNs));
    }
    return safe;
}

PythonTraceSource::Impl::Proc& PythonTraceSource::Impl::procFor(pid_t pid, SourceSink& sink, const std::string& name,
                                                               std::int32_t role) {
    auto it = procs.find(pid);
    if (it != procs.end()) return it->second;
    Proc p;
    if (pid == root.load(std::memory_order_acquire)) {
        p.id = kParentProc;   // the Trace's MainProcess
    } else {
        const ProcRole r = role == RolePoolWorker ? ProcRole::PoolWorker
                           : role == RoleHelper   ? ProcRole::ForkServer   // forkserver, resource_tracker
                                                  : ProcRole::Process;
        p.id = sink.addProcess(name.empty() ? "pid " + std::to_string(pid) : name, r, pid);
    }
    procNames[p.id] = p.id == kParentProc ? "MainProcess" : name.empty() ? "pid " + std::to_string(pid) : name;
    return procs.emplace(pid, p).first->second;
}

std::uint64_t PythonTraceSource::Impl::stringFor(const Record& r, std::uint64_t id, SourceSink& sink) {
    if (r.kind == ReapedByParviz || id == 0) return kNoString;
    auto& m = rings[r.ring]->strings;
    auto it = m.find(id);
    return it == m.end() ? sink.addString("?") : it->second;
}

// The object of `kind` behind a wire key, registered in the Trace at its
// first mention (its NEW record, or any record of an object whose NEW was not
// seen: then named "<kind>@<creator pid>").
PythonTraceSource::Impl::Object& PythonTraceSource::Impl::object(ObjectKind kind, std::uint64_t key, SourceSink& sink,
                                                                 const std::string& name, std::int64_t size,
                                                                 bool semaphore) {
    auto& m = objects[static_cast<std::size_t>(kind)];
    auto it = m.find(key);
    if (it != m.end()) return it->second;
    Object o;
    o.id = static_cast<std::int32_t>(m.size() + 1);
    if (name.empty()) {   // "Queue@1234": its kind and its creator's pid
        o.name = std::string(toString(kind)) + "@" + std::to_string(key >> 24);
        o.name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(o.name[0])));
    } else {
        o.name = name;
    }
    ObjectInfo info{kind, o.id, o.name};
    info.size = size;
    info.semaphore = semaphore;
    o.semaphore = semaphore;
    sink.addObject(std::move(info));
    return m.emplace(key, std::move(o)).first->second;
}

void PythonTraceSource::Impl::interpretProcess(Record& r, RingFile* ring, std::vector<Event>& out, SourceSink& sink) {
    auto exitOf = [&](pid_t pid, std::int64_t code) {
        Proc& p = procFor(pid, sink);
        if (p.exited) return;
        p.exited = true;
        if (code > 0 && p.starter != 0 && !p.announced) {
            // Started by spawn or forkserver, it failed while importing the
            // main module again (fork children announce at once).
            const std::string text =
                procNames[p.id] + " exited with code " + std::to_string(code) +
                " before running its target: a child started by spawn or forkserver imports the program's main "
                "file again, and code there that is not under `if __name__ == \"__main__\":` runs again in it "
                "(its traceback is in its output)";
            out.push_back(Event{r.t, p.id, EventKind::Note, 0, 0, sink.addString(text), 0});
        }
        out.push_back(Event{r.t, p.id, EventKind::ProcExit, 0, 0, static_cast<std::uint64_t>(code), 0});
        sink.processEnded(p.id);   // MainProcess too: the Recorder may watch it (watchProgramRoot)
    };
    auto startOf = [&](Proc& p, pid_t pid) {
        if (p.started) return;
        p.started = true;
        out.push_back(Event{r.t, p.id, EventKind::ProcStart, 0, 0, static_cast<std::uint64_t>(pid), 0});
    };
    switch (r.kind) {
    case ProcName: {
        Proc& p = procFor(ring->pid, sink, r.text, r.obj);
        p.announced = true;
        startOf(p, ring->pid);
        break;
    }
    case ProcStartReq: {
        const pid_t child = static_cast<pid_t>(r.a);
        Proc& p = procFor(child, sink, r.text, r.obj);
        p.starter = ring->pid;
        startOf(p, child);
        break;
    }
    case ProcKill: {   // the program asked (Process.terminate / kill): KillRequest flagged as the program's own
        const ProcId target = procFor(static_cast<pid_t>(r.a), sink).id;
        out.push_back(Event{r.t, procFor(ring->pid, sink).id, EventKind::KillRequest, 1, target, r.b, 0});
        break;
    }
    case ProcExitSelf: exitOf(ring->pid, static_cast<std::int64_t>(r.a)); break;
    case ProcReaped: exitOf(static_cast<pid_t>(r.a), static_cast<std::int64_t>(r.b)); break;
    case ReapedByParviz: exitOf(static_cast<pid_t>(r.a), static_cast<std::int64_t>(r.b)); break;
    default: break;
    }
}

void PythonTraceSource::Impl::interpretQueue(Record& r, RingFile& ring, ProcId p, std::vector<Event>& out,
                                             SourceSink& sink) {
    Object& q = object(ObjectKind::Queue, r.a, sink, r.kind == QueueNew ? r.text : std::string());
    switch (r.kind) {
    case QueuePutW: {
        const std::uint64_t item = nextItem++;
        putItems[{ring.pid, r.obj}] = item;
        out.push_back(Event{r.t, p, EventKind::QueuePut, 0, q.id, item, sink.addString(r.text)});
        if (r.flags & kPutWritten) {   // no feeder thread: it is in the pipe now (no QUEUE_WRITE follows)
            putItems.erase({ring.pid, r.obj});
            q.written.push_back({item});
        }
        break;
    }
    case PoolPutW: {   // a pool task with its identity (src): in the pipe now; a worker's TASK_TAKEN takes it
        const std::uint64_t item = nextItem++, preview = sink.addString(r.text);
        out.push_back(Event{r.t, p, EventKind::QueuePut, 0, q.id, item, preview});
        q.written.push_back({item, r.src, true});
        // The task's name when it is its put's preview: per call (Job::call).
        const auto j = jobs.find({ring.pid, r.src >> 32});
        putNames[{q.id, r.src}] = taskName(j == jobs.end() ? nullptr : &j->second, r.text, sink, preview);
        break;
    }
    case PoolGetW:   // MainProcess's result handler took the item of that identity
        out.push_back(Event{r.t, p, EventKind::QueueGet, 0, q.id, take(q, true, r.src), kNoString});
        break;
    case QueueWrite: {
        std::uint64_t item = 0;
        if (auto it = putItems.find({ring.pid, r.obj}); r.obj != 0 && it != putItems.end()) {
            item = it->second;
            putItems.erase(it);
        } else {   // a put the hook did not see (a subclass's own put): it starts here
            item = nextItem++;
            out.push_back(Event{r.t, p, EventKind::QueuePut, 0, q.id, item, kNoString});
        }
        q.written.push_back({item});
        break;
    }
    case QueueGetW: out.push_back(Event{r.t, p, EventKind::QueueGet, 0, q.id, take(q, false, 0), kNoString}); break;
    case QueueDiscardW:   // its pool was terminated: what is still in the pipe is never read
        for (const Written& w : q.written)
            out.push_back(Event{r.t, p, EventKind::QueueGet, kQueueDiscarded, q.id, w.item, kNoString});
        q.written.clear();
        break;
    case QueueEmptyW: out.push_back(Event{r.t, p, EventKind::QueueEmpty, 0, q.id, 0, 0}); break;
    case QueueFullW: out.push_back(Event{r.t, p, EventKind::QueueFull, 0, q.id, 0, 0}); break;
    default: break;   // QueueNew: registered above
    }
}

// The item a get took from q's pipe: with an identity, the item put with it;
// else (a stop signal, or an item whose put carried none) the oldest untagged
// one, pipe order among them being kept; failing both, the oldest; with the
// pipe empty as far as the trace knows, an item never seen put.
std::uint64_t PythonTraceSource::Impl::take(Object& q, bool tagged, std::uint64_t ident) {
    auto it = q.written.end();
    if (tagged)
        it = std::find_if(q.written.begin(), q.written.end(),
                          [&](const Written& w) { return w.tagged && w.ident == ident; });
    if (it == q.written.end())
        it = std::find_if(q.written.begin(), q.written.end(), [](const Written& w) { return !w.tagged; });
    if (it == q.written.end()) it = q.written.begin();
    if (it == q.written.end()) return nextItem++;
    const std::uint64_t item = it->item;
    q.written.erase(it);
    return item;
}

// TASK_TAKEN: the worker took this chunk (r.a: job << 32 | chunk) from its
// pool's task queue just before: the QueueGet its own event no longer says,
// and, unless it is an apply's call, the chunk (TaskChunk: which tasks went
// out together). `name`: the put's
// preview when the task's name is it (kTaskNameFromPut).
void PythonTraceSource::Impl::taken(const Record& r, RingFile& ring, ProcId p, std::int32_t index, std::int32_t chunkNo,
                                    std::uint64_t& name, std::vector<Event>& out, SourceSink& sink) {
    // A Pool's worker (POOL_WORKER said its queues): the get from its task
    // queue. A ProcessPoolExecutor's worker takes from the executor's own call
    // queue, which is not shown: only its chunk.
    if (const auto w = poolWorkers.find(ring.pid); w != poolWorkers.end()) {
        Object& q = object(ObjectKind::Queue, w->second.tasks, sink);
        out.push_back(Event{r.t, p, EventKind::QueueGet, 0, q.id, take(q, true, r.a), kNoString});
        if (auto n = putNames.find({q.id, r.a}); n != putNames.end()) {
            if (r.flags & kTaskNameFromPut) name = n->second;
            putNames.erase(n);
        }
    }
    if (chunkNo < 0) return;   // an apply's one call
    const std::uint64_t count = std::clamp<std::uint64_t>(r.src, 1, 0xFFFFFFFFu);
    out.push_back(Event{r.t, p, EventKind::TaskChunk, 0, chunkNo, static_cast<std::uint64_t>(index), count});
}

// The program-wide number of chunk `ident & 0xFFFFFFFF` of its job (see nextChunk).
std::int32_t PythonTraceSource::Impl::chunkNumber(const Job* job, pid_t worker, std::uint64_t ident) {
    const std::int64_t chunk = static_cast<std::int64_t>(ident & 0xFFFFFFFFu);
    if (job && job->chunkBase >= 0) return static_cast<std::int32_t>(std::min<std::int64_t>(INT32_MAX, job->chunkBase + chunk));
    auto [it, fresh] = lateChunks.try_emplace({worker, ident}, nextChunk);
    if (fresh && nextChunk < INT32_MAX) ++nextChunk;
    return it->second;
}

// TASK_RETURNED: the worker hands the chunk's result back on its pool's result
// queue now: the QueuePut its own event no longer says, with the result's
// preview ("raised Type" for an error), tagged for MainProcess's POOL_GET.
void PythonTraceSource::Impl::returned(const Record& r, RingFile& ring, ProcId p, std::vector<Event>& out,
                                       SourceSink& sink) {
    const auto w = poolWorkers.find(ring.pid);
    if (w == poolWorkers.end()) return;
    Object& q = object(ObjectKind::Queue, w->second.results, sink);
    std::string text = r.text;
    if (r.flags & kTaskRaised) text = "raised " + r.text.substr(0, r.text.find(": "));
    const std::uint64_t item = nextItem++;
    out.push_back(Event{r.t, p, EventKind::QueuePut, 0, q.id, item, sink.addString(text)});
    q.written.push_back({item, r.a, true});
}

// POOL_RESULTS: the program received results of its job r.a (get() or next()
// returned): a PoolResult per task, as parviz's own pool runs write them, so
// Stats says when and in what order they arrived. obj = the chunk (-1: the
// whole job), b = its task count; raised (flags 1): the call raised the error
// the job's (or chunk's) task that raised first, which is the one result.
void PythonTraceSource::Impl::received(const Record& r, RingFile& ring, ProcId p, std::vector<Event>& out,
                                       SourceSink& sink) {
    const auto j = jobs.find({ring.pid, r.a});
    if (j == jobs.end()) return;
    const Job& job = j->second;
    std::int64_t first = job.base, count = job.length;
    if (r.obj >= 0) {
        first += static_cast<std::int64_t>(r.obj) * static_cast<std::int64_t>(job.chunksize);
        count = static_cast<std::int64_t>(std::min<std::uint64_t>(r.b, kOpenJobTasks));
    }
    if (count < 0) return;   // a whole job of unknown length: not said by any writer
    const std::int64_t end = std::min<std::int64_t>(first + count, INT32_MAX);
    auto emit = [&](std::int64_t i, bool failed) {
        const auto idx = static_cast<std::int32_t>(i);
        if (receivedIndices.get(idx)) return;
        receivedIndices.set(idx, 1);
        const std::uint64_t n = nameOfIndex.get(idx);
        const std::uint64_t name = n != kNoString ? n : sink.addString("#" + std::to_string(idx));
        const std::uint64_t v = failed ? kNoString : resultOfIndex.get(idx);   // b: 1 + its result's preview
        const std::uint64_t value = v != kNoString ? v + 1 : 0;
        out.push_back(Event{r.t, p, EventKind::PoolResult, static_cast<std::uint8_t>(failed ? 1 : 0), idx, name, value});
    };
    if (r.flags & 1) {   // CPython keeps the error that came back first
        std::int64_t failed = first, when = INT64_MAX;
        for (auto it = raisedAt.lower_bound(static_cast<std::int32_t>(first)); it != raisedAt.end() && it->first < end; ++it)
            if (it->second < when) std::tie(failed, when) = std::pair<std::int64_t, std::int64_t>{it->first, it->second};
        emit(failed, true);
        return;
    }
    // A summarised chunk's tasks are one result, as they are one bar.
    auto s = summarised.lower_bound(static_cast<std::int32_t>(first));
    for (std::int64_t i = first; i < end; ++i) {
        while (s != summarised.end() && s->first < i) ++s;
        emit(i, false);
        if (s != summarised.end() && s->first == i) i += std::max(s->second.count, 1) - 1;
    }
}

void PythonTraceSource::Impl::interpretTask(Record& r, RingFile& ring, ProcId p, std::vector<Event>& out,
                                            SourceSink& sink) {
    if (r.kind == PoolJob) {   // obj = its tasks; < 0: not known yet (imap over an iterator), a block is reserved
        Job job{nextTaskBase, std::max<std::uint64_t>(1, r.b), r.obj, (r.flags & kJobApply) != 0};
        job.calls = (r.flags & kJobCalls) != 0;
        if (!job.apply) {
            if (!(r.flags & kJobSameCall) || mapCalls == 0) mapCalls = mapCalls == INT32_MAX ? mapCalls : mapCalls + 1;
            job.call = mapCalls;
        }
        if (!job.apply && r.obj >= 0) {   // its chunks: ceil(length / chunksize)
            job.chunkBase = nextChunk;
            const std::uint64_t chunks = (static_cast<std::uint64_t>(r.obj) + job.chunksize - 1) / job.chunksize;
            nextChunk = static_cast<std::int32_t>(std::min<std::uint64_t>(INT32_MAX, nextChunk + chunks));
        }
        jobs[{ring.pid, r.a}] = job;
        if (job.call > 0 && r.obj > 0)   // its tasks' names (taskName), at most as many as are tracked
            nameCalls.reserve(std::min<std::size_t>(kNamesTracked, nameCalls.size() + static_cast<std::size_t>(r.obj)));
        nextTaskBase = static_cast<std::int32_t>(
            std::min<std::int64_t>(INT32_MAX, std::int64_t{nextTaskBase} + (r.obj < 0 ? kOpenJobTasks : r.obj)));
        return;
    }
    // The index: from the job's announcement (input order), or, for executor
    // work (flags 2) and a job never announced, in the order tasks start.
    const std::uint64_t job = r.a >> 32, chunk = r.a & 0xFFFFFFFFu;
    const bool summary = (r.flags & kTaskSummary) != 0;
    const std::int32_t inChunk = summary ? 0 : r.obj;   // a summarised chunk's END: obj = the tasks that ran
    const auto self = procs.find(ring.pid);
    const pid_t owner = self != procs.end() && self->second.starter ? self->second.starter : ring.ppid;
    const auto jobIt = (r.flags & kTaskAdHoc) ? jobs.end() : jobs.find({owner, job});
    // The Code panel: a worker running a job's task is on its function's def
    // line (JOB_CODE; it was drawn on the line that started the pool,
    // newcomer walk, session 26), unless the task's own code said a line
    // since (a print, a queue call); once the chunk's result goes back it is
    // on no line of the program (the pool's loop) until its next task.
    if (jobIt != jobs.end() && jobIt->second.code != kNoString) {
        const std::uint64_t code = jobIt->second.code;
        std::uint64_t& said = lineSaid[p];
        const bool leaves = r.kind == TaskEndW && (r.flags & kTaskReturned);
        if (r.kind == TaskStartW && said != code) {
            out.push_back(Event{r.t, p, EventKind::SourceLine, 0, 0, code, 0});
            said = code;
        } else if (leaves && said != noLine(sink)) {
            out.push_back(Event{r.t, p, EventKind::SourceLine, 0, 0, noLine(sink), 0});
            said = noLine(sink);
        }
    }
    const AdHocKey key{ring.pid, r.a, inChunk};
    std::int64_t index = 0;
    if (jobIt != jobs.end()) {
        index = jobIt->second.base + static_cast<std::int64_t>(chunk * jobIt->second.chunksize) + inChunk;
    } else if (auto it = adHocTasks.find(key); r.kind == TaskEndW && it != adHocTasks.end()) {
        index = it->second;
        adHocTasks.erase(it);
    } else {
        index = nextTaskBase;
        nextTaskBase = nextTaskBase == INT32_MAX ? INT32_MAX : nextTaskBase + 1;
        if (r.kind == TaskStartW) adHocTasks[key] = static_cast<std::int32_t>(index);
    }
    const auto idx = static_cast<std::int32_t>(std::clamp<std::int64_t>(index, 0, INT32_MAX));
    if (r.kind == TaskStartW) {
        const Job* j = jobIt == jobs.end() ? nullptr : &jobIt->second;
        std::uint64_t name = (r.flags & (kTaskNameFromPut | kTaskSummary)) ? kNoString : taskName(j, r.text, sink);
        if (r.flags & kTaskTaken) {
            const std::int32_t chunkNo = j && j->apply ? -1 : chunkNumber(j, ring.pid, r.a);
            if (summary) {   // "chunk 3: 12 500 tasks, summarised": its one bar's name, in every panel
                const auto count = static_cast<std::int32_t>(std::clamp<std::uint64_t>(r.src, 1, INT32_MAX));
                Summarised& sm = summarised[idx];
                sm = {count, summaryName(chunkNo, count)};
                name = sink.addString(sm.name);
            }
            taken(r, ring, p, idx - inChunk, chunkNo, name, out, sink);
        }
        if (name == kNoString) name = sink.addString("?");   // its put was not seen
        taskNames[{p, idx}] = name;
        nameOfIndex.set(idx, name);
        out.push_back(Event{r.t, p, EventKind::TaskStart, summary ? kTaskSummarised : std::uint8_t{0}, idx, name, 0});
    } else {
        std::uint64_t name = kNoString;
        if (auto it = taskNames.find({p, idx}); it != taskNames.end()) {
            name = it->second;
            taskNames.erase(it);
        }
        // b: 1 + the string id of what it raised (event.hpp), 0 when not said.
        const std::uint64_t error = (r.flags & kTaskRaised) && !r.text.empty() ? sink.addString(r.text) + 1 : 0;
        if (r.flags & kTaskRaised) raisedAt.emplace(idx, r.t);
        if (summary && (r.flags & kTaskRaised)) {   // which task of the summarised chunk raised, and what ran
            const auto s = summarised.find(idx);
            const std::int64_t count = s != summarised.end() ? s->second.count : r.obj;
            const std::int64_t ran = std::clamp<std::int64_t>(r.obj, 1, std::max<std::int64_t>(count, 1));
            const std::string text = (s != summarised.end() ? s->second.name : std::string("a summarised chunk")) + ": task #" +
                                     std::to_string(idx + ran - 1) + " raised " + r.text + " after " + grouped(ran - 1) +
                                     " done; " + grouped(count - ran) + " not run";
            out.push_back(Event{r.t, p, EventKind::Note, 0, 0, sink.addString(text), 0});
        }
        out.push_back(Event{r.t, p, EventKind::TaskEnd, static_cast<std::uint8_t>(r.flags & kTaskRaised), idx, name, error});
        if (r.flags & kTaskReturned) {
            returned(r, ring, p, out, sink);
            if (!(r.flags & kTaskRaised)) {
                const Job* j = jobIt == jobs.end() ? nullptr : &jobIt->second;
                resultsOf(j, idx, r.obj, r.text, sink);
            }
        }
    }
}

// A returned chunk's (or call's) result preview, split into its tasks'
// results: an apply's text is its one result; a map chunk's is the list of
// its results ("[25]", "[1, 4, 9, ...]", cut at 64 bytes), whose complete
// items name the chunk's first tasks (the rest stay unknown); a job never
// announced says neither (its results stay unknown). last = the
// chunk's last task's index, k its place in the chunk.
void PythonTraceSource::Impl::resultsOf(const Job* job, std::int32_t last, std::int32_t k, const std::string& text,
                                        SourceSink& sink) {
    if (resultOfIndex.size() >= kNamesTracked || !job) return;
    if (job && (job->apply || job->calls)) {
        resultOfIndex.set(last, sink.addString(text));
        return;
    }
    const std::vector<std::string> items = splitListPreview(text);
    if (items.empty() && k == 0 && text.size() > 1 && text.front() == '[' && text.back() != ']') {
        resultOfIndex.set(last, sink.addString(text.substr(1) + "\u2026"));   // one long result, cut at 64 bytes
        return;
    }
    if (k < 0 || items.size() > static_cast<std::size_t>(k) + 1) return;   // not a list of this chunk's results
    for (std::size_t i = 0; i < items.size(); ++i)
        resultOfIndex.set(last - k + static_cast<std::int32_t>(i), sink.addString(items[i]));
}

void PythonTraceSource::Impl::interpretLock(Record& r, ProcId p, std::vector<Event>& out, SourceSink& sink) {
    if (r.kind == LockNew) {   // flags 1: a Semaphore, obj its initial value (may be 0); else a Lock
        const bool semaphore = (r.flags & kLockSemaphore) || r.obj > 0;
        object(ObjectKind::Lock, r.a, sink, r.text, std::max(r.obj, 0), semaphore);
        return;
    }
    static constexpr EventKind kinds[] = {EventKind::LockWait, EventKind::LockAcquire, EventKind::LockRelease,
                                          EventKind::LockTimeout};
    Object& lock = object(ObjectKind::Lock, r.a, sink);
    if (r.kind == LockReleaseW && !lock.semaphore && lock.owner >= 0 && lock.owner != p) {
        // CPython's Lock has no owner: any process may release it. Shown, not refused.
        const std::string text = procNames[p] + " released " + lock.name + " while " +
                                 procNames[static_cast<ProcId>(lock.owner)] +
                                 " held it: CPython's Lock has no owner, so any process may release it, "
                                 "and the next acquire gets in although the holder believes it still holds it";
        out.push_back(Event{r.t, p, EventKind::Note, 0, lock.id, sink.addString(text), 0});
    }
    if (r.kind == LockAcquireW) lock.owner = p;
    if (r.kind == LockReleaseW) lock.owner = -1;
    out.push_back(Event{r.t, p, kinds[r.kind - LockWaitW], 0, lock.id, 0, 0});
}

// Event, Condition, Barrier, JoinableQueue.join / task_done and a pool's
// results: obj = the ObjectKind (and for SYNC_NEW, size << 8).
void PythonTraceSource::Impl::interpretSync(Record& r, ProcId p, std::vector<Event>& out, SourceSink& sink) {
    const auto kindNo = static_cast<std::uint32_t>(r.obj) & 0xFF;
    if (kindNo >= kObjectKinds || kindNo == static_cast<std::uint32_t>(ObjectKind::Lock)) return;   // not ours
    const auto kind = static_cast<ObjectKind>(kindNo);
    if (r.kind == SyncNewW) {
        object(kind, r.a, sink, r.text, static_cast<std::uint32_t>(r.obj) >> 8);
        return;
    }
    const Object& o = object(kind, r.a, sink);
    if (r.kind == SyncSignalW) {
        const std::uint64_t op = r.b & 0xFFFFFFFFu;
        if (op == 0 || op > kSyncOpLast) return;   // a newer writer's operation: skipped
        out.push_back(Event{r.t, p, EventKind::SyncSignal, 0, o.id, kindNo, r.b});
        return;
    }
    if (r.kind == SyncWaitW)
        out.push_back(Event{r.t, p, EventKind::SyncWait, 0, o.id, kindNo, r.b == kSyncWaitPoolResults ? r.b : 0});
    else
        out.push_back(Event{r.t, p, EventKind::SyncWake, static_cast<std::uint8_t>(r.flags & (kSyncTimedOut | kSyncBroken)),
                            o.id, kindNo, 0});
}

// The lane's state now (Lane above), said as a State event when it changed.
void PythonTraceSource::Impl::showLane(ProcId p, Lane& lane, std::int64_t t, std::vector<Event>& out) {
    if (lane.syncs > 0) return;
    const WorkerState want = !lane.waits.empty() ? lane.waits.back().first
                             : lane.inTask       ? WorkerState::Running
                                                 : WorkerState::Idle;
    if (want == lane.shown) return;
    lane.shown = want;
    out.push_back(Event{t, p, EventKind::State, 0, static_cast<std::int32_t>(want), 0, 0});
}

void PythonTraceSource::Impl::enterWait(ProcId p, WorkerState s, std::uint64_t key, std::int64_t t,
                                        std::vector<Event>& out) {
    Lane& lane = lanes[p];
    if (lane.waits.size() < 4096) lane.waits.emplace_back(s, key);   // (a bound: threads that never leave)
    showLane(p, lane, t, out);
}

// A pool worker waits for its task queue (key) unless it already does.
void PythonTraceSource::Impl::enterTaskWait(ProcId p, std::uint64_t key, std::int64_t t, std::vector<Event>& out) {
    const Lane& lane = lanes[p];
    if (std::find(lane.waits.begin(), lane.waits.end(), std::pair{WorkerState::WaitQueue, key}) == lane.waits.end())
        enterWait(p, WorkerState::WaitQueue, key, t, out);
}

void PythonTraceSource::Impl::leaveWait(ProcId p, WorkerState s, std::uint64_t key, std::int64_t t,
                                        std::vector<Event>& out) {
    Lane& lane = lanes[p];
    const auto it = std::find(lane.waits.rbegin(), lane.waits.rend(), std::pair{s, key});
    if (it == lane.waits.rend()) return;   // its enter was lost (or it was never a wait: an uncontended lock)
    lane.waits.erase(std::next(it).base());
    showLane(p, lane, t, out);
}

void PythonTraceSource::Impl::interpret(Record& r, std::vector<Event>& out, SourceSink& sink) {
    if (r.kind == ReapedByParviz) {
        interpretProcess(r, nullptr, out, sink);
        return;
    }
    RingFile& ring = *rings[r.ring];
    if (r.kind == String) {
        ring.strings[r.a] = sink.addString(r.text);
        ring.texts[r.a] = std::move(r.text);
        return;
    }
    // Names are interned strings of the writing ring: r.text carries them on.
    if (r.kind == ProcName || r.kind == ProcStartReq || r.kind == QueueNew || r.kind == LockNew || r.kind == SyncNewW) {
        auto it = ring.texts.find(r.kind == ProcName ? r.a : r.b);
        r.text = it != ring.texts.end() ? it->second : std::string();
    }
    // A process's own records name it before anything else it says; a child
    // that speaks before its parent's start request arrives is named then.
    const ProcId p = r.kind == ProcName ? procFor(ring.pid, sink, r.text, r.obj).id : procFor(ring.pid, sink).id;
    // (A pool item's src is its identity, a taken chunk's its task count: no source line.)
    // (JOB_CODE's is the def of the job's function, not the pool's process's own line.)
    const bool srcIsLine = r.kind != PoolPutW && r.kind != PoolGetW && r.kind != JobCodeW &&
                           !(r.kind == TaskStartW && (r.flags & kTaskTaken));
    if (r.src != 0 && srcIsLine) {
        const std::uint64_t line = stringFor(r, r.src, sink);
        out.push_back(Event{r.t, p, EventKind::SourceLine, 0, 0, line, 0});
        lineSaid[p] = line;
    }
    switch (r.kind) {
    case ProcName: case ProcStartReq: case ProcExitSelf: case ProcReaped: case ProcKill:
        interpretProcess(r, &ring, out, sink);
        break;
    case PrintLine: out.push_back(Event{r.t, p, EventKind::Print, 0, 0, sink.addString(r.text), 0}); break;
    case QueueNew: case QueuePutW: case QueueWrite: case QueueGetW: case QueueEmptyW: case QueueFullW:
    case QueueDiscardW: case PoolPutW: case PoolGetW:
        interpretQueue(r, ring, p, out, sink);
        // A pool worker's explicit get from its task queue (a stop signal):
        // its wait for its next task ends (see PoolWorkerW).
        if (r.kind == QueueGetW)
            if (const auto w = poolWorkers.find(ring.pid); w != poolWorkers.end() && w->second.tasks == r.a)
                leaveWait(p, WorkerState::WaitQueue, r.a, r.t, out);
        break;
    case PoolWorkerW:
        // From now on the worker's gets from its task queue are derived (TAKEN),
        // and so are its waits on it: between tasks — from POOL_WORKER, and from
        // each chunk's RETURNED, to its next TAKEN (or the stop signal's get) —
        // it waits for its task queue, as parviz's engine draws its workers. The
        // gap also holds the result's put and the next task's unpickling
        // (microseconds: an item already there is taken at once); the writer
        // pays nothing for it (no poll(2) a task, as a hooked get does).
        poolWorkers[ring.pid] = PoolQueues{r.a, r.b};
        enterTaskWait(p, r.a, r.t, out);
        break;
    case LockNew: case LockWaitW: case LockAcquireW: case LockReleaseW: case LockTimeoutW:
        interpretLock(r, p, out, sink);
        // A blocking acquire: "waits for lock" (the run model implies it from
        // LockWait too; said here so that the lane's list of waits knows it).
        if (r.kind == LockWaitW) enterWait(p, WorkerState::WaitLock, r.a, r.t, out);
        else if (r.kind == LockAcquireW || r.kind == LockTimeoutW) leaveWait(p, WorkerState::WaitLock, r.a, r.t, out);
        break;
    case SyncNewW: case SyncWaitW: case SyncWakeW: case SyncSignalW: {
        const std::size_t before = out.size();
        interpretSync(r, p, out, sink);
        const bool said = out.size() > before && (out.back().kind == EventKind::SyncWait || out.back().kind == EventKind::SyncWake);
        Lane& lane = lanes[p];
        if (said && r.kind == SyncWaitW) {
            ++lane.syncs;
        } else if (said && r.kind == SyncWakeW && lane.syncs > 0) {
            --lane.syncs;
            if (lane.syncs == 0) {
                // The run model put the lane back to where the first wait began: what was shown then.
                showLane(p, lane, r.t, out);
            }
        }
        break;
    }
    case PoolJob: case TaskStartW: case TaskEndW:
        interpretTask(r, ring, p, out, sink);
        if (r.kind != PoolJob) {
            Lane& lane = lanes[p];
            lane.inTask = r.kind == TaskStartW;   // a task's CPU work and its own code: running
            // A pool worker's derived get (TAKEN) ends its wait for its next task; its
            // chunk's RETURNED begins the next one (PoolWorkerW).
            const auto w = poolWorkers.find(ring.pid);
            if (w != poolWorkers.end() && r.kind == TaskStartW && (r.flags & kTaskTaken))
                leaveWait(p, WorkerState::WaitQueue, w->second.tasks, r.t, out);
            else if (w != poolWorkers.end() && r.kind == TaskEndW && (r.flags & kTaskReturned))
                enterTaskWait(p, w->second.tasks, r.t, out);
            showLane(p, lane, r.t, out);
        }
        break;
    case PoolResultsW: received(r, ring, p, out, sink); break;
    case StateW: {
        // obj: the wait entered (sleeping, waits for queue), a: its object's
        // key; flags kStateLeave: that wait ended. A plain Idle (no leave) is
        // an older writer's end of a sleep.
        const auto s = static_cast<WorkerState>(r.obj);
        if (r.flags & kStateLeave) leaveWait(p, s, r.a, r.t, out);
        else if (s == WorkerState::Sleeping || s == WorkerState::WaitQueue || s == WorkerState::WaitLock)
            enterWait(p, s, r.a, r.t, out);
        else if (s == WorkerState::Idle) leaveWait(p, WorkerState::Sleeping, 0, r.t, out);
        break;
    }
    case ProcJoinW: {
        // Process.join from the program's code (a = the child's pid): the lane
        // waits, in the run model's WaitSync, named by what it waits for; the
        // end (flags 1; 2 too: join(timeout) gave up) puts back what it showed.
        // An end whose start was not seen (a full ring dropped it) says nothing.
        const ProcId child = procFor(static_cast<pid_t>(r.a), sink).id;
        Lane& lane = lanes[p];
        if (!(r.flags & 1)) {
            const std::uint64_t words = sink.addString("waiting for " + procNames[child] + " to finish (join)");
            out.push_back(Event{r.t, p, EventKind::ProcJoin, 0, static_cast<std::int32_t>(child), words, 0});
            lane.joins.push_back(child);
            ++lane.syncs;
            break;
        }
        const auto open = std::find(lane.joins.rbegin(), lane.joins.rend(), child);
        if (open == lane.joins.rend()) break;
        lane.joins.erase(std::next(open).base());
        const auto flags = static_cast<std::uint8_t>(kJoinEnded | ((r.flags & 2) ? kJoinTimedOut : 0));
        out.push_back(Event{r.t, p, EventKind::ProcJoin, flags, static_cast<std::int32_t>(child), kNoString, 0});
        if (lane.syncs > 0 && --lane.syncs == 0) showLane(p, lane, r.t, out);
        break;
    }
    case JobCodeW: {
        // After its POOL_JOB, from the same process: the def line of the function the job's tasks run.
        const auto j = jobs.find({ring.pid, r.a});
        if (j != jobs.end() && r.src != 0) j->second.code = stringFor(r, r.src, sink);
        if (j != jobs.end() && r.b != 0)
            if (const auto n = ring.texts.find(r.b); n != ring.texts.end()) j->second.func = n->second;
        break;
    }
    case 255: out.push_back(Event{r.t, p, EventKind::Lost, 0, static_cast<std::int32_t>(p), r.a, 0}); break;
    default: break;   // a kind from a newer writer: skipped
    }
}

// =============================================================================
// [SECTION] API
// =============================================================================
PythonTraceSource::PythonTraceSource(std::string directory) : m_impl(std::make_unique<Impl>()) {
    m_impl->dir = std::move(directory);
}
PythonTraceSource::~PythonTraceSource() = default;

void PythonTraceSource::setRoot(pid_t pid) noexcept { m_impl->root.store(pid, std::memory_order_release); }
bool PythonTraceSource::rootAnnounced() const noexcept { return m_impl->rootSeen.load(std::memory_order_acquire); }
std::int64_t PythonTraceSource::rootAnnouncedAt() const noexcept {
    return m_impl->rootSeen.load(std::memory_order_acquire) ? m_impl->rootSeenAt.load(std::memory_order_relaxed) : 0;
}
std::uint64_t PythonTraceSource::lostEvents() const noexcept { return m_impl->lost.load(std::memory_order_relaxed); }
std::uint64_t PythonTraceSource::reenteredEvents() const noexcept {
    return m_impl->reentered.load(std::memory_order_relaxed);
}
std::uint64_t PythonTraceSource::badRings() const noexcept { return m_impl->bad.load(std::memory_order_relaxed); }

void PythonTraceSource::reaped(pid_t pid, int codeOrNegSignal) {
    std::lock_guard lk(m_impl->notesMutex);
    Record r;
    r.t = monoNs();   // under the lock: a drain that missed this note read its clock after it (see drain)
    r.kind = ReapedByParviz;
    r.a = static_cast<std::uint64_t>(pid);
    r.b = static_cast<std::uint64_t>(static_cast<std::int64_t>(codeOrNegSignal));
    m_impl->notes.push_back(std::move(r));
}

std::int64_t PythonTraceSource::drain(std::vector<Event>& out, SourceSink& sink, bool everything) {
    Impl& im = *m_impl;
    const std::int64_t now = monoNs();
    std::int64_t safe = im.drainRings(now);
    {
        std::lock_guard lk(im.notesMutex);
        for (Record& r : im.notes) {
            r.seq = im.seq++;
            im.held.push_back(std::move(r));
        }
        im.notes.clear();
    }
    if (everything) safe = INT64_MAX;
    // Interpret, in time order, what no ring can precede any more.
    // (t, seq) is a total order. What a previous pass left is sorted already:
    // sort what this pass drained and merge (sorting all of it each pass was
    // the Collector's largest cost on a traced Pool.map of 10 000 tasks).
    const auto before = [](const Record& a, const Record& b) { return a.t != b.t ? a.t < b.t : a.seq < b.seq; };
    const auto mid = im.held.begin() + static_cast<std::ptrdiff_t>(std::min(im.heldSorted, im.held.size()));
    std::sort(mid, im.held.end(), before);
    if (mid != im.held.begin() && mid != im.held.end() && before(*mid, *(mid - 1))) {
        // Merged into a buffer kept between passes (inplace_merge allocated
        // and filled a temporary one each pass).
        im.merged.clear();
        im.merged.reserve(im.held.size());
        std::merge(std::make_move_iterator(im.held.begin()), std::make_move_iterator(mid), std::make_move_iterator(mid),
                   std::make_move_iterator(im.held.end()), std::back_inserter(im.merged), before);
        im.held.swap(im.merged);
    }
    std::size_t n = 0;
    while (n < im.held.size() && im.held[n].t < safe) im.interpret(im.held[n++], out, sink);
    im.held.erase(im.held.begin(), im.held.begin() + static_cast<std::ptrdiff_t>(n));
    im.heldSorted = im.held.size();
    return safe;
}

} // namespace parviz
