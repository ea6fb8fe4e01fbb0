#pragma once
// Internal: the decoders behind ClipReader::decode(). Each takes one frame's bytes as stored and returns the
// frame as RGB (colour) or values (monochrome, palette indices). None allocates more than the header (already
// checked against ImageLimits) allows; compressed streams whose own header disagrees with it are refused
// first.

#include <veridicor/cine/image.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

class DcmItem;
class DcmTagKey;

namespace veridicor::cine::detail {

enum class Codec {
    Native,       ///< Implicit/Explicit VR Little Endian, Deflated
    JpegLossy,    ///< JPEG Baseline (Process 1), Extended (Process 2 & 4)
    JpegLossless, ///< JPEG Lossless (Process 14, SV1)
    JpegLs,       ///< JPEG-LS lossless / near-lossless
    Rle,          ///< RLE Lossless
    Jpeg2000,     ///< JPEG 2000 (lossless only, or lossy)
    Unsupported,
};

Codec codecFor(const std::string& transferSyntaxUID);
const char* codecName(Codec codec);

/// Native samples as stored (any planar configuration, YBR_FULL/422/PARTIAL, 8/16 bits) to a DecodedFrame.
/// `photometric` and `planar` describe `data` (which may differ from the header after a codec converted it).
Expected<DecodedFrame, Error> fromNativeSamples(const ImageInfo& info, Photometric photometric, int planar,
                                                const std::uint8_t* data, std::size_t size);

/// libjpeg-turbo (TurboJPEG API) for 8-bit lossy JPEG. `fallback` is set when the stream is one
/// libjpeg-turbo's TurboJPEG API cannot decode (12-bit, lossless, arithmetic coding) and DCMTK should be
/// tried instead.
Expected<DecodedFrame, Error> decodeTurboJpeg(const ImageInfo& info, const std::vector<std::uint8_t>& jpeg,
                                              bool& fallback);

/// OpenJPEG for JPEG 2000 codestreams (J2K) and JP2 files; the inverse colour transform (RCT/ICT) is applied
/// by OpenJPEG when the codestream says so.
Expected<DecodedFrame, Error> decodeOpenJpeg(const ImageInfo& info, const std::vector<std::uint8_t>& data);

/// DCMTK's codecs (IJG JPEG 8/12/16-bit, JPEG-LS, RLE) on one frame, through a dataset holding only that
/// frame.
Expected<DecodedFrame, Error> decodeDcmtk(const ImageInfo& info, const std::vector<std::uint8_t>& data);

/// Expands Segmented Palette Color LUT data (PS3.3 C.7.9.2) to `count` entries; on failure returns {} and
/// sets `error`.
std::vector<std::uint16_t> expandSegmentedLut(const std::vector<std::uint16_t>& words, std::size_t count,
                                              std::string& error);

/// A numeric value (DS, IS, FD, FL, US, SS, UL, SL) of `item` at `pos`, finite; nullopt when absent or not a
/// number.
std::optional<double> numberValue(DcmItem* item, const DcmTagKey& tag, unsigned long pos = 0);

/// What a JPEG stream's header says, scanned up to the first SOS marker.
struct JpegHeader {
    bool valid = false;
    std::string error;
    int sofMarker = 0; ///< 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless, 0xF7 JPEG-LS, …
    int precision = 0;
    int width = 0;
    int height = 0;
    int components = 0;
    bool jfif = false;
    bool adobe = false;
    int adobeTransform = -1;
    std::array<unsigned char, 4> componentIds{};
    std::array<int, 4> hSampling{};
    std::array<int, 4> vSampling{};
};
JpegHeader scanJpegHeader(const std::uint8_t* data, std::size_t size);

/// libjpeg-style fixed-point YCbCr (full range) → RGB, as JPEG decoders do it.
void ybrFullToRgb(int y, int cb, int cr, std::uint8_t* rgb);

} // namespace veridicor::cine::detail
