#pragma once
/// \file
/// Min/max envelope pyramid: what lets a 24-hour recording pan as smoothly as 10 seconds.
///
/// For each channel, levels of (min, max) pairs at power-of-two decimation are built once from the samples
/// the reader sees (stored integers with their linear scaling, or filtered values). Drawing a window then
/// costs a number of vertices proportional to the pixel columns shown, never to the samples in the window:
/// each column gets the exact minimum and maximum of the samples that fall in it (two vertices), read from
/// the coarsest level whose buckets fit in the column plus the samples at its edges. At deep zoom (at most
/// two samples per column) the real samples are emitted instead, a line strip through every one of them.
///
/// Memory: the finest stored level already groups 2^baseShift samples (32 by default), so the pyramid adds
/// 16/2^baseShift bytes per sample (0.5 B) on top of the samples it reads; it never copies them.
/// No Qt, no GL: the view turns the points into vertex buffers.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace veridicor::ecg {

/// A (min, max) pair. Empty when nothing was added (min > max).
struct MinMax {
    float min = std::numeric_limits<float>::infinity();
    float max = -std::numeric_limits<float>::infinity();

    void add(float v) {
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    void add(const MinMax& o) {
        if (o.min < min)
            min = o.min;
        if (o.max > max)
            max = o.max;
    }
    [[nodiscard]] bool empty() const { return min > max; }
};

/// One channel's samples in display units, read in place (never copied): either stored integers with their
/// linear scaling (value = raw × scale + offset, e.g. to millivolts) or an array of floats (filtered values).
/// The memory it points to must outlive it.
class SampleSpan {
public:
    SampleSpan() = default;
    static SampleSpan fromRaw(const std::int32_t* raw, std::size_t count, double scale, double offset);
    static SampleSpan fromFloats(const float* values, std::size_t count);

    [[nodiscard]] std::size_t size() const { return m_count; }
    [[nodiscard]] bool empty() const { return m_count == 0; }
    [[nodiscard]] float operator[](std::size_t i) const {
        return m_values != nullptr ? m_values[i] : static_cast<float>(m_raw[i] * m_scale + m_offset);
    }
    /// Min/max of samples [first, last) by scanning every one (last is clamped to size()).
    [[nodiscard]] MinMax scan(std::size_t first, std::size_t last) const;

private:
    const std::int32_t* m_raw = nullptr;
    const float* m_values = nullptr;
    std::size_t m_count = 0;
    double m_scale = 1.0;
    double m_offset = 0.0;
};

/// A point of a trace: x in pixel columns from the start of the window (fractional), y in display units.
struct TracePoint {
    float x;
    float y;
};

/// How a trace window was drawn.
enum class TraceMode {
    Samples, ///< every sample in the window, in order (deep zoom: at most kSampleModeMaxPerColumn per column)
    Envelope, ///< two points per pixel column: the exact min and max of its samples
};

class EnvelopePyramid {
public:
    /// Finest stored level: 2^5 = 32 samples per bucket. Finer columns are read from the samples directly.
    static constexpr unsigned kDefaultBaseShift = 5;
    /// At or below this many samples per pixel column the real samples are drawn.
    static constexpr double kSampleModeMaxPerColumn = 2.0;

    EnvelopePyramid() = default;
    /// Builds the levels over `samples`, which must outlive the pyramid (fine zoom reads it directly).
    /// `cancel` (optional) stops the build early; the pyramid is then left empty.
    explicit EnvelopePyramid(SampleSpan samples, unsigned baseShift = kDefaultBaseShift,
                             const std::atomic<bool>* cancel = nullptr);

    [[nodiscard]] const SampleSpan& samples() const { return m_samples; }
    [[nodiscard]] std::size_t sampleCount() const { return m_samples.size(); }
    [[nodiscard]] unsigned baseShift() const { return m_baseShift; }
    /// Number of stored levels; level k holds buckets of 2^(baseShift + k) samples (the last one may be
    /// partial).
    [[nodiscard]] std::size_t levelCount() const { return m_levels.size(); }
    [[nodiscard]] std::size_t bucketSamples(std::size_t level) const {
        return std::size_t{1} << (m_baseShift + level);
    }
    [[nodiscard]] const std::vector<MinMax>& level(std::size_t k) const { return m_levels[k]; }
    /// The coarsest stored level whose buckets hold at most `samplesPerColumn` samples, or -1 when even the
    /// finest level's buckets are larger (the samples are then read directly).
    [[nodiscard]] int levelFor(double samplesPerColumn) const;

    /// Exact min/max of samples [first, last) (last clamped to sampleCount()); empty for an empty range.
    /// Cost O(2^baseShift + log n) whatever the range's length.
    [[nodiscard]] MinMax range(std::size_t first, std::size_t last) const;

    /// Appends the points of a trace window to `out`: pixel column c (0 ≤ c < columns) covers the sample
    /// positions [firstSample + c·samplesPerColumn, firstSample + (c+1)·samplesPerColumn). Columns outside
    /// the recording are skipped, and so are samples at or after `endSample` (the end of a cell's time
    /// range). With more than kSampleModeMaxPerColumn samples per column, each column emits two points at x =
    /// c + 0.5 (its min and max, in the order the signal visits them at the column's ends, so the strip
    /// follows the trace); otherwise every sample i in the window is emitted at x = (i − firstSample) /
    /// samplesPerColumn. The number of points is at most 2·columns + 2 in either mode. Samples that hold no
    /// data (NaN in a float source) are never drawn: a column or sample without data emits one point with y =
    /// NaN, where the caller breaks the line.
    TraceMode appendTrace(double firstSample, double samplesPerColumn, int columns,
                          std::vector<TracePoint>& out,
                          std::size_t endSample = static_cast<std::size_t>(-1)) const;

    /// Bytes held by the levels (the samples themselves are not counted: they are not copied).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    SampleSpan m_samples;
    unsigned m_baseShift = kDefaultBaseShift;
    std::vector<std::vector<MinMax>> m_levels;
};

} // namespace veridicor::ecg
