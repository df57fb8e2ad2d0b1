// Session 17's newcomer walk, at 1280x720 in presentation (what a class
// sees): nothing on screen is cut. The Session tab's table split words
// across lines ("cp / u", "pool- / sizes") and scrolled its header away; the
// Queue panel's count of the items it had no room for read "+2 m" at the
// panel's edge.
#include "live_window.hpp"

#include <regex>
#include <set>
#include <sstream>

using namespace guitest;

namespace {

const json* panelOf(const json& s, const std::string& name) {
    for (const json& p : s["panels"])
        if (p["name"] == name) return &p;
    return nullptr;
}

std::string dumpLines(const json& p) {
    std::string out;
    for (const json& l : p["lines"]) out += l.get<std::string>() + " | ";
    return out;
}

} // namespace

TEST_CASE("presentation at 1280x720: the Session tab's table splits no word and keeps its header in view when it scrolls",
          "[gui][cuts][session]") {
    NEED_X();
    // Six runs of pool-sizes, sleep then cpu (the lesson's sweep), then the
    // run view (C) and its Session tab.
    LiveWindow w({"--compare", "pool-sizes", "--workers", "1,2,4", "--work", "sleep,cpu", "--time-scale", "0.05",
                  "--presentation", "--size", "1280x720"});
    REQUIRE_FALSE(w.window.empty());
    REQUIRE(w.waitFor(
        [](const json& s) {
            if (s["runs"].size() < 6) return false;
            for (const json& r : s["runs"])
                if (r["status"] != "finished") return false;
            return s["trace_finished"] == true;
        },
        120));
    w.tap("c");
    REQUIRE(w.waitFor([](const json& s) { return panelOf(s, "Stats") != nullptr; }, 10));
    for (int i = 0; i < 3 && w.state().value("stats_tab", std::string()) != "Session"; ++i) {
        const auto r = itemRect(w.state(), "Session");
        w.click(r[0] + r[2] / 2, r[1] + r[3] / 2);
    }
    w.settle(6);
    json s = w.state();
    REQUIRE(s["stats_tab"] == "Session");
    const json* stats = panelOf(s, "Stats");
    REQUIRE(stats);
    INFO("Stats lines: " << dumpLines(*stats));
    // Every line is made of whole words of the table's headers and cells.
    const std::set<std::string> words = {"#",        "scenario", "workers", "work", "makespan", "speedup", "over",
                                         "sequential", "worker", "compare", "pool-sizes", "sleep", "cpu", "busy", "-", "ms", "s",
                                         "This", "run", "Why", "Predict", "Output", "Session", "closed"};
    std::string broken;
    for (const json& l : (*stats)["lines"]) {
        std::istringstream in(l.get<std::string>());
        for (std::string word; in >> word;) {
            const bool number = std::regex_match(word, std::regex(R"(\d+(\.\d+)?(x|s|ms)?)"));
            if (!number && !words.count(word)) broken += "'" + word + "' ";
        }
    }
    CHECK(broken.empty());
    CHECK_FALSE((*stats)["clipped"].get<bool>());
    std::string lines = dumpLines(*stats);
    for (const json& h : (*stats)["hidden_texts"]) lines += h.get<std::string>() + " | ";   // the rows below
    CHECK(lines.find("| pool-sizes |") != std::string::npos);
    CHECK(lines.find("| cpu |") != std::string::npos);
    CHECK(lines.find("scenario") != std::string::npos);
    // Six runs do not fit under the timeline: the rows scroll, the header stays.
    const auto head = itemRect(s, "Session");
    const auto pr = panelRect(s, "Stats");
    const float x = pr[0] + pr[2] / 3, y = pr[1] + pr[3] - 12;
    runCommand("xdotool mousemove --window " + w.window + " " + std::to_string(static_cast<int>(x)) + " " +
               std::to_string(static_cast<int>(y)));
    w.settle(2);
    for (int i = 0; i < 6; ++i) {
        runCommand("xdotool click --window " + w.window + " 5");
        w.settle(2);
    }
    w.settle(6);
    s = w.state();
    stats = panelOf(s, "Stats");
    REQUIRE(stats);
    INFO("scrolled, Stats lines: " << dumpLines(*stats));
    const std::string after = dumpLines(*stats);
    CHECK(after.find("scenario | ") != std::string::npos);
    CHECK(after.find("makespan | ") != std::string::npos);
    CHECK_FALSE((*stats)["clipped"].get<bool>());
    // It did scroll: the first run's row is out of view, the last one's in it.
    bool firstHidden = false;
    for (const json& h : (*stats)["hidden_texts"]) firstHidden = firstHidden || h == "1";
    CHECK(firstHidden);
    (void)head;
}

// A traced producer puts lists faster than its consumer takes them: the
// queue holds more than one row of boxes. Every frame, each box is whole
// (its value shortened inside it) and the count of the rest is whole.
TEST_CASE("presentation at 1280x720, a traced queue of long lists: no box and no '+N more' is cut at the panel's edge",
          "[gui][cuts][queuecut]") {
    NEED_X();
    TempDir src;
    const std::string script = writeScript(src, "lists.py",
                                           "import multiprocessing as mp, time\n"
                                           "def producer(q):\n"
                                           "    for i in range(40):\n"
                                           "        q.put(['T%d' % i, 0.25, ('a long tuple', i, [1, 2, 3])])\n"
                                           "        time.sleep(0.02)\n"
                                           "    q.put(None)\n"
                                           "def consumer(q):\n"
                                           "    time.sleep(1.0)\n"
                                           "    while q.get() is not None:\n"
                                           "        time.sleep(0.05)\n"
                                           "if __name__ == '__main__':\n"
                                           "    q = mp.Queue()\n"
                                           "    ps = [mp.Process(target=producer, args=(q,)), mp.Process(target=consumer, args=(q,))]\n"
                                           "    for p in ps: p.start()\n"
                                           "    for p in ps: p.join()\n");
    LiveWindow w({"--presentation", "--size", "1280x720"}, {"--trace-python", script});
    REQUIRE_FALSE(w.window.empty());
    std::string cut, counts;
    int frames = 0;
    bool ended = false, sawMore = false;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!ended && std::chrono::steady_clock::now() < until) {
        const json s = w.state();
        for (const json& p : s["panels"]) {
            const std::string name = p["name"];
            if (name != "Queue and Lock" && name != "Queue") continue;
            ++frames;
            for (const json& t : p["clipped_texts"]) cut += t.get<std::string>() + " | ";
            for (const json& l : p["lines"]) {
                const std::string line = l;
                if (line.rfind("+", 0) != 0) continue;
                sawMore = true;
                if (!std::regex_match(line, std::regex(R"(\+\d+ more)"))) counts += line + " | ";
            }
        }
        if (!s["runs"].empty())
            ended = s["runs"][0]["status"] != "running" && s["trace_finished"].get<bool>();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    REQUIRE(ended);
    REQUIRE(frames > 0);
    INFO("cut: " << cut);
    INFO("counts: " << counts);
    CHECK(sawMore);
    CHECK(cut.empty());
    CHECK(counts.empty());
}
