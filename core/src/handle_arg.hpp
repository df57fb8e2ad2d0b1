#pragma once
// Handle strings for arena objects passed to workers as byte-string arguments
// ("queue:7f12…", "lock:7f12…"): the object's address in the shared arena,
// which is the same in every process. Used by Queue and Lock toArg/fromArg.
#include "parviz/arena.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace parviz::detail {

inline std::string encodeHandle(std::string_view prefix, const void* p) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, reinterpret_cast<std::uintptr_t>(p), 16);
    return std::string(prefix) + std::string(buf, r.ptr);
}

// The address behind "<prefix><hex>", or nullptr when the string is malformed
// or does not point into the arena. The caller still checks the object's magic.
inline void* decodeHandle(std::string_view prefix, std::string_view arg) {
    if (arg.substr(0, prefix.size()) != prefix) return nullptr;
    const auto body = arg.substr(prefix.size());
    std::uintptr_t v = 0;
    auto r = std::from_chars(body.data(), body.data() + body.size(), v, 16);
    if (r.ec != std::errc{} || r.ptr != body.data() + body.size()) return nullptr;
    void* p = reinterpret_cast<void*>(v);
    return p && arena().contains(p) ? p : nullptr;
}

} // namespace parviz::detail
