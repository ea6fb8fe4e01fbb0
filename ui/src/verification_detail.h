#pragma once

#include "finding_session.h"

#include <QDialog>

namespace veridicor::ui {

/// The verification detail view of one finding bundle: the seven checks (pass/fail and what was found), the
/// signer's certificate chain (subject, issuer, validity, key type, fingerprints) and the model's provenance
/// (who signed the model, its digest, its approval in the policy). Shows no finding content of a quarantined
/// bundle: only what verification found.
class VerificationDetailDialog : public QDialog {
    Q_OBJECT
public:
    VerificationDetailDialog(const FindingEntry& entry, const QString& trustStore, QWidget* parent = nullptr);
};

} // namespace veridicor::ui
