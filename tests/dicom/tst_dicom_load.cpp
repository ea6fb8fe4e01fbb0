// Loading DICOM safely: recognised by content, and every kind of bad file named for what it is.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sniff.h>
#include <veridicor/dicom/sop_classes.h>

#include <dcmtk/dcmdata/dcdeftag.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;

class TestDicomLoad : public QObject {
    Q_OBJECT

    static QByteArray readAll(const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QString write(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
        QString path = dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
            return {};
        }
        return path;
    }

private slots:
    void initTestCase() { QVERIFY2(dicom::initializeDicom().hasValue(), "DCMTK environment"); }

    void deflatedWaveformLoads() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        auto loaded = dicom::loadFile(path.toStdString());
        QVERIFY2(loaded.hasValue(), loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->transferSyntaxUID, std::string("1.2.840.10008.1.2.1.99"));
        QCOMPARE(dicom::getString(loaded->dataset(), DCM_SOPClassUID),
                 std::string(dicom::sop::HemodynamicWaveform));
        QCOMPARE(dicom::getString(loaded->dataset(), DCM_Modality), std::string("ECG"));
    }

    void recognisedByContentNotExtension() {
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        QTemporaryDir dir;
        const QString renamed = write(dir, QStringLiteral("scan.jpg"), readAll(path));
        QVERIFY(dicom::looksLikeDicomFile(renamed.toStdString()));
        const QString text =
            write(dir, QStringLiteral("notes.dcm"), QByteArray("Patient notes, not DICOM.\n"));
        QVERIFY(!dicom::looksLikeDicomFile(text.toStdString()));
    }

    void bareDatasetWithoutPreambleIsRecognised() {
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        auto loaded = dicom::loadFile(path.toStdString());
        QVERIFY(loaded.hasValue());
        QTemporaryDir dir;
        const QString bare = dir.filePath(QStringLiteral("bare"));
        QVERIFY(loaded->dataset()->saveFile(bare.toStdString().c_str(), EXS_LittleEndianImplicit).good());
        QVERIFY(dicom::looksLikeDicomFile(bare.toStdString()));
        auto again = dicom::loadFile(bare.toStdString());
        QVERIFY2(again.hasValue(), again ? "" : again.error().message.c_str());
        QCOMPARE(dicom::getString(again->dataset(), DCM_SOPInstanceUID),
                 dicom::getString(loaded->dataset(), DCM_SOPInstanceUID));
    }

    void missingFileIsUnreadable() {
        auto r = dicom::loadFile("/nonexistent/veridicor/file.dcm");
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Unreadable);
        QVERIFY(r.error().message.find("does not exist") != std::string::npos);
    }

    void folderIsUnreadable() {
        QTemporaryDir dir;
        auto r = dicom::loadFile(dir.path().toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::Unreadable);
    }

    void textFileIsNotDicom() {
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("a.dcm"), QByteArray(300, 'x'));
        auto r = dicom::loadFile(path.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::NotDicom);
    }

    void emptyFileIsNotDicom() {
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("empty.dcm"), QByteArray());
        auto r = dicom::loadFile(path.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::NotDicom);
    }

    void truncatedFileIsReportedAsTruncated_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<double>("keep");
        QTest::newRow("image, half") << QStringLiteral("us/US1_UNCR.dcm") << 0.5;
        QTest::newRow("image, 7 bytes short") << QStringLiteral("us/US1_UNCR.dcm") << -7.0;
        QTest::newRow("deflated waveform, half") << QStringLiteral("ecg/wave_dfl.dcm") << 0.5;
        QTest::newRow("header only") << QStringLiteral("us/US1_UNCR.dcm") << -1.0e9;
    }
    void truncatedFileIsReportedAsTruncated() {
        QFETCH(QString, rel);
        QFETCH(double, keep);
        const QString path = veridicor::test::sharedFile(rel);
        if (path.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const QByteArray all = readAll(path);
        qsizetype n = 0;
        if (keep > 0) {
            n = static_cast<qsizetype>(all.size() * keep);
        } else if (keep > -1.0e8) {
            n = all.size() + static_cast<qsizetype>(keep);
        } else {
            n = 400; // inside the header: the preamble and the start of the meta information
        }
        QTemporaryDir dir;
        const QString cut = write(dir, QStringLiteral("cut.dcm"), all.left(n));
        auto r = dicom::loadFile(cut.toStdString());
        QVERIFY2(!r.hasValue(), "a truncated file must not load as if complete");
        QVERIFY2(r.error().code == dicom::ErrorCode::Truncated, r.error().message.c_str());
        QVERIFY(r.error().message.find("truncated") != std::string::npos);
    }

    void fileSizeLimitIsEnforcedBeforeReading() {
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        dicom::LoadOptions opts;
        opts.maxFileBytes = 1000;
        auto r = dicom::loadFile(path.toStdString(), opts);
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, dicom::ErrorCode::TooLarge);
    }

    void bufferLoads() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QByteArray bytes = readAll(path);
        auto r = dicom::loadBuffer(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        QVERIFY2(r.hasValue(), r ? "" : r.error().message.c_str());
        QCOMPARE(dicom::getString(r->dataset(), DCM_Modality), std::string("ECG"));
    }

    void uidNamesComeFromTheStandard() {
        QCOMPARE(dicom::uidName(dicom::sop::TwelveLeadEcg), std::string("TwelveLeadECGWaveformStorage"));
        QCOMPARE(dicom::uidName("1.2.3.4.5"), std::string("1.2.3.4.5"));
        QCOMPARE(dicom::uidDisplayName(dicom::sop::TwelveLeadEcg),
                 std::string("Twelve Lead ECG Waveform Storage"));
        QCOMPARE(dicom::uidDisplayName(dicom::sop::UltrasoundMultiframe),
                 std::string("Ultrasound Multiframe Image Storage"));
    }
};

QTEST_GUILESS_MAIN(TestDicomLoad)
#include "tst_dicom_load.moc"
