// Ctrl-C, SIGTERM (what `timeout` sends) and SIGHUP during `parviz run` with
// output files: the run stops, every file asked for holds what was recorded,
// marked incomplete (never 0 bytes, never the stale content of an earlier
// run), no temporary file is left, and the exit status is 128 + the signal.
#include "cli_support.hpp"

#include "parviz/trace_io.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using parviz::test::readFile;
using parviz::test::TempDir;

namespace {

struct Interrupted {
    int exitCode = -1;   // -1: did not exit by itself within the time limit
    int signal = 0;      // the child died of this signal
    std::string out, err;
};

// Starts parviz in its own process group (as a shell's foreground job), waits
// until it printed its first line, then sends sig to the whole group (as a
// terminal's Ctrl-C does) or to parviz alone.
Interrupted interruptRun(const TempDir& dir, const std::vector<std::string>& args, int sig, bool wholeGroup) {
    const std::string outPath = dir.file("stdout"), errPath = dir.file("stderr");
    std::vector<std::string> store{PARVIZ_EXE};
    store.insert(store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : store) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        int out = open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    setpgid(pid, pid);
    Interrupted r;
    auto t0 = std::chrono::steady_clock::now();
    while (readFile(outPath).empty() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(wholeGroup ? -pid : pid, sig);
    int status = 0;
    for (int i = 0; i < 3000; ++i) {   // 30 s
        if (waitpid(pid, &status, WNOHANG) == pid) {
            if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (r.exitCode < 0 && r.signal == 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    kill(-pid, SIGKILL);   // anything of the group still alive (there should be none)
    r.out = readFile(outPath);
    r.err = readFile(errPath);
    return r;
}

} // namespace

TEST_CASE("an interrupted run writes what was recorded, marked incomplete, and exits 128 + the signal",
          "[cli][run][interrupt]") {
    struct Case {
        const char* what;
        int sig;
        bool wholeGroup;
    };
    const Case cases[] = {
        // SIGINT to parviz alone (kill -INT). A terminal's Ctrl-C also reaches the
        // workers; then Run::stop can race the pool's own handling of the dying
        // workers and hang in Pool::join (an engine issue, reported to its owner),
        // so the whole-group case is not tested here yet.
        {"Ctrl-C (SIGINT)", SIGINT, false},
        {"timeout or kill (SIGTERM to parviz alone)", SIGTERM, false},
        {"the terminal closes (SIGHUP)", SIGHUP, false},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            TempDir dir;
            // Files of an earlier run: each must be replaced, never left stale.
            const auto trace = dir.write("t.json", "STALE"), summary = dir.write("s.json", "STALE"),
                       saved = dir.write("r.pvz", "STALE");
            auto r = interruptRun(dir, {"run", "pool", "--trace", trace, "--summary-json", summary, "--save-run", saved},
                                  c.sig, c.wholeGroup);
            INFO("exit " << r.exitCode << " signal " << r.signal << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err);
            CHECK(r.signal == 0);
            CHECK(r.exitCode == 128 + c.sig);
            CHECK_THAT(r.err, Catch::Contains("interrupted by"));
            CHECK_THAT(r.out, Catch::Contains("incomplete: interrupted by"));

            auto s = nlohmann::json::parse(readFile(summary));
            CHECK(s.at("incomplete") == true);
            CHECK(s.at("schema") == "parviz-summary/2");
            auto t = nlohmann::json::parse(readFile(trace));
            CHECK(t.at("otherData").at("incomplete") == true);
            CHECK_FALSE(t.at("traceEvents").empty());
            auto run = parviz::loadTrace(saved);
            CHECK(run->meta().incomplete);
            CHECK(run->size() > 0);
            std::size_t files = 0;
            for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
            CHECK(files == 5);   // the three outputs, stdout, stderr: no temporary file left
        }
    }
}
