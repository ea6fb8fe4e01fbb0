#include <veridicor/ecg/overlay.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>

namespace veridicor::ecg {

namespace {

std::string lowered(const std::string& s) {
    std::string out = s;
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string seconds(double s) {
    std::array<char, 48> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%.2f", s);
    return n > 0 ? std::string(buf.data()) : std::string();
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        out += (out.empty() ? "" : ", ") + (n.empty() ? std::string("(no name)") : "\"" + n + "\"");
    }
    return out;
}

} // namespace

Rgba8 relevanceColour(double v) {
    return lchRampColour({kRelevanceLightnessAt0, kRelevanceLightnessAt1, kRelevanceHueAt0Degrees,
                          kRelevanceHueAt1Degrees, kRelevanceChroma},
                         v);
}

const std::array<Rgba8, 256>& relevanceColourTable() {
    static const std::array<Rgba8, 256> table = [] {
        std::array<Rgba8, 256> t{};
        for (std::size_t i = 0; i < t.size(); ++i) {
            t[i] = relevanceColour(static_cast<double>(i) / 255.0);
        }
        return t;
    }();
    return table;
}

Rgb8 blendOnPaper(Rgb8 paper, Rgba8 c, double opacity) {
    const double a = c.a / 255.0 * std::clamp(std::isnan(opacity) ? 0.0 : opacity, 0.0, 1.0);
    auto mix = [a](std::uint8_t p, std::uint8_t s) {
        return static_cast<std::uint8_t>(std::lround(p * (1.0 - a) + s * a));
    };
    return {mix(paper.r, c.r), mix(paper.g, c.g), mix(paper.b, c.b)};
}

// --- RelevanceTrack
// -------------------------------------------------------------------------------------------

RelevanceTrack::RelevanceTrack(const std::uint8_t* values, std::size_t count)
    : m_values(values), m_count(values != nullptr ? count : 0) {
    if (m_count == 0) {
        return;
    }
    const std::size_t base = std::size_t{1} << kBaseShift;
    std::vector<std::uint8_t> level((m_count + base - 1) / base);
    for (std::size_t b = 0; b < level.size(); ++b) {
        const std::size_t first = b * base;
        const std::size_t last = std::min(first + base, m_count);
        level[b] = *std::max_element(m_values + first, m_values + last);
    }
    m_levels.push_back(std::move(level));
    while (m_levels.back().size() > 1) {
        const std::vector<std::uint8_t>& prev = m_levels.back();
        std::vector<std::uint8_t> next((prev.size() + 1) / 2);
        for (std::size_t b = 0; b < next.size(); ++b) {
            next[b] = 2 * b + 1 < prev.size() ? std::max(prev[2 * b], prev[2 * b + 1]) : prev[2 * b];
        }
        m_levels.push_back(std::move(next));
    }
}

std::uint8_t RelevanceTrack::maxIn(std::size_t first, std::size_t last) const {
    last = std::min(last, m_count);
    std::uint8_t result = 0;
    std::size_t i = first;
    const auto levels = static_cast<int>(m_levels.size());
    while (i < last && result < 255) {
        // The largest complete bucket that starts at i and ends by `last`; a single sample where none does.
        int k = -1;
        if ((i & ((std::size_t{1} << kBaseShift) - 1)) == 0) {
            const int tz = i == 0 ? 63 : std::countr_zero(i);
            k = std::min(tz - static_cast<int>(kBaseShift), levels - 1);
            while (k >= 0 && i + (std::size_t{1} << (kBaseShift + static_cast<unsigned>(k))) > last) {
                --k;
            }
        }
        if (k < 0) {
            result = std::max(result, m_values[i]);
            ++i;
        } else {
            const unsigned shift = kBaseShift + static_cast<unsigned>(k);
            result = std::max(result, m_levels[static_cast<std::size_t>(k)][i >> shift]);
            i += std::size_t{1} << shift;
        }
    }
    return result;
}

void RelevanceTrack::columnMaxima(double firstSample, double samplesPerColumn, int columns, std::size_t begin,
                                  std::size_t end, std::uint8_t* out) const {
    if (columns <= 0) {
        return;
    }
    end = std::min(end, m_count);
    if (!(samplesPerColumn > 0.0) || !std::isfinite(firstSample) || begin >= end) {
        std::fill(out, out + columns, std::uint8_t{0});
        return;
    }
    // A little slack for positions computed from seconds × rate (1.2 s × 500 Hz may come out as 599.9999999).
    constexpr double eps = 1e-6;
    for (int k = 0; k < columns; ++k) {
        const double a = firstSample + k * samplesPerColumn;
        const double b = a + samplesPerColumn;
        const double lo = std::max(static_cast<double>(begin), std::floor(a + eps));
        const double hi = std::min(static_cast<double>(end), std::ceil(b - eps));
        out[k] =
            hi > lo ? maxIn(static_cast<std::size_t>(lo), static_cast<std::size_t>(hi)) : std::uint8_t{0};
    }
}

std::optional<std::pair<std::size_t, std::size_t>> RelevanceTrack::nonZeroExtent() const {
    if (m_levels.empty()) {
        return std::nullopt;
    }
    const std::vector<std::uint8_t>& l0 = m_levels.front();
    const std::size_t base = std::size_t{1} << kBaseShift;
    const auto firstBucket = std::find_if(l0.begin(), l0.end(), [](std::uint8_t v) { return v != 0; });
    if (firstBucket == l0.end()) {
        return std::nullopt;
    }
    const auto lastBucket = std::find_if(l0.rbegin(), l0.rend(), [](std::uint8_t v) { return v != 0; });
    std::size_t first = static_cast<std::size_t>(firstBucket - l0.begin()) * base;
    while (m_values[first] == 0)
        ++first;
    std::size_t last =
        std::min(m_count, (l0.size() - static_cast<std::size_t>(lastBucket - l0.rbegin())) * base);
    while (m_values[last - 1] == 0)
        --last;
    return std::make_pair(first, last);
}

std::size_t RelevanceTrack::memoryBytes() const {
    std::size_t n = 0;
    for (const auto& l : m_levels)
        n += l.capacity();
    return n;
}

// --- Matching
// -------------------------------------------------------------------------------------------------

std::optional<std::size_t> matchLead(const std::string& name, const std::vector<std::string>& channelLabels) {
    if (name.empty()) {
        return std::nullopt;
    }
    const std::string wanted = lowered(name);
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < channelLabels.size(); ++i) {
        if (lowered(channelLabels[i]) == wanted) {
            if (found) {
                return std::nullopt; // two channels carry the name: which one is meant cannot be told
            }
            found = i;
        }
    }
    return found;
}

PreparedOverlay::PreparedOverlay(EcgFindingOverlay overlay) : m_overlay(std::move(overlay)) {
    const EcgFindingOverlay& o = m_overlay;
    const bool anyRelevance = !o.relevanceLeads.empty() || o.relevanceBytes > 0 || o.relevanceSamples != 0;
    if (!anyRelevance) {
        return;
    }
    const std::size_t leads = o.relevanceLeads.size();
    if (o.relevanceSamples <= 0 || leads == 0) {
        m_shapeProblem = "the relevance attachment names " + std::to_string(leads) + " leads of " +
                         std::to_string(o.relevanceSamples) + " samples: no relevance band is drawn";
        return;
    }
    // leads ≤ 2^31 and samples < 2^63: compare without overflowing.
    const auto samples = static_cast<unsigned long long>(o.relevanceSamples);
    const bool fits = samples <= std::numeric_limits<std::size_t>::max() / leads &&
                      samples * leads == o.relevanceBytes && o.relevance != nullptr;
    if (!fits) {
        m_shapeProblem = "the relevance attachment holds " + std::to_string(o.relevanceBytes) +
                         " bytes, not " + std::to_string(leads) + " leads × " + std::to_string(samples) +
                         " samples: no relevance band is drawn";
        return;
    }
    m_tracks.reserve(leads);
    for (std::size_t i = 0; i < leads; ++i) {
        m_tracks.emplace_back(o.relevance + i * samples, static_cast<std::size_t>(samples));
    }
}

OverlayResolution PreparedOverlay::resolve(const std::vector<std::string>& channelLabels, std::size_t samples,
                                           double samplingHz) const {
    OverlayResolution r;
    const EcgFindingOverlay& o = m_overlay;
    const double duration = samplingHz > 0 ? static_cast<double>(samples) / samplingHz : 0.0;

    // Relevance: each lead named once, matched by name, drawn only when the sampling is the rhythm's.
    if (!m_shapeProblem.empty()) {
        r.problems.push_back(m_shapeProblem);
    } else if (!m_tracks.empty() && static_cast<unsigned long long>(o.relevanceSamples) != samples) {
        r.problems.push_back("the relevance attachment has " + std::to_string(o.relevanceSamples) +
                             " samples per lead, but this recording's rhythm has " + std::to_string(samples) +
                             ": no relevance band is drawn");
    }
    const bool bandsDrawable =
        !m_tracks.empty() && static_cast<unsigned long long>(o.relevanceSamples) == samples;
    std::vector<std::string> unmatchedRelevance;
    std::vector<std::string> namedTwice;
    for (std::size_t i = 0; i < o.relevanceLeads.size(); ++i) {
        const std::string& name = o.relevanceLeads[i];
        const std::string key = lowered(name);
        const auto same = std::count_if(o.relevanceLeads.begin(), o.relevanceLeads.end(),
                                        [&](const std::string& n) { return lowered(n) == key; });
        if (same > 1) {
            if (std::none_of(namedTwice.begin(), namedTwice.end(),
                             [&](const std::string& n) { return lowered(n) == key; })) {
                namedTwice.push_back(name);
            }
            continue;
        }
        const auto channel = matchLead(name, channelLabels);
        if (!channel) {
            unmatchedRelevance.push_back(name);
            continue;
        }
        if (bandsDrawable) {
            r.bands.push_back({*channel, i});
        }
    }
    if (!namedTwice.empty()) {
        r.problems.push_back("the relevance attachment names " + joined(namedTwice) +
                             " more than once: those bands are not drawn");
    }
    // Unmatched: no channel has the name, or several do (which one was meant cannot be told).
    auto ambiguous = [&](const std::string& name) {
        const std::string key = lowered(name);
        return !name.empty() && std::count_if(channelLabels.begin(), channelLabels.end(),
                                              [&](const std::string& l) { return lowered(l) == key; }) > 1;
    };
    auto report = [&](const std::vector<std::string>& names, const std::string& what,
                      const std::string& notDone) {
        std::vector<std::string> missing;
        std::vector<std::string> several;
        for (const std::string& n : names)
            (ambiguous(n) ? several : missing).push_back(n);
        if (!missing.empty()) {
            r.problems.push_back(what + joined(missing) + ": this recording has no such lead, so it is not " +
                                 notDone);
        }
        if (!several.empty()) {
            r.problems.push_back(what + joined(several) +
                                 ": several channels of this recording carry that name, so "
                                 "it is not " +
                                 notDone);
        }
    };
    report(unmatchedRelevance, "relevance for ", "drawn");

    // Region: a valid time range inside the recording, on leads the recording has.
    if (o.hasRegion) {
        std::vector<std::string> unmatchedRegion;
        for (const std::string& name : o.regionLeads) {
            if (const auto channel = matchLead(name, channelLabels)) {
                if (std::find(r.regionChannels.begin(), r.regionChannels.end(), *channel) ==
                    r.regionChannels.end()) {
                    r.regionChannels.push_back(*channel);
                }
            } else {
                unmatchedRegion.push_back(name);
            }
        }
        r.unmatchedLeads.insert(r.unmatchedLeads.end(), unmatchedRegion.begin(), unmatchedRegion.end());
        report(unmatchedRegion, "the region's ", "outlined there");
        const double a = o.startSeconds;
        const double b = o.endSeconds;
        if (!(std::isfinite(a) && std::isfinite(b) && a < b)) {
            r.problems.push_back("the region's time range (" + seconds(a) + "–" + seconds(b) +
                                 " s) is not a valid range: it is not outlined");
        } else if (b <= 0.0 || a >= duration) {
            r.problems.push_back("the region (" + seconds(a) + "–" + seconds(b) +
                                 " s) lies outside this recording (0–" + seconds(duration) +
                                 " s): it is not outlined");
        } else if (r.regionChannels.empty()) {
            if (o.regionLeads.empty())
                r.problems.emplace_back("the region names no lead: it is not outlined");
        } else {
            r.regionShown = true;
            r.regionStartSeconds = std::max(0.0, a);
            r.regionEndSeconds = std::min(duration, b);
            if (a < 0.0 || b > duration) {
                r.problems.push_back("the region (" + seconds(a) + "–" + seconds(b) +
                                     " s) runs past the recording (0–" + seconds(duration) +
                                     " s): it is outlined where the recording has data");
            }
        }
    }
    r.unmatchedLeads.insert(r.unmatchedLeads.begin(), unmatchedRelevance.begin(), unmatchedRelevance.end());

    if (r.regionShown) {
        r.focusSeconds = std::make_pair(r.regionStartSeconds, r.regionEndSeconds);
    } else if (samplingHz > 0) {
        std::optional<std::pair<std::size_t, std::size_t>> extent;
        for (const ResolvedBand& band : r.bands) {
            if (const auto e = m_tracks[band.trackIndex].nonZeroExtent()) {
                extent = extent ? std::make_pair(std::min(extent->first, e->first),
                                                 std::max(extent->second, e->second))
                                : *e;
            }
        }
        if (extent) {
            r.focusSeconds = std::make_pair(static_cast<double>(extent->first) / samplingHz,
                                            static_cast<double>(extent->second) / samplingHz);
        }
    }
    return r;
}

} // namespace veridicor::ecg
