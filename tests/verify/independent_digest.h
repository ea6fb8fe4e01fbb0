#pragma once
// Ground truth for input digests from independent tools: DCMTK's command-line programs (dcmdump +W writes the
// pixel data value or each fragment to files; dcmconv rewrites a file as explicit little endian so that the
// Waveform Data value can be sliced out of the bytes) and the openssl command (SHA-256). None of this uses
// the code under test.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <optional>

namespace veridicor::test {

inline bool haveTool(const QString& name) {
    return !QStandardPaths::findExecutable(name).isEmpty();
}

/// Runs a program; its stdout, or nullopt when it fails.
inline std::optional<QByteArray> runTool(const QString& program, const QStringList& args,
                                         const QByteArray& input = {}) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted(10000)) {
        return std::nullopt;
    }
    if (!input.isEmpty()) {
        p.write(input);
    }
    p.closeWriteChannel();
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        return std::nullopt;
    }
    return p.readAllStandardOutput();
}

/// `openssl dgst -sha256` of a file's bytes: lowercase hex.
inline std::optional<std::string> opensslSha256(const QString& file) {
    auto out = runTool(QStringLiteral("openssl"),
                       {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-r"), file});
    if (!out) {
        return std::nullopt;
    }
    return out->split(' ').front().trimmed().toStdString();
}

inline std::optional<std::string> opensslSha256OfBytes(const QByteArray& bytes) {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bytes"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
        return std::nullopt;
    }
    f.close();
    return opensslSha256(path);
}

/// The Pixel Data value (native) or its fragments after the Basic Offset Table (encapsulated), as dcmdump +W
/// writes them: item 0 is the value (native) or the offset table (encapsulated); 1..n are the fragments.
inline std::optional<QByteArray> pixelDataByDcmdump(const QString& dicomFile, bool encapsulated) {
    QTemporaryDir dir;
    if (!runTool(QStringLiteral("dcmdump"), {QStringLiteral("+W"), dir.path(), dicomFile})) {
        return std::nullopt;
    }
    QStringList files = QDir(dir.path()).entryList({QStringLiteral("*.raw")}, QDir::Files);
    auto index = [](const QString& name) {
        return name.section(QLatin1Char('.'), -2, -2).toInt();
    };
    std::sort(files.begin(), files.end(),
              [&](const QString& a, const QString& b) { return index(a) < index(b); });
    QByteArray all;
    for (const QString& name : files) {
        if (encapsulated && index(name) == 0) {
            continue; // the Basic Offset Table
        }
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) {
            return std::nullopt;
        }
        all += f.readAll();
    }
    return all;
}

/// Every Waveform Data (5400,1010) value of a file: dcmconv rewrites it as explicit VR little endian
/// (inflating deflated files), then the bytes after each "00 54 10 10 'O' 'W' 00 00 <length>" header are
/// taken.
inline std::optional<QByteArray> waveformDataByDcmconv(const QString& dicomFile) {
    QTemporaryDir dir;
    const QString le = dir.filePath(QStringLiteral("le.dcm"));
    if (!runTool(QStringLiteral("dcmconv"), {QStringLiteral("+te"), dicomFile, le})) {
        return std::nullopt;
    }
    QFile f(le);
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    const QByteArray header("\x00\x54\x10\x10OW\x00\x00", 8);
    QByteArray all;
    qsizetype at = 0;
    while ((at = bytes.indexOf(header, at)) >= 0) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.constData() + at + 8);
        const qsizetype len = p[0] | (p[1] << 8) | (p[2] << 16) | (qsizetype{p[3]} << 24);
        all += bytes.mid(at + 12, len);
        at += 12 + len;
    }
    return all.isEmpty() ? std::nullopt : std::optional<QByteArray>(all);
}

} // namespace veridicor::test
