#include <veridicor/cine_view/cine_scene.h>

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkImageStack.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace veridicor::cine {

// ---- ImageLayer ----

ImageLayer::ImageLayer(vtkImageStack* stack, int layerNumber) : m_stack(stack) {
    m_data = vtkSmartPointer<vtkImageData>::New();
    m_mapper = vtkSmartPointer<vtkImageSliceMapper>::New();
    m_mapper->SetInputData(m_data);
    m_mapper->SliceAtFocalPointOff();
    m_mapper->SliceFacesCameraOff();
    m_mapper->SetOrientationToZ();
    m_mapper->BorderOn(); // the frame's outer pixels are drawn whole
    m_slice = vtkSmartPointer<vtkImageSlice>::New();
    m_slice->SetMapper(m_mapper);
    vtkImageProperty* p = m_slice->GetProperty();
    p->SetLayerNumber(layerNumber);
    // RGB frames are already what the reader should see: identity window, no lookup table.
    p->SetColorWindow(255.0);
    p->SetColorLevel(127.5);
    p->SetInterpolationTypeToLinear();
    m_slice->VisibilityOff();
    m_stack->AddImage(m_slice);
}

ImageLayer::~ImageLayer() {
    m_stack->RemoveImage(m_slice);
}

vtkImageProperty* ImageLayer::property() const {
    return m_slice->GetProperty();
}
vtkImageSlice* ImageLayer::slice() const {
    return m_slice;
}

void ImageLayer::setRgb(std::shared_ptr<const RgbImage> image, double pixelAspect) {
    if (!image || image->width <= 0 || image->height <= 0 ||
        image->pixels.size() != std::size_t(image->width) * std::size_t(image->height) * 3) {
        m_rgb.reset();
        m_slice->VisibilityOff();
        return;
    }
    auto array = vtkSmartPointer<vtkUnsignedCharArray>::New();
    array->SetNumberOfComponents(3);
    // Zero-copy: VTK reads the decoded frame where it is; save = 1 tells VTK not to free it. `m_rgb` keeps it
    // alive.
    array->SetArray(const_cast<unsigned char*>(image->pixels.data()), // NOLINT: VTK only reads it
                    static_cast<vtkIdType>(image->pixels.size()), 1);
    if (m_width != image->width || m_height != image->height) {
        m_data->SetDimensions(image->width, image->height, 1);
        m_width = image->width;
        m_height = image->height;
    }
    m_data->SetSpacing(1.0, pixelAspect, 1.0);
    m_data->SetOrigin(0.0, 0.0, 0.0);
    m_data->GetPointData()->SetScalars(array);
    m_data->Modified();
    m_rgb = std::move(image);
    m_scalars.reset();
    m_bytes.reset();
    m_slice->VisibilityOn();
}

void ImageLayer::setScalars(std::shared_ptr<const std::vector<float>> values, int width, int height,
                            double pixelAspect, vtkLookupTable* lut) {
    if (!values || width <= 0 || height <= 0 || values->size() != std::size_t(width) * std::size_t(height)) {
        m_scalars.reset();
        m_slice->VisibilityOff();
        return;
    }
    auto array = vtkSmartPointer<vtkFloatArray>::New();
    array->SetNumberOfComponents(1);
    array->SetArray(const_cast<float*>(values->data()), static_cast<vtkIdType>(values->size()), 1); // NOLINT
    m_data->SetDimensions(width, height, 1);
    m_width = width;
    m_height = height;
    m_data->SetSpacing(1.0, pixelAspect, 1.0);
    m_data->GetPointData()->SetScalars(array);
    m_data->Modified();
    m_slice->GetProperty()->SetLookupTable(lut);
    m_slice->GetProperty()->UseLookupTableScalarRangeOn();
    m_scalars = std::move(values);
    m_rgb.reset();
    m_bytes.reset();
    m_slice->VisibilityOn();
}

void ImageLayer::setBytes(std::shared_ptr<const std::vector<std::uint8_t>> values, int width, int height,
                          double pixelAspect, vtkLookupTable* lut) {
    if (!values || width <= 0 || height <= 0 || values->size() != std::size_t(width) * std::size_t(height)) {
        m_bytes.reset();
        m_slice->VisibilityOff();
        return;
    }
    auto array = vtkSmartPointer<vtkUnsignedCharArray>::New();
    array->SetNumberOfComponents(1);
    // VTK's SetArray takes a non-const pointer; save = 1 tells it the memory is not its own, and a lookup-table
    // layer is only read from. The layer keeps `values` alive as long as VTK holds the pointer (m_bytes).
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
    array->SetArray(const_cast<std::uint8_t*>(values->data()), static_cast<vtkIdType>(values->size()), 1);
    if (m_width != width || m_height != height) {
        m_data->SetDimensions(width, height, 1);
        m_width = width;
        m_height = height;
    }
    m_data->SetSpacing(1.0, pixelAspect, 1.0);
    m_data->SetOrigin(0.0, 0.0, 0.0);
    m_data->GetPointData()->SetScalars(array);
    m_data->Modified();
    vtkImageProperty* p = m_slice->GetProperty();
    p->SetLookupTable(lut);
    p->UseLookupTableScalarRangeOn();
    p->SetInterpolationTypeToNearest();
    m_bytes = std::move(values);
    m_rgb.reset();
    m_scalars.reset();
    m_slice->VisibilityOn();
}

void ImageLayer::setOpacity(double opacity) {
    m_slice->GetProperty()->SetOpacity(std::clamp(opacity, 0.0, 1.0));
}
void ImageLayer::setVisible(bool visible) {
    m_slice->SetVisibility(visible && (m_rgb || m_scalars || m_bytes));
}
bool ImageLayer::isVisible() const {
    return m_slice->GetVisibility() != 0;
}

// ---- Polyline ----

Polyline::Polyline(vtkRenderer* renderer) : m_renderer(renderer) {
    m_poly = vtkSmartPointer<vtkPolyData>::New();
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(m_poly);
    m_actor = vtkSmartPointer<vtkActor>::New();
    m_actor->SetMapper(mapper);
    m_actor->GetProperty()->SetLineWidth(2.0);
    m_actor->GetProperty()->SetPointSize(6.0);
    m_actor->GetProperty()->SetColor(1.0, 0.85, 0.1);
    m_actor->GetProperty()->LightingOff();
    m_renderer->AddActor(m_actor);
}

Polyline::~Polyline() {
    m_renderer->RemoveActor(m_actor);
}

void Polyline::setPoints(const std::vector<PixelPoint>& points, bool closed, double pixelAspect) {
    auto pts = vtkSmartPointer<vtkPoints>::New();
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    auto verts = vtkSmartPointer<vtkCellArray>::New();
    if (m_dash > 0.0 && points.size() >= 2) {
        // Dashes along the path in world units (image columns): dash k covers the path distances
        // [k·period, k·period + dash], so the pattern runs on around corners.
        const std::size_t edges = closed ? points.size() : points.size() - 1;
        auto world = [&](std::size_t i) {
            const PixelPoint& p = points[i % points.size()];
            return std::array<double, 2>{p.x, p.y * pixelAspect};
        };
        double total = 0.0;
        for (std::size_t i = 0; i < edges; ++i) {
            const auto a = world(i), b = world(i + 1);
            total += std::hypot(b[0] - a[0], b[1] - a[1]);
        }
        double dash = m_dash, period = m_dash + m_gap;
        constexpr double kMaxDashes = 20000.0; // a huge outline gets longer dashes, not millions of them
        if (total / period > kMaxDashes) {
            const double scale = total / (period * kMaxDashes);
            dash *= scale;
            period *= scale;
        }
        double d0 = 0.0; // path distance at the start of the edge
        for (std::size_t i = 0; i < edges; ++i) {
            const auto a = world(i), b = world(i + 1);
            const double len = std::hypot(b[0] - a[0], b[1] - a[1]);
            if (len > 0.0) {
                for (auto k = static_cast<long long>(std::floor(d0 / period)); double(k) * period < d0 + len;
                     ++k) {
                    const double s = std::max(d0, double(k) * period) - d0;
                    const double e = std::min(d0 + len, double(k) * period + dash) - d0;
                    if (e <= s)
                        continue;
                    const std::array<vtkIdType, 2> ids = {
                        pts->InsertNextPoint(a[0] + (b[0] - a[0]) * s / len, a[1] + (b[1] - a[1]) * s / len,
                                             -1.0),
                        pts->InsertNextPoint(a[0] + (b[0] - a[0]) * e / len, a[1] + (b[1] - a[1]) * e / len,
                                             -1.0)};
                    lines->InsertNextCell(2, ids.data());
                }
            }
            d0 += len;
        }
        m_poly->SetPoints(pts);
        m_poly->SetLines(lines);
        m_poly->SetVerts(verts);
        m_poly->Modified();
        return;
    }
    for (const auto& p : points) {
        // z = -1: one unit towards the camera, in front of every image layer (z = 0).
        const vtkIdType id = pts->InsertNextPoint(p.x, p.y * pixelAspect, -1.0);
        // Handles on the ends of a line; a closed outline is drawn without them.
        if (!closed)
            verts->InsertNextCell(1, &id);
    }
    if (points.size() >= 2) {
        const auto n = static_cast<vtkIdType>(points.size());
        lines->InsertNextCell(closed ? n + 1 : n);
        for (vtkIdType i = 0; i < n; ++i)
            lines->InsertCellPoint(i);
        if (closed)
            lines->InsertCellPoint(0);
    }
    m_poly->SetPoints(pts);
    m_poly->SetLines(lines);
    m_poly->SetVerts(verts);
    m_poly->Modified();
}

void Polyline::setColor(double r, double g, double b) {
    m_actor->GetProperty()->SetColor(r, g, b);
}
void Polyline::setVisible(bool visible) {
    m_actor->SetVisibility(visible);
}
bool Polyline::isVisible() const {
    return m_actor->GetVisibility() != 0;
}
void Polyline::setLineWidth(double px) {
    m_actor->GetProperty()->SetLineWidth(static_cast<float>(px));
}
void Polyline::setDash(double dash, double gap) {
    m_dash = dash > 0.0 ? dash : 0.0;
    m_gap = std::max(0.0, gap);
}

// ---- CineScene ----

namespace {
vtkSmartPointer<vtkTextActor> makeText(int fontSize) {
    auto t = vtkSmartPointer<vtkTextActor>::New();
    vtkTextProperty* p = t->GetTextProperty();
    p->SetFontFamilyToArial();
    p->SetFontSize(fontSize);
    p->SetColor(0.95, 0.95, 0.95);
    // A dark band behind the text keeps it legible over bright tissue and burned-in labels.
    p->SetBackgroundColor(0.0, 0.0, 0.0);
    p->SetBackgroundOpacity(0.55);
    p->SetLineSpacing(1.15);
    return t;
}
} // namespace

CineScene::CineScene(vtkRenderer* renderer) : m_renderer(renderer) {
    m_stack = vtkSmartPointer<vtkImageStack>::New();
    m_renderer->AddViewProp(m_stack);
    m_layers.push_back(std::make_unique<ImageLayer>(m_stack, 0));
    m_stack->SetActiveLayer(0);
    for (int c = 0; c < 4; ++c) {
        m_corners[std::size_t(c)] = makeText(m_fontSize);
        vtkTextProperty* p = m_corners[std::size_t(c)]->GetTextProperty();
        const bool right = c == TopRight || c == BottomRight;
        const bool top = c == TopLeft || c == TopRight;
        p->SetJustification(right ? VTK_TEXT_RIGHT : VTK_TEXT_LEFT);
        p->SetVerticalJustification(top ? VTK_TEXT_TOP : VTK_TEXT_BOTTOM);
        vtkCoordinate* pos = m_corners[std::size_t(c)]->GetPositionCoordinate();
        pos->SetCoordinateSystemToNormalizedViewport();
        pos->SetValue(right ? 0.99 : 0.01, top ? 0.985 : 0.015);
        m_renderer->AddActor2D(m_corners[std::size_t(c)]);
    }
    m_alertActor = makeText(m_fontSize + 4);
    m_alertActor->GetTextProperty()->SetColor(1.0, 0.35, 0.3);
    m_alertActor->GetTextProperty()->SetJustificationToCentered();
    m_alertActor->GetTextProperty()->SetVerticalJustificationToCentered();
    m_alertActor->GetTextProperty()->BoldOn();
    m_alertActor->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
    m_alertActor->GetPositionCoordinate()->SetValue(0.5, 0.5);
    m_alertActor->VisibilityOff();
    m_renderer->AddActor2D(m_alertActor);

    m_bannerActor = makeText(m_fontSize + 2);
    vtkTextProperty* bp = m_bannerActor->GetTextProperty();
    bp->SetColor(1.0, 1.0, 1.0);
    bp->BoldOn();
    bp->SetBackgroundColor(0.78, 0.0, 0.0);
    bp->SetBackgroundOpacity(0.92);
    bp->SetJustificationToCentered();
    bp->SetVerticalJustificationToTop();
    m_bannerActor->GetPositionCoordinate()->SetCoordinateSystemToDisplay();
    m_bannerActor->VisibilityOff();
    m_renderer->AddActor2D(m_bannerActor);
}

CineScene::~CineScene() {
    clearLabels();
    setNotes({});
    setFindingLabels({}, 1.0);
    m_renderer->RemoveActor2D(m_bannerActor);
    m_lines.clear();
    for (auto& c : m_corners)
        m_renderer->RemoveActor2D(c);
    m_renderer->RemoveActor2D(m_alertActor);
    m_layers.clear();
    m_renderer->RemoveViewProp(m_stack);
}

ImageLayer& CineScene::addImageLayer() {
    // Numbers are never reused: the stack draws layers in the order of their numbers.
    m_layers.push_back(std::make_unique<ImageLayer>(m_stack, m_nextLayerNumber++));
    return *m_layers.back();
}

void CineScene::removeImageLayer(ImageLayer& layer) {
    if (&layer == m_layers.front().get())
        return;
    m_layers.erase(
        std::remove_if(m_layers.begin(), m_layers.end(), [&](const auto& p) { return p.get() == &layer; }),
        m_layers.end());
}

Polyline& CineScene::addPolyline() {
    m_lines.push_back(std::make_unique<Polyline>(m_renderer));
    return *m_lines.back();
}

void CineScene::removePolyline(Polyline& line) {
    m_lines.erase(
        std::remove_if(m_lines.begin(), m_lines.end(), [&](const auto& p) { return p.get() == &line; }),
        m_lines.end());
}

void CineScene::setCornerText(Corner corner, const std::string& text) {
    m_cornerTexts[corner] = text;
    m_corners[corner]->SetInput(text.c_str());
}

void CineScene::setAlert(const std::string& text) {
    m_alert = text;
    m_alertActor->SetInput(text.c_str());
    m_alertActor->SetVisibility(!text.empty());
}

int CineScene::addLabel(const std::string& text, PixelPoint at, double pixelAspect, bool warning) {
    auto t = makeText(m_fontSize);
    t->SetInput(text.c_str());
    t->GetTextProperty()->SetColor(1.0, warning ? 0.6 : 0.9, warning ? 0.2 : 0.3);
    vtkCoordinate* pos = t->GetPositionCoordinate();
    pos->SetCoordinateSystemToWorld();
    pos->SetValue(at.x + 4, at.y * pixelAspect - 4, -1.0);
    m_renderer->AddActor2D(t);
    m_labels.push_back(t);
    m_labelTexts.push_back(text);
    return static_cast<int>(m_labels.size()) - 1;
}

void CineScene::clearLabels() {
    for (auto& l : m_labels)
        m_renderer->RemoveActor2D(l);
    m_labels.clear();
    m_labelTexts.clear();
}

std::vector<std::string> CineScene::labelTexts() const {
    return m_labelTexts;
}

void CineScene::setFontSize(int px) {
    m_fontSize = px;
    for (auto& c : m_corners)
        c->GetTextProperty()->SetFontSize(px);
    m_alertActor->GetTextProperty()->SetFontSize(px + 4);
    for (auto& l : m_labels)
        l->GetTextProperty()->SetFontSize(px);
    m_bannerActor->GetTextProperty()->SetFontSize(px + 2);
    for (auto& l : m_notes)
        l->GetTextProperty()->SetFontSize(px);
    for (auto& l : m_findingLabels)
        l->GetTextProperty()->SetFontSize(px);
}

void CineScene::setBanner(const std::string& text) {
    m_banner = text;
    m_bannerActor->SetInput(text.c_str());
    m_bannerActor->SetVisibility(!text.empty());
}

void CineScene::setNotes(const std::vector<ColouredText>& lines) {
    for (auto& n : m_notes)
        m_renderer->RemoveActor2D(n);
    m_notes.clear();
    m_noteTexts.clear();
    for (const auto& line : lines) {
        auto t = makeText(m_fontSize);
        t->SetInput(line.text.c_str());
        vtkTextProperty* p = t->GetTextProperty();
        p->SetColor(line.r, line.g, line.b);
        p->SetBold(line.bold);
        p->SetJustificationToCentered();
        p->SetVerticalJustificationToTop();
        t->GetPositionCoordinate()->SetCoordinateSystemToDisplay();
        m_renderer->AddActor2D(t);
        m_notes.push_back(t);
        m_noteTexts.push_back(line.text);
    }
}

std::vector<std::string> CineScene::noteTexts() const {
    return m_noteTexts;
}

void CineScene::setFindingLabels(const std::vector<AnchoredText>& labels, double pixelAspect) {
    for (auto& l : m_findingLabels)
        m_renderer->RemoveActor2D(l);
    m_findingLabels.clear();
    m_findingLabelTexts.clear();
    for (const auto& label : labels) {
        auto t = makeText(m_fontSize);
        t->SetInput(label.text.text.c_str());
        vtkTextProperty* p = t->GetTextProperty();
        p->SetColor(label.text.r, label.text.g, label.text.b);
        p->SetBold(label.text.bold);
        p->SetVerticalJustificationToBottom();
        vtkCoordinate* pos = t->GetPositionCoordinate();
        pos->SetCoordinateSystemToWorld();
        pos->SetValue(label.at.x, label.at.y * pixelAspect - 3, -1.0);
        m_renderer->AddActor2D(t);
        m_findingLabels.push_back(t);
        m_findingLabelTexts.push_back(label.text.text);
    }
}

std::vector<std::string> CineScene::findingLabelTexts() const {
    return m_findingLabelTexts;
}

double CineScene::noteBandHeight() const {
    if (m_banner.empty() && m_notes.empty())
        return 0.0;
    return (m_banner.empty() ? 0.0 : std::round((m_fontSize + 2) * 1.6)) +
           static_cast<double>(m_notes.size()) * std::round(m_fontSize * 1.5) + 6.0;
}

void CineScene::layoutTexts(int width, int height) {
    // Centred under the top corners' four lines (so that no corner text is covered, however wide): the
    // banner, then one note per line.
    const double lineHeight = std::round(m_fontSize * 1.5);
    double y = std::round(height * 0.985 - 4 * 1.2 * m_fontSize - 6.0);
    const double x = std::round(width / 2.0);
    if (!m_banner.empty()) {
        m_bannerActor->GetPositionCoordinate()->SetValue(x, y);
        y -= std::round((m_fontSize + 2) * 1.6);
    }
    for (auto& n : m_notes) {
        n->GetPositionCoordinate()->SetValue(x, y);
        y -= lineHeight;
    }
}

} // namespace veridicor::cine
