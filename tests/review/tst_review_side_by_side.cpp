// The category table (review/categories.h) and the side-by-side rows of one study (review/side_by_side.h):
// every statement code has a category, unknown codes none; matching by category on the demo study; an
// untrusted finding is never counted.
#include <veridicor/reading/reading.h>
#include <veridicor/reading/statement_codes.h>
#include <veridicor/review/agreement.h>
#include <veridicor/review/categories.h>
#include <veridicor/review/side_by_side.h>

#include <QtTest>

#include <fstream>
#include <set>
#include <sstream>

using namespace veridicor;
using namespace veridicor::review;

namespace {

std::string sourceFile(const std::string& relative) {
    std::ifstream in(std::string(VERIDICOR_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

AiFinding trusted(const std::string& id, const std::string& value) {
    return AiFinding{id, verify::CodedConcept{"SCT", value, ""}, true, ""};
}

reading::CodedStatement stated(const std::string& value) { return reading::CodedStatement{"SCT", value, ""}; }

const Row& rowOf(const SideBySide& s, Category c) {
    const Row* r = s.row(c);
    if (r == nullptr) {
        qFatal("no row for %s", std::string(categoryName(c)).c_str());
    }
    return *r;
}

} // namespace

class TstReviewSideBySide : public QObject {
    Q_OBJECT

private slots:
    void everyStatementCodeHasItsGroupsCategory() {
        // The groups of reading/ map one to one onto categories (wall motion → regional wall motion).
        const std::map<reading::StatementGroup, Category> expected{
            {reading::StatementGroup::EcgOverall, Category::EcgOverall},
            {reading::StatementGroup::EcgRhythm, Category::EcgRhythm},
            {reading::StatementGroup::EcgConduction, Category::EcgConduction},
            {reading::StatementGroup::EcgAxis, Category::EcgAxis},
            {reading::StatementGroup::EcgHypertrophy, Category::EcgHypertrophy},
            {reading::StatementGroup::EcgIschaemia, Category::EcgIschaemia},
            {reading::StatementGroup::EcgRepolarisation, Category::EcgRepolarisation},
            {reading::StatementGroup::EchoLvFunction, Category::EchoLvSystolicFunction},
            {reading::StatementGroup::EchoWallMotion, Category::EchoRegionalWallMotion},
        };
        QVERIFY(!reading::statementCodes().empty());
        for (const auto& s : reading::statementCodes()) {
            const auto c = categoryOf("SCT", s.sctId);
            QVERIFY2(c.has_value(), std::string(s.sctId).c_str());
            QCOMPARE(*c, expected.at(s.group));
        }
    }

    void tableIsConsistent() {
        std::set<std::string_view> seen;
        for (const auto& e : categoryTable()) {
            QVERIFY2(seen.insert(e.sctId).second, "a code is in the table twice");
            QVERIFY(!e.source.empty());
            if (!e.refines.empty()) {
                const CategoryEntry* parent = findCategoryEntry(e.refines);
                QVERIFY2(parent != nullptr, std::string(e.sctId).c_str());
                QCOMPARE(parent->category, e.category);
                QVERIFY(compatibleCodes(e.sctId, e.refines));
                QVERIFY(compatibleCodes(e.refines, e.sctId));
            }
            if (!e.implies.empty()) {
                const CategoryEntry* implied = findCategoryEntry(e.implies);
                QVERIFY2(implied != nullptr, std::string(e.sctId).c_str());
                QVERIFY(implied->category != e.category);
            }
        }
        // The territory is kept where the code names it.
        QCOMPARE(findCategoryEntry("426434006")->territory, Territory::Anterior);
        QCOMPARE(findCategoryEntry("425419005")->territory, Territory::Inferior);
        QCOMPARE(findCategoryEntry("425623009")->territory, Territory::Lateral);
        QCOMPARE(findCategoryEntry("164865005")->territory, Territory::Unspecified);
    }

    void aiCodesOfTheRepository() {
        // The demo study's AI finding (resources/demo/findings/make_demo_findings.cpp) and the verify/ tests'.
        QVERIFY(sourceFile("resources/demo/findings/make_demo_findings.cpp").find("\"401303003\"") !=
                std::string::npos);
        QCOMPARE(categoryOf("SCT", "401303003"), std::optional(Category::EcgIschaemia));
        QCOMPARE(categoryOf("SCT", "37706002"), std::optional(Category::EchoRegionalWallMotion));
        QCOMPARE(categoryOf("SCT", "426783006"), std::optional(Category::EcgRhythm));
        // Pericardial effusion (an echo finding of the tests) is no category of this table: none, not guessed.
        QVERIFY(!categoryOf("SCT", "373945007").has_value());
        // Another scheme never maps, whatever its value.
        QVERIFY(!categoryOf("LN", "401303003").has_value());
    }

    void compatibility() {
        QVERIFY(compatibleCodes("401303003", "164865005"));  // acute STEMI → acute MI → MI
        QVERIFY(compatibleCodes("371870001", "37706002"));   // severe hypokinesis, hypokinesis
        QVERIFY(!compatibleCodes("371870001", "371868005")); // severe, mild: siblings, not compatible
        QVERIFY(!compatibleCodes("54329005", "164867002"));  // anterior MI, old MI
        QVERIFY(!compatibleCodes("164889003", "164890007")); // AF, flutter
        QVERIFY(!compatibleCodes("373945007", "373945007")); // unknown to the table
    }

    // The demo study: AI "Acute ST segment elevation myocardial infarction" (trusted), the demo reading
    // (resources/demo/reading/demo_reading.json): Sinus rhythm, ST elevation.
    void demoStudy() {
        const auto demo = reading::parseReadingJson(sourceFile("resources/demo/reading/demo_reading.json"));
        QVERIFY(demo.hasValue());
        StudyInput in;
        in.domain = Domain::Ecg;
        in.ai = {trusted("f1", "401303003")};
        in.clinician = demo->statements;
        const SideBySide s = sideBySide(in);

        QCOMPARE(s.rows.front().category, Category::EcgOverall);
        QCOMPARE(s.rows.size(), std::size_t{7}); // overall + six ECG categories, no echo row
        QVERIFY(s.notCounted.empty());
        QVERIFY(s.uncategorised.empty());

        const Row& isch = rowOf(s, Category::EcgIschaemia);
        QCOMPARE(isch.state, RowState::AiOnly);
        QCOMPARE(isch.ai.size(), std::size_t{1});
        QCOMPARE(isch.ai[0].findingId, std::string("f1"));
        QVERIFY(isch.clinician.empty());

        // STEMI implies ST elevation: the clinician's ST elevation agrees with it.
        const Row& repol = rowOf(s, Category::EcgRepolarisation);
        QCOMPARE(repol.state, RowState::Agree);
        QVERIFY(repol.aiPositive && repol.clinicianPositive);
        QVERIFY(repol.ai[0].implied);
        QCOMPARE(repol.ai[0].impliedBy, std::string("401303003"));

        // Sinus rhythm is a normal statement: both negative.
        const Row& rhythm = rowOf(s, Category::EcgRhythm);
        QCOMPARE(rhythm.state, RowState::Agree);
        QVERIFY(!rhythm.aiPositive && !rhythm.clinicianPositive);
        QCOMPARE(rhythm.clinician.size(), std::size_t{1});

        const Row& overall = rowOf(s, Category::EcgOverall);
        QVERIFY(overall.aiPositive && overall.clinicianPositive);
        QCOMPARE(overall.state, RowState::Agree);
        QVERIFY(overall.note.empty());

        // Into the 2×2 tables: one per category.
        AgreementGroups g;
        g.addStudy("ecg-stemi", "1.0", "Ada", s);
        QCOMPARE(g.groups().size(), std::size_t{7});
        QCOMPARE(g.groups().at(GroupKey{"ecg-stemi", "1.0", Category::EcgIschaemia, "Ada"}).table,
                 (Table{0, 1, 0, 0}));
        QCOMPARE(g.groups().at(GroupKey{"ecg-stemi", "1.0", Category::EcgRepolarisation, "Ada"}).table,
                 (Table{1, 0, 0, 0}));
        QCOMPARE(g.groups().at(GroupKey{"ecg-stemi", "1.0", Category::EcgAxis, "Ada"}).table, (Table{0, 0, 0, 1}));
    }

    void untrustedFindingIsNeverCounted() {
        StudyInput in;
        in.domain = Domain::Ecg;
        AiFinding bad = trusted("f2", "164889003"); // atrial fibrillation
        bad.trusted = false;
        bad.reason = "BAD_SIGNATURE";
        in.ai = {bad};
        in.clinician = {stated("164889003")};
        const SideBySide s = sideBySide(in);
        QCOMPARE(s.notCounted.size(), std::size_t{1});
        QCOMPARE(s.notCounted[0].findingId, std::string("f2"));
        QVERIFY(s.notCounted[0].reason.find("not counted: not verified") == 0);
        QVERIFY(s.notCounted[0].reason.find("BAD_SIGNATURE") != std::string::npos);
        // Same code as the clinician's, yet the row has the clinician alone.
        const Row& rhythm = rowOf(s, Category::EcgRhythm);
        QCOMPARE(rhythm.state, RowState::ClinicianOnly);
        QVERIFY(rhythm.ai.empty());
        QVERIFY(!rhythm.aiPositive);
        for (const Row& r : s.rows) {
            QVERIFY(r.ai.empty());
        }
    }

    void disagreeAndCompatible() {
        StudyInput in;
        in.domain = Domain::Ecg;
        in.ai = {trusted("a", "164889003"), trusted("b", "426434006"), trusted("c", "713427006")};
        in.clinician = {stated("164890007"), stated("425419005"), stated("59118001")};
        const SideBySide s = sideBySide(in);
        QCOMPARE(rowOf(s, Category::EcgRhythm).state, RowState::Disagree);    // AF vs flutter
        QCOMPARE(rowOf(s, Category::EcgIschaemia).state, RowState::Disagree); // anterior vs inferior
        QCOMPARE(rowOf(s, Category::EcgIschaemia).ai[0].territory, Territory::Anterior);
        QCOMPARE(rowOf(s, Category::EcgConduction).state, RowState::Agree);   // complete RBBB vs RBBB
        QCOMPARE(rowOf(s, Category::EcgAxis).state, RowState::Agree);         // neither
        QVERIFY(!rowOf(s, Category::EcgAxis).aiPositive);

        // An extra code on one side in a category both call abnormal is a disagreement.
        StudyInput more;
        more.ai = {trusted("a", "164873001")};
        more.clinician = {stated("164873001"), stated("67741000119109")};
        QCOMPARE(rowOf(sideBySide(more), Category::EcgHypertrophy).state, RowState::Disagree);
        AgreementGroups g;
        g.addStudy("m", "1", "r", sideBySide(more));
        const Group& hyp = g.groups().at(GroupKey{"m", "1", Category::EcgHypertrophy, "r"});
        QCOMPARE(hyp.table, (Table{1, 0, 0, 0}));
        QCOMPARE(hyp.disagreements, std::uint64_t{1});
    }

    void normalEcg() {
        // Clinician: Normal ECG; AI: LVH → the AI alone is positive, in hypertrophy and overall.
        StudyInput in;
        in.ai = {trusted("a", "164873001")};
        in.clinician = {stated("164854000")};
        const SideBySide s = sideBySide(in);
        QCOMPARE(rowOf(s, Category::EcgHypertrophy).state, RowState::AiOnly);
        QCOMPARE(rowOf(s, Category::EcgOverall).state, RowState::AiOnly);
        QVERIFY(!rowOf(s, Category::EcgOverall).clinicianPositive);
        QVERIFY(rowOf(s, Category::EcgOverall).note.empty());

        // Normal ECG together with an abnormal statement: the abnormal one counts, and a note says so.
        StudyInput both;
        both.clinician = {stated("164854000"), stated("39732003")};
        const SideBySide b = sideBySide(both);
        QCOMPARE(rowOf(b, Category::EcgAxis).state, RowState::ClinicianOnly);
        QVERIFY(rowOf(b, Category::EcgOverall).clinicianPositive);
        QVERIFY(rowOf(b, Category::EcgOverall).note.find("clinician: Normal ECG") != std::string::npos);

        // Abnormal ECG (no category beyond overall) against Normal ECG.
        StudyInput ab;
        ab.ai = {trusted("a", "102594003")};
        ab.clinician = {stated("164854000")};
        QCOMPARE(rowOf(sideBySide(ab), Category::EcgOverall).state, RowState::AiOnly);
    }

    void unknownCodesListedApart() {
        StudyInput in;
        in.domain = Domain::Echo;
        in.ai = {trusted("e1", "373945007"), AiFinding{"e2", verify::CodedConcept{"LN", "18043-0", "x"}, true, ""},
                 trusted("e3", "371869002")};
        in.clinician = {stated("37706002"), stated("164889003")}; // hypokinesis; AF is no echo category
        const SideBySide s = sideBySide(in);
        QCOMPARE(s.uncategorised.size(), std::size_t{3});
        QCOMPARE(s.uncategorised[0].value, std::string("373945007"));
        QCOMPARE(s.uncategorised[1].scheme, std::string("LN"));
        QCOMPARE(s.uncategorised[2].side, Side::Clinician);
        // Only echo categories with codes in the table have rows: LV systolic function, regional wall motion
        // (EF class has none yet).
        QCOMPARE(s.rows.size(), std::size_t{2});
        QCOMPARE(s.rows[0].category, Category::EchoLvSystolicFunction);
        QCOMPARE(s.rows[1].category, Category::EchoRegionalWallMotion);
        QCOMPARE(s.rows[1].state, RowState::Agree); // moderate hypokinesis refines hypokinesis
        QVERIFY(!categoryHasCodes(Category::EchoEfClass));
    }

    void echoLvFunction() {
        // AI: depressed LV systolic function; clinician: impaired LV function (compatible: it refines it) and
        // "Normal LV systolic function and wall motion" on another study, which implies normal wall motion.
        StudyInput in;
        in.domain = Domain::Echo;
        in.ai = {trusted("e1", "371862006"), trusted("e2", "37706002")};
        in.clinician = {stated("275514001")};
        const SideBySide s = sideBySide(in);
        QCOMPARE(rowOf(s, Category::EchoLvSystolicFunction).state, RowState::Agree);
        QVERIFY(rowOf(s, Category::EchoLvSystolicFunction).clinicianPositive);
        QCOMPARE(rowOf(s, Category::EchoRegionalWallMotion).state, RowState::AiOnly);

        StudyInput normal;
        normal.domain = Domain::Echo;
        normal.ai = {trusted("e1", "371862006")};
        normal.clinician = {stated("371857005")};
        const SideBySide n = sideBySide(normal);
        QCOMPARE(rowOf(n, Category::EchoLvSystolicFunction).state, RowState::AiOnly);
        const Row& wall = rowOf(n, Category::EchoRegionalWallMotion);
        QCOMPARE(wall.clinician.size(), std::size_t{1});
        QVERIFY(wall.clinician[0].implied && wall.clinician[0].normal);
        QVERIFY(!wall.clinicianPositive);
    }
};

QTEST_GUILESS_MAIN(TstReviewSideBySide)
#include "tst_review_side_by_side.moc"
