#pragma once

#include <QDialog>
#include <QString>

class QLineEdit;

namespace veridicor::ui {

/// Settings of the findings: the trust store folder findings are verified against, and the audit log file
/// every display of a finding is appended to. The main window applies them when the dialog is accepted.
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const QString& trustStore, const QString& auditLog, QWidget* parent = nullptr);

    [[nodiscard]] QString trustStoreFolder() const;
    [[nodiscard]] QString auditLogFile() const;
    void setTrustStoreFolder(const QString& folder);
    void setAuditLogFile(const QString& file);

    /// The defaults: <config dir>/trust-store and <app data dir>/audit.log (QStandardPaths).
    static QString defaultTrustStoreFolder();
    static QString defaultAuditLogFile();

private:
    QLineEdit* m_trust = nullptr;
    QLineEdit* m_audit = nullptr;
};

} // namespace veridicor::ui
