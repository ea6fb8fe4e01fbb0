#include <veridicor/review/adjudicated_labels.h>

#include <algorithm>

namespace veridicor::review {

std::optional<Category> categoryFromId(std::string_view id) {
    for (const Category c : allCategories()) {
        if (categoryId(c) == id) {
            return c;
        }
    }
    return std::nullopt;
}

Expected<std::vector<AdjudicatedLabel>, std::string> adjudicatedLabels(const reading::Adjudication& adjudication) {
    std::vector<AdjudicatedLabel> out;
    for (const auto& c : adjudication.categories) {
        const std::optional<Category> category = categoryFromId(c.category);
        if (!category) {
            return Unexpected{"the adjudication names the category \"" + c.category.substr(0, 32) +
                              "\", which the review does not have"};
        }
        if (std::any_of(out.begin(), out.end(), [&](const AdjudicatedLabel& l) { return l.category == *category; })) {
            return Unexpected{"the adjudication settles the category \"" + c.category + "\" twice"};
        }
        out.push_back(AdjudicatedLabel{*category, c.positive, c.reason});
    }
    return out;
}

Expected<void, std::string> applyAdjudication(ReviewedStudy& study, const reading::AdjudicationVerdict& verdict) {
    if (!verdict.trusted() || !verdict.document) {
        std::string reasons;
        for (const auto r : verdict.reasons) {
            reasons += (reasons.empty() ? "" : ", ") + std::string(reading::readingReasonName(r));
        }
        return Unexpected{"adjudication untrusted: " + (reasons.empty() ? std::string("not verified") : reasons)};
    }
    const reading::AdjudicationDocument& d = *verdict.document;
    if (d.adjudication.reading != study.readingUid) {
        return Unexpected{std::string("the adjudication settles another reading than the one in force")};
    }
    auto labels = adjudicatedLabels(d.adjudication);
    if (!labels) {
        return Unexpected{labels.error()};
    }
    study.adjudicated = std::move(*labels);
    study.adjudicator = d.verifyingObserverName;
    study.adjudicationUid = d.sopInstanceUID;
    return {};
}

} // namespace veridicor::review
