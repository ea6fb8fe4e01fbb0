#include <veridicor/cine/frame_cache.h>

#include <algorithm>
#include <limits>

namespace veridicor::cine {

namespace {
constexpr std::uint64_t kNotWanted = std::numeric_limits<std::uint64_t>::max();
}

FrameCache::FrameCache(int frameCount, std::size_t frameBytes, Producer producer, Settings settings,
                       WindowLevel window)
    : m_frameCount(std::max(frameCount, 0)), m_frameBytes(std::max<std::size_t>(frameBytes, 1)),
      m_capacity(std::max<std::size_t>(2, settings.memoryBytes / std::max<std::size_t>(frameBytes, 1))),
      m_producer(std::move(producer)), m_window(window),
      m_wantRank(static_cast<std::size_t>(m_frameCount), kNotWanted),
      m_inFlight(static_cast<std::size_t>(m_frameCount), false) {
    int workers = settings.workers;
    if (workers <= 0) {
        const int hw = static_cast<int>(std::thread::hardware_concurrency());
        workers = std::clamp(hw - 1, 1, 4);
    }
    m_stats.workers = workers;
    m_stats.capacityFrames = m_capacity;
    for (int i = 0; i < workers; ++i) {
        m_threads.emplace_back([this] { run(); });
    }
}

FrameCache::~FrameCache() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void FrameCache::setReadyCallback(std::function<void(int)> callback) {
    std::lock_guard lock(m_mutex);
    m_onReady = std::move(callback);
}

void FrameCache::setWanted(const std::vector<int>& frames) {
    {
        std::lock_guard lock(m_mutex);
        std::fill(m_wantRank.begin(), m_wantRank.end(), kNotWanted);
        m_wanted.clear();
        for (int f : frames) {
            if (f < 0 || f >= m_frameCount || m_wantRank[static_cast<std::size_t>(f)] != kNotWanted) {
                continue;
            }
            if (m_wanted.size() >= m_capacity) {
                break;
            }
            m_wantRank[static_cast<std::size_t>(f)] = m_wanted.size();
            m_wanted.push_back(f);
        }
    }
    m_wake.notify_all();
}

std::shared_ptr<const CachedFrame> FrameCache::get(int frame) const {
    std::lock_guard lock(m_mutex);
    if (auto it = m_frames.find(frame); it != m_frames.end()) {
        return it->second;
    }
    if (auto it = m_bad.find(frame); it != m_bad.end()) {
        return it->second;
    }
    return nullptr;
}

std::shared_ptr<const CachedFrame> FrameCache::waitFor(int frame, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    std::shared_ptr<const CachedFrame> out;
    m_ready.wait_for(lock, timeout, [&] {
        if (auto it = m_frames.find(frame); it != m_frames.end()) {
            out = it->second;
        } else if (auto b = m_bad.find(frame); b != m_bad.end()) {
            out = b->second;
        }
        return out != nullptr;
    });
    return out;
}

void FrameCache::setWindow(const WindowLevel& window) {
    {
        std::lock_guard lock(m_mutex);
        if (window == m_window) {
            return;
        }
        m_window = window;
        ++m_generation;
        m_frames.clear();
        m_stats.bytes = 0;
    }
    m_wake.notify_all();
}

WindowLevel FrameCache::window() const {
    std::lock_guard lock(m_mutex);
    return m_window;
}

FrameCache::Stats FrameCache::stats() const {
    std::lock_guard lock(m_mutex);
    Stats s = m_stats;
    s.cachedFrames = m_frames.size();
    s.meanDecodeMs = s.decoded + s.failed > 0 ? m_decodeMsTotal / double(s.decoded + s.failed) : 0.0;
    return s;
}

bool FrameCache::pickLocked(int& frame) {
    // The most urgent wanted frame that is neither decoded, known bad, nor being decoded.
    std::size_t busy = 0;
    for (bool b : m_inFlight)
        busy += b ? 1 : 0;
    for (int f : m_wanted) {
        const auto i = static_cast<std::size_t>(f);
        if (m_inFlight[i] || m_frames.count(f) != 0 || m_bad.count(f) != 0) {
            continue;
        }
        // Room: under capacity, or a decoded frame that is wanted later than this one (or not at all) to
        // evict.
        if (m_frames.size() + busy >= m_capacity) {
            int victim = -1;
            std::uint64_t worst = m_wantRank[i];
            for (const auto& [g, _] : m_frames) {
                const std::uint64_t r = m_wantRank[static_cast<std::size_t>(g)];
                if (r > worst || (r == kNotWanted && victim < 0)) {
                    worst = r;
                    victim = g;
                }
            }
            if (victim < 0) {
                return false;
            }
            m_frames.erase(victim);
            m_stats.bytes -= std::min(m_stats.bytes, m_frameBytes);
            ++m_stats.evicted;
        }
        frame = f;
        return true;
    }
    return false;
}

void FrameCache::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        int frame = -1;
        m_wake.wait(lock, [&] { return m_stop || pickLocked(frame); });
        if (m_stop) {
            return;
        }
        m_inFlight[static_cast<std::size_t>(frame)] = true;
        const std::uint64_t generation = m_generation;
        const WindowLevel window = m_window;
        lock.unlock();

        const auto t0 = std::chrono::steady_clock::now();
        auto produced = m_producer(frame, window);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        auto entry = std::make_shared<CachedFrame>();
        entry->index = frame;
        entry->decodeMs = ms;
        if (produced) {
            entry->image = std::make_shared<const RgbImage>(std::move(*produced));
        } else {
            entry->error = produced.error();
        }

        lock.lock();
        m_inFlight[static_cast<std::size_t>(frame)] = false;
        m_decodeMsTotal += ms;
        std::function<void(int)> callback;
        if (!entry->image) {
            ++m_stats.failed;
            m_bad[frame] = std::move(entry);
            callback = m_onReady;
        } else {
            ++m_stats.decoded;
            if (generation == m_generation) {
                m_frames[frame] = std::move(entry);
                m_stats.bytes += m_frameBytes;
                m_stats.peakBytes = std::max(m_stats.peakBytes, m_stats.bytes);
                callback = m_onReady;
            }
        }
        m_ready.notify_all();
        if (callback) {
            lock.unlock();
            callback(frame);
            lock.lock();
        }
        // Another worker may now find room or a new frame to decode.
        m_wake.notify_all();
    }
}

} // namespace veridicor::cine
