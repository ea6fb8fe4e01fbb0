#pragma once
/// \file
/// The samples the paper view draws, prepared once per recording, group and filter choice: per lead a
/// `SampleSpan` in millivolts (the stored integers read in place, or one float array when display filters are
/// on) and its min/max envelope pyramid. Built on a worker thread (it is the slow part for a 24-hour recording);
/// immutable afterwards and shared between the GUI, the off-screen renderer and the bench.

#include <veridicor/ecg/envelope.h>
#include <veridicor/ecg/recording.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// The display filters a reader switches on in the toolbar (the recorded ones are only shown, never re-applied).
struct DisplayFilters {
    bool baselineHighPass = false; ///< 0.5 Hz high-pass against baseline wander
    int notchHz = 0;               ///< 0 (off), 50 or 60: mains notch
    int lowPassHz = 0;             ///< 0 (off), 40 or 150: zero-phase low-pass

    [[nodiscard]] bool any() const { return baselineHighPass || notchHz != 0 || lowPassHz != 0; }
    /// "HP 0.5 Hz, notch 50 Hz, LP 40 Hz", or "none".
    [[nodiscard]] std::string describe() const;
    friend bool operator==(const DisplayFilters&, const DisplayFilters&) = default;
};

/// One lead ready to draw.
struct TraceChannel {
    std::string label;          ///< the lead name printed on the paper
    std::string scaleNote;      ///< for a channel that is not a voltage: how it is scaled, e.g. "mmHg ×0.02"
    bool voltage = true;        ///< false: drawn with scaleNote's factor instead of millivolts
    std::vector<float> values;  ///< filtered values (mV) when filters are on; empty otherwise
    EnvelopePyramid pyramid;    ///< over values, or over the stored integers in place
};

class TraceSet {
public:
    /// Filters one channel in place (values in mV, at samplingHz). Returns an empty string, or why it failed.
    using FilterFunction =
        std::function<std::string(std::vector<float>& values, double samplingHz, const DisplayFilters& filters)>;

    /// Prepares group `groupIndex` of `recording`. Returns nullptr when cancelled. Throws nothing; a group without
    /// samples gives a TraceSet without channels. When `filters.any()`, `filter` (the core's zero-phase filters)
    /// runs on a float copy of each lead; an error from it is kept in filterError() and the lead stays unfiltered.
    static std::shared_ptr<const TraceSet> build(std::shared_ptr<const Recording> recording, std::size_t groupIndex,
                                                 const DisplayFilters& filters, const FilterFunction& filter,
                                                 const std::atomic<bool>* cancel = nullptr);

    TraceSet(const TraceSet&) = delete;
    TraceSet& operator=(const TraceSet&) = delete;

    [[nodiscard]] const Recording& recording() const { return *m_recording; }
    [[nodiscard]] const std::shared_ptr<const Recording>& recordingPtr() const { return m_recording; }
    [[nodiscard]] std::size_t groupIndex() const { return m_groupIndex; }
    [[nodiscard]] const WaveformGroup& group() const { return m_recording->groups[m_groupIndex]; }
    [[nodiscard]] double samplingHz() const { return group().samplingHz; }
    [[nodiscard]] std::size_t sampleCount() const { return group().samples; }
    [[nodiscard]] double durationSeconds() const { return group().durationSeconds(); }
    [[nodiscard]] const std::vector<TraceChannel>& channels() const { return m_channels; }
    [[nodiscard]] std::vector<std::string> labels() const;
    /// The display filters actually applied to the values drawn.
    [[nodiscard]] const DisplayFilters& filters() const { return m_filters; }
    [[nodiscard]] const std::string& filterError() const { return m_filterError; }
    /// Bytes held for drawing beyond the recording itself (filtered copies and pyramids).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    TraceSet() = default;
    std::shared_ptr<const Recording> m_recording;
    std::size_t m_groupIndex = 0;
    DisplayFilters m_filters;
    std::string m_filterError;
    std::vector<TraceChannel> m_channels;
};

} // namespace veridicor::ecg
