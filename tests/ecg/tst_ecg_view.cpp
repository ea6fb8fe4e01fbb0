// The ECG view in the GUI: it opens wave_dfl.dcm and the demo ECG through the registry and the main window,
// paints the printed header and lead labels, switches layouts, speeds, gains and filters, measures with
// calipers, and refuses a broken file with the reader's message and no trace on the paper. Runs under Xvfb.
#include "ecg_view_support.h"
#include "open_wait.h"
#include "pydicom_names.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/ui/main_window.h>

#include "../../viewers/ecg/view/src/ecg_canvas.h"

#include <QApplication>
#include <QComboBox>
#include <QTableWidget>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QRegularExpression>
#include <QtTest>

#include <array>
#include <cmath>

using namespace veridicor;
using namespace veridicor::ecg;

namespace {

QImage grabPaper(EcgView& view) {
    QCoreApplication::processEvents();
    return view.canvas()->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
}

QString truncatedCopy(const QString& source, const QTemporaryDir& dir, const QString& name) {
    QFile src(source);
    if (!src.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = src.readAll();
    QString path = dir.filePath(name);
    QFile dst(path);
    if (!dst.open(QIODevice::WriteOnly))
        return {};
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
        auto opened = test::openAndWait(view, path);
        QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
        QVERIFY(view.scene().hasData());
        const QString texts = view.paintedTexts().join(QLatin1Char('\n'));
        for (const char* expected :
             {"Patient, Test", "ID 123-654", "55 y M", "1999-12-23 10:07:09", "GE Marquette",
              "Recorded filters: 0.05–100 Hz", "25 mm/s", "10 mm/mV", "Heart rate: 69 /min", "aVR", "V6"}) {
            QVERIFY2(texts.contains(QString::fromUtf8(expected)),
                     qPrintable(QString::fromUtf8(expected) + QStringLiteral(" in:\n") + texts));
        }
        const QImage img = grabPaper(view);
        QVERIFY(test::inkCount(img, img.rect()) > 2000);
        QCOMPARE(view.currentPath(), path);
    }

    void thePaperShowsPydicomsNames() {
        // wave_dfl.dcm with the name bytes of each of pydicom's charset files: the paper's header shows what
        // pydicom decodes, in the display format of dicom/text.h (tests/tools/reference_names.py).
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        VERIDICOR_PYDICOM_NAMES(names);
        QTemporaryDir dir;
        for (const auto& n : names) {
            if (n.where != QStringLiteral("dataset")) {
                continue;
            }
            const QString ecg =
                dir.filePath(QFileInfo(n.file).completeBaseName() + QStringLiteral("-ecg.dcm"));
            QVERIFY(test::withNameBytesOf(n.file, path, ecg));
            EcgView view;
            view.resize(1400, 900);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            auto opened = test::openAndWait(view, ecg);
            QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
            const QStringList texts = view.paintedTexts();
            bool shown = false;
            for (const QString& t : texts) {
                shown = shown || t.startsWith(n.display + QStringLiteral("    ID "));
            }
            QVERIFY2(shown, qPrintable(n.file + QStringLiteral(": ") + n.display +
                                       QStringLiteral(" not in\n") + texts.join(QLatin1Char('\n'))));
        }
    }

    void aTruncatedFileIsRefusedAndLeavesNoTrace() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        const QString cut = truncatedCopy(path, dir, QStringLiteral("wave_cut.dcm"));
        QVERIFY(!cut.isEmpty());
        EcgView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(test::openAndWait(view, path)
                    .hasValue()); // a good file first: nothing of it may stay on the paper
        dicom::InstanceHeader header;
        header.path = cut.toStdString();
        header.sopClassUID = "1.2.840.10008.5.1.4.1.1.9.2.1";
        auto opened = test::waitForOpen(view, [&] { view.openInstance(header); });
        QVERIFY(!opened.hasValue());
        QVERIFY2(opened.error().contains(QStringLiteral("wave_cut.dcm")), qPrintable(opened.error()));
        QVERIFY2(opened.error().contains(QStringLiteral("truncated")), qPrintable(opened.error()));
        QVERIFY(!view.scene().hasData());
        const QImage img = grabPaper(view);
        QCOMPARE(test::inkCount(img, img.rect()), 0); // no trace, no grid: only the message
        const QString texts = view.paintedTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("cannot be shown")), qPrintable(texts));
        QVERIFY(!texts.contains(QStringLiteral("Patient, Test")));
    }

    void theNestedLoopProbeSeesANestedLoop() {
        // The check the open tests rely on (open_wait.h): it must see a QEventLoop::exec() entered meanwhile.
        test::LoopDepthProbe probe;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        QVERIFY(probe.nestedLevels() > 0);
        test::LoopDepthProbe calm;
        QVERIFY(test::pumpUntil([&] { return calm.ticks() > 3; }, 5000));
        QCOMPARE(calm.nestedLevels(), 0);
    }

    void openingIsAsynchronousCancellableAndSuperseded() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("a.dcm"));
        const QString b = dir.filePath(QStringLiteral("b.dcm"));
        QVERIFY(QFile::copy(path, a));
        QVERIFY(QFile::copy(path, b));
        const QString cut = truncatedCopy(path, dir, QStringLiteral("cut.dcm"));
        EcgView view;
        view.resize(1200, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy opened(&view, &registry::StudyView::opened);
        QSignalSpy failed(&view, &registry::StudyView::failed);

        // Open: the call returns at once, opened() follows from the event loop, no nested loop (the helper
        // checks both).
        auto first = test::openAndWait(view, a);
        QVERIFY2(first.hasValue(), first ? "" : qPrintable(first.error()));
        QVERIFY(view.displayedContent().has_value());
        QCOMPARE(opened.size(), 1);
        opened.clear();

        // Open, then cancel: no signal ever comes, nothing of the file (nor of the one before) is shown.
        test::LoopDepthProbe probe;
        view.openFile(b);
        QVERIFY(view.isOpening());
        QVERIFY(!view.displayedContent().has_value());
        view.cancelOpen();
        QVERIFY(!view.isOpening());
        test::pumpUntil([] { return false; }, 2000); // longer than reading the file takes
        QCOMPARE(opened.size(), 0);
        QCOMPARE(failed.size(), 0);
        QVERIFY(!view.scene().hasData());
        QVERIFY(!view.displayedContent().has_value());
        QCOMPARE(probe.nestedLevels(), 0);

        // Open A, then B before A is read: B wins; A's result is never shown nor announced.
        view.openFile(a);
        auto second = test::openAndWait(view, b);
        QVERIFY2(second.hasValue(), second ? "" : qPrintable(second.error()));
        test::pumpUntil([] { return false; }, 1000);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(0).toString(), b);
        QCOMPARE(view.currentPath(), b);
        QVERIFY(view.scene().hasData());
        opened.clear();

        // Open A, then a bad file: the bad one's failed(); A never reaches the paper.
        view.openFile(a);
        auto bad = test::openAndWait(view, cut);
        QVERIFY(!bad.hasValue());
        QVERIFY2(bad.error().contains(QStringLiteral("truncated")), qPrintable(bad.error()));
        test::pumpUntil([] { return false; }, 1000);
        QCOMPARE(opened.size(), 0);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toString(), cut);
        QVERIFY(!view.scene().hasData());
        QVERIFY(!view.displayedContent().has_value());
        QCOMPARE(probe.nestedLevels(), 0);
    }

    void theMainWindowPicksTheEcgViewAndShowsItsErrors() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QVERIFY(QFile::copy(path, dir.filePath(QStringLiteral("ecg"))));
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<EcgViewerFactory>());
        for (const char* uid : {"1.2.840.10008.5.1.4.1.1.9.1.1", "1.2.840.10008.5.1.4.1.1.9.1.2",
                                "1.2.840.10008.5.1.4.1.1.9.1.3", "1.2.840.10008.5.1.4.1.1.9.2.1"}) {
            QVERIFY(reg.viewerFor(uid) != nullptr);
            QCOMPARE(reg.viewerFor(uid)->id(), QStringLiteral("ecg"));
        }
        ui::MainWindow window(reg);
        window.resize(1500, 950);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        // Through the main window with the real view: no nested event loop from the scan to loadFinished
        // (QTRY_ waits by processing events, never in a QEventLoop of its own).
        test::LoopDepthProbe probe;
        window.openPaths({dir.path()});
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000);
        QCOMPARE(probe.nestedLevels(), 0);
        QVERIFY(probe.ticks() > 0);
        auto* view = qobject_cast<EcgView*>(window.currentView());
        QVERIFY(view != nullptr);
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("Patient, Test")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Heart rate")), qPrintable(texts));
        // The same file made unreadable after indexing: the window shows the reader's message, not the view.
        QFile f(dir.filePath(QStringLiteral("ecg")));
        QVERIFY(f.open(QIODevice::ReadWrite));
        const QByteArray bytes = f.readAll();
        QVERIFY(f.resize(bytes.size() / 2));
        f.close();
        QSignalSpy shown(&window, &ui::MainWindow::instanceShown);
        QVERIFY(window.showInstance(dir.filePath(QStringLiteral("ecg")))); // started: the view answers later
        QTRY_COMPARE_WITH_TIMEOUT(shown.size(), 1, 30000);
        QCOMPARE(shown.first().at(1).toBool(), false);
        QCOMPARE(probe.nestedLevels(), 0);
        QVERIFY(window.currentView() == nullptr);
        const QString after = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(after.contains(QStringLiteral("truncated")), qPrintable(after));
        QVERIFY(!view->scene().hasData());
    }

    void layoutSpeedAndGainChangeThePaper() {
        EcgView view;
        view.resize(1300, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {{"V2", 2.0, 1.0}}));
        QVERIFY(view.scene().hasData());
        QCOMPARE(view.scene().page().rows, 4); // 3×4+1 by default
        QCOMPARE(view.scene().settings().speedMmPerSecond, 25.0);
        QCOMPARE(view.scene().settings().gainMmPerMillivolt, 10.0);
        view.setPaperLayout(PaperLayout::Rows12x1);
        QCOMPARE(view.scene().page().rows, 12);
        view.setPaperLayout(PaperLayout::Grid6x2);
        QCOMPARE(view.scene().page().rows, 6);
        view.setSpeed(50.0);
        QCOMPARE(view.scene().page().cells.front().widthMm, 250.0); // 5 s × 50 mm/s
        view.setGain(20.0);
        const CalibrationPulse& p = view.scene().page().pulses.front();
        QCOMPARE(p.baselineMm - p.topMm, 20.0);
        const QString texts = view.paintedTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("50 mm/s")) && texts.contains(QStringLiteral("20 mm/mV")),
                 qPrintable(texts));
        // The page is wider than the canvas now: it scrolls, and the drawn frame holds the traces.
        const QImage img = grabPaper(view);
        QVERIFY(test::inkCount(img, img.rect()) > 500);
    }

    void calipersMeasureTimeAndAmplitude() {
        EcgView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QSignalSpy status(&view, &registry::StudyView::statusMessage);
        QSignalSpy changed(&view, &registry::StudyView::measurementsChanged);
        EcgCanvas* canvas = view.canvas();
        const PaperPage& page = view.scene().page();
        const PaperCell* cell = page.cellFor(1); // lead II, column 0: 0–2.5 s
        QVERIFY(cell != nullptr);
        const double ppm = page.scale.pixelsPerMm / canvas->devicePixelRatioF();
        auto toWidget = [&](double seconds, double mv) {
            const QPointF mm(cell->xAt(seconds), cell->yAt(mv));
            return ((mm - canvas->scrollMm()) * ppm).toPoint();
        };
        const QPoint a = toWidget(0.5, 0.0);
        const QPoint b = toWidget(1.3, 1.0);
        QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, a);
        QTest::mouseMove(canvas, (a + b) / 2);
        QTest::mouseMove(canvas, b);
        // While dragged: 800 ms and +1 mV, to within the pixel the mouse can hit (1 px = 1000 / (25 × ppm)
        // ms); a free caliper gives no rate.
        const auto reading = view.scene().caliperReading();
        QVERIFY(reading.has_value());
        const double msPerPx = 1000.0 / (25.0 * ppm);
        QVERIFY2(std::abs(reading->first.intervalMs - 800.0) <= msPerPx,
                 qPrintable(QString::number(reading->first.intervalMs)));
        QVERIFY(std::abs(reading->first.amplitudeMv - 1.0) <= 1.0 / (10.0 * ppm));
        QVERIFY(!reading->first.rateBpm.has_value());
        QVERIFY(!status.isEmpty());
        QVERIFY2(status.last().at(0).toString().startsWith(QStringLiteral("II: Δt")),
                 qPrintable(status.last().at(0).toString()));
        QVERIFY(!status.last().at(0).toString().contains(QStringLiteral("bpm")));
        QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, b);
        // Placed: one free caliper on lead II (the flat trace has nothing to snap to).
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(1));
        QVERIFY(!changed.isEmpty());
        const auto ms = view.readerMeasurements();
        QCOMPARE(ms.size(), std::size_t(2));
        QCOMPARE(ms[0].name, QStringLiteral("Time interval"));
        QCOMPARE(ms[0].lead, QStringLiteral("II"));
        QCOMPARE(ms[0].unit, QStringLiteral("ms"));
        QVERIFY(std::abs(ms[0].value.toDouble() - 800.0) <= msPerPx + 1.0);
        QCOMPARE(ms[1].name, QStringLiteral("Amplitude difference"));
        QCOMPARE(ms[1].value, QStringLiteral("+0.00")); // the trace is flat: the caliper measures samples
        QVERIFY(view.paintedTexts().join(QLatin1Char('\n')).contains(QStringLiteral("II: Δt")));
        // A click without a drag away from any caliper places nothing and selects nothing.
        QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, toWidget(2.2, 0.0));
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(1));
        QCOMPARE(view.scene().selectedCaliper(), 0);
        // Escape removes them all.
        QTest::keyClick(canvas, Qt::Key_Escape);
        QVERIFY(view.scene().caliperSet().empty());
        QVERIFY(view.readerMeasurements().empty());
    }

    void severalCalipersSnapAreRemovableAndReported() {
        EcgView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // R peaks of 1.5 mV on lead II at samples 500 and 900 (1.000 s and 1.800 s at 500 Hz).
        view.showRecording(test::syntheticRecording(500.0, 10.0, {{"II", 1.0, 1.5}, {"II", 1.8, 1.5}}));
        view.setPaperLayout(PaperLayout::Rows12x1); // lead II over the whole 10 s
        QSignalSpy changed(&view, &registry::StudyView::measurementsChanged);
        EcgCanvas* canvas = view.canvas();
        const PaperPage& page = view.scene().page();
        const PaperCell* cell = page.cellFor(1);
        QVERIFY(cell != nullptr && cell->endSeconds >= 9.9);
        const double ppm = page.scale.pixelsPerMm / canvas->devicePixelRatioF();
        auto toWidget = [&](double seconds) {
            const QPointF mm(cell->xAt(seconds), cell->yAt(0.0));
            return ((mm - canvas->scrollMm()) * ppm).toPoint();
        };
        auto drag = [&](double from, double to) {
            QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, toWidget(from));
            QTest::mouseMove(canvas, toWidget((from + to) / 2));
            QTest::mouseMove(canvas, toWidget(to));
            QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, toWidget(to));
        };
        auto find = [&](const QString& name) -> std::optional<registry::ReaderMeasurement> {
            for (const auto& m : view.readerMeasurements()) {
                if (m.name == name)
                    return m;
            }
            return std::nullopt;
        };
        // R, then a drag dropped 20 ms after the first peak and 10 ms before the second: both ends snap onto
        // the peak samples' times exactly.
        QTest::keyClick(canvas, Qt::Key_R);
        QCOMPARE(view.scene().nextCaliperKind(), CaliperKind::RR);
        drag(1.020, 1.790);
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(1));
        const Caliper& rr = view.scene().caliperSet().list().front();
        QCOMPARE(rr.kind, CaliperKind::RR);
        QCOMPARE(rr.startSeconds, 500.0 / 500.0);
        QCOMPARE(rr.endSeconds, 900.0 / 500.0);
        auto hr = find(QStringLiteral("Heart rate"));
        QVERIFY(hr.has_value());
        QCOMPARE(hr->value, QStringLiteral("75")); // 60000 / 800 ms
        QCOMPARE(hr->unit, QStringLiteral("/min"));
        QCOMPARE(hr->lead, QStringLiteral("II"));
        QCOMPARE(*hr->startSeconds, 1.0);
        QCOMPARE(*hr->endSeconds, 1.8);
        QCOMPARE(find(QStringLiteral("RR interval"))->value, QStringLiteral("800"));
        // T: a QT caliper on flat trace (nothing to snap to), 400 ms to within a pixel.
        QTest::keyClick(canvas, Qt::Key_T);
        drag(3.0, 3.4);
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(2));
        const Caliper qt = view.scene().caliperSet().list().back();
        QCOMPARE(qt.kind, CaliperKind::QT);
        const double qtMs = (qt.endSeconds - qt.startSeconds) * 1000.0;
        QVERIFY2(std::abs(qtMs - 400.0) <= 1000.0 / (25.0 * ppm) + 0.5, qPrintable(QString::number(qtMs)));
        // QTc by each formula with RR 800 ms, from the QT the caliper holds (see tst_ecg_measurements for the
        // formulas against hand-computed values); the formula is named beside the value.
        struct Qtc {
            const char* method;
            double value;
        };
        const std::array<Qtc, 4> qtc{{{"Bazett", qtMs / std::sqrt(0.8)},
                                      {"Fridericia", qtMs / std::cbrt(0.8)},
                                      {"Framingham", qtMs + 154.0 * 0.2},
                                      {"Hodges", qtMs + 1.75 * 15.0}}};
        for (const auto& c : qtc) {
            const auto m = find(QStringLiteral("QTc (%1)").arg(QLatin1String(c.method)));
            QVERIFY2(m.has_value(), c.method);
            QCOMPARE(m->method, QLatin1String(c.method));
            QCOMPARE(m->value, QString::number(qRound(c.value)));
            QCOMPARE(m->unit, QStringLiteral("ms"));
        }
        // Only the RR gives a rate.
        int rates = 0;
        for (const auto& m : view.readerMeasurements())
            rates += m.name == QStringLiteral("Heart rate") ? 1 : 0;
        QCOMPARE(rates, 1);
        QVERIFY(!view.paintedTexts().join(QLatin1Char('\n')).contains(QStringLiteral("bpm")));
        // Q: a QRS caliper gives the ST level at J and J+60 ms in each of the 12 leads (0 mV: flat).
        QTest::keyClick(canvas, Qt::Key_Q);
        drag(5.0, 5.1);
        int st = 0;
        for (const auto& m : view.readerMeasurements()) {
            if (m.name.startsWith(QStringLiteral("ST level"))) {
                ++st;
                QCOMPARE(m.unit, QStringLiteral("mV"));
                QCOMPARE(m.value, QStringLiteral("+0.00"));
            }
        }
        QCOMPARE(st, 24);
        // The side panel lists them.
        auto* table = view.findChild<QTableWidget*>(QStringLiteral("ecgCaliperMeasurements"));
        QVERIFY(table != nullptr);
        QCOMPARE(table->rowCount(), static_cast<int>(view.scene().caliperMeasurements().size()));
        // Select the QT caliper by clicking its end line, then Delete: it and its QTc go, the others stay.
        const int changesBefore = static_cast<int>(changed.size());
        QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, toWidget(qt.endSeconds));
        QCOMPARE(view.scene().selectedCaliper(), qt.id);
        QTest::keyClick(canvas, Qt::Key_Delete);
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(2));
        QVERIFY(view.scene().caliperSet().find(qt.id) == nullptr);
        QVERIFY(!find(QStringLiteral("QTc (Bazett)")).has_value());
        QVERIFY(find(QStringLiteral("Heart rate")).has_value());
        QVERIFY(static_cast<int>(changed.size()) > changesBefore);
        // Calipers are in recording time: a new layout, speed or gain keeps them on their samples.
        view.setPaperLayout(PaperLayout::Grid3x4Rhythm);
        view.setSpeed(50.0);
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(2));
        QCOMPARE(view.scene().caliperSet().list().front().startSeconds, 1.0);
        // Another recording clears them, and says so.
        const int beforeOpen = static_cast<int>(changed.size());
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QVERIFY(view.readerMeasurements().empty());
        QVERIFY(static_cast<int>(changed.size()) > beforeOpen);
    }

    void fitsThePageToTheWindowInEveryLayoutAndSpeed() {
        EcgView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QTest::keyClick(view.canvas(), Qt::Key_W);
        QVERIFY(view.isFittedToWindow());
        for (PaperLayout l : {PaperLayout::Rows12x1, PaperLayout::Grid6x2, PaperLayout::Grid3x4,
                              PaperLayout::Grid3x4Rhythm}) {
            for (double speed : kPaperSpeeds) {
                view.setPaperLayout(l);
                view.setSpeed(speed);
                QCoreApplication::processEvents();
                const PaperPage& page = view.scene().page();
                const QSizeF vis = view.canvas()->visibleMm();
                const QString what = QStringLiteral("%1 at %2 mm/s: page %3 × %4 mm, window %5 × %6 mm")
                                         .arg(QString::fromStdString(paperLayoutName(l)))
                                         .arg(speed)
                                         .arg(page.widthMm)
                                         .arg(page.heightMm)
                                         .arg(vis.width())
                                         .arg(vis.height());
                // The whole page is in the window, and it fills the window in one direction.
                QVERIFY2(page.widthMm <= vis.width() + 0.01 && page.heightMm <= vis.height() + 0.01,
                         qPrintable(what));
                QVERIFY2(std::max(page.widthMm / vis.width(), page.heightMm / vis.height()) > 0.97,
                         qPrintable(what));
            }
        }
        // The window grows or shrinks: the page follows.
        view.resize(1000, 700);
        QTRY_VERIFY(view.canvas()->visibleMm().width() >= view.scene().page().widthMm - 0.01 &&
                    view.canvas()->visibleMm().height() >= view.scene().page().heightMm - 0.01);
        // A calibration returns to true size.
        view.setPixelsPerMm(4.0);
        QVERIFY(!view.isFittedToWindow());
        QCOMPARE(view.scene().settings().pixelsPerMm, 4.0);
    }

    void gainsFrom2point5To40() {
        EcgView view;
        view.resize(1300, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QComboBox* gainBox = nullptr;
        for (auto* box : view.findChildren<QComboBox*>()) {
            if (box->findText(QStringLiteral("40 mm/mV")) >= 0)
                gainBox = box;
        }
        QVERIFY(gainBox != nullptr);
        QStringList offered;
        for (int i = 0; i < gainBox->count(); ++i)
            offered << gainBox->itemText(i);
        QCOMPARE(offered, QStringList({QStringLiteral("2.5 mm/mV"), QStringLiteral("5 mm/mV"),
                                       QStringLiteral("10 mm/mV"), QStringLiteral("20 mm/mV"),
                                       QStringLiteral("40 mm/mV")}));
        for (int i = 0; i < gainBox->count(); ++i) {
            gainBox->setCurrentIndex(i);
            const double gain = gainBox->itemData(i).toDouble();
            QCOMPARE(view.scene().settings().gainMmPerMillivolt, gain);
            const CalibrationPulse& p = view.scene().page().pulses.front();
            QCOMPARE(p.baselineMm - p.topMm, gain); // the 1 mV pulse is `gain` mm tall
        }
    }

    void displayFiltersRunOffTheGuiThreadAndAreNamed() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        EcgView view;
        view.resize(1300, 900);
        view.show();
        QVERIFY(test::openAndWait(view, path).hasValue());
        QSignalSpy ready(&view, &EcgView::tracesReady);
        FilterSettings f;
        f.baselineWander = true;
        f.lowPass = LowPass::Hz40;
        view.setDisplayFilters(f);
        QVERIFY(ready.wait(30000));
        QVERIFY(!view.isPreparing());
        QVERIFY(view.scene().traces()->filters() == f);
        const QString texts = view.paintedTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(QStringLiteral("Display filters: high-pass 0.5 Hz")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("40 Hz")), qPrintable(texts));
        QVERIFY2(texts.contains(QStringLiteral("Recorded filters: 0.05–100 Hz")), qPrintable(texts));
        // The drawn values are the filtered ones: lead I differs from the stored samples.
        const auto& lead = view.scene().traces()->channels()[0];
        QCOMPARE(lead.values.size(), std::size_t(2400));
        const auto& raw = view.scene().traces()->group().channels[0].raw;
        double diff = 0;
        for (std::size_t i = 0; i < raw.size(); ++i)
            diff += std::abs(lead.values[i] - raw[i] * 0.00122);
        QVERIFY(diff / raw.size() > 0.005);
        // Off again.
        view.setDisplayFilters({});
        QVERIFY(ready.wait(30000));
        QVERIFY(view.scene().traces()->channels()[0].values.empty());
    }

    void medianBeatIsShownWhenPresent() {
        auto rec = test::syntheticRecording(500.0, 10.0, {});
        EcgView view;
        view.resize(1300, 900);
        view.show();
        view.showRecording(rec);
        QVERIFY(!view.hasMedianBeat());
        WaveformGroup median = rec->groups[0];
        median.label = "MEDIAN BEAT";
        median.samples = 600;
        for (auto& c : median.channels)
            c.raw.assign(600, 250);
        rec->groups.push_back(median);
        view.showRecording(rec);
        QVERIFY(view.hasMedianBeat());
        QSignalSpy ready(&view, &EcgView::tracesReady);
        view.setMedianBeatShown(true);
        QVERIFY(ready.wait(30000));
        QVERIFY(view.scene().medianBeat());
        QCOMPARE(view.scene().page().cells.size(), std::size_t(12)); // no rhythm strip for beats
        for (const auto& c : view.scene().page().cells) {
            QCOMPARE(c.startSeconds, 0.0);
            QCOMPARE(c.endSeconds, 1.2); // 600 samples at 500 Hz
        }
        QVERIFY(view.paintedTexts().join(QLatin1Char('\n')).contains(QStringLiteral("median beat")));
        view.setMedianBeatShown(false);
        QVERIFY(ready.wait(30000));
        QVERIFY(!view.scene().medianBeat());
    }

    void aLongRecordingPansAcrossItsWholeLength() {
        // One hour of 12 leads at 500 Hz with a spike at 30 min in lead II.
        auto rec = test::syntheticRecording(500.0, 3600.0, {{"II", 1801.0, 2.0}});
        EcgView view;
        view.resize(1400, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(rec);
        QCOMPARE(view.scene().maxStartSeconds(), 3590.0);
        QVERIFY(view.canvas()->viewport().overviewHeight > 0); // the whole-recording strip
        view.setStartSeconds(1800.0);
        QCOMPARE(view.scene().settings().startSeconds, 1800.0);
        const PaperCell* ii = view.scene().page().cellFor(1);
        QVERIFY(ii->containsTime(1801.0));
        QVERIFY(view.paintedTexts()
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("0:30:00.0–0:30:10.0 of 1:00:00.0")));
        // Panning past the end stops at the last page.
        view.setStartSeconds(1e9);
        QCOMPARE(view.scene().settings().startSeconds, 3590.0);
        const QImage img = grabPaper(view);
        QVERIFY(test::inkCount(img, img.rect()) > 500);
    }

    void calibrationIsPersisted() {
        {
            EcgView view;
            view.setPixelsPerMm(5.0);
            QCOMPARE(view.scene().settings().pixelsPerMm, 5.0);
        }
        {
            EcgView view; // a new view (or a new session) starts from the saved calibration
            QCOMPARE(view.scene().settings().pixelsPerMm, 5.0);
            view.setPixelsPerMm(0.0); // back to the screen's DPI
            QCOMPARE(view.scene().settings().pixelsPerMm, view.screenPixelsPerMm());
        }
        EcgView again;
        QCOMPARE(again.scene().settings().pixelsPerMm, again.screenPixelsPerMm());
    }

    void calipersOnTheDemoEcg() {
        // RR, QT and QRS (ST at J and J+60) calipers on the demo ECG, placed with the keys and the mouse as a
        // reader does; with VERIDICOR_SCREENSHOT_DIR set, the view (paper and side panel) is saved as
        // ecg-calipers.png for the README.
        const QString path = test::buildDir() + QStringLiteral("/demo/ECG/demo_12lead_resting_ecg.dcm");
        if (!QFile::exists(path)) {
            QSKIP("the demo ECG (build/demo/ECG/demo_12lead_resting_ecg.dcm) has not been generated in this "
                  "build");
        }
        EcgView view;
        view.resize(1700, 1000);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto opened = test::openAndWait(view, path);
        QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
        const TraceSet& traces = *view.scene().traces();
        const WaveformGroup& g = traces.group();
        const double fs = g.samplingHz;
        // R peaks of lead II: the local maxima above 60 % of its largest sample, 250 ms apart at least.
        const Channel& ii = g.channels[1];
        const auto maxRaw = *std::max_element(ii.raw.begin(), ii.raw.end());
        std::vector<double> peaks;
        for (std::size_t i = 1; i + 1 < ii.raw.size(); ++i) {
            if (ii.raw[i] > 0.6 * maxRaw && ii.raw[i] >= ii.raw[i - 1] && ii.raw[i] > ii.raw[i + 1] &&
                (peaks.empty() || i / fs - peaks.back() > 0.25)) {
                peaks.push_back(static_cast<double>(i) / fs);
            }
        }
        QVERIFY(peaks.size() >= 8);
        double qrsMs = 0;
        double qtMs = 0;
        for (const Annotation& a : view.scene().traces()->recording().annotations) {
            if (a.conceptName == "QRS duration" && a.numericValue)
                qrsMs = *a.numericValue;
            if (a.conceptName == "Q-T interval" && a.numericValue)
                qtMs = *a.numericValue;
        }
        QVERIFY(qrsMs > 0 && qtMs > 0);
        EcgCanvas* canvas = view.canvas();
        QTest::keyClick(canvas, Qt::Key_W); // the whole page in the window, as a reader would read it
        QCoreApplication::processEvents();
        const PaperPage& page = view.scene().page();
        const double ppm = page.scale.pixelsPerMm / canvas->devicePixelRatioF();
        auto cellOf = [&](const std::string& lead, bool rhythm, double t) -> const PaperCell* {
            for (const PaperCell& c : page.cells) {
                if (c.label == lead && c.rhythmStrip == rhythm && c.containsTime(t))
                    return &c;
            }
            return nullptr;
        };
        auto drag = [&](const PaperCell& cell, double from, double to) {
            auto at = [&](double t) {
                return ((QPointF(cell.xAt(t), cell.yAt(0.0)) - canvas->scrollMm()) * ppm).toPoint();
            };
            QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, at(from));
            QTest::mouseMove(canvas, at((from + to) / 2));
            QTest::mouseMove(canvas, at(to));
            QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, at(to));
        };
        // RR on the rhythm strip, dropped 15 ms inside two R peaks: both ends snap onto them.
        const PaperCell* strip = cellOf("II", true, peaks[1]);
        QVERIFY(strip != nullptr);
        QTest::keyClick(canvas, Qt::Key_R);
        drag(*strip, peaks[1] + 0.015, peaks[2] - 0.015);
        const Caliper rr = view.scene().caliperSet().list().back();
        QCOMPARE(rr.startSeconds, peaks[1]);
        QCOMPARE(rr.endSeconds, peaks[2]);
        // QT on the rhythm strip: from 30 ms before an R peak (snapping onto the QRS onset) for the file's
        // QT.
        QTest::keyClick(canvas, Qt::Key_T);
        const auto onset = snapTime(g, 1, peaks[4] - 0.03, SnapTarget::QrsOnset);
        QVERIFY(onset.has_value());
        drag(*strip, *onset, *onset + qtMs / 1000.0);
        QCOMPARE(view.scene().caliperSet().list().back().startSeconds, *onset);
        // QRS on V2 (its cell shows 5–7.5 s in 3×4): onset to J, the file's QRS duration.
        double beat = 0;
        for (double p : peaks) {
            if (p > 5.3 && p < 7.2) {
                beat = p;
                break;
            }
        }
        const PaperCell* v2 = cellOf("V2", false, beat);
        QVERIFY(beat > 0 && v2 != nullptr);
        const auto v2Onset = snapTime(g, v2->channel, beat - 0.03, SnapTarget::QrsOnset);
        QVERIFY(v2Onset.has_value());
        QTest::keyClick(canvas, Qt::Key_Q);
        drag(*v2, *v2Onset, *v2Onset + qrsMs / 1000.0);
        QCOMPARE(view.scene().caliperSet().list().size(), std::size_t(3));
        bool hr = false;
        bool bazett = false;
        bool stV2 = false;
        for (const auto& m : view.readerMeasurements()) {
            hr = hr || m.name == QStringLiteral("Heart rate");
            bazett =
                bazett || (m.name == QStringLiteral("QTc (Bazett)") && m.method == QStringLiteral("Bazett"));
            stV2 = stV2 || (m.name == QStringLiteral("ST level at J") && m.lead == QStringLiteral("V2"));
        }
        QVERIFY(hr && bazett && stV2);
        QCoreApplication::processEvents();
        const QImage shot = view.grab().toImage();
        QVERIFY(!shot.isNull());
        if (const QString dir = qEnvironmentVariable("VERIDICOR_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QVERIFY(shot.save(QDir(dir).filePath(QStringLiteral("ecg-calipers.png"))));
        }
    }

    void opensTheDemoEcg() {
        const QDir demo(test::buildDir() + QStringLiteral("/demo/ECG"));
        const QStringList files = demo.entryList({QStringLiteral("*.dcm")}, QDir::Files, QDir::Name)
                                      .filter(QRegularExpression(QStringLiteral(
                                          "^(?!.*\\.reading\\.dcm$)"))); // not the signed reading (an SR)
        if (files.isEmpty()) {
            QSKIP("the demo ECG (build/demo/ECG/*.dcm) has not been generated in this build");
        }
        EcgView view;
        view.resize(1400, 900);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (const QString& f : files) {
            auto opened = test::openAndWait(view, demo.filePath(f));
            QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
            QVERIFY(view.scene().hasData());
            QCOMPARE(view.scene().traces()->channels().size(), std::size_t(12));
            const QImage img = grabPaper(view);
            QVERIFY(test::inkCount(img, img.rect()) > 2000);
        }
    }
};

int main(int argc, char** argv) {
    veridicor::test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    TestEcgView t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_ecg_view.moc"
