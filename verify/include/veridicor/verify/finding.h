#pragma once
/// \file
/// The signed statement of a finding bundle: an in-toto Statement v1 with predicate
/// `urn:veridicor:ai-finding:v1` (finding-bundle-v1 §Predicate). These types exist only for payloads whose
/// signature and chain verified.

#include <veridicor/base/expected.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/time.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veridicor::verify {

inline constexpr std::string_view kFindingPredicateType = "urn:veridicor:ai-finding:v1";
inline constexpr std::string_view kEcgRelevanceMediaType = "application/vnd.veridicor.ecg-relevance";
inline constexpr std::string_view kCineHeatmapMediaType = "application/vnd.veridicor.cine-heatmap";

struct ModelRef {
    std::string name;
    std::string version;
    std::string digest; ///< OMS root digest, lowercase hex
};

struct CodedConcept {
    std::string scheme;
    std::string value;
    std::string meaning;
};

struct Measurement {
    std::string name;
    double value = 0;
    std::string unit;
};

enum class RegionKind { Ecg, Cine };

struct Region {
    RegionKind kind = RegionKind::Ecg;
    // kind ecg: leads by standard short name, times in seconds from the first sample
    std::vector<std::string> leads;
    double startSeconds = 0;
    double endSeconds = 0;
    // kind cine: frames from 0, optional polygon in image pixel coordinates
    std::int64_t firstFrame = 0;
    std::int64_t lastFrame = 0;
    std::vector<std::pair<double, double>> polygon;
};

struct Finding {
    std::string id;
    CodedConcept code;
    std::string text;
    double confidence = 0;
    Region region;
    std::string explanationAttachment; ///< name of an attachment of the statement; empty: none (optional)
    std::vector<Measurement> measurements;
};

enum class AttachmentKind { EcgRelevance, CineHeatmap };

struct AttachmentRef {
    std::string name;
    AttachmentKind kind = AttachmentKind::EcgRelevance;
    std::string mediaType;
    std::string digest;             ///< SHA-256, lowercase hex
    std::vector<std::string> leads; ///< ecg-relevance
    std::uint64_t samples = 0;      ///< ecg-relevance
    std::uint64_t frames = 0;       ///< cine-heatmap
    std::uint64_t rows = 0;         ///< cine-heatmap
    std::uint64_t cols = 0;         ///< cine-heatmap
    /// The size the raw uint8 data must have: leads × samples, or frames × rows × cols.
    [[nodiscard]] std::uint64_t expectedBytes() const;
};

struct InputDescriptor {
    DigestMethod digestMethod = DigestMethod::FileV1;
    std::string modality; ///< "ECG" or "US"
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string sopInstanceUID;
    /// `input.attributes` (optional, R2.1): attribute path → SHA-256 of that attribute's v2 encoding, as the
    /// signer's data had it; used only to name what changed when a v2 binding fails.
    std::vector<std::pair<std::string, std::string>> attributes;
};

/// At most this many `input.attributes` are accepted in a statement (a 12-lead ECG has about 400).
inline constexpr std::size_t kMaxInputAttributes = 20000;

/// True for an attribute path of R2.1: "GGGG,EEEE" (uppercase hexadecimal) segments joined by '/', every
/// segment but the last with an item index "[n]".
bool isValidAttributePath(std::string_view path);

struct FindingStatement {
    std::string subjectName;
    std::string subjectDigest; ///< subject[0].digest.sha256
    ModelRef model;
    TimePoint producedAt{};
    std::string producedAtText; ///< as signed
    InputDescriptor input;
    std::vector<Finding> findings;
    std::vector<AttachmentRef> attachments;
    json::Value predicate; ///< the signed predicate as parsed (for echoing the findings exactly)
};

/// Parses an (authenticated) payload as an in-toto Statement v1 with the finding predicate, checking every
/// field's presence, type and range, and refusing unknown fields. The error names the offending field.
Expected<FindingStatement, std::string> parseFindingStatement(std::string_view payload);

/// As parseFindingStatement() for an already parsed statement.
Expected<FindingStatement, std::string> readFindingStatement(const json::Value& statement);

/// True for an attachment name as the specification allows it: [A-Za-z0-9._-]{1,64}, and not "." or "..".
bool isValidAttachmentName(std::string_view name);

/// True for a DICOM UID: 1–64 characters of digits and dots, components without leading zeros.
bool isValidUid(std::string_view uid);

} // namespace veridicor::verify
