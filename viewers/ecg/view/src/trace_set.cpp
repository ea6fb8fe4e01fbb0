#include <veridicor/ecg_view/trace_set.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <cstdio>
#include <span>

namespace veridicor::ecg {

namespace {

/// Non-voltage channels (pressure, respiration, uncalibrated) are drawn at this many "mV" per unit.
constexpr double kNonVoltageScale = 0.02;

} // namespace

std::shared_ptr<const TraceSet> TraceSet::build(std::shared_ptr<const Recording> recording,
                                                std::size_t groupIndex, const FilterSettings& filters,
                                                const std::atomic<bool>* cancel) {
    std::shared_ptr<TraceSet> set(new TraceSet());
    set->m_recording = std::move(recording);
    if (!set->m_recording || groupIndex >= set->m_recording->groups.size()) {
        return nullptr;
    }
    set->m_groupIndex = groupIndex;
    set->m_filters = filters;
    const WaveformGroup& g = set->group();
    const bool filtering = filters.any() && g.samplingHz > 0;
    // Samples equal to the Waveform Padding Value hold no data: they must not be drawn as if they were.
    auto isPadding = [&g](std::int32_t v) {
        return g.paddingValue && v == *g.paddingValue;
    };
    set->m_channels.resize(g.channels.size()); // never resized again: the pyramids point into it
    for (std::size_t c = 0; c < g.channels.size(); ++c) {
        if (cancel != nullptr && cancel->load()) {
            return nullptr;
        }
        const Channel& ch = g.channels[c];
        TraceChannel& tc = set->m_channels[c];
        tc.label = ch.label.empty() ? "Channel " + std::to_string(c + 1) : ch.label;
        tc.voltage = ch.unitsToMicrovolts > 0.0;
        // value = raw × sensitivity × correction + baseline, in `units`; to mV via unitsToMicrovolts / 1000.
        const double toDisplay = tc.voltage ? ch.unitsToMicrovolts / 1000.0 : kNonVoltageScale;
        if (!tc.voltage) {
            std::array<char, 96> buf{};
            const int n = std::snprintf(buf.data(), buf.size(), "%s ×%g",
                                        ch.units.empty() ? "uncalibrated" : ch.units.c_str(), kNonVoltageScale);
            tc.scaleNote = n < 0 ? std::string()
                                 : std::string(buf.data(), std::min(static_cast<std::size_t>(n), buf.size() - 1));
        }
        const double scale = ch.sensitivity * ch.correction * toDisplay;
        const double offset = ch.baseline * toDisplay;
        const std::size_t n = std::min(ch.raw.size(), g.samples);
        const bool padded =
            g.paddingValue &&
            std::any_of(ch.raw.begin(), ch.raw.begin() + static_cast<std::ptrdiff_t>(n), isPadding);
        if (filtering || padded) {
            // One float copy per lead (the stored integers stay as they are); filtered in place. Padding is
            // held at the last real value while filtering, then marked as no data (NaN).
            tc.values.resize(n);
            float last = 0.0F;
            for (std::size_t i = 0; i < n; ++i) {
                if (!isPadding(ch.raw[i]))
                    last = static_cast<float>(ch.raw[i] * scale + offset);
                tc.values[i] = last;
            }
            if (filtering) {
                FilterReport report = applyFilters(std::span<float>(tc.values), g.samplingHz, filters);
                if (c == 0) {
                    set->m_report = std::move(report);
                }
            }
            if (padded) {
                for (std::size_t i = 0; i < n; ++i) {
                    if (isPadding(ch.raw[i]))
                        tc.values[i] = std::numeric_limits<float>::quiet_NaN();
                }
            }
            tc.pyramid = EnvelopePyramid(SampleSpan::fromFloats(tc.values.data(), n),
                                         EnvelopePyramid::kDefaultBaseShift, cancel);
        } else {
            tc.pyramid = EnvelopePyramid(SampleSpan::fromRaw(ch.raw.data(), n, scale, offset),
                                         EnvelopePyramid::kDefaultBaseShift, cancel);
        }
    }
    if (cancel != nullptr && cancel->load()) {
        return nullptr;
    }
    return set;
}

std::string TraceSet::appliedFiltersText() const {
    std::string s;
    for (const auto& a : m_report.applied) {
        s += (s.empty() ? "" : ", ") + a;
    }
    return s.empty() ? "none" : s;
}

std::vector<std::string> TraceSet::labels() const {
    std::vector<std::string> out;
    out.reserve(m_channels.size());
    for (const auto& c : m_channels) {
        out.push_back(c.label);
    }
    return out;
}

std::size_t TraceSet::memoryBytes() const {
    std::size_t bytes = 0;
    for (const auto& c : m_channels) {
        bytes += c.values.capacity() * sizeof(float) + c.pyramid.memoryBytes();
    }
    return bytes;
}

} // namespace veridicor::ecg
