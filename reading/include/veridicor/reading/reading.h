#pragma once
/// \file
/// The clinician's reading: what the reading panel holds and what the signed SR carries, and its
/// READING.json form (`veridicor-cli reading-sign --reading`, `reading-verify`'s "reading" member):
///
///   {"statements": [{"scheme": "SCT", "value": "164931005", "meaning": "ST elevation"},
///                   {"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
///                    "site": {"scheme": "SCT", "value": "367598003",
///                             "meaning": "Left ventricle inferior segment"}}],       site optional
///    "text": "…",
///    "measurements": [{"name": "QTc (Bazett)", "value": 412, "unit": "ms",
///                      "lead": "II", "start": 1.204, "end": 1.616}],          lead, start, end optional (s)
///    "deviceStatements": [{"text": "Sinus rhythm", "review": "confirmed"}],   "confirmed" | "rejected"
///    "assessments": [{"bundle": "<sha256 hex>", "finding": "f1", "verdict": "trusted",
///                     "assessment": "agree", "reason": ""}],                  verdict optional
///    "blind": true,
///    "amends": "<SOP Instance UID of the SR this one replaces>"}              optional
///
/// Every member but "statements"… is optional when empty; "blind" is required (a reading must say whether
/// it was made blind). JSON is read with verify/'s strict parser; unknown members are refused so that a
/// misspelt member cannot silently drop part of a reading.

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/verify/json.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::reading {

/// Bounds on a reading (READING.json and SR alike): a reading beyond them is refused before anything is
/// allocated for it.
inline constexpr std::size_t kMaxStatements = 256;
inline constexpr std::size_t kMaxMeasurements = 256;
inline constexpr std::size_t kMaxDeviceStatements = 256;
inline constexpr std::size_t kMaxAssessments = 256;
inline constexpr std::size_t kMaxTextBytes = std::size_t{64} * 1024;     ///< free text (an SR TEXT item, UT)
inline constexpr std::size_t kMaxShortText = 64;             ///< names, meanings, ids (DICOM LO: 64 chars)
inline constexpr std::size_t kMaxReasonBytes = 1024;         ///< an assessment's reason
inline constexpr std::size_t kMaxJsonBytes = std::size_t{1024} * 1024;   ///< READING.json

/// A SNOMED CT concept: scheme "SCT", the value its concept id.
struct CodedConcept {
    std::string scheme;
    std::string value;
    std::string meaning;
    friend bool operator==(const CodedConcept&, const CodedConcept&) = default;
};

/// A coded statement; the scheme is "SCT" (SNOMED CT), the value its concept id.
struct CodedStatement {
    std::string scheme;
    std::string value;
    std::string meaning;
    /// Where it applies, when the statement alone does not say: the left-ventricle wall or segment of a
    /// regional wall motion statement (statementSites()). In the SR a Finding Site concept modifier of the
    /// statement; in READING.json its "site" member. Most statements have none.
    std::optional<CodedConcept> site{};
    friend bool operator==(const CodedStatement&, const CodedStatement&) = default;
};

struct Measurement {
    std::string name;          ///< "QTc (Bazett)"
    std::string value;         ///< the number exactly as written (a DICOM DS: at most 16 characters)
    std::string unit;          ///< UCUM ("ms", "mV", "/min", "%", "mm", "cm2", "mL")
    std::string lead;          ///< empty: none
    std::optional<std::string> start; ///< seconds from the start of the recording, as written
    std::optional<std::string> end;
    friend bool operator==(const Measurement&, const Measurement&) = default;
};

/// One of the recording's own device statements (DICOM annotations), confirmed or rejected by the reader.
struct DeviceStatement {
    std::string text;
    bool confirmed = false;
    friend bool operator==(const DeviceStatement&, const DeviceStatement&) = default;
};

enum class Assessment { Agree, Disagree, Modified };

/// "agree", "disagree", "modified".
std::string_view assessmentName(Assessment a);

/// The reader's assessment of one AI finding, with what the workstation said of it at that time.
struct FindingAssessment {
    std::string bundleSha256; ///< SHA-256 of the finding bundle file, 64 lowercase hex digits
    std::string findingId;
    std::string verdict;      ///< "trusted" | "untrusted" | "" (not recorded)
    Assessment assessment = Assessment::Agree;
    std::string reason;
    friend bool operator==(const FindingAssessment&, const FindingAssessment&) = default;
};

struct Reading {
    std::vector<CodedStatement> statements;
    std::string text;
    std::vector<Measurement> measurements;
    std::vector<DeviceStatement> deviceStatements;
    std::vector<FindingAssessment> assessments;
    bool blind = false;
    std::string amends; ///< SOP Instance UID of the SR this one replaces; empty: none
    friend bool operator==(const Reading&, const Reading&) = default;
};

/// Parses READING.json. Errors: TooLarge (over kMaxJsonBytes, or a list or string over its bound), Invalid
/// (not JSON, a member missing, of the wrong type or unknown, a value out of its domain), each naming the
/// member ("reading.measurements[2].unit must be …").
Expected<Reading, Error> parseReadingJson(std::string_view text);

/// Checks a reading against the bounds and domains that parseReadingJson() enforces (for readings built in
/// code or read back from an SR). Errors: TooLarge, Invalid.
Expected<void, Error> validateReading(const Reading& reading);

/// The READING.json form, laid out with `indent` spaces (< 0: compact). Numbers are written as they were
/// read. Members that are empty are left out, except "statements", "blind" and "assessments".
std::string readingToJson(const Reading& reading, int indent = 2);
/// The same, as a JSON value (to embed in a verdict).
verify::json::Value readingToJsonValue(const Reading& reading);

} // namespace veridicor::reading
