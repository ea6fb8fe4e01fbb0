#include <veridicor/ecg/recording.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace veridicor::ecg {

namespace {

/// UCUM code → what a reader expects to see: "{H.B.}/min" → "/min", "deg" → "°".
std::string unitsForDisplay(const std::string& ucum) {
    std::string out;
    int depth = 0;
    for (const char c : ucum) {
        if (c == '{') {
            ++depth;
        } else if (c == '}') {
            depth = std::max(0, depth - 1);
        } else if (depth == 0) {
            out += c;
        }
    }
    if (out == "deg") {
        out.assign("\xC2\xB0"); // °
    } else if (out == "1/min") {
        out.assign("/min");
    }
    return out;
}

std::string shortest(double v) {
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return ec == std::errc{} ? std::string(buf.data(), end) : std::string("?");
}

} // namespace

bool WaveformGroup::isMedianBeat() const {
    std::string l = label;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::toupper(c); });
    return l.find("MEDIAN") != std::string::npos || l.find("REPRESENTATIVE") != std::string::npos ||
           l.find("AVERAGE") != std::string::npos;
}

std::string Annotation::displayText() const {
    std::string name = !conceptName.empty() ? conceptName : conceptCode;
    if (numericValue) {
        std::string s = name.empty() ? std::string("Value") : name;
        s += ": " + shortest(*numericValue);
        const std::string u = unitsForDisplay(units);
        if (!u.empty()) {
            s += (u == "\xC2\xB0" ? "" : " ") + u;
        }
        return s;
    }
    if (!text.empty()) {
        return (name.empty() || name == text) ? text : name + ": " + text;
    }
    return name;
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
