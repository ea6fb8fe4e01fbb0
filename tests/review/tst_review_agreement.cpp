// Agreement statistics (review/agreement.h) on tables with published values and on hand-computed ones, the
// arithmetic written out; the degenerate tables (n = 0, all agree, an empty margin) give nullopt with a reason.
#include <veridicor/review/agreement.h>
#include <veridicor/review/agreement_export.h>
#include <veridicor/review/reviewed_study.h>

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using namespace veridicor::review;

namespace {

bool near(const Figure& f, double expected, double tol = 1e-9) {
    return f.value.has_value() && std::abs(*f.value - expected) <= tol;
}

} // namespace

class TstReviewAgreement : public QObject {
    Q_OBJECT

private slots:
    // Feinstein & Cicchetti (1990), "High agreement but low kappa: I. The problems of two paradoxes", J Clin
    // Epidemiol 43:543–549: two tables with the same po = 0.85 and κ = 0.70 and 0.32. Their first table,
    // AI as rows: tp 40, fp 9, fn 6, tn 45 (n 100).
    void feinsteinBalanced() {
        const Agreement a = agreement(Table{40, 9, 6, 45});
        QCOMPARE(a.n, std::uint64_t{100});
        QVERIFY(near(a.agreement, 0.85));
        // pe = (49·46 + 51·54)/100² = (2254 + 2754)/10000 = 0.5008
        QVERIFY(near(a.chance, 0.5008));
        // κ = (0.85 − 0.5008)/(1 − 0.5008) = 0.3492/0.4992 = 0.699519…; published 0.70
        QVERIFY(near(a.kappa, 0.3492 / 0.4992));
        QVERIFY(near(a.kappa, 0.70, 0.005));
        // PABAK = 2·0.85 − 1 = 0.70 (Byrt, Bishop & Carlin 1993)
        QVERIFY(near(a.pabak, 0.70));
        // AC1: π = (49 + 46)/200 = 0.475, pγ = 2·0.475·0.525 = 0.49875, AC1 = (0.85 − 0.49875)/0.50125 = 0.700748…
        QVERIFY(near(a.ac1, 0.35125 / 0.50125));
        // PPA = 40/46, NPA = 45/54, PPV = 40/49, NPV = 45/51
        QVERIFY(near(a.ppa, 40.0 / 46));
        QVERIFY(near(a.npa, 45.0 / 54));
        QVERIFY(near(a.ppv, 40.0 / 49));
        QVERIFY(near(a.npv, 45.0 / 51));
        // SE (Fleiss, Cohen & Everitt 1969), κ = 291/416, 1 − κ = 125/416, margins r1 = .49, c1 = .46:
        //   Σ diag = .40(1 − .95·125/416)² + .45(1 − 1.05·125/416)² = 0.415066…
        //   off    = (125/416)²(.09(.46 + .51)² + .06(.54 + .49)²)      = 0.013393…
        //   last   = (κ − .5008·125/416)²                               = 0.301443…
        //   SE = sqrt((0.415066 + 0.013393 − 0.301443)/100)/0.4992 = sqrt(0.00127019)/0.4992 = 0.0713936
        // The same value comes from the delta method on the multinomial (a second derivation, done apart).
        QVERIFY(near(a.kappaSe, 0.0713936027, 1e-8));
        QVERIFY(a.kappaCi.has_value());
        QVERIFY(std::abs(a.kappaCi->lo - (0.6995192308 - 1.959964 * 0.0713936027)) < 1e-6); // 0.559590
        QVERIFY(std::abs(a.kappaCi->hi - (0.6995192308 + 1.959964 * 0.0713936027)) < 1e-6); // 0.839448
    }

    // Feinstein & Cicchetti's second table: tp 80, fp 10, fn 5, tn 5; po 0.85, κ 0.32 published.
    void feinsteinSkewed() {
        const Agreement a = agreement(Table{80, 10, 5, 5});
        QVERIFY(near(a.agreement, 0.85));
        // pe = (90·85 + 10·15)/10000 = 0.78; κ = 0.07/0.22 = 0.318181…
        QVERIFY(near(a.chance, 0.78));
        QVERIFY(near(a.kappa, 0.07 / 0.22));
        QVERIFY(near(a.kappa, 0.32, 0.005));
        QVERIFY(near(a.pabak, 0.70));
        // π = (90 + 85)/200 = 0.875, pγ = 2·0.875·0.125 = 0.21875, AC1 = 0.63125/0.78125 = 0.808
        QVERIFY(near(a.ac1, 0.808));
        QVERIFY(near(a.ppa, 80.0 / 85));
        QVERIFY(near(a.npa, 5.0 / 15));
        // SE: Σ diag = .80(1 − 1.75·15/22)² + .05(1 − .25·15/22)² = 0.064263…, off = (15/22)²(.10(.85 + .10)² +
        //   .05(.15 + .90)²) = 0.067581…, last = (7/22 − .78·15/22)² = 0.045640…;
        //   SE = sqrt(0.0862035/100)/0.22 = 0.1334565
        QVERIFY(near(a.kappaSe, 0.1334565212, 1e-8));
    }

    // The prevalence paradox at its extreme, hand-computed: tp 118, fp 5, fn 2, tn 0 (n 125).
    // po = 0.944; pe = .984·.96 + .016·.04 = 0.94528; κ = (0.944 − 0.94528)/0.05472 = −4/171 = −0.02339
    // π = (123 + 120)/250 = 0.972; pγ = 2·0.972·0.028 = 0.054432; AC1 = 0.889568/0.945568 = 0.940776
    void prevalenceParadox() {
        const Agreement a = agreement(Table{118, 5, 2, 0});
        QVERIFY(near(a.kappa, -4.0 / 171));
        QVERIFY(near(a.ac1, 0.889568 / 0.945568));
        QVERIFY(near(a.pabak, 2 * 0.944 - 1));
        QVERIFY(near(a.npa, 0.0));
        QVERIFY(near(a.npv, 0.0));
    }

    void emptyTable() {
        const Agreement a = agreement(Table{});
        QCOMPARE(a.n, std::uint64_t{0});
        for (const Figure* f : {&a.agreement, &a.chance, &a.kappa, &a.kappaSe, &a.pabak, &a.ac1, &a.ppa, &a.npa,
                                &a.ppv, &a.npv}) {
            QVERIFY(!f->value.has_value());
            QVERIFY(f->why.find("n = 0") != std::string::npos);
        }
        QVERIFY(!a.kappaCi.has_value());
    }

    // Both sides negative on every reading: pe = 1, κ undefined; po = PABAK = 1; AC1: π = 0, pγ = 0,
    // AC1 = (1 − 0)/(1 − 0) = 1; no positive on either side: PPA and PPV undefined; NPA = NPV = 50/50.
    void allAgreeOneClass() {
        const Agreement a = agreement(Table{0, 0, 0, 50});
        QVERIFY(near(a.agreement, 1));
        QVERIFY(!a.kappa.value.has_value());
        QVERIFY(a.kappa.why.find("pe = 1") != std::string::npos);
        QVERIFY(!a.kappaSe.value.has_value());
        QVERIFY(!a.kappaCi.has_value());
        QVERIFY(near(a.pabak, 1));
        QVERIFY(near(a.ac1, 1));
        QVERIFY(!a.ppa.value.has_value());
        QVERIFY(!a.ppa.why.empty());
        QVERIFY(!a.ppv.value.has_value());
        QVERIFY(near(a.npa, 1));
        QVERIFY(near(a.npv, 1));
        // and all positive
        const Agreement b = agreement(Table{7, 0, 0, 0});
        QVERIFY(!b.kappa.value.has_value());
        QVERIFY(!b.npa.value.has_value());
        QVERIFY(!b.npv.value.has_value());
        QVERIFY(near(b.ppa, 1));
    }

    // All agree with both classes used: tp 10, tn 40; pe = .2·.2 + .8·.8 = 0.68, κ = (1 − .68)/(1 − .68) = 1.
    // SE: Σ diag = .2(1 − 0)² + .8(1 − 0)² = 1, off = 0, last = (1 − 0)² = 1: SE = 0, the interval [1, 1].
    void allAgreeTwoClasses() {
        const Agreement a = agreement(Table{10, 0, 0, 40});
        QVERIFY(near(a.kappa, 1));
        QVERIFY(near(a.kappaSe, 0));
        QVERIFY(a.kappaCi.has_value());
        QCOMPARE(a.kappaCi->lo, 1.0);
        QCOMPARE(a.kappaCi->hi, 1.0);
    }

    // The AI never positive (an empty margin): tp 0, fp 0, fn 5, tn 45. po = 0.9, pe = 0·0.1 + 1·0.9 = 0.9,
    // κ = 0 (defined); its SE is 0 by construction (the AI's answer never varies), which measures nothing,
    // so the SE and interval are undefined. PPV = 0/0 undefined; PPA = 0/5 = 0; NPA = 45/45; NPV = 45/50.
    // AC1: π = (0 + 5)/100 = 0.05, pγ = 0.095, AC1 = 0.805/0.905.
    void emptyMargin() {
        const Agreement a = agreement(Table{0, 0, 5, 45});
        QVERIFY(near(a.kappa, 0));
        QVERIFY(!a.kappaSe.value.has_value());
        QVERIFY(a.kappaSe.why.find("single answer") != std::string::npos);
        QVERIFY(!a.kappaCi.has_value());
        QVERIFY(!a.ppv.value.has_value());
        QVERIFY(a.ppv.why.find("no AI positive") != std::string::npos);
        QVERIFY(near(a.ppa, 0));
        QVERIFY(near(a.npa, 1));
        QVERIFY(near(a.npv, 0.9));
        QVERIFY(near(a.ac1, 0.805 / 0.905));
        QVERIFY(near(a.pabak, 0.8));
    }

    void interval_isClipped() {
        // tp 2, fp 1, fn 1, tn 2: po = 4/6, pe = .5, κ = 1/3; a small n gives a wide interval, within [−1, 1].
        const Agreement a = agreement(Table{2, 1, 1, 2});
        QVERIFY(near(a.kappa, 1.0 / 3));
        QVERIFY(a.kappaCi.has_value());
        QVERIFY(a.kappaCi->lo >= -1.0);
        QVERIFY(a.kappaCi->hi <= 1.0);
        QVERIFY(a.kappaCi->lo < 1.0 / 3 && a.kappaCi->hi > 1.0 / 3);
    }

    void groupsByModelCategoryReader() {
        AgreementGroups g;
        const GroupKey k1{"ecg-stemi", "1.0", Category::EcgIschaemia, "Ada"};
        const GroupKey k2{"ecg-stemi", "1.1", Category::EcgIschaemia, "Ada"};
        const GroupKey k3{"ecg-stemi", "1.0", Category::EcgIschaemia, "Bob"};
        g.add(k1, true, true);
        g.add(k1, true, false);
        g.add(k2, false, false);
        g.add(k3, false, true);
        g.add(k1, false, false);
        QCOMPARE(g.groups().size(), std::size_t{3});
        QCOMPARE(g.groups().at(k1).table, (Table{1, 1, 0, 1}));
        QCOMPARE(g.groups().at(k2).table, (Table{0, 0, 0, 1}));
        QCOMPARE(g.groups().at(k3).table, (Table{0, 0, 1, 0}));
    }

    // addReviewedStudy with adjudicated labels: the adjudicator's label replaces the clinician's side of its
    // category only, and a settled disagreement no longer counts in `disagreements`.
    void adjudicatedLabelReplacesTheClinician() {
        ReviewedStudy s;
        s.studyUid = "1.2.3";
        s.modelName = "ecg-stemi";
        s.modelVersion = "1.0";
        s.reader = "Ada";
        Row ischaemia; // AI +, clinician − : fp unless adjudicated
        ischaemia.category = Category::EcgIschaemia;
        ischaemia.aiPositive = true;
        ischaemia.clinicianPositive = false;
        ischaemia.state = RowState::AiOnly;
        Row rhythm; // both +, incompatible codes: a disagreement, tp
        rhythm.category = Category::EcgRhythm;
        rhythm.aiPositive = true;
        rhythm.clinicianPositive = true;
        rhythm.state = RowState::Disagree;
        Row axis; // both −: tn, no label
        axis.category = Category::EcgAxis;
        s.sideBySide.rows = {ischaemia, rhythm, axis};
        const GroupKey ki{"ecg-stemi", "1.0", Category::EcgIschaemia, "Ada"};
        const GroupKey kr{"ecg-stemi", "1.0", Category::EcgRhythm, "Ada"};
        const GroupKey ka{"ecg-stemi", "1.0", Category::EcgAxis, "Ada"};

        AgreementGroups before;
        addReviewedStudy(before, s);
        QCOMPARE(before.groups().at(ki).table, (Table{0, 1, 0, 0}));
        QCOMPARE(before.groups().at(kr).table, (Table{1, 0, 0, 0}));
        QCOMPARE(before.groups().at(kr).disagreements, std::uint64_t{1});
        QCOMPARE(before.groups().at(ka).table, (Table{0, 0, 0, 1}));

        // The adjudicator finds ischaemia present (AI right: tp) and the rhythm disagreement negative on the
        // reference side (AI +, reference −: fp, no longer a disagreement).
        s.adjudicated = {AdjudicatedLabel{Category::EcgIschaemia, true, "anterior STEMI confirmed by angiography"},
                         AdjudicatedLabel{Category::EcgRhythm, false, "sinus rhythm with artefact"}};
        QVERIFY(s.adjudicatedLabel(Category::EcgAxis) == nullptr);
        AgreementGroups after;
        addReviewedStudy(after, s);
        QCOMPARE(after.groups().at(ki).table, (Table{1, 0, 0, 0}));
        QCOMPARE(after.groups().at(kr).table, (Table{0, 1, 0, 0}));
        QCOMPARE(after.groups().at(kr).disagreements, std::uint64_t{0});
        QCOMPARE(after.groups().at(ka).table, (Table{0, 0, 0, 1}));
        // The clinician's own call is unchanged in the row: only the statistic's reference side moved.
        QVERIFY(!s.sideBySide.rows[0].clinicianPositive);
        QVERIFY(s.referencePositive(s.sideBySide.rows[0]));
    }

    // The JSON contract (review/README.md): names, nulls with reasons, pooling by the keys not chosen.
    void jsonContract() {
        AgreementGroups g;
        // Feinstein & Cicchetti's first table (tp 40, fp 9, fn 6, tn 45) split over two readers.
        const GroupKey ada{"ecg-stemi", "1.0", Category::EcgIschaemia, "Ada"};
        const GroupKey bob{"ecg-stemi", "1.0", Category::EcgIschaemia, "Bob"};
        for (int i = 0; i < 40; ++i) {
            g.add(i < 20 ? ada : bob, true, true);
        }
        for (int i = 0; i < 9; ++i) {
            g.add(ada, true, false);
        }
        for (int i = 0; i < 6; ++i) {
            g.add(bob, false, true);
        }
        for (int i = 0; i < 45; ++i) {
            g.add(i < 25 ? ada : bob, false, false);
        }
        // An all-negative category: κ undefined (pe = 1), PPA and PPV undefined.
        const GroupKey rhythm{"ecg-stemi", "1.0", Category::EcgRhythm, "Ada"};
        g.add(rhythm, false, false);
        g.add(rhythm, false, false);
        const std::vector<LeftOut> left{{"/data/s1/reading.dcm", "1.2.3", "reading untrusted: BAD_SIGNATURE"}};

        const auto doc = nlohmann::json::parse(agreementToJson(g, left, GroupBy{}));
        QCOMPARE(doc.at("by"), nlohmann::json::array({"model", "category"}));
        const auto& groups = doc.at("groups");
        QCOMPARE(groups.size(), std::size_t{2});
        // In key order: the category enum's (rhythm before ischaemia).
        const auto& isch = groups.at(1);
        QCOMPARE(isch.at("model").at("name").get<std::string>(), std::string("ecg-stemi"));
        QCOMPARE(isch.at("model").at("version").get<std::string>(), std::string("1.0"));
        QCOMPARE(isch.at("category").get<std::string>(), std::string("ischaemia"));
        QVERIFY(!isch.contains("reader"));
        QCOMPARE(isch.at("n").get<int>(), 100);
        QCOMPARE(isch.at("table"), (nlohmann::json{{"tp", 40}, {"fp", 9}, {"fn", 6}, {"tn", 45}}));
        QCOMPARE(isch.at("agreement").get<double>(), 0.85);
        QVERIFY(std::abs(isch.at("kappa").get<double>() - 0.6995) < 5e-4); // Feinstein & Cicchetti: 0.70
        QCOMPARE(isch.at("kappaCI").size(), std::size_t{2});
        QVERIFY(isch.at("kappaCI").at(0).get<double>() < isch.at("kappa").get<double>());
        QVERIFY(std::abs(isch.at("pabak").get<double>() - 0.70) < 1e-12);
        for (const char* k : {"ac1", "ppa", "npa", "ppv", "npv"}) {
            QVERIFY2(isch.at(k).is_number(), k);
        }
        QVERIFY(std::abs(isch.at("ppa").get<double>() - 40.0 / 46.0) < 1e-12);
        QVERIFY(std::abs(isch.at("npv").get<double>() - 45.0 / 51.0) < 1e-12);
        const auto& rh = groups.at(0);
        QCOMPARE(rh.at("category").get<std::string>(), std::string("rhythm"));
        QVERIFY(rh.at("kappa").is_null());
        QVERIFY(!rh.at("kappaWhy").get<std::string>().empty());
        QVERIFY(rh.at("kappaCI").is_null());
        QVERIFY(!rh.at("kappaCIWhy").get<std::string>().empty());
        QVERIFY(rh.at("ppa").is_null() && !rh.at("ppaWhy").get<std::string>().empty());
        QVERIFY(rh.at("ppv").is_null() && !rh.at("ppvWhy").get<std::string>().empty());
        QCOMPARE(rh.at("npa").get<double>(), 1.0);
        QCOMPARE(doc.at("leftOut").size(), std::size_t{1});
        QCOMPARE(doc.at("leftOut").at(0).at("reason").get<std::string>(), std::string("reading untrusted: BAD_SIGNATURE"));

        // By reader: Ada's and Bob's tables apart, each with "reader".
        const auto byReader = nlohmann::json::parse(agreementToJson(g, {}, *parseGroupBy("model,category,reader")));
        QCOMPARE(byReader.at("groups").size(), std::size_t{3});
        // Key order: rhythm (Ada), then ischaemia by reader.
        QCOMPARE(byReader.at("groups").at(1).at("reader").get<std::string>(), std::string("Ada"));
        QCOMPARE(byReader.at("groups").at(1).at("table"), (nlohmann::json{{"tp", 20}, {"fp", 9}, {"fn", 0}, {"tn", 25}}));
        QCOMPARE(byReader.at("groups").at(2).at("reader").get<std::string>(), std::string("Bob"));
        QCOMPARE(byReader.at("groups").at(2).at("table"), (nlohmann::json{{"tp", 20}, {"fp", 0}, {"fn", 6}, {"tn", 20}}));
        // By model only: the categories pooled into one table, "category" null.
        const auto byModel = nlohmann::json::parse(agreementToJson(g, {}, *parseGroupBy("model")));
        QCOMPARE(byModel.at("groups").size(), std::size_t{1});
        QVERIFY(byModel.at("groups").at(0).at("category").is_null());
        QCOMPARE(byModel.at("groups").at(0).at("table"), (nlohmann::json{{"tp", 40}, {"fp", 9}, {"fn", 6}, {"tn", 47}}));
    }

    void groupByParsing() {
        QVERIFY(parseGroupBy("model,category").has_value());
        QVERIFY(parseGroupBy("reader").has_value());
        QVERIFY(parseGroupBy("category,model,reader")->reader);
        QVERIFY(!parseGroupBy("").has_value());
        QVERIFY(!parseGroupBy("model,,category").has_value());
        QVERIFY(!parseGroupBy("model,model").has_value());
        QVERIFY(!parseGroupBy("site").has_value());
        QCOMPARE(groupByText(*parseGroupBy("reader,model")), std::string("model,reader"));
    }

    void csvHasEmptyCellsWithReasons() {
        AgreementGroups g;
        g.add(GroupKey{"m, \"quoted\"", "1", Category::EcgRhythm, "Ada"}, false, false);
        const std::string csv = agreementToCsv(g, {{"/a,b.dcm", "", "no signed reading"}}, GroupBy{});
        const auto header = csv.substr(0, csv.find('\n'));
        QVERIFY(header.find("kappa,kappa_why") != std::string::npos);
        QVERIFY(header.find("kappa_ci_lo,kappa_ci_hi,kappa_ci_why") != std::string::npos);
        QVERIFY(csv.find("\"m, \"\"quoted\"\"\",1,rhythm,,1,0,0,0,1,0,1,,") != std::string::npos);
        QVERIFY(csv.find("nan") == std::string::npos);
        QVERIFY(csv.find("left_out,\"/a,b.dcm\",,no signed reading") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstReviewAgreement)
#include "tst_review_agreement.moc"
