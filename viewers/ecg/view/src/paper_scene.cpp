#include <veridicor/ecg/paper_scene.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>

namespace veridicor::ecg {

namespace {

constexpr double kHeaderMm = 29.0;
constexpr double kMinPageWidthMm = 240.0; // room for the printed header at 12.5 mm/s
constexpr double kTickHalfMm = 2.5;

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string compact(double v) {
    return fmt("%g", v);
}

std::string personName(const std::string& pn) {
    // DICOM PN: family^given^middle^prefix^suffix → "Family, Given Middle".
    std::vector<std::string> parts;
    std::string cur;
    for (char c : pn) {
        if (c == '^') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    std::string out = parts[0];
    std::string rest;
    for (std::size_t i = 1; i < parts.size() && i < 3; ++i) {
        if (!parts[i].empty()) rest += (rest.empty() ? "" : " ") + parts[i];
    }
    if (!rest.empty()) out += (out.empty() ? "" : ", ") + rest;
    return out.empty() ? "(no name)" : out;
}

std::string dicomDate(const std::string& d) {
    if (d.size() >= 8) return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    return d;
}

std::string dicomDateTime(const std::string& dt) {
    if (dt.size() < 8) return dt.empty() ? "unknown" : dt;
    std::string s = dicomDate(dt.substr(0, 8));
    if (dt.size() >= 12) {
        s += " " + dt.substr(8, 2) + ":" + dt.substr(10, 2);
        if (dt.size() >= 14) s += ":" + dt.substr(12, 2);
    }
    return s;
}

std::string age(const PatientInfo& p) {
    // "055Y" → "55 y"; D/W/M/Y units.
    if (p.age.size() == 4) {
        const int n = std::atoi(p.age.substr(0, 3).c_str());
        const char u = p.age[3];
        const char* unit = u == 'Y' ? " y" : u == 'M' ? " mo" : u == 'W' ? " wk" : u == 'D' ? " d" : "";
        return std::to_string(n) + unit;
    }
    return p.age;
}

std::string recordedFilters(const WaveformGroup& g) {
    std::set<std::tuple<double, double, double>> seen;
    bool any = false;
    for (const Channel& ch : g.channels) {
        const auto& f = ch.filters;
        any = any || f.lowFrequencyHz || f.highFrequencyHz || f.notchHz;
        seen.emplace(f.lowFrequencyHz.value_or(-1), f.highFrequencyHz.value_or(-1), f.notchHz.value_or(-1));
    }
    if (!any) return "not recorded";
    if (seen.size() > 1) return "vary by lead";
    const auto& f = g.channels.front().filters;
    std::string s = (f.lowFrequencyHz ? compact(*f.lowFrequencyHz) : std::string("?")) + "–" +
                    (f.highFrequencyHz ? compact(*f.highFrequencyHz) : std::string("?")) + " Hz";
    if (f.notchHz) s += ", notch " + compact(*f.notchHz) + " Hz";
    return s;
}

void pushVertex(std::vector<float>& v, double x, double y) {
    v.push_back(static_cast<float>(x));
    v.push_back(static_cast<float>(y));
}

} // namespace

std::string formatClock(double seconds) {
    if (!(seconds >= 0)) seconds = 0;
    const auto whole = static_cast<long long>(std::floor(seconds));
    const int tenths = static_cast<int>(std::floor((seconds - static_cast<double>(whole)) * 10.0));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%d", whole / 3600, (whole / 60) % 60, whole % 60, tenths);
    return buf;
}

std::vector<std::string> headerLines(const Recording& recording, const TraceSet* traces,
                                     const PaperSettings& settings, bool medianBeat) {
    std::vector<std::string> lines;
    const PatientInfo& p = recording.patient;
    std::string l1 = personName(p.name);
    l1 += "    ID " + (p.id.empty() ? std::string("—") : p.id);
    std::string as = age(p);
    if (!p.sex.empty()) as += (as.empty() ? "" : " ") + p.sex;
    if (!as.empty()) l1 += "    " + as;
    if (!p.birthDate.empty()) l1 += "    born " + dicomDate(p.birthDate);
    lines.push_back(l1);

    const AcquisitionInfo& a = recording.acquisition;
    std::string l2 = "Acquired " + dicomDateTime(a.dateTime);
    std::string place = a.institution;
    if (!a.stationName.empty()) place += (place.empty() ? "" : ", ") + a.stationName;
    if (!place.empty()) l2 += "    " + place;
    lines.push_back(l2);
    std::string device = a.manufacturer;
    if (!a.modelName.empty()) device += (device.empty() ? "" : " ") + a.modelName;
    lines.push_back("Device " + (device.empty() ? std::string("unknown") : device));

    std::string l3 = "Recorded filters: ";
    l3 += traces != nullptr ? recordedFilters(traces->group()) : std::string("—");
    l3 += "    Display filters: " + (traces != nullptr ? traces->appliedFiltersText() : std::string("none"));
    lines.push_back(l3);

    std::string l4 = compact(settings.speedMmPerSecond) + " mm/s    " + compact(settings.gainMmPerMillivolt) +
                     " mm/mV";
    if (traces != nullptr) {
        l4 += "    " + compact(traces->samplingHz()) + " Hz";
        if (medianBeat) {
            l4 += "    median beat (" + traces->group().label + ")";
        } else {
            l4 += "    " + paperLayoutName(settings.layout) + "    " + formatClock(settings.startSeconds) + "–" +
                  formatClock(std::min(settings.startSeconds + settings.pageSeconds, traces->durationSeconds())) +
                  " of " + formatClock(traces->durationSeconds());
        }
    }
    lines.push_back(l4);
    return lines;
}

void PaperScene::setTraces(std::shared_ptr<const TraceSet> traces) {
    m_traces = std::move(traces);
    m_calipers.reset();
    relayout();
}

void PaperScene::setSettings(const PaperSettings& settings) {
    const bool scaleChanged = settings.pixelsPerMm != m_settings.pixelsPerMm ||
                              settings.speedMmPerSecond != m_settings.speedMmPerSecond ||
                              settings.gainMmPerMillivolt != m_settings.gainMmPerMillivolt ||
                              settings.layout != m_settings.layout;
    m_settings = settings;
    if (scaleChanged) {
        m_calipers.reset(); // the cells move: calipers would point elsewhere
    }
    relayout();
}

bool PaperScene::medianBeat() const {
    return m_traces && m_traces->group().isMedianBeat();
}

double PaperScene::maxStartSeconds() const {
    if (!m_traces || medianBeat()) return 0.0;
    return std::max(0.0, m_traces->durationSeconds() - m_settings.pageSeconds);
}

void PaperScene::setStartSeconds(double seconds) {
    const double s = std::clamp(std::isfinite(seconds) ? seconds : 0.0, 0.0, maxStartSeconds());
    if (s != m_settings.startSeconds) {
        m_settings.startSeconds = s;
        m_calipers.reset(); // they marked times on the page that has moved
        relayout();
    }
}

void PaperScene::setNote(std::string note) {
    m_note = std::move(note);
    ++m_version;
}

void PaperScene::relayout() {
    ++m_version;
    m_settings.startSeconds = std::clamp(m_settings.startSeconds, 0.0, maxStartSeconds());
    PageRequest r;
    r.layout = m_settings.layout;
    r.scale = {m_settings.pixelsPerMm, m_settings.speedMmPerSecond, m_settings.gainMmPerMillivolt};
    r.headerMm = kHeaderMm;
    r.minWidthMm = kMinPageWidthMm;
    if (m_traces) {
        r.leadLabels = m_traces->labels();
    }
    if (medianBeat()) {
        r.eachCellWholeRange = true;
        r.startSeconds = 0.0;
        r.pageSeconds = m_traces->durationSeconds();
        if (r.layout == PaperLayout::Grid3x4Rhythm) r.layout = PaperLayout::Grid3x4;
    } else {
        r.startSeconds = m_settings.startSeconds;
        r.pageSeconds = m_settings.pageSeconds;
    }
    m_page = layoutPage(r);
}

void PaperScene::buildGeometry(PagePoint visibleTopLeftMm, PagePoint visibleSizeMm, PaperGeometry& out) const {
    out = PaperGeometry{};
    const PaperPage& page = m_page;
    const double x0 = std::max(0.0, visibleTopLeftMm.x);
    const double y0 = std::max(0.0, visibleTopLeftMm.y);
    const double x1 = std::min(page.widthMm, visibleTopLeftMm.x + visibleSizeMm.x);
    const double y1 = std::min(page.heightMm, visibleTopLeftMm.y + visibleSizeMm.y);
    if (x1 <= x0 || y1 <= y0) {
        return;
    }
    // Grid: every millimetre from the page origin; every fifth one is a major line.
    const double gy0 = std::max(y0, page.gridTopMm);
    if (gy0 < y1 && page.rows > 0) {
        for (int i = static_cast<int>(std::ceil(x0)); i <= static_cast<int>(std::floor(x1)); ++i) {
            auto& v = (i % 5 == 0) ? out.gridMajor : out.gridMinor;
            pushVertex(v, i, gy0);
            pushVertex(v, i, y1);
        }
        const int jFirst = static_cast<int>(std::ceil(gy0 - page.gridTopMm));
        const int jLast = static_cast<int>(std::floor(y1 - page.gridTopMm));
        for (int j = jFirst; j <= jLast; ++j) {
            auto& v = (j % 5 == 0) ? out.gridMajor : out.gridMinor;
            pushVertex(v, x0, page.gridTopMm + j);
            pushVertex(v, x1, page.gridTopMm + j);
        }
    }
    if (!hasData()) {
        return;
    }
    const double ppm = page.scale.pixelsPerMm;
    const double fs = m_traces->samplingHz();
    const double spc = fs / (page.scale.speedMmPerSecond * ppm); // samples per device pixel column
    std::vector<TracePoint> pts;
    for (const PaperCell& cell : page.cells) {
        if (cell.bottomMm + cell.gainMmPerMillivolt * 3.0 < y0 || cell.topMm - cell.gainMmPerMillivolt * 3.0 > y1 ||
            cell.xMm > x1 || cell.xMm + cell.widthMm < x0 || cell.channel >= m_traces->channels().size()) {
            continue; // traces may overshoot their band a little, as on paper
        }
        const EnvelopePyramid& pyr = m_traces->channels()[cell.channel].pyramid;
        const int columns = static_cast<int>(std::ceil(cell.widthMm * ppm - 1e-9));
        const int c0 = std::clamp(static_cast<int>(std::floor((x0 - cell.xMm) * ppm)), 0, columns);
        const int c1 = std::clamp(static_cast<int>(std::ceil((x1 - cell.xMm) * ppm)), 0, columns);
        if (c1 <= c0) continue;
        const double first = cell.startSeconds * fs;
        const auto endSample = static_cast<std::size_t>(std::max(0.0, std::ceil(cell.endSeconds * fs - 1e-9)));
        pts.clear();
        const TraceMode mode = pyr.appendTrace(first + c0 * spc, spc, c1 - c0, pts, endSample);
        if (pts.empty()) continue;
        if (mode == TraceMode::Envelope) ++out.envelopeCells;
        // One line strip per run of samples with data; a NaN point (padding: no data) breaks the line.
        DrawRange range{static_cast<int>(out.strips.size() / 2), 0};
        for (const TracePoint& p : pts) {
            if (std::isnan(p.y)) {
                if (range.count > 0) out.traceRanges.push_back(range);
                range = {static_cast<int>(out.strips.size() / 2), 0};
                continue;
            }
            pushVertex(out.strips, cell.xMm + (c0 + static_cast<double>(p.x)) / ppm,
                       cell.baselineMm - static_cast<double>(p.y) * cell.gainMmPerMillivolt);
            ++range.count;
            ++out.traceVertices;
        }
        if (range.count > 0) out.traceRanges.push_back(range);
    }
    // Calibration pulses: flat, up 1 mV, 200 ms, down, flat.
    for (const CalibrationPulse& p : page.pulses) {
        if (p.topMm > y1 || p.baselineMm < y0) continue;
        DrawRange range{static_cast<int>(out.strips.size() / 2), 6};
        pushVertex(out.strips, p.leadInMm, p.baselineMm);
        pushVertex(out.strips, p.riseMm, p.baselineMm);
        pushVertex(out.strips, p.riseMm, p.topMm);
        pushVertex(out.strips, p.fallMm, p.topMm);
        pushVertex(out.strips, p.fallMm, p.baselineMm);
        pushVertex(out.strips, p.leadOutMm, p.baselineMm);
        out.markRanges.push_back(range);
    }
    // Short ticks where a grid row changes lead (not on the rhythm strip).
    for (double x : page.columnMarkersMm) {
        for (const PaperCell& cell : page.cells) {
            if (cell.rhythmStrip || cell.column != 0) continue;
            DrawRange range{static_cast<int>(out.strips.size() / 2), 2};
            pushVertex(out.strips, x, cell.baselineMm - kTickHalfMm);
            pushVertex(out.strips, x, cell.baselineMm + kTickHalfMm);
            out.markRanges.push_back(range);
        }
    }
}

std::vector<PaperText> PaperScene::texts() const {
    std::vector<PaperText> out;
    if (!m_traces) {
        return out;
    }
    // Left: the header lines; right: the file's own measurements in two columns of five (as printed ECGs have).
    const double mx = std::max(120.0, m_page.widthMm * 0.56);
    const double columnMm = (m_page.widthMm - mx - 4.0) / 2.0;
    const auto lines = headerLines(m_traces->recording(), m_traces.get(), m_settings, medianBeat());
    double y = 6.0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        PaperText t;
        t.role = PaperText::Role::Header;
        t.text = lines[i];
        t.sizeMm = i == 0 ? 3.6 : 2.9;
        t.bold = i == 0;
        t.atMm = {5.0, y};
        t.maxWidthMm = mx - 9.0;
        y += i == 0 ? 5.2 : 4.3;
        out.push_back(t);
    }
    if (!m_note.empty()) {
        out.push_back({PaperText::Role::Note, m_note, {mx, kHeaderMm - 1.5}, 2.9, true, columnMm * 2.0});
    }
    const auto rows = measurementRows(m_traces->recording());
    for (std::size_t i = 0; i < rows.size() && i < 10; ++i) {
        PaperText t;
        t.role = PaperText::Role::Measurement;
        t.text = rows[i].name + ": " + rows[i].value;
        t.sizeMm = 2.9;
        t.atMm = {mx + static_cast<double>(i / 5) * columnMm, 6.0 + static_cast<double>(i % 5) * 4.3};
        t.maxWidthMm = columnMm - 2.0;
        out.push_back(t);
    }
    for (const PaperCell& cell : m_page.cells) {
        const TraceChannel& tc = m_traces->channels()[cell.channel];
        PaperText t;
        t.role = PaperText::Role::LeadLabel;
        t.text = tc.scaleNote.empty() ? cell.label : cell.label + " (" + tc.scaleNote + ")";
        t.sizeMm = 3.5;
        t.bold = true;
        t.atMm = {cell.xMm + 1.5, cell.topMm + 4.5};
        out.push_back(t);
    }
    // A filter the sampling rate cannot carry is skipped, never applied: say so where the header names filters.
    double noteY = kHeaderMm - 1.2;
    for (const std::string& note : m_traces->filterReport().notes) {
        out.push_back({PaperText::Role::Note, note, {5.0, noteY}, 2.6, false, m_page.widthMm - 10.0});
        noteY -= 3.0;
    }
    return out;
}

std::optional<std::pair<CaliperReading, std::string>> PaperScene::caliperReading() const {
    if (!m_calipers || m_calipers->cellIndex >= m_page.cells.size()) {
        return std::nullopt;
    }
    const PaperCell& cell = m_page.cells[m_calipers->cellIndex];
    const CaliperReading r = measureCalipers(caliperPointAt(cell, m_calipers->firstMm),
                                             caliperPointAt(cell, m_calipers->secondMm));
    return std::make_pair(r, formatCaliperReading(r, cell.label));
}

} // namespace veridicor::ecg
