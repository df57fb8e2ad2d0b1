#include "cli_support.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace parviz::test {

ExeResult runParviz(const std::vector<std::string>& args, double timeoutSeconds) {
    // PARVIZ_TEST_EXE runs the suite against another build (e.g. the parent
    // commit's binary, to see a new test fail there).
    const char* exe = std::getenv("PARVIZ_TEST_EXE");
    std::vector<std::string> argv{exe && *exe ? exe : PARVIZ_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProgram(argv, timeoutSeconds);
}

ExeResult runProgram(const std::vector<std::string>& argvIn, double timeoutSeconds) {
    int outPipe[2], errPipe[2];
    if (pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    if (pipe2(errPipe, O_CLOEXEC) != 0) {
        close(outPipe[0]);
        close(outPipe[1]);
        throw std::runtime_error("pipe2 failed");
    }
    std::vector<std::string> argvStore = argvIn;
    std::vector<char*> argv;
    for (auto& a : argvStore) argv.push_back(a.data());
    argv.push_back(nullptr);

    pid_t pid = fork();
    if (pid == 0) {
        dup2(outPipe[1], 1);
        dup2(errPipe[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(outPipe[1]);
    close(errPipe[1]);
    ExeResult r;
    if (pid < 0) {
        close(outPipe[0]);
        close(errPipe[0]);
        throw std::runtime_error("fork failed");
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    int openPipes = 2;
    char buf[65536];
    while (openPipes > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timedOut = true;
            // A hang is a bug to diagnose: with PARVIZ_TEST_GDB_ON_HANG set,
            // every thread's stack goes into the report.
            if (std::getenv("PARVIZ_TEST_GDB_ON_HANG")) {
                std::string cmd = "gdb -p " + std::to_string(pid) +
                                  " -batch -ex 'thread apply all bt 12' 2>/dev/null | grep -E '^#|^Thread' > /tmp/parviz-hang-" +
                                  std::to_string(pid) + ".txt";
                if (std::system(cmd.c_str()) == 0) r.err += "\n[stacks in /tmp/parviz-hang-" + std::to_string(pid) + ".txt]";
            }
            kill(pid, SIGKILL);
            break;
        }
        int n = poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[i].fd, buf, sizeof buf);
            if (got > 0) {
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --openPipes;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status) && !r.timedOut) {
        r.signaled = true;
        r.signal = WTERMSIG(status);
    }
    return r;
}

std::vector<std::string> normalizedLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::string norm;
        for (char c : line) {
            if (c == ' ' || c == '\t' || c == '\r') {
                if (!norm.empty() && norm.back() != ' ') norm += ' ';
            } else {
                norm += c;
            }
        }
        while (!norm.empty() && norm.back() == ' ') norm.pop_back();
        lines.push_back(norm);
    }
    return lines;
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parviz-cli-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f << content;
    return p;
}

std::string readFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

namespace {
std::string headAndTail(const std::string& s, std::size_t keep) {
    if (s.size() <= 2 * keep) return s;
    return s.substr(0, keep) + "\n[... " + std::to_string(s.size() - 2 * keep) + " bytes left out ...]\n" +
           s.substr(s.size() - keep);
}
} // namespace

std::string describe(const ExeResult& r) {
    return "exit " + std::to_string(r.exitCode) + (r.signaled ? " signal " + std::to_string(r.signal) : "") +
           (r.timedOut ? " TIMED OUT" : "") + "\n--- stdout\n" + headAndTail(r.out, 2000) + "\n--- stderr\n" +
           headAndTail(r.err, 2000);
}

} // namespace parviz::test
