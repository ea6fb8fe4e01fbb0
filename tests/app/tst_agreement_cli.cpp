// `veridicor-cli agreement` end to end, through the real program, on studies signed with the tests' PKI
// (tests/review/review_fixture.h): the figures of a small hand-built set against hand-computed values; a
// tampered reading (sign-then-tamper: BAD_SIGNATURE) and an untrusted finding left out of every figure and
// listed; the table, JSON and CSV forms; --by; the exit codes (0 figures, 1 nothing counted, 2 usage).
#include "cli_run.h"
#include "review_fixture.h"
#include "test_data.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <array>
#include <cmath>

using namespace veridicor;
using namespace veridicor::test;

class TstAgreementCli : public QObject {
    Q_OBJECT

    std::unique_ptr<ReviewFixture> m_f;
    QString m_cli;
    std::filesystem::path m_set;
    std::filesystem::path m_tampered;
    std::filesystem::path m_untrusted;
    QString m_at;

    [[nodiscard]] CliRun agreement(const QStringList& extra, const std::filesystem::path& dir = {}) const {
        QStringList args{QStringLiteral("agreement"), qpath(dir.empty() ? m_set : dir), QStringLiteral("--trust"),
                         qpath(m_f->trust), QStringLiteral("--at"), m_at};
        args += extra;
        return runProgram(m_cli, args);
    }
    static const nlohmann::json* group(const nlohmann::json& doc, const std::string& category) {
        for (const auto& g : doc.at("groups")) {
            if (g.at("category").is_string() && g.at("category").get<std::string>() == category) {
                return &g;
            }
        }
        return nullptr;
    }
    static bool listed(const nlohmann::json& doc, const std::filesystem::path& path, const std::string& words) {
        for (const auto& l : doc.at("leftOut")) {
            if (l.at("path").get<std::string>() == path.string() &&
                l.at("reason").get<std::string>().find(words) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

private slots:
    void initTestCase() {
        m_f = std::make_unique<ReviewFixture>(verify::now());
        QVERIFY2(m_f->setUpReview(), m_f->error.c_str());
        m_cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(m_cli), qPrintable(m_cli));
        m_at = QString::fromStdString(verify::formatRfc3339(std::chrono::floor<std::chrono::seconds>(m_f->pki.now)));
        m_set = m_f->root / "set";
        ReviewFixture& f = *m_f;
        const ReaderFiles* ada = &f.readerFiles;
        // Ischaemia: A fp, B tp, C fn, D tn, E tp (the hand computation is in figuresOfTheHandBuiltSet).
        struct Planned {
            const char* name;
            std::vector<Code> ai;
            std::vector<Code> reading;
        };
        const std::array<Planned, 5> studies{{{"A", {kStemi}, {kSinus, kStElevation}},
                                              {"B", {kStemi}, {kAcuteMi, kStElevation}},
                                              {"C", {kSinus}, {kMi}},
                                              {"D", {kSinus}, {kSinus}},
                                              {"E", {kStemi}, {kAcuteMi}}}};
        int index = 1;
        for (const auto& s : studies) {
            const auto rec = f.makeStudy(m_set, s.name, index);
            QVERIFY2(!rec.empty() && f.signFindings(rec, "ecg", s.ai), f.error.c_str());
            QVERIFY2(!f.signReading(rec, rec.parent_path() / "reading.dcm", s.reading,
                                    "2026120110000" + std::to_string(index), ada)
                          .empty(),
                     f.error.c_str());
            ++index;
        }
        // B also holds an untrusted bundle (an unknown signer) claiming atrial fibrillation.
        m_untrusted = m_set / "B" / "ecg.other.finding.json";
        QVERIFY(f.signFindings(m_set / "B" / "ecg.dcm", "ecg.other", {kAf}, &f.pki.other));
        // F: AI STEMI; its reading (sinus rhythm: an fp if it counted) signed, then tampered.
        const auto fs = f.makeStudy(m_set, "F", 6);
        QVERIFY(f.signFindings(fs, "ecg", {kStemi}));
        m_tampered = f.signReading(fs, m_set / "F" / "reading.dcm", {kSinus}, "20261201100006", ada);
        QVERIFY(!m_tampered.empty() && ReviewFixture::tamperText(m_tampered));
        // G: only an untrusted finding (STEMI) against a reading of acute MI (a tp if it counted).
        const auto g = f.makeStudy(m_set, "G", 7);
        QVERIFY(f.signFindings(g, "ecg", {kStemi}, &f.pki.other));
        QVERIFY(!f.signReading(g, m_set / "G" / "reading.dcm", {kAcuteMi}, "20261201100007", ada).empty());
    }

    void helpListsTheCommand() {
        const CliRun r = runProgram(m_cli, {QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("agreement"));
    }

    void figuresOfTheHandBuiltSet() {
        const CliRun r = agreement({QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const auto doc = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(doc.at("by"), nlohmann::json::array({"model", "category"}));
        const nlohmann::json* isch = group(doc, "ischaemia");
        QVERIFY(isch != nullptr);
        QCOMPARE(isch->at("model").at("name").get<std::string>(), std::string(kModelName));
        QCOMPARE(isch->at("model").at("version").get<std::string>(), std::string(kModelVersion));
        QCOMPARE(isch->at("n").get<int>(), 5);
        QCOMPARE(isch->at("table"), (nlohmann::json{{"tp", 2}, {"fp", 1}, {"fn", 1}, {"tn", 1}}));
        // po = 3/5; pe = (3·3 + 2·2)/25 = 13/25; κ = (2/25)/(12/25) = 1/6; PABAK = 0.2;
        // π = 6/10, pγ = 0.48, AC1 = 0.12/0.52 = 3/13; PPA = PPV = 2/3; NPA = NPV = 1/2.
        auto near = [&](const char* k, double v) { return std::abs(isch->at(k).get<double>() - v) < 1e-9; };
        QVERIFY(near("agreement", 0.6));
        QVERIFY(near("kappa", 1.0 / 6.0));
        QVERIFY(near("pabak", 0.2));
        QVERIFY(near("ac1", 3.0 / 13.0));
        QVERIFY(near("ppa", 2.0 / 3.0));
        QVERIFY(near("npa", 0.5));
        QVERIFY(near("ppv", 2.0 / 3.0));
        QVERIFY(near("npv", 0.5));
        QCOMPARE(isch->at("kappaCI").size(), std::size_t{2});
        QVERIFY(isch->at("kappaCI").at(0).get<double>() < 1.0 / 6.0 && isch->at("kappaCI").at(1).get<double>() > 1.0 / 6.0);
        // Rhythm: five negatives on both sides — B's untrusted AF was not counted — so κ is null with a reason.
        const nlohmann::json* rhythm = group(doc, "rhythm");
        QVERIFY(rhythm != nullptr);
        QCOMPARE(rhythm->at("table"), (nlohmann::json{{"tp", 0}, {"fp", 0}, {"fn", 0}, {"tn", 5}}));
        QVERIFY(rhythm->at("kappa").is_null());
        QVERIFY(!rhythm->at("kappaWhy").get<std::string>().empty());
        QVERIFY(rhythm->at("ppa").is_null() && rhythm->at("ppaWhy").is_string());
        QVERIFY(r.out.indexOf("NaN") < 0 && r.out.indexOf("nan") < 0);
        // Left out and listed: the tampered reading (and so F's finding), both untrusted bundles, G.
        QVERIFY(listed(doc, m_tampered, "BAD_SIGNATURE"));
        QVERIFY(listed(doc, m_set / "F" / "ecg.finding.json", "no signed, verified ECG reading"));
        QVERIFY(listed(doc, m_untrusted, "finding untrusted: SIGNER_NOT_AUTHORIZED"));
        QVERIFY(listed(doc, m_set / "G" / "ecg.finding.json", "finding untrusted"));
        QVERIFY(listed(doc, m_set / "G" / "reading.dcm", "no verified AI finding"));
        for (const auto& g : doc.at("groups")) {
            QVERIFY(g.at("n").get<int>() == 5); // five counted studies in every category, F and G in none
        }
    }

    void tableOnStdoutLeftOutOnStderr() {
        const CliRun r = agreement({});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY2(r.out.contains("ECG: ischaemia") && r.out.contains("kappa") && r.out.contains("0.167"),
                 r.out.constData());
        QVERIFY(!r.out.contains("BAD_SIGNATURE"));
        QVERIFY2(r.err.contains("BAD_SIGNATURE") && r.err.contains(m_tampered.string().c_str()), r.err.constData());
        QVERIFY(r.err.contains("SIGNER_NOT_AUTHORIZED"));
    }

    void csvWithTheLeftOutList() {
        const CliRun r = agreement({QStringLiteral("--csv")});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QVERIFY(r.out.startsWith("model_name,model_version,category,reader,n,tp,fp,fn,tn,disagreements"));
        const QByteArray line = "\necg-omi-detector,2.1.0,ischaemia,,5,2,1,1,1,0,";
        const auto at = r.out.indexOf(line);
        QVERIFY2(at >= 0, r.out.constData());
        // The next cell is the raw agreement, 3/5, written in the shortest form that reads back exactly.
        const QByteArray rest = r.out.mid(at + line.size(), 40);
        QVERIFY2(std::abs(rest.left(rest.indexOf(',')).toDouble() - 0.6) < 1e-15, rest.constData());
        QVERIFY(r.out.contains("\nleft_out,path,study_uid,reason\n"));
        QVERIFY(r.out.contains("BAD_SIGNATURE"));
    }

    void byReader() {
        const CliRun r = agreement({QStringLiteral("--json"), QStringLiteral("--by"), QStringLiteral("reader")});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        const auto doc = nlohmann::json::parse(r.out.toStdString());
        // Model and category pooled: one table of 5 studies × 7 ECG categories.
        QCOMPARE(doc.at("groups").size(), std::size_t{1});
        const auto& g = doc.at("groups").at(0);
        QCOMPARE(g.at("reader").get<std::string>(), std::string("Ada Reader"));
        QVERIFY(g.at("model").is_null() && g.at("category").is_null());
        QCOMPARE(g.at("n").get<int>(), 35);
    }

    void nothingCountedExitsOne() {
        const CliRun r = agreement({QStringLiteral("--json")}, m_set / "G");
        QCOMPARE(r.exitCode, 1);
        const auto doc = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(doc.at("groups").empty());
        QVERIFY(!doc.at("leftOut").empty());
    }

    void usageErrorsExitTwo() {
        QCOMPARE(runProgram(m_cli, {QStringLiteral("agreement"), qpath(m_set)}).exitCode, 2); // no --trust
        QCOMPARE(agreement({QStringLiteral("--json"), QStringLiteral("--csv")}).exitCode, 2);
        QCOMPARE(agreement({QStringLiteral("--by"), QStringLiteral("model,site")}).exitCode, 2);
        QCOMPARE(agreement({QStringLiteral("--by"), QStringLiteral("model,model")}).exitCode, 2);
        QCOMPARE(agreement({}, m_f->root / "no-such-folder").exitCode, 2);
        QCOMPARE(runProgram(m_cli, {QStringLiteral("agreement"), qpath(m_set), QStringLiteral("--trust"),
                                    qpath(m_f->root / "no-trust")})
                     .exitCode,
                 2);
        QCOMPARE(agreement({QStringLiteral("--at"), QStringLiteral("yesterday")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TstAgreementCli)
#include "tst_agreement_cli.moc"
