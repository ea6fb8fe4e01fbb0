#include <veridicor/ecg/calipers.h>

#include <array>
#include <cmath>
#include <cstdio>

namespace veridicor::ecg {

namespace {

std::string formatNumber(double v, int decimals) {
    std::array<char, 64> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
    return n > 0 ? std::string(buf.data()) : std::string();
}

/// A numeric value without trailing zeros: 69 → "69", 0.5 → "0.5", 412.25 → "412.25".
std::string compactNumber(double v) {
    std::array<char, 64> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.6g", v);
    return n > 0 ? std::string(buf.data()) : std::string();
}

std::string readableUnits(const std::string& ucum) {
    if (ucum == "{H.B.}/min" || ucum == "{beats}/min" || ucum == "/min" || ucum == "1/min" || ucum == "bpm") {
        return "/min";
    }
    if (ucum == "deg") {
        return "°";
    }
    if (ucum == "uV") {
        return "µV";
    }
    return ucum;
}

} // namespace

CaliperReading measureCalipers(CaliperPoint first, CaliperPoint second, CaliperKind kind) {
    CaliperReading r;
    r.intervalMs = std::abs(second.seconds - first.seconds) * 1000.0;
    if (kind == CaliperKind::RR && r.intervalMs > 0.0) {
        r.rateBpm = 60000.0 / r.intervalMs;
    }
    r.amplitudeMv = second.millivolts - first.millivolts;
    return r;
}

CaliperPoint caliperPointAt(const PaperCell& cell, PagePoint mm) {
    return {cell.secondsAt(mm.x), cell.millivoltsAt(mm.y)};
}

std::string formatCaliperReading(const CaliperReading& reading, const std::string& lead) {
    std::string s = lead.empty() ? std::string() : lead + ": ";
    s += "Δt " + formatNumber(reading.intervalMs, 0) + " ms";
    if (reading.rateBpm) {
        s += " (" + formatNumber(*reading.rateBpm, 1) + " bpm)";
    }
    s += "  ΔV " + std::string(reading.amplitudeMv >= 0 ? "+" : "") + formatNumber(reading.amplitudeMv, 2) +
         " mV";
    return s;
}

std::vector<MeasurementRow> measurementRows(const Recording& recording) {
    std::vector<MeasurementRow> rows;
    for (const Annotation& a : recording.annotations) {
        MeasurementRow row;
        row.name = !a.conceptName.empty() ? a.conceptName : (a.numericValue ? "Measurement" : "Statement");
        if (a.numericValue) {
            row.value = compactNumber(*a.numericValue);
            const std::string units = readableUnits(a.units);
            if (!units.empty()) {
                row.value += (units == "°" ? "" : " ") + units;
            }
        } else {
            row.value = a.text;
        }
        if (row.value.empty() && !a.text.empty()) {
            row.value = a.text;
        }
        std::string where;
        const WaveformGroup* group =
            a.group && *a.group < recording.groups.size() ? &recording.groups[*a.group] : nullptr;
        if (!a.channels.empty()) {
            where = a.channels.size() == 1 ? "lead " : "leads ";
            for (std::size_t i = 0; i < a.channels.size(); ++i) {
                const std::size_t ch = a.channels[i];
                if (i > 0)
                    where += ", ";
                where += group != nullptr && ch < group->channels.size() ? group->channels[ch].label
                                                                         : "#" + std::to_string(ch + 1);
            }
        }
        if (a.firstSample) {
            if (!where.empty())
                where += "; ";
            where += "sample " + std::to_string(*a.firstSample);
            if (a.lastSample && *a.lastSample != *a.firstSample) {
                where += "–" + std::to_string(*a.lastSample);
            }
            if (group != nullptr && group->samplingHz > 0) {
                where +=
                    " (" + formatNumber(static_cast<double>(*a.firstSample) / group->samplingHz, 3) + " s)";
            }
        }
        row.where = where;
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace veridicor::ecg
