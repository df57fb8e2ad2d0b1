#pragma once
// Everything the commands print that holds user text (printed lines, task
// names in the summary, error messages quoting a file's values) goes through
// these, so escape sequences, BEL and NUL reach the terminal escaped
// (terminal_text.hpp) and a NUL does not cut a line short as printf's %s would.
#include "parviz/terminal_text.hpp"

#include <cstdio>
#include <string_view>

namespace parviz::cli {

inline void writeSafe(std::FILE* f, std::string_view text) {
    std::string safe = escapeForTerminal(text);
    std::fwrite(safe.data(), 1, safe.size(), f);
}

// "<prefix><message>\n" on stderr, the message escaped: prefix is ours ("parviz run: ").
inline void errorLine(std::string_view prefix, std::string_view message) {
    std::fwrite(prefix.data(), 1, prefix.size(), stderr);
    writeSafe(stderr, message);
    std::fputc('\n', stderr);
}

} // namespace parviz::cli
