// The worklist's AI summary, severity table and item models: only trusted findings raise a study (an
// untrusted STEMI-coded finding never does), sorting by typed values, the filters, the severity-first order and
// the "next unread" / "previous" moves, on rows made by hand and on rows read back from a database.
#include <veridicor/dicom/study_index.h>
#include <veridicor/verify/verdict.h>
#include <veridicor/worklist/ai_summary.h>
#include <veridicor/worklist/database.h>
#include <veridicor/worklist/severity.h>
#include <veridicor/worklist/worklist_model.h>

#include <QTemporaryDir>
#include <QSignalSpy>
#include <QtTest>

#include <set>

using namespace veridicor;
using worklist::ReadingStatus;
using worklist::StudyRow;
using worklist::WorklistFilter;
using worklist::WorklistModel;

namespace {

verify::Finding finding(const char* value, const char* meaning) {
    verify::Finding f;
    f.id = value;
    f.code = verify::CodedConcept{"SCT", value, meaning};
    return f;
}

const verify::Finding kStemi = finding("401303003", "Acute ST segment elevation myocardial infarction");
const verify::Finding kAf = finding("49436004", "Atrial fibrillation");
const verify::Finding kLongQt = finding("111975006", "Prolonged QT interval");

verify::Verdict verdict(bool trusted, std::vector<verify::Finding> findings) {
    verify::Verdict v;
    v.trust = trusted ? verify::Trust::Trusted : verify::Trust::Untrusted;
    if (!trusted) {
        v.reasons = {verify::Reason::DataMismatch};
    }
    // An untrusted verdict may still be authenticated (its data changed after signing): its statement is there,
    // and must still not count.
    v.authenticated = true;
    verify::FindingStatement statement;
    statement.findings = std::move(findings);
    v.statement = std::move(statement);
    return v;
}

StudyRow row(const char* uid, const char* name, const char* id, const char* modality, const QDateTime& acquired,
             worklist::AiSummary ai = {}, ReadingStatus status = ReadingStatus::Unread) {
    StudyRow r;
    r.studyUid = QString::fromLatin1(uid);
    r.patientName = QString::fromUtf8(name);
    r.patientId = QString::fromLatin1(id);
    r.modality = QString::fromLatin1(modality);
    r.acquired = acquired;
    r.ai = std::move(ai);
    r.status = status;
    r.instances = 1;
    return r;
}

QDateTime at(int day, int hour) {
    return {QDate(2025, 3, day), QTime(hour, 0), Qt::UTC};
}

QStringList uids(std::initializer_list<const char*> list) {
    QStringList out;
    for (const char* uid : list) {
        out << QString::fromLatin1(uid);
    }
    return out;
}

QStringList uidsInOrder(const QAbstractItemModel& model) {
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r) {
        out << model.data(model.index(r, 0), WorklistModel::StudyUidRole).toString();
    }
    return out;
}

} // namespace

class TestWorklistModel : public QObject {
    Q_OBJECT

    /// Five studies: a trusted STEMI, an untrusted (quarantined) STEMI-coded bundle, a trusted AF, one trusted
    /// long QT, one without AI; different times and statuses.
    static std::vector<StudyRow> sampleRows() {
        return {
            row("1.1", "Zeta, Anna", "P100", "ECG", at(3, 9), worklist::summarizeVerdicts({verdict(true, {kAf, kStemi})})),
            row("1.2", "Alpha, Bob", "P200", "ECG", at(1, 9), worklist::summarizeVerdicts({verdict(false, {kStemi})}),
                ReadingStatus::Signed),
            row("1.3", "Müller, Jörg", "X300", "US", at(2, 9), worklist::summarizeVerdicts({verdict(true, {kAf})})),
            row("1.4", "Beta, Carl", "P400", "ECG/US", at(4, 9), worklist::summarizeVerdicts({verdict(true, {kLongQt})}),
                ReadingStatus::Preliminary),
            row("1.5", "Gamma, Dora", "P500", "ECG", at(1, 8)),
        };
    }

private slots:
    void onlyTrustedFindingsCount() {
        const auto summary = worklist::summarizeVerdicts({verdict(false, {kStemi}), verdict(true, {kAf}),
                                                          verdict(true, {kLongQt}), verdict(false, {kStemi})});
        QCOMPARE(summary.trusted, 2);
        QCOMPARE(summary.quarantined, 2);
        QVERIFY(summary.mostCritical);
        QCOMPARE(summary.mostCritical->value, QStringLiteral("111975006"));
        QCOMPARE(summary.mostCritical->label, QStringLiteral("Prolonged QT"));

        const auto untrustedOnly = worklist::summarizeVerdicts({verdict(false, {kStemi})});
        QCOMPARE(untrustedOnly.quarantined, 1);
        QVERIFY(!untrustedOnly.mostCritical);
        QCOMPARE(untrustedOnly.rank(), worklist::kNoFindingRank);
        QCOMPARE(worklist::summaryText(untrustedOnly), QStringLiteral("1 quarantined"));
    }

    void summaryText() {
        const auto summary = worklist::summarizeVerdicts({verdict(true, {kAf}), verdict(true, {kStemi}), verdict(false, {})});
        QCOMPARE(worklist::summaryText(summary), QStringLiteral("2 verified · 1 quarantined — Acute STEMI"));
        QCOMPARE(worklist::summaryText({}), QString());
        const auto unlisted = worklist::summarizeVerdicts({verdict(true, {finding("123456789", "Something rare")})});
        QCOMPARE(unlisted.rank(), worklist::kUnlistedFindingRank);
        QCOMPARE(worklist::summaryText(unlisted), QStringLiteral("1 verified — Something rare"));
    }

    void severityTableOrdersTheIssuesConditions() {
        const auto rank = [](const char* value) { return worklist::severityOf({"SCT", value, ""}).rank; };
        QVERIFY(rank("401303003") > rank("27885002"));  // STEMI above complete AV block
        QCOMPARE(rank("703164000"), rank("401303003")); // territory STEMIs rank as STEMI
        QCOMPARE(rank("703213009"), rank("401303003"));
        QVERIFY(rank("27885002") > rank("28189009"));   // complete block above Mobitz II
        QVERIFY(rank("28189009") > rank("111975006"));  // high-grade block above long QT
        QVERIFY(rank("71908006") > rank("401303003"));  // VF (cardiac arrest) above everything
        QVERIFY(rank("401303003") > rank("25569003"));  // STEMI above VT
        QVERIFY(rank("25569003") > rank("27885002"));   // VT above complete block
        QVERIFY(rank("111975006") > rank("164931005")); // long QT above ST elevation not coded as infarction
        QVERIFY(rank("25569003") > rank("49436004"));   // VT above AF
        QVERIFY(rank("49436004") > worklist::kUnlistedFindingRank);
        QCOMPARE(worklist::severityOf({"LN", "401303003", "x"}).rank, worklist::kUnlistedFindingRank); // scheme counts
        std::set<std::string_view> codes;
        int last = 1000;
        for (const auto& e : worklist::severityTable()) {
            QVERIFY2(codes.insert(e.value).second, "a code is listed twice");
            QVERIFY(e.rank <= last && e.rank > worklist::kUnlistedFindingRank);
            last = e.rank;
        }
    }

    void displayAndSortRoles() {
        WorklistModel model;
        model.setRows(sampleRows());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), static_cast<int>(WorklistModel::ColumnCount));
        const QModelIndex first = model.index(0, WorklistModel::AiFindings);
        QCOMPARE(model.data(first).toString(), QStringLiteral("1 verified — Acute STEMI"));
        QCOMPARE(model.data(first, WorklistModel::SortRole).toInt(), worklist::severityOf({"SCT", "401303003", ""}).rank);
        QCOMPARE(model.data(model.index(0, WorklistModel::Acquired)).toString(), QStringLiteral("2025-03-03 09:00"));
        QCOMPARE(model.data(model.index(0, WorklistModel::Acquired), WorklistModel::SortRole).typeId(),
                 static_cast<int>(QMetaType::QDateTime));
        QCOMPARE(model.data(model.index(1, WorklistModel::Status)).toString(), QStringLiteral("Signed"));
        QCOMPARE(model.data(model.index(1, WorklistModel::AiFindings)).toString(), QStringLiteral("1 quarantined"));
        QCOMPARE(model.headerData(WorklistModel::Patient, Qt::Horizontal).toString(), QStringLiteral("Patient"));
        QCOMPARE(model.rowOf(QStringLiteral("1.4")), 3);
    }

    // Blind read: no study's AI column says anything of its findings until its reading was committed in the
    // session; the severity-first triage order is kept.
    void blindReadHidesTheAiColumnUntilRevealed() {
        WorklistModel model;
        model.setRows(sampleRows());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setAiHidden(true, {QStringLiteral("1.3")});
        QCOMPARE(changed.size(), 1);
        const QModelIndex stemi = model.index(0, WorklistModel::AiFindings);
        QCOMPARE(model.data(stemi).toString(), QStringLiteral("hidden (blind read)"));
        QCOMPARE(model.data(stemi, WorklistModel::SortRole).toInt(), 0);
        QVERIFY(model.data(stemi, WorklistModel::SeverityRankRole).toInt() > 0);
        QCOMPARE(model.data(model.index(2, WorklistModel::AiFindings)).toString(), QStringLiteral("1 verified — Atrial fibrillation"));
        QVERIFY(model.aiHiddenFor(QStringLiteral("1.1")));
        QVERIFY(!model.aiHiddenFor(QStringLiteral("1.3")));
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.setSeverityFirst(true);
        QCOMPARE(uidsInOrder(filter), uids({"1.1", "1.4", "1.3", "1.5", "1.2"}));
        model.setAiHidden(false, {});
        QCOMPARE(model.data(stemi).toString(), QStringLiteral("1 verified — Acute STEMI"));
    }

    void sortsByColumns() {
        WorklistModel model;
        model.setRows(sampleRows());
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.sort(WorklistModel::Acquired, Qt::AscendingOrder);
        QCOMPARE(uidsInOrder(filter), uids({"1.5", "1.2", "1.3", "1.1", "1.4"}));
        filter.sort(WorklistModel::Acquired, Qt::DescendingOrder);
        QCOMPARE(uidsInOrder(filter), uids({"1.4", "1.1", "1.3", "1.2", "1.5"}));
        filter.sort(WorklistModel::Patient, Qt::AscendingOrder);
        QCOMPARE(uidsInOrder(filter), uids({"1.2", "1.4", "1.5", "1.3", "1.1"}));
        filter.sort(WorklistModel::Status, Qt::AscendingOrder); // unread, preliminary, signed, amended
        QCOMPARE(uidsInOrder(filter), uids({"1.1", "1.3", "1.5", "1.4", "1.2"}));
    }

    void severityFirstPutsTrustedStemiBeforeUntrustedStemi() {
        WorklistModel model;
        model.setRows(sampleRows());
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.sort(WorklistModel::Patient, Qt::AscendingOrder);
        filter.setSeverityFirst(true);
        // Trusted STEMI, long QT, AF; then the quarantined STEMI-coded study ranks with the study without AI,
        // by acquisition time (earliest first).
        QCOMPARE(uidsInOrder(filter), uids({"1.1", "1.4", "1.3", "1.5", "1.2"}));
        filter.setSeverityFirst(false);
        QCOMPARE(uidsInOrder(filter), uids({"1.2", "1.4", "1.5", "1.3", "1.1"}));
    }

    void filters() {
        WorklistModel model;
        model.setRows(sampleRows());
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.sort(WorklistModel::Acquired, Qt::AscendingOrder);
        filter.setTextFilter(QStringLiteral("müller"));
        QCOMPARE(uidsInOrder(filter), uids({"1.3"}));
        filter.setTextFilter(QStringLiteral("p"));  // patient IDs P… (and names with a p)
        QCOMPARE(uidsInOrder(filter), uids({"1.5", "1.2", "1.1", "1.4"}));
        filter.setTextFilter(QString());
        filter.setStatusFilter(ReadingStatus::Unread);
        QCOMPARE(uidsInOrder(filter), uids({"1.5", "1.3", "1.1"}));
        filter.setModalityFilter(QStringLiteral("US"));
        QCOMPARE(uidsInOrder(filter), uids({"1.3"}));
        filter.setStatusFilter(std::nullopt);
        QCOMPARE(uidsInOrder(filter), uids({"1.3", "1.4"})); // "ECG/US" has US
        filter.setModalityFilter(QString());
        QCOMPARE(filter.rowCount(), 5);
    }

    void nextUnreadAndPrevious() {
        WorklistModel model;
        model.setRows(sampleRows());
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.setSeverityFirst(true); // 1.1 (unread), 1.4 (preliminary), 1.3 (unread), 1.5 (unread), 1.2 (signed)
        QCOMPARE(filter.nextUnread(-1), 0);
        QCOMPARE(filter.nextUnread(0), 2);
        QCOMPARE(filter.nextUnread(2), 3);
        QCOMPARE(filter.nextUnread(3), -1);
        QCOMPARE(filter.previous(3), 2);
        QCOMPARE(filter.previous(0), -1);
        QCOMPARE(filter.previous(99), -1);
        filter.setStatusFilter(ReadingStatus::Signed);
        QCOMPARE(filter.nextUnread(-1), -1);
    }

    void rowsFromTheDatabase() {
        QTemporaryDir dir;
        auto opened = worklist::Database::open(dir.filePath(QStringLiteral("worklist.sqlite")));
        QVERIFY(opened);
        auto& db = **opened;
        dicom::StudyIndex index;
        for (const char* uid : {"1.2.826.0.1.3680043.10.5.1", "1.2.826.0.1.3680043.10.5.2"}) {
            dicom::InstanceHeader instance;
            instance.path = std::string("/nonexistent/") + uid;
            instance.sopInstanceUID = std::string(uid) + ".1";
            instance.studyInstanceUID = uid;
            instance.modality = "ECG";
            dicom::StudyNode study;
            study.studyInstanceUID = uid;
            study.date = "20250101";
            study.series.push_back(dicom::SeriesNode{"", "ECG", "", 1, {instance}});
            index.patients.push_back(dicom::PatientNode{"P", "Pat", "", "", {study}});
        }
        QVERIFY(db.indexStudies(index));
        // The second study's bundle is quarantined although it names a STEMI; the first has a trusted AF.
        QVERIFY(db.setAiSummary(QStringLiteral("1.2.826.0.1.3680043.10.5.1"),
                                worklist::summarizeVerdicts({verdict(true, {kAf})})));
        QVERIFY(db.setAiSummary(QStringLiteral("1.2.826.0.1.3680043.10.5.2"),
                                worklist::summarizeVerdicts({verdict(false, {kStemi})})));
        WorklistModel model;
        QVERIFY(model.reload(db));
        WorklistFilter filter;
        filter.setSourceModel(&model);
        filter.sort(WorklistModel::Patient, Qt::DescendingOrder);
        filter.setSeverityFirst(true);
        QCOMPARE(uidsInOrder(filter),
                 uids({"1.2.826.0.1.3680043.10.5.1", "1.2.826.0.1.3680043.10.5.2"}));
        QCOMPARE(filter.data(filter.index(1, WorklistModel::AiFindings)).toString(), QStringLiteral("1 quarantined"));
    }
};

QTEST_GUILESS_MAIN(TestWorklistModel)
#include "tst_worklist_model.moc"
