#include <veridicor/cine/playback.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace veridicor::cine {

double SteadyClock::nowMs() const {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

Playback::Playback(FrameTiming timing, const Clock& clock)
    : m_timing(std::move(timing)), m_clock(clock), m_anchorWall(clock.nowMs()) {
    m_last = std::max(0, m_timing.frameCount() - 1);
}

double Playback::rangeMs() const {
    if (m_timing.frameCount() == 0) {
        return 0.0;
    }
    return m_timing.endMs(m_last) - m_timing.startMs(m_first);
}

double Playback::pathPos(double nowMs) const {
    const double p = m_anchorPos + (m_playing ? (nowMs - m_anchorWall) * m_speed : 0.0);
    return std::max(0.0, p);
}

Playback::Where Playback::locate(double pos) const {
    const int n = m_last - m_first + 1;
    const double len = rangeMs();
    if (m_timing.frameCount() == 0 || n <= 0 || len <= 0.0) {
        return {m_first, 0, true};
    }
    const double t0 = m_timing.startMs(m_first);
    auto clampFrame = [&](int f) {
        return std::clamp(f, m_first, m_last);
    };
    if (m_mode == LoopMode::Once) {
        if (pos >= len) {
            return {m_last, n - 1, true};
        }
        const int f = clampFrame(m_timing.frameAtMs(t0 + pos));
        return {f, f - m_first, false};
    }
    const double cycleD = std::floor(pos / len);
    const auto cycle = static_cast<std::int64_t>(cycleD);
    const double q = std::clamp(pos - cycleD * len, 0.0, len);
    if (m_mode == LoopMode::Loop || cycle % 2 == 0) {
        const int f = clampFrame(m_timing.frameAtMs(t0 + q));
        return {f, cycle * n + (f - m_first), false};
    }
    // Backward pass of Bounce: time runs from the end mark back to the start mark.
    const double t = t0 + len - q;
    const int f = clampFrame(m_timing.frameAtMs(std::nextafter(t, -std::numeric_limits<double>::infinity())));
    return {f, cycle * n + (m_last - f), false};
}

void Playback::reanchor(double pos) {
    const double len = rangeMs();
    if (len > 0.0) {
        switch (m_mode) {
        case LoopMode::Once:
            pos = std::clamp(pos, 0.0, len);
            break;
        case LoopMode::Loop:
            pos = std::fmod(std::max(pos, 0.0), len);
            break;
        case LoopMode::Bounce:
            pos = std::fmod(std::max(pos, 0.0), 2.0 * len);
            break;
        }
    } else {
        pos = 0.0;
    }
    m_anchorWall = m_clock.nowMs();
    m_anchorPos = pos;
    // The next tick shows the frame due from here on without counting the jump as dropped frames.
    m_shownOrdinal = locate(pos).ordinal - 1;
}

void Playback::play() {
    if (m_playing) {
        return;
    }
    double pos = m_anchorPos;
    if (m_mode == LoopMode::Once && pos >= rangeMs()) {
        pos = 0.0; // at the end: play again from the start mark
    }
    m_playing = true;
    reanchor(pos);
}

void Playback::pause() {
    if (!m_playing) {
        return;
    }
    const double pos = pathPos(m_clock.nowMs());
    m_playing = false;
    reanchor(pos);
    // Hold the frame on screen, not one that became due but was never shown.
    if (m_shown >= 0 && locate(m_anchorPos).frame != m_shown) {
        seek(m_shown);
    }
}

void Playback::setSpeed(double speed) {
    if (!std::isfinite(speed)) {
        return;
    }
    const double pos = pathPos(m_clock.nowMs());
    m_speed = std::clamp(speed, kMinSpeed, kMaxSpeed);
    reanchor(pos);
}

void Playback::setLoopMode(LoopMode mode) {
    const int f = currentFrame();
    m_mode = mode;
    seek(f);
}

void Playback::setMarks(int first, int last) {
    const int n = m_timing.frameCount();
    if (n == 0) {
        return;
    }
    if (first > last) {
        std::swap(first, last);
    }
    const int current = currentFrame();
    m_first = std::clamp(first, 0, n - 1);
    m_last = std::clamp(last, 0, n - 1);
    seek(std::clamp(current, m_first, m_last));
}

void Playback::seek(int frame) {
    if (m_timing.frameCount() == 0) {
        return;
    }
    frame = std::clamp(frame, m_first, m_last);
    // A hair into the frame so that rounding never lands on the one before.
    const double pos = m_timing.startMs(frame) - m_timing.startMs(m_first) + 1e-6;
    reanchor(pos);
}

void Playback::step(int delta) {
    pause();
    const int n = m_last - m_first + 1;
    if (n <= 0) {
        return;
    }
    const int cur = m_shown >= 0 ? m_shown : currentFrame();
    int next = cur + delta;
    if (m_mode == LoopMode::Once) {
        next = std::clamp(next, m_first, m_last);
    } else {
        next = m_first + (((next - m_first) % n) + n) % n;
    }
    seek(next);
}

int Playback::frameAt(double nowMs) const {
    return locate(pathPos(nowMs)).frame;
}

std::int64_t Playback::ordinalAt(double nowMs) const {
    return locate(pathPos(nowMs)).ordinal;
}

double Playback::clipTimeMs(double nowMs) const {
    const int f = frameAt(nowMs);
    return m_timing.frameCount() == 0 ? 0.0 : m_timing.startMs(f);
}

std::vector<int> Playback::upcoming(int count, double leadMs) const {
    std::vector<int> out;
    const int n = m_last - m_first + 1;
    if (n <= 0 || count <= 0) {
        return out;
    }
    const double lead = m_playing && std::isfinite(leadMs) ? std::clamp(leadMs, 0.0, 10000.0) : 0.0;
    const Where w = locate(pathPos(m_clock.nowMs() + lead));
    std::vector<bool> seen(static_cast<std::size_t>(m_timing.frameCount()), false);
    const int want = std::min(count, n);
    // Walk the path ordinal by ordinal: it visits every frame of the marks within 2n steps.
    for (std::int64_t k = w.ordinal;
         static_cast<int>(out.size()) < want && k < w.ordinal + 2 * std::int64_t{n} + 1; ++k) {
        int f = 0;
        const std::int64_t cycle = k / n;
        const int r = static_cast<int>(k % n);
        switch (m_mode) {
        case LoopMode::Once:
            f = static_cast<int>(std::min<std::int64_t>(m_first + k, m_last));
            break;
        case LoopMode::Loop:
            f = m_first + r;
            break;
        case LoopMode::Bounce:
            f = cycle % 2 == 0 ? m_first + r : m_last - r;
            break;
        }
        if (!seen[static_cast<std::size_t>(f)]) {
            seen[static_cast<std::size_t>(f)] = true;
            out.push_back(f);
        }
        if (m_mode == LoopMode::Once && f == m_last) {
            break;
        }
    }
    return out;
}

Playback::Tick Playback::tick(const std::function<bool(int)>& ready) {
    Tick t;
    const double now = m_clock.nowMs();
    const Where w = locate(pathPos(now));
    if (m_mode == LoopMode::Once && w.atEnd && m_playing) {
        m_playing = false;
        m_anchorPos = rangeMs();
        m_anchorWall = now;
        t.finished = true;
    }
    t.frame = m_shown;
    if (w.ordinal == m_shownOrdinal && w.frame == m_shown) {
        return t;
    }
    if (!ready(w.frame)) {
        t.late = true;
        return t;
    }
    if (w.ordinal > m_shownOrdinal + 1) {
        t.dropped = static_cast<int>(std::min<std::int64_t>(w.ordinal - m_shownOrdinal - 1, 1 << 30));
        m_dropped += static_cast<std::uint64_t>(t.dropped);
    }
    t.changed = w.frame != m_shown;
    m_shown = w.frame;
    m_shownOrdinal = w.ordinal;
    t.frame = m_shown;
    return t;
}

} // namespace veridicor::cine
