#pragma once
/// \file
/// A synthetic 12-lead ECG from a dynamical model, for the demo study, tests and benchmarks.
///
/// Model (McSharry et al. 2003, "A dynamical model for generating synthetic electrocardiogram signals", IEEE
/// TBME 50(3); extended to three dimensions by Sameni et al. 2007, "Multichannel ECG and noise modeling",
/// EURASIP JASP): a point moves round a limit cycle with angular velocity ω(t) = 2π / RR(t); each axis of the
/// heart's dipole (the vectorcardiogram X, Y, Z) obeys ẋ = −Σᵢ αᵢ ω Δθᵢ / bᵢ² · exp(−Δθᵢ² / 2bᵢ²), one
/// Gaussian kernel per wave component (P, Q, R, S, T …), with Sameni's published parameters for a normal
/// beat. This equation integrates exactly (the right-hand side is the time derivative of Σᵢ αᵢ exp(−Δθᵢ² /
/// 2bᵢ²)), so the trajectory is evaluated in closed form at every sample from θ(t), which is integrated from
/// the RR tachogram; there is no integration drift over 24 hours. The kernel phases and widths are scaled
/// with the mean heart rate (QRS and PR fixed in time, QT ∝ √RR as Bazett's formula assumes).
///
/// Heart-rate variability: an RR tachogram with McSharry's bimodal spectrum, a Mayer-wave (≈0.1 Hz) and a
/// respiratory (≈0.25 Hz) component, built as a sum of sinusoids with random phases. Leads: the VCG is
/// projected to I, II and V1–V6 with Dower's transform (Dower et al. 1980; the inverse of the "inverse Dower"
/// matrix of Edenbrandt & Pahlm 1988); measurement noise, baseline wander (respiratory plus slow drift) and
/// optional mains interference are added to those eight, which are quantized; III, aVR, aVL and aVF are then
/// derived from the quantized I and II exactly as a digital electrocardiograph does (III = II − I exactly;
/// aVR = −(I + II)/2, aVL = I − II/2, aVF = II − I/2 to the nearest count). Everything is deterministic from
/// the seed, and any range of samples can be generated on its own (noise comes from a counter-based
/// generator), so 24 h × 12 leads × 500 Hz is produced chunk by chunk in bounded memory.

#include <veridicor/base/expected.h>
#include <veridicor/ecg/recording.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::ecg {

struct SynthParams {
    double heartRateBpm = 70.0;    ///< mean heart rate, 30–150
    double durationSeconds = 10.0; ///< > 0, at most 48 h
    double samplingHz = 500.0;     ///< 100–10000
    std::uint64_t seed = 1;
    double rrStdSeconds = 0.03; ///< standard deviation of the RR tachogram (0 = no HRV)
    double lfHfRatio = 0.5;     ///< Mayer-wave to respiratory power in the tachogram
    double mayerHz = 0.1;
    double respiratoryHz = 0.25;
    double noiseMicrovolts = 8.0; ///< white measurement noise (standard deviation) per lead
    double baselineWanderMicrovolts =
        80.0;                     ///< typical amplitude of respiratory + slow baseline drift per lead
    double mainsMicrovolts = 0.0; ///< mains interference amplitude per lead (0 = none)
    double mainsHz = 50.0;
    double microvoltsPerCount = 2.5; ///< resolution of the stored 16-bit integers
};

/// Why a parameter set was refused (out of the model's range).
struct SynthError {
    std::string message;
};

/// Interval and axis measurements derived from the model's known fiducial points (not from the noisy signal):
/// onsets/offsets are where a wave's own kernels' spatial magnitude |VCG| crosses 2 % of its peak (P onset,
/// QRS onset/offset); T end by the tangent method (the steepest descent of |T| after its peak, extended to
/// zero). Intervals use the mean RR of the beats actually generated; axes are frontal-plane angles of the net
/// area of each wave in leads I and aVF (axis = atan2(2·aVF / √3, I), Einthoven's equilateral triangle).
struct Measurements {
    double heartRateBpm = 0;
    double rrMs = 0;
    double prMs = 0;
    double qrsMs = 0;
    double qtMs = 0;
    double qtcMs = 0; ///< Bazett: QT / √(RR in s)
    double pAxisDeg = 0;
    double qrsAxisDeg = 0;
    double tAxisDeg = 0;
    // Fiducials in seconds relative to the R peak of a beat at the mean RR.
    double pOnsetSeconds = 0;
    double qrsOnsetSeconds = 0;
    double qrsOffsetSeconds = 0;
    double tEndSeconds = 0;
    /// "Sinus rhythm" (60–100 /min), "Sinus bradycardia" or "Sinus tachycardia".
    std::string rhythmStatement;
};

/// The 12 standard leads in the order generate() writes them: I, II, III, aVR, aVL, aVF, V1–V6.
const std::array<std::string_view, 12>& synthLeadNames();

class EcgSynthesizer {
public:
    /// Checks the parameters (SynthError names the one out of range) and lays out the beats.
    static Expected<EcgSynthesizer, SynthError> create(const SynthParams& params);

    [[nodiscard]] const SynthParams& params() const { return m_params; }
    [[nodiscard]] std::size_t sampleCount() const { return m_samples; }

    /// Writes samples [first, first + count) of the 12 leads as stored integers (µV / microvoltsPerCount),
    /// lead-major: out[lead * count + k] is sample first + k of lead `lead`. `out` holds 12 × count values.
    /// The result does not depend on how a recording is split into chunks.
    void generate(std::size_t first, std::size_t count, std::span<std::int16_t> out) const;

    /// The model's R-peak times (θ = 0) inside [0, duration), in seconds.
    [[nodiscard]] std::vector<double> rPeakSeconds() const;

    [[nodiscard]] const Measurements& measurements() const { return m_measurements; }

    /// The noise-free VCG (X, Y, Z) at phase θ for the model's mean heart rate (for tests and documentation).
    [[nodiscard]] std::array<double, 3> vcgAtPhase(double theta) const;

private:
    EcgSynthesizer() = default;
    struct Kernel {
        double alpha;
        double b;
        double theta;
    };
    SynthParams m_params;
    std::size_t m_samples = 0;
    std::array<std::vector<Kernel>, 3> m_kernels; ///< X, Y, Z
    std::vector<double> m_beats;                  ///< R-peak times, first ≤ 0, last ≥ duration
    double m_vcgScale = 1.0;
    // Per-lead noise model (8 independent leads): gains of the global sinusoids.
    struct LeadNoise {
        double respSin, respCos, slow1Sin, slow1Cos, slow2Sin, slow2Cos, mainsSin, mainsCos;
    };
    std::array<LeadNoise, 8> m_leadNoise{};
    double m_slow1Hz = 0.05;
    double m_slow2Hz = 0.11;
    double m_respModulation = 0.05;
    Measurements m_measurements;

    void computeMeasurements();
};

/// A complete demo/test recording: the rhythm group ("RHYTHM", 12 leads) from EcgSynthesizer, a median-beat
/// group ("MEDIAN BEAT", 1.2 s: the average of every complete beat, aligned on the model's R peaks), SCP-ECG
/// lead codes and labels, sensitivity in µV (correction 1), the recorded filter settings (0.05–150 Hz), and
/// annotations with the measurements above and the rhythm statement. Patient and acquisition fields are
/// left for the caller to fill; the manufacturer is "Veridicor demo".
Expected<Recording, SynthError> synthesizeRecording(const SynthParams& params);

} // namespace veridicor::ecg
