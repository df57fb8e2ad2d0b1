#pragma once
// Helpers for the command-line tests: run the real parviz executable with a
// timeout and capture what it printed, and a temporary directory that cleans
// up after itself.
#include <string>
#include <vector>

namespace parviz::test {

struct ExeResult {
    int exitCode = -1;         // valid when !signaled && !timedOut
    bool signaled = false;     // the child died of a signal (a crash)
    int signal = 0;
    bool timedOut = false;     // killed by us after the timeout (a hang)
    std::string out, err;
};

// Runs PARVIZ_EXE with args; kills it after timeoutSeconds.
ExeResult runParviz(const std::vector<std::string>& args, double timeoutSeconds = 60);
// Runs argv[0] (a path) with argv[1..]; the same capture and timeout.
ExeResult runProgram(const std::vector<std::string>& argv, double timeoutSeconds = 60);

// Lines of text, trailing '\r' and spaces trimmed and runs of spaces collapsed
// ("whitespace aside", as Python's double spaces are not the point).
std::vector<std::string> normalizedLines(const std::string& text);

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const noexcept { return m_path; }
    // Writes a file into the directory and returns its path.
    std::string write(const std::string& name, const std::string& content) const;
    std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
    std::string m_path;
};

std::string readFile(const std::string& path);

// A failed check's context: exit status, signal, time-out, and the head and
// tail of stdout and stderr (long output is cut in the middle).
std::string describe(const ExeResult& r);

} // namespace parviz::test
