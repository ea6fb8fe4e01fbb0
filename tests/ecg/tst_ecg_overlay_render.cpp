// AI finding overlays on the GPU paper, measured on the rendered pixels (off-screen, the GUI's renderer): a
// relevance band for a known lead and time lands under that lead, exactly between the x pixels the paper
// geometry gives for its start and end (±1 px), in every layout and in no other cell; the region is outlined
// there; the opacity gives the source-over blend; the legend shows the colour map; an untrusted finding is
// marked in red with a banner; hidden findings, unmatched lead names and attachments of the wrong shape draw
// nothing. Runs on xcb under Xvfb (label gl).
#include "ecg_view_support.h"

#include <veridicor/ecg_view/paper_offscreen.h>

#include <QtTest>

#include <cmath>

using namespace veridicor;
using namespace veridicor::ecg;

namespace {

const std::vector<std::string> kTwelve{"I",  "II", "III", "aVR", "aVL", "aVF",
                                       "V1", "V2", "V3",  "V4",  "V5",  "V6"};
constexpr double kFs = 500.0;
constexpr double kSeconds = 10.0;
constexpr auto kSamples = static_cast<long long>(kFs * kSeconds);

/// A band to put in an attachment: relevance `value` on `lead` over [from, to) seconds.
struct BandSpec {
    std::string lead;
    double from;
    double to;
    std::uint8_t value = 255;
};

/// A trusted overlay whose attachment carries all twelve leads (zero except the bands).
EcgFindingOverlay overlayOf(const std::vector<BandSpec>& bands,
                            const std::vector<std::string>& leads = kTwelve, long long samples = kSamples) {
    auto bytes =
        std::make_shared<std::vector<std::uint8_t>>(leads.size() * static_cast<std::size_t>(samples), 0);
    for (const BandSpec& b : bands) {
        const auto lead =
            static_cast<std::size_t>(std::find(leads.begin(), leads.end(), b.lead) - leads.begin());
        if (lead >= leads.size())
            continue;
        // Samples whose time i/fs lies in [from, to).
        for (auto i = static_cast<long long>(std::ceil(b.from * kFs - 1e-9));
             i < samples && i / kFs < b.to - 1e-12; ++i) {
            (*bytes)[lead * static_cast<std::size_t>(samples) + static_cast<std::size_t>(i)] = b.value;
        }
    }
    EcgFindingOverlay o;
    o.key = "bundle#f1";
    o.label = "Occlusion MI, anterior wall";
    o.trusted = true;
    o.relevanceLeads = leads;
    o.relevanceSamples = samples;
    o.relevance = bytes->data();
    o.relevanceBytes = bytes->size();
    o.keepAlive = bytes;
    return o;
}

struct Rendered {
    QImage image;
    PaperPage page;
    std::vector<std::string> texts;
    std::vector<OverlayMark> marks;
    std::optional<PaperScene::Legend> legend;
    std::vector<SceneOverlay> overlays;
    std::pair<double, double> bannerMm;
};

Rendered render(PaperLayout layout, double dpi, std::vector<EcgFindingOverlay> overlays,
                double opacity = 0.6) {
    auto traces = TraceSet::build(test::syntheticRecording(kFs, kSeconds, {}), 0, {});
    PaperScene scene;
    PaperSettings s;
    s.layout = layout;
    s.pixelsPerMm = dpi / kMillimetresPerInch;
    s.traceWidthMm = 0.0;
    scene.setTraces(traces);
    scene.setSettings(s);
    scene.setOverlays(std::move(overlays));
    scene.setOverlayOpacity(opacity);
    auto img = renderPaperPage(scene);
    if (!img) {
        qWarning("render failed: %s", qPrintable(img.error()));
        return {};
    }
    if (const QString dir = qEnvironmentVariable("VERIDICOR_TEST_IMAGES"); !dir.isEmpty()) {
        static int n = 0;
        img->save(QStringLiteral("%1/overlay-%2.png").arg(dir).arg(++n));
    }
    return {*img,
            scene.page(),
            scene.overlayTexts(),
            scene.overlayMarks(),
            scene.relevanceLegend(),
            scene.overlays(),
            scene.untrustedBannerMm()};
}

bool near(QRgb c, Rgb8 want, int tolerance = 2) {
    return std::abs(qRed(c) - want.r) <= tolerance && std::abs(qGreen(c) - want.g) <= tolerance &&
           std::abs(qBlue(c) - want.b) <= tolerance;
}

bool near(QRgb c, const QColor& want, int tolerance = 2) {
    return near(c,
                Rgb8{static_cast<std::uint8_t>(want.red()), static_cast<std::uint8_t>(want.green()),
                     static_cast<std::uint8_t>(want.blue())},
                tolerance);
}

/// What source-over gives on white paper, computed here (not with the code under test's blend).
Rgb8 onWhite(Rgba8 c, double opacity) {
    const double a = c.a / 255.0 * opacity;
    auto mix = [a](int s) {
        return static_cast<std::uint8_t>(std::lround(255.0 * (1.0 - a) + s * a));
    };
    return {mix(c.r), mix(c.g), mix(c.b)};
}

const QRgb kWhite = qRgb(255, 255, 255);

/// A pixel row through the band of `cell` that no horizontal grid line crosses and no trace touches: the row
/// with the most paper-white pixels, between 1.5 mm below the baseline (the flat trace) and the band's
/// bottom.
int cleanRow(const QImage& img, const PaperCell& cell, double ppm, int xFrom, int xTo) {
    int best = -1;
    int bestWhite = -1;
    for (int y = static_cast<int>(std::ceil((cell.baselineMm + 1.5) * ppm));
         y < static_cast<int>(std::floor((cell.bottomMm - 1.5) * ppm)); ++y) {
        int white = 0;
        for (int x = xFrom; x < xTo; ++x)
            white += img.pixel(x, y) == kWhite ? 1 : 0;
        if (white > bestWhite) {
            bestWhite = white;
            best = y;
        }
    }
    return best;
}

/// Expected band pixels on one cell: [first, last] columns for times [from, to) clipped to the cell, or
/// nullopt.
std::optional<std::pair<int, int>> expectedColumns(const PaperCell& cell, double from, double to,
                                                   double ppm) {
    const double a = std::max(from, cell.startSeconds);
    const double b = std::min(to, cell.endSeconds);
    if (!(b > a))
        return std::nullopt;
    // Independent of the renderer: the paper's definition of where a time is drawn, x = cell x + (t −
    // start)·speed.
    const double x0 = (cell.xMm + (a - cell.startSeconds) * cell.speedMmPerSecond) * ppm;
    const double x1 = (cell.xMm + (b - cell.startSeconds) * cell.speedMmPerSecond) * ppm;
    return std::make_pair(static_cast<int>(std::floor(x0)), static_cast<int>(std::ceil(x1)) - 1);
}

QString describeCell(const PaperCell& c) {
    return QStringLiteral("%1%2 [%3, %4) s")
        .arg(QString::fromStdString(c.label), c.rhythmStrip ? QStringLiteral(" (rhythm)") : QString())
        .arg(c.startSeconds)
        .arg(c.endSeconds);
}

} // namespace

class TestEcgOverlayRender : public QObject {
    Q_OBJECT
private slots:
    void bandsLandUnderTheirLeadAtTheirTime_data() {
        QTest::addColumn<int>("layout");
        QTest::addColumn<double>("dpi");
        for (double dpi : {96.0, 150.0}) {
            for (PaperLayout l : {PaperLayout::Rows12x1, PaperLayout::Grid6x2, PaperLayout::Grid3x4,
                                  PaperLayout::Grid3x4Rhythm}) {
                const QString name =
                    QStringLiteral("%1 at %2 dpi").arg(QString::fromStdString(paperLayoutName(l))).arg(dpi);
                QTest::newRow(qPrintable(name)) << static_cast<int>(l) << dpi;
            }
        }
    }
    void bandsLandUnderTheirLeadAtTheirTime() {
        QFETCH(int, layout);
        QFETCH(double, dpi);
        // V2 from 1.2 to 3.4 s (no cell of V2 shows it in 3×4, whose V2 column is 5–7.5 s), V2 again from 5.6
        // to 6.8 s, and II from 1.2 to 3.4 s (in 3×4+1 both in II's cell, 0–2.5 s, and on the rhythm strip).
        const std::vector<BandSpec> bands{{"V2", 1.2, 3.4}, {"V2", 5.6, 6.8}, {"II", 1.2, 3.4}};
        const double opacity = 0.6;
        const Rendered r = render(static_cast<PaperLayout>(layout), dpi, {overlayOf(bands)}, opacity);
        QVERIFY(!r.image.isNull());
        const double ppm = dpi / 25.4;
        const Rgb8 bandColour = onWhite(relevanceColourTable()[255], opacity);
        std::vector<QRect> allowed; // where band colour may appear: the expected spans of every cell
        int cellsWithBand = 0;
        for (const PaperCell& cell : r.page.cells) {
            const int cx0 = static_cast<int>(std::ceil(cell.xMm * ppm));
            const int cx1 = static_cast<int>(std::floor((cell.xMm + cell.widthMm) * ppm));
            for (const BandSpec& b : bands) {
                if (b.lead != cell.label)
                    continue;
                const auto cols = expectedColumns(cell, b.from, b.to, ppm);
                if (!cols)
                    continue;
                ++cellsWithBand;
                const int y = cleanRow(r.image, cell, ppm, cx0, cx1);
                QVERIFY(y >= 0);
                // The first and last band-coloured pixels of the row within the cell ± 3 px of the expected
                // span.
                int first = -1;
                int last = -1;
                for (int x = std::max(cx0, cols->first - 3); x <= std::min(cx1 - 1, cols->second + 3); ++x) {
                    if (near(r.image.pixel(x, y), bandColour)) {
                        if (first < 0)
                            first = x;
                        last = x;
                    }
                }
                const QString where =
                    QStringLiteral("%1, band %2–%3 s: expected columns %4–%5, found %6–%7 (row %8)")
                        .arg(describeCell(cell))
                        .arg(b.from)
                        .arg(b.to)
                        .arg(cols->first)
                        .arg(cols->second)
                        .arg(first)
                        .arg(last)
                        .arg(y);
                QVERIFY2(first >= 0, qPrintable(where));
                QVERIFY2(std::abs(first - cols->first) <= 1 && std::abs(last - cols->second) <= 1,
                         qPrintable(where));
                // Between them, every pixel is the band or a vertical grid line drawn over it: never bare
                // paper.
                for (int x = first; x <= last; ++x) {
                    QVERIFY2(r.image.pixel(x, y) != kWhite,
                             qPrintable(where + QStringLiteral(": paper at %1").arg(x)));
                }
                allowed.emplace_back(
                    QPoint(cols->first - 1, static_cast<int>(cell.topMm * ppm)),
                    QPoint(cols->second + 1, static_cast<int>(std::ceil(cell.bottomMm * ppm))));
            }
        }
        // 12×1: V2 twice, II once. 6×2 (chest leads show 5–10 s): V2 5.6–6.8 and II. 3×4: V2 5.6–6.8 and II
        // 1.2–2.5 (its cell shows 0–2.5 s). 3×4+1: plus II on the rhythm strip.
        int expectedCells = 0;
        switch (static_cast<PaperLayout>(layout)) {
        case PaperLayout::Rows12x1:
            expectedCells = 3;
            break;
        case PaperLayout::Grid6x2:
        case PaperLayout::Grid3x4:
            expectedCells = 2;
            break;
        case PaperLayout::Grid3x4Rhythm:
            expectedCells = 3;
            break;
        }
        QCOMPARE(cellsWithBand, expectedCells);
        // Nowhere else on the paper (below the header, where the legend is) is there band colour.
        const int gridTop = static_cast<int>(std::ceil(r.page.gridTopMm * ppm));
        int stray = 0;
        QPoint firstStray;
        for (int y = gridTop; y < r.image.height(); ++y) {
            for (int x = 0; x < r.image.width(); ++x) {
                if (!near(r.image.pixel(x, y), bandColour, 6))
                    continue;
                if (std::any_of(allowed.begin(), allowed.end(),
                                [&](const QRect& a) { return a.contains(x, y); }))
                    continue;
                if (stray++ == 0)
                    firstStray = QPoint(x, y);
            }
        }
        QVERIFY2(stray == 0,
                 qPrintable(QStringLiteral("%1 band pixels outside the expected spans, first at %2,%3")
                                .arg(stray)
                                .arg(firstStray.x())
                                .arg(firstStray.y())));
    }

    void theRegionIsOutlinedOnItsLeadsAndLabelled() {
        EcgFindingOverlay o;
        o.key = "b#f1";
        o.label = "Occlusion MI, anterior wall";
        o.trusted = true;
        o.hasRegion = true;
        o.regionLeads = {"V2", "V3", "V4"};
        o.startSeconds = 1.2;
        o.endSeconds = 3.4;
        const double dpi = 150.0;
        const double ppm = dpi / 25.4;
        const Rendered r = render(PaperLayout::Rows12x1, dpi, {o});
        QVERIFY(!r.image.isNull());
        const QColor outline = PaperColors{}.findingRegion;
        for (const PaperCell& cell : r.page.cells) {
            const bool inRegion = cell.label == "V2" || cell.label == "V3" || cell.label == "V4";
            // Along a row at mid-height of the band (below the label), the outline's vertical edges.
            const int y = static_cast<int>((cell.baselineMm + 5.5) * ppm);
            std::vector<int> xs;
            for (int x = 0; x < r.image.width(); ++x) {
                if (near(r.image.pixel(x, y), outline, 8))
                    xs.push_back(x);
            }
            if (!inRegion) {
                QVERIFY2(xs.empty(), qPrintable(describeCell(cell)));
                continue;
            }
            QVERIFY2(!xs.empty(), qPrintable(describeCell(cell)));
            const double x0 = (cell.xMm + (1.2 - cell.startSeconds) * cell.speedMmPerSecond) * ppm;
            const double x1 = (cell.xMm + (3.4 - cell.startSeconds) * cell.speedMmPerSecond) * ppm;
            // The pen (≥ 2 px) is centred on the edge: its pixels are within 2 px of x(1.2 s) and x(3.4 s).
            QVERIFY2(std::abs(xs.front() - x0) <= 2.0 && std::abs(xs.back() - x1) <= 2.0,
                     qPrintable(QStringLiteral("%1: outline %2–%3 px, times at %4–%5 px")
                                    .arg(describeCell(cell))
                                    .arg(xs.front())
                                    .arg(xs.back())
                                    .arg(x0)
                                    .arg(x1)));
            for (int x : xs)
                QVERIFY(std::abs(x - x0) <= 2.0 || std::abs(x - x1) <= 2.0); // only the two edges
        }
        // The label sits beside the region, not over it (the ST segment it points at lies inside): in the
        // rows the label takes, between the outline's top edge and the trace, no pixel inside the region's
        // edges has the region's colour; the label's own pixels are right of it.
        {
            const PaperCell* v2 = r.page.cellFor(7);
            QVERIFY(v2 != nullptr);
            const int x0 = static_cast<int>(std::ceil(v2->xAt(1.2) * ppm)) + 3;
            const int x1 = static_cast<int>(std::floor(v2->xAt(3.4) * ppm)) - 3;
            int inside = 0;
            int beside = 0;
            for (int y = static_cast<int>((v2->topMm + 1.5) * ppm); y < static_cast<int>((v2->topMm + 4.0) * ppm);
                 ++y) {
                for (int x = 0; x < r.image.width(); ++x) {
                    if (!near(r.image.pixel(x, y), outline, 40))
                        continue;
                    inside += x > x0 && x < x1 ? 1 : 0;
                    beside += x > x1 + 6 ? 1 : 0; // beyond the right edge's pen
                }
            }
            QCOMPARE(inside, 0);
            QVERIFY2(beside > 20, qPrintable(QString::number(beside)));
        }
        // The label is painted once (one page column), and is in the painted texts; no UNTRUSTED anywhere.
        QCOMPARE(std::count(r.texts.begin(), r.texts.end(), std::string("Occlusion MI, anterior wall")), 1L);
        for (const auto& t : r.texts)
            QVERIFY(t.find("UNTRUSTED") == std::string::npos);

        // In 3×4 the V2–V4 cells show 5–10 s: a region at 1.2–3.4 s is on none of them, and nothing is
        // painted.
        const Rendered grid = render(PaperLayout::Grid3x4, dpi, {o});
        QVERIFY(grid.marks.empty());
        QVERIFY(grid.texts.empty());
        int outlined = 0;
        for (int y = 0; y < grid.image.height(); ++y) {
            for (int x = 0; x < grid.image.width(); ++x)
                outlined += near(grid.image.pixel(x, y), outline, 8) ? 1 : 0;
        }
        QCOMPARE(outlined, 0);

        // A region at 5.6–8.0 s on V2 and V4 in 3×4: V2's cell (5–7.5 s) from 5.6 s to its end, V4's (7.5–10
        // s) from its start to 8.0 s; the outline's outer edges on those times' pixels.
        o.regionLeads = {"V2", "V4"};
        o.startSeconds = 5.6;
        o.endSeconds = 8.0;
        const Rendered split = render(PaperLayout::Grid3x4, dpi, {o});
        QCOMPARE(split.marks.size(), std::size_t(2));
        for (const OverlayMark& m : split.marks) {
            const PaperCell& cell = split.page.cells[m.cellIndex];
            const double from = std::max(5.6, cell.startSeconds);
            const double to = std::min(8.0, cell.endSeconds);
            QVERIFY2(cell.label == "V2" || cell.label == "V4", cell.label.c_str());
            const int y = static_cast<int>((cell.baselineMm + 5.5) * ppm);
            std::vector<int> xs;
            for (int x = static_cast<int>(cell.xMm * ppm) - 3;
                 x < static_cast<int>((cell.xMm + cell.widthMm) * ppm) + 3; ++x) {
                if (near(split.image.pixel(x, y), outline, 8))
                    xs.push_back(x);
            }
            QVERIFY(!xs.empty());
            QVERIFY(std::abs(xs.front() - cell.xAt(from) * ppm) <= 2.0);
            QVERIFY(std::abs(xs.back() - cell.xAt(to) * ppm) <= 2.0);
        }
        // The label once per page column: V2 and V4 are in different columns.
        QCOMPARE(
            std::count(split.texts.begin(), split.texts.end(), std::string("Occlusion MI, anterior wall")),
            2L);
    }

    void opacityGivesTheSourceOverBlend_data() {
        QTest::addColumn<double>("opacity");
        QTest::addColumn<int>("value");
        QTest::newRow("255 at 30 %") << 0.3 << 255;
        QTest::newRow("255 at 90 %") << 0.9 << 255;
        QTest::newRow("128 at 60 %") << 0.6 << 128;
        QTest::newRow("40 at 100 %") << 1.0 << 40;
    }
    void opacityGivesTheSourceOverBlend() {
        QFETCH(double, opacity);
        QFETCH(int, value);
        const double dpi = 96.0;
        const double ppm = dpi / 25.4;
        const Rendered r = render(PaperLayout::Rows12x1, dpi,
                                  {overlayOf({{"V2", 1.2, 3.4, static_cast<std::uint8_t>(value)}})}, opacity);
        const PaperCell* v2 = r.page.cellFor(7);
        QVERIFY(v2 != nullptr);
        const auto cols = expectedColumns(*v2, 1.2, 3.4, ppm);
        const int y = cleanRow(r.image, *v2, ppm, cols->first, cols->second);
        const Rgb8 want = onWhite(relevanceColourTable()[static_cast<std::size_t>(value)], opacity);
        const QRgb got = r.image.pixel((cols->first + cols->second) / 2 | 1, y);
        int matching = 0;
        for (int x = cols->first + 2; x < cols->second - 2; ++x)
            matching += near(r.image.pixel(x, y), want) ? 1 : 0;
        QVERIFY2(matching > (cols->second - cols->first) / 2,
                 qPrintable(QStringLiteral("expected %1,%2,%3, e.g. %4,%5,%6")
                                .arg(want.r)
                                .arg(want.g)
                                .arg(want.b)
                                .arg(qRed(got))
                                .arg(qGreen(got))
                                .arg(qBlue(got))));
        // And the legend says the opacity.
        QVERIFY(std::find(r.texts.begin(), r.texts.end(),
                          "band opacity " + std::to_string(std::lround(opacity * 100)) + " %") !=
                r.texts.end());
    }

    void theLegendShowsTheColourMap() {
        const double dpi = 150.0;
        const double ppm = dpi / 25.4;
        const double opacity = 0.8;
        const Rendered r = render(PaperLayout::Grid3x4Rhythm, dpi, {overlayOf({{"V2", 5.6, 6.8}})}, opacity);
        QVERIFY(r.legend.has_value());
        for (const char* t : {"AI relevance", "0", "1", "band opacity 80 %"}) {
            QVERIFY2(std::find(r.texts.begin(), r.texts.end(), std::string(t)) != r.texts.end(), t);
        }
        // The bar sits in the header, above the grid, and runs from the paper's white (0) to the colour of 1.
        QVERIFY(r.legend->yMm + r.legend->heightMm <= r.page.gridTopMm);
        const int y = static_cast<int>((r.legend->yMm + r.legend->heightMm / 2) * ppm);
        const int x0 = static_cast<int>(std::lround(r.legend->xMm * ppm));
        const int x1 = static_cast<int>(std::lround((r.legend->xMm + r.legend->widthMm) * ppm)) - 1;
        QVERIFY(near(r.image.pixel(x0, y), Rgb8{255, 255, 255}));
        const Rgb8 top = onWhite(relevanceColourTable()[255], opacity);
        QVERIFY2(
            near(r.image.pixel(x1, y), top),
            qPrintable(QStringLiteral("at %1: %2 (x−1: %3, x+1: %4), expected %5,%6,%7")
                           .arg(x1)
                           .arg(QColor(r.image.pixel(x1, y)).name(), QColor(r.image.pixel(x1 - 1, y)).name(),
                                QColor(r.image.pixel(x1 + 1, y)).name())
                           .arg(top.r)
                           .arg(top.g)
                           .arg(top.b)));
        const int mid = (x0 + x1) / 2;
        QVERIFY(near(r.image.pixel(mid, y),
                     onWhite(relevanceColour(static_cast<double>(mid - x0) / (x1 - x0)), opacity), 3));
        // Without a band there is no legend, and the header keeps its size.
        const Rendered none = render(PaperLayout::Grid3x4Rhythm, dpi, {});
        const Rendered regionOnly = [&] {
            EcgFindingOverlay o;
            o.trusted = true;
            o.label = "x";
            o.hasRegion = true;
            o.regionLeads = {"II"};
            o.startSeconds = 1;
            o.endSeconds = 2;
            return render(PaperLayout::Grid3x4Rhythm, dpi, {o});
        }();
        QVERIFY(!regionOnly.legend);
        QCOMPARE(regionOnly.page.gridTopMm, none.page.gridTopMm);
        QVERIFY(r.page.gridTopMm > none.page.gridTopMm); // the legend's row
    }

    void anUntrustedFindingIsMarkedWhereverItIsDrawn() {
        EcgFindingOverlay o = overlayOf({{"V2", 1.2, 3.4}, {"V5", 7.0, 8.0}});
        o.trusted = false;
        o.hasRegion = true;
        o.regionLeads = {"V2"};
        o.startSeconds = 1.2;
        o.endSeconds = 3.4;
        const double dpi = 150.0;
        const double ppm = dpi / 25.4;
        const Rendered r = render(PaperLayout::Rows12x1, dpi, {o});
        const QColor red = PaperColors{}.untrusted;
        auto redIn = [&](double x0Mm, double x1Mm, double y0Mm, double y1Mm) {
            int n = 0;
            for (int y = static_cast<int>(y0Mm * ppm); y < static_cast<int>(y1Mm * ppm); ++y) {
                for (int x = static_cast<int>(x0Mm * ppm); x < static_cast<int>(x1Mm * ppm); ++x) {
                    n += near(r.image.pixel(x, y), red, 10) ? 1 : 0;
                }
            }
            return n;
        };
        const PaperCell* v2 = r.page.cellFor(7);
        const PaperCell* v5 = r.page.cellFor(10);
        const PaperCell* v3 = r.page.cellFor(8);
        // The region on V2 is hatched and outlined in red; V5's band, outside any region, is framed in red
        // too.
        QVERIFY(redIn(v2->xAt(1.2), v2->xAt(3.4), v2->topMm, v2->bottomMm) > 200);
        QVERIFY(redIn(v5->xAt(7.0), v5->xAt(8.0), v5->topMm, v5->bottomMm) > 100);
        QCOMPARE(redIn(v3->xMm, v3->xMm + v3->widthMm, v3->topMm, v3->bottomMm), 0);
        // The banner: a red row across the page above the grid.
        const auto [bannerTop, bannerHeight] = r.bannerMm;
        QVERIFY(bannerTop + bannerHeight <= r.page.gridTopMm);
        QVERIFY(redIn(1.0, r.page.widthMm - 1.0, bannerTop + 0.5, bannerTop + bannerHeight - 0.5) >
                0.5 * (r.page.widthMm - 2.0) * (bannerHeight - 1.0) * ppm * ppm);
        // Its texts: the label prefixed, UNTRUSTED on the other mark, and the banner.
        auto has = [&](const std::string& t) {
            return std::find(r.texts.begin(), r.texts.end(), t) != r.texts.end();
        };
        QVERIFY(has("UNTRUSTED — Occlusion MI, anterior wall"));
        QVERIFY(std::count(r.texts.begin(), r.texts.end(),
                           std::string("UNTRUSTED — Occlusion MI, anterior wall")) == 1);
        QVERIFY(has(
            "UNTRUSTED — 1 AI finding is shown anyway although it failed verification: do not rely on it"));
        for (const OverlayMark& m : r.marks)
            QVERIFY(!m.trusted && !m.text.empty() && m.text.rfind("UNTRUSTED", 0) == 0);
        QCOMPARE(r.marks.size(), std::size_t(2));
        QVERIFY(std::none_of(r.texts.begin(), r.texts.end(),
                             [](const std::string& t) { return t == "Occlusion MI, anterior wall"; }));

        // The same finding trusted: no red anywhere on the page.
        o.trusted = true;
        const Rendered t = render(PaperLayout::Rows12x1, dpi, {o});
        int red2 = 0;
        for (int y = 0; y < t.image.height(); ++y) {
            for (int x = 0; x < t.image.width(); ++x)
                red2 += near(t.image.pixel(x, y), red, 10) ? 1 : 0;
        }
        QCOMPARE(red2, 0);
    }

    void theOffscreenPageCarriesOverlaysToo() {
        // What ecg-render uses: renderRecordingPage at 300 dpi (wide traces) with an overlay in its options.
        PaperRenderOptions options;
        options.dotsPerInch = 300.0;
        options.overlays = {overlayOf({{"V2", 5.6, 6.8}})};
        options.overlayOpacity = 0.5;
        auto img = renderRecordingPage(test::syntheticRecording(kFs, kSeconds, {}), options);
        QVERIFY2(img.hasValue(), img ? "" : qPrintable(img.error()));
        // The same page laid out here, for the geometry.
        PaperScene scene;
        PaperSettings s;
        s.pixelsPerMm = 300.0 / 25.4;
        scene.setTraces(TraceSet::build(test::syntheticRecording(kFs, kSeconds, {}), 0, {}));
        scene.setSettings(s);
        scene.setOverlays({overlayOf({{"V2", 5.6, 6.8}})});
        QCOMPARE(img->size(), QSize(scene.page().widthPixels(), scene.page().heightPixels()));
        const PaperCell* v2 = scene.page().cellFor(7);
        const double ppm = s.pixelsPerMm;
        const auto cols = expectedColumns(*v2, 5.6, 6.8, ppm);
        const int y = cleanRow(*img, *v2, ppm, cols->first, cols->second + 1);
        const Rgb8 colour = onWhite(relevanceColourTable()[255], 0.5);
        int first = -1, last = -1;
        for (int x = cols->first - 5; x <= cols->second + 5; ++x) {
            if (near(img->pixel(x, y), colour)) {
                if (first < 0)
                    first = x;
                last = x;
            }
        }
        QVERIFY2(
            std::abs(first - cols->first) <= 1 && std::abs(last - cols->second) <= 1,
            qPrintable(
                QStringLiteral("%1–%2 vs %3–%4").arg(first).arg(last).arg(cols->first).arg(cols->second)));
    }

    void whatCannotBeDrawnDrawsNothing_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("hidden (visible = false)") << 0;
        QTest::newRow("lead names the recording lacks") << 1;
        QTest::newRow("V2's data under another lead's name") << 2;
        QTest::newRow("2400 samples per lead against 5000") << 3;
        QTest::newRow("bytes that do not make leads × samples") << 4;
        QTest::newRow("a region on leads the recording lacks") << 5;
        QTest::newRow("a region after the recording's end") << 6;
    }
    void whatCannotBeDrawnDrawsNothing() {
        QFETCH(int, kind);
        EcgFindingOverlay o;
        switch (kind) {
        case 0:
            o = overlayOf({{"V2", 1.2, 3.4}});
            o.hasRegion = true;
            o.regionLeads = {"V2"};
            o.startSeconds = 1.2;
            o.endSeconds = 3.4;
            o.visible = false;
            o.trusted = false;
            break;
        case 1:
            o = overlayOf({{"V7", 1.2, 3.4}, {"X", 1.2, 3.4}}, {"V7", "X"});
            break;
        case 2:
            o = overlayOf({{"V2x", 1.2, 3.4}}, {"V2x"});
            break;
        case 3:
            o = overlayOf({{"V2", 1.2, 3.4}}, kTwelve, 2400);
            break;
        case 4: {
            o = overlayOf({{"V2", 1.2, 3.4}});
            o.relevanceBytes -= 1; // one byte short
            break;
        }
        case 5:
            o.trusted = true;
            o.label = "Somewhere else";
            o.hasRegion = true;
            o.regionLeads = {"V7", "V8"};
            o.startSeconds = 1.2;
            o.endSeconds = 3.4;
            break;
        case 6:
            o.trusted = true;
            o.label = "Somewhere else";
            o.hasRegion = true;
            o.regionLeads = {"V2"};
            o.startSeconds = 12.0;
            o.endSeconds = 13.0;
            break;
        default:
            QFAIL("unknown case");
        }
        const double dpi = 96.0;
        const Rendered without = render(PaperLayout::Grid3x4Rhythm, dpi, {});
        const Rendered with = render(PaperLayout::Grid3x4Rhythm, dpi, {o});
        QVERIFY(!with.image.isNull());
        QCOMPARE(with.image.size(), without.image.size());
        QVERIFY2(with.image == without.image, "the page differs from the page without the overlay");
        QVERIFY(with.texts.empty());
        QVERIFY(with.marks.empty());
        if (kind == 0) {
            QVERIFY(with.overlays.empty()); // a hidden overlay does not even reach the scene
        } else {
            QCOMPARE(with.overlays.size(), std::size_t(1));
            QVERIFY(!with.overlays.front().resolution.problems.empty()); // and says why
        }
    }
};

int main(int argc, char** argv) {
    veridicor::test::useAppSurfaceFormat();
    QGuiApplication app(argc, argv);
    TestEcgOverlayRender t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_ecg_overlay_render.moc"
