#pragma once
// Predict, then reveal: the questions a scenario file asks before a run
// ("questions", docs/scenario-format.md), the answer a run gives, and how a
// prediction compares with it. The window asks before a run and shows the
// answer beside the prediction after it; nothing here draws.
#include "parviz/run_model.hpp"
#include "parviz/scenario.hpp"
#include "parviz/trace.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace parviz {

// QuestionKind, Question and kMaxQuestions are in scenario.hpp (a scenario holds its questions).
const char* toString(QuestionKind k) noexcept;   // "makespan", "last_worker", "finish_order"

// The question's point in two or three words ("how long", "last job"), for
// a verdict that must fit one line (presentation's Predict tab after a run).
const char* shortAsk(QuestionKind k) noexcept;

// Makespan and Cores are answered with a number (a slider), the others with a choice.
bool isNumberQuestion(QuestionKind k) noexcept;
// Reads the "questions" field (a list of {"ask", "kind", "choices"}); throws
// ScenarioError "<file>: questions[i].<field>: <reason>".
std::vector<Question> readQuestions(const std::string& file, const nlohmann::json& value);
nlohmann::json questionsToJson(const std::vector<Question>& qs);
// The question as asked: "{workers}" and "{work}" replaced. A Makespan
// question at a time scale other than 1 says what the scale makes of `sc`'s
// jobs, in the run's seconds, so nobody multiplies: " At 0.20x: A=1,
// B=0.4, C=0.2, D=0.6 s." (up to six named jobs of different lengths), " At
// 0.20x each 0.25 s job takes 0.05 s." (one length), " At 0.20x a 1 s job
// takes 0.2 s, a 0.1 s job takes 0.02 s." (two or three), else (or without `sc`)
// " At 0.50x, 1 s takes 0.50 s.". The answer is the run's makespan as
// measured (newcomer walk, session 19: at 0.5x "16 jobs of 0.25 s on Pool(4)"
// answered 1.0 s was called 90 % too long; session 30: the class multiplied).
std::string askText(const Question& q, int workers, const std::string& work, double timeScale = 1.0,
                    const Scenario* sc = nullptr);

// What the class said (a guess: predict.hpp's Prediction is the model's): seconds (Makespan) or the text of a choice.
struct Guess {
    bool given = false;
    double seconds = 0;                  // Makespan: seconds; Cores: the count
    std::string choice;                  // LastWorker: a worker's name; FinishOrder: one of the choices
};

struct Answer {
    bool known = false;                  // false while tasks still run (or the run has none)
    double seconds = 0;                  // Makespan: seconds; Cores: the count
    std::string text;                    // "6.0 s", "ForkPoolWorker-2", "B C D A"
    double timeScale = 1.0;              // Makespan: the run's time scale (its seconds are the scenario's times this)
};
// The answer the run gives, from its model (tasks ended up to now).
Answer answerOf(const Question& q, const RunModel& model, const Trace& trace);
// "right", or how far off ("off by 1.2 s (20 % too long)"); "" when either is missing.
// A makespan guessed in the scenario's seconds of a run at another time scale
// is right in those, and says so: "right at 1.00x: 5.00 s is 1.00 s at 0.20x"
// (classroom walk, session 31: the tutorial's 5 s for Pool(4) at 0.20x was
// "off by 4.00 s, 400 % too long"). Compare's rows and Plots judge the same way.
std::string verdict(const Question& q, const Guess& p, const Answer& a);

// One prediction of a run beside the run's answer, for the Predict panel:
// the question as asked and "predicted: 3.00 s  —  the run: 6.02 s (off by
// …)", or "… — the run: when it ends" while its answer is not known.
struct RevealLine {
    std::string ask;
    std::string label;   // shortAsk of its kind: "last job"
    std::string said;
    bool known = false;   // the run's answer is in (the verdict is given)
};
// The given predictions of a run (questions, the class's guesses and the
// questions as asked, index by index), each beside the run's answer at the
// end of what the model has consumed; empty when none was given.
// With the scenario the questions were asked of, a choice reads as its
// option did (choiceLabels: "predicted: L4 (1 s)" where the option read
// "L4 (1 s)", never a bare "L4"), the run's answer too when it is a choice.
std::vector<RevealLine> revealLines(const std::vector<Question>& qs, const std::vector<Guess>& guesses,
                                    const std::vector<std::string>& asks, const RunModel& model, const Trace& trace,
                                    const Scenario* scenario = nullptr);

} // namespace parviz
