#pragma once

#include <optional>
#include <string>
#include <vector>

class DcmItem;

namespace veridicor::cine {

/// Where a clip's frame timing came from.
enum class TimingSource {
    FrameTimeVector,        ///< Frame Time Vector (0018,1065)
    FrameTime,              ///< Frame Time (0018,1063)
    CineRate,               ///< Cine Rate (0018,0040), frames per second
    RecommendedDisplayRate, ///< Recommended Display Frame Rate (0008,2144), frames per second
    Assumed,                ///< nothing usable in the header: a default rate, shown to the reader as assumed
    SingleFrame,            ///< one frame: no timing
};

/// When each frame of a clip is shown, in milliseconds from the first frame.
///
/// Frame i is on screen during [startMs(i), startMs(i) + durationMs(i)). The Frame Time Vector is, per PS3.3
/// C.7.6.5.1.2, a list of increments whose first value is 0 (value i = time from frame i-1 to frame i). Real
/// files often write each frame's own duration there instead, with a first value that is not 0 (the ACUSON
/// clip in
/// ../shared/data does): a vector whose first value is not 0 is read as per-frame durations.
class FrameTiming {
public:
    FrameTiming() = default;
    /// Per-frame durations in ms (each > 0).
    FrameTiming(std::vector<double> durationsMs, TimingSource source);

    /// Uniform timing: `frames` frames of `frameTimeMs` each.
    static FrameTiming uniform(int frames, double frameTimeMs, TimingSource source);

    [[nodiscard]] int frameCount() const { return static_cast<int>(m_durations.size()); }
    [[nodiscard]] double durationMs(int frame) const {
        return m_durations.at(static_cast<std::size_t>(frame));
    }
    [[nodiscard]] double startMs(int frame) const { return m_starts.at(static_cast<std::size_t>(frame)); }
    [[nodiscard]] double endMs(int frame) const { return startMs(frame) + durationMs(frame); }
    [[nodiscard]] double totalMs() const { return m_total; }
    [[nodiscard]] const std::vector<double>& durationsMs() const { return m_durations; }
    [[nodiscard]] TimingSource source() const { return m_source; }
    /// Mean frames per second over the clip (0 for an empty clip).
    [[nodiscard]] double meanFrameRate() const;
    /// The frame on screen at `clipMs` (clamped to the clip: before 0 → 0, after the end → last).
    [[nodiscard]] int frameAtMs(double clipMs) const;

    /// Frame Delay (0018,1066): ms from Content Time to the first frame (0 when absent).
    double frameDelayMs = 0.0;
    /// Notes for the reader about how the header was interpreted (e.g. "Frame Time Vector read as
    /// durations").
    std::vector<std::string> notes;

private:
    std::vector<double> m_durations;
    std::vector<double> m_starts;
    double m_total = 0.0;
    TimingSource m_source = TimingSource::Assumed;
};

/// The frame rate assumed when a multi-frame header has no timing at all.
inline constexpr double kAssumedFrameRate = 30.0;

/// Reads the timing of a clip with `frames` frames from its header (Frame Increment Pointer first, then Frame
/// Time Vector, Frame Time, Cine Rate, Recommended Display Frame Rate; Frame Delay as offset). Values that
/// are missing, not numbers, not positive, or a vector whose count differs from `frames` are skipped with a
/// note and the next source is used; with nothing usable the rate is kAssumedFrameRate and the source
/// Assumed.
FrameTiming readFrameTiming(DcmItem* dataset, int frames);

/// A short English name for a timing source ("Frame Time Vector").
const char* timingSourceName(TimingSource source);

} // namespace veridicor::cine
