// Input digests on real files, each checked against independent tools (DCMTK's dcmdump/dcmconv and openssl).
#include "independent_digest.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/input_digest.h>

#include <QtTest>

using namespace veridicor;
using namespace veridicor::test;

class TestInputDigest : public QObject {
    Q_OBJECT

    static void requireTools() {
        for (const char* tool : {"dcmdump", "dcmconv", "openssl"}) {
            if (!haveTool(QString::fromLatin1(tool))) {
                QSKIP("an independent tool (dcmdump, dcmconv, openssl) is missing");
            }
        }
    }

private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void waveform() {
        requireTools();
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        auto in = verify::openInput(path.toStdString());
        QVERIFY2(in.hasValue(), in ? "" : in.error().message.c_str());
        QCOMPARE(in->method, verify::DigestMethod::DicomWaveformV1);
        QCOMPARE(in->modality, std::string("ECG"));
        QCOMPARE(in->hashedBytes, std::uint64_t{12 * 2400 * 2}); // 12 channels × 2400 samples × 16 bits
        QCOMPARE(in->subjectName, std::string("1.3.6.1.4.1.6018.3.999"));
        auto bytes = waveformDataByDcmconv(path);
        QVERIFY(bytes.has_value());
        QCOMPARE(bytes->size(), qsizetype{57600});
        QCOMPARE(in->digest, *opensslSha256OfBytes(*bytes));
    }

    void pixelData_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<bool>("encapsulated");
        QTest::addColumn<qulonglong>("bytes");
        QTest::newRow("native OB, explicit LE (US1_UNCR)")
            << QStringLiteral("us/US1_UNCR.dcm") << false << 921600ULL;
        QTest::newRow("native OW, implicit LE (IM00001)")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm") << false << 1843200ULL;
        QTest::newRow("JPEG baseline, 44 fragments, empty BOT")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm") << true << 0ULL;
        QTest::newRow("JPEG 2000 lossless (US1_J2KR)") << QStringLiteral("us/US1_J2KR.dcm") << true << 0ULL;
        QTest::newRow("palette colour (OBXXXX1A)") << QStringLiteral("us/OBXXXX1A.dcm") << false << 480000ULL;
    }
    void pixelData() {
        QFETCH(QString, rel);
        QFETCH(bool, encapsulated);
        QFETCH(qulonglong, bytes);
        requireTools();
        const QString path = sharedFile(rel);
        if (path.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        auto in = verify::openInput(path.toStdString());
        QVERIFY2(in.hasValue(), in ? "" : in.error().message.c_str());
        QCOMPARE(in->method, verify::DigestMethod::DicomPixelDataV1);
        QCOMPARE(in->modality, std::string("US"));
        auto value = pixelDataByDcmdump(path, encapsulated);
        QVERIFY(value.has_value());
        QCOMPARE(in->hashedBytes, static_cast<std::uint64_t>(value->size()));
        if (bytes != 0) {
            QCOMPARE(in->hashedBytes, std::uint64_t{bytes});
        }
        QCOMPARE(in->digest, *opensslSha256OfBytes(*value));
    }

    void wholeFiles_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<QString>("kind");
        QTest::newRow("WFDB signal (100.dat)")
            << QStringLiteral("ecg/100.dat") << QStringLiteral("WFDB signal");
        QTest::newRow("HL7 aECG") << QStringLiteral("ecg/example-aecg.xml") << QStringLiteral("HL7 aECG");
    }
    void wholeFiles() {
        QFETCH(QString, rel);
        QFETCH(QString, kind);
        if (!haveTool(QStringLiteral("openssl"))) {
            QSKIP("openssl is missing");
        }
        const QString path = sharedFile(rel);
        if (path.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        auto in = verify::openInput(path.toStdString());
        QVERIFY(in.hasValue());
        QCOMPARE(in->method, verify::DigestMethod::FileV1);
        QCOMPARE(in->kind, kind.toStdString());
        QCOMPARE(in->modality, std::string("ECG"));
        QCOMPARE(in->subjectName, QFileInfo(path).fileName().toStdString());
        QVERIFY(in->studyInstanceUID.empty());
        QCOMPARE(in->digest, *opensslSha256(path));
        QCOMPARE(in->hashedBytes, static_cast<std::uint64_t>(QFileInfo(path).size()));
    }

    void theSameDigestFromAnAlreadyLoadedFile() {
        VERIDICOR_SHARED_FILE(path, "us/US1_J2KR.dcm");
        auto loaded = dicom::loadFile(path.toStdString());
        QVERIFY(loaded.hasValue());
        auto a = verify::inputFromDicom(*loaded);
        auto b = verify::openInput(path.toStdString());
        QVERIFY(a.hasValue() && b.hasValue());
        QCOMPARE(a->digest, b->digest);
    }

    void reencodingChangesThePixelDigest() {
        // J2KR decodes to exactly US1_UNCR's pixels, yet the digests differ: dicom-pixeldata-v1 binds the
        // stored bytes, so a finding made on the compressed file does not verify on a re-encoded copy.
        VERIDICOR_SHARED_FILE(j2k, "us/US1_J2KR.dcm");
        VERIDICOR_SHARED_FILE(raw, "us/US1_UNCR.dcm");
        QVERIFY(verify::openInput(j2k.toStdString())->digest != verify::openInput(raw.toStdString())->digest);
    }

    void problemsAreErrors() {
        auto missing = verify::openInput("/nonexistent/veridicor.dcm");
        QVERIFY(!missing.hasValue());
        QCOMPARE(missing.error().code, verify::ErrorCode::Unreadable);
        QTemporaryDir dir;
        auto folder = verify::openInput(dir.path().toStdString());
        QVERIFY(!folder.hasValue());
        QCOMPARE(folder.error().code, verify::ErrorCode::Unreadable);
        // A DICOM file with neither waveforms nor pixel data: nothing to bind a finding to.
        VERIDICOR_SHARED_FILE(sr, "sr/reportsi.dcm");
        auto r = verify::openInput(sr.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, verify::ErrorCode::Unsupported);
        // Truncated DICOM is refused, not digested.
        VERIDICOR_SHARED_FILE(us, "us/US1_UNCR.dcm");
        QFile src(us);
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QString cut = dir.filePath(QStringLiteral("cut.dcm"));
        QFile dst(cut);
        QVERIFY(dst.open(QIODevice::WriteOnly));
        dst.write(src.read(src.size() / 2));
        dst.close();
        auto t = verify::openInput(cut.toStdString());
        QVERIFY(!t.hasValue());
        QCOMPARE(t.error().code, verify::ErrorCode::Invalid);
        // An unrecognised file is file-v1 of unknown modality.
        const QString other = dir.filePath(QStringLiteral("notes.txt"));
        QFile n(other);
        QVERIFY(n.open(QIODevice::WriteOnly));
        n.write("hello");
        n.close();
        auto u = verify::openInput(other.toStdString());
        QVERIFY(u.hasValue());
        QCOMPARE(u->method, verify::DigestMethod::FileV1);
        QVERIFY(u->modality.empty());
    }
};

QTEST_GUILESS_MAIN(TestInputDigest)
#include "tst_input_digest.moc"
