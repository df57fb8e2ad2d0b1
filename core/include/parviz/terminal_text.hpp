#pragma once
// Text from a scenario or a run (task names, printed lines, queue values) is
// the user's: it may hold escape sequences, BEL, NUL or bytes that are not
// UTF-8. Written raw, it would recolour, retitle or garble the user's
// terminal, so everything parviz prints to a terminal goes through this.
#include <string>
#include <string_view>

namespace parviz {

// Returns text with every control character escaped as \xNN: C0 controls
// (NUL, BEL, ESC, ...; '\n' is kept when keepNewlines), DEL, and the C1
// controls U+0080..U+009F (written \xc2\xNN, their UTF-8 bytes). Bytes that
// are not valid UTF-8 become \xNN too; valid UTF-8 ("Zürich") is unchanged, and
// so is a tab. A backslash is not doubled (the text stays as readable as the
// Python program's own print), so "\x1b" typed literally looks the same as an
// escaped ESC: the terminal is safe either way.
std::string escapeForTerminal(std::string_view text, bool keepNewlines = true);

} // namespace parviz
