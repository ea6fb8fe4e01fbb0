// The PDF report through the real veridicor-cli, checked with independent tools: poppler's pdftoppm renders
// page 1 at 300 dpi and the calibration pulse and a 1 s interval are measured in its pixels; pdftotext shows
// what the report says (and does not say); pdfinfo counts the pages. Bad input leaves no PDF behind.
#include "cli_run.h"
#include "report_fixture.h"
#include "test_data.h"

#include <QImage>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtTest>

#include <algorithm>
#include <fstream>
#include <map>

#include <unistd.h>

using namespace veridicor;
using namespace veridicor::test;

namespace {

constexpr double kDpi = 300.0;
constexpr double kPxPerMm = kDpi / 25.4;

/// A vertical stroke found in the rendered page: its centre column and the rows it spans.
struct Edge {
    double x = 0;
    int top = 0;
    int bottom = 0;
};

bool dark(QRgb c) {
    return qRed(c) < 110 && qGreen(c) < 110 && qBlue(c) < 110;
}

/// Every vertical run of dark pixels at least `minLength` long, columns of one stroke merged.
std::vector<Edge> verticalEdges(const QImage& img, int minLength) {
    struct Run {
        int x, top, bottom;
    };
    std::vector<Run> runs;
    for (int x = 0; x < img.width(); ++x) {
        int start = -1;
        for (int y = 0; y <= img.height(); ++y) {
            const bool d = y < img.height() && dark(img.pixel(x, y));
            if (d && start < 0) {
                start = y;
            } else if (!d && start >= 0) {
                if (y - start >= minLength) {
                    runs.push_back({x, start, y - 1});
                }
                start = -1;
            }
        }
    }
    std::vector<Edge> edges;
    std::vector<bool> used(runs.size(), false);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (used[i]) {
            continue;
        }
        double sum = 0;
        int n = 0;
        int top = runs[i].top;
        int bottom = runs[i].bottom;
        int lastX = runs[i].x;
        for (std::size_t j = i; j < runs.size(); ++j) {
            if (used[j] || runs[j].x > lastX + 1) {
                continue;
            }
            if (std::abs(runs[j].top - runs[i].top) < 20 && runs[j].x >= lastX) {
                used[j] = true;
                sum += runs[j].x;
                ++n;
                lastX = runs[j].x;
                top = std::min(top, runs[j].top);
                bottom = std::max(bottom, runs[j].bottom);
            }
        }
        edges.push_back({sum / n, top, bottom});
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.x < b.x; });
    return edges;
}

/// The edges of one row (sorted by x) with an anti-aliased column's shorter run beside a stroke merged into
/// that stroke (the longer run's column kept).
std::vector<Edge> mergeClose(const std::vector<Edge>& edges) {
    std::vector<Edge> merged;
    for (const Edge& e : edges) {
        if (!merged.empty() && e.x - merged.back().x <= 3.0) {
            Edge& m = merged.back();
            if (e.bottom - e.top > m.bottom - m.top) {
                m.x = e.x;
            }
            m.top = std::min(m.top, e.top);
            m.bottom = std::max(m.bottom, e.bottom);
            continue;
        }
        merged.push_back(e);
    }
    return merged;
}

/// The centre row of the dark stroke in column `x` nearest to row `near` (within ±`reach`), or -1.
double strokeCentre(const QImage& img, int x, int near, int reach) {
    double best = -1;
    for (int y = std::max(0, near - reach); y < std::min(img.height(), near + reach); ++y) {
        if (!dark(img.pixel(x, y))) {
            continue;
        }
        int end = y;
        while (end + 1 < img.height() && dark(img.pixel(x, end + 1))) {
            ++end;
        }
        const double centre = (y + end) / 2.0;
        if (best < 0 || std::abs(centre - near) < std::abs(best - near)) {
            best = centre;
        }
        y = end;
    }
    return best;
}

QString normalised(const QByteArray& text) {
    return QString::fromUtf8(text).replace(QRegularExpression(QStringLiteral("\\s+")), QStringLiteral(" "));
}

} // namespace

class TestReport : public QObject {
    Q_OBJECT

    std::unique_ptr<ReportFixture> m_f;
    QString m_cli;
    QString m_out;

    [[nodiscard]] CliRun run(const QStringList& args) const {
        return runProgram(m_cli, args);
    }
    [[nodiscard]] CliRun report(const QString& readingSr, const QString& pdf, bool withTrust = true,
                                bool withFindings = true) const {
        QStringList args{QStringLiteral("report"), QStringLiteral("--reading"), readingSr, QStringLiteral("--data"),
                         qpath(m_f->ecg), QStringLiteral("-o"), pdf};
        if (withFindings) {
            args << QStringLiteral("--findings") << qpath(m_f->study);
        }
        if (withTrust) {
            args << QStringLiteral("--trust") << qpath(m_f->trust);
        }
        return run(args);
    }
    [[nodiscard]] static QString pdfText(const QString& pdf) {
        QByteArray out;
        const int rc = runTool(QStringLiteral("pdftotext"), {QStringLiteral("-layout"), pdf, QStringLiteral("-")}, &out);
        return rc == 0 ? normalised(out) : QString();
    }
    [[nodiscard]] QString path(const char* name) const { return m_out + QLatin1Char('/') + QLatin1String(name); }

private slots:
    void initTestCase() {
        for (const char* tool : {"pdftoppm", "pdftotext", "pdfinfo"}) {
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty()) {
                QSKIP("poppler-utils is not installed (scripts/setup installs it)");
            }
        }
        m_f = std::make_unique<ReportFixture>(verify::now());
        QVERIFY2(m_f->setUpReport(), m_f->error.c_str());
        m_cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(m_cli), qPrintable(m_cli));
        m_out = qpath(m_f->root / "reports");
        QVERIFY(QDir().mkpath(m_out));
    }

    /// Page 1 rendered at 300 dpi by pdftoppm: the calibration pulse is 10 mm high (1 mV at 10 mm/mV), it
    /// lasts 5 mm (200 ms at 25 mm/s), and the recording's pulses one second apart are 25 mm apart.
    void paperIsTrueScaleAt300Dpi() {
        const QString pdf = path("scale.pdf");
        const CliRun r = report(qpath(m_f->readingSr), pdf);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QString png = path("scale");
        QCOMPARE(runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("300"), QStringLiteral("-f"),
                                                      QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("1"),
                                                      QStringLiteral("-png"), QStringLiteral("-singlefile"), pdf, png}),
                 0);
        const QImage img(png + QStringLiteral(".png"));
        QVERIFY(!img.isNull());
        // A4 landscape at 300 dpi.
        QVERIFY(std::abs(img.width() - 297.0 * kPxPerMm) < 2.0);
        QVERIFY(std::abs(img.height() - 210.0 * kPxPerMm) < 2.0);

        // Strokes taller than 8 mm: the calibration pulses' edges and the recording's 1 mV pulses.
        const std::vector<Edge> edges = verticalEdges(img, static_cast<int>(8.0 * kPxPerMm));
        QVERIFY2(edges.size() >= 8, qPrintable(QString::number(edges.size())));
        // The bottom row is the rhythm strip: the calibration pulse, then one pulse a second.
        const int lowest = std::max_element(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
                               return a.bottom < b.bottom;
                           })->bottom;
        std::vector<Edge> strip;
        for (const Edge& e : edges) {
            if (std::abs(e.bottom - lowest) < 10) {
                strip.push_back(e);
            }
        }
        strip = mergeClose(strip);
        // Calibration rise + fall, and a rise and a fall for each of the 10 pulses.
        QString found;
        for (const Edge& e : strip) {
            found += QStringLiteral(" %1[%2-%3]").arg(e.x).arg(e.top).arg(e.bottom);
        }
        QVERIFY2(strip.size() == 22, qPrintable(found));
        const Edge& rise = strip[0];
        const Edge& fall = strip[1];
        // 200 ms at 25 mm/s = 5 mm = 59.1 px.
        QVERIFY2(std::abs((fall.x - rise.x) - 5.0 * kPxPerMm) <= 1.0, qPrintable(QString::number(fall.x - rise.x)));
        // The height: the centre of the top stroke (mid-pulse) to the centre of the baseline (lead-in).
        const int mid = static_cast<int>(std::lround((rise.x + fall.x) / 2));
        const double top = strokeCentre(img, mid, rise.top, 10);
        const double base = strokeCentre(img, static_cast<int>(std::lround(rise.x)) - 8, rise.bottom, 10);
        QVERIFY(top > 0 && base > 0);
        const double height = base - top;
        qInfo("calibration pulse: %.2f px high (10 mm = %.2f px), %.2f px wide", height, 10.0 * kPxPerMm,
              fall.x - rise.x);
        QVERIFY2(std::abs(height - 10.0 * kPxPerMm) <= 1.0, qPrintable(QString::number(height)));
        // Rises of successive recording pulses: 1 s = 25 mm = 295.3 px.
        for (std::size_t k = 2; k + 2 < strip.size(); k += 2) {
            const double dx = strip[k + 2].x - strip[k].x;
            QVERIFY2(std::abs(dx - 25.0 * kPxPerMm) <= 1.0, qPrintable(QString::number(dx)));
        }
        // Each recording pulse is 1 mV as well: as high as the calibration pulse.
        QVERIFY(std::abs((strip[2].bottom - strip[2].top) - (rise.bottom - rise.top)) <= 2);
    }

    void textSaysWhatWasVerified() {
        const QString pdf = path("verified.pdf");
        const CliRun r = report(qpath(m_f->readingSr), pdf);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY2(r.out.contains("reading verified; AI findings: 1 verified, 1 not verified"), r.out.constData());
        const QString text = pdfText(pdf);
        QVERIFY(!text.isEmpty());
        const QStringList expected{
            // the header
            QStringLiteral("Patient: Test, Report"), QStringLiteral("PAT-001"),
            QStringLiteral("Resting 12-lead ECG (report test)"), QStringLiteral("Acquired: 2026-12-01 10:15:00"),
            QStringLiteral("Speed 25 mm/s Gain 10 mm/mV Display filters: none"),
            // lead labels
            QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF"), QStringLiteral("V1"),
            QStringLiteral("V6"),
            // the reading, verified, with its statements, measurements and text
            QStringLiteral("VERIFIED: signed by"), QStringLiteral("ST elevation (SCT 164931005)"),
            QStringLiteral("Sinus rhythm (SCT 426783006)"), QStringLiteral("QTc (Bazett): 412 ms"),
            QStringLiteral("Anterior ST elevation; compare with prior."),
            // what verified means
            QStringLiteral("It does not mean that the content is clinically right"),
            // the findings
            QStringLiteral("VERIFIED: ecg.omi.finding.json, model ecg-omi-detector 2.1.0, signed by "
                           "dns:omi-inference.vendor-a.example"),
            QString::fromLatin1(kFindingText),
            QStringLiteral("NOT VERIFIED: ecg.tampered.finding.json"), QStringLiteral("BAD_SIGNATURE"),
            // the side-by-side rows
            QStringLiteral("Category AI Clinician State"),
            QStringLiteral("ecg.tampered.finding.json: not counted: not verified (The signature does not match"),
            QStringLiteral("Page 1 of"), QStringLiteral("Page 2 of")};
        for (const QString& e : expected) {
            QVERIFY2(text.contains(e), qPrintable(e + QStringLiteral("\n--- in ---\n") + text));
        }
        // The edited content is never presented.
        QVERIFY(!text.contains(QLatin1String(kTamperedText)));
        // I II III on the paper: every standard lead is labelled.
        for (const char* lead : {"I", "II", "III", "V2", "V3", "V4", "V5"}) {
            QVERIFY2(text.contains(QRegularExpression(QStringLiteral("(^| )%1( |$)").arg(QLatin1String(lead)))), lead);
        }
    }

    void untrustedReadingContentIsNotInTheText() {
        const std::string secret = "SECRET-UNTRUSTED-CONTENT";
        std::string json = kReadingJson;
        json.replace(json.find("Anterior ST elevation; compare with prior."),
                     std::string("Anterior ST elevation; compare with prior.").size(), secret);
        const auto sr = m_f->sign("other-reader.dcm", m_f->otherFiles, json, m_f->ecg);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const QString pdf = path("untrusted.pdf");
        const CliRun r = report(qpath(sr), pdf);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QString text = pdfText(pdf);
        QVERIFY(text.contains(QStringLiteral("NOT VERIFIED: reading other-reader.dcm is untrusted")));
        QVERIFY(text.contains(QStringLiteral("SIGNER_NOT_AUTHORIZED")));
        QVERIFY(text.contains(QStringLiteral("Its content is hidden because it could not be verified")));
        QVERIFY(!text.contains(QString::fromStdString(secret)));
        QVERIFY(!text.contains(QStringLiteral("QTc (Bazett)")));
        QVERIFY(text.contains(QStringLiteral("The clinician's reading is not verified, so its statements are not "
                                             "compared with the AI findings.")));
    }

    void withoutTrustStoreNothingIsVerified() {
        const QString pdf = path("no-trust.pdf");
        const CliRun r = report(qpath(m_f->readingSr), pdf, false);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QString text = pdfText(pdf);
        QVERIFY(text.contains(QStringLiteral("No trust store was given: nothing in this report could be verified")));
        QVERIFY(text.contains(QStringLiteral("because no trust store was given. Its content is hidden.")));
        QVERIFY(!text.contains(QStringLiteral("Anterior ST elevation")));
        QVERIFY(!text.contains(QLatin1String(kFindingText)));
        QVERIFY(!text.contains(QStringLiteral("VERIFIED: signed")));
        QVERIFY(text.contains(QStringLiteral("NOT VERIFIED: ecg.omi.finding.json")));
    }

    void longReadingRunsOverPages() {
        std::string json = kReadingJson;
        std::string longText;
        for (int i = 0; i < 300; ++i) {
            longText += "Paragraph " + std::to_string(i) + ": the ST segments are unchanged from the prior tracing. ";
        }
        json.replace(json.find("Anterior ST elevation; compare with prior."),
                     std::string("Anterior ST elevation; compare with prior.").size(), longText + "THE-END");
        const auto sr = m_f->sign("long.dcm", m_f->readerFiles, json, m_f->ecg);
        QVERIFY2(!sr.empty(), m_f->error.c_str());
        const QString pdf = path("long.pdf");
        const CliRun r = report(qpath(sr), pdf);
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QByteArray info;
        QCOMPARE(runTool(QStringLiteral("pdfinfo"), {pdf}, &info), 0);
        const auto m = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(QString::fromUtf8(info));
        QVERIFY(m.hasMatch());
        const int pages = m.captured(1).toInt();
        QVERIFY2(pages >= 4, qPrintable(QString::number(pages)));
        const QString text = pdfText(pdf);
        QVERIFY(text.contains(QStringLiteral("Page %1 of %1").arg(pages)));
        QVERIFY(text.contains(QStringLiteral("Paragraph 299:")));
        QVERIFY(text.contains(QStringLiteral("THE-END")));
    }

    /// The demo echo (build/demo/ECHO, demo PKI and trust store): key frames with the verified heatmap, and a
    /// 1 cm bar whose length on the page is the region's Physical Delta X (read independently with DCMTK's
    /// dcmdump) at the scale the image is drawn at, measured in pdftoppm's pixels.
    void echoReportHasKeyFramesAndATrueScaleBar() {
        const QString build = buildDir();
        const QString echo = build + QStringLiteral("/demo/ECHO/ECHO0001.dcm");
        const QString key = build + QStringLiteral("/demo-pki/signers/reader.key.pem");
        if (!QFileInfo::exists(echo) || !QFileInfo::exists(key) ||
            QStandardPaths::findExecutable(QStringLiteral("dcmdump")).isEmpty()) {
            QSKIP("the demo study (target demo_study) or dcmdump is missing");
        }
        const QString json = path("echo-reading.json");
        writeAll(json.toStdString(),
                 R"({"statements": [{"scheme": "SCT", "value": "37706002", "meaning": "Hypokinesis",
                     "site": {"scheme": "SCT", "value": "367598003", "meaning": "Left ventricle inferior segment"}}],
                     "text": "Inferior hypokinesis (echo report test).", "blind": true})");
        const QString sr = path("echo-reading.dcm");
        CliRun r = run({QStringLiteral("reading-sign"), QStringLiteral("--key"), key, QStringLiteral("--chain"),
                        build + QStringLiteral("/demo-pki/signers/reader.chain.pem"), QStringLiteral("--data"), echo,
                        QStringLiteral("--reading"), json, QStringLiteral("-o"), sr});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString pdf = path("echo.pdf");
        r = run({QStringLiteral("report"), QStringLiteral("--reading"), sr, QStringLiteral("--data"), echo,
                 QStringLiteral("--findings"), build + QStringLiteral("/demo/ECHO"), QStringLiteral("--trust"),
                 build + QStringLiteral("/demo-trust"), QStringLiteral("-o"), pdf});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const QString text = pdfText(pdf);
        for (const QString& e :
             {QStringLiteral("Echo report"), QStringLiteral("frame 1 of 120 (first)"), QStringLiteral("frame 91 of 120"),
              QStringLiteral("AI heatmap (verified): ECHO0001.lv-wall-motion.finding.json#f1"),
              QStringLiteral("Hypokinesis (SCT 37706002), at Left ventricle inferior segment"),
              QStringLiteral("Inferior hypokinesis (echo report test)."),
              QStringLiteral("VERIFIED: ECHO0001.lv-wall-motion.finding.json, model echo-lv-segmenter")}) {
            QVERIFY2(text.contains(e), qPrintable(e + QStringLiteral("\n--- in ---\n") + text));
        }
        const auto m = QRegularExpression(QStringLiteral("1 cm scale bar: ([0-9.]+) mm on this page \\(image drawn at "
                                                         "([0-9.]+) mm per pixel\\)"))
                           .match(text);
        QVERIFY2(m.hasMatch(), qPrintable(text));
        const double barMm = m.captured(1).toDouble();
        const double mmPerPixel = m.captured(2).toDouble();
        // Physical Delta X of the first region (the 2D image; the second is its ECG trace), by DCMTK's dcmdump.
        QByteArray dump;
        QCOMPARE(runTool(QStringLiteral("dcmdump"), {QStringLiteral("+P"), QStringLiteral("0018,602c"), echo}, &dump), 0);
        const auto d = QRegularExpression(QStringLiteral("\\) FD ([0-9.eE+-]+)")).match(QString::fromLatin1(dump));
        QVERIFY2(d.hasMatch(), dump.constData());
        const double deltaCmPerPixel = d.captured(1).toDouble();
        QVERIFY(deltaCmPerPixel > 0);
        QVERIFY2(std::abs(barMm - mmPerPixel / deltaCmPerPixel) < 0.01, qPrintable(QString::number(barMm)));
        // The bar on the rendered page: the longest run of cyan pixels in a row.
        const QString png = path("echo");
        QCOMPARE(runTool(QStringLiteral("pdftoppm"), {QStringLiteral("-r"), QStringLiteral("300"), QStringLiteral("-f"),
                                                      QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("1"),
                                                      QStringLiteral("-png"), QStringLiteral("-singlefile"), pdf, png}),
                 0);
        const QImage img(png + QStringLiteral(".png"));
        QVERIFY(!img.isNull());
        int longest = 0;
        for (int y = 0; y < img.height(); ++y) {
            int runLength = 0;
            for (int x = 0; x < img.width(); ++x) {
                const QRgb c = img.pixel(x, y);
                runLength = qRed(c) < 80 && qGreen(c) > 200 && qBlue(c) > 200 ? runLength + 1 : 0;
                longest = std::max(longest, runLength);
            }
        }
        qInfo("1 cm bar: %d px at 300 dpi, %.2f mm expected (%.1f px)", longest, barMm, barMm * kPxPerMm);
        QVERIFY2(std::abs(longest - barMm * kPxPerMm) <= 2.0, qPrintable(QString::number(longest)));
    }

    void badInputLeavesNoPdf() {
        const QString pdf = path("bad.pdf");
        // A missing reading.
        CliRun r = report(qpath(m_f->root / "nowhere.dcm"), pdf);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("the reading cannot be read"), r.err.constData());
        QVERIFY(!QFileInfo::exists(pdf));
        // A garbage reading file.
        const auto garbage = m_f->root / "garbage.dcm";
        writeAll(garbage, std::string(4096, '\x5a'));
        r = report(qpath(garbage), pdf);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("the reading cannot be read"), r.err.constData());
        QVERIFY(!QFileInfo::exists(pdf));
        // A missing recording.
        r = run({QStringLiteral("report"), QStringLiteral("--reading"), qpath(m_f->readingSr), QStringLiteral("--data"),
                 qpath(m_f->root / "none.dcm"), QStringLiteral("-o"), pdf});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("the recording cannot be read"), r.err.constData());
        QVERIFY(!QFileInfo::exists(pdf));
        // An output folder that does not exist, and one that cannot be written.
        r = report(qpath(m_f->readingSr), path("no-such-folder/report.pdf"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot write"), r.err.constData());
        const QString locked = path("locked");
        QVERIFY(QDir().mkpath(locked));
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        r = report(qpath(m_f->readingSr), locked + QStringLiteral("/report.pdf"));
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (::geteuid() != 0) { // root writes anyway
            QCOMPARE(r.exitCode, 2);
            QVERIFY(!QFileInfo::exists(locked + QStringLiteral("/report.pdf")));
            QVERIFY(QDir(locked).entryList(QDir::Files | QDir::Hidden).isEmpty());
        }
        // Usage: --reading, --data and -o are required; a bad --at.
        r = run({QStringLiteral("report"), QStringLiteral("--data"), qpath(m_f->ecg), QStringLiteral("-o"), pdf});
        QCOMPARE(r.exitCode, 2);
        r = run({QStringLiteral("report"), QStringLiteral("--reading"), qpath(m_f->readingSr), QStringLiteral("--data"),
                 qpath(m_f->ecg), QStringLiteral("--at"), QStringLiteral("yesterday"), QStringLiteral("-o"), pdf});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFileInfo::exists(pdf));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
