#pragma once
/// \file
/// The reader's own measurements on an ECG: labelled calipers (RR, PR, QRS, QT, free), several at once, and
/// what follows from them — intervals, the heart rate (from an RR caliper only), QTc by four formulas, ST
/// levels at J and J + 60 ms — each knowing its lead and times. Snapping moves a caliper end onto the R peak
/// or QRS onset sample it was dropped near. No Qt, no GL: tested without a display.
///
/// QTc formulas (QT and RR in ms unless stated; RR in seconds written RRs):
///   Bazett (1920):      QTc = QT / √RRs
///   Fridericia (1920):  QTc = QT / ∛RRs
///   Framingham (Sagie et al. 1992, Am J Cardiol 70:797): QTc = QT + 154 · (1 − RRs)
///   Hodges (1983, J Am Coll Cardiol 1:694):               QTc = QT + 1.75 · (HR − 60), HR = 60 / RRs

#include <veridicor/ecg/recording.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::ecg {

/// What a caliper marks. Only an RR caliper gives a heart rate.
enum class CaliperKind { RR, PR, QRS, QT, Free };

/// "RR", "PR", "QRS", "QT", "Free".
std::string_view caliperKindLabel(CaliperKind kind);

/// One caliper: two times on one lead of the rhythm (recording seconds, start ≤ end once normalised).
struct Caliper {
    int id = 0; ///< given by CaliperSet::add, unique within the set
    CaliperKind kind = CaliperKind::Free;
    std::size_t channel = 0; ///< index into the group's channels
    std::string lead;        ///< that channel's label ("II")
    double startSeconds = 0.0;
    double endSeconds = 0.0;
};

/// The reader's calipers, in the order placed.
class CaliperSet {
public:
    /// Adds the caliper (its times ordered so that start ≤ end) and returns its new id.
    int add(Caliper caliper);
    /// Removes the caliper with `id`; false when there is none.
    bool remove(int id);
    /// Moves both ends of caliper `id` (ordered as in add); false when there is none.
    bool move(int id, double startSeconds, double endSeconds);
    [[nodiscard]] const Caliper* find(int id) const;
    [[nodiscard]] const std::vector<Caliper>& list() const { return m_calipers; }
    [[nodiscard]] bool empty() const { return m_calipers.empty(); }
    void clear() { m_calipers.clear(); }

private:
    std::vector<Caliper> m_calipers;
    int m_nextId = 1;
};

/// One derived measurement. `value` is nullopt when it cannot be computed; `basis` then says why ("place an
/// RR caliper"), and otherwise what it rests on ("RR 800 ms, II").
struct Measurement {
    std::string name; ///< "RR interval", "Heart rate", "QT interval", "QTc", "ST level at J", …
    std::optional<double> value;
    std::string unitUcum; ///< "ms", "/min", "mV"
    std::string lead;
    double startSeconds = 0.0;
    double endSeconds = 0.0;
    std::string
        method; ///< "Bazett", "Fridericia", "Framingham", "Hodges", "PR-segment baseline"; may be empty
    std::string basis;
    int caliperId = 0; ///< the caliper it comes from (for QTc: the QT caliper)
};

/// QTc by each formula (see the file comment), QT and RR in milliseconds; RR must be > 0.
double qtcBazett(double qtMs, double rrMs);
double qtcFridericia(double qtMs, double rrMs);
double qtcFramingham(double qtMs, double rrMs);
double qtcHodges(double qtMs, double rrMs);

/// The measurements that follow from the calipers, caliper by caliper in the order placed:
/// - RR: "RR interval" (ms) and "Heart rate" (/min, 60000 / RR).
/// - PR, QRS, QT: "PR interval", "QRS duration", "QT interval" (ms).
/// - QT also: "QTc" once per formula (method names it), with the RR of the nearest RR caliper — one on the
/// same
///   lead first, then any, nearest by the distance between the calipers' midpoints; with no RR caliper each
///   QTc has no value and the basis "place an RR caliper".
/// - QRS also, with `group`: per voltage lead of the group, "ST level at J" and "ST level at J+60 ms" (mV),
///   the sample at J (the caliper's end) and at J + 60 ms less the PR-segment baseline, the mean of the
///   samples in the 20 ms before QRS onset (the caliper's start). All leads are recorded simultaneously, so
///   the one J point marks each. Stored (unfiltered) samples are used: what the device recorded, not the
///   display filter.
/// - Free: "Time interval" (ms) and, with `group`, "Amplitude difference" (mV, end − start): never a rate.
std::vector<Measurement> deriveMeasurements(const CaliperSet& calipers, const WaveformGroup* group);

/// The value as written into a reading (a DICOM DS, ≤ 16 characters): ms and /min as whole numbers, mV with
/// two decimals and a sign; "" without a value.
std::string formatMeasurementValue(const Measurement& m);

/// "QTc 447 ms (Bazett)", "RR interval 800 ms", "QTc: place an RR caliper".
std::string describeMeasurement(const Measurement& m);

/// The short text drawn beside a caliper on the paper, from what `all` (deriveMeasurements) gives for it:
/// "RR 800 ms · 75 /min", "QT 400 ms · QTc 447 ms (Bazett)", "QT 400 ms · QTc: place an RR caliper",
/// "QRS 96 ms · ST J +0.05 mV, J+60 +0.10 mV" (its own lead), "PR 160 ms", "Δt 500 ms ΔV +1.25 mV".
std::string caliperCaption(const Caliper& caliper, const std::vector<Measurement>& all);

/// What a caliper end snaps to.
enum class SnapTarget { None, RPeak, QrsOnset };

/// Where each end of a caliper of `kind` snaps: RR and Free ends to R peaks; a PR's end, a QRS's and a QT's
/// start to QRS onset; the other ends (P onset, J point, T end) do not snap — the core does not find them.
SnapTarget snapTargetFor(CaliperKind kind, bool startEnd);

/// The time of the R peak or QRS onset sample of `channel` within ±40 ms of `seconds`, or nullopt when there
/// is none there (the end is left where the reader dropped it).
/// - R peak: the sample of the largest |v − median of the window| in the ±40 ms window, taken only when it
///   deviates by at least 0.3 mV and is a local extremum of the trace (else it is the slope of a peak
///   beyond the window, or there is no QRS there).
/// - QRS onset: the steepest slope within [t − 40 ms, t + 80 ms] (a QRS's upstroke may come up to 80 ms after
///   its onset), needing at least 5 mV/s; from it back to the latest sample of the first stretch of 10 ms
///   whose slope stays under 10 % of that steepest slope (one flat sample at a Q wave's nadir is not the
///   onset); taken only when that sample is within ±40 ms of t.
/// The result is exactly sample index / sampling rate.
std::optional<double> snapTime(const WaveformGroup& group, std::size_t channel, double seconds,
                               SnapTarget target);

} // namespace veridicor::ecg
