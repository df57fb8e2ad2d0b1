#pragma once
// Where a wrapped text breaks into lines: only where a reader would. Dear
// ImGui's own word wrap (1.86, ImFont::CalcWordWrapPositionA) also breaks
// after '.' and ',' and at any space, so "3.64 s" came out as "3." at a
// line's end and "64 s" on the next, and "196" / "ms". Here a line breaks
// only at a space, and not at every space:
//   - never inside a word, so never inside a number ("3.64", "1,024");
//   - never between a number and the word or unit after it ("3.64 s",
//     "196 ms", "8 workers", "83 %", "1.19 ×");
//   - never after an opening bracket or quote standing alone ("( 3 s"), nor
//     after a lone dash ("idle — load imbalance" breaks before the dash, so
//     no "—" ends a line), nor before a word of closing punctuation only
//     (")", "%", "…").
// A word (or such a group of words) wider than the whole width is broken
// hard, at a UTF-8 character boundary, as little as needed. Newlines are
// kept: each starts a new line (a trailing one adds no empty line, as
// ImGui's own text). The first line keeps the text's leading spaces (an
// indent); a line never ends with spaces, and a line after a break starts
// at its first word.
//
// No ImGui here: the caller passes how wide a string is drawn (for the GUI,
// ImGui::CalcTextSize), so this is unit-tested without a window.
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace parviz {

struct LineRange {
    std::size_t begin = 0, end = 0;   // byte offsets into the text, [begin, end)
    bool operator==(const LineRange&) const = default;
};

using TextWidth = std::function<float(std::string_view)>;

// The lines of `text` for a width of maxWidth (the same unit as width()
// returns). An empty text has no lines. maxWidth <= 0 means no wrapping
// (one line per newline-separated paragraph).
std::vector<LineRange> breakLines(std::string_view text, float maxWidth, const TextWidth& width);

// The same lines as strings (views into text), for tests and callers.
std::vector<std::string_view> breakLineTexts(std::string_view text, float maxWidth, const TextWidth& width);

// The narrowest maxWidth at which breakLines breaks no word: the width of
// its widest word, or of its widest group of words kept together ("10.00 s",
// "( 3 s"). A table column at least this wide never splits a word of the
// text across lines ("pool- / sizes"); 0 for an empty text.
float narrowestUnbroken(std::string_view text, const TextWidth& width);

// Whether the space after `word` must not break before `next` (the rules
// above), exposed for the tests.
bool keepTogether(std::string_view word, std::string_view next);

} // namespace parviz
