#pragma once
/// \file
/// ECG paper geometry: where every sample of every lead lands on the page, in millimetres and in pixels.
///
/// The page is laid out in millimetres of real paper (x to the right, y down, origin at the page's top-left):
/// a header band, then the grid with one row band per lead row. A calibration pulse (1 mV × 200 ms) opens
/// each row; the traces start after it. Speed (mm/s) and gain (mm/mV) turn time and voltage into millimetres,
/// and pixels-per-millimetre turns millimetres into device pixels, so tests can compute the exact pixel a
/// sample must land on, and the renderer draws from the same numbers. No Qt, no GL.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::ecg {

inline constexpr double kMillimetresPerInch = 25.4;
/// The paper speeds a reader can choose (mm/s); 25 is the default.
inline constexpr std::array<double, 3> kPaperSpeeds{12.5, 25.0, 50.0};
/// The gains a reader can choose (mm/mV); 10 is the default.
inline constexpr std::array<double, 5> kPaperGains{2.5, 5.0, 10.0, 20.0, 40.0};
/// The calibration pulse: 1 mV for 200 ms.
inline constexpr double kCalibrationMillivolts = 1.0;
inline constexpr double kCalibrationSeconds = 0.2;

enum class PaperLayout {
    Rows12x1,      ///< one lead per row, each the whole page time
    Grid6x2,       ///< limb leads | chest leads, each column half the page time
    Grid3x4,       ///< I II III | aVR aVL aVF | V1 V2 V3 | V4 V5 V6, each column a quarter of the page time
    Grid3x4Rhythm, ///< 3×4 plus a rhythm strip (lead II) across the whole page time below
};

/// "12x1", "6x2", "3x4", "3x4+1" → layout; nullopt for anything else.
std::optional<PaperLayout> parsePaperLayout(std::string_view name);
/// The inverse of parsePaperLayout.
std::string paperLayoutName(PaperLayout layout);
/// Time columns of the layout (1, 2, 4, 4).
int paperLayoutColumns(PaperLayout layout);

/// The physical scale of the paper on one device.
struct PaperScale {
    double pixelsPerMm = 96.0 / kMillimetresPerInch;
    double speedMmPerSecond = 25.0;
    double gainMmPerMillivolt = 10.0;

    [[nodiscard]] static PaperScale fromDpi(double dotsPerInch, double speed = 25.0, double gain = 10.0) {
        return {dotsPerInch / kMillimetresPerInch, speed, gain};
    }
    [[nodiscard]] double toPixels(double mm) const { return mm * pixelsPerMm; }
    [[nodiscard]] double toMm(double px) const { return px / pixelsPerMm; }
    [[nodiscard]] double pixelsPerSecond() const { return speedMmPerSecond * pixelsPerMm; }
    [[nodiscard]] double pixelsPerMillivolt() const { return gainMmPerMillivolt * pixelsPerMm; }
};

/// A point on the page in millimetres (or, after PaperPage::toPixels, in pixels).
struct PagePoint {
    double x = 0.0;
    double y = 0.0;
};

/// One lead drawn over one time range at one place on the page.
struct PaperCell {
    std::size_t channel = 0; ///< index into the waveform group's channels
    std::string label;       ///< the lead's name as printed
    int row = 0;
    int column = 0;
    bool rhythmStrip = false;
    double startSeconds = 0.0; ///< recording time shown: [startSeconds, endSeconds)
    double endSeconds = 0.0;
    double xMm = 0.0;     ///< where startSeconds is drawn
    double widthMm = 0.0; ///< (endSeconds − startSeconds) × speed
    double topMm = 0.0;   ///< the row band
    double bottomMm = 0.0;
    double baselineMm = 0.0; ///< where 0 mV is drawn
    double speedMmPerSecond = 25.0;
    double gainMmPerMillivolt = 10.0;

    [[nodiscard]] double xAt(double seconds) const {
        return xMm + (seconds - startSeconds) * speedMmPerSecond;
    }
    [[nodiscard]] double yAt(double millivolts) const { return baselineMm - millivolts * gainMmPerMillivolt; }
    [[nodiscard]] double secondsAt(double x) const { return startSeconds + (x - xMm) / speedMmPerSecond; }
    [[nodiscard]] double millivoltsAt(double y) const { return (baselineMm - y) / gainMmPerMillivolt; }
    [[nodiscard]] bool containsTime(double seconds) const {
        return seconds >= startSeconds && seconds < endSeconds;
    }
    /// Where sample `index` of a group sampled at `samplingHz`, with value `millivolts`, is drawn (mm).
    [[nodiscard]] PagePoint samplePoint(double samplingHz, std::size_t index, double millivolts) const {
        return {xAt(static_cast<double>(index) / samplingHz), yAt(millivolts)};
    }
};

/// The calibration pulse at the start of a row, drawn as a step: flat lead-in, up 1 mV, flat for 200 ms,
/// down, flat lead-out.
struct CalibrationPulse {
    int row = 0;
    double leadInMm = 0.0;   ///< x where the flat lead-in starts
    double riseMm = 0.0;     ///< x of the rising edge
    double fallMm = 0.0;     ///< x of the falling edge (riseMm + 200 ms × speed)
    double leadOutMm = 0.0;  ///< x where the flat lead-out ends
    double baselineMm = 0.0; ///< y of 0 mV
    double topMm = 0.0;      ///< y of 1 mV (baselineMm − gain)
};

/// What to lay out.
struct PageRequest {
    PaperLayout layout = PaperLayout::Grid3x4Rhythm;
    PaperScale scale;
    std::vector<std::string> leadLabels; ///< the group's lead names, in channel order
    double startSeconds = 0.0;           ///< recording time at the left edge of the traces
    double pageSeconds = 10.0;           ///< time one full row shows (3×4 columns: a quarter each)
    /// Median beats: every cell shows the same range [startSeconds, startSeconds + pageSeconds) (one beat),
    /// columns side by side with a gap, and no rhythm strip.
    bool eachCellWholeRange = false;
    std::string rhythmLead = "II"; ///< for the 3×4+1 strip; the first lead when absent
    double headerMm = 24.0;        ///< white band above the grid for the printed header
    /// Vertical distance between rows, in millivolts (× gain gives mm, rounded up to a 5 mm line).
    double rowPitchMillivolts = 3.5;
    /// Grid above the first row band, so tall waves of the first row stay on the paper.
    double gridTopMarginMm = 5.0;
    /// The page is at least this wide (blank paper right of the traces), so the header fits at low speeds.
    double minWidthMm = 0.0;
};

/// A laid-out page.
struct PaperPage {
    PaperLayout layout = PaperLayout::Grid3x4Rhythm;
    PaperScale scale;
    double widthMm = 0.0;
    double heightMm = 0.0;
    double gridTopMm = 0.0;   ///< the grid covers [0, widthMm] × [gridTopMm, heightMm]
    double rowsTopMm = 0.0;   ///< top of the first row band (gridTopMm + the request's gridTopMarginMm)
    double rowPitchMm = 0.0;  ///< height of each row band
    double traceLeftMm = 0.0; ///< x of startSeconds (after the calibration pulse)
    double startSeconds = 0.0;
    double pageSeconds = 0.0;
    int rows = 0;
    int columns = 0;
    std::vector<PaperCell> cells;
    std::vector<CalibrationPulse> pulses; ///< one per row
    std::vector<double> columnMarkersMm;  ///< x of the boundaries between time columns (short tick marks)

    /// The cell whose row band and time range contain the page point (mm), or nullptr.
    [[nodiscard]] const PaperCell* cellAt(PagePoint mm) const;
    /// The first cell showing channel `channel` (rhythm strip last), or nullptr.
    [[nodiscard]] const PaperCell* cellFor(std::size_t channel, bool rhythmStrip = false) const;
    [[nodiscard]] PagePoint toPixels(PagePoint mm) const {
        return {mm.x * scale.pixelsPerMm, mm.y * scale.pixelsPerMm};
    }
    [[nodiscard]] PagePoint toMm(PagePoint px) const {
        return {px.x / scale.pixelsPerMm, px.y / scale.pixelsPerMm};
    }
    /// Page size in whole device pixels (rounded up).
    [[nodiscard]] int widthPixels() const;
    [[nodiscard]] int heightPixels() const;
};

/// Channel indices in the order the layouts print them: I, II, III, aVR, aVL, aVF, V1–V6 when present
/// (matched by name), then every other channel in channel order.
std::vector<std::size_t> printOrder(const std::vector<std::string>& leadLabels);

/// Lays out a page. Grid layouts put the print order column by column (3 leads per column for 12 leads); rows
/// = ceil(leads / columns). Column k of a grid shows [start + k·T/cols, start + (k+1)·T/cols) at the x that
/// time range has on the rhythm strip below, so columns and strip are time-aligned.
PaperPage layoutPage(const PageRequest& request);

} // namespace veridicor::ecg
