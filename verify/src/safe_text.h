#pragma once
// Text from hostile input, made safe to put into messages, check details and logs: valid UTF-8, bounded,
// control and bidirectional-formatting characters escaped. Details name fields, not values; where a value
// must be named (a DICOM UID of the opened data, a name in an authenticated statement), it goes through here.

#include <cstddef>
#include <string>
#include <string_view>

namespace veridicor::verify::detail {

/// Length of the well-formed UTF-8 sequence starting at s[i] (1–4), or 0 when the bytes there are not one
/// (overlong forms, surrogates, above U+10FFFF, a stray continuation byte, a truncated sequence).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i);

/// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD (and, when
/// `replaceNul`, every NUL too: our strict JSON reader refuses `\u0000`).
std::string toValidUtf8(std::string_view text, bool replaceNul = false);

/// At most `maxChars` characters of `text` (then "…"), as valid UTF-8 with invalid bytes written `\xNN`,
/// control characters (C0, DEL, C1) and invisible formatting characters (bidirectional overrides, zero-width
/// characters, line/paragraph separators, BOM) written `\u{XXXX}`, and `\` and `'` escaped. Never longer than
/// about 10 × maxChars bytes.
std::string safeText(std::string_view text, std::size_t maxChars = 64);

/// safeText() in single quotes: 'value'.
std::string quoteText(std::string_view text, std::size_t maxChars = 64);

} // namespace veridicor::verify::detail
