// The main window: opening a folder fills the study browser; objects without a view show their header;
// files that cannot be read are listed with their reason, never silently dropped.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void openingAFolderFillsTheBrowser() {
        VERIDICOR_SHARED_FILE(sr, "sr/reportsi.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(sr, dir.filePath(QStringLiteral("report"))));
        {
            QFile bad(dir.filePath(QStringLiteral("bad.dcm")));
            QFile src(sr);
            QVERIFY(bad.open(QIODevice::WriteOnly) && src.open(QIODevice::ReadOnly));
            bad.write(src.read(src.size() - 40));
        }
        registry::ViewerRegistry reg; // no views: the SR falls back to its header listing
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QVERIFY(loaded.wait(20000));
        QCOMPARE(window.studyIndex().instances, std::size_t{1});
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("no viewer for this kind of object")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("truncated")), qPrintable(texts)); // the broken copy is listed
        QVERIFY(window.currentView() == nullptr);
    }

    void aFolderWithoutDicomSaysSo() {
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("x.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello");
        f.close();
        registry::ViewerRegistry reg;
        ui::MainWindow window(reg);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({dir.path()});
        QVERIFY(loaded.wait(20000));
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("No DICOM files found")), qPrintable(texts));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
