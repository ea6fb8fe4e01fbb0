// Start-up checks: without DCMTK's data dictionary both programs stop with a clear error (exit 2) instead of
// running on and writing corrupt files.
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
