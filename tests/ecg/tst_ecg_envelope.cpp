// The min/max envelope pyramid: every level and every range query is exactly the brute-force min/max of the
// samples it covers; a trace window costs vertices in proportion to its pixel columns, not to its samples.
#include <veridicor/ecg/envelope.h>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <random>
#include <vector>

using namespace veridicor::ecg;

namespace {

MinMax bruteForce(const SampleSpan& s, std::size_t first, std::size_t last) {
    MinMax mm;
    for (std::size_t i = first; i < std::min(last, s.size()); ++i) {
        const float v = s[i];
        mm.min = std::min(mm.min, v);
        mm.max = std::max(mm.max, v);
    }
    return mm;
}

std::vector<std::int32_t> randomRaw(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int32_t> d(-32768, 32767);
    std::vector<std::int32_t> v(n);
    for (auto& x : v)
        x = d(rng);
    return v;
}

} // namespace

class TestEcgEnvelope : public QObject {
    Q_OBJECT
private slots:
    void levelsAreExactBucketExtremes_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("baseShift");
        QTest::newRow("exact multiple") << 4096 << 5;
        QTest::newRow("ragged tail") << 10007 << 5;
        QTest::newRow("shorter than a bucket") << 7 << 5;
        QTest::newRow("base 2") << 999 << 1;
    }
    void levelsAreExactBucketExtremes() {
        QFETCH(int, n);
        QFETCH(int, baseShift);
        const auto raw = randomRaw(static_cast<std::size_t>(n), 11);
        const SampleSpan span = SampleSpan::fromRaw(raw.data(), raw.size(), 0.00122, 0.0);
        const EnvelopePyramid p(span, static_cast<unsigned>(baseShift));
        QVERIFY(p.levelCount() >= 1);
        QCOMPARE(p.level(p.levelCount() - 1).size(), std::size_t{1}); // the top covers everything
        for (std::size_t k = 0; k < p.levelCount(); ++k) {
            const std::size_t b = p.bucketSamples(k);
            QCOMPARE(p.level(k).size(), (raw.size() + b - 1) / b);
            for (std::size_t j = 0; j < p.level(k).size(); ++j) {
                const MinMax want = bruteForce(span, j * b, (j + 1) * b);
                QCOMPARE(p.level(k)[j].min, want.min);
                QCOMPARE(p.level(k)[j].max, want.max);
            }
        }
    }

    void rangeQueriesMatchBruteForce() {
        // Random ranges of every size over raw (scaled, including a negative scale) and float sources.
        const std::size_t n = 200003;
        const auto raw = randomRaw(n, 42);
        std::vector<float> floats(n);
        // NOLINTNEXTLINE(cert-msc32-c,cert-msc51-cpp): a fixed seed, so every run tests the same data.
        std::mt19937 rng(7);
        std::normal_distribution<float> nd(0.0F, 1.0F);
        for (auto& f : floats)
            f = nd(rng);
        const std::vector<SampleSpan> spans{SampleSpan::fromRaw(raw.data(), n, 0.00122, 0.0),
                                            SampleSpan::fromRaw(raw.data(), n, -2.5, 17.0),
                                            SampleSpan::fromFloats(floats.data(), n)};
        for (const SampleSpan& span : spans) {
            const EnvelopePyramid p(span);
            std::uniform_int_distribution<std::size_t> pos(0, n);
            std::uniform_int_distribution<int> logLen(0, 17);
            for (int q = 0; q < 3000; ++q) {
                const std::size_t a = pos(rng);
                const std::size_t len = (std::size_t{1} << logLen(rng)) + pos(rng) % 97;
                const std::size_t b = std::min(n, a + len);
                const MinMax got = p.range(a, b);
                const MinMax want = bruteForce(span, a, b);
                QCOMPARE(got.empty(), want.empty());
                if (!want.empty()) {
                    QCOMPARE(got.min, want.min);
                    QCOMPARE(got.max, want.max);
                }
            }
            QVERIFY(p.range(n, n + 5).empty());
            const MinMax all = p.range(0, n);
            const MinMax want = bruteForce(span, 0, n);
            QCOMPARE(all.min, want.min);
            QCOMPARE(all.max, want.max);
        }
    }

    void envelopeColumnsHoldTheirExactExtremes() {
        const std::size_t n = 123457;
        const auto raw = randomRaw(n, 3);
        const SampleSpan span = SampleSpan::fromRaw(raw.data(), n, 1.0, 0.0);
        const EnvelopePyramid p(span);
        const double first = 1234.5;
        const double spc = 77.3;
        const int columns = 800;
        std::vector<TracePoint> pts;
        QCOMPARE(p.appendTrace(first, spc, columns, pts), TraceMode::Envelope);
        QCOMPARE(pts.size(), std::size_t(2 * columns));
        for (int c = 0; c < columns; ++c) {
            // Column c holds the samples i with first + c·spc ≤ i < first + (c+1)·spc.
            const auto a = static_cast<std::size_t>(std::ceil(first + c * spc));
            const auto b = static_cast<std::size_t>(std::ceil(first + (c + 1) * spc));
            const MinMax want = bruteForce(span, a, b);
            const TracePoint p0 = pts[2 * static_cast<std::size_t>(c)];
            const TracePoint p1 = pts[2 * static_cast<std::size_t>(c) + 1];
            QCOMPARE(p0.x, float(c) + 0.5F);
            QCOMPARE(p1.x, float(c) + 0.5F);
            QCOMPARE(std::min(p0.y, p1.y), want.min);
            QCOMPARE(std::max(p0.y, p1.y), want.max);
        }
    }

    void vertexCountFollowsPixelsNotSamples() {
        // The same 1000-column window over 10 s and 24 h of 500 Hz data: two points per column either way.
        const int columns = 1000;
        std::vector<std::size_t> counts;
        for (std::size_t n : {std::size_t{5000}, std::size_t{500000}, std::size_t{43200000}}) {
            std::vector<std::int32_t> raw(n);
            for (std::size_t i = 0; i < n; ++i)
                raw[i] = static_cast<std::int32_t>((i * 2654435761U) % 4001) - 2000;
            const EnvelopePyramid p(SampleSpan::fromRaw(raw.data(), n, 0.001, 0.0));
            std::vector<TracePoint> pts;
            const double spc = static_cast<double>(n) / columns; // the whole recording in the window
            QVERIFY(spc > EnvelopePyramid::kSampleModeMaxPerColumn);
            QCOMPARE(p.appendTrace(0.0, spc, columns, pts), TraceMode::Envelope);
            counts.push_back(pts.size());
            // Memory: the levels cost at most 2 × 8 bytes per 32 samples (0.5 B per sample), the samples are
            // not copied.
            QVERIFY2(p.memoryBytes() <= n / 2 + 64 * sizeof(MinMax),
                     qPrintable(QString::number(p.memoryBytes())));
        }
        QCOMPARE(counts[0], std::size_t(2 * columns));
        QCOMPARE(counts[1], counts[0]);
        QCOMPARE(counts[2], counts[0]);
    }

    void deepZoomDrawsEverySampleAtItsPosition() {
        const std::size_t n = 1000;
        std::vector<float> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = static_cast<float>(i) * 0.25F;
        const EnvelopePyramid p(SampleSpan::fromFloats(v.data(), n));
        std::vector<TracePoint> pts;
        // 0.5 samples per column: each sample 2 px apart; window starts at sample 100.25.
        QCOMPARE(p.appendTrace(100.25, 0.5, 200, pts), TraceMode::Samples);
        QCOMPARE(pts.size(), std::size_t(100)); // samples 101..200 (100.25 + 0.5·200 = 200.25)
        QCOMPARE(pts.front().x, float((101 - 100.25) / 0.5));
        QCOMPARE(pts.front().y, v[101]);
        QCOMPARE(pts.back().y, v[200]);
        // A window past the end of the recording draws nothing; a cell limit stops the trace at its end.
        pts.clear();
        p.appendTrace(5000.0, 1.0, 100, pts);
        QVERIFY(pts.empty());
        pts.clear();
        p.appendTrace(0.0, 1.0, 100, pts, 40);
        QCOMPARE(pts.size(), std::size_t(40));
    }

    void aSpikeLandsInItsColumn() {
        const std::size_t n = 1000000;
        std::vector<std::int32_t> raw(n, 0);
        const std::size_t spike = 654321;
        raw[spike] = 5000;
        raw[spike + 1] = -3000;
        const EnvelopePyramid p(SampleSpan::fromRaw(raw.data(), n, 0.001, 0.0));
        std::vector<TracePoint> pts;
        const double spc = 333.3;
        p.appendTrace(0.0, spc, 3001, pts);
        const int col = static_cast<int>(std::floor(spike / spc));
        int found = -1;
        for (const auto& pt : pts) {
            if (pt.y == 5.0F)
                found = static_cast<int>(pt.x);
        }
        QCOMPARE(found, col);
    }

    void samplesWithoutDataAreNeverDrawn() {
        // Samples 3000–5999 hold no data (NaN: padding in the file). Neither mode may draw them.
        std::vector<float> v(10000, 1.0F);
        for (std::size_t i = 3000; i < 6000; ++i)
            v[i] = std::numeric_limits<float>::quiet_NaN();
        const EnvelopePyramid p(SampleSpan::fromFloats(v.data(), v.size()));
        QVERIFY(p.range(3000, 6000).empty());
        QCOMPARE(p.range(2000, 7000).max, 1.0F);
        for (double spc : {10.0, 1.0}) {
            std::vector<TracePoint> pts;
            p.appendTrace(0.0, spc, static_cast<int>(10000 / spc), pts);
            int breaks = 0;
            for (const TracePoint& pt : pts) {
                if (std::isnan(pt.y)) {
                    ++breaks;
                    continue;
                }
                const double sample = pt.x * spc;
                QVERIFY2(sample < 3000 || sample >= 6000 - spc, qPrintable(QString::number(sample)));
                QCOMPARE(pt.y, 1.0F);
            }
            QVERIFY(breaks >= 1);
        }
    }

    void cancelledBuildIsEmpty() {
        std::vector<float> v(100000, 1.0F);
        std::atomic<bool> cancel{true};
        const EnvelopePyramid p(SampleSpan::fromFloats(v.data(), v.size()), 5, &cancel);
        QCOMPARE(p.levelCount(), std::size_t{0});
        // Queries still answer exactly from the samples.
        QCOMPARE(p.range(0, 100000).max, 1.0F);
    }
};

QTEST_APPLESS_MAIN(TestEcgEnvelope)
#include "tst_ecg_envelope.moc"
