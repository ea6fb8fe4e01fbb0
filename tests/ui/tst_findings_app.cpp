// The real workstation binary on the generated demo study (xcb under Xvfb): `veridicor --open … --trust …
// --dump-visible-text … --screenshot … --quit-after-load` shows the trusted demo findings and none of the
// manipulated ones' content; --show-anyway shows the replayed one marked UNTRUSTED and logs it; without a
// trust store nothing is trusted; --at is checked.
#include "test_data.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

// The demo findings' texts, as resources/demo/findings/make_demo_findings.cpp signs them.
const QString kEcgText = QStringLiteral("anterior ST-segment pattern flagged in V2-V4");
const QString kEditedText = QStringLiteral("no acute ST changes; this text was edited after signing");
const QString kUnknownSignerText = QStringLiteral("inferior ST elevation in II, III and aVF");
const QString kCineText = QStringLiteral("the apical left-ventricular wall moves less than the base");

struct Run {
    int exitCode = -1;
    QString texts;
    QString stderrText;
};

} // namespace

class TestFindingsApp : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    QString demo;
    QString trust;

    Run run(const QStringList& args, const QString& name) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // Settings and default paths of the binary stay inside this test.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), tmp.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), tmp.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        const QString textFile = tmp.filePath(name + QStringLiteral(".txt"));
        const QString shot = tmp.filePath(name + QStringLiteral(".png"));
        QStringList all = args;
        if (!all.contains(QStringLiteral("--blind-read"))) {
            // These runs are about what is shown of the findings; blind read (tst_reading_panel) would hide them.
            all << QStringLiteral("--blind-read") << QStringLiteral("off");
        }
        all << QStringLiteral("--dump-visible-text") << textFile << QStringLiteral("--screenshot") << shot
            << QStringLiteral("--quit-after-load") << QStringLiteral("--window-size")
            << QStringLiteral("1500x950");
        p.start(veridicor::test::buildDir() + QStringLiteral("/bin/veridicor"), all);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitCode();
        r.stderrText = QString::fromLocal8Bit(p.readAllStandardError());
        QFile f(textFile);
        if (f.open(QIODevice::ReadOnly)) {
            r.texts = QString::fromUtf8(f.readAll());
        }
        if (r.exitCode == 0) {
            const QImage img(shot);
            if (img.size() != QSize(1500, 950)) {
                r.exitCode = 99; // the screenshot must be the window
            }
        }
        return r;
    }

private slots:
    void initTestCase() {
        demo = veridicor::test::buildDir() + QStringLiteral("/demo");
        trust = veridicor::test::buildDir() + QStringLiteral("/demo-trust");
        if (!QFile::exists(demo + QStringLiteral("/ECG/demo_12lead_resting_ecg.omi.finding.json")) ||
            !QFile::exists(trust + QStringLiteral("/policy.json"))) {
            QSKIP("the demo findings (target demo_findings) have not been generated in this build");
        }
        QVERIFY(tmp.isValid());
    }

    void demoStudyShowsTrustedAndQuarantinesManipulated() {
        const QString log = tmp.filePath(QStringLiteral("audit-demo.log"));
        const Run r = run({QStringLiteral("--open"), demo, QStringLiteral("--trust"), trust,
                           QStringLiteral("--audit-log"), log},
                          QStringLiteral("demo"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.stderrText));
        QVERIFY2(r.texts.contains(kEcgText), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("Verified")), qPrintable(r.texts));
        QVERIFY2(!r.texts.contains(kEditedText), qPrintable(r.texts));
        QVERIFY2(!r.texts.contains(kUnknownSignerText), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("(BAD_SIGNATURE)")), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("(UNTRUSTED_CHAIN)")), qPrintable(r.texts));
        QVERIFY2(!r.texts.contains(QStringLiteral("UNTRUSTED:")), qPrintable(r.texts));
        // The display was logged, and the log checks out with the real command-line tool.
        QProcess cli;
        cli.start(veridicor::test::buildDir() + QStringLiteral("/bin/veridicor-cli"),
                  {QStringLiteral("audit-verify"), log});
        QVERIFY(cli.waitForFinished(30000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray lines = f.readAll();
        QCOMPARE(lines.count('\n'), 1);
        QVERIFY(lines.contains("\"event\":\"display\""));
        QVERIFY(lines.contains("demo_12lead_resting_ecg.omi.finding.json"));
    }

    void theWorklistKeepsTheDemoStudiesWithTheirAiSummary() {
        // A first session opens the demo: its studies go into the worklist database with the summary of their
        // verified findings. A second session, opening nothing, starts on the worklist and lists them.
        const QString db = tmp.filePath(QStringLiteral("worklist/worklist.sqlite"));
        const QString log = tmp.filePath(QStringLiteral("audit-worklist.log"));
        const Run first = run({QStringLiteral("--open"), demo, QStringLiteral("--trust"), trust,
                               QStringLiteral("--audit-log"), log, QStringLiteral("--worklist-db"), db},
                              QStringLiteral("worklist-first"));
        QVERIFY2(first.exitCode == 0, qPrintable(first.stderrText));
        QVERIFY(QFile::exists(db));
        const Run second = run({QStringLiteral("--trust"), trust, QStringLiteral("--audit-log"), log,
                                QStringLiteral("--worklist-db"), db},
                               QStringLiteral("worklist-second"));
        QVERIFY2(second.exitCode == 0, qPrintable(second.stderrText));
        QVERIFY2(second.texts.contains(QStringLiteral("Every study opened on this workstation")),
                 qPrintable(second.texts));
        // The ECG study: one bundle verified (the OMI finding, SNOMED CT 401303003), the manipulated ones
        // quarantined; only the verified one names a finding.
        QVERIFY2(second.texts.contains(QStringLiteral("verified · ")), qPrintable(second.texts));
        QVERIFY2(second.texts.contains(QStringLiteral("quarantined — Acute STEMI")), qPrintable(second.texts));
        QVERIFY2(second.texts.contains(QStringLiteral("unread")), qPrintable(second.texts));
    }

    void auditKeyOptionSignsTheHeadWithThatKey() {
        // --audit-key FILE: the GUI's audit log head is signed with that key, made at first use, private
        // key readable by its owner only, public key beside it; audit-verify checks the log with it.
        const QString log = tmp.filePath(QStringLiteral("audit-key.log"));
        const QString key = tmp.filePath(QStringLiteral("keys/gui-audit-key.pem"));
        QVERIFY(QDir().mkpath(QFileInfo(key).absolutePath()));
        const Run r = run({QStringLiteral("--open"), demo, QStringLiteral("--trust"), trust,
                           QStringLiteral("--audit-log"), log, QStringLiteral("--audit-key"), key},
                          QStringLiteral("audit-key"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.stderrText));
        QVERIFY(QFile::exists(log));
        QVERIFY(QFile::exists(key));
        QVERIFY(QFile::exists(key + QStringLiteral(".pub.pem")));
        QCOMPARE(QFile::permissions(key) & (QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ReadOther | QFileDevice::WriteOther),
                 QFileDevice::Permissions{});
        const auto auditVerify = [&](const QStringList& args) {
            QProcess cli;
            cli.start(veridicor::test::buildDir() + QStringLiteral("/bin/veridicor-cli"),
                      QStringList{QStringLiteral("audit-verify")} + args);
            cli.waitForFinished(30000);
            return cli.exitCode();
        };
        QCOMPARE(auditVerify({QStringLiteral("--key"), key + QStringLiteral(".pub.pem"), log}), 0);
        // Checked with another Ed25519 key (made by openssl), the same head is a foreign one: damage.
        const QString other = tmp.filePath(QStringLiteral("keys/other.pem"));
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("genpkey"), QStringLiteral("-algorithm"),
                                    QStringLiteral("ed25519"), QStringLiteral("-out"), other}),
                 0);
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("pkey"), QStringLiteral("-in"), other,
                                    QStringLiteral("-pubout"), QStringLiteral("-out"),
                                    other + QStringLiteral(".pub.pem")}),
                 0);
        QCOMPARE(auditVerify({QStringLiteral("--key"), other + QStringLiteral(".pub.pem"), log}), 1);
    }

    void replayedFindingBelongsToAnotherRecordingAndIsNeverShown() {
        // The trusted resting ECG's finding placed as the follow-up's: authentic, but made for another
        // recording. Not offered to show anyway, and --show-anyway does not show it either.
        const QString followup = demo + QStringLiteral("/ECG/demo_12lead_followup_ecg.dcm");
        const QString log = tmp.filePath(QStringLiteral("audit-replay.log"));
        const Run r = run({QStringLiteral("--open"), followup, QStringLiteral("--trust"), trust,
                           QStringLiteral("--audit-log"), log},
                          QStringLiteral("replay"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.stderrText));
        QVERIFY2(!r.texts.contains(kEcgText), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("This finding was made for a different recording")),
                 qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("(DATA_MISMATCH)")), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("belongs to another recording")), qPrintable(r.texts));
        QVERIFY2(!r.texts.contains(QStringLiteral("Show anyway…")), qPrintable(r.texts));
        QVERIFY(!QFile::exists(log));

        const Run anyway = run({QStringLiteral("--open"), followup, QStringLiteral("--trust"), trust,
                                QStringLiteral("--audit-log"), log, QStringLiteral("--show-anyway"),
                                QStringLiteral("demo_12lead_followup_ecg.replayed.finding.json")},
                               QStringLiteral("replay-anyway"));
        QVERIFY2(anyway.exitCode == 0, qPrintable(anyway.stderrText));
        QVERIFY2(!anyway.texts.contains(kEcgText), qPrintable(anyway.texts));
        QVERIFY2(!anyway.texts.contains(QStringLiteral("UNTRUSTED — shown anyway")),
                 qPrintable(anyway.texts));
        QVERIFY2(anyway.stderrText.contains(QStringLiteral("--show-anyway")), qPrintable(anyway.stderrText));
        QVERIFY(!QFile::exists(log));
    }

    void cineFindingIsShown() {
        const Run r = run({QStringLiteral("--open"), demo + QStringLiteral("/ECHO/ECHO0001.dcm"),
                           QStringLiteral("--trust"), trust, QStringLiteral("--audit-log"),
                           tmp.filePath(QStringLiteral("audit-cine.log"))},
                          QStringLiteral("cine"));
        QVERIFY2(r.exitCode == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.stderrText)));
        QVERIFY2(r.texts.contains(kCineText), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("Reduced apical wall motion (demo)")), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("Frames 1–120, outlined region")), qPrintable(r.texts));
    }

    void withoutATrustStoreNothingIsTrusted() {
        // No --trust: the default folder under the (empty) configuration directory does not exist.
        const Run r = run({QStringLiteral("--open"), demo, QStringLiteral("--audit-log"),
                           tmp.filePath(QStringLiteral("audit-none.log"))},
                          QStringLiteral("no-trust"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.stderrText));
        QVERIFY2(!r.texts.contains(kEcgText), qPrintable(r.texts));
        QVERIFY2(r.texts.contains(QStringLiteral("could not be loaded")), qPrintable(r.texts));
        QVERIFY2(!r.texts.contains(QStringLiteral("\nVerified\n")), qPrintable(r.texts));
    }

    void verificationTime() {
        const Run bad =
            run({QStringLiteral("--open"), demo, QStringLiteral("--at"), QStringLiteral("yesterday")},
                QStringLiteral("bad-at"));
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.stderrText.contains(QStringLiteral("RFC 3339")), qPrintable(bad.stderrText));
        // Long after the demo certificates end: expired, so untrusted.
        const Run later =
            run({QStringLiteral("--open"), demo, QStringLiteral("--trust"), trust, QStringLiteral("--at"),
                 QStringLiteral("2090-01-01T00:00:00Z"), QStringLiteral("--audit-log"),
                 tmp.filePath(QStringLiteral("audit-later.log"))},
                QStringLiteral("later"));
        QVERIFY2(later.exitCode == 0, qPrintable(later.stderrText));
        QVERIFY2(!later.texts.contains(kEcgText), qPrintable(later.texts));
        QVERIFY2(later.texts.contains(QStringLiteral("(CERT_EXPIRED)")), qPrintable(later.texts));
    }
};

QTEST_GUILESS_MAIN(TestFindingsApp)
#include "tst_findings_app.moc"
