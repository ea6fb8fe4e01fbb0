#include "echo_synth.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrat.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <turbojpeg.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

namespace veridicor::demo {

namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- a 5×7 bitmap font for burned-in labels (deterministic, no font files) ----
struct Glyph {
    char c;
    std::array<std::uint8_t, 7> rows;
};
constexpr auto kFont = std::to_array<Glyph>({
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}},
    {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}},
    {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}},
    {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}},
    {' ', {0, 0, 0, 0, 0, 0, 0}},
});

struct Canvas {
    int w, h;
    std::vector<std::uint8_t>& px;
    void set(int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
        if (x < 0 || y < 0 || x >= w || y >= h)
            return;
        auto* p = &px[3 * (std::size_t(static_cast<unsigned>(y)) * std::size_t(static_cast<unsigned>(w)) +
                           std::size_t(static_cast<unsigned>(x)))];
        p[0] = r;
        p[1] = g;
        p[2] = b;
    }
    int text(int x, int y, const std::string& s, int scale, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
        for (char ch : s) {
            const Glyph* gl = nullptr;
            for (const auto& f : kFont) {
                if (f.c == ch)
                    gl = &f;
            }
            if (gl != nullptr) {
                for (int row = 0; row < 7; ++row) {
                    for (int col = 0; col < 5; ++col) {
                        if ((gl->rows[static_cast<std::size_t>(row)] >> (4 - col)) & 1) {
                            for (int sy = 0; sy < scale; ++sy)
                                for (int sx = 0; sx < scale; ++sx)
                                    set(x + col * scale + sx, y + row * scale + sy, r, g, b);
                        }
                    }
                }
            }
            x += 6 * scale;
        }
        return x;
    }
    static int textWidth(const std::string& s, int scale) {
        return static_cast<int>(s.size()) * 6 * scale - scale;
    }
};

// ---- deterministic noise ----
inline std::uint32_t hash(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}
inline double unit(std::uint32_t h) {
    return (h & 0xFFFFFF) / double(0x1000000);
}

/// A speckle texture in (depth, angle) cells: the magnitude of smoothed complex Gaussian noise
/// (Rayleigh-like, mean ≈ 1), elongated laterally as real speckle is.
struct Speckle {
    static constexpr int kDepth = 480;
    static constexpr int kAngle = 360;
    std::vector<float> v;
    Speckle() : v(std::size_t{kDepth} * kAngle) {
        std::vector<float> re(v.size()), im(v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
            // Box–Muller from two hashes
            const double u1 = std::max(unit(hash(static_cast<std::uint32_t>(2 * i + 17))), 1e-9);
            const double u2 = unit(hash(static_cast<std::uint32_t>(2 * i + 18) * 2654435761U));
            const double r = std::sqrt(-2.0 * std::log(u1));
            re[i] = static_cast<float>(r * std::cos(2 * kPi * u2));
            im[i] = static_cast<float>(r * std::sin(2 * kPi * u2));
        }
        double sum = 0;
        for (int d = 0; d < kDepth; ++d) {
            for (int a = 0; a < kAngle; ++a) {
                double sr = 0, si = 0;
                for (int dd = -1; dd <= 1; ++dd) {
                    for (int da = -3; da <= 3; ++da) {
                        const int y = std::clamp(d + dd, 0, kDepth - 1);
                        const int x = (a + da + kAngle) % kAngle;
                        const std::size_t k = std::size_t(static_cast<unsigned>(y)) * kAngle +
                                              std::size_t(static_cast<unsigned>(x));
                        sr += re[k];
                        si += im[k];
                    }
                }
                const double m = std::sqrt(sr * sr + si * si);
                v[std::size_t(static_cast<unsigned>(d)) * kAngle + std::size_t(static_cast<unsigned>(a))] =
                    static_cast<float>(m);
                sum += m;
            }
        }
        const double mean = sum / double(v.size());
        for (auto& x : v)
            x = static_cast<float>(x / mean);
    }
    [[nodiscard]] double at(double depth01, double angle01) const {
        const double y = std::clamp(depth01, 0.0, 1.0) * (kDepth - 1);
        const double x = std::clamp(angle01, 0.0, 1.0) * (kAngle - 1);
        const int y0 = static_cast<int>(y), x0 = static_cast<int>(x);
        const int y1 = std::min(y0 + 1, kDepth - 1), x1 = std::min(x0 + 1, kAngle - 1);
        const double fy = y - y0, fx = x - x0;
        auto g = [&](int yy, int xx) {
            return double(
                v[std::size_t(static_cast<unsigned>(yy)) * kAngle + std::size_t(static_cast<unsigned>(xx))]);
        };
        return (g(y0, x0) * (1 - fx) + g(y0, x1) * fx) * (1 - fy) +
               (g(y1, x0) * (1 - fx) + g(y1, x1) * fx) * fy;
    }
};
const Speckle& speckle() {
    static const Speckle s;
    return s;
}

double smoothstep(double e0, double e1, double x) {
    const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
    return t * t * (3 - 2 * t);
}

/// Contraction of the ventricle over the cardiac cycle (phase 0 = R wave): 0 at end-diastole, 1 at
/// end-systole.
double contraction(double phase) {
    if (phase < 0.04)
        return 0.0;
    if (phase < 0.34)
        return smoothstep(0.04, 0.34, phase);
    if (phase < 0.40)
        return 1.0;
    if (phase < 0.62)
        return 1.0 - smoothstep(0.40, 0.62, phase);
    if (phase > 0.84 && phase < 0.97)
        return -0.08 * std::sin(kPi * (phase - 0.84) / 0.13); // atrial kick
    return 0.0;
}

/// A synthetic ECG (mV-like units) at cardiac phase `phase` (R wave at 0).
double ecg(double phase) {
    auto wave = [&](double centre, double width, double amp) {
        double d = phase - centre;
        d -= std::round(d);
        return amp * std::exp(-0.5 * (d / width) * (d / width));
    };
    return wave(-0.12, 0.022, 0.15) + wave(-0.018, 0.006, -0.12) + wave(0.0, 0.007, 1.0) +
           wave(0.02, 0.007, -0.25) + wave(0.30, 0.045, 0.32);
}

} // namespace

LeftVentricle leftVentricle(const EchoClipSpec& spec, int index) {
    const EchoGeometry g = echoGeometry(spec);
    const double tSec = index / spec.frameRate;
    const double period = 60.0 / spec.heartRate;
    const double c = contraction(std::fmod(tSec / period, 1.0));
    const double R = g.radius;
    LeftVentricle lv;
    lv.centreX = g.apexX + 0.02 * R;
    lv.centreY = g.apexY + 0.50 * R;
    lv.axial = 0.27 * R * (1.0 - 0.10 * c);
    lv.lateral = 0.13 * R * (1.0 - 0.28 * c);
    lv.wall = 0.055 * R * (1.0 + 0.45 * c); // myocardium thickens in systole
    lv.contraction = c;
    return lv;
}

double LeftVentricle::radiusAt(double x, double y) const {
    // Bullet-shaped: narrower towards the apex (top), widest near the base.
    const double eyRaw = (y - centreY) / axial;
    const double taper = 0.72 + 0.28 * smoothstep(-1.0, 0.6, eyRaw);
    const double ex = (x - centreX) / (lateral * taper), ey = eyRaw;
    return std::sqrt(ex * ex + ey * ey);
}

EchoGeometry echoGeometry(const EchoClipSpec& spec) {
    EchoGeometry g;
    g.apexX = spec.width / 2.0;
    g.apexY = std::round(spec.height * 0.07);
    g.ecgMaxY = spec.height - 12;
    g.ecgMinY = spec.height - 62;
    g.radius = std::floor(std::min(g.ecgMinY - 8 - g.apexY, spec.width * 0.62));
    g.halfAngleRad = 38.0 * kPi / 180.0;
    g.regionMinX = static_cast<int>(std::floor(g.apexX - g.radius * std::sin(g.halfAngleRad)));
    g.regionMaxX = static_cast<int>(std::ceil(g.apexX + g.radius * std::sin(g.halfAngleRad)));
    g.regionMinY = static_cast<int>(g.apexY);
    g.regionMaxY = static_cast<int>(g.apexY + g.radius);
    g.cmPerPixel = spec.depthCm / g.radius;
    return g;
}

std::vector<std::uint8_t> renderEchoFrame(const EchoClipSpec& spec, int index) {
    const int w = spec.width, h = spec.height;
    std::vector<std::uint8_t> px(
        std::size_t(static_cast<unsigned>(w)) * std::size_t(static_cast<unsigned>(h)) * 3, 0);
    const EchoGeometry g = echoGeometry(spec);
    const double tSec = index / spec.frameRate;
    const double period = 60.0 / spec.heartRate;
    const double phase = std::fmod(tSec / period, 1.0);
    const double c = contraction(phase);
    const Speckle& sp = speckle();

    // Left ventricle (long axis along the beam), right ventricle to its left; sizes in pixels.
    const double R = g.radius;
    const LeftVentricle lv = leftVentricle(spec, index);
    const double lvX = lv.centreX, lvY = lv.centreY;
    const double lvA = lv.axial;
    const double lvB = lv.lateral;
    const double wall = lv.wall;
    const double rvX = g.apexX - 0.20 * R, rvY = g.apexY + 0.42 * R;
    const double rvA = 0.20 * R * (1.0 - 0.06 * c), rvB = 0.07 * R * (1.0 - 0.15 * c);

    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double dx = x - g.apexX, dy = y - g.apexY;
            const double r = std::sqrt(dx * dx + dy * dy);
            const double theta = std::atan2(dx, dy);
            if (dy <= 0 || r > R + 1 || std::abs(theta) > g.halfAngleRad + 0.01) {
                continue;
            }
            const double edge = smoothstep(0.0, 3.0, R - r) *
                                smoothstep(0.0, 0.012, g.halfAngleRad - std::abs(theta)) *
                                smoothstep(4.0, 14.0, r);
            // Tissue moves towards the ventricle centre in systole: sample the speckle where this tissue was
            // at end-diastole, so the pattern moves with the walls. Bullet-shaped: narrower towards the apex
            // (top), widest near the base.
            const double ey = (y - lvY) / lvA;
            const double d = lv.radiusAt(x, y);
            const double pull = 1.0 + 0.18 * c * std::exp(-(d - 1.0) * (d - 1.0) * 2.0);
            const double sx = lvX + (x - lvX) * pull, sy = lvY + (y - lvY) * pull;
            const double sr = std::sqrt((sx - g.apexX) * (sx - g.apexX) + (sy - g.apexY) * (sy - g.apexY));
            const double st = std::atan2(sx - g.apexX, sy - g.apexY);
            const double s = sp.at(sr / R, (st / g.halfAngleRad + 1.0) / 2.0);

            // Echogenicity: blood dark, myocardium bright, other tissue moderate, a bright pericardium line.
            const double wallOuter = 1.0 + wall / ((lvA + lvB) / 2.0);
            double echo = 0.30 + 0.08 * std::sin(r * 0.045 + theta * 3.0);
            const double inCavity = 1.0 - smoothstep(0.92, 1.04, d);
            const double inWall =
                smoothstep(0.96, 1.06, d) * (1.0 - smoothstep(wallOuter - 0.06, wallOuter + 0.04, d));
            // Pericardium: a bright line beyond the lateral and basal walls only.
            const double peri =
                std::exp(-std::pow((d - wallOuter - 0.05) / 0.03, 2.0)) * smoothstep(-0.2, 0.4, ey);
            echo = echo * (1.0 - inCavity) + 0.03 * inCavity;
            echo = echo + 0.45 * inWall + 0.5 * peri;
            const double rvx = (x - rvX) / rvB, rvy = (y - rvY) / rvA;
            const double rvd = std::sqrt(rvx * rvx + rvy * rvy);
            echo = echo * (0.1 + 0.9 * smoothstep(0.9, 1.1, rvd));
            const double nearField = 1.0 + 0.6 * std::exp(-r / 25.0);
            const double intensity = echo * s * nearField * edge;
            const double v =
                255.0 * std::clamp(std::log1p(6.0 * intensity) / std::log1p(6.0 * 1.6), 0.0, 1.0);
            const auto gray = static_cast<std::uint8_t>(std::lround(v));
            auto* p = &px[3 * (std::size_t(static_cast<unsigned>(y)) * std::size_t(static_cast<unsigned>(w)) +
                               std::size_t(static_cast<unsigned>(x)))];
            p[0] = p[1] = p[2] = gray;
        }
    }

    Canvas cv{w, h, px};
    // Depth scale along the right edge of the sector: a tick every cm, longer every 5 cm, labelled.
    const double ux = std::sin(g.halfAngleRad), uy = std::cos(g.halfAngleRad);
    for (int cm = 0; cm <= static_cast<int>(spec.depthCm); ++cm) {
        const double rr = cm / g.cmPerPixel;
        const int len = cm % 5 == 0 ? 9 : 5;
        const double bx = g.apexX + ux * rr + 4, by = g.apexY + uy * rr;
        for (int k = 0; k < len; ++k) {
            cv.set(static_cast<int>(bx) + k, static_cast<int>(by), 220, 220, 220);
        }
        if (cm % 5 == 0 && cm > 0) {
            cv.text(static_cast<int>(bx) + len + 3, static_cast<int>(by) - 3, std::to_string(cm), 1, 220, 220,
                    220);
        }
    }
    // Labels (burned in, as ultrasound machines do).
    cv.text(12, 10, "VERIDICOR DEMO", 2, 235, 235, 235);
    cv.text(12, 30, "SYNTHETIC - NOT FOR DIAGNOSIS", 1, 230, 200, 40);
    const std::string rate = std::to_string(static_cast<int>(std::lround(spec.frameRate))) + " HZ";
    cv.text(w - 12 - Canvas::textWidth(rate, 2), 10, rate, 2, 235, 235, 235);
    const std::string depth = "DEPTH " + std::to_string(static_cast<int>(std::lround(spec.depthCm))) + " CM";
    cv.text(w - 12 - Canvas::textWidth(depth, 1), 30, depth, 1, 230, 200, 40);
    cv.text(12, g.regionMinY + 40, "4V1C", 1, 200, 200, 200);
    cv.text(12, g.regionMinY + 52, "2.5 MHZ", 1, 200, 200, 200);
    // ECG strip: the whole clip's trace, a cursor at this frame's time.
    cv.text(22, g.ecgMinY - 10, "HR " + std::to_string(static_cast<int>(std::lround(spec.heartRate))), 1, 60,
            220, 90);
    const int x0 = 20, x1 = w - 20;
    const double clipSec = spec.frames / spec.frameRate;
    const double mid = (g.ecgMinY + g.ecgMaxY) / 2.0 + 8;
    const double amp = (g.ecgMaxY - g.ecgMinY) * 0.55;
    int prevY = -1;
    for (int x = x0; x <= x1; ++x) {
        const double t = (x - x0) / double(x1 - x0) * clipSec;
        const int yy = static_cast<int>(std::lround(mid - amp * ecg(std::fmod(t / period, 1.0))));
        const int from = prevY < 0 ? yy : std::min(prevY, yy), to = prevY < 0 ? yy : std::max(prevY, yy);
        for (int y = from; y <= to; ++y) {
            cv.set(x, y, 60, 220, 90);
            cv.set(x, y + 1, 60, 220, 90);
        }
        prevY = yy;
    }
    const int cursor = x0 + static_cast<int>(std::lround(tSec / clipSec * (x1 - x0)));
    for (int y = g.ecgMinY; y <= g.ecgMaxY; ++y) {
        cv.set(cursor, y, 250, 250, 250);
    }
    return px;
}

std::vector<std::uint8_t> encodeJpeg422(const std::vector<std::uint8_t>& rgb, int width, int height,
                                        int quality) {
    std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
    if (!tj)
        return {};
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    if (tjCompress2(tj.get(), rgb.data(), width, 0, height, TJPF_RGB, &buf, &size, TJSAMP_422, quality,
                    TJFLAG_ACCURATEDCT) != 0) {
        tjFree(buf);
        return {};
    }
    std::vector<std::uint8_t> out(buf, buf + size);
    tjFree(buf);
    return out;
}

namespace {

void addRegion(DcmSequenceOfItems* seq, Uint16 format, Uint16 dataType, Uint32 flags, int x0, int y0, int x1,
               int y1, Sint32 refX, Sint32 refY, Uint16 unitsX, Uint16 unitsY, double dX, double dY) {
    auto* item = new DcmItem();
    item->putAndInsertUint16(DCM_RegionSpatialFormat, format);
    item->putAndInsertUint16(DCM_RegionDataType, dataType);
    item->putAndInsertUint32(DCM_RegionFlags, flags);
    item->putAndInsertUint32(DCM_RegionLocationMinX0, static_cast<Uint32>(x0));
    item->putAndInsertUint32(DCM_RegionLocationMinY0, static_cast<Uint32>(y0));
    item->putAndInsertUint32(DCM_RegionLocationMaxX1, static_cast<Uint32>(x1));
    item->putAndInsertUint32(DCM_RegionLocationMaxY1, static_cast<Uint32>(y1));
    item->putAndInsertSint32(DCM_ReferencePixelX0, refX);
    item->putAndInsertSint32(DCM_ReferencePixelY0, refY);
    item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, unitsX);
    item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, unitsY);
    item->putAndInsertFloat64(DCM_ReferencePixelPhysicalValueX, 0.0);
    item->putAndInsertFloat64(DCM_ReferencePixelPhysicalValueY, 0.0);
    item->putAndInsertFloat64(DCM_PhysicalDeltaX, dX);
    item->putAndInsertFloat64(DCM_PhysicalDeltaY, dY);
    seq->insert(item);
}

/// `v` as printf's "%.6g" writes it in the C locale (a DICOM DS value wants '.' whatever the locale).
std::string fmtDouble(double v) {
    std::array<char, 32> buf{};
    const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::general, 6);
    return {buf.data(), result.ptr};
}

} // namespace

std::string writeEchoClip(const EchoClipSpec& spec, const std::filesystem::path& out) {
    if (spec.width <= 0 || spec.height <= 0 || spec.frames <= 0 || spec.width % 2 != 0 ||
        spec.frameRate <= 0) {
        return "invalid clip specification";
    }
    const bool jpeg = spec.encoding == EchoEncoding::JpegBaseline422;
    DcmFileFormat ff;
    DcmDataset* ds = ff.getDataset();
    const char* sopClass = UID_UltrasoundMultiframeImageStorage;
    ds->putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 100");
    ds->putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY\\CARDIAC");
    ds->putAndInsertString(DCM_SOPClassUID, sopClass);
    ds->putAndInsertString(DCM_SOPInstanceUID, spec.sopInstanceUID.c_str());
    ds->putAndInsertString(DCM_StudyDate, spec.studyDate.c_str());
    ds->putAndInsertString(DCM_SeriesDate, spec.studyDate.c_str());
    ds->putAndInsertString(DCM_ContentDate, spec.studyDate.c_str());
    ds->putAndInsertString(DCM_StudyTime, spec.studyTime.c_str());
    ds->putAndInsertString(DCM_ContentTime, spec.studyTime.c_str());
    ds->putAndInsertString(DCM_AccessionNumber, spec.accessionNumber.c_str());
    ds->putAndInsertString(DCM_Modality, "US");
    ds->putAndInsertString(DCM_Manufacturer, "Veridicor (synthetic demo)");
    ds->putAndInsertString(DCM_InstitutionName, "Veridicor Demo Hospital");
    ds->putAndInsertString(DCM_ReferringPhysicianName, "");
    ds->putAndInsertString(DCM_StudyDescription, spec.studyDescription.c_str());
    ds->putAndInsertString(DCM_SeriesDescription, "Apical view, synthetic cine");
    ds->putAndInsertString(DCM_PatientName, spec.patientName.c_str());
    ds->putAndInsertString(DCM_PatientID, spec.patientID.c_str());
    ds->putAndInsertString(DCM_PatientBirthDate, spec.patientBirthDate.c_str());
    ds->putAndInsertString(DCM_PatientSex, spec.patientSex.c_str());
    ds->putAndInsertString(DCM_StudyInstanceUID, spec.studyInstanceUID.c_str());
    ds->putAndInsertString(DCM_SeriesInstanceUID, spec.seriesInstanceUID.c_str());
    ds->putAndInsertString(DCM_StudyID, "1");
    ds->putAndInsertString(DCM_SeriesNumber, std::to_string(spec.seriesNumber).c_str());
    ds->putAndInsertString(DCM_InstanceNumber, std::to_string(spec.instanceNumber).c_str());
    ds->putAndInsertString(DCM_BurnedInAnnotation, "YES");
    const double frameTime = 1000.0 / spec.frameRate;
    ds->putAndInsertString(DCM_FrameTime, fmtDouble(frameTime).c_str());
    ds->putAndInsertString(DCM_CineRate,
                           std::to_string(static_cast<int>(std::lround(spec.frameRate))).c_str());
    ds->putAndInsertString(DCM_RecommendedDisplayFrameRate,
                           std::to_string(static_cast<int>(std::lround(spec.frameRate))).c_str());
    ds->putAndInsertString(DCM_HeartRate,
                           std::to_string(static_cast<int>(std::lround(spec.heartRate))).c_str());
    ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(spec.frames).c_str());
    {
        auto* fip = new DcmAttributeTag(DCM_FrameIncrementPointer);
        fip->putTagVal(DCM_FrameTime);
        ds->insert(fip, true);
    }
    ds->putAndInsertUint16(DCM_SamplesPerPixel, 3);
    ds->putAndInsertString(DCM_PhotometricInterpretation, jpeg ? "YBR_FULL_422" : "RGB");
    ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
    ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(spec.height));
    ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(spec.width));
    ds->putAndInsertUint16(DCM_BitsAllocated, 8);
    ds->putAndInsertUint16(DCM_BitsStored, 8);
    ds->putAndInsertUint16(DCM_HighBit, 7);
    ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
    ds->putAndInsertString(DCM_LossyImageCompression, jpeg ? "01" : "00");

    const EchoGeometry g = echoGeometry(spec);
    auto* regions = new DcmSequenceOfItems(DCM_SequenceOfUltrasoundRegions);
    // The 2D sector: X and Y in cm, the apex as reference pixel.
    addRegion(regions, 1, 1, 0, g.regionMinX, g.regionMinY, g.regionMaxX, g.regionMaxY,
              static_cast<Sint32>(std::lround(g.apexX)) - g.regionMinX,
              static_cast<Sint32>(std::lround(g.apexY)) - g.regionMinY, 3, 3, g.cmPerPixel, g.cmPerPixel);
    // The ECG strip: time along X, no physical unit along Y (not spatially calibrated).
    const double secondsPerPixel = (spec.frames / spec.frameRate) / double(spec.width - 40);
    addRegion(regions, 4, 10, 0, 20, g.ecgMinY, spec.width - 20, g.ecgMaxY, 0, 0, 4, 0, secondsPerPixel, 0.0);
    ds->insert(regions, true);

    const std::size_t frameBytes =
        std::size_t(static_cast<unsigned>(spec.width)) * std::size_t(static_cast<unsigned>(spec.height)) * 3;
    std::uint64_t compressedTotal = 0;
    if (jpeg) {
        auto* seq = new DcmPixelSequence(DCM_PixelSequenceTag);
        auto* bot = new DcmPixelItem(DCM_PixelItemTag);
        seq->insert(bot);
        DcmOffsetList offsets;
        for (int f = 0; f < spec.frames; ++f) {
            const auto rgb = renderEchoFrame(spec, f);
            auto jpg = encodeJpeg422(rgb, spec.width, spec.height, spec.jpegQuality);
            if (jpg.empty()) {
                delete seq;
                return "libjpeg-turbo could not encode frame " + std::to_string(f + 1);
            }
            compressedTotal += jpg.size();
            const OFCondition c =
                seq->storeCompressedFrame(offsets, jpg.data(), static_cast<Uint32>(jpg.size()), 0);
            if (c.bad()) {
                delete seq;
                return std::string("DCMTK could not encapsulate frame ") + std::to_string(f + 1) + ": " +
                       c.text();
            }
        }
        if (spec.basicOffsetTable && bot->createOffsetTable(offsets).bad()) {
            delete seq;
            return "DCMTK could not write the Basic Offset Table";
        }
        auto* pixel = new DcmPixelData(DCM_PixelData);
        pixel->putOriginalRepresentation(EXS_JPEGProcess1, nullptr, seq);
        ds->insert(pixel, true);
        const double ratio =
            double(frameBytes) * spec.frames / double(std::max<std::uint64_t>(compressedTotal, 1));
        ds->putAndInsertString(DCM_LossyImageCompressionRatio, fmtDouble(ratio).c_str());
        ds->putAndInsertString(DCM_LossyImageCompressionMethod, "ISO_10918_1");
    } else {
        std::vector<std::uint8_t> all;
        all.reserve(frameBytes * static_cast<std::size_t>(spec.frames));
        for (int f = 0; f < spec.frames; ++f) {
            const auto rgb = renderEchoFrame(spec, f);
            all.insert(all.end(), rgb.begin(), rgb.end());
        }
        ds->putAndInsertUint8Array(DCM_PixelData, all.data(), static_cast<unsigned long>(all.size()));
    }
    std::error_code ec;
    if (out.has_parent_path()) {
        std::filesystem::create_directories(out.parent_path(), ec);
    }
    const E_TransferSyntax xfer = jpeg ? EXS_JPEGProcess1 : EXS_LittleEndianExplicit;
    const OFCondition c = ff.saveFile(OFFilename(out.c_str()), xfer, EET_ExplicitLength, EGL_recalcGL,
                                      EPD_noChange, 0, 0, EWM_fileformat);
    if (c.bad()) {
        return "DCMTK could not write " + out.string() + ": " + c.text();
    }
    return {};
}

} // namespace veridicor::demo
