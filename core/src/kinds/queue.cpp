// The queue kind: the main program puts every item, then gets them all back
// in order (FIFO). No worker process.
#include "../scenario_program.hpp"

#include "parviz/process.hpp"
#include "parviz/queue.hpp"

namespace parviz::detail {
namespace {

class QueueProgram final : public ScenarioProgram {
public:
    ScenarioKind kind() const noexcept override { return ScenarioKind::Queue; }
    const char* name() const noexcept override { return "queue"; }

    std::vector<std::string> fields() const override { return {"items"}; }
    void read(const Fields& f, Scenario& s) const override {
        if (f.has("items")) s.items = f.strings("items", kMaxItems, kMaxNameBytes, "items");
        else s.items = {"red", "green", "blue", "black"};
    }
    void write(const Scenario& s, json& j) const override { j["items"] = s.items; }

    int workers(const Scenario&) const override { return 0; }
    bool makesQueue() const noexcept override { return true; }

    void run(RunContext& ctx) const override {
        const Scenario& sc = ctx.scenario();
        Queue q(QueueOptions{.name = "queue", .capacityBytes = queueCapacityFor(sc.items)});
        print("pushing items to queue:");
        int cnt = 1;
        for (const auto& item : sc.items) {
            if (ctx.shouldStop()) return;
            print("item no:  " + std::to_string(cnt) + "   " + item);
            q.put(item);
            ++cnt;
        }
        print("");
        print("popping items from queue:");
        cnt = 0;
        while (!q.empty() && !ctx.shouldStop()) {
            print("item no:  " + std::to_string(cnt) + "   " + q.get());
            ++cnt;
        }
    }

    Lines listing(const Scenario& s, const ListingParams&, const Style& st) const override {
        Lines out;
        std::vector<std::string> lits;
        for (const std::string& i : s.items) lits.push_back(pyStr(i));
        std::string comment;
        const std::string list = pyList(st, lits, "items", comment);
        if (st.runnable) addQueueClass(out);
        else {
            add(out, "from multiprocessing import Queue");
            add(out, "");
        }
        const std::size_t body = out.size();
        add(out, "colors = " + list + comment);
        add(out, "cnt = 1");
        add(out, "queue = Queue()");
        add(out, "print('pushing items to queue:')");
        add(out, "for color in colors:");
        add(out, "    print('item no: ', cnt, ' ', color)", "Print");
        add(out, "    queue.put(color)", "QueuePut");
        add(out, "    cnt += 1");
        add(out, "");
        add(out, "print('\\npopping items from queue:')");
        add(out, "cnt = 0");
        add(out, "while not queue.empty():");
        add(out, "    print('item no: ', cnt, ' ', queue.get())", "QueueGet,Print");
        add(out, "    cnt += 1");
        if (st.runnable) guardMain(out, body);
        return out;

    }
};

} // namespace

const ScenarioProgram& queueProgram() noexcept {
    static const QueueProgram p;
    return p;
}

} // namespace parviz::detail
