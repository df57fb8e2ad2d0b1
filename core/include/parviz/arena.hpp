#pragma once
// The shared arena: one memfd mapped MAP_SHARED at the same address in the
// parent, the fork server and every worker.
//
// parviz::init() creates it *before* the fork server starts, so every worker
// (forked by the server) inherits the mapping at the same address: a pointer
// into the arena means the same bytes in every process of the program. Nothing
// is ever created in /dev/shm. Queues, locks, trace rings and the run clock all
// live here. The mapping is sparse: untouched pages cost nothing.
#include <cstddef>
#include <new>

namespace parviz {

class Arena {
public:
    // Allocates `bytes` (rounded up to 64, 64-byte aligned) of zeroed shared memory.
    // Thread- and process-safe (robust process-shared mutex inside). Throws
    // std::bad_alloc when the arena is exhausted.
    void* allocate(std::size_t bytes);
    // Returns a block to the arena. Safe with nullptr.
    void deallocate(void* p) noexcept;

    // Constructs a T in shared memory. T must be usable across processes
    // (no pointers to private memory, no virtuals).
    template <class T, class... A> T* make(A&&... a) {
        void* p = allocate(sizeof(T));
        try { return new (p) T(static_cast<A&&>(a)...); } catch (...) { deallocate(p); throw; }
    }
    template <class T> void destroy(T* p) noexcept {
        if (p) { p->~T(); deallocate(p); }
    }

    std::size_t capacity() const noexcept;
    std::size_t used() const noexcept;   // bytes currently allocated
    bool contains(const void* p) const noexcept;
};

// The program's arena. Valid after parviz::init() (runtime.hpp); aborts with a
// clear message before it.
Arena& arena();

} // namespace parviz
