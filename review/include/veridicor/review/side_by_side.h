#pragma once
/// \file
/// The AI's findings beside the clinician's statements for one study, one row per category
/// (review/README.md, "Side by side").
///
/// A side (the AI, the clinician) is **positive** in a category when it states at least one code of that
/// category that is not a normal statement (categories.h: `normal`); codes a stated code `implies` count for
/// the same side (marked `implied`). The row's state:
///  - **Agree**: both positive and every abnormal code of each side is compatible (categories.h:
///    `compatibleCodes`: equal, or one refines the other) with an abnormal code of the other side; or both
///    negative (no abnormal code on either side, whether or not a normal code was stated: a signed reading
///    is taken to have read the whole recording, so a category it does not mention is negative);
///  - **Disagree**: both positive, and some abnormal code of one side has no compatible code on the other
///    (different rhythms, different territories, LVH against LVH + left atrial enlargement);
///  - **AiOnly**: only the AI is positive; **ClinicianOnly**: only the clinician is positive.
///
/// "ECG: overall" (Normal / Abnormal / Borderline / Equivocal ECG) is a row of its own whose positivity is
/// derived: a side is positive there when it states Abnormal, Borderline or Equivocal ECG **or** is positive
/// in any other ECG category; its state is Agree when both sides are positive or both negative (there is
/// only one abnormal concept at this level). "Normal ECG" therefore makes no other category negative on its
/// own — every unstated category is negative anyway — but a side that states Normal ECG together with an
/// abnormal statement is contradicting itself: the abnormal statement counts and the overall row carries a
/// note naming the side.
///
/// Only trusted (verified) AI findings are matched. An untrusted one is listed in `notCounted` with "not
/// counted: not verified" and its reason, and never reaches a row. Codes of another scheme, unknown to the
/// table or of the other domain's categories (an ECG code in an echo study) are listed in `uncategorised`,
/// never put into a row.

#include <veridicor/reading/reading.h>
#include <veridicor/review/categories.h>
#include <veridicor/verify/finding.h>

#include <string>
#include <vector>

namespace veridicor::review {

struct AiFinding {
    std::string id;          ///< the finding's id in its bundle
    verify::CodedConcept code;
    bool trusted = false;    ///< the bundle's verdict was trusted (verified)
    std::string reason;      ///< why it is not trusted (the verdict's reasons); empty when trusted
};

struct StudyInput {
    Domain domain = Domain::Ecg;
    std::vector<AiFinding> ai;
    std::vector<reading::CodedStatement> clinician; ///< the signed reading's statements
};

enum class RowState { Agree, Disagree, AiOnly, ClinicianOnly };

/// "agree", "disagree", "ai-only", "clinician-only".
std::string_view rowStateName(RowState state);

/// A code as placed in a row.
struct StatedCode {
    std::string value;       ///< SNOMED CT id
    std::string meaning;     ///< the table's meaning
    Territory territory = Territory::Unspecified;
    bool normal = false;
    bool implied = false;    ///< not stated itself: implied by `impliedBy`
    std::string impliedBy;
    std::string findingId;   ///< the AI finding it comes from; empty for the clinician
    friend bool operator==(const StatedCode&, const StatedCode&) = default;
};

struct Row {
    Category category = Category::EcgOverall;
    std::vector<StatedCode> ai;
    std::vector<StatedCode> clinician;
    bool aiPositive = false;
    bool clinicianPositive = false;
    RowState state = RowState::Agree;
    std::string note;        ///< e.g. a side stating Normal ECG with an abnormal statement; empty: none
};

enum class Side { Ai, Clinician };

/// A finding that is not counted because it is not verified.
struct NotCounted {
    std::string findingId;
    verify::CodedConcept code;
    std::string reason;      ///< "not counted: not verified" and the verdict's reasons
};

/// A code with no category for this study (another scheme, not in the table, or the other domain's).
struct Uncategorised {
    Side side = Side::Ai;
    std::string findingId;
    std::string scheme;
    std::string value;
    std::string meaning;
};

struct SideBySide {
    /// One row per category of the study's domain that has codes in the table (categories.h), in
    /// `allCategories()` order.
    std::vector<Row> rows;
    std::vector<NotCounted> notCounted;
    std::vector<Uncategorised> uncategorised;

    /// The row of a category, or nullptr when the study has none.
    [[nodiscard]] const Row* row(Category category) const;
};

SideBySide sideBySide(const StudyInput& input);

} // namespace veridicor::review
