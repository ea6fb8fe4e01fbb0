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

/// A view that shows one DICOM instance of the SOP classes its factory registered.
/// openInstance() reads the file itself (on a worker thread where it is slow) and either shows it or returns
/// a plain-language reason; a view never shows an empty or partial trace as if it were data.
class StudyView : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    ~StudyView() override = default;

    /// Shows the instance. On failure the view is left empty and the message says what is wrong with the
    /// file.
    virtual Expected<void, QString> openInstance(const dicom::InstanceHeader& header) = 0;

    /// The instance shown, or an empty path.
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

signals:
    /// A short status line for the main window (e.g. caliper readings).
    void statusMessage(const QString& text);
};

} // namespace veridicor::registry
