#include <veridicor/ecg_view/ecg_view.h>

#include "ecg_canvas.h"

#include <veridicor/dicom/sop_classes.h>
#include <veridicor/ecg/dicom_reader.h>

#include <QComboBox>
#include <QKeySequence>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace veridicor::ecg {

/// What the worker of openFile() read: a recording and its traces, or why not.
struct EcgView::Loaded {
    QString error;
    std::shared_ptr<const Recording> recording;
    std::shared_ptr<const TraceSet> traces;
};

namespace {

const QString kPixelsPerMmKey = QStringLiteral("ecg/pixelsPerMm");

std::size_t groupFor(const Recording& rec, bool median) {
    std::size_t rhythm = rec.groups.size();
    for (std::size_t i = 0; i < rec.groups.size(); ++i) {
        if (median && rec.groups[i].isMedianBeat())
            return i;
        if (!rec.groups[i].isMedianBeat() && rhythm == rec.groups.size())
            rhythm = i;
    }
    return rhythm < rec.groups.size() ? rhythm : 0;
}

/// The view-neutral overlay in the paper's terms. The attachment's bytes are shared, not copied.
EcgFindingOverlay toEcgOverlay(const registry::FindingOverlay& f) {
    EcgFindingOverlay o;
    o.key = f.key.toStdString();
    o.label = f.label.toStdString();
    o.trusted = f.trusted;
    o.visible = f.visible;
    o.hasRegion = f.hasEcgRegion;
    for (const QString& l : f.leads)
        o.regionLeads.push_back(l.toStdString());
    o.startSeconds = f.startSeconds;
    o.endSeconds = f.endSeconds;
    for (const QString& l : f.relevanceLeads)
        o.relevanceLeads.push_back(l.toStdString());
    o.relevanceSamples = f.relevanceSamples;
    if (!f.relevance.isEmpty()) {
        auto bytes = std::make_shared<const QByteArray>(f.relevance);
        o.relevance = reinterpret_cast<const std::uint8_t*>(bytes->constData());
        o.relevanceBytes = static_cast<std::size_t>(bytes->size());
        o.keepAlive = bytes;
    }
    return o;
}

QString leadList(const TraceSet& traces, const std::vector<std::size_t>& channels) {
    QStringList names;
    for (std::size_t c : channels) {
        if (c < traces.channels().size())
            names << QString::fromStdString(traces.channels()[c].label);
    }
    return names.join(QStringLiteral(", "));
}

QString describe(const TraceSet& t) {
    return QObject::tr("ECG: %1 leads, %2 Hz, %3")
        .arg(t.channels().size())
        .arg(t.samplingHz())
        .arg(QString::fromStdString(formatClock(t.durationSeconds())));
}

} // namespace

/// A bar drawn at the current calibration: held against a ruler, it measures 50 mm when the paper is true
/// size.
class CalibrationRuler : public QWidget {
public:
    explicit CalibrationRuler(QWidget* parent) : QWidget(parent) { setMinimumHeight(34); }
    void setPixelsPerMm(double devicePpm) {
        m_ppm = devicePpm;
        setMinimumWidth(static_cast<int>(50.0 * m_ppm / devicePixelRatioF()) + 12);
        update();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing, false);
        const double ppm = m_ppm / devicePixelRatioF();
        const double x0 = 6.0;
        const double y = 24.0;
        p.setPen(QPen(Qt::black, 1));
        p.drawLine(QPointF(x0, y), QPointF(x0 + 50.0 * ppm, y));
        for (int mm = 0; mm <= 50; ++mm) {
            const double len = mm % 10 == 0 ? 12 : mm % 5 == 0 ? 8 : 4;
            p.drawLine(QPointF(x0 + mm * ppm, y), QPointF(x0 + mm * ppm, y - len));
        }
        QFont f = font();
        f.setPixelSize(10);
        p.setFont(f);
        p.drawText(QPointF(x0 + 50.0 * ppm + 3 > width() - 40 ? x0 : x0 + 50.0 * ppm + 3, y + 9),
                   QStringLiteral("50 mm"));
    }

private:
    double m_ppm = 96.0 / 25.4;
};

std::vector<std::string> EcgViewerFactory::sopClasses() const {
    return {std::string(dicom::sop::TwelveLeadEcg), std::string(dicom::sop::GeneralEcg),
            std::string(dicom::sop::AmbulatoryEcg), std::string(dicom::sop::HemodynamicWaveform)};
}

std::vector<registry::KeyHelp> EcgViewerFactory::keyboardShortcuts() const {
    // The keys of EcgCanvas::keyPressEvent, wheelEvent and mousePressEvent: keep in step with them.
    auto key = [](int k) {
        return QKeySequence(k).toString(QKeySequence::NativeText);
    };
    return {
        {key(Qt::Key_Left) + QStringLiteral(" / ") + key(Qt::Key_Right), QObject::tr("One second back / on")},
        {key(Qt::Key_PageUp) + QStringLiteral(" / ") + key(Qt::Key_PageDown),
         QObject::tr("One page back / on")},
        {key(Qt::Key_Home) + QStringLiteral(" / ") + key(Qt::Key_End),
         QObject::tr("The start / the end of the recording")},
        {key(Qt::Key_Escape), QObject::tr("Remove the calipers")},
        {QStringLiteral("R / P / Q / T / F"),
         QObject::tr("The next caliper measures RR / PR / QRS / QT / free")},
        {key(Qt::Key_Delete), QObject::tr("Remove the selected caliper (click on one of its end lines)")},
        {QStringLiteral("W"), QObject::tr("Fit the page to the window")},
        {QObject::tr("Ctrl+wheel"), QObject::tr("One second back / on per notch")},
        {QObject::tr("Shift+wheel"), QObject::tr("Scroll the paper sideways")},
        {QObject::tr("Shift+drag, middle-button drag"), QObject::tr("Move in time")},
        {QObject::tr("Drag on a trace"), QObject::tr("Calipers")},
    };
}

EcgView::EcgView(QWidget* parent) : StudyView(parent) {
    m_calibratedPixelsPerMm = QSettings().value(kPixelsPerMmKey, 0.0).toDouble();
    if (!(m_calibratedPixelsPerMm > 0.5 && m_calibratedPixelsPerMm < 200.0)) {
        m_calibratedPixelsPerMm = 0.0;
    }
    buildUi();
    connect(&m_build, &QFutureWatcher<std::shared_ptr<const TraceSet>>::finished, this,
            &EcgView::onTracesBuilt);
    PaperSettings s = m_scene.settings();
    s.pixelsPerMm = m_calibratedPixelsPerMm > 0 ? m_calibratedPixelsPerMm : screenPixelsPerMm();
    applySettings(s);
}

EcgView::~EcgView() {
    if (m_cancel)
        *m_cancel = true;
    m_build.waitForFinished();
}

void EcgView::buildUi() {
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(0, 0, 0, 0);
    root->setSpacing(0);

    auto* bar = new QToolBar(this);
    bar->setObjectName(QStringLiteral("ecgToolbar"));
    root->addWidget(bar);
    auto addLabel = [bar](const QString& text) {
        bar->addWidget(new QLabel(text + QLatin1Char(' '), bar));
    };

    addLabel(tr("Layout"));
    m_layoutBox = new QComboBox(bar);
    for (PaperLayout l :
         {PaperLayout::Rows12x1, PaperLayout::Grid6x2, PaperLayout::Grid3x4, PaperLayout::Grid3x4Rhythm}) {
        m_layoutBox->addItem(
            QString::fromStdString(paperLayoutName(l)).replace(QLatin1Char('x'), QChar(0x00D7)),
            static_cast<int>(l));
    }
    bar->addWidget(m_layoutBox);
    bar->addSeparator();
    addLabel(tr("Speed"));
    m_speedBox = new QComboBox(bar);
    for (double v : kPaperSpeeds)
        m_speedBox->addItem(tr("%1 mm/s").arg(v), v);
    bar->addWidget(m_speedBox);
    addLabel(tr(" Gain"));
    m_gainBox = new QComboBox(bar);
    for (double v : kPaperGains)
        m_gainBox->addItem(tr("%1 mm/mV").arg(v), v);
    bar->addWidget(m_gainBox);
    bar->addSeparator();
    addLabel(tr("Filters"));
    m_highPass = new QToolButton(bar);
    m_highPass->setText(tr("Baseline 0.5 Hz"));
    m_highPass->setCheckable(true);
    m_highPass->setToolTip(tr("High-pass 0.5 Hz (zero-phase) against baseline wander"));
    bar->addWidget(m_highPass);
    m_notchBox = new QComboBox(bar);
    m_notchBox->addItem(tr("Notch off"), static_cast<int>(MainsNotch::Off));
    m_notchBox->addItem(tr("Notch 50 Hz"), static_cast<int>(MainsNotch::Hz50));
    m_notchBox->addItem(tr("Notch 60 Hz"), static_cast<int>(MainsNotch::Hz60));
    bar->addWidget(m_notchBox);
    m_lowPassBox = new QComboBox(bar);
    m_lowPassBox->addItem(tr("Low-pass off"), static_cast<int>(LowPass::Off));
    m_lowPassBox->addItem(tr("Low-pass 40 Hz"), static_cast<int>(LowPass::Hz40));
    m_lowPassBox->addItem(tr("Low-pass 150 Hz"), static_cast<int>(LowPass::Hz150));
    bar->addWidget(m_lowPassBox);
    bar->addSeparator();
    m_medianButton = new QToolButton(bar);
    m_medianButton->setText(tr("Median beat"));
    m_medianButton->setCheckable(true);
    m_medianButton->setEnabled(false);
    m_medianButton->setToolTip(tr("Show the file's median (representative) beat instead of the rhythm"));
    bar->addWidget(m_medianButton);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    root->addWidget(splitter, 1);

    auto* paperBox = new QWidget(splitter);
    auto* grid = new QGridLayout(paperBox);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(0);
    m_canvas = new EcgCanvas(m_scene, paperBox);
    m_vScroll = new QScrollBar(Qt::Vertical, paperBox);
    m_hScroll = new QScrollBar(Qt::Horizontal, paperBox);
    grid->addWidget(m_canvas, 0, 0);
    grid->addWidget(m_vScroll, 0, 1);
    grid->addWidget(m_hScroll, 1, 0);
    auto* timeRow = new QHBoxLayout();
    timeRow->setContentsMargins(6, 2, 6, 2);
    m_timeLabel = new QLabel(paperBox);
    m_timeBar = new QScrollBar(Qt::Horizontal, paperBox);
    m_timeBar->setToolTip(tr("Recording time (drag the paper with Shift or the middle button, or use ←/→, "
                             "Page Up/Down)"));
    timeRow->addWidget(m_timeLabel);
    timeRow->addWidget(m_timeBar, 1);
    grid->addLayout(timeRow, 2, 0, 1, 2);
    grid->setColumnStretch(0, 1);
    grid->setRowStretch(0, 1);
    splitter->addWidget(paperBox);

    auto* panel = new QWidget(splitter);
    panel->setObjectName(QStringLiteral("ecgSidePanel"));
    auto* pl = new QVBoxLayout(panel);
    auto* mbox = new QGroupBox(tr("Measurements and statements"), panel);
    auto* ml = new QVBoxLayout(mbox);
    m_measurements = new QTableWidget(0, 3, mbox);
    m_measurements->setHorizontalHeaderLabels({tr("Measurement"), tr("Value"), tr("Where")});
    m_measurements->horizontalHeader()->setStretchLastSection(true);
    m_measurements->verticalHeader()->setVisible(false);
    m_measurements->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_measurements->setWordWrap(true);
    ml->addWidget(m_measurements);
    pl->addWidget(mbox, 1);

    auto* cbox = new QGroupBox(tr("Calipers"), panel);
    auto* cl = new QVBoxLayout(cbox);
    auto* kindRow = new QHBoxLayout();
    kindRow->addWidget(new QLabel(tr("Next caliper"), cbox));
    m_caliperKindBox = new QComboBox(cbox);
    m_caliperKindBox->setObjectName(QStringLiteral("ecgCaliperKind"));
    m_caliperKindBox->addItem(tr("RR (R)"), static_cast<int>(CaliperKind::RR));
    m_caliperKindBox->addItem(tr("PR (P)"), static_cast<int>(CaliperKind::PR));
    m_caliperKindBox->addItem(tr("QRS (Q)"), static_cast<int>(CaliperKind::QRS));
    m_caliperKindBox->addItem(tr("QT (T)"), static_cast<int>(CaliperKind::QT));
    m_caliperKindBox->addItem(tr("Free (F)"), static_cast<int>(CaliperKind::Free));
    m_caliperKindBox->setCurrentIndex(
        m_caliperKindBox->findData(static_cast<int>(m_scene.nextCaliperKind())));
    kindRow->addWidget(m_caliperKindBox, 1);
    cl->addLayout(kindRow);
    m_caliperLabel = new QLabel(tr("Drag across a lead to measure time and amplitude."), cbox);
    m_caliperLabel->setWordWrap(true);
    m_caliperLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cl->addWidget(m_caliperLabel);
    m_caliperTable = new QTableWidget(0, 3, cbox);
    m_caliperTable->setObjectName(QStringLiteral("ecgCaliperMeasurements"));
    m_caliperTable->setHorizontalHeaderLabels({tr("Lead"), tr("Measurement"), tr("Value")});
    m_caliperTable->horizontalHeader()->setStretchLastSection(true);
    m_caliperTable->verticalHeader()->setVisible(false);
    m_caliperTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_caliperTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_caliperTable->setSelectionMode(QAbstractItemView::SingleSelection);
    cl->addWidget(m_caliperTable);
    auto* caliperButtons = new QHBoxLayout();
    auto* remove = new QPushButton(tr("Remove selected"), cbox);
    remove->setToolTip(
        tr("Removes the caliper of the selected row (or the one selected on the paper; Delete)"));
    caliperButtons->addWidget(remove);
    auto* clear = new QPushButton(tr("Clear calipers"), cbox);
    caliperButtons->addWidget(clear);
    cl->addLayout(caliperButtons);
    pl->addWidget(cbox);

    auto* dbox = new QGroupBox(tr("Display calibration"), panel);
    auto* dl = new QVBoxLayout(dbox);
    m_dpiLabel = new QLabel(dbox);
    m_dpiLabel->setWordWrap(true);
    dl->addWidget(m_dpiLabel);
    auto* ppmRow = new QHBoxLayout();
    ppmRow->addWidget(new QLabel(tr("Pixels per mm"), dbox));
    m_ppmBox = new QDoubleSpinBox(dbox);
    m_ppmBox->setRange(1.0, 100.0);
    m_ppmBox->setDecimals(3);
    m_ppmBox->setSingleStep(0.01);
    ppmRow->addWidget(m_ppmBox, 1);
    dl->addLayout(ppmRow);
    m_ruler = new CalibrationRuler(dbox);
    dl->addWidget(m_ruler);
    auto* rulerHint = new QLabel(tr("Hold a ruler to the bar: adjust until it measures 50 mm."), dbox);
    rulerHint->setWordWrap(true);
    dl->addWidget(rulerHint);
    auto* useScreen = new QPushButton(tr("Use the screen's DPI"), dbox);
    dl->addWidget(useScreen);
    pl->addWidget(dbox);

    m_overlayBox = new QGroupBox(tr("AI findings on the paper"), panel);
    m_overlayBox->setObjectName(QStringLiteral("ecgOverlayPanel"));
    auto* ol = new QVBoxLayout(m_overlayBox);
    m_overlayReport = new QLabel(m_overlayBox);
    m_overlayReport->setObjectName(QStringLiteral("ecgOverlayReport"));
    m_overlayReport->setWordWrap(true);
    m_overlayReport->setTextFormat(Qt::PlainText);
    m_overlayReport->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ol->addWidget(m_overlayReport);
    auto* opacityRow = new QHBoxLayout();
    opacityRow->addWidget(new QLabel(tr("Band opacity"), m_overlayBox));
    m_opacitySlider = new QSlider(Qt::Horizontal, m_overlayBox);
    m_opacitySlider->setObjectName(QStringLiteral("ecgOverlayOpacity"));
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(static_cast<int>(std::lround(kDefaultRelevanceOpacity * 100)));
    m_opacitySlider->setToolTip(tr("Opacity of the relevance bands under the leads"));
    opacityRow->addWidget(m_opacitySlider, 1);
    m_opacityLabel = new QLabel(m_overlayBox);
    m_opacityLabel->setMinimumWidth(40);
    opacityRow->addWidget(m_opacityLabel);
    ol->addLayout(opacityRow);
    m_overlayBox->hide();
    pl->addWidget(m_overlayBox);

    m_warnings = new QLabel(panel);
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("color: #b03000;"));
    m_warnings->hide();
    pl->addWidget(m_warnings);
    splitter->addWidget(panel);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({1200, 300});

    // Wiring.
    connect(m_layoutBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            setPaperLayout(static_cast<PaperLayout>(m_layoutBox->currentData().toInt()));
    });
    connect(m_speedBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            setSpeed(m_speedBox->currentData().toDouble());
    });
    connect(m_gainBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            setGain(m_gainBox->currentData().toDouble());
    });
    auto filtersFromControls = [this] {
        if (m_syncing)
            return;
        FilterSettings f;
        f.baselineWander = m_highPass->isChecked();
        f.notch = static_cast<MainsNotch>(m_notchBox->currentData().toInt());
        f.lowPass = static_cast<LowPass>(m_lowPassBox->currentData().toInt());
        setDisplayFilters(f);
    };
    connect(m_highPass, &QToolButton::toggled, this, filtersFromControls);
    connect(m_notchBox, &QComboBox::currentIndexChanged, this, filtersFromControls);
    connect(m_lowPassBox, &QComboBox::currentIndexChanged, this, filtersFromControls);
    connect(m_medianButton, &QToolButton::toggled, this, [this](bool on) {
        if (!m_syncing)
            setMedianBeatShown(on);
    });
    connect(m_hScroll, &QScrollBar::valueChanged, this, [this](int v) {
        if (!m_syncing)
            m_canvas->setScrollMm(QPointF(v / 10.0, m_canvas->scrollMm().y()));
    });
    connect(m_vScroll, &QScrollBar::valueChanged, this, [this](int v) {
        if (!m_syncing)
            m_canvas->setScrollMm(QPointF(m_canvas->scrollMm().x(), v / 10.0));
    });
    connect(m_timeBar, &QScrollBar::valueChanged, this, [this](int v) {
        if (!m_syncing)
            setStartSeconds(v / 10.0);
    });
    connect(m_canvas, &EcgCanvas::scrolled, this, &EcgView::syncScrollBars);
    connect(m_canvas, &EcgCanvas::panTime, this,
            [this](double dt) { setStartSeconds(m_scene.settings().startSeconds + dt); });
    connect(m_canvas, &EcgCanvas::overviewClicked, this, [this](double t) { setStartSeconds(t); });
    connect(m_canvas, &EcgCanvas::calipersChanged, this, [this](const QString& text) {
        if (!text.isEmpty()) { // a caliper being dragged: its live reading
            m_caliperLabel->setText(text);
            emit statusMessage(text);
            return;
        }
        refreshCaliperPanel(); // placed, selected or removed
        emit measurementsChanged();
        const auto captions = m_scene.caliperCaptions();
        if (const Caliper* c = m_scene.caliperSet().find(m_scene.selectedCaliper())) {
            const auto& list = m_scene.caliperSet().list();
            const auto k = static_cast<std::size_t>(c - list.data());
            emit statusMessage(QString::fromStdString(captions[k]));
        }
    });
    connect(m_canvas, &EcgCanvas::caliperKindChosen, this, &EcgView::setNextCaliperKind);
    connect(m_canvas, &EcgCanvas::fitRequested, this, &EcgView::fitPageToWindow);
    connect(m_canvas, &EcgCanvas::resized, this, [this] {
        if (!m_fitted)
            return;
        refit(); // the window (or the panel beside the paper) changed size: the page follows
        m_canvas->sceneChanged();
        syncScrollBars();
        syncControls();
    });
    connect(m_caliperKindBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_syncing)
            setNextCaliperKind(static_cast<CaliperKind>(m_caliperKindBox->currentData().toInt()));
    });
    connect(m_caliperTable, &QTableWidget::itemSelectionChanged, this, [this] {
        if (m_syncing)
            return;
        const auto rows = m_caliperTable->selectionModel()->selectedRows();
        if (!rows.isEmpty()) {
            m_scene.setSelectedCaliper(
                m_caliperTable->item(rows.front().row(), 0)->data(Qt::UserRole).toInt());
            m_canvas->update();
        }
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_scene.selectedCaliper() != 0 && m_scene.removeCaliper(m_scene.selectedCaliper())) {
            refreshCaliperPanel();
            m_canvas->update();
            emit measurementsChanged();
        }
    });
    connect(clear, &QPushButton::clicked, this, [this] {
        m_scene.setCalipers(std::nullopt);
        const bool had = !m_scene.caliperSet().empty();
        m_scene.clearCalipers();
        refreshCaliperPanel();
        m_canvas->update();
        if (had)
            emit measurementsChanged();
    });
    connect(m_ppmBox, &QDoubleSpinBox::valueChanged, this, [this](double v) {
        if (!m_syncing)
            setPixelsPerMm(v);
    });
    connect(useScreen, &QPushButton::clicked, this, [this] { setPixelsPerMm(0.0); });
    connect(m_opacitySlider, &QSlider::valueChanged, this, [this](int v) {
        if (!m_syncing)
            setOverlayOpacity(v / 100.0);
    });
    m_opacityLabel->setText(tr("%1 %").arg(m_opacitySlider->value()));
    m_canvas->setMessage(tr("No ECG open"));
}

double EcgView::screenPixelsPerMm() const {
    const QScreen* s = screen();
    const double dpi = s != nullptr ? s->physicalDotsPerInch() : 96.0;
    const double ratio = s != nullptr ? s->devicePixelRatio() : 1.0;
    // physicalDotsPerInch counts logical pixels; the paper is drawn in device pixels.
    return (dpi > 20.0 && dpi < 2000.0 ? dpi : 96.0) / kMillimetresPerInch * ratio;
}

void EcgView::setPixelsPerMm(double pixelsPerMm) {
    m_fitted = false; // back to true size
    m_calibratedPixelsPerMm = pixelsPerMm > 0.5 ? pixelsPerMm : 0.0;
    QSettings settings;
    if (m_calibratedPixelsPerMm > 0) {
        settings.setValue(kPixelsPerMmKey, m_calibratedPixelsPerMm);
    } else {
        settings.remove(kPixelsPerMmKey);
    }
    PaperSettings s = m_scene.settings();
    s.pixelsPerMm = m_calibratedPixelsPerMm > 0 ? m_calibratedPixelsPerMm : screenPixelsPerMm();
    applySettings(s);
}

void EcgView::applySettings(PaperSettings settings) {
    m_scene.setSettings(settings);
    if (m_fitted)
        refit(); // a new layout, speed or gain changes the page's size in mm
    m_canvas->sceneChanged();
    syncScrollBars();
    syncControls();
}

void EcgView::fitPageToWindow() {
    m_fitted = true;
    refit();
    m_canvas->sceneChanged();
    m_canvas->setScrollMm(QPointF(0, 0));
    syncScrollBars();
    syncControls();
    emit statusMessage(
        tr("Page fitted to the window: %1 px/mm, not at true size (set pixels per mm to return)")
            .arg(m_scene.settings().pixelsPerMm, 0, 'f', 2));
}

void EcgView::refit() {
    // The page's size in mm does not depend on the scale, the canvas's size in pixels does not either (only
    // the scroll bars, which a fitted page hides, take room): the ratio converges at once; a second pass
    // absorbs rounding of the overview strip's height.
    for (int pass = 0; pass < 2; ++pass) {
        const PaperPage& page = m_scene.page();
        const QSizeF vis = m_canvas->visibleMm();
        if (page.widthMm <= 0 || page.heightMm <= 0 || vis.width() <= 0 || vis.height() <= 0)
            return;
        PaperSettings s = m_scene.settings();
        // A hair under the exact fit, so rounding never leaves a fraction of a mm that calls up a scroll bar
        // (which would take room from the canvas and push the page out of it).
        const double factor = 0.998 * std::min(vis.width() / page.widthMm, vis.height() / page.heightMm);
        s.pixelsPerMm = std::clamp(s.pixelsPerMm * factor, 0.5, 200.0);
        m_scene.setSettings(s);
    }
}

void EcgView::refreshCaliperLabel() {
    const auto reading = m_scene.caliperReading();
    if (reading) {
        m_caliperLabel->setText(QString::fromStdString(reading->second));
        return;
    }
    m_caliperLabel->setText(
        m_scene.caliperSet().empty()
            ? tr("Drag across a lead to measure (R, P, Q, T, F choose RR, PR, QRS, QT or free first).")
            : tr("Click an end line to select a caliper; Delete removes it."));
}

void EcgView::setNextCaliperKind(CaliperKind kind) {
    m_scene.setNextCaliperKind(kind);
    m_syncing = true;
    m_caliperKindBox->setCurrentIndex(m_caliperKindBox->findData(static_cast<int>(kind)));
    m_syncing = false;
    emit statusMessage(tr("Next caliper: %1")
                           .arg(QString::fromUtf8(caliperKindLabel(kind).data(),
                                                  static_cast<qsizetype>(caliperKindLabel(kind).size()))));
}

void EcgView::refreshCaliperPanel() {
    m_syncing = true;
    const std::vector<Measurement> all = m_scene.caliperMeasurements();
    m_caliperTable->setRowCount(0);
    m_caliperTable->setRowCount(static_cast<int>(all.size()));
    int selectedRow = -1;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Measurement& m = all[i];
        const int r = static_cast<int>(i);
        auto* lead = new QTableWidgetItem(QString::fromStdString(m.lead));
        lead->setData(Qt::UserRole, m.caliperId);
        m_caliperTable->setItem(r, 0, lead);
        const std::string name =
            m.method.empty() || m.unitUcum == "mV" ? m.name : m.name + " (" + m.method + ")";
        m_caliperTable->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(name)));
        const QString value = m.value ? QString::fromStdString(formatMeasurementValue(m) + " " + m.unitUcum)
                                      : QString::fromStdString(m.basis);
        auto* v = new QTableWidgetItem(value);
        v->setToolTip(QString::fromStdString(m.basis));
        m_caliperTable->setItem(r, 2, v);
        if (selectedRow < 0 && m.caliperId == m_scene.selectedCaliper())
            selectedRow = r;
    }
    m_caliperTable->resizeColumnsToContents();
    if (selectedRow >= 0)
        m_caliperTable->selectRow(selectedRow);
    m_syncing = false;
    refreshCaliperLabel();
}

std::vector<registry::ReaderMeasurement> EcgView::readerMeasurements() const {
    std::vector<registry::ReaderMeasurement> out;
    for (const Measurement& m : m_scene.caliperMeasurements()) {
        if (!m.value)
            continue; // a QTc without an RR is no measurement: the panel says what is missing
        registry::ReaderMeasurement r;
        r.name = QString::fromStdString(m.name == "QTc" ? "QTc (" + m.method + ")" : m.name);
        r.value = QString::fromStdString(formatMeasurementValue(m)).left(16); // a DICOM DS
        r.unit = QString::fromStdString(m.unitUcum);
        r.lead = QString::fromStdString(m.lead);
        r.startSeconds = m.startSeconds;
        r.endSeconds = m.endSeconds;
        r.method = QString::fromStdString(m.method);
        out.push_back(std::move(r));
    }
    return out;
}

void EcgView::setPaperLayout(PaperLayout layout) {
    PaperSettings s = m_scene.settings();
    s.layout = layout;
    applySettings(s);
}

void EcgView::setSpeed(double mmPerSecond) {
    PaperSettings s = m_scene.settings();
    s.speedMmPerSecond = mmPerSecond;
    applySettings(s);
}

void EcgView::setGain(double mmPerMillivolt) {
    PaperSettings s = m_scene.settings();
    s.gainMmPerMillivolt = mmPerMillivolt;
    applySettings(s);
}

void EcgView::setStartSeconds(double seconds) {
    m_scene.setStartSeconds(seconds);
    m_canvas->sceneChanged();
    syncScrollBars();
    refreshCaliperLabel();
}

FilterSettings EcgView::displayFilters() const {
    return m_filters;
}

void EcgView::setDisplayFilters(const FilterSettings& filters) {
    if (filters == m_filters)
        return;
    m_filters = filters;
    syncControls();
    rebuildTraces();
}

bool EcgView::hasMedianBeat() const {
    return m_recording && m_recording->medianBeat() != nullptr;
}

void EcgView::setMedianBeatShown(bool shown) {
    shown = shown && hasMedianBeat();
    if (shown == m_showMedian)
        return;
    m_showMedian = shown;
    syncControls();
    rebuildTraces();
}

bool EcgView::isPreparing() const {
    return m_pendingBuilds > 0;
}

std::size_t EcgView::wantedGroup() const {
    return m_recording ? groupFor(*m_recording, m_showMedian) : 0;
}

void EcgView::rebuildTraces() {
    if (!m_recording)
        return;
    if (m_cancel)
        *m_cancel = true;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    auto rec = m_recording;
    const std::size_t group = wantedGroup();
    const FilterSettings filters = m_filters;
    ++m_pendingBuilds;
    m_scene.setNote(filters.any() ? tr("Applying display filters (%1)…")
                                        .arg(QString::fromStdString(describeFilters(filters)))
                                        .toStdString()
                                  : std::string());
    m_canvas->update();
    m_build.setFuture(QtConcurrent::run(
        [rec, group, filters, cancel] { return TraceSet::build(rec, group, filters, cancel.get()); }));
}

void EcgView::onTracesBuilt() {
    m_pendingBuilds = std::max(0, m_pendingBuilds - 1);
    auto traces = m_build.future().result();
    if (!traces || traces->recordingPtr() != m_recording || traces->groupIndex() != wantedGroup() ||
        !(traces->filters() == m_filters)) {
        return; // cancelled or superseded by a newer choice
    }
    m_scene.setNote({});
    const std::size_t calipersBefore = m_scene.caliperSet().list().size();
    m_scene.setTraces(traces); // the median beat instead of the rhythm (or back) clears the calipers
    if (m_scene.caliperSet().list().size() != calipersBefore) {
        refreshCaliperPanel();
        emit measurementsChanged();
    }
    m_pendingBuilds = 0;
    m_canvas->sceneChanged();
    syncScrollBars();
    syncControls();
    refreshOverlayPanel();
    emit statusMessage(describe(*traces));
    emit tracesReady();
}

std::optional<registry::DisplayedContent> EcgView::displayedContent() const {
    return m_recording ? m_recording->content : std::nullopt;
}

void EcgView::openInstance(const dicom::InstanceHeader& header) {
    openFile(QString::fromStdString(header.path.string()));
}

void EcgView::clearForOpen(const QString& path) {
    if (m_cancel)
        *m_cancel = true;
    m_build.waitForFinished(); // a cancelled trace build: it stops at its next check
    m_pendingBuilds = 0;
    clearOverlays(); // findings belong to the instance they were verified for
    m_path = path;
    m_recording.reset();
    m_showMedian = false;
    m_scene.setNote({});
    m_scene.setTraces(nullptr); // nothing from a previous file stays on the paper (calipers neither)
    m_measurements->setRowCount(0);
    m_warnings->hide();
    refreshCaliperPanel();
    emit measurementsChanged();
}

void EcgView::openFile(const QString& path) {
    // A new open supersedes the one under way: its result, whenever it arrives, is dropped (its ticket).
    const OpenTicket ticket = beginOpen();
    clearForOpen(path);
    m_canvas->setMessage(tr("Opening %1…").arg(path));
    m_canvas->sceneChanged();
    syncControls();

    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel;
    const FilterSettings filters = m_filters;
    const std::filesystem::path file = path.toStdString();
    // The worker holds no pointer to the view: a view closed meanwhile leaves it to finish into nothing.
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, ticket, path, cancel] {
        watcher->deleteLater();
        if (!isCurrentOpen(ticket) || cancel->load()) {
            return; // cancelled, or another file was opened since: that one is on the paper now
        }
        finishOpen(path, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([file, filters, cancel] {
        Loaded out;
        auto rec = readDicomEcg(file);
        if (!rec) {
            out.error = QString::fromStdString(rec.error().message);
            return out;
        }
        if (rec->groups.empty()) {
            out.error = QObject::tr("%1 holds no waveform group").arg(QString::fromStdString(file.string()));
            return out;
        }
        out.recording = std::make_shared<const Recording>(std::move(rec).value());
        out.traces = TraceSet::build(out.recording, groupFor(*out.recording, false), filters, cancel.get());
        return out;
    }));
}

void EcgView::finishOpen(const QString& path, const Loaded& loaded) {
    endOpen();
    if (!loaded.error.isEmpty() || !loaded.traces || loaded.traces->channels().empty()) {
        const QString why = !loaded.error.isEmpty() ? loaded.error
                            : !loaded.traces        ? tr("opening %1 was cancelled").arg(path)
                                                    : tr("%1 has no waveform channels").arg(path);
        m_canvas->setMessage(tr("This ECG cannot be shown: %1").arg(why));
        m_canvas->sceneChanged();
        syncControls();
        emit failed(path, why);
        return;
    }
    m_recording = loaded.recording;
    PaperSettings s = m_scene.settings();
    s.startSeconds = 0.0;
    m_scene.setSettings(s);
    m_scene.setTraces(loaded.traces);
    m_canvas->setMessage({});
    m_canvas->setScrollMm(QPointF(0, 0));
    fillPanel();
    m_canvas->sceneChanged();
    syncScrollBars();
    syncControls();
    emit statusMessage(describe(*loaded.traces));
    emit tracesReady();
    emit opened(path);
}

void EcgView::cancelOpen() {
    if (!abandonOpen())
        return;
    if (m_cancel)
        *m_cancel = true;
    m_path.clear();
    m_canvas->setMessage(tr("No ECG open"));
    m_canvas->sceneChanged();
    syncControls();
}

void EcgView::showRecording(std::shared_ptr<const Recording> recording, const QString& path) {
    abandonOpen(); // an open under way is superseded
    clearForOpen(path);
    if (!recording || recording->groups.empty()) {
        m_canvas->setMessage(tr("No ECG open"));
        m_canvas->sceneChanged();
        return;
    }
    m_recording = std::move(recording);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    // A recording made in code is already in memory: its traces are built here, without a worker to wait for
    // (the GUI thread never waits in a nested event loop).
    auto traces = TraceSet::build(m_recording, groupFor(*m_recording, false), m_filters, m_cancel.get());
    PaperSettings s = m_scene.settings();
    s.startSeconds = 0.0;
    m_scene.setSettings(s);
    m_scene.setTraces(traces);
    m_canvas->setMessage({});
    fillPanel();
    m_canvas->sceneChanged();
    syncScrollBars();
    syncControls();
    emit tracesReady();
}

void EcgView::fillPanel() {
    m_measurements->setRowCount(0);
    if (!m_recording)
        return;
    const auto rows = measurementRows(*m_recording);
    m_measurements->setRowCount(static_cast<int>(rows.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const int r = static_cast<int>(i);
        m_measurements->setItem(r, 0, new QTableWidgetItem(QString::fromStdString(rows[i].name)));
        m_measurements->setItem(r, 1, new QTableWidgetItem(QString::fromStdString(rows[i].value)));
        m_measurements->setItem(r, 2, new QTableWidgetItem(QString::fromStdString(rows[i].where)));
    }
    m_measurements->resizeColumnsToContents();
    QStringList warnings;
    for (const auto& w : m_recording->warnings)
        warnings << QString::fromStdString(w);
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
}

void EcgView::syncScrollBars() {
    m_syncing = true;
    const PaperPage& page = m_scene.page();
    const QSizeF vis = m_canvas->visibleMm();
    const QPointF scroll = m_canvas->scrollMm();
    const int hMax = static_cast<int>(std::ceil(std::max(0.0, page.widthMm - vis.width()) * 10));
    const int vMax = static_cast<int>(std::ceil(std::max(0.0, page.heightMm - vis.height()) * 10));
    m_hScroll->setRange(0, hMax);
    m_hScroll->setPageStep(static_cast<int>(vis.width() * 10));
    m_hScroll->setSingleStep(50);
    m_hScroll->setValue(static_cast<int>(std::lround(std::max(0.0, scroll.x()) * 10)));
    m_hScroll->setVisible(hMax > 0 && !m_fitted); // a fitted page is in the window whole
    m_vScroll->setRange(0, vMax);
    m_vScroll->setPageStep(static_cast<int>(vis.height() * 10));
    m_vScroll->setSingleStep(50);
    m_vScroll->setValue(static_cast<int>(std::lround(std::max(0.0, scroll.y()) * 10)));
    m_vScroll->setVisible(vMax > 0 && !m_fitted);
    const double maxStart = m_scene.maxStartSeconds();
    const int tMax = static_cast<int>(std::ceil(maxStart * 10));
    m_timeBar->setRange(0, tMax);
    m_timeBar->setPageStep(static_cast<int>(m_scene.settings().pageSeconds * 10));
    m_timeBar->setSingleStep(10);
    m_timeBar->setValue(static_cast<int>(std::lround(m_scene.settings().startSeconds * 10)));
    const bool timeShown = tMax > 0;
    m_timeBar->setVisible(timeShown);
    m_timeLabel->setVisible(timeShown);
    if (timeShown && m_scene.traces()) {
        m_timeLabel->setText(
            tr("%1 of %2")
                .arg(QString::fromStdString(formatClock(m_scene.settings().startSeconds)),
                     QString::fromStdString(formatClock(m_scene.traces()->durationSeconds()))));
    }
    m_syncing = false;
}

void EcgView::syncControls() {
    m_syncing = true;
    const PaperSettings& s = m_scene.settings();
    m_layoutBox->setCurrentIndex(m_layoutBox->findData(static_cast<int>(s.layout)));
    m_speedBox->setCurrentIndex(m_speedBox->findData(s.speedMmPerSecond));
    m_gainBox->setCurrentIndex(m_gainBox->findData(s.gainMmPerMillivolt));
    m_highPass->setChecked(m_filters.baselineWander);
    m_notchBox->setCurrentIndex(m_notchBox->findData(static_cast<int>(m_filters.notch)));
    m_lowPassBox->setCurrentIndex(m_lowPassBox->findData(static_cast<int>(m_filters.lowPass)));
    m_medianButton->setEnabled(hasMedianBeat());
    m_medianButton->setChecked(m_showMedian);
    m_ppmBox->setValue(s.pixelsPerMm);
    m_ruler->setPixelsPerMm(s.pixelsPerMm);
    const QScreen* scr = screen();
    m_dpiLabel->setText(m_calibratedPixelsPerMm > 0
                            ? tr("Calibrated by hand: %1 px/mm (the screen reports %2 dpi).")
                                  .arg(m_calibratedPixelsPerMm, 0, 'f', 3)
                                  .arg(scr != nullptr ? scr->physicalDotsPerInch() : 0.0, 0, 'f', 1)
                            : tr("From the screen's physical size: %1 dpi.")
                                  .arg(scr != nullptr ? scr->physicalDotsPerInch() : 0.0, 0, 'f', 1));
    m_syncing = false;
    refreshCaliperLabel();
}

QStringList EcgView::paintedTexts() const {
    QStringList out;
    if (!m_scene.hasData()) {
        if (!m_canvas->message().isEmpty())
            out << m_canvas->message();
        return out;
    }
    for (const PaperText& t : m_scene.texts()) {
        out << QString::fromStdString(t.text);
    }
    for (const std::string& t : m_scene.overlayTexts()) {
        out << QString::fromStdString(t);
    }
    if (const auto r = m_scene.caliperReading()) {
        out << QString::fromStdString(r->second);
    }
    for (const std::string& t : m_scene.caliperCaptions()) {
        out << QString::fromStdString(t);
    }
    return out;
}

void EcgView::clearOverlays() {
    m_scene.setOverlays({});
    refreshOverlayPanel();
}

void EcgView::setFindingOverlays(const std::vector<registry::FindingOverlay>& overlays) {
    std::vector<EcgFindingOverlay> ecg;
    for (const registry::FindingOverlay& f : overlays) {
        if (f.visible)
            ecg.push_back(toEcgOverlay(f)); // hidden ones never reach the paper
    }
    m_scene.setOverlays(std::move(ecg));
    m_canvas->sceneChanged();
    syncScrollBars();
    refreshCaliperLabel();
    refreshOverlayPanel();
}

void EcgView::setOverlayOpacity(double opacity) {
    m_scene.setOverlayOpacity(opacity);
    const int percent = static_cast<int>(std::lround(m_scene.overlayOpacity() * 100.0));
    m_syncing = true;
    m_opacitySlider->setValue(percent);
    m_syncing = false;
    m_opacityLabel->setText(tr("%1 %").arg(percent));
    m_canvas->update();
}

double EcgView::overlayOpacity() const {
    return m_scene.overlayOpacity();
}

QString EcgView::overlayReport() const {
    return m_overlayReport->text();
}

void EcgView::refreshOverlayPanel() {
    const auto& overlays = m_scene.overlays();
    m_overlayBox->setVisible(!overlays.empty());
    QStringList lines;
    const TraceSet* traces = m_scene.traces().get();
    for (const SceneOverlay& so : overlays) {
        const EcgFindingOverlay& o = so.prepared.overlay();
        const OverlayResolution& r = so.resolution;
        QString title = o.label.empty() ? tr("AI finding") : QString::fromStdString(o.label);
        if (!o.trusted)
            title = tr("UNTRUSTED — %1").arg(title);
        lines << title;
        if (traces == nullptr) {
            lines << tr("  waiting for the recording");
            continue;
        }
        std::vector<std::size_t> bandChannels; // matched leads with some relevance above 0
        for (std::size_t i = 0; i < r.bands.size(); ++i) {
            if (so.bandExtents[i])
                bandChannels.push_back(r.bands[i].channel);
        }
        if (!bandChannels.empty()) {
            lines << tr("  relevance under %1").arg(leadList(*traces, bandChannels));
        } else if (!r.bands.empty()) {
            lines << tr("  relevance 0 on every lead");
        }
        if (r.regionShown) {
            lines << tr("  region on %1, %2–%3 s")
                         .arg(leadList(*traces, r.regionChannels))
                         .arg(r.regionStartSeconds, 0, 'f', 2)
                         .arg(r.regionEndSeconds, 0, 'f', 2);
        }
        if (r.bands.empty() && !r.regionShown) {
            lines << tr("  nothing of it can be drawn on this recording");
        }
        for (const std::string& p : r.problems) {
            lines << tr("  not drawn: %1").arg(QString::fromStdString(p));
        }
    }
    m_overlayReport->setText(lines.join(QLatin1Char('\n')));
}

void EcgView::focusFinding(const QString& key) {
    const auto index = m_scene.overlayIndex(key.toStdString());
    if (!index || !m_scene.hasData() || m_scene.medianBeat())
        return;
    const OverlayResolution& r = m_scene.overlays()[*index].resolution;
    if (!r.focusSeconds)
        return;
    const auto [a, b] = *r.focusSeconds;
    std::optional<std::size_t> channel;
    if (r.regionShown && !r.regionChannels.empty()) {
        channel = r.regionChannels.front();
    } else if (!r.bands.empty()) {
        channel = r.bands.front().channel;
    }
    // Where that lead sits in the page's time: its grid cell's offset from the page start and its length.
    const PaperPage& before = m_scene.page();
    const PaperCell* cell = channel ? before.cellFor(*channel) : nullptr;
    if (cell == nullptr && channel)
        cell = before.cellFor(*channel, true);
    const double offset = cell != nullptr ? cell->startSeconds - before.startSeconds : 0.0;
    const double span =
        cell != nullptr ? cell->endSeconds - cell->startSeconds : m_scene.settings().pageSeconds;
    const double length = b - a;
    setStartSeconds(length >= span ? a - offset : a - offset - (span - length) / 2.0);

    // Then scroll the paper to the cell that shows the start of the range: the lead's own, else the rhythm
    // strip.
    const PaperPage& page = m_scene.page();
    const PaperCell* own = nullptr;
    const PaperCell* strip = nullptr;
    for (const PaperCell& c : page.cells) {
        if (!(c.startSeconds < b && a < c.endSeconds))
            continue;
        if (own == nullptr && channel && c.channel == *channel)
            own = &c;
        if (strip == nullptr && c.rhythmStrip)
            strip = &c;
    }
    const PaperCell* target = own != nullptr ? own : strip;
    if (target == nullptr)
        return;
    const double x0 = target->xAt(std::max(a, target->startSeconds));
    const double x1 = target->xAt(std::min(b, target->endSeconds));
    const QSizeF vis = m_canvas->visibleMm();
    QPointF scroll = m_canvas->scrollMm();
    constexpr double margin = 5.0;
    auto fit = [](double lo, double hi, double at, double size) {
        if (hi - lo + 2 * margin > size)
            return lo - margin; // larger than the view: its start
        if (lo - margin < at)
            return lo - margin;
        if (hi + margin > at + size)
            return hi + margin - size;
        return at;
    };
    scroll.setX(fit(x0, x1, scroll.x(), vis.width()));
    scroll.setY(fit(target->topMm, target->bottomMm, scroll.y(), vis.height()));
    m_canvas->setScrollMm(scroll);
    syncScrollBars();
}

std::vector<registry::DeviceStatement> EcgView::deviceStatements() const {
    // The statements the device wrote ("Sinus rhythm"), as the measurement panel lists them; numeric
    // annotations are measurements, not statements, and are left out. Only while a recording is on the paper.
    std::vector<registry::DeviceStatement> out;
    if (!m_recording || !displayedContent()) {
        return out;
    }
    for (const Annotation& a : m_recording->annotations) {
        if (a.numericValue) {
            continue;
        }
        const std::string text = a.displayText();
        if (!text.empty()) {
            registry::DeviceStatement statement;
            statement.text = QString::fromStdString(text);
            out.push_back(std::move(statement));
        }
    }
    return out;
}

} // namespace veridicor::ecg
