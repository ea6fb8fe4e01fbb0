#include <veridicor/ecg_view/paper_scene.h>

#include <veridicor/dicom/text.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <set>
#include <tuple>

namespace veridicor::ecg {

namespace {

constexpr double kHeaderMm = 29.0;
constexpr double kMinPageWidthMm = 240.0; // room for the printed header at 12.5 mm/s
constexpr double kTickHalfMm = 2.5;
// AI finding overlays: rows added to the header (the UNTRUSTED banner, the relevance legend), the band's and
// the region's inset from the lead's row band (so neighbouring leads' bands never touch), where labels go.
constexpr double kOverlayRowMm = 7.0;
constexpr double kBandInsetMm = 1.0;
constexpr double kMarkInsetMm = 0.5;
constexpr double kLeadLabelRoomMm = 10.0; // the lead's name at the cell's top-left
constexpr double kMarkTextMm = 2.6;
constexpr double kMarkTextStepMm = 4.2; // between labels of several findings on one cell

std::string fmt(const char* format, double v) {
    std::array<char, 64> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), format, v);
    return n < 0 ? std::string()
                 : std::string(buf.data(), std::min(static_cast<std::size_t>(n), buf.size() - 1));
}

std::string compact(double v) {
    return fmt("%g", v);
}

std::string personName(const std::string& pn) {
    // The one display format of a person name (dicom/text.h), as the browser and the other views show it.
    std::string shown = dicom::formatPersonName(pn);
    return shown.empty() ? "(no name)" : shown;
}

std::string dicomDate(const std::string& d) {
    if (d.size() >= 8)
        return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
    return d;
}

std::string dicomDateTime(const std::string& dt) {
    if (dt.size() < 8)
        return dt.empty() ? "unknown" : dt;
    std::string s = dicomDate(dt.substr(0, 8));
    if (dt.size() >= 12) {
        s += " " + dt.substr(8, 2) + ":" + dt.substr(10, 2);
        if (dt.size() >= 14)
            s += ":" + dt.substr(12, 2);
    }
    return s;
}

std::string age(const PatientInfo& p) {
    // "055Y" → "55 y"; D/W/M/Y units.
    if (p.age.size() == 4) {
        int n = 0;
        const std::string digits = p.age.substr(0, 3);
        if (std::from_chars(digits.data(), digits.data() + digits.size(), n).ec != std::errc()) {
            return p.age; // not DICOM's nnnU form: shown as stored
        }
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
    if (!any)
        return "not recorded";
    if (seen.size() > 1)
        return "vary by lead";
    const auto& f = g.channels.front().filters;
    std::string s = (f.lowFrequencyHz ? compact(*f.lowFrequencyHz) : std::string("?")) + "–" +
                    (f.highFrequencyHz ? compact(*f.highFrequencyHz) : std::string("?")) + " Hz";
    if (f.notchHz)
        s += ", notch " + compact(*f.notchHz) + " Hz";
    return s;
}

void pushVertex(std::vector<float>& v, double x, double y) {
    v.push_back(static_cast<float>(x));
    v.push_back(static_cast<float>(y));
}

/// A generous width of `text` (UTF-8) painted `sizeMm` high (the painter's sans-serif bold averages about
/// 0.62 em per character), so a label placed by it never reaches into what it was placed beside.
double estimatedTextWidthMm(const std::string& text, double sizeMm) {
    std::size_t chars = 0;
    for (const char ch : text) {
        chars += (static_cast<unsigned char>(ch) & 0xC0U) != 0x80U ? 1 : 0; // UTF-8 lead bytes only
    }
    return static_cast<double>(chars) * 0.62 * sizeMm;
}

} // namespace

std::string formatClock(double seconds) {
    if (!(seconds >= 0))
        seconds = 0;
    const auto whole = static_cast<long long>(std::floor(seconds));
    const int tenths = static_cast<int>(std::floor((seconds - static_cast<double>(whole)) * 10.0));
    std::array<char, 48> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%lld:%02lld:%02lld.%d", whole / 3600,
                                (whole / 60) % 60, whole % 60, tenths);
    return n < 0 ? std::string()
                 : std::string(buf.data(), std::min(static_cast<std::size_t>(n), buf.size() - 1));
}

std::vector<std::string> headerLines(const Recording& recording, const TraceSet* traces,
                                     const PaperSettings& settings, bool medianBeat) {
    std::vector<std::string> lines;
    const PatientInfo& p = recording.patient;
    std::string l1 = personName(p.name);
    l1 += "    ID " + (p.id.empty() ? std::string("—") : p.id);
    std::string as = age(p);
    if (!p.sex.empty())
        as += (as.empty() ? "" : " ") + p.sex;
    if (!as.empty())
        l1 += "    " + as;
    if (!p.birthDate.empty())
        l1 += "    born " + dicomDate(p.birthDate);
    lines.push_back(l1);

    const AcquisitionInfo& a = recording.acquisition;
    std::string l2 = "Acquired " + dicomDateTime(a.dateTime);
    std::string place = a.institution;
    if (!a.stationName.empty())
        place += (place.empty() ? "" : ", ") + a.stationName;
    if (!place.empty())
        l2 += "    " + place;
    lines.push_back(l2);
    std::string device = a.manufacturer;
    if (!a.modelName.empty())
        device += (device.empty() ? "" : " ") + a.modelName;
    lines.push_back("Device " + (device.empty() ? std::string("unknown") : device));

    std::string l3 = "Recorded filters: ";
    l3 += traces != nullptr ? recordedFilters(traces->group()) : std::string("—");
    l3 += "    Display filters: " + (traces != nullptr ? traces->appliedFiltersText() : std::string("none"));
    lines.push_back(l3);

    std::string l4 =
        compact(settings.speedMmPerSecond) + " mm/s    " + compact(settings.gainMmPerMillivolt) + " mm/mV";
    if (traces != nullptr) {
        l4 += "    " + compact(traces->samplingHz()) + " Hz";
        if (medianBeat) {
            l4 += "    median beat (" + traces->group().label + ")";
        } else {
            l4 += "    " + paperLayoutName(settings.layout) + "    " + formatClock(settings.startSeconds) +
                  "–" +
                  formatClock(
                      std::min(settings.startSeconds + settings.pageSeconds, traces->durationSeconds())) +
                  " of " + formatClock(traces->durationSeconds());
        }
    }
    lines.push_back(l4);
    return lines;
}

void PaperScene::setTraces(std::shared_ptr<const TraceSet> traces) {
    // Calipers mark samples of one group of one recording: other filters keep them, other data does not.
    const bool sameData = m_traces && traces && traces->recordingPtr() == m_traces->recordingPtr() &&
                          traces->groupIndex() == m_traces->groupIndex();
    if (!sameData) {
        clearCalipers();
    }
    m_traces = std::move(traces);
    m_calipers.reset();
    resolveOverlays();
    relayout();
}

void PaperScene::setOverlays(std::vector<EcgFindingOverlay> overlays) {
    m_overlays.clear();
    for (EcgFindingOverlay& o : overlays) {
        if (o.visible) {
            m_overlays.push_back(SceneOverlay{PreparedOverlay(std::move(o)), {}, false, {}});
        }
    }
    const double gridTop = m_page.gridTopMm;
    resolveOverlays();
    relayout();
    if (m_page.gridTopMm != gridTop) {
        m_calipers.reset(); // the header grew or shrank: the cells moved
    }
}

std::optional<std::size_t> PaperScene::overlayIndex(const std::string& key) const {
    for (std::size_t i = 0; i < m_overlays.size(); ++i) {
        if (m_overlays[i].prepared.overlay().key == key)
            return i;
    }
    return std::nullopt;
}

void PaperScene::setOverlayOpacity(double opacity) {
    m_opacity = std::clamp(std::isfinite(opacity) ? opacity : kDefaultRelevanceOpacity, 0.0, 1.0);
}

void PaperScene::resolveOverlays() {
    for (SceneOverlay& o : m_overlays) {
        o.resolution = {};
        o.colouredBands = false;
        o.bandExtents.clear();
        if (!m_traces) {
            continue;
        }
        if (medianBeat()) {
            o.resolution.problems.emplace_back(
                "AI findings refer to the rhythm recording: they are not drawn on the median beat");
            continue;
        }
        o.resolution =
            o.prepared.resolve(m_traces->labels(), m_traces->sampleCount(), m_traces->samplingHz());
        for (const ResolvedBand& b : o.resolution.bands) {
            o.bandExtents.push_back(o.prepared.tracks()[b.trackIndex].nonZeroExtent());
            o.colouredBands = o.colouredBands || o.bandExtents.back().has_value();
        }
    }
}

bool PaperScene::showsRelevanceLegend() const {
    return std::any_of(m_overlays.begin(), m_overlays.end(),
                       [](const SceneOverlay& o) { return o.colouredBands; });
}

bool PaperScene::showsUntrustedBanner() const {
    return std::any_of(m_overlays.begin(), m_overlays.end(),
                       [](const SceneOverlay& o) { return !o.prepared.overlay().trusted; });
}

std::string PaperScene::untrustedBannerText() const {
    const auto n = std::count_if(m_overlays.begin(), m_overlays.end(),
                                 [](const SceneOverlay& o) { return !o.prepared.overlay().trusted; });
    if (n == 0)
        return {};
    return n == 1
               ? "UNTRUSTED — 1 AI finding is shown anyway although it failed verification: do not rely on it"
               : "UNTRUSTED — " + std::to_string(n) +
                     " AI findings are shown anyway although they failed verification: do not rely on them";
}

std::pair<double, double> PaperScene::untrustedBannerMm() const {
    return {kHeaderMm, kOverlayRowMm};
}

std::optional<PaperScene::Legend> PaperScene::relevanceLegend() const {
    if (!showsRelevanceLegend())
        return std::nullopt;
    const double top = kHeaderMm + (showsUntrustedBanner() ? kOverlayRowMm : 0.0);
    const double baseline = top + 4.9;
    Legend l;
    l.xMm = 31.0;
    l.yMm = top + 1.8;
    l.widthMm = 50.0;
    l.heightMm = 3.4;
    l.texts.push_back({PaperText::Role::Legend, "AI relevance", {5.0, baseline}, 2.9, true, 0.0});
    l.texts.push_back({PaperText::Role::Legend, "0", {l.xMm - 2.6, baseline}, 2.9, false, 0.0});
    l.texts.push_back({PaperText::Role::Legend, "1", {l.xMm + l.widthMm + 1.0, baseline}, 2.9, false, 0.0});
    l.texts.push_back(
        {PaperText::Role::Legend,
         "band opacity " + std::to_string(static_cast<int>(std::lround(m_opacity * 100.0))) + " %",
         {l.xMm + l.widthMm + 5.0, baseline},
         2.9,
         false,
         0.0});
    return l;
}

std::vector<OverlayMark> PaperScene::overlayMarks() const {
    std::vector<OverlayMark> marks;
    if (!hasData() || medianBeat()) {
        return marks;
    }
    const double fs = m_traces->samplingHz();
    for (std::size_t oi = 0; oi < m_overlays.size(); ++oi) {
        const SceneOverlay& so = m_overlays[oi];
        const EcgFindingOverlay& o = so.prepared.overlay();
        const OverlayResolution& r = so.resolution;
        std::vector<std::size_t> regionCells;
        if (r.regionShown) {
            for (std::size_t ci = 0; ci < m_page.cells.size(); ++ci) {
                const PaperCell& cell = m_page.cells[ci];
                if (std::find(r.regionChannels.begin(), r.regionChannels.end(), cell.channel) ==
                    r.regionChannels.end()) {
                    continue;
                }
                const double a = std::max(r.regionStartSeconds, cell.startSeconds);
                const double b = std::min(r.regionEndSeconds, cell.endSeconds);
                if (!(b > a))
                    continue;
                OverlayMark m;
                m.kind = OverlayMark::Kind::Region;
                m.overlay = oi;
                m.cellIndex = ci;
                m.trusted = o.trusted;
                m.x0Mm = cell.xAt(a);
                m.x1Mm = cell.xAt(b);
                m.topMm = cell.topMm + kMarkInsetMm;
                m.bottomMm = cell.bottomMm - kMarkInsetMm;
                marks.push_back(m);
                regionCells.push_back(ci);
            }
        }
        if (!o.trusted) {
            // Where an untrusted finding's band is drawn outside its outlined region, frame it too.
            for (std::size_t bi = 0; bi < r.bands.size(); ++bi) {
                const ResolvedBand& band = r.bands[bi];
                const RelevanceTrack& track = so.prepared.tracks()[band.trackIndex];
                const auto& extent = so.bandExtents[bi];
                if (!extent)
                    continue;
                for (std::size_t ci = 0; ci < m_page.cells.size(); ++ci) {
                    const PaperCell& cell = m_page.cells[ci];
                    if (cell.channel != band.channel ||
                        std::find(regionCells.begin(), regionCells.end(), ci) != regionCells.end()) {
                        continue;
                    }
                    const auto begin =
                        static_cast<std::size_t>(std::max(0.0, std::ceil(cell.startSeconds * fs - 1e-9)));
                    const auto end =
                        static_cast<std::size_t>(std::max(0.0, std::ceil(cell.endSeconds * fs - 1e-9)));
                    if (track.maxIn(begin, end) == 0)
                        continue;
                    const double a = std::max(static_cast<double>(extent->first) / fs, cell.startSeconds);
                    const double b = std::min(static_cast<double>(extent->second) / fs, cell.endSeconds);
                    if (!(b > a))
                        continue;
                    OverlayMark m;
                    m.kind = OverlayMark::Kind::UntrustedBand;
                    m.overlay = oi;
                    m.cellIndex = ci;
                    m.trusted = false;
                    m.x0Mm = cell.xAt(a);
                    m.x1Mm = cell.xAt(b);
                    m.topMm = cell.topMm + kMarkInsetMm;
                    m.bottomMm = cell.bottomMm - kMarkInsetMm;
                    marks.push_back(m);
                    regionCells.push_back(ci);
                }
            }
        }
    }
    // Texts: the label once per finding and page column (on its top-most mark there); an untrusted finding
    // says UNTRUSTED on every mark. Several findings on one cell stack their labels.
    std::vector<std::tuple<std::size_t, int, bool>> labelled; // (overlay, column, rhythm strip)
    std::vector<int> labelsOnCell(m_page.cells.size(), 0);
    std::vector<std::size_t> order(marks.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const PaperCell& cx = m_page.cells[marks[x].cellIndex];
        const PaperCell& cy = m_page.cells[marks[y].cellIndex];
        return std::tie(marks[x].overlay, cx.rhythmStrip, cx.column, cx.row) <
               std::tie(marks[y].overlay, cy.rhythmStrip, cy.column, cy.row);
    });
    for (std::size_t i : order) {
        OverlayMark& m = marks[i];
        const PaperCell& cell = m_page.cells[m.cellIndex];
        const EcgFindingOverlay& o = m_overlays[m.overlay].prepared.overlay();
        const std::string label = o.label.empty() ? std::string("AI finding") : o.label;
        const auto group = std::make_tuple(m.overlay, cell.column, cell.rhythmStrip);
        const bool first = std::find(labelled.begin(), labelled.end(), group) == labelled.end();
        if (first)
            labelled.push_back(group);
        if (o.trusted) {
            m.text = first ? label : std::string();
        } else {
            m.text = first ? "UNTRUSTED — " + label : std::string("UNTRUSTED");
        }
        if (m.text.empty())
            continue;
        const int k = labelsOnCell[m.cellIndex]++;
        m.textSizeMm = kMarkTextMm;
        // Beside the region, never over it: the ST segment it points at lies between x0 and x1. Right of
        // the region where the label fits in the cell, else left of it; only a region as wide as the cell
        // keeps its label inside, at the top of the band, above the trace.
        const double widthMm = estimatedTextWidthMm(m.text, m.textSizeMm) + 1.5;
        const double right = m.x1Mm + 1.0;
        const double left = m.x0Mm - 1.0 - widthMm;
        double x = std::max(m.x0Mm + 1.0, cell.xMm + kLeadLabelRoomMm);
        if (right + widthMm <= cell.xMm + cell.widthMm) {
            x = right;
        } else if (left >= cell.xMm + kLeadLabelRoomMm) {
            x = left;
        }
        m.textAtMm = {x, m.topMm + 0.8 + k * kMarkTextStepMm};
    }
    return marks;
}

std::vector<std::string> PaperScene::overlayTexts() const {
    std::vector<std::string> out;
    if (!hasData())
        return out;
    if (showsUntrustedBanner())
        out.push_back(untrustedBannerText());
    if (const auto legend = relevanceLegend()) {
        for (const PaperText& t : legend->texts)
            out.push_back(t.text);
    }
    for (const OverlayMark& m : overlayMarks()) {
        if (!m.text.empty())
            out.push_back(m.text);
    }
    return out;
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
    if (!m_traces || medianBeat())
        return 0.0;
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
    r.headerMm = kHeaderMm + (showsUntrustedBanner() ? kOverlayRowMm : 0.0) +
                 (showsRelevanceLegend() ? kOverlayRowMm : 0.0);
    r.minWidthMm = kMinPageWidthMm;
    if (m_traces) {
        r.leadLabels = m_traces->labels();
    }
    if (medianBeat()) {
        r.eachCellWholeRange = true;
        r.startSeconds = 0.0;
        r.pageSeconds = m_traces->durationSeconds();
        if (r.layout == PaperLayout::Grid3x4Rhythm)
            r.layout = PaperLayout::Grid3x4;
    } else {
        r.startSeconds = m_settings.startSeconds;
        r.pageSeconds = m_settings.pageSeconds;
    }
    m_page = layoutPage(r);
}

void PaperScene::buildGeometry(PagePoint visibleTopLeftMm, PagePoint visibleSizeMm,
                               PaperGeometry& out) const {
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
        if (cell.bottomMm + cell.gainMmPerMillivolt * 3.0 < y0 ||
            cell.topMm - cell.gainMmPerMillivolt * 3.0 > y1 || cell.xMm > x1 ||
            cell.xMm + cell.widthMm < x0 || cell.channel >= m_traces->channels().size()) {
            continue; // traces may overshoot their band a little, as on paper
        }
        const EnvelopePyramid& pyr = m_traces->channels()[cell.channel].pyramid;
        const int columns = static_cast<int>(std::ceil(cell.widthMm * ppm - 1e-9));
        const int c0 = std::clamp(static_cast<int>(std::floor((x0 - cell.xMm) * ppm)), 0, columns);
        const int c1 = std::clamp(static_cast<int>(std::ceil((x1 - cell.xMm) * ppm)), 0, columns);
        if (c1 <= c0)
            continue;
        const double first = cell.startSeconds * fs;
        const auto endSample =
            static_cast<std::size_t>(std::max(0.0, std::ceil(cell.endSeconds * fs - 1e-9)));
        pts.clear();
        const TraceMode mode = pyr.appendTrace(first + c0 * spc, spc, c1 - c0, pts, endSample);
        if (pts.empty())
            continue;
        if (mode == TraceMode::Envelope)
            ++out.envelopeCells;
        // One line strip per run of samples with data; a NaN point (padding: no data) breaks the line.
        DrawRange range{static_cast<int>(out.strips.size() / 2), 0};
        for (const TracePoint& p : pts) {
            if (std::isnan(p.y)) {
                if (range.count > 0)
                    out.traceRanges.push_back(range);
                range = {static_cast<int>(out.strips.size() / 2), 0};
                continue;
            }
            pushVertex(out.strips, cell.xMm + (c0 + static_cast<double>(p.x)) / ppm,
                       cell.baselineMm - static_cast<double>(p.y) * cell.gainMmPerMillivolt);
            ++range.count;
            ++out.traceVertices;
        }
        if (range.count > 0)
            out.traceRanges.push_back(range);
    }
    // Relevance bands: per visible cell of a matched lead, the maximum relevance under each device pixel
    // column (the columns of the viewport, so the GPU can look them up by fragment position). O(columns · log
    // n).
    if (!m_overlays.empty() && !medianBeat()) {
        const int viewColumns = std::max(0, static_cast<int>(std::lround(visibleSizeMm.x * ppm)));
        out.bandTexelWidth = viewColumns;
        for (std::size_t oi = 0; oi < m_overlays.size() && viewColumns > 0; ++oi) {
            const SceneOverlay& so = m_overlays[oi];
            for (const ResolvedBand& band : so.resolution.bands) {
                const RelevanceTrack& track = so.prepared.tracks()[band.trackIndex];
                for (std::size_t ci = 0; ci < page.cells.size(); ++ci) {
                    const PaperCell& cell = page.cells[ci];
                    const double top = cell.topMm + kBandInsetMm;
                    const double bottom = cell.bottomMm - kBandInsetMm;
                    if (cell.channel != band.channel || bottom < y0 || top > y1)
                        continue;
                    const double leftPx = (cell.xMm - visibleTopLeftMm.x) * ppm;
                    const double rightPx = (cell.xMm + cell.widthMm - visibleTopLeftMm.x) * ppm;
                    const int xa = std::max(0, static_cast<int>(std::floor(leftPx + 1e-9)));
                    const int xb = std::min(viewColumns, static_cast<int>(std::ceil(rightPx - 1e-9)));
                    if (xb <= xa)
                        continue;
                    const int row = static_cast<int>(out.bands.size());
                    out.bandTexels.resize(
                        static_cast<std::size_t>(row + 1) * static_cast<std::size_t>(viewColumns), 0);
                    std::uint8_t* texels =
                        out.bandTexels.data() + static_cast<std::size_t>(row) * viewColumns;
                    const double firstSample = fs * cell.secondsAt(visibleTopLeftMm.x + xa / ppm);
                    const auto begin =
                        static_cast<std::size_t>(std::max(0.0, std::ceil(cell.startSeconds * fs - 1e-9)));
                    const auto end =
                        static_cast<std::size_t>(std::max(0.0, std::ceil(cell.endSeconds * fs - 1e-9)));
                    track.columnMaxima(firstSample, spc, xb - xa, begin, end, texels);
                    if (std::all_of(texels, texels + (xb - xa), [](std::uint8_t v) { return v == 0; })) {
                        out.bandTexels.resize(static_cast<std::size_t>(row) *
                                              static_cast<std::size_t>(viewColumns));
                        continue; // nothing to colour on this cell
                    }
                    RelevanceBandDraw d;
                    d.overlay = oi;
                    d.cellIndex = ci;
                    d.x0Mm = visibleTopLeftMm.x + xa / ppm;
                    d.x1Mm = visibleTopLeftMm.x + xb / ppm;
                    d.topMm = top;
                    d.bottomMm = bottom;
                    d.firstColumn = xa;
                    d.columns = xb - xa;
                    d.row = row;
                    out.bands.push_back(d);
                    for (const auto& [x, y] : {std::pair{d.x0Mm, top}, std::pair{d.x0Mm, bottom},
                                               std::pair{d.x1Mm, top}, std::pair{d.x1Mm, bottom}}) {
                        pushVertex(out.bandQuads, x, y);
                    }
                }
            }
        }
    }
    // Calibration pulses: flat, up 1 mV, 200 ms, down, flat.
    for (const CalibrationPulse& p : page.pulses) {
        if (p.topMm > y1 || p.baselineMm < y0)
            continue;
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
            if (cell.rhythmStrip || cell.column != 0)
                continue;
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
    // Left: the header lines; right: the file's own measurements in two columns of five (as printed ECGs
    // have).
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
        const std::size_t column = i / 5; // five rows a column
        const std::size_t row = i % 5;
        t.atMm = {mx + static_cast<double>(column) * columnMm, 6.0 + static_cast<double>(row) * 4.3};
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
    // A filter the sampling rate cannot carry is skipped, never applied: say so where the header names
    // filters.
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
                                             caliperPointAt(cell, m_calipers->secondMm), m_calipers->kind);
    return std::make_pair(r, formatCaliperReading(r, cell.label));
}

int PaperScene::placeCaliper(std::size_t cellIndex, double firstSeconds, double secondSeconds,
                             CaliperKind kind) {
    if (!m_traces || cellIndex >= m_page.cells.size()) {
        return 0;
    }
    const PaperCell& cell = m_page.cells[cellIndex];
    const WaveformGroup& group = m_traces->group();
    Caliper c;
    c.kind = kind;
    c.channel = cell.channel;
    c.lead = cell.label;
    const double lo = std::min(firstSeconds, secondSeconds);
    const double hi = std::max(firstSeconds, secondSeconds);
    c.startSeconds = snapTime(group, cell.channel, lo, snapTargetFor(kind, true)).value_or(lo);
    c.endSeconds = snapTime(group, cell.channel, hi, snapTargetFor(kind, false)).value_or(hi);
    m_selectedCaliper = m_caliperSet.add(std::move(c));
    return m_selectedCaliper;
}

bool PaperScene::removeCaliper(int id) {
    if (id == m_selectedCaliper) {
        m_selectedCaliper = 0;
    }
    return m_caliperSet.remove(id);
}

void PaperScene::clearCalipers() {
    m_caliperSet.clear();
    m_selectedCaliper = 0;
}

int PaperScene::caliperAt(std::size_t cellIndex, double xMm, double toleranceMm) const {
    if (cellIndex >= m_page.cells.size()) {
        return 0;
    }
    const PaperCell& cell = m_page.cells[cellIndex];
    int best = 0;
    double bestDistance = toleranceMm;
    for (const Caliper& c : m_caliperSet.list()) {
        if (c.channel != cell.channel) {
            continue;
        }
        for (const double t : {c.startSeconds, c.endSeconds}) {
            if (t < cell.startSeconds || t > cell.endSeconds) {
                continue;
            }
            const double d = std::abs(cell.xAt(t) - xMm);
            if (d <= bestDistance) {
                best = c.id;
                bestDistance = d;
            }
        }
    }
    return best;
}

std::vector<Measurement> PaperScene::caliperMeasurements() const {
    return deriveMeasurements(m_caliperSet, m_traces ? &m_traces->group() : nullptr);
}

std::vector<std::string> PaperScene::caliperCaptions() const {
    const std::vector<Measurement> all = caliperMeasurements();
    std::vector<std::string> out;
    out.reserve(m_caliperSet.list().size());
    for (const Caliper& c : m_caliperSet.list()) {
        out.push_back(c.lead + ": " + caliperCaption(c, all));
    }
    return out;
}

} // namespace veridicor::ecg
