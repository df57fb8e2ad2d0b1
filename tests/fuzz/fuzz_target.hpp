#pragma once
// The libFuzzer entry point every harness in tests/fuzz defines. The fuzz
// preset links it with libFuzzer's main (-fsanitize=fuzzer); ordinary builds
// link it with replay_main.cpp, which feeds it every file of the regression
// corpus (a ctest test), so inputs the fuzzer found stay fixed.
//
// Contract: an input the loader refuses must end in its documented error
// (ScenarioError, TraceFileError). Any other exception, a crash, a sanitizer
// report or a hang is a bug: the harness aborts, so both libFuzzer and the
// replay test report it.
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
