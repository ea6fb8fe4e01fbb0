// The findings panel in the main window: every display is audited (and nothing is shown when the audit log
// cannot be written), a missing trust store trusts nothing, selection and visibility reach the view, the
// verification detail view shows the checks, the certificate chain (fingerprints as openssl prints them) and
// the model's provenance, the Settings dialog changes the trust store, File › Open findings routes by the
// signed subject, and what is displayed comes from memory, not from a second read of the files.
#include "findings_test_support.h"
#include "test_data.h"

#include <veridicor/ui/settings_dialog.h>
#include <veridicor/verify/audit_log.h>

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>

using namespace veridicor;
using namespace veridicor::test;
namespace fs = std::filesystem;

namespace {

QList<QJsonObject> auditLines(const QString& log) {
    QList<QJsonObject> out;
    QFile f(log);
    if (!f.open(QIODevice::ReadOnly)) {
        return out;
    }
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (!line.trimmed().isEmpty()) {
            out << QJsonDocument::fromJson(line).object();
        }
    }
    return out;
}

/// openssl's own fingerprint of a PEM certificate ("AB:CD:…").
QString opensslFingerprint(const std::string& pem, const char* digest) {
    QProcess p;
    p.start(QStringLiteral("openssl"),
            {QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-fingerprint"),
             QLatin1Char('-') + QLatin1String(digest)});
    p.write(pem.data(), static_cast<qint64>(pem.size()));
    p.closeWriteChannel();
    p.waitForFinished(10000);
    const QString out = QString::fromLatin1(p.readAllStandardOutput()).trimmed();
    return out.mid(out.indexOf(QLatin1Char('=')) + 1);
}

template <class W> W* visibleChild(QWidget& root, const QString& name) {
    for (W* w : root.findChildren<W*>(name)) {
        if (w->isVisible()) {
            return w;
        }
    }
    return nullptr;
}

} // namespace

class TestFindingsPanel : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::string relevance;

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
        relevance = readAll(f->root / "bundles" / "f1-relevance.u8");
    }

    void theCardSaysWhoWasAuthorizedAndWhatIsNotCovered() {
        // A finding bound by dicom-waveform-v1 (accepted under a version 1 policy) is trusted, and its card
        // says that the recording's header is not covered; "Signed by" names the identity the policy
        // authorized, with its type.
        const StudyCase c = makeCase(*f, "header-blind", std::nullopt);
        verify::FindingSignOptions v1;
        v1.method = verify::DigestMethod::DicomWaveformV1;
        auto bundle = verify::signFinding(f->pki.identity(f->pki.finding),
                                          ecgPredicate(f->modelDigest, f->producedAt()), f->input,
                                          f->root / "bundles", v1);
        QVERIFY(bundle.hasValue());
        writeAll(c.bundle, *bundle);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-header-blind.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Verified")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("header is not covered")), qPrintable(texts));
        QVERIFY2(
            texts.contains(QStringLiteral("Signed by omi-inference.vendor-a.example (DNS name, authorized by "
                                          "the trust policy")),
            qPrintable(texts));
        // Bound by v2 (the default), the same finding carries no such warning.
        writeAll(c.bundle, f->sign(f->pki.finding));
        Workstation again(*f, c.trustStore, qpath(f->root / "audit-header-blind-2.log"));
        QVERIFY(again.open({qpath(c.folder)}));
        QVERIFY(showAndWait(again.window, qpath(c.recording)));
        QVERIFY(again.texts().contains(kFindingText));
        QVERIFY(!again.texts().contains(QStringLiteral("header is not covered")));
    }

    void everyDisplayIsAudited() {
        const StudyCase c = makeCase(*f, "audit", std::nullopt);
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.61";
        QVERIFY(other.write(c.folder / "other.dcm", EXS_LittleEndianExplicit, 5));
        const QString log = qpath(f->root / "audit-displays.log");
        Workstation ws(*f, c.trustStore, log);
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QVERIFY(ws.texts().contains(kFindingText));
        QVERIFY(showAndWait(ws.window, qpath(c.folder / "other.dcm")));
        QVERIFY(!ws.texts().contains(kFindingText));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QVERIFY(ws.texts().contains(kFindingText));

        // One line per display of the finding: when the study opened on ecg.dcm (the first instance) and the
        // two times it was shown again; none for the recording without findings.
        const auto lines = auditLines(log);
        QCOMPARE(lines.size(), 3);
        for (const QJsonObject& line : lines) {
            QCOMPARE(line.value(QStringLiteral("event")).toString(), QStringLiteral("display"));
            QCOMPARE(line.value(QStringLiteral("verdict")).toString(), QStringLiteral("trusted"));
            QCOMPARE(line.value(QStringLiteral("user")).toString(),
                     QString::fromStdString(verify::AuditLog::currentUser()));
            QVERIFY(!line.value(QStringLiteral("user")).toString().isEmpty());
            QCOMPARE(line.value(QStringLiteral("input"))
                         .toObject()
                         .value(QStringLiteral("sopInstanceUID"))
                         .toString(),
                     QString::fromStdString(f->ecg.sop));
            QCOMPARE(
                line.value(QStringLiteral("bundle")).toObject().value(QStringLiteral("sha256")).toString(),
                QString::fromStdString(qtSha256(readAll(c.bundle))));
            QVERIFY(line.value(QStringLiteral("detail"))
                        .toString()
                        .contains(QStringLiteral("f1 (SCT 401303003)")));
        }
        // The log is intact: by the library and by the real command-line tool.
        const auto report = verify::AuditLog::verify(log.toStdString());
        QVERIFY(report.hasValue() && report->intact);
        QCOMPARE(report->lines, static_cast<std::size_t>(lines.size()));
        QProcess cli;
        cli.start(test::buildDir() + QStringLiteral("/bin/veridicor-cli"),
                  {QStringLiteral("audit-verify"), log});
        QVERIFY(cli.waitForFinished(30000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
    }

    void nothingIsShownWhenTheAuditLogCannotBeWritten() {
        const StudyCase trusted = makeCase(*f, "audit-fail", std::nullopt);
        writeAll(f->root / "a-file", "not a folder");
        const QString log =
            qpath(f->root / "a-file" / "audit.log"); // its folder is a file: cannot be written
        {
            Workstation ws(*f, trusted.trustStore, log);
            QVERIFY(ws.open({qpath(trusted.folder)}));
            const QString texts = ws.texts();
            QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
            QVERIFY2(!texts.contains(kFindingMeaning), qPrintable(texts));
            QVERIFY2(texts.contains(QStringLiteral("audit log")) &&
                         texts.contains(QStringLiteral("could not be written")),
                     qPrintable(texts));
            QVERIFY(recordingView(ws.window)->received.empty());
        }
        // Show anyway fails closed the same way.
        const StudyCase replayed = makeCase(*f, "audit-fail-anyway", verify::Reason::SignerNotAuthorized);
        Workstation ws(*f, replayed.trustStore, log);
        QVERIFY(ws.open({qpath(replayed.folder)}));
        QVERIFY(!ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json")));
        QCOMPARE(ws.confirmations.size(), 1);
        const QString texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("could not be written")), qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());
    }

    void showAnywayAsksWithAWindowModalDialogThatDoesNotBlock() {
        // The real confirmation: a window-modal message box opened with open() — showFindingAnyway() returns
        // at once (no nested event loop), and the finding is shown only when the reader answers yes.
        const StudyCase c = makeCase(*f, "dialog", verify::Reason::SignerNotAuthorized);
        const QString log = qpath(f->root / "audit-dialog.log");
        Workstation ws(*f, c.trustStore, log);
        ws.window.setShowAnywayConfirmation({});
        QVERIFY(ws.open({qpath(c.folder)}));
        const QString id = QStringLiteral("ecg.finding.json");
        QSignalSpy answered(&ws.window, &ui::MainWindow::showAnywayAnswered);
        for (const bool yes : {false, true}) {
            QVERIFY(!ws.window.showFindingAnyway(id)); // asked, not yet answered
            auto* box = ws.window.findChild<QMessageBox*>(QStringLiteral("showAnywayConfirmation"));
            QVERIFY(box != nullptr);
            QTRY_VERIFY(box->isVisible());
            QCOMPARE(box->windowModality(), Qt::WindowModal);
            QVERIFY2(box->text().contains(QStringLiteral("(SIGNER_NOT_AUTHORIZED)")),
                     qPrintable(box->text()));
            QVERIFY(!ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));
            QVERIFY(!QFileInfo::exists(log));
            QAbstractButton* button = nullptr;
            for (QAbstractButton* b : box->buttons()) {
                if (yes ? b->text() == QStringLiteral("Show anyway, marked UNTRUSTED")
                        : box->buttonRole(b) == QMessageBox::RejectRole) {
                    button = b;
                }
            }
            QVERIFY(button != nullptr);
            button->click();
            QTRY_COMPARE(answered.size(), yes ? 2 : 1);
            QCOMPARE(answered.last().at(1).toBool(), yes);
            QCOMPARE(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText), yes);
            QCOMPARE(QFileInfo::exists(log), yes);
            const QPointer<QMessageBox> closed(box);
            QTRY_VERIFY(closed.isNull()); // closed and deleted: the next question is a new box
        }
    }

    void anAnswerForAVerdictThatChangedMeanwhileIsNotTaken() {
        // The question stays open while a new round replaces the verdict with other reasons: the late "yes"
        // was not given for this verdict, and nothing is shown.
        const StudyCase c = makeCase(*f, "late-answer", verify::Reason::SignerNotAuthorized);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-late.log"));
        ui::MainWindow::ShowAnywayAnswer pending;
        ws.window.setShowAnywayConfirmation(
            [&pending](const QString&, const QStringList&, const ui::MainWindow::ShowAnywayAnswer& answer) {
                pending = answer;
            });
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(!ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json")));
        QVERIFY(pending);
        VerifyFixture::PolicyOptions o;
        o.findingSigners = {"someone-else.example"};
        o.modalities = {"US"};
        QVERIFY(f->writeTrustStore("trust-late", o));
        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        ws.window.setTrustStoreFolder(qpath(f->trustDir("trust-late")));
        QVERIFY(checked.wait(30000));
        QSignalSpy answered(&ws.window, &ui::MainWindow::showAnywayAnswered);
        pending(true);
        QCOMPARE(answered.size(), 1);
        QVERIFY(!answered.first().at(1).toBool());
        QVERIFY(!ws.texts().contains(kFindingText));
        QVERIFY(recordingView(ws.window)->received.empty());
    }

    void withoutATrustStoreEveryFindingIsUntrusted() {
        const StudyCase c = makeCase(*f, "no-store", std::nullopt);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-nostore.log"));
        ws.window.setTrustStoreFolder(qpath(f->root / "there-is-no-trust-store"));
        QVERIFY(ws.open({qpath(c.folder)}));
        const QString texts = ws.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Untrusted")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("could not be loaded")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("none is trusted")), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("Show anyway")), qPrintable(texts));
        QVERIFY(recordingView(ws.window)->received.empty());
        QVERIFY(!ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json")));
    }

    void selectingAndHidingAFinding() {
        const StudyCase c = makeCase(*f, "select", std::nullopt);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-select.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        RecordingView* view = recordingView(ws.window);
        const QString key = QStringLiteral("ecg.finding.json#f1");
        QVERIFY(!ws.texts().contains(kMeasurement)); // measurements appear on selection

        // Select through the panel's own button.
        auto* select = visibleChild<QPushButton>(ws.window, QStringLiteral("selectFinding"));
        QVERIFY(select != nullptr);
        select->click();
        QCOMPARE(view->focused, QStringList{key});
        QVERIFY2(ws.texts().contains(kMeasurement), qPrintable(ws.texts()));
        QVERIFY(!ws.window.selectFinding(QStringLiteral("ecg.finding.json#nope")));

        // Hide it with the panel's check box: the overlay stays, invisible; the panel still lists it.
        auto* visible = visibleChild<QCheckBox>(ws.window, QStringLiteral("visibility"));
        QVERIFY(visible != nullptr && visible->isChecked() && visible->isEnabled());
        visible->click();
        QCOMPARE(view->received.size(), std::size_t{1});
        QVERIFY(!view->received.front().visible);
        QVERIFY(view->paintedTexts().isEmpty());
        QVERIFY(ws.texts().contains(kFindingText));
        visible = visibleChild<QCheckBox>(ws.window, QStringLiteral("visibility"));
        QVERIFY(visible != nullptr && !visible->isChecked());
        QVERIFY(ws.window.setFindingVisible(key, true));
        QVERIFY(view->received.front().visible);
        QVERIFY(!ws.window.setFindingVisible(QStringLiteral("nope#f1"), false));
    }

    void verificationDetailView() {
        const StudyCase c = makeCase(*f, "detail", std::nullopt);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-detail.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        auto* details = visibleChild<QPushButton>(ws.window, QStringLiteral("details"));
        QVERIFY(details != nullptr);
        details->click();
        auto* dialog = ws.window.findChild<QDialog*>(QStringLiteral("verificationDetail"));
        QVERIFY(dialog != nullptr && dialog->isVisible());
        QString texts = ws.texts();
        QCOMPARE(texts.count(QStringLiteral("\nPassed\n")), 7); // the seven checks
        for (const char* check : {"Envelope (format)", "Certificate chain", "Signature", "Model approval",
                                  "Model provenance", "Bound to this recording", "Attachments and time"}) {
            QVERIFY2(texts.contains(QString::fromLatin1(check)), check);
        }
        // It leads with one plain sentence, and the details wrap (labels, never cells that end in "…").
        auto* lead = dialog->findChild<QLabel*>(QStringLiteral("plainVerdict"));
        QVERIFY(lead != nullptr && lead->isVisible());
        QVERIFY2(lead->text().contains(QStringLiteral("not a diagnosis")), qPrintable(lead->text()));
        auto* checks = dialog->findChild<QWidget*>(QStringLiteral("checks"));
        QVERIFY(checks != nullptr);
        QVERIFY(checks->findChildren<QAbstractItemView*>().isEmpty());
        for (const QLabel* l : checks->findChildren<QLabel*>()) {
            QVERIFY(l->wordWrap());
        }
        // docs/screenshots/verification-details.png when VERIDICOR_UPDATE_SCREENSHOTS=1 (look at it before
        // committing).
        const QString shot =
            qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")
                ? QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/verification-details.png")
                : qpath(f->root / "verification-details.png");
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->grab().save(shot));
        dialog->close();

        // The chain and the provenance tabs, each shown in turn.
        dialog = ws.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        auto* tabs = dialog->findChild<QTabWidget*>();
        QVERIFY(tabs != nullptr);
        tabs->setCurrentIndex(1);
        texts = ws.texts();
        const verify::CertificateInfo leaf = f->pki.finding.cert.info();
        QVERIFY2(texts.contains(QString::fromStdString(leaf.subject)), qPrintable(texts));
        QVERIFY2(texts.contains(QString::fromStdString(f->pki.inter.cert.info().subject)), qPrintable(texts));
        QVERIFY2(texts.contains(QString::fromStdString(f->pki.root.cert.info().subject)), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("ECDSA P-256")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Trust anchor")), qPrintable(texts));
        for (const char* digest : {"sha256", "sha1"}) {
            const QString expected = opensslFingerprint(f->pki.finding.cert.pem(), digest);
            QVERIFY(expected.size() > 40);
            QVERIFY2(texts.contains(expected), qPrintable(expected + QLatin1Char('\n') + texts));
        }
        QVERIFY(texts.contains(QString::fromStdString(verify::formatRfc3339(leaf.notAfter))));
        tabs->setCurrentIndex(2);
        texts = ws.texts();
        QVERIFY2(texts.contains(QString::fromLatin1(TestPki::kModelSigner)), qPrintable(texts));
        QVERIFY2(texts.contains(QString::fromStdString(f->modelDigest)), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("ecg-omi-detector.sig")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Valid")), qPrintable(texts));
        dialog->close();

        // A tampered finding: the failing check, nothing of its content.
        const StudyCase bad = makeCase(*f, "detail-bad", verify::Reason::BadSignature);
        Workstation ws2(*f, bad.trustStore, qpath(f->root / "audit-detail2.log"));
        QVERIFY(ws2.open({qpath(bad.folder)}));
        dialog = ws2.window.openVerificationDetails(QStringLiteral("ecg.finding.json"));
        QVERIFY(dialog != nullptr);
        texts = ws2.texts();
        QVERIFY2(texts.contains(QStringLiteral("Failed (BAD_SIGNATURE)")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("could not be shown to come from a trusted signer")),
                 qPrintable(texts));
        QCOMPARE(texts.count(QStringLiteral("\nNot checked\n")), 4);
        for (int tab = 0; tab < 3; ++tab) {
            dialog->findChild<QTabWidget*>()->setCurrentIndex(tab);
            texts = ws2.texts();
            QVERIFY2(!texts.contains(kFindingText) && !texts.contains(QStringLiteral("No MI here")),
                     qPrintable(texts));
        }
    }

    void settingsDialogChangesTheTrustStore() {
        const StudyCase c = makeCase(*f, "settings", std::nullopt);
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-settings.log"));
        ws.window.setTrustStoreFolder(qpath(f->root / "missing-store"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(!ws.texts().contains(kFindingText));
        ui::SettingsDialog* dialog = ws.window.openSettings();
        QVERIFY(dialog != nullptr && dialog->isVisible());
        QCOMPARE(dialog->trustStoreFolder(), qpath(f->root / "missing-store"));
        dialog->setTrustStoreFolder(qpath(f->trustDir()));
        dialog->setAuditLogFile(qpath(f->root / "audit-settings-2.log"));
        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        dialog->accept();
        QVERIFY(checked.wait(30000));
        QVERIFY2(ws.texts().contains(kFindingText), qPrintable(ws.texts()));
        QCOMPARE(ws.window.trustStoreFolder(), qpath(f->trustDir()));
        QCOMPARE(QSettings().value(QStringLiteral("findings/trustStore")).toString(), qpath(f->trustDir()));
        QCOMPARE(auditLines(qpath(f->root / "audit-settings-2.log")).size(), 1);
        // The defaults live under the user's configuration and data folders.
        QVERIFY(ui::SettingsDialog::defaultTrustStoreFolder().startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)));
        QVERIFY(ui::SettingsDialog::defaultAuditLogFile().startsWith(
            QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    }

    void openFindingsFromAnotherFolder() {
        // The study folder has no finding; the vendor's folder has one under its own name: File › Open
        // findings routes it by its signed subject.
        const fs::path study = f->root / "open-findings-study";
        std::filesystem::create_directories(study);
        std::filesystem::copy_file(f->ecgPath, study / "ecg.dcm");
        const fs::path vendor = f->root / "open-findings-vendor";
        writeAll(vendor / "f1-relevance.u8", relevance);
        writeAll(vendor / "result-17.finding.json", f->sign(f->pki.finding));
        Workstation ws(*f, "trust", qpath(f->root / "audit-open.log"));
        QVERIFY(ws.open({qpath(study)}));
        QVERIFY(ws.texts().contains(QStringLiteral("No AI findings")));
        QSignalSpy checked(&ws.window, &ui::MainWindow::findingsChecked);
        ws.window.openFindings({qpath(vendor)});
        QVERIFY(checked.wait(30000));
        QVERIFY2(ws.texts().contains(kFindingText), qPrintable(ws.texts()));
        QCOMPARE(recordingView(ws.window)->received.size(), std::size_t{1});
        QCOMPARE(ws.window.findingIds(), QStringList{QStringLiteral("result-17.finding.json")});

        // Given while the study is still loading, they join the load: loadFinished already has them.
        Workstation ws2(*f, "trust", qpath(f->root / "audit-open2.log"));
        QSignalSpy loaded(&ws2.window, &ui::MainWindow::loadFinished);
        ws2.window.openPaths({qpath(study)});
        ws2.window.openFindings({qpath(vendor / "result-17.finding.json")});
        QVERIFY(loaded.wait(30000));
        QVERIFY2(ws2.texts().contains(kFindingText), qPrintable(ws2.texts()));
    }

    void displayComesFromMemoryNotFromASecondRead() {
        const StudyCase c = makeCase(*f, "memory", std::nullopt);
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.62";
        QVERIFY(other.write(c.folder / "other.dcm", EXS_LittleEndianExplicit, 6));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-memory.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        // After verification the files change on disk (or vanish): displays go on from the verified bytes.
        writeAll(c.folder / "f1-relevance.u8", std::string(relevance.size(), '\x55'));
        std::filesystem::remove(c.bundle);
        QVERIFY(showAndWait(ws.window, qpath(c.folder / "other.dcm")));
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        RecordingView* view = recordingView(ws.window);
        QCOMPARE(view->received.size(), std::size_t{1});
        QCOMPARE(view->received.front().relevance, QByteArray::fromStdString(relevance));
        QVERIFY(ws.texts().contains(kFindingText));
    }

    void aNewStudyWhileCheckingDropsTheOldRound() {
        const StudyCase a = makeCase(*f, "round-a", std::nullopt);
        const StudyCase b = makeCase(*f, "round-b", verify::Reason::DataMismatch);
        Workstation ws(*f, a.trustStore, qpath(f->root / "audit-rounds.log"));
        QVERIFY(ws.open({qpath(a.folder)}));
        QVERIFY(ws.texts().contains(kFindingText));
        // A new round for A starts (trust store set again), and B is opened while it may still run: whatever
        // finishes first, the window ends up with B's findings only, and loadFinished comes once, with them.
        QSignalSpy loaded(&ws.window, &ui::MainWindow::loadFinished);
        QString textsAtLoad;
        connect(&ws.window, &ui::MainWindow::loadFinished, this,
                [&] { textsAtLoad = ws.window.visibleTexts().join(QLatin1Char('\n')); });
        ws.window.setTrustStoreFolder(qpath(f->trustDir()));
        ws.window.openPaths({qpath(b.folder)});
        QVERIFY(loaded.wait(30000));
        QTest::qWait(200);
        QCOMPARE(loaded.size(), 1);
        QVERIFY2(textsAtLoad.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(textsAtLoad));
        QVERIFY2(!textsAtLoad.contains(kFindingText), qPrintable(textsAtLoad));
        QVERIFY(!ws.texts().contains(kFindingText));
        QVERIFY(recordingView(ws.window)->received.empty());
        QCOMPARE(ws.window.shownInstance(), qpath(b.recording));
    }

    void findingTextIsShownAsPlainText() {
        // A (trusted) producer's text with markup is shown as the characters it is, never rendered.
        const StudyCase c = makeCase(*f, "markup", std::nullopt);
        json::Value p = ecgPredicate(f->modelDigest, f->producedAt());
        const std::string markup = "<b style='color:green'>Trusted</b> <img src='x.png'> &amp; more";
        p.find("findings")->asArray()[0].set("text", json::Value::string(markup));
        writeAll(c.bundle, f->sign(f->pki.finding, p));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-markup.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QLabel* shown = nullptr;
        for (QLabel* l : ws.window.findChildren<QLabel*>()) {
            if (l->isVisible() && l->text() == QString::fromStdString(markup)) {
                shown = l;
            }
        }
        QVERIFY2(shown != nullptr, qPrintable(ws.texts()));
        QCOMPARE(shown->textFormat(), Qt::PlainText);
    }

    void findingsOfOtherRecordingsAndOfFilesNotOpen() {
        const StudyCase c = makeCase(*f, "others", std::nullopt);
        SyntheticEcg other = f->ecg;
        other.sop = "1.2.826.0.1.3680043.10.1001.63";
        QVERIFY(other.write(c.folder / "zz-other.dcm", EXS_LittleEndianExplicit, 7));
        Workstation ws(*f, c.trustStore, qpath(f->root / "audit-others.log"));
        QVERIFY(ws.open({qpath(c.folder)}));
        QVERIFY(showAndWait(ws.window, qpath(c.folder / "zz-other.dcm")));
        QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("No AI findings for zz-other.dcm")), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QPushButton* go = nullptr;
        for (QPushButton* b : ws.window.findChildren<QPushButton*>()) {
            if (b->isVisible() && b->text() == QStringLiteral("Show ecg.dcm (1 verified, 0 untrusted)")) {
                go = b;
            }
        }
        QVERIFY2(go != nullptr, qPrintable(texts));
        go->click();
        QCOMPARE(ws.window.shownInstance(), qpath(c.recording));
        QTRY_VERIFY(ws.texts().contains(kFindingText)); // once the view has opened it

        // Only zz-other.dcm opened: the finding beside it belongs to ecg.dcm, which is not open — not shown,
        // said.
        Workstation single(*f, c.trustStore, qpath(f->root / "audit-others2.log"));
        QVERIFY(single.open({qpath(c.folder / "zz-other.dcm")}));
        texts = single.texts();
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("ecg.finding.json (for ecg.dcm)")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("not open")), qPrintable(texts));
        QVERIFY(recordingView(single.window)->received.empty());
    }
};

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
    QApplication::setApplicationName(QStringLiteral("tst_findings_panel"));
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    TestFindingsPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_findings_panel.moc"
