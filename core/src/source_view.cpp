// The Code panel of a traced Python program: its own source file, each
// process on the line of its latest traced event (views.hpp).
#include "parviz/views.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <charconv>
#include <utility>

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
        if (!l.empty() && (!first || l.front().t < first->t) && !trace.string(trace[l.front().index].a).empty())
            first = &l.front();
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
        if (f.empty()) continue;   // on no line of the program: a pool worker between its tasks
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
struct CodeBreaks {
    // Outside literals: where, and how deep in brackets the text after it is.
    struct Between {
        std::size_t at;
        int depth;
        bool weak = false;   // after an attribute's dot: taken only when no space or comma will do
    };
    std::vector<Between> between;
    // Where a comment begins (its '#'), npos without one: a piece of it after
    // a break starts with "# " again, or a wrapped comment's second line read
    // as code (newcomer walk, session 24).
    std::size_t commentAt = std::string_view::npos;
    // Inside a one-line literal, after one of its spaces: the piece is
    // closed with the literal's quote and the next one reopens it with
    // `opener` (its prefix letters and quote). Python joins adjacent
    // literals before any operator applies, so the pieces read as the
    // same program (the language reference, "String literal concatenation").
    // A triple-quoted literal (a docstring) may run over lines as it is: it
    // breaks at a space with no quote added (`triple`). Read as "" and a
    // one-quote literal, `"""Count the primes below n"""` was shown as
    // `"""Count the primes "` / `"below n"...`: quotes the student never
    // wrote (newcomer walk, session 30).
    struct InLiteral {
        std::size_t at;
        std::string opener;
        bool triple = false;
    };
    std::vector<InLiteral> inLiteral;
    char tripleOpenAtEnd = 0;   // a triple-quoted literal runs on past the line: its quote
};

bool isLiteralPrefix(char c) {
    return c == 'r' || c == 'R' || c == 'b' || c == 'B' || c == 'f' || c == 'F' || c == 'u' || c == 'U';
}

CodeBreaks codeBreaks(std::string_view s, char openTriple = 0) {
    CodeBreaks out;
    char quote = openTriple;
    bool triple = openTriple != 0;
    std::string opener(openTriple ? 1 : 0, openTriple);
    bool comment = false;
    int depth = 0;
    auto identChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quote) {
            if (c == '\\') ++i;   // an escaped character, the quote included
            else if (c == quote && (!triple || s.substr(i, 3) == std::string(3, c))) {
                quote = 0;
                if (triple) i += 2;
            } else if (c == ' ' && i + 1 < s.size() && s[i + 1] != quote)
                out.inLiteral.push_back({i + 1, opener, triple});
            continue;
        }
        if (!comment && (c == '\'' || c == '"')) {
            quote = c;
            triple = s.substr(i, 3) == std::string(3, c);
            std::size_t p = i;
            while (p > 0 && isLiteralPrefix(s[p - 1])) --p;
            opener = std::string(s.substr(p, i - p)) + c;
            if (triple) i += 2;
            continue;
        }
        if (c == '#' && !comment) {
            comment = true;
            out.commentAt = i;
        }
        if (!comment && (c == '(' || c == '[' || c == '{')) ++depth;
        if (!comment && (c == ')' || c == ']' || c == '}')) depth = std::max(0, depth - 1);
        // An attribute's dot (`queue.empty()`), never a number's: a long
        // dotted name is cut after a dot, not inside a name.
        const bool dot = !comment && c == '.' && i > 0 && identChar(s[i - 1]) &&
                         !std::isdigit(static_cast<unsigned char>(s[i - 1])) && i + 1 < s.size() && identChar(s[i + 1]);
        const bool boundary = c == ' ' || dot || (!comment && (c == ',' || c == '(' || c == '[' || c == '{'));
        if (boundary && i + 1 < s.size()) out.between.push_back({i + 1, depth, dot});
    }
    if (quote && triple) out.tripleOpenAtEnd = quote;
    return out;
}

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

} // namespace

char tripleQuoteAfter(std::string_view line, char openTriple) { return codeBreaks(line, openTriple).tripleOpenAtEnd; }

std::vector<std::string> wrapCodeLine(std::string_view line, float width,
                                      const std::function<float(std::string_view)>& measure, char openTriple) {
    if (measure(line) <= width) return {std::string(line)};
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string cont(indent + 4, ' ');
    const CodeBreaks breaks = codeBreaks(line, openTriple);
    std::vector<std::string> out;
    std::size_t from = 0;
    std::string reopen;   // a literal split on the previous piece starts again here
    // A break outside brackets, literals and comments ends its piece with
    // Python's line continuation (" \\"): a wrapped `from multiprocessing
    // import Pool` read as two statements, "import Pool" alone (newcomer walk,
    // session 24). Inside brackets the continuation is implicit, as Python has it.
    const std::string joiner = " \\";
    while (from < line.size()) {
        const bool inComment = !out.empty() && from > breaks.commentAt;
        const std::string prefix = (out.empty() ? std::string() : cont) + (inComment ? "# " : "") + reopen;
        auto piece = [&](std::size_t to) { return prefix + std::string(trimRight(line.substr(from, to - from))); };
        auto openLine = [&](const CodeBreaks::Between& b) { return b.depth == 0 && b.at <= breaks.commentAt; };
        if (measure(piece(line.size())) <= width) {
            out.push_back(piece(line.size()));
            break;
        }
        // The token boundaries whose piece fits (widths grow with them): the
        // shallowest in brackets among those in the far half (an attribute's
        // dot one deeper), a space or comma before a dot, the furthest of those, so `[["A", 5],
        // ["B", 2],` breaks between the pairs, never between a pair's `[` and
        // its `"C", 1]`, and `p.start(); c.start(); p.join()` after a
        // statement, not inside `p.` / `join()`.
        std::vector<CodeBreaks::Between> fitting;
        // Not inside the indent: a piece holds some code.
        const std::size_t code = std::min(line.find_first_not_of(' ', from), line.size());
        for (const CodeBreaks::Between& b : breaks.between) {
            if (b.at <= code) continue;
            if (measure(piece(b.at)) > width) break;
            if (openLine(b) && measure(piece(b.at) + joiner) > width) continue;   // its " \\" must fit too
            fitting.push_back(b);
        }
        std::size_t to = 0;
        if (!fitting.empty()) {
            const std::size_t half = from + (fitting.back().at - from) / 2;
            // An attribute's dot counts one bracket deeper than it is: `c = mp.`
            // / `Process(target=consumer,` read worse than `c = mp.Process(target=consumer,`
            // / `args=(q,)` (newcomer walk); a space or comma wins a tie.
            std::pair<int, bool> best{INT_MAX, true};
            for (const CodeBreaks::Between& b : fitting) {
                const std::pair<int, bool> key{b.depth + (b.weak ? 1 : 0), b.weak};
                if (b.at >= half && key <= best) {
                    best = key;
                    to = b.at;
                }
            }
        }
        bool joined = false;   // `to` is a break outside brackets: the piece ends with " \\"
        for (const CodeBreaks::Between& b : fitting)
            if (b.at == to) joined = openLine(b);
        std::string closeWith, nextReopen;
        // None fits: split a literal at one of its spaces, closing and
        // reopening it, the furthest that fits.
        if (to == 0) {
            for (const auto& b : breaks.inLiteral) {
                if (b.at <= from) continue;
                if (b.triple) {   // runs on to the next line as it is
                    if (measure(piece(b.at)) > width) break;
                    to = b.at;
                    closeWith.clear();
                    nextReopen.clear();
                    continue;
                }
                const std::string closed = prefix + std::string(line.substr(from, b.at - from)) + b.opener.back();
                if (measure(closed) > width) break;
                to = b.at;
                closeWith = std::string(1, b.opener.back());
                nextReopen = b.opener;
            }
        }
        // Still none (a literal with no space, or a name, wider than the
        // panel): the last character that fits, at least one, so nothing is cut off.
        if (to == 0) {
            to = from + 1;
            while (to < line.size() && measure(piece(to + 1)) <= width) ++to;
        }
        out.push_back(closeWith.empty() ? piece(to) + (joined ? joiner : "")
                                        : prefix + std::string(line.substr(from, to - from)) + closeWith);
        from = to;
        reopen = nextReopen;
        if (reopen.empty())
            while (from < line.size() && line[from] == ' ') ++from;
    }
    return out;
}

} // namespace parviz
