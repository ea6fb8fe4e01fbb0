// AI finding overlays in the ECG view (the GUI's widget, under Xvfb): the StudyView interface ui/ calls —
// setFindingOverlays, supportsFindingOverlays, focusFinding — draws a trusted finding and its text; an
// untrusted finding's text appears nowhere (painted or in a widget) until it is shown anyway, then carries
// UNTRUSTED and a banner; overlays persist across layout, speed, gain and filter changes and are cleared by
// another instance; what cannot be drawn is reported in the side panel; the opacity slider changes the
// blended colour; focusFinding brings a finding 30 minutes into a 1-hour recording on screen. Also the
// documentation's screenshot of the demo ECG with a relevance overlay, through the real main window.
#include "ecg_view_support.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg_view/ecg_view.h>
#include <veridicor/ecg/synth.h>
#include <veridicor/ui/main_window.h>

#include "../../viewers/ecg/view/src/ecg_canvas.h"

#include <QApplication>
#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QRegularExpression>
#include <QtTest>

#include <array>
#include <cmath>

using namespace veridicor;
using namespace veridicor::ecg;

namespace {

const QStringList kTwelve{QStringLiteral("I"),   QStringLiteral("II"),  QStringLiteral("III"),
                          QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF"),
                          QStringLiteral("V1"),  QStringLiteral("V2"),  QStringLiteral("V3"),
                          QStringLiteral("V4"),  QStringLiteral("V5"),  QStringLiteral("V6")};
const QString kLabel = QStringLiteral("Occlusion MI, anterior wall");

/// A finding with relevance 255 on `lead` over [from, to) s of a recording of `samples` at `fs`, and its
/// region there.
registry::FindingOverlay finding(const QString& lead, double from, double to, double fs, int samples,
                                 bool trusted = true) {
    registry::FindingOverlay f;
    f.key = QStringLiteral("demo.finding.json#f1");
    f.label = kLabel;
    f.trusted = trusted;
    f.hasEcgRegion = true;
    f.leads = {lead};
    f.startSeconds = from;
    f.endSeconds = to;
    f.relevanceLeads = kTwelve;
    f.relevanceSamples = samples;
    f.relevance = QByteArray(kTwelve.size() * samples, '\0');
    const auto row = static_cast<qsizetype>(kTwelve.indexOf(lead)) * samples;
    for (auto i = static_cast<qsizetype>(std::ceil(from * fs - 1e-9)); i < samples && i / fs < to; ++i) {
        f.relevance[row + i] = static_cast<char>(255);
    }
    return f;
}

QImage grabPaper(EcgView& view) {
    QCoreApplication::processEvents();
    return view.canvas()->grabFramebuffer().convertToFormat(QImage::Format_RGB32);
}

Rgb8 onWhite(Rgba8 c, double opacity) {
    const double a = c.a / 255.0 * opacity;
    auto mix = [a](int s) {
        return static_cast<std::uint8_t>(std::lround(255.0 * (1.0 - a) + s * a));
    };
    return {mix(c.r), mix(c.g), mix(c.b)};
}

bool near(QRgb c, Rgb8 want, int tolerance = 2) {
    return std::abs(qRed(c) - want.r) <= tolerance && std::abs(qGreen(c) - want.g) <= tolerance &&
           std::abs(qBlue(c) - want.b) <= tolerance;
}

int countNear(const QImage& img, Rgb8 want, QRect area = {}, int tolerance = 2) {
    area = area.isNull() ? img.rect() : area.intersected(img.rect());
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x)
            n += near(img.pixel(x, y), want, tolerance) ? 1 : 0;
    }
    return n;
}

Rgb8 rgb(const QColor& c) {
    return {static_cast<std::uint8_t>(c.red()), static_cast<std::uint8_t>(c.green()),
            static_cast<std::uint8_t>(c.blue())};
}

/// Every text a reader can see in the view: its visible labels, group titles and what it paints.
QString everythingVisible(const EcgView& view) {
    QStringList out = view.paintedTexts();
    for (const QLabel* l : view.findChildren<QLabel*>()) {
        if (l->isVisible())
            out << l->text();
    }
    for (const QGroupBox* g : view.findChildren<QGroupBox*>()) {
        if (g->isVisible())
            out << g->title();
    }
    return out.join(QLatin1Char('\n'));
}

/// The device-pixel rectangle of times [from, to) on `cell`, as the canvas shows it now.
QRect onCanvas(const EcgView& view, const PaperCell& cell, double from, double to) {
    const double ppm = view.scene().page().scale.pixelsPerMm;
    const QPointF scroll = view.canvas()->scrollMm();
    const double x0 = (cell.xAt(std::max(from, cell.startSeconds)) - scroll.x()) * ppm;
    const double x1 = (cell.xAt(std::min(to, cell.endSeconds)) - scroll.x()) * ppm;
    return {QPoint(static_cast<int>(std::floor(x0)), static_cast<int>((cell.topMm + 1.0 - scroll.y()) * ppm)),
            QPoint(static_cast<int>(std::ceil(x1)) - 1,
                   static_cast<int>((cell.bottomMm - 1.0 - scroll.y()) * ppm))};
}

} // namespace

class TestEcgOverlayView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(dicom::initializeDicom().hasValue());
    }

    void aTrustedFindingIsDrawnWithItsText() {
        EcgView view;
        QVERIFY(view.supportsFindingOverlays());
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QVERIFY(!everythingVisible(view).contains(kLabel));
        // In 3×4+1, V2's cell shows 5–7.5 s.
        view.setFindingOverlays({finding(QStringLiteral("V2"), 5.6, 6.8, 500.0, 5000)});
        const QString all = everythingVisible(view);
        QVERIFY2(all.contains(kLabel), qPrintable(all));
        QVERIFY(!all.contains(QStringLiteral("UNTRUSTED")));
        QVERIFY2(view.overlayReport().contains(QStringLiteral("relevance under V2")),
                 qPrintable(view.overlayReport()));
        QVERIFY2(view.overlayReport().contains(QStringLiteral("region on V2, 5.60–6.80 s")),
                 qPrintable(view.overlayReport()));
        const QImage img = grabPaper(view);
        const PaperCell* v2 = view.scene().page().cellFor(7);
        const QRect band = onCanvas(view, *v2, 5.6, 6.8);
        const Rgb8 colour = onWhite(relevanceColourTable()[255], view.overlayOpacity());
        QVERIFY2(countNear(img, colour, band) > band.width() * band.height() / 3,
                 qPrintable(QStringLiteral("%1 band pixels in %2×%3")
                                .arg(countNear(img, colour, band))
                                .arg(band.width())
                                .arg(band.height())));
        QCOMPARE(countNear(img, colour, band.adjusted(-band.width() - 20, 0, -band.width() - 20, 0)), 0);
        QCOMPARE(countNear(img, rgb(PaperColors{}.untrusted), {}, 10), 0);
    }

    void anUntrustedFindingShowsNothingUntilShownAnyway() {
        EcgView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        const QImage before = grabPaper(view);
        registry::FindingOverlay f = finding(QStringLiteral("V2"), 5.6, 6.8, 500.0, 5000, false);
        f.visible = false; // quarantined
        view.setFindingOverlays({f});
        QString all = everythingVisible(view);
        QVERIFY2(!all.contains(kLabel), qPrintable(all));
        QVERIFY(!all.contains(QStringLiteral("UNTRUSTED")));
        QVERIFY(!all.contains(QStringLiteral("AI finding")));
        QVERIFY(grabPaper(view) == before); // nothing drawn

        f.visible = true; // "Show anyway"
        view.setFindingOverlays({f});
        all = everythingVisible(view);
        QVERIFY2(view.paintedTexts().contains(QStringLiteral("UNTRUSTED — ") + kLabel), qPrintable(all));
        QVERIFY(view.paintedTexts()
                    .join(QLatin1Char('\n'))
                    .contains(QStringLiteral("UNTRUSTED — 1 AI finding is shown anyway")));
        QVERIFY(!view.paintedTexts().contains(kLabel)); // never without the marking
        QVERIFY(view.overlayReport().startsWith(QStringLiteral("UNTRUSTED — ") + kLabel));
        const QImage shown = grabPaper(view);
        QVERIFY(countNear(shown, rgb(PaperColors{}.untrusted), {}, 10) > 2000); // hatching, outline, banner
        // Scrolled down (12 rows are taller than the canvas), the banner stays at the top of the paper.
        view.setPaperLayout(PaperLayout::Rows12x1);
        view.canvas()->setScrollMm(QPointF(0, 1e6));
        const QImage scrolled = grabPaper(view);
        QVERIFY(view.canvas()->scrollMm().y() > 20.0);
        QVERIFY(countNear(scrolled, rgb(PaperColors{}.untrusted), QRect(0, 0, scrolled.width(), 12), 10) >
                scrolled.width() * 8);
        // Hidden again: gone.
        f.visible = false;
        view.setFindingOverlays({f});
        view.setPaperLayout(PaperLayout::Grid3x4Rhythm);
        view.canvas()->setScrollMm(QPointF(0, 0));
        QVERIFY(!everythingVisible(view).contains(QStringLiteral("UNTRUSTED")));
        QVERIFY(grabPaper(view) == before);
    }

    void overlaysPersistUntilAnotherInstanceOpens() {
        EcgView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        view.setFindingOverlays({finding(QStringLiteral("II"), 1.2, 3.4, 500.0, 5000)});
        const Rgb8 colour = onWhite(relevanceColourTable()[255], view.overlayOpacity());
        auto bandPixelsOnII = [&] {
            const QImage img = grabPaper(view);
            int n = 0;
            for (const PaperCell& c : view.scene().page().cells) {
                if (c.label == "II")
                    n += countNear(img, colour, onCanvas(view, c, 1.2, 3.4));
            }
            return n;
        };
        QVERIFY(bandPixelsOnII() > 500);
        for (PaperLayout l : {PaperLayout::Rows12x1, PaperLayout::Grid6x2, PaperLayout::Grid3x4}) {
            view.setPaperLayout(l);
            QVERIFY(view.paintedTexts().contains(kLabel));
            QVERIFY2(bandPixelsOnII() > 300, paperLayoutName(l).c_str());
        }
        view.setSpeed(50.0);
        view.setGain(20.0);
        QVERIFY(view.paintedTexts().contains(kLabel));
        QVERIFY(bandPixelsOnII() > 300);
        QSignalSpy ready(&view, &EcgView::tracesReady);
        FilterSettings filters;
        filters.lowPass = LowPass::Hz40;
        view.setDisplayFilters(filters);
        QVERIFY(ready.wait(30000));
        QVERIFY(view.paintedTexts().contains(kLabel));
        QVERIFY(bandPixelsOnII() > 300);
        // Another instance: the findings were for the first.
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        QVERIFY(view.scene().overlays().empty());
        QVERIFY(!everythingVisible(view).contains(kLabel));
        QCOMPARE(bandPixelsOnII(), 0);
    }

    void whatCannotBeDrawnIsReportedNotDrawn() {
        EcgView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        const QImage before = grabPaper(view);
        // Leads the recording lacks, and an attachment made for 2400 samples against a rhythm of 5000.
        registry::FindingOverlay unmatched = finding(QStringLiteral("V2"), 5.6, 6.8, 500.0, 5000);
        unmatched.key = QStringLiteral("a#1");
        unmatched.label = QStringLiteral("Unmatched leads");
        unmatched.relevanceLeads[7] = QStringLiteral("V2R"); // V2's row under another name: never drawn on V2
        unmatched.leads = {QStringLiteral("V9")};
        registry::FindingOverlay mismatch = finding(QStringLiteral("V3"), 0.5, 1.0, 240.0, 2400);
        mismatch.key = QStringLiteral("b#1");
        mismatch.label = QStringLiteral("Wrong shape");
        mismatch.hasEcgRegion = false;
        view.setFindingOverlays({unmatched, mismatch});
        const QString report = view.overlayReport();
        QVERIFY2(report.contains(QStringLiteral("relevance for \"V2R\": this recording has no such lead")),
                 qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("the region's \"V9\": this recording has no such lead")),
                 qPrintable(report));
        QVERIFY2(
            report.contains(QStringLiteral("2400 samples per lead, but this recording's rhythm has 5000")),
            qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("nothing of it can be drawn")), qPrintable(report));
        QVERIFY(everythingVisible(view).contains(report));
        // Nothing on the paper, and none of their labels painted.
        QVERIFY(grabPaper(view) == before);
        QVERIFY(!view.paintedTexts().contains(QStringLiteral("Unmatched leads")));
        QVERIFY(!view.paintedTexts().contains(QStringLiteral("Wrong shape")));
    }

    void theOpacitySliderChangesTheBlend() {
        EcgView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(test::syntheticRecording(500.0, 10.0, {}));
        view.setFindingOverlays({finding(QStringLiteral("V2"), 5.6, 6.8, 500.0, 5000)});
        auto* slider = view.findChild<QSlider*>(QStringLiteral("ecgOverlayOpacity"));
        QVERIFY(slider != nullptr && slider->isVisible());
        const PaperCell* v2 = view.scene().page().cellFor(7);
        for (int percent : {30, 90, 0}) {
            slider->setValue(percent);
            QCOMPARE(view.overlayOpacity(), percent / 100.0);
            const QImage img = grabPaper(view);
            const QRect band = onCanvas(view, *v2, 5.6, 6.8);
            const Rgb8 want = onWhite(relevanceColourTable()[255], percent / 100.0);
            QVERIFY2(countNear(img, want, band) > band.width() * band.height() / 3,
                     qPrintable(QStringLiteral("opacity %1 %").arg(percent)));
            QVERIFY(view.paintedTexts().contains(QStringLiteral("band opacity %1 %").arg(percent)));
        }
    }

    void focusFindingBringsItOnScreenInALongRecording() {
        // One hour of the core's synthetic ECG; the finding at 30 min on V2.
        SynthParams p;
        p.durationSeconds = 3600.0;
        p.seed = 11;
        auto rec = synthesizeRecording(p);
        QVERIFY(rec.hasValue());
        auto recording = std::make_shared<Recording>(std::move(rec).value());
        const int samples = static_cast<int>(recording->rhythm()->samples);
        QCOMPARE(samples, 1800000);
        EcgView view;
        view.resize(1500, 950);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.showRecording(recording);
        QCOMPARE(view.scene().settings().startSeconds, 0.0);
        registry::FindingOverlay f = finding(QStringLiteral("V2"), 1801.2, 1803.4, 500.0, samples);
        view.setFindingOverlays({f});
        QVERIFY(!view.paintedTexts().contains(kLabel)); // not on the first page
        view.focusFinding(QStringLiteral("no such key"));
        QCOMPARE(view.scene().settings().startSeconds, 0.0);

        for (PaperLayout layout : {PaperLayout::Grid3x4Rhythm, PaperLayout::Rows12x1}) {
            view.setPaperLayout(layout);
            view.setStartSeconds(0.0);
            view.focusFinding(f.key);
            const PaperCell* v2 = view.scene().page().cellFor(7);
            QVERIFY2(v2->startSeconds <= 1801.2 && v2->endSeconds >= 1803.4,
                     qPrintable(QStringLiteral("%1: V2 shows %2–%3 s")
                                    .arg(QString::fromStdString(paperLayoutName(layout)))
                                    .arg(v2->startSeconds)
                                    .arg(v2->endSeconds)));
            QVERIFY(view.paintedTexts().contains(kLabel));
            // The band is on screen, where V2's geometry puts 1801.2–1803.4 s.
            const QImage img = grabPaper(view);
            const QRect band = onCanvas(view, *v2, 1801.2, 1803.4);
            QVERIFY2(img.rect().contains(band), qPrintable(QStringLiteral("band %1,%2 %3×%4 off the canvas")
                                                               .arg(band.x())
                                                               .arg(band.y())
                                                               .arg(band.width())
                                                               .arg(band.height())));
            const Rgb8 colour = onWhite(relevanceColourTable()[255], view.overlayOpacity());
            // The synthetic trace crosses the band: most, not all, of its pixels show the band colour.
            QVERIFY2(countNear(img, colour, band) > band.width() * band.height() / 4,
                     qPrintable(QString::number(countNear(img, colour, band))));
        }
        // In 12×1 the region is centred on the page.
        QVERIFY(std::abs(view.scene().settings().startSeconds - (1801.2 - (10.0 - 2.2) / 2.0)) < 1e-9);
    }

    void screenshotOfTheDemoEcgWithARelevanceOverlay() {
        const QDir demo(test::buildDir() + QStringLiteral("/demo/ECG"));
        const QStringList files = demo.entryList({QStringLiteral("*.dcm")}, QDir::Files, QDir::Name)
                                        .filter(QRegularExpression(QStringLiteral("^(?!.*\\.reading\\.dcm$)"))); // not the signed reading (an SR)
        if (files.isEmpty())
            QSKIP("the demo ECG (build/demo/ECG/*.dcm) has not been generated in this build");
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<EcgViewerFactory>());
        ui::MainWindow window(reg);
        window.resize(1600, 1000);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({demo.path()});
        QVERIFY(loaded.wait(30000));
        auto* view = qobject_cast<EcgView*>(window.currentView());
        QVERIFY(view != nullptr);
        const TraceSet& traces = *view->scene().traces();
        const double fs = traces.samplingHz();
        const auto n = static_cast<qsizetype>(traces.sampleCount());
        // A plausible explanation of an anterior ST-elevation finding: relevance over the ST-T segment of
        // each beat in V2–V4 (strongest 80–280 ms after the R peak), a little over the QRS. R peaks from lead
        // II.
        const Channel& ii = traces.group().channels[1];
        std::vector<qsizetype> peaks;
        const auto maxRaw = *std::max_element(ii.raw.begin(), ii.raw.end());
        for (qsizetype i = 1; i + 1 < n; ++i) {
            const auto v = ii.raw[static_cast<std::size_t>(i)];
            if (v > 0.6 * maxRaw && v >= ii.raw[static_cast<std::size_t>(i - 1)] &&
                v > ii.raw[static_cast<std::size_t>(i + 1)] &&
                (peaks.empty() || i - peaks.back() > static_cast<qsizetype>(0.25 * fs))) {
                peaks.push_back(i);
            }
        }
        QVERIFY(peaks.size() >= 8);
        registry::FindingOverlay f;
        f.key = QStringLiteral("demo_12lead_resting_ecg.finding.json#f1");
        f.label = kLabel;
        f.trusted = true;
        f.hasEcgRegion = true;
        f.leads = {QStringLiteral("V2"), QStringLiteral("V3"), QStringLiteral("V4")};
        f.startSeconds = 5.2;
        f.endSeconds = 9.6;
        f.relevanceLeads = kTwelve;
        f.relevanceSamples = static_cast<int>(n);
        f.relevance = QByteArray(kTwelve.size() * n, '\0');
        const std::array weight = {0.8, 1.0, 0.7}; // V2, V3, V4
        for (int k = 0; k < 3; ++k) {
            const qsizetype row = (7 + k) * n;
            for (qsizetype r : peaks) {
                for (qsizetype i = std::max<qsizetype>(0, r - static_cast<qsizetype>(0.05 * fs));
                     i < std::min(n, r + static_cast<qsizetype>(0.36 * fs)); ++i) {
                    const double t = (i - r) / fs;
                    const double st = std::exp(-0.5 * std::pow((t - 0.18) / 0.07, 2.0));
                    const double qrs = 0.3 * std::exp(-0.5 * std::pow(t / 0.025, 2.0));
                    const double v = weight[k] * std::max(st, qrs);
                    f.relevance[row + i] =
                        static_cast<char>(static_cast<unsigned char>(std::lround(255.0 * std::min(1.0, v))));
                }
            }
        }
        view->setFindingOverlays({f});
        view->focusFinding(f.key);
        QTest::qWait(300);
        QCoreApplication::processEvents();
        const QImage shot = window.grab().toImage();
        const QString texts = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(texts.contains(kLabel), qPrintable(texts));
        QVERIFY(texts.contains(QStringLiteral("AI relevance")));
        // The bands are in the window's image: colours of the map's upper half blended at the view's opacity.
        const QImage paper = grabPaper(*view);
        int bandPixels = 0;
        for (int v = 128; v < 256; v += 16) {
            bandPixels += countNear(
                paper, onWhite(relevanceColourTable()[static_cast<std::size_t>(v)], view->overlayOpacity()),
                {}, 4);
        }
        QVERIFY2(bandPixels > 200, qPrintable(QString::number(bandPixels)));
        if (const QString dir = qEnvironmentVariable("VERIDICOR_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QVERIFY(shot.save(QDir(dir).filePath(QStringLiteral("ecg-relevance.png"))));
        }
    }
};

int main(int argc, char** argv) {
    veridicor::test::useAppSurfaceFormat();
    QApplication app(argc, argv);
    TestEcgOverlayView t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_ecg_overlay_view.moc"
