#pragma once
/// \file
/// What one paper page shows: the prepared traces, the reader's settings (layout, speed, gain, page time,
/// median beat) and the laid-out page; and the CPU half of drawing it: the vertices of grid, traces and
/// calibration pulses, and the texts a printed ECG carries. `PaperRenderer` turns this into GL draws; the
/// widget, the off-screen renderer (ecg-render, tests) and the bench all draw the same scene the same way.

#include <veridicor/ecg/calipers.h>
#include <veridicor/ecg/measurements.h>
#include <veridicor/ecg/overlay.h>
#include <veridicor/ecg/paper_geometry.h>
#include <veridicor/ecg_view/trace_set.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// The reader's choices for the page.
struct PaperSettings {
    PaperLayout layout = PaperLayout::Grid3x4Rhythm;
    double pixelsPerMm =
        96.0 / kMillimetresPerInch; ///< device pixels per millimetre (screen DPI or calibration)
    double speedMmPerSecond = 25.0;
    double gainMmPerMillivolt = 10.0;
    double startSeconds = 0.0; ///< recording time at the left edge of the traces
    double pageSeconds = 10.0;
    /// Width of the traces and calibration pulses on paper. Drawn 1 px wide below 1.5 px (screens at ordinary
    /// DPI); wider at print resolutions, centred on the same line. 0 keeps every trace 1 px wide.
    double traceWidthMm = 0.2;
    friend bool operator==(const PaperSettings&, const PaperSettings&) = default;
};

/// A line strip (or a set of separate lines) in the vertex array.
struct DrawRange {
    int first = 0;
    int count = 0;
};

/// One relevance band of one frame: a quad over one cell (x on device pixel column boundaries of the
/// viewport), coloured on the GPU from its row of column maxima (PaperGeometry::bandTexels) through the
/// colour map.
struct RelevanceBandDraw {
    std::size_t overlay = 0; ///< index into PaperScene::overlays()
    std::size_t cellIndex = 0;
    double x0Mm = 0.0;
    double x1Mm = 0.0;
    double topMm = 0.0;
    double bottomMm = 0.0;
    int firstColumn = 0; ///< device pixel column (from the viewport's left edge) of x0Mm
    int columns = 0;     ///< columns from x0Mm to x1Mm
    int row = 0;         ///< row of bandTexels
};

/// The vertices of one frame, in page millimetres (x right, y down), two floats per vertex.
struct PaperGeometry {
    std::vector<float> gridMinor; ///< GL_LINES: 1 mm lines
    std::vector<float> gridMajor; ///< GL_LINES: 5 mm lines
    std::vector<float> strips;    ///< line strips: traces, calibration pulses, column ticks
    std::vector<DrawRange> traceRanges;
    std::vector<DrawRange> markRanges; ///< calibration pulses and column ticks
    std::size_t traceVertices = 0;
    std::size_t envelopeCells = 0; ///< cells drawn as min/max envelope (the rest as real samples)
    /// Relevance bands: quads (4 vertices each, triangle strips, in `bandQuads`) and, per band, a row of
    /// bandTexelWidth bytes: the maximum relevance of the samples under each device pixel column (0:
    /// transparent).
    std::vector<RelevanceBandDraw> bands;
    std::vector<float> bandQuads;
    std::vector<std::uint8_t> bandTexels;
    int bandTexelWidth = 0;
};

/// An AI finding overlay on the scene: what was asked (visible ones only) and what of it fits the traces.
struct SceneOverlay {
    PreparedOverlay prepared;
    OverlayResolution resolution;
    bool colouredBands = false; ///< some matched band has a non-zero value (the legend is shown then)
    /// Per resolution.bands entry: [first, last) of its samples above 0, or nullopt (computed once per
    /// traces).
    std::vector<std::optional<std::pair<std::size_t, std::size_t>>> bandExtents;
};

/// Something the painter draws for an overlay on one cell: the finding's region, or (for an untrusted
/// finding) the extent of its relevance band, with the text painted beside it.
struct OverlayMark {
    enum class Kind { Region, UntrustedBand };
    Kind kind = Kind::Region;
    std::size_t overlay = 0; ///< index into PaperScene::overlays()
    std::size_t cellIndex = 0;
    bool trusted = false;
    double x0Mm = 0.0;
    double x1Mm = 0.0;
    double topMm = 0.0;
    double bottomMm = 0.0;
    std::string text;   ///< "" (nothing painted), the label, or "UNTRUSTED — label" / "UNTRUSTED"
    PagePoint textAtMm; ///< top-left of the text's box
    double textSizeMm = 2.6;
};

/// A text painted on the page, at a page position in mm (baseline-left), with a size in mm.
struct PaperText {
    enum class Role { Header, Measurement, LeadLabel, Note, Legend };
    Role role = Role::Header;
    std::string text;
    PagePoint atMm;
    double sizeMm = 3.0;
    bool bold = false;
    double maxWidthMm = 0.0; ///< elided to this width when painted (0: no limit)
};

class PaperScene {
public:
    PaperScene() = default;

    /// The traces to show; nullptr clears the page (nothing is drawn as data).
    void setTraces(std::shared_ptr<const TraceSet> traces);
    [[nodiscard]] const std::shared_ptr<const TraceSet>& traces() const { return m_traces; }
    [[nodiscard]] bool hasData() const { return m_traces && !m_traces->channels().empty(); }

    void setSettings(const PaperSettings& settings);
    [[nodiscard]] const PaperSettings& settings() const { return m_settings; }
    /// True when the traces are a median beat (every cell shows the whole beat, no rhythm strip).
    [[nodiscard]] bool medianBeat() const;

    /// Largest start time that still shows data (0 for a recording no longer than a page).
    [[nodiscard]] double maxStartSeconds() const;
    /// Moves the page to `seconds` (clamped to [0, maxStartSeconds()]).
    void setStartSeconds(double seconds);

    /// The laid-out page for the current traces and settings.
    [[nodiscard]] const PaperPage& page() const { return m_page; }

    /// Incremented whenever what the page shows changes (traces, settings, start time).
    [[nodiscard]] std::uint64_t version() const { return m_version; }

    /// Builds the frame's vertices. Only cells that intersect `visibleMm` (page mm: x, y, width, height) get
    /// trace vertices; each trace costs at most two vertices per device pixel column of its cell.
    void buildGeometry(PagePoint visibleTopLeftMm, PagePoint visibleSizeMm, PaperGeometry& out) const;

    /// The texts of the page: header lines, measurements, lead labels, notes.
    [[nodiscard]] std::vector<PaperText> texts() const;

    /// The caliper being dragged: two points on one cell (page mm); cleared by setting nullopt. Page
    /// positions: cleared whenever the cells move. placeCaliper() turns it into a caliper of the set.
    struct Calipers {
        std::size_t cellIndex = 0;
        PagePoint firstMm;
        PagePoint secondMm;
        CaliperKind kind = CaliperKind::Free;
    };
    void setCalipers(std::optional<Calipers> calipers) { m_calipers = calipers; }
    [[nodiscard]] const std::optional<Calipers>& calipers() const { return m_calipers; }
    /// The dragged caliper's reading and its text ("II: Δt …"; a rate only for an RR), or nullopt.
    [[nodiscard]] std::optional<std::pair<CaliperReading, std::string>> caliperReading() const;

    /// The reader's calipers, in recording time, so they stay on their samples across layout, speed, gain,
    /// filter and page changes; cleared when other traces (another recording or group) are set.
    [[nodiscard]] const CaliperSet& caliperSet() const { return m_caliperSet; }
    /// Adds a caliper of `kind` on the lead of `cellIndex` from `firstSeconds` to `secondSeconds`, each end
    /// snapped (snapTime) onto the R peak or QRS onset sample within ±40 ms where the kind's end snaps;
    /// selects it and returns its id (0: no such cell or no traces).
    int placeCaliper(std::size_t cellIndex, double firstSeconds, double secondSeconds, CaliperKind kind);
    /// Removes caliper `id` (the selection too, if it was selected); false when there is none.
    bool removeCaliper(int id);
    void clearCalipers();
    /// The caliper whose end line in `cellIndex` is within `toleranceMm` of x (page mm), nearest first; 0:
    /// none.
    [[nodiscard]] int caliperAt(std::size_t cellIndex, double xMm, double toleranceMm) const;
    /// The selected caliper's id (0: none).
    [[nodiscard]] int selectedCaliper() const { return m_selectedCaliper; }
    void setSelectedCaliper(int id) { m_selectedCaliper = m_caliperSet.find(id) != nullptr ? id : 0; }
    /// The kind the next placed caliper gets (keys R, P, Q, T, F).
    [[nodiscard]] CaliperKind nextCaliperKind() const { return m_nextKind; }
    void setNextCaliperKind(CaliperKind kind) { m_nextKind = kind; }
    /// What the calipers measure (deriveMeasurements on the shown group's stored samples).
    [[nodiscard]] std::vector<Measurement> caliperMeasurements() const;
    /// Each caliper's caption (caliperCaption), in the order placed.
    [[nodiscard]] std::vector<std::string> caliperCaptions() const;

    /// Makes the next frame rebuild its vertices as if the page had moved (the bench times panning with it
    /// where a recording is too short to pan).
    void markChanged() { ++m_version; }

    /// Extra header lines (e.g. "filtering…" while a new filter choice is prepared).
    void setNote(std::string note);

    /// Replaces the AI finding overlays (empty: none). Overlays with `visible == false` are dropped here:
    /// nothing of them is drawn, painted or reported. They stay across layout, speed, gain, filter and page
    /// changes and are matched again to each new set of traces; setTraces(nullptr) (another instance) does
    /// not clear them — the view does.
    void setOverlays(std::vector<EcgFindingOverlay> overlays);
    [[nodiscard]] const std::vector<SceneOverlay>& overlays() const { return m_overlays; }
    /// The index in overlays() of the overlay with this key, or nullopt.
    [[nodiscard]] std::optional<std::size_t> overlayIndex(const std::string& key) const;
    /// The reader's opacity for relevance bands, [0, 1] (the colour map's alpha is scaled by it). Changing it
    /// does not rebuild vertices.
    void setOverlayOpacity(double opacity);
    [[nodiscard]] double overlayOpacity() const { return m_opacity; }
    /// True when a band with some relevance above 0 can be drawn (the legend is shown then).
    [[nodiscard]] bool showsRelevanceLegend() const;
    /// True while an untrusted overlay (shown anyway) is set: a red banner says so on the page.
    [[nodiscard]] bool showsUntrustedBanner() const;
    /// The banner's text, or "" when none is shown.
    [[nodiscard]] std::string untrustedBannerText() const;
    /// Where the banner sits on the page (mm: top, height); the painter keeps it in view when the page
    /// scrolls.
    [[nodiscard]] std::pair<double, double> untrustedBannerMm() const;
    /// The legend: the colour bar's rectangle (mm: x, y, width, height) and its texts.
    struct Legend {
        double xMm = 0.0, yMm = 0.0, widthMm = 0.0, heightMm = 0.0;
        std::vector<PaperText> texts;
    };
    [[nodiscard]] std::optional<Legend> relevanceLegend() const;
    /// Regions and untrusted band extents on the cells of the page, with their texts.
    [[nodiscard]] std::vector<OverlayMark> overlayMarks() const;
    /// Every text painted for the overlays (banner, legend, labels, UNTRUSTED markings), as painted.
    [[nodiscard]] std::vector<std::string> overlayTexts() const;

private:
    void relayout();
    void resolveOverlays();

    std::shared_ptr<const TraceSet> m_traces;
    PaperSettings m_settings;
    PaperPage m_page;
    std::optional<Calipers> m_calipers;
    CaliperSet m_caliperSet;
    int m_selectedCaliper = 0;
    CaliperKind m_nextKind = CaliperKind::Free;
    std::string m_note;
    std::uint64_t m_version = 0;
    std::vector<SceneOverlay> m_overlays;
    double m_opacity = kDefaultRelevanceOpacity;
};

/// "Patient, Test · ID 123-654 · 55 y · M" and the other header lines of a printed ECG, from the recording.
std::vector<std::string> headerLines(const Recording& recording, const TraceSet* traces,
                                     const PaperSettings& settings, bool medianBeat);

/// "01:02:03.5" for a recording time in seconds.
std::string formatClock(double seconds);

} // namespace veridicor::ecg
