#pragma once
/// \file
/// What one paper page shows: the prepared traces, the reader's settings (layout, speed, gain, page time, median
/// beat) and the laid-out page; and the CPU half of drawing it: the vertices of grid, traces and calibration
/// pulses, and the texts a printed ECG carries. `PaperRenderer` turns this into GL draws; the widget, the
/// off-screen renderer (ecg-render, tests) and the bench all draw the same scene the same way.

#include <veridicor/ecg/calipers.h>
#include <veridicor/ecg/paper_geometry.h>
#include <veridicor/ecg/trace_set.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// The reader's choices for the page.
struct PaperSettings {
    PaperLayout layout = PaperLayout::Grid3x4Rhythm;
    double pixelsPerMm = 96.0 / kMillimetresPerInch; ///< device pixels per millimetre (screen DPI or calibration)
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

/// The vertices of one frame, in page millimetres (x right, y down), two floats per vertex.
struct PaperGeometry {
    std::vector<float> gridMinor; ///< GL_LINES: 1 mm lines
    std::vector<float> gridMajor; ///< GL_LINES: 5 mm lines
    std::vector<float> strips;    ///< line strips: traces, calibration pulses, column ticks
    std::vector<DrawRange> traceRanges;
    std::vector<DrawRange> markRanges; ///< calibration pulses and column ticks
    std::size_t traceVertices = 0;
    std::size_t envelopeCells = 0; ///< cells drawn as min/max envelope (the rest as real samples)
};

/// A text painted on the page, at a page position in mm (baseline-left), with a size in mm.
struct PaperText {
    enum class Role { Header, Measurement, LeadLabel, Note };
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

    /// Calipers: two points on one cell (page mm); cleared by setting nullopt.
    struct Calipers {
        std::size_t cellIndex = 0;
        PagePoint firstMm;
        PagePoint secondMm;
    };
    void setCalipers(std::optional<Calipers> calipers) { m_calipers = calipers; }
    [[nodiscard]] const std::optional<Calipers>& calipers() const { return m_calipers; }
    /// The caliper reading and its text ("II: Δt …"), or nullopt without calipers.
    [[nodiscard]] std::optional<std::pair<CaliperReading, std::string>> caliperReading() const;

    /// Makes the next frame rebuild its vertices as if the page had moved (the bench times panning with it
    /// where a recording is too short to pan).
    void markChanged() { ++m_version; }

    /// Extra header lines (e.g. "filtering…" while a new filter choice is prepared).
    void setNote(std::string note);

private:
    void relayout();

    std::shared_ptr<const TraceSet> m_traces;
    PaperSettings m_settings;
    PaperPage m_page;
    std::optional<Calipers> m_calipers;
    std::string m_note;
    std::uint64_t m_version = 0;
};

/// "Patient, Test · ID 123-654 · 55 y · M" and the other header lines of a printed ECG, from the recording.
std::vector<std::string> headerLines(const Recording& recording, const TraceSet* traces,
                                     const PaperSettings& settings, bool medianBeat);

/// "01:02:03.5" for a recording time in seconds.
std::string formatClock(double seconds);

} // namespace veridicor::ecg
