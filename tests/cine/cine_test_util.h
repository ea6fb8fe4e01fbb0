#pragma once
// Helpers for the cine tests: decoding to flat buffers, comparing images, DCMTK's command-line decoders as an
// independent reference, and synthetic clips written into a temporary folder.

#include "echo_synth.h"
#include "test_data.h"

#include <veridicor/cine/clip_reader.h>

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QString>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::test {

struct Diff {
    int max = 0;
    double mean = 0.0;
    std::size_t count = 0;
};

inline Diff diff(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
    Diff d;
    if (a.size() != b.size() || a.empty()) {
        d.max = 256;
        return d;
    }
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const int v = std::abs(int(a[i]) - int(b[i]));
        d.max = std::max(d.max, v);
        sum += v;
    }
    d.count = a.size();
    d.mean = sum / double(a.size());
    return d;
}

/// An 8-bit binary PPM (P6) or PGM (P5) as written by dcm2pnm/dcmj2pnm: RGB bytes (gray is expanded).
inline std::optional<std::vector<std::uint8_t>> readPnm(const QString& path, int& width, int& height) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray all = f.readAll();
    int pos = 0;
    auto token = [&]() -> QByteArray {
        while (pos < all.size()) {
            if (all[pos] == '#') {
                while (pos < all.size() && all[pos] != '\n')
                    ++pos;
            } else if (std::isspace(static_cast<unsigned char>(all[pos])) != 0) {
                ++pos;
            } else {
                break;
            }
        }
        const int start = pos;
        while (pos < all.size() && std::isspace(static_cast<unsigned char>(all[pos])) == 0)
            ++pos;
        return all.mid(start, pos - start);
    };
    const QByteArray magic = token();
    width = token().toInt();
    height = token().toInt();
    const int maxv = token().toInt();
    ++pos; // single whitespace after the header
    if ((magic != "P6" && magic != "P5") || maxv != 255 || width <= 0 || height <= 0)
        return std::nullopt;
    const std::size_t px = std::size_t(width) * std::size_t(height);
    const std::size_t need = magic == "P6" ? px * 3 : px;
    if (std::size_t(all.size() - pos) < need)
        return std::nullopt;
    std::vector<std::uint8_t> out(px * 3);
    const auto* d = reinterpret_cast<const std::uint8_t*>(all.constData() + pos);
    for (std::size_t i = 0; i < px; ++i) {
        for (int c = 0; c < 3; ++c) {
            out[3 * i + std::size_t(c)] = magic == "P6" ? d[3 * i + std::size_t(c)] : d[i];
        }
    }
    return out;
}

/// Runs a DCMTK command-line tool (dcm2pnm, dcmj2pnm, …); empty optional when it is not installed.
inline std::optional<int> runDcmtkTool(const QString& tool, const QStringList& args,
                                       QString* output = nullptr) {
    const QString exe = QStandardPaths::findExecutable(tool);
    if (exe.isEmpty())
        return std::nullopt;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(exe, args);
    if (!p.waitForFinished(120000))
        return -1;
    if (output != nullptr)
        *output = QString::fromLocal8Bit(p.readAll());
    return p.exitCode();
}

/// A small synthetic echo clip (JPEG 4:2:2 or native RGB) written into `dir`.
inline QString writeSyntheticClip(const QString& dir, const QString& name, demo::EchoEncoding enc,
                                  int frames = 8, int width = 160, int height = 120, bool bot = true) {
    demo::EchoClipSpec spec;
    spec.width = width;
    spec.height = height;
    spec.frames = frames;
    spec.encoding = enc;
    spec.basicOffsetTable = bot;
    const QString path = dir + QLatin1Char('/') + name;
    const std::string err = demo::writeEchoClip(spec, path.toStdString());
    return err.empty() ? path : QString();
}

/// Where a Pixel Data value's bytes start in a file (explicit VR little endian), walked from the last Pixel
/// Data (7FE0,0010) header: native → the value (frame f at + f × frame bytes); encapsulated → fragment
/// `fragment` (0 = the first after the Basic Offset Table). -1 when the walk fails. `length` (optional)
/// receives the fragment's length.
inline qsizetype pixelBytesOffset(const QByteArray& file, bool encapsulated, int fragment = 0,
                                  quint32* length = nullptr) {
    const qsizetype tag = file.lastIndexOf(QByteArray("\xE0\x7F\x10\x00", 4));
    if (tag < 0 || tag + 12 > file.size()) {
        return -1;
    }
    auto u32At = [&file](qsizetype i) {
        const auto* p = reinterpret_cast<const unsigned char*>(file.constData() + i);
        return quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16) | (quint32(p[3]) << 24);
    };
    qsizetype at = tag + 12;
    if (!encapsulated) {
        if (length != nullptr) {
            *length = u32At(tag + 8);
        }
        return at;
    }
    for (int item = 0; item <= fragment + 1; ++item) { // the offset table, then the fragments
        if (at + 8 > file.size() || u32At(at) != 0xE000FFFEU) {
            return -1;
        }
        if (item == fragment + 1) {
            if (length != nullptr) {
                *length = u32At(at + 4);
            }
            return at + 8;
        }
        at += 8 + static_cast<qsizetype>(u32At(at + 4));
    }
    return -1;
}

inline std::vector<std::uint8_t> rgbOf(const cine::DecodedFrame& f) {
    return f.rgb;
}

} // namespace veridicor::test
