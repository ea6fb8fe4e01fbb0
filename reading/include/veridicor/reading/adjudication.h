#pragma once
/// \file
/// An adjudication: a second reader's final label for each category in which the AI's verified findings and
/// the clinician's signed reading of a study disagree, with a reason, and its ADJUDICATION.json form
/// (`veridicor-cli adjudication-sign --adjudication`, `adjudication-verify`'s "adjudication" member):
///
///     {"reading": "<SOP Instance UID of the reading SR>",
///      "bundles": ["<SHA-256 of an AI finding bundle>"],
///      "categories": [{"category": "rhythm", "label": "positive",
///                      "codes": [{"scheme": "SCT", "value": "164889003", "meaning": "Atrial fibrillation",
///                                 "from": "ai"}],
///                      "reason": "Irregularly irregular without P waves in II and V1"}]}
///
/// The category is review/'s category id (review::categoryId: "rhythm", "ischaemia", …); reading/ does not
/// depend on review/, so it checks only the form of the id, and review/adjudicated_labels.h maps it (an
/// unknown id is refused there). Stored as a signed Comprehensive SR (adjudication_sr.h).

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/reading.h>
#include <veridicor/verify/json.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::reading {

inline constexpr std::size_t kMaxAdjudicatedCategories = 16; ///< more than review/ has categories
inline constexpr std::size_t kMaxAdjudicationCodes = 16;     ///< chosen codes per category
inline constexpr std::size_t kMaxAdjudicationBundles = 64;   ///< AI finding bundles referenced
inline constexpr std::size_t kMaxCategoryIdBytes = 32;
inline constexpr std::size_t kMaxAdjudicationJsonBytes = std::size_t{256} * 1024;

/// Which side of the side-by-side review a chosen code was taken from.
enum class CodeSide { Ai, Clinician };
/// "ai", "clinician".
std::string_view codeSideName(CodeSide side);

struct ChosenCode {
    std::string scheme{};  ///< "SCT"
    std::string value{};   ///< SNOMED CT concept id
    std::string meaning{};
    CodeSide from = CodeSide::Ai;
    friend bool operator==(const ChosenCode&, const ChosenCode&) = default;
};

/// The final label of one discordant category. A positive label names at least one code (what the category
/// is positive for, from either side); a negative one names none.
struct AdjudicatedCategory {
    std::string category{}; ///< review::categoryId(): lowercase letters and '-', at most 32
    bool positive = false;
    std::vector<ChosenCode> codes{};
    std::string reason{};   ///< required: why; at most kMaxReasonBytes, free text without control characters
    friend bool operator==(const AdjudicatedCategory&, const AdjudicatedCategory&) = default;
};

struct Adjudication {
    /// The SOP Instance UID of the reading SR adjudicated; may be left empty in ADJUDICATION.json (the writer
    /// sets it from the reading SR), never in a written SR.
    std::string reading{};
    /// SHA-256 (64 lowercase hex digits) of each AI finding bundle whose verified findings were adjudicated,
    /// as a reading's assessments name them; at least one, unique.
    std::vector<std::string> bundles{};
    /// At least one, each category once.
    std::vector<AdjudicatedCategory> categories{};
    friend bool operator==(const Adjudication&, const Adjudication&) = default;
};

/// Parses ADJUDICATION.json. Errors: TooLarge (over kMaxAdjudicationJsonBytes, a list or string over its
/// bound), Invalid (not JSON, a member missing, unknown or of the wrong type, a value out of its domain),
/// each naming the member ("adjudication.categories[0].reason must not be empty").
Expected<Adjudication, Error> parseAdjudicationJson(std::string_view text);

/// The bounds and domains parseAdjudicationJson() enforces, for adjudications built in code or read back
/// from an SR. `requireReading`: the reading UID must be set (a written SR). Errors: TooLarge, Invalid.
Expected<void, Error> validateAdjudication(const Adjudication& adjudication, bool requireReading = false);

/// The ADJUDICATION.json form (`indent` < 0: compact).
std::string adjudicationToJson(const Adjudication& adjudication, int indent = 2);
verify::json::Value adjudicationToJsonValue(const Adjudication& adjudication);

} // namespace veridicor::reading
