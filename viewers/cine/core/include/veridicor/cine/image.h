#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/cine/error.h>
#include <veridicor/cine/regions.h>
#include <veridicor/cine/timing.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::cine {

enum class Photometric {
    Monochrome1,
    Monochrome2,
    Rgb,
    YbrFull,
    YbrFull422,
    YbrPartial422,
    YbrPartial420,
    YbrIct,
    YbrRct,
    PaletteColor,
};

/// Parses a Photometric Interpretation value ("YBR_FULL_422"); nullopt for values we do not know.
std::optional<Photometric> parsePhotometric(const std::string& text);
/// The DICOM spelling ("YBR_FULL_422").
const char* photometricName(Photometric p);
[[nodiscard]] inline bool isMonochrome(Photometric p) {
    return p == Photometric::Monochrome1 || p == Photometric::Monochrome2;
}

/// The three channels of a Palette Color LUT, expanded (segmented LUTs included) to one entry per index.
struct PaletteLut {
    std::vector<std::uint16_t> red, green, blue; ///< the same length, ≥ 1
    int firstMapped =
        0;        ///< the stored value mapped to entry 0; values below use entry 0, above the last entry
    int bits = 8; ///< bits per entry: 8 or 16 (16-bit entries are shown scaled to 8 bits: value >> 8)
};

/// Linear VOI window (PS3.3 C.11.2.1.2.1): centre and width in modality units (width ≥ 1).
struct WindowLevel {
    double center = 128.0;
    double width = 256.0;
    friend bool operator==(const WindowLevel&, const WindowLevel&) = default;
};

/// Everything a cine view needs to know about an image object, read from its header.
struct ImageInfo {
    std::string sopClassUID;
    std::string sopInstanceUID;
    std::string transferSyntaxUID;
    std::string modality;
    int rows = 0;
    int cols = 0;
    int frames = 0;
    int samplesPerPixel = 1;
    int bitsAllocated = 8;
    int bitsStored = 8;
    int highBit = 7;
    bool isSigned = false;
    int planarConfiguration = 0;
    Photometric photometric = Photometric::Monochrome2;
    std::string photometricText;
    double rescaleSlope = 1.0;
    double rescaleIntercept = 0.0;
    std::optional<WindowLevel> headerWindow;   ///< first Window Center/Width of the header
    std::shared_ptr<const PaletteLut> palette; ///< for PALETTE COLOR
    double pixelAspectRatio = 1.0;             ///< vertical / horizontal size of a pixel (Pixel Aspect Ratio)

    FrameTiming timing;
    std::vector<UltrasoundRegion> regions;
    std::optional<double> heartRate;        ///< Heart Rate (0018,1088), beats per minute
    std::optional<int> startTrim, stopTrim; ///< Start/Stop Trim (0008,2142/2143), 1-based frame numbers

    /// Texts for the overlay, decoded by dicom/text.h (UTF-8; patientName in the display form of
    /// dicom::getPersonName()).
    std::string patientName, patientID, patientBirthDate, patientSex;
    std::string studyDate, studyTime, studyDescription, seriesDescription, institution, manufacturer;

    /// What was unusual but did not stop the clip from being shown (ignored offset table, timing read as …).
    std::vector<std::string> notes;

    [[nodiscard]] bool isColor() const { return samplesPerPixel == 3; }
    /// Bytes of one native (uncompressed) frame as stored.
    [[nodiscard]] std::uint64_t nativeFrameBytes() const;
    /// The window the view starts with: the header's, else the full range of the stored values (identity for
    /// 8-bit data and for colour images).
    [[nodiscard]] WindowLevel defaultWindow() const;
    /// The range of modality values (stored range through Rescale Slope/Intercept).
    [[nodiscard]] std::pair<double, double> modalityRange() const;
};

/// A frame after decoding and colour conversion, before display mapping.
struct DecodedFrame {
    enum class Kind { Rgb8, Values };
    int rows = 0;
    int cols = 0;
    Kind kind = Kind::Rgb8;
    /// Rgb8: rows × cols × 3 bytes, row 0 first, R G B interleaved.
    std::vector<std::uint8_t> rgb;
    /// Values: rows × cols stored values (monochrome samples, or palette indices), sign-extended when signed.
    std::vector<std::int32_t> values;
    /// Which decoder produced it ("libjpeg-turbo", "DCMTK", "OpenJPEG", "native").
    std::string decoder;
};

/// A frame as displayed: 8-bit RGB, row 0 first (the top row of the image).
struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; ///< width × height × 3
};

/// Maps a decoded frame to what the view shows: palette lookup (16-bit entries scaled to 8 bits), Modality
/// LUT (rescale), VOI window (DICOM linear function), MONOCHROME1 inversion; for RGB the window applies to
/// each channel (the default window of a colour image is the identity). Errors: Malformed when the frame does
/// not match `info` (wrong size or kind).
Expected<RgbImage, Error> toDisplay(const ImageInfo& info, const DecodedFrame& frame,
                                    const WindowLevel& window);
/// The same, taking the frame's buffer when no mapping is needed (an RGB frame at the identity window).
Expected<RgbImage, Error> toDisplay(const ImageInfo& info, DecodedFrame&& frame, const WindowLevel& window);

/// Bounds checked before anything sized by the header is allocated.
struct ImageLimits {
    int maxRows = 16384;
    int maxCols = 16384;
    int maxFrames = 100000;
    std::uint64_t maxFrameBytes = std::uint64_t{512} << 20; ///< one decoded frame, as stored or as RGB
};

} // namespace veridicor::cine
