#pragma once

#include <veridicor/cine_view/cine_scene.h>
#include <veridicor/cine/frame_cache.h>
#include <veridicor/cine/regions.h>
#include <veridicor/cine_view/vtk_opengl_widget.h>

#include <QPointF>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace veridicor::cine {

/// Something drawn with each frame, in step with playback (an AI heatmap layer, a finding's outline): told
/// which frame is about to be shown, before the render. Added with CineCanvas::addFrameOverlay().
class FrameOverlay {
public:
    FrameOverlay() = default;
    virtual ~FrameOverlay() = default;
    FrameOverlay(const FrameOverlay&) = delete;
    FrameOverlay& operator=(const FrameOverlay&) = delete;
    FrameOverlay(FrameOverlay&&) = delete;
    FrameOverlay& operator=(FrameOverlay&&) = delete;
    virtual void frameShown(int frame, CineScene& scene) = 0;
};

/// The cine canvas: the frame in the VTK scene, zoom/pan/fit/1:1, window/level drags, distance and area tools
/// (calibrated through the ultrasound regions), and the overlay texts. Uploads one texture per shown frame.
class CineCanvas : public VtkOpenGLWidget {
    Q_OBJECT
public:
    enum class Tool { Pan, WindowLevel, Distance, Area };

    struct MeasurementItem {
        bool area = false;
        std::vector<PixelPoint> points;
        Measurement result;
        QString label;
        int frame = -1; ///< the frame shown when it was made (an ED or ES trace belongs to its frame)
    };

    explicit CineCanvas(QWidget* parent = nullptr);
    ~CineCanvas() override;
    Q_DISABLE_COPY_MOVE(CineCanvas)

    /// The image the frames will have; resets the view to fit and clears measurements.
    void setImageGeometry(int width, int height, double pixelAspect, std::vector<UltrasoundRegion> regions);
    /// Shows a frame (uploads it as one texture at the next paint); a bad frame shows its error instead.
    void showFrame(const std::shared_ptr<const CachedFrame>& frame);
    /// Nothing shown, with an optional message.
    void clearFrame(const QString& message = {});
    [[nodiscard]] int shownFrameIndex() const { return m_shownIndex; }
    /// The frame shown (its decoded image, or its error), or nullptr.
    [[nodiscard]] std::shared_ptr<const CachedFrame> shownFrame() const { return m_frame; }

    [[nodiscard]] CineScene& scene() { return *m_scene; }
    void addFrameOverlay(std::shared_ptr<FrameOverlay> overlay);

    void setTool(Tool tool);
    [[nodiscard]] Tool tool() const { return m_tool; }

    void fit();
    /// The scene's banner or notes changed: a fitted image moves to keep their band free.
    void overlayTextsChanged();
    void oneToOne();
    /// Multiplies the zoom by `factor` keeping the image point under `anchor` (widget coordinates) in place.
    void zoomBy(double factor, QPointF anchor);
    void panBy(QPointF widgetDelta);
    /// Brings the image box [lo, hi] into view: nothing moves when it is already inside the widget; else it
    /// is centred at the present zoom, or the image is fitted when the box is larger than the widget.
    void ensureVisible(PixelPoint lo, PixelPoint hi);
    /// Device pixels per image pixel (1 at 1:1).
    [[nodiscard]] double zoom() const;
    [[nodiscard]] bool isFitting() const { return m_fitting; }

    /// Image pixel coordinates (x = column, y = row) under a widget position, and back.
    [[nodiscard]] PixelPoint imagePointAt(QPointF widgetPos) const;
    [[nodiscard]] QPointF widgetPointOf(PixelPoint p) const;

    void addDistance(PixelPoint a, PixelPoint b);
    void addArea(const std::vector<PixelPoint>& polygon);
    void clearMeasurements();
    [[nodiscard]] const std::vector<MeasurementItem>& measurements() const { return m_measurements; }

    /// Every text drawn on the canvas (corner overlays, alert, measurement labels, the AI findings' banner,
    /// notes and labels), one entry per line.
    [[nodiscard]] QStringList paintedTexts() const;

signals:
    /// A window/level drag: change of centre and width, in display levels (the view applies it).
    void windowLevelDragged(double deltaCenter, double deltaWidth);
    /// A measurement was completed (its label).
    void measurementAdded(const QString& label);
    /// Every measurement was removed (the Clear button, or new image geometry: another clip).
    void measurementsCleared();

protected:
    void prepareRender() override;
    bool beginWarmUp() override;
    void endWarmUp() override;
    void resizeGL(int w, int h) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void refreshMeasurements();
    [[nodiscard]] MeasurementItem makeItem(bool area, std::vector<PixelPoint> points) const;
    void applyFit();
    void snapToPixels();

    std::unique_ptr<CineScene> m_scene;
    std::vector<std::shared_ptr<FrameOverlay>> m_overlays;
    std::shared_ptr<const CachedFrame> m_frame;
    int m_shownIndex = -1;
    int m_imageW = 0, m_imageH = 0;
    double m_aspect = 1.0;
    std::vector<UltrasoundRegion> m_regions;

    // Camera: world point at the centre of the widget, world units per device pixel.
    double m_cx = 0.0, m_cy = 0.0, m_wpp = 1.0;
    bool m_fitting = true;

    Tool m_tool = Tool::Pan;
    enum class Drag { None, Pan, WindowLevel, Distance } m_drag = Drag::None;
    QPointF m_lastPos;
    std::vector<PixelPoint> m_draft; ///< distance or area being drawn
    PixelPoint m_hover;              ///< where the mouse is while an area is drawn
    std::vector<MeasurementItem> m_measurements;
    std::vector<Polyline*> m_lines;
    Polyline* m_draftLine = nullptr;
    std::string m_savedAlert;
    ImageLayer* m_warmLayer = nullptr;
};

} // namespace veridicor::cine
