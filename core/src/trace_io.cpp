// Saved runs (trace_io.hpp describes the format).
//
// Reading never trusts a length: every read is checked against the bytes
// left, so a truncated or hostile file ends in TraceFileError, not a crash or
// a huge allocation.
#include "parviz/machine_load.hpp"
#include "parviz/trace_io.hpp"

#include "parviz/file_io.hpp"

#include <nlohmann/json.hpp>

#include <cstring>
#include <unordered_map>

namespace parviz {

namespace {

using nlohmann::json;

constexpr char kMagic[] = "PARVIZRUN";
constexpr std::size_t kMagicLen = 9;
constexpr std::size_t kEventBytes = 32;
constexpr std::size_t kMaxStringBytes = std::size_t{1} << 20;
constexpr int kMaxMetaDepth = 16;
// Limits of a plausible run; Linux's CONFIG_NR_CPUS is at most 8192.
constexpr int kMaxCores = 8192;
constexpr int kMaxProcs = 0x10000;           // ProcId is 16 bits
constexpr std::size_t kMaxObjects = 0x10000;  // of each kind (queues, locks, ...)
constexpr std::int64_t kMaxSyncSize = 0x7FFFFFFF;   // ObjectInfo::size: a Semaphore's value, a Barrier's parties
// About 146 years of nanoseconds: times, durations and counts stay far from
// int64 overflow when stats add or subtract them.
constexpr std::uint64_t kMaxTimeNs = std::uint64_t{1} << 62;

std::uint64_t fnv1a(const char* p, std::size_t n) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= static_cast<unsigned char>(p[i]);
        h *= 0x100000001b3ull;
    }
    return h;
}

// Which field of an event kind holds a string id (nullptr: none).
std::uint64_t* stringField(Event& e) {
    switch (e.kind) {
    case EventKind::Print: case EventKind::TaskStart: case EventKind::TaskEnd: case EventKind::Note:
    case EventKind::SourceLine: case EventKind::PoolResult: case EventKind::ProcJoin: return &e.a;
    case EventKind::QueuePut: case EventKind::QueueGet: return &e.b;
    case EventKind::MachineLoad: return (e.flags & kMachineLoadOthers) ? &e.a : nullptr;
    default: return nullptr;
    }
}

class Writer {
public:
    template <class T> void put(T v) {
        for (std::size_t i = 0; i < sizeof(T); ++i)
            m_out.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
    }
    void bytes(const std::string& s) { m_out += s; }
    std::string& str() { return m_out; }
private:
    std::string m_out;
};

class Reader {
public:
    Reader(const std::string& data, std::size_t end, const std::string& file) : m_d(data), m_end(end), m_file(file) {}
    [[noreturn]] void fail(const std::string& why) const { throw TraceFileError(m_file + ": " + why); }
    void need(std::size_t n, const char* what) const {
        if (n > m_end - m_pos)
            fail(std::string("truncated or corrupt: ") + what + " needs " + std::to_string(n) + " bytes at offset " +
                 std::to_string(m_pos) + ", only " + std::to_string(m_end - m_pos) + " left");
    }
    template <class T> T get(const char* what) {
        need(sizeof(T), what);
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_d[m_pos + i])) << (8 * i);
        m_pos += sizeof(T);
        return static_cast<T>(v);
    }
    std::string bytes(std::size_t n, const char* what) {
        need(n, what);
        std::string s = m_d.substr(m_pos, n);
        m_pos += n;
        return s;
    }
    std::size_t pos() const { return m_pos; }
    std::size_t left() const { return m_end - m_pos; }
private:
    const std::string& m_d;
    std::size_t m_end;
    const std::string& m_file;
    std::size_t m_pos = 0;
};

json metaToJson(const TraceMeta& m) {
    json procs = json::array(), objects = json::array();
    for (const auto& p : m.procs) procs.push_back({{"name", p.name}, {"role", static_cast<int>(p.role)}});
    for (const auto& o : m.objects) {
        json j{{"kind", toString(o.kind)}, {"id", o.id}, {"name", o.name}};
        if (o.size != 0) j["size"] = o.size;   // format 9: a Semaphore's value, a Barrier's parties
        if (o.semaphore) j["semaphore"] = true;   // format 10: a Semaphore (its value may be 0)
        objects.push_back(std::move(j));
    }
    return {{"scenario", m.scenario}, {"title", m.title}, {"work", m.work}, {"workers", m.workers},
            {"time_scale", m.timeScale}, {"total_cores", m.totalCores}, {"usable_cores", m.usableCores},
            {"core_source", static_cast<int>(m.coreSource)}, {"procs", procs}, {"objects", objects},
            {"incomplete", m.incomplete}};
}

// A number from the metadata, checked against its limits (the loader trusts
// nothing: 2 000 000 000 cores would make the stats loop that often).
template <class T> T boundedField(const json& j, const char* key, T lo, T hi, const Reader& r) {
    T v = j.at(key).get<T>();
    if (!(v >= lo && v <= hi))
        r.fail(std::string("corrupt metadata: ") + key + " is " + std::to_string(v) + ", must be between " +
               std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

// Adds one shared object to `m`, refusing a second one of its kind and id.
void addObject(TraceMeta& m, ObjectInfo info, const Reader& r) {
    if (m.countOf(info.kind) >= kMaxObjects) r.fail(std::string("corrupt metadata: too many ") + toString(info.kind) + "s");
    if (m.findObject(info.kind, info.id))
        r.fail(std::string("corrupt metadata: two ") + toString(info.kind) + "s with id " + std::to_string(info.id));
    m.objects.push_back(std::move(info));
}

// Format 6: one "objects" table, each with its kind's word.
void objectsFromJson(const json& arr, TraceMeta& m, std::uint32_t version, const Reader& r) {
    if (arr.size() > kMaxObjects * kObjectKinds) r.fail("corrupt metadata: too many objects");
    for (const auto& o : arr) {
        const auto word = o.at("kind").get<std::string>();
        ObjectKind kind;
        if (!objectKindFrom(word, kind)) r.fail("corrupt metadata: unknown object kind '" + word + "'");
        ObjectInfo info{kind, o.at("id").get<std::int32_t>(), o.at("name").get<std::string>()};
        if (o.contains("size")) info.size = boundedField<std::int64_t>(o, "size", 0, kMaxSyncSize, r);
        // Format 10 says which locks are Semaphores; before, those with a size were.
        if (version >= 10) info.semaphore = o.contains("semaphore") && o.at("semaphore").get<bool>();
        else info.semaphore = info.size > 0;
        if (info.semaphore && kind != ObjectKind::Lock)
            r.fail("corrupt metadata: a " + word + " cannot be a semaphore");
        addObject(m, std::move(info), r);
    }
}

// Formats 1-5: a "queues" and a "locks" table.
void objectsFromOldJson(const json& j, TraceMeta& m, const Reader& r) {
    for (const auto& [key, kind] : {std::pair{"queues", ObjectKind::Queue}, std::pair{"locks", ObjectKind::Lock}}) {
        const json& arr = j.at(key);
        if (arr.size() > kMaxObjects) r.fail(std::string("corrupt metadata: too many ") + key);
        for (const auto& o : arr) addObject(m, {kind, o.at("id").get<std::int32_t>(), o.at("name").get<std::string>()}, r);
    }
}

TraceMeta metaFromJson(const std::string& text, std::uint32_t version, const Reader& r) {
    // The meta is length-bounded but still hostile input: nlohmann recurses per level.
    int depth = 0;
    bool inStr = false, esc = false;
    for (char c : text) {
        if (inStr) { if (esc) esc = false; else if (c == '\\') esc = true; else if (c == '"') inStr = false; continue; }
        if (c == '"') inStr = true;
        else if ((c == '[' || c == '{') && ++depth > kMaxMetaDepth) r.fail("corrupt metadata: nested too deeply");
        else if (c == ']' || c == '}') --depth;
    }
    TraceMeta m;
    try {
        json j = json::parse(text);
        if (!j.is_object()) r.fail("corrupt metadata: not a JSON object");
        m.scenario = j.at("scenario").get<std::string>();
        m.title = j.at("title").get<std::string>();
        m.work = j.at("work").get<std::string>();
        m.workers = boundedField<int>(j, "workers", 0, kMaxProcs, r);
        m.timeScale = boundedField<double>(j, "time_scale", 1e-9, 1e9, r);
        m.totalCores = boundedField<int>(j, "total_cores", 1, kMaxCores, r);
        m.usableCores = boundedField<int>(j, "usable_cores", 0, kMaxCores, r);
        int cs = j.at("core_source").get<int>();
        if (cs < 0 || cs > static_cast<int>(CoreSource::Loaded)) r.fail("corrupt metadata: core_source out of range");
        m.coreSource = static_cast<CoreSource>(cs);
        if (j.at("procs").size() > kMaxProcs) r.fail("corrupt metadata: too many processes");
        for (const auto& p : j.at("procs")) {
            int role = p.at("role").get<int>();
            if (role < 0 || role > static_cast<int>(ProcRole::ForkServer)) r.fail("corrupt metadata: process role out of range");
            m.procs.push_back({p.at("name").get<std::string>(), static_cast<ProcRole>(role)});
        }
        if (version >= 6) objectsFromJson(j.at("objects"), m, version, r);
        else objectsFromOldJson(j, m, r);
        // Format 2: a run interrupted by Ctrl-C, SIGTERM or SIGHUP (format 1 had none).
        if (j.contains("incomplete")) m.incomplete = j.at("incomplete").get<bool>();
    } catch (const json::exception& e) {
        r.fail(std::string("corrupt metadata: ") + e.what());
    }
    return m;
}

// Checks one event against the file's own metadata and string table, so that
// nothing downstream (stats, the index, the export) indexes, allocates or
// loops by an unchecked number. Returns the reason, or "" when it is valid.
std::string checkEvent(const Event& e, const TraceMeta& meta, std::size_t nStrings) {
    const std::size_t nProcs = std::max<std::size_t>(meta.procs.size(), 1);
    const auto inProcs = [&](std::int64_t p) { return p >= 0 && static_cast<std::uint64_t>(p) < nProcs; };
    if (e.t < 0 || static_cast<std::uint64_t>(e.t) > kMaxTimeNs) return "time " + std::to_string(e.t) + " ns is out of range";
    if (e.proc >= nProcs) return "process " + std::to_string(e.proc) + " is not in the process table";
    Event copy = e;
    if (const std::uint64_t* f = stringField(copy); f && *f != kNoString && *f >= nStrings)
        return "string id " + std::to_string(*f) + " out of range";
    if (ObjectKind k; objectKindOf(e.kind, k) && !meta.findObject(k, e.obj))
        return std::string(toString(k)) + " " + std::to_string(e.obj) + " is not in the " + toString(k) + " table";
    switch (e.kind) {
    case EventKind::SyncWait: case EventKind::SyncWake: case EventKind::SyncSignal: {
        ObjectKind k;
        if (!syncObjectKind(e, k)) return "object kind " + std::to_string(e.a) + " unknown";
        if (!meta.findObject(k, e.obj))
            return std::string(toString(k)) + " " + std::to_string(e.obj) + " is not in the " + toString(k) + " table";
        if (e.kind == EventKind::SyncSignal && ((e.b & 0xFFFFFFFFu) == 0 || (e.b & 0xFFFFFFFFu) > kSyncOpLast))
            return "synchronisation operation " + std::to_string(e.b & 0xFFFFFFFFu) + " unknown";
        if (e.kind == EventKind::SyncWake && e.flags > (kSyncTimedOut | kSyncBroken))
            return "wake flags " + std::to_string(e.flags) + " unknown";
        break;
    }
    case EventKind::ProcExit:
        if (auto c = static_cast<std::int64_t>(e.a); c < -128 || c > 255) return "exit status " + std::to_string(c) + " out of range";
        break;
    case EventKind::TaskChunk:
        if (e.obj < 0) return "chunk number " + std::to_string(e.obj) + " is negative";
        break;
    case EventKind::ProcJoin:
        if (!inProcs(e.obj)) return "joined process " + std::to_string(e.obj) + " is not in the process table";
        if (e.obj == e.proc) return "joined process " + std::to_string(e.obj) + " is the joining process itself";
        if (e.flags > (kJoinEnded | kJoinTimedOut) || e.flags == kJoinTimedOut)
            return "join flags " + std::to_string(e.flags) + " unknown";
        break;
    case EventKind::PoolResult:
        if (e.obj < 0) return "result of task index " + std::to_string(e.obj) + ", which is negative";
        if (e.flags > 1) return "result flags " + std::to_string(e.flags) + " unknown";
        if (e.b != 0 && e.b - 1 >= nStrings) return "result preview string id " + std::to_string(e.b - 1) + " out of range";
        break;
    case EventKind::TaskStart: case EventKind::TaskEnd:
        if (e.obj < 0) return "task index " + std::to_string(e.obj) + " is negative";
        if (e.kind == EventKind::TaskStart && e.b > kMaxTimeNs) return "task duration out of range";
        if (e.kind == EventKind::TaskEnd && e.b != 0 && e.b - 1 >= nStrings)
            return "task error string id " + std::to_string(e.b - 1) + " out of range";
        break;
    case EventKind::State:
        if (e.obj < 0 || e.obj > static_cast<std::int32_t>(WorkerState::WaitLock)) return "unknown worker state " + std::to_string(e.obj);
        break;
    case EventKind::LockOwnerDied:
        if (e.a >= nProcs) return "dead lock owner " + std::to_string(e.a) + " is not in the process table";
        break;
    case EventKind::CoreIn: case EventKind::CoreOut: case EventKind::CoreLoad:
        if (e.obj < 0 || e.obj >= std::max(meta.totalCores, meta.usableCores))
            return "core " + std::to_string(e.obj) + " out of range: the run had " + std::to_string(meta.totalCores) + " cores";
        if (e.kind == EventKind::CoreLoad && (e.b > kMaxTimeNs || e.a > e.b)) return "core load out of range";
        break;
    case EventKind::RunStart:
        if (e.a > static_cast<std::uint64_t>(kMaxCores) || e.b > static_cast<std::uint64_t>(kMaxCores)) return "core count out of range";
        break;
    case EventKind::KillRequest:
        if (!inProcs(e.obj)) return "kill request names process " + std::to_string(e.obj) + ", not in the process table";
        if (e.a > 64) return "signal " + std::to_string(e.a) + " out of range";
        break;
    case EventKind::RunStop:
        if (e.a > 64) return "stop signal " + std::to_string(e.a) + " out of range";
        break;
    case EventKind::MachineLoad:
        if (e.obj < 0 || e.obj > kMaxCores) return "machine load over " + std::to_string(e.obj) + " cores: out of range";
        if (e.b > static_cast<std::uint64_t>(INT64_MAX) || (!(e.flags & kMachineLoadOthers) && e.a > e.b))
            return "machine load out of range";
        break;
    case EventKind::Lost:
        if (!inProcs(e.obj)) return "lost events of process " + std::to_string(e.obj) + ", not in the process table";
        if (e.a > kMaxTimeNs) return "lost event count out of range";
        break;
    default: break;
    }
    return {};
}

} // namespace

std::string serializeTrace(const Trace& tr) {
    const std::size_t n = tr.size();
    // Keep only the strings events refer to, renumbered densely.
    std::unordered_map<std::uint64_t, std::uint32_t> remap;
    std::vector<std::string_view> strings;
    std::vector<Event> events(n);
    for (std::size_t i = 0; i < n; ++i) {
        events[i] = tr[i];
        auto keep = [&](std::uint64_t id) {
            auto [it, fresh] = remap.emplace(id, static_cast<std::uint32_t>(strings.size()));
            if (fresh) strings.push_back(tr.string(id));
            return std::uint64_t{it->second};
        };
        if (std::uint64_t* f = stringField(events[i]); f && *f != kNoString) *f = keep(*f);
        // Format 10: what a task raised, as 1 + its string id.
        if ((events[i].kind == EventKind::TaskEnd || events[i].kind == EventKind::PoolResult) && events[i].b != 0)
            events[i].b = keep(events[i].b - 1) + 1;
    }
    Writer w;
    w.bytes(std::string(kMagic, kMagicLen));
    w.put<std::uint32_t>(kTraceFileVersion);
    std::string meta = metaToJson(tr.meta()).dump(-1, ' ', false, json::error_handler_t::replace);
    w.put<std::uint64_t>(meta.size());
    w.bytes(meta);
    w.put<std::uint64_t>(strings.size());
    for (auto s : strings) {
        if (s.size() > kMaxStringBytes) s = s.substr(0, kMaxStringBytes);
        w.put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
        w.bytes(std::string(s));
    }
    w.put<std::uint64_t>(n);
    for (const Event& e : events) {
        w.put<std::uint64_t>(static_cast<std::uint64_t>(e.t));
        w.put<std::uint16_t>(e.proc);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(e.kind));
        w.put<std::uint8_t>(e.flags);
        w.put<std::uint32_t>(static_cast<std::uint32_t>(e.obj));
        w.put<std::uint64_t>(e.a);
        w.put<std::uint64_t>(e.b);
    }
    w.put<std::uint64_t>(fnv1a(w.str().data(), w.str().size()));
    return std::move(w.str());
}

std::shared_ptr<Trace> deserializeTrace(const std::string& d, const std::string& file) {
    auto fail = [&](const std::string& why) { throw TraceFileError(file + ": " + why); };
    if (d.size() < kMagicLen || std::memcmp(d.data(), kMagic, kMagicLen) != 0)
        fail("not a parviz saved run (the file does not start with PARVIZRUN)");
    if (d.size() < kMagicLen + 4 + 8) fail("truncated: " + std::to_string(d.size()) + " bytes is too short for a saved run");
    Reader r(d, d.size() - 8, file);   // the last 8 bytes are the checksum
    r.bytes(kMagicLen, "magic");
    auto version = r.get<std::uint32_t>("version");
    const std::string readable = "this parviz reads formats " + std::to_string(kOldestTraceFileVersion) + " to " +
                                 std::to_string(kTraceFileVersion);
    if (version > kTraceFileVersion)
        fail("written by a newer parviz (format " + std::to_string(version) + "); " + readable);
    if (version < kOldestTraceFileVersion)
        fail("written by an older parviz (format " + std::to_string(version) + "); " + readable);

    auto metaLen = r.get<std::uint64_t>("metadata length");
    if (metaLen > r.left())
        fail("truncated or corrupt: the metadata claims " + std::to_string(metaLen) + " bytes, only " +
             std::to_string(r.left()) + " left");
    std::string metaText = r.bytes(static_cast<std::size_t>(metaLen), "metadata");
    TraceMeta meta = metaFromJson(metaText, version, r);

    auto nStrings = r.get<std::uint64_t>("string count");
    if (nStrings > r.left() / 4) fail("truncated or corrupt: " + std::to_string(nStrings) + " strings cannot fit in the file");
    std::vector<std::string> strings;
    strings.reserve(static_cast<std::size_t>(nStrings));
    for (std::uint64_t i = 0; i < nStrings; ++i) {
        auto len = r.get<std::uint32_t>("string length");
        if (len > kMaxStringBytes) fail("corrupt: string " + std::to_string(i) + " claims " + std::to_string(len) + " bytes");
        strings.push_back(r.bytes(len, "string"));
    }

    auto nEvents = r.get<std::uint64_t>("event count");
    if (nEvents != r.left() / kEventBytes || r.left() % kEventBytes != 0)
        fail("truncated or corrupt: " + std::to_string(nEvents) + " events declared, " + std::to_string(r.left()) +
             " bytes of events present (32 each)");

    // Check the checksum before trusting event contents: a flipped bit is
    // reported as damage, not as a strange but valid event.
    std::uint64_t stored = 0;
    for (std::size_t i = 0; i < 8; ++i)
        stored |= static_cast<std::uint64_t>(static_cast<unsigned char>(d[d.size() - 8 + i])) << (8 * i);
    if (stored != fnv1a(d.data(), d.size() - 8)) fail("checksum mismatch: the file is damaged");

    std::vector<Event> events;
    events.reserve(static_cast<std::size_t>(nEvents));   // nEvents * 32 bytes are in the file
    std::int64_t lastT = INT64_MIN;
    for (std::uint64_t i = 0; i < nEvents; ++i) {
        Event e{};
        e.t = static_cast<std::int64_t>(r.get<std::uint64_t>("event"));
        e.proc = r.get<std::uint16_t>("event");
        auto kind = r.get<std::uint8_t>("event");
        e.flags = r.get<std::uint8_t>("event");
        e.obj = static_cast<std::int32_t>(r.get<std::uint32_t>("event"));
        e.a = r.get<std::uint64_t>("event");
        e.b = r.get<std::uint64_t>("event");
        std::string at = "event " + std::to_string(i) + ": ";
        // Each format knows the kinds up to its last one (event.hpp adds kinds at the end).
        const EventKind lastKind = version >= 12  ? EventKind::ProcJoin
                                   : version >= 11 ? EventKind::PoolResult
                                   : version >= 9 ? EventKind::SyncSignal
                                   : version >= 7 ? EventKind::RunStop
                                   : version >= 5 ? EventKind::SourceLine
                                   : version >= 4 ? EventKind::MachineLoad
                                   : version >= 3 ? EventKind::TaskChunk
                                                  : EventKind::WriterWait;
        if (kind < static_cast<std::uint8_t>(EventKind::ProcStart) || kind > static_cast<std::uint8_t>(lastKind))
            fail(at + "unknown event kind " + std::to_string(kind));
        e.kind = static_cast<EventKind>(kind);
        if (e.kind == EventKind::CoreLoad && e.flags > (version >= 8 ? 1 : 0))
            fail(at + "core load flags " + std::to_string(e.flags) + " unknown in format " + std::to_string(version));
        if (e.kind == EventKind::MachineLoad && e.flags > (version >= 13 ? 3 : 1))
            fail(at + "machine load flags " + std::to_string(e.flags) + " unknown in format " + std::to_string(version));
        if (e.kind == EventKind::TaskEnd && version < 10) e.b = 0;   // b meant nothing before format 10
        if (e.kind == EventKind::QueueGet && version < 10) e.flags = 0;   // nor QueueGet's flags
        if (e.kind == EventKind::QueueGet && e.flags > kQueueDiscarded)
            fail(at + "queue get flags " + std::to_string(e.flags) + " unknown");
        if (e.t < lastT) fail(at + "time goes backwards");
        lastT = e.t;
        if (std::string why = checkEvent(e, meta, strings.size()); !why.empty()) fail(at + why);
        events.push_back(e);
    }

    auto tr = std::make_shared<Trace>();
    for (const auto& s : strings) tr->addString(s);
    for (const auto& e : events) tr->append(e);
    meta.finished = true;
    meta.loaded = true;
    tr->updateMeta([&](TraceMeta& m) { m = std::move(meta); });
    return tr;
}

void saveTrace(const Trace& trace, const std::string& path) {
    // Written whole to a temporary file and renamed: the target never holds a torn run.
    try {
        writeFileAtomic(path, serializeTrace(trace));
    } catch (const FileError& e) {
        throw TraceFileError(e.what());
    }
}

std::shared_ptr<Trace> loadTrace(const std::string& path) {
    std::string bytes;
    try {
        bytes = readRegularFile(path, kMaxTraceFileBytes);
    } catch (const FileError& e) {
        throw TraceFileError(e.what());
    }
    return deserializeTrace(bytes, path);
}

} // namespace parviz
