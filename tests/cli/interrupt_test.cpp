// Ctrl-C, SIGTERM (what `timeout` sends) and SIGHUP during `parviz run` with
// output files: the run stops, every file asked for holds what was recorded,
// marked incomplete (never 0 bytes, never the stale content of an earlier
// run), no temporary file is left, and the exit status is 128 + the signal.
#include "cli_support.hpp"

#include "parviz/trace_io.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using parviz::test::readFile;
using parviz::test::TempDir;

namespace {

struct Interrupted {
    int exitCode = -1;   // -1: did not exit by itself within the time limit
    int signal = 0;      // the child died of this signal
    bool hung = false;   // still running at the time limit: killed by us
    std::string out, err;
    // Processes of parviz's group that outlived it (alive, or dead but never
    // reaped by parviz), by name; only seen when the caller is a subreaper.
    std::vector<std::string> leftovers;
};

std::string commOf(pid_t pid) {
    std::string name = readFile("/proc/" + std::to_string(pid) + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    return name;
}

// After parviz (the group's leader) exited: every process of its group that
// was reparented to us (we are a subreaper) was left behind by parviz, a
// zombie it never reaped or a worker still alive. Waits up to 2 s for the
// group to empty, naming and reaping each one found.
std::vector<std::string> reapLeftovers(pid_t pgid) {
    std::vector<std::string> found;
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2)) {
        siginfo_t si{};
        if (waitid(P_PGID, static_cast<id_t>(pgid), &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0) {
            found.push_back(commOf(si.si_pid) + " (pid " + std::to_string(si.si_pid) + ")");
            waitpid(si.si_pid, nullptr, 0);
            continue;
        }
        if (kill(-pgid, 0) != 0 && errno == ESRCH) break;   // nothing of the group is left
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return found;
}

// Starts parviz in its own process group (as a shell's foreground job), waits
// until it printed its first line and then `after`, then sends sig to the
// whole group (as a terminal's Ctrl-C does) or to parviz alone. parviz that
// has not exited limitSeconds later counts as hung (and is killed).
Interrupted interruptRun(const TempDir& dir, const std::vector<std::string>& args, int sig, bool wholeGroup,
                         std::chrono::milliseconds after = std::chrono::milliseconds(300), int limitSeconds = 30) {
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
    std::this_thread::sleep_for(after);
    kill(wholeGroup ? -pid : pid, sig);
    int status = 0;
    for (int i = 0; i < limitSeconds * 100; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (r.exitCode < 0 && r.signal == 0) {
        r.hung = true;
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (!r.hung) r.leftovers = reapLeftovers(pid);
    kill(-pid, SIGKILL);   // anything of the group still alive (there should be none)
    while (waitid(P_PGID, static_cast<id_t>(pid), nullptr, WEXITED | WNOHANG) == 0) {}
    r.out = readFile(outPath);
    r.err = readFile(errPath);
    return r;
}

const char* interruptName(int sig) {
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "?";
}

// The tasks the stop ended are reported as stopped by the user, not as
// failures: in the summary, --summary-json and the Chrome export.
void checkStoppedNotFailed(const std::string& out, const nlohmann::json& summary, const nlohmann::json& trace,
                           const std::string& by) {
    CHECK_THAT(out, !Catch::Contains("would have hung"));
    CHECK_THAT(out, !Catch::Contains("Failures:"));
    CHECK_THAT(out, Catch::Contains("Stopped by the user:"));
    CHECK_THAT(out, Catch::Contains("when the run was stopped (" + by + ")"));
    CHECK(summary.at("failures").empty());
    CHECK(summary.at("tasks").at("failed") == 0);
    CHECK(summary.at("tasks").at("stopped") >= 1);
    CHECK(summary.at("stopped_tasks").size() == summary.at("tasks").at("stopped"));
    CHECK(summary.at("stopped_by") == by);
    CHECK(trace.at("otherData").at("failures").empty());
    CHECK(trace.at("otherData").at("stopped_by") == by);
    int stoppedSlices = 0;
    for (const auto& e : trace.at("traceEvents")) {
        if (e.value("cat", "") == "failure") FAIL_CHECK("a failure in the export: " << e.dump());
        if (e.value("cat", "") != "task" || !e.contains("args")) continue;
        CHECK_FALSE(e.at("args").contains("failed"));
        if (e.at("args").value("outcome", "") == "stopped") ++stoppedSlices;
    }
    CHECK(stoppedSlices == summary.at("tasks").at("stopped"));
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
        // SIGINT to parviz alone (kill -INT); a terminal's Ctrl-C, which reaches
        // the workers too, is the next test.
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
            // A and B were running: the stop ended them; that is no failure of theirs.
            checkStoppedNotFailed(r.out, s, t, interruptName(c.sig));
            auto run = parviz::loadTrace(saved);
            CHECK(run->meta().incomplete);
            CHECK(run->size() > 0);
            std::size_t files = 0;
            for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
            CHECK(files == 5);   // the three outputs, stdout, stderr: no temporary file left
        }
    }
}

// A terminal's Ctrl-C goes to the whole foreground process group: parviz, its
// fork server and every worker get SIGINT at once, so the workers die while
// parviz stops the run, and the pool's own handling of the dead workers
// races Run::stop; and once no task is left queued, their deaths can end the
// run before parviz has looked at its signal. Ten runs, each interrupted at
// another moment of the pool demo at time scale 0.25 (1.5 s: A runs 0-1.25 s,
// B 0-0.5 s, C 0.5-0.75 s, D 0.75-1.5 s, nothing is queued after 0.75 s).
TEST_CASE("Ctrl-C to the whole process group, at any moment, ends the run without a hang or a leftover process",
          "[cli][run][interrupt]") {
    // Processes parviz leaves behind are reparented to us, to be seen and named.
    REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    for (int k = 0; k < 10; ++k) {
        const auto after = std::chrono::milliseconds(20 + 130 * k);
        DYNAMIC_SECTION("interrupted " << after.count() << " ms after the first printed line") {
            TempDir dir;
            const auto summary = dir.file("s.json");
            auto r = interruptRun(dir, {"run", "pool", "--time-scale", "0.25", "--summary-json", summary}, SIGINT,
                                  true, after, 10);
            INFO("exit " << r.exitCode << " signal " << r.signal << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err);
            REQUIRE_FALSE(r.hung);
            CHECK(r.signal == 0);
            CHECK(r.exitCode == 130);
            CHECK(r.leftovers == std::vector<std::string>{});
            CHECK_THAT(r.err, Catch::Contains("interrupted by SIGINT"));
            auto s = nlohmann::json::parse(readFile(summary));
            CHECK(s.at("incomplete") == true);
            // Workers the Ctrl-C killed were stopped by the user, not failed.
            CHECK(s.at("failures").empty());
            CHECK(s.at("tasks").at("failed") == 0);
            CHECK(s.at("stopped_by") == "SIGINT");
            CHECK_THAT(r.out, !Catch::Contains("would have hung"));
        }
    }
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}
