// Input files are read only when they are regular files, with a size cap;
// output files are replaced whole or not at all (file_io.hpp).
#include "parviz/file_io.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace parviz;
namespace fs = std::filesystem;

namespace {

struct Dir {
    std::string path;
    Dir() {
        char tmpl[] = "/tmp/parviz_fileio_XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~Dir() { fs::remove_all(path); }
    std::string file(const std::string& n) const { return path + "/" + n; }
};

std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string readError(const std::string& path, std::size_t cap) {
    try {
        readRegularFile(path, cap);
    } catch (const FileError& e) {
        return e.what();
    }
    return "(no error)";
}

std::size_t entries(const std::string& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
    return n;
}

} // namespace

TEST_CASE("a FIFO, a device and a directory are refused at once with the reason named", "[fileio]") {
    Dir d;
    const std::string fifo = d.file("scenario.json");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto t0 = std::chrono::steady_clock::now();
    // No writer ever opens the FIFO: a blocking open or read would never return.
    CHECK(readError(fifo, 1 << 20) == fifo + ": is a FIFO (named pipe), not a regular file (parviz reads only regular files)");
    CHECK(readError("/dev/zero", 1 << 20) ==
          "/dev/zero: is a character device, not a regular file (parviz reads only regular files)");
    CHECK_THAT(readError(d.path, 1 << 20), Catch::Contains("is a directory, not a regular file"));
    CHECK_THAT(readError(d.file("missing"), 1 << 20), Catch::Contains("no such file"));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

TEST_CASE("a regular file is read whole up to the cap and refused above it", "[fileio]") {
    Dir d;
    const std::string p = d.file("data");
    std::ofstream(p, std::ios::binary) << std::string(1000, 'x');
    CHECK(readRegularFile(p, 1000) == std::string(1000, 'x'));
    CHECK(readRegularFile(d.file("data"), 5000).size() == 1000);
    CHECK(readError(p, 999) == p + ": file too large: 1000 bytes, at most 999");
    std::ofstream(d.file("empty"), std::ios::binary).flush();
    CHECK(readRegularFile(d.file("empty"), 10).empty());
}

TEST_CASE("an atomic write replaces the whole file and leaves no temporary file", "[fileio]") {
    Dir d;
    const std::string p = d.file("out.json");
    std::ofstream(p) << "old content that is longer than the new one";
    ::chmod(p.c_str(), 0640);
    writeFileAtomic(p, "new");
    CHECK(slurp(p) == "new");
    CHECK(entries(d.path) == 1);
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);   // an existing file keeps its mode
}

TEST_CASE("an output file that is never committed leaves the old content and no debris", "[fileio]") {
    Dir d;
    const std::string p = d.file("out.json");
    std::ofstream(p) << "old";
    {
        AtomicFile f(p);
        f.write("half of a new fi");
        CHECK(slurp(p) == "old");   // nothing reaches the target before commit
        CHECK(entries(d.path) == 2);
    }
    CHECK(slurp(p) == "old");
    CHECK(entries(d.path) == 1);
    {
        AtomicFile f(d.file("new.json"));
        f.write("never committed");
    }
    CHECK_FALSE(fs::exists(d.file("new.json")));
}

TEST_CASE("a symlinked output is replaced through the link and a device is written in place", "[fileio]") {
    Dir d;
    std::ofstream(d.file("real")) << "old";
    fs::create_symlink(d.file("real"), d.file("link"));
    writeFileAtomic(d.file("link"), "new");
    CHECK(fs::is_symlink(d.file("link")));
    CHECK(slurp(d.file("real")) == "new");
    writeFileAtomic("/dev/null", "discarded");   // never renamed over: /dev/null stays a device
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("an output path is checked without creating anything", "[fileio]") {
    Dir d;
    CHECK_NOTHROW(checkWritableOutput(d.file("new.json")));
    CHECK(entries(d.path) == 0);
    CHECK_THROWS_WITH(checkWritableOutput(d.path), Catch::Contains("is a directory"));
    CHECK_THROWS_WITH(checkWritableOutput(d.file("nodir/x.json")), Catch::Contains("does not exist"));
    CHECK_THROWS_WITH(AtomicFile(d.path), Catch::Contains("is a directory"));
}
