#include "verification_detail.h"

#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>

#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QLabel* value(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

/// "AB:CD:…" as `openssl x509 -fingerprint` prints it.
QString colonHex(const QByteArray& raw) {
    return QString::fromLatin1(raw.toHex(':').toUpper());
}

QByteArray derFromPem(const std::string& pem) {
    QByteArray body;
    bool inside = false;
    for (const QByteArray& line : QByteArray::fromStdString(pem).split('\n')) {
        const QByteArray t = line.trimmed();
        if (t.startsWith("-----BEGIN")) {
            inside = true;
        } else if (t.startsWith("-----END")) {
            break;
        } else if (inside) {
            body += t;
        }
    }
    return QByteArray::fromBase64(body);
}

QString joined(const std::vector<std::string>& items) {
    QStringList out;
    for (const auto& s : items) {
        out << qs(s);
    }
    return out.isEmpty() ? QObject::tr("(none)") : out.join(QStringLiteral(", "));
}

QGroupBox* certificateBox(const QString& title, const verify::CertificateInfo& c, QWidget* parent) {
    auto* box = new QGroupBox(title, parent);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(QObject::tr("Subject"), value(qs(c.subject), box));
    form->addRow(QObject::tr("Issuer"), value(qs(c.issuer), box));
    form->addRow(QObject::tr("Identities"), value(joined(c.identities), box));
    form->addRow(QObject::tr("Valid from"), value(qs(verify::formatRfc3339(c.notBefore)), box));
    form->addRow(QObject::tr("Valid until"), value(qs(verify::formatRfc3339(c.notAfter)), box));
    form->addRow(QObject::tr("Key"), value(qs(c.keyDescription), box));
    form->addRow(QObject::tr("Signature algorithm"), value(qs(c.signatureAlgorithm), box));
    form->addRow(QObject::tr("Serial number"), value(qs(c.serialHex), box));
    form->addRow(QObject::tr("SHA-256 fingerprint"),
                 value(colonHex(QByteArray::fromHex(QByteArray::fromStdString(c.sha256Fingerprint))), box));
    const QByteArray der = derFromPem(c.pem);
    if (!der.isEmpty()) {
        form->addRow(QObject::tr("SHA-1 fingerprint"),
                     value(colonHex(QCryptographicHash::hash(der, QCryptographicHash::Sha1)), box));
    }
    return box;
}

void addChain(QVBoxLayout* layout, QWidget* parent, const verify::SignerInfo& signer) {
    const auto& chain = signer.chain;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        QString role;
        if (i == 0) {
            role = QObject::tr("Signer (leaf certificate)");
        } else if (i + 1 == chain.size() && signer.chainTrusted) {
            role = QObject::tr("Trust anchor (root certificate in the trust store)");
        } else {
            role = QObject::tr("Issuing certificate %1").arg(i);
        }
        layout->addWidget(certificateBox(role, chain[i], parent));
    }
}

QString statusText(const verify::Check& c) {
    switch (c.status) {
    case verify::CheckStatus::Passed:
        return QObject::tr("Passed");
    case verify::CheckStatus::Failed: {
        QStringList codes;
        for (const auto r : c.reasons) {
            codes << qs(std::string(verify::reasonName(r)));
        }
        return QObject::tr("Failed (%1)").arg(codes.join(QStringLiteral(", ")));
    }
    case verify::CheckStatus::NotChecked:
        return QObject::tr("Not checked");
    }
    return QObject::tr("Not checked");
}

QString checkTitle(verify::CheckId id) {
    switch (id) {
    case verify::CheckId::Envelope:
        return QObject::tr("Envelope (format)");
    case verify::CheckId::Chain:
        return QObject::tr("Certificate chain");
    case verify::CheckId::Signature:
        return QObject::tr("Signature");
    case verify::CheckId::Model:
        return QObject::tr("Model approval");
    case verify::CheckId::Provenance:
        return QObject::tr("Model provenance");
    case verify::CheckId::Binding:
        return QObject::tr("Bound to this recording");
    case verify::CheckId::Attachments:
        return QObject::tr("Attachments and time");
    }
    return {};
}

QWidget* scrolled(QWidget* content, QWidget* parent) {
    auto* scroll = new QScrollArea(parent);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    return scroll;
}

} // namespace

VerificationDetailDialog::VerificationDetailDialog(const FindingEntry& entry, const QString& trustStore,
                                                   QWidget* parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("verificationDetail"));
    setWindowTitle(tr("Verification of %1").arg(entry.bundleFileName()));
    resize(960, 680);
    auto* layout = new QVBoxLayout(this);
    const verify::Verdict& v = *entry.checked.verdict;

    auto* verdict = value(v.trusted() ? tr("Trusted: every check passed.")
                                      : tr("Untrusted: %1").arg(reasonTexts(v).join(QStringLiteral(" "))),
                          this);
    verdict->setStyleSheet(v.trusted() ? QStringLiteral("color: #1b7f3a; font-weight: bold;")
                                       : QStringLiteral("color: #b00020; font-weight: bold;"));
    layout->addWidget(verdict);
    auto* facts = new QFormLayout();
    facts->addRow(tr("Finding file"), value(qs(entry.checked.bundle.string()), this));
    facts->addRow(tr("Checked against"),
                  value(tr("%1 (%2)").arg(qs(entry.checked.recording.string()),
                                          qs(std::string(verify::routeDescription(entry.checked.route)))),
                        this));
    facts->addRow(tr("Data digest"), value(tr("%1 %2 (%3)")
                                               .arg(qs(std::string(verify::digestMethodName(v.input.method))),
                                                    qs(v.input.digest), qs(v.input.kind)),
                                           this));
    facts->addRow(tr("Checked at"), value(qs(verify::formatRfc3339(v.at)), this));
    facts->addRow(tr("Trust store"), value(trustStore, this));
    facts->addRow(tr("Finding file SHA-256"), value(qs(v.bundleSha256), this));
    layout->addLayout(facts);

    auto* tabs = new QTabWidget(this);
    layout->addWidget(tabs, 1);

    // The seven checks.
    auto* table = new QTableWidget(static_cast<int>(v.checks.size()), 4, tabs);
    table->setObjectName(QStringLiteral("checks"));
    table->setHorizontalHeaderLabels({tr("Step"), tr("Check"), tr("Result"), tr("Details")});
    table->verticalHeader()->hide();
    table->setWordWrap(true);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    for (int row = 0; row < static_cast<int>(v.checks.size()); ++row) {
        const verify::Check& c = v.checks[static_cast<std::size_t>(row)];
        auto* result = new QTableWidgetItem(statusText(c));
        result->setForeground(c.status == verify::CheckStatus::Passed   ? QColor(0x1b, 0x7f, 0x3a)
                              : c.status == verify::CheckStatus::Failed ? QColor(0xb0, 0x00, 0x20)
                                                                        : QColor(0x66, 0x66, 0x66));
        table->setItem(row, 0, new QTableWidgetItem(QString::number(row + 1)));
        table->setItem(row, 1, new QTableWidgetItem(checkTitle(c.id)));
        table->setItem(row, 2, result);
        table->setItem(row, 3, new QTableWidgetItem(qs(c.detail)));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    table->resizeRowsToContents();
    tabs->addTab(table, tr("Checks"));

    // The signer's certificate chain.
    auto* chainPage = new QWidget();
    auto* chainLayout = new QVBoxLayout(chainPage);
    if (!v.signer) {
        chainLayout->addWidget(value(tr("The file carries no readable signing certificate."), chainPage));
    } else {
        if (!v.signer->chainTrusted) {
            chainLayout->addWidget(
                value(tr("This chain did not verify against the trust store: the certificates "
                         "below are what the file claims, not proof of who signed it."),
                      chainPage));
        }
        addChain(chainLayout, chainPage, *v.signer);
    }
    chainLayout->addStretch(1);
    tabs->addTab(scrolled(chainPage, tabs), tr("Signer certificate chain"));

    // The model's provenance.
    auto* modelPage = new QWidget();
    auto* modelLayout = new QVBoxLayout(modelPage);
    if (!v.authenticated || !v.statement) {
        modelLayout->addWidget(
            value(tr("Not checked: the content of this finding is not authenticated, so the model "
                     "it names is not read."),
                  modelPage));
    } else {
        const auto& m = v.statement->model;
        auto* named = new QGroupBox(tr("Model named by the finding"), modelPage);
        auto* nf = new QFormLayout(named);
        nf->addRow(tr("Name"), value(qs(m.name), named));
        nf->addRow(tr("Version"), value(qs(m.version), named));
        nf->addRow(tr("Digest (OMS root, SHA-256)"), value(qs(m.digest), named));
        modelLayout->addWidget(named);

        auto* policy = new QGroupBox(tr("Approval in the trust policy (policy.json)"), modelPage);
        auto* pf = new QFormLayout(policy);
        if (v.approval) {
            pf->addRow(tr("Approved"),
                       value(tr("%1 %2").arg(qs(v.approval->name), qs(v.approval->version)), policy));
            pf->addRow(tr("Approved digest"), value(qs(v.approval->digest), policy));
            pf->addRow(tr("Modalities"), value(joined(v.approval->modalities), policy));
            pf->addRow(tr("Model signers"), value(joined(v.approval->modelSigners), policy));
            pf->addRow(tr("Finding signers"), value(joined(v.approval->findingSigners), policy));
        } else {
            pf->addRow(tr("Approved"),
                       value(tr("No: this model and version are not approved in the policy."), policy));
        }
        modelLayout->addWidget(policy);

        auto* prov = new QGroupBox(tr("Model signature (OpenSSF Model Signing v1.0)"), modelPage);
        auto* provLayout = new QVBoxLayout(prov);
        if (!v.provenance) {
            provLayout->addWidget(value(tr("Not checked: the model is not approved."), prov));
        } else {
            provLayout->addWidget(value(v.provenance->valid ? tr("Valid") : tr("Not valid"), prov));
            provLayout->addWidget(value(qs(v.provenance->detail), prov));
            if (v.provenance->valid) {
                auto* pform = new QFormLayout();
                pform->addRow(tr("Signature file"), value(qs(v.provenance->bundleFile.string()), prov));
                pform->addRow(tr("Signed model name"), value(qs(v.provenance->modelName), prov));
                pform->addRow(tr("Signed digest"), value(qs(v.provenance->digest), prov));
                if (v.provenance->modelSigner) {
                    pform->addRow(tr("Model signed by"),
                                  value(joined(v.provenance->modelSigner->identities), prov));
                }
                provLayout->addLayout(pform);
                if (v.provenance->modelSigner) {
                    addChain(provLayout, prov, *v.provenance->modelSigner);
                }
            }
        }
        modelLayout->addWidget(prov);
    }
    modelLayout->addStretch(1);
    tabs->addTab(scrolled(modelPage, tabs), tr("Model provenance"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace veridicor::ui
