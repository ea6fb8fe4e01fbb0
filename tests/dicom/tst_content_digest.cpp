// Content digests (dicom-waveform-v1, dicom-pixeldata-v1) streamed from files, against independent tools
// (DCMTK's dcmdump/dcmconv cut the values out, openssl hashes them): the same whether values are in memory
// or left on disk, and every byte seen once, in order, by an observer (per fragment, per frame).
#include "../verify/independent_digest.h"
#include "test_data.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcfcache.h>

#include <QtTest>

#include <map>

using namespace veridicor;
using namespace veridicor::test;

class TestContentDigest : public QObject {
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

    void pixelDataInMemoryOrOnDisk_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<bool>("encapsulated");
        QTest::newRow("native RGB, implicit LE")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm") << false;
        QTest::newRow("JPEG baseline, 44 fragments")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm") << true;
        QTest::newRow("JPEG 2000") << QStringLiteral("us/US1_J2KR.dcm") << true;
    }
    void pixelDataInMemoryOrOnDisk() {
        QFETCH(QString, rel);
        QFETCH(bool, encapsulated);
        requireTools();
        const QString path = sharedFile(rel);
        if (path.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const auto value = pixelDataByDcmdump(path, encapsulated);
        QVERIFY(value.has_value());
        const std::string expected = *opensslSha256OfBytes(*value);
        for (const std::uint32_t lazy : {std::uint32_t{0}, std::uint32_t{4096}}) {
            dicom::LoadOptions options;
            options.lazyValueBytes = lazy; // 4096: Pixel Data stays on disk and is streamed from the file
            auto loaded = dicom::loadFile(path.toStdString(), options);
            QVERIFY(loaded.hasValue());
            auto id = dicom::contentIdentity(*loaded->dataset());
            QVERIFY2(id.hasValue(), id ? "" : id.error().message.c_str());
            QCOMPARE(id->kind, dicom::ContentKind::PixelData);
            QCOMPARE(id->sha256, expected);
            QCOMPARE(id->hashedBytes, static_cast<std::uint64_t>(value->size()));
            QCOMPARE(id->modality, std::string("US"));
            QVERIFY(!id->sopInstanceUID.empty());
        }
    }

    void theObserverSeesEveryFragmentInOrder() {
        requireTools();
        VERIDICOR_SHARED_FILE(path, "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        const auto value = pixelDataByDcmdump(path, true);
        QVERIFY(value.has_value());
        dicom::LoadOptions lo;
        lo.lazyValueBytes = 4096;
        auto loaded = dicom::loadFile(path.toStdString(), lo);
        QVERIFY(loaded.hasValue());
        DcmFileCache cache;
        std::map<std::size_t, QByteArray> parts;
        QByteArray all;
        bool ordered = true;
        std::size_t lastPart = 0;
        dicom::DigestOptions o;
        o.pieceBytes = 1000;
        o.cache = &cache;
        o.observer = [&](const dicom::ValuePiece& p) {
            ordered = ordered && p.size <= 1000 && p.part >= lastPart &&
                      p.offset == static_cast<std::uint64_t>(parts[p.part].size());
            lastPart = p.part;
            const QByteArray bytes(reinterpret_cast<const char*>(p.data), static_cast<qsizetype>(p.size));
            parts[p.part] += bytes;
            all += bytes;
        };
        auto d = dicom::pixelDataDigest(*loaded->dataset(), o);
        QVERIFY(d.hasValue());
        QVERIFY(ordered);
        QCOMPARE(parts.size(), std::size_t{44}); // the 44 fragments after the (empty) offset table
        QCOMPARE(all, *value);
        QCOMPARE(d->sha256, *opensslSha256OfBytes(all));
    }

    void nativePiecesCanBeWholeFrames() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        dicom::LoadOptions lo;
        lo.lazyValueBytes = 4096;
        auto loaded = dicom::loadFile(path.toStdString(), lo);
        QVERIFY(loaded.hasValue());
        const std::size_t frame = std::size_t{240} * 320 * 3;
        std::vector<std::uint64_t> offsets;
        dicom::DigestOptions o;
        o.pieceBytes = frame;
        o.observer = [&](const dicom::ValuePiece& p) {
            QCOMPARE(p.size, frame);
            QCOMPARE(p.part, std::size_t{0});
            offsets.push_back(p.offset);
        };
        auto d = dicom::pixelDataDigest(*loaded->dataset(), o);
        QVERIFY(d.hasValue());
        QCOMPARE(offsets.size(), std::size_t{8});
        for (std::size_t f = 0; f < offsets.size(); ++f) {
            QCOMPARE(offsets[f], f * frame);
        }
    }

    void waveformOfADeflatedFile() {
        requireTools();
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        auto loaded = dicom::loadFile(path.toStdString());
        QVERIFY(loaded.hasValue());
        auto id = dicom::contentIdentity(*loaded->dataset());
        QVERIFY(id.hasValue());
        QCOMPARE(id->kind, dicom::ContentKind::Waveform);
        QCOMPARE(dicom::contentMethodName(dicom::contentMethod(id->kind, 1)),
                 std::string_view("dicom-waveform-v1"));
        QCOMPARE(id->digest(dicom::ContentMethod::WaveformV1), id->sha256);
        QCOMPARE(id->digest(dicom::ContentMethod::WaveformV2), id->sha256V2);
        QVERIFY(id->digest(dicom::ContentMethod::PixelDataV1).empty());
        QCOMPARE(id->modality, std::string("ECG"));
        QCOMPARE(id->sopInstanceUID, std::string("1.3.6.1.4.1.6018.3.999"));
        QCOMPARE(id->hashedBytes, std::uint64_t{57600});
        QCOMPARE(id->sha256, *opensslSha256OfBytes(*waveformDataByDcmconv(path)));
    }

    void sameContentComparesDigestUidsAndModality() {
        dicom::ContentIdentity a;
        a.kind = dicom::ContentKind::Waveform;
        a.sha256 = std::string(64, 'a');
        a.sha256V2 = std::string(64, 'c');
        a.sopInstanceUID = "1.2.3";
        a.studyInstanceUID = "1.2";
        a.seriesInstanceUID = "1.2.4";
        a.modality = "ECG";
        QVERIFY(a.sameContent(a));
        auto changed = [&a](auto edit) {
            dicom::ContentIdentity b = a;
            edit(b);
            return b;
        };
        QVERIFY(!a.sameContent(changed([](auto& b) { b.kind = dicom::ContentKind::PixelData; })));
        QVERIFY(!a.sameContent(changed([](auto& b) { b.sha256[0] = 'b'; })));
        QVERIFY(!a.sameContent(changed([](auto& b) { b.sha256V2[0] = 'b'; }))); // a header attribute changed
        QVERIFY(!a.sameContent(changed([](auto& b) { b.sopInstanceUID = "1.2.5"; })));
        QVERIFY(!a.sameContent(changed([](auto& b) { b.studyInstanceUID = "1.3"; })));
        QVERIFY(!a.sameContent(changed([](auto& b) { b.seriesInstanceUID = "1.2.6"; })));
        QVERIFY(!a.sameContent(changed([](auto& b) { b.modality = "US"; })));
    }

    void sha256OfKnownText() {
        // FIPS 180-2 example "abc".
        QCOMPARE(dicom::toHex(dicom::sha256("abc", 3)),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }
};

QTEST_GUILESS_MAIN(TestContentDigest)
#include "tst_content_digest.moc"
