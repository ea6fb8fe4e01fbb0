#pragma once
// AI findings drawn over the cine frames, in step with playback: each finding's heatmap as an image layer of
// the scene (bytes scaled to the image, shown through a VTK lookup table with the reader's opacity, blended
// by the GPU), its region polygon outlined, its label beside the outline and in the note lines at the top,
// and a red banner and dashed red outlines for findings the reader chose to show although they are not
// trusted.

#include <veridicor/cine_view/cine_canvas.h>
#include <veridicor/cine/heatmap.h>
#include <veridicor/registry/finding_overlay.h>

#include <QString>

#include <vtkSmartPointer.h>

#include <memory>
#include <optional>
#include <vector>

// VTK objects are reference-counted and deleted through Delete(): their destructors are protected and virtual
// by design.
class vtkLookupTable; // NOLINT(cppcoreguidelines-virtual-class-destructor)

namespace veridicor::cine {

/// The text put before the label of a finding that is shown although it is not trusted.
inline constexpr const char* kUntrustedPrefix = "UNTRUSTED — ";
/// The banner over the frames while any finding that is not trusted is shown.
inline constexpr const char* kUntrustedBanner =
    "UNTRUSTED AI FINDING SHOWN — NOT VERIFIED, DO NOT RELY ON IT";

/// The findings of one clip. Lives as long as the canvas' scene (it is one of the canvas' frame overlays).
class FindingOverlays final : public FrameOverlay {
public:
    explicit FindingOverlays(CineScene& scene);
    ~FindingOverlays() override;
    FindingOverlays(const FindingOverlays&) = delete;
    FindingOverlays& operator=(const FindingOverlays&) = delete;
    FindingOverlays(FindingOverlays&&) = delete;
    FindingOverlays& operator=(FindingOverlays&&) = delete;

    /// The clip the findings are drawn on; removes every finding.
    void setClip(const ClipGeometry& clip, double pixelAspect);
    /// Replaces the findings (empty: none). Findings with visible == false get nothing in the scene. Call
    /// frameShown() (or CineCanvas::showFrame()) afterwards to draw them on the frame shown.
    void setFindings(const std::vector<registry::FindingOverlay>& findings);
    void clear();

    /// The reader's heatmap opacity, 0–1, for every heatmap.
    void setOpacity(double opacity);
    [[nodiscard]] double opacity() const { return m_opacity; }

    void frameShown(int frame, CineScene& scene) override;

    /// True when some shown finding has a heatmap that can be drawn on this clip (the legend and the opacity
    /// slider are then offered).
    [[nodiscard]] bool anyHeatmap() const;
    /// The heatmap frame drawn for a finding on the frame shown last, or −1 (none, or not a shown finding).
    [[nodiscard]] int heatmapFrameShown(const QString& key) const;
    /// Whether a finding's outline is drawn on the frame shown last.
    [[nodiscard]] bool outlineShown(const QString& key) const;

    /// Where to bring a shown finding into view: its first frame (nullopt without a cine region) and the
    /// bounding box of its polygon (nullopt without one); nullopt when no shown finding has this key.
    struct Focus {
        std::optional<int> frame;
        std::optional<std::pair<PixelPoint, PixelPoint>> box;
    };
    [[nodiscard]] std::optional<Focus> focusOf(const QString& key) const;

private:
    struct Item;
    void updateTexts();

    CineScene& m_scene;
    ClipGeometry m_clip;
    double m_aspect = 1.0;
    double m_opacity = kDefaultHeatmapOpacity;
    vtkSmartPointer<vtkLookupTable> m_lut;
    std::vector<std::unique_ptr<Item>> m_items;
    std::vector<CineScene::AnchoredText> m_labels; ///< the finding labels in the scene
};

} // namespace veridicor::cine
