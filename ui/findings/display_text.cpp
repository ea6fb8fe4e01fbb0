#include "display_text.h"

#include <QObject>

#include <algorithm>

namespace veridicor::ui {

namespace {

bool hidden(char32_t c) {
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return true;
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
    case QChar::Separator_Space:
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Punctuation_Connector:
    case QChar::Punctuation_Dash:
    case QChar::Punctuation_Open:
    case QChar::Punctuation_Close:
    case QChar::Punctuation_InitialQuote:
    case QChar::Punctuation_FinalQuote:
    case QChar::Punctuation_Other:
    case QChar::Symbol_Math:
    case QChar::Symbol_Currency:
    case QChar::Symbol_Modifier:
    case QChar::Symbol_Other:
        return false;
    }
    return true;
}

/// The visible, bounded form of `text`; `cut` is set when characters were left out.
QString visible(const QString& text, int maxChars, bool keepLineBreaks, bool& cut) {
    QString out;
    out.reserve(std::min<qsizetype>(text.size(), maxChars) + 16);
    int shown = 0;
    qsizetype i = 0;
    for (; i < text.size() && shown < maxChars; ++shown) {
        char32_t c = text.at(i).unicode();
        qsizetype width = 1;
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            width = 2;
        }
        if (keepLineBreaks && c == U'\n') {
            out += QLatin1Char('\n');
        } else if (hidden(c)) {
            out += QStringLiteral("\\u{") +
                   QString::number(static_cast<uint>(c), 16).toUpper().rightJustified(4, QLatin1Char('0')) +
                   QLatin1Char('}');
        } else {
            out += text.mid(i, width);
        }
        i += width;
    }
    cut = i < text.size();
    return out;
}

QString withCut(QString shown, bool cut, int maxChars) {
    if (cut) {
        shown += QObject::tr("… (cut after %n character(s))", nullptr, maxChars);
    }
    return shown;
}

} // namespace

QString boundedText(const QString& text, int maxChars, bool keepLineBreaks) {
    bool cut = false;
    QString shown = visible(text, maxChars, keepLineBreaks, cut);
    return withCut(std::move(shown), cut, maxChars);
}

QString boundedText(const std::string& text, int maxChars, bool keepLineBreaks) {
    // Decode no more than can be shown (at most 4 bytes per character).
    const std::size_t limit = static_cast<std::size_t>(std::max(0, maxChars)) * 4 + 4;
    const std::size_t take = std::min(text.size(), limit);
    bool cut = false;
    QString shown =
        visible(QString::fromUtf8(text.data(), static_cast<qsizetype>(take)), maxChars, keepLineBreaks, cut);
    return withCut(std::move(shown), cut || take < text.size(), maxChars);
}

} // namespace veridicor::ui
