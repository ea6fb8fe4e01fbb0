// Untrusted text never reaches a widget: the verification detail view and the findings panel show
// nothing an attacker chose — a bundle's unknown field names or values, the names an unverified certificate
// claims, the strings of an authenticated but untrusted payload (until "Show anyway") — and every string that
// does reach a widget is bounded and has its invisible characters made visible. A bundle whose signature and
// chain verified but whose statement is malformed is said to be malformed, not unsigned.
#include "findings_test_support.h"

#include <QApplication>
#include <QDialog>
#include <QProcess>
#include <QStandardPaths>
#include <QTabWidget>

using namespace veridicor;
using namespace veridicor::test;

namespace {

/// openssl's own SHA-256 fingerprint of a PEM certificate ("AB:CD:…").
QString opensslSha256Fingerprint(const std::string& pem) {
    QProcess p;
    p.start(QStringLiteral("openssl"), {QStringLiteral("x509"), QStringLiteral("-noout"),
                                        QStringLiteral("-fingerprint"), QStringLiteral("-sha256")});
    p.write(pem.data(), static_cast<qint64>(pem.size()));
    p.closeWriteChannel();
    p.waitForFinished(10000);
    const QString out = QString::fromLatin1(p.readAllStandardOutput()).trimmed();
    return out.mid(out.indexOf(QLatin1Char('=')) + 1);
}

const QString kHostile = QStringLiteral("activate cath lab");

} // namespace

class TestUntrustedText : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;

    /// Every text of the window with each tab of the open detail dialog shown in turn.
    static QString allDetailTexts(Workstation& ws, QDialog* dialog) {
        QString all = ws.texts();
        auto* tabs = dialog->findChild<QTabWidget*>();
        for (int i = 0; tabs != nullptr && i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            all += QLatin1Char('\n') + ws.texts();
        }
        return all;
    }

    /// A case folder with the trusted bundle replaced by `bundle`.
    StudyCase caseWith(const std::string& name, const std::string& bundle) {
        StudyCase c = makeCase(*f, name, std::nullopt);
        writeAll(c.bundle, bundle);
        return c;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
    }

    void unauthenticatedBundleTextIsNeverShown_data() {
        QTest::addColumn<int>("variant");
        QTest::newRow("unknown top-level field named by the attacker") << 0;
        QTest::newRow("mediaType value chosen by the attacker") << 1;
    }
    void unauthenticatedBundleTextIsNeverShown() {
        QFETCH(int, variant);
        const std::string hostile = "Occlusion MI, anterior wall - " + kHostile.toStdString();
        const std::string bundle = editBundle(f->sign(f->pki.finding), [&](json::Value& d) {
            if (variant == 0) {
                d.set(hostile, json::Value::string("x"));
            } else {
                d.set("mediaType", json::Value::string("application/" + hostile));
            }
        });
        QVERIFY(f->verify(bundle).has(verify::Reason::Malformed));
        const StudyCase c = caseWith("envelope-" + std::to_string(variant), bundle);
        Workstation ws(*f, c.trustStore, qpath(f->root / ("audit-envelope" + std::to_string(variant))));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY2(!ws.texts().contains(kHostile), qPrintable(ws.texts()));
        QDialog* dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        const QString texts = allDetailTexts(ws, dialog);
        QVERIFY2(!texts.contains(kHostile), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(MALFORMED)")),
                 qPrintable(texts)); // the reason, in our words
        QVERIFY2(texts.contains(QStringLiteral("did not authenticate")), qPrintable(texts));
        dialog->close();
    }

    void namesClaimedByAnUnverifiedChainAreNotShown() {
        // A leaf under a root the trust store does not hold, naming itself with a reader-directed sentence.
        auto rootKey = PrivateKey::generate(KeyType::EcP256, 0);
        auto leafKey = PrivateKey::generate(KeyType::EcP256, 0);
        QVERIFY(rootKey && leafKey);
        CertificateSpec rootSpec;
        rootSpec.commonName = "Cardiology Dept Root - " + kHostile.toStdString();
        rootSpec.ca = true;
        rootSpec.notBefore = f->pki.now - std::chrono::days(30);
        rootSpec.notAfter = f->pki.now + std::chrono::days(300);
        auto root = issueCertificate(rootSpec, *rootKey, nullptr, *rootKey);
        QVERIFY(root.hasValue());
        CertificateSpec leafSpec = rootSpec;
        leafSpec.ca = false;
        leafSpec.commonName = "Dr Trustworthy - " + kHostile.toStdString();
        leafSpec.dnsNames = {"activate-cath-lab.example"};
        auto leaf = issueCertificate(leafSpec, *leafKey, &*root, *rootKey);
        QVERIFY(leaf.hasValue());
        auto identity = SigningIdentity::create(*leafKey, {*leaf, *root});
        QVERIFY(identity.hasValue());
        auto bundle = signFinding(*identity, ecgPredicate(f->modelDigest, f->producedAt()), f->input,
                                  f->root / "bundles");
        QVERIFY(bundle.hasValue());
        QCOMPARE(reasonsText(f->verify(*bundle)), std::string("UNTRUSTED_CHAIN"));
        const StudyCase c = caseWith("chain", *bundle);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-chain"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY2(!ws.texts().contains(kHostile), qPrintable(ws.texts()));
        QDialog* dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        const QString texts = allDetailTexts(ws, dialog);
        QVERIFY2(!texts.contains(kHostile) && !texts.contains(QStringLiteral("activate-cath-lab")),
                 qPrintable(texts));
        // Each certificate is there, named by its fingerprint (as openssl computes it).
        for (const Certificate* cert : {&*leaf, &*root}) {
            const QString fingerprint = opensslSha256Fingerprint(cert->pem());
            QVERIFY(fingerprint.size() > 60);
            QVERIFY2(texts.contains(fingerprint), qPrintable(fingerprint + QLatin1Char('\n') + texts));
        }
        QVERIFY2(texts.contains(QStringLiteral("(UNTRUSTED_CHAIN)")), qPrintable(texts));
        dialog->close();
    }

    void payloadStringsAreHiddenUntilShownAnyway() {
        // Authentic (signed under the trust store's root) but untrusted: the model it names is not approved.
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        p.find("model")->set("name", json::Value::string("cath-lab-activator"));
        const StudyCase c = caseWith("payload", f->sign(f->pki.finding, p));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-payload"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QDialog* dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        QString texts = allDetailTexts(ws, dialog);
        QVERIFY2(!texts.contains(QStringLiteral("cath-lab-activator")), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("(MODEL_NOT_APPROVED)")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("hidden until you choose Show anyway")), qPrintable(texts));
        // The authenticated chain is vouched for: its names may be shown.
        QVERIFY2(texts.contains(QString::fromLatin1(TestPki::kFindingSigner)), qPrintable(texts));
        dialog->close();

        QVERIFY(ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json")));
        dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        texts = allDetailTexts(ws, dialog);
        QVERIFY2(texts.contains(QStringLiteral("cath-lab-activator")), qPrintable(texts));
        dialog->close();
    }

    void anAuthenticButMalformedStatementIsSaidToBeMalformed() {
        // Signed under the trust store's root, but the payload is not a finding statement of the expected
        // form (its predicate type names something else).
        const std::string payload =
            R"({"_type": "https://in-toto.io/Statement/v1", "subject": [{"name": "x", "digest": {"sha256": ")" +
            std::string(64, 'a') + R"("}}], "predicateType": "urn:activate-cath-lab", "predicate": {}})";
        auto bundle = signDsseBundle(f->pki.identity(f->pki.finding), payload);
        QVERIFY(bundle.hasValue());
        const verify::Verdict v = f->verify(*bundle);
        QCOMPARE(reasonsText(v), std::string("MALFORMED"));
        QVERIFY(v.check(verify::CheckId::Chain).ok());
        const StudyCase c = caseWith("malformed", *bundle);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-malformed"));
        QVERIFY(ws.open({qpath(c.folder)}));
        const QString panel = ws.texts();
        QVERIFY2(panel.contains(QStringLiteral("the signed content is malformed")), qPrintable(panel));
        QVERIFY2(!panel.contains(QStringLiteral("did not verify")), qPrintable(panel));
        QVERIFY2(!panel.contains(QStringLiteral("Show anyway")), qPrintable(panel));
        QDialog* dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        const QString texts = allDetailTexts(ws, dialog);
        QVERIFY2(!texts.contains(QStringLiteral("activate-cath-lab")), qPrintable(texts));
        dialog->close();
        // And a bundle whose signature does not verify still says exactly that.
        const StudyCase bad = makeCase(*f, "malformed-bad-sig", verify::Reason::BadSignature);
        Workstation ws2(*f, bad.trustStore, qpath(f->root / "audit-malformed2"));
        QVERIFY(ws2.open({qpath(bad.folder)}));
        QVERIFY2(ws2.texts().contains(QStringLiteral("did not verify")), qPrintable(ws2.texts()));
        QVERIFY2(!ws2.texts().contains(QStringLiteral("malformed")), qPrintable(ws2.texts()));
    }

    void invisibleCharactersInAFileNameAreMadeVisible() {
        // A right-to-left override in the bundle's name would make "ecg.<RLO>nosj.gnp" read differently than
        // it is; the card shows it as \u{202E}.
        const StudyCase c = makeCase(*f, "rlo", verify::Reason::BadSignature);
        const std::filesystem::path renamed = c.folder / "ecg.\u202Evil.finding.json";
        std::filesystem::rename(c.bundle, renamed);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-rlo"));
        QVERIFY(ws.open({qpath(c.folder)}));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("ecg.\\u{202E}vil.finding.json")), qPrintable(texts));
        QVERIFY2(!texts.contains(QChar(0x202E)), qPrintable(texts));
    }

    void longStringsAreBounded() {
        // A trusted producer's 100,000-character finding text: shown cut, and said to be cut.
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        const std::string huge(100000, 'A');
        p.find("findings")->asArray()[0].set("text", json::Value::string(huge));
        const StudyCase c = caseWith("long", f->sign(f->pki.finding, p));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-long"));
        QVERIFY(ws.open({qpath(c.folder)}));
        const QStringList texts = ws.window.visibleTexts();
        bool cut = false;
        for (const QString& t : texts) {
            QVERIFY2(t.size() < 4000, qPrintable(QString::number(t.size())));
            cut = cut || (t.startsWith(QString(100, QLatin1Char('A'))) &&
                          t.contains(QStringLiteral("cut after 2000 characters")));
        }
        QVERIFY2(cut, qPrintable(texts.join(QLatin1Char('\n')).left(3000)));
    }
};

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    TestUntrustedText t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_untrusted_text.moc"
