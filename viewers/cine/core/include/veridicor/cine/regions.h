#pragma once

#include <optional>
#include <string>
#include <vector>

class DcmItem;

namespace veridicor::cine {

/// Physical Units X/Y Direction (0018,6024/6026), PS3.3 C.8.5.5.1.15.
enum class PhysicalUnits : int {
    None = 0,
    Percent = 1,
    Decibel = 2,
    Centimetre = 3,
    Seconds = 4,
    Hertz = 5,
    DecibelPerSecond = 6,
    CentimetrePerSecond = 7,
    SquareCentimetre = 8,
    SquareCentimetrePerSecond = 9,
    CubicCentimetre = 10,
    CubicCentimetrePerSecond = 11,
    Degrees = 12,
};

/// One item of the Sequence of Ultrasound Regions (0018,6011). Pixel bounds are inclusive, in image pixels.
struct UltrasoundRegion {
    int spatialFormat =
        0;              ///< Region Spatial Format: 0 none, 1 2D, 2 M-mode, 3 spectral, 4 waveform, 5 graphics
    int dataType = 0;   ///< Region Data Type: 1 tissue, 2 colour flow, …
    unsigned flags = 0; ///< Region Flags
    int minX0 = 0, minY0 = 0, maxX1 = 0, maxY1 = 0;
    std::optional<int> referencePixelX0, referencePixelY0;
    int unitsX = 0, unitsY = 0; ///< PhysicalUnits codes as stored (unknown codes are kept)
    double physicalDeltaX = 0.0, physicalDeltaY = 0.0;
    std::optional<double> referencePhysicalX, referencePhysicalY;

    [[nodiscard]] bool contains(double x, double y) const;
    /// 2D region whose X and Y are both in cm with non-zero deltas: distances and areas are physical.
    [[nodiscard]] bool isSpatiallyCalibrated() const;
};

/// A short English name for a Physical Units code ("cm", "cm/s", "none"); "code N" for unknown codes.
std::string physicalUnitsName(int code);
/// A short English name for a Region Spatial Format ("2D", "M-mode", …).
std::string spatialFormatName(int format);

/// Reads the Sequence of Ultrasound Regions. Items without their bounds are skipped and reported in `notes`.
std::vector<UltrasoundRegion> readUltrasoundRegions(DcmItem* dataset,
                                                    std::vector<std::string>* notes = nullptr);

/// A point in image pixel coordinates (x = column, y = row; pixel centres at integers).
struct PixelPoint {
    double x = 0.0;
    double y = 0.0;
};

/// A measured value with its unit; `calibrated` is false when it is in pixels because no calibrated region
/// holds every point (the view then shows a "not calibrated" note).
struct Measurement {
    double value = 0.0;
    std::string unit; ///< "mm", "cm²", "px", "px²"
    bool calibrated = false;
    int regionIndex = -1; ///< the calibrated region used, or -1
    std::string note;     ///< why not calibrated (empty when calibrated)
};

/// The index of the spatially calibrated region holding every point, or -1. Where calibrated regions overlap
/// the smallest one wins (it is the most specific).
int calibratedRegionFor(const std::vector<UltrasoundRegion>& regions, const std::vector<PixelPoint>& points);

/// Distance between two points: mm inside one calibrated region (|ΔX|, |ΔY| are in cm per pixel), pixels
/// outside.
Measurement measureDistance(const std::vector<UltrasoundRegion>& regions, PixelPoint a, PixelPoint b);

/// Area of a closed polygon (shoelace formula): cm² inside one calibrated region, px² outside. Needs ≥ 3
/// points.
Measurement measureArea(const std::vector<UltrasoundRegion>& regions, const std::vector<PixelPoint>& polygon);

} // namespace veridicor::cine
