// The GPU paper renderer, measured on its pixels: the calibration pulse is 1 mV × 200 ms at the DPI, speed
// and gain asked (±1 px); a known sample lands on the pixel the scaling says; the 3×4 columns are
// time-aligned with the rhythm strip; ecg-render writes that page and refuses bad input with exit code 2.
// Runs on xcb under Xvfb (label gl).
#include "ecg_view_support.h"
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/ecg_view/paper_offscreen.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace veridicor;
using namespace veridicor::ecg;
using veridicor::test::Spike;

namespace {

struct Rendered {
    QImage image;
    PaperPage page;
};

/// Renders a page. Traces are 1 px wide unless `traceWidthMm` is given, so that pixel positions are the
/// geometry's exactly (wide traces are centred on the same lines: wideTracesStayCentred checks them).
Rendered render(std::shared_ptr<const Recording> rec, double dpi, double speed = 25.0, double gain = 10.0,
                PaperLayout layout = PaperLayout::Grid3x4Rhythm, double traceWidthMm = 0.0) {
    auto traces = TraceSet::build(std::move(rec), 0, {});
    PaperScene scene;
    PaperSettings s;
    s.traceWidthMm = traceWidthMm;
    s.layout = layout;
    s.pixelsPerMm = dpi / kMillimetresPerInch;
    s.speedMmPerSecond = speed;
    s.gainMmPerMillivolt = gain;
    scene.setTraces(traces);
    scene.setSettings(s);
    auto img = renderPaperPage(scene);
    if (!img) {
        qWarning("render failed: %s", qPrintable(img.error()));
        return {};
    }
    return {*img, scene.page()};
}

QRect bandPx(const PaperPage& page, double x0Mm, double x1Mm, double y0Mm, double y1Mm) {
    const double k = page.scale.pixelsPerMm;
    return {QPoint(static_cast<int>(std::ceil(x0Mm * k)), static_cast<int>(std::ceil(y0Mm * k))),
            QPoint(static_cast<int>(std::floor(x1Mm * k)) - 1, static_cast<int>(std::floor(y1Mm * k)) - 1)};
}

const PaperCell* cellNamed(const PaperPage& page, const std::string& label, bool rhythm = false) {
    for (const auto& c : page.cells) {
        if (c.label == label && c.rhythmStrip == rhythm)
            return &c;
    }
    return nullptr;
}

QString cli() {
    return veridicor::test::buildDir() + QStringLiteral("/bin/veridicor-cli");
}

} // namespace

class TestEcgRender : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(dicom::initializeDicom().hasValue()); }

    void calibrationPulseIsTrueSize_data() {
        QTest::addColumn<double>("dpi");
        QTest::addColumn<double>("speed");
        QTest::addColumn<double>("gain");
        QTest::newRow("96 dpi, 25 mm/s, 10 mm/mV") << 96.0 << 25.0 << 10.0;
        QTest::newRow("150 dpi, 25 mm/s, 10 mm/mV") << 150.0 << 25.0 << 10.0;
        QTest::newRow("300 dpi, 25 mm/s, 10 mm/mV") << 300.0 << 25.0 << 10.0;
        QTest::newRow("96 dpi, 25 mm/s, 20 mm/mV") << 96.0 << 25.0 << 20.0;
        QTest::newRow("200 dpi, 50 mm/s, 5 mm/mV") << 200.0 << 50.0 << 5.0;
        QTest::newRow("72 dpi, 12.5 mm/s, 10 mm/mV") << 72.0 << 12.5 << 10.0;
        QTest::newRow("150 dpi, 25 mm/s, 2.5 mm/mV") << 150.0 << 25.0 << 2.5;
        QTest::newRow("96 dpi, 25 mm/s, 40 mm/mV") << 96.0 << 25.0 << 40.0;
    }
    void calibrationPulseIsTrueSize() {
        QFETCH(double, dpi);
        QFETCH(double, speed);
        QFETCH(double, gain);
        const Rendered r = render(test::syntheticRecording(500.0, 10.0, {}), dpi, speed, gain);
        QVERIFY(!r.image.isNull());
        const double pxPerMm = dpi / 25.4; // independent of the code: the definition of dpi
        for (int row = 0; row < r.page.rows; ++row) {
            // Search the row's band, left of where the traces start, for the pulse's ink.
            const CalibrationPulse& p = r.page.pulses[static_cast<std::size_t>(row)];
            const double bandTop = r.page.rowsTopMm + row * r.page.rowPitchMm;
            const QRect area = bandPx(r.page, 0.0, r.page.traceLeftMm, bandTop, bandTop + r.page.rowPitchMm);
            const auto top = test::topmostInk(r.image, area);
            const auto bottom = test::bottommostInk(r.image, area);
            QVERIFY2(top && bottom, "no calibration pulse drawn");
            const double height = bottom->y() - top->y();
            QVERIFY2(
                std::abs(height - gain * pxPerMm) <= 1.0,
                qPrintable(QStringLiteral("row %1: pulse %2 px tall, 1 mV at %3 mm/mV and %4 dpi is %5 px")
                               .arg(row)
                               .arg(height)
                               .arg(gain)
                               .arg(dpi)
                               .arg(gain * pxPerMm)));
            // The pulse's two vertical edges, found half-way up: 200 ms apart.
            const int midY = (top->y() + bottom->y()) / 2;
            int rise = -1;
            int fall = -1;
            for (int x = area.left(); x <= area.right(); ++x) {
                if (test::isInk(r.image.pixel(x, midY))) {
                    if (rise < 0)
                        rise = x;
                    fall = x;
                }
            }
            QVERIFY(rise >= 0 && fall > rise);
            QVERIFY2(std::abs((fall - rise) - 0.2 * speed * pxPerMm) <= 1.0,
                     qPrintable(QStringLiteral("pulse %1 px wide, 200 ms at %2 mm/s is %3 px")
                                    .arg(fall - rise)
                                    .arg(speed)
                                    .arg(0.2 * speed * pxPerMm)));
            Q_UNUSED(p);
        }
    }

    void theGridIsSquareAtTrueMillimetres_data() {
        QTest::addColumn<double>("dpi");
        QTest::newRow("96 dpi") << 96.0;
        QTest::newRow("150 dpi") << 150.0;
        QTest::newRow("300 dpi") << 300.0;
    }
    void theGridIsSquareAtTrueMillimetres() {
        QFETCH(double, dpi);
        const Rendered r = render(test::syntheticRecording(500.0, 10.0, {}), dpi);
        QVERIFY(!r.image.isNull());
        const QRgb major = PaperColors{}.gridMajor.rgb();
        const QRgb minor = PaperColors{}.gridMinor.rgb();
        const double pxPerMm = dpi / 25.4;
        // Along one pixel row and one pixel column through the grid (between traces), find the grid lines.
        auto lines = [&](bool horizontal, int at, QRgb colour, int from, int to) {
            std::vector<int> pos;
            for (int i = from; i < to; ++i) {
                const QRgb c = horizontal ? r.image.pixel(i, at) : r.image.pixel(at, i);
                if ((c & 0xFFFFFF) == (colour & 0xFFFFFF) && (pos.empty() || i - pos.back() > 1))
                    pos.push_back(i);
            }
            return pos;
        };
        const PaperCell* strip = cellNamed(r.page, "II", true);
        // A row just below the strip's band top; a column left of the calibration pulses (no trace crosses
        // it).
        const int row = static_cast<int>((strip->topMm + 2.5) * pxPerMm);
        const int col = static_cast<int>(0.5 * pxPerMm);
        const auto vx = lines(true, row, major, 0, r.image.width());
        const auto hy =
            lines(false, col, major, static_cast<int>(r.page.gridTopMm * pxPerMm) + 2, r.image.height());
        QVERIFY2(vx.size() > 20 && hy.size() > 10,
                 qPrintable(QStringLiteral("%1 / %2").arg(vx.size()).arg(hy.size())));
        // 5 mm between major lines across and down (mean over the page, and every gap within 1 px).
        const double meanX = double(vx.back() - vx.front()) / double(vx.size() - 1);
        const double meanY = double(hy.back() - hy.front()) / double(hy.size() - 1);
        QVERIFY2(std::abs(meanX - 5 * pxPerMm) < 0.05 && std::abs(meanY - 5 * pxPerMm) < 0.05,
                 qPrintable(QStringLiteral("5 mm: %1 px across, %2 px down, expected %3")
                                .arg(meanX)
                                .arg(meanY)
                                .arg(5 * pxPerMm)));
        for (std::size_t i = 1; i < vx.size(); ++i)
            QVERIFY(std::abs((vx[i] - vx[i - 1]) - 5 * pxPerMm) <= 1.0);
        for (std::size_t i = 1; i < hy.size(); ++i)
            QVERIFY(std::abs((hy[i] - hy[i - 1]) - 5 * pxPerMm) <= 1.0);
        // And four 1 mm lines between two major ones.
        const auto mx = lines(true, row, minor, vx[2] + 1, vx[3]);
        QCOMPARE(mx.size(), std::size_t(4));
    }

    void wideTracesStayCentred() {
        // At 300 dpi the default 0.2 mm traces are drawn about 2.4 px wide: the calibration pulse, measured
        // between the centres of its strokes, is still 1 mV tall and 200 ms wide (±1 px).
        const double dpi = 300.0;
        const double pxPerMm = dpi / 25.4;
        const Rendered r = render(test::syntheticRecording(500.0, 10.0, {}), dpi, 25.0, 10.0,
                                  PaperLayout::Grid3x4Rhythm, PaperSettings{}.traceWidthMm);
        QVERIFY(!r.image.isNull());
        const QRect area =
            bandPx(r.page, 0.0, r.page.traceLeftMm, r.page.rowsTopMm, r.page.rowsTopMm + r.page.rowPitchMm);
        const auto top = test::topmostInk(r.image, area);
        const auto bottom = test::bottommostInk(r.image, area);
        QVERIFY(top && bottom);
        // Ink runs along a column / a row, and their centres.
        auto runAt = [&](int x, int y, bool vertical) {
            int a = vertical ? y : x, b = a;
            auto ink = [&](int i) {
                return vertical ? test::isInk(r.image.pixel(x, i)) : test::isInk(r.image.pixel(i, y));
            };
            while (ink(a - 1))
                --a;
            while (ink(b + 1))
                ++b;
            return std::pair<int, double>(b - a + 1, (a + b) / 2.0);
        };
        const int midY = (top->y() + bottom->y()) / 2;
        int riseX = -1, fallX = -1;
        for (int x = area.left(); x <= area.right(); ++x) {
            if (test::isInk(r.image.pixel(x, midY))) {
                if (riseX < 0)
                    riseX = x;
                fallX = x;
            }
        }
        const auto rise = runAt(riseX, midY, false);
        const auto fall = runAt(fallX, midY, false);
        QVERIFY2(rise.first >= 2,
                 qPrintable(QStringLiteral("stroke %1 px wide").arg(rise.first))); // wide, not 1 px
        QVERIFY(std::abs(rise.first - 0.2 * pxPerMm) <= 1.0);
        QVERIFY(std::abs((fall.second - rise.second) - 0.2 * 25.0 * pxPerMm) <= 1.0);
        const int midX = static_cast<int>((rise.second + fall.second) / 2);
        const auto topStroke = runAt(midX, top->y(), true);
        const int leadInX = static_cast<int>(rise.second - 0.75 * pxPerMm);
        const auto base = test::bottommostInk(r.image, QRect(leadInX, area.top(), 1, area.height()));
        QVERIFY(base);
        const auto baseStroke = runAt(leadInX, base->y(), true);
        QVERIFY2(std::abs((baseStroke.second - topStroke.second) - 10.0 * pxPerMm) <= 1.0,
                 qPrintable(QStringLiteral("pulse %1 px between stroke centres, 1 mV is %2 px")
                                .arg(baseStroke.second - topStroke.second)
                                .arg(10.0 * pxPerMm)));
    }

    void aKnownSampleLandsWhereTheScalingSays_data() {
        QTest::addColumn<double>("dpi");
        QTest::addColumn<double>("gain");
        QTest::newRow("254 dpi, 10 mm/mV") << 254.0 << 10.0;
        QTest::newRow("96 dpi, 10 mm/mV") << 96.0 << 10.0;
        QTest::newRow("150 dpi, 20 mm/mV") << 150.0 << 20.0;
        QTest::newRow("150 dpi, 40 mm/mV") << 150.0 << 40.0;
        QTest::newRow("300 dpi, 2.5 mm/mV") << 300.0 << 2.5;
    }
    void aKnownSampleLandsWhereTheScalingSays() {
        QFETCH(double, dpi);
        QFETCH(double, gain);
        // Two +1.5 mV spikes in lead II, 1.5 s apart, on a flat 0 mV line.
        const auto rec = test::syntheticRecording(500.0, 10.0, {{"II", 0.75, 1.5}, {"II", 2.25, 1.5}});
        const Rendered r = render(rec, dpi, 25.0, gain);
        QVERIFY(!r.image.isNull());
        const double pxPerMm = dpi / 25.4;
        const PaperCell* ii = cellNamed(r.page, "II");
        QVERIFY(ii != nullptr);
        // Search lead II's band right of its label and left of the tick that ends its column; the flat line
        // is the bottom-most ink, the spikes the top-most.
        const QRect area =
            bandPx(r.page, ii->xMm + 12.0, ii->xMm + ii->widthMm - 2.0, ii->topMm, ii->bottomMm);
        const auto flat = test::bottommostInk(r.image, area);
        QVERIFY(flat);
        // A spike is a run of neighbouring columns reaching above half its height; its peak is the run's
        // top-most ink pixel (the up and down strokes may fall in two columns).
        std::vector<QPoint> peaks;
        int lastX = -100;
        for (int x = area.left(); x <= area.right(); ++x) {
            if (auto t = test::topmostInk(r.image, QRect(x, area.top(), 1, area.height()));
                t && flat->y() - t->y() > 0.5 * gain * pxPerMm) {
                if (x - lastX > 3) {
                    peaks.push_back(*t);
                } else if (t->y() < peaks.back().y()) {
                    peaks.back() = *t;
                }
                lastX = x;
            }
        }
        QCOMPARE(peaks.size(), std::size_t(2));
        // 1.5 mV at `gain` mm/mV above the 0 mV line, 1.5 s × 25 mm/s apart (±1 px).
        QVERIFY2(std::abs((flat->y() - peaks[0].y()) - 1.5 * gain * pxPerMm) <= 1.0,
                 qPrintable(QStringLiteral("spike %1 px tall, expected %2")
                                .arg(flat->y() - peaks[0].y())
                                .arg(1.5 * gain * pxPerMm)));
        QVERIFY2(std::abs((peaks[1].x() - peaks[0].x()) - 1.5 * 25.0 * pxPerMm) <= 1.0,
                 qPrintable(QStringLiteral("spikes %1 px apart, expected %2")
                                .arg(peaks[1].x() - peaks[0].x())
                                .arg(1.5 * 25.0 * pxPerMm)));
        // And each at the pixel the page geometry gives for its sample (±1 px).
        for (int k = 0; k < 2; ++k) {
            const std::size_t sample = k == 0 ? 375 : 1125;
            const PagePoint px = r.page.toPixels(ii->samplePoint(500.0, sample, 1.5));
            QVERIFY2(std::abs(peaks[static_cast<std::size_t>(k)].x() - px.x) <= 1.0 &&
                         std::abs(peaks[static_cast<std::size_t>(k)].y() - px.y) <= 1.0,
                     qPrintable(QStringLiteral("spike %1 at (%2, %3), expected (%4, %5)")
                                    .arg(k)
                                    .arg(peaks[static_cast<std::size_t>(k)].x())
                                    .arg(peaks[static_cast<std::size_t>(k)].y())
                                    .arg(px.x)
                                    .arg(px.y)));
        }
    }

    void theMaximumOfLeadIIInWaveDflLandsOnItsPixel() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        auto rec = readDicomEcg(path.toStdString());
        QVERIFY2(rec.hasValue(), rec ? "" : rec.error().message.c_str());
        auto shared = std::make_shared<const Recording>(std::move(rec).value());
        const WaveformGroup& g = shared->groups.front();
        const Channel* lead2 = nullptr;
        for (const auto& c : g.channels) {
            if (c.label == "II")
                lead2 = &c;
        }
        QVERIFY(lead2 != nullptr);
        const auto maxIt = std::max_element(lead2->raw.begin(), lead2->raw.end());
        const auto maxIndex = static_cast<std::size_t>(maxIt - lead2->raw.begin());
        const double maxMv = lead2->microvolts(maxIndex) / 1000.0;
        const Rendered r = render(shared, 254.0);
        QVERIFY(!r.image.isNull());
        const PaperCell* strip = cellNamed(r.page, "II", true); // the rhythm strip shows all 10 s
        QVERIFY(strip != nullptr);
        const PagePoint want = r.page.toPixels(strip->samplePoint(g.samplingHz, maxIndex, maxMv));
        // The top-most ink of the strip near that time is the maximum, on its pixel (±1 px).
        const QRect area(static_cast<int>(want.x) - 6, static_cast<int>(strip->topMm * 10.0) + 60, 13,
                         static_cast<int>((strip->bottomMm - strip->topMm) * 10.0) - 60);
        const auto top = test::topmostInk(r.image, area);
        QVERIFY(top);
        QVERIFY2(
            std::abs(top->x() - want.x) <= 1.0 && std::abs(top->y() - want.y) <= 1.0,
            qPrintable(QStringLiteral("lead II maximum (sample %1, %2 mV) at (%3, %4), expected (%5, %6)")
                           .arg(maxIndex)
                           .arg(maxMv)
                           .arg(top->x())
                           .arg(top->y())
                           .arg(want.x)
                           .arg(want.y)));
    }

    void gridColumnsAreTimeAlignedWithTheRhythmStrip() {
        // Every lead spikes 1 s into each 2.5 s column; each grid cell shows one spike, the strip shows four.
        std::vector<Spike> spikes;
        for (const char* lead : {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"}) {
            for (int k = 0; k < 4; ++k)
                spikes.push_back({lead, 2.5 * k + 1.0, 1.0});
        }
        const Rendered r = render(test::syntheticRecording(500.0, 10.0, spikes), 150.0);
        QVERIFY(!r.image.isNull());
        const double pxPerMm = 150.0 / 25.4;
        auto spikeColumns = [&](const PaperCell& cell) {
            const QRect area =
                bandPx(r.page, cell.xMm + 12.0, cell.xMm + cell.widthMm - 2.0, cell.topMm, cell.bottomMm);
            const auto flat = test::bottommostInk(r.image, area);
            std::vector<int> xs;
            for (int x = area.left(); flat && x <= area.right(); ++x) {
                const auto t = test::topmostInk(r.image, QRect(x, area.top(), 1, area.height()));
                if (t && flat->y() - t->y() > 5.0 * pxPerMm && (xs.empty() || x - xs.back() > 3))
                    xs.push_back(x);
            }
            return xs;
        };
        const PaperCell* strip = cellNamed(r.page, "II", true);
        QVERIFY(strip != nullptr);
        const std::vector<int> stripSpikes = spikeColumns(*strip);
        QCOMPARE(stripSpikes.size(), std::size_t(4));
        // On paper: consecutive spikes 2.5 s × 25 mm/s apart.
        for (std::size_t k = 1; k < 4; ++k) {
            QVERIFY(std::abs((stripSpikes[k] - stripSpikes[k - 1]) - 62.5 * pxPerMm) <= 1.0);
        }
        int checked = 0;
        for (const PaperCell& cell : r.page.cells) {
            if (cell.rhythmStrip)
                continue;
            const std::vector<int> xs = spikeColumns(cell);
            QVERIFY2(xs.size() == 1, qPrintable(QStringLiteral("lead %1: %2 spikes")
                                                    .arg(QString::fromStdString(cell.label))
                                                    .arg(xs.size())));
            const int stripX = stripSpikes[static_cast<std::size_t>(cell.column)];
            QVERIFY2(std::abs(xs.front() - stripX) <= 1,
                     qPrintable(QStringLiteral("lead %1 (column %2): spike at x=%3, rhythm strip at x=%4")
                                    .arg(QString::fromStdString(cell.label))
                                    .arg(cell.column)
                                    .arg(xs.front())
                                    .arg(stripX)));
            ++checked;
        }
        QCOMPARE(checked, 12);
    }

    void everyLayoutDrawsAPulsePerRow_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<int>("rows");
        QTest::newRow("12x1") << QStringLiteral("12x1") << 12;
        QTest::newRow("6x2") << QStringLiteral("6x2") << 6;
        QTest::newRow("3x4") << QStringLiteral("3x4") << 3;
        QTest::newRow("3x4+1") << QStringLiteral("3x4+1") << 4;
    }
    void everyLayoutDrawsAPulsePerRow() {
        QFETCH(QString, layout);
        QFETCH(int, rows);
        const Rendered r = render(test::syntheticRecording(500.0, 10.0, {}), 96.0, 25.0, 10.0,
                                  *parsePaperLayout(layout.toStdString()));
        QVERIFY(!r.image.isNull());
        QCOMPARE(r.page.rows, rows);
        // Count the pulse tops down the column half-way through the pulses: one short ink run per row.
        const int x = static_cast<int>((r.page.pulses[0].riseMm + r.page.pulses[0].fallMm) / 2 * 96.0 / 25.4);
        int runs = 0;
        bool in = false;
        for (int y = 0; y < r.image.height(); ++y) {
            const bool ink = test::isInk(r.image.pixel(x, y));
            if (ink && !in)
                ++runs;
            in = ink;
        }
        QCOMPARE(runs, rows);
    }

    void paddingIsNotDrawnAsData() {
        // Lead II's samples from 3 s to 7 s equal the Waveform Padding Value: the strip has no ink there.
        auto rec = test::syntheticRecording(500.0, 10.0, {});
        rec->groups[0].paddingValue = -32768;
        for (auto& c : rec->groups[0].channels) {
            if (c.label != "II")
                continue;
            for (std::size_t i = 1500; i < 3500; ++i)
                c.raw[i] = -32768;
        }
        const Rendered r = render(rec, 96.0);
        QVERIFY(!r.image.isNull());
        const PaperCell* strip = cellNamed(r.page, "II", true);
        QVERIFY(strip != nullptr);
        const double k = 96.0 / 25.4;
        const int y0 = static_cast<int>(strip->topMm * k) + 20;
        const int y1 = static_cast<int>(strip->bottomMm * k) - 1;
        const QRect gap(QPoint(static_cast<int>(std::ceil(strip->xAt(3.05) * k)), y0),
                        QPoint(static_cast<int>(std::floor(strip->xAt(6.95) * k)), y1));
        QCOMPARE(test::inkCount(r.image, gap), 0);
        const QRect before(QPoint(static_cast<int>(strip->xAt(1.0) * k), y0),
                           QPoint(static_cast<int>(strip->xAt(2.9) * k), y1));
        QVERIFY(test::inkCount(r.image, before) > 50); // the flat 0 mV line is drawn where there is data
    }

    void nothingIsDrawnAsDataWithoutARecording() {
        PaperScene scene;
        scene.setTraces(nullptr);
        OffscreenPaper paper;
        QVERIFY(paper.initialize().hasValue());
        PaperViewport vp;
        vp.pixels = QSize(400, 300);
        auto img = paper.render(scene, vp);
        QVERIFY(img.hasValue());
        QCOMPARE(test::inkCount(*img, img->rect()), 0);
    }

    void verticesFollowPixelsNotRecordingLength() {
        // Same page window over 10 s and over 1 h of 12-lead 500 Hz data: the same number of vertices.
        OffscreenPaper paper;
        QVERIFY(paper.initialize().hasValue());
        std::vector<std::size_t> vertices;
        for (double seconds : {10.0, 3600.0}) {
            std::vector<Spike> spikes;
            auto rec = test::syntheticRecording(500.0, seconds, spikes);
            for (auto& c : rec->groups[0].channels) {
                for (std::size_t i = 0; i < c.raw.size(); ++i)
                    c.raw[i] = static_cast<std::int32_t>((i * 7919) % 2001) - 1000;
            }
            PaperScene scene;
            scene.setTraces(TraceSet::build(rec, 0, {}));
            PaperSettings s;
            s.layout = PaperLayout::Grid3x4Rhythm;
            s.pixelsPerMm = 96.0 / 25.4;
            scene.setSettings(s);
            scene.setStartSeconds(seconds > 10 ? 1800.0 : 0.0);
            PaperViewport vp;
            vp.pixels = QSize(1000, 650);
            vp.overviewHeight = 60;
            QVERIFY(paper.render(scene, vp, false).hasValue());
            vertices.push_back(paper.renderer().lastFrame().traceVertices);
            // At most two vertices per pixel column of each cell.
            std::size_t columns = 0;
            for (const auto& c : scene.page().cells)
                columns += static_cast<std::size_t>(std::ceil(c.widthMm * s.pixelsPerMm));
            QVERIFY2(vertices.back() <= 2 * columns, qPrintable(QString::number(vertices.back())));
            // The whole-recording overview costs two vertices per pixel column whatever the length.
            QVERIFY(paper.renderer().lastFrame().overviewVertices <= std::size_t{2} * 1000);
        }
        QCOMPARE(vertices[0], vertices[1]);
    }

    void ecgRenderWritesThePage() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("page.png"));
        QProcess p;
        p.start(cli(),
                {QStringLiteral("ecg-render"), path, QStringLiteral("--layout"), QStringLiteral("3x4+1"),
                 QStringLiteral("--dpi"), QStringLiteral("150"), QStringLiteral("-o"), out});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QImage img(out);
        QVERIFY(!img.isNull());
        // The page: 10 mm pulse margin + 10 s × 25 mm/s + 5 mm, at 150 dpi.
        QCOMPARE(img.width(), static_cast<int>(std::ceil(265.0 * 150.0 / 25.4)));
        QVERIFY(test::inkCount(img, img.rect()) > 5000);
    }

    void ecgRenderRefusesBadInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad layout") << QStringList{QStringLiteral("--layout"), QStringLiteral("4x3")}
                                    << QStringLiteral("--layout must be");
        QTest::newRow("bad dpi") << QStringList{QStringLiteral("--dpi"), QStringLiteral("5")}
                                 << QStringLiteral("--dpi must be between");
        QTest::newRow("bad speed") << QStringList{QStringLiteral("--speed"), QStringLiteral("30")}
                                   << QStringLiteral("--speed must be");
        QTest::newRow("bad gain") << QStringList{QStringLiteral("--gain"), QStringLiteral("abc")}
                                  << QStringLiteral("--gain must be a number");
    }
    void ecgRenderRefusesBadInput() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QProcess p;
        p.start(cli(), QStringList{QStringLiteral("ecg-render"), path, QStringLiteral("-o"),
                                   dir.filePath(QStringLiteral("x.png"))} +
                           args);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.png"))));
    }

    void ecgRenderRefusesATruncatedFile() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QTemporaryDir dir;
        QFile src(path);
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QByteArray bytes = src.readAll();
        const QString cut = dir.filePath(QStringLiteral("cut.dcm"));
        QFile dst(cut);
        QVERIFY(dst.open(QIODevice::WriteOnly));
        dst.write(bytes.left(bytes.size() * 2 / 3));
        dst.close();
        QProcess p;
        p.start(cli(), {QStringLiteral("ecg-render"), cut, QStringLiteral("-o"),
                        dir.filePath(QStringLiteral("x.png"))});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("cut.dcm")), qPrintable(err));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.png"))));
    }
};

int main(int argc, char** argv) {
    veridicor::test::useAppSurfaceFormat();
    QGuiApplication app(argc, argv);
    TestEcgRender t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_ecg_render.moc"
