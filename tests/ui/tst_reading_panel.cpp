// The clinician's reading in the main window, with the real ECG view on a copy of the generated demo study
// (xcb under Xvfb): blind read (no visible widget holds any text of an AI finding before the reading is
// committed; after it they appear, and the reveal is in the audit log); the round trip panel → signed SR →
// verifyReadingFile → the same content; an amendment; readings that fail verification shown untrusted with
// their content hidden; the worklist's status; a write that fails keeps the panel's content; Sign without a key.
#include "../ecg/ecg_view_support.h"
#include "cli_run.h"
#include "test_data.h"

#include <veridicor/ui/reading_panel.h>

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/worklist_model.h>

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace veridicor;

namespace {

// The demo's texts, as resources/demo/findings and resources/demo/reading write them.
const QString kEcgFindingText = QStringLiteral("anterior ST-segment pattern flagged in V2-V4");
const QString kDemoReadingText = QStringLiteral("Demo reading (fictitious patient)");
const QString kRecording = QStringLiteral("demo_12lead_resting_ecg.dcm");

/// The texts of the visible labels and buttons inside `root` (the AI panel's cards).
QStringList textsUnder(const QWidget* root) {
    QStringList out;
    for (const QWidget* w : root->findChildren<QWidget*>()) {
        if (!w->isVisible()) {
            continue;
        }
        if (const auto* l = qobject_cast<const QLabel*>(w); l != nullptr && !l->text().trimmed().isEmpty()) {
            out << l->text();
        } else if (const auto* b = qobject_cast<const QAbstractButton*>(w);
                   b != nullptr && !b->text().trimmed().isEmpty()) {
            out << b->text();
        }
    }
    return out;
}

struct Workstation {
    std::unique_ptr<registry::ViewerRegistry> registry = [] {
        auto r = std::make_unique<registry::ViewerRegistry>();
        r->add(std::make_unique<ecg::EcgViewerFactory>());
        return r;
    }();
    ui::MainWindow window{*registry};

    Workstation(const QString& dir, bool blind, bool withKey = true) {
        const QString build = test::buildDir();
        window.setTrustStoreFolder(build + QStringLiteral("/demo-trust"));
        window.setAuditLogFile(dir + QStringLiteral("/audit.log"));
        window.setAuditKeyFile(dir + QStringLiteral("/audit-key.pem"));
        window.setBlindRead(blind);
        if (withKey) {
            window.setReaderKeyFiles(build + QStringLiteral("/demo-pki/signers/reader.key.pem"),
                                     build + QStringLiteral("/demo-pki/signers/reader.chain.pem"));
        }
        window.resize(1900, 1150);
        window.show();
        QSignalSpy rows(&window, &ui::MainWindow::worklistChanged);
        window.setWorklistDatabase(dir + QStringLiteral("/worklist.sqlite"));
        (void)rows.wait(20000);
    }
    /// Opens `folder`; waits until loaded and the study's readings are verified.
    bool open(const QString& folder) {
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        QSignalSpy readings(&window, &ui::MainWindow::readingsChecked);
        window.openPaths({folder});
        return loaded.wait(60000) && (!readings.isEmpty() || readings.wait(30000));
    }
    /// Presses the panel's button and waits for the write (and the verification after it).
    bool press(QPushButton* button, QString* message = nullptr) {
        QSignalSpy written(&window, &ui::MainWindow::readingWritten);
        QSignalSpy readings(&window, &ui::MainWindow::readingsChecked);
        QTest::mouseClick(button, Qt::LeftButton);
        if (!written.wait(30000)) {
            return false;
        }
        if (message != nullptr) {
            *message = written.front().at(2).toString();
        }
        if (!written.front().at(1).toBool()) {
            return false;
        }
        return !readings.isEmpty() || readings.wait(30000);
    }
    [[nodiscard]] ui::ReadingPanel* panel() const { return window.readingPanel(); }
    [[nodiscard]] QStringList texts() const { return window.visibleTexts(); }
    [[nodiscard]] QString joined() const { return texts().join(QLatin1Char('\n')); }
    [[nodiscard]] QString writtenPath(const QSignalSpy& spy) const { return spy.back().at(0).toString(); }
    [[nodiscard]] QString studyUid() const {
        const auto* h = window.studyIndex().find(window.shownInstance().toStdString());
        return h == nullptr ? QString() : QString::fromStdString(h->studyInstanceUID);
    }
    [[nodiscard]] QString worklistColumn(int column) const {
        const auto& m = window.worklistModel();
        const int row = m.rowOf(studyUid());
        return row < 0 ? QString() : m.index(row, column).data().toString();
    }
};

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestReadingPanel : public QObject {
    Q_OBJECT

    QString m_demoEcg; ///< build/demo/ECG

    /// A fresh copy of the demo's ECG folder (tests write readings beside the recording).
    QString studyCopy(const QTemporaryDir& tmp) {
        QString dir = tmp.filePath(QStringLiteral("ECG"));
        if (!QDir().mkpath(dir)) {
            return {};
        }
        for (const QString& f : QDir(m_demoEcg).entryList(QDir::Files)) {
            if (!QFile::copy(m_demoEcg + QLatin1Char('/') + f, dir + QLatin1Char('/') + f)) {
                return {};
            }
        }
        return dir;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        m_demoEcg = test::buildDir() + QStringLiteral("/demo/ECG");
        if (!QFile::exists(m_demoEcg + QStringLiteral("/demo_12lead_resting_ecg.reading.dcm")) ||
            !QFile::exists(test::buildDir() + QStringLiteral("/demo-pki/signers/reader.key.pem"))) {
            QSKIP("the demo study (target demo_study) has not been generated in this build");
        }
    }

    void blindReadIsTheDefault() {
        QTemporaryDir tmp;
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        QVERIFY(window.blindRead());
        QVERIFY(window.aiResultsHidden());
    }

    // Before the commit no visible widget (the panels, the worklist, the status bar, the texts the ECG view
    // paints) holds any text of an AI finding; after it, the AI panel shows them, the view draws them, the
    // worklist names them, and the audit log has the commit and then the reveal. The SR says blind.
    void blindReadHidesEveryAiTextUntilCommit() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        Workstation ws(tmp.path(), true);
        QVERIFY(ws.open(study));
        QVERIFY(ws.window.aiResultsHidden());
        const QStringList before = ws.texts();
        const QString beforeJoined = before.join(QLatin1Char('\n'));
        QVERIFY2(beforeJoined.contains(QStringLiteral("AI results hidden until you commit your reading")),
                 qPrintable(beforeJoined));
        for (const QString& leak :
             {kEcgFindingText, QStringLiteral("omi.finding.json"), QStringLiteral("edited.finding.json"),
              QStringLiteral("unknown-signer"), QStringLiteral("AI findings for"), QStringLiteral("Verified"),
              QStringLiteral("quarantined"), QStringLiteral("Authentic, from an approved model"),
              QStringLiteral("AI finding file(s) checked")}) {
            QVERIFY2(!beforeJoined.contains(leak), qPrintable(leak + QStringLiteral("\n") + beforeJoined));
        }
        QCOMPARE(ws.worklistColumn(worklist::WorklistModel::AiFindings), QStringLiteral("hidden (blind read)"));
        auto* view = dynamic_cast<ecg::EcgView*>(ws.window.currentView());
        QVERIFY(view != nullptr);
        const QStringList paintedBefore = view->paintedTexts();
        // The demo's own signed reading is verified and shown, but not its assessments of the AI.
        QVERIFY2(beforeJoined.contains(QStringLiteral("Signed by Dr. Demo Reader, verified")), qPrintable(beforeJoined));

        // The side by side (issue 12) says only that it is hidden: no row, no finding listed, not even apart.
        QCOMPARE(ws.window.sideBySideTexts().size(), 1);
        QVERIFY2(ws.window.sideBySideTexts().front().startsWith(QStringLiteral("AI results hidden")),
                 qPrintable(ws.window.sideBySideTexts().join(QLatin1Char('\n'))));

        QVERIFY(ws.panel()->search(QStringLiteral("st elev")) >= 1);
        QVERIFY(ws.panel()->addHighlightedStatement());
        ws.panel()->setFreeText(QStringLiteral("Read blind."));
        QSignalSpy written(&ws.window, &ui::MainWindow::readingWritten);
        QVERIFY(ws.press(ws.panel()->commitButton()));
        QVERIFY(!ws.window.aiResultsHidden());

        // After: what the AI panel and the view show now was nowhere before.
        const auto* dock = ws.window.findChild<QDockWidget*>(QStringLiteral("findingsDock"));
        QVERIFY(dock != nullptr);
        const QStringList aiTexts = textsUnder(dock->widget());
        const QString afterJoined = ws.joined();
        QVERIFY2(afterJoined.contains(kEcgFindingText), qPrintable(afterJoined));
        QVERIFY(afterJoined.contains(QStringLiteral("Verified")));
        int compared = 0;
        for (const QString& t : aiTexts) {
            QVERIFY2(!before.contains(t), qPrintable(t));
            ++compared;
        }
        QVERIFY(compared > 5);
        const QStringList paintedAfter = view->paintedTexts();
        int drawn = 0;
        for (const QString& t : paintedAfter) {
            if (!paintedBefore.contains(t)) {
                QVERIFY2(!before.contains(t), qPrintable(t));
                ++drawn;
            }
        }
        QVERIFY2(drawn > 0, "the finding's overlay is drawn after the reveal");
        QVERIFY(ws.worklistColumn(worklist::WorklistModel::AiFindings).contains(QStringLiteral("verified")));
        QCOMPARE(ws.worklistColumn(worklist::WorklistModel::Status), QStringLiteral("Preliminary"));
        // After the reveal the side by side compares the verified AI finding with the signed reading in force
        // (the demo's: sinus rhythm, ST elevation): matching by category; the quarantined bundles apart.
        const QString sbs = ws.window.sideBySideTexts().join(QLatin1Char('\n'));
        QVERIFY2(sbs.contains(QStringLiteral("Signed reading by Dr. Demo Reader (verified)")), qPrintable(sbs));
        QVERIFY2(sbs.contains(QStringLiteral("ECG: ischaemia/infarction | Acute ST segment elevation myocardial "
                                             "infarction | none stated (negative) | \u25D0 AI only")),
                 qPrintable(sbs));
        QVERIFY2(sbs.contains(QStringLiteral("ECG: rhythm | none stated (negative) | Sinus rhythm (normal) | "
                                             "\u2713 agree\n(both negative)")),
                 qPrintable(sbs));
        QVERIFY2(sbs.contains(QStringLiteral("edited.finding.json — not counted: not verified")), qPrintable(sbs));
        // That comparison of a signed, verified reading is what the statistics and the model monitor count: it
        // goes to the worklist's reviews table and comes back as the window's review set.
        QTRY_VERIFY_WITH_TIMEOUT(!ws.window.reviewSet().studies.empty(), 10000);
        QCOMPARE(ws.window.reviewSet().studies.size(), std::size_t{1});
        const review::ReviewedStudy& counted = ws.window.reviewSet().studies.front();
        QCOMPARE(counted.reader, std::string("Dr. Demo Reader"));
        QCOMPARE(counted.modelName, std::string("ecg-omi-detector"));
        const review::Row* isch = counted.sideBySide.row(review::Category::EcgIschaemia);
        QVERIFY(isch != nullptr);
        QVERIFY(isch->aiPositive && !isch->clinicianPositive);

        const QByteArray log = readAll(tmp.filePath(QStringLiteral("audit.log")));
        const auto commit = log.indexOf(R"("event":"reading-commit")");
        const auto reveal = log.indexOf(R"("event":"reveal")");
        QVERIFY2(commit >= 0 && reveal > commit, log.constData());
        QVERIFY(log.indexOf(R"("event":"display")", reveal) > reveal); // displays only after the reveal
        QVERIFY(log.indexOf(R"("event":"display")") > reveal);

        const QString sr = ws.writtenPath(written);
        QCOMPARE(QFileInfo(sr).absolutePath(), QFileInfo(study).absoluteFilePath()); // beside the recording
        auto doc = reading::readReadingSr(sr.toStdString());
        QVERIFY(doc.hasValue());
        QVERIFY(doc->reading.blind);
        QVERIFY(!doc->complete);
        QCOMPARE(doc->reading.statements.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(doc->reading.statements.front().value), QStringLiteral("164931005"));

        if (qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")) {
            // docs/screenshots/reading-panel.png (look at it before committing).
            QTest::qWait(400); // the GL paper renders on the next frame
            QVERIFY(ws.window.grab().save(QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/reading-panel.png")));
            // docs/screenshots/side-by-side.png: the same moment with the Side by side tab of the reading area.
            auto* sideBySide = ws.window.findChild<QDockWidget*>(QStringLiteral("sideBySideDock"));
            QVERIFY(sideBySide != nullptr);
            sideBySide->raise();
            QTest::qWait(400);
            QVERIFY(ws.window.grab().save(QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/side-by-side.png")));
        }
    }

    // Regional wall motion is recorded with its wall: chosen by typing, or by code and site; a site is refused
    // for a statement that is not regional and for a code outside the site list.
    void wallMotionStatementsCarryTheirWall() {
        ui::ReadingPanel panel;
        // Mild / moderate / severe hypokinesis match too; the statement whose name starts so is the one added.
        QCOMPARE(panel.search(QStringLiteral("hypokinesis at left ventricle inferior")), 4);
        QVERIFY(panel.addHighlightedStatement());
        QVERIFY(panel.addStatement(QStringLiteral("25437005"), QStringLiteral("1335839000"))); // dyskinesis, anterior
        QVERIFY(!panel.addStatement(QStringLiteral("164931005"), QStringLiteral("367598003"))); // ST elevation
        QVERIFY(!panel.addStatement(QStringLiteral("37706002"), QStringLiteral("999999999")));
        const reading::Reading r = panel.reading();
        QCOMPARE(r.statements.size(), std::size_t{2});
        QCOMPARE(r.statements[0].value, std::string("37706002"));
        QVERIFY(r.statements[0].site.has_value());
        QCOMPARE(r.statements[0].site->value, std::string("367598003"));
        QCOMPARE(r.statements[1].site->value, std::string("1335839000"));
        QVERIFY(reading::validateReading(r).hasValue());
    }

    // Panel → signed SR → verifyReadingFile against the recording on screen → the same content; then an
    // amendment that references it. The worklist says Signed, then Amended, with the certificate's reader.
    void roundTripSignAndAmend() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        Workstation ws(tmp.path(), false);
        QVERIFY(ws.open(study));
        ui::ReadingPanel* p = ws.panel();
        QVERIFY(p->addStatement(QStringLiteral("426783006"))); // sinus rhythm
        QVERIFY(p->search(QStringLiteral("prolonged qt")) == 1);
        QVERIFY(p->addHighlightedStatement());
        QVERIFY(!p->addStatement(QStringLiteral("999999999"))); // not in the coded list
        p->setFreeText(QStringLiteral("Sinus rhythm, QT prolonged; compare with the prior ECG."));
        registry::ReaderMeasurement qtc;
        qtc.name = QStringLiteral("QTc (Bazett)");
        qtc.value = QStringLiteral("412");
        qtc.unit = QStringLiteral("ms");
        qtc.lead = QStringLiteral("II");
        qtc.startSeconds = 1.204;
        qtc.endSeconds = 1.616;
        qtc.method = QStringLiteral("Bazett");
        p->setMeasurements({qtc}); // as the window lists the view's calipers
        QVERIFY(p->setDeviceReview(0, true));
        QVERIFY2(ws.joined().contains(kEcgFindingText), "not blind: the finding is shown from the start");
        QVERIFY(p->setAssessment(QStringLiteral("demo_12lead_resting_ecg.omi.finding.json#f1"),
                                 reading::Assessment::Modified, QStringLiteral("anterior, not inferior")));
        const reading::Reading expected = [&] {
            reading::Reading r = p->reading();
            r.blind = false;
            return r;
        }();
        QCOMPARE(expected.assessments.size(), std::size_t{1});
        QCOMPARE(expected.deviceStatements.size(), std::size_t{1});
        QSignalSpy written(&ws.window, &ui::MainWindow::readingWritten);
        QVERIFY(ws.press(p->signButton()));
        const QString sr = ws.writtenPath(written);

        auto store = verify::TrustStore::load((test::buildDir() + QStringLiteral("/demo-trust")).toStdString());
        QVERIFY(store.hasValue());
        auto shown = ws.window.currentView()->displayedContent();
        QVERIFY(shown.has_value());
        auto verdict = reading::verifyReadingFile(sr.toStdString(), *store, verify::now(), &*shown);
        QVERIFY(verdict.hasValue());
        QVERIFY2(verdict->trusted(), reading::readingVerdictToJson(*verdict).c_str());
        QVERIFY(verdict->document.has_value());
        QVERIFY(verdict->document->reading == expected);
        QCOMPARE(QString::fromStdString(verdict->document->reading.measurements.front().start.value_or("")),
                 QStringLiteral("1.204"));
        QVERIFY2(ws.joined().contains(QStringLiteral("Signed by Dr. Demo Reader, verified (") + QFileInfo(sr).fileName()),
                 qPrintable(ws.joined()));
        QCOMPARE(ws.worklistColumn(worklist::WorklistModel::Status), QStringLiteral("Signed"));
        QCOMPARE(ws.worklistColumn(worklist::WorklistModel::Reader), QStringLiteral("Dr. Demo Reader"));
        QVERIFY(readAll(tmp.filePath(QStringLiteral("audit.log"))).contains(R"("event":"reading-sign")"));

        // Outside tools on what the panel wrote: DCMTK's dcmsign accepts the signature against the demo PKI's
        // root and signing CA (and checks the chain), and dsr2html renders the report.
        const QString trust = test::buildDir() + QStringLiteral("/demo-pki/trust");
        const test::CliRun dcmsign = test::runProgram(
            QStringLiteral("dcmsign"), {QStringLiteral("--verify"), QStringLiteral("+cf"),
                                        trust + QStringLiteral("/anchors/demo-root.pem"), QStringLiteral("+uf"),
                                        trust + QStringLiteral("/cas/demo-signing-ca.pem"), sr});
        QVERIFY2(dcmsign.exitCode == 0, (dcmsign.out + dcmsign.err).constData());
        const QString html = tmp.filePath(QStringLiteral("reading.html"));
        const test::CliRun dsr2html = test::runProgram(QStringLiteral("dsr2html"), {sr, html});
        QVERIFY2(dsr2html.exitCode == 0, dsr2html.err.constData());
        QVERIFY(readAll(html).contains("Prolonged QT interval"));

        // Amend: a new SR naming the signed one; nothing overwritten.
        const QByteArray signedBytes = readAll(sr);
        QVERIFY(p->amendButton()->isEnabled());
        QVERIFY(ws.window.amendReading());
        p->setFreeText(QStringLiteral("Amended: QT prolonged, recheck electrolytes."));
        QVERIFY(ws.press(p->signButton()));
        const QString amendment = ws.writtenPath(written);
        QVERIFY(amendment != sr);
        QCOMPARE(readAll(sr), signedBytes);
        auto amended = reading::readReadingSr(amendment.toStdString());
        QVERIFY(amended.hasValue());
        QCOMPARE(amended->predecessorSopInstanceUID, verdict->document->sopInstanceUID);
        QCOMPARE(ws.worklistColumn(worklist::WorklistModel::Status), QStringLiteral("Amended"));
        QVERIFY(readAll(tmp.filePath(QStringLiteral("audit.log"))).contains(R"("event":"reading-amend")"));
    }

    // A reading whose signed bytes changed, and a preliminary (unsigned) one: each is shown untrusted with
    // its reason, and nothing of their content reaches a widget.
    void untrustedReadingsHideTheirContent() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        // Tamper: one letter of the demo reading's free text, a signed value.
        const QString signedSr = study + QStringLiteral("/demo_12lead_resting_ecg.reading.dcm");
        QByteArray bytes = readAll(signedSr);
        const auto at = bytes.indexOf("fictitious");
        QVERIFY(at > 0);
        bytes[at] = 'F';
        QFile out(signedSr);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(out.write(bytes) == bytes.size());
        out.close();
        // Preliminary: written unsigned, as Commit does.
        reading::Reading unsigned_;
        unsigned_.text = "UNSIGNED-CONTENT-7Q";
        unsigned_.blind = true;
        reading::SrWriteOptions options;
        options.observerName = "Someone";
        QVERIFY(reading::writeReadingSr(unsigned_, (study + QLatin1Char('/') + kRecording).toStdString(), options,
                                        (study + QStringLiteral("/demo_12lead_resting_ecg.reading-unsigned.dcm"))
                                            .toStdString())
                    .hasValue());

        Workstation ws(tmp.path(), false);
        QVERIFY(ws.open(study));
        const QString texts = ws.joined();
        QVERIFY2(texts.contains(QStringLiteral("Reading demo_12lead_resting_ecg.reading.dcm — untrusted:")),
                 qPrintable(texts));
        QVERIFY(texts.contains(QStringLiteral("BAD_SIGNATURE")));
        QVERIFY(texts.contains(QStringLiteral("Preliminary reading demo_12lead_resting_ecg.reading-unsigned.dcm — untrusted:")));
        QVERIFY(texts.contains(QStringLiteral("UNSIGNED")));
        QVERIFY(!texts.contains(QStringLiteral("Signed by Dr. Demo Reader"))); // (the AI cards name their signers)
        QVERIFY(!texts.contains(QStringLiteral("UNSIGNED-CONTENT-7Q")));
        QVERIFY(!texts.contains(QStringLiteral("Fictitious")));
        QVERIFY(!texts.contains(QStringLiteral("Statement: ST elevation")));
        QVERIFY(!ws.panel()->amendButton()->isEnabled()); // nothing verified to amend
        QVERIFY(ws.worklistColumn(worklist::WorklistModel::Status) != QStringLiteral("Signed"));
    }

    // By keyboard alone: Reading › Find Statement (Ctrl+R), type, Enter adds, Ctrl+Shift+Return commits and
    // Ctrl+Return signs.
    void byKeyboardAlone() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        Workstation ws(tmp.path(), true);
        QVERIFY(ws.open(study));
        ws.window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&ws.window));
        QTest::keyClick(&ws.window, Qt::Key_R, Qt::ControlModifier);
        QWidget* search = QApplication::focusWidget();
        QVERIFY(search != nullptr);
        QCOMPARE(search->objectName(), QStringLiteral("statementSearch"));
        QTest::keyClicks(search, QStringLiteral("sinus brady"));
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(ws.panel()->reading().statements.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(ws.panel()->reading().statements.front().value), QStringLiteral("426177001"));
        QSignalSpy written(&ws.window, &ui::MainWindow::readingWritten);
        QTest::keyClick(search, Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(written.wait(30000));
        QVERIFY(written.back().at(1).toBool());
        QVERIFY(written.back().at(0).toString().endsWith(QStringLiteral("-preliminary.dcm")));
        QVERIFY(!ws.window.aiResultsHidden());
        QTest::keyClick(search, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(written.wait(30000));
        QVERIFY(written.back().at(0).toString().endsWith(QStringLiteral("-signed.dcm")));
        auto doc = reading::readReadingSr(written.back().at(0).toString().toStdString());
        QVERIFY(doc.hasValue());
        QVERIFY(doc->complete);
        QVERIFY2(doc->reading.blind, "unchanged since it was committed blind");
    }

    // Without a key Sign is disabled with the reason shown; a write that fails says why and keeps the content.
    void signNeedsAKeyAndAFailedWriteLosesNothing() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        Workstation ws(tmp.path(), false, false);
        QVERIFY(ws.open(study));
        ui::ReadingPanel* p = ws.panel();
        QVERIFY(!p->signButton()->isEnabled());
        QVERIFY(ws.joined().contains(QStringLiteral("Sign needs your signing key and certificate chain")));
        QVERIFY(!ws.window.signReading());

        // Nothing to commit yet: refused, nothing written.
        QVERIFY(!ws.window.commitReading());
        QVERIFY(p->status().contains(QStringLiteral("Nothing to save")));

        // A key that is not a key: the write fails, the panel keeps everything.
        const QString bad = tmp.filePath(QStringLiteral("not-a-key.pem"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a key\n");
        f.close();
        ws.window.setReaderKeyFiles(bad, test::buildDir() + QStringLiteral("/demo-pki/signers/reader.chain.pem"));
        QVERIFY(p->signButton()->isEnabled());
        QVERIFY(p->addStatement(QStringLiteral("164854000")));
        p->setFreeText(QStringLiteral("Kept after a failure."));
        const reading::Reading before = p->reading();
        const QStringList filesBefore = QDir(study).entryList(QDir::Files);
        QString message;
        QVERIFY(!ws.press(p->signButton(), &message));
        QVERIFY2(message.contains(QStringLiteral("not saved")), qPrintable(message));
        QVERIFY(p->reading() == before);
        QCOMPARE(QDir(study).entryList(QDir::Files), filesBefore);
        QVERIFY(p->status().contains(QStringLiteral("It is kept in the panel")));
    }
};

int main(int argc, char** argv) {
    test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
    QApplication::setApplicationName(QStringLiteral("tst_reading_panel"));
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear(); // the saved settings of an earlier run do not decide this one
    TestReadingPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_reading_panel.moc"
