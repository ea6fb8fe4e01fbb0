#include <veridicor/ecg_view/paper_renderer.h>

#include <QFont>
#include <QFontMetricsF>
#include <QOpenGLBuffer>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace veridicor::ecg {

namespace {

constexpr const char* kVertexShader = R"(
in vec2 a_pos;
uniform vec4 u_xform; // ndc = a_pos * xy + zw
void main() {
    gl_Position = vec4(a_pos * u_xform.xy + u_xform.zw, 0.0, 1.0);
}
)";

constexpr const char* kFragmentShader = R"(
uniform vec4 u_color;
out vec4 fragColor;
void main() {
    fragColor = u_color;
}
)";

// Wide traces: each segment of a line strip becomes a quad of the asked width (in pixels), with square caps
// so consecutive segments join without gaps. Desktop GL only (ES 3.0 has no geometry shaders: 1 px lines
// there).
constexpr const char* kWideLineGeometryShader = R"(
layout(lines) in;
layout(triangle_strip, max_vertices = 4) out;
uniform vec2 u_viewport;   // framebuffer pixels of the viewport
uniform float u_halfWidth; // pixels
void main() {
    vec2 p0 = gl_in[0].gl_Position.xy;
    vec2 p1 = gl_in[1].gl_Position.xy;
    vec2 d = (p1 - p0) * u_viewport * 0.5;
    float len = length(d);
    vec2 dir = len > 1e-4 ? d / len : vec2(0.0, 1.0);
    vec2 toNdc = 2.0 / u_viewport;
    vec2 n = vec2(-dir.y, dir.x) * u_halfWidth * toNdc;
    vec2 e = dir * u_halfWidth * toNdc;
    gl_Position = vec4(p0 - e + n, 0.0, 1.0); EmitVertex();
    gl_Position = vec4(p0 - e - n, 0.0, 1.0); EmitVertex();
    gl_Position = vec4(p1 + e + n, 0.0, 1.0); EmitVertex();
    gl_Position = vec4(p1 + e - n, 0.0, 1.0); EmitVertex();
    EndPrimitive();
}
)";

// Relevance bands: each fragment looks up the maximum relevance under its device pixel column (one row of an
// R8 texture per band, one texel per column) and colours it through the colour map's 256-entry table, at the
// reader's opacity. Zero relevance is not drawn at all.
constexpr const char* kBandFragmentShader = R"(
uniform sampler2D u_values;
uniform sampler2D u_lut;
uniform int u_row;
uniform int u_firstColumn;
uniform int u_columns;
uniform float u_opacity;
out vec4 fragColor;
void main() {
    int column = int(gl_FragCoord.x) - u_firstColumn;
    if (column < 0 || column >= u_columns) discard;
    int index = int(texelFetch(u_values, ivec2(column, u_row), 0).r * 255.0 + 0.5);
    if (index <= 0) discard;
    vec4 c = texelFetch(u_lut, ivec2(index, 0), 0);
    fragColor = vec4(c.rgb, c.a * u_opacity);
}
)";

constexpr double kMinFontPx = 9.0;
constexpr double kWideLineFromPx = 1.5;

std::size_t overviewChannel(const TraceSet& traces) {
    const auto& ch = traces.channels();
    for (std::size_t i = 0; i < ch.size(); ++i) {
        if (ch[i].label == "II")
            return i;
    }
    return 0;
}

} // namespace

struct PaperRenderer::Gl {
    QOpenGLShaderProgram program;
    QOpenGLVertexArrayObject vao;
    QOpenGLBuffer pageBuffer{QOpenGLBuffer::VertexBuffer};
    QOpenGLBuffer overviewBuffer{QOpenGLBuffer::VertexBuffer};
    int xformLoc = -1;
    int colorLoc = -1;
    QOpenGLShaderProgram wide; // the same, with the wide-line geometry shader
    bool hasWide = false;
    int wideXformLoc = -1, wideColorLoc = -1, wideViewportLoc = -1, wideHalfWidthLoc = -1;
    QOpenGLShaderProgram band; // relevance bands
    int bandXformLoc = -1, bandValuesLoc = -1, bandLutLoc = -1, bandRowLoc = -1, bandFirstLoc = -1,
        bandColumnsLoc = -1, bandOpacityLoc = -1;
    GLuint lutTexture = 0;
    GLuint valuesTexture = 0;
    int bandsFirst = 0;
    std::size_t bandsLeftOut = 0;

    // Page geometry cache.
    const PaperScene* scene = nullptr;
    std::uint64_t sceneVersion = ~std::uint64_t{0};
    PaperViewport viewport;
    PaperGeometry geometry;
    int minorFirst = 0, majorFirst = 0, stripsFirst = 0;

    // Overview cache (it does not change while the page pans).
    const TraceSet* overviewTraces = nullptr;
    QSize overviewSize;
    std::vector<DrawRange> overviewRanges;
    std::size_t overviewVertices = 0;
};

PaperRenderer::PaperRenderer() = default;

PaperRenderer::~PaperRenderer() = default;

bool PaperRenderer::isInitialized() const {
    return m_gl != nullptr;
}

QString PaperRenderer::initialize() {
    QOpenGLContext* ctx = QOpenGLContext::currentContext();
    if (ctx == nullptr) {
        return QStringLiteral("no current OpenGL context");
    }
    const QSurfaceFormat fmt = ctx->format();
    if (ctx->isOpenGLES() ? fmt.majorVersion() < 3
                          : (fmt.majorVersion() < 3 || (fmt.majorVersion() == 3 && fmt.minorVersion() < 2))) {
        return QStringLiteral("OpenGL %1.%2 is too old: the ECG view needs OpenGL 3.2 (core profile)")
            .arg(fmt.majorVersion())
            .arg(fmt.minorVersion());
    }
    auto gl = std::make_unique<Gl>();
    // GLSL 330 core; 150 core is the same language for what we use, for 3.2-only drivers; ES 3.00 for GLES.
    const QList<QByteArray> versions =
        ctx->isOpenGLES() ? QList<QByteArray>{QByteArrayLiteral("#version 300 es\nprecision highp float;\n")}
                          : QList<QByteArray>{QByteArrayLiteral("#version 330 core\n"),
                                              QByteArrayLiteral("#version 150 core\n")};
    QString log;
    bool linked = false;
    for (const QByteArray& header : versions) {
        gl->program.removeAllShaders();
        if (gl->program.addShaderFromSourceCode(QOpenGLShader::Vertex, header + kVertexShader) &&
            gl->program.addShaderFromSourceCode(QOpenGLShader::Fragment, header + kFragmentShader)) {
            gl->program.bindAttributeLocation("a_pos", 0);
            if (gl->program.link()) {
                linked = true;
                break;
            }
        }
        log = gl->program.log();
    }
    if (!linked) {
        return QStringLiteral("the ECG paper shaders did not compile: %1").arg(log.trimmed());
    }
    gl->xformLoc = gl->program.uniformLocation("u_xform");
    gl->colorLoc = gl->program.uniformLocation("u_color");
    if (!ctx->isOpenGLES()) {
        for (const QByteArray& header : versions) {
            gl->wide.removeAllShaders();
            if (gl->wide.addShaderFromSourceCode(QOpenGLShader::Vertex, header + kVertexShader) &&
                gl->wide.addShaderFromSourceCode(QOpenGLShader::Geometry, header + kWideLineGeometryShader) &&
                gl->wide.addShaderFromSourceCode(QOpenGLShader::Fragment, header + kFragmentShader)) {
                gl->wide.bindAttributeLocation("a_pos", 0);
                if (gl->wide.link()) {
                    gl->hasWide = true;
                    break;
                }
            }
        }
        if (gl->hasWide) {
            gl->wideXformLoc = gl->wide.uniformLocation("u_xform");
            gl->wideColorLoc = gl->wide.uniformLocation("u_color");
            gl->wideViewportLoc = gl->wide.uniformLocation("u_viewport");
            gl->wideHalfWidthLoc = gl->wide.uniformLocation("u_halfWidth");
        }
    }
    {
        bool bandLinked = false;
        for (const QByteArray& header : versions) {
            gl->band.removeAllShaders();
            if (gl->band.addShaderFromSourceCode(QOpenGLShader::Vertex, header + kVertexShader) &&
                gl->band.addShaderFromSourceCode(QOpenGLShader::Fragment, header + kBandFragmentShader)) {
                gl->band.bindAttributeLocation("a_pos", 0);
                if (gl->band.link()) {
                    bandLinked = true;
                    break;
                }
            }
            log = gl->band.log();
        }
        if (!bandLinked) {
            return QStringLiteral("the ECG relevance band shader did not compile: %1").arg(log.trimmed());
        }
        gl->bandXformLoc = gl->band.uniformLocation("u_xform");
        gl->bandValuesLoc = gl->band.uniformLocation("u_values");
        gl->bandLutLoc = gl->band.uniformLocation("u_lut");
        gl->bandRowLoc = gl->band.uniformLocation("u_row");
        gl->bandFirstLoc = gl->band.uniformLocation("u_firstColumn");
        gl->bandColumnsLoc = gl->band.uniformLocation("u_columns");
        gl->bandOpacityLoc = gl->band.uniformLocation("u_opacity");
        // The colour map's table, once: 256 × 1 RGBA (straight alpha), read with texelFetch.
        QOpenGLExtraFunctions* f = ctx->extraFunctions();
        std::vector<std::uint8_t> lut;
        lut.reserve(std::size_t{256} * 4);
        for (const Rgba8& c : relevanceColourTable()) {
            lut.insert(lut.end(), {c.r, c.g, c.b, c.a});
        }
        f->glGenTextures(1, &gl->lutTexture);
        f->glGenTextures(1, &gl->valuesTexture);
        f->glBindTexture(GL_TEXTURE_2D, gl->lutTexture);
        f->glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        f->glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, lut.data());
        for (GLuint t : {gl->lutTexture, gl->valuesTexture}) {
            f->glBindTexture(GL_TEXTURE_2D, t);
            f->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            f->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            f->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
            f->glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        }
        f->glBindTexture(GL_TEXTURE_2D, 0);
        f->glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        if (gl->lutTexture == 0 || gl->valuesTexture == 0) {
            return QStringLiteral("could not create the ECG relevance textures");
        }
    }
    if (!gl->vao.create() || !gl->pageBuffer.create() || !gl->overviewBuffer.create()) {
        return QStringLiteral("could not create OpenGL vertex buffers");
    }
    gl->pageBuffer.setUsagePattern(QOpenGLBuffer::StreamDraw);
    gl->overviewBuffer.setUsagePattern(QOpenGLBuffer::StaticDraw);
    m_gl = std::move(gl);
    return {};
}

void PaperRenderer::release() {
    if (m_gl) {
        m_gl->pageBuffer.destroy();
        m_gl->overviewBuffer.destroy();
        m_gl->vao.destroy();
        m_gl->program.removeAllShaders();
        m_gl->wide.removeAllShaders();
        m_gl->band.removeAllShaders();
        if (QOpenGLContext* ctx = QOpenGLContext::currentContext()) {
            for (GLuint* t : {&m_gl->lutTexture, &m_gl->valuesTexture}) {
                if (*t != 0)
                    ctx->functions()->glDeleteTextures(1, t);
                *t = 0;
            }
        }
    }
    m_gl.reset();
}

QRectF PaperRenderer::overviewRect(const PaperViewport& viewport) {
    const int h = std::clamp(viewport.overviewHeight, 0, viewport.pixels.height());
    if (h <= 0)
        return {};
    return {0.0, static_cast<double>(viewport.pixels.height() - h),
            static_cast<double>(viewport.pixels.width()), static_cast<double>(h)};
}

PagePoint PaperRenderer::pageMmAt(const PaperScene& scene, const PaperViewport& viewport, QPointF devicePx) {
    const double ppm = scene.page().scale.pixelsPerMm;
    return {viewport.scrollMm.x() + devicePx.x() / ppm, viewport.scrollMm.y() + devicePx.y() / ppm};
}

void PaperRenderer::render(const PaperScene& scene, const PaperViewport& vp) {
    m_stats = PaperFrameStats{};
    QOpenGLContext* ctx = QOpenGLContext::currentContext();
    if (!m_gl || ctx == nullptr || vp.pixels.isEmpty()) {
        return;
    }
    QOpenGLExtraFunctions* f = ctx->extraFunctions();
    Gl& gl = *m_gl;
    const int w = vp.pixels.width();
    const int h = vp.pixels.height();
    const int ov = std::clamp(vp.overviewHeight, 0, h);
    const int pageH = h - ov;

    f->glDisable(GL_DEPTH_TEST);
    f->glDisable(GL_STENCIL_TEST);
    f->glDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_BLEND);
    f->glDisable(GL_CULL_FACE);
    f->glViewport(0, 0, w, h);
    f->glClearColor(m_colors.background.redF(), m_colors.background.greenF(), m_colors.background.blueF(),
                    1.0F);
    f->glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);

    gl.program.bind();
    gl.vao.bind();
    auto setColor = [&](const QColor& c) {
        gl.program.setUniformValue(gl.colorLoc, static_cast<GLfloat>(c.redF()),
                                   static_cast<GLfloat>(c.greenF()), static_cast<GLfloat>(c.blueF()), 1.0F);
    };
    auto draw = [&](GLenum mode, int first, int count) {
        if (count > 0) {
            f->glDrawArrays(mode, first, count);
            ++m_stats.drawCalls;
        }
    };
    auto bindVertices = [&](QOpenGLBuffer& buffer) {
        buffer.bind();
        f->glEnableVertexAttribArray(0);
        f->glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);
    };

    const PaperPage& page = scene.page();
    const double ppm = page.scale.pixelsPerMm;
    if (pageH > 0 && ppm > 0) {
        f->glViewport(0, ov, w, pageH);
        if (gl.scene != &scene || gl.sceneVersion != scene.version() || !(gl.viewport == vp)) {
            const auto t0 = std::chrono::steady_clock::now();
            const PagePoint topLeft{vp.scrollMm.x(), vp.scrollMm.y()};
            scene.buildGeometry(topLeft, {w / ppm, pageH / ppm}, gl.geometry);
            m_stats.geometryMs =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            std::vector<float> all;
            all.reserve(8 + gl.geometry.gridMinor.size() + gl.geometry.gridMajor.size() +
                        gl.geometry.strips.size());
            // The page itself as a triangle strip.
            for (float v :
                 {0.0F, 0.0F, static_cast<float>(page.widthMm), 0.0F, 0.0F, static_cast<float>(page.heightMm),
                  static_cast<float>(page.widthMm), static_cast<float>(page.heightMm)}) {
                all.push_back(v);
            }
            gl.minorFirst = static_cast<int>(all.size() / 2);
            all.insert(all.end(), gl.geometry.gridMinor.begin(), gl.geometry.gridMinor.end());
            gl.majorFirst = static_cast<int>(all.size() / 2);
            all.insert(all.end(), gl.geometry.gridMajor.begin(), gl.geometry.gridMajor.end());
            gl.stripsFirst = static_cast<int>(all.size() / 2);
            all.insert(all.end(), gl.geometry.strips.begin(), gl.geometry.strips.end());
            gl.bandsFirst = static_cast<int>(all.size() / 2);
            all.insert(all.end(), gl.geometry.bandQuads.begin(), gl.geometry.bandQuads.end());
            if (!gl.geometry.bands.empty()) {
                // One texture row per band: more bands than the GPU's texture height (≥ 1024 rows in GL 3.2,
                // so dozens of findings on every lead at once) are left out rather than drawn from undefined
                // memory.
                GLint maxSize = 0;
                f->glGetIntegerv(GL_MAX_TEXTURE_SIZE, &maxSize);
                gl.bandsLeftOut = 0;
                if (static_cast<GLint>(gl.geometry.bands.size()) > maxSize) {
                    gl.bandsLeftOut = gl.geometry.bands.size() - static_cast<std::size_t>(maxSize);
                    gl.geometry.bands.resize(static_cast<std::size_t>(maxSize));
                }
                f->glBindTexture(GL_TEXTURE_2D, gl.valuesTexture);
                f->glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
                f->glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, gl.geometry.bandTexelWidth,
                                static_cast<GLsizei>(gl.geometry.bands.size()), 0, GL_RED, GL_UNSIGNED_BYTE,
                                gl.geometry.bandTexels.data());
                f->glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
                f->glBindTexture(GL_TEXTURE_2D, 0);
            }
            gl.pageBuffer.bind();
            gl.pageBuffer.allocate(all.data(), static_cast<int>(all.size() * sizeof(float)));
            gl.scene = &scene;
            gl.sceneVersion = scene.version();
            gl.viewport = vp;
            m_stats.geometryRebuilt = true;
        }
        bindVertices(gl.pageBuffer);
        // mm → NDC: x' = (x − scrollX)·ppm·2/w − 1, y' = 1 − (y − scrollY)·ppm·2/pageH.
        const auto sx = static_cast<float>(2.0 * ppm / w);
        const auto sy = static_cast<float>(-2.0 * ppm / pageH);
        const auto tx = static_cast<float>(-vp.scrollMm.x() * 2.0 * ppm / w - 1.0);
        const auto ty = static_cast<float>(vp.scrollMm.y() * 2.0 * ppm / pageH + 1.0);
        gl.program.setUniformValue(gl.xformLoc, sx, sy, tx, ty);
        if (page.widthMm > 0 && page.heightMm > 0) {
            setColor(m_colors.paper);
            draw(GL_TRIANGLE_STRIP, 0, 4);
        }
        // Relevance bands on the paper, under the grid and the traces: the grid stays true and the trace on
        // top.
        if (!gl.geometry.bands.empty()) {
            f->glEnable(GL_BLEND);
            // Colour: source over; the framebuffer's alpha stays 1 (the widget is composited opaque).
            f->glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
            gl.band.bind();
            gl.band.setUniformValue(gl.bandXformLoc, sx, sy, tx, ty);
            gl.band.setUniformValue(gl.bandValuesLoc, 0);
            gl.band.setUniformValue(gl.bandLutLoc, 1);
            gl.band.setUniformValue(gl.bandOpacityLoc, static_cast<GLfloat>(scene.overlayOpacity()));
            f->glActiveTexture(GL_TEXTURE1);
            f->glBindTexture(GL_TEXTURE_2D, gl.lutTexture);
            f->glActiveTexture(GL_TEXTURE0);
            f->glBindTexture(GL_TEXTURE_2D, gl.valuesTexture);
            for (std::size_t i = 0; i < gl.geometry.bands.size(); ++i) {
                const RelevanceBandDraw& b = gl.geometry.bands[i];
                gl.band.setUniformValue(gl.bandRowLoc, b.row);
                gl.band.setUniformValue(gl.bandFirstLoc, b.firstColumn);
                gl.band.setUniformValue(gl.bandColumnsLoc, b.columns);
                draw(GL_TRIANGLE_STRIP, gl.bandsFirst + static_cast<int>(i) * 4, 4);
            }
            f->glBindTexture(GL_TEXTURE_2D, 0);
            f->glActiveTexture(GL_TEXTURE1);
            f->glBindTexture(GL_TEXTURE_2D, 0);
            f->glActiveTexture(GL_TEXTURE0);
            f->glDisable(GL_BLEND);
            gl.program.bind();
            m_stats.relevanceBands = gl.geometry.bands.size();
            m_stats.relevanceBandsLeftOut = gl.bandsLeftOut;
        }
        setColor(m_colors.gridMinor);
        draw(GL_LINES, gl.minorFirst, static_cast<int>(gl.geometry.gridMinor.size() / 2));
        setColor(m_colors.gridMajor);
        draw(GL_LINES, gl.majorFirst, static_cast<int>(gl.geometry.gridMajor.size() / 2));
        setColor(m_colors.trace);
        const double traceWidthPx = scene.settings().traceWidthMm * ppm;
        const bool wide = gl.hasWide && traceWidthPx >= kWideLineFromPx;
        if (wide) {
            gl.wide.bind();
            gl.wide.setUniformValue(gl.wideXformLoc, sx, sy, tx, ty);
            gl.wide.setUniformValue(gl.wideColorLoc, static_cast<GLfloat>(m_colors.trace.redF()),
                                    static_cast<GLfloat>(m_colors.trace.greenF()),
                                    static_cast<GLfloat>(m_colors.trace.blueF()), 1.0F);
            gl.wide.setUniformValue(gl.wideViewportLoc, static_cast<GLfloat>(w), static_cast<GLfloat>(pageH));
            gl.wide.setUniformValue(gl.wideHalfWidthLoc, static_cast<GLfloat>(traceWidthPx / 2.0));
        }
        for (const DrawRange& r : gl.geometry.markRanges) {
            draw(GL_LINE_STRIP, gl.stripsFirst + r.first, r.count);
        }
        for (const DrawRange& r : gl.geometry.traceRanges) {
            draw(GL_LINE_STRIP, gl.stripsFirst + r.first, r.count);
        }
        if (wide) {
            gl.program.bind();
        }
        m_stats.traceVertices = gl.geometry.traceVertices;
        m_stats.envelopeCells = gl.geometry.envelopeCells;
    }

    if (ov > 0 && scene.hasData() && !scene.medianBeat()) {
        f->glViewport(0, 0, w, ov);
        const TraceSet* traces = scene.traces().get();
        const QSize size(w, ov);
        if (gl.overviewTraces != traces || gl.overviewSize != size) {
            // The whole recording, one envelope column per pixel, scaled to the strip.
            std::vector<float> v{0.0F,
                                 0.0F,
                                 static_cast<float>(w),
                                 0.0F,
                                 0.0F,
                                 static_cast<float>(ov),
                                 static_cast<float>(w),
                                 static_cast<float>(ov)};
            const EnvelopePyramid& pyr = traces->channels()[overviewChannel(*traces)].pyramid;
            std::vector<TracePoint> pts;
            pyr.appendTrace(0.0, static_cast<double>(pyr.sampleCount()) / w, w, pts);
            const MinMax all = pyr.range(0, pyr.sampleCount());
            const double mid = all.empty() ? 0.0 : 0.5 * (static_cast<double>(all.min) + all.max);
            const double span = all.empty() ? 1.0 : std::max(1e-6, static_cast<double>(all.max) - all.min);
            const double k = (ov - 6.0) / span;
            gl.overviewRanges.clear();
            gl.overviewVertices = 0;
            DrawRange range{4, 0};
            for (const TracePoint& p : pts) {
                if (std::isnan(p.y)) { // no data (padding): break the line
                    if (range.count > 0)
                        gl.overviewRanges.push_back(range);
                    range = {static_cast<int>(v.size() / 2), 0};
                    continue;
                }
                v.push_back(p.x);
                v.push_back(static_cast<float>(ov * 0.5 - (p.y - mid) * k));
                ++range.count;
                ++gl.overviewVertices;
            }
            if (range.count > 0)
                gl.overviewRanges.push_back(range);
            gl.overviewBuffer.bind();
            gl.overviewBuffer.allocate(v.data(), static_cast<int>(v.size() * sizeof(float)));
            gl.overviewTraces = traces;
            gl.overviewSize = size;
        }
        bindVertices(gl.overviewBuffer);
        gl.program.setUniformValue(gl.xformLoc, 2.0F / w, -2.0F / ov, -1.0F, 1.0F);
        setColor(m_colors.overviewBackground);
        draw(GL_TRIANGLE_STRIP, 0, 4);
        setColor(m_colors.overview);
        for (const DrawRange& r : gl.overviewRanges) {
            draw(GL_LINE_STRIP, r.first, r.count);
        }
        m_stats.overviewVertices = gl.overviewVertices;
    }
    f->glDisableVertexAttribArray(0);
    gl.vao.release();
    gl.program.release();
    f->glBindBuffer(GL_ARRAY_BUFFER, 0);
    f->glViewport(0, 0, w, h);
}

void PaperRenderer::paintOverlay(QPainter& painter, const PaperScene& scene, const PaperViewport& vp) const {
    if (vp.pixels.isEmpty())
        return;
    const PaperPage& page = scene.page();
    const double ppm = page.scale.pixelsPerMm;
    const int w = vp.pixels.width();
    const int ov = std::clamp(vp.overviewHeight, 0, vp.pixels.height());
    const int pageH = vp.pixels.height() - ov;
    painter.save();
    painter.scale(1.0 / vp.devicePixelRatio, 1.0 / vp.devicePixelRatio); // draw in device pixels
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    auto toPx = [&](PagePoint mm) {
        return QPointF((mm.x - vp.scrollMm.x()) * ppm, (mm.y - vp.scrollMm.y()) * ppm);
    };

    painter.setClipRect(QRectF(0, 0, w, pageH));
    QFont font = painter.font();
    for (const PaperText& t : scene.texts()) {
        const QPointF at = toPx(t.atMm);
        const double px = std::max(kMinFontPx, t.sizeMm * ppm);
        if (at.y() - px > pageH || at.y() + px < 0 || at.x() > w)
            continue;
        font.setPixelSize(static_cast<int>(std::lround(px)));
        font.setBold(t.bold);
        painter.setFont(font);
        painter.setPen(t.role == PaperText::Role::Note ? QColor(0xb0, 0x30, 0x00) : QColor(0x10, 0x10, 0x10));
        QString text = QString::fromStdString(t.text);
        if (t.maxWidthMm > 0) {
            text = QFontMetricsF(font).elidedText(text, Qt::ElideRight, t.maxWidthMm * ppm);
        }
        painter.drawText(at, text);
    }

    paintFindings(painter, scene, vp);

    // The placed calipers: on every cell that shows their lead over their times, two end lines across the
    // row band joined by a bracket near its top, the caption above the bracket; the selected one solid.
    if (scene.hasData() && !scene.caliperSet().empty()) {
        const std::vector<std::string> captions = scene.caliperCaptions();
        const auto& list = scene.caliperSet().list();
        font.setBold(true);
        font.setPixelSize(static_cast<int>(std::lround(std::max(kMinFontPx + 1, 2.8 * ppm))));
        painter.setFont(font);
        const QFontMetricsF fm(font);
        std::vector<int> stacked(page.cells.size(), 0); // captions already on a cell: the next goes lower
        for (std::size_t k = 0; k < list.size(); ++k) {
            const Caliper& c = list[k];
            const bool selected = c.id == scene.selectedCaliper();
            for (std::size_t ci = 0; ci < page.cells.size(); ++ci) {
                const PaperCell& cell = page.cells[ci];
                if (cell.channel != c.channel || c.endSeconds < cell.startSeconds ||
                    c.startSeconds > cell.endSeconds)
                    continue;
                const double cellLeft = (cell.xMm - vp.scrollMm.x()) * ppm;
                const double cellRight = (cell.xMm + cell.widthMm - vp.scrollMm.x()) * ppm;
                const double xa = toPx({cell.xAt(c.startSeconds), 0}).x();
                const double xb = toPx({cell.xAt(c.endSeconds), 0}).x();
                const double top = (cell.topMm - vp.scrollMm.y()) * ppm;
                const double bottom = (cell.bottomMm - vp.scrollMm.y()) * ppm;
                const int slot = stacked[ci]++;
                const double barY = top + (4.0 + 3.6 * slot) * ppm;
                QPen pen(m_colors.caliper, selected ? 2.0 : 1.0, selected ? Qt::SolidLine : Qt::DashLine);
                painter.setPen(pen);
                for (const double x : {xa, xb}) {
                    if (x >= cellLeft - 0.5 && x <= cellRight + 0.5)
                        painter.drawLine(QPointF(x, top), QPointF(x, bottom));
                }
                pen.setStyle(Qt::SolidLine);
                pen.setWidthF(selected ? 2.5 : 1.5);
                painter.setPen(pen);
                painter.drawLine(QPointF(std::max(xa, cellLeft), barY),
                                 QPointF(std::min(xb, cellRight), barY));
                const QString text = QString::fromStdString(captions[k]);
                QRectF box = fm.boundingRect(text).adjusted(-3, -1, 3, 1);
                box.moveBottomLeft(QPointF(std::max(xa, cellLeft) + 2, barY - 2));
                // Inside the cell where it fits, so it never covers the next cell's lead name; clear of this
                // cell's own name (top-left) too.
                const double labelRoom = cellLeft + 10.0 * ppm;
                if (box.right() > cellRight - 2)
                    box.moveRight(std::max(cellRight - 2, labelRoom + box.width()));
                if (box.right() > w)
                    box.moveRight(w - 2.0);
                painter.fillRect(box, QColor(255, 255, 255, 225));
                painter.setPen(m_colors.caliper);
                painter.drawText(box, Qt::AlignCenter, text);
            }
        }
    }

    if (const auto& cal = scene.calipers(); cal && cal->cellIndex < page.cells.size()) {
        const PaperCell& cell = page.cells[cal->cellIndex];
        const QPointF a = toPx(cal->firstMm);
        const QPointF b = toPx(cal->secondMm);
        const double top = (cell.topMm - vp.scrollMm.y()) * ppm;
        const double bottom = (cell.bottomMm - vp.scrollMm.y()) * ppm;
        QPen pen(m_colors.caliper, 1.0, Qt::DashLine);
        painter.setPen(pen);
        painter.drawLine(QPointF(a.x(), top), QPointF(a.x(), bottom));
        painter.drawLine(QPointF(b.x(), top), QPointF(b.x(), bottom));
        painter.drawLine(QPointF(std::min(a.x(), b.x()) - 8, a.y()),
                         QPointF(std::max(a.x(), b.x()) + 8, a.y()));
        painter.drawLine(QPointF(std::min(a.x(), b.x()) - 8, b.y()),
                         QPointF(std::max(a.x(), b.x()) + 8, b.y()));
        pen.setStyle(Qt::SolidLine);
        pen.setWidthF(1.5);
        painter.setPen(pen);
        painter.drawLine(a, b);
        if (const auto reading = scene.caliperReading()) {
            font.setBold(true);
            font.setPixelSize(static_cast<int>(std::lround(std::max(kMinFontPx + 2, 3.2 * ppm))));
            painter.setFont(font);
            const QString text = QString::fromStdString(reading->second);
            const QFontMetricsF fm(font);
            QRectF box = fm.boundingRect(text).adjusted(-4, -3, 4, 3);
            box.moveTopLeft(QPointF(std::max(a.x(), b.x()) + 10, std::min(a.y(), b.y()) - box.height() - 4));
            if (box.right() > w)
                box.moveRight(std::min(a.x(), b.x()) - 10);
            if (box.top() < 0)
                box.moveTop(2);
            painter.fillRect(box, QColor(255, 255, 255, 235));
            painter.setPen(m_colors.caliper);
            painter.drawRect(box);
            painter.drawText(box, Qt::AlignCenter, text);
        }
    }

    if (ov > 0 && scene.hasData() && !scene.medianBeat()) {
        painter.setClipping(false);
        const QRectF band = overviewRect(vp);
        const double duration = scene.traces()->durationSeconds();
        if (duration > 0) {
            const double x0 = band.left() + scene.settings().startSeconds / duration * band.width();
            const double x1 = band.left() + std::min(duration, scene.settings().startSeconds +
                                                                   scene.settings().pageSeconds) /
                                                duration * band.width();
            QRectF win(x0, band.top() + 1, std::max(4.0, x1 - x0), band.height() - 2);
            painter.fillRect(win, QColor(0, 85, 212, 60));
            painter.setPen(QPen(m_colors.caliper, 2.0));
            painter.drawRect(win);
        }
        painter.setPen(QColor(0x60, 0x68, 0x70));
        painter.drawLine(band.topLeft(), band.topRight());
        font.setBold(false);
        font.setPixelSize(11);
        painter.setFont(font);
        const QString label = QStringLiteral("Whole recording, lead %1, %2 — click or drag to move the page")
                                  .arg(QString::fromStdString(
                                      scene.traces()->channels()[overviewChannel(*scene.traces())].label))
                                  .arg(QString::fromStdString(formatClock(duration)));
        QRectF box = QFontMetricsF(font).boundingRect(label).adjusted(-4, -1, 4, 1);
        box.moveTopLeft(band.topLeft() + QPointF(4, 3));
        painter.fillRect(box, QColor(255, 255, 255, 220));
        painter.setPen(QColor(0x20, 0x28, 0x30));
        painter.drawText(box, Qt::AlignCenter, label);
        // Where the findings are in the whole recording.
        if (duration > 0) {
            for (const SceneOverlay& o : scene.overlays()) {
                if (!o.resolution.focusSeconds)
                    continue;
                const double x0 = band.left() + o.resolution.focusSeconds->first / duration * band.width();
                const double x1 = band.left() + o.resolution.focusSeconds->second / duration * band.width();
                QColor c = o.prepared.overlay().trusted ? m_colors.findingRegion : m_colors.untrusted;
                c.setAlpha(150);
                painter.fillRect(QRectF(x0, band.bottom() - 10, std::max(3.0, x1 - x0), 9), c);
            }
        }
    }
    // Last, on top of everything on the page: the UNTRUSTED banner, kept in view when the page scrolls down.
    if (scene.hasData() && scene.showsUntrustedBanner()) {
        painter.setClipRect(QRectF(0, 0, w, pageH));
        const auto [topMm, heightMm] = scene.untrustedBannerMm();
        const double h = heightMm * ppm;
        const QRectF bar(0, std::max(0.0, (topMm - vp.scrollMm.y()) * ppm), w, h);
        painter.fillRect(bar, m_colors.untrusted);
        font.setBold(true);
        font.setPixelSize(static_cast<int>(std::lround(std::max(kMinFontPx + 2, 3.3 * ppm))));
        painter.setFont(font);
        painter.setPen(Qt::white);
        painter.drawText(bar.adjusted(std::max(6.0, (5.0 - vp.scrollMm.x()) * ppm), 0, 0, 0),
                         Qt::AlignVCenter | Qt::AlignLeft,
                         QString::fromStdString(scene.untrustedBannerText()));
    }
    painter.restore();
}

void PaperRenderer::paintFindings(QPainter& painter, const PaperScene& scene, const PaperViewport& vp) const {
    if (!scene.hasData() || scene.overlays().empty())
        return;
    const double ppm = scene.page().scale.pixelsPerMm;
    auto toPx = [&](PagePoint mm) {
        return QPointF((mm.x - vp.scrollMm.x()) * ppm, (mm.y - vp.scrollMm.y()) * ppm);
    };
    painter.save();
    const std::vector<OverlayMark> marks = scene.overlayMarks();
    // Outlines: crisp (no antialiasing), so the region's edges sit on the pixels its times give.
    painter.setRenderHint(QPainter::Antialiasing, false);
    // A thin outline (1 px on screens, ~0.15 mm at print resolutions): it frames the region without hiding
    // the ST segment under it.
    const double penWidth = std::max(1.0, std::round(0.15 * ppm));
    for (const OverlayMark& m : marks) {
        const QRectF r(toPx({m.x0Mm, m.topMm}), toPx({m.x1Mm, m.bottomMm}));
        if (m.trusted) {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(
                QPen(m_colors.findingRegion, penWidth, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        } else {
            // Dashed red, not filled: the UNTRUSTED label and banner say what it is; a hatch would cover the
            // trace the reader has to judge for themself.
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(m_colors.untrusted, penWidth, Qt::DashLine, Qt::SquareCap, Qt::MiterJoin));
        }
        painter.drawRect(r);
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    QFont font = painter.font();
    for (const OverlayMark& m : marks) {
        if (m.text.empty())
            continue;
        font.setPixelSize(static_cast<int>(std::lround(std::max(kMinFontPx, m.textSizeMm * ppm))));
        font.setBold(true);
        painter.setFont(font);
        const QString text = QString::fromStdString(m.text);
        QRectF box = QFontMetricsF(font).boundingRect(text).adjusted(-3, -1, 3, 1);
        box.moveTopLeft(toPx(m.textAtMm));
        if (m.trusted) {
            painter.fillRect(box, QColor(255, 255, 255, 225));
            painter.setPen(QPen(m_colors.findingRegion, 1.0));
            painter.drawRect(box);
            painter.setPen(m_colors.findingRegion);
        } else {
            painter.fillRect(box, m_colors.untrusted);
            painter.setPen(Qt::white);
        }
        painter.drawText(box, Qt::AlignCenter, text);
    }
    // The legend: the colour bar as the paper shows it at the current opacity, 0 → 1.
    if (const auto legend = scene.relevanceLegend()) {
        const QRectF bar(toPx({legend->xMm, legend->yMm}),
                         toPx({legend->xMm + legend->widthMm, legend->yMm + legend->heightMm}));
        const int x0 = static_cast<int>(std::lround(bar.left()));
        const int x1 = static_cast<int>(std::lround(bar.right()));
        painter.setRenderHint(QPainter::Antialiasing, false);
        const Rgb8 paper{static_cast<std::uint8_t>(m_colors.paper.red()),
                         static_cast<std::uint8_t>(m_colors.paper.green()),
                         static_cast<std::uint8_t>(m_colors.paper.blue())};
        for (int x = x0; x < x1; ++x) {
            const double v = x1 - x0 > 1 ? static_cast<double>(x - x0) / (x1 - x0 - 1) : 1.0;
            const Rgb8 c = blendOnPaper(paper, relevanceColour(v), scene.overlayOpacity());
            painter.fillRect(
                QRectF(x, std::floor(bar.top()), 1, std::ceil(bar.bottom()) - std::floor(bar.top())),
                QColor(c.r, c.g, c.b));
        }
        // A 1 px frame just outside the bar (filled, so no pen rounding moves it onto the bar).
        const QColor frame(0x50, 0x50, 0x50);
        const double top = std::floor(bar.top());
        const double bottom = std::ceil(bar.bottom());
        painter.fillRect(QRectF(x0 - 1, top - 1, x1 - x0 + 2, 1), frame);
        painter.fillRect(QRectF(x0 - 1, bottom, x1 - x0 + 2, 1), frame);
        painter.fillRect(QRectF(x0 - 1, top - 1, 1, bottom - top + 2), frame);
        painter.fillRect(QRectF(x1, top - 1, 1, bottom - top + 2), frame);
        painter.setRenderHint(QPainter::Antialiasing, true);
        for (const PaperText& t : legend->texts) {
            font.setPixelSize(static_cast<int>(std::lround(std::max(kMinFontPx, t.sizeMm * ppm))));
            font.setBold(t.bold);
            painter.setFont(font);
            painter.setPen(QColor(0x10, 0x10, 0x10));
            painter.drawText(toPx(t.atMm), QString::fromStdString(t.text));
        }
    }
    painter.restore();
}

} // namespace veridicor::ecg
