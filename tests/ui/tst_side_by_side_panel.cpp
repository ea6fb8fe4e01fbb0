// The side-by-side panel (ui/src/side_by_side_panel.*) on a study like the demo one: the demo reading
// (resources/demo/reading/demo_reading.json: Sinus rhythm, ST elevation) against the demo's trusted AI finding
// (401303003 Acute STEMI, resources/demo/findings) and two untrusted bundles. Matching is by category; an
// untrusted finding never reaches a row (its codes are not even read), it is listed as not counted with its
// reasons; each state is written in words beside its colour.
#include "finding_session.h"
#include "side_by_side_panel.h"

#include <veridicor/reading/reading.h>
#include <veridicor/review/side_by_side.h>
#include <veridicor/verify/verdict.h>

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QTableWidget>
#include <QtTest>

#include <fstream>
#include <sstream>

using namespace veridicor;

namespace {

std::string sourceFile(const std::string& relative) {
    std::ifstream in(std::string(VERIDICOR_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A bundle entry as the findings session holds it after verification.
ui::FindingEntry entry(const QString& id, const std::string& code, const std::string& meaning, bool trusted) {
    ui::FindingEntry e;
    e.id = id;
    verify::Verdict v;
    v.authenticated = true;
    v.trust = trusted ? verify::Trust::Trusted : verify::Trust::Untrusted;
    if (!trusted) {
        v.reasons = {verify::Reason::CertExpired};
    }
    verify::FindingStatement st;
    st.model = verify::ModelRef{"ecg-stemi", "1.4.0", std::string(64, 'a')};
    verify::Finding f;
    f.id = "f1";
    f.code = verify::CodedConcept{"SCT", code, meaning};
    st.findings.push_back(f);
    v.statement = st;
    e.checked.verdict = v;
    e.displayed = trusted; // a trusted bundle's display was recorded; untrusted ones are not shown
    return e;
}

using Shown = ui::SideBySidePanel::ShownRow;

const Shown* rowOf(const ui::SideBySidePanel& panel, const QString& category) {
    for (const Shown& r : panel.rows()) {
        if (r.category == category) {
            return &r;
        }
    }
    return nullptr;
}

} // namespace

class TstSideBySidePanel : public QObject {
    Q_OBJECT

    std::vector<reading::CodedStatement> demoStatements;
    std::vector<ui::FindingEntry> entries;

private slots:
    void initTestCase() {
        auto demo = reading::parseReadingJson(sourceFile("resources/demo/reading/demo_reading.json"));
        QVERIFY(demo.hasValue());
        demoStatements = demo->statements;
        QCOMPARE(demoStatements.size(), std::size_t{2});
        entries.push_back(entry(QStringLiteral("demo.finding.json"), "401303003",
                                "Acute ST segment elevation myocardial infarction", true));
        // Untrusted: atrial fibrillation (would make the rhythm row disagree) and the clinician's own ST
        // elevation (would appear in the repolarisation row's AI cell).
        entries.push_back(entry(QStringLiteral("expired-af.finding.json"), "164889003", "Atrial fibrillation", false));
        entries.push_back(entry(QStringLiteral("expired-ste.finding.json"), "164931005", "ST elevation", false));
    }

    void matchingByCategory() {
        std::vector<const ui::FindingEntry*> list;
        for (const auto& e : entries) {
            list.push_back(&e);
        }
        QStringList notShown;
        const review::StudyInput in = ui::sideBySideInput(list, demoStatements, review::Domain::Ecg, &notShown);
        QVERIFY(notShown.isEmpty());
        const review::SideBySide s = review::sideBySide(in);
        ui::SideBySidePanel panel;
        panel.resize(1000, 400);
        panel.setSideBySide(s, QStringLiteral("Signed reading by Dr Demo (verified) against the verified AI findings "
                                              "of ecg-stemi 1.4.0"));
        const QTableWidget* t = panel.table();
        QCOMPARE(t->rowCount(), static_cast<int>(s.rows.size()));
        QCOMPARE(panel.rows().size(), s.rows.size());
        // The demo's rows (review/README.md, tests/review): ischaemia AI only, repolarisation agree through the
        // ST elevation that STEMI implies, rhythm agree (sinus rhythm: both negative), overall agree.
        const Shown* isch = rowOf(panel, QStringLiteral("ECG: ischaemia/infarction"));
        const Shown* repol = rowOf(panel, QStringLiteral("ECG: repolarisation/QT"));
        const Shown* rhythm = rowOf(panel, QStringLiteral("ECG: rhythm"));
        const Shown* overall = rowOf(panel, QStringLiteral("ECG: overall"));
        QVERIFY(isch != nullptr && repol != nullptr && rhythm != nullptr && overall != nullptr);
        QVERIFY(isch->state.endsWith(QStringLiteral("AI only")));
        QVERIFY(isch->ai.contains(QStringLiteral("Acute ST segment elevation")));
        QVERIFY(isch->clinician.contains(QStringLiteral("none stated")));
        QVERIFY(repol->state.endsWith(QStringLiteral("agree\n(both abnormal)")));
        QVERIFY(repol->ai.contains(QStringLiteral("implied by Acute ST segment elevation myocardial infarction")));
        QVERIFY(repol->clinician.contains(QStringLiteral("ST elevation")));
        QVERIFY(rhythm->state.endsWith(QStringLiteral("agree\n(both negative)")));
        QVERIFY(!rhythm->state.contains(QStringLiteral("disagree")));
        QVERIFY(rhythm->clinician.contains(QStringLiteral("Sinus rhythm (normal)")));
        QVERIFY(overall->state.endsWith(QStringLiteral("agree\n(both abnormal)")));
        // Overall is derived: both sides are abnormal there through their other categories.
        QVERIFY(overall->ai.contains(QStringLiteral("abnormal")));
        QVERIFY(overall->clinician.contains(QStringLiteral("abnormal")));
        // What the table shows is those parts: the category with both sides under it, the state beside.
        for (int r = 0; r < t->rowCount(); ++r) {
            const Shown& shown = panel.rows()[static_cast<std::size_t>(r)];
            const QString text = t->item(r, ui::SideBySidePanel::RowColumn)->text();
            QVERIFY(text.startsWith(shown.category + QLatin1Char('\n')));
            QVERIFY(text.contains(QStringLiteral("AI: ") + QString(shown.ai).replace(QLatin1Char('\n'), QStringLiteral("; "))));
            QVERIFY(text.contains(QStringLiteral("Clinician: ")));
            QCOMPARE(t->item(r, ui::SideBySidePanel::StateColumn)->text(), shown.state);
        }
        // Colour and text: every state cell has its word and a background; the stable name is kept for tools.
        for (int r = 0; r < t->rowCount(); ++r) {
            const QTableWidgetItem* st = t->item(r, ui::SideBySidePanel::StateColumn);
            QVERIFY(!st->text().trimmed().isEmpty());
            QVERIFY(st->background().style() != Qt::NoBrush);
            QCOMPARE(st->data(Qt::UserRole).toString(),
                     QString::fromUtf8(review::rowStateName(s.rows[static_cast<std::size_t>(r)].state).data()));
        }
        QCOMPARE(ui::rowStateText(review::RowState::ClinicianOnly), QStringLiteral("clinician only"));
        QCOMPARE(ui::rowStateText(review::RowState::Disagree), QStringLiteral("disagree"));
    }

    void anUntrustedFindingIsNeverInARow() {
        std::vector<const ui::FindingEntry*> list;
        for (const auto& e : entries) {
            list.push_back(&e);
        }
        const review::StudyInput in = ui::sideBySideInput(list, demoStatements, review::Domain::Ecg, nullptr);
        // Its content is not even handed over: no code, only the bundle and its reasons.
        for (const review::AiFinding& a : in.ai) {
            if (!a.trusted) {
                QVERIFY(a.code.value.empty());
                QVERIFY(a.reason.find("CERT_EXPIRED") != std::string::npos);
            }
        }
        const review::SideBySide s = review::sideBySide(in);
        ui::SideBySidePanel panel;
        panel.setSideBySide(s, QStringLiteral("heading"));
        for (const Shown& r : panel.rows()) {
            const QString& ai = r.ai;
            QVERIFY2(!ai.contains(QStringLiteral("fibrillation")), qPrintable(ai));
            QVERIFY2(!ai.contains(QStringLiteral("expired")), qPrintable(ai));
            // The AI's only ST elevation is the one STEMI implies, never the untrusted bundle's.
            if (ai.contains(QStringLiteral("ST elevation")) && !ai.startsWith(QStringLiteral("Acute"))) {
                QVERIFY2(ai.contains(QStringLiteral("implied by")), qPrintable(ai));
            }
        }
        for (int r = 0; r < panel.table()->rowCount(); ++r) {
            const QString text = panel.table()->item(r, ui::SideBySidePanel::RowColumn)->text();
            QVERIFY2(!text.contains(QStringLiteral("fibrillation")), qPrintable(text));
        }
        QCOMPARE(panel.notCountedList()->count(), 2);
        for (int i = 0; i < 2; ++i) {
            const QString text = panel.notCountedList()->item(i)->text();
            QVERIFY2(text.contains(QStringLiteral("not counted: not verified")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("expired")), qPrintable(text));
            QVERIFY2(!text.contains(QStringLiteral("fibrillation")), qPrintable(text));
        }
        // A trusted bundle whose display could not be recorded is not compared either, and says why.
        ui::FindingEntry notDisplayed = entries.front();
        notDisplayed.displayed = false;
        notDisplayed.notShownReason = QStringLiteral("the audit log cannot be written");
        QStringList notShown;
        const review::StudyInput in2 = ui::sideBySideInput({&notDisplayed}, demoStatements, review::Domain::Ecg, &notShown);
        QVERIFY(in2.ai.empty());
        QCOMPARE(notShown.size(), 1);
        QVERIFY(notShown.front().contains(QStringLiteral("audit log")));
    }

    void aMessageHidesEverything() {
        ui::SideBySidePanel panel;
        const review::SideBySide s = review::sideBySide(review::StudyInput{review::Domain::Ecg, {}, demoStatements});
        panel.setSideBySide(s, QStringLiteral("x"));
        QVERIFY(panel.table()->rowCount() > 0);
        panel.showMessage(QStringLiteral("AI results hidden until you commit your reading"));
        QCOMPARE(panel.table()->rowCount(), 0);
        QCOMPARE(panel.notCountedList()->count(), 0);
        QCOMPARE(panel.message(), QStringLiteral("AI results hidden until you commit your reading"));
    }
};

QTEST_MAIN(TstSideBySidePanel)
#include "tst_side_by_side_panel.moc"
