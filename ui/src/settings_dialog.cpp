#include <veridicor/ui/settings_dialog.h>

#include "file_dialogs.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
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
    resize(720, 240);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout();

    auto row = [this](QLineEdit*& edit, const QString& text, bool folder) {
        auto* box = new QWidget(this);
        auto* h = new QHBoxLayout(box);
        h->setContentsMargins(0, 0, 0, 0);
        edit = new QLineEdit(text, box);
        auto* browse = new QPushButton(tr("Browse…"), box);
        h->addWidget(edit, 1);
        h->addWidget(browse);
        QLineEdit* target = edit;
        connect(browse, &QPushButton::clicked, this, [this, target, folder] {
            FileDialogRequest request;
            request.title = folder ? tr("Trust store folder") : tr("Audit log file");
            request.mode = folder ? QFileDialog::Directory : QFileDialog::AnyFile;
            request.accept = folder ? QFileDialog::AcceptOpen : QFileDialog::AcceptSave;
            request.directory = target->text();
            if (!folder) {
                request.options = QFileDialog::DontConfirmOverwrite; // the log is appended to, never replaced
            }
            openFileDialog(this, request,
                           [target](const QStringList& chosen) { target->setText(chosen.front()); });
        });
        return box;
    };
    form->addRow(tr("Trust store folder"), row(m_trust, trustStore, true));
    form->addRow(tr("Audit log file"), row(m_audit, auditLog, false));
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

} // namespace veridicor::ui
