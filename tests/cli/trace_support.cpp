// Helpers shared by the `parviz trace` tests (trace_support.hpp).
#include "trace_support.hpp"

#include "parviz/trace_io.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace parviz::test::trace {

using parviz::EventKind;

Traced traceScript(const std::string& script, const std::vector<std::string>& args, const TempDir& dir,
                   const std::string& savedName, const std::string& python) {
    Traced t;
    const std::string saved = dir.file(savedName + ".pvz");
    // Block-buffered stdout, as a pipe normally is (the test environment may
    // set PYTHONUNBUFFERED, and then the processes' print pieces interleave).
    std::vector<std::string> argv{"trace", "--save-run", saved, "--", "/usr/bin/env", "-u", "PYTHONUNBUFFERED",
                                  python, script};
    argv.insert(argv.end(), args.begin(), args.end());
    t.result = runParviz(argv, 120);
    if (t.result.exitCode == 0) t.trace = parviz::loadTrace(saved);
    std::istringstream in(t.result.out);
    std::string line;
    while (std::getline(in, line) && line.rfind("Summary of ", 0) != 0) t.programLines.push_back(line);
    while (!t.programLines.empty() && t.programLines.back().empty()) t.programLines.pop_back();
    return t;
}

Traced traceExample(const std::string& example, const TempDir& dir) {
    return traceScript(kExamples + example, {}, dir, example);
}

std::string procName(const parviz::Trace& tr, parviz::ProcId p) { return tr.meta().procs.at(p).name; }

std::vector<std::string> printed(const parviz::Trace& tr) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < tr.size(); ++i)
        if (tr[i].kind == EventKind::Print) out.emplace_back(tr.string(tr[i].a));
    return out;
}

std::multiset<std::vector<std::string>> greedy(const std::vector<std::pair<std::string, double>>& tasks, int workers) {
    std::vector<double> freeAt(static_cast<std::size_t>(workers), 0);
    std::vector<std::vector<std::string>> got(static_cast<std::size_t>(workers));
    for (const auto& [name, secs] : tasks) {
        auto w = static_cast<std::size_t>(std::min_element(freeAt.begin(), freeAt.end()) - freeAt.begin());
        freeAt[w] += secs;
        got[w].push_back(name);
    }
    return {got.begin(), got.end()};
}

std::vector<std::string> programErrLines(const std::string& err) {
    std::vector<std::string> out;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("parviz trace:", 0) != 0) out.push_back(line);
    return out;
}

std::string firstDifference(const std::vector<std::string>& plain, const std::vector<std::string>& traced) {
    const std::size_t n = std::max(plain.size(), traced.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string a = i < plain.size() ? plain[i] : "<none>", b = i < traced.size() ? traced[i] : "<none>";
        if (a == b) continue;
        std::string ctx;
        for (std::size_t k = i > 3 ? i - 3 : 0; k < i; ++k) ctx += "  " + plain[k] + "\n";
        return "line " + std::to_string(i + 1) + " differs after\n" + ctx + "untraced: " + a + "\ntraced:   " + b;
    }
    return "";
}

std::multiset<std::string> taskNames(const parviz::RunModel& m, const parviz::Trace& tr) {
    std::multiset<std::string> out;
    for (const parviz::TaskRecord& r : m.tasks()) out.emplace(tr.string(r.name));
    return out;
}

const parviz::QueueIndex* queueNamed(const parviz::RunModel& m, const parviz::Trace& tr, const std::string& name) {
    const parviz::TraceMeta meta = tr.meta();
    for (const parviz::QueueIndex& q : m.queues())
        if (meta.objectName(parviz::ObjectKind::Queue, q.id) == name) return &q;
    return nullptr;
}

std::map<std::string, std::string> otherPythons() {
    std::map<std::string, std::string> out;
    std::string root;
    if (const char* r = std::getenv("PYENV_ROOT"); r && *r) root = r;
    else if (const char* h = std::getenv("HOME"); h && *h) root = std::string(h) + "/.pyenv";
    if (root.empty()) return out;
    const std::string versions = root + "/versions";
    std::error_code ec;
    for (const auto& d : std::filesystem::directory_iterator(versions, ec)) {
        const std::string v = d.path().filename().string();
        const std::string exe = d.path().string() + (v.rfind("2.", 0) == 0 ? "/bin/python" : "/bin/python3");
        if (::access(exe.c_str(), X_OK) != 0 || v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) continue;
        const std::size_t dot2 = v.find('.', v.find('.') + 1);
        out[v.substr(0, dot2)] = exe;
    }
    return out;
}

bool atLeast38(const std::string& xy) {
    const int major = std::stoi(xy), minor = std::stoi(xy.substr(xy.find('.') + 1));
    return major > 3 || (major == 3 && minor >= 8);
}

} // namespace parviz::test::trace
