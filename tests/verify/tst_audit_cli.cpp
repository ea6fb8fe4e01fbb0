// The audit-log contract of R2.5 through the real veridicor-cli binary: `verify --audit-log` signs the head
// with the audit key (made at first use, mode 0600, `.pub.pem` beside it; `--audit-key FILE` or the config
// folder), `--audit-witness` sends each head to a witness, and `audit-verify --key PUB.pem [--witness FILE]
// LOG` finds every attack on the log and its head, each test named after its attack. Exit codes: 0 intact, 1
// damaged, 2 usage error or unreadable.
#include "cli_run.h"
#include "test_data.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

// moc (Qt 6.4) stops reading this file at some raw string literals (one that ends in a quote or holds an odd
// number of them): the test class then has no moc output and the test does not link. Those stay escaped.
// NOLINTBEGIN(modernize-raw-string-literal)

using namespace veridicor;
using namespace veridicor::test;

namespace {

using Run = test::CliRun;

bool writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

unsigned modeOf(const QString& path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777U) : 07777U;
}

/// The log's lines without their '\n'.
QList<QByteArray> linesOf(const QString& log) {
    QList<QByteArray> ls = readFile(log).split('\n');
    if (!ls.isEmpty() && ls.back().isEmpty()) {
        ls.pop_back();
    }
    return ls;
}

QByteArray joinLines(const QList<QByteArray>& ls) {
    QByteArray out;
    for (const auto& l : ls) {
        out += l + '\n';
    }
    return out;
}

std::string sha(const QByteArray& b) {
    return verify::sha256Hex(std::string_view(b.constData(), static_cast<std::size_t>(b.size())));
}

/// Recomputes `prev` and `hash` of lines[from…] (an editor who knows the format).
void rechain(QList<QByteArray>& ls, qsizetype from) {
    for (qsizetype i = from; i < ls.size(); ++i) {
        std::string line = ls[i].toStdString();
        const auto at = line.find("\"prev\":\"") + 8;
        line.replace(at, 64, i == 0 ? std::string(64, '0') : sha(ls[i - 1]));
        const auto h = line.rfind(",\"hash\":\"");
        const std::string body = line.substr(0, h) + "}";
        ls[i] =
            QByteArray::fromStdString(line.substr(0, h) + ",\"hash\":\"" + verify::sha256Hex(body) + "\"}");
    }
}

QByteArray unsignedHead(qsizetype lines, const std::string& last) {
    return QByteArray::fromStdString("{\"lines\":" + std::to_string(lines) + ",\"lastLineSha256\":\"" + last +
                                     "\"}\n");
}

} // namespace

class TestAuditCli : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    QString cli;
    QString trust;
    QString data;
    QString bundle;
    QString config; ///< XDG_CONFIG_HOME of every run
    int counter = 0;

    [[nodiscard]] Run run(const QStringList& args) const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
        return test::runProgram(cli, args, env);
    }

    /// One `verify --audit-log` (the bundle is malformed: untrusted, exit 1, and recorded all the same).
    [[nodiscard]] QStringList verifyArgs(const QString& log, const QString& key,
                                         const QString& witness = {}) const {
        QStringList args{QStringLiteral("verify"),
                         QStringLiteral("--trust"),
                         trust,
                         QStringLiteral("--data"),
                         data,
                         QStringLiteral("--audit-log"),
                         log};
        if (!key.isEmpty()) {
            args << QStringLiteral("--audit-key") << key;
        }
        if (!witness.isEmpty()) {
            args << QStringLiteral("--audit-witness") << witness;
        }
        return args << bundle;
    }
    [[nodiscard]] bool append(const QString& log, const QString& key, const QString& witness = {}) const {
        const Run r = run(verifyArgs(log, key, witness));
        if (r.exitCode != 1 || !r.err.isEmpty()) {
            qWarning("verify --audit-log: exit %d: %s", r.exitCode, r.err.constData());
            return false;
        }
        return true;
    }

    /// A fresh folder with a log of `n` lines signed by its own key (`dir/key.pem`).
    struct Log {
        QString dir, log, key, pub, witness;
    };
    Log freshLog(int n, bool witness = false) {
        Log l;
        l.dir = tmp.filePath(QStringLiteral("log-%1").arg(++counter));
        l.log = l.dir + QStringLiteral("/audit.log");
        l.key = l.dir + QStringLiteral("/key/audit-key.pem");
        l.pub = l.key + QStringLiteral(".pub.pem");
        l.witness = witness ? l.dir + QStringLiteral("/witness.jsonl") : QString();
        QDir().mkpath(l.dir); // the key's folder is made at first use; the log's is not
        for (int i = 0; i < n; ++i) {
            if (!append(l.log, l.key, l.witness)) {
                break;
            }
        }
        return l;
    }

    [[nodiscard]] Run auditVerify(const Log& l, bool withKey = true, bool withWitness = false) const {
        QStringList args{QStringLiteral("audit-verify")};
        if (withKey) {
            args << QStringLiteral("--key") << l.pub;
        }
        if (withWitness) {
            args << QStringLiteral("--witness") << l.witness;
        }
        return run(args << l.log);
    }

    static void expectDamaged(const Run& r, int line, const char* words) {
        QVERIFY2(r.exitCode == 1, (r.out + r.err).constData());
        QVERIFY2(r.out.startsWith("damaged: first bad line " + QByteArray::number(line) + ":"),
                 r.out.constData());
        QVERIFY2(r.out.contains(words), r.out.constData());
        QVERIFY(r.err.contains("line " + QByteArray::number(line)));
    }
    static void expectIntact(const Run& r) { QVERIFY2(r.exitCode == 0, (r.out + r.err).constData()); }

private slots:
    void initTestCase() {
        cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(cli), "veridicor-cli is not built");
        config = tmp.filePath(QStringLiteral("config"));
        const Run r = run({QStringLiteral("make-demo-pki"), tmp.filePath(QStringLiteral("demo"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        trust = tmp.filePath(QStringLiteral("demo/trust"));
        data = tmp.filePath(QStringLiteral("recording.bin"));
        bundle = tmp.filePath(QStringLiteral("malformed.finding.json"));
        QVERIFY(writeFile(data, QByteArray(1000, '\x5a')));
        QVERIFY(writeFile(bundle, "{}"));
    }

    void keyIsCreatedAtFirstUseWithMode0600AndItsPublicKeyBeside() {
        const Log l = freshLog(2);
        QVERIFY(QFileInfo::exists(l.key));
        QCOMPARE(modeOf(l.key), 0600U);
        QVERIFY(QFileInfo::exists(l.pub));
        QVERIFY(readFile(l.pub).startsWith("-----BEGIN PUBLIC KEY-----"));
        QCOMPARE(linesOf(l.log).size(), qsizetype{2});
        const Run a = auditVerify(l);
        expectIntact(a);
        QCOMPARE(a.out, QByteArray("intact: 2 lines, head signed by the audit key\n"));
        // The same key is used again, not replaced.
        const QByteArray key = readFile(l.key);
        QVERIFY(append(l.log, l.key));
        QCOMPARE(readFile(l.key), key);
        expectIntact(auditVerify(l));
    }

    void defaultKeyIsInTheConfigFolder() {
        // Without --audit-key: $XDG_CONFIG_HOME/veridicor/audit-key.pem, as for the GUI.
        const QString log = tmp.filePath(QStringLiteral("default-audit.log"));
        QVERIFY(append(log, QString()));
        const QString key = config + QStringLiteral("/veridicor/audit-key.pem");
        QVERIFY(QFileInfo::exists(key));
        QCOMPARE(modeOf(key), 0600U);
        const Run a = run(
            {QStringLiteral("audit-verify"), QStringLiteral("--key"), key + QStringLiteral(".pub.pem"), log});
        expectIntact(a);
    }

    void keyReadableByGroupOrOthersIsRefused() {
        const Log l = freshLog(1);
        QVERIFY(QFile::setPermissions(l.key, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                 QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const Run r = run(verifyArgs(l.log, l.key));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("too open") && r.err.contains("chmod 600") && r.err.contains(l.key.toUtf8()),
                 r.err.constData());
        QVERIFY(r.out.isEmpty()); // no verdict without its record
        QCOMPARE(linesOf(l.log).size(), qsizetype{1});
    }

    void withoutKeyTheSignatureIsNotCheckedAndSaysSo() {
        const Log l = freshLog(2);
        const Run a = auditVerify(l, false);
        expectIntact(a);
        QVERIFY2(a.out.startsWith("intact: 2 lines\nnote: the head record's signature was not checked"),
                 a.out.constData());
    }

    void attackCutTheTailAndRewriteTheHead() {
        const Log l = freshLog(4);
        QList<QByteArray> ls = linesOf(l.log);
        ls.resize(2);
        QVERIFY(writeFile(l.log, joinLines(ls)));
        QVERIFY(writeFile(l.log + QStringLiteral(".head"), unsignedHead(2, sha(ls[1]))));
        expectDamaged(auditVerify(l), 3, "not signed");
        expectIntact(auditVerify(l, false)); // the documented limit without --key
    }

    void attackKeepOneLineAndDeleteTheHead() {
        const Log l = freshLog(3);
        QList<QByteArray> ls = linesOf(l.log);
        ls.resize(1);
        QVERIFY(writeFile(l.log, joinLines(ls)));
        QVERIFY(QFile::remove(l.log + QStringLiteral(".head")));
        expectDamaged(auditVerify(l), 2, "missing");
        expectDamaged(auditVerify(l, false), 2, "missing");
    }

    void attackEmptyTheLog() {
        const Log l = freshLog(3);
        QVERIFY(writeFile(l.log, QByteArray()));
        expectDamaged(auditVerify(l), 1, "truncated");
        QVERIFY(QFile::remove(l.log + QStringLiteral(".head")));
        expectDamaged(auditVerify(l), 1, "emptied");
    }

    void attackEditAndRechain() {
        const Log l = freshLog(4);
        QList<QByteArray> ls = linesOf(l.log);
        ls[1].replace("\"detail\":\"\"", "\"detail\":\"nothing shown\"");
        rechain(ls, 1);
        QVERIFY(writeFile(l.log, joinLines(ls)));
        QVERIFY(writeFile(l.log + QStringLiteral(".head"), unsignedHead(4, sha(ls[3]))));
        expectDamaged(auditVerify(l), 5, "not signed");
        // A head signed by another key: the attacker's own log's head, its counts made to fit.
        const Log other = freshLog(4);
        QVERIFY(writeFile(l.log + QStringLiteral(".head"), readFile(other.log + QStringLiteral(".head"))));
        expectDamaged(auditVerify(l), 5, "signed by another key");
    }

    void attackAppendAForgedChainedLine() {
        const Log l = freshLog(3);
        QList<QByteArray> ls = linesOf(l.log);
        QByteArray forged = ls[2];
        forged.replace("\"seq\":3", "\"seq\":4");
        ls.push_back(forged);
        rechain(ls, 3);
        QVERIFY(writeFile(l.log, joinLines(ls)));
        expectDamaged(auditVerify(l), 4, "added after the last head record"); // the head is one behind
        // The next append records it instead of signing over it.
        QVERIFY(append(l.log, l.key));
        expectDamaged(auditVerify(l), 5, "line 4 was not covered by a signed head record");
    }

    void attackRollBackToAnOlderValidCopy() {
        const Log l = freshLog(2, true);
        const QByteArray oldLog = readFile(l.log);
        const QByteArray oldHead = readFile(l.log + QStringLiteral(".head"));
        QVERIFY(append(l.log, l.key, l.witness));
        QVERIFY(append(l.log, l.key, l.witness));
        expectIntact(auditVerify(l, true, true));
        QVERIFY(writeFile(l.log, oldLog));
        QVERIFY(writeFile(l.log + QStringLiteral(".head"), oldHead));
        // NOT caught without the witness (the documented limit: both were signed with the audit key).
        expectIntact(auditVerify(l));
        // Caught with it, naming what the witness saw.
        const Run r = auditVerify(l, true, true);
        expectDamaged(r, 3, "rolled back or rewritten");
        QVERIFY2(r.out.contains("for 3 lines") && r.out.contains("only 2 lines"), r.out.constData());
    }

    void headSignedByAnotherKeyIsDamage() {
        const Log l = freshLog(2);
        const Log other = freshLog(1);
        const Run r = run({QStringLiteral("audit-verify"), QStringLiteral("--key"), other.pub, l.log});
        expectDamaged(r, 3, "signed by another key");
    }

    void concurrentFirstUseByTwoProcessesMakesOneKey() {
        // Processes appending to two logs at once, each the first user of the same new key: one key is made,
        // and both logs verify with its public key.
        const QString dir = tmp.filePath(QStringLiteral("race"));
        const QString key = dir + QStringLiteral("/key/audit-key.pem");
        QDir().mkpath(dir);
        constexpr int kProcesses = 4;
        std::vector<std::unique_ptr<QProcess>> ps;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
        for (int i = 0; i < kProcesses; ++i) {
            ps.push_back(std::make_unique<QProcess>());
            ps.back()->setProcessEnvironment(env);
        }
        for (int i = 0; i < kProcesses; ++i) {
            ps[i]->start(cli, verifyArgs(dir + QStringLiteral("/audit-%1.log").arg(i), key));
        }
        for (int i = 0; i < kProcesses; ++i) {
            QVERIFY(ps[i]->waitForFinished(120000));
            QVERIFY2(ps[i]->exitCode() == 1, ps[i]->readAllStandardError().constData());
        }
        QCOMPARE(QDir(dir + QStringLiteral("/key")).entryList(QDir::Files | QDir::Hidden).size(),
                 qsizetype{2});
        QCOMPARE(modeOf(key), 0600U);
        for (int i = 0; i < kProcesses; ++i) {
            expectIntact(
                run({QStringLiteral("audit-verify"), QStringLiteral("--key"),
                     key + QStringLiteral(".pub.pem"), dir + QStringLiteral("/audit-%1.log").arg(i)}));
        }
    }

    void usageAndUnreadableInputsExit2_data() {
        QTest::addColumn<QStringList>("args");
        const Log l = freshLog(1);
        QTest::newRow("--witness without --key")
            << QStringList{QStringLiteral("audit-verify"), QStringLiteral("--witness"), l.log, l.log};
        QTest::newRow("--key missing") << QStringList{QStringLiteral("audit-verify"), QStringLiteral("--key"),
                                                      l.dir + QStringLiteral("/none.pem"), l.log};
        QTest::newRow("--key is the private key")
            << QStringList{QStringLiteral("audit-verify"), QStringLiteral("--key"), l.key, l.log};
        QTest::newRow("--key is not Ed25519")
            << QStringList{QStringLiteral("audit-verify"), QStringLiteral("--key"),
                           tmp.filePath(QStringLiteral("demo/signers/finding-signer.chain.pem")), l.log};
        QTest::newRow("witness unreadable") << QStringList{QStringLiteral("audit-verify"),
                                                           QStringLiteral("--key"),
                                                           l.pub,
                                                           QStringLiteral("--witness"),
                                                           l.dir + QStringLiteral("/none.jsonl"),
                                                           l.log};
        QTest::newRow("log unreadable")
            << QStringList{QStringLiteral("audit-verify"), QStringLiteral("--key"), l.pub,
                           l.dir + QStringLiteral("/none.log")};
        QTest::newRow("two logs") << QStringList{QStringLiteral("audit-verify"), l.log, l.log};
        QTest::newRow("--audit-key without --audit-log") << QStringList{QStringLiteral("verify"),
                                                                        QStringLiteral("--trust"),
                                                                        trust,
                                                                        QStringLiteral("--data"),
                                                                        data,
                                                                        QStringLiteral("--audit-key"),
                                                                        l.key,
                                                                        bundle};
        QTest::newRow("--audit-witness without --audit-log") << QStringList{QStringLiteral("verify"),
                                                                            QStringLiteral("--trust"),
                                                                            trust,
                                                                            QStringLiteral("--data"),
                                                                            data,
                                                                            QStringLiteral("--audit-witness"),
                                                                            l.dir + QStringLiteral("/w"),
                                                                            bundle};
    }
    void usageAndUnreadableInputsExit2() {
        QFETCH(QStringList, args);
        const Run r = run(args);
        QVERIFY2(r.exitCode == 2, (r.out + r.err).constData());
        QVERIFY(!r.err.isEmpty());
    }

    void helpNamesTheOptions() {
        const Run a = run({QStringLiteral("audit-verify"), QStringLiteral("--help")});
        QCOMPARE(a.exitCode, 0);
        QVERIFY(a.out.contains("--key") && a.out.contains("--witness"));
        const Run v = run({QStringLiteral("verify"), QStringLiteral("--help")});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.contains("--audit-key") && v.out.contains("--audit-witness"));
    }
};

QTEST_GUILESS_MAIN(TestAuditCli)
// NOLINTEND(modernize-raw-string-literal)
#include "tst_audit_cli.moc"
