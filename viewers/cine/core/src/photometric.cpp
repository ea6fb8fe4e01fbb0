// Transfer syntax → codec, and native samples (every photometric interpretation and planar configuration) →
// RGB.
#include "decoders.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace veridicor::cine::detail {

Codec codecFor(const std::string& ts) {
    if (ts == "1.2.840.10008.1.2" || ts == "1.2.840.10008.1.2.1" || ts == "1.2.840.10008.1.2.1.99") {
        return Codec::Native;
    }
    if (ts == "1.2.840.10008.1.2.4.50" || ts == "1.2.840.10008.1.2.4.51") {
        return Codec::JpegLossy;
    }
    if (ts == "1.2.840.10008.1.2.4.57" || ts == "1.2.840.10008.1.2.4.70") {
        return Codec::JpegLossless;
    }
    if (ts == "1.2.840.10008.1.2.4.80" || ts == "1.2.840.10008.1.2.4.81") {
        return Codec::JpegLs;
    }
    if (ts == "1.2.840.10008.1.2.5") {
        return Codec::Rle;
    }
    if (ts == "1.2.840.10008.1.2.4.90" || ts == "1.2.840.10008.1.2.4.91" || ts == "1.2.840.10008.1.2.4.92" ||
        ts == "1.2.840.10008.1.2.4.93" || ts == "1.2.840.10008.1.2.4.201" ||
        ts == "1.2.840.10008.1.2.4.202" || ts == "1.2.840.10008.1.2.4.203") {
        return Codec::Jpeg2000;
    }
    return Codec::Unsupported;
}

const char* codecName(Codec codec) {
    switch (codec) {
    case Codec::Native:
        return "uncompressed";
    case Codec::JpegLossy:
        return "JPEG";
    case Codec::JpegLossless:
        return "JPEG Lossless";
    case Codec::JpegLs:
        return "JPEG-LS";
    case Codec::Rle:
        return "RLE";
    case Codec::Jpeg2000:
        return "JPEG 2000";
    case Codec::Unsupported:
        return "unsupported";
    }
    return "?";
}

namespace {

/// libjpeg's jdcolor.c tables (SCALEBITS 16, ONE_HALF rounding) so that native YBR_FULL converts exactly as a
/// JPEG decoder converts YCbCr.
struct YccTables {
    std::array<int, 256> crR{}, cbB{}, crG{}, cbG{};
    YccTables() {
        constexpr int scale = 16;
        constexpr long half = 1L << (scale - 1);
        auto fix = [](double x) {
            return std::lround(x * (1L << scale)); // x > 0 here: the same as adding 0.5 and truncating
        };
        for (int i = 0; i < 256; ++i) {
            const long x = i - 128;
            crR[static_cast<std::size_t>(i)] = static_cast<int>((fix(1.40200) * x + half) >> scale);
            cbB[static_cast<std::size_t>(i)] = static_cast<int>((fix(1.77200) * x + half) >> scale);
            crG[static_cast<std::size_t>(i)] = static_cast<int>(-fix(0.71414) * x);
            cbG[static_cast<std::size_t>(i)] = static_cast<int>(-fix(0.34414) * x + half);
        }
    }
};
const YccTables& ycc() {
    static const YccTables t;
    return t;
}

inline std::uint8_t clamp8(long v) {
    return static_cast<std::uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

inline void ybrPartialToRgb(int y, int cb, int cr, std::uint8_t* rgb) {
    const double yy = 1.1644 * (y - 16);
    rgb[0] = clamp8(std::lround(yy + 1.5960 * (cr - 128)));
    rgb[1] = clamp8(std::lround(yy - 0.3917 * (cb - 128) - 0.8130 * (cr - 128)));
    rgb[2] = clamp8(std::lround(yy + 2.0173 * (cb - 128)));
}

Error sizeError(std::size_t have, std::uint64_t need) {
    return {ErrorCode::Truncated,
            "the frame holds " + std::to_string(have) + " bytes, " + std::to_string(need) + " are needed"};
}

} // namespace

void ybrFullToRgb(int y, int cb, int cr, std::uint8_t* rgb) {
    const auto& t = ycc();
    const auto ucb = static_cast<std::size_t>(cb & 0xFF);
    const auto ucr = static_cast<std::size_t>(cr & 0xFF);
    rgb[0] = clamp8(y + t.crR[ucr]);
    rgb[1] = clamp8(y + ((t.cbG[ucb] + t.crG[ucr]) >> 16));
    rgb[2] = clamp8(y + t.cbB[ucb]);
}

Expected<DecodedFrame, Error> fromNativeSamples(const ImageInfo& info, Photometric pi, int planar,
                                                const std::uint8_t* data, std::size_t size) {
    DecodedFrame out;
    out.rows = info.rows;
    out.cols = info.cols;
    const std::size_t px =
        std::size_t(static_cast<unsigned>(info.rows)) * std::size_t(static_cast<unsigned>(info.cols));
    const int bytes = info.bitsAllocated / 8;
    ImageInfo shape = info;
    shape.photometric = pi;
    const std::uint64_t need = shape.nativeFrameBytes();
    if (size < need) {
        return Unexpected{sizeError(size, need)};
    }
    const int shift = info.highBit - info.bitsStored + 1;
    const std::uint32_t mask = info.bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << info.bitsStored) - 1u);
    auto sample = [&](std::size_t i) -> std::uint32_t {
        std::uint32_t v =
            bytes == 1 ? data[i] : std::uint32_t(data[2 * i]) | (std::uint32_t(data[2 * i + 1]) << 8);
        return (v >> shift) & mask;
    };

    if (info.samplesPerPixel == 1) {
        out.kind = DecodedFrame::Kind::Values;
        out.values.resize(px);
        const bool sign = info.isSigned && info.photometric != Photometric::PaletteColor;
        const std::uint32_t signBit = 1u << (info.bitsStored - 1);
        for (std::size_t i = 0; i < px; ++i) {
            const std::uint32_t v = sample(i);
            out.values[i] = sign && (v & signBit)
                                ? static_cast<std::int32_t>(v) - static_cast<std::int32_t>(mask) - 1
                                : static_cast<std::int32_t>(v);
        }
        return out;
    }

    // Colour: reduce to 8 bits per sample first (16-bit colour keeps its top 8 stored bits).
    const int down = std::max(0, info.bitsStored - 8);
    auto s8 = [&](std::size_t i) -> int {
        return static_cast<int>(sample(i) >> down);
    };
    out.kind = DecodedFrame::Kind::Rgb8;
    out.rgb.resize(px * 3);
    std::uint8_t* rgb = out.rgb.data();
    switch (pi) {
    case Photometric::Rgb:
    case Photometric::YbrFull:
    case Photometric::YbrRct:
    case Photometric::YbrIct: {
        if (pi == Photometric::YbrRct || pi == Photometric::YbrIct) {
            // Only a JPEG 2000 codestream can carry these; its decoder has already undone the transform.
            return Unexpected{
                Error{ErrorCode::Malformed, std::string(photometricName(pi)) +
                                                " is only valid for JPEG 2000 compressed pixel data"}};
        }
        for (std::size_t i = 0; i < px; ++i) {
            std::array<int, 3> c{};
            for (std::size_t k = 0; k < 3; ++k) {
                c[k] = planar == 0 ? s8(3 * i + k) : s8(k * px + i);
            }
            if (pi == Photometric::Rgb) {
                rgb[3 * i] = static_cast<std::uint8_t>(c[0]);
                rgb[3 * i + 1] = static_cast<std::uint8_t>(c[1]);
                rgb[3 * i + 2] = static_cast<std::uint8_t>(c[2]);
            } else {
                ybrFullToRgb(c[0], c[1], c[2], rgb + 3 * i);
            }
        }
        return out;
    }
    case Photometric::YbrFull422:
    case Photometric::YbrPartial422: {
        // Per row, pairs of pixels share chroma: Y0 Y1 Cb Cr.
        if (info.cols % 2 != 0) {
            return Unexpected{Error{ErrorCode::Malformed,
                                    std::string(photometricName(pi)) + " needs an even number of columns"}};
        }
        const auto cols = static_cast<std::size_t>(info.cols);
        std::size_t in = 0;
        for (std::size_t r = 0; r < static_cast<std::size_t>(info.rows); ++r) {
            for (std::size_t c = 0; c < cols; c += 2) {
                const int y0 = s8(in), y1 = s8(in + 1), cb = s8(in + 2), cr = s8(in + 3);
                in += 4;
                std::uint8_t* p = rgb + 3 * (r * cols + c);
                if (pi == Photometric::YbrFull422) {
                    ybrFullToRgb(y0, cb, cr, p);
                    if (c + 1 < cols)
                        ybrFullToRgb(y1, cb, cr, p + 3);
                } else {
                    ybrPartialToRgb(y0, cb, cr, p);
                    if (c + 1 < cols)
                        ybrPartialToRgb(y1, cb, cr, p + 3);
                }
            }
        }
        return out;
    }
    case Photometric::YbrPartial420:
        return Unexpected{
            Error{ErrorCode::Unsupported, "YBR_PARTIAL_420 is only used by MPEG video encodings"}};
    case Photometric::Monochrome1:
    case Photometric::Monochrome2:
    case Photometric::PaletteColor:
        break;
    }
    return Unexpected{
        Error{ErrorCode::Malformed, "three samples per pixel with a one-sample photometric interpretation"}};
}

} // namespace veridicor::cine::detail

#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <cstdlib>

namespace veridicor::cine::detail {

std::optional<double> numberValue(DcmItem* item, const DcmTagKey& tag, unsigned long pos) {
    if (item == nullptr) {
        return std::nullopt;
    }
    DcmElement* el = nullptr;
    if (item->findAndGetElement(tag, el).bad() || el == nullptr || pos >= el->getVM()) {
        return std::nullopt;
    }
    Float64 f = 0.0;
    if (el->getFloat64(f, pos).good() && std::isfinite(f)) {
        return f;
    }
    OFString text;
    if (el->getOFString(text, pos, OFTrue).good() && !text.empty()) {
        const char* s = text.c_str();
        char* end = nullptr;
        const double v = std::strtod(s, &end);
        while (end != nullptr && *end == ' ')
            ++end;
        if (end != s && end != nullptr && *end == '\0' && std::isfinite(v)) {
            return v;
        }
    }
    return std::nullopt;
}

} // namespace veridicor::cine::detail
