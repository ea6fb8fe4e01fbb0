// The reader's ECG measurements (core, no display): labelled calipers, the heart rate from an RR caliper
// only, QTc by Bazett, Fridericia, Framingham and Hodges against values computed by hand, ST levels at J and
// J+60 ms against a trace built sample by sample, and snapping onto the R peak / QRS onset sample of a
// synthetic ECG.
#include <veridicor/ecg/calipers.h>
#include <veridicor/ecg/measurements.h>
#include <veridicor/ecg/synth.h>

#include <QtTest>

#include <array>
#include <cmath>

using namespace veridicor::ecg;

namespace {

/// A one-lead group at `fs` whose samples are `mv(i)` millivolts, stored as µV integers (sensitivity 1 µV).
template <class F> WaveformGroup makeGroup(double fs, std::size_t n, F mv, const std::string& label = "II") {
    WaveformGroup g;
    g.label = "RHYTHM";
    g.samplingHz = fs;
    g.samples = n;
    Channel ch;
    ch.label = label;
    ch.units = "uV";
    ch.sensitivity = 1.0;
    ch.unitsToMicrovolts = 1.0;
    ch.raw.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        ch.raw[i] = static_cast<std::int32_t>(std::lround(mv(i) * 1000.0));
    }
    g.channels.push_back(std::move(ch));
    return g;
}

Caliper caliper(CaliperKind kind, double start, double end, std::size_t channel = 1,
                const std::string& lead = "II") {
    Caliper c;
    c.kind = kind;
    c.channel = channel;
    c.lead = lead;
    c.startSeconds = start;
    c.endSeconds = end;
    return c;
}

const Measurement* findMeasurement(const std::vector<Measurement>& all, const std::string& name,
                                   const std::string& method = {}, const std::string& lead = {}) {
    for (const Measurement& m : all) {
        if (m.name == name && (method.empty() || m.method == method) && (lead.empty() || m.lead == lead)) {
            return &m;
        }
    }
    return nullptr;
}

} // namespace

class TstEcgMeasurements : public QObject {
    Q_OBJECT
private slots:
    void qtcFormulasMatchHandComputedValues() {
        // QT 400 ms, RR 800 ms (HR 75 /min):
        //   Bazett      400 / √0.8          = 400 / 0.894427 = 447.214
        //   Fridericia  400 / ∛0.8          = 400 / 0.928318 = 430.887
        //   Framingham  400 + 154 × (1 − 0.8) = 400 + 30.8   = 430.8
        //   Hodges      400 + 1.75 × (75 − 60) = 400 + 26.25 = 426.25
        QVERIFY(std::abs(qtcBazett(400, 800) - 447.214) < 0.001);
        QVERIFY(std::abs(qtcFridericia(400, 800) - 430.887) < 0.001);
        QVERIFY(std::abs(qtcFramingham(400, 800) - 430.8) < 1e-9);
        QVERIFY(std::abs(qtcHodges(400, 800) - 426.25) < 1e-9);
        // QT 360 ms, RR 1200 ms (HR 50 /min): the corrections go the other way.
        //   Bazett      360 / √1.2  = 360 / 1.095445 = 328.634
        //   Fridericia  360 / ∛1.2  = 360 / 1.062659 = 338.773
        //   Framingham  360 + 154 × (1 − 1.2) = 360 − 30.8 = 329.2
        //   Hodges      360 + 1.75 × (50 − 60) = 360 − 17.5 = 342.5
        QVERIFY(std::abs(qtcBazett(360, 1200) - 328.634) < 0.001);
        QVERIFY(std::abs(qtcFridericia(360, 1200) - 338.773) < 0.001);
        QVERIFY(std::abs(qtcFramingham(360, 1200) - 329.2) < 1e-9);
        QVERIFY(std::abs(qtcHodges(360, 1200) - 342.5) < 1e-9);
    }

    void qtcFromCalipersNamesItsFormulaAndRr() {
        CaliperSet set;
        const int qt = set.add(caliper(CaliperKind::QT, 2.100, 2.500)); // 400 ms
        auto all = deriveMeasurements(set, nullptr);
        // No RR caliper: no QTc value, and the reader is told what to do; no heart rate at all.
        const Measurement* bazett = findMeasurement(all, "QTc", "Bazett");
        QVERIFY(bazett != nullptr);
        QVERIFY(!bazett->value.has_value());
        QCOMPARE(bazett->basis, std::string("place an RR caliper"));
        QVERIFY(findMeasurement(all, "Heart rate") == nullptr);
        QCOMPARE(describeMeasurement(*bazett), std::string("II QTc (Bazett): place an RR caliper"));

        // An RR of 800 ms on another lead far away, then one on the same lead: the same lead wins.
        set.add(caliper(CaliperKind::RR, 7.0, 7.9, 0, "I")); // 900 ms
        set.add(caliper(CaliperKind::RR, 1.0, 1.8));         // 800 ms, lead II
        all = deriveMeasurements(set, nullptr);
        struct Case {
            const char* method;
            double expected;
        };
        const std::array<Case, 4> cases{
            {{"Bazett", 447.214}, {"Fridericia", 430.887}, {"Framingham", 430.8}, {"Hodges", 426.25}}};
        for (const auto& c : cases) {
            const Measurement* m = findMeasurement(all, "QTc", c.method);
            QVERIFY2(m != nullptr && m->value, c.method);
            QVERIFY2(std::abs(*m->value - c.expected) < 0.001, qPrintable(QString::number(*m->value)));
            QCOMPARE(m->unitUcum, std::string("ms"));
            QCOMPARE(m->lead, std::string("II"));
            QCOMPARE(m->caliperId, qt);
            QCOMPARE(m->basis, std::string("RR 800 ms, II"));
        }
        QCOMPARE(formatMeasurementValue(*findMeasurement(all, "QTc", "Bazett")), std::string("447"));
        QCOMPARE(describeMeasurement(*findMeasurement(all, "QTc", "Hodges")),
                 std::string("II QTc 426 ms (Hodges)"));
        // Without the same-lead RR, the other lead's (900 ms) is used: Bazett 400 / √0.9 = 421.637.
        QVERIFY(set.remove(3));
        all = deriveMeasurements(set, nullptr);
        QVERIFY(std::abs(*findMeasurement(all, "QTc", "Bazett")->value - 421.637) < 0.001);
        QCOMPARE(findMeasurement(all, "QTc", "Bazett")->basis, std::string("RR 900 ms, I"));
    }

    void onlyAnRrGivesARate() {
        CaliperSet set;
        set.add(caliper(CaliperKind::QT, 1.0, 1.3594)); // 359.4 ms: 166.9 "bpm" if it were an RR
        set.add(caliper(CaliperKind::PR, 3.0, 3.16));
        set.add(caliper(CaliperKind::QRS, 3.16, 3.25));
        set.add(caliper(CaliperKind::Free, 4.0, 4.5));
        auto all = deriveMeasurements(set, nullptr);
        QVERIFY(findMeasurement(all, "Heart rate") == nullptr);
        QCOMPARE(*findMeasurement(all, "PR interval")->value, (3.16 - 3.0) * 1000.0);
        QCOMPARE(*findMeasurement(all, "QRS duration")->value, (3.25 - 3.16) * 1000.0);
        QCOMPARE(*findMeasurement(all, "Time interval")->value, 500.0);
        // The paper's caliper text: a rate only for an RR caliper.
        const CaliperReading qt = measureCalipers({1.0, 0.0}, {1.3594, 0.0}, CaliperKind::QT);
        QVERIFY(!qt.rateBpm.has_value());
        QVERIFY(!QString::fromStdString(formatCaliperReading(qt)).contains(QStringLiteral("bpm")));
        const CaliperReading rr = measureCalipers({1.0, 0.0}, {1.8, 0.0}, CaliperKind::RR);
        QCOMPARE(qRound(*rr.rateBpm * 1000), 75000); // 60000 / 800
        // RR 800 ms → 75 /min, RR 1250 ms → 48 /min.
        set.clear();
        set.add(caliper(CaliperKind::RR, 1.0, 1.8));
        set.add(caliper(CaliperKind::RR, 5.0, 6.25));
        all = deriveMeasurements(set, nullptr);
        QCOMPARE(all.size(), std::size_t(4));
        QCOMPARE(all[0].name, std::string("RR interval"));
        QVERIFY(std::abs(*all[0].value - 800.0) < 1e-9);
        QCOMPARE(all[1].name, std::string("Heart rate"));
        QCOMPARE(all[1].unitUcum, std::string("/min"));
        QVERIFY(std::abs(*all[1].value - 75.0) < 1e-9);
        QVERIFY(std::abs(*all[3].value - 48.0) < 1e-9);
        QCOMPARE(all[3].startSeconds, 5.0);
        QCOMPARE(all[3].endSeconds, 6.25);
    }

    void caliperSetAddsMovesAndRemoves() {
        CaliperSet set;
        const int a = set.add(caliper(CaliperKind::RR, 2.0, 1.0)); // ends given backwards: ordered
        const int b = set.add(caliper(CaliperKind::QT, 3.0, 3.4));
        QVERIFY(a != b);
        QCOMPARE(set.find(a)->startSeconds, 1.0);
        QCOMPARE(set.find(a)->endSeconds, 2.0);
        QVERIFY(set.move(b, 3.5, 3.1));
        QCOMPARE(set.find(b)->startSeconds, 3.1);
        QCOMPARE(set.find(b)->endSeconds, 3.5);
        QVERIFY(set.remove(a));
        QVERIFY(!set.remove(a));
        QVERIFY(!set.move(a, 0, 1));
        QCOMPARE(set.list().size(), std::size_t(1));
        QCOMPARE(set.list()[0].id, b);
        QCOMPARE(caliperKindLabel(CaliperKind::QRS), std::string_view("QRS"));
    }

    void stLevelsAtJAndJ60AgainstTheBaseline() {
        // 500 Hz, 2 s. Samples: 0.10 mV everywhere (the PR-segment baseline: the mean of samples 490–499, the
        // 20 ms before onset, is 0.10 mV), a QRS from sample 500 (1.000 s) to 549 at 1.5 mV, the ST segment
        // at 0.30 mV for samples 550–574 and 0.25 mV for 575–699.
        //   J      = 1.100 s = sample 550: 0.30 − 0.10 = +0.20 mV
        //   J + 60 = 1.160 s = sample 580: 0.25 − 0.10 = +0.15 mV
        const WaveformGroup g = makeGroup(500.0, 1000, [](std::size_t i) {
            if (i >= 500 && i < 550) {
                return 1.5;
            }
            if (i >= 550 && i < 575) {
                return 0.30;
            }
            if (i >= 575 && i < 700) {
                return 0.25;
            }
            return 0.10;
        });
        CaliperSet set;
        set.add(caliper(CaliperKind::QRS, 1.000, 1.100, 0, "II"));
        const auto all = deriveMeasurements(set, &g);
        const Measurement* j = findMeasurement(all, "ST level at J", {}, "II");
        const Measurement* j60 = findMeasurement(all, "ST level at J+60 ms", {}, "II");
        QVERIFY(j != nullptr && j->value && j60 != nullptr && j60->value);
        QVERIFY2(std::abs(*j->value - 0.20) < 1e-9, qPrintable(QString::number(*j->value)));
        QVERIFY2(std::abs(*j60->value - 0.15) < 1e-9, qPrintable(QString::number(*j60->value)));
        QCOMPARE(j->unitUcum, std::string("mV"));
        QCOMPARE(j->endSeconds, 1.100);
        QVERIFY(std::abs(j60->endSeconds - 1.160) < 1e-12);
        QCOMPARE(formatMeasurementValue(*j), std::string("+0.20"));
        QCOMPARE(formatMeasurementValue(*j60), std::string("+0.15"));
        // Depression is signed: the same trace upside down.
        const WaveformGroup inv =
            makeGroup(500.0, 1000, [&](std::size_t i) { return -g.channels[0].raw[i] / 1000.0; });
        const auto invAll = deriveMeasurements(set, &inv);
        QCOMPARE(formatMeasurementValue(*findMeasurement(invAll, "ST level at J")), std::string("-0.20"));
    }

    void stLevelsForEveryLeadOfASyntheticEcg() {
        SynthParams p;
        p.noiseMicrovolts = 0;
        p.baselineWanderMicrovolts = 0;
        p.rrStdSeconds = 0;
        auto rec = synthesizeRecording(p);
        QVERIFY(rec.hasValue());
        const WaveformGroup& g = *rec->rhythm();
        auto synth = EcgSynthesizer::create(p);
        const Measurements& fid = synth->measurements();
        const double r = synth->rPeakSeconds().at(3);
        CaliperSet set;
        set.add(caliper(CaliperKind::QRS, r + fid.qrsOnsetSeconds, r + fid.qrsOffsetSeconds));
        const auto all = deriveMeasurements(set, &g);
        // QRS duration plus J and J+60 for each of the 12 leads.
        QCOMPARE(all.size(), std::size_t(1 + 2 * 12));
        // A normal beat: every lead has a value, and no J point is raised or depressed by 0.2 mV or more (the
        // AHA/ACCF/HRS 2009 threshold for ST elevation, the most lenient one: V2–V3 in men ≥ 40 y). J+60 may
        // sit on the T wave's upstroke in V1–V3, so it is only required to exist.
        for (const Measurement& m : all) {
            if (m.name.starts_with("ST level")) {
                QVERIFY2(m.value.has_value(), m.lead.c_str());
            }
            if (m.name == "ST level at J") {
                QVERIFY2(std::abs(*m.value) < 0.2,
                         qPrintable(QString::fromStdString(m.lead + " ") + QString::number(*m.value)));
            }
        }
        // Einthoven: III = II − I sample by sample, and the baseline is a mean, so the ST levels obey it too
        // (within the rounding of III's stored integers: 2.5 µV).
        for (const char* name : {"ST level at J", "ST level at J+60 ms"}) {
            const double st1 = *findMeasurement(all, name, {}, "I")->value;
            const double st2 = *findMeasurement(all, name, {}, "II")->value;
            const double st3 = *findMeasurement(all, name, {}, "III")->value;
            QVERIFY2(std::abs(st3 - (st2 - st1)) < 0.003, name);
        }
    }

    void snappingLandsOnTheRPeakSampleOfASyntheticEcg() {
        SynthParams p;
        p.noiseMicrovolts = 0;
        p.baselineWanderMicrovolts = 0;
        p.rrStdSeconds = 0;
        auto rec = synthesizeRecording(p);
        QVERIFY(rec.hasValue());
        const WaveformGroup& g = *rec->rhythm();
        QCOMPARE(g.channels[1].label, std::string("II"));
        auto synth = EcgSynthesizer::create(p);
        const auto peaks = synth->rPeakSeconds();
        QVERIFY(peaks.size() > 5);
        const double fs = g.samplingHz;
        for (std::size_t beat = 1; beat + 1 < peaks.size(); ++beat) {
            // The R peak sample, found here independently: the highest sample of lead II within ±10 ms of
            // the model's R time (θ = 0).
            const auto model = static_cast<std::size_t>(std::lround(peaks[beat] * fs));
            std::size_t peak = model - 5;
            for (std::size_t i = model - 5; i <= model + 5; ++i) {
                if (g.channels[1].raw[i] > g.channels[1].raw[peak]) {
                    peak = i;
                }
            }
            const double peakSeconds = static_cast<double>(peak) / fs;
            for (const double offset : {-0.035, -0.012, 0.0, 0.020, 0.039}) {
                const auto snapped = snapTime(g, 1, peakSeconds + offset, SnapTarget::RPeak);
                QVERIFY2(snapped.has_value(),
                         qPrintable(QStringLiteral("beat %1 offset %2").arg(beat).arg(offset)));
                QCOMPARE(*snapped, peakSeconds); // exactly the sample's time
            }
            // In the middle of the diastole (the T wave has ended, the P wave not begun) there is no R peak.
            QVERIFY(!snapTime(g, 1, peakSeconds - 0.35 * (peaks[beat] - peaks[beat - 1]) - 0.1,
                              SnapTarget::RPeak));
        }
        // QRS onset: within ±40 ms of the model's onset, the snapped time is a sample and lies within 12 ms
        // of the model's onset (the 2 % |VCG| threshold the model uses is not the slope rule, but both mark
        // where the QRS leaves the baseline).
        const double onset = peaks[3] + synth->measurements().qrsOnsetSeconds;
        const auto snapped = snapTime(g, 1, onset + 0.02, SnapTarget::QrsOnset);
        QVERIFY(snapped.has_value());
        QVERIFY2(std::abs(*snapped - onset) < 0.012, qPrintable(QString::number(*snapped - onset)));
        QCOMPARE(std::round(*snapped * fs) / fs, *snapped);
    }

    void snappingOnAHandBuiltPeak() {
        // A triangle 1.2 mV high peaking at sample 1234 (2.468 s at 500 Hz) on a flat line.
        const WaveformGroup g = makeGroup(500.0, 3000, [](std::size_t i) {
            const double d = std::abs(static_cast<double>(i) - 1234.0);
            return d < 15 ? 1.2 * (1.0 - d / 15.0) : 0.0;
        });
        for (const double offset : {0.030, -0.039, 0.039}) {
            const auto snapped = snapTime(g, 0, 2.468 + offset, SnapTarget::RPeak);
            QVERIFY(snapped.has_value());
            QCOMPARE(*snapped, 1234.0 / 500.0);
        }
        QVERIFY(!snapTime(g, 0, 2.468 + 0.080, SnapTarget::RPeak)); // 80 ms away: outside ±40 ms
        QVERIFY(!snapTime(g, 0, 4.0, SnapTarget::RPeak));           // flat line
        QVERIFY(!snapTime(g, 5, 2.468, SnapTarget::RPeak));         // no such channel
        // Snap targets per caliper kind.
        QCOMPARE(snapTargetFor(CaliperKind::RR, true), SnapTarget::RPeak);
        QCOMPARE(snapTargetFor(CaliperKind::QT, true), SnapTarget::QrsOnset);
        QCOMPARE(snapTargetFor(CaliperKind::QT, false), SnapTarget::None);
        QCOMPARE(snapTargetFor(CaliperKind::PR, false), SnapTarget::QrsOnset);
    }

    void freeCaliperGivesTimeAndVoltage() {
        const WaveformGroup g = makeGroup(500.0, 1000, [](std::size_t i) { return i < 500 ? 0.0 : 1.25; });
        CaliperSet set;
        set.add(caliper(CaliperKind::Free, 0.5, 1.3, 0, "V2"));
        const auto all = deriveMeasurements(set, &g);
        QCOMPARE(all.size(), std::size_t(2));
        QVERIFY(std::abs(*all[0].value - 800.0) < 1e-9);
        QCOMPARE(all[1].name, std::string("Amplitude difference"));
        QVERIFY(std::abs(*all[1].value - 1.25) < 1e-9);
        QCOMPARE(all[1].lead, std::string("V2"));
        QCOMPARE(caliperCaption(set.list()[0], all), std::string("Δt 800 ms ΔV +1.25 mV"));
    }

    void captionsNameTheCaliperAndItsValues() {
        CaliperSet set;
        set.add(caliper(CaliperKind::QT, 2.1, 2.5));
        auto all = deriveMeasurements(set, nullptr);
        QCOMPARE(caliperCaption(set.list()[0], all), std::string("QT 400 ms · QTc: place an RR caliper"));
        set.add(caliper(CaliperKind::RR, 1.0, 1.8));
        all = deriveMeasurements(set, nullptr);
        QCOMPARE(caliperCaption(set.list()[0], all), std::string("QT 400 ms · QTc 447 ms (Bazett)"));
        QCOMPARE(caliperCaption(set.list()[1], all), std::string("RR 800 ms · 75 /min"));
    }
};

QTEST_GUILESS_MAIN(TstEcgMeasurements)
#include "tst_ecg_measurements.moc"
