#include <veridicor/ecg/measurements.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace veridicor::ecg {

namespace {

constexpr double kSnapWindowSeconds = 0.040;
constexpr double kOnsetLookAheadSeconds = 0.080;
constexpr double kMinRPeakMillivolts = 0.3;
constexpr double kMinOnsetSlopeMvPerSecond = 5.0;
constexpr double kOnsetSlopeFraction = 0.10;
constexpr double kOnsetQuietSeconds = 0.010;
constexpr double kBaselineSeconds = 0.020;
constexpr double kJPlusSeconds = 0.060;

std::string formatFixed(double v, int decimals) {
    std::array<char, 64> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
    return n > 0 ? std::string(buf.data()) : std::string();
}

bool isVoltage(const Channel& ch) {
    return ch.calibrated && ch.unitsToMicrovolts != 0.0 && !ch.raw.empty();
}

double millivolts(const Channel& ch, std::size_t i) {
    return ch.microvolts(i) / 1000.0;
}

/// The sample nearest `seconds`, or nullopt outside the recording.
std::optional<std::size_t> sampleAt(const WaveformGroup& g, const Channel& ch, double seconds) {
    if (g.samplingHz <= 0 || !std::isfinite(seconds)) {
        return std::nullopt;
    }
    const double k = std::round(seconds * g.samplingHz);
    if (k < 0 || k >= static_cast<double>(ch.raw.size())) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(k);
}

bool isPadding(const WaveformGroup& g, const Channel& ch, std::size_t i) {
    return g.paddingValue && ch.raw[i] == *g.paddingValue;
}

Measurement base(const Caliper& c, std::string name, std::string unit) {
    Measurement m;
    m.name = std::move(name);
    m.unitUcum = std::move(unit);
    m.lead = c.lead;
    m.startSeconds = c.startSeconds;
    m.endSeconds = c.endSeconds;
    m.caliperId = c.id;
    return m;
}

double durationMs(const Caliper& c) {
    return (c.endSeconds - c.startSeconds) * 1000.0;
}

/// The RR caliper nearest `qt`: same lead first, then any; by the distance between midpoints.
const Caliper* nearestRr(const CaliperSet& set, const Caliper& qt) {
    const double mid = (qt.startSeconds + qt.endSeconds) / 2.0;
    const Caliper* best = nullptr;
    bool bestSameLead = false;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (const Caliper& c : set.list()) {
        if (c.kind != CaliperKind::RR || durationMs(c) <= 0.0) {
            continue;
        }
        const bool same = c.channel == qt.channel;
        const double d = std::abs((c.startSeconds + c.endSeconds) / 2.0 - mid);
        if (best == nullptr || (same && !bestSameLead) || (same == bestSameLead && d < bestDistance)) {
            best = &c;
            bestSameLead = same;
            bestDistance = d;
        }
    }
    return best;
}

void addQtc(const CaliperSet& set, const Caliper& qt, std::vector<Measurement>& out) {
    struct Formula {
        const char* method;
        double (*fn)(double, double);
    };
    static constexpr std::array<Formula, 4> kFormulas{{{"Bazett", &qtcBazett},
                                                       {"Fridericia", &qtcFridericia},
                                                       {"Framingham", &qtcFramingham},
                                                       {"Hodges", &qtcHodges}}};
    const Caliper* rr = nearestRr(set, qt);
    for (const Formula& f : kFormulas) {
        Measurement m = base(qt, "QTc", "ms");
        m.method = f.method;
        if (rr == nullptr) {
            m.basis = "place an RR caliper";
        } else {
            m.value = f.fn(durationMs(qt), durationMs(*rr));
            m.basis = "RR " + formatFixed(durationMs(*rr), 0) + " ms, " + rr->lead;
        }
        out.push_back(std::move(m));
    }
}

void addStLevels(const Caliper& qrs, const WaveformGroup& g, std::vector<Measurement>& out) {
    for (const Channel& ch : g.channels) {
        if (!isVoltage(ch)) {
            continue;
        }
        auto measure = [&](const char* name, double atSeconds) {
            Measurement m;
            m.name = name;
            m.unitUcum = "mV";
            m.lead = ch.label;
            m.startSeconds = qrs.startSeconds;
            m.endSeconds = atSeconds;
            m.method = "PR-segment baseline";
            m.caliperId = qrs.id;
            const auto onset = sampleAt(g, ch, qrs.startSeconds);
            const auto at = sampleAt(g, ch, atSeconds);
            const auto n = static_cast<std::size_t>(std::round(kBaselineSeconds * g.samplingHz));
            if (!onset || !at || n == 0 || *onset < n) {
                m.basis = "not inside the recording";
                out.push_back(std::move(m));
                return;
            }
            double sum = 0.0;
            std::size_t used = 0;
            for (std::size_t i = *onset - n; i < *onset; ++i) {
                if (!isPadding(g, ch, i)) {
                    sum += millivolts(ch, i);
                    ++used;
                }
            }
            if (used == 0 || isPadding(g, ch, *at)) {
                m.basis = "no samples there";
            } else {
                const double baseline = sum / static_cast<double>(used);
                m.value = millivolts(ch, *at) - baseline;
                m.basis = "baseline " + formatFixed(baseline, 3) + " mV (mean of the 20 ms before QRS onset)";
            }
            out.push_back(std::move(m));
        };
        measure("ST level at J", qrs.endSeconds);
        measure("ST level at J+60 ms", qrs.endSeconds + kJPlusSeconds);
    }
}

} // namespace

std::string_view caliperKindLabel(CaliperKind kind) {
    switch (kind) {
    case CaliperKind::RR:
        return "RR";
    case CaliperKind::PR:
        return "PR";
    case CaliperKind::QRS:
        return "QRS";
    case CaliperKind::QT:
        return "QT";
    case CaliperKind::Free:
        break;
    }
    return "Free";
}

int CaliperSet::add(Caliper caliper) {
    if (caliper.endSeconds < caliper.startSeconds) {
        std::swap(caliper.startSeconds, caliper.endSeconds);
    }
    caliper.id = m_nextId++;
    m_calipers.push_back(std::move(caliper));
    return m_calipers.back().id;
}

bool CaliperSet::remove(int id) {
    const auto it =
        std::find_if(m_calipers.begin(), m_calipers.end(), [id](const Caliper& c) { return c.id == id; });
    if (it == m_calipers.end()) {
        return false;
    }
    m_calipers.erase(it);
    return true;
}

bool CaliperSet::move(int id, double startSeconds, double endSeconds) {
    for (Caliper& c : m_calipers) {
        if (c.id == id) {
            c.startSeconds = std::min(startSeconds, endSeconds);
            c.endSeconds = std::max(startSeconds, endSeconds);
            return true;
        }
    }
    return false;
}

const Caliper* CaliperSet::find(int id) const {
    for (const Caliper& c : m_calipers) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

double qtcBazett(double qtMs, double rrMs) {
    return qtMs / std::sqrt(rrMs / 1000.0);
}
double qtcFridericia(double qtMs, double rrMs) {
    return qtMs / std::cbrt(rrMs / 1000.0);
}
double qtcFramingham(double qtMs, double rrMs) {
    return qtMs + 154.0 * (1.0 - rrMs / 1000.0);
}
double qtcHodges(double qtMs, double rrMs) {
    return qtMs + 1.75 * (60000.0 / rrMs - 60.0);
}

std::vector<Measurement> deriveMeasurements(const CaliperSet& calipers, const WaveformGroup* group) {
    std::vector<Measurement> out;
    for (const Caliper& c : calipers.list()) {
        const double ms = durationMs(c);
        switch (c.kind) {
        case CaliperKind::RR: {
            Measurement rr = base(c, "RR interval", "ms");
            rr.value = ms;
            out.push_back(rr);
            Measurement hr = base(c, "Heart rate", "/min");
            if (ms > 0.0) {
                hr.value = 60000.0 / ms;
                hr.basis = "60000 / RR";
            } else {
                hr.basis = "the RR caliper has no length";
            }
            out.push_back(std::move(hr));
            break;
        }
        case CaliperKind::PR: {
            Measurement m = base(c, "PR interval", "ms");
            m.value = ms;
            out.push_back(std::move(m));
            break;
        }
        case CaliperKind::QRS: {
            Measurement m = base(c, "QRS duration", "ms");
            m.value = ms;
            out.push_back(std::move(m));
            if (group != nullptr) {
                addStLevels(c, *group, out);
            }
            break;
        }
        case CaliperKind::QT: {
            Measurement m = base(c, "QT interval", "ms");
            m.value = ms;
            out.push_back(std::move(m));
            if (ms > 0.0) {
                addQtc(calipers, c, out);
            }
            break;
        }
        case CaliperKind::Free: {
            Measurement m = base(c, "Time interval", "ms");
            m.value = ms;
            out.push_back(std::move(m));
            if (group != nullptr && c.channel < group->channels.size() &&
                isVoltage(group->channels[c.channel])) {
                const Channel& ch = group->channels[c.channel];
                Measurement dv = base(c, "Amplitude difference", "mV");
                const auto a = sampleAt(*group, ch, c.startSeconds);
                const auto b = sampleAt(*group, ch, c.endSeconds);
                if (a && b && !isPadding(*group, ch, *a) && !isPadding(*group, ch, *b)) {
                    dv.value = millivolts(ch, *b) - millivolts(ch, *a);
                    dv.basis = "end − start";
                } else {
                    dv.basis = "not inside the recording";
                }
                out.push_back(std::move(dv));
            }
            break;
        }
        }
    }
    return out;
}

std::string formatMeasurementValue(const Measurement& m) {
    if (!m.value) {
        return {};
    }
    if (m.unitUcum == "mV") {
        return std::string(*m.value >= 0 ? "+" : "") + formatFixed(*m.value, 2);
    }
    return formatFixed(*m.value, 0);
}

std::string describeMeasurement(const Measurement& m) {
    std::string s = m.name;
    if (!m.lead.empty()) {
        s = m.lead + " " + s;
    }
    if (!m.value) {
        return s + (m.method.empty() ? "" : " (" + m.method + ")") + ": " + m.basis;
    }
    s += " " + formatMeasurementValue(m) + " " + m.unitUcum;
    if (!m.method.empty() && m.unitUcum != "mV") {
        s += " (" + m.method + ")";
    }
    return s;
}

std::string caliperCaption(const Caliper& caliper, const std::vector<Measurement>& all) {
    auto find = [&](const std::string& name, const std::string& method = {},
                    bool ownLead = false) -> const Measurement* {
        for (const Measurement& m : all) {
            if (m.caliperId == caliper.id && m.name == name && (method.empty() || m.method == method) &&
                (!ownLead || m.lead == caliper.lead)) {
                return &m;
            }
        }
        return nullptr;
    };
    auto value = [](const Measurement* m) {
        return m != nullptr && m->value ? formatMeasurementValue(*m) + " " + m->unitUcum : std::string("–");
    };
    switch (caliper.kind) {
    case CaliperKind::RR:
        return "RR " + value(find("RR interval")) + " · " + value(find("Heart rate"));
    case CaliperKind::PR:
        return "PR " + value(find("PR interval"));
    case CaliperKind::QRS: {
        std::string s = "QRS " + value(find("QRS duration"));
        const Measurement* j = find("ST level at J", {}, true);
        const Measurement* j60 = find("ST level at J+60 ms", {}, true);
        if (j != nullptr && j->value) {
            s += " · ST J " + value(j) + ", J+60 " + value(j60);
        }
        return s;
    }
    case CaliperKind::QT: {
        std::string s = "QT " + value(find("QT interval"));
        if (const Measurement* q = find("QTc", "Bazett")) {
            s += q->value ? " · QTc " + value(q) + " (Bazett)" : " · QTc: " + q->basis;
        }
        return s;
    }
    case CaliperKind::Free:
        break;
    }
    std::string s = "Δt " + value(find("Time interval"));
    if (const Measurement* dv = find("Amplitude difference"); dv != nullptr && dv->value) {
        s += " ΔV " + value(dv);
    }
    return s;
}

SnapTarget snapTargetFor(CaliperKind kind, bool startEnd) {
    switch (kind) {
    case CaliperKind::RR:
    case CaliperKind::Free:
        return SnapTarget::RPeak;
    case CaliperKind::PR:
        return startEnd ? SnapTarget::None : SnapTarget::QrsOnset;
    case CaliperKind::QRS:
    case CaliperKind::QT:
        return startEnd ? SnapTarget::QrsOnset : SnapTarget::None;
    }
    return SnapTarget::None;
}

std::optional<double> snapTime(const WaveformGroup& group, std::size_t channel, double seconds,
                               SnapTarget target) {
    if (target == SnapTarget::None || channel >= group.channels.size() || group.samplingHz <= 0 ||
        !std::isfinite(seconds)) {
        return std::nullopt;
    }
    const Channel& ch = group.channels[channel];
    if (!isVoltage(ch)) {
        return std::nullopt;
    }
    const double fs = group.samplingHz;
    const auto last = static_cast<double>(ch.raw.size() - 1);
    const auto clampIndex = [&](double k) {
        return static_cast<std::size_t>(std::clamp(k, 0.0, last));
    };
    const std::size_t lo = clampIndex(std::ceil((seconds - kSnapWindowSeconds) * fs));
    const std::size_t hi = clampIndex(std::floor((seconds + kSnapWindowSeconds) * fs));
    if (hi < lo + 2) {
        return std::nullopt;
    }
    if (target == SnapTarget::RPeak) {
        std::vector<double> window;
        window.reserve(hi - lo + 1);
        for (std::size_t i = lo; i <= hi; ++i) {
            window.push_back(millivolts(ch, i));
        }
        std::vector<double> sorted = window;
        const auto mid = sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2);
        std::nth_element(sorted.begin(), mid, sorted.end());
        const double median = *mid;
        std::size_t best = lo;
        for (std::size_t i = lo; i <= hi; ++i) {
            if (std::abs(millivolts(ch, i) - median) > std::abs(millivolts(ch, best) - median)) {
                best = i;
            }
        }
        // A local extremum of the whole trace (its neighbours may lie just outside the window): a maximum of
        // the window that is still rising at its edge is the slope of a peak further away.
        if (std::abs(millivolts(ch, best) - median) < kMinRPeakMillivolts || best == 0 ||
            best + 1 >= ch.raw.size()) {
            return std::nullopt;
        }
        const double v = millivolts(ch, best);
        const double before = millivolts(ch, best - 1);
        const double after = millivolts(ch, best + 1);
        const bool isMax = v >= before && v >= after;
        const bool isMin = v <= before && v <= after;
        if (!isMax && !isMin) {
            return std::nullopt;
        }
        return static_cast<double>(best) / fs;
    }
    // QRS onset: steepest slope (central difference) ahead, then back to where the slope fades.
    const std::size_t aheadHi = clampIndex(std::floor((seconds + kOnsetLookAheadSeconds) * fs));
    const auto slope = [&](std::size_t i) {
        if (i == 0 || i >= ch.raw.size() - 1) {
            return 0.0;
        }
        return std::abs(millivolts(ch, i + 1) - millivolts(ch, i - 1)) * fs / 2.0;
    };
    std::size_t steepest = lo;
    for (std::size_t i = lo; i <= aheadHi; ++i) {
        if (slope(i) > slope(steepest)) {
            steepest = i;
        }
    }
    const double maxSlope = slope(steepest);
    if (maxSlope < kMinOnsetSlopeMvPerSecond) {
        return std::nullopt;
    }
    // Back from the steepest slope to the start of the first quiet stretch (slope under 10 % of the
    // steepest for 10 ms): a single flat sample at the bottom of a Q wave is not the onset.
    const auto quietSamples =
        std::max<std::size_t>(2, static_cast<std::size_t>(std::lround(kOnsetQuietSeconds * fs)));
    std::size_t onset = steepest;
    std::size_t quiet = 0;
    for (std::size_t i = steepest; i > 0; --i) {
        if (slope(i) < kOnsetSlopeFraction * maxSlope) {
            if (quiet++ == 0) {
                onset = i;
            }
            if (quiet >= quietSamples) {
                break;
            }
        } else {
            quiet = 0;
        }
    }
    if (quiet < quietSamples) {
        return std::nullopt;
    }
    if (onset < lo || onset > hi) {
        return std::nullopt;
    }
    return static_cast<double>(onset) / fs;
}

} // namespace veridicor::ecg
