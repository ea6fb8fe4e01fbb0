// bench_worklist_open: how long the worklist takes to open. Makes a database of 1 000 synthetic studies (in a
// temporary folder; a third with a reading, a tenth with an AI summary), then, several times, opens it, reads
// every row into WorklistModel and orders it severity-first (WorklistFilter), and prints p50 and p95.
#include <veridicor/dicom/study_index.h>
#include <veridicor/worklist/database.h>
#include <veridicor/worklist/worklist_model.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

using namespace veridicor;

namespace {

constexpr int kStudies = 1000;
constexpr int kRuns = 21;

dicom::StudyIndex syntheticIndex(const QString& folder) {
    dicom::StudyIndex index;
    for (int i = 0; i < kStudies; ++i) {
        const std::string uid = "1.2.826.0.1.3680043.10.9." + std::to_string(i + 1);
        dicom::InstanceHeader instance;
        instance.path = folder.toStdString() + "/study" + std::to_string(i) + ".dcm";
        instance.sopClassUID = "1.2.840.10008.5.1.4.1.1.9.1.1";
        instance.sopInstanceUID = uid + ".1.1";
        instance.studyInstanceUID = uid;
        instance.modality = i % 4 == 0 ? "US" : "ECG";
        dicom::StudyNode study;
        study.studyInstanceUID = uid;
        study.date = "202501" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1);
        study.time = std::to_string(100000 + i % 1000);
        study.series.push_back(dicom::SeriesNode{uid + ".1", instance.modality, "", 1, {instance}});
        index.patients.push_back(
            dicom::PatientNode{"ID" + std::to_string(i), "Patient^" + std::to_string(i), "", "", {study}});
        ++index.instances;
        ++index.filesExamined;
    }
    return index;
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(std::lround(p * static_cast<double>(values.size() - 1)));
    return values[std::min(at, values.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
    const QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("worklist.sqlite"));
    {
        auto db = worklist::Database::open(path);
        if (!db) {
            (void)std::fprintf(stderr, "bench_worklist_open: %s\n", qPrintable(db.error().message));
            return 1;
        }
        QElapsedTimer timer;
        timer.start();
        auto stats = (*db)->indexStudies(syntheticIndex(dir.path()));
        if (!stats) {
            (void)std::fprintf(stderr, "bench_worklist_open: %s\n", qPrintable(stats.error().message));
            return 1;
        }
        const double indexMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        for (int i = 0; i < kStudies; ++i) {
            const QString uid = QStringLiteral("1.2.826.0.1.3680043.10.9.%1").arg(i + 1);
            if (i % 3 == 0) {
                worklist::Reading reading{uid + QStringLiteral(".99"), uid, worklist::ReadingStatus::Signed,
                                          QStringLiteral("Dr Reader"), QDateTime::currentDateTimeUtc(),
                                          QStringLiteral("/sr.dcm"), QString()};
                if (!(*db)->recordReading(reading)) {
                    return 1;
                }
            }
            if (i % 10 == 0) {
                worklist::AiSummary ai;
                ai.trusted = 1;
                ai.mostCritical = worklist::CriticalFinding{QStringLiteral("SCT"), QStringLiteral("401303003"),
                                                            QStringLiteral("Acute ST segment elevation myocardial infarction"),
                                                            100, QStringLiteral("Acute STEMI")};
                if (!(*db)->setAiSummary(uid, ai)) {
                    return 1;
                }
            }
        }
        std::printf("index %d studies (one transaction): %.1f ms\n", kStudies, indexMs);
    }
    std::vector<double> times;
    for (int run = 0; run < kRuns; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto db = worklist::Database::open(path);
        if (!db) {
            return 1;
        }
        worklist::WorklistModel model;
        if (!model.reload(**db)) {
            return 1;
        }
        worklist::WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.setSeverityFirst(true);
        const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        if (model.rowCount() != kStudies || filter.rowCount() != kStudies) {
            (void)std::fprintf(stderr, "bench_worklist_open: %d rows, expected %d\n", model.rowCount(), kStudies);
            return 1;
        }
        times.push_back(ms);
    }
    std::printf("open + fill + severity-first order, %d studies, %d runs: p50 %.1f ms, p95 %.1f ms\n", kStudies, kRuns,
                percentile(times, 0.5), percentile(times, 0.95));
    return 0;
}
