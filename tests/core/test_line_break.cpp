// Where wrapped text breaks (line_break.hpp): at spaces a reader would
// break at, never inside a number or between a number and its unit.
#include "parviz/line_break.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using parviz::breakLineTexts;
using parviz::keepTogether;

namespace {

// One unit per character (UTF-8 aware), like a monospaced font: "×" is one.
float chars(std::string_view s) {
    float n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1.0f : 0.0f;
    return n;
}

std::vector<std::string> linesOf(std::string_view text, float w) {
    std::vector<std::string> out;
    for (std::string_view l : breakLineTexts(text, w, chars)) out.emplace_back(l);
    return out;
}

bool validUtf8Boundaries(const std::string& s) {
    if (s.empty()) return true;
    const auto first = static_cast<unsigned char>(s.front());
    if ((first & 0xC0) == 0x80) return false;   // starts inside a character
    // Ends with a whole character: the last lead byte's length reaches the end.
    std::size_t lead = s.size() - 1;
    while (lead > 0 && (static_cast<unsigned char>(s[lead]) & 0xC0) == 0x80) --lead;
    const auto c = static_cast<unsigned char>(s[lead]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    return lead + len == s.size();
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : " ") + l;
    return out;
}

std::string withoutSpaces(std::string s) {
    std::erase(s, ' ');
    return s;
}

} // namespace

TEST_CASE("a number and its unit stay on one line", "[text][wrap]") {
    // ImGui 1.86 broke this as "took 3." / "64 s in all".
    CHECK(linesOf("took 3.64 s in all", 9) == std::vector<std::string>{"took", "3.64 s in", "all"});
    CHECK(linesOf("the run took 196 ms", 16) == std::vector<std::string>{"the run took", "196 ms"});
    CHECK(linesOf("with 8 workers on 2 cores", 12) == std::vector<std::string>{"with", "8 workers on", "2 cores"});
    CHECK(linesOf("efficiency 83 % here", 12) == std::vector<std::string>{"efficiency", "83 % here"});
    CHECK(linesOf("speedup 1.19 \u00d7 over one", 12) == std::vector<std::string>{"speedup", "1.19 \u00d7 over", "one"});
    CHECK(linesOf("ran 1,024 tasks", 10) == std::vector<std::string>{"ran", "1,024", "tasks"});
    CHECK(linesOf("it took (3.64 s) to end", 12) == std::vector<std::string>{"it took", "(3.64 s) to", "end"});
    CHECK(linesOf("waited 20 \u00b5s", 8) == std::vector<std::string>{"waited", "20 \u00b5s"});
}

TEST_CASE("what keeps two words together", "[text][wrap]") {
    CHECK(keepTogether("3.64", "s"));
    CHECK(keepTogether("3.64", "s,"));
    CHECK(keepTogether("196", "ms"));
    CHECK(keepTogether("8", "workers"));
    CHECK(keepTogether("83", "%"));
    CHECK(keepTogether("1.19", "\u00d7"));
    CHECK(keepTogether("(3.64", "s)"));
    CHECK(keepTogether("~8", "s"));
    CHECK(keepTogether("\u2014", "load"));   // a lone dash never ends a line
    CHECK(keepTogether("(", "3"));           // nor an opening bracket
    CHECK(keepTogether("idle", ")"));        // a closing mark never starts one
    CHECK(keepTogether("done", "\u2026"));
    CHECK_FALSE(keepTogether("took", "3.64"));
    CHECK_FALSE(keepTogether("s,", "then"));
    CHECK_FALSE(keepTogether("ForkPoolWorker-2", "is"));   // a name, not a number
    CHECK_FALSE(keepTogether("3.", "Then"));              // a sentence's end
    CHECK_FALSE(keepTogether("idle", "\u2014"));          // the line may end before the dash
}

TEST_CASE("a dash or an opening bracket never ends a line", "[text][wrap]") {
    CHECK(linesOf("idle \u2014 load imbalance", 9) == std::vector<std::string>{"idle", "\u2014 load", "imbalance"});
    CHECK(linesOf("the run ( all of it )", 9) == std::vector<std::string>{"the run", "( all of", "it )"});
}

TEST_CASE("a word wider than the line is broken hard, at character boundaries", "[text][wrap]") {
    CHECK(linesOf("ForkPoolWorker-12", 5) == std::vector<std::string>{"ForkP", "oolWo", "rker-", "12"});
    CHECK(linesOf("a \u00d7\u00d7\u00d7\u00d7\u00d7 b", 2) ==
          std::vector<std::string>{"a", "\u00d7\u00d7", "\u00d7\u00d7", "\u00d7", "b"});
    // A number and unit wider than the line: broken at their space first.
    CHECK(linesOf("1234567 ms", 8) == std::vector<std::string>{"1234567", "ms"});
    // Narrower than one character: still one character a line, never nothing.
    CHECK(linesOf("ab", 0.5f) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("empty text, newlines, indents and no wrapping", "[text][wrap]") {
    CHECK(linesOf("", 10).empty());
    CHECK(linesOf("\n", 10) == std::vector<std::string>{""});
    CHECK(linesOf("a b\n\nc d", 100) == std::vector<std::string>{"a b", "", "c d"});
    CHECK(linesOf("a b\n", 100) == std::vector<std::string>{"a b"});   // as ImGui: no empty last line
    CHECK(linesOf("  said 3 s", 100) == std::vector<std::string>{"  said 3 s"});   // the indent stays
    CHECK(linesOf("one two  three", 8) == std::vector<std::string>{"one two", "three"});   // no spaces at ends
    CHECK(linesOf("one two three", 0) == std::vector<std::string>{"one two three"});       // 0: no wrapping
    CHECK(linesOf("one \u2026 two \u2013 three", 7) == std::vector<std::string>{"one \u2026", "two", "\u2013 three"});
}

TEST_CASE("at every width, lines fit, keep every word, and never split a number from its unit", "[text][wrap]") {
    const std::vector<std::string> texts = {
        "The pool took 3.64 s with 8 workers on 2 cores: speedup 1.19\u00d7 over one worker, efficiency 83 % \u2014 "
        "most wait for a core (runnable 64 % of the time).",
        "ForkPoolWorker-2 is idle: the task queue is empty and its last chunk ended at 3.0 s \u2014 load imbalance.",
        "1,024 tasks in 196 ms \u2026 then 12.5 s of waiting; 20 \u00b5s a put.",
    };
    for (const std::string& t : texts)
        for (float w = 1; w <= 60; ++w) {
            INFO(t << " at width " << w);
            const std::vector<std::string> lines = linesOf(t, w);
            CHECK(withoutSpaces(joined(lines)) == withoutSpaces(t));   // nothing lost, nothing added
            if (w >= 16) CHECK(joined(lines) == t);   // broken at spaces only, where every word fits
            for (std::size_t i = 0; i < lines.size(); ++i) {
                const std::string& l = lines[i];
                INFO("line " << i << ": '" << l << "'");
                CHECK(validUtf8Boundaries(l));
                CHECK(chars(l) <= w);   // a word wider than the line is broken hard
                if (w < 16) continue;   // the rules below hold where the longest group fits
                CHECK_FALSE(l.back() == ' ');
                CHECK_FALSE(l.ends_with("\u2014"));
                CHECK_FALSE(l.ends_with("("));
                if (i == 0) continue;
                const std::string& prev = lines[i - 1];
                const std::size_t sp = prev.rfind(' ');
                const std::string lastWord = prev.substr(sp == std::string::npos ? 0 : sp + 1);
                const std::string firstWord = l.substr(0, l.find(' '));
                CHECK_FALSE(keepTogether(lastWord, firstWord));
            }
        }
}

TEST_CASE("a text wrapped at its narrowest unbroken width splits no word", "[text][wrap]") {
    using parviz::narrowestUnbroken;
    CHECK(narrowestUnbroken("", chars) == 0);
    CHECK(narrowestUnbroken("cpu", chars) == 3);
    CHECK(narrowestUnbroken("pool-sizes (stopped)", chars) == 10);   // "pool-sizes", not "(stopped)"
    CHECK(narrowestUnbroken("10.00 s busy", chars) == 7);              // "10.00 s" stays together
    CHECK(narrowestUnbroken("speedup over sequential", chars) == 10);
    CHECK(narrowestUnbroken("a\nbcd ef", chars) == 3);
    // At that width, and at any width above it, breakLines breaks no word.
    for (const char* t : {"pool-sizes (stopped)", "10.00 s busy", "speedup over sequential", "idle ( 3 s ) — load imbalance"}) {
        const float w = narrowestUnbroken(t, chars);
        for (float x = w; x <= w + 6; x += 1) {
            INFO(t << " at " << x);
            CHECK(withoutSpaces(joined(linesOf(t, x))) == withoutSpaces(t));
            for (const std::string& l : linesOf(t, x)) {
                // each line is whole words of the text: it starts and ends at a word's edge
                const std::string s(t);
                const std::size_t at = s.find(l);
                REQUIRE(at != std::string::npos);
                CHECK((at == 0 || s[at - 1] == ' '));
                CHECK((at + l.size() == s.size() || s[at + l.size()] == ' '));
            }
        }
    }
}
