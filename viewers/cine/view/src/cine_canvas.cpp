#include <veridicor/cine_view/cine_canvas.h>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <vtkCamera.h>
#include <vtkLookupTable.h>
#include <vtkRenderer.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace veridicor::cine {

CineCanvas::CineCanvas(QWidget* parent)
    : VtkOpenGLWidget(parent), m_scene(std::make_unique<CineScene>(renderer())),
      m_draftLine(&m_scene->addPolyline()) {
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    renderer()->SetBackground(0.0, 0.0, 0.0);
    m_draftLine->setColor(0.4, 0.9, 1.0);
    m_draftLine->setVisible(false);
}

CineCanvas::~CineCanvas() = default;

void CineCanvas::setImageGeometry(int width, int height, double pixelAspect,
                                  std::vector<UltrasoundRegion> regions) {
    m_imageW = width;
    m_imageH = height;
    m_aspect = pixelAspect > 0 ? pixelAspect : 1.0;
    m_regions = std::move(regions);
    clearMeasurements();
    m_fitting = true;
    applyFit();
    update();
}

void CineCanvas::addFrameOverlay(std::shared_ptr<FrameOverlay> overlay) {
    if (overlay)
        m_overlays.push_back(std::move(overlay));
}

void CineCanvas::showFrame(const std::shared_ptr<const CachedFrame>& frame) {
    m_frame = frame;
    m_shownIndex = frame ? frame->index : -1;
    if (frame && frame->image) {
        m_scene->frameLayer().setRgb(frame->image, m_aspect);
        m_scene->setAlert({});
    } else {
        m_scene->frameLayer().setVisible(false);
        std::string why = frame && frame->error ? frame->error->message : std::string();
        const std::string prefix = "frame " + std::to_string(m_shownIndex + 1) + ": ";
        if (why.rfind(prefix, 0) == 0) {
            why.erase(0, prefix.size()); // the first line already names the frame
        }
        m_scene->setAlert(frame && frame->error
                              ? "Frame " + std::to_string(frame->index + 1) + " cannot be shown:\n" + why
                              : std::string());
    }
    for (auto& o : m_overlays) {
        o->frameShown(m_shownIndex, *m_scene);
    }
    update();
}

void CineCanvas::clearFrame(const QString& message) {
    m_frame.reset();
    m_shownIndex = -1;
    m_scene->frameLayer().setVisible(false);
    m_scene->setAlert(message.toStdString());
    update();
}

void CineCanvas::setTool(Tool tool) {
    m_tool = tool;
    m_draft.clear();
    m_draftLine->setVisible(false);
    setCursor(tool == Tool::Distance || tool == Tool::Area ? Qt::CrossCursor : Qt::ArrowCursor);
    update();
}

// ---- camera ----

void CineCanvas::applyFit() {
    if (m_imageW <= 0 || m_imageH <= 0)
        return;
    const QSize dev = deviceSize();
    const double worldW = m_imageW, worldH = m_imageH * m_aspect;
    // Leave bands above and below the image for the overlay text (four lines on top, two below) when the view
    // is tall enough, so that it does not cover the image or its burned-in labels.
    // The banner and notes of AI findings go under the top corners: their band is kept free too.
    const double line = 14.0 * devicePixelRatioF() * 1.35;
    double top = 4.4 * line + m_scene->noteBandHeight(), bottom = 2.4 * line;
    if (dev.height() - top - bottom < dev.height() * 0.6) {
        top = bottom = 0.0;
    }
    const double availH = std::max(1.0, dev.height() - top - bottom);
    m_wpp = std::max(worldW / dev.width(), worldH / availH);
    m_cx = (m_imageW - 1) / 2.0;
    // Centre the image in the band between the reserved areas.
    m_cy = (m_imageH - 1) * m_aspect / 2.0 - (top - bottom) / 2.0 * m_wpp;
}

void CineCanvas::overlayTextsChanged() {
    if (m_fitting)
        applyFit();
    update();
}

void CineCanvas::fit() {
    m_fitting = true;
    applyFit();
    update();
}

void CineCanvas::oneToOne() {
    m_fitting = false;
    m_wpp = 1.0; // one image pixel per device pixel
    snapToPixels();
    update();
}

void CineCanvas::snapToPixels() {
    // At 1:1, put pixel centres on screen pixel centres, so that each screen pixel shows one image pixel
    // exactly (no interpolation between neighbours).
    if (std::abs(m_wpp - 1.0) > 1e-12)
        return;
    const QSize dev = deviceSize();
    const double ox = dev.width() / 2.0 - 0.5, oy = dev.height() / 2.0 - 0.5;
    m_cx = std::round(m_cx - ox) + ox;
    m_cy = std::round(m_cy / m_aspect - oy) * m_aspect + oy * m_aspect;
}

double CineCanvas::zoom() const {
    return 1.0 / m_wpp;
}

void CineCanvas::zoomBy(double factor, QPointF anchor) {
    if (!(factor > 0) || !std::isfinite(factor))
        return;
    const PixelPoint before = imagePointAt(anchor);
    m_wpp = std::clamp(m_wpp / factor, 1.0 / 64.0, 64.0);
    m_fitting = false;
    // Keep the anchored image point under the cursor.
    const PixelPoint after = imagePointAt(anchor);
    m_cx += before.x - after.x;
    m_cy += (before.y - after.y) * m_aspect;
    update();
}

void CineCanvas::panBy(QPointF d) {
    const double dpr = devicePixelRatioF();
    m_cx -= d.x() * dpr * m_wpp;
    m_cy -= d.y() * dpr * m_wpp;
    m_fitting = false;
    snapToPixels();
    update();
}

PixelPoint CineCanvas::imagePointAt(QPointF pos) const {
    const QSize dev = deviceSize();
    const double dpr = devicePixelRatioF();
    const double wx = m_cx + (pos.x() * dpr - dev.width() / 2.0) * m_wpp;
    const double wy = m_cy + (pos.y() * dpr - dev.height() / 2.0) * m_wpp;
    return {wx, wy / m_aspect};
}

QPointF CineCanvas::widgetPointOf(PixelPoint p) const {
    const QSize dev = deviceSize();
    const double dpr = devicePixelRatioF();
    const double dx = (p.x - m_cx) / m_wpp + dev.width() / 2.0;
    const double dy = (p.y * m_aspect - m_cy) / m_wpp + dev.height() / 2.0;
    return {dx / dpr, dy / dpr};
}

void CineCanvas::ensureVisible(PixelPoint lo, PixelPoint hi) {
    const QPointF a = widgetPointOf({lo.x - 0.5, lo.y - 0.5});
    const QPointF b = widgetPointOf({hi.x + 0.5, hi.y + 0.5});
    if (a.x() >= 0 && a.y() >= 0 && b.x() <= width() && b.y() <= height())
        return;
    if (b.x() - a.x() > width() || b.y() - a.y() > height()) {
        fit();
        return;
    }
    m_cx = (lo.x + hi.x) / 2.0;
    m_cy = (lo.y + hi.y) / 2.0 * m_aspect;
    m_fitting = false;
    snapToPixels();
    update();
}

void CineCanvas::resizeGL(int w, int h) {
    VtkOpenGLWidget::resizeGL(w, h);
    if (m_fitting) {
        applyFit();
    } else {
        snapToPixels();
    }
}

void CineCanvas::prepareRender() {
    const QSize dev = deviceSize();
    vtkCamera* cam = renderer()->GetActiveCamera();
    cam->ParallelProjectionOn();
    // Looking along +z with view-up −y: x to the right, y (rows) downwards, row 0 at the top.
    cam->SetFocalPoint(m_cx, m_cy, 0.0);
    cam->SetPosition(m_cx, m_cy, -1000.0);
    cam->SetViewUp(0.0, -1.0, 0.0);
    cam->SetParallelScale(m_wpp * dev.height() / 2.0);
    cam->SetClippingRange(1.0, 2000.0);
    m_scene->setFontSize(std::max(10, static_cast<int>(std::lround(14 * devicePixelRatioF()))));
    m_scene->layoutTexts(dev.width(), dev.height());
}

bool CineCanvas::beginWarmUp() {
    // One of each: an RGB image layer, text, a polyline with handles.
    auto tiny = std::make_shared<RgbImage>();
    tiny->width = tiny->height = 2;
    tiny->pixels.assign(12, 0);
    m_savedAlert = m_scene->alert();
    m_scene->frameLayer().setRgb(tiny, 1.0);
    m_scene->setAlert(".");
    m_draftLine->setPoints({{0, 0}, {1, 1}}, false, 1.0);
    m_draftLine->setVisible(true);
    // A byte layer through a lookup table with alpha (as AI heatmaps are drawn).
    static const auto warmBytes = std::make_shared<const std::vector<std::uint8_t>>(4, std::uint8_t{128});
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetTableRange(0.0, 255.0);
    lut->SetAlphaRange(0.0, 1.0);
    lut->Build();
    m_warmLayer = &m_scene->addImageLayer();
    m_warmLayer->setBytes(warmBytes, 2, 2, 1.0, lut);
    m_warmLayer->setOpacity(0.5);
    return true;
}

void CineCanvas::endWarmUp() {
    if (m_warmLayer != nullptr) {
        m_scene->removeImageLayer(*m_warmLayer);
        m_warmLayer = nullptr;
    }
    if (m_frame && m_frame->image) {
        m_scene->frameLayer().setRgb(m_frame->image, m_aspect);
    } else {
        m_scene->frameLayer().setVisible(false);
    }
    m_scene->setAlert(m_savedAlert);
    refreshMeasurements();
}

// ---- measurements ----

CineCanvas::MeasurementItem CineCanvas::makeItem(bool area, std::vector<PixelPoint> points) const {
    MeasurementItem item;
    item.area = area;
    item.points = std::move(points);
    item.result = area ? measureArea(m_regions, item.points)
                       : measureDistance(m_regions, item.points[0], item.points[1]);
    item.frame = m_shownIndex;
    const int n = 1 + static_cast<int>(std::count_if(m_measurements.begin(), m_measurements.end(),
                                                     [&](const auto& m) { return m.area == area; }));
    const QString name = (area ? QStringLiteral("A%1") : QStringLiteral("D%1")).arg(n);
    const int decimals = item.result.unit == "cm²" ? 2 : 1;
    item.label = QStringLiteral("%1 %2 %3")
                     .arg(name)
                     .arg(item.result.value, 0, 'f', decimals)
                     .arg(QString::fromStdString(item.result.unit));
    if (!item.result.calibrated) {
        item.label += QStringLiteral(" (not calibrated)");
    }
    return item;
}

void CineCanvas::addDistance(PixelPoint a, PixelPoint b) {
    m_measurements.push_back(makeItem(false, {a, b}));
    refreshMeasurements();
    emit measurementAdded(m_measurements.back().label);
}

void CineCanvas::addArea(const std::vector<PixelPoint>& polygon) {
    if (polygon.size() < 3)
        return;
    m_measurements.push_back(makeItem(true, polygon));
    refreshMeasurements();
    emit measurementAdded(m_measurements.back().label);
}

void CineCanvas::clearMeasurements() {
    m_measurements.clear();
    m_draft.clear();
    refreshMeasurements();
    emit measurementsCleared();
}

void CineCanvas::refreshMeasurements() {
    for (Polyline* l : m_lines)
        m_scene->removePolyline(*l);
    m_lines.clear();
    m_scene->clearLabels();
    for (const auto& m : m_measurements) {
        Polyline& line = m_scene->addPolyline();
        line.setPoints(m.points, m.area, m_aspect);
        if (!m.result.calibrated)
            line.setColor(1.0, 0.6, 0.2);
        m_lines.push_back(&line);
        m_scene->addLabel(m.label.toStdString(), m.points.back(), m_aspect, !m.result.calibrated);
    }
    if (!m_draft.empty()) {
        auto shown = m_draft;
        if (m_tool == Tool::Area)
            shown.push_back(m_hover); // the rubber band to the mouse
        m_draftLine->setPoints(shown, false, m_aspect);
        m_draftLine->setVisible(true);
    } else {
        m_draftLine->setVisible(false);
    }
    update();
}

QStringList CineCanvas::paintedTexts() const {
    QStringList out;
    for (int c = 0; c < 4; ++c) {
        const QString t = QString::fromStdString(m_scene->cornerText(static_cast<CineScene::Corner>(c)));
        for (const QString& line : t.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            out << line;
    }
    for (const QString& line :
         QString::fromStdString(m_scene->alert()).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        out << line;
    }
    for (const auto& l : m_scene->labelTexts())
        out << QString::fromStdString(l);
    if (!m_scene->banner().empty())
        out << QString::fromStdString(m_scene->banner());
    for (const auto& l : m_scene->noteTexts())
        out << QString::fromStdString(l).trimmed();
    for (const auto& l : m_scene->findingLabelTexts())
        out << QString::fromStdString(l);
    return out;
}

// ---- interaction ----

void CineCanvas::mousePressEvent(QMouseEvent* e) {
    m_lastPos = e->position();
    if (e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && m_tool == Tool::Pan)) {
        m_drag = Drag::Pan;
    } else if (e->button() == Qt::RightButton ||
               (e->button() == Qt::LeftButton && m_tool == Tool::WindowLevel)) {
        m_drag = Drag::WindowLevel;
    } else if (e->button() == Qt::LeftButton && m_tool == Tool::Distance) {
        m_drag = Drag::Distance;
        const PixelPoint p = imagePointAt(e->position());
        m_draft = {p, p};
        refreshMeasurements();
    } else if (e->button() == Qt::LeftButton && m_tool == Tool::Area) {
        const PixelPoint p = imagePointAt(e->position());
        if (m_draft.empty() || std::hypot(p.x - m_draft.back().x, p.y - m_draft.back().y) >= 0.5) {
            m_draft.push_back(p);
        }
        m_hover = p;
        refreshMeasurements();
    }
}

void CineCanvas::mouseMoveEvent(QMouseEvent* e) {
    const QPointF d = e->position() - m_lastPos;
    m_lastPos = e->position();
    switch (m_drag) {
    case Drag::Pan:
        panBy(d);
        return;
    case Drag::WindowLevel:
        // Right: wider window; down: higher centre (darker), as in most viewers.
        emit windowLevelDragged(d.y(), d.x() * 2.0);
        return;
    case Drag::Distance:
        m_draft.back() = imagePointAt(e->position());
        refreshMeasurements();
        return;
    case Drag::None:
        break;
    }
    if (m_tool == Tool::Area && !m_draft.empty()) {
        m_hover = imagePointAt(e->position());
        refreshMeasurements();
    }
}

void CineCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (m_drag == Drag::Distance) {
        m_draft.back() = imagePointAt(e->position());
        const auto a = m_draft.front(), b = m_draft.back();
        m_draft.clear();
        if (std::hypot(b.x - a.x, b.y - a.y) >= 1.0) {
            addDistance(a, b);
        } else {
            refreshMeasurements();
        }
    }
    m_drag = Drag::None;
}

void CineCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
    if (m_tool == Tool::Area) {
        // The press of the double click has already added its point (or found it equal to the last one).
        if (m_draft.size() >= 3) {
            const auto poly = std::exchange(m_draft, {});
            addArea(poly);
        }
        return;
    }
    if (m_tool == Tool::Pan && e->button() == Qt::LeftButton) {
        fit();
    }
}

void CineCanvas::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps != 0.0) {
        zoomBy(std::pow(1.15, steps), e->position());
    }
    e->accept();
}

void CineCanvas::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Escape && !m_draft.empty()) {
        m_draft.clear();
        refreshMeasurements();
        return;
    }
    if ((e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) && m_tool == Tool::Area &&
        m_draft.size() >= 3) {
        const auto poly = std::exchange(m_draft, {});
        addArea(poly);
        return;
    }
    VtkOpenGLWidget::keyPressEvent(e);
}

} // namespace veridicor::cine
