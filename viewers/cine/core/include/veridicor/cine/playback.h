#pragma once

#include <veridicor/cine/timing.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace veridicor::cine {

/// A source of time in milliseconds. Playback never reads the system clock itself, so tests drive it with a
/// ManualClock and the view with a SteadyClock.
class Clock {
public:
    Clock() = default;
    Clock(const Clock&) = default;
    Clock& operator=(const Clock&) = default;
    Clock(Clock&&) = default;
    Clock& operator=(Clock&&) = default;
    virtual ~Clock() = default;
    [[nodiscard]] virtual double nowMs() const = 0;
};

/// std::chrono::steady_clock in milliseconds.
class SteadyClock final : public Clock {
public:
    [[nodiscard]] double nowMs() const override;
};

/// A clock that moves only when told to (tests, offline rendering).
class ManualClock final : public Clock {
public:
    [[nodiscard]] double nowMs() const override { return m_now; }
    void setMs(double t) { m_now = t; }
    void advanceMs(double dt) { m_now += dt; }

private:
    double m_now = 0.0;
};

enum class LoopMode {
    Once,   ///< play to the end mark and stop there
    Loop,   ///< from the end mark back to the start mark
    Bounce, ///< forward to the end mark, then backward to the start mark, and so on
};

/// Which frame of a clip is due at each moment, by the recorded timing (scaled by speed), between start/end
/// marks.
///
/// Playback follows the clock: when frames are not ready in time (decoding fell behind) they are skipped, not
/// waited for, and every frame that was due but never shown is counted as dropped.
class Playback {
public:
    Playback(FrameTiming timing, const Clock& clock);

    [[nodiscard]] const FrameTiming& timing() const { return m_timing; }
    [[nodiscard]] int frameCount() const { return m_timing.frameCount(); }

    void play();
    /// Stops the clock on the frame shown (the last one tick() showed).
    void pause();
    void togglePlay() { isPlaying() ? pause() : play(); }
    [[nodiscard]] bool isPlaying() const { return m_playing; }

    static constexpr double kMinSpeed = 0.25;
    static constexpr double kMaxSpeed = 2.0;
    /// Clamped to [kMinSpeed, kMaxSpeed]; playback continues from the frame due now.
    void setSpeed(double speed);
    [[nodiscard]] double speed() const { return m_speed; }

    void setLoopMode(LoopMode mode);
    [[nodiscard]] LoopMode loopMode() const { return m_mode; }

    /// Restricts playback to frames [first, last] (0-based, inclusive; swapped when reversed, clamped to the
    /// clip).
    void setMarks(int first, int last);
    void clearMarks() { setMarks(0, frameCount() - 1); }
    [[nodiscard]] int markStart() const { return m_first; }
    [[nodiscard]] int markEnd() const { return m_last; }

    /// Makes `frame` (clamped into the marks) the frame due now; playing continues from there.
    void seek(int frame);
    /// Pauses and moves `delta` frames from the frame shown (wrapping within the marks unless the mode is
    /// Once).
    void step(int delta);

    /// The frame due at clock time `nowMs` (no state changes).
    [[nodiscard]] int frameAt(double nowMs) const;
    /// The frame due now by the clock.
    [[nodiscard]] int currentFrame() const { return frameAt(m_clock.nowMs()); }
    /// Position of the frame due at `nowMs` along the playback path (frames since the path began, counting
    /// repeats): two due frames whose ordinals differ by k have k - 1 frames between them.
    [[nodiscard]] std::int64_t ordinalAt(double nowMs) const;
    /// Time into the clip (ms from frame 0) at `nowMs`.
    [[nodiscard]] double clipTimeMs(double nowMs) const;
    /// The next `count` frames in playback order (for decoding ahead), from the frame that will be due
    /// `leadMs` from now while playing (pass the time a frame takes to decode: a frame that would be ready
    /// only after it is due is not worth decoding), or from the frame due now while paused.
    [[nodiscard]] std::vector<int> upcoming(int count, double leadMs = 0.0) const;

    struct Tick {
        int frame = 0;         ///< the frame to show (the last one shown when the due one is not ready)
        bool changed = false;  ///< a different frame than at the previous tick
        int dropped = 0;       ///< frames counted as dropped at this tick
        bool late = false;     ///< the due frame was not ready
        bool finished = false; ///< Once mode reached the end mark and stopped
    };
    /// Called at each display refresh. Shows the frame due now when `ready(frame)` says it is decoded;
    /// otherwise keeps the frame shown. Frames passed over without being shown are added to droppedFrames().
    Tick tick(const std::function<bool(int)>& ready);

    /// The frame shown by the last tick (or the seek target before any tick), -1 before anything was shown.
    [[nodiscard]] int shownFrame() const { return m_shown; }
    [[nodiscard]] std::uint64_t droppedFrames() const { return m_dropped; }
    void resetDroppedFrames() { m_dropped = 0; }

private:
    [[nodiscard]] double pathPos(double nowMs) const;
    [[nodiscard]] double rangeMs() const;
    struct Where {
        int frame;
        std::int64_t ordinal;
        bool atEnd;
    };
    [[nodiscard]] Where locate(double pos) const;
    void reanchor(double pos);

    FrameTiming m_timing;
    const Clock& m_clock;
    bool m_playing = false;
    double m_speed = 1.0;
    LoopMode m_mode = LoopMode::Loop;
    int m_first = 0;
    int m_last = 0;
    double m_anchorWall = 0.0;
    double m_anchorPos = 0.0;
    int m_shown = -1;
    std::int64_t m_shownOrdinal = -1;
    std::uint64_t m_dropped = 0;
};

} // namespace veridicor::cine
