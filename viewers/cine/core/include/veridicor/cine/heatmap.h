#pragma once
/// \file
/// AI findings over cine frames: the maths the view draws them from. No Qt, no VTK.
///
/// - Which heatmap frame goes with which clip frame, and on which frames a finding with a cine region is
/// drawn.
/// - Which image pixels a heatmap cell covers: cell (r, c) of a rows × cols grid over a width × height image
/// covers
///   the pixels x with c·width/cols ≤ x < (c+1)·width/cols and y with r·height/rows ≤ y < (r+1)·height/rows,
///   i.e. pixel x lies in cell ⌊x·cols/width⌋ (`application/vnd.veridicor.cine-heatmap`: "the grid covers the
///   whole image and is scaled to it").
/// - Whether a finding's heatmap and region can be drawn on a clip at all, and if not, why, in plain words.
/// - The relevance colour map: perceptual (CIE L* rises linearly with relevance while the hue turns from
/// violet
///   through red and orange to yellow, as in inferno), transparent at 0.

#include <veridicor/base/colour.h>

#include <veridicor/cine/regions.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace veridicor::cine {

/// The size of a clip as the findings see it.
struct ClipGeometry {
    int frames = 0;
    int width = 0;  ///< columns
    int height = 0; ///< rows
};

/// The cine part of a finding (the Qt-free form of registry::FindingOverlay's cine fields).
struct CineFindingSpec {
    bool hasRegion = false;
    int firstFrame = 0;              ///< from 0, inclusive
    int lastFrame = 0;               ///< inclusive
    std::vector<PixelPoint> polygon; ///< image pixel coordinates (pixel centres at integers); may be empty

    long long heatmapFrames = 0;
    long long heatmapRows = 0;
    long long heatmapCols = 0;
    const std::uint8_t* heatmap = nullptr; ///< heatmapFrames × heatmapRows × heatmapCols bytes, frame-major
    std::size_t heatmapBytes = 0;
};

/// The heatmap frame shown with clip frame `clipFrame` of `clipFrames`: the same frame when the counts are
/// equal, else ⌊clipFrame · heatmapFrames / clipFrames⌋ (the heatmap's frames spread evenly over the clip).
/// −1 when `clipFrame` is not a frame of the clip or either count is not positive.
int heatmapFrameFor(int clipFrame, int clipFrames, long long heatmapFrames);

/// The cell (along one axis) that covers pixel `pixel` of `pixels`: ⌊pixel · cells / pixels⌋; −1 outside.
int cellOfPixel(int pixel, int pixels, int cells);

/// The pixels [first, last) a cell covers along one axis: those p with cell·pixels/cells ≤ p <
/// (cell+1)·pixels/cells.
struct PixelSpan {
    int first = 0;
    int last = 0; ///< exclusive
};
PixelSpan pixelsOfCell(int cell, int cells, int pixels);

/// Writes one heatmap frame scaled to the image: out[y·width + x] = the value of the cell covering pixel (x,
/// y). `grid` points at rows × cols bytes (row-major); `out` has room for width × height bytes.
void expandHeatmapFrame(const std::uint8_t* grid, int rows, int cols, int width, int height,
                        std::uint8_t* out);

/// What of a finding can be drawn on a clip, checked once; problems are sentences for the reader.
struct CineFindingPlan {
    bool regionFramesValid = true; ///< false: the region's frames are not inside the clip; nothing is drawn
    bool heatmapPresent = false;   ///< the finding has a heatmap (valid or not)
    bool heatmapDrawable = false;
    bool outlineDrawable = false;      ///< a polygon of ≥ 3 finite points
    std::vector<std::string> problems; ///< why something is not drawn (empty when everything is)

    /// What to draw with clip frame `frame`.
    struct FrameDraw {
        int heatmapFrame = -1; ///< −1: no heatmap on this frame
        bool outline = false;
        [[nodiscard]] bool any() const { return heatmapFrame >= 0 || outline; }
    };
    [[nodiscard]] FrameDraw at(int frame) const;

    // Copied from the spec and the clip, for at().
    bool hasRegion = false;
    int firstFrame = 0, lastFrame = 0;
    int clipFrames = 0;
    long long heatmapFrames = 0;
};

/// Checks a finding against a clip: the heatmap's shape (every dimension ≥ 1, frames × rows × cols equal to
/// the byte count, a grid no finer than the image, so that every cell covers a pixel), the region's frames
/// (inside the clip, first ≤ last) and its polygon (≥ 3 points, each finite and within ±1,000,000 pixels).
CineFindingPlan planCineFinding(const CineFindingSpec& spec, const ClipGeometry& clip);

/// A colour with straight (not premultiplied) alpha, sRGB-encoded.
using Rgba8 = veridicor::Rgba8;

/// The colour map's design, in CIE L*C*h(ab) under D65: relevance v ∈ [0, 1] maps to L* = 12 + 83·v,
/// h = 285° + 180°·v (blue-violet → magenta → red → orange → yellow), C* = 100 reduced where sRGB cannot show
/// it (hue and lightness kept), alpha √v (0 only at v = 0: transparent exactly where the model gave no
/// relevance).
inline constexpr double kHeatmapLightnessAt0 = 12.0;
inline constexpr double kHeatmapLightnessAt1 = 95.0;
inline constexpr double kHeatmapHueAt0Degrees = 285.0;
inline constexpr double kHeatmapHueSpanDegrees = 180.0;
inline constexpr double kHeatmapChroma = 100.0;
/// The heatmap opacity the view starts with (the reader's slider scales every alpha by it).
inline constexpr double kDefaultHeatmapOpacity = 0.6;

/// The colour of relevance v (clamped to [0, 1]; NaN counts as 0).
Rgba8 heatmapColour(double v);

/// heatmapColour(i / 255) for i = 0 … 255: the lookup table a stored byte i is shown through.
const std::array<Rgba8, 256>& heatmapColourTable();

} // namespace veridicor::cine
