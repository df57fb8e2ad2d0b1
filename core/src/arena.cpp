// The shared arena: one memfd, mapped once before the fork server starts, so
// every process of the program sees it at the same address (arena.hpp).
//
// Layout: [ArenaHeader | blocks ... | untouched tail]. Each block starts with a
// 64-byte BlockHeader so user pointers stay 64-byte aligned. Free blocks form
// a list sorted by address, which makes coalescing with both neighbours a
// single walk. Memory past `brk` has never been handed out (or was returned to
// the tail), so allocation is first-fit over the list, then a bump of `brk`.
//
// Zeroing: memory past `clean` (>= brk) is known to be zero (never touched, or
// given back to the kernel), so a block bumped from the tail is zeroed only
// below `clean`. A traced process's 2 MB ring then costs nothing until its
// pages are written; zeroing it all faulted in 512 shared pages per process.
#include "arena_internal.hpp"
#include "parviz/arena.hpp"
#include "parviz/robust_mutex.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <system_error>
#include <unistd.h>

namespace parviz {
namespace {

constexpr std::uint64_t kMagic = 0x70617276697a4152ull;  // "parvizAR"
constexpr std::size_t kAlign = 64;
constexpr std::uint64_t kNil = 0;                          // offset 0 is the header: never a block
// Freed blocks at least this large give their pages back to the kernel, so a
// long run that churns big rings does not keep the memory resident.
constexpr std::size_t kPunchBytes = std::size_t{1} << 20;

struct alignas(kAlign) BlockHeader {
    std::uint64_t size;      // whole block, header included, multiple of kAlign
    std::uint64_t nextFree;  // offset of the next free block (free blocks only)
    std::uint64_t userBytes; // what the caller asked for (rounded), for used()
    std::uint32_t free;
    std::uint32_t magic;
};
static_assert(sizeof(BlockHeader) == kAlign);
constexpr std::uint32_t kBlockMagic = 0xB10CB10Cu;

struct alignas(kAlign) ArenaHeader {
    std::uint64_t magic;
    RobustMutex mutex;
    std::uint64_t mapBytes;   // whole mapping
    std::uint64_t firstBlock; // offset of the first block (after this header)
    std::uint64_t brk;        // offset: everything at and past it is free tail
    std::uint64_t freeHead;   // offset of the lowest free block, kNil when none
    std::uint64_t used;       // user bytes allocated
    std::uint64_t clean;      // offset: everything at and past it reads as zero
};

ArenaHeader* g_header = nullptr;
Arena g_arena;

inline char* base() noexcept { return reinterpret_cast<char*>(g_header); }
inline BlockHeader* blockAt(std::uint64_t off) noexcept {
    return reinterpret_cast<BlockHeader*>(base() + off);
}
inline std::uint64_t offsetOf(const void* p) noexcept {
    return static_cast<std::uint64_t>(static_cast<const char*>(p) - base());
}

// Locks the arena's robust mutex. A process killed while holding it (a worker
// SIGKILLed mid-allocation) leaves at most a few stores of the allocator
// undone, so there is nothing to repair: the next taker carries on. Failing
// to lock it at all is fatal (callers cannot handle an allocator that throws
// anything but bad_alloc).
class ArenaLock {
public:
    ArenaLock() noexcept {
        try {
            g_header->mutex.lock("arena mutex");
        } catch (const std::system_error& e) {
            std::fprintf(stderr, "parviz: %s\n", e.what());
            std::abort();
        }
    }
    ~ArenaLock() { g_header->mutex.unlock(); }
    ArenaLock(const ArenaLock&) = delete;
    ArenaLock& operator=(const ArenaLock&) = delete;
};

constexpr std::size_t roundUp(std::size_t n, std::size_t a) noexcept { return (n + a - 1) / a * a; }

// Gives the whole pages inside [off, off+len) back to the kernel; they read as
// zero afterwards. MADV_REMOVE works on a shared shmem mapping, no fd needed.
void punch(std::uint64_t off, std::uint64_t len) noexcept {
    const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    std::uint64_t lo = roundUp(off, page);
    std::uint64_t hi = (off + len) / page * page;
    if (hi > lo) madvise(base() + lo, hi - lo, MADV_REMOVE);
}

} // namespace

void* Arena::allocate(std::size_t bytes) {
    if (!g_header) arenaNotInitialized();
    if (bytes == 0) bytes = 1;
    if (bytes > g_header->mapBytes) throw std::bad_alloc();
    const std::size_t user = roundUp(bytes, kAlign);
    const std::size_t need = user + sizeof(BlockHeader);
    BlockHeader* found = nullptr;
    std::uint64_t dirtyEnd = 0;   // offset: the block's bytes before it may be non-zero
    {
        ArenaLock lock;
        // First fit over the address-sorted free list.
        std::uint64_t prev = kNil, cur = g_header->freeHead;
        while (cur != kNil) {
            BlockHeader* b = blockAt(cur);
            if (b->size >= need) {
                std::uint64_t next = b->nextFree;
                if (b->size - need >= 2 * kAlign) {
                    // Split: the tail stays free, in this block's list position.
                    std::uint64_t restOff = cur + need;
                    BlockHeader* rest = blockAt(restOff);
                    rest->size = b->size - need;
                    rest->nextFree = next;
                    rest->free = 1;
                    rest->magic = kBlockMagic;
                    rest->userBytes = 0;
                    next = restOff;
                    b->size = need;
                }
                if (prev == kNil) g_header->freeHead = next;
                else blockAt(prev)->nextFree = next;
                found = b;
                dirtyEnd = cur + b->size;
                break;
            }
            prev = cur;
            cur = b->nextFree;
        }
        if (!found) {
            if (g_header->brk + need > g_header->mapBytes) throw std::bad_alloc();
            const std::uint64_t off = g_header->brk;
            found = blockAt(off);
            found->size = need;
            g_header->brk += need;
            dirtyEnd = g_header->clean < off + need ? g_header->clean : off + need;
            if (g_header->clean < off + need) g_header->clean = off + need;
        }
        found->free = 0;
        found->magic = kBlockMagic;
        found->nextFree = kNil;
        found->userBytes = user;
        g_header->used += user;
    }
    // Zeroing outside the lock: the block is ours now.
    char* p = reinterpret_cast<char*>(found) + sizeof(BlockHeader);
    const std::uint64_t userOff = offsetOf(p);
    if (dirtyEnd > userOff) std::memset(p, 0, dirtyEnd - userOff);
    return p;
}

void Arena::deallocate(void* p) noexcept {
    if (!p || !g_header) return;
    if (!contains(p)) {
        std::fprintf(stderr, "parviz: Arena::deallocate of a pointer outside the arena (%p)\n", p);
        std::abort();
    }
    std::uint64_t off = offsetOf(p) - sizeof(BlockHeader);
    BlockHeader* b = blockAt(off);
    if (b->magic != kBlockMagic || b->free) {
        std::fprintf(stderr, "parviz: Arena::deallocate of %p: not an allocated block (double free?)\n", p);
        std::abort();
    }
    ArenaLock lock;
    g_header->used -= b->userBytes;
    b->free = 1;
    b->userBytes = 0;
    // Insert in address order, then merge with the neighbours.
    std::uint64_t prev = kNil, cur = g_header->freeHead;
    while (cur != kNil && cur < off) { prev = cur; cur = blockAt(cur)->nextFree; }
    b->nextFree = cur;
    if (prev == kNil) g_header->freeHead = off;
    else blockAt(prev)->nextFree = off;
    if (cur != kNil && off + b->size == cur) {
        BlockHeader* n = blockAt(cur);
        b->size += n->size;
        b->nextFree = n->nextFree;
        n->magic = 0;
    }
    std::uint64_t start = off;
    BlockHeader* merged = b;
    if (prev != kNil) {
        BlockHeader* pb = blockAt(prev);
        if (prev + pb->size == off) {
            pb->size += b->size;
            pb->nextFree = b->nextFree;
            b->magic = 0;
            start = prev;
            merged = pb;
        }
    }
    // A free block touching the tail goes back to it.
    if (start + merged->size == g_header->brk) {
        g_header->brk = start;
        if (prev != kNil && start == prev) {
            // merged is prev: unlink it from its predecessor.
            std::uint64_t pp = kNil, c = g_header->freeHead;
            while (c != start) { pp = c; c = blockAt(c)->nextFree; }
            if (pp == kNil) g_header->freeHead = kNil;
            else blockAt(pp)->nextFree = kNil;
        } else if (prev == kNil) {
            g_header->freeHead = kNil;
        } else {
            blockAt(prev)->nextFree = kNil;
        }
        merged->magic = 0;
        if (merged->size >= kPunchBytes) {
            // Give back everything up to `clean` (the tail may hold smaller
            // blocks returned unpunched) and clear the part of the first page
            // below the punch, so the whole tail from `start` is zero again.
            const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
            const std::uint64_t lo = roundUp(start, page);
            const std::uint64_t hi = g_header->clean;
            std::memset(base() + start, 0, (lo < hi ? lo : hi) - start);
            if (hi > lo) madvise(base() + lo, roundUp(hi, page) - lo, MADV_REMOVE);
            g_header->clean = start;
        }
        return;
    }
    if (merged->size >= kPunchBytes) punch(start + sizeof(BlockHeader), merged->size - sizeof(BlockHeader));
}

std::size_t Arena::capacity() const noexcept {
    return g_header ? g_header->mapBytes - g_header->firstBlock : 0;
}

std::size_t Arena::used() const noexcept {
    if (!g_header) return 0;
    ArenaLock lock;
    return g_header->used;
}

bool Arena::contains(const void* p) const noexcept {
    if (!g_header) return false;
    auto* c = static_cast<const char*>(p);
    return c >= base() + g_header->firstBlock && c < base() + g_header->mapBytes;
}

Arena& arena() {
    if (!g_header) arenaNotInitialized();
    return g_arena;
}

[[noreturn]] void arenaNotInitialized() noexcept {
    std::fprintf(stderr, "parviz: the shared arena is used before parviz::init(); "
                         "call parviz::init() first thing in main()\n");
    std::abort();
}

void createArena(std::size_t bytes) {
    if (g_header) return;
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    bytes = roundUp(bytes < (std::size_t{1} << 20) ? (std::size_t{1} << 20) : bytes, page);
    int fd = memfd_create("parviz-arena", MFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "memfd_create(parviz-arena)");
    if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
        int e = errno;
        close(fd);
        throw std::system_error(e, std::generic_category(), "ftruncate(parviz-arena)");
    }
    void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
    int e = errno;
    // The mapping keeps the memfd alive; no process needs the descriptor.
    close(fd);
    if (m == MAP_FAILED) throw std::system_error(e, std::generic_category(), "mmap(parviz-arena)");
    auto* h = static_cast<ArenaHeader*>(m);
    if (int rc = h->mutex.init(); rc != 0) {
        munmap(m, bytes);
        throw std::system_error(rc, std::generic_category(), "arena mutex init");
    }
    h->mapBytes = bytes;
    h->firstBlock = roundUp(sizeof(ArenaHeader), kAlign);
    h->brk = h->firstBlock;
    h->freeHead = kNil;
    h->used = 0;
    h->clean = h->firstBlock;
    h->magic = kMagic;
    g_header = h;
}

} // namespace parviz
