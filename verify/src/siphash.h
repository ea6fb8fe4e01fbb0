#pragma once
// SipHash (Aumasson and Bernstein, 2012): a keyed hash for hash tables whose keys come from hostile input.
// With a key the attacker does not know, they cannot choose keys that collide, so a table of their keys stays
// fast; an unkeyed hash (std::hash, Murmur, City) has seed-independent collisions that make one object of
// 2,000,000 chosen keys quadratic. SipHash-1-3 (one compression round, three finalization rounds) is what
// Python and Rust use for their tables; SipHash-2-4, the original, is here for its published test vectors.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace veridicor::verify::detail {

struct SipKey {
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;
};

template <int CompressionRounds, int FinalizationRounds>
std::uint64_t sipHash(const SipKey& key, std::string_view data) {
    std::uint64_t v0 = 0x736f6d6570736575ULL ^ key.k0;
    std::uint64_t v1 = 0x646f72616e646f6dULL ^ key.k1;
    std::uint64_t v2 = 0x6c7967656e657261ULL ^ key.k0;
    std::uint64_t v3 = 0x7465646279746573ULL ^ key.k1;
    const auto rotl = [](std::uint64_t x, int b) {
        return (x << b) | (x >> (64 - b));
    };
    const auto round = [&] {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    };
    // Words are read little-endian, as the specification defines them.
    const auto load = [](const char* p, std::size_t n) {
        std::uint64_t w = 0;
        for (std::size_t i = 0; i < n; ++i) {
            w |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
        }
        return w;
    };
    const char* p = data.data();
    const std::size_t n = data.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const std::uint64_t m = load(p + i, 8);
        v3 ^= m;
        for (int r = 0; r < CompressionRounds; ++r) {
            round();
        }
        v0 ^= m;
    }
    const std::uint64_t last = load(p + i, n - i) | (std::uint64_t{n & 0xFFU} << 56);
    v3 ^= last;
    for (int r = 0; r < CompressionRounds; ++r) {
        round();
    }
    v0 ^= last;
    v2 ^= 0xFF;
    for (int r = 0; r < FinalizationRounds; ++r) {
        round();
    }
    return v0 ^ v1 ^ v2 ^ v3;
}

inline std::uint64_t sipHash13(const SipKey& key, std::string_view data) {
    return sipHash<1, 3>(key, data);
}
inline std::uint64_t sipHash24(const SipKey& key, std::string_view data) {
    return sipHash<2, 4>(key, data);
}

} // namespace veridicor::verify::detail
