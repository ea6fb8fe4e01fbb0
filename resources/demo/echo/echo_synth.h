#pragma once
// A synthetic echocardiogram: a sector-shaped field of speckle with a beating left ventricle, burned-in
// labels, an ECG strip and a calibrated ultrasound region, written as DICOM Ultrasound Multi-frame Image
// (JPEG Baseline, YBR_FULL_422: libjpeg-turbo encodes with 4:2:2 chroma subsampling, DCMTK encapsulates).
// Used by the demo study, the cine benchmarks and the cine tests. Deterministic: the same spec gives the same
// file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace veridicor::demo {

enum class EchoEncoding {
    JpegBaseline422, ///< JPEG Baseline (1.2.840.10008.1.2.4.50), YBR_FULL_422
    NativeRgb,       ///< Explicit VR Little Endian, RGB (the same frames before compression)
};

struct EchoClipSpec {
    int width = 640;
    int height = 480;
    int frames = 120;
    double frameRate = 60.0; ///< frames per second (Frame Time = 1000 / rate)
    double heartRate = 90.0; ///< beats per minute; 90 at 60 fps makes 120 frames exactly 3 beats
    double depthCm = 15.0;   ///< imaging depth: the sector radius in cm (sets the calibration)
    int jpegQuality = 90;
    EchoEncoding encoding = EchoEncoding::JpegBaseline422;
    bool basicOffsetTable = true;
    std::string patientName = "DEMO^ECHO";
    std::string patientID = "VERIDICOR-DEMO";
    std::string patientBirthDate = "19600101";
    std::string patientSex = "O";
    std::string studyInstanceUID = "2.25.262305788162934436519738493845712983041";
    std::string seriesInstanceUID = "2.25.262305788162934436519738493845712983042";
    std::string sopInstanceUID = "2.25.262305788162934436519738493845712983043";
    std::string studyDate = "20240105";
    std::string studyTime = "093000";
    std::string studyDescription = "Synthetic echocardiogram (demo)";
    std::string accessionNumber = "DEMO0001";
    int seriesNumber = 3;
    int instanceNumber = 1;
};

/// Where the sector is and how it is calibrated (pixels; PhysicalDelta in cm per pixel).
struct EchoGeometry {
    double apexX = 0, apexY = 0; ///< sector apex (pixel coordinates)
    double radius = 0;           ///< sector radius in pixels (= depthCm)
    double halfAngleRad = 0;     ///< half the opening angle
    int regionMinX = 0, regionMinY = 0, regionMaxX = 0, regionMaxY = 0; ///< the calibrated 2D region
    double cmPerPixel = 0;                                              ///< PhysicalDeltaX = PhysicalDeltaY
    int ecgMinY = 0, ecgMaxY = 0; ///< the ECG strip (a waveform region, not spatially calibrated)
};
EchoGeometry echoGeometry(const EchoClipSpec& spec);

/// The left ventricle of frame `index` as renderEchoFrame() draws it (pixels): a bullet-shaped ellipse,
/// narrower towards the apex (top), that contracts in systole while its wall thickens.
struct LeftVentricle {
    double centreX = 0, centreY = 0;
    double axial = 0;       ///< semi-axis along the beam (vertical)
    double lateral = 0;     ///< semi-axis across it, before the apical taper
    double wall = 0;        ///< myocardium thickness
    double contraction = 0; ///< 0 at end-diastole, 1 at end-systole
    /// Normalized distance of (x, y) from the centre: < 1 in the cavity, 1 on the endocardium.
    [[nodiscard]] double radiusAt(double x, double y) const;
    /// The normalized radius of the epicardium (outer wall edge).
    [[nodiscard]] double outerRadius() const { return 1.0 + wall / ((axial + lateral) / 2.0); }
};
LeftVentricle leftVentricle(const EchoClipSpec& spec, int index);

/// Frame `index` as 8-bit RGB, row 0 at the top (what a decoder should give back, before JPEG loss).
std::vector<std::uint8_t> renderEchoFrame(const EchoClipSpec& spec, int index);

/// Encodes one RGB frame as JPEG with 4:2:2 chroma subsampling (libjpeg-turbo). Empty on failure.
std::vector<std::uint8_t> encodeJpeg422(const std::vector<std::uint8_t>& rgb, int width, int height,
                                        int quality);

/// Writes the clip; returns an empty string on success, else what went wrong.
std::string writeEchoClip(const EchoClipSpec& spec, const std::filesystem::path& out);

} // namespace veridicor::demo
