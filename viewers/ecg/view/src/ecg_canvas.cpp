#include "ecg_canvas.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace veridicor::ecg {

namespace {
constexpr int kOverviewLogicalHeight = 64;
} // namespace

EcgCanvas::EcgCanvas(PaperScene& scene, QWidget* parent) : QOpenGLWidget(parent), m_scene(scene) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumSize(320, 240);
}

EcgCanvas::~EcgCanvas() {
    QObject::disconnect(m_contextConnection);
    releaseGl();
}

void EcgCanvas::releaseGl() {
    if (m_renderer.isInitialized() && context() != nullptr) {
        makeCurrent();
        m_renderer.release();
        doneCurrent();
    }
}

void EcgCanvas::initializeGL() {
    QObject::disconnect(m_contextConnection);
    m_contextConnection = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &EcgCanvas::releaseGl,
                                  Qt::DirectConnection);
    m_glError = m_renderer.initialize();
}

void EcgCanvas::resizeGL(int /*w*/, int /*h*/) {
    setScrollMm(m_scrollMm);
    emit scrolled(); // the visible part changed size: scroll bars follow
    emit resized();
}

int EcgCanvas::overviewHeight() const {
    const bool show = m_scene.hasData() && !m_scene.medianBeat() && m_scene.maxStartSeconds() > 0.0;
    return show ? static_cast<int>(std::lround(kOverviewLogicalHeight * devicePixelRatioF())) : 0;
}

PaperViewport EcgCanvas::viewport() const {
    PaperViewport vp;
    vp.devicePixelRatio = devicePixelRatioF();
    vp.pixels = QSize(static_cast<int>(std::lround(width() * vp.devicePixelRatio)),
                      static_cast<int>(std::lround(height() * vp.devicePixelRatio)));
    vp.overviewHeight = overviewHeight();
    vp.scrollMm = m_scrollMm;
    return vp;
}

QSizeF EcgCanvas::visibleMm() const {
    const PaperViewport vp = viewport();
    const double ppm = m_scene.page().scale.pixelsPerMm;
    return {vp.pixels.width() / ppm, (vp.pixels.height() - vp.overviewHeight) / ppm};
}

void EcgCanvas::setScrollMm(QPointF mm) {
    const PaperPage& page = m_scene.page();
    const QSizeF vis = visibleMm();
    double x = mm.x();
    double y = mm.y();
    x = page.widthMm <= vis.width() ? -(vis.width() - page.widthMm) / 2.0
                                    : std::clamp(x, 0.0, page.widthMm - vis.width());
    y = page.heightMm <= vis.height() ? 0.0 : std::clamp(y, 0.0, page.heightMm - vis.height());
    if (QPointF(x, y) != m_scrollMm) {
        m_scrollMm = QPointF(x, y);
        emit scrolled();
    }
    update();
}

void EcgCanvas::sceneChanged() {
    setScrollMm(m_scrollMm);
    update();
}

void EcgCanvas::setMessage(const QString& text) {
    m_message = text;
    update();
}

void EcgCanvas::paintGL() {
    const PaperViewport vp = viewport();
    if (m_glError.isEmpty()) {
        m_renderer.render(m_scene, vp);
    }
    // Paint the texts into the framebuffer we just drew (not through the widget, whose painting Qt redirects
    // beneath the GL image when the window is grabbed): on screen and in screenshots they are the same
    // pixels.
    QOpenGLPaintDevice device(vp.pixels);
    device.setDevicePixelRatio(vp.devicePixelRatio);
    QPainter painter(&device);
    if (m_glError.isEmpty()) {
        m_renderer.paintOverlay(painter, m_scene, vp);
    }
    const QString text = !m_glError.isEmpty() ? tr("The ECG cannot be drawn: %1").arg(m_glError)
                         : !m_scene.hasData() ? m_message
                                              : QString();
    if (!text.isEmpty()) {
        if (!m_glError.isEmpty())
            painter.fillRect(rect(), QColor(0x8c, 0x91, 0x99));
        painter.setPen(Qt::white);
        QFont f = painter.font();
        f.setPixelSize(16);
        painter.setFont(f);
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, text);
    }
}

QPointF EcgCanvas::devicePx(QPointF logical) const {
    return logical * devicePixelRatioF();
}

PagePoint EcgCanvas::pageMm(QPointF logical) const {
    return PaperRenderer::pageMmAt(m_scene, viewport(), devicePx(logical));
}

void EcgCanvas::overviewAt(QPointF logical) {
    const QRectF band = PaperRenderer::overviewRect(viewport());
    if (band.isEmpty() || !m_scene.hasData())
        return;
    const double frac = std::clamp((devicePx(logical).x() - band.left()) / band.width(), 0.0, 1.0);
    emit overviewClicked(frac * m_scene.traces()->durationSeconds() - m_scene.settings().pageSeconds / 2.0);
}

void EcgCanvas::mousePressEvent(QMouseEvent* event) {
    setFocus();
    m_pressPos = m_lastPos = event->position();
    const QRectF band = PaperRenderer::overviewRect(viewport());
    if (!band.isEmpty() && band.contains(devicePx(event->position()))) {
        m_drag = Drag::Overview;
        overviewAt(event->position());
        return;
    }
    if (event->button() == Qt::MiddleButton ||
        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier))) {
        m_drag = Drag::Time;
        setCursor(Qt::SizeHorCursor);
        return;
    }
    if (event->button() == Qt::LeftButton) {
        const PagePoint mm = pageMm(event->position());
        const PaperPage& page = m_scene.page();
        if (const PaperCell* cell = m_scene.hasData() ? page.cellAt(mm) : nullptr) {
            m_drag = Drag::Calipers;
            m_scene.setCalipers(PaperScene::Calipers{static_cast<std::size_t>(cell - page.cells.data()), mm,
                                                     mm, m_scene.nextCaliperKind()});
            update();
            return;
        }
        m_drag = Drag::Scroll;
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    if (event->button() == Qt::RightButton) {
        m_scene.setCalipers(std::nullopt); // a drag under way is dropped; placed calipers stay
        update();
    }
}

void EcgCanvas::mouseMoveEvent(QMouseEvent* event) {
    const QPointF delta = event->position() - m_lastPos;
    m_lastPos = event->position();
    const double ppmLogical = m_scene.page().scale.pixelsPerMm / devicePixelRatioF();
    switch (m_drag) {
    case Drag::None:
        break;
    case Drag::Overview:
        overviewAt(event->position());
        break;
    case Drag::Time:
        emit panTime(-delta.x() / ppmLogical / m_scene.settings().speedMmPerSecond);
        break;
    case Drag::Scroll:
        setScrollMm(m_scrollMm - delta / ppmLogical);
        break;
    case Drag::Calipers:
        if (auto cal = m_scene.calipers()) {
            const PaperCell& cell = m_scene.page().cells[cal->cellIndex];
            PagePoint mm = pageMm(event->position());
            // Calipers stay on the lead where they started.
            mm.x = std::clamp(mm.x, cell.xMm, cell.xMm + cell.widthMm);
            cal->secondMm = mm;
            m_scene.setCalipers(cal);
            if (const auto r = m_scene.caliperReading()) {
                emit calipersChanged(QString::fromStdString(r->second));
            }
            update();
        }
        break;
    }
}

void EcgCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (m_drag == Drag::Calipers) {
        if (const auto cal = m_scene.calipers(); cal && cal->cellIndex < m_scene.page().cells.size()) {
            const PaperCell& cell = m_scene.page().cells[cal->cellIndex];
            m_scene.setCalipers(std::nullopt);
            if ((event->position() - m_pressPos).manhattanLength() < 3) {
                // A click: selects the caliper whose end line is under it (within 1.5 mm), or none.
                m_scene.setSelectedCaliper(m_scene.caliperAt(cal->cellIndex, cal->firstMm.x, 1.5));
            } else {
                m_scene.placeCaliper(cal->cellIndex, cell.secondsAt(cal->firstMm.x),
                                     cell.secondsAt(cal->secondMm.x), cal->kind);
            }
            emit calipersChanged(QString());
            update();
        }
    }
    m_drag = Drag::None;
    unsetCursor();
}

void EcgCanvas::wheelEvent(QWheelEvent* event) {
    const double ppmLogical = m_scene.page().scale.pixelsPerMm / devicePixelRatioF();
    QPointF steps = QPointF(event->angleDelta()) / 120.0 * 40.0 / ppmLogical; // 40 logical px per notch
    if (event->modifiers() & Qt::ShiftModifier) {
        steps = QPointF(steps.y(), steps.x());
    }
    if (event->modifiers() & Qt::ControlModifier) {
        emit panTime(-steps.y() * ppmLogical / 40.0); // one second per notch
    } else {
        setScrollMm(m_scrollMm - steps);
    }
    event->accept();
}

void EcgCanvas::keyPressEvent(QKeyEvent* event) {
    const double page = m_scene.settings().pageSeconds;
    switch (event->key()) {
    case Qt::Key_Left:
        emit panTime(-1.0);
        break;
    case Qt::Key_Right:
        emit panTime(1.0);
        break;
    case Qt::Key_PageUp:
        emit panTime(-page);
        break;
    case Qt::Key_PageDown:
        emit panTime(page);
        break;
    case Qt::Key_Home:
        emit panTime(-1e12);
        break;
    case Qt::Key_End:
        emit panTime(1e12);
        break;
    case Qt::Key_Escape:
        m_scene.setCalipers(std::nullopt);
        m_scene.clearCalipers();
        emit calipersChanged(QString());
        update();
        break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (m_scene.selectedCaliper() != 0 && m_scene.removeCaliper(m_scene.selectedCaliper())) {
            emit calipersChanged(QString());
            update();
        }
        break;
    // The kind of the next caliper: R RR, P PR, Q QRS, T QT, F free.
    case Qt::Key_R:
        emit caliperKindChosen(CaliperKind::RR);
        break;
    case Qt::Key_P:
        emit caliperKindChosen(CaliperKind::PR);
        break;
    case Qt::Key_Q:
        emit caliperKindChosen(CaliperKind::QRS);
        break;
    case Qt::Key_T:
        emit caliperKindChosen(CaliperKind::QT);
        break;
    case Qt::Key_F:
        emit caliperKindChosen(CaliperKind::Free);
        break;
    case Qt::Key_W:
        emit fitRequested();
        break;
    default:
        QOpenGLWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

} // namespace veridicor::ecg
