// Paper geometry: layouts put the standard leads where a printed ECG has them, columns of the 3×4 grid are
// time-aligned with the rhythm strip, and every sample maps to the millimetre and pixel the scale says.
#include <veridicor/ecg/calipers.h>
#include <veridicor/ecg/paper_geometry.h>

#include <QtTest>

using namespace veridicor::ecg;

namespace {

const std::vector<std::string> kTwelve{"I",  "II", "III", "aVR", "aVL", "aVF",
                                       "V1", "V2", "V3",  "V4",  "V5",  "V6"};

PageRequest request(PaperLayout layout, double dpi = 96.0, double speed = 25.0, double gain = 10.0) {
    PageRequest r;
    r.layout = layout;
    r.scale = PaperScale::fromDpi(dpi, speed, gain);
    r.leadLabels = kTwelve;
    return r;
}

std::vector<std::string> labelsOfColumn(const PaperPage& page, int column) {
    std::vector<std::pair<int, std::string>> rows;
    for (const auto& c : page.cells) {
        if (c.column == column && !c.rhythmStrip)
            rows.emplace_back(c.row, c.label);
    }
    std::sort(rows.begin(), rows.end());
    std::vector<std::string> out;
    out.reserve(rows.size());
    for (auto& r : rows)
        out.push_back(r.second);
    return out;
}

} // namespace

class TestEcgGeometry : public QObject {
    Q_OBJECT
private slots:
    void layoutNames() {
        for (const char* name : {"12x1", "6x2", "3x4", "3x4+1"}) {
            const auto l = parsePaperLayout(name);
            QVERIFY(l.has_value());
            QCOMPARE(paperLayoutName(*l), std::string(name));
        }
        QVERIFY(!parsePaperLayout("4x3").has_value());
        QVERIFY(!parsePaperLayout("").has_value());
    }

    void scaleFromDpi() {
        const PaperScale s = PaperScale::fromDpi(254.0); // 10 px per mm exactly
        QCOMPARE(s.pixelsPerMm, 10.0);
        QCOMPARE(s.pixelsPerSecond(), 250.0);    // 25 mm/s
        QCOMPARE(s.pixelsPerMillivolt(), 100.0); // 10 mm/mV
    }

    void printOrderFollowsTheStandardWhateverTheChannelOrder() {
        // HL7 aECG stores I, II, V1–V6, III, aVR, aVL, aVF.
        const std::vector<std::string> aecg{"I",  "II", "V1",  "V2",  "V3",  "V4",
                                            "V5", "V6", "III", "aVR", "aVL", "aVF"};
        const auto order = printOrder(aecg);
        std::vector<std::string> names;
        names.reserve(order.size());
        for (auto i : order)
            names.push_back(aecg[i]);
        QCOMPARE(names, kTwelve);
        // Unknown leads follow the standard ones, in channel order.
        const std::vector<std::string> odd{"X", "V1", "Y", "I"};
        QCOMPARE(printOrder(odd), (std::vector<std::size_t>{3, 1, 0, 2}));
    }

    void grid3x4PlusRhythmIsTheClassicPrintout() {
        const PaperPage page = layoutPage(request(PaperLayout::Grid3x4Rhythm));
        QCOMPARE(page.rows, 4);
        QCOMPARE(page.columns, 4);
        QCOMPARE(page.cells.size(), std::size_t(13));
        QCOMPARE(labelsOfColumn(page, 0), (std::vector<std::string>{"I", "II", "III"}));
        QCOMPARE(labelsOfColumn(page, 1), (std::vector<std::string>{"aVR", "aVL", "aVF"}));
        QCOMPARE(labelsOfColumn(page, 2), (std::vector<std::string>{"V1", "V2", "V3"}));
        QCOMPARE(labelsOfColumn(page, 3), (std::vector<std::string>{"V4", "V5", "V6"}));
        const PaperCell* rhythm = page.cellFor(1, true);
        QVERIFY(rhythm != nullptr);
        QCOMPARE(rhythm->label, std::string("II"));
        QCOMPARE(rhythm->row, 3);
        QCOMPARE(rhythm->widthMm, 250.0); // 10 s at 25 mm/s
        QCOMPARE(page.pulses.size(), std::size_t(4));
    }

    void gridColumnsAreTimeAlignedWithTheRhythmStrip_data() {
        QTest::addColumn<double>("speed");
        QTest::addColumn<double>("start");
        QTest::newRow("25 mm/s") << 25.0 << 0.0;
        QTest::newRow("50 mm/s, panned") << 50.0 << 3600.75;
        QTest::newRow("12.5 mm/s") << 12.5 << 12.0;
    }
    void gridColumnsAreTimeAlignedWithTheRhythmStrip() {
        QFETCH(double, speed);
        QFETCH(double, start);
        PageRequest r = request(PaperLayout::Grid3x4Rhythm, 96.0, speed);
        r.startSeconds = start;
        const PaperPage page = layoutPage(r);
        const PaperCell* rhythm = page.cellFor(1, true);
        QVERIFY(rhythm != nullptr);
        for (const auto& c : page.cells) {
            if (c.rhythmStrip)
                continue;
            // Column k shows seconds [start + 2.5k, start + 2.5k + 2.5) …
            QCOMPARE(c.startSeconds, start + 2.5 * c.column);
            QCOMPARE(c.endSeconds, start + 2.5 * c.column + 2.5);
            // … at the x that time range has on the rhythm strip.
            for (double t : {c.startSeconds, c.startSeconds + 1.234, c.endSeconds}) {
                QCOMPARE(c.xAt(t), rhythm->xAt(t));
            }
            QCOMPARE(c.widthMm, 2.5 * speed);
        }
        QCOMPARE(page.columnMarkersMm.size(), std::size_t(3));
        QCOMPARE(page.columnMarkersMm[0], rhythm->xAt(start + 2.5));
    }

    void otherLayouts() {
        const PaperPage rows = layoutPage(request(PaperLayout::Rows12x1));
        QCOMPARE(rows.rows, 12);
        QCOMPARE(rows.cells.size(), std::size_t(12));
        for (const auto& c : rows.cells) {
            QCOMPARE(c.startSeconds, 0.0);
            QCOMPARE(c.endSeconds, 10.0);
            QCOMPARE(c.label, kTwelve[static_cast<std::size_t>(c.row)]);
        }
        const PaperPage six = layoutPage(request(PaperLayout::Grid6x2));
        QCOMPARE(six.rows, 6);
        QCOMPARE(labelsOfColumn(six, 0), (std::vector<std::string>{"I", "II", "III", "aVR", "aVL", "aVF"}));
        QCOMPARE(labelsOfColumn(six, 1), (std::vector<std::string>{"V1", "V2", "V3", "V4", "V5", "V6"}));
        for (const auto& c : six.cells) {
            QCOMPARE(c.endSeconds - c.startSeconds, 5.0);
        }
        const PaperPage grid = layoutPage(request(PaperLayout::Grid3x4));
        QCOMPARE(grid.rows, 3);
        QCOMPARE(grid.cells.size(), std::size_t(12));
    }

    void samplesLandAtTheScaledPixel() {
        // 254 dpi = 10 px/mm; 25 mm/s; 10 mm/mV; lead II (row 1, column 0 of 3×4+1).
        const PaperPage page = layoutPage(request(PaperLayout::Grid3x4Rhythm, 254.0));
        const PaperCell* ii = page.cellFor(1);
        QVERIFY(ii != nullptr && ii->row == 1 && ii->column == 0);
        // Sample 300 at 240 Hz is 1.25 s: 31.25 mm after the trace start; 1.5 mV is 15 mm above the baseline.
        const PagePoint mm = ii->samplePoint(240.0, 300, 1.5);
        QCOMPARE(mm.x, page.traceLeftMm + 31.25);
        QCOMPARE(mm.y, ii->baselineMm - 15.0);
        const PagePoint px = page.toPixels(mm);
        QCOMPARE(px.x, (page.traceLeftMm + 31.25) * 10.0);
        QCOMPARE(px.y, (ii->baselineMm - 15.0) * 10.0);
        // Rows are evenly spaced, 3.5 mV × gain apart; baselines on 5 mm lines near mid-band; grid above row
        // 0.
        QCOMPARE(page.rowPitchMm, 35.0);
        QCOMPARE(ii->baselineMm, page.rowsTopMm + 35.0 + 20.0);
        for (const auto& c : page.cells) {
            QCOMPARE(std::fmod(c.baselineMm - page.gridTopMm, 5.0), 0.0);
        }
        QVERIFY(page.rowsTopMm >= page.gridTopMm);
        QCOMPARE(page.heightMm, page.rowsTopMm + 4 * 35.0);
    }

    void calibrationPulseIsOneMillivoltForTwoHundredMs_data() {
        QTest::addColumn<double>("speed");
        QTest::addColumn<double>("gain");
        QTest::newRow("25/10") << 25.0 << 10.0;
        QTest::newRow("50/20") << 50.0 << 20.0;
        QTest::newRow("12.5/5") << 12.5 << 5.0;
    }
    void calibrationPulseIsOneMillivoltForTwoHundredMs() {
        QFETCH(double, speed);
        QFETCH(double, gain);
        const PaperPage page = layoutPage(request(PaperLayout::Grid3x4Rhythm, 96.0, speed, gain));
        for (const auto& p : page.pulses) {
            QCOMPARE(p.baselineMm - p.topMm, gain);     // 1 mV
            QCOMPARE(p.fallMm - p.riseMm, 0.2 * speed); // 200 ms
            QVERIFY(p.leadOutMm < page.traceLeftMm);    // before the traces start
            QVERIFY(p.leadInMm >= 0.0);
        }
        // Traces start on a 5 mm line.
        QCOMPARE(std::fmod(page.traceLeftMm, 5.0), 0.0);
    }

    void cellAtFindsTheLeadUnderAPoint() {
        const PaperPage page = layoutPage(request(PaperLayout::Grid3x4Rhythm));
        const PaperCell* v5 = nullptr;
        for (const auto& c : page.cells) {
            if (c.label == "V5")
                v5 = &c;
        }
        QVERIFY(v5 != nullptr);
        const PaperCell* hit = page.cellAt({v5->xAt(8.0), v5->baselineMm});
        QVERIFY(hit == v5);
        QVERIFY(page.cellAt({1.0, v5->baselineMm}) == nullptr); // the calibration pulse area
    }

    void medianBeatPageShowsTheBeatInEveryCell() {
        PageRequest r = request(PaperLayout::Grid3x4Rhythm);
        r.eachCellWholeRange = true;
        r.pageSeconds = 1.2;
        const PaperPage page = layoutPage(r);
        QCOMPARE(page.cells.size(), std::size_t(12)); // no rhythm strip for beats
        for (const auto& c : page.cells) {
            QCOMPARE(c.startSeconds, 0.0);
            QCOMPARE(c.endSeconds, 1.2);
        }
    }

    void caliperReadings() {
        const CaliperReading r = measureCalipers({1.0, 0.1}, {1.8, 1.35}, CaliperKind::RR);
        QCOMPARE(qRound(r.intervalMs * 1000), 800000);
        QVERIFY(r.rateBpm.has_value());
        QCOMPARE(qRound(*r.rateBpm * 1000), 75000);
        QCOMPARE(qRound(r.amplitudeMv * 1000), 1250);
        QCOMPARE(formatCaliperReading(r, "II"), std::string("II: Δt 800 ms (75.0 bpm)  ΔV +1.25 mV"));
        QVERIFY(!measureCalipers({2.0, 0.0}, {2.0, -1.0}, CaliperKind::RR).rateBpm.has_value());
        // Only an RR interval is a rate: a QT of 359.4 ms is not "166.9 bpm".
        const CaliperReading qt = measureCalipers({1.0, 0.1}, {1.3594, 0.1}, CaliperKind::QT);
        QVERIFY(!qt.rateBpm.has_value());
        QCOMPARE(formatCaliperReading(qt, "II"), std::string("II: Δt 359 ms  ΔV +0.00 mV"));
        // The caliper point under a sample's page position is that sample's time and value.
        const PaperPage page = layoutPage(request(PaperLayout::Grid3x4Rhythm, 254.0));
        const PaperCell& cell = page.cells[4];
        const PagePoint mm =
            cell.samplePoint(500.0, static_cast<std::size_t>(cell.startSeconds * 500) + 123, -0.75);
        const CaliperPoint cp = caliperPointAt(cell, mm);
        QCOMPARE(qRound(cp.seconds * 500), qRound(cell.startSeconds * 500) + 123);
        QCOMPARE(qRound(cp.millivolts * 1000), -750);
    }

    void measurementRowsNameWhatTheFileSays() {
        Recording rec;
        WaveformGroup g;
        g.samplingHz = 500.0;
        g.channels.resize(2);
        g.channels[0].label = "I";
        g.channels[1].label = "II";
        rec.groups.push_back(g);
        Annotation hr;
        hr.conceptName = "Heart rate";
        hr.numericValue = 69.0;
        hr.units = "{H.B.}/min";
        hr.group = 0;
        hr.channels = {0};
        Annotation statement;
        statement.text = "Sinus rhythm";
        Annotation qrs;
        qrs.conceptName = "QRS axis";
        qrs.numericValue = 45.0;
        qrs.units = "deg";
        qrs.group = 0;
        qrs.firstSample = 250;
        rec.annotations = {hr, statement, qrs};
        const auto rows = measurementRows(rec);
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].name, std::string("Heart rate"));
        QCOMPARE(rows[0].value, std::string("69 /min"));
        QCOMPARE(rows[0].where, std::string("lead I"));
        QCOMPARE(rows[1].name, std::string("Statement"));
        QCOMPARE(rows[1].value, std::string("Sinus rhythm"));
        QCOMPARE(rows[2].value, std::string("45°"));
        QCOMPARE(rows[2].where, std::string("sample 250 (0.500 s)"));
    }
};

QTEST_APPLESS_MAIN(TestEcgGeometry)
#include "tst_ecg_geometry.moc"
