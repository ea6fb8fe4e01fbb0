#pragma once
// Strings from files as the worklist database keeps them: decoded (invalid UTF-8 becomes U+FFFD), control and
// format characters written visibly as "\u{XXXX}" (the form of ui::boundedText(), which still applies when
// they are shown) and cut to a bound of base/text_bounds.h, so that a hostile header cannot store 64 MiB of
// name or a right-to-left override in the worklist.

#include <QString>

#include <string>

namespace veridicor::worklist {

QString storedText(const QString& text, int maxChars);
QString storedText(const std::string& utf8, int maxChars);

} // namespace veridicor::worklist
