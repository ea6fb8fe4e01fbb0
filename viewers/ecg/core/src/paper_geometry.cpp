#include <veridicor/ecg/paper_geometry.h>

#include <algorithm>
#include <cmath>

namespace veridicor::ecg {

namespace {

constexpr double kLeadInMm = 1.5;      // flat line before the pulse
constexpr double kPulseMarginMm = 2.5; // from the page edge to the pulse's rising edge
constexpr double kLeadOutMm = 1.5;     // flat line after the pulse
constexpr double kRightMarginMm = 5.0;
constexpr double kMedianGapMm = 5.0; // between median-beat columns

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

std::optional<PaperLayout> parsePaperLayout(std::string_view name) {
    const std::string n = lowered(name);
    if (n == "12x1")
        return PaperLayout::Rows12x1;
    if (n == "6x2")
        return PaperLayout::Grid6x2;
    if (n == "3x4")
        return PaperLayout::Grid3x4;
    if (n == "3x4+1")
        return PaperLayout::Grid3x4Rhythm;
    return std::nullopt;
}

std::string paperLayoutName(PaperLayout layout) {
    switch (layout) {
    case PaperLayout::Rows12x1:
        return "12x1";
    case PaperLayout::Grid6x2:
        return "6x2";
    case PaperLayout::Grid3x4:
        return "3x4";
    case PaperLayout::Grid3x4Rhythm:
        return "3x4+1";
    }
    return "3x4+1";
}

int paperLayoutColumns(PaperLayout layout) {
    switch (layout) {
    case PaperLayout::Rows12x1:
        return 1;
    case PaperLayout::Grid6x2:
        return 2;
    case PaperLayout::Grid3x4:
    case PaperLayout::Grid3x4Rhythm:
        return 4;
    }
    return 1;
}

std::vector<std::size_t> printOrder(const std::vector<std::string>& leadLabels) {
    static const std::array<std::string_view, 12> kStandard{"i",  "ii", "iii", "avr", "avl", "avf",
                                                            "v1", "v2", "v3",  "v4",  "v5",  "v6"};
    std::vector<std::size_t> order;
    std::vector<bool> used(leadLabels.size(), false);
    for (std::string_view name : kStandard) {
        for (std::size_t i = 0; i < leadLabels.size(); ++i) {
            if (!used[i] && lowered(leadLabels[i]) == name) {
                order.push_back(i);
                used[i] = true;
                break;
            }
        }
    }
    for (std::size_t i = 0; i < leadLabels.size(); ++i) {
        if (!used[i]) {
            order.push_back(i);
        }
    }
    return order;
}

const PaperCell* PaperPage::cellAt(PagePoint mm) const {
    for (const PaperCell& c : cells) {
        if (mm.y >= c.topMm && mm.y < c.bottomMm && mm.x >= c.xMm && mm.x < c.xMm + c.widthMm) {
            return &c;
        }
    }
    return nullptr;
}

const PaperCell* PaperPage::cellFor(std::size_t channel, bool rhythmStrip) const {
    for (const PaperCell& c : cells) {
        if (c.channel == channel && c.rhythmStrip == rhythmStrip) {
            return &c;
        }
    }
    return nullptr;
}

int PaperPage::widthPixels() const {
    return static_cast<int>(std::ceil(widthMm * scale.pixelsPerMm - 1e-9));
}

int PaperPage::heightPixels() const {
    return static_cast<int>(std::ceil(heightMm * scale.pixelsPerMm - 1e-9));
}

PaperPage layoutPage(const PageRequest& request) {
    PaperPage page;
    page.layout = request.layout;
    page.scale = request.scale;
    page.startSeconds = request.startSeconds;
    page.pageSeconds = request.pageSeconds;
    page.gridTopMm = request.headerMm;

    const double speed = request.scale.speedMmPerSecond;
    const double gain = request.scale.gainMmPerMillivolt;
    const double pulseWidthMm = kCalibrationSeconds * speed;
    // The traces start on a 5 mm line after the pulse and its lead-out.
    page.traceLeftMm = std::ceil((kPulseMarginMm + pulseWidthMm + kLeadOutMm + 1.0) / 5.0) * 5.0;

    const std::vector<std::size_t> order = printOrder(request.leadLabels);
    const bool median = request.eachCellWholeRange;
    const bool rhythmStrip = request.layout == PaperLayout::Grid3x4Rhythm && !median && !order.empty();
    const int columns = std::max(1, paperLayoutColumns(request.layout));
    const int leadRows = order.empty() ? 0 : static_cast<int>((order.size() + columns - 1) / columns);
    page.columns = columns;
    page.rows = leadRows + (rhythmStrip ? 1 : 0);

    // Rows and baselines sit on 5 mm lines, as on printed paper; a little more room above the baseline than
    // below.
    const double pitch = std::max(10.0, std::ceil(request.rowPitchMillivolts * gain / 5.0 - 1e-9) * 5.0);
    const double baselineOffset = std::clamp(std::round(pitch * 0.55 / 5.0) * 5.0, 5.0, pitch - 5.0);
    const double columnSeconds = median ? request.pageSeconds : request.pageSeconds / columns;
    const double columnWidthMm = columnSeconds * speed;
    const double columnStrideMm = columnWidthMm + (median ? kMedianGapMm : 0.0);
    const double tracesWidthMm =
        median ? columns * columnStrideMm - kMedianGapMm : request.pageSeconds * speed;
    page.widthMm = std::max(page.traceLeftMm + tracesWidthMm + kRightMarginMm, request.minWidthMm);
    page.rowsTopMm = page.gridTopMm + std::max(0.0, request.gridTopMarginMm);
    page.rowPitchMm = pitch;
    page.heightMm = page.rowsTopMm + page.rows * pitch;

    auto rowBand = [&](int row, PaperCell& cell) {
        cell.topMm = page.rowsTopMm + row * pitch;
        cell.bottomMm = cell.topMm + pitch;
        cell.baselineMm = cell.topMm + baselineOffset;
        cell.speedMmPerSecond = speed;
        cell.gainMmPerMillivolt = gain;
    };

    for (std::size_t j = 0; j < order.size(); ++j) {
        PaperCell cell;
        cell.channel = order[j];
        cell.label = request.leadLabels[order[j]];
        cell.column = static_cast<int>(j) / leadRows;
        cell.row = static_cast<int>(j) % leadRows;
        rowBand(cell.row, cell);
        if (median) {
            cell.startSeconds = request.startSeconds;
            cell.xMm = page.traceLeftMm + cell.column * columnStrideMm;
        } else {
            cell.startSeconds = request.startSeconds + cell.column * columnSeconds;
            cell.xMm = page.traceLeftMm + cell.column * columnWidthMm;
        }
        cell.endSeconds = cell.startSeconds + columnSeconds;
        cell.widthMm = columnWidthMm;
        page.cells.push_back(std::move(cell));
    }
    if (rhythmStrip) {
        std::size_t channel = order.front();
        const std::string wanted = lowered(request.rhythmLead);
        for (std::size_t i = 0; i < request.leadLabels.size(); ++i) {
            if (lowered(request.leadLabels[i]) == wanted) {
                channel = i;
                break;
            }
        }
        PaperCell cell;
        cell.channel = channel;
        cell.label = request.leadLabels[channel];
        cell.row = leadRows;
        cell.column = 0;
        cell.rhythmStrip = true;
        rowBand(cell.row, cell);
        cell.startSeconds = request.startSeconds;
        cell.endSeconds = request.startSeconds + request.pageSeconds;
        cell.xMm = page.traceLeftMm;
        cell.widthMm = request.pageSeconds * speed;
        page.cells.push_back(std::move(cell));
    }
    for (int row = 0; row < page.rows; ++row) {
        CalibrationPulse p;
        p.row = row;
        p.baselineMm = page.rowsTopMm + row * pitch + baselineOffset;
        p.topMm = p.baselineMm - kCalibrationMillivolts * gain;
        p.riseMm = kPulseMarginMm;
        p.leadInMm = p.riseMm - kLeadInMm;
        p.fallMm = p.riseMm + pulseWidthMm;
        p.leadOutMm = p.fallMm + kLeadOutMm;
        page.pulses.push_back(p);
    }
    for (int k = 1; k < columns && leadRows > 0; ++k) {
        page.columnMarkersMm.push_back(median ? page.traceLeftMm + k * columnStrideMm - kMedianGapMm * 0.5
                                              : page.traceLeftMm + k * columnWidthMm);
    }
    return page;
}

} // namespace veridicor::ecg
