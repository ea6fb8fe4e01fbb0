#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/registry/finding_overlay.h>

#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

namespace veridicor::registry {

/// Exactly the data a view holds and draws: the finding-bundle-v1 digest of its samples or pixels
/// (dicom-waveform-v1 / dicom-pixeldata-v1), computed from the very bytes the view decoded, with the UIDs and
/// modality they came with. ui/ shows a finding only when the data it was verified against is this.
using DisplayedContent = dicom::ContentIdentity;

/// A measurement the reader made on the view (calipers, distances, areas, an ejection fraction), in the terms
/// the clinician's reading records it (reading::Measurement): the reading panel lists these and the signed SR
/// carries them.
struct ReaderMeasurement {
    QString name;  ///< "RR interval", "Heart rate", "QTc (Bazett)", "ST level at J", "LV ejection fraction"
    QString value; ///< the number as it will be written (a DICOM DS: at most 16 characters), e.g. "412"
    QString unit;  ///< UCUM: "ms", "/min", "mV", "mm", "cm2", "mL", "%"
    QString lead;  ///< the lead it was made on; empty: none (echo, or a value over several leads)
    std::optional<double> startSeconds; ///< recording time of its first point, when it has one
    std::optional<double> endSeconds;
    QString method; ///< how it was obtained, shown beside it ("Bazett", "single-plane area-length"); may be empty
};

/// One of the recording's own statements (a DICOM annotation the device wrote, "Sinus rhythm"), which the
/// reader confirms or rejects in the reading panel.
struct DeviceStatement {
    QString text;
};

/// A view that shows one DICOM instance of the SOP classes its factory registered.
/// Opening is asynchronous: openInstance() starts reading the file (on a worker thread) and returns at once,
/// without waiting in any event loop; the view then emits opened() once the data are on screen, or failed()
/// with a plain-language reason. A view never shows an empty or partial trace as if it were data.
class StudyView : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StudyView)
public:
    using QWidget::QWidget;
    ~StudyView() override = default;

    /// Starts opening the instance and returns at once. Exactly one of opened() or failed() follows, never
    /// from within this call — unless the open is cancelled (cancelOpen()) or superseded by another
    /// openInstance(), which cancels it: then neither follows for it, and nothing it read is ever shown.
    /// From the call on, the view shows nothing of the instance before (displayedContent() is nullopt until
    /// opened()). On failure the view is left empty and the message says what is wrong with the file.
    virtual void openInstance(const dicom::InstanceHeader& header) = 0;

    /// Stops the open under way, if any: no signal follows for it and the view is left empty.
    virtual void cancelOpen() = 0;

    /// True from openInstance() until opened(), failed() or cancelOpen().
    [[nodiscard]] bool isOpening() const { return m_opening; }

    /// The instance shown or being opened, or an empty path.
    [[nodiscard]] virtual QString currentPath() const = 0;

    /// What the view holds and draws for currentPath(), digested from the bytes it decoded (never from a
    /// second read of the file); nullopt when nothing is shown or the view cannot vouch for its data (it was
    /// made in code, could not be digested, or the view does not know). No finding is shown over a view
    /// that returns nullopt.
    [[nodiscard]] virtual std::optional<DisplayedContent> displayedContent() const { return std::nullopt; }

    /// Text the view paints itself (on a GL canvas, say) and that no child widget holds, one entry per item.
    /// The main window adds it to its visible-text dump, so tests can assert what a reader can see.
    [[nodiscard]] virtual QStringList paintedTexts() const { return {}; }

    /// Replaces the AI finding overlays drawn on the instance shown (empty: none). Views that cannot draw
    /// overlays ignore them; supportsFindingOverlays() says which.
    virtual void setFindingOverlays(const std::vector<FindingOverlay>& overlays) { (void)overlays; }
    [[nodiscard]] virtual bool supportsFindingOverlays() const { return false; }
    /// Brings the finding's region into view (scrolls an ECG trace to its time, seeks a cine to its first
    /// frame).
    virtual void focusFinding(const QString& key) { (void)key; }

    /// The measurements the reader has made on the instance shown, in the order made (empty: none, or a view
    /// that measures nothing). measurementsChanged() follows every change, and a new open clears them.
    [[nodiscard]] virtual std::vector<ReaderMeasurement> readerMeasurements() const { return {}; }
    /// The recording's own statements (device annotations), in file order; empty when it has none.
    [[nodiscard]] virtual std::vector<DeviceStatement> deviceStatements() const { return {}; }

protected:
    /// Identifies one open, so that a read finishing after a newer open or a cancel is recognised and dropped.
    using OpenTicket = unsigned long long;

    /// The bookkeeping every view's openInstance() shares. beginOpen() supersedes the open under way (its
    /// ticket is no longer current) and starts a new one; the view's worker result is applied only while
    /// isCurrentOpen(ticket); endOpen() marks the open answered, just before opened() or failed() is emitted.
    OpenTicket beginOpen() {
        m_opening = true;
        return ++m_openTicket;
    }
    [[nodiscard]] bool isCurrentOpen(OpenTicket ticket) const { return m_opening && ticket == m_openTicket; }
    void endOpen() { m_opening = false; }
    /// Cancels or supersedes the open under way without starting another (cancelOpen(), or data shown by
    /// other means). Returns whether an open was under way.
    bool abandonOpen() {
        const bool was = m_opening;
        ++m_openTicket;
        m_opening = false;
        return was;
    }

signals:
    /// The instance at `path` is on screen; displayedContent() now says what the view holds and draws.
    void opened(const QString& path);
    /// The instance at `path` cannot be shown: `error` says why, in plain language.
    void failed(const QString& path, const QString& error);
    /// A short status line for the main window (e.g. caliper readings).
    void statusMessage(const QString& text);
    /// readerMeasurements() changed (a caliper placed, moved or removed; a new instance opened).
    void measurementsChanged();

private:
    OpenTicket m_openTicket = 0;
    bool m_opening = false; ///< beginOpen() called and neither endOpen() nor abandonOpen() since
};

} // namespace veridicor::registry
