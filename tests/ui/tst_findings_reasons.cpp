// For each reason code of finding-bundle-v1: an untrusted finding's text appears in no visible widget of the
// main window (views' painted texts included) and no overlay reaches the view — until "Show anyway", where
// the specification allows it (the content is authenticated); after that its text appears marked UNTRUSTED
// and its overlay reaches the view with trusted=false. And a trusted finding's text and overlay do appear.
#include "findings_test_support.h"

#include <veridicor/verify/audit_log.h>

#include <QApplication>
#include <QStandardPaths>

using namespace veridicor;
using namespace veridicor::test;

class TestFindingsReasons : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    std::string relevance; // the attachment as signed

    static void noneVisible(const QString& texts, const StudyCase& c) {
        QVERIFY2(!texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(!texts.contains(kFindingMeaning), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("ST elevation I")), qPrintable(texts));
        for (const QString& t : c.forbiddenTexts) {
            QVERIFY2(!texts.contains(t), qPrintable(texts));
        }
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        f = std::make_unique<VerifyFixture>(verify::now());
        QVERIFY2(f->setUp(), "fixture");
        relevance = readAll(f->root / "bundles" / "f1-relevance.u8");
    }

    void trustedFindingIsShownAndDrawn() {
        const StudyCase c = makeCase(*f, "trusted", std::nullopt);
        const QString log = qpath(f->root / "audit-trusted.log");
        Workstation ws(*f, c.trustStore, log);
        QStringList textsAtLoad;
        connect(&ws.window, &ui::MainWindow::loadFinished, this,
                [&] { textsAtLoad = ws.window.visibleTexts(); });
        QVERIFY(ws.open({qpath(c.folder)}));
        // loadFinished fires only once the finding is verified and in the panel.
        QVERIFY2(textsAtLoad.join(QLatin1Char('\n')).contains(kFindingText),
                 qPrintable(textsAtLoad.join(QLatin1Char('\n'))));
        const QString texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("Verified")), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("Trusted")), qPrintable(texts));     // says what was checked
        QCOMPARE(texts.count(QStringLiteral("Verification is not a diagnosis")), 1); // once, on the card
        QVERIFY2(texts.contains(kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(kFindingMeaning), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("ecg-omi-detector 2.1.0")), qPrintable(texts));
        QVERIFY2(texts.contains(QString::fromLatin1(TestPki::kFindingSigner)), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("confidence 93 %")), qPrintable(texts));
        QVERIFY2(!texts.contains(QStringLiteral("UNTRUSTED")), qPrintable(texts));
        RecordingView* view = recordingView(ws.window);
        QVERIFY(view != nullptr);
        QCOMPARE(view->received.size(), std::size_t{1});
        const registry::FindingOverlay& o = view->received.front();
        QVERIFY(o.trusted);
        QVERIFY(o.visible);
        QCOMPARE(o.key, QStringLiteral("ecg.finding.json#f1"));
        QCOMPARE(o.label, kFindingMeaning);
        QVERIFY(o.hasEcgRegion);
        QCOMPARE(o.leads, (QStringList{QStringLiteral("I"), QStringLiteral("II")}));
        QCOMPARE(o.startSeconds, 0.02);
        QCOMPARE(o.endSeconds, 0.1);
        QCOMPARE(o.relevanceLeads, (QStringList{QStringLiteral("I"), QStringLiteral("II")}));
        QCOMPARE(o.relevanceSamples, 100);
        QCOMPARE(o.relevance, QByteArray::fromStdString(relevance)); // the bytes that were signed
        QVERIFY(view->paintedTexts().contains(kFindingMeaning));
        QVERIFY(!ws.window.showFindingAnyway(QStringLiteral("ecg.finding.json"))); // nothing to "show anyway"
        QVERIFY(ws.confirmations.isEmpty());
    }

    void untrustedIsQuarantinedUntilShownAnyway_data() {
        QTest::addColumn<int>("reason");
        for (const verify::Reason r : verify::kAllReasons) {
            QTest::newRow(std::string(verify::reasonName(r)).c_str()) << static_cast<int>(r);
        }
    }
    void untrustedIsQuarantinedUntilShownAnyway() {
        QFETCH(int, reason);
        const auto r = static_cast<verify::Reason>(reason);
        const std::string code(verify::reasonName(r));
        const StudyCase c = makeCase(*f, code, r);

        // The case triggers exactly this reason (checked with the verifier directly, apart from the GUI).
        {
            auto store = verify::TrustStore::load(f->trustDir(c.trustStore));
            QVERIFY(store.hasValue());
            const auto input = verify::openInput(c.recording);
            QVERIFY(input.hasValue());
            const verify::Verdict v = verify::Verifier(*store).verify(
                readAll(c.bundle), *input, f->pki.now, verify::attachmentsFromFolder(c.folder));
            QCOMPARE(reasonsText(v), code);
        }

        const QString log = qpath(f->root / ("audit-" + code + ".log"));
        Workstation ws(*f, c.trustStore, log);
        QVERIFY(ws.open({qpath(c.folder)}));
        RecordingView* view = recordingView(ws.window);
        QVERIFY(view != nullptr);

        QString texts = ws.texts();
        noneVisible(texts, c);
        QVERIFY(view->received.empty()); // nothing drawn
        QVERIFY(view->paintedTexts().isEmpty());
        // The badge and the reason in plain words, with its code.
        QVERIFY2(texts.contains(QStringLiteral("Untrusted")), qPrintable(texts));
        const QString plain = QString::fromStdString(std::string(verify::reasonExplanation(r)));
        QVERIFY2(
            texts.contains(plain + QStringLiteral(" (") + QString::fromStdString(code) + QLatin1Char(')')),
            qPrintable(texts));
        QVERIFY(!QFileInfo::exists(log)); // nothing was displayed, nothing logged

        const QString id = QStringLiteral("ecg.finding.json");
        if (!c.canShowAnyway) {
            // No readable content: nothing is offered, and asking does nothing.
            QVERIFY2(!texts.contains(QStringLiteral("Show anyway…")), qPrintable(texts));
            QVERIFY2(texts.contains(c.otherRecording
                                        ? QStringLiteral("belongs to another recording")
                                        : QStringLiteral("nothing in this file can be read or shown")),
                     qPrintable(texts));
            QVERIFY(!ws.window.showFindingAnyway(id));
            QVERIFY(ws.confirmations.isEmpty());
            noneVisible(ws.texts(), c);
            QVERIFY(view->received.empty());
            return;
        }

        QVERIFY2(texts.contains(QStringLiteral("Show anyway…")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Quarantined")), qPrintable(texts));
        // Refusing the confirmation keeps it quarantined.
        ws.confirm = false;
        QVERIFY(!ws.window.showFindingAnyway(id));
        QCOMPARE(ws.confirmations, QStringList{id});
        noneVisible(ws.texts(), c);
        QVERIFY(view->received.empty());
        QVERIFY(!QFileInfo::exists(log));

        // Confirmed: shown, marked UNTRUSTED wherever it appears, drawn with trusted=false, logged.
        ws.confirm = true;
        QVERIFY(ws.window.showFindingAnyway(id));
        texts = ws.texts();
        QVERIFY2(texts.contains(QStringLiteral("UNTRUSTED: ") + kFindingText), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("UNTRUSTED — shown anyway")), qPrintable(texts));
        QVERIFY2(texts.contains(plain), qPrintable(texts)); // the reason stays in view
        QCOMPARE(view->received.size(), std::size_t{1});
        const registry::FindingOverlay& o = view->received.front();
        QVERIFY(!o.trusted);
        QVERIFY(o.hasEcgRegion);
        QVERIFY(view->paintedTexts().contains(QStringLiteral("UNTRUSTED ") + kFindingMeaning));
        if (r == verify::Reason::AttachmentMismatch) {
            QVERIFY(o.relevance.isEmpty()); // the changed attachment never reaches the view
        } else {
            QCOMPARE(o.relevance, QByteArray::fromStdString(relevance));
        }
        const auto report = verify::AuditLog::verify(log.toStdString());
        QVERIFY(report.hasValue());
        QVERIFY(report->intact);
        QCOMPARE(report->lines, std::size_t{1});
        QFile logFile(log);
        QVERIFY(logFile.open(QIODevice::ReadOnly));
        const QByteArray line = logFile.readAll();
        QVERIFY2(line.contains("\"event\":\"show-anyway\""), line.constData());
        QVERIFY2(line.contains(QByteArray("\"") + code.c_str() + "\""), line.constData());

        // The marking persists: shown again (another visit), it is still UNTRUSTED.
        QVERIFY(showAndWait(ws.window, qpath(c.recording)));
        QVERIFY(ws.texts().contains(QStringLiteral("UNTRUSTED: ") + kFindingText));
        QVERIFY(!view->received.empty() && !view->received.front().trusted);
    }
};

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    TestFindingsReasons t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_findings_reasons.moc"
