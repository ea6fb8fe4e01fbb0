// R2.1 and R2.2 of the finding bundle specification, attack by attack: the header attributes that give a
// recording its meaning are bound by the v2 methods, so an edit made after signing — with DCMTK's dcmodify,
// an outside tool, wherever it can make the edit — voids the finding and the verdict names what changed; the
// same edit under a v1 binding leaves the finding trusted but says that its header is not covered. Real files
// from
// ../shared/data are copied into a temporary folder and edited there.
#include "independent_digest.h"
#include "test_data.h"
#include "verify_fixture.h"

#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>

#include <QtTest>

using namespace veridicor;
using namespace veridicor::test;
using namespace veridicor::verify;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

json::Value usPredicate(const std::string& modelDigest, const std::string& producedAt) {
    return *json::parse(R"({"model": {"name": "ecg-omi-detector", "version": "2.1.0",
        "digest": {"sha256": ")" +
                        modelDigest + R"("}}, "producedAt": ")" + producedAt + R"(",
        "input": {"modality": "US"},
        "findings": [{"id": "f1", "code": {"scheme": "SCT", "value": "373945007", "meaning": "Pericardial effusion"},
            "text": "Small pericardial effusion", "confidence": 0.81,
            "region": {"kind": "cine", "firstFrame": 0, "lastFrame": 3}}],
        "attachments": []})");
}

} // namespace

class TestMeaningBinding : public QObject {
    Q_OBJECT

    std::unique_ptr<VerifyFixture> f;
    int m_files = 0;

    /// A copy of a shared file in the fixture's folder (edited there, never in place).
    std::filesystem::path copyOf(const QString& shared) {
        auto to = f->root / "edits" /
                  (std::to_string(++m_files) + "-" + QFileInfo(shared).fileName().toStdString());
        std::filesystem::create_directories(to.parent_path());
        std::filesystem::copy_file(shared.toStdString(), to);
        return to;
    }

    [[nodiscard]] std::string signFor(const std::filesystem::path& data, const json::Value& predicate,
                                      std::optional<DigestMethod> method = std::nullopt) const {
        auto in = openInput(data);
        if (!in) {
            qWarning("openInput: %s", in.error().message.c_str());
            return {};
        }
        FindingSignOptions o;
        o.method = method;
        auto b = signFinding(f->pki.identity(f->pki.finding), predicate, *in, f->root / "bundles", o);
        if (!b) {
            qWarning("signFinding: %s", b.error().message.c_str());
            return {};
        }
        return *b;
    }

    [[nodiscard]] Verdict verifyOn(const std::string& bundle, const std::filesystem::path& data,
                                   const std::string& store = "trust") const {
        auto in = openInput(data);
        if (!in) {
            qWarning("openInput: %s", in.error().message.c_str());
            return {};
        }
        return f->verify(bundle, store, &*in);
    }

    static bool dcmodify(const std::filesystem::path& file, const QStringList& edits) {
        QStringList args{QStringLiteral("-nb")};
        args << edits << QString::fromStdString(file.string());
        return runTool(QStringLiteral("dcmodify"), args).has_value();
    }

    /// Signs `data` by v2 and by v1, applies `edits` with dcmodify, and checks both verdicts: the v2 finding
    /// is DATA_MISMATCH naming each of `named`; the v1 one is still trusted and says its header is not
    /// covered.
    void tamperAndCheck(const std::filesystem::path& data, const json::Value& predicate, DigestMethod v1,
                        const QStringList& edits, const QStringList& named) {
        const std::string v2Bundle = signFor(data, predicate);
        const std::string v1Bundle = signFor(data, predicate, v1);
        QVERIFY(!v2Bundle.empty() && !v1Bundle.empty());
        const Verdict before = verifyOn(v2Bundle, data);
        QVERIFY2(before.trusted(),
                 (reasonsText(before) + ": " + before.check(CheckId::Binding).detail).c_str());
        QVERIFY(before.headerCovered.value_or(false));
        QVERIFY(before.warnings.empty());

        QVERIFY(dcmodify(data, edits));

        const Verdict after = verifyOn(v2Bundle, data);
        QCOMPARE(reasonsText(after), std::string("DATA_MISMATCH"));
        const std::string& detail = after.check(CheckId::Binding).detail;
        for (const QString& n : named) {
            QVERIFY2(contains(detail, n.toStdString() + " differs from the signed value"), detail.c_str());
        }
        // Under a version 1 policy a v1 binding still holds — the samples or pixels are the same — and the
        // verdict says so plainly.
        const Verdict old = verifyOn(v1Bundle, data);
        QVERIFY2(old.trusted(), (reasonsText(old) + ": " + old.check(CheckId::Binding).detail).c_str());
        QVERIFY(old.headerCovered.has_value() && !*old.headerCovered);
        QCOMPARE(old.warnings.size(), std::size_t{1});
        QVERIFY2(contains(old.warnings[0], "header is not covered"), old.warnings[0].c_str());
        QVERIFY(contains(old.check(CheckId::Binding).detail, "header is not covered"));
        auto json = json::parse(verdictToJson(old));
        QVERIFY(!json->find("binding")->find("headerCovered")->asBool());
        QVERIFY(contains(json->find("warnings")->asArray()[0].asString(), "header is not covered"));
    }

private slots:
    void initTestCase() {
        QVERIFY(dicom::initializeDicom().hasValue());
        if (!haveTool(QStringLiteral("dcmodify"))) {
            QSKIP("dcmodify (Debian package dcmtk) is missing: the edits are made with it");
        }
        f = std::make_unique<VerifyFixture>(now());
        QVERIFY(f->setUp());
        VerifyFixture::PolicyOptions o;
        o.modalities = {"ECG", "US"};
        QVERIFY(f->writeTrustStore("trust", o));
    }

    void waveformHeaderEdits_data() {
        QTest::addColumn<QStringList>("edits");
        QTest::addColumn<QStringList>("named");
        QTest::newRow("sampling frequency 240 → 480 Hz (every interval halves)")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(5400,0100)[0].(003A,001A)=480")}
            << QStringList{QStringLiteral("Sampling Frequency (003A,001A) of waveform group 1")};
        QTest::newRow("lead codes of V2 and V4 swapped")
            << QStringList{QStringLiteral("-m"),
                           QStringLiteral(
                               "(5400,0100)[0].(003A,0200)[7].(003A,0208)[0].(0008,0100)=5.6.3-9-6"),
                           QStringLiteral("-m"),
                           QStringLiteral(
                               "(5400,0100)[0].(003A,0200)[9].(003A,0208)[0].(0008,0100)=5.6.3-9-4")}
            << QStringList{
                   QStringLiteral("Code Value (0008,0100) in item 1 of the Channel Source Sequence of "
                                  "channel 8 of waveform group 1"),
                   QStringLiteral("Code Value (0008,0100) in item 1 of the Channel Source Sequence of "
                                  "channel 10 of waveform group 1")};
        QTest::newRow("sensitivity of lead I doubled")
            << QStringList{QStringLiteral("-m"),
                           QStringLiteral("(5400,0100)[0].(003A,0200)[0].(003A,0210)=0.00244")}
            << QStringList{
                   QStringLiteral("Channel Sensitivity (003A,0210) of channel 1 of waveform group 1")};
        QTest::newRow("a notch filter claimed that was never applied")
            << QStringList{QStringLiteral("-i"),
                           QStringLiteral("(5400,0100)[0].(003A,0200)[0].(003A,0222)=50")}
            << QStringList{
                   QStringLiteral("Notch Filter Frequency (003A,0222) of channel 1 of waveform group 1")};
        QTest::newRow("another patient's ID")
            << QStringList{QStringLiteral("-i"), QStringLiteral("(0010,0020)=OTHER-123")}
            << QStringList{QStringLiteral("Patient ID (0010,0020)")};
    }
    void waveformHeaderEdits() {
        QFETCH(QStringList, edits);
        QFETCH(QStringList, named);
        VERIDICOR_SHARED_FILE(ecg, "ecg/wave_dfl.dcm");
        tamperAndCheck(copyOf(ecg), ecgPredicate(f->modelDigest, f->producedAt()),
                       DigestMethod::DicomWaveformV1, edits, named);
    }

    void pixelHeaderEdits_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("edits");
        QTest::addColumn<QStringList>("named");
        QTest::newRow("rows and columns exchanged (the same bytes as another image)")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(0028,0010)=320"), QStringLiteral("-m"),
                           QStringLiteral("(0028,0011)=240")}
            << QStringList{QStringLiteral("Rows (0028,0010)"), QStringLiteral("Columns (0028,0011)")};
        QTest::newRow("frame times changed (another heart rate)")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(0018,1065)=25\\25\\25\\25\\25\\25\\25\\25")}
            << QStringList{QStringLiteral("Frame Time Vector (0018,1065)")};
        QTest::newRow("ultrasound region delta changed (every distance rescaled)")
            << QStringLiteral("us/IM00001.implicit_little_endian.dcm")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(0018,6011)[1].(0018,602C)=-0.3")}
            << QStringList{QStringLiteral("Physical Delta X (0018,602C) of ultrasound region 2")};
        // The red table replaced by the blue one's reverse: other colours for the same indices.
        QString words;
        for (int i = 0; i < 256; ++i) {
            words += (i == 0 ? QString() : QStringLiteral("\\")) +
                     QStringLiteral("%1").arg(255 - i, 4, 16, QLatin1Char('0'));
        }
        QTest::newRow("palette colours changed")
            << QStringLiteral("us/OBXXXX1A.dcm")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(0028,1201)=") + words}
            << QStringList{QStringLiteral("Red Palette Color Lookup Table Data (0028,1201)")};
        QTest::newRow("photometric interpretation changed (the same bytes read as other colours)")
            << QStringLiteral("us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm")
            << QStringList{QStringLiteral("-m"), QStringLiteral("(0028,0004)=RGB")}
            << QStringList{QStringLiteral("Photometric Interpretation (0028,0004)")};
    }
    void pixelHeaderEdits() {
        QFETCH(QString, file);
        QFETCH(QStringList, edits);
        QFETCH(QStringList, named);
        const QString shared = sharedFile(file);
        if (shared.isEmpty()) {
            QSKIP("shared test data is absent (../shared/data); test skipped");
        }
        tamperAndCheck(copyOf(shared), usPredicate(f->modelDigest, f->producedAt()),
                       DigestMethod::DicomPixelDataV1, edits, named);
    }

    void changedSamplesAreToldApartFromChangedAttributes() {
        // Only the samples changed: every signed attribute is as it was, so the verdict says the samples
        // themselves differ (and names no attribute).
        const auto path = f->root / "edits" / "samples.dcm";
        SyntheticEcg ecg;
        QVERIFY(ecg.write(path));
        const std::string bundle = signFor(path, ecgPredicate(f->modelDigest, f->producedAt()));
        QVERIFY(ecg.write(path, EXS_LittleEndianExplicit, 3)); // the same header, other samples
        const Verdict v = verifyOn(bundle, path);
        QCOMPARE(reasonsText(v), std::string("DATA_MISMATCH"));
        const std::string& detail = v.check(CheckId::Binding).detail;
        QVERIFY2(contains(detail, "the samples themselves differ"), detail.c_str());
        QVERIFY2(!contains(detail, "differs from the signed value"), detail.c_str());
    }

    void withoutSignedAttributesTheMismatchIsStillCaught() {
        // input.attributes is optional: a producer that leaves it out still gets the binding, only not the
        // naming of what changed.
        const auto path = copyOf(sharedFile(QStringLiteral("ecg/wave_dfl.dcm")));
        auto in = openInput(path);
        QVERIFY(in.hasValue());
        InputData bare = *in;
        bare.attributes.clear();
        auto st =
            buildFindingStatement(ecgPredicate(f->modelDigest, f->producedAt()), bare, f->root / "bundles");
        QVERIFY(st.hasValue());
        const std::string statement = editBundle(*st, [](json::Value& doc) {
            auto& members = doc.find("predicate")->find("input")->asObject();
            members.erase(std::remove_if(members.begin(), members.end(),
                                         [](const json::Member& m) { return m.key == "attributes"; }),
                          members.end());
        });
        QVERIFY(!contains(statement, "\"attributes\""));
        auto bundle = signDsseBundle(f->pki.identity(f->pki.finding), statement);
        QVERIFY(bundle.hasValue());
        QVERIFY(verifyOn(*bundle, path).trusted());
        QVERIFY(dcmodify(path, {QStringLiteral("-m"), QStringLiteral("(5400,0100)[0].(003A,001A)=480")}));
        const Verdict v = verifyOn(*bundle, path);
        QCOMPARE(reasonsText(v), std::string("DATA_MISMATCH"));
        QVERIFY(!contains(v.check(CheckId::Binding).detail, "differs from the signed value"));
    }

    void anAddedSequenceItemIsNamed() {
        // A third ultrasound region appended after signing.
        const auto path = copyOf(sharedFile(QStringLiteral("us/IM00001.implicit_little_endian.dcm")));
        const std::string bundle = signFor(path, usPredicate(f->modelDigest, f->producedAt()));
        QVERIFY(dcmodify(path, {QStringLiteral("-i"), QStringLiteral("(0018,6011)[2].(0018,6012)=1")}));
        const Verdict v = verifyOn(bundle, path);
        QCOMPARE(reasonsText(v), std::string("DATA_MISMATCH"));
        QVERIFY2(contains(v.check(CheckId::Binding).detail,
                          "item 3 of Sequence of Ultrasound Regions (0018,6011) was added after signing"),
                 v.check(CheckId::Binding).detail.c_str());
    }

    void aVersion2PolicyRefusesHeaderBlindBindings() {
        // Under policyVersion 2 the default is the v2 methods only: a v1 binding is DATA_MISMATCH, saying
        // why.
        VerifyFixture::PolicyOptions o;
        o.policyVersion = 2;
        o.revocationGiven = false; // the version 2 default: require
        o.withRootCrl = true;
        o.modalities = {"ECG", "US"};
        o.findingSigners = {"dns:" + std::string(TestPki::kFindingSigner)};
        o.modelSigners = {"cn:" + std::string(TestPki::kModelSigner)};
        QVERIFY(f->writeTrustStore("trust-v2", o));
        const auto path = copyOf(sharedFile(QStringLiteral("ecg/wave_dfl.dcm")));
        const json::Value pred = ecgPredicate(f->modelDigest, f->producedAt());
        const Verdict v2 = verifyOn(signFor(path, pred), path, "trust-v2");
        QVERIFY2(v2.trusted(),
                 (reasonsText(v2) + ": " + v2.check(CheckId::Chain).detail + " / " +
                  v2.check(CheckId::Model).detail + " / " + v2.check(CheckId::Provenance).detail)
                     .c_str());
        const Verdict v1 = verifyOn(signFor(path, pred, DigestMethod::DicomWaveformV1), path, "trust-v2");
        QCOMPARE(reasonsText(v1), std::string("DATA_MISMATCH"));
        QVERIFY2(contains(v1.check(CheckId::Binding).detail,
                          "dicom-waveform-v1, which the trust policy does not accept for this model"),
                 v1.check(CheckId::Binding).detail.c_str());
    }

    void inputDigestMethodsRestrictAModel() {
        VerifyFixture::PolicyOptions o;
        o.inputDigestMethods = {"dicom-waveform-v2"};
        QVERIFY(f->writeTrustStore("trust-methods", o));
        const auto path = copyOf(sharedFile(QStringLiteral("ecg/wave_dfl.dcm")));
        const json::Value pred = ecgPredicate(f->modelDigest, f->producedAt());
        QVERIFY(verifyOn(signFor(path, pred), path, "trust-methods").trusted());
        const Verdict v1 =
            verifyOn(signFor(path, pred, DigestMethod::DicomWaveformV1), path, "trust-methods");
        QCOMPARE(reasonsText(v1), std::string("DATA_MISMATCH"));
        QVERIFY(contains(v1.check(CheckId::Binding).detail, "(it accepts dicom-waveform-v2)"));
    }

    void aWfdbRecordIsBoundAsAWhole() {
        // R2.2: the header and every signal file, under one digest. A changed gain in the header (which
        // rescales every sample) voids the finding; file-v1 over the signal file alone is refused.
        VERIDICOR_SHARED_FILE(hea, "ecg/100.hea");
        VERIDICOR_SHARED_FILE(dat, "ecg/100.dat");
        const auto dir = f->root / "wfdb";
        std::filesystem::create_directories(dir);
        std::filesystem::copy_file(hea.toStdString(), dir / "100.hea",
                                   std::filesystem::copy_options::overwrite_existing);
        std::filesystem::copy_file(dat.toStdString(), dir / "100.dat",
                                   std::filesystem::copy_options::overwrite_existing);
        const json::Value pred = ecgPredicate(f->modelDigest, f->producedAt());
        const std::string record = signFor(dir / "100.dat", pred);
        auto st = parseFindingStatement(payloadOf(record));
        QVERIFY(st.hasValue());
        QCOMPARE(st->input.digestMethod, DigestMethod::WfdbRecordV1);
        QCOMPARE(st->subjectName, std::string("100"));
        QVERIFY(verifyOn(record, dir / "100.hea").trusted()); // either file opens the record

        // A finding bound by file-v1 to the signal file (as revision 1 allowed): refused.
        auto in = openInput(dir / "100.dat");
        InputData asFile = *in;
        asFile.method = DigestMethod::FileV1;
        asFile.subjectName = "100.dat";
        asFile.digest = *fileDigest(dir / "100.dat");
        asFile.digests = {{DigestMethod::FileV1, asFile.digest}};
        auto byFile = signFinding(f->pki.identity(f->pki.finding), pred, asFile, f->root / "bundles");
        QVERIFY(byFile.hasValue());
        const Verdict v = verifyOn(*byFile, dir / "100.dat");
        QCOMPARE(reasonsText(v), std::string("DATA_MISMATCH"));
        QVERIFY2(contains(v.check(CheckId::Binding).detail, "a record is bound only by wfdb-record-v1"),
                 v.check(CheckId::Binding).detail.c_str());

        // The gain of MLII doubled in the header: every sample now reads half as large.
        std::string header = readAll(dir / "100.hea");
        const auto at = header.find(" 200 ");
        QVERIFY(at != std::string::npos);
        header.replace(at, 5, " 400 ");
        writeAll(dir / "100.hea", header);
        QCOMPARE(reasonsText(verifyOn(record, dir / "100.dat")), std::string("DATA_MISMATCH"));

        // A multi-segment record is not one wfdb-record-v1 defines: nothing binds it, and the verdict says
        // why.
        writeAll(dir / "multi.hea", "multi/2 2 360 1000\nseg1 500\nseg2 500\n");
        writeAll(dir / "multi.dat", std::string(16, '\0'));
        auto multi = openInput(dir / "multi.hea");
        QVERIFY2(multi.hasValue(), multi ? "" : multi.error().message.c_str());
        QVERIFY(multi->digests.empty());
        const Verdict m = verifyOn(record, dir / "multi.hea");
        QCOMPARE(reasonsText(m), std::string("DATA_MISMATCH"));
        QVERIFY2(contains(m.check(CheckId::Binding).detail, "No finding can be bound to the opened data"),
                 m.check(CheckId::Binding).detail.c_str());
    }

    void anEchoWithWaveformsIsBoundOnlyByItsPixels() {
        // An echo that also carries a Waveform Sequence (e.g. its ECG trace): a finding bound to the waveform
        // would stay trusted over reordered frames. Such an object is bound only by a pixel-data method.
        const auto path = f->root / "edits" / "echo-with-ecg.dcm";
        {
            auto echo = dicom::loadFile(
                sharedFile(QStringLiteral("us/IM00001.implicit_little_endian.dcm")).toStdString());
            auto ecg = dicom::loadFile(sharedFile(QStringLiteral("ecg/wave_dfl.dcm")).toStdString());
            QVERIFY(echo.hasValue() && ecg.hasValue());
            DcmSequenceOfItems* waves = nullptr;
            QVERIFY(ecg->dataset()->findAndGetSequence(DCM_WaveformSequence, waves).good());
            echo->dataset()->insert(new DcmSequenceOfItems(*waves));
            QVERIFY(echo->file->saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        }
        auto in = openInput(path);
        QVERIFY(in.hasValue());
        QCOMPARE(in->method, DigestMethod::DicomPixelDataV2);
        QVERIFY(in->digestFor(DigestMethod::DicomWaveformV2) == nullptr);
        // A finding signed over the waveforms (by another implementation, say), and one over the pixels.
        auto waveform = digestByMethod(path, DigestMethod::DicomWaveformV2);
        QVERIFY(waveform.hasValue());
        InputData asWaveform = *in;
        asWaveform.method = DigestMethod::DicomWaveformV2;
        asWaveform.digest = waveform->sha256;
        asWaveform.digests = {{DigestMethod::DicomWaveformV2, waveform->sha256}};
        asWaveform.attributes = waveform->attributes;
        auto byWaveform =
            signFinding(f->pki.identity(f->pki.finding), usPredicate(f->modelDigest, f->producedAt()),
                        asWaveform, f->root / "bundles");
        QVERIFY(byWaveform.hasValue());
        const std::string byPixels = signFor(path, usPredicate(f->modelDigest, f->producedAt()));
        QVERIFY(verifyOn(byPixels, path).trusted());
        const Verdict w = verifyOn(*byWaveform, path);
        QCOMPARE(reasonsText(w), std::string("DATA_MISMATCH"));
        QVERIFY2(contains(w.check(CheckId::Binding).detail, "holds Pixel Data"),
                 w.check(CheckId::Binding).detail.c_str());

        // Frames 0 and 1 exchanged: the waveforms are unchanged, the pixels are not.
        {
            auto loaded = dicom::loadFile(path);
            QVERIFY(loaded.hasValue());
            DcmElement* pixels = nullptr;
            QVERIFY(loaded->dataset()->findAndGetElement(DCM_PixelData, pixels).good());
            Uint8* bytes = nullptr;
            QVERIFY(pixels->getUint8Array(bytes).good());
            const std::size_t frame = std::size_t{240} * 320 * 3;
            std::swap_ranges(bytes, bytes + frame, bytes + frame);
            QVERIFY(loaded->file->saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
        }
        QCOMPARE(digestByMethod(path, DigestMethod::DicomWaveformV2)->sha256, waveform->sha256);
        const Verdict reordered = verifyOn(byPixels, path);
        QCOMPARE(reasonsText(reordered), std::string("DATA_MISMATCH"));
        QVERIFY(contains(reordered.check(CheckId::Binding).detail, "the pixels themselves differ"));
        QCOMPARE(reasonsText(verifyOn(*byWaveform, path)), std::string("DATA_MISMATCH"));
    }
};

QTEST_GUILESS_MAIN(TestMeaningBinding)
#include "tst_meaning_binding.moc"
