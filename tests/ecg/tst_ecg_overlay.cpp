// Overlay maths of the ECG view (no display): the relevance colour map is perceptual (CIE L* measured from
// its sRGB output with the standard formulas, written out here independently of the code under test),
// transparent at 0, and blends on paper as source-over does; the relevance max pyramid gives the same maxima
// as a brute-force scan; attachment and region leads are matched to channels by name, never to the wrong
// lead, and every shape or range problem is reported.
#include <veridicor/ecg/overlay.h>

#include <QtTest>

#include <cmath>
#include <random>

using namespace veridicor::ecg;

namespace {

// sRGB (IEC 61966-2-1) → CIE L*a*b* (D65), independent of the colour map's own conversion.
struct Lab {
    double L, a, b;
};

double decode(std::uint8_t c) {
    const double s = c / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

Lab toLab(std::uint8_t r8, std::uint8_t g8, std::uint8_t b8) {
    const double r = decode(r8), g = decode(g8), b = decode(b8);
    const double X = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    const double Y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double Z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    auto f = [](double t) {
        return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0;
    };
    return {116.0 * f(Y) - 16.0, 500.0 * (f(X) - f(Y)), 200.0 * (f(Y) - f(Z))};
}

double hueDegrees(const Lab& c) { // [0, 360)
    const double h = std::atan2(c.b, c.a) * 180.0 / 3.14159265358979323846;
    return h < 0 ? h + 360.0 : h;
}

double deltaE(const Lab& x, const Lab& y) {
    return std::sqrt((x.L - y.L) * (x.L - y.L) + (x.a - y.a) * (x.a - y.a) + (x.b - y.b) * (x.b - y.b));
}

const std::vector<std::string> kTwelve{"I",  "II", "III", "aVR", "aVL", "aVF",
                                       "V1", "V2", "V3",  "V4",  "V5",  "V6"};

/// An overlay owning `bytes` (leads × samples).
EcgFindingOverlay overlayWith(std::vector<std::string> leads, long long samples,
                              std::vector<std::uint8_t> bytes) {
    auto owned = std::make_shared<std::vector<std::uint8_t>>(std::move(bytes));
    EcgFindingOverlay o;
    o.key = "b1#f1";
    o.label = "Occlusion MI";
    o.trusted = true;
    o.relevanceLeads = std::move(leads);
    o.relevanceSamples = samples;
    o.relevance = owned->data();
    o.relevanceBytes = owned->size();
    o.keepAlive = owned;
    return o;
}

bool contains(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

QString all(const std::vector<std::string>& lines) {
    QString s;
    for (const auto& l : lines)
        s += QString::fromStdString(l) + QLatin1Char('\n');
    return s;
}

} // namespace

class TestEcgOverlay : public QObject {
    Q_OBJECT
private slots:
    void colourMapLightnessFallsLinearlyWithRelevance() {
        // Perceptual: equal steps of relevance are equal steps of CIE L* (94 at 0 → 42 at 1), within the
        // 8-bit rounding of the output.
        for (int i = 0; i <= 255; ++i) {
            const double v = i / 255.0;
            const Rgba8 c = relevanceColour(v);
            const Lab lab = toLab(c.r, c.g, c.b);
            const double wanted = 94.0 - 52.0 * v;
            QVERIFY2(std::abs(lab.L - wanted) < 0.6,
                     qPrintable(QStringLiteral("v %1: L* %2, designed %3").arg(v).arg(lab.L).arg(wanted)));
        }
    }

    void colourMapHueTurnsFromYellowToBlue() {
        // Hue 100° (yellow) at 0, through green and teal, to 290° (blue-violet) at 1, turning one way only
        // (the path of viridis, light to dark), never through the reds of the grid; neighbouring tenths are
        // told apart (ΔE*ab ≥ 5).
        double previous = -1.0;
        for (int i = 0; i <= 10; ++i) {
            const double v = i / 10.0;
            const Rgba8 c = relevanceColour(v);
            const Lab lab = toLab(c.r, c.g, c.b);
            const double h = hueDegrees(lab);
            QVERIFY2(std::abs(h - (100.0 + 190.0 * v)) < 4.0,
                     qPrintable(QStringLiteral("v %1: hue %2°").arg(v).arg(h)));
            QVERIFY(h > previous);
            previous = h;
            if (i > 0) {
                const Rgba8 p = relevanceColour(v - 0.1);
                QVERIFY(deltaE(lab, toLab(p.r, p.g, p.b)) >= 5.0);
            }
        }
        // A plain check of the ends: pale yellow at 0 (red and green high, blue lower), blue-violet at 1.
        const Rgba8 lo = relevanceColour(1.0 / 255.0);
        QVERIFY(lo.r > 220 && lo.g > 220 && lo.b < 200);
        const Rgba8 hi = relevanceColour(1.0);
        QVERIFY(hi.b > hi.r + 60 && hi.b > hi.g + 60);
    }

    void colourMapIsTransparentAtZeroAndOpaqueAtOne() {
        QCOMPARE(relevanceColour(0.0).a, std::uint8_t(0));
        QCOMPARE(relevanceColour(-1.0).a, std::uint8_t(0));
        QCOMPARE(relevanceColour(std::nan("")).a, std::uint8_t(0));
        QCOMPARE(relevanceColour(1.0).a, std::uint8_t(255));
        QCOMPARE(relevanceColour(7.0), relevanceColour(1.0)); // clamped
        QCOMPARE(relevanceColour(0.25).a, std::uint8_t(128)); // √0.25 = 0.5 → 127.5 → 128
        QVERIFY(relevanceColour(1.0 / 255.0).a > 0);
        // The GPU's table is the map at i/255.
        const auto& table = relevanceColourTable();
        for (int i = 0; i < 256; ++i)
            QCOMPARE(table[static_cast<std::size_t>(i)], relevanceColour(i / 255.0));
    }

    void blendingOnPaperIsSourceOver() {
        const Rgb8 white{255, 255, 255};
        QCOMPARE(blendOnPaper(white, {0, 0, 0, 255}, 0.5), (Rgb8{128, 128, 128})); // 127.5 rounds up
        QCOMPARE(blendOnPaper(white, {10, 20, 30, 255}, 1.0), (Rgb8{10, 20, 30}));
        QCOMPARE(blendOnPaper(white, {10, 20, 30, 0}, 1.0), white);
        QCOMPARE(blendOnPaper(white, {10, 20, 30, 255}, 0.0), white);
        QCOMPARE(blendOnPaper({100, 100, 100}, {200, 0, 100, 51}, 1.0), (Rgb8{120, 80, 100})); // a = 0.2
        // On white paper, more relevance is always darker at any opacity (the band reads as "more").
        for (double opacity : {0.2, 0.6, 1.0}) {
            double previous = 101.0;
            for (int i = 0; i <= 255; i += 17) { // steps of 1/15: 8-bit rounding cannot hide them
                const Rgb8 c = blendOnPaper(white, relevanceColour(i / 255.0), opacity);
                const double L = toLab(c.r, c.g, c.b).L;
                QVERIFY2(L < previous || i == 0,
                         qPrintable(QStringLiteral("opacity %1, v %2/255").arg(opacity).arg(i)));
                previous = L;
            }
        }
    }

    void maxPyramidAgreesWithAScan() {
        // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so every run tests the same data.
        std::mt19937 rng(42);
        for (std::size_t n : {std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{33},
                              std::size_t{1000}, std::size_t{4097}, std::size_t{100000}}) {
            std::vector<std::uint8_t> v(n);
            for (auto& x : v)
                x = static_cast<std::uint8_t>(rng() % 200); // below 255: no early exit
            if (n > 10)
                v[n / 3] = 254;
            const RelevanceTrack t(v.data(), n);
            QCOMPARE(t.size(), n);
            for (int trial = 0; trial < 500; ++trial) {
                std::size_t a = rng() % (n + 1);
                std::size_t b = rng() % (n + 40);
                if (a > b)
                    std::swap(a, b);
                std::uint8_t want = 0;
                for (std::size_t i = a; i < std::min(b, n); ++i)
                    want = std::max(want, v[i]);
                QCOMPARE(t.maxIn(a, b), want);
            }
            QCOMPARE(t.maxIn(0, n), *std::max_element(v.begin(), v.end()));
            QCOMPARE(t.maxIn(5, 5), std::uint8_t(0));
        }
        QCOMPARE(RelevanceTrack().maxIn(0, 10), std::uint8_t(0));
    }

    void columnMaximaFollowTheDefinition() {
        // Column k covers sample positions [s0 + k·d, s0 + (k+1)·d); sample i holds [i, i+1): it counts when
        // i + 1 > a and i < b, inside the cell's [begin, end).
        // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so every run tests the same data.
        std::mt19937 rng(7);
        std::vector<std::uint8_t> v(5000);
        for (auto& x : v)
            x = static_cast<std::uint8_t>(rng() % 256);
        const RelevanceTrack t(v.data(), v.size());
        std::uniform_real_distribution<double> start(-300.0, 5200.0), width(0.05, 80.0);
        for (int trial = 0; trial < 300; ++trial) {
            const double s0 = start(rng);
            const double d = width(rng);
            const std::size_t begin = rng() % 3000;
            const std::size_t end = begin + rng() % 3000;
            std::vector<std::uint8_t> out(64);
            t.columnMaxima(s0, d, 64, begin, end, out.data());
            for (int k = 0; k < 64; ++k) {
                const double a = s0 + k * d;
                const double b = a + d;
                auto nearInt = [](double x) {
                    return std::abs(x - std::round(x)) < 1e-5;
                };
                if (nearInt(a) || nearInt(b))
                    continue; // the exact edges are checked below
                std::uint8_t want = 0;
                for (std::size_t i = begin; i < std::min(end, v.size()); ++i) {
                    if (static_cast<double>(i) + 1.0 > a && static_cast<double>(i) < b)
                        want = std::max(want, v[i]);
                }
                QCOMPARE(out[static_cast<std::size_t>(k)], want);
            }
        }
        // Relevance 255 from 1.2 s to 3.4 s at 500 Hz (samples 600–1699), one column per sample: columns
        // 600–1699 are 255, 599 and 1700 are 0, whatever rounding 1.2 × 500 suffers.
        std::vector<std::uint8_t> band(5000, 0);
        const auto from = static_cast<std::size_t>(std::lround(1.2 * 500.0));
        const auto to = static_cast<std::size_t>(std::lround(3.4 * 500.0));
        std::fill(band.begin() + static_cast<long>(from), band.begin() + static_cast<long>(to),
                  std::uint8_t{255});
        const RelevanceTrack bt(band.data(), band.size());
        std::vector<std::uint8_t> cols(5000);
        bt.columnMaxima(0.0, 1.0, 5000, 0, 5000, cols.data());
        QCOMPARE(cols[599], std::uint8_t(0));
        QCOMPARE(cols[600], std::uint8_t(255));
        QCOMPARE(cols[1699], std::uint8_t(255));
        QCOMPARE(cols[1700], std::uint8_t(0));
        // Columns of 2.5 samples: a column that touches sample 600's interval takes it.
        bt.columnMaxima(0.0, 2.5, 2000, 0, 5000, cols.data());
        QCOMPARE(cols[239], std::uint8_t(0));   // [597.5, 600)
        QCOMPARE(cols[240], std::uint8_t(255)); // [600, 602.5)
        QCOMPARE(cols[679], std::uint8_t(255)); // [1697.5, 1700)
        QCOMPARE(cols[680], std::uint8_t(0));   // [1700, 1702.5)
        // A cell ending at 2.5 s (sample 1250) shows nothing after it.
        bt.columnMaxima(0.0, 1.0, 5000, 0, 1250, cols.data());
        QCOMPARE(cols[1249], std::uint8_t(255));
        QCOMPARE(cols[1250], std::uint8_t(0));
        QCOMPARE(bt.nonZeroExtent(), std::optional(std::make_pair(from, to)));
        std::vector<std::uint8_t> zeros(100, 0);
        QVERIFY(!RelevanceTrack(zeros.data(), zeros.size()).nonZeroExtent());
    }

    void leadsAreMatchedByNameAndNeverToAnotherLead() {
        QCOMPARE(matchLead("V2", kTwelve), std::optional<std::size_t>(7));
        QCOMPARE(matchLead("avr", kTwelve), std::optional<std::size_t>(3));
        QVERIFY(!matchLead("V7", kTwelve));
        QVERIFY(!matchLead("", kTwelve));
        QVERIFY(!matchLead("V", kTwelve));
        QVERIFY(!matchLead("V2 ", kTwelve));
        // Two channels with the same name: ambiguous, so neither.
        QVERIFY(!matchLead("II", {"I", "II", "II"}));

        // Attachment of 4 leads × 10 samples: V2 and "X" (not in a 12-lead ECG) and aVF and v4 (case).
        std::vector<std::uint8_t> bytes(40, 0);
        for (int i = 0; i < 10; ++i)
            bytes[10 + static_cast<std::size_t>(i)] = 99;
        const PreparedOverlay p(overlayWith({"V2", "X", "aVF", "v4"}, 10, bytes));
        QCOMPARE(p.tracks().size(), std::size_t(4));
        QCOMPARE(p.tracks()[1].at(3), std::uint8_t(99)); // lead-major: the second lead's bytes
        const OverlayResolution r = p.resolve(kTwelve, 10, 500.0);
        QCOMPARE(r.bands.size(), std::size_t(3));
        QCOMPARE(r.bands[0].channel, std::size_t(7));
        QCOMPARE(r.bands[0].trackIndex, std::size_t(0));
        QCOMPARE(r.bands[1].channel, std::size_t(5));
        QCOMPARE(r.bands[1].trackIndex, std::size_t(2));
        QCOMPARE(r.bands[2].channel, std::size_t(9));
        QCOMPARE(r.unmatchedLeads, std::vector<std::string>{"X"});
        QVERIFY2(contains(r.problems, "\"X\": this recording has no such lead"), qPrintable(all(r.problems)));

        // Two channels named V2: V2's relevance is drawn on neither, and the panel says why.
        std::vector<std::string> twoV2 = kTwelve;
        twoV2[8] = "V2";
        const OverlayResolution ra = p.resolve(twoV2, 10, 500.0);
        QVERIFY(std::none_of(ra.bands.begin(), ra.bands.end(),
                             [](const ResolvedBand& b) { return b.trackIndex == 0; }));
        QVERIFY2(contains(ra.problems, "\"V2\": several channels of this recording carry that name"),
                 qPrintable(all(ra.problems)));

        // A lead named twice cannot be told apart: neither row is drawn.
        const PreparedOverlay twice(overlayWith({"V2", "V2"}, 10, std::vector<std::uint8_t>(20, 1)));
        const OverlayResolution rt = twice.resolve(kTwelve, 10, 500.0);
        QVERIFY(rt.bands.empty());
        QVERIFY2(contains(rt.problems, "more than once"), qPrintable(all(rt.problems)));
    }

    void aShapeMismatchIsNotDrawnAndSaysWhy() {
        // 2400 samples per lead against a rhythm of 5000.
        const PreparedOverlay p(overlayWith({"V2"}, 2400, std::vector<std::uint8_t>(2400, 255)));
        const OverlayResolution r = p.resolve(kTwelve, 5000, 500.0);
        QVERIFY(r.bands.empty());
        QVERIFY2(contains(r.problems, "2400 samples per lead, but this recording's rhythm has 5000"),
                 qPrintable(all(r.problems)));
        // Bytes that do not make leads × samples (a badly made but signed bundle).
        const PreparedOverlay q(overlayWith({"V2", "V3"}, 5000, std::vector<std::uint8_t>(7000, 255)));
        QVERIFY(q.tracks().empty());
        const OverlayResolution rq = q.resolve(kTwelve, 5000, 500.0);
        QVERIFY(rq.bands.empty());
        QVERIFY2(contains(rq.problems, "7000 bytes, not 2 leads × 5000 samples"),
                 qPrintable(all(rq.problems)));
        // Absurd sizes are refused without overflow.
        const PreparedOverlay big(overlayWith({"V2", "V3"}, (1LL << 62), std::vector<std::uint8_t>(8, 1)));
        QVERIFY(big.tracks().empty());
        const PreparedOverlay negative(overlayWith({"V2"}, -5, {}));
        QVERIFY(negative.tracks().empty());
        QVERIFY(contains(negative.resolve(kTwelve, 5000, 500.0).problems, "no relevance band is drawn"));
        // No relevance at all is no problem.
        EcgFindingOverlay plain;
        plain.hasRegion = true;
        plain.regionLeads = {"V2"};
        plain.startSeconds = 1.2;
        plain.endSeconds = 3.4;
        const OverlayResolution rp = PreparedOverlay(plain).resolve(kTwelve, 5000, 500.0);
        QVERIFY2(rp.problems.empty(), qPrintable(all(rp.problems)));
        QVERIFY(rp.regionShown);
    }

    void theRegionIsCheckedAgainstTheRecording() {
        EcgFindingOverlay o;
        o.hasRegion = true;
        o.regionLeads = {"V2", "V3", "V9", "V2"};
        o.startSeconds = 1.2;
        o.endSeconds = 3.4;
        OverlayResolution r = PreparedOverlay(o).resolve(kTwelve, 5000, 500.0);
        QVERIFY(r.regionShown);
        QCOMPARE(r.regionChannels, (std::vector<std::size_t>{7, 8}));
        QCOMPARE(r.unmatchedLeads, std::vector<std::string>{"V9"});
        QVERIFY(r.focusSeconds && r.focusSeconds->first == 1.2 && r.focusSeconds->second == 3.4);

        o.startSeconds = 12.0; // beyond a 10 s recording
        o.endSeconds = 13.0;
        r = PreparedOverlay(o).resolve(kTwelve, 5000, 500.0);
        QVERIFY(!r.regionShown);
        QVERIFY2(contains(r.problems, "lies outside this recording (0–10.00 s)"),
                 qPrintable(all(r.problems)));

        o.startSeconds = 3.0;
        o.endSeconds = 2.0;
        r = PreparedOverlay(o).resolve(kTwelve, 5000, 500.0);
        QVERIFY(!r.regionShown);
        QVERIFY(contains(r.problems, "not a valid range"));
        o.endSeconds = std::nan("");
        QVERIFY(!PreparedOverlay(o).resolve(kTwelve, 5000, 500.0).regionShown);

        o.startSeconds = 9.0; // runs past the end: clipped, said
        o.endSeconds = 11.0;
        r = PreparedOverlay(o).resolve(kTwelve, 5000, 500.0);
        QVERIFY(r.regionShown);
        QCOMPARE(r.regionEndSeconds, 10.0);
        QVERIFY(contains(r.problems, "runs past the recording"));

        o.regionLeads = {"X"};
        o.startSeconds = 1.0;
        o.endSeconds = 2.0;
        r = PreparedOverlay(o).resolve(kTwelve, 5000, 500.0);
        QVERIFY(!r.regionShown);
        QVERIFY(r.regionChannels.empty());
    }

    void withoutARegionTheFocusIsTheRelevance() {
        std::vector<std::uint8_t> bytes(std::size_t{2} * 5000, 0);
        std::fill(bytes.begin() + 5000 + 1000, bytes.begin() + 5000 + 1500, std::uint8_t{40}); // V3, 2–3 s
        const OverlayResolution r =
            PreparedOverlay(overlayWith({"V2", "V3"}, 5000, bytes)).resolve(kTwelve, 5000, 500.0);
        QVERIFY(r.focusSeconds);
        QCOMPARE(r.focusSeconds->first, 2.0);
        QCOMPARE(r.focusSeconds->second, 3.0);
    }
};

QTEST_GUILESS_MAIN(TestEcgOverlay)
#include "tst_ecg_overlay.moc"
