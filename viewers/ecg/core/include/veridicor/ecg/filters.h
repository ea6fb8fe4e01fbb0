#pragma once
/// \file
/// The display filters a reader can switch on an ECG: baseline-wander high-pass 0.5 Hz, mains notch 50/60 Hz,
/// low-pass 40/150 Hz. All are zero-phase: biquad cascades run forward, then backward (filtfilt), so no wave
/// is shifted in time. The ends are handled as scipy's filtfilt does (odd reflection around the end samples
/// and steady-state initial conditions), with a reflection long enough for the 0.5 Hz high-pass to settle, so
/// a 10 s trace does not ring at its ends. The high-pass runs on its own with a predictive extension (see
/// EdgeExtension::BaselinePrediction).
///
/// Corner frequencies are where the *combined* forward-backward response is −3 dB (each pass is designed with
/// its corner moved so that the squared response crosses 1/√2 exactly at the stated frequency):
///   - high-pass: 2nd-order Butterworth (12 dB/octave per pass, 24 dB/octave combined);
///   - low-pass: 4th-order Butterworth (two biquads; 48 dB/octave per pass);
///   - notch: second-order IIR notch (RBJ), −3 dB bandwidth 2 Hz per pass, infinite attenuation at the
///   centre.
/// A filter that makes no sense at the sampling rate (its frequency at or above 0.45 × the sampling rate,
/// e.g. a 150 Hz low-pass at 240 Hz, where nothing above 120 Hz exists) is skipped with a note, never
/// applied.

#include <veridicor/ecg/recording.h>

#include <span>
#include <string>
#include <vector>

namespace veridicor::ecg {

enum class MainsNotch { Off, Hz50, Hz60 };
enum class LowPass { Off, Hz40, Hz150 };

/// What the reader has switched on. The view holds one; `applyFilters` applies it.
struct FilterSettings {
    bool baselineWander = false; ///< 0.5 Hz high-pass
    MainsNotch notch = MainsNotch::Off;
    LowPass lowPass = LowPass::Off;

    [[nodiscard]] bool any() const {
        return baselineWander || notch != MainsNotch::Off || lowPass != LowPass::Off;
    }
    bool operator==(const FilterSettings&) const = default;
};

inline constexpr double kBaselineWanderHz = 0.5;

/// 50, 60, or 0 for Off.
double notchFrequencyHz(MainsNotch notch);
/// 40, 150, or 0 for Off.
double lowPassFrequencyHz(LowPass lowPass);

/// For a printed header: "0.5–40 Hz, notch 50 Hz", "0.5 Hz high-pass", "none".
std::string describeFilters(const FilterSettings& settings);

/// One second-order section: y = b0 x + b1 x[-1] + b2 x[-2] − a1 y[-1] − a2 y[-2].
struct Biquad {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
};

/// Butterworth high-pass of `order` (even) whose forward-backward response is −3 dB at `cornerHz`.
std::vector<Biquad> designZeroPhaseHighPass(double cornerHz, double samplingHz, int order = 2);
/// Butterworth low-pass of `order` (even) whose forward-backward response is −3 dB at `cornerHz`.
std::vector<Biquad> designZeroPhaseLowPass(double cornerHz, double samplingHz, int order = 4);
/// Second-order notch at `centreHz` with −3 dB bandwidth `bandwidthHz` per pass.
std::vector<Biquad> designNotch(double centreHz, double samplingHz, double bandwidthHz = 2.0);

/// How filtfilt continues the signal beyond its ends (the filters need signal there to settle).
enum class EdgeExtension {
    /// Odd reflection about the end sample (scipy's default): value and slope continue. For low-pass and
    /// notch;
    /// a sinusoid at `sinusoidHz` (the mains frequency being notched) is continued in phase instead.
    OddReflection,
    /// For the high-pass, which needs to know the baseline seconds beyond the end: the trace's repeating
    /// pattern
    /// (the beat, found by autocorrelation of the last 4 s at lags of 0.3–2 s) continued on the local
    /// baseline
    /// trend (a Hann-weighted straight line through the last 2 s); when nothing repeats, odd reflection about
    /// that trend line rather than about the end sample (a sample sitting on a wave would add a false
    /// offset).
    BaselinePrediction,
};

/// Runs the cascade forward then backward over `samples` in place (zero phase), after extending each end by
/// `padding` samples (clamped to size − 1) as `mode` says, with steady-state initial conditions.
void filtfilt(const std::vector<Biquad>& sections, std::span<float> samples, std::size_t padding,
              EdgeExtension mode = EdgeExtension::OddReflection, double samplingHz = 0,
              double sinusoidHz = 0);

/// What applyFilters did: the filters applied and, for each one skipped, why.
struct FilterReport {
    std::vector<std::string> applied; ///< e.g. "high-pass 0.5 Hz"
    std::vector<std::string> notes;   ///< e.g. "low-pass 150 Hz skipped: at 240 Hz sampling …"
};

/// Applies `settings` to `samples` (any unit) sampled at `samplingHz`, in place.
FilterReport applyFilters(std::span<float> samples, double samplingHz, const FilterSettings& settings);

/// The channel in microvolts (physical units for a non-voltage channel, stored integers for an uncalibrated
/// one, each with a note), filtered with `settings`.
std::vector<float> filteredMicrovolts(const Channel& channel, double samplingHz,
                                      const FilterSettings& settings, FilterReport* report = nullptr);

} // namespace veridicor::ecg
