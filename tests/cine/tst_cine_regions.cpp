// Calibration from the Sequence of Ultrasound Regions: distances in mm and areas in cm² inside a calibrated
// 2D region, pixels with a "not calibrated" note outside; on the real ACUSON clip and the synthetic echo.
#include "cine_test_util.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/cine/regions.h>
#include <veridicor/dicom/dicom_env.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace veridicor;

class TestCineRegions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void distanceAndAreaInTheCalibratedRegion() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        auto clip = cine::ClipReader::open(path.toStdString());
        QVERIFY(clip.hasValue());
        const auto& regions = (*clip)->info().regions;
        // 100 pixels across at |ΔX| = 0.229375 cm → 22.9375 cm = 229.375 mm.
        auto d = cine::measureDistance(regions, {10, 100}, {110, 100});
        QVERIFY(d.calibrated);
        QCOMPARE(d.unit, std::string("mm"));
        QVERIFY(std::abs(d.value - 229.375) < 1e-3);
        // 3-4-5 triangle in pixels: 30 × 40 → 50 px → 11.46875 cm.
        d = cine::measureDistance(regions, {50, 50}, {80, 90});
        QVERIFY(std::abs(d.value - 114.6875) < 1e-3);
        // A 20 × 10 pixel rectangle: 200 px² · 0.229375² cm²/px².
        auto a = cine::measureArea(regions, {{100, 50}, {120, 50}, {120, 60}, {100, 60}});
        QVERIFY(a.calibrated);
        QCOMPARE(a.unit, std::string("cm²"));
        QVERIFY(std::abs(a.value - 200 * 0.229375 * 0.229375) < 1e-4);
    }

    void outsideTheCalibratedRegionIsInPixels() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        auto clip = cine::ClipReader::open(path.toStdString());
        QVERIFY(clip.hasValue());
        const auto& regions = (*clip)->info().regions;
        // y 225 lies in the first region (no physical units) but below the 2D region (y 16–217).
        auto d = cine::measureDistance(regions, {10, 225}, {40, 229});
        QVERIFY(!d.calibrated);
        QCOMPARE(d.unit, std::string("px"));
        QCOMPARE(d.value, std::hypot(30.0, 4.0));
        QVERIFY(QString::fromStdString(d.note).contains(QStringLiteral("not calibrated")));
        // One end inside, one outside: not calibrated either.
        d = cine::measureDistance(regions, {10, 100}, {10, 230});
        QVERIFY(!d.calibrated);
        auto a = cine::measureArea(regions, {{0, 0}, {10, 0}, {10, 10}});
        QVERIFY(!a.calibrated);
        QCOMPARE(a.unit, std::string("px²"));
        QCOMPARE(a.value, 50.0);
    }

    void agreesWithTheScannersOwnCaliper() {
        // The Philips image has a burned-in caliper reading "Dist Mag 1.06 cm" between two crosses. Their
        // centres, read from the pixels: (459.5, 290.5) and (498.5, 301.5) — each cross is two pixels wide.
        VERIDICOR_SHARED_FILE(path, "us/OBXXXX1A.dcm");
        auto clip = cine::ClipReader::open(path.toStdString());
        QVERIFY(clip.hasValue());
        auto shown = (*clip)->decodeForDisplay(0, (*clip)->info().defaultWindow());
        QVERIFY(shown.hasValue());
        auto bright = [&](int x, int y) {
            return shown->pixels[3 * (std::size_t(y) * 800 + std::size_t(x))] > 200;
        };
        for (int d = -4; d <= 4; ++d) {
            QVERIFY(bright(459, 290 + d) && bright(460, 290 + d) && bright(459 + d, 290) &&
                    bright(459 + d, 291));
            QVERIFY(bright(498, 301 + d) && bright(499, 301 + d) && bright(498 + d, 301) &&
                    bright(498 + d, 302));
        }
        const auto m = cine::measureDistance((*clip)->info().regions, {459.5, 290.5}, {498.5, 301.5});
        QVERIFY(m.calibrated);
        QCOMPARE(std::round(m.value) / 10.0, 1.1);          // 10.63 mm
        QCOMPARE(std::round(m.value * 10.0) / 100.0, 1.06); // in cm, to the scanner's two decimals
    }

    void imageWithoutRegionsSaysSo() {
        auto d = cine::measureDistance({}, {0, 0}, {3, 4});
        QCOMPARE(d.value, 5.0);
        QVERIFY(QString::fromStdString(d.note).contains(QStringLiteral("no calibrated")));
    }

    void syntheticEchoCalibration() {
        QTemporaryDir dir;
        const QString p = test::writeSyntheticClip(dir.path(), QStringLiteral("echo.dcm"),
                                                   demo::EchoEncoding::NativeRgb, 2, 640, 480);
        auto clip = cine::ClipReader::open(p.toStdString());
        QVERIFY(clip.hasValue());
        const auto g = demo::echoGeometry(demo::EchoClipSpec{});
        const auto& regions = (*clip)->info().regions;
        QCOMPARE(regions.size(), std::size_t{2});
        // From the apex straight down the full depth: 15 cm = 150 mm.
        auto d = cine::measureDistance(regions, {g.apexX, g.apexY}, {g.apexX, g.apexY + g.radius});
        QVERIFY(d.calibrated);
        QVERIFY(std::abs(d.value - 150.0) < 1e-6);
        // On the ECG strip (a waveform region, X in seconds): not spatially calibrated.
        d = cine::measureDistance(regions, {100, double(g.ecgMinY + 5)}, {200, double(g.ecgMinY + 5)});
        QVERIFY(!d.calibrated);
    }
};

QTEST_GUILESS_MAIN(TestCineRegions)
#include "tst_cine_regions.moc"
