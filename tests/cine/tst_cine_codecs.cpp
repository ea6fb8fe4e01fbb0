// Every encoding and photometric interpretation the cine view reads, on clips made here: the synthetic echo
// (JPEG 4:2:2 against the same frames uncompressed), DCMTK-transcoded copies (RLE, JPEG-LS, JPEG lossless,
// JPEG 12-bit, deflated, implicit VR), OpenJPEG irreversible (YBR_ICT), native YBR, planar RGB, monochrome
// with window/level, 16-bit and segmented palettes, and the SOP classes the registry routes to the cine view.
#include "cine_test_util.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <openjpeg.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <cstring>

using namespace veridicor;

namespace {

std::shared_ptr<cine::ClipReader> open(const QString& path) {
    auto r = cine::ClipReader::open(path.toStdString());
    if (!r) {
        qWarning("open %s failed: %s", qPrintable(path), r.error().message.c_str());
        return nullptr;
    }
    return *r;
}

/// A dataset with the Image Pixel module and native Pixel Data.
std::unique_ptr<DcmFileFormat> makeImage(const char* sopClass, int rows, int cols, int frames, int spp,
                                         int bits, int stored, bool isSigned, const char* pi, int planar,
                                         const std::vector<std::uint8_t>& pixels) {
    auto ff = std::make_unique<DcmFileFormat>();
    DcmDataset* ds = ff->getDataset();
    std::array<char, 100> uid{};
    ds->putAndInsertString(DCM_SOPClassUID, sopClass);
    ds->putAndInsertString(DCM_SOPInstanceUID,
                           dcmGenerateUniqueIdentifier(uid.data(), SITE_INSTANCE_UID_ROOT));
    ds->putAndInsertString(DCM_StudyInstanceUID,
                           dcmGenerateUniqueIdentifier(uid.data(), SITE_STUDY_UID_ROOT));
    ds->putAndInsertString(DCM_SeriesInstanceUID,
                           dcmGenerateUniqueIdentifier(uid.data(), SITE_SERIES_UID_ROOT));
    ds->putAndInsertString(DCM_Modality, "US");
    ds->putAndInsertString(DCM_PatientName, "TEST^CODECS");
    ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rows));
    ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(cols));
    ds->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(spp));
    ds->putAndInsertString(DCM_PhotometricInterpretation, pi);
    if (spp == 3)
        ds->putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(planar));
    ds->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(bits));
    ds->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(stored));
    ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(stored - 1));
    ds->putAndInsertUint16(DCM_PixelRepresentation, isSigned ? 1 : 0);
    if (frames > 1) {
        ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(frames).c_str());
        ds->putAndInsertString(DCM_FrameTime, "40");
    }
    if (bits == 16) {
        ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels.data()),
                                    static_cast<unsigned long>(pixels.size() / 2));
    } else {
        ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
    }
    return ff;
}

QString save(DcmFileFormat& ff, const QString& path, E_TransferSyntax xfer,
             const DcmRepresentationParameter* param = nullptr) {
    DcmDataset* ds = ff.getDataset();
    if (DcmXfer(xfer).isEncapsulated()) {
        const OFCondition c = ds->chooseRepresentation(xfer, param);
        if (c.bad() || !ds->canWriteXfer(xfer)) {
            qWarning("DCMTK cannot encode %s: %s", DcmXfer(xfer).getXferName(), c.text());
            return {};
        }
    }
    const OFCondition c = ff.saveFile(OFFilename(path.toStdString().c_str()), xfer);
    if (c.bad()) {
        qWarning("save failed: %s", c.text());
        return {};
    }
    return path;
}

std::vector<std::uint8_t> testPattern(int rows, int cols) {
    std::vector<std::uint8_t> rgb(std::size_t(rows) * std::size_t(cols) * 3);
    for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < cols; ++x) {
            auto* p = &rgb[3 * (std::size_t(y) * std::size_t(cols) + std::size_t(x))];
            p[0] = static_cast<std::uint8_t>((x * 7 + y * 3) & 0xFF);
            p[1] = static_cast<std::uint8_t>((255 - y * 5) & 0xFF);
            p[2] = static_cast<std::uint8_t>(((x ^ y) * 11) & 0xFF);
        }
    }
    return rgb;
}

/// The DICOM/JFIF full-range RGB → YCbCr (PS3.3 C.7.6.3.1.2), computed here independently of the decoder.
void rgbToYbr(const std::uint8_t* rgb, int& y, int& cb, int& cr) {
    const double r = rgb[0], g = rgb[1], b = rgb[2];
    y = static_cast<int>(std::lround(0.299 * r + 0.587 * g + 0.114 * b));
    cb = static_cast<int>(std::lround(-0.168736 * r - 0.331264 * g + 0.5 * b + 128));
    cr = static_cast<int>(std::lround(0.5 * r - 0.418688 * g - 0.081312 * b + 128));
    y = std::clamp(y, 0, 255);
    cb = std::clamp(cb, 0, 255);
    cr = std::clamp(cr, 0, 255);
}

// --- an OpenJPEG encoder into memory, for YBR_ICT test data ---
struct OutBuf {
    std::vector<std::uint8_t> data;
    std::size_t pos = 0;
};
OPJ_SIZE_T writeFn(void* buf, OPJ_SIZE_T n, void* user) {
    auto* o = static_cast<OutBuf*>(user);
    if (o->pos + n > o->data.size())
        o->data.resize(o->pos + n);
    std::memcpy(o->data.data() + o->pos, buf, n);
    o->pos += n;
    return n;
}
OPJ_OFF_T skipFn(OPJ_OFF_T n, void* user) {
    auto* o = static_cast<OutBuf*>(user);
    o->pos += static_cast<std::size_t>(n);
    if (o->pos > o->data.size())
        o->data.resize(o->pos);
    return n;
}
OPJ_BOOL seekFn(OPJ_OFF_T n, void* user) {
    static_cast<OutBuf*>(user)->pos = static_cast<std::size_t>(n);
    return OPJ_TRUE;
}

std::vector<std::uint8_t> encodeJ2kIrreversible(const std::vector<std::uint8_t>& rgb, int w, int h) {
    std::array<opj_image_cmptparm_t, 3> parms{};
    for (auto& p : parms) {
        p.dx = p.dy = 1;
        p.w = static_cast<OPJ_UINT32>(w);
        p.h = static_cast<OPJ_UINT32>(h);
        p.prec = 8;
        p.sgnd = 0;
    }
    opj_image_t* img = opj_image_create(3, parms.data(), OPJ_CLRSPC_SRGB);
    img->x1 = static_cast<OPJ_UINT32>(w);
    img->y1 = static_cast<OPJ_UINT32>(h);
    for (std::size_t i = 0; i < std::size_t(w) * std::size_t(h); ++i) {
        for (int c = 0; c < 3; ++c)
            img->comps[c].data[i] = rgb[3 * i + std::size_t(c)];
    }
    opj_cparameters_t cp;
    opj_set_default_encoder_parameters(&cp);
    cp.irreversible = 1;
    cp.tcp_mct = 1;
    cp.tcp_numlayers = 1;
    cp.tcp_rates[0] = 2; // 2:1
    cp.cp_disto_alloc = 1;
    opj_codec_t* codec = opj_create_compress(OPJ_CODEC_J2K);
    opj_setup_encoder(codec, &cp, img);
    OutBuf out;
    opj_stream_t* s = opj_stream_create(1 << 16, OPJ_FALSE);
    opj_stream_set_user_data(s, &out, nullptr);
    opj_stream_set_write_function(s, writeFn);
    opj_stream_set_skip_function(s, skipFn);
    opj_stream_set_seek_function(s, seekFn);
    const bool ok = opj_start_compress(codec, img, s) && opj_encode(codec, s) && opj_end_compress(codec, s);
    opj_stream_destroy(s);
    opj_destroy_codec(codec);
    opj_image_destroy(img);
    if (!ok)
        return {};
    out.data.resize(out.pos);
    return out.data;
}

} // namespace

class TestCineCodecs : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
        DcmRLEEncoderRegistration::registerCodecs();
        QVERIFY(m_dir.isValid());
    }
    void cleanupTestCase() {
        DJEncoderRegistration::cleanup();
        DJLSEncoderRegistration::cleanup();
        DcmRLEEncoderRegistration::cleanup();
    }

    void syntheticEchoJpeg422() {
        const QString jpegPath = test::writeSyntheticClip(m_dir.path(), QStringLiteral("echo.dcm"),
                                                          demo::EchoEncoding::JpegBaseline422);
        const QString rawPath = test::writeSyntheticClip(m_dir.path(), QStringLiteral("echo_raw.dcm"),
                                                         demo::EchoEncoding::NativeRgb);
        const QString noBot =
            test::writeSyntheticClip(m_dir.path(), QStringLiteral("echo_nobot.dcm"),
                                     demo::EchoEncoding::JpegBaseline422, 8, 160, 120, false);
        auto jpeg = open(jpegPath);
        auto raw = open(rawPath);
        auto nob = open(noBot);
        QVERIFY(jpeg && raw && nob);
        const auto& info = jpeg->info();
        QCOMPARE(info.sopClassUID, std::string(dicom::sop::UltrasoundMultiframe));
        QCOMPARE(info.transferSyntaxUID, std::string("1.2.840.10008.1.2.4.50"));
        QCOMPARE(info.photometric, cine::Photometric::YbrFull422);
        QCOMPARE(info.frames, 8);
        QCOMPARE(info.timing.source(), cine::TimingSource::FrameTime);
        QVERIFY(std::abs(info.timing.durationMs(0) - 1000.0 / 60.0) < 1e-3);
        QCOMPARE(jpeg->frameFirstFragments(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(nob->frameFirstFragments(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        for (int f = 0; f < 8; ++f) {
            auto a = jpeg->decode(f);
            auto b = jpeg->decode(f, cine::JpegDecoder::Dcmtk);
            auto c = raw->decode(f);
            QVERIFY(a && b && c);
            QCOMPARE(a->decoder, std::string("libjpeg-turbo"));
            // libjpeg-turbo's h2v1 fancy upsampling and accurate IDCT match IJG 6b inside DCMTK.
            QCOMPARE(test::diff(a->rgb, b->rgb).max, 0);
            // JPEG quality 90 with 4:2:2 chroma: lossy, but close to the frames before compression.
            const auto d = test::diff(a->rgb, c->rgb);
            QVERIFY2(d.mean < 3.0,
                     qPrintable(QStringLiteral("frame %1: mean difference %2").arg(f).arg(d.mean)));
        }
    }

    void losslessTranscodesAreIdentical_data() {
        QTest::addColumn<int>("xfer");
        QTest::newRow("implicit VR") << int(EXS_LittleEndianImplicit);
        QTest::newRow("deflated") << int(EXS_DeflatedLittleEndianExplicit);
        QTest::newRow("RLE") << int(EXS_RLELossless);
        QTest::newRow("JPEG-LS lossless") << int(EXS_JPEGLSLossless);
        QTest::newRow("JPEG lossless SV1") << int(EXS_JPEGProcess14SV1);
    }
    void losslessTranscodesAreIdentical() {
        QFETCH(int, xfer);
        const QString rawPath = test::writeSyntheticClip(m_dir.path(), QStringLiteral("src_%1.dcm").arg(xfer),
                                                         demo::EchoEncoding::NativeRgb, 4);
        DcmFileFormat ff;
        QVERIFY(ff.loadFile(OFFilename(rawPath.toStdString().c_str())).good());
        const QString out =
            save(ff, path("transcoded.dcm") + QString::number(xfer), static_cast<E_TransferSyntax>(xfer));
        QVERIFY(!out.isEmpty());
        auto a = open(out);
        auto b = open(rawPath);
        QVERIFY(a && b);
        QCOMPARE(a->info().frames, 4);
        for (int f = 0; f < 4; ++f) {
            auto x = a->decode(f);
            auto y = b->decode(f);
            QVERIFY2(x.hasValue(), x ? "" : x.error().message.c_str());
            QVERIFY(y.hasValue());
            QVERIFY2(
                x->rgb == y->rgb,
                qPrintable(
                    QStringLiteral("frame %1 differs (max %2)").arg(f).arg(test::diff(x->rgb, y->rgb).max)));
        }
    }

    void planarConfigurationOne() {
        const int rows = 20, cols = 30;
        const auto rgb = testPattern(rows, cols);
        std::vector<std::uint8_t> planes(rgb.size());
        const std::size_t px = std::size_t(rows) * cols;
        for (std::size_t i = 0; i < px; ++i)
            for (std::size_t c = 0; c < 3; ++c)
                planes[c * px + i] = rgb[3 * i + c];
        auto ff =
            makeImage(UID_SecondaryCaptureImageStorage, rows, cols, 1, 3, 8, 8, false, "RGB", 1, planes);
        const QString p = save(*ff, path("planar.dcm"), EXS_LittleEndianExplicit);
        auto clip = open(p);
        QVERIFY(clip);
        auto d = clip->decode(0);
        QVERIFY(d.hasValue());
        QVERIFY(d->rgb == rgb);
    }

    void nativeYbrFull() {
        const int rows = 16, cols = 24;
        const auto rgb = testPattern(rows, cols);
        std::vector<std::uint8_t> ybr(rgb.size());
        for (std::size_t i = 0; i < rgb.size() / 3; ++i) {
            int y = 0, cb = 0, cr = 0;
            rgbToYbr(&rgb[3 * i], y, cb, cr);
            ybr[3 * i] = std::uint8_t(y);
            ybr[3 * i + 1] = std::uint8_t(cb);
            ybr[3 * i + 2] = std::uint8_t(cr);
        }
        auto ff =
            makeImage(UID_SecondaryCaptureImageStorage, rows, cols, 1, 3, 8, 8, false, "YBR_FULL", 0, ybr);
        auto clip = open(save(*ff, path("ybr.dcm"), EXS_LittleEndianExplicit));
        QVERIFY(clip);
        auto d = clip->decode(0);
        QVERIFY(d.hasValue());
        // Rounding to 8 bits both ways loses at most a couple of levels.
        QVERIFY2(test::diff(d->rgb, rgb).max <= 3, qPrintable(QString::number(test::diff(d->rgb, rgb).max)));
    }

    void nativeYbrFull422() {
        // Pairs of pixels with the same colour: 4:2:2 keeps them exactly (up to rounding).
        const int rows = 10, cols = 16;
        std::vector<std::uint8_t> rgb(std::size_t(rows) * cols * 3), packed;
        for (int y = 0; y < rows; ++y) {
            for (int x = 0; x < cols; x += 2) {
                const std::array<std::uint8_t, 3> c = {std::uint8_t(x * 15), std::uint8_t(200 - y * 9),
                                                       std::uint8_t((x + y) * 7)};
                for (int k = 0; k < 2; ++k)
                    std::memcpy(&rgb[3 * (std::size_t(y) * cols + std::size_t(x + k))], c.data(), c.size());
                int Y = 0, cb = 0, cr = 0;
                rgbToYbr(c.data(), Y, cb, cr);
                packed.insert(packed.end(),
                              {std::uint8_t(Y), std::uint8_t(Y), std::uint8_t(cb), std::uint8_t(cr)});
            }
        }
        auto ff =
            makeImage(UID_UltrasoundImageStorage, rows, cols, 1, 3, 8, 8, false, "YBR_FULL_422", 0, packed);
        auto clip = open(save(*ff, path("ybr422.dcm"), EXS_LittleEndianExplicit));
        QVERIFY(clip);
        QCOMPARE(clip->info().nativeFrameBytes(), std::uint64_t(rows * cols * 2));
        auto d = clip->decode(0);
        QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
        QVERIFY(test::diff(d->rgb, rgb).max <= 3);
    }

    void monochromeWindowLevel() {
        // 12 bits stored, signed, a ramp over the whole range; window centre 0, width 1000.
        const int rows = 1, cols = 4096;
        std::vector<std::uint8_t> px(std::size_t(cols) * 2);
        for (int i = 0; i < cols; ++i) {
            const auto v = static_cast<std::uint16_t>(static_cast<std::int16_t>(i - 2048)) & 0x0FFF;
            px[2 * std::size_t(i)] = std::uint8_t(v & 0xFF);
            px[2 * std::size_t(i) + 1] = std::uint8_t(v >> 8);
        }
        for (const char* pi : {"MONOCHROME2", "MONOCHROME1"}) {
            auto ff = makeImage(dicom::sop::MultiframeGrayscaleWordSc.data(), rows, cols, 1, 1, 16, 12, true,
                                pi, 0, px);
            ff->getDataset()->putAndInsertString(DCM_WindowCenter, "0");
            ff->getDataset()->putAndInsertString(DCM_WindowWidth, "1000");
            auto clip = open(save(*ff, path(pi), EXS_LittleEndianExplicit));
            QVERIFY(clip);
            const auto& info = clip->info();
            QVERIFY(info.headerWindow.has_value());
            auto d = clip->decode(0);
            QVERIFY(d.hasValue());
            QCOMPARE(d->values.front(), -2048); // sign-extended from 12 bits
            QCOMPARE(d->values.back(), 2047);
            auto shown = cine::toDisplay(info, *d, info.defaultWindow());
            QVERIFY(shown.hasValue());
            const bool inv = std::string(pi) == "MONOCHROME1";
            auto at = [&](int value) {
                return int(shown->pixels[3 * std::size_t(value + 2048)]);
            };
            // PS3.3 C.11.2.1.2.1: x ≤ c − 0.5 − (w−1)/2 → black; x > c − 0.5 + (w−1)/2 → white.
            QCOMPARE(at(-2048), inv ? 255 : 0);
            QCOMPARE(at(-500), inv ? 255 : 0);
            QCOMPARE(at(500), inv ? 0 : 255);
            QCOMPARE(at(0), inv ? 255 - 128 : 128); // ((0.5 / 999) + 0.5) · 255 = 127.6
            for (int v = -2047; v <= 2047; ++v) {
                QVERIFY(inv ? at(v) <= at(v - 1) : at(v) >= at(v - 1));
            }
        }
    }

    void monochromeAgainstDcm2pnm() {
        const int rows = 32, cols = 64;
        std::vector<std::uint8_t> px(std::size_t(rows) * cols * 2);
        for (std::size_t i = 0; i < px.size() / 2; ++i) {
            const auto v = static_cast<std::uint16_t>((i * 37) % 4096);
            px[2 * i] = std::uint8_t(v & 0xFF);
            px[2 * i + 1] = std::uint8_t(v >> 8);
        }
        auto ff = makeImage(dicom::sop::MultiframeGrayscaleWordSc.data(), rows, cols, 1, 1, 16, 12, false,
                            "MONOCHROME2", 0, px);
        ff->getDataset()->putAndInsertString(DCM_WindowCenter, "1500");
        ff->getDataset()->putAndInsertString(DCM_WindowWidth, "2000");
        const QString file = save(*ff, path("mono_ref.dcm"), EXS_LittleEndianExplicit);
        const QString out = path("mono_ref.pgm");
        const auto rc = test::runDcmtkTool(QStringLiteral("dcm2pnm"),
                                           {QStringLiteral("--write-raw-pnm"), QStringLiteral("--use-window"),
                                            QStringLiteral("1"), file, out});
        if (!rc)
            QSKIP("dcm2pnm (Debian package dcmtk) is not installed");
        QCOMPARE(*rc, 0);
        int w = 0, h = 0;
        auto ref = test::readPnm(out, w, h);
        QVERIFY(ref.has_value());
        auto clip = open(file);
        auto shown = clip->decodeForDisplay(0, clip->info().defaultWindow());
        QVERIFY(shown.hasValue());
        const auto d = test::diff(shown->pixels, *ref);
        QVERIFY2(d.max <= 1, qPrintable(QStringLiteral("max %1 mean %2").arg(d.max).arg(d.mean)));
    }

    void monochromeJpegLs16Bit() {
        const int rows = 40, cols = 50;
        std::vector<std::uint8_t> px(std::size_t(rows) * cols * 2);
        for (std::size_t i = 0; i < px.size() / 2; ++i) {
            const auto v = static_cast<std::uint16_t>((i * 977) % 65536);
            px[2 * i] = std::uint8_t(v & 0xFF);
            px[2 * i + 1] = std::uint8_t(v >> 8);
        }
        auto ff = makeImage(dicom::sop::MultiframeGrayscaleWordSc.data(), rows, cols, 1, 1, 16, 16, false,
                            "MONOCHROME2", 0, px);
        const QString rawPath = save(*ff, path("mono16.dcm"), EXS_LittleEndianExplicit);
        const QString lsPath = save(*ff, path("mono16_ls.dcm"), EXS_JPEGLSLossless);
        QVERIFY(!lsPath.isEmpty());
        auto a = open(rawPath);
        auto b = open(lsPath);
        QVERIFY(a && b);
        auto x = a->decode(0);
        auto y = b->decode(0);
        QVERIFY(x && y);
        QCOMPARE(y->decoder, std::string("DCMTK"));
        QVERIFY(x->values == y->values);
        QCOMPARE(x->values[1], 977);
    }

    void jpegExtended12BitFallsBackToDcmtk() {
        const int rows = 32, cols = 32;
        std::vector<std::uint8_t> px(std::size_t(rows) * cols * 2);
        for (int y = 0; y < rows; ++y)
            for (int x = 0; x < cols; ++x) {
                const auto v = static_cast<std::uint16_t>(1000 + x * 40 + y * 20);
                const std::size_t i = std::size_t(y) * cols + std::size_t(x);
                px[2 * i] = std::uint8_t(v & 0xFF);
                px[2 * i + 1] = std::uint8_t(v >> 8);
            }
        auto ff = makeImage(dicom::sop::MultiframeGrayscaleWordSc.data(), rows, cols, 1, 1, 16, 12, false,
                            "MONOCHROME2", 0, px);
        DJ_RPLossy lossy(95);
        const QString p = save(*ff, path("mono12_jpeg.dcm"), EXS_JPEGProcess2_4, &lossy);
        QVERIFY(!p.isEmpty());
        auto clip = open(p);
        QVERIFY(clip);
        auto d = clip->decode(0);
        QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
        QCOMPARE(d->decoder, std::string("DCMTK")); // 12-bit JPEG: not libjpeg-turbo's TurboJPEG API
        // Reference: DCMTK's command-line decompressor on the same file.
        const QString ref = path("mono12_ref.dcm");
        const auto rc = test::runDcmtkTool(QStringLiteral("dcmdjpeg"), {p, ref});
        if (!rc)
            QSKIP("dcmdjpeg (Debian package dcmtk) is not installed");
        QCOMPARE(*rc, 0);
        auto refClip = open(ref);
        QVERIFY(refClip);
        auto r = refClip->decode(0);
        QVERIFY(r.hasValue());
        QVERIFY(d->values == r->values);
    }

    void jpeg2000IrreversibleYbrIct() {
        const int rows = 64, cols = 96;
        const auto rgb = testPattern(rows, cols);
        const auto j2k = encodeJ2kIrreversible(rgb, cols, rows);
        QVERIFY(!j2k.empty());
        auto ff = makeImage(UID_UltrasoundImageStorage, rows, cols, 1, 3, 8, 8, false, "YBR_ICT", 0, rgb);
        DcmDataset* ds = ff->getDataset();
        delete ds->remove(DCM_PixelData);
        auto* seq = new DcmPixelSequence(DCM_PixelSequenceTag);
        seq->insert(new DcmPixelItem(DCM_PixelItemTag));
        DcmOffsetList offsets;
        std::vector<std::uint8_t> even = j2k;
        if (even.size() % 2)
            even.push_back(0);
        QVERIFY(seq->storeCompressedFrame(offsets, even.data(), static_cast<Uint32>(even.size()), 0).good());
        auto* pixel = new DcmPixelData(DCM_PixelData);
        pixel->putOriginalRepresentation(EXS_JPEG2000, nullptr, seq);
        ds->insert(pixel, true);
        const QString p = path("ict.dcm");
        QVERIFY(ff->saveFile(OFFilename(p.toStdString().c_str()), EXS_JPEG2000).good());
        auto clip = open(p);
        QVERIFY(clip);
        QCOMPARE(clip->info().photometric, cine::Photometric::YbrIct);
        auto d = clip->decode(0);
        QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
        QCOMPARE(d->decoder, std::string("OpenJPEG"));
        const auto diff = test::diff(d->rgb, rgb);
        QVERIFY2(diff.mean < 3.0, qPrintable(QStringLiteral("mean %1 max %2").arg(diff.mean).arg(diff.max)));
    }

    void palette16BitEntriesScaledTo8Bits() {
        const int rows = 16, cols = 16;
        std::vector<std::uint8_t> idx(std::size_t(rows) * cols);
        for (std::size_t i = 0; i < idx.size(); ++i)
            idx[i] = std::uint8_t(i);
        auto ff =
            makeImage(UID_UltrasoundImageStorage, rows, cols, 1, 1, 8, 8, false, "PALETTE COLOR", 0, idx);
        DcmDataset* ds = ff->getDataset();
        std::vector<Uint16> r(256), g(256), b(256);
        for (int i = 0; i < 256; ++i) {
            r[std::size_t(i)] = Uint16(i * 257);
            g[std::size_t(i)] = Uint16(65535 - i * 257);
            b[std::size_t(i)] = Uint16(((i * 37) % 256) << 8 | 0x7F);
        }
        const std::array<Uint16, 3> d256 = {256, 0, 16};
        ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableData, r.data(), 256);
        ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableData, g.data(), 256);
        ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableData, b.data(), 256);
        auto clip = open(save(*ff, path("pal16.dcm"), EXS_LittleEndianExplicit));
        QVERIFY(clip);
        auto shown = clip->decodeForDisplay(0, clip->info().defaultWindow());
        QVERIFY(shown.hasValue());
        for (int i = 0; i < 256; ++i) {
            const auto* p = &shown->pixels[3 * std::size_t(i)];
            QCOMPARE(int(p[0]), i);
            QCOMPARE(int(p[1]), 255 - i);
            QCOMPARE(int(p[2]), (i * 37) % 256);
        }
    }

    void segmentedPalette() {
        const int rows = 16, cols = 16;
        std::vector<std::uint8_t> idx(std::size_t(rows) * cols);
        for (std::size_t i = 0; i < idx.size(); ++i)
            idx[i] = std::uint8_t(i);
        auto ff =
            makeImage(UID_UltrasoundImageStorage, rows, cols, 1, 1, 8, 8, false, "PALETTE COLOR", 0, idx);
        DcmDataset* ds = ff->getDataset();
        const std::array<Uint16, 3> d256 = {256, 0, 16};
        ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableDescriptor, d256.data(), d256.size());
        // Red: discrete [0], then linear to 255·256 over 255 entries → entry i = 256·i.
        const std::vector<Uint16> red = {0, 1, 0, 1, 255, 65280};
        // Green: one discrete segment of 256 values (255 − i)·256.
        std::vector<Uint16> green = {0, 256};
        for (int i = 0; i < 256; ++i)
            green.push_back(Uint16((255 - i) * 256));
        // Blue: [0], linear to 127·256 over 127, then an indirect copy of 1 segment at byte offset 0 (the
        // [0]), then linear from 0 to 127·256 over 127 → 0…127, 0, 1…127 (×256).
        const std::vector<Uint16> blue = {0, 1, 0, 1, 127, 32512, 2, 1, 0, 0, 1, 127, 32512};
        ds->putAndInsertUint16Array(DCM_SegmentedRedPaletteColorLookupTableData, red.data(),
                                    static_cast<unsigned long>(red.size()));
        ds->putAndInsertUint16Array(DCM_SegmentedGreenPaletteColorLookupTableData, green.data(),
                                    static_cast<unsigned long>(green.size()));
        ds->putAndInsertUint16Array(DCM_SegmentedBluePaletteColorLookupTableData, blue.data(),
                                    static_cast<unsigned long>(blue.size()));
        auto clip = open(save(*ff, path("palseg.dcm"), EXS_LittleEndianExplicit));
        QVERIFY(clip);
        auto shown = clip->decodeForDisplay(0, clip->info().defaultWindow());
        QVERIFY(shown.hasValue());
        for (int i = 0; i < 256; ++i) {
            const auto* p = &shown->pixels[3 * std::size_t(i)];
            QCOMPARE(int(p[0]), i);
            QCOMPARE(int(p[1]), 255 - i);
            QCOMPARE(int(p[2]), i <= 127 ? i : i - 128);
        }
    }

    void hostileSegmentedPalettesAreRefusedAtOnce_data() {
        // Indirect segments that copy blocks of indirect segments, 5 levels of 80, ending in
        // segments that produce nothing — about 3 KB that took 15 s (80^5 visits) to expand. Variants: the
        // bottom made of zero-length discrete segments, and of indirect segments that copy nothing at all
        // (they point at the last word).
        QTest::addColumn<bool>("zeroLengthBottom");
        QTest::newRow("zero-length discrete segments at the bottom") << true;
        QTest::newRow("empty indirect copies at the bottom") << false;
    }
    void hostileSegmentedPalettesAreRefusedAtOnce() {
        QFETCH(bool, zeroLengthBottom);
        constexpr std::size_t kM = 80;
        constexpr std::size_t kLevels = 5;
        std::vector<Uint16> hostile = {0, 1, 0}; // a first entry, so that indirect segments may follow
        const std::size_t blockWords = kM * 4;
        // Where each level's block starts, in words.
        auto blockStart = [&](std::size_t level) {
            return 3 + level * blockWords;
        };
        for (std::size_t level = 0; level < kLevels; ++level) {
            for (std::size_t i = 0; i < kM; ++i) {
                if (level + 1 < kLevels) {
                    const std::size_t byteOffset = 2 * blockStart(level + 1);
                    hostile.insert(hostile.end(),
                                   {2, Uint16(kM), Uint16(byteOffset & 0xFFFF), Uint16(byteOffset >> 16)});
                } else if (zeroLengthBottom) {
                    hostile.insert(hostile.end(), {0, 0, 0, 0}); // discrete, length 0 (twice)
                } else {
                    hostile.insert(hostile.end(), {2, 1, 0, 0}); // patched below: copy from the last word
                }
            }
        }
        if (!zeroLengthBottom) {
            const std::size_t lastByte = 2 * (hostile.size() + 1);
            hostile.push_back(0); // the last word: a segment header with nothing after it
            for (std::size_t i = 0; i < kM; ++i) {
                const std::size_t at = blockStart(kLevels - 1) + 4 * i;
                hostile[at + 2] = Uint16((lastByte - 2) & 0xFFFF);
                hostile[at + 3] = Uint16((lastByte - 2) >> 16);
            }
        }
        QVERIFY(hostile.size() * 2 < 4000);

        const int rows = 4, cols = 4;
        std::vector<std::uint8_t> idx(std::size_t(rows) * cols, 0);
        auto ff =
            makeImage(UID_UltrasoundImageStorage, rows, cols, 1, 1, 8, 8, false, "PALETTE COLOR", 0, idx);
        DcmDataset* ds = ff->getDataset();
        const std::array<Uint16, 3> d256 = {256, 0, 16};
        ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableDescriptor, d256.data(), d256.size());
        ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableDescriptor, d256.data(), d256.size());
        const std::vector<Uint16> fine = {0, 1, 0, 1, 255, 65280};
        ds->putAndInsertUint16Array(DCM_SegmentedRedPaletteColorLookupTableData, hostile.data(),
                                    static_cast<unsigned long>(hostile.size()));
        ds->putAndInsertUint16Array(DCM_SegmentedGreenPaletteColorLookupTableData, fine.data(),
                                    static_cast<unsigned long>(fine.size()));
        ds->putAndInsertUint16Array(DCM_SegmentedBluePaletteColorLookupTableData, fine.data(),
                                    static_cast<unsigned long>(fine.size()));
        const QString p = save(*ff, path("hostile-palette.dcm"), EXS_LittleEndianExplicit);
        QElapsedTimer timer;
        timer.start();
        auto clip = cine::ClipReader::open(p.toStdString());
        const qint64 ms = timer.elapsed();
        QVERIFY(!clip.hasValue());
        QCOMPARE(clip.error().code, cine::ErrorCode::Malformed);
        QVERIFY2(QString::fromStdString(clip.error().message).contains(QStringLiteral("Red")),
                 clip.error().message.c_str());
        QVERIFY2(QString::fromStdString(clip.error().message).contains(QStringLiteral("segment")),
                 clip.error().message.c_str());
        // A guard against the hang, not a speed figure: the old code needed 80^5 steps (15 s).
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
    }

    void sopClassesOfTheCineView_data() {
        QTest::addColumn<QString>("sop");
        QTest::addColumn<int>("spp");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("frames");
        QTest::newRow("Secondary Capture")
            << QString::fromLatin1(dicom::sop::SecondaryCapture.data()) << 3 << 8 << 1;
        QTest::newRow("MF true colour SC")
            << QString::fromLatin1(dicom::sop::MultiframeTrueColorSc.data()) << 3 << 8 << 3;
        QTest::newRow("MF grayscale byte SC")
            << QString::fromLatin1(dicom::sop::MultiframeGrayscaleByteSc.data()) << 1 << 8 << 3;
        QTest::newRow("MF grayscale word SC")
            << QString::fromLatin1(dicom::sop::MultiframeGrayscaleWordSc.data()) << 1 << 16 << 3;
        QTest::newRow("Ultrasound Image")
            << QString::fromLatin1(dicom::sop::UltrasoundImage.data()) << 3 << 8 << 1;
        QTest::newRow("Enhanced US Volume")
            << QString::fromLatin1(dicom::sop::EnhancedUsVolume.data()) << 1 << 8 << 4;
    }
    void sopClassesOfTheCineView() {
        QFETCH(QString, sop);
        QFETCH(int, spp);
        QFETCH(int, bits);
        QFETCH(int, frames);
        const int rows = 12, cols = 18;
        std::vector<std::uint8_t> px(std::size_t(rows) * cols * std::size_t(spp) * std::size_t(bits / 8) *
                                     std::size_t(frames));
        for (std::size_t i = 0; i < px.size(); ++i)
            px[i] = std::uint8_t(i * 13);
        auto ff = makeImage(sop.toLatin1().constData(), rows, cols, frames, spp, bits, bits, false,
                            spp == 3 ? "RGB" : "MONOCHROME2", 0, px);
        auto clip = open(save(*ff, path("sop.dcm") + sop, EXS_LittleEndianExplicit));
        QVERIFY(clip);
        QCOMPARE(clip->info().sopClassUID, sop.toStdString());
        QCOMPARE(clip->info().frames, frames);
        for (int f = 0; f < frames; ++f) {
            auto d = clip->decodeForDisplay(f, clip->info().defaultWindow());
            QVERIFY2(d.hasValue(), d ? "" : d.error().message.c_str());
            QCOMPARE(d->width, cols);
        }
    }
};

QTEST_GUILESS_MAIN(TestCineCodecs)
#include "tst_cine_codecs.moc"
