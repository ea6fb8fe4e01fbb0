#include <veridicor/ui/settings_dialog.h>

#include "file_dialogs.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace veridicor::ui {

QString SettingsDialog::defaultTrustStoreFolder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("trust-store"));
}

QString SettingsDialog::defaultAuditLogFile() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("audit.log"));
}

SettingsDialog::SettingsDialog(const QString& trustStore, const QString& auditLog, QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    resize(720, 340);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout();

    auto row = [this](QLineEdit*& edit, const QString& text, bool folder, bool pem = false) {
        auto* box = new QWidget(this);
        auto* h = new QHBoxLayout(box);
        h->setContentsMargins(0, 0, 0, 0);
        edit = new QLineEdit(text, box);
        auto* browse = new QPushButton(tr("Browse…"), box);
        h->addWidget(edit, 1);
        h->addWidget(browse);
        QLineEdit* target = edit;
        connect(browse, &QPushButton::clicked, this, [this, target, folder, pem] {
            FileDialogRequest request;
            request.title = folder ? tr("Trust store folder") : pem ? tr("PEM file") : tr("Audit log file");
            request.mode = folder ? QFileDialog::Directory
                           : pem  ? QFileDialog::ExistingFile
                                  : QFileDialog::AnyFile;
            request.accept = folder || pem ? QFileDialog::AcceptOpen : QFileDialog::AcceptSave;
            request.directory = target->text();
            if (!folder && !pem) {
                request.options = QFileDialog::DontConfirmOverwrite; // the log is appended to, never replaced
            }
            openFileDialog(this, request,
                           [target](const QStringList& chosen) { target->setText(chosen.front()); });
        });
        return box;
    };
    form->addRow(tr("Trust store folder"), row(m_trust, trustStore, true));
    form->addRow(tr("Audit log file"), row(m_audit, auditLog, false));
    form->addRow(tr("Your signing key (PEM)"), row(m_readerKey, QString(), false, true));
    form->addRow(tr("Your certificate chain (PEM)"), row(m_readerChain, QString(), false, true));
    m_blind = new QCheckBox(tr("Blind read: hide AI results until the reading is committed"), this);
    m_blind->setChecked(true);
    form->addRow(tr("Reading"), m_blind);
    m_monitorWindow = new QSpinBox(this);
    m_monitorWindow->setRange(10, 100000);
    m_monitorWindow->setValue(200);
    m_monitorWindow->setSuffix(tr(" readings"));
    m_monitorWindow->setToolTip(tr("How many readings of a model and category make its baseline (the first ones) "
                                   "and the rolling window the \"model behaviour changed\" alert compares with it. "
                                   "Longer: surer and slower detection."));
    form->addRow(tr("Model monitor window"), m_monitorWindow);
    layout->addLayout(form);
    auto* note = new QLabel(tr("The trust store holds anchors/*.pem, crls/*.pem, models/*.sig and "
                               "policy.json. Without a valid trust "
                               "store no finding is trusted. Every display of a finding is appended to the "
                               "audit log; a finding is not "
                               "shown when the log cannot be written.\nDefaults: %1 and %2.")
                                .arg(defaultTrustStoreFolder(), defaultAuditLogFile()),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString SettingsDialog::trustStoreFolder() const {
    return m_trust->text().trimmed();
}
QString SettingsDialog::auditLogFile() const {
    return m_audit->text().trimmed();
}
void SettingsDialog::setTrustStoreFolder(const QString& folder) {
    m_trust->setText(folder);
}
void SettingsDialog::setAuditLogFile(const QString& file) {
    m_audit->setText(file);
}

QString SettingsDialog::readerKeyFile() const {
    return m_readerKey->text().trimmed();
}
QString SettingsDialog::readerChainFile() const {
    return m_readerChain->text().trimmed();
}
bool SettingsDialog::blindRead() const {
    return m_blind->isChecked();
}
void SettingsDialog::setReaderKeyFile(const QString& file) {
    m_readerKey->setText(file);
}
void SettingsDialog::setReaderChainFile(const QString& file) {
    m_readerChain->setText(file);
}
void SettingsDialog::setBlindRead(bool on) {
    m_blind->setChecked(on);
}
int SettingsDialog::modelMonitorWindow() const {
    return m_monitorWindow->value();
}
void SettingsDialog::setModelMonitorWindow(int readings) {
    m_monitorWindow->setValue(readings);
}

} // namespace veridicor::ui
