// Start-up checks: without DCMTK's data dictionary both programs stop with a clear error (exit 2) instead of
// running on and writing corrupt files; `veridicor --help` and `--version` work without a display.
#include "test_data.h"

#include <QProcess>
#include <QtTest>

class TestStartup : public QObject {
    Q_OBJECT

    static QString program(const QString& name) {
        return veridicor::test::buildDir() + QStringLiteral("/bin/") + name;
    }

    static QProcessEnvironment withoutDictionary() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DCMDICTPATH"), QStringLiteral("/nonexistent/veridicor/dicom.dic"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        return env;
    }

private slots:
    void cliRefusesToRunWithoutTheDataDictionary() {
        QProcess p;
        p.setProcessEnvironment(withoutDictionary());
        p.start(program(QStringLiteral("veridicor-cli")),
                {QStringLiteral("dicom-index"), QStringLiteral("/nonexistent")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("data dictionary is not loaded")), qPrintable(err));
        QVERIFY(p.readAllStandardOutput().isEmpty());
    }

    void workstationRefusesToRunWithoutTheDataDictionary() {
        QProcess p;
        p.setProcessEnvironment(withoutDictionary());
        p.start(program(QStringLiteral("veridicor")), {QStringLiteral("--quit-after-load")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("data dictionary is not loaded")), qPrintable(err));
    }

    void helpAndVersionNeedNoDisplay() {
        // No display at all: no X server, no Wayland, no platform chosen (the workstation would pick xcb).
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XAUTHORITY"}) {
            env.remove(QString::fromLatin1(name));
        }
        for (const QString& option : {QStringLiteral("--help"), QStringLiteral("-h")}) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(program(QStringLiteral("veridicor")), {option});
            QVERIFY(p.waitForFinished(30000));
            const QString out = QString::fromUtf8(p.readAllStandardOutput());
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                     qPrintable(QString::fromUtf8(p.readAllStandardError())));
            QVERIFY2(out.contains(QStringLiteral("Usage:")), qPrintable(out));
            QVERIFY2(out.contains(QStringLiteral("--open <PATH>")), qPrintable(out));
            QVERIFY2(out.contains(QStringLiteral("--dump-visible-text")), qPrintable(out));
        }
        QProcess v;
        v.setProcessEnvironment(env);
        v.start(program(QStringLiteral("veridicor")), {QStringLiteral("--version")});
        QVERIFY(v.waitForFinished(30000));
        QVERIFY2(v.exitStatus() == QProcess::NormalExit && v.exitCode() == 0,
                 qPrintable(QString::fromUtf8(v.readAllStandardError())));
        const QString version = QString::fromUtf8(v.readAllStandardOutput());
        QVERIFY2(version.startsWith(QStringLiteral("Veridicor ")), qPrintable(version));
    }

    void cliRunsWithTheDictionary() {
        QTemporaryDir empty;
        QProcess p;
        p.start(program(QStringLiteral("veridicor-cli")), {QStringLiteral("dicom-index"), empty.path()});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStartup)
#include "tst_startup.moc"
