// Table tests of the run flags' parser (app/cli/run_flags.cpp), shared by
// `parviz run` and `parviz gui`: every accepted spelling gives the expected
// option, every bad one a UsageError naming the flag and the reason.
#include "cli/run_flags.hpp"

#include <catch2/catch.hpp>

using namespace parviz;
using namespace parviz::cli;

namespace {

// Parses all of args as run flags; returns the options.
RunOptions parseAll(const std::vector<std::string>& args) {
    RunOptions o;
    for (std::size_t i = 0; i < args.size();)
        if (!parseRunFlag(args, i, o)) throw UsageError(args[i] + ": not a run flag");
    return o;
}

std::string errorOf(const std::vector<std::string>& args) {
    try {
        parseAll(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("every accepted spelling of a run flag gives the expected option", "[cli][flags]") {
    CHECK(parseAll({"--workers", "4"}).workers == 4);
    CHECK(parseAll({"--workers=1024"}).workers == 1024);
    CHECK(parseAll({"--workers", "1"}).workers == 1);
    CHECK(parseAll({"--work", "cpu"}).work == WorkKind::Cpu);
    CHECK(parseAll({"--work=sleep"}).work == WorkKind::Sleep);
    CHECK(parseAll({"--time-scale", "0.1"}).timeScale == Approx(0.1));
    CHECK(parseAll({"--time-scale=100"}).timeScale == Approx(100));
    CHECK(parseAll({"--time-scale", "0.001"}).timeScale == Approx(0.001));
    CHECK(parseAll({"--cores", "perf"}).cores == CorePref::Perf);
    CHECK(parseAll({"--cores=sampling"}).cores == CorePref::Sampling);
    CHECK(parseAll({"--cores", "off"}).cores == CorePref::Off);
    CHECK(parseAll({"--cores", "auto"}).cores == CorePref::Auto);
    auto k = parseAll({"--kill-worker", "ForkPoolWorker-1@2.5", "--kill-worker=Process-2@0"}).kills;
    REQUIRE(k.size() == 2);
    CHECK(k[0].worker == "ForkPoolWorker-1");
    CHECK(k[0].atSeconds == Approx(2.5));
    CHECK(k[1].worker == "Process-2");
    CHECK(k[1].atSeconds == 0);
    CHECK(parseAll({"--kill-worker", "a@b@1"}).kills.at(0).worker == "a@b");   // the last @ splits
    // A later value wins, as usual for command lines.
    CHECK(parseAll({"--workers", "2", "--workers", "3"}).workers == 3);
}

TEST_CASE("a bad run flag value is refused naming the flag, the value and the reason", "[cli][flags]") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases{
        {{"--workers", "0"}, "--workers: '0': must be between 1 and 1024"},
        {{"--workers", "1025"}, "--workers: '1025': must be between 1 and 1024"},
        {{"--workers", "-3"}, "--workers: '-3': must be between 1 and 1024"},
        {{"--workers", "two"}, "--workers: 'two': must be an integer"},
        {{"--workers", "1.5"}, "--workers: '1.5': must be an integer"},
        {{"--workers", "99999999999999999999"}, "--workers: '99999999999999999999': must be an integer"},
        {{"--workers="}, "--workers: '': must be an integer"},
        {{"--workers"}, "--workers: missing value"},
        {{"--work", "dance"}, "--work: 'dance': must be sleep or cpu"},
        {{"--time-scale", "0"}, "--time-scale: '0': must be between 0.001 and 100"},
        {{"--time-scale", "nan"}, "--time-scale: 'nan': must be a number"},
        {{"--time-scale", "inf"}, "--time-scale: 'inf': must be a number"},
        {{"--time-scale", "1x"}, "--time-scale: '1x': must be a number"},
        {{"--time-scale", "1e999"}, "--time-scale: '1e999': must be a number"},
        {{"--cores", "many"}, "--cores: 'many': must be auto, perf, sampling or off"},
        {{"--kill-worker", "W"}, "--kill-worker: 'W': expected NAME@SECONDS, for example ForkPoolWorker-1@2.5"},
        {{"--kill-worker", "@2"}, "--kill-worker: '@2': expected NAME@SECONDS, for example ForkPoolWorker-1@2.5"},
        {{"--kill-worker", "W@soon"}, "--kill-worker: 'W@soon': SECONDS must be a number"},
        {{"--kill-worker", "W@-1"}, "--kill-worker: 'W@-1': SECONDS must be >= 0"},
        {{"--kill-worker", std::string(300, 'w') + "@1"}, "--kill-worker: the worker name is longer than 256 bytes"},
    };
    for (const auto& c : cases) {
        INFO(c.args.front());
        CHECK(errorOf(c.args) == c.message);
    }
    // A value longer than 64 bytes is quoted shortened, not echoed whole.
    CHECK(errorOf({"--workers", std::string(1000, '9')}).size() < 120);
}

TEST_CASE("arguments that are not run flags are left for the command", "[cli][flags]") {
    RunOptions o;
    for (std::string a : {"pool", "--trace", "--workersX", "-w", "--help"}) {
        std::vector<std::string> args{a, "4"};
        std::size_t i = 0;
        CHECK_FALSE(parseRunFlag(args, i, o));
        CHECK(i == 0);
    }
}
