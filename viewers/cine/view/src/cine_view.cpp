#include <veridicor/cine_view/cine_view.h>

#include <veridicor/cine/ejection_fraction.h>
#include <veridicor/cine/heatmap.h>
#include <veridicor/dicom/sop_classes.h>

#include <QComboBox>
#include <QKeySequence>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QSettings>
#include <QStyleOptionSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace veridicor::cine {

// ---- FrameSlider ----

FrameSlider::FrameSlider(QWidget* parent) : QSlider(Qt::Horizontal, parent) {
    setMinimumHeight(28);
    setTracking(true);
}

void FrameSlider::setMarks(int first, int last) {
    m_first = first;
    m_last = last;
    update();
}

void FrameSlider::setBadFrames(std::set<int> frames) {
    m_bad = std::move(frames);
    update();
}

void FrameSlider::paintEvent(QPaintEvent* e) {
    QSlider::paintEvent(e);
    if (maximum() <= minimum())
        return;
    QStyleOptionSlider opt;
    initStyleOption(&opt);
    const QRect groove = style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderGroove, this);
    const QRect handle = style()->subControlRect(QStyle::CC_Slider, &opt, QStyle::SC_SliderHandle, this);
    const int x0 = groove.left() + handle.width() / 2;
    const int span = groove.width() - handle.width();
    auto xOf = [&](int v) {
        return x0 + QStyle::sliderPositionFromValue(minimum(), maximum(), v, span);
    };
    QPainter p(this);
    if (m_first >= 0 && m_last >= 0 && (m_first > minimum() || m_last < maximum())) {
        p.fillRect(QRect(QPoint(xOf(m_first), height() - 5), QPoint(xOf(m_last), height() - 2)),
                   QColor(60, 160, 255));
        p.setPen(QPen(QColor(60, 160, 255), 2));
        p.drawLine(xOf(m_first), 2, xOf(m_first), height() - 2);
        p.drawLine(xOf(m_last), 2, xOf(m_last), height() - 2);
    }
    p.setPen(QPen(QColor(230, 50, 40), 2));
    for (int f : m_bad) {
        p.drawLine(xOf(f), 1, xOf(f), 8);
    }
}

// ---- HeatmapLegend ----

namespace {

/// The relevance colour map from 0 (left) to 1 (right), drawn with its alpha over a checkerboard so that its
/// transparency at 0 shows.
class HeatmapLegend final : public QWidget {
public:
    explicit HeatmapLegend(QWidget* parent) : QWidget(parent) {
        setFixedSize(160, 14);
        setToolTip(tr("Relevance from 0 (transparent) to 1"));
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        const int h = height(), w = width();
        for (int x = 0; x < w; x += h / 2) {
            for (int y = 0; y < h; y += h / 2) {
                p.fillRect(x, y, h / 2, h / 2,
                           ((x + y) / (h / 2)) % 2 == 0 ? QColor(70, 70, 70) : QColor(130, 130, 130));
            }
        }
        const auto& table = heatmapColourTable();
        for (int x = 0; x < w; ++x) {
            const Rgba8& c = table[std::size_t(std::lround(255.0 * x / (w - 1)))];
            p.fillRect(x, 0, 1, h, QColor(c.r, c.g, c.b, c.a));
        }
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(0, 0, w - 1, h - 1);
    }
};

} // namespace

// ---- CineView ----

std::vector<registry::KeyHelp> CineViewerFactory::keyboardShortcuts() const {
    // The keys of CineView::keyPressEvent and CineCanvas::keyPressEvent: keep in step with them.
    auto key = [](int k) {
        return QKeySequence(k).toString(QKeySequence::NativeText);
    };
    return {
        {key(Qt::Key_Space), QObject::tr("Play / pause")},
        {key(Qt::Key_Left) + QStringLiteral(" / ") + key(Qt::Key_Right),
         QObject::tr("Previous / next frame")},
        {key(Qt::Key_F), QObject::tr("Fit the image to the view")},
        {key(Qt::Key_1), QObject::tr("One image pixel per screen pixel")},
        {key(Qt::Key_Return), QObject::tr("Close the area being drawn")},
        {key(Qt::Key_Escape), QObject::tr("Discard the area being drawn")},
        {QObject::tr("Wheel"), QObject::tr("Zoom")},
    };
}

std::vector<std::string> CineViewerFactory::sopClasses() const {
    using namespace dicom::sop;
    return {std::string(UltrasoundMultiframe),     std::string(UltrasoundImage),
            std::string(EnhancedUsVolume),         std::string(SecondaryCapture),
            std::string(MultiframeTrueColorSc),    std::string(MultiframeGrayscaleByteSc),
            std::string(MultiframeGrayscaleWordSc)};
}

std::size_t CineView::cacheBudgetBytes() {
    QSettings settings;
    const int mb = std::clamp(settings.value(QStringLiteral("cine/cacheMegabytes"), 512).toInt(), 64, 16384);
    return std::size_t(mb) << 20;
}

CineView::CineView(QWidget* parent) : registry::StudyView(parent) {
    buildUi();
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &CineView::onTick);
    m_windowDebounce.setSingleShot(true);
    m_windowDebounce.setInterval(15);
    connect(&m_windowDebounce, &QTimer::timeout, this, [this] { setWindow(m_pendingWindow); });
}

CineView::~CineView() {
    close();
    m_findings->clear(); // while the canvas' scene is still there
}

void CineView::buildUi() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_canvas = new CineCanvas(this);
    layout->addWidget(m_canvas, 1);
    connect(m_canvas, &CineCanvas::windowLevelDragged, this, &CineView::onWindowDrag);
    connect(m_canvas, &CineCanvas::measurementAdded, this, [this](const QString& label) {
        emit statusMessage(label);
        emit measurementsChanged();
    });
    connect(m_canvas, &CineCanvas::measurementsCleared, this, [this] {
        // The ED and ES traces were measurements too: they go with them (and with another clip).
        m_ed.reset();
        m_es.reset();
        m_efProblem.clear();
        if (m_efLabel != nullptr)
            refreshEjectionFraction();
        emit measurementsChanged();
    });

    auto* row1 = new QHBoxLayout;
    row1->setContentsMargins(6, 0, 6, 0);
    auto makeButton = [this](const QString& text, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    auto* back = makeButton(QStringLiteral("◀|"), tr("Previous frame (Left)"));
    m_playButton = makeButton(tr("Play"), tr("Play / pause (Space)"));
    auto* fwd = makeButton(QStringLiteral("|▶"), tr("Next frame (Right)"));
    connect(back, &QToolButton::clicked, this, [this] { stepFrames(-1); });
    connect(fwd, &QToolButton::clicked, this, [this] { stepFrames(1); });
    connect(m_playButton, &QToolButton::clicked, this, [this] { isPlaying() ? pause() : play(); });
    m_slider = new FrameSlider(this);
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        if (!m_updatingSlider)
            seekFrame(v);
    });
    m_frameLabel = new QLabel(this);
    m_frameLabel->setMinimumWidth(90);
    row1->addWidget(back);
    row1->addWidget(m_playButton);
    row1->addWidget(fwd);
    row1->addWidget(m_slider, 1);
    row1->addWidget(m_frameLabel);
    layout->addLayout(row1);

    auto* row2 = new QHBoxLayout;
    row2->setContentsMargins(6, 0, 6, 4);
    m_loopCombo = new QComboBox(this);
    m_loopCombo->addItem(tr("Loop"), int(LoopMode::Loop));
    m_loopCombo->addItem(tr("Bounce"), int(LoopMode::Bounce));
    m_loopCombo->addItem(tr("Once"), int(LoopMode::Once));
    connect(m_loopCombo, &QComboBox::activated, this,
            [this](int i) { setLoopMode(static_cast<LoopMode>(m_loopCombo->itemData(i).toInt())); });
    m_speedCombo = new QComboBox(this);
    for (double s : {0.25, 0.5, 1.0, 1.5, 2.0}) {
        m_speedCombo->addItem(QStringLiteral("%1×").arg(s), s);
    }
    m_speedCombo->setCurrentIndex(2);
    connect(m_speedCombo, &QComboBox::activated, this,
            [this](int i) { setSpeed(m_speedCombo->itemData(i).toDouble()); });
    auto* markStart = makeButton(tr("Start mark"), tr("Mark the shown frame as the start of the loop"));
    auto* markEnd = makeButton(tr("End mark"), tr("Mark the shown frame as the end of the loop"));
    auto* clear = makeButton(tr("Clear marks"), tr("Play the whole clip"));
    connect(markStart, &QToolButton::clicked, this, &CineView::markStartHere);
    connect(markEnd, &QToolButton::clicked, this, &CineView::markEndHere);
    connect(clear, &QToolButton::clicked, this, &CineView::clearMarks);
    row2->addWidget(m_loopCombo);
    row2->addWidget(m_speedCombo);
    row2->addWidget(markStart);
    row2->addWidget(markEnd);
    row2->addWidget(clear);
    row2->addSpacing(12);
    const std::array<const char*, 4> toolNames = {QT_TR_NOOP("Pan"), QT_TR_NOOP("W/L"),
                                                  QT_TR_NOOP("Distance"), QT_TR_NOOP("Area")};
    for (int i = 0; i < 4; ++i) {
        auto* b = makeButton(tr(toolNames[i]), {});
        b->setCheckable(true);
        b->setAutoExclusive(true);
        connect(b, &QToolButton::clicked, this,
                [this, i] { m_canvas->setTool(static_cast<CineCanvas::Tool>(i)); });
        m_toolButtons[i] = b;
        row2->addWidget(b);
    }
    m_toolButtons[0]->setChecked(true);
    auto* clearMeasurements = makeButton(tr("Clear"), tr("Remove the measurements"));
    connect(clearMeasurements, &QToolButton::clicked, m_canvas, &CineCanvas::clearMeasurements);
    auto* fit = makeButton(tr("Fit"), tr("Fit the image to the view"));
    auto* one = makeButton(tr("1:1"), tr("One image pixel per screen pixel"));
    connect(fit, &QToolButton::clicked, m_canvas, &CineCanvas::fit);
    connect(one, &QToolButton::clicked, m_canvas, &CineCanvas::oneToOne);
    row2->addWidget(clearMeasurements);
    row2->addWidget(fit);
    row2->addWidget(one);
    row2->addStretch(1);
    m_heartRateLabel = new QLabel(this);
    m_frameTimeLabel = new QLabel(this);
    m_droppedLabel = new QLabel(this);
    // Fixed widths: changing text never re-lays out the row while playing.
    m_frameTimeLabel->setMinimumWidth(
        m_frameTimeLabel->fontMetrics().horizontalAdvance(QStringLiteral("Frame time 000.0 ms")));
    m_droppedLabel->setMinimumWidth(
        m_droppedLabel->fontMetrics().horizontalAdvance(QStringLiteral("Dropped 000000")));
    row2->addWidget(m_heartRateLabel);
    row2->addSpacing(10);
    row2->addWidget(m_frameTimeLabel);
    row2->addSpacing(10);
    row2->addWidget(m_droppedLabel);
    layout->addLayout(row2);

    // LV ejection fraction: trace the cavity (Area) and its long axis (Distance) on the end-diastolic frame,
    // press ED; the same on the end-systolic frame, press ES.
    auto* efRow = new QHBoxLayout;
    efRow->setContentsMargins(6, 0, 6, 2);
    auto* ed =
        makeButton(tr("ED"), tr("This frame is end diastole: its last area (LV cavity) and last distance "
                                "(long axis) give the end-diastolic volume"));
    auto* es =
        makeButton(tr("ES"), tr("This frame is end systole: its last area (LV cavity) and last distance "
                                "(long axis) give the end-systolic volume"));
    ed->setObjectName(QStringLiteral("cineMarkEd"));
    es->setObjectName(QStringLiteral("cineMarkEs"));
    connect(ed, &QToolButton::clicked, this, [this] { markEndDiastole(); });
    connect(es, &QToolButton::clicked, this, [this] { markEndSystole(); });
    m_efLabel = new QLabel(this);
    m_efLabel->setObjectName(QStringLiteral("cineEjectionFraction"));
    m_efLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    efRow->addWidget(new QLabel(tr("LV EF"), this));
    efRow->addWidget(ed);
    efRow->addWidget(es);
    efRow->addWidget(m_efLabel, 1);
    layout->addLayout(efRow);
    refreshEjectionFraction();

    // AI findings: the heatmap opacity and the colour legend, shown while a heatmap is drawn.
    m_findings = std::make_shared<FindingOverlays>(m_canvas->scene());
    m_canvas->addFrameOverlay(m_findings);
    m_overlayRow = new QWidget(this);
    auto* row3 = new QHBoxLayout(m_overlayRow);
    row3->setContentsMargins(6, 0, 6, 4);
    m_opacitySlider = new QSlider(Qt::Horizontal, m_overlayRow);
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(static_cast<int>(std::lround(kDefaultHeatmapOpacity * 100)));
    m_opacitySlider->setFixedWidth(140);
    m_opacitySlider->setToolTip(tr("Opacity of every AI heatmap over the frames"));
    m_opacityLabel = new QLabel(m_overlayRow);
    m_opacityLabel->setMinimumWidth(m_opacityLabel->fontMetrics().horizontalAdvance(QStringLiteral("100 %")));
    m_opacityLabel->setText(tr("%1 %").arg(m_opacitySlider->value()));
    connect(m_opacitySlider, &QSlider::valueChanged, this, [this](int v) {
        m_findings->setOpacity(v / 100.0);
        m_opacityLabel->setText(tr("%1 %").arg(v));
        m_canvas->update();
    });
    row3->addWidget(new QLabel(tr("Heatmap opacity"), m_overlayRow));
    row3->addWidget(m_opacitySlider);
    row3->addWidget(m_opacityLabel);
    row3->addSpacing(16);
    row3->addWidget(new QLabel(QStringLiteral("0"), m_overlayRow));
    row3->addWidget(new HeatmapLegend(m_overlayRow));
    row3->addWidget(new QLabel(QStringLiteral("1"), m_overlayRow));
    row3->addWidget(new QLabel(tr("relevance"), m_overlayRow));
    row3->addStretch(1);
    layout->addWidget(m_overlayRow);
    m_overlayRow->setVisible(false);
    updateControls();
}

void CineView::close() {
    m_timer.stop();
    m_cache.reset(); // joins the decoding threads
    m_playback.reset();
    m_reader.reset();
    m_badFrames.clear();
}

std::optional<registry::DisplayedContent> CineView::displayedContent() const {
    if (!m_reader || QString::fromStdString(m_reader->path().string()) != m_path) {
        return std::nullopt;
    }
    return m_reader->content();
}

void CineView::openInstance(const dicom::InstanceHeader& header) {
    openFile(QString::fromStdString(header.path.string()));
}

void CineView::openFile(const QString& path) {
    close();
    // Findings belong to the instance they were verified for: another instance starts without any.
    m_findings->setClip({}, 1.0);
    m_overlayRow->setVisible(false);
    m_canvas->clearFrame();
    m_canvas->clearMeasurements(); // they measured the clip before (measurementsChanged follows)
    m_openTimer.start();
    m_firstFrameMs = -1.0;
    m_path = path;
    // A newer open (or a cancel) supersedes this one: its result, whenever it arrives, is dropped.
    const OpenTicket ticket = beginOpen();
    updateControls();
    // Opening reads the whole Pixel Data once (its digest: what is shown is what was opened) — on a worker;
    // the GUI thread goes on with its own event loop and finishes the open when the reader is ready. The
    // worker holds no pointer to the view.
    using Opened = Expected<std::shared_ptr<ClipReader>, Error>;
    auto* watcher = new QFutureWatcher<Opened>(this);
    connect(watcher, &QFutureWatcher<Opened>::finished, this, [this, watcher, ticket, path] {
        watcher->deleteLater();
        if (!isCurrentOpen(ticket)) {
            return;
        }
        endOpen();
        Opened reader = watcher->result();
        if (!reader) {
            m_path.clear();
            m_canvas->clearFrame();
            updateControls();
            emit failed(path, QString::fromStdString(std::string(errorCodeName(reader.error().code)) + ": " +
                                                     reader.error().message));
            return;
        }
        finishOpen(std::move(*reader));
        emit opened(path);
    });
    watcher->setFuture(QtConcurrent::run([file = path.toStdString()] { return ClipReader::open(file); }));
}

void CineView::cancelOpen() {
    if (!abandonOpen())
        return;
    m_path.clear();
    m_canvas->clearFrame();
    updateControls();
}

void CineView::finishOpen(std::shared_ptr<ClipReader> reader) {
    m_reader = std::move(reader);
    const ImageInfo& info = m_reader->info();
    m_window = info.defaultWindow();
    m_playback = std::make_unique<Playback>(info.timing, m_clock);
    if (info.startTrim && info.stopTrim && *info.startTrim <= *info.stopTrim) {
        m_playback->setMarks(*info.startTrim - 1, *info.stopTrim - 1);
    }
    for (int f = 0; f < info.frames; ++f) {
        if (m_reader->frameProblem(f))
            m_badFrames.insert(f);
    }
    FrameCache::Settings settings;
    settings.memoryBytes = cacheBudgetBytes();
    const std::size_t frameBytes = std::size_t(info.rows) * std::size_t(info.cols) * 3;
    std::shared_ptr<ClipReader> reader2 = m_reader;
    m_cache = std::make_unique<FrameCache>(
        info.frames, frameBytes,
        [reader2](int f, const WindowLevel& w) { return reader2->decodeForDisplay(f, w); }, settings,
        m_window);
    m_cache->setReadyCallback([this](int f) {
        QMetaObject::invokeMethod(
            this, [this, f] { onFrameReady(f); }, Qt::QueuedConnection);
    });
    m_canvas->setImageGeometry(info.cols, info.rows, info.pixelAspectRatio, info.regions);
    m_findings->setClip({info.frames, info.cols, info.rows}, info.pixelAspectRatio);
    m_canvas->clearFrame();
    m_updatingSlider = true;
    m_slider->setRange(0, std::max(0, info.frames - 1));
    m_slider->setValue(0);
    m_updatingSlider = false;
    m_slider->setBadFrames(m_badFrames);
    m_slider->setMarks(m_playback->markStart(), m_playback->markEnd());
    // The first frame first: ask for it alone, then the rest in playback order.
    m_playback->seek(m_playback->markStart());
    m_cache->setWanted({m_playback->currentFrame()});
    updateWanted();
    const double minFrame =
        *std::min_element(info.timing.durationsMs().begin(), info.timing.durationsMs().end());
    m_timer.setInterval(std::clamp(static_cast<int>(minFrame / 4.0), 1, 10));
    m_timer.start();
    QSettings settingsStore;
    if (info.frames > 1 && settingsStore.value(QStringLiteral("cine/autoPlay"), true).toBool()) {
        // Start the clock once the first frame is on screen, not while it is still being decoded.
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn = connect(this, &CineView::firstFrameShown, this, [this, conn] {
            disconnect(*conn);
            if (m_playback && !m_playback->isPlaying()) {
                play();
            }
        });
    }
    updateControls();
    updateTexts();
}

void CineView::updateWanted() {
    if (!m_cache || !m_playback)
        return;
    const auto st = m_cache->stats();
    // Ahead of the playhead by the time decoding takes (with margin), as far as the budget allows.
    m_cache->setWanted(m_playback->upcoming(static_cast<int>(m_cache->capacityFrames()),
                                            st.meanDecodeMs * 1.5 / std::max(1, st.workers)));
}

void CineView::onTick() {
    if (!m_playback || !m_cache)
        return;
    const auto t = m_playback->tick([this](int f) { return m_cache->isReady(f); });
    if (t.frame >= 0 && (t.changed || t.frame != m_canvas->shownFrameIndex())) {
        showFrame(m_cache->get(t.frame));
        updateWanted();
    }
    if (t.finished) {
        updateControls();
    }
}

void CineView::onFrameReady(int frame) {
    if (!m_cache || !m_playback)
        return;

    auto entry = m_cache->get(frame);
    if (entry && entry->isBad() && m_badFrames.insert(frame).second) {
        m_slider->setBadFrames(m_badFrames);
    }
    if (!m_playback->isPlaying() && frame == m_canvas->shownFrameIndex() && entry &&
        entry != m_canvas->shownFrame()) {
        // The frame on screen, decoded again (a new window/level while paused): show the new one.
        showFrame(entry);
        return;
    }
    if (!m_playback->isPlaying() || m_canvas->shownFrameIndex() < 0) {
        onTick();
    }
}

void CineView::showFrame(const std::shared_ptr<const CachedFrame>& frame) {
    if (!frame)
        return;
    m_canvas->showFrame(frame);
    if (m_firstFrameMs < 0) {
        // The frame is on screen once the canvas has rendered it.
        auto conn = std::make_shared<QMetaObject::Connection>();
        *conn = connect(m_canvas, &VtkOpenGLWidget::rendered, this, [this, conn] {
            disconnect(*conn);
            if (m_firstFrameMs < 0) {
                m_firstFrameMs = double(m_openTimer.nsecsElapsed()) / 1e6;
                emit firstFrameShown(m_firstFrameMs);
            }
        });
    }
    // The overlay on the canvas shows every frame's number and time; the Qt controls below it follow at most
    // every 100 ms while playing (repainting widgets each frame costs the GUI thread frames on slow GL).
    const bool playing = m_playback && m_playback->isPlaying();
    if (!playing || !m_controlsClock.isValid() || m_controlsClock.elapsed() >= 100) {
        m_controlsClock.start();
        m_updatingSlider = true;
        m_slider->setValue(frame->index);
        m_updatingSlider = false;
        updateTexts();
    } else {
        updateOverlay();
    }
    emit frameShown(frame->index);
}

void CineView::play() {
    if (!m_playback)
        return;
    m_playback->play();
    m_timer.start();
    updateControls();
}

void CineView::pause() {
    if (!m_playback)
        return;
    m_playback->pause();
    updateControls();
    updateTexts();
}

bool CineView::isPlaying() const {
    return m_playback && m_playback->isPlaying();
}

void CineView::stepFrames(int delta) {
    if (!m_playback)
        return;
    m_playback->step(delta);
    updateWanted();
    onTick();
    updateControls();
}

void CineView::seekFrame(int frame) {
    if (!m_playback)
        return;
    m_playback->seek(frame);
    updateWanted();
    onTick();
}

void CineView::setSpeed(double speed) {
    if (!m_playback)
        return;
    m_playback->setSpeed(speed);
    updateControls();
    updateTexts();
}

void CineView::setLoopMode(LoopMode mode) {
    if (!m_playback)
        return;
    m_playback->setLoopMode(mode);
    updateWanted();
    updateControls();
    updateTexts();
}

void CineView::markStartHere() {
    if (!m_playback)
        return;
    const int f = std::max(0, m_canvas->shownFrameIndex());
    m_playback->setMarks(f, std::max(f, m_playback->markEnd()));
    m_slider->setMarks(m_playback->markStart(), m_playback->markEnd());
    updateWanted();
    updateTexts();
}

void CineView::markEndHere() {
    if (!m_playback)
        return;
    const int f = std::max(0, m_canvas->shownFrameIndex());
    m_playback->setMarks(std::min(f, m_playback->markStart()), f);
    m_slider->setMarks(m_playback->markStart(), m_playback->markEnd());
    updateWanted();
    updateTexts();
}

void CineView::clearMarks() {
    if (!m_playback)
        return;
    m_playback->clearMarks();
    m_slider->setMarks(m_playback->markStart(), m_playback->markEnd());
    updateWanted();
    updateTexts();
}

void CineView::setWindow(const WindowLevel& window) {
    if (!m_cache)
        return;
    m_window = window;
    m_window.width = std::max(1.0, m_window.width);
    m_cache->setWindow(m_window);
    updateWanted();
    updateTexts();
}

void CineView::onWindowDrag(double dCenter, double dWidth) {
    if (!m_reader)
        return;
    const auto [lo, hi] = m_reader->info().modalityRange();
    const double scale = isMonochrome(m_reader->info().photometric) ? std::max(1.0, (hi - lo) / 512.0) : 1.0;
    if (!m_windowDebounce.isActive()) {
        m_pendingWindow = m_window;
    }
    m_pendingWindow.center += dCenter * scale;
    m_pendingWindow.width = std::max(1.0, m_pendingWindow.width + dWidth * scale);
    m_windowDebounce.start();
}

std::uint64_t CineView::droppedFrames() const {
    return m_playback ? m_playback->droppedFrames() : 0;
}

namespace {
QString dicomDate(const std::string& d) {
    const QString s = QString::fromStdString(d);
    return s.size() == 8 ? s.left(4) + QLatin1Char('-') + s.mid(4, 2) + QLatin1Char('-') + s.mid(6, 2) : s;
}
} // namespace

void CineView::updateTexts() {
    if (!m_reader || !m_playback) {
        for (int c = 0; c < 4; ++c)
            m_canvas->scene().setCornerText(static_cast<CineScene::Corner>(c), {});
        return;
    }
    const ImageInfo& info = m_reader->info();
    QStringList tl;
    tl << (info.patientName.empty() ? tr("(no patient name)")
                                    : QString::fromStdString(info.patientName)); // display form, dicom/text.h
    QString id = info.patientID.empty() ? QString() : tr("ID %1").arg(QString::fromStdString(info.patientID));
    if (!info.patientBirthDate.empty())
        id += (id.isEmpty() ? QString() : QStringLiteral("  ")) +
              tr("born %1").arg(dicomDate(info.patientBirthDate));
    if (!info.patientSex.empty())
        id += QStringLiteral("  ") + QString::fromStdString(info.patientSex);
    if (!id.isEmpty())
        tl << id;
    QString study = dicomDate(info.studyDate);
    if (!info.studyDescription.empty())
        study += (study.isEmpty() ? QString() : QStringLiteral("  ")) +
                 QString::fromStdString(info.studyDescription);
    if (!study.isEmpty())
        tl << study;
    if (!info.institution.empty())
        tl << QString::fromStdString(info.institution);

    const FrameTiming& t = info.timing;

    QStringList bl;
    bool calibrated = false;
    for (const auto& r : info.regions)
        calibrated = calibrated || r.isSpatiallyCalibrated();
    if (calibrated) {
        for (const auto& r : info.regions) {
            if (r.isSpatiallyCalibrated()) {
                bl << tr("Calibrated region: %1 mm/px").arg(std::abs(r.physicalDeltaX) * 10.0, 0, 'f', 3);
                break;
            }
        }
    } else {
        bl << tr("Not calibrated: measurements in pixels");
    }
    if (t.source() == TimingSource::Assumed)
        bl << tr("No frame timing in the file: %1 fps assumed").arg(kAssumedFrameRate);
    if (!m_badFrames.empty())
        bl << tr("%n frame(s) cannot be shown", nullptr, static_cast<int>(m_badFrames.size()));

    QStringList br;
    if (info.frames > 1) {
        const char* mode = m_playback->loopMode() == LoopMode::Loop     ? QT_TR_NOOP("Loop")
                           : m_playback->loopMode() == LoopMode::Bounce ? QT_TR_NOOP("Bounce")
                                                                        : QT_TR_NOOP("Once");
        br << tr("%1  %2×").arg(tr(mode)).arg(m_playback->speed());
        if (m_playback->markStart() > 0 || m_playback->markEnd() < info.frames - 1) {
            br << tr("Marks %1–%2").arg(m_playback->markStart() + 1).arg(m_playback->markEnd() + 1);
        }
    }
    if (isMonochrome(info.photometric) || !(m_window == info.defaultWindow())) {
        br << tr("W %1  L %2").arg(m_window.width, 0, 'f', 0).arg(m_window.center, 0, 'f', 0);
    }

    m_canvas->scene().setCornerText(CineScene::TopLeft, tl.join(QLatin1Char('\n')).toStdString());
    m_canvas->scene().setCornerText(CineScene::TopRight, topRightText().toStdString());
    m_canvas->scene().setCornerText(CineScene::BottomLeft, bl.join(QLatin1Char('\n')).toStdString());
    m_canvas->scene().setCornerText(CineScene::BottomRight, br.join(QLatin1Char('\n')).toStdString());

    updateLabels();
}

void CineView::updateOverlay() {
    // Only the top-right corner changes from frame to frame.
    if (!m_reader || !m_playback)
        return;
    m_canvas->scene().setCornerText(CineScene::TopRight, topRightText().toStdString());
}

QString CineView::topRightText() const {
    const ImageInfo& info = m_reader->info();
    const FrameTiming& t = info.timing;
    const int shown = std::max(0, m_canvas->shownFrameIndex());
    QStringList lines;
    lines << tr("Frame %1/%2").arg(shown + 1).arg(info.frames);
    if (info.frames > 1) {
        lines << tr("%1 ms").arg(t.startMs(shown), 0, 'f', 1);
        lines << tr("%1 fps (%2)")
                     .arg(t.meanFrameRate(), 0, 'f', 1)
                     .arg(QString::fromLatin1(timingSourceName(t.source())));
    }
    if (info.heartRate)
        lines << tr("HR %1 bpm").arg(*info.heartRate, 0, 'f', 0);
    return lines.join(QLatin1Char('\n'));
}

void CineView::updateLabels() {
    if (!m_reader || !m_playback)
        return;
    const ImageInfo& info = m_reader->info();
    const FrameTiming& t = info.timing;
    const int shown = std::max(0, m_canvas->shownFrameIndex());
    m_frameLabel->setText(tr("%1 / %2").arg(shown + 1).arg(info.frames));
    m_heartRateLabel->setText(info.heartRate ? tr("HR %1 bpm").arg(*info.heartRate, 0, 'f', 0) : tr("HR —"));
    m_frameTimeLabel->setText(info.frames > 1 ? tr("Frame time %1 ms").arg(t.durationMs(shown), 0, 'f', 1)
                                              : QString());
    m_droppedLabel->setText(info.frames > 1 ? tr("Dropped %1").arg(droppedFrames()) : QString());
}

void CineView::updateControls() {
    const bool open = m_reader != nullptr;
    const bool multi = open && m_reader->info().frames > 1;
    m_playButton->setText(isPlaying() ? tr("Pause") : tr("Play"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_playButton, m_slider, m_loopCombo, m_speedCombo}) {
        w->setEnabled(multi);
    }
    if (m_playback) {
        m_loopCombo->setCurrentIndex(m_loopCombo->findData(int(m_playback->loopMode())));
        m_speedCombo->setCurrentIndex(std::max(0, m_speedCombo->findData(m_playback->speed())));
    }
}

QStringList CineView::paintedTexts() const {
    return m_canvas->paintedTexts();
}

void CineView::setFindingOverlays(const std::vector<registry::FindingOverlay>& overlays) {
    m_findings->setFindings(overlays);
    refreshFindings();
}

void CineView::refreshFindings() {
    m_findings->frameShown(m_canvas->shownFrameIndex(), m_canvas->scene());
    m_overlayRow->setVisible(m_findings->anyHeatmap());
    m_canvas->overlayTextsChanged();
}

void CineView::focusFinding(const QString& key) {
    const auto focus = m_findings->focusOf(key);
    if (!focus || !m_playback)
        return;
    pause();
    if (focus->frame) {
        seekFrame(*focus->frame);
    }
    if (focus->box) {
        m_canvas->ensureVisible(focus->box->first, focus->box->second);
    }
}

void CineView::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Space:
        isPlaying() ? pause() : play();
        return;
    case Qt::Key_Left:
        stepFrames(-1);
        return;
    case Qt::Key_Right:
        stepFrames(1);
        return;
    case Qt::Key_F:
        m_canvas->fit();
        return;
    case Qt::Key_1:
        m_canvas->oneToOne();
        return;
    default:
        break;
    }
    StudyView::keyPressEvent(e);
}

bool CineView::markEndDiastole() {
    return markPhase(true);
}

bool CineView::markEndSystole() {
    return markPhase(false);
}

bool CineView::markPhase(bool endDiastole) {
    const QString phase = endDiastole ? tr("end diastole") : tr("end systole");
    const int frame = m_canvas->shownFrameIndex();
    const CineCanvas::MeasurementItem* area = nullptr;
    const CineCanvas::MeasurementItem* length = nullptr;
    for (const auto& m : m_canvas->measurements()) {
        if (m.frame != frame)
            continue;
        (m.area ? area : length) = &m; // the last of each on this frame
    }
    const std::vector<UltrasoundRegion> regions =
        m_reader ? m_reader->info().regions : std::vector<UltrasoundRegion>{};
    m_efProblem.clear();
    if (area == nullptr || length == nullptr) {
        m_efProblem =
            tr("%1: trace the LV cavity (Area) and its long axis (Distance) on this frame first").arg(phase);
    } else if (auto a = calibratedArea(regions, area->points); !a) {
        m_efProblem = tr("%1: the area is %2").arg(phase, QString::fromStdString(a.error().reason));
    } else if (auto l = calibratedDistance(regions, length->points[0], length->points[1]); !l) {
        m_efProblem = tr("%1: the long axis is %2").arg(phase, QString::fromStdString(l.error().reason));
    } else {
        (endDiastole ? m_ed : m_es) = CavityTrace{a->value, l->value / 10.0, frame};
    }
    refreshEjectionFraction();
    emit measurementsChanged();
    if (!m_efProblem.isEmpty()) {
        emit statusMessage(m_efProblem);
    }
    return m_efProblem.isEmpty();
}

void CineView::refreshEjectionFraction() {
    QString text;
    auto volume = [](const CavityTrace& t) {
        return areaLengthVolumeMl(t.areaCm2, t.lengthCm);
    };
    if (m_ed && m_es) {
        const auto ef =
            ejectionFractionFromAreaLength(m_ed->areaCm2, m_ed->lengthCm, m_es->areaCm2, m_es->lengthCm);
        text = ef ? tr("EF %1 % (single-plane area-length): EDV %2 mL (frame %3), ESV %4 mL (frame %5)")
                        .arg(ef->percent, 0, 'f', 1)
                        .arg(ef->edvMl, 0, 'f', 0)
                        .arg(m_ed->frame + 1)
                        .arg(ef->esvMl, 0, 'f', 0)
                        .arg(m_es->frame + 1)
                  : tr("No EF: %1").arg(QString::fromStdString(ef.error().reason));
    } else if (m_ed) {
        text = tr("EDV %1 mL (frame %2); now mark end systole (ES)")
                   .arg(volume(*m_ed), 0, 'f', 0)
                   .arg(m_ed->frame + 1);
    } else if (m_es) {
        text = tr("ESV %1 mL (frame %2); now mark end diastole (ED)")
                   .arg(volume(*m_es), 0, 'f', 0)
                   .arg(m_es->frame + 1);
    } else {
        text = tr("Trace the LV cavity (Area) and long axis (Distance) on a frame, then press ED or ES");
    }
    if (!m_efProblem.isEmpty()) {
        text = m_efProblem + QStringLiteral(" — ") + text;
    }
    m_efLabel->setText(text);
}

QString CineView::ejectionFractionText() const {
    return m_efLabel->text();
}

std::vector<registry::ReaderMeasurement> CineView::readerMeasurements() const {
    std::vector<registry::ReaderMeasurement> out;
    auto number = [](double v, int decimals) {
        return QString::number(v, 'f', decimals).left(16);
    };
    for (const auto& m : m_canvas->measurements()) {
        if (!m.result.calibrated)
            continue; // pixels are not a measurement
        registry::ReaderMeasurement r;
        r.name = m.area ? QStringLiteral("Area") : QStringLiteral("Distance");
        r.value = number(m.result.value, m.area ? 2 : 1);
        r.unit = m.area ? QStringLiteral("cm2") : QStringLiteral("mm");
        out.push_back(std::move(r));
    }
    const QString method = QStringLiteral("single-plane area-length");
    auto volume = [&](const QString& name, const CavityTrace& t) {
        registry::ReaderMeasurement r;
        r.name = name;
        r.value = number(areaLengthVolumeMl(t.areaCm2, t.lengthCm), 0);
        r.unit = QStringLiteral("mL");
        r.method = method;
        out.push_back(std::move(r));
    };
    if (m_ed)
        volume(QStringLiteral("LV end-diastolic volume"), *m_ed);
    if (m_es)
        volume(QStringLiteral("LV end-systolic volume"), *m_es);
    if (m_ed && m_es) {
        if (const auto ef = ejectionFractionFromAreaLength(m_ed->areaCm2, m_ed->lengthCm, m_es->areaCm2,
                                                           m_es->lengthCm)) {
            registry::ReaderMeasurement r;
            r.name = QStringLiteral("LV ejection fraction");
            r.value = number(ef->percent, 0);
            r.unit = QStringLiteral("%");
            r.method = method;
            out.push_back(std::move(r));
        }
    }
    return out;
}

} // namespace veridicor::cine
