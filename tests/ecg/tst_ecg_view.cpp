// The ECG view in the GUI: it opens wave_dfl.dcm and the demo ECG through the registry and the main window,
// paints the printed header and lead labels, switches layouts, speeds, gains and filters, measures with
// calipers, and refuses a broken file with the reader's message and no trace on the paper. Runs under Xvfb.
#include "ecg_view_support.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg/ecg_view.h>
#include <veridicor/ui/main_window.h>

#include "../../viewers/ecg/view/src/ecg_canvas.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;
using namespace veridicor::ecg;

namespace {

QImage grabPaper(EcgView& view) {
    QCoreApplication::processEvents();
    return view.canvas()->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
}

QString truncatedCopy(const QString& source, const QTemporaryDir& dir, const QString& name) {
    QFile src(source);
    if (!src.open(QIODevice::ReadOnly)) return {};
    const QByteArray bytes = src.readAll();
    const QString path = dir.filePath(name);
    QFile dst(path);
    if (!dst.open(QIODevice::WriteOnly)) return {};
    dst.write(bytes.left(bytes.size() / 2));
    return path;
}

} // namespace

class TestEcgView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // calibration settings go to a test location
        QVERIFY(dicom::initializeDicom().hasValue());
    }

    void opensWaveDflAndPaintsThePrintedHeader() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        EcgView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto opened = view.openFile(path);
        QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
        QVERIFY(view.scene().hasData());
        const QString texts = view.paintedTexts().join(QLatin1Char('\n'));
        for (const char* expected : {"Patient, Test", "ID 123-654", "55 y M", "1999-12-23 10:07:09", "GE Marquette",
                                     "Recorded filters: 0.05–100 Hz", "25 mm/s", "10 mm/mV", "Heart rate: 69 /min",
                                     "aVR", "V6"}) {
            QVERIFY2(texts.contains(QString::fromUtf8(expected)), qPrintable(QString::fromUtf8(expected) + QStringLiteral(" in:\n") + texts));
        }
        const QImage img = grabPaper(view);
        img.save(QStringLiteral("/tmp/ev/view.png"));
        for (QWidget* w : view.findChildren<QWidget*>()) if (w->isVisible() && w->width() > 300) qDebug() << w->metaObject()->className() << w->objectName() << w->geometry() << w->sizeHint() << w->minimumSizeHint();
        QVERIFY(test::inkCount(img, img.rect()) > 2000);
    }
};

int main(int argc, char** argv) {
    veridicor::test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    TestEcgView t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_ecg_view.moc"
