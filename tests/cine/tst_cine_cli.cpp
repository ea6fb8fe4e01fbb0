// veridicor-cli cine-info and cine-frame: the JSON fields and values, the PNG pixels against DCMTK's own
// rendering, and the exit codes of bad input.
#include "cine_test_util.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cstddef>

class TestCineCli : public QObject {
    Q_OBJECT
    QString m_cli;

    int run(const QStringList& args, QByteArray* out = nullptr, QByteArray* err = nullptr) {
        QProcess p;
        p.start(m_cli, args);
        if (!p.waitForFinished(60000))
            return -1;
        if (out)
            *out = p.readAllStandardOutput();
        if (err)
            *err = p.readAllStandardError();
        return p.exitCode();
    }

private slots:
    void initTestCase() {
        m_cli = veridicor::test::buildDir() + QStringLiteral("/bin/veridicor-cli");
        if (!QFileInfo::exists(m_cli))
            QSKIP("veridicor-cli is not built");
    }

    void cineInfoFields() {
        VERIDICOR_SHARED_FILE(path, "us/IM00001.implicit_little_endian.dcm");
        QByteArray out;
        QCOMPARE(run({QStringLiteral("cine-info"), path}, &out), 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.keys().size(), 9);
        for (const char* k : {"sopClassUID", "transferSyntaxUID", "frames", "rows", "cols", "photometric",
                              "bitsStored", "frameTimesMs", "regions"}) {
            QVERIFY2(o.contains(QLatin1String(k)), k);
        }
        QCOMPARE(o[QStringLiteral("sopClassUID")].toString(), QStringLiteral("1.2.840.10008.5.1.4.1.1.3.1"));
        QCOMPARE(o[QStringLiteral("transferSyntaxUID")].toString(), QStringLiteral("1.2.840.10008.1.2"));
        QCOMPARE(o[QStringLiteral("frames")].toInt(), 8);
        QCOMPARE(o[QStringLiteral("rows")].toInt(), 240);
        QCOMPARE(o[QStringLiteral("cols")].toInt(), 320);
        QCOMPARE(o[QStringLiteral("photometric")].toString(), QStringLiteral("RGB"));
        QCOMPARE(o[QStringLiteral("bitsStored")].toInt(), 8);
        const QJsonArray times = o[QStringLiteral("frameTimesMs")].toArray();
        const std::array<double, 8> expected = {33.333, 50, 33.333, 50, 50, 50, 33.333, 43.333};
        QCOMPARE(times.size(), 8);
        for (int i = 0; i < 8; ++i)
            QCOMPARE(times[i].toDouble(), expected[i]);
        const QJsonArray regions = o[QStringLiteral("regions")].toArray();
        QCOMPARE(regions.size(), 2);
        const QJsonObject r = regions[1].toObject();
        QCOMPARE(r[QStringLiteral("regionLocationMinY0")].toInt(), 16);
        QCOMPARE(r[QStringLiteral("regionLocationMaxY1")].toInt(), 217);
        QVERIFY(std::abs(r[QStringLiteral("physicalDeltaX")].toDouble() + 0.229375) < 1e-6);
        QVERIFY(std::abs(r[QStringLiteral("physicalDeltaY")].toDouble() - 0.229375) < 1e-6);
    }

    void singleFrameHasNoFrameTimes() {
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        QByteArray out;
        QCOMPARE(run({QStringLiteral("cine-info"), path}, &out), 0);
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o[QStringLiteral("frames")].toInt(), 1);
        QCOMPARE(o[QStringLiteral("frameTimesMs")].toArray().size(), 0);
        QCOMPARE(o[QStringLiteral("photometric")].toString(), QStringLiteral("RGB"));
        QCOMPARE(o[QStringLiteral("rows")].toInt(), 480);
    }

    void cineFrameWritesWhatDcmtkRenders_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<int>("frame");
        QTest::newRow("palette 16-bit entries") << QStringLiteral("us/OBXXXX1A.dcm") << 0;
        QTest::newRow("JPEG frame 7")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm") << 7;
        QTest::newRow("RGB frame 3") << QStringLiteral("us/IM00001.implicit_little_endian.dcm") << 3;
        QTest::newRow("JPEG 2000") << QStringLiteral("us/US1_J2KR.dcm") << 0;
    }
    void cineFrameWritesWhatDcmtkRenders() {
        QFETCH(QString, rel);
        QFETCH(int, frame);
        const QString path = veridicor::test::sharedFile(rel);
        if (path.isEmpty())
            QSKIP("shared test data is absent");
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("out.png"));
        QByteArray err;
        QCOMPARE(run({QStringLiteral("cine-frame"), path, QStringLiteral("--frame"), QString::number(frame),
                      QStringLiteral("-o"), png},
                     nullptr, &err),
                 0);
        QImage img(png);
        QVERIFY(!img.isNull());
        img = img.convertToFormat(QImage::Format_RGB888);
        std::vector<std::uint8_t> ours;
        for (int y = 0; y < img.height(); ++y) {
            const auto* line = img.constScanLine(y);
            ours.insert(ours.end(), line, line + std::ptrdiff_t{img.width()} * 3);
        }
        // Reference: DCMTK's renderer (dcm2pnm handles palettes; JPEG 2000 is not in free DCMTK: compare with
        // the uncompressed original, which the README says it equals).
        QString refFile = path;
        int refFrame = frame;
        if (rel.contains(QStringLiteral("J2KR"))) {
            refFile = veridicor::test::sharedFile(QStringLiteral("us/US1_UNCR.dcm"));
        }
        const QString ppm = dir.filePath(QStringLiteral("ref.ppm"));
        QStringList args{QStringLiteral("--write-raw-pnm")};
        if (rel.contains(QStringLiteral("jpeg_baseline"))) {
            args << QStringLiteral("--all-frames") << refFile << ppm; // no offset table: in order only
        } else {
            args << QStringLiteral("--frame") << QString::number(refFrame + 1) << refFile << ppm;
        }
        const auto rc = veridicor::test::runDcmtkTool(QStringLiteral("dcmj2pnm"), args);
        if (!rc)
            QSKIP("dcmj2pnm (Debian package dcmtk) is not installed");
        QCOMPARE(*rc, 0);
        int w = 0, h = 0;
        const QString refPath =
            rel.contains(QStringLiteral("jpeg_baseline")) ? ppm + QStringLiteral(".%1.ppm").arg(frame) : ppm;
        auto ref = veridicor::test::readPnm(refPath, w, h);
        QVERIFY(ref.has_value());
        QCOMPARE(img.width(), w);
        QCOMPARE(img.height(), h);
        QCOMPARE(veridicor::test::diff(ours, *ref).max, 0);
    }

    void badInputExitsWithTwo() {
        QTemporaryDir dir;
        QByteArray err;
        QCOMPARE(
            run({QStringLiteral("cine-info"), dir.filePath(QStringLiteral("missing.dcm"))}, nullptr, &err),
            2);
        QVERIFY(err.contains("does not exist"));
        QCOMPARE(run({QStringLiteral("cine-info")}, nullptr, &err), 2);
        VERIDICOR_SHARED_FILE(path, "us/US1_UNCR.dcm");
        QCOMPARE(run({QStringLiteral("cine-frame"), path, QStringLiteral("--frame"), QStringLiteral("1"),
                      QStringLiteral("-o"), dir.filePath(QStringLiteral("x.png"))},
                     nullptr, &err),
                 2);
        QVERIFY(err.contains("does not exist"));
        QCOMPARE(run({QStringLiteral("cine-frame"), path}, nullptr, &err), 2); // no -o
        QCOMPARE(run({QStringLiteral("cine-frame"), path, QStringLiteral("--frame"), QStringLiteral("x"),
                      QStringLiteral("-o"), dir.filePath(QStringLiteral("x.png"))},
                     nullptr, &err),
                 2);
    }
};

QTEST_GUILESS_MAIN(TestCineCli)
#include "tst_cine_cli.moc"
