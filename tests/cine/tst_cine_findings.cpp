// AI findings over the cine frames, read back from the rendered widget under Xvfb: a heatmap cell lands on
// exactly the image pixels it covers (1:1, every pixel of the image checked), the blended colour is the mix
// of the frame and the colour map at the reader's opacity, the heatmap follows the frame shown (seeks and
// playback), the region polygon is outlined through its points, untrusted findings carry the UNTRUSTED
// marking, hidden findings and heatmaps of the wrong shape draw nothing (the latter says why), overlays
// survive zoom, pan and window/level and go when another clip opens, and focusFinding() pauses on the
// finding's first frame with its outline in view. Screenshots of the demo clip with a heatmap through the
// main window (docs/screenshots/cine-heatmap*.png).
#include "cine_test_util.h"
#include "open_wait.h"

#include <veridicor/cine_view/cine_view.h>
#include <veridicor/cine/heatmap.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/registry/viewer_registry.h>
#include <veridicor/ui/main_window.h>

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QSurfaceFormat>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using namespace veridicor;

namespace {

constexpr int kW = 320, kH = 240, kFrames = 12;

struct Rgb {
    int r = 0, g = 0, b = 0;
};

/// What the frame shows at image pixel (x, y): the decoded frame's own pixel (the view shows it exactly at
/// 1:1).
Rgb framePixel(const cine::CineCanvas& c, int x, int y) {
    const auto f = c.shownFrame();
    const auto* p = &f->image->pixels[3 * (std::size_t(y) * std::size_t(f->image->width) + std::size_t(x))];
    return {p[0], p[1], p[2]};
}

/// Source-over: base·(1 − a) + colour·a with a = colour alpha × opacity.
Rgb blend(Rgb base, const cine::Rgba8& c, double opacity) {
    const double a = c.a / 255.0 * opacity;
    return {int(std::lround(base.r * (1 - a) + c.r * a)), int(std::lround(base.g * (1 - a) + c.g * a)),
            int(std::lround(base.b * (1 - a) + c.b * a))};
}

bool close(Rgb a, QColor b, int tolerance) {
    return std::abs(a.r - b.red()) <= tolerance && std::abs(a.g - b.green()) <= tolerance &&
           std::abs(a.b - b.blue()) <= tolerance;
}

QString str(QColor c) {
    return QStringLiteral("(%1, %2, %3)").arg(c.red()).arg(c.green()).arg(c.blue());
}
QString str(Rgb c) {
    return QStringLiteral("(%1, %2, %3)").arg(c.r).arg(c.g).arg(c.b);
}

/// The screen pixel that shows image point p (at 1:1 the pixel whose centre is p).
QPoint screenOf(const cine::CineCanvas& c, cine::PixelPoint p) {
    const QPointF w = c.widgetPointOf(p) * c.devicePixelRatioF();
    return {int(std::floor(w.x())), int(std::floor(w.y()))};
}

QColor shotAt(const cine::CineCanvas& c, const QImage& shot, cine::PixelPoint p) {
    return shot.pixelColor(screenOf(c, p));
}

registry::FindingOverlay heatmapFinding(const QString& key, const QString& label, int frames, int rows,
                                        int cols, const std::function<int(int f, int r, int c)>& value) {
    registry::FindingOverlay o;
    o.key = key;
    o.label = label;
    o.trusted = true;
    o.heatmapFrames = frames;
    o.heatmapRows = rows;
    o.heatmapCols = cols;
    o.heatmap.resize(qsizetype{frames} * rows * cols);
    for (int f = 0; f < frames; ++f) {
        for (int r = 0; r < rows; ++r) {
            for (int c = 0; c < cols; ++c)
                o.heatmap[(f * rows + r) * cols + c] = char(value(f, r, c));
        }
    }
    return o;
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

/// Pixel (x, y) is in cell (r, c) of a rows × cols grid over the image, by the spec's definition in integers.
bool inCell(int x, int y, int r, int c, int rows, int cols) {
    return c * kW <= x * cols && x * cols < (c + 1) * kW && r * kH <= y * rows && y * rows < (r + 1) * kH;
}

/// The centre of cell (r, c), in image pixels.
cine::PixelPoint cellCentre(int r, int c, int rows, int cols) {
    return {std::floor((c + 0.5) * kW / cols), std::floor((r + 0.5) * kH / rows)};
}

const QColor kGreen(64, 255, 115); // trusted outline (0.25, 1, 0.45)

bool isOutlineGreen(QColor c) {
    return std::abs(c.red() - 64) <= 12 && c.green() >= 240 && std::abs(c.blue() - 115) <= 12;
}
bool isUntrustedRed(QColor c) {
    return c.red() >= 230 && c.green() <= 50 && c.blue() <= 50;
}

/// Some pixel in the (2·radius + 1)² neighbourhood of the screen pixel showing `p` satisfies `pred`.
bool anyNear(const cine::CineCanvas& c, const QImage& shot, cine::PixelPoint p, int radius,
             const std::function<bool(QColor)>& pred) {
    const QPoint s = screenOf(c, p);
    for (int dy = -radius; dy <= radius; ++dy) {
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint q = s + QPoint(dx, dy);
            if (shot.rect().contains(q) && pred(shot.pixelColor(q)))
                return true;
        }
    }
    return false;
}

} // namespace

class TestCineFindings : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_clip, m_other;

    /// A view 900 × 700 with the generated clip open at 1:1 on frame `frame`, paused.
    bool open(cine::CineView& view, int frame = 0, const QString& path = {}) {
        view.resize(900, 700);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view))
            return false;
        if (!test::openAndWait(view, path.isEmpty() ? m_clip : path).hasValue())
            return false;
        if (!waitFirstFrame(view))
            return false;
        view.canvas()->oneToOne();
        return seek(view, frame);
    }
    static bool seek(cine::CineView& view, int frame) {
        view.seekFrame(frame);
        QElapsedTimer t;
        t.start();
        while (view.canvas()->shownFrameIndex() != frame && t.elapsed() < 10000)
            QTest::qWait(5);
        return view.canvas()->shownFrameIndex() == frame;
    }

private slots:
    void initTestCase() {
        if (QGuiApplication::platformName() != QStringLiteral("xcb"))
            QSKIP("GL tests run on xcb (under xvfb-run)");
        QVERIFY(dicom::initializeDicom().hasValue());
        QCoreApplication::setOrganizationName(QStringLiteral("VeridicorTest"));
        QSettings().setValue(QStringLiteral("cine/autoPlay"), false);
        // Native RGB: the frames are exactly what was generated (no JPEG loss), 320 × 240, 12 frames.
        m_clip = test::writeSyntheticClip(m_dir.path(), QStringLiteral("echo.dcm"),
                                          demo::EchoEncoding::NativeRgb, kFrames, kW, kH);
        QVERIFY(!m_clip.isEmpty());
        m_other = test::writeSyntheticClip(m_dir.path(), QStringLiteral("other.dcm"),
                                           demo::EchoEncoding::NativeRgb, 6, kW, kH);
        QVERIFY(!m_other.isEmpty());
    }
    void cleanupTestCase() { QSettings().remove(QStringLiteral("cine")); }

    void heatmapCellCoversExactlyItsPixels_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<int>("hotRow");
        QTest::addColumn<int>("hotCol");
        QTest::newRow("6x8 grid, 40 px cells") << 6 << 8 << 2 << 5;
        QTest::newRow("7x9 grid, cells of 34.3 x 35.6 px") << 7 << 9 << 3 << 4;
        QTest::newRow("11x13 grid, last cell") << 11 << 13 << 10 << 12;
        QTest::newRow("1x1 grid, the whole image") << 1 << 1 << 0 << 0;
        QTest::newRow("240x320 grid, one pixel") << 240 << 320 << 117 << 201;
    }
    void heatmapCellCoversExactlyItsPixels() {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(int, hotRow);
        QFETCH(int, hotCol);
        cine::CineView view;
        QVERIFY(open(view, 5));
        view.setFindingOverlays(
            {heatmapFinding(QStringLiteral("k"), QStringLiteral("Hot cell"), 1, rows, cols,
                            [&](int, int r, int c) { return r == hotRow && c == hotCol ? 255 : 0; })});
        QVERIFY(view.overlayControls()->isVisible());
        cine::CineCanvas* c = view.canvas();
        const QImage shot = c->grabFramebuffer();
        const auto hot = cine::heatmapColourTable()[255];
        const double opacity = view.heatmapOpacitySlider()->value() / 100.0;
        QCOMPARE(opacity, cine::kDefaultHeatmapOpacity);
        int wrongInside = 0, wrongOutside = 0, inside = 0;
        QString first;
        for (int y = 0; y < kH; ++y) {
            for (int x = 0; x < kW; ++x) {
                const QColor got = shotAt(*c, shot, {double(x), double(y)});
                const Rgb base = framePixel(*c, x, y);
                if (inCell(x, y, hotRow, hotCol, rows, cols)) {
                    ++inside;
                    const Rgb want = blend(base, hot, opacity);
                    if (!close(want, got, 2)) {
                        ++wrongInside;
                        if (first.isEmpty())
                            first = QStringLiteral("inside at (%1, %2): %3, want %4")
                                        .arg(x)
                                        .arg(y)
                                        .arg(str(got), str(want));
                    }
                } else if (!close(base, got, 0)) {
                    ++wrongOutside;
                    if (first.isEmpty())
                        first = QStringLiteral("outside at (%1, %2): %3, frame %4")
                                    .arg(x)
                                    .arg(y)
                                    .arg(str(got), str(base));
                }
            }
        }
        // The issue allows ±1 pixel at the cell's edges; at 1:1 the view is exact, so none is tolerated here.
        QVERIFY2(wrongInside == 0 && wrongOutside == 0,
                 qPrintable(QStringLiteral("%1 wrong inside, %2 outside; first %3")
                                .arg(wrongInside)
                                .arg(wrongOutside)
                                .arg(first)));
        const auto xs = cine::pixelsOfCell(hotCol, cols, kW), ys = cine::pixelsOfCell(hotRow, rows, kH);
        QCOMPARE(inside, (xs.last - xs.first) * (ys.last - ys.first));
        // The note names the finding; nothing is marked untrusted.
        QVERIFY2(texts(view).contains(QStringLiteral("AI finding: Hot cell")), qPrintable(texts(view)));
        QVERIFY(!texts(view).contains(QStringLiteral("UNTRUSTED")));
    }

    void cellsKeepTheirPixelsWhenZoomed() {
        // Nearest interpolation: zoomed in (3.7×, so image pixels are not whole screen pixels), every screen
        // pixel that shows an image pixel of the hot cell is blended and every other one is not — the cell's
        // edge is the edge of its pixels, never a ramp across them.
        const int rows = 7, cols = 9, hotRow = 3, hotCol = 4;
        cine::CineView view;
        QVERIFY(open(view, 5));
        view.setFindingOverlays(
            {heatmapFinding(QStringLiteral("z"), QStringLiteral("Zoomed"), 1, rows, cols,
                            [&](int, int r, int c) { return r == hotRow && c == hotCol ? 255 : 0; })});
        cine::CineCanvas* c = view.canvas();
        const auto ctr = cellCentre(hotRow, hotCol, rows, cols);
        c->zoomBy(3.7, c->widgetPointOf(ctr));
        view.heatmapOpacitySlider()->setValue(0);
        const QImage plain = c->grabFramebuffer();
        view.heatmapOpacitySlider()->setValue(60);
        const QImage withMap = c->grabFramebuffer();
        const auto hot = cine::heatmapColourTable()[255];
        const double dpr = c->devicePixelRatioF();
        int checked = 0, inside = 0, wrong = 0;
        QString first;
        // Rows 160 … height − 60: clear of the texts at the top and bottom of the canvas.
        for (int sy = 160; sy < plain.height() - 60; ++sy) {
            for (int sx = 0; sx < plain.width(); ++sx) {
                const cine::PixelPoint p = c->imagePointAt(QPointF((sx + 0.5) / dpr, (sy + 0.5) / dpr));
                const double fx = p.x + 0.5 - std::floor(p.x + 0.5), fy = p.y + 0.5 - std::floor(p.y + 0.5);
                if (fx < 0.02 || fx > 0.98 || fy < 0.02 || fy > 0.98)
                    continue; // on a pixel edge: either side
                const int ix = int(std::floor(p.x + 0.5)), iy = int(std::floor(p.y + 0.5));
                if (ix < 0 || iy < 0 || ix >= kW || iy >= kH)
                    continue;
                const QColor base = plain.pixelColor(sx, sy);
                const bool in = inCell(ix, iy, hotRow, hotCol, rows, cols);
                const Rgb want = in ? blend({base.red(), base.green(), base.blue()}, hot, 0.6)
                                    : Rgb{base.red(), base.green(), base.blue()};
                ++checked;
                inside += in ? 1 : 0;
                if (!close(want, withMap.pixelColor(sx, sy), in ? 2 : 0)) {
                    if (wrong++ == 0)
                        first = QStringLiteral("screen (%1, %2) = image (%3, %4)")
                                    .arg(sx)
                                    .arg(sy)
                                    .arg(p.x)
                                    .arg(p.y);
                }
            }
        }
        QVERIFY2(
            wrong == 0,
            qPrintable(QStringLiteral("%1 of %2 wrong, first at %3").arg(wrong).arg(checked).arg(first)));
        QVERIFY(inside > 10000 &&
                checked - inside > 10000); // the cell and its surroundings were both on screen
    }

    void cellsStretchWithTheRowsOfNonSquarePixels() {
        // Pixel aspect ratio 2 (each row twice as tall as a column is wide), on the canvas with the overlay
        // object alone: the heatmap and the outline stretch with the frame's rows.
        constexpr int w = 96, h = 64, rows = 5, cols = 7, hotRow = 2, hotCol = 3;
        auto img = std::make_shared<cine::RgbImage>();
        img->width = w;
        img->height = h;
        img->pixels.resize(std::size_t(w) * h * 3);
        for (std::size_t i = 0; i < img->pixels.size(); ++i)
            img->pixels[i] = static_cast<std::uint8_t>(40 + (i * 7919) % 151);
        auto frame = std::make_shared<cine::CachedFrame>();
        frame->image = img;
        cine::CineCanvas canvas;
        canvas.resize(500, 400);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(w, h, 2.0, {});
        auto overlays = std::make_shared<cine::FindingOverlays>(canvas.scene());
        canvas.addFrameOverlay(overlays);
        overlays->setClip({1, w, h}, 2.0);
        auto o = heatmapFinding(QStringLiteral("a"), QStringLiteral("Aspect"), 1, rows, cols,
                                [&](int, int r, int c) { return r == hotRow && c == hotCol ? 255 : 0; });
        o.hasCineRegion = true;
        o.polygon << QPointF(10, 10) << QPointF(80, 10) << QPointF(80, 50) << QPointF(10, 50);
        overlays->setFindings({o});
        canvas.showFrame(frame);
        canvas.oneToOne();
        canvas.zoomBy(2.0, QPointF(250, 200));
        overlays->setOpacity(0.0);
        const QImage plain = canvas.grabFramebuffer();
        overlays->setOpacity(0.6);
        const QImage withMap = canvas.grabFramebuffer();
        const auto hot = cine::heatmapColourTable()[255];
        const double dpr = canvas.devicePixelRatioF();
        int wrong = 0, inside = 0;
        for (int sy = 0; sy < plain.height(); ++sy) {
            for (int sx = 0; sx < plain.width(); ++sx) {
                const cine::PixelPoint p = canvas.imagePointAt(QPointF((sx + 0.5) / dpr, (sy + 0.5) / dpr));
                const double fx = p.x + 0.5 - std::floor(p.x + 0.5), fy = p.y + 0.5 - std::floor(p.y + 0.5);
                if (fx < 0.02 || fx > 0.98 || fy < 0.02 || fy > 0.98)
                    continue;
                const int ix = int(std::floor(p.x + 0.5)), iy = int(std::floor(p.y + 0.5));
                if (ix < 0 || iy < 0 || ix >= w || iy >= h)
                    continue;
                // Away from the outline (its lines are 2 screen pixels wide).
                const bool nearOutline = (std::abs(p.x - 10) < 2 || std::abs(p.x - 80) < 2) ||
                                         (std::abs(p.y - 10) < 1 || std::abs(p.y - 50) < 1);
                if (nearOutline)
                    continue;
                const bool in = cols * ix >= hotCol * w && cols * ix < (hotCol + 1) * w &&
                                rows * iy >= hotRow * h && rows * iy < (hotRow + 1) * h;
                const QColor base = plain.pixelColor(sx, sy);
                const Rgb want = in ? blend({base.red(), base.green(), base.blue()}, hot, 0.6)
                                    : Rgb{base.red(), base.green(), base.blue()};
                inside += in ? 1 : 0;
                wrong += close(want, withMap.pixelColor(sx, sy), in ? 2 : 0) ? 0 : 1;
            }
        }
        QCOMPARE(wrong, 0);
        // The hot cell: 13.7 × 12.8 image pixels → about 14 × 13 of them, each 2 × 4 screen pixels at zoom 2.
        QVERIFY2(inside > 14 * 13 * 2 * 4 * 0.8, qPrintable(QString::number(inside)));
        // The outline's corners, where the rows put them: (80, 50) is 100 screen rows below row 0 at zoom 2.
        for (const cine::PixelPoint p : {cine::PixelPoint{10, 10}, cine::PixelPoint{80, 10},
                                         cine::PixelPoint{80, 50}, cine::PixelPoint{10, 50}}) {
            QVERIFY(anyNear(canvas, withMap, p, 1, isOutlineGreen));
        }
    }

    void heatmapLayersAreBounded() {
        cine::CineView view;
        QVERIFY(open(view, 0));
        std::vector<registry::FindingOverlay> many;
        many.reserve(17);
        for (int i = 0; i < 17; ++i) {
            many.push_back(heatmapFinding(QStringLiteral("k%1").arg(i), QStringLiteral("Finding %1").arg(i),
                                          1, 2, 2, [](int, int, int) { return 10; }));
        }
        view.setFindingOverlays(many);
        QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("k15")), 0);
        QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("k16")), -1);
        QVERIFY2(texts(view).contains(
                     QStringLiteral("Heatmap not drawn: 16 heatmaps are shown already; hide one of them "
                                    "to see this one.")),
                 qPrintable(texts(view)));
        // Every finding is still named.
        for (int i = 0; i < 17; ++i)
            QVERIFY(view.paintedTexts().contains(QStringLiteral("AI finding: Finding %1").arg(i)));
    }

    void outlinePassesThroughItsPoints() {
        cine::CineView view;
        QVERIFY(open(view, 4));
        registry::FindingOverlay o;
        o.key = QStringLiteral("poly");
        o.label = QStringLiteral("Akinetic apex");
        o.trusted = true;
        o.hasCineRegion = true;
        o.firstFrame = 0;
        o.lastFrame = kFrames - 1;
        const std::vector<cine::PixelPoint> pts = {{60, 60}, {250, 75}, {210, 200}, {85, 180}};
        for (const auto& p : pts)
            o.polygon << QPointF(p.x, p.y);
        view.setFindingOverlays({o});
        QVERIFY(!view.overlayControls()->isVisible()); // no heatmap: no opacity slider, no legend
        cine::CineCanvas* c = view.canvas();
        const QImage shot = c->grabFramebuffer();
        for (std::size_t i = 0; i < pts.size(); ++i) {
            const auto a = pts[i], b = pts[(i + 1) % pts.size()];
            for (double t : {0.0, 0.2, 0.4, 0.5, 0.6, 0.8}) {
                const cine::PixelPoint p{a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
                QVERIFY2(anyNear(*c, shot, p, 1, isOutlineGreen),
                         qPrintable(QStringLiteral("no outline at (%1, %2): %3")
                                        .arg(p.x)
                                        .arg(p.y)
                                        .arg(str(shotAt(*c, shot, p)))));
            }
        }
        // Inside and outside the polygon, away from its edges: the frame, untouched.
        for (const cine::PixelPoint p :
             {cine::PixelPoint{150, 130}, cine::PixelPoint{20, 220}, cine::PixelPoint{300, 20}}) {
            QVERIFY(close(framePixel(*c, int(p.x), int(p.y)), shotAt(*c, shot, p), 0));
        }
        // The label is drawn above the outline and listed in the notes.
        const QStringList painted = view.paintedTexts();
        QVERIFY2(painted.count(QStringLiteral("Akinetic apex")) == 1,
                 qPrintable(painted.join(QLatin1Char('\n'))));
        QVERIFY(painted.contains(QStringLiteral("AI finding: Akinetic apex  (frames 1–12)")));
        QVERIFY(view.findingOverlays()->outlineShown(QStringLiteral("poly")));
    }

    void heatmapFollowsTheFrameShown_data() {
        QTest::addColumn<int>("heatmapFrames");
        QTest::addColumn<int>("firstFrame");
        QTest::addColumn<int>("lastFrame");
        QTest::newRow("one heatmap frame per clip frame") << 12 << -1 << -1;
        QTest::newRow("4 heatmap frames over 12: f -> floor(f*4/12)") << 4 << -1 << -1;
        QTest::newRow("region frames 3-6 only") << 12 << 3 << 6;
    }
    void heatmapFollowsTheFrameShown() {
        QFETCH(int, heatmapFrames);
        QFETCH(int, firstFrame);
        QFETCH(int, lastFrame);
        const int rows = 3, cols = 4; // 12 cells of 80 × 80: heatmap frame k lights cell k
        cine::CineView view;
        QVERIFY(open(view, 0));
        auto o = heatmapFinding(QStringLiteral("step"), QStringLiteral("Stepping"), heatmapFrames, rows, cols,
                                [&](int f, int r, int c) { return r * cols + c == f ? 255 : 0; });
        if (firstFrame >= 0) {
            o.hasCineRegion = true;
            o.firstFrame = firstFrame;
            o.lastFrame = lastFrame;
        }
        view.setFindingOverlays({o});
        cine::CineCanvas* c = view.canvas();
        const auto hot = cine::heatmapColourTable()[255];
        const double opacity = cine::kDefaultHeatmapOpacity;
        for (int f = 0; f < kFrames; ++f) {
            QVERIFY(seek(view, f));
            const bool inRegion = firstFrame < 0 || (f >= firstFrame && f <= lastFrame);
            // By hand: equal counts → f; 4 over 12 → 0,0,0,1,1,1,2,2,2,3,3,3.
            const int expected = !inRegion ? -1 : heatmapFrames == kFrames ? f : f / 3;
            QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("step")), expected);
            const QImage shot = c->grabFramebuffer();
            for (int r = 0; r < rows; ++r) {
                for (int k = 0; k < cols; ++k) {
                    // A 3 × 3 block around the cell's centre.
                    const auto centre = cellCentre(r, k, rows, cols);
                    for (int dy = -1; dy <= 1; ++dy) {
                        for (int dx = -1; dx <= 1; ++dx) {
                            const int x = int(centre.x) + dx * 20, y = int(centre.y) + dy * 20;
                            const Rgb base = framePixel(*c, x, y);
                            const QColor got = shotAt(*c, shot, {double(x), double(y)});
                            const bool lit = r * cols + k == expected;
                            const Rgb want = lit ? blend(base, hot, opacity) : base;
                            QVERIFY2(close(want, got, lit ? 2 : 0),
                                     qPrintable(QStringLiteral("frame %1 cell (%2, %3): %4, want %5")
                                                    .arg(f)
                                                    .arg(r)
                                                    .arg(k)
                                                    .arg(str(got), str(want))));
                        }
                    }
                }
            }
        }
    }

    void heatmapFollowsPlayback() {
        cine::CineView view;
        QVERIFY(open(view, 0));
        view.setFindingOverlays(
            {heatmapFinding(QStringLiteral("play"), QStringLiteral("Playing"), 4, 3, 4,
                            [](int f, int r, int c) { return r * 4 + c == f ? 255 : 0; })});
        std::vector<std::pair<int, int>> seen; // (clip frame, heatmap frame drawn with it)
        connect(&view, &cine::CineView::frameShown, this, [&](int f) {
            seen.emplace_back(f, view.findingOverlays()->heatmapFrameShown(QStringLiteral("play")));
        });
        view.play();
        QTRY_VERIFY_WITH_TIMEOUT(seen.size() >= 30, 10000);
        view.pause();
        std::set<int> frames;
        for (const auto& [f, h] : seen) {
            QCOMPARE(h, f * 4 / 12);
            frames.insert(f);
        }
        QVERIFY2(frames.size() >= 8, "playback showed most frames");
    }

    void opacitySliderBlends() {
        cine::CineView view;
        QVERIFY(open(view, 2));
        // Cell (0, 0) at relevance 1, cell (0, 1) at 128/255, the rest 0, on a 2 × 4 grid (80 × 120 px
        // cells).
        view.setFindingOverlays(
            {heatmapFinding(QStringLiteral("o"), QStringLiteral("Opacity"), 1, 2, 4, [](int, int r, int c) {
                return r == 0 && c == 0 ? 255 : r == 0 && c == 1 ? 128 : 0;
            })});
        cine::CineCanvas* c = view.canvas();
        const auto& table = cine::heatmapColourTable();
        QVERIFY(table[128].a > 0 && table[128].a < 255);
        for (int percent : {0, 25, 60, 100}) {
            view.heatmapOpacitySlider()->setValue(percent);
            QCOMPARE(view.findingOverlays()->opacity(), percent / 100.0);
            const QImage shot = c->grabFramebuffer();
            for (const auto& [x, y, v] : std::vector<std::tuple<int, int, int>>{{20, 30, 255},
                                                                                {61, 100, 255},
                                                                                {110, 50, 128},
                                                                                {150, 90, 128},
                                                                                {200, 60, 0},
                                                                                {300, 200, 0}}) {
                const Rgb base = framePixel(*c, x, y);
                const Rgb want = blend(base, table[std::size_t(v)], percent / 100.0);
                const QColor got = shotAt(*c, shot, {double(x), double(y)});
                QVERIFY2(close(want, got, v == 0 || percent == 0 ? 0 : 2),
                         qPrintable(QStringLiteral("%1 %% at (%2, %3) v %4: %5, want %6")
                                        .arg(percent)
                                        .arg(x)
                                        .arg(y)
                                        .arg(v)
                                        .arg(str(got), str(want))));
            }
        }
        // 100 %: a cell at relevance 1 is the colour map's colour itself.
        const QColor full = shotAt(*c, c->grabFramebuffer(), {20, 30});
        QVERIFY(close({table[255].r, table[255].g, table[255].b}, full, 1));
    }

    void hiddenFindingDrawsNothing() {
        cine::CineView view;
        QVERIFY(open(view, 1));
        auto shown = heatmapFinding(QStringLiteral("a"), QStringLiteral("Shown finding"), 1, 2, 2,
                                    [](int, int r, int c) { return r == 0 && c == 0 ? 255 : 0; });
        auto hidden = heatmapFinding(QStringLiteral("b"), QStringLiteral("Hidden finding"), 1, 2, 2,
                                     [](int, int r, int c) { return r == 1 && c == 1 ? 255 : 0; });
        hidden.visible = false;
        hidden.hasCineRegion = true;
        hidden.lastFrame = kFrames - 1;
        hidden.polygon << QPointF(200, 150) << QPointF(300, 150) << QPointF(300, 230);
        view.setFindingOverlays({shown, hidden});
        cine::CineCanvas* c = view.canvas();
        QImage shot = c->grabFramebuffer();
        QVERIFY(!close(framePixel(*c, 40, 40), shotAt(*c, shot, {40, 40}), 0)); // the shown one is drawn
        for (int y = kH / 2; y < kH; ++y) {
            for (int x = kW / 2; x < kW; ++x) {
                QVERIFY(close(framePixel(*c, x, y), shotAt(*c, shot, {double(x), double(y)}), 0));
            }
        }
        QVERIFY(texts(view).contains(QStringLiteral("Shown finding")));
        QVERIFY2(!texts(view).contains(QStringLiteral("Hidden finding")), qPrintable(texts(view)));
        QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("b")), -1);
        // Both hidden: the frame exactly, no note, no legend.
        shown.visible = false;
        view.setFindingOverlays({shown, hidden});
        QVERIFY(!view.overlayControls()->isVisible());
        shot = c->grabFramebuffer();
        for (int y = 0; y < kH; ++y) {
            for (int x = 0; x < kW; ++x)
                QVERIFY(close(framePixel(*c, x, y), shotAt(*c, shot, {double(x), double(y)}), 0));
        }
        QVERIFY(!texts(view).contains(QStringLiteral("finding"), Qt::CaseInsensitive));
    }

    void untrustedFindingIsMarked() {
        cine::CineView view;
        QVERIFY(open(view, 3));
        auto o = heatmapFinding(QStringLiteral("u"), QStringLiteral("Occlusion MI, anterior wall"), 1, 2, 2,
                                [](int, int r, int c) { return r == 0 && c == 0 ? 255 : 0; });
        o.trusted = false;
        o.hasCineRegion = true;
        o.lastFrame = kFrames - 1;
        const std::vector<cine::PixelPoint> pts = {{40, 40}, {280, 40}, {280, 200}, {40, 200}};
        for (const auto& p : pts)
            o.polygon << QPointF(p.x, p.y);
        view.setFindingOverlays({o});
        // The text: a banner, and the label only ever with the UNTRUSTED prefix (beside the outline and in
        // the notes).
        const QStringList painted = view.paintedTexts();
        QVERIFY(painted.contains(QString::fromUtf8(cine::kUntrustedBanner)));
        QCOMPARE(painted.count(QStringLiteral("UNTRUSTED — Occlusion MI, anterior wall")),
                 1); // beside the outline
        QVERIFY(painted.contains(
            QStringLiteral("UNTRUSTED — Occlusion MI, anterior wall  (frames 1–12)"))); // note
        for (const QString& t : painted) {
            if (t.contains(QStringLiteral("Occlusion")))
                QVERIFY2(t.startsWith(QStringLiteral("UNTRUSTED — ")), qPrintable(t));
        }
        QVERIFY(!painted.join(QLatin1Char('\n')).contains(QStringLiteral("AI finding:")));
        // The outline: dashed red along every edge (red dashes and gaps between them).
        cine::CineCanvas* c = view.canvas();
        const QImage shot = c->grabFramebuffer();
        for (std::size_t i = 0; i < pts.size(); ++i) {
            const auto a = pts[i], b = pts[(i + 1) % pts.size()];
            const double len = std::hypot(b.x - a.x, b.y - a.y);
            int red = 0, samples = 0;
            for (double s = 2; s < len - 2; s += 1.0, ++samples) {
                const cine::PixelPoint p{a.x + (b.x - a.x) * s / len, a.y + (b.y - a.y) * s / len};
                red += isUntrustedRed(shotAt(*c, shot, p)) ? 1 : 0;
            }
            // 8 px dashes and 5 px gaps: about 8/13 of the edge is red.
            QVERIFY2(red > samples * 0.45 && red < samples * 0.75,
                     qPrintable(QStringLiteral("edge %1: %2 of %3 red").arg(i).arg(red).arg(samples)));
        }
        // The banner: red across the top centre of the canvas, under the corner texts.
        int bannerRed = 0;
        for (int x = shot.width() / 2 - 100; x < shot.width() / 2 + 100; ++x) {
            for (int y = 0; y < 150; ++y) {
                const QColor px = shot.pixelColor(x, y);
                bannerRed += px.red() > 150 && px.green() < 40 && px.blue() < 40 ? 1 : 0;
            }
        }
        QVERIFY2(bannerRed > 1000, qPrintable(QString::number(bannerRed)));

        // Without a polygon, the untrusted heatmap gets a dashed red frame around the image.
        o.hasCineRegion = false;
        o.polygon.clear();
        view.setFindingOverlays({o});
        const QImage shot2 = c->grabFramebuffer();
        int edgeRed = 0;
        for (int x = 2; x < kW - 2; ++x)
            edgeRed += anyNear(*c, shot2, {double(x), -0.5}, 1, isUntrustedRed) ? 1 : 0;
        QVERIFY2(edgeRed > (kW - 4) / 2, qPrintable(QString::number(edgeRed)));
        // Beside the image's edge and in the notes (no region: no frames).
        QCOMPARE(view.paintedTexts().count(QStringLiteral("UNTRUSTED — Occlusion MI, anterior wall")), 2);
        QVERIFY(view.paintedTexts().contains(QString::fromUtf8(cine::kUntrustedBanner)));

        // Hidden again: no banner, no text, nothing drawn.
        o.visible = false;
        view.setFindingOverlays({o});
        QVERIFY2(!texts(view).contains(QStringLiteral("UNTRUSTED")) &&
                     !texts(view).contains(QStringLiteral("Occlusion")),
                 qPrintable(texts(view)));
        const QImage shot3 = c->grabFramebuffer();
        for (int y = 0; y < kH; y += 3) {
            for (int x = 0; x < kW; x += 3)
                QVERIFY(close(framePixel(*c, x, y), shotAt(*c, shot3, {double(x), double(y)}), 0));
        }
    }

    void badShapeIsNotDrawnAndSaysWhy() {
        cine::CineView view;
        QVERIFY(open(view, 0));
        auto shortBy1 = heatmapFinding(QStringLiteral("s"), QStringLiteral("Short heatmap"), 2, 3, 4,
                                       [](int, int, int) { return 255; });
        shortBy1.heatmap.chop(1);
        shortBy1.hasCineRegion = true;
        shortBy1.lastFrame = kFrames - 1;
        shortBy1.polygon << QPointF(100, 100) << QPointF(200, 100) << QPointF(150, 180);
        auto zero = heatmapFinding(QStringLiteral("z"), QStringLiteral("Flat heatmap"), 1, 3, 4,
                                   [](int, int, int) { return 255; });
        zero.heatmapRows = 0;
        view.setFindingOverlays({shortBy1, zero});
        const QString t = texts(view);
        QVERIFY2(t.contains(QStringLiteral(
                     "Heatmap not drawn: it holds 23 values, but its shape (2 frames × 3 rows × 4 "
                     "columns) needs 24.")),
                 qPrintable(t));
        QVERIFY2(t.contains(QStringLiteral(
                     "Heatmap not drawn: its shape (1 frames × 0 rows × 4 columns) has an empty "
                     "dimension.")),
                 qPrintable(t));
        QVERIFY(!view.overlayControls()->isVisible());
        QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("s")), -1);
        // No heatmap anywhere; the polygon of the first is still outlined.
        cine::CineCanvas* c = view.canvas();
        const QImage shot = c->grabFramebuffer();
        for (const cine::PixelPoint p :
             {cine::PixelPoint{20, 20}, cine::PixelPoint{150, 140}, cine::PixelPoint{300, 220}}) {
            QVERIFY(close(framePixel(*c, int(p.x), int(p.y)), shotAt(*c, shot, p), 0));
        }
        QVERIFY(anyNear(*c, shot, {150, 100}, 1, isOutlineGreen));
    }

    void overlaysSurviveZoomPanWindowLevelAndGoWithTheClip() {
        cine::CineView view;
        QVERIFY(open(view, 6));
        const int rows = 2, cols = 4;
        view.setFindingOverlays(
            {heatmapFinding(QStringLiteral("p"), QStringLiteral("Persistent"), 1, rows, cols,
                            [](int, int r, int c) { return r == 1 && c == 2 ? 255 : 0; })});
        cine::CineCanvas* c = view.canvas();
        // Compares the canvas with the heatmap against the same canvas at opacity 0 (same camera, same
        // frame): the hot cell's interior is the blend, every other cell's interior is unchanged.
        auto check = [&](const char* when) {
            view.heatmapOpacitySlider()->setValue(0);
            const QImage plain = c->grabFramebuffer();
            view.heatmapOpacitySlider()->setValue(60);
            const QImage withMap = c->grabFramebuffer();
            const auto hot = cine::heatmapColourTable()[255];
            for (int r = 0; r < rows; ++r) {
                for (int k = 0; k < cols; ++k) {
                    for (const auto d : {QPointF(0, 0), QPointF(-20, -20), QPointF(20, 25)}) {
                        const auto ctr = cellCentre(r, k, rows, cols);
                        const cine::PixelPoint p{ctr.x + d.x(), ctr.y + d.y()};
                        const QPoint s = screenOf(*c, p);
                        if (!plain.rect().contains(s))
                            continue;
                        const QColor base = plain.pixelColor(s);
                        const Rgb want = r == 1 && k == 2
                                             ? blend({base.red(), base.green(), base.blue()}, hot, 0.6)
                                             : Rgb{base.red(), base.green(), base.blue()};
                        QVERIFY2(close(want, withMap.pixelColor(s), 2),
                                 qPrintable(QStringLiteral("%1: cell (%2, %3) %4, want %5")
                                                .arg(QLatin1String(when))
                                                .arg(r)
                                                .arg(k)
                                                .arg(str(withMap.pixelColor(s)), str(want))));
                    }
                }
            }
        };
        check("1:1");
        c->zoomBy(2.5, QPointF(c->width() / 2.0, c->height() / 2.0));
        check("zoomed");
        c->panBy(QPointF(-60, 35));
        check("panned");
        const auto before = c->shownFrame();
        view.setWindow({90.0, 100.0});
        QTRY_VERIFY_WITH_TIMEOUT(c->shownFrame() != before, 5000); // the frame, re-decoded at the new window
        QCOMPARE(c->shownFrameIndex(), 6);
        check("window/level");
        QVERIFY(texts(view).contains(QStringLiteral("AI finding: Persistent")));
        // Another clip: no finding of the previous one, anywhere.
        QVERIFY(test::openAndWait(view, m_other).hasValue());
        QVERIFY(waitFirstFrame(view));
        c->oneToOne();
        QCOMPARE(view.findingOverlays()->heatmapFrameShown(QStringLiteral("p")), -1);
        QVERIFY(!texts(view).contains(QStringLiteral("Persistent")));
        QVERIFY(!view.overlayControls()->isVisible());
        const QImage shot = c->grabFramebuffer();
        for (int y = 0; y < kH; y += 2) {
            for (int x = 0; x < kW; x += 2)
                QVERIFY(close(framePixel(*c, x, y), shotAt(*c, shot, {double(x), double(y)}), 0));
        }
    }

    void focusFindingPausesOnItsFirstFrame() {
        cine::CineView view;
        QVERIFY(open(view, 0));
        registry::FindingOverlay o;
        o.key = QStringLiteral("f");
        o.label = QStringLiteral("Late finding");
        o.trusted = true;
        o.hasCineRegion = true;
        o.firstFrame = 7;
        o.lastFrame = 9;
        o.polygon << QPointF(250, 180) << QPointF(300, 180) << QPointF(300, 225) << QPointF(250, 225);
        view.setFindingOverlays({o});
        view.play();
        QTRY_VERIFY(view.canvas()->shownFrameIndex() > 0);
        view.focusFinding(QStringLiteral("f"));
        QVERIFY(!view.isPlaying());
        QTRY_COMPARE(view.canvas()->shownFrameIndex(), 7);
        QTest::qWait(100);
        QCOMPARE(view.canvas()->shownFrameIndex(), 7); // paused there
        QVERIFY(view.findingOverlays()->outlineShown(QStringLiteral("f")));
        // Zoomed in far from the polygon: focusing brings it into view.
        cine::CineCanvas* c = view.canvas();
        c->zoomBy(6.0, c->widgetPointOf({20, 20}));
        view.seekFrame(2);
        QTRY_COMPARE(c->shownFrameIndex(), 2);
        auto inView = [&] {
            const QPointF a = c->widgetPointOf({250, 180}), b = c->widgetPointOf({300, 225});
            return a.x() >= 0 && a.y() >= 0 && b.x() <= c->width() && b.y() <= c->height();
        };
        QVERIFY(!inView());
        view.focusFinding(QStringLiteral("f"));
        QTRY_COMPARE(c->shownFrameIndex(), 7);
        QVERIFY(inView());
        QVERIFY(c->zoom() > 5.0); // the zoom is kept when the box fits
        // An unknown key changes nothing.
        view.focusFinding(QStringLiteral("nope"));
        QCOMPARE(c->shownFrameIndex(), 7);
    }

    void screenshotsOfTheDemoClip() {
        // The demo echo through the main window with a heatmap that follows the left ventricle over the beat
        // and an outline around it; written to docs/screenshots/ when VERIDICOR_UPDATE_SCREENSHOTS=1.
        const QString demo = test::buildDir() + QStringLiteral("/demo/ECHO/ECHO0001.dcm");
        if (!QFileInfo::exists(demo))
            QSKIP("the demo study is not built (target demo_cine)");
        const demo::EchoClipSpec spec;
        const auto g = demo::echoGeometry(spec);
        const int rows = 48, cols = 64; // 10 × 10 pixel cells
        // The ventricle as the demo draws it (resources/demo/echo): contraction over the cardiac phase.
        auto smooth = [](double e0, double e1, double x) {
            const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
            return t * t * (3 - 2 * t);
        };
        auto contraction = [&](double phase) {
            if (phase < 0.04)
                return 0.0;
            if (phase < 0.34)
                return smooth(0.04, 0.34, phase);
            if (phase < 0.40)
                return 1.0;
            if (phase < 0.62)
                return 1.0 - smooth(0.40, 0.62, phase);
            return 0.0;
        };
        const double R = g.radius, lvX = g.apexX + 0.02 * R, lvY = g.apexY + 0.50 * R;
        auto o = heatmapFinding(
            QStringLiteral("demo"), QStringLiteral("Left ventricle: wall motion (demo heatmap)"), spec.frames,
            rows, cols, [&](int f, int r, int c) {
                const double cc = contraction(std::fmod(f / spec.frameRate / (60.0 / spec.heartRate), 1.0));
                const double a = 0.27 * R * (1.0 - 0.10 * cc), b = 0.13 * R * (1.0 - 0.28 * cc);
                const double x = (c + 0.5) * spec.width / cols, y = (r + 0.5) * spec.height / rows;
                const double ey = (y - lvY) / a;
                const double taper = 0.72 + 0.28 * smooth(-1.0, 0.6, ey);
                const double ex = (x - lvX) / (b * taper);
                const double d = std::sqrt(ex * ex + ey * ey);
                // Strongest on the myocardium just outside the cavity, fading both ways.
                const double wall = std::exp(-std::pow((d - 1.15) / 0.3, 2.0));
                return int(std::lround(255.0 * std::clamp(wall, 0.0, 1.0)));
            });
        o.hasCineRegion = true;
        o.firstFrame = 0;
        o.lastFrame = spec.frames - 1;
        for (int k = 0; k < 36; ++k) {
            const double t = 2 * 3.14159265358979 * k / 36;
            const double s = std::sin(t), cs = std::cos(t);
            const double taper = 0.72 + 0.28 * smooth(-1.0, 0.6, s * 1.0);
            o.polygon << QPointF(lvX + 0.13 * R * 1.8 * taper * cs, lvY + 0.27 * R * 1.5 * s);
        }
        registry::ViewerRegistry reg;
        reg.add(std::make_unique<cine::CineViewerFactory>());
        ui::MainWindow window(reg);
        window.resize(1400, 960);
        window.show();
        QSignalSpy loaded(&window, &ui::MainWindow::loadFinished);
        window.openPaths({demo});
        QVERIFY(loaded.wait(20000));
        auto* view = qobject_cast<cine::CineView*>(window.currentView());
        QVERIFY(view != nullptr);
        QVERIFY(waitFirstFrame(*view));
        QVERIFY(view->supportsFindingOverlays());
        view->setFindingOverlays({o});
        view->focusFinding(QStringLiteral("demo"));
        QVERIFY(!view->isPlaying());
        QVERIFY(seek(*view, 14)); // end-systole
        QTest::qWait(200);
        const QString all = window.visibleTexts().join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("Left ventricle: wall motion (demo heatmap)")), qPrintable(all));
        QVERIFY(all.contains(QStringLiteral("relevance")));
        QCOMPARE(view->findingOverlays()->heatmapFrameShown(QStringLiteral("demo")), 14);
        auto save = [&](const QString& name) {
            const QImage shot = window.grab().toImage();
            QVERIFY(!shot.isNull());
            const QString out = qEnvironmentVariableIsSet("VERIDICOR_UPDATE_SCREENSHOTS")
                                    ? QStringLiteral(VERIDICOR_SOURCE_DIR "/docs/screenshots/") + name
                                    : m_dir.filePath(name);
            QDir().mkpath(QFileInfo(out).path());
            QVERIFY(shot.save(out));
        };
        save(QStringLiteral("cine-heatmap.png"));
        // The same finding shown anyway although it is not trusted.
        o.trusted = false;
        view->setFindingOverlays({o});
        QTest::qWait(100);
        QVERIFY(window.visibleTexts()
                    .join(QLatin1Char('\n'))
                    .contains(QString::fromUtf8(cine::kUntrustedBanner)));
        save(QStringLiteral("cine-heatmap-untrusted.png"));
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
    TestCineFindings t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_cine_findings.moc"
