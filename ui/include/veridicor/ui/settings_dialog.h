#pragma once

#include <QDialog>
#include <QString>

class QCheckBox;
class QLineEdit;
class QSpinBox;

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

    /// The clinician's reading: signing key and certificate chain (PEM files; empty: Sign is not available)
    /// and the site's blind read (AI results hidden until the reading is committed; on by default).
    [[nodiscard]] QString readerKeyFile() const;
    [[nodiscard]] QString readerChainFile() const;
    [[nodiscard]] bool blindRead() const;
    void setReaderKeyFile(const QString& file);
    void setReaderChainFile(const QString& file);
    void setBlindRead(bool on);

    /// The site's model monitor window: how many readings of a model and category make its baseline and its
    /// rolling window (review::MonitorSettings::window; default 200).
    [[nodiscard]] int modelMonitorWindow() const;
    void setModelMonitorWindow(int readings);

    /// The defaults: <config dir>/trust-store and <app data dir>/audit.log (QStandardPaths).
    static QString defaultTrustStoreFolder();
    static QString defaultAuditLogFile();

private:
    QLineEdit* m_trust = nullptr;
    QLineEdit* m_audit = nullptr;
    QLineEdit* m_readerKey = nullptr;
    QLineEdit* m_readerChain = nullptr;
    QCheckBox* m_blind = nullptr;
    QSpinBox* m_monitorWindow = nullptr;
};

} // namespace veridicor::ui
