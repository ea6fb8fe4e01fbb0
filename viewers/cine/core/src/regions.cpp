#include <veridicor/cine/regions.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <cmath>
#include <limits>

namespace veridicor::cine {

bool UltrasoundRegion::contains(double x, double y) const {
    // Bounds are inclusive pixel indices; a pixel covers [i - 0.5, i + 0.5].
    return x >= minX0 - 0.5 && x <= maxX1 + 0.5 && y >= minY0 - 0.5 && y <= maxY1 + 0.5;
}

bool UltrasoundRegion::isSpatiallyCalibrated() const {
    return spatialFormat == 1 && unitsX == static_cast<int>(PhysicalUnits::Centimetre) &&
           unitsY == static_cast<int>(PhysicalUnits::Centimetre) && std::isfinite(physicalDeltaX) &&
           std::isfinite(physicalDeltaY) && physicalDeltaX != 0.0 && physicalDeltaY != 0.0;
}

std::string physicalUnitsName(int code) {
    switch (code) {
    case 0:
        return "none";
    case 1:
        return "%";
    case 2:
        return "dB";
    case 3:
        return "cm";
    case 4:
        return "s";
    case 5:
        return "Hz";
    case 6:
        return "dB/s";
    case 7:
        return "cm/s";
    case 8:
        return "cm²";
    case 9:
        return "cm²/s";
    case 10:
        return "cm³";
    case 11:
        return "cm³/s";
    case 12:
        return "°";
    default:
        return "code " + std::to_string(code);
    }
}

std::string spatialFormatName(int format) {
    switch (format) {
    case 0:
        return "none";
    case 1:
        return "2D";
    case 2:
        return "M-mode";
    case 3:
        return "spectral";
    case 4:
        return "waveform";
    case 5:
        return "graphics";
    default:
        return "format " + std::to_string(format);
    }
}

namespace {

std::optional<long> getInteger(DcmItem* item, const DcmTagKey& tag) {
    Uint32 u = 0;
    if (item->findAndGetUint32(tag, u).good()) {
        return static_cast<long>(u);
    }
    Sint32 s = 0;
    if (item->findAndGetSint32(tag, s).good()) {
        return static_cast<long>(s);
    }
    Uint16 us = 0;
    if (item->findAndGetUint16(tag, us).good()) {
        return static_cast<long>(us);
    }
    return std::nullopt;
}

std::optional<double> getDouble(DcmItem* item, const DcmTagKey& tag) {
    Float64 v = 0.0;
    if (item->findAndGetFloat64(tag, v).good() && std::isfinite(v)) {
        return v;
    }
    return std::nullopt;
}

int clampInt(long v) {
    constexpr long lim = 1L << 30;
    return static_cast<int>(v < -lim ? -lim : (v > lim ? lim : v));
}

} // namespace

std::vector<UltrasoundRegion> readUltrasoundRegions(DcmItem* dataset, std::vector<std::string>* notes) {
    std::vector<UltrasoundRegion> out;
    DcmSequenceOfItems* seq = nullptr;
    if (dataset == nullptr || dataset->findAndGetSequence(DCM_SequenceOfUltrasoundRegions, seq).bad() ||
        seq == nullptr) {
        return out;
    }
    const unsigned long n = seq->card();
    for (unsigned long i = 0; i < n && i < 64; ++i) {
        DcmItem* item = seq->getItem(i);
        if (item == nullptr) {
            continue;
        }
        const auto x0 = getInteger(item, DCM_RegionLocationMinX0);
        const auto y0 = getInteger(item, DCM_RegionLocationMinY0);
        const auto x1 = getInteger(item, DCM_RegionLocationMaxX1);
        const auto y1 = getInteger(item, DCM_RegionLocationMaxY1);
        if (!x0 || !y0 || !x1 || !y1 || *x1 < *x0 || *y1 < *y0) {
            if (notes != nullptr) {
                notes->push_back("ultrasound region " + std::to_string(i + 1) +
                                 " has no valid bounds; it is not used for calibration");
            }
            continue;
        }
        UltrasoundRegion r;
        r.minX0 = clampInt(*x0);
        r.minY0 = clampInt(*y0);
        r.maxX1 = clampInt(*x1);
        r.maxY1 = clampInt(*y1);
        r.spatialFormat = static_cast<int>(getInteger(item, DCM_RegionSpatialFormat).value_or(0));
        r.dataType = static_cast<int>(getInteger(item, DCM_RegionDataType).value_or(0));
        r.flags = static_cast<unsigned>(getInteger(item, DCM_RegionFlags).value_or(0));
        if (auto v = getInteger(item, DCM_ReferencePixelX0))
            r.referencePixelX0 = clampInt(*v);
        if (auto v = getInteger(item, DCM_ReferencePixelY0))
            r.referencePixelY0 = clampInt(*v);
        r.unitsX = static_cast<int>(getInteger(item, DCM_PhysicalUnitsXDirection).value_or(0));
        r.unitsY = static_cast<int>(getInteger(item, DCM_PhysicalUnitsYDirection).value_or(0));
        r.physicalDeltaX = getDouble(item, DCM_PhysicalDeltaX).value_or(0.0);
        r.physicalDeltaY = getDouble(item, DCM_PhysicalDeltaY).value_or(0.0);
        r.referencePhysicalX = getDouble(item, DCM_ReferencePixelPhysicalValueX);
        r.referencePhysicalY = getDouble(item, DCM_ReferencePixelPhysicalValueY);
        out.push_back(r);
    }
    return out;
}

int calibratedRegionFor(const std::vector<UltrasoundRegion>& regions, const std::vector<PixelPoint>& points) {
    int best = -1;
    double bestArea = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto& r = regions[i];
        if (!r.isSpatiallyCalibrated()) {
            continue;
        }
        bool all = !points.empty();
        for (const auto& p : points) {
            all = all && r.contains(p.x, p.y);
        }
        const double area = double(r.maxX1 - r.minX0 + 1) * double(r.maxY1 - r.minY0 + 1);
        if (all && area < bestArea) {
            best = static_cast<int>(i);
            bestArea = area;
        }
    }
    return best;
}

namespace {
std::string notCalibratedNote(const std::vector<UltrasoundRegion>& regions) {
    bool any = false;
    for (const auto& r : regions) {
        any = any || r.isSpatiallyCalibrated();
    }
    return any ? "not calibrated: outside the calibrated ultrasound region"
               : "not calibrated: the image has no calibrated ultrasound region";
}
} // namespace

Measurement measureDistance(const std::vector<UltrasoundRegion>& regions, PixelPoint a, PixelPoint b) {
    Measurement m;
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const int idx = calibratedRegionFor(regions, {a, b});
    if (idx < 0) {
        m.value = std::hypot(dx, dy);
        m.unit = "px";
        m.note = notCalibratedNote(regions);
        return m;
    }
    const auto& r = regions[static_cast<std::size_t>(idx)];
    const double cm = std::hypot(dx * std::abs(r.physicalDeltaX), dy * std::abs(r.physicalDeltaY));
    m.value = cm * 10.0;
    m.unit = "mm";
    m.calibrated = true;
    m.regionIndex = idx;
    return m;
}

Measurement measureArea(const std::vector<UltrasoundRegion>& regions,
                        const std::vector<PixelPoint>& polygon) {
    Measurement m;
    double twice = 0.0;
    for (std::size_t i = 0; i < polygon.size(); ++i) {
        const auto& p = polygon[i];
        const auto& q = polygon[(i + 1) % polygon.size()];
        twice += p.x * q.y - q.x * p.y;
    }
    const double px2 = polygon.size() >= 3 ? std::abs(twice) / 2.0 : 0.0;
    const int idx = calibratedRegionFor(regions, polygon);
    if (idx < 0) {
        m.value = px2;
        m.unit = "px²";
        m.note = notCalibratedNote(regions);
        return m;
    }
    const auto& r = regions[static_cast<std::size_t>(idx)];
    m.value = px2 * std::abs(r.physicalDeltaX) * std::abs(r.physicalDeltaY);
    m.unit = "cm²";
    m.calibrated = true;
    m.regionIndex = idx;
    return m;
}

} // namespace veridicor::cine
