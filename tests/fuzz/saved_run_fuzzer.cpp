// Fuzzes the saved-run loader (deserializeTrace) and what reads a loaded run:
// the stats and the Chrome export. The input is a saved run without its
// trailing checksum; the harness appends the right one, so the fuzzer explores
// the contents rather than stopping at "checksum mismatch".
#include "fuzz_target.hpp"

#include "parviz/export.hpp"
#include "parviz/stats.hpp"
#include "parviz/trace_io.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <ostream>
#include <streambuf>
#include <string>

namespace {

// Counts what the export writes and throws it away.
class NullBuf : public std::streambuf {
protected:
    int overflow(int c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

std::uint64_t fnv1a(const std::string& d) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : d) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    const std::uint64_t h = fnv1a(bytes);
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((h >> (8 * i)) & 0xff);
    try {
        auto trace = parviz::deserializeTrace(bytes, "fuzz.pvz");
        parviz::RunStats stats = parviz::computeStats(*trace);
        (void)parviz::formatSummary(stats);
        (void)parviz::statsToJson(stats);
        NullBuf nb;
        std::ostream out(&nb);
        parviz::writeChromeTrace(*trace, out);
    } catch (const parviz::TraceFileError&) {
        // the documented refusal
    } catch (const std::exception& e) {
        std::fprintf(stderr, "saved-run fuzzer: unexpected exception: %s\n", e.what());
        std::abort();
    }
    return 0;
}
