#include "stored_text.h"

#include <algorithm>

namespace veridicor::worklist {

namespace {

bool isInvisible(char32_t c) {
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    default:
        return false;
    }
}

QString bounded(const QString& text, int maxChars, bool inputWasCut) {
    QString visible;
    visible.reserve(std::min<qsizetype>(text.size(), maxChars) + 1); // never a null string (NOT NULL columns)
    qsizetype i = 0;
    // Only as much of the input as can fill the bound is looked at.
    while (i < text.size() && visible.size() <= maxChars) {
        char32_t c = text.at(i).unicode();
        qsizetype width = 1;
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            width = 2;
        }
        if (isInvisible(c)) {
            visible += QStringLiteral("\\u{%1}").arg(QString::number(static_cast<uint>(c), 16).toUpper());
        } else {
            visible += text.mid(i, width);
        }
        i += width;
    }
    if (!inputWasCut && i >= text.size() && visible.size() <= maxChars) {
        return visible;
    }
    qsizetype keep = std::max(0, maxChars - 1);
    if (keep > 0 && visible.at(keep - 1).isHighSurrogate()) {
        --keep; // never half a surrogate pair
    }
    return visible.left(keep) + QChar(0x2026);
}

} // namespace

QString storedText(const QString& text, int maxChars) {
    return bounded(text, maxChars, false);
}

QString storedText(const std::string& utf8, int maxChars) {
    // A UTF-8 character has at most 4 bytes: this prefix holds enough characters to fill the bound.
    const std::size_t limit = 4U * static_cast<std::size_t>(std::max(0, maxChars)) + 4U;
    const std::size_t size = std::min(utf8.size(), limit);
    return bounded(QString::fromUtf8(utf8.data(), static_cast<qsizetype>(size)), maxChars, size < utf8.size());
}

} // namespace veridicor::worklist
