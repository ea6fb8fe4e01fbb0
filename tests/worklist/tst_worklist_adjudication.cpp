// Adjudication in the worklist: a request recorded ("Send to adjudication"), answered by a verified
// adjudication, the study's state in its row, the "to adjudicate" filter and the "Adjudicated" status, and a
// database made before the adjudication table gaining it without losing its data.
#include "test_data.h"

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/worklist/database.h>
#include <veridicor/worklist/worklist_model.h>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace veridicor;
using namespace veridicor::worklist;

namespace {

const QString kStudy = QStringLiteral("1.2.826.0.1.3680043.10.1001.1");
const QString kReading = QStringLiteral("1.2.826.0.1.3680043.10.1001.50");
const QString kAdjudication = QStringLiteral("1.2.826.0.1.3680043.10.1001.60");

AdjudicationRequest request(const QString& study = kStudy, const QString& readingUid = kReading) {
    AdjudicationRequest r;
    r.studyUid = study;
    r.readingUid = readingUid;
    r.requestedBy = QStringLiteral("ada");
    r.requestedAt = QDateTime(QDate(2026, 12, 2), QTime(10, 0), Qt::UTC);
    r.categories = {QStringLiteral("rhythm"), QStringLiteral("repolarisation")};
    return r;
}

StudyRow row(const QString& uid, ReadingStatus status, AdjudicationState adjudication) {
    StudyRow r;
    r.studyUid = uid;
    r.patientName = uid;
    r.status = status;
    r.adjudication = adjudication;
    return r;
}

} // namespace

class TestWorklistAdjudication : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;

    std::unique_ptr<Database> open(const QString& name) {
        auto db = Database::open(m_tmp.filePath(name + QStringLiteral("/worklist.sqlite")));
        if (!db) {
            qWarning("%s", qPrintable(db.error().message));
            return nullptr;
        }
        return std::move(db).value();
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        QVERIFY(dicom::initializeDicom());
    }

    void requestThenAdjudication() {
        auto db = open(QStringLiteral("a"));
        QVERIFY(db);
        QVERIFY(!db->adjudicationOf(kStudy)->has_value());
        QVERIFY(db->requestAdjudication(request()).hasValue());
        auto open1 = db->adjudicationOf(kStudy);
        QVERIFY(open1 && open1->has_value());
        QVERIFY((*open1)->open());
        QCOMPARE((*open1)->readingUid, kReading);
        QCOMPARE((*open1)->categories, (QStringList{QStringLiteral("rhythm"), QStringLiteral("repolarisation")}));
        QCOMPARE((*open1)->requestedAt, request().requestedAt);
        // Asking again keeps the first request.
        AdjudicationRequest again = request();
        again.requestedBy = QStringLiteral("bob");
        QVERIFY(db->requestAdjudication(again).hasValue());
        QCOMPARE((*db->adjudicationOf(kStudy))->requestedBy, QStringLiteral("ada"));
        const QDateTime at(QDate(2026, 12, 2), QTime(11, 0), Qt::UTC);
        QVERIFY(db->recordAdjudication(kStudy, kReading, kAdjudication, QStringLiteral("Rsa Reader"), at,
                                       QStringLiteral("/x/adjudication.dcm"))
                    .hasValue());
        auto done = *db->adjudicationOf(kStudy);
        QVERIFY(!done->open());
        QCOMPARE(done->adjudicationUid, kAdjudication);
        QCOMPARE(done->adjudicator, QStringLiteral("Rsa Reader"));
        QCOMPARE(done->adjudicatedAt, at);
    }

    void badInputIsRefused() {
        auto db = open(QStringLiteral("b"));
        QVERIFY(db);
        QVERIFY(!db->requestAdjudication(request(QStringLiteral("not a uid"))).hasValue());
        AdjudicationRequest noTime = request();
        noTime.requestedAt = {};
        QVERIFY(!db->requestAdjudication(noTime).hasValue());
        AdjudicationRequest many = request();
        for (int i = 0; i < 17; ++i) {
            many.categories << QStringLiteral("c%1").arg(i);
        }
        QVERIFY(!db->requestAdjudication(many).hasValue());
        // No request: an adjudication cannot be recorded against nothing.
        auto none = db->recordAdjudication(kStudy, kReading, kAdjudication, QStringLiteral("x"),
                                           QDateTime::currentDateTimeUtc(), QStringLiteral("/x.dcm"));
        QVERIFY(!none.hasValue());
        QCOMPARE(none.error().code, ErrorCode::InvalidArgument);
    }

    void studyRowCarriesTheState() {
        const QString ecg = test::sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        if (ecg.isEmpty()) {
            QSKIP("shared data absent");
        }
        const QString dir = m_tmp.filePath(QStringLiteral("studies"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::copy(ecg, dir + QStringLiteral("/ecg.dcm")));
        auto db = open(QStringLiteral("c"));
        QVERIFY(db);
        QVERIFY(db->indexFolders({std::filesystem::path(dir.toStdString())}).hasValue());
        auto rows = db->studies();
        QVERIFY(rows && rows->size() == 1);
        const QString study = rows->front().studyUid;
        QCOMPARE(rows->front().adjudication, AdjudicationState::None);
        QVERIFY(db->requestAdjudication(request(study)).hasValue());
        QCOMPARE(db->studies()->front().adjudication, AdjudicationState::Requested);
        QVERIFY(db->recordAdjudication(study, kReading, kAdjudication, QStringLiteral("Rsa Reader"),
                                       QDateTime::currentDateTimeUtc(), QStringLiteral("/x.dcm"))
                    .hasValue());
        QCOMPARE(db->studies()->front().adjudication, AdjudicationState::Adjudicated);
    }

    void databaseWithoutTheTableGainsIt() {
        const QString path = m_tmp.filePath(QStringLiteral("d/worklist.sqlite"));
        {
            auto db = Database::open(path);
            QVERIFY(db);
        }
        {
            // As a database made before the table existed: schema version 1, no adjudications table.
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE adjudications")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("raw"));
        auto db = Database::open(path);
        QVERIFY(db);
        QCOMPARE((*db)->openReport().outcome, OpenOutcome::Opened); // kept, not rebuilt
        QVERIFY((*db)->requestAdjudication(request()).hasValue());
    }

    void filterAndStatus() {
        WorklistModel model;
        model.setRows({row(QStringLiteral("1.1"), ReadingStatus::Signed, AdjudicationState::Requested),
                       row(QStringLiteral("1.2"), ReadingStatus::Signed, AdjudicationState::None),
                       row(QStringLiteral("1.3"), ReadingStatus::Signed, AdjudicationState::Adjudicated)});
        QCOMPARE(model.data(model.index(0, WorklistModel::Status)).toString(), QStringLiteral("Signed · to adjudicate"));
        QCOMPARE(model.data(model.index(1, WorklistModel::Status)).toString(), QStringLiteral("Signed"));
        QCOMPARE(model.data(model.index(2, WorklistModel::Status)).toString(), QStringLiteral("Adjudicated"));
        WorklistFilter filter;
        filter.setSourceModel(&model);
        QCOMPARE(filter.rowCount(), 3);
        filter.setToAdjudicateOnly(true);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.data(filter.index(0, 0), WorklistModel::StudyUidRole).toString(), QStringLiteral("1.1"));
        filter.setToAdjudicateOnly(false);
        QCOMPARE(filter.rowCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestWorklistAdjudication)
#include "tst_worklist_adjudication.moc"
