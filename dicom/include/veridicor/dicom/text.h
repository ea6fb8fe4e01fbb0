#pragma once
// DICOM text as the workstation shows it. Every string a reader sees from a DICOM file — the study browser,
// the header view, the overlays, the findings panel — is decoded here and nowhere else, so one patient reads
// the same in every place: the stored bytes are converted from the Specific Character Set (0008,0005) that
// governs them (single-valued, or ISO 2022 with code extensions) to UTF-8 with DCMTK's converter, and person
// names are shown in one format (formatPersonName()). Bytes that cannot be decoded are never passed off as
// text: they are shown made visible ("\xE9") and the result says so.

#include <string>
#include <string_view>

class DcmItem;
class DcmTagKey;

namespace veridicor::dicom {

/// How the delimiters of a value reset ISO 2022 code extensions (PS3.5 6.1.2.5.3), by value representation.
enum class TextKind {
    Text,       ///< ST, LT, UT: one value, only line breaks reset
    MultiValue, ///< SH, LO, UC (and the default-repertoire VRs): each backslash-separated value resets
    PersonName, ///< PN: backslash, '^' and '=' reset
};

/// A string value as UTF-8.
struct DecodedText {
    /// Always valid UTF-8: the decoded value when `decoded`, otherwise the stored bytes with every byte
    /// outside printable ASCII written as "\xNN".
    std::string utf8;
    /// False when the bytes could not be decoded (unknown or unsupported character set, bytes invalid in it).
    bool decoded = true;
    /// Why `decoded` is false, for a warning; empty otherwise.
    std::string problem;
};

/// The Specific Character Set (0008,0005) that governs `item`: its own, else that of the nearest item or
/// dataset it is nested in (PS3.5 7.5.3); empty (the default repertoire) when none declares one.
std::string specificCharacterSet(DcmItem& item);

/// Decodes stored `bytes` written in `characterSet` (the (0008,0005) value, backslash-separated for ISO 2022
/// code extensions; empty for the default repertoire). Never throws; any input gives valid UTF-8.
DecodedText decodeText(std::string_view bytes, std::string_view characterSet, TextKind kind);

/// The string attribute `tag` of `item` decoded in the character set that governs `item`, without its leading
/// and trailing padding; empty (and decoded) when absent or when `item` is null.
DecodedText readText(DcmItem* item, const DcmTagKey& tag);

/// readText(item, tag) for display: the decoded value, or the visible bytes followed by a note that they are
/// not decoded text.
std::string getText(DcmItem* item, const DcmTagKey& tag);

/// The one display format of a person name (PN value, UTF-8, e.g. as readText returns it), used everywhere:
/// each component group as "Family, Prefix Given Middle, Suffix" (components that are empty are left out,
/// with their separators), the alphabetic group first, then the ideographic and the phonetic group where
/// present, separated by " = " as in the stored value. "Yamada^Tarou=山田^太郎=やまだ^たろう" is shown as
/// "Yamada, Tarou = 山田, 太郎 = やまだ, たろう"; "Adams^John Robert^^Rev.^B.A." as
/// "Adams, Rev. John Robert, B.A.". Empty when every component is empty.
std::string formatPersonName(std::string_view personName);

/// The person name attribute `tag` of `item` in the display format: formatPersonName() of the decoded value,
/// or, when it cannot be decoded, the visible bytes followed by a note that they are not decoded text.
std::string getPersonName(DcmItem* item, const DcmTagKey& tag);

/// Rewrites every string value of `item`, its sequences' items included, as UTF-8 for a listing of the whole
/// header (values that cannot be decoded become their visible bytes) and declares ISO_IR 192 where a
/// character set was declared. The dataset is changed: use it on a copy that is only shown, never on data
/// that is verified.
void convertForDisplay(DcmItem& item);

} // namespace veridicor::dicom
