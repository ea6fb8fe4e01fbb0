// The worklist database's review rows (schema version 2): recordReview() replaces by reading and model,
// reviewSet() gives each study's latest reading once and filters by date and study, and the agreement
// tables built from the rows equal those review::addReviewedStudy() builds from the studies themselves. A
// version 1 database is moved aside and rebuilt with the new table.
#include <veridicor/review/agreement.h>
#include <veridicor/review/reviewed_study.h>
#include <veridicor/worklist/database.h>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace veridicor;
using review::Category;
using worklist::Database;

namespace {

/// The tables SQLite counts equal those built from the rows.
bool sameGroups(const review::AgreementGroups& a, const review::AgreementGroups& b) {
    if (a.groups().size() != b.groups().size()) {
        return false;
    }
    for (const auto& [key, g] : a.groups()) {
        const auto it = b.groups().find(key);
        if (it == b.groups().end() || !(it->second.table == g.table) || it->second.disagreements != g.disagreements) {
            return false;
        }
    }
    return true;
}

review::Row row(Category c, bool ai, bool clinician, review::RowState state) {
    review::Row r;
    r.category = c;
    r.aiPositive = ai;
    r.clinicianPositive = clinician;
    r.state = state;
    return r;
}

review::ReviewedStudy reviewed(const std::string& study, const std::string& reading, std::int64_t time,
                               const std::string& version = "2.1.0") {
    review::ReviewedStudy s;
    s.studyUid = study;
    s.readingUid = reading;
    s.readingTime = time;
    s.modelName = "ecg-omi-detector";
    s.modelVersion = version;
    s.reader = "Ada Reader";
    s.sideBySide.rows = {row(Category::EcgIschaemia, true, false, review::RowState::AiOnly),
                         row(Category::EcgRhythm, true, true, review::RowState::Disagree),
                         row(Category::EcgAxis, false, false, review::RowState::Agree)};
    return s;
}

} // namespace

class TstWorklistReviews : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    std::unique_ptr<Database> open(const QString& name) {
        auto db = Database::open(m_tmp.filePath(name));
        if (!db) {
            qWarning("%s", qPrintable(db.error().message));
            return nullptr;
        }
        return std::move(*db);
    }

private slots:
    void rowsAreStoredAndReadBack() {
        auto db = open(QStringLiteral("rows.sqlite"));
        QVERIFY(db);
        review::ReviewedStudy s = reviewed("1.2.3.1", "1.2.3.1.9", 1796119200);
        s.adjudicated = {review::AdjudicatedLabel{Category::EcgIschaemia, true, "confirmed"}};
        QVERIFY(db->recordReview(s));
        auto rows = db->reviewSet();
        QVERIFY(rows);
        QCOMPARE(rows->size(), std::size_t{3});
        // Ordered by study, model, version, category id: "axis" < "ischaemia" < "rhythm".
        const worklist::ReviewRow& axis = (*rows)[0];
        QCOMPARE(axis.category, Category::EcgAxis);
        QCOMPARE(axis.readingUid, QStringLiteral("1.2.3.1.9"));
        QCOMPARE(axis.studyUid, QStringLiteral("1.2.3.1"));
        QCOMPARE(axis.modelName, QStringLiteral("ecg-omi-detector"));
        QCOMPARE(axis.modelVersion, QStringLiteral("2.1.0"));
        QCOMPARE(axis.reader, QStringLiteral("Ada Reader"));
        QCOMPARE(axis.readingTime, std::int64_t{1796119200});
        QVERIFY(!axis.aiPositive && !axis.clinicianPositive && !axis.adjudicated && !axis.disagree);
        const worklist::ReviewRow& isch = (*rows)[1];
        QCOMPARE(isch.category, Category::EcgIschaemia);
        QVERIFY(isch.aiPositive && !isch.clinicianPositive);
        QCOMPARE(isch.adjudicated, std::optional<bool>(true));
        const worklist::ReviewRow& rhythm = (*rows)[2];
        QCOMPARE(rhythm.category, Category::EcgRhythm);
        QVERIFY(rhythm.disagree && !rhythm.adjudicated);

        // The tables from the rows are those addReviewedStudy builds from the study.
        review::AgreementGroups direct;
        review::addReviewedStudy(direct, s);
        const review::AgreementGroups fromRows = worklist::agreementGroupsOf(*rows);
        QCOMPARE(fromRows.groups().size(), direct.groups().size());
        for (const auto& [key, g] : direct.groups()) {
            QVERIFY(fromRows.groups().count(key) == 1);
            QCOMPARE(fromRows.groups().at(key).table, g.table);
            QCOMPARE(fromRows.groups().at(key).disagreements, g.disagreements);
        }
        const review::GroupKey ik{"ecg-omi-detector", "2.1.0", Category::EcgIschaemia, "Ada Reader"};
        QCOMPARE(fromRows.groups().at(ik).table, (review::Table{1, 0, 0, 0})); // adjudicated: tp, not fp
        auto counted = db->agreementGroups();
        QVERIFY(counted);
        QVERIFY(sameGroups(*counted, direct));
    }

    void replacedByReadingAndModel() {
        auto db = open(QStringLiteral("replace.sqlite"));
        QVERIFY(db);
        review::ReviewedStudy s = reviewed("1.2.3.2", "1.2.3.2.9", 100);
        QVERIFY(db->recordReview(s));
        // The same reading and model again, now with one row: the three rows are replaced.
        s.sideBySide.rows = {row(Category::EcgIschaemia, false, false, review::RowState::Agree)};
        QVERIFY(db->recordReview(s));
        QCOMPARE(db->reviewSet()->size(), std::size_t{1});
        // Another version of the model is another set of rows.
        QVERIFY(db->recordReview(reviewed("1.2.3.2", "1.2.3.2.9", 100, "2.2.0")));
        QCOMPARE(db->reviewSet()->size(), std::size_t{4});
    }

    void latestReadingOfAStudyCountsOnce() {
        auto db = open(QStringLiteral("amend.sqlite"));
        QVERIFY(db);
        QVERIFY(db->recordReview(reviewed("1.2.3.3", "1.2.3.3.1", 1000)));
        review::ReviewedStudy amended = reviewed("1.2.3.3", "1.2.3.3.2", 2000);
        amended.sideBySide.rows = {row(Category::EcgIschaemia, true, true, review::RowState::Agree),
                                   row(Category::EcgRhythm, false, false, review::RowState::Agree),
                                   row(Category::EcgAxis, false, false, review::RowState::Agree)};
        QVERIFY(db->recordReview(amended));
        auto rows = db->reviewSet();
        QVERIFY(rows);
        QCOMPARE(rows->size(), std::size_t{3});
        for (const auto& r : *rows) {
            QCOMPARE(r.readingUid, QStringLiteral("1.2.3.3.2"));
        }
        // Counted by SQLite: the amended reading's rows only (ischaemia tp, not the first reading's fp).
        const review::GroupKey ik{"ecg-omi-detector", "2.1.0", Category::EcgIschaemia, "Ada Reader"};
        QCOMPARE(db->agreementGroups()->groups().at(ik).table, (review::Table{1, 0, 0, 0}));
    }

    void filteredByDateAndStudy() {
        auto db = open(QStringLiteral("filter.sqlite"));
        QVERIFY(db);
        QVERIFY(db->recordReview(reviewed("1.2.3.4", "1.2.3.4.9", 1000)));
        QVERIFY(db->recordReview(reviewed("1.2.3.5", "1.2.3.5.9", 2000)));
        QVERIFY(db->recordReview(reviewed("1.2.3.6", "1.2.3.6.9", 3000)));
        worklist::ReviewFilter f;
        f.from = 2000;
        QCOMPARE(db->reviewSet(f)->size(), std::size_t{6});
        f.to = 2000;
        QCOMPARE(db->reviewSet(f)->size(), std::size_t{3});
        QCOMPARE(db->reviewSet(f)->front().studyUid, QStringLiteral("1.2.3.5"));
        worklist::ReviewFilter byStudy;
        byStudy.studyUids = {QStringLiteral("1.2.3.4"), QStringLiteral("1.2.3.6")};
        QCOMPARE(db->reviewSet(byStudy)->size(), std::size_t{6});
        byStudy.from = 2500;
        QCOMPARE(db->reviewSet(byStudy)->size(), std::size_t{3});
        QVERIFY(sameGroups(*db->agreementGroups(byStudy), worklist::agreementGroupsOf(*db->reviewSet(byStudy))));
        QVERIFY(sameGroups(*db->agreementGroups(f), worklist::agreementGroupsOf(*db->reviewSet(f))));
        worklist::ReviewFilter tooMany;
        tooMany.studyUids.assign(worklist::kMaxReviewFilterStudies + 1, QStringLiteral("1.2"));
        auto refused = db->reviewSet(tooMany);
        QVERIFY(!refused);
        QVERIFY(!db->agreementGroups(tooMany));
        QCOMPARE(refused.error().code, worklist::ErrorCode::InvalidArgument);
    }

    void badInputIsRefused() {
        auto db = open(QStringLiteral("bad.sqlite"));
        QVERIFY(db);
        review::ReviewedStudy s = reviewed("1.2.3.7", "1.2.3'); DROP TABLE reviews;--", 1);
        auto r = db->recordReview(s);
        QVERIFY(!r);
        QCOMPARE(r.error().code, worklist::ErrorCode::InvalidArgument);
        s = reviewed("1.2.3.7", "1.2.3.7.9", 1);
        s.modelName.clear();
        QVERIFY(!db->recordReview(s));
        QVERIFY(db->reviewSet()->empty());
    }

    void manyInOneTransactionAllOrNone() {
        auto db = open(QStringLiteral("batch.sqlite"));
        QVERIFY(db);
        std::vector<review::ReviewedStudy> batch{reviewed("1.2.3.9", "1.2.3.9.1", 10),
                                                 reviewed("1.2.3.10", "1.2.3.10.1", 20)};
        QVERIFY(db->recordReviews(batch));
        QCOMPARE(db->reviewSet()->size(), std::size_t{6});
        batch.push_back(reviewed("1.2.3.11", "not a UID", 30));
        batch[0].sideBySide.rows.pop_back();
        QVERIFY(!db->recordReviews(batch));
        QCOMPARE(db->reviewSet()->size(), std::size_t{6}); // nothing of the refused batch was stored
    }

    void aVersionOneDatabaseIsMovedAsideAndRebuilt() {
        const QString path = m_tmp.filePath(QStringLiteral("v1.sqlite"));
        {
            QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1-maker"));
            raw.setDatabaseName(path);
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE files (path TEXT PRIMARY KEY NOT NULL, size INTEGER NOT NULL, "
                                          "mtime INTEGER NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 1")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1-maker"));
        auto db = Database::open(path);
        QVERIFY(db);
        QCOMPARE((*db)->openReport().outcome, worklist::OpenOutcome::Rebuilt);
        QVERIFY2((*db)->openReport().message.contains(QStringLiteral("schema version 1")),
                 qPrintable((*db)->openReport().message));
        QVERIFY(QFileInfo::exists((*db)->openReport().movedAsideTo));
        QVERIFY((*db)->recordReview(reviewed("1.2.3.8", "1.2.3.8.9", 1)));
        QCOMPARE((*db)->reviewSet()->size(), std::size_t{3});
    }
};

QTEST_GUILESS_MAIN(TstWorklistReviews)
#include "tst_worklist_reviews.moc"
