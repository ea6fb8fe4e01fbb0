#include <veridicor/cine/image.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace veridicor::cine {

std::optional<Photometric> parsePhotometric(const std::string& text) {
    if (text == "MONOCHROME1")
        return Photometric::Monochrome1;
    if (text == "MONOCHROME2")
        return Photometric::Monochrome2;
    if (text == "RGB")
        return Photometric::Rgb;
    if (text == "YBR_FULL")
        return Photometric::YbrFull;
    if (text == "YBR_FULL_422")
        return Photometric::YbrFull422;
    if (text == "YBR_PARTIAL_422")
        return Photometric::YbrPartial422;
    if (text == "YBR_PARTIAL_420")
        return Photometric::YbrPartial420;
    if (text == "YBR_ICT")
        return Photometric::YbrIct;
    if (text == "YBR_RCT")
        return Photometric::YbrRct;
    if (text == "PALETTE COLOR")
        return Photometric::PaletteColor;
    return std::nullopt;
}

const char* photometricName(Photometric p) {
    switch (p) {
    case Photometric::Monochrome1:
        return "MONOCHROME1";
    case Photometric::Monochrome2:
        return "MONOCHROME2";
    case Photometric::Rgb:
        return "RGB";
    case Photometric::YbrFull:
        return "YBR_FULL";
    case Photometric::YbrFull422:
        return "YBR_FULL_422";
    case Photometric::YbrPartial422:
        return "YBR_PARTIAL_422";
    case Photometric::YbrPartial420:
        return "YBR_PARTIAL_420";
    case Photometric::YbrIct:
        return "YBR_ICT";
    case Photometric::YbrRct:
        return "YBR_RCT";
    case Photometric::PaletteColor:
        return "PALETTE COLOR";
    }
    return "?";
}

std::uint64_t ImageInfo::nativeFrameBytes() const {
    const std::uint64_t px =
        std::uint64_t(static_cast<unsigned>(rows)) * std::uint64_t(static_cast<unsigned>(cols));
    const std::uint64_t bytesPerSample = std::uint64_t(static_cast<unsigned>(bitsAllocated)) / 8;
    if (samplesPerPixel == 3 &&
        (photometric == Photometric::YbrFull422 || photometric == Photometric::YbrPartial422)) {
        return px * 2 * bytesPerSample; // two luma samples share one Cb and one Cr
    }
    if (samplesPerPixel == 3 && photometric == Photometric::YbrPartial420) {
        return px * 3 / 2 * bytesPerSample;
    }
    return px * std::uint64_t(static_cast<unsigned>(samplesPerPixel)) * bytesPerSample;
}

std::pair<double, double> ImageInfo::modalityRange() const {
    const int bits = std::clamp(bitsStored, 1, 32);
    double lo = 0.0;
    double hi = std::ldexp(1.0, bits) - 1.0;
    if (isSigned) {
        lo = -std::ldexp(1.0, bits - 1);
        hi = std::ldexp(1.0, bits - 1) - 1.0;
    }
    double a = lo * rescaleSlope + rescaleIntercept;
    double b = hi * rescaleSlope + rescaleIntercept;
    if (a > b)
        std::swap(a, b);
    return {a, b};
}

WindowLevel ImageInfo::defaultWindow() const {
    if (!isMonochrome(photometric)) {
        return {};
    }
    if (headerWindow) {
        return *headerWindow;
    }
    const auto [lo, hi] = modalityRange();
    return {(lo + hi + 1.0) / 2.0, std::max(1.0, hi - lo + 1.0)};
}

namespace {

/// DICOM linear VOI function (PS3.3 C.11.2.1.2.1) to 0…255.
inline std::uint8_t windowed(double x, const WindowLevel& w) {
    const double c = w.center;
    const double width = std::max(1.0, w.width);
    double y = 0.0;
    if (width <= 1.0) {
        y = x <= c - 0.5 ? 0.0 : 255.0;
    } else if (x <= c - 0.5 - (width - 1.0) / 2.0) {
        y = 0.0;
    } else if (x > c - 0.5 + (width - 1.0) / 2.0) {
        y = 255.0;
    } else {
        y = ((x - (c - 0.5)) / (width - 1.0) + 0.5) * 255.0;
    }
    return static_cast<std::uint8_t>(std::clamp(std::lround(y), 0L, 255L));
}

std::array<std::uint8_t, 256> byteLut(const WindowLevel& w, bool& identity) {
    std::array<std::uint8_t, 256> lut{};
    identity = true;
    for (int i = 0; i < 256; ++i) {
        lut[static_cast<std::size_t>(i)] = windowed(i, w);
        identity = identity && lut[static_cast<std::size_t>(i)] == i;
    }
    return lut;
}

Error mismatch(const std::string& what) {
    return {ErrorCode::Malformed, "decoded frame does not match the header: " + what};
}

} // namespace

Expected<RgbImage, Error> toDisplay(const ImageInfo& info, const DecodedFrame& frame,
                                    const WindowLevel& window) {
    if (frame.rows != info.rows || frame.cols != info.cols) {
        return Unexpected{mismatch(std::to_string(frame.cols) + "×" + std::to_string(frame.rows) +
                                   " instead of " + std::to_string(info.cols) + "×" +
                                   std::to_string(info.rows))};
    }
    const std::size_t px =
        std::size_t(static_cast<unsigned>(info.rows)) * std::size_t(static_cast<unsigned>(info.cols));
    RgbImage out;
    out.width = info.cols;
    out.height = info.rows;
    if (frame.kind == DecodedFrame::Kind::Rgb8) {
        if (frame.rgb.size() != px * 3) {
            return Unexpected{mismatch("RGB buffer size")};
        }
        bool identity = false;
        const auto lut = byteLut(window, identity);
        if (identity) {
            out.pixels = frame.rgb;
        } else {
            out.pixels.resize(px * 3);
            for (std::size_t i = 0; i < px * 3; ++i) {
                out.pixels[i] = lut[frame.rgb[i]];
            }
        }
        return out;
    }
    if (frame.values.size() != px) {
        return Unexpected{mismatch("sample buffer size")};
    }
    out.pixels.resize(px * 3);
    if (info.photometric == Photometric::PaletteColor) {
        if (!info.palette || info.palette->red.empty()) {
            return Unexpected{Error{ErrorCode::Malformed, "PALETTE COLOR image without a palette"}};
        }
        const PaletteLut& pal = *info.palette;
        const std::size_t n = pal.red.size();
        const int shift = pal.bits > 8 ? 8 : 0;
        bool identity = false;
        const auto lut = byteLut(window, identity);
        auto entry = [&](const std::vector<std::uint16_t>& ch, std::size_t i) {
            return lut[static_cast<std::uint8_t>(std::min<unsigned>(ch[i] >> shift, 255u))];
        };
        for (std::size_t i = 0; i < px; ++i) {
            const long idx =
                std::clamp<long>(long{frame.values[i]} - pal.firstMapped, 0L, static_cast<long>(n) - 1);
            const auto k = static_cast<std::size_t>(idx);
            out.pixels[3 * i] = entry(pal.red, k);
            out.pixels[3 * i + 1] = entry(pal.green, k);
            out.pixels[3 * i + 2] = entry(pal.blue, k);
        }
        return out;
    }
    // Monochrome: a lookup table over the stored range (≤ 65536 entries for ≤ 16 bits stored).
    const bool invert = info.photometric == Photometric::Monochrome1;
    const int bits = std::clamp(info.bitsStored, 1, 16);
    const long lo = info.isSigned ? -(1L << (bits - 1)) : 0L;
    const long hi = info.isSigned ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    std::vector<std::uint8_t> lut(static_cast<std::size_t>(hi - lo + 1));
    for (long v = lo; v <= hi; ++v) {
        const std::uint8_t y =
            windowed(static_cast<double>(v) * info.rescaleSlope + info.rescaleIntercept, window);
        lut[static_cast<std::size_t>(v - lo)] = invert ? static_cast<std::uint8_t>(255 - y) : y;
    }
    for (std::size_t i = 0; i < px; ++i) {
        const long v = std::clamp<long>(frame.values[i], lo, hi);
        const std::uint8_t y = lut[static_cast<std::size_t>(v - lo)];
        out.pixels[3 * i] = y;
        out.pixels[3 * i + 1] = y;
        out.pixels[3 * i + 2] = y;
    }
    return out;
}

Expected<RgbImage, Error> toDisplay(const ImageInfo& info, DecodedFrame&& frame, const WindowLevel& window) {
    if (frame.kind == DecodedFrame::Kind::Rgb8 && frame.rows == info.rows && frame.cols == info.cols &&
        frame.rgb.size() == std::size_t(static_cast<unsigned>(info.rows)) *
                                std::size_t(static_cast<unsigned>(info.cols)) * 3) {
        bool identity = false;
        (void)byteLut(window, identity);
        if (identity) {
            RgbImage out;
            out.width = info.cols;
            out.height = info.rows;
            out.pixels = std::move(frame.rgb);
            return out;
        }
    }
    return toDisplay(info, static_cast<const DecodedFrame&>(frame), window);
}

} // namespace veridicor::cine
