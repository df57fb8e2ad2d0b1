// The shared arena (arena.hpp): allocation, coalescing, exhaustion, and memory
// that really is shared with workers.
#include "parviz/arena.hpp"
#include "parviz/process.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <ctime>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using parviz::Process;

namespace {

std::string toArg(const void* p) { return std::to_string(reinterpret_cast<std::uintptr_t>(p)); }
template <class T> T* fromArg(const std::string& s) {
    return reinterpret_cast<T*>(static_cast<std::uintptr_t>(std::stoull(s)));
}

int writeGreeting(std::span<const std::string> args) {
    std::strcpy(fromArg<char>(args[0]), "hello from the worker");
    return 0;
}

int allocateInWorker(std::span<const std::string> args) {
    auto* slot = fromArg<std::atomic<void*>>(args[0]);
    void* p = parviz::arena().allocate(1000);
    std::memset(p, 0x5a, 1000);
    slot->store(p);
    return 0;
}

} // namespace

TEST_CASE("arena blocks are 64-byte aligned, zeroed, inside the arena and counted in used()", "[arena]") {
    auto& a = parviz::arena();
    const std::size_t before = a.used();
    auto* p = static_cast<unsigned char*>(a.allocate(100));
    auto* q = static_cast<unsigned char*>(a.allocate(1));
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(q) % 64 == 0);
    CHECK(a.contains(p));
    CHECK(a.contains(q));
    int local = 0;
    CHECK_FALSE(a.contains(&local));
    CHECK(a.used() == before + 128 + 64);
    bool zero = true;
    for (int i = 0; i < 100; ++i) zero = zero && p[i] == 0;
    CHECK(zero);
    std::memset(p, 0xff, 128);
    a.deallocate(p);
    auto* r = static_cast<unsigned char*>(a.allocate(100));
    zero = true;
    for (int i = 0; i < 100; ++i) zero = zero && r[i] == 0;
    CHECK(zero);   // reused memory is zeroed again
    a.deallocate(r);
    a.deallocate(q);
    a.deallocate(nullptr);
    CHECK(a.used() == before);
}

TEST_CASE("freed neighbouring blocks coalesce into one that a bigger request reuses", "[arena]") {
    auto& a = parviz::arena();
    constexpr std::size_t mb8 = std::size_t{8} << 20;
    void* x = a.allocate(mb8);
    void* y = a.allocate(mb8);
    void* z = a.allocate(mb8);
    void* guard = a.allocate(64);  // keeps x..z off the arena's free tail
    CHECK(static_cast<char*>(y) > static_cast<char*>(x));
    a.deallocate(x);
    a.deallocate(z);
    a.deallocate(y);   // joins both neighbours
    // Three blocks plus the two inner headers: fits only in the coalesced hole.
    void* big = a.allocate(3 * mb8 + 128);
    CHECK(big == x);
    a.deallocate(big);
    a.deallocate(guard);
}

TEST_CASE("make and destroy construct objects in shared memory", "[arena]") {
    auto& a = parviz::arena();
    const std::size_t before = a.used();
    auto* n = a.make<std::atomic<std::uint64_t>>(41u);
    ++*n;
    CHECK(n->load() == 42);
    a.destroy(n);
    CHECK(a.used() == before);
}

TEST_CASE("a request larger than what is left throws std::bad_alloc", "[arena]") {
    auto& a = parviz::arena();
    CHECK(a.capacity() >= (std::size_t{1} << 29));
    CHECK_THROWS_AS(a.allocate(a.capacity()), std::bad_alloc);
    CHECK_THROWS_AS(a.allocate(a.capacity() + 1), std::bad_alloc);
    CHECK_THROWS_AS(a.allocate(~std::size_t{0} / 2), std::bad_alloc);
    // The arena still works afterwards.
    void* p = a.allocate(64);
    CHECK(p != nullptr);
    a.deallocate(p);
}

TEST_CASE("arena memory is shared: what a worker writes the parent reads", "[arena][process]") {
    char* buf = static_cast<char*>(parviz::arena().allocate(4096));
    Process p(writeGreeting, {toArg(buf)});
    p.start();
    p.join();
    CHECK(p.exitcode() == 0);
    CHECK(std::string(buf) == "hello from the worker");
    parviz::arena().deallocate(buf);
}

TEST_CASE("a worker allocates from the same arena and the parent frees its block", "[arena][process]") {
    auto& a = parviz::arena();
    const std::size_t before = a.used();
    auto* slot = a.make<std::atomic<void*>>(nullptr);
    Process p(allocateInWorker, {toArg(slot)});
    p.start();
    p.join();
    REQUIRE(p.exitcode() == 0);
    auto* block = static_cast<unsigned char*>(slot->load());
    REQUIRE(block != nullptr);
    CHECK(a.contains(block));
    CHECK(block[999] == 0x5a);
    a.deallocate(block);
    a.destroy(slot);
    CHECK(a.used() == before);
}
