#pragma once

#include <QOpenGLWidget>

#include <vtkSmartPointer.h>

#include <vector>

// NOLINTBEGIN(cppcoreguidelines-virtual-class-destructor)
// VTK objects are reference-counted and deleted through Delete(), so their destructors are protected and
// virtual by design (cppcoreguidelines-virtual-class-destructor cannot apply to these declarations).
class vtkGenericOpenGLRenderWindow;
class vtkRenderer;
class vtkObject;
// NOLINTEND(cppcoreguidelines-virtual-class-destructor)

namespace veridicor::cine {

/// A QOpenGLWidget that hosts a VTK render window: VTK renders into its own framebuffer inside Qt's context,
/// and the result is blitted into the widget's framebuffer (Debian's VTK Qt module is built for Qt 5 only, so
/// this bridge is ours; it follows VTK's QVTKOpenGLNativeWidget).
///
/// Survives resizing, reparenting (Qt then recreates the context: VTK's resources are released with the old
/// one) and teardown in any order.
class VtkOpenGLWidget : public QOpenGLWidget {
    Q_OBJECT
public:
    explicit VtkOpenGLWidget(QWidget* parent = nullptr);
    ~VtkOpenGLWidget() override;
    VtkOpenGLWidget(const VtkOpenGLWidget&) = delete;
    VtkOpenGLWidget& operator=(const VtkOpenGLWidget&) = delete;
    VtkOpenGLWidget(VtkOpenGLWidget&&) = delete;
    VtkOpenGLWidget& operator=(VtkOpenGLWidget&&) = delete;

    [[nodiscard]] vtkGenericOpenGLRenderWindow* renderWindow() const;
    /// The renderer every scene of this widget draws into.
    [[nodiscard]] vtkRenderer* renderer() const;
    /// True once a GL context exists and VTK is initialised in it.
    [[nodiscard]] bool isVtkInitialized() const { return m_initialized; }
    /// Milliseconds the last paint took (VTK render + blit).
    [[nodiscard]] double lastPaintMs() const { return m_lastPaintMs; }
    /// How many times VTK rendered into this widget.
    [[nodiscard]] quint64 renderCount() const { return m_renderCount; }
    /// Size of the drawing surface in device pixels.
    [[nodiscard]] QSize deviceSize() const;

signals:
    /// Emitted after each paint that rendered the VTK scene.
    void rendered();

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    /// Called before each VTK render (cameras, actors); the context is current.
    virtual void prepareRender() {}
    /// Called once per new GL context, after VTK is initialised in it: put something of every kind the scene
    /// draws in place and return true to have it rendered once (shaders compile now, not at the first frame),
    /// then undo it in endWarmUp().
    virtual bool beginWarmUp() { return false; }
    virtual void endWarmUp() {}

private:
    void onRenderWindowEvent(vtkObject* caller, unsigned long event, void* data);
    void releaseVtk();

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> m_window;
    vtkSmartPointer<vtkRenderer> m_renderer;
    std::vector<unsigned long> m_observers;
    QMetaObject::Connection m_contextConnection;
    bool m_initialized = false;
    bool m_inPaint = false;
    double m_lastPaintMs = 0.0;
    quint64 m_renderCount = 0;
};

} // namespace veridicor::cine
