#pragma once
/// \file
/// The GPU renderer of the ECG paper: grid, traces, calibration pulses and the overview strip are drawn with
/// OpenGL 3.2 core (vertex buffers, GLSL 330 — 150 where 330 is refused); the printed texts and the calipers
/// are painted with QPainter on top, after the GL pass. It draws into whatever framebuffer is bound in the
/// current context: the QOpenGLWidget's in the GUI, a QOpenGLFramebufferObject off-screen (ecg-render, tests,
/// bench), so every path shows the same pixels.

#include <veridicor/ecg_view/paper_scene.h>

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QString>

#include <memory>

class QPainter;

namespace veridicor::ecg {

/// Where the page sits in the framebuffer for one frame.
struct PaperViewport {
    QSize pixels;                 ///< framebuffer size in device pixels
    QPointF scrollMm;             ///< the page point (mm) shown at the top-left of the page area
    int overviewHeight = 0;       ///< device pixels at the bottom for the whole-recording overview (0: none)
    qreal devicePixelRatio = 1.0; ///< QPainter's logical pixels → device pixels
    friend bool operator==(const PaperViewport&, const PaperViewport&) = default;
};

/// What the last frame drew (for tests and the bench).
struct PaperFrameStats {
    std::size_t traceVertices = 0; ///< page traces
    std::size_t overviewVertices = 0;
    std::size_t envelopeCells = 0;
    std::size_t drawCalls = 0;
    std::size_t relevanceBands = 0;        ///< band quads drawn (one per overlay, lead and visible cell)
    std::size_t relevanceBandsLeftOut = 0; ///< bands beyond the GPU's texture height, not drawn
    bool geometryRebuilt = false;
    double geometryMs = 0.0; ///< CPU time spent building the page's vertices (0 when they were reused)
};

struct PaperColors {
    QColor background{0x8c, 0x91, 0x99}; ///< around the page
    QColor paper{0xff, 0xff, 0xff};
    QColor gridMinor{0xf4, 0xc6, 0xc6};
    QColor gridMajor{0xdf, 0x86, 0x86};
    QColor trace{0x00, 0x00, 0x00};
    QColor caliper{0x00, 0x55, 0xd4};
    QColor overview{0x7d, 0x8f, 0xa6};
    QColor overviewBackground{0xf2, 0xf4, 0xf7};
    QColor findingRegion{0x1f, 0x3a, 0x93}; ///< outline of a trusted finding's region (deep blue)
    QColor untrusted{0xd0, 0x00, 0x00};     ///< UNTRUSTED: outline, hatching, banner, labels
};

class PaperRenderer {
public:
    PaperRenderer();
    ~PaperRenderer();
    PaperRenderer(const PaperRenderer&) = delete;
    PaperRenderer& operator=(const PaperRenderer&) = delete;
    PaperRenderer(PaperRenderer&&) = delete;
    PaperRenderer& operator=(PaperRenderer&&) = delete;

    /// Creates the shaders and buffers in the current OpenGL context (3.2 core or later). Returns an empty
    /// string, or what failed (no current context, a shader the driver refused).
    QString initialize();
    /// Frees the GL resources; the context they were made in must be current.
    void release();
    [[nodiscard]] bool isInitialized() const;

    /// The GL pass: page background, grid, traces, calibration pulses, overview strip. Vertices are rebuilt
    /// only when the scene, the viewport or the scroll position changed.
    void render(const PaperScene& scene, const PaperViewport& viewport);
    /// The QPainter pass on the same framebuffer: header, measurements, lead labels, AI finding regions,
    /// labels, legend and UNTRUSTED banner, calipers, overview window.
    void paintOverlay(QPainter& painter, const PaperScene& scene, const PaperViewport& viewport) const;

    [[nodiscard]] const PaperFrameStats& lastFrame() const { return m_stats; }
    void setColors(const PaperColors& colors) { m_colors = colors; }
    [[nodiscard]] const PaperColors& colors() const { return m_colors; }

    /// The page point (mm) under a device-pixel position of the page area.
    [[nodiscard]] static PagePoint pageMmAt(const PaperScene& scene, const PaperViewport& viewport,
                                            QPointF devicePx);
    /// The overview strip's rectangle (device pixels, top-left origin), empty when there is none.
    [[nodiscard]] static QRectF overviewRect(const PaperViewport& viewport);

private:
    /// Regions (outlined; untrusted ones hatched in red and marked UNTRUSTED), their labels and the legend.
    void paintFindings(QPainter& painter, const PaperScene& scene, const PaperViewport& viewport) const;

    struct Gl;
    std::unique_ptr<Gl> m_gl;
    PaperColors m_colors;
    PaperFrameStats m_stats;
};

} // namespace veridicor::ecg
