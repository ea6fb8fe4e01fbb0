#include <veridicor/review/reviewed_study.h>

#include <algorithm>

namespace veridicor::review {

const AdjudicatedLabel* ReviewedStudy::adjudicatedLabel(Category category) const {
    const auto it = std::find_if(adjudicated.begin(), adjudicated.end(),
                                 [category](const AdjudicatedLabel& l) { return l.category == category; });
    return it == adjudicated.end() ? nullptr : &*it;
}

bool ReviewedStudy::referencePositive(const Row& row) const {
    const AdjudicatedLabel* label = adjudicatedLabel(row.category);
    return label != nullptr ? label->positive : row.clinicianPositive;
}

void addReviewedStudy(AgreementGroups& groups, const ReviewedStudy& study) {
    for (const Row& r : study.sideBySide.rows) {
        const GroupKey key{study.modelName, study.modelVersion, r.category, study.reader};
        // An adjudicated row is counted with the adjudicator's label; a row still in disagreement (both
        // positive, incompatible codes) is counted as a disagreement only while no adjudication settled it.
        const AdjudicatedLabel* label = study.adjudicatedLabel(r.category);
        groups.add(key, r.aiPositive, study.referencePositive(r));
        if (label == nullptr && r.state == RowState::Disagree) {
            groups.countDisagreement(key);
        }
    }
}

} // namespace veridicor::review
