#include <veridicor/verify/encoding.h>

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace veridicor::verify {

namespace {
// SHA-256 in OpenSSL fails only when memory runs out. A wrong digest could be a false match, so stop instead
// (exceptions do not cross module boundaries).
[[noreturn]] void fatal(const char* what) {
    std::fprintf(stderr, "veridicor::verify: %s\n", what);
    std::abort();
}

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decodeChar(char c, bool& sawStd, bool& sawUrl) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+' || c == '/') {
        sawStd = true;
        return c == '+' ? 62 : 63;
    }
    if (c == '-' || c == '_') {
        sawUrl = true;
        return c == '-' ? 62 : 63;
    }
    return -1;
}
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
    bool sawStd = false;
    bool sawUrl = false;
    std::string out;
    out.reserve(body.size() / 4 * 3 + 3);
    unsigned acc = 0;
    int bits = 0;
    for (const char c : body) {
        const int v = decodeChar(c, sawStd, sawUrl);
        if (v < 0) {
            return std::nullopt;
        }
        acc = (acc << 6U) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> static_cast<unsigned>(bits)) & 0xFFU));
        }
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
    // Unused low bits of the last character must be zero (canonical encoding).
    if (bits > 0 && (acc & ((1U << static_cast<unsigned>(bits)) - 1U)) != 0) {
        return std::nullopt;
    }
    return out;
}

std::string hexEncode(const void* data, std::size_t size) {
    static constexpr char kHex[] = "0123456789abcdef";
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
