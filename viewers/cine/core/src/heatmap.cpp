#include <veridicor/cine/heatmap.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace veridicor::cine {

int heatmapFrameFor(int clipFrame, int clipFrames, long long heatmapFrames) {
    if (clipFrames <= 0 || heatmapFrames <= 0 || clipFrame < 0 || clipFrame >= clipFrames)
        return -1;
    if (heatmapFrames == clipFrames)
        return clipFrame;
    // heatmapFrames ≤ 2^31 and clipFrame < 2^31: the product fits in 64 bits.
    return static_cast<int>(static_cast<long long>(clipFrame) * heatmapFrames / clipFrames);
}

int cellOfPixel(int pixel, int pixels, int cells) {
    if (pixels <= 0 || cells <= 0 || pixel < 0 || pixel >= pixels)
        return -1;
    return static_cast<int>(static_cast<long long>(pixel) * cells / pixels);
}

PixelSpan pixelsOfCell(int cell, int cells, int pixels) {
    if (pixels <= 0 || cells <= 0 || cell < 0 || cell >= cells)
        return {0, 0};
    // ⌈cell·pixels/cells⌉ … ⌈(cell+1)·pixels/cells⌉
    auto ceilDiv = [](long long a, long long b) {
        return static_cast<int>((a + b - 1) / b);
    };
    return {ceilDiv(static_cast<long long>(cell) * pixels, cells),
            ceilDiv(static_cast<long long>(cell + 1) * pixels, cells)};
}

void expandHeatmapFrame(const std::uint8_t* grid, int rows, int cols, int width, int height,
                        std::uint8_t* out) {
    if (grid == nullptr || out == nullptr || rows <= 0 || cols <= 0 || width <= 0 || height <= 0)
        return;
    std::vector<int> colCell(static_cast<std::size_t>(width));
    for (int x = 0; x < width; ++x)
        colCell[std::size_t(x)] = cellOfPixel(x, width, cols);
    const auto w = static_cast<std::size_t>(width);
    int previousRow = -1;
    for (int y = 0; y < height; ++y) {
        const int r = cellOfPixel(y, height, rows);
        std::uint8_t* line = out + std::size_t(y) * w;
        if (r == previousRow) {
            std::memcpy(line, line - w, w); // same cell row as the line above
            continue;
        }
        const std::uint8_t* cells = grid + std::size_t(r) * std::size_t(cols);
        for (std::size_t x = 0; x < w; ++x)
            line[x] = cells[colCell[x]];
        previousRow = r;
    }
}

CineFindingPlan::FrameDraw CineFindingPlan::at(int frame) const {
    FrameDraw d;
    if (!regionFramesValid || frame < 0 || frame >= clipFrames)
        return d;
    if (hasRegion && (frame < firstFrame || frame > lastFrame))
        return d;
    if (heatmapDrawable)
        d.heatmapFrame = heatmapFrameFor(frame, clipFrames, heatmapFrames);
    d.outline = outlineDrawable;
    return d;
}

CineFindingPlan planCineFinding(const CineFindingSpec& spec, const ClipGeometry& clip) {
    CineFindingPlan plan;
    plan.hasRegion = spec.hasRegion;
    plan.firstFrame = spec.firstFrame;
    plan.lastFrame = spec.lastFrame;
    plan.clipFrames = clip.frames;
    plan.heatmapFrames = spec.heatmapFrames;

    if (spec.hasRegion) {
        if (spec.firstFrame < 0 || spec.lastFrame < spec.firstFrame || spec.lastFrame >= clip.frames) {
            plan.regionFramesValid = false;
            plan.problems.push_back(
                "Not drawn: its region's frames " + std::to_string(spec.firstFrame) + "–" +
                std::to_string(spec.lastFrame) + " (counted from 0) are not inside this clip's " +
                std::to_string(clip.frames) + " frames (0–" + std::to_string(clip.frames - 1) + ").");
        }
        if (!spec.polygon.empty()) {
            const bool finite =
                std::all_of(spec.polygon.begin(), spec.polygon.end(), [](const PixelPoint& p) {
                    return std::isfinite(p.x) && std::isfinite(p.y) && std::abs(p.x) <= 1e6 &&
                           std::abs(p.y) <= 1e6;
                });
            if (!finite) {
                plan.problems.emplace_back(
                    "Outline not drawn: its polygon has a point that is not a finite image "
                    "coordinate.");
            } else if (spec.polygon.size() < 3) {
                plan.problems.push_back(
                    "Outline not drawn: its polygon has " + std::to_string(spec.polygon.size()) +
                    (spec.polygon.size() == 1 ? " point" : " points") + "; an outline needs 3.");
            } else {
                plan.outlineDrawable = true;
            }
        }
    }

    plan.heatmapPresent =
        spec.heatmapBytes > 0 || spec.heatmapFrames != 0 || spec.heatmapRows != 0 || spec.heatmapCols != 0;
    if (plan.heatmapPresent) {
        const std::string shape = std::to_string(spec.heatmapFrames) + " frames × " +
                                  std::to_string(spec.heatmapRows) + " rows × " +
                                  std::to_string(spec.heatmapCols) + " columns";
        const long long kMaxDimension = 1LL << 20;
        if (spec.heatmapFrames <= 0 || spec.heatmapRows <= 0 || spec.heatmapCols <= 0) {
            plan.problems.push_back("Heatmap not drawn: its shape (" + shape + ") has an empty dimension.");
        } else if (spec.heatmapFrames > kMaxDimension || spec.heatmapRows > kMaxDimension ||
                   spec.heatmapCols > kMaxDimension) {
            plan.problems.push_back("Heatmap not drawn: its shape (" + shape + ") is absurdly large.");
        } else if (const auto need = static_cast<unsigned long long>(spec.heatmapFrames) *
                                     static_cast<unsigned long long>(spec.heatmapRows) *
                                     static_cast<unsigned long long>(spec.heatmapCols); // < 2^60: no overflow
                   need != spec.heatmapBytes || spec.heatmap == nullptr) {
            plan.problems.push_back("Heatmap not drawn: it holds " + std::to_string(spec.heatmapBytes) +
                                    " values, but its shape (" + shape + ") needs " + std::to_string(need) +
                                    ".");
        } else if (spec.heatmapRows > clip.height || spec.heatmapCols > clip.width) {
            plan.problems.push_back("Heatmap not drawn: its grid (" + std::to_string(spec.heatmapRows) +
                                    " rows × " + std::to_string(spec.heatmapCols) +
                                    " columns) is finer than the image (" + std::to_string(clip.height) +
                                    " × " + std::to_string(clip.width) +
                                    " pixels), so some cells would cover no pixel.");
        } else {
            plan.heatmapDrawable = clip.frames > 0;
        }
    }
    return plan;
}

// ---- colour map ----

Rgba8 heatmapColour(double v) {
    return lchRampColour({kHeatmapLightnessAt0, kHeatmapLightnessAt1, kHeatmapHueAt0Degrees,
                          kHeatmapHueAt0Degrees + kHeatmapHueSpanDegrees, kHeatmapChroma},
                         v);
}

const std::array<Rgba8, 256>& heatmapColourTable() {
    static const std::array<Rgba8, 256> table = [] {
        std::array<Rgba8, 256> t{};
        for (int i = 0; i < 256; ++i)
            t[std::size_t(i)] = heatmapColour(i / 255.0);
        return t;
    }();
    return table;
}

} // namespace veridicor::cine
