// The maths of AI finding overlays on cine frames, without a display: which heatmap frame goes with which
// clip frame, which image pixels a heatmap cell covers (checked against the spec's definition by exact
// integer comparison, for every pixel), shape and region checks with their reasons, and the colour map
// (converted back to CIE L*a*b* with the sRGB standard's own matrices: lightness rises linearly, transparent
// at 0).
#include <veridicor/cine/heatmap.h>

#include <QtTest>

#include <array>
#include <cmath>
#include <numeric>

using namespace veridicor;

namespace {

/// sRGB (IEC 61966-2-1) → CIE L*a*b* (D65), written out independently of the code under test.
std::array<double, 3> srgbToLab(int r8, int g8, int b8) {
    auto lin = [](int c8) {
        const double c = c8 / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    const double r = lin(r8), g = lin(g8), b = lin(b8);
    const double X = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    const double Y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double Z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    auto f = [](double t) {
        return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
    };
    return {116.0 * f(Y) - 16.0, 500.0 * (f(X) - f(Y)), 200.0 * (f(Y) - f(Z))};
}

cine::CineFindingSpec heatmapSpec(long long frames, long long rows, long long cols,
                                  const std::vector<std::uint8_t>& bytes) {
    cine::CineFindingSpec s;
    s.heatmapFrames = frames;
    s.heatmapRows = rows;
    s.heatmapCols = cols;
    s.heatmap = bytes.data();
    s.heatmapBytes = bytes.size();
    return s;
}

} // namespace

class TestCineHeatmap : public QObject {
    Q_OBJECT
private slots:
    void heatmapFrameFollowsTheClipFrame() {
        // Equal counts: the same frame.
        for (int f = 0; f < 48; ++f)
            QCOMPARE(cine::heatmapFrameFor(f, 48, 48), f);
        // Fewer heatmap frames: ⌊f·H/N⌋, by hand for 12 clip frames and 4 heatmap frames: 3 clip frames each.
        const std::array<int, 12> expected = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
        for (int f = 0; f < 12; ++f)
            QCOMPARE(cine::heatmapFrameFor(f, 12, 4), expected[f]);
        // Not a divisor: 10 clip frames, 3 heatmap frames → ⌊3f/10⌋ = 0,0,0,0,1,1,1,2,2,2.
        const std::array<int, 10> expected3 = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
        for (int f = 0; f < 10; ++f)
            QCOMPARE(cine::heatmapFrameFor(f, 10, 3), expected3[f]);
        // More heatmap frames than clip frames: every other one for 2×.
        for (int f = 0; f < 30; ++f)
            QCOMPARE(cine::heatmapFrameFor(f, 30, 60), 2 * f);
        // One heatmap frame for the whole clip.
        for (int f = 0; f < 120; ++f)
            QCOMPARE(cine::heatmapFrameFor(f, 120, 1), 0);
        // Outside the clip, or nonsense counts.
        QCOMPARE(cine::heatmapFrameFor(-1, 12, 4), -1);
        QCOMPARE(cine::heatmapFrameFor(12, 12, 4), -1);
        QCOMPARE(cine::heatmapFrameFor(0, 0, 4), -1);
        QCOMPARE(cine::heatmapFrameFor(0, 12, 0), -1);
        // Large counts do not overflow: the last clip frame maps to the last heatmap frame.
        QCOMPARE(cine::heatmapFrameFor(99999, 100000, 1LL << 20), static_cast<int>((99999LL << 20) / 100000));
    }

    void cellsCoverExactlyTheirPixels() {
        // The spec's definition, by exact integer comparison: pixel x is in cell c when c·W ≤ x·C < (c+1)·W.
        for (const auto& [pixels, cells] : std::vector<std::pair<int, int>>{
                 {640, 16}, {640, 40}, {480, 7}, {320, 9}, {97, 97}, {100, 3}, {61, 1}, {5, 4}}) {
            int covered = 0;
            for (int c = 0; c < cells; ++c) {
                const auto span = cine::pixelsOfCell(c, cells, pixels);
                for (int x = 0; x < pixels; ++x) {
                    const bool inDefinition =
                        static_cast<long long>(c) * pixels <= static_cast<long long>(x) * cells &&
                        static_cast<long long>(x) * cells < static_cast<long long>(c + 1) * pixels;
                    QCOMPARE(x >= span.first && x < span.last, inDefinition);
                    QCOMPARE(cine::cellOfPixel(x, pixels, cells) == c, inDefinition);
                }
                QVERIFY2(span.last > span.first,
                         "a cell covers at least one pixel when the grid is no finer");
                covered += span.last - span.first;
            }
            QCOMPARE(covered, pixels); // the cells tile the image without gaps or overlaps
        }
        // By hand: 10 pixels in 3 cells → [0,4) [4,7) [7,10) (boundaries at 3⅓ and 6⅔).
        QCOMPARE(cine::pixelsOfCell(0, 3, 10).first, 0);
        QCOMPARE(cine::pixelsOfCell(0, 3, 10).last, 4);
        QCOMPARE(cine::pixelsOfCell(1, 3, 10).first, 4);
        QCOMPARE(cine::pixelsOfCell(1, 3, 10).last, 7);
        QCOMPARE(cine::pixelsOfCell(2, 3, 10).last, 10);
        QCOMPARE(cine::cellOfPixel(-1, 10, 3), -1);
        QCOMPARE(cine::cellOfPixel(10, 10, 3), -1);
    }

    void expandedFrameTakesEachPixelsCell() {
        const int rows = 7, cols = 9, width = 320, height = 240;
        std::vector<std::uint8_t> grid(std::size_t{rows} * cols);
        std::iota(grid.begin(), grid.end(), std::uint8_t{10});
        std::vector<std::uint8_t> out(std::size_t(width) * height, 0);
        cine::expandHeatmapFrame(grid.data(), rows, cols, width, height, out.data());
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                const int r = y * rows / height, c = x * cols / width; // ⌊y·R/H⌋, ⌊x·C/W⌋
                if (out[std::size_t(y) * width + x] != grid[std::size_t(r) * cols + c]) {
                    QFAIL(qPrintable(QStringLiteral("pixel (%1, %2)").arg(x).arg(y)));
                }
            }
        }
    }

    void shapeProblemsAreNamed() {
        const cine::ClipGeometry clip{12, 320, 240};
        std::vector<std::uint8_t> ok(std::size_t{4} * 6 * 8, 1);
        auto plan = cine::planCineFinding(heatmapSpec(4, 6, 8, ok), clip);
        QVERIFY(plan.heatmapPresent);
        QVERIFY(plan.heatmapDrawable);
        QVERIFY(plan.problems.empty());

        // Zero dimension.
        plan = cine::planCineFinding(heatmapSpec(4, 0, 8, ok), clip);
        QVERIFY(plan.heatmapPresent && !plan.heatmapDrawable);
        QCOMPARE(plan.problems.size(), std::size_t{1});
        QVERIFY2(plan.problems[0].find("empty dimension") != std::string::npos, plan.problems[0].c_str());
        // Size ≠ frames × rows × cols.
        std::vector<std::uint8_t> shortBy1(4 * 6 * 8 - 1, 1);
        plan = cine::planCineFinding(heatmapSpec(4, 6, 8, shortBy1), clip);
        QVERIFY(!plan.heatmapDrawable);
        QVERIFY2(plan.problems[0].find("holds 191 values") != std::string::npos &&
                     plan.problems[0].find("needs 192") != std::string::npos,
                 plan.problems[0].c_str());
        // Dimensions whose product overflows 32 bits, and absurd ones.
        plan = cine::planCineFinding(heatmapSpec(65536, 65536, 2, ok), clip);
        QVERIFY(!plan.heatmapDrawable);
        QVERIFY2(plan.problems[0].find("needs 8589934592") != std::string::npos, plan.problems[0].c_str());
        plan = cine::planCineFinding(heatmapSpec(1LL << 40, 1, 1, ok), clip);
        QVERIFY(!plan.heatmapDrawable);
        QVERIFY(plan.problems[0].find("absurdly large") != std::string::npos);
        plan = cine::planCineFinding(heatmapSpec(-1, 6, 8, ok), clip);
        QVERIFY(!plan.heatmapDrawable);
        // Bytes but no shape at all.
        plan = cine::planCineFinding(heatmapSpec(0, 0, 0, ok), clip);
        QVERIFY(plan.heatmapPresent && !plan.heatmapDrawable);
        // A grid finer than the image.
        std::vector<std::uint8_t> fine(std::size_t{1} * 241 * 8, 1);
        plan = cine::planCineFinding(heatmapSpec(1, 241, 8, fine), clip);
        QVERIFY(!plan.heatmapDrawable);
        QVERIFY2(plan.problems[0].find("finer than the image") != std::string::npos,
                 plan.problems[0].c_str());
        // No heatmap: nothing to say.
        plan = cine::planCineFinding(cine::CineFindingSpec{}, clip);
        QVERIFY(!plan.heatmapPresent && !plan.heatmapDrawable && plan.problems.empty());
    }

    void regionFramesAndPolygon() {
        const cine::ClipGeometry clip{12, 320, 240};
        std::vector<std::uint8_t> hm(std::size_t{12} * 2 * 2, 200);
        auto spec = heatmapSpec(12, 2, 2, hm);
        spec.hasRegion = true;
        spec.firstFrame = 3;
        spec.lastFrame = 6;
        spec.polygon = {{10, 10}, {100, 10}, {100, 80}};
        auto plan = cine::planCineFinding(spec, clip);
        QVERIFY(plan.problems.empty());
        for (int f = 0; f < 12; ++f) {
            const auto d = plan.at(f);
            const bool inside = f >= 3 && f <= 6;
            QCOMPARE(d.outline, inside);
            QCOMPARE(d.heatmapFrame, inside ? f : -1);
        }
        QVERIFY(!plan.at(-1).any());
        QVERIFY(!plan.at(12).any());

        // Frames outside the clip: nothing drawn, and why.
        auto bad = spec;
        bad.lastFrame = 12;
        plan = cine::planCineFinding(bad, clip);
        QVERIFY(!plan.regionFramesValid);
        for (int f = 0; f < 12; ++f)
            QVERIFY(!plan.at(f).any());
        QVERIFY2(plan.problems[0].find("not inside this clip's 12 frames") != std::string::npos,
                 plan.problems[0].c_str());
        bad = spec;
        bad.firstFrame = 7; // after lastFrame
        QVERIFY(!cine::planCineFinding(bad, clip).regionFramesValid);
        bad.firstFrame = -1;
        QVERIFY(!cine::planCineFinding(bad, clip).regionFramesValid);

        // Polygons that cannot be outlined: the heatmap is still drawn on the region's frames.
        bad = spec;
        bad.polygon = {{1, 1}, {2, 2}};
        plan = cine::planCineFinding(bad, clip);
        QVERIFY(!plan.outlineDrawable && plan.heatmapDrawable);
        QVERIFY(plan.problems[0].find("has 2 points") != std::string::npos);
        QCOMPARE(plan.at(4).heatmapFrame, 4);
        bad.polygon = {{1, 1}, {std::nan(""), 2}, {3, 3}};
        QVERIFY(!cine::planCineFinding(bad, clip).outlineDrawable);
        bad.polygon = {{1, 1}, {1e300, 2}, {3, 3}};
        QVERIFY(!cine::planCineFinding(bad, clip).outlineDrawable);
        // An empty polygon is allowed (optional) and not a problem.
        bad.polygon.clear();
        plan = cine::planCineFinding(bad, clip);
        QVERIFY(plan.problems.empty() && !plan.outlineDrawable);

        // No region: the heatmap on every frame, spread by ⌊f·H/N⌋.
        std::vector<std::uint8_t> four(std::size_t{4} * 2 * 2, 9);
        plan = cine::planCineFinding(heatmapSpec(4, 2, 2, four), clip);
        for (int f = 0; f < 12; ++f)
            QCOMPARE(plan.at(f).heatmapFrame, f / 3);
    }

    void colourMapIsPerceptualAndTransparentAtZero() {
        const auto& table = cine::heatmapColourTable();
        QCOMPARE(int(table[0].a), 0);
        QCOMPARE(int(table[255].a), 255);
        QVERIFY(cine::heatmapColour(std::nan("")) == table[0]);
        QVERIFY(cine::heatmapColour(-3.0) == table[0]);
        QVERIFY(cine::heatmapColour(7.0) == table[255]);
        double previousL = -1.0;
        for (int i = 0; i < 256; ++i) {
            const double v = i / 255.0;
            const auto& c = table[std::size_t(i)];
            QCOMPARE(c, cine::heatmapColour(v));
            // Alpha √v, to the byte.
            QVERIFY(std::abs(c.a - std::sqrt(v) * 255.0) <= 0.5 + 1e-9);
            if (i > 0)
                QVERIFY(c.a > 0);
            // Lightness rises linearly from 12 to 95 (8-bit rounding moves L* by well under 1).
            const auto lab = srgbToLab(c.r, c.g, c.b);
            QVERIFY2(std::abs(lab[0] - (12.0 + 83.0 * v)) < 0.8,
                     qPrintable(QStringLiteral("entry %1: L* %2").arg(i).arg(lab[0])));
            QVERIFY(lab[0] > previousL);
            previousL = lab[0];
            // The hue follows 285° + 180°·v where the colour has chroma enough to have one.
            const double chroma = std::hypot(lab[1], lab[2]);
            if (chroma > 15.0) {
                const double hue = std::atan2(lab[2], lab[1]) * 180.0 / 3.14159265358979323846;
                double dh = std::fmod(hue - (285.0 + 180.0 * v) + 720.0, 360.0);
                if (dh > 180.0)
                    dh -= 360.0;
                QVERIFY2(std::abs(dh) < 4.0,
                         qPrintable(QStringLiteral("entry %1: hue off by %2°").arg(i).arg(dh)));
            }
            QVERIFY2(chroma < 101.0, qPrintable(QStringLiteral("entry %1: C* %2").arg(i).arg(chroma)));
        }
        // The ends: a dark blue-violet and a bright yellow.
        QVERIFY(table[0].b > table[0].r && table[0].b > table[0].g);
        QVERIFY(table[255].r > 200 && table[255].g > 200 && table[255].b < 100);
        // Mid range is red-orange: red leads.
        QVERIFY(table[160].r > table[160].g && table[160].r > table[160].b);
    }
};

QTEST_GUILESS_MAIN(TestCineHeatmap)
#include "tst_cine_heatmap.moc"
