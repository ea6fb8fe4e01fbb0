#include <veridicor/cine_view/finding_overlays.h>

#include <vtkLookupTable.h>

#include <algorithm>
#include <limits>

namespace veridicor::cine {

namespace {

// Outline and label colours: green for trusted findings (no colour of the heatmap's map is green), red for
// findings shown although they are not trusted.
struct Colour {
    double r, g, b;
};
constexpr Colour kTrusted{0.25, 1.0, 0.45};
constexpr Colour kTrustedText{0.6, 1.0, 0.65};
constexpr Colour kUntrusted{1.0, 0.1, 0.1};
constexpr Colour kUntrustedText{1.0, 0.35, 0.35};
constexpr Colour kProblemText{1.0, 0.65, 0.25};
constexpr int kMaxLabelChars = 120;
// Each drawn heatmap is a layer with its own image-sized texture, blended every frame: bound their number.
constexpr int kMaxHeatmapLayers = 16;

std::string labelOf(const registry::FindingOverlay& f) {
    QString label = f.label.simplified();
    if (label.isEmpty())
        label = QStringLiteral("(no label)");
    if (label.size() > kMaxLabelChars)
        label = label.left(kMaxLabelChars - 1) + QChar(0x2026);
    return (f.trusted ? std::string() : std::string(kUntrustedPrefix)) + label.toStdString();
}

CineScene::ColouredText coloured(std::string text, Colour rgb, bool bold) {
    CineScene::ColouredText t;
    t.text = std::move(text);
    t.r = rgb.r;
    t.g = rgb.g;
    t.b = rgb.b;
    t.bold = bold;
    return t;
}

} // namespace

struct FindingOverlays::Item {
    registry::FindingOverlay finding; // holds the heatmap bytes the plan points into
    CineFindingPlan plan;
    std::vector<PixelPoint> polygon; ///< drawn outline: the region polygon, or the image's edge (see below)
    bool outlineIsImageEdge = false; ///< an untrusted heatmap without polygon: the image's edge, dashed red
    ImageLayer* layer = nullptr;
    Polyline* outline = nullptr;
    int expandedFrame = -1; ///< the heatmap frame in the layer
    int heatmapFrame = -1;  ///< drawn on the frame shown last
    bool outlineOn = false;
};

FindingOverlays::FindingOverlays(CineScene& scene) : m_scene(scene) {
    // The relevance colour map as a VTK lookup table: byte i → heatmapColour(i / 255), alpha included. VTK
    // maps the bytes through it into the layer's texture; the GPU blends that over the frame with the layer
    // opacity.
    m_lut = vtkSmartPointer<vtkLookupTable>::New();
    m_lut->SetNumberOfTableValues(256);
    m_lut->SetTableRange(0.0, 255.0);
    const auto& table = heatmapColourTable();
    for (int i = 0; i < 256; ++i) {
        const Rgba8& c = table[std::size_t(i)];
        m_lut->SetTableValue(i, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0);
    }
}

FindingOverlays::~FindingOverlays() {
    clear();
}

void FindingOverlays::setClip(const ClipGeometry& clip, double pixelAspect) {
    clear();
    m_clip = clip;
    m_aspect = pixelAspect > 0 ? pixelAspect : 1.0;
}

void FindingOverlays::clear() {
    for (auto& item : m_items) {
        if (item->layer != nullptr)
            m_scene.removeImageLayer(*item->layer);
        if (item->outline != nullptr)
            m_scene.removePolyline(*item->outline);
    }
    m_items.clear();
    m_labels.clear();
    m_scene.setFindingLabels({}, m_aspect);
    updateTexts();
}

void FindingOverlays::setFindings(const std::vector<registry::FindingOverlay>& findings) {
    clear();
    if (m_clip.frames <= 0)
        return; // nothing open: nothing to draw on
    int heatmapLayers = 0;
    for (const auto& f : findings) {
        if (!f.visible)
            continue; // the reader's toggle: nothing of it is drawn, painted or reported
        auto item = std::make_unique<Item>();
        item->finding = f;
        CineFindingSpec spec;
        spec.hasRegion = f.hasCineRegion;
        spec.firstFrame = f.firstFrame;
        spec.lastFrame = f.lastFrame;
        for (const QPointF& p : f.polygon)
            spec.polygon.push_back(PixelPoint{p.x(), p.y()});
        spec.heatmapFrames = f.heatmapFrames;
        spec.heatmapRows = f.heatmapRows;
        spec.heatmapCols = f.heatmapCols;
        spec.heatmap = reinterpret_cast<const std::uint8_t*>(item->finding.heatmap.constData());
        spec.heatmapBytes = static_cast<std::size_t>(item->finding.heatmap.size());
        item->plan = planCineFinding(spec, m_clip);
        if (!item->finding.hasCineRegion && !item->finding.polygon.isEmpty()) {
            item->plan.problems.emplace_back(
                "Outline not drawn: the finding has a polygon but no cine region.");
        }
        if (item->plan.heatmapDrawable && heatmapLayers == kMaxHeatmapLayers) {
            item->plan.heatmapDrawable = false;
            item->plan.problems.push_back("Heatmap not drawn: " + std::to_string(kMaxHeatmapLayers) +
                                          " heatmaps are shown already; hide one of them to see this one.");
        }
        if (item->plan.heatmapDrawable) {
            ++heatmapLayers;
            item->layer = &m_scene.addImageLayer();
            item->layer->setOpacity(m_opacity);
            item->layer->setVisible(false);
        }
        if (item->plan.outlineDrawable) {
            item->polygon = std::move(spec.polygon);
        } else if (!f.trusted && item->plan.heatmapDrawable) {
            // No polygon to mark: the untrusted heatmap gets a dashed red frame around the image instead.
            const double x0 = -0.5, y0 = -0.5, x1 = m_clip.width - 0.5, y1 = m_clip.height - 0.5;
            item->polygon = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
            item->outlineIsImageEdge = true;
        }
        if (!item->polygon.empty()) {
            item->outline = &m_scene.addPolyline();
            if (f.trusted) {
                item->outline->setColor(kTrusted.r, kTrusted.g, kTrusted.b);
                item->outline->setLineWidth(2.0);
            } else {
                item->outline->setColor(kUntrusted.r, kUntrusted.g, kUntrusted.b);
                item->outline->setLineWidth(3.0);
                item->outline->setDash(8.0, 5.0);
            }
            item->outline->setPoints(item->polygon, true, m_aspect);
            item->outline->setVisible(false);
        }
        m_items.push_back(std::move(item));
    }
    updateTexts();
}

void FindingOverlays::setOpacity(double opacity) {
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    for (auto& item : m_items) {
        if (item->layer != nullptr)
            item->layer->setOpacity(m_opacity);
    }
}

void FindingOverlays::updateTexts() {
    std::vector<CineScene::ColouredText> notes;
    bool untrusted = false;
    for (const auto& item : m_items) {
        const auto& f = item->finding;
        untrusted = untrusted || !f.trusted;
        std::string line = (f.trusted ? std::string("AI finding: ") : std::string()) + labelOf(f);
        if (f.hasCineRegion && item->plan.regionFramesValid) {
            // Frames as the view counts them (from 1, like "Frame 7/120").
            line += f.firstFrame == f.lastFrame ? "  (frame " + std::to_string(f.firstFrame + 1) + ")"
                                                : "  (frames " + std::to_string(f.firstFrame + 1) + "–" +
                                                      std::to_string(f.lastFrame + 1) + ")";
        }
        if (item->plan.problems.empty() && !item->plan.heatmapDrawable && !item->plan.outlineDrawable) {
            line += "  — nothing to draw on this clip";
        }
        notes.push_back(coloured(line, f.trusted ? kTrustedText : kUntrustedText, !f.trusted));
        for (const auto& p : item->plan.problems)
            notes.push_back(coloured("    " + p, kProblemText, false));
    }
    m_scene.setNotes(notes);
    m_scene.setBanner(untrusted ? kUntrustedBanner : "");
}

void FindingOverlays::frameShown(int frame, CineScene& scene) {
    // A frame that cannot be shown (its alert is up) gets no overlay: there is nothing to explain on it.
    const bool frameOk = scene.frameLayer().isVisible();
    std::vector<CineScene::AnchoredText> labels;
    for (auto& item : m_items) {
        const CineFindingPlan::FrameDraw d = frameOk ? item->plan.at(frame) : CineFindingPlan::FrameDraw{};
        item->heatmapFrame = d.heatmapFrame;
        if (item->layer != nullptr) {
            if (d.heatmapFrame >= 0) {
                if (d.heatmapFrame != item->expandedFrame) {
                    const auto cells =
                        std::size_t(item->finding.heatmapRows) * std::size_t(item->finding.heatmapCols);
                    auto values = std::make_shared<std::vector<std::uint8_t>>(std::size_t(m_clip.width) *
                                                                              std::size_t(m_clip.height));
                    expandHeatmapFrame(
                        reinterpret_cast<const std::uint8_t*>(item->finding.heatmap.constData()) +
                            std::size_t(d.heatmapFrame) * cells,
                        item->finding.heatmapRows, item->finding.heatmapCols, m_clip.width, m_clip.height,
                        values->data());
                    item->layer->setBytes(std::move(values), m_clip.width, m_clip.height, m_aspect, m_lut);
                    item->expandedFrame = d.heatmapFrame;
                }
                item->layer->setVisible(true);
            } else {
                item->layer->setVisible(false);
            }
        }
        item->outlineOn =
            item->outline != nullptr && (item->outlineIsImageEdge ? d.heatmapFrame >= 0 : d.outline);
        if (item->outline != nullptr)
            item->outline->setVisible(item->outlineOn);
        if (item->outlineOn) {
            // The label sits above the outline's top left corner.
            PixelPoint topLeft{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
            for (const auto& p : item->polygon) {
                topLeft.x = std::min(topLeft.x, p.x);
                topLeft.y = std::min(topLeft.y, p.y);
            }
            const bool trusted = item->finding.trusted;
            labels.push_back(
                {coloured(labelOf(item->finding), trusted ? kTrustedText : kUntrustedText, !trusted),
                 topLeft});
        }
    }
    // Text actors are rasterised when made: replace them only when what they say or where changes.
    bool same = labels.size() == m_labels.size();
    for (std::size_t i = 0; same && i < labels.size(); ++i) {
        same = labels[i].text.text == m_labels[i].text.text && labels[i].at.x == m_labels[i].at.x &&
               labels[i].at.y == m_labels[i].at.y;
    }
    if (!same) {
        scene.setFindingLabels(labels, m_aspect);
        m_labels = std::move(labels);
    }
}

bool FindingOverlays::anyHeatmap() const {
    return std::any_of(m_items.begin(), m_items.end(), [](const auto& i) { return i->plan.heatmapDrawable; });
}

int FindingOverlays::heatmapFrameShown(const QString& key) const {
    for (const auto& i : m_items) {
        if (i->finding.key == key)
            return i->heatmapFrame;
    }
    return -1;
}

bool FindingOverlays::outlineShown(const QString& key) const {
    for (const auto& i : m_items) {
        if (i->finding.key == key)
            return i->outlineOn;
    }
    return false;
}

std::optional<FindingOverlays::Focus> FindingOverlays::focusOf(const QString& key) const {
    for (const auto& i : m_items) {
        if (i->finding.key != key)
            continue;
        Focus focus;
        if (i->finding.hasCineRegion && i->plan.regionFramesValid)
            focus.frame = i->finding.firstFrame;
        if (i->plan.outlineDrawable) {
            PixelPoint lo{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
            PixelPoint hi{std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
            for (const auto& p : i->polygon) {
                lo = {std::min(lo.x, p.x), std::min(lo.y, p.y)};
                hi = {std::max(hi.x, p.x), std::max(hi.y, p.y)};
            }
            focus.box = std::make_pair(lo, hi);
        }
        return focus;
    }
    return std::nullopt;
}

} // namespace veridicor::cine
