// The display filters by their frequency response (sine waves in, amplitude and phase out), zero phase (no
// shift of a peak), clean ends (no ringing on a 10 s trace), and refusal of settings the sampling rate cannot
// support.
#include <veridicor/ecg/filters.h>
#include <veridicor/ecg/synth.h>

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace veridicor::ecg;

namespace {

constexpr double kFs = 500.0;
constexpr double kPi = std::numbers::pi;
// 30 µV: under a third of the smallest division a reader sees (0.1 mV = 1 mm at 10 mm/mV); the residue at the
// very ends is the measurement noise beyond the cut, which no filter can know.
constexpr double kEdgeToleranceMicrovolts = 30.0;

std::vector<float> sine(double f, double seconds, double fs = kFs, double amplitude = 1000.0,
                        double phase = 0.3) {
    std::vector<float> x(static_cast<std::size_t>(seconds * fs));
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = static_cast<float>(amplitude * std::sin(2 * kPi * f * static_cast<double>(i) / fs + phase));
    }
    return x;
}

struct Fit {
    double amplitude;
    double phase;
};

/// Least-squares amplitude and phase of the f-component over [from, to) (an integer number of periods).
Fit fit(const std::vector<float>& x, double f, std::size_t from, std::size_t to, double fs = kFs) {
    double s = 0;
    double c = 0;
    for (std::size_t i = from; i < to; ++i) {
        const double w = 2 * kPi * f * static_cast<double>(i) / fs;
        s += x[i] * std::sin(w);
        c += x[i] * std::cos(w);
    }
    const auto n = static_cast<double>(to - from);
    const double a = 2 * s / n; // coefficient of sin
    const double b = 2 * c / n; // coefficient of cos
    return {std::hypot(a, b), std::atan2(b, a)};
}

/// Gain of `settings` at frequency f, measured on a sine over the middle of a long enough trace.
Fit response(double f, const FilterSettings& settings, double fs = kFs) {
    const double periods = std::max(20.0, 2.0 * f);
    const double seconds = std::max(10.0, 3.0 * periods / f);
    auto x = sine(f, seconds, fs);
    const auto report = applyFilters(x, fs, settings);
    Q_UNUSED(report);
    const auto span = static_cast<std::size_t>(std::round(periods / f * fs));
    const std::size_t from = (x.size() - span) / 2;
    const Fit out = fit(x, f, from, from + span, fs);
    const auto in = sine(f, seconds, fs);
    const Fit ref = fit(in, f, from, from + span, fs);
    return {out.amplitude / ref.amplitude, out.phase - ref.phase};
}

} // namespace

class TestEcgFilters : public QObject {
    Q_OBJECT

private slots:
    void highPassHalfHertz() {
        FilterSettings s;
        s.baselineWander = true;
        const double minus3dB = 1.0 / std::sqrt(2.0);
        QVERIFY2(std::abs(response(0.5, s).amplitude - minus3dB) < 0.01, "−3 dB at the 0.5 Hz corner");
        QVERIFY(response(0.1, s).amplitude < 0.01); // breathing-rate wander: > 40 dB down
        QVERIFY(response(0.05, s).amplitude < 0.001);
        QVERIFY(response(5.0, s).amplitude > 0.999); // the ECG's band is untouched
        QVERIFY(response(40.0, s).amplitude > 0.9999);
    }

    void lowPassFortyAndOneFifty() {
        FilterSettings s;
        s.lowPass = LowPass::Hz40;
        const double minus3dB = 1.0 / std::sqrt(2.0);
        QVERIFY(std::abs(response(40.0, s).amplitude - minus3dB) < 0.01);
        QVERIFY(response(10.0, s).amplitude > 0.999);
        QVERIFY(response(100.0, s).amplitude < 0.005);
        s.lowPass = LowPass::Hz150;
        QVERIFY(std::abs(response(150.0, s).amplitude - minus3dB) < 0.01);
        QVERIFY(response(40.0, s).amplitude > 0.999);
        QVERIFY(response(240.0, s).amplitude < 0.01);
    }

    void mainsNotch() {
        FilterSettings s;
        s.notch = MainsNotch::Hz50;
        QVERIFY(response(50.0, s).amplitude < 0.01); // > 40 dB down at the mains frequency
        QVERIFY(response(45.0, s).amplitude > 0.95);
        QVERIFY(response(55.0, s).amplitude > 0.95);
        QVERIFY(response(10.0, s).amplitude > 0.999);
        QVERIFY(response(60.0, s).amplitude > 0.95);
        s.notch = MainsNotch::Hz60;
        QVERIFY(response(60.0, s).amplitude < 0.01);
        QVERIFY(response(50.0, s).amplitude > 0.95);
    }

    void zeroPhase() {
        FilterSettings all;
        all.baselineWander = true;
        all.notch = MainsNotch::Hz50;
        all.lowPass = LowPass::Hz40;
        for (const double f : {1.0, 5.0, 20.0, 35.0}) {
            const Fit r = response(f, all);
            QVERIFY2(std::abs(std::remainder(r.phase, 2 * kPi)) < 1e-3, qPrintable(QString::number(f)));
        }
        // A QRS-like pulse keeps its peak sample under every filter.
        std::vector<float> pulse(5000, 0.0f);
        const std::size_t peak = 2345;
        for (std::size_t i = 0; i < pulse.size(); ++i) {
            const double t = (static_cast<double>(i) - peak) / kFs;
            pulse[i] = static_cast<float>(1500.0 * std::exp(-t * t / (2 * 0.012 * 0.012)));
        }
        for (const auto& settings : {FilterSettings{true, MainsNotch::Off, LowPass::Off},
                                     FilterSettings{false, MainsNotch::Hz60, LowPass::Off},
                                     FilterSettings{false, MainsNotch::Off, LowPass::Hz40}, all}) {
            auto y = pulse;
            applyFilters(y, kFs, settings);
            const auto at = static_cast<std::size_t>(std::max_element(y.begin(), y.end()) - y.begin());
            QCOMPARE(at, peak);
        }
    }

    void noRingingAtTheEnds() {
        // A 10 s trace: 1 mV at 10 Hz riding on a steep baseline drift (a 2 mV ramp) and an offset. With the
        // high-pass, the result must be the sine alone right up to the first and last sample.
        const std::size_t n = 5000;
        std::vector<float> x(n);
        std::vector<float> expected(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double t = static_cast<double>(i) / kFs;
            expected[i] = static_cast<float>(1000.0 * std::sin(2 * kPi * 10.0 * t));
            x[i] = static_cast<float>(expected[i] + 500.0 + 200.0 * t);
        }
        FilterSettings s;
        s.baselineWander = true;
        s.notch = MainsNotch::Hz50;
        s.lowPass = LowPass::Hz150;
        const auto report = applyFilters(x, kFs, s);
        QCOMPARE(report.applied.size(), std::size_t{3});
        double worst = 0;
        for (std::size_t i = 0; i < n; ++i) {
            worst = std::max(worst, std::abs(static_cast<double>(x[i] - expected[i])));
        }
        QVERIFY2(worst < 10.0, qPrintable(QStringLiteral("worst error %1 µV of 1000").arg(worst))); // < 1 %
        // A constant is removed entirely by the high-pass, ends included.
        std::vector<float> dc(n, 800.0f);
        applyFilters(dc, kFs, FilterSettings{true, MainsNotch::Off, LowPass::Off});
        for (const float v : dc) {
            QVERIFY(std::abs(v) < 0.5f);
        }
    }

    void realisticTraceEndsMatchAnInfinitelyLongTrace() {
        // A 10 s synthetic ECG cut from the middle of a 40 s one and filtered on its own must match the same
        // 10 s of the long trace filtered as a whole (which had real signal beyond both ends): no ringing and
        // no offset a reader could mistake for ST deviation. (a) ECG + measurement noise + mains + a linear
        // baseline drift: matches everywhere, ends included. (b) with random (curved) baseline wander, which
        // no filter can know beyond the cut: matches from 0.5 s
        //     inside the ends, and is bounded at the ends by the wander's own size.
        const auto worstDifference = [](double wander, double rampMicrovoltsPerSecond, double margin) {
            SynthParams p;
            p.durationSeconds = 40;
            p.mainsMicrovolts = 30;
            p.baselineWanderMicrovolts = wander;
            auto s = EcgSynthesizer::create(p);
            const std::size_t n = s->sampleCount();
            std::vector<std::int16_t> all(12 * n);
            s->generate(0, n, all);
            const FilterSettings settings{true, MainsNotch::Hz50, LowPass::Hz40};
            double worst = 0;
            for (const std::size_t from :
                 {std::size_t{7500}, std::size_t{7700}, std::size_t{7900}, std::size_t{8100}}) {
                for (const std::size_t leadIndex : {std::size_t{1}, std::size_t{7}, std::size_t{10}}) {
                    std::vector<float> whole(n);
                    for (std::size_t i = 0; i < n; ++i) {
                        whole[i] =
                            static_cast<float>(all[leadIndex * n + i] * p.microvoltsPerCount + 300.0 +
                                               rampMicrovoltsPerSecond * static_cast<double>(i) / 500.0);
                    }
                    std::vector<float> part(whole.begin() + static_cast<std::ptrdiff_t>(from),
                                            whole.begin() + static_cast<std::ptrdiff_t>(from + 5000));
                    applyFilters(whole, 500.0, settings);
                    applyFilters(part, 500.0, settings);
                    const auto skip = static_cast<std::size_t>(margin * 500.0);
                    for (std::size_t i = skip; i < 5000 - skip; ++i) {
                        worst = std::max(worst, std::abs(static_cast<double>(part[i] - whole[from + i])));
                    }
                }
            }
            return worst;
        };
        const double linear = worstDifference(0.0, 120.0, 0.0);
        QVERIFY2(linear < kEdgeToleranceMicrovolts, qPrintable(QStringLiteral("%1 µV").arg(linear)));
        const double inside = worstDifference(150.0, 0.0, 0.5);
        QVERIFY2(inside < kEdgeToleranceMicrovolts, qPrintable(QStringLiteral("%1 µV").arg(inside)));
        const double atEnds = worstDifference(150.0, 0.0, 0.0);
        qInfo(
            "edge differences: linear drift %.1f µV, wander beyond 0.5 s %.1f µV, wander at the ends %.1f µV",
            linear, inside, atEnds);
        QVERIFY2(atEnds < 150.0, qPrintable(QStringLiteral("%1 µV").arg(atEnds)));
    }

    void settingsTheSamplingRateCannotSupportAreSkipped() {
        // 150 Hz low-pass at 240 Hz sampling (wave_dfl.dcm's rate): skipped with a note, samples untouched.
        auto x = sine(10.0, 10.0, 240.0);
        const auto before = x;
        FilterSettings s;
        s.lowPass = LowPass::Hz150;
        const auto report = applyFilters(x, 240.0, s);
        QVERIFY(report.applied.empty());
        QCOMPARE(report.notes.size(), std::size_t{1});
        QVERIFY2(report.notes[0].find("low-pass 150 Hz skipped") != std::string::npos,
                 report.notes[0].c_str());
        QVERIFY(x == before);
        // 40 Hz is fine at 240 Hz; a 60 Hz notch at 100 Hz is not.
        s.lowPass = LowPass::Hz40;
        QCOMPARE(applyFilters(x, 240.0, s).applied.size(), std::size_t{1});
        auto y = sine(10.0, 10.0, 100.0);
        const auto report2 = applyFilters(y, 100.0, FilterSettings{false, MainsNotch::Hz60, LowPass::Off});
        QVERIFY(report2.applied.empty());
        QVERIFY(!report2.notes.empty());
        // No sampling rate: nothing applied.
        QVERIFY(!applyFilters(y, 0.0, FilterSettings{true, MainsNotch::Off, LowPass::Off}).notes.empty());
    }

    void channelInMicrovolts() {
        Channel ch;
        ch.label = "II";
        ch.units = "mV";
        ch.sensitivity = 0.005;
        ch.unitsToMicrovolts = 1000;
        ch.raw = {0, 100, -40};
        FilterReport report;
        const auto uv = filteredMicrovolts(ch, 500.0, FilterSettings{}, &report);
        QCOMPARE(uv, (std::vector<float>{0.0f, 500.0f, -200.0f}));
        QVERIFY(report.notes.empty());
        ch.calibrated = false;
        ch.unitsToMicrovolts = 0;
        const auto raw = filteredMicrovolts(ch, 500.0, FilterSettings{}, &report);
        QCOMPARE(raw, (std::vector<float>{0.0f, 100.0f, -40.0f}));
        QCOMPARE(report.notes.size(), std::size_t{1});
    }

    void describesForTheHeader() {
        QCOMPARE(describeFilters({}), std::string("none"));
        QCOMPARE(describeFilters({true, MainsNotch::Hz50, LowPass::Hz40}), std::string("0.5\xE2\x80\x93"
                                                                                       "40 Hz, notch 50 Hz"));
        QCOMPARE(describeFilters({true, MainsNotch::Off, LowPass::Off}), std::string("0.5 Hz high-pass"));
        QCOMPARE(describeFilters({false, MainsNotch::Hz60, LowPass::Hz150}),
                 std::string("150 Hz low-pass, notch 60 Hz"));
    }
};

QTEST_GUILESS_MAIN(TestEcgFilters)
#include "tst_ecg_filters.moc"
