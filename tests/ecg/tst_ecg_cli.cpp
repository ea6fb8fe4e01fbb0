// veridicor-cli ecg-info / ecg-export through the real binary on the real wave_dfl.dcm, checked against the
// ground truth in ../shared/data/README.md, and their exit code 2 + stderr message on bad input.
#include "test_data.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>

class TestEcgCli : public QObject {
    Q_OBJECT

    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    static QString cli() { return veridicor::test::buildDir() + QStringLiteral("/bin/veridicor-cli"); }

    static Run run(const QStringList& args) {
        QProcess p;
        p.start(cli(), args);
        Run r;
        if (!p.waitForFinished(120000)) {
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(cli()), qPrintable(cli() + QStringLiteral(" is not built")));
    }

    void ecgInfoPrintsTheIssueShape() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const Run r = run({QStringLiteral("ecg-info"), path});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonObject o = doc.object();
        for (const char* key : {"sopClassUID", "patient", "groups", "annotations"}) {
            QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        QCOMPARE(o.value(QStringLiteral("sopClassUID")).toString(),
                 QStringLiteral("1.2.840.10008.5.1.4.1.1.9.2.1"));
        const QJsonObject patient = o.value(QStringLiteral("patient")).toObject();
        QCOMPARE(patient.value(QStringLiteral("name")).toString(), QStringLiteral("Patient^Test"));
        QCOMPARE(patient.value(QStringLiteral("id")).toString(), QStringLiteral("123-654"));
        const QJsonArray groups = o.value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 1);
        const QJsonObject g = groups[0].toObject();
        for (const char* key : {"label", "originality", "samplingHz", "samples", "channels"}) {
            QVERIFY2(g.contains(QLatin1String(key)), key);
        }
        QCOMPARE(g.value(QStringLiteral("originality")).toString(), QStringLiteral("ORIGINAL"));
        QCOMPARE(g.value(QStringLiteral("samplingHz")).toDouble(), 240.0);
        QCOMPARE(g.value(QStringLiteral("samples")).toInt(), 2400);
        const QJsonArray channels = g.value(QStringLiteral("channels")).toArray();
        QCOMPARE(channels.size(), 12);
        const QStringList labels{QStringLiteral("I"),   QStringLiteral("II"),  QStringLiteral("III"),
                                 QStringLiteral("aVR"), QStringLiteral("aVL"), QStringLiteral("aVF"),
                                 QStringLiteral("V1"),  QStringLiteral("V2"),  QStringLiteral("V3"),
                                 QStringLiteral("V4"),  QStringLiteral("V5"),  QStringLiteral("V6")};
        for (int c = 0; c < 12; ++c) {
            const QJsonObject ch = channels[c].toObject();
            for (const char* key : {"label", "units", "sensitivity", "correction", "baseline", "filters"}) {
                QVERIFY2(ch.contains(QLatin1String(key)), key);
            }
            QCOMPARE(ch.value(QStringLiteral("label")).toString(), labels[c]);
            QCOMPARE(ch.value(QStringLiteral("units")).toString(), QStringLiteral("mV"));
            QCOMPARE(ch.value(QStringLiteral("sensitivity")).toDouble(), 0.00122);
            QCOMPARE(ch.value(QStringLiteral("correction")).toDouble(), 1.0);
            QCOMPARE(ch.value(QStringLiteral("baseline")).toDouble(), 0.0);
            const QJsonObject filters = ch.value(QStringLiteral("filters")).toObject();
            QCOMPARE(filters.value(QStringLiteral("lowHz")).toDouble(), 0.05);
            QCOMPARE(filters.value(QStringLiteral("highHz")).toDouble(), 100.0);
            QVERIFY(filters.value(QStringLiteral("notchHz")).isNull());
        }
        const QJsonArray annotations = o.value(QStringLiteral("annotations")).toArray();
        QCOMPARE(annotations.size(), 1);
        QCOMPARE(annotations[0].toObject().value(QStringLiteral("conceptName")).toString(),
                 QStringLiteral("Heart rate"));
        QCOMPARE(annotations[0].toObject().value(QStringLiteral("value")).toDouble(), 69.0);
    }

    void ecgExportWritesMicrovolts() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const Run r = run({QStringLiteral("ecg-export"), path, QStringLiteral("--group"), QStringLiteral("0"),
                           QStringLiteral("--csv")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.isEmpty());
        const QList<QByteArray> lines = r.out.split('\n');
        QCOMPARE(lines.size(), 2402); // header + 2400 rows + the empty string after the last newline
        QVERIFY(lines.last().isEmpty());
        QCOMPARE(lines[0], QByteArray("I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6"));
        // Raw samples 0–4 of every lead (README) × 0.00122 mV = × 1.22 µV, exactly.
        const std::array<std::array<int, 5>, 12> raw = {{{186, 186, 174, 168, 156},
                                                         {48, 48, 46, 42, 36},
                                                         {-138, -138, -128, -126, -120},
                                                         {-117, -117, -110, -105, -96},
                                                         {162, 162, 151, 147, 138},
                                                         {-45, -45, -41, -42, -42},
                                                         {-82, -78, -74, -70, -66},
                                                         {-176, -168, -160, -152, -140},
                                                         {98, 100, 88, 86, 82},
                                                         {196, 194, 176, 166, 162},
                                                         {286, 290, 256, 246, 240},
                                                         {194, 194, 174, 166, 162}}};
        for (int i = 0; i < 5; ++i) {
            const QList<QByteArray> fields = lines[i + 1].split(',');
            QCOMPARE(fields.size(), 12);
            for (int c = 0; c < 12; ++c) {
                bool ok = false;
                const double v = fields[c].toDouble(&ok);
                QVERIFY(ok);
                QVERIFY2(std::abs(v - raw[c][i] * 1.22) < 1e-9, fields[c].constData());
            }
        }
        QCOMPARE(lines[1].split(',')[0], QByteArray("226.92")); // exact decimal, not 226.92000000000002
        // Lead I over the whole trace: raw min -392, max 1264, sum 105800 (README) × 1.22 µV.
        double sum = 0;
        double lo = 1e9;
        double hi = -1e9;
        for (int i = 1; i <= 2400; ++i) {
            const double v = lines[i].split(',')[0].toDouble();
            sum += v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        QVERIFY(std::abs(sum - 105800 * 1.22) < 1e-6);
        QVERIFY(std::abs(lo - -392 * 1.22) < 1e-9);
        QVERIFY(std::abs(hi - 1264 * 1.22) < 1e-9);
    }

    void demoStudyEcgIsARealTwelveLeadEcg() {
        // Generated at build time (target demo_study) into build/demo/ECG/.
        const QString demo =
            veridicor::test::buildDir() + QStringLiteral("/demo/ECG/demo_12lead_resting_ecg.dcm");
        QVERIFY2(QFile::exists(demo), qPrintable(demo + QStringLiteral(" was not generated")));
        const Run r = run({QStringLiteral("ecg-info"), demo});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("sopClassUID")).toString(),
                 QStringLiteral("1.2.840.10008.5.1.4.1.1.9.1.1"));
        QCOMPARE(o.value(QStringLiteral("patient")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Doe^Jane"));
        const QJsonArray groups = o.value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups[0].toObject().value(QStringLiteral("label")).toString(), QStringLiteral("RHYTHM"));
        QCOMPARE(groups[0].toObject().value(QStringLiteral("samplingHz")).toDouble(), 500.0);
        QCOMPARE(groups[0].toObject().value(QStringLiteral("samples")).toInt(), 5000);
        QCOMPARE(groups[1].toObject().value(QStringLiteral("label")).toString(),
                 QStringLiteral("MEDIAN BEAT"));
        QVERIFY(o.value(QStringLiteral("annotations")).toArray().size() >= 10);
        QVERIFY(o.value(QStringLiteral("warnings")).toArray().isEmpty());
        const Run csv = run({QStringLiteral("ecg-export"), demo, QStringLiteral("--group"),
                             QStringLiteral("1"), QStringLiteral("--csv")});
        QCOMPARE(csv.exitCode, 0);
        QCOMPARE(csv.out.count('\n'), 601); // header + 600 median-beat samples
    }

    void truncatedFileExitsTwoWithMessage() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        QFile in(path);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        const QString cut = m_dir.filePath(QStringLiteral("cut.dcm"));
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(3000));
        out.close();
        for (const QStringList& args :
             {QStringList{QStringLiteral("ecg-info"), cut},
              QStringList{QStringLiteral("ecg-export"), cut, QStringLiteral("--group"), QStringLiteral("0"),
                          QStringLiteral("--csv")}}) {
            const Run r = run(args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.out.isEmpty());
            QVERIFY2(r.err.contains("truncated"), r.err.constData());
            QVERIFY2(r.err.contains(cut.toUtf8()), r.err.constData());
        }
    }

    void badUsageAndBadInputExitTwo() {
        VERIDICOR_SHARED_FILE(path, "ecg/wave_dfl.dcm");
        const QString text = m_dir.filePath(QStringLiteral("text.txt"));
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not an ECG\n");
        f.close();
        struct Case {
            QStringList args;
            const char* message = nullptr;
        };
        const auto cases = std::to_array<Case>({
            {{QStringLiteral("ecg-info"), text}, "not a DICOM file"},
            {{QStringLiteral("ecg-info")}, "give exactly one file"},
            {{QStringLiteral("ecg-export"), path, QStringLiteral("--group"), QStringLiteral("1"),
              QStringLiteral("--csv")},
             "there is no group 1"},
            {{QStringLiteral("ecg-export"), path, QStringLiteral("--group"), QStringLiteral("x"),
              QStringLiteral("--csv")},
             "--group needs a group index"},
            {{QStringLiteral("ecg-export"), path}, "--csv"},
        });
        for (const auto& c : cases) {
            const Run r = run(c.args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.out.isEmpty());
            QVERIFY2(r.err.contains(c.message), r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestEcgCli)
#include "tst_ecg_cli.moc"
