// Replays a fuzz harness's regression corpus: every file in the directories
// given goes through LLVMFuzzerTestOneInput once. Used by ctest in ordinary
// builds (no libFuzzer needed). Exits 1 when a directory holds no file, so a
// lost corpus cannot pass as "nothing failed"; a harness bug aborts.
#include "fuzz_target.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t total = 0;
    for (int i = 1; i < argc; ++i) {
        std::vector<fs::path> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(argv[i], ec))
            if (e.is_regular_file()) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        if (files.empty()) {
            std::fprintf(stderr, "replay: %s: no corpus files%s\n", argv[i], ec ? " (cannot read the directory)" : "");
            return 1;
        }
        for (const auto& f : files) {
            std::ifstream in(f, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        }
        total += files.size();
    }
    std::printf("replay: %zu corpus inputs, no failure\n", total);
    return total > 0 ? 0 : 1;
}
