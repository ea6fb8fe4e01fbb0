#pragma once
// Perceptual colour ramps for AI overlays (ECG relevance bands, echo heatmaps): a straight path through
// CIE L*C*h(ab) under D65, encoded as sRGB per IEC 61966-2-1. Lightness changes monotonically along the ramp,
// so the order of values survives a grey-scale print and most colour-vision deficiencies.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace veridicor {

/// A colour with straight (not premultiplied) alpha, sRGB-encoded.
struct Rgba8 {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    std::uint8_t a = 0;
    friend bool operator==(const Rgba8&, const Rgba8&) = default;
};

/// v ∈ [0, 1] maps linearly to L* and hue between the two ends; chroma is `chroma` where sRGB can show it and
/// otherwise the largest that it can (hue and lightness kept).
struct LchRamp {
    double lightnessAt0 = 0;
    double lightnessAt1 = 0;
    double hueAt0Degrees = 0;
    double hueAt1Degrees = 0;
    double chroma = 0;
};

namespace colour_detail {

/// CIE L*a*b* (D65) → linear sRGB (CIE 15, IEC 61966-2-1), each channel unclamped.
inline std::array<double, 3> labToLinearSrgb(double L, double a, double b) {
    const double fy = (L + 16.0) / 116.0;
    const double fx = fy + a / 500.0;
    const double fz = fy - b / 200.0;
    constexpr double d = 6.0 / 29.0;
    auto finv = [](double t) {
        return t > d ? t * t * t : 3.0 * d * d * (t - 4.0 / 29.0);
    };
    const double X = 0.95047 * finv(fx);
    const double Y = finv(fy);
    const double Z = 1.08883 * finv(fz);
    return {3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z, -0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z,
            0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z};
}

inline bool inGamut(const std::array<double, 3>& rgb) {
    return std::all_of(rgb.begin(), rgb.end(), [](double c) { return c >= -1e-9 && c <= 1.0 + 1e-9; });
}

inline std::uint8_t encodeSrgb(double linear) {
    const double c = std::clamp(linear, 0.0, 1.0);
    const double e = c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1.0 / 2.4) - 0.055;
    return static_cast<std::uint8_t>(std::lround(std::clamp(e, 0.0, 1.0) * 255.0));
}

} // namespace colour_detail

/// The ramp's colour at v (clamped to [0, 1]; NaN counts as 0), with alpha √v: 0 only at v = 0, so an overlay
/// is transparent exactly where the model gave no relevance.
inline Rgba8 lchRampColour(const LchRamp& ramp, double v) {
    using namespace colour_detail;
    if (!(v > 0.0))
        v = 0.0;
    v = std::min(v, 1.0);
    constexpr double kPi = 3.14159265358979323846;
    const double L = ramp.lightnessAt0 + (ramp.lightnessAt1 - ramp.lightnessAt0) * v;
    const double h = (ramp.hueAt0Degrees + (ramp.hueAt1Degrees - ramp.hueAt0Degrees) * v) * kPi / 180.0;
    auto at = [&](double C) {
        return labToLinearSrgb(L, C * std::cos(h), C * std::sin(h));
    };
    double C = ramp.chroma;
    if (!inGamut(at(C))) {
        double lo = 0.0; // L* in (0, 100): chroma 0, a grey, is always inside
        double hi = C;
        for (int i = 0; i < 40; ++i) {
            const double mid = 0.5 * (lo + hi);
            (inGamut(at(mid)) ? lo : hi) = mid;
        }
        C = lo;
    }
    const auto rgb = at(C);
    return {encodeSrgb(rgb[0]), encodeSrgb(rgb[1]), encodeSrgb(rgb[2]),
            static_cast<std::uint8_t>(std::lround(std::sqrt(v) * 255.0))};
}

} // namespace veridicor
