// The Code panel of a traced Python program: its own source file, each
// process on the line of its latest traced event (views.hpp).
#include "parviz/views.hpp"

#include <algorithm>
#include <charconv>

namespace parviz {

std::pair<std::string, int> splitSourceLine(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= s.size()) return {std::string(s), 0};
    int line = 0;
    const char* first = s.data() + colon + 1;
    const char* last = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(first, last, line);
    if (ec != std::errc{} || ptr != last || line < 0) return {std::string(s), 0};
    return {std::string(s.substr(0, colon)), line};
}

std::string tracedProgramFile(const RunModel& index, const Trace& trace) {
    const auto& lines = index.sourceLines();
    // MainProcess first: the script the user ran; then whoever spoke first.
    if (!lines.empty() && !lines[0].empty()) return splitSourceLine(trace.string(trace[lines[0].front().index].a)).first;
    const TimedEventRef* first = nullptr;
    for (const auto& l : lines)
        if (!l.empty() && (!first || l.front().t < first->t)) first = &l.front();
    return first ? splitSourceLine(trace.string(trace[first->index].a)).first : std::string();
}

SourceCodeView buildSourceCodeView(const RunModel& index, const Trace& trace, const std::string& file, std::int64_t t) {
    SourceCodeView v;
    const TraceMeta meta = trace.meta();
    const auto& lines = index.sourceLines();
    const auto& procs = index.procs();
    for (std::size_t p = 0; p < lines.size(); ++p) {
        const auto& evs = lines[p];
        const auto it = std::upper_bound(evs.begin(), evs.end(), t,
                                         [](std::int64_t x, const TimedEventRef& r) { return x < r.t; });
        if (it == evs.begin()) continue;
        // A process that has exited by t has no current line.
        if (p < procs.size() && procs[p].exitT != kNever && procs[p].exitT <= t) continue;
        const TimedEventRef& r = *(it - 1);
        auto [f, line] = splitSourceLine(trace.string(trace[r.index].a));
        CodeMarker m;
        m.proc = static_cast<ProcId>(p);
        m.name = p < meta.procs.size() ? meta.procs[p].name : "process " + std::to_string(p);
        m.since = r.t;
        if (f == file && line > 0) {
            m.line = line - 1;
            v.markers.push_back(std::move(m));
        } else {
            const auto slash = f.rfind('/');
            v.elsewhere.push_back(m.name + " at " + (slash == std::string::npos ? f : f.substr(slash + 1)) + ":" +
                                  std::to_string(line));
        }
    }
    return v;
}

namespace {

// Where a line of Python may be cut: before index i, outside string
// literals, after a space, a comma or an opening bracket. In a comment
// (after a '#' outside a literal) every space is one, and quotes are words.
std::vector<std::size_t> codeBreaks(std::string_view s) {
    std::vector<std::size_t> out;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == '\\') ++i;   // an escaped character, the quote included
            else if (c == quote) quote = 0;
            continue;
        }
        if (!comment && (c == '\'' || c == '"')) {
            quote = c;
            continue;
        }
        if (c == '#') comment = true;
        const bool boundary = c == ' ' || (!comment && (c == ',' || c == '(' || c == '[' || c == '{'));
        if (boundary && i + 1 < s.size()) out.push_back(i + 1);
    }
    return out;
}

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

} // namespace

std::vector<std::string> wrapCodeLine(std::string_view line, float width,
                                      const std::function<float(std::string_view)>& measure) {
    if (measure(line) <= width) return {std::string(line)};
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string cont(indent + 4, ' ');
    const std::vector<std::size_t> breaks = codeBreaks(line);
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from < line.size()) {
        const std::string prefix = out.empty() ? std::string() : cont;
        auto piece = [&](std::size_t to) { return prefix + std::string(trimRight(line.substr(from, to - from))); };
        if (measure(piece(line.size())) <= width) {
            out.push_back(piece(line.size()));
            break;
        }
        // The furthest token boundary whose piece fits (widths grow with it).
        std::size_t to = 0;
        for (std::size_t b : breaks) {
            if (b <= from) continue;
            if (measure(piece(b)) > width) break;
            to = b;
        }
        // None fits (a literal or name wider than the panel): the last
        // character that fits, at least one, so nothing is cut off.
        if (to == 0) {
            to = from + 1;
            while (to < line.size() && measure(piece(to + 1)) <= width) ++to;
        }
        out.push_back(piece(to));
        from = to;
        while (from < line.size() && line[from] == ' ') ++from;
    }
    return out;
}

} // namespace parviz
