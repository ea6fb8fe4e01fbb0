#include "decoders.h"

#include <veridicor/cine/timing.h>

#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcvrat.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace veridicor::cine {

FrameTiming::FrameTiming(std::vector<double> durationsMs, TimingSource source)
    : m_durations(std::move(durationsMs)), m_source(source) {
    m_starts.resize(m_durations.size());
    double t = 0.0;
    for (std::size_t i = 0; i < m_durations.size(); ++i) {
        m_starts[i] = t;
        t += m_durations[i];
    }
    m_total = t;
}

FrameTiming FrameTiming::uniform(int frames, double frameTimeMs, TimingSource source) {
    return {std::vector<double>(static_cast<std::size_t>(std::max(frames, 0)), frameTimeMs), source};
}

double FrameTiming::meanFrameRate() const {
    if (m_durations.empty() || m_total <= 0.0) {
        return 0.0;
    }
    return 1000.0 * static_cast<double>(m_durations.size()) / m_total;
}

int FrameTiming::frameAtMs(double clipMs) const {
    if (m_starts.empty()) {
        return 0;
    }
    if (!(clipMs > 0.0)) { // also NaN
        return 0;
    }
    // The last start ≤ clipMs.
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), clipMs);
    return static_cast<int>(std::distance(m_starts.begin(), it)) - 1;
}

const char* timingSourceName(TimingSource source) {
    switch (source) {
    case TimingSource::FrameTimeVector:
        return "Frame Time Vector";
    case TimingSource::FrameTime:
        return "Frame Time";
    case TimingSource::CineRate:
        return "Cine Rate";
    case TimingSource::RecommendedDisplayRate:
        return "Recommended Display Frame Rate";
    case TimingSource::Assumed:
        return "assumed rate";
    case TimingSource::SingleFrame:
        return "single frame";
    }
    return "unknown";
}

namespace {

/// A positive, finite DS/IS value below 10^7, or nullopt.
std::optional<double> positiveNumber(DcmItem* ds, const DcmTagKey& tag, unsigned long pos = 0) {
    const auto v = detail::numberValue(ds, tag, pos);
    if (!v || *v <= 0.0 || *v > 1e7) {
        return std::nullopt;
    }
    return v;
}

std::string fmt(double v) {
    std::array<char, 64> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%g", v);
    return n > 0 ? std::string(buf.data()) : std::string();
}

/// Reads the Frame Time Vector as per-frame durations, or nullopt (with a note) when unusable.
std::optional<std::vector<double>> frameTimeVector(DcmItem* ds, int frames, std::vector<std::string>& notes) {
    DcmElement* el = nullptr;
    if (ds->findAndGetElement(DCM_FrameTimeVector, el).bad() || el == nullptr || el->getVM() == 0) {
        return std::nullopt;
    }
    const unsigned long vm = el->getVM();
    if (vm != static_cast<unsigned long>(frames)) {
        notes.push_back("Frame Time Vector has " + std::to_string(vm) + " values for " +
                        std::to_string(frames) + " frames; ignored");
        return std::nullopt;
    }
    std::vector<double> v(vm);
    for (unsigned long i = 0; i < vm; ++i) {
        const auto xv = detail::numberValue(ds, DCM_FrameTimeVector, i);
        const double x = xv.value_or(-1.0);
        if (!xv || x < 0.0 || x > 1e7) {
            notes.push_back("Frame Time Vector value " + std::to_string(i + 1) +
                            " is not a usable time; ignored");
            return std::nullopt;
        }
        v[i] = x;
    }
    std::vector<double> durations(vm);
    if (v[0] == 0.0) {
        // As the standard says: value i is the time from frame i-1 to frame i. Frame i is shown until frame
        // i+1; the last frame is shown for as long as the last increment.
        if (vm == 1) {
            return std::nullopt;
        }
        for (unsigned long i = 0; i + 1 < vm; ++i) {
            durations[i] = v[i + 1];
        }
        durations[vm - 1] = v[vm - 1];
    } else {
        notes.emplace_back("Frame Time Vector starts with " + fmt(v[0]) +
                           " ms, not 0 as the standard says: read as each frame's duration");
        durations = v;
    }
    for (unsigned long i = 0; i < vm; ++i) {
        if (!(durations[i] > 0.0)) {
            notes.push_back("Frame Time Vector gives frame " + std::to_string(i + 1) +
                            " no duration; ignored");
            return std::nullopt;
        }
    }
    return durations;
}

} // namespace

FrameTiming readFrameTiming(DcmItem* ds, int frames) {
    std::vector<std::string> notes;
    if (frames <= 1) {
        FrameTiming t =
            FrameTiming::uniform(std::max(frames, 0), 1000.0 / kAssumedFrameRate, TimingSource::SingleFrame);
        return t;
    }
    auto finish = [&](FrameTiming t) {
        if (auto d = positiveNumber(ds, DCM_FrameDelay)) {
            t.frameDelayMs = *d;
        }
        t.notes = std::move(notes);
        return t;
    };
    // The Frame Increment Pointer names the attribute that holds the timing; honour it first.
    bool vectorFirst = true;
    DcmElement* fip = nullptr;
    if (ds->findAndGetElement(DCM_FrameIncrementPointer, fip).good()) {
        DcmTagKey pointer;
        if (auto* at = dynamic_cast<DcmAttributeTag*>(fip);
            at != nullptr && at->getTagVal(pointer, 0).good() && pointer == DCM_FrameTime) {
            vectorFirst = false;
        }
    }
    if (vectorFirst) {
        if (auto v = frameTimeVector(ds, frames, notes)) {
            return finish(FrameTiming(std::move(*v), TimingSource::FrameTimeVector));
        }
    }
    if (auto ft = positiveNumber(ds, DCM_FrameTime)) {
        return finish(FrameTiming::uniform(frames, *ft, TimingSource::FrameTime));
    }
    if (!vectorFirst) {
        if (auto v = frameTimeVector(ds, frames, notes)) {
            return finish(FrameTiming(std::move(*v), TimingSource::FrameTimeVector));
        }
    }
    if (auto rate = positiveNumber(ds, DCM_CineRate)) {
        return finish(FrameTiming::uniform(frames, 1000.0 / *rate, TimingSource::CineRate));
    }
    if (auto rate = positiveNumber(ds, DCM_RecommendedDisplayFrameRate)) {
        return finish(FrameTiming::uniform(frames, 1000.0 / *rate, TimingSource::RecommendedDisplayRate));
    }
    notes.push_back("no frame timing in the header: played at an assumed " + fmt(kAssumedFrameRate) +
                    " frames/s");
    return finish(FrameTiming::uniform(frames, 1000.0 / kAssumedFrameRate, TimingSource::Assumed));
}

} // namespace veridicor::cine
