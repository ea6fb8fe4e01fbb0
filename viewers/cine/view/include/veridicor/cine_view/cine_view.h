#pragma once

#include <veridicor/cine_view/cine_canvas.h>
#include <veridicor/cine/clip_reader.h>
#include <veridicor/cine_view/finding_overlays.h>
#include <veridicor/cine/frame_cache.h>
#include <veridicor/cine/playback.h>
#include <veridicor/registry/study_view.h>
#include <veridicor/registry/viewer_registry.h>

#include <QElapsedTimer>
#include <QSlider>
#include <QTimer>

#include <array>
#include <memory>
#include <set>

class QComboBox;
class QLabel;
class QToolButton;
class QPushButton;

namespace veridicor::cine {

/// The frame slider: start/end marks and bad frames drawn along the groove.
class FrameSlider : public QSlider {
    Q_OBJECT
public:
    explicit FrameSlider(QWidget* parent = nullptr);
    void setMarks(int first, int last);
    void setBadFrames(std::set<int> frames);
    [[nodiscard]] const std::set<int>& badFrames() const { return m_bad; }

protected:
    void paintEvent(QPaintEvent* e) override;

private:
    int m_first = -1, m_last = -1;
    std::set<int> m_bad;
};

/// The ultrasound cine view: plays a clip at its recorded rate on a real clock (dropping frames when decoding
/// falls behind, and counting them), with play/pause, step, loop/bounce/once, 0.25×–2× speed, a frame slider
/// with start/end marks, heart rate and frame time, window/level, zoom/pan/fit/1:1, distance and area tools,
/// and the overlay texts. Frames are decoded on worker threads ahead of the playhead into a cache bounded by
/// the setting "cine/cacheMegabytes" (QSettings, default 512); the GUI thread only uploads the frame it
/// shows.
class CineView : public registry::StudyView {
    Q_OBJECT
public:
    explicit CineView(QWidget* parent = nullptr);
    ~CineView() override;
    Q_DISABLE_COPY_MOVE(CineView)

    /// Starts opening the clip and returns at once: the reader (header, and one pass over Pixel Data for its
    /// digest) runs on a worker; opened() follows once the clip is set up (its first frame is then being
    /// decoded; firstFrameShown() says when it is on screen), or failed() with the reader's reason. A newer
    /// open or cancelOpen() drops this one's result.
    void openInstance(const dicom::InstanceHeader& header) override;
    void cancelOpen() override;
    /// Same as openInstance, by path (tests, benchmarks).
    void openFile(const QString& path);
    [[nodiscard]] QString currentPath() const override { return m_path; }
    /// The clip's pixel data as its reader digested it at open (ClipReader::content()); every frame shown is
    /// checked against it before it is decoded. nullopt when no clip is open or its digest could not be made.
    [[nodiscard]] std::optional<registry::DisplayedContent> displayedContent() const override;
    [[nodiscard]] QStringList paintedTexts() const override;

    /// AI findings over the frames (see FindingOverlays): replaced by each call, removed when another clip
    /// opens.
    void setFindingOverlays(const std::vector<registry::FindingOverlay>& overlays) override;
    [[nodiscard]] bool supportsFindingOverlays() const override { return true; }
    /// Pauses and shows the finding's first frame (its cine region's firstFrame), with its polygon in view.
    void focusFinding(const QString& key) override;
    [[nodiscard]] FindingOverlays* findingOverlays() const { return m_findings.get(); }
    /// The heatmap opacity slider (0–100 %) and the row that holds it with the colour legend; the row is
    /// shown only while some finding has a heatmap drawn.
    [[nodiscard]] QSlider* heatmapOpacitySlider() const { return m_opacitySlider; }
    [[nodiscard]] QWidget* overlayControls() const { return m_overlayRow; }

    [[nodiscard]] CineCanvas* canvas() const { return m_canvas; }

    /// The reader's measurements as the reading records them: each calibrated distance (mm) and area (cm²),
    /// and once end diastole and end systole are marked the LV volumes (mL) and ejection fraction (%) by
    /// single-plane area–length. Values in pixels (outside a calibrated region) are not measurements and are
    /// left out. measurementsChanged() follows every change; a new open clears them.
    [[nodiscard]] std::vector<registry::ReaderMeasurement> readerMeasurements() const override;
    /// Marks the frame shown as end diastole (or end systole): its last area (the traced LV cavity) and last
    /// distance (the long axis, annulus midpoint to apex), both drawn on this frame inside one calibrated
    /// region. False, with the reason in ejectionFractionText(), when they are missing or not calibrated.
    bool markEndDiastole();
    bool markEndSystole();
    /// The EF row's text: "EF 59.8 % (single-plane area-length): EDV 130 mL (frame 3), ESV 52 mL (frame 12)",
    /// or what is still missing and why.
    [[nodiscard]] QString ejectionFractionText() const;
    [[nodiscard]] const ImageInfo* info() const { return m_reader ? &m_reader->info() : nullptr; }
    [[nodiscard]] Playback* playback() const { return m_playback.get(); }
    [[nodiscard]] FrameCache* cache() const { return m_cache.get(); }
    [[nodiscard]] FrameSlider* slider() const { return m_slider; }

    void play();
    void pause();
    [[nodiscard]] bool isPlaying() const;
    void stepFrames(int delta);
    void seekFrame(int frame);
    void setSpeed(double speed);
    void setLoopMode(LoopMode mode);
    void markStartHere();
    void markEndHere();
    void clearMarks();
    void setWindow(const WindowLevel& window);
    [[nodiscard]] WindowLevel window() const { return m_window; }
    [[nodiscard]] std::uint64_t droppedFrames() const;
    /// Milliseconds from open to the first frame on screen; negative until then.
    [[nodiscard]] double firstFrameMs() const { return m_firstFrameMs; }

    /// The cache budget from QSettings ("cine/cacheMegabytes", 64–16384, default 512).
    static std::size_t cacheBudgetBytes();

signals:
    /// A frame was put on screen (after its upload).
    void frameShown(int frame);
    void firstFrameShown(double ms);

protected:
    void keyPressEvent(QKeyEvent* e) override;

private:
    void buildUi();
    void close();
    void finishOpen(std::shared_ptr<ClipReader> reader);
    void onTick();
    void onFrameReady(int frame);
    void showFrame(const std::shared_ptr<const CachedFrame>& frame);
    void updateWanted();
    void updateTexts();
    void updateOverlay();
    void updateLabels();
    [[nodiscard]] QString topRightText() const;
    void updateControls();
    void onWindowDrag(double dCenter, double dWidth);
    void refreshFindings();
    bool markPhase(bool endDiastole);
    void refreshEjectionFraction();
    /// A traced LV cavity at end diastole or end systole.
    struct CavityTrace {
        double areaCm2 = 0.0;
        double lengthCm = 0.0;
        int frame = -1;
    };
    std::optional<CavityTrace> m_ed;
    std::optional<CavityTrace> m_es;
    QString m_efProblem; ///< why the last ED/ES mark was refused; empty when it was not
    QLabel* m_efLabel = nullptr;

    CineCanvas* m_canvas = nullptr;
    FrameSlider* m_slider = nullptr;
    QToolButton* m_playButton = nullptr;
    QComboBox* m_loopCombo = nullptr;
    QComboBox* m_speedCombo = nullptr;
    QLabel* m_frameLabel = nullptr;
    QLabel* m_heartRateLabel = nullptr;
    QLabel* m_frameTimeLabel = nullptr;
    QLabel* m_droppedLabel = nullptr;
    std::array<QToolButton*, 4> m_toolButtons{};
    QWidget* m_overlayRow = nullptr;
    QSlider* m_opacitySlider = nullptr;
    QLabel* m_opacityLabel = nullptr;
    std::shared_ptr<FindingOverlays> m_findings;

    QString m_path;
    std::shared_ptr<ClipReader> m_reader;
    SteadyClock m_clock;
    std::unique_ptr<Playback> m_playback;
    std::unique_ptr<FrameCache> m_cache;
    WindowLevel m_window;
    QTimer m_timer;
    QTimer m_windowDebounce;
    WindowLevel m_pendingWindow;
    QElapsedTimer m_openTimer;
    QElapsedTimer m_controlsClock;
    double m_firstFrameMs = -1.0;
    bool m_updatingSlider = false;
    std::set<int> m_badFrames;
};

/// Registers the cine view for ultrasound and the other image SOP classes it shows.
class CineViewerFactory final : public registry::ViewerFactory {
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("cine"); }
    [[nodiscard]] QString displayName() const override { return QStringLiteral("Ultrasound cine"); }
    [[nodiscard]] std::vector<std::string> sopClasses() const override;
    [[nodiscard]] registry::StudyView* create(QWidget* parent) const override { return new CineView(parent); }
    [[nodiscard]] std::vector<registry::KeyHelp> keyboardShortcuts() const override;
};

} // namespace veridicor::cine
