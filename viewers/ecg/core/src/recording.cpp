#include <veridicor/ecg/recording.h>

#include <algorithm>
#include <cctype>

namespace veridicor::ecg {

bool WaveformGroup::isMedianBeat() const {
    std::string l = label;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::toupper(c); });
    return l.find("MEDIAN") != std::string::npos || l.find("REPRESENTATIVE") != std::string::npos ||
           l.find("AVERAGE") != std::string::npos;
}

const WaveformGroup* Recording::rhythm() const {
    for (const auto& g : groups) {
        if (!g.isMedianBeat()) {
            return &g;
        }
    }
    return nullptr;
}

const WaveformGroup* Recording::medianBeat() const {
    for (const auto& g : groups) {
        if (g.isMedianBeat()) {
            return &g;
        }
    }
    return nullptr;
}

} // namespace veridicor::ecg
