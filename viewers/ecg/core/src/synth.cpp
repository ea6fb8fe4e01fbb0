#include <veridicor/ecg/synth.h>
#include <veridicor/ecg/lead_names.h>

#include <veridicor/dicom/sop_classes.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <sstream>

namespace veridicor::ecg {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kTwoPi = 2.0 * std::numbers::pi;

// ---- deterministic randomness
// ---------------------------------------------------------------------------------

std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small, well-mixed sequential generator for the model's
/// parameters.
class SplitMix {
public:
    explicit SplitMix(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() { return mix(m_state += 0x9E3779B97F4A7C15ull); }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

private:
    std::uint64_t m_state;
};

/// Counter-based: the noise of (lead, sample) is a pure function of the seed, so chunks are independent.
double gaussianAt(std::uint64_t seed, std::uint64_t lead, std::uint64_t sample) {
    const std::uint64_t key =
        mix(seed ^ mix(0xD1B54A32D192ED03ull * (lead + 1))) ^ (sample * 0x9E3779B97F4A7C15ull);
    const std::uint64_t a = mix(key + 0x632BE59BD9B4E019ull);
    const std::uint64_t b = mix(key + 0x8CB92BA72F3D8DD7ull);
    const double u1 = (static_cast<double>(a >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
    const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2); // Box–Muller
}

// ---- model constants
// ------------------------------------------------------------------------------------------

enum class Wave { P, Qrs, T, Other };

struct KernelSpec {
    double theta; // rad, 0 = R peak
    double alpha; // amplitude (mV-scale VCG units)
    double b;     // width, rad
    Wave wave;
};

// Sameni et al. 2007, normal beat (Table 1 / OSET "normal" VCG model 1). Kernels after the P wave in Y and Z
// (atrial repolarisation, PR segment) and the broad low Z kernel under the QRS shape the baseline and take no
// part in any wave's fiducials ("Other").
const std::vector<KernelSpec> kX{{-1.09, 0.03, 0.0906, Wave::P},    {-0.83, 0.08, 0.1057, Wave::P},
                                 {-0.19, -0.13, 0.0453, Wave::Qrs}, {-0.07, 0.85, 0.0378, Wave::Qrs},
                                 {0.0, 1.11, 0.0332, Wave::Qrs},    {0.06, 0.75, 0.0302, Wave::Qrs},
                                 {0.22, 0.06, 0.0378, Wave::Qrs},   {1.2, 0.1, 0.6040, Wave::T},
                                 {1.42, 0.17, 0.3020, Wave::T},     {1.68, 0.39, 0.1812, Wave::T}};
const std::vector<KernelSpec> kY{{-1.1, 0.035, 0.07, Wave::P},       {-0.9, 0.015, 0.07, Wave::P},
                                 {-0.76, -0.019, 0.04, Wave::Other}, {-0.11, 0.32, 0.055, Wave::Qrs},
                                 {-0.01, 0.51, 0.037, Wave::Qrs},    {0.065, -0.32, 0.0604, Wave::Qrs},
                                 {0.8, 0.04, 0.450, Wave::T},        {1.58, 0.08, 0.3, Wave::T}};
const std::vector<KernelSpec> kZ{
    {-1.1, -0.03, 0.03, Wave::P},    {-0.93, -0.14, 0.12, Wave::P},   {-0.7, -0.035, 0.04, Wave::Other},
    {-0.4, 0.045, 0.4, Wave::Other}, {-0.15, -0.4, 0.045, Wave::Qrs}, {0.095, 0.46, 0.05, Wave::Qrs},
    {1.05, -0.12, 0.8, Wave::T},     {1.25, -0.2, 0.4, Wave::T},      {1.55, -0.35, 0.2, Wave::T}};

// Dower et al. 1980: the eight independent leads from the Frank VCG (rows I, II, V1–V6; columns X, Y, Z).
constexpr std::array<std::array<double, 3>, 8> kDower{{{0.632, -0.235, 0.059},
                                                       {0.235, 1.066, -0.132},
                                                       {-0.515, 0.157, -0.917},
                                                       {0.044, 0.164, -1.387},
                                                       {0.882, 0.098, -1.277},
                                                       {1.213, 0.127, -0.601},
                                                       {1.125, 0.127, -0.086},
                                                       {0.831, 0.076, 0.230}}};

constexpr double kVcgMicrovoltsPerUnit = 1000.0; // the model's VCG amplitudes are in millivolts
constexpr double kPWaveFrontalGain = 3.0;

double wrapPhase(double d) {
    d = std::fmod(d + kPi, kTwoPi);
    if (d < 0) {
        d += kTwoPi;
    }
    return d - kPi;
}

std::int16_t clampCount(double v) {
    const long r = std::lround(std::clamp(v, -32767.0, 32767.0));
    return static_cast<std::int16_t>(r);
}

std::string str(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

} // namespace

const std::array<std::string_view, 12>& synthLeadNames() {
    static const std::array<std::string_view, 12> names{"I",  "II", "III", "aVR", "aVL", "aVF",
                                                        "V1", "V2", "V3",  "V4",  "V5",  "V6"};
    return names;
}

Expected<EcgSynthesizer, SynthError> EcgSynthesizer::create(const SynthParams& p) {
    const auto bad = [](const std::string& m) {
        return Unexpected{SynthError{m}};
    };
    if (!(p.heartRateBpm >= 30.0 && p.heartRateBpm <= 150.0)) {
        return bad("heart rate " + str(p.heartRateBpm) + " /min is outside the model's range 30–150 /min");
    }
    if (!(p.durationSeconds > 0.0 && p.durationSeconds <= 48.0 * 3600.0)) {
        return bad("duration " + str(p.durationSeconds) + " s is outside 0–48 h");
    }
    if (!(p.samplingHz >= 100.0 && p.samplingHz <= 10000.0)) {
        return bad("sampling rate " + str(p.samplingHz) + " Hz is outside 100–10000 Hz");
    }
    if (!(p.rrStdSeconds >= 0.0 && p.rrStdSeconds <= 0.2 * 60.0 / p.heartRateBpm)) {
        return bad("RR standard deviation " + str(p.rrStdSeconds) + " s is outside 0–20 % of the mean RR");
    }
    if (!(p.microvoltsPerCount > 0.0 && p.microvoltsPerCount <= 100.0)) {
        return bad("resolution " + str(p.microvoltsPerCount) + " µV per count is outside (0, 100]");
    }
    for (const double v : {p.noiseMicrovolts, p.baselineWanderMicrovolts, p.mainsMicrovolts, p.lfHfRatio}) {
        if (!(v >= 0.0 && v < 1e6)) {
            return bad("noise, wander, mains amplitudes and the LF/HF ratio must be finite and ≥ 0");
        }
    }
    if (!(p.mayerHz > 0.0 && p.respiratoryHz > 0.0 && p.mainsHz > 0.0 && p.mainsHz < p.samplingHz / 2)) {
        return bad("the Mayer, respiratory and mains frequencies must be positive (mains below Nyquist)");
    }

    EcgSynthesizer s;
    s.m_params = p;
    s.m_samples = static_cast<std::size_t>(std::llround(p.durationSeconds * p.samplingHz));
    if (s.m_samples == 0) {
        return bad("duration " + str(p.durationSeconds) + " s holds no sample at " + str(p.samplingHz) +
                   " Hz");
    }

    // Kernels scaled with the mean heart rate: P and QRS by HR/60 (fixed duration in seconds), T by √(HR/60)
    // (QT ∝ √RR).
    const double fast = p.heartRateBpm / 60.0;
    const double slow = std::sqrt(fast);
    const std::array<const std::vector<KernelSpec>*, 3> specs{&kX, &kY, &kZ};
    for (std::size_t axis = 0; axis < 3; ++axis) {
        for (const auto& k : *specs[axis]) {
            const double f = k.wave == Wave::T ? slow : fast;
            // The P wave's frontal (X, Y) components tripled: Sameni's atrial dipole gives ~0.05 mV in lead
            // II, where adults show 0.1–0.2 mV; its sagittal (Z) component, which dominates V1, is kept.
            const double gain = (k.wave == Wave::P && axis < 2) ? kPWaveFrontalGain : 1.0;
            s.m_kernels[axis].push_back(Kernel{k.alpha * gain, k.b * f, k.theta * f});
        }
    }
    s.m_vcgScale = kVcgMicrovoltsPerUnit;

    SplitMix rng(p.seed);
    // RR tachogram: McSharry's bimodal spectrum (Gaussians of 0.01 Hz around the Mayer and respiratory
    // frequencies, LF/HF power ratio), as a sum of sinusoids with random phases, scaled to rrStdSeconds.
    struct Component {
        double f, a, phase;
    };
    std::vector<Component> components;
    const double c = 0.01;
    const double df = 0.0005;
    const double lf = p.lfHfRatio / (1.0 + p.lfHfRatio);
    const double hf = 1.0 / (1.0 + p.lfHfRatio);
    double variance = 0;
    // The running sum, not df * k: the spectrum's frequencies, the random draws made for each and so every
    // synthesized recording stay as they were.
    for (double f = df; f < 0.5; f += df) {                // NOLINT(cert-flp30-c)
        const double fj = f + rng.uniform(-0.5, 0.5) * df; // jitter: no exact period
        const double sLf = lf * std::exp(-(fj - p.mayerHz) * (fj - p.mayerHz) / (2 * c * c));
        const double sHf = hf * std::exp(-(fj - p.respiratoryHz) * (fj - p.respiratoryHz) / (2 * c * c));
        const double power = sLf + sHf;
        const double phase = rng.uniform(0.0, kTwoPi);
        if (power < 1e-6) {
            continue;
        }
        const double a = std::sqrt(2.0 * power * df);
        components.push_back({fj, a, phase});
        variance += a * a / 2.0;
    }
    const double rrMean = 60.0 / p.heartRateBpm;
    const double gain = (variance > 0 && p.rrStdSeconds > 0) ? p.rrStdSeconds / std::sqrt(variance) : 0.0;
    const auto rrAt = [&](double t) {
        double d = 0;
        if (gain > 0) {
            for (const auto& comp : components) {
                d += comp.a * std::cos(kTwoPi * comp.f * t + comp.phase);
            }
        }
        return std::clamp(rrMean + gain * d, 0.6 * rrMean, 1.4 * rrMean);
    };
    double t = -rng.uniform(0.05, 0.95) * rrMean;
    s.m_beats.push_back(t);
    while (t < p.durationSeconds) {
        t += rrAt(t);
        s.m_beats.push_back(t);
    }

    // Noise: per independent lead, respiratory and two slow baseline components and mains, each with its own
    // amplitude and phase (written as gains of shared sine/cosine carriers).
    s.m_slow1Hz = rng.uniform(0.03, 0.07);
    s.m_slow2Hz = rng.uniform(0.08, 0.15);
    const auto gains = [&](double amplitude, double& sinGain, double& cosGain) {
        const double phase = rng.uniform(0.0, kTwoPi);
        sinGain = amplitude * std::cos(phase);
        cosGain = amplitude * std::sin(phase);
    };
    for (auto& ln : s.m_leadNoise) {
        gains(p.baselineWanderMicrovolts * rng.uniform(0.4, 1.0), ln.respSin, ln.respCos);
        gains(p.baselineWanderMicrovolts * rng.uniform(0.3, 0.8), ln.slow1Sin, ln.slow1Cos);
        gains(p.baselineWanderMicrovolts * rng.uniform(0.2, 0.5), ln.slow2Sin, ln.slow2Cos);
        gains(p.mainsMicrovolts * rng.uniform(0.5, 1.0), ln.mainsSin, ln.mainsCos);
    }
    s.m_respModulation = 0.05; // 5 % respiratory modulation of the QRS amplitude
    s.computeMeasurements();
    return s;
}

std::array<double, 3> EcgSynthesizer::vcgAtPhase(double theta) const {
    std::array<double, 3> v{0, 0, 0};
    for (std::size_t axis = 0; axis < 3; ++axis) {
        for (const auto& k : m_kernels[axis]) {
            const double d = wrapPhase(theta - k.theta);
            if (std::abs(d) < 6.0 * k.b) {
                v[axis] += k.alpha * std::exp(-d * d / (2.0 * k.b * k.b));
            }
        }
    }
    return v;
}

void EcgSynthesizer::generate(std::size_t first, std::size_t count, std::span<std::int16_t> out) const {
    const double fs = m_params.samplingHz;
    const double lsb = m_params.microvoltsPerCount;
    const double wResp = kTwoPi * m_params.respiratoryHz;
    const double wSlow1 = kTwoPi * m_slow1Hz;
    const double wSlow2 = kTwoPi * m_slow2Hz;
    const double wMains = kTwoPi * m_params.mainsHz;
    const bool mains = m_params.mainsMicrovolts > 0;
    const bool noise = m_params.noiseMicrovolts > 0;
    std::size_t beat = 0;
    for (std::size_t k = 0; k < count; ++k) {
        const std::size_t index = first + k;
        const double t = static_cast<double>(index) / fs;
        if (k == 0 || t >= m_beats[beat + 1]) {
            const auto it = std::upper_bound(m_beats.begin(), m_beats.end(), t);
            beat = it == m_beats.begin() ? 0 : static_cast<std::size_t>(it - m_beats.begin()) - 1;
            beat = std::min(beat, m_beats.size() - 2);
        }
        const double r0 = m_beats[beat];
        const double r1 = m_beats[beat + 1];
        const double theta = wrapPhase(kTwoPi * (t - r0) / (r1 - r0));
        auto v = vcgAtPhase(theta);
        const double modulation = m_vcgScale * (1.0 + m_respModulation * std::sin(wResp * t));
        const double sr = std::sin(wResp * t);
        const double cr = std::cos(wResp * t);
        const double s1 = std::sin(wSlow1 * t);
        const double c1 = std::cos(wSlow1 * t);
        const double s2 = std::sin(wSlow2 * t);
        const double c2 = std::cos(wSlow2 * t);
        const double sm = mains ? std::sin(wMains * t) : 0.0;
        const double cm = mains ? std::cos(wMains * t) : 0.0;
        std::array<std::int16_t, 8> independent{};
        for (std::size_t l = 0; l < 8; ++l) {
            const auto& n = m_leadNoise[l];
            double uv = modulation * (kDower[l][0] * v[0] + kDower[l][1] * v[1] + kDower[l][2] * v[2]);
            uv += n.respSin * sr + n.respCos * cr + n.slow1Sin * s1 + n.slow1Cos * c1 + n.slow2Sin * s2 +
                  n.slow2Cos * c2 + n.mainsSin * sm + n.mainsCos * cm;
            if (noise) {
                uv += m_params.noiseMicrovolts * gaussianAt(m_params.seed, l, index);
            }
            independent[l] = clampCount(uv / lsb);
        }
        const double leadI = independent[0];
        const double leadII = independent[1];
        const std::array<std::int16_t, 12> leads{independent[0],
                                                 independent[1],
                                                 clampCount(leadII - leadI),
                                                 clampCount(-(leadI + leadII) / 2.0),
                                                 clampCount(leadI - leadII / 2.0),
                                                 clampCount(leadII - leadI / 2.0),
                                                 independent[2],
                                                 independent[3],
                                                 independent[4],
                                                 independent[5],
                                                 independent[6],
                                                 independent[7]};
        for (std::size_t l = 0; l < 12; ++l) {
            const std::size_t at = l * count + k;
            if (at < out.size()) {
                out[at] = leads[l];
            }
        }
    }
}

std::vector<double> EcgSynthesizer::rPeakSeconds() const {
    std::vector<double> out;
    for (const double r : m_beats) {
        if (r >= 0 && r < m_params.durationSeconds) {
            out.push_back(r);
        }
    }
    return out;
}

void EcgSynthesizer::computeMeasurements() {
    // The mean RR of the beats actually generated.
    const auto peaks = rPeakSeconds();
    double rr = 60.0 / m_params.heartRateBpm;
    if (peaks.size() >= 2) {
        rr = (peaks.back() - peaks.front()) / static_cast<double>(peaks.size() - 1);
    }
    const std::array<const std::vector<KernelSpec>*, 3> specs{&kX, &kY, &kZ};
    // Each wave's own VCG on a fine phase grid.
    const auto waveVcg = [&](Wave w, double theta) {
        std::array<double, 3> v{0, 0, 0};
        for (std::size_t axis = 0; axis < 3; ++axis) {
            for (std::size_t i = 0; i < specs[axis]->size(); ++i) {
                if ((*specs[axis])[i].wave != w) {
                    continue;
                }
                const auto& k = m_kernels[axis][i];
                const double d = wrapPhase(theta - k.theta);
                v[axis] += k.alpha * std::exp(-d * d / (2.0 * k.b * k.b));
            }
        }
        return v;
    };
    const auto magnitude = [](const std::array<double, 3>& v) {
        return std::hypot(v[0], v[1], v[2]);
    };
    const double step = 1e-4;
    const auto grid = [&](double from, double to) {
        std::vector<double> g;
        // The running sum, not from + step * k: the grid (and the wave boundaries found on it) stay as they
        // were.
        for (double th = from; th <= to; th += step) { // NOLINT(cert-flp30-c)
            g.push_back(th);
        }
        return g;
    };
    const auto toSeconds = [&](double theta) {
        return theta / kTwoPi * rr;
    };

    const auto firstAbove = [&](Wave w, double from, double to, double fraction) {
        const auto g = grid(from, to);
        double peak = 0;
        for (const double th : g) {
            peak = std::max(peak, magnitude(waveVcg(w, th)));
        }
        for (const double th : g) {
            if (magnitude(waveVcg(w, th)) > fraction * peak) {
                return th;
            }
        }
        return from;
    };
    const auto lastAbove = [&](Wave w, double from, double to, double fraction) {
        auto g = grid(from, to);
        double peak = 0;
        for (const double th : g) {
            peak = std::max(peak, magnitude(waveVcg(w, th)));
        }
        for (std::size_t k = g.size(); k-- > 0;) {
            if (magnitude(waveVcg(w, g[k])) > fraction * peak) {
                return g[k];
            }
        }
        return to;
    };
    const double pOnset = firstAbove(Wave::P, -kPi, 0.0, 0.02);
    const double qrsOnset = firstAbove(Wave::Qrs, -1.5, 0.0, 0.02);
    const double qrsOffset = lastAbove(Wave::Qrs, 0.0, 1.5, 0.02);
    // T end by the tangent method on |T|: the steepest descent after the peak, extended to zero.
    double tEnd = 0;
    {
        const auto g = grid(qrsOffset, kPi);
        std::size_t peakAt = 0;
        std::vector<double> m(g.size());
        for (std::size_t i = 0; i < g.size(); ++i) {
            m[i] = magnitude(waveVcg(Wave::T, g[i]));
            if (m[i] > m[peakAt]) {
                peakAt = i;
            }
        }
        double steepest = 0;
        std::size_t at = peakAt;
        for (std::size_t i = peakAt + 1; i + 1 < g.size(); ++i) {
            const double slope = (m[i + 1] - m[i - 1]) / (2 * step);
            if (slope < steepest) {
                steepest = slope;
                at = i;
            }
        }
        tEnd = steepest < 0 ? g[at] + m[at] / -steepest : g.back();
    }

    Measurements& out = m_measurements;
    out.rrMs = rr * 1000.0;
    out.heartRateBpm = 60.0 / rr;
    out.pOnsetSeconds = toSeconds(pOnset);
    out.qrsOnsetSeconds = toSeconds(qrsOnset);
    out.qrsOffsetSeconds = toSeconds(qrsOffset);
    out.tEndSeconds = toSeconds(tEnd);
    out.prMs = (out.qrsOnsetSeconds - out.pOnsetSeconds) * 1000.0;
    out.qrsMs = (out.qrsOffsetSeconds - out.qrsOnsetSeconds) * 1000.0;
    out.qtMs = (out.tEndSeconds - out.qrsOnsetSeconds) * 1000.0;
    out.qtcMs = out.qtMs / std::sqrt(rr);

    // Frontal axes from each wave's net area in leads I and aVF (Gaussian areas: α · b · √(2π)).
    const auto axis = [&](Wave w) {
        std::array<double, 3> area{0, 0, 0};
        for (std::size_t a = 0; a < 3; ++a) {
            for (std::size_t i = 0; i < specs[a]->size(); ++i) {
                if ((*specs[a])[i].wave == w) {
                    area[a] += m_kernels[a][i].alpha * m_kernels[a][i].b * std::sqrt(kTwoPi);
                }
            }
        }
        const double leadI = kDower[0][0] * area[0] + kDower[0][1] * area[1] + kDower[0][2] * area[2];
        const double leadII = kDower[1][0] * area[0] + kDower[1][1] * area[1] + kDower[1][2] * area[2];
        const double aVF = leadII - leadI / 2.0;
        return std::atan2(2.0 * aVF / std::sqrt(3.0), leadI) * 180.0 / kPi;
    };
    out.pAxisDeg = axis(Wave::P);
    out.qrsAxisDeg = axis(Wave::Qrs);
    out.tAxisDeg = axis(Wave::T);
    out.rhythmStatement = out.heartRateBpm < 60.0    ? "Sinus bradycardia"
                          : out.heartRateBpm > 100.0 ? "Sinus tachycardia"
                                                     : "Sinus rhythm";
}

Expected<Recording, SynthError> synthesizeRecording(const SynthParams& params) {
    auto synth = EcgSynthesizer::create(params);
    if (!synth) {
        return Unexpected{synth.error()};
    }
    const std::size_t n = synth->sampleCount();
    const double fs = params.samplingHz;
    const auto& names = synthLeadNames();

    Recording rec;
    rec.sopClassUID = std::string(dicom::sop::TwelveLeadEcg);
    rec.modality = "ECG";
    rec.acquisition.manufacturer = "Veridicor demo";
    rec.acquisition.modelName = "ECGSYN-3D synthetic 12-lead";

    const auto makeChannel = [&](std::size_t lead) {
        Channel ch;
        ch.label = std::string(names[lead]);
        ch.channelLabel = std::string(names[lead]);
        ch.sourceCodingScheme = "SCPECG";
        ch.sourceCodeValue = scpEcgCodeForLead(names[lead]).value_or("");
        ch.sourceCodeMeaning = "Lead " + std::string(names[lead]);
        ch.units = "uV";
        ch.sensitivity = params.microvoltsPerCount;
        ch.correction = 1.0;
        ch.baseline = 0.0;
        ch.unitsToMicrovolts = 1.0;
        ch.filters.lowFrequencyHz = 0.05;
        ch.filters.highFrequencyHz = 150.0;
        return ch;
    };

    WaveformGroup rhythm;
    rhythm.label = "RHYTHM";
    rhythm.originality = "ORIGINAL";
    rhythm.samplingHz = fs;
    rhythm.samples = n;
    rhythm.bitsAllocated = 16;
    rhythm.sampleInterpretation = "SS";
    for (std::size_t l = 0; l < 12; ++l) {
        rhythm.channels.push_back(makeChannel(l));
        rhythm.channels.back().raw.resize(n);
    }
    const auto chunk = static_cast<std::size_t>(60.0 * fs);
    std::vector<std::int16_t> buffer(12 * chunk);
    for (std::size_t first = 0; first < n; first += chunk) {
        const std::size_t count = std::min(chunk, n - first);
        synth->generate(first, count, std::span<std::int16_t>(buffer.data(), 12 * count));
        for (std::size_t l = 0; l < 12; ++l) {
            std::copy_n(buffer.begin() + static_cast<std::ptrdiff_t>(l * count), count,
                        rhythm.channels[l].raw.begin() + static_cast<std::ptrdiff_t>(first));
        }
    }

    // Median beat: 0.5 s before to 0.7 s after each R peak, averaged over every complete beat.
    const auto pre = static_cast<std::size_t>(std::lround(0.5 * fs));
    const auto length = static_cast<std::size_t>(std::lround(1.2 * fs));
    const auto peaks = synth->rPeakSeconds();
    std::vector<std::size_t> centres;
    for (const double r : peaks) {
        const auto centre = static_cast<std::size_t>(std::lround(r * fs));
        if (centre >= pre && centre - pre + length <= n) {
            centres.push_back(centre);
        }
    }
    rec.groups.push_back(std::move(rhythm));
    const auto& rh = rec.groups[0];

    const Measurements& m = synth->measurements();
    std::optional<std::size_t> medianIndex;
    if (!centres.empty()) {
        WaveformGroup median;
        median.label = "MEDIAN BEAT";
        median.originality = "DERIVED";
        median.samplingHz = fs;
        median.samples = length;
        median.bitsAllocated = 16;
        median.sampleInterpretation = "SS";
        std::array<std::vector<std::int32_t>, 12> avg;
        for (const std::size_t lead : {0u, 1u, 6u, 7u, 8u, 9u, 10u, 11u}) {
            avg[lead].resize(length);
            for (std::size_t i = 0; i < length; ++i) {
                std::int64_t sum = 0;
                for (const std::size_t c : centres) {
                    sum += rh.channels[lead].raw[c - pre + i];
                }
                avg[lead][i] = static_cast<std::int32_t>(
                    std::lround(static_cast<double>(sum) / static_cast<double>(centres.size())));
            }
        }
        for (const std::size_t lead : {2u, 3u, 4u, 5u}) {
            avg[lead].resize(length);
        }
        for (std::size_t i = 0; i < length; ++i) {
            const double leadI = avg[0][i];
            const double leadII = avg[1][i];
            avg[2][i] = clampCount(leadII - leadI);
            avg[3][i] = clampCount(-(leadI + leadII) / 2.0);
            avg[4][i] = clampCount(leadI - leadII / 2.0);
            avg[5][i] = clampCount(leadII - leadI / 2.0);
        }
        for (std::size_t l = 0; l < 12; ++l) {
            median.channels.push_back(makeChannel(l));
            median.channels.back().raw = std::move(avg[l]);
        }
        rec.groups.push_back(std::move(median));
        medianIndex = 1;
    }

    // Measurements and statement (LOINC codes for the 12-lead ECG measurements; UCUM units).
    const auto measurement = [&](const char* code, const char* scheme, const char* name, double value,
                                 const char* units) {
        Annotation a;
        a.conceptCode = code;
        a.codingScheme = scheme;
        a.conceptName = name;
        a.numericValue = std::round(value);
        a.units = units;
        a.annotationGroupNumber = 1;
        return a;
    };
    const auto onMedian = [&](Annotation a, double fromSeconds, double toSeconds) {
        if (medianIndex) {
            const auto at = [&](double s) {
                return static_cast<std::size_t>(std::clamp<long>(
                    std::lround(static_cast<double>(pre) + s * fs), 0, static_cast<long>(length) - 1));
            };
            a.group = *medianIndex;
            for (std::size_t c = 0; c < 12; ++c) {
                a.channels.push_back(c);
            }
            a.temporalRangeType = "SEGMENT";
            a.samplePositions = {at(fromSeconds), at(toSeconds)};
            a.firstSample = a.samplePositions.front();
            a.lastSample = a.samplePositions.back();
        }
        return a;
    };
    Annotation statement;
    statement.text = m.rhythmStatement;
    statement.annotationGroupNumber = 1;
    rec.annotations.push_back(statement);
    rec.annotations.push_back(measurement("8867-4", "LN", "Heart rate", m.heartRateBpm, "{H.B.}/min"));
    Annotation rrAnnotation = measurement("RR", "99VRDC", "RR interval", m.rrMs, "ms");
    if (peaks.size() >= 2) {
        const auto a = static_cast<std::size_t>(std::lround(peaks[0] * fs));
        const auto b = static_cast<std::size_t>(std::lround(peaks[1] * fs));
        if (b < n) {
            rrAnnotation.group = 0;
            for (std::size_t c = 0; c < 12; ++c) {
                rrAnnotation.channels.push_back(c);
            }
            rrAnnotation.temporalRangeType = "SEGMENT";
            rrAnnotation.samplePositions = {a, b};
            rrAnnotation.firstSample = a;
            rrAnnotation.lastSample = b;
        }
    }
    rec.annotations.push_back(rrAnnotation);
    rec.annotations.push_back(onMedian(measurement("8625-6", "LN", "P-R interval", m.prMs, "ms"),
                                       m.pOnsetSeconds, m.qrsOnsetSeconds));
    rec.annotations.push_back(onMedian(measurement("8633-0", "LN", "QRS duration", m.qrsMs, "ms"),
                                       m.qrsOnsetSeconds, m.qrsOffsetSeconds));
    rec.annotations.push_back(onMedian(measurement("8634-8", "LN", "Q-T interval", m.qtMs, "ms"),
                                       m.qrsOnsetSeconds, m.tEndSeconds));
    rec.annotations.push_back(measurement("8636-3", "LN", "Q-T interval corrected", m.qtcMs, "ms"));
    rec.annotations.push_back(measurement("8626-4", "LN", "P wave axis", m.pAxisDeg, "deg"));
    rec.annotations.push_back(measurement("8632-2", "LN", "QRS axis", m.qrsAxisDeg, "deg"));
    rec.annotations.push_back(measurement("8638-9", "LN", "T wave axis", m.tAxisDeg, "deg"));
    return rec;
}

} // namespace veridicor::ecg
