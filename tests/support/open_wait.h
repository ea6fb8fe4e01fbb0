#pragma once
// Waiting for a view's asynchronous open in tests (registry::StudyView: openInstance() returns at once, then
// opened() or failed()). Test code may wait; product code may not, and these helpers check that it does not:
// while they wait, a zero-interval probe timer records the deepest event-loop level it runs at. The helpers
// themselves wait with QCoreApplication::processEvents() — no QEventLoop — so any level above the one the
// test started at means that the product entered QEventLoop::exec() (a nested loop) during the open.

#include <veridicor/base/expected.h>
#include <veridicor/registry/study_view.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>

namespace veridicor::test {

/// Records the deepest QEventLoop nesting at which the GUI thread handles events while it lives.
class LoopDepthProbe {
public:
    LoopDepthProbe() : m_base(QThread::currentThread()->loopLevel()), m_deepest(m_base) {
        m_timer.setInterval(0);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_deepest = std::max(m_deepest, QThread::currentThread()->loopLevel());
            ++m_ticks;
        });
        m_timer.start();
    }
    /// Levels of QEventLoop::exec() entered above the one the probe was made at (0: none).
    [[nodiscard]] int nestedLevels() const { return m_deepest - m_base; }
    [[nodiscard]] int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    int m_base;
    int m_deepest;
    int m_ticks = 0;
};

/// Handles events without entering an event loop until `done()` or `ms` have passed; true when done.
inline bool pumpUntil(const std::function<bool()>& done, int ms = 30000) {
    const QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired()) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QThread::msleep(1);
    }
    return true;
}

/// Calls `start()` (which begins an open of `view`) and waits for its opened() or failed(). The error says
/// why not: the reader's reason (failed()), a signal emitted from within the call, more than one signal, a
/// nested event loop entered meanwhile, or no answer in `ms`.
inline Expected<void, QString> waitForOpen(registry::StudyView& view, const std::function<void()>& start,
                                           int ms = 30000) {
    QSignalSpy opened(&view, &registry::StudyView::opened);
    QSignalSpy failed(&view, &registry::StudyView::failed);
    LoopDepthProbe probe;
    start();
    if (opened.count() + failed.count() > 0) {
        return Unexpected(QStringLiteral("the view answered from within openInstance()"));
    }
    if (!view.isOpening()) {
        return Unexpected(QStringLiteral("the view says it is not opening right after openInstance()"));
    }
    if (!pumpUntil([&] { return opened.count() + failed.count() > 0; }, ms)) {
        return Unexpected(QStringLiteral("no opened() or failed() within %1 ms").arg(ms));
    }
    // A little longer: a second signal for the same open would be a bug too.
    QCoreApplication::processEvents();
    if (probe.nestedLevels() > 0) {
        return Unexpected(QStringLiteral("a nested event loop was entered during the open"));
    }
    if (opened.count() + failed.count() != 1) {
        return Unexpected(QStringLiteral("%1 opened() and %2 failed() for one open")
                              .arg(opened.count())
                              .arg(failed.count()));
    }
    if (view.isOpening()) {
        return Unexpected(QStringLiteral("the view still says it is opening after it answered"));
    }
    if (failed.count() == 1) {
        return Unexpected(failed.first().at(1).toString());
    }
    return {};
}

/// view.openFile(path) (the ECG and cine views), waited for as above.
template <class View> Expected<void, QString> openAndWait(View& view, const QString& path, int ms = 30000) {
    return waitForOpen(
        view, [&] { view.openFile(path); }, ms);
}

} // namespace veridicor::test
