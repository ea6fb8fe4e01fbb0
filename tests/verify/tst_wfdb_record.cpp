// wfdb-record-v1 (finding-bundle-v1 R2.2): the real MIT-BIH record 100 and records written here, each digest
// checked against tests/tools/reference_digest.py, an independent implementation written from the spec
// (Python's hashlib), never against our own code.
#include "test_data.h"
#include "wfdb_record.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace veridicor;
using namespace veridicor::verify;
using veridicor::verify::detail::findWfdbRecord;
using veridicor::verify::detail::wfdbRecordDigest;

namespace {

QString referenceScript() {
    return QStringLiteral(VERIDICOR_SOURCE_DIR "/tests/tools/reference_digest.py");
}

struct Reference {
    int exitCode = -1;
    std::string digest;
};

/// reference_digest.py --method wfdb-record-v1 FILE, or nullopt when python3 cannot be run.
std::optional<Reference> referenceDigest(const QString& file) {
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        return std::nullopt;
    }
    QProcess p;
    p.start(python, {referenceScript(), QStringLiteral("--method"), QStringLiteral("wfdb-record-v1"), file});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit) {
        return std::nullopt;
    }
    return Reference{p.exitCode(), p.readAllStandardOutput().trimmed().toStdString()};
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// A record "rec" in `dir`: its header text and the signal files given (name → bytes).
bool writeRecord(const QTemporaryDir& dir, const QByteArray& header,
                 const QList<QPair<QString, QByteArray>>& files) {
    if (!writeFile(dir.filePath(QStringLiteral("rec.hea")), header)) {
        return false;
    }
    for (const auto& [name, bytes] : files) {
        if (!writeFile(dir.filePath(name), bytes)) {
            return false;
        }
    }
    return true;
}

QByteArray samples(int n, char seed) {
    QByteArray b(n, '\0');
    for (int i = 0; i < n; ++i) {
        b[i] = static_cast<char>(seed + i * 7);
    }
    return b;
}

std::string fs(const QString& path) {
    return path.toStdString();
}

} // namespace

class TestWfdbRecord : public QObject {
    Q_OBJECT

    /// Our digest of `path` and the reference script's; both must exist and agree.
    static std::string checkedDigest(const QString& path) {
        auto record = findWfdbRecord(fs(path));
        if (!record) {
            qWarning("%s", record.error().message.c_str());
            return {};
        }
        auto digest = wfdbRecordDigest(*record);
        if (!digest) {
            qWarning("%s", digest.error().message.c_str());
            return {};
        }
        auto ref = referenceDigest(path);
        if (!ref || ref->exitCode != 0 || ref->digest != *digest) {
            qWarning("reference digest %s differs from ours %s", ref ? ref->digest.c_str() : "(none)",
                     digest->c_str());
            return {};
        }
        return *digest;
    }

private slots:
    void initTestCase() {
        if (referenceDigest(QStringLiteral("/nonexistent")) == std::nullopt) {
            QSKIP("python3 is missing: the reference digest cannot be computed");
        }
    }

    void mitBihRecord100() {
        VERIDICOR_SHARED_FILE(hea, "ecg/100.hea");
        VERIDICOR_SHARED_FILE(dat, "ecg/100.dat");
        auto record = findWfdbRecord(fs(hea));
        QVERIFY2(record.hasValue(), record ? "" : record.error().message.c_str());
        QCOMPARE(record->recordName, std::string("100"));
        // Both signals are in 100.dat: named twice, hashed once. The header starts with a comment line and
        // has a blank line (of a lone carriage return) between the two signal lines.
        QCOMPARE(record->signalFiles, std::vector<std::string>{"100.dat"});
        std::uint64_t bytes = 0;
        auto digest = wfdbRecordDigest(*record, &bytes);
        QVERIFY(digest.hasValue());
        QCOMPARE(bytes, static_cast<std::uint64_t>(QFileInfo(hea).size() + QFileInfo(dat).size()));
        auto ref = referenceDigest(hea);
        QVERIFY(ref.has_value());
        QCOMPARE(ref->exitCode, 0);
        QCOMPARE(*digest, ref->digest);
        // Opened through its signal file: the same record, the same digest.
        auto viaDat = findWfdbRecord(fs(dat));
        QVERIFY(viaDat.hasValue());
        QCOMPARE(viaDat->header, record->header);
        QCOMPARE(*wfdbRecordDigest(*viaDat), *digest);
    }

    void annotationFileIsNotPartOfTheRecord() {
        // 100.atr lies beside 100.hea, which does not name it: not a WFDB record's file (a caller falls
        // back).
        VERIDICOR_SHARED_FILE(atr, "ecg/100.atr");
        auto record = findWfdbRecord(fs(atr));
        QVERIFY(!record.hasValue());
        QCOMPARE(record.error().code, ErrorCode::Invalid);
    }

    void notAWfdbFile() {
        QTemporaryDir dir;
        const QString lone = dir.filePath(QStringLiteral("lone.dat"));
        QVERIFY(writeFile(lone, "abc"));
        auto record = findWfdbRecord(fs(lone));
        QVERIFY(!record.hasValue());
        QCOMPARE(record.error().code, ErrorCode::Invalid);
        QCOMPARE(findWfdbRecord(fs(dir.filePath(QStringLiteral("absent.hea")))).error().code,
                 ErrorCode::Unreadable);
    }

    void twoSignalFilesOneMentionedTwice() {
        // Named as the WFDB documentation suggests for a record of several signal files (rec.d0, rec.d1):
        // each one finds its header by its base name.
        QTemporaryDir dir;
        QVERIFY(writeRecord(
            dir,
            "# made by the test\n"
            "rec 3 250/1000(0) 1000 10:00:00 01/02/2026\n"
            "rec.d1 16 200 12 0 0 0 0 II\n"
            "\n"
            "rec.d0 16 200 12 0 0 0 0 V1\r\n"
            "rec.d1 16 200 12 0 0 0 0 V2\n"
            "# trailing comment\n",
            {{QStringLiteral("rec.d0"), samples(2000, 1)}, {QStringLiteral("rec.d1"), samples(4000, 2)}}));
        auto record = findWfdbRecord(fs(dir.filePath(QStringLiteral("rec.hea"))));
        QVERIFY2(record.hasValue(), record ? "" : record.error().message.c_str());
        // In order of first mention, each once.
        QCOMPARE(record->signalFiles, (std::vector<std::string>{"rec.d1", "rec.d0"}));
        const std::string viaHeader = checkedDigest(dir.filePath(QStringLiteral("rec.hea")));
        QVERIFY(!viaHeader.empty());
        QCOMPARE(checkedDigest(dir.filePath(QStringLiteral("rec.d0"))), viaHeader);
        QCOMPARE(checkedDigest(dir.filePath(QStringLiteral("rec.d1"))), viaHeader);
    }

    void aSignalFileOfAnotherBaseNameIsNotFoundFromItself() {
        // The header of a signal file is looked for only under the file's own base name: a record whose
        // signal files are named otherwise is opened through its header.
        QTemporaryDir dir;
        QVERIFY(writeRecord(dir, "rec 1\nother.dat 16\n", {{QStringLiteral("other.dat"), samples(10, 9)}}));
        QVERIFY(findWfdbRecord(fs(dir.filePath(QStringLiteral("rec.hea")))).hasValue());
        auto viaSignal = findWfdbRecord(fs(dir.filePath(QStringLiteral("other.dat"))));
        QVERIFY(!viaSignal.hasValue());
        QCOMPARE(viaSignal.error().code, ErrorCode::Invalid);
    }

    void recordWithoutSignals() {
        QTemporaryDir dir;
        QVERIFY(writeRecord(dir, "rec 0\n", {}));
        auto record = findWfdbRecord(fs(dir.filePath(QStringLiteral("rec.hea"))));
        QVERIFY(record.hasValue());
        QVERIFY(record->signalFiles.empty());
        QVERIFY(!checkedDigest(dir.filePath(QStringLiteral("rec.hea"))).empty());
    }

    void refused_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("says");
        const int unsupported = static_cast<int>(ErrorCode::Unsupported);
        QTest::newRow("multi-segment") << QByteArray("rec/2 1 360 2000\nseg1 1000\nseg2 1000\n")
                                       << unsupported << QStringLiteral("segment records");
        QTest::newRow("standard input")
            << QByteArray("rec 1\n- 16\n") << unsupported << QStringLiteral("standard input");
        QTest::newRow("parent folder") << QByteArray("rec 1\n../rec.dat 16\n") << unsupported
                                       << QStringLiteral("outside the record's folder");
        QTest::newRow("sub folder") << QByteArray("rec 1\nsub/rec.dat 16\n") << unsupported
                                    << QStringLiteral("outside the record's folder");
        QTest::newRow("absolute") << QByteArray("rec 1\n/etc/passwd 16\n") << unsupported
                                  << QStringLiteral("outside the record's folder");
        QTest::newRow("another record's name")
            << QByteArray("other 1\nrec.dat 16\n") << unsupported << QStringLiteral("another record");
        QTest::newRow("fewer signal lines") << QByteArray("rec 2\nrec.dat 16\n") << unsupported
                                            << QStringLiteral("declares 2 signals but has 1");
        QTest::newRow("more signal lines")
            << QByteArray("rec 1\nrec.dat 16\nrec.dat 16\n") << unsupported << QStringLiteral("but has more");
        QTest::newRow("no number of signals")
            << QByteArray("rec\n") << unsupported << QStringLiteral("no number of signals");
        QTest::newRow("a number that is not one")
            << QByteArray("rec 1x\nrec.dat 16\n") << unsupported << QStringLiteral("no number of signals");
        QTest::newRow("only comments")
            << QByteArray("# nothing\n\n") << unsupported << QStringLiteral("no record line");
        QByteArray many("rec 4097\n");
        for (int i = 0; i < 4097; ++i) {
            many += "rec.dat 16\n";
        }
        QTest::newRow("more than 4096 signals")
            << many << unsupported << QStringLiteral("more than the 4096");
        QTest::newRow("a name of 256 bytes") << "rec 1\n" + QByteArray(256, 'a') + " 16\n"
                                             << unsupported << QStringLiteral("longer than 255");
        QTest::newRow("missing signal file")
            << QByteArray("rec 2\nrec.dat 16\nabsent.dat 16\n") << static_cast<int>(ErrorCode::Unreadable)
            << QStringLiteral("missing");
        QTest::newRow("header over 1 MiB")
            << "rec 1\nrec.dat 16\n" + QByteArray((1 << 20) - 17, '#') + "\n"
            << static_cast<int>(ErrorCode::TooLarge) << QStringLiteral("larger than 1048576");
    }
    void refused() {
        QFETCH(QByteArray, header);
        QFETCH(int, code);
        QFETCH(QString, says);
        QTemporaryDir dir;
        QVERIFY(writeRecord(dir, header, {{QStringLiteral("rec.dat"), samples(100, 3)}}));
        for (const QString& name : {QStringLiteral("rec.hea"), QStringLiteral("rec.dat")}) {
            auto record = findWfdbRecord(fs(dir.filePath(name)));
            QVERIFY2(!record.hasValue(), qPrintable(name));
            QCOMPARE(static_cast<int>(record.error().code), code);
            QVERIFY2(QString::fromStdString(record.error().message).contains(says),
                     record.error().message.c_str());
            // The reference implementation refuses it too.
            auto ref = referenceDigest(dir.filePath(name));
            QVERIFY(ref.has_value());
            QCOMPARE(ref->exitCode, 2);
        }
    }

    void anyChangedByteChangesTheDigest_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("offset");
        QTest::newRow("a comment byte of the header") << QStringLiteral("rec.hea") << 2;
        QTest::newRow("the gain in the header (200 to 400)") << QStringLiteral("rec.hea") << 33;
        QTest::newRow("the first sample") << QStringLiteral("rec_a.dat") << 0;
        QTest::newRow("the last sample of the second file") << QStringLiteral("rec_b.dat") << 999;
    }
    void anyChangedByteChangesTheDigest() {
        QFETCH(QString, file);
        QFETCH(int, offset);
        QTemporaryDir dir;
        const QByteArray header = "# rec\nrec 2 360 500\nrec_a.dat 16 200 12 0 0 0 0 I\n" // 200 at byte 33
                                  "rec_b.dat 16 200 12 0 0 0 0 II\n";
        QCOMPARE(header.mid(33, 4), QByteArray("200 "));
        QVERIFY(writeRecord(dir, header,
                            {{QStringLiteral("rec_a.dat"), samples(1000, 4)},
                             {QStringLiteral("rec_b.dat"), samples(1000, 5)}}));
        const QString hea = dir.filePath(QStringLiteral("rec.hea"));
        const std::string before = checkedDigest(hea);
        QVERIFY(!before.empty());
        QFile f(dir.filePath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        bytes[offset] = static_cast<char>(bytes[offset] == '2' ? '4' : bytes[offset] ^ 0x01);
        QVERIFY(writeFile(dir.filePath(file), bytes));
        const std::string after = checkedDigest(hea);
        QVERIFY(!after.empty());
        QVERIFY(after != before);
    }

    void aHeaderChangedAfterItWasReadIsRefused() {
        QTemporaryDir dir;
        QVERIFY(writeRecord(
            dir, "rec 1\nrec_a.dat 16\n",
            {{QStringLiteral("rec_a.dat"), samples(10, 6)}, {QStringLiteral("rec_b.dat"), samples(10, 7)}}));
        auto record = findWfdbRecord(fs(dir.filePath(QStringLiteral("rec.hea"))));
        QVERIFY(record.hasValue());
        QVERIFY(writeFile(dir.filePath(QStringLiteral("rec.hea")), "rec 1\nrec_b.dat 16\n"));
        auto digest = wfdbRecordDigest(*record);
        QVERIFY(!digest.hasValue());
        QCOMPARE(digest.error().code, ErrorCode::Unreadable);
    }

    void aSignalFileRemovedAfterItWasFound() {
        QTemporaryDir dir;
        QVERIFY(writeRecord(dir, "rec 1\nrec_a.dat 16\n", {{QStringLiteral("rec_a.dat"), samples(10, 8)}}));
        auto record = findWfdbRecord(fs(dir.filePath(QStringLiteral("rec.hea"))));
        QVERIFY(record.hasValue());
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("rec_a.dat"))));
        auto digest = wfdbRecordDigest(*record);
        QVERIFY(!digest.hasValue());
        QCOMPARE(digest.error().code, ErrorCode::Unreadable);
    }
};

QTEST_GUILESS_MAIN(TestWfdbRecord)
#include "tst_wfdb_record.moc"
