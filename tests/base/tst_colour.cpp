// The overlays' colour ramp (base/colour.h): CIE L*a*b* (D65) → sRGB against published conversions of the
// sRGB primaries and greys (B. Lindbloom's calculator, the same figures colormine.org and CIE 15 give), and
// the ramp's contract (clamping, alpha √v).
#include <veridicor/base/colour.h>

#include <QtTest>

#include <cmath>
#include <cstdlib>

using veridicor::LchRamp;
using veridicor::lchRampColour;
using veridicor::Rgba8;
using veridicor::colour_detail::encodeSrgb;
using veridicor::colour_detail::labToLinearSrgb;

namespace {

struct Rgb {
    int r, g, b;
};

Rgb labToSrgb8(double L, double a, double b) {
    const auto lin = labToLinearSrgb(L, a, b);
    return {encodeSrgb(lin[0]), encodeSrgb(lin[1]), encodeSrgb(lin[2])};
}

} // namespace

class TestColour : public QObject {
    Q_OBJECT
private slots:
    void labToSrgb_data() {
        QTest::addColumn<double>("L");
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("b");
        QTest::addColumn<int>("r");
        QTest::addColumn<int>("g");
        QTest::addColumn<int>("bl");
        QTest::newRow("white") << 100.0 << 0.0 << 0.0 << 255 << 255 << 255;
        QTest::newRow("black") << 0.0 << 0.0 << 0.0 << 0 << 0 << 0;
        QTest::newRow("L*50 grey = #777777") << 50.0 << 0.0 << 0.0 << 119 << 119 << 119;
        QTest::newRow("sRGB red") << 53.2408 << 80.0925 << 67.2032 << 255 << 0 << 0;
        QTest::newRow("sRGB green") << 87.7347 << -86.1827 << 83.1793 << 0 << 255 << 0;
        QTest::newRow("sRGB blue") << 32.2970 << 79.1875 << -107.8602 << 0 << 0 << 255;
        QTest::newRow("sRGB yellow") << 97.1393 << -21.5537 << 94.4780 << 255 << 255 << 0;
    }
    void labToSrgb() {
        QFETCH(double, L);
        QFETCH(double, a);
        QFETCH(double, b);
        QFETCH(int, r);
        QFETCH(int, g);
        QFETCH(int, bl);
        const Rgb got = labToSrgb8(L, a, b);
        // The published Lab values carry 4 decimals: ±1 in 8 bits.
        QVERIFY2(std::abs(got.r - r) <= 1 && std::abs(got.g - g) <= 1 && std::abs(got.b - bl) <= 1,
                 qPrintable(QStringLiteral("got %1 %2 %3").arg(got.r).arg(got.g).arg(got.b)));
    }

    void rampAlphaIsSquareRootAndInputIsClamped() {
        const LchRamp ramp{90.0, 30.0, 100.0, 290.0, 50.0};
        for (double v : {0.0, 0.01, 0.25, 0.5, 0.81, 1.0}) {
            QCOMPARE(int(lchRampColour(ramp, v).a), int(std::lround(std::sqrt(v) * 255.0)));
        }
        QVERIFY(lchRampColour(ramp, std::nan("")) == lchRampColour(ramp, 0.0));
        QVERIFY(lchRampColour(ramp, -2.0) == lchRampColour(ramp, 0.0));
        QVERIFY(lchRampColour(ramp, 9.0) == lchRampColour(ramp, 1.0));
        QCOMPARE(int(lchRampColour(ramp, 0.0).a), 0);
    }

    void rampEndsAreTheirLchColours() {
        // Chroma 0: the ends are the greys of their lightness; in gamut, the colour is the Lab colour.
        const Rgba8 grey = lchRampColour({50.0, 50.0, 0.0, 0.0, 0.0}, 1.0);
        QCOMPARE(int(grey.r), 119);
        QCOMPARE(int(grey.g), 119);
        QCOMPARE(int(grey.b), 119);
        const double h = 40.0; // sRGB red's hue angle, chroma slightly inside the gamut
        const double C = 0.95 * std::hypot(80.0925, 67.2032);
        const double rad = h * 3.14159265358979323846 / 180.0;
        const Rgba8 c = lchRampColour({53.2408, 53.2408, h, h, C}, 1.0);
        const Rgb want = labToSrgb8(53.2408, C * std::cos(rad), C * std::sin(rad));
        QCOMPARE(int(c.r), want.r);
        QCOMPARE(int(c.g), want.g);
        QCOMPARE(int(c.b), want.b);
    }

    void outOfGamutChromaIsReducedNotClipped() {
        // L* 50 at chroma 300 is far outside sRGB: the ramp gives up chroma, never clips a channel on its
        // own, so the result must be a colour the Lab → sRGB conversion gives inside the gamut at that hue.
        const Rgba8 c = lchRampColour({50.0, 50.0, 200.0, 200.0, 300.0}, 1.0);
        QVERIFY(!(c.r == 0 && c.g == 0 && c.b == 0));
        QVERIFY(!(c.r == 255 && c.g == 255 && c.b == 255));
        const double rad = 200.0 * 3.14159265358979323846 / 180.0;
        bool found = false;
        for (int step = 0; step <= 30000 && !found; ++step) { // chroma 0 to 300 in steps of 0.01
            const double C = step * 0.01;
            const auto lin = labToLinearSrgb(50.0, C * std::cos(rad), C * std::sin(rad));
            const bool inside =
                lin[0] >= 0 && lin[0] <= 1 && lin[1] >= 0 && lin[1] <= 1 && lin[2] >= 0 && lin[2] <= 1;
            if (!inside) {
                // The first chroma outside: the ramp's colour is the last one inside (within a step).
                const auto prev =
                    labToLinearSrgb(50.0, (C - 0.01) * std::cos(rad), (C - 0.01) * std::sin(rad));
                QVERIFY(std::abs(int(c.r) - int(encodeSrgb(prev[0]))) <= 1);
                QVERIFY(std::abs(int(c.g) - int(encodeSrgb(prev[1]))) <= 1);
                QVERIFY(std::abs(int(c.b) - int(encodeSrgb(prev[2]))) <= 1);
                found = true;
            }
        }
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(TestColour)
#include "tst_colour.moc"
