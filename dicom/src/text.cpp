#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcspchrs.h>
#include <dcmtk/dcmdata/dcvrpn.h>
#include <dcmtk/ofstd/ofchrenc.h>

#include <array>
#include <optional>
#include <vector>

namespace veridicor::dicom {

namespace {

/// Values longer than this are not rewritten for a header listing (which shortens them anyway).
constexpr Uint32 kMaxListedValueBytes = Uint32{1} << 20;

bool isPlainAscii(std::string_view s) {
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        // ESC starts an ISO 2022 escape sequence, so a value holding one is not plain ASCII.
        if (b >= 0x80 || b == 0x1B) {
            return false;
        }
    }
    return true;
}

std::string visibleBytes(std::string_view bytes) {
    static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                               '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b < 0x7F) {
            out += c;
        } else {
            out += "\\x";
            out += kHex.at(b >> 4U);
            out += kHex.at(b & 0x0FU);
        }
    }
    return out;
}

DecodedText undecoded(std::string_view bytes, std::string problem) {
    return {visibleBytes(bytes), false, std::move(problem)};
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(std::string_view(" \0", 2));
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(std::string_view(" \0", 2));
    return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> splitTerms(std::string_view characterSet) {
    std::vector<std::string> terms;
    std::size_t start = 0;
    while (true) {
        const auto end = characterSet.find('\\', start);
        terms.push_back(trim(characterSet.substr(start, end == std::string_view::npos ? end : end - start)));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return terms;
}

/// True when `bytes` is well-formed UTF-8 (DCMTK's output is checked before it is shown as text).
bool isValidUtf8(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        std::size_t n = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if ((b & 0xE0U) == 0xC0) {
            n = 1;
            cp = b & 0x1FU;
        } else if ((b & 0xF0U) == 0xE0) {
            n = 2;
            cp = b & 0x0FU;
        } else if ((b & 0xF8U) == 0xF0) {
            n = 3;
            cp = b & 0x07U;
        } else {
            return false;
        }
        if (i + n >= bytes.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            const auto c = static_cast<unsigned char>(bytes[i + k]);
            if ((c & 0xC0U) != 0x80) {
                return false;
            }
            cp = (cp << 6U) | (c & 0x3FU);
        }
        const bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

const char* delimitersOf(TextKind kind) {
    switch (kind) {
    case TextKind::Text:
        return "";
    case TextKind::MultiValue:
        return "\\";
    case TextKind::PersonName:
        return "\\^=";
    }
    return "";
}

// --- Japanese (JIS X 0208 / 0212) -------------------------------------------------------------------------
// Debian's DCMTK converts with the GNU C library's iconv and refuses "ISO 2022 IR 87" and "ISO 2022 IR 159"
// (its selectCharacterSet() reports them unsupported), so Japanese names in kanji would not decode at all.
// The code elements those sets switch to are the ones EUC-JP encodes, so such values are re-encoded as EUC-JP
// here, code element by code element as PS3.5 6.1.2.5 defines them, and converted by DCMTK's
// OFCharacterEncoding.

bool isJapaneseTerm(const std::string& t) {
    return t.empty() || t == "ISO 2022 IR 6" || t == "ISO 2022 IR 13" || t == "ISO 2022 IR 87" ||
           t == "ISO 2022 IR 159";
}

std::optional<std::string> eucJpToUtf8(const std::string& euc) {
    if (euc.empty()) {
        return std::string();
    }
    OFCharacterEncoding converter;
    if (converter.selectEncoding("EUC-JP", "UTF-8").bad()) {
        return std::nullopt;
    }
    OFString out;
    if (converter.convertString(euc.data(), euc.size(), out).bad()) {
        return std::nullopt;
    }
    return std::string(out.c_str(), out.length());
}

std::optional<std::string> decodeIso2022Japanese(std::string_view bytes,
                                                 const std::vector<std::string>& terms, TextKind kind) {
    enum class G0 { Ascii, Roman, Jis0208, Jis0212 };
    const auto declared = [&terms](const char* term) {
        for (const auto& t : terms) {
            if (t == term) {
                return true;
            }
        }
        return false;
    };
    const bool romanFirst = terms.front() == "ISO 2022 IR 13";
    const G0 initialG0 = romanFirst ? G0::Roman : G0::Ascii;
    const bool initialKatakana = romanFirst;
    G0 g0 = initialG0;
    bool katakana = initialKatakana;
    const std::string_view delimiters = delimitersOf(kind);

    std::string out;
    std::string euc; // the pending run, EUC-JP encoded
    const auto flush = [&out, &euc]() {
        auto utf8 = eucJpToUtf8(euc);
        if (!utf8) {
            return false;
        }
        out += *utf8;
        euc.clear();
        return true;
    };
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        if (b == 0x1B) {
            const std::string_view rest = bytes.substr(i + 1);
            if (rest.substr(0, 2) == "(B") {
                g0 = G0::Ascii;
                i += 3;
            } else if (rest.substr(0, 2) == "(J" && declared("ISO 2022 IR 13")) {
                g0 = G0::Roman;
                i += 3;
            } else if (rest.substr(0, 2) == ")I" && declared("ISO 2022 IR 13")) {
                katakana = true;
                i += 3;
            } else if (rest.substr(0, 2) == "$B" && declared("ISO 2022 IR 87")) {
                g0 = G0::Jis0208;
                i += 3;
            } else if (rest.substr(0, 3) == "$(D" && declared("ISO 2022 IR 159")) {
                g0 = G0::Jis0212;
                i += 4;
            } else {
                return std::nullopt; // an escape sequence to a set that is not declared
            }
            continue;
        }
        if (g0 == G0::Jis0208 || g0 == G0::Jis0212) {
            if (b == '\r' || b == '\n' || b == '\f' || b == '\t') {
                g0 = initialG0;
                katakana = initialKatakana;
                euc += static_cast<char>(b);
                ++i;
                continue;
            }
            if (i + 1 >= bytes.size()) {
                return std::nullopt;
            }
            const auto b2 = static_cast<unsigned char>(bytes[i + 1]);
            if (b < 0x21 || b > 0x7E || b2 < 0x21 || b2 > 0x7E) {
                return std::nullopt;
            }
            if (g0 == G0::Jis0212) {
                euc += static_cast<char>(0x8F);
            }
            euc += static_cast<char>(b | 0x80U);
            euc += static_cast<char>(b2 | 0x80U);
            i += 2;
            continue;
        }
        if (b >= 0x80) {
            if (!katakana || b < 0xA1 || b > 0xDF) {
                return std::nullopt;
            }
            euc += static_cast<char>(0x8E);
            euc += static_cast<char>(b);
        } else if (g0 == G0::Roman && (b == 0x5C || b == 0x7E)) {
            // JIS X 0201 Roman differs from ASCII in two places: YEN SIGN and OVERLINE.
            if (!flush()) {
                return std::nullopt;
            }
            out += b == 0x5C ? "\xC2\xA5" : "\xE2\x80\xBE";
        } else {
            euc += static_cast<char>(b);
        }
        if (b < 0x80 && (delimiters.find(static_cast<char>(b)) != std::string_view::npos || b == '\r' ||
                         b == '\n' || b == '\f' || b == '\t')) {
            g0 = initialG0;
            katakana = initialKatakana;
        }
        ++i;
    }
    if (!flush()) {
        return std::nullopt;
    }
    return out;
}

/// The value of a string element as stored, without its padding.
std::optional<std::string> storedValue(DcmElement& element) {
    char* data = nullptr;
    Uint32 length = 0;
    if (element.getString(data, length).bad() || data == nullptr) {
        return std::nullopt;
    }
    return trim(std::string_view(data, length));
}

TextKind kindOf(DcmEVR vr) {
    switch (vr) {
    case EVR_PN:
        return TextKind::PersonName;
    case EVR_ST:
    case EVR_LT:
    case EVR_UT:
        return TextKind::Text;
    default:
        return TextKind::MultiValue;
    }
}

/// VRs whose values are in the Specific Character Set (PS3.5 6.1.2.3); the others use the default repertoire.
bool usesCharacterSet(DcmEVR vr) {
    switch (vr) {
    case EVR_SH:
    case EVR_LO:
    case EVR_UC:
    case EVR_ST:
    case EVR_LT:
    case EVR_UT:
    case EVR_PN:
        return true;
    default:
        return false;
    }
}

bool isStringVr(DcmEVR vr) {
    switch (vr) {
    case EVR_AE:
    case EVR_AS:
    case EVR_CS:
    case EVR_DA:
    case EVR_DS:
    case EVR_DT:
    case EVR_IS:
    case EVR_TM:
    case EVR_UI:
    case EVR_UR:
        return true;
    default:
        return usesCharacterSet(vr);
    }
}

std::string withNote(const DecodedText& text, const std::string& shown) {
    return shown + " (undecoded bytes: " + text.problem + ")";
}

std::string formatGroup(const OFString& value, unsigned group) {
    OFString family;
    OFString given;
    OFString middle;
    OFString prefix;
    OFString suffix;
    if (DcmPersonName::getNameComponentsFromString(value, family, given, middle, prefix, suffix, group)
            .bad()) {
        return {};
    }
    const auto join = [](std::string& into, const OFString& part, const char* separator) {
        const std::string p = trim(std::string_view(part.c_str(), part.length()));
        if (p.empty()) {
            return;
        }
        if (!into.empty()) {
            into += separator;
        }
        into += p;
    };
    std::string forenames;
    join(forenames, prefix, " ");
    join(forenames, given, " ");
    join(forenames, middle, " ");
    std::string out;
    join(out, family, "");
    join(out, OFString(forenames.c_str(), forenames.size()), ", ");
    join(out, suffix, ", ");
    return out;
}

std::string formatOnePersonName(std::string_view value) {
    const OFString v(value.data(), value.size());
    std::string out;
    for (unsigned group = 0; group < 3; ++group) {
        const std::string g = formatGroup(v, group);
        if (g.empty()) {
            continue;
        }
        if (!out.empty()) {
            out += " = ";
        }
        out += g;
    }
    return out;
}

void convertItem(DcmItem& item, const std::string& inherited) {
    std::string characterSet = inherited;
    bool declares = false;
    if (DcmElement* own = nullptr;
        item.findAndGetElement(DCM_SpecificCharacterSet, own, OFFalse).good() && own != nullptr) {
        characterSet = storedValue(*own).value_or(std::string());
        declares = true;
    }
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* element = item.getElement(i);
        if (element == nullptr || element->getTag() == DCM_SpecificCharacterSet) {
            continue;
        }
        const DcmEVR vr = element->ident();
        if (vr == EVR_SQ) {
            // EVR_SQ is DcmSequenceOfItems itself (a pixel sequence says EVR_pixelSQ), so the downcast is
            // exact. NOLINTNEXTLINE(cppcoreguidelines-pro-type-static-cast-downcast)
            auto* sequence = static_cast<DcmSequenceOfItems*>(element);
            for (unsigned long k = 0; k < sequence->card(); ++k) {
                if (DcmItem* child = sequence->getItem(k); child != nullptr) {
                    convertItem(*child, characterSet);
                }
            }
            continue;
        }
        if (!isStringVr(vr) || element->getLength() > kMaxListedValueBytes) {
            continue;
        }
        const auto stored = storedValue(*element);
        if (!stored || isPlainAscii(*stored)) {
            continue;
        }
        const DecodedText text =
            decodeText(*stored, usesCharacterSet(vr) ? characterSet : std::string(), kindOf(vr));
        // The listing keeps DCMTK's own layout; only the value's bytes change, so a failed put leaves the
        // value.
        static_cast<void>(
            element->putString(text.decoded ? text.utf8.c_str() : withNote(text, text.utf8).c_str()));
    }
    if (declares) {
        static_cast<void>(item.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192"));
    }
}

} // namespace

std::string specificCharacterSet(DcmItem& item) {
    for (DcmItem* at = &item; at != nullptr; at = at->getParentItem()) {
        DcmElement* element = nullptr;
        if (at->findAndGetElement(DCM_SpecificCharacterSet, element, OFFalse).good() && element != nullptr) {
            return storedValue(*element).value_or(std::string());
        }
    }
    return {};
}

DecodedText decodeText(std::string_view bytes, std::string_view characterSet, TextKind kind) {
    if (isPlainAscii(bytes)) {
        return {std::string(bytes), true, {}};
    }
    const std::string declared = trim(characterSet);
    if (declared.empty() || declared == "ISO_IR 6") {
        return undecoded(bytes, "no Specific Character Set is declared, so only ASCII can be decoded");
    }
    if (declared == "ISO_IR 192" && isValidUtf8(bytes)) {
        return {std::string(bytes), true, {}}; // already UTF-8: nothing to convert
    }
    DcmSpecificCharacterSet converter;
    const OFCondition selected = converter.selectCharacterSet(OFString(declared.c_str(), declared.size()));
    if (selected.bad()) {
        const auto terms = splitTerms(declared);
        // Only the Japanese terms, and at least one of the two kanji sets (a lone "ISO 2022 IR 87", which
        // PS3.3 does not allow as the first value, is read as if it followed the default repertoire).
        bool japanese = true;
        bool kanji = false;
        for (const auto& t : terms) {
            japanese = japanese && isJapaneseTerm(t);
            kanji = kanji || t == "ISO 2022 IR 87" || t == "ISO 2022 IR 159";
        }
        japanese = japanese && kanji;
        if (japanese) {
            if (auto utf8 = decodeIso2022Japanese(bytes, terms, kind); utf8 && isValidUtf8(*utf8)) {
                return {std::move(*utf8), true, {}};
            }
            return undecoded(bytes, "the bytes are not valid in character set '" + declared + "'");
        }
        return undecoded(bytes, "character set '" + declared + "' is unknown or not supported here");
    }
    OFString out;
    const OFCondition converted =
        converter.convertString(bytes.data(), bytes.size(), out, delimitersOf(kind));
    if (converted.bad()) {
        return undecoded(bytes, "the bytes are not valid in character set '" + declared + "'");
    }
    std::string utf8(out.c_str(), out.length());
    if (!isValidUtf8(utf8)) {
        return undecoded(bytes, "the bytes are not valid in character set '" + declared + "'");
    }
    return {std::move(utf8), true, {}};
}

DecodedText readText(DcmItem* item, const DcmTagKey& tag) {
    if (item == nullptr) {
        return {};
    }
    DcmElement* element = nullptr;
    if (item->findAndGetElement(tag, element, OFFalse).bad() || element == nullptr) {
        return {};
    }
    const auto stored = storedValue(*element);
    if (!stored) {
        return {};
    }
    const DcmEVR vr = element->ident();
    return decodeText(*stored, usesCharacterSet(vr) ? specificCharacterSet(*item) : std::string(),
                      kindOf(vr));
}

std::string getText(DcmItem* item, const DcmTagKey& tag) {
    DecodedText text = readText(item, tag);
    return text.decoded ? std::move(text.utf8) : withNote(text, text.utf8);
}

std::string formatPersonName(std::string_view personName) {
    // Several names (a PN of VM > 1) are shown one after another.
    std::string out;
    std::size_t start = 0;
    const auto isHex = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    };
    // The next value separator; a backslash that starts a "\xNN" of visibleBytes() is not one, so the visible
    // bytes of a value that could not be decoded stay where they are.
    const auto nextSeparator = [&personName, &isHex](std::size_t from) {
        auto at = personName.find('\\', from);
        while (at != std::string_view::npos && at + 3 < personName.size() && personName[at + 1] == 'x' &&
               isHex(personName[at + 2]) && isHex(personName[at + 3])) {
            at = personName.find('\\', at + 1);
        }
        return at;
    };
    while (start <= personName.size()) {
        const auto end = nextSeparator(start);
        const std::string one = formatOnePersonName(
            personName.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (!one.empty()) {
            if (!out.empty()) {
                out += "; ";
            }
            out += one;
        }
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

std::string getPersonName(DcmItem* item, const DcmTagKey& tag) {
    const DecodedText text = readText(item, tag);
    const std::string shown = formatPersonName(text.utf8);
    return text.decoded ? shown : withNote(text, shown);
}

void convertForDisplay(DcmItem& item) {
    convertItem(item, specificCharacterSet(item));
}

} // namespace veridicor::dicom
