#pragma once
/// \file
/// What the worklist says of a study's AI findings: how many bundles verified, how many were quarantined,
/// and the most critical finding among the verified ones. A quarantined bundle is counted and nothing else:
/// its findings are never read, so an untrusted finding can never raise a study in the severity-first order.

#include <QString>

#include <optional>
#include <vector>

namespace veridicor::verify {
struct Verdict;
} // namespace veridicor::verify

namespace veridicor::worklist {

struct CriticalFinding {
    QString scheme;  ///< bounded (base/text_bounds.h)
    QString value;   ///< bounded
    QString meaning; ///< bounded
    int rank = 0;    ///< severity.h
    QString label;   ///< severity.h's label, or the meaning for an unlisted code
    friend bool operator==(const CriticalFinding&, const CriticalFinding&) = default;
};

struct AiSummary {
    int trusted = 0;     ///< bundles whose verdict is Trusted
    int quarantined = 0; ///< bundles whose verdict is Untrusted
    std::optional<CriticalFinding> mostCritical; ///< among trusted bundles' findings only
    [[nodiscard]] int rank() const { return mostCritical ? mostCritical->rank : 0; }
    friend bool operator==(const AiSummary&, const AiSummary&) = default;
};

/// The summary of the verdicts of one study's bundles. Ties in rank keep the first finding met.
AiSummary summarizeVerdicts(const std::vector<verify::Verdict>& verdicts);

/// "2 verified · 1 quarantined — Acute STEMI"; "1 quarantined"; "" when the study has no bundles.
QString summaryText(const AiSummary& summary);

} // namespace veridicor::worklist
