#pragma once
/// \file
/// Calipers and measurement text: the time and amplitude between two points a reader marks on a lead, and the
/// file's own measurements and statements as a reader sees them in the side panel. No Qt, no GL.

#include <veridicor/ecg/measurements.h>
#include <veridicor/ecg/paper_geometry.h>
#include <veridicor/ecg/recording.h>

#include <optional>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// A point on a lead: recording time (s) and value (mV).
struct CaliperPoint {
    double seconds = 0.0;
    double millivolts = 0.0;
};

/// What a pair of calipers measures.
struct CaliperReading {
    double intervalMs = 0.0; ///< |t2 − t1| in milliseconds
    /// 60000 / interval, only for an RR caliper (a rate is a property of one RR interval: a QT or free
    /// interval has none); none at 0 ms
    std::optional<double> rateBpm;
    double amplitudeMv = 0.0; ///< v2 − v1 (signed: positive when the second point is higher)
};

/// The reading between two caliper points of a caliper of `kind` (a rate only for CaliperKind::RR).
CaliperReading measureCalipers(CaliperPoint first, CaliperPoint second, CaliperKind kind = CaliperKind::Free);

/// The caliper point under a page position (mm) in `cell`: time from x, millivolts from y.
CaliperPoint caliperPointAt(const PaperCell& cell, PagePoint mm);

/// "Δt 820 ms (73.2 bpm)  ΔV +1.25 mV" (the rate only for an RR caliper, and never at 0 ms); with `lead`,
/// prefixed "II: ".
std::string formatCaliperReading(const CaliperReading& reading, const std::string& lead = {});

/// One line of the measurement panel.
struct MeasurementRow {
    std::string name;  ///< "Heart rate", "QTc interval", "Statement", …
    std::string value; ///< "69 /min", "412 ms", or the statement text
    std::string where; ///< "leads I, II; samples 120–480" when the annotation references a place, else empty
};

/// The file's annotations as the measurement panel lists them (in file order): numeric measurements with
/// their UCUM units made readable ("{H.B.}/min" → "/min"), coded and free-text statements as text.
std::vector<MeasurementRow> measurementRows(const Recording& recording);

} // namespace veridicor::ecg
