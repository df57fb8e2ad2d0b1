// Python-style listings generated from a scenario's parameters (listing.hpp).
//
// [SECTION] Formatting   Python literals: strings, numbers, shortened lists
// [SECTION] Work         the work call (time.sleep / spin_cpu) and its anchor
// [SECTION] Program      what export-python adds: header, TIME_SCALE, main guard, parviz's Queue
// [SECTION] API
//
// Each kind's own lines come from its program (scenario_program.hpp,
// kinds/*.cpp), written with the pieces defined here (listing_support.hpp).
// One generator for both uses: the Code panel's listing and export-python's
// runnable program come from the same kind functions; Style says which one
// is being written (the program never shortens data, scales the work by
// TIME_SCALE and adds the few lines CPython needs to behave as parviz does).
#include "parviz/listing.hpp"
#include "listing_support.hpp"
#include "scenario_program.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace parviz {
namespace detail {

// =============================================================================
// [SECTION] Formatting
// =============================================================================
void add(Lines& out, std::string text, std::string anchor) {
    out.push_back({std::move(text), std::move(anchor)});
}

// A Python string literal with the given quote.
std::string pyStr(const std::string& s, char q) {
    std::string out(1, q);
    for (char c : s) {
        if (c == '\\' || c == q) out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + q;
}

// As Python's %s prints a number given as 5 or 0.5 (run.cpp's formatSeconds).
std::string pyNum(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// "[a, b, c]" of already-formatted literals, shortened to the first few plus
// Python's Ellipsis and a comment with the full count.
std::string pyList(const Style& st, const std::vector<std::string>& lits, const char* noun, std::string& comment) {
    std::string out = "[";
    const std::size_t shown = std::min(lits.size(), st.shown);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + lits[i];
    if (shown < lits.size()) {
        out += ", ...";
        comment = "  # " + std::to_string(lits.size()) + " " + noun + " in all";
    }
    return out + "]";
}

// =============================================================================
// [SECTION] Work
// =============================================================================
WorkPlan planWork(const std::vector<TaskSpec>& tasks, const std::optional<WorkKind>& override) {
    WorkPlan w;
    if (override) {
        (*override == WorkKind::Cpu ? w.anyCpu : w.anySleep) = true;
        return w;
    }
    for (const TaskSpec& t : tasks) (t.work == WorkKind::Cpu ? w.anyCpu : w.anySleep) = true;
    if (!w.anyCpu) w.anySleep = true;
    return w;
}

// CPU work in parviz spins until the worker's own CPU time has grown by that
// much (work.cpp): written out so a student sees why it needs a core.
void addSpinCpu(Lines& out) {
    add(out, "def spin_cpu(seconds):");
    add(out, "    # CPU work: burn this process's own CPU time (it needs a core)");
    add(out, "    end = time.process_time() + seconds");
    add(out, "    while time.process_time() < end:");
    add(out, "        pass");
    add(out, "");
}

// The work call for `seconds` (a Python expression), indented; with mixed
// work it branches on `kindExpr`.
void addWorkCall(Lines& out, const Style& st, const WorkPlan& w, const std::string& indent,
                 const std::string& seconds, const std::string& kindExpr) {
    const std::string sleep = "time.sleep(" + seconds + st.scale + ")", spin = "spin_cpu(" + seconds + st.scale + ")";
    if (!w.mixed()) {
        if (w.anyCpu) add(out, indent + spin + "  # CPU-bound", "State:Running");
        else add(out, indent + sleep, "State:Sleeping");
        return;
    }
    add(out, indent + "if " + kindExpr + " == \"cpu\":");
    add(out, indent + "    " + spin, "State:Running");
    add(out, indent + "else:");
    add(out, indent + "    " + sleep, "State:Sleeping");
}

WorkKind effectiveWork(const TaskSpec& t, const std::optional<WorkKind>& override) {
    return override.value_or(t.work);
}

// True when the tasks are what the loader generates from task_count: named
// prefix + index, all the same length and work.
bool generatedTasks(const std::vector<TaskSpec>& ts, const std::string& prefix) {
    if (ts.empty()) return false;
    for (std::size_t i = 0; i < ts.size(); ++i)
        if (ts[i].name != prefix + std::to_string(i) || ts[i].seconds != ts[0].seconds || ts[i].work != ts[0].work)
            return false;
    return true;
}

// =============================================================================
// [SECTION] Program
// =============================================================================

// Module-level code from `from` on goes under a main guard: a program must
// not run it again in a process that imports the module (spawn, forkserver).
void guardMain(Lines& out, std::size_t from) {
    for (std::size_t i = from; i < out.size(); ++i)
        if (!out[i].text.empty()) out[i].text = "    " + out[i].text;
    out.insert(out.begin() + static_cast<long>(from), {"if __name__ == \"__main__\":", ""});
}

// CPython's Queue differs from parviz's in two races (REFERENCE.md): put()
// hands the item to a feeder thread that writes it into the pipe later, and
// get_nowait() raises Empty when another process is in the middle of a get.
// The program must do what the scenario does, so it defines a Queue with
// parviz's semantics on CPython's own (same pipe, same locks, same pickling):
// put() has written the item when it returns, get_nowait() waits for the
// read lock. The pipe is grown to 1 MiB, parviz's default capacity, where the
// kernel allows it (a put blocks while the pipe is full, as parviz's does).
void addQueueClass(Lines& out) {
    for (const char* line : {
             "import fcntl",
             "import multiprocessing",
             "import multiprocessing.queues",
             "from multiprocessing.reduction import ForkingPickler",
             "",
             "class Queue(multiprocessing.queues.Queue):",
             "    \"\"\"multiprocessing.Queue with parviz's semantics: put() has written the item",
             "    into the pipe when it returns (CPython's feeder thread writes it later, so a",
             "    get_nowait() right after may raise Empty), and get_nowait() raises Empty only",
             "    when the queue is empty (CPython's also does while another process reads).\"\"\"",
             "",
             "    def __init__(self, maxsize=0):",
             "        super().__init__(maxsize, ctx=multiprocessing.get_context())",
             "        try:  # parviz's queue holds 1 MiB of items",
             "            fcntl.fcntl(self._writer.fileno(), getattr(fcntl, 'F_SETPIPE_SZ', 1031), 1 << 20)",
             "        except OSError:",
             "            pass",
             "",
             "    def put(self, obj, block=True, timeout=None):",
             "        if not self._sem.acquire(block, timeout):",
             "            raise multiprocessing.queues.Full",
             "        data = ForkingPickler.dumps(obj)",
             "        with self._wlock:",
             "            self._send_bytes(data)",
             "",
             "    def get(self, block=True, timeout=None):",
             "        if block:",
             "            return super().get(block, timeout)",
             "        with self._rlock:",
             "            if not self._poll():",
             "                raise multiprocessing.queues.Empty",
             "            data = self._recv_bytes()",
             "        self._sem.release()",
             "        return ForkingPickler.loads(data)",
             "",
         })
        add(out, line);
}

void addTaskData(Lines& out, const Style& st, const std::string& var, const std::vector<TaskSpec>& ts, const std::string& prefix,
                 const WorkPlan& w, const std::optional<WorkKind>& override, bool asDict) {
    auto entry = [&](const TaskSpec& t) {
        std::string e = asDict ? pyStr(t.name, '"') + ": " : "[" + pyStr(t.name, '"') + ", ";
        std::string v = pyNum(t.seconds);
        if (w.mixed()) v = asDict ? "(" + v + ", \"" + toString(effectiveWork(t, override)) + "\")"
                                  : v + ", \"" + toString(effectiveWork(t, override)) + "\"";
        return e + v + (asDict ? "" : "]");
    };
    const char open = asDict ? '{' : '(', close = asDict ? '}' : ')';
    if (generatedTasks(ts, prefix) && ts.size() > 4 && !w.mixed()) {
        const std::string name = pyStr(prefix + "%d", '"') + " % i";
        if (asDict) add(out, var + " = {" + name + ": " + pyNum(ts[0].seconds) + " for i in range(" + std::to_string(ts.size()) + ")}");
        else add(out, var + " = [[" + name + ", " + pyNum(ts[0].seconds) + "] for i in range(" + std::to_string(ts.size()) + ")]");
        return;
    }
    std::string one = var + " = " + open;
    for (std::size_t i = 0; i < ts.size(); ++i) one += (i ? ", " : "") + entry(ts[i]);
    one += close;
    if (ts.size() <= st.shown && one.size() <= 72) {
        add(out, one);
        return;
    }
    add(out, var + " = " + open);
    const std::size_t shown = std::min(ts.size(), st.shown);
    for (std::size_t i = 0; i < shown; ++i) add(out, "    " + entry(ts[i]) + ",");
    if (shown < ts.size()) add(out, "    # ... " + std::to_string(ts.size() - shown) + " more, " + std::to_string(ts.size()) + " tasks in all");
    add(out, std::string(1, close));
}

} // namespace detail

using namespace detail;

namespace {

// The program's opening lines: where it came from, and the time scale.
Lines programHeader(const Scenario& s, double timeScale) {
    Lines out;
    add(out, "#!/usr/bin/env python3");
    std::string title = s.title.empty() ? s.name : s.title;
    for (char& c : title)
        if (c == '\n' || c == '\r') c = ' ';
    add(out, "# " + title);
    const std::string from = s.source.empty() ? s.name : s.source.substr(s.source.find_last_of('/') + 1);
    add(out, "# Generated by `parviz export-python` from the scenario " + from + " (standard library only).");
    add(out, "# It runs what `parviz run` runs, with CPython's multiprocessing.");
    if (timeScale != 1.0) {
        add(out, "");
        add(out, "TIME_SCALE = " + pyNum(timeScale) + "  # every task's seconds are multiplied by this");
    }
    add(out, "");
    return out;
}

} // namespace

// =============================================================================
// [SECTION] API
// =============================================================================

namespace {

Lines kindLines(const Scenario& s, const ListingParams& p, const Style& st) {
    return programFor(s.kind).listing(s, p, st);
}

} // namespace

std::vector<Scenario::CodeLine> generateListing(const Scenario& s, const ListingParams& p) {
    if (!s.code.empty()) return s.code;   // the file wrote its own listing
    Style st;
    Lines out;
    if (p.timeScale && *p.timeScale != 1.0) {   // only when the caller asks: the tutorial's shape otherwise
        st.scale = " * TIME_SCALE";
        add(out, "TIME_SCALE = " + pyNum(*p.timeScale));
        add(out, "");
    }
    Lines body = kindLines(s, p, st);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

std::string generatePythonProgram(const Scenario& s, const ListingParams& p) {
    Style st;
    st.runnable = true;
    st.shown = static_cast<std::size_t>(-1);
    const double scale = p.timeScale.value_or(s.timeScale);
    if (scale != 1.0) st.scale = " * TIME_SCALE";
    Lines lines = programHeader(s, scale);
    Lines body = kindLines(s, p, st);   // never the file's own `code`: that one may not run
    lines.insert(lines.end(), body.begin(), body.end());
    std::string text;
    for (const auto& l : lines) text += l.text + "\n";
    return text;
}

} // namespace parviz
