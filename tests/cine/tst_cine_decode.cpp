// Decoding real ultrasound files: the ground truth of ../shared/data/README.md (read there with DCMTK and
// pydicom), and our decoders against DCMTK's own (in-process and its command-line tools).
#include "cine_test_util.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>

#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>

using namespace veridicor;

namespace {

std::shared_ptr<cine::ClipReader> openOrFail(const QString& path) {
    auto r = cine::ClipReader::open(path.toStdString());
    if (!r) {
        qWarning("open failed: %s", r.error().message.c_str());
        return nullptr;
    }
    return *r;
}

std::array<int, 3> rgbAt(const cine::DecodedFrame& f, int row, int col) {
    const auto i = 3 * (std::size_t(row) * std::size_t(f.cols) + std::size_t(col));
    return {f.rgb[i], f.rgb[i + 1], f.rgb[i + 2]};
}

double sum(const std::vector<std::uint8_t>& v) {
    double s = 0;
    for (auto x : v)
        s += x;
    return s;
}

} // namespace

class TestCineDecode : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void uncompressedCineMatchesGroundTruth() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        const auto& info = clip->info();
        QCOMPARE(info.sopClassUID, std::string(dicom::sop::UltrasoundMultiframe));
        QCOMPARE(info.transferSyntaxUID, std::string("1.2.840.10008.1.2"));
        QCOMPARE(info.frames, 8);
        QCOMPARE(info.rows, 240);
        QCOMPARE(info.cols, 320);
        QCOMPARE(info.photometric, cine::Photometric::Rgb);
        QCOMPARE(info.bitsStored, 8);

        const std::array<double, 8> means = {55.783, 59.229, 54.628, 54.396, 48.622, 46.172, 42.419, 49.356};
        for (int f = 0; f < 8; ++f) {
            auto d = clip->decode(f);
            QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
            QCOMPARE(d->kind, cine::DecodedFrame::Kind::Rgb8);
            const double mean = sum(d->rgb) / double(d->rgb.size());
            QVERIFY2(std::abs(mean - means[f]) < 0.0005,
                     qPrintable(QStringLiteral("frame %1 mean %2").arg(f).arg(mean, 0, 'f', 4)));
            if (f == 0) {
                QCOMPARE(sum(d->rgb), 12852518.0);
                QCOMPARE(rgbAt(*d, 120, 160), (std::array<int, 3>{242, 145, 6}));
                QCOMPARE(rgbAt(*d, 0, 0), (std::array<int, 3>{0, 255, 0}));
            }
            if (f == 3)
                QCOMPARE(rgbAt(*d, 100, 200), (std::array<int, 3>{225, 199, 0}));
            if (f == 7)
                QCOMPARE(rgbAt(*d, 120, 160), (std::array<int, 3>{132, 132, 134}));
        }
    }

    void frameTimeVectorWithNonZeroFirstValue() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        const auto& t = clip->info().timing;
        QCOMPARE(t.source(), cine::TimingSource::FrameTimeVector);
        const std::array<double, 8> expected = {33.333, 50, 33.333, 50, 50, 50, 33.333, 43.333};
        QCOMPARE(t.frameCount(), 8);
        for (int i = 0; i < 8; ++i) {
            QCOMPARE(t.durationMs(i), expected[i]);
        }
        QCOMPARE(t.startMs(2), 83.333);
        QCOMPARE(t.totalMs(), 343.332);
        QCOMPARE(clip->info().heartRate.value_or(0), 150.0);
    }

    void ultrasoundRegionsOfTheCine() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        const auto& regions = clip->info().regions;
        QCOMPARE(regions.size(), std::size_t{2});
        const auto it =
            std::find_if(regions.begin(), regions.end(), [](const auto& r) { return r.spatialFormat == 1; });
        QVERIFY(it != regions.end());
        QCOMPARE(it->minX0, 0);
        QCOMPARE(it->maxX1, 319);
        QCOMPARE(it->minY0, 16);
        QCOMPARE(it->maxY1, 217);
        QCOMPARE(it->unitsX, 3);
        QCOMPARE(it->unitsY, 3);
        QVERIFY(std::abs(it->physicalDeltaX - (-0.229375)) < 1e-6);
        QVERIFY(std::abs(it->physicalDeltaY - 0.229375) < 1e-6);
        QVERIFY(it->isSpatiallyCalibrated());
        QVERIFY(!regions[0].isSpatiallyCalibrated()); // format 0, no units
    }

    void jpegWithoutOffsetTableGroupsFragmentsIntoFrames() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        QCOMPARE(clip->fragmentCount(), 44);
        QCOMPARE(clip->frameFirstFragments(), (std::vector<int>{0, 6, 12, 18, 23, 28, 33, 38}));
        // Frames 4 and 6 (0-based) end FF D9 00: the pad byte after the end marker is kept out of the way.
        for (int f : {4, 6}) {
            auto bytes = clip->frameBytes(f);
            QVERIFY(bytes.hasValue());
            const auto& b = *bytes;
            QCOMPARE(int(b[b.size() - 3]), 0xFF);
            QCOMPARE(int(b[b.size() - 2]), 0xD9);
            QCOMPARE(int(b[b.size() - 1]), 0x00);
        }
        for (int f = 0; f < 8; ++f) {
            auto d = clip->decode(f);
            QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
            QCOMPARE(d->decoder, std::string("libjpeg-turbo"));
        }
        auto f0 = clip->decode(0);
        auto f7 = clip->decode(7);
        QCOMPARE(rgbAt(*f0, 120, 160), (std::array<int, 3>{240, 151, 9}));
        QCOMPARE(rgbAt(*f7, 120, 160), (std::array<int, 3>{131, 131, 131}));
    }

    void jpegAgainstUncompressedLoop() {
        VERIDICOR_SHARED_FILE(jpegPath, "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        VERIDICOR_SHARED_FILE(rawPath, "us/IM00001.implicit_little_endian.dcm");
        auto jpeg = openOrFail(jpegPath);
        auto raw = openOrFail(rawPath);
        QVERIFY(jpeg && raw);
        int maxDiff = 0;
        double total = 0;
        std::size_t n = 0;
        for (int f = 0; f < 8; ++f) {
            auto a = jpeg->decode(f);
            auto b = raw->decode(f);
            QVERIFY(a && b);
            const auto d = test::diff(a->rgb, b->rgb);
            maxDiff = std::max(maxDiff, d.max);
            total += d.mean * double(d.count);
            n += d.count;
        }
        // README: maximum difference 37, mean 2.18 (read with DCMTK).
        QCOMPARE(maxDiff, 37);
        QVERIFY2(std::abs(total / double(n) - 2.18) < 0.005, qPrintable(QString::number(total / double(n))));
    }

    void libjpegTurboAgreesWithDcmtkDecoder() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        for (int f = 0; f < 8; ++f) {
            auto ours = clip->decode(f, cine::JpegDecoder::Auto);
            auto dcmtk = clip->decode(f, cine::JpegDecoder::Dcmtk);
            QVERIFY(ours && dcmtk);
            QCOMPARE(ours->decoder, std::string("libjpeg-turbo"));
            QCOMPARE(dcmtk->decoder, std::string("DCMTK"));
            // libjpeg-turbo's accurate IDCT and upsampling are bit-exact with IJG 6b, which DCMTK embeds.
            QCOMPARE(test::diff(ours->rgb, dcmtk->rgb).max, 0);
        }
    }

    void jpegFramesAgainstDcmj2pnm() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        QTemporaryDir dir;
        // Without an offset table dcmj2pnm decodes frames only in order: all of them, one file each.
        const QString out = dir.filePath(QStringLiteral("f.ppm"));
        const auto rc =
            test::runDcmtkTool(QStringLiteral("dcmj2pnm"), {QStringLiteral("--write-raw-pnm"),
                                                            QStringLiteral("--all-frames"), path, out});
        if (!rc)
            QSKIP("dcmj2pnm (Debian package dcmtk) is not installed");
        QCOMPARE(*rc, 0);
        auto clip = openOrFail(path);
        QVERIFY(clip);
        for (int f = 0; f < 8; ++f) {
            int w = 0, h = 0;
            auto ref = test::readPnm(out + QStringLiteral(".%1.ppm").arg(f), w, h);
            QVERIFY(ref.has_value());
            QCOMPARE(w, 320);
            QCOMPARE(h, 240);
            auto ours = clip->decode(f);
            QVERIFY(ours.hasValue());
            QCOMPARE(test::diff(ours->rgb, *ref).max, 0);
        }
    }

    void jpeg2000LosslessEqualsUncompressed() {
        VERIDICOR_SHARED_FILE(j2kPath, "us/US1_J2KR.dcm");
        VERIDICOR_SHARED_FILE(rawPath, "us/US1_UNCR.dcm");
        auto j2k = openOrFail(j2kPath);
        auto raw = openOrFail(rawPath);
        QVERIFY(j2k && raw);
        QCOMPARE(j2k->info().photometric, cine::Photometric::YbrRct);
        auto a = j2k->decode(0);
        auto b = raw->decode(0);
        QVERIFY2(a.hasValue(), a ? "" : a.error().message.c_str());
        QVERIFY(b.hasValue());
        QCOMPARE(a->decoder, std::string("OpenJPEG"));
        QCOMPARE(sum(b->rgb), 31821736.0);
        QCOMPARE(rgbAt(*b, 240, 320), (std::array<int, 3>{12, 12, 12}));
        QVERIFY(a->rgb == b->rgb);
    }

    void paletteColorIndicesAndLookup() {
        VERIDICOR_SHARED_FILE(path, "us/OBXXXX1A.dcm");
        auto clip = openOrFail(path);
        QVERIFY(clip);
        const auto& info = clip->info();
        QCOMPARE(info.photometric, cine::Photometric::PaletteColor);
        QVERIFY(info.palette);
        QCOMPARE(info.palette->bits, 16);
        QCOMPARE(info.palette->red.size(), std::size_t{256});
        auto d = clip->decode(0);
        QVERIFY(d.hasValue());
        QCOMPARE(d->kind, cine::DecodedFrame::Kind::Values);
        QCOMPARE(d->values[300 * 800 + 400], 1);
        QCOMPARE(d->values[0], 244);
        double s = 0;
        for (auto v : d->values)
            s += v;
        QCOMPARE(s, 15277394.0);
        // Regions: a calibrated 2D region and a waveform region.
        QCOMPARE(info.regions.size(), std::size_t{2});
        QVERIFY(info.regions[0].isSpatiallyCalibrated());
        QVERIFY(std::abs(info.regions[0].physicalDeltaX - 0.026228787661969974) < 1e-12);
    }

    void paletteColorAgainstDcm2pnm() {
        VERIDICOR_SHARED_FILE(path, "us/OBXXXX1A.dcm");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("ob.ppm"));
        const auto rc =
            test::runDcmtkTool(QStringLiteral("dcm2pnm"), {QStringLiteral("--write-raw-pnm"), path, out});
        if (!rc)
            QSKIP("dcm2pnm (Debian package dcmtk) is not installed");
        QCOMPARE(*rc, 0);
        int w = 0, h = 0;
        auto ref = test::readPnm(out, w, h);
        QVERIFY(ref.has_value());
        auto clip = openOrFail(path);
        auto shown = clip->decodeForDisplay(0, clip->info().defaultWindow());
        QVERIFY(shown.hasValue());
        QCOMPARE(shown->width, w);
        QCOMPARE(shown->height, h);
        const auto d = test::diff(shown->pixels, *ref);
        QVERIFY2(d.max == 0, qPrintable(QStringLiteral("max %1 mean %2").arg(d.max).arg(d.mean)));
    }
};

QTEST_GUILESS_MAIN(TestCineDecode)
#include "tst_cine_decode.moc"
