#include <veridicor/ecg/envelope.h>

#include <algorithm>
#include <cmath>

namespace veridicor::ecg {

SampleSpan SampleSpan::fromRaw(const std::int32_t* raw, std::size_t count, double scale, double offset) {
    SampleSpan s;
    s.m_raw = raw;
    s.m_count = raw != nullptr ? count : 0;
    s.m_scale = scale;
    s.m_offset = offset;
    return s;
}

SampleSpan SampleSpan::fromFloats(const float* values, std::size_t count) {
    SampleSpan s;
    s.m_values = values;
    s.m_count = values != nullptr ? count : 0;
    return s;
}

MinMax SampleSpan::scan(std::size_t first, std::size_t last) const {
    MinMax mm;
    last = std::min(last, m_count);
    if (first >= last) {
        return mm;
    }
    if (m_values != nullptr) {
        for (std::size_t i = first; i < last; ++i) {
            mm.add(m_values[i]); // NaN compares false: ignored
        }
        return mm;
    }
    // The scaling is linear, and rounding to float is monotonic: the extremes of the scaled values are the
    // scaled extremes of the integers (swapped when the scale is negative). Integer min/max vectorises.
    std::int32_t lo = m_raw[first];
    std::int32_t hi = m_raw[first];
    for (std::size_t i = first + 1; i < last; ++i) {
        lo = std::min(lo, m_raw[i]);
        hi = std::max(hi, m_raw[i]);
    }
    const auto a = static_cast<float>(lo * m_scale + m_offset);
    const auto b = static_cast<float>(hi * m_scale + m_offset);
    mm.min = std::min(a, b);
    mm.max = std::max(a, b);
    return mm;
}

EnvelopePyramid::EnvelopePyramid(SampleSpan samples, unsigned baseShift, const std::atomic<bool>* cancel)
    : m_samples(samples), m_baseShift(std::clamp(baseShift, 1U, 20U)) {
    const std::size_t n = m_samples.size();
    const std::size_t base = std::size_t{1} << m_baseShift;
    if (n == 0) {
        return;
    }
    // Level 0 straight from the samples (no copy of them is made); each further level halves the previous
    // one.
    std::vector<MinMax> level((n + base - 1) / base);
    for (std::size_t b = 0; b < level.size(); ++b) {
        if (cancel != nullptr && (b & 0xFFFF) == 0 && cancel->load(std::memory_order_relaxed)) {
            return;
        }
        level[b] = m_samples.scan(b * base, (b + 1) * base);
    }
    m_levels.push_back(std::move(level));
    while (m_levels.back().size() > 1) {
        const std::vector<MinMax>& prev = m_levels.back();
        std::vector<MinMax> next((prev.size() + 1) / 2);
        for (std::size_t b = 0; b < next.size(); ++b) {
            next[b] = prev[2 * b];
            if (2 * b + 1 < prev.size()) {
                next[b].add(prev[2 * b + 1]);
            }
        }
        m_levels.push_back(std::move(next));
    }
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        m_levels.clear();
    }
}

int EnvelopePyramid::levelFor(double samplesPerColumn) const {
    int best = -1;
    for (std::size_t k = 0; k < m_levels.size(); ++k) {
        if (static_cast<double>(bucketSamples(k)) <= samplesPerColumn) {
            best = static_cast<int>(k);
        }
    }
    return best;
}

MinMax EnvelopePyramid::range(std::size_t first, std::size_t last) const {
    const std::size_t n = m_samples.size();
    last = std::min(last, n);
    if (first >= last) {
        return {};
    }
    const std::size_t base = std::size_t{1} << m_baseShift;
    if (m_levels.empty() || last - first < 2 * base) {
        return m_samples.scan(first, last);
    }
    // Samples up to the first bucket boundary and after the last one are read directly; the aligned middle is
    // covered like a segment tree: at each level take the odd bucket at either end and move one level up.
    MinMax mm;
    const std::size_t alignedFirst = (first + base - 1) / base * base;
    const std::size_t alignedLast = last / base * base;
    mm.add(m_samples.scan(first, alignedFirst));
    mm.add(m_samples.scan(alignedLast, last));
    std::size_t a = alignedFirst / base;
    std::size_t c = alignedLast / base;
    for (std::size_t k = 0; a < c && k < m_levels.size(); ++k) {
        const std::vector<MinMax>& lv = m_levels[k];
        if ((a & 1U) != 0) {
            mm.add(lv[a++]);
        }
        if ((c & 1U) != 0) {
            mm.add(lv[--c]);
        }
        a >>= 1U;
        c >>= 1U;
    }
    return mm;
}

TraceMode EnvelopePyramid::appendTrace(double firstSample, double samplesPerColumn, int columns,
                                       std::vector<TracePoint>& out, std::size_t endSample) const {
    const std::size_t n = std::min(m_samples.size(), endSample);
    if (columns <= 0 || n == 0 || !(samplesPerColumn > 0.0) || !std::isfinite(firstSample)) {
        return samplesPerColumn <= kSampleModeMaxPerColumn ? TraceMode::Samples : TraceMode::Envelope;
    }
    const double end = firstSample + samplesPerColumn * columns;
    if (samplesPerColumn <= kSampleModeMaxPerColumn) {
        // Every sample whose position falls in [firstSample, end), at its exact position.
        const double lo = std::max(0.0, std::ceil(firstSample));
        const double hi = std::min(static_cast<double>(n), std::ceil(end)); // exclusive
        // lo and hi are whole numbers, 0 <= lo < hi <= n when any sample falls in: an integer counts the same
        // positions.
        if (hi > lo) {
            const auto last = static_cast<std::size_t>(hi);
            for (auto idx = static_cast<std::size_t>(lo); idx < last; ++idx) {
                const auto i = static_cast<double>(idx);
                out.push_back({static_cast<float>((i - firstSample) / samplesPerColumn), m_samples[idx]});
            }
        }
        return TraceMode::Samples;
    }
    // Column c holds the samples i with firstSample + c·spc ≤ i < firstSample + (c+1)·spc.
    const auto bound = [&](int c) {
        const double pos = std::ceil(firstSample + samplesPerColumn * c);
        return static_cast<std::size_t>(std::clamp(pos, 0.0, static_cast<double>(n)));
    };
    int c0 = 0;
    if (firstSample < 0) {
        c0 = static_cast<int>(
            std::clamp(std::floor(-firstSample / samplesPerColumn), 0.0, static_cast<double>(columns)));
    }
    std::size_t a = bound(c0);
    for (int c = c0; c < columns; ++c) {
        const std::size_t b = bound(c + 1);
        if (a >= n) {
            break;
        }
        if (b > a) {
            const MinMax mm = range(a, b);
            const float x = static_cast<float>(c) + 0.5F;
            if (mm.empty()) {
                // No data in this column (padding): one break point, however long the gap.
                if (out.empty() || !std::isnan(out.back().y)) {
                    out.push_back({x, std::numeric_limits<float>::quiet_NaN()});
                }
            } else if (m_samples[b - 1] >= m_samples[a]) {
                out.push_back({x, mm.min});
                out.push_back({x, mm.max});
            } else {
                out.push_back({x, mm.max});
                out.push_back({x, mm.min});
            }
        }
        a = b;
    }
    return TraceMode::Envelope;
}

std::size_t EnvelopePyramid::memoryBytes() const {
    std::size_t bytes = 0;
    for (const auto& lv : m_levels) {
        bytes += lv.capacity() * sizeof(MinMax);
    }
    return bytes;
}

} // namespace veridicor::ecg
