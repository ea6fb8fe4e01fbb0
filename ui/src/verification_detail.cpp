#include "verification_detail.h"
#include "display_text.h"
#include "finding_presenter.h"

#include <veridicor/verify/keys.h>
#include <veridicor/verify/reason.h>

#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

/// A string from a file, a certificate or a payload, bounded and made visible.
QString shown(const std::string& s, int maxChars = kMaxNameChars) {
    return boundedText(s, maxChars, maxChars > kMaxNameChars);
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

QString joined(const std::vector<std::string>& items);

/// Signers as the policy names them: "dns:… (CA sha256:…)" under version 2, the bare name under version 1.
QString joined(const std::vector<verify::SignerRule>& rules) {
    std::vector<std::string> items;
    items.reserve(rules.size());
    for (const auto& r : rules) {
        items.push_back(r.caSpkiSha256.empty()
                            ? r.identity
                            : r.identity + " (CA sha256:" + r.caSpkiSha256.substr(0, 16) + "…)");
    }
    return joined(items);
}

QString joined(const std::vector<std::string>& items) {
    QStringList out;
    constexpr std::size_t kMaxItems = 20;
    for (const auto& s : items) {
        if (static_cast<std::size_t>(out.size()) == kMaxItems) {
            out << QObject::tr("… %1 in all").arg(items.size());
            break;
        }
        out << shown(s);
    }
    return out.isEmpty() ? QObject::tr("(none)") : out.join(QStringLiteral(", "));
}

/// A certificate. One of a chain that did not verify is labelled by its fingerprint only: the names it
/// claims (subject, issuer, identities) are anyone's choice and are not shown.
QGroupBox* certificateBox(const QString& title, const verify::CertificateInfo& c, bool vouchedFor,
                          QWidget* parent) {
    const QString sha256 = colonHex(QByteArray::fromHex(QByteArray::fromStdString(c.sha256Fingerprint)));
    auto* box = new QGroupBox(
        vouchedFor ? title : QObject::tr("%1: certificate SHA-256 %2").arg(title, sha256), parent);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    if (vouchedFor) {
        form->addRow(QObject::tr("Subject"), value(shown(c.subject, kMaxTextChars), box));
        form->addRow(QObject::tr("Issuer"), value(shown(c.issuer, kMaxTextChars), box));
        form->addRow(QObject::tr("Identities"), value(joined(c.identities), box));
    } else {
        form->addRow(
            QObject::tr("Names"),
            value(QObject::tr("Not shown: this certificate is not vouched for by the trust store, so "
                              "the names it claims are not displayed. It is identified by its "
                              "fingerprints."),
                  box));
    }
    form->addRow(QObject::tr("Valid from"), value(qs(verify::formatRfc3339(c.notBefore)), box));
    form->addRow(QObject::tr("Valid until"), value(qs(verify::formatRfc3339(c.notAfter)), box));
    form->addRow(QObject::tr("Key"), value(shown(c.keyDescription), box));
    form->addRow(QObject::tr("Signature algorithm"), value(shown(c.signatureAlgorithm), box));
    form->addRow(QObject::tr("Serial number"), value(shown(c.serialHex), box));
    form->addRow(QObject::tr("SHA-256 fingerprint"), value(sha256, box));
    const QByteArray der = derFromPem(c.pem);
    if (!der.isEmpty()) {
        form->addRow(QObject::tr("SHA-1 fingerprint"),
                     value(colonHex(QCryptographicHash::hash(der, QCryptographicHash::Sha1)), box));
    }
    return box;
}

void addChain(QVBoxLayout* layout, QWidget* parent, const verify::SignerInfo& signer) {
    const bool vouchedFor = signer.chainTrusted;
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
        layout->addWidget(certificateBox(role, chain[i], vouchedFor, parent));
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

/// Steps whose details quote the signed content (the model it names, its subject, its attachments).
bool quotesContent(verify::CheckId id) {
    switch (id) {
    case verify::CheckId::Envelope:
    case verify::CheckId::Chain:
    case verify::CheckId::Signature:
        return false;
    case verify::CheckId::Model:
    case verify::CheckId::Provenance:
    case verify::CheckId::Binding:
    case verify::CheckId::Attachments:
        return true;
    }
    return true;
}

/// What the detail column says about a check. Verification's own detail quotes the file (field names, the
/// certificates' names) or the signed content (model, subject, attachments): it is shown only where that is
/// vouched for — every check once the content may be shown (trusted, or shown anyway), the envelope, chain
/// and signature checks that passed against a trusted chain — else the result in our own words.
QString checkDetail(const verify::Check& c, bool contentShown, bool chainTrusted) {
    const bool vouched = contentShown || (!quotesContent(c.id) && c.ok() && chainTrusted);
    if (vouched && c.status == verify::CheckStatus::Failed) {
        // What it means first, in plain words; what verification found below.
        QStringList plain;
        for (const auto r : c.reasons) {
            plain << qs(std::string(verify::reasonExplanation(r)));
        }
        return plain.join(QLatin1Char(' ')) + QStringLiteral("\n") +
               boundedText(c.detail, kMaxTextChars, true);
    }
    if (vouched) {
        return boundedText(c.detail, kMaxTextChars, true);
    }
    switch (c.status) {
    case verify::CheckStatus::Passed:
        return QObject::tr("Passed.");
    case verify::CheckStatus::NotChecked:
        return QObject::tr("Not checked.");
    case verify::CheckStatus::Failed: {
        QStringList out;
        for (const auto r : c.reasons) {
            out << QStringLiteral("%1 (%2)").arg(qs(std::string(verify::reasonExplanation(r))),
                                                 qs(std::string(verify::reasonName(r))));
        }
        return out.join(QLatin1Char(' '));
    }
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
    setWindowTitle(tr("Verification of %1").arg(boundedText(entry.bundleFileName(), kMaxNameChars)));
    resize(960, 680);
    auto* layout = new QVBoxLayout(this);
    const verify::Verdict& v = *entry.checked.verdict;
    // What may be quoted: the content once it may be shown (trusted, or the reader chose "Show anyway");
    // certificates' names once the chain is vouched for by the trust store.
    const bool contentShown = entry.contentAllowed(); // the presenter's rule (ui/findings)
    const bool chainTrusted = v.signer && v.signer->chainTrusted;

    // One plain sentence first, for the clinician; what verification found (codes, digests, certificates)
    // below it.
    auto* lead = value(plainVerdict(entry), this);
    lead->setObjectName(QStringLiteral("plainVerdict"));
    lead->setStyleSheet(v.trusted() ? QStringLiteral("color: #1b7f3a; font-weight: bold; font-size: 11pt;")
                                    : QStringLiteral("color: #b00020; font-weight: bold; font-size: 11pt;"));
    layout->addWidget(lead);
    auto* verdict = value(v.trusted() ? tr("Verified: every check passed.")
                                      : tr("Untrusted: %1").arg(reasonTexts(v).join(QStringLiteral(" "))),
                          this);
    verdict->setStyleSheet(v.trusted() ? QStringLiteral("color: #1b7f3a;")
                                       : QStringLiteral("color: #b00020;"));
    layout->addWidget(verdict);
    auto* facts = new QFormLayout();
    facts->addRow(tr("Finding file"), value(boundedText(entry.checked.bundle.string(), kMaxTextChars), this));
    facts->addRow(tr("Checked against"),
                  value(tr("%1 (%2)").arg(boundedText(entry.checked.recording.string(), kMaxTextChars),
                                          qs(std::string(verify::routeDescription(entry.checked.route)))),
                        this));
    // The digest by the method the finding is bound by (authenticated), else the data's best one.
    const verify::DigestMethod shownMethod = v.boundMethod.value_or(v.input.method);
    const std::string* shownDigest = v.input.digestFor(shownMethod);
    facts->addRow(tr("Data digest"),
                  value(tr("%1 %2 (%3)")
                            .arg(qs(std::string(verify::digestMethodName(shownMethod))),
                                 shownDigest != nullptr ? qs(*shownDigest)
                                                        : tr("— the data cannot be bound by this method"),
                                 qs(v.input.kind)),
                        this));
    if (v.headerCovered.has_value()) {
        facts->addRow(tr("Header covered"),
                      value(*v.headerCovered
                                ? tr("Yes: the attributes that give the data its meaning are bound too")
                                : tr("No: only the samples or pixels are bound"),
                            this));
    }
    if (v.signedAt) {
        facts->addRow(tr("Signature timestamped"),
                      value(tr("%1 (RFC 3161; the certificate chain was judged at this time)")
                                .arg(qs(verify::formatRfc3339(*v.signedAt))),
                            this));
    }
    facts->addRow(tr("Checked at"), value(qs(verify::formatRfc3339(v.at)), this));
    facts->addRow(tr("Trust store"), value(trustStore, this));
    facts->addRow(tr("Finding file SHA-256"), value(qs(v.bundleSha256), this));
    layout->addLayout(facts);
    if (!contentShown) {
        auto* note = value(entry.otherRecording && v.authenticated
                               ? tr("This finding was made for another recording: details that quote its "
                                    "content (the model it names, what it was made for, its attachments) are "
                                    "not shown.")
                           : v.authenticated
                               ? tr("Details that quote this finding's content (the model it names, what it "
                                    "was made for, its attachments) are hidden until you choose Show "
                                    "anyway.")
                               : tr("This file did not authenticate: details that would quote it, its "
                                    "content or the names its certificates claim are not shown."),
                           this);
        note->setObjectName(QStringLiteral("hiddenDetailsNote"));
        layout->addWidget(note);
    }

    auto* tabs = new QTabWidget(this);
    layout->addWidget(tabs, 1);

    // The seven checks.
    // Labels in a grid rather than table cells: a cell elides a long detail with "…", a label wraps it.
    auto* checks = new QWidget();
    checks->setObjectName(QStringLiteral("checks"));
    auto* grid = new QGridLayout(checks);
    grid->setColumnStretch(3, 1);
    grid->setHorizontalSpacing(12);
    const QStringList headers{tr("Step"), tr("Check"), tr("Result"), tr("Details")};
    for (int col = 0; col < headers.size(); ++col) {
        auto* h = value(headers[col], checks);
        h->setStyleSheet(QStringLiteral("font-weight: bold;"));
        grid->addWidget(h, 0, col, Qt::AlignTop);
    }
    for (int row = 0; row < static_cast<int>(v.checks.size()); ++row) {
        const verify::Check& c = v.checks[static_cast<std::size_t>(row)];
        auto* result = value(statusText(c), checks);
        result->setStyleSheet(QStringLiteral("color: %1;")
                                  .arg(c.status == verify::CheckStatus::Passed   ? QStringLiteral("#1b7f3a")
                                       : c.status == verify::CheckStatus::Failed ? QStringLiteral("#b00020")
                                                                                 : QStringLiteral("#666666")));
        grid->addWidget(value(QString::number(row + 1), checks), row + 1, 0, Qt::AlignTop);
        grid->addWidget(value(checkTitle(c.id), checks), row + 1, 1, Qt::AlignTop);
        grid->addWidget(result, row + 1, 2, Qt::AlignTop);
        grid->addWidget(value(checkDetail(c, contentShown, chainTrusted), checks), row + 1, 3, Qt::AlignTop);
    }
    grid->setRowStretch(static_cast<int>(v.checks.size()) + 1, 1);
    tabs->addTab(scrolled(checks, tabs), tr("Checks"));

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
        if (contentShown) {
            nf->addRow(tr("Name"), value(shown(m.name), named));
            nf->addRow(tr("Version"), value(shown(m.version), named));
            nf->addRow(tr("Digest (OMS root, SHA-256)"), value(shown(m.digest), named));
        } else {
            nf->addRow(tr("Name"), value(tr("Hidden until you choose Show anyway."), named));
        }
        modelLayout->addWidget(named);

        auto* policy = new QGroupBox(tr("Approval in the trust policy (policy.json)"), modelPage);
        auto* pf = new QFormLayout(policy);
        if (v.approval) {
            pf->addRow(tr("Approved"),
                       value(tr("%1 %2").arg(shown(v.approval->name), shown(v.approval->version)), policy));
            pf->addRow(tr("Approved digest"), value(shown(v.approval->digest), policy));
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
            provLayout->addWidget(value(shown(v.provenance->detail, kMaxTextChars), prov));
            if (v.provenance->valid) {
                auto* pform = new QFormLayout();
                pform->addRow(tr("Signature file"),
                              value(shown(v.provenance->bundleFile.string(), kMaxTextChars), prov));
                pform->addRow(tr("Signed model name"), value(shown(v.provenance->modelName), prov));
                pform->addRow(tr("Signed digest"), value(shown(v.provenance->digest), prov));
                if (v.provenance->modelSigner) {
                    const auto& ms = *v.provenance->modelSigner;
                    pform->addRow(tr("Model signed by"),
                                  value(ms.authorizedAs.empty() ? joined(ms.identities)
                                                                : QString::fromStdString(ms.authorizedAs),
                                        prov));
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
