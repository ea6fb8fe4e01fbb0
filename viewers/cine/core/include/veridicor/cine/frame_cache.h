#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/cine/error.h>
#include <veridicor/cine/image.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace veridicor::cine {

/// One frame ready for display, or the reason it cannot be shown.
struct CachedFrame {
    int index = 0;
    std::shared_ptr<const RgbImage> image; ///< null when the frame is bad
    std::optional<Error> error;            ///< why the frame cannot be shown
    double decodeMs = 0.0;
    [[nodiscard]] bool isBad() const { return !image; }
};

/// Decodes frames on worker threads ahead of the playhead into memory bounded by a byte budget.
///
/// The view tells the cache which frames it wants, most urgent first (Playback::upcoming()); workers decode
/// them in that order while the budget allows, evicting frames that are no longer wanted. Bad frames are
/// remembered with their error (they cost no budget). Thread-safe; the ready callback runs on a worker
/// thread.
class FrameCache {
public:
    /// Produces one display frame; called on worker threads, concurrently.
    using Producer = std::function<Expected<RgbImage, Error>(int frame, const WindowLevel& window)>;

    struct Settings {
        std::size_t memoryBytes = std::size_t{256} << 20; ///< budget for decoded frames
        int workers = 0;                                  ///< 0: one per core but one, at least 1, at most 4
    };

    struct Stats {
        std::size_t capacityFrames = 0;
        std::size_t cachedFrames = 0;
        std::size_t bytes = 0;
        std::size_t peakBytes = 0;
        std::uint64_t decoded = 0;
        std::uint64_t failed = 0;
        std::uint64_t evicted = 0;
        double meanDecodeMs = 0.0;
        int workers = 0;
    };

    FrameCache(int frameCount, std::size_t frameBytes, Producer producer, Settings settings,
               WindowLevel window);
    ~FrameCache();
    FrameCache(const FrameCache&) = delete;
    FrameCache& operator=(const FrameCache&) = delete;
    FrameCache(FrameCache&&) = delete;
    FrameCache& operator=(FrameCache&&) = delete;

    /// Frames to decode, most urgent first; at most capacityFrames() are kept, the rest is ignored.
    void setWanted(const std::vector<int>& frames);
    /// The frame if it is decoded (or known bad), else null.
    [[nodiscard]] std::shared_ptr<const CachedFrame> get(int frame) const;
    [[nodiscard]] bool isReady(int frame) const { return get(frame) != nullptr; }
    /// Waits until the frame is ready (or the timeout passes); it must be wanted.
    std::shared_ptr<const CachedFrame> waitFor(int frame, std::chrono::milliseconds timeout) const;

    /// Changes the display window: decoded frames are dropped and decoded again (bad frames stay bad).
    void setWindow(const WindowLevel& window);
    [[nodiscard]] WindowLevel window() const;

    /// Called on a worker thread after each frame is ready (or found bad). Set before frames are wanted.
    void setReadyCallback(std::function<void(int)> callback);

    [[nodiscard]] std::size_t capacityFrames() const { return m_capacity; }
    [[nodiscard]] Stats stats() const;

private:
    void run();
    bool pickLocked(int& frame);

    const int m_frameCount;
    const std::size_t m_frameBytes;
    const std::size_t m_capacity;
    Producer m_producer;

    mutable std::mutex m_mutex;
    mutable std::condition_variable m_wake;  ///< workers: work to do or stop
    mutable std::condition_variable m_ready; ///< waitFor(): a frame arrived
    bool m_stop = false;
    WindowLevel m_window;
    std::uint64_t m_generation = 0;
    std::vector<int> m_wanted;
    std::vector<std::uint64_t> m_wantRank; ///< per frame: position in m_wanted, or UINT64_MAX
    std::map<int, std::shared_ptr<const CachedFrame>> m_frames;
    std::map<int, std::shared_ptr<const CachedFrame>> m_bad;
    std::vector<bool> m_inFlight;
    std::function<void(int)> m_onReady;
    Stats m_stats;
    double m_decodeMsTotal = 0.0;
    std::vector<std::thread> m_threads;
};

} // namespace veridicor::cine
