#pragma once
// Strings from files and finding payloads as the workstation may display them: decoded, made visible and
// bounded. A hostile bundle can carry any bytes in a file name, a certificate name or a model name — control
// characters, right-to-left overrides that reorder what a reader sees, or 64 MiB of text that would freeze
// the layout — so nothing read from outside reaches a widget without going through here.

#include <veridicor/base/text_bounds.h>

#include <QString>

#include <string>

namespace veridicor::ui {

/// Short names: file names, identities, model names and versions, codes (base/text_bounds.h).
inline constexpr int kMaxNameChars = veridicor::kMaxNameChars;
/// Sentences: finding text, verification details, problems (base/text_bounds.h).
inline constexpr int kMaxTextChars = veridicor::kMaxTextChars;

/// `text` (UTF-8; invalid bytes become U+FFFD) with every control, format (bidirectional overrides and
/// isolates, zero-width characters), private-use, unassigned or surrogate character written visibly as
/// "\u{XXXX}" — line breaks too unless `keepLineBreaks` — and cut to at most `maxChars` characters, the cut
/// said ("… (N more characters)").
QString boundedText(const std::string& text, int maxChars, bool keepLineBreaks = false);
QString boundedText(const QString& text, int maxChars, bool keepLineBreaks = false);

} // namespace veridicor::ui
