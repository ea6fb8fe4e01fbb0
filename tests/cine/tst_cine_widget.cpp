// The VTK-in-QOpenGLWidget bridge under Xvfb: what it renders (row 0 at the top, colours exact, aspect kept),
// zoom/pan/fit/1:1 mapping, and resizing, reparenting and teardown in every order (run under ASan/UBSan too).
#include <veridicor/cine_view/cine_canvas.h>
#include <veridicor/cine/frame_cache.h>

#include <QApplication>
#include <QMainWindow>
#include <QSurfaceFormat>
#include <QVBoxLayout>
#include <QtTest>

#include <memory>

using namespace veridicor;

namespace {

/// 64 × 48: top half red, bottom half blue, and the left quarter green (over both halves).
std::shared_ptr<cine::CachedFrame> testFrame() {
    auto img = std::make_shared<cine::RgbImage>();
    img->width = 64;
    img->height = 48;
    img->pixels.resize(std::size_t{64} * 48 * 3);
    for (int y = 0; y < 48; ++y) {
        for (int x = 0; x < 64; ++x) {
            auto* p = &img->pixels[3 * std::size_t(y * 64 + x)];
            if (x < 16) {
                p[0] = 0;
                p[1] = 200;
                p[2] = 0;
            } else if (y < 24) {
                p[0] = 220;
                p[1] = 30;
                p[2] = 10;
            } else {
                p[0] = 20;
                p[1] = 40;
                p[2] = 230;
            }
        }
    }
    auto f = std::make_shared<cine::CachedFrame>();
    f->index = 0;
    f->image = img;
    return f;
}

QColor colourAt(cine::CineCanvas& canvas, const QImage& shot, cine::PixelPoint p) {
    const QPointF w = canvas.widgetPointOf(p) * canvas.devicePixelRatioF();
    return shot.pixelColor(qRound(w.x()), qRound(w.y()));
}

/// Exactly the decoded colour: the frame is shown at the identity window, and these points are inside uniform
/// areas.
bool near(const QColor& c, int r, int g, int b) {
    return c.red() == r && c.green() == g && c.blue() == b;
}

void checkPicture(cine::CineCanvas& canvas) {
    const QImage shot = canvas.grabFramebuffer();
    QVERIFY(!shot.isNull());
    const QColor top = colourAt(canvas, shot, {40, 8});
    const QColor bottom = colourAt(canvas, shot, {40, 40});
    const QColor left = colourAt(canvas, shot, {6, 20});
    QVERIFY2(near(top, 220, 30, 10), qPrintable(top.name()));
    QVERIFY2(near(bottom, 20, 40, 230), qPrintable(bottom.name()));
    QVERIFY2(near(left, 0, 200, 0), qPrintable(left.name()));
    // Outside the image: background, and opaque.
    const QColor corner = shot.pixelColor(1, 1);
    QCOMPARE(corner.alpha(), 255);
}

} // namespace

class TestCineWidget : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (QGuiApplication::platformName() != QStringLiteral("xcb"))
            QSKIP("GL tests run on xcb (under xvfb-run)");
    }

    void rendersTheFrameUpright() {
        cine::CineCanvas canvas;
        canvas.resize(400, 300);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(64, 48, 1.0, {});
        canvas.showFrame(testFrame());
        QTRY_VERIFY(canvas.renderCount() > 0);
        checkPicture(canvas);
        // Fit keeps the aspect ratio: 64:48 scaled by the same factor both ways, the whole image visible.
        const QPointF tl = canvas.widgetPointOf({-0.5, -0.5});
        const QPointF br = canvas.widgetPointOf({63.5, 47.5});
        QVERIFY(tl.x() >= -0.5 && tl.y() >= -0.5 && br.x() <= 400.5 && br.y() <= 300.5);
        QVERIFY(std::abs((br.x() - tl.x()) / (br.y() - tl.y()) - 64.0 / 48.0) < 0.01);
    }

    void pixelAspectRatioStretchesRows() {
        cine::CineCanvas canvas;
        canvas.resize(400, 400);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(64, 48, 2.0, {}); // each row twice as tall as a column is wide
        canvas.showFrame(testFrame());
        QTRY_VERIFY(canvas.renderCount() > 0);
        checkPicture(canvas);
        const QPointF tl = canvas.widgetPointOf({-0.5, -0.5});
        const QPointF br = canvas.widgetPointOf({63.5, 47.5});
        QVERIFY(std::abs((br.x() - tl.x()) / (br.y() - tl.y()) - 64.0 / 96.0) < 0.01);
    }

    void zoomPanFitAndOneToOne() {
        cine::CineCanvas canvas;
        canvas.resize(500, 400);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(64, 48, 1.0, {});
        canvas.showFrame(testFrame());
        canvas.oneToOne();
        QCOMPARE(canvas.zoom(), 1.0);
        QVERIFY(!canvas.isFitting());
        const QPointF anchor(250, 200);
        const cine::PixelPoint before = canvas.imagePointAt(anchor);
        canvas.zoomBy(2.0, anchor);
        QCOMPARE(canvas.zoom(), 2.0);
        const cine::PixelPoint after = canvas.imagePointAt(anchor);
        QVERIFY(std::abs(before.x - after.x) < 1e-9 && std::abs(before.y - after.y) < 1e-9);
        const cine::PixelPoint p{10.25, 33.5};
        const cine::PixelPoint back = canvas.imagePointAt(canvas.widgetPointOf(p));
        QVERIFY(std::abs(back.x - p.x) < 1e-9 && std::abs(back.y - p.y) < 1e-9);
        const QPointF w0 = canvas.widgetPointOf(p);
        canvas.panBy(QPointF(30, -12));
        const QPointF w1 = canvas.widgetPointOf(p);
        QVERIFY(std::abs(w1.x() - w0.x() - 30) < 1e-6 && std::abs(w1.y() - w0.y() + 12) < 1e-6);
        QTRY_VERIFY(canvas.renderCount() > 0);
        checkPicture(canvas);
        canvas.fit();
        QVERIFY(canvas.isFitting());
        // Mouse wheel zooms about the cursor.
        const double z = canvas.zoom();
        QWheelEvent wheel(QPointF(100, 100), canvas.mapToGlobal(QPointF(100, 100)), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&canvas, &wheel);
        QVERIFY(canvas.zoom() > z * 1.1);
    }

    void oneToOneShowsTheDecodedPixelsExactly() {
        // A frame of varied pixels at 1:1: every screen pixel is the frame's pixel, as cine-frame writes it.
        auto img = std::make_shared<cine::RgbImage>();
        img->width = 97;
        img->height = 61;
        img->pixels.resize(std::size_t{97} * 61 * 3);
        for (std::size_t i = 0; i < img->pixels.size(); ++i)
            img->pixels[i] = static_cast<std::uint8_t>((i * 7919) % 251);
        auto frame = std::make_shared<cine::CachedFrame>();
        frame->image = img;
        cine::CineCanvas canvas;
        canvas.resize(301, 222); // odd and even sizes: the image must still land on whole pixels
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(97, 61, 1.0, {});
        canvas.showFrame(frame);
        canvas.oneToOne();
        canvas.panBy(QPointF(3, -2));
        QTRY_VERIFY(canvas.renderCount() > 0);
        QTest::qWait(50);
        const QImage shot = canvas.grabFramebuffer();
        const double dpr = canvas.devicePixelRatioF();
        int mismatches = 0;
        for (int y = 2; y < 59; ++y) {
            for (int x = 2; x < 95; ++x) {
                const QPointF w = canvas.widgetPointOf({double(x), double(y)}) * dpr;
                const QColor c = shot.pixelColor(int(std::floor(w.x())), int(std::floor(w.y())));
                const auto* p = &img->pixels[3 * std::size_t(y * 97 + x)];
                mismatches += (c.red() != p[0] || c.green() != p[1] || c.blue() != p[2]) ? 1 : 0;
            }
        }
        QCOMPARE(mismatches, 0);
    }

    void resizeKeepsRendering() {
        cine::CineCanvas canvas;
        canvas.resize(300, 200);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(64, 48, 1.0, {});
        canvas.showFrame(testFrame());
        for (const QSize s : {QSize(640, 480), QSize(200, 500), QSize(900, 150), QSize(333, 333)}) {
            canvas.resize(s);
            QTest::qWait(30);
            QTRY_COMPARE(canvas.deviceSize(), s * canvas.devicePixelRatioF());
            checkPicture(canvas);
        }
    }

    void reparentingRecreatesTheContext() {
        auto first = std::make_unique<QWidget>();
        auto second = std::make_unique<QMainWindow>();
        first->resize(400, 300);
        second->resize(500, 350);
        auto* canvas = new cine::CineCanvas(first.get());
        auto* layout = new QVBoxLayout(first.get());
        layout->addWidget(canvas);
        first->show();
        second->show();
        QVERIFY(QTest::qWaitForWindowExposed(first.get()));
        canvas->setImageGeometry(64, 48, 1.0, {});
        canvas->showFrame(testFrame());
        QTRY_VERIFY(canvas->renderCount() > 0);
        checkPicture(*canvas);
        // Into another top-level window (a new GL context), then on its own, then back.
        second->setCentralWidget(canvas);
        canvas->show();
        QVERIFY(QTest::qWaitForWindowExposed(second.get()));
        QTRY_VERIFY(canvas->isVtkInitialized());
        checkPicture(*canvas);
        canvas->setParent(nullptr);
        canvas->resize(320, 240);
        canvas->show();
        QVERIFY(QTest::qWaitForWindowExposed(canvas));
        checkPicture(*canvas);
        canvas->setParent(first.get());
        layout->addWidget(canvas);
        canvas->show();
        QTest::qWait(50);
        checkPicture(*canvas);
        first.reset(); // deletes the canvas with its parent
        second.reset();
    }

    void teardownInAnyOrder() {
        {
            // Canvas deleted before its window.
            QMainWindow w;
            auto* c = new cine::CineCanvas;
            w.setCentralWidget(c);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            c->setImageGeometry(64, 48, 1.0, {});
            c->showFrame(testFrame());
            QTRY_VERIFY(c->renderCount() > 0);
            delete c;
            QTest::qWait(20);
        }
        {
            // Never shown: no GL context was ever made.
            cine::CineCanvas c;
            c.setImageGeometry(64, 48, 1.0, {});
            c.showFrame(testFrame());
        }
        {
            // Hidden and shown again, then deleted while hidden.
            auto c = std::make_unique<cine::CineCanvas>();
            c->show();
            QVERIFY(QTest::qWaitForWindowExposed(c.get()));
            c->hide();
            QTest::qWait(20);
            c->show();
            QTest::qWait(20);
            c->hide();
            c.reset();
        }
    }

    void extraImageLayerDrawsOverTheFrame() {
        // The scene takes more image layers (the heatmap of a later issue): a half-transparent layer blends
        // over.
        cine::CineCanvas canvas;
        canvas.resize(400, 300);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.setImageGeometry(64, 48, 1.0, {});
        canvas.showFrame(testFrame());
        auto white = std::make_shared<cine::RgbImage>();
        white->width = 64;
        white->height = 48;
        white->pixels.assign(std::size_t{64} * 48 * 3, 255);
        auto& layer = canvas.scene().addImageLayer();
        layer.setRgb(white, 1.0);
        layer.setOpacity(0.5);
        canvas.update();
        QTest::qWait(50);
        const QImage shot = canvas.grabFramebuffer();
        const QColor c = colourAt(canvas, shot, {40, 40}); // blue (20, 40, 230) half covered by white
        QVERIFY2(std::abs(c.red() - 137) <= 4 && std::abs(c.green() - 147) <= 4 &&
                     std::abs(c.blue() - 242) <= 4,
                 qPrintable(c.name()));
        layer.setVisible(false);
        canvas.update();
        QTest::qWait(50);
        checkPicture(canvas);
    }
};

int main(int argc, char** argv) {
    QSurfaceFormat fmt;
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    QSurfaceFormat::setDefaultFormat(fmt);
    QApplication app(argc, argv);
    TestCineWidget t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_cine_widget.moc"
