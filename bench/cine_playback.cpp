// cine_playback [FILE] [--seconds S] [--size WxH] [--heatmap] — plays a clip through the real cine view (VTK
// in our QOpenGLWidget) for S seconds (default 10) and prints dropped frames, time to first frame, paint
// times and peak memory. --heatmap adds an AI finding with a heatmap of one 48 × 64 grid per clip frame and
// an outline, and prints what stepping it costs per frame. Without FILE it makes the 120-frame 640×480
// YBR_FULL_422 JPEG clip at 60 fps. Needs a display: run it under xvfb-run -a on a machine without one.
#include "echo_synth.h"

#include <veridicor/cine_view/cine_view.h>
#include <veridicor/dicom/dicom_env.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSurfaceFormat>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>
#include <sys/resource.h>
#include <unistd.h>

using namespace veridicor;

namespace {
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}
} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "xcb");
    QSurfaceFormat fmt;
    fmt.setVersion(3, 2);
    fmt.setProfile(QSurfaceFormat::CoreProfile);
    fmt.setDepthBufferSize(24);
    fmt.setStencilBufferSize(8);
    QSurfaceFormat::setDefaultFormat(fmt);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("VeridicorBench"));
    if (auto env = dicom::initializeDicom(); !env) {
        static_cast<void>(std::fprintf(stderr, "cine_playback: %s\n", env.error().message.c_str()));
        return 2;
    }
    QString file;
    double seconds = 10.0;
    int w = 1280, h = 800;
    bool heatmap = false;
    const QStringList args = QApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QStringLiteral("--seconds") && i + 1 < args.size()) {
            seconds = args[++i].toDouble();
        } else if (args[i] == QStringLiteral("--heatmap")) {
            heatmap = true;
        } else if (args[i] == QStringLiteral("--size") && i + 1 < args.size()) {
            const QStringList wh = args[++i].split(QLatin1Char('x'));
            if (wh.size() == 2) {
                w = wh[0].toInt();
                h = wh[1].toInt();
            }
        } else {
            file = args[i];
        }
    }
    std::filesystem::path tmp;
    if (file.isEmpty()) {
        tmp = std::filesystem::temp_directory_path() /
              ("veridicor_cine_playback_" + std::to_string(::getpid()));
        const auto path = tmp / "clip.dcm";
        const std::string err = demo::writeEchoClip(demo::EchoClipSpec{}, path);
        if (!err.empty()) {
            static_cast<void>(std::fprintf(stderr, "cine_playback: %s\n", err.c_str()));
            return 2;
        }
        file = QString::fromStdString(path.string());
    }
    const long rssBefore = peakRssMb();
    cine::CineView view;
    view.resize(w, h);
    view.show();
    QElapsedTimer wait;
    wait.start();
    while (!view.canvas()->isVtkInitialized() && wait.elapsed() < 5000)
        QApplication::processEvents();

    std::vector<double> paints;
    QObject::connect(view.canvas(), &cine::VtkOpenGLWidget::rendered,
                     [&] { paints.push_back(view.canvas()->lastPaintMs()); });
    int shown = 0;
    QObject::connect(&view, &cine::CineView::frameShown, [&](int) { ++shown; });
    double firstFrame = -1;
    QObject::connect(&view, &cine::CineView::firstFrameShown, [&](double ms) { firstFrame = ms; });
    QString openError;
    bool openDone = false;
    QObject::connect(&view, &registry::StudyView::opened, [&](const QString&) { openDone = true; });
    QObject::connect(&view, &registry::StudyView::failed, [&](const QString&, const QString& why) {
        openDone = true;
        openError = why;
    });
    view.openFile(file); // asynchronous: opened() or failed() follows
    while (!openDone && wait.elapsed() < 60000)
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    if (!openDone || !openError.isEmpty()) {
        static_cast<void>(
            std::fprintf(stderr, "cine_playback: %s\n",
                         qPrintable(openDone ? openError : QStringLiteral("opening timed out"))));
        return 2;
    }
    const auto* info = view.info();
    while (firstFrame < 0 && wait.elapsed() < 20000)
        QApplication::processEvents(QEventLoop::AllEvents, 5);
    // Which GL the figures are for (llvmpipe and a GPU differ by an order of magnitude).
    QString gl = QStringLiteral("no GL context");
    view.canvas()->makeCurrent();
    if (QOpenGLContext* ctx = QOpenGLContext::currentContext()) {
        QOpenGLFunctions* f = ctx->functions();
        const auto str = [&](GLenum e) {
            const auto* s = reinterpret_cast<const char*>(f->glGetString(e));
            return QString::fromLatin1(s != nullptr ? s : "?");
        };
        gl = str(GL_VENDOR) + QStringLiteral(" / ") + str(GL_RENDERER) + QStringLiteral(" / OpenGL ") +
             str(GL_VERSION);
    }
    view.canvas()->doneCurrent();
    std::printf("GL: %s\n", qPrintable(gl));
    double overlayStepMs = 0.0;
    if (heatmap) {
        registry::FindingOverlay o;
        o.key = QStringLiteral("bench");
        o.label = QStringLiteral("Benchmark finding");
        o.trusted = true;
        o.hasCineRegion = true;
        o.lastFrame = info->frames - 1;
        o.polygon << QPointF(info->cols * 0.3, info->rows * 0.2)
                  << QPointF(info->cols * 0.7, info->rows * 0.2)
                  << QPointF(info->cols * 0.6, info->rows * 0.8);
        o.heatmapFrames = info->frames;
        o.heatmapRows = std::min(48, info->rows);
        o.heatmapCols = std::min(64, info->cols);
        o.heatmap.resize(qsizetype{o.heatmapFrames} * o.heatmapRows * o.heatmapCols);
        for (qsizetype i = 0; i < o.heatmap.size(); ++i)
            o.heatmap[i] = char((i * 7) % 256);
        view.setFindingOverlays({o});
        // Stepping the overlay alone, every frame once: the heatmap frame scaled to the image, handed to VTK.
        QElapsedTimer step;
        step.start();
        for (int f = 0; f < info->frames; ++f)
            view.findingOverlays()->frameShown(f, view.canvas()->scene());
        overlayStepMs = double(step.nsecsElapsed()) / 1e6 / info->frames;
    }
    // Measure from the moment playback runs (it starts when the first frame is on screen).
    paints.clear();
    shown = 0;
    view.playback()->resetDroppedFrames();
    QElapsedTimer run;
    run.start();
    const double cpu0 = cpuSeconds();
    QTimer::singleShot(static_cast<int>(seconds * 1000), &app, &QApplication::quit);
    QApplication::exec();
    const double elapsed = run.elapsed() / 1000.0;
    const double cpu = cpuSeconds() - cpu0;
    std::sort(paints.begin(), paints.end());
    const auto pct = [&](double q) {
        return paints.empty() ? 0.0
                              : paints[std::min(paints.size() - 1, std::size_t(q * double(paints.size())))];
    };
    double mean = 0;
    for (double p : paints)
        mean += p;
    mean = paints.empty() ? 0 : mean / double(paints.size());
    const auto st = view.cache()->stats();
    const double due = elapsed * info->timing.meanFrameRate() * view.playback()->speed();
    std::printf("clip: %s, %d frames %dx%d %s at %.1f fps; view %dx%d (device %dx%d)\n", qPrintable(file),
                info->frames, info->cols, info->rows, info->photometricText.c_str(),
                info->timing.meanFrameRate(), w, h, view.canvas()->deviceSize().width(),
                view.canvas()->deviceSize().height());
    std::printf("time to first frame on screen: %.1f ms (goal ≤ 100 ms)\n", firstFrame);
    if (heatmap) {
        std::printf("heatmap: %d frames × 48 × 64 over %dx%d; stepping it (scale to the image, hand to VTK): "
                    "%.3f ms per frame; "
                    "its colour mapping and upload are in the paint time\n",
                    info->frames, info->cols, info->rows, overlayStepMs);
    }
    std::printf("played %.2f s: %d frames shown of %.0f due, %llu dropped (goal 0)\n", elapsed, shown, due,
                static_cast<unsigned long long>(view.droppedFrames()));
    std::printf("paint (VTK render + upload + blit): mean %.2f ms, median %.2f ms, p95 %.2f ms, max %.2f ms "
                "over %zu paints\n",
                mean, pct(0.5), pct(0.95), paints.empty() ? 0.0 : paints.back(), paints.size());
    std::printf("CPU (all threads, GL rasteriser included): %.2f s in %.2f s, %.1f ms per frame shown\n", cpu,
                elapsed, shown > 0 ? cpu * 1000.0 / shown : 0.0);
    std::printf("frame cache: %zu frames cached (%.1f MB, peak %.1f MB, budget %zu frames), %llu decoded, "
                "mean decode %.2f ms, %d worker(s)\n",
                st.cachedFrames, st.bytes / 1e6, st.peakBytes / 1e6, st.capacityFrames,
                static_cast<unsigned long long>(st.decoded), st.meanDecodeMs, st.workers);
    std::printf("peak resident memory: %ld MB (%ld MB before the view)\n", peakRssMb(), rssBefore);
    if (!tmp.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(tmp, ec);
    }
    return 0;
}
