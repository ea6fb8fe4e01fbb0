// The command-line contract of the reading commands, through the real veridicor-cli: reading-sign,
// reading-verify (verdict JSON fields; exit 0 trusted, 1 untrusted, 2 usage or unreadable), reading-show.
#include "cli_run.h"
#include "reading_fixture.h"
#include "test_data.h"

#include <veridicor/verify/json.h>

#include <QtTest>

#include <fstream>

using namespace veridicor;
using namespace veridicor::test;

namespace {

using Run = test::CliRun;


} // namespace

class TestReadingCli : public QObject {
    Q_OBJECT

    std::unique_ptr<ReadingFixture> m_f;
    QString m_cli;
    QString m_readingJson;

    [[nodiscard]] Run run(const QStringList& args) const {
        return test::runProgram(m_cli, args);
    }
    [[nodiscard]] Run sign(const ReaderFiles& who, const QString& out) const {
        return run({QStringLiteral("reading-sign"), QStringLiteral("--key"), qpath(who.key), QStringLiteral("--chain"),
                    qpath(who.chain), QStringLiteral("--data"), qpath(m_f->recording), QStringLiteral("--reading"),
                    m_readingJson, QStringLiteral("-o"), out});
    }
    [[nodiscard]] Run verifyCmd(const QString& sr) const {
        return run({QStringLiteral("reading-verify"), QStringLiteral("--trust"), qpath(m_f->trust), sr});
    }

private slots:
    void initTestCase() {
        m_f = std::make_unique<ReadingFixture>(verify::now());
        QVERIFY2(m_f->setUp(), m_f->error.c_str());
        m_cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(m_cli), qPrintable(m_cli));
        m_readingJson = qpath(m_f->root / "READING.json");
        std::ofstream(m_f->root / "READING.json") << kReadingJson;
        std::filesystem::create_directories(m_f->root / "out");
    }

    void helpListsTheReadingCommands() {
        const Run r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char* c : {"reading-sign", "reading-verify", "reading-show"}) {
            QVERIFY2(r.out.contains(c), c);
        }
    }

    void signThenVerifyIsTrustedWithTheReading() {
        const QString sr = qpath(m_f->out("cli.dcm"));
        const Run s = sign(m_f->readerFiles, sr);
        QVERIFY2(s.exitCode == 0, s.err.constData());
        const Run v = verifyCmd(sr);
        QVERIFY2(v.exitCode == 0, (v.out + v.err).constData());
        auto doc = verify::json::parse(v.out.toStdString());
        QVERIFY(doc.hasValue());
        QCOMPARE(doc->find("verdict")->asString(), std::string("trusted"));
        QVERIFY(doc->find("reasons")->asArray().empty());
        QVERIFY(doc->find("signer")->isObject());
        QCOMPARE(doc->find("signer")->find("authorized")->asString(), std::string("email:") + kReaderEmail);
        QCOMPARE(doc->find("checks")->asArray().size(), std::size_t{5});
        const verify::json::Value* reading = doc->find("reading");
        QVERIFY(reading != nullptr);
        QCOMPARE(reading->find("blind")->asBool(), true);
        QCOMPARE(reading->find("statements")->asArray()[0].find("value")->asString(), std::string("164931005"));
        QCOMPARE(reading->find("measurements")->asArray()[0].find("value")->numberText(), std::string("412"));
        // Signing again to the same file never overwrites it.
        QCOMPARE(sign(m_f->readerFiles, sr).exitCode, 2);
    }

    void untrustedExitsOneWithoutTheReading() {
        const QString sr = qpath(m_f->out("cli-other.dcm"));
        QCOMPARE(sign(m_f->otherFiles, sr).exitCode, 0);
        const Run v = verifyCmd(sr);
        QCOMPARE(v.exitCode, 1);
        auto doc = verify::json::parse(v.out.toStdString());
        QVERIFY(doc.hasValue());
        QCOMPARE(doc->find("verdict")->asString(), std::string("untrusted"));
        QCOMPARE(doc->find("reasons")->asArray()[0].asString(), std::string("SIGNER_NOT_AUTHORIZED"));
        QVERIFY(doc->find("reading") == nullptr);
        QVERIFY(!doc->find("explanations")->asArray().empty());
    }

    void usageAndUnreadableExitTwo() {
        QCOMPARE(run({QStringLiteral("reading-verify"), QStringLiteral("--trust"), qpath(m_f->trust)}).exitCode, 2);
        QCOMPARE(verifyCmd(qpath(m_f->root / "missing.dcm")).exitCode, 2);
        std::ofstream(m_f->root / "garbage.dcm") << std::string(2048, 'x');
        QCOMPARE(verifyCmd(qpath(m_f->root / "garbage.dcm")).exitCode, 2);
        QCOMPARE(run({QStringLiteral("reading-sign"), QStringLiteral("--key"), qpath(m_f->readerFiles.key)}).exitCode,
                 2);
        QCOMPARE(run({QStringLiteral("reading-show")}).exitCode, 2);
        QCOMPARE(run({QStringLiteral("reading-verify"), QStringLiteral("--trust"), qpath(m_f->trust),
                      QStringLiteral("--at"), QStringLiteral("yesterday"), qpath(m_f->recording)})
                     .exitCode,
                 2);
    }

    void weakKeyIsRefusedWithTheReason() {
        const Run r = sign(m_f->rsa1024Files, qpath(m_f->out("cli-weak.dcm")));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("RSA 1024"), r.err.constData());
    }

    void badReadingJsonNamesTheMember() {
        std::ofstream(m_f->root / "bad.json") << R"({"blind": "yes"})";
        const Run r = run({QStringLiteral("reading-sign"), QStringLiteral("--key"), qpath(m_f->readerFiles.key),
                           QStringLiteral("--chain"), qpath(m_f->readerFiles.chain), QStringLiteral("--data"),
                           qpath(m_f->recording), QStringLiteral("--reading"), qpath(m_f->root / "bad.json"),
                           QStringLiteral("-o"), qpath(m_f->out("cli-bad.dcm"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("reading.blind"), r.err.constData());
    }

    void showMarksTheContentUnverified() {
        const QString sr = qpath(m_f->out("cli-show.dcm"));
        QCOMPARE(sign(m_f->otherFiles, sr).exitCode, 0);
        const Run r = run({QStringLiteral("reading-show"), sr});
        QCOMPARE(r.exitCode, 0);
        auto doc = verify::json::parse(r.out.toStdString());
        QVERIFY(doc.hasValue());
        QCOMPARE(doc->find("verified")->asBool(), false);
        QVERIFY(doc->find("reading")->isObject());
    }
};

QTEST_GUILESS_MAIN(TestReadingCli)
#include "tst_reading_cli.moc"
