#include "stored_text.h"

#include <veridicor/base/text_bounds.h>
#include <veridicor/verify/verdict.h>
#include <veridicor/worklist/ai_summary.h>
#include <veridicor/worklist/severity.h>

#include <QStringList>

namespace veridicor::worklist {

AiSummary summarizeVerdicts(const std::vector<verify::Verdict>& verdicts) {
    AiSummary summary;
    for (const verify::Verdict& verdict : verdicts) {
        if (!verdict.trusted()) {
            // Quarantined: counted, never interpreted (its findings cannot raise the study).
            ++summary.quarantined;
            continue;
        }
        ++summary.trusted;
        if (!verdict.statement) {
            continue;
        }
        for (const verify::Finding& finding : verdict.statement->findings) {
            const Severity severity = severityOf(finding.code);
            if (summary.mostCritical && summary.mostCritical->rank >= severity.rank) {
                continue;
            }
            summary.mostCritical = CriticalFinding{storedText(finding.code.scheme, kMaxNameChars),
                                                   storedText(finding.code.value, kMaxNameChars),
                                                   storedText(finding.code.meaning, kMaxNameChars), severity.rank,
                                                   severity.label};
        }
    }
    return summary;
}

QString summaryText(const AiSummary& summary) {
    QStringList parts;
    if (summary.trusted > 0) {
        parts << QStringLiteral("%1 verified").arg(summary.trusted);
    }
    if (summary.quarantined > 0) {
        parts << QStringLiteral("%1 quarantined").arg(summary.quarantined);
    }
    QString text = parts.join(QStringLiteral(" · "));
    if (summary.mostCritical) {
        text += QStringLiteral(" — ") + summary.mostCritical->label;
    }
    return text;
}

} // namespace veridicor::worklist
