// File › Export Report… in the main window, with the real ECG view on a copy of the generated demo study (xcb
// under Xvfb): the PDF of the recording on screen holds its verified reading and its findings as the window
// verified them (pdftotext); the manipulated ones are listed as not verified, their content absent; with AI
// results hidden (blind read) nothing is exported; an unwritable path is reported and leaves no PDF.
#include "../ecg/ecg_view_support.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace veridicor;

namespace {

const QString kRecording = QStringLiteral("demo_12lead_resting_ecg.dcm");

struct Workstation {
    std::unique_ptr<registry::ViewerRegistry> registry = [] {
        auto r = std::make_unique<registry::ViewerRegistry>();
        r->add(std::make_unique<ecg::EcgViewerFactory>());
        return r;
    }();
    ui::MainWindow window{*registry};

    Workstation(const QString& dir, bool blind) {
        window.setTrustStoreFolder(test::buildDir() + QStringLiteral("/demo-trust"));
        window.setAuditLogFile(dir + QStringLiteral("/audit.log"));
        window.setAuditKeyFile(dir + QStringLiteral("/audit-key.pem"));
        window.setBlindRead(blind);
        window.resize(1600, 1000);
        window.show();
    }
    bool open(const QString& path) {
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        QSignalSpy readings(&window, &ui::MainWindow::readingsChecked);
        window.openPaths({path});
        return loaded.wait(60000) && (!readings.isEmpty() || readings.wait(30000));
    }
    /// Exports and waits; the reportExported() arguments.
    QVariantList exportTo(const QString& pdf) {
        QSignalSpy done(&window, &ui::MainWindow::reportExported);
        if (!window.exportReport(pdf) || !done.wait(60000)) {
            return {};
        }
        return done.front();
    }
};

QString pdfText(const QString& pdf) {
    QProcess p;
    p.start(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput())
        .replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" "));
}

} // namespace

class TestReportExport : public QObject {
    Q_OBJECT

    QString m_demoEcg;

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
        if (!QFile::exists(m_demoEcg + QStringLiteral("/demo_12lead_resting_ecg.reading.dcm"))) {
            QSKIP("the demo study (target demo_study) has not been generated in this build");
        }
        if (QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty()) {
            QSKIP("poppler-utils is not installed (scripts/setup installs it)");
        }
    }

    void fileMenuHasTheExportAction() {
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        auto* action = window.findChild<QAction*>(QStringLiteral("exportReport"));
        QVERIFY(action != nullptr);
        QCOMPARE(action->text(), QStringLiteral("Export &Report…"));
    }

    void exportsTheStudyOnScreenAsVerified() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        QVERIFY(!study.isEmpty());
        Workstation ws(tmp.path(), false);
        QVERIFY(ws.open(study + QLatin1Char('/') + kRecording));
        QVERIFY(ws.window.shownInstance().endsWith(kRecording));
        const QString pdf = tmp.filePath(QStringLiteral("out/report.pdf"));
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("out"))));
        const QVariantList done = ws.exportTo(pdf);
        QVERIFY(!done.isEmpty());
        QVERIFY2(done.at(1).toBool(), qPrintable(done.at(2).toString()));
        QCOMPARE(done.at(0).toString(), pdf);
        QVERIFY(QFile::exists(pdf));
        const QString text = pdfText(pdf);
        for (const QString& e :
             {QStringLiteral("ECG report"), QStringLiteral("Patient: Doe, Jane"),
              QStringLiteral("VERIFIED: signed by Dr. Demo Reader"),
              QStringLiteral("Demo reading (fictitious patient)"),
              QStringLiteral("VERIFIED: demo_12lead_resting_ecg.omi.finding.json"),
              QStringLiteral("anterior ST-segment pattern flagged in V2-V4"),
              QStringLiteral("NOT VERIFIED: demo_12lead_resting_ecg.edited.finding.json"),
              QStringLiteral("NOT VERIFIED: demo_12lead_resting_ecg.unknown-signer.finding.json"),
              QStringLiteral("not counted: not verified"), QStringLiteral("Category AI Clinician State"),
              QStringLiteral("aVR"), QStringLiteral("V6")}) {
            QVERIFY2(text.contains(e), qPrintable(e + QStringLiteral("\n--- in ---\n") + text));
        }
        // The replayed finding belongs to the follow-up ECG: not part of this recording's report.
        QVERIFY(!text.contains(QStringLiteral("replayed.finding.json")));
    }

    void blindReadExportsNothing() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        Workstation ws(tmp.path(), true);
        QVERIFY(ws.open(study + QLatin1Char('/') + kRecording));
        QVERIFY(ws.window.aiResultsHidden());
        const QString pdf = tmp.filePath(QStringLiteral("blind.pdf"));
        QVERIFY(!ws.window.exportReport(pdf));
        QTest::qWait(200);
        QVERIFY(!QFile::exists(pdf));
    }

    void unwritablePathIsReported() {
        QTemporaryDir tmp;
        const QString study = studyCopy(tmp);
        Workstation ws(tmp.path(), false);
        QVERIFY(ws.open(study + QLatin1Char('/') + kRecording));
        const QString pdf = tmp.filePath(QStringLiteral("no-such-folder/report.pdf"));
        const QVariantList done = ws.exportTo(pdf);
        QVERIFY(!done.isEmpty());
        QVERIFY(!done.at(1).toBool());
        QVERIFY2(done.at(2).toString().contains(QStringLiteral("cannot write")), qPrintable(done.at(2).toString()));
        QVERIFY(!QFile::exists(pdf));
    }
};

int main(int argc, char** argv) {
    test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
    QApplication::setApplicationName(QStringLiteral("tst_report_export"));
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
    TestReportExport t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_report_export.moc"
