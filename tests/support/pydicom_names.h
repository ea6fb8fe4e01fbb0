#pragma once
// Ground truth for DICOM text: the patient names pydicom decodes from the character-set files pydicom ships
// (Debian python3-pydicom, data/charset_files), by tests/tools/reference_names.py, which shares no code with
// ours.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <vector>

namespace veridicor::test {

/// One character-set file and the name pydicom decodes from it.
struct PydicomName {
    QString file;    ///< absolute path
    QString value;   ///< the decoded PN value, str(PersonName)
    QString display; ///< the display format of dicom/text.h, built by the script from pydicom's value
    QString
        where; ///< "dataset", or the sequence item that holds the name ("RequestedProcedureCodeSequence[0]")
};

/// The folder of pydicom's character-set files, or empty when python3-pydicom is not installed.
inline QString pydicomCharsetDir() {
    const QString dir = QStringLiteral("/usr/lib/python3/dist-packages/pydicom/data/charset_files");
    return QFileInfo(dir).isDir() ? dir : QString();
}

/// Every charset file with a patient name, decoded by pydicom; empty when /usr/bin/python3 with pydicom
/// cannot be run (the caller skips then).
inline std::vector<PydicomName> pydicomNames() {
    const QString dir = pydicomCharsetDir();
    if (dir.isEmpty()) {
        return {};
    }
    QStringList args{QStringLiteral(VERIDICOR_SOURCE_DIR "/tests/tools/reference_names.py")};
    const auto files = QDir(dir).entryInfoList({QStringLiteral("*.dcm")}, QDir::Files, QDir::Name);
    for (const QFileInfo& f : files) {
        args << f.absoluteFilePath();
    }
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"), args);
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        return {};
    }
    std::vector<PydicomName> out;
    const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
    for (const QByteArray& line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty() || o.value(QStringLiteral("value")).isNull()) {
            continue;
        }
        out.push_back(
            {o.value(QStringLiteral("file")).toString(), o.value(QStringLiteral("value")).toString(),
             o.value(QStringLiteral("display")).toString(), o.value(QStringLiteral("where")).toString()});
    }
    return out;
}

/// Writes `out`: the DICOM file `target` with the Specific Character Set and the Patient's Name of
/// `charsetFile` as stored there (the bytes, not decoded), so that a view of another kind shows a name
/// pydicom decoded.
inline bool withNameBytesOf(const QString& charsetFile, const QString& target, const QString& out) {
    DcmFileFormat from;
    DcmFileFormat to;
    if (from.loadFile(charsetFile.toStdString().c_str()).bad() ||
        to.loadFile(target.toStdString().c_str()).bad()) {
        return false;
    }
    OFString charset;
    OFString name;
    if (from.getDataset()->findAndGetOFStringArray(DCM_PatientName, name).bad()) {
        return false;
    }
    from.getDataset()->findAndGetOFStringArray(DCM_SpecificCharacterSet, charset);
    DcmDataset* ds = to.getDataset();
    return ds->putAndInsertString(DCM_SpecificCharacterSet, charset.c_str()).good() &&
           ds->putAndInsertString(DCM_PatientName, name.c_str()).good() &&
           to.saveFile(out.toStdString().c_str()).good();
}

} // namespace veridicor::test

/// Declares `var` as pydicom's names (pydicomNames()); skips the test with a clear message when pydicom or its
/// character-set files are missing. A macro because QSKIP must return from the test function itself.
// NOLINTNEXTLINE(cppcoreguidelines-macro-usage): QSKIP returns from the caller, a function cannot
#define VERIDICOR_PYDICOM_NAMES(var)                                                                         \
    const auto var = ::veridicor::test::pydicomNames();                                                      \
    if ((var).empty())                                                                                       \
    QSKIP("pydicom's charset_files or /usr/bin/python3 with pydicom (Debian python3-pydicom) are missing")
