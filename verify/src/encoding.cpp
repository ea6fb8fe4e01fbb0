#include <veridicor/verify/encoding.h>

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace veridicor::verify {

namespace {
// SHA-256 in OpenSSL fails only when memory runs out. A wrong digest could be a false match, so stop instead
// (exceptions do not cross module boundaries).
[[noreturn]] void fatal(const char* what) {
    static_cast<void>(std::fprintf(stderr, "veridicor::verify: %s\n", what)); // about to abort either way
    std::abort();
}

constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// What each byte is in base64: its 6-bit value, and whether it belongs to the standard alphabet only ('+',
// '/'), the URL-safe one only ('-', '_'), or neither (anything else, '=' included).
constexpr std::uint16_t kStdOnly = 1U << 8U;
constexpr std::uint16_t kUrlOnly = 1U << 9U;
constexpr std::uint16_t kInvalid = 1U << 10U;

constexpr std::array<std::uint16_t, 256> kDecode = [] {
    std::array<std::uint16_t, 256> t{};
    for (auto& v : t) {
        v = kInvalid;
    }
    for (int i = 0; i < 26; ++i) {
        t['A' + i] = static_cast<std::uint16_t>(i);
        t['a' + i] = static_cast<std::uint16_t>(26 + i);
    }
    for (int i = 0; i < 10; ++i) {
        t['0' + i] = static_cast<std::uint16_t>(52 + i);
    }
    t['+'] = 62 | kStdOnly;
    t['/'] = 63 | kStdOnly;
    t['-'] = 62 | kUrlOnly;
    t['_'] = 63 | kUrlOnly;
    return t;
}();
} // namespace

std::string base64Encode(const void* data, std::size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const unsigned v = (unsigned{p[i]} << 16U) | (unsigned{p[i + 1]} << 8U) | unsigned{p[i + 2]};
        out.push_back(kStd[(v >> 18U) & 63U]);
        out.push_back(kStd[(v >> 12U) & 63U]);
        out.push_back(kStd[(v >> 6U) & 63U]);
        out.push_back(kStd[v & 63U]);
    }
    if (size - i == 1) {
        const unsigned v = unsigned{p[i]} << 16U;
        out.push_back(kStd[(v >> 18U) & 63U]);
        out.push_back(kStd[(v >> 12U) & 63U]);
        out += "==";
    } else if (size - i == 2) {
        const unsigned v = (unsigned{p[i]} << 16U) | (unsigned{p[i + 1]} << 8U);
        out.push_back(kStd[(v >> 18U) & 63U]);
        out.push_back(kStd[(v >> 12U) & 63U]);
        out.push_back(kStd[(v >> 6U) & 63U]);
        out.push_back('=');
    }
    return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
    std::size_t pad = 0;
    while (pad < text.size() && pad < 3 && text[text.size() - 1 - pad] == '=') {
        ++pad;
    }
    if (pad > 2) {
        return std::nullopt;
    }
    const std::string_view body = text.substr(0, text.size() - pad);
    if (pad > 0 && text.size() % 4 != 0) {
        return std::nullopt; // padding present but the length is not a multiple of 4
    }
    if (body.size() % 4 == 1) {
        return std::nullopt; // impossible length
    }
    const auto at = [&body](std::size_t i) -> std::uint32_t {
        return kDecode[static_cast<unsigned char>(body[i])];
    };
    // Four characters to three bytes at a time, by table; the kinds of character seen are collected and
    // judged once at the end (a bundle's payload is up to 64 MiB of base64).
    std::string out(body.size() / 4 * 3 + 2, '\0');
    char* o = out.data();
    std::uint32_t seen = 0;
    std::size_t i = 0;
    for (; i + 4 <= body.size(); i += 4) {
        const std::uint32_t a = at(i);
        const std::uint32_t b = at(i + 1);
        const std::uint32_t c = at(i + 2);
        const std::uint32_t d = at(i + 3);
        seen |= a | b | c | d;
        const std::uint32_t v = ((a & 63U) << 18U) | ((b & 63U) << 12U) | ((c & 63U) << 6U) | (d & 63U);
        *o++ = static_cast<char>((v >> 16U) & 0xFFU);
        *o++ = static_cast<char>((v >> 8U) & 0xFFU);
        *o++ = static_cast<char>(v & 0xFFU);
    }
    // The last two or three characters: one or two bytes, and bits below them that must be zero (canonical
    // encoding).
    std::uint32_t unusedBits = 0;
    if (body.size() - i == 2) {
        const std::uint32_t a = at(i);
        const std::uint32_t b = at(i + 1);
        seen |= a | b;
        *o++ = static_cast<char>((((a & 63U) << 2U) | ((b & 63U) >> 4U)) & 0xFFU);
        unusedBits = b & 0x0FU;
    } else if (body.size() - i == 3) {
        const std::uint32_t a = at(i);
        const std::uint32_t b = at(i + 1);
        const std::uint32_t c = at(i + 2);
        seen |= a | b | c;
        const std::uint32_t v = ((a & 63U) << 12U) | ((b & 63U) << 6U) | (c & 63U);
        *o++ = static_cast<char>((v >> 10U) & 0xFFU);
        *o++ = static_cast<char>((v >> 2U) & 0xFFU);
        unusedBits = c & 0x03U;
    }
    out.resize(static_cast<std::size_t>(o - out.data()));
    const bool sawStd = (seen & kStdOnly) != 0;
    const bool sawUrl = (seen & kUrlOnly) != 0;
    if ((seen & kInvalid) != 0) {
        return std::nullopt;
    }
    if (sawStd && sawUrl) {
        return std::nullopt; // mixed alphabets
    }
    if (pad == 0 && body.size() % 4 != 0 && sawStd) {
        return std::nullopt; // standard base64 is padded
    }
    if (pad > 0 && (body.size() % 4) + pad != 4) {
        return std::nullopt;
    }
    if (unusedBits != 0) {
        return std::nullopt;
    }
    return out;
}

std::string hexEncode(const void* data, std::size_t size) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = kHex[p[i] >> 4U];
        out[2 * i + 1] = kHex[p[i] & 0xFU];
    }
    return out;
}

bool isSha256Hex(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

Sha256Digest sha256(const void* data, std::size_t size) {
    Sha256Digest d{};
    unsigned int len = 0;
    if (EVP_Digest(data, size, d.data(), &len, EVP_sha256(), nullptr) != 1 || len != d.size()) {
        fatal("OpenSSL SHA-256 failed");
    }
    return d;
}

std::string sha256Hex(std::string_view s) {
    return hexEncode(sha256(s));
}

struct Sha256::Impl {
    EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx = EVP_MD_CTX_new();
    if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1) {
        fatal("OpenSSL SHA-256 initialisation failed");
    }
}

Sha256::~Sha256() {
    if (m_impl) {
        EVP_MD_CTX_free(m_impl->ctx);
    }
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&& other) noexcept {
    if (this != &other) {
        if (m_impl) {
            EVP_MD_CTX_free(m_impl->ctx);
        }
        m_impl = std::move(other.m_impl);
    }
    return *this;
}

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0 && EVP_DigestUpdate(m_impl->ctx, data, size) != 1) {
        fatal("OpenSSL SHA-256 update failed");
    }
}

Sha256Digest Sha256::finish() {
    Sha256Digest d{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(m_impl->ctx, d.data(), &len) != 1 ||
        EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1) {
        fatal("OpenSSL SHA-256 failed");
    }
    return d;
}

} // namespace veridicor::verify
