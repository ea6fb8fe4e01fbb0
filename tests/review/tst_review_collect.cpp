// The review set collector (review/collect.h) on a folder of studies made with the tests' PKI: findings and
// readings really signed (verify/ signFinding, reading/ writeReadingSr with dcmsign), verified against the
// trust store and against their recordings. What is counted, what is left out and why, and the figures of
// the hand-built set computed by hand.
#include "review_fixture.h"

#include <veridicor/reading/adjudication.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/review/agreement.h>
#include <veridicor/review/collect.h>

#include <QtTest>

#include <cmath>

using namespace veridicor;
using namespace veridicor::test;
using review::Category;

namespace {

bool near(const review::Figure& f, double expected, double tol = 1e-9) {
    return f.value.has_value() && std::abs(*f.value - expected) <= tol;
}

} // namespace

class TstReviewCollect : public QObject {
    Q_OBJECT

    std::unique_ptr<ReviewFixture> m_f;
    std::filesystem::path m_set;
    std::filesystem::path m_tampered;
    std::filesystem::path m_firstD;
    std::filesystem::path m_amendD;
    std::filesystem::path m_prelimD;
    review::ReviewSet m_result;

    [[nodiscard]] const review::ReviewedStudy* study(int index) const {
        const std::string uid = "1.2.826.0.1.3680043.10.1002." + std::to_string(index) + ".1";
        for (const auto& s : m_result.studies) {
            if (s.studyUid == uid) {
                return &s;
            }
        }
        return nullptr;
    }
    [[nodiscard]] std::vector<const review::LeftOut*> leftOutOf(const std::filesystem::path& path) const {
        std::vector<const review::LeftOut*> out;
        for (const auto& l : m_result.leftOut) {
            if (l.path == path.string()) {
                out.push_back(&l);
            }
        }
        return out;
    }
    [[nodiscard]] std::string leftOutText() const {
        std::string s;
        for (const auto& l : m_result.leftOut) {
            s += l.path + ": " + l.reason + "\n";
        }
        return s;
    }

private slots:
    void initTestCase() {
        m_f = std::make_unique<ReviewFixture>(verify::now());
        QVERIFY2(m_f->setUpReview(), m_f->error.c_str());
        m_set = m_f->root / "set";
        ReviewFixture& f = *m_f;
        const ReaderFiles* ada = &f.readerFiles;
        // The hand-built set (ischaemia: A fp, B tp, C fn, D tn, E tp):
        //  A — the demo-like study: AI acute STEMI; reading sinus rhythm + ST elevation.
        const auto a = f.makeStudy(m_set, "A", 1);
        QVERIFY(f.signFindings(a, "ecg", {kStemi}));
        QVERIFY(!f.signReading(a, m_set / "A" / "reading.dcm", {kSinus, kStElevation}, "20261201100000", ada).empty());
        //  B — AI STEMI, plus an untrusted bundle (a signer the policy does not know) claiming AF; reading
        //  acute MI + ST elevation.
        const auto b = f.makeStudy(m_set, "B", 2);
        QVERIFY(f.signFindings(b, "ecg", {kStemi}));
        QVERIFY2(f.signFindings(b, "ecg.other", {kAf}, &f.pki.other), f.error.c_str());
        QVERIFY(!f.signReading(b, m_set / "B" / "reading.dcm", {kAcuteMi, kStElevation}, "20261201100100", ada).empty());
        //  C — AI sinus rhythm; reading myocardial infarction.
        const auto c = f.makeStudy(m_set, "C", 3);
        QVERIFY(f.signFindings(c, "ecg", {kSinus}));
        QVERIFY(!f.signReading(c, m_set / "C" / "reading.dcm", {kMi}, "20261201100200", ada).empty());
        //  D — AI sinus rhythm; a first reading (MI) amended by a later one (sinus rhythm); a preliminary
        //  reading (MI) after both.
        const auto d = f.makeStudy(m_set, "D", 4);
        QVERIFY(f.signFindings(d, "ecg", {kSinus}));
        m_firstD = f.signReading(d, m_set / "D" / "reading-1.dcm", {kMi}, "20261201100300", ada);
        QVERIFY(!m_firstD.empty());
        m_amendD = f.signReading(d, m_set / "D" / "reading-2.dcm", {kSinus}, "20261201110000", ada, m_firstD);
        QVERIFY2(!m_amendD.empty(), f.error.c_str());
        m_prelimD = f.signReading(d, m_set / "D" / "reading-3.dcm", {kMi}, "20261201120000", nullptr);
        QVERIFY2(!m_prelimD.empty(), f.error.c_str());
        //  E — AI STEMI; reading acute MI.
        const auto e = f.makeStudy(m_set, "E", 5);
        QVERIFY(f.signFindings(e, "ecg", {kStemi}));
        QVERIFY(!f.signReading(e, m_set / "E" / "reading.dcm", {kAcuteMi}, "20261201100500", ada).empty());
        // Left out of every figure:
        //  F — AI STEMI; its reading (sinus rhythm: an fp if counted) signed, then one byte changed.
        const auto fs = f.makeStudy(m_set, "F", 6);
        QVERIFY(f.signFindings(fs, "ecg", {kStemi}));
        m_tampered = f.signReading(fs, m_set / "F" / "reading.dcm", {kSinus}, "20261201100600", ada);
        QVERIFY(!m_tampered.empty());
        QVERIFY(ReviewFixture::tamperText(m_tampered));
        //  G — only an untrusted finding (STEMI by an unknown signer); reading acute MI (a tp if counted).
        const auto g = f.makeStudy(m_set, "G", 7);
        QVERIFY(f.signFindings(g, "ecg", {kStemi}, &f.pki.other));
        QVERIFY(!f.signReading(g, m_set / "G" / "reading.dcm", {kAcuteMi}, "20261201100700", ada).empty());
        //  H — a reading, no finding. I — a finding, no reading.
        const auto h = f.makeStudy(m_set, "H", 8);
        QVERIFY(!f.signReading(h, m_set / "H" / "reading.dcm", {kAcuteMi}, "20261201100800", ada).empty());
        const auto i = f.makeStudy(m_set, "I", 9);
        QVERIFY(f.signFindings(i, "ecg", {kStemi}));
        //  An unreadable DICOM file (a truncated preamble + "DICM" and nothing else).
        writeAll(m_set / "J" / "broken.dcm", std::string(128, '\0') + std::string("DICM\x02\x00", 6));

        auto store = verify::TrustStore::load(f.trust);
        QVERIFY2(store.hasValue(), store ? "" : store.error().message.c_str());
        m_result = review::collectReviewSet({m_set}, *store, f.pki.now);
    }

    void countsOneReviewedStudyPerStudyAndModel() {
        QCOMPARE(m_result.studies.size(), std::size_t{5});
        for (int i = 1; i <= 5; ++i) {
            const auto* s = study(i);
            QVERIFY2(s != nullptr, (std::to_string(i) + "\n" + leftOutText()).c_str());
            QCOMPARE(s->modelName, std::string(kModelName));
            QCOMPARE(s->modelVersion, std::string(kModelVersion));
            QCOMPARE(s->domain, review::Domain::Ecg);
            QCOMPARE(s->reader, std::string("Ada Reader"));
            QVERIFY(s->adjudicated.empty());
        }
        // The reading time is the signed Verification DateTime: 2026-12-01T10:00:00Z = 1796119200 (date -u -d).
        QCOMPARE(study(1)->readingTime, std::int64_t{1796119200});
    }

    void matchesByCategoryOnTheDemoLikeStudy() {
        // As tst_review_side_by_side's demo study: ischaemia AI only, repolarisation agree through the ST
        // elevation an acute STEMI implies, rhythm agree (the clinician's sinus rhythm is a normal statement).
        const auto* a = study(1);
        QVERIFY(a != nullptr);
        const auto* isch = a->sideBySide.row(Category::EcgIschaemia);
        const auto* repol = a->sideBySide.row(Category::EcgRepolarisation);
        const auto* rhythm = a->sideBySide.row(Category::EcgRhythm);
        QVERIFY(isch != nullptr && repol != nullptr && rhythm != nullptr);
        QCOMPARE(isch->state, review::RowState::AiOnly);
        QCOMPARE(repol->state, review::RowState::Agree);
        QVERIFY(repol->aiPositive && repol->clinicianPositive);
        QCOMPARE(rhythm->state, review::RowState::Agree);
        QVERIFY(!rhythm->aiPositive && !rhythm->clinicianPositive);
        QVERIFY(a->sideBySide.notCounted.empty());
    }

    void anUntrustedFindingIsNeverCounted() {
        // B: the unknown signer's AF is listed as not counted and never reaches the rhythm row.
        const auto* b = study(2);
        QVERIFY(b != nullptr);
        QCOMPARE(b->sideBySide.notCounted.size(), std::size_t{1});
        QCOMPARE(b->sideBySide.notCounted[0].code.value, kAf.first);
        QVERIFY2(b->sideBySide.notCounted[0].reason.find("SIGNER_NOT_AUTHORIZED") != std::string::npos,
                 b->sideBySide.notCounted[0].reason.c_str());
        QVERIFY(!b->sideBySide.row(Category::EcgRhythm)->aiPositive);
        const auto other = leftOutOf(m_set / "B" / "ecg.other.finding.json");
        QCOMPARE(other.size(), std::size_t{1});
        QVERIFY(other[0]->reason.find("finding untrusted: SIGNER_NOT_AUTHORIZED") == 0);
        // G: its only bundle is untrusted: the study is not counted at all, and both are said.
        QVERIFY(study(7) == nullptr);
        const auto g = leftOutOf(m_set / "G" / "ecg.finding.json");
        QCOMPARE(g.size(), std::size_t{2});
        QVERIFY(g[0]->reason.find("finding untrusted") == 0);
        QVERIFY(g[1]->reason.find("no verified finding") == 0);
        QVERIFY(!leftOutOf(m_set / "G" / "reading.dcm").empty());
    }

    void aReadingThatFailsVerificationIsLeftOutOfEveryStatistic() {
        QVERIFY(study(6) == nullptr);
        const auto r = leftOutOf(m_tampered);
        QCOMPARE(r.size(), std::size_t{1});
        QVERIFY2(r[0]->reason.find("reading untrusted") == 0 && r[0]->reason.find("BAD_SIGNATURE") != std::string::npos,
                 r[0]->reason.c_str());
        QCOMPARE(r[0]->studyUid, std::string("1.2.826.0.1.3680043.10.1002.6.1"));
        const auto fnd = leftOutOf(m_set / "F" / "ecg.finding.json");
        QCOMPARE(fnd.size(), std::size_t{1});
        QVERIFY(fnd[0]->reason.find("no signed, verified ECG reading") == 0);
    }

    void theAmendmentIsTheReadingInForce() {
        const auto* d = study(4);
        QVERIFY(d != nullptr);
        auto amend = reading::readReadingSr(m_amendD);
        QVERIFY(amend.hasValue());
        QCOMPARE(d->readingUid, amend->sopInstanceUID);
        QVERIFY(!d->sideBySide.row(Category::EcgIschaemia)->clinicianPositive); // the amended MI is gone
        const auto first = leftOutOf(m_firstD);
        QCOMPARE(first.size(), std::size_t{1});
        QVERIFY2(first[0]->reason.find("amended by reading " + amend->sopInstanceUID) == 0, first[0]->reason.c_str());
        const auto prelim = leftOutOf(m_prelimD);
        QCOMPARE(prelim.size(), std::size_t{1});
        QVERIFY(prelim[0]->reason.find("preliminary (unsigned) reading") == 0);
    }

    void everythingElseIsListed() {
        QVERIFY(study(8) == nullptr);
        QVERIFY(study(9) == nullptr);
        const auto h = leftOutOf(m_set / "H" / "reading.dcm");
        QCOMPARE(h.size(), std::size_t{1});
        QVERIFY(h[0]->reason.find("no verified AI finding") == 0);
        const auto i = leftOutOf(m_set / "I" / "ecg.finding.json");
        QCOMPARE(i.size(), std::size_t{1});
        QVERIFY(i[0]->reason.find("no signed, verified ECG reading") == 0);
        const auto broken = leftOutOf(m_set / "J" / "broken.dcm");
        QCOMPARE(broken.size(), std::size_t{1});
        QVERIFY2(broken[0]->reason.find("unreadable") == 0, broken[0]->reason.c_str());
    }

    void figuresOfTheHandBuiltSet() {
        review::AgreementGroups groups;
        for (const auto& s : m_result.studies) {
            review::addReviewedStudy(groups, s);
        }
        const review::GroupKey isch{kModelName, kModelVersion, Category::EcgIschaemia, "Ada Reader"};
        // A fp, B tp, C fn, D tn, E tp.
        QCOMPARE(groups.groups().at(isch).table, (review::Table{2, 1, 1, 1}));
        const review::Agreement a = review::agreement(groups.groups().at(isch).table);
        // po = 3/5; pe = (3·3 + 2·2)/25 = 13/25; κ = (15/25 − 13/25)/(12/25) = 1/6; PABAK = 2·0.6 − 1 = 0.2;
        // π = (2·2 + 1 + 1)/10 = 0.6, pγ = 2·0.6·0.4 = 0.48, AC1 = 0.12/0.52 = 3/13; PPA 2/3, NPA 1/2,
        // PPV 2/3, NPV 1/2.
        QVERIFY(near(a.agreement, 0.6));
        QVERIFY(near(a.kappa, 1.0 / 6.0));
        QVERIFY(near(a.pabak, 0.2));
        QVERIFY(near(a.ac1, 3.0 / 13.0));
        QVERIFY(near(a.ppa, 2.0 / 3.0));
        QVERIFY(near(a.npa, 0.5));
        QVERIFY(near(a.ppv, 2.0 / 3.0));
        QVERIFY(near(a.npv, 0.5));
        // Rhythm: all five negative on both sides (B's untrusted AF not counted): κ undefined, said why.
        const review::GroupKey rhythm{kModelName, kModelVersion, Category::EcgRhythm, "Ada Reader"};
        QCOMPARE(groups.groups().at(rhythm).table, (review::Table{0, 0, 0, 5}));
        QVERIFY(!review::agreement(groups.groups().at(rhythm).table).kappa.value.has_value());
    }

    void adjudicationsAreAppliedThroughTheHook() {
        review::ReviewSet set = m_result;
        const auto* a = study(1);
        QVERIFY(a != nullptr);
        review::StudyAdjudication adj;
        adj.studyUid = a->studyUid;
        adj.readingUid = a->readingUid;
        adj.labels = {review::AdjudicatedLabel{Category::EcgIschaemia, true, "STEMI confirmed"}};
        adj.adjudicator = "Bob Adjudicator";
        adj.adjudicationUid = "1.2.3.4";
        review::StudyAdjudication stale = adj;
        stale.readingUid = "9.9.9";
        review::StudyAdjudication nowhere = adj;
        nowhere.studyUid = "8.8.8";
        const std::size_t before = set.leftOut.size();
        review::applyAdjudications(set, {adj, stale, nowhere});
        QCOMPARE(set.leftOut.size(), before + 2);
        QVERIFY(set.leftOut[before].reason.find("not of the reading in force") != std::string::npos);
        QVERIFY(set.leftOut[before + 1].reason.find("matches no reviewed study") != std::string::npos);
        review::AgreementGroups groups;
        for (const auto& s : set.studies) {
            review::addReviewedStudy(groups, s);
        }
        // A's fp becomes a tp against the adjudicated label.
        const review::GroupKey isch{kModelName, kModelVersion, Category::EcgIschaemia, "Ada Reader"};
        QCOMPARE(groups.groups().at(isch).table, (review::Table{3, 0, 1, 1}));
    }

    void signedAdjudicationsAmongTheFilesReplaceTheClinicianSide() {
        ReviewFixture& f = *m_f;
        const auto set = f.root / "adjudicated";
        // K and L: the AI's acute STEMI against Ada's sinus rhythm (ischaemia: AI only). Rsa Reader adjudicates
        // both ischaemia positive; L's adjudication is then changed by one byte (sign-then-tamper).
        std::vector<std::filesystem::path> adjudications;
        for (const int index : {11, 12}) {
            const std::string name = index == 11 ? "K" : "L";
            const auto rec = f.makeStudy(set, name, index);
            QVERIFY(f.signFindings(rec, "ecg", {kStemi}));
            const auto readingSr = f.signReading(rec, set / name / "reading.dcm", {kSinus}, "20261201130000", &f.readerFiles);
            QVERIFY2(!readingSr.empty(), f.error.c_str());
            auto a = reading::parseAdjudicationJson(
                R"({"bundles": ["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
                    "categories": [{"category": "ischaemia", "label": "positive",
                      "codes": [{"scheme": "SCT", "value": "401303003",
                                 "meaning": "Acute ST segment elevation myocardial infarction", "from": "ai"}],
                      "reason": "STEMI confirmed on review of V2-V4."}]})");
            QVERIFY2(a.hasValue(), a ? "" : a.error().message.c_str());
            reading::AdjudicationWriteOptions o;
            o.signer = f.rsaReaderFiles.signer();
            const auto out = set / name / "adjudication.dcm";
            auto w = reading::writeAdjudicationSr(*a, readingSr, o, out);
            QVERIFY2(w.hasValue(), w ? "" : w.error().message.c_str());
            adjudications.push_back(out);
        }
        std::string bytes = readAll(adjudications[1]);
        const auto at = bytes.find("STEMI confirmed");
        QVERIFY(at != std::string::npos);
        bytes[at] = 'X';
        writeAll(adjudications[1], bytes);

        auto store = verify::TrustStore::load(f.trust);
        QVERIFY(store.hasValue());
        const review::ReviewSet result = review::collectReviewSet({set}, *store, f.pki.now);
        QCOMPARE(result.studies.size(), std::size_t{2});
        const review::ReviewedStudy* k = nullptr;
        const review::ReviewedStudy* l = nullptr;
        for (const auto& s : result.studies) {
            (s.studyUid == "1.2.826.0.1.3680043.10.1002.11.1" ? k : l) = &s;
        }
        QVERIFY(k != nullptr && l != nullptr);
        QCOMPARE(k->adjudicated.size(), std::size_t{1});
        QCOMPARE(k->adjudicator, std::string("Rsa Reader"));
        QVERIFY(l->adjudicated.empty());
        bool tamperedListed = false;
        for (const auto& lo : result.leftOut) {
            if (lo.path == adjudications[1].string()) {
                tamperedListed = lo.reason.find("adjudication untrusted") != std::string::npos &&
                                 lo.reason.find("BAD_SIGNATURE") != std::string::npos;
            }
        }
        QVERIFY(tamperedListed);
        review::AgreementGroups groups;
        for (const auto& s : result.studies) {
            review::addReviewedStudy(groups, s);
        }
        // K counts against the adjudicated label (tp), L against Ada's reading (fp): the tampered adjudication
        // changes no figure.
        const review::GroupKey isch{kModelName, kModelVersion, Category::EcgIschaemia, "Ada Reader"};
        QCOMPARE(groups.groups().at(isch).table, (review::Table{1, 1, 0, 0}));
    }

    void aBundleInAnotherFolderIsRoutedByItsSignedSubject() {
        // Rule b of finding_discovery.h: a bundle not named after any recording, in a folder of its own, is
        // verified against the recording its signed subject names (the collector's second pass).
        const auto dir = m_f->root / "elsewhere";
        const auto rec = m_f->makeStudy(dir, "K", 11);
        QVERIFY(!rec.empty());
        QVERIFY(m_f->signFindings(rec, "ecg", {kStemi}));
        std::filesystem::create_directories(dir / "findings");
        std::filesystem::rename(dir / "K" / "ecg.finding.json", dir / "findings" / "omi.finding.json");
        QVERIFY(!m_f->signReading(rec, dir / "K" / "reading.dcm", {kAcuteMi}, "20261201100000", &m_f->readerFiles).empty());
        auto store = verify::TrustStore::load(m_f->trust);
        QVERIFY(store.hasValue());
        const review::ReviewSet set = review::collectReviewSet({dir}, *store, m_f->pki.now);
        std::string left;
        for (const auto& l : set.leftOut) {
            left += l.path + ": " + l.reason + "\n";
        }
        QVERIFY2(set.studies.size() == 1, left.c_str());
        QCOMPARE(set.studies[0].studyUid, std::string("1.2.826.0.1.3680043.10.1002.11.1"));
        QCOMPARE(set.studies[0].sideBySide.row(Category::EcgIschaemia)->state, review::RowState::Agree);
    }

    void dicomDateTimes() {
        QCOMPARE(review::dicomDateTimeToUnix("20261201100000"), std::optional<std::int64_t>(1796119200));
        QCOMPARE(review::dicomDateTimeToUnix("202612011000"), std::optional<std::int64_t>(1796119200));
        QCOMPARE(review::dicomDateTimeToUnix("20261201110000.123456+0100"), std::optional<std::int64_t>(1796119200));
        QCOMPARE(review::dicomDateTimeToUnix("20261201090000-0100 "), std::optional<std::int64_t>(1796119200));
        QCOMPARE(review::dicomDateTimeToUnix("19700101000000"), std::optional<std::int64_t>(0));
        for (const char* bad : {"", "2026", "20261301100000", "20260230100000", "20261201250000", "2026120110000x",
                                "20261201100000+01", "20261201100000.", "20261201100000.1234567"}) {
            QVERIFY2(!review::dicomDateTimeToUnix(bad).has_value(), bad);
        }
    }
};

QTEST_GUILESS_MAIN(TstReviewCollect)
#include "tst_review_collect.moc"
