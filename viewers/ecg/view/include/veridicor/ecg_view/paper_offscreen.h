#pragma once
/// \file
/// Off-screen rendering of the ECG paper with the GUI's renderer: a QOffscreenSurface, its own OpenGL 3.2
/// core context and a QOpenGLFramebufferObject; `PaperRenderer` draws the GL pass and QPainter
/// (QOpenGLPaintDevice) the texts, exactly as in the widget. Used by `veridicor-cli ecg-render`, the GL tests
/// and the bench. Needs a QGuiApplication on a platform with OpenGL (xcb; under xvfb-run without a display).

#include <veridicor/base/expected.h>
#include <veridicor/ecg_view/paper_renderer.h>

#include <QImage>
#include <QString>

#include <filesystem>
#include <memory>
#include <vector>

namespace veridicor::ecg {

class OffscreenPaper {
public:
    OffscreenPaper();
    ~OffscreenPaper();
    OffscreenPaper(const OffscreenPaper&) = delete;
    OffscreenPaper& operator=(const OffscreenPaper&) = delete;
    OffscreenPaper(OffscreenPaper&&) = delete;
    OffscreenPaper& operator=(OffscreenPaper&&) = delete;

    /// Creates the surface, context and renderer. Errors: no QGuiApplication, no OpenGL 3.2 context, shaders.
    Expected<void, QString> initialize();

    /// Draws one frame of `scene` into a framebuffer of `viewport.pixels` and, when `readBack`, returns it as
    /// an image (top row first). Without readBack the image is null and the frame is finished (glFinish),
    /// which is what the bench times. Errors: not initialized, a size the GPU cannot allocate.
    Expected<QImage, QString> render(const PaperScene& scene, const PaperViewport& viewport,
                                     bool readBack = true);

    [[nodiscard]] const PaperRenderer& renderer() const;
    /// "llvmpipe (LLVM 15.0.6, 256 bits) — OpenGL 4.5 (Core Profile) Mesa 22.3.6" once initialized.
    [[nodiscard]] QString glDescription() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Renders the whole page of `scene` (its size at the scene's pixels per mm) into an image.
Expected<QImage, QString> renderPaperPage(const PaperScene& scene);

/// What `ecg-render` draws.
struct PaperRenderOptions {
    PaperLayout layout = PaperLayout::Grid3x4Rhythm;
    double dotsPerInch = 300.0;       ///< 30–1200
    double speedMmPerSecond = 25.0;   ///< one of kPaperSpeeds
    double gainMmPerMillivolt = 10.0; ///< one of kPaperGains
    double startSeconds = 0.0;        ///< recording time at the page's left edge (clamped to the recording)
    bool medianBeat = false;          ///< draw the median-beat group (an error when the file has none)
    FilterSettings filters;           ///< display filters (the core's zero-phase filters)
    /// AI finding overlays to draw on the page, as the view draws them (relevance bands, regions, UNTRUSTED
    /// markings); hidden ones are ignored. They are not drawn on a median beat.
    std::vector<EcgFindingOverlay> overlays;
    double overlayOpacity = kDefaultRelevanceOpacity; ///< of the relevance bands, [0, 1]
};

/// Checks the options; the message names the wrong one.
Expected<void, QString> validate(const PaperRenderOptions& options);

/// Prepares and renders one page of a recording off-screen. Errors: invalid options, no such group, rendering
/// errors from OffscreenPaper. A display filter the sampling rate cannot carry is skipped and noted on the
/// page.
Expected<QImage, QString> renderRecordingPage(const std::shared_ptr<const Recording>& recording,
                                              const PaperRenderOptions& options);

/// Reads an ECG file with the core reader and renders one page. Errors: the reader's message, then as above.
Expected<QImage, QString> renderEcgFile(const std::filesystem::path& path, const PaperRenderOptions& options);

} // namespace veridicor::ecg
