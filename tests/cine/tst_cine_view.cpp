// The cine view under Xvfb: opening clips, the overlay texts, play/pause/step/loop/bounce/speed/marks, the
// frame slider, window/level, calibrated and uncalibrated measurements (with the mouse), a clip with a bad
// frame, the main window routing ultrasound to it — and the screenshot of the demo clip in docs/screenshots/.
#include "cine_test_util.h"
#include "open_wait.h"
#include "pydicom_names.h"

#include <veridicor/cine_view/cine_view.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <map>
#include <numbers>

using namespace veridicor;

namespace {

/// Shows the view at the size the tests' pixel probes assume and waits until it is on screen.
bool showAtTestSize(cine::CineView& view) {
    view.resize(900, 700);
    view.show();
    return QTest::qWaitForWindowExposed(&view);
}

QString texts(const cine::CineView& v) {
    return v.paintedTexts().join(QLatin1Char('\n'));
}

bool waitFirstFrame(cine::CineView& v) {
    QElapsedTimer t;
    t.start();
    while (v.firstFrameMs() < 0 && t.elapsed() < 20000)
        QTest::qWait(10);
    return v.firstFrameMs() >= 0;
}

} // namespace

class TestCineView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_clip;

private slots:
    void initTestCase() {
        if (QGuiApplication::platformName() != QStringLiteral("xcb"))
            QSKIP("GL tests run on xcb (under xvfb-run)");
        QVERIFY(dicom::initializeDicom().hasValue());
        QCoreApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
        QSettings().setValue(QStringLiteral("cine/autoPlay"), false);
        m_clip = test::writeSyntheticClip(m_dir.path(), QStringLiteral("echo.dcm"),
                                          demo::EchoEncoding::JpegBaseline422, 12, 320, 240);
        QVERIFY(!m_clip.isEmpty());
    }
    void cleanupTestCase() { QSettings().remove(QStringLiteral("cine")); }

    void opensAndShowsTheOverlay() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        auto opened = test::openAndWait(view, m_clip);
        QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
        QVERIFY(waitFirstFrame(view));
        const QString t = texts(view);
        QVERIFY2(t.contains(QStringLiteral("DEMO, ECHO")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("Frame 1/12")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("0.0 ms")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("60.0 fps (Frame Time)")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("HR 90 bpm")), qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral("Calibrated region")), qPrintable(t));
        QCOMPARE(view.currentPath(), m_clip);
        QVERIFY(view.canvas()->renderCount() > 0);
    }

    void overlayShowsPydicomsNames() {
        // The clip with the name bytes of each of pydicom's charset files: the overlay shows what pydicom
        // decodes, in the display format of dicom/text.h (tests/tools/reference_names.py).
        VERIDICOR_PYDICOM_NAMES(names);
        for (const auto& n : names) {
            if (n.where != QStringLiteral("dataset")) {
                continue;
            }
            const QString clip =
                m_dir.filePath(QFileInfo(n.file).completeBaseName() + QStringLiteral("-echo.dcm"));
            QVERIFY(test::withNameBytesOf(n.file, m_clip, clip));
            cine::CineView view;
            QVERIFY(showAtTestSize(view));
            auto opened = test::openAndWait(view, clip);
            QVERIFY2(opened.hasValue(), opened ? "" : qPrintable(opened.error()));
            QVERIFY(waitFirstFrame(view));
            const QString t = texts(view);
            QVERIFY2(t.split(QLatin1Char('\n')).contains(n.display),
                     qPrintable(n.file + QStringLiteral(": ") + n.display + QStringLiteral(" not in\n") + t));
        }
    }

    void playPauseStepLoopBounceSpeedMarks() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, m_clip).hasValue());
        QVERIFY(waitFirstFrame(view));
        QSignalSpy shown(&view, &cine::CineView::frameShown);
        view.play();
        QVERIFY(view.isPlaying());
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 5, 5000);
        view.pause();
        QVERIFY(!view.isPlaying());
        const int at = view.canvas()->shownFrameIndex();
        QTest::qWait(100);
        QCOMPARE(view.canvas()->shownFrameIndex(), at);
        view.stepFrames(1);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), (at + 1) % 12);
        view.stepFrames(-2);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), (at + 11) % 12);
        view.seekFrame(6);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 6);
        QVERIFY(texts(view).contains(QStringLiteral("Frame 7/12")));
        QVERIFY(texts(view).contains(QStringLiteral("100.0 ms")));
        QTRY_COMPARE(view.slider()->value(), 6);
        view.markStartHere();
        view.seekFrame(9);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 9);
        view.markEndHere();
        QCOMPARE(view.playback()->markStart(), 6);
        QCOMPARE(view.playback()->markEnd(), 9);
        QVERIFY(texts(view).contains(QStringLiteral("Marks 7–10")));
        view.setLoopMode(cine::LoopMode::Bounce);
        view.setSpeed(2.0);
        QVERIFY(texts(view).contains(QStringLiteral("Bounce  2×")));
        view.play();
        std::set<int> seen;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 600) {
            QTest::qWait(5);
            seen.insert(view.canvas()->shownFrameIndex());
        }
        QVERIFY2(*seen.begin() >= 6 && *seen.rbegin() <= 9, "played outside the marks");
        QVERIFY(seen.size() >= 3);
        view.clearMarks();
        QCOMPARE(view.playback()->markEnd(), 11);
        view.setSpeed(0.1);
        QCOMPARE(view.playback()->speed(), 0.25);
    }

    void measurementsCalibratedAndNot() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, m_clip).hasValue());
        QVERIFY(waitFirstFrame(view));
        const auto g = demo::echoGeometry([] {
            demo::EchoClipSpec s;
            s.width = 320;
            s.height = 240;
            return s;
        }());
        // With the mouse: distance tool, drag from the apex straight down half the depth (7.5 cm = 75 mm).
        cine::CineCanvas* c = view.canvas();
        c->setTool(cine::CineCanvas::Tool::Distance);
        const QPointF a = c->widgetPointOf({g.apexX, g.apexY + 1});
        const QPointF b = c->widgetPointOf({g.apexX, g.apexY + 1 + g.radius / 2});
        QTest::mousePress(c, Qt::LeftButton, Qt::NoModifier, a.toPoint());
        QTest::mouseMove(c, b.toPoint());
        QTest::mouseRelease(c, Qt::LeftButton, Qt::NoModifier, b.toPoint());
        QCOMPARE(c->measurements().size(), std::size_t{1});
        const auto& d = c->measurements().front();
        QVERIFY(d.result.calibrated);
        QCOMPARE(d.result.unit, std::string("mm"));
        // Mouse positions are whole widget pixels: within one screen pixel's worth of the 75 mm.
        const double mmPerWidgetPixel = g.cmPerPixel * 10.0 / c->zoom() * c->devicePixelRatioF();
        QVERIFY2(std::abs(d.result.value - 75.0) <= 1.5 * mmPerWidgetPixel,
                 qPrintable(QString::number(d.result.value)));
        QVERIFY(texts(view).contains(QStringLiteral("D1 ")));
        // On the ECG strip: pixels, and the note says so.
        c->addDistance({100, double(g.ecgMinY + 5)}, {200, double(g.ecgMinY + 5)});
        QVERIFY2(texts(view).contains(QStringLiteral("D2 100.0 px (not calibrated)")),
                 qPrintable(texts(view)));
        // Area with the mouse: three clicks and a double click.
        c->setTool(cine::CineCanvas::Tool::Area);
        const std::array<cine::PixelPoint, 3> pts = {
            {{g.apexX - 20, g.apexY + 60}, {g.apexX + 20, g.apexY + 60}, {g.apexX, g.apexY + 100}}};
        for (const auto& p : pts)
            QTest::mouseClick(c, Qt::LeftButton, Qt::NoModifier, c->widgetPointOf(p).toPoint());
        QTest::mouseDClick(c, Qt::LeftButton, Qt::NoModifier, c->widgetPointOf(pts[2]).toPoint());
        QCOMPARE(c->measurements().size(), std::size_t{3});
        const auto& area = c->measurements().back();
        QVERIFY(area.area);
        QVERIFY(area.result.calibrated);
        QCOMPARE(area.result.unit, std::string("cm²"));
        const double expected = 0.5 * 40 * 40 * g.cmPerPixel * g.cmPerPixel; // the triangle, in cm²
        QVERIFY2(std::abs(area.result.value - expected) < expected * 0.08,
                 qPrintable(QString::number(area.result.value)));
        c->clearMeasurements();
        QVERIFY(!texts(view).contains(QStringLiteral("D1 ")));
    }

    void ejectionFractionFromEndDiastoleAndEndSystole() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, m_clip).hasValue());
        QVERIFY(waitFirstFrame(view));
        QSignalSpy changed(&view, &registry::StudyView::measurementsChanged);
        const auto g = demo::echoGeometry([] {
            demo::EchoClipSpec s;
            s.width = 320;
            s.height = 240;
            return s;
        }());
        cine::CineCanvas* c = view.canvas();
        view.pause();
        view.seekFrame(0);
        QTRY_COMPARE(c->shownFrameIndex(), 0);
        // ED: a 40 × 40 px cavity and a 60 px long axis inside the calibrated sector.
        c->addArea({{g.apexX - 20, g.apexY + 60},
                    {g.apexX + 20, g.apexY + 60},
                    {g.apexX + 20, g.apexY + 100},
                    {g.apexX - 20, g.apexY + 100}});
        c->addDistance({g.apexX, g.apexY + 40}, {g.apexX, g.apexY + 100});
        QVERIFY(view.markEndDiastole());
        // ES on another frame: 30 × 30 px, long axis 50 px.
        view.seekFrame(5);
        QTRY_COMPARE(c->shownFrameIndex(), 5);
        QVERIFY2(!view.markEndSystole(), "nothing traced on frame 6 yet"); // the ED traces are on frame 1
        QVERIFY(view.ejectionFractionText().contains(QStringLiteral("trace the LV cavity")));
        c->addArea({{g.apexX - 15, g.apexY + 65},
                    {g.apexX + 15, g.apexY + 65},
                    {g.apexX + 15, g.apexY + 95},
                    {g.apexX - 15, g.apexY + 95}});
        c->addDistance({g.apexX, g.apexY + 45}, {g.apexX, g.apexY + 95});
        QVERIFY(view.markEndSystole());
        // With c cm per pixel: A_ED = 1600 c², L_ED = 60 c, A_ES = 900 c², L_ES = 50 c, and V = 8 A² / (3π
        // L), so ESV / EDV = (900² / 50) / (1600² / 60) = 16200 / 42666.7 = 0.3796875 and EF = 62.03 %
        // whatever c is.
        const double cm = g.cmPerPixel;
        const double edv = 8 * std::pow(1600 * cm * cm, 2) / (3 * std::numbers::pi * 60 * cm);
        const double esv = 8 * std::pow(900 * cm * cm, 2) / (3 * std::numbers::pi * 50 * cm);
        QVERIFY2(
            view.ejectionFractionText().startsWith(QStringLiteral("EF 62.0 % (single-plane area-length)")),
            qPrintable(view.ejectionFractionText()));
        std::map<QString, registry::ReaderMeasurement> byName;
        for (const auto& m : view.readerMeasurements())
            byName[m.name] = m;
        QCOMPARE(byName[QStringLiteral("LV ejection fraction")].value, QStringLiteral("62"));
        QCOMPARE(byName[QStringLiteral("LV ejection fraction")].unit, QStringLiteral("%"));
        QCOMPARE(byName[QStringLiteral("LV ejection fraction")].method,
                 QStringLiteral("single-plane area-length"));
        QCOMPARE(byName[QStringLiteral("LV end-diastolic volume")].value, QString::number(edv, 'f', 0));
        QCOMPARE(byName[QStringLiteral("LV end-systolic volume")].value, QString::number(esv, 'f', 0));
        QCOMPARE(byName[QStringLiteral("Area")].unit, QStringLiteral("cm2"));
        QCOMPARE(byName[QStringLiteral("Distance")].unit, QStringLiteral("mm"));
        QVERIFY(changed.size() >= 6);
        // Outside the calibrated region (on the ECG strip) a trace is refused, with the reason.
        c->addArea(
            {{100, double(g.ecgMinY + 2)}, {140, double(g.ecgMinY + 2)}, {140, double(g.ecgMinY + 8)}});
        c->addDistance({100, double(g.ecgMinY + 5)}, {200, double(g.ecgMinY + 5)});
        QVERIFY(!view.markEndSystole());
        QVERIFY2(
            view.ejectionFractionText().contains(QStringLiteral("outside the calibrated ultrasound region")),
            qPrintable(view.ejectionFractionText()));
        for (const auto& m : view.readerMeasurements())
            QVERIFY(m.unit != QStringLiteral("px")); // the strip's pixels are no measurement
        // Clear removes them all.
        c->clearMeasurements();
        QVERIFY(view.readerMeasurements().empty());
    }

    void windowLevelChangesWhatIsShown() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, m_clip).hasValue());
        QVERIFY(waitFirstFrame(view));
        const auto before = view.cache()->get(0);
        QVERIFY(before && before->image);
        view.setWindow({64.0, 128.0}); // narrower: more contrast
        QTRY_VERIFY(view.cache()->get(0) && view.cache()->get(0) != before);
        const auto after = view.cache()->get(0);
        QVERIFY(after->image);
        // A level that was 64 (centre) stays near 128; one that was 200 saturates.
        int changed = 0;
        for (std::size_t i = 0; i < before->image->pixels.size(); ++i)
            changed += before->image->pixels[i] != after->image->pixels[i];
        QVERIFY(changed > 0);
    }

    void badFrameIsMarkedAndTheOthersPlay() {
        const QString bad = m_dir.filePath(QStringLiteral("bad.dcm"));
        {
            DcmFileFormat ff;
            QVERIFY(ff.loadFile(OFFilename(m_clip.toStdString().c_str())).good());
            DcmDataset* ds = ff.getDataset();
            ds->loadAllDataIntoMemory();
            DcmElement* el = nullptr;
            QVERIFY(ds->findAndGetElement(DCM_PixelData, el).good());
            auto* pd = dynamic_cast<DcmPixelData*>(el);
            E_TransferSyntax x = EXS_Unknown;
            const DcmRepresentationParameter* rp = nullptr;
            pd->getOriginalRepresentationKey(x, rp);
            DcmPixelSequence* seq = nullptr;
            QVERIFY(pd->getEncapsulatedRepresentation(x, rp, seq).good());
            DcmPixelItem* item = nullptr;
            QVERIFY(seq->getItem(item, 4).good()); // frame 4 (1-based)
            Uint8* bytes = nullptr;
            QVERIFY(item->getUint8Array(bytes).good());
            for (Uint32 i = item->getLength() / 3; i < item->getLength() * 2 / 3; ++i)
                bytes[i] = static_cast<Uint8>(i * 131);
            QVERIFY(ff.saveFile(OFFilename(bad.toStdString().c_str()), x).good());
        }
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, bad).hasValue());
        QVERIFY(waitFirstFrame(view));
        view.seekFrame(3);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 3);
        QTRY_VERIFY(texts(view).contains(QStringLiteral("Frame 4 cannot be shown")));
        QVERIFY(texts(view).contains(QStringLiteral("corrupt")));
        QVERIFY(view.slider()->badFrames().count(3) == 1);
        view.seekFrame(4);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 4);
        QTRY_VERIFY(!texts(view).contains(QStringLiteral("cannot be shown:")));
        // Playing through: every other frame is shown.
        view.seekFrame(0);
        view.play();
        std::set<int> seen;
        QElapsedTimer t;
        t.start();
        while (seen.size() < 12 && t.elapsed() < 5000) {
            QTest::qWait(2);
            seen.insert(view.canvas()->shownFrameIndex());
        }
        QVERIFY(seen.size() >= 8);
    }

    void aFrameChangedOnDiskAfterOpenIsMarkedBadNotShown() {
        // The clip is open (and was digested at open); then the file is rewritten in place — frame 8's bytes
        // change, nothing else moves. When frame 8 is read again to be decoded, it is marked bad with the
        // reason, never decoded or shown; the other frames play; what the view says it holds is unchanged.
        const QString p = m_dir.filePath(QStringLiteral("changing.dcm"));
        QFile::remove(p);
        QVERIFY(QFile::copy(m_clip, p));
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        QVERIFY(test::openAndWait(view, p).hasValue());
        QVERIFY(waitFirstFrame(view));
        const auto content = view.displayedContent();
        QVERIFY(content.has_value());

        QFile f(p);
        QVERIFY(f.open(QIODevice::ReadWrite));
        const QByteArray before = f.readAll();
        quint32 length = 0;
        const qsizetype at = test::pixelBytesOffset(before, true, 7, &length);
        QVERIFY(at > 0 && length > 16);
        QVERIFY(f.seek(at + length / 2));
        const char flipped = static_cast<char>(before[at + length / 2] ^ 0x01);
        QCOMPARE(f.write(&flipped, 1), qint64{1});
        f.close();

        // A new window drops the decoded frames: every frame is read from the file again.
        cine::WindowLevel w = view.window();
        w.width += 2.0;
        view.setWindow(w);
        view.seekFrame(7);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 7);
        QTRY_VERIFY2(texts(view).contains(QStringLiteral("Frame 8 cannot be shown")),
                     qPrintable(texts(view)));
        QVERIFY2(texts(view).contains(QStringLiteral("changed on disk")), qPrintable(texts(view)));
        QVERIFY(view.slider()->badFrames().count(7) == 1);
        QVERIFY(view.canvas()->shownFrame() == nullptr || view.canvas()->shownFrame()->isBad());
        view.seekFrame(6);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 6);
        QTRY_VERIFY(!texts(view).contains(QStringLiteral("cannot be shown:")));
        QVERIFY(view.displayedContent().has_value());
        QVERIFY(view.displayedContent()->sameContent(*content));
    }

    void unreadableFileIsAnErrorNotABlankView() {
        cine::CineView view;
        const QString text = m_dir.filePath(QStringLiteral("notes.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image");
        f.close();
        auto r = test::openAndWait(view, text);
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().contains(QStringLiteral("not a DICOM file")), qPrintable(r.error()));
        QVERIFY(view.currentPath().isEmpty());
    }

    void openingIsAsynchronousCancellableAndSuperseded() {
        cine::CineView view;
        QVERIFY(showAtTestSize(view));
        const QString other = test::writeSyntheticClip(m_dir.path(), QStringLiteral("other.dcm"),
                                                       demo::EchoEncoding::JpegBaseline422, 6, 320, 240);
        QVERIFY(!other.isEmpty());
        const QString text = m_dir.filePath(QStringLiteral("not-dicom.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an image");
        f.close();
        QSignalSpy opened(&view, &registry::StudyView::opened);
        QSignalSpy failed(&view, &registry::StudyView::failed);

        // Open: the call returns at once, opened() follows from the event loop, no nested loop (the helper
        // checks both).
        auto first = test::openAndWait(view, m_clip);
        QVERIFY2(first.hasValue(), first ? "" : qPrintable(first.error()));
        QVERIFY(view.displayedContent().has_value());
        QVERIFY(waitFirstFrame(view));
        opened.clear();

        // Open, then cancel: no signal ever comes; nothing of it (nor of the clip before) is held.
        test::LoopDepthProbe probe;
        view.openFile(other);
        QVERIFY(view.isOpening());
        QVERIFY(!view.displayedContent().has_value());
        view.cancelOpen();
        QVERIFY(!view.isOpening());
        test::pumpUntil([] { return false; }, 1500);
        QCOMPARE(opened.size(), 0);
        QCOMPARE(failed.size(), 0);
        QVERIFY(view.info() == nullptr);
        QVERIFY(!view.displayedContent().has_value());
        QCOMPARE(probe.nestedLevels(), 0);

        // Open A, then B before A is read: B wins; A's result is never shown nor announced.
        view.openFile(m_clip);
        auto second = test::openAndWait(view, other);
        QVERIFY2(second.hasValue(), second ? "" : qPrintable(second.error()));
        test::pumpUntil([] { return false; }, 1000);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.first().at(0).toString(), other);
        QCOMPARE(view.currentPath(), other);
        QVERIFY(view.info() != nullptr);
        QCOMPARE(view.info()->frames, 6);
        opened.clear();

        // Open A, then a file that is not DICOM: its failed(); A never reaches the screen.
        view.openFile(m_clip);
        auto bad = test::openAndWait(view, text);
        QVERIFY(!bad.hasValue());
        QVERIFY2(bad.error().contains(QStringLiteral("not a DICOM file")), qPrintable(bad.error()));
        test::pumpUntil([] { return false; }, 1000);
        QCOMPARE(opened.size(), 0);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toString(), text);
        QVERIFY(view.info() == nullptr);
        QVERIFY(!view.displayedContent().has_value());
        QCOMPARE(probe.nestedLevels(), 0);
    }

    void mainWindowRoutesUltrasoundToTheCineView() {
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<cine::CineViewerFactory>());
        ui::MainWindow window(reg);
        window.resize(1300, 850);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({m_clip});
        QVERIFY(loaded.wait(20000));
        auto* view = qobject_cast<cine::CineView*>(window.currentView());
        QVERIFY(view != nullptr);
        QVERIFY(waitFirstFrame(*view));
        const QString all = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("Frame 1/12")), qPrintable(all));
    }

    void screenshotOfTheDemoClip() {
        // The demo study's echo, paused in systole, with a distance and an area measured; written to
        // docs/screenshots/cine-demo.png when VERIDICOR_UPDATE_SCREENSHOTS=1 (look at it before committing).
        const QString demo = test::buildDir() + QStringLiteral("/demo/ECHO/ECHO0001.dcm");
        if (!QFileInfo::exists(demo))
            QSKIP("the demo study is not built (target demo_cine)");
        cine::CineView view;
        view.resize(1200, 860);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(test::openAndWait(view, demo).hasValue());
        QVERIFY(waitFirstFrame(view));
        view.seekFrame(15);
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 15);
        const auto g = demo::echoGeometry(demo::EchoClipSpec{});
        cine::CineCanvas* c = view.canvas();
        const double lvY = g.apexY + 0.50 * g.radius;
        c->addDistance({g.apexX + 0.02 * g.radius, lvY - 0.245 * g.radius},
                       {g.apexX + 0.02 * g.radius, lvY + 0.245 * g.radius});
        std::vector<cine::PixelPoint> rv;
        for (int k = 0; k < 24; ++k) {
            const double a = 2 * 3.14159265358979 * k / 24;
            rv.push_back({g.apexX - 0.20 * g.radius + 0.068 * g.radius * std::cos(a),
                          g.apexY + 0.42 * g.radius + 0.19 * g.radius * std::sin(a)});
        }
        c->addArea(rv);
        QTest::qWait(200);
        const QImage shot = view.grab().toImage();
        QVERIFY(!shot.isNull());
        // The sector is drawn (bright speckle in the middle of the canvas), the corners are dark.
        const QPointF mid = c->mapTo(
            &view, c->widgetPointOf({g.apexX + 0.3 * g.radius * std::sin(0.3), g.apexY + 0.85 * g.radius}));
        QVERIFY(qGray(shot.pixel(mid.toPoint())) > 20);
        const QString out = qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")
                                ? QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/cine-demo.png")
                                : m_dir.filePath(QStringLiteral("cine-demo.png"));
        QDir().mkpath(QFileInfo(out).path());
        QVERIFY(shot.save(out));
    }
};

int main(int argc, char** argv) {
    QSurfaceFormat fmt;
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    QSurfaceFormat::setDefaultFormat(fmt);
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    TestCineView t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_cine_view.moc"
