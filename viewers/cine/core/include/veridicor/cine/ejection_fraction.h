#pragma once
/// \file
/// Echo measurements a reader records: a distance and an area inside one calibrated ultrasound region (and
/// nowhere else: a value in pixels is not a measurement), and the left-ventricular ejection fraction from
/// end- diastolic and end-systolic volumes, given directly or from single-plane area–length.
///
/// Single-plane area–length (an ellipsoid of revolution; ASE/EACVI chamber quantification, Lang et al. 2015,
/// J Am Soc Echocardiogr 28:1): V = 8 · A² / (3 · π · L), A the traced LV cavity area (cm²) and L the
/// long-axis length (cm) from the annulus midpoint to the apex, V in mL (cm³). EF = (EDV − ESV) / EDV · 100
/// %.

#include <veridicor/base/expected.h>
#include <veridicor/cine/regions.h>

#include <string>
#include <vector>

namespace veridicor::cine {

/// Why a value was refused, in plain language ("outside the calibrated ultrasound region").
struct EchoRefusal {
    std::string reason;
};

/// A calibrated value: mm or cm² (UCUM "mm", "cm2"), from region `regionIndex`.
struct CalibratedValue {
    double value = 0.0;
    std::string unitUcum;
    int regionIndex = -1;
};

/// The distance between two points in mm, when both lie in one spatially calibrated region; refused when
/// the image has no such region, a point lies outside every one, or the points lie in different regions.
Expected<CalibratedValue, EchoRefusal> calibratedDistance(const std::vector<UltrasoundRegion>& regions,
                                                          PixelPoint a, PixelPoint b);

/// The area of a closed polygon (≥ 3 points) in cm², refused as calibratedDistance is.
Expected<CalibratedValue, EchoRefusal> calibratedArea(const std::vector<UltrasoundRegion>& regions,
                                                      const std::vector<PixelPoint>& polygon);

/// Single-plane area–length volume (mL) of a cavity of area `areaCm2` and long axis `lengthCm`; both > 0.
double areaLengthVolumeMl(double areaCm2, double lengthCm);

struct EjectionFraction {
    double edvMl = 0.0;
    double esvMl = 0.0;
    double percent = 0.0;
    std::string method; ///< "single-plane area-length" or "volumes"
};

/// EF from end-diastolic and end-systolic volumes (mL); refused unless 0 ≤ ESV ≤ EDV and EDV > 0, all finite.
Expected<EjectionFraction, EchoRefusal> ejectionFractionFromVolumes(double edvMl, double esvMl);

/// EF from the end-diastolic and end-systolic cavity areas (cm²) and long-axis lengths (cm), by single-plane
/// area–length; refused unless every input is finite and > 0 and the ES volume is not above the ED volume.
Expected<EjectionFraction, EchoRefusal> ejectionFractionFromAreaLength(double edAreaCm2, double edLengthCm,
                                                                       double esAreaCm2, double esLengthCm);

} // namespace veridicor::cine
