#pragma once
/// \file
/// The model monitor (monitor.h) run over a set of reviewed studies (reviewed_study.h), in the order the
/// readings were signed: what the worklist's "model behaviour changed" banner and the audit log's
/// "model-alert" entries show (review/README.md, "Model monitoring").

#include <veridicor/review/monitor.h>
#include <veridicor/review/reviewed_study.h>

#include <vector>

namespace veridicor::review {

/// Feeds every row of every study of `set` to a fresh ModelMonitor with `settings`, studies in ascending
/// `readingTime` (ties: reading UID, then study UID, so the result does not depend on the order the set was
/// collected in), and returns every alert in the order they fired. The clinician's side of a row is the one
/// the statistics count (`ReviewedStudy::referencePositive`: the adjudicated label where there is one).
/// Studies in `set.leftOut` are not counted (they are not in `studies`).
std::vector<Alert> monitorReviewSet(const ReviewSet& set, const MonitorSettings& settings = {});

} // namespace veridicor::review
