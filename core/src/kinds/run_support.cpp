// What the run bodies of several kinds share (scenario_program.hpp): tasks as
// byte strings for the workers, Python's way of printing seconds, and the
// capacity of a queue that holds every item at once.
#include "../scenario_program.hpp"

#include "parviz/queue.hpp"
#include "parviz/work.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace parviz::detail {

namespace {
constexpr char kSep = '\x1f';
}

std::string formatSeconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

std::string encodeTask(std::size_t index, const TaskSpec& t) {
    char secs[40];
    std::snprintf(secs, sizeof secs, "%.17g", t.seconds);
    std::string s = std::to_string(index);
    s += kSep;
    s += t.name;
    s += kSep;
    s += toString(t.work);
    s += kSep;
    s += secs;
    return s;
}

DecodedTask decodeTask(std::string_view s) {
    DecodedTask d;
    std::string_view parts[4];
    for (int i = 0; i < 3; ++i) {
        auto p = s.find(kSep);
        if (p == std::string_view::npos) throw std::invalid_argument("parviz: malformed task spec");
        parts[i] = s.substr(0, p);
        s.remove_prefix(p + 1);
    }
    parts[3] = s;
    std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), d.index);
    d.name = std::string(parts[1]);
    d.work = parseWorkKind(parts[2]).value_or(WorkKind::Sleep);
    d.seconds = std::stod(std::string(parts[3]));
    return d;
}

// The queue and job-queue demos put everything before anything is taken (as
// the tutorial's __main__ does; CPython's queue is unbounded), so their queue
// must hold every item at once: the default capacity, or what the items need.
// The loader bounds the items (100 000 of at most 256 bytes: 27 MB), and the
// arena is sparse, so every input the format allows fits.
std::size_t queueCapacityFor(const std::vector<std::string>& items) {
    std::size_t bytes = 0, largest = 0;
    for (const auto& it : items) {
        const std::size_t rec = queueRecordBytes(it.size());
        bytes += rec;
        largest = std::max(largest, rec);
    }
    // One record that does not fit before the ring's end skips the rest (at
    // most one record's worth per lap), and the largest item must stay within
    // a quarter of the capacity.
    return std::max({QueueOptions{}.capacityBytes, bytes + largest, 4 * largest});
}

} // namespace parviz::detail
