#include <veridicor/ecg_view/paper_offscreen.h>

#include <veridicor/ecg/dicom_reader.h>

#include <QGuiApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QOpenGLFramebufferObject>
#include <QOpenGLPaintDevice>
#include <QPainter>
#include <QSurfaceFormat>

#include <algorithm>
#include <cmath>

namespace veridicor::ecg {

struct OffscreenPaper::Impl {
    std::unique_ptr<QOffscreenSurface> surface;
    std::unique_ptr<QOpenGLContext> context;
    std::unique_ptr<QOpenGLFramebufferObject> fbo;
    PaperRenderer renderer;
    QString description;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    Impl(Impl&&) = delete;
    Impl& operator=(Impl&&) = delete;
    ~Impl() {
        if (context && surface && context->makeCurrent(surface.get())) {
            fbo.reset();
            renderer.release();
            context->doneCurrent();
        }
    }
};

OffscreenPaper::OffscreenPaper() : m_impl(std::make_unique<Impl>()) {}

OffscreenPaper::~OffscreenPaper() = default;

const PaperRenderer& OffscreenPaper::renderer() const {
    return m_impl->renderer;
}

QString OffscreenPaper::glDescription() const {
    return m_impl->description;
}

Expected<void, QString> OffscreenPaper::initialize() {
    if (qobject_cast<QGuiApplication*>(QCoreApplication::instance()) == nullptr) {
        return Unexpected(QStringLiteral("off-screen rendering needs a QGuiApplication"));
    }
    QSurfaceFormat fmt = QSurfaceFormat::defaultFormat();
    if (fmt.majorVersion() < 3 || (fmt.majorVersion() == 3 && fmt.minorVersion() < 2)) {
        fmt.setVersion(3, 2);
        fmt.setProfile(QSurfaceFormat::CoreProfile);
    }
    auto& d = *m_impl;
    d.context = std::make_unique<QOpenGLContext>();
    d.context->setFormat(fmt);
    if (QOpenGLContext* shared = QOpenGLContext::globalShareContext()) {
        d.context->setShareContext(shared);
    }
    if (!d.context->create()) {
        return Unexpected(
            QStringLiteral("could not create an OpenGL %1.%2 context (is there a display? run under "
                           "xvfb-run -a)")
                .arg(fmt.majorVersion())
                .arg(fmt.minorVersion()));
    }
    d.surface = std::make_unique<QOffscreenSurface>();
    d.surface->setFormat(d.context->format());
    d.surface->create();
    if (!d.surface->isValid() || !d.context->makeCurrent(d.surface.get())) {
        return Unexpected(QStringLiteral("could not make an off-screen OpenGL surface current"));
    }
    auto* f = d.context->functions();
    d.description = QStringLiteral("%1 — OpenGL %2")
                        .arg(QString::fromLatin1(reinterpret_cast<const char*>(f->glGetString(GL_RENDERER))),
                             QString::fromLatin1(reinterpret_cast<const char*>(f->glGetString(GL_VERSION))));
    const QString err = d.renderer.initialize();
    if (!err.isEmpty()) {
        return Unexpected(err);
    }
    return {};
}

Expected<QImage, QString> OffscreenPaper::render(const PaperScene& scene, const PaperViewport& viewport,
                                                 bool readBack) {
    auto& d = *m_impl;
    if (!d.context || !d.renderer.isInitialized()) {
        return Unexpected(QStringLiteral("the off-screen renderer is not initialized"));
    }
    if (!d.context->makeCurrent(d.surface.get())) {
        return Unexpected(QStringLiteral("could not make the off-screen OpenGL context current"));
    }
    const QSize size = viewport.pixels;
    GLint maxSize = 0;
    d.context->functions()->glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &maxSize);
    if (size.isEmpty() || size.width() > maxSize || size.height() > maxSize) {
        return Unexpected(
            QStringLiteral("cannot render %1×%2 pixels off-screen (this GPU allows up to %3 per side)")
                .arg(size.width())
                .arg(size.height())
                .arg(maxSize));
    }
    if (!d.fbo || d.fbo->size() != size) {
        d.fbo.reset();
        QOpenGLFramebufferObjectFormat ff;
        ff.setAttachment(QOpenGLFramebufferObject::CombinedDepthStencil);
        d.fbo = std::make_unique<QOpenGLFramebufferObject>(size, ff);
        if (!d.fbo->isValid()) {
            d.fbo.reset();
            return Unexpected(QStringLiteral("could not allocate a %1×%2 framebuffer")
                                  .arg(size.width())
                                  .arg(size.height()));
        }
    }
    d.fbo->bind();
    d.renderer.render(scene, viewport);
    {
        QOpenGLPaintDevice device(size);
        device.setDevicePixelRatio(viewport.devicePixelRatio);
        QPainter painter(&device);
        d.renderer.paintOverlay(painter, scene, viewport);
    }
    QImage image;
    if (readBack) {
        image = d.fbo->toImage(true); // GL rows bottom-up → image rows top-down
        image = image.convertToFormat(QImage::Format_RGB32);
    } else {
        d.context->functions()->glFinish();
    }
    d.fbo->release();
    return image;
}

Expected<QImage, QString> renderPaperPage(const PaperScene& scene) {
    OffscreenPaper paper;
    if (auto ok = paper.initialize(); !ok) {
        return Unexpected(ok.error());
    }
    PaperViewport vp;
    vp.pixels = QSize(scene.page().widthPixels(), scene.page().heightPixels());
    return paper.render(scene, vp);
}

Expected<void, QString> validate(const PaperRenderOptions& o) {
    if (!(o.dotsPerInch >= 30.0 && o.dotsPerInch <= 1200.0)) {
        return Unexpected(QStringLiteral("--dpi must be between 30 and 1200 (got %1)").arg(o.dotsPerInch));
    }
    if (std::find(kPaperSpeeds.begin(), kPaperSpeeds.end(), o.speedMmPerSecond) == kPaperSpeeds.end()) {
        return Unexpected(
            QStringLiteral("--speed must be 12.5, 25 or 50 mm/s (got %1)").arg(o.speedMmPerSecond));
    }
    if (std::find(kPaperGains.begin(), kPaperGains.end(), o.gainMmPerMillivolt) == kPaperGains.end()) {
        return Unexpected(
            QStringLiteral("--gain must be 2.5, 5, 10, 20 or 40 mm/mV (got %1)").arg(o.gainMmPerMillivolt));
    }
    if (!(o.startSeconds >= 0.0) || !std::isfinite(o.startSeconds)) {
        return Unexpected(QStringLiteral("--start must be a time in seconds from 0"));
    }
    return {};
}

Expected<QImage, QString> renderRecordingPage(const std::shared_ptr<const Recording>& recording,
                                              const PaperRenderOptions& options) {
    if (auto ok = validate(options); !ok) {
        return Unexpected(ok.error());
    }
    if (!recording || recording->groups.empty()) {
        return Unexpected(QStringLiteral("the recording holds no waveform group"));
    }
    std::size_t group = recording->groups.size();
    for (std::size_t i = 0; i < recording->groups.size(); ++i) {
        if (recording->groups[i].isMedianBeat() == options.medianBeat) {
            group = i;
            break;
        }
    }
    if (group == recording->groups.size()) {
        if (options.medianBeat) {
            return Unexpected(QStringLiteral("the recording has no median beat"));
        }
        group = 0;
    }
    auto traces = TraceSet::build(recording, group, options.filters);
    if (!traces || traces->channels().empty()) {
        return Unexpected(QStringLiteral("the waveform group has no channels"));
    }
    PaperScene scene;
    PaperSettings s;
    s.layout = options.layout;
    s.pixelsPerMm = options.dotsPerInch / kMillimetresPerInch;
    s.speedMmPerSecond = options.speedMmPerSecond;
    s.gainMmPerMillivolt = options.gainMmPerMillivolt;
    s.startSeconds = options.startSeconds;
    scene.setTraces(traces);
    scene.setSettings(s);
    scene.setOverlays(options.overlays);
    scene.setOverlayOpacity(options.overlayOpacity);
    return renderPaperPage(scene);
}

Expected<QImage, QString> renderEcgFile(const std::filesystem::path& path,
                                        const PaperRenderOptions& options) {
    if (auto ok = validate(options); !ok) {
        return Unexpected(ok.error());
    }
    auto rec = readDicomEcg(path);
    if (!rec) {
        return Unexpected(QString::fromStdString(rec.error().message));
    }
    return renderRecordingPage(std::make_shared<const Recording>(std::move(rec).value()), options);
}

} // namespace veridicor::ecg
