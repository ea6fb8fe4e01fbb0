#pragma once
/// \file
/// The samples the paper view draws, prepared once per recording, group and filter choice: per lead a
/// `SampleSpan` in millivolts (the stored integers read in place, or one float array when display filters are
/// on) and its min/max envelope pyramid. Built on a worker thread (it is the slow part for a 24-hour
/// recording); immutable afterwards and shared between the GUI, the off-screen renderer and the bench.

#include <veridicor/ecg/envelope.h>
#include <veridicor/ecg/filters.h>
#include <veridicor/ecg/recording.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// One lead ready to draw.
struct TraceChannel {
    std::string label;         ///< the lead name printed on the paper
    std::string scaleNote;     ///< for a channel that is not a voltage: how it is scaled, e.g. "mmHg ×0.02"
    bool voltage = true;       ///< false: drawn with scaleNote's factor instead of millivolts
    std::vector<float> values; ///< filtered values (mV) when filters are on; empty otherwise
    EnvelopePyramid pyramid;   ///< over values, or over the stored integers in place
};

class TraceSet {
public:
    /// Prepares group `groupIndex` of `recording` (nullptr for a group index out of range, or when
    /// cancelled). With `filters.any()`, each lead is copied to floats (mV) and filtered with the core's
    /// zero-phase `applyFilters`; what was applied and what was skipped (a filter the sampling rate cannot
    /// carry) is kept in filterReport(), so the header says what the traces really went through.
    static std::shared_ptr<const TraceSet> build(std::shared_ptr<const Recording> recording,
                                                 std::size_t groupIndex, const FilterSettings& filters,
                                                 const std::atomic<bool>* cancel = nullptr);

    TraceSet(const TraceSet&) = delete;
    TraceSet& operator=(const TraceSet&) = delete;
    TraceSet(TraceSet&&) = delete;
    TraceSet& operator=(TraceSet&&) = delete;
    ~TraceSet() = default;

    [[nodiscard]] const Recording& recording() const { return *m_recording; }
    [[nodiscard]] const std::shared_ptr<const Recording>& recordingPtr() const { return m_recording; }
    [[nodiscard]] std::size_t groupIndex() const { return m_groupIndex; }
    [[nodiscard]] const WaveformGroup& group() const { return m_recording->groups[m_groupIndex]; }
    [[nodiscard]] double samplingHz() const { return group().samplingHz; }
    [[nodiscard]] std::size_t sampleCount() const { return group().samples; }
    [[nodiscard]] double durationSeconds() const { return group().durationSeconds(); }
    [[nodiscard]] const std::vector<TraceChannel>& channels() const { return m_channels; }
    [[nodiscard]] std::vector<std::string> labels() const;
    /// The display filters asked for.
    [[nodiscard]] const FilterSettings& filters() const { return m_filters; }
    /// What the filters did (the same for every lead of the group: one sampling rate).
    [[nodiscard]] const FilterReport& filterReport() const { return m_report; }
    /// "high-pass 0.5 Hz, notch 50 Hz" (what was applied), or "none".
    [[nodiscard]] std::string appliedFiltersText() const;
    /// Bytes held for drawing beyond the recording itself (filtered copies and pyramids).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    TraceSet() = default;
    std::shared_ptr<const Recording> m_recording;
    std::size_t m_groupIndex = 0;
    FilterSettings m_filters;
    FilterReport m_report;
    std::vector<TraceChannel> m_channels;
};

} // namespace veridicor::ecg
