// Playback against a fake clock: the frame shown at each time for recorded timing, speed, loop, bounce,
// marks, stepping; frames dropped (and counted) instead of slowing down when decoding falls behind, with the
// real frame cache and a decoder slowed on purpose.
#include <veridicor/cine/frame_cache.h>
#include <veridicor/cine/playback.h>

#include <QtTest>

#include <array>
#include <atomic>
#include <thread>

using namespace veridicor;

namespace {
const auto always = [](int) {
    return true;
};

cine::FrameTiming im00001Timing() {
    return cine::FrameTiming({33.333, 50, 33.333, 50, 50, 50, 33.333, 43.333},
                             cine::TimingSource::FrameTimeVector);
}
} // namespace

class TestCinePlayback : public QObject {
    Q_OBJECT
private slots:
    void frameShownAtEachTime() {
        cine::ManualClock clock;
        clock.setMs(1000);
        cine::Playback p(im00001Timing(), clock);
        p.play();
        struct Expected {
            double t;
            int frame;
        };
        const auto expected = std::to_array<Expected>({{0, 0},
                                                       {33.3, 0},
                                                       {33.4, 1},
                                                       {83.3, 1},
                                                       {83.4, 2},
                                                       {116.7, 3},
                                                       {166.7, 4},
                                                       {216.7, 5},
                                                       {266.7, 6},
                                                       {299.9, 6},
                                                       {300.0, 7},
                                                       {343.3, 7},
                                                       {343.4, 0},
                                                       {376.8, 1}});
        for (const auto& e : expected) {
            clock.setMs(1000 + e.t);
            QCOMPARE(p.frameAt(clock.nowMs()), e.frame);
            const auto tick = p.tick(always);
            QCOMPARE(tick.frame, e.frame);
        }
        QCOMPARE(p.droppedFrames(), std::uint64_t{0});
    }

    void speedScalesTimeAndIsClamped() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(10, 100, cine::TimingSource::FrameTime), clock);
        p.setSpeed(2.0);
        p.play();
        clock.advanceMs(250); // 500 ms of clip
        QCOMPARE(p.currentFrame(), 5);
        p.setSpeed(0.25);
        clock.advanceMs(400); // +100 ms of clip
        QCOMPARE(p.currentFrame(), 6);
        p.setSpeed(10.0);
        QCOMPARE(p.speed(), 2.0);
        p.setSpeed(0.01);
        QCOMPARE(p.speed(), 0.25);
    }

    void pauseHoldsAndStepMoves() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(5, 40, cine::TimingSource::FrameTime), clock);
        p.play();
        clock.advanceMs(90);
        QCOMPARE(p.tick(always).frame, 2);
        p.pause();
        clock.advanceMs(1000);
        QCOMPARE(p.currentFrame(), 2);
        p.step(1);
        QCOMPARE(p.tick(always).frame, 3);
        p.step(3); // wraps within the clip in Loop mode
        QCOMPARE(p.tick(always).frame, 1);
        p.step(-2);
        QCOMPARE(p.tick(always).frame, 4);
        QVERIFY(!p.isPlaying());
        p.play();
        clock.advanceMs(40);
        QCOMPARE(p.tick(always).frame, 0); // loops from 4 to 0
    }

    void pauseHoldsTheFrameOnScreen() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(10, 10, cine::TimingSource::FrameTime), clock);
        p.play();
        clock.advanceMs(25);
        QCOMPARE(p.tick(always).frame, 2);
        clock.advanceMs(21); // frame 4 is due, but no tick showed it
        p.pause();
        QCOMPARE(p.currentFrame(), 2);
        QCOMPARE(p.tick(always).frame, 2);
    }

    void bounceRunsForwardThenBackward() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(4, 10, cine::TimingSource::FrameTime), clock);
        p.setLoopMode(cine::LoopMode::Bounce);
        p.play();
        std::vector<int> seen;
        for (int i = 0; i < 16; ++i) {
            seen.push_back(p.tick(always).frame);
            clock.advanceMs(10);
        }
        QCOMPARE(seen, (std::vector<int>{0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0}));
        QCOMPARE(p.droppedFrames(), std::uint64_t{0});
    }

    void marksBoundPlaybackAndOnceStops() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(10, 10, cine::TimingSource::FrameTime), clock);
        p.setMarks(7, 3); // reversed: swapped
        QCOMPARE(p.markStart(), 3);
        QCOMPARE(p.markEnd(), 7);
        p.play();
        std::vector<int> seen;
        for (int i = 0; i < 7; ++i) {
            seen.push_back(p.tick(always).frame);
            clock.advanceMs(10);
        }
        QCOMPARE(seen, (std::vector<int>{3, 4, 5, 6, 7, 3, 4}));
        p.setLoopMode(cine::LoopMode::Once);
        p.seek(6);
        clock.advanceMs(15);
        QCOMPARE(p.tick(always).frame, 7);
        clock.advanceMs(100);
        const auto t = p.tick(always);
        QCOMPARE(t.frame, 7);
        QVERIFY(t.finished);
        QVERIFY(!p.isPlaying());
        QCOMPARE(p.upcoming(3), (std::vector<int>{7}));
    }

    void upcomingFollowsThePlaybackOrder() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(6, 10, cine::TimingSource::FrameTime), clock);
        p.seek(4);
        QCOMPARE(p.upcoming(4), (std::vector<int>{4, 5, 0, 1}));
        p.setLoopMode(cine::LoopMode::Bounce);
        p.seek(4);
        QCOMPARE(p.upcoming(6), (std::vector<int>{4, 5, 3, 2, 1, 0}));
    }

    void slowDisplayCountsDrops() {
        // 60 fps clip, a display that only refreshes every 50 ms: two of every three frames are never shown.
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(120, 1000.0 / 60.0, cine::TimingSource::FrameTime),
                         clock);
        p.play();
        p.tick(always);
        for (int i = 0; i < 20; ++i) {
            clock.advanceMs(50);
            p.tick(always);
        }
        QCOMPARE(p.shownFrame(), 60);
        QCOMPARE(p.droppedFrames(), std::uint64_t{40});
    }

    void lateFramesAreSkippedNotWaitedFor() {
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(10, 10, cine::TimingSource::FrameTime), clock);
        p.play();
        QCOMPARE(p.tick(always).frame, 0);
        clock.advanceMs(10);
        auto t = p.tick([](int f) { return f != 1; }); // frame 1 not decoded in time
        QVERIFY(t.late);
        QCOMPARE(t.frame, 0);
        clock.advanceMs(10);
        t = p.tick(always);
        QCOMPARE(t.frame, 2); // the clock moved on: frame 1 is dropped, not shown late
        QCOMPARE(t.dropped, 1);
        QCOMPARE(p.droppedFrames(), std::uint64_t{1});
    }

    void slowDecoderDropsFramesWithTheRealCache() {
        // A decoder that takes 30 ms per frame on one worker cannot keep up with 100 fps: the clock keeps its
        // pace, frames are dropped and counted, and every frame shown is one that was decoded.
        std::atomic<int> produced{0};
        auto slow = [&produced](int, const cine::WindowLevel&) -> Expected<cine::RgbImage, cine::Error> {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            ++produced;
            cine::RgbImage img;
            img.width = img.height = 1;
            img.pixels = {1, 2, 3};
            return img;
        };
        cine::FrameCache::Settings s;
        s.workers = 1;
        s.memoryBytes = 1000;
        cine::FrameCache cache(100, 3, slow, s, {});
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(100, 10, cine::TimingSource::FrameTime), clock);
        p.setLoopMode(cine::LoopMode::Once);
        p.play();
        int shown = 0;
        for (int i = 0; i < 100; ++i) {
            // Decode ahead by the time a frame takes to decode, as the view does.
            cache.setWanted(p.upcoming(8, cache.stats().meanDecodeMs * 1.5));
            const auto t = p.tick([&](int f) { return cache.isReady(f); });
            if (t.changed) {
                ++shown;
                QVERIFY(cache.isReady(t.frame));
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            clock.advanceMs(10);
        }
        QVERIFY2(p.droppedFrames() > 40, qPrintable(QString::number(p.droppedFrames())));
        QVERIFY(shown > 5);
        QCOMPARE(std::uint64_t(shown - 1) + p.droppedFrames() <= 100, true);
    }

    void fastDecoderDropsNothing() {
        auto fast = [](int, const cine::WindowLevel&) -> Expected<cine::RgbImage, cine::Error> {
            cine::RgbImage img;
            img.width = img.height = 1;
            img.pixels = {1, 2, 3};
            return img;
        };
        cine::FrameCache cache(30, 3, fast, {}, {});
        cine::ManualClock clock;
        cine::Playback p(cine::FrameTiming::uniform(30, 20, cine::TimingSource::FrameTime), clock);
        cache.setWanted(p.upcoming(30));
        QVERIFY(cache.waitFor(29, std::chrono::seconds(10)));
        p.play();
        for (int i = 0; i < 60; ++i) {
            cache.setWanted(p.upcoming(30));
            p.tick([&](int f) { return cache.isReady(f); });
            clock.advanceMs(10);
        }
        QCOMPARE(p.droppedFrames(), std::uint64_t{0});
    }

    void cacheStaysWithinItsBudget() {
        auto make = [](int, const cine::WindowLevel&) -> Expected<cine::RgbImage, cine::Error> {
            cine::RgbImage img;
            img.width = 10;
            img.height = 10;
            img.pixels.assign(300, 7);
            return img;
        };
        cine::FrameCache::Settings s;
        s.memoryBytes = std::size_t{300} * 5; // five frames
        cine::FrameCache cache(50, 300, make, s, {});
        QCOMPARE(cache.capacityFrames(), std::size_t{5});
        for (int start = 0; start < 50; start += 3) {
            std::vector<int> want;
            want.reserve(5);
            for (int k = 0; k < 5; ++k)
                want.push_back((start + k) % 50);
            cache.setWanted(want);
            QVERIFY(cache.waitFor(want.back(), std::chrono::seconds(10)));
            const auto st = cache.stats();
            QVERIFY(st.bytes <= std::size_t{300} * 5);
            QVERIFY(st.peakBytes <= std::size_t{300} * 5);
        }
        QVERIFY(cache.stats().evicted > 0);
    }
};

QTEST_GUILESS_MAIN(TestCinePlayback)
#include "tst_cine_playback.moc"
