#include <veridicor/cine_view/vtk_opengl_widget.h>

#include <QElapsedTimer>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

namespace veridicor::cine {

VtkOpenGLWidget::VtkOpenGLWidget(QWidget* parent) : QOpenGLWidget(parent) {
    QSurfaceFormat fmt = QSurfaceFormat::defaultFormat();
    if (fmt.majorVersion() < 3 || (fmt.majorVersion() == 3 && fmt.minorVersion() < 2)) {
        fmt.setVersion(3, 2);
        fmt.setProfile(QSurfaceFormat::CoreProfile);
    }
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    fmt.setSamples(0);
    setFormat(fmt);
    setUpdateBehavior(QOpenGLWidget::NoPartialUpdate);
    setMinimumSize(64, 64);

    m_window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    m_window->SetMultiSamples(0);
    // VTK renders into its render framebuffer; we copy that into Qt's framebuffer ourselves. With SwapBuffers
    // off VTK skips its own copy to a display framebuffer (colour and depth): on a software rasteriser each
    // full-window copy costs milliseconds per frame.
    m_window->SetFrameBlitModeToNoBlit();
    m_window->SetSwapBuffers(0);
    m_window->SetReadyForRendering(false);
    m_renderer = vtkSmartPointer<vtkRenderer>::New();
    m_renderer->SetBackgroundAlpha(1.0);
    m_window->AddRenderer(m_renderer);

    for (unsigned long event : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                                vtkCommand::WindowSupportsOpenGLEvent, vtkCommand::WindowIsDirectEvent,
                                vtkCommand::WindowFrameEvent}) {
        m_observers.push_back(m_window->AddObserver(event, this, &VtkOpenGLWidget::onRenderWindowEvent));
    }
}

VtkOpenGLWidget::~VtkOpenGLWidget() {
    // Qt may destroy the context after this object (or not at all before a later one reuses it): stop
    // listening first, then release VTK's GL resources while the context still exists.
    disconnect(m_contextConnection);
    if (m_initialized && context() != nullptr) {
        makeCurrent();
        releaseVtk();
        doneCurrent();
    }
    for (unsigned long id : m_observers) {
        m_window->RemoveObserver(id);
    }
}

vtkGenericOpenGLRenderWindow* VtkOpenGLWidget::renderWindow() const {
    return m_window;
}
vtkRenderer* VtkOpenGLWidget::renderer() const {
    return m_renderer;
}

QSize VtkOpenGLWidget::deviceSize() const {
    const qreal dpr = devicePixelRatioF();
    return {qMax(1, qRound(width() * dpr)), qMax(1, qRound(height() * dpr))};
}

void VtkOpenGLWidget::onRenderWindowEvent(vtkObject*, unsigned long event, void* data) {
    switch (event) {
    case vtkCommand::WindowMakeCurrentEvent:
        // Not QOpenGLWidget::makeCurrent(): that rebinds Qt's framebuffer behind vtkOpenGLState's back.
        if (context() != nullptr) {
            context()->makeCurrent(context()->surface());
        }
        break;
    case vtkCommand::WindowIsCurrentEvent:
        *static_cast<bool*>(data) = context() != nullptr && QOpenGLContext::currentContext() == context();
        break;
    case vtkCommand::WindowSupportsOpenGLEvent:
    case vtkCommand::WindowIsDirectEvent:
        *static_cast<int*>(data) = 1;
        break;
    case vtkCommand::WindowFrameEvent:
        // A render started outside paintGL (someone called Render()): show it at the next paint.
        if (!m_inPaint) {
            update();
        }
        break;
    default:
        break;
    }
}

void VtkOpenGLWidget::initializeGL() {
    // A new context (first show, or after reparenting): whatever VTK had belonged to the old one.
    if (m_initialized) {
        releaseVtk();
    }
    disconnect(m_contextConnection);
    m_contextConnection = connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] {
        if (m_initialized) {
            makeCurrent();
            releaseVtk();
            doneCurrent();
        }
    });
    m_window->SetOwnContext(0);
    m_window->SetForceMaximumHardwareLineWidth(1);
    m_window->SetReadyForRendering(true);
    m_window->OpenGLInitContext();
    const QSize dev = deviceSize();
    m_window->SetSize(dev.width(), dev.height());
    m_initialized = true;
    // Compiling shaders takes a software rasteriser tens of milliseconds each: do it now rather than when the
    // first frame of a clip is waiting to be shown.
    if (beginWarmUp()) {
        vtkOpenGLState* state = m_window->GetState();
        state->Reset();
        state->Push();
        state->vtkglDepthFunc(GL_LEQUAL);
        prepareRender();
        m_window->Render();
        state->Pop();
        endWarmUp();
    }
}

void VtkOpenGLWidget::releaseVtk() {
    if (!m_initialized) {
        return;
    }
    m_window->ReleaseGraphicsResources(m_window);
    m_window->Finalize();
    m_window->SetReadyForRendering(false);
    m_initialized = false;
}

void VtkOpenGLWidget::resizeGL(int, int) {
    const QSize dev = deviceSize();
    m_window->SetSize(dev.width(), dev.height());
}

void VtkOpenGLWidget::paintGL() {
    QOpenGLExtraFunctions* f = context()->extraFunctions();
    if (!m_initialized) {
        f->glClearColor(0, 0, 0, 1);
        f->glClear(GL_COLOR_BUFFER_BIT);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    m_inPaint = true;
    const QSize dev = deviceSize();
    if (m_window->GetSize()[0] != dev.width() || m_window->GetSize()[1] != dev.height()) {
        m_window->SetSize(dev.width(), dev.height());
    }
    vtkOpenGLState* state = m_window->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL); // Qt leaves GL_LESS; VTK expects GL_LEQUAL
    prepareRender();
    m_window->Render();
    ++m_renderCount;

    // Copy VTK's render framebuffer into the widget's framebuffer. The renderer's background is opaque and
    // VTK blends alpha as (1, 1 − αs), so alpha stays 1 everywhere: no separate pass to force it (Mesa would
    // otherwise blend the widget with what is behind it; the GL tests check alpha).
    state->PushFramebufferBindings();
    m_window->GetRenderFramebuffer()->Bind(GL_READ_FRAMEBUFFER);
    m_window->GetRenderFramebuffer()->ActivateReadBuffer(0);
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    const GLenum drawBuffer = GL_COLOR_ATTACHMENT0;
    f->glDrawBuffers(1, &drawBuffer);
    const GLboolean scissor = f->glIsEnabled(GL_SCISSOR_TEST);
    if (scissor == GL_TRUE) {
        state->vtkglDisable(GL_SCISSOR_TEST);
    }
    int* last = m_window->GetRenderFramebuffer()->GetLastSize();
    state->vtkglBlitFramebuffer(0, 0, last[0], last[1], 0, 0, dev.width(), dev.height(), GL_COLOR_BUFFER_BIT,
                                GL_NEAREST);
    if (scissor == GL_TRUE) {
        state->vtkglEnable(GL_SCISSOR_TEST);
    }
    state->PopFramebufferBindings();
    state->Pop();
    m_inPaint = false;
    m_lastPaintMs = double(timer.nsecsElapsed()) / 1e6;
    emit rendered();
}

} // namespace veridicor::cine
