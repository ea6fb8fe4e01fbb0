#include <veridicor/cine/ejection_fraction.h>

#include <cmath>
#include <numbers>

namespace veridicor::cine {

namespace {

/// Why no single calibrated region holds every point.
EchoRefusal refusalFor(const std::vector<UltrasoundRegion>& regions, const std::vector<PixelPoint>& points) {
    bool anyCalibrated = false;
    for (const auto& r : regions) {
        anyCalibrated = anyCalibrated || r.isSpatiallyCalibrated();
    }
    if (!anyCalibrated) {
        return {"the image has no calibrated ultrasound region"};
    }
    for (const auto& p : points) {
        if (calibratedRegionFor(regions, {p}) < 0) {
            return {"outside the calibrated ultrasound region"};
        }
    }
    // Every point is in some calibrated region, but no one region holds them all.
    return {"the points lie in different ultrasound regions"};
}

} // namespace

Expected<CalibratedValue, EchoRefusal> calibratedDistance(const std::vector<UltrasoundRegion>& regions,
                                                          PixelPoint a, PixelPoint b) {
    const Measurement m = measureDistance(regions, a, b);
    if (!m.calibrated) {
        return Unexpected{refusalFor(regions, {a, b})};
    }
    return CalibratedValue{m.value, "mm", m.regionIndex};
}

Expected<CalibratedValue, EchoRefusal> calibratedArea(const std::vector<UltrasoundRegion>& regions,
                                                      const std::vector<PixelPoint>& polygon) {
    if (polygon.size() < 3) {
        return Unexpected{EchoRefusal{"an area needs at least three points"}};
    }
    const Measurement m = measureArea(regions, polygon);
    if (!m.calibrated) {
        return Unexpected{refusalFor(regions, polygon)};
    }
    return CalibratedValue{m.value, "cm2", m.regionIndex};
}

double areaLengthVolumeMl(double areaCm2, double lengthCm) {
    return 8.0 * areaCm2 * areaCm2 / (3.0 * std::numbers::pi * lengthCm);
}

Expected<EjectionFraction, EchoRefusal> ejectionFractionFromVolumes(double edvMl, double esvMl) {
    if (!std::isfinite(edvMl) || !std::isfinite(esvMl) || edvMl <= 0.0 || esvMl < 0.0) {
        return Unexpected{
            EchoRefusal{"the end-diastolic volume must be above 0 and the end-systolic one not below 0"}};
    }
    if (esvMl > edvMl) {
        return Unexpected{
            EchoRefusal{"the end-systolic volume is larger than the end-diastolic one: are ED and ES "
                        "swapped?"}};
    }
    return EjectionFraction{edvMl, esvMl, (edvMl - esvMl) / edvMl * 100.0, "volumes"};
}

Expected<EjectionFraction, EchoRefusal> ejectionFractionFromAreaLength(double edAreaCm2, double edLengthCm,
                                                                       double esAreaCm2, double esLengthCm) {
    for (const double v : {edAreaCm2, edLengthCm, esAreaCm2, esLengthCm}) {
        if (!std::isfinite(v) || v <= 0.0) {
            return Unexpected{EchoRefusal{"every area and length must be above 0"}};
        }
    }
    auto ef = ejectionFractionFromVolumes(areaLengthVolumeMl(edAreaCm2, edLengthCm),
                                          areaLengthVolumeMl(esAreaCm2, esLengthCm));
    if (ef) {
        ef.value().method = "single-plane area-length";
    }
    return ef;
}

} // namespace veridicor::cine
