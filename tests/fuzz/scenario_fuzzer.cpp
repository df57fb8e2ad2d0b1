// Fuzzes the scenario loader (parseScenario): any bytes either load as a valid
// scenario that round-trips through scenarioToJson, or end in a ScenarioError.
#include "fuzz_target.hpp"

#include "parviz/scenario.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        parviz::Scenario s = parviz::parseScenario(text, "fuzz.json");
        // What loads must save and load again (the window's "save scenario").
        // pool_size "<N>x_cores" resolves against this machine: skip the round trip then.
        if (s.poolSizePerCore == 0) (void)parviz::parseScenario(parviz::scenarioToJson(s), "roundtrip.json");
    } catch (const parviz::ScenarioError&) {
        // the documented refusal
    } catch (const std::exception& e) {
        std::fprintf(stderr, "scenario fuzzer: unexpected exception: %s\n", e.what());
        std::abort();
    }
    return 0;
}
