#include "safe_text.h"

#include <cstdint>
#include <string_view>

namespace veridicor::verify::detail {

std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        return 1;
    }
    auto cont = [&](std::size_t k) {
        return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0U) == 0x80U;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        return cont(1) ? 2 : 0;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        if (!cont(1) || !cont(2)) {
            return 0;
        }
        const auto b1 = static_cast<unsigned char>(s[i + 1]);
        if (b0 == 0xE0 && b1 < 0xA0) {
            return 0; // overlong
        }
        if (b0 == 0xED && b1 >= 0xA0) {
            return 0; // UTF-16 surrogate
        }
        return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) {
            return 0;
        }
        const auto b1 = static_cast<unsigned char>(s[i + 1]);
        if (b0 == 0xF0 && b1 < 0x90) {
            return 0; // overlong
        }
        if (b0 == 0xF4 && b1 >= 0x90) {
            return 0; // above U+10FFFF
        }
        return 4;
    }
    return 0; // 0x80–0xC1 (continuation or overlong lead), 0xF5–0xFF
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";    // U+2026

std::uint32_t decode(std::string_view s, std::size_t i, std::size_t n) {
    const auto b = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k]));
    };
    switch (n) {
    case 1:
        return b(0);
    case 2:
        return ((b(0) & 0x1FU) << 6U) | (b(1) & 0x3FU);
    case 3:
        return ((b(0) & 0x0FU) << 12U) | ((b(1) & 0x3FU) << 6U) | (b(2) & 0x3FU);
    default:
        return ((b(0) & 0x07U) << 18U) | ((b(1) & 0x3FU) << 12U) | ((b(2) & 0x3FU) << 6U) | (b(3) & 0x3FU);
    }
}

/// Characters that change how text around them reads without being seen: controls, bidirectional
/// embeddings/overrides/isolates, zero-width characters, line and paragraph separators, the BOM.
bool isInvisible(std::uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0xAD || cp == 0x061C || cp == 0x180E ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

void appendHex(std::string& out, std::uint32_t v, int digits) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    for (int d = digits - 1; d >= 0; --d) {
        out.push_back(kHex[(v >> (4U * static_cast<unsigned>(d))) & 0xFU]);
    }
}

} // namespace

std::string toValidUtf8(std::string_view text, bool replaceNul) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t n = utf8SequenceLength(text, i);
        if (n == 0 || (replaceNul && text[i] == '\0')) {
            out += kReplacement;
            ++i;
            continue;
        }
        out.append(text.data() + i, n);
        i += n;
    }
    return out;
}

std::string safeText(std::string_view text, std::size_t maxChars) {
    std::string out;
    std::size_t chars = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (chars == maxChars) {
            out += kEllipsis;
            break;
        }
        ++chars;
        const std::size_t n = utf8SequenceLength(text, i);
        if (n == 0) {
            out += "\\x";
            appendHex(out, static_cast<unsigned char>(text[i]), 2);
            ++i;
            continue;
        }
        const std::uint32_t cp = decode(text, i, n);
        if (isInvisible(cp)) {
            out += "\\u{";
            appendHex(out, cp, cp > 0xFFFF ? 6 : 4);
            out += "}";
        } else if (cp == '\\' || cp == '\'') {
            out.push_back('\\');
            out.push_back(static_cast<char>(cp));
        } else {
            out.append(text.data() + i, n);
        }
        i += n;
    }
    return out;
}

std::string quoteText(std::string_view text, std::size_t maxChars) {
    return "'" + safeText(text, maxChars) + "'";
}

} // namespace veridicor::verify::detail
