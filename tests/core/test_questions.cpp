// Predict, then reveal (questions.hpp): the scenario's questions read
// strictly, the answers a run gives, and the verdict beside a prediction.
#include "parviz/questions.hpp"
#include "parviz/run.hpp"
#include "parviz/scenario.hpp"
#include "synthetic_traces.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace parviz;

namespace {
std::string errorOf(const std::string& text) {
    try {
        parseScenario(text, "my.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "(no error)";
}
const std::string kPool = R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}], "questions": )";
} // namespace

TEST_CASE("a scenario's questions are read, written back and filled in with the run's parameters", "[questions]") {
    const Scenario s = parseScenario(kPool + R"([{"ask": "Pool({workers}) with {work} work: how long?", "kind": "makespan"},
        {"ask": "Order?", "kind": "finish_order", "choices": ["A B", "B A"]}]})", "my.json");
    REQUIRE(s.questions.size() == 2);
    CHECK(s.questions[0].kind == QuestionKind::Makespan);
    CHECK(askText(s.questions[0], 4, "cpu") == "Pool(4) with cpu work: how long?");
    CHECK(s.questions[1].choices == std::vector<std::string>{"A B", "B A"});
    const Scenario back = parseScenario(scenarioToJson(s), "back.json");
    REQUIRE(back.questions.size() == 2);
    CHECK(back.questions[1].ask == "Order?");
    CHECK(back.questions[1].choices.size() == 2);
}

TEST_CASE("a makespan question at another time scale says how the scenario's seconds run", "[questions][scale]") {
    // Newcomer walk (session 19): at 0.5x "16 jobs of 0.25 s of sleep work
    // on Pool(4)" was judged against the run's 0.52 s: 1.0 s, worked out
    // right, was "90 % too long".
    const Scenario s = parseScenario(kPool + R"([{"ask": "Pool({workers}): how long?", "kind": "makespan"},
        {"ask": "Order?", "kind": "finish_order", "choices": ["A B", "B A"]}]})", "my.json");
    CHECK(askText(s.questions[0], 4, "sleep", 0.5) ==
          "Pool(4): how long? At 0.50x, 1 s takes 0.50 s.");
    CHECK(askText(s.questions[0], 4, "sleep", 1.0) == "Pool(4): how long?");
    CHECK(askText(s.questions[1], 4, "sleep", 0.5) == "Order?");   // no seconds in it
}

TEST_CASE("at another time scale a makespan question gives the jobs' lengths in the run's seconds", "[questions][scale]") {
    // Classroom walk (session 30): "A=5, B=2, C=1, D=3 s … At 0.20x, 1 s
    // takes 0.20 s." over a timeline in run seconds: the class multiplied.
    const Scenario pool = loadScenario("pool");
    const auto makespan = std::find_if(pool.questions.begin(), pool.questions.end(),
                                       [](const Question& x) { return x.kind == QuestionKind::Makespan; });
    REQUIRE(makespan != pool.questions.end());
    CHECK(askText(*makespan, 4, "sleep", 0.2, &pool) ==
          "How long will Pool(4).map take over A=5, B=2, C=1, D=3 s of sleep work? At 0.20x: A=1, B=0.4, "
          "C=0.2, D=0.6 s.");
    CHECK(askText(*makespan, 4, "sleep", 1.0, &pool).find("At ") == std::string::npos);
    // One length: each job; two or three: each length; many: the scale.
    const Scenario sizes = loadScenario("pool-sizes");
    REQUIRE(!sizes.questions.empty());
    CHECK(askText(sizes.questions[0], 2, "cpu", 0.2, &sizes) ==
          "16 jobs of 0.25 s of cpu work on Pool(2): how long will it take? At 0.20x each 0.25 s job takes 0.05 s.");
    const Scenario uneven = loadScenario("pool-uneven");
    REQUIRE(uneven.questions[0].kind == QuestionKind::Makespan);
    CHECK(askText(uneven.questions[0], 2, "sleep", 0.5, &uneven) ==
          "4 jobs of 1 s, then 24 of 0.1 s, on Pool(2): how long will it take? At 0.50x a 1 s job takes 0.5 s, a 0.1 s "
          "job takes 0.05 s.");
    Scenario many = pool;
    for (int i = 0; i < 4; ++i) many.tasks.push_back(TaskSpec{"E" + std::to_string(i), 0.5 + i, WorkKind::Sleep});
    CHECK(askText(*makespan, 4, "sleep", 0.2, &many).substr(askText(*makespan, 4, "sleep", 1.0).size()) ==
          " At 0.20x, 1 s takes 0.20 s.");
    // The options' lengths are the run's too.
    const auto last = std::find_if(uneven.questions.begin(), uneven.questions.end(),
                                   [](const Question& x) { return x.kind == QuestionKind::LastTask; });
    REQUIRE(last != uneven.questions.end());
    CHECK(choiceLabels(*last, uneven, 0.2) == std::vector<std::string>{"L4 (0.2 s)", "s24 (0.02 s)"});
}

TEST_CASE("bad questions are refused naming the file, the field and the reason", "[questions]") {
    CHECK(errorOf(kPool + R"([{"ask": "x", "kind": "speed"}]})") ==
          "my.json: questions[0].kind: unknown kind \"speed\" (allowed: makespan, last_worker, last_task, finish_order, "
          "queue_order, first_exit, cores)");
    CHECK(errorOf(kPool + R"([{"kind": "makespan"}]})") ==
          "my.json: questions[0].ask: missing (the question as the class reads it)");
    CHECK(errorOf(kPool + R"([{"ask": "x", "kind": "finish_order"}]})") ==
          "my.json: questions[0].choices: a finish_order question needs 2 to 8 choices, got 0");
    CHECK(errorOf(kPool + R"([{"ask": "x", "kind": "last_task"}]})") ==
          "my.json: questions[0].choices: a last_task question needs 2 to 8 choices, got 0");
    CHECK(errorOf(kPool + R"([{"ask": "x", "kind": "makespan", "choices": ["1", "2"]}]})") ==
          "my.json: questions[0].choices: only finish_order, queue_order and last_task questions have choices (makespan is "
          "answered on a slider)");
    CHECK(errorOf(kPool + R"({"ask": "x"}})") == "my.json: questions: must be a list of questions, got an object");
    CHECK(errorOf(kPool + R"([{"ask": "a", "kind": "cores"}, {"ask": "b", "kind": "cores"}, {"ask": "c", "kind": "cores"},
        {"ask": "d", "kind": "cores"}]})") == "my.json: questions: too many questions: 4, at most 3");
    CHECK(errorOf(kPool + R"([{"ask": "x", "kind": "cores", "colour": 1}]})").find(
              "my.json: questions[0].colour: unknown field") == 0);
}

TEST_CASE("the tutorial pool answers each question, and the verdict compares the prediction", "[questions]") {
    auto tr = test::tutorialPoolTrace();
    RunModel m;
    m.update(*tr);
    Question make{QuestionKind::Makespan, "how long?", {}};
    const Answer a = answerOf(make, m, *tr);
    REQUIRE(a.known);
    CHECK(a.seconds == Approx(6.0));
    CHECK(a.text == "6.00 s");
    Guess p;
    p.given = true;
    p.seconds = 6.3;
    CHECK(verdict(make, p, a) == "right, within 10 %");
    p.seconds = 3;
    CHECK(verdict(make, p, a) == "off by 3.00 s, 50 % too short");
    // The reveal puts the verdict in brackets once: no bracket inside another (classroom walk: "(right (within 10 %))").
    {
        const std::vector<Question> qs{make};
        Guess g;
        g.given = true;
        g.seconds = 6.3;
        for (const RevealLine& l : revealLines(qs, {g}, {"how long?"}, m, *tr)) {
            INFO(l.said);
            CHECK(l.said.find("(right, within 10 %)") != std::string::npos);
            int depth = 0, deepest = 0;
            for (char ch : l.said) {
                depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
                deepest = std::max(deepest, depth);
            }
            CHECK(deepest == 1);
        }
    }
    CHECK(verdict(make, Guess{}, a).empty());
    // A run at 0.20x (its trace says so): the tutorial's seconds are right in
    // those, and the reveal says how the two meet (classroom walk, session 31:
    // "predicted: 5.00 s — the run: 1.00 s (off by 4.00 s, 400 % too long)").
    {
        Answer scaled = a;
        scaled.seconds = 1.2;
        scaled.timeScale = 0.2;
        p.seconds = 6.0;
        CHECK(verdict(make, p, scaled) == "right at 1.00x: 6.00 s is 1.20 s at 0.20x");
        p.seconds = 1.25;
        CHECK(verdict(make, p, scaled) == "right, within 10 %");
        p.seconds = 3;
        CHECK(verdict(make, p, scaled) == "off by 1.80 s, 150 % too long");
    }
    // The reveal of a run whose trace says 0.20x: the answer carries the scale,
    // both numbers in the caption's format, one pair of brackets.
    {
        auto scaledTrace = test::tutorialPoolTrace();
        scaledTrace->updateMeta([](TraceMeta& meta) { meta.timeScale = 0.2; });
        RunModel sm;
        sm.update(*scaledTrace);
        REQUIRE(answerOf(make, sm, *scaledTrace).timeScale == Approx(0.2));
        Guess g;
        g.given = true;
        g.seconds = 30;   // the 6 s makespan read as 1.20 s of a 0.20x run: 6 / 0.2 in the scenario's seconds
        const std::vector<RevealLine> ls = revealLines({make}, {g}, {"how long?"}, sm, *scaledTrace);
        REQUIRE(ls.size() == 1);
        CHECK(ls[0].said == "predicted: 30.0 s  \u2014  the run: 6.00 s (right at 1.00x: 30.0 s is 6.00 s at 0.20x)");
        g.seconds = 0.004;
        CHECK(revealLines({make}, {g}, {"how long?"}, sm, *scaledTrace)[0].said.rfind("predicted: 0.0040 s", 0) == 0);
    }

    Question last{QuestionKind::LastWorker, "who?", {}};
    CHECK(answerOf(last, m, *tr).text == "ForkPoolWorker-2");
    // Which job ends last is the schedule's, not a race's: D, after B and C on one worker.
    Question lastTask{QuestionKind::LastTask, "which job?", {"A", "B", "C", "D"}};
    const Answer lt = answerOf(lastTask, m, *tr);
    CHECK(lt.known);
    CHECK(lt.text == "D");
    p.choice = "D";
    CHECK(verdict(lastTask, p, lt) == "right");
    p.choice = "A";
    CHECK(verdict(lastTask, p, lt) == "not this time");
    Question order{QuestionKind::FinishOrder, "order?", {"A B C D", "B C A D"}};
    const Answer o = answerOf(order, m, *tr);
    CHECK(o.text == "B C A D");
    p.choice = "B C A D";
    CHECK(verdict(order, p, o) == "right");
    p.choice = "A B C D";
    CHECK(verdict(order, p, o) == "not this time");
    Question first{QuestionKind::FirstExit, "first?", {}};
    CHECK(answerOf(first, m, *tr).text == "ForkPoolWorker-1");   // both exit at 6.1 s: the lower number
    Question cores{QuestionKind::Cores, "cores?", {}};
    CHECK(answerOf(cores, m, *tr).text == "2");
}

TEST_CASE("a question is not answered while the run's tasks still run", "[questions]") {
    auto tr = test::tutorialPoolTrace();
    RunModel m;
    m.update(*tr, 20);   // a prefix: A and D still running
    Question make{QuestionKind::Makespan, "how long?", {}};
    CHECK_FALSE(answerOf(make, m, *tr).known);
}

TEST_CASE("every built-in scenario asks one to three questions, and a real queue run answers its own", "[questions]") {
    for (const std::string& name : builtinScenarioNames()) {
        INFO(name);
        const Scenario s = loadScenario(name);
        CHECK(s.questions.size() >= 1);
        CHECK(s.questions.size() <= kMaxQuestions);
    }
    Scenario q = loadScenario("queue");
    Run run(q, RunOptions{});
    run.start();
    REQUIRE(run.wait(60));
    RunModel m;
    m.update(*run.trace());
    const Answer a = answerOf(q.questions.at(0), m, *run.trace());
    REQUIRE(a.known);
    CHECK(a.text == "red green blue black");
}

TEST_CASE("a choice naming one of many tasks reads with its length, as a learner can judge it", "[questions]") {
    // Newcomer walk: pool-uneven's options read "L4 / s24", names only a reader of the file knows.
    const Scenario s = loadScenario("pool-uneven");
    const auto q = std::find_if(s.questions.begin(), s.questions.end(),
                                [](const Question& x) { return x.kind == QuestionKind::LastTask; });
    REQUIRE(q != s.questions.end());
    CHECK(choiceLabels(*q, s) == std::vector<std::string>{"L4 (1 s)", "s24 (0.1 s)"});
    // Choices that are all the tasks (the stage's question lists their
    // lengths) as they are, and a choice naming no task as it is.
    const Scenario all = parseScenario(kPool + R"([{"ask": "Last?", "kind": "last_task", "choices": ["A", "A B"]}]})",
                                       "my.json");
    CHECK(choiceLabels(all.questions[0], all) == std::vector<std::string>{"A", "A B"});
    const Scenario two = parseScenario(R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 1}, {"name": "B", "seconds": 0.25},
        {"name": "C", "seconds": 2}], "questions": [{"ask": "Last?", "kind": "last_task", "choices": ["A", "B"]}]})",
                                       "my.json");
    CHECK(choiceLabels(two.questions[0], two) == std::vector<std::string>{"A (1 s)", "B (0.25 s)"});
}

TEST_CASE("the reveal names a choice as its option read, with the task's length", "[questions]") {
    // Newcomer walk (pool-uneven): the option read "L4 (1 s)", the reveal "predicted: L4".
    auto tr = test::tutorialPoolTrace();   // A=5, B=2, C=1, D=3 s: D ends last
    RunModel m;
    m.update(*tr);
    const Scenario s = parseScenario(R"({"kind": "pool", "tasks": [{"name": "A", "seconds": 5}, {"name": "B", "seconds": 2},
        {"name": "C", "seconds": 1}, {"name": "D", "seconds": 3}],
        "questions": [{"ask": "Last?", "kind": "last_task", "choices": ["A", "D"]}]})",
                                     "my.json");
    REQUIRE(choiceLabels(s.questions[0], s) == std::vector<std::string>{"A (5 s)", "D (3 s)"});
    Guess g;
    g.given = true;
    g.choice = "D";
    const std::vector<RevealLine> right = revealLines(s.questions, {g}, {"Last?"}, m, *tr, &s);
    REQUIRE(right.size() == 1);
    CHECK(right[0].said == "predicted: D (3 s)  \u2014  the run: D (3 s) (right)");
    g.choice = "A";
    const std::vector<RevealLine> wrong = revealLines(s.questions, {g}, {"Last?"}, m, *tr, &s);
    REQUIRE(wrong.size() == 1);
    CHECK(wrong[0].said == "predicted: A (5 s)  \u2014  the run: D (3 s) (not this time)");
}
