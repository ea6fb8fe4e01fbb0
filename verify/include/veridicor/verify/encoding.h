#pragma once
/// \file
/// Byte encodings and SHA-256 (OpenSSL) used by the signed formats.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify {

using Bytes = std::vector<std::uint8_t>;
using Sha256Digest = std::array<std::uint8_t, 32>;

/// Standard base64 with padding (RFC 4648 §4).
std::string base64Encode(const void* data, std::size_t size);
inline std::string base64Encode(std::string_view s) {
    return base64Encode(s.data(), s.size());
}

/// Decodes standard (`+/`) or URL-safe (`-_`) base64 (RFC 4648 §4/§5), strictly: one alphabet per string, no
/// whitespace or other characters, padding either correct or (URL-safe only, as commonly written) absent, and
/// the unused bits of the last character zero, so every byte string has exactly one accepted encoding per
/// alphabet. Returns nullopt on anything else.
std::optional<std::string> base64Decode(std::string_view text);

/// Lowercase hexadecimal.
std::string hexEncode(const void* data, std::size_t size);
inline std::string hexEncode(const Sha256Digest& d) {
    return hexEncode(d.data(), d.size());
}

/// True for exactly 64 lowercase hexadecimal characters (a SHA-256 digest as the formats write it).
bool isSha256Hex(std::string_view text);

/// SHA-256 of a byte string.
Sha256Digest sha256(const void* data, std::size_t size);
inline Sha256Digest sha256(std::string_view s) {
    return sha256(s.data(), s.size());
}
std::string sha256Hex(std::string_view s);

/// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// Finishes and returns the digest; the object is then reset for reuse.
    Sha256Digest finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace veridicor::verify
