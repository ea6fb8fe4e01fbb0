#include <veridicor/review/review_monitor.h>

#include <algorithm>
#include <tuple>

namespace veridicor::review {

std::vector<Alert> monitorReviewSet(const ReviewSet& set, const MonitorSettings& settings) {
    std::vector<const ReviewedStudy*> order;
    order.reserve(set.studies.size());
    for (const ReviewedStudy& s : set.studies) {
        order.push_back(&s);
    }
    std::stable_sort(order.begin(), order.end(), [](const ReviewedStudy* a, const ReviewedStudy* b) {
        return std::tie(a->readingTime, a->readingUid, a->studyUid) <
               std::tie(b->readingTime, b->readingUid, b->studyUid);
    });
    ModelMonitor monitor(settings);
    std::vector<Alert> alerts;
    for (const ReviewedStudy* s : order) {
        for (const Row& row : s->sideBySide.rows) {
            auto fired = monitor.add(s->modelName, s->modelVersion, row.category, row.aiPositive,
                                     s->referencePositive(row));
            alerts.insert(alerts.end(), fired.begin(), fired.end());
        }
    }
    return alerts;
}

} // namespace veridicor::review
