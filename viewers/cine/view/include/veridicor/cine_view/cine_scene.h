#pragma once
// The VTK scene of the cine canvas, built to take more layers per frame later (AI findings: a heatmap blended
// over the frame with a colour map and opacity, a polygon outline), in step with the playing frame.
//
//   vtkImageStack ── layer 0: the frame (RGB, zero-copy from the decoded frame)
//                 └─ layer k: addImageLayer() — e.g. a heatmap: byte image + lookup table + opacity
//   polylines      ── addPolyline(): image-space outlines, solid or dashed (measurements, AI finding
//   polygons) text           ── four corner texts, a centred alert, labels anchored at image points
//   (measurements and
//                     findings apart), and at the top centre a banner and note lines (AI findings)
//
// World coordinates are image pixel coordinates: x = column, y = row × pixel aspect ratio, row 0 at the top
// (the camera looks along +z with view-up −y).

#include <veridicor/cine/image.h>

#include <vtkSmartPointer.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// NOLINTBEGIN(cppcoreguidelines-virtual-class-destructor)
// VTK objects are reference-counted and deleted through Delete(), so their destructors are protected and
// virtual by design (cppcoreguidelines-virtual-class-destructor cannot apply to these declarations).
class vtkActor;
class vtkImageData;
class vtkImageProperty;
class vtkImageSlice;
class vtkImageSliceMapper;
class vtkImageStack;
class vtkLookupTable;
class vtkPoints;
class vtkPolyData;
class vtkRenderer;
class vtkTextActor;
// NOLINTEND(cppcoreguidelines-virtual-class-destructor)

namespace veridicor::cine {

/// One image layer of the stack. Layer 0 shows the frame; later layers are drawn over it.
class ImageLayer {
public:
    ImageLayer(vtkImageStack* stack, int layerNumber);
    ~ImageLayer();
    ImageLayer(const ImageLayer&) = delete;
    ImageLayer& operator=(const ImageLayer&) = delete;
    ImageLayer(ImageLayer&&) = delete;
    ImageLayer& operator=(ImageLayer&&) = delete;

    /// Shows an RGB frame without copying it: the layer keeps `image` alive until the next one.
    void setRgb(std::shared_ptr<const RgbImage> image, double pixelAspect);
    /// Shows a one-component float image (e.g. a heatmap) mapped through `lut` (with its own alpha).
    void setScalars(std::shared_ptr<const std::vector<float>> values, int width, int height,
                    double pixelAspect, vtkLookupTable* lut);
    /// Shows a one-component byte image (e.g. a heatmap scaled to the frame) mapped through `lut` (with its
    /// own alpha; its table range should be 0–255), without copying it. Drawn with nearest interpolation:
    /// every image pixel is one uniform square on the frame's own pixel, at any zoom.
    void setBytes(std::shared_ptr<const std::vector<std::uint8_t>> values, int width, int height,
                  double pixelAspect, vtkLookupTable* lut);
    void setOpacity(double opacity);
    void setVisible(bool visible);
    [[nodiscard]] bool isVisible() const;
    [[nodiscard]] vtkImageSlice* slice() const;
    [[nodiscard]] vtkImageProperty* property() const;

private:
    vtkImageStack* m_stack;
    vtkSmartPointer<vtkImageData> m_data;
    vtkSmartPointer<vtkImageSliceMapper> m_mapper;
    vtkSmartPointer<vtkImageSlice> m_slice;
    std::shared_ptr<const RgbImage> m_rgb;
    std::shared_ptr<const std::vector<float>> m_scalars;
    std::shared_ptr<const std::vector<std::uint8_t>> m_bytes;
    int m_width = 0, m_height = 0;
};

/// An open or closed polyline in image pixel coordinates.
class Polyline {
public:
    explicit Polyline(vtkRenderer* renderer);
    ~Polyline();
    Polyline(const Polyline&) = delete;
    Polyline& operator=(const Polyline&) = delete;
    Polyline(Polyline&&) = delete;
    Polyline& operator=(Polyline&&) = delete;
    void setPoints(const std::vector<PixelPoint>& points, bool closed, double pixelAspect);
    void setColor(double r, double g, double b);
    void setLineWidth(double px);
    /// Dashed from the next setPoints() on: `dash` image pixels drawn, `gap` left out, the pattern running on
    /// around corners; dash ≤ 0 draws solid lines.
    void setDash(double dash, double gap);
    void setVisible(bool visible);
    [[nodiscard]] bool isVisible() const;

private:
    vtkRenderer* m_renderer;
    double m_dash = 0.0, m_gap = 0.0;
    vtkSmartPointer<vtkPolyData> m_poly;
    vtkSmartPointer<vtkActor> m_actor;
};

class CineScene {
public:
    explicit CineScene(vtkRenderer* renderer);
    ~CineScene();
    CineScene(const CineScene&) = delete;
    CineScene& operator=(const CineScene&) = delete;
    CineScene(CineScene&&) = delete;
    CineScene& operator=(CineScene&&) = delete;

    [[nodiscard]] vtkRenderer* renderer() const { return m_renderer; }
    [[nodiscard]] ImageLayer& frameLayer() { return *m_layers.front(); }
    /// A new image layer drawn over the frame (and over earlier layers).
    ImageLayer& addImageLayer();
    /// Removes a layer made by addImageLayer() (never the frame layer).
    void removeImageLayer(ImageLayer& layer);
    /// A new polyline, drawn over every image layer. The scene owns it.
    Polyline& addPolyline();
    void removePolyline(Polyline& line);

    enum Corner { TopLeft, TopRight, BottomLeft, BottomRight };
    void setCornerText(Corner corner, const std::string& text);
    [[nodiscard]] const std::string& cornerText(Corner corner) const { return m_cornerTexts[corner]; }
    /// Large centred text (e.g. why a frame cannot be shown); empty hides it.
    void setAlert(const std::string& text);
    [[nodiscard]] const std::string& alert() const { return m_alert; }
    /// A text label anchored at an image point; returns its index for setLabel/removeLabels.
    int addLabel(const std::string& text, PixelPoint at, double pixelAspect, bool warning);
    void clearLabels();
    [[nodiscard]] std::vector<std::string> labelTexts() const;
    /// Font size in device pixels for all texts.
    void setFontSize(int px);

    /// A line of text in a colour (r, g, b in 0–1).
    struct ColouredText {
        std::string text;
        double r = 1.0, g = 1.0, b = 1.0;
        bool bold = false;
    };
    /// A warning banner at the top centre: bold white text on red; empty hides it.
    void setBanner(const std::string& text);
    [[nodiscard]] const std::string& banner() const { return m_banner; }
    /// Lines stacked at the top centre, under the banner (AI findings shown, and what of them cannot be
    /// drawn).
    void setNotes(const std::vector<ColouredText>& lines);
    [[nodiscard]] std::vector<std::string> noteTexts() const;
    /// Labels anchored above image points (AI findings), kept apart from the measurement labels.
    struct AnchoredText {
        ColouredText text;
        PixelPoint at; ///< the label's lower left corner sits just above this image point
    };
    void setFindingLabels(const std::vector<AnchoredText>& labels, double pixelAspect);
    [[nodiscard]] std::vector<std::string> findingLabelTexts() const;
    /// Places the banner and note lines for a viewport of `width` × `height` device pixels (before each
    /// render): centred, under the four lines of the top corners.
    void layoutTexts(int width, int height);
    /// Device pixels the banner and note lines take below the top corners' lines (0 when there are none).
    [[nodiscard]] double noteBandHeight() const;

private:
    vtkRenderer* m_renderer;
    vtkSmartPointer<vtkImageStack> m_stack;
    std::vector<std::unique_ptr<ImageLayer>> m_layers;
    std::vector<std::unique_ptr<Polyline>> m_lines;
    std::array<vtkSmartPointer<vtkTextActor>, 4> m_corners;
    std::array<std::string, 4> m_cornerTexts;
    vtkSmartPointer<vtkTextActor> m_alertActor;
    std::string m_alert;
    std::vector<vtkSmartPointer<vtkTextActor>> m_labels;
    std::vector<std::string> m_labelTexts;
    vtkSmartPointer<vtkTextActor> m_bannerActor;
    std::string m_banner;
    std::vector<vtkSmartPointer<vtkTextActor>> m_notes;
    std::vector<std::string> m_noteTexts;
    std::vector<vtkSmartPointer<vtkTextActor>> m_findingLabels;
    std::vector<std::string> m_findingLabelTexts;
    int m_fontSize = 14;
    int m_nextLayerNumber = 1;
};

} // namespace veridicor::cine
