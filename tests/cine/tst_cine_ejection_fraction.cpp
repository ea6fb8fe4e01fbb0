// Echo measurements a reading records (core, no display): distance and area only inside one calibrated
// ultrasound region (refused outside, across two regions, or without any), single-plane area–length volumes
// and the ejection fraction against values computed by hand.
#include <veridicor/cine/ejection_fraction.h>

#include <QtTest>

#include <cmath>

using namespace veridicor::cine;

namespace {

UltrasoundRegion region2d(int x0, int y0, int x1, int y1, double cmPerPixel) {
    UltrasoundRegion r;
    r.spatialFormat = 1; // 2D
    r.dataType = 1;      // tissue
    r.minX0 = x0;
    r.minY0 = y0;
    r.maxX1 = x1;
    r.maxY1 = y1;
    r.unitsX = static_cast<int>(PhysicalUnits::Centimetre);
    r.unitsY = static_cast<int>(PhysicalUnits::Centimetre);
    r.physicalDeltaX = cmPerPixel;
    r.physicalDeltaY = cmPerPixel;
    return r;
}

/// Two 2D regions side by side (0.05 and 0.04 cm per pixel) over a spectral strip, which is not spatial.
std::vector<UltrasoundRegion> regions() {
    UltrasoundRegion doppler;
    doppler.spatialFormat = 3; // spectral: cm/s against s
    doppler.minX0 = 0;
    doppler.minY0 = 400;
    doppler.maxX1 = 599;
    doppler.maxY1 = 499;
    doppler.unitsX = static_cast<int>(PhysicalUnits::Seconds);
    doppler.unitsY = static_cast<int>(PhysicalUnits::CentimetrePerSecond);
    doppler.physicalDeltaX = 0.01;
    doppler.physicalDeltaY = 0.5;
    return {region2d(0, 0, 299, 399, 0.05), region2d(300, 0, 599, 399, 0.04), doppler};
}

} // namespace

class TstCineEjectionFraction : public QObject {
    Q_OBJECT
private slots:
    void distanceAndAreaInOneCalibratedRegion() {
        const auto r = regions();
        // 100 px down at 0.05 cm/px = 5 cm = 50 mm.
        auto d = calibratedDistance(r, {10, 10}, {10, 110});
        QVERIFY(d.hasValue());
        QVERIFY(std::abs(d->value - 50.0) < 1e-9);
        QCOMPARE(d->unitUcum, std::string("mm"));
        QCOMPARE(d->regionIndex, 0);
        // 3-4-5 in the second region: 60 × 80 px → 100 px at 0.04 cm/px = 4 cm = 40 mm.
        d = calibratedDistance(r, {310, 10}, {370, 90});
        QVERIFY(d.hasValue());
        QVERIFY(std::abs(d->value - 40.0) < 1e-9);
        QCOMPARE(d->regionIndex, 1);
        // A 100 × 40 px rectangle: 4000 px² × 0.05² cm²/px² = 10 cm².
        auto a = calibratedArea(r, {{20, 20}, {120, 20}, {120, 60}, {20, 60}});
        QVERIFY(a.hasValue());
        QVERIFY(std::abs(a->value - 10.0) < 1e-9);
        QCOMPARE(a->unitUcum, std::string("cm2"));
    }

    void refusedOutsideOrAcrossCalibratedRegions() {
        const auto r = regions();
        auto d = calibratedDistance(r, {10, 10}, {10, 450}); // one end in the spectral strip
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().reason, std::string("outside the calibrated ultrasound region"));
        d = calibratedDistance(r, {10, 10}, {700, 10}); // beyond every region
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().reason, std::string("outside the calibrated ultrasound region"));
        d = calibratedDistance(r, {250, 10}, {350, 10}); // from one 2D region into the other
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().reason, std::string("the points lie in different ultrasound regions"));
        auto a = calibratedArea(r, {{250, 10}, {350, 10}, {350, 50}});
        QVERIFY(!a.hasValue());
        QCOMPARE(a.error().reason, std::string("the points lie in different ultrasound regions"));
        a = calibratedArea(r, {{20, 20}, {120, 20}});
        QVERIFY(!a.hasValue());
        QCOMPARE(a.error().reason, std::string("an area needs at least three points"));
        d = calibratedDistance({}, {10, 10}, {10, 110});
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().reason, std::string("the image has no calibrated ultrasound region"));
        d = calibratedDistance({r[2]}, {10, 410}, {10, 450}); // only a spectral region: not spatial
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().reason, std::string("the image has no calibrated ultrasound region"));
    }

    void areaLengthVolumesAndEjectionFraction() {
        // ED: A = 35 cm², L = 8.0 cm → V = 8 × 35² / (3π × 8) = 9800 / 75.398224 = 129.977 mL.
        // ES: A = 20 cm², L = 6.5 cm → V = 8 × 20² / (3π × 6.5) = 3200 / 61.261057 = 52.235 mL.
        // EF = (129.977 − 52.235) / 129.977 = 59.81 %.
        QVERIFY(std::abs(areaLengthVolumeMl(35, 8.0) - 129.977) < 0.001);
        QVERIFY(std::abs(areaLengthVolumeMl(20, 6.5) - 52.235) < 0.001);
        const auto ef = ejectionFractionFromAreaLength(35, 8.0, 20, 6.5);
        QVERIFY(ef.hasValue());
        QVERIFY(std::abs(ef->edvMl - 129.977) < 0.001);
        QVERIFY(std::abs(ef->esvMl - 52.235) < 0.001);
        QVERIFY(std::abs(ef->percent - 59.81) < 0.01);
        QCOMPARE(ef->method, std::string("single-plane area-length"));
        // From volumes: EDV 120 mL, ESV 50 mL → EF = 70 / 120 = 58.33 %.
        const auto v = ejectionFractionFromVolumes(120, 50);
        QVERIFY(v.hasValue());
        QVERIFY(std::abs(v->percent - 58.333) < 0.001);
        QCOMPARE(v->method, std::string("volumes"));
    }

    void ejectionFractionRefusesImpossibleInput() {
        QVERIFY(!ejectionFractionFromVolumes(0, 0).hasValue());
        QVERIFY(!ejectionFractionFromVolumes(100, -1).hasValue());
        QVERIFY(!ejectionFractionFromVolumes(NAN, 10).hasValue());
        const auto swapped = ejectionFractionFromVolumes(50, 120);
        QVERIFY(!swapped.hasValue());
        QVERIFY(QString::fromStdString(swapped.error().reason).contains(QStringLiteral("swapped")));
        QVERIFY(!ejectionFractionFromAreaLength(35, 0, 20, 6.5).hasValue());
        QVERIFY(!ejectionFractionFromAreaLength(20, 6.5, 35, 8.0).hasValue()); // ES bigger than ED
    }
};

QTEST_GUILESS_MAIN(TstCineEjectionFraction)
#include "tst_cine_ejection_fraction.moc"
