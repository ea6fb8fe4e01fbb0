#pragma once
// Helpers for tests: where the shared real data and the build's generated files are.

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>
#include <QtTest/QTest>

namespace veridicor::test {

/// The folder of real public test data (../shared/data), or an empty string when it is absent.
inline QString sharedDataDir() {
    QString dir = qEnvironmentVariable("VERIDICOR_SHARED_DATA");
    if (dir.isEmpty()) {
        dir = QStringLiteral(VERIDICOR_DEFAULT_SHARED_DATA);
    }
    return QFileInfo(dir).isDir() ? QDir(dir).absolutePath() : QString();
}

/// Absolute path of a file under the shared data folder, or empty when it is absent.
inline QString sharedFile(const QString& relative) {
    const QString dir = sharedDataDir();
    if (dir.isEmpty()) {
        return {};
    }
    const QString path = QDir(dir).filePath(relative);
    return QFileInfo::exists(path) ? path : QString();
}

/// The build tree (for generated demo files and built programs).
inline QString buildDir() {
    const QString dir = qEnvironmentVariable("VERIDICOR_BUILD_DIR");
    return dir.isEmpty() ? QStringLiteral(VERIDICOR_DEFAULT_BUILD_DIR) : dir;
}

} // namespace veridicor::test

/// Declares `var` as the absolute path of shared data file `rel`; skips the test with a clear message when
/// the shared data (../shared/data) is absent, as it is in a clone without it.
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage): it declares `var` in the caller; QSKIP returns from it.
#define VERIDICOR_SHARED_FILE(var, rel)                                                                      \
    const QString var = veridicor::test::sharedFile(QStringLiteral(rel));                                    \
    if ((var).isEmpty())                                                                                     \
    QSKIP("shared test data " rel " is absent (../shared/data is not next to this checkout); test skipped")
