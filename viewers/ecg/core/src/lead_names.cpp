#include <veridicor/ecg/lead_names.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <utility>

namespace veridicor::ecg {

namespace {

// SCP-ECG (EN 1064) lead identification table, shared by ISO/IEEE 11073-10101 (MDC_ECG_LEAD_*, partition 2)
// and listed in DICOM PS3.16 CID 3001. Numbers 31–60 (calibration / derived variants, on which the published
// tables disagree) and 79–85 are deliberately absent: such channels are named by their label.
struct LeadEntry {
    int number;
    std::string_view name;
};

constexpr std::array kLeads{
    LeadEntry{1, "I"},     LeadEntry{2, "II"},    LeadEntry{3, "V1"},     LeadEntry{4, "V2"},
    LeadEntry{5, "V3"},    LeadEntry{6, "V4"},    LeadEntry{7, "V5"},     LeadEntry{8, "V6"},
    LeadEntry{9, "V7"},    LeadEntry{10, "V2R"},  LeadEntry{11, "V3R"},   LeadEntry{12, "V4R"},
    LeadEntry{13, "V5R"},  LeadEntry{14, "V6R"},  LeadEntry{15, "V7R"},   LeadEntry{16, "X"},
    LeadEntry{17, "Y"},    LeadEntry{18, "Z"},    LeadEntry{19, "CC5"},   LeadEntry{20, "CM5"},
    LeadEntry{21, "LA"},   LeadEntry{22, "RA"},   LeadEntry{23, "LL"},    LeadEntry{24, "fI"},
    LeadEntry{25, "fE"},   LeadEntry{26, "fC"},   LeadEntry{27, "fA"},    LeadEntry{28, "fM"},
    LeadEntry{29, "fF"},   LeadEntry{30, "fH"},   LeadEntry{61, "III"},   LeadEntry{62, "aVR"},
    LeadEntry{63, "aVL"},  LeadEntry{64, "aVF"},  LeadEntry{65, "-aVR"},  LeadEntry{66, "V8"},
    LeadEntry{67, "V9"},   LeadEntry{68, "V8R"},  LeadEntry{69, "V9R"},   LeadEntry{70, "D"},
    LeadEntry{71, "A"},    LeadEntry{72, "J"},    LeadEntry{73, "Defib"}, LeadEntry{74, "Extern"},
    LeadEntry{75, "A1"},   LeadEntry{76, "A2"},   LeadEntry{77, "A3"},    LeadEntry{78, "A4"},
    LeadEntry{86, "C"},    LeadEntry{87, "V"},    LeadEntry{88, "VR"},    LeadEntry{89, "VL"},
    LeadEntry{90, "VF"},   LeadEntry{91, "MCL"},  LeadEntry{92, "MCL1"},  LeadEntry{93, "MCL2"},
    LeadEntry{94, "MCL3"}, LeadEntry{95, "MCL4"}, LeadEntry{96, "MCL5"},  LeadEntry{97, "MCL6"},
    LeadEntry{98, "CC"},   LeadEntry{99, "CC1"},  LeadEntry{100, "CC2"},  LeadEntry{101, "CC3"},
    LeadEntry{102, "CC4"}, LeadEntry{103, "CC6"}, LeadEntry{104, "CC7"},  LeadEntry{105, "CM"},
    LeadEntry{106, "CM1"}, LeadEntry{107, "CM2"}, LeadEntry{108, "CM3"},  LeadEntry{109, "CM4"},
    LeadEntry{110, "CM6"},
};

// Names that free text (a Channel Label or a code meaning) may spell; the rest of the table is too ambiguous
// as text ("A", "V", "C").
constexpr std::array<std::string_view, 31> kTextNames{
    "I",   "II",  "III", "aVR", "aVL", "aVF", "-aVR", "V1",   "V2",  "V3",  "V4",
    "V5",  "V6",  "V7",  "V8",  "V9",  "V2R", "V3R",  "V4R",  "V5R", "V6R", "V7R",
    "V8R", "V9R", "X",   "Y",   "Z",   "CC5", "CM5",  "MCL1", "MCL6"};

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) != 0 || s.back() == '\0')) {
        s.remove_suffix(1);
    }
    return s;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && upper(a) == upper(b);
}

std::optional<int> parseInt(std::string_view s) {
    s = trim(s);
    int value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::string> mdcReferenceIdToName(std::string_view id) {
    constexpr std::string_view prefix = "MDC_ECG_LEAD_";
    if (id.size() <= prefix.size() || !equalsNoCase(id.substr(0, prefix.size()), prefix)) {
        return std::nullopt;
    }
    const std::string_view suffix = id.substr(prefix.size());
    if (equalsNoCase(suffix, "AVRneg")) {
        return std::string("-aVR");
    }
    if (equalsNoCase(suffix, "VX") || equalsNoCase(suffix, "VY") || equalsNoCase(suffix, "VZ")) {
        return std::string(suffix.substr(1, 1));
    }
    for (const auto& e : kLeads) {
        if (equalsNoCase(suffix, e.name)) {
            return std::string(e.name);
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> leadNameForNumber(int n) {
    for (const auto& e : kLeads) {
        if (e.number == n) {
            return std::string(e.name);
        }
    }
    return std::nullopt;
}

std::optional<std::string> leadNameFromCode(std::string_view codingScheme, std::string_view codeValue) {
    const std::string scheme = upper(trim(codingScheme));
    const std::string_view value = trim(codeValue);
    if (scheme == "SCPECG") {
        constexpr std::string_view prefix = "5.6.3-9-";
        if (value.size() > prefix.size() && value.substr(0, prefix.size()) == prefix) {
            if (const auto n = parseInt(value.substr(prefix.size()))) {
                return leadNameForNumber(*n);
            }
        }
        return std::nullopt;
    }
    if (scheme == "MDC") {
        if (auto byId = mdcReferenceIdToName(value)) {
            return byId;
        }
        if (const auto colon = value.find(':'); colon != std::string_view::npos) {
            const auto partition = parseInt(value.substr(0, colon));
            const auto code = parseInt(value.substr(colon + 1));
            if (partition && code && *partition == 2) {
                return leadNameForNumber(*code);
            }
            return std::nullopt;
        }
        if (const auto code = parseInt(value); code && *code > 131072 && *code < 131072 + 65536) {
            return leadNameForNumber(*code - 131072); // 32-bit context-free code: partition 2 << 16 | code
        }
    }
    return std::nullopt;
}

std::optional<std::string> leadNameFromText(std::string_view text) {
    std::string_view t = trim(text);
    // Drop a parenthesised qualifier: "Lead I (Einthoven)" → "Lead I".
    if (const auto paren = t.find('('); paren != std::string_view::npos && paren > 0) {
        t = trim(t.substr(0, paren));
    }
    if (t.size() > 5 && equalsNoCase(t.substr(0, 5), "LEAD ")) {
        t = trim(t.substr(5));
    } else if (t.size() > 5 && equalsNoCase(t.substr(0, 5), "LEAD_")) {
        t = t.substr(5);
    }
    if (auto byId = mdcReferenceIdToName(t)) {
        return byId;
    }
    for (const auto name : kTextNames) {
        if (equalsNoCase(t, name)) {
            return std::string(name);
        }
    }
    return std::nullopt;
}

std::string deriveLeadLabel(std::string_view codingScheme, std::string_view codeValue,
                            std::string_view channelLabel, std::string_view codeMeaning, std::size_t index) {
    if (auto name = leadNameFromCode(codingScheme, codeValue)) {
        return *name;
    }
    if (auto name = leadNameFromText(channelLabel)) {
        return *name;
    }
    if (auto name = leadNameFromText(codeMeaning)) {
        return *name;
    }
    if (const auto label = trim(channelLabel); !label.empty()) {
        return std::string(label);
    }
    if (const auto meaning = trim(codeMeaning); !meaning.empty()) {
        return std::string(meaning);
    }
    return "Channel " + std::to_string(index + 1);
}

std::optional<std::string> scpEcgCodeForLead(std::string_view leadName) {
    for (const auto& e : kLeads) {
        if (e.name == leadName) {
            return "5.6.3-9-" + std::to_string(e.number);
        }
    }
    return std::nullopt;
}

double unitsToMicrovoltsFactor(std::string_view ucumCode, std::string_view codeMeaning) {
    const std::string_view code = trim(ucumCode);
    // UCUM is case-sensitive: "mV" is millivolt, "MV" would be megavolt (never an ECG unit).
    static constexpr std::array<std::pair<std::string_view, double>, 7> kCodes{{
        {"uV", 1.0},
        {"\xC2\xB5V", 1.0}, // µ (MICRO SIGN) V
        {"\xCE\xBCV", 1.0}, // μ (GREEK SMALL LETTER MU) V
        {"mV", 1000.0},
        {"V", 1.0e6},
        {"nV", 1.0e-3},
        {"10*-6.V", 1.0},
    }};
    for (const auto& [c, f] : kCodes) {
        if (code == c) {
            return f;
        }
    }
    if (!code.empty()) {
        return 0.0;
    }
    const std::string meaning = upper(trim(codeMeaning));
    if (meaning == "MICROVOLT" || meaning == "MICROVOLTS") {
        return 1.0;
    }
    if (meaning == "MILLIVOLT" || meaning == "MILLIVOLTS") {
        return 1000.0;
    }
    if (meaning == "VOLT" || meaning == "VOLTS") {
        return 1.0e6;
    }
    return 0.0;
}

} // namespace veridicor::ecg
