// Bad input: one test per class. Broken copies of clips made here — truncated files and Pixel Data, fewer
// fragments than frames, a corrupt JPEG frame, absurd sizes — give a clear error for what cannot be shown;
// the frames that can be shown still decode; nothing crashes and nothing allocates what the header claims
// unchecked.
#include "../verify/independent_digest.h"
#include "cine_test_util.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/cine/frame_cache.h>
#include <veridicor/dicom/dicom_env.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

using namespace veridicor;

namespace {

long peakRssKb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

QByteArray readAll(const QString& p) {
    QFile f(p);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString& p, const QByteArray& b) {
    QFile f(p);
    return f.open(QIODevice::WriteOnly) && f.write(b) == b.size();
}

/// Loads `src` completely, lets `edit` change it, saves it in its own transfer syntax as `dst`.
template <class Edit> bool editCopy(const QString& src, const QString& dst, Edit edit) {
    DcmFileFormat ff;
    if (ff.loadFile(OFFilename(src.toStdString().c_str())).bad())
        return false;
    DcmDataset* ds = ff.getDataset();
    const E_TransferSyntax xfer = ds->getOriginalXfer();
    ds->loadAllDataIntoMemory();
    edit(*ds);
    return ff.saveFile(OFFilename(dst.toStdString().c_str()), xfer).good();
}

DcmPixelItem* fragment(DcmDataset& ds, unsigned long index) {
    DcmElement* el = nullptr;
    if (ds.findAndGetElement(DCM_PixelData, el).bad())
        return nullptr;
    auto* pd = dynamic_cast<DcmPixelData*>(el);
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter* param = nullptr;
    pd->getOriginalRepresentationKey(xfer, param);
    DcmPixelSequence* seq = nullptr;
    if (pd->getEncapsulatedRepresentation(xfer, param, seq).bad() || seq == nullptr)
        return nullptr;
    DcmPixelItem* item = nullptr;
    return seq->getItem(item, index).good() ? item : nullptr;
}

} // namespace

class TestCineBadInput : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_jpeg, m_native;
    [[nodiscard]] QString path(const QString& name) const { return m_dir.filePath(name); }

    std::shared_ptr<cine::ClipReader> mustOpen(const QString& p) {
        auto r = cine::ClipReader::open(p.toStdString());
        if (!r)
            qWarning("%s", r.error().message.c_str());
        return r ? *r : nullptr;
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        m_jpeg = test::writeSyntheticClip(m_dir.path(), QStringLiteral("clip.dcm"),
                                          demo::EchoEncoding::JpegBaseline422);
        m_native = test::writeSyntheticClip(m_dir.path(), QStringLiteral("clip_raw.dcm"),
                                            demo::EchoEncoding::NativeRgb);
        QVERIFY(!m_jpeg.isEmpty() && !m_native.isEmpty());
    }

    void truncatedFileShowsTheFramesBeforeTheCut() {
        const QByteArray all = readAll(m_native);
        const int frameBytes = 160 * 120 * 3;
        const QString cut = path(QStringLiteral("cut_raw.dcm"));
        QVERIFY(writeBytes(cut, all.left(all.size() - frameBytes * 5 / 2))); // ends inside frame 6 (of 8)
        auto clip = mustOpen(cut);
        QVERIFY(clip);
        QVERIFY(!clip->info().notes.empty());
        QVERIFY(QString::fromStdString(clip->info().notes.front()).contains(QStringLiteral("truncated")));
        for (int f = 0; f < 5; ++f) {
            QVERIFY2(clip->decode(f).hasValue(), qPrintable(QString::number(f)));
        }
        for (int f = 5; f < 8; ++f) {
            auto d = clip->decode(f);
            QVERIFY(!d.hasValue());
            QCOMPARE(d.error().code, cine::ErrorCode::Truncated);
            QVERIFY2(
                QString::fromStdString(d.error().message).contains(QStringLiteral("frame %1").arg(f + 1)),
                d.error().message.c_str());
        }
    }

    void truncatedJpegFileShowsTheFramesBeforeTheCut() {
        const QByteArray all = readAll(m_jpeg);
        const QString cut = path(QStringLiteral("cut_jpeg.dcm"));
        // Frames are about the same size: cutting 1.5 frames' worth ends inside frame 7.
        auto whole = mustOpen(m_jpeg);
        QVERIFY(whole);
        const auto last = whole->frameBytes(7);
        QVERIFY(last.hasValue());
        QVERIFY(writeBytes(cut, all.left(all.size() - int(last->size() * 3 / 2))));
        auto clip = mustOpen(cut);
        QVERIFY(clip);
        int good = 0;
        for (int f = 0; f < 8; ++f) {
            auto d = clip->decode(f);
            if (d) {
                ++good;
                QVERIFY(d->rgb == whole->decode(f)->rgb);
            } else {
                QVERIFY(d.error().code == cine::ErrorCode::Truncated ||
                        d.error().code == cine::ErrorCode::MissingFrame);
            }
        }
        QCOMPARE(good, 6);
    }

    void theContentIsDigestedOnceAtOpen_data() {
        QTest::addColumn<bool>("jpeg");
        QTest::newRow("native RGB") << false;
        QTest::newRow("JPEG baseline, one fragment per frame") << true;
    }
    void theContentIsDigestedOnceAtOpen() {
        // The reader's content digest is dicom-pixeldata-v1 of what the file holds (dcmdump cuts the value or
        // the fragments out, openssl hashes them), with the file's UIDs and modality.
        QFETCH(bool, jpeg);
        for (const char* tool : {"dcmdump", "openssl"}) {
            if (!test::haveTool(QString::fromLatin1(tool))) {
                QSKIP("dcmdump or openssl is missing");
            }
        }
        const QString p = jpeg ? m_jpeg : m_native;
        auto clip = mustOpen(p);
        QVERIFY(clip);
        QVERIFY2(clip->content().has_value(), clip->contentProblem().c_str());
        const auto value = test::pixelDataByDcmdump(p, jpeg);
        QVERIFY(value.has_value());
        QCOMPARE(clip->content()->kind, dicom::ContentKind::PixelData);
        QCOMPARE(clip->content()->sha256, *test::opensslSha256OfBytes(*value));
        QCOMPARE(clip->content()->hashedBytes, static_cast<std::uint64_t>(value->size()));
        QCOMPARE(clip->content()->modality, std::string("US"));
        QCOMPARE(clip->content()->sopInstanceUID, clip->info().sopInstanceUID);
    }

    void aFrameChangedOnDiskAfterOpenIsBadNotDecoded_data() {
        QTest::addColumn<bool>("jpeg");
        QTest::newRow("native RGB") << false;
        QTest::newRow("JPEG baseline") << true;
    }
    void aFrameChangedOnDiskAfterOpenIsBadNotDecoded() {
        // The clip is opened (and digested); then the file is rewritten in place: frame 5's bytes change, the
        // size and every offset stay. Reading frame 5 later gives ChangedOnDisk — not a decoded picture of
        // bytes nobody checked (the native change would decode fine) — while the other frames still play.
        QFETCH(bool, jpeg);
        const QString p = path(jpeg ? QStringLiteral("changing.dcm") : QStringLiteral("changing_raw.dcm"));
        QVERIFY(writeBytes(p, readAll(jpeg ? m_jpeg : m_native)));
        auto clip = mustOpen(p);
        QVERIFY(clip);
        QVERIFY(clip->content().has_value());
        const std::string digestAtOpen = clip->content()->sha256;
        const auto frame5 = clip->frameBytes(5);
        QVERIFY(frame5.hasValue());
        const QByteArray before = readAll(p);
        // Where frame 5's bytes are in the file, walked from the Pixel Data header.
        if (jpeg) {
            QCOMPARE(clip->frameFirstFragments()[5], 5); // one fragment per frame
        }
        quint32 length = 0;
        qsizetype at = test::pixelBytesOffset(before, jpeg, 5, &length);
        QVERIFY(at > 0);
        if (jpeg) {
            QCOMPARE(length, static_cast<quint32>(frame5->size()));
        } else {
            at += 5 * static_cast<qsizetype>(frame5->size());
        }
        QCOMPARE(before.mid(at, 256),
                 QByteArray(reinterpret_cast<const char*>(frame5->data()), 256)); // found it
        {
            QFile f(p);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const qsizetype middle = at + static_cast<qsizetype>(frame5->size() / 2);
            QVERIFY(f.seek(middle));
            const char flipped = static_cast<char>(before[middle] ^ 0x5A);
            QCOMPARE(f.write(&flipped, 1), qint64{1});
        }
        QCOMPARE(QFileInfo(p).size(), before.size());

        auto d = clip->decode(5);
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().code, cine::ErrorCode::ChangedOnDisk);
        QVERIFY2(QString::fromStdString(d.error().message).contains(QStringLiteral("changed on disk")),
                 d.error().message.c_str());
        QVERIFY2(QString::fromStdString(d.error().message).contains(QStringLiteral("frame 6")),
                 d.error().message.c_str());
        QCOMPARE(clip->frameBytes(5).error().code, cine::ErrorCode::ChangedOnDisk);
        QVERIFY(!clip->decodeForDisplay(5, clip->info().defaultWindow()).hasValue());
        for (int f : {0, 4, 6, 7}) {
            QVERIFY2(clip->decode(f).hasValue(), qPrintable(QString::number(f)));
        }
        // The digest of what the reader shows is still that of the bytes read at open.
        QCOMPARE(clip->content()->sha256, digestAtOpen);

        // Through the frame cache (as the view plays): frame 5 comes back bad, with the reason.
        cine::FrameCache cache(
            clip->info().frames, std::size_t(160) * 120 * 3,
            [clip](int f, const cine::WindowLevel& w) { return clip->decodeForDisplay(f, w); }, {},
            clip->info().defaultWindow());
        cache.setWanted({5, 4});
        auto bad = cache.waitFor(5, std::chrono::seconds(10));
        QVERIFY(bad != nullptr);
        QVERIFY(bad->isBad());
        QCOMPARE(bad->error->code, cine::ErrorCode::ChangedOnDisk);
        auto good = cache.waitFor(4, std::chrono::seconds(10));
        QVERIFY(good != nullptr && !good->isBad());
    }

    void truncatedHeaderIsAClearError() {
        const QString cut = path(QStringLiteral("cut_header.dcm"));
        QVERIFY(writeBytes(cut, readAll(m_jpeg).left(400)));
        auto r = cine::ClipReader::open(cut.toStdString());
        QVERIFY(!r.hasValue());
        QVERIFY2(r.error().code == cine::ErrorCode::Truncated || r.error().code == cine::ErrorCode::Malformed,
                 r.error().message.c_str());
    }

    void pixelDataShorterThanTheFramesItClaims() {
        const QString p = path(QStringLiteral("short_pixels.dcm"));
        QVERIFY(
            editCopy(m_native, p, [](DcmDataset& ds) { ds.putAndInsertString(DCM_NumberOfFrames, "10"); }));
        auto clip = mustOpen(p);
        QVERIFY(clip);
        QCOMPARE(clip->info().frames, 10);
        for (int f = 0; f < 8; ++f)
            QVERIFY(clip->decode(f).hasValue());
        for (int f : {8, 9}) {
            auto d = clip->decode(f);
            QVERIFY(!d.hasValue());
            QCOMPARE(d.error().code, cine::ErrorCode::Truncated);
            QVERIFY2(QString::fromStdString(d.error().message)
                         .contains(QStringLiteral("enough for 8 of 10 frames")),
                     d.error().message.c_str());
        }
    }

    void fewerFragmentsThanFrames() {
        const QString p = path(QStringLiteral("few_fragments.dcm"));
        QVERIFY(editCopy(m_jpeg, p, [](DcmDataset& ds) { ds.putAndInsertString(DCM_NumberOfFrames, "11"); }));
        auto clip = mustOpen(p);
        QVERIFY(clip);
        QCOMPARE(clip->fragmentCount(), 8);
        for (int f = 0; f < 8; ++f)
            QVERIFY(clip->decode(f).hasValue());
        for (int f = 8; f < 11; ++f) {
            auto d = clip->decode(f);
            QVERIFY(!d.hasValue());
            QCOMPARE(d.error().code, cine::ErrorCode::MissingFrame);
            QVERIFY2(QString::fromStdString(d.error().message).contains(QStringLiteral("8 fragments")),
                     d.error().message.c_str());
        }
    }

    void corruptJpegFrameIsMarkedAndTheOthersPlay() {
        const QString p = path(QStringLiteral("corrupt.dcm"));
        QVERIFY(editCopy(m_jpeg, p, [](DcmDataset& ds) {
            DcmPixelItem* item = fragment(ds, 4); // item 0 is the offset table: frame 3 (0-based)
            QVERIFY(item != nullptr);
            Uint8* bytes = nullptr;
            QVERIFY(item->getUint8Array(bytes).good());
            const Uint32 n = item->getLength();
            // Keep the JPEG header; scramble the middle of the entropy-coded data.
            std::uint32_t x = 12345;
            for (Uint32 i = n * 2 / 5; i < n * 3 / 5; ++i) {
                x = x * 1103515245u + 12345u;
                bytes[i] = static_cast<Uint8>(x >> 16);
            }
        }));
        auto clip = mustOpen(p);
        auto original = mustOpen(m_jpeg);
        QVERIFY(clip && original);
        auto bad = clip->decode(3);
        QVERIFY(!bad.hasValue());
        QCOMPARE(bad.error().code, cine::ErrorCode::DecodeFailed);
        QVERIFY2(QString::fromStdString(bad.error().message).contains(QStringLiteral("frame 4")),
                 bad.error().message.c_str());
        QVERIFY2(QString::fromStdString(bad.error().message).contains(QStringLiteral("corrupt")),
                 bad.error().message.c_str());
        for (int f : {0, 1, 2, 4, 5, 6, 7}) {
            auto d = clip->decode(f);
            QVERIFY(d.hasValue());
            QVERIFY(d->rgb == original->decode(f)->rgb);
        }
        // Through the frame cache, as the view plays it: frame 4 is marked bad, the others are ready.
        const auto& info = clip->info();
        cine::FrameCache cache(
            info.frames, std::size_t(info.rows) * info.cols * 3,
            [clip](int f, const cine::WindowLevel& w) { return clip->decodeForDisplay(f, w); }, {},
            info.defaultWindow());
        cache.setWanted({0, 1, 2, 3, 4, 5, 6, 7});
        for (int f = 0; f < 8; ++f) {
            auto e = cache.waitFor(f, std::chrono::seconds(20));
            QVERIFY(e);
            QCOMPARE(e->isBad(), f == 3);
            if (f == 3)
                QCOMPARE(e->error->code, cine::ErrorCode::DecodeFailed);
        }
    }

    void jpegSizeDisagreesWithTheHeader() {
        const QString p = path(QStringLiteral("wrong_rows.dcm"));
        QVERIFY(editCopy(m_jpeg, p, [](DcmDataset& ds) { ds.putAndInsertUint16(DCM_Rows, 100); }));
        auto clip = mustOpen(p);
        QVERIFY(clip);
        auto d = clip->decode(0);
        QVERIFY(!d.hasValue());
        QCOMPARE(d.error().code, cine::ErrorCode::DecodeFailed);
        QVERIFY2(QString::fromStdString(d.error().message).contains(QStringLiteral("160×120")),
                 d.error().message.c_str());
    }

    void absurdSizes_data() {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<QString>("frames");
        QTest::addColumn<int>("code");
        QTest::newRow("65535 × 65535")
            << 65535 << 65535 << QStringLiteral("8") << int(cine::ErrorCode::TooLarge);
        QTest::newRow("a billion frames")
            << 120 << 160 << QStringLiteral("999999999") << int(cine::ErrorCode::TooLarge);
        QTest::newRow("negative frames")
            << 120 << 160 << QStringLiteral("-3") << int(cine::ErrorCode::Malformed);
        QTest::newRow("frames not a number")
            << 120 << 160 << QStringLiteral("lots") << int(cine::ErrorCode::Malformed);
        QTest::newRow("zero rows") << 0 << 160 << QStringLiteral("8") << int(cine::ErrorCode::Malformed);
        // Plausible header, far more than the Pixel Data holds: refused before anything is allocated for it.
        QTest::newRow("4096² × 90000 frames")
            << 4096 << 4096 << QStringLiteral("90000") << int(cine::ErrorCode::Truncated);
    }
    void absurdSizes() {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(QString, frames);
        QFETCH(int, code);
        const QString p = path(QStringLiteral("absurd_%1_%2_%3.dcm").arg(rows).arg(cols).arg(frames));
        QVERIFY(editCopy(m_native, p, [&](DcmDataset& ds) {
            ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rows));
            ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(cols));
            ds.putAndInsertString(DCM_NumberOfFrames, frames.toLatin1().constData());
        }));
        const long before = peakRssKb();
        auto r = cine::ClipReader::open(p.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(int(r.error().code), code);
        QVERIFY(!r.error().message.empty());
        QVERIFY2(peakRssKb() - before < 64L * 1024, "opening allocated more than 64 MiB");
    }

    void unsupportedBitDepthAndMissingPalette() {
        const QString bits = path(QStringLiteral("bits32.dcm"));
        QVERIFY(
            editCopy(m_native, bits, [](DcmDataset& ds) { ds.putAndInsertUint16(DCM_BitsAllocated, 32); }));
        auto r = cine::ClipReader::open(bits.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, cine::ErrorCode::Unsupported);

        const QString pal = path(QStringLiteral("palette_without_lut.dcm"));
        QVERIFY(editCopy(m_native, pal, [](DcmDataset& ds) {
            ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
            ds.putAndInsertString(DCM_PhotometricInterpretation, "PALETTE COLOR");
        }));
        r = cine::ClipReader::open(pal.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, cine::ErrorCode::Malformed);
        QVERIFY2(QString::fromStdString(r.error().message).contains(QStringLiteral("Palette")),
                 r.error().message.c_str());
    }

    void unsupportedTransferSyntax() {
        const QString p = path(QStringLiteral("mpeg.dcm"));
        DcmFileFormat ff;
        QVERIFY(ff.loadFile(OFFilename(m_jpeg.toStdString().c_str())).good());
        ff.getMetaInfo()->putAndInsertString(DCM_TransferSyntaxUID, "1.2.840.10008.1.2.4.100");
        // Written byte for byte as it was read, only the meta header says MPEG-2.
        QVERIFY(ff.saveFile(OFFilename(p.toStdString().c_str()), EXS_JPEGProcess1, EET_ExplicitLength,
                            EGL_recalcGL, EPD_noChange, 0, 0, EWM_dontUpdateMeta)
                    .good());
        auto r = cine::ClipReader::open(p.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, cine::ErrorCode::Unsupported);
    }

    void randomCorruptionNeverCrashes() {
        // Deterministic byte mutations anywhere in the file: whatever opens must decode or say why not.
        const QByteArray jpeg = readAll(m_jpeg);
        const QByteArray raw = readAll(m_native);
        std::uint32_t x = 0x9E3779B9u;
        auto next = [&x] {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            return x;
        };
        int opened = 0, decoded = 0, refused = 0;
        for (int round = 0; round < 120; ++round) {
            QByteArray bytes = (round % 2 == 0) ? jpeg : raw;
            const int changes = 1 + int(next() % 12);
            for (int c = 0; c < changes; ++c) {
                // Half the mutations in the first 2 KB (the header), half anywhere.
                const int span = (c % 2 == 0) ? std::min<int>(2048, int(bytes.size())) : int(bytes.size());
                bytes[int(next() % std::uint32_t(span))] = char(next() & 0xFF);
            }
            const QString p = path(QStringLiteral("mutant_%1.dcm").arg(round));
            QVERIFY(writeBytes(p, bytes));
            auto r = cine::ClipReader::open(p.toStdString());
            if (!r) {
                ++refused;
                QVERIFY(!r.error().message.empty());
                continue;
            }
            ++opened;
            for (int f = 0; f < std::min((*r)->info().frames, 16); ++f) {
                auto d = (*r)->decodeForDisplay(f, (*r)->info().defaultWindow());
                if (d) {
                    ++decoded;
                    QCOMPARE(d->pixels.size(), std::size_t(d->width) * std::size_t(d->height) * 3);
                } else {
                    QVERIFY(!d.error().message.empty());
                }
            }
            QFile::remove(p);
        }
        qInfo("mutants: %d opened (%d frames decoded), %d refused with a reason", opened, decoded, refused);
    }

    void notDicomAndMissingFiles() {
        const QString text = path(QStringLiteral("notes.dcm"));
        QVERIFY(writeBytes(text, QByteArray("An echo report, not DICOM.\\n")));
        auto r = cine::ClipReader::open(text.toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, cine::ErrorCode::NotDicom);
        r = cine::ClipReader::open(path(QStringLiteral("absent.dcm")).toStdString());
        QVERIFY(!r.hasValue());
        QCOMPARE(r.error().code, cine::ErrorCode::Unreadable);
    }
};

QTEST_GUILESS_MAIN(TestCineBadInput)
#include "tst_cine_bad_input.moc"
