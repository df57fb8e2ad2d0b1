// User text is escaped before it reaches a terminal (terminal_text.hpp).
#include "parviz/terminal_text.hpp"

#include <catch2/catch.hpp>

using parviz::escapeForTerminal;

TEST_CASE("control characters and broken UTF-8 are escaped, readable text is not", "[text]") {
    using namespace std::string_literals;
    struct Case {
        std::string in, out;
    };
    const Case cases[] = {
        {"plain ASCII, tab\tand \\ backslash", "plain ASCII, tab\tand \\ backslash"},
        {"A\x1b[31mRED", "A\\x1b[31mRED"},                 // ESC: a colour change
        {"bell\a", "bell\\x07"},
        {"nul\0after"s, "nul\\x00after"},                  // a NUL does not end the text
        {"del\x7f", "del\\x7f"},
        {"line\r", "line\\x0d"},                           // CR would overwrite the line
        {"C1 CSI \xc2\x9b" "2J", "C1 CSI \\xc2\\x9b2J"},   // U+009B clears the screen on some terminals
        {"Z\xc3\xbcrich \xe2\x9c\x93 \xf0\x9f\x90\x8d", "Z\xc3\xbcrich \xe2\x9c\x93 \xf0\x9f\x90\x8d"},   // Zürich ✓ 🐍
        {"bad \xff\xfe", "bad \\xff\\xfe"},
        {"cut \xe2\x9c", "cut \\xe2\\x9c"},                // a truncated sequence
        {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
        {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
    };
    for (const Case& c : cases) {
        INFO(c.in);
        CHECK(escapeForTerminal(c.in) == c.out);
    }
    CHECK(escapeForTerminal("two\nlines") == "two\nlines");
    CHECK(escapeForTerminal("two\nlines", false) == "two\\x0alines");
}
