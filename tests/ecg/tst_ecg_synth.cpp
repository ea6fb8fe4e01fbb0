// The synthetic 12-lead ECG: heart rate recovered by an independent R-peak detector, Einthoven and Goldberger
// relations, heart-rate variability, noise and baseline wander, determinism per seed and per chunk, the
// median beat, plausible measurements, and the DICOM writer → reader round trip.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/synth.h>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numbers>
#include <numeric>

using namespace veridicor;
using namespace veridicor::ecg;

namespace {

constexpr std::size_t kI = 0, kII = 1, kIII = 2, kAVR = 3, kAVL = 4, kAVF = 5, kV5 = 10;

std::vector<std::int16_t> generateAll(const EcgSynthesizer& s) {
    std::vector<std::int16_t> out(12 * s.sampleCount());
    s.generate(0, s.sampleCount(), out);
    return out;
}

std::vector<double> lead(const std::vector<std::int16_t>& all, std::size_t n, std::size_t l,
                         double uvPerCount) {
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = all[l * n + i] * uvPerCount;
    }
    return x;
}

/// A simple R-peak detector written for this test (derivative energy, 40 ms integration, 40 % threshold,
/// 250 ms refractory period, then the maximum of the trace within ±60 ms). Returns peak sample indices.
std::vector<std::size_t> detectRPeaks(const std::vector<double>& x, double fs) {
    const std::size_t n = x.size();
    std::vector<double> energy(n, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double d = x[i + 1] - x[i - 1];
        energy[i] = d * d;
    }
    const auto w = static_cast<std::size_t>(0.04 * fs);
    std::vector<double> integrated(n, 0.0);
    double acc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        acc += energy[i];
        if (i >= w) {
            acc -= energy[i - w];
        }
        integrated[i] = acc;
    }
    const double threshold = 0.4 * *std::max_element(integrated.begin(), integrated.end());
    const auto refractory = static_cast<std::size_t>(0.25 * fs);
    const auto search = static_cast<std::size_t>(0.06 * fs);
    std::vector<std::size_t> peaks;
    std::size_t i = 0;
    while (i < n) {
        if (integrated[i] > threshold) {
            std::size_t end = i;
            while (end < n && integrated[end] > threshold) {
                ++end;
            }
            const std::size_t from = i > search ? i - search : 0;
            const std::size_t to = std::min(n, end + search);
            std::size_t best = from;
            for (std::size_t k = from; k < to; ++k) {
                if (x[k] > x[best]) {
                    best = k;
                }
            }
            if (peaks.empty() || best > peaks.back() + refractory) {
                peaks.push_back(best);
            }
            i = end + refractory / 2;
        } else {
            ++i;
        }
    }
    return peaks;
}

std::vector<double> rrSeconds(const std::vector<std::size_t>& peaks, double fs) {
    std::vector<double> rr;
    for (std::size_t k = 1; k < peaks.size(); ++k) {
        rr.push_back(static_cast<double>(peaks[k] - peaks[k - 1]) / fs);
    }
    return rr;
}

double mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

double stddev(const std::vector<double>& v) {
    const double m = mean(v);
    double s = 0;
    for (const double x : v) {
        s += (x - m) * (x - m);
    }
    return std::sqrt(s / (v.size() - 1));
}

} // namespace

class TestEcgSynth : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void heartRateRecoveredByAnIndependentDetector_data() {
        QTest::addColumn<double>("bpm");
        QTest::newRow("50") << 50.0;
        QTest::newRow("70") << 70.0;
        QTest::newRow("120") << 120.0;
    }
    void heartRateRecoveredByAnIndependentDetector() {
        QFETCH(double, bpm);
        SynthParams p;
        p.heartRateBpm = bpm;
        p.durationSeconds = 60;
        p.seed = 11;
        auto s = EcgSynthesizer::create(p);
        QVERIFY(s.hasValue());
        const auto all = generateAll(*s);
        const auto v5 = lead(all, s->sampleCount(), kV5, p.microvoltsPerCount);
        const auto peaks = detectRPeaks(v5, p.samplingHz);
        const double measured = 60.0 / mean(rrSeconds(peaks, p.samplingHz));
        QVERIFY2(std::abs(measured - bpm) < 2.0,
                 qPrintable(QStringLiteral("detected %1 /min").arg(measured)));
        // Every model R peak is found, within 20 ms.
        const auto model = s->rPeakSeconds();
        QVERIFY(std::abs(static_cast<double>(peaks.size()) - static_cast<double>(model.size())) <= 1);
        for (const double r : model) {
            const double at = r * p.samplingHz;
            const bool found = std::any_of(peaks.begin(), peaks.end(), [&](std::size_t k) {
                return std::abs(static_cast<double>(k) - at) < 0.02 * p.samplingHz;
            });
            QVERIFY2(found || r < 0.1 || r > p.durationSeconds - 0.1, qPrintable(QString::number(r)));
        }
    }

    void einthovenAndGoldbergerHold() {
        SynthParams p;
        p.mainsMicrovolts = 20;
        auto s = EcgSynthesizer::create(p);
        QVERIFY(s.hasValue());
        const auto all = generateAll(*s);
        const std::size_t n = s->sampleCount();
        for (std::size_t i = 0; i < n; ++i) {
            const int leadI = all[kI * n + i];
            const int leadII = all[kII * n + i];
            QCOMPARE(static_cast<int>(all[kIII * n + i]), leadII - leadI); // III = II − I, exactly
            // aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2, to the nearest count.
            QVERIFY(std::abs(all[kAVR * n + i] + (leadI + leadII) / 2.0) <= 0.5);
            QVERIFY(std::abs(all[kAVL * n + i] - (leadI - leadII / 2.0)) <= 0.5);
            QVERIFY(std::abs(all[kAVF * n + i] - (leadII - leadI / 2.0)) <= 0.5);
            // aVR + aVL + aVF = 0 (Goldberger), within the rounding of three values.
            QVERIFY(std::abs(all[kAVR * n + i] + all[kAVL * n + i] + all[kAVF * n + i]) <= 1);
        }
    }

    void heartRateVariabilityIsPresent() {
        SynthParams p;
        p.durationSeconds = 120;
        p.seed = 5;
        p.rrStdSeconds = 0.04;
        auto varying = EcgSynthesizer::create(p);
        p.rrStdSeconds = 0.0;
        auto steady = EcgSynthesizer::create(p);
        QVERIFY(varying.hasValue() && steady.hasValue());
        const auto rrOf = [&](const EcgSynthesizer& s) {
            const auto all = generateAll(s);
            return rrSeconds(
                detectRPeaks(lead(all, s.sampleCount(), kV5, p.microvoltsPerCount), p.samplingHz),
                p.samplingHz);
        };
        const auto rrVarying = rrOf(*varying);
        const auto rrSteady = rrOf(*steady);
        QVERIFY2(stddev(rrVarying) > 0.02, qPrintable(QString::number(stddev(rrVarying))));
        QVERIFY2(stddev(rrSteady) < 0.004,
                 qPrintable(QString::number(stddev(rrSteady)))); // detector jitter only
        // Its spectrum (a periodogram of RR against beat time) has the Mayer-wave (0.1 Hz) and respiratory
        // (0.25 Hz) peaks, well above the bands between and beyond them.
        const auto peaks = [&] {
            const auto all = generateAll(*varying);
            return detectRPeaks(lead(all, varying->sampleCount(), kV5, p.microvoltsPerCount), p.samplingHz);
        }();
        const double m = mean(rrVarying);
        const auto bandPower = [&](double from, double to) {
            double sum = 0;
            int count = 0;
            for (double f = from; f <= to; f += 0.0025, ++count) {
                double re = 0;
                double im = 0;
                for (std::size_t k = 0; k < rrVarying.size(); ++k) {
                    const double t = static_cast<double>(peaks[k + 1]) / p.samplingHz;
                    re += (rrVarying[k] - m) * std::cos(2 * std::numbers::pi * f * t);
                    im -= (rrVarying[k] - m) * std::sin(2 * std::numbers::pi * f * t);
                }
                sum += re * re + im * im;
            }
            return sum / count;
        };
        const double lf = bandPower(0.085, 0.115);
        const double hf = bandPower(0.235, 0.265);
        const double between = bandPower(0.16, 0.19);
        const double beyond = bandPower(0.33, 0.40);
        QVERIFY2(lf > 5 * between && lf > 5 * beyond,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(lf).arg(between).arg(beyond)));
        QVERIFY2(hf > 5 * between && hf > 5 * beyond,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(hf).arg(between).arg(beyond)));
    }

    void noiseAndBaselineWander() {
        SynthParams p;
        p.durationSeconds = 30;
        auto noisy = EcgSynthesizer::create(p);
        p.noiseMicrovolts = 0;
        p.baselineWanderMicrovolts = 0;
        auto clean = EcgSynthesizer::create(p);
        QVERIFY(noisy.hasValue() && clean.hasValue());
        const std::size_t n = noisy->sampleCount();
        const auto a = lead(generateAll(*noisy), n, 8, 2.5);
        const auto b = lead(generateAll(*clean), n, 8, 2.5);
        std::vector<double> d(n);
        for (std::size_t i = 0; i < n; ++i) {
            d[i] = a[i] - b[i];
        }
        // Split the difference into slow (1 s moving average: wander) and fast (the rest: measurement noise).
        const std::size_t w = 500;
        std::vector<double> slow(n), fast;
        double acc = 0;
        for (std::size_t i = 0; i < n; ++i) {
            acc += d[i];
            if (i >= w) {
                acc -= d[i - w];
            }
            slow[i] = acc / static_cast<double>(std::min(i + 1, w));
            if (i >= w) {
                fast.push_back(d[i - w / 2] - slow[i]);
            }
        }
        const double noise = stddev(fast);
        QVERIFY2(noise > 6.0 && noise < 11.0, qPrintable(QString::number(noise))); // 8 µV plus quantisation
        const auto [lo, hi] = std::minmax_element(slow.begin() + w, slow.end());
        QVERIFY2(*hi - *lo > 40.0, qPrintable(QString::number(*hi - *lo))); // baseline wanders by tens of µV
    }

    void deterministicPerSeedAndChunk() {
        SynthParams p;
        p.seed = 42;
        p.mainsMicrovolts = 10;
        auto a = EcgSynthesizer::create(p);
        auto b = EcgSynthesizer::create(p);
        p.seed = 43;
        auto c = EcgSynthesizer::create(p);
        const auto whole = generateAll(*a);
        QVERIFY(whole == generateAll(*b));
        QVERIFY(whole != generateAll(*c));
        // Any split into chunks gives the same samples.
        const std::size_t n = a->sampleCount();
        for (const std::size_t first : {std::size_t{0}, std::size_t{1234}, std::size_t{3001}}) {
            const std::size_t count = std::min<std::size_t>(777, n - first);
            std::vector<std::int16_t> part(12 * count);
            a->generate(first, count, part);
            for (std::size_t l = 0; l < 12; ++l) {
                for (std::size_t k = 0; k < count; ++k) {
                    QCOMPARE(part[l * count + k], whole[l * n + first + k]);
                }
            }
        }
    }

    void longRecordingsAreGeneratedInChunks() {
        SynthParams p;
        p.durationSeconds = 24 * 3600;
        auto s = EcgSynthesizer::create(p);
        QVERIFY(s.hasValue());
        QCOMPARE(s->sampleCount(), std::size_t{43200000});
        QVERIFY(s->rPeakSeconds().size() > 90000); // ~100 800 beats at 70 /min
        std::vector<std::int16_t> chunk(std::size_t{12} * 5000);
        s->generate(s->sampleCount() - 5000, 5000, chunk); // the last 10 s, without generating the rest
        const auto v5 = lead(chunk, 5000, kV5, p.microvoltsPerCount);
        const auto peaks = detectRPeaks(v5, p.samplingHz);
        QVERIFY(peaks.size() >= 10 && peaks.size() <= 14);
    }

    void measurementsArePlausibleAndConsistent() {
        SynthParams p;
        auto s = EcgSynthesizer::create(p);
        const Measurements& m = s->measurements();
        QVERIFY(std::abs(m.heartRateBpm * m.rrMs - 60000.0) < 1e-6);
        QVERIFY(std::abs(m.qtcMs - m.qtMs / std::sqrt(m.rrMs / 1000.0)) < 1e-9);
        QVERIFY2(m.prMs >= 120 && m.prMs <= 200, qPrintable(QString::number(m.prMs)));
        QVERIFY2(m.qrsMs >= 70 && m.qrsMs <= 110, qPrintable(QString::number(m.qrsMs)));
        QVERIFY2(m.qtcMs >= 350 && m.qtcMs <= 450, qPrintable(QString::number(m.qtcMs)));
        QVERIFY2(m.qrsAxisDeg >= -30 && m.qrsAxisDeg <= 90, qPrintable(QString::number(m.qrsAxisDeg)));
        QVERIFY2(m.pAxisDeg >= 0 && m.pAxisDeg <= 75, qPrintable(QString::number(m.pAxisDeg)));
        QVERIFY2(m.tAxisDeg >= -10 && m.tAxisDeg <= 90, qPrintable(QString::number(m.tAxisDeg)));
        QCOMPARE(m.rhythmStatement, std::string("Sinus rhythm"));
        // QT shortens with the heart rate roughly as √RR (Bazett): QTc stays within 25 ms from 50 to 110
        // /min.
        p.heartRateBpm = 50;
        const double qtc50 = EcgSynthesizer::create(p)->measurements().qtcMs;
        p.heartRateBpm = 110;
        const auto fast = EcgSynthesizer::create(p);
        QVERIFY(std::abs(fast->measurements().qtcMs - qtc50) < 25);
        QCOMPARE(fast->measurements().rhythmStatement, std::string("Sinus tachycardia"));
        QVERIFY(fast->measurements().qtMs < m.qtMs);
    }

    void refusesParametersOutsideTheModel() {
        for (const auto& [hr, duration, fs] :
             {std::tuple{200.0, 10.0, 500.0}, std::tuple{70.0, 0.0, 500.0}, std::tuple{70.0, 10.0, 50.0},
              std::tuple{std::nan(""), 10.0, 500.0}}) {
            SynthParams p;
            p.heartRateBpm = hr;
            p.durationSeconds = duration;
            p.samplingHz = fs;
            auto s = EcgSynthesizer::create(p);
            QVERIFY(!s.hasValue());
            QVERIFY(!s.error().message.empty());
        }
    }

    void recordingHasRhythmMedianAndAnnotations() {
        auto rec = synthesizeRecording(SynthParams{});
        QVERIFY(rec.hasValue());
        QCOMPARE(rec->sopClassUID, std::string(dicom::sop::TwelveLeadEcg));
        QCOMPARE(rec->groups.size(), std::size_t{2});
        const auto* rhythm = rec->rhythm();
        const auto* median = rec->medianBeat();
        QVERIFY(rhythm != nullptr && median != nullptr);
        QCOMPARE(rhythm->samples, std::size_t{5000});
        QCOMPARE(median->samples, std::size_t{600});
        QCOMPARE(median->channels[kII].label, std::string("II"));
        // The median's R peak (V5 maximum) sits 0.5 s into the beat, and Einthoven holds there too.
        const auto& v5 = median->channels[kV5].raw;
        const auto at = std::max_element(v5.begin(), v5.end()) - v5.begin();
        QVERIFY2(std::abs(at - 250) <= 5, qPrintable(QString::number(at)));
        for (std::size_t i = 0; i < median->samples; ++i) {
            QCOMPARE(median->channels[kIII].raw[i],
                     median->channels[kII].raw[i] - median->channels[kI].raw[i]);
        }
        // The median is the average of the beats: its noise is lower than the rhythm's.
        const auto isoelectricStd = [](const std::vector<std::int32_t>& x, std::size_t from, std::size_t to) {
            std::vector<double> d;
            for (std::size_t i = from + 1; i < to; ++i) {
                d.push_back(x[i] - x[i - 1]);
            }
            return stddev(d);
        };
        QVERIFY(isoelectricStd(median->channels[kV5].raw, 0, 100) <
                isoelectricStd(rhythm->channels[kV5].raw, 0, 2000));
        std::vector<std::string> shown;
        for (const auto& a : rec->annotations) {
            shown.push_back(a.displayText());
        }
        const auto has = [&](const char* prefix) {
            return std::any_of(shown.begin(), shown.end(),
                               [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
        };
        for (const char* name :
             {"Sinus rhythm", "Heart rate: ", "RR interval: ", "P-R interval: ", "QRS duration: ",
              "Q-T interval: ", "Q-T interval corrected: ", "P wave axis: ", "QRS axis: ", "T wave axis: "}) {
            QVERIFY2(has(name), name);
        }
    }

    void writerReaderRoundTrip() {
        auto rec = synthesizeRecording(SynthParams{});
        QVERIFY(rec.hasValue());
        rec->patient = {"Doe^Jane", "VRD-0001", "19620314", "F", "062Y"};
        rec->acquisition.dateTime = "20250312093015";
        rec->acquisition.institution = "Veridicor Test Clinic";
        rec->studyDescription = "Resting 12-lead ECG";
        rec->seriesDescription = "Synthetic";
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("ecg.dcm")).toStdString();
        auto written = writeDicomEcg(*rec, path);
        QVERIFY2(written.hasValue(), written ? "" : written.error().message.c_str());
        auto back = readEcg(path);
        QVERIFY2(back.hasValue(), back ? "" : back.error().message.c_str());
        QCOMPARE(back->sopClassUID, std::string(dicom::sop::TwelveLeadEcg));
        QCOMPARE(back->transferSyntaxUID, std::string("1.2.840.10008.1.2.1"));
        QVERIFY(back->sopInstanceUID.rfind("2.25.", 0) == 0);
        QCOMPARE(back->patient.name, rec->patient.name);
        QCOMPARE(back->patient.birthDate, rec->patient.birthDate);
        QCOMPARE(back->patient.sex, rec->patient.sex);
        QCOMPARE(back->patient.age, rec->patient.age);
        QCOMPARE(back->acquisition.dateTime, rec->acquisition.dateTime);
        QCOMPARE(back->acquisition.manufacturer, std::string("Veridicor demo"));
        QCOMPARE(back->acquisition.institution, rec->acquisition.institution);
        QCOMPARE(back->studyDescription, rec->studyDescription);
        QCOMPARE(back->seriesDescription, rec->seriesDescription);
        QCOMPARE(back->groups.size(), rec->groups.size());
        for (std::size_t g = 0; g < rec->groups.size(); ++g) {
            const auto& a = rec->groups[g];
            const auto& b = back->groups[g];
            QCOMPARE(b.label, a.label);
            QCOMPARE(b.originality, a.originality);
            QCOMPARE(b.samplingHz, a.samplingHz);
            QCOMPARE(b.samples, a.samples);
            QCOMPARE(b.sampleInterpretation, std::string("SS"));
            QCOMPARE(b.channels.size(), std::size_t{12});
            for (std::size_t c = 0; c < 12; ++c) {
                QCOMPARE(b.channels[c].label, a.channels[c].label);
                QCOMPARE(b.channels[c].channelLabel, a.channels[c].channelLabel);
                QCOMPARE(b.channels[c].sourceCodingScheme, std::string("SCPECG"));
                QCOMPARE(b.channels[c].sourceCodeValue, a.channels[c].sourceCodeValue);
                QCOMPARE(b.channels[c].units, std::string("uV"));
                QCOMPARE(b.channels[c].sensitivity, 2.5);
                QCOMPARE(b.channels[c].correction, 1.0);
                QCOMPARE(b.channels[c].unitsToMicrovolts, 1.0);
                QCOMPARE(*b.channels[c].filters.lowFrequencyHz, 0.05);
                QCOMPARE(*b.channels[c].filters.highFrequencyHz, 150.0);
                QVERIFY(b.channels[c].raw == a.channels[c].raw);
            }
        }
        QCOMPARE(back->annotations.size(), rec->annotations.size());
        for (std::size_t k = 0; k < rec->annotations.size(); ++k) {
            const auto& a = rec->annotations[k];
            const auto& b = back->annotations[k];
            QCOMPARE(b.displayText(), a.displayText());
            QCOMPARE(b.group, a.group);
            QCOMPARE(b.samplePositions, a.samplePositions);
            QCOMPARE(b.temporalRangeType, a.temporalRangeType);
        }
        QVERIFY2(back->warnings.empty(), back->warnings.empty() ? "" : back->warnings[0].c_str());

        // DCMTK's own dump: Waveform Data is OW, and the first interleaved words are lead I, II, … of sample
        // 0.
        const QString dcmdump = QStandardPaths::findExecutable(QStringLiteral("dcmdump"));
        if (dcmdump.isEmpty()) {
            QSKIP("dcmdump (Debian package dcmtk) is not installed");
        }
        QProcess p;
        p.start(dcmdump, {QStringLiteral("+L"), QStringLiteral("+P"), QStringLiteral("5400,1010"),
                          QString::fromStdString(path)});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromLatin1(p.readAllStandardOutput());
        QVERIFY2(out.startsWith(QStringLiteral("(5400,1010) OW ")), qPrintable(out.left(80)));
        const QStringList words = out.mid(15).section(QLatin1Char(' '), 0, 0).split(QLatin1Char('\\'));
        QCOMPARE(words.size(), 12 * 5000); // the rhythm group, the first of the two Waveform Data elements
        for (int c = 0; c < 12; ++c) {
            QCOMPARE(static_cast<int>(static_cast<std::int16_t>(words[c].toUShort(nullptr, 16))),
                     rec->groups[0].channels[static_cast<std::size_t>(c)].raw[0]);
        }
    }
};

QTEST_GUILESS_MAIN(TestEcgSynth)
#include "tst_ecg_synth.moc"
