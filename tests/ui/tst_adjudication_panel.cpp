// Adjudication in the main window, with the real ECG view on a copy of the generated demo study (xcb under
// Xvfb). The demo is discordant: its verified AI finding is an acute STEMI (ischaemia/infarction), its signed
// reading states sinus rhythm and ST elevation but no infarction — "ECG: ischaemia/infarction — AI only".
// Walked by keyboard: the reader's window sends it to adjudication → in the adjudicator's window (the second
// demo clinician, the same worklist database) the "to adjudicate" filter lists the study, it is opened from
// there and adjudicated → the signed SR verifies and references the reading → the filter no longer lists it.
#include "../ecg/ecg_view_support.h"
#include "adjudication_panel.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/worklist/worklist_model.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace veridicor;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Rows each worklist table of the window shows (the dock's and the start screen's).
QList<int> worklistRows(const ui::MainWindow& w) {
    QList<int> out;
    for (const QTableView* t : w.findChildren<QTableView*>()) {
        if (t->model() != nullptr && t->model()->columnCount() == worklist::WorklistModel::ColumnCount) {
            out << t->model()->rowCount();
        }
    }
    return out;
}

} // namespace

class TestAdjudicationPanel : public QObject {
    Q_OBJECT

    QString m_demoEcg;

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        m_demoEcg = test::buildDir() + QStringLiteral("/demo/ECG");
        if (!QFile::exists(m_demoEcg + QStringLiteral("/demo_12lead_resting_ecg.reading.dcm")) ||
            !QFile::exists(test::buildDir() + QStringLiteral("/demo-pki/signers/adjudicator.key.pem"))) {
            QSKIP("the demo study (target demo_study) has not been generated in this build");
        }
    }

    void sendFilterAdjudicateByKeyboard() {
        QTemporaryDir tmp;
        const QString study = tmp.filePath(QStringLiteral("ECG"));
        QVERIFY(QDir().mkpath(study));
        for (const QString& f : QDir(m_demoEcg).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(m_demoEcg + QLatin1Char('/') + f, study + QLatin1Char('/') + f));
        }
        const QString build = test::buildDir();
        registry::ViewerRegistry registry;
        registry.add(std::make_unique<ecg::EcgViewerFactory>());
        ui::MainWindow window(registry);
        window.setTrustStoreFolder(build + QStringLiteral("/demo-trust"));
        window.setAuditLogFile(tmp.filePath(QStringLiteral("audit.log")));
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.setBlindRead(false); // the reading is committed: its reader sees the AI and sends the study
        window.setReaderKeyFiles(build + QStringLiteral("/demo-pki/signers/reader.key.pem"),
                                 build + QStringLiteral("/demo-pki/signers/reader.chain.pem"));
        window.resize(1900, 1150);
        window.show();
        {
            QSignalSpy rows(&window, &ui::MainWindow::worklistChanged);
            window.setWorklistDatabase(tmp.filePath(QStringLiteral("worklist.sqlite")));
            QVERIFY(rows.wait(20000));
        }
        {
            QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
            QSignalSpy readings(&window, &ui::MainWindow::readingsChecked);
            window.openPaths({study});
            QVERIFY(loaded.wait(60000));
            QVERIFY(!readings.isEmpty() || readings.wait(30000));
        }
        const auto* header = window.studyIndex().find(window.shownInstance().toStdString());
        QVERIFY(header != nullptr);
        const QString studyUid = QString::fromStdString(header->studyInstanceUID);
        const auto& model = window.worklistModel();
        auto status = [&] { return model.index(model.rowOf(studyUid), worklist::WorklistModel::Status).data().toString(); };
        QCOMPARE(status(), QStringLiteral("Signed"));

        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        // Send to Adjudication (Ctrl+Shift+J): the request is in the worklist and the audit log.
        QSignalSpy requested(&window, &ui::MainWindow::adjudicationRequested);
        QTest::keyClick(&window, Qt::Key_J, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(requested.wait(20000));
        QVERIFY2(requested.back().at(0).toBool(), qPrintable(requested.back().at(1).toString()));
        QCOMPARE(status(), QStringLiteral("Signed · to adjudicate"));
        QVERIFY(readAll(tmp.filePath(QStringLiteral("audit.log"))).contains(R"("event":"adjudication-request")"));
        // The "to adjudicate" filter lists it (and only it).
        window.setToAdjudicateFilter(true);
        QVERIFY(!worklistRows(window).isEmpty());
        for (const int n : worklistRows(window)) {
            QCOMPARE(n, 1);
        }

        // The adjudicator's session: another window on the same worklist database, with the second demo
        // clinician's key. The filter lists the study; it is opened from there.
        ui::MainWindow adjudicator(registry);
        adjudicator.setTrustStoreFolder(build + QStringLiteral("/demo-trust"));
        adjudicator.setAuditLogFile(tmp.filePath(QStringLiteral("audit.log")));
        adjudicator.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        adjudicator.setBlindRead(false);
        adjudicator.setReaderKeyFiles(build + QStringLiteral("/demo-pki/signers/adjudicator.key.pem"),
                                      build + QStringLiteral("/demo-pki/signers/adjudicator.chain.pem"));
        adjudicator.resize(1900, 1150);
        adjudicator.show();
        {
            QSignalSpy rows(&adjudicator, &ui::MainWindow::worklistChanged);
            adjudicator.setWorklistDatabase(tmp.filePath(QStringLiteral("worklist.sqlite")));
            QVERIFY(rows.wait(20000));
        }
        adjudicator.setToAdjudicateFilter(true);
        QString listed;
        for (const QTableView* t : adjudicator.findChildren<QTableView*>()) {
            if (t->model() != nullptr && t->model()->columnCount() == worklist::WorklistModel::ColumnCount) {
                QCOMPARE(t->model()->rowCount(), 1);
                listed = t->model()->index(0, 0).data(worklist::WorklistModel::StudyUidRole).toString();
            }
        }
        QCOMPARE(listed, studyUid);
        {
            QSignalSpy readings(&adjudicator, &ui::MainWindow::readingsChecked);
            QVERIFY(adjudicator.openStudy(listed));
            QVERIFY(readings.wait(60000));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!adjudicator.shownInstance().isEmpty(), 30000);
        window.hide();
        adjudicator.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&adjudicator));
        // Adjudicate (Ctrl+J) once this session has verified the study's AI findings and reading too (until
        // then the panel says there is nothing to set the reading against).
        for (int i = 0; i < 300 && adjudicator.adjudicationPanel()->categoryCount() != 1; ++i) {
            QTest::keyClick(&adjudicator, Qt::Key_J, Qt::ControlModifier);
            QTest::qWait(100);
        }
        ui::AdjudicationPanel* panel = adjudicator.adjudicationPanel();
        auto* combo = qobject_cast<QComboBox*>(QApplication::focusWidget());
        QVERIFY2(combo != nullptr, "focus is on the first category's label");
        QTRY_VERIFY(combo->isVisible()); // the dock is shown on the next events
        QTest::keyClick(combo, Qt::Key_Down); // "Positive — as the AI states it"
        QCOMPARE(combo->currentText(), QStringLiteral("Positive — as the AI states it"));
        QTest::keyClick(combo, Qt::Key_Tab);
        auto* reason = qobject_cast<QLineEdit*>(QApplication::focusWidget());
        QVERIFY2(reason != nullptr, QApplication::focusWidget() == nullptr
                                        ? "Tab goes on to the reason (no focus)"
                                        : QApplication::focusWidget()->metaObject()->className());
        QTest::keyClicks(reason, QStringLiteral("Anterior ST elevation with reciprocal change: acute STEMI."));
        if (qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")) {
            // docs/screenshots/adjudication.png (look at it before committing).
            QTest::qWait(400); // the GL paper renders on the next frame
            QVERIFY(adjudicator.grab().save(QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/adjudication.png")));
        }
        QSignalSpy written(&adjudicator, &ui::MainWindow::adjudicationWritten);
        QTest::keyClick(reason, Qt::Key_Tab); // on to Sign
        QCOMPARE(QApplication::focusWidget(), panel->signButton());
        QTest::keyClick(panel->signButton(), Qt::Key_Space);
        QVERIFY(written.wait(30000));
        QVERIFY2(written.back().at(1).toBool(), qPrintable(written.back().at(2).toString()));
        const QString sr = written.back().at(0).toString();
        QVERIFY2(panel->status().contains(QStringLiteral("verified, signed by Dr. Demo Adjudicator")),
                 qPrintable(panel->status()));

        // The SR verifies on its own: against the trust store, the recording on screen and the reading.
        const QString readingSr = study + QStringLiteral("/demo_12lead_resting_ecg.reading.dcm");
        auto store = verify::TrustStore::load((build + QStringLiteral("/demo-trust")).toStdString());
        QVERIFY(store.hasValue());
        auto shown = adjudicator.currentView()->displayedContent();
        QVERIFY(shown.has_value());
        const std::filesystem::path readingPath = readingSr.toStdString();
        auto verdict = reading::verifyAdjudicationFile(sr.toStdString(), *store, verify::now(), &*shown, &readingPath);
        QVERIFY(verdict.hasValue());
        QVERIFY2(verdict->trusted(), reading::adjudicationVerdictToJson(*verdict).c_str());
        auto readingDoc = reading::readReadingSr(readingPath);
        QVERIFY(readingDoc.hasValue());
        const reading::Adjudication& a = verdict->document->adjudication;
        QCOMPARE(a.reading, readingDoc->sopInstanceUID);
        QCOMPARE(a.categories.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(a.categories.front().category), QStringLiteral("ischaemia"));
        QVERIFY(a.categories.front().positive);
        QCOMPARE(QString::fromStdString(a.categories.front().codes.front().value), QStringLiteral("401303003"));
        QCOMPARE(a.categories.front().codes.front().from, reading::CodeSide::Ai);
        QCOMPARE(verdict->document->verifyingObserverName, std::string("Dr. Demo Adjudicator"));
        QVERIFY(readAll(tmp.filePath(QStringLiteral("audit.log"))).contains(R"("event":"adjudication-sign")"));

        // Adjudicated: the filter no longer lists it.
        const auto& adjudicatorModel = adjudicator.worklistModel();
        QCOMPARE(adjudicatorModel.index(adjudicatorModel.rowOf(studyUid), worklist::WorklistModel::Status)
                     .data()
                     .toString(),
                 QStringLiteral("Adjudicated"));
        for (const int n : worklistRows(adjudicator)) {
            QCOMPARE(n, 0);
        }
    }

    void theReaderCannotAdjudicateTheirOwnReading() {
        QTemporaryDir tmp;
        const QString study = tmp.filePath(QStringLiteral("ECG"));
        QVERIFY(QDir().mkpath(study));
        for (const QString& f : QDir(m_demoEcg).entryList(QDir::Files)) {
            QVERIFY(QFile::copy(m_demoEcg + QLatin1Char('/') + f, study + QLatin1Char('/') + f));
        }
        const QString build = test::buildDir();
        registry::ViewerRegistry registry;
        registry.add(std::make_unique<ecg::EcgViewerFactory>());
        ui::MainWindow window(registry);
        window.setTrustStoreFolder(build + QStringLiteral("/demo-trust"));
        window.setAuditLogFile(tmp.filePath(QStringLiteral("audit.log")));
        window.setAuditKeyFile(tmp.filePath(QStringLiteral("audit-key.pem")));
        window.setReaderKeyFiles(build + QStringLiteral("/demo-pki/signers/reader.key.pem"),
                                 build + QStringLiteral("/demo-pki/signers/reader.chain.pem"));
        window.setBlindRead(true);
        window.resize(1600, 1000);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        QSignalSpy readings(&window, &ui::MainWindow::readingsChecked);
        window.openPaths({study});
        QVERIFY(loaded.wait(60000));
        QVERIFY(!readings.isEmpty() || readings.wait(30000));
        // Blind read: AI hidden in this session, so no adjudication.
        QVERIFY(window.aiResultsHidden());
        QVERIFY(!window.openAdjudication());
        window.setBlindRead(false);
        QVERIFY(window.openAdjudication());
        ui::AdjudicationPanel* panel = window.adjudicationPanel();
        QVERIFY(panel->setDecision(0, ui::AdjudicationChoice::Negative, QStringLiteral("no infarction")));
        QSignalSpy written(&window, &ui::MainWindow::adjudicationWritten);
        QVERIFY(window.signAdjudication());
        QVERIFY(written.wait(30000));
        QVERIFY(!written.back().at(1).toBool());
        QVERIFY2(written.back().at(2).toString().contains(QStringLiteral("second reader")),
                 qPrintable(written.back().at(2).toString()));
        QVERIFY(!QFile::exists(written.back().at(0).toString()));
    }
};

int main(int argc, char** argv) {
    test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
    QApplication::setApplicationName(QStringLiteral("tst_adjudication_panel"));
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear(); // the saved settings of an earlier run do not decide this one
    TestAdjudicationPanel t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_adjudication_panel.moc"
