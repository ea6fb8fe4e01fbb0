#pragma once
/// \file
/// The labels of a signed, verified adjudication (reading/adjudication_sr.h) as the statistics count them:
/// review::AdjudicatedLabel per category, in place of the clinician's side (reviewed_study.h). Here rather
/// than in reading/ because the category ids are review's (categories.h) and review may depend on reading,
/// not the other way round.

#include <veridicor/base/expected.h>
#include <veridicor/reading/adjudication.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/review/categories.h>
#include <veridicor/review/reviewed_study.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::review {

/// The category whose categoryId() is `id`, or nullopt.
std::optional<Category> categoryFromId(std::string_view id);

/// One label per adjudicated category. Errors (a message): a category id that review does not know, or a
/// category adjudicated twice — never guessed, never dropped silently.
Expected<std::vector<AdjudicatedLabel>, std::string> adjudicatedLabels(const reading::Adjudication& adjudication);

/// The labels of a verified adjudication, for `study`: sets study.adjudicated, adjudicator and
/// adjudicationUid. Errors (a message, `study` unchanged): the verdict is not trusted (its reasons), it
/// settles another reading than study.readingUid, or adjudicatedLabels() refuses it.
Expected<void, std::string> applyAdjudication(ReviewedStudy& study, const reading::AdjudicationVerdict& verdict);

} // namespace veridicor::review
