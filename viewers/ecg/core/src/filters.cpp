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
    for (std::size_t k = x.size(); k-- > 0;) {
        double& v = x[k];
        const double in = v;
        const double out = s.b0 * in + z1;
        z1 = s.b1 * in - s.a1 * out + z2;
        z2 = s.b2 * in - s.a2 * out;
        v = out;
    }
}

/// The straight line through the last `window` samples of `x` by weighted least squares: its value at the
/// last sample and its slope per sample. The weights are a Hann window, zero at both ends of the window, so
/// that waves inside it (P-QRS-T, a test sine) leak into the estimate only to second order in 1 / (ω ·
/// window).
struct Line {
    double atEnd = 0;
    double slope = 0;
};

Line trendAtEnd(const std::vector<double>& x, std::size_t window) {
    const std::size_t n = x.size();
    window = std::min(window, n);
    double sw = 0;
    double swu = 0;
    double swuu = 0;
    double swy = 0;
    double swuy = 0;
    const auto m = static_cast<double>(window);
    for (std::size_t k = 0; k < window; ++k) {
        const double u = -static_cast<double>(k); // position relative to the last sample
        const double s = std::sin(std::numbers::pi * (static_cast<double>(k) + 0.5) / m);
        const double w = s * s;
        const double y = x[n - 1 - k];
        sw += w;
        swu += w * u;
        swuu += w * u * u;
        swy += w * y;
        swuy += w * u * y;
    }
    const double det = sw * swuu - swu * swu;
    if (!(det > 0)) {
        return {swy / sw, 0.0};
    }
    return {(swy * swuu - swu * swuy) / det, (sw * swuy - swu * swy) / det};
}

/// The repeat period (in samples) of the last `window` samples after removing `trend`, found as the lag in
/// [minLag, maxLag] with the highest normalised autocorrelation; 0 when nothing repeats clearly (r < 0.6).
std::size_t repeatPeriod(const std::vector<double>& x, const Line& trend, std::size_t window,
                         std::size_t minLag, std::size_t maxLag) {
    const std::size_t n = x.size();
    window = std::min(window, n);
    maxLag = std::min(maxLag, window / 2);
    if (minLag < 1 || maxLag <= minLag) {
        return 0;
    }
    std::vector<double> d(window);
    for (std::size_t k = 0; k < window; ++k) {
        const std::size_t i = n - window + k;
        d[k] = x[i] - (trend.atEnd - trend.slope * static_cast<double>(n - 1 - i));
    }
    double best = 0.6;
    std::size_t bestLag = 0;
    for (std::size_t lag = minLag; lag <= maxLag; ++lag) {
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (std::size_t k = lag; k < window; ++k) {
            sxy += d[k] * d[k - lag];
            sxx += d[k] * d[k];
            syy += d[k - lag] * d[k - lag];
        }
        const double r = (sxx > 0 && syy > 0) ? sxy / std::sqrt(sxx * syy) : 0.0;
        if (r > best) {
            best = r;
            bestLag = lag;
        }
    }
    return bestLag;
}

/// `pad` samples continuing `x` beyond its last sample.
std::vector<double> extendEnd(const std::vector<double>& x, std::size_t pad, EdgeExtension mode,
                              double samplingHz, double sinusoidHz) {
    const std::size_t n = x.size();
    std::vector<double> e(pad);
    if (mode == EdgeExtension::OddReflection || !(samplingHz > 0)) {
        // A sinusoid at `sinusoidHz` (mains) is continued in phase rather than reflected: it is fitted over
        // the last second (least squares), removed before the reflection and added back, continued, after it.
        double a = 0;
        double b = 0;
        const double w = 2.0 * std::numbers::pi * sinusoidHz / samplingHz;
        if (sinusoidHz > 0 && samplingHz > 0) {
            const std::size_t window = std::min(n, static_cast<std::size_t>(std::ceil(samplingHz)));
            double ss = 0;
            double sc = 0;
            double cc = 0;
            double ys = 0;
            double yc = 0;
            for (std::size_t k = 0; k < window; ++k) {
                const double u = -static_cast<double>(k); // sample position relative to the last
                const double sn = std::sin(w * u);
                const double cs = std::cos(w * u);
                const double y = x[n - 1 - k];
                ss += sn * sn;
                sc += sn * cs;
                cc += cs * cs;
                ys += y * sn;
                yc += y * cs;
            }
            const double det = ss * cc - sc * sc;
            if (det > 1e-9) {
                a = (ys * cc - yc * sc) / det;
                b = (yc * ss - ys * sc) / det;
            }
        }
        const auto sinusoid = [&](double u) {
            return a * std::sin(w * u) + b * std::cos(w * u);
        };
        const double last = x[n - 1] - sinusoid(0.0);
        for (std::size_t k = 0; k < pad; ++k) {
            const double mirrored = x[n - 2 - k] - sinusoid(-static_cast<double>(k + 1));
            e[k] = 2.0 * last - mirrored + sinusoid(static_cast<double>(k + 1));
        }
        return e;
    }
    const auto seconds = [&](double s) {
        return static_cast<std::size_t>(std::ceil(s * samplingHz));
    };
    const Line trend = trendAtEnd(x, seconds(2.0));
    const std::size_t period = repeatPeriod(x, trend, seconds(4.0), seconds(0.3), seconds(2.0));
    if (period > 0) {
        // The beat repeats: continue it on the baseline trend, one period at a time.
        const double rise = trend.slope * static_cast<double>(period);
        for (std::size_t k = 0; k < pad; ++k) {
            const double previous = k < period ? x[n - period + k] : e[k - period];
            e[k] = previous + rise;
        }
        return e;
    }
    // Nothing repeats: odd reflection about the trend line's end point (the line itself continues).
    for (std::size_t k = 0; k < pad; ++k) {
        e[k] = 2.0 * trend.atEnd - x[n - 2 - k];
    }
    return e;
}

std::string tooHighNote(const char* what, double f, double samplingHz) {
    return std::string(what) + " " + hz(f) + " skipped: at " + hz(samplingHz) +
           " sampling the trace holds nothing " + "above " + hz(samplingHz / 2) +
           " (Nyquist), so this filter would not be meaningful";
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
              EdgeExtension mode, double samplingHz, double sinusoidHz) {
    const std::size_t n = samples.size();
    if (n < 2 || sections.empty()) {
        return;
    }
    const std::size_t pad = std::min(padding, n - 1);
    // Only the ends are needed to extend them (the predictor looks at most 4 s back).
    const std::size_t context =
        std::min(n, pad + 1 + (samplingHz > 0 ? static_cast<std::size_t>(std::ceil(4.0 * samplingHz)) : 0));
    const std::vector<double> tail(samples.end() - static_cast<std::ptrdiff_t>(context), samples.end());
    const std::vector<double> headReversed(
        std::make_reverse_iterator(samples.begin() + static_cast<std::ptrdiff_t>(context)),
        std::make_reverse_iterator(samples.begin()));
    const std::vector<double> after = extendEnd(tail, pad, mode, samplingHz, sinusoidHz);
    const std::vector<double> before =
        extendEnd(headReversed, pad, mode, samplingHz, sinusoidHz); // nearest first
    std::vector<double> x;
    x.reserve(n + 2 * pad);
    x.insert(x.end(), before.rbegin(), before.rend());
    x.insert(x.end(), samples.begin(), samples.end());
    x.insert(x.end(), after.begin(), after.end());
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
        report.notes.emplace_back("filters skipped: the sampling rate is unknown");
        return report;
    }
    std::vector<Biquad> sections;
    std::size_t padding = 0;
    const double limit = kMaxFractionOfSampling * samplingHz;
    if (settings.baselineWander) {
        if (kBaselineWanderHz >= limit) {
            report.notes.push_back(tooHighNote("high-pass", kBaselineWanderHz, samplingHz));
        } else {
            // Its own pass, with the predictive extension; it settles within a few time constants: extend by
            // 4 periods of its corner.
            const auto hp = designZeroPhaseHighPass(kBaselineWanderHz, samplingHz, 2);
            const auto hpPadding = static_cast<std::size_t>(std::ceil(4.0 * samplingHz / kBaselineWanderHz));
            filtfilt(hp, samples, hpPadding, EdgeExtension::BaselinePrediction, samplingHz);
            report.applied.push_back("high-pass " + hz(kBaselineWanderHz));
        }
    }
    if (const double f = notchFrequencyHz(settings.notch); f > 0) {
        if (f >= limit) {
            report.notes.push_back(tooHighNote("notch", f, samplingHz));
        } else {
            const auto notch = designNotch(f, samplingHz, kNotchBandwidthHz);
            sections.insert(sections.end(), notch.begin(), notch.end());
            padding =
                std::max(padding, static_cast<std::size_t>(std::ceil(4.0 * samplingHz / kNotchBandwidthHz)));
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
    filtfilt(sections, samples, padding, EdgeExtension::OddReflection, samplingHz,
             notchFrequencyHz(settings.notch));
    return report;
}

std::vector<float> filteredMicrovolts(const Channel& channel, double samplingHz,
                                      const FilterSettings& settings, FilterReport* report) {
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
