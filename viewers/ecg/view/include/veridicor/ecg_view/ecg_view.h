#pragma once
/// \file
/// The ECG reading view: the paper (GPU canvas) with its toolbar (layout, speed, gain, display filters,
/// median beat), scroll bars and a time bar for long recordings, and a side panel with the file's
/// measurements, the calipers and the display calibration. Registered for the ECG waveform SOP classes by
/// EcgViewerFactory.

#include <veridicor/ecg_view/paper_scene.h>
#include <veridicor/registry/study_view.h>
#include <veridicor/registry/viewer_registry.h>

#include <QFutureWatcher>
#include <QString>

#include <atomic>
#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QGroupBox;
class QScrollBar;
class QSlider;
class QTableWidget;
class QToolButton;

namespace veridicor::ecg {

class EcgCanvas;
class CalibrationRuler;

class EcgView : public registry::StudyView {
    Q_OBJECT
public:
    explicit EcgView(QWidget* parent = nullptr);
    ~EcgView() override;
    Q_DISABLE_COPY_MOVE(EcgView)

    /// Starts reading the instance with the ECG core's reader on a worker thread and returns at once;
    /// opened() follows once its rhythm is on the paper, or failed() with the reader's reason (the paper is
    /// then left without data). A newer open, showRecording() or cancelOpen() drops this one's result.
    void openInstance(const dicom::InstanceHeader& header) override;
    void cancelOpen() override;
    [[nodiscard]] QString currentPath() const override { return m_path; }
    /// The recording on the paper, as its reader digested it (Recording::content); nullopt while none is
    /// shown or for one made in code.
    [[nodiscard]] std::optional<registry::DisplayedContent> displayedContent() const override;
    /// The header, measurement and lead-label texts painted on the paper, the caliper reading, and every text
    /// of the AI finding overlays drawn (labels, UNTRUSTED markings and banner, legend) — nothing of hidden
    /// ones.
    [[nodiscard]] QStringList paintedTexts() const override;

    /// AI finding overlays (replacing any before): relevance bands under the matched leads, the region
    /// outlined with its label, untrusted ones (shown anyway) marked UNTRUSTED wherever drawn. `visible ==
    /// false`: not drawn, painted or listed at all. Kept across layout, speed, gain, filter and page changes;
    /// cleared when another instance opens. Leads the recording lacks and attachments whose shape does not
    /// fit the rhythm are listed in the side panel, never drawn.
    void setFindingOverlays(const std::vector<registry::FindingOverlay>& overlays) override;
    [[nodiscard]] bool supportsFindingOverlays() const override { return true; }
    /// The recording's statements (its Waveform Annotations that carry no number), in file order.
    [[nodiscard]] std::vector<registry::DeviceStatement> deviceStatements() const override;
    /// Moves the page so the finding's time range is in the cell of its first lead (centred where the cell is
    /// longer), and scrolls the paper to that cell. Unknown or hidden keys do nothing.
    void focusFinding(const QString& key) override;
    /// Opacity of the relevance bands, [0, 1] (the side panel's slider).
    void setOverlayOpacity(double opacity);
    [[nodiscard]] double overlayOpacity() const;
    /// The side panel's report on the overlays: what is drawn, and what is not and why.
    [[nodiscard]] QString overlayReport() const;

    /// The reader's calipers as the reading records them: intervals (ms), the heart rate from each RR
    /// (/min), QTc by Bazett, Fridericia, Framingham and Hodges (method names the formula; only with an RR
    /// caliper), ST levels at J and J+60 ms per lead (mV) from each QRS caliper, a free caliper's Δt and ΔV —
    /// each with its lead and times. measurementsChanged() follows every change; a new open clears them.
    [[nodiscard]] std::vector<registry::ReaderMeasurement> readerMeasurements() const override;
    /// The kind the next caliper placed gets (the side panel's choice; keys R, P, Q, T, F on the paper).
    void setNextCaliperKind(CaliperKind kind);
    /// Scales the paper so the whole page fits the canvas (W on the paper), and keeps it fitted through
    /// layout, speed and gain changes until a pixels-per-mm calibration is set again. The page is then no
    /// longer at true size: the calibration box says so.
    void fitPageToWindow();
    [[nodiscard]] bool isFittedToWindow() const { return m_fitted; }

    /// Same as openInstance, by path.
    void openFile(const QString& path);
    /// Shows a recording made in code (tests, generated data): its traces are built before it returns (it is
    /// in memory already; no worker, no event loop), and an open under way is dropped.
    void showRecording(std::shared_ptr<const Recording> recording, const QString& path = {});

    [[nodiscard]] const PaperScene& scene() const { return m_scene; }
    [[nodiscard]] EcgCanvas* canvas() const { return m_canvas; }

    void setPaperLayout(PaperLayout layout);
    void setSpeed(double mmPerSecond);
    void setGain(double mmPerMillivolt);
    void setStartSeconds(double seconds);
    /// Switches display filters; the traces are re-prepared on a worker thread (tracesReady() when done).
    void setDisplayFilters(const FilterSettings& filters);
    [[nodiscard]] FilterSettings displayFilters() const;
    /// Shows the median beat group instead of the rhythm (when the file has one).
    void setMedianBeatShown(bool shown);
    [[nodiscard]] bool hasMedianBeat() const;
    /// Device pixels per millimetre; 0 returns to the screen's DPI. Persisted in QSettings
    /// ("ecg/pixelsPerMm").
    void setPixelsPerMm(double pixelsPerMm);
    /// Pixels per mm from the screen's physical DPI (what "0" means above).
    [[nodiscard]] double screenPixelsPerMm() const;
    /// True while traces are being prepared on a worker thread.
    [[nodiscard]] bool isPreparing() const;

signals:
    /// New traces (a file, a filter or median-beat switch) are shown.
    void tracesReady();

private:
    struct Loaded;
    void buildUi();
    void clearForOpen(const QString& path);
    void finishOpen(const QString& path, const Loaded& loaded);
    void applySettings(PaperSettings settings);
    void rebuildTraces();
    void onTracesBuilt();
    void syncScrollBars();
    void syncControls();
    void fillPanel();
    void refreshCaliperLabel();
    void refreshCaliperPanel();
    void refit();
    void refreshOverlayPanel();
    void clearOverlays();
    [[nodiscard]] std::size_t wantedGroup() const;

    PaperScene m_scene;
    QString m_path;
    std::shared_ptr<const Recording> m_recording;
    bool m_showMedian = false;
    FilterSettings m_filters;
    double m_calibratedPixelsPerMm = 0.0; // 0: from the screen

    EcgCanvas* m_canvas = nullptr;
    QScrollBar* m_hScroll = nullptr;
    QScrollBar* m_vScroll = nullptr;
    QScrollBar* m_timeBar = nullptr;
    QLabel* m_timeLabel = nullptr;
    QComboBox* m_layoutBox = nullptr;
    QComboBox* m_speedBox = nullptr;
    QComboBox* m_gainBox = nullptr;
    QToolButton* m_highPass = nullptr;
    QComboBox* m_notchBox = nullptr;
    QComboBox* m_lowPassBox = nullptr;
    QToolButton* m_medianButton = nullptr;
    QTableWidget* m_measurements = nullptr;
    QLabel* m_caliperLabel = nullptr;
    QComboBox* m_caliperKindBox = nullptr;
    QTableWidget* m_caliperTable = nullptr;
    bool m_fitted = false;
    QLabel* m_warnings = nullptr;
    QDoubleSpinBox* m_ppmBox = nullptr;
    QLabel* m_dpiLabel = nullptr;
    CalibrationRuler* m_ruler = nullptr;
    QGroupBox* m_overlayBox = nullptr;
    QLabel* m_overlayReport = nullptr;
    QSlider* m_opacitySlider = nullptr;
    QLabel* m_opacityLabel = nullptr;
    bool m_syncing = false;

    QFutureWatcher<std::shared_ptr<const TraceSet>> m_build;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    int m_pendingBuilds = 0;
};

/// Builds EcgView for 12-Lead ECG, General ECG, Ambulatory ECG and Hemodynamic Waveform storage.
class EcgViewerFactory : public registry::ViewerFactory {
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("ecg"); }
    [[nodiscard]] QString displayName() const override { return QStringLiteral("ECG"); }
    [[nodiscard]] std::vector<std::string> sopClasses() const override;
    [[nodiscard]] registry::StudyView* create(QWidget* parent) const override { return new EcgView(parent); }
    [[nodiscard]] std::vector<registry::KeyHelp> keyboardShortcuts() const override;
};

} // namespace veridicor::ecg
