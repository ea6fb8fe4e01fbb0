#include <veridicor/report/pdf_writer.h>

#include <veridicor/cine/heatmap.h>
#include <veridicor/ecg/filters.h>
#include <veridicor/ecg/paper_geometry.h>
#include <veridicor/verify/time.h>

#include <QFont>
#include <QImage>
#include <QFontMetricsF>
#include <QMarginsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace veridicor::report {

namespace {

constexpr double kPageWidthMm = 297.0; // A4 landscape
constexpr double kPageHeightMm = 210.0;
constexpr double kMarginMm = 12.0;
constexpr double kFooterMm = 203.0;     ///< baseline of the page footer
constexpr double kTextBottomMm = 196.0; ///< text pages end above this
constexpr double kIndentMm = 6.0;
constexpr double kPaperSeconds = 10.0; ///< one page of paper: 10 s, as the viewer shows by default

/// Millimetres → the PDF device's units.
constexpr double kUnitsPerMm = kPdfResolution / ecg::kMillimetresPerInch;
double dev(double mm) {
    return mm * kUnitsPerMm;
}
QPointF devPoint(double xMm, double yMm) {
    return {dev(xMm), dev(yMm)};
}
QRectF devRect(double xMm, double yMm, double wMm, double hMm) {
    return {dev(xMm), dev(yMm), dev(wMm), dev(hMm)};
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

enum class Font { Title, Header, Body, Strong, Small, Label, SectionTitle };

QFont fontFor(Font f) {
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setStyleHint(QFont::SansSerif);
    // Any letter spacing makes Qt shape without ligatures: "fi" stays two letters, so the PDF's text is
    // found as typed (pdftotext would give the ligature "ﬁ" for "verified"). 0.1 device units (1/12000 inch)
    // is nothing to the eye, and above Qt's 1/64 fixed-point resolution.
    font.setLetterSpacing(QFont::AbsoluteSpacing, 0.1);
    switch (f) {
    case Font::Title:
        font.setPointSizeF(12.0);
        font.setBold(true);
        break;
    case Font::SectionTitle:
        font.setPointSizeF(10.5);
        font.setBold(true);
        break;
    case Font::Header:
        font.setPointSizeF(8.0);
        break;
    case Font::Body:
        font.setPointSizeF(8.5);
        break;
    case Font::Strong:
        font.setPointSizeF(8.5);
        font.setBold(true);
        break;
    case Font::Small:
        font.setPointSizeF(7.5);
        break;
    case Font::Label:
        font.setPointSizeF(8.0);
        font.setBold(true);
        break;
    }
    return font;
}

/// Something to paint on a page, laid out before painting so that every page can say "Page i of N".
struct TextOp {
    QRectF rect; ///< device units
    QString text;
    Font font = Font::Body;
    int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
    QColor colour = Qt::black;
};
struct LineOp {
    QLineF line;
    double widthMm = 0.2;
};
struct PageOps {
    std::vector<TextOp> texts;
    std::vector<LineOp> lines;
};

const QColor kWarningColour(160, 0, 0);

/// Lays the sections out on text pages of the given device.
class TextLayout {
public:
    explicit TextLayout(QPaintDevice* device) : m_device(device) { newPage(); }

    std::vector<PageOps> take() { return std::move(m_pages); }

    void section(const Section& s) {
        // A title is not left alone at the bottom of a page.
        if (m_y + 20.0 > kTextBottomMm) {
            newPage();
        }
        m_y += 3.0;
        add(qs(s.title), Font::SectionTitle, 0, Qt::black);
        m_y += 1.0;
        for (const auto& l : s.lines) {
            line(l);
        }
        if (!s.tableHeader.empty()) {
            table(s.tableHeader, s.tableRows);
        }
        for (const auto& l : s.after) {
            line(l);
        }
    }

private:
    QPaintDevice* m_device;
    std::vector<PageOps> m_pages;
    double m_y = 0;
    static constexpr double kWidthMm = kPageWidthMm - 2 * kMarginMm;

    void newPage() {
        m_pages.emplace_back();
        m_y = kMarginMm + 6.0;
    }

    [[nodiscard]] double heightOf(const QString& text, Font font, double widthMm) const {
        const QFontMetricsF fm(fontFor(font), m_device);
        const QRectF r = fm.boundingRect(QRectF(0, 0, dev(widthMm), 1e9),
                                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
        return r.height() / kUnitsPerMm;
    }

    void add(const QString& text, Font font, int indent, const QColor& colour) {
        const double x = kMarginMm + indent * kIndentMm;
        const double w = kWidthMm - indent * kIndentMm;
        const double h = heightOf(text, font, w);
        if (m_y + h > kTextBottomMm && m_y > kMarginMm + 6.0) {
            newPage();
        }
        m_pages.back().texts.push_back(TextOp{devRect(x, m_y, w, h + 1.0), text, font,
                                              Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, colour});
        m_y += h + 0.8;
    }

    void line(const TextLine& l) {
        const Font font = l.style == TextLine::Style::Strong    ? Font::Strong
                          : l.style == TextLine::Style::Small   ? Font::Small
                          : l.style == TextLine::Style::Warning ? Font::Strong
                                                                : Font::Body;
        const QColor colour = l.style == TextLine::Style::Warning ? kWarningColour : QColor(Qt::black);
        // A long paragraph (free text is up to 64 KiB) is cut at spaces into pieces that fit on a page.
        QString rest = qs(l.text);
        constexpr qsizetype kPiece = 1200;
        while (rest.size() > kPiece) {
            qsizetype cut = rest.lastIndexOf(QLatin1Char(' '), kPiece);
            if (cut <= 0) {
                cut = kPiece;
            }
            add(rest.left(cut), font, l.indent, colour);
            rest = rest.mid(cut).trimmed();
        }
        add(rest, font, l.indent, colour);
    }

    void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
        const std::vector<double> widths{62.0, 85.0, 85.0, kWidthMm - 62.0 - 85.0 - 85.0};
        std::function<void(const std::vector<std::string>&, Font)> row;
        row = [&](const std::vector<std::string>& cells, Font font) {
            double h = 0;
            for (std::size_t i = 0; i < widths.size() && i < cells.size(); ++i) {
                h = std::max(h, heightOf(qs(cells[i]), font, widths[i] - 2.0));
            }
            h += 1.6;
            if (m_y + h > kTextBottomMm) {
                newPage();
                if (&cells != &header) {
                    row(header, Font::Strong); // the header again on the new page
                }
            }
            double x = kMarginMm;
            for (std::size_t i = 0; i < widths.size() && i < cells.size(); ++i) {
                m_pages.back().texts.push_back(TextOp{devRect(x + 1.0, m_y + 0.8, widths[i] - 2.0, h),
                                                      qs(cells[i]), font,
                                                      Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, Qt::black});
                x += widths[i];
            }
            m_pages.back().lines.push_back(
                LineOp{QLineF(devPoint(kMarginMm, m_y + h), devPoint(kMarginMm + kWidthMm, m_y + h)), 0.15});
            m_y += h;
        };
        m_y += 1.0;
        m_pages.back().lines.push_back(
            LineOp{QLineF(devPoint(kMarginMm, m_y), devPoint(kMarginMm + kWidthMm, m_y)), 0.3});
        row(header, Font::Strong);
        for (const auto& r : rows) {
            row(r, Font::Body);
        }
        m_y += 1.5;
    }
};

/// The traces' samples in millivolts for one channel (core filters, as the viewer's trace set does).
std::vector<float> millivolts(const ecg::Channel& channel, double samplingHz, const ecg::FilterSettings& filters) {
    std::vector<float> v = ecg::filteredMicrovolts(channel, samplingHz, filters);
    for (float& x : v) {
        x /= 1000.0F;
    }
    return v;
}

/// Page 1: the header and the recording on true-scale paper.
void paintEcgPage(QPainter& p, const ReportData& data) {
    const ecg::Recording& rec = *data.ecg;
    const bool median = rec.rhythm() == nullptr;
    const ecg::WaveformGroup& group = median ? *rec.medianBeat() : *rec.rhythm();

    ecg::PageRequest request;
    request.layout = ecg::PaperLayout::Grid3x4Rhythm;
    request.scale = ecg::PaperScale::fromDpi(kPdfResolution);
    for (const auto& c : group.channels) {
        request.leadLabels.push_back(c.label);
    }
    request.headerMm = 0.0;
    if (median) {
        request.layout = ecg::PaperLayout::Grid3x4;
        request.eachCellWholeRange = true;
        request.pageSeconds = group.durationSeconds();
    } else {
        request.pageSeconds = kPaperSeconds;
    }
    const ecg::PaperPage page = ecg::layoutPage(request);
    const double ox = kPaperLeftMm;
    const double oy = kPaperTopMm;
    // The paper never runs off the page: cut at the page's edge (a 10 s page fits with room to spare).
    const double paperW = std::min(page.widthMm, kPageWidthMm - ox - 2.0);
    const double paperH = std::min(page.heightMm - page.gridTopMm, kFooterMm - 11.0 - oy); // above the summary line

    // Grid: 1 mm lines, then 5 mm lines over them.
    p.save();
    p.setClipRect(devRect(ox, oy, paperW, paperH));
    QPen fine(QColor(250, 196, 196));
    fine.setWidthF(dev(0.08));
    QPen coarse(QColor(236, 120, 120));
    coarse.setWidthF(dev(0.18));
    for (const QPen* pen : {&fine, &coarse}) {
        const int step = pen == &fine ? 1 : 5;
        p.setPen(*pen);
        for (int x = 0; x <= static_cast<int>(paperW); x += step) {
            p.drawLine(devPoint(ox + x, oy), devPoint(ox + x, oy + paperH));
        }
        for (int y = 0; y <= static_cast<int>(paperH); y += step) {
            p.drawLine(devPoint(ox, oy + y), devPoint(ox + paperW, oy + y));
        }
    }

    QPen trace(Qt::black);
    trace.setWidthF(dev(0.22));
    trace.setJoinStyle(Qt::RoundJoin);
    trace.setCapStyle(Qt::RoundCap);
    p.setPen(trace);
    p.setBrush(Qt::NoBrush);
    const double y0 = page.gridTopMm; // page coordinates → paper on the PDF page
    auto at = [&](double xMm, double yMm) { return devPoint(ox + xMm, oy + (yMm - y0)); };

    // Calibration pulses: flat, up 1 mV, 200 ms, down, flat.
    for (const ecg::CalibrationPulse& c : page.pulses) {
        QPainterPath path(at(c.leadInMm, c.baselineMm));
        path.lineTo(at(c.riseMm, c.baselineMm));
        path.lineTo(at(c.riseMm, c.topMm));
        path.lineTo(at(c.fallMm, c.topMm));
        path.lineTo(at(c.fallMm, c.baselineMm));
        path.lineTo(at(c.leadOutMm, c.baselineMm));
        p.drawPath(path);
    }
    // Traces: every sample of each cell's time range (vector strokes; 10 s of 12 leads is a few thousand
    // points a lead).
    std::vector<std::vector<float>> mv(group.channels.size());
    for (const ecg::PaperCell& cell : page.cells) {
        if (cell.channel >= group.channels.size()) {
            continue;
        }
        if (mv[cell.channel].empty()) {
            mv[cell.channel] = millivolts(group.channels[cell.channel], group.samplingHz, data.filters);
        }
        const std::vector<float>& values = mv[cell.channel];
        const auto first = static_cast<std::size_t>(std::max(0.0, std::ceil(cell.startSeconds * group.samplingHz)));
        const auto end = std::min(values.size(),
                                  static_cast<std::size_t>(std::max(0.0, std::ceil(cell.endSeconds * group.samplingHz))));
        if (first >= end) {
            continue;
        }
        QPainterPath path;
        for (std::size_t i = first; i < end; ++i) {
            const ecg::PagePoint pt = cell.samplePoint(group.samplingHz, i, values[i]);
            if (i == first) {
                path.moveTo(at(pt.x, pt.y));
            } else {
                path.lineTo(at(pt.x, pt.y));
            }
        }
        p.drawPath(path);
    }
    // Short ticks where a grid row changes lead.
    for (const double x : page.columnMarkersMm) {
        for (const ecg::PaperCell& cell : page.cells) {
            if (!cell.rhythmStrip && cell.column == 0) {
                p.drawLine(at(x, cell.baselineMm - 2.0), at(x, cell.baselineMm + 2.0));
            }
        }
    }
    // Lead labels.
    p.setFont(fontFor(Font::Label));
    for (const ecg::PaperCell& cell : page.cells) {
        QString label = qs(cell.label);
        if (cell.channel < group.channels.size()) {
            const ecg::Channel& ch = group.channels[cell.channel];
            if (!ch.calibrated) {
                label += QStringLiteral(" (uncalibrated)");
            } else if (ch.unitsToMicrovolts == 0) {
                label += QStringLiteral(" (not a voltage)");
            }
        }
        p.drawText(at(cell.xMm + 1.5, cell.topMm + 4.5), label);
    }
    p.restore();
}

QString reportTitle(const ReportData& data) {
    return data.echo ? QStringLiteral("Echo report") : QStringLiteral("ECG report");
}

/// The colour of the 1 cm scale bar: pure cyan, which neither a grey echo frame, its green ECG trace nor the
/// heatmap's violet-to-yellow map holds.
const QColor kScaleBarColour(0, 255, 255);

/// Page 1 of an echo: the key frames, 2 × 2, each at one scale (mm per image pixel), with the verified
/// heatmaps over them and a 1 cm bar of the ultrasound region's calibration.
void paintEchoPage(QPainter& p, const ReportData& data) {
    const EchoPart& echo = *data.echo;
    constexpr double kTop = kPaperTopMm;
    constexpr double kGapMm = 6.0;
    constexpr double kLabelMm = 4.5;
    const double cellW = (kPageWidthMm - 2 * kMarginMm - kGapMm) / 2.0;
    const double cellH = (kFooterMm - 12.0 - kTop - kGapMm) / 2.0;
    for (std::size_t i = 0; i < echo.frames.size(); ++i) {
        const EchoFrame& f = echo.frames[i];
        const double cx = kMarginMm + static_cast<double>(i % 2) * (cellW + kGapMm);
        const std::size_t row = i / 2; // 2 × 2: whole rows of two
        const double cy = kTop + static_cast<double>(row) * (cellH + kGapMm);
        p.setPen(Qt::black);
        p.setFont(fontFor(Font::Small));
        QString label = qs(f.label);
        for (const auto& h : f.heatmaps) {
            label += QStringLiteral(" · AI heatmap (verified): ") + qs(h.first);
        }
        p.drawText(devRect(cx, cy, cellW, kLabelMm), Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, label);
        if (f.image.pixels.empty() || f.image.width <= 0 || f.image.height <= 0) {
            p.setFont(fontFor(Font::Body));
            p.drawText(devRect(cx, cy + kLabelMm, cellW, 10.0), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                       QStringLiteral("This frame could not be decoded: ") + qs(f.problem));
            continue;
        }
        const double scale = std::min(cellW / f.image.width, (cellH - kLabelMm - 5.0) / f.image.height); // mm/px
        const QRectF target = devRect(cx, cy + kLabelMm, f.image.width * scale, f.image.height * scale);
        const QImage frame(f.image.pixels.data(), f.image.width, f.image.height,
                           static_cast<qsizetype>(f.image.width) * 3, QImage::Format_RGB888);
        p.drawImage(target, frame);
        for (const auto& h : f.heatmaps) {
            QImage overlay(f.image.width, f.image.height, QImage::Format_ARGB32);
            const auto& table = cine::heatmapColourTable();
            for (int y = 0; y < f.image.height; ++y) {
                auto* line = reinterpret_cast<QRgb*>(overlay.scanLine(y)); // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast): Qt's scan line API
                for (int x = 0; x < f.image.width; ++x) {
                    const cine::Rgba8 c =
                        table[h.second[static_cast<std::size_t>(y) * static_cast<std::size_t>(f.image.width) +
                                       static_cast<std::size_t>(x)]];
                    line[x] = qRgba(c.r, c.g, c.b, static_cast<int>(std::lround(c.a * cine::kDefaultHeatmapOpacity)));
                }
            }
            p.drawImage(target, overlay);
        }
        QString note;
        if (echo.calibration && echo.calibration->physicalDeltaX > 0) {
            const cine::UltrasoundRegion& r = *echo.calibration;
            const double barMm = scale / r.physicalDeltaX; // 1 cm = 1 / delta pixels
            const double bx = cx + (r.minX0 + 12.0) * scale;
            const double by = cy + kLabelMm + (r.maxY1 - 12.0) * scale;
            QPen bar(kScaleBarColour);
            bar.setWidthF(dev(0.5));
            bar.setCapStyle(Qt::FlatCap);
            p.setPen(bar);
            p.drawLine(devPoint(bx, by), devPoint(bx + barMm, by));
            p.setFont(fontFor(Font::Label));
            p.drawText(devRect(bx, by - 4.5, 20.0, 4.0), Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine,
                       QStringLiteral("1 cm"));
            note = QStringLiteral("1 cm scale bar: %1 mm on this page (image drawn at %2 mm per pixel)")
                       .arg(barMm, 0, 'f', 2)
                       .arg(scale, 0, 'f', 4);
        } else {
            note = QStringLiteral("No calibrated region: no scale bar.");
        }
        p.setPen(Qt::black);
        p.setFont(fontFor(Font::Small));
        p.drawText(devRect(cx, cy + kLabelMm + f.image.height * scale + 0.8, cellW, 4.0),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, note);
    }
}

void paintHeader(QPainter& p, const ReportData& data) {
    p.setPen(Qt::black);
    p.setFont(fontFor(Font::Title));
    p.drawText(devPoint(kMarginMm, 13.0), reportTitle(data));
    p.setFont(fontFor(Font::Header));
    double y = 18.5;
    for (const std::string& line : headerLines(data)) {
        p.drawText(devRect(kMarginMm, y - 3.0, kPageWidthMm - 2 * kMarginMm, 4.0),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, qs(line));
        y += 3.8;
    }
    p.setFont(fontFor(Font::Strong));
    p.drawText(devRect(kMarginMm, y - 2.6, kPageWidthMm - 2 * kMarginMm, 4.0),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, qs(paperSettingsLine(data)));
}

void paintSummary(QPainter& p, const ReportData& data) {
    p.setPen(Qt::black);
    p.setFont(fontFor(Font::Strong));
    p.drawText(devRect(kMarginMm, kFooterMm - 10.0, kPageWidthMm - 2 * kMarginMm, 5.0),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, qs(summaryLine(data)));
}

/// The first line of a text page: whose report this is.
void paintContinuation(QPainter& p, const ReportData& data) {
    p.setPen(QColor(60, 60, 60));
    p.setFont(fontFor(Font::Small));
    const std::vector<std::string> header = headerLines(data);
    const QString who = header.empty() ? QString() : qs(header.front());
    p.drawText(devRect(kMarginMm, kMarginMm - 3.0, kPageWidthMm - 2 * kMarginMm, 4.0),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine,
               QStringLiteral("%1 · %2 · %3")
                   .arg(reportTitle(data), who, QString::fromStdString(data.recordingPath.filename().string())));
}

void paintFooter(QPainter& p, const ReportData& data, int pageNumber, int pages) {
    p.setPen(QColor(60, 60, 60));
    p.setFont(fontFor(Font::Small));
    const QString left = QStringLiteral("Veridicor %1 · report made %2 · \"verified\" = signer and integrity checked, "
                                        "not clinical correctness")
                             .arg(qs(data.workstationVersion),
                                  qs(verify::formatRfc3339(std::chrono::floor<std::chrono::seconds>(data.madeAt))));
    p.drawText(devRect(kMarginMm, kFooterMm - 3.0, kPageWidthMm - 2 * kMarginMm, 4.0),
               Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine, left);
    p.drawText(devRect(kMarginMm, kFooterMm - 3.0, kPageWidthMm - 2 * kMarginMm, 4.0),
               Qt::AlignRight | Qt::AlignTop | Qt::TextSingleLine,
               QStringLiteral("Page %1 of %2").arg(pageNumber).arg(pages));
}

} // namespace

Expected<void, Error> writeReportPdf(const ReportData& data, const std::filesystem::path& path) {
    if (!data.echo && (!data.ecg || (data.ecg->rhythm() == nullptr && data.ecg->medianBeat() == nullptr))) {
        return Unexpected(Error{ErrorCode::Invalid, "there is no recording to report on"});
    }
    QSaveFile out(QString::fromStdString(path.string()));
    if (!out.open(QIODevice::WriteOnly)) {
        return Unexpected(
            Error{ErrorCode::Unwritable, "cannot write '" + path.string() + "': " + out.errorString().toStdString()});
    }
    {
        QPdfWriter pdf(&out);
        pdf.setResolution(kPdfResolution);
        pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(0, 0, 0, 0),
                                      QPageLayout::Millimeter));
        pdf.setTitle(reportTitle(data));
        pdf.setCreator(QStringLiteral("Veridicor ") + qs(data.workstationVersion));

        TextLayout layout(&pdf);
        for (const Section& s : reportSections(data)) {
            layout.section(s);
        }
        const std::vector<PageOps> textPages = layout.take();
        const int pages = 1 + static_cast<int>(textPages.size());

        QPainter p;
        if (!p.begin(&pdf)) {
            out.cancelWriting();
            return Unexpected(Error{ErrorCode::Unwritable, "cannot start the PDF '" + path.string() + "'"});
        }
        paintHeader(p, data);
        if (data.echo) {
            paintEchoPage(p, data);
        } else {
            paintEcgPage(p, data);
        }
        paintSummary(p, data);
        paintFooter(p, data, 1, pages);
        int number = 1;
        for (const PageOps& page : textPages) {
            pdf.newPage();
            ++number;
            paintContinuation(p, data);
            for (const LineOp& l : page.lines) {
                QPen pen(Qt::black);
                pen.setWidthF(dev(l.widthMm));
                p.setPen(pen);
                p.drawLine(l.line);
            }
            for (const TextOp& t : page.texts) {
                p.setPen(t.colour);
                p.setFont(fontFor(t.font));
                p.drawText(t.rect, t.flags, t.text);
            }
            paintFooter(p, data, number, pages);
        }
        if (!p.end()) {
            out.cancelWriting();
            return Unexpected(Error{ErrorCode::Unwritable, "writing the PDF '" + path.string() + "' failed"});
        }
    }
    if (!out.commit()) {
        return Unexpected(
            Error{ErrorCode::Unwritable, "cannot write '" + path.string() + "': " + out.errorString().toStdString()});
    }
    return {};
}

} // namespace veridicor::report
