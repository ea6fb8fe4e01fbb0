// The model monitor (review/monitor.h) on seeded simulated models: the alert fires when the AI's positive
// rate for one category doubles after 300 readings, and rarely on a stable model — its false-alarm rate over
// many seeded runs is printed and bounded.
#include <veridicor/review/monitor.h>
#include <veridicor/review/review_monitor.h>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

using namespace veridicor::review;

namespace {

/// A uniform number in [0, 1) from the standard's mt19937_64 (its output sequence is fixed by the standard;
/// the library's distributions are not), so the runs are the same everywhere.
class Uniform {
public:
    explicit Uniform(std::uint64_t seed) : engine_(seed) {}
    double operator()() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    bool bernoulli(double p) { return (*this)() < p; }

private:
    std::mt19937_64 engine_;
};

/// A category as the simulation draws it: the clinician's prevalence, the AI's sensitivity and false
/// positive rate against the clinician; the AI's positive rate is prev·sens + (1 − prev)·fpr.
struct Behaviour {
    double prevalence = 0.10;
    double sensitivity = 0.85;
    double falsePositiveRate = 0.05; // positive rate 0.1·0.85 + 0.9·0.05 = 0.13
};

constexpr int kReadings = 1500;
constexpr int kChangeAt = 300;
constexpr int kRuns = 400;

struct RunResult {
    int firstAlarmA = -1;          ///< reading of the first PositiveRateUp alert on category A; −1: none
    bool alarmOnStable = false;    ///< any alert on a category whose behaviour did not change
    bool anyAlarmA = false;
    std::vector<Alert> alertsA;
};

/// One simulated model with two categories, A (ischaemia) and B (rhythm). With `drift`, A's AI positive
/// rate doubles (0.13 → 0.26: the false positive rate rises to (0.26 − 0.085)/0.9) from reading kChangeAt.
RunResult simulate(std::uint64_t seed, bool drift) {
    Uniform u(seed);
    ModelMonitor monitor;
    RunResult result;
    const Behaviour stable;
    Behaviour changed;
    changed.falsePositiveRate = (0.26 - 0.10 * 0.85) / 0.90;
    for (int i = 0; i < kReadings; ++i) {
        for (Category c : {Category::EcgIschaemia, Category::EcgRhythm}) {
            const bool shifted = drift && c == Category::EcgIschaemia && i >= kChangeAt;
            const Behaviour& b = shifted ? changed : stable;
            const bool clinician = u.bernoulli(b.prevalence);
            const bool ai = u.bernoulli(clinician ? b.sensitivity : b.falsePositiveRate);
            for (const Alert& a : monitor.add("ecg-stemi", "1.0", c, ai, clinician)) {
                const bool onChanged = drift && c == Category::EcgIschaemia && i >= kChangeAt;
                if (!onChanged) {
                    result.alarmOnStable = true;
                }
                if (c == Category::EcgIschaemia) {
                    result.anyAlarmA = true;
                    result.alertsA.push_back(a);
                    if (a.figure == MonitorFigure::PositiveRateUp && result.firstAlarmA < 0 && onChanged) {
                        result.firstAlarmA = i;
                    }
                }
            }
        }
    }
    return result;
}

} // namespace

class TstReviewMonitor : public QObject {
    Q_OBJECT

private slots:
    void threshold() {
        const MonitorSettings s;
        QCOMPARE(s.window, std::size_t{200});
        // h = ln(horizon/alpha) = ln(1000/0.01) = ln(1e5) = 11.5129…
        QVERIFY(std::abs(s.threshold() - std::log(1e5)) < 1e-12);
    }

    void baselineAndWindow() {
        ModelMonitor m;
        QVERIFY(!m.current("m", "1", Category::EcgAxis, MonitorFigure::PositiveRateUp).has_value());
        // 200 readings, every fourth one AI positive and clinician positive: positive rate 0.25, PPA 1.
        for (int i = 0; i < 200; ++i) {
            QVERIFY(m.add("m", "1", Category::EcgAxis, i % 4 == 0, i % 4 == 0).empty());
        }
        QCOMPARE(*m.baseline("m", "1", Category::EcgAxis, MonitorFigure::PositiveRateUp), 0.25);
        QCOMPARE(*m.current("m", "1", Category::EcgAxis, MonitorFigure::PositiveRateUp), 0.25);
        // PPA's and NPA's baselines are their own first 200 observations: 50 and 150 so far, not full.
        QVERIFY(!m.baseline("m", "1", Category::EcgAxis, MonitorFigure::PpaDown).has_value());
        QVERIFY(!m.baseline("m", "1", Category::EcgAxis, MonitorFigure::NpaDown).has_value());
        QCOMPARE(*m.current("m", "1", Category::EcgAxis, MonitorFigure::PpaDown), 1.0);
        QCOMPARE(*m.current("m", "1", Category::EcgAxis, MonitorFigure::NpaDown), 1.0);
        // Another version is another stream.
        QVERIFY(!m.baseline("m", "2", Category::EcgAxis, MonitorFigure::PositiveRateUp).has_value());
        // 100 readings all negative: the rolling window (last 200) holds 25 + 0 positives of 200.
        for (int i = 0; i < 100; ++i) {
            m.add("m", "1", Category::EcgAxis, false, false);
        }
        QCOMPARE(*m.current("m", "1", Category::EcgAxis, MonitorFigure::PositiveRateUp), 25.0 / 200);
        QCOMPARE(*m.baseline("m", "1", Category::EcgAxis, MonitorFigure::PositiveRateUp), 0.25);
    }

    // Each figure's CUSUM on a deterministic stream. PPA: 200 clinician positives all found by the AI
    // (baseline PPA 1: miss rate 0, kept at 0.5/200 = 0.0025, guard 1.5·sqrt(0.0025·0.9975/200) = 0.0053, so
    // p0 = 0.0078, p1 = 2p0/(1 + p0) = 0.0155), then the AI misses every one: each miss adds
    // ln(p1/p0) = ln(1.985) = 0.685, so S ≥ h = 11.51 at the 17th miss (16·0.685 = 10.97, 17·0.685 = 11.65).
    void eachFigureAlerts() {
        ModelMonitor m;
        for (int i = 0; i < 200; ++i) {
            QVERIFY(m.add("m", "1", Category::EcgConduction, true, true).empty());
        }
        std::vector<Alert> got;
        int misses = 0;
        while (got.empty() && misses < 100) {
            got = m.add("m", "1", Category::EcgConduction, false, true);
            ++misses;
        }
        // The AI's positive rate (baseline 1) falls with the same p0 and p1 for its negatives: that CUSUM
        // alerts on the same reading, first.
        QCOMPARE(misses, 17);
        QCOMPARE(got.size(), std::size_t{2});
        QCOMPARE(got[0].figure, MonitorFigure::PositiveRateDown);
        QCOMPARE(got[1].figure, MonitorFigure::PpaDown);
        QCOMPARE(got[1].baseline, 1.0);
        QCOMPARE(got[1].current, 183.0 / 200);
        QCOMPARE(got[1].reading, std::uint64_t{217});

        // NPA: 200 clinician negatives, the AI negative on each; then AI positive on each: same arithmetic for
        // the false positive rate, the NPA alert at the 17th false positive. The positive rate (baseline 0)
        // rises too, with the same p0 and p1: it alerts on the same reading.
        ModelMonitor n;
        for (int i = 0; i < 200; ++i) {
            QVERIFY(n.add("m", "1", Category::EcgAxis, false, false).empty());
        }
        got.clear();
        int fps = 0;
        while (got.empty() && fps < 100) {
            got = n.add("m", "1", Category::EcgAxis, true, false);
            ++fps;
        }
        QCOMPARE(fps, 17);
        QCOMPARE(got.size(), std::size_t{2});
        QCOMPARE(got[0].figure, MonitorFigure::PositiveRateUp);
        QCOMPARE(got[1].figure, MonitorFigure::NpaDown);
        QCOMPARE(got[1].baseline, 1.0);
        QCOMPARE(got[1].current, 183.0 / 200);
    }

    // monitorReviewSet: the studies in signing order whatever order they come in, the clinician's side as the
    // statistics count it (an adjudicated label in its place). The stream of eachFigureAlerts' NPA part: 200
    // readings negative on both sides, then the AI positive against a negative clinician: the positive rate
    // and NPA CUSUMs alert at the 17th (reading 217).
    void reviewSetInSigningOrder() {
        ReviewSet set;
        for (int i = 0; i < 240; ++i) {
            ReviewedStudy s;
            s.studyUid = "1.2." + std::to_string(i);
            s.modelName = "m";
            s.modelVersion = "1";
            s.readingUid = "2.25." + std::to_string(i);
            s.readingTime = 1767225600 + static_cast<std::int64_t>(i) * 60;
            Row r;
            r.category = Category::EcgAxis;
            r.aiPositive = i >= 200;
            r.clinicianPositive = false;
            r.state = r.aiPositive ? RowState::AiOnly : RowState::Agree;
            s.sideBySide.rows.push_back(r);
            set.studies.push_back(s);
        }
        std::reverse(set.studies.begin(), set.studies.end());
        std::swap(set.studies[3], set.studies[150]);
        const std::vector<Alert> alerts = monitorReviewSet(set);
        QVERIFY(alerts.size() >= 2);
        QCOMPARE(alerts[0].figure, MonitorFigure::PositiveRateUp);
        QCOMPARE(alerts[0].reading, std::uint64_t{217});
        QCOMPARE(alerts[1].figure, MonitorFigure::NpaDown);
        QCOMPARE(alerts[1].reading, std::uint64_t{217});
        // Adjudicated positive from reading 200 on: those readings are no longer clinician negatives, so NPA
        // does not move (and PPA's baseline never fills); the positive rate still rises.
        for (ReviewedStudy& s : set.studies) {
            if (s.sideBySide.rows.front().aiPositive) {
                s.adjudicated.push_back(AdjudicatedLabel{Category::EcgAxis, true, "adjudicated"});
            }
        }
        const std::vector<Alert> adjudicated = monitorReviewSet(set);
        QVERIFY(!adjudicated.empty());
        for (const Alert& a : adjudicated) {
            QCOMPARE(a.figure, MonitorFigure::PositiveRateUp);
        }
        QCOMPARE(adjudicated.front().reading, std::uint64_t{217});
    }

    void alertOnDoubledPositiveRate() {
        int detected = 0;
        std::vector<int> delays;
        for (int run = 0; run < kRuns; ++run) {
            const RunResult r = simulate(0x5eed0000ULL + static_cast<std::uint64_t>(run), true);
            if (r.firstAlarmA >= 0) {
                ++detected;
                delays.push_back(r.firstAlarmA - kChangeAt);
            }
        }
        std::sort(delays.begin(), delays.end());
        const double rate = static_cast<double>(detected) / kRuns;
        qInfo("positive rate 0.13 -> 0.26 after %d readings: detected (positive rate up) in %d of %d runs "
              "(%.3f) within %d readings after the change; delay median %d, 95th percentile %d readings",
              kChangeAt, detected, kRuns, rate, kReadings - kChangeAt,
              delays.empty() ? -1 : delays[delays.size() / 2],
              delays.empty() ? -1 : delays[delays.size() * 95 / 100]);
        // What to expect, from the design (monitor.h): p0 = p̂ + 1.5·sqrt(p̂(1 − p̂)/200), p1 = 2 p0/(1 + p0).
        // For p̂ = 0.13: p0 = 0.166, p1 = 0.285; after the change (rate 0.26) each reading adds on average
        // 0.26·ln(0.285/0.166) + 0.74·ln(0.715/0.834) = 0.1405 − 0.1139 = +0.027, so h = 11.5 is reached after
        // about 11.5/0.027 ≈ 430 readings, within the 1200 after the change. But the CUSUM only drifts upwards
        // when 0.26 exceeds its reference value p* = ln((1 − p0)/(1 − p1))/ln(p1(1 − p0)/(p0(1 − p1))); that
        // fails when the baseline came out high, p̂ ≳ 0.158 (p0 ≳ 0.195, p* ≳ 0.26), which for a binomial(200,
        // 0.13) estimate is about 1.2 standard errors above its mean: about 12 % of runs. The test therefore
        // asserts detection in at least 80 % of runs (400 runs: a binomial SE of about 1.7 % at 88 %).
        QVERIFY(rate >= 0.80);

        // The alert names the model, version, category and figures (the first detected run).
        std::optional<RunResult> one;
        for (int run = 0; run < kRuns && !one; ++run) {
            RunResult r = simulate(0x5eed0000ULL + static_cast<std::uint64_t>(run), true);
            if (r.firstAlarmA >= 0) {
                one = std::move(r);
            }
        }
        QVERIFY(one.has_value());
        const auto it = std::find_if(one->alertsA.begin(), one->alertsA.end(),
                                     [](const Alert& a) { return a.figure == MonitorFigure::PositiveRateUp; });
        QVERIFY(it != one->alertsA.end());
        QCOMPARE(it->modelName, std::string("ecg-stemi"));
        QCOMPARE(it->modelVersion, std::string("1.0"));
        QCOMPARE(it->category, Category::EcgIschaemia);
        QVERIFY(it->current > it->baseline);
        QVERIFY(it->statistic >= it->threshold);
        qInfo("first detected run's alert: %s, baseline %.3f, current %.3f, at reading %llu",
              std::string(monitorFigureName(it->figure)).c_str(), it->baseline, it->current,
              static_cast<unsigned long long>(it->reading));
    }

    void falseAlarmRateOfAStableModel() {
        int alarmed = 0;
        for (int run = 0; run < kRuns; ++run) {
            const RunResult r = simulate(0xfa15e000ULL + static_cast<std::uint64_t>(run), false);
            alarmed += r.alarmOnStable ? 1 : 0;
        }
        const double rate = static_cast<double>(alarmed) / kRuns;
        qInfo("stable model, 2 categories, %d readings each: a false alarm in %d of %d runs (%.4f)", kReadings,
              alarmed, kRuns, rate);
        // The bound, from the detector's design (monitor.h): with a known baseline each CUSUM raises a false
        // alarm within m observations with probability ≤ m·e^−h = m/1e5. After the 200-reading baseline a
        // category gives 1300 observations to each positive-rate CUSUM (up and down) and about 0.9·1500 − 200
        // = 1150 to the NPA CUSUM (PPA's baseline, 200 clinician positives, is never full at 10 % prevalence):
        // (1300 + 1300 + 1150)/1e5 = 0.0375 per category, 0.075 per run of two. The baseline is estimated,
        // which that bound does not cover; the guard band (1.5 SE) is there to keep the rate under it, and the
        // test holds it to the design bound.
        QVERIFY(rate <= 0.075);
    }
};

QTEST_GUILESS_MAIN(TstReviewMonitor)
#include "tst_review_monitor.moc"
