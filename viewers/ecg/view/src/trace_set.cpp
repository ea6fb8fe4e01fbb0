#include <veridicor/ecg/trace_set.h>

#include <cmath>
#include <cstdio>

namespace veridicor::ecg {

namespace {

/// Non-voltage channels (pressure, respiration, uncalibrated) are drawn at this many "mV" per unit.
constexpr double kNonVoltageScale = 0.02;

} // namespace

std::string DisplayFilters::describe() const {
    std::string s;
    auto add = [&s](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
    if (baselineHighPass) add("HP 0.5 Hz");
    if (notchHz != 0) add("notch " + std::to_string(notchHz) + " Hz");
    if (lowPassHz != 0) add("LP " + std::to_string(lowPassHz) + " Hz");
    return s.empty() ? "none" : s;
}

std::shared_ptr<const TraceSet> TraceSet::build(std::shared_ptr<const Recording> recording, std::size_t groupIndex,
                                                const DisplayFilters& filters, const FilterFunction& filter,
                                                const std::atomic<bool>* cancel) {
    std::shared_ptr<TraceSet> set(new TraceSet());
    set->m_recording = std::move(recording);
    if (!set->m_recording || groupIndex >= set->m_recording->groups.size()) {
        return nullptr;
    }
    set->m_groupIndex = groupIndex;
    const WaveformGroup& g = set->group();
    // Returns false when the filter failed (the caller then prepares the unfiltered samples instead).
    auto prepare = [&](bool filtering) {
        set->m_filters = filtering ? filters : DisplayFilters{};
        set->m_channels.clear();
        set->m_channels.resize(g.channels.size()); // never resized again: the pyramids point into it
        for (std::size_t c = 0; c < g.channels.size(); ++c) {
            if (cancel != nullptr && cancel->load()) {
                return true;
            }
            const Channel& ch = g.channels[c];
            TraceChannel& tc = set->m_channels[c];
            tc.label = ch.label.empty() ? "Channel " + std::to_string(c + 1) : ch.label;
            tc.voltage = ch.unitsToMicrovolts > 0.0;
            // value = raw × sensitivity × correction + baseline, in `units`; to mV via unitsToMicrovolts / 1000.
            const double toDisplay = tc.voltage ? ch.unitsToMicrovolts / 1000.0 : kNonVoltageScale;
            if (!tc.voltage) {
                char buf[96];
                std::snprintf(buf, sizeof buf, "%s ×%g", ch.units.empty() ? "uncalibrated" : ch.units.c_str(),
                              kNonVoltageScale);
                tc.scaleNote = buf;
            }
            const double scale = ch.sensitivity * ch.correction * toDisplay;
            const double offset = ch.baseline * toDisplay;
            const std::size_t n = std::min(ch.raw.size(), g.samples);
            if (filtering) {
                tc.values.resize(n);
                for (std::size_t i = 0; i < n; ++i) {
                    tc.values[i] = static_cast<float>(ch.raw[i] * scale + offset);
                }
                std::string err = filter(tc.values, g.samplingHz, filters);
                if (!err.empty()) {
                    set->m_filterError = std::move(err);
                    return false;
                }
                tc.pyramid = EnvelopePyramid(SampleSpan::fromFloats(tc.values.data(), n),
                                             EnvelopePyramid::kDefaultBaseShift, cancel);
            } else {
                tc.pyramid = EnvelopePyramid(SampleSpan::fromRaw(ch.raw.data(), n, scale, offset),
                                             EnvelopePyramid::kDefaultBaseShift, cancel);
            }
        }
        return true;
    };
    const bool filtering = filters.any() && static_cast<bool>(filter) && g.samplingHz > 0;
    if (filters.any() && !filtering) {
        set->m_filterError = "no display filter is available for this recording";
    }
    if (!prepare(filtering)) {
        // Never show unfiltered samples as filtered: the whole set falls back to no display filters, and says so.
        prepare(false);
    }
    if (cancel != nullptr && cancel->load()) {
        return nullptr;
    }
    return set;
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
