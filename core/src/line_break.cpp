#include "parviz/line_break.hpp"

#include <algorithm>
#include <array>

namespace parviz {
namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::size_t nextChar(std::string_view s, std::size_t i) {
    if (i >= s.size()) return s.size();
    ++i;
    while (i < s.size() && isContinuation(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

bool startsWithAny(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Opening marks that may stand before a number ("(3.64", "~8", "≈2", "−1").
constexpr std::array<std::string_view, 17> kBefore = {"(", "[", "{", "~", "<", ">", "=", "+", "-", "$", "#",
                                                      "\u2248" /* ≈ */, "\u2212" /* − */, "\u00b1" /* ± */,
                                                      "\u2264" /* ≤ */, "\u2265" /* ≥ */, "\u201c" /* “ */};
// Units written as a symbol after a space ("83 %", "1.19 ×", "20 µs", "5 °C").
constexpr std::array<std::string_view, 5> kUnitSymbols = {"%", "\u00d7" /* × */, "\u00b5" /* µ */, "\u03bc" /* μ */,
                                                          "\u00b0" /* ° */};
// A word of only these closes what came before: it never starts a line.
constexpr std::array<std::string_view, 12> kClosing = {")", "]", "}", ".", ",", ";", ":", "!", "?", "%",
                                                       "\u2026" /* … */, "\u201d" /* ” */};
// A word of only these opens what comes after: it never ends a line.
constexpr std::array<std::string_view, 10> kOpening = {"(", "[", "{", "\u201c" /* “ */, "\u2018" /* ‘ */,
                                                       "\u2014" /* — */, "\u2013" /* – */, "-", "~", "\u2248" /* ≈ */};

bool madeOf(std::string_view w, const auto& marks) {
    if (w.empty()) return false;
    while (!w.empty()) {
        bool hit = false;
        for (std::string_view m : marks)
            if (startsWithAny(w, m)) {
                w.remove_prefix(m.size());
                hit = true;
                break;
            }
        if (!hit) return false;
    }
    return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "3.64", "1,024", "(3.64", "~8", "10:30", "3/4", "64": digits with . , : /
// between them, after optional opening marks, ending with a digit.
bool isNumber(std::string_view w) {
    for (bool stripped = true; stripped && !w.empty();) {
        stripped = false;
        for (std::string_view m : kBefore)
            if (startsWithAny(w, m)) {
                w.remove_prefix(m.size());
                stripped = true;
                break;
            }
    }
    if (w.empty() || !isDigit(w.front()) || !isDigit(w.back())) return false;
    for (char c : w)
        if (!isDigit(c) && c != '.' && c != ',' && c != ':' && c != '/') return false;
    return true;
}

// A word that may follow a number as its unit or what it counts: a letter
// first ("s", "ms", "workers", "cores") or a unit symbol ("%", "×", "µs").
bool isUnitLike(std::string_view w) {
    if (w.empty()) return false;
    const unsigned char c = static_cast<unsigned char>(w.front());
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    for (std::string_view u : kUnitSymbols)
        if (startsWithAny(w, u)) return true;
    return false;
}

struct Word {
    std::size_t b, e;
};

class Breaker {
public:
    Breaker(std::string_view text, float maxW, const TextWidth& width, std::vector<LineRange>& out)
        : text_(text), maxW_(maxW), width_(width), out_(out) {}

    void paragraph(std::size_t pb, std::size_t pe) {
        std::vector<Word> words;
        for (std::size_t i = pb; i < pe;) {
            while (i < pe && text_[i] == ' ') ++i;
            if (i >= pe) break;
            const std::size_t b = i;
            while (i < pe && text_[i] != ' ') ++i;
            words.push_back({b, i});
        }
        if (words.empty()) {   // an empty line (or spaces only): kept, as a line
            out_.push_back({pb, pb});
            return;
        }
        if (maxW_ <= 0) {
            out_.push_back({pb, words.back().e});
            return;
        }
        pb_ = pb;
        first_ = true;
        open_ = false;
        for (std::size_t i = 0; i < words.size();) {
            std::size_t j = i + 1;
            while (j < words.size() && keepTogether(view(words[j - 1]), view(words[j]))) ++j;
            placeGroup(words, i, j);
            i = j;
        }
        if (open_) emit(ls_, le_);
    }

private:
    std::string_view view(const Word& w) const { return text_.substr(w.b, w.e - w.b); }
    bool fits(std::size_t b, std::size_t e) const { return width_(text_.substr(b, e - b)) <= maxW_; }
    std::size_t lineStart(std::size_t wordBegin) const { return first_ ? pb_ : wordBegin; }
    void emit(std::size_t b, std::size_t e) {
        out_.push_back({b, e});
        first_ = false;
        open_ = false;
    }

    void placeGroup(const std::vector<Word>& words, std::size_t i, std::size_t j) {
        const std::size_t gb = words[i].b, ge = words[j - 1].e;
        if (open_ && fits(ls_, ge)) {
            le_ = ge;
            return;
        }
        if (open_) emit(ls_, le_);
        if (fits(lineStart(gb), ge)) {
            ls_ = lineStart(gb);
            le_ = ge;
            open_ = true;
            return;
        }
        // Wider than a whole line: its words one by one, a word too wide broken hard.
        for (std::size_t k = i; k < j; ++k) placeWord(words[k]);
    }

    void placeWord(const Word& w) {
        if (open_ && fits(ls_, w.e)) {
            le_ = w.e;
            return;
        }
        if (open_) emit(ls_, le_);
        std::size_t cur = lineStart(w.b);
        while (!fits(cur, w.e)) {
            std::size_t cut = nextChar(text_, std::max(cur, w.b));   // at least one character of the word
            while (cut < w.e && fits(cur, nextChar(text_, cut))) cut = nextChar(text_, cut);
            if (cut >= w.e) break;
            emit(cur, cut);
            cur = cut;
        }
        ls_ = cur;
        le_ = w.e;
        open_ = true;
    }

    std::string_view text_;
    float maxW_;
    const TextWidth& width_;
    std::vector<LineRange>& out_;
    std::size_t pb_ = 0, ls_ = 0, le_ = 0;
    bool first_ = true, open_ = false;
};

} // namespace

bool keepTogether(std::string_view word, std::string_view next) {
    if (isNumber(word) && isUnitLike(next)) return true;
    if (madeOf(word, kOpening)) return true;
    if (madeOf(next, kClosing)) return true;
    return false;
}

std::vector<LineRange> breakLines(std::string_view text, float maxWidth, const TextWidth& width) {
    std::vector<LineRange> out;
    Breaker br(text, maxWidth, width, out);
    for (std::size_t pb = 0; pb < text.size();) {
        std::size_t pe = text.find('\n', pb);
        if (pe == std::string_view::npos) pe = text.size();
        br.paragraph(pb, pe);
        pb = pe + 1;
    }
    return out;
}

float narrowestUnbroken(std::string_view text, const TextWidth& width) {
    float widest = 0;
    std::size_t i = 0, groupBegin = std::string_view::npos;
    std::string_view prev;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) {
            if (text[i] == '\n') prev = {};   // a newline ends a group: each paragraph breaks on its own
            ++i;
        }
        if (i >= text.size()) break;
        const std::size_t b = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
        const std::string_view word = text.substr(b, i - b);
        if (prev.empty() || !keepTogether(prev, word)) groupBegin = b;
        widest = std::max(widest, width(text.substr(groupBegin, i - groupBegin)));
        prev = word;
    }
    return widest;
}

std::vector<std::string_view> breakLineTexts(std::string_view text, float maxWidth, const TextWidth& width) {
    std::vector<std::string_view> out;
    for (const LineRange& r : breakLines(text, maxWidth, width)) out.push_back(text.substr(r.begin, r.end - r.begin));
    return out;
}

} // namespace parviz
