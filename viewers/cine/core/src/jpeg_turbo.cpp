// 8-bit lossy JPEG frames through libjpeg-turbo's TurboJPEG API (SIMD), with the JPEG header checked first.
#include "decoders.h"

#include <turbojpeg.h>

#include <array>
#include <cstring>
#include <memory>

namespace veridicor::cine::detail {

JpegHeader scanJpegHeader(const std::uint8_t* d, std::size_t n) {
    JpegHeader h;
    if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) {
        h.error = "the frame does not start with a JPEG start-of-image marker";
        return h;
    }
    std::size_t pos = 2;
    while (pos + 4 <= n) {
        if (d[pos] != 0xFF) {
            h.error = "no JPEG marker where one is expected (offset " + std::to_string(pos) + ")";
            return h;
        }
        const int marker = d[pos + 1];
        if (marker == 0xFF) { // fill byte
            ++pos;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            pos += 2;
            continue;
        }
        if (marker == 0xD9) {
            h.error = "the JPEG stream ends before its image data";
            return h;
        }
        const std::size_t len = (std::size_t{d[pos + 2]} << 8) | d[pos + 3];
        if (len < 2 || pos + 2 + len > n) {
            h.error = "a JPEG marker segment runs past the end of the frame";
            return h;
        }
        const std::uint8_t* seg = d + pos + 4;
        const std::size_t segLen = len - 2;
        if (marker == 0xE0 && segLen >= 5 && std::memcmp(seg, "JFIF\0", 5) == 0) {
            h.jfif = true;
        } else if (marker == 0xEE && segLen >= 12 && std::memcmp(seg, "Adobe", 5) == 0) {
            h.adobe = true;
            h.adobeTransform = seg[11];
        } else if ((marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) ||
                   marker == 0xF7) {
            if (segLen < 6) {
                h.error = "the JPEG frame header is too short";
                return h;
            }
            h.sofMarker = marker;
            h.precision = seg[0];
            h.height = (seg[1] << 8) | seg[2];
            h.width = (seg[3] << 8) | seg[4];
            h.components = seg[5];
            if (h.components < 1 || segLen < 6 + 3 * std::size_t(static_cast<unsigned>(h.components))) {
                h.error = "the JPEG frame header lists no or too few components";
                return h;
            }
            for (int c = 0; c < h.components && c < 4; ++c) {
                h.componentIds[c] = seg[6 + 3 * c];
                h.hSampling[c] = seg[7 + 3 * c] >> 4;
                h.vSampling[c] = seg[7 + 3 * c] & 0x0F;
            }
        } else if (marker == 0xDA) {
            h.valid = h.sofMarker != 0;
            if (!h.valid) {
                h.error = "the JPEG stream has image data before a frame header";
            }
            return h;
        }
        pos += 2 + len;
    }
    h.error = "the JPEG stream ends inside its header";
    return h;
}

namespace {

struct TjDeleter {
    void operator()(void* h) const { tjDestroy(h); }
};

Error corrupt(const std::string& what) {
    return {ErrorCode::DecodeFailed, "JPEG data is corrupt: " + what};
}

} // namespace

Expected<DecodedFrame, Error> decodeTurboJpeg(const ImageInfo& info, const std::vector<std::uint8_t>& jpeg,
                                              bool& fallback) {
    fallback = false;
    const JpegHeader h = scanJpegHeader(jpeg.data(), jpeg.size());
    if (!h.valid) {
        return Unexpected{corrupt(h.error)};
    }
    if (h.width != info.cols || h.height != info.rows) {
        return Unexpected{
            Error{ErrorCode::DecodeFailed, "the JPEG frame is " + std::to_string(h.width) + "×" +
                                               std::to_string(h.height) + ", the header says " +
                                               std::to_string(info.cols) + "×" + std::to_string(info.rows)}};
    }
    if (h.components != info.samplesPerPixel) {
        return Unexpected{Error{ErrorCode::DecodeFailed,
                                "the JPEG frame has " + std::to_string(h.components) +
                                    " components, the header says " + std::to_string(info.samplesPerPixel)}};
    }
    // TurboJPEG 2.1 decodes 8-bit Huffman-coded DCT JPEG (baseline, extended, progressive); others go to
    // DCMTK.
    if (h.precision != 8 || !(h.sofMarker == 0xC0 || h.sofMarker == 0xC1 || h.sofMarker == 0xC2)) {
        fallback = true;
        return Unexpected{Error{ErrorCode::Unsupported, "not an 8-bit Huffman-coded DCT JPEG stream"}};
    }
    // One decompressor per thread: creating one per frame costs more than decoding a small frame.
    thread_local std::unique_ptr<void, TjDeleter> tj(tjInitDecompress());
    if (!tj) {
        fallback = true;
        return Unexpected{Error{ErrorCode::Environment, "libjpeg-turbo could not be initialised"}};
    }
    int w = 0, hgt = 0, subsamp = 0, colorspace = 0;
    if (tjDecompressHeader3(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), &w, &hgt,
                            &subsamp, &colorspace) != 0) {
        return Unexpected{corrupt(tjGetErrorStr2(tj.get()))};
    }
    if (w != info.cols || hgt != info.rows) {
        return Unexpected{corrupt("libjpeg-turbo reads a different size than the frame header")};
    }
    DecodedFrame out;
    out.rows = info.rows;
    out.cols = info.cols;
    out.decoder = "libjpeg-turbo";
    const std::size_t px = std::size_t(static_cast<unsigned>(w)) * std::size_t(static_cast<unsigned>(hgt));
    // Warnings (e.g. "premature end of data segment") mean the image is incomplete: the frame is not shown.
    const int flags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING;
    auto failed = [&](const char* stage) {
        const bool warning = tjGetErrorCode(tj.get()) == TJERR_WARNING;
        return Unexpected{Error{ErrorCode::DecodeFailed, std::string("JPEG data is corrupt (") + stage +
                                                             (warning ? ", warning" : "") +
                                                             "): " + tjGetErrorStr2(tj.get())}};
    };
    if (info.samplesPerPixel == 1) {
        std::vector<std::uint8_t> gray(px);
        if (tjDecompress2(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), gray.data(), w, 0,
                          hgt, TJPF_GRAY, flags) != 0) {
            return failed("libjpeg-turbo");
        }
        out.kind = DecodedFrame::Kind::Values;
        out.values.assign(gray.begin(), gray.end());
        return out;
    }
    // Colour. libjpeg converts YCbCr to RGB when the stream is YCbCr (JFIF marker, Adobe transform 1, or its
    // guess from the component ids). A stream labelled RGB in DICOM with neither marker is taken as RGB, as
    // DCMTK does: then the components are read without colour conversion.
    const bool dicomSaysRgb = info.photometric == Photometric::Rgb;
    const bool rawRgb = dicomSaysRgb && !h.jfif && !h.adobe && colorspace == TJCS_YCbCr;
    out.kind = DecodedFrame::Kind::Rgb8;
    out.rgb.resize(px * 3);
    if (!rawRgb) {
        if (tjDecompress2(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), out.rgb.data(), w,
                          0, hgt, TJPF_RGB, flags) != 0) {
            return failed("libjpeg-turbo");
        }
        return out;
    }
    // Component planes without colour conversion (possibly subsampled), then interleaved as R, G, B.
    std::vector<std::vector<std::uint8_t>> planes(3);
    std::array<unsigned char*, 3> ptrs{};
    std::array<int, 3> strides{};
    std::array<int, 3> pw{};
    std::array<int, 3> ph{};
    for (int c = 0; c < 3; ++c) {
        pw[c] = tjPlaneWidth(c, w, subsamp);
        ph[c] = tjPlaneHeight(c, hgt, subsamp);
        if (pw[c] <= 0 || ph[c] <= 0 || pw[c] > w || ph[c] > hgt) {
            return Unexpected{corrupt("unexpected component plane size")};
        }
        planes[static_cast<std::size_t>(c)].resize(std::size_t(static_cast<unsigned>(pw[c])) *
                                                   std::size_t(static_cast<unsigned>(ph[c])));
        ptrs[c] = planes[static_cast<std::size_t>(c)].data();
        strides[c] = pw[c];
    }
    if (tjDecompressToYUVPlanes(tj.get(), jpeg.data(), static_cast<unsigned long>(jpeg.size()), ptrs.data(),
                                w, strides.data(), hgt, flags) != 0) {
        return failed("libjpeg-turbo planes");
    }
    for (int y = 0; y < hgt; ++y) {
        for (int x = 0; x < w; ++x) {
            const std::size_t o =
                3 * (std::size_t(static_cast<unsigned>(y)) * std::size_t(static_cast<unsigned>(w)) +
                     std::size_t(static_cast<unsigned>(x)));
            for (int c = 0; c < 3; ++c) {
                const int sx = x * pw[c] / w;
                const int sy = y * ph[c] / hgt;
                out.rgb[o + static_cast<std::size_t>(c)] =
                    ptrs[c]
                        [std::size_t(static_cast<unsigned>(sy)) * std::size_t(static_cast<unsigned>(pw[c])) +
                         std::size_t(static_cast<unsigned>(sx))];
            }
        }
    }
    return out;
}

} // namespace veridicor::cine::detail
