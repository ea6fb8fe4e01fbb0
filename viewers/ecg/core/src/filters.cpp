#include <veridicor/ecg/filters.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace veridicor::ecg {

namespace {

constexpr double kMaxFractionOfSampling = 0.45; // a filter frequency at or above this × fs is refused
constexpr double kNotchBandwidthHz = 2.0;

std::string hz(double v) {
    std::ostringstream s;
    s << v << " Hz";
    return s.str();
}

/// Quality factors of the biquads of an even-order Butterworth prototype.
std::vector<double> butterworthQs(int order) {
    std::vector<double> qs;
    for (int k = 0; k < order / 2; ++k) {
        const double theta = std::numbers::pi * (2.0 * k + 1.0) / (2.0 * order);
        qs.push_back(1.0 / (2.0 * std::sin(theta)));
    }
    return qs;
}

/// The prewarped analog corner Ωc = tan(π fc / fs) that puts the forward-backward −3 dB point at `cornerHz`:
/// |H|² of one pass is 1 / (1 + (Ω/Ωc)^±2N), so |H|⁴ = 1/2 where (Ω/Ωc)^2N = √2 − 1.
double zeroPhaseOmega(double cornerHz, double samplingHz, int order, bool highPass) {
    const double omega = std::tan(std::numbers::pi * cornerHz / samplingHz);
    const double shift = std::pow(std::numbers::sqrt2 - 1.0, 1.0 / (2.0 * order));
    return highPass ? omega * shift : omega / shift;
}

void steadyState(const Biquad& s, double x0, double& z1, double& z2) {
    const double gain = (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
    const double y0 = gain * x0;
    z2 = s.b2 * x0 - s.a2 * y0;
    z1 = y0 - s.b0 * x0;
}

void runForward(const Biquad& s, std::vector<double>& x) {
    if (x.empty()) {
        return;
    }
    double z1 = 0;
    double z2 = 0;
    steadyState(s, x.front(), z1, z2);
    for (double& v : x) {
        const double in = v;
        const double out = s.b0 * in + z1;
        z1 = s.b1 * in - s.a1 * out + z2;
        z2 = s.b2 * in - s.a2 * out;
        v = out;
    }
}

void runBackward(const Biquad& s, std::vector<double>& x) {
    if (x.empty()) {
        return;
    }
    double z1 = 0;
    double z2 = 0;
    steadyState(s, x.back(), z1, z2);
    for (auto it = x.rbegin(); it != x.rend(); ++it) {
        const double in = *it;
        const double out = s.b0 * in + z1;
        z1 = s.b1 * in - s.a1 * out + z2;
        z2 = s.b2 * in - s.a2 * out;
        *it = out;
    }
}

/// The value at the first (or last) sample of the weighted least-squares line through the first (last) `window`
/// samples. The weights are a Hann window, zero at both ends of the window, so that waves inside the window
/// (P-QRS-T, a 10 Hz test sine) leak into the estimate only to second order in 1 / (ω · window).
double trendValueAtEnd(std::span<const float> x, std::size_t window, bool atEnd) {
    double sw = 0;
    double swu = 0;
    double swuu = 0;
    double swy = 0;
    double swuy = 0;
    const double m = static_cast<double>(window);
    for (std::size_t k = 0; k < window; ++k) {
        const double u = static_cast<double>(k); // distance from the end in question, in samples
        const double s = std::sin(std::numbers::pi * (u + 0.5) / m);
        const double w = s * s;
        const double y = x[atEnd ? x.size() - 1 - k : k];
        sw += w;
        swu += w * u;
        swuu += w * u * u;
        swy += w * y;
        swuy += w * u * y;
    }
    const double det = sw * swuu - swu * swu;
    if (!(det > 0)) {
        return swy / sw;
    }
    return (swy * swuu - swu * swuy) / det; // the line's value at u = 0: the end sample's position
}

std::string tooHighNote(const char* what, double f, double samplingHz) {
    return std::string(what) + " " + hz(f) + " skipped: at " + hz(samplingHz) + " sampling the trace holds nothing " +
           "above " + hz(samplingHz / 2) + " (Nyquist), so this filter would not be meaningful";
}

} // namespace

double notchFrequencyHz(MainsNotch notch) {
    switch (notch) {
    case MainsNotch::Off:
        return 0.0;
    case MainsNotch::Hz50:
        return 50.0;
    case MainsNotch::Hz60:
        return 60.0;
    }
    return 0.0;
}

double lowPassFrequencyHz(LowPass lowPass) {
    switch (lowPass) {
    case LowPass::Off:
        return 0.0;
    case LowPass::Hz40:
        return 40.0;
    case LowPass::Hz150:
        return 150.0;
    }
    return 0.0;
}

std::string describeFilters(const FilterSettings& s) {
    std::ostringstream out;
    const double lp = lowPassFrequencyHz(s.lowPass);
    if (s.baselineWander && lp > 0) {
        out << kBaselineWanderHz << "\xE2\x80\x93" << lp << " Hz"; // en dash
    } else if (s.baselineWander) {
        out << kBaselineWanderHz << " Hz high-pass";
    } else if (lp > 0) {
        out << lp << " Hz low-pass";
    }
    if (const double n = notchFrequencyHz(s.notch); n > 0) {
        out << (out.tellp() > 0 ? ", " : "") << "notch " << n << " Hz";
    }
    return out.tellp() > 0 ? out.str() : std::string("none");
}

std::vector<Biquad> designZeroPhaseHighPass(double cornerHz, double samplingHz, int order) {
    const double k = zeroPhaseOmega(cornerHz, samplingHz, order, true);
    std::vector<Biquad> out;
    for (const double q : butterworthQs(order)) {
        const double norm = 1.0 / (1.0 + k / q + k * k);
        Biquad s;
        s.b0 = norm;
        s.b1 = -2.0 * norm;
        s.b2 = norm;
        s.a1 = 2.0 * (k * k - 1.0) * norm;
        s.a2 = (1.0 - k / q + k * k) * norm;
        out.push_back(s);
    }
    return out;
}

std::vector<Biquad> designZeroPhaseLowPass(double cornerHz, double samplingHz, int order) {
    const double k = zeroPhaseOmega(cornerHz, samplingHz, order, false);
    std::vector<Biquad> out;
    for (const double q : butterworthQs(order)) {
        const double norm = 1.0 / (1.0 + k / q + k * k);
        Biquad s;
        s.b0 = k * k * norm;
        s.b1 = 2.0 * s.b0;
        s.b2 = s.b0;
        s.a1 = 2.0 * (k * k - 1.0) * norm;
        s.a2 = (1.0 - k / q + k * k) * norm;
        out.push_back(s);
    }
    return out;
}

std::vector<Biquad> designNotch(double centreHz, double samplingHz, double bandwidthHz) {
    const double w0 = 2.0 * std::numbers::pi * centreHz / samplingHz;
    const double q = centreHz / bandwidthHz;
    const double alpha = std::sin(w0) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    Biquad s;
    s.b0 = 1.0 / a0;
    s.b1 = -2.0 * std::cos(w0) / a0;
    s.b2 = 1.0 / a0;
    s.a1 = -2.0 * std::cos(w0) / a0;
    s.a2 = (1.0 - alpha) / a0;
    return {s};
}

void filtfilt(const std::vector<Biquad>& sections, std::span<float> samples, std::size_t padding,
              std::size_t trendWindow) {
    const std::size_t n = samples.size();
    if (n < 2 || sections.empty()) {
        return;
    }
    const std::size_t pad = std::min(padding, n - 1);
    std::vector<double> x(n + 2 * pad);
    double first = samples[0];
    double last = samples[n - 1];
    if (trendWindow >= 2) {
        first = trendValueAtEnd(samples, std::min(trendWindow, n), false);
        last = trendValueAtEnd(samples, std::min(trendWindow, n), true);
    }
    for (std::size_t k = 0; k < pad; ++k) {
        x[pad - 1 - k] = 2.0 * first - samples[k + 1];   // odd reflection about the first sample
        x[pad + n + k] = 2.0 * last - samples[n - 2 - k]; // … and about the last
    }
    for (std::size_t i = 0; i < n; ++i) {
        x[pad + i] = samples[i];
    }
    for (const auto& s : sections) {
        runForward(s, x);
    }
    for (const auto& s : sections) {
        runBackward(s, x);
    }
    for (std::size_t i = 0; i < n; ++i) {
        samples[i] = static_cast<float>(x[pad + i]);
    }
}

FilterReport applyFilters(std::span<float> samples, double samplingHz, const FilterSettings& settings) {
    FilterReport report;
    if (!settings.any()) {
        return report;
    }
    if (!std::isfinite(samplingHz) || samplingHz <= 0) {
        report.notes.push_back("filters skipped: the sampling rate is unknown");
        return report;
    }
    std::vector<Biquad> sections;
    std::size_t padding = 0;
    const double limit = kMaxFractionOfSampling * samplingHz;
    if (settings.baselineWander) {
        if (kBaselineWanderHz >= limit) {
            report.notes.push_back(tooHighNote("high-pass", kBaselineWanderHz, samplingHz));
        } else {
            // Its own pass: it settles within a few time constants (reflect 4 periods of its corner), about the
            // baseline trend of the last 1 / corner = 2 s.
            const auto hp = designZeroPhaseHighPass(kBaselineWanderHz, samplingHz, 2);
            const auto hpPadding = static_cast<std::size_t>(std::ceil(4.0 * samplingHz / kBaselineWanderHz));
            const auto trend = static_cast<std::size_t>(std::ceil(samplingHz / kBaselineWanderHz));
            filtfilt(hp, samples, hpPadding, trend);
            report.applied.push_back("high-pass " + hz(kBaselineWanderHz));
        }
    }
    if (const double f = notchFrequencyHz(settings.notch); f > 0) {
        if (f >= limit) {
            report.notes.push_back(tooHighNote("notch", f, samplingHz));
        } else {
            const auto notch = designNotch(f, samplingHz, kNotchBandwidthHz);
            sections.insert(sections.end(), notch.begin(), notch.end());
            padding = std::max(padding, static_cast<std::size_t>(std::ceil(4.0 * samplingHz / kNotchBandwidthHz)));
            report.applied.push_back("notch " + hz(f));
        }
    }
    if (const double f = lowPassFrequencyHz(settings.lowPass); f > 0) {
        if (f >= limit) {
            report.notes.push_back(tooHighNote("low-pass", f, samplingHz));
        } else {
            const auto lp = designZeroPhaseLowPass(f, samplingHz, 4);
            sections.insert(sections.end(), lp.begin(), lp.end());
            padding = std::max(padding, static_cast<std::size_t>(std::ceil(20.0 * samplingHz / f)));
            report.applied.push_back("low-pass " + hz(f));
        }
    }
    filtfilt(sections, samples, padding);
    return report;
}

std::vector<float> filteredMicrovolts(const Channel& channel, double samplingHz, const FilterSettings& settings,
                                      FilterReport* report) {
    std::vector<float> out(channel.raw.size());
    FilterReport local;
    if (!channel.calibrated) {
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<float>(channel.raw[i]);
        }
        local.notes.push_back(channel.label + " is uncalibrated: values are stored integers, not microvolts");
    } else {
        const double factor = channel.unitsToMicrovolts > 0 ? channel.unitsToMicrovolts : 1.0;
        const double scale = channel.sensitivity * channel.correction * factor;
        const double offset = channel.baseline * factor;
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i] = static_cast<float>(static_cast<double>(channel.raw[i]) * scale + offset);
        }
        if (channel.unitsToMicrovolts <= 0) {
            local.notes.push_back(channel.label + " is not a voltage: values are in " + channel.units);
        }
    }
    FilterReport applied = applyFilters(out, samplingHz, settings);
    local.applied = std::move(applied.applied);
    local.notes.insert(local.notes.end(), applied.notes.begin(), applied.notes.end());
    if (report != nullptr) {
        *report = std::move(local);
    }
    return out;
}

} // namespace veridicor::ecg
