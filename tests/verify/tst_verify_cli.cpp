// The command-line contract, through the real veridicor-cli binary: sign-finding then verify on real ECG and
// ultrasound files (digests cross-checked with dcmdump/dcmconv/openssl), sign-model then verify-model (a
// changed, a removed and an added file each fail), audit-log appends and audit-verify, exit codes and errors.
#include "cli_run.h"
#include "independent_digest.h"
#include "test_data.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/time.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

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
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestVerifyCli : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    QString cli;
    QString demo;
    QString trust;
    std::string ecgDigest;
    std::string echoDigest;

    [[nodiscard]] Run run(const QStringList& args) const {
        return test::runProgram(cli, args);
    }

    QString signer(const char* name, const char* part) const {
        return demo + QStringLiteral("/signers/") + QLatin1String(name) + QLatin1Char('.') +
               QLatin1String(part) + QStringLiteral(".pem");
    }

    /// A producer's predicate for the given modality (before sign-finding fills it), with its attachment.
    [[nodiscard]] QString writePredicate(const QString& dir, bool ecg) const {
        const std::string producedAt = verify::formatRfc3339(
            std::chrono::floor<std::chrono::seconds>(verify::now() - std::chrono::minutes(1)));
        std::string pred;
        if (ecg) {
            pred =
                "{\"model\": {\"name\": \"ecg-omi-detector\", \"version\": \"2.1.0\", \"digest\": "
                "{\"sha256\": \"" +
                ecgDigest + "\"}}, \"producedAt\": \"" + producedAt +
                "\", \"input\": {\"modality\": \"ECG\"},"
                " \"findings\": [{\"id\": \"f1\", \"code\": {\"scheme\": \"SCT\", \"value\": \"401303003\","
                " \"meaning\": \"Acute ST segment elevation myocardial infarction\"}, \"text\": \"Occlusion "
                "MI, anterior wall\","
                " \"confidence\": 0.93, \"region\": {\"kind\": \"ecg\", \"leads\": [\"V2\", \"V3\"], "
                "\"startSeconds\": 1.2,"
                " \"endSeconds\": 3.4}, \"explanation\": {\"attachment\": \"f1-relevance.u8\"}}],"
                " \"attachments\": [{\"name\": \"f1-relevance.u8\", \"mediaType\": "
                "\"application/vnd.veridicor.ecg-relevance\","
                " \"leads\": [\"V2\", \"V3\"], \"samples\": 50}]}";
            writeFile(dir + QStringLiteral("/f1-relevance.u8"), QByteArray(100, '\x7f'));
        } else {
            pred =
                "{\"model\": {\"name\": \"echo-lv-segmenter\", \"version\": \"1.0.0\", \"digest\": "
                "{\"sha256\": \"" +
                echoDigest + "\"}}, \"producedAt\": \"" + producedAt +
                "\", \"input\": {\"modality\": \"US\"},"
                " \"findings\": [{\"id\": \"lv\", \"code\": {\"scheme\": \"SCT\", \"value\": \"373945007\","
                " \"meaning\": \"Pericardial effusion\"}, \"text\": \"Small pericardial effusion\", "
                "\"confidence\": 0.71,"
                " \"region\": {\"kind\": \"cine\", \"firstFrame\": 0, \"lastFrame\": 0, \"polygon\": [[10, "
                "10], [60, 12], [40, 50]]},"
                " \"explanation\": {\"attachment\": \"lv-heatmap.u8\"}}],"
                " \"attachments\": [{\"name\": \"lv-heatmap.u8\", \"mediaType\": "
                "\"application/vnd.veridicor.cine-heatmap\","
                " \"frames\": 1, \"rows\": 4, \"cols\": 4}]}";
            writeFile(dir + QStringLiteral("/lv-heatmap.u8"), QByteArray(16, '\x40'));
        }
        QString path = dir + QStringLiteral("/predicate.json");
        writeFile(path, QByteArray::fromStdString(pred));
        return path;
    }

    static std::string payloadOfBundle(const QString& bundle) {
        auto doc = verify::json::parse(readFile(bundle).toStdString());
        return *verify::base64Decode(doc->find("dsseEnvelope")->find("payload")->asString());
    }

    static std::string subjectDigest(const QString& bundle) {
        auto doc = verify::json::parse(readFile(bundle).toStdString());
        auto payload = verify::base64Decode(doc->find("dsseEnvelope")->find("payload")->asString());
        auto st = verify::json::parse(*payload);
        return st->find("subject")->asArray()[0].find("digest")->find("sha256")->asString();
    }

    static std::vector<std::string> reasons(const Run& r) {
        std::vector<std::string> out;
        auto doc = verify::json::parse(r.out.toStdString());
        if (!doc || !doc->isObject()) {
            return {"(no JSON)"};
        }
        for (const auto& v : doc->find("reasons")->asArray()) {
            out.push_back(v.asString());
        }
        return out;
    }

private slots:
    void initTestCase() {
        cli = buildDir() + QStringLiteral("/bin/veridicor-cli");
        QVERIFY2(QFileInfo::exists(cli), "veridicor-cli is not built");
        demo = tmp.filePath(QStringLiteral("demo"));
        const Run r = run({QStringLiteral("make-demo-pki"), demo});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        trust = demo + QStringLiteral("/trust");
        auto policy = verify::json::parse(readFile(trust + QStringLiteral("/policy.json")).toStdString());
        QVERIFY(policy.hasValue());
        ecgDigest = policy->find("models")->asArray()[0].find("digest")->asString();
        echoDigest = policy->find("models")->asArray()[1].find("digest")->asString();
        QVERIFY(!QFileInfo::exists(demo + QStringLiteral("/signers/finding-signer.key.pem")) ||
                (QFile(demo + QStringLiteral("/signers/finding-signer.key.pem")).permissions() &
                 (QFileDevice::ReadOther | QFileDevice::ReadGroup)) == 0);
    }

    void signThenVerifyRealFiles_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<bool>("ecg");
        QTest::addColumn<int>(
            "truth"); // 0 waveform by dcmconv, 1 native pixels, 2 fragments (dcmdump +W), 3 file
        QTest::addColumn<QString>("other");
        QTest::newRow("ECG waveform (wave_dfl.dcm)")
            << QStringLiteral("ecg/wave_dfl.dcm") << true << 0 << QStringLiteral("ecg/100.dat");
        QTest::newRow("WFDB record, wfdb-record-v1 (100.dat)")
            << QStringLiteral("ecg/100.dat") << true << 4 << QStringLiteral("ecg/example-aecg.xml");
        QTest::newRow("HL7 aECG, file-v1")
            << QStringLiteral("ecg/example-aecg.xml") << true << 3 << QStringLiteral("ecg/wave_dfl.dcm");
        QTest::newRow("US native OB (US1_UNCR.dcm)")
            << QStringLiteral("us/US1_UNCR.dcm") << false << 1 << QStringLiteral("us/US1_J2KR.dcm");
        QTest::newRow("US native OW implicit (IM00001)")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm") << false << 1
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm");
        QTest::newRow("US JPEG, 44 fragments")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm") << false << 2
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm");
        QTest::newRow("US JPEG 2000 (US1_J2KR.dcm)")
            << QStringLiteral("us/US1_J2KR.dcm") << false << 2 << QStringLiteral("us/US1_UNCR.dcm");
    }
    void signThenVerifyRealFiles() {
        QFETCH(QString, rel);
        QFETCH(bool, ecg);
        QFETCH(int, truth);
        QFETCH(QString, other);
        const QString data = sharedFile(rel);
        const QString otherData = sharedFile(other);
        if (data.isEmpty() || otherData.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const QString dir = tmp.filePath(QStringLiteral("rt-") + QFileInfo(rel).completeBaseName());
        QDir().mkpath(dir);
        const QString bundle = dir + QStringLiteral("/finding.finding.json");
        const Run s =
            run({QStringLiteral("sign-finding"), QStringLiteral("--key"), signer("finding-signer", "key"),
                 QStringLiteral("--chain"), signer("finding-signer", "chain"), QStringLiteral("--data"), data,
                 QStringLiteral("--predicate"), writePredicate(dir, ecg), QStringLiteral("-o"), bundle});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        // By default a DICOM input is bound by the v2 method of its kind.
        if (truth < 3) {
            auto st = verify::parseFindingStatement(payloadOfBundle(bundle));
            QVERIFY(st.hasValue());
            QCOMPARE(st->input.digestMethod,
                     ecg ? verify::DigestMethod::DicomWaveformV2 : verify::DigestMethod::DicomPixelDataV2);
            QVERIFY(!st->input.attributes.empty());
        }
        // The v1 digest, against independent tools: signed again with --method.
        const QString v1Bundle = dir + QStringLiteral("/v1.finding.json");
        QStringList v1Args{QStringLiteral("sign-finding"),
                           QStringLiteral("--key"),
                           signer("finding-signer", "key"),
                           QStringLiteral("--chain"),
                           signer("finding-signer", "chain"),
                           QStringLiteral("--data"),
                           data,
                           QStringLiteral("--predicate"),
                           writePredicate(dir, ecg),
                           QStringLiteral("-o"),
                           v1Bundle};
        if (truth < 3) {
            v1Args << QStringLiteral("--method")
                   << (ecg ? QStringLiteral("dicom-waveform-v1") : QStringLiteral("dicom-pixeldata-v1"));
        }
        const Run s1 = run(v1Args);
        QVERIFY2(s1.exitCode == 0, s1.err.constData());
        if (haveTool(QStringLiteral("openssl")) && haveTool(QStringLiteral("dcmdump")) &&
            haveTool(QStringLiteral("dcmconv"))) {
            std::optional<std::string> expected;
            switch (truth) {
            case 0:
                expected = opensslSha256OfBytes(*waveformDataByDcmconv(data));
                break;
            case 1:
                expected = opensslSha256OfBytes(*pixelDataByDcmdump(data, false));
                break;
            case 2:
                expected = opensslSha256OfBytes(*pixelDataByDcmdump(data, true));
                break;
            case 4: {
                // wfdb-record-v1 by the independent implementation (Python's hashlib).
                auto ref = runTool(QStringLiteral("/usr/bin/python3"),
                                   {QStringLiteral(VERIDICOR_SOURCE_DIR "/tests/tools/reference_digest.py"),
                                    QStringLiteral("--method"), QStringLiteral("wfdb-record-v1"), data});
                if (ref) {
                    expected = ref->trimmed().toStdString();
                }
                break;
            }
            default:
                expected = opensslSha256(data);
                break;
            }
            if (truth != 4 || expected) { // without /usr/bin/python3 the record's digest has no reference
                QVERIFY(expected.has_value());
                QCOMPARE(subjectDigest(v1Bundle), *expected);
            }
        }

        const QString log = tmp.filePath(QStringLiteral("audit.log"));
        const Run v = run({QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), data, QStringLiteral("--audit-log"), log, bundle});
        QVERIFY2(v.exitCode == 0, (v.out + v.err).constData());
        auto verdict = verify::json::parse(v.out.toStdString());
        QVERIFY(verdict.hasValue());
        QCOMPARE(verdict->find("verdict")->asString(), std::string("trusted"));
        QVERIFY(verdict->find("reasons")->asArray().empty());
        QCOMPARE(verdict->find("checks")->asArray().size(), std::size_t{7});
        for (const auto& c : verdict->find("checks")->asArray()) {
            QVERIFY2(c.find("ok")->asBool(), c.find("detail")->asString().c_str());
        }
        QCOMPARE(verdict->find("findings")->asArray()[0].find("text")->asString(),
                 std::string(ecg ? "Occlusion MI, anterior wall" : "Small pericardial effusion"));
        QCOMPARE(verdict->find("signer")->find("identity")->asArray()[0].asString(),
                 std::string("omi-inference.vendor-a.example"));

        // The same finding against another recording: untrusted (exit 1), data mismatch, nothing echoed.
        const Run w = run({QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), otherData, QStringLiteral("--audit-log"), log, bundle});
        QCOMPARE(w.exitCode, 1);
        const auto rs = reasons(w);
        QVERIFY(std::find(rs.begin(), rs.end(), "DATA_MISMATCH") != rs.end());

        const Run a = run({QStringLiteral("audit-verify"), log});
        QVERIFY2(a.exitCode == 0, (a.out + a.err).constData());
    }

    void inputDigestAgreesWithAnIndependentImplementation_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<QStringList>("methods");
        const QStringList pixels{QStringLiteral("dicom-pixeldata-v2"), QStringLiteral("dicom-pixeldata-v1"),
                                 QStringLiteral("file-v1")};
        QTest::newRow("wave_dfl.dcm (deflated 12-lead)")
            << QStringLiteral("ecg/wave_dfl.dcm")
            << QStringList{QStringLiteral("dicom-waveform-v2"), QStringLiteral("dicom-waveform-v1"),
                           QStringLiteral("file-v1")};
        QTest::newRow("IM00001 native, implicit VR")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm") << pixels;
        QTest::newRow("IM00001 JPEG, 44 fragments")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm") << pixels;
        QTest::newRow("OBXXXX1A palette") << QStringLiteral("us/OBXXXX1A.dcm") << pixels;
        QTest::newRow("US1_J2KR JPEG 2000") << QStringLiteral("us/US1_J2KR.dcm") << pixels;
        QTest::newRow("US1_UNCR native OB") << QStringLiteral("us/US1_UNCR.dcm") << pixels;
        QTest::newRow("MIT-BIH 100 via its header")
            << QStringLiteral("ecg/100.hea")
            << QStringList{QStringLiteral("wfdb-record-v1"), QStringLiteral("file-v1")};
        QTest::newRow("MIT-BIH 100 via its signal file")
            << QStringLiteral("ecg/100.dat")
            << QStringList{QStringLiteral("wfdb-record-v1"), QStringLiteral("file-v1")};
        QTest::newRow("HL7 aECG") << QStringLiteral("ecg/example-aecg.xml")
                                  << QStringList{QStringLiteral("file-v1")};
    }
    void inputDigestAgreesWithAnIndependentImplementation() {
        // tests/tools/reference_digest.py implements every method from the specification's text with pydicom
        // and Python's hashlib; it shares no code with ours. Both must agree to the byte, attribute by
        // attribute.
        QFETCH(QString, rel);
        QFETCH(QStringList, methods);
        const QString reference = QStringLiteral(VERIDICOR_SOURCE_DIR "/tests/tools/reference_digest.py");
        if (!runTool(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"), QStringLiteral("import pydicom")})) {
            QSKIP("/usr/bin/python3 with pydicom (Debian python3-pydicom) is missing");
        }
        const QString data = sharedFile(rel);
        if (data.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        for (const QString& method : methods) {
            const Run ours = run({QStringLiteral("input-digest"), QStringLiteral("--method"), method,
                                  QStringLiteral("--attributes"), data});
            QVERIFY2(ours.exitCode == 0, ours.err.constData());
            auto theirs =
                runTool(QStringLiteral("/usr/bin/python3"), {reference, QStringLiteral("--method"), method,
                                                             QStringLiteral("--attributes"), data});
            QVERIFY2(theirs.has_value(), qPrintable(method));
            const QList<QByteArray> a = ours.out.split('\n');
            const int split = theirs->indexOf('\n');
            QCOMPARE(a[0], theirs->left(split));
            QVERIFY(verify::isSha256Hex(a[0].toStdString()));
            auto ourMap = verify::json::parse(a[1].toStdString());
            auto theirMap = verify::json::parse(theirs->mid(split + 1).trimmed().toStdString());
            QVERIFY(ourMap.hasValue() && theirMap.hasValue());
            std::map<std::string, std::string> x;
            std::map<std::string, std::string> y;
            for (const auto& m : ourMap->asObject()) {
                x[m.key] = m.value.asString();
            }
            for (const auto& m : theirMap->asObject()) {
                y[m.key] = m.value.asString();
            }
            QCOMPARE(x.size(), y.size());
            QVERIFY2(x == y, qPrintable(method));
            QCOMPARE(method.endsWith(QStringLiteral("-v2")) && method.startsWith(QStringLiteral("dicom")),
                     !x.empty());
        }
        // The same method named with a typo is a usage error.
        QCOMPARE(run({QStringLiteral("input-digest"), QStringLiteral("--method"), QStringLiteral("dicom-v2"),
                      data})
                     .exitCode,
                 2);
    }

    void anEchoWithAnEcgTraceIsBoundByItsFrames() {
        // An echo that also carries a Waveform Sequence: sign-finding binds it by its pixel data, and the
        // finding does not survive its frames being reordered (the trace left as it was).
        const QString echoFile = sharedFile(QStringLiteral("us/IM00001.implicit_little_endian.dcm"));
        const QString ecgFile = sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        if (echoFile.isEmpty() || ecgFile.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const QString dir = tmp.filePath(QStringLiteral("echo-trace"));
        QDir().mkpath(dir);
        const QString data = dir + QStringLiteral("/echo.dcm");
        auto write = [&](bool swap) {
            DcmFileFormat echo;
            DcmFileFormat trace;
            QVERIFY(echo.loadFile(echoFile.toStdString().c_str()).good());
            QVERIFY(trace.loadFile(ecgFile.toStdString().c_str()).good());
            DcmSequenceOfItems* waves = nullptr;
            QVERIFY(trace.getDataset()->findAndGetSequence(DCM_WaveformSequence, waves).good());
            echo.getDataset()->insert(new DcmSequenceOfItems(*waves));
            if (swap) {
                DcmElement* pixels = nullptr;
                QVERIFY(echo.getDataset()->findAndGetElement(DCM_PixelData, pixels).good());
                Uint8* bytes = nullptr;
                QVERIFY(pixels->getUint8Array(bytes).good());
                const std::size_t frame = std::size_t{240} * 320 * 3;
                std::swap_ranges(bytes, bytes + frame, bytes + frame);
            }
            QVERIFY(echo.saveFile(data.toStdString().c_str(), EXS_LittleEndianExplicit).good());
        };
        write(false);
        const QString bundle = dir + QStringLiteral("/echo.finding.json");
        const Run s =
            run({QStringLiteral("sign-finding"), QStringLiteral("--key"), signer("finding-signer", "key"),
                 QStringLiteral("--chain"), signer("finding-signer", "chain"), QStringLiteral("--data"), data,
                 QStringLiteral("--predicate"), writePredicate(dir, false), QStringLiteral("-o"), bundle});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        QVERIFY(payloadOfBundle(bundle).find("dicom-pixeldata-v2") != std::string::npos);
        // Asked for the trace's method: refused, it cannot bind such an object.
        const Run w =
            run({QStringLiteral("sign-finding"), QStringLiteral("--key"), signer("finding-signer", "key"),
                 QStringLiteral("--chain"), signer("finding-signer", "chain"), QStringLiteral("--data"), data,
                 QStringLiteral("--predicate"), writePredicate(dir, false), QStringLiteral("-o"),
                 dir + QStringLiteral("/w.finding.json"), QStringLiteral("--method"),
                 QStringLiteral("dicom-waveform-v2")});
        QCOMPARE(w.exitCode, 2);
        const QStringList verifyArgs{QStringLiteral("verify"),
                                     QStringLiteral("--trust"),
                                     trust,
                                     QStringLiteral("--data"),
                                     data,
                                     bundle};
        const Run before = run(verifyArgs);
        QVERIFY2(before.exitCode == 0, (before.out + before.err).constData());
        write(true);
        const Run after = run(verifyArgs);
        QCOMPARE(after.exitCode, 1);
        QCOMPARE(reasons(after), std::vector<std::string>{"DATA_MISMATCH"});
    }

    void signersOfTheDemoPki_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        QTest::newRow("Ed25519 signer") << QStringLiteral("finding-signer-ed25519") << QString();
        QTest::newRow("revoked signer") << QStringLiteral("revoked-signer") << QStringLiteral("CERT_REVOKED");
        QTest::newRow("expired signer") << QStringLiteral("expired-signer") << QStringLiteral("CERT_EXPIRED");
        QTest::newRow("unknown root")
            << QStringLiteral("unknown-signer") << QStringLiteral("UNTRUSTED_CHAIN");
        QTest::newRow("model signer signing a finding")
            << QStringLiteral("model-signer") << QStringLiteral("SIGNER_NOT_AUTHORIZED");
    }
    void signersOfTheDemoPki() {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        VERIDICOR_SHARED_FILE(data, "ecg/wave_dfl.dcm");
        const QString dir = tmp.filePath(QStringLiteral("signer-") + name);
        QDir().mkpath(dir);
        const QString bundle = dir + QStringLiteral("/f.finding.json");
        const QByteArray n = name.toLatin1();
        const Run s =
            run({QStringLiteral("sign-finding"), QStringLiteral("--key"), signer(n.constData(), "key"),
                 QStringLiteral("--chain"), signer(n.constData(), "chain"), QStringLiteral("--data"), data,
                 QStringLiteral("--predicate"), writePredicate(dir, true), QStringLiteral("-o"), bundle});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        const Run v = run({QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), data, bundle});
        if (reason.isEmpty()) {
            QVERIFY2(v.exitCode == 0, v.out.constData());
        } else {
            QCOMPARE(v.exitCode, 1);
            QCOMPARE(reasons(v), std::vector<std::string>{reason.toStdString()});
            // Findings are echoed only when chain and signature passed (the authorization check comes later).
            QCOMPARE(v.out.contains("\"findings\": []"), reason != QStringLiteral("SIGNER_NOT_AUTHORIZED"));
        }
    }

    void verificationTimeIsAnOption() {
        VERIDICOR_SHARED_FILE(data, "ecg/100.dat");
        const QString bundle = tmp.filePath(QStringLiteral("rt-100/finding.finding.json"));
        if (!QFileInfo::exists(bundle)) {
            QSKIP("depends on signThenVerifyRealFiles");
        }
        // Three years on, the signer's certificate (two years) has expired.
        const Run v =
            run({QStringLiteral("verify"), QStringLiteral("--trust"), trust, QStringLiteral("--data"), data,
                 QStringLiteral("--at"), QStringLiteral("2099-01-01T00:00:00Z"), bundle});
        QCOMPARE(v.exitCode, 1);
        const auto rs = reasons(v);
        QVERIFY(std::find(rs.begin(), rs.end(), "CERT_EXPIRED") != rs.end());
        // Before the demo PKI existed, nothing was valid yet.
        const Run early =
            run({QStringLiteral("verify"), QStringLiteral("--trust"), trust, QStringLiteral("--data"), data,
                 QStringLiteral("--at"), QStringLiteral("2001-01-01T00:00:00+02:00"), bundle});
        QCOMPARE(early.exitCode, 1);
    }

    void errorsAndUsage_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        const QString d = sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        const QString b = tmp.filePath(QStringLiteral("rt-wave_dfl/finding.finding.json"));
        QTest::newRow("verify without --trust")
            << QStringList{QStringLiteral("verify"), QStringLiteral("--data"), d, b} << 2;
        QTest::newRow("verify without bundle")
            << QStringList{QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), d}
            << 2;
        QTest::newRow("unreadable data")
            << QStringList{QStringLiteral("verify"), QStringLiteral("--trust"),          trust,
                           QStringLiteral("--data"), QStringLiteral("/nonexistent.dcm"), b}
            << 2;
        QTest::newRow("missing trust store") << QStringList{QStringLiteral("verify"),
                                                            QStringLiteral("--trust"),
                                                            QStringLiteral("/nonexistent-trust"),
                                                            QStringLiteral("--data"),
                                                            d,
                                                            b}
                                             << 2;
        QTest::newRow("bad --at") << QStringList{QStringLiteral("verify"),
                                                 QStringLiteral("--trust"),
                                                 trust,
                                                 QStringLiteral("--data"),
                                                 d,
                                                 QStringLiteral("--at"),
                                                 QStringLiteral("yesterday"),
                                                 b}
                                  << 2;
        QTest::newRow("missing bundle") << QStringList{QStringLiteral("verify"),
                                                       QStringLiteral("--trust"),
                                                       trust,
                                                       QStringLiteral("--data"),
                                                       d,
                                                       QStringLiteral("/nonexistent.finding.json")}
                                        << 2;
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("verify"), QStringLiteral("--frobnicate")} << 2;
        QTest::newRow("sign-finding without key")
            << QStringList{QStringLiteral("sign-finding"), QStringLiteral("--data"), d} << 2;
        QTest::newRow("audit-verify of nothing")
            << QStringList{QStringLiteral("audit-verify"), QStringLiteral("/nonexistent.log")} << 2;
        QTest::newRow("verify-model without signature")
            << QStringList{QStringLiteral("verify-model"), QStringLiteral("--trust"), trust,
                           QStringLiteral("/tmp")}
            << 2;
    }
    void errorsAndUsage() {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        if (sharedDataDir().isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const Run r = run(args);
        QCOMPARE(r.exitCode, code);
        QVERIFY(r.err.startsWith("veridicor-cli") || r.err.contains("Usage") ||
                r.err.contains("Unknown option"));
        QVERIFY(r.out.isEmpty());
    }

    void malformedBundleIsUntrustedNotAnError() {
        VERIDICOR_SHARED_FILE(data, "ecg/wave_dfl.dcm");
        const QString bundle = tmp.filePath(QStringLiteral("garbage.finding.json"));
        writeFile(bundle,
                  R"({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "mediaType": 1})");
        const Run v = run({QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), data, bundle});
        QCOMPARE(v.exitCode, 1);
        QCOMPARE(reasons(v), std::vector<std::string>{"MALFORMED"});
    }

    void signModelThenVerifyModel_data() {
        QTest::addColumn<QString>("shard");
        QTest::newRow("files") << QString();
        QTest::newRow("shards of 4096 bytes") << QStringLiteral("4096");
    }
    void signModelThenVerifyModel() {
        QFETCH(QString, shard);
        const QString model =
            tmp.filePath(QStringLiteral("model-") + (shard.isEmpty() ? QStringLiteral("files") : shard));
        QVERIFY(QDir().mkpath(model + QStringLiteral("/weights")));
        writeFile(model + QStringLiteral("/config.json"), "{\"layers\": 12}\n");
        QByteArray weights;
        for (int i = 0; i < 20000; ++i) {
            weights.append(static_cast<char>(i * 31));
        }
        writeFile(model + QStringLiteral("/weights/layer-0.bin"), weights);
        writeFile(model + QStringLiteral("/weights/layer-1.bin"), weights.left(777));
        const QString sig =
            model + QStringLiteral("/model.sig"); // inside: left out and listed in ignore_paths
        QStringList signArgs{QStringLiteral("sign-model"),
                             QStringLiteral("--key"),
                             signer("model-signer", "key"),
                             QStringLiteral("--chain"),
                             signer("model-signer", "chain"),
                             model,
                             QStringLiteral("-o"),
                             sig};
        if (!shard.isEmpty()) {
            signArgs << QStringLiteral("--shard-size") << shard;
        }
        const Run s = run(signArgs);
        QVERIFY2(s.exitCode == 0, s.err.constData());
        const QStringList verifyArgs{QStringLiteral("verify-model"),
                                     QStringLiteral("--trust"),
                                     trust,
                                     QStringLiteral("--signature"),
                                     sig,
                                     model};
        Run v = run(verifyArgs);
        QVERIFY2(v.exitCode == 0, v.out.constData());
        QVERIFY(v.out.contains("\"verdict\": \"trusted\""));
        QVERIFY(v.out.contains("Vendor A Model Signing"));

        // A changed, a removed and an added file each fail, and are named.
        writeFile(model + QStringLiteral("/weights/layer-1.bin"), weights.left(776) + "X");
        v = run(verifyArgs);
        QCOMPARE(v.exitCode, 1);
        QVERIFY(v.out.contains("\"changed\": [\n      \"weights/layer-1.bin\""));
        writeFile(model + QStringLiteral("/weights/layer-1.bin"), weights.left(777));
        QCOMPARE(run(verifyArgs).exitCode, 0);

        QVERIFY(QFile::remove(model + QStringLiteral("/config.json")));
        v = run(verifyArgs);
        QCOMPARE(v.exitCode, 1);
        QVERIFY(v.out.contains("\"missing\": [\n      \"config.json\""));
        writeFile(model + QStringLiteral("/config.json"), "{\"layers\": 12}\n");
        QCOMPARE(run(verifyArgs).exitCode, 0);

        writeFile(model + QStringLiteral("/weights/backdoor.bin"), "x");
        v = run(verifyArgs);
        QCOMPARE(v.exitCode, 1);
        QVERIFY(v.out.contains("\"extra\": [\n      \"weights/backdoor.bin\""));
        QVERIFY(QFile::remove(model + QStringLiteral("/weights/backdoor.bin")));

        // The key method with the signer's public key (extracted by the openssl command), and with another
        // key.
        if (haveTool(QStringLiteral("openssl"))) {
            const QString pub = model + QStringLiteral("-pub.pem");
            auto pem = runTool(QStringLiteral("openssl"),
                               {QStringLiteral("pkey"), QStringLiteral("-in"), signer("model-signer", "key"),
                                QStringLiteral("-pubout")});
            QVERIFY(pem.has_value());
            writeFile(pub, *pem);
            v = run({QStringLiteral("verify-model"), QStringLiteral("--trust"), trust,
                     QStringLiteral("--key"), pub, QStringLiteral("--signature"), sig, model});
            QVERIFY2(v.exitCode == 0, v.out.constData());
            QVERIFY(v.out.contains("\"method\": \"key\""));
            auto otherPem = runTool(QStringLiteral("openssl"),
                                    {QStringLiteral("pkey"), QStringLiteral("-in"),
                                     signer("finding-signer", "key"), QStringLiteral("-pubout")});
            writeFile(pub, *otherPem);
            v = run({QStringLiteral("verify-model"), QStringLiteral("--trust"), trust,
                     QStringLiteral("--key"), pub, QStringLiteral("--signature"), sig, model});
            QCOMPARE(v.exitCode, 1);
        }
    }

    void signModelNeedsAnEcdsaKey() {
        const QString model = tmp.filePath(QStringLiteral("model-ed"));
        writeFile(model + QStringLiteral("/w.bin"), "w");
        const Run s = run({QStringLiteral("sign-model"), QStringLiteral("--key"),
                           signer("finding-signer-ed25519", "key"), QStringLiteral("--chain"),
                           signer("finding-signer-ed25519", "chain"), model, QStringLiteral("-o"),
                           tmp.filePath(QStringLiteral("ed.sig"))});
        QCOMPARE(s.exitCode, 2);
        QVERIFY(s.err.contains("ECDSA"));
    }

    void auditVerifyNamesTheFirstBadLine() {
        const QString log = tmp.filePath(QStringLiteral("audit.log"));
        QByteArray text = readFile(log);
        if (text.count('\n') < 4) {
            QSKIP("depends on signThenVerifyRealFiles (shared data)");
        }
        QCOMPARE(run({QStringLiteral("audit-verify"), log}).exitCode, 0);
        QList<QByteArray> ls = text.split('\n');
        ls[1].replace("\"untrusted\"", "\"trusted\"");
        QVERIFY(writeFile(log, ls.join('\n')));
        const Run a = run({QStringLiteral("audit-verify"), log});
        QCOMPARE(a.exitCode, 1);
        QVERIFY2(a.out.contains("first bad line 2"), a.out.constData());
        QVERIFY(a.err.contains("line 2"));
        QVERIFY(writeFile(log, text));
        QCOMPARE(run({QStringLiteral("audit-verify"), log}).exitCode, 0);
    }

    void hostileDicomTextNeverAbortsTheCli_data() {
        QTest::addColumn<QString>("rel");
        QTest::addColumn<int>("group");
        QTest::addColumn<int>("element");
        QTest::addColumn<QByteArray>("value"); // Latin-1 bytes, never valid UTF-8
        QTest::addColumn<bool>("append");      // to the value already there, else instead of it
        QTest::addColumn<int>("cineInfoExit"); // 0 for an image, 2 for the ECG (not an image)
        QTest::addColumn<int>("verifyExit");   // 1 untrusted; 0 where the changed attribute is not bound
        QTest::newRow("ECG, Modality EC\\xE9") << QStringLiteral("ecg/wave_dfl.dcm") << 0x0008 << 0x0060
                                               << QByteArray("EC\xE9") << false << 2 << 1;
        QTest::newRow("ECG, SOP Instance UID ending in \\xE9")
            << QStringLiteral("ecg/wave_dfl.dcm") << 0x0008 << 0x0018 << QByteArray("\xE9") << true << 2 << 1;
        QTest::newRow("ECG, Study Instance UID ending in \\xE9")
            << QStringLiteral("ecg/wave_dfl.dcm") << 0x0020 << 0x000D << QByteArray("\xE9") << true << 2 << 1;
        QTest::newRow("ECG, Latin-1 Patient Name, no Specific Character Set")
            << QStringLiteral("ecg/wave_dfl.dcm") << 0x0010 << 0x0010 << QByteArray("M\xFCller^Jos\xE9")
            << false << 2 << 0; // the patient name is not covered by the digest (docs/finding-bundle.md)
        QTest::newRow("US, SOP Class UID ending in \\xE9")
            << QStringLiteral("us/US1_UNCR.dcm") << 0x0008 << 0x0016 << QByteArray("\xE9") << true << 0 << 1;
        QTest::newRow("US, Latin-1 Patient Name, no Specific Character Set")
            << QStringLiteral("us/US1_UNCR.dcm") << 0x0010 << 0x0010 << QByteArray("M\xFCller^Jos\xE9")
            << false << 0 << 1;
    }
    void hostileDicomTextNeverAbortsTheCli() {
        // The real files rewritten with DCMTK so that one string holds Latin-1 bytes (no Specific Character
        // Set, so they are not UTF-8): every command exits with its documented code and prints valid JSON;
        // none aborts (an uncaught exception would be a crash, exit 134).
        QFETCH(QString, rel);
        QFETCH(int, group);
        QFETCH(int, element);
        QFETCH(QByteArray, value);
        QFETCH(bool, append);
        QFETCH(int, cineInfoExit);
        QFETCH(int, verifyExit);
        const QString original = sharedFile(rel);
        const QString ecgData = sharedFile(QStringLiteral("ecg/wave_dfl.dcm"));
        if (original.isEmpty() || ecgData.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        const QString dir = tmp.filePath(QStringLiteral("hostile-%1-%2").arg(group).arg(element));
        QVERIFY(QDir().mkpath(dir));
        const QString data = dir + QStringLiteral("/") + QFileInfo(rel).fileName();
        {
            DcmFileFormat ff;
            QVERIFY(ff.loadFile(original.toStdString().c_str()).good());
            DcmDataset* ds = ff.getDataset();
            const DcmTagKey tag(static_cast<Uint16>(group), static_cast<Uint16>(element));
            OFString old;
            ds->findAndGetOFStringArray(tag, old);
            const std::string bytes =
                (append ? std::string(old.c_str()) : std::string()) + value.toStdString();
            QVERIFY(ds->putAndInsertString(tag, bytes.c_str()).good());
            delete ds->remove(DCM_SpecificCharacterSet);
            // DCMTK rewrites the meta header from the dataset (media storage SOP class and instance UIDs).
            QVERIFY(ff.saveFile(data.toStdString().c_str(), EXS_LittleEndianExplicit).good());
        }
        auto validJson = [](const Run& r) {
            return verify::json::isValidUtf8(r.out.toStdString()) &&
                   verify::json::parse(r.out.toStdString()).hasValue();
        };

        // A finding signed for the untouched ECG, checked against the rewritten file: untrusted (exit 1)
        // unless only the patient name changed; valid JSON either way, recorded in an audit log that stays
        // intact.
        const QString bundle = dir + QStringLiteral("/f.finding.json");
        const Run s = run(
            {QStringLiteral("sign-finding"), QStringLiteral("--key"), signer("finding-signer", "key"),
             QStringLiteral("--chain"), signer("finding-signer", "chain"), QStringLiteral("--data"), ecgData,
             QStringLiteral("--predicate"), writePredicate(dir, true), QStringLiteral("-o"), bundle});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        const QString log = dir + QStringLiteral("/audit.log");
        const Run v = run({QStringLiteral("verify"), QStringLiteral("--trust"), trust,
                           QStringLiteral("--data"), data, QStringLiteral("--audit-log"), log, bundle});
        QCOMPARE(v.exitCode, verifyExit);
        QVERIFY2(validJson(v), v.out.constData());
        const Run a = run({QStringLiteral("audit-verify"), log});
        QVERIFY2(a.exitCode == 0, (a.out + a.err).constData());

        const Run index = run({QStringLiteral("dicom-index"), data});
        QCOMPARE(index.exitCode, 0);
        QVERIFY2(validJson(index), index.out.constData());
        if (group == 0x0010 && element == 0x0010) {
            // The name is decoded by dicom/text.h: non-ASCII bytes without a declared character set are shown
            // as \xNN and said to be undecoded, never guessed at.
            QVERIFY2(index.out.contains("M\\\\xFCller, Jos\\\\xE9 (undecoded bytes: "),
                     index.out.constData());
        } else {
            QVERIFY(index.out.contains("\xEF\xBF\xBD")); // the Latin-1 byte, as U+FFFD
        }

        const Run info = run({QStringLiteral("cine-info"), data});
        QCOMPARE(info.exitCode, cineInfoExit);
        if (cineInfoExit == 0) {
            QVERIFY2(validJson(info), info.out.constData());
        }
    }

    void demoPkiSignersAreNotCertificateAuthorities() {
        // Read by the openssl command: every signer's certificate (the first of its chain file) is an end
        // entity that may sign; the CAs may sign certificates and CRLs only.
        if (!haveTool(QStringLiteral("openssl"))) {
            QSKIP("the openssl command is not installed");
        }
        auto extensions = [](const QString& pem) {
            return runTool(QStringLiteral("openssl"),
                           {QStringLiteral("x509"), QStringLiteral("-in"), pem, QStringLiteral("-noout"),
                            QStringLiteral("-ext"), QStringLiteral("basicConstraints,keyUsage")})
                .value_or(QByteArray());
        };
        for (const char* name : {"finding-signer", "finding-signer-ed25519", "model-signer", "revoked-signer",
                                 "expired-signer", "unknown-signer"}) {
            const QByteArray ext = extensions(signer(name, "chain"));
            QVERIFY2(ext.contains("CA:FALSE") && ext.contains("Digital Signature") &&
                         !ext.contains("Certificate Sign"),
                     (std::string(name) + ": " + ext.toStdString()).c_str());
        }
        const QByteArray root = extensions(trust + QStringLiteral("/anchors/demo-root.pem"));
        QVERIFY2(root.contains("CA:TRUE") && root.contains("Certificate Sign") &&
                     !root.contains("Digital Signature"),
                 root.constData());
    }

    void helpListsTheCommands() {
        const Run r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char* c :
             {"verify", "sign-finding", "sign-model", "verify-model", "audit-verify", "make-demo-pki"}) {
            QVERIFY2(r.out.contains(c), c);
        }
    }
};

QTEST_GUILESS_MAIN(TestVerifyCli)
// NOLINTEND(modernize-raw-string-literal)
#include "tst_verify_cli.moc"
