#pragma once
// The GL canvas of the ECG view: a QOpenGLWidget that draws the PaperScene with PaperRenderer, scrolls the
// page, pans the recording time and places calipers with the mouse.

#include <veridicor/ecg_view/paper_renderer.h>
#include <veridicor/ecg_view/paper_scene.h>

#include <QOpenGLWidget>
#include <QPointF>

#include <optional>

namespace veridicor::ecg {

class EcgCanvas : public QOpenGLWidget {
    Q_OBJECT
public:
    EcgCanvas(PaperScene& scene, QWidget* parent = nullptr);
    ~EcgCanvas() override;
    Q_DISABLE_COPY_MOVE(EcgCanvas)

    /// Page point (mm) at the top-left of the page area; clamped so the page stays in view (centred when it
    /// is smaller than the canvas).
    void setScrollMm(QPointF mm);
    [[nodiscard]] QPointF scrollMm() const { return m_scrollMm; }
    /// Page area in mm (canvas minus the overview strip).
    [[nodiscard]] QSizeF visibleMm() const;
    [[nodiscard]] PaperViewport viewport() const;
    /// Call after the scene changed (it re-clamps the scroll position and repaints).
    void sceneChanged();
    /// What went wrong creating the GL resources, or empty.
    [[nodiscard]] const QString& glError() const { return m_glError; }
    /// A message drawn in the middle of an empty page ("Opening…", an error).
    void setMessage(const QString& text);
    [[nodiscard]] const QString& message() const { return m_message; }
    [[nodiscard]] const PaperFrameStats& lastFrame() const { return m_renderer.lastFrame(); }

signals:
    /// The scroll position changed from inside (wheel, drag, keys).
    void scrolled();
    /// The reader dragged the recording time (seconds to add to the page start).
    void panTime(double deltaSeconds);
    /// The reader clicked the overview strip at this recording time (seconds).
    void overviewClicked(double seconds);
    /// The calipers changed: the one being dragged (its reading as text), or the set (placed, selected,
    /// removed; empty text).
    void calipersChanged(const QString& text);
    /// A key chose the kind of the next caliper (R, P, Q, T, F).
    void caliperKindChosen(veridicor::ecg::CaliperKind kind);
    /// W: fit the page to the window.
    void fitRequested();
    /// The canvas changed size (a page fitted to the window follows it).
    void resized();

protected:
    void initializeGL() override;
    void paintGL() override;
    void resizeGL(int w, int h) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    enum class Drag { None, Calipers, Scroll, Time, Overview };
    void releaseGl();
    [[nodiscard]] QPointF devicePx(QPointF logical) const;
    [[nodiscard]] PagePoint pageMm(QPointF logical) const;
    [[nodiscard]] int overviewHeight() const;
    void overviewAt(QPointF logical);

    PaperScene& m_scene;
    PaperRenderer m_renderer;
    QPointF m_scrollMm;
    QString m_glError;
    QString m_message;
    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    QPointF m_lastPos;
    QMetaObject::Connection m_contextConnection;
};

} // namespace veridicor::ecg
