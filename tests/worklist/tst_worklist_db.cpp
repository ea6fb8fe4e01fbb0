// The worklist database: a cache of the study folders. It indexes real DICOM files, reads only what changed,
// comes back the same after it is deleted, moves an unusable file aside (never deletes it) and rebuilds, keeps
// readings and AI summaries, and stores hostile strings bounded through bound parameters.
#include "test_data.h"

#include <veridicor/base/text_bounds.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/study_index.h>
#include <veridicor/worklist/database.h>

#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace veridicor;
using worklist::Database;
using worklist::OpenOutcome;
using worklist::ReadingStatus;

namespace {

bool copyTo(const QString& from, const QString& to) {
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile::remove(to);
    return QFile::copy(from, to);
}

QByteArray bytesOf(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

std::vector<std::filesystem::path> folders(const QString& dir) {
    return {std::filesystem::path(dir.toStdString())};
}

std::unique_ptr<Database> openOrFail(const QString& path) {
    auto db = Database::open(path);
    if (!db) {
        qWarning("%s", qPrintable(db.error().message));
        return nullptr;
    }
    return std::move(db).value();
}

/// The worklist with the columns that come from the files (those a rebuild must give back).
std::vector<worklist::StudyRow> rowsOf(Database& db) {
    auto rows = db.studies();
    return rows ? std::move(rows).value() : std::vector<worklist::StudyRow>{};
}

dicom::StudyIndex syntheticIndex(const std::string& studyUid, const std::string& name, const std::string& id) {
    dicom::InstanceHeader instance;
    instance.path = "/nonexistent/veridicor-worklist-test/" + studyUid + ".dcm";
    instance.sopClassUID = "1.2.840.10008.5.1.4.1.1.9.1.1";
    instance.sopInstanceUID = studyUid + ".1";
    instance.studyInstanceUID = studyUid;
    instance.modality = "ECG";
    dicom::SeriesNode series;
    series.modality = "ECG";
    series.instances.push_back(instance);
    dicom::StudyNode study;
    study.studyInstanceUID = studyUid;
    study.date = "20250312";
    study.time = "093015";
    study.series.push_back(series);
    dicom::PatientNode patient;
    patient.name = name;
    patient.patientID = id;
    patient.studies.push_back(study);
    dicom::StudyIndex index;
    index.patients.push_back(patient);
    index.filesExamined = 1;
    index.instances = 1;
    return index;
}

} // namespace

class TestWorklistDb : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_studies; ///< a folder of real DICOM made by initTestCase()

    [[nodiscard]] QString dbPath(const QString& name) const { return m_tmp.filePath(QStringLiteral("db-") + name + QStringLiteral("/worklist.sqlite")); }

    /// A folder the test owns: three real recordings in two studies' worth of folders and a file that is not
    /// DICOM. Empty when the shared data is absent.
    QString makeStudyFolder(const QString& name) {
        const QString ecg = test::sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        const QString us = test::sharedFile(QStringLiteral("us/US1_UNCR.dcm"));
        const QString ob = test::sharedFile(QStringLiteral("us/OBXXXX1A.dcm"));
        if (ecg.isEmpty() || us.isEmpty() || ob.isEmpty()) {
            return {};
        }
        QString dir = m_tmp.filePath(name);
        if (!copyTo(ecg, dir + QStringLiteral("/a/ECG0001")) || !copyTo(us, dir + QStringLiteral("/b/us.dcm")) ||
            !copyTo(ob, dir + QStringLiteral("/b/c/ob.dcm")) ||
            !writeBytes(dir + QStringLiteral("/README.txt"), "not dicom\n")) {
            return {};
        }
        return dir;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        QVERIFY(dicom::initializeDicom());
    }

    void missingDatabaseIsCreated() {
        const QString path = dbPath(QStringLiteral("new"));
        auto db = openOrFail(path);
        QVERIFY(db);
        QCOMPARE(db->openReport().outcome, OpenOutcome::Created);
        QVERIFY(QFileInfo::exists(path));
        QVERIFY(rowsOf(*db).empty());
        db.reset();
        auto again = openOrFail(path);
        QVERIFY(again);
        QCOMPARE(again->openReport().outcome, OpenOutcome::Opened);
        QVERIFY(again->openReport().message.isEmpty());
    }

    void defaultPathIsInTheDataFolder() {
        QVERIFY(Database::defaultPath().endsWith(QStringLiteral("/worklist.sqlite")));
    }

    void indexesRealFiles() {
        const QString dir = makeStudyFolder(QStringLiteral("real"));
        if (dir.isEmpty()) {
            QSKIP("shared test data ecg/wave_dfl.dcm, us/US1_UNCR.dcm, us/OBXXXX1A.dcm are absent; test skipped");
        }
        auto db = openOrFail(dbPath(QStringLiteral("real")));
        QVERIFY(db);
        auto stats = db->indexFolders(folders(dir));
        QVERIFY2(stats, stats ? "" : qPrintable(stats.error().message));
        QCOMPARE(stats->filesExamined, std::size_t{4});
        QCOMPARE(stats->instances, std::size_t{3});

        // The same files through dicom::scanPaths, the index the browser shows.
        const dicom::StudyIndex reference = dicom::scanPaths(folders(dir));
        std::map<QString, const dicom::PatientNode*> patientOf;
        std::size_t studies = 0;
        for (const auto& p : reference.patients) {
            for (const auto& s : p.studies) {
                patientOf[QString::fromStdString(s.studyInstanceUID)] = &p;
                ++studies;
            }
        }
        const auto rows = rowsOf(*db);
        QCOMPARE(rows.size(), studies);
        for (const auto& row : rows) {
            QVERIFY(patientOf.count(row.studyUid) == 1);
            QCOMPARE(row.patientName, QString::fromStdString(patientOf[row.studyUid]->name));
            QCOMPARE(row.patientId, QString::fromStdString(patientOf[row.studyUid]->patientID));
            QCOMPARE(row.status, ReadingStatus::Unread);
            auto files = db->instancesOf(row.studyUid);
            QVERIFY(files);
            QCOMPARE(static_cast<int>(files->size()), row.instances);
            for (const auto& f : *files) {
                QCOMPARE(f.size, QFileInfo(f.path).size());
            }
        }
        const auto ecg = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.modality == QStringLiteral("ECG"); });
        QVERIFY(ecg != rows.end());
        QVERIFY(ecg->acquired.isValid());
    }

    void unchangedFilesAreNotReadAgain() {
        const QString dir = makeStudyFolder(QStringLiteral("unchanged"));
        if (dir.isEmpty()) {
            QSKIP("shared test data is absent; test skipped");
        }
        auto db = openOrFail(dbPath(QStringLiteral("unchanged")));
        QVERIFY(db);
        QVERIFY(db->indexFolders(folders(dir)));
        const auto before = rowsOf(*db);
        auto second = db->indexFolders(folders(dir));
        QVERIFY(second);
        QCOMPARE(second->filesRead, std::size_t{0});
        QCOMPARE(second->filesUnchanged, std::size_t{4}); // README.txt too: it is not read again either
        QCOMPARE(rowsOf(*db), before);
    }

    void changedFileIsReRead() {
        const QString dir = makeStudyFolder(QStringLiteral("changed"));
        if (dir.isEmpty()) {
            QSKIP("shared test data is absent; test skipped");
        }
        auto db = openOrFail(dbPath(QStringLiteral("changed")));
        QVERIFY(db);
        QVERIFY(db->indexFolders(folders(dir)));
        const auto before = rowsOf(*db);
        QVERIFY(std::any_of(before.begin(), before.end(), [](const auto& r) { return r.modality == QStringLiteral("ECG"); }));

        // The ECG file now holds the ultrasound image: a new size and mtime, so it is read again.
        const QString ecgPath = dir + QStringLiteral("/a/ECG0001");
        QVERIFY(copyTo(test::sharedFile(QStringLiteral("us/US1_UNCR.dcm")), ecgPath));
        QFile touched(ecgPath);
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60), QFileDevice::FileModificationTime));
        touched.close();
        auto stats = db->indexFolders(folders(dir));
        QVERIFY(stats);
        QCOMPARE(stats->filesRead, std::size_t{1});
        QCOMPARE(stats->filesUnchanged, std::size_t{3});
        const auto after = rowsOf(*db);
        QVERIFY(std::none_of(after.begin(), after.end(), [](const auto& r) { return r.modality == QStringLiteral("ECG"); }));

        // A file removed is forgotten, and a study left without files goes.
        QVERIFY(QFile::remove(dir + QStringLiteral("/b/c/ob.dcm")));
        auto removed = db->indexFolders(folders(dir));
        QVERIFY(removed);
        QCOMPARE(removed->filesRemoved, std::size_t{1});
        const auto last = rowsOf(*db);
        QCOMPARE(last.size(), std::size_t{1}); // only the US1_UNCR study, twice
        QCOMPARE(last.front().instances, 2);
        QCOMPARE(last.front().modality, QStringLiteral("US"));
    }

    void deletedDatabaseGivesTheSameWorklist() {
        const QString dir = makeStudyFolder(QStringLiteral("rebuild"));
        if (dir.isEmpty()) {
            QSKIP("shared test data is absent; test skipped");
        }
        std::vector<std::filesystem::path> roots = folders(dir);
        const QString demo = test::buildDir() + QStringLiteral("/demo");
        if (QFileInfo(demo).isDir()) {
            roots.emplace_back(demo.toStdString()); // the demo study the build makes: read in place
        }
        const QString path = dbPath(QStringLiteral("rebuild"));
        std::vector<worklist::StudyRow> first;
        {
            auto db = openOrFail(path);
            QVERIFY(db);
            QVERIFY(db->indexFolders(roots));
            first = rowsOf(*db);
        }
        QVERIFY(first.size() >= 2);
        QVERIFY(QFile::remove(path));
        auto db = openOrFail(path);
        QVERIFY(db);
        QCOMPARE(db->openReport().outcome, OpenOutcome::Created);
        QVERIFY(db->indexFolders(roots));
        QCOMPARE(rowsOf(*db), first);
    }

    void unusableDatabaseIsMovedAsideAndRebuilt_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("garbage bytes") << QStringLiteral("garbage");
        QTest::newRow("truncated header") << QStringLiteral("truncated-header");
        QTest::newRow("truncated pages") << QStringLiteral("truncated-pages");
        QTest::newRow("another schema version") << QStringLiteral("version");
        QTest::newRow("another program's tables") << QStringLiteral("foreign");
    }

    void unusableDatabaseIsMovedAsideAndRebuilt() {
        QFETCH(QString, kind);
        const QString dir = makeStudyFolder(QStringLiteral("corrupt-") + kind);
        if (dir.isEmpty()) {
            QSKIP("shared test data is absent; test skipped");
        }
        const QString path = dbPath(QStringLiteral("corrupt-") + kind);
        std::vector<worklist::StudyRow> reference;
        {
            auto db = openOrFail(path);
            QVERIFY(db);
            QVERIFY(db->indexFolders(folders(dir)));
            reference = rowsOf(*db);
            // Enough pages that a cut in the middle loses some (a file of a few pages ends in page 1).
            dicom::StudyIndex filler;
            for (int i = 0; i < 300; ++i) {
                auto one = syntheticIndex("1.2.826.0.1.3680043.10.1." + std::to_string(i), std::string(100, 'x'), "ID");
                filler.patients.push_back(one.patients.front());
            }
            QVERIFY(db->indexStudies(filler)); // one transaction: each one is a sync to disk
        }
        if (kind == QStringLiteral("garbage")) {
            QByteArray garbage;
            for (int i = 0; i < 8192; ++i) {
                garbage.append(static_cast<char>((i * 131 + 7) % 251));
            }
            QVERIFY(writeBytes(path, garbage));
        } else if (kind == QStringLiteral("truncated-header")) {
            QVERIFY(QFile::resize(path, 50));
        } else if (kind == QStringLiteral("truncated-pages")) {
            QVERIFY(QFile::resize(path, QFileInfo(path).size() / 2));
        } else {
            QVERIFY(QFile::remove(path));
            const QString name = QStringLiteral("tst-other-") + kind;
            {
                QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                other.setDatabaseName(path);
                QVERIFY(other.open());
                QSqlQuery q(other);
                QVERIFY(q.exec(QStringLiteral("CREATE TABLE studies (x INTEGER)")));
                if (kind == QStringLiteral("version")) {
                    QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 7")));
                }
                other.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        const QByteArray unusable = bytesOf(path);

        auto db = openOrFail(path);
        QVERIFY(db);
        const worklist::OpenReport& report = db->openReport();
        QCOMPARE(report.outcome, OpenOutcome::Rebuilt);
        QVERIFY2(report.message.contains(QStringLiteral("moved aside")), qPrintable(report.message));
        QVERIFY(report.message.contains(QStringLiteral("nothing was deleted")));
        QVERIFY(report.message.contains(QDir::toNativeSeparators(report.movedAsideTo)));
        if (kind == QStringLiteral("version")) {
            QVERIFY2(report.message.contains(QStringLiteral("schema version 7")), qPrintable(report.message));
        }
        // Nothing lost: the unusable file is still there, byte for byte.
        QVERIFY(report.movedAsideTo.startsWith(path + QStringLiteral(".unusable-")));
        QCOMPARE(bytesOf(report.movedAsideTo), unusable);
        QVERIFY(rowsOf(*db).empty());
        QVERIFY(db->indexFolders(folders(dir)));
        QCOMPARE(rowsOf(*db), reference);
    }

    void readingsAreRecordedAndGiveTheStatus() {
        auto db = openOrFail(dbPath(QStringLiteral("readings")));
        QVERIFY(db);
        const std::string study = "1.2.826.0.1.3680043.10.2.1";
        QVERIFY(db->indexStudies(syntheticIndex(study, "Doe, Jane", "P1")));
        const QString uid = QString::fromStdString(study);
        const QDateTime t0 = QDateTime(QDate(2026, 1, 5), QTime(10, 0), Qt::UTC);
        worklist::Reading prelim{QStringLiteral("1.2.3.10"), uid, ReadingStatus::Preliminary, QStringLiteral("Dr A"),
                                 t0, QStringLiteral("/r/1.dcm"), QString()};
        worklist::Reading signedReading = prelim;
        signedReading.sopInstanceUid = QStringLiteral("1.2.3.11");
        signedReading.status = ReadingStatus::Signed;
        signedReading.time = t0.addSecs(60);
        worklist::Reading amendment{QStringLiteral("1.2.3.12"), uid, ReadingStatus::Amended, QStringLiteral("Dr B"),
                                    t0.addSecs(3600), QStringLiteral("/r/3.dcm"), QStringLiteral("1.2.3.11")};
        QVERIFY(db->recordReading(amendment)); // recorded out of order: time orders them
        QVERIFY(db->recordReading(prelim));
        QVERIFY(db->recordReading(signedReading));
        auto readings = db->readingsOf(uid);
        QVERIFY(readings);
        QCOMPARE(readings->size(), std::size_t{3});
        QCOMPARE((*readings)[0], prelim);
        QCOMPARE((*readings)[1], signedReading);
        QCOMPARE((*readings)[2], amendment);
        const auto rows = rowsOf(*db);
        QCOMPARE(rows.size(), std::size_t{1});
        QCOMPARE(rows[0].status, ReadingStatus::Amended);
        QCOMPARE(rows[0].reader, QStringLiteral("Dr B"));

        worklist::Reading bad = prelim;
        bad.sopInstanceUid = QStringLiteral("1.2.3'); DROP TABLE readings;--");
        auto refused = db->recordReading(bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, worklist::ErrorCode::InvalidArgument);
        QCOMPARE(db->readingsOf(uid)->size(), std::size_t{3});
    }

    void aiSummaryIsStored() {
        auto db = openOrFail(dbPath(QStringLiteral("ai")));
        QVERIFY(db);
        const std::string study = "1.2.826.0.1.3680043.10.3.1";
        QVERIFY(db->indexStudies(syntheticIndex(study, "Roe, Richard", "P2")));
        worklist::AiSummary summary;
        summary.trusted = 2;
        summary.quarantined = 1;
        summary.mostCritical = worklist::CriticalFinding{QStringLiteral("SCT"), QStringLiteral("401303003"),
                                                         QStringLiteral("Acute ST segment elevation myocardial infarction"),
                                                         100, QStringLiteral("Acute STEMI")};
        QVERIFY(db->setAiSummary(QString::fromStdString(study), summary));
        QCOMPARE(rowsOf(*db).at(0).ai, summary);
        auto unknown = db->setAiSummary(QStringLiteral("1.2.3.4.5"), summary);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, worklist::ErrorCode::InvalidArgument);
    }

    void hostileStringsAreStoredBounded() {
        auto db = openOrFail(dbPath(QStringLiteral("hostile")));
        QVERIFY(db);
        const std::string injection = "'); DROP TABLE studies;--";
        const std::string longName = injection + "\xE2\x80\xAE" + std::string(100000, 'A'); // U+202E RLO
        const std::string uid = "1.2.3'); DROP TABLE studies;--"; // under 64 characters: stored as given
        QVERIFY(db->indexStudies(syntheticIndex(uid, longName, std::string(5000, '\'') + "\"; --")));
        worklist::AiSummary summary;
        summary.trusted = 1;
        summary.mostCritical = worklist::CriticalFinding{QString::fromStdString(injection), QStringLiteral("1"),
                                                         QString(10000, QLatin1Char('m')), 1, QString(500, QLatin1Char('l'))};
        QVERIFY(db->setAiSummary(QString::fromStdString(uid), summary));
        worklist::Reading reading{QStringLiteral("1.2.3.4"), QString::fromStdString("1.2.3.5"), ReadingStatus::Signed,
                                  QString::fromStdString(injection) + QString(1000, QLatin1Char('r')),
                                  QDateTime::currentDateTimeUtc(), QStringLiteral("/r.dcm"), QString()};
        QVERIFY(db->recordReading(reading));

        const auto rows = rowsOf(*db);
        QCOMPARE(rows.size(), std::size_t{1}); // the table is still there, with the one row
        const auto& row = rows[0];
        QCOMPARE(row.studyUid, QString::fromStdString(uid));
        QVERIFY(row.patientName.size() <= kMaxNameChars);
        QVERIFY(row.patientName.startsWith(QString::fromStdString(injection)));
        QVERIFY(row.patientName.contains(QStringLiteral("\\u{202E}"))); // the override made visible
        QVERIFY(!row.patientName.contains(QChar(0x202E)));
        QVERIFY(row.patientName.endsWith(QChar(0x2026)));
        QVERIFY(row.patientId.size() <= kMaxNameChars);
        QVERIFY(row.ai.mostCritical->meaning.size() <= kMaxNameChars);
        QVERIFY(row.ai.mostCritical->label.size() <= kMaxNameChars);
        QCOMPARE(row.ai.mostCritical->scheme, QString::fromStdString(injection));
        const auto readings = db->readingsOf(QStringLiteral("1.2.3.5"));
        QVERIFY(readings && readings->size() == 1);
        QVERIFY(readings->front().reader.size() <= kMaxNameChars);
        QVERIFY(readings->front().reader.startsWith(QString::fromStdString(injection)));
    }

    void severalDatabasesLiveInOneProcessAndOnWorkers() {
        auto a = openOrFail(dbPath(QStringLiteral("multi-a")));
        auto b = openOrFail(dbPath(QStringLiteral("multi-b")));
        QVERIFY(a && b);
        QVERIFY(a->indexStudies(syntheticIndex("1.2.826.0.1.3680043.10.4.1", "A", "A")));
        QVERIFY(b->indexStudies(syntheticIndex("1.2.826.0.1.3680043.10.4.2", "B", "B")));
        QString workerError;
        std::size_t workerRows = 0;
        const QString workerPath = dbPath(QStringLiteral("multi-a"));
        std::thread worker([&] {
            auto db = Database::open(workerPath);
            if (!db) {
                workerError = db.error().message;
                return;
            }
            workerRows = (*db)->studies()->size();
        });
        worker.join();
        QVERIFY2(workerError.isEmpty(), qPrintable(workerError));
        QCOMPARE(workerRows, std::size_t{1});
        QCOMPARE(rowsOf(*a).at(0).patientName, QStringLiteral("A"));
        QCOMPARE(rowsOf(*b).at(0).patientName, QStringLiteral("B"));
    }
};

QTEST_GUILESS_MAIN(TestWorklistDb)
#include "tst_worklist_db.moc"
