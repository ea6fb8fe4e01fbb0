#pragma once
/// \file
/// One study as the review counts it: the side-by-side rows of one model's verified findings against the
/// signed, verified reading in force, and the adjudicated label of each category an adjudication settled
/// (review/README.md, "Reviewed studies"). A set of them is what the agreement statistics, the charts, the
/// model monitor and the `agreement` command work on; whatever could not be counted is in `leftOut`, with
/// the reason, so that a statistic never silently covers fewer studies than were given.

#include <veridicor/review/agreement.h>
#include <veridicor/review/categories.h>
#include <veridicor/review/side_by_side.h>

#include <cstdint>
#include <string>
#include <vector>

namespace veridicor::review {

/// The final label of one category, chosen by an adjudicator with a reason, from a signed and verified
/// adjudication. It replaces the clinician's side of that category in every statistic.
struct AdjudicatedLabel {
    Category category = Category::EcgOverall;
    bool positive = false;
    std::string reason{};
};

struct ReviewedStudy {
    std::string studyUid{};
    Domain domain = Domain::Ecg;
    std::string modelName{};        ///< of the verified findings counted in `sideBySide`
    std::string modelVersion{};
    std::string reader{};           ///< the signer of the reading in force (its display name)
    std::string readingUid{};       ///< SOP Instance UID of the reading's SR
    std::int64_t readingTime = 0;   ///< when the reading was signed: seconds since 1970-01-01 UTC
    SideBySide sideBySide{};        ///< this model's findings against the reading
    std::vector<AdjudicatedLabel> adjudicated{}; ///< empty: not adjudicated
    std::string adjudicator{};      ///< the signer of the adjudication; empty: none
    std::string adjudicationUid{};  ///< SOP Instance UID of the adjudication SR; empty: none

    /// The adjudicated label of a category, or nullptr.
    [[nodiscard]] const AdjudicatedLabel* adjudicatedLabel(Category category) const;
    /// The clinician's side of a row as the statistics count it: the adjudicated label when there is one.
    [[nodiscard]] bool referencePositive(const Row& row) const;
};

/// Something given to the review that is not counted, and why ("reading untrusted: BAD_SIGNATURE", "no
/// verified AI finding", "no signed reading").
struct LeftOut {
    std::string path{};     ///< the file (or folder) concerned
    std::string studyUid{}; ///< empty when not known
    std::string reason{};
};

struct ReviewSet {
    std::vector<ReviewedStudy> studies{};
    std::vector<LeftOut> leftOut{};
};

/// Adds every row of a reviewed study to `groups`, under its model, version, reader and category, with the
/// adjudicated label in place of the clinician's where there is one.
void addReviewedStudy(AgreementGroups& groups, const ReviewedStudy& study);

} // namespace veridicor::review
