#pragma once
// Shared by the window tests: run the real parviz (with a timeout), temp
// directories, PNG reading, and parviz started in the background.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <stb_image.h>

#include "parviz/views.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace guitest {

namespace fs = std::filesystem;
using nlohmann::json;

struct Result {
    int exitCode = -1;
    std::string out, err;
};

inline std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs parviz with a timeout (a hang fails the test instead of stalling ctest).
inline Result runParviz(const std::vector<std::string>& args, const std::string& dir, int timeoutS = 120,
                 const std::string& envPrefix = "") {
    // PARVIZ_TEST_EXE runs the window tests against another build (the parent
    // commit's, to see a new test fail there), as the CLI tests do.
    const char* exe = std::getenv("PARVIZ_TEST_EXE");
    std::string cmd = envPrefix + "timeout -k 5 " + std::to_string(timeoutS) + " " + shellQuote(exe && *exe ? exe : PARVIZ_EXE);
    for (const auto& a : args) cmd += " " + shellQuote(a);
    const std::string errPath = dir + "/stderr.txt";
    cmd += " >" + shellQuote(dir + "/stdout.txt") + " 2>" + shellQuote(errPath);
    const int st = std::system(cmd.c_str());
    Result r;
    r.exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = slurp(dir + "/stdout.txt");
    r.err = slurp(errPath);
    return r;
}

inline bool haveDisplay() {
    const char* d = std::getenv("DISPLAY");
    return d && *d;
}

#define NEED_DISPLAY()                                                 \
    if (!haveDisplay()) {                                              \
        FAIL("no DISPLAY: run under xvfb-run (scripts/test does)");    \
        return;                                                        \
    }

struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "parviz-gui-XXXXXX").string();
        path = mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& n) const { return path + "/" + n; }
};

// Runs `parviz gui ARGS --screenshot DIR/NAME.png --layout-json DIR/NAME.json`
// to the end of its run and returns the layout (docs/layout-json.md); the
// test fails when parviz does not exit 0.
inline json shotOf(const std::vector<std::string>& args, const TempDir& dir, const std::string& name = "shot") {
    std::vector<std::string> all = {"gui"};
    all.insert(all.end(), args.begin(), args.end());
    for (const std::string& a : {std::string("--screenshot"), dir.file(name + ".png"), std::string("--layout-json"),
                                 dir.file(name + ".json")})
        all.push_back(a);
    const Result r = runParviz(all, dir.path);
    // Both streams: whether it crashed before or after "wrote FILE" says where to look.
    INFO("stdout: " << r.out);
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    return json::parse(slurp(dir.file(name + ".json")));
}

struct Image {
    int w = 0, h = 0;
    std::vector<unsigned char> px;   // RGB
    std::array<int, 3> at(int x, int y) const {
        const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3;
        return {px[i], px[i + 1], px[i + 2]};
    }
};

inline Image loadPng(const std::string& path) {
    Image img;
    int n = 0;
    unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &n, 3);
    REQUIRE(data != nullptr);
    img.px.assign(data, data + static_cast<std::size_t>(img.w) * static_cast<std::size_t>(img.h) * 3);
    stbi_image_free(data);
    return img;
}

inline bool near(const std::array<int, 3>& c, int r, int g, int b, int tol) {
    return std::abs(c[0] - r) <= tol && std::abs(c[1] - g) <= tol && std::abs(c[2] - b) <= tol;
}

// A worker colour, full or with the span edge darkened (0.6).
inline bool isWorkerColour(const std::array<int, 3>& c) {
    for (const parviz::Rgb& p : parviz::kProcPalette) {
        if (near(c, p.r, p.g, p.b, 30)) return true;
        if (near(c, p.r * 6 / 10, p.g * 6 / 10, p.b * 6 / 10, 20)) return true;
    }
    return false;
}

// Fraction of pixels in the core lanes' CoreProcs rows (the run's part of the
// axis) that are worker colours.
inline double coreWorkerFraction(const Image& img, const json& layout) {
    long total = 0, worker = 0;
    for (const json& r : layout["rows"]) {
        if (r["lane"] != "core" || r["row"] != parviz::toString(parviz::RowKind::CoreProcs)) continue;
        const int x0 = static_cast<int>(r["x0"].get<double>()) + 2;
        // The view spans the run plus a 2 % margin: look at the first 95 %.
        const int x1 = x0 + static_cast<int>((r["x1"].get<double>() - x0) * 0.95);
        const int y = static_cast<int>((r["y0"].get<double>() + r["y1"].get<double>()) / 2);
        for (int x = x0; x < x1 && x < img.w; ++x, ++total)
            if (isWorkerColour(img.at(x, y))) ++worker;
    }
    REQUIRE(total > 0);
    return static_cast<double>(worker) / static_cast<double>(total);
}


// Like runParviz, but returns at once; waitParviz collects the exit code.
inline pid_t spawnParviz(const std::vector<std::string>& args, const std::string& dir, int timeoutS = 120) {
    // PARVIZ_TEST_EXE: another build, as runParviz (live windows too).
    const char* exe = std::getenv("PARVIZ_TEST_EXE");
    std::string cmd = "exec timeout -k 5 " + std::to_string(timeoutS) + " " + shellQuote(exe && *exe ? exe : PARVIZ_EXE);
    for (const auto& a : args) cmd += " " + shellQuote(a);
    cmd += " >" + shellQuote(dir + "/stdout.txt") + " 2>" + shellQuote(dir + "/stderr.txt");
    const pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

inline Result waitParviz(pid_t pid, const std::string& dir) {
    int st = 0;
    Result r;
    if (waitpid(pid, &st, 0) == pid) r.exitCode = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.err = slurp(dir + "/stderr.txt");
    return r;
}

// The state letter of /proc/PID/stat ('R', 'S', 'T', ...), '?' if gone.
inline char procState(long pid) {
    const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');   // the command name may hold spaces
    return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}


// A traced Python program's window at 1280x720 in presentation, as a class
// sees it, written once it has ended (or at --screenshot-at, in `extra`):
// its --layout-json. Fails the test when parviz does not exit 0.
inline nlohmann::json tracedShot(const TempDir& dir, const std::string& script, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"gui", "--presentation", "--size", "1280x720", "--screenshot", dir.file("shot.png"),
                                     "--layout-json", dir.file("shot.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--trace-python", script});
    const Result r = runParviz(args, dir.path);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return nlohmann::json::parse(slurp(dir.file("shot.json")));
}

} // namespace guitest
