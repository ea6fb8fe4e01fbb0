#pragma once
// Helpers for the ECG view's GL tests: recordings made in code with known samples, the OpenGL format the
// programs use, and pixel scans of rendered pages.

#include <veridicor/ecg/recording.h>

#include <QGuiApplication>
#include <QImage>
#include <QRect>
#include <QSurfaceFormat>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::test {

using ecg::Channel;
using ecg::Recording;
using ecg::WaveformGroup;

/// What app/gui/main.cpp and the CLI set before the application exists: OpenGL 3.2 core on xcb.
inline void useAppSurfaceFormat() {
    QSurfaceFormat fmt;
    fmt.setRenderableType(QSurfaceFormat::OpenGL);
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    fmt.setAlphaBufferSize(8);
    fmt.setSamples(0);
    QSurfaceFormat::setDefaultFormat(fmt);
    QGuiApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
}

/// A sample to set in a synthetic recording: lead name, time (s), value (mV).
struct Spike {
    std::string lead;
    double seconds;
    double millivolts;
};

/// 12 standard leads at `samplingHz` for `seconds`, all 0 mV except the spikes (one sample each). Stored as
/// integers of 1 µV (sensitivity 1 uV), so every value is exact.
inline std::shared_ptr<Recording> syntheticRecording(double samplingHz, double seconds,
                                                     const std::vector<Spike>& spikes) {
    auto rec = std::make_shared<Recording>();
    rec->sopClassUID = "1.2.840.10008.5.1.4.1.1.9.1.1";
    rec->modality = "ECG";
    rec->patient.name = "Synthetic^Spike";
    rec->patient.id = "SPIKE-1";
    rec->acquisition.manufacturer = "Veridicor tests";
    WaveformGroup g;
    g.label = "RHYTHM";
    g.originality = "ORIGINAL";
    g.samplingHz = samplingHz;
    g.samples = static_cast<std::size_t>(std::llround(samplingHz * seconds));
    for (const char* name : {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"}) {
        Channel c;
        c.label = name;
        c.units = "uV";
        c.sensitivity = 1.0;
        c.unitsToMicrovolts = 1.0;
        c.raw.assign(g.samples, 0);
        for (const Spike& s : spikes) {
            if (s.lead == name) {
                c.raw[static_cast<std::size_t>(std::llround(s.seconds * samplingHz))] =
                    static_cast<std::int32_t>(std::llround(s.millivolts * 1000.0));
            }
        }
        g.channels.push_back(std::move(c));
    }
    rec->groups.push_back(std::move(g));
    return rec;
}

/// Trace ink: dark pixels (the grid's pinks and reds are far lighter in at least one channel).
inline bool isInk(QRgb c) {
    return qRed(c) < 110 && qGreen(c) < 110 && qBlue(c) < 110;
}

/// The top-most ink pixel inside `area` (scanning rows top-down, then columns left-right), or nullopt.
inline std::optional<QPoint> topmostInk(const QImage& img, QRect area) {
    area = area.intersected(img.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            if (isInk(img.pixel(x, y)))
                return QPoint(x, y);
        }
    }
    return std::nullopt;
}

/// The bottom-most ink pixel inside `area`, or nullopt.
inline std::optional<QPoint> bottommostInk(const QImage& img, QRect area) {
    area = area.intersected(img.rect());
    for (int y = area.bottom(); y >= area.top(); --y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            if (isInk(img.pixel(x, y)))
                return QPoint(x, y);
        }
    }
    return std::nullopt;
}

/// Number of ink pixels inside `area`.
inline int inkCount(const QImage& img, QRect area) {
    area = area.intersected(img.rect());
    int n = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            n += isInk(img.pixel(x, y)) ? 1 : 0;
        }
    }
    return n;
}

} // namespace veridicor::test
